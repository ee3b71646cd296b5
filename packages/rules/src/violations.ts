/**
 * The rule book at plan time: every rule one plan can break on its own, found
 * before anything is deployed. Names, lengths, character sets, reserved
 * values and per-resource limits (each type's checks), tags and region
 * agreement (each cloud's global rules), names that two resources of the plan
 * both claim, and what the cloud checks when it creates a resource against the
 * others of the same plan (a load balancer's container port in its task
 * definition, a parameter group's family, a delegated subnet).
 *
 * A plan is taken as a first `up` into an account that has what the docs ask
 * for (a Google Cloud project's APIs on), with every step waiting as long as
 * the cloud needs: how long grants take to apply and what an account already
 * holds are lifecycle matters, which the simulated cloud (@freehold/lifecycle)
 * checks over time.
 */
import type { Cloud } from "@freehold/model";
import { overlaps, valuesAt } from "./diff";
import { identityOf, kindOf, normaliseRegion, providerRegion, type RulePlan, type RuleResource, ruleOf, scopeWords } from "./objects";
import { PlanRun, STEP } from "./plan-run";
import { RULES } from "./rules";
import type { CloudObject, CloudRules, GlobalRule, RuleContext, TypeRule } from "./types";

/** One problem with one object's inputs. */
export interface InputProblem {
  /** A type's check, or a cloud's rule for every object. */
  origin: "check" | "global";
  /** What the rule is about: the type's title, or the global rule's title. */
  title: string;
  /** The input path the rule reads (`name`, `rules[].id`; "" for the whole object). */
  field: string;
  /** The value at that path (absent for a rule on the whole object). */
  value?: unknown;
  message: string;
  source: string;
}

/** A rule a planned resource breaks. */
export interface Violation {
  urn: string;
  type: string;
  /** The resource's logical name. */
  resource: string;
  /** `input`: a value the cloud refuses; `name`: a name another resource of the plan already takes; `create`: refused when created, given the rest of the plan. */
  kind: "input" | "name" | "create";
  title: string;
  field: string;
  value?: unknown;
  message: string;
  source: string;
}

/** The field a cloud-wide rule reads, for reports (the rules state it in their titles). */
function globalField(g: GlobalRule): string {
  if (/region/i.test(g.title)) return "region";
  if (/^labels/.test(g.title)) return "labels";
  if (/^tags/.test(g.title)) return "tags";
  return "";
}

/** True when a rule reading `path` ("" or "*": the whole object) would read a value not known yet. */
function readsUnknown(path: string, unknown: readonly string[]): boolean {
  if (!unknown.length) return false;
  if (path === "" || path === "*") return true;
  return unknown.some((u) => overlaps(u, path));
}

/**
 * Problems with one object's inputs: its type's checks and its cloud's rules for every object. Rules that read
 * an `unknown` path (a value `pulumi preview` cannot know yet) are left out.
 */
export function inputProblems(obj: CloudObject, rule: TypeRule | undefined, cloud: CloudRules | undefined, ctx: RuleContext, unknown: readonly string[] = []): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const c of rule?.checks ?? []) {
    if (readsUnknown(c.path, unknown)) continue;
    for (const v of valuesAt(obj.inputs, c.path)) {
      const message = c.test(v, obj);
      if (message) problems.push({ origin: "check", title: rule?.title ?? obj.type, field: c.path === "*" ? "" : c.path, ...(c.path === "*" ? {} : { value: v }), message, source: c.source });
    }
  }
  for (const g of cloud?.global ?? []) {
    const field = globalField(g);
    if (field === "region" ? readsUnknown("region", unknown) || readsUnknown("location", unknown) : readsUnknown(field, unknown)) continue;
    const message = g.check?.(obj, ctx);
    if (message) {
      problems.push({ origin: "global", title: g.title, field, ...(field === "region" ? { value: obj.region } : {}), message, source: g.source });
    }
  }
  return problems;
}

/** A hook's refusal ends with its sources in brackets: split them off. */
export function splitSource(message: string, fallback: string): { message: string; source: string } {
  const m = /^([\s\S]*?)\s*\[([^\]]*https?:[^\]]*)\](?:\s*\[([^\]]*https?:[^\]]*)\])?\s*$/.exec(message);
  if (!m) return { message, source: fallback };
  return { message: (m[1] ?? message).trim(), source: [m[2], m[3]].filter(Boolean).join("; ") };
}

/** Rules about a plan as a whole: the providers its resources use. */
export const PLAN_RULES = {
  providerRegion: {
    title: "a provider the stack's regional resources use is configured for the stack's region (a resource's own region argument may override it, but one of the two settings is then a mistake)",
    source: "https://www.pulumi.com/docs/iac/concepts/resources/providers/#explicit-provider-configuration",
  },
} as const;

