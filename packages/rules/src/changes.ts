/**
 * The rules about change over time, between two plans of one stack: which
 * inputs force a replacement, which the cloud refuses to change at all or only
 * within limits (storage that only grows, versions that only go up), what
 * Pulumi refuses for protected resources, and what the cloud holds back until
 * a maintenance window. `freehold plan --previous` reports them before `up`.
 */
import type { Cloud } from "@freehold/model";
import { deletesBeforeReplace, movedReplaces } from "./bridge";
import { changedPaths, covers, overlaps, valueAt } from "./diff";
import { kindOf, type RulePlan, type RuleResource, regionBound, regionOf, ruleOf } from "./objects";
import { PlanRun, STEP } from "./plan-run";
import { RULES } from "./rules";
import type { CloudObject, CloudRules, RuleContext, TypeRule } from "./types";
import { splitSource, type Violation } from "./violations";

/** Pulumi's resource option docs: protect, replaceOnChanges. */
export const PULUMI_OPTIONS = {
  protect: "https://www.pulumi.com/docs/iac/concepts/options/protect/",
  replaceOnChanges: "https://www.pulumi.com/docs/iac/concepts/options/replaceonchanges/",
  region: "https://www.pulumi.com/docs/iac/concepts/resources/providers/",
} as const;

/** What `up` would do to one resource. */
export interface Change {
  urn: string;
  type: string;
  resource: string;
  op: "create" | "update" | "replace" | "delete" | "retain";
  /** Inputs that differ from the previous plan. */
  changed?: string[];
  /** For a replacement: what forces it, each with its source. */
  because?: Array<{ path: string; source: string }>;
  /** For a replacement: delete-before-replace when the new resource keeps the old one's name. */
  mode?: "create-before-delete" | "delete-before-replace";
  /** Changes the cloud accepts but applies later (a maintenance window). */
  deferred?: string[];
}

export interface ChangeReport {
  changes: Change[];
  /** What `up` would refuse: the preview, or the cloud when the step runs. */
  refusals: Violation[];
}

/** The input paths whose change replaces a resource, each with its source. */
export function forcingPaths(rule: TypeRule | undefined, replaceOnChanges: readonly string[] = []): Array<{ path: string; source: string }> {
  return [
    ...(rule?.replaceOn ?? []),
    // A name the cloud renames in place (an RDS identifier) forces nothing.
    ...(rule?.identity && !rule.identity.renamedInPlace ? [{ path: rule.identity.field, source: rule.identity.source }] : []),
    ...replaceOnChanges.map((path) => ({ path, source: PULUMI_OPTIONS.replaceOnChanges })),
  ];
}

/** Pulumi's refusal to replace a protected resource, as the preview prints it. */
export function protectedReplaceError(urn: string, changed: readonly string[]): string {
  return `error: unable to replace resource "${urn}"\nas it is currently marked for protection. To unprotect the resource, remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\` (changed: ${changed.join(", ")})`;
}

/** Pulumi's refusal to delete a protected resource, as the preview prints it. */
export function protectedDeleteError(urn: string): string {
  return `error: unable to delete resource "${urn}"\nas it is currently marked for protection. To unprotect the resource, either remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\` or use the command:\n\`pulumi state unprotect '${urn}'\``;
}

/** The previous plan's resource a registration continues: its own URN, else an alias's of the same type. */
function previousOf(r: RuleResource, previous: Map<string, RuleResource>, claimed: Set<string>): RuleResource | undefined {
  const own = previous.get(r.urn);
  if (own && !claimed.has(own.urn)) return own;
  for (const a of r.options?.aliases ?? []) {
    const urn = (a as { urn?: string }).urn;
    const entry = urn ? previous.get(urn) : undefined;
    if (entry && !claimed.has(entry.urn) && entry.type === r.type) return entry;
  }
  return undefined;
}

