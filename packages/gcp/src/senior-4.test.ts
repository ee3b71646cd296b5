/**
 * Plans that show each finding of the fourth Google Cloud review is fixed: the
 * inputs that make the difference, one `describe` per finding.
 */
import { deployStack, type MockRun, priceRun, registerBackend, runWithMocks } from "@freehold/core";
import { defaultUsage, parseStack } from "@freehold/model";
import { beforeAll, describe, expect, it } from "vitest";
import { CAPABILITIES } from "./capabilities";
import { readFailure } from "./domain-state";
import { backend } from "./index";
import { one, plan } from "./testing";

const IMAGE = "ghcr.io/example/w@sha256:0000000000000000000000000000000000000000000000000000000000000000";
const depNames = (run: MockRun, type: string, name?: string) => one(run, type, name).options.dependsOn.map((d) => d.split("::").pop());

describe("under residency, a worker's and a scheduled job's logs stay in the region", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(`
name: shop
residency: uk
components:
  db: { kind: database }
  work: { kind: worker, image: "${IMAGE}", links: [db] }
  nightly: { kind: scheduled-job, image: "${IMAGE}", schedule: "0 2 * * *", links: [db] }
`);
  });

  it("routes the worker pool's and the job's logs to the regional bucket and keeps them out of _Default, by exact name", () => {
    const filter = String(one(run, "gcp:logging/projectSink:ProjectSink").inputs.filter);
    expect(one(run, "gcp:logging/projectExclusion:ProjectExclusion").inputs.filter).toBe(filter);
    expect(filter).toContain('(resource.type="cloud_run_job" AND (resource.labels.job_name="shop-dev-db-dbrole" OR resource.labels.job_name="shop-dev-nightly"))');
    expect(filter).toContain('(resource.type="cloud_run_worker_pool" AND (resource.labels.worker_pool_name="shop-dev-work"))');
    expect(one(run, "gcp:cloudrunv2/workerPool:WorkerPool").inputs.name).toBe("shop-dev-work");
  });

  it("starts the worker pool and the job only after the sink and the exclusion", () => {
    expect(depNames(run, "gcp:cloudrunv2/workerPool:WorkerPool")).toEqual(expect.arrayContaining(["shop-log-sink", "shop-log-exclusion"]));
    expect(depNames(run, "gcp:cloudrunv2/job:Job", "nightly-job")).toEqual(expect.arrayContaining(["shop-log-sink", "shop-log-exclusion"]));
  });
});

describe("a domain service's run.app address stays closed when its certificate cannot be read", () => {
  const SITE = `
name: site
components:
  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true, domain: app.example.gov.uk }
`;
  /** Plan with Certificate Manager answering `answer`, recording each read's arguments. */
  async function planWith(answer: (args: Record<string, unknown>) => Record<string, unknown>) {
    const reads: Record<string, unknown>[] = [];
    registerBackend({
      ...backend,
      mocks: {
        ...backend.mocks,
        call: (token, args) => {
          if (token !== "gcp:certificatemanager/getCertificates:getCertificates") return backend.mocks.call(token, args);
          reads.push(args as Record<string, unknown>);
          return answer(args as Record<string, unknown>);
        },
      },
    });
    try {
      const run = await runWithMocks("gcp", () => deployStack(parseStack(SITE)), {});
      return { run, reads };
    } finally {
      registerBackend(backend);
    }
  }

  it("asks for the one certificate by its full name in each location, so a long list cannot leave it out", async () => {
    const { reads } = await planWith(() => ({ certificates: [] }));
    expect(reads.map((r) => r.filter).sort()).toEqual([
      expect.stringMatching(/^name="projects\/freehold-plan\/locations\/europe-west2\/certificates\/site-dev-web-[a-z0-9-]+"$/),
      expect.stringMatching(/^name="projects\/freehold-plan\/locations\/global\/certificates\/site-dev-web-[a-z0-9-]+"$/),
    ]);
  });

  // A failure thrown here fails the program, so the up stops before it changes the service's ingress.
  it("fails the up, naming the error, when the read fails for any reason but the API being off (a first up: no certificate yet)", () => {
    expect(readFailure("a.example.gov.uk", "global", new Error("googleapi: Error 403: Certificate Manager API has not been used in project 123 before or it is disabled. SERVICE_DISABLED"))).toBe("NONE");
    expect(() => readFailure("a.example.gov.uk", "global", new Error("Quota exceeded"))).toThrow(/could not read the certificate of a\.example\.gov\.uk in global \(Quota exceeded\)/);
    expect(() => readFailure("a.example.gov.uk", "europe-west2", new Error("Error 403: Permission 'certificatemanager.certs.list' denied"))).toThrow(
      /in europe-west2 \(Error 403: Permission 'certificatemanager\.certs\.list' denied\).*does not guess/,
    );
  });
});

