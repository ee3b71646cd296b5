/**
 * URNs as the Pulumi engine makes them, for the aliases of an ejected program.
 *
 * A plan's URNs come from Pulumi's mock monitor, which builds them differently
 * from the engine: it prefixes a top-level resource's type with
 * `pulumi:pulumi:Stack$` and keeps only the parent's last type for a nested one
 * (`@pulumi/pulumi/runtime/mocks.js`, `newUrn`). The engine leaves the root
 * stack out and qualifies a type with the parent's whole type chain
 * (pulumi/pulumi `sdk/go/common/resource/urn/urn.go`, `New`). Aliases must name
 * the URNs in the real state, so they are rebuilt here from the parent chain by
 * the engine's rule, never copied from the plan.
 */
import type { PlannedResource } from "@freehold/core";

export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** The parts of a URN: `urn:pulumi:<stack>::<project>::<qualified type>::<name>`. */
export function parseUrn(urn: string): { stack: string; project: string; qualifiedType: string; type: string; name: string } | undefined {
  const m = /^urn:pulumi:([^:]*)::([^:]*)::(.*?)::(.*)$/s.exec(urn);
  if (!m) return undefined;
  const qualifiedType = m[3] as string;
  return { stack: m[1] as string, project: m[2] as string, qualifiedType, type: qualifiedType.split("$").pop() as string, name: m[4] as string };
}

/** A resource's type qualified by its ancestors' types, as the engine writes it (the root stack left out). */
export function qualifiedType(r: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>): string {
  const chain = [r.type];
  const seen = new Set([r.urn]);
  for (let p = byUrn.get(r.parent); p && p.type !== ROOT_STACK_TYPE && !seen.has(p.urn); p = byUrn.get(p.parent)) {
    chain.unshift(p.type);
    seen.add(p.urn);
  }
  return chain.join("$");
}

/** The URN the engine gives a resource in the given stack and project. */
export function engineUrn(stack: string, project: string, qualified: string, name: string): string {
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** An alias as the SDK sends it: a URN, or a spec whose empty fields mean "the resource's own". */
export interface AliasSpec {
  name?: string;
  type?: string;
  stack?: string;
  project?: string;
  parentUrn?: string;
  noParent?: boolean;
}

/** Read an alias as a plan records it (the request's `toObject()`), or undefined if it is not one. */
export function recordedAlias(raw: unknown): { urn: string } | { spec: AliasSpec } | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const o = raw as { urn?: unknown; spec?: Record<string, unknown> };
  if (typeof o.urn === "string" && o.urn) return { urn: o.urn };
  if (!o.spec) return undefined;
  const s = o.spec;
  const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  return { spec: { name: str(s.name), type: str(s.type), stack: str(s.stack), project: str(s.project), parentUrn: str(s.parenturn), noParent: s.noparent === true } };
}

/**
 * The URN an alias names, by the engine's rule (pulumi/pulumi
 * `pkg/resource/deploy/step_generator.go`, `collapseAliasToUrn`): empty fields
 * take the resource's own name, type and parent, a root-stack parent or
 * `noParent` means none, and the parent's URN up to its name is the prefix.
 */
export function aliasUrn(
  alias: { urn: string } | { spec: AliasSpec },
  resource: { name: string; type: string; parentUrn: string | undefined },
  stack: string,
  project: string,
): string {
  if ("urn" in alias) return alias.urn;
  const s = alias.spec;
  const name = s.name || resource.name;
  const type = s.type || resource.type;
  let parent = s.parentUrn || resource.parentUrn || "";
  if (s.noParent || (parent && parseUrn(parent)?.qualifiedType === ROOT_STACK_TYPE)) parent = "";
  const prefix = parent ? `${parent.slice(0, parent.lastIndexOf("::"))}$` : `urn:pulumi:${s.stack || stack}::${s.project || project}::`;
  return `${prefix}${type}::${name}`;
}
