import { relative } from "node:path";
import { type Cloud, CLOUDS } from "@freehold/model";
import { type CommandSpec, type ParsedArgs, UsageError } from "../args";
import { runChecks } from "../check/run";
import { EXIT } from "../errors";
import { readMeasured, readMeasuredDowntime } from "../exit/measured";
import { buildExitPlan } from "../exit/model";
import { exitReport } from "../exit/currency";
import { freeholdExit } from "../exit/portability";
import { exitHtml, exitMarkdown } from "../exit/render";
import { currencyNote, money } from "../report/currency";
import { writeFilesAtomically } from "../io";
import { isHosted, type Plan } from "../plan/contract";
import { planClouds } from "../plan/run";
import { resolveTarget, validateTarget } from "../plan/target";
import { ASSUMPTION_FLAGS, assumptionsFrom, checkUsageAgainstPlan, CURRENCY_FLAG, currencyFrom, type Io, STACK_FLAG } from "./common";
import { planFailure } from "./failure";

export const exitPlanSpec: CommandSpec = {
  name: "exit-plan",
  summary: "A costed, rehearsable plan to move a stack from one cloud to another, data included.",
  details:
    "Built from the source and target plans (and the third cloud's, for portability): inventory, target mapping, application changes,\ndata-migration runbook with exact commands, time and cost to exit, cutover, rollback, verification, residency,\nthe GDS / G-Cloud exit checklist and a value-versus-portability chart. Every number says where it came from.\nIf --from or --to cannot host the stack as written, prints the refusal (component, feature, reason, fix), writes nothing and exits 3.",
  positionals: [{ name: "target", description: "A stack file (freehold.yaml) or a Pulumi program directory.", required: true }],
  flags: [
    { name: "from", type: "string", values: CLOUDS, required: true, description: "The cloud the stack runs on now." },
    { name: "to", type: "string", values: CLOUDS, required: true, description: "The cloud to move to." },
    { name: "data-gib", type: "number", placeholder: "N", description: "Object data to move, GiB, all stores (default: --storage-gib per store)." },
    { name: "db-gib", type: "number", placeholder: "N", description: "Database data to move, GiB (default: the databases' allocated storage)." },
    { name: "throughput-mibs", type: "number", placeholder: "N", default: 100, description: "Sustained object copy throughput, MiB/s." },
    { name: "db-gib-per-hour", type: "number", placeholder: "N", default: 20, description: "pg_dump + pg_restore throughput, GiB/hour (verification is added on top)." },
    { name: "measured", type: "string", placeholder: "FILE", description: "Take throughput, verification included, from a freehold migrate manifest, a freehold rehearse rehearsal.json, or the exit drill's exit-drill-<from>-to-<to>.json of this pair (its result goes in the Evidence section), instead of the stated defaults." },
    { name: "measured-downtime", type: "string", placeholder: "FILE", description: "Take the live cutover's write downtime from the live round of npm run bench (bench/live-results.json), instead of the stated bound." },
    { name: "dual-days", type: "number", placeholder: "N", default: 14, description: "Days the source and target run side by side." },
    { name: "operator-country", type: "string", placeholder: "CC", default: "GB", description: "Country of the host that runs the migration tools." },
    { name: "value", type: "string", list: true, placeholder: "NAME=1..3,...", description: "Value of components to the service, for the portability chart (default: public services and databases 3, others 2)." },
    { name: "format", type: "string", values: ["md", "html", "json"], default: "md", description: "Output format on stdout (without --out)." },
    CURRENCY_FLAG,
    { name: "out", type: "string", placeholder: "DIR", description: "Write exit-plan-<from>-to-<to>.md, .html and .json here." },
    { name: "quiet", type: "boolean", description: "No progress lines on stderr." },
    STACK_FLAG,
    ...ASSUMPTION_FLAGS,
  ],
  examples: [
    "freehold exit-plan examples/crown-marketplace/freehold.yaml --from aws --to azure",
    "freehold exit-plan stack.yaml --from gcp --to aws --data-gib 2048 --db-gib 120 --out reports",
    "freehold exit-plan stack.yaml --from aws --to azure --db-gib 120 --measured reports/rehearsal/rehearsal.json",
  ],
};

function parseValues(items: string[] | undefined): Record<string, number> {
  const values: Record<string, number> = {};
  const problems: string[] = [];
  for (const item of items ?? []) {
    const m = /^([a-z][a-z0-9-]*)=([123])$/.exec(item);
    if (!m) problems.push(`--value: ${JSON.stringify(item)} is not NAME=1, NAME=2 or NAME=3`);
    else values[m[1] as string] = Number(m[2]);
  }
  if (problems.length) throw new UsageError(problems, "exit-plan");
  return values;
}

