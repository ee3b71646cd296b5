/**
 * Size tables: Cloud Run CPU/memory limits and Cloud SQL (Enterprise edition)
 * custom machine tiers. A size is a request: we choose the smallest offering
 * with at least the CPU and memory asked for, and say why.
 */
import type { SizeChoice } from "@freehold/core";
import { type ResolvedSize, UnsupportedFeatureError } from "@freehold/model";

const MIB_STEP = 256;
const GIB = 1024;

/**
 * Cloud Run CPU values we use, with the memory each allows (GiB, inclusive).
 * Source: https://cloud.google.com/run/docs/configuring/services/cpu and
 * .../memory-limits (4 vCPU needs >= 2 GiB, 6 and 8 vCPU >= 4 GiB; memory
 * above 4/8/16/24 GiB needs 2/4/6/8 vCPU; at most 32 GiB).
 *
 * Fractional CPU (< 1) is left out on purpose: Cloud Run only allows it with
 * concurrency 1 and the first-generation environment, which would silently
 * turn a web service into one that serves one request at a time.
 */
export const CLOUD_RUN_SIZES: ReadonlyArray<{ cpu: number; minMemoryGiB: number; maxMemoryGiB: number }> = [
  { cpu: 1, minMemoryGiB: 0.5, maxMemoryGiB: 4 },
  { cpu: 2, minMemoryGiB: 0.5, maxMemoryGiB: 8 },
  { cpu: 4, minMemoryGiB: 2, maxMemoryGiB: 16 },
  { cpu: 6, minMemoryGiB: 4, maxMemoryGiB: 24 },
  { cpu: 8, minMemoryGiB: 4, maxMemoryGiB: 32 },
];

/** Memory granted in 256 MiB steps. */
const roundUpMiB = (gib: number) => Math.ceil((gib * GIB) / MIB_STEP) * MIB_STEP;
const fmtGiB = (mib: number) => String(Math.round((mib / GIB) * 100) / 100);

/** Cloud Run `limits` for a choice: `{ cpu: "1", memory: "2048Mi" }`. */
export function cloudRunLimits(choice: SizeChoice): { cpu: string; memory: string } {
  return { cpu: String(choice.cpu), memory: `${Math.round(choice.memoryGiB * GIB)}Mi` };
}

export function webServiceSize(size: ResolvedSize, component: string): SizeChoice {
  const wantMiB = roundUpMiB(size.memoryGiB);
  for (const s of CLOUD_RUN_SIZES) {
    if (s.cpu < size.cpu) continue;
    const mib = Math.max(wantMiB, roundUpMiB(s.minMemoryGiB));
    if (mib > s.maxMemoryGiB * GIB) continue;
    const reasons: string[] = [];
    if (s.cpu > size.cpu) {
      const firstFit = CLOUD_RUN_SIZES.find((x) => x.cpu >= size.cpu)?.cpu;
      if (size.cpu < 1 && s.cpu === 1) reasons.push(`${size.cpu} vCPU raised to 1: Cloud Run allows less than 1 vCPU only with concurrency 1 and the first-generation environment`);
      else if (firstFit !== s.cpu) reasons.push(`${size.cpu} vCPU raised to ${s.cpu}: ${fmtGiB(wantMiB)} GiB needs at least ${s.cpu} vCPU on Cloud Run`);
      else reasons.push(`${size.cpu} vCPU raised to ${s.cpu}: Cloud Run offers 1, 2, 4, 6 or 8 vCPU`);
    }
    if (mib > size.memoryGiB * GIB) reasons.push(`memory ${size.memoryGiB} GiB raised to ${fmtGiB(mib)} GiB (${mib > wantMiB ? `${s.cpu} vCPU needs at least ${s.minMemoryGiB} GiB` : "256 MiB steps"})`);
    return {
      sku: `cpu=${s.cpu} memory=${mib}Mi`,
      cpu: s.cpu,
      memoryGiB: mib / GIB,
      tier: "Cloud Run (request-based billing)",
      note: `smallest Cloud Run size with >= ${size.cpu} vCPU and >= ${size.memoryGiB} GiB${reasons.length ? `; ${reasons.join("; ")}` : ""}`,
    };
  }
  throw new UnsupportedFeatureError(
    component,
    `size ${size.cpu} vCPU / ${size.memoryGiB} GiB`,
    "gcp",
    "Cloud Run instances have at most 8 vCPU and 32 GiB of memory (at most 4 GiB per vCPU below 8 vCPU)",
    "Ask for at most 8 vCPU and 32 GiB, or deploy this service to another cloud",
  );
}

/** Cloud SQL custom machine vCPU counts: 1, or an even number from 2 to 96. */
export const CLOUD_SQL_CPUS: readonly number[] = [1, ...Array.from({ length: 48 }, (_, i) => (i + 1) * 2)];

/**
 * Memory a custom tier allows for a vCPU count, MiB: 0.9 to 6.5 GiB per vCPU,
 * a multiple of 256 MiB, and at least 3.75 GiB (3840 MiB).
 * Source: https://cloud.google.com/sql/docs/postgres/instance-settings (machine types)
 */
export function cloudSqlMemoryRange(cpu: number): { minMiB: number; maxMiB: number } {
  return {
    minMiB: Math.max(3840, Math.ceil((0.9 * cpu * GIB) / MIB_STEP) * MIB_STEP),
    maxMiB: Math.floor((6.5 * cpu * GIB) / MIB_STEP) * MIB_STEP,
  };
}

/**
 * The smallest `db-custom-<cpu>-<MiB>` tier (Enterprise edition). Shared-core
 * tiers (db-f1-micro, db-g1-small) are never chosen: they have less than one
 * vCPU, which the model's minimum of 1 vCPU rules out, and no SLA.
 */
export function databaseSize(size: ResolvedSize, highAvailability: boolean, component: string): SizeChoice {
  const wantMiB = roundUpMiB(size.memoryGiB);
  for (const cpu of CLOUD_SQL_CPUS) {
    if (cpu < size.cpu) continue;
    const { minMiB, maxMiB } = cloudSqlMemoryRange(cpu);
    const mib = Math.max(wantMiB, minMiB);
    if (mib > maxMiB) continue;
    const reasons: string[] = [];
    if (cpu > size.cpu) reasons.push(cpu === Math.ceil(size.cpu) ? `${size.cpu} vCPU rounded up to ${cpu} (custom tiers have 1 or an even number of vCPUs)` : `${size.cpu} vCPU raised to ${cpu} (at most 6.5 GiB per vCPU)`);
    if (mib > size.memoryGiB * GIB) reasons.push(`memory ${size.memoryGiB} GiB raised to ${fmtGiB(mib)} GiB (${mib === minMiB && mib > wantMiB ? `the minimum for ${cpu} vCPU` : "256 MiB steps"})`);
    return {
      sku: `db-custom-${cpu}-${mib}`,
      cpu,
      memoryGiB: mib / GIB,
      tier: "ENTERPRISE",
      note: `smallest Cloud SQL Enterprise custom tier with >= ${size.cpu} vCPU and >= ${size.memoryGiB} GiB${highAvailability ? ", regional (primary and standby)" : ", zonal"}${reasons.length ? `; ${reasons.join("; ")}` : ""}`,
    };
  }
  throw new UnsupportedFeatureError(
    component,
    `size ${size.cpu} vCPU / ${size.memoryGiB} GiB`,
    "gcp",
    "Cloud SQL Enterprise custom tiers have at most 96 vCPU and 6.5 GiB per vCPU (624 GiB)",
    "Ask for at most 96 vCPU and 624 GiB, or deploy this database to another cloud",
  );
}
