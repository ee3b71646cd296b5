/**
 * How Azure bills what the Azure backend creates: one rule per resource type,
 * priced from the region's lines in price-table.ts (each with its source), the
 * Container Apps free grant, and the published SLAs. A resource type that costs
 * nothing of its own is listed in FREE with the reason; docs/costs.md says how
 * to add a priced line.
 */
import { type Availability, type BackendPricing, costLine, inputs, type Price, type PricingContext, type ResourcePricer, RegionPrices, round, type Source } from "@freehold/core";
import type { Component, ComponentKind } from "@freehold/model";
import { PRICE_API } from "./price-catalog";
import { PRICE_TABLE } from "./price-table";
import { containerAppsJob } from "./prices-workloads";
import { KEPT_BACKUP } from "./backup";
import { postgresSku } from "./sizes";

const reference = new RegionPrices(PRICE_TABLE, PRICE_TABLE.referenceRegion);
const { str, num, obj } = inputs;

/** Reference-region prices migration reads. */
export const PRICES = {
  egress: reference.get("egress.internet"),
} satisfies Record<string, Price>;

/** Free monthly grant per subscription (not deducted from per-service estimates: it is shared). */
export const CONTAINER_APPS_FREE_GRANT = {
  vcpuSeconds: 180_000,
  gibSeconds: 360_000,
  requestsMillions: 2,
  source: { name: 'Microsoft Learn, "Billing in Azure Container Apps"', date: "2026-09-06", url: "https://learn.microsoft.com/azure/container-apps/billing" } satisfies Source,
};
export const FREE_EGRESS_GIB = 100;

/** Hourly price of a flexible server SKU (one node) in a region. */
export function postgresHourly(prices: RegionPrices, skuName: string): Price {
  if (skuName.startsWith("Standard_B")) return prices.get(`pg.${skuName}`);
  const s = postgresSku(skuName);
  if (!s) throw new Error(`no price for PostgreSQL SKU ${skuName}`);
  const vcore = prices.get(s.tier === "MemoryOptimized" ? "pg.memoryOptimized.vcore" : "pg.generalPurpose.vcore");
  return { usd: round(vcore.usd * s.cpu, 4), unit: "hour", source: vcore.source };
}


/** A container app: its minimum replicas always active, its requests, and (external ingress) the internet egress of its responses. */
const containerApp: ResourcePricer = (r, ctx) => {
  const c = ctx.component;
  if (c?.spec.kind !== "web-service" && c?.spec.kind !== "worker") return [];
  const u = c.spec.kind === "web-service" ? ctx.usageOf({ name: c.name, kind: "web-service" }) : { ...ctx.usageOf({ name: c.name, kind: "worker" }), requestsMillions: 0, egressGiB: 0 };
  const replicas = u.averageInstances ?? c.spec.scaling.min;
  const cpu = c.size?.cpu ?? 0.5;
  const mem = c.size?.memoryGiB ?? 1;
  const seconds = ctx.hours * 3600 * replicas;
  const lines = [
    costLine(`vCPU, ${replicas} replica(s) x ${cpu} vCPU, always active (free grant not deducted)`, seconds * cpu, ctx.prices.get("aca.vcpu")),
    costLine(`memory, ${replicas} replica(s) x ${mem} GiB`, seconds * mem, ctx.prices.get("aca.memory")),
  ];
  // A worker has no ingress: no requests, no egress of responses.
  if (c.spec.kind === "web-service") lines.push(costLine("requests", u.requestsMillions, ctx.prices.get("aca.requests"), "usage"));
  if (obj(obj(r.inputs.configuration).ingress).external === true) lines.push(costLine("internet egress (the stack's first 100 GB a month are free, not deducted here)", u.egressGiB, ctx.prices.get("egress.internet"), "usage"));
  return lines;
};

/**
 * Storage auto-grow on a flexible server grows the disk to the next size step
 * (the provisioned sizes double: 32, 64, 128 ... GiB) when it is 90% full
 * (https://learn.microsoft.com/azure/postgresql/flexible-server/how-to-auto-grow-storage-portal),
 * and the price grows with it.
 */
export function autoGrownStorage(provisioned: number, dataGiB: number): number {
  let size = provisioned;
  while (dataGiB > size * 0.9 && size < 32768) size *= 2;
  return size;
}

