/**
 * What Azure gives of the neutral model: one row per feature in core's FEATURES.
 * `compare` and docs/azure.md read this table. A "none" row is also an
 * UnsupportedFeatureError thrown when a spec asks for the feature.
 */
import type { Capability } from "@freehold/core";
import { WORKLOAD_CAPABILITIES } from "./capabilities-workloads";
import { WAF_REASON } from "./ingress";

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
    support: "full",
    note:
      "The hostname on the app's ingress with a free managed certificate, bound by the platform once issued (HTTPS only, TLS 1.2+); the certificate is created by the up after the one that puts the hostname on the app, so that a removal or a destroy deletes the app before it. dnsRecords lists the two records to create: TXT asuid.<domain> (the environment's verification id) and a CNAME to the app, or at a zone apex (domainZone; a <name>.service.gov.uk name by default) an A record to the environment's address. Create them before the up that adds the domain (docs/azure.md, 'Custom domains')",
    source: `${LEARN}/container-apps/custom-domains-managed-certificates`,
  },
  {
    feature: "web-service.private",
    support: "full",
    note: "Internal ingress: reachable only from apps in the stack's Container Apps environment (on the stack's virtual network), over HTTPS to the environment's ingress with peer-to-peer encryption on between apps, so the traffic is encrypted in transit",
    source: `${LEARN}/container-apps/networking#peer-to-peer-encryption`,
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
    support: "full",
    note: "The registry password is a Key Vault secret; the app pulls with it through a Key Vault reference its own identity reads (Key Vault Secrets User on that secret only)",
    source: "https://learn.microsoft.com/azure/container-apps/containers#container-registries",
  },
  {
    feature: "web-service.ip-allow-list",
    support: "partial",
    note:
      "Container Apps ingress IP restrictions: one Allow rule per IPv4 range, every other address refused. Container Apps takes IPv4 ranges only and the environment's public ingress has an IPv4 address only, so IPv6 ranges (which no request to it can come from) are left out; a list of IPv6 ranges only is refused",
    source: "https://learn.microsoft.com/azure/container-apps/ip-restrictions",
  },
  {
    feature: "web-service.web-application-firewall",
    support: "none",
    note: `Refused: ${WAF_REASON}`,
    source: "https://learn.microsoft.com/azure/container-apps/waf-app-gateway",
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
    feature: "database.backups-kept-on-delete",
    support: "partial",
    note:
      "Azure Backup long-term retention: a full backup a week in a Backup vault, each kept three months, which a removal or a destroy leaves in place (about $10 a month per database plus the vault's storage). Azure takes no final backup when a server is deleted, so the last days before it are only in the server's own backups, which go five days after the server",
    source: `${LEARN}/backup/backup-azure-database-postgresql-flex-overview`,
  },
  // Standard-support end dates: the extended-support page (updated 26 March 2026) for 13 and 14, which moved them
  // after the version-policy page's dates (31 March 2026 and 12 November 2026); the version policy for 15-17.
  {
    feature: "database.postgres-13",
    support: "partial",
    note: "Community support ended 13 November 2025 and Azure standard support 31 July 2026: servers are on paid extended support (security fixes only, until 12 November 2028). Upgrade to 16 or 17",
    source: `${LEARN}/postgresql/flexible-server/extended-support`,
    endOfSupport: "2026-07-31",
  },
  {
    feature: "database.postgres-14",
    support: "full",
    note: "PostgreSQL 14; Azure standard support ends 11 December 2026, then paid extended support",
    source: `${LEARN}/postgresql/flexible-server/extended-support`,
    endOfSupport: "2026-12-11",
  },
  { feature: "database.postgres-15", support: "full", note: "PostgreSQL 15; standard support until 11 November 2027", source: `${LEARN}/postgresql/flexible-server/concepts-version-policy`, endOfSupport: "2027-11-11" },
  { feature: "database.postgres-16", support: "full", note: "PostgreSQL 16; standard support until 9 November 2028", source: `${LEARN}/postgresql/flexible-server/concepts-version-policy`, endOfSupport: "2028-11-09" },
  { feature: "database.postgres-17", support: "full", note: "PostgreSQL 17; standard support until 8 November 2029", source: `${LEARN}/postgresql/flexible-server/concepts-version-policy`, endOfSupport: "2029-11-08" },
  {
    feature: "object-store.versioning",
    support: "full",
    note: "Blob versioning on the storage account's blob service",
    source: `${LEARN}/storage/blobs/versioning-overview`,
  },
  {
    feature: "object-store.lifecycle",
    support: "partial",
    note:
      "Block and append blobs under the prefix are deleted N days after they were last written. On a versioned store Azure ages a previous version from when it was written, not from when it became previous, and deletes a blob only after its previous versions: so previous versions go at twice the age (at least N days after becoming previous, up to N days later than that) and a current blob with previous versions can outlive N days by as much. Page blobs and snapshots are never expired",
    source: `${LEARN}/storage/blobs/lifecycle-management-policy-structure#action-run-conditions`,
  },
  {
    feature: "object-store.cors",
    support: "full",
    note: "CORS rules on the blob service (the account holds only this store's container, so the rules apply to it alone), any request header allowed so a PUT's preflight passes; at most 5 rules (more are refused)",
    source: "https://learn.microsoft.com/rest/api/storageservices/cross-origin-resource-sharing--cors--support-for-the-azure-storage-services",
  },
  {
    feature: "object-store.soft-delete",
    support: "full",
    note: "Blob and container soft delete, 7 days",
    source: `${LEARN}/storage/blobs/soft-delete-blob-overview`,
  },
  {
    feature: "object-store.previous-versions-expire",
    support: "partial",
    note:
      "A lifecycle rule deletes previous versions N days after they were created. Azure ages a previous version from when it was written, not from when it was replaced, so a version written more than N days before it was replaced goes within a day of becoming previous (blob soft delete then keeps it 7 more days); younger versions go N days after they were written",
    source: `${LEARN}/storage/blobs/lifecycle-management-policy-structure#action-run-conditions`,
  },
  ...WORKLOAD_CAPABILITIES,
];
