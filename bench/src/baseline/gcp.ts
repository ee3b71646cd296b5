// The Crown Marketplace on Google Cloud, written directly against @pulumi/gcp: Cloud Run with Direct VPC
// egress, Cloud SQL for PostgreSQL reached through a Private Service Connect endpoint, with the application's
// role created by a Cloud Run job, Cloud Storage, Secret Manager for the passwords, and the stack's logs
// kept in its region. Links verify the database (verify-full) on its DNS name, which a private zone resolves
// to the endpoint; the role job pulls a pinned PostgreSQL client image through an Artifact Registry remote
// repository of Docker Hub.

import { roleJobCommand, roleSetupSql, scramVerifier } from "@freehold/core/database-roles";
import * as artifactregistry from "@pulumi/gcp/artifactregistry";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as cloudscheduler from "@pulumi/gcp/cloudscheduler";
import * as compute from "@pulumi/gcp/compute";
import * as gcpConfig from "@pulumi/gcp/config";
import * as dns from "@pulumi/gcp/dns";
import * as logging from "@pulumi/gcp/logging";
import * as organizations from "@pulumi/gcp/organizations";
import * as projects from "@pulumi/gcp/projects";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as sql from "@pulumi/gcp/sql";
import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import { RandomId } from "@pulumi/random/randomId";
import { RandomPassword } from "@pulumi/random/randomPassword";
import { RandomString } from "@pulumi/random/randomString";
import { Sleep } from "@pulumiverse/time/sleep";
import { fitName, hashSuffix, unique } from "./names";

const region = "europe-west2";
/** A permission change "typically" applies within 2 minutes, but can take 7 or longer. */
const propagation = "420s";

export interface Platform {
  /** The stack's name: shared resources' logical names. */
  stack: string;
  /** Physical names: the stack's name and the Pulumi stack's. */
  prefix: string;
  labels: Record<string, string>;
  /** Read once: also the check that the Cloud Resource Manager API is on. */
  projectId: pulumi.Output<string>;
  apis: Record<"compute" | "sqladmin" | "secretmanager" | "logging" | "iam" | "iamcredentials" | "run" | "storage" | "dns" | "artifactregistry", projects.Service>;
  /** Cloud Run's service agent has its roles (granted when the API is enabled, applied like any grant). */
  runReady: Sleep;
  network: compute.Network;
  subnet: compute.Subnetwork;
  /** Destroyed before the subnet, after every Cloud Run resource on it: Cloud Run releases its addresses slowly. */
  addressRelease: Sleep;
  /** A role that only signs blobs: each linked service gets it on its own account, for signed URLs. */
  urlSigner: projects.IAMCustomRole;
  /** The remote repository of Docker Hub the role jobs pull their pinned image through. */
  tools: artifactregistry.Repository;
  /** The log sink and exclusion: whatever writes logs starts after them. */
  logged: pulumi.Resource[];
  /** What writes logs, by exact name, filled in as the stack is written; `done()` fixes the filter. */
  logSources: { services: string[]; jobs: string[]; workerPools: string[]; sqlInstances: string[]; subnets: string[] };
  done: () => void;
}

export function platform(stack: string, userLabels: Record<string, string>): Platform {
  const pulumiStack = pulumi.getStack();
  const prefix = `${stack}-${pulumiStack}`;
  const labels = { ...userLabels, "managed-by": "freehold", "freehold-stack": stack, "pulumi-stack": pulumiStack };
  const projectId = organizations.getProjectOutput({}).apply((p) => p.projectId ?? "");
  const api = (name: string) =>
    new projects.Service(`${stack}-api-${name}`, { project: projectId, service: `${name}.googleapis.com`, disableOnDestroy: false, disableDependentServices: false });
  const apis = {
    compute: api("compute"),
    sqladmin: api("sqladmin"),
    secretmanager: api("secretmanager"),
    logging: api("logging"),
    iam: api("iam"),
    iamcredentials: api("iamcredentials"),
    run: api("run"),
    storage: api("storage"),
    dns: api("dns"),
    artifactregistry: api("artifactregistry"),
  };
  const runReady = new Sleep(`${stack}-api-run-ready`, { createDuration: propagation }, { dependsOn: [apis.run] });
  const network = new compute.Network(
    `${stack}-network`,
    { name: fitName([prefix, "network"], 63), autoCreateSubnetworks: false, routingMode: "REGIONAL", description: `Freehold stack ${stack}` },
    { dependsOn: [apis.compute] },
  );
  const logSources = { services: [] as string[], jobs: [] as string[], workerPools: [] as string[], sqlInstances: [] as string[], subnets: [] as string[] };
  let done = () => {};
  const sources = new Promise<typeof logSources>((resolve) => {
    done = () => resolve(logSources);
  });
  const logged = regionalLogs(stack, prefix, projectId, apis.logging, pulumi.output(sources));
  const subnetName = fitName([prefix, region], 63);
  logSources.subnets.push(subnetName);
  // Flow logs: every flow, 5-second aggregation, all metadata; in the region from the first.
  const subnet = new compute.Subnetwork(
    `${stack}-subnet`,
    {
      name: subnetName,
      network: network.id,
      region,
      ipCidrRange: "10.10.0.0/20",
      privateIpGoogleAccess: true,
      stackType: "IPV4_ONLY",
      logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 1, metadata: "INCLUDE_ALL_METADATA" },
    },
    { dependsOn: logged },
  );
  // One wait per subnet region: a region change replaces it with the subnet (the alias keeps a wait made before it was named so).
  const addressRelease = new Sleep(`${stack}-subnet-address-release-${region}`, { destroyDuration: "2h" }, { dependsOn: [subnet], aliases: [pulumi.createUrn(`${stack}-subnet-address-release`, "time:index/sleep:Sleep")] });
  // A deleted custom role's id stays taken 37 days: the id ends with a suffix made with the role.
  const roleSuffix = new RandomString(`${stack}-url-signer-role-suffix`, { length: 4, upper: false, special: false, numeric: true, lower: true });
  const urlSigner = new projects.IAMCustomRole(
    `${stack}-url-signer-role`,
    {
      roleId: pulumi.interpolate`${prefix.replace(/-/g, "_")}_url_signer_${roleSuffix.result}`,
      title: `Freehold URL signer (${prefix})`,
      description: "Signs blobs as a service account: V4 signed URLs for Cloud Storage, nothing else",
      permissions: ["iam.serviceAccounts.signBlob"],
      stage: "GA",
    },
    { dependsOn: [apis.iam, apis.iamcredentials] },
  );
  const tools = new artifactregistry.Repository(
    `${stack}-tool-images`,
    {
      repositoryId: fitName([prefix, "freehold-tools", "images"], 63),
      location: region,
      format: "DOCKER",
      mode: "REMOTE_REPOSITORY",
      description: `Freehold ${prefix}: the official images Freehold's own jobs run, pinned by digest`,
      labels,
      remoteRepositoryConfig: { description: "Docker Hub", dockerRepository: { publicRepository: "DOCKER_HUB" } },
    },
    { dependsOn: [apis.artifactregistry] },
  );
  return { stack, prefix, labels, projectId, apis, runReady, network, subnet, addressRelease, urlSigner, tools, logged, logSources, done };
}

