/**
 * `freehold plan --previous old.json`: the rules about change over time,
 * between the plan a stack was deployed from and the plan it would now get.
 * What `pulumi up` would replace (and why, with the rule's source), what it
 * would update in place or hold for a maintenance window, and what the
 * preview or the cloud would refuse.
 */
import { readFileSync } from "node:fs";
import { type Change, planChanges } from "@freehold/rules";
import { InputError } from "../errors";
import { type HostedPlan, PLAN_SCHEMA, type Plan } from "./contract";
import { ownerOf } from "./owner";
import type { PlanViolation } from "./rules";

/** What `up` would do going from a previous plan to this one. */
export interface PlanChanges {
  /** The previous plan's file, as given. */
  previous: string;
  /** Every resource that would change: created, updated, replaced, deleted, or removed from the stack but kept in the cloud. */
  steps: Array<Change & { component?: string }>;
  /** What the preview or the cloud would refuse. */
  refusals: PlanViolation[];
}

/** Read a previous plan (`freehold plan --format json`): one the cloud could make, for the same cloud. */
export function readPreviousPlan(file: string, cloud: string): HostedPlan {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`--previous ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Give the JSON a previous \`freehold plan --format json\` printed.`);
  }
  let plan: Partial<Plan>;
  try {
    plan = JSON.parse(text) as Partial<Plan>;
  } catch (e) {
    throw new InputError(`--previous ${file}: not JSON (${(e as Error).message}). Give the JSON a previous \`freehold plan --format json\` printed.`);
  }
  const problems: string[] = [];
  if (plan?.schema !== PLAN_SCHEMA) problems.push(`schema is ${JSON.stringify(plan?.schema)}; expected "${PLAN_SCHEMA}" (the output of \`freehold plan --format json\`)`);
  else {
    if (plan.cloud !== cloud) problems.push(`it is a plan for ${plan.cloud}, not ${cloud}: compare plans of one cloud`);
    if (plan.error) problems.push(`it is a plan the cloud refused (${plan.error.type}): it has no resources to compare with`);
    if (!Array.isArray(plan.resources)) problems.push("it has no resources list");
  }
  if (problems.length) throw new InputError(`--previous ${file}: ${problems.join("; ")}`);
  return plan as HostedPlan;
}

/** Compare a previous plan of the stack with this one. */
export function changesSince(previous: HostedPlan, file: string, plan: HostedPlan): PlanChanges {
  const report = planChanges({ cloud: previous.cloud, region: previous.region, resources: previous.resources }, { cloud: plan.cloud, region: plan.region, resources: plan.resources });
  const componentOf = (urn: string) => {
    const inPlan = plan.resources.find((r) => r.urn === urn);
    const r = inPlan ?? previous.resources.find((x) => x.urn === urn);
    const owner = r ? ownerOf(inPlan ? plan.resources : previous.resources, r) : undefined;
    return owner?.type === "freehold:index:Platform" ? "platform" : owner?.name;
  };
  const withComponent = <T extends { urn: string }>(x: T) => {
    const component = componentOf(x.urn);
    return component ? { ...x, component } : x;
  };
  return {
    previous: file,
    steps: report.changes.map(withComponent),
    refusals: report.refusals.map((v) => ({ ...withComponent(v), chosenBy: "program" as const })),
  };
}

const WORD: Record<Change["op"], string> = { create: "create", update: "update", replace: "replace", delete: "delete", retain: "retain" };

/** The changes as text: counts, then every replacement, deletion and update with its reasons and sources. */
export function changesText(c: PlanChanges): string[] {
  const count = (op: Change["op"]) => c.steps.filter((s) => s.op === op).length;
  const head = `Changes since ${c.previous}: ${(["create", "update", "replace", "delete", "retain"] as const).map((op) => `${count(op)} to ${op}`).join(", ")}.`;
  const lines = c.steps
    .filter((s) => s.op !== "create")
    .map((s) => {
      const who = `${s.component ? `${s.component}: ` : ""}${s.resource} (${s.type})`;
      if (s.op === "replace") return `  ${WORD[s.op].padEnd(8)} ${who}, ${s.mode}: ${(s.because ?? []).map((b) => `${b.path === "*" ? "any input" : b.path === "(region)" ? "the region" : b.path} changed [${b.source}]`).join("; ")}`;
      if (s.op === "update") return `  ${WORD[s.op].padEnd(8)} ${who}: ${s.changed?.join(", ")}${s.deferred?.length ? `; held for the next maintenance window: ${s.deferred.join(", ")}` : ""}`;
      return `  ${WORD[s.op].padEnd(8)} ${who}${s.op === "retain" ? ": removed from the stack, kept in the cloud (retainOnDelete)" : ""}`;
    });
  return [head, ...lines];
}
