import { type CostLine, RegionPrices, sumCost } from "@freehold/core";
import { planCost } from "@freehold/core/testing";
import { type Component, parseStack, parseUsage } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { PRICE_TABLE } from "./price-table";
import { availability, grownStorage, pricing, RDS_PRICES } from "./prices";

const spec = (yaml: string): Component => Object.values(parseStack(`name: p\ncomponents:\n  x: ${yaml}`).components)[0] as Component;
const ISO = /^\d{4}-\d{2}-\d{2}$/;
const london = new RegionPrices(PRICE_TABLE, "eu-west-2");
const items = (lines: CostLine[] | undefined) => (lines ?? []).map((l) => l.item);

describe("AWS price table", () => {
  it("gives every line a source naming its usagetype, an ISO date and the region, and marks every line not read from a citable price list as an estimate", () => {
    for (const [region, lines] of Object.entries(PRICE_TABLE.regions)) {
      for (const [key, p] of Object.entries(lines)) {
        expect(p.usd, key).toBeGreaterThan(0);
        expect(p.source.date, key).toMatch(ISO);
        expect(p.source.region, key).toBe(region);
        expect(p.source.sku, key).toBeTruthy();
        if (!p.source.estimate) expect(p.source.url, key).toMatch(/^https:\/\/(aws\.amazon\.com|pricing\.us-east-1\.amazonaws\.com)\//);
      }
    }
    for (const p of Object.values(PRICE_TABLE.global)) expect(p.source.estimate || p.source.url).toBeTruthy();
  });

  it("cites no other project's data", () => {
    expect(JSON.stringify(PRICE_TABLE)).not.toMatch(/togen|fgcalc|testdata/i);
  });

  it("prices every RDS class the size table can choose, single-AZ and Multi-AZ", () => {
    for (const [sku, p] of Object.entries(RDS_PRICES)) {
      expect(p.single.usd, sku).toBeGreaterThan(0);
      expect(p.multiAz.usd, sku).toBeGreaterThan(p.single.usd);
    }
  });
});

describe("AWS pricing rules", () => {
  it("prices a public service on a domain from its tasks, the load balancer, its public addresses and egress", async () => {
    const { components } = await planCost("aws", "name: p\ncomponents:\n  web: { kind: web-service, image: nginx, public: true, domain: app.example.gov.uk, scaling: { min: 2, max: 4 }, size: { cpu: 0.5, memoryGiB: 1 }, writableRootFilesystem: true }\n");
    const lines = components.get("web") ?? [];
    expect(items(lines)).toEqual([
      "CloudWatch Logs ingestion (/freehold/p-dev/web)",
      "CloudWatch Logs storage, 365 days kept",
      "Application Load Balancer",
      "Load balancer capacity units (10 M requests, 100 GB)",
      "Load balancer public IPv4 addresses (2, one per subnet)",
      "Internet data transfer out",
      "Fargate vCPU, 2 task(s) x 0.5 vCPU",
      "Fargate memory, 2 task(s) x 1 GB",
    ]);
    expect(lines[6]?.monthlyUsd).toBeCloseTo(0.5 * 2 * 730 * london.get("fargate.vcpu").usd, 2);
    expect(lines[2]).toMatchObject({ quantity: 730, basis: "fixed", resourceType: "aws:lb/loadBalancer:LoadBalancer" });
    expect(lines[5]).toMatchObject({ quantity: 100, basis: "usage" });
  });

  it("prices CloudFront instead of load balancer egress for a public service without a domain", async () => {
    const { components } = await planCost("aws", "name: p\ncomponents:\n  web: { kind: web-service, image: nginx, public: true, writableRootFilesystem: true }\n");
    expect(items(components.get("web"))).toContain("CloudFront data transfer out");
    expect(items(components.get("web"))).not.toContain("Internet data transfer out");
  });

  it("prices a Multi-AZ database at the Multi-AZ rate, its storage, and the RDS-managed master secret besides the two role secrets", async () => {
    const { components } = await planCost("aws", "name: p\ncomponents:\n  db: { kind: database, highAvailability: true, storageGiB: 100, size: { cpu: 1, memoryGiB: 1 } }\n");
    const lines = components.get("db") ?? [];
    expect(lines.find((l) => l.item.startsWith("RDS db."))).toMatchObject({ item: "RDS db.t4g.micro Multi-AZ", unitPrice: london.get("rds.db.t4g.micro.multiAz").usd, quantity: 730 });
    expect(lines.find((l) => l.item.startsWith("RDS gp3"))).toMatchObject({ quantity: 100, unitPrice: london.get("rds.gp3.multiAz").usd });
    expect(lines.filter((l) => l.item.startsWith("Secrets Manager secret"))).toHaveLength(3);
  });

  it("grows RDS storage with the data, up to the autoscaling maximum", () => {
    expect(grownStorage(50, 100, 0)).toBe(50);
    expect(grownStorage(50, 100, 60)).toBe(67);
    expect(grownStorage(50, 100, 500)).toBe(100);
  });

  it("prices an object store from storage and requests, and old versions only where versioning is on", async () => {
    const usage = parseUsage("defaults: { object-store: { noncurrentPercent: 50 } }");
    const { components } = await planCost("aws", "name: p\ncomponents:\n  on: { kind: object-store }\n  off: { kind: object-store, versioning: false }\n", usage);
    expect(sumCost(components.get("off") ?? [])).toBeCloseTo(100 * london.get("s3.standard").usd + 1000 * london.get("s3.tier1").usd + 10000 * london.get("s3.tier2").usd, 2);
    expect(items(components.get("on"))).toContain("S3 Standard storage, old object versions (50% of current data)");
  });

  it("charges the NAT gateway and its address once, on the platform, only when Freehold creates them", async () => {
    const stores = await planCost("aws", "name: p\ncomponents:\n  db: { kind: database }\n");
    expect(stores.platform.filter((l) => /NAT/.test(l.item))).toEqual([]);
    const web = await planCost("aws", "name: p\ncomponents:\n  a: { kind: web-service, image: nginx, writableRootFilesystem: true }\n");
    expect(items(web.platform).filter((i) => /NAT/.test(i))).toEqual([
      "Public IPv4 address (NAT gateway)",
      "NAT gateway (one, shared by the stack)",
      "NAT gateway data processed (10 GB of image pulls and API calls per service, assumed, plus its logs)",
    ]);
    expect(web.platform.find((l) => l.item === "NAT gateway (one, shared by the stack)")?.monthlyUsd).toBeCloseTo(730 * london.get("nat.hour").usd, 2);
  });

  it("prices the stack's own logs: flow logs, access logs and Container Insights metrics, each with its assumption", async () => {
    const web = await planCost("aws", "name: p\ncomponents:\n  a: { kind: web-service, image: nginx, public: true, writableRootFilesystem: true }\n");
    const platform = items(web.platform);
    expect(platform).toContain("CloudWatch Logs ingestion (/freehold/p-dev/vpc-flow-logs)");
    expect(platform).toContain("S3 Standard storage, load balancer access logs (0.1 GB per million requests, assumed)");
    expect(platform).toContain("S3 Standard storage, CloudFront standard logs (0.1 GB per million requests, assumed)");
    const insights = web.platform.find((l) => l.item.startsWith("Container Insights metrics"));
    expect(insights?.item).toBe("Container Insights metrics (32: 12 for the cluster and 20 per service, assumed)");
    expect(insights?.monthlyUsd).toBeCloseTo(32 * london.get("cw.metric").usd, 2);
  });

  it("has a rule or a reason for each type it names, never both", () => {
    for (const type of Object.keys(pricing.priced)) expect(type in pricing.free, type).toBe(false);
  });
});

describe("availability", () => {
  it("gives the RDS SLA for Multi-AZ and single-AZ", () => {
    expect(availability("database", spec("{ kind: database, highAvailability: true }")).percent).toBe(99.95);
    expect(availability("database", spec("{ kind: database }")).percent).toBe(99.5);
    expect(availability("object-store", spec("{ kind: object-store }")).percent).toBe(99.9);
  });
});
