/**
 * A simulated cloud over time. `World` holds the physical objects of every
 * cloud account the scenarios use and the Pulumi state of every stack, and
 * applies plans (`freehold plan`'s resources) the way the Pulumi engine would:
 *
 * - a preview first, which refuses the whole run before anything changes when
 *   it would replace a resource whose new registration is protected, or delete
 *   one whose state is protected (as the engine does);
 * - create, update in place, or replace (create-before-delete, or
 *   delete-before-replace as the engine decides it: the program's option, else
 *   the provider's request, which a bridged provider makes whenever the program
 *   set the resource's name, else when the physical name would stay the same;
 *   deleting first the dependents whose old inputs force their replacement
 *   too), in registration order;
 * - deletes last, dependents first, honouring `retainOnDelete` (the object
 *   stays in the cloud, unmanaged);
 * - state carried from one run to the next, per stack.
 *
 * Every operation goes through the cloud's rule table (rules/*.ts): names and
 * their uniqueness scope, input checks, properties that force replacement or
 * cannot change, what cannot be deleted while something uses it, deletion
 * protection, soft delete, containment, and grants that take time to apply.
 * A rule that fails stops the run there, as `pulumi up` would: the state then
 * holds what was done, and the failure is "half-way".
 */
import type { PlannedResource } from "@freehold/core";
import type { Cloud } from "@freehold/model";
import {
  type CloudObject,
  type CloudRules,
  changedPaths,
  cloudOf,
  covers,
  deletesBeforeReplace,
  durationSeconds,
  forcingPaths,
  identityOf,
  inputProblems,
  kindOf,
  movedReplaces,
  overlaps,
  protectedDeleteError,
  protectedReplaceError,
  type RuleContext,
  regionBound,
  regionOf,
  ruleOf,
  type TypeRule,
  valueAt,
  withValueAt,
} from "@freehold/rules";

/** One resource in a stack's state. */
export interface StateEntry {
  urn: string;
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  options: PlannedResource["options"];
  provider?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** The cloud object this resource manages (cloud and companion resources). */
  object?: string;
  /** A create or update that applied but whose wait failed (Pulumi's `InitErrors`): the next `up` updates the resource even when nothing changed. */
  initErrors?: string[];
}

export type Operation = "same" | "create" | "update" | "replace" | "import" | "delete" | "retain";

export interface Step {
  op: Operation;
  urn: string;
  type: string;
  name: string;
  /** For updates and replacements: the inputs that changed. */
  changed?: string[];
  /** For replacements. */
  mode?: "create-before-delete" | "delete-before-replace";
}

export interface RunResult {
  /** ok: every step applied; refused: the preview stopped it before any change; failed: a step failed part-way. */
  status: "ok" | "refused" | "failed";
  steps: Step[];
  /** Every problem, one per line, as the engine or the cloud would report it. */
  error?: string;
  /** Steps that changed something (not "same"). */
  changes: number;
}

/** What an `up` applies: a plan's resources for one cloud and region. */
export interface PlanInput {
  cloud: Cloud;
  /** The region the stack was planned for (the plan's `region`). */
  region: string;
  resources: readonly PlannedResource[];
  /** The invokes (data-source reads) the program made while planning: they run again in the preview, before anything changes. */
  invokes?: readonly string[];
}

class RunFailure extends Error {}

/** The time provider's wait (@pulumiverse/time). */
export const SLEEP = "time:index/sleep:Sleep";

export class World {
  /** Seconds since the world began. */
  now = 0;
  readonly objects = new Map<string, CloudObject>();
  readonly stacks = new Map<string, Map<string, StateEntry>>();
  /** The region each cloud's default provider is configured with (`aws:region`...), where a stack sets none. */
  readonly defaultRegions: Partial<Record<Cloud, string>> = {};
  private counter = 0;

  constructor(readonly rules: Record<Cloud, CloudRules>) {}

  /** A deep copy: scenarios branch from a deployed world without planning it again. */
  clone(): World {
    const w = new World(this.rules);
    w.now = this.now;
    w.counter = this.counter;
    Object.assign(w.defaultRegions, this.defaultRegions);
    for (const [k, o] of this.objects) w.objects.set(k, structuredClone(o));
    for (const [k, s] of this.stacks) w.stacks.set(k, structuredClone(s));
    return w;
  }

  advance(seconds: number): void {
    this.now += seconds;
    for (const [k, o] of this.objects) if (o.status === "soft-deleted" && (o.reservedUntil ?? 0) <= this.now) this.objects.delete(k);
  }

  /** Objects of a cloud, live and soft-deleted. */
  objectsOf(cloud: Cloud): CloudObject[] {
    return [...this.objects.values()].filter((o) => o.cloud === cloud);
  }

