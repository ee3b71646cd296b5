import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { type CostLine, FEATURES, RegionPrices, sumCost } from "@freehold/core";
import { planCost } from "@freehold/core/testing";
import { DatabaseSpec, defaultUsage, ObjectStoreSpec, WebServiceSpec } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { CAPABILITIES } from "./capabilities";
import { backend } from "./index";
import { PRICE_TABLE } from "./price-table";

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
    expect(none.sort()).toEqual([
      "scheduled-job.read-only-root-filesystem",
      "scheduled-job.run-as-user",
      "web-service.read-only-root-filesystem",
      "web-service.run-as-user",
      "worker.read-only-root-filesystem",
      "worker.run-as-user",
    ]);
  });
});

const london = new RegionPrices(PRICE_TABLE, "europe-west2");
const items = (lines: CostLine[] | undefined) => (lines ?? []).map((l) => l.item);

describe("gcp prices", () => {
  it("carries a source with its SKU (where the catalog has one), date and region on every line, and cites no other project's data", () => {
    for (const [r, lines] of Object.entries(PRICE_TABLE.regions)) {
      for (const [key, p] of Object.entries(lines)) {
        expect(p.source.name.length, key).toBeGreaterThan(10);
        expect(p.source.date, key).toMatch(/^2026-\d\d-\d\d$/);
        expect(p.source.region, key).toBe(r);
      }
    }
    expect(PRICE_TABLE.global["egress.internet"]?.source.estimate).toBe(true);
    expect(JSON.stringify(PRICE_TABLE)).not.toMatch(/togen|testdata/i);
  });

  it("estimates a web service from instance-seconds at Tier 2 rates, with its requests, egress and logs", async () => {
    const { components } = await planCost("gcp", "name: p\ncomponents:\n  web: { kind: web-service, image: nginx, size: { cpu: 1, memoryGiB: 2 }, scaling: { min: 2, max: 4 }, writableRootFilesystem: true }\n");
    const lines = components.get("web") ?? [];
    const seconds = 2 * 730 * 3600;
    expect(lines[0]?.monthlyUsd).toBeCloseTo(seconds * london.get("run.vcpu").usd, 2);
    expect(lines[1]?.monthlyUsd).toBeCloseTo(seconds * 2 * london.get("run.memory").usd, 2);
    expect(items(lines).slice(2)).toEqual(["Cloud Run requests", "internet egress", "Cloud Logging ingestion (the project's 50 GiB monthly allotment not deducted)"]);
  });

  it("bills background work per instance with no request fee", async () => {
    const { components } = await planCost("gcp", "name: p\ncomponents:\n  worker: { kind: web-service, image: nginx, background: true, scaling: { min: 1, max: 2 }, size: { cpu: 1, memoryGiB: 2 }, writableRootFilesystem: true }\n");
    const lines = components.get("worker") ?? [];
    expect(lines[0]?.monthlyUsd).toBeCloseTo(730 * 3600 * london.get("run.vcpu.instance").usd, 2);
    expect(lines[1]?.source.estimate).toBe(true);
    expect(items(lines).some((i) => i.includes("requests"))).toBe(false);
  });

  it("estimates a database from its tier, doubling rates for a regional instance, with its PSC endpoint and secret versions", async () => {
    const zonal = await planCost("gcp", "name: p\ncomponents:\n  db: { kind: database, size: medium, storageGiB: 100 }\n");
    const regional = await planCost("gcp", "name: p\ncomponents:\n  db: { kind: database, size: medium, storageGiB: 100, highAvailability: true }\n");
    const sql = (r: typeof zonal) => (r.components.get("db") ?? []).filter((l) => l.resourceType === "gcp:sql/databaseInstance:DatabaseInstance");
    // db-custom-2-8192: 2 vCPU x 730 h + 8 GiB x 730 h + 100 GiB of SSD + its logs (the default usage's GiB of Cloud Logging ingestion)
    const logs = (defaultUsage().defaults.database?.logGiB ?? 0) * london.get("logging.ingest").usd;
    expect(sumCost(sql(zonal))).toBeCloseTo(2 * 730 * london.get("sql.vcpu.zonal").usd + 8 * 730 * london.get("sql.memory.zonal").usd + 100 * london.get("sql.ssd.zonal").usd + logs, 1);
    expect(sumCost(sql(regional))).toBeGreaterThan(1.9 * sumCost(sql(zonal)));
    expect(items(zonal.components.get("db"))).toEqual(expect.arrayContaining(["Private Service Connect endpoint (to Cloud SQL)", "Secret Manager active secret version"]));
  });

  it("estimates a bucket from stored GiB and operations", async () => {
    const { components } = await planCost("gcp", "name: p\ncomponents:\n  files: { kind: object-store }\n");
    expect(components.get("files")?.map((l) => l.monthlyUsd)).toEqual([2.3, 5, 4]);
  });

  it("gives availability per configuration, with no SLA for a single-zone database", () => {
    expect(backend.availability("web-service", WebServiceSpec.parse({ kind: "web-service", image: "x" })).percent).toBe(99.95);
    expect(backend.availability("database", DatabaseSpec.parse({ kind: "database", highAvailability: true })).percent).toBe(99.95);
    const single = backend.availability("database", DatabaseSpec.parse({ kind: "database" }));
    expect(single.percent).toBeUndefined();
    expect(single.basis).toContain("excluded from the Cloud SQL SLA");
    expect(backend.availability("object-store", ObjectStoreSpec.parse({ kind: "object-store" })).percent).toBe(99.9);
  });

  it("charges nothing for the shared network; the platform's only cost is the cached image of the role job", async () => {
    const { platform } = await planCost("gcp", "name: p\ncomponents:\n  db: { kind: database }\n  web: { kind: web-service, image: nginx, writableRootFilesystem: true, links: [db] }\n");
    expect(platform.map((l) => l.resourceType)).toEqual(["gcp:artifactregistry/repository:Repository"]);
  });
});

