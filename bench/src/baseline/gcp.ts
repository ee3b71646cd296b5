// The Crown Marketplace on Google Cloud, written directly against @pulumi/gcp: Cloud Run,
// Cloud SQL for PostgreSQL on private IP, Cloud Storage, Secret Manager for the password.
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as compute from "@pulumi/gcp/compute";
import * as projects from "@pulumi/gcp/projects";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as servicenetworking from "@pulumi/gcp/servicenetworking";
import * as sql from "@pulumi/gcp/sql";
import * as storage from "@pulumi/gcp/storage";
import type * as pulumi from "@pulumi/pulumi";
import { RandomPassword } from "@pulumi/random/randomPassword";
import { hashSuffix } from "./names";

const region = "europe-west2";
const apiNames = {
  compute: "compute.googleapis.com",
  servicenetworking: "servicenetworking.googleapis.com",
  sqladmin: "sqladmin.googleapis.com",
  secretmanager: "secretmanager.googleapis.com",
  storage: "storage.googleapis.com",
  iam: "iam.googleapis.com",
  resourcemanager: "cloudresourcemanager.googleapis.com",
  run: "run.googleapis.com",
};

export interface Platform {
  stack: string;
  labels: Record<string, string>;
  apis: Record<keyof typeof apiNames, projects.Service>;
  network: compute.Network;
  subnet: compute.Subnetwork;
  range: compute.GlobalAddress;
  connection: servicenetworking.Connection;
}

export function platform(stack: string, userLabels: Record<string, string>): Platform {
  const labels = { ...userLabels, "managed-by": "freehold", "freehold-stack": stack };
  const apis = Object.fromEntries(
    Object.entries(apiNames).map(([k, service]) => [k, new projects.Service(`${stack}-api-${k}`, { service, disableOnDestroy: false, disableDependentServices: false })]),
  ) as Platform["apis"];
  const network = new compute.Network(
    `${stack}-network`,
    { name: `${stack}-network`, autoCreateSubnetworks: false, routingMode: "REGIONAL", description: `Freehold stack ${stack}` },
    { dependsOn: [apis.compute], retainOnDelete: true },
  );
  const subnet = new compute.Subnetwork(`${stack}-subnet`, {
    name: `${stack}-${region}`,
    network: network.id,
    region,
    ipCidrRange: "10.10.0.0/20",
    privateIpGoogleAccess: true,
    stackType: "IPV4_ONLY",
  });
  const range = new compute.GlobalAddress(
    `${stack}-private-services-range`,
    { name: `${stack}-private-services`, network: network.id, purpose: "VPC_PEERING", addressType: "INTERNAL", prefixLength: 16, labels },
    { retainOnDelete: true },
  );
  const connection = new servicenetworking.Connection(
    `${stack}-private-services`,
    { network: network.id, service: apiNames.servicenetworking, reservedPeeringRanges: [range.name] },
    { dependsOn: [apis.servicenetworking], retainOnDelete: true },
  );
  return { stack, labels, apis, network, subnet, range, connection };
}

export interface Db {
  name: string;
  instanceName: string;
  instance: sql.DatabaseInstance;
  database: sql.Database;
  user: sql.User;
  secret: secretmanager.Secret;
  secretVersion: secretmanager.SecretVersion;
}

export function database(p: Platform, a: { name: string; tier: string; diskGiB: number; regional: boolean; backups: number }): Db {
  const keep = { retainOnDelete: true };
  const instanceName = `${p.stack}-${a.name}`;
  const instance = new sql.DatabaseInstance(
    `${a.name}-instance`,
    {
      name: instanceName,
      region,
      databaseVersion: "POSTGRES_16",
      deletionProtection: true,
      settings: {
        edition: "ENTERPRISE",
        tier: a.tier,
        availabilityType: a.regional ? "REGIONAL" : "ZONAL",
        diskType: "PD_SSD",
        diskSize: a.diskGiB,
        diskAutoresize: true,
        deletionProtectionEnabled: true,
        ipConfiguration: { ipv4Enabled: false, privateNetwork: p.network.id, allocatedIpRange: p.range.name, sslMode: "ENCRYPTED_ONLY" },
        backupConfiguration: {
          enabled: true,
          pointInTimeRecoveryEnabled: true,
          transactionLogRetentionDays: 7,
          backupRetentionSettings: { retainedBackups: a.backups, retentionUnit: "COUNT" },
        },
        databaseFlags: [
          { name: "log_connections", value: "on" },
          { name: "log_disconnections", value: "on" },
        ],
        userLabels: p.labels,
      },
    },
    { ...keep, dependsOn: [p.connection, p.apis.sqladmin], ignoreChanges: ["settings.diskSize"] },
  );
  const database = new sql.Database(`${a.name}-database`, { name: "app", instance: instance.name }, keep);
  const password = new RandomPassword(`${a.name}-password`, { length: 32, special: false, minLower: 1, minUpper: 1, minNumeric: 1 });
  const user = new sql.User(`${a.name}-user`, { name: "app", instance: instance.name, password: password.result, deletionPolicy: "ABANDON" }, keep);
  const secret = new secretmanager.Secret(
    `${a.name}-secret`,
    { secretId: `${p.stack}-${a.name}-db-password`, replication: { userManaged: { replicas: [{ location: region }] } }, labels: p.labels },
    { ...keep, dependsOn: [p.apis.secretmanager] },
  );
  const secretVersion = new secretmanager.SecretVersion(`${a.name}-secret-version`, { secret: secret.id, secretData: password.result }, keep);
  return { name: a.name, instanceName, instance, database, user, secret, secretVersion };
}