  state(stack: string): Map<string, StateEntry> {
    let s = this.stacks.get(stack);
    if (!s) {
      s = new Map();
      this.stacks.set(stack, s);
    }
    return s;
  }

  /** `pulumi up` of a plan into a stack. */
  up(stack: string, plan: PlanInput): RunResult {
    return new Run(this, stack, plan).up();
  }

  /** `pulumi destroy`: an `up` with nothing in the program. */
  destroy(stack: string, cloud: Cloud, region = ""): RunResult {
    return new Run(this, stack, { cloud, region, resources: [] }).up();
  }

  /** @internal */
  nextKey(): string {
    this.counter += 1;
    return `obj-${this.counter}`;
  }
}

/** One `pulumi up`: its preview, then its steps. */
class Run {
  private readonly state: Map<string, StateEntry>;
  private readonly steps: Step[] = [];
  /** Resources created or replaced in this run: what depends on them sees new values. */
  private readonly renewed = new Set<string>();
  /** When each resource of this run finished, on the world clock. */
  private readonly finished = new Map<string, number>();
  /** Dependents deleted before a replacement: their registration creates them again, whatever their inputs (the engine's `PendingReplacement`). */
  private readonly pendingReplacement = new Set<string>();
  /** Old objects of create-before-delete replacements, deleted at the end. */
  private readonly replacedObjects: Array<{ urn: string; key: string; retain: boolean; dependencies: string[] }> = [];
  private readonly startedAt: number;
  /** Marks the operations of this run (`facts.run`), so a rule can tell operations of one deployment from earlier ones. */
  private readonly runId: string;

  constructor(
    private readonly world: World,
    private readonly stack: string,
    private readonly plan: PlanInput,
  ) {
    this.state = world.state(stack);
    this.startedAt = world.now;
    this.runId = `run-${world.nextKey()}`;
  }

  up(): RunResult {
    const desired = this.plan.resources;
    const failedRead = this.invokes();
    if (failedRead) return { status: "refused", steps: [], error: failedRead, changes: 0 };
    const planned = this.preview(desired);
    if (planned.refusals.length) return { status: "refused", steps: [], error: planned.refusals.join("\n"), changes: 0 };
    try {
      for (const r of desired) this.apply(r, planned.ops.get(r.urn) as PreviewOp);
      // Deletes come after every create and update has finished.
      this.world.now = Math.max(this.world.now, ...this.finished.values());
      this.deleteRemoved(desired);
      this.world.now = Math.max(this.world.now, ...this.finished.values());
      return this.result("ok");
    } catch (e) {
      if (!(e instanceof RunFailure)) throw e;
      this.world.now = Math.max(this.world.now, ...this.finished.values());
      return this.result("failed", e.message);
    }
  }

  private result(status: RunResult["status"], error?: string): RunResult {
    return { status, steps: this.steps, ...(error ? { error } : {}), changes: this.steps.filter((s) => s.op !== "same").length };
  }

  // ---- preview ---------------------------------------------------------------------------------

  /** The program's invokes, as the preview runs them: the first one the cloud answers with an error stops the run before anything changes. */
  private invokes(): string | undefined {
    const rules = this.world.rules[this.plan.cloud];
    for (const token of this.plan.invokes ?? []) {
      const refusal = rules?.invokes?.[token]?.(this.ctx(this.plan.cloud));
      if (refusal) return `error: ${token}: ${refusal}`;
    }
    return undefined;
  }

  private preview(desired: readonly PlannedResource[]): { ops: Map<string, PreviewOp>; refusals: string[] } {
    const ops = new Map<string, PreviewOp>();
    const refusals: string[] = [];
    const renewing = new Set<string>();
    const claimed = new Set<string>();
    for (const r of desired) {
      const old = this.stateFor(r, claimed);
      if (old) claimed.add(old.urn);
      const op = this.decide(r, old, renewing);
      ops.set(r.urn, op);
      if ((op.op === "create" || op.op === "replace") && r.custom && !this.keepsOutputs(r, op)) renewing.add(r.urn);
      if (op.op === "replace" && r.options.protect) {
        refusals.push(protectedReplaceError(r.urn, op.changed ?? []));
      }
    }
    for (const entry of this.state.values()) {
      if (claimed.has(entry.urn)) continue;
      if (entry.options.protect) {
        refusals.push(protectedDeleteError(entry.urn));
      }
    }
    return { ops, refusals };
  }

  /** The state entry a registration continues: its own URN, else an alias's. */
  private stateFor(r: PlannedResource, claimed: Set<string>): StateEntry | undefined {
    const own = this.state.get(r.urn);
    if (own && !claimed.has(own.urn)) return own;
    for (const a of r.options.aliases ?? []) {
      const urn = aliasUrn(a);
      const entry = urn ? this.state.get(urn) : undefined;
      if (entry && !claimed.has(entry.urn) && entry.type === r.type) return entry;
    }
    return undefined;
  }

