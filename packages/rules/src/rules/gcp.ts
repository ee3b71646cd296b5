/**
 * The Google Cloud rule book, from Google Cloud's documentation and the
 * Google provider's schema (ForceNew fields are replacements), each rule with
 * its source. Names are unique per project (regional resources per project
 * and region) unless a rule says all of Google Cloud. The project itself (its
 * enabled APIs) is in gcp-project.ts.
 */
import type { CloudObject, CloudRules, RuleContext, TypeRule } from "../types";
import { COMPANIONS, nameCheck, referencing, sameRegion, textCheck } from "./common";
import { agentNotReady, apiOff, enableApi, orgPolicyViolation, DOC as PROJECT_DOC, projectReadFails } from "./gcp-project";
import { GCP_WORKLOAD_RULES, WORKLOAD_TYPES } from "./gcp-workloads";

const TF = "https://github.com/hashicorp/terraform-provider-google/blob/main/google/services";
const DOC = {
  naming: "https://cloud.google.com/compute/docs/naming-resources",
  labels: "https://cloud.google.com/resource-manager/docs/labels-overview#requirements",
  locations: "https://cloud.google.com/about/locations",
  network: "https://cloud.google.com/vpc/docs/create-modify-vpc-networks#deleting_a_network",
  subnet: "https://cloud.google.com/vpc/docs/create-modify-vpc-networks#deleting_a_subnet",
  address: "https://cloud.google.com/vpc/docs/reserve-static-internal-ip-address#delete",
  directVpc: "https://cloud.google.com/run/docs/configuring/vpc-direct-vpc#delete-subnet",
  psc: "https://cloud.google.com/sql/docs/postgres/configure-private-service-connect",
  pscOverview: "https://cloud.google.com/sql/docs/postgres/about-private-service-connect",
  buckets: "https://cloud.google.com/storage/docs/buckets#naming",
  bucketDelete: "https://cloud.google.com/storage/docs/deleting-buckets",
  lifecycle: "https://cloud.google.com/storage/docs/lifecycle#limitations",
  softDelete: "https://cloud.google.com/storage/docs/soft-delete#retention-duration",
  sqlNames: "https://cloud.google.com/sql/docs/postgres/create-instance",
  sqlDelete: "https://cloud.google.com/sql/docs/postgres/delete-instance",
  sqlUpdate: "https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1/instances/update",
  sqlSettings: "https://cloud.google.com/sql/docs/postgres/instance-settings",
  sqlProtection: "https://cloud.google.com/sql/docs/postgres/deletion-protection",
  sqlUpgrade: "https://cloud.google.com/sql/docs/postgres/upgrade-major-db-version-inplace",
  sqlHa: "https://cloud.google.com/sql/docs/postgres/high-availability#HA-configuration",
  sqlBackups: "https://cloud.google.com/sql/docs/postgres/backup-recovery/backups",
  sqlFinalBackup: "https://cloud.google.com/sql/docs/postgres/backup-recovery/final-backup",
  sqlUsers: "https://cloud.google.com/sql/docs/postgres/users",
  sqlIp: "https://cloud.google.com/sql/docs/postgres/configure-ip",
  sqlCa: "https://cloud.google.com/sql/docs/postgres/authorize-ssl#ca-hierarchies",
  /** `gcloud sql instances describe` shows the instance's DNS name in `dnsName` (PSC's `<uid>.<region>.sql.goog.`). */
  sqlDns: "https://cloud.google.com/sql/docs/postgres/configure-dns",
  /** libpq: only verify-full checks the host name; require and verify-ca accept any server (verify-ca: any its CA signed). */
  libpqSsl: "https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION",
  sqlPgAudit: "https://cloud.google.com/sql/docs/postgres/pg-audit",
  sqlLogical: "https://cloud.google.com/sql/docs/postgres/replication/configure-logical-replication",
  pgSubscriptionRole: "https://www.postgresql.org/docs/16/predefined-roles.html",
  pgIdentifiers: "https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS",
  pgDropDatabase: "https://www.postgresql.org/docs/15/sql-dropdatabase.html",
  sqlDatabaseDelete: "https://github.com/hashicorp/terraform-provider-google/issues/12968",
  secrets: "https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets",
  secretCreate: "https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/create",
  secretVersions: "https://cloud.google.com/secret-manager/quotas",
  sa: "https://cloud.google.com/iam/docs/service-accounts-create#creating",
  saDelete: "https://cloud.google.com/iam/docs/service-accounts-delete-undelete",
  iamMember: "https://cloud.google.com/iam/docs/granting-changing-revoking-access",
  iamDelay: "https://cloud.google.com/iam/docs/access-change-propagation",
  runNames: "https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.services/create",
  jobNames: "https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.jobs/create",
  jobToken: "https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.jobs#Job.FIELDS.run_execution_token",
  /** Google drops a job's token once it runs another way, and a re-sent token then fails `already exists`. */
  jobTokenDropped: "https://github.com/GoogleCloudPlatform/magic-modules/issues/19060",
  runCondition: "https://cloud.google.com/run/docs/reference/rest/v2/Condition#state",
  runEnv: "https://cloud.google.com/run/docs/configuring/services/environment-variables",
  runContract: "https://cloud.google.com/run/docs/container-contract#env-vars",
  runImages: "https://cloud.google.com/run/docs/deploying#images",
  runProbes: "https://cloud.google.com/run/docs/configuring/healthchecks",
  runSecrets: "https://cloud.google.com/run/docs/configuring/services/secrets#access-secret",
  runScaling: "https://cloud.google.com/run/docs/configuring/max-instances",
  registryNames: "https://cloud.google.com/artifact-registry/docs/repositories/create-repos",
  remoteAuth: "https://cloud.google.com/artifact-registry/docs/repositories/configure-remote-authentication",
  certNames: "https://cloud.google.com/certificate-manager/docs/reference/certificate-manager/rest/v1/projects.locations.certificates",
  certMaps: "https://cloud.google.com/certificate-manager/docs/maps",
  dnsAuth: "https://cloud.google.com/certificate-manager/docs/dns-authorizations",
  lbServerless: "https://cloud.google.com/load-balancing/docs/https/setup-global-ext-https-serverless",
  lbRegional: "https://cloud.google.com/load-balancing/docs/https/setup-regional-ext-https-serverless",
  proxySubnet: "https://cloud.google.com/load-balancing/docs/proxy-only-subnets",
  /** "Primary and secondary IPv4 address ranges ... must be unique and non-overlapping within a network", in every region of the VPC network. */
  subnetRanges: "https://cloud.google.com/vpc/docs/subnets#valid-ranges",
  customRoles: "https://cloud.google.com/iam/docs/creating-custom-roles#deleting-custom-role",
  sslPolicies: "https://cloud.google.com/load-balancing/docs/ssl-policies-concepts",
  logBuckets: "https://cloud.google.com/logging/docs/buckets",
  logBucketDelete: "https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.locations.buckets/delete",
  sinks: "https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.sinks",
  exclusions: "https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.exclusions",
  dnsZones: "https://cloud.google.com/dns/docs/zones#create-private-zone",
  armor: "https://cloud.google.com/armor/docs/configure-security-policies",
  armorQuotas: "https://cloud.google.com/armor/quotas",
  dnsZoneDelete: "https://cloud.google.com/dns/docs/zones#delete-zone",
  dnsRecords: "https://cloud.google.com/dns/docs/records",
} as const;

const RFC1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const T = {
  api: "gcp:projects/service:Service",
  network: "gcp:compute/network:Network",
  subnet: "gcp:compute/subnetwork:Subnetwork",
  address: "gcp:compute/address:Address",
  forwardingRule: "gcp:compute/forwardingRule:ForwardingRule",
  globalAddress: "gcp:compute/globalAddress:GlobalAddress",
  globalForwardingRule: "gcp:compute/globalForwardingRule:GlobalForwardingRule",
  neg: "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup",
  backend: "gcp:compute/backendService:BackendService",
  urlMap: "gcp:compute/uRLMap:URLMap",
  sslPolicy: "gcp:compute/sSLPolicy:SSLPolicy",
  httpsProxy: "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
  httpProxy: "gcp:compute/targetHttpProxy:TargetHttpProxy",
  regionBackend: "gcp:compute/regionBackendService:RegionBackendService",
  regionUrlMap: "gcp:compute/regionUrlMap:RegionUrlMap",
  regionSslPolicy: "gcp:compute/regionSslPolicy:RegionSslPolicy",
  regionHttpsProxy: "gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy",
  regionHttpProxy: "gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy",
  customRole: "gcp:projects/iAMCustomRole:IAMCustomRole",
  account: "gcp:serviceaccount/account:Account",
  accountIam: "gcp:serviceaccount/iAMMember:IAMMember",
  run: "gcp:cloudrunv2/service:Service",
  runIam: "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
  job: "gcp:cloudrunv2/job:Job",
  sql: "gcp:sql/databaseInstance:DatabaseInstance",
  sqlDatabase: "gcp:sql/database:Database",
  sqlUser: "gcp:sql/user:User",
  secret: "gcp:secretmanager/secret:Secret",
  secretVersion: "gcp:secretmanager/secretVersion:SecretVersion",
  secretIam: "gcp:secretmanager/secretIamMember:SecretIamMember",
  bucket: "gcp:storage/bucket:Bucket",
  bucketIam: "gcp:storage/bucketIAMMember:BucketIAMMember",
  projectIam: "gcp:projects/iAMMember:IAMMember",
  serviceIdentity: "gcp:projects/serviceIdentity:ServiceIdentity",
  repository: "gcp:artifactregistry/repository:Repository",
  dnsAuth: "gcp:certificatemanager/dnsAuthorization:DnsAuthorization",
  certificate: "gcp:certificatemanager/certificate:Certificate",
  certificateMap: "gcp:certificatemanager/certificateMap:CertificateMap",
  certificateMapEntry: "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry",
  logBucket: "gcp:logging/projectBucketConfig:ProjectBucketConfig",
  logSink: "gcp:logging/projectSink:ProjectSink",
  logExclusion: "gcp:logging/projectExclusion:ProjectExclusion",
  dnsZone: "gcp:dns/managedZone:ManagedZone",
  armor: "gcp:compute/securityPolicy:SecurityPolicy",
  regionArmor: "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy",
  dnsRecord: "gcp:dns/recordSet:RecordSet",
} as const;

