// crown-marketplace on Google Cloud, Pulumi stack "dev": a plain Pulumi program written by `freehold eject` from
// examples/crown-marketplace/freehold.yaml.
// It registers the cloud resources Freehold registered for this stack, with the same types, names, inputs and
// options. See README.md.

import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as artifactregistry from "@pulumi/gcp/artifactregistry";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as cloudscheduler from "@pulumi/gcp/cloudscheduler";
import * as compute from "@pulumi/gcp/compute";
import * as dns from "@pulumi/gcp/dns";
import * as logging from "@pulumi/gcp/logging";
import * as organizations from "@pulumi/gcp/organizations";
import * as projects from "@pulumi/gcp/projects";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as sql from "@pulumi/gcp/sql";
import * as storage from "@pulumi/gcp/storage";
import { RandomId } from "@pulumi/random/randomId";
import { RandomPassword } from "@pulumi/random/randomPassword";
import { RandomString } from "@pulumi/random/randomString";
import { Sleep } from "@pulumiverse/time/sleep";

// Physical names (buckets, servers, roles) are those of Pulumi stack "dev": this program is for that stack only.
const stack = pulumi.getStack();
if (stack !== "dev") {
  throw new pulumi.RunError(`This program was ejected from Freehold for Pulumi stack "dev" and holds that stack's resource names; for stack ${stack}, eject again with --stack ${stack}.`);
}

const config = new pulumi.Config();

// Values you may change, with their defaults in Pulumi.yaml (`pulumi config set <key> <value>`).
const region = config.require("region");
const dbSize = config.require("db-size");
const webImage = config.require("web-image");
const workerImage = config.require("worker-image");
const nightlyImage = config.require("nightly-image");

// Values Freehold made from other resources' outputs in a way eject cannot reproduce: set each to the deployed
// stack's value (README.md, "Config to set", says where to find it).
const unset = ["db-role-job-template-template-containers-0-envs-0-value", "web-service-template-containers-0-envs-1-value", "worker-worker-pool-template-containers-0-envs-0-value", "nightly-job-template-template-containers-0-envs-0-value"].filter((key) => config.getSecret(key) === undefined);
if (unset.length) {
  throw new pulumi.RunError(`Set these config values first (README.md, "Config to set", says where to find each): ${unset.join(", ")}`);
}
const dbRoleJobTemplateTemplateContainers0Envs0Value = config.require("db-role-job-template-template-containers-0-envs-0-value");
const webServiceTemplateContainers0Envs1Value = config.require("web-service-template-containers-0-envs-1-value");
const workerWorkerPoolTemplateContainers0Envs0Value = config.require("worker-worker-pool-template-containers-0-envs-0-value");
const nightlyJobTemplateTemplateContainers0Envs0Value = config.require("nightly-job-template-template-containers-0-envs-0-value");

// The PostgreSQL SCRAM-SHA-256 verifier of a password, as Freehold made it: a role job sets a password from it,
// never from the password itself.
function scramVerifier(password: string, iterations = 4096): string {
  const salt = createHmac("sha256", "freehold scram salt").update(password).digest().subarray(0, 16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const storedKey = createHash("sha256").update(createHmac("sha256", salted).update("Client Key").digest()).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

// A short hash of a value as JSON with its object keys sorted, as Freehold made it: the same settings give the
// same hash, every change of them another.
function settingsHash(value: unknown, length = 16): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
  const digest = createHash("sha256").update(JSON.stringify(sorted(value)) ?? "").digest();
  return BigInt(`0x${digest.subarray(0, 8).toString("hex")}`).toString(36).padStart(length, "0").slice(0, length);
}

// The labels 16 resources below carry alike; each adds its own.
const labels = {
  "freehold-stack": "crown-marketplace",
  "managed-by": "freehold",
  owner: "digital-marketplace-team",
  "pulumi-stack": "dev",
  service: "crown-marketplace",
};

// Freehold registered every resource below as a child of one of its components, so each resource's URN carried
// the component's type.
// Each resource has an alias naming that URN: `pulumi up` moves it to the top level of this program instead of
// replacing it, and only the components themselves are deleted (they own nothing in the cloud).
const project = pulumi.getProject();
const urn = (type: string, name: string): string => `urn:pulumi:${stack}::${project}::${type}::${name}`;
const freeholdPlatform = urn("freehold:index:Platform", "crown-marketplace");
const freeholdDb = urn("freehold:index:Database", "db");
const freeholdUploads = urn("freehold:index:ObjectStore", "uploads");
const freeholdWeb = urn("freehold:index:WebService", "web");
const freeholdWorker = urn("freehold:index:Worker", "worker");
const freeholdNightly = urn("freehold:index:ScheduledJob", "nightly");

const projectResult = organizations.getProjectOutput();
const projectId = projectResult.apply((v) => v.projectId!);

// ---- Shared platform -------------------------------------------------------------------------------------
// What every component of the stack shares (network, logs, cluster...). Was Freehold's Platform
// "crown-marketplace" (freehold:index:Platform).

const apiCompute = new projects.Service("crown-marketplace-api-compute", {
  disableDependentServices: false,
  disableOnDestroy: false,
  project: projectId,
  service: "compute.googleapis.com",
}, { aliases: [{ parent: freeholdPlatform }] });

const network = new compute.Network("crown-marketplace-network", {
  autoCreateSubnetworks: false,
  description: "Freehold stack crown-marketplace",
  name: "crown-marketplace-dev-network",
  routingMode: "REGIONAL",
}, { dependsOn: [apiCompute], aliases: [{ parent: freeholdPlatform }] });

const apiLogging = new projects.Service("crown-marketplace-api-logging", {
  disableDependentServices: false,
  disableOnDestroy: false,
  project: projectId,
  service: "logging.googleapis.com",
}, { aliases: [{ parent: freeholdPlatform }] });

const logBucketSuffix = new RandomString("crown-marketplace-log-bucket-suffix", { length: 4, lower: true, numeric: true, special: false, upper: false }, { aliases: [{ parent: freeholdPlatform }] });

const logBucket = new logging.ProjectBucketConfig("crown-marketplace-log-bucket", {
  bucketId: pulumi.interpolate`crown-marketplace-dev-logs-${logBucketSuffix.result}`,
  description: `Logs of Freehold stack crown-marketplace-dev, kept in ${region} (residency uk)`,
  location: region,
  project: projectId,
  retentionDays: 30,
}, { dependsOn: [apiLogging], aliases: [{ parent: freeholdPlatform }] });

const logSink = new logging.ProjectSink("crown-marketplace-log-sink", {
  description: "Routes this stack's logs to its regional log bucket",
  destination: pulumi.interpolate`logging.googleapis.com/${logBucket.id}`,
  filter: pulumi.interpolate`(resource.type="cloud_run_revision" AND (resource.labels.service_name="crown-marketplace-dev-web")) OR (resource.type="cloud_run_job" AND (resource.labels.job_name="crown-marketplace-dev-db-dbrole" OR resource.labels.job_name="crown-marketplace-dev-nightly")) OR (resource.type="cloud_run_worker_pool" AND (resource.labels.worker_pool_name="crown-marketplace-dev-worker")) OR (resource.type="cloudsql_database" AND resource.labels.database_id=~"^${projectId}:crown-marketplace-dev-db-[a-z0-9]{4}$") OR (resource.type="gce_subnetwork" AND (resource.labels.subnetwork_name="crown-marketplace-dev-${region}"))`,
  name: "crown-marketplace-dev-logs",
}, { aliases: [{ parent: freeholdPlatform }] });

const logExclusion = new logging.ProjectExclusion("crown-marketplace-log-exclusion", {
  description: "Keeps this stack's logs out of the _Default bucket (global): they are stored in its regional bucket",
  filter: pulumi.interpolate`(resource.type="cloud_run_revision" AND (resource.labels.service_name="crown-marketplace-dev-web")) OR (resource.type="cloud_run_job" AND (resource.labels.job_name="crown-marketplace-dev-db-dbrole" OR resource.labels.job_name="crown-marketplace-dev-nightly")) OR (resource.type="cloud_run_worker_pool" AND (resource.labels.worker_pool_name="crown-marketplace-dev-worker")) OR (resource.type="cloudsql_database" AND resource.labels.database_id=~"^${projectId}:crown-marketplace-dev-db-[a-z0-9]{4}$") OR (resource.type="gce_subnetwork" AND (resource.labels.subnetwork_name="crown-marketplace-dev-${region}"))`,
  name: "crown-marketplace-dev-logs-outside-region",
}, { dependsOn: [logSink], aliases: [{ parent: freeholdPlatform }] });

const subnet = new compute.Subnetwork("crown-marketplace-subnet", {
  ipCidrRange: "10.10.0.0/20",
  logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 1, metadata: "INCLUDE_ALL_METADATA" },
  name: `crown-marketplace-dev-${region}`,
  network: network.id,
  privateIpGoogleAccess: true,
  region,
  stackType: "IPV4_ONLY",
}, { dependsOn: [logExclusion, logSink], deleteBeforeReplace: false, aliases: [{ parent: freeholdPlatform }] });