  /**
   * A replacement whose outputs are made only from inputs it kept (the rule's `outputsFrom`): what depends on it
   * resolves to the values it had. Pulumi diffs resolved inputs in an `up` (an input is unknown only in a preview), so
   * those dependents see no change from it.
   */
  private keepsOutputs(r: PlannedResource, op: PreviewOp): boolean {
    const from = this.rule(r.type)?.outputsFrom?.paths;
    if (op.op !== "replace" || !from) return false;
    return !(op.changed ?? []).some((c) => c === "(region)" || from.some((f) => overlaps(f, c)));
  }

  private decide(r: PlannedResource, old: StateEntry | undefined, renewing: Set<string>): PreviewOp {
    if (!old) return { op: r.options.import ? "import" : "create" };
    if (this.kind(r.type) === "component" || this.kind(r.type) === "provider") return { op: "same", old };
    const rule = this.rule(r.type);
    let changed = changedPaths(old.inputs, r.inputs);
    // Inputs whose values come from a resource created or replaced in this run are new values (unless it kept its outputs).
    for (const [key, deps] of Object.entries(r.propertyDependencies)) {
      if (deps.some((d) => renewing.has(d)) && !changed.some((c) => covers(key, c))) changed.push(key);
    }
    const ignore = r.options.ignoreChanges ?? [];
    changed = changed.filter((c) => !ignore.some((i) => covers(i, c)));
    const regional = regionBound(this.world.rules, r.type) && rule?.globalWhen?.(r.inputs) !== true;
    const moved = regional && this.regionOf(r, this.plan.cloud) !== this.regionOfEntry(old);
    const providerMoved = moved && movedReplaces(this.world.rules, r, this.plan.cloud);
    const forcing = forcingPaths(rule, r.options.replaceOnChanges).map((f) => f.path);
    const replace = providerMoved || changed.some((c) => forcing.some((f) => overlaps(f, c)));
    if (replace) return { op: "replace", old, changed: providerMoved ? [...changed, "(region)"] : changed };
    if (changed.length) return { op: "update", old, changed };
    // Unchanged, but its last create or update failed after applying: an empty update "continues" it (step_generator.go, hasInitErrors).
    if (old.initErrors?.length) return { op: "update", old, changed: [] };
    return { op: "same", old };
  }

  // ---- execution -------------------------------------------------------------------------------

  private apply(r: PlannedResource, planned: PreviewOp): void {
    const kind = this.kind(r.type);
    const start = this.startTime(r);
    let end = start;
    const entry = this.entryFrom(r, planned.old?.object);
    if (planned.old && planned.old.urn !== r.urn) this.state.delete(planned.old.urn);
    const step: Step = { op: planned.op, urn: r.urn, type: r.type, name: r.name, ...(planned.changed ? { changed: planned.changed } : {}) };
    if (kind === "component" || kind === "provider") {
      this.state.set(r.urn, entry);
      this.steps.push(planned.op === "import" ? { ...step, op: "create" } : step);
      this.finished.set(r.urn, start);
      return;
    }
    // A dependent deleted before a replacement in this run is created again when it registers, even with unchanged inputs
    // (pulumi/pulumi pkg/resource/deploy/step_generator.go: a state marked PendingReplacement is replaced).
    const op = this.pendingReplacement.has(r.urn) && (planned.op === "same" || planned.op === "update") ? "recreate" : planned.op;
    switch (op) {
      case "same":
        break;
      case "recreate":
        entry.object = this.create(r, start).key;
        Object.assign(step, { op: "replace", mode: "delete-before-replace" });
        end = start + this.duration(r);
        this.renewed.add(r.urn);
        break;
      case "create":
        entry.object = this.create(r, start).key;
        end = start + this.duration(r);
        this.renewed.add(r.urn);
        break;
      case "import":
        entry.object = this.adopt(r);
        break;
      case "update":
        this.update(r, entry.object as string, start);
        end = start + this.duration(r);
        break;
      case "replace": {
        const oldObject = this.world.objects.get(entry.object as string);
        const fresh = this.buildObject(r, start);
        const dbr = deletesBeforeReplace(this.world.rules, r, this.plan.cloud, fresh.identity !== undefined && fresh.identity === oldObject?.identity);
        step.mode = dbr ? "delete-before-replace" : "create-before-delete";
        if (dbr && oldObject) {
          this.deleteDependentsBeforeReplace(planned.old as StateEntry);
          this.deleteObject(oldObject, r.urn);
          this.steps.push({ op: "delete", urn: r.urn, type: r.type, name: r.name, mode: "delete-before-replace" });
        }
        entry.object = this.commitCreate(fresh, r).key;
        if (!dbr && oldObject) this.replacedObjects.push({ urn: r.urn, key: oldObject.key, retain: r.options.retainOnDelete, dependencies: planned.old?.dependencies ?? [] });
        end = start + this.duration(r);
        this.renewed.add(r.urn);
        break;
      }
    }
    // The state holds what the cloud holds: a change the cloud has not applied shows again in the next preview.
    const held = entry.object ? this.world.objects.get(entry.object) : undefined;
    if (held && op !== "same") entry.inputs = held.inputs;
    const late = held && op !== "same" ? this.rule(r.type)?.afterApply?.(held, this.ctx(held.cloud)) : undefined;
    // A partial failure: the object exists as applied, and the state keeps it with its new inputs and the error
    // (pulumi/pulumi pkg/resource/deploy/step.go: a create or update answered with an initialization error sets InitErrors).
    if (late) entry.initErrors = [late];
    this.state.set(r.urn, entry);
    this.finished.set(r.urn, end);
    this.steps.push(step);
    if (late) this.fail(r, late);
  }

