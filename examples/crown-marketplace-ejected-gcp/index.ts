// crown-marketplace on Google Cloud, Pulumi stack "dev": a plain Pulumi program written by `freehold eject` from
// examples/crown-marketplace/freehold.yaml.
// It registers the cloud resources Freehold registered for this stack, with the same types, names, inputs and
// options. See README.md.

import * as pulumi from "@pulumi/pulumi";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as compute from "@pulumi/gcp/compute";
import * as projects from "@pulumi/gcp/projects";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as servicenetworking from "@pulumi/gcp/servicenetworking";
import * as sql from "@pulumi/gcp/sql";
import * as storage from "@pulumi/gcp/storage";
import { RandomPassword } from "@pulumi/random/randomPassword";

// Values you may change, with their defaults in Pulumi.yaml (`pulumi config set <key> <value>`).
const config = new pulumi.Config();
const region = config.require("region");
const dbSize = config.require("db-size");
const webImage = config.require("web-image");
const workerImage = config.require("worker-image");

// The labels 5 resources below carry alike; each adds its own.
const labels = {
  "freehold-stack": "crown-marketplace",
  "managed-by": "freehold",
  owner: "digital-marketplace-team",
  "pulumi-stack": "dev",
  service: "crown-marketplace",
};

// Physical names (buckets, servers, roles) are those of Pulumi stack "dev": this program is for that stack only.
const stack = pulumi.getStack();
if (stack !== "dev") {
  throw new pulumi.RunError(`This program was ejected from Freehold for Pulumi stack "dev" and holds that stack's resource names; for stack ${stack}, eject again with --stack ${stack}.`);
}

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

// ---- Shared platform -------------------------------------------------------------------------------------
// What every component of the stack shares (network, logs, cluster...). Was Freehold's Platform
// "crown-marketplace" (freehold:index:Platform).

const apiCompute = new projects.Service("crown-marketplace-api-compute", { disableDependentServices: false, disableOnDestroy: false, service: "compute.googleapis.com" }, { aliases: [{ parent: freeholdPlatform }] });

const network = new compute.Network("crown-marketplace-network", {
  autoCreateSubnetworks: false,
  description: "Freehold stack crown-marketplace",
  name: "crown-marketplace-dev-network",
  routingMode: "REGIONAL",
}, { retainOnDelete: true, dependsOn: [apiCompute], aliases: [{ parent: freeholdPlatform }] });

const subnet = new compute.Subnetwork("crown-marketplace-subnet", {
  ipCidrRange: "10.10.0.0/20",
  name: `crown-marketplace-dev-${region}`,
  network: network.id,
  privateIpGoogleAccess: true,
  region: region,
  stackType: "IPV4_ONLY",
}, { aliases: [{ parent: freeholdPlatform }] });

const privateServicesRange = new compute.GlobalAddress("crown-marketplace-private-services-range", {
  addressType: "INTERNAL",
  labels: labels,
  name: "crown-marketplace-dev-private-services",
  network: network.id,
  prefixLength: 16,
  purpose: "VPC_PEERING",
}, { retainOnDelete: true, aliases: [{ parent: freeholdPlatform }] });

const apiServicenetworking = new projects.Service("crown-marketplace-api-servicenetworking", { disableDependentServices: false, disableOnDestroy: false, service: "servicenetworking.googleapis.com" }, { aliases: [{ parent: freeholdPlatform }] });

const privateServices = new servicenetworking.Connection("crown-marketplace-private-services", {
  network: network.id,
  reservedPeeringRanges: [privateServicesRange.name],
  service: "servicenetworking.googleapis.com",
}, { retainOnDelete: true, dependsOn: [apiServicenetworking], aliases: [{ parent: freeholdPlatform }] });

const apiSqladmin = new projects.Service("crown-marketplace-api-sqladmin", { disableDependentServices: false, disableOnDestroy: false, service: "sqladmin.googleapis.com" }, { aliases: [{ parent: freeholdPlatform }] });

