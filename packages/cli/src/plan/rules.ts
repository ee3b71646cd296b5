/**
 * The rule book at plan time: a plan whose resources break a rule of their
 * cloud (a name too long, a reserved value, two resources claiming one name,
 * a regional resource in another region than the stack) is refused before
 * anything is deployed, naming the component, the resource, the field, the
 * value, the rule and its source.
 */
import type { PlannedResource } from "@freehold/core";
import { planViolations, shownValue, type Violation } from "@freehold/rules";
import { EXIT } from "../errors";
import type { FailedPlan, HostedPlan, Plan, PlanComponent } from "./contract";
import { ownerOf } from "./owner";

/** A broken rule, with the Freehold component whose resource breaks it and who chose the value. */
export interface PlanViolation extends Violation {
  /** The Freehold component (or "platform") the resource belongs to; absent for a program's own resource. */
  component?: string;
  /**
   * `program`: the value is one the program or stack sets for this cloud (a resource it creates itself, a
   * provider's region, a vendor setting, a tag): change it. `freehold`: Freehold derived it from the neutral
   * spec, so this cloud cannot host the stack as written.
   */
  chosenBy: "program" | "freehold";
}

/** Who chose the value a rule refuses: see PlanViolation.chosenBy. */
function chosenBy(v: Violation, owner: PlannedResource | undefined, component: PlanComponent | undefined, cloud: string): PlanViolation["chosenBy"] {
  if (!owner) return "program";
  if (v.field === "region" || v.field === "tags" || v.field === "labels") return "program";
  const vendor = component?.vendorSettings.filter((s) => s.startsWith(`${cloud}.`)) ?? [];
  // A rule on the whole resource (a check on several fields, what the cloud checks on create) may be about a vendor setting.
  if (!v.field) return vendor.length ? "program" : "freehold";
  const top = v.field.split(/[.[]/)[0] ?? "";
  return vendor.some((s) => s.endsWith(`.${top}`)) ? "program" : "freehold";
}

/** Every rule the plan's resources break, each with its component. */
export function ruleViolations(plan: HostedPlan): PlanViolation[] {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  return planViolations({ cloud: plan.cloud, region: plan.region, resources: plan.resources }).map((v) => {
    const r = byUrn.get(v.urn);
    const owner = r ? ownerOf(plan.resources, r) : undefined;
    const component = owner?.type === "freehold:index:Platform" ? "platform" : owner?.name;
    const spec = plan.components.find((c) => c.urn === owner?.urn);
    return { ...v, ...(component ? { component } : {}), chosenBy: chosenBy(v, owner, spec, plan.cloud) };
  });
}

/** The plan, or the cloud's refusal of it when its resources break a rule. */
export function refuseBrokenRules(plan: HostedPlan): Plan {
  const violations = ruleViolations(plan);
  if (!violations.length) return plan;
  const refused: FailedPlan = {
    ...plan,
    components: [],
    resources: [],
    platform: { resourceCount: 0, estimate: { lines: [], monthlyUsd: 0, fixedUsd: 0, usageUsd: 0 } },
    totals: { monthlyUsd: 0, fixedUsd: 0, usageUsd: 0, resources: 0 },
    afterDestroy: { lines: [], monthlyUsd: 0 },
    migration: { ...plan.migration, databases: [], objectStores: [] },
    outputs: {},
    error: {
      type: "rules",
      message: `${plan.provider} would refuse ${violations.length === 1 ? "a value" : `${violations.length} values`} of this stack: ${violations.map((v) => violationLine(v)).join("; ")}`,
      violations,
    },
  };
  return refused;
}

/** One violation in one line: where, which field, what is wrong, which rule. */
export function violationLine(v: PlanViolation): string {
  return `${v.component ? `${v.component}: ` : ""}${v.resource} (${v.type}) ${v.field ? `${v.field}${shownValue(v)}: ` : ""}${v.message}`;
}

/** Every violation as labelled lines: the resource and field, the problem, the rule and its source. */
export function violationLines(violations: readonly PlanViolation[]): string[] {
  return violations.flatMap((v) => [
    `  - ${v.component ? `component ${v.component}, ` : ""}${v.resource} (${v.type})${v.field ? `, ${v.field}` : ""}${shownValue(v)}: ${v.message}`,
    `    rule: ${v.title} [${v.source}]`,
  ]);
}

/** Exit 2 when a value the program or stack sets for this cloud must change; 3 when only Freehold's own choices break the cloud's rules. */
export function violationsExit(violations: readonly PlanViolation[]): number {
  return violations.some((v) => v.chosenBy === "program") ? EXIT.usage : EXIT.unsupported;
}