  /**
   * Removed resources and the old objects of create-before-delete replacements, together and dependents first,
   * as the engine deletes them: an old object that used a removed resource goes before it.
   */
  private deleteRemoved(desired: readonly PlannedResource[]): void {
    const wanted = new Set(desired.map((r) => r.urn));
    const removed = [...this.state.values()].filter((e) => !wanted.has(e.urn));
    const replaced = new Map(this.replacedObjects.map((x) => [`${x.urn}#replaced`, x]));
    const stand = [...replaced].map(([id, x]): StateEntry => ({ urn: id, type: "", name: "", parent: "", custom: true, inputs: {}, options: { protect: false, retainOnDelete: x.retain, dependsOn: [] }, dependencies: x.dependencies, propertyDependencies: {}, object: x.key }));
    for (const entry of dependentsFirst([...removed, ...stand])) {
      const old = replaced.get(entry.urn);
      if (old) {
        const obj = this.world.objects.get(old.key);
        if (!obj) continue;
        if (old.retain) obj.owner = undefined;
        else this.deleteObject(obj, old.urn);
        continue;
      }
      const kind = this.kind(entry.type);
      const obj = entry.object ? this.world.objects.get(entry.object) : undefined;
      // deletedWith: the provider is not called when the resource it names goes in the same run; the object stays, unmanaged.
      const withRemoved = entry.options.deletedWith !== undefined && removed.some((e) => e.urn === entry.options.deletedWith);
      if (obj && (kind === "cloud" || kind === "companion")) {
        if (entry.options.retainOnDelete || withRemoved) {
          obj.owner = undefined;
          this.steps.push({ op: "retain", urn: entry.urn, type: entry.type, name: entry.name });
        } else {
          this.deleteObject(obj, entry.urn);
          this.steps.push({ op: "delete", urn: entry.urn, type: entry.type, name: entry.name });
        }
      } else {
        this.steps.push({ op: "delete", urn: entry.urn, type: entry.type, name: entry.name });
      }
      this.state.delete(entry.urn);
    }
  }

  /**
   * Delete-before-replace: first delete, last-registered first, the resources of the old state that depend on the one
   * being replaced and must be replaced with it, as the engine computes them (pulumi/pulumi
   * pkg/resource/deploy/step_generator.go `calculateDependentReplacements`): walk its dependents in state order
   * (skipping those already registered in this run), and keep one when its provider or its `deletedWith` is in the
   * set, or when an input of its *old* registration that comes from a resource in the set forces a replacement once
   * that input is unknown. What the new program does to a dependent later does not count: a dependent replaced later
   * for its own reasons, or updated to point elsewhere, still holds the old object when it is deleted.
   */
  private deleteDependentsBeforeReplace(root: StateEntry): void {
    const replaceSet = new Set([root.urn]);
    const dependentSet = new Set([root.urn]);
    const toReplace: StateEntry[] = [];
    const entries = [...this.state.values()];
    for (const e of entries.slice(entries.indexOf(root) + 1)) {
      if (this.finished.has(e.urn)) continue;
      const deps = [...e.dependencies, ...Object.values(e.propertyDependencies).flat(), ...(e.options.deletedWith ? [e.options.deletedWith] : [])];
      const provider = e.provider ? providerUrnOf(e.provider) : undefined;
      if (!deps.some((d) => dependentSet.has(d)) && !(provider && dependentSet.has(provider))) continue;
      dependentSet.add(e.urn);
      if (this.mustReplaceWith(e, replaceSet, provider)) {
        replaceSet.add(e.urn);
        toReplace.push(e);
      }
    }
    for (const e of toReplace.reverse()) {
      const obj = e.object ? this.world.objects.get(e.object) : undefined;
      if (!obj) continue;
      // The provider is not called for a retained resource, nor for one deleted with a resource deleted here (step.go DeleteStep.Apply).
      if (e.options.retainOnDelete || (e.options.deletedWith && replaceSet.has(e.options.deletedWith))) obj.owner = undefined;
      else this.deleteObject(obj, e.urn);
      this.pendingReplacement.add(e.urn);
      this.steps.push({ op: "delete", urn: e.urn, type: e.type, name: e.name, mode: "delete-before-replace" });
    }
  }