const subnetAddressReleaseEuropeWest2 = new Sleep("crown-marketplace-subnet-address-release-europe-west2", { destroyDuration: "2h" }, { dependsOn: [subnet], aliases: [{ parent: freeholdPlatform }] });

const apiSqladmin = new projects.Service("crown-marketplace-api-sqladmin", {
  disableDependentServices: false,
  disableOnDestroy: false,
  project: projectId,
  service: "sqladmin.googleapis.com",
}, { aliases: [{ parent: freeholdPlatform }] });

const apiDns = new projects.Service("crown-marketplace-api-dns", {
  disableDependentServices: false,
  disableOnDestroy: false,
  project: projectId,
  service: "dns.googleapis.com",
}, { aliases: [{ parent: freeholdPlatform }] });

const apiSecretmanager = new projects.Service("crown-marketplace-api-secretmanager", {
  disableDependentServices: false,
  disableOnDestroy: false,
  project: projectId,
  service: "secretmanager.googleapis.com",
}, { aliases: [{ parent: freeholdPlatform }] });

const apiIam = new projects.Service("crown-marketplace-api-iam", {
  disableDependentServices: false,
  disableOnDestroy: false,
  project: projectId,
  service: "iam.googleapis.com",
}, { aliases: [{ parent: freeholdPlatform }] });

const apiArtifactregistry = new projects.Service("crown-marketplace-api-artifactregistry", {
  disableDependentServices: false,
  disableOnDestroy: false,
  project: projectId,
  service: "artifactregistry.googleapis.com",
}, { aliases: [{ parent: freeholdPlatform }] });

const toolImages = new artifactregistry.Repository("crown-marketplace-tool-images", {
  description: "Freehold crown-marketplace-dev: the official images Freehold's own jobs run, pinned by digest",
  format: "DOCKER",
  labels,
  location: region,
  mode: "REMOTE_REPOSITORY",
  remoteRepositoryConfig: { description: "Docker Hub", dockerRepository: { publicRepository: "DOCKER_HUB" } },
  repositoryId: "crown-marketplace-dev-freehold-tools-images",
}, { dependsOn: [apiArtifactregistry], aliases: [{ parent: freeholdPlatform }] });

const apiRun = new projects.Service("crown-marketplace-api-run", {
  disableDependentServices: false,
  disableOnDestroy: false,
  project: projectId,
  service: "run.googleapis.com",
}, { aliases: [{ parent: freeholdPlatform }] });

const apiRunReady = new Sleep("crown-marketplace-api-run-ready", { createDuration: "420s" }, { dependsOn: [apiRun], aliases: [{ parent: freeholdPlatform }] });

const apiStorage = new projects.Service("crown-marketplace-api-storage", {
  disableDependentServices: false,
  disableOnDestroy: false,
  project: projectId,
  service: "storage.googleapis.com",
}, { aliases: [{ parent: freeholdPlatform }] });

const urlSignerRoleSuffix = new RandomString("crown-marketplace-url-signer-role-suffix", { length: 4, lower: true, numeric: true, special: false, upper: false }, { aliases: [{ parent: freeholdPlatform }] });

const apiIamcredentials = new projects.Service("crown-marketplace-api-iamcredentials", {
  disableDependentServices: false,
  disableOnDestroy: false,
  project: projectId,
  service: "iamcredentials.googleapis.com",
}, { aliases: [{ parent: freeholdPlatform }] });

const urlSignerRole = new projects.IAMCustomRole("crown-marketplace-url-signer-role", {
  description: "Signs blobs as a service account: V4 signed URLs for Cloud Storage, nothing else",
  permissions: ["iam.serviceAccounts.signBlob"],
  roleId: pulumi.interpolate`crown_marketplace_dev_url_signer_${urlSignerRoleSuffix.result}`,
  stage: "GA",
  title: "Freehold URL signer (crown-marketplace-dev)",
}, { dependsOn: [apiIam, apiIamcredentials], aliases: [{ parent: freeholdPlatform }] });

const apiCloudscheduler = new projects.Service("crown-marketplace-api-cloudscheduler", {
  disableDependentServices: false,
  disableOnDestroy: false,
  project: projectId,
  service: "cloudscheduler.googleapis.com",
}, { aliases: [{ parent: freeholdPlatform }] });

// ---- db (Database) ---------------------------------------------------------------------------------------
// db: database on Cloud SQL for PostgreSQL, db-custom-2-8192. Size: smallest Cloud SQL Enterprise custom tier
// with >= 2 vCPU and >= 8 GiB, regional (primary and standby).
// Was Freehold's Database "db" (freehold:index:Database).

