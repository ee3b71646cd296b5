/**
 * A minimal backend for core's own tests: registers one plain resource per
 * component, so components, links and planning can be tested without any cloud SDK.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Backend } from "./backend";
import { costLine } from "./prices";

class FakeResource extends pulumi.CustomResource {
  declare readonly endpoint: pulumi.Output<string>;
  constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(`fake:index:${type}`, name, { ...props, endpoint: undefined }, opts);
  }
}

const source = { name: "test fixture", date: "2026-01-01" };

export function fakeBackend(cloud: Backend["cloud"] = "aws"): Backend {
  return {
    cloud,
    displayName: "Fake cloud",
    services: { "web-service": "Fake Run", worker: "Fake Workers", "scheduled-job": "Fake Cron", database: "Fake SQL", "object-store": "Fake Blobs" },
    capabilities: [{ feature: "web-service.scale-to-zero", support: "none", note: "fake cannot" }],
    sizes: {
      webService: (s) => ({ sku: `fake-${s.cpu}-${s.memoryGiB}`, cpu: s.cpu, memoryGiB: s.memoryGiB }),
      database: (s) => ({ sku: `fake-db-${s.cpu}`, cpu: s.cpu, memoryGiB: s.memoryGiB }),
    },
    availability: () => ({ percent: 99.9, basis: "fake", source }),
    pricing: {
      table: { cloud, referenceRegion: "fake-1", global: { thing: { usd: 1, unit: "month", source } }, regions: {} },
      api: [],
      priced: { "fake:index:Service": (_r, ctx) => [costLine("thing", 1, ctx.prices.get("thing"))] },
      free: { "fake:index:Network": "a test resource", "fake:index:Db": "a test resource", "fake:index:Bucket": "a test resource", "fake:index:Worker": "a test resource", "fake:index:Job": "a test resource" },
    },
    migration: {
      egress: { usd: 0.09, unit: "GB", source },
      freeEgressGiB: 100,
      database: (a) => ({ host: `${a.name}.fake`, port: 5432, database: a.databaseName, user: "app", sslmode: "verify-full", serverCa: { command: "cat fake-ca.pem" }, access: "direct", passwordCommand: "echo" }),
      objectStore: (a) => ({ rcloneType: "s3", rcloneOptions: { provider: "Other" }, path: a.bucketName, access: "keys" }),
    },
    providerPackages: ["fake"],
    mocks: {
      outputs: (type, name) => (type.startsWith("fake:") ? { endpoint: `https://${name}.fake.example` } : {}),
      call: () => ({}),
    },
    createPlatform: (stack, parent) => new FakeResource("Network", `${stack.name}-network`, { region: stack.region.region }, { parent }),
    webService: (req) => {
      const svc = new FakeResource("Service", `${req.name}-service`, { image: req.image, env: { ...req.env, ...req.linkEnv.plain }, secrets: req.linkEnv.secrets.map((s) => s.name) }, { parent: req.parent });
      return { url: svc.endpoint, resources: { service: svc }, description: { service: "Fake Run", size: { sku: "x", cpu: req.size.cpu, memoryGiB: req.size.memoryGiB } } };
    },
    worker: (req) => {
      const w = new FakeResource("Worker", `${req.name}-worker`, { image: req.image, env: { ...req.env, ...req.linkEnv.plain }, secrets: req.linkEnv.secrets.map((s) => s.name), min: req.spec.scaling.min }, { parent: req.parent });
      return { resources: { worker: w }, description: { service: "Fake Workers", size: { sku: "x", cpu: req.size.cpu, memoryGiB: req.size.memoryGiB } } };
    },
    scheduledJob: (req) => {
      const j = new FakeResource("Job", `${req.name}-job`, { image: req.image, env: { ...req.env, ...req.linkEnv.plain }, schedule: req.cron.expression, timeZone: req.spec.timeZone }, { parent: req.parent });
      return { runCommand: pulumi.interpolate`fake run ${j.endpoint}`, schedule: pulumi.output(`${req.cron.expression} in ${req.spec.timeZone}`), resources: { job: j }, description: { service: "Fake Cron" } };
    },
    database: (req) => {
      const db = new FakeResource("Db", `${req.name}-instance`, { password: pulumi.secret("hunter2"), storage: req.spec.storageGiB }, { parent: req.parent, protect: req.spec.deletionProtection, retainOnDelete: req.spec.deletionProtection });
      return {
        host: db.endpoint,
        port: pulumi.output(5432),
        databaseName: pulumi.output(req.spec.databaseName),
        username: pulumi.output("app"),
        password: pulumi.secret("hunter2"),
        handle: { db },
        resources: { instance: db },
        description: { service: "Fake SQL" },
      };
    },
    objectStore: (req) => {
      const b = new FakeResource("Bucket", `${req.name}-bucket`, { versioning: req.spec.versioning }, { parent: req.parent, retainOnDelete: req.spec.deletionProtection });
      return { bucketName: pulumi.output(`${req.stack.name}-${req.name}`), endpoint: b.endpoint, handle: { b }, resources: { bucket: b }, description: { service: "Fake Blobs" } };
    },
  };
}