  /** `requiresReplacement` of the engine: a custom resource whose provider or `deletedWith` is replaced, or whose old inputs from a replaced resource force a replacement. */
  private mustReplaceWith(e: StateEntry, replaceSet: Set<string>, provider: string | undefined): boolean {
    if (!e.custom || this.kind(e.type) === "component") return false;
    if (provider && replaceSet.has(provider)) return true;
    if (e.options.deletedWith && replaceSet.has(e.options.deletedWith)) return true;
    if (this.kind(e.type) === "provider") return false;
    const forcing = forcingPaths(this.rule(e.type), e.options.replaceOnChanges).map((f) => f.path);
    const ignore = e.options.ignoreChanges ?? [];
    return Object.entries(e.propertyDependencies).some(
      ([key, deps]) => deps.some((d) => replaceSet.has(d)) && !ignore.some((i) => covers(i, key)) && forcing.some((f) => overlaps(f, key)),
    );
  }

  private create(r: PlannedResource, start: number): CloudObject {
    return this.commitCreate(this.buildObject(r, start), r);
  }

  /** A new object for a registration, not yet in the world. */
  private buildObject(r: PlannedResource, start: number): CloudObject {
    const cloud = this.cloudOf(r.type);
    const obj: CloudObject = {
      key: this.world.nextKey(),
      cloud,
      type: r.type,
      inputs: r.inputs,
      references: this.referencesOf(r),
      region: this.regionOf(r, cloud),
      owner: { stack: this.stack, urn: r.urn },
      status: "live",
      createdAt: start,
      facts: { changedAt: start + this.duration(r), run: this.runId, after: this.ancestry(r), dependsOn: this.dependencyObjects(r) },
    };
    const rule = this.rule(r.type);
    if (rule?.identity) {
      const name = valueAt(r.inputs, rule.identity.field);
      if (typeof name === "string") {
        obj.name = name;
        obj.identity = identityOf(obj, rule, this.ctx(cloud)) + this.freshness(obj, rule.identity.field);
      }
    }
    return obj;
  }

  /**
   * A name made from a random value (a generated suffix) is a new name each
   * time that value is generated again, although the plan (made under mocks)
   * shows the same text: the random objects it came from mark the identity.
   */
  private freshness(obj: CloudObject, field: string): string {
    const randoms = Object.entries(obj.references)
      .filter(([k]) => overlaps(field, k))
      .flatMap(([, keys]) => keys)
      .filter((k) => {
        const source = this.world.objects.get(k);
        return source !== undefined && this.rule(source.type)?.randomValue === true;
      });
    return randoms.length ? `#${[...new Set(randoms)].sort().join(",")}` : "";
  }

  /** The objects of every resource this one waits for, directly or through others: an operation that is not among them may run at the same time. */
  private ancestry(r: PlannedResource): string[] {
    const keys = new Set<string>();
    const seen = new Set<string>();
    const visit = (urns: readonly string[]) => {
      for (const urn of urns) {
        if (seen.has(urn)) continue;
        seen.add(urn);
        const entry = this.state.get(urn);
        if (!entry) continue;
        if (entry.object) keys.add(entry.object);
        visit(entry.dependencies);
      }
    };
    visit(r.dependencies);
    return [...keys].sort();
  }

  /** Per input, the objects its value came from (the resources it depends on, as they now are). */
  private referencesOf(r: PlannedResource): Record<string, string[]> {
    const references: Record<string, string[]> = {};
    for (const [key, deps] of Object.entries(r.propertyDependencies)) {
      const keys = deps.map((d) => this.state.get(d)?.object).filter((k): k is string => Boolean(k));
      if (keys.length) references[key] = [...new Set(keys)];
    }
    return references;
  }

  /** The objects of the resources a registration depends on (what finished before it started). */
  private dependencyObjects(r: PlannedResource): string[] {
    return [...new Set(r.dependencies.map((d) => this.state.get(d)?.object).filter((k): k is string => Boolean(k)))];
  }

