/**
 * Azure's check of a scheduled job's configuration: a Container Apps job's
 * trigger, cron and replica limits (azure.ts's Container Apps job entry runs
 * it beside its own checks; a worker is a container app, whose rule is
 * azure.ts's). Written from the Container Apps jobs documentation, linked.
 */

const LEARN = "https://learn.microsoft.com/azure";
export const JOB_DOC = {
  jobSettings: `${LEARN}/container-apps/jobs#job-settings`,
  scheduled: `${LEARN}/container-apps/jobs#scheduled-jobs`,
} as const;

/** A job's configuration: a schedule trigger carries a 5-field cron (read in UTC), and a replica timeout. */
export function jobConfigurationProblem(v: unknown): string | undefined {
  const c = (v ?? {}) as { triggerType?: unknown; scheduleTriggerConfig?: { cronExpression?: unknown }; replicaTimeout?: unknown; replicaRetryLimit?: unknown };
  if (typeof c.replicaTimeout !== "number" || c.replicaTimeout < 1) return "replicaTimeout is required (seconds a replica may run)";
  if (c.triggerType === "Schedule") {
    const cron = c.scheduleTriggerConfig?.cronExpression;
    if (typeof cron !== "string") return "a Schedule trigger needs scheduleTriggerConfig.cronExpression";
    if (cron.trim().split(/\s+/).length !== 5) return `cronExpression "${cron}" is not five cron fields`;
  }
  if (typeof c.replicaRetryLimit === "number" && c.replicaRetryLimit < 0) return "replicaRetryLimit must not be negative";
  return undefined;
}