describe("gcp migration details", () => {
  it("reaches the database by the DNS name its certificate names, verified (verify-full) against the CA chain the backend keeps, and reads the password from Secret Manager", () => {
    const m = backend.migration.database({ name: "db", stack, databaseName: "app", physicalName: "shop-dev-db-ab12" });
    expect(m).toMatchObject({ port: 5432, database: "app", user: "freehold_admin", sslmode: "verify-full" });
    // Not the endpoint's IP address: the certificate names <uid>.<region>.sql.goog, which the stack's private zone resolves.
    expect(m.host).toBe("$(gcloud sql instances describe shop-dev-db-ab12 --format='value(dnsName)' | sed 's/[.]$//')");
    // The server CA secret the backend writes for linked services (always with the instance's suffix).
    expect(m.serverCa).toEqual({
      command: "gcloud secrets versions access latest --secret=$(gcloud secrets list --filter='name ~ /secrets/shop-dev-db-db-server-ca(-ab12)$' --sort-by=~createTime --format='value(name.basename())' --limit=1)",
    });
    // The admin password's secret ends with the instance's suffix (none on stacks deployed before it did).
    expect(m.passwordCommand).toBe(
      "gcloud secrets versions access latest --secret=$(gcloud secrets list --filter='name ~ /secrets/shop-dev-db-db-admin-password(-ab12)?$' --sort-by=~createTime --format='value(name.basename())' --limit=1)",
    );
    // Without the physical name, the instance is found by the fixed part of its id.
    // Exactly the generated suffix after the fixed part: a stack shop/dev-db's instances (shop-dev-db-<component>-<suffix>) never match.
    expect(backend.migration.database({ name: "db", stack, databaseName: "app" }).access).toContain(
      "cloud-sql-proxy --psc $(gcloud config get-value project):europe-west2:$(gcloud sql instances list --filter='name ~ ^shop-dev-db-[a-z0-9]{4}$' --sort-by=~createTime --format='value(name)' --limit=1)",
    );
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
    expect(backend.services).toEqual({
      "web-service": "Cloud Run",
      worker: "Cloud Run worker pools",
      "scheduled-job": "Cloud Run jobs and Cloud Scheduler",
      database: "Cloud SQL for PostgreSQL",
      "object-store": "Cloud Storage",
    });
    // In a fresh process: unit tests share their workers, so this one's module cache also holds other files' imports.
    const dist = join(__dirname, "..", "dist", "index.js");
    const script = `require(${JSON.stringify(dist)}); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /@pulumi[/\\\\](gcp|aws|azure)/.test(k))));`;
    const loaded: string[] = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
    expect(loaded.some((k) => k.includes("@pulumi/gcp/cloudrunv2/"))).toBe(true);
    expect(loaded.some((k) => /@pulumi\/gcp\/index\.js$/.test(k))).toBe(false);
    expect(loaded.some((k) => /@pulumi\/(aws|azure)/.test(k))).toBe(false);
  });
});