  private commitCreate(obj: CloudObject, r: PlannedResource): CloudObject {
    const rule = this.rule(r.type);
    const ctx = this.ctx(obj.cloud);
    this.check(obj, rule, r);
    if (obj.identity !== undefined) {
      const clash = this.world.objectsOf(obj.cloud).find((o) => o.type === obj.type && o.identity === obj.identity);
      const undeleteDays = rule?.softDelete?.undeleteDays;
      // Within the undelete window the provider brings the deleted object back under the same name.
      if (clash?.status === "soft-deleted" && undeleteDays !== undefined && ctx.now - (clash.deletedAt ?? 0) <= undeleteDays * 86400) this.world.objects.delete(clash.key);
      else if (clash) {
        const why =
          clash.status === "soft-deleted"
            ? `a deleted ${rule?.title ?? obj.type} of that name is kept (soft delete) until day ${Math.ceil((clash.reservedUntil ?? 0) / 86400)}, and its name cannot be reused before then`
            : clash.owner
              ? `it belongs to ${clash.owner.stack === this.stack ? "this stack" : `stack ${clash.owner.stack}`} (${clash.owner.urn.split("::").pop()})`
              : "it was left behind by an earlier deployment (retained, no longer managed)";
        this.fail(r, `${rule?.title ?? obj.type} "${obj.name}" already exists: ${why} [${rule?.identity?.source}]`);
      }
    }
    const refusal = rule?.beforeCreate?.(obj, ctx) ?? this.propagation(obj, r);
    if (refusal) this.fail(r, refusal);
    this.world.objects.set(obj.key, obj);
    return obj;
  }

  private adopt(r: PlannedResource): string {
    const id = String(r.options.import);
    const cloud = this.cloudOf(r.type);
    const found = this.world
      .objectsOf(cloud)
      .find((o) => o.type === r.type && o.status === "live" && !o.owner && (o.name === id || (o.name !== undefined && id.endsWith(`/${o.name}`))));
    if (!found) this.fail(r, `import of ${r.type} "${id}" failed: the resource does not exist (or another stack manages it)`);
    const obj = found as CloudObject;
    const changed = changedPaths(obj.inputs, r.inputs);
    if (changed.length) this.fail(r, `import of "${id}": inputs differ from the existing resource (${changed.join(", ")}); Pulumi refuses an import whose inputs do not match`);
    obj.owner = { stack: this.stack, urn: r.urn };
    this.renewed.add(r.urn);
    return obj.key;
  }

  private update(r: PlannedResource, key: string, start: number): void {
    const obj = this.world.objects.get(key);
    if (!obj) this.fail(r, `${r.type} ${r.name}: the resource no longer exists in the cloud (deleted outside Pulumi); run pulumi refresh`);
    const current = obj as CloudObject;
    const rule = this.rule(r.type);
    // An update of a resource whose region changed is sent to the new region, where it does not exist (bridge.ts `movedReplaces`).
    const region = regionBound(this.world.rules, r.type) && rule?.globalWhen?.(r.inputs) !== true ? this.regionOf(r, this.plan.cloud) : undefined;
    if (region && current.region && region !== current.region)
      this.fail(r, `404 notFound: the ${rule?.title ?? r.type} "${current.name ?? r.name}" was not found in ${region}: it exists in ${current.region}, and its region is not an input whose change replaces it, so the update was sent to the new region (add replaceOnChanges: ["region"]) [${rule?.source ?? ""}]`);
    // Pulumi sends the old value of an ignored property (ignoreChanges), not the program's.
    let inputs = r.inputs;
    for (const path of r.options.ignoreChanges ?? []) inputs = withValueAt(inputs, path, valueAt(current.inputs, path));
    const next: CloudObject = { ...current, inputs, references: this.referencesOf(r), facts: { ...current.facts, changedAt: start + this.duration(r), run: this.runId, after: this.ancestry(r), dependsOn: this.dependencyObjects(r) } };
    this.check(next, rule, r);
    if (rule?.identity?.renamedInPlace) this.rename(next, rule, r);
    for (const im of rule?.immutable ?? []) {
      if (changedPaths(valueAt(current.inputs, im.path), valueAt(r.inputs, im.path)).length) this.fail(r, `${im.error} [${im.source}]`);
    }
    const refusal = rule?.beforeUpdate?.(next, current, this.ctx(current.cloud)) ?? this.propagation(next, r);
    if (refusal) this.fail(r, refusal);
    rule?.afterUpdate?.(next, current, this.ctx(current.cloud));
    this.world.objects.set(key, next);
  }

