// crown-marketplace on Google Cloud, Pulumi stack "dev": a plain Pulumi program written by `freehold eject` from
// examples/crown-marketplace/freehold.yaml.
// It registers the cloud resources Freehold registered for this stack, with the same types, names, inputs and
// options. See README.md.

import * as pulumi from "@pulumi/pulumi";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as compute from "@pulumi/gcp/compute";
import * as logging from "@pulumi/gcp/logging";
import * as organizations from "@pulumi/gcp/organizations";
import * as projects from "@pulumi/gcp/projects";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as sql from "@pulumi/gcp/sql";
import * as storage from "@pulumi/gcp/storage";
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

// Values Freehold made from other resources' outputs in a way eject cannot reproduce: set each to the deployed
// stack's value (README.md, "Config to set", says where to find it).
const unset = ["db-role-job-runExecutionToken"].filter((key) => config.getSecret(key) === undefined);
if (unset.length) {
  throw new pulumi.RunError(`Set these config values first (README.md, "Config to set", says where to find each): ${unset.join(", ")}`);
}
const dbRoleJobRunExecutionToken = config.require("db-role-job-runExecutionToken");

// The labels 7 resources below carry alike; each adds its own.
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
const freeholdWorker = urn("freehold:index:WebService", "worker");

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

const subnet = new compute.Subnetwork("crown-marketplace-subnet", {
  ipCidrRange: "10.10.0.0/20",
  name: `crown-marketplace-dev-${region}`,
  network: network.id,
  privateIpGoogleAccess: true,
  region,
  stackType: "IPV4_ONLY",
}, { aliases: [{ parent: freeholdPlatform }] });

const subnetAddressRelease = new Sleep("crown-marketplace-subnet-address-release", { destroyDuration: "2h" }, { dependsOn: [subnet], aliases: [{ parent: freeholdPlatform }] });

const apiSqladmin = new projects.Service("crown-marketplace-api-sqladmin", {
  disableDependentServices: false,
  disableOnDestroy: false,
  project: projectId,
  service: "sqladmin.googleapis.com",
}, { aliases: [{ parent: freeholdPlatform }] });

const apiSecretmanager = new projects.Service("crown-marketplace-api-secretmanager", {
  disableDependentServices: false,
  disableOnDestroy: false,
  project: projectId,
  service: "secretmanager.googleapis.com",
}, { aliases: [{ parent: freeholdPlatform }] });

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
  filter: "(resource.type=\"cloud_run_revision\" AND resource.labels.service_name=~\"^crown-marketplace-dev\") OR (resource.type=\"cloud_run_job\" AND resource.labels.job_name=~\"^crown-marketplace-dev\") OR (resource.type=\"cloudsql_database\" AND resource.labels.database_id=~\":crown-marketplace-dev\")",
  name: "crown-marketplace-dev-logs",
}, { aliases: [{ parent: freeholdPlatform }] });

const logExclusion = new logging.ProjectExclusion("crown-marketplace-log-exclusion", {
  description: "Keeps this stack's logs out of the _Default bucket (global): they are stored in its regional bucket",
  filter: "(resource.type=\"cloud_run_revision\" AND resource.labels.service_name=~\"^crown-marketplace-dev\") OR (resource.type=\"cloud_run_job\" AND resource.labels.job_name=~\"^crown-marketplace-dev\") OR (resource.type=\"cloudsql_database\" AND resource.labels.database_id=~\":crown-marketplace-dev\")",
  name: "crown-marketplace-dev-logs-outside-region",
}, { dependsOn: [logSink], aliases: [{ parent: freeholdPlatform }] });

const apiIam = new projects.Service("crown-marketplace-api-iam", {
  disableDependentServices: false,
  disableOnDestroy: false,
  project: projectId,
  service: "iam.googleapis.com",
}, { aliases: [{ parent: freeholdPlatform }] });

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

const apiIamcredentials = new projects.Service("crown-marketplace-api-iamcredentials", {
  disableDependentServices: false,
  disableOnDestroy: false,
  project: projectId,
  service: "iamcredentials.googleapis.com",
}, { aliases: [{ parent: freeholdPlatform }] });

const urlSignerRole = new projects.IAMCustomRole("crown-marketplace-url-signer-role", {
  description: "Signs blobs as a service account: V4 signed URLs for Cloud Storage, nothing else",
  permissions: ["iam.serviceAccounts.signBlob"],
  roleId: "crown_marketplace_dev_url_signer",
  stage: "GA",
  title: "Freehold URL signer (crown-marketplace-dev)",
}, { dependsOn: [apiIam, apiIamcredentials], aliases: [{ parent: freeholdPlatform }] });

