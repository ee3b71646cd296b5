/**
 * How Google Cloud bills a worker and a scheduled job (https://cloud.google.com/run/pricing):
 * - a worker pool's instances at the instance-based (always allocated) vCPU and memory rates, for every hour they run;
 * - a Cloud Run job's task at the same rates while it runs: runs a month from its schedule times the usage's `runMinutes`;
 * - a Cloud Scheduler job: $0.10 per job per 31 days, whatever it runs (https://cloud.google.com/scheduler/pricing;
 *   3 jobs free per billing account, not deducted);
 * - what either writes to Cloud Logging, at the usage's `logGiB` (https://cloud.google.com/stackdriver/pricing), as for a service.
 */
import { type CostLine, costLine, type PricingContext, type ResourcePricer, scheduledJobRuns } from "@freehold/core";

export const workerPool: ResourcePricer = (_r, ctx) => {
  const c = ctx.component;
  if (c?.spec.kind !== "worker") return [];
  const usage = ctx.usageOf({ name: c.name, kind: "worker" });
  const instances = usage.averageInstances ?? c.spec.scaling.min;
  const cpu = c.size?.cpu ?? 1;
  const mem = c.size?.memoryGiB ?? 0.5;
  const seconds = instances * ctx.hours * 3600;
  return [
    costLine(`vCPU, ${instances} instance(s) x ${cpu} vCPU, always allocated (free tier not deducted)`, seconds * cpu, ctx.prices.get("run.vcpu.instance")),
    costLine(`memory, ${instances} instance(s) x ${mem} GiB`, seconds * mem, ctx.prices.get("run.memory.instance")),
    cloudLoggingLine(ctx, usage.logGiB),
  ];
};

/** A scheduled job's Cloud Run job (the database's one-off role job is not a scheduled job: no line). */
export const cloudRunJob: ResourcePricer = (_r, ctx) => {
  const job = scheduledJobRuns(ctx);
  if (!job) return [];
  const { runs, minutes } = job;
  const seconds = runs * minutes * 60;
  const cpu = ctx.component?.size?.cpu ?? 1;
  const mem = ctx.component?.size?.memoryGiB ?? 0.5;
  const what = `${runs} runs a month x ${minutes} min`;
  return [
    costLine(`vCPU, ${what} x ${cpu} vCPU`, seconds * cpu, ctx.prices.get("run.vcpu.instance"), "usage"),
    costLine(`memory, ${what} x ${mem} GiB`, seconds * mem, ctx.prices.get("run.memory.instance"), "usage"),
    cloudLoggingLine(ctx, job.logGiB),
  ];
};

export const schedulerJob: ResourcePricer = (_r, ctx) => [costLine("Cloud Scheduler job (3 a billing account free, not deducted)", 1, ctx.prices.get("scheduler.job"))];

/** The log volume a service, a worker or a job writes to Cloud Logging (the project's 50 GiB monthly allotment not deducted). */
export function cloudLoggingLine(ctx: PricingContext, logGiB: number): CostLine {
  return costLine("Cloud Logging ingestion (the project's 50 GiB monthly allotment not deducted)", logGiB, ctx.prices.get("logging.ingest"), "usage");
}

const FREE = "no charge of its own";

export const WORKLOAD_PRICED: Record<string, ResourcePricer> = {
  "gcp:cloudrunv2/workerPool:WorkerPool": workerPool,
  "gcp:cloudrunv2/job:Job": cloudRunJob,
  "gcp:cloudscheduler/job:Job": schedulerJob,
};

export const WORKLOAD_FREE: Record<string, string> = {
  "gcp:cloudrunv2/jobIamMember:JobIamMember": `${FREE}: an IAM grant (IAM is free)`,
};