const dbNameSuffix = new RandomString("db-name-suffix", { length: 4, lower: true, numeric: true, special: false, upper: false }, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbInstance = new sql.DatabaseInstance("db-instance", {
  databaseVersion: "POSTGRES_16",
  deletionProtection: true,
  finalBackupDescription: "Final backup of Freehold stack crown-marketplace-dev, database db",
  name: pulumi.interpolate`crown-marketplace-dev-db-${dbNameSuffix.result}`,
  region,
  settings: {
    availabilityType: "REGIONAL",
    backupConfiguration: {
      backupRetentionSettings: { retainedBackups: 14, retentionUnit: "COUNT" },
      enabled: true,
      location: region,
      pointInTimeRecoveryEnabled: true,
      startTime: "22:00",
      transactionLogRetentionDays: 7,
    },
    databaseFlags: [
      { name: "log_connections", value: "on" },
      { name: "log_disconnections", value: "on" },
      { name: "log_statement", value: "ddl" },
      { name: "cloudsql.enable_pgaudit", value: "on" },
      { name: "pgaudit.log", value: "ddl,role" },
    ],
    deletionProtectionEnabled: true,
    diskAutoresize: true,
    diskSize: 50,
    diskType: "PD_SSD",
    edition: "ENTERPRISE",
    finalBackupConfig: { enabled: true, retentionDays: 365 },
    ipConfiguration: {
      ipv4Enabled: false,
      pscConfigs: [{ allowedConsumerProjects: [projectId], pscEnabled: true }],
      serverCaMode: "GOOGLE_MANAGED_CAS_CA",
      sslMode: "ENCRYPTED_ONLY",
    },
    maintenanceWindow: { day: 7, hour: 2, updateTrack: "stable" },
    retainBackupsOnDelete: true,
    tier: dbSize,
    userLabels: {
      "freehold-stack": "crown-marketplace",
      "managed-by": "freehold",
      owner: "digital-marketplace-team",
      "pulumi-stack": "dev",
      service: "crown-marketplace",
    },
  },
}, {
  protect: true,
  retainOnDelete: true,
  dependsOn: [logExclusion, logSink, apiSqladmin],
  aliases: [{ parent: freeholdDb }],
});

const dbEndpointAddress = new compute.Address("db-endpoint-address", { addressType: "INTERNAL", labels, name: "crown-marketplace-dev-db-db", region, subnetwork: subnet.name }, { dependsOn: [apiCompute], aliases: [{ parent: freeholdDb }] });

const dbEndpoint = new compute.ForwardingRule("db-endpoint", {
  ipAddress: dbEndpointAddress.id,
  loadBalancingScheme: "",
  name: "crown-marketplace-dev-db-db",
  network: network.name,
  region,
  target: dbInstance.pscServiceAttachmentLink,
}, { aliases: [{ parent: freeholdDb }] });

const dbDnsZone = new dns.ManagedZone("db-dns-zone", {
  description: "Freehold crown-marketplace-dev/db: the Cloud SQL instance's DNS name, at its Private Service Connect endpoint",
  dnsName: dbInstance.dnsName,
  labels,
  name: "crown-marketplace-dev-db-db",
  privateVisibilityConfig: { networks: [{ networkUrl: network.id }] },
  visibility: "private",
}, { dependsOn: [apiDns], aliases: [{ parent: freeholdDb }] });

const dbDnsRecord = new dns.RecordSet("db-dns-record", {
  managedZone: dbDnsZone.name,
  name: dbInstance.dnsName,
  rrdatas: [dbEndpointAddress.address],
  ttl: 300,
  type: "A",
}, { aliases: [{ parent: freeholdDb }] });

const dbDatabase = new sql.Database("db-database", { instance: dbInstance.name, name: "app" }, {
  protect: true,
  retainOnDelete: true,
  deleteBeforeReplace: false,
  deletedWith: dbInstance,
  aliases: [{ parent: freeholdDb }],
});

const dbPassword = new RandomPassword("db-password", { length: 32, minLower: 1, minNumeric: 1, minUpper: 1, special: false }, { aliases: [{ parent: freeholdDb }] });

const dbSecret = new secretmanager.Secret("db-secret", {
  labels,
  replication: { userManaged: { replicas: [{ location: region }] } },
  secretId: pulumi.interpolate`crown-marketplace-dev-db-db-password-${dbNameSuffix.result}`,
}, {
  protect: true,
  retainOnDelete: true,
  dependsOn: [apiSecretmanager],
  deleteBeforeReplace: true,
  ignoreChanges: ["secretId"],
  aliases: [{ parent: freeholdDb }],
});

const dbSecretVersion = new secretmanager.SecretVersion("db-secret-version", { secret: dbSecret.id, secretData: pulumi.secret(dbPassword.result) }, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbReadPassword = new RandomPassword("db-read-password", { length: 32, minLower: 1, minNumeric: 1, minUpper: 1, special: false }, { aliases: [{ parent: freeholdDb }] });

const dbReadSecret = new secretmanager.Secret("db-read-secret", {
  labels,
  replication: { userManaged: { replicas: [{ location: region }] } },
  secretId: pulumi.interpolate`crown-marketplace-dev-db-db-read-password-${dbNameSuffix.result}`,
}, {
  protect: true,
  retainOnDelete: true,
  dependsOn: [apiSecretmanager],
  deleteBeforeReplace: true,
  ignoreChanges: ["secretId"],
  aliases: [{ parent: freeholdDb }],
});

const dbReadSecretVersion = new secretmanager.SecretVersion("db-read-secret-version", { secret: dbReadSecret.id, secretData: pulumi.secret(dbReadPassword.result) }, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbAdminPassword = new RandomPassword("db-admin-password", { length: 32, minLower: 1, minNumeric: 1, minUpper: 1, special: false }, { aliases: [{ parent: freeholdDb }] });

const dbAdminSecret = new secretmanager.Secret("db-admin-secret", {
  labels,
  replication: { userManaged: { replicas: [{ location: region }] } },
  secretId: pulumi.interpolate`crown-marketplace-dev-db-db-admin-password-${dbNameSuffix.result}`,
}, {
  protect: true,
  retainOnDelete: true,
  dependsOn: [apiSecretmanager],
  deleteBeforeReplace: true,
  ignoreChanges: ["secretId"],
  aliases: [{ parent: freeholdDb }],
});

const dbAdminSecretVersion = new secretmanager.SecretVersion("db-admin-secret-version", { secret: dbAdminSecret.id, secretData: pulumi.secret(dbAdminPassword.result) }, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbRoleVerifiers = new secretmanager.Secret("db-role-verifiers", {
  labels,
  replication: { userManaged: { replicas: [{ location: region }] } },
  secretId: pulumi.interpolate`crown-marketplace-dev-db-db-role-verifiers-${dbNameSuffix.result}`,
}, {
  dependsOn: [apiSecretmanager],
  deleteBeforeReplace: true,
  ignoreChanges: ["secretId"],
  aliases: [{ parent: freeholdDb }],
});

const dbRoleVerifiersVersion = new secretmanager.SecretVersion("db-role-verifiers-version", {
  secret: dbRoleVerifiers.id,
  secretData: pulumi.secret(pulumi.interpolate`${pulumi.output(dbPassword.result).apply(scramVerifier)} ${pulumi.output(dbReadPassword.result).apply(scramVerifier)}`),
}, { aliases: [{ parent: freeholdDb }] });

const dbAdminUser = new sql.User("db-admin-user", {
  deletionPolicy: "ABANDON",
  instance: dbInstance.name,
  name: "freehold_admin",
  password: pulumi.secret(dbAdminPassword.result),
}, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbServerDatabaseCa = new secretmanager.Secret("db-server-database-ca", {
  labels,
  replication: { userManaged: { replicas: [{ location: region }] } },
  secretId: pulumi.interpolate`crown-marketplace-dev-db-db-server-ca-${dbNameSuffix.result}`,
}, { dependsOn: [apiSecretmanager], deleteBeforeReplace: true, aliases: [{ parent: freeholdDb }] });

const dbServerDatabaseCaVersion = new secretmanager.SecretVersion("db-server-database-ca-version", { secret: dbServerDatabaseCa.id, secretData: pulumi.secret(dbInstance.serverCaCerts[0].cert) }, { aliases: [{ parent: freeholdDb }] });

const dbRoleJobAccount = new serviceaccount.Account("db-role-job-account", {
  accountId: "crown-marketplace-dev-d-5ono9g",
  description: "Creates the application roles inside one Freehold database; reads only the administrator's password and the roles' verifiers",
  displayName: "Freehold crown-marketplace-dev/db role job",
}, { dependsOn: [apiIam], aliases: [{ parent: freeholdDb }] });

const dbRoleJobAdminSecret = new secretmanager.SecretIamMember("db-role-job-admin-secret", {
  member: dbRoleJobAccount.member,
  role: "roles/secretmanager.secretAccessor",
  secretId: dbAdminSecret.secretId,
}, { aliases: [{ parent: freeholdDb }] });

const dbRoleJobVerifiers = new secretmanager.SecretIamMember("db-role-job-verifiers", {
  member: dbRoleJobAccount.member,
  role: "roles/secretmanager.secretAccessor",
  secretId: dbRoleVerifiers.secretId,
}, { aliases: [{ parent: freeholdDb }] });

const dbRoleJobServerCa = new secretmanager.SecretIamMember("db-role-job-server-ca", {
  member: dbRoleJobAccount.member,
  role: "roles/secretmanager.secretAccessor",
  secretId: dbServerDatabaseCa.secretId,
}, { aliases: [{ parent: freeholdDb }] });

const dbRoleJobGrantsSettled = new Sleep("db-role-job-grants-settled", {
  createDuration: "420s",
  triggers: {
    grants: pulumi.interpolate`${dbRoleJobAdminSecret.id},${dbRoleJobServerCa.id},${dbRoleJobVerifiers.id}`,
  },
}, {
  dependsOn: [dbRoleJobAdminSecret, dbRoleJobServerCa, dbRoleJobVerifiers],
  aliases: [{ parent: freeholdDb }],
});

// The settings of "db-role-job" (every input but runExecutionToken): "db-role-job-run" keeps a hash of them, as
// Freehold did, so every edit of them draws a new "db-role-job-run" and with it a new runExecutionToken.
// eject: part of "template" is config you set (db-role-job-template-template-containers-0-envs-0-value):
// Freehold made it from other resources' outputs in a way eject cannot reproduce (README.md says where to find
// it).
const dbRoleJobSettings: cloudrunv2.JobArgs = {
  deletionProtection: false,
  labels,
  launchStage: "GA",
  location: region,
  name: "crown-marketplace-dev-db-dbrole",
  template: {
    taskCount: 1,
    template: {
      containers: [
        {
          args: [
            "set -eu\ndeadline=$(( $(date +%s) + ${FREEHOLD_DB_WAIT_SECONDS:-240} ))\nuntil pg_isready -q -t 10; do\n  if [ \"$(date +%s)\" -ge \"$deadline\" ]; then echo \"freehold: PostgreSQL at $PGHOST:$PGPORT did not answer within ${FREEHOLD_DB_WAIT_SECONDS:-240} s from the stack's network; the application roles were not created. Check the instance, its Private Service Connect endpoint and the subnet, then run pulumi up again: it runs this job again (docs/gcp.md, The role job's runs).\" >&2; exit 1; fi\n  sleep 2\ndone\nset -f\nset -- $FREEHOLD_ROLE_VERIFIERS\nexport FREEHOLD_APP_VERIFIER=\"$1\" FREEHOLD_READ_VERIFIER=\"$2\"\npsql -X -q -f - <<'FREEHOLD_SQL'\n\\set ON_ERROR_STOP off\nSELECT format('REVOKE cloudsqlsuperuser FROM %I', rolname) FROM pg_roles WHERE rolname IN ('app', 'app_read') AND pg_has_role(rolname, 'cloudsqlsuperuser', 'MEMBER') \\gexec\nSELECT 'CREATE EXTENSION IF NOT EXISTS pgaudit' WHERE EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pgaudit') \\gexec\n\\set ON_ERROR_STOP on\n\\getenv app_verifier FREEHOLD_APP_VERIFIER\n\\getenv read_verifier FREEHOLD_READ_VERIFIER\n\\if :{?app_verifier}\n\\else\n\\set app_verifier ''\n\\endif\n\\if :{?read_verifier}\n\\else\n\\set read_verifier ''\n\\endif\nBEGIN;\nSELECT set_config('freehold.app_verifier', :'app_verifier', true) AS app, set_config('freehold.read_verifier', :'read_verifier', true) AS read \\gset freehold_\nDO $freehold$\nDECLARE\n  admin text := current_user;\n  rw constant text := 'app';\n  ro constant text := 'app_read';\n  pg16 constant boolean := current_setting('server_version_num')::int >= 160000;\n  r record;\n  list text;\nBEGIN\n  PERFORM pg_advisory_xact_lock(727274);\n  IF admin IN (rw, ro) THEN\n    RAISE EXCEPTION 'freehold: the role setup runs as the administrator, not as %', admin;\n  END IF;\n  FOR r IN SELECT unnest(ARRAY[rw, ro]) AS name, unnest(ARRAY[current_setting('freehold.app_verifier'), current_setting('freehold.read_verifier')]) AS verifier LOOP\n    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r.name) THEN\n      EXECUTE format('CREATE ROLE %I LOGIN NOCREATEDB NOCREATEROLE', r.name);\n    ELSIF EXISTS (SELECT FROM pg_roles WHERE rolname = r.name AND (rolsuper OR rolreplication OR rolbypassrls)) THEN\n      RAISE EXCEPTION 'freehold: role % has SUPERUSER, REPLICATION or BYPASSRLS; an application role may have none of them', r.name;\n    ELSIF pg16 AND NOT pg_has_role(admin, r.name, 'MEMBER WITH ADMIN OPTION') THEN\n      RAISE EXCEPTION 'freehold: role % exists but % has no ADMIN OPTION on it, which PostgreSQL 16 and later require to alter a role; as a role that has it, GRANT % TO % WITH ADMIN OPTION (or drop the role), and run this again', r.name, admin, r.name, admin;\n    ELSE\n      EXECUTE format('ALTER ROLE %I WITH LOGIN NOCREATEDB NOCREATEROLE', r.name);\n    END IF;\n    IF r.verifier <> '' THEN\n      IF r.verifier !~ '^SCRAM-SHA-256[$][1-9][0-9]*:[A-Za-z0-9+/]+=*[$][A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$' THEN\n        RAISE EXCEPTION 'freehold: the password given for role % is not a SCRAM-SHA-256 verifier; a plaintext password is never sent', r.name;\n      END IF;\n      EXECUTE format('ALTER ROLE %I PASSWORD %L', r.name, r.verifier);\n    END IF;\n  END LOOP;\n  IF pg16 THEN\n    IF NOT (pg_has_role(admin, rw, 'USAGE') AND pg_has_role(admin, rw, 'SET')) THEN\n      EXECUTE format('GRANT %I TO %I WITH INHERIT TRUE, SET TRUE', rw, admin);\n    END IF;\n  ELSIF NOT pg_has_role(admin, rw, 'USAGE') THEN\n    EXECUTE format('GRANT %I TO %I', rw, admin);\n  END IF;\n  IF pg_has_role(ro, rw, 'MEMBER') OR pg_has_role(ro, admin, 'MEMBER') THEN\n    RAISE EXCEPTION 'freehold: role % is a member of % or of %, so it would not be read-only', ro, rw, admin;\n  END IF;\n  IF pg_has_role(rw, admin, 'MEMBER') THEN\n    RAISE EXCEPTION 'freehold: role % is a member of the administrator %', rw, admin;\n  END IF;\n  FOR r IN SELECT unnest(ARRAY[rw, ro]) AS name, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database() LOOP\n    IF r.owner <> r.name AND pg_has_role(r.name, r.owner, 'MEMBER') THEN\n      RAISE EXCEPTION 'freehold: role % is a member of %, which owns the database: an application role may not be; as a role that may, REVOKE % FROM %, and run this again', r.name, r.owner, r.owner, r.name;\n    END IF;\n  END LOOP;\n  EXECUTE format('GRANT CONNECT, TEMPORARY, CREATE ON DATABASE %I TO %I', current_database(), rw);\n  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), ro);\n  IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'public' AND has_schema_privilege(admin, oid, 'CREATE WITH GRANT OPTION')) THEN\n    REVOKE CREATE ON SCHEMA public FROM PUBLIC;\n    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA public TO %I', rw);\n  END IF;\n  IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'public' AND has_schema_privilege(ro, oid, 'CREATE')) THEN\n    RAISE WARNING 'freehold: every role may create objects in schema public (its owner % granted CREATE to PUBLIC, and % cannot revoke it): % can create tables there, though it can change none it does not own',\n      (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'), admin, ro;\n  END IF;\n  FOR r IN SELECT n.oid, n.nspname, pg_get_userbyid(n.nspowner) AS owner, has_schema_privilege(admin, n.oid, 'USAGE WITH GRANT OPTION') AS grantable FROM pg_namespace n\n      WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND has_schema_privilege(admin, n.oid, 'USAGE')\n      ORDER BY n.nspname LOOP\n    IF r.grantable AND r.owner <> rw THEN\n      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', r.nspname, rw);\n    END IF;\n    IF r.grantable THEN\n      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', r.nspname, ro);\n    END IF;\n    SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')\n        AND NOT (CASE WHEN c.relkind IN ('r', 'p', 'v', 'm', 'f') THEN has_table_privilege(rw, c.oid, 'SELECT') AND has_table_privilege(rw, c.oid, 'INSERT') AND has_table_privilege(rw, c.oid, 'UPDATE') AND has_table_privilege(rw, c.oid, 'DELETE') AND has_table_privilege(rw, c.oid, 'TRUNCATE') AND has_table_privilege(rw, c.oid, 'REFERENCES') AND has_table_privilege(rw, c.oid, 'TRIGGER') END) INTO list;\n    IF list IS NOT NULL THEN\n      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE %s TO %I', list, rw);\n    END IF;\n    SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')\n        AND NOT (CASE WHEN c.relkind IN ('r', 'p', 'v', 'm', 'f') THEN has_table_privilege(ro, c.oid, 'SELECT') END) INTO list;\n    IF list IS NOT NULL THEN\n      EXECUTE format('GRANT SELECT ON TABLE %s TO %I', list, ro);\n    END IF;\n    SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('S') AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')\n        AND NOT (CASE WHEN c.relkind IN ('S') THEN has_sequence_privilege(rw, c.oid, 'USAGE') AND has_sequence_privilege(rw, c.oid, 'SELECT') AND has_sequence_privilege(rw, c.oid, 'UPDATE') END) INTO list;\n    IF list IS NOT NULL THEN\n      EXECUTE format('GRANT USAGE, SELECT, UPDATE ON SEQUENCE %s TO %I', list, rw);\n    END IF;\n    SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('S') AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')\n        AND NOT (CASE WHEN c.relkind IN ('S') THEN has_sequence_privilege(ro, c.oid, 'SELECT') END) INTO list;\n    IF list IS NOT NULL THEN\n      EXECUTE format('GRANT SELECT ON SEQUENCE %s TO %I', list, ro);\n    END IF;\n    SELECT string_agg(format('%I.%I (owner %s)', r.nspname, c.relname, pg_get_userbyid(c.relowner)), ', ' ORDER BY c.relname) INTO list FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND NOT has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e');\n    IF list IS NOT NULL THEN\n      RAISE WARNING 'freehold: % cannot grant on %: the application roles cannot use them', admin, list;\n    END IF;\n  END LOOP;\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON TABLES TO %I', rw, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON SEQUENCES TO %I', rw, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON SCHEMAS TO %I', rw, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLES TO %I', admin, rw);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', admin, rw);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON SCHEMAS TO %I', admin, rw);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON TABLES TO %I', admin, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON SEQUENCES TO %I', admin, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON SCHEMAS TO %I', admin, ro);\n  IF EXISTS (SELECT FROM pg_roles WHERE rolname = admin AND rolreplication AND NOT rolsuper) THEN\n    BEGIN\n      EXECUTE format('ALTER ROLE %I WITH NOREPLICATION', admin);\n    EXCEPTION WHEN insufficient_privilege THEN\n      RAISE WARNING 'freehold: replication is off, but % keeps the REPLICATION attribute: this server does not let it drop it (%)', admin, SQLERRM;\n    END;\n  END IF;\n  FOR r IN SELECT g.rolname AS name FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid\n      WHERE g.rolname IN ('rds_replication', 'pg_create_subscription') AND m.member = (SELECT oid FROM pg_roles WHERE rolname = admin) AND NOT EXISTS (SELECT FROM pg_roles o WHERE o.oid = m.grantor AND o.rolsuper) AND NOT EXISTS (SELECT FROM pg_roles WHERE rolname = admin AND rolsuper) LOOP\n    BEGIN\n      EXECUTE format('REVOKE %I FROM %I', r.name, admin);\n    EXCEPTION WHEN insufficient_privilege THEN\n      RAISE WARNING 'freehold: replication is off, but % stays a member of %: %', admin, r.name, SQLERRM;\n    END;\n  END LOOP;\nEND\n$freehold$;\nCOMMIT;\n\\echo freehold: roles app and app_read ready in :DBNAME\nFREEHOLD_SQL\n",
          ],
          commands: ["/bin/sh", "-c"],
          envs: [
            { name: "PGHOST", value: dbRoleJobTemplateTemplateContainers0Envs0Value },
            { name: "PGPORT", value: "5432" },
            { name: "PGDATABASE", value: dbDatabase.name },
            { name: "PGUSER", value: "freehold_admin" },
            { name: "PGSSLMODE", value: "verify-full" },
            { name: "PGSSLROOTCERT", value: "/etc/freehold/tls/database-ca.pem" },
            { name: "PGCONNECT_TIMEOUT", value: "10" },
            { name: "FREEHOLD_DB_WAIT_SECONDS", value: "240" },
            {
              name: "PGPASSWORD",
              valueSource: { secretKeyRef: { secret: dbAdminSecret.secretId, version: dbAdminSecretVersion.version } },
            },
            {
              name: "FREEHOLD_ROLE_VERIFIERS",
              valueSource: { secretKeyRef: { secret: dbRoleVerifiers.secretId, version: dbRoleVerifiersVersion.version } },
            },
          ],
          image: pulumi.interpolate`${toolImages.registryUri}/library/postgres@sha256:b0f9560a2de083e2cc7382e75f808c7381a32852a7ec49117deedb300e552b24`,
          resources: { limits: { cpu: "1", memory: "512Mi" } },
          volumeMounts: [{ mountPath: "/etc/freehold/tls", name: "database-ca" }],
        },
      ],
      maxRetries: 3,
      serviceAccount: dbRoleJobAccount.email,
      timeout: "600s",
      volumes: [
        {
          name: "database-ca",
          secret: {
            defaultMode: 292,
            items: [{ mode: 292, path: "database-ca.pem", version: dbServerDatabaseCaVersion.version }],
            secret: dbServerDatabaseCa.secretId,
          },
        },
      ],
      vpcAccess: {
        egress: "PRIVATE_RANGES_ONLY",
        networkInterfaces: [{ network: network.name, subnetwork: subnet.name }],
      },
    },
  },
};

// eject: "keepers" was also made from db-instance and crown-marketplace-api-run-ready; the value below is right,
// but no longer waits for them.
const dbRoleJobRun = new RandomId("db-role-job-run", { byteLength: 4, keepers: { job: pulumi.output(dbRoleJobSettings).apply(settingsHash) } }, { aliases: [{ parent: freeholdDb }] });

const dbRoleJob = new cloudrunv2.Job("db-role-job", { ...dbRoleJobSettings, runExecutionToken: pulumi.interpolate`r${dbRoleJobRun.hex}` }, {
  dependsOn: [dbEndpoint, dbDnsRecord, dbDatabase, dbAdminUser, dbRoleJobGrantsSettled, toolImages, logExclusion, logSink, apiRunReady, subnetAddressReleaseEuropeWest2],
  deleteBeforeReplace: false,
  customTimeouts: {"create":"50m","update":"50m"},
  aliases: [{ parent: freeholdDb }],
});

// ---- uploads (ObjectStore) -------------------------------------------------------------------------------
// uploads: object-store on Cloud Storage.
// Was Freehold's ObjectStore "uploads" (freehold:index:ObjectStore).

const uploadsNameSuffix = new RandomString("uploads-name-suffix", { length: 4, lower: true, numeric: true, special: false, upper: false }, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdUploads }] });

const uploadsBucket = new storage.Bucket("uploads-bucket", {
  cors: [
    {
      maxAgeSeconds: 3600,
      methods: ["GET", "PUT"],
      origins: ["https://marketplace.example.gov.uk"],
      responseHeaders: [
        "Content-Type",
        "Content-MD5",
        "Content-Disposition",
        "Content-Encoding",
        "Cache-Control",
        "x-goog-resumable",
        "ETag",
      ],
    },
  ],
  forceDestroy: false,
  labels,
  lifecycleRules: [
    { action: { type: "Delete" }, condition: { age: 7, matchesPrefixes: ["tmp/"], withState: "LIVE" } },
    {
      action: { type: "Delete" },
      condition: { daysSinceNoncurrentTime: 7, matchesPrefixes: ["tmp/"], withState: "ARCHIVED" },
    },
    {
      action: { type: "Delete" },
      condition: { age: 90, matchesPrefixes: ["logs/"], withState: "LIVE" },
    },
    {
      action: { type: "Delete" },
      condition: { daysSinceNoncurrentTime: 90, matchesPrefixes: ["logs/"], withState: "ARCHIVED" },
    },
    { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 30, withState: "ARCHIVED" } },
  ],
  location: "EUROPE-WEST2",
  name: pulumi.interpolate`crown-marketplace-dev-uploads-2u5z7m-${uploadsNameSuffix.result}`,
  publicAccessPrevention: "enforced",
  softDeletePolicy: { retentionDurationSeconds: 604800 },
  storageClass: "STANDARD",
  uniformBucketLevelAccess: true,
  versioning: { enabled: true },
}, {
  protect: true,
  retainOnDelete: true,
  dependsOn: [apiStorage],
  ignoreChanges: ["name"],
  aliases: [{ parent: freeholdUploads }],
});

// ---- web (WebService) ------------------------------------------------------------------------------------
// web: web-service on Cloud Run, cpu=1 memory=2048Mi. Size: smallest Cloud Run size with >= 1 vCPU and >= 2 GiB.
// Was Freehold's WebService "web" (freehold:index:WebService).

const webAccount = new serviceaccount.Account("web-account", {
  accountId: "crown-marketplace-dev-web",
  description: "Identity of one Freehold web service; holds only its links' grants",
  displayName: "Freehold crown-marketplace-dev/web",
}, { dependsOn: [apiIam], aliases: [{ parent: freeholdWeb }] });

const webDatabaseCa = new secretmanager.Secret("web-database-ca", {
  labels,
  replication: { userManaged: { replicas: [{ location: region }] } },
  secretId: "crown-marketplace-dev-web-database-ca",
}, { dependsOn: [apiSecretmanager], deleteBeforeReplace: true, aliases: [{ parent: freeholdWeb }] });

const webDatabaseCaVersion = new secretmanager.SecretVersion("web-database-ca-version", { secret: webDatabaseCa.id, secretData: pulumi.secret(dbInstance.serverCaCerts[0].cert) }, { aliases: [{ parent: freeholdWeb }] });

const webDbSecretAccess = new secretmanager.SecretIamMember("web-db-secret-access", { member: webAccount.member, role: "roles/secretmanager.secretAccessor", secretId: dbSecret.secretId }, { aliases: [{ parent: freeholdWeb }] });

const webUploadsAccess = new storage.BucketIAMMember("web-uploads-access", { bucket: uploadsBucket.name, member: webAccount.member, role: "roles/storage.objectUser" }, { aliases: [{ parent: freeholdWeb }] });

const webUploadsBucketReader = new storage.BucketIAMMember("web-uploads-bucket-reader", { bucket: uploadsBucket.name, member: webAccount.member, role: "roles/storage.legacyBucketReader" }, { aliases: [{ parent: freeholdWeb }] });

const webDatabaseCaAccess = new secretmanager.SecretIamMember("web-database-ca-access", { member: webAccount.member, role: "roles/secretmanager.secretAccessor", secretId: webDatabaseCa.secretId }, { aliases: [{ parent: freeholdWeb }] });

const webUrlSigner = new serviceaccount.IAMMember("web-url-signer", { member: webAccount.member, role: urlSignerRole.name, serviceAccountId: webAccount.name }, { aliases: [{ parent: freeholdWeb }] });

const webGrantsSettled = new Sleep("web-grants-settled", {
  createDuration: "420s",
  triggers: {
    grants: pulumi.interpolate`${webDatabaseCaAccess.id},${webDbSecretAccess.id},${webUploadsAccess.id},${webUploadsBucketReader.id},${webUrlSigner.id}`,
  },
}, {
  dependsOn: [webDatabaseCaAccess, webDbSecretAccess, webUrlSigner, webUploadsAccess, webUploadsBucketReader],
  aliases: [{ parent: freeholdWeb }],
});

// eject: part of "template" is config you set (web-service-template-containers-0-envs-1-value): Freehold made it
// from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const webService = new cloudrunv2.Service("web-service", {
  deletionProtection: false,
  ingress: "INGRESS_TRAFFIC_ALL",
  invokerIamDisabled: true,
  labels,
  launchStage: "GA",
  location: region,
  name: "crown-marketplace-dev-web",
  template: {
    containers: [
      {
        envs: [
          { name: "NODE_ENV", value: "production" },
          { name: "DATABASE_HOST", value: webServiceTemplateContainers0Envs1Value },
          { name: "DATABASE_PORT", value: "5432" },
          { name: "DATABASE_NAME", value: dbDatabase.name },
          { name: "DATABASE_USER", value: "app" },
          { name: "DATABASE_SSLMODE", value: "verify-full" },
          { name: "DATABASE_SSLROOTCERT", value: "/etc/freehold/tls/database-ca.pem" },
          { name: "OBJECT_STORE_PROVIDER", value: "gcs" },
          { name: "OBJECT_STORE_BUCKET", value: uploadsBucket.name },
          { name: "OBJECT_STORE_ENDPOINT", value: "https://storage.googleapis.com" },
          { name: "OBJECT_STORE_ACCESS", value: "readWrite" },
          {
            name: "DATABASE_PASSWORD",
            valueSource: { secretKeyRef: { secret: dbSecret.secretId, version: dbSecretVersion.version } },
          },
        ],
        image: webImage,
        livenessProbe: {
          failureThreshold: 3,
          httpGet: { path: "/healthz", port: 8080 },
          periodSeconds: 30,
          timeoutSeconds: 5,
        },
        ports: { containerPort: 8080 },
        resources: { cpuIdle: true, limits: { cpu: "1", memory: "2048Mi" } },
        startupProbe: {
          failureThreshold: 12,
          httpGet: { path: "/healthz", port: 8080 },
          periodSeconds: 10,
          timeoutSeconds: 5,
        },
        volumeMounts: [{ mountPath: "/etc/freehold/tls", name: "database-ca" }],
      },
    ],
    executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
    scaling: { maxInstanceCount: 10, minInstanceCount: 2 },
    serviceAccount: webAccount.email,
    volumes: [
      {
        name: "database-ca",
        secret: {
          defaultMode: 292,
          items: [{ mode: 292, path: "database-ca.pem", version: webDatabaseCaVersion.version }],
          secret: webDatabaseCa.secretId,
        },
      },
    ],
    vpcAccess: {
      egress: "PRIVATE_RANGES_ONLY",
      networkInterfaces: [{ network: network.name, subnetwork: subnet.name }],
    },
  },
}, {
  dependsOn: [dbRoleJob, logExclusion, logSink, apiCompute, apiRun, apiRunReady, subnetAddressReleaseEuropeWest2, webGrantsSettled],
  deleteBeforeReplace: false,
  aliases: [{ parent: freeholdWeb }],
});