// ---- db (Database) ---------------------------------------------------------------------------------------
// db: database on Cloud SQL for PostgreSQL, db-custom-2-8192. Size: smallest Cloud SQL Enterprise custom tier
// with >= 2 vCPU and >= 8 GiB, regional (primary and standby).
// Was Freehold's Database "db" (freehold:index:Database).

const dbNameSuffix = new RandomString("db-name-suffix", { length: 4, lower: true, numeric: true, special: false, upper: false }, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbInstance = new sql.DatabaseInstance("db-instance", {
  databaseVersion: "POSTGRES_16",
  deletionProtection: true,
  name: pulumi.interpolate`crown-marketplace-dev-db-${dbNameSuffix.result}`,
  region,
  settings: {
    availabilityType: "REGIONAL",
    backupConfiguration: {
      backupRetentionSettings: { retainedBackups: 14, retentionUnit: "COUNT" },
      enabled: true,
      location: region,
      pointInTimeRecoveryEnabled: true,
      transactionLogRetentionDays: 7,
    },
    databaseFlags: [{ name: "log_connections", value: "on" }, { name: "log_disconnections", value: "on" }],
    deletionProtectionEnabled: true,
    diskAutoresize: true,
    diskSize: 50,
    diskType: "PD_SSD",
    edition: "ENTERPRISE",
    ipConfiguration: {
      ipv4Enabled: false,
      pscConfigs: [{ allowedConsumerProjects: [projectId], pscEnabled: true }],
      sslMode: "ENCRYPTED_ONLY",
    },
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
  dependsOn: [apiSqladmin],
  ignoreChanges: ["settings.diskSize"],
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

const dbDatabase = new sql.Database("db-database", { instance: dbInstance.name, name: "app" }, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbPassword = new RandomPassword("db-password", { length: 32, minLower: 1, minNumeric: 1, minUpper: 1, special: false }, { aliases: [{ parent: freeholdDb }] });

const dbSecret = new secretmanager.Secret("db-secret", {
  labels,
  replication: { userManaged: { replicas: [{ location: region }] } },
  secretId: "crown-marketplace-dev-db-db-password",
}, { protect: true, retainOnDelete: true, dependsOn: [apiSecretmanager], aliases: [{ parent: freeholdDb }] });

const dbSecretVersion = new secretmanager.SecretVersion("db-secret-version", { secret: dbSecret.id, secretData: pulumi.secret(dbPassword.result) }, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbAdminPassword = new RandomPassword("db-admin-password", { length: 32, minLower: 1, minNumeric: 1, minUpper: 1, special: false }, { aliases: [{ parent: freeholdDb }] });

const dbAdminSecret = new secretmanager.Secret("db-admin-secret", {
  labels,
  replication: { userManaged: { replicas: [{ location: region }] } },
  secretId: "crown-marketplace-dev-db-db-admin-password",
}, { protect: true, retainOnDelete: true, dependsOn: [apiSecretmanager], aliases: [{ parent: freeholdDb }] });

const dbAdminSecretVersion = new secretmanager.SecretVersion("db-admin-secret-version", { secret: dbAdminSecret.id, secretData: pulumi.secret(dbAdminPassword.result) }, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbAdminUser = new sql.User("db-admin-user", {
  deletionPolicy: "ABANDON",
  instance: dbInstance.name,
  name: "freehold_admin",
  password: pulumi.secret(dbAdminPassword.result),
}, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbRoleJobAccount = new serviceaccount.Account("db-role-job-account", {
  accountId: "crown-marketplace-dev-d-5ono9g",
  description: "Creates the application role inside one Freehold database; reads only its two password secrets",
  displayName: "Freehold crown-marketplace-dev/db role job",
}, { dependsOn: [apiIam], aliases: [{ parent: freeholdDb }] });

const dbRoleJobAdminSecret = new secretmanager.SecretIamMember("db-role-job-admin-secret", {
  member: dbRoleJobAccount.member,
  role: "roles/secretmanager.secretAccessor",
  secretId: dbAdminSecret.secretId,
}, { aliases: [{ parent: freeholdDb }] });

const dbRoleJobAppSecret = new secretmanager.SecretIamMember("db-role-job-app-secret", { member: dbRoleJobAccount.member, role: "roles/secretmanager.secretAccessor", secretId: dbSecret.secretId }, { aliases: [{ parent: freeholdDb }] });

const dbRoleJobGrantsSettled = new Sleep("db-role-job-grants-settled", {
  createDuration: "420s",
  triggers: { grants: pulumi.interpolate`${dbRoleJobAdminSecret.id},${dbRoleJobAppSecret.id}` },
}, { dependsOn: [dbRoleJobAdminSecret, dbRoleJobAppSecret], aliases: [{ parent: freeholdDb }] });

// eject: part of "runExecutionToken" is config you set (db-role-job-runExecutionToken): Freehold made it from
// other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
// eject: "template" was also made from db-admin-secret-version; the value below is right, but no longer waits
// for it.
const dbRoleJob = new cloudrunv2.Job("db-role-job", {
  deletionProtection: false,
  labels,
  launchStage: "GA",
  location: region,
  name: "crown-marketplace-dev-db-dbrole",
  runExecutionToken: dbRoleJobRunExecutionToken,
  template: {
    taskCount: 1,
    template: {
      containers: [
        {
          args: [
            "set -eu\npsql -v ON_ERROR_STOP=1 -v app_user=\"$APP_USER\" -v app_password=\"$APP_PASSWORD\" -v db=\"$PGDATABASE\" <<'SQL'\nSELECT format('CREATE ROLE %I LOGIN', :'app_user') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_user') \\gexec\nSELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'app_user', :'app_password') \\gexec\n\\set ON_ERROR_STOP 0\nSELECT format('REVOKE cloudsqlsuperuser FROM %I', :'app_user') WHERE pg_has_role(:'app_user', 'cloudsqlsuperuser', 'MEMBER') \\gexec\n\\set ON_ERROR_STOP 1\nSELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', :'db', :'app_user') \\gexec\nSELECT format('GRANT USAGE, CREATE ON SCHEMA public TO %I', :'app_user') \\gexec\nSQL\n",
          ],
          commands: ["/bin/sh", "-c"],
          envs: [
            { name: "PGHOST", value: dbEndpointAddress.address },
            { name: "PGPORT", value: "5432" },
            { name: "PGDATABASE", value: dbDatabase.name },
            { name: "PGUSER", value: "freehold_admin" },
            { name: "PGSSLMODE", value: "require" },
            { name: "APP_USER", value: "app" },
            {
              name: "PGPASSWORD",
              valueSource: { secretKeyRef: { secret: dbAdminSecret.secretId, version: dbSecretVersion.version } },
            },
            {
              name: "APP_PASSWORD",
              valueSource: { secretKeyRef: { secret: dbSecret.secretId, version: dbSecretVersion.version } },
            },
          ],
          image: "postgres:17-alpine",
          resources: { limits: { cpu: "1", memory: "512Mi" } },
        },
      ],
      maxRetries: 3,
      serviceAccount: dbRoleJobAccount.email,
      timeout: "300s",
      vpcAccess: {
        egress: "PRIVATE_RANGES_ONLY",
        networkInterfaces: [{ network: network.name, subnetwork: subnet.name }],
      },
    },
  },
}, {
  dependsOn: [dbDatabase, dbAdminUser, dbRoleJobGrantsSettled, apiRunReady, subnetAddressRelease],
  aliases: [{ parent: freeholdDb }],
});

// ---- uploads (ObjectStore) -------------------------------------------------------------------------------
// uploads: object-store on Cloud Storage.
// Was Freehold's ObjectStore "uploads" (freehold:index:ObjectStore).

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
  ],
  location: "EUROPE-WEST2",
  name: "crown-marketplace-dev-uploads-2u5z7m",
  publicAccessPrevention: "enforced",
  softDeletePolicy: { retentionDurationSeconds: 604800 },
  storageClass: "STANDARD",
  uniformBucketLevelAccess: true,
  versioning: { enabled: true },
}, { protect: true, retainOnDelete: true, dependsOn: [apiStorage], aliases: [{ parent: freeholdUploads }] });

// ---- web (WebService) ------------------------------------------------------------------------------------
// web: web-service on Cloud Run, cpu=1 memory=2048Mi. Size: smallest Cloud Run size with >= 1 vCPU and >= 2 GiB.
// Was Freehold's WebService "web" (freehold:index:WebService).

const webAccount = new serviceaccount.Account("web-account", {
  accountId: "crown-marketplace-dev-web",
  description: "Identity of one Freehold web service; holds only its links' grants",
  displayName: "Freehold crown-marketplace-dev/web",
}, { dependsOn: [apiIam], aliases: [{ parent: freeholdWeb }] });

const webDbSecretAccess = new secretmanager.SecretIamMember("web-db-secret-access", { member: webAccount.member, role: "roles/secretmanager.secretAccessor", secretId: dbSecret.secretId }, { aliases: [{ parent: freeholdWeb }] });

const webDbSqlClient = new projects.IAMMember("web-db-sql-client", {
  condition: {
    description: pulumi.interpolate`Only Cloud SQL instance ${dbInstance.name}`,
    expression: pulumi.interpolate`resource.name == 'projects/${webAccount.project}/instances/${dbInstance.name}' && resource.type == 'sqladmin.googleapis.com/Instance'`,
    title: pulumi.interpolate`freehold-${dbInstance.name}`,
  },
  member: webAccount.member,
  project: webAccount.project,
  role: "roles/cloudsql.client",
}, { aliases: [{ parent: freeholdWeb }] });

const webUploadsAccess = new storage.BucketIAMMember("web-uploads-access", { bucket: uploadsBucket.name, member: webAccount.member, role: "roles/storage.objectUser" }, { aliases: [{ parent: freeholdWeb }] });

const webUploadsBucketReader = new storage.BucketIAMMember("web-uploads-bucket-reader", { bucket: uploadsBucket.name, member: webAccount.member, role: "roles/storage.legacyBucketReader" }, { aliases: [{ parent: freeholdWeb }] });

const webUrlSigner = new serviceaccount.IAMMember("web-url-signer", { member: webAccount.member, role: urlSignerRole.name, serviceAccountId: webAccount.name }, { aliases: [{ parent: freeholdWeb }] });

const webGrantsSettled = new Sleep("web-grants-settled", {
  createDuration: "420s",
  triggers: {
    grants: pulumi.interpolate`${webDbSecretAccess.id},${webDbSqlClient.id},${webUploadsAccess.id},${webUploadsBucketReader.id},${webUrlSigner.id}`,
  },
}, {
  dependsOn: [webDbSqlClient, webDbSecretAccess, webUrlSigner, webUploadsAccess, webUploadsBucketReader],
  aliases: [{ parent: freeholdWeb }],
});

const webService = new cloudrunv2.Service("web-service", {
  deletionProtection: false,
  ingress: "INGRESS_TRAFFIC_ALL",
  labels,
  launchStage: "GA",
  location: region,
  name: "crown-marketplace-dev-web",
  template: {
    containers: [
      {
        envs: [
          { name: "NODE_ENV", value: "production" },
          { name: "DATABASE_HOST", value: dbEndpointAddress.address },
          { name: "DATABASE_PORT", value: "5432" },
          { name: "DATABASE_NAME", value: dbDatabase.name },
          { name: "DATABASE_USER", value: "app" },
          { name: "DATABASE_SSLMODE", value: "require" },
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
      },
    ],
    executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
    scaling: { maxInstanceCount: 10, minInstanceCount: 2 },
    serviceAccount: webAccount.email,
    vpcAccess: {
      egress: "PRIVATE_RANGES_ONLY",
      networkInterfaces: [{ network: network.name, subnetwork: subnet.name }],
    },
  },
}, {
  dependsOn: [dbRoleJob, apiCompute, apiRun, apiRunReady, subnetAddressRelease, webGrantsSettled],
  aliases: [{ parent: freeholdWeb }],
});

// eject: "location" was also made from web-service; the value below is right, but no longer waits for it.
const webPublicInvoker = new cloudrunv2.ServiceIamMember("web-public-invoker", { location: region, member: "allUsers", name: webService.name, role: "roles/run.invoker" }, { aliases: [{ parent: freeholdWeb }] });

// ---- worker (WebService) ---------------------------------------------------------------------------------
// worker: web-service on Cloud Run, cpu=1 memory=1024Mi. Size: smallest Cloud Run size with >= 0.5 vCPU and >= 1
// GiB; 0.5 vCPU raised to 1: Cloud Run allows less than 1 vCPU only with concurrency 1 and the first-generation
// environment.
// Was Freehold's WebService "worker" (freehold:index:WebService).

const workerAccount = new serviceaccount.Account("worker-account", {
  accountId: "crown-marketplace-dev-worker",
  description: "Identity of one Freehold web service; holds only its links' grants",
  displayName: "Freehold crown-marketplace-dev/worker",
}, { dependsOn: [apiIam], aliases: [{ parent: freeholdWorker }] });

const workerDbSecretAccess = new secretmanager.SecretIamMember("worker-db-secret-access", { member: workerAccount.member, role: "roles/secretmanager.secretAccessor", secretId: dbSecret.secretId }, { aliases: [{ parent: freeholdWorker }] });

const workerDbSqlClient = new projects.IAMMember("worker-db-sql-client", {
  condition: {
    description: pulumi.interpolate`Only Cloud SQL instance ${dbInstance.name}`,
    expression: pulumi.interpolate`resource.name == 'projects/${workerAccount.project}/instances/${dbInstance.name}' && resource.type == 'sqladmin.googleapis.com/Instance'`,
    title: pulumi.interpolate`freehold-${dbInstance.name}`,
  },
  member: workerAccount.member,
  project: workerAccount.project,
  role: "roles/cloudsql.client",
}, { aliases: [{ parent: freeholdWorker }] });

const workerUploadsAccess = new storage.BucketIAMMember("worker-uploads-access", { bucket: uploadsBucket.name, member: workerAccount.member, role: "roles/storage.objectViewer" }, { aliases: [{ parent: freeholdWorker }] });

const workerUploadsBucketReader = new storage.BucketIAMMember("worker-uploads-bucket-reader", { bucket: uploadsBucket.name, member: workerAccount.member, role: "roles/storage.legacyBucketReader" }, { aliases: [{ parent: freeholdWorker }] });

const workerUrlSigner = new serviceaccount.IAMMember("worker-url-signer", { member: workerAccount.member, role: urlSignerRole.name, serviceAccountId: workerAccount.name }, { aliases: [{ parent: freeholdWorker }] });

const workerGrantsSettled = new Sleep("worker-grants-settled", {
  createDuration: "420s",
  triggers: {
    grants: pulumi.interpolate`${workerDbSecretAccess.id},${workerDbSqlClient.id},${workerUploadsAccess.id},${workerUploadsBucketReader.id},${workerUrlSigner.id}`,
  },
}, {
  dependsOn: [workerDbSqlClient, workerDbSecretAccess, workerUrlSigner, workerUploadsAccess, workerUploadsBucketReader],
  aliases: [{ parent: freeholdWorker }],
});

const workerService = new cloudrunv2.Service("worker-service", {
  deletionProtection: false,
  ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY",
  labels,
  launchStage: "GA",
  location: region,
  name: "crown-marketplace-dev-worker",
  template: {
    containers: [
      {
        envs: [
          { name: "DATABASE_HOST", value: dbEndpointAddress.address },
          { name: "DATABASE_PORT", value: "5432" },
          { name: "DATABASE_NAME", value: dbDatabase.name },
          { name: "DATABASE_USER", value: "app" },
          { name: "DATABASE_SSLMODE", value: "require" },
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
        livenessProbe: {
          failureThreshold: 3,
          httpGet: { path: "/healthz", port: 8080 },
          periodSeconds: 30,
          timeoutSeconds: 5,
        },
        ports: { containerPort: 8080 },
        resources: { cpuIdle: true, limits: { cpu: "1", memory: "1024Mi" } },
        startupProbe: {
          failureThreshold: 12,
          httpGet: { path: "/healthz", port: 8080 },
          periodSeconds: 10,
          timeoutSeconds: 5,
        },
      },
    ],
    executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
    scaling: { maxInstanceCount: 4, minInstanceCount: 1 },
    serviceAccount: workerAccount.email,
    vpcAccess: {
      egress: "PRIVATE_RANGES_ONLY",
      networkInterfaces: [{ network: network.name, subnetwork: subnet.name }],
    },
  },
}, {
  dependsOn: [dbRoleJob, apiCompute, apiRun, apiRunReady, subnetAddressRelease, workerGrantsSettled],
  aliases: [{ parent: freeholdWorker }],
});

// ---- Stack outputs, as Freehold exported them -----------------------------------------------------

export const db = {
  host: dbEndpointAddress.address,
  port: 5432,
  databaseName: "app",
  connectionString: pulumi.secret(pulumi.interpolate`postgres://app:${dbPassword.result}@${dbEndpointAddress.address}:5432/app?sslmode=require`),
};
export const uploads = { bucketName: uploadsBucket.name, endpoint: "https://storage.googleapis.com" };
export const web = { url: webService.uri };
export const worker = { url: workerService.uri };
