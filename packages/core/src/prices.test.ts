import { defaultUsage } from "@freehold/model";
import { describe, expect, it } from "vitest";
import type { PlannedResource } from "./plan";
import { type BackendPricing, costLine, freeReason, priceResources, RegionPrices } from "./prices";

const src = (region?: string) => ({ name: "a price list", date: "2026-11-01", ...(region ? { region } : {}) });
const pricing: BackendPricing = {
  table: {
    cloud: "aws",
    referenceRegion: "eu-west-2",
    global: { flat: { usd: 1, unit: "month", source: src() } },
    regions: { "eu-west-2": { hour: { usd: 0.1, unit: "hour", source: src("eu-west-2") }, gb: { usd: 0.02, unit: "GB", source: src("eu-west-2") } }, "eu-west-1": { hour: { usd: 0.09, unit: "hour", source: src("eu-west-1") } } },
  },
  api: [],
  priced: {
    "x:index:Box": (_r, ctx) => [costLine("box", ctx.hours, ctx.prices.get("hour")), costLine("box data", 10, ctx.prices.get("gb"), "usage")],
    "x:index:Broken": () => {
      throw new Error("no price for size huge");
    },
  },
  free: { "x:index:Label": "a label costs nothing" },
};
const resource = (type: string, name: string, retain = false): PlannedResource => ({
  urn: `urn:${name}`,
  type,
  name,
  parent: "",
  custom: true,
  inputs: {},
  options: { protect: false, retainOnDelete: retain, dependsOn: [] },
  dependencies: [],
  propertyDependencies: {},
});
const price = (region: string, resources: PlannedResource[]) => priceResources(pricing, { region, usage: defaultUsage(), resources, components: [], componentOf: () => undefined });

describe("priceResources", () => {
  it("prices each resource by its type's rule, marks the lines with the type, and skips free types", () => {
    const r = price("eu-west-2", [resource("x:index:Box", "a", true), resource("x:index:Label", "b")]);
    expect(r.lines.get("urn:a")?.map((l) => [l.item, l.monthlyUsd, l.basis, l.resourceType, l.retained])).toEqual([
      ["box", 73, "fixed", "x:index:Box", true],
      ["box data", 0.2, "usage", "x:index:Box", true],
    ]);
    expect(r.lines.has("urn:b")).toBe(false);
    expect(r.unpriced).toEqual([]);
    expect(r.region).toMatchObject({ coverage: "own", note: "Prices are eu-west-2's own list prices." });
  });

  it("names a type with neither rule nor reason, and a rule that cannot price its resource, instead of failing the plan", () => {
    const r = price("eu-west-2", [resource("x:index:Unknown", "u"), resource("x:index:Broken", "big")]);
    expect(r.unpriced).toEqual(["x:index:Broken (big: no price for size huge)", "x:index:Unknown"]);
  });

  it("uses the reference region's price for a line the region lacks, and says so on the line and in the note", () => {
    const r = price("eu-west-1", [resource("x:index:Box", "a")]);
    const [box, data] = r.lines.get("urn:a") ?? [];
    expect(box?.source.region).toBe("eu-west-1");
    expect(data?.source).toMatchObject({ region: "eu-west-2", name: "a price list [eu-west-2 price: no eu-west-1 price in Freehold's table]" });
    expect(r.region).toMatchObject({ coverage: "partial", substituted: ["gb"], note: "eu-west-1's prices are unknown for 1 line (gb): those use eu-west-2's prices; every other line is eu-west-1's own." });
    expect(price("eu-central-1", [resource("x:index:Box", "a")]).region).toMatchObject({ coverage: "none", note: expect.stringMatching(/^eu-central-1's prices are unknown to Freehold's price table: every line is priced at eu-west-2's prices/) });
  });

  it("prices a global line the same in every region, as the region's own", () => {
    const prices = new RegionPrices(pricing.table, "us-east-1");
    expect(prices.get("flat").usd).toBe(1);
    expect(prices.substituted.size).toBe(0);
  });
});

describe("free resource types", () => {
  it("a Pulumi provider resource is free, with the reason, and never reported as unpriced", () => {
    expect(freeReason(pricing, "pulumi:providers:gcp")).toBe("a Pulumi provider: its configuration is kept in the Pulumi state; no cloud resource");
    expect(price("eu-west-2", [resource("pulumi:providers:aws", "london")]).unpriced).toEqual([]);
  });
});
