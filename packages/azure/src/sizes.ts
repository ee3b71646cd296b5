/**
 * Size tables: the Container Apps consumption cpu/memory pairs and the Azure
 * Database for PostgreSQL flexible server compute SKUs. A size is a request:
 * the smallest offering that meets it (cpu >= asked, memory >= asked) is chosen
 * and reported with a note saying why.
 */
import type { SizeChoice } from "@freehold/core";
import { type ResolvedSize, UnsupportedFeatureError } from "@freehold/model";

export interface ContainerAppsPair {
  cpu: number;
  memoryGiB: number;
}

/**
 * Consumption workload profile: 0.25 vCPU steps up to 4 vCPU, memory twice the cpu.
 * https://learn.microsoft.com/azure/container-apps/containers#allocations
 */
export const CONTAINER_APPS_PAIRS: readonly ContainerAppsPair[] = Array.from({ length: 16 }, (_, i) => ({ cpu: (i + 1) * 0.25, memoryGiB: (i + 1) * 0.5 }));

/** The Container Apps `memory` string for a pair, e.g. "1.5Gi". */
export const memoryString = (gib: number) => `${gib}Gi`;

export function webServiceSize(size: ResolvedSize, component: string): SizeChoice {
  const pair = CONTAINER_APPS_PAIRS.find((p) => p.cpu >= size.cpu && p.memoryGiB >= size.memoryGiB);
  if (!pair) {
    throw new UnsupportedFeatureError(
      component,
      `size ${size.cpu} vCPU / ${size.memoryGiB} GiB`,
      "azure",
      "the Container Apps consumption profile offers at most 4 vCPU with 8 GiB",
      "Ask for at most 4 vCPU and 8 GiB, or set vendor.azure.app.workloadProfileName to a dedicated workload profile you add to the environment",
    );
  }
  const exact = pair.cpu === size.cpu && pair.memoryGiB === size.memoryGiB;
  return {
    sku: `Consumption ${pair.cpu} vCPU / ${memoryString(pair.memoryGiB)}`,
    cpu: pair.cpu,
    memoryGiB: pair.memoryGiB,
    tier: "Consumption",
    note: exact
      ? `Container Apps pair matching the request exactly (${pair.cpu} vCPU, ${pair.memoryGiB} GiB)`
      : `smallest Container Apps pair (memory = 2 x vCPU) with >= ${size.cpu} vCPU and >= ${size.memoryGiB} GiB`,
  };
}

export type PostgresTier = "Burstable" | "GeneralPurpose" | "MemoryOptimized";

export interface PostgresSku {
  /** The `sku.name` Azure expects, e.g. `Standard_D2ds_v5`. */
  name: string;
  tier: PostgresTier;
  cpu: number;
  memoryGiB: number;
}

const sku = (name: string, tier: PostgresTier, cpu: number, memoryGiB: number): PostgresSku => ({ name: `Standard_${name}`, tier, cpu, memoryGiB });

/**
 * Flexible server compute: Burstable B-series, General Purpose Ddsv5, Memory Optimized Edsv5.
 * https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-compute
 */
export const POSTGRES_SKUS: readonly PostgresSku[] = [
  sku("B1ms", "Burstable", 1, 2),
  sku("B2s", "Burstable", 2, 4),
  sku("B2ms", "Burstable", 2, 8),
  sku("B4ms", "Burstable", 4, 16),
  sku("B8ms", "Burstable", 8, 32),
  sku("B12ms", "Burstable", 12, 48),
  sku("B16ms", "Burstable", 16, 64),
  sku("B20ms", "Burstable", 20, 80),
  ...[2, 4, 8, 16, 32, 48, 64, 96].map((n) => sku(`D${n}ds_v5`, "GeneralPurpose", n, n * 4)),
  ...[2, 4, 8, 16, 20, 32, 48, 64].map((n) => sku(`E${n}ds_v5`, "MemoryOptimized", n, n * 8)),
  sku("E96ds_v5", "MemoryOptimized", 96, 672),
];

const TIER_RANK: Record<PostgresTier, number> = { Burstable: 0, GeneralPurpose: 1, MemoryOptimized: 2 };

/** Smallest first: fewest vCPUs, then least memory, then the cheaper tier. */
const BY_SIZE = [...POSTGRES_SKUS].sort((a, b) => a.cpu - b.cpu || a.memoryGiB - b.memoryGiB || TIER_RANK[a.tier] - TIER_RANK[b.tier]);

export function databaseSize(size: ResolvedSize, highAvailability: boolean, component: string): SizeChoice {
  const fits = (s: PostgresSku) => s.cpu >= size.cpu && s.memoryGiB >= size.memoryGiB;
  const smallest = BY_SIZE.find(fits);
  const chosen = highAvailability ? BY_SIZE.find((s) => fits(s) && s.tier !== "Burstable") : smallest;
  if (!chosen) {
    throw new UnsupportedFeatureError(
      component,
      `size ${size.cpu} vCPU / ${size.memoryGiB} GiB`,
      "azure",
      "no Azure Database for PostgreSQL flexible server SKU has that much (largest: 96 vCores with 384 GiB General Purpose, 672 GiB Memory Optimized)",
      "Ask for at most 96 vCPU and 672 GiB",
    );
  }
  const want = `>= ${size.cpu} vCPU and >= ${size.memoryGiB} GiB`;
  let note = `smallest ${chosen.tier} SKU with ${want}`;
  if (highAvailability && smallest && smallest.tier === "Burstable") {
    note = `Burstable SKUs have no high availability, so ${chosen.name} (the smallest ${chosen.tier} SKU with ${want}) instead of ${smallest.name}`;
  } else if (chosen.tier === "Burstable") {
    note += "; Burstable vCPUs run on credits, so sustained full CPU needs General Purpose (vendor.azure.server.sku)";
  }
  return { sku: chosen.name, cpu: chosen.cpu, memoryGiB: chosen.memoryGiB, tier: chosen.tier, note };
}

/** The SKU entry for a chosen name. */
export function postgresSku(name: string): PostgresSku | undefined {
  return POSTGRES_SKUS.find((s) => s.name === name);
}

/**
 * Premium SSD sizes a flexible server can provision (GiB); the request is
 * rounded up to the next one. https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-storage
 */
export const POSTGRES_STORAGE_GIB = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767] as const;

export function postgresStorageGiB(requested: number): number {
  return POSTGRES_STORAGE_GIB.find((s) => s >= requested) ?? 32767;
}
