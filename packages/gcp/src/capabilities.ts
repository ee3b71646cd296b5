/**
 * What Google Cloud supports of the neutral model, one row per feature in
 * core's FEATURES. `compare` and docs/gcp.md read this same table.
 */
import type { Capability } from "@freehold/core";

export const CAPABILITIES: readonly Capability[] = [
  {
    feature: "web-service.public-https",
    support: "full",
    note: "Cloud Run serves its *.run.app address over HTTPS only (HTTP is redirected); ingress all with roles/run.invoker for allUsers",
    source: "https://cloud.google.com/run/docs/triggering/https-request",
  },
  {
    feature: "web-service.https-without-domain",
    support: "full",
    note: "Every Cloud Run service gets a Google-managed https://<service>-<project-number>.<region>.run.app address and certificate",
    source: "https://cloud.google.com/run/docs/triggering/https-request",
  },
  {
    feature: "web-service.custom-domain",
    support: "none",
    note: "Not implemented by the gcp backend yet: it needs a global external Application Load Balancer (serverless NEG, managed certificate), and Cloud Run domain mappings are preview and not in every region",
    source: "https://cloud.google.com/run/docs/mapping-custom-domains",
  },
  {
    feature: "web-service.private",
    support: "full",
    note: "Ingress internal only: reachable from the stack's VPC (and Google services in the project), not from the internet; callers also need roles/run.invoker and an ID token, and must route to run.app through the VPC",
    source: "https://cloud.google.com/run/docs/securing/ingress",
  },
  {
    feature: "web-service.scale-to-zero",
    support: "full",
    note: "Cloud Run scales to zero when minInstanceCount is 0 (cold starts on the first request)",
    source: "https://cloud.google.com/run/docs/configuring/min-instances",
  },
  {
    feature: "web-service.autoscaling",
    support: "full",
    note: "Cloud Run scales on concurrent requests and CPU between minInstanceCount and maxInstanceCount",
    source: "https://cloud.google.com/run/docs/about-instance-autoscaling",
  },
  {
    feature: "web-service.read-only-root-filesystem",
    support: "none",
    note: "Cloud Run gives every container a writable in-memory filesystem with no read-only setting; set writableRootFilesystem: true, or accept the degradation (acceptDegraded), to deploy on gcp",
    source: "https://cloud.google.com/run/docs/container-contract#filesystem",
  },
  {
    feature: "web-service.run-as-user",
    support: "none",
    note: "Cloud Run runs the image's USER and has no setting to override the uid: set USER in the image, or accept the degradation (acceptDegraded)",
    source: "https://cloud.google.com/run/docs/container-contract",
  },
  {
    feature: "web-service.background",
    support: "none",
    note: "not built yet: CPU is allocated only while a request is in flight (cpuIdle), so work between requests gets almost no CPU",
    source: "https://cloud.google.com/run/docs/configuring/billing-settings",
  },
  {
    feature: "web-service.private-registry",
    support: "none",
    note: "not built yet: Cloud Run pulls from Artifact Registry and public registries only; no remote repository with credentials is created",
    source: "https://cloud.google.com/run/docs/deploying#images",
  },
  {
    feature: "database.high-availability",
    support: "full",
    note: "availabilityType REGIONAL: a standby in another zone with automatic failover (99.95% SLA for Enterprise edition); requires point-in-time recovery, which is then enabled",
    source: "https://cloud.google.com/sql/docs/postgres/high-availability",
  },
  {
    feature: "database.point-in-time-recovery",
    support: "full",
    note: "Point-in-time recovery with transaction logs kept for up to 7 days (Enterprise edition), within the backup retention",
    source: "https://cloud.google.com/sql/docs/postgres/backup-recovery/pitr",
  },
  {
    feature: "database.private-network",
    support: "full",
    note: "Private IP only through private services access (VPC peering); no public IPv4; TLS required (sslMode ENCRYPTED_ONLY)",
    source: "https://cloud.google.com/sql/docs/postgres/configure-private-services-access",
  },
  ...(["13", "14", "15", "16", "17"] as const).map(
    (v): Capability => ({
      feature: `database.postgres-${v}`,
      support: "full",
      note: `POSTGRES_${v} on the Enterprise edition`,
      source: "https://cloud.google.com/sql/docs/db-versions",
    }),
  ),
  {
    feature: "object-store.versioning",
    support: "full",
    note: "Object versioning keeps noncurrent versions of overwritten and deleted objects",
    source: "https://cloud.google.com/storage/docs/object-versioning",
  },
  {
    feature: "object-store.lifecycle",
    support: "full",
    note: "Lifecycle Delete rules with age and matchesPrefix conditions",
    source: "https://cloud.google.com/storage/docs/lifecycle",
  },
  {
    feature: "object-store.cors",
    support: "full",
    note: "Bucket CORS configuration (origins, methods, max age)",
    source: "https://cloud.google.com/storage/docs/cors-configurations",
  },
  {
    feature: "object-store.soft-delete",
    support: "full",
    note: "Soft delete keeps deleted objects recoverable for 7 days",
    source: "https://cloud.google.com/storage/docs/soft-delete",
  },
];