// ---- worker (Worker) -------------------------------------------------------------------------------------
// worker: worker on Cloud Run worker pools, cpu=1 memory=1024Mi. Size: smallest Cloud Run size with >= 0.5 vCPU
// and >= 1 GiB; 0.5 vCPU raised to 1: Cloud Run allows less than 1 vCPU only with concurrency 1 and the
// first-generation environment.
// Was Freehold's Worker "worker" (freehold:index:Worker).

const workerAccount = new serviceaccount.Account("worker-account", {
  accountId: "crown-marketplace-dev-worker",
  description: "Identity of one Freehold worker; holds only its links' grants",
  displayName: "Freehold crown-marketplace-dev/worker",
}, { dependsOn: [apiIam], aliases: [{ parent: freeholdWorker }] });

const workerDatabaseCa = new secretmanager.Secret("worker-database-ca", {
  labels,
  replication: { userManaged: { replicas: [{ location: region }] } },
  secretId: "crown-marketplace-dev-worker-database-ca",
}, { dependsOn: [apiSecretmanager], deleteBeforeReplace: true, aliases: [{ parent: freeholdWorker }] });

const workerDatabaseCaVersion = new secretmanager.SecretVersion("worker-database-ca-version", { secret: workerDatabaseCa.id, secretData: pulumi.secret(dbInstance.serverCaCerts[0].cert) }, { aliases: [{ parent: freeholdWorker }] });