describe("a Cloud SQL instance's maintenance and backups happen outside UK business hours", () => {
  let settings: { maintenanceWindow?: unknown; backupConfiguration?: { startTime?: unknown } };
  beforeAll(async () => {
    const run = await plan("name: shop\ncomponents:\n  db: { kind: database }\n");
    settings = (one(run, "gcp:sql/databaseInstance:DatabaseInstance").inputs as { settings: typeof settings }).settings;
  });

  it("restarts for maintenance only on Sundays from 02:00 UTC (02:00 GMT, 03:00 BST), on the stable track", () => {
    expect(settings.maintenanceWindow).toEqual({ day: 7, hour: 2, updateTrack: "stable" });
  });

  it("starts the daily backup at 22:00 UTC, before the maintenance window, rather than at a time Cloud SQL picks at random", () => {
    expect(settings.backupConfiguration?.startTime).toBe("22:00");
  });
});

describe("the plan says a database size or high-availability change restarts the instance when up runs", () => {
  it("names the restart in the database's details (the rule book's note on the instance cites Google's update call)", async () => {
    const run = await plan("name: shop\ncomponents:\n  db: { kind: database }\n");
    const details = run.components.find((c) => c.name === "db")?.description.details ?? {};
    expect(details.sizeChanges).toBe("a size or highAvailability change restarts the instance when up runs: Cloud SQL cannot hold it for the maintenance window");
  });
});

describe("a larger storageGiB reaches the instance", () => {
  it("leaves the disk size out of ignoreChanges, keeping automatic storage increase on", async () => {
    const run = await plan("name: shop\ncomponents:\n  db: { kind: database, storageGiB: 100 }\n");
    const instance = one(run, "gcp:sql/databaseInstance:DatabaseInstance");
    expect(instance.options.ignoreChanges ?? []).not.toContain("settings.diskSize");
    expect((instance.inputs as { settings: Record<string, unknown> }).settings).toMatchObject({ diskSize: 100, diskAutoresize: true });
  });
});

describe("a database's log volume is priced", () => {
  it("adds Cloud Logging ingestion for the usage file's database logGiB", async () => {
    const run = await plan("name: shop\ncomponents:\n  db: { kind: database }\n");
    const usage = defaultUsage();
    usage.defaults.database = { ...usage.defaults.database, logGiB: 100 };
    const lines = priceRun(backend.pricing, run, usage).components.get("db") ?? [];
    const logging = lines.filter((l) => /Cloud Logging ingestion/.test(l.item));
    expect(logging).toHaveLength(1);
    expect(logging[0]?.quantity).toBe(100);
    expect(logging[0]?.monthlyUsd).toBeCloseTo(50, 2);
  });
});

describe("compare says what a private web service is on Google Cloud", () => {
  it("rates it partial: no Freehold component can call it without all-traffic egress and an invoker grant", () => {
    const row = CAPABILITIES.find((c) => c.feature === "web-service.private");
    expect(row?.support).toBe("partial");
    expect(row?.note).toContain("none of them can call a private service without vendor settings (egress ALL_TRAFFIC) and a grant of your own");
    expect(row?.source).toBe("https://cloud.google.com/run/docs/securing/ingress");
  });
});
