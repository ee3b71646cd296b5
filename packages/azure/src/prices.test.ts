import { DEFAULT_ASSUMPTIONS, sumCost } from "@freehold/core";
import { parseComponent, DatabaseSpec, ObjectStoreSpec, WebServiceSpec } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { migration } from "./migration";
import { JOBS_SUBNET } from "./network";
import { availability, estimate, estimatePlatform, postgresHourly, PRICES } from "./prices";
import { POSTGRES_SKUS } from "./sizes";

const ISO = /^\d{4}-\d{2}-\d{2}$/;
const web = parseComponent(WebServiceSpec, { kind: "web-service", image: "nginx", scaling: { min: 2, max: 4 }, size: { cpu: 1, memoryGiB: 2 } }, "web");
const db = (ha: boolean) => parseComponent(DatabaseSpec, { kind: "database", highAvailability: ha }, "db");
const store = parseComponent(ObjectStoreSpec, { kind: "object-store" }, "files");

describe("prices", () => {
  it("carry a source with an ISO date on every figure, estimates marked", () => {
    for (const [key, p] of Object.entries(PRICES)) {
      expect(p.source.date, key).toMatch(ISO);
      expect(p.source.name.length, key).toBeGreaterThan(10);
    }
    expect(PRICES.containerAppsVcpuActive.usd).toBe(0.000034);
    expect(PRICES.containerAppsVcpuActive.source.estimate).toBeUndefined();
    expect(PRICES.egress.source.estimate).toBe(true);
  });

  it("use the uksouth list prices for B1ms and B2s and mark other SKUs as estimates", () => {
    expect(postgresHourly("Standard_B1ms")).toMatchObject({ usd: 0.019, source: { date: "2026-09-06" } });
    expect(postgresHourly("Standard_B1ms").source.estimate).toBeUndefined();
    expect(postgresHourly("Standard_B2s").usd).toBe(0.076);
    expect(postgresHourly("Standard_D2ds_v5")).toMatchObject({ usd: 0.206, source: { estimate: true } });
    for (const s of POSTGRES_SKUS) expect(postgresHourly(s.name).usd, s.name).toBeGreaterThan(0);
  });

  it("price a web service per second of vCPU and memory for its minimum replicas, plus requests", () => {
    const lines = estimate({ name: "web", spec: web }, DEFAULT_ASSUMPTIONS);
    const seconds = 730 * 3600 * 2;
    expect(lines.map((l) => l.quantity)).toEqual([seconds, seconds * 2, 10]);
    expect(sumCost(lines)).toBeCloseTo(seconds * 0.000034 + seconds * 2 * 0.000004 + 10 * 0.4, 1);
  });

  it("double compute and storage for a zone-redundant database", () => {
    const single = estimate({ name: "db", spec: db(false) }, DEFAULT_ASSUMPTIONS);
    const ha = estimate({ name: "db", spec: db(true) }, DEFAULT_ASSUMPTIONS);
    expect(single.map((l) => l.item)).toEqual(["db: Standard_B1ms compute", "db: storage, 32 GiB provisioned"]);
    expect(sumCost(single)).toBeCloseTo(730 * 0.019 + 32 * 0.133, 1);
    expect(ha).toHaveLength(4);
    expect(sumCost(ha)).toBeCloseTo(2 * (730 * 0.206 + 32 * 0.133), 1);
  });

  it("price an object store's storage, writes and reads", () => {
    const lines = estimate({ name: "files", spec: store }, DEFAULT_ASSUMPTIONS);
    expect(sumCost(lines)).toBeCloseTo(100 * 0.0192 + 100 * 0.059 + 1000 * 0.0047, 1);
  });

  it("charge the stack for egress beyond the free 100 GB and the database DNS zone", () => {
    const lines = estimatePlatform({ webServices: 2, publicWebServices: 2, databases: 1 }, DEFAULT_ASSUMPTIONS);
    expect(lines.find((l) => l.item.startsWith("internet egress"))?.quantity).toBe(100);
    expect(lines.map((l) => l.item)).toContain("private DNS zone for PostgreSQL");
    expect(estimatePlatform({ webServices: 0, publicWebServices: 0, databases: 0 }, DEFAULT_ASSUMPTIONS)).toEqual([]);
  });

  it("report the SLA of each configuration with its source", () => {
    expect(availability("database", db(true)).percent).toBe(99.99);
    expect(availability("database", db(false)).percent).toBe(99.9);
    expect(availability("web-service", web).source.estimate).toBe(true);
    expect(availability("object-store", store).percent).toBe(99.9);
  });
});

describe("migration", () => {
  const stack = { name: "shop", stack: "dev", prefix: "shop-dev", region: { cloud: "azure" as const, region: "uksouth", country: "GB", city: "London", zones: 3 }, residency: "uk" as const, tags: { "pulumi-stack": "dev" } };

  it("reaches the private server from inside the network and reads the password from Key Vault", () => {
    const m = migration.database({ name: "db", stack, databaseName: "app", physicalName: "" });
    expect(m).toMatchObject({ port: 5432, database: "app", user: "app_admin", sslmode: "require" });
    expect(m.host).toMatch(/^shop-dev-db-[a-z0-9]{6}\.postgres\.database\.azure\.com$/);
    expect(m.access).toMatch(/no public endpoint/);
    expect(m.access).toMatch(/pg_dump/);
    // The vault and secret names end in random suffixes: both are found by their tags.
    expect(m.passwordCommand).toContain(`az keyvault list -g shop-dev-rg --query "[?tags.\\"freehold-stack\\"=='shop' && tags.\\"pulumi-stack\\"=='dev'].name | [0]"`);
    expect(m.passwordCommand).toContain(`[?tags.\\"freehold-secret\\"=='db-admin-password'].id | [0]`);
  });

  it("runs the jump container in the network's own jobs subnet, so the next up does not delete it", () => {
    const m = migration.database({ name: "db", stack, databaseName: "app", physicalName: "" });
    expect(m.access).toContain(`--vnet shop-dev-vnet --subnet ${JOBS_SUBNET.name} `);
    // The subnet already exists (defined inline with the network): the runbook must not create one.
    expect(m.access).not.toContain("--subnet-address-prefix");
  });

  it("uses an azureblob rclone remote with Entra ID credentials, never account keys", () => {
    const m = migration.objectStore({ name: "files", stack, bucketName: "files" });
    expect(m.rcloneType).toBe("azureblob");
    expect(m.rcloneOptions).toEqual({ account: expect.stringMatching(/^shopdevfiles[a-z0-9]{6}$/), env_auth: "true" });
    expect(m.path).toBe("files");
    expect(JSON.stringify(m.rcloneOptions)).not.toMatch(/key/);
  });
});
