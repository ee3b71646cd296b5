/**
 * Freehold as an outside Pulumi team gets it: every package packed, the
 * tarballs installed into a fresh project outside the workspace with Pulumi's
 * TypeScript template (strict, commonjs, no esModuleInterop, no skipLibCheck),
 * type-checked, and the README's program and a program giving every component
 * explicit providers planned under mocks on all three clouds. The install is
 * the one the eject test uses too, kept while nothing it installs changes
 * (test/shared-install.ts); the project's own files are in a folder of its own.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./cli-helpers";
import { consumerInstall } from "./shared-install";

/** Pulumi's `typescript` template tsconfig (pulumi/templates: typescript/tsconfig.json). */
const PULUMI_TEMPLATE_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  files: ["index.ts", "providers.ts", "typed.ts", "check.ts"],
};


/** A program that gives every component explicit providers: nothing it creates may use a default provider. */
const PROVIDERS_PROGRAM = `
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { Provider as GcpProvider } from "@pulumi/gcp/provider";
import { Provider as RandomProvider } from "@pulumi/random/provider";
import { Provider as TimeProvider } from "@pulumiverse/time/provider";
import type * as pulumi from "@pulumi/pulumi";
import { Database, ObjectStore, ScheduledJob, WebService, Worker } from "@freehold/core";

export function program(cloud: "aws" | "azure" | "gcp") {
  const cloudProvider: pulumi.ProviderResource =
    cloud === "aws"
      ? new AwsProvider("london", { region: "eu-west-2" })
      : cloud === "azure"
        ? new AzureProvider("uk", { location: "uksouth", subscriptionId: "00000000-0000-0000-0000-000000000000" })
        : new GcpProvider("uk", { project: "consumer-project", region: "europe-west2" });
  const providers = [cloudProvider, new RandomProvider("random"), new TimeProvider("time")];
  const db = new Database("db", { highAvailability: true }, { providers });
  const files = new ObjectStore("files", {}, { providers });
  const web = new WebService("web", { image: "ghcr.io/example/app:1.0", public: true, links: [db, files] }, { providers });
  new Worker("worker", { image: "ghcr.io/example/app:1.0", args: ["worker"], links: [db, { to: files, access: "read" }] }, { providers });
  const nightly = new ScheduledJob("nightly", { image: "ghcr.io/example/app:1.0", args: ["report"], schedule: "0 2 * * *", timeZone: "UTC", retries: 1, links: [db] }, { providers });
  return { url: web.url, runNightly: nightly.runCommand };
}
`;

/** Each cloud's database server reached by role, typed without a cast once the backend package is imported. */
const TYPED_PROGRAM = `
import "@freehold/aws";
import "@freehold/azure";
import "@freehold/gcp";
import type * as rds from "@pulumi/aws/rds";
import type * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type * as sql from "@pulumi/gcp/sql";
import type * as pulumi from "@pulumi/pulumi";
import type * as ecs from "@pulumi/aws/ecs";
import type * as app from "@pulumi/azure-native/app";
import type * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import { Database, ScheduledJob, Worker } from "@freehold/core";

/** A worker's and a job's main resource on each cloud, typed by role. */
export function typedWorkloads(cloud: "aws" | "azure" | "gcp"): pulumi.Output<string>[] {
  const worker = new Worker("worker", { image: "ghcr.io/example/app:1.0" });
  const job = new ScheduledJob("nightly", { image: "ghcr.io/example/app:1.0", schedule: "0 2 * * *", timeZone: "UTC" });
  if (cloud === "aws") {
    const service: ecs.Service = worker.resourcesOn("aws").service;
    return [service.urn, job.resourcesOn("aws").schedule.urn];
  }
  if (cloud === "azure") {
    const containerApp: app.ContainerApp = worker.resourcesOn("azure").app;
    const containerAppsJob: app.Job = job.resourcesOn("azure").job;
    return [containerApp.urn, containerAppsJob.urn];
  }
  const pool: cloudrunv2.WorkerPool = worker.resourcesOn("gcp").workerPool;
  const runJob: cloudrunv2.Job = job.resourcesOn("gcp").job;
  return [pool.urn, runJob.urn];
}

export function typedServer(cloud: "aws" | "azure" | "gcp"): pulumi.Output<string> {
  const db = new Database("db");
  if (cloud === "aws") {
    const instance: rds.Instance = db.resourcesOn("aws").instance;
    return instance.urn;
  }
  if (cloud === "azure") {
    const server: dbforpostgresql.Server = db.resourcesOn("azure").server;
    return server.urn;
  }
  const instance: sql.DatabaseInstance = db.resourcesOn("gcp").instance;
  return instance.urn;
}
`;

