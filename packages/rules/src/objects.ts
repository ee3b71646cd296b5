/**
 * From a plan's resources to the objects the rules read: which cloud and rule
 * a resource type has, where a resource lives, which objects its inputs come
 * from, and the scoped name that must be unique. The simulated cloud and the
 * plan-time checks build objects the same way.
 */
import type { Cloud } from "@freehold/model";
import { overlaps, valueAt } from "./diff";
import type { CloudObject, CloudRules, RuleContext, TypeRule } from "./types";

/** A resource as a plan records it (the `freehold plan` contract's resources, or a policy pack's view of one). */
export interface RuleResource {
  urn: string;
  type: string;
  /** The logical name. */
  name: string;
  /** True for a cloud resource; false for a component. @default true */
  custom?: boolean;
  /** URN of the parent. */
  parent?: string;
  inputs: Record<string, unknown>;
  /** `<provider URN>::<id>` of an explicit provider. */
  provider?: string;
  /** Per input property, the resources (URNs) its value comes from. */
  propertyDependencies?: Record<string, string[]>;
  /** Every resource (URN) this one waits for: its inputs' resources and `dependsOn`, components included. */
  dependencies?: readonly string[];
  /** Input paths whose values are not known yet (`pulumi preview`): rules that read them are not applied. */
  unknown?: readonly string[];
  options?: {
    protect?: boolean;
    retainOnDelete?: boolean;
    deleteBeforeReplace?: boolean;
    ignoreChanges?: string[];
    replaceOnChanges?: string[];
    aliases?: unknown[];
    import?: string;
  };
}

/** A set of resources planned for one cloud and region. */
export interface RulePlan {
  cloud: Cloud;
  /** The region the stack is planned for ("" when unknown: the region rule is then skipped). */
  region: string;
  resources: readonly RuleResource[];
  /** The region of the default provider, for resources that name none. @default region */
  defaultRegion?: string;
}

/** The package of a type token (`aws`, `azure-native`, `gcp`, `random`...); providers are "pulumi". */
export function packageOf(type: string): string {
  return type.startsWith("pulumi:providers:") ? "pulumi" : (type.split(":")[0] ?? "");
}

export type ResourceKind = "cloud" | "companion" | "provider" | "component";

/** What a type is to the rules: a cloud's resource, a companion provider's (random, time), a provider, or a component. */
export function kindOf(rules: Record<Cloud, CloudRules>, type: string): ResourceKind {
  if (type.startsWith("pulumi:providers:")) return "provider";
  const pkg = packageOf(type);
  if (pkg === "freehold" || pkg === "pulumi") return "component";
  return Object.values(rules).some((c) => c.packages.includes(pkg)) ? "cloud" : "companion";
}

/**
 * Whether a region change moves a resource of this type: a cloud's regional type does (the provider's region is part
 * of its identity); a global type does not, nor does a companion provider's (random, time), whose resources live in
 * no region: Pulumi replaces them only when their own inputs change.
 */
export function regionBound(rules: Record<Cloud, CloudRules>, type: string): boolean {
  return kindOf(rules, type) === "cloud" && !Object.values(rules).some((c) => c.globalTypes.includes(type));
}

/** The cloud a type belongs to; a companion's type belongs to the plan's cloud. */
export function cloudOf(rules: Record<Cloud, CloudRules>, type: string, planCloud: Cloud): Cloud {
  const pkg = packageOf(type);
  return Object.values(rules).find((c) => c.packages.includes(pkg))?.cloud ?? planCloud;
}

/** The rule of a type: its cloud's, else the plan cloud's companion rule. */
export function ruleOf(rules: Record<Cloud, CloudRules>, type: string, planCloud: Cloud): TypeRule | undefined {
  return rules[cloudOf(rules, type, planCloud)]?.types[type] ?? rules[planCloud]?.companions?.[type];
}

/** Region names compared as the clouds write them (Azure accepts "UK South" for uksouth). */
export function normaliseRegion(r: string): string {
  return r.toLowerCase().replace(/\s+/g, "");
}

/** The region a provider resource configures, if any. */
export function providerRegion(provider: { inputs: Record<string, unknown> } | undefined): string | undefined {
  const region = provider?.inputs.region ?? provider?.inputs.location;
  return typeof region === "string" && region ? normaliseRegion(region) : undefined;
}

/** A resource's region: its own `region`/`location` input, else its provider's, else the default. */
export function regionOf(r: { inputs: Record<string, unknown>; provider?: string }, findProvider: (urn: string) => { inputs: Record<string, unknown> } | undefined, fallback: string): string {
  const own = r.inputs.region ?? r.inputs.location;
  if (typeof own === "string" && own && own.toLowerCase() !== "global") return normaliseRegion(own);
  if (r.provider) {
    const region = providerRegion(findProvider(r.provider.split("::").slice(0, -1).join("::")));
    if (region) return region;
  }
  return fallback;
}

/** The scope and name that must be unique, or undefined for an unnamed object. */
export function identityOf(obj: CloudObject, rule: TypeRule, ctx: RuleContext): string | undefined {
  const id = rule.identity;
  if (!id || obj.name === undefined) return undefined;
  const name = id.caseInsensitive ? obj.name.toLowerCase() : obj.name;
  const scope = id.scope;
  let where: string;
  if (scope === "global") where = "global";
  else if (scope === "account") where = "account";
  else if (scope === "region") where = `region:${obj.region}`;
  else if (typeof scope === "function") where = scope(obj);
  else {
    const value = valueAt(obj.inputs, scope.within);
    const refs = Object.entries(obj.references)
      .filter(([k]) => overlaps(k, scope.within))
      .flatMap(([, keys]) => keys);
    where = `${scope.within}=${JSON.stringify(value)}@${refs.join(",")}`;
  }
  // A name built from a random value (the random provider) is a new name each time that random is created:
  // two incarnations never share it, whatever value the offline plan shows.
  const fresh = Object.entries(obj.references)
    .filter(([k]) => overlaps(id.field, k))
    .flatMap(([, keys]) => keys)
    .filter((k) => ctx.get(k)?.type.startsWith("random:"));
  return `${where}/${name}${fresh.length ? `#${fresh.join(",")}` : ""}`;
}

/** Words for where a name must be unique. */
export function scopeWords(rule: TypeRule): string {
  const scope = rule.identity?.scope;
  if (scope === "global") return "across the whole cloud";
  if (scope === "account") return "in the account, subscription or project";
  if (scope === "region") return "in the region";
  if (scope && typeof scope === "object") return `within its ${scope.within}`;
  return "in its scope";
}