/** The API each provider module calls (https://cloud.google.com/service-usage/docs/enable-disable). */
const API_OF: Record<string, string> = {
  compute: "compute.googleapis.com",
  cloudrunv2: "run.googleapis.com",
  cloudscheduler: "cloudscheduler.googleapis.com",
  sql: "sqladmin.googleapis.com",
  secretmanager: "secretmanager.googleapis.com",
  storage: "storage.googleapis.com",
  serviceaccount: "iam.googleapis.com",
  artifactregistry: "artifactregistry.googleapis.com",
  certificatemanager: "certificatemanager.googleapis.com",
  logging: "logging.googleapis.com",
  dns: "dns.googleapis.com",
  projects: "cloudresourcemanager.googleapis.com",
};
function apiOf(type: string): string | undefined {
  if (type === T.api || type === T.serviceIdentity) return "serviceusage.googleapis.com";
  return API_OF[type.split(":")[1]?.split("/")[0] ?? ""];
}

/** Replacement paths from the provider's ForceNew fields. */
function forceNew(module: string, file: string, ...paths: string[]): TypeRule["replaceOn"] {
  return paths.map((path) => ({ path, source: `${TF}/${module}/${file}` }));
}

const rfc1035 = (path: string, max = 63, source: string = DOC.naming) => nameCheck(path, 1, max, RFC1035, source);

function labelProblem(labels: unknown): string | undefined {
  if (!labels || typeof labels !== "object") return undefined;
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > 64) return `${entries.length} labels; at most 64`;
  for (const [k, v] of entries) {
    if (!/^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u.test(k)) return `label key "${k}" is not allowed`;
    if (!/^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u.test(String(v))) return `label ${k}=${JSON.stringify(v)} is not allowed`;
  }
  return undefined;
}

// ---- Cloud Run -----------------------------------------------------------------------------------

/** Names Cloud Run sets itself (https://cloud.google.com/run/docs/container-contract#env-vars). */
const RESERVED_ENV = {
  service: ["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"],
  job: ["CLOUD_RUN_JOB", "CLOUD_RUN_EXECUTION", "CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_ATTEMPT", "CLOUD_RUN_TASK_COUNT"],
};
/** "You can set up to 1000 environment variables" (https://cloud.google.com/run/docs/configuring/services/environment-variables#limits). */
const MAX_ENV = 1000;

function containers(obj: CloudObject): Array<Record<string, unknown>> {
  const t = obj.inputs.template as { containers?: unknown[]; template?: { containers?: unknown[] } } | undefined;
  return ((t?.containers ?? t?.template?.containers ?? []) as Array<Record<string, unknown>>).filter(Boolean);
}

/** Environment variables: names not empty, without "=", not one Cloud Run sets; at most 1000. */
function envProblem(obj: CloudObject, reserved: readonly string[]): string | undefined {
  for (const c of containers(obj)) {
    const envs = (c.envs ?? []) as Array<{ name?: unknown }>;
    if (envs.length > MAX_ENV) return `${envs.length} environment variables; at most ${MAX_ENV}`;
    for (const e of envs) {
      const name = String(e.name ?? "");
      if (!name || name.includes("=")) return `environment variable name ${JSON.stringify(name)} is not allowed (empty, or contains "=")`;
      if (reserved.includes(name)) return `environment variable ${name} is reserved: Cloud Run sets it`;
    }
  }
  return undefined;
}

/**
 * Registries Cloud Run pulls from directly: Artifact Registry (and gcr.io,
 * served by it) and public images on Docker Hub and GitHub Container Registry;
 * any other registry needs an Artifact Registry remote repository.
 */
function imageProblem(obj: CloudObject): string | undefined {
  for (const c of containers(obj)) {
    const image = String(c.image ?? "");
    const first = image.includes("/") ? (image.split("/")[0] as string) : "";
    const host = first.includes(".") || first.includes(":") || first === "localhost" ? first : "docker.io";
    if (/(^|[.-])docker\.pkg\.dev$|(^|\.)gcr\.io$/.test(host.replace(/:\d+$/, "")) || ["docker.io", "index.docker.io", "registry-1.docker.io", "ghcr.io"].includes(host)) continue;
    return `image ${image} is on ${host}: Cloud Run pulls only from Artifact Registry, Docker Hub and GitHub Container Registry; use an Artifact Registry remote repository for any other registry`;
  }
  return undefined;
}

/**
 * Startup probes: failureThreshold x periodSeconds at most 600 s; a probe's timeout shorter than its period
 * (Cloud Run Admin API v2, Probe.timeoutSeconds: "Must be smaller than periodSeconds",
 * https://cloud.google.com/run/docs/reference/rest/v2/Container#probe).
 */
function probeProblem(obj: CloudObject): string | undefined {
  for (const c of containers(obj)) {
    for (const key of ["startupProbe", "livenessProbe"] as const) {
      const p = c[key] as { periodSeconds?: number; timeoutSeconds?: number; failureThreshold?: number } | undefined;
      if (!p) continue;
      if (p.timeoutSeconds !== undefined && p.periodSeconds !== undefined && p.timeoutSeconds >= p.periodSeconds) return `${key}: timeoutSeconds ${p.timeoutSeconds} is not shorter than periodSeconds ${p.periodSeconds}`;
      if (key === "startupProbe" && (p.failureThreshold ?? 3) * (p.periodSeconds ?? 10) > 600) return `startupProbe: failureThreshold x periodSeconds is ${(p.failureThreshold ?? 3) * (p.periodSeconds ?? 10)} s; at most 600 s`;
    }
  }
  return undefined;
}

function scalingProblem(obj: CloudObject): string | undefined {
  const s = (obj.inputs.template as { scaling?: { minInstanceCount?: number; maxInstanceCount?: number } } | undefined)?.scaling;
  if (s?.minInstanceCount !== undefined && s.maxInstanceCount !== undefined && s.minInstanceCount > s.maxInstanceCount) return `scaling: minInstanceCount ${s.minInstanceCount} above maxInstanceCount ${s.maxInstanceCount}`;
  return undefined;
}

/** Cloud Run services and jobs still holding Direct VPC egress addresses in a subnet: for a while after they are deleted or moved too. */
function runAddressesIn(subnet: CloudObject, ctx: RuleContext): string[] {
  const live = [...referencing(ctx, subnet, T.run), ...referencing(ctx, subnet, T.job)].map((s) => `${s.name} (running)`);
  const released = (subnet.facts.heldUntil as Record<string, number> | undefined) ?? {};
  const lingering = Object.entries(released)
    .filter(([, until]) => until > ctx.now)
    .map(([svc, until]) => `${svc} (gone; addresses held for about ${Math.ceil((until - ctx.now) / 60)} more minutes)`);
  return [...live, ...lingering];
}

/** Record that a Cloud Run resource stopped using subnets: "wait 1-2 hours for Cloud Run to release the IPs". */
function releaseAddresses(obj: CloudObject, subnets: readonly string[], ctx: RuleContext, at: number): void {
  for (const key of subnets) {
    const subnet = ctx.get(key);
    if (subnet?.type !== T.subnet) continue;
    subnet.facts.heldUntil = { ...((subnet.facts.heldUntil as Record<string, number>) ?? {}), [obj.name ?? obj.key]: at + 2 * 3600 };
  }
}

