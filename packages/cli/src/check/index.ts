/**
 * `@freehold/cli/check`: the security rules of `freehold check` on their own,
 * for tools that build a plan themselves (the Pulumi policy pack in
 * @freehold/policy): loads no command, no backend and no cloud SDK.
 */
export { PLAN_SCHEMA } from "../plan/contract";
export type { HostedPlan, Plan, PlanComponent } from "../plan/contract";
export type { Finding, Rule, Severity, Status } from "./rule";
export { DEFAULT_PACK } from "./rules";
