// The Crown Marketplace on Azure, written directly against @pulumi/azure-native: Container Apps,
// PostgreSQL flexible server with a least-privilege application role (created by a one-off container
// in the network), Blob Storage kept by a deny-delete policy, Key Vault for the passwords.
import * as app from "@pulumi/azure-native/app";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerinstance from "@pulumi/azure-native/containerinstance";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as time from "@pulumiverse/time";
import { roleJobCommand, roleSetupSql, scramVerifier } from "@freehold/core/database-roles";
import { fitName, guid, unique } from "./names";

const location = "uksouth";
/** A new role assignment can take up to ten minutes to apply. */
const rbacPropagation = "600s";
/** Storage accounts tagged on are kept by the keep-data policy. */
const protectionTag = "freehold-deletion-protection";

export interface Platform {
  /** The stack's name: shared resources' logical names. */
  stack: string;
  /** Physical names: the stack's name and the Pulumi stack's. */
  prefix: string;
  tags: Record<string, string>;
  rg: pulumi.Output<string>;
  subscriptionId: pulumi.Output<string>;
  vault: keyvault.Vault;
  environment: app.ManagedEnvironment;
  dnsZone: privatedns.PrivateZone;
  dnsLink: privatedns.VirtualNetworkLink;
  dbSubnetId: pulumi.Output<string>;
  jobsSubnetId: pulumi.Output<string>;
}

export function platform(stack: string, userTags: Record<string, string>): Platform {
  const pulumiStack = pulumi.getStack();
  const prefix = `${stack}-${pulumiStack}`;
  const tags = { ...userTags, "managed-by": "freehold", "freehold-stack": stack, "pulumi-stack": pulumiStack };
  const group = new resources.ResourceGroup(`${stack}-rg`, { resourceGroupName: fitName([prefix, "rg"], 90), location, tags });
  const rg = group.name;
  const vnetName = fitName([prefix, "vnet"], 64);
  const delegation = (serviceName: string) => [{ name: serviceName.replace(/[/.]/g, "-"), serviceName }];
  const vnet = new network.VirtualNetwork(`${stack}-vnet`, {
    resourceGroupName: rg,
    location,
    tags,
    virtualNetworkName: vnetName,
    addressSpace: { addressPrefixes: ["10.42.0.0/16"] },
    subnets: [
      { name: "apps", addressPrefix: "10.42.0.0/23", delegations: delegation("Microsoft.App/environments") },
      {
        name: "postgres",
        addressPrefix: "10.42.2.0/24",
        defaultOutboundAccess: false,
        serviceEndpoints: [{ service: "Microsoft.Storage" }],
        delegations: delegation("Microsoft.DBforPostgreSQL/flexibleServers"),
      },
      { name: "jobs", addressPrefix: "10.42.3.0/27", delegations: delegation("Microsoft.ContainerInstance/containerGroups") },
    ],
  });
  const client = authorization.getClientConfigOutput();
  const dnsZone = new privatedns.PrivateZone(`${stack}-pgdns`, { resourceGroupName: rg, location: "global", tags, privateZoneName: `${prefix}.private.postgres.database.azure.com` });
  const dnsLink = new privatedns.VirtualNetworkLink(`${stack}-pgdns-link`, {
    resourceGroupName: rg,
    location: "global",
    tags,
    privateZoneName: dnsZone.name,
    virtualNetworkLinkName: `${vnetName}-link`,
    virtualNetwork: { id: vnet.id },
    registrationEnabled: false,
  });
  keepDataPolicy(stack, prefix, group, client.subscriptionId);
  return {
    stack,
    prefix,
    tags,
    rg,
    subscriptionId: client.subscriptionId,
    vault: vault(stack, prefix, rg, tags, client.tenantId),
    environment: environment(stack, prefix, rg, tags, pulumi.interpolate`${vnet.id}/subnets/apps`),
    dnsZone,
    dnsLink,
    dbSubnetId: pulumi.interpolate`${vnet.id}/subnets/postgres`,
    jobsSubnetId: pulumi.interpolate`${vnet.id}/subnets/jobs`,
  };
}

