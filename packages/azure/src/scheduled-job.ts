/**
 * ScheduledJob -> a Container Apps job with a schedule trigger in the stack's
 * environment: each run is one replica, stopped after `replicaTimeout` and
 * started again up to `replicaRetryLimit` times when it fails
 * (https://learn.microsoft.com/azure/container-apps/jobs#job-settings); the
 * job gets a web service's identity, grants, Key Vault references and the
 * database CA file (web-service.ts `workloadAccess`). Container Apps reads the cron in UTC
 * only: cron.ts says when a time zone's schedule can be written there.
 */
import { degrade, type ScheduledJobRequest, type ScheduledJobResult } from "@freehold/core";
import { UnsupportedFeatureError } from "@freehold/model";
import * as app from "@pulumi/azure-native/app";
import type * as authorization from "@pulumi/azure-native/authorization";
import type * as keyvault from "@pulumi/azure-native/keyvault";
import type * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import type * as time from "@pulumiverse/time";
import { azureCron } from "./cron";
import { byRole, names } from "./naming";
import { type AzurePlatform, CONSUMPTION_PROFILE } from "./network";
import { pairCopy } from "./regions";
import { webServiceSize } from "./sizes";
import { vendorSettings } from "./vendor";
import { checkContainer, workloadAccess } from "./web-service";
import { container, registries } from "./worker";

export const SCHEDULED_JOB_SERVICE = "Azure Container Apps jobs";
export const SCHEDULED_JOB_ROLES = ["identity", "job"] as const;

/** The child resources of a ScheduledJob on Azure, by role. */
export interface ScheduledJobResources {
  identity: managedidentity.UserAssignedIdentity;
  job: app.Job;
  /** The wait between the grants and the job; only when the job has grants. */
  grantsWait?: time.Sleep;
  /** With `registry`: the registry password, in the stack's Key Vault. */
  registrySecret?: keyvault.Secret;
  /** One per link (and for the registry password): `<target>-access`; per linked store, `<target>-delegate`. */
  [grant: `${string}-access` | `${string}-delegate`]: authorization.RoleAssignment;
}

/** The UTC schedule the job runs on, refused (or degraded, where accepted) where UTC cannot keep the time zone's meaning. */
export function jobSchedule(req: Pick<ScheduledJobRequest, "name" | "spec" | "cron">): { expression: string; note: string } {
  const utc = azureCron(req.cron, req.spec.timeZone);
  if (utc.ok) return utc;
  // No single UTC schedule stands for it even at one of the zone's offsets: accepting the degradation cannot help.
  if (!utc.degraded) throw new UnsupportedFeatureError(req.name, "scheduled-job.time-zone", "azure", utc.reason, "Write the schedule in UTC (timeZone: UTC), or deploy this job to a cloud whose scheduler takes a time zone");
  degrade(req, "azure", "scheduled-job.time-zone", `${utc.reason}; accepted, it runs ${utc.degraded.note}`, "Write the schedule in UTC (timeZone: UTC)");
  return utc.degraded;
}

export function createScheduledJob(req: ScheduledJobRequest): ScheduledJobResult {
  const { name, spec } = req;
  const p = req.platform as AzurePlatform;
  checkContainer(req);
  const schedule = jobSchedule(req);
  const vendor = vendorSettings(name, spec.vendor, SCHEDULED_JOB_ROLES);
  const size = webServiceSize(req.size, name);
  const opts = { parent: req.parent };
  const access = workloadAccess(req, p, vendor, opts);
  const created = access.created as unknown as ScheduledJobResources;
  const jobName = names.containerApp(req.qualifiedName, p.stack.network?.azure ? p.stack.prefix : undefined);

  created.job = new app.Job(
    `${name}-job`,
    vendor("job", {
      resourceGroupName: p.resourceGroupName,
      location: p.location,
      tags: p.tags,
      jobName,
      environmentId: p.environment().id,
      workloadProfileName: CONSUMPTION_PROFILE,
      identity: { type: "UserAssigned", userAssignedIdentities: [access.identity.id] },
      configuration: {
        triggerType: "Schedule",
        scheduleTriggerConfig: { cronExpression: schedule.expression, parallelism: 1, replicaCompletionCount: 1 },
        replicaTimeout: spec.timeoutSeconds,
        replicaRetryLimit: spec.retries,
        secrets: access.secrets,
        ...registries(req),
      },
      template: { containers: [container(req, size, access)], ...(access.volumes.length ? { volumes: access.volumes } : {}) },
    }),
    // Its Key Vault references are read when a run starts: never before its grants apply.
    { ...opts, dependsOn: created.grantsWait ? [created.grantsWait] : [] },
  );

  return {
    runCommand: pulumi.interpolate`az containerapp job start --name ${jobName} --resource-group ${p.resourceGroupName}`,
    schedule: pulumi.output(`${schedule.expression} in UTC (${schedule.note}; Container Apps reads job schedules in UTC)`),
    resources: byRole(created),
    description: {
      service: SCHEDULED_JOB_SERVICE,
      size,
      details: {
        schedule: `${schedule.expression} UTC (${schedule.note})`,
        timeoutSeconds: spec.timeoutSeconds,
        retries: spec.retries,
        ingress: "none",
        workloadProfile: CONSUMPTION_PROFILE,
        ...(req.registry ? { registry: `${req.registry.server} (password in Key Vault)` } : {}),
      },
      ...(req.registry ? { dataLocations: pairCopy(p.location, "registry password (Key Vault replicates to the paired region)") } : {}),
    },
  };
}
