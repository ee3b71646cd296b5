import { type MockRun, priceRun } from "@freehold/core";
import { type Cron, defaultUsage, parseCron, UnsupportedFeatureError, WorkerSpec } from "@freehold/model";
import { beforeAll, describe, expect, it } from "vitest";
import { backend } from "./index";
import { overlapNote } from "./scheduled-job";
import { all, one, plan } from "./testing";
import { assertContainerSupported } from "./web-service";
import { workerLaunchStage, workerScaling } from "./worker";

const STACK = `
name: shop
components:
  db: { kind: database }
  files: { kind: object-store }
  mailer:
    kind: worker
    image: ghcr.io/example/shop:1.0
    args: [worker]
    scaling: { min: 1, max: 4 }
    writableRootFilesystem: true
    links: [db, { to: files, access: read }]
  nightly:
    kind: scheduled-job
    image: ghcr.io/example/shop:1.0
    command: [node]
    args: [report.js]
    schedule: "0 2 * * *"
    timeoutSeconds: 900
    retries: 2
    writableRootFilesystem: true
    links: [db]
`;

describe("worker and scheduled job on Google Cloud", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(STACK);
  });

  it("runs a worker as a Cloud Run worker pool (no endpoint, no port), scaled automatically on CPU between its bounds", () => {
    const pool = one(run, "gcp:cloudrunv2/workerPool:WorkerPool", "mailer-worker-pool");
    expect(pool.inputs).toMatchObject({
      name: "shop-dev-mailer",
      location: "europe-west2",
      deletionProtection: false,
      scaling: { scalingMode: "AUTOMATIC", minInstanceCount: 1, maxInstanceCount: 4 },
      template: {
        serviceAccount: "shop-dev-mailer@freehold-plan.iam.gserviceaccount.com",
        vpcAccess: { egress: "PRIVATE_RANGES_ONLY" },
        containers: [{ image: "ghcr.io/example/shop:1.0", args: ["worker"], resources: { limits: { cpu: "1", memory: "1024Mi" } } }],
      },
    });
    const container = (pool.inputs.template as { containers: Array<Record<string, unknown>> }).containers[0];
    expect(container).not.toHaveProperty("ports");
    expect(container).not.toHaveProperty("startupProbe");
    // No Cloud Run service, no invoker, no load balancer for a worker.
    expect(run.resources.filter((r) => r.name.startsWith("mailer-") && /cloudrunv2\/service|compute\//.test(r.type))).toEqual([]);
  });

  it("fixes the instance count when min equals max", () => {
    expect(workerScaling({ min: 2, max: 2 })).toEqual({ scalingMode: "MANUAL", manualInstanceCount: 2 });
  });

  it("says in the plan when a scheduled run can still be going when the next is due, and not otherwise", () => {
    const every15 = parseCron("*/15 * * * *").cron as Cron;
    expect(overlapNote({ timeoutSeconds: 900, retries: 0 }, every15)).toBeUndefined();
    expect(overlapNote({ timeoutSeconds: 900, retries: 1 }, every15)).toBe(
      "runs can overlap: a run may last 1800 s (timeoutSeconds 900 × 2 attempts), longer than the shortest gap between runs (15 min), and every tick starts a run whatever the last one is doing; make the job safe to run twice at once (a PostgreSQL advisory lock, say) or lower timeoutSeconds",
    );
    // The nightly job here: 900 s × 3 attempts, a day apart.
    expect(overlapNote({ timeoutSeconds: 900, retries: 2 }, parseCron("0 2 * * *").cron as Cron)).toBeUndefined();
  });

  it("deploys a fixed-count worker pool at launch stage GA, and only an autoscaled one (CPU autoscaling is a preview feature) at BETA", async () => {
    expect(one(run, "gcp:cloudrunv2/workerPool:WorkerPool", "mailer-worker-pool").inputs.launchStage).toBe("BETA");
    const fixed = await plan(STACK.replace("scaling: { min: 1, max: 4 }", "scaling: { min: 2, max: 2 }"));
    expect(one(fixed, "gcp:cloudrunv2/workerPool:WorkerPool", "mailer-worker-pool").inputs).toMatchObject({ launchStage: "GA", scaling: { scalingMode: "MANUAL", manualInstanceCount: 2 } });
    expect(workerLaunchStage({ min: 0, max: 3 })).toBe("BETA");
  });

  it("gives a worker a web service's grants: the database password secret, no Cloud SQL client role (the endpoint needs none), read access to a bucket", () => {
    const env = (one(run, "gcp:cloudrunv2/workerPool:WorkerPool").inputs.template as { containers: Array<{ envs: Array<{ name: string; valueSource?: unknown }> }> }).containers[0]?.envs ?? [];
    expect(env.find((e) => e.name === "DATABASE_PASSWORD")?.valueSource).toMatchObject({ secretKeyRef: { version: expect.any(String) } });
    expect(one(run, "gcp:secretmanager/secretIamMember:SecretIamMember", "mailer-db-secret-access").inputs.member).toBe("serviceAccount:shop-dev-mailer@freehold-plan.iam.gserviceaccount.com");
    // A Private Service Connect endpoint needs no IAM role (roles/cloudsql.client is for connectors), as for a web service.
    expect(run.resources.filter((r) => r.type === "gcp:projects/iAMMember:IAMMember" && r.name.startsWith("mailer-"))).toEqual([]);
    expect(one(run, "gcp:storage/bucketIAMMember:BucketIAMMember", "mailer-files-access").inputs.role).toBe("roles/storage.objectViewer");
  });

  it("runs a scheduled job as a Cloud Run job with one task, its timeout and its retries", () => {
    const job = one(run, "gcp:cloudrunv2/job:Job", "nightly-job");
    expect(job.inputs).toMatchObject({
      name: "shop-dev-nightly",
      location: "europe-west2",
      template: {
        taskCount: 1,
        template: {
          serviceAccount: "shop-dev-nightly@freehold-plan.iam.gserviceaccount.com",
          maxRetries: 2,
          timeout: "900s",
          containers: [{ image: "ghcr.io/example/shop:1.0", commands: ["node"], args: ["report.js"] }],
        },
      },
    });
  });

  it("schedules it with Cloud Scheduler in Europe/London (daylight saving followed), calling jobs.run as an account that may only run this job", () => {
    const schedule = one(run, "gcp:cloudscheduler/job:Job", "nightly-schedule");
    expect(schedule.inputs).toMatchObject({
      region: "europe-west2",
      schedule: "0 2 * * *",
      timeZone: "Europe/London",
      retryConfig: { retryCount: 3 },
      httpTarget: {
        httpMethod: "POST",
        uri: "https://run.googleapis.com/v2/projects/freehold-plan/locations/europe-west2/jobs/shop-dev-nightly:run",
        oauthToken: { serviceAccountEmail: "shop-dev-nightly-sched-3f2s19@freehold-plan.iam.gserviceaccount.com", scope: "https://www.googleapis.com/auth/cloud-platform" },
      },
    });
    expect(one(run, "gcp:cloudrunv2/jobIamMember:JobIamMember", "nightly-scheduler-invoker").inputs).toEqual(
      expect.objectContaining({ role: "roles/run.invoker", member: "serviceAccount:shop-dev-nightly-sched-3f2s19@freehold-plan.iam.gserviceaccount.com", name: "shop-dev-nightly" }),
    );
    // The scheduler's account holds that one grant and nothing else.
    const sched = "serviceAccount:shop-dev-nightly-sched-3f2s19@freehold-plan.iam.gserviceaccount.com";
    expect(run.resources.filter((r) => r.inputs.member === sched).map((r) => r.type)).toEqual(["gcp:cloudrunv2/jobIamMember:JobIamMember"]);
    expect(all(run, "gcp:projects/service:Service").map((s) => s.inputs.service)).toContain("cloudscheduler.googleapis.com");
  });

  it("never gives the scheduler's account the id of a component named <job>-sched (one project, one id)", async () => {
    const both = await plan(`
name: shop
components:
  report: { kind: scheduled-job, image: ghcr.io/example/shop:1.0, schedule: "0 2 * * *" }
  report-sched: { kind: worker, image: ghcr.io/example/shop:1.0 }
`);
    const ids = all(both, "gcp:serviceaccount/account:Account").map((a) => a.inputs.accountId);
    expect(ids.sort()).toEqual(["shop-dev-report", "shop-dev-report-sched", "shop-dev-report-sched-3d97rb"].sort());
  });

  it("outputs the command that runs the job now and the schedule with its time zone", () => {
    expect((run.outputs as { outputs: Record<string, unknown> }).outputs).toMatchObject({
      nightly: { runCommand: "gcloud run jobs execute shop-dev-nightly --region europe-west2 --project freehold-plan", schedule: expect.stringContaining("0 2 * * * in Europe/London") },
    });
  });

  it("refuses a read-only root filesystem for a worker, naming the worker's own feature", () => {
    const spec = WorkerSpec.parse({ kind: "worker", image: "ghcr.io/example/shop:1.0", writableRootFilesystem: false });
    expect(() => assertContainerSupported("mailer", spec)).toThrow(UnsupportedFeatureError);
    expect(() => assertContainerSupported("mailer", spec)).toThrow(/worker\.read-only-root-filesystem/);
  });

  it("prices the worker pool's instances all month and the job by runs times run minutes, plus the Cloud Scheduler job", () => {
    const priced = priceRun(backend.pricing, run, defaultUsage());
    const worker = (priced.components.get("mailer") ?? []).map((l) => l.item);
    expect(worker).toEqual(expect.arrayContaining([expect.stringMatching(/^vCPU, 1 instance\(s\) x 1 vCPU, always allocated/), expect.stringMatching(/^memory, 1 instance/)]));
    const job = priced.components.get("nightly") ?? [];
    expect(job.find((l) => l.item.startsWith("vCPU"))).toMatchObject({ item: expect.stringContaining("30.42 runs a month x 10 min"), quantity: 30.42 * 600, basis: "usage" });
    expect(job.find((l) => l.item.startsWith("Cloud Scheduler job"))).toMatchObject({ quantity: 1, unitPrice: 0.1 });
    expect(priced.priced.unpriced).toEqual([]);
  });
});