function cloudRunRule(kind: "service" | "job"): TypeRule {
  const service = kind === "service";
  const reserved = service ? RESERVED_ENV.service : [...RESERVED_ENV.service.slice(0, 1), ...RESERVED_ENV.job];
  const source = service ? DOC.runNames : DOC.jobNames;
  return {
    title: service ? "Cloud Run service" : "Cloud Run job",
    source,
    identity: { field: "name", scope: "region", source },
    checks: [
      rfc1035("name", service ? 49 : 63, source),
      { path: "*", source: DOC.runEnv, test: (_v, obj) => envProblem(obj, reserved) },
      { path: "*", source: DOC.runImages, test: (_v, obj) => imageProblem(obj) },
      { path: "*", source: DOC.runProbes, test: (_v, obj) => probeProblem(obj) },
      { path: "*", source: DOC.runScaling, test: (_v, obj) => scalingProblem(obj) },
      ...(service
        ? []
        : [
            {
              path: "runExecutionToken",
              source: DOC.jobNames,
              test: (v: unknown, obj: CloudObject) => (typeof v === "string" && (obj.name ?? "").length + v.length >= 63 ? `job name and execution token together are ${(obj.name ?? "").length + v.length} characters; fewer than 63 allowed` : undefined),
            },
          ]),
    ],
    replaceOn: forceNew("cloudrunv2", service ? "resource_cloud_run_v2_service.go" : "resource_cloud_run_v2_job.go", "name", "location", "project"),
    deletionProtection: { path: "deletionProtection", error: `cannot destroy ${kind} without setting deletion_protection=false and running \`pulumi up\``, source: `${TF}/cloudrunv2/resource_cloud_run_v2_${kind}.go` },
    readsThroughGrants: { when: (obj) => JSON.stringify(obj.inputs.template ?? {}).includes("secretKeyRef"), source: DOC.runSecrets },
    notes: [
      `each revision${service ? "" : " or execution"} is created by Cloud Run's service agent, whose roles (granted when run.googleapis.com is enabled) take up to 7 minutes to apply ([source](${PROJECT_DOC.serviceAgents}))`,
      `Direct VPC egress addresses stay in the subnet for 1-2 hours after the ${kind} is deleted or moved ([source](${DOC.directVpc}))`,
      ...(service
        ? []
        : [
            `an update or create with \`runExecutionToken\` starts the execution \`<job>-<token>\`; a token the job ran under before, or its current one re-sent after it ran another way, fails 409 already exists ([source](${DOC.jobToken}), [magic-modules#19060](${DOC.jobTokenDropped}))`,
            `a failed execution fails the create or update, but the provider has stored the job (its id is set before the wait) and Pulumi keeps it with the new settings and token and an initialization error; the next \`up\` sends an update even when nothing changed, re-sending the used token, so Freehold reads the deployed job first (the \`google_cloud_run_v2_job\` data source: "<id> not found" for no job) and draws a new token when its terminal condition is anything but CONDITION_SUCCEEDED or a run in progress (Google documents it as the job's readiness, and the provider does not expose the execution's completionStatus) or its latest execution is not its token's ([provider](${TF}/cloudrunv2/resource_cloud_run_v2_job.go), [data source](${TF}/cloudrunv2/data_source_google_cloud_run_v2_job.go), [Condition.state](${DOC.runCondition}), [InitErrors](https://github.com/pulumi/pulumi/blob/master/pkg/resource/deploy/step_generator.go))`,
          ]),
    ],
    beforeCreate: (obj, ctx) => agentNotReady(obj, ctx, "run.googleapis.com", `Cloud Run ${kind} ${obj.name}`),
    ...(service ? {} : { beforeUpdate: (next: CloudObject, previous: CloudObject) => executionTokenReused(next, previous), afterApply: runExecution }),
    // Moving off a subnet leaves its addresses behind for a while, as deleting does.
    afterUpdate: (next, previous, ctx) => {
      const kept = new Set(next.references.template ?? []);
      releaseAddresses(previous, (previous.references.template ?? []).filter((k) => !kept.has(k)), ctx, (next.facts.changedAt as number) ?? ctx.now);
      if (!service) next.facts.executionTokens = executionTokens(previous);
    },
    afterDelete: (obj, ctx) => releaseAddresses(obj, obj.references.template ?? [], ctx, ctx.now),
  };
}

/** Every object a resource waited for before it started, directly or through what it waited for. */
function waitedFor(obj: CloudObject, ctx: RuleContext): Set<string> {
  const seen = new Set<string>();
  const queue = [...((obj.facts.dependsOn as string[] | undefined) ?? [])];
  while (queue.length) {
    const k = queue.pop() as string;
    if (seen.has(k)) continue;
    seen.add(k);
    queue.push(...((ctx.get(k)?.facts.dependsOn as string[] | undefined) ?? []));
  }
  return seen;
}

/** The Cloud SQL instances a resource's inputs read from: directly, or through a database, user or address of one. */
function instancesReadBy(obj: CloudObject, ctx: RuleContext): CloudObject[] {
  const found = new Map<string, CloudObject>();
  for (const key of Object.values(obj.references).flat()) {
    const o = ctx.get(key);
    if (!o) continue;
    if (o.type === T.sql) found.set(o.key, o);
    for (const via of [...(o.references.instance ?? []), ...(o.references.rrdatas ?? [])]) {
      const i = ctx.get(via);
      if (i?.type === T.sql) found.set(i.key, i);
    }
  }
  return [...found.values()];
}

/**
 * A job that runs when it is created or updated (`runExecutionToken`: the
 * provider waits for the execution) and connects to a Cloud SQL instance
 * over Private Service Connect can reach it only once the endpoint's
 * forwarding rule exists: the Pulumi engine starts the job as soon as what it
 * depends on is done, so the rule must be among them.
 */
function executionUnreachable(obj: CloudObject, ctx: RuleContext): string | undefined {
  if (typeof obj.inputs.runExecutionToken !== "string") return undefined;
  const waited = waitedFor(obj, ctx);
  for (const instance of instancesReadBy(obj, ctx)) {
    const endpoints = ctx.objects().filter((o) => o.status === "live" && o.type === T.forwardingRule && (o.references.target ?? []).includes(instance.key));
    if (endpoints.length && endpoints.some((e) => waited.has(e.key))) continue;
    return `the job's execution starts without waiting for ${endpoints.length ? `the Private Service Connect endpoint ${endpoints.map((e) => e.name).join(", ")}` : "a Private Service Connect endpoint"} of Cloud SQL instance ${instance.name}: it may run before it can reach the database, and its execution fails the deployment [${DOC.psc}; ${TF}/cloudrunv2/resource_cloud_run_v2_job.go]`;
  }
  return undefined;
}

/**
 * The execution a create or update with `runExecutionToken` starts, after the provider stored the job (it sets the
 * id before it waits: resource_cloud_run_v2_job.go create, `d.SetId` before `CloudRunV2OperationWaitTime`; the update
 * waits after its PATCH). The job keeps it as its latest execution, and its terminal condition says how it ended
 * (CONDITION_SUCCEEDED or CONDITION_FAILED, https://cloud.google.com/run/docs/reference/rest/v2/Condition#state): what
 * the `google_cloud_run_v2_job` data source reads (deployedJob). A failed execution fails the step, and Pulumi keeps
 * the job with its new settings (pulumi-terraform-bridge provider.go: an initialization error with the new state).
 */
function runExecution(obj: CloudObject, ctx: RuleContext): string | undefined {
  const token = executionToken(obj);
  if (token === undefined) return undefined;
  const failure = executionUnreachable(obj, ctx);
  obj.facts.latestExecution = `${obj.name}-${tokenText(token)}`;
  obj.facts.terminalState = failure ? "CONDITION_FAILED" : "CONDITION_SUCCEEDED";
  return failure;
}

/** A token as the cloud holds it: a value drawn again from a replaced random id is other text, which a plan made under mocks does not show. */
function tokenText(token: string): string {
  return token.replace(/[^a-z0-9]+/g, "-").replace(/-+$/, "");
}

/**
 * The role job as the `google_cloud_run_v2_job` data source reads it (the fields the program reads), or undefined
 * when no job of that name lives in the region (the data source's "not found").
 */
export function deployedJob(objects: readonly CloudObject[], name: string, region: string): Record<string, unknown> | undefined {
  const job = objects.find((o) => o.type === T.job && o.status === "live" && o.name === name && o.region === region);
  if (!job) return undefined;
  const token = executionToken(job);
  return {
    name,
    runExecutionToken: token === undefined ? "" : tokenText(token),
    annotations: (job.inputs.annotations as Record<string, string> | undefined) ?? {},
    latestCreatedExecutions: typeof job.facts.latestExecution === "string" ? [{ name: job.facts.latestExecution }] : [],
    terminalConditions: typeof job.facts.terminalState === "string" ? [{ type: "Ready", state: job.facts.terminalState }] : [],
  };
}

/**
 * A job's execution token names the execution an update creates ("a unique string used as a suffix for creating a new
 * execution", Job.runExecutionToken), and a job keeps its executions. A token the job ran under before (a setting
 * changed and changed back, when the token is a hash of the settings) names an execution that exists. The same text
 * drawn again from a replaced random value is a new token: the objects it comes from mark it (a plan made under mocks
 * shows the same text for a new random value).
 */
function executionToken(obj: CloudObject): string | undefined {
  const token = obj.inputs.runExecutionToken;
  if (typeof token !== "string") return undefined;
  const from = [...(obj.references.runExecutionToken ?? [])].sort();
  return from.length ? `${token}#${from.join(",")}` : token;
}

/** Every token the job has run under, its current one included. */
function executionTokens(obj: CloudObject): string[] {
  const current = executionToken(obj);
  const earlier = (obj.facts.executionTokens as string[] | undefined) ?? [];
  return current === undefined || earlier.includes(current) ? earlier : [...earlier, current];
}

/**
 * An update that sends a token the job ran under before fails. That includes its current token: the provider sends
 * the configured token in every update, changed or not (resource_cloud_run_v2_job.go), and once the job has run any
 * other way (a hand-run execution, the console) Google no longer holds it as the job's, so the re-sent token is
 * taken as a new execution's name, which exists (GoogleCloudPlatform/magic-modules#19060). Whether Google also
 * refuses it without such a run is not documented: the simulated cloud assumes the stricter answer.
 */
function executionTokenReused(next: CloudObject, previous: CloudObject): string | undefined {
  const token = executionToken(next);
  if (token === undefined || !executionTokens(previous).includes(token)) return undefined;
  const again = token === executionToken(previous) ? "this update re-sends the token the job was last updated with, and Google gives it up once the job runs any other way" : "an earlier update ran under this token";
  return `409 ALREADY_EXISTS: the job ${next.name} already has the execution ${next.name}-${String(next.inputs.runExecutionToken)} (${again}; an execution token must be unique) [${DOC.jobToken}; ${DOC.jobTokenDropped}]`;
}

/** The network a resource names: the object it references, else the network's name (the last part of a path). */
function networkOf(obj: CloudObject): string {
  const ref = (obj.references.network ?? [])[0];
  return ref ?? String(obj.inputs.network ?? "").split("/").pop() ?? "";
}

