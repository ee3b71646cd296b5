/**
 * What Google Cloud supports of the neutral model, one row per feature in
 * core's FEATURES. `compare` and docs/gcp.md read this same table.
 */
import type { Capability } from "@freehold/core";
import { WORKLOAD_CAPABILITIES } from "./capabilities-workloads";

export const CAPABILITIES: readonly Capability[] = [
  {
    feature: "web-service.public-https",
    support: "full",
    note: "Cloud Run serves its *.run.app address over HTTPS only (HTTP is redirected); ingress all, open to every caller by turning the invoker IAM check off rather than granting allUsers, which domain-restricted sharing refuses",
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
    support: "full",
    note: "An external Application Load Balancer with a serverless NEG (global; regional, in the stack's region, under a residency rule) with a Google-managed Certificate Manager certificate validated by a DNS authorization, an SSL policy of TLS 1.2+ (MODERN), request logging, and HTTP redirected to HTTPS; the service keeps its run.app address until the certificate is active, then takes traffic only from the load balancer. A residency change that would move a served domain to the other kind of load balancer (a new address and certificate, the old one deleted) is refused, naming the steps, until the stack accepts it (freehold:acceptDomainMove). The load balancer has a fixed address, so the traffic record is an A record, which DNS accepts at a zone apex; it and the validation CNAME are outputs (dnsRecords). Cloud Run domain mappings are preview and not offered in europe-west2",
    source: "https://cloud.google.com/load-balancing/docs/https/setup-global-ext-https-serverless",
  },
  {
    feature: "web-service.private",
    support: "partial",
    note: "Ingress internal only, with the invoker check on: not reachable from the internet, over TLS (run.app answers HTTPS only). Cloud Run counts a call as internal only when it leaves its caller through the VPC with all traffic routed there (Direct VPC egress or a connector with all-traffic egress), and the caller needs roles/run.invoker and an ID token; Freehold's own services, workers and jobs send only private ranges through the VPC and are granted no invoker role, so none of them can call a private service without vendor settings (egress ALL_TRAFFIC) and a grant of your own",
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
    support: "full",
    note: "Instance-based billing (cpuIdle false): CPU allocated for each instance's whole life, not only during requests, and at least one instance always running",
    source: "https://cloud.google.com/run/docs/configuring/billing-settings",
  },
  {
    feature: "web-service.private-registry",
    support: "full",
    note: "Cloud Run pulls directly only from Artifact Registry and public Docker Hub and GitHub Container Registry images; any other or private registry goes through an Artifact Registry remote repository whose upstream password is kept in Secret Manager and read by the Artifact Registry service agent",
    source: "https://cloud.google.com/artifact-registry/docs/repositories/configure-remote-authentication",
  },
  {
    feature: "web-service.ip-allow-list",
    support: "partial",
    note: "A Cloud Armor security policy on the domain's load balancer allows only the listed ranges (10 to a rule) and refuses the rest with 403; the service then takes traffic only from the load balancer. Needs a domain: a service's run.app address has no Cloud Armor, so without one it is refused. $5 a month per policy, $1 per rule, $0.75 per million requests",
    source: "https://cloud.google.com/armor/docs/security-policy-overview",
  },
  {
    feature: "web-service.web-application-firewall",
    support: "partial",
    note: "Cloud Armor preconfigured WAF rules (OWASP Core Rule Set 3.3 at sensitivity 1: SQL injection, XSS, local and remote file inclusion, remote code execution, method enforcement, scanner detection, protocol attack, session fixation) deny matching requests with 403 on the domain's load balancer, which the service then takes traffic only from. Needs a domain: run.app has no Cloud Armor, so without one it is refused. $5 a month per policy, $1 per rule (ten with the default), $0.75 per million requests",
    source: "https://cloud.google.com/armor/docs/waf-rules",
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
    note: "No public IP; reached only through a Private Service Connect endpoint (an internal address in the stack's subnet), not VPC peering; TLS required (sslMode ENCRYPTED_ONLY) and verified: the server certificate comes from Google's shared CA and names the instance's DNS name, which a private zone in the network resolves to the endpoint (verify-full)",
    source: "https://cloud.google.com/sql/docs/postgres/configure-private-service-connect",
  },
  {
    feature: "database.backups-kept-on-delete",
    support: "partial",
    note: "retainBackupsOnDelete keeps the automated backups after the instance is deleted, each under the instance's retention setting, and a final backup is taken on deletion and kept 365 days, the longest Cloud SQL allows (not until you delete it); both are priced after a destroy",
    source: "https://cloud.google.com/sql/docs/postgres/backup-recovery/final-backup",
  },
  ...(
    [
      ["13", "2026-02-01"],
      ["14", "2027-02-01"],
      ["15", "2028-02-01"],
      ["16", "2029-02-01"],
      ["17", "2030-02-01"],
    ] as const
  ).map(
    ([v, end]): Capability => ({
      feature: `database.postgres-${v}`,
      support: "full",
      note: `POSTGRES_${v} on the Enterprise edition; regular support ends ${end}, after which Cloud SQL enrols the instance in extended support, charged per vCPU-hour on top of the instance (a line of the estimate once the date has passed)`,
      source: "https://cloud.google.com/sql/docs/postgres/db-versions",
      endOfSupport: end,
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
    note: "Lifecycle Delete rules: current objects under the prefix expireAfterDays after they were written (withState LIVE); on a versioned bucket, noncurrent versions under the prefix the same number of days after they became noncurrent",
    source: "https://cloud.google.com/storage/docs/lifecycle",
  },
  {
    feature: "object-store.cors",
    support: "full",
    note: "Bucket CORS configuration (origins, methods, max age), answering preflights for uploads with Content-Type and the other content headers",
    source: "https://cloud.google.com/storage/docs/cors-configurations",
  },
  {
    feature: "object-store.soft-delete",
    support: "full",
    note: "Soft delete keeps deleted objects recoverable for 7 days",
    source: "https://cloud.google.com/storage/docs/soft-delete",
  },
  {
    feature: "object-store.previous-versions-expire",
    support: "full",
    note: "A lifecycle Delete rule on noncurrent versions (daysSinceNoncurrentTime, withState ARCHIVED) deletes every previous version previousVersionsExpireAfterDays after it was replaced or deleted, beside the stack's own rules",
    source: "https://cloud.google.com/storage/docs/lifecycle",
  },
  ...WORKLOAD_CAPABILITIES,
];