const apiSecretmanager = new projects.Service("crown-marketplace-api-secretmanager", { disableDependentServices: false, disableOnDestroy: false, service: "secretmanager.googleapis.com" }, { aliases: [{ parent: freeholdPlatform }] });

const apiStorage = new projects.Service("crown-marketplace-api-storage", { disableDependentServices: false, disableOnDestroy: false, service: "storage.googleapis.com" }, { aliases: [{ parent: freeholdPlatform }] });

const apiIam = new projects.Service("crown-marketplace-api-iam", { disableDependentServices: false, disableOnDestroy: false, service: "iam.googleapis.com" }, { aliases: [{ parent: freeholdPlatform }] });

const apiResourcemanager = new projects.Service("crown-marketplace-api-resourcemanager", { disableDependentServices: false, disableOnDestroy: false, service: "cloudresourcemanager.googleapis.com" }, { aliases: [{ parent: freeholdPlatform }] });

const apiRun = new projects.Service("crown-marketplace-api-run", { disableDependentServices: false, disableOnDestroy: false, service: "run.googleapis.com" }, { aliases: [{ parent: freeholdPlatform }] });

// ---- db (Database) ---------------------------------------------------------------------------------------
// db: database on Cloud SQL for PostgreSQL, db-custom-2-8192. Size: smallest Cloud SQL Enterprise custom tier
// with >= 2 vCPU and >= 8 GiB, regional (primary and standby).
// Was Freehold's Database "db" (freehold:index:Database).

