/**
 * The plug-in interface every cloud backend implements. A backend package
 * (`@freehold/aws`, `@freehold/azure`, `@freehold/gcp`) exports `backend`,
 * an object that `satisfies Backend`. Core loads only the backend a stack uses.
 */
import type * as pulumi from "@pulumi/pulumi";
import type {
  Access,
  Cloud,
  ComponentKind,
  Database,
  ExistingNetworkSpec,
  ObjectStore,
  RegionChoice,
  Residency,
  ResolvedSize,
  ScheduledJob,
  WebService,
  Worker,
} from "@freehold/model";
import type { Component, Cron } from "@freehold/model";
import { defaultUsage, type Usage } from "@freehold/model";
import type { BackendPricing } from "./prices";

/** What every backend knows about the stack it is deploying. */
export interface StackContext {
  /** The Freehold stack name (stack file `name`, `freehold:name` config, else the Pulumi project): the prefix of logical names and the `freehold-stack` tag. */
  name: string;
  /** The Pulumi stack being deployed (`pulumi.getStack()`), e.g. `dev` or `prod`. */
  stack: string;
  /**
   * The prefix of physical names: the Freehold stack name and the Pulumi stack
   * (and the provider's name for a platform on an explicit provider), so that
   * dev and prod of one project live side by side in one account,
   * subscription or project without colliding.
   */
  prefix: string;
  region: RegionChoice;
  residency: Residency;
  /** Tags/labels for every resource that takes them. */
  tags: Record<string, string>;
  /** An existing network to deploy into instead of creating one (each backend reads its own cloud's entry). */
  network?: ExistingNetworkSpec;
}

/** The offering a backend chose for a size request. */
export interface SizeChoice {
  /** The cloud's own name for the offering, e.g. `db.t4g.small`, `GP_Standard_D2ds_v5`, `db-custom-1-3840`. */
  sku: string;
  cpu: number;
  memoryGiB: number;
  /** Tier or family, e.g. `Burstable`, `GeneralPurpose`, `ENTERPRISE`. */
  tier?: string;
  /** Why this choice (e.g. "smallest Fargate pair with >= 1 vCPU and >= 2 GiB"). */
  note?: string;
}

/** How a component is realised on a cloud, for plans and reports. */
export interface ComponentDescription {
  /** Marketed service name, e.g. `Amazon RDS for PostgreSQL`. */
  service: string;
  size?: SizeChoice;
  /** Other facts worth showing (availability zones, storage class, ...). */
  details?: Record<string, string | number | boolean>;
  /**
   * Every place outside the stack's region where this component keeps a copy
   * of its data (backups, replicas, logs, secret replicas), by the cloud's region
   * code or location name: plans list them under residency and `check` tests them.
   */
  dataLocations?: Array<{ region: string; use: string }>;
}

/** A DNS record the user must create for a custom domain: to validate the certificate, or to send traffic. */
export interface DnsRecord {
  /** Fully qualified name, e.g. `_acme.app.example.gov.uk` or `app.example.gov.uk`. */
  name: string;
  /**
   * `ALIAS` is an apex record that follows a host name (Route 53 alias, Azure DNS
   * alias record, ANAME/ALIAS/CNAME flattening at other providers), where the
   * target has no fixed address and a CNAME is not allowed (a zone apex).
   */
  type: "CNAME" | "A" | "AAAA" | "TXT" | "ALIAS";
  value: string;
  purpose: "certificate validation" | "traffic" | "domain ownership";
}

/** Credentials for a private registry, resolved: the password is a Pulumi secret. */
export interface RegistryCredentials {
  server: string;
  username: string;
  password: pulumi.Output<string>;
}

import type { FeatureId } from "@freehold/model";
export type { FeatureId };

export type Support = "full" | "partial" | "none";

/** One row of a backend's capability table. `compare` and the docs read this same table. */
export interface Capability {
  feature: FeatureId;
  support: Support;
  /** What the cloud does, or what it cannot do and why. */
  note: string;
  /** Where this is documented. */
  source?: string;
  /** For a version row (`database.postgres-16`): the day the cloud's standard support ends, ISO (YYYY-MM-DD), from `source`. */
  endOfSupport?: string;
}

/** Where a figure came from. Every number a report shows carries one. */
export interface Source {
  /** e.g. "AWS Price List AmazonRDS eu-west-2 offer file". */
  name: string;
  /** Publication or capture date, ISO (YYYY-MM-DD). */
  date: string;
  url?: string;
  /** True where the figure is an estimate, not a published list price. */
  estimate?: boolean;
  /** The cloud region the price is for; absent for a price that is the same everywhere. */
  region?: string;
  /** The cloud's own name for the line: AWS usagetype, Azure meter, Google Cloud SKU id. */
  sku?: string;
}

/** One priced item. */
export interface Price {
  /** USD per unit. */
  usd: number;
  /** e.g. "vCPU-hour", "GB-month", "hour", "1M requests". */
  unit: string;
  source: Source;
}

/**
 * Usage behind monthly estimates, stated in every report: hours, storage
 * growth, and per kind and component the traffic, data and logs (model's `Usage`).
 */
