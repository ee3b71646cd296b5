/**
 * Worker -> a Cloud Run worker pool: a container with no endpoint at all (no
 * URL, no port, no ingress setting to get wrong, https://cloud.google.com/run/docs/deploy-worker-pools),
 * billed per instance for its whole life, with its own service account, a web
 * service's link grants, Secret Manager references and database CA file (web-service.ts), and
 * Direct VPC egress when it links a database.
 *
 * Why a worker pool and not a service without ingress: a Cloud Run service
 * must listen on a port (its startup probe and revision readiness are about
 * serving), which is the fake web port a worker should not need, and it scales
 * on requests a worker never gets. A worker pool with automatic scaling keeps
 * the instances' average CPU near 60% between its minimum and maximum
 * (https://cloud.google.com/run/docs/configuring/workerpools/cpu-autoscaling);
 * with min equal to max it is a fixed (manual) instance count.
 */
import { CREATE_FIRST, type ScheduledJobRequest, type WorkerRequest, type WorkerResult } from "@freehold/core";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import type * as pulumi from "@pulumi/pulumi";
import type { Sleep } from "@pulumiverse/time/sleep";
import { grantsSettled } from "./grants";
import { imageSource } from "./image";
import { claimAccountId, names } from "./naming";
import { type Api, type GcpPlatform, platformOf } from "./network";
import type { WebServiceResources } from "./resources";
import { cloudRunLimits, webServiceSize } from "./sizes";
import { vendorSettings, withVendor } from "./vendor";
import { assertContainerSupported, databaseCa, environment, grantLinks } from "./web-service";

export const WORKER_SERVICE = "Cloud Run worker pools";
export const WORKER_ROLES = ["workerPool", "serviceAccount", "repository"] as const;
/** The average CPU Cloud Run keeps a worker pool's instances at: its documented default target. */
export const CPU_TARGET_PERCENT = 60;

/** An image pulled through a remote repository, or with a private registry's credentials: as a web service's. */
export type ImageResources = Pick<WebServiceResources, "repository" | "registrySecret" | "registrySecretVersion" | "registryAgent" | "registryAgentSecretAccess" | "registryAgentAccessSettled">;

/** The child resources of a Worker on Google Cloud, by role. */
export type WorkerResources = ImageResources & {
  workerPool: cloudrunv2.WorkerPool;
  serviceAccount: serviceaccount.Account;
  /** The wait after the link grants, before the first revision (only with links). */
  grantsSettled?: Sleep;
  /** Link grants in link order, as a web service's. */
  [grant: `grant${number}`]: WebServiceResources[`grant${number}`];
};

/** The identity every container workload gets: one service account per component, holding only its links' grants. */
export function workloadAccount(
  req: Pick<WorkerRequest | ScheduledJobRequest, "name" | "qualifiedName" | "stack" | "parent">,
  platform: GcpPlatform,
  vendor: Record<string, Record<string, unknown>>,
  what: string,
  role = "serviceAccount",
  accountId = names.serviceAccount(req.stack.prefix, req.qualifiedName),
): serviceaccount.Account {
  return new serviceaccount.Account(
    `${req.name}-account`,
    withVendor<serviceaccount.AccountArgs>(
      { accountId: claimAccountId(platform, accountId, { component: req.qualifiedName, what: role === "serviceAccount" ? what : `${what} (${role})` }), displayName: `Freehold ${req.stack.prefix}/${req.qualifiedName}`, description: `Identity of one Freehold ${what}; holds only its links' grants` },
      vendor,
      role,
    ),
    { parent: req.parent, dependsOn: [platform.api("iam")] },
  );
}

/** The scaling block: automatic on CPU between the bounds, or a fixed count where they are equal. */
/**
 * Worker pools are GA (the provider's examples set no launch stage but for preview features); automatic (CPU)
 * scaling is documented as a preview feature, which the API accepts only at launch stage BETA
 * (https://cloud.google.com/run/docs/configuring/workerpools/cpu-autoscaling). A fixed-count pool stays GA, so an
 * organisation policy or a support contract that excludes preview features concerns only an autoscaled worker.
 */
export function workerLaunchStage(scaling: { min: number; max: number }): "GA" | "BETA" {
  return scaling.max > scaling.min ? "BETA" : "GA";
}

export function workerScaling(scaling: { min: number; max: number }): cloudrunv2.WorkerPoolArgs["scaling"] {
  return scaling.max > scaling.min ? { scalingMode: "AUTOMATIC", minInstanceCount: scaling.min, maxInstanceCount: scaling.max } : { scalingMode: "MANUAL", manualInstanceCount: scaling.min };
}

