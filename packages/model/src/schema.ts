/**
 * The neutral model: one zod schema per component and one for a stack file.
 * The schemas are the single source of truth: types are inferred from them,
 * defaults live in them, and the JSON Schema for editors is generated from them.
 */
import { z } from "zod";
import { CLOUDS, NEUTRAL_REGION_NAMES, type NeutralRegion, RESIDENCIES, type Residency } from "./regions";
import { FEATURE_IDS, type FeatureId } from "./features";
import { SIZE_LIMITS, SIZE_PRESETS } from "./sizes";
import { parseCron } from "./cron";
import { DEFAULT_TIME_ZONE, timeZoneProblem } from "./timezones";

import { COMPONENT_NAME_MAX, NAME_PATTERN, POSTGRES_VERSIONS, STACK_NAME_MAX } from "./constants";
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An IPv4 or IPv6 address range in CIDR notation, with no host bits set. */
export function isCidr(value: string): boolean {
  const [address, bits, extra] = value.split("/");
  if (address === undefined || bits === undefined || extra !== undefined || !/^[0-9]{1,3}$/.test(bits)) return false;
  const prefix = Number(bits);
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o, i) => o > 255 || String(o) !== v4[i + 1]) || prefix > 32) return false;
    const n = octets.reduce((a, o) => a * 256 + o, 0);
    return prefix === 32 || n % 2 ** (32 - prefix) === 0;
  }
  const groups = ipv6Groups(address);
  if (!groups || prefix > 128) return false;
  const hostBits = 128 - prefix;
  return groups.every((g, i) => {
    const low = Math.max(0, Math.min(16, hostBits - (7 - i) * 16));
    return low === 0 || g % 2 ** low === 0;
  });
}

function ipv6Groups(address: string): number[] | undefined {
  if (!/^[0-9a-f:]+$/.test(address)) return undefined;
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const head = parse(halves[0] ?? "");
  const tail = halves.length === 2 ? parse(halves[1] ?? "") : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) return undefined;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return all.map((g) => Number.parseInt(g, 16));
}

const name = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(NAME_PATTERN, {
      message: "must be lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen",
    });

export const ComponentName = name(COMPONENT_NAME_MAX);

function explicitSize(kind: "web-service" | "database") {
  const l = SIZE_LIMITS[kind];
  return z
    .strictObject({
      cpu: z.number().min(l.cpu[0]).max(l.cpu[1]).meta({ description: "vCPUs requested." }),
      memoryGiB: z.number().min(l.memoryGiB[0]).max(l.memoryGiB[1]).meta({ description: "Memory requested, GiB." }),
    })
    .superRefine((s, ctx) => {
      const ratio = s.memoryGiB / s.cpu;
      const [lo, hi] = l.memoryPerCpu;
      if (ratio < lo || ratio > hi) {
        ctx.addIssue({
          code: "custom",
          message: `${s.cpu} vCPU with ${s.memoryGiB} GiB is not a size any cloud offers: memory must be ${lo}–${hi} GiB per vCPU (${fmt(lo * s.cpu)}–${fmt(hi * s.cpu)} GiB for ${s.cpu} vCPU)`,
          params: { freehold: "impossible-size" },
        });
      }
    });
}
const fmt = (n: number) => String(Math.round(n * 100) / 100);

function size(kind: "web-service" | "database") {
  return z.union([z.enum(SIZE_PRESETS), explicitSize(kind)]).meta({
    description: `A preset (${SIZE_PRESETS.join(", ")}) or an explicit { cpu, memoryGiB } request.`,
  });
}

/** Access a link grants. */
export const Access = z.enum(["read", "write", "readWrite"]);

export const Link = z.union([
  ComponentName,
  z.strictObject({
    to: ComponentName.meta({ description: "The linked component's name." }),
    /** @default "readWrite" */
    access: Access.default("readWrite").meta({ description: "Access granted. @default readWrite" }),
  }),
]);

