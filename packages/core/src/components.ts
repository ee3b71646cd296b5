import * as pulumi from "@pulumi/pulumi";
import {
  type Access,
  type Cloud,
  type Component,
  type ContainerKind,
  type ScheduledJob as ScheduledJobOut,
  type Schema,
  type WebService as WebServiceOut,
  type Worker as WorkerOut,
  type DatabaseInput,
  DatabaseSpec,
  type ObjectStoreInput,
  ObjectStoreSpec,
  type LinkKind,
  linkEnvClashes,
  parseComponent,
  parseCron,
  type ScheduledJobInput,
  ScheduledJobSpec,
  type WorkerInput,
  WorkerSpec,
  resolveSize,
  SpecError,
  type WebServiceInput,
  WebServiceSpec,
} from "@freehold/model";
import type { Backend, ComponentDescription, ContainerRequest, DnsRecord, LinkTarget, RegistryCredentials, StackContext } from "./backend";
import { chooseBackend, type FreeholdOptions, logicalName, platformFor, stackSettings } from "./context";
import { linkEnvironment } from "./links";
import { type RuleWatch, ruleWatch } from "./rules";

/** What a registered component tells listeners (the offline planner records these). */
export interface ComponentRecord {
  name: string;
  /** The name qualified by the components it is nested in: what physical names are built from. */
  qualifiedName: string;
  kind: Component["kind"];
  cloud: Cloud;
  spec: Component;
  description: ComponentDescription;
  stack: StackContext;
  /** Vendor settings in use: lock-in points. */
  vendorSettings: string[];
  /** The component's neutral outputs (secrets stay Pulumi secrets). */
  outputs: Record<string, pulumi.Output<unknown>>;
}

const listeners = new Set<(record: ComponentRecord) => void>();

