import type * as pulumi from "@pulumi/pulumi";
import type { Cloud, Stack } from "@freehold/model";
import { Database, type Linkable, ObjectStore, ScheduledJob, WebService, Worker } from "./components";

export interface DeployedStack {
  components: Record<string, WebService | Worker | ScheduledJob | Database | ObjectStore>;
  /** Neutral outputs per component: url, bucketName, endpoint, host, runCommand... (connection strings stay secret). */
  outputs: Record<string, Record<string, pulumi.Output<unknown>>>;
}

/**
 * Deploy a parsed stack file: the same components, with the same arguments, as a
 * TypeScript program would create, so a YAML stack and a program give the same resources.
 */
export function deployStack(stack: Stack, options: { cloud?: Cloud } = {}): DeployedStack {
  const settings = { name: stack.name, region: stack.region, regions: stack.regions, residency: stack.residency, tags: stack.tags, ...(stack.network ? { network: stack.network } : {}) };
  const opts = { cloud: options.cloud, stack: settings };
  const components: DeployedStack["components"] = {};
  const outputs: DeployedStack["outputs"] = {};
  // Data components first: the components that run containers link to them.
  const isData = (kind: string) => kind === "database" || kind === "object-store";
  const entries = Object.entries(stack.components).sort(([, a], [, b]) => Number(!isData(a.kind)) - Number(!isData(b.kind)));
  const linksOf = (links: ReadonlyArray<string | { to: string; access: "read" | "write" | "readWrite" }>): Linkable[] =>
    links.map((l) => {
      const to = typeof l === "string" ? l : l.to;
      const target = components[to];
      if (!(target instanceof Database || target instanceof ObjectStore)) throw new Error(`link target ${to} was not created`);
      return typeof l === "string" ? target : { to: target, access: l.access };
    });
  for (const [name, spec] of entries) {
    if (spec.kind === "database") {
      const { kind: _k, ...args } = spec;
      const db = new Database(name, args, opts);
      components[name] = db;
      outputs[name] = { host: db.host, port: db.port, databaseName: db.databaseName, connectionString: db.connectionString };
    } else if (spec.kind === "object-store") {
      const { kind: _k, ...args } = spec;
      const store = new ObjectStore(name, args, opts);
      components[name] = store;
      outputs[name] = { bucketName: store.bucketName, endpoint: store.endpoint };
    } else if (spec.kind === "worker") {
      const { kind: _k, links, ...args } = spec;
      components[name] = new Worker(name, { ...args, links: linksOf(links) }, opts);
      outputs[name] = {};
    } else if (spec.kind === "scheduled-job") {
      const { kind: _k, links, ...args } = spec;
      const job = new ScheduledJob(name, { ...args, links: linksOf(links) }, opts);
      components[name] = job;
      outputs[name] = { runCommand: job.runCommand, schedule: job.schedule };
    } else {
      const { kind: _k, links, ...args } = spec;
      const web = new WebService(name, { ...args, links: linksOf(links) }, opts);
      components[name] = web;
      outputs[name] = { url: web.url };
    }
  }
  return { components, outputs };
}