/** Everything `up` would do going from `previous` to `next` (two plans of one stack on one cloud), and what it would refuse. */
export function planChanges(previous: RulePlan, next: RulePlan, rules: Record<Cloud, CloudRules> = RULES): ChangeReport {
  const before = objectsOf(previous, rules);
  const after = objectsOf(next, rules);
  const prior = new Map(previous.resources.map((r) => [r.urn, r]));
  const claimed = new Set<string>();
  const renewing = new Set<string>();
  const changes: Change[] = [];
  const refusals: Violation[] = [];
  for (const r of next.resources) {
    const old = previousOf(r, prior, claimed);
    if (old) claimed.add(old.urn);
    const kind = kindOf(rules, r.type);
    if (r.custom === false || kind === "component" || kind === "provider") continue;
    const at = { urn: r.urn, type: r.type, resource: r.name };
    if (!old) {
      renewing.add(r.urn);
      changes.push({ ...at, op: "create" });
      continue;
    }
    const rule = ruleOf(rules, r.type, next.cloud);
    const changed = changedInputs(old, r, renewing, rules, previous, next);
    if (!changed.length) continue;
    const because = forcingPaths(rule, r.options?.replaceOnChanges).filter((f, i, all) => changed.some((c) => overlaps(f.path, c)) && all.findIndex((x) => x.path === f.path) === i);
    if (changed.includes("(region)")) because.push({ path: "(region)", source: PULUMI_OPTIONS.region });
    const nextObj = after.get(r.urn);
    const oldObj = before.get(old.urn);
    if (because.length) {
      renewing.add(r.urn);
      const sameName = rule?.identity !== undefined && JSON.stringify(valueAt(old.inputs, rule.identity.field)) === JSON.stringify(valueAt(r.inputs, rule.identity.field));
      changes.push({ ...at, op: "replace", changed, because, mode: deletesBeforeReplace(rules, r, next.cloud, sameName) ? "delete-before-replace" : "create-before-delete" });
      if (r.options?.protect) refusals.push({ ...at, kind: "create", title: "protected resource", field: because[0]?.path ?? "", message: protectedReplaceError(r.urn, changed), source: PULUMI_OPTIONS.protect });
      const guard = oldObj && deletionRefusal(oldObj, rule);
      if (guard) refusals.push({ ...at, kind: "create", title: rule?.title ?? r.type, field: rule?.deletionProtection?.path ?? "", message: `replacing it deletes the old one, which the cloud refuses: ${guard.message}`, source: guard.source });
      continue;
    }
    const deferred = nextObj && oldObj ? updateProblems({ ...nextObj, facts: { ...nextObj.facts, changedAt: after.now } }, oldObj, rule, after.ctx(), at, refusals) : [];
    changes.push({ ...at, op: "update", changed, ...(deferred.length ? { deferred } : {}) });
  }
  for (const old of previous.resources) {
    const kind = kindOf(rules, old.type);
    if (claimed.has(old.urn) || old.custom === false || kind === "component" || kind === "provider") continue;
    const at = { urn: old.urn, type: old.type, resource: old.name };
    const rule = ruleOf(rules, old.type, previous.cloud);
    changes.push({ ...at, op: old.options?.retainOnDelete ? "retain" : "delete" });
    if (old.options?.protect) refusals.push({ ...at, kind: "create", title: "protected resource", field: "", message: protectedDeleteError(old.urn), source: PULUMI_OPTIONS.protect });
    const oldObj = before.get(old.urn);
    const guard = !old.options?.retainOnDelete && oldObj ? deletionRefusal(oldObj, rule) : undefined;
    if (guard) refusals.push({ ...at, kind: "create", title: rule?.title ?? old.type, field: rule?.deletionProtection?.path ?? "", message: guard.message, source: guard.source });
  }
  return { changes, refusals };
}

/** A plan's objects, keyed by URN. */
function objectsOf(plan: RulePlan, rules: Record<Cloud, CloudRules>): PlanRun {
  const run = new PlanRun(plan, rules);
  plan.resources.forEach((r, i) => {
    const kind = kindOf(rules, r.type);
    if (r.custom !== false && kind !== "component" && kind !== "provider") run.add(run.objectOf(r, (i + 1) * STEP));
  });
  // The update runs after everything the previous plan made: no wait the rules know is still running.
  run.now = (plan.resources.length + 1) * STEP;
  return run;
}

/** Inputs that differ, those that come from a resource being created or replaced, and a move to another region. */
function changedInputs(old: RuleResource, r: RuleResource, renewing: Set<string>, rules: Record<Cloud, CloudRules>, previous: RulePlan, next: RulePlan): string[] {
  const changed = changedPaths(old.inputs, r.inputs);
  for (const [key, deps] of Object.entries(r.propertyDependencies ?? {})) {
    if (deps.some((d) => renewing.has(d)) && !changed.some((c) => covers(key, c))) changed.push(key);
  }
  const ignore = r.options?.ignoreChanges ?? [];
  const kept = changed.filter((c) => !ignore.some((i) => covers(i, c)));
  const regional = regionBound(rules, r.type);
  if (regional && regionIn(old, previous) !== regionIn(r, next) && movedReplaces(rules, r, next.cloud)) kept.push("(region)");
  return kept;
}

function regionIn(r: RuleResource, plan: RulePlan): string {
  return regionOf(r, (urn) => plan.resources.find((x) => x.urn === urn), plan.defaultRegion ?? plan.region);
}

/** The cloud's own deletion protection, when the object has it on. */
function deletionRefusal(obj: CloudObject, rule: TypeRule | undefined): { message: string; source: string } | undefined {
  const guard = rule?.deletionProtection;
  return guard && valueAt(obj.inputs, guard.path) === true ? { message: guard.error, source: guard.source } : undefined;
}

/** An in-place update's refusals (immutable inputs, the cloud's limits on changes); returns the changes the cloud defers. */
function updateProblems(next: CloudObject, previous: CloudObject, rule: TypeRule | undefined, ctx: RuleContext, at: Pick<Violation, "urn" | "type" | "resource">, refusals: Violation[]): string[] {
  const title = rule?.title ?? next.type;
  for (const im of rule?.immutable ?? []) {
    if (changedPaths(valueAt(previous.inputs, im.path), valueAt(next.inputs, im.path)).length) refusals.push({ ...at, kind: "create", title, field: im.path, value: valueAt(next.inputs, im.path), message: im.error, source: im.source });
  }
  const refusal = rule?.beforeUpdate?.(next, previous, ctx);
  if (refusal) refusals.push({ ...at, kind: "create", title, field: "", ...splitSource(refusal, rule?.source ?? "") });
  if (!rule?.afterUpdate) return [];
  const held: CloudObject = { ...next, inputs: { ...next.inputs }, references: { ...next.references }, facts: { ...next.facts } };
  rule.afterUpdate(held, previous, ctx);
  return changedPaths(held.inputs, next.inputs);
}
