/**
 * What AWS gives of the worker and scheduled job features: rows of the
 * backend's capability table (capabilities.ts spreads them in).
 */
import type { Capability } from "@freehold/core";

const ECS_PARAMS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html";
const SCHEDULER_TYPES = "https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html";

export const WORKLOAD_CAPABILITIES: readonly Capability[] = [
  {
    feature: "worker.no-ingress",
    support: "full",
    note: "An ECS service on Fargate with no load balancer, target group or listener; its tasks run in private subnets without a public IP, in a security group with no inbound rule",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html",
  },
  {
    feature: "worker.autoscaling",
    support: "full",
    note: "Application Auto Scaling target tracking on the service's average CPU (60%) between scaling.min and scaling.max",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html",
  },
  { feature: "worker.read-only-root-filesystem", support: "full", note: "readonlyRootFilesystem in the container definition, with a writable /tmp", source: ECS_PARAMS },
  { feature: "worker.run-as-user", support: "full", note: "`user` in the container definition (uid or uid:gid)", source: ECS_PARAMS },
  {
    feature: "worker.private-registry",
    support: "full",
    note: "The registry's credentials in a Secrets Manager secret only the task's execution role can read (repositoryCredentials)",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html",
  },
  {
    feature: "scheduled-job.cron",
    support: "partial",
    note: "EventBridge Scheduler's cron has six fields, counts days of the week 1-7 from Sunday and takes `?` in one of the two day fields: Freehold writes every standard schedule that way, except one restricted on both the day of month and the day of week (standard cron runs on either day), which AWS cannot express and Freehold refuses at plan time",
    source: `${SCHEDULER_TYPES}#cron-based`,
  },
  {
    feature: "scheduled-job.time-zone",
    support: "full",
    note: "The schedule is evaluated in the job's IANA time zone (ScheduleExpressionTimezone). Across daylight saving changes a time the clocks skip is skipped, and a time they repeat runs once",
    source: `${SCHEDULER_TYPES}#time-zones`,
  },
  {
    feature: "scheduled-job.timeout",
    support: "full",
    note: "The schedule starts a Step Functions state machine that runs the task and waits (ecs:runTask.sync); its TimeoutSeconds stops the run. ECS itself has no run-time limit for a task",
    source: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-ecs.html",
  },
  {
    feature: "scheduled-job.retries",
    support: "full",
    note: "The state machine reads the application container's exit code and runs the task again after a non-zero exit, a timeout or a task that did not start, up to retries times. EventBridge Scheduler's own retry policy only covers delivering the start to Step Functions",
    source: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-retry-policy.html",
  },
  {
    feature: "scheduled-job.run-on-demand",
    support: "full",
    note: "`aws stepfunctions start-execution --state-machine-arn <arn>` (the job's runCommand output) runs it with the same timeout and retries",
    source: "https://docs.aws.amazon.com/cli/latest/reference/stepfunctions/start-execution.html",
  },
  { feature: "scheduled-job.read-only-root-filesystem", support: "full", note: "readonlyRootFilesystem in the container definition, with a writable /tmp", source: ECS_PARAMS },
  { feature: "scheduled-job.run-as-user", support: "full", note: "`user` in the container definition (uid or uid:gid)", source: ECS_PARAMS },
  {
    feature: "scheduled-job.private-registry",
    support: "full",
    note: "The registry's credentials in a Secrets Manager secret only the task's execution role can read (repositoryCredentials)",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html",
  },
];
