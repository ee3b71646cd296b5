import type { Cloud } from "@freehold/model";
import type { CommandSpec, ParsedArgs } from "../args";
import { EXIT } from "../errors";
import { type HostedPlan, isHosted } from "../plan/contract";
import { planInChild } from "../plan/run";
import { changesSince, changesText, readPreviousPlan } from "../plan/previous";
import { violationLines } from "../plan/rules";
import { resolveTarget, validateTarget } from "../plan/target";
import { currencyNote, money, type ReportCurrency, reportCurrency } from "../report/currency";
import { mdTable, pct, textTable } from "../report/format";
import { dnsCells, dnsRecordsOf } from "../report/placeholders";
import { shortType } from "../report/svg";
import { pricingLine, usageLines } from "../report/costs";
import { ASSUMPTION_FLAGS, assumptionsFrom, CLOUD_FLAG, cloudOverrideWarning, CURRENCY_FLAG, currencyFrom, type Io, STACK_FLAG } from "./common";
import { planFailure } from "./failure";

export const planSpec: CommandSpec = {
  name: "plan",
  summary: "Show exactly what one cloud would get for a stack, offline: every resource, its inputs and options.",
  details:
    "Runs the stack file, or the Pulumi program in a directory, under Pulumi's mock runtime in a child process.\nNo credentials, no Pulumi CLI, nothing deployed. The JSON form is the stable contract in docs/plan-contract.md.",
  positionals: [{ name: "target", description: "A stack file (freehold.yaml) or a Pulumi program directory.", required: true }],
  flags: [
    CLOUD_FLAG,
    { name: "format", type: "string", values: ["json", "table", "md"], default: "table", description: "Output format (json is the USD contract whatever --currency says)." },
    CURRENCY_FLAG,
    STACK_FLAG,
    {
      name: "previous",
      type: "string",
      placeholder: "FILE",
      description: "A plan of this stack (freehold plan --format json) to compare with: what `pulumi up` would replace, update or delete, and what it would refuse (exit 2).",
    },
    ...ASSUMPTION_FLAGS,
  ],
  examples: [
    "freehold plan examples/crown-marketplace/freehold.yaml --cloud azure",
    "freehold plan examples/crown-marketplace --cloud gcp --format json > plan.json",
    "freehold plan examples/crown-marketplace --cloud gcp --previous plan.json",
  ],
};

export async function runPlan(args: ParsedArgs, io: Io): Promise<number> {
  const target = resolveTarget(args.positionals[0] as string, args.flags.stack as string | undefined);
  validateTarget(target);
  const previousFile = args.flags.previous as string | undefined;
  const previous = previousFile === undefined ? undefined : readPreviousPlan(previousFile, args.flags.cloud as string);
  const override = cloudOverrideWarning(target, args.flags.cloud as Cloud);
  if (override) io.err(override);
  const planned = await planInChild(target, args.flags.cloud as Cloud, assumptionsFrom(args, target));
  const plan = previous && previousFile && isHosted(planned) ? { ...planned, changes: changesSince(previous, previousFile, planned) } : planned;
  const format = args.flags.format as string;
  if (format === "json") io.out(`${JSON.stringify(plan, null, 2)}\n`);
  if (!isHosted(plan)) return planFailure(plan, io);
  if (format === "table") io.out(`${planText(plan, currencyFrom(args))}\n`);
  if (format === "md") io.out(planMarkdown(plan, currencyFrom(args)));
  if (plan.changes && format !== "json") io.out(`\n${changesText(plan.changes).join("\n")}\n`);
  if (plan.changes?.refusals.length) {
    io.err(`freehold: \`pulumi up\` from ${plan.changes.previous} to this plan would be refused:\n${violationLines(plan.changes.refusals).join("\n")}\n`);
    return EXIT.usage;
  }
  return EXIT.ok;
}

function componentRows(plan: HostedPlan, currency: ReportCurrency): string[][] {
  return plan.components.map((c) => [c.name, c.kind, c.service, c.sku ?? "—", String(c.resourceCount), pct(c.availability.percent), money(c.estimate.monthlyUsd, currency)]);
}

const HEAD = ["Component", "Kind", "Service", "Size", "Resources", "SLA", "Monthly"];
const DNS_HEAD = ["Component", "Purpose", "Name", "Type", "Value"];