/**
 * The stack's logs (Cloud Run services and jobs, Cloud SQL, the subnet's flow logs), each source by its exact name,
 * routed to a log bucket in its region and kept out of _Default (global).
 */
function regionalLogs(
  stack: string,
  prefix: string,
  projectId: pulumi.Output<string>,
  loggingApi: projects.Service,
  sources: pulumi.Output<Platform["logSources"]>,
): pulumi.Resource[] {
  const anyOf = (field: string, values: string[]) => `(${values.map((v) => `${field}="${v}"`).join(" OR ")})`;
  const filter = pulumi.all([projectId, sources]).apply(([project, s]) =>
    [
      `(resource.type="cloud_run_revision" AND ${anyOf("resource.labels.service_name", s.services)})`,
      `(resource.type="cloud_run_job" AND ${anyOf("resource.labels.job_name", s.jobs)})`,
      ...(s.workerPools.length ? [`(resource.type="cloud_run_worker_pool" AND ${anyOf("resource.labels.worker_pool_name", s.workerPools)})`] : []),
      ...s.sqlInstances.map((i) => `(resource.type="cloudsql_database" AND resource.labels.database_id=~"^${project}:${i}-[a-z0-9]{4}$")`),
      `(resource.type="gce_subnetwork" AND ${anyOf("resource.labels.subnetwork_name", s.subnets)})`,
    ].join(" OR "),
  );
  // A deleted log bucket keeps its id for 7 days: the id ends with a suffix made with the bucket.
  const suffix = new RandomString(`${stack}-log-bucket-suffix`, { length: 4, upper: false, special: false, numeric: true, lower: true });
  const bucket = new logging.ProjectBucketConfig(
    `${stack}-log-bucket`,
    {
      project: projectId,
      location: region,
      bucketId: pulumi.interpolate`${fitName([prefix, "logs"], 63)}-${suffix.result}`,
      retentionDays: 30,
      description: `Logs of Freehold stack ${prefix}, kept in ${region} (residency uk)`,
    },
    { dependsOn: [loggingApi] },
  );
  const sink = new logging.ProjectSink(`${stack}-log-sink`, {
    name: fitName([prefix, "logs"], 63),
    destination: pulumi.interpolate`logging.googleapis.com/${bucket.id}`,
    filter,
    description: "Routes this stack's logs to its regional log bucket",
  });
  const exclusion = new logging.ProjectExclusion(
    `${stack}-log-exclusion`,
    { name: fitName([prefix, "logs-outside-region"], 63), filter, description: "Keeps this stack's logs out of the _Default bucket (global): they are stored in its regional bucket" },
    { dependsOn: [sink] },
  );
  return [sink, exclusion];
}

/** Secret Manager Secret Accessor on one secret for one member. */
const secretReader = (name: string, secret: secretmanager.Secret, member: pulumi.Input<string>) =>
  new secretmanager.SecretIamMember(name, { secretId: secret.secretId, role: "roles/secretmanager.secretAccessor", member });

/** A wait after the grants, named by them all: a new or replaced grant makes whatever waits for it wait again. */
const grantsSettled = (name: string, grants: pulumi.CustomResource[]) =>
  new Sleep(name, { createDuration: propagation, triggers: pulumi.all(grants.map((g) => g.id)).apply((ids) => ({ grants: ids.map(String).sort().join(",") })) }, { dependsOn: grants });

interface PasswordSecret {
  password: RandomPassword;
  secret: secretmanager.Secret;
  version: secretmanager.SecretVersion;
}