/** The Container Apps environment (Consumption, zone-redundant, on the apps subnet), logging to Log Analytics. */
function environment(stack: string, prefix: string, rg: pulumi.Output<string>, tags: Record<string, string>, subnetId: pulumi.Output<string>): app.ManagedEnvironment {
  const workspace = new operationalinsights.Workspace(`${stack}-logs`, {
    resourceGroupName: rg,
    location,
    tags,
    workspaceName: fitName([prefix, "logs"], 63),
    sku: { name: "PerGB2018" },
    retentionInDays: 30,
  });
  const keys = operationalinsights.getSharedKeysOutput({ resourceGroupName: rg, workspaceName: workspace.name });
  return new app.ManagedEnvironment(`${stack}-env`, {
    resourceGroupName: rg,
    location,
    tags,
    environmentName: fitName([prefix, "env"], 32),
    workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
    vnetConfiguration: { infrastructureSubnetId: subnetId, internal: false },
    zoneRedundant: true,
    peerTrafficConfiguration: { encryption: { enabled: true } },
    appLogsConfiguration: {
      destination: "log-analytics",
      logAnalyticsConfiguration: { customerId: workspace.customerId, sharedKey: pulumi.secret(keys.apply((k) => k.primarySharedKey ?? "")) },
    },
  });
}

/** The stack's Key Vault (RBAC, purge protection); a random suffix, since a deleted vault keeps its name for 90 days. */
function vault(stack: string, prefix: string, rg: pulumi.Output<string>, tags: Record<string, string>, tenantId: pulumi.Output<string>): keyvault.Vault {
  const suffix = new random.RandomString(`${stack}-vault-suffix`, { length: 6, special: false, upper: false, numeric: true, lower: true, keepers: { location } });
  return new keyvault.Vault(`${stack}-vault`, {
    resourceGroupName: rg,
    location,
    tags,
    vaultName: pulumi.interpolate`${unique([prefix, "kv"], 17)}-${suffix.result}`,
    properties: {
      tenantId,
      sku: { family: "A", name: "standard" },
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: true,
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      networkAcls: { bypass: "AzureServices", defaultAction: "Allow" },
    },
  });
}

/** A denyAction policy on the resource group: storage accounts tagged on (and the group) cannot be deleted. */
function keepDataPolicy(stack: string, prefix: string, group: resources.ResourceGroup, subscriptionId: pulumi.Output<string>): void {
  const definition = new authorization.PolicyDefinition(`${stack}-keep-data`, {
    policyDefinitionName: pulumi.all([subscriptionId, group.name]).apply(([sub, rg]) => guid("freehold-keep-data", sub, rg, prefix)),
    policyType: "Custom",
    mode: "Indexed",
    displayName: pulumi.interpolate`Freehold: keep deletion-protected data (${group.name})`,
    description: `Denies deleting storage accounts tagged ${protectionTag}=on, and deleting their resource group. Set deletionProtection: false and deploy to lift it.`,
    metadata: { category: "Freehold" },
    policyRule: {
      if: { allOf: [{ field: "type", equals: "Microsoft.Storage/storageAccounts" }, { field: `tags['${protectionTag}']`, equals: "on" }] },
      // biome-ignore lint/suspicious/noThenProperty: Azure Policy's rule format names its effect "then".
      then: { effect: "denyAction", details: { actionNames: ["delete"], cascadeBehaviors: { resourceGroup: "deny" } } },
    },
  });
  new authorization.PolicyAssignment(`${stack}-keep-data`, {
    policyAssignmentName: fitName([prefix, "keep-data"], 64),
    scope: group.id,
    policyDefinitionId: definition.id,
    displayName: "Freehold: keep deletion-protected data",
    description: "Deleting a storage account Freehold protects (or its resource group) is denied while its deletionProtection is on.",
    enforcementMode: "Default",
  });
}

interface VaultSecret {
  secret: keyvault.Secret;
  url: pulumi.Output<string>;
}

/** A password in the vault, named `<base>-<random>` so that a deleted (kept) secret never blocks its successor. */
function vaultSecret(p: Platform, logical: string, base: string, value: pulumi.Output<string>, contentType: string): VaultSecret {
  const suffix = new random.RandomString(`${logical}-suffix`, { length: 6, special: false, upper: false, numeric: true, lower: true });
  const secretName = pulumi.interpolate`${base}-${suffix.result}`;
  const secret = new keyvault.Secret(
    logical,
    { resourceGroupName: p.rg, vaultName: p.vault.name, secretName, tags: { ...p.tags, "freehold-secret": base }, properties: pulumi.secret({ value, contentType }) },
    { protect: true, retainOnDelete: true },
  );
  return { secret, url: pulumi.interpolate`https://${p.vault.name}.vault.azure.net/secrets/${secretName}` };
}

const generatedPassword = (name: string) => new random.RandomPassword(name, { length: 32, special: false, minUpper: 2, minLower: 2, minNumeric: 2 });