/** Be told about every Freehold component created in this process. Returns an unsubscribe function. */
export function onComponent(listener: (record: ComponentRecord) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function announce(record: ComponentRecord) {
  for (const l of listeners) l(record);
}

function vendorSettingsOf(spec: Component, cloud: Cloud): string[] {
  const v = spec.vendor?.[cloud];
  if (!v) return [];
  return Object.entries(v).flatMap(([role, args]) => Object.keys(args).map((k) => `${cloud}.${role}.${k}`));
}

/** The backend, the stack context and the shared platform a component deploys into, and the component's qualified name. */
function deployTarget(component: pulumi.ComponentResource, name: string, opts: FreeholdOptions): { backend: Backend; context: StackContext; platform: unknown; qualifiedName: string } {
  const backend = chooseBackend(opts.cloud);
  return { backend, ...platformFor(backend, stackSettings(opts.stack, backend.cloud), component, opts), qualifiedName: qualifiedName(name, opts.parent) };
}

/** The component's name prefixed by the names of the resources it is nested in (the stack excluded). */
function qualifiedName(name: string, parent: pulumi.Resource | undefined): string {
  const path: string[] = [];
  for (let p = parent; p && !isStack(p); p = (p as unknown as { __parentResource?: pulumi.Resource }).__parentResource) path.unshift(logicalName(p));
  return [...path, name].join("-");
}

function isStack(r: pulumi.Resource): boolean {
  return (r as unknown as { __pulumiType?: string }).__pulumiType === "pulumi:pulumi:Stack";
}

/** Pulumi's options for the component itself: Freehold's removed, and the rule book watching what it registers. */
function componentOptions(opts: FreeholdOptions, watch: RuleWatch): pulumi.ComponentResourceOptions {
  const { cloud: _cloud, stack: _stack, ...rest } = opts;
  return { ...rest, transformations: [...(rest.transformations ?? []), watch.transformation] };
}

/** Arguments of a Database. Every field has a safe default. */
export type DatabaseArgs = Omit<DatabaseInput, "kind">;

/**
 * A PostgreSQL database on the chosen cloud: private networking only,
 * encrypted, TLS required, backups on, protected against deletion and retained
 * on destroy unless `deletionProtection: false`.
 *
 * @example
 * const db = new Database("db", { version: "16", size: "small", highAvailability: true });
 */
export class Database extends pulumi.ComponentResource {
  /** `postgres://user@host:port/name?sslmode=require` with the password: a Pulumi secret. */
  readonly connectionString: pulumi.Output<string>;
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly databaseName: pulumi.Output<string>;
  readonly username: pulumi.Output<string>;
  /** A Pulumi secret. */
  readonly password: pulumi.Output<string>;
  /** The certificate authorities (PEM) that sign the server's certificate, where the cloud gives them: linked services verify the server with them (`sslmode=verify-full`). */
  readonly serverCa?: pulumi.Output<string>;
  /** The raw child resources by role. */
  /** The raw child resources by role. With the cloud known, `resourcesOn(cloud)` gives them typed. */
  readonly resources: Record<string, pulumi.Resource>;
  /**
   * The child resources, typed for a cloud (`db.resourcesOn("aws").instance` is an `aws.rds.Instance`):
   * the backend package declares the types, so import it (`import "@freehold/aws"`). Throws if the
   * component is on another cloud.
   */
  resourcesOn<C extends keyof ResourceTypes>(cloud: C): ResourceTypes[C]["database"] {
    return typedResources(this, cloud, "database") as ResourceTypes[C]["database"];
  }
  readonly description: ComponentDescription;
  readonly cloud: Cloud;
  /** @internal Backend-private data for links. */
  readonly handle: unknown;
  readonly spec: ReturnType<typeof DatabaseSpec.parse>;

  constructor(name: string, args: DatabaseArgs = {}, opts: FreeholdOptions = {}) {
    const watch = ruleWatch(name);
    super("freehold:index:Database", name, {}, componentOptions(opts, watch));
    this.spec = parseComponent(DatabaseSpec, { kind: "database", ...args }, name);
    const { backend, context, platform, qualifiedName } = deployTarget(this, name, opts);
    const r = backend.database({ name, qualifiedName, spec: this.spec, size: resolveSize("database", this.spec.size), stack: context, platform, parent: this });
    watch.check(backend.cloud, context.region.region);
    this.cloud = backend.cloud;
    this.host = r.host;
    this.port = r.port;
    this.databaseName = r.databaseName;
    this.username = r.username;
    this.password = pulumi.secret(r.password);
    if (r.serverCa) this.serverCa = r.serverCa;
    this.connectionString = pulumi.secret(pulumi.all([r.username, r.password, r.host, r.port, r.databaseName]).apply((parts) => connectionUrl(...parts)));
    this.resources = r.resources;
    this.description = r.description;
    this.handle = r.handle;
    announce({ name, qualifiedName, kind: "database", cloud: backend.cloud, spec: this.spec, description: r.description, stack: context, vendorSettings: vendorSettingsOf(this.spec, backend.cloud), outputs: { host: this.host, port: this.port, databaseName: this.databaseName, username: this.username } });
    this.registerOutputs({ host: this.host, port: this.port, databaseName: this.databaseName, connectionString: this.connectionString });
  }
}

/** Arguments of an ObjectStore. Every field has a safe default. */
export type ObjectStoreArgs = Omit<ObjectStoreInput, "kind">;

/**
 * A private object store (bucket) on the chosen cloud: encrypted, TLS only, no
 * public access, versioned by default, retained on destroy.
 *
 * @example
 * const assets = new ObjectStore("assets", { lifecycle: [{ prefix: "tmp/", expireAfterDays: 7 }] });
 */
export class ObjectStore extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  /** The HTTPS endpoint of the bucket or container. */
  readonly endpoint: pulumi.Output<string>;
  /** The raw child resources by role. With the cloud known, `resourcesOn(cloud)` gives them typed. */
  readonly resources: Record<string, pulumi.Resource>;
  /**
   * The child resources, typed for a cloud (`db.resourcesOn("aws").instance` is an `aws.rds.Instance`):
   * the backend package declares the types, so import it (`import "@freehold/aws"`). Throws if the
   * component is on another cloud.
   */
  resourcesOn<C extends keyof ResourceTypes>(cloud: C): ResourceTypes[C]["object-store"] {
    return typedResources(this, cloud, "object-store") as ResourceTypes[C]["object-store"];
  }
  readonly description: ComponentDescription;
  readonly cloud: Cloud;
  /** @internal */
  readonly handle: unknown;
  readonly spec: ReturnType<typeof ObjectStoreSpec.parse>;

  constructor(name: string, args: ObjectStoreArgs = {}, opts: FreeholdOptions = {}) {
    const watch = ruleWatch(name);
    super("freehold:index:ObjectStore", name, {}, componentOptions(opts, watch));
    this.spec = parseComponent(ObjectStoreSpec, { kind: "object-store", ...args }, name);
    const { backend, context, platform, qualifiedName } = deployTarget(this, name, opts);
    const r = backend.objectStore({ name, qualifiedName, spec: this.spec, stack: context, platform, parent: this });
    watch.check(backend.cloud, context.region.region);
    this.cloud = backend.cloud;
    this.bucketName = r.bucketName;
    this.endpoint = r.endpoint;
    this.resources = r.resources;
    this.description = r.description;
    this.handle = r.handle;
    announce({ name, qualifiedName, kind: "object-store", cloud: backend.cloud, spec: this.spec, description: r.description, stack: context, vendorSettings: vendorSettingsOf(this.spec, backend.cloud), outputs: { bucketName: this.bucketName, endpoint: this.endpoint } });
    this.registerOutputs({ bucketName: this.bucketName, endpoint: this.endpoint });
  }
}

