/**
 * Logs under a residency rule. Cloud Logging keeps a project's logs in its
 * `_Default` bucket, which is in the `global` location unless the
 * organisation set a default storage location before the project was made
 * (https://cloud.google.com/logging/docs/regionalized-logs). With `residency`
 * set, the stack's logs (its Cloud Run services and jobs, and its Cloud SQL
 * instances) are routed by a sink into a log bucket in the stack's region and
 * excluded from `_Default`, so they are stored only there. A deleted log
 * bucket keeps its id for 7 days
 * (https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.locations.buckets/delete),
 * so its id ends with a suffix generated with it, like a Cloud SQL instance's.
 */
import * as logging from "@pulumi/gcp/logging";
import * as pulumi from "@pulumi/pulumi";
import { nameSuffix } from "./generated";
import { names } from "./naming";
import type { GcpPlatform } from "./network";

/** Days the regional bucket keeps logs: Cloud Logging's default retention. */
export const LOG_RETENTION_DAYS = 30;

/** The Logging query that selects this stack's logs: its resources' names all start with the stack's prefix. */
export function stackLogFilter(prefix: string): string {
  const p = prefix.slice(0, 30);
  return [
    `(resource.type="cloud_run_revision" AND resource.labels.service_name=~"^${p}")`,
    `(resource.type="cloud_run_job" AND resource.labels.job_name=~"^${p}")`,
    `(resource.type="cloudsql_database" AND resource.labels.database_id=~":${p}")`,
  ].join(" OR ");
}

export interface LogRouting {
  bucket: logging.ProjectBucketConfig;
  sink: logging.ProjectSink;
  exclusion: logging.ProjectExclusion;
}

export function logRouting(platform: GcpPlatform): LogRouting {
  const opts = { parent: platform.parent };
  const p = platform.name;
  const filter = stackLogFilter(platform.stack.prefix);
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
  return { bucket, sink, exclusion };
}