/** A secret replicated only in the stack's region, its id ending with the instance's suffix (so a kept one never collides). */
function dbSecret(p: Platform, logical: string, id: string, suffix: RandomString, opts: pulumi.CustomResourceOptions): secretmanager.Secret {
  return new secretmanager.Secret(
    logical,
    { secretId: pulumi.interpolate`${fitName([p.prefix, id], 255)}-${suffix.result}`, replication: { userManaged: { replicas: [{ location: region }] } }, labels: p.labels },
    { ...opts, dependsOn: [p.apis.secretmanager], ignoreChanges: ["secretId"] },
  );
}

/** A generated password in a secret replicated only in the stack's region. */
function passwordSecret(p: Platform, db: string, kind: "" | "read-" | "admin-", suffix: RandomString): PasswordSecret {
  const keep = { protect: true, retainOnDelete: true };
  const password = new RandomPassword(`${db}-${kind}password`, { length: 32, special: false, minLower: 1, minUpper: 1, minNumeric: 1 });
  const secret = dbSecret(p, `${db}-${kind}secret`, `${db}-db-${kind}password`, suffix, keep);
  const version = new secretmanager.SecretVersion(`${db}-${kind}secret-version`, { secret: secret.id, secretData: password.result }, keep);
  return { password, secret, version };
}

export interface Db {
  name: string;
  instance: sql.DatabaseInstance;
  /** The instance's DNS name, resolved to its Private Service Connect endpoint in the network. */
  host: pulumi.Output<string>;
  /** The authorities that sign its server certificate (PEM). */
  serverCa: pulumi.Output<string>;
  database: sql.Database;
  /** The application's password. */
  app: PasswordSecret;
  /** The job that creates the application's role: services wait for it. */
  roleJob: cloudrunv2.Job;
}

export interface DbArgs {
  name: string;
  tier: string;
  diskGiB: number;
  regional: boolean;
  backups: number;
}

export function database(p: Platform, a: DbArgs): Db {
  const keep = { protect: true, retainOnDelete: true };
  // The instance and its secrets end with a suffix made with the instance: up after a destroy that kept them starts new ones beside them.
  const suffix = new RandomString(`${a.name}-name-suffix`, { length: 4, upper: false, special: false, numeric: true, lower: true }, keep);
  const instanceId = fitName([p.prefix, a.name], 55);
  const jobName = fitName([p.prefix, a.name, "dbrole"], 40);
  p.logSources.sqlInstances.push(instanceId);
  p.logSources.jobs.push(jobName);
  const instance = sqlInstance(p, a, pulumi.interpolate`${instanceId}-${suffix.result}`);
  // The private address: an internal address in the subnet and a forwarding rule to the instance's service attachment.
  const endpointName = fitName([p.prefix, `${a.name}-db`], 63);
  const address = new compute.Address(
    `${a.name}-endpoint-address`,
    { name: endpointName, region, subnetwork: p.subnet.name, addressType: "INTERNAL", labels: p.labels },
    { dependsOn: [p.apis.compute] },
  );
  const endpoint = new compute.ForwardingRule(`${a.name}-endpoint`, {
    name: endpointName,
    region,
    network: p.network.name,
    ipAddress: address.id,
    target: instance.pscServiceAttachmentLink,
    loadBalancingScheme: "",
  });
  // The instance's DNS name (the one its server certificate carries) resolves to the endpoint: a private zone of that one name in the network.
  const dnsName = pulumi.all([instance.dnsNames, instance.dnsName]).apply(([all, one]) => {
    const n = (all ?? []).find((d) => d.connectionType === "PRIVATE_SERVICE_CONNECT" && d.name)?.name ?? one ?? "";
    return n === "" || n.endsWith(".") ? n : `${n}.`;
  });
  const zone = new dns.ManagedZone(
    `${a.name}-dns-zone`,
    {
      name: endpointName,
      dnsName,
      visibility: "private",
      privateVisibilityConfig: { networks: [{ networkUrl: p.network.id }] },
      description: `Freehold ${p.prefix}/${a.name}: the Cloud SQL instance's DNS name, at its Private Service Connect endpoint`,
      labels: p.labels,
    },
    { dependsOn: [p.apis.dns] },
  );
  const record = new dns.RecordSet(`${a.name}-dns-record`, { managedZone: zone.name, name: dnsName, type: "A", ttl: 300, rrdatas: [address.address] });
  const host = dnsName.apply((n) => n.replace(/\.$/, ""));
  // Deleted with its instance: dropping it through the API fails while anyone is connected.
  const database = new sql.Database(`${a.name}-database`, { name: "app", instance: instance.name }, { ...keep, deletedWith: instance });
  const app = passwordSecret(p, a.name, "", suffix);
  const read = passwordSecret(p, a.name, "read-", suffix);
  const admin = passwordSecret(p, a.name, "admin-", suffix);
  // ABANDON: PostgreSQL refuses to drop a role that owns objects; the login goes with its instance.
  const adminUser = new sql.User(`${a.name}-admin-user`, { name: "freehold_admin", instance: instance.name, password: admin.password.result, deletionPolicy: "ABANDON" }, keep);
  const serverCa = instance.serverCaCerts.apply((certs) => (certs ?? []).map((c) => c.cert).join(""));
  const ca = caFile(`${a.name}-server`, dbSecret(p, `${a.name}-server-database-ca`, `${a.name}-db-server-ca`, suffix, {}), [serverCa]);
  const roleJob = applicationRole(p, a.name, jobName, {
    host,
    reachable: [endpoint, record],
    ca,
    database,
    adminUser,
    admin,
    verifiers: roleVerifiers(p, a.name, app, read, suffix),
  });
  return { name: a.name, instance, host, serverCa, database, app, roleJob };
}

