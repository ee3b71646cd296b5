import { DEFAULT_ASSUMPTIONS, FEATURES, sumCost } from "@freehold/core";
import { DatabaseSpec, ObjectStoreSpec, WebServiceSpec } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { CAPABILITIES } from "./capabilities";
import { backend } from "./index";
import { PRICES } from "./prices";

const region = { cloud: "gcp" as const, region: "europe-west2", country: "GB", city: "London", zones: 3 };
const stack = { name: "shop", stack: "dev", prefix: "shop-dev", region, residency: "uk" as const, tags: {} };

describe("gcp capabilities", () => {
  it("has exactly one row for every neutral feature", () => {
    expect(CAPABILITIES.map((c) => c.feature).sort()).toEqual(Object.keys(FEATURES).sort());
    for (const c of CAPABILITIES) {
      expect(c.note.length, c.feature).toBeGreaterThan(20);
      expect(c.source, c.feature).toMatch(/^https:\/\/cloud\.google\.com\//);
    }
  });

  it("marks what Cloud Run cannot do as unsupported", () => {
    const none = CAPABILITIES.filter((c) => c.support === "none").map((c) => c.feature);
    expect(none.sort()).toEqual(["web-service.ip-allow-list", "web-service.read-only-root-filesystem", "web-service.run-as-user", "web-service.web-application-firewall"]);
  });
});

describe("gcp prices", () => {
  it("carries a source and date on every price, and marks figures not in the shared price file as estimates", () => {
    for (const [key, p] of Object.entries(PRICES)) {
      expect(p.source.name.length, key).toBeGreaterThan(10);
      expect(p.source.date, key).toMatch(/^2026-\d\d-\d\d$/);
    }
    expect(PRICES.internetEgressGib.source.estimate).toBe(true);
    expect(PRICES.secretVersionMonth.source.estimate).toBe(true);
    expect(PRICES.runVcpuSecond.usd).toBe(0.0000336);
    expect(PRICES.sqlVcpuHourZonal.usd).toBe(0.0535);
    expect(PRICES.gcsStandardGibMonth.usd).toBe(0.023);
  });

  it("estimates a web service from instance-seconds at Tier 2 rates", () => {
    const spec = WebServiceSpec.parse({ kind: "web-service", image: "x", size: { cpu: 1, memoryGiB: 2 }, scaling: { min: 2, max: 4 } });
    const lines = backend.estimate({ name: "web", spec }, DEFAULT_ASSUMPTIONS);
    const seconds = 2 * 730 * 3600;
    expect(lines[0]?.monthlyUsd).toBeCloseTo(seconds * 0.0000336, 2);
    expect(lines[1]?.monthlyUsd).toBeCloseTo(seconds * 2 * 0.0000035, 2);
    expect(lines.every((l) => l.source.date)).toBe(true);
  });

  it("bills background work per instance with no request fee, and adds the load balancer and a remote repository where the spec needs them", () => {
    const spec = WebServiceSpec.parse({ kind: "web-service", image: "quay.io/acme/worker:1", background: true, scaling: { min: 1, max: 2 }, size: { cpu: 1, memoryGiB: 2 } });
    const lines = backend.estimate({ name: "worker", spec }, DEFAULT_ASSUMPTIONS);
    const seconds = 730 * 3600;
    expect(lines[0]?.monthlyUsd).toBeCloseTo(seconds * 0.0000252, 2);
    expect(lines[1]?.source.estimate).toBe(true);
    expect(lines.some((l) => l.item.includes("requests"))).toBe(false);
    expect(lines.at(-1)?.item).toBe("worker: Artifact Registry remote repository, about 1 GiB of cached image");
    const site = backend.estimate({ name: "web", spec: WebServiceSpec.parse({ kind: "web-service", image: "nginx", public: true, domain: "app.example.gov.uk" }) }, DEFAULT_ASSUMPTIONS);
    expect(site.find((l) => l.item.includes("forwarding rules"))?.monthlyUsd).toBeCloseTo(730 * 0.025, 2);
    expect(site.some((l) => l.item.includes("Artifact Registry"))).toBe(false);
  });

  it("estimates a database from its tier, doubling rates for a regional instance", () => {
    const zonal = backend.estimate({ name: "db", spec: DatabaseSpec.parse({ kind: "database", size: "medium", storageGiB: 100 }) }, DEFAULT_ASSUMPTIONS);
    const regional = backend.estimate({ name: "db", spec: DatabaseSpec.parse({ kind: "database", size: "medium", storageGiB: 100, highAvailability: true }) }, DEFAULT_ASSUMPTIONS);
    // db-custom-2-8192: 2 vCPU x 730 h x 0.0535 + 8 GiB x 730 h x 0.00905 + 100 GiB x 0.204 + four secret versions
    expect(sumCost(zonal)).toBeCloseTo(78.11 + 52.85 + 20.4 + 0.24, 1);
    expect(sumCost(regional)).toBeGreaterThan(1.9 * sumCost(zonal));
  });

  it("estimates a bucket from stored GiB and operations", () => {
    const lines = backend.estimate({ name: "files", spec: ObjectStoreSpec.parse({ kind: "object-store" }) }, DEFAULT_ASSUMPTIONS);
    expect(lines.map((l) => l.monthlyUsd)).toEqual([2.3, 5, 4]);
  });

  it("gives availability per configuration, with no SLA for a single-zone database", () => {
    expect(backend.availability("web-service", WebServiceSpec.parse({ kind: "web-service", image: "x" })).percent).toBe(99.95);
    expect(backend.availability("database", DatabaseSpec.parse({ kind: "database", highAvailability: true })).percent).toBe(99.95);
    const single = backend.availability("database", DatabaseSpec.parse({ kind: "database" }));
    expect(single.percent).toBeUndefined();
    expect(single.basis).toContain("excluded from the Cloud SQL SLA");
    expect(backend.availability("object-store", ObjectStoreSpec.parse({ kind: "object-store" })).percent).toBe(99.9);
  });

  it("charges nothing for the shared network, and nothing at all for a stack of buckets", () => {
    expect(sumCost(backend.estimatePlatform({ webServices: 1, publicWebServices: 1, databases: 1 }, DEFAULT_ASSUMPTIONS))).toBe(0);
    expect(backend.estimatePlatform({ webServices: 0, publicWebServices: 0, databases: 0 }, DEFAULT_ASSUMPTIONS)).toEqual([]);
  });
});

describe("gcp migration details", () => {
  it("reaches the database on its private IP from inside the VPC and reads the password from Secret Manager", () => {
    const m = backend.migration.database({ name: "db", stack, databaseName: "app", physicalName: "shop-db" });
    expect(m).toMatchObject({ port: 5432, database: "app", user: "freehold_admin", sslmode: "require" });
    expect(m.host).toBe("$(gcloud compute addresses describe shop-dev-db-db --region=europe-west2 --format='value(address)')");
    expect(m.passwordCommand).toBe("gcloud secrets versions access latest --secret=shop-dev-db-db-admin-password");
    // Without the physical name, the instance is found by the fixed part of its id.
    expect(backend.migration.database({ name: "db", stack, databaseName: "app" }).access).toContain("cloud-sql-proxy --psc $(gcloud config get-value project):europe-west2:$(gcloud sql instances list --filter='name ~ ^shop-dev-db-'");
    expect(m.access).toContain("cloud-sql-proxy --psc");
  });

  it("configures an rclone gcs remote with uniform bucket-level access and ambient credentials", () => {
    const m = backend.migration.objectStore({ name: "files", stack, bucketName: "shop-files-abc123" });
    expect(m).toMatchObject({ rcloneType: "gcs", path: "shop-files-abc123", rcloneOptions: { env_auth: "true", bucket_policy_only: "true", location: "europe-west2" } });
    expect(backend.migration.egress.usd).toBe(0.12);
  });
});

describe("gcp backend", () => {
  it("names its services and loads only the provider submodules it uses", () => {
    expect(backend.cloud).toBe("gcp");
    expect(backend.services).toEqual({ "web-service": "Cloud Run", database: "Cloud SQL for PostgreSQL", "object-store": "Cloud Storage" });
    const loaded = Object.keys(require.cache).filter((k) => k.includes("@pulumi/gcp/") || k.includes("@pulumi/aws") || k.includes("@pulumi/azure"));
    expect(loaded.some((k) => k.includes("@pulumi/gcp/cloudrunv2/"))).toBe(true);
    expect(loaded.some((k) => /@pulumi\/gcp\/index\.js$/.test(k))).toBe(false);
    expect(loaded.some((k) => /@pulumi\/(aws|azure)/.test(k))).toBe(false);
  });
});
