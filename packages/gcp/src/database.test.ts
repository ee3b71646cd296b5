import type { MockRun } from "@freehold/core";
import { beforeAll, describe, expect, it } from "vitest";
import { secretReplication } from "./database";
import { one, plan } from "./testing";

const INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";
const stack = `
name: shop
residency: uk
components:
  db:
    kind: database
    version: "15"
    size: { cpu: 2, memoryGiB: 8 }
    storageGiB: 50
    highAvailability: true
    backups: { retentionDays: 14, pointInTimeRecovery: true }
    databaseName: market
  scratch:
    kind: database
    deletionProtection: false
    backups: { retentionDays: 7, pointInTimeRecovery: false }
`;

describe("database on Cloud SQL for PostgreSQL", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(stack);
  });

  it("creates a private, TLS-only PostgreSQL instance of the chosen tier with SSD storage", () => {
    const i = one(run, INSTANCE, "db-instance").inputs as { settings: Record<string, unknown> } & Record<string, unknown>;
    expect(i).toMatchObject({ name: "shop-dev-db", databaseVersion: "POSTGRES_15", region: "europe-west2" });
    expect(i.settings).toMatchObject({ edition: "ENTERPRISE", tier: "db-custom-2-8192", diskType: "PD_SSD", diskSize: 50, diskAutoresize: true });
    expect(i.settings.ipConfiguration).toEqual({ ipv4Enabled: false, privateNetwork: "shop-network-id", allocatedIpRange: "shop-dev-private-services", sslMode: "ENCRYPTED_ONLY" });
    expect(i.settings.databaseFlags).toEqual([
      { name: "log_connections", value: "on" },
      { name: "log_disconnections", value: "on" },
    ]);
  });

  it("keeps backups for the retention asked, with point-in-time recovery and a regional standby for HA", () => {
    const s = (one(run, INSTANCE, "db-instance").inputs as { settings: Record<string, unknown> }).settings;
    expect(s.availabilityType).toBe("REGIONAL");
    expect(s.backupConfiguration).toEqual({ enabled: true, pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: 7, backupRetentionSettings: { retainedBackups: 14, retentionUnit: "COUNT" } });
    const scratch = (one(run, INSTANCE, "scratch-instance").inputs as { settings: Record<string, unknown> }).settings;
    expect(scratch.availabilityType).toBe("ZONAL");
    expect(scratch.backupConfiguration).toMatchObject({ enabled: true, pointInTimeRecoveryEnabled: false, backupRetentionSettings: { retainedBackups: 7 } });
    expect(scratch.tier).toBe("db-custom-1-3840");
  });

  it("protects and retains the instance, its database, user and password by default", () => {
    const i = one(run, INSTANCE, "db-instance");
    expect(i.inputs.deletionProtection).toBe(true);
    expect((i.inputs.settings as Record<string, unknown>).deletionProtectionEnabled).toBe(true);
    for (const name of ["db-instance", "db-database", "db-user", "db-secret", "db-secret-version"]) {
      const r = run.resources.find((x) => x.name === name);
      expect(r?.options, name).toMatchObject({ protect: true, retainOnDelete: true });
    }
  });

  it("turns both protections off when deletionProtection is false", () => {
    const i = one(run, INSTANCE, "scratch-instance");
    expect(i.inputs.deletionProtection).toBe(false);
    expect((i.inputs.settings as Record<string, unknown>).deletionProtectionEnabled).toBe(false);
    expect(i.options.retainOnDelete).toBe(false);
    expect(one(run, "gcp:sql/database:Database", "scratch-database").options.retainOnDelete).toBe(false);
  });

  it("waits for private services access and the Cloud SQL API", () => {
    const deps = one(run, INSTANCE, "db-instance").options.dependsOn;
    expect(deps.some((d) => d.endsWith("servicenetworking/connection:Connection::shop-private-services"))).toBe(true);
    expect(deps.some((d) => d.endsWith("::shop-api-sqladmin"))).toBe(true);
  });

  it("creates the database and an application user whose password is a secret kept in Secret Manager in the UK", () => {
    expect(one(run, "gcp:sql/database:Database", "db-database").inputs).toEqual({ name: "market", instance: "shop-dev-db" });
    expect(one(run, "gcp:sql/user:User", "db-user").inputs).toMatchObject({ name: "app", instance: "shop-dev-db", password: "[secret]" });
    expect(one(run, "random:index/randomPassword:RandomPassword", "db-password").inputs).toMatchObject({ length: 32, special: false });
    expect(one(run, "gcp:secretmanager/secret:Secret", "db-secret").inputs).toMatchObject({
      secretId: "shop-dev-db-db-password",
      replication: { userManaged: { replicas: [{ location: "europe-west2" }] } },
    });
    expect(one(run, "gcp:secretmanager/secretVersion:SecretVersion", "db-secret-version").inputs.secretData).toBe("[secret]");
  });

  it("replicates the secret automatically only when the stack has no residency rule", () => {
    const region = { cloud: "gcp" as const, region: "europe-west2", country: "GB", city: "London", zones: 3 };
    expect(secretReplication({ name: "s", stack: "dev", prefix: "s-dev", region, residency: "none", tags: {} })).toEqual({ auto: {} });
    expect(secretReplication({ name: "s", stack: "dev", prefix: "s-dev", region, residency: "eu", tags: {} })).toEqual({ userManaged: { replicas: [{ location: "europe-west2" }] } });
  });

  it("reports the tier it chose and exports a secret connection string on the private address", () => {
    const c = run.components.find((x) => x.name === "db");
    expect(c?.description.service).toBe("Cloud SQL for PostgreSQL");
    expect(c?.description.size?.sku).toBe("db-custom-2-8192");
    expect(run.outputs).toBeDefined();
  });

  it("registers no invokes and gives identical plans on two runs", async () => {
    expect(run.invokes).toEqual([]);
    const again = await plan(stack);
    expect(JSON.stringify(again.resources)).toBe(JSON.stringify(run.resources));
  });
});