/** A link: a component, or a component with the access to grant. */
export type Linkable = Database | ObjectStore | { to: Database | ObjectStore; access?: Access };

/** What every component that runs a container takes besides its own settings; `image`, `env` values and a registry password may be late-bound Pulumi inputs. */
export interface ContainerArgs {
  /** Container image reference. */
  image: pulumi.Input<string>;
  /** Plain, non-secret environment variables. @default {} */
  env?: Record<string, pulumi.Input<string>>;
  /** Databases and object stores this component uses: grants least-privilege access and injects connection settings. @default [] */
  links?: Linkable[];
  /**
   * A private registry to pull the image from. Give the password (a Pulumi
   * secret, e.g. `config.requireSecret("ghcrToken")`) or the name of the config
   * key that holds it (`passwordSecret`, as a stack file does).
   * @default - a public image, or one in the cloud's own registry
   */
  registry?: { server: string; username: string; password: pulumi.Input<string> } | { server: string; username: string; passwordSecret: string };
}

/** Arguments of a WebService. `image` and `env` values may be late-bound Pulumi inputs. */
export type WebServiceArgs = Omit<WebServiceInput, "kind" | "image" | "env" | "links" | "registry"> & ContainerArgs;

/**
 * A containerised HTTP service on the chosen cloud: HTTPS only when public,
 * private otherwise, autoscaled, health-checked, non-privileged.
 *
 * @example
 * const web = new WebService("web", { image: "ghcr.io/example/app:1.0", public: true, links: [db, assets] });
 * export const url = web.url;
 */
export class WebService extends pulumi.ComponentResource {
  /** The service's HTTPS URL (an internal address for a private service). */
  readonly url: pulumi.Output<string>;
  /** With `domain`: the DNS records to create, for the certificate's validation and for traffic. Empty without a domain. */
  readonly dnsRecords: pulumi.Output<DnsRecord[]>;
  /** The raw child resources by role. With the cloud known, `resourcesOn(cloud)` gives them typed. */
  readonly resources: Record<string, pulumi.Resource>;
  /**
   * The child resources, typed for a cloud (`db.resourcesOn("aws").instance` is an `aws.rds.Instance`):
   * the backend package declares the types, so import it (`import "@freehold/aws"`). Throws if the
   * component is on another cloud.
   */
  resourcesOn<C extends keyof ResourceTypes>(cloud: C): ResourceTypes[C]["web-service"] {
    return typedResources(this, cloud, "web-service") as ResourceTypes[C]["web-service"];
  }
  readonly description: ComponentDescription;
  readonly cloud: Cloud;
  readonly spec: ReturnType<typeof WebServiceSpec.parse>;

  constructor(name: string, args: WebServiceArgs, opts: FreeholdOptions = {}) {
    const watch = ruleWatch(name);
    super("freehold:index:WebService", name, {}, componentOptions(opts, watch));
    const c = containerComponent(this, name, WebServiceSpec, "web-service", args, opts);
    this.spec = c.spec;
    const { backend, context } = c;
    const qualifiedName = c.request.qualifiedName;
    const r = backend.webService(c.request);
    watch.check(backend.cloud, context.region.region);
    this.cloud = backend.cloud;
    this.url = r.url;
    this.dnsRecords = r.dnsRecords ?? pulumi.output([]);
    this.resources = r.resources;
    this.description = r.description;
    announce({ name, qualifiedName, kind: "web-service", cloud: backend.cloud, spec: this.spec, description: r.description, stack: context, vendorSettings: vendorSettingsOf(this.spec, backend.cloud), outputs: { url: this.url, dnsRecords: this.dnsRecords } });
    this.registerOutputs({ url: this.url, dnsRecords: this.dnsRecords });
  }
}

