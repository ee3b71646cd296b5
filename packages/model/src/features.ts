import type { Component } from "./types";

/** A neutral feature id, e.g. `web-service.scale-to-zero`. */
export type FeatureId = keyof typeof FEATURES;

/**
 * Neutral features of the model. Each backend's capability table has one row
 * per feature; `compare` lists the features a stack uses that a cloud lacks.
 */
export const FEATURES = {
  "web-service.public-https": "Public service over HTTPS only",
  "web-service.https-without-domain": "Public HTTPS on the cloud's own address, without a custom domain",
  "web-service.custom-domain": "Custom domain with a managed certificate",
  "web-service.private": "Private service reachable only inside the stack's network",
  "web-service.scale-to-zero": "Scale to zero instances (scaling.min = 0)",
  "web-service.autoscaling": "Autoscaling between scaling.min and scaling.max",
  "web-service.read-only-root-filesystem": "Read-only root filesystem",
  "web-service.run-as-user": "Run the container as a given uid",
  "web-service.background": "Works between requests: CPU always allocated, never scaled to zero",
  "web-service.private-registry": "Pulls its image from a private registry with credentials kept as a secret",
  "web-service.ip-allow-list": "Only listed address ranges reach a public service (ipAllowList)",
  "web-service.web-application-firewall": "Web application firewall with managed rules for common attacks",
  "worker.no-ingress": "Takes no connections at all: no load balancer, no address, no open port",
  "worker.autoscaling": "Scales on CPU between scaling.min and scaling.max",
  "worker.read-only-root-filesystem": "Read-only root filesystem",
  "worker.run-as-user": "Run the container as a given uid",
  "worker.private-registry": "Pulls its image from a private registry with credentials kept as a secret",
  "scheduled-job.cron": "Any standard 5-field cron expression as its schedule",
  "scheduled-job.time-zone": "Runs at the schedule's local time in its time zone, daylight saving included",
  "scheduled-job.timeout": "A run still going after timeoutSeconds is stopped and counts as failed",
  "scheduled-job.retries": "A failed run (non-zero exit, timeout, not started) runs again, up to retries times",
  "scheduled-job.run-on-demand": "Runs on demand, outside the schedule, with one command",
  "scheduled-job.read-only-root-filesystem": "Read-only root filesystem",
  "scheduled-job.run-as-user": "Run the container as a given uid",
  "scheduled-job.private-registry": "Pulls its image from a private registry with credentials kept as a secret",
  "database.high-availability": "Standby in another zone with automatic failover",
  "database.point-in-time-recovery": "Point-in-time recovery",
  "database.private-network": "Database reachable only on private networking",
  "database.backups-kept-on-delete": "A final backup kept after the database is deleted",
  "database.postgres-13": "PostgreSQL 13",
  "database.postgres-14": "PostgreSQL 14",
  "database.postgres-15": "PostgreSQL 15",
  "database.postgres-16": "PostgreSQL 16",
  "database.postgres-17": "PostgreSQL 17",
  "object-store.versioning": "Object versioning",
  "object-store.lifecycle": "Expire objects by prefix and age",
  "object-store.cors": "CORS rules",
  "object-store.soft-delete": "Recover deleted objects for a period",
  "object-store.previous-versions-expire": "Previous versions deleted a set number of days after they were replaced",
} as const satisfies Record<string, string>;

export const FEATURE_IDS = Object.keys(FEATURES) as FeatureId[];

/**
 * Features a component gets where the cloud has them because of a default the
 * user did not write (an unset `writableRootFilesystem`: read-only where the cloud
 * can). A cloud without one gives less, and plans show the difference; it never refuses.
 */
export function featuresPreferred(spec: Component): FeatureId[] {
  if (spec.kind !== "web-service" && spec.kind !== "worker" && spec.kind !== "scheduled-job") return [];
  return spec.writableRootFilesystem === undefined ? [`${spec.kind}.read-only-root-filesystem`] : [];
}

/** A time zone that is UTC under another name: a schedule in it needs no time zone support. */
export const isUtc = (zone: string): boolean => zone === "UTC" || zone === "Etc/UTC";

/** The features one component spec uses: what the user asked for, which a cloud either gives or refuses. */
export function featuresUsed(spec: Component): FeatureId[] {
  const f: FeatureId[] = [];
  switch (spec.kind) {
    case "web-service":
      if (spec.public) f.push("web-service.public-https", spec.domain ? "web-service.custom-domain" : "web-service.https-without-domain");
      else f.push("web-service.private");
      if (spec.scaling.min === 0) f.push("web-service.scale-to-zero");
      if (spec.scaling.max > spec.scaling.min) f.push("web-service.autoscaling");
      if (spec.writableRootFilesystem === false) f.push("web-service.read-only-root-filesystem");
      if (spec.user) f.push("web-service.run-as-user");
      if (spec.background) f.push("web-service.background");
      if (spec.registry) f.push("web-service.private-registry");
      if (spec.ipAllowList) f.push("web-service.ip-allow-list");
      if (spec.webApplicationFirewall) f.push("web-service.web-application-firewall");
      break;
    case "worker":
      f.push("worker.no-ingress");
      if (spec.scaling.max > spec.scaling.min) f.push("worker.autoscaling");
      if (spec.writableRootFilesystem === false) f.push("worker.read-only-root-filesystem");
      if (spec.user) f.push("worker.run-as-user");
      if (spec.registry) f.push("worker.private-registry");
      break;
    case "scheduled-job":
      f.push("scheduled-job.cron", "scheduled-job.timeout", "scheduled-job.run-on-demand");
      if (!isUtc(spec.timeZone)) f.push("scheduled-job.time-zone");
      if (spec.retries > 0) f.push("scheduled-job.retries");
      if (spec.writableRootFilesystem === false) f.push("scheduled-job.read-only-root-filesystem");
      if (spec.user) f.push("scheduled-job.run-as-user");
      if (spec.registry) f.push("scheduled-job.private-registry");
      break;
    case "database":
      f.push("database.private-network", `database.postgres-${spec.version}`);
      if (spec.highAvailability) f.push("database.high-availability");
      if (spec.backups.pointInTimeRecovery) f.push("database.point-in-time-recovery");
      if (spec.backups.keepOnDelete) f.push("database.backups-kept-on-delete");
      break;
    case "object-store":
      if (spec.versioning) f.push("object-store.versioning", "object-store.previous-versions-expire");
      if (spec.lifecycle.length) f.push("object-store.lifecycle");
      if (spec.cors.length) f.push("object-store.cors");
      f.push("object-store.soft-delete");
      break;
  }
  return f;
}