const workerDbSecretAccess = new secretmanager.SecretIamMember("worker-db-secret-access", { member: workerAccount.member, role: "roles/secretmanager.secretAccessor", secretId: dbSecret.secretId }, { aliases: [{ parent: freeholdWorker }] });

const workerUploadsAccess = new storage.BucketIAMMember("worker-uploads-access", { bucket: uploadsBucket.name, member: workerAccount.member, role: "roles/storage.objectViewer" }, { aliases: [{ parent: freeholdWorker }] });

const workerUploadsBucketReader = new storage.BucketIAMMember("worker-uploads-bucket-reader", { bucket: uploadsBucket.name, member: workerAccount.member, role: "roles/storage.legacyBucketReader" }, { aliases: [{ parent: freeholdWorker }] });

const workerDatabaseCaAccess = new secretmanager.SecretIamMember("worker-database-ca-access", {
  member: workerAccount.member,
  role: "roles/secretmanager.secretAccessor",
  secretId: workerDatabaseCa.secretId,
}, { aliases: [{ parent: freeholdWorker }] });

const workerUrlSigner = new serviceaccount.IAMMember("worker-url-signer", { member: workerAccount.member, role: urlSignerRole.name, serviceAccountId: workerAccount.name }, { aliases: [{ parent: freeholdWorker }] });