/** Arguments of a Worker. `image` and `env` values may be late-bound Pulumi inputs. */
export type WorkerArgs = Omit<WorkerInput, "kind" | "image" | "env" | "links" | "registry"> & ContainerArgs;

/**
 * A long-running container with no ingress at all (a queue consumer, a Celery
 * or Sidekiq worker) on the chosen cloud: no load balancer, no address, no
 * open port; linked to databases and stores like a web service (the same
 * grants and environment variables), scaled on CPU between `scaling.min`
 * (at least 1) and `scaling.max`, non-privileged.
 *
 * @example
 * new Worker("worker", { image: "ghcr.io/example/worker:1.0", args: ["celery", "-A", "app", "worker"], links: [db, uploads] });
 */
export class Worker extends pulumi.ComponentResource {
  /** The raw child resources by role. With the cloud known, `resourcesOn(cloud)` gives them typed. */
  readonly resources: Record<string, pulumi.Resource>;
  /** The child resources, typed for a cloud (import the backend package, e.g. `import "@freehold/aws"`). Throws if the component is on another cloud. */
  resourcesOn<C extends keyof ResourceTypes>(cloud: C): ResourceTypes[C]["worker"] {
    return typedResources(this, cloud, "worker") as ResourceTypes[C]["worker"];
  }
  readonly description: ComponentDescription;
  readonly cloud: Cloud;
  readonly spec: ReturnType<typeof WorkerSpec.parse>;

  constructor(name: string, args: WorkerArgs, opts: FreeholdOptions = {}) {
    const watch = ruleWatch(name);
    super("freehold:index:Worker", name, {}, componentOptions(opts, watch));
    const c = containerComponent(this, name, WorkerSpec, "worker", args, opts);
    this.spec = c.spec;
    const { backend, context } = c;
    const r = backend.worker(c.request);
    watch.check(backend.cloud, context.region.region);
    this.cloud = backend.cloud;
    this.resources = r.resources;
    this.description = r.description;
    announce({ name, qualifiedName: c.request.qualifiedName, kind: "worker", cloud: backend.cloud, spec: this.spec, description: r.description, stack: context, vendorSettings: vendorSettingsOf(this.spec, backend.cloud), outputs: {} });
    this.registerOutputs({});
  }
}

/** Arguments of a ScheduledJob. `image` and `env` values may be late-bound Pulumi inputs. */
export type ScheduledJobArgs = Omit<ScheduledJobInput, "kind" | "image" | "env" | "links" | "registry"> & ContainerArgs;

/**
 * A container run to completion on a schedule (a standard 5-field cron
 * expression read in `timeZone`, Europe/London unless given) on the chosen
 * cloud, stopped after `timeoutSeconds`, run again up to `retries` times when
 * it fails, linked like a web service, and runnable on demand (`runCommand`).
 *
 * @example
 * const nightly = new ScheduledJob("nightly", { image: "ghcr.io/example/app:1.0", args: ["report"], schedule: "0 2 * * *", links: [db] });
 * export const runNightly = nightly.runCommand;
 */
export class ScheduledJob extends pulumi.ComponentResource {
  /** The shell command that starts a run now, outside the schedule, with the cloud's own CLI. */
  readonly runCommand: pulumi.Output<string>;
  /** The schedule as the cloud holds it: its cron syntax and time zone. */
  readonly schedule: pulumi.Output<string>;
  /** The raw child resources by role. With the cloud known, `resourcesOn(cloud)` gives them typed. */
  readonly resources: Record<string, pulumi.Resource>;
  /** The child resources, typed for a cloud (import the backend package, e.g. `import "@freehold/aws"`). Throws if the component is on another cloud. */
  resourcesOn<C extends keyof ResourceTypes>(cloud: C): ResourceTypes[C]["scheduled-job"] {
    return typedResources(this, cloud, "scheduled-job") as ResourceTypes[C]["scheduled-job"];
  }
  readonly description: ComponentDescription;
  readonly cloud: Cloud;
  readonly spec: ReturnType<typeof ScheduledJobSpec.parse>;