  /** An update that renames the object in place: it takes the new name, which must be free. */
  private rename(next: CloudObject, rule: TypeRule, r: PlannedResource): void {
    const name = valueAt(next.inputs, rule.identity?.field ?? "");
    if (typeof name !== "string" || name === next.name) return;
    next.name = name;
    next.identity = identityOf(next, rule, this.ctx(next.cloud)) + this.freshness(next, rule.identity?.field ?? "");
    const clash = this.world.objectsOf(next.cloud).find((o) => o.type === next.type && o.key !== next.key && o.identity === next.identity);
    if (clash) this.fail(r, `${rule.title} cannot be renamed to "${name}": that name is taken [${rule.identity?.source}]`);
  }

  /** Delete one object under the cloud's rules; deleting a container deletes what it contains. */
  private deleteObject(obj: CloudObject, urn: string): void {
    if (!this.world.objects.has(obj.key) || obj.status !== "live") return;
    const rule = this.rule(obj.type);
    if (rule?.abandonedWhen?.(obj)) {
      // The provider makes no call: the object stays, unmanaged, until what contains it goes.
      obj.owner = undefined;
      return;
    }
    const ctx = this.ctx(obj.cloud);
    const label = `${rule?.title ?? obj.type}${obj.name ? ` "${obj.name}"` : ""}`;
    const problems: string[] = [];
    if (rule?.deletionProtection && valueAt(obj.inputs, rule.deletionProtection.path) === true) problems.push(`${rule.deletionProtection.error} [${rule.deletionProtection.source}]`);
    for (const use of rule?.inUseBy ?? []) {
      const users = this.world
        .objectsOf(obj.cloud)
        .filter((o) => o.status === "live" && o.key !== obj.key && o.type === use.by && Object.entries(o.references).some(([field, keys]) => (!use.field || covers(use.field, field)) && keys.includes(obj.key)));
      if (users.length) problems.push(`${use.error} (in use by ${users.map((u) => describe(u)).join(", ")}) [${use.source}]`);
    }
    for (const g of this.world.rules[obj.cloud]?.global ?? []) {
      const p = g.onDelete?.(obj, ctx);
      if (p) problems.push(`${p} [${g.source}]`);
    }
    const own = rule?.beforeDelete?.(obj, ctx);
    if (own) problems.push(own);
    if (problems.length) throw new RunFailure(`deleting ${label} (${urn.split("::").pop()}) failed: ${problems.join("; ")}`);
    // A wait on destroy (time:Sleep destroyDuration) holds up everything deleted after it.
    if (obj.type === SLEEP) this.world.now += durationSeconds(obj.inputs.destroyDuration);
    this.remove(obj, ctx);
    if (rule?.contains) {
      for (const inner of this.world.objectsOf(obj.cloud)) {
        if (inner.key !== obj.key && inner.status === "live" && rule.contains(inner, obj, ctx)) this.remove(inner, ctx);
      }
    }
  }

  /** Take an object out of the cloud: soft-deleted where the service keeps deleted ones, else gone. */
  private remove(obj: CloudObject, ctx: RuleContext): void {
    const rule = this.rule(obj.type);
    if (rule?.softDelete) {
      obj.status = "soft-deleted";
      obj.deletedAt = ctx.now;
      obj.reservedUntil = ctx.now + rule.softDelete.days * 86400;
    } else {
      this.world.objects.delete(obj.key);
    }
    rule?.afterDelete?.(obj, ctx);
  }

  private check(obj: CloudObject, rule: TypeRule | undefined, r: PlannedResource): void {
    const problems = inputProblems(obj, rule, this.world.rules[obj.cloud], this.ctx(obj.cloud)).map((p) => `${p.origin === "check" && p.field ? `${p.field}: ` : ""}${p.message} [${p.source}]`);
    if (problems.length) this.fail(r, [...new Set(problems)].join("; "));
  }

  /** A reader created or updated before a grant it relies on has taken effect fails. */
  private propagation(obj: CloudObject, r: PlannedResource): string | undefined {
    const rules = this.world.rules[obj.cloud];
    const p = rules?.propagation;
    const reads = this.rule(obj.type)?.readsThroughGrants;
    if (!p || !reads || (reads.when && !reads.when(obj))) return undefined;
    const identities = new Set(Object.values(obj.references).flat().filter((k) => p.identities.includes(this.world.objects.get(k)?.type ?? "")));
    if (!identities.size) return undefined;
    const start = obj.facts.changedAt as number;
    const pending = this.world
      .objectsOf(obj.cloud)
      .filter((g) => g.status === "live" && p.grants.includes(g.type) && Object.values(g.references).flat().some((k) => identities.has(k)))
      .filter((g) => start - (g.facts.changedAt as number) < p.seconds);
    if (!pending.length) return undefined;
    return `${this.rule(obj.type)?.title ?? obj.type} ${r.name} started ${Math.round(start - Math.max(...pending.map((g) => g.facts.changedAt as number)))} s after ${pending.map((g) => describe(g)).join(", ")} was granted, but a grant can take up to ${p.seconds} s to take effect: the first read fails with a permission error. Wait for the grant (a time:Sleep between them) or use an ordering the cloud documents as safe [${p.source}]`;
  }