/**
 * Vendor-only settings, ignored by the other clouds. Keys are the child
 * resource's role (for example `instance` or `bucket`); values are merged into
 * that resource's arguments. Every use is a lock-in point in the portability report.
 */
export const VendorSettings = z
  .strictObject(Object.fromEntries(CLOUDS.map((c) => [c, z.record(z.string(), z.record(z.string(), z.unknown())).optional()])) as Record<
    (typeof CLOUDS)[number],
    z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodRecord<z.ZodString, z.ZodUnknown>>>
  >)
  .meta({ description: "Per-cloud escape hatch: { aws: { <childRole>: { <arg>: value } } }. Ignored by other clouds." });

/**
 * Features a component may go without on a cloud that cannot provide them. Each
 * accepted degradation is named in the plan's warnings. Without it, such a cloud
 * refuses the stack with an UnsupportedFeatureError.
 */
const acceptDegraded = <K extends string>(kind: K) =>
  z
    .array(z.enum(FEATURE_IDS.filter((f) => f.startsWith(`${kind}.`)) as [Extract<FeatureId, `${K}.${string}`>, ...Extract<FeatureId, `${K}.${string}`>[]]))
    .max(20)
    .default([])
    .meta({ description: "Features this component may go without where a cloud cannot provide them; each is named in the plan. @default []" });

