/** Values a person changes or must keep secret: config for the region, images and sizes, config secrets, and tags held once. */
import type { PlannedResource } from "@freehold/core";
import type { HostedPlan } from "../plan/contract";
import { ownerOf } from "../plan/owner";
import { type Expr, replaceNode, stringOf, walk } from "./expr";
import type { ConfigValue, ProgramResource, Shared } from "./model";
import { camel, type Names } from "./names";

/**
 * Config for the values a user changes: the region (wherever it appears in a
 * string), and per component its image and its size where the plan names a
 * size the cloud takes as one value. Defaults are the planned values.
 */
export function configValues(plan: HostedPlan, custom: PlannedResource[], names: Names): ConfigValue[] {
  const out: ConfigValue[] = [];
  if (plan.region) out.push({ key: "region", variable: names.take("region"), default: plan.region, secret: false, description: `The ${plan.provider} region every resource is in. Changing it moves nothing by itself: it must match the provider's own region setting.` });
  for (const c of plan.components) {
    const image = (c.spec.kind === "web-service" || c.spec.kind === "worker" || c.spec.kind === "scheduled-job") && typeof c.spec.image === "string" ? c.spec.image : undefined;
    if (image) out.push({ key: `${c.name}-image`, variable: names.take(`${camel(c.name)}Image`), default: image, secret: false, description: `Container image of ${c.name}.` });
    if (c.sku && custom.some((r) => ownerOf(plan.resources, r)?.name === c.name && containsValue(r.inputs, c.sku as string))) {
      out.push({ key: `${c.name}-size`, variable: names.take(`${camel(c.name)}Size`), default: c.sku, secret: false, description: `Size of ${c.name} (${c.service}): ${c.size?.note ?? c.sku}.` });
    }
  }
  return out;
}

function containsValue(v: unknown, wanted: string): boolean {
  if (v === wanted) return true;
  if (Array.isArray(v)) return v.some((x) => containsValue(x, wanted));
  if (v && typeof v === "object") return Object.values(v).some((x) => containsValue(x, wanted));
  return false;
}

/** Put config values where the planned literal is one: the region in any string, a component's image and size in its own resources. */
export function useConfig(expr: Expr, config: ConfigValue[], component: string | undefined): void {
  const own = config.filter((c) => c.key === `${component}-image` || c.key === `${component}-size`);
  const region = config.find((c) => c.key === "region");
  for (const node of [...walk(expr)]) {
    if (node.kind !== "literal" || typeof node.value !== "string") {
      if (node.kind === "template" && region?.default) {
        replaceNode(node, stringOf(node.parts.flatMap((p) => (typeof p === "string" ? splitOn(p, region) : [p]))));
      }
      continue;
    }
    const whole = own.find((c) => c.default === node.value);
    if (whole) replaceNode(node, { kind: "config", variable: whole.variable });
    else if (region?.default && node.value.includes(region.default)) replaceNode(node, stringOf(splitOn(node.value, region)));
  }
}

function splitOn(s: string, c: ConfigValue): Array<string | Expr> {
  const parts: Array<string | Expr> = [];
  s.split(c.default as string).forEach((piece, i) => {
    if (i > 0) parts.push({ kind: "config", variable: c.variable });
    parts.push(piece);
  });
  return parts;
}

/** The config value for a key of the run's config, read as a secret: found in `into`, or added to it. */
function secretConfig(key: string, into: ConfigValue[], names: Names): ConfigValue {
  let c = into.find((x) => x.key === key);
  if (!c) {
    c = { key, variable: names.take(camel(key.split(":").pop() ?? key), "secret"), secret: true, description: `A secret; set it with \`pulumi config set --secret ${key} <value>\`.` };
    into.push(c);
  }
  return c;
}

/** Config values of the run (not Freehold's own) long enough not to occur by chance, longest first. */
function runConfigValues(runConfig: Record<string, string>): Array<[string, string]> {
  return Object.entries(runConfig)
    .filter(([k, v]) => !k.startsWith("freehold:") && v.length >= 6)
    .sort(([ka, a], [kb, b]) => b.length - a.length || ka.localeCompare(kb));
}

/**
 * A secret with no output behind it (a password Freehold read from config, or
 * was given in the program) must not be written out. Where the run's config
 * holds it, whole or inside a document (a registry token in a JSON secret), the
 * program reads that key as a secret; a secret still with nothing behind it
 * becomes a config secret of its own.
 */
export function keepSecretsSecret(expr: Expr, fallbackKey: string, runConfig: Record<string, string>, into: ConfigValue[], names: Names): void {
  const known = runConfigValues(runConfig);
  for (const node of [...walk(expr)]) {
    if (node.kind !== "secret") continue;
    for (const inner of [...walk(node.value)]) {
      const text = inner.kind === "literal" && typeof inner.value === "string" ? inner.value : undefined;
      if (text === undefined) continue;
      const found = known.find(([, v]) => text.includes(v));
      if (!found) continue;
      const c = secretConfig(found[0], into, names);
      replaceNode(inner, stringOf(text.split(found[1]).flatMap((piece, i) => (i ? [{ kind: "config" as const, variable: c.variable, secret: true }, piece] : [piece]))));
    }
    // A config secret is a secret already.
    if (node.value.kind === "config") replaceNode(node, { ...node.value });
    else if ([...walk(node.value)].some((e) => e.kind === "ref" || e.kind === "config")) continue;
    else replaceNode(node, { kind: "config", variable: secretConfig(fallbackKey, into, names).variable, secret: true });
  }
}

/**
 * Entries that every resource with an input of that name carries alike (the
 * stack's tags, say), written once: `tags: { ...tags, Name: "..." }`. Only
 * literal entries, only where at least three resources share at least two.
 */
export function shareCommonEntries(resources: ProgramResource[], names: Names): Shared[] {
  const shared: Shared[] = [];
  const keys = new Set(resources.flatMap((r) => r.inputs.map(([k]) => k)));
  for (const key of keys) {
    const objects = resources.flatMap((r) => r.inputs.filter(([k, e]) => k === key && e.kind === "object").map(([, e]) => e as Extract<Expr, { kind: "object" }>));
    if (objects.length < 3) continue;
    const [first, ...others] = objects;
    const common = (first?.entries ?? []).filter(([k, v]) => v.kind === "literal" && others.every((o) => o.entries.some(([k2, v2]) => k2 === k && v2.kind === "literal" && v2.value === v.value)));
    if (common.length < 2) continue;
    const variable = names.take(camel(key), "shared");
    const commonKeys = new Set(common.map(([k]) => k));
    for (const o of objects) replaceNode(o, { kind: "spread", variable, entries: o.entries.filter(([k]) => !commonKeys.has(k)) });
    shared.push({ variable, input: key, entries: common, count: objects.length });
  }
  return shared;
}
