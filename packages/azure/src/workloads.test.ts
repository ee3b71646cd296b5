import { deployStack, type PlannedResource, priceRun, registerBackend, runWithMocks } from "@freehold/core";
import { type Cron, cronMatches, defaultUsage, parseCron, parseStack, ScheduledJobSpec, UnsupportedFeatureError } from "@freehold/model";
import { beforeAll, describe, expect, it } from "vitest";
import { azureCron } from "./cron";
import { backend } from "./index";
import { jobSchedule } from "./scheduled-job";

registerBackend(backend);

const cron = (text: string): Cron => {
  const parsed = parseCron(text);
  if (!parsed.cron) throw new Error(parsed.problems.join("; "));
  return parsed.cron;
};

/** Every quarter hour of 2025 in UTC (the schedules tested run on quarter hours): does the UTC schedule run exactly when the local one does, at a fixed offset? */
function sameRuns(local: Cron, utc: Cron, offsetMinutes: number): boolean {
  const start = Date.UTC(2025, 0, 1);
  for (let t = start; t < Date.UTC(2026, 0, 1); t += 15 * 60_000) {
    const at = (d: Date) => ({ minute: d.getUTCMinutes(), hour: d.getUTCHours(), dayOfMonth: d.getUTCDate(), month: d.getUTCMonth() + 1, dayOfWeek: d.getUTCDay() });
    if (cronMatches(utc, at(new Date(t))) !== cronMatches(local, at(new Date(t + offsetMinutes * 60_000)))) return false;
  }
  return true;
}

describe("a job's schedule on Container Apps (cron read in UTC only)", () => {
  it("keeps a UTC schedule as it is", () => {
    expect(azureCron(cron("0 2 * * *"), "UTC")).toMatchObject({ ok: true, expression: "0 2 * * *" });
  });

  it("writes a fixed-offset zone's schedule in UTC, moving the day of the week across midnight, with the same runs all year", () => {
    const tokyo = azureCron(cron("30 2 * * 1-5"), "Asia/Tokyo");
    expect(tokyo).toMatchObject({ ok: true, expression: "30 17 * * 0-4" });
    if (tokyo.ok) expect(sameRuns(cron("30 2 * * 1-5"), cron(tokyo.expression), 9 * 60)).toBe(true);
    const kolkata = azureCron(cron("15,45 * * * *"), "Asia/Kolkata");
    expect(kolkata).toMatchObject({ ok: true, expression: "15,45 * * * *" });
    if (kolkata.ok) expect(sameRuns(cron("15,45 * * * *"), cron(kolkata.expression), 330)).toBe(true);
  });

  it("accepts a Europe/London schedule that daylight saving does not touch", () => {
    expect(azureCron(cron("*/15 * * * *"), "Europe/London")).toMatchObject({ ok: true, expression: "*/15 * * * *" });
  });

  it("refuses 02:00 Europe/London with the reason, offering 02:00 UTC (an hour late in summer) as the degradation", () => {
    const london = azureCron(cron("0 2 * * *"), "Europe/London");
    expect(london.ok).toBe(false);
    if (london.ok) return;
    expect(london.reason).toContain("Container Apps reads a job's cron in UTC only");
    expect(london.reason).toContain("Europe/London moves between +00:00 and +01:00 with daylight saving");
    expect(london.degraded).toMatchObject({ expression: "0 2 * * *", note: expect.stringContaining("60 minutes late at +01:00") });
  });

  it("refuses a day of the month or a month that would move across a month's end in UTC", () => {
    expect(azureCron(cron("0 2 1 * *"), "Asia/Tokyo")).toMatchObject({ ok: false, reason: expect.stringContaining("moves to another day of the month") });
    expect(azureCron(cron("0 2 * 1 1"), "Asia/Tokyo").ok).toBe(false);
    expect(azureCron(cron("0 2 * 1 1"), "Asia/Tokyo")).not.toHaveProperty("degraded");
  });

  it("refuses a Europe/London job at plan time naming the feature, and runs it at 02:00 UTC once the degradation is accepted", () => {
    const spec = ScheduledJobSpec.parse({ kind: "scheduled-job", image: "ghcr.io/example/app:1", schedule: "0 2 * * *" });
    expect(() => jobSchedule({ name: "nightly", spec, cron: cron(spec.schedule) })).toThrow(UnsupportedFeatureError);
    expect(() => jobSchedule({ name: "nightly", spec, cron: cron(spec.schedule) })).toThrow(/scheduled-job\.time-zone.*acceptDegraded: \[scheduled-job\.time-zone\]/s);
    const accepted = { ...spec, acceptDegraded: ["scheduled-job.time-zone" as const] };
    expect(jobSchedule({ name: "nightly", spec: accepted, cron: cron(spec.schedule) })).toMatchObject({ expression: "0 2 * * *" });
  });

  it("refuses outright, even when accepted, a schedule no single UTC expression can stand for", () => {
    const spec = ScheduledJobSpec.parse({ kind: "scheduled-job", image: "ghcr.io/example/app:1", schedule: "0 2 1 * *", timeZone: "Asia/Tokyo", acceptDegraded: ["scheduled-job.time-zone"] });
    expect(() => jobSchedule({ name: "monthly", spec, cron: cron(spec.schedule) })).toThrow(/Write the schedule in UTC/);
  });
});

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
    args: [report]
    schedule: "0 2 * * *"
    timeZone: UTC
    timeoutSeconds: 900
    retries: 2
    writableRootFilesystem: true
    links: [db]
