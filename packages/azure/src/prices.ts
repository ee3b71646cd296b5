/**
 * UK South list prices (USD, pay-as-you-go) with the source and date of every
 * figure, the monthly estimates built from them, and the published SLAs.
 * Figures not published for uksouth in the captured feeds are marked `estimate`.
 */
import { type Availability, type CostAssumptions, type CostLine, costLine, type Price, round, type SizeChoice, type Source } from "@freehold/core";
import { type ComponentKind, type Database, type ObjectStore, resolveSize, type WebService } from "@freehold/model";
import { databaseSize, postgresSku, postgresStorageGiB, webServiceSize } from "./sizes";

const RETAIL: Source = {
  name: "Azure Retail Prices API, uksouth (captured in mooncitizen/togen testdata/azure-uksouth.json and prices/azure.json)",
  date: "2026-09-06",
  url: "https://prices.azure.com/api/retail/prices?$filter=armRegionName%20eq%20%27uksouth%27",
};
const estimated = (note: string, url?: string): Source => ({ name: `Estimate: ${note}`, date: "2026-09-06", estimate: true, ...(url ? { url } : {}) });

export const PRICES = {
  containerAppsVcpuActive: { usd: 0.000034, unit: "vCPU-second", source: { ...RETAIL, name: `${RETAIL.name}, meter "Standard vCPU Active Usage"` } },
  containerAppsVcpuIdle: { usd: 0.000004, unit: "vCPU-second", source: { ...RETAIL, name: `${RETAIL.name}, meter "Standard vCPU Idle Usage"` } },
  containerAppsMemory: { usd: 0.000004, unit: "GiB-second", source: { ...RETAIL, name: `${RETAIL.name}, meter "Standard Memory Active Usage"` } },
  containerAppsRequests: { usd: 0.4, unit: "1M requests", source: { ...RETAIL, name: `${RETAIL.name}, meter "Standard Requests"` } },
  postgresStorage: { usd: 0.133, unit: "GB-month", source: { ...RETAIL, name: `${RETAIL.name}, Azure Database for PostgreSQL flexible server storage` } },
  blobHotLrs: { usd: 0.0192, unit: "GB-month", source: { ...RETAIL, name: `${RETAIL.name}, meter "Hot LRS Data Stored" (General Block Blob v2, first 50 TB)` } },
  blobWrites: { usd: 0.059, unit: "10K write operations", source: { ...RETAIL, name: `${RETAIL.name}, Hot LRS write operations` } },
  blobReads: { usd: 0.0047, unit: "10K read operations", source: { ...RETAIL, name: `${RETAIL.name}, Hot read operations` } },
  egress: {
    usd: 0.087,
    unit: "GB",
    source: estimated("internet egress after the first 100 GB/month, first 10 TB tier; third-party summary of Azure bandwidth pricing (c3x.dev), not a captured uksouth meter", "https://azure.microsoft.com/pricing/details/bandwidth/"),
  },
  privateDnsZone: { usd: 0.5, unit: "zone-month", source: estimated("Azure DNS private zone, first 25 zones; list price not in the captured feeds", "https://azure.microsoft.com/pricing/details/dns/") },
  keyVaultOperations: { usd: 0.03, unit: "10K operations", source: estimated("Key Vault Standard secret operations; list price not in the captured feeds", "https://azure.microsoft.com/pricing/details/key-vault/") },
} satisfies Record<string, Price>;

/** Hourly compute price of each flexible server SKU. */
const burstable = (usd: number, sourced: boolean): Price => ({
  usd,
  unit: "hour",
  source: sourced ? { ...RETAIL, name: `${RETAIL.name}, Azure Database for PostgreSQL flexible server Burstable` } : estimated("Burstable price doubles with each size step from B2s ($0.076/h), as it does in East US"),
});
const BURSTABLE_HOURLY: Record<string, Price> = {
  Standard_B1ms: burstable(0.019, true),
  Standard_B2s: burstable(0.076, true),
  Standard_B2ms: burstable(0.152, false),
  Standard_B4ms: burstable(0.304, false),
  Standard_B8ms: burstable(0.608, false),
  Standard_B12ms: burstable(0.912, false),
  Standard_B16ms: burstable(1.216, false),
  Standard_B20ms: burstable(1.52, false),
};
/** Ddsv4 is $0.103 per vCore-hour in the uksouth feed; Ddsv5 (not in the feed) is assumed the same per vCore. */
export const GENERAL_PURPOSE_VCORE: Price = {
  usd: 0.103,
  unit: "vCore-hour",
  source: estimated("uksouth Ddsv4 General Purpose is $0.103 per vCore-hour in the Retail Prices API capture; Ddsv5 assumed the same (D2ds_v5 uksouth not found)"),
};
/** Edsv5 is not in the feed: about 1.27x Ddsv5 per vCore, the ratio of the same VM sizes. */
export const MEMORY_OPTIMIZED_VCORE: Price = {
  usd: 0.131,
  unit: "vCore-hour",
  source: estimated("Memory Optimized Edsv5 not in the uksouth capture; 1.27x the General Purpose vCore price (E2ds_v5 / D2ds_v5 VM price ratio)"),
};

