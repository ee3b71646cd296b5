import { DEFAULT_ASSUMPTIONS, sumCost } from "@freehold/core";
import { type Component, parseStack } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { availability, estimate, estimatePlatform, PRICES, RDS_PRICES } from "./prices";
import { chooseFargate, chooseRds } from "./sizes";

const spec = (yaml: string): Component => Object.values(parseStack(`name: p\ncomponents:\n  x: ${yaml}`).components)[0] as Component;
const ISO = /^\d{4}-\d{2}-\d{2}$/;

describe("price table", () => {
  it("carries a source with a name and an ISO date on every price, and marks estimates", () => {
    const all = [...Object.values(PRICES), ...Object.values(RDS_PRICES).flatMap((p) => [p.single, p.multiAz])];
    for (const p of all) {
      expect(p.source.name.length).toBeGreaterThan(10);
      expect(p.source.date).toMatch(ISO);
      expect(p.usd).toBeGreaterThan(0);
      if (/not found|not in the/.test(p.source.name)) expect(p.source.estimate).toBe(true);
    }
  });

  it("keeps the sourced eu-west-2 list prices as published", () => {
    expect(PRICES.fargateVcpu.usd).toBe(0.04656);
    expect(PRICES.fargateMemory.usd).toBe(0.00511);
    expect(PRICES.albHour.usd).toBe(0.02646);
    expect(PRICES.albLcu.usd).toBe(0.0084);
    expect(PRICES.rdsGp3.usd).toBe(0.133);
    expect(PRICES.s3Standard.usd).toBe(0.024);
    expect(RDS_PRICES["db.t4g.micro"]).toMatchObject({ single: { usd: 0.018 }, multiAz: { usd: 0.036 } });
    expect(RDS_PRICES["db.t4g.micro"]?.single.source.estimate).toBeUndefined();
    expect(RDS_PRICES["db.m7g.large"]?.single.source.estimate).toBe(true);
  });
});

describe("estimates", () => {
  it("prices a web service from Fargate, the load balancer and egress", () => {
    const s = spec("{ kind: web-service, image: nginx, public: true, domain: app.example.gov.uk, scaling: { min: 2, max: 4 } }");
    const lines = estimate({ name: "x", spec: s, size: chooseFargate({ cpu: 0.5, memoryGiB: 1 }, "x") }, DEFAULT_ASSUMPTIONS);
    expect(lines.map((l) => l.item)).toEqual(["Fargate vCPU", "Fargate memory", "Application Load Balancer", "Load balancer capacity units", "Load balancer public IPv4 addresses (2)", "Internet data transfer out"]);
    expect(lines[0]?.monthlyUsd).toBeCloseTo(0.5 * 2 * 730 * 0.04656, 2);
    expect(lines[2]?.monthlyUsd).toBeCloseTo(730 * 0.02646, 2);
  });

  it("prices CloudFront instead of load balancer egress for a public service without a domain", () => {
    const s = spec("{ kind: web-service, image: nginx, public: true }");
    const items = estimate({ name: "x", spec: s }, DEFAULT_ASSUMPTIONS).map((l) => l.item);
    expect(items).toContain("CloudFront data transfer out");
    expect(items).not.toContain("Internet data transfer out");
  });

  it("prices a Multi-AZ database at the Multi-AZ rate, with storage", () => {
    const s = spec("{ kind: database, highAvailability: true, storageGiB: 100 }");
    const lines = estimate({ name: "x", spec: s, size: chooseRds({ cpu: 1, memoryGiB: 1 }, true, "x") }, DEFAULT_ASSUMPTIONS);
    expect(lines[0]).toMatchObject({ item: "RDS db.t4g.micro Multi-AZ", unitPrice: 0.036, monthlyUsd: 26.28 });
    expect(lines[1]).toMatchObject({ item: "RDS gp3 storage", quantity: 100 });
  });

  it("prices an object store from storage and requests", () => {
    const lines = estimate({ name: "x", spec: spec("{ kind: object-store }") }, DEFAULT_ASSUMPTIONS);
    expect(sumCost(lines)).toBeCloseTo(100 * 0.024 + 1000 * 0.0053 + 1000 * 0.0042, 2);
  });

  it("charges the NAT gateway only when the stack has web services", () => {
    expect(estimatePlatform({ webServices: 0, publicWebServices: 0, databases: 2 }, DEFAULT_ASSUMPTIONS)).toEqual([]);
    const lines = estimatePlatform({ webServices: 2, publicWebServices: 1, databases: 1 }, DEFAULT_ASSUMPTIONS);
    expect(lines[0]).toMatchObject({ item: "NAT gateway (one, shared by the stack)", monthlyUsd: 36.5 });
    expect(lines.every((l) => l.source.estimate)).toBe(true);
  });
});

describe("availability", () => {
  it("gives the RDS SLA for Multi-AZ and single-AZ", () => {
    expect(availability("database", spec("{ kind: database, highAvailability: true }")).percent).toBe(99.95);
    expect(availability("database", spec("{ kind: database }")).percent).toBe(99.5);
    expect(availability("object-store", spec("{ kind: object-store }")).percent).toBe(99.9);
  });
});
