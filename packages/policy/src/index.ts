/**
 * @freehold/policy: a Pulumi policy pack (CrossGuard) for any program that
 * uses the AWS, Azure or Google Cloud providers, Freehold or not.
 *
 * - `freehold-cloud-rules` (mandatory): every value the cloud's API would
 *   refuse, from Freehold's rule book (@freehold/rules), the same rules
 *   `freehold plan` applies: names, lengths, character sets, reserved values,
 *   limits, names two resources claim, what the cloud checks on create, and
 *   (with a region set) region agreement. Each violation names the resource,
 *   the field, what is wrong, the rule and its source.
 * - the security rules of `freehold check` (FH-ENC-001...), each a policy:
 *   error-level rules mandatory, warnings advisory.
 *
 * A pack is a directory whose program constructs a PolicyPack with these
 * policies (docs/policy.md; `pack/` in this package is one).
 */
import type { Plan } from "@freehold/cli/check";
import { DEFAULT_PACK, PLAN_SCHEMA, type Rule } from "@freehold/cli/check";
import { type Cloud, defaultUsage, RESIDENCIES, type Residency } from "@freehold/model";
import { planViolations, shownValue, type Violation } from "@freehold/rules";
import type { EnforcementLevel, Policies, PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { mainCloud, plannedResource, ruleResources, type StackResource } from "./resources";

export { knownProps, mainCloud, ruleResources, type StackResource } from "./resources";

export interface FreeholdPolicyOptions {
  /**
   * The region each cloud's resources must be in (`{ aws: "eu-west-2" }`): turns on the region rules (every
   * regional resource and every provider its resources use in that region).
   * @default - no region rule
   */
  regions?: Partial<Record<Cloud, string>>;
  /**
   * A residency rule for `fh-res-001` and `fh-res-002` (every region a resource names in an allowed country).
   * @default "none"
   */
  residency?: Residency;
  /** Enforcement of `freehold-cloud-rules`. @default "mandatory" */
  enforcementLevel?: EnforcementLevel;
}

const DISPLAY: Record<Cloud, string> = { aws: "Amazon Web Services", azure: "Microsoft Azure", gcp: "Google Cloud" };

/** The stack's resources as the policy SDK passes them, in the shape the rules read. */
const stackOf = (args: Pick<StackValidationArgs, "resources">) => ruleResources(args.resources as unknown as readonly StackResource[]);

/** Every rule of the rule book the stack breaks. */
export function cloudRuleViolations(args: Pick<StackValidationArgs, "resources">, options: FreeholdPolicyOptions = {}): Violation[] {
  const resources = stackOf(args);
  const cloud = mainCloud(resources);
  if (!cloud) return [];
  return planViolations({ cloud, region: options.regions?.[cloud] ?? "", resources });
}

/** One violation as a policy pack reports it: the resource, the field, what is wrong, the rule and its source. */
export function violationMessage(v: Violation): string {
  return `${v.resource} (${v.type})${v.field ? ` ${v.field}${shownValue(v)}` : ""}: ${v.message}. Rule: ${v.title} [${v.source}]`;
}

/** The rule book as one stack policy. */
export function cloudRulesPolicy(options: FreeholdPolicyOptions = {}): StackValidationPolicy {
  return {
    name: "freehold-cloud-rules",
    description: "Values the cloud's API refuses (names, lengths, character sets, reserved values, limits, names claimed twice, region agreement), from Freehold's rule book with each rule's source.",
    enforcementLevel: options.enforcementLevel ?? "mandatory",
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      for (const v of cloudRuleViolations(args, options)) report(violationMessage(v), v.urn);
    },
  };
}

/** The plan `freehold check`'s rules read, made from the stack (no Freehold components: their capability rows are not in a stack). */
export function planOf(args: Pick<StackValidationArgs, "resources">, options: FreeholdPolicyOptions = {}): Plan | undefined {
  const resources = stackOf(args);
  const cloud = mainCloud(resources);
  if (!cloud) return undefined;
  const rule = options.residency ?? "none";
  const allowed: readonly string[] | undefined = RESIDENCIES[rule];
  const usage = defaultUsage();
  return {
    schema: PLAN_SCHEMA,
    cloud,
    provider: DISPLAY[cloud],
    stack: "",
    pulumiStack: "",
    region: options.regions?.[cloud] ?? "",
    location: { city: "", country: "", zones: 0 },
    residency: { rule, allowedCountries: allowed ? [...allowed] : null, locations: [] },
    components: [],
    platform: { resourceCount: 0, estimate: { lines: [], monthlyUsd: 0, fixedUsd: 0, usageUsd: 0 } },
    totals: { monthlyUsd: 0, fixedUsd: 0, usageUsd: 0, resources: resources.filter((r) => r.custom !== false).length },
    afterDestroy: { lines: [], monthlyUsd: 0 },
    assumptions: usage,
    pricing: { region: "", referenceRegion: "", coverage: "none", substituted: [], note: "", unpriced: [], lines: 0, estimatedLines: 0 },
    usage: { source: usage.source, hoursPerMonth: usage.hoursPerMonth, months: usage.months, components: [] },
    migration: { egress: { usd: 0, unit: "GB", source: { name: "", date: "" } }, freeEgressGiB: 0, databases: [], objectStores: [] },
    resources: resources.map(plannedResource),
    warnings: [],
    outputs: {},
  };
}

/** One security rule of `freehold check` as a stack policy: its non-compliant findings are the violations. */
export function checkPolicy(rule: Rule, options: FreeholdPolicyOptions = {}): StackValidationPolicy {
  return {
    name: rule.id.toLowerCase(),
    description: `${rule.summary}. ${rule.explanation} (NCSC Cloud Security Principles: ${rule.ncsc.join("; ")})`,
    enforcementLevel: rule.severity === "error" ? "mandatory" : "advisory",
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const plan = planOf(args, options);
      if (!plan) return;
      const urnOf = new Map<string, string | undefined>();
      for (const r of args.resources as PolicyResource[]) urnOf.set(r.name, urnOf.has(r.name) ? undefined : r.urn);
      for (const f of rule.evaluate(plan)) if (f.status === "non-compliant") report(`${f.subject}: ${f.message}`, urnOf.get(f.subject));
    },
  };
}

/** Every policy of the pack: the rule book, then the security rules of `freehold check`. */
export function freeholdPolicies(options: FreeholdPolicyOptions = {}): Policies {
  return [cloudRulesPolicy(options), ...DEFAULT_PACK.map((rule) => checkPolicy(rule, options))];
}