/** A regional external Application Load Balancer's forwarding rule, created where its network has no active proxy-only subnet in the region. */
function proxySubnetMissing(obj: CloudObject, ctx: RuleContext): string | undefined {
  if (obj.inputs.loadBalancingScheme !== "EXTERNAL_MANAGED") return undefined;
  const network = networkOf(obj);
  const found = ctx
    .objects()
    .some((o) => o.status === "live" && o.type === T.subnet && o.region === obj.region && o.inputs.purpose === "REGIONAL_MANAGED_PROXY" && o.inputs.role === "ACTIVE" && networkOf(o) === network);
  return found
    ? undefined
    : `Error 400: An active proxy-only subnetwork is required in the same region and VPC as the forwarding rule (network ${String(obj.inputs.network)}, region ${obj.region}); a network the stack brings must have one [${DOC.proxySubnet}]`;
}

// ---- Cloud SQL -----------------------------------------------------------------------------------

/** A maintenance window: a day 1-7 (Monday first) and an hour 0-23 in UTC (the provider's schema). */
function maintenanceWindowProblem(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  const w = v as { day?: unknown; hour?: unknown; updateTrack?: unknown };
  if (w.day !== undefined && !(Number.isInteger(w.day) && (w.day as number) >= 1 && (w.day as number) <= 7)) return `day ${String(w.day)}: a day of the week 1-7, Monday first`;
  if (w.hour !== undefined && !(Number.isInteger(w.hour) && (w.hour as number) >= 0 && (w.hour as number) <= 23)) return `hour ${String(w.hour)}: an hour 0-23 (UTC)`;
  if (w.updateTrack !== undefined && !["canary", "stable", "week5"].includes(String(w.updateTrack))) return `updateTrack ${String(w.updateTrack)}: canary, stable or week5`;
  return undefined;
}

function sqlSettings(obj: CloudObject): Record<string, unknown> {
  return (obj.inputs.settings ?? {}) as Record<string, unknown>;
}

function sqlProblem(obj: CloudObject): string | undefined {
  const s = sqlSettings(obj);
  const ip = (s.ipConfiguration ?? {}) as { ipv4Enabled?: boolean; privateNetwork?: unknown; pscConfigs?: Array<{ pscEnabled?: boolean }> };
  if (ip.ipv4Enabled === false && !ip.privateNetwork && !(ip.pscConfigs ?? []).some((p) => p.pscEnabled)) {
    return "the instance would have no IP at all: with ipv4Enabled false, set a private network or enable Private Service Connect";
  }
  const b = (s.backupConfiguration ?? {}) as { pointInTimeRecoveryEnabled?: boolean; transactionLogRetentionDays?: number; backupRetentionSettings?: { retainedBackups?: number } };
  if (s.availabilityType === "REGIONAL" && b.pointInTimeRecoveryEnabled !== true) return "a regional (HA) PostgreSQL instance needs point-in-time recovery enabled";
  if (b.transactionLogRetentionDays !== undefined && (b.transactionLogRetentionDays < 1 || b.transactionLogRetentionDays > 7) && s.edition !== "ENTERPRISE_PLUS") {
    return `transactionLogRetentionDays ${b.transactionLogRetentionDays}; 1-7 on the Enterprise edition`;
  }
  const kept = b.backupRetentionSettings?.retainedBackups;
  if (kept !== undefined && (kept < 1 || kept > 365)) return `retainedBackups ${kept}; 1-365`;
  const finalDays = (s.finalBackupConfig as { retentionDays?: number } | undefined)?.retentionDays;
  if (finalDays !== undefined && (finalDays < 1 || finalDays > 365)) return `finalBackupConfig.retentionDays ${finalDays}; 1-365`;
  return labelProblem(s.userLabels);
}

/** The server CA modes the API takes; a customer-managed one names its CA Service pool (provider: `server_ca_mode`, `server_ca_pool`). */
const CA_MODES = ["GOOGLE_MANAGED_INTERNAL_CA", "GOOGLE_MANAGED_CAS_CA", "CUSTOMER_MANAGED_CAS_CA"];
function caModeProblem(ip: { serverCaMode?: unknown; serverCaPool?: unknown }): string | undefined {
  if (ip.serverCaMode === undefined) return undefined;
  if (!CA_MODES.includes(String(ip.serverCaMode))) return `ipConfiguration.serverCaMode ${String(ip.serverCaMode)} is not one of ${CA_MODES.join(", ")}`;
  return ip.serverCaMode === "CUSTOMER_MANAGED_CAS_CA" && !ip.serverCaPool ? "ipConfiguration.serverCaMode CUSTOMER_MANAGED_CAS_CA needs serverCaPool (the CA Service pool that signs the server certificate)" : undefined;
}

const versionOf = (v: unknown) => Number(/^POSTGRES_(\d+)/.exec(String(v ?? ""))?.[1] ?? Number.NaN);

/** The pseudo-type of the backups Cloud SQL keeps after an instance is deleted (no program registers them). */
export const SQL_BACKUP = "gcp:(sql backup)";

/**
 * Deleting an instance deletes its backups, unless `retainBackupsOnDelete`
 * keeps the automated ones or `finalBackupConfig` takes a final one, kept
 * `retentionDays` (1-365): what survives is left in the project, owned by no stack.
 */
function keepBackups(obj: CloudObject, ctx: RuleContext): void {
  const s = sqlSettings(obj) as { retainBackupsOnDelete?: boolean; finalBackupConfig?: { enabled?: boolean; retentionDays?: number } };
  const kept = (kind: string, facts: Record<string, unknown>) =>
    ctx.adopt({ key: `${obj.key}-${kind}`, cloud: "gcp", type: SQL_BACKUP, inputs: { instance: obj.name, kind }, references: {}, region: obj.region, name: `${obj.name} ${kind}`, status: "live", createdAt: ctx.now, facts });
  if (s.retainBackupsOnDelete === true) kept("automated backups", { retainedOnDelete: true });
  if (s.finalBackupConfig?.enabled === true) kept("final backup", { expiresAt: ctx.now + (s.finalBackupConfig.retentionDays ?? 30) * 86400 });
}

// ---- Artifact Registry ---------------------------------------------------------------------------

/** A remote repository with upstream credentials checks them when it is created, reading the password as the Artifact Registry service agent. */
function upstreamCheckTooEarly(obj: CloudObject, ctx: RuleContext): string | undefined {
  const config = obj.inputs.remoteRepositoryConfig as { upstreamCredentials?: unknown; disableUpstreamValidation?: boolean } | undefined;
  if (!config?.upstreamCredentials || config.disableUpstreamValidation === true) return undefined;
  const versions = Object.entries(obj.references)
    .filter(([k]) => k.startsWith("remoteRepositoryConfig"))
    .flatMap(([, keys]) => keys)
    .map((k) => ctx.get(k))
    .filter((o): o is CloudObject => o?.type === T.secretVersion);
  const secrets = new Set(versions.flatMap((v) => v.references.secret ?? []));
  const start = (obj.facts.changedAt as number) ?? obj.createdAt;
  const recent = ctx
    .objects()
    .filter((g) => g.status === "live" && g.type === T.secretIam && (g.references.secretId ?? []).some((k) => secrets.has(k)))
    .filter((g) => start - ((g.facts.changedAt as number) ?? 0) < 420);
  return recent.length
    ? `upstream validation reads the password as the Artifact Registry service agent ${Math.round(start - Math.max(...recent.map((g) => g.facts.changedAt as number)))} s after its Secret Accessor grant, which can take up to 420 s to apply: the repository is not created [${DOC.remoteAuth}; ${DOC.iamDelay}]`
    : undefined;
}

// ---- the table -----------------------------------------------------------------------------------

/** Project-wide resources: networks and global load-balancing pieces, certificates, secrets, IAM, sinks. */
const GLOBAL_TYPES = [
  T.api,
  T.network,
  T.globalAddress,
  T.globalForwardingRule,
  T.backend,
  T.urlMap,
  T.sslPolicy,
  T.httpsProxy,
  T.httpProxy,
  T.certificateMap,
  T.certificateMapEntry,
  T.account,
  T.accountIam,
  T.projectIam,
  T.serviceIdentity,
  T.customRole,
  T.secret,
  T.secretVersion,
  T.secretIam,
  T.sqlDatabase,
  T.sqlUser,
  T.bucketIam,
  T.logSink,
  T.logExclusion,
  T.dnsZone,
  T.dnsRecord,
  T.armor,
];

/** An IAM member resource: every field forces a new one. */
function iamMember(title: string, module: string, file: string, ...fields: string[]): TypeRule {
  return { title, source: DOC.iamMember, replaceOn: forceNew(module, file, ...fields, "role", "member", "condition") };
}

/** A global load-balancing piece: RFC 1035 name unique in the project, replaced on the provider's ForceNew fields. */
function lbPiece(title: string, file: string, forceNewFields: string[], inUseBy: TypeRule["inUseBy"] = []): TypeRule {
  return { title, source: DOC.lbServerless, identity: { field: "name", scope: "account", source: DOC.naming }, checks: [rfc1035("name")], replaceOn: forceNew("compute", file, ...forceNewFields), inUseBy };
}

const inUse = (by: string, field: string, error: string, source: string) => ({ by, field, error, source });

/** A regional load-balancing piece: RFC 1035 name unique in the project's region. */
function regionalLbPiece(title: string, file: string, forceNewFields: string[], inUseBy: TypeRule["inUseBy"] = []): TypeRule {
  return { ...lbPiece(title, file, forceNewFields, inUseBy), source: DOC.lbRegional, identity: { field: "name", scope: "region", source: DOC.naming } };
}

