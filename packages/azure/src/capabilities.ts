/**
 * What Azure gives of the neutral model: one row per feature in core's FEATURES.
 * `compare` and docs/azure.md read this table. A "none" row is also an
 * UnsupportedFeatureError thrown when a spec asks for the feature.
 */
import type { Capability } from "@freehold/core";

const LEARN = "https://learn.microsoft.com/azure";

export const CAPABILITIES: readonly Capability[] = [
  {
    feature: "web-service.public-https",
    support: "full",
    note: "External ingress with allowInsecure false: HTTPS on 443 with a managed certificate; plain HTTP is redirected to HTTPS",
    source: `${LEARN}/container-apps/ingress-overview`,
  },
  {
    feature: "web-service.https-without-domain",
    support: "full",
    note: "Every app gets https://<app>.<environment>.<region>.azurecontainerapps.io with a Microsoft-managed certificate",
    source: `${LEARN}/container-apps/ingress-overview`,
  },
  {
    feature: "web-service.custom-domain",
    support: "none",
    note: "A managed certificate is issued only after the DNS records exist and the hostname is bound, a second step after deployment; Freehold refuses domain on Azure rather than deploy without it (bind with `az containerapp hostname bind`)",
    source: `${LEARN}/container-apps/custom-domains-managed-certificates`,
  },
  {
    feature: "web-service.private",
    support: "full",
    note: "Internal ingress: reachable only from apps in the stack's Container Apps environment (on the stack's virtual network)",
    source: `${LEARN}/container-apps/ingress-overview`,
  },
  {
    feature: "web-service.scale-to-zero",
    support: "full",
    note: "minReplicas 0; the first request after idle waits for a cold start",
    source: `${LEARN}/container-apps/scale-app`,
  },
  {
    feature: "web-service.autoscaling",
    support: "full",
    note: "KEDA HTTP scaling between minReplicas and maxReplicas (default rule: 10 concurrent requests per replica)",
    source: `${LEARN}/container-apps/scale-app`,
  },
  {
    feature: "web-service.read-only-root-filesystem",
    support: "none",
    note: "Container Apps has no read-only root filesystem setting; set writableRootFilesystem: true, or accept the degradation (acceptDegraded), to deploy on Azure",
    source: `${LEARN}/container-apps/containers`,
  },
  {
    feature: "web-service.run-as-user",
    support: "none",
    note: "Container Apps runs the image's user; there is no setting to override it: set USER in the image, or accept the degradation (acceptDegraded)",
    source: `${LEARN}/container-apps/containers`,
  },
  {
    feature: "web-service.background",
    support: "full",
    note: "a Container Apps replica keeps its CPU between requests, and the app never runs fewer than scaling.min (at least 1) replicas",
    source: "https://learn.microsoft.com/azure/container-apps/billing",
  },
  {
    feature: "web-service.private-registry",
    support: "none",
    note: "not built yet: no registry credentials are set on the app, so only public images can be pulled",
    source: "https://learn.microsoft.com/azure/container-apps/containers#container-registries",
  },
  {
    feature: "database.high-availability",
    support: "full",
    note: "Zone-redundant HA (standby in another zone, automatic failover) in regions with zones (uksouth); not on Burstable SKUs, so a General Purpose SKU is chosen. ukwest has no zones: refused there",
    source: `${LEARN}/postgresql/flexible-server/concepts-high-availability`,
  },
  {
    feature: "database.point-in-time-recovery",
    support: "full",
    note: "Always on: restore to any second within the backup retention (7-35 days)",
    source: `${LEARN}/postgresql/flexible-server/concepts-backup-restore`,
  },
  {
    feature: "database.private-network",
    support: "full",
    note: "VNet integration: a subnet delegated to the server and a private DNS zone; public network access disabled",
    source: `${LEARN}/postgresql/flexible-server/concepts-networking-private`,
  },
  {
    feature: "database.postgres-13",
    support: "partial",
    note: "Available, but community and Azure standard support ended (13 November 2025); Azure moves it to paid extended support",
    source: `${LEARN}/postgresql/flexible-server/concepts-version-policy`,
  },
  { feature: "database.postgres-14", support: "full", note: "PostgreSQL 14", source: `${LEARN}/postgresql/flexible-server/concepts-supported-versions` },
  { feature: "database.postgres-15", support: "full", note: "PostgreSQL 15", source: `${LEARN}/postgresql/flexible-server/concepts-supported-versions` },
  { feature: "database.postgres-16", support: "full", note: "PostgreSQL 16", source: `${LEARN}/postgresql/flexible-server/concepts-supported-versions` },
  { feature: "database.postgres-17", support: "full", note: "PostgreSQL 17", source: `${LEARN}/postgresql/flexible-server/concepts-supported-versions` },
  {
    feature: "object-store.versioning",
    support: "full",
    note: "Blob versioning on the storage account's blob service",
    source: `${LEARN}/storage/blobs/versioning-overview`,
  },
  {
    feature: "object-store.lifecycle",
    support: "full",
    note: "Lifecycle management policy: delete blobs (and their old versions) older than N days under a prefix",
    source: `${LEARN}/storage/blobs/lifecycle-management-overview`,
  },
  {
    feature: "object-store.cors",
    support: "full",
    note: "CORS rules on the blob service (the account holds only this store's container, so the rules apply to it alone)",
    source: "https://learn.microsoft.com/rest/api/storageservices/cross-origin-resource-sharing--cors--support-for-the-azure-storage-services",
  },
  {
    feature: "object-store.soft-delete",
    support: "full",
    note: "Blob and container soft delete, 7 days",
    source: `${LEARN}/storage/blobs/soft-delete-blob-overview`,
  },
];