  private fail(r: PlannedResource, message: string): never {
    throw new RunFailure(`${r.type} ${r.name}: ${message}`);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private entryFrom(r: PlannedResource, object?: string): StateEntry {
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent,
      custom: r.custom,
      inputs: r.inputs,
      options: r.options,
      ...(r.provider ? { provider: r.provider } : {}),
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
      ...(object ? { object } : {}),
    };
  }

  /** When a resource can start: after every resource it depends on has finished in this run. */
  private startTime(r: PlannedResource): number {
    return Math.max(this.startedAt, ...r.dependencies.map((d) => this.finished.get(d) ?? this.startedAt));
  }

  /** How long an operation takes. Only an explicit wait counts: everything else is taken as instant, so nothing relies on how long the cloud happens to take. */
  private duration(r: PlannedResource): number {
    return r.type === SLEEP ? durationSeconds(r.inputs.createDuration) : 0;
  }

  private kind(type: string) {
    return kindOf(this.world.rules, type);
  }

  private cloudOf(type: string): Cloud {
    return cloudOf(this.world.rules, type, this.plan.cloud);
  }

  private rule(type: string): TypeRule | undefined {
    return ruleOf(this.world.rules, type, this.plan.cloud);
  }

  /** A resource's region: its own `region`/`location` input, else its provider's, else the default provider's. */
  private regionOf(r: { inputs: Record<string, unknown>; provider?: string }, cloud: Cloud): string {
    return regionOf(r, (urn) => this.state.get(urn) ?? this.plan.resources.find((x) => x.urn === urn), this.world.defaultRegions[cloud] ?? this.plan.region);
  }

  private regionOfEntry(e: StateEntry): string {
    const obj = e.object ? this.world.objects.get(e.object) : undefined;
    return obj?.region ?? this.regionOf(e, this.cloudOf(e.type));
  }

  private ctx(cloud: Cloud): RuleContext {
    const world = this.world;
    return {
      objects: () => world.objectsOf(cloud),
      get: (key) => world.objects.get(key),
      now: world.now,
      stackRegion: this.plan.region,
      adopt: (obj) => {
        world.objects.set(obj.key, obj);
      },
    };
  }
}

interface PreviewOp {
  op: Operation;
  old?: StateEntry;
  changed?: string[];
}

/**
 * An alias given as a URN, as the engine matches it. Under the SDK's mocks a top-level component's URN carries the
 * root stack's type (`pulumi:pulumi:Stack$freehold:index:Platform`: mocks.ts `newUrn` prefixes the parent's type),
 * so `createUrn(name, type, component)` does too; against the engine the same component's URN has no stack type
 * (createUrn itself drops it: "Don't prefix the stack type as a parent type", pulumi/pulumi sdk/nodejs/resource.ts),
 * and the alias names the URN the resource really had. Planned URNs of the component's children have no stack type.
 */
function aliasUrn(alias: unknown): string | undefined {
  const urn = (alias as { urn?: unknown } | undefined)?.urn;
  return typeof urn === "string" && urn ? urn.replace("::pulumi:pulumi:Stack$", "::") : undefined;
}

/** The URN of a provider reference (`<provider URN>::<id>`). */
function providerUrnOf(ref: string): string {
  return ref.slice(0, ref.lastIndexOf("::"));
}

function describe(o: CloudObject): string {
  const who = o.owner ? `${o.owner.stack === "" ? "" : `${o.owner.stack}: `}${o.owner.urn.split("::").pop()}` : "unmanaged";
  return `${o.type.split(":").pop()}${o.name ? ` "${o.name}"` : ""} (${who})`;
}

/** Order entries so that each comes before the entries it depends on (the order the engine deletes in). */
function dependentsFirst(entries: StateEntry[]): StateEntry[] {
  const byUrn = new Map(entries.map((e) => [e.urn, e]));
  const out: StateEntry[] = [];
  const done = new Set<string>();
  const visit = (e: StateEntry, stack: Set<string>) => {
    if (done.has(e.urn) || stack.has(e.urn)) return;
    stack.add(e.urn);
    // Everything that depends on e (or is its child) goes first; the old object of a replacement stands for its URN too.
    const urn = e.urn.replace(/#replaced$/, "");
    for (const other of entries) {
      if (other.urn !== e.urn && (other.dependencies.includes(urn) || other.parent === urn)) visit(other, stack);
    }
    stack.delete(e.urn);
    done.add(e.urn);
    out.push(e);
  };
  for (const e of [...entries].reverse()) visit(e, new Set());
  void byUrn;
  return out;
}