const dbInstance = new sql.DatabaseInstance("db-instance", {
  databaseVersion: "POSTGRES_16",
  deletionProtection: true,
  name: "crown-marketplace-dev-db",
  region: region,
  settings: {
    availabilityType: "REGIONAL",
    backupConfiguration: {
      backupRetentionSettings: { retainedBackups: 14, retentionUnit: "COUNT" },
      enabled: true,
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
      allocatedIpRange: privateServicesRange.name,
      ipv4Enabled: false,
      privateNetwork: network.id,
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
  dependsOn: [apiSqladmin, privateServices],
  ignoreChanges: ["settings.diskSize"],
  aliases: [{ parent: freeholdDb }],
});

const dbDatabase = new sql.Database("db-database", { instance: dbInstance.name, name: "app" }, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbPassword = new RandomPassword("db-password", { length: 32, minLower: 1, minNumeric: 1, minUpper: 1, special: false }, { aliases: [{ parent: freeholdDb }] });

const dbUser = new sql.User("db-user", {
  deletionPolicy: "ABANDON",
  instance: dbInstance.name,
  name: "app",
  password: pulumi.secret(dbPassword.result),
}, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbSecret = new secretmanager.Secret("db-secret", {
  labels: labels,
  replication: { userManaged: { replicas: [{ location: region }] } },
  secretId: "crown-marketplace-dev-db-db-password",
}, { protect: true, retainOnDelete: true, dependsOn: [apiSecretmanager], aliases: [{ parent: freeholdDb }] });

const dbSecretVersion = new secretmanager.SecretVersion("db-secret-version", { secret: dbSecret.id, secretData: pulumi.secret(dbPassword.result) }, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

// ---- uploads (ObjectStore) -------------------------------------------------------------------------------
// uploads: object-store on Cloud Storage.
// Was Freehold's ObjectStore "uploads" (freehold:index:ObjectStore).

const uploadsBucket = new storage.Bucket("uploads-bucket", {
  cors: [{ maxAgeSeconds: 3600, methods: ["GET", "PUT"], origins: ["https://marketplace.example.gov.uk"] }],
  forceDestroy: false,
  labels: labels,
  lifecycleRules: [
    { action: { type: "Delete" }, condition: { age: 7, matchesPrefixes: ["tmp/"] } },
    { action: { type: "Delete" }, condition: { age: 90, matchesPrefixes: ["logs/"] } },
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
    description: "Only Cloud SQL instance crown-marketplace-dev-db",
    expression: pulumi.interpolate`resource.name == 'projects/${webAccount.project}/instances/crown-marketplace-dev-db' && resource.type == 'sqladmin.googleapis.com/Instance'`,
    title: "freehold-crown-marketplace-dev-db",
  },
  member: webAccount.member,
  project: webAccount.project,
  role: "roles/cloudsql.client",
}, { dependsOn: [apiResourcemanager], aliases: [{ parent: freeholdWeb }] });

const webUploadsAccess = new storage.BucketIAMMember("web-uploads-access", { bucket: uploadsBucket.name, member: webAccount.member, role: "roles/storage.objectUser" }, { aliases: [{ parent: freeholdWeb }] });

const webService = new cloudrunv2.Service("web-service", {
  deletionProtection: false,
  ingress: "INGRESS_TRAFFIC_ALL",
  labels: labels,
  launchStage: "GA",
  location: region,
  name: "crown-marketplace-dev-web",
  template: {
    containers: [
      {
        envs: [
          { name: "NODE_ENV", value: "production" },
          { name: "DATABASE_HOST", value: dbInstance.firstIpAddress },
          { name: "DATABASE_PORT", value: "5432" },
          { name: "DATABASE_NAME", value: dbDatabase.name },
          { name: "DATABASE_USER", value: dbUser.name },
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
          failureThreshold: 18,
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
  dependsOn: [apiCompute, apiRun, webDbSqlClient, webDbSecretAccess, webUploadsAccess],
  aliases: [{ parent: freeholdWeb }],
});

const webPublicInvoker = new cloudrunv2.ServiceIamMember("web-public-invoker", { location: webService.location, member: "allUsers", name: webService.name, role: "roles/run.invoker" }, { aliases: [{ parent: freeholdWeb }] });

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
    description: "Only Cloud SQL instance crown-marketplace-dev-db",
    expression: pulumi.interpolate`resource.name == 'projects/${workerAccount.project}/instances/crown-marketplace-dev-db' && resource.type == 'sqladmin.googleapis.com/Instance'`,
    title: "freehold-crown-marketplace-dev-db",
  },
  member: workerAccount.member,
  project: workerAccount.project,
  role: "roles/cloudsql.client",
}, { dependsOn: [apiResourcemanager], aliases: [{ parent: freeholdWorker }] });

const workerUploadsAccess = new storage.BucketIAMMember("worker-uploads-access", { bucket: uploadsBucket.name, member: workerAccount.member, role: "roles/storage.objectViewer" }, { aliases: [{ parent: freeholdWorker }] });

const workerService = new cloudrunv2.Service("worker-service", {
  deletionProtection: false,
  ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY",
  labels: labels,
  launchStage: "GA",
  location: region,
  name: "crown-marketplace-dev-worker",
  template: {
    containers: [
      {
        envs: [
          { name: "DATABASE_HOST", value: dbInstance.firstIpAddress },
          { name: "DATABASE_PORT", value: "5432" },
          { name: "DATABASE_NAME", value: dbDatabase.name },
          { name: "DATABASE_USER", value: dbUser.name },
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
          failureThreshold: 18,
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
  dependsOn: [apiCompute, apiRun, workerDbSqlClient, workerDbSecretAccess, workerUploadsAccess],
  aliases: [{ parent: freeholdWorker }],
});

// ---- Stack outputs, as Freehold exported them -----------------------------------------------------

export const db = {
  host: dbInstance.firstIpAddress,
  port: 5432,
  databaseName: "app",
  connectionString: pulumi.secret(pulumi.interpolate`postgres://app:${dbPassword.result}@${dbInstance.firstIpAddress}:5432/app?sslmode=require`),
};
export const uploads = { bucketName: uploadsBucket.name, endpoint: "https://storage.googleapis.com" };
export const web = { url: webService.uri };
export const worker = { url: workerService.uri };
