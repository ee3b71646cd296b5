/**
 * Hashes of other resources' settings. Freehold keeps some random ids fresh
 * with a hash of every setting of the resource that reads them (Google Cloud's
 * database role job: `keepers: { job: settingsHash(<the job's settings>) }`,
 * its execution token `r<hex>`), so that any change of those settings draws a
 * new value. A fixed value in the ejected program would never change again
 * after an edit, so the program computes the hash as Freehold does: the
 * resource's settings (every input but the ones reading the random id) are a
 * `const` of their own, the random id hashes it, and the resource spreads it.
 *
 * Found by value, for any backend: a string in a resource's inputs that is, in
 * both runs (under the mocks and with every mock value varied), core's
 * `settingsHash` of the inputs of a resource that reads it, without the inputs
 * that read it.
 *
 * The same value on a deployed stack: Freehold hashes `pulumi.output(settings)`, the settings with every Output
 * resolved and every secret unwrapped; the program hashes its own `const` the same way, and it registers exactly the
 * inputs Freehold registered (test/eject.test.ts plans both). An input left undefined is absent from the JSON either
 * way (`JSON.stringify` drops it), and object keys are sorted, so the order the program writes them in does not count.
 */
import { type PlannedResource, settingsHash } from "@freehold/core";
import { type Expr, replaceNode, sourcesOf, walk } from "./expr";
import type { EjectInput, ProgramResource } from "./model";
import type { Names } from "./names";
import type { Untraceable } from "./trace";
import { valueAt } from "./untraceable";

/** A resource's inputs that are the settings another resource hashes: all but `exclude` (the ones reading that resource). */
export interface HashedSettings {
  /** URN of the resource whose settings are hashed. */
  of: string;
  /** Its inputs that are not part of its settings: the ones made from the resource holding the hash. */
  exclude: string[];
  /** The `const` holding its settings. */
  variable: string;
}

/** The inputs of `r` without those in `exclude`. */
const without = (inputs: Record<string, unknown> | undefined, exclude: readonly string[]): Record<string, unknown> | undefined =>
  inputs ? Object.fromEntries(Object.entries(inputs).filter(([k, v]) => !exclude.includes(k) && v !== undefined)) : undefined;

export interface HashContext {
  input: EjectInput;
  custom: readonly PlannedResource[];
  names: Names;
  variables: ReadonlyMap<string, string>;
  /** Settings already found: one `const` per hashed resource. */
  found: HashedSettings[];
}

/** What a hash looks like: `settingsHash` writes base 36; shorter strings are not tried. */
const HASH_LIKE = /^[0-9a-z]{8,}$/;

/** The settings a string of `holder`'s input is the hash of, in both runs (`value`, `variedValue`); undefined if it is none. */
function hashedSettings(holder: PlannedResource, value: string, variedValue: unknown, ctx: HashContext): HashedSettings | undefined {
  if (!HASH_LIKE.test(value)) return undefined;
  for (const r of ctx.custom) {
    // Only a resource that reads the holder (its token, say): Freehold hashes the settings of what the random id is for.
    const exclude = Object.entries(r.propertyDependencies)
      .filter(([, deps]) => deps.includes(holder.urn))
      .map(([k]) => k);
    if (r.urn === holder.urn || !exclude.length) continue;
    const a = without(ctx.input.values.resources[r.urn]?.inputs, exclude);
    const b = without(ctx.input.varied.resources[r.urn]?.inputs, exclude);
    if (!a || !b || settingsHash(a, value.length) !== value || settingsHash(b, value.length) !== variedValue) continue;
    const known = ctx.found.find((f) => f.of === r.urn);
    if (known) return known;
    const settings: HashedSettings = { of: r.urn, exclude, variable: ctx.names.take(`${ctx.variables.get(r.urn) ?? "resource"}Settings`, "settings") };
    ctx.found.push(settings);
    return settings;
  }
  return undefined;
}

/**
 * Replace each part of `holder`'s input `key` that is a hash of another resource's settings, untraceable (made from
 * the mocks' values) or the same in both runs (a literal), by the program's own `settingsHash` of them. Returns the
 * untraceable parts left and the settings hashed.
 */
export function computeHashes(holder: PlannedResource, key: string, expr: Expr, parts: readonly Untraceable[], ctx: HashContext): { left: Untraceable[]; hashed: HashedSettings[] } {
  const left: Untraceable[] = [];
  const hashed: HashedSettings[] = [];
  const use = (node: Expr, value: string, settings: HashedSettings) => {
    replaceNode(node, { kind: "settingsHash", variable: settings.variable, length: value.length });
    if (!hashed.includes(settings)) hashed.push(settings);
  };
  for (const u of parts) {
    const settings = typeof u.value === "string" && !u.structural ? hashedSettings(holder, u.value, valueAt(ctx.input.varied.resources[holder.urn]?.inputs[key], u.path), ctx) : undefined;
    if (settings) use(u.node, u.value as string, settings);
    else left.push(u);
  }
  for (const node of [...walk(expr)]) {
    if (node.kind !== "literal" || typeof node.value !== "string") continue;
    const settings = hashedSettings(holder, node.value, node.value, ctx);
    if (settings) use(node, node.value, settings);
  }
  return { left, hashed };
}

/**
 * Once every resource is built: each hashed resource writes its settings in their `const`, and each resource holding
 * a hash comes after everything those settings read (its `const` is written just before it). A dependency the hash was
 * made from is lost no more where the settings read it.
 */
export function linkHashes(resources: ProgramResource[], holders: ReadonlyMap<string, HashedSettings[]>, byUrn: ReadonlyMap<string, PlannedResource>, sdkType: (r: ProgramResource) => string | undefined): void {
  const byPlan = new Map(resources.map((r) => [r.plan.urn, r]));
  for (const [urn, settings] of holders) {
    const holder = byPlan.get(urn);
    if (!holder) continue;
    holder.hashes = [];
    for (const s of settings) {
      const hashed = byPlan.get(s.of);
      if (!hashed) continue;
      const type = sdkType(hashed);
      hashed.settings = { variable: s.variable, keys: hashed.inputs.map(([k]) => k).filter((k) => !s.exclude.includes(k)), ...(type ? { type } : {}) };
      const read = settingsReads(hashed);
      if (!holder.hashes.some((h) => h.settings?.variable === s.variable)) holder.hashes.push(hashed);
      for (const id of read) if (id !== urn) holder.reads.add(id);
      const names = new Set([...read].map((id) => byUrn.get(id)?.name ?? id));
      for (const u of holder.unresolved) u.from = u.from.filter((n) => !names.has(n));
      holder.unresolved = holder.unresolved.filter((u) => u.from.length || u.keys.length || u.deployed);
    }
  }
}

/** What a resource's settings `const` reads (by source id). */
export function settingsReads(r: ProgramResource): Set<string> {
  const ids = new Set<string>();
  for (const [k, e] of r.inputs) {
    if (!r.settings?.keys.includes(k)) continue;
    for (const id of sourcesOf(e)) ids.add(id);
  }
  return ids;
}