export interface Db {
  name: string;
  host: string;
  /** The application role's password: what linked services read. */
  appSecret: VaultSecret;
}

export interface DbArgs {
  name: string;
  sku: string;
  tier: string;
  storageGB: number;
  highAvailability: boolean;
  backupDays: number;
}

export function database(p: Platform, a: DbArgs): Db {
  const keep = { protect: true, retainOnDelete: true };
  const adminPassword = pulumi.secret(generatedPassword(`${a.name}-password`).result);
  vaultSecret(p, `${a.name}-secret`, `${a.name}-admin-password`, adminPassword, "PostgreSQL password of app_admin");
  const serverName = unique([p.prefix, a.name], 63);
  const server = new dbforpostgresql.Server(
    `${a.name}-server`,
    {
      resourceGroupName: p.rg,
      location,
      tags: p.tags,
      serverName,
      version: "16",
      sku: { name: a.sku, tier: a.tier },
      storage: { storageSizeGB: a.storageGB, autoGrow: "Enabled" },
      administratorLogin: "app_admin",
      administratorLoginPassword: adminPassword,
      authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Disabled" },
      network: { delegatedSubnetResourceId: p.dbSubnetId, privateDnsZoneArmResourceId: p.dnsZone.id, publicNetworkAccess: "Disabled" },
      backup: { backupRetentionDays: a.backupDays, geoRedundantBackup: "Disabled" },
      highAvailability: { mode: a.highAvailability ? "ZoneRedundant" : "Disabled" },
    },
    // Auto-grow owns the disk size once the server exists.
    { ...keep, dependsOn: [p.dnsLink], ignoreChanges: ["storage.storageSizeGB"] },
  );
  const tls = new dbforpostgresql.Configuration(
    `${a.name}-tls`,
    { resourceGroupName: p.rg, serverName: server.name, configurationName: "require_secure_transport", value: "on", source: "user-override" },
    { retainOnDelete: true },
  );
  const database = new dbforpostgresql.Database(
    `${a.name}-database`,
    { resourceGroupName: p.rg, serverName: server.name, databaseName: "app", charset: "UTF8", collation: "en_US.utf8" },
    { ...keep, dependsOn: [tls] },
  );
  new authorization.ManagementLockByScope(
    `${a.name}-lock`,
    { scope: server.id, level: "CanNotDelete", lockName: "freehold-deletion-protection", notes: "Freehold deletionProtection: set deletionProtection: false and deploy to lift this lock." },
    { dependsOn: [database] },
  );
  const host = `${serverName}.postgres.database.azure.com`;
  return { name: a.name, host, appSecret: applicationRole(p, a.name, host, adminPassword, database) };
}

// Run once by a one-off container as the administrator: the role model's script (the same SQL on every cloud, from
// @freehold/core's database-roles module: a string), with the read-write role's former name.
const ROLE_JOB_SCRIPT = roleJobCommand(roleSetupSql({ formerReadWriteNames: ["app_user"] }));

/** The application roles' passwords (in the vault) and the container group on the jobs subnet that creates the roles from their verifiers. */
function applicationRole(p: Platform, db: string, host: string, adminPassword: pulumi.Output<string>, database: dbforpostgresql.Database): VaultSecret {
  const role = (key: string, name: string) => {
    const password = pulumi.secret(generatedPassword(`${db}-${key}-password`).result);
    const secret = vaultSecret(p, `${db}-${key}-secret`, `${db}-${key}-password`, password, `PostgreSQL password of ${name}`);
    return { secret, verifier: pulumi.secret(password.apply((v) => scramVerifier(v))) };
  };
  const app = role("app", "app");
  const read = role("read", "app_read");
  const env = { PGHOST: host, PGPORT: "5432", PGDATABASE: "app", PGUSER: "app_admin", PGSSLMODE: "require" };
  new containerinstance.ContainerGroup(
    `${db}-roles`,
    {
      resourceGroupName: p.rg,
      location,
      tags: p.tags,
      containerGroupName: fitName([p.prefix, db, "roles"], 63),
      osType: "Linux",
      sku: "Standard",
      restartPolicy: "Never",
      subnetIds: [{ id: p.jobsSubnetId }],
      containers: [
        {
          name: "roles",
          image: "postgres:17-alpine",
          command: ["sh", "-c", ROLE_JOB_SCRIPT],
          resources: { requests: { cpu: 0.5, memoryInGB: 0.5 } },
          environmentVariables: [
            ...Object.entries(env).map(([name, value]) => ({ name, value })),
            { name: "PGPASSWORD", secureValue: adminPassword },
            { name: "FREEHOLD_APP_VERIFIER", secureValue: app.verifier },
            { name: "FREEHOLD_READ_VERIFIER", secureValue: read.verifier },
          ],
        },
      ],
    },
    { dependsOn: [database] },
  );
  return app.secret;
}

