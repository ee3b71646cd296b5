import { relative } from "node:path";
import { type Cloud, CLOUDS } from "@freehold/model";
import type { CommandSpec, ParsedArgs } from "../args";
import { comparePlans } from "../compare/model";
import { compareHtml, compareMarkdown, compareText } from "../compare/render";
import { EXIT } from "../errors";
import { writeFilesAtomically } from "../io";
import { type FailedPlan, isHosted, type Plan } from "../plan/contract";
import { planClouds, planProcesses } from "../plan/run";
import { violationsExit } from "../plan/rules";
import { resolveTarget, validateTarget } from "../plan/target";
import { ASSUMPTION_FLAGS, assumptionsFrom, checkUsageAgainstPlan, CURRENCY_FLAG, currencyFrom, type Io, STACK_FLAG } from "./common";
import { planFailure, refusalText } from "./failure";

export const compareSpec: CommandSpec = {
  name: "compare",
  summary: "Plan one stack on several clouds and lay them side by side: services, sizes, gaps, availability, residency, monthly cost.",
  details:
    "With --out, writes compare.md, compare.html and compare.json to DIR (all or nothing) and prints a summary table.\nWithout --out, prints the chosen format to stdout. A cloud that cannot host the stack as written is shown as \"cannot host\"\nwith the component, feature, reason and fix; the other clouds are reported in full, and the exit code is 3.",
  positionals: [{ name: "target", description: "A stack file (freehold.yaml) or a Pulumi program directory.", required: true }],
  flags: [
    { name: "clouds", type: "string", list: true, values: CLOUDS, default: CLOUDS.join(","), placeholder: "aws,azure,gcp", description: "Clouds to compare." },
    { name: "format", type: "string", values: ["md", "html", "json", "table"], default: "table", description: "Output format on stdout (without --out)." },
    CURRENCY_FLAG,
    { name: "out", type: "string", placeholder: "DIR", description: "Write compare.md, compare.html and compare.json here." },
    { name: "quiet", type: "boolean", description: "No progress lines on stderr." },
    STACK_FLAG,
    ...ASSUMPTION_FLAGS,
  ],
  examples: ["freehold compare examples/crown-marketplace/freehold.yaml --out reports", "freehold compare stack.yaml --clouds aws,gcp --format json"],
};

export async function runCompare(args: ParsedArgs, io: Io): Promise<number> {
  const targetPath = args.positionals[0] as string;
  const target = resolveTarget(targetPath, args.flags.stack as string | undefined);
  validateTarget(target);
  const clouds = [...new Set(args.flags.clouds as Cloud[])];
  const usage = assumptionsFrom(args, target);
  if (!args.flags.quiet) io.err(`Planning ${target.kind === "stack" ? relative(process.cwd(), target.file) : relative(process.cwd(), target.dir) || "."} on ${clouds.join(", ")} (${planProcesses(clouds.length)} planning process${planProcesses(clouds.length) > 1 ? "es" : ""})...\n`);
  const plans = await planClouds(target, clouds, usage, (cloud, plan, ms) => {
    if (args.flags.quiet) return;
    io.err(`  ${cloud.padEnd(5)} ${progressText(plan)} (${(ms / 1000).toFixed(1)} s)\n`);
  });
  const internal = plans.find((p) => p.error && (p.error.type === "internal" || p.error.type === "spec" || p.error.type === "cloud"));
  if (internal) return planFailure(internal, io);
  checkUsageAgainstPlan(args, target, plans.find(isHosted)?.components ?? []);
  const cmp = comparePlans(plans, relative(process.cwd(), targetPath) || targetPath, currencyFrom(args), target.kind === "program" ? target.project : undefined);
  const files = { "compare.md": compareMarkdown(cmp, plans), "compare.html": compareHtml(cmp, plans), "compare.json": `${JSON.stringify({ ...cmp, plans }, null, 2)}\n` };
  const out = args.flags.out as string | undefined;
  const tableShown = Boolean(out) || args.flags.format === "table";
  if (out) {
    const written = writeFilesAtomically(out, files);
    io.out(`${compareText(cmp)}\n\nWrote ${written.map((w) => relative(process.cwd(), w)).join(", ")}\n`);
  } else {
    const format = args.flags.format as string;
    io.out(format === "table" ? `${compareText(cmp)}\n` : files[`compare.${format}` as keyof typeof files]);
  }
  // Every cloud is in the reports, a refusing one as "cannot host" with its reason; the exit code says a cloud refused.
  // The summary table on stdout already lists each refusal in full; otherwise they go to stderr.
  const refused = plans.filter((p): p is FailedPlan => !isHosted(p));
  if (refused.length && tableShown) io.err(`freehold: ${refused.map((p) => p.provider).join(" and ")} cannot host this stack as written (why: above, and in the reports).\n`);
  else for (const p of refused) io.err(`${refusalText(p)}\n`);
  return refused.length ? Math.min(...refused.map((p) => (p.error.type === "rules" ? violationsExit(p.error.violations ?? []) : EXIT.unsupported))) : EXIT.ok;
}

function progressText(plan: Plan): string {
  const e = plan.error;
  if (!e) return `${plan.totals.resources} resources`;
  if (e.type === "rules") return `would refuse ${e.violations?.length ?? 0} value${e.violations?.length === 1 ? "" : "s"} (${[...new Set(e.violations?.map((v) => v.component ?? v.resource))].join(", ")})`;
  return e.type === "unsupported" ? `cannot host (${e.component}: ${e.feature})` : `failed (${e.type})`;
}