interface CaFile {
  secret: secretmanager.Secret;
  version: secretmanager.SecretVersion;
}

/** Certificate authorities (public data) in a regional secret, mounted read-only (0444) at /etc/freehold/tls/database-ca.pem. */
function caFile(logical: string, secret: secretmanager.Secret, pems: pulumi.Output<string>[]): CaFile {
  const data = pulumi.all(pems).apply((all) => all.map((x) => x.trim()).filter(Boolean).join("\n").concat("\n"));
  const version = new secretmanager.SecretVersion(`${logical}-database-ca-version`, { secret: secret.id, secretData: data });
  return { secret, version };
}

const caVolume = (ca: CaFile) => ({
  name: "database-ca",
  secret: { secret: ca.secret.secretId, defaultMode: 0o444, items: [{ path: "database-ca.pem", version: ca.version.version, mode: 0o444 }] },
});
const caMount = { name: "database-ca", mountPath: "/etc/freehold/tls" };

/** Enterprise edition, no public IP (Private Service Connect from this project only), TLS only, backups and logs in the region. */
function sqlInstance(p: Platform, a: DbArgs, name: pulumi.Output<string>): sql.DatabaseInstance {
  return new sql.DatabaseInstance(
    `${a.name}-instance`,
    {
      name,
      region,
      databaseVersion: "POSTGRES_16",
      deletionProtection: true,
      finalBackupDescription: `Final backup of Freehold stack ${p.prefix}, database ${a.name}`,
      settings: {
        edition: "ENTERPRISE",
        tier: a.tier,
        availabilityType: a.regional ? "REGIONAL" : "ZONAL",
        diskType: "PD_SSD",
        diskSize: a.diskGiB,
        diskAutoresize: true,
        deletionProtectionEnabled: true,
        // Maintenance on Sundays from 02:00 UTC (02:00 GMT, 03:00 BST).
        maintenanceWindow: { day: 7, hour: 2, updateTrack: "stable" },
        // After a deletion: the automated backups kept, and a final backup kept a year.
        retainBackupsOnDelete: true,
        finalBackupConfig: { enabled: true, retentionDays: 365 },
        ipConfiguration: {
          ipv4Enabled: false,
          sslMode: "ENCRYPTED_ONLY",
          // The shared CA's server certificates name the instance's DNS name (verify-full).
          serverCaMode: "GOOGLE_MANAGED_CAS_CA",
          pscConfigs: [{ pscEnabled: true, allowedConsumerProjects: p.projectId.apply((id) => (id ? [id] : [])) }],
        },
        backupConfiguration: {
          enabled: true,
          startTime: "22:00",
          location: region,
          pointInTimeRecoveryEnabled: true,
          transactionLogRetentionDays: 7,
          backupRetentionSettings: { retainedBackups: a.backups, retentionUnit: "COUNT" },
        },
        databaseFlags: [
          { name: "log_connections", value: "on" },
          { name: "log_disconnections", value: "on" },
          { name: "log_statement", value: "ddl" },
          { name: "cloudsql.enable_pgaudit", value: "on" },
          { name: "pgaudit.log", value: "ddl,role" },
        ],
        userLabels: p.labels,
      },
    },
    // No ignoreChanges on the disk: with autoresize on, the provider sends a larger size and drops a smaller one.
    { protect: true, retainOnDelete: true, dependsOn: [p.apis.sqladmin, ...p.logged] },
  );
}

// Run by the role job as the administrator: the role model's script (the same SQL on every cloud, from @freehold/core's
// database-roles module: a string), after taking the roles out of cloudsqlsuperuser (Cloud SQL API users are members),
// with both verifiers read from one secret.
// The pgAudit extension is created where the server offers it. The job first waits, at most 240 s, for the database to answer.
const ROLE_SCRIPT = roleJobCommand(
  roleSetupSql({
    before: [
      "SELECT format('REVOKE cloudsqlsuperuser FROM %I', rolname) FROM pg_roles WHERE rolname IN ('app', 'app_read') AND pg_has_role(rolname, 'cloudsqlsuperuser', 'MEMBER') \\gexec",
      "SELECT 'CREATE EXTENSION IF NOT EXISTS pgaudit' WHERE EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pgaudit') \\gexec",
    ].join("\n"),
  }),
  [
    `deadline=$(( $(date +%s) + \${FREEHOLD_DB_WAIT_SECONDS:-240} ))`,
    "until pg_isready -q -t 10; do",
    `  if [ "$(date +%s)" -ge "$deadline" ]; then echo "freehold: PostgreSQL at $PGHOST:$PGPORT did not answer within \${FREEHOLD_DB_WAIT_SECONDS:-240} s from the stack's network; the application roles were not created. Check the instance, its Private Service Connect endpoint and the subnet, then run pulumi up again: it runs this job again (docs/gcp.md, The role job's runs)." >&2; exit 1; fi`,
    "  sleep 2",
    "done",
    "set -f",
    "set -- $FREEHOLD_ROLE_VERIFIERS",
    'export FREEHOLD_APP_VERIFIER="$1" FREEHOLD_READ_VERIFIER="$2"',
  ],
);