/** Hourly price of a flexible server SKU (one node). */
export function postgresHourly(skuName: string): Price {
  const burst = BURSTABLE_HOURLY[skuName];
  if (burst) return burst;
  const s = postgresSku(skuName);
  if (!s) throw new Error(`no price for PostgreSQL SKU ${skuName}`);
  const vcore = s.tier === "MemoryOptimized" ? MEMORY_OPTIMIZED_VCORE : GENERAL_PURPOSE_VCORE;
  return { usd: round(vcore.usd * s.cpu, 4), unit: "hour", source: vcore.source };
}

/** Free monthly grant per subscription (not deducted from per-service estimates: it is shared). */
export const CONTAINER_APPS_FREE_GRANT = {
  vcpuSeconds: 180_000,
  gibSeconds: 360_000,
  requestsMillions: 2,
  source: { name: 'Microsoft Learn, "Billing in Azure Container Apps"', date: "2026-09-06", url: "https://learn.microsoft.com/azure/container-apps/billing" } satisfies Source,
};
export const FREE_EGRESS_GIB = 100;

type Spec = WebService | Database | ObjectStore;

export function estimate(component: { name: string; spec: Spec; size?: SizeChoice }, a: CostAssumptions): CostLine[] {
  const { name, spec } = component;
  switch (spec.kind) {
    case "web-service": {
      const size = component.size ?? webServiceSize(resolveSize("web-service", spec.size), name);
      const instances = a.averageInstances ?? spec.scaling.min;
      const seconds = a.hoursPerMonth * 3600 * instances;
      return [
        costLine(`${name}: vCPU, ${instances} replica(s) x ${size.cpu} vCPU, always active`, seconds * size.cpu, PRICES.containerAppsVcpuActive),
        costLine(`${name}: memory, ${instances} replica(s) x ${size.memoryGiB} GiB`, seconds * size.memoryGiB, PRICES.containerAppsMemory),
        costLine(`${name}: requests`, a.requestsMillions, PRICES.containerAppsRequests),
      ];
    }
    case "database": {
      const size = component.size ?? databaseSize(resolveSize("database", spec.size), spec.highAvailability, name);
      const nodes = spec.highAvailability ? 2 : 1;
      const storage = postgresStorageGiB(spec.storageGiB);
      const lines = [costLine(`${name}: ${size.sku} compute`, a.hoursPerMonth, postgresHourly(size.sku)), costLine(`${name}: storage, ${storage} GiB provisioned`, storage, PRICES.postgresStorage)];
      if (nodes === 2) {
        lines.push(costLine(`${name}: zone-redundant standby compute`, a.hoursPerMonth, postgresHourly(size.sku)));
        lines.push(costLine(`${name}: standby storage`, storage, PRICES.postgresStorage));
      }
      return lines;
    }
    case "object-store":
      return [
        costLine(`${name}: Hot LRS storage`, a.objectStorageGiB, PRICES.blobHotLrs),
        costLine(`${name}: write operations`, a.objectWritesThousands / 10, PRICES.blobWrites),
        costLine(`${name}: read operations`, a.objectReadsThousands / 10, PRICES.blobReads),
      ];
  }
}

export function estimatePlatform(stack: { webServices: number; publicWebServices: number; databases: number }, a: CostAssumptions): CostLine[] {
  const lines: CostLine[] = [];
  const egress = Math.max(0, stack.publicWebServices * a.egressGiB - FREE_EGRESS_GIB);
  if (stack.publicWebServices) lines.push(costLine(`internet egress after ${FREE_EGRESS_GIB} GB free`, egress, PRICES.egress));
  if (stack.databases) {
    lines.push(costLine("private DNS zone for PostgreSQL", 1, PRICES.privateDnsZone));
    // Container Apps re-reads each Key Vault reference about every 30 minutes.
    lines.push(costLine("Key Vault secret reads", Math.max(1, (stack.webServices * 2 * a.hoursPerMonth) / 10_000), PRICES.keyVaultOperations));
  }
  return lines;
}

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
  if (kind === "web-service") return { percent: 99.95, basis: "Container Apps environment", source: SLA_SOURCE.containerApps };
  return { percent: 99.9, basis: "Standard LRS, Hot tier, read and write requests", source: SLA_SOURCE.blob };
}