const workerGrantsSettled = new Sleep("worker-grants-settled", {
  createDuration: "420s",
  triggers: {
    grants: pulumi.interpolate`${workerDatabaseCaAccess.id},${workerDbSecretAccess.id},${workerUploadsAccess.id},${workerUploadsBucketReader.id},${workerUrlSigner.id}`,
  },
}, {
  dependsOn: [workerDatabaseCaAccess, workerDbSecretAccess, workerUrlSigner, workerUploadsAccess, workerUploadsBucketReader],
  aliases: [{ parent: freeholdWorker }],
});

// eject: part of "template" is config you set (worker-worker-pool-template-containers-0-envs-0-value): Freehold
// made it from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const workerWorkerPool = new cloudrunv2.WorkerPool("worker-worker-pool", {
  deletionProtection: false,
  labels,
  launchStage: "BETA",
  location: region,
  name: "crown-marketplace-dev-worker",
  scaling: { maxInstanceCount: 4, minInstanceCount: 1, scalingMode: "AUTOMATIC" },
  template: {
    containers: [
      {
        args: ["process-uploads"],
        envs: [
          { name: "DATABASE_HOST", value: workerWorkerPoolTemplateContainers0Envs0Value },
          { name: "DATABASE_PORT", value: "5432" },
          { name: "DATABASE_NAME", value: dbDatabase.name },
          { name: "DATABASE_USER", value: "app" },
          { name: "DATABASE_SSLMODE", value: "verify-full" },
          { name: "DATABASE_SSLROOTCERT", value: "/etc/freehold/tls/database-ca.pem" },
          { name: "OBJECT_STORE_PROVIDER", value: "gcs" },
          { name: "OBJECT_STORE_BUCKET", value: uploadsBucket.name },
          { name: "OBJECT_STORE_ENDPOINT", value: "https://storage.googleapis.com" },
          { name: "OBJECT_STORE_ACCESS", value: "read" },
          {
            name: "DATABASE_PASSWORD",
            valueSource: { secretKeyRef: { secret: dbSecret.secretId, version: dbSecretVersion.version } },
          },
        ],
        image: workerImage,
        resources: { limits: { cpu: "1", memory: "1024Mi" } },
        volumeMounts: [{ mountPath: "/etc/freehold/tls", name: "database-ca" }],
      },
    ],
    serviceAccount: workerAccount.email,
    volumes: [
      {
        name: "database-ca",
        secret: {
          defaultMode: 292,
          items: [{ mode: 292, path: "database-ca.pem", version: workerDatabaseCaVersion.version }],
          secret: workerDatabaseCa.secretId,
        },
      },
    ],
    vpcAccess: {
      egress: "PRIVATE_RANGES_ONLY",
      networkInterfaces: [{ network: network.name, subnetwork: subnet.name }],
    },
  },
}, {
  dependsOn: [dbRoleJob, logExclusion, logSink, apiCompute, apiRun, apiRunReady, subnetAddressReleaseEuropeWest2, workerGrantsSettled],
  deleteBeforeReplace: false,
  aliases: [{ parent: freeholdWorker }],
});

