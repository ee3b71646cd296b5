/**
 * Azure's rules for a scheduled job: a Container Apps job (azure.ts spreads
 * them into its table; a worker is a container app, whose rule is azure.ts's).
 * Written from the Microsoft.App/jobs template reference and the Container
 * Apps jobs documentation, linked.
 */
import type { CloudObject, TypeRule } from "../types";
import { nameCheck, noDoubleHyphen } from "./common";

const LEARN = "https://learn.microsoft.com/azure";
const DOC = {
  names: `${LEARN}/azure-resource-manager/management/resource-name-rules#microsoftapp`,
  jobs: `${LEARN}/container-apps/jobs`,
  jobSettings: `${LEARN}/container-apps/jobs#job-settings`,
  scheduled: `${LEARN}/container-apps/jobs#scheduled-jobs`,
  template: `${LEARN}/templates/microsoft.app/jobs`,
  secrets: `${LEARN}/container-apps/manage-secrets#reference-secret-from-key-vault`,
} as const;

export const CONTAINER_APPS_JOB = "azure-native:app:Job";

/** A job's configuration: a schedule trigger carries a 5-field cron (read in UTC), and a replica timeout. */
function jobConfigurationProblem(v: unknown): string | undefined {
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

export const AZURE_WORKLOAD_RULES: Record<string, TypeRule> = {
  [CONTAINER_APPS_JOB]: {
    title: "Container Apps job",
    source: DOC.jobs,
    identity: { field: "jobName", scope: { within: "resourceGroupName" }, source: DOC.names },
    checks: [
      // Microsoft.App/jobs: 2-32 lowercase letters, digits and hyphens; starts with a letter, ends with a letter or digit; no "--".
      nameCheck("jobName", 2, 32, /^[a-z][a-z0-9-]*[a-z0-9]$/, DOC.names, noDoubleHyphen),
      { path: "configuration", source: DOC.jobSettings, test: jobConfigurationProblem },
    ],
    replaceOn: [
      { path: "jobName", source: DOC.names },
      { path: "resourceGroupName", source: DOC.template },
      { path: "location", source: DOC.template },
      // A job belongs to one environment for life.
      { path: "environmentId", source: DOC.template },
    ],
    readsThroughGrants: {
      when: (obj: CloudObject) => JSON.stringify((obj.inputs.configuration as { secrets?: unknown } | undefined)?.secrets ?? []).includes("keyVaultUrl"),
      source: DOC.secrets,
    },
    notes: [`a schedule trigger's cron is read in UTC ([source](${DOC.scheduled}))`],
  },
};