/**
 * What a worker pool and a job share, built the same way: the component's own account, its link grants and the wait
 * after them, its image source, Direct VPC egress where it links a database, its container (image, command, size,
 * environment), what its first run waits for, and its resources by role so far.
 */
export function workload(req: WorkerRequest | ScheduledJobRequest, what: string, roles: readonly string[]) {
  assertContainerSupported(req.name, req.spec);
  const platform = platformOf(req.platform);
  const vendor = vendorSettings(req.name, req.spec.vendor, roles);
  const spec = req.spec;
  const opts = { parent: req.parent };
  const size = webServiceSize(req.size, req.name);
  const linksDatabase = req.links.some((l) => l.kind === "database");
  const net = linksDatabase ? platform.network() : undefined;
  const account = workloadAccount(req, platform, vendor, what);
  const ca = databaseCa(req, platform);
  const links = grantLinks(req, account, platform, ca);
  const image = imageSource(req, platform, vendor);
  const settled = links.grants.length ? grantsSettled(`${req.name}-grants`, links.grants, opts) : undefined;
  const apis: Api[] = linksDatabase ? ["run", "compute"] : ["run"];
  const resources: Record<string, pulumi.Resource> = { serviceAccount: account, ...image.resources };
  links.grants.forEach((g, i) => {
    resources[`grant${i}`] = g;
  });
  if (settled) resources.grantsSettled = settled;
  return {
    platform,
    vendor,
    opts,
    size,
    account,
    resources,
    linksDatabase,
    vpcAccess: net ? { networkInterfaces: [{ network: net.network, subnetwork: net.subnetwork }], egress: "PRIVATE_RANGES_ONLY" } : undefined,
    // The linked databases' certificate authorities, as a web service's: a read-only file at DATABASE_CA_PATH.
    ...(ca ? { volumes: [ca.volume] } : {}),
    container: {
      image: image.image,
      ...(ca ? { volumeMounts: [ca.mount] } : {}),
      ...(spec.command ? { commands: spec.command } : {}),
      ...(spec.args ? { args: spec.args } : {}),
      resources: { limits: cloudRunLimits(size) },
      envs: environment(req),
    },
    // The first run starts only once its grants apply, Cloud Run's service agent is ready, its image source exists and its database role is there.
    dependsOn: [...platform.apisFor(...apis), platform.ready("run"), ...(settled ? [settled] : []), ...image.dependsOn, ...links.ready, ...(net ? net.egressDependsOn : [])],
  };
}

export function worker(req: WorkerRequest): WorkerResult {
  const spec = req.spec;
  const w = workload(req, "worker", WORKER_ROLES);
  const { platform, size, resources } = w;
  const name = names.cloudRunService(req.stack.prefix, req.qualifiedName);
  // Under a residency rule its logs stay in the region from the first line: the pool waits for the routing.
  const logged = platform.logs({ workerPools: [name] });
  resources.workerPool = new cloudrunv2.WorkerPool(
    `${req.name}-worker-pool`,
    withVendor<cloudrunv2.WorkerPoolArgs>(
      {
        name,
        location: platform.region,
        launchStage: workerLaunchStage(spec.scaling),
        // A worker holds no data: it can be replaced or destroyed freely.
        deletionProtection: false,
        labels: platform.labels,
        scaling: workerScaling(spec.scaling),
        template: { serviceAccount: w.account.email, vpcAccess: w.vpcAccess, ...(w.volumes ? { volumes: w.volumes } : {}), containers: [w.container] },
      },
      w.vendor,
      "workerPool",
    ),
    // Replaced only by a move to another region (its name is unique per region) or a rename: the new pool runs before the old one goes.
    { ...w.opts, ...CREATE_FIRST, dependsOn: [...w.dependsOn, ...logged] },
  );
  const linksDatabase = w.linksDatabase;
  return {
    resources,
    description: {
      service: WORKER_SERVICE,
      size,
      details: {
        ingress: "none: a worker pool has no endpoint",
        scaling: spec.scaling.max > spec.scaling.min ? `automatic, CPU target ${CPU_TARGET_PERCENT}%` : "manual (fixed instance count)",
        minInstances: spec.scaling.min,
        maxInstances: spec.scaling.max,
        billing: "instance-based (CPU allocated for each instance's whole life)",
        vpcEgress: linksDatabase ? "Direct VPC egress, private ranges only" : "none",
        serviceAccount: names.serviceAccount(req.stack.prefix, req.qualifiedName),
        ...(resources.repository ? { imageSource: "Artifact Registry remote repository" } : {}),
      },
      dataLocations: req.stack.residency === "none" ? [{ region: "global", use: "application logs (Cloud Logging's _Default bucket)" }] : [],
    },
  };
}