  constructor(name: string, args: ScheduledJobArgs, opts: FreeholdOptions = {}) {
    const watch = ruleWatch(name);
    super("freehold:index:ScheduledJob", name, {}, componentOptions(opts, watch));
    const c = containerComponent(this, name, ScheduledJobSpec, "scheduled-job", args, opts);
    this.spec = c.spec;
    const { backend, context } = c;
    const parsed = parseCron(this.spec.schedule);
    // The schema has refused a schedule that does not parse.
    if (!parsed.cron) throw new SpecError(parsed.problems.map((message) => ({ path: "schedule", message })), `component "${name}"`);
    const r = backend.scheduledJob({ ...c.request, cron: parsed.cron });
    watch.check(backend.cloud, context.region.region);
    this.cloud = backend.cloud;
    this.runCommand = r.runCommand;
    this.schedule = r.schedule;
    this.resources = r.resources;
    this.description = r.description;
    announce({ name, qualifiedName: c.request.qualifiedName, kind: "scheduled-job", cloud: backend.cloud, spec: this.spec, description: r.description, stack: context, vendorSettings: vendorSettingsOf(this.spec, backend.cloud), outputs: { runCommand: this.runCommand, schedule: this.schedule } });
    this.registerOutputs({ runCommand: this.runCommand, schedule: this.schedule });
  }
}

