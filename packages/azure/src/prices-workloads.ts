/**
 * How Azure bills a scheduled job: Container Apps jobs are billed for the
 * vCPU and memory of their replicas while they run, at the active rate
 * (https://learn.microsoft.com/azure/container-apps/billing). How often it
 * runs comes from its schedule, how long from the usage's `runMinutes`.
 */
import { costLine, type ResourcePricer } from "@freehold/core";
import { parseCron, runsPerMonth } from "@freehold/model";

export const containerAppsJob: ResourcePricer = (_r, ctx) => {
  const c = ctx.component;
  if (c?.spec.kind !== "scheduled-job") return [];
  const cron = parseCron(c.spec.schedule).cron;
  const runs = cron ? Math.round(runsPerMonth(cron) * 100) / 100 : 0;
  const minutes = ctx.usageOf({ name: c.name, kind: "scheduled-job" }).runMinutes;
  const seconds = runs * minutes * 60;
  const cpu = c.size?.cpu ?? 0.5;
  const mem = c.size?.memoryGiB ?? 1;
  const what = `${runs} runs a month x ${minutes} min`;
  return [
    costLine(`vCPU, ${what} x ${cpu} vCPU, active (free grant not deducted)`, seconds * cpu, ctx.prices.get("aca.vcpu"), "usage"),
    costLine(`memory, ${what} x ${mem} GiB`, seconds * mem, ctx.prices.get("aca.memory"), "usage"),
  ];
};