export type CostAssumptions = Usage;

/** The built-in usage: what every report prices with when no usage file is given. */
export const DEFAULT_ASSUMPTIONS: CostAssumptions = defaultUsage();

/** One line of a monthly estimate. */
export interface CostLine {
  item: string;
  quantity: number;
  unit: string;
  unitPrice: number;
  monthlyUsd: number;
  source: Source;
  /** "fixed": billed for what is created whatever the traffic; "usage": driven by the usage figures. */
  basis: "fixed" | "usage";
  /** The cloud resource type the line bills, e.g. "aws:ec2/natGateway:NatGateway". */
  resourceType?: string;
  /** Billed only after a destroy (a final snapshot kept): not in the monthly total, but in what a destroy leaves behind. */
  afterDestroy?: boolean;
  /** The resource is retained on delete: a destroy leaves it, and this line, billing. */
  retained?: boolean;
}

/** Published availability for a component as configured. */
export interface Availability {
  /** Percent, e.g. 99.95; undefined where no SLA applies. */
  percent?: number;
  /** The configuration the figure applies to, e.g. "Multi-AZ". */
  basis: string;
  source: Source;
}

/** How to reach a database or object store for data migration. */
export interface DatabaseMigration {
  /** Shell-ready parameters; values like `$PGPASSWORD` are resolved by the operator. */
  host: string;
  port: number;
  database: string;
  user: string;
  /**
   * `verify-full`: the operator checks the server's certificate chain and host name against `serverCa`, as
   * linked services do. (`require` encrypts without knowing who answers; `freehold migrate` refuses it
   * unless told `--allow-unverified-tls`.)
   */
  sslmode: "verify-full";
  /**
   * The certificate authorities that sign the server's certificate (what the Database's `serverCa` output
   * holds): the PEM itself where it is fixed for the cloud and region, or a shell command that prints it
   * where each server has its own. The runbook writes it to a file the connection names as `sslrootcert`.
   */
  serverCa: { pem: string } | { command: string };
  /** How the operator reaches a private database (bastion, tunnel, proxy). */
  access: string;
  /** A shell command that prints the password on stdout (e.g. from the cloud's secret store). */
  passwordCommand: string;
}

export interface ObjectStoreMigration {
  /** rclone backend type: `s3`, `azureblob`, `gcs`. */
  rcloneType: "s3" | "azureblob" | "gcs";
  /** `rclone config create` parameters (no secrets: credentials come from the environment). */
  rcloneOptions: Record<string, string>;
  /** Bucket or container, the path after `remote:`. */
  path: string;
  /** How the operator gets credentials. */
  access: string;
}

export interface MigrationDetails {
  /** List price of internet egress out of the cloud, per GiB, after free allowances. */
  egress: Price;
  /** Monthly free egress, GiB. */
  freeEgressGiB: number;
  /** `physicalName` is the server's name where the caller knows it; otherwise the backend derives it from its naming rules. */
  database(args: { name: string; stack: StackContext; databaseName: string; physicalName?: string }): DatabaseMigration;
  objectStore(args: { name: string; stack: StackContext; bucketName: string }): ObjectStoreMigration;
}

/** A linked component, as a web service's backend sees it. */
export interface LinkTarget {
  name: string;
  kind: "database" | "object-store";
  access: Access;
  /** What the backend itself returned for the target (its `handle`). */
  handle: unknown;
  /** The target's neutral outputs: host, port, databaseName, username and, where the backend gives one, serverCa (database); bucketName, endpoint (object store). */
  outputs: Record<string, pulumi.Input<string>>;
}

/**
 * Where a linked service finds the certificate authorities of the databases it
 * links, inside every container: a PEM file each backend mounts when a linked
 * database gives a `serverCa` (all of them concatenated when several do). It is
 * `DATABASE_SSLROOTCERT`, libpq's `sslrootcert`.
 */
export const DATABASE_CA_PATH = "/etc/freehold/tls/database-ca.pem";

/** Neutral environment for a web service: plain values and secret references from links. */
export interface LinkEnvironment {
  plain: Record<string, pulumi.Input<string>>;
  /** Environment variables whose values are secrets held by the linked component. */
  secrets: Array<{ name: string; target: LinkTarget; key: "password" }>;
}

/** What every component request carries about the component itself. */
interface ComponentRequest {
  /** The component's logical name: the prefix of its children's logical names. */
  name: string;
  /**
   * The component's name qualified by the names of the components it is nested
   * in (`tenant-a-db` for a Database "db" inside a component "tenant-a"); equal
   * to `name` at the top level. Physical names use this with `stack.prefix`, so
   * two components of one name under different parents never share a physical name.
   */
  qualifiedName: string;
}

/** What every component that runs a container carries: its image, environment, links and registry, resolved by core the same way for each kind. */
export interface ContainerRequest<S extends WebService | Worker | ScheduledJob> extends ComponentRequest {
  spec: S;
  /** The image, possibly late-bound. */
  image: pulumi.Input<string>;
  env: Record<string, pulumi.Input<string>>;
  links: LinkTarget[];
  linkEnv: LinkEnvironment;
  /** Credentials for the image's private registry, when the spec names one. */
  registry?: RegistryCredentials;
  size: ResolvedSize;
  stack: StackContext;
  platform: unknown;
  parent: pulumi.ComponentResource;
}

