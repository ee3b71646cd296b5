import { UnsupportedFeatureError } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { CONTAINER_APPS_PAIRS, databaseSize, POSTGRES_SKUS, postgresStorageGiB, webServiceSize } from "./sizes";

describe("Container Apps sizes", () => {
  it("offers the 16 consumption pairs from 0.25 vCPU / 0.5 GiB to 4 vCPU / 8 GiB, memory twice the cpu", () => {
    expect(CONTAINER_APPS_PAIRS).toHaveLength(16);
    expect(CONTAINER_APPS_PAIRS[0]).toEqual({ cpu: 0.25, memoryGiB: 0.5 });
    expect(CONTAINER_APPS_PAIRS.at(-1)).toEqual({ cpu: 4, memoryGiB: 8 });
    for (const p of CONTAINER_APPS_PAIRS) expect(p.memoryGiB).toBe(p.cpu * 2);
  });

  it.each([
    [{ cpu: 0.25, memoryGiB: 0.5 }, 0.25, 0.5],
    [{ cpu: 0.5, memoryGiB: 1 }, 0.5, 1],
    [{ cpu: 1, memoryGiB: 2 }, 1, 2],
    [{ cpu: 2, memoryGiB: 4 }, 2, 4],
    [{ cpu: 1, memoryGiB: 4 }, 2, 4],
    [{ cpu: 0.3, memoryGiB: 0.5 }, 0.5, 1],
    [{ cpu: 4, memoryGiB: 2 }, 4, 8],
    [{ cpu: 0.5, memoryGiB: 3 }, 1.5, 3],
  ])("picks the smallest pair meeting %o", (size, cpu, memoryGiB) => {
    const choice = webServiceSize(size, "web");
    expect([choice.cpu, choice.memoryGiB]).toEqual([cpu, memoryGiB]);
    expect(choice.sku).toBe(`Consumption ${cpu} vCPU / ${memoryGiB}Gi`);
    expect(choice.note).toMatch(/Container Apps pair/);
  });

  it("refuses more than 4 vCPU or 8 GiB with an UnsupportedFeatureError", () => {
    expect(() => webServiceSize({ cpu: 8, memoryGiB: 16 }, "web")).toThrow(UnsupportedFeatureError);
    expect(() => webServiceSize({ cpu: 2, memoryGiB: 16 }, "web")).toThrow(/web: azure cannot provide size 2 vCPU \/ 16 GiB: the Container Apps consumption profile offers at most 4 vCPU with 8 GiB/);
  });
});

describe("PostgreSQL flexible server sizes", () => {
  it.each([
    [{ cpu: 1, memoryGiB: 2 }, false, "Standard_B1ms", "Burstable"],
    [{ cpu: 2, memoryGiB: 4 }, false, "Standard_B2s", "Burstable"],
    [{ cpu: 2, memoryGiB: 8 }, false, "Standard_B2ms", "Burstable"],
    [{ cpu: 4, memoryGiB: 16 }, false, "Standard_B4ms", "Burstable"],
    [{ cpu: 1, memoryGiB: 16 }, false, "Standard_E2ds_v5", "MemoryOptimized"],
    [{ cpu: 24, memoryGiB: 96 }, false, "Standard_D32ds_v5", "GeneralPurpose"],
    [{ cpu: 96, memoryGiB: 672 }, false, "Standard_E96ds_v5", "MemoryOptimized"],
    [{ cpu: 1, memoryGiB: 2 }, true, "Standard_D2ds_v5", "GeneralPurpose"],
    [{ cpu: 4, memoryGiB: 16 }, true, "Standard_D4ds_v5", "GeneralPurpose"],
    [{ cpu: 2, memoryGiB: 16 }, true, "Standard_E2ds_v5", "MemoryOptimized"],
  ])("picks for %o (HA %s) the smallest SKU meeting it: %s", (size, ha, sku, tier) => {
    const choice = databaseSize(size, ha, "db");
    expect(choice.sku).toBe(sku);
    expect(choice.tier).toBe(tier);
    expect(choice.cpu).toBeGreaterThanOrEqual(size.cpu);
    expect(choice.memoryGiB).toBeGreaterThanOrEqual(size.memoryGiB);
  });

  it("never picks Burstable for high availability and says why in the note", () => {
    const choice = databaseSize({ cpu: 1, memoryGiB: 2 }, true, "db");
    expect(choice.note).toMatch(/Burstable SKUs have no high availability, so Standard_D2ds_v5 .* instead of Standard_B1ms/);
    for (const s of POSTGRES_SKUS) {
      const c = databaseSize({ cpu: s.cpu, memoryGiB: s.memoryGiB }, true, "db");
      expect(c.tier).not.toBe("Burstable");
    }
  });

  it("refuses a size no SKU has", () => {
    expect(() => databaseSize({ cpu: 96, memoryGiB: 768 }, false, "db")).toThrow(/db: azure cannot provide size 96 vCPU \/ 768 GiB/);
  });

  it.each([
    [20, 32],
    [32, 32],
    [33, 64],
    [500, 512],
    [16384, 16384],
  ])("rounds %i GiB of storage up to the Premium SSD size %i GiB", (asked, got) => {
    expect(postgresStorageGiB(asked)).toBe(got);
  });
});
