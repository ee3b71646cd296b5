/**
 * Size tables: Fargate task cpu/memory pairs and RDS for PostgreSQL instance
 * classes. A size is a request; the smallest (cheapest) offering that meets it
 * (cpu >= asked, memory >= asked) is chosen and reported with the reason.
 */
import type { SizeChoice } from "@freehold/core";
import { type ResolvedSize, UnsupportedFeatureError } from "@freehold/model";
import { PRICES, RDS_PRICES } from "./prices";

export interface FargatePair {
  /** vCPU. */
  cpu: number;
  /** Memory, GB (1 GB = 1024 MiB as Fargate counts it). */
  memoryGiB: number;
}

const range = (from: number, to: number, step: number) => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => from + i * step);

/**
 * Valid Fargate Linux task sizes.
 * Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
export const FARGATE_PAIRS: readonly FargatePair[] = [
  ...[0.5, 1, 2].map((m) => ({ cpu: 0.25, memoryGiB: m })),
  ...range(1, 4, 1).map((m) => ({ cpu: 0.5, memoryGiB: m })),
  ...range(2, 8, 1).map((m) => ({ cpu: 1, memoryGiB: m })),
  ...range(4, 16, 1).map((m) => ({ cpu: 2, memoryGiB: m })),
  ...range(8, 30, 1).map((m) => ({ cpu: 4, memoryGiB: m })),
  ...range(16, 60, 4).map((m) => ({ cpu: 8, memoryGiB: m })),
  ...range(32, 120, 8).map((m) => ({ cpu: 16, memoryGiB: m })),
];

const fargateHourly = (p: FargatePair) => p.cpu * PRICES.fargateVcpu.usd + p.memoryGiB * PRICES.fargateMemory.usd;

/** Task-definition units: cpu in CPU units (1024 per vCPU), memory in MiB. */
export function fargateUnits(choice: { cpu: number; memoryGiB: number }): { cpu: string; memory: string } {
  return { cpu: String(Math.round(choice.cpu * 1024)), memory: String(Math.round(choice.memoryGiB * 1024)) };
}

export function chooseFargate(size: ResolvedSize, component: string): SizeChoice {
  const fits = FARGATE_PAIRS.filter((p) => p.cpu >= size.cpu && p.memoryGiB >= size.memoryGiB).sort((a, b) => fargateHourly(a) - fargateHourly(b) || a.cpu - b.cpu);
  const best = fits[0];
  if (!best) {
    throw new UnsupportedFeatureError(
      component,
      `size ${size.cpu} vCPU / ${size.memoryGiB} GiB`,
      "aws",
      "no Fargate task size has that much cpu and memory (largest: 16 vCPU / 120 GB)",
      "Ask for at most 16 vCPU and 120 GiB",
    );
  }
  const units = fargateUnits(best);
  const exact = best.cpu === size.cpu && best.memoryGiB === size.memoryGiB;
  return {
    sku: `fargate-${units.cpu}-${units.memory}`,
    cpu: best.cpu,
    memoryGiB: best.memoryGiB,
    tier: "Fargate",
    note: exact
      ? `Fargate task size ${best.cpu} vCPU / ${best.memoryGiB} GB matches the request`
      : `smallest Fargate task size with >= ${size.cpu} vCPU and >= ${size.memoryGiB} GiB: ${best.cpu} vCPU / ${best.memoryGiB} GB`,
  };
}

export interface RdsClass {
  sku: string;
  cpu: number;
  memoryGiB: number;
  tier: "Burstable" | "GeneralPurpose" | "MemoryOptimized";
}

const cls = (sku: string, cpu: number, memoryGiB: number, tier: RdsClass["tier"]): RdsClass => ({ sku, cpu, memoryGiB, tier });

/**
 * RDS for PostgreSQL instance classes Freehold chooses from (Graviton first; two
 * x86 classes cover 96 vCPU / 768 GiB).
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html
 */
export const RDS_CLASSES: readonly RdsClass[] = [
  cls("db.t4g.micro", 2, 1, "Burstable"),
  cls("db.t4g.small", 2, 2, "Burstable"),
  cls("db.t4g.medium", 2, 4, "Burstable"),
  cls("db.m7g.large", 2, 8, "GeneralPurpose"),
  cls("db.m7g.xlarge", 4, 16, "GeneralPurpose"),
  cls("db.m7g.2xlarge", 8, 32, "GeneralPurpose"),
  cls("db.m7g.4xlarge", 16, 64, "GeneralPurpose"),
  cls("db.m7g.8xlarge", 32, 128, "GeneralPurpose"),
  cls("db.m7g.12xlarge", 48, 192, "GeneralPurpose"),
  cls("db.m7g.16xlarge", 64, 256, "GeneralPurpose"),
  cls("db.m6i.24xlarge", 96, 384, "GeneralPurpose"),
  cls("db.r6g.large", 2, 16, "MemoryOptimized"),
  cls("db.r7g.large", 2, 16, "MemoryOptimized"),
  cls("db.r7g.xlarge", 4, 32, "MemoryOptimized"),
  cls("db.r7g.2xlarge", 8, 64, "MemoryOptimized"),
  cls("db.r7g.4xlarge", 16, 128, "MemoryOptimized"),
  cls("db.r7g.8xlarge", 32, 256, "MemoryOptimized"),
  cls("db.r7g.12xlarge", 48, 384, "MemoryOptimized"),
  cls("db.r7g.16xlarge", 64, 512, "MemoryOptimized"),
  cls("db.r6i.24xlarge", 96, 768, "MemoryOptimized"),
];

/** Burstable (t4g) classes are chosen only for requests of at most this much memory: beyond it, CPU credits make them a poor fit for a steady database. */
export const BURSTABLE_MAX_MEMORY_GIB = 4;

export function chooseRds(size: ResolvedSize, highAvailability: boolean, component: string): SizeChoice {
  const allowBurstable = size.memoryGiB <= BURSTABLE_MAX_MEMORY_GIB;
  const price = (c: RdsClass) => RDS_PRICES[c.sku]?.single.usd ?? Number.POSITIVE_INFINITY;
  const fits = RDS_CLASSES.filter((c) => c.cpu >= size.cpu && c.memoryGiB >= size.memoryGiB && (allowBurstable || c.tier !== "Burstable")).sort(
    (a, b) => price(a) - price(b) || a.sku.localeCompare(b.sku),
  );
  const best = fits[0];
  if (!best) {
    throw new UnsupportedFeatureError(
      component,
      `size ${size.cpu} vCPU / ${size.memoryGiB} GiB`,
      "aws",
      "no RDS for PostgreSQL instance class Freehold offers has that much cpu and memory (largest: 96 vCPU / 768 GiB)",
      "Ask for at most 96 vCPU and 768 GiB",
    );
  }
  const why = best.tier === "Burstable" ? "burstable class for a request of at most 4 GiB" : allowBurstable ? "cheapest class" : "cheapest non-burstable class (requests above 4 GiB avoid CPU credits)";
  return {
    sku: best.sku,
    cpu: best.cpu,
    memoryGiB: best.memoryGiB,
    tier: best.tier,
    note: `${why} with >= ${size.cpu} vCPU and >= ${size.memoryGiB} GiB${highAvailability ? ", Multi-AZ (standby in a second zone)" : ""}`,
  };
}
