import { resolveSize, SIZE_LIMITS, UnsupportedFeatureError } from "@freehold/model";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RDS_PRICES } from "./prices";
import { chooseFargate, chooseRds, FARGATE_PAIRS, fargateUnits, RDS_CLASSES } from "./sizes";

describe("Fargate task sizes", () => {
  it.each([
    ["small preset", resolveSize("web-service", "small"), "fargate-512-1024"],
    ["medium preset", resolveSize("web-service", "medium"), "fargate-1024-2048"],
    ["large preset", resolveSize("web-service", "large"), "fargate-2048-4096"],
    ["smallest", { cpu: 0.25, memoryGiB: 0.5 }, "fargate-256-512"],
    ["fractional cpu rounds up", { cpu: 0.3, memoryGiB: 1 }, "fargate-512-1024"],
    ["memory-heavy quarter vCPU moves to half a vCPU", { cpu: 0.25, memoryGiB: 4 }, "fargate-512-4096"],
    ["3 vCPU rounds up to 4", { cpu: 3, memoryGiB: 6 }, "fargate-4096-8192"],
    ["8 vCPU with 64 GiB needs 16 vCPU", { cpu: 8, memoryGiB: 64 }, "fargate-16384-65536"],
    ["largest", { cpu: 16, memoryGiB: 120 }, "fargate-16384-122880"],
  ])("chooses the smallest pair for %s", (_label, size, sku) => {
    const choice = chooseFargate(size, "web");
    expect(choice.sku).toBe(sku);
    expect(choice.note).toBeTruthy();
  });

  it("meets every request the model accepts with the cheapest pair that fits", () => {
    const l = SIZE_LIMITS["web-service"];
    const req = fc
      .record({ cpu: fc.constantFrom(0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 16), memoryGiB: fc.integer({ min: 1, max: 240 }).map((m) => m / 2) })
      .filter((s) => s.memoryGiB / s.cpu >= l.memoryPerCpu[0] && s.memoryGiB / s.cpu <= l.memoryPerCpu[1] && s.memoryGiB <= l.memoryGiB[1]);
    fc.assert(
      fc.property(req, (size) => {
        const c = chooseFargate(size, "web");
        const cost = (p: { cpu: number; memoryGiB: number }) => p.cpu * 0.04656 + p.memoryGiB * 0.00511;
        const cheaper = FARGATE_PAIRS.filter((p) => p.cpu >= size.cpu && p.memoryGiB >= size.memoryGiB && cost(p) < cost(c) - 1e-12);
        return c.cpu >= size.cpu && c.memoryGiB >= size.memoryGiB && cheaper.length === 0;
      }),
      { numRuns: 200 },
    );
  });

  it("converts a choice to task-definition units", () => {
    expect(fargateUnits({ cpu: 0.25, memoryGiB: 0.5 })).toEqual({ cpu: "256", memory: "512" });
  });
});

describe("RDS instance classes", () => {
  it.each([
    ["small preset", resolveSize("database", "small"), false, "db.t4g.small"],
    ["medium preset avoids burstable above 4 GiB", resolveSize("database", "medium"), false, "db.m7g.large"],
    ["large preset", resolveSize("database", "large"), true, "db.m7g.xlarge"],
    ["1 vCPU / 1 GiB", { cpu: 1, memoryGiB: 1 }, false, "db.t4g.micro"],
    ["2 vCPU / 4 GiB", { cpu: 2, memoryGiB: 4 }, false, "db.t4g.medium"],
    ["memory-heavy", { cpu: 2, memoryGiB: 16 }, false, "db.r6g.large"],
    ["64 vCPU / 512 GiB", { cpu: 64, memoryGiB: 512 }, false, "db.r7g.16xlarge"],
    ["largest", { cpu: 96, memoryGiB: 768 }, false, "db.r6i.24xlarge"],
  ])("chooses %s", (_label, size, ha, sku) => {
    const c = chooseRds(size, ha, "db");
    expect(c.sku).toBe(sku);
    expect(c.cpu).toBeGreaterThanOrEqual(size.cpu);
    expect(c.memoryGiB).toBeGreaterThanOrEqual(size.memoryGiB);
    if (ha) expect(c.note).toContain("Multi-AZ");
  });

  it("has a price for every class it can choose", () => {
    for (const c of RDS_CLASSES) expect(RDS_PRICES[c.sku], c.sku).toBeDefined();
  });

  it("refuses a request no class meets with an UnsupportedFeatureError", () => {
    expect(() => chooseRds({ cpu: 128, memoryGiB: 1024 }, false, "db")).toThrow(UnsupportedFeatureError);
    expect(() => chooseRds({ cpu: 128, memoryGiB: 1024 }, false, "db")).toThrow("db: aws cannot provide size 128 vCPU / 1024 GiB");
  });
});