export interface Store {
  name: string;
  bucket: storage.Bucket;
}

export function objectStore(
  p: Platform,
  a: { name: string; lifecycle: Array<{ prefix: string; days: number }>; cors: Array<{ allowedOrigins: string[]; allowedMethods: string[] }> },
): Store {
  const bucket = new storage.Bucket(
    `${a.name}-bucket`,
    {
      name: `${p.stack}-${a.name}-${hashSuffix(["", p.stack, a.name])}`,
      location: region.toUpperCase(),
      storageClass: "STANDARD",
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      softDeletePolicy: { retentionDurationSeconds: 7 * 24 * 3600 },
      forceDestroy: false,
      lifecycleRules: a.lifecycle.map((r) => ({ action: { type: "Delete" }, condition: { age: r.days, matchesPrefixes: [r.prefix] } })),
      cors: a.cors.map((c) => ({ origins: c.allowedOrigins, methods: c.allowedMethods, maxAgeSeconds: 3600 })),
      labels: p.labels,
    },
    { dependsOn: [p.apis.storage], retainOnDelete: true },
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

export function webService(p: Platform, a: WebArgs): pulumi.Output<string> {
  const account = new serviceaccount.Account(
    `${a.name}-account`,
    { accountId: `${p.stack}-${a.name}`, displayName: `Freehold ${p.stack}/${a.name}`, description: "Identity of one Freehold web service; holds only its links' grants" },
    { dependsOn: [p.apis.iam] },
  );
  const instance = `${a.db.instanceName}`;
  const grants = [
    new secretmanager.SecretIamMember(`${a.name}-${a.db.name}-secret-access`, { secretId: a.db.secret.secretId, role: "roles/secretmanager.secretAccessor", member: account.member }),
    new projects.IAMMember(
      `${a.name}-${a.db.name}-sql-client`,
      {
        project: account.project,
        role: "roles/cloudsql.client",
        member: account.member,
        condition: account.project.apply((project) => ({
          title: `freehold-${instance}`,
          description: `Only Cloud SQL instance ${instance}`,
          expression: `resource.name == 'projects/${project}/instances/${instance}' && resource.type == 'sqladmin.googleapis.com/Instance'`,
        })),
      },
      { dependsOn: [p.apis.resourcemanager] },
    ),
    new storage.BucketIAMMember(`${a.name}-${a.store.name}-access`, {
      bucket: a.store.bucket.name,
      role: a.storeAccess === "read" ? "roles/storage.objectViewer" : "roles/storage.objectUser",
      member: account.member,
    }),
  ];
  const httpGet = { path: a.healthPath, port: 8080 };
  const service = new cloudrunv2.Service(
    `${a.name}-service`,
    {
      name: `${p.stack}-${a.name}`,
      location: region,
      ingress: a.public ? "INGRESS_TRAFFIC_ALL" : "INGRESS_TRAFFIC_INTERNAL_ONLY",
      launchStage: "GA",
      deletionProtection: false,
      labels: p.labels,
      template: {
        serviceAccount: account.email,
        executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
        scaling: { minInstanceCount: a.min, maxInstanceCount: a.max },
        vpcAccess: { networkInterfaces: [{ network: p.network.name, subnetwork: p.subnet.name }], egress: "PRIVATE_RANGES_ONLY" },
        containers: [
          {
            image: a.image,
            ports: { containerPort: 8080 },
            resources: { limits: { cpu: "1", memory: a.memory }, cpuIdle: true },
            envs: [
              ...Object.entries(a.env).map(([name, value]) => ({ name, value })),
              { name: "DATABASE_HOST", value: a.db.instance.privateIpAddress },
              { name: "DATABASE_PORT", value: "5432" },
              { name: "DATABASE_NAME", value: a.db.database.name },
              { name: "DATABASE_USER", value: a.db.user.name },
              { name: "DATABASE_SSLMODE", value: "require" },
              { name: "OBJECT_STORE_PROVIDER", value: "gcs" },
              { name: "OBJECT_STORE_BUCKET", value: a.store.bucket.name },
              { name: "OBJECT_STORE_ENDPOINT", value: "https://storage.googleapis.com" },
              { name: "OBJECT_STORE_ACCESS", value: a.storeAccess },
              { name: "DATABASE_PASSWORD", valueSource: { secretKeyRef: { secret: a.db.secret.secretId, version: a.db.secretVersion.version } } },
            ],
            startupProbe: { httpGet, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 18 },
            livenessProbe: { httpGet, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
          },
        ],
      },
    },
    { dependsOn: [p.apis.run, p.apis.compute, ...grants] },
  );
  if (a.public) {
    new cloudrunv2.ServiceIamMember(`${a.name}-public-invoker`, { name: service.name, location: service.location, role: "roles/run.invoker", member: "allUsers" });
  }
  return service.uri;
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
  webService(p, {
    name: "worker", image: "ghcr.io/example/marketplace-worker:1.4.2", memory: "1024Mi", min: 1, max: 4, public: false,
    healthPath: "/healthz", env: {}, db, store: uploads, storeAccess: "read",
  });
  return { url, bucket: uploads.bucket.name, databaseHost: db.instance.privateIpAddress };
}