/** Plans both programs on every cloud and prints what the test asserts on. */
const CHECK = `
import { plan } from "@freehold/core/testing";
import { program } from "./providers";
import { typedServer, typedWorkloads } from "./typed";

async function main() {
  const out: Record<string, unknown> = {};
  for (const cloud of ["aws", "azure", "gcp"] as const) {
    delete require.cache[require.resolve("./index")];
    const readme = await plan(cloud, () => require("./index"));
    const explicit = await plan(cloud, () => program(cloud));
    const typed = await plan(cloud, () => ({ urn: typedServer(cloud) }));
    const workloads = await plan(cloud, () => ({ urns: typedWorkloads(cloud) }));
    out[cloud] = {
      readme: { components: readme.components.map((c) => c.name).sort(), resources: readme.resources.filter((r) => r.custom).length },
      defaultProviderResources: explicit.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:") && !r.provider).map((r) => r.type + " " + r.name),
      defaultProviderInvokes: explicit.invokeProviders.filter((i) => !i.provider).map((i) => i.token),
      resources: explicit.resources.filter((r) => r.custom).length,
      typedServer: typed.outputs.urn,
      typedWorkloads: workloads.outputs.urns,
      components: explicit.components.map((c) => c.kind + " " + c.name).sort(),
      runNightly: explicit.outputs.runNightly,
    };
  }
  process.stdout.write(JSON.stringify(out));
}
main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e));
  process.exitCode = 1;
});
`;

const dir = mkdtempSync(join(tmpdir(), "freehold-consumer-"));
let results: Record<
  string,
  { readme: { components: string[]; resources: number }; defaultProviderResources: string[]; defaultProviderInvokes: string[]; resources: number; typedServer: string; typedWorkloads: string[]; components: string[]; runNightly: string }
>;
let tsc = "";

beforeAll(async () => {
  // Packed and installed as an outside team would, once for this test and the eject test (test/shared-install.ts).
  const install = await consumerInstall();
  const project = join(dir, "project");
  mkdirSync(project);
  symlinkSync(join(install, "node_modules"), join(project, "node_modules"), "dir");
  writeFileSync(join(project, "package.json"), readFileSync(join(install, "package.json")));
  writeFileSync(join(project, "tsconfig.json"), JSON.stringify(PULUMI_TEMPLATE_TSCONFIG, null, 2));
  writeFileSync(join(project, "index.ts"), (/```ts\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, "README.md"), "utf8")) as RegExpExecArray)[1] as string);
  writeFileSync(join(project, "providers.ts"), PROVIDERS_PROGRAM);
  writeFileSync(join(project, "typed.ts"), TYPED_PROGRAM);
  writeFileSync(join(project, "check.ts"), CHECK);
  try {
    execFileSync(join(project, "node_modules", ".bin", "tsc"), ["-p", "."], { cwd: project, stdio: "pipe" });
  } catch (e) {
    tsc = String((e as { stdout?: Buffer }).stdout ?? e);
    return;
  }
  results = JSON.parse(execFileSync(process.execPath, [join(project, "bin", "check.js")], { cwd: project, stdio: "pipe", maxBuffer: 16 * 1024 * 1024 }).toString());
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the packages, installed into a fresh Pulumi TypeScript project", () => {
  it("type-check under Pulumi's template tsconfig, with the README program and explicit providers", () => {
    expect(tsc).toBe("");
  });

  for (const cloud of ["aws", "azure", "gcp"]) {
    it(`plan the README program on ${cloud}`, () => {
      expect(results[cloud]?.readme.components).toEqual(["db", "uploads", "web"]);
      expect(results[cloud]?.readme.resources).toBeGreaterThan(5);
    });

    it(`plan a worker and a nightly scheduled job on ${cloud}, the job with a command to run it now`, () => {
      expect(results[cloud]?.components).toEqual(["database db", "object-store files", "scheduled-job nightly", "web-service web", "worker worker"]);
      expect(results[cloud]?.runNightly).toMatch(/^(aws stepfunctions start-execution|az containerapp job start|gcloud run jobs execute) /);
    });

    it(`send nothing to a default provider on ${cloud} when every component is given providers`, () => {
      expect(results[cloud]?.resources).toBeGreaterThan(5);
      expect(results[cloud]?.defaultProviderResources).toEqual([]);
      expect(results[cloud]?.defaultProviderInvokes).toEqual([]);
    });
  }

  it("type each cloud's resources by role (resourcesOn) once the backend package is imported, and reach the real resource", () => {
    expect(results.aws?.typedServer).toMatch(/::freehold:index:Database\$aws:rds\/instance:Instance::/);
    expect(results.azure?.typedServer).toMatch(/::freehold:index:Database\$azure-native:dbforpostgresql:Server::/);
    expect(results.gcp?.typedServer).toMatch(/::freehold:index:Database\$gcp:sql\/databaseInstance:DatabaseInstance::/);
  });

  it("type a worker's and a job's resources by role on each cloud", () => {
    expect(results.aws?.typedWorkloads).toEqual([expect.stringMatching(/::freehold:index:Worker\$aws:ecs\/service:Service::/), expect.stringMatching(/::freehold:index:ScheduledJob\$aws:scheduler\/schedule:Schedule::/)]);
    expect(results.azure?.typedWorkloads).toEqual([expect.stringMatching(/::freehold:index:Worker\$azure-native:app:ContainerApp::/), expect.stringMatching(/::freehold:index:ScheduledJob\$azure-native:app:Job::/)]);
    expect(results.gcp?.typedWorkloads).toEqual([expect.stringMatching(/::freehold:index:Worker\$gcp:cloudrunv2\/workerPool:WorkerPool::/), expect.stringMatching(/::freehold:index:ScheduledJob\$gcp:cloudrunv2\/job:Job::/)]);
  });
});