// ---- nightly (ScheduledJob) ------------------------------------------------------------------------------
// nightly: scheduled-job on Cloud Run jobs and Cloud Scheduler, cpu=1 memory=1024Mi. Size: smallest Cloud Run
// size with >= 0.5 vCPU and >= 1 GiB; 0.5 vCPU raised to 1: Cloud Run allows less than 1 vCPU only with
// concurrency 1 and the first-generation environment.
// Was Freehold's ScheduledJob "nightly" (freehold:index:ScheduledJob).

const nightlyAccount = new serviceaccount.Account("nightly-account", {
  accountId: "crown-marketplace-dev-nightly",
  description: "Identity of one Freehold scheduled job; holds only its links' grants",
  displayName: "Freehold crown-marketplace-dev/nightly",
}, { dependsOn: [apiIam], aliases: [{ parent: freeholdNightly }] });

const nightlyDatabaseCa = new secretmanager.Secret("nightly-database-ca", {
  labels,
  replication: { userManaged: { replicas: [{ location: region }] } },
  secretId: "crown-marketplace-dev-nightly-database-ca",
}, { dependsOn: [apiSecretmanager], deleteBeforeReplace: true, aliases: [{ parent: freeholdNightly }] });

const nightlyDatabaseCaVersion = new secretmanager.SecretVersion("nightly-database-ca-version", { secret: nightlyDatabaseCa.id, secretData: pulumi.secret(dbInstance.serverCaCerts[0].cert) }, { aliases: [{ parent: freeholdNightly }] });

