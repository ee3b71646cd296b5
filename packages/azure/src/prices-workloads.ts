/**
 * How Azure bills a scheduled job: Container Apps jobs are billed for the
 * vCPU and memory of their replicas while they run, at the active rate
 * (https://learn.microsoft.com/azure/container-apps/billing). How often it
 * runs comes from its schedule, how long from the usage's `runMinutes`.
 */
import { costLine, type ResourcePricer, scheduledJobRuns } from "@freehold/core";

export const containerAppsJob: ResourcePricer = (_r, ctx) => {
  const job = scheduledJobRuns(ctx);
  // A job billed per second of vCPU and memory only while an execution runs: the database's role job runs about
  // a minute at a deployment that changes the roles (0.25 vCPU, 0.5 GiB), under $0.01 a month: no line.
  if (!job) return [];
  const { runs, minutes } = job;
  const seconds = runs * minutes * 60;
  const cpu = ctx.component?.size?.cpu ?? 0.5;
  const mem = ctx.component?.size?.memoryGiB ?? 1;
  const what = `${runs} runs a month x ${minutes} min`;
  return [
    costLine(`vCPU, ${what} x ${cpu} vCPU, active (free grant not deducted)`, seconds * cpu, ctx.prices.get("aca.vcpu"), "usage"),
    costLine(`memory, ${what} x ${mem} GiB`, seconds * mem, ctx.prices.get("aca.memory"), "usage"),
  ];
};
