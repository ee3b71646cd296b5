// The Crown Marketplace on Azure, written directly against @pulumi/azure-native: Container Apps,
// PostgreSQL flexible server, Blob Storage, Key Vault for the database password.
import * as app from "@pulumi/azure-native/app";
import * as authorization from "@pulumi/azure-native/authorization";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { RandomPassword } from "@pulumi/random/randomPassword";
import { guid, unique } from "./names";

const location = "uksouth";

export interface Platform {
  stack: string;
  tags: Record<string, string>;
  rg: pulumi.Output<string>;
  subscriptionId: pulumi.Output<string>;
  vault: keyvault.Vault;
  environment: app.ManagedEnvironment;
  dnsZone: privatedns.PrivateZone;
  dnsLink: privatedns.VirtualNetworkLink;
  dbSubnetId: pulumi.Output<string>;
}

export function platform(stack: string, userTags: Record<string, string>): Platform {
  const tags = { ...userTags, "managed-by": "freehold", "freehold-stack": stack };
  const group = new resources.ResourceGroup(`${stack}-rg`, { resourceGroupName: `${stack}-rg`, location, tags });
  const rg = group.name;
  const common = { resourceGroupName: rg, location, tags };
  const vnet = new network.VirtualNetwork(`${stack}-vnet`, {
    ...common,
    virtualNetworkName: `${stack}-vnet`,
    addressSpace: { addressPrefixes: ["10.42.0.0/16"] },
    subnets: [
      { name: "apps", addressPrefix: "10.42.0.0/23", delegations: [{ name: "Microsoft-App-environments", serviceName: "Microsoft.App/environments" }] },
      {
        name: "postgres",
        addressPrefix: "10.42.2.0/24",
        defaultOutboundAccess: false,
        delegations: [{ name: "Microsoft-DBforPostgreSQL-flexibleServers", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
      },
    ],
  });
  const client = authorization.getClientConfigOutput();
  const vault = new keyvault.Vault(
    `${stack}-vault`,
    {
      ...common,
      vaultName: unique([stack, "kv"], 24),
      properties: {
        tenantId: client.tenantId,
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
    },
    { retainOnDelete: true },
  );
  const dnsZone = new privatedns.PrivateZone(`${stack}-pgdns`, { resourceGroupName: rg, location: "global", tags, privateZoneName: `${stack}.private.postgres.database.azure.com` });
  const dnsLink = new privatedns.VirtualNetworkLink(`${stack}-pgdns-link`, {
    resourceGroupName: rg,
    location: "global",
    tags,
    privateZoneName: dnsZone.name,
    virtualNetworkLinkName: `${stack}-vnet-link`,
    virtualNetwork: { id: vnet.id },
    registrationEnabled: false,
  });
  const workspace = new operationalinsights.Workspace(`${stack}-logs`, { ...common, workspaceName: `${stack}-logs`, sku: { name: "PerGB2018" }, retentionInDays: 30 });
  const keys = operationalinsights.getSharedKeysOutput({ resourceGroupName: rg, workspaceName: workspace.name });
  const environment = new app.ManagedEnvironment(`${stack}-env`, {
    ...common,
    environmentName: `${stack}-env`,
    workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
    vnetConfiguration: { infrastructureSubnetId: pulumi.interpolate`${vnet.id}/subnets/apps`, internal: false },
    zoneRedundant: true,
    peerTrafficConfiguration: { encryption: { enabled: true } },
    appLogsConfiguration: {
      destination: "log-analytics",
      logAnalyticsConfiguration: { customerId: workspace.customerId, sharedKey: pulumi.secret(keys.apply((k) => k.primarySharedKey ?? "")) },
    },
  });
  const dbSubnetId = pulumi.interpolate`${vnet.id}/subnets/postgres`;
  return { stack, tags, rg, subscriptionId: client.subscriptionId, vault, environment, dnsZone, dnsLink, dbSubnetId };
}

const lock = (name: string, scope: pulumi.Input<string>, what: string, after: pulumi.Resource) =>
  new authorization.ManagementLockByScope(
    `${name}-lock`,
    {
      scope,
      level: "CanNotDelete",
      lockName: "freehold-deletion-protection",
      notes: `Freehold deletionProtection: set deletionProtection: false and deploy before deleting this ${what}.`,
    },
    { retainOnDelete: true, dependsOn: [after] },
  );

export interface Db {
  name: string;
  server: dbforpostgresql.Server;
  database: dbforpostgresql.Database;
  secret: keyvault.Secret;
  password: pulumi.Output<string>;
}

export function database(p: Platform, a: { name: string; sku: string; tier: string; storageGB: number; highAvailability: boolean; backupDays: number }): Db {
  const keep = { retainOnDelete: true };
  const generated = new RandomPassword(`${a.name}-password`, { length: 32, special: false, minUpper: 2, minLower: 2, minNumeric: 2 });
  const password = pulumi.secret(generated.result);
  const secret = new keyvault.Secret(
    `${a.name}-secret`,
    {
      resourceGroupName: p.rg,
      vaultName: p.vault.name,
      secretName: `${a.name}-admin-password`,
      tags: p.tags,
      properties: pulumi.secret({ value: password, contentType: "PostgreSQL password of app_admin" }),
    },
    keep,
  );
  const server = new dbforpostgresql.Server(
    `${a.name}-server`,
    {
      resourceGroupName: p.rg,
      location,
      tags: p.tags,
      serverName: unique([p.stack, a.name], 63),
      version: "16",
      sku: { name: a.sku, tier: a.tier },
      storage: { storageSizeGB: a.storageGB, autoGrow: "Enabled" },
      administratorLogin: "app_admin",
      administratorLoginPassword: password,
      authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Disabled" },
      network: { delegatedSubnetResourceId: p.dbSubnetId, privateDnsZoneArmResourceId: p.dnsZone.id, publicNetworkAccess: "Disabled" },
      backup: { backupRetentionDays: a.backupDays, geoRedundantBackup: "Disabled" },
      highAvailability: { mode: a.highAvailability ? "ZoneRedundant" : "Disabled" },
    },
    { ...keep, dependsOn: [p.dnsLink] },
  );
  const tls = new dbforpostgresql.Configuration(
    `${a.name}-tls`,
    { resourceGroupName: p.rg, serverName: server.name, configurationName: "require_secure_transport", value: "on", source: "user-override" },
    keep,
  );
  const database = new dbforpostgresql.Database(
    `${a.name}-database`,
    { resourceGroupName: p.rg, serverName: server.name, databaseName: "app", charset: "UTF8", collation: "en_US.utf8" },
    { ...keep, dependsOn: [tls] },
  );
  lock(a.name, server.id, "server", database);
  return { name: a.name, server, database, secret, password };
}

export interface Store {
  name: string;
  container: storage.BlobContainer;
  endpoint: pulumi.Output<string>;
}

export function objectStore(
  p: Platform,
  a: { name: string; lifecycle: Array<{ prefix: string; days: number }>; cors: Array<{ allowedOrigins: string[]; allowedMethods: string[] }> },
): Store {
  const keep = { retainOnDelete: true };
  const account = new storage.StorageAccount(
    `${a.name}-account`,
    {
      resourceGroupName: p.rg,
      location,
      tags: p.tags,
      accountName: unique([p.stack, a.name], 24, ""),
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
    keep,
  );
  const container = new storage.BlobContainer(`${a.name}-container`, { resourceGroupName: p.rg, accountName: account.name, containerName: a.name, publicAccess: "None" }, keep);
  if (a.lifecycle.length) {
    new storage.ManagementPolicy(
      `${a.name}-lifecycle`,
      {
        resourceGroupName: p.rg,
        accountName: account.name,
        managementPolicyName: "default",
        policy: {
          rules: a.lifecycle.map((r, i) => ({
            name: `expire${i}`,
            enabled: true,
            type: "Lifecycle",
            definition: {
              filters: { blobTypes: ["blockBlob"], prefixMatch: [`${a.name}/${r.prefix}`] },
              actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: r.days } }, version: { delete: { daysAfterCreationGreaterThan: r.days } } },
            },
          })),
        },
      },
      { ...keep, dependsOn: [blobService] },
    );
  }
  lock(a.name, account.id, "storage account", container);
  return { name: a.name, container, endpoint: account.primaryEndpoints.apply((e) => e.blob.replace(/\/$/, "")) };
}

const roles = {
  secretsUser: { name: "Key Vault Secrets User", id: "4633458b-17de-408a-b874-0445c86b69e6" },
  read: { name: "Storage Blob Data Reader", id: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1" },
  readWrite: { name: "Storage Blob Data Contributor", id: "ba92f5b4-2d11-453d-a403-e96b0029c9fe" },
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

export function webService(p: Platform, a: WebArgs): pulumi.Output<string> {
  const identity = new managedidentity.UserAssignedIdentity(`${a.name}-identity`, {
    resourceGroupName: p.rg,
    location,
    tags: p.tags,
    resourceName: `${p.stack}-${a.name}-id`,
  });
  const grant = (target: string, role: { name: string; id: string }, scope: pulumi.Output<string>) => {
    const roleDefinitionId = p.subscriptionId.apply((sub) => `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`);
    return new authorization.RoleAssignment(`${a.name}-${target}-access`, {
      roleAssignmentName: pulumi.all([scope, identity.principalId, roleDefinitionId]).apply(([s, principal, r]) => guid(s, principal, r)),
      principalId: identity.principalId,
      principalType: "ServicePrincipal",
      roleDefinitionId,
      scope,
      description: `Freehold link ${a.name} -> ${target}: ${role.name}`,
    });
  };
  const grants = [grant(a.db.name, roles.secretsUser, a.db.secret.id), grant(a.store.name, roles[a.storeAccess], a.store.container.id)];
  const probe = (type: string, periodSeconds: number, failureThreshold: number, extra: { initialDelaySeconds?: number } = {}) => ({
    type,
    httpGet: { path: a.healthPath, port: 8080, scheme: "HTTP" },
    timeoutSeconds: 5,
    periodSeconds,
    failureThreshold,
    ...extra,
  });
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
        secrets: [{ name: "database-password", keyVaultUrl: a.db.secret.properties.apply((s) => s.secretUri), identity: identity.id }],
      },
      template: {
        containers: [
          {
            name: "app",
            image: a.image,
            resources: { cpu: a.cpu, memory: a.memory },
            env: [
              ...Object.entries(a.env).map(([name, value]) => ({ name, value })),
              { name: "DATABASE_HOST", value: a.db.server.fullyQualifiedDomainName },
              { name: "DATABASE_PORT", value: "5432" },
              { name: "DATABASE_NAME", value: a.db.database.name },
              { name: "DATABASE_USER", value: "app_admin" },
              { name: "DATABASE_SSLMODE", value: "require" },
              { name: "OBJECT_STORE_PROVIDER", value: "azureblob" },
              { name: "OBJECT_STORE_BUCKET", value: a.store.container.name },
              { name: "OBJECT_STORE_ENDPOINT", value: a.store.endpoint },
              { name: "OBJECT_STORE_ACCESS", value: a.storeAccess },
              { name: "AZURE_CLIENT_ID", value: identity.clientId },
              { name: "DATABASE_PASSWORD", secretRef: "database-password" },
            ],
            probes: [probe("Startup", 5, 10, { initialDelaySeconds: 1 }), probe("Readiness", 10, 3), probe("Liveness", 30, 3)],
          },
        ],
        scale: { minReplicas: a.min, maxReplicas: a.max },
      },
    },
    { dependsOn: grants },
  );
  return pulumi.interpolate`https://${containerApp.configuration.apply((c) => c?.ingress?.fqdn ?? "")}`;
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
  webService(p, {
    name: "worker", image: "ghcr.io/example/marketplace-worker:1.4.2", cpu: 0.5, memory: "1Gi", min: 1, max: 4, public: false,
    healthPath: "/healthz", env: {}, db, store: uploads, storeAccess: "read",
  });
  return { url, bucket: uploads.container.name, databaseHost: db.server.fullyQualifiedDomainName };
}
