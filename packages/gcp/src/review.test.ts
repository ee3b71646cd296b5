/**
 * Plans that show each finding of the second Google Cloud review is fixed:
 * the inputs that make the difference, one `describe` per finding.
 */
import { type MockRun, priceRun } from "@freehold/core";
import { defaultUsage } from "@freehold/model";
import { beforeAll, describe, expect, it } from "vitest";
import { FINAL_BACKUP_DAYS } from "./database";
import { DATABASE_WAIT_SECONDS, ROLE_JOB_IMAGE, ROLE_SCRIPT } from "./db-role";
import { backend } from "./index";
import { one, plan } from "./testing";

const INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";
const settingsOf = (run: MockRun, name: string) => (one(run, INSTANCE, name).inputs as { settings: Record<string, unknown> }).settings;

describe("2. backups survive the deletion of their database", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(`
name: shop
components:
  db: { kind: database, deletionProtection: false }
  off: { kind: database, deletionProtection: false, backups: { keepOnDelete: false } }
`);
  });

  it("keeps the automated backups and takes a final backup, kept a year, when the instance is deleted", () => {
    expect(settingsOf(run, "db-instance")).toMatchObject({ retainBackupsOnDelete: true, finalBackupConfig: { enabled: true, retentionDays: FINAL_BACKUP_DAYS } });
    expect(FINAL_BACKUP_DAYS).toBe(365);
    expect(one(run, INSTANCE, "db-instance").inputs.finalBackupDescription).toBe("Final backup of Freehold stack shop-dev, database db");
  });

  it("keeps nothing when backups.keepOnDelete is false", () => {
    expect(settingsOf(run, "off-instance")).toMatchObject({ retainBackupsOnDelete: false, finalBackupConfig: { enabled: false } });
    expect(one(run, INSTANCE, "off-instance").inputs.finalBackupDescription).toBeUndefined();
  });

  it("prices what a destroy leaves behind, outside the monthly total", () => {
    const priced = priceRun(backend.pricing, run, defaultUsage());
    const kept = priced.afterDestroy.filter((l) => /backups kept after a destroy/.test(l.item));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ quantity: 20, resourceType: INSTANCE });
    expect([...priced.components.values()].flat().some((l) => /backups kept after a destroy/.test(l.item))).toBe(false);
  });
});

describe("database TLS: the server is verified (verify-full), on the name its certificate carries", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(`
name: shop
components:
  db: { kind: database }
  reports: { kind: database }
  web: { kind: web-service, image: ghcr.io/example/web:1.0, writableRootFilesystem: true, links: [db, reports] }
`);
  });
  const container = (r: MockRun, type: string, name: string) => {
    const t = one(r, type, name).inputs.template as { containers?: unknown[]; template?: { containers: unknown[] }; volumes?: unknown[] };
    return (t.containers ?? t.template?.containers ?? [])[0] as { envs: Array<{ name: string; value?: string }>; volumeMounts?: unknown };
  };

  it("signs the server certificate with Google's shared CA, which names the instance's DNS name", () => {
    expect((settingsOf(run, "db-instance").ipConfiguration as Record<string, unknown>).serverCaMode).toBe("GOOGLE_MANAGED_CAS_CA");
  });

  it("resolves the instance's DNS name to its Private Service Connect endpoint in the stack's network", () => {
    const zone = one(run, "gcp:dns/managedZone:ManagedZone", "db-dns-zone").inputs;
    expect(zone).toMatchObject({ visibility: "private", dnsName: expect.stringMatching(/^[0-9a-f]{10}\.europe-west2\.sql\.goog\.$/), privateVisibilityConfig: { networks: [{ networkUrl: "projects/freehold-plan/global/networks/shop-dev-network" }] } });
    const record = one(run, "gcp:dns/recordSet:RecordSet", "db-dns-record");
    expect(record.inputs).toMatchObject({ type: "A", name: zone.dnsName, rrdatas: [one(run, "gcp:compute/address:Address", "db-endpoint-address").inputs.address ?? expect.stringMatching(/^10\.10\./)] });
    expect(record.propertyDependencies.rrdatas?.map((d) => d.split("::").pop())).toEqual(["db-endpoint-address"]);
  });

  it("puts every linked database's authorities in one read-only file at DATABASE_CA_PATH and connects with verify-full", () => {
    const env = Object.fromEntries(container(run, "gcp:cloudrunv2/service:Service", "web-service").envs.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ DB_DATABASE_SSLMODE: "verify-full", DB_DATABASE_SSLROOTCERT: "/etc/freehold/tls/database-ca.pem", REPORTS_DATABASE_SSLMODE: "verify-full" });
    expect(env.DB_DATABASE_HOST).toMatch(/\.europe-west2\.sql\.goog$/);
    const template = one(run, "gcp:cloudrunv2/service:Service", "web-service").inputs.template as { volumes: unknown[] };
    expect(template.volumes).toEqual([{ name: "database-ca", secret: { secret: "shop-dev-web-database-ca", defaultMode: 0o444, items: [{ path: "database-ca.pem", version: "1", mode: 0o444 }] } }]);
    expect(container(run, "gcp:cloudrunv2/service:Service", "web-service").volumeMounts).toEqual([{ name: "database-ca", mountPath: "/etc/freehold/tls" }]);
    const bundle = one(run, "gcp:secretmanager/secretVersion:SecretVersion", "web-database-ca-version");
    expect(bundle.propertyDependencies.secretData?.map((d) => d.split("::").pop()).sort()).toEqual(["db-instance", "reports-instance"]);
  });

  it("returns the instance's authorities as serverCa", async () => {
    const { runWithMocks, registerBackend } = await import("@freehold/core");
    const { Database } = await import("@freehold/core");
    registerBackend(backend);
    let pem = "";
    await runWithMocks("gcp", () => {
      const db = new Database("db", {}, { cloud: "gcp" });
      db.serverCa?.apply((p) => {
        pem = p;
      });
    });
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]*-----END CERTIFICATE-----\n$/);
  });

  it("has the role job verify the server too, with the database's own authorities", () => {
    const env = Object.fromEntries(container(run, "gcp:cloudrunv2/job:Job", "db-role-job").envs.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ PGSSLMODE: "verify-full", PGSSLROOTCERT: "/etc/freehold/tls/database-ca.pem", PGHOST: expect.stringMatching(/\.sql\.goog$/) });
  });
});