/** Explicit providers of the plan's cloud, used by its regional resources, configured for another region than the stack's. */
function providerRegionViolations(plan: RulePlan, rules: Record<Cloud, CloudRules>): Violation[] {
  const cloud = rules[plan.cloud];
  if (!plan.region || !cloud) return [];
  const stackRegion = normaliseRegion(plan.region);
  const used = new Set(plan.resources.filter((r) => r.provider && kindOf(rules, r.type) === "cloud" && !cloud.globalTypes.includes(r.type)).map((r) => r.provider?.split("::").slice(0, -1).join("::")));
  const rule = PLAN_RULES.providerRegion;
  return plan.resources
    .filter((p) => used.has(p.urn) && cloud.packages.some((pkg) => p.type === `pulumi:providers:${pkg}`))
    .flatMap((p): Violation[] => {
      const region = providerRegion(p);
      const field = p.inputs.region !== undefined ? "region" : "location";
      return region && region !== stackRegion
        ? [{ urn: p.urn, type: p.type, resource: p.name, kind: "input", title: rule.title, field, value: region, message: `the provider is configured for ${region}, but the stack is planned for ${plan.region}: set the provider's ${field} to ${plan.region}, or plan the stack for ${region}`, source: rule.source }]
        : [];
    });
}

/**
 * Every rule the plan breaks, in registration order. `onCreate: false` leaves out what the cloud checks on
 * create against the rest of the plan (for a part of a stack, without the resources it refers to).
 */
export function planViolations(plan: RulePlan, rules: Record<Cloud, CloudRules> = RULES, options: { onCreate?: boolean } = {}): Violation[] {
  const run = new PlanRun(plan, rules);
  const names = new Map<string, RuleResource>();
  const partial = new Set(plan.resources.filter((r) => r.unknown?.length).map((r) => r.urn));
  const out: Violation[] = [];
  plan.resources.forEach((r, i) => {
    const kind = kindOf(rules, r.type);
    if (r.custom === false || kind === "component" || kind === "provider") return;
    run.now = (i + 1) * STEP;
    const obj = run.objectOf(r, run.now);
    const cloud = rules[obj.cloud];
    const rule = ruleOf(rules, r.type, plan.cloud);
    const ctx = run.ctx();
    const at = { urn: r.urn, type: r.type, resource: r.name };
    const unknown = r.unknown ?? [];
    const clash = rule && !readsUnknown(rule.identity?.field ?? "", unknown) ? nameClash(obj, rule, ctx, names, r) : undefined;
    for (const p of inputProblems(obj, rule, cloud, ctx, unknown)) out.push({ ...at, kind: "input", title: p.title, field: p.field, ...("value" in p ? { value: p.value } : {}), message: p.message, source: p.source });
    if (clash && rule?.identity) out.push({ ...at, kind: "name", title: rule.title, field: rule.identity.field, value: obj.name, message: clash, source: rule.identity.source });
    // What the cloud checks on create reads this resource and those it references: only when all are known.
    const refusal = options.onCreate === false || unknown.length || Object.values(r.propertyDependencies ?? {}).flat().some((d) => partial.has(d)) ? undefined : rule?.beforeCreate?.(obj, ctx);
    if (refusal && rule) out.push({ ...at, kind: "create", title: rule.title, field: "", ...splitSource(refusal, rule.source) });
    run.add(obj);
  });
  return [...providerRegionViolations(plan, rules), ...out];
}

/** A name another resource of the plan already takes in the same scope. */
function nameClash(obj: CloudObject, rule: TypeRule, ctx: RuleContext, names: Map<string, RuleResource>, r: RuleResource): string | undefined {
  const field = rule.identity?.field ?? "";
  const name = valuesAt(obj.inputs, field)[0];
  if (typeof name !== "string") return undefined;
  obj.name = name;
  const identity = identityOf(obj, rule, ctx);
  if (identity === undefined) return undefined;
  obj.identity = identity;
  const key = `${obj.type}|${identity}`;
  const other = names.get(key);
  if (!other) {
    names.set(key, r);
    return undefined;
  }
  return `"${name}" is also the name of ${other.name}, and ${rule.title} names are unique ${scopeWords(rule)}${rule.identity?.caseInsensitive ? " (case-insensitive)" : ""}`;
}

/** ` = <value>` for a violation whose message does not already say the value ("" otherwise). */
export function shownValue(v: Pick<Violation, "value" | "message">): string {
  if (v.value === undefined) return "";
  const text = JSON.stringify(v.value) ?? String(v.value);
  if (v.message.includes(typeof v.value === "string" ? v.value : text)) return "";
  return ` = ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
}

/** One violation as a line: the resource, the field and value, what is wrong, the rule and its source. */
export function violationText(v: Violation): string {
  return `${v.type} ${v.resource}: ${v.field ? `${v.field}${shownValue(v)}: ` : ""}${v.message} (${v.title}) [${v.source}]`;
}
