import { type CostLine, POSTGRES_CLIENT, RegionPrices, sumCost } from "@freehold/core";
import { planCost } from "@freehold/core/testing";
import { defaultUsage, parseComponent, DatabaseSpec, ObjectStoreSpec, WebServiceSpec } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { migration } from "./migration";
import { JOBS_SUBNET } from "./network";
import { PRICE_TABLE } from "./price-table";
import { autoGrownStorage, availability, postgresHourly } from "./prices";
import { POSTGRES_SERVER_CA } from "./server-ca";
import { POSTGRES_SKUS } from "./sizes";

const ISO = /^\d{4}-\d{2}-\d{2}$/;
const web = parseComponent(WebServiceSpec, { kind: "web-service", image: "nginx", scaling: { min: 2, max: 4 }, size: { cpu: 1, memoryGiB: 2 } }, "web");
const db = (ha: boolean) => parseComponent(DatabaseSpec, { kind: "database", highAvailability: ha }, "db");
const store = parseComponent(ObjectStoreSpec, { kind: "object-store" }, "files");

const uk = new RegionPrices(PRICE_TABLE, "uksouth");
const items = (lines: CostLine[] | undefined) => (lines ?? []).map((l) => l.item);

describe("Azure price table", () => {
  it("gives every line a source naming its meter, an ISO date and the region, and cites no other project's data", () => {
    for (const [region, lines] of Object.entries(PRICE_TABLE.regions)) {
      for (const [key, p] of Object.entries(lines)) {
        expect(p.source.date, key).toMatch(ISO);
        expect(p.source.region, key).toBe(region);
        expect(p.source.sku, key).toBeTruthy();
        expect(p.source.name.length, key).toBeGreaterThan(10);
      }
    }
    expect(JSON.stringify(PRICE_TABLE)).not.toMatch(/togen|testdata/i);
  });

  it("prices every PostgreSQL SKU the size table can choose, General Purpose per vCore", () => {
    for (const s of POSTGRES_SKUS) expect(postgresHourly(uk, s.name).usd, s.name).toBeGreaterThan(0);
    expect(postgresHourly(uk, "Standard_D2ds_v5").usd).toBeCloseTo(2 * uk.get("pg.generalPurpose.vcore").usd, 4);
  });
});