/**
 * A flexible server: compute, storage (after auto-grow), and with high availability the standby's compute and
 * storage. The storage line says what auto-grow does to the price, grown or not: the estimate and `compare` show it.
 */
const postgresServer: ResourcePricer = (r, ctx) => {
  const sku = str(obj(r.inputs.sku).name) ?? "";
  const storage = obj(r.inputs.storage);
  const provisioned = num(storage.storageSizeGB) ?? 32;
  const c = ctx.component;
  const u = c ? ctx.usageOf({ name: c.name, kind: "database" }) : { dataGiB: 0, storageGrowthGiB: 0, logGiB: 0 };
  const autoGrow = storage.autoGrow === "Enabled";
  const size = autoGrow ? autoGrownStorage(provisioned, u.dataGiB + u.storageGrowthGiB * ctx.usage.months) : provisioned;
  const grown = size > provisioned;
  const standby = str(obj(r.inputs.highAvailability).mode) === "ZoneRedundant" || str(obj(r.inputs.highAvailability).mode) === "SameZone";
  const hourly = postgresHourly(ctx.prices, sku);
  const growth = autoGrow ? `auto-grow doubles the disk and its price each time it is 90% full, and it never shrinks${standby ? "; the standby's disk grows with it" : ""}` : "no auto-grow";
  const storageItem = `storage, ${size} GiB ${grown ? `(grown from ${provisioned} GiB by the usage's data)` : "provisioned"}: ${growth}`;
  const lines = [costLine(`${sku} compute`, ctx.hours, hourly), costLine(storageItem, size, ctx.prices.get("pg.storage"), grown ? "usage" : "fixed")];
  if (standby) {
    lines.push(costLine("high-availability standby compute", ctx.hours, hourly));
    lines.push(costLine(`standby ${storageItem}`, size, ctx.prices.get("pg.storage"), grown ? "usage" : "fixed"));
  }
  return lines;
};

/** A storage account: blob data (current, and old versions where versioning is on), operations, and downloads straight from it. */
const storageAccount: ResourcePricer = (r, ctx) => {
  const c = ctx.component;
  if (c?.kind !== "object-store") return [];
  const u = ctx.usageOf({ name: c.name, kind: "object-store" });
  const versioned = ctx.resources.some((x) => x.type === "azure-native:storage:BlobServiceProperties" && x.parent === r.parent && x.inputs.isVersioningEnabled === true);
  const current = u.storageGiB + u.storageGrowthGiB * ctx.usage.months;
  const lines = [
    costLine(`Hot LRS storage, ${current} GB`, current, ctx.prices.get("blob.hot"), "usage"),
    costLine("write operations", u.writesThousands / 10, ctx.prices.get("blob.write"), "usage"),
    costLine("read operations", u.readsThousands / 10, ctx.prices.get("blob.read"), "usage"),
  ];
  if (versioned && u.noncurrentPercent > 0) lines.push(costLine(`Hot LRS storage, previous blob versions (${u.noncurrentPercent}% of current data)`, (current * u.noncurrentPercent) / 100, ctx.prices.get("blob.hot"), "usage"));
  // Always shown, at the usage's figure (0 GB unless a usage file says otherwise): downloads through signed URLs leave Azure from here.
  lines.push(costLine(`internet egress from the account (downloads, signed URLs: egressGiB in the usage file${u.egressGiB > 0 ? "" : ", none assumed"})`, u.egressGiB, ctx.prices.get("egress.internet"), "usage"));
  return lines;
};

/**
 * What one audit log record is taken to weigh in Log Analytics, GiB: about 1 KB (a StorageBlobLogs or AuditEvent
 * row has some 40 columns). An assumption, stated in the cost line.
 */
export const AUDIT_RECORD_GIB = 1 / (1024 * 1024);

/**
 * The Log Analytics workspace: container logs (each web service's log volume) and the audit logs sent to it (each
 * database's server log, each store's reads, writes and deletes, and the vault's secret reads, about 1 KB a record).
 * 31 days' retention are included in the ingestion price.
 */
const workspace: ResourcePricer = (r, ctx) => {
  const retention = num(r.inputs.retentionInDays) ?? 30;
  const price = ctx.prices.get("logs.ingest");
  const lines = [costLine(`Log Analytics ingestion, container logs, ${retention} days kept (the first 31 are included)`, containerLogs(ctx), price, "usage")];
  const audits = ctx.resources.filter((x) => x.type === "azure-native:monitor:DiagnosticSetting");
  if (audits.length) lines.push(costLine(`Log Analytics ingestion, audit logs of ${audits.length} resource(s) (server logs; blob reads, writes and deletes; vault requests; about 1 KB a record)`, auditLogs(ctx), price, "usage"));
  return lines;
};

function containerLogs(ctx: PricingContext): number {
  return ctx.components.reduce((a, c) => a + (c.kind === "web-service" || c.kind === "worker" || c.kind === "scheduled-job" ? ctx.usageOf({ name: c.name, kind: c.kind }).logGiB : 0), 0);
}

/** GiB a month of audit logs: each database's log volume, each store's operations, and the vault's reads (Key Vault line). */
function auditLogs(ctx: PricingContext): number {
  const kv = vaultReads(ctx) * 10_000;
  return round(
    ctx.components.reduce((a, c) => {
      if (c.kind === "database") return a + ctx.usageOf({ name: c.name, kind: "database" }).logGiB;
      if (c.kind === "object-store") {
        const u = ctx.usageOf({ name: c.name, kind: "object-store" });
        return a + (u.readsThousands + u.writesThousands) * 1000 * AUDIT_RECORD_GIB;
      }
      return a;
    }, kv * AUDIT_RECORD_GIB),
    3,
  );
}

/** Key Vault secret reads in a month, in 10K operations: each service's two references read about every 30 minutes. */
function vaultReads(ctx: PricingContext): number {
  const services = ctx.components.filter((c) => c.kind === "web-service" || c.kind === "worker" || c.kind === "scheduled-job").length;
  return Math.max(1, (services * 2 * ctx.hours) / 10_000);
}

/** A Key Vault: the secret reads of the container apps that use it (each reference re-read about every 30 minutes). */
const keyVault: ResourcePricer = (_r, ctx) => [costLine("Key Vault secret reads (each service re-reads its references about every 30 minutes)", vaultReads(ctx), ctx.prices.get("kv.operations"), "usage")];

/**
 * A database's kept backups (backups.keepOnDelete): Azure Backup's protected-instance fee, and the vault's storage of
 * a full backup a week kept three months (13 copies of the data). Both go on after the database is deleted, until
 * the backups expire or someone deletes them, so the lines are marked retained.
 */
const backupInstance: ResourcePricer = (_r, ctx) => {
  const c = ctx.component;
  const u = c ? ctx.usageOf({ name: c.name, kind: "database" }) : { dataGiB: 0, storageGrowthGiB: 0, logGiB: 0 };
  const data = u.dataGiB + u.storageGrowthGiB * ctx.usage.months;
  const kept = { retained: true } as const;
  return [
    { ...costLine("Azure Backup protected instance (kept backups; goes on after the database is deleted)", 1, ctx.prices.get("backup.pgflex.instance")), ...kept },
    { ...costLine(`Backup vault storage, ${KEPT_BACKUP.weeks} weekly full backups of ${data} GB kept three months (LRS)`, round(data * KEPT_BACKUP.weeks, 3), ctx.prices.get("backup.vault.lrs"), "usage"), ...kept },
  ];
};

const privateZone: ResourcePricer = (r, ctx) => [costLine(`private DNS zone ${str(r.inputs.privateZoneName) ?? ""}`.trim(), 1, ctx.prices.get("dns.privateZone"))];

const FREE = "no charge of its own";
export const pricing: BackendPricing = {
  table: PRICE_TABLE,
  api: PRICE_API,
  priced: {
    "azure-native:app:ContainerApp": containerApp,
    "azure-native:app:Job": containerAppsJob,
    "azure-native:dbforpostgresql:Server": postgresServer,
    "azure-native:storage:StorageAccount": storageAccount,
    "azure-native:operationalinsights:Workspace": workspace,
    "azure-native:keyvault:Vault": keyVault,
    "azure-native:privatedns:PrivateZone": privateZone,
    "azure-native:dataprotection:BackupInstance": backupInstance,
  },
  free: {
    "azure-native:resources:ResourceGroup": `${FREE}: a resource group is a container`,
    "azure-native:network:VirtualNetwork": `${FREE}: virtual networks are free (https://azure.microsoft.com/pricing/details/virtual-network/); traffic is billed where it leaves`,
    "azure-native:authorization:PolicyDefinition": `${FREE}: Azure Policy on Azure resources has no charge`,
    "azure-native:authorization:PolicyAssignment": `${FREE}: Azure Policy on Azure resources has no charge`,
    "azure-native:authorization:ManagementLockByScope": `${FREE}: locks have no charge`,
    "azure-native:authorization:RoleAssignment": `${FREE}: Azure RBAC has no charge`,
    "azure-native:authorization:RoleDefinition": `${FREE}: Azure RBAC custom roles have no charge`,
    "azure-native:managedidentity:UserAssignedIdentity": `${FREE}: managed identities have no charge`,
    "azure-native:app:ManagedEnvironment": `${FREE}: a Consumption-only environment has no charge of its own; its apps are billed`,
    "azure-native:app:ManagedCertificate": `${FREE}: Container Apps managed certificates are free`,
    "azure-native:storage:BlobServiceProperties": `${FREE}: configuration; versions and soft-deleted data are billed as storage on the account`,
    "azure-native:storage:BlobContainer": `${FREE}: billed as the account's storage and operations`,
    "azure-native:storage:ManagementPolicy": `${FREE}: lifecycle deletes have no charge`,
    "azure-native:keyvault:Secret": `${FREE}: Key Vault bills operations, priced on the vault`,
    "azure-native:privatedns:VirtualNetworkLink": `${FREE}: billed as the private zone`,
    "azure-native:dbforpostgresql:Configuration": `${FREE}: server configuration`,
    "azure-native:dbforpostgresql:Database": `${FREE}: billed as the server`,
    "azure-native:containerinstance:ContainerGroup": "billed per second only while a one-off container (the migration runbook's jump container) runs: not created by a deployment",
    "azure-native:resources:AzureCliScript":
      "billed as the container group and storage account Azure makes to run the script, only while it runs (a few minutes at a deployment that changes the roles), under $0.01 a month; both are removed when it succeeds",
    "azure-native:monitor:DiagnosticSetting": `${FREE}: the logs it sends are billed as Log Analytics ingestion, priced on the workspace`,
    "azure-native:network:NetworkSecurityGroup": `${FREE}: network security groups are free (https://azure.microsoft.com/pricing/details/virtual-network/)`,
    "azure-native:dbforpostgresql:Administrator": `${FREE}: server configuration`,
    "azure-native:dataprotection:BackupVault": `${FREE}: a Backup vault bills its protected instances and their storage, priced on each backup instance`,
    "azure-native:dataprotection:BackupPolicy": `${FREE}: a schedule and retention, billed as the backup instances it protects`,
  },
};

type Spec = Component;

const SLA_SOURCE = {
  postgres: { name: "SLA for Azure Database for PostgreSQL v1.4, as quoted in Azure/azqr recommendation templates", date: "2026-09-06", url: "https://www.microsoft.com/licensing/docs/view/Service-Level-Agreements-SLA-for-Online-Services" },
  containerApps: {
    name: "Estimate: 99.95% commonly cited for Azure Container Apps; not confirmed against the SLA for Online Services",
    date: "2026-09-06",
    estimate: true,
    url: "https://www.microsoft.com/licensing/docs/view/Service-Level-Agreements-SLA-for-Online-Services",
  },
  blob: { name: "Estimate: SLA for Storage Accounts, LRS Hot read/write 99.9% (older SLA page; verify)", date: "2026-09-06", estimate: true, url: "https://azure.microsoft.com/support/legal/sla/storage/" },
} satisfies Record<string, Source>;

export function availability(kind: ComponentKind, spec: Spec): Availability {
  if (kind === "database" && spec.kind === "database") {
    return spec.highAvailability
      ? { percent: 99.99, basis: "flexible server with zone-redundant high availability", source: SLA_SOURCE.postgres }
      : { percent: 99.9, basis: "flexible server without high availability", source: SLA_SOURCE.postgres };
  }
  if (kind === "web-service" || kind === "worker" || kind === "scheduled-job") return { percent: 99.95, basis: "Container Apps environment", source: SLA_SOURCE.containerApps };
  return { percent: 99.9, basis: "Standard LRS, Hot tier, read and write requests", source: SLA_SOURCE.blob };
}