export interface Store {
  name: string;
  account: storage.StorageAccount;
  accountName: string;
  container: storage.BlobContainer;
}

export interface StoreArgs {
  name: string;
  lifecycle: Array<{ prefix: string; days: number }>;
  cors: Array<{ allowedOrigins: string[]; allowedMethods: string[] }>;
}

export function objectStore(p: Platform, a: StoreArgs): Store {
  const keep = { protect: true, retainOnDelete: true };
  const accountName = unique([p.prefix, a.name], 24, "");
  const account = new storage.StorageAccount(
    `${a.name}-account`,
    {
      resourceGroupName: p.rg,
      location,
      tags: { ...p.tags, [protectionTag]: "on" },
      accountName,
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      accessTier: "Hot",
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      allowCrossTenantReplication: false,
      isLocalUserEnabled: false,
      isSftpEnabled: false,
      encryption: { keySource: "Microsoft.Storage", requireInfrastructureEncryption: true, services: { blob: { enabled: true, keyType: "Account" } } },
    },
    keep,
  );
  const blobService = new storage.BlobServiceProperties(
    `${a.name}-blob-service`,
    {
      resourceGroupName: p.rg,
      accountName: account.name,
      blobServicesName: "default",
      isVersioningEnabled: true,
      deleteRetentionPolicy: { enabled: true, days: 7 },
      containerDeleteRetentionPolicy: { enabled: true, days: 7 },
      cors: { corsRules: a.cors.map((r) => ({ ...r, allowedHeaders: ["*"], exposedHeaders: ["ETag"], maxAgeInSeconds: 3600 })) },
    },
    { retainOnDelete: true },
  );
  const container = new storage.BlobContainer(`${a.name}-container`, { resourceGroupName: p.rg, accountName: account.name, containerName: a.name, publicAccess: "None" }, keep);
  if (a.lifecycle.length) lifecycle(p, a, account, blobService);
  return { name: a.name, account, accountName, container };
}

/** Current blobs expire `days` after their last write; versions at twice that (Azure ages them from when they were written). */
function lifecycle(p: Platform, a: StoreArgs, account: storage.StorageAccount, blobService: storage.BlobServiceProperties): void {
  const rules = a.lifecycle.map((r, i) => ({
    name: `expire${i}`,
    enabled: true,
    type: "Lifecycle",
    definition: {
      filters: { blobTypes: ["blockBlob", "appendBlob"], prefixMatch: [`${a.name}/${r.prefix}`] },
      actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: r.days } }, version: { delete: { daysAfterCreationGreaterThan: 2 * r.days } } },
    },
  }));
  new storage.ManagementPolicy(
    `${a.name}-lifecycle`,
    { resourceGroupName: p.rg, accountName: account.name, managementPolicyName: "default", policy: { rules } },
    { retainOnDelete: true, dependsOn: [blobService] },
  );
}

