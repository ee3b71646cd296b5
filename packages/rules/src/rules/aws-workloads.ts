/**
 * AWS's rules for what runs a scheduled job: an EventBridge Scheduler
 * schedule and the Step Functions state machine it starts (aws.ts spreads
 * them into its table; a worker is an ECS service, whose rule is aws.ts's).
 * Written from the APIs' documentation and the Terraform provider's schema
 * (ForceNew fields), linked.
 */
import type { TypeRule } from "../types";
import { nameCheck } from "./common";

const TF = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service";
const DOC = {
  createSchedule: "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html",
  scheduleTypes: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based",
  createStateMachine: "https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html",
  ecsIam: "https://docs.aws.amazon.com/step-functions/latest/dg/ecs-iam.html",
  sfnLogging: "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy",
  ecsTagOnCreate: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html",
} as const;

export const WORKLOAD_TYPES = {
  schedule: "aws:scheduler/schedule:Schedule",
  stateMachine: "aws:sfn/stateMachine:StateMachine",
} as const;

/** A cron schedule in AWS's six-field form, with a time zone. */
function scheduleExpressionProblem(v: unknown): string | undefined {
  if (typeof v !== "string") return "no scheduleExpression";
  const cron = /^cron\((.*)\)$/.exec(v);
  if (!cron) return /^(rate|at)\(.*\)$/.test(v) ? undefined : `"${v}" is not cron(...), rate(...) or at(...)`;
  const fields = (cron[1] ?? "").trim().split(/\s+/);
  if (fields.length !== 6) return `"${v}" has ${fields.length} fields; AWS cron has six (minutes hours day-of-month month day-of-week year)`;
  // One of day-of-month and day-of-week must be "?".
  if (fields[2] !== "?" && fields[4] !== "?") return `"${v}": one of day-of-month and day-of-week must be ?`;
  return undefined;
}

export const AWS_WORKLOAD_RULES: Record<string, TypeRule> = {
  [WORKLOAD_TYPES.schedule]: {
    title: "EventBridge Scheduler schedule",
    source: DOC.createSchedule,
    identity: { field: "name", scope: (o) => `${o.region}/${String(o.inputs.groupName ?? "default")}`, source: DOC.createSchedule },
    checks: [
      nameCheck("name", 1, 64, /^[0-9A-Za-z_.-]+$/, DOC.createSchedule),
      { path: "scheduleExpression", source: DOC.scheduleTypes, test: scheduleExpressionProblem },
      { path: "scheduleExpressionTimezone", source: DOC.createSchedule, test: (v) => (v === undefined || (typeof v === "string" && v.length >= 1 && v.length <= 50) ? undefined : "a time zone name of 1-50 characters") },
    ],
    replaceOn: ["name", "namePrefix", "groupName"].map((path) => ({ path, source: `${TF}/scheduler/schedule.go` })),
    notes: [`a cron schedule is read in \`scheduleExpressionTimezone\`, daylight saving included ([source](${DOC.scheduleTypes}))`],
  },
  [WORKLOAD_TYPES.stateMachine]: {
    title: "Step Functions state machine",
    source: DOC.createStateMachine,
    identity: { field: "name", scope: "region", source: DOC.createStateMachine },
    checks: [nameCheck("name", 1, 80, /^[A-Za-z0-9_-]+$/, DOC.createStateMachine)],
    replaceOn: ["name", "namePrefix", "type"].map((path) => ({ path, source: `${TF}/sfn/state_machine.go` })),
    notes: [
      `\`.sync\` ECS tasks need ecs:RunTask, ecs:StopTask, ecs:DescribeTasks and the Step Functions events rule ([source](${DOC.ecsIam}))`,
      `execution logging to CloudWatch Logs needs logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies and DescribeLogGroups on \`*\` (the delivery actions take no resource), and \`logDestination\` is the log group's ARN ending \`:*\`; a group under \`/aws/vendedlogs/\` keeps the account's log resource policy from growing with each state machine ([source](${DOC.sfnLogging}))`,
      `a RunTask that carries tags (PropagateTags, managed tags) is also authorized for ecs:TagResource (condition key ecs:CreateAction); without it the run can be refused ([source](${DOC.ecsTagOnCreate}))`,
    ],
  },
};