describe("4. the role job's first run reaches the database, or says why it could not", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan("name: shop\ncomponents:\n  db: { kind: database }\n");
  });

  it("starts only once the database's endpoint and DNS record exist", () => {
    const deps = one(run, "gcp:cloudrunv2/job:Job", "db-role-job").options.dependsOn.map((d) => d.split("::").pop());
    expect(deps).toEqual(expect.arrayContaining(["db-endpoint", "db-dns-record", "db-role-job-grants-settled"]));
  });

  it("waits for the database with a bound, each attempt with a connect timeout, and fails the deployment saying why", () => {
    expect(ROLE_SCRIPT).toContain(`deadline=$(( $(date +%s) + \${FREEHOLD_DB_WAIT_SECONDS:-${DATABASE_WAIT_SECONDS}} ))`);
    expect(ROLE_SCRIPT).toContain("until pg_isready -q -t 10; do");
    expect(ROLE_SCRIPT).toMatch(/did not answer within .* the application roles were not created/);
    const job = one(run, "gcp:cloudrunv2/job:Job", "db-role-job").inputs as { runExecutionToken: string; template: { template: { timeout: string; maxRetries: number } } };
    // runExecutionToken: the provider waits for the execution, so a failure fails the `up`.
    expect(job.runExecutionToken).toMatch(/^r[a-z0-9]{8}$/);
    expect(job.template.template).toMatchObject({ timeout: "600s", maxRetries: 3 });
  });
});

describe("6. the role job runs an image pinned by digest, through the stack's own registry", () => {
  it("pulls postgres 17.11-alpine by its index digest through an Artifact Registry remote repository of Docker Hub", async () => {
    const run = await plan("name: shop\ncomponents:\n  db: { kind: database }\n");
    const job = one(run, "gcp:cloudrunv2/job:Job", "db-role-job").inputs as { template: { template: { containers: Array<{ image: string }> } } };
    expect(job.template.template.containers[0]?.image).toBe(`europe-west2-docker.pkg.dev/freehold-plan/shop-dev-freehold-tools-images/library/postgres@${ROLE_JOB_IMAGE.digest}`);
    expect(ROLE_JOB_IMAGE.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(one(run, "gcp:artifactregistry/repository:Repository", "shop-tool-images").inputs).toMatchObject({
      mode: "REMOTE_REPOSITORY",
      format: "DOCKER",
      location: "europe-west2",
      remoteRepositoryConfig: { dockerRepository: { publicRepository: "DOCKER_HUB" } },
    });
  });
});