export const WebServiceSpec = z.strictObject({
  kind: z.literal("web-service").meta({ description: "A containerised HTTP service." }),
  /** Container image reference. */
  image: z.string().min(1).max(512).meta({ description: "Container image reference.", examples: ["ghcr.io/example/app:1.4.2"] }),
  /** @default 8080 */
  port: z.number().int().min(1).max(65535).default(8080).meta({ description: "Port the container listens on. @default 8080" }),
  /** @default "small" */
  size: size("web-service").default("small"),
  /** @default { min: 1, max: 3 } */
  scaling: z
    .strictObject({
      min: z.number().int().min(0).max(100).default(1).meta({ description: "Fewest instances; 0 allows scale to zero where the cloud can." }),
      max: z.number().int().min(1).max(300).default(3).meta({ description: "Most instances." }),
    })
    .default({ min: 1, max: 3 })
    .meta({ description: "Instance count bounds. min 0 allows scale to zero. @default { min: 1, max: 3 }" }),
  /** Reachable from the internet (HTTPS only). @default false */
  public: z.boolean().default(false).meta({ description: "Reachable from the internet over HTTPS. @default false" }),
  /** Custom domain for a public service (a certificate is issued for it). @default - the cloud's own HTTPS address */
  domain: z
    .string()
    .regex(/^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { message: "must be a lowercase DNS name such as app.example.gov.uk" })
    .optional()
    .meta({ description: "Custom domain for a public service. @default - the cloud's own HTTPS address" }),
  /**
   * The DNS zone the domain's records belong in: the domain itself when it is the
   * apex of its zone (a registrable domain such as example.co.uk, or a name GDS
   * delegates under service.gov.uk), else the zone you add records to.
   * @default - the domain itself when it is a registrable domain or a service.gov.uk name, else its parent
   */
  domainZone: z
    .string()
    .regex(/^(?=.{2,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { message: "must be a lowercase DNS name such as example.gov.uk" })
    .optional()
    .meta({
      description:
        "The DNS zone the domain's records go in; equal to domain when the domain is the apex of its zone. @default - the domain itself when it is a registrable domain (example.co.uk) or a service.gov.uk name, else its parent",
    }),
  /** Only these address ranges may reach a public service. @default - any address */
  ipAllowList: z
    .array(z.string().refine(isCidr, { message: "must be an IPv4 or IPv6 address range in CIDR form, such as 203.0.113.0/24 or 2001:db8::/32" }))
    .min(1)
    .max(100)
    .optional()
    .meta({ description: "Only these IPv4/IPv6 address ranges (CIDR) may reach a public service; every other address is refused. @default - any address" }),
  /** Filter requests to a public service through the cloud's web application firewall with its managed common rule set. @default false */
  webApplicationFirewall: z
    .boolean()
    .default(false)
    .meta({ description: "Filter requests to a public service through the cloud's web application firewall and its managed rules for common attacks. @default false" }),
  /** @default { path: "/", intervalSeconds: 30, startupGraceSeconds: 120 } */
  healthCheck: z
    .strictObject({
      path: z.string().startsWith("/").max(256).default("/").meta({ description: "Path that answers 2xx when the service is healthy. @default /" }),
      intervalSeconds: z.number().int().min(5).max(300).default(30).meta({ description: "Seconds between checks. @default 30" }),
      startupGraceSeconds: z
        .number()
        .int()
        .min(10)
        .max(600)
        .default(120)
        .meta({ description: "Seconds a new instance may take to start answering the health path before it is replaced; on every cloud. @default 120" }),
    })
    .default({ path: "/", intervalSeconds: 30, startupGraceSeconds: 120 })
    .meta({ description: "HTTP health check. @default { path: /, intervalSeconds: 30, startupGraceSeconds: 120 }" }),
  /** Plain (non-secret) environment variables. @default {} */
  env: z
    .record(z.string().regex(ENV_NAME, { message: "must be letters, digits and underscores, not starting with a digit" }), z.string().max(4096))
    .default({})
    .meta({ description: "Plain, non-secret environment variables. @default {}" }),
  /** Components this service uses: grants access and injects connection settings. @default [] */
  links: z.array(Link).max(20).default([]).meta({ description: "Components this service uses. @default []" }),
  /** Run as this user (uid or uid:gid). @default - the image's user */
  user: z
    .string()
    .regex(/^[0-9]{1,10}(:[0-9]{1,10})?$/, { message: "must be a numeric uid or uid:gid" })
    .optional()
    .meta({ description: "Run the container as this uid or uid:gid. @default - the image's user" }),
  /**
   * Writes to the root filesystem. Unset: read-only where the cloud can make it
   * so and writable where it cannot, shown as a difference in plan, compare and
   * exit-plan. `false` insists on read-only (a cloud that cannot refuses unless
   * the component accepts the degradation); `true` makes it writable everywhere.
   * @default - read-only where the cloud can
   */
  writableRootFilesystem: z
    .boolean()
    .optional()
    .meta({
      description:
        "Writes to the root filesystem. Unset: read-only where the cloud can, writable where it cannot (shown as a difference, never a refusal); false insists on read-only; true makes it writable. @default - read-only where the cloud can",
    }),
  /** The service works between requests too (queues, schedules): CPU always allocated, never scaled to zero. @default false */
  background: z
    .boolean()
    .default(false)
    .meta({ description: "The service works between requests too (polling a queue, timers): CPU always allocated and never scaled to zero, on every cloud. @default false" }),
  /** A private registry to pull the image from, with credentials kept as a secret. @default - the image is public, or in the cloud's own registry */
  registry: z
    .strictObject({
      server: z
        .string()
        .regex(/^(?=.{1,253}(:\d{1,5})?$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(:\d{1,5})?$/, { message: "must be a registry host name such as ghcr.io or registry.example.com:5000" })
        .meta({ description: "Registry host, e.g. ghcr.io." }),
      username: z.string().min(1).max(256).meta({ description: "User name for the registry." }),
      passwordSecret: z
        .string()
        .regex(/^([A-Za-z][\w-]*:)?[A-Za-z][\w.-]*$/, { message: "must be a Pulumi config key such as ghcrToken or myapp:ghcrToken" })
        .meta({ description: "Pulumi config key holding the password or token as a secret (pulumi config set --secret <key> <value>); namespace defaults to the project." }),
    })
    .optional()
    .meta({ description: "Private registry credentials: the password stays a secret in every cloud's secret store. @default - a public image or the cloud's own registry" }),
  acceptDegraded: acceptDegraded("web-service"),
  vendor: VendorSettings.optional(),
});


/** A command or its arguments: what the container runs instead of the image's own. */
const commandLine = (what: string, fallback: string) =>
  z
    .array(z.string().max(4096))
    .min(1)
    .max(100)
    .optional()
    .meta({ description: `${what}. @default - ${fallback}` });

/** The fields a container workload without ingress shares with a web service (same checks, same meaning). */
const containerFields = <K extends "worker" | "scheduled-job">(kind: K) => ({
  image: WebServiceSpec.shape.image,
  command: commandLine("The executable and its leading arguments, instead of the image's entrypoint", "the image's ENTRYPOINT"),
  args: commandLine("Arguments, instead of the image's default command", "the image's CMD"),
  size: WebServiceSpec.shape.size,
  env: WebServiceSpec.shape.env,
  links: z.array(Link).max(20).default([]).meta({ description: `Databases and object stores this ${kind === "worker" ? "worker" : "job"} uses: the same grants and environment variables as a web service's links. @default []` }),
  user: WebServiceSpec.shape.user,
  writableRootFilesystem: WebServiceSpec.shape.writableRootFilesystem,
  registry: WebServiceSpec.shape.registry,
  acceptDegraded: acceptDegraded(kind),
  vendor: VendorSettings.optional(),
});

/**
 * A long-running container with no ingress at all (a queue consumer, a
 * Celery or Sidekiq worker): nothing can connect to it, it reaches its linked
 * databases and stores like a web service, and it scales on CPU.
 */
export const WorkerSpec = z.strictObject({
  kind: z.literal("worker").meta({ description: "A long-running container that takes no connections (a queue consumer), scaled on CPU." }),
  ...containerFields("worker"),
  /** @default { min: 1, max: 3 } */
  scaling: z
    .strictObject({
      min: z.number().int().min(0).max(100).default(1).meta({ description: "Fewest instances, at least 1: nothing wakes a worker from zero. @default 1" }),
      max: z.number().int().min(1).max(300).default(3).meta({ description: "Most instances; between min and max the cloud scales on CPU (60% target). @default 3" }),
    })
    .default({ min: 1, max: 3 })
    .meta({ description: "Instance count bounds; scaled on CPU between them. @default { min: 1, max: 3 }" }),
});

/**
 * A container run on a schedule (a nightly report, expiring listings), with a
 * timeout and retries, and runnable on demand.
 */
export const ScheduledJobSpec = z.strictObject({
  kind: z.literal("scheduled-job").meta({ description: "A container run on a schedule, to completion, with a timeout and retries; also runnable on demand." }),
  ...containerFields("scheduled-job"),
  schedule: z
    .string()
    .max(200)
    .superRefine((text, ctx) => {
      for (const message of parseCron(text).problems) ctx.addIssue({ code: "custom", message });
    })
    .meta({ description: "When to run: a standard 5-field cron expression (minute hour day-of-month month day-of-week) in timeZone.", examples: ["0 2 * * *"] }),
  timeZone: z
    .string()
    .max(64)
    .default(DEFAULT_TIME_ZONE)
    .superRefine((name, ctx) => {
      const problem = timeZoneProblem(name);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .meta({ description: `The IANA time zone the schedule is read in; daylight saving is followed where the cloud can (docs/<cloud>.md). @default ${DEFAULT_TIME_ZONE}` }),
  timeoutSeconds: z
    .number()
    .int()
    .min(10)
    .max(86400)
    .default(3600)
    .meta({ description: "A run still going after this long is stopped and counts as failed. @default 3600" }),
  retries: z
    .number()
    .int()
    .min(0)
    .max(10)
    .default(0)
    .meta({ description: "Runs again after a failed run (non-zero exit, timeout, or a container that did not start), at most this many times; a job retried must be safe to run twice. @default 0" }),
});


export const DatabaseSpec = z.strictObject({
  kind: z.literal("database").meta({ description: "A managed PostgreSQL database on private networking." }),
  /** @default "postgres" */
  engine: z.literal("postgres").default("postgres").meta({ description: "Database engine. @default postgres" }),
  /** PostgreSQL major version. @default "16" */
  version: z.enum(POSTGRES_VERSIONS).default("16").meta({ description: "PostgreSQL major version. @default 16" }),
  /** @default "small" */
  size: size("database").default("small"),
  /** @default 20 */
  storageGiB: z.number().int().min(20).max(16384).default(20).meta({ description: "Storage, GiB. @default 20" }),
  /** A standby in another zone with automatic failover. @default false */
  highAvailability: z.boolean().default(false).meta({ description: "A standby in another zone with automatic failover. @default false" }),
  /** @default { retentionDays: 7, pointInTimeRecovery: true } */
  backups: z
    .strictObject({
      retentionDays: z.number().int().min(7).max(35).default(7).meta({ description: "Days automated backups are kept (7–35). @default 7" }),
      pointInTimeRecovery: z.boolean().default(true).meta({ description: "Restore to any moment within the retention. @default true" }),
      keepOnDelete: z
        .boolean()
        .default(true)
        .meta({
          description:
            "When the database is deleted, keep a final backup (and the automated backups, where the cloud can) until you delete them yourself; the estimate prices what is kept. @default true",
        }),
    })
    .default({ retentionDays: 7, pointInTimeRecovery: true, keepOnDelete: true })
    .meta({ description: "Automated backups. @default { retentionDays: 7, pointInTimeRecovery: true, keepOnDelete: true }" }),
  /** Protect against deletion and retain on destroy. @default true */
  deletionProtection: z.boolean().default(true).meta({ description: "Cloud deletion protection, and the data is kept when the stack is destroyed. @default true" }),
  /** Name of the application database. @default "app" */
  databaseName: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, { message: "must be lowercase letters, digits and underscores, starting with a letter" })
    .default("app")
    .meta({ description: "Name of the application database. @default app" }),
  /** Switch on what PostgreSQL logical replication needs, for a live exit (`freehold replicate`). @default "off" */
  replication: z
    .enum(["off", "logical"])
    .default("off")
    .meta({
      description:
        "logical: the server keeps the WAL a logical replication slot needs (wal_level logical) and the database's administrator, as whom `freehold replicate` connects, may replicate (the role job grants it, and takes it back with off), so `freehold replicate` can move the database to another cloud with seconds of write downtime, and back. Costs WAL retained while a slot lags, and a restart of an existing server (a reboot you run on AWS and Azure; Cloud SQL restarts the instance itself). @default off",
    }),
  acceptDegraded: acceptDegraded("database"),
  vendor: VendorSettings.optional(),
});

export const LifecycleRule = z.strictObject({
  /** @default "" (every object) */
  prefix: z.string().max(1024).default("").meta({ description: "Objects whose key starts with this. @default '' (every object)" }),
  expireAfterDays: z.number().int().min(1).max(36500).meta({ description: "Delete objects this many days after they were written." }),
});

/**
 * A browser origin a CORS rule may name: `https://host` or `https://host:port`
 * (a lower-case DNS name or IPv4 address; no path, no wildcard: `*` would let
 * every site's scripts call the store from a visitor's browser, and a partial
 * wildcard is not something every cloud matches), or `http://localhost` /
 * `http://127.0.0.1` (with a port) for development. The browser sends the
 * origin as scheme://host[:port] (https://fetch.spec.whatwg.org/#origin-header);
 * Azure matches it exactly and case-sensitively, or `*`
 * (https://learn.microsoft.com/en-us/rest/api/storageservices/cross-origin-resource-sharing--cors--support-for-the-azure-storage-services);
 * S3 allows one `*` per origin (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html);
 * Cloud Storage takes exact origins or `*` (https://cloud.google.com/storage/docs/cross-origin).
 */
export const CORS_ORIGIN = /^(https:\/\/(?=.{1,253}(:\d{1,5})?$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|http:\/\/(localhost|127\.0\.0\.1))(:(?:[1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d{2}|655[0-2]\d|6553[0-5]))?$/;

export const CorsRule = z.strictObject({
  allowedOrigins: z
    .array(z.string().regex(CORS_ORIGIN, { message: "must be an origin such as https://app.example.gov.uk or https://app.example.gov.uk:8443 (lower case, no path, no wildcard; http only for localhost)" }))
    .min(1)
    .meta({ description: "Origins allowed to call the store from a browser: https://host or https://host:port (http only for localhost)." }),
  /** @default ["GET"] */
  allowedMethods: z.array(z.enum(["GET", "HEAD", "PUT", "POST", "DELETE"])).min(1).default(["GET"]).meta({ description: "HTTP methods allowed. @default [GET]" }),
  /** @default 3600 */
  maxAgeSeconds: z.number().int().min(0).max(86400).default(3600).meta({ description: "How long browsers cache the answer. @default 3600" }),
});

export const ObjectStoreSpec = z.strictObject({
  kind: z.literal("object-store").meta({ description: "A private bucket or blob container." }),
  /** Keep earlier versions of overwritten objects. @default true */
  versioning: z.boolean().default(true).meta({ description: "Keep earlier versions of overwritten and deleted objects. @default true" }),
  /** With versioning: days a previous version is kept after it was replaced or deleted, then deleted. @default 30 */
  previousVersionsExpireAfterDays: z
    .number()
    .int()
    .min(1)
    .max(36500)
    .default(30)
    .meta({ description: "With versioning on: days an overwritten or deleted object's previous version is kept before it is deleted, on every cloud. @default 30" }),
  /** @default [] */
  lifecycle: z.array(LifecycleRule).max(50).default([]).meta({ description: "Expire objects by prefix and age. @default []" }),
  /** @default [] */
  cors: z.array(CorsRule).max(10).default([]).meta({ description: "Browser access rules. @default []" }),
  /** Protect against deletion and retain on destroy. @default true */
  deletionProtection: z.boolean().default(true).meta({ description: "Cloud deletion protection, and the data is kept when the stack is destroyed. @default true" }),
  acceptDegraded: acceptDegraded("object-store"),
  vendor: VendorSettings.optional(),
});

export const ComponentSpec = z.discriminatedUnion("kind", [WebServiceSpec, WorkerSpec, ScheduledJobSpec, DatabaseSpec, ObjectStoreSpec]);

/**
 * Bring your own network: each cloud's existing network to deploy into, used
 * instead of the one Freehold would create. Freehold then creates nothing of the
 * network itself and expects what its components need to be there (egress for
 * image pulls, the database's delegation or peering); docs/<cloud>.md says what.
 */
export const ExistingNetwork = z
  .strictObject({
    aws: z
      .strictObject({
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { message: "must be a VPC id such as vpc-0123456789abcdef0" }).meta({ description: "The VPC." }),
        privateSubnetIds: z
          .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { message: "must be a subnet id such as subnet-0123456789abcdef0" }))
          .min(2)
          .max(6)
          .meta({ description: "Private subnets in at least two availability zones, with outbound internet access (NAT) for image pulls." }),
        publicSubnetIds: z
          .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { message: "must be a subnet id such as subnet-0123456789abcdef0" }))
          .min(2)
          .max(6)
          .optional()
          .meta({ description: "Public subnets for an internet-facing load balancer (a public service with a domain). @default - none" }),
      })
      .optional()
      .meta({ description: "An existing VPC and its subnets." }),
    azure: z
      .strictObject({
        resourceGroupName: z.string().min(1).max(90).meta({ description: "The resource group to deploy into." }),
        virtualNetworkName: z.string().min(2).max(64).meta({ description: "The virtual network, in that resource group." }),
        appsSubnetName: z.string().min(1).max(80).meta({ description: "A subnet delegated to Microsoft.App/environments, /27 or larger." }),
        databaseSubnetName: z.string().min(1).max(80).meta({ description: "A subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers." }),
        jobsSubnetName: z
          .string()
          .min(1)
          .max(80)
          .optional()
          .meta({
            description:
              "A subnet delegated to Microsoft.ContainerInstance/containerGroups with outbound access (to pull postgres:17-alpine): where the one-off container that creates each database's application role runs. Needed with a database. @default - none",
          }),
      })
      .optional()
      .meta({ description: "An existing resource group, virtual network and delegated subnets." }),
    gcp: z
      .strictObject({
        network: z.string().min(1).max(1024).meta({ description: "The VPC network: name, projects/<p>/global/networks/<n>, or self link." }),
        subnetwork: z
          .string()
          .min(1)
          .max(1024)
          .meta({ description: "A subnet in the stack's region (name, path or self link): databases get Private Service Connect endpoints in it and services Direct VPC egress from it." }),
      })
      .optional()
      .meta({
        description:
          "An existing VPC network and subnet. Freehold creates nothing of the network; a public service with a domain under a residency rule also needs a proxy-only subnet in the region.",
      }),
  })
  .meta({ description: "Existing networks to deploy into, per cloud, instead of creating them. @default - Freehold creates each network" });

export const StackSpec = z
  .strictObject({
    /** Stack name; part of every physical name. */
    name: name(STACK_NAME_MAX).meta({ description: "Stack name: part of every physical name. Lowercase letters, digits and single hyphens." }),
    /** @default "london" */
    region: z.enum(NEUTRAL_REGION_NAMES as [NeutralRegion, ...NeutralRegion[]]).default("london").meta({ description: "Neutral region. @default london" }),
    /** Per-cloud region overrides, e.g. { azure: "ukwest" }. @default {} */
    regions: z
      .strictObject({
        aws: z.string().optional().meta({ description: "AWS region code, e.g. eu-west-2." }),
        azure: z.string().optional().meta({ description: "Azure region, e.g. uksouth or ukwest." }),
        gcp: z.string().optional().meta({ description: "Google Cloud region, e.g. europe-west2." }),
      })
      .default({})
      .meta({ description: "Per-cloud region overrides, e.g. { azure: ukwest }. @default {}" }),
    /** Where data may live. @default "none" */
    residency: z
      .enum(Object.keys(RESIDENCIES) as [Residency, ...Residency[]])
      .default("none")
      .meta({ description: "Countries data may live in: uk, eu or none. @default none" }),
    /** An existing network to deploy into instead of creating one, per cloud. @default - Freehold creates the network */
    network: ExistingNetwork.optional(),
    /** Tags/labels applied to every resource. @default {} */
    tags: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, { message: "must be 1–63 lowercase letters, digits, _ or -, starting with a letter" }),
        z.string().regex(/^[a-z0-9_-]{0,63}$/, { message: "must be up to 63 lowercase letters, digits, _ or - (the rule every cloud accepts: GCP labels are the strictest)" }),
      )
      .default({})
      .meta({ description: "Tags (labels on GCP) on every resource. @default {}" }),
    components: z.record(ComponentName, ComponentSpec).meta({ description: "The components, by name." }),
  })
  .meta({ title: "Freehold stack", description: "A Freehold stack file (freehold.yaml)." });

/** The zod-inferred types: the generated interfaces in types.ts must equal them (types.test.ts). */
export type ZStackInput = z.input<typeof StackSpec>;
export type ZStack = z.output<typeof StackSpec>;


