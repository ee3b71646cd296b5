/**
 * Worker -> an Azure Container App with no ingress at all in the stack's
 * Container Apps environment: nothing can reach it (no address, not even
 * inside the environment), it gets a web service's identity, grants and Key
 * Vault references and the database CA file (web-service.ts `workloadAccess`), and a CPU scale rule
 * keeps its replicas' average CPU near 60% between the spec's bounds
 * (https://learn.microsoft.com/azure/container-apps/scale-app#cpu).
 */
import type { ScheduledJobRequest, WorkerRequest, WorkerResult } from "@freehold/core";
import * as app from "@pulumi/azure-native/app";
import type * as authorization from "@pulumi/azure-native/authorization";
import type * as keyvault from "@pulumi/azure-native/keyvault";
import type * as managedidentity from "@pulumi/azure-native/managedidentity";
import type * as inputs from "@pulumi/azure-native/types/input";
import type * as time from "@pulumiverse/time";
import { byRole, names } from "./naming";
import { type AzurePlatform, CONSUMPTION_PROFILE } from "./network";
import { pairCopy } from "./regions";
import { memoryString, webServiceSize } from "./sizes";
import { vendorSettings } from "./vendor";
import { checkContainer, REGISTRY_SECRET, workloadAccess } from "./web-service";

export const WORKER_SERVICE = "Azure Container Apps (no ingress)";
export const WORKER_ROLES = ["identity", "app"] as const;
/** The average CPU a worker's replicas are kept at. */
export const CPU_TARGET_PERCENT = 60;

/** The child resources of a Worker on Azure, by role. */
export interface WorkerResources {
  identity: managedidentity.UserAssignedIdentity;
  app: app.ContainerApp;
  /** The wait between the grants and the first revision; only when the worker has grants. */
  grantsWait?: time.Sleep;
  /** With `registry`: the registry password, in the stack's Key Vault. */
  registrySecret?: keyvault.Secret;
  /** One per link (and for the registry password): `<target>-access`; per linked store, `<target>-delegate`. */
  [grant: `${string}-access` | `${string}-delegate`]: authorization.RoleAssignment;
}

/** The container a worker or a job runs: its image, command, size, environment and mounts (the database CA file). */
export function container(
  req: WorkerRequest | ScheduledJobRequest,
  size: { cpu: number; memoryGiB: number },
  { env, volumeMounts }: { env: inputs.app.EnvironmentVarArgs[]; volumeMounts: inputs.app.VolumeMountArgs[] },
): inputs.app.ContainerArgs {
  const { spec } = req;
  return {
    name: "app",
    image: req.image,
    ...(spec.command ? { command: spec.command } : {}),
    ...(spec.args ? { args: spec.args } : {}),
    resources: { cpu: size.cpu, memory: memoryString(size.memoryGiB) },
    env,
    ...(volumeMounts.length ? { volumeMounts } : {}),
  };
}

/** A private registry's credentials (the password a Key Vault reference), as a configuration's `registries`. */
export const registries = (req: { registry?: { server: string; username: string } }): { registries?: inputs.app.RegistryCredentialsArgs[] } =>
  req.registry ? { registries: [{ server: req.registry.server, username: req.registry.username, passwordSecretRef: REGISTRY_SECRET }] } : {};

export function createWorker(req: WorkerRequest): WorkerResult {
  const { name, spec } = req;
  const p = req.platform as AzurePlatform;
  checkContainer(req);
  const vendor = vendorSettings(name, spec.vendor, WORKER_ROLES);
  const size = webServiceSize(req.size, name);
  const opts = { parent: req.parent };
  const access = workloadAccess(req, p, vendor, opts);
  const created = access.created as unknown as WorkerResources;
  const autoscale = spec.scaling.max > spec.scaling.min;
  const appName = names.containerApp(req.qualifiedName, p.stack.network?.azure ? p.stack.prefix : undefined);

  created.app = new app.ContainerApp(
    `${name}-app`,
    vendor("app", {
      resourceGroupName: p.resourceGroupName,
      location: p.location,
      tags: p.tags,
      containerAppName: appName,
      environmentId: p.environment().id,
      workloadProfileName: CONSUMPTION_PROFILE,
      identity: { type: "UserAssigned", userAssignedIdentities: [access.identity.id] },
      // No ingress: the app has no address and takes no connections, from the internet or from the environment.
      configuration: { activeRevisionsMode: "Single", secrets: access.secrets, ...registries(req) },
      template: {
        containers: [container(req, size, access)],
        ...(access.volumes.length ? { volumes: access.volumes } : {}),
        scale: {
          minReplicas: spec.scaling.min,
          maxReplicas: spec.scaling.max,
          ...(autoscale ? { rules: [{ name: "cpu", custom: { type: "cpu", metadata: { type: "Utilization", value: String(CPU_TARGET_PERCENT) } } }] } : {}),
        },
      },
    }),
    { ...opts, dependsOn: created.grantsWait ? [created.grantsWait] : [] },
  );

  return {
    resources: byRole(created),
    description: {
      service: WORKER_SERVICE,
      size,
      details: {
        ingress: "none: no address inside or outside the environment",
        workloadProfile: CONSUMPTION_PROFILE,
        minReplicas: spec.scaling.min,
        maxReplicas: spec.scaling.max,
        scaling: autoscale ? `CPU scale rule (${CPU_TARGET_PERCENT}% utilization)` : "fixed replica count",
        zoneRedundant: p.zonal,
        ...(req.registry ? { registry: `${req.registry.server} (password in Key Vault)` } : {}),
      },
      ...(req.registry ? { dataLocations: pairCopy(p.location, "registry password (Key Vault replicates to the paired region)") } : {}),
    },
  };
}