/** The DNS records the user must create for custom domains (web services' `dnsRecords` output). */
function dnsRows(plan: HostedPlan): string[][] {
  return plan.components.flatMap((c) => dnsRecordsOf(c).map((r) => [c.name, ...dnsCells(r)]));
}

/** A program with no Freehold components (a plain Pulumi program, an ejected one): no sizes, availability or costs to show. */
const plainProgram = (plan: HostedPlan) => plan.components.length === 0 && !plan.platform.urn;
const PLAIN = "a Pulumi program with no Freehold components, so no sizes, availability or costs to show";

export function planText(plan: HostedPlan, currency: ReportCurrency = reportCurrency()): string {
  const resources = plan.resources.filter((r) => r.custom).map((r) => [r.name, shortType(r.type), r.options.retainOnDelete ? "retain" : "", r.options.protect ? "protect" : ""]);
  if (plainProgram(plan)) {
    return [`${plan.provider}: ${plan.totals.resources} resources in ${PLAIN}.`, "", textTable(["Resource", "Type", "On delete", "Protect"], resources), ...(plan.warnings.length ? ["", "Warnings:", ...plan.warnings.map((w) => `  - ${w}`)] : [])].join("\n");
  }
  return [
    `${plan.provider}, ${plan.region} (${plan.location.city}, ${plan.location.country}): ${plan.totals.resources} resources, about ${money(plan.totals.monthlyUsd, currency)} a month (${money(plan.totals.fixedUsd, currency)} fixed, ${money(plan.totals.usageUsd, currency)} usage-driven)`,
    currencyNote(currency),
    pricingLine(plan.provider, plan.pricing),
    `${usageLines(plan.usage)[0]}.`,
    "",
    textTable(HEAD, [...componentRows(plan, currency), ["(platform)", "", "shared network", "", String(plan.platform.resourceCount), "", money(plan.platform.estimate.monthlyUsd, currency)]]),
    "",
    textTable(["Resource", "Type", "On delete", "Protect"], resources),
    ...(dnsRows(plan).length ? ["", "DNS records to create (certificate validation first, then traffic):", textTable(DNS_HEAD, dnsRows(plan))] : []),
    ...(plan.warnings.length ? ["", "Warnings:", ...plan.warnings.map((w) => `  - ${w}`)] : []),
  ].join("\n");
}

export function planMarkdown(plan: HostedPlan, currency: ReportCurrency = reportCurrency()): string {
  const resources = mdTable(["Name", "Type", "Parent", "On delete"], plan.resources.filter((r) => r.custom).map((r) => [r.name, `\`${r.type}\``, r.parent?.split("::").pop() ?? "", r.options.retainOnDelete ? "retain" : "delete"]));
  if (plainProgram(plan)) return `${[`# ${plan.stack} on ${plan.provider}`, "", `${plan.totals.resources} cloud resources in ${PLAIN}.`, "", "## Resources", "", resources].join("\n")}\n`;
  return `${[
    `# ${plan.stack} on ${plan.provider}`,
    "",
    `Region ${plan.region} (${plan.location.city}, ${plan.location.country}); ${plan.totals.resources} cloud resources; about ${money(plan.totals.monthlyUsd, currency)} a month (${money(plan.totals.fixedUsd, currency)} fixed, ${money(plan.totals.usageUsd, currency)} usage-driven).`,
    "",
    pricingLine(plan.provider, plan.pricing),
    "",
    currencyNote(currency),
    "",
    ...usageLines(plan.usage).map((l) => `- ${l}`),
    "",
    mdTable(HEAD, [...componentRows(plan, currency), ["(platform)", "", "shared network", "", String(plan.platform.resourceCount), "", money(plan.platform.estimate.monthlyUsd, currency)]]),
    "",
    "## Resources",
    "",
    resources,
    ...(dnsRows(plan).length ? ["", "## DNS records to create", "", "Certificate validation first, then traffic.", "", mdTable(DNS_HEAD, dnsRows(plan))] : []),
    ...(plan.warnings.length ? ["", "## Warnings", "", ...plan.warnings.map((w) => `- ${w}`)] : []),
  ].join("\n")}\n`;
}