/** A Certificate Manager resource: RFC 1035 name unique in its location (global, or a region). */
function certPiece(title: string, source: string, file: string, forceNewFields: string[], inUseBy: TypeRule["inUseBy"] = []): TypeRule {
  return {
    title,
    source,
    // Regional where the backend puts them in a region (a regional load balancer's), global otherwise.
    globalWhen: (inputs) => String(inputs.location ?? "global").toLowerCase() === "global",
    identity: { field: "name", scope: (obj) => `location:${String(obj.inputs.location ?? "global")}`, source: DOC.certNames },
    checks: [rfc1035("name", 63, DOC.certNames)],
    replaceOn: forceNew("certificatemanager", `resource_certificate_manager_${file}.go`, ...forceNewFields),
    inUseBy,
  };
}

/** A Cloud Armor policy: at most 10 address ranges in one rule's basic match, a default rule at the lowest priority, and no deletion while a backend service uses it. */
function armorPolicy(title: string, file: string, forceNewFields: string[], usedBy: string): TypeRule {
  return {
    ...lbPiece(title, file, forceNewFields, [inUse(usedBy, "securityPolicy", "resourceInUseByAnotherResource: The security policy is in use by a backend service", DOC.armor)]),
    source: DOC.armor,
    checks: [
      rfc1035("name"),
      {
        path: "rules",
        source: DOC.armorQuotas,
        test: (v) => {
          const rules = Array.isArray(v) ? (v as Array<{ priority?: number; match?: { config?: { srcIpRanges?: unknown[] } } }>) : [];
          const wide = rules.find((r) => (r.match?.config?.srcIpRanges?.length ?? 0) > 10);
          if (wide) return `rule ${wide.priority} matches ${wide.match?.config?.srcIpRanges?.length} address ranges; at most 10 in one rule`;
          return rules.length && !rules.some((r) => r.priority === 2147483647) ? "no default rule (priority 2147483647)" : undefined;
        },
      },
    ],
  };
}

const sslPolicyChecks = [
  rfc1035("name"),
  { path: "profile", source: DOC.sslPolicies, test: (v: unknown) => (v === undefined || ["COMPATIBLE", "MODERN", "RESTRICTED", "CUSTOM"].includes(String(v)) ? undefined : `profile ${String(v)} is not COMPATIBLE, MODERN, RESTRICTED or CUSTOM`) },
  { path: "minTlsVersion", source: DOC.sslPolicies, test: (v: unknown) => (v === undefined || ["TLS_1_0", "TLS_1_1", "TLS_1_2", "TLS_1_3"].includes(String(v)) ? undefined : `minTlsVersion ${String(v)} is not a TLS version`) },
];

