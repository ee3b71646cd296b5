import type { PlanError } from "../plan/contract";
import { violationLine, violationLines } from "../plan/rules";

/** A refusal's parts, labelled, one a line: the component, the feature, the reason and the fix. */
export function refusalLines(e: PlanError): string[] {
  if (e.violations?.length) return violationLines(e.violations);
  if (!e.feature) return [e.message];
  return [
    `  component: ${e.component ?? "stack"}`,
    `  feature:   ${e.feature}`,
    `  reason:    ${e.reason ?? e.message}`,
    ...(e.fix ? [`  fix:       ${e.fix}`] : []),
  ];
}

/** A refusal in one sentence, for a report's cell: "web needs web-service.run-as-user: <reason>. Fix: <fix>". */
export function refusalSentence(e: PlanError | undefined): string {
  if (!e) return "";
  if (e.violations?.length) return `the cloud would refuse ${e.violations.map((v) => `${violationLine(v)} (${v.title}: ${v.source})`).join("; ")}`;
  if (!e.feature) return e.message;
  return `${e.component ?? "the stack"} needs ${e.feature}: ${e.reason ?? e.message}${e.fix ? `. Fix: ${e.fix}` : ""}`;
}
