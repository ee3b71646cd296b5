/**
 * A stack as a policy pack sees it (the engine's resources: type, props,
 * options, provider, dependencies) turned into the plan Freehold's rules read.
 * During `pulumi preview` some props are not known yet; the policy SDK throws
 * when one is read, so they are left out and listed, and the rules that would
 * read them are not applied.
 */
import type { PlannedResource } from "@freehold/core";
import { CLOUDS, type Cloud } from "@freehold/model";
import { COMPANIONS, cloudOf, kindOf, RULES, type RuleResource } from "@freehold/rules";

/** The parts of `@pulumi/policy`'s PolicyResource this reads (a test can build them from a plan). */
export interface StackResource {
  type: string;
  urn: string;
  name: string;
  props: Record<string, unknown>;
  opts: { protect?: boolean; ignoreChanges?: string[]; deleteBeforeReplace?: boolean; aliases?: string[]; parent?: string };
  provider?: { type: string; urn: string; name: string; props: Record<string, unknown> };
  dependencies?: ReadonlyArray<{ urn: string }>;
  propertyDependencies?: Record<string, ReadonlyArray<{ urn: string }>>;
}

/** The policy SDK's error for a value `pulumi preview` cannot know (not exported by the SDK). */
const isUnknownValue = (e: unknown) => e instanceof Error && e.constructor.name === "UnknownValueError";

/** A copy of props with every known value, and the paths of those not known yet. */
export function knownProps(props: unknown, path = "", unknown: string[] = []): { value: unknown; unknown: string[] } {
  if (props === null || typeof props !== "object") return { value: props, unknown };
  const out: unknown[] | Record<string, unknown> = Array.isArray(props) ? [] : {};
  for (const key of Object.keys(props)) {
    const at = Array.isArray(props) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    let v: unknown;
    try {
      v = (props as Record<string, unknown>)[key];
    } catch (e) {
      if (!isUnknownValue(e)) throw e;
      unknown.push(at.replace(/\[\d+\]/g, "[]"));
      continue;
    }
    (out as Record<string, unknown>)[key] = knownProps(v, at, unknown).value;
  }
  return { value: out, unknown };
}

/** Types a policy pack treats as cloud resources: the three clouds' packages and the companions (random, time). */
function isCustom(type: string): boolean {
  const kind = kindOf(RULES, type);
  return kind === "cloud" || type in COMPANIONS;
}

/** The stack's resources as the rules read them, providers included (a default provider is a resource too). */
export function ruleResources(resources: readonly StackResource[]): RuleResource[] {
  const out: RuleResource[] = [];
  const seen = new Set<string>();
  const add = (r: RuleResource) => {
    if (seen.has(r.urn)) return;
    seen.add(r.urn);
    out.push(r);
  };
  for (const r of resources) {
    if (r.provider && !seen.has(r.provider.urn) && !resources.some((x) => x.urn === r.provider?.urn)) {
      add({ urn: r.provider.urn, type: r.provider.type, name: r.provider.name, custom: true, inputs: knownProps(r.provider.props).value as Record<string, unknown> });
    }
    const { value, unknown } = knownProps(r.props);
    add({
      urn: r.urn,
      type: r.type,
      name: r.name,
      custom: isCustom(r.type) || r.type.startsWith("pulumi:providers:"),
      ...(r.opts.parent ? { parent: r.opts.parent } : {}),
      inputs: value as Record<string, unknown>,
      ...(unknown.length ? { unknown } : {}),
      ...(r.provider ? { provider: `${r.provider.urn}::provider` } : {}),
      propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, deps]) => [k, deps.map((d) => d.urn)])),
      // What it waits for: its inputs' resources and its dependsOn (rules read the order, e.g. a job that must start after an endpoint).
      dependencies: [...new Set([...(r.dependencies ?? []).map((d) => d.urn), ...Object.values(r.propertyDependencies ?? {}).flatMap((deps) => deps.map((d) => d.urn))])].sort(),
      options: {
        protect: r.opts.protect === true,
        ...(r.opts.ignoreChanges?.length ? { ignoreChanges: r.opts.ignoreChanges } : {}),
        ...(r.opts.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
      },
    });
  }
  return out;
}

/** The cloud most of the stack's cloud resources are on (a stack may use more than one; each resource is checked against its own cloud's rules). */
export function mainCloud(resources: readonly RuleResource[]): Cloud | undefined {
  const counts = new Map<Cloud, number>();
  for (const r of resources) {
    if (kindOf(RULES, r.type) !== "cloud") continue;
    const c = cloudOf(RULES, r.type, "aws");
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return [...CLOUDS].filter((c) => counts.has(c)).sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0))[0];
}

/** A rule resource as the plan contract's resource, for the security rules. */
export function plannedResource(r: RuleResource): PlannedResource {
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    parent: r.parent ?? "",
    custom: r.custom !== false,
    inputs: r.inputs,
    // The engine does not pass retainOnDelete to policies: a rule cannot tell, so it is not held against the resource.
    options: { protect: r.options?.protect === true, retainOnDelete: r.options?.retainOnDelete ?? true, dependsOn: [] },
    ...(r.provider ? { provider: r.provider } : {}),
    dependencies: [...new Set([...(r.dependencies ?? []), ...Object.values(r.propertyDependencies ?? {}).flat()])].sort(),
    propertyDependencies: r.propertyDependencies ?? {},
  };
}