export type WebServiceRequest = ContainerRequest<WebService>;

/** A worker: a container with no ingress at all, scaled on CPU between `spec.scaling.min` (at least 1) and `max`. */
export type WorkerRequest = ContainerRequest<Worker>;

/** A scheduled job, with its schedule parsed (each cloud writes it in its own syntax, or refuses where the meaning would change). */
export interface ScheduledJobRequest extends ContainerRequest<ScheduledJob> {
  cron: Cron;
}

export interface DatabaseRequest extends ComponentRequest {
  spec: Database;
  size: ResolvedSize;
  stack: StackContext;
  platform: unknown;
  parent: pulumi.ComponentResource;
}

export interface ObjectStoreRequest extends ComponentRequest {
  spec: ObjectStore;
  stack: StackContext;
  platform: unknown;
  parent: pulumi.ComponentResource;
}

interface Created {
  /** The raw child resources by role, for people who need to go further. */
  resources: Record<string, pulumi.Resource>;
  description: ComponentDescription;
}

export interface WebServiceResult extends Created {
  url: pulumi.Output<string>;
  /** With a custom domain: every DNS record the user must create (validation and traffic). */
  dnsRecords?: pulumi.Output<DnsRecord[]>;
}

export type WorkerResult = Created;

export interface ScheduledJobResult extends Created {
  /** The shell command that starts a run now, outside the schedule (the cloud's own CLI). */
  runCommand: pulumi.Output<string>;
  /** The schedule as the cloud holds it: its syntax and time zone, e.g. `cron(0 2 * * ? *) in Europe/London`. */
  schedule: pulumi.Output<string>;
}

export interface DatabaseResult extends Created {
  host: pulumi.Output<string>;
  port: pulumi.Output<number>;
  databaseName: pulumi.Output<string>;
  username: pulumi.Output<string>;
  /** A Pulumi secret. */
  password: pulumi.Output<string>;
  /**
   * The certificate authorities (PEM) that sign the server's certificate and whose
   * names the certificate carries for `host`. With it, links connect with
   * `sslmode=verify-full` and the linked service's backend puts this PEM in each
   * container at {@link DATABASE_CA_PATH}; without it, links fall back to
   * `sslmode=require` (encrypted, server not verified).
   */
  serverCa?: pulumi.Output<string>;
  /** Backend-private data that links need (security group, secret ARN, ...). */
  handle: unknown;
}

export interface ObjectStoreResult extends Created {
  bucketName: pulumi.Output<string>;
  endpoint: pulumi.Output<string>;
  handle: unknown;
}

/** Mocks for Pulumi's mock runtime: plausible outputs for this cloud's resource types. */
export interface BackendMocks {
  /** Extra output state for a resource (merged over its inputs). */
  outputs(type: string, name: string, inputs: Record<string, unknown>, id: string): Record<string, unknown>;
  /** Results for invokes (data sources). */
  call(token: string, inputs: Record<string, unknown>): Record<string, unknown>;
}

export interface Backend {
  readonly cloud: Cloud;
  /** e.g. "Amazon Web Services". */
  readonly displayName: string;
  readonly capabilities: readonly Capability[];
  /** The offering chosen for a request, or an UnsupportedFeatureError thrown. Workers and scheduled jobs take `webService`'s offerings (the same presets and envelope). */
  readonly sizes: {
    webService(size: ResolvedSize, component: string): SizeChoice;
    database(size: ResolvedSize, highAvailability: boolean, component: string): SizeChoice;
  };
  /** Published availability as configured. */
  availability(kind: ComponentKind, spec: Component): Availability;
  /** How this cloud bills what it creates: a price table per region and a rule per resource type (core's prices.ts). */
  readonly pricing: BackendPricing;
  readonly migration: MigrationDetails;
  readonly mocks: BackendMocks;
  /** The Pulumi packages whose providers decide where this cloud's resources go (`aws`; `azure-native`; `gcp`): components given different providers of these get separate platforms. */
  readonly providerPackages: readonly string[];
  /**
   * Shared, stack-level resources (network, resource group, logs); created once
   * per stack and set of providers, on first use. `parent` is the
   * `freehold:index:Platform` component, which carries the providers, protection
   * and transformations of the component that first needed the platform: create
   * every shared resource with `{ parent }` (never a provider of its own) and
   * name it after `logicalName(parent)`, so two platforms never share a URN.
   */
  createPlatform(stack: StackContext, parent: pulumi.ComponentResource): unknown;
  /** Service names per component kind, for reports. */
  readonly services: Record<ComponentKind, string>;
  webService(req: WebServiceRequest): WebServiceResult;
  worker(req: WorkerRequest): WorkerResult;
  scheduledJob(req: ScheduledJobRequest): ScheduledJobResult;
  database(req: DatabaseRequest): DatabaseResult;
  objectStore(req: ObjectStoreRequest): ObjectStoreResult;
}