const roles = {
  secretsUser: { name: "Key Vault Secrets User", id: "4633458b-17de-408a-b874-0445c86b69e6" },
  read: { name: "Storage Blob Data Reader", id: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1" },
  readWrite: { name: "Storage Blob Data Contributor", id: "ba92f5b4-2d11-453d-a403-e96b0029c9fe" },
  // A user delegation key (signed URLs capped by the container role): granted on the account.
  delegator: { name: "Storage Blob Delegator", id: "db58b8e5-c6ad-4a2a-8342-4190687cbf4a" },
};

export interface WebArgs {
  name: string;
  image: string;
  cpu: number;
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

/** The identity's role assignments (the database password, the container, a delegation key), and a wait for them to apply. */
function grants(p: Platform, a: { name: string; db: Db; store?: Store; storeAccess?: "read" | "readWrite" }, identity: managedidentity.UserAssignedIdentity): time.Sleep {
  const grant = (key: string, target: string, role: { name: string; id: string }, scope: pulumi.Output<string>) => {
    const roleDefinitionId = p.subscriptionId.apply((sub) => `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`);
    return new authorization.RoleAssignment(`${a.name}-${target}-${key}`, {
      roleAssignmentName: pulumi.all([scope, identity.principalId, roleDefinitionId]).apply(([s, principal, r]) => guid(s, principal, r)),
      principalId: identity.principalId,
      principalType: "ServicePrincipal",
      roleDefinitionId,
      scope,
      description: `Freehold link ${a.name} -> ${target}: ${role.name}`,
    });
  };
  const assignments = [
    grant("access", a.db.name, roles.secretsUser, a.db.appSecret.secret.id),
    ...(a.store && a.storeAccess
      ? [grant("access", a.store.name, roles[a.storeAccess], a.store.container.id), grant("delegate", a.store.name, roles.delegator, a.store.account.id)]
      : []),
  ];
  return new time.Sleep(
    `${a.name}-grants-wait`,
    { createDuration: rbacPropagation, triggers: { grants: pulumi.all(assignments.map((x) => x.id)).apply((ids) => ids.join(",")) } },
    { dependsOn: assignments },
  );
}

function probes(a: WebArgs) {
  const probe = (type: string, periodSeconds: number, failureThreshold: number) => ({
    type,
    httpGet: { path: a.healthPath, port: 8080, scheme: "HTTP" },
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold,
  });
  // Two minutes to start (ten tries), then the health check every 30 seconds.
  return [probe("Startup", 12, 10), probe("Readiness", 10, 3), probe("Liveness", 30, 3)];
}

export function webService(p: Platform, a: WebArgs): pulumi.Output<string> {
  const identity = new managedidentity.UserAssignedIdentity(`${a.name}-identity`, { resourceGroupName: p.rg, location, tags: p.tags, resourceName: fitName([p.prefix, a.name, "id"], 128) });
  const wait = grants(p, a, identity);
  const env = {
    ...a.env,
    DATABASE_HOST: a.db.host,
    DATABASE_PORT: "5432",
    DATABASE_NAME: "app",
    DATABASE_USER: "app",
    DATABASE_SSLMODE: "require",
    OBJECT_STORE_PROVIDER: "azureblob",
    OBJECT_STORE_BUCKET: a.store.name,
    OBJECT_STORE_ENDPOINT: `https://${a.store.accountName}.blob.core.windows.net`,
    OBJECT_STORE_ACCESS: a.storeAccess,
  };
  const containerApp = new app.ContainerApp(
    `${a.name}-app`,
    {
      resourceGroupName: p.rg,
      location,
      tags: p.tags,
      containerAppName: a.name,
      environmentId: p.environment.id,
      workloadProfileName: "Consumption",
      identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
      configuration: {
        activeRevisionsMode: "Single",
        ingress: { external: a.public, targetPort: 8080, allowInsecure: false, transport: "Auto" },
        secrets: [{ name: "database-password", keyVaultUrl: a.db.appSecret.url, identity: identity.id }],
      },
      template: {
        containers: [
          {
            name: "app",
            image: a.image,
            resources: { cpu: a.cpu, memory: a.memory },
            env: [
              ...Object.entries(env).map(([name, value]) => ({ name, value })),
              { name: "AZURE_CLIENT_ID", value: identity.clientId },
              { name: "DATABASE_PASSWORD", secretRef: "database-password" },
            ],
            probes: probes(a),
          },
        ],
        scale: { minReplicas: a.min, maxReplicas: a.max },
      },
    },
    // Key Vault references are read when a revision starts: after the grants have applied.
    { dependsOn: [wait] },
  );
  return pulumi.interpolate`https://${containerApp.configuration.apply((c) => c?.ingress?.fqdn ?? "")}`;
}

/** A worker's or a job's identity, grants and container: a web service's, without ingress or probes. */
function workload(p: Platform, a: { name: string; image: string; args: string[]; cpu: number; memory: string; db: Db; store?: Store; storeAccess?: "read" | "readWrite" }) {
  const identity = new managedidentity.UserAssignedIdentity(`${a.name}-identity`, { resourceGroupName: p.rg, location, tags: p.tags, resourceName: fitName([p.prefix, a.name, "id"], 128) });
  const wait = grants(p, a, identity);
  const env: Record<string, pulumi.Input<string>> = {
    DATABASE_HOST: a.db.host,
    DATABASE_PORT: "5432",
    DATABASE_NAME: "app",
    DATABASE_USER: "app",
    DATABASE_SSLMODE: "require",
    ...(a.store
      ? { OBJECT_STORE_PROVIDER: "azureblob", OBJECT_STORE_BUCKET: a.store.name, OBJECT_STORE_ENDPOINT: `https://${a.store.accountName}.blob.core.windows.net`, OBJECT_STORE_ACCESS: a.storeAccess as string }
      : {}),
  };
  const container = {
    name: "app",
    image: a.image,
    args: a.args,
    resources: { cpu: a.cpu, memory: a.memory },
    env: [
      ...Object.entries(env).map(([name, value]) => ({ name, value })),
      { name: "AZURE_CLIENT_ID", value: identity.clientId },
      { name: "DATABASE_PASSWORD", secretRef: "database-password" },
    ],
  };
  return { identity, wait, container, secrets: [{ name: "database-password", keyVaultUrl: a.db.appSecret.url, identity: identity.id }] };
}

/** A worker: a container app with no ingress at all, scaled on CPU (60%) between min and max. */
export function worker(p: Platform, a: { name: string; image: string; args: string[]; cpu: number; memory: string; min: number; max: number; db: Db; store: Store; storeAccess: "read" | "readWrite" }): void {
  const w = workload(p, a);
  new app.ContainerApp(
    `${a.name}-app`,
    {
      resourceGroupName: p.rg,
      location,
      tags: p.tags,
      containerAppName: a.name,
      environmentId: p.environment.id,
      workloadProfileName: "Consumption",
      identity: { type: "UserAssigned", userAssignedIdentities: [w.identity.id] },
      configuration: { activeRevisionsMode: "Single", secrets: w.secrets },
      template: {
        containers: [w.container],
        scale: { minReplicas: a.min, maxReplicas: a.max, rules: [{ name: "cpu", custom: { type: "cpu", metadata: { type: "Utilization", value: "60" } } }] },
      },
    },
    { dependsOn: [w.wait] },
  );
}

/** A scheduled job: a Container Apps job with a schedule trigger (read in UTC), its replica timeout and retry limit. */
export function scheduledJob(p: Platform, a: { name: string; image: string; args: string[]; cpu: number; memory: string; cronUtc: string; timeoutSeconds: number; retries: number; db: Db }): void {
  const w = workload(p, a);
  new app.Job(
    `${a.name}-job`,
    {
      resourceGroupName: p.rg,
      location,
      tags: p.tags,
      jobName: a.name,
      environmentId: p.environment.id,
      workloadProfileName: "Consumption",
      identity: { type: "UserAssigned", userAssignedIdentities: [w.identity.id] },
      configuration: {
        triggerType: "Schedule",
        scheduleTriggerConfig: { cronExpression: a.cronUtc, parallelism: 1, replicaCompletionCount: 1 },
        replicaTimeout: a.timeoutSeconds,
        replicaRetryLimit: a.retries,
        secrets: w.secrets,
      },
      template: { containers: [w.container] },
    },
    { dependsOn: [w.wait] },
  );
}

// The Crown Marketplace (examples/crown-marketplace) on Azure.
export function crownMarketplace() {
  const p = platform("crown-marketplace", { service: "crown-marketplace", owner: "digital-marketplace-team" });
  const db = database(p, { name: "db", sku: "Standard_D2ds_v5", tier: "GeneralPurpose", storageGB: 64, highAvailability: true, backupDays: 14 });
  const uploads = objectStore(p, {
    name: "uploads",
    lifecycle: [
      { prefix: "tmp/", days: 7 },
      { prefix: "logs/", days: 90 },
    ],
    cors: [{ allowedOrigins: ["https://marketplace.example.gov.uk"], allowedMethods: ["GET", "PUT"] }],
  });
  const url = webService(p, {
    name: "web", image: "ghcr.io/example/marketplace-web:1.4.2", cpu: 1, memory: "2Gi", min: 2, max: 10, public: true,
    healthPath: "/healthz", env: { NODE_ENV: "production" }, db, store: uploads, storeAccess: "readWrite",
  });
  worker(p, { name: "worker", image: "ghcr.io/example/marketplace-worker:1.4.2", args: ["process-uploads"], cpu: 0.5, memory: "1Gi", min: 1, max: 4, db, store: uploads, storeAccess: "read" });
  // Container Apps reads cron in UTC: 02:00 Europe/London, accepted as 02:00 UTC.
  scheduledJob(p, { name: "nightly", image: "ghcr.io/example/marketplace-worker:1.4.2", args: ["expire-listings"], cpu: 0.5, memory: "1Gi", cronUtc: "0 2 * * *", timeoutSeconds: 1800, retries: 2, db });
  return { url, bucket: uploads.container.name, databaseHost: db.host };
}