describe("Azure pricing rules", () => {
  it("price a web service per second of vCPU and memory for its minimum replicas, plus requests; egress only with external ingress", async () => {
    const { components } = await planCost("azure", "name: p\ncomponents:\n  web: { kind: web-service, image: nginx, scaling: { min: 2, max: 4 }, size: { cpu: 1, memoryGiB: 2 }, writableRootFilesystem: true }\n  site: { kind: web-service, image: nginx, public: true, writableRootFilesystem: true }\n");
    const lines = components.get("web") ?? [];
    const seconds = 730 * 3600 * 2;
    expect(lines.map((l) => l.quantity)).toEqual([seconds, seconds * 2, 10]);
    expect(sumCost(lines)).toBeCloseTo(seconds * uk.get("aca.vcpu").usd + seconds * 2 * uk.get("aca.memory").usd + 10 * uk.get("aca.requests").usd, 1);
    expect(items(components.get("site"))).toContain("internet egress (the stack's first 100 GB a month are free, not deducted here)");
  });

  it("double compute and storage for a zone-redundant database", async () => {
    const single = (await planCost("azure", "name: p\ncomponents:\n  db: { kind: database }\n")).components.get("db") ?? [];
    const ha = (await planCost("azure", "name: p\ncomponents:\n  db: { kind: database, highAvailability: true }\n")).components.get("db") ?? [];
    const server = (lines: CostLine[]) => lines.filter((l) => l.resourceType === "azure-native:dbforpostgresql:Server");
    expect(items(server(single))).toEqual([
      "Standard_B1ms compute",
      "storage, 32 GiB provisioned: auto-grow doubles the disk and its price each time it is 90% full, and it never shrinks",
    ]);
    expect(sumCost(server(single))).toBeCloseTo(730 * uk.get("pg.Standard_B1ms").usd + 32 * uk.get("pg.storage").usd, 1);
    expect(server(ha)).toHaveLength(4);
    // With high availability the standby's disk grows too, and the estimate says so.
    expect(items(server(ha))[1]).toContain("the standby's disk grows with it");
    expect(sumCost(server(ha))).toBeCloseTo(2 * (730 * postgresHourly(uk, "Standard_D2ds_v5").usd + 32 * uk.get("pg.storage").usd), 1);
  });

  it("price a database's kept backups (keepOnDelete) as lines a destroy leaves billing: the protected instance and thirteen weekly copies", async () => {
    const usage = { ...defaultUsage(), components: { db: { dataGiB: 20 } } };
    const lines = ((await planCost("azure", "name: p\ncomponents:\n  db: { kind: database }\n", usage)).components.get("db") ?? []).filter((l) => l.resourceType === "azure-native:dataprotection:BackupInstance");
    expect(lines.map((l) => [l.quantity, l.unitPrice, l.retained])).toEqual([
      [1, uk.get("backup.pgflex.instance").usd, true],
      [260, uk.get("backup.vault.lrs").usd, true],
    ]);
    const none = (await planCost("azure", "name: p\ncomponents:\n  db: { kind: database, backups: { keepOnDelete: false } }\n")).components.get("db") ?? [];
    expect(none.filter((l) => l.resourceType === "azure-native:dataprotection:BackupInstance")).toEqual([]);
  });

  it("grow a flexible server's disk by doubling steps when the data passes 90% of it", () => {
    expect(autoGrownStorage(32, 10)).toBe(32);
    expect(autoGrownStorage(32, 29)).toBe(64);
    expect(autoGrownStorage(64, 200)).toBe(256);
  });

  it("price an object store's storage, writes and reads, and show the egress of signed URLs even where the usage gives none", async () => {
    const { components } = await planCost("azure", "name: p\ncomponents:\n  files: { kind: object-store }\n");
    const lines = components.get("files") ?? [];
    expect(sumCost(lines)).toBeCloseTo(100 * uk.get("blob.hot").usd + 100 * uk.get("blob.write").usd + 1000 * uk.get("blob.read").usd, 1);
    expect(lines.find((l) => l.item.startsWith("internet egress"))).toMatchObject({ item: "internet egress from the account (downloads, signed URLs: egressGiB in the usage file, none assumed)", quantity: 0, basis: "usage" });
    const used = (await planCost("azure", "name: p\ncomponents:\n  files: { kind: object-store }\n", { ...defaultUsage(), components: { files: { egressGiB: 500 } } })).components.get("files") ?? [];
    expect(used.find((l) => l.item.startsWith("internet egress"))?.monthlyUsd).toBeCloseTo(500 * uk.get("egress.internet").usd, 2);
  });

  it("charge the platform the database's private DNS zone, the Key Vault reads and the log workspace's ingestion, container and audit logs, once", async () => {
    const { platform } = await planCost("azure", "name: p\ncomponents:\n  db: { kind: database }\n  files: { kind: object-store }\n  a: { kind: web-service, image: nginx, writableRootFilesystem: true, links: [db] }\n  b: { kind: web-service, image: nginx, writableRootFilesystem: true, links: [db] }\n");
    expect(items(platform).filter((i) => /private DNS zone|Key Vault|Log Analytics/.test(i))).toHaveLength(4);
    expect(platform.find((l) => l.item.startsWith("Log Analytics ingestion, container logs"))?.quantity).toBe(10);
    // Audit logs: the database's 1 GB of server log, the store's 11 million operations at about 1 KB, the vault's reads.
    const audit = platform.find((l) => l.item.startsWith("Log Analytics ingestion, audit logs"));
    expect(audit?.item).toContain("audit logs of 3 resource(s)");
    expect(audit?.quantity).toBeCloseTo(1 + (11_000_000 + 2 * 2 * 730) / (1024 * 1024), 1);
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

  it("reaches the private server from inside the network, verified (verify-full) against the roots linked services trust, and reads the password from Key Vault", () => {
    const m = migration.database({ name: "db", stack, databaseName: "app", physicalName: "" });
    expect(m).toMatchObject({ port: 5432, database: "app", user: "app_admin", sslmode: "verify-full", serverCa: { pem: POSTGRES_SERVER_CA } });
    expect(m.host).toMatch(/^shop-dev-db-[a-z0-9]{6}\.postgres\.database\.azure\.com$/);
    expect(m.access).toMatch(/no public endpoint/);
    expect(m.access).toMatch(/pg_dump/);
    // The vault and secret names end in random suffixes: both are found by their tags.
    expect(m.passwordCommand).toContain(`az keyvault list -g shop-dev-rg --query "[?tags.\\"freehold-stack\\"=='shop' && tags.\\"pulumi-stack\\"=='dev'].name | [0]"`);
    expect(m.passwordCommand).toContain(`[?tags.\\"freehold-secret\\"=='db-admin-password'].id | [0]`);
  });

  it("runs the jump container in the network's own jobs subnet, so the next up does not delete it", () => {
    const m = migration.database({ name: "db", stack, databaseName: "app", physicalName: "" });
    // The network's resource group ends in a random suffix: the jump container finds the network by its tags.
    expect(m.access).toContain(`--vnet $(az network vnet list --query "[?name=='shop-dev-vnet' && tags.\\"freehold-stack\\"=='shop' && tags.\\"pulumi-stack\\"=='dev'].id | [0]" -o tsv) --subnet ${JOBS_SUBNET.name} `);
    // The runbook's PostgreSQL 17 client, pinned by digest: never older than the server.
    expect(m.access).toContain(`--image ${POSTGRES_CLIENT.image} `);
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