/** A value known only when deployed (an Output, a promise): validated by its shape, with a placeholder. */
function lateBound(v: unknown): boolean {
  return pulumi.Output.isInstance(v) || (typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function");
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A link as a program writes it: a component, or `{ to: component, access }`. */
function isLink(l: unknown): l is Linkable {
  return l instanceof pulumi.Resource || (isRecord(l) && l.to instanceof pulumi.Resource);
}

/**
 * The part every container component (web service, worker, scheduled job)
 * shares: its arguments validated by its schema (the same checks a stack file
 * gets, a link's variables clashing with its env included), its backend and
 * platform, its links resolved to their targets with the neutral environment
 * they inject, and its registry's credentials: the request its backend gets.
 * @internal
 */
export function containerComponent<K extends ContainerKind, Out extends { kind: K; size: WebServiceOut["size"] }>(
  self: pulumi.ComponentResource,
  name: string,
  schema: Schema<Out>,
  kind: K,
  args: ContainerArgs,
  opts: FreeholdOptions,
): { spec: Out; backend: Backend; context: StackContext; request: ContainerRequest<Out & (WebServiceOut | WorkerOut | ScheduledJobOut)> & { qualifiedName: string } } {
  const raw: unknown[] | undefined = Array.isArray(args.links) ? args.links : undefined;
  const links = (raw ?? []).filter(isLink).map((l) => (l instanceof pulumi.Resource ? { to: l, access: "readWrite" as Access } : { to: l.to, access: l.access ?? "readWrite" }));
  const linked = links.flatMap((l): Array<{ name: string; kind: LinkKind }> => (l.to instanceof Database ? [{ name: componentName(l.to), kind: "database" }] : l.to instanceof ObjectStore ? [{ name: componentName(l.to), kind: "object-store" }] : []));
  const spec = parseComponent(schema, containerInput(kind, args as unknown as Record<string, unknown>), name, linkEnvClashes(args.env, linked));
  const { backend, context, platform, qualifiedName } = deployTarget(self, name, opts);
  const targets = links.map((l, i): LinkTarget => {
    const t = l.to;
    if (!(t instanceof Database || t instanceof ObjectStore)) {
      throw new SpecError([{ path: `links[${i}]`, message: "must be a Database or an ObjectStore created by Freehold" }], `component "${name}"`);
    }
    if (t.cloud !== backend.cloud) {
      throw new SpecError([{ path: `links[${i}]`, message: `links to a component on ${t.cloud}, but this ${NOUN[kind]} is on ${backend.cloud}; deploy linked components to the same cloud` }], `component "${name}"`);
    }
    return t instanceof Database
      ? {
          name: componentName(t),
          kind: "database",
          access: l.access,
          handle: t.handle,
          outputs: { host: t.host, port: t.port.apply(String), databaseName: t.databaseName, username: t.username, ...(t.serverCa ? { serverCa: t.serverCa } : {}) },
        }
      : { name: componentName(t), kind: "object-store", access: l.access, handle: t.handle, outputs: { bucketName: t.bucketName, endpoint: t.endpoint } };
  });
  const registry = args.registry && registryCredentials(args.registry, name);
  const request = {
    name,
    qualifiedName,
    spec: spec as Out & (WebServiceOut | WorkerOut | ScheduledJobOut),
    image: args.image,
    env: args.env ?? {},
    links: targets,
    linkEnv: linkEnvironment(backend.cloud, targets),
    ...(registry ? { registry } : {}),
    size: resolveSize("web-service", spec.size),
    stack: context,
    platform,
    parent: self,
  };
  return { spec, backend, context, request };
}

const NOUN: Record<ContainerKind, string> = { "web-service": "service", worker: "worker", "scheduled-job": "job" };

/**
 * A container component's arguments as the model's schema reads them, so that a program
 * and a stack file get the same validation: values known only when deployed
 * (an image or env value from another resource, a registry password) are
 * placeholders, links are the linked components' names; anything else,
 * mistakes included, goes to the schema as given.
 */
function containerInput(kind: ContainerKind, args: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = { ...args, kind };
  if (lateBound(args.image)) input.image = "late-bound";
  if (isRecord(args.env)) input.env = Object.fromEntries(Object.entries(args.env).map(([k, v]) => [k, lateBound(v) ? "" : v]));
  if (Array.isArray(args.links)) {
    input.links = (args.links as unknown[]).map((l) => {
      if (!isLink(l)) return l;
      return l instanceof pulumi.Resource ? { to: componentName(l), access: "readWrite" } : { ...l, to: componentName(l.to) };
    });
  }
  if (isRecord(args.registry) && "password" in args.registry) {
    const { password: _password, ...rest } = args.registry;
    input.registry = { ...rest, passwordSecret: "program" };
  }
  return input;
}

/**
 * A PostgreSQL URL with the user, password and database name percent-encoded
 * (RFC 3986 userinfo and path), so a generated password holding `#`, `%`, `?`,
 * `:`, `/` or `@` still parses as one URL.
 */
export function connectionUrl(user: string, password: string, host: string, port: number, database: string): string {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(database)}?sslmode=require`;
}

/** A registry's password as a Pulumi secret: given, or read from the config key the spec names. */
function registryCredentials(registry: NonNullable<ContainerArgs["registry"]>, component: string): RegistryCredentials {
  if ("password" in registry) return { server: registry.server, username: registry.username, password: pulumi.secret(registry.password) };
  const [ns, key] = registry.passwordSecret.includes(":") ? (registry.passwordSecret.split(":", 2) as [string, string]) : [pulumi.getProject(), registry.passwordSecret];
  const password = new pulumi.Config(ns).getSecret(key);
  if (password === undefined) {
    throw new SpecError(
      [{ path: "registry.passwordSecret", message: `config key "${ns}:${key}" is not set; run \`pulumi config set --secret ${ns}:${key} <password or token>\`` }],
      `component "${component}"`,
    );
  }
  return { server: registry.server, username: registry.username, password };
}

/**
 * Per cloud, the types of each kind of component's child resources by role.
 * Each backend package adds its cloud by declaration merging, e.g.
 * `declare module "@freehold/core" { interface ResourceTypes { aws: { database: { instance: rds.Instance; ... } } } }`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by each backend package (declaration merging).
export interface ResourceTypes {}

/** A component's resources for the cloud asked; asking for another cloud's is the program's mistake, reported as one (SpecError). */
function typedResources(component: pulumi.ComponentResource & { cloud: Cloud; resources: Record<string, pulumi.Resource> }, asked: string, kind: string): Record<string, pulumi.Resource> {
  const actual = component.cloud;
  if (actual !== asked) {
    throw new SpecError([{ path: `resourcesOn(${JSON.stringify(asked)})`, message: `this ${kind} is deployed on ${actual}, not ${asked}: use resourcesOn("${actual}")` }], `component "${componentName(component)}"`);
  }
  return component.resources;
}

/** The logical name a Freehold component was created with. */
function componentName(r: pulumi.Resource): string {
  return logicalName(r) || "unknown";
}

/** The backend a component would use, without creating anything. */
export function backendFor(cloud?: Cloud): Backend {
  return chooseBackend(cloud);
}
