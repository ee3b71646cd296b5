import type { Cloud } from "@freehold/model";
import type { CommandSpec, ParsedArgs } from "../args";
import { checkHtml, checkMarkdown, checkText } from "../check/render";
import { runChecks } from "../check/run";
import { EXIT } from "../errors";
import { writeFilesAtomically } from "../io";
import { colours } from "../report/format";
import { isHosted } from "../plan/contract";
import { planInChild } from "../plan/run";
import { resolveTarget, validateTarget } from "../plan/target";
import { CLOUD_FLAG, cloudOverrideWarning, type Io, STACK_FLAG } from "./common";
import { planFailure } from "./failure";

export const checkSpec: CommandSpec = {
  name: "check",
  summary: "Check a stack's plan against security rules mapped to the NCSC Cloud Security Principles.",
  details: "Rules read the plan's resources: encryption, TLS, public exposure, private databases, backups, deletion protection,\nleast privilege, plain-text secrets, residency, logging. Exit code 1 when an error-level rule is non-compliant.",
  positionals: [{ name: "target", description: "A stack file (freehold.yaml) or a Pulumi program directory.", required: true }],
  flags: [
    CLOUD_FLAG,
    { name: "format", type: "string", values: ["table", "md", "json", "html"], default: "table", description: "Output format." },
    { name: "out", type: "string", placeholder: "DIR", description: "Also write check-<cloud>.md, .html and .json here." },
    STACK_FLAG,
  ],
  examples: ["freehold check examples/crown-marketplace/freehold.yaml --cloud aws", "freehold check stack.yaml --cloud gcp --format json"],
};

export async function runCheck(args: ParsedArgs, io: Io): Promise<number> {
  const target = resolveTarget(args.positionals[0] as string, args.flags.stack as string | undefined);
  validateTarget(target);
  const cloud = args.flags.cloud as Cloud;
  const override = cloudOverrideWarning(target, cloud);
  if (override) io.err(override);
  const plan = await planInChild(target, cloud);
  if (!isHosted(plan)) return planFailure(plan, io);
  const report = runChecks(plan);
  const format = args.flags.format as string;
  const rendered: Record<string, string> = { table: `${checkText(report, colours(process.stdout))}\n`, md: checkMarkdown(report), json: `${JSON.stringify(report, null, 2)}\n`, html: checkHtml(report) };
  if (args.flags.out) writeFilesAtomically(args.flags.out as string, { [`check-${cloud}.md`]: rendered.md as string, [`check-${cloud}.html`]: rendered.html as string, [`check-${cloud}.json`]: rendered.json as string });
  io.out(rendered[format] as string);
  return report.summary.errors > 0 ? EXIT.findings : EXIT.ok;
}
