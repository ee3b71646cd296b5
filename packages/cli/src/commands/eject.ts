import { relative, resolve } from "node:path";
import type { Cloud } from "@freehold/model";
import { type CommandSpec, type ParsedArgs, UsageError } from "../args";
import { EXIT, InputError } from "../errors";
import { notEmptyDirectory, writeDirectoryAtomically } from "../io";
import { readDeployedState } from "../eject/state";
import { ejectInChild } from "../plan/run";
import { resolveTarget, type Target, validateTarget } from "../plan/target";
import { CLOUD_FLAG, cloudOverrideWarning, type Io, shownPath, STACK_FLAG } from "./common";
import { planFailure } from "./failure";

export const ejectSpec: CommandSpec = {
  name: "eject",
  summary: "Leave Freehold itself: write a plain Pulumi program that keeps every resource of a stack, with no replacement.",
  details: [
    "Writes index.ts, Pulumi.yaml, package.json, tsconfig.json and README.md to a new directory (all or nothing): a Pulumi",
    "TypeScript program that depends only on @pulumi/* packages and registers exactly the cloud resources Freehold registers",
    "for the stack on that cloud (same types, names, inputs and options), each with an alias naming its URN under its",
    "Freehold component, so `pulumi up` with the same stack moves the resources instead of replacing them. Built offline",
    "from the plan; what it could not trace to another resource's output is listed on stderr and in the README (docs/eject.md).",
  ].join("\n"),
  positionals: [{ name: "target", description: "A stack file (freehold.yaml) or a Pulumi program directory.", required: true }],
  flags: [
    CLOUD_FLAG,
    { name: "out", type: "string", placeholder: "DIR", required: true, description: "The directory to write the program to: new, or empty." },
    {
      name: "state",
      type: "string",
      placeholder: "FILE",
      description: "The deployed stack, from `pulumi stack export --file FILE`: eject checks that the program keeps every resource in it and takes from it the values it cannot trace.",
    },
    { name: "quiet", type: "boolean", description: "No progress line on stderr." },
    { ...STACK_FLAG, description: "The Pulumi stack to eject: its physical names are written into the program, which runs for that stack only." },
  ],
  examples: [
    "freehold eject examples/crown-marketplace/freehold.yaml --cloud aws --out ejected",
    "pulumi stack export --stack prod --file prod.json && freehold eject . --cloud azure --stack prod --state prod.json --out ../marketplace-prod",
  ],
};

export async function runEject(args: ParsedArgs, io: Io): Promise<number> {
  const given = args.positionals[0] as string;
  const out = resolve(args.flags.out as string);
  // Every problem with the command line at once: the target and the output directory.
  const problems: string[] = [];
  let target: Target | undefined;
  try {
    target = resolveTarget(given, args.flags.stack as string | undefined);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    problems.push(e.message);
  }
  const outProblem = notEmptyDirectory(out);
  if (outProblem) problems.push(`--out: ${outProblem}`);
  const state = args.flags.state === undefined ? undefined : resolve(args.flags.state as string);
  if (state) {
    try {
      readDeployedState(state);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(e.message);
    }
  }
  if (problems.length || !target) throw new UsageError(problems, "eject");
  validateTarget(target);

  const cloud = args.flags.cloud as Cloud;
  const source = relative(process.cwd(), resolve(given)) || ".";
  const override = cloudOverrideWarning(target, cloud);
  if (override) io.err(override);
  if (!args.flags.quiet) io.err(`Ejecting ${source} on ${cloud} (Pulumi stack ${target.stack})...\n`);
  const result = await ejectInChild(target, cloud, source, state);
  if (result.plan.error) return planFailure(result.plan, io);
  if (result.problems || !result.ejected) {
    io.err(`freehold eject: ${source} cannot be ejected on ${cloud} as it is:\n${(result.problems ?? ["no program was written"]).map((p) => `  - ${p}`).join("\n")}\n`);
    return EXIT.usage;
  }
  const written = writeDirectoryAtomically(out, result.ejected.files);
  const where = shownPath(out);
  io.out(
    `Ejected ${result.plan.stack || source} on ${result.plan.provider} (Pulumi stack ${target.stack}): ${result.ejected.resources} cloud resources, no Freehold import.\nWrote ${written.map(shownPath).join(", ")}\nNext: read ${where}/README.md, then \`pulumi preview\` there with the same stack: only Freehold's components go away.\n`,
  );
  if (result.ejected.notes.length) io.err(`Check before \`pulumi up\` (also in ${where}/README.md):\n${result.ejected.notes.map((n) => `  - ${n}`).join("\n")}\n`);
  return EXIT.ok;
}