/** Both roles' SCRAM verifiers in one secret (derived from the passwords, so not kept with the data): only the role job reads it. */
function roleVerifiers(p: Platform, db: string, app: PasswordSecret, read: PasswordSecret, suffix: RandomString): { secret: secretmanager.Secret; version: secretmanager.SecretVersion } {
  const secret = dbSecret(p, `${db}-role-verifiers`, `${db}-db-role-verifiers`, suffix, {});
  const data = pulumi.all([app.password.result, read.password.result]).apply(([a, r]) => `${scramVerifier(a)} ${scramVerifier(r)}`);
  const version = new secretmanager.SecretVersion(`${db}-role-verifiers-version`, { secret: secret.id, secretData: pulumi.secret(data) });
  return { secret, version };
}
// postgres:17.11-alpine by the digest of its index (docker-library/repo-info), through the stack's remote repository.
const ROLE_JOB_IMAGE = "library/postgres@sha256:b0f9560a2de083e2cc7382e75f808c7381a32852a7ec49117deedb300e552b24";

interface RoleInputs {
  host: pulumi.Output<string>;
  /** The endpoint and the DNS record: the first execution starts after them. */
  reachable: pulumi.Resource[];
  ca: CaFile;
  database: sql.Database;
  adminUser: sql.User;
  admin: PasswordSecret;
  verifiers: { secret: secretmanager.Secret; version: secretmanager.SecretVersion };
}

/** The Cloud Run job on the VPC that creates the application roles; it runs again when the script or a password changes. */
function applicationRole(p: Platform, db: string, jobName: string, on: RoleInputs): cloudrunv2.Job {
  const account = new serviceaccount.Account(
    `${db}-role-job-account`,
    {
      accountId: fitName([p.prefix, `${db}-dbrole`], 30),
      displayName: `Freehold ${p.prefix}/${db} role job`,
      description: "Creates the application roles inside one Freehold database; reads only the administrator's password and the roles' verifiers",
    },
    { dependsOn: [p.apis.iam] },
  );
  const settled = grantsSettled(`${db}-role-job-grants-settled`, [
    secretReader(`${db}-role-job-admin-secret`, on.admin.secret, account.member),
    secretReader(`${db}-role-job-verifiers`, on.verifiers.secret, account.member),
    secretReader(`${db}-role-job-server-ca`, on.ca.secret, account.member),
  ]);
  const secretEnv = (name: string, s: { secret: secretmanager.Secret; version: secretmanager.SecretVersion }) => ({ name, valueSource: { secretKeyRef: { secret: s.secret.secretId, version: s.version.version } } });
  const settings: cloudrunv2.JobArgs = {
      name: jobName,
      location: region,
      launchStage: "GA",
      deletionProtection: false,
      labels: p.labels,
      template: {
        taskCount: 1,
        template: {
          serviceAccount: account.email,
          maxRetries: 3,
          timeout: "600s",
          vpcAccess: { networkInterfaces: [{ network: p.network.name, subnetwork: p.subnet.name }], egress: "PRIVATE_RANGES_ONLY" },
          volumes: [caVolume(on.ca)],
          containers: [
            {
              image: pulumi.interpolate`${p.tools.registryUri}/${ROLE_JOB_IMAGE}`,
              commands: ["/bin/sh", "-c"],
              args: [ROLE_SCRIPT],
              volumeMounts: [caMount],
              envs: [
                { name: "PGHOST", value: on.host },
                { name: "PGPORT", value: "5432" },
                { name: "PGDATABASE", value: on.database.name },
                { name: "PGUSER", value: "freehold_admin" },
                { name: "PGSSLMODE", value: "verify-full" },
                { name: "PGSSLROOTCERT", value: "/etc/freehold/tls/database-ca.pem" },
                { name: "PGCONNECT_TIMEOUT", value: "10" },
                { name: "FREEHOLD_DB_WAIT_SECONDS", value: "240" },
                secretEnv("PGPASSWORD", on.admin),
                secretEnv("FREEHOLD_ROLE_VERIFIERS", on.verifiers),
              ],
              resources: { limits: { cpu: "1", memory: "512Mi" } },
            },
          ],
        },
      },
  };
  // The execution token names the execution an update creates and must never come back: a random id drawn afresh
  // whenever a hash of the job's settings (keys sorted) changes.
  // A failed run (or a run another way) is run again: its execution's name becomes a keeper, kept on the job in an annotation.
  const retry = p.runReady.id.apply(() =>
    cloudrunv2.getJob({ name: jobName, location: region }).then(
      (d) => {
        const carried = d.annotations?.["freehold-role-job-retry"] ?? "";
        const latest = (d.latestCreatedExecutions?.[0]?.name ?? "").split("/").pop() ?? "";
        const state = d.terminalConditions?.[0]?.state;
        if (!latest || state === "CONDITION_RECONCILING" || state === "CONDITION_PENDING") return carried;
        const byHand = latest !== `${jobName}-${d.runExecutionToken ?? ""}` && !/^r[0-9a-f]{8}$/.test(latest.slice(jobName.length + 1));
        return state === "CONDITION_FAILED" || byHand ? latest : carried;
      },
      (e: { message?: string }) => {
        if (String(e?.message).includes(`/jobs/${jobName} not found`)) return "";
        throw e;
      },
    ),
  );
  const hash = pulumi.output(settings).apply((v) => hashSuffix([JSON.stringify(sortedKeys(v))], 16));
  const run = new RandomId(`${db}-role-job-run`, { byteLength: 4, keepers: pulumi.all([hash, retry]).apply(([job, r]): Record<string, string> => (r ? { job, retry: r } : { job })) });
  const annotations = retry.apply((r) => (r ? { "freehold-role-job-retry": r } : undefined));
  return new cloudrunv2.Job(`${db}-role-job`, { ...settings, annotations, runExecutionToken: pulumi.interpolate`r${run.hex}` }, {
    // Every attempt of a run (4 x 600 s) and time to start them: the provider's default wait is 20 minutes.
    customTimeouts: { create: "50m", update: "50m" },
    dependsOn: [settled, on.database, on.adminUser, ...on.reachable, p.tools, p.runReady, ...p.logged, p.addressRelease],
  });
}