const nightlyDbSecretAccess = new secretmanager.SecretIamMember("nightly-db-secret-access", { member: nightlyAccount.member, role: "roles/secretmanager.secretAccessor", secretId: dbSecret.secretId }, { aliases: [{ parent: freeholdNightly }] });

const nightlyDatabaseCaAccess = new secretmanager.SecretIamMember("nightly-database-ca-access", {
  member: nightlyAccount.member,
  role: "roles/secretmanager.secretAccessor",
  secretId: nightlyDatabaseCa.secretId,
}, { aliases: [{ parent: freeholdNightly }] });

const nightlyGrantsSettled = new Sleep("nightly-grants-settled", {
  createDuration: "420s",
  triggers: { grants: pulumi.interpolate`${nightlyDatabaseCaAccess.id},${nightlyDbSecretAccess.id}` },
}, { dependsOn: [nightlyDatabaseCaAccess, nightlyDbSecretAccess], aliases: [{ parent: freeholdNightly }] });

// eject: part of "template" is config you set (nightly-job-template-template-containers-0-envs-0-value):
// Freehold made it from other resources' outputs in a way eject cannot reproduce (README.md says where to find
// it).
const nightlyJob = new cloudrunv2.Job("nightly-job", {
  deletionProtection: false,
  labels,
  launchStage: "GA",
  location: region,
  name: "crown-marketplace-dev-nightly",
  template: {
    parallelism: 1,
    taskCount: 1,
    template: {
      containers: [
        {
          args: ["expire-listings"],
          envs: [
            { name: "DATABASE_HOST", value: nightlyJobTemplateTemplateContainers0Envs0Value },
            { name: "DATABASE_PORT", value: "5432" },
            { name: "DATABASE_NAME", value: dbDatabase.name },
            { name: "DATABASE_USER", value: "app" },
            { name: "DATABASE_SSLMODE", value: "verify-full" },
            { name: "DATABASE_SSLROOTCERT", value: "/etc/freehold/tls/database-ca.pem" },
            {
              name: "DATABASE_PASSWORD",
              valueSource: { secretKeyRef: { secret: dbSecret.secretId, version: dbSecretVersion.version } },
            },
          ],
          image: nightlyImage,
          resources: { limits: { cpu: "1", memory: "1024Mi" } },
          volumeMounts: [{ mountPath: "/etc/freehold/tls", name: "database-ca" }],
        },
      ],
      maxRetries: 2,
      serviceAccount: nightlyAccount.email,
      timeout: "1800s",
      volumes: [
        {
          name: "database-ca",
          secret: {
            defaultMode: 292,
            items: [{ mode: 292, path: "database-ca.pem", version: nightlyDatabaseCaVersion.version }],
            secret: nightlyDatabaseCa.secretId,
          },
        },
      ],
      vpcAccess: {
        egress: "PRIVATE_RANGES_ONLY",
        networkInterfaces: [{ network: network.name, subnetwork: subnet.name }],
      },
    },
  },
}, {
  dependsOn: [dbRoleJob, logExclusion, logSink, apiCompute, apiRun, apiRunReady, subnetAddressReleaseEuropeWest2, nightlyGrantsSettled],
  deleteBeforeReplace: false,
  aliases: [{ parent: freeholdNightly }],
});

const nightlySchedulerAccount = new serviceaccount.Account("nightly-scheduler-account", {
  accountId: "crown-marketplace-dev-n-5xipv7",
  description: "Identity of one Freehold scheduled job's scheduler (runs the job, nothing else); holds only its links' grants",
  displayName: "Freehold crown-marketplace-dev/nightly-sched",
}, { dependsOn: [apiIam], aliases: [{ parent: freeholdNightly }] });

// eject: "location" was also made from nightly-job; the value below is right, but no longer waits for it.
const nightlySchedulerInvoker = new cloudrunv2.JobIamMember("nightly-scheduler-invoker", { location: region, member: nightlySchedulerAccount.member, name: nightlyJob.name, role: "roles/run.invoker" }, { aliases: [{ parent: freeholdNightly }] });

const nightlySchedule = new cloudscheduler.Job("nightly-schedule", {
  description: "Runs the Cloud Run job crown-marketplace-dev-nightly (Freehold crown-marketplace-dev/nightly)",
  httpTarget: {
    httpMethod: "POST",
    oauthToken: {
      scope: "https://www.googleapis.com/auth/cloud-platform",
      serviceAccountEmail: nightlySchedulerAccount.email,
    },
    uri: pulumi.interpolate`https://run.googleapis.com/v2/projects/${nightlyJob.project}/locations/${region}/jobs/crown-marketplace-dev-nightly:run`,
  },
  name: "crown-marketplace-dev-nightly",
  region,
  retryConfig: { maxBackoffDuration: "300s", minBackoffDuration: "30s", retryCount: 3 },
  schedule: "0 2 * * *",
  timeZone: "Europe/London",
}, { dependsOn: [apiCloudscheduler, nightlySchedulerInvoker], aliases: [{ parent: freeholdNightly }] });

// ---- Stack outputs, as Freehold exported them -----------------------------------------------------

export const uploads = { bucketName: uploadsBucket.name, endpoint: "https://storage.googleapis.com" };
export const web = { url: webService.uri };
export const worker = {};
export const nightly = {
  runCommand: pulumi.interpolate`gcloud run jobs execute crown-marketplace-dev-nightly --region ${region} --project ${dbInstance.project}`,
  schedule: pulumi.interpolate`${nightlySchedule.schedule.apply((v) => v!)} in ${nightlySchedule.timeZone.apply((v) => v!)} (Cloud Scheduler follows the zone's daylight saving)`,
};
