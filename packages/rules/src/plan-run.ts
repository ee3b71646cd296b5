/**
 * A plan's objects as a first `up` into a prepared account makes them: in
 * registration order, each step long after the one before, each object seeing
 * the ones made before it.
 */
import type { Cloud } from "@freehold/model";
import { valueAt } from "./diff";
import { cloudOf, regionOf, type RulePlan, type RuleResource, ruleOf } from "./objects";
import { PROJECT as GCP_PROJECT } from "./rules/gcp-project";
import type { CloudObject, CloudRules, RuleContext } from "./types";

/** Seconds between two steps of a plan-time run: longer than any wait the rules know, so no step is early. */
export const STEP = 1e7;

/** Every API on, enabled long before: a project as the docs ask users to prepare it. */
function preparedProject(): CloudObject {
  const enabled = new Proxy({} as Record<string, number>, { get: (_t, key) => (typeof key === "string" ? -1e12 : undefined) });
  return { key: "(project)", cloud: "gcp", type: GCP_PROJECT, inputs: {}, references: {}, region: "", status: "live", createdAt: -1e12, facts: { enabled } };
}

/** The objects of a plan, made as a first `up` makes them: in registration order, each seeing those before it. */
export class PlanRun {
  readonly objects: CloudObject[] = [];
  private readonly byKey = new Map<string, CloudObject>();
  private readonly resources: Map<string, RuleResource>;
  now = 0;

  constructor(
    readonly plan: RulePlan,
    readonly rules: Record<Cloud, CloudRules>,
  ) {
    this.resources = new Map(plan.resources.map((r) => [r.urn, r]));
    // Any Google Cloud resource reads the project's APIs.
    if (plan.cloud === "gcp" || plan.resources.some((r) => cloudOf(rules, r.type, plan.cloud) === "gcp")) this.add(preparedProject());
  }

  add(obj: CloudObject): void {
    this.objects.push(obj);
    this.byKey.set(obj.key, obj);
  }

  get(key: string): CloudObject | undefined {
    return this.byKey.get(key);
  }

  ctx(): RuleContext {
    return { objects: () => this.objects, get: (key) => this.byKey.get(key), now: this.now, stackRegion: this.plan.region, adopt: (obj) => this.add(obj) };
  }

  /**
   * The cloud resources a resource waits for, as the engine orders them: each
   * it depends on, and for a component it depends on, every resource in it
   * (the facts rules read as `dependsOn`, as the simulated cloud records them).
   */
  waitsFor(r: RuleResource): string[] {
    const out = new Set<string>();
    for (const d of r.dependencies ?? []) {
      const dep = this.resources.get(d);
      if (!dep) continue;
      if (dep.custom !== false) out.add(d);
      else for (const x of this.insideOf().get(d) ?? []) out.add(x);
    }
    return [...out].sort();
  }

  /** Each component's cloud resources, at any depth: made once per plan, for waitsFor. */
  private inside?: Map<string, string[]>;
  private insideOf(): Map<string, string[]> {
    if (this.inside) return this.inside;
    const inside = new Map<string, string[]>();
    for (const x of this.resources.values()) {
      if (x.custom === false) continue;
      for (let p = x.parent; p; p = this.resources.get(p)?.parent) {
        const list = inside.get(p) ?? [];
        list.push(x.urn);
        inside.set(p, list);
      }
    }
    this.inside = inside;
    return inside;
  }

  /** The object a cloud or companion resource makes (not yet added). */
  objectOf(r: RuleResource, at: number): CloudObject {
    const cloud = cloudOf(this.rules, r.type, this.plan.cloud);
    const references: Record<string, string[]> = {};
    for (const [key, deps] of Object.entries(r.propertyDependencies ?? {})) {
      const keys = deps.filter((d) => this.byKey.has(d));
      if (keys.length) references[key] = [...new Set(keys)];
    }
    const region = regionOf(r, (urn) => this.resources.get(urn), this.plan.defaultRegion ?? this.plan.region);
    const obj: CloudObject = { key: r.urn, cloud, type: r.type, inputs: r.inputs, references, region, owner: { stack: "", urn: r.urn }, status: "live", createdAt: at, facts: { changedAt: at, dependsOn: this.waitsFor(r) } };
    const field = ruleOf(this.rules, r.type, this.plan.cloud)?.identity?.field;
    const name = field === undefined ? undefined : valueAt(r.inputs, field);
    if (typeof name === "string") obj.name = name;
    return obj;
  }
}