function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedKeys((v as Record<string, unknown>)[k])]));
  return v;
}

export interface Store {
  name: string;
  bucket: storage.Bucket;
}

export interface StoreArgs {
  name: string;
  lifecycle: Array<{ prefix: string; days: number }>;
  cors: Array<{ allowedOrigins: string[]; allowedMethods: string[] }>;
}

export function objectStore(p: Platform, a: StoreArgs): Store {
  // Bucket names are global: a hash of the project, stack and store, then a suffix made with the bucket (up after a destroy that kept it starts a new one).
  const keep = { protect: true, retainOnDelete: true };
  const suffix = new RandomString(`${a.name}-name-suffix`, { length: 4, upper: false, special: false, numeric: true, lower: true }, keep);
  const name = pulumi.interpolate`${fitName([p.prefix, a.name], 51)}-${hashSuffix([gcpConfig.project ?? "", p.prefix, a.name])}-${suffix.result}`;
  // Current objects expire `days` after they were written; the versions that leaves, `days` after they became noncurrent.
  const lifecycleRules: storage.BucketArgs["lifecycleRules"] = [
    ...a.lifecycle.flatMap((r) => [
      { action: { type: "Delete" }, condition: { age: r.days, withState: "LIVE", matchesPrefixes: [r.prefix] } },
      { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: r.days, withState: "ARCHIVED", matchesPrefixes: [r.prefix] } },
    ]),
    // Every previous version, under any prefix, 30 days after it stopped being current.
    { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 30, withState: "ARCHIVED" } },
  ];
  const responseHeaders = ["Content-Type", "Content-MD5", "Content-Disposition", "Content-Encoding", "Cache-Control", "x-goog-resumable", "ETag"];
  const bucket = new storage.Bucket(
    `${a.name}-bucket`,
    {
      name,
      location: region.toUpperCase(),
      storageClass: "STANDARD",
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      softDeletePolicy: { retentionDurationSeconds: 7 * 24 * 3600 },
      forceDestroy: false,
      lifecycleRules,
      cors: a.cors.map((c) => ({ origins: c.allowedOrigins, methods: c.allowedMethods, responseHeaders, maxAgeSeconds: 3600 })),
      labels: p.labels,
    },
    { dependsOn: [p.apis.storage], ...keep, ignoreChanges: ["name"] },
  );
  return { name: a.name, bucket };
}

export interface WebArgs {
  name: string;
  image: string;
  memory: string;
  min: number;
  max: number;
  public: boolean;
  healthPath: string;
  env: Record<string, string>;
  db: Db;
  store: Store;
  storeAccess: "read" | "readWrite";
}

/** A database link's grants: its password (the endpoint needs no IAM role) and the database's CA file. */
function databaseGrants(a: { name: string; db: Db }, account: serviceaccount.Account, ca: CaFile): pulumi.CustomResource[] {
  return [secretReader(`${a.name}-${a.db.name}-secret-access`, a.db.app.secret, account.member), secretReader(`${a.name}-database-ca-access`, ca.secret, account.member)];
}

/** The service account's grants: the database's password, its CA file, the bucket, signing URLs as itself. */
function grants(p: Platform, a: { name: string; db: Db; store: Store; storeAccess: "read" | "readWrite" }, account: serviceaccount.Account, ca: CaFile): pulumi.CustomResource[] {
  const member = account.member;
  const bucket = a.store.bucket.name;
  const objects = a.storeAccess === "read" ? "roles/storage.objectViewer" : "roles/storage.objectUser";
  return [
    ...databaseGrants(a, account, ca),
    new storage.BucketIAMMember(`${a.name}-${a.store.name}-access`, { bucket, role: objects, member }),
    new storage.BucketIAMMember(`${a.name}-${a.store.name}-bucket-reader`, { bucket, role: "roles/storage.legacyBucketReader", member }),
    new serviceaccount.IAMMember(`${a.name}-url-signer`, { serviceAccountId: account.name, role: p.urlSigner.name, member }),
  ];
}

/** A workload's copy of the database's certificate authorities, in a regional secret of its own. */
function workloadCa(p: Platform, a: { name: string; db: Db }): CaFile {
  const caSecret = new secretmanager.Secret(
    `${a.name}-database-ca`,
    { secretId: fitName([p.prefix, a.name, "database-ca"], 255), replication: { userManaged: { replicas: [{ location: region }] } }, labels: p.labels },
    { dependsOn: [p.apis.secretmanager] },
  );
  return caFile(a.name, caSecret, [a.db.serverCa]);
}

