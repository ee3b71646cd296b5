/**
 * Logs under a residency rule. Cloud Logging keeps a project's logs in its
 * `_Default` bucket, which is in the `global` location unless the
 * organisation set a default storage location before the project was made
 * (https://cloud.google.com/logging/docs/regionalized-logs). With `residency`
 * set, the stack's logs (its Cloud Run services, jobs and worker pools, its Cloud SQL
 * instances, its subnet's flow logs and its load balancers' request logs) are
 * routed by a sink into a log bucket in the stack's region and excluded from
 * `_Default`, so they are stored only there; every resource that writes them
 * waits for the sink and the exclusion, so none of its logs, from its first
 * to its last, goes to `_Default`. A deleted log
 * bucket keeps its id for 7 days
 * (https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.locations.buckets/delete),
 * so its id ends with a suffix generated with it, like a Cloud SQL instance's.
 */
import * as logging from "@pulumi/gcp/logging";
import * as pulumi from "@pulumi/pulumi";
import { nameSuffix } from "./generated";
import { names, SQL_SUFFIX_LENGTH } from "./naming";
import type { GcpPlatform } from "./network";

/** Days the regional bucket keeps logs: Cloud Logging's default retention. */
export const LOG_RETENTION_DAYS = 30;

/**
 * What writes logs in a stack, by exact name: the sink and the exclusion
 * match these and nothing else, so a stack never routes or hides another
 * stack's logs (`shop-dev` and `shop-dev2` share a prefix, not a name).
 */
export interface LogSources {
  /** Cloud Run services (`cloud_run_revision`). */
  services: string[];
  /** Cloud Run jobs (`cloud_run_job`). */
  jobs: string[];
  /** Cloud Run worker pools (`cloud_run_worker_pool`, labelled `worker_pool_name`: the type gcloud's `run worker-pools logs` reads). */
  workerPools: string[];
  /** The fixed part of each Cloud SQL instance id (`cloudsql_database`, `<project>:<id>`; the id ends with a 4-character suffix). */
  sqlInstances: string[];
  /** Subnets whose VPC Flow Logs are the stack's (`gce_subnetwork`). */
  subnets: string[];
  /** Backend services of regional external Application Load Balancers (`http_external_regional_lb_rule`). */
  regionalBackends: string[];
  /** Backend services of global external Application Load Balancers (`http_load_balancer`). */
  globalBackends: string[];
}

export const emptyLogSources = (): LogSources => ({ services: [], jobs: [], workerPools: [], sqlInstances: [], subnets: [], regionalBackends: [], globalBackends: [] });

const anyOf = (field: string, values: readonly string[]) => `(${values.map((v) => `${field}="${v}"`).join(" OR ")})`;

/**
 * The Logging query that selects exactly this stack's logs
 * (https://cloud.google.com/logging/docs/view/logging-query-language), by the
 * resource labels of each type Freehold's resources log under: Cloud Run
 * (https://cloud.google.com/run/docs/logging; worker pools as the Google Cloud
 * SDK's `gcloud run worker-pools logs read` filters them), Cloud SQL
 * (https://cloud.google.com/sql/docs/postgres/logging), VPC Flow Logs
 * (https://cloud.google.com/vpc/docs/flow-logs), and the load balancers
 * (https://cloud.google.com/load-balancing/docs/https/https-logging-monitoring,
 * https://cloud.google.com/load-balancing/docs/https/https-reg-logging-monitoring).
 */
export function stackLogFilter(project: string, sources: LogSources): string {
  const parts: string[] = [];
  if (sources.services.length) parts.push(`(resource.type="cloud_run_revision" AND ${anyOf("resource.labels.service_name", sources.services)})`);
  if (sources.jobs.length) parts.push(`(resource.type="cloud_run_job" AND ${anyOf("resource.labels.job_name", sources.jobs)})`);
  if (sources.workerPools.length) parts.push(`(resource.type="cloud_run_worker_pool" AND ${anyOf("resource.labels.worker_pool_name", sources.workerPools)})`);
  for (const fixed of sources.sqlInstances) parts.push(`(resource.type="cloudsql_database" AND resource.labels.database_id=~"^${project}:${fixed}-[a-z0-9]{${SQL_SUFFIX_LENGTH}}$")`);
  if (sources.subnets.length) parts.push(`(resource.type="gce_subnetwork" AND ${anyOf("resource.labels.subnetwork_name", sources.subnets)})`);
  if (sources.regionalBackends.length) parts.push(`(resource.type="http_external_regional_lb_rule" AND ${anyOf("resource.labels.backend_target_name", sources.regionalBackends)})`);
  if (sources.globalBackends.length) parts.push(`(resource.type="http_load_balancer" AND ${anyOf("resource.labels.backend_service_name", sources.globalBackends)})`);
  // A stack whose components wrote nothing yet matches nothing.
  return parts.length ? parts.join(" OR ") : `logName="projects/${project}/logs/freehold-nothing"`;
}

export interface LogRouting {
  bucket: logging.ProjectBucketConfig;
  sink: logging.ProjectSink;
  exclusion: logging.ProjectExclusion;
  /** What a resource that logs waits for: it starts only once its logs go to the region, and is deleted before they stop. */
  before: pulumi.Resource[];
}

export function logRouting(platform: GcpPlatform): LogRouting {
  const opts = { parent: platform.parent };
  const p = platform.name;
  // The filter names every source of the stack: it is read once the program has registered its components (GcpPlatform.logs).
  const filter = pulumi.all([platform.info(), platform.logSourcesDone()]).apply(([info, sources]) => stackLogFilter(info.projectId ?? "", sources));
  const apis = [platform.api("logging")];
  const suffix = nameSuffix(`${p}-log-bucket-suffix`, 4, opts);
  const bucket = new logging.ProjectBucketConfig(
    `${p}-log-bucket`,
    {
      project: platform.info().apply((i) => i.projectId ?? ""),
      location: platform.region,
      bucketId: pulumi.interpolate`${names.network(platform.stack.prefix, "logs")}-${suffix.result}`,
      retentionDays: LOG_RETENTION_DAYS,
      description: `Logs of Freehold stack ${platform.stack.prefix}, kept in ${platform.region} (residency ${platform.stack.residency})`,
    },
    { ...opts, dependsOn: apis },
  );
  const sink = new logging.ProjectSink(
    `${p}-log-sink`,
    { name: names.network(platform.stack.prefix, "logs"), destination: pulumi.interpolate`logging.googleapis.com/${bucket.id}`, filter, description: "Routes this stack's logs to its regional log bucket" },
    opts,
  );
  // Only once the sink is in place are the logs taken out of _Default, so none is lost in between.
  const exclusion = new logging.ProjectExclusion(
    `${p}-log-exclusion`,
    { name: names.network(platform.stack.prefix, "logs-outside-region"), filter, description: "Keeps this stack's logs out of the _Default bucket (global): they are stored in its regional bucket" },
    { ...opts, dependsOn: [sink] },
  );
  return { bucket, sink, exclusion, before: [sink, exclusion] };
}
