import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import type { CostAssumptions } from "@freehold/core";
import { type Cloud, CLOUDS, type ComponentKind, defaultUsage, type KindUsage, parseStack, parseUsage, USAGE_DEFAULTS } from "@freehold/model";
import { InputError } from "../errors";
import type { Target } from "../plan/target";
import type { FlagSpec, ParsedArgs } from "../args";
import { CURRENCIES, type CurrencyCode, type ReportCurrency, reportCurrency } from "../report/currency";

export const CLOUD_FLAG: FlagSpec = { name: "cloud", type: "string", values: CLOUDS, required: true, description: "The cloud to plan on.", placeholder: "aws|azure|gcp" };
export const STACK_FLAG: FlagSpec = {
  name: "stack",
  type: "string",
  placeholder: "NAME",
  default: "dev",
  description: "The Pulumi stack to plan: part of every physical name (dev and prod get different names), and what pulumi.getStack() returns. For a Pulumi program, Pulumi.<NAME>.yaml config is read too when it exists.",
};

export const CURRENCY_FLAG: FlagSpec = {
  name: "currency",
  type: "string",
  values: CURRENCIES,
  default: "GBP",
  placeholder: "GBP|USD",
  description: "Currency for costs: GBP converts the clouds' USD list prices at HMRC's monthly exchange rate (the report states it); USD shows list prices unconverted.",
};

export const currencyFrom = (args: ParsedArgs): ReportCurrency => reportCurrency((args.flags.currency as CurrencyCode | undefined) ?? "GBP");

export const ASSUMPTION_FLAGS: FlagSpec[] = [
  {
    name: "usage",
    type: "string",
    placeholder: "FILE",
    description: "A usage file (YAML): requests, egress, stored data and its growth, old object versions and log volume, for every component of a kind or per component (docs/costs.md). Figures it leaves out take the built-in defaults; every report states them.",
  },
  { name: "hours", type: "number", placeholder: "N", description: `Hours a month the stack runs, over the usage file's (default ${USAGE_DEFAULTS.hoursPerMonth}).` },
  { name: "storage-gib", type: "number", placeholder: "N", description: `Data stored per object store, GiB, over the usage file's default for object stores (default ${USAGE_DEFAULTS.defaults["object-store"].storageGiB}).` },
  {
    name: "requests-millions",
    type: "number",
    placeholder: "N",
    description: `Requests per web service a month, millions, over the usage file's default for web services (default ${USAGE_DEFAULTS.defaults["web-service"].requestsMillions}).`,
  },
  { name: "egress-gib", type: "number", placeholder: "N", description: `Internet egress per web service a month, GiB, over the usage file's default for web services (default ${USAGE_DEFAULTS.defaults["web-service"].egressGiB}).` },
];

/**
 * The usage to price with: the usage file (checked against the stack's
 * components when the target is a stack file) with the flags given on the
 * command line over its stack-wide figures. A bad file is one SpecError listing every problem.
 */
export function assumptionsFrom(args: ParsedArgs, target?: Target): CostAssumptions {
  const file = args.flags.usage as string | undefined;
  let usage = defaultUsage();
  if (file) {
    if (!existsSync(file)) throw new InputError(`--usage: ${file}: no such file. Give a usage file (YAML); docs/costs.md shows one.`);
    usage = parseUsage(readFileSync(file, "utf8"), { source: file, ...(target ? { components: stackComponents(target) } : {}) });
  }
  // A flag is a stack-wide figure given on the command line: stated in the reports like the file's.
  const flag = <K extends keyof KindUsage>(name: string, kind: K, field: keyof KindUsage[K] & string) => {
    if (args.flags[name] === undefined) return;
    (usage.defaults[kind] as unknown as Record<string, number>)[field] = Number(args.flags[name]);
    usage.defaultsGiven = { ...usage.defaultsGiven, [kind]: [...(usage.defaultsGiven?.[kind] ?? []), field] };
    if (usage.source === "built-in defaults") usage.source = "the command line";
  };
  if (args.flags.hours !== undefined) usage.hoursPerMonth = Number(args.flags.hours);
  flag("storage-gib", "object-store", "storageGiB");
  flag("requests-millions", "web-service", "requestsMillions");
  flag("egress-gib", "web-service", "egressGiB");
  return usage;
}

/** The components of a stack file target, to check a usage file against (none for a program, or a stack that does not parse: the plan reports that). */
function stackComponents(target: Target): Array<{ name: string; kind: ComponentKind }> | undefined {
  if (target.kind !== "stack") return undefined;
  try {
    return Object.entries(parseStack(target.text, { source: target.file }).components).map(([name, c]) => ({ name, kind: c.kind }));
  } catch {
    return undefined;
  }
}

/** For a program target: check the usage file's component names against the planned components (a stack file's were checked before planning). */
export function checkUsageAgainstPlan(args: ParsedArgs, target: Target, components: ReadonlyArray<{ name: string; kind: ComponentKind }>): void {
  const file = args.flags.usage as string | undefined;
  if (!file || target.kind === "stack" || components.length === 0) return;
  parseUsage(readFileSync(file, "utf8"), { source: file, components });
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** A path as a user can use it: relative to the working directory when inside it, else absolute (never a climb of `../../..`). */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  if (rel === "") return ".";
  return rel.startsWith("..") || isAbsolute(rel) ? resolve(path) : rel;
}

/** The warning when --cloud is not the cloud the program's own config chooses (`freehold:cloud`): the plan is not of what `pulumi up` would deploy. */
export function cloudOverrideWarning(target: Target, cloud: Cloud): string | undefined {
  if (target.kind !== "program") return undefined;
  const configured = target.config["freehold:cloud"];
  if (configured === undefined || configured === cloud) return undefined;
  return `freehold: warning: --cloud ${cloud} overrides the program's freehold:cloud config, ${configured} (Pulumi.yaml or Pulumi.${target.stack}.yaml): this is a plan for ${cloud}, while \`pulumi up\` of stack ${target.stack} would deploy components without a \`cloud\` option to ${configured}.\n`;
}
