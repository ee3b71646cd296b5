import type { PlannedResource } from "@freehold/core";
import type { Cloud } from "@freehold/model";
import type { Plan } from "../plan/contract";

export type Status = "compliant" | "non-compliant" | "not-applicable";
export type Severity = "error" | "warning";

/** One result of one rule, for one resource or component (or the whole stack). */
export interface Finding {
  status: Status;
  /** The resource or component the finding is about. */
  subject: string;
  message: string;
}

/**
 * One policy rule, in the style of cdk-nag: an id, a one-line summary, an
 * explanation, a severity, and the UK NCSC Cloud Security Principles it supports.
 * A rule reads the plan's resources (not the backend), per cloud.
 */
export interface Rule {
  id: string;
  summary: string;
  explanation: string;
  severity: Severity;
  /** NCSC Cloud Security Principles, e.g. "2.3 Data at rest protection". */
  ncsc: string[];
  evaluate(plan: Plan): Finding[];
}

/** A rule whose evaluation differs per cloud. */
export function perCloud(evaluators: Record<Cloud, (plan: Plan) => Finding[]>): (plan: Plan) => Finding[] {
  return (plan) => evaluators[plan.cloud](plan);
}

export const ofType = (plan: Plan, type: string): PlannedResource[] => plan.resources.filter((r) => r.type === type);

/** Read a nested input by path, e.g. get(r, "settings.ipConfiguration.ipv4Enabled"). */
export function get(r: PlannedResource, path: string): unknown {
  let v: unknown = r.inputs;
  for (const seg of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

export function finding(ok: boolean, subject: string, good: string, bad: string): Finding {
  return { status: ok ? "compliant" : "non-compliant", subject, message: ok ? good : bad };
}

export const notApplicable = (message: string): Finding[] => [{ status: "not-applicable", subject: "stack", message }];

/** Each resource of a type checked by a predicate; not applicable where there are none. */
export function each(plan: Plan, type: string, what: string, check: (r: PlannedResource) => boolean | string, good: string): Finding[] {
  const rs = ofType(plan, type);
  if (!rs.length) return notApplicable(`no ${what}`);
  return rs.map((r) => {
    const result = check(r);
    return result === true ? finding(true, r.name, good, "") : { status: "non-compliant", subject: r.name, message: typeof result === "string" ? result : `fails: ${good}` };
  });
}
