import { UnsupportedFeatureError } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { CLOUD_SQL_CPUS, cloudRunLimits, cloudSqlMemoryRange, databaseSize, webServiceSize } from "./sizes";

describe("Cloud Run sizes", () => {
  it.each([
    // cpu, memoryGiB -> sku
    [0.5, 1, "cpu=1 memory=1024Mi"],
    [1, 2, "cpu=1 memory=2048Mi"],
    [2, 4, "cpu=2 memory=4096Mi"],
    [1, 0.5, "cpu=1 memory=512Mi"],
    [1, 1.1, "cpu=1 memory=1280Mi"],
    [1, 8, "cpu=2 memory=8192Mi"],
    [3, 3, "cpu=4 memory=3072Mi"],
    [4, 1, "cpu=4 memory=2048Mi"],
    [6, 3, "cpu=6 memory=4096Mi"],
    [8, 32, "cpu=8 memory=32768Mi"],
    [2, 12, "cpu=4 memory=12288Mi"],
  ])("chooses the smallest size for %s vCPU / %s GiB: %s", (cpu, memoryGiB, sku) => {
    const c = webServiceSize({ cpu, memoryGiB }, "web");
    expect(c.sku).toBe(sku);
    expect(c.cpu).toBeGreaterThanOrEqual(cpu);
    expect(c.memoryGiB).toBeGreaterThanOrEqual(memoryGiB);
    expect(c.note).toContain("smallest Cloud Run size");
  });

  it("says why half a vCPU becomes one", () => {
    expect(webServiceSize({ cpu: 0.5, memoryGiB: 1 }, "web").note).toContain("concurrency 1");
  });

  it("gives Cloud Run limits in its own units", () => {
    expect(cloudRunLimits(webServiceSize({ cpu: 2, memoryGiB: 4 }, "web"))).toEqual({ cpu: "2", memory: "4096Mi" });
  });

  it("refuses more than Cloud Run offers with a reason and a fix", () => {
    expect(() => webServiceSize({ cpu: 16, memoryGiB: 64 }, "big")).toThrow(UnsupportedFeatureError);
    expect(() => webServiceSize({ cpu: 8, memoryGiB: 40 }, "big")).toThrow(
      "big: gcp cannot provide size 8 vCPU / 40 GiB: Cloud Run instances have at most 8 vCPU and 32 GiB of memory (at most 4 GiB per vCPU below 8 vCPU). Ask for at most 8 vCPU and 32 GiB, or deploy this service to another cloud",
    );
  });
});

describe("Cloud SQL tiers", () => {
  it.each([
    [1, 2, "db-custom-1-3840"],
    [1, 4, "db-custom-1-4096"],
    [2, 8, "db-custom-2-8192"],
    [4, 16, "db-custom-4-16384"],
    [3, 6, "db-custom-4-6144"],
    [1, 8, "db-custom-2-8192"],
    [2, 16, "db-custom-4-16384"],
    [96, 624, "db-custom-96-638976"],
  ])("chooses the smallest custom tier for %s vCPU / %s GiB: %s", (cpu, memoryGiB, sku) => {
    const c = databaseSize({ cpu, memoryGiB }, false, "db");
    expect(c.sku).toBe(sku);
    expect(c.tier).toBe("ENTERPRISE");
    expect(c.cpu).toBeGreaterThanOrEqual(cpu);
    expect(c.memoryGiB).toBeGreaterThanOrEqual(memoryGiB);
  });

  it("only makes tiers Cloud SQL accepts: 1 or even vCPU, 0.9-6.5 GiB per vCPU in 256 MiB steps, at least 3840 MiB", () => {
    for (const cpu of [1, 2, 3, 5, 7, 16, 33, 64]) {
      for (const mem of [1, 2, 3.3, 7.5, 16, 40, 100, 300]) {
        if (mem / cpu < 1 || mem / cpu > 16) continue;
        let c: ReturnType<typeof databaseSize>;
        try {
          c = databaseSize({ cpu, memoryGiB: mem }, false, "db");
        } catch (e) {
          expect(e).toBeInstanceOf(UnsupportedFeatureError);
          continue;
        }
        const [, vcpu, mib] = /^db-custom-(\d+)-(\d+)$/.exec(c.sku)?.map(Number) ?? [];
        expect(CLOUD_SQL_CPUS).toContain(vcpu);
        expect((mib as number) % 256).toBe(0);
        expect(mib).toBeGreaterThanOrEqual(3840);
        const range = cloudSqlMemoryRange(vcpu as number);
        expect(mib).toBeGreaterThanOrEqual(range.minMiB);
        expect(mib).toBeLessThanOrEqual(range.maxMiB);
      }
    }
  });

  it("notes why memory was raised to the minimum and whether the instance is regional", () => {
    expect(databaseSize({ cpu: 1, memoryGiB: 2 }, true, "db").note).toMatch(/regional.*raised to 3.75 GiB \(the minimum for 1 vCPU\)/);
  });

  it("refuses more memory than 96 vCPU can have", () => {
    expect(() => databaseSize({ cpu: 48, memoryGiB: 700 }, false, "db")).toThrow(/cannot provide size 48 vCPU \/ 700 GiB: Cloud SQL Enterprise custom tiers have at most 96 vCPU/);
  });
});