export const GCP_RULES: CloudRules = {
  cloud: "gcp",
  packages: ["gcp"],
  globalTypes: GLOBAL_TYPES,
  companions: COMPANIONS,
  // pulumi-gcp is bridged from terraform-provider-google: on a replacement its Diff asks for delete-before-replace
  // whenever the program set an auto-named property, even when the new name or location differs from the old
  // (pulumi-terraform-bridge pkg/tfbridge/schema.go nameRequiresDeleteBeforeReplace; UniqueNameFields, the one
  // opt-out by name change, is set for google_compute_instance_template alone). pulumi-gcp auto-names every input
  // called `name` (provider/resources.go `prov.SetAutonaming(255, "-")`), except dns RecordSet, whose name is the
  // record's domain; a custom role's `roleId` and a service account's `accountId` instead. The program overrides it
  // with `deleteBeforeReplace: false` (bridge.ts). Every type Freehold registers is an SDKv2 resource of the provider
  // (the plugin-framework resources do not make this request: pkg/pf/tfbridge/provider_diff.go).
  bridge: {
    autoNamed: { [T.customRole]: ["roleId"], [T.account]: ["accountId"], [T.dnsRecord]: [] },
    source: "https://github.com/pulumi/pulumi-terraform-bridge/blob/master/pkg/tfbridge/schema.go (nameRequiresDeleteBeforeReplace); https://github.com/pulumi/pulumi-gcp/blob/master/provider/resources.go (SetAutonaming)",
  },
  propagation: {
    grants: [T.secretIam, T.bucketIam, T.projectIam, T.runIam, T.accountIam],
    identities: [T.account, T.serviceIdentity],
    // "typically within 2 minutes, ... 7 minutes or longer" for changes to allow policies.
    seconds: 420,
    source: DOC.iamDelay,
  },
  invokes: {
    // getProject reads the project through Cloud Resource Manager.
    "gcp:organizations/getProject:getProject": (ctx) => projectReadFails(ctx),
  },
  global: [
    { title: "labels: at most 64; lowercase keys starting with a letter, values up to 63 of lowercase letters, digits, _ and -", source: DOC.labels, check: (obj) => labelProblem(obj.inputs.labels) },
    sameRegion(GLOBAL_TYPES, DOC.locations),
    {
      title: "every resource needs its service's API enabled in the project (Google's default list has Logging and Cloud Storage, not Compute Engine, Cloud Run or Cloud SQL Admin)",
      source: PROJECT_DOC.defaultApis,
      check: (obj, ctx) => {
        const api = apiOf(obj.type);
        const off = api ? apiOff(ctx, api) : undefined;
        return off ? `${off} (needed by ${obj.type})` : undefined;
      },
    },
    { title: "reading the project (the getProject invoke, and every API enable) goes through the Cloud Resource Manager API, which a fresh project does not have on", source: PROJECT_DOC.tfGetProject },
    {
      title:
        "organization policies the project inherits: domain-restricted sharing refuses a grant to allUsers or allAuthenticatedUsers; gcp.resourceLocations refuses a resource (or a secret replica) outside the allowed locations; run.allowedIngress refuses a Cloud Run ingress setting it does not list",
      source: PROJECT_DOC.domainRestricted,
      check: (obj, ctx) =>
        orgPolicyViolation(obj, ctx, {
          iamMembers: [T.secretIam, T.bucketIam, T.projectIam, T.runIam, T.accountIam],
          run: T.run,
          secret: T.secret,
          located: [T.sql, T.bucket, T.run, T.job, T.repository, T.logBucket],
        }),
    },
  ],
  types: {
    [T.api]: {
      title: "enabled API (Service Usage)",
      source: PROJECT_DOC.disabled,
      replaceOn: forceNew("resourcemanager", "resource_google_project_service.go", "service", "project"),
      notes: [`enabling reads the project through Cloud Resource Manager first, so it fails while that API is off ([source](${PROJECT_DOC.tfProjectService}))`],
      beforeCreate: (obj, ctx) => enableApi(obj, ctx),
    },
    [T.network]: {
      title: "VPC network",
      source: DOC.network,
      identity: { field: "name", scope: "account", source: DOC.naming },
      checks: [rfc1035("name"), textCheck("description", 2048, undefined, DOC.naming)],
      replaceOn: forceNew("compute", "resource_compute_network.go", "name", "autoCreateSubnetworks", "description", "project"),
      inUseBy: [T.subnet, T.forwardingRule, T.globalAddress].map((by) => inUse(by, "network", "resourceInUseByAnotherResource: The network resource is already being used", DOC.network)),
    },
    [T.subnet]: {
      title: "VPC subnet",
      source: DOC.subnet,
      identity: { field: "name", scope: "region", source: DOC.naming },
      replaceOn: forceNew("compute", "resource_compute_subnetwork.go", "name", "network", "region", "description", "project", "purpose"),
      inUseBy: [inUse(T.address, "subnetwork", "resourceInUseByAnotherResource: The subnetwork resource is already being used by an address", DOC.subnet)],
      checks: [
        rfc1035("name"),
        { path: "purpose", source: DOC.proxySubnet, test: (v, obj) => (v === "REGIONAL_MANAGED_PROXY" && obj.inputs.role !== "ACTIVE" && obj.inputs.role !== "BACKUP" ? "a proxy-only subnet needs role ACTIVE or BACKUP" : undefined) },
      ],
      notes: [`not deletable while Cloud Run holds Direct VPC egress addresses in it, which it does for 1-2 hours after a service or job is deleted or moved ([source](${DOC.directVpc}))`],
      beforeCreate: (obj, ctx) => {
        const network = (obj.references.network ?? [])[0];
        const clash = ctx.objects().find((o) => o.type === T.subnet && o.status === "live" && o.key !== obj.key && (o.references.network ?? [])[0] === network && cidrsOverlap(o.inputs.ipCidrRange, obj.inputs.ipCidrRange));
        if (clash) return `Invalid IPCidrRange: ${obj.inputs.ipCidrRange} conflicts with existing subnetwork '${clash.name}' in region '${clash.region}': subnet ranges must be unique and non-overlapping within a VPC network, in every region [${DOC.subnetRanges}]`;
        if (obj.inputs.purpose !== "REGIONAL_MANAGED_PROXY") return undefined;
        const other = ctx.objects().find((o) => o.type === T.subnet && o.status === "live" && o.key !== obj.key && o.region === obj.region && o.inputs.purpose === "REGIONAL_MANAGED_PROXY" && o.inputs.role === "ACTIVE" && (o.references.network ?? [])[0] === network);
        return other ? `a network has one active proxy-only subnet per region; ${other.name} is already active [${DOC.proxySubnet}]` : undefined;
      },
      beforeDelete: (obj, ctx) => {
        if (obj.inputs.purpose === "REGIONAL_MANAGED_PROXY") {
          const network = (obj.references.network ?? [])[0];
          const users = ctx.objects().filter((o) => o.type === T.forwardingRule && o.status === "live" && o.inputs.loadBalancingScheme === "EXTERNAL_MANAGED" && o.region === obj.region && (o.references.network ?? []).includes(network ?? ""));
          if (users.length) return `resourceInUseByAnotherResource: the proxy-only subnet is used by load balancer ${users.map((u) => u.name).join(", ")} [${DOC.proxySubnet}]`;
        }
        const held = runAddressesIn(obj, ctx);
        return held.length ? `resourceInUseByAnotherResource: The subnetwork is in use by serverless (Direct VPC egress) addresses of ${held.join(", ")} [${DOC.directVpc}]` : undefined;
      },
    },
    [T.address]: {
      title: "regional address",
      source: DOC.address,
      identity: { field: "name", scope: "region", source: DOC.naming },
      checks: [rfc1035("name")],
      replaceOn: forceNew("compute", "resource_compute_address.go", "name", "region", "subnetwork", "addressType", "address", "purpose", "network", "description", "project"),
      inUseBy: [inUse(T.forwardingRule, "ipAddress", "resourceInUseByAnotherResource: The address is in use by a forwarding rule", DOC.address)],
    },
    [T.forwardingRule]: {
      title: "regional forwarding rule (a Private Service Connect endpoint, or a regional load balancer's front end)",
      source: DOC.psc,
      identity: { field: "name", scope: "region", source: DOC.naming },
      checks: [rfc1035("name")],
      replaceOn: forceNew("compute", "resource_compute_forwarding_rule.go", "name", "region", "network", "subnetwork", "ipAddress", "loadBalancingScheme", "ipProtocol", "portRange", "description", "project"),
      notes: [
        `a regional external Application Load Balancer's forwarding rule needs an active proxy-only subnet in its region and network, which a network the stack brings must already have ([source](${DOC.proxySubnet}))`,
        `a Cloud SQL instance has one service attachment, and Cloud SQL documents one Private Service Connect endpoint per network ("If there are multiple networks, then each network has its own endpoint", [source](${DOC.pscOverview})), not two in one network at once: an endpoint moved to another subnet (its address's \`subnetwork\` is ForceNew) is deleted before its successor exists, and clients cannot reach the database until the new one is accepted and the instance's DNS record points at it`,
      ],
      beforeCreate: (obj, ctx) => proxySubnetMissing(obj, ctx),
    },
    [T.globalAddress]: lbPiece("global external address", "resource_compute_global_address.go", ["name", "address", "addressType", "ipVersion", "purpose", "network", "prefixLength", "description", "project"], [
      inUse(T.globalForwardingRule, "ipAddress", "resourceInUseByAnotherResource: The address is in use by a forwarding rule", DOC.lbServerless),
    ]),
    [T.globalForwardingRule]: lbPiece("global forwarding rule", "resource_compute_global_forwarding_rule.go", ["name", "ipAddress", "ipProtocol", "portRange", "loadBalancingScheme", "network", "description", "project"]),
    [T.neg]: {
      title: "serverless network endpoint group",
      source: DOC.lbServerless,
      identity: { field: "name", scope: "region", source: DOC.naming },
      checks: [rfc1035("name")],
      replaceOn: forceNew("compute", "resource_compute_region_network_endpoint_group.go", "name", "region", "networkEndpointType", "cloudRun", "description", "project"),
      inUseBy: [T.backend, T.regionBackend].map((by) => inUse(by, "backends", "resourceInUseByAnotherResource: The network endpoint group is in use by a backend service", DOC.lbServerless)),
    },
    [T.backend]: lbPiece("global backend service", "resource_compute_backend_service.go", ["name", "project"], [
      inUse(T.urlMap, "defaultService", "resourceInUseByAnotherResource: The backend service is in use by a URL map", DOC.lbServerless),
    ]),
    [T.urlMap]: lbPiece("URL map", "resource_compute_url_map.go", ["name", "project"], [
      inUse(T.httpsProxy, "urlMap", "resourceInUseByAnotherResource: The URL map is in use by a target proxy", DOC.lbServerless),
      inUse(T.httpProxy, "urlMap", "resourceInUseByAnotherResource: The URL map is in use by a target proxy", DOC.lbServerless),
    ]),
    [T.sslPolicy]: {
      ...lbPiece("SSL policy", "resource_compute_ssl_policy.go", ["name", "description", "project"], [inUse(T.httpsProxy, "sslPolicy", "resourceInUseByAnotherResource: The SSL policy is in use by a target HTTPS proxy", DOC.sslPolicies)]),
      checks: sslPolicyChecks,
    },
    // `region` is not ForceNew in the provider for these two (resource_compute_region_backend_service.go and
    // resource_compute_region_url_map.go: Optional+Computed, no CustomizeDiff on it): a region change is an update sent
    // to the new region's URL, which fails 404. The backend lists `region` in `replaceOnChanges` so a move replaces them.
    [T.regionBackend]: regionalLbPiece("regional backend service", "resource_compute_region_backend_service.go", ["name", "loadBalancingScheme", "network", "project"], [
      inUse(T.regionUrlMap, "defaultService", "resourceInUseByAnotherResource: The backend service is in use by a URL map", DOC.lbRegional),
    ]),
    [T.regionUrlMap]: regionalLbPiece("regional URL map", "resource_compute_region_url_map.go", ["name", "project"], [
      inUse(T.regionHttpsProxy, "urlMap", "resourceInUseByAnotherResource: The URL map is in use by a target proxy", DOC.lbRegional),
      inUse(T.regionHttpProxy, "urlMap", "resourceInUseByAnotherResource: The URL map is in use by a target proxy", DOC.lbRegional),
    ]),
    [T.regionSslPolicy]: {
      ...regionalLbPiece("regional SSL policy", "resource_compute_region_ssl_policy.go", ["name", "region", "description", "project"], [
        inUse(T.regionHttpsProxy, "sslPolicy", "resourceInUseByAnotherResource: The SSL policy is in use by a target HTTPS proxy", DOC.sslPolicies),
      ]),
      checks: sslPolicyChecks,
    },
    [T.regionHttpsProxy]: regionalLbPiece("regional target HTTPS proxy", "resource_compute_region_target_https_proxy.go", ["name", "region", "description", "project"], [
      inUse(T.forwardingRule, "target", "resourceInUseByAnotherResource: The target proxy is in use by a forwarding rule", DOC.lbRegional),
    ]),
    [T.regionHttpProxy]: regionalLbPiece("regional target HTTP proxy", "resource_compute_region_target_http_proxy.go", ["name", "region", "description", "project"], [
      inUse(T.forwardingRule, "target", "resourceInUseByAnotherResource: The target proxy is in use by a forwarding rule", DOC.lbRegional),
    ]),
    [T.httpsProxy]: lbPiece("target HTTPS proxy", "resource_compute_target_https_proxy.go", ["name", "description", "project"], [
      inUse(T.globalForwardingRule, "target", "resourceInUseByAnotherResource: The target proxy is in use by a forwarding rule", DOC.lbServerless),
    ]),
    [T.httpProxy]: lbPiece("target HTTP proxy", "resource_compute_target_http_proxy.go", ["name", "description", "project"], [
      inUse(T.globalForwardingRule, "target", "resourceInUseByAnotherResource: The target proxy is in use by a forwarding rule", DOC.lbServerless),
    ]),
    [T.dnsAuth]: certPiece("Certificate Manager DNS authorization", DOC.dnsAuth, "dns_authorization", ["name", "domain", "location", "type", "project"], [
      inUse(T.certificate, "managed", "FAILED_PRECONDITION: the DNS authorization is used by a certificate", DOC.dnsAuth),
    ]),
    [T.certificate]: {
      ...certPiece("Certificate Manager certificate", DOC.certNames, "certificate", ["name", "location", "managed", "scope", "project"], [
        inUse(T.certificateMapEntry, "certificates", "FAILED_PRECONDITION: the certificate is referenced by a certificate map entry", DOC.certMaps),
        inUse(T.regionHttpsProxy, "certificateManagerCertificates", "FAILED_PRECONDITION: the certificate is attached to a target proxy", DOC.lbRegional),
      ]),
      notes: [
        `a certificate is active only once its DNS authorization's record is in place ([source](${DOC.dnsAuth})): a front door moved to the other location (global for regional) gets a new certificate that serves nothing until the user adds the new record, while Pulumi deletes the old front door at the end of that same up, so the move is an outage unless staged; the backend refuses it unless the stack accepts it (freehold:acceptDomainMove)`,
      ],
    },
    [T.certificateMap]: certPiece("Certificate Manager certificate map", DOC.certMaps, "certificate_map", ["name", "project"], [
      inUse(T.certificateMapEntry, "map", "FAILED_PRECONDITION: the certificate map still has entries", DOC.certMaps),
      inUse(T.httpsProxy, "certificateMap", "FAILED_PRECONDITION: the certificate map is attached to a target proxy", DOC.certMaps),
    ]),
    [T.certificateMapEntry]: {
      ...certPiece("Certificate Manager certificate map entry", DOC.certMaps, "certificate_map_entry", ["name", "map", "hostname", "matcher", "project"]),
      identity: { field: "name", scope: { within: "map" }, source: DOC.certNames },
    },
    [T.account]: {
      title: "service account",
      source: DOC.sa,
      identity: { field: "accountId", scope: "account", source: DOC.sa },
      checks: [nameCheck("accountId", 6, 30, /^[a-z]([-a-z0-9]*[a-z0-9])$/, DOC.sa), textCheck("displayName", 100, undefined, DOC.sa), textCheck("description", 256, undefined, DOC.sa)],
      replaceOn: forceNew("resourcemanager", "resource_google_service_account.go", "accountId", "project"),
      notes: [`a deleted account's id can be used again at once; the new account is a different identity and holds none of the old grants ([source](${DOC.saDelete}))`],
    },
    [T.accountIam]: iamMember("IAM member on a service account", "resourcemanager", "iam_service_account.go", "serviceAccountId"),
    [T.run]: cloudRunRule("service"),
    [T.runIam]: iamMember("IAM member on a Cloud Run service", "cloudrunv2", "iam_cloud_run_v2_service.go", "name", "location", "project"),
    [T.job]: cloudRunRule("job"),
    ...GCP_WORKLOAD_RULES,
    [T.sql]: {
      title: "Cloud SQL instance",
      source: DOC.sqlDelete,
      identity: { field: "name", scope: "account", source: DOC.sqlNames },
      // Project id (up to 30 characters) + ":" + instance id: at most 98 characters.
      checks: [
        nameCheck("name", 1, 67, RFC1035, DOC.sqlNames),
        { path: "*", source: DOC.sqlBackups, test: (_v, obj) => sqlProblem(obj) },
        { path: "*", source: DOC.sqlCa, test: (_v, obj) => caModeProblem((sqlSettings(obj).ipConfiguration ?? {}) as { serverCaMode?: unknown; serverCaPool?: unknown }) },
        { path: "settings.maintenanceWindow", source: `${TF}/sql/resource_sql_database_instance.go`, test: (v) => maintenanceWindowProblem(v) },
        {
          path: "settings.backupConfiguration.startTime",
          source: DOC.sqlBackups,
          test: (v) => (v === undefined || (typeof v === "string" && /^([01]\d|2[0-3]):[0-5]\d$/.test(v)) ? undefined : `${JSON.stringify(v)} is not a time of day HH:MM (UTC)`),
        },
      ],
      replaceOn: forceNew("sql", "resource_sql_database_instance.go", "name", "region", "project", "encryptionKeyName", "settings.collation"),
      deletionProtection: { path: "deletionProtection", error: "cannot destroy instance without setting deletion_protection=false and running `pulumi up`", source: `${TF}/sql/resource_sql_database_instance.go` },
      notes: [
        `deletion refused while \`settings.deletionProtectionEnabled\` is true ([source](${DOC.sqlProtection}))`,
        `a major version can be upgraded in place, never downgraded ([source](${DOC.sqlUpgrade}))`,
        `a larger \`settings.diskSize\` grows the disk in place; with \`diskAutoresize\` on, the provider drops a smaller size from the diff, so the disk (which Cloud SQL may have grown) never shrinks ([source](${TF}/sql/resource_sql_database_instance.go), \`diskSizeCutomizeDiff\`)`,
        `a deleted instance's name can be reused at once ([source](${DOC.sqlDelete}))`,
        `\`settings.tier\` and \`settings.availabilityType\` change in place, through the update call that "might cause your instance to restart"; no setting holds such a change for the maintenance window, so the restart happens when \`up\` runs ([source](${DOC.sqlUpdate}); [settings](${DOC.sqlSettings}))`,
        `deleting an instance deletes its backups, unless \`settings.retainBackupsOnDelete\` keeps the automated ones or \`settings.finalBackupConfig\` takes a final backup, kept 1-365 days ([source](${DOC.sqlBackups}); [final backups](${DOC.sqlFinalBackup}))`,
        `the per-instance CA (\`GOOGLE_MANAGED_INTERNAL_CA\`, the default) signs server certificates naming \`<project>:<instance>\`, which no host name matches; the shared CA (\`GOOGLE_MANAGED_CAS_CA\`) names the instance's DNS name, so a client can verify the host (verify-full) ([source](${DOC.sqlCa}))`,
        `a client outside the program (an operator's pg_dump) verifies the server only by that DNS name (\`gcloud sql instances describe <instance> --format='value(dnsName)'\`, [source](${DOC.sqlDns})), not the Private Service Connect endpoint's address, which no certificate names, and only with sslmode=verify-full: require and verify-ca accept a server they cannot name ([libpq](${DOC.libpqSsl}))`,
        `pgAudit needs the \`cloudsql.enable_pgaudit\` flag, which restarts the instance when it changes, and logs only in databases where \`CREATE EXTENSION pgaudit\` ran ([source](${DOC.sqlPgAudit}))`,
        `logical replication needs the \`cloudsql.logical_decoding\` flag (wal_level logical), which restarts the instance when it changes, and a user with the REPLICATION attribute (\`ALTER USER <user> WITH REPLICATION\`, which a cloudsqlsuperuser member may run) ([source](${DOC.sqlLogical}))`,
        `Freehold's role job runs \`ALTER ROLE <admin> WITH REPLICATION\` as the administrator (a cloudsqlsuperuser member) with \`replication: logical\`, and \`WITH NOREPLICATION\` with \`off\`, so the live exit needs no permission granted by hand; from PostgreSQL 16, a non-superuser needs pg_create_subscription to CREATE SUBSCRIPTION, which the job grants where the administrator may, warning where it may not ([source](${DOC.sqlLogical}); [PostgreSQL](${DOC.pgSubscriptionRole}))`,
      ],
      afterDelete: (obj, ctx) => keepBackups(obj, ctx),
      // Its databases and users go with it.
      contains: (other, self) => (other.type === T.sqlDatabase || other.type === T.sqlUser) && (other.references.instance ?? []).includes(self.key),
      // With autoresize on, the provider sends a larger disk and drops a smaller one from the diff: the disk never shrinks.
      afterUpdate: (next, previous) => {
        const size = (o: CloudObject) => (sqlSettings(o) as { diskSize?: unknown }).diskSize;
        const [now, before] = [size(next), size(previous)];
        if (typeof now === "number" && typeof before === "number" && now < before && (sqlSettings(next) as { diskAutoresize?: unknown }).diskAutoresize !== false) {
          next.inputs = { ...next.inputs, settings: { ...sqlSettings(next), diskSize: before } };
        }
      },
      beforeUpdate: (next, previous) =>
        versionOf(next.inputs.databaseVersion) < versionOf(previous.inputs.databaseVersion)
          ? `Invalid request: a major version can only be upgraded (from ${String(previous.inputs.databaseVersion)} to ${String(next.inputs.databaseVersion)} is a downgrade) [${DOC.sqlUpgrade}]`
          : undefined,
      beforeDelete: (obj) =>
        (sqlSettings(obj) as { deletionProtectionEnabled?: unknown }).deletionProtectionEnabled === true ? `The instance is protected from deletion (settings.deletionProtectionEnabled) [${DOC.sqlProtection}]` : undefined,
    },
    [T.sqlDatabase]: {
      title: "Cloud SQL database",
      source: DOC.sqlUsers,
      identity: { field: "name", scope: { within: "instance" }, source: DOC.pgIdentifiers },
      checks: [nameCheck("name", 1, 63, /^[A-Za-z_][A-Za-z0-9_$]*$/, DOC.pgIdentifiers)],
      replaceOn: forceNew("sql", "resource_sql_database.go", "name", "instance", "project"),
      notes: [
        `deleting it through the API runs \`DROP DATABASE\`, which PostgreSQL refuses while any other session is connected to the database ("database is being accessed by other users"): a service, worker or job still running with it, an administrator's session, a replication subscriber ([PostgreSQL](${DOC.pgDropDatabase}); [the provider's issue](${DOC.sqlDatabaseDelete})); the simulator counts the live workloads that use it and the sessions a scenario opens (\`facts.sessions\`)`,
        `\`deletionPolicy: ABANDON\` makes the provider skip the API call and only forget the database: it stays in the instance, unmanaged, and goes when the instance is deleted ([source](${TF}/sql/resource_sql_database.go))`,
      ],
      abandonedWhen: (obj) => obj.inputs.deletionPolicy === "ABANDON",
      beforeDelete: (obj, ctx) => {
        if (obj.inputs.deletionPolicy === "ABANDON") return undefined;
        const sessions = [...[T.run, T.job, WORKLOAD_TYPES.workerPool].flatMap((t) => referencing(ctx, obj, t)).map((o) => `${o.name} (running)`), ...((obj.facts.sessions as string[] | undefined) ?? [])];
        return sessions.length
          ? `Invalid request: failed to delete database "${obj.name}". Detail: pq: database "${obj.name}" is being accessed by other users (${sessions.join(", ")}) [${DOC.pgDropDatabase}; ${DOC.sqlDatabaseDelete}]`
          : undefined;
      },
    },
    [T.sqlUser]: {
      title: "Cloud SQL user",
      source: DOC.sqlUsers,
      identity: { field: "name", scope: { within: "instance" }, source: DOC.sqlUsers },
      checks: [nameCheck("name", 1, 63, /^[A-Za-z_][A-Za-z0-9_$.@-]*$/, DOC.pgIdentifiers, (n) => (/^cloudsql/i.test(n) ? "names starting with cloudsql are reserved" : undefined))],
      replaceOn: forceNew("sql", "resource_sql_user.go", "name", "instance", "type", "host", "project"),
      notes: [
        `users created through the API are members of cloudsqlsuperuser ([source](${DOC.sqlUsers}))`,
        `\`deletionPolicy: ABANDON\` makes the provider only forget the user, which goes with its instance ([source](${TF}/sql/resource_sql_user.go))`,
      ],
      abandonedWhen: (obj) => obj.inputs.deletionPolicy === "ABANDON",
    },
    [T.secret]: {
      title: "Secret Manager secret",
      source: DOC.secrets,
      identity: { field: "secretId", scope: "account", source: DOC.secrets },
      checks: [nameCheck("secretId", 1, 255, /^[A-Za-z0-9_-]+$/, DOC.secrets)],
      // Replication is set at creation: "immutable" in the API.
      replaceOn: forceNew("secretmanager", "resource_secret_manager_secret.go", "secretId", "replication", "project"),
      notes: [`a secret a destroy kept (retainOnDelete) still holds its id: creating one of the same id fails with 409 ALREADY_EXISTS ([source](${DOC.secretCreate}))`],
    },
    [T.secretVersion]: {
      title: "Secret Manager secret version",
      source: DOC.secrets,
      // The limit is on the payload's bytes (UTF-8), not its characters.
      checks: [
        {
          path: "secretData",
          source: DOC.secretVersions,
          test: (v) => (typeof v === "string" && Buffer.byteLength(v, "utf8") > 65536 ? `${Buffer.byteLength(v, "utf8")} bytes; a secret version holds at most 64 KiB` : undefined),
        },
      ],
      replaceOn: forceNew("secretmanager", "resource_secret_manager_secret_version.go", "secret", "secretData", "project"),
    },
    [T.secretIam]: iamMember("IAM member on a secret", "secretmanager", "iam_secret_manager_secret.go", "secretId", "project"),
    [T.bucket]: {
      title: "Cloud Storage bucket",
      source: DOC.buckets,
      identity: { field: "name", scope: "global", source: DOC.buckets },
      checks: [
        nameCheck("name", 3, 63, /^[a-z0-9][a-z0-9_-]*[a-z0-9]$/, DOC.buckets, (n) => (/^goog/.test(n) ? 'begins with "goog"' : /g[o0][o0]gle/.test(n) ? 'contains "google" or a close misspelling' : undefined)),
        { path: "lifecycleRules", source: DOC.lifecycle, test: (v) => (Array.isArray(v) && v.length > 100 ? `${v.length} lifecycle rules; at most 100` : undefined) },
        {
          path: "softDeletePolicy.retentionDurationSeconds",
          source: DOC.softDelete,
          test: (v) => (typeof v === "number" && v !== 0 && (v < 7 * 86400 || v > 90 * 86400) ? `${v} s; soft delete keeps objects 0 or 7-90 days` : undefined),
        },
      ],
      replaceOn: forceNew("storage", "resource_storage_bucket.go", "name", "location", "project"),
      notes: [
        `only an empty bucket can be deleted; one that has held data goes only with \`forceDestroy\` ([source](${DOC.bucketDelete}))`,
        `a deleted bucket's name can be used again at once, by anyone ([source](${DOC.bucketDelete})); a bucket a destroy kept still holds its name, in all of Google Cloud: creating one of that name fails with 409 ([source](${DOC.buckets}))`,
      ],
      // A bucket that has held data is not empty; only forceDestroy (the provider deletes the objects first) deletes one.
      beforeDelete: (obj) => (obj.inputs.forceDestroy === true ? undefined : `Error 409: The bucket you tried to delete is not empty (forceDestroy is false) [${DOC.bucketDelete}]`),
    },
    [T.bucketIam]: iamMember("IAM member on a bucket", "storage", "iam_storage_bucket.go", "bucket"),
    // google_project_iam_member is generated from the project's IAM updater (iam_project.go).
    [T.projectIam]: iamMember("IAM member on the project", "resourcemanager", "iam_project.go", "project"),
    [T.customRole]: {
      title: "project custom role",
      source: DOC.customRoles,
      identity: { field: "roleId", scope: "account", source: DOC.customRoles },
      checks: [
        nameCheck("roleId", 3, 64, /^[a-zA-Z0-9_.]+$/, DOC.customRoles),
        textCheck("title", 100, undefined, DOC.customRoles),
        { path: "permissions", source: DOC.customRoles, test: (v) => (Array.isArray(v) && (v.length === 0 || v.length > 3000) ? `${v.length} permissions; 1-3000` : undefined) },
      ],
      replaceOn: forceNew("resourcemanager", "resource_google_project_iam_custom_role.go", "roleId", "project"),
      // "After 7 days ... the role is permanently deleted ... you cannot create a role with the same ID for another 30 days" (37 in all);
      // the provider undeletes a role of the same id when it is created again while that is still possible (7 days).
      softDelete: { days: 37, undeleteDays: 7, source: DOC.customRoles },
      notes: [
        `a deleted role can be undeleted for 7 days and its id stays taken for 37 ([source](${DOC.customRoles})); the provider undeletes a deleted role when the same id is created again within the 7 days, and fails from day 8 to day 37 ([source](${TF}/resourcemanager/resource_google_project_iam_custom_role.go))`,
      ],
    },
    [T.serviceIdentity]: {
      title: "service agent (created on request)",
      source: "https://cloud.google.com/iam/docs/create-service-agents",
      replaceOn: forceNew("resourcemanager", "resource_project_service_identity.go", "service", "project"),
    },
    [T.repository]: {
      title: "Artifact Registry repository",
      source: DOC.registryNames,
      identity: { field: "repositoryId", scope: "region", source: DOC.registryNames },
      checks: [nameCheck("repositoryId", 1, 63, RFC1035, DOC.registryNames)],
      replaceOn: forceNew(
        "artifactregistry",
        "resource_artifact_registry_repository.go",
        "repositoryId",
        "location",
        "format",
        "mode",
        "kmsKeyName",
        "remoteRepositoryConfig.commonRepository",
        "remoteRepositoryConfig.dockerRepository",
        "remoteRepositoryConfig.description",
        "project",
      ),
      // Its id is `projects/{{project}}/locations/{{location}}/repositories/{{repository_id}}` and its `registry_uri` "the
      // repository endpoint, for example: us-docker.pkg.dev/my-proj/my-repo": a new upstream under the same id and location
      // gives an image path through it the same string, so a Cloud Run revision naming it is not changed.
      outputsFrom: { paths: ["repositoryId", "location", "project"], source: `${TF}/artifactregistry/resource_artifact_registry_repository.go` },
      notes: [
        `a remote repository with upstream credentials checks them when it is created, reading the password as the Artifact Registry service agent ([source](${DOC.remoteAuth}))`,
        `its id and registry URI (\`<location>-docker.pkg.dev/<project>/<repository id>\`) are made from its location, project and id alone: replaced under the same id, an image path through it is the same string, and Pulumi updates nothing that names it (no new Cloud Run revision) ([source](${TF}/artifactregistry/resource_artifact_registry_repository.go))`,
      ],
      beforeCreate: (obj, ctx) => upstreamCheckTooEarly(obj, ctx),
    },
    [T.logBucket]: {
      title: "Cloud Logging log bucket",
      source: DOC.logBuckets,
      identity: { field: "bucketId", scope: "region", source: DOC.logBuckets },
      checks: [
        nameCheck("bucketId", 1, 100, /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, DOC.logBuckets),
        { path: "retentionDays", source: DOC.logBuckets, test: (v) => (typeof v === "number" && (v < 1 || v > 3650) ? `${v} days; 1-3650` : undefined) },
      ],
      replaceOn: forceNew("logging", "resource_logging_project_bucket_config.go", "bucketId", "location", "project"),
      // "Changes the bucket's lifecycleState to DELETE_REQUESTED. After 7 days, the bucket will be purged."
      softDelete: { days: 7, source: DOC.logBucketDelete },
    },
    [T.logSink]: {
      title: "Cloud Logging sink",
      source: DOC.sinks,
      identity: { field: "name", scope: "account", source: DOC.sinks },
      checks: [nameCheck("name", 1, 100, /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, DOC.sinks)],
      replaceOn: forceNew("logging", "resource_logging_project_sink.go", "name", "project"),
    },
    [T.armor]: armorPolicy("Cloud Armor security policy (global)", "resource_compute_security_policy.go", ["name", "type", "project"], T.backend),
    [T.regionArmor]: { ...armorPolicy("Cloud Armor security policy (regional)", "resource_compute_region_security_policy.go", ["name", "region", "type", "project"], T.regionBackend), identity: { field: "name", scope: "region", source: DOC.naming } },
    [T.dnsZone]: {
      title: "Cloud DNS managed zone (private, bound to a network)",
      source: DOC.dnsZones,
      identity: { field: "name", scope: "account", source: DOC.dnsZones },
      checks: [
        rfc1035("name", 63, DOC.dnsZones),
        { path: "dnsName", source: DOC.dnsZones, test: (v) => (typeof v === "string" && !v.endsWith(".") ? `"${v}" must end with a dot` : undefined) },
      ],
      replaceOn: forceNew("dns", "resource_dns_managed_zone.go", "name", "dnsName", "visibility", "project"),
      inUseBy: [inUse(T.dnsRecord, "managedZone", "Error 400: The resource named in the request cannot be deleted because it is not empty (containerNotEmpty)", DOC.dnsZoneDelete)],
    },
    [T.dnsRecord]: {
      title: "Cloud DNS record set",
      source: DOC.dnsRecords,
      identity: { field: "name", scope: { within: "managedZone" }, source: DOC.dnsRecords },
      replaceOn: forceNew("dns", "resource_dns_record_set.go", "managedZone", "name", "project"),
    },
    [T.logExclusion]: {
      title: "Cloud Logging exclusion (on the _Default sink)",
      source: DOC.exclusions,
      identity: { field: "name", scope: "account", source: DOC.exclusions },
      checks: [nameCheck("name", 1, 100, /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, DOC.exclusions)],
      replaceOn: forceNew("logging", "resource_logging_project_exclusion.go", "name", "project"),
    },
  },
};

/** Whether two IPv4 CIDR ranges share an address (anything that is not a CIDR string shares nothing). */
export function cidrsOverlap(a: unknown, b: unknown): boolean {
  const range = (v: unknown): [number, number] | undefined => {
    const m = typeof v === "string" ? /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(v) : null;
    if (!m) return undefined;
    const base = m.slice(1, 5).reduce((n, o) => n * 256 + Number(o), 0);
    const size = 2 ** (32 - Number(m[5]));
    const start = base - (base % size);
    return [start, start + size - 1];
  };
  const x = range(a);
  const y = range(b);
  return Boolean(x && y && x[0] <= y[1] && y[0] <= x[1]);
}