`;

describe("worker and scheduled job on Azure", () => {
  let run: Awaited<ReturnType<typeof runWithMocks>>;
  const one = (name: string): PlannedResource => {
    const r = run.resources.find((x) => x.name === name);
    if (!r) throw new Error(`no resource ${name}: ${run.resources.map((x) => x.name).join(", ")}`);
    return r;
  };
  beforeAll(async () => {
    run = await runWithMocks("azure", () => deployStack(parseStack(STACK)).outputs);
  });

  it("runs a worker as a container app with no ingress at all, scaled on CPU between its bounds", () => {
    const app = one("mailer-app");
    expect(app.type).toBe("azure-native:app:ContainerApp");
    const configuration = app.inputs.configuration as Record<string, unknown>;
    expect(configuration).not.toHaveProperty("ingress");
    expect(app.inputs).toMatchObject({
      workloadProfileName: "Consumption",
      identity: { type: "UserAssigned", userAssignedIdentities: ["mailer-identity-id"] },
      template: {
        containers: [{ image: "ghcr.io/example/shop:1.0", args: ["worker"], resources: { cpu: 0.5, memory: "1Gi" } }],
        scale: { minReplicas: 1, maxReplicas: 4, rules: [{ name: "cpu", custom: { type: "cpu", metadata: { type: "Utilization", value: "60" } } }] },
      },
    });
    // No load balancer, no custom domain, no certificate for a worker.
    const under = run.resources.filter((r) => r.name.startsWith("mailer-")).map((r) => r.type);
    expect(under.filter((t) => /LoadBalancer|Certificate|ManagedCertificate|DnsZone/i.test(t))).toEqual([]);
  });

  it("gives a worker its links the way a web service has them: a role per link and the connection settings as Key Vault references", () => {
    const app = one("mailer-app");
    const env = (app.inputs.template as { containers: Array<{ env: Array<{ name: string; secretRef?: string }> }> }).containers[0]?.env ?? [];
    expect(env.find((e) => e.name === "DATABASE_PASSWORD")).toEqual({ name: "DATABASE_PASSWORD", secretRef: "database-password" });
    expect(env.map((e) => e.name)).toContain("AZURE_CLIENT_ID");
    expect(run.resources.filter((r) => r.type === "azure-native:authorization:RoleAssignment" && r.name.startsWith("mailer-")).map((r) => r.name)).toEqual(
      expect.arrayContaining(["mailer-files-access"]),
    );
  });

  it("runs a scheduled job as a Container Apps job with a schedule trigger, its timeout and its retries", () => {
    const job = one("nightly-job");
    expect(job.type).toBe("azure-native:app:Job");
    expect(job.inputs).toMatchObject({
      workloadProfileName: "Consumption",
      identity: { type: "UserAssigned", userAssignedIdentities: ["nightly-identity-id"] },
      configuration: {
        triggerType: "Schedule",
        scheduleTriggerConfig: { cronExpression: "0 2 * * *", parallelism: 1, replicaCompletionCount: 1 },
        replicaTimeout: 900,
        replicaRetryLimit: 2,
      },
      template: { containers: [{ image: "ghcr.io/example/shop:1.0", args: ["report"] }] },
    });
    const env = (job.inputs.template as { containers: Array<{ env: Array<{ name: string; secretRef?: string }> }> }).containers[0]?.env ?? [];
    expect(env.find((e) => e.name === "DATABASE_PASSWORD")).toEqual({ name: "DATABASE_PASSWORD", secretRef: "database-password" });
  });

  it("outputs the command that runs the job now and the schedule as Container Apps holds it", () => {
    expect(run.outputs).toMatchObject({
      nightly: { runCommand: expect.stringMatching(/^az containerapp job start --name nightly --resource-group shop-dev-rg/), schedule: expect.stringContaining("0 2 * * * in UTC") },
    });
  });

  it("names the services chosen for each kind in the plan", () => {
    expect(run.components.find((c) => c.name === "mailer")?.description.service).toBe("Azure Container Apps (no ingress)");
    expect(run.components.find((c) => c.name === "nightly")?.description.service).toBe("Azure Container Apps jobs");
  });

  it("prices a worker's replicas always active without requests or egress, and a job by its runs a month times its run minutes", () => {
    const priced = priceRun(backend.pricing, run, defaultUsage());
    const worker = priced.components.get("mailer") ?? [];
    expect(worker.map((l) => l.item)).toEqual(expect.arrayContaining([expect.stringMatching(/^vCPU, 1 replica\(s\) x 0.5 vCPU/), expect.stringMatching(/^memory, 1 replica/)]));
    expect(worker.map((l) => l.item).join("\n")).not.toMatch(/requests|egress/);
    const job = priced.components.get("nightly") ?? [];
    const vcpu = job.find((l) => l.item.startsWith("vCPU"));
    // 365 runs a year / 12 = 30.42 a month, 10 minutes each (the default usage), 0.5 vCPU.
    expect(vcpu).toMatchObject({ item: expect.stringContaining("30.42 runs a month x 10 min"), quantity: 30.42 * 600 * 0.5, basis: "usage" });
  });
});
