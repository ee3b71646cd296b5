import { assertHosted, type HostedPlan, type Plan } from "../plan/contract";
import type { Finding, Rule, Severity, Status } from "./rule";
import { DEFAULT_PACK } from "./rules";

export const CHECK_SCHEMA = "freehold.check/v1";

export interface RuleResult {
  id: string;
  summary: string;
  explanation: string;
  severity: Severity;
  ncsc: string[];
  /** Worst status over the findings. */
  status: Status;
  findings: Finding[];
}

export interface CheckReport {
  schema: typeof CHECK_SCHEMA;
  cloud: Plan["cloud"];
  provider: string;
  stack: string;
  region: string;
  rules: RuleResult[];
  summary: { errors: number; warnings: number; compliant: number; notApplicable: number };
}

/** Run a pack of rules over a plan; rules read resources, so a plan the cloud could not make throws PlanFailedError. */
export function runChecks(plan: HostedPlan, pack: readonly Rule[] = DEFAULT_PACK): CheckReport {
  assertHosted(plan);
  const rules = pack.map((rule): RuleResult => {
    const findings = rule.evaluate(plan);
    const status: Status = findings.some((f) => f.status === "non-compliant") ? "non-compliant" : findings.some((f) => f.status === "compliant") ? "compliant" : "not-applicable";
    return { id: rule.id, summary: rule.summary, explanation: rule.explanation, severity: rule.severity, ncsc: rule.ncsc, status, findings };
  });
  const bad = (sev: Severity) => rules.filter((r) => r.severity === sev && r.status === "non-compliant").length;
  return {
    schema: CHECK_SCHEMA,
    cloud: plan.cloud,
    provider: plan.provider,
    stack: plan.stack,
    region: plan.region,
    rules,
    summary: {
      errors: bad("error"),
      warnings: bad("warning"),
      compliant: rules.filter((r) => r.status === "compliant").length,
      notApplicable: rules.filter((r) => r.status === "not-applicable").length,
    },
  };
}
