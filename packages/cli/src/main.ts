import { SpecError, UnsupportedFeatureError } from "@freehold/model";
import { type CommandSpec, helpText, type ParsedArgs, parseArgs, UsageError } from "./args";
import { checkSpec, runCheck } from "./commands/check";
import { compareSpec, runCompare } from "./commands/compare";
import { ejectSpec, runEject } from "./commands/eject";
import { exitPlanSpec, runExitPlan } from "./commands/exit-plan";
import { migrateSpec, runMigrate } from "./commands/migrate";
import { rehearseSpec, runRehearse } from "./commands/rehearse";
import type { Io } from "./commands/common";
import { planSpec, runPlan } from "./commands/plan";
import { EXIT, InputError } from "./errors";
import { PlanFailedError } from "./plan/contract";
import { planFailure } from "./commands/failure";

interface Command {
  spec: CommandSpec;
  run(args: ParsedArgs, io: Io): Promise<number>;
}

export const COMMANDS: Command[] = [
  { spec: planSpec, run: runPlan },
  { spec: compareSpec, run: runCompare },
  { spec: checkSpec, run: runCheck },
  { spec: exitPlanSpec, run: runExitPlan },
  { spec: migrateSpec, run: runMigrate },
  { spec: rehearseSpec, run: runRehearse },
  { spec: ejectSpec, run: runEject },
];

export function version(): string {
  return (require("../package.json") as { version: string }).version;
}

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 4;
  return [
    "freehold: plan, compare and check one stack on AWS, Azure and Google Cloud, offline; plan and rehearse leaving one; eject to leave Freehold itself.",
    "",
    "Usage: freehold <command> [arguments] [flags]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    "",
    "Global flags: --help, --version. Colours follow NO_COLOR and the terminal.",
    "Exit codes: 0 ok; 1 check findings or failed verification; 2 bad input; 3 a cloud cannot host the stack; 70 internal error.",
    "Run `freehold <command> --help` for a command's flags.",
    "",
  ].join("\n");
}

/** Run the CLI. Never throws for a user's mistake: prints one clear paragraph and returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(topHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version" || name === "-v") {
    io.out(`${version()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) {
    const { didYouMean } = await import("@freehold/model");
    const hint = didYouMean(name, COMMANDS.map((c) => c.spec.name));
    io.err(`freehold: unknown command ${JSON.stringify(name)}. ${hint ? `Did you mean "${hint}"? ` : ""}Commands: ${COMMANDS.map((c) => c.spec.name).join(", ")}.\n`);
    return EXIT.usage;
  }
  try {
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
    if (e instanceof PlanFailedError) return planFailure(e.plan, io);
    if (e instanceof UnsupportedFeatureError) {
      io.err(`${e.message}\n`);
      return EXIT.unsupported;
    }
    io.err(`freehold ${name}: an internal error; this is a bug, please report it with this message:\n${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.internal;
  }
}
