import { SpecError, UnsupportedFeatureError } from "@freehold/model/errors";
import { type CommandSpec, helpText, type ParsedArgs, parseArgs, UsageError } from "./args";
import type * as CheckCommand from "./commands/check";
import type { Io } from "./commands/common";
import type * as CompareCommand from "./commands/compare";
import type * as EjectCommand from "./commands/eject";
import type * as ExitPlanCommand from "./commands/exit-plan";
import type * as FailureCommand from "./commands/failure";
import type * as MigrateCommand from "./commands/migrate";
import type * as PlanCommand from "./commands/plan";
import type * as PricesCommand from "./commands/prices";
import type * as RehearseCommand from "./commands/rehearse";
import type * as ReplicateCommand from "./commands/replicate";
import { EXIT, InputError } from "./errors";
import { PlanFailedError } from "./plan/contract";

interface Command {
  spec: CommandSpec;
  run(args: ParsedArgs, io: Io): Promise<number>;
}

/**
 * Each command's module is loaded only when it runs (or for the top-level
 * help): the planning commands load the Pulumi SDKs and @freehold/core, about
 * a second, which `migrate` and `rehearse` do not need.
 */
function lazy<M>(file: string, pick: (m: M) => Command): Promise<Command> {
  return Promise.resolve().then(() => pick(require(file) as M));
}

export const COMMANDS: Array<{ name: string; load(): Promise<Command> }> = [
  { name: "plan", load: () => lazy<typeof PlanCommand>("./commands/plan", (m) => ({ spec: m.planSpec, run: m.runPlan })) },
  { name: "compare", load: () => lazy<typeof CompareCommand>("./commands/compare", (m) => ({ spec: m.compareSpec, run: m.runCompare })) },
  { name: "check", load: () => lazy<typeof CheckCommand>("./commands/check", (m) => ({ spec: m.checkSpec, run: m.runCheck })) },
  { name: "exit-plan", load: () => lazy<typeof ExitPlanCommand>("./commands/exit-plan", (m) => ({ spec: m.exitPlanSpec, run: m.runExitPlan })) },
  { name: "migrate", load: () => lazy<typeof MigrateCommand>("./commands/migrate", (m) => ({ spec: m.migrateSpec, run: m.runMigrate })) },
  { name: "replicate", load: () => lazy<typeof ReplicateCommand>("./commands/replicate", (m) => ({ spec: m.replicateSpec, run: m.runReplicate })) },
  { name: "rehearse", load: () => lazy<typeof RehearseCommand>("./commands/rehearse", (m) => ({ spec: m.rehearseSpec, run: m.runRehearse })) },
  { name: "eject", load: () => lazy<typeof EjectCommand>("./commands/eject", (m) => ({ spec: m.ejectSpec, run: m.runEject })) },
  { name: "prices", load: () => lazy<typeof PricesCommand>("./commands/prices", (m) => ({ spec: m.pricesSpec, run: (args, io) => m.runPrices(args, io) })) },
];

export function version(): string {
  return (require("../package.json") as { version: string }).version;
}

async function topHelp(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map((c) => c.load()));
  const width = Math.max(...commands.map((c) => c.spec.name.length)) + 4;
  return [
    "freehold: plan, compare and check one stack on AWS, Azure and Google Cloud, offline; plan and rehearse leaving one; eject to leave Freehold itself.",
    "",
    "Usage: freehold <command> [arguments] [flags]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    "",
    "Global flags: --help, --version. Colours follow NO_COLOR and the terminal.",
    "Exit codes: 0 ok; 1 check findings, failed verification or a failed tool or server (the message says what to check); 2 bad input;",
    "3 a cloud cannot host the stack; 129/130/143 migrate or rehearse stopped by SIGHUP/SIGINT/SIGTERM (everything it started stopped); 70 internal error.",
    "Run `freehold <command> --help` for a command's flags.",
    "",
  ].join("\n");
}

/** Run the CLI. Never throws for a user's mistake: prints one clear paragraph and returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(await topHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version" || name === "-v") {
    io.out(`${version()}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    const { didYouMean } = await import("@freehold/model");
    const hint = didYouMean(name, COMMANDS.map((c) => c.name));
    io.err(`freehold: unknown command ${JSON.stringify(name)}. ${hint ? `Did you mean "${hint}"? ` : ""}Commands: ${COMMANDS.map((c) => c.name).join(", ")}.\n`);
    return EXIT.usage;
  }
  try {
    const command = await entry.load();
    const args = parseArgs(command.spec, rest);
    if (args.flags.help) {
      io.out(helpText(command.spec));
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof InputError || e instanceof SpecError) {
      io.err(`${e.message}\n`);
      return EXIT.usage;
    }
    // Loaded only when a plan failed: the rule book it reads takes a second or more to load, which every command (a migration's too) would pay.
    if (e instanceof PlanFailedError) return (require("./commands/failure") as typeof FailureCommand).planFailure(e.plan, io);
    if (e instanceof UnsupportedFeatureError) {
      io.err(`${e.message}\n`);
      return EXIT.unsupported;
    }
    io.err(`freehold ${name}: an internal error; this is a bug, please report it with this message:\n${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.internal;
  }
}
