/**
 * How AWS bills a scheduled job's own resources: the Fargate time of its runs
 * (how often it runs comes from its schedule, how long from the usage's
 * `runMinutes`), the Step Functions state transitions of each run, and the
 * schedule's invocations. A worker is an ECS service, priced with the others.
 */
import { costLine, type PlannedResource, type ResourcePricer, scheduledJobRuns } from "@freehold/core";

/** The state transitions of one successful run: Start, Run, Exit code, Succeeded (each retry adds four more). */
export const TRANSITIONS_PER_RUN = 4;

/** The state machine: the Fargate time of the runs it starts, and its state transitions. */
export const stateMachine: ResourcePricer = (_r: PlannedResource, ctx) => {
  const job = scheduledJobRuns(ctx);
  if (!job) return [];
  const cpu = ctx.component?.size?.cpu ?? 0.25;
  const mem = ctx.component?.size?.memoryGiB ?? 0.5;
  const hours = (job.runs * job.minutes) / 60;
  const what = `${job.runs} runs a month x ${job.minutes} min`;
  return [
    costLine(`Fargate vCPU, ${what} x ${cpu} vCPU`, cpu * hours, ctx.prices.get("fargate.vcpu"), "usage"),
    costLine(`Fargate memory, ${what} x ${mem} GB`, mem * hours, ctx.prices.get("fargate.memory"), "usage"),
    costLine(`Step Functions state transitions, ${TRANSITIONS_PER_RUN} a run (free tier not deducted)`, (job.runs * TRANSITIONS_PER_RUN) / 1000, ctx.prices.get("states.transition"), "usage"),
  ];
};

/** The schedule: one invocation a run. */
export const schedule: ResourcePricer = (_r, ctx) => {
  const job = scheduledJobRuns(ctx);
  if (!job) return [];
  return [costLine(`EventBridge Scheduler invocations, ${job.runs} a month (14 million a month free, not deducted)`, job.runs / 1e6, ctx.prices.get("scheduler.invocation"), "usage")];
};

export const WORKLOAD_PRICED: Readonly<Record<string, ResourcePricer>> = {
  "aws:sfn/stateMachine:StateMachine": stateMachine,
  "aws:scheduler/schedule:Schedule": schedule,
};