export async function runExitPlan(args: ParsedArgs, io: Io): Promise<number> {
  const from = args.flags.from as Cloud;
  const to = args.flags.to as Cloud;
  if (from === to) throw new UsageError([`--from and --to are both ${from}; choose two different clouds`], "exit-plan");
  const rates = ["throughput-mibs", "db-gib-per-hour"].filter((f) => !(Number(args.flags[f]) > 0));
  if (rates.length > 0) throw new UsageError(rates.map((f) => `--${f} must be more than 0 (a throughput), not ${args.flags[f]}`), "exit-plan");
  const values = parseValues(args.flags.value as string[] | undefined);
  const measured = args.flags.measured === undefined ? undefined : readMeasured(String(args.flags.measured), { from, to });
  const measuredDowntime = args.flags["measured-downtime"] === undefined ? undefined : readMeasuredDowntime(String(args.flags["measured-downtime"]));
  if (measured && !args.flags.quiet)
    io.err(`Time to exit from ${measured.file}: databases ${measured.database ? `${measured.database.value} GiB/h measured` : `${args.flags["db-gib-per-hour"]} GiB/h stated (no database manifest in it)`}, objects ${measured.objects ? `${measured.objects.value} MiB/s measured` : `${args.flags["throughput-mibs"]} MiB/s stated (no object manifest in it)`}.\n`);
  const targetPath = args.positionals[0] as string;
  const target = resolveTarget(targetPath, args.flags.stack as string | undefined);
  validateTarget(target);
  if (!args.flags.quiet) io.err(`Planning on ${CLOUDS.join(", ")} for an exit from ${from} to ${to}...\n`);
  const plans = await planClouds(target, CLOUDS, assumptionsFrom(args, target));
  checkUsageAgainstPlan(args, target, plans.find(isHosted)?.components ?? []);
  const source = plans.find((p) => p.cloud === from);
  const dest = plans.find((p) => p.cloud === to);
  if (!source || !dest) throw new Error("a plan is missing");
  if (!isHosted(source)) return cannotExit(source, plans, from, to, io);
  if (!isHosted(dest)) return cannotExit(dest, plans, from, to, io);
  for (const c of values ? Object.keys(values) : []) {
    if (!source.components.some((x) => x.name === c)) throw new UsageError([`--value: "${c}" is not a component of this stack (components: ${source.components.map((x) => x.name).join(", ")})`], "exit-plan");
  }
  const checks = runChecks(dest);
  const currency = currencyFrom(args);
  const built = buildExitPlan(source, dest, plans, {
    dataGiB: args.flags["data-gib"] as number | undefined,
    dbGiB: args.flags["db-gib"] as number | undefined,
    objectThroughputMiBs: Number(args.flags["throughput-mibs"]),
    databaseGiBPerHour: Number(args.flags["db-gib-per-hour"]),
    dualRunningDays: Number(args.flags["dual-days"]),
    ...(measured ? { measured } : {}),
    ...(measuredDowntime ? { measuredDowntime } : {}),
    operatorCountry: String(args.flags["operator-country"]).toUpperCase(),
    values,
    targetChecks: { errors: checks.summary.errors, warnings: checks.summary.warnings, compliant: checks.summary.compliant, rules: checks.rules.map((r) => r.id) },
    money: (usd) => money(usd, currency),
  });
  // Freehold's own exit, with the target as the user named it.
  built.portability.freehold = freeholdExit(relative(process.cwd(), targetPath) || targetPath, from);
  const stackArg = relative(process.cwd(), targetPath) || targetPath;
  built.evidence.drill.command = built.evidence.drill.command.replace("<stack>", stackArg);
  for (const step of built.cutover) step.commands = step.commands?.map((c) => c.replace("<stack>", stackArg));
  const plan = exitReport(built, currency);
  const files: Record<string, string> = { md: exitMarkdown(plan), html: exitHtml(plan), json: `${JSON.stringify(plan, null, 2)}\n` };
  const out = args.flags.out as string | undefined;
  if (out) {
    const base = `exit-plan-${from}-to-${to}`;
    const written = writeFilesAtomically(out, { [`${base}.md`]: files.md as string, [`${base}.html`]: files.html as string, [`${base}.json`]: files.json as string });
    io.out(`Exit ${from} -> ${to}: one-off about ${money(plan.cost.oneOffUsd.value, currency)}, ${plan.time.calendarDays.value} working days, target ${money(plan.cost.targetMonthlyUsd.value, currency)}/month, portability ${plan.portability.score}%.\n${currencyNote(currency)}\nWrote ${written.map((w) => relative(process.cwd(), w)).join(", ")}\n`);
  } else io.out(files[args.flags.format as string] as string);
  return EXIT.ok;
}

/** The source or the target cannot plan the stack: report why (a refusal exits 3) and write nothing, naming the clouds that could be targets instead. */
function cannotExit(plan: Plan, plans: Plan[], from: Cloud, to: Cloud, io: Io): number {
  const code = planFailure(plan, io);
  if (plan.error?.type === "unsupported" || plan.error?.type === "rules") {
    const targets = plans.filter((p) => isHosted(p) && p.cloud !== from).map((p) => p.cloud);
    const instead = plan.cloud === to && targets.length ? `, or plan an exit to ${targets.join(" or ")}, which can host it as written` : "";
    io.err(`No exit plan was written: the stack must plan on both ${from} and ${to}. Change the stack as the fix says${instead}.\n`);
  }
  return code;
}