export function webService(p: Platform, a: WebArgs): pulumi.Output<string> {
  const account = new serviceaccount.Account(
    `${a.name}-account`,
    { accountId: fitName([p.prefix, a.name], 30), displayName: `Freehold ${p.prefix}/${a.name}`, description: "Identity of one Freehold web service; holds only its links' grants" },
    { dependsOn: [p.apis.iam] },
  );
  const ca = workloadCa(p, a);
  const settled = grantsSettled(`${a.name}-grants-settled`, grants(p, a, account, ca));
  const env = {
    ...a.env,
    DATABASE_HOST: a.db.host,
    DATABASE_PORT: "5432",
    DATABASE_NAME: a.db.database.name,
    DATABASE_USER: "app",
    DATABASE_SSLMODE: "verify-full",
    DATABASE_SSLROOTCERT: "/etc/freehold/tls/database-ca.pem",
    OBJECT_STORE_PROVIDER: "gcs",
    OBJECT_STORE_BUCKET: a.store.bucket.name,
    OBJECT_STORE_ENDPOINT: "https://storage.googleapis.com",
    OBJECT_STORE_ACCESS: a.storeAccess,
  };
  const httpGet = { path: a.healthPath, port: 8080 };
  const serviceName = fitName([p.prefix, a.name], 49);
  p.logSources.services.push(serviceName);
  const service = new cloudrunv2.Service(
    `${a.name}-service`,
    {
      name: serviceName,
      location: region,
      ingress: a.public ? "INGRESS_TRAFFIC_ALL" : "INGRESS_TRAFFIC_INTERNAL_ONLY",
      // Public: open without an allUsers grant (which domain-restricted sharing refuses).
      invokerIamDisabled: a.public,
      launchStage: "GA",
      deletionProtection: false,
      labels: p.labels,
      template: {
        serviceAccount: account.email,
        executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
        scaling: { minInstanceCount: a.min, maxInstanceCount: a.max },
        vpcAccess: { networkInterfaces: [{ network: p.network.name, subnetwork: p.subnet.name }], egress: "PRIVATE_RANGES_ONLY" },
        volumes: [caVolume(ca)],
        containers: [
          {
            image: a.image,
            volumeMounts: [caMount],
            ports: { containerPort: 8080 },
            resources: { limits: { cpu: "1", memory: a.memory }, cpuIdle: true },
            envs: [
              ...Object.entries(env).map(([name, value]) => ({ name, value })),
              { name: "DATABASE_PASSWORD", valueSource: { secretKeyRef: { secret: a.db.app.secret.secretId, version: a.db.app.version.version } } },
            ],
            startupProbe: { httpGet, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 12 },
            livenessProbe: { httpGet, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
          },
        ],
      },
    },
    // The first revision starts once its grants apply, Cloud Run's agent is ready and the database's role exists.
    { dependsOn: [p.apis.run, p.apis.compute, p.runReady, settled, a.db.roleJob, ...p.logged, p.addressRelease] },
  );
  return service.uri;
}

/** A worker's or a job's own account, its grants and the wait after them, and its container's environment. */
function workloadIdentity(p: Platform, a: { name: string; db: Db; store?: Store; storeAccess?: "read" | "readWrite" }, what: string) {
  const account = new serviceaccount.Account(
    `${a.name}-account`,
    { accountId: fitName([p.prefix, a.name], 30), displayName: `Freehold ${p.prefix}/${a.name}`, description: `Identity of one Freehold ${what}; holds only its links' grants` },
    { dependsOn: [p.apis.iam] },
  );
  const ca = workloadCa(p, a);
  const list = a.store && a.storeAccess ? grants(p, { ...a, store: a.store, storeAccess: a.storeAccess }, account, ca) : databaseGrants(a, account, ca);
  const settled = grantsSettled(`${a.name}-grants-settled`, list);
  const env: Record<string, pulumi.Input<string>> = {
    DATABASE_HOST: a.db.host,
    DATABASE_PORT: "5432",
    DATABASE_NAME: a.db.database.name,
    DATABASE_USER: "app",
    DATABASE_SSLMODE: "verify-full",
    DATABASE_SSLROOTCERT: "/etc/freehold/tls/database-ca.pem",
    ...(a.store ? { OBJECT_STORE_PROVIDER: "gcs", OBJECT_STORE_BUCKET: a.store.bucket.name, OBJECT_STORE_ENDPOINT: "https://storage.googleapis.com", OBJECT_STORE_ACCESS: a.storeAccess as string } : {}),
  };
  const envs = [
    ...Object.entries(env).map(([name, value]) => ({ name, value })),
    { name: "DATABASE_PASSWORD", valueSource: { secretKeyRef: { secret: a.db.app.secret.secretId, version: a.db.app.version.version } } },
  ];
  return { account, settled, envs, ca, dependsOn: [p.apis.run, p.apis.compute, p.runReady, settled, a.db.roleJob, p.addressRelease] };
}

/** A worker: a Cloud Run worker pool (no endpoint), CPU autoscaling between min and max. */
export function worker(p: Platform, a: { name: string; image: string; args: string[]; memory: string; min: number; max: number; db: Db; store: Store; storeAccess: "read" | "readWrite" }): void {
  const w = workloadIdentity(p, a, "worker");
  const name = fitName([p.prefix, a.name], 49);
  p.logSources.workerPools.push(name);
  new cloudrunv2.WorkerPool(
    `${a.name}-worker-pool`,
    {
      name,
      location: region,
      launchStage: "BETA",
      deletionProtection: false,
      labels: p.labels,
      scaling: { scalingMode: "AUTOMATIC", minInstanceCount: a.min, maxInstanceCount: a.max },
      template: {
        serviceAccount: w.account.email,
        vpcAccess: { networkInterfaces: [{ network: p.network.name, subnetwork: p.subnet.name }], egress: "PRIVATE_RANGES_ONLY" },
        volumes: [caVolume(w.ca)],
        containers: [{ image: a.image, args: a.args, volumeMounts: [caMount], resources: { limits: { cpu: "1", memory: a.memory } }, envs: w.envs }],
      },
    },
    { dependsOn: [...w.dependsOn, ...p.logged] },
  );
}

/** A scheduled job: a Cloud Run job run by Cloud Scheduler in the job's time zone, as an account that may only run it. */
export function scheduledJob(p: Platform, a: { name: string; image: string; args: string[]; memory: string; schedule: string; timeZone: string; timeoutSeconds: number; retries: number; db: Db }): void {
  const w = workloadIdentity(p, a, "scheduled job");
  const jobName = fitName([p.prefix, a.name], 40);
  p.logSources.jobs.push(jobName);
  const job = new cloudrunv2.Job(
    `${a.name}-job`,
    {
      name: jobName,
      location: region,
      launchStage: "GA",
      deletionProtection: false,
      labels: p.labels,
      template: {
        taskCount: 1,
        parallelism: 1,
        template: {
          serviceAccount: w.account.email,
          maxRetries: a.retries,
          timeout: `${a.timeoutSeconds}s`,
          vpcAccess: { networkInterfaces: [{ network: p.network.name, subnetwork: p.subnet.name }], egress: "PRIVATE_RANGES_ONLY" },
          volumes: [caVolume(w.ca)],
        containers: [{ image: a.image, args: a.args, volumeMounts: [caMount], resources: { limits: { cpu: "1", memory: a.memory } }, envs: w.envs }],
        },
      },
    },
    { dependsOn: [...w.dependsOn, ...p.logged] },
  );
  const scheduler = new serviceaccount.Account(
    `${a.name}-scheduler-account`,
    {
      accountId: unique([p.prefix, a.name, "sched"], 30),
      displayName: `Freehold ${p.prefix}/${a.name}-sched`,
      description: "Identity of one Freehold scheduled job's scheduler (runs the job, nothing else); holds only its links' grants",
    },
    { dependsOn: [p.apis.iam] },
  );
  const invoker = new cloudrunv2.JobIamMember(`${a.name}-scheduler-invoker`, { name: job.name, location: job.location, role: "roles/run.invoker", member: scheduler.member });
  const api = new projects.Service(`${p.stack}-api-cloudscheduler`, { project: p.projectId, service: "cloudscheduler.googleapis.com", disableOnDestroy: false, disableDependentServices: false });
  new cloudscheduler.Job(
    `${a.name}-schedule`,
    {
      name: fitName([p.prefix, a.name], 63),
      region,
      description: `Runs the Cloud Run job ${jobName} (Freehold ${p.prefix}/${a.name})`,
      schedule: a.schedule,
      timeZone: a.timeZone,
      retryConfig: { retryCount: 3, minBackoffDuration: "30s", maxBackoffDuration: "300s" },
      httpTarget: {
        httpMethod: "POST",
        uri: pulumi.interpolate`https://run.googleapis.com/v2/projects/${job.project}/locations/${job.location}/jobs/${job.name}:run`,
        oauthToken: { serviceAccountEmail: scheduler.email, scope: "https://www.googleapis.com/auth/cloud-platform" },
      },
    },
    { dependsOn: [api, invoker] },
  );
}

// The Crown Marketplace (examples/crown-marketplace) on Google Cloud.
export function crownMarketplace() {
  const p = platform("crown-marketplace", { service: "crown-marketplace", owner: "digital-marketplace-team" });
  const db = database(p, { name: "db", tier: "db-custom-2-8192", diskGiB: 50, regional: true, backups: 14 });
  const uploads = objectStore(p, {
    name: "uploads",
    lifecycle: [
      { prefix: "tmp/", days: 7 },
      { prefix: "logs/", days: 90 },
    ],
    cors: [{ allowedOrigins: ["https://marketplace.example.gov.uk"], allowedMethods: ["GET", "PUT"] }],
  });
  const url = webService(p, {
    name: "web", image: "ghcr.io/example/marketplace-web:1.4.2", memory: "2048Mi", min: 2, max: 10, public: true,
    healthPath: "/healthz", env: { NODE_ENV: "production" }, db, store: uploads, storeAccess: "readWrite",
  });
  worker(p, { name: "worker", image: "ghcr.io/example/marketplace-worker:1.4.2", args: ["process-uploads"], memory: "1024Mi", min: 1, max: 4, db, store: uploads, storeAccess: "read" });
  scheduledJob(p, {
    name: "nightly", image: "ghcr.io/example/marketplace-worker:1.4.2", args: ["expire-listings"], memory: "1024Mi",
    schedule: "0 2 * * *", timeZone: "Europe/London", timeoutSeconds: 1800, retries: 2, db,
  });
  p.done();
  return { url, bucket: uploads.bucket.name, databaseHost: db.host };
}
