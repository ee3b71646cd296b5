import type { PlannedResource } from "@freehold/core";
import type { Plan } from "../plan/contract";
import { ownerOf } from "../plan/owner";
import { type Finding, get } from "./rule";

/** The Freehold component (or "platform") a resource belongs to. */
export function componentOf(plan: Plan, r: PlannedResource): string {
  const owner = ownerOf(plan.resources, r);
  if (!owner) return "stack";
  return owner.type === "freehold:index:Platform" ? "platform" : owner.name;
}

/** Resources of a type under the same component as `r`. */
export function siblings(plan: Plan, r: PlannedResource, type: string): PlannedResource[] {
  const c = componentOf(plan, r);
  return plan.resources.filter((x) => x.type === type && componentOf(plan, x) === c);
}

/** Environment variables a web service's container gets as plain values (not secret references). */
export function plainEnv(plan: Plan): Array<{ resource: string; name: string; value: string }> {
  const out: Array<{ resource: string; name: string; value: string }> = [];
  for (const r of plan.resources) {
    if (r.type === "aws:ecs/taskDefinition:TaskDefinition") {
      const defs = parseJson(r.inputs.containerDefinitions) as Array<{ environment?: Array<{ name: string; value: string }> }> | undefined;
      for (const d of defs ?? []) for (const e of d.environment ?? []) out.push({ resource: r.name, name: e.name, value: String(e.value ?? "") });
    }
    if (r.type === "azure-native:app:ContainerApp") {
      const containers = (get(r, "template.containers") as Array<{ env?: Array<{ name: string; value?: string }> }> | undefined) ?? [];
      for (const c of containers) for (const e of c.env ?? []) if (e.value !== undefined) out.push({ resource: r.name, name: e.name, value: String(e.value) });
    }
    if (r.type === "gcp:cloudrunv2/service:Service") {
      const containers = (get(r, "template.containers") as Array<{ envs?: Array<{ name: string; value?: string }> }> | undefined) ?? [];
      for (const c of containers) for (const e of c.envs ?? []) if (e.value !== undefined) out.push({ resource: r.name, name: e.name, value: String(e.value) });
    }
  }
  return out;
}

export function parseJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** Findings for each resource of the given types: a platform guarantee that needs no setting. */
export function byPlatform(plan: Plan, types: string[], message: string): Finding[] {
  return plan.resources.filter((r) => types.includes(r.type)).map((r) => ({ status: "compliant" as const, subject: r.name, message }));
}
