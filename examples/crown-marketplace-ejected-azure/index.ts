// crown-marketplace on Microsoft Azure, Pulumi stack "dev": a plain Pulumi program written by `freehold eject`
// from examples/crown-marketplace/freehold.yaml.
// It registers the cloud resources Freehold registered for this stack, with the same types, names, inputs and
// options. See README.md.

import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as authorization from "@pulumi/azure-native/authorization";
import * as dataprotection from "@pulumi/azure-native/dataprotection";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as monitor from "@pulumi/azure-native/monitor";
import * as network from "@pulumi/azure-native/network";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
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
const unset = ["db-roles-admin-secret-access-roleAssignmentName", "db-roles-app-verifier-access-roleAssignmentName", "db-roles-read-verifier-access-roleAssignmentName", "crown-marketplace-job-starter-roleDefinitionId", "crown-marketplace-job-starter-wait-triggers-role", "db-roles-run-job-start-access-roleAssignmentName", "db-roles-run-forceUpdateTag", "crown-marketplace-backup-server-access-roleAssignmentName", "crown-marketplace-backup-group-access-roleAssignmentName", "crown-marketplace-keep-data-policyDefinitionName", "web-db-access-roleAssignmentName", "web-uploads-access-roleAssignmentName", "web-uploads-delegate-roleAssignmentName", "worker-db-access-roleAssignmentName", "worker-uploads-access-roleAssignmentName", "worker-uploads-delegate-roleAssignmentName", "nightly-db-access-roleAssignmentName"].filter((key) => config.getSecret(key) === undefined);
if (unset.length) {
  throw new pulumi.RunError(`Set these config values first (README.md, "Config to set", says where to find each): ${unset.join(", ")}`);
}
const dbRolesAdminSecretAccessRoleAssignmentName = config.require("db-roles-admin-secret-access-roleAssignmentName");
const dbRolesAppVerifierAccessRoleAssignmentName = config.require("db-roles-app-verifier-access-roleAssignmentName");
const dbRolesReadVerifierAccessRoleAssignmentName = config.require("db-roles-read-verifier-access-roleAssignmentName");
const crownMarketplaceJobStarterRoleDefinitionId = config.require("crown-marketplace-job-starter-roleDefinitionId");
const crownMarketplaceJobStarterWaitTriggersRole = config.require("crown-marketplace-job-starter-wait-triggers-role");
const dbRolesRunJobStartAccessRoleAssignmentName = config.require("db-roles-run-job-start-access-roleAssignmentName");
const dbRolesRunForceUpdateTag = config.require("db-roles-run-forceUpdateTag");
const crownMarketplaceBackupServerAccessRoleAssignmentName = config.require("crown-marketplace-backup-server-access-roleAssignmentName");
const crownMarketplaceBackupGroupAccessRoleAssignmentName = config.require("crown-marketplace-backup-group-access-roleAssignmentName");
const crownMarketplaceKeepDataPolicyDefinitionName = config.require("crown-marketplace-keep-data-policyDefinitionName");
const webDbAccessRoleAssignmentName = config.require("web-db-access-roleAssignmentName");
const webUploadsAccessRoleAssignmentName = config.require("web-uploads-access-roleAssignmentName");
const webUploadsDelegateRoleAssignmentName = config.require("web-uploads-delegate-roleAssignmentName");
const workerDbAccessRoleAssignmentName = config.require("worker-db-access-roleAssignmentName");
const workerUploadsAccessRoleAssignmentName = config.require("worker-uploads-access-roleAssignmentName");
const workerUploadsDelegateRoleAssignmentName = config.require("worker-uploads-delegate-roleAssignmentName");
const nightlyDbAccessRoleAssignmentName = config.require("nightly-db-access-roleAssignmentName");

// The PostgreSQL SCRAM-SHA-256 verifier of a password, as Freehold made it: a role job sets a password from it,
// never from the password itself.
function scramVerifier(password: string, iterations = 4096): string {
  const salt = createHmac("sha256", "freehold scram salt").update(password).digest().subarray(0, 16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const storedKey = createHash("sha256").update(createHmac("sha256", salted).update("Client Key").digest()).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

// The tags 29 resources below carry alike; each adds its own.
const tags = {
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

// ---- Shared platform -------------------------------------------------------------------------------------
// What every component of the stack shares (network, logs, cluster...). Was Freehold's Platform
// "crown-marketplace" (freehold:index:Platform).

const rg = new resources.ResourceGroup("crown-marketplace-rg", { location: region, resourceGroupName: "crown-marketplace-dev-rg", tags }, { aliases: [{ parent: freeholdPlatform }] });

const networkSuffix = new RandomString("crown-marketplace-network-suffix", { keepers: { location: region }, length: 6, lower: true, numeric: true, special: false, upper: false }, { aliases: [{ parent: freeholdPlatform }] });

const networkRg = new resources.ResourceGroup("crown-marketplace-network-rg", {
  location: region,
  resourceGroupName: pulumi.interpolate`crown-marketplace-dev-network-${networkSuffix.result}`,
  tags,
}, { retainOnDelete: true, aliases: [{ parent: freeholdPlatform }] });

const postgresNsg = new network.NetworkSecurityGroup("crown-marketplace-postgres-nsg", {
  location: region,
  networkSecurityGroupName: "crown-marketplace-dev-vnet-postgres",
  resourceGroupName: networkRg.name,
  securityRules: [
    {
      access: "Allow",
      destinationAddressPrefix: "Storage",
      destinationPortRange: "443",
      direction: "Outbound",
      name: "allow-storage",
      priority: 100,
      protocol: "Tcp",
      sourceAddressPrefix: "VirtualNetwork",
      sourcePortRange: "*",
    },
    {
      access: "Allow",
      destinationAddressPrefix: "AzureActiveDirectory",
      destinationPortRange: "443",
      direction: "Outbound",
      name: "allow-entra-id",
      priority: 110,
      protocol: "Tcp",
      sourceAddressPrefix: "VirtualNetwork",
      sourcePortRange: "*",
    },
    {
      access: "Deny",
      destinationAddressPrefix: "Internet",
      destinationPortRange: "*",
      direction: "Outbound",
      name: "deny-internet",
      priority: 4000,
      protocol: "*",
      sourceAddressPrefix: "*",
      sourcePortRange: "*",
    },
  ],
  tags,
}, { retainOnDelete: true, aliases: [{ parent: freeholdPlatform }] });

const vnet = new network.VirtualNetwork("crown-marketplace-vnet", {
  addressSpace: { addressPrefixes: ["10.42.0.0/16"] },
  enableDdosProtection: false,
  enableVmProtection: false,
  location: region,
  resourceGroupName: networkRg.name,
  subnets: [
    {
      addressPrefix: "10.42.0.0/23",
      delegations: [{ name: "Microsoft-App-environments", serviceName: "Microsoft.App/environments" }],
      name: "apps",
      serviceEndpoints: [{ service: "Microsoft.Storage" }],
    },
    {
      addressPrefix: "10.42.2.0/24",
      defaultOutboundAccess: true,
      delegations: [
        {
          name: "Microsoft-DBforPostgreSQL-flexibleServers",
          serviceName: "Microsoft.DBforPostgreSQL/flexibleServers",
        },
      ],
      name: "postgres",
      networkSecurityGroup: { id: postgresNsg.id },
      serviceEndpoints: [{ service: "Microsoft.Storage" }],
    },
    {
      addressPrefix: "10.42.3.0/27",
      delegations: [
        {
          name: "Microsoft-ContainerInstance-containerGroups",
          serviceName: "Microsoft.ContainerInstance/containerGroups",
        },
      ],
      name: "jobs",
      serviceEndpoints: [{ service: "Microsoft.Storage" }],
    },
  ],
  tags,
  virtualNetworkName: "crown-marketplace-dev-vnet",
}, { retainOnDelete: true, aliases: [{ parent: freeholdPlatform }] });

const vaultSuffix = new RandomString("crown-marketplace-vault-suffix", { keepers: { location: region }, length: 6, lower: true, numeric: true, special: false, upper: false }, { aliases: [{ parent: freeholdPlatform }] });

const clientConfig = authorization.getClientConfigOutput();

const vault = new keyvault.Vault("crown-marketplace-vault", {
  location: region,
  properties: {
    enablePurgeProtection: true,
    enableRbacAuthorization: true,
    enableSoftDelete: true,
    enabledForDeployment: false,
    enabledForDiskEncryption: false,
    enabledForTemplateDeployment: false,
    networkAcls: { bypass: "AzureServices", defaultAction: "Allow" },
    publicNetworkAccess: "enabled",
    sku: { family: "A", name: "standard" },
    softDeleteRetentionInDays: 90,
    tenantId: clientConfig.tenantId,
  },
  resourceGroupName: rg.name,
  tags,
  vaultName: pulumi.interpolate`crown-mark-2yt0ea-${vaultSuffix.result}`,
}, { aliases: [{ parent: freeholdPlatform }] });

const logs = new operationalinsights.Workspace("crown-marketplace-logs", {
  location: region,
  resourceGroupName: rg.name,
  retentionInDays: 30,
  sku: { name: "PerGB2018" },
  tags,
  workspaceName: "crown-marketplace-dev-logs",
}, { aliases: [{ parent: freeholdPlatform }] });

const vaultAudit = new monitor.DiagnosticSetting("crown-marketplace-vault-audit", {
  logs: [{ category: "AuditEvent", enabled: true }],
  name: "freehold-audit",
  resourceUri: vault.id,
  workspaceId: logs.id,
}, { aliases: [{ parent: freeholdPlatform }] });

const pgdns = new privatedns.PrivateZone("crown-marketplace-pgdns", {
  location: "global",
  privateZoneName: "crown-marketplace-dev.private.postgres.database.azure.com",
  resourceGroupName: rg.name,
  tags,
}, { aliases: [{ parent: freeholdPlatform }] });

const pgdnsLink = new privatedns.VirtualNetworkLink("crown-marketplace-pgdns-link", {
  location: "global",
  privateZoneName: pgdns.name,
  registrationEnabled: false,
  resourceGroupName: rg.name,
  tags,
  virtualNetwork: { id: vnet.id },
  virtualNetworkLinkName: "crown-marketplace-dev-vnet-link",
}, { aliases: [{ parent: freeholdPlatform }] });

const sharedKeys = operationalinsights.getSharedKeysOutput({ resourceGroupName: rg.name, workspaceName: logs.name });

const env = new app.ManagedEnvironment("crown-marketplace-env", {
  appLogsConfiguration: {
    destination: "log-analytics",
    logAnalyticsConfiguration: {
      customerId: logs.customerId,
      sharedKey: pulumi.secret(sharedKeys.apply((v) => v.primarySharedKey!)),
    },
  },
  environmentName: "crown-marketplace-dev-env",
  location: region,
  peerTrafficConfiguration: { encryption: { enabled: true } },
  resourceGroupName: rg.name,
  tags,
  vnetConfiguration: { infrastructureSubnetId: pulumi.interpolate`${vnet.id}/subnets/apps`, internal: false },
  workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
  zoneRedundant: true,
}, { aliases: [{ parent: freeholdPlatform }] });

// eject: part of "roleDefinitionId" is config you set (crown-marketplace-job-starter-roleDefinitionId): Freehold
// made it from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const jobStarter = new authorization.RoleDefinition("crown-marketplace-job-starter", {
  assignableScopes: [rg.id],
  description: "Start a Container Apps job and read its executions. Created by Freehold for the database role jobs.",
  permissions: [
    {
      actions: ["Microsoft.App/jobs/read", "Microsoft.App/jobs/*/read", "Microsoft.App/jobs/start/action"],
      dataActions: [],
    },
  ],
  roleDefinitionId: crownMarketplaceJobStarterRoleDefinitionId,
  roleName: pulumi.interpolate`Freehold Job Starter (crown-marketplace-dev, ${rg.name}, ${clientConfig.subscriptionId})`,
  roleType: "CustomRole",
  scope: rg.id,
}, { aliases: [{ parent: freeholdPlatform }] });

// eject: part of "triggers" is config you set (crown-marketplace-job-starter-wait-triggers-role): Freehold made
// it from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const jobStarterWait = new Sleep("crown-marketplace-job-starter-wait", { createDuration: "600s", triggers: { role: crownMarketplaceJobStarterWaitTriggersRole } }, { dependsOn: [jobStarter], aliases: [{ parent: freeholdPlatform }] });

const backupSuffix = new RandomString("crown-marketplace-backup-suffix", { keepers: { location: region }, length: 6, lower: true, numeric: true, special: false, upper: false }, { aliases: [{ parent: freeholdPlatform }] });

const backupRg = new resources.ResourceGroup("crown-marketplace-backup-rg", {
  location: region,
  resourceGroupName: pulumi.interpolate`crown-marketplace-dev-backup-${backupSuffix.result}`,
  tags,
}, { retainOnDelete: true, aliases: [{ parent: freeholdPlatform }] });

const backupVault = new dataprotection.BackupVault("crown-marketplace-backup-vault", {
  identity: { type: "SystemAssigned" },
  location: region,
  properties: {
    securitySettings: { softDeleteSettings: { retentionDurationInDays: 14, state: "On" } },
    storageSettings: [{ datastoreType: "VaultStore", type: "LocallyRedundant" }],
  },
  resourceGroupName: backupRg.name,
  tags,
  vaultName: pulumi.interpolate`crown-marketplace-dev-bv-${backupSuffix.result}`,
}, { retainOnDelete: true, aliases: [{ parent: freeholdPlatform }] });
const principalId = backupVault.identity.apply((v) => v?.principalId!);

// eject: part of "roleAssignmentName" is config you set
// (crown-marketplace-backup-server-access-roleAssignmentName): Freehold made it from other resources' outputs in
// a way eject cannot reproduce (README.md says where to find it).
const backupServerAccess = new authorization.RoleAssignment("crown-marketplace-backup-server-access", {
  description: "Freehold kept backups of crown-marketplace: PostgreSQL Flexible Server Long Term Retention Backup Role",
  principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: crownMarketplaceBackupServerAccessRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/c088a766-074b-43ba-90d4-1fb21feae531`,
  scope: rg.id,
}, { aliases: [{ parent: freeholdPlatform }] });

// eject: part of "roleAssignmentName" is config you set
// (crown-marketplace-backup-group-access-roleAssignmentName): Freehold made it from other resources' outputs in
// a way eject cannot reproduce (README.md says where to find it).
const backupGroupAccess = new authorization.RoleAssignment("crown-marketplace-backup-group-access", {
  description: "Freehold kept backups of crown-marketplace: Reader",
  principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: crownMarketplaceBackupGroupAccessRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
  scope: rg.id,
}, { aliases: [{ parent: freeholdPlatform }] });

const backupGrantsWait = new Sleep("crown-marketplace-backup-grants-wait", {
  createDuration: "600s",
  triggers: { grants: pulumi.interpolate`${backupServerAccess.id},${backupGroupAccess.id}` },
}, { dependsOn: [backupGroupAccess, backupServerAccess], aliases: [{ parent: freeholdPlatform }] });

// eject: part of "policyDefinitionName" is config you set (crown-marketplace-keep-data-policyDefinitionName):
// Freehold made it from other resources' outputs in a way eject cannot reproduce (README.md says where to find
// it).
const keepData = new authorization.PolicyDefinition("crown-marketplace-keep-data", {
  description: "Denies deleting storage accounts tagged freehold-deletion-protection=on, and deleting their resource group. Set deletionProtection: false and deploy to lift it.",
  displayName: pulumi.interpolate`Freehold: keep deletion-protected data (${rg.name})`,
  metadata: { category: "Freehold" },
  mode: "Indexed",
  policyDefinitionName: crownMarketplaceKeepDataPolicyDefinitionName,
  policyRule: {
    if: {
      allOf: [
        { equals: "Microsoft.Storage/storageAccounts", field: "type" },
        { equals: "on", field: "tags['freehold-deletion-protection']" },
      ],
    },
    then: {
      details: { actionNames: ["delete"], cascadeBehaviors: { resourceGroup: "deny" } },
      effect: "denyAction",
    },
  },
  policyType: "Custom",
}, { aliases: [{ parent: freeholdPlatform }] });

const keepDataPolicyAssignment = new authorization.PolicyAssignment("crown-marketplace-keep-data", {
  description: "Deleting a storage account Freehold protects (or its resource group) is denied while its deletionProtection is on.",
  displayName: "Freehold: keep deletion-protected data",
  enforcementMode: "Default",
  policyAssignmentName: "crown-marketplace-dev-keep-data",
  policyDefinitionId: keepData.id,
  scope: rg.id,
}, { aliases: [{ parent: freeholdPlatform }] });

// ---- db (Database) ---------------------------------------------------------------------------------------
// db: database on Azure Database for PostgreSQL flexible server, Standard_D2ds_v5. Size: Burstable SKUs have no
// high availability, so Standard_D2ds_v5 (the smallest GeneralPurpose SKU with >= 2 vCPU and >= 8 GiB) instead
// of Standard_B2ms.
// Was Freehold's Database "db" (freehold:index:Database).

const dbPassword = new RandomPassword("db-password", { length: 32, minLower: 2, minNumeric: 2, minUpper: 2, special: false }, { aliases: [{ parent: freeholdDb }] });

const dbSecretSuffix = new RandomString("db-secret-suffix", { length: 6, lower: true, numeric: true, special: false, upper: false }, { aliases: [{ parent: freeholdDb }] });

const dbSecret = new keyvault.Secret("db-secret", {
  properties: pulumi.secret({ contentType: "PostgreSQL password of app_admin", value: dbPassword.result }),
  resourceGroupName: rg.name,
  secretName: pulumi.interpolate`db-admin-password-${dbSecretSuffix.result}`,
  tags: { ...tags, "freehold-secret": "db-admin-password" },
  vaultName: vault.name,
}, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

// eject: "network" was also made from crown-marketplace-network-rg; the value below is right, but no longer
// waits for it.
const dbServer = new dbforpostgresql.Server("db-server", {
  administratorLogin: "app_admin",
  administratorLoginPassword: pulumi.secret(dbPassword.result),
  authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Enabled", tenantId: clientConfig.tenantId },
  availabilityZone: "",
  backup: { backupRetentionDays: 14, geoRedundantBackup: "Disabled" },
  highAvailability: { mode: "ZoneRedundant", standbyAvailabilityZone: "" },
  location: region,
  network: {
    delegatedSubnetResourceId: pulumi.interpolate`${vnet.id}/subnets/postgres`,
    privateDnsZoneArmResourceId: pgdns.id,
    publicNetworkAccess: "Disabled",
  },
  resourceGroupName: rg.name,
  serverName: "crown-marketplace-dev-db-1649q7",
  sku: { name: dbSize, tier: "GeneralPurpose" },
  storage: { autoGrow: "Enabled", storageSizeGB: 64 },
  tags,
  version: "16",
}, { protect: true, retainOnDelete: true, dependsOn: [pgdnsLink], aliases: [{ parent: freeholdDb }] });

const dbTls = new dbforpostgresql.Configuration("db-tls", {
  configurationName: "require_secure_transport",
  resourceGroupName: rg.name,
  serverName: dbServer.name,
  source: "user-override",
  value: "on",
}, { retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbDatabase = new dbforpostgresql.Database("db-database", {
  charset: "UTF8",
  collation: "en_US.utf8",
  databaseName: "app",
  resourceGroupName: rg.name,
  serverName: dbServer.name,
}, { protect: true, retainOnDelete: true, dependsOn: [dbTls], aliases: [{ parent: freeholdDb }] });

const dbAudit = new monitor.DiagnosticSetting("db-audit", {
  logs: [{ category: "PostgreSQLLogs", enabled: true }],
  name: "freehold-audit",
  resourceUri: dbServer.id,
  workspaceId: logs.id,
}, { aliases: [{ parent: freeholdDb }] });

const dbAppPassword = new RandomPassword("db-app-password", { length: 32, minLower: 2, minNumeric: 2, minUpper: 2, special: false }, { aliases: [{ parent: freeholdDb }] });

const dbAppSecretSuffix = new RandomString("db-app-secret-suffix", { length: 6, lower: true, numeric: true, special: false, upper: false }, { aliases: [{ parent: freeholdDb }] });

const dbAppSecret = new keyvault.Secret("db-app-secret", {
  properties: pulumi.secret({ contentType: "PostgreSQL password of app", value: dbAppPassword.result }),
  resourceGroupName: rg.name,
  secretName: pulumi.interpolate`db-app-password-${dbAppSecretSuffix.result}`,
  tags: { ...tags, "freehold-secret": "db-app-password" },
  vaultName: vault.name,
}, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbReadPassword = new RandomPassword("db-read-password", { length: 32, minLower: 2, minNumeric: 2, minUpper: 2, special: false }, { aliases: [{ parent: freeholdDb }] });

const dbReadSecretSuffix = new RandomString("db-read-secret-suffix", { length: 6, lower: true, numeric: true, special: false, upper: false }, { aliases: [{ parent: freeholdDb }] });

const dbReadSecret = new keyvault.Secret("db-read-secret", {
  properties: pulumi.secret({ contentType: "PostgreSQL password of app_read", value: dbReadPassword.result }),
  resourceGroupName: rg.name,
  secretName: pulumi.interpolate`db-read-password-${dbReadSecretSuffix.result}`,
  tags: { ...tags, "freehold-secret": "db-read-password" },
  vaultName: vault.name,
}, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbAppVerifierSuffix = new RandomString("db-app-verifier-suffix", { length: 6, lower: true, numeric: true, special: false, upper: false }, { aliases: [{ parent: freeholdDb }] });

const dbAppVerifier = new keyvault.Secret("db-app-verifier", {
  properties: pulumi.secret({
    contentType: "SCRAM-SHA-256 verifier of app",
    value: pulumi.output(dbAppPassword.result).apply(scramVerifier),
  }),
  resourceGroupName: rg.name,
  secretName: pulumi.interpolate`db-app-verifier-${dbAppVerifierSuffix.result}`,
  tags: { ...tags, "freehold-secret": "db-app-verifier" },
  vaultName: vault.name,
}, { aliases: [{ parent: freeholdDb }] });

const dbReadVerifierSuffix = new RandomString("db-read-verifier-suffix", { length: 6, lower: true, numeric: true, special: false, upper: false }, { aliases: [{ parent: freeholdDb }] });

const dbReadVerifier = new keyvault.Secret("db-read-verifier", {
  properties: pulumi.secret({
    contentType: "SCRAM-SHA-256 verifier of app_read",
    value: pulumi.output(dbReadPassword.result).apply(scramVerifier),
  }),
  resourceGroupName: rg.name,
  secretName: pulumi.interpolate`db-read-verifier-${dbReadVerifierSuffix.result}`,
  tags: { ...tags, "freehold-secret": "db-read-verifier" },
  vaultName: vault.name,
}, { aliases: [{ parent: freeholdDb }] });

const dbRolesIdentity = new managedidentity.UserAssignedIdentity("db-roles-identity", { location: region, resourceGroupName: rg.name, resourceName: "crown-marketplace-dev-db-roles-id", tags }, { aliases: [{ parent: freeholdDb }] });

// eject: part of "roleAssignmentName" is config you set (db-roles-admin-secret-access-roleAssignmentName):
// Freehold made it from other resources' outputs in a way eject cannot reproduce (README.md says where to find
// it).
const dbRolesAdminSecretAccess = new authorization.RoleAssignment("db-roles-admin-secret-access", {
  description: "Freehold role job db-roles -> administrator password: Key Vault Secrets User",
  principalId: dbRolesIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: dbRolesAdminSecretAccessRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
  scope: dbSecret.id,
}, { aliases: [{ parent: freeholdDb }] });

// eject: part of "roleAssignmentName" is config you set (db-roles-app-verifier-access-roleAssignmentName):
// Freehold made it from other resources' outputs in a way eject cannot reproduce (README.md says where to find
// it).
const dbRolesAppVerifierAccess = new authorization.RoleAssignment("db-roles-app-verifier-access", {
  description: "Freehold role job db-roles -> app role verifier: Key Vault Secrets User",
  principalId: dbRolesIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: dbRolesAppVerifierAccessRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
  scope: dbAppVerifier.id,
}, { aliases: [{ parent: freeholdDb }] });

// eject: part of "roleAssignmentName" is config you set (db-roles-read-verifier-access-roleAssignmentName):
// Freehold made it from other resources' outputs in a way eject cannot reproduce (README.md says where to find
// it).
const dbRolesReadVerifierAccess = new authorization.RoleAssignment("db-roles-read-verifier-access", {
  description: "Freehold role job db-roles -> app_read role verifier: Key Vault Secrets User",
  principalId: dbRolesIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: dbRolesReadVerifierAccessRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
  scope: dbReadVerifier.id,
}, { aliases: [{ parent: freeholdDb }] });

const dbRolesGrantsWait = new Sleep("db-roles-grants-wait", {
  createDuration: "600s",
  triggers: {
    grants: pulumi.interpolate`${dbRolesAdminSecretAccess.id},${dbRolesAppVerifierAccess.id},${dbRolesReadVerifierAccess.id}`,
  },
}, {
  dependsOn: [dbRolesAdminSecretAccess, dbRolesAppVerifierAccess, dbRolesReadVerifierAccess],
  aliases: [{ parent: freeholdDb }],
});

const dbRoles = new app.Job("db-roles", {
  configuration: {
    manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 },
    replicaRetryLimit: 0,
    replicaTimeout: 600,
    secrets: [
      {
        identity: dbRolesIdentity.id,
        keyVaultUrl: pulumi.interpolate`${vault.properties.vaultUri}secrets/db-admin-password-${dbSecretSuffix.result}`,
        name: "admin-password",
      },
      {
        identity: dbRolesIdentity.id,
        keyVaultUrl: pulumi.interpolate`${vault.properties.vaultUri}secrets/db-app-verifier-${dbAppVerifierSuffix.result}`,
        name: "app-verifier",
      },
      {
        identity: dbRolesIdentity.id,
        keyVaultUrl: pulumi.interpolate`${vault.properties.vaultUri}secrets/db-read-verifier-${dbReadVerifierSuffix.result}`,
        name: "read-verifier",
      },
      {
        name: "database-ca",
        value: "-----BEGIN CERTIFICATE-----\nMIIDjjCCAnagAwIBAgIQAzrx5qcRqaC7KGSxHQn65TANBgkqhkiG9w0BAQsFADBh\nMQswCQYDVQQGEwJVUzEVMBMGA1UEChMMRGlnaUNlcnQgSW5jMRkwFwYDVQQLExB3\nd3cuZGlnaWNlcnQuY29tMSAwHgYDVQQDExdEaWdpQ2VydCBHbG9iYWwgUm9vdCBH\nMjAeFw0xMzA4MDExMjAwMDBaFw0zODAxMTUxMjAwMDBaMGExCzAJBgNVBAYTAlVT\nMRUwEwYDVQQKEwxEaWdpQ2VydCBJbmMxGTAXBgNVBAsTEHd3dy5kaWdpY2VydC5j\nb20xIDAeBgNVBAMTF0RpZ2lDZXJ0IEdsb2JhbCBSb290IEcyMIIBIjANBgkqhkiG\n9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuzfNNNx7a8myaJCtSnX/RrohCgiN9RlUyfuI\n2/Ou8jqJkTx65qsGGmvPrC3oXgkkRLpimn7Wo6h+4FR1IAWsULecYxpsMNzaHxmx\n1x7e/dfgy5SDN67sH0NO3Xss0r0upS/kqbitOtSZpLYl6ZtrAGCSYP9PIUkY92eQ\nq2EGnI/yuum06ZIya7XzV+hdG82MHauVBJVJ8zUtluNJbd134/tJS7SsVQepj5Wz\ntCO7TG1F8PapspUwtP1MVYwnSlcUfIKdzXOS0xZKBgyMUNGPHgm+F6HmIcr9g+UQ\nvIOlCsRnKPZzFBQ9RnbDhxSJITRNrw9FDKZJobq7nMWxM4MphQIDAQABo0IwQDAP\nBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBhjAdBgNVHQ4EFgQUTiJUIBiV\n5uNu5g/6+rkS7QYXjzkwDQYJKoZIhvcNAQELBQADggEBAGBnKJRvDkhj6zHd6mcY\n1Yl9PMWLSn/pvtsrF9+wX3N3KjITOYFnQoQj8kVnNeyIv/iPsGEMNKSuIEyExtv4\nNeF22d+mQrvHRAiGfzZ0JFrabA0UWTW98kndth/Jsw1HKj2ZL7tcu7XUIOGZX1NG\nFdtom/DzMNU+MeKNhJ7jitralj41E6Vf8PlwUHBHQRFXGU7Aj64GxJUTFy8bJZ91\n8rGOmaFvE7FBcf6IKshPECBV1/MUReXgRPTqh5Uykw7+U0b6LJ3/iyK5S9kJRaTe\npLiaWN0bfVKfjllDiIGknibVb63dDcY3fe0Dkhvld1927jyNxF1WW6LZZm6zNTfl\nMrY=\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIFqDCCA5CgAwIBAgIQHtOXCV/YtLNHcB6qvn9FszANBgkqhkiG9w0BAQwFADBl\nMQswCQYDVQQGEwJVUzEeMBwGA1UEChMVTWljcm9zb2Z0IENvcnBvcmF0aW9uMTYw\nNAYDVQQDEy1NaWNyb3NvZnQgUlNBIFJvb3QgQ2VydGlmaWNhdGUgQXV0aG9yaXR5\nIDIwMTcwHhcNMTkxMjE4MjI1MTIyWhcNNDIwNzE4MjMwMDIzWjBlMQswCQYDVQQG\nEwJVUzEeMBwGA1UEChMVTWljcm9zb2Z0IENvcnBvcmF0aW9uMTYwNAYDVQQDEy1N\naWNyb3NvZnQgUlNBIFJvb3QgQ2VydGlmaWNhdGUgQXV0aG9yaXR5IDIwMTcwggIi\nMA0GCSqGSIb3DQEBAQUAA4ICDwAwggIKAoICAQDKW76UM4wplZEWCpW9R2LBifOZ\nNt9GkMml7Xhqb0eRaPgnZ1AzHaGm++DlQ6OEAlcBXZxIQIJTELy/xztokLaCLeX0\nZdDMbRnMlfl7rEqUrQ7eS0MdhweSE5CAg2Q1OQT85elss7YfUJQ4ZVBcF0a5toW1\nHLUX6NZFndiyJrDKxHBKrmCk3bPZ7Pw71VdyvD/IybLeS2v4I2wDwAW9lcfNcztm\ngGTjGqwu+UcF8ga2m3P1eDNbx6H7JyqhtJqRjJHTOoI+dkC0zVJhUXAoP8XFWvLJ\njEm7FFtNyP9nTUwSlq31/niol4fX/V4ggNyhSyL71Imtus5Hl0dVe49FyGcohJUc\naDDv70ngNXtk55iwlNpNhTs+VcQor1fznhPbRiefHqJeRIOkpcrVE7NLP8TjwuaG\nYaRSMLl6IE9vDzhTyzMMEyuP1pq9KsgtsRx9S1HKR9FIJ3Jdh+vVReZIZZ2vUpC6\nW6IYZVcSn2i51BVrlMRpIpj0M+Dt+VGOQVDJNE92kKz8OMHY4Xu54+OU4UZpyw4K\nUGsTuqwPN1q3ErWQgR5WrlcihtnJ0tHXUeOrO8ZV/R4O03QK0dqq6mm4lyiPSMQH\n+FJDOvTKVTUssKZqwJz58oHhEmrARdlns87/I6KJClTUFLkqqNfs+avNJVgyeY+Q\nW5g5xAgGwax/Dj0ApQIDAQABo1QwUjAOBgNVHQ8BAf8EBAMCAYYwDwYDVR0TAQH/\nBAUwAwEB/zAdBgNVHQ4EFgQUCctZf4aycI8awznjwNnpv7tNsiMwEAYJKwYBBAGC\nNxUBBAMCAQAwDQYJKoZIhvcNAQEMBQADggIBAKyvPl3CEZaJjqPnktaXFbgToqZC\nLgLNFgVZJ8og6Lq46BrsTaiXVq5lQ7GPAJtSzVXNUzltYkyLDVt8LkS/gxCP81OC\ngMNPOsduET/m4xaRhPtthH80dK2Jp86519efhGSSvpWhrQlTM93uCupKUY5vVau6\ntZRGrox/2KJQJWVggEbbMwSubLWYdFQl3JPk+ONVFT24bcMKpBLBaYVu32TxU5nh\nSnUgnZUP5NbcA/FZGOhHibJXWpS2qdgXKxdJ5XbLwVaZOjex/2kskZGT4d9Mozd2\nTaGf+G0eHdP67Pv0RR0Tbc/3WeUiJ3IrhvNXuzDtJE3cfVa7o7P4NHmJweDyAmH3\npvwPuxwXC65B2Xy9J6P9LjrRk5Sxcx0ki69bIImtt2dmefU6xqaWM/5TkshGsRGR\nxpl/j8nWZjEgQRCHLQzWwa80mMpkg/sTV9HB8Dx6jKXB/ZUhoHHBk2dxEuqPiApp\nGWSZI1b7rCoucL5mxAyE7+WL85MB+GqQk2dLsmijtWKP6T+MejteD+eMuMZ87zf9\ndOLITzNy4ZQ5bb0Sr74MTnB8G2+NszKTc0QWbej09+CVgI+WXTik9KveCjCHk9hN\nAHFiRSdLOkKEW39lt2c0Ui2cFmuqqNh7o0JMcccMyj6D5KbvtwEwXlGjefVwaaZB\nRA+GsCyRxj3qrg+E\n-----END CERTIFICATE-----\n",
      },
    ],
    triggerType: "Manual",
  },
  environmentId: env.id,
  identity: { type: "UserAssigned", userAssignedIdentities: [dbRolesIdentity.id] },
  jobName: "crown-marketplace-dev-db-roles",
  location: region,
  resourceGroupName: rg.name,
  tags,
  template: {
    containers: [
      {
        command: [
          "sh",
          "-c",
          "set -eu\npsql -X -q -f - <<'FREEHOLD_SQL'\n\\set ON_ERROR_STOP on\n\\getenv app_verifier FREEHOLD_APP_VERIFIER\n\\getenv read_verifier FREEHOLD_READ_VERIFIER\n\\if :{?app_verifier}\n\\else\n\\set app_verifier ''\n\\endif\n\\if :{?read_verifier}\n\\else\n\\set read_verifier ''\n\\endif\nBEGIN;\nSELECT set_config('freehold.app_verifier', :'app_verifier', true) AS app, set_config('freehold.read_verifier', :'read_verifier', true) AS read \\gset freehold_\nDO $freehold$\nDECLARE\n  admin text := current_user;\n  rw constant text := 'app';\n  ro constant text := 'app_read';\n  pg16 constant boolean := current_setting('server_version_num')::int >= 160000;\n  r record;\n  list text;\nBEGIN\n  PERFORM pg_advisory_xact_lock(727274);\n  IF admin IN (rw, ro) THEN\n    RAISE EXCEPTION 'freehold: the role setup runs as the administrator, not as %', admin;\n  END IF;\n  FOR r IN SELECT unnest(ARRAY[rw, ro]) AS name, unnest(ARRAY[current_setting('freehold.app_verifier'), current_setting('freehold.read_verifier')]) AS verifier LOOP\n    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r.name) THEN\n      EXECUTE format('CREATE ROLE %I LOGIN NOCREATEDB NOCREATEROLE', r.name);\n    ELSIF EXISTS (SELECT FROM pg_roles WHERE rolname = r.name AND (rolsuper OR rolreplication OR rolbypassrls)) THEN\n      RAISE EXCEPTION 'freehold: role % has SUPERUSER, REPLICATION or BYPASSRLS; an application role may have none of them', r.name;\n    ELSIF pg16 AND NOT pg_has_role(admin, r.name, 'MEMBER WITH ADMIN OPTION') THEN\n      RAISE EXCEPTION 'freehold: role % exists but % has no ADMIN OPTION on it, which PostgreSQL 16 and later require to alter a role; as a role that has it, GRANT % TO % WITH ADMIN OPTION (or drop the role), and run this again', r.name, admin, r.name, admin;\n    ELSE\n      EXECUTE format('ALTER ROLE %I WITH LOGIN NOCREATEDB NOCREATEROLE', r.name);\n    END IF;\n    IF r.verifier <> '' THEN\n      IF r.verifier !~ '^SCRAM-SHA-256[$][1-9][0-9]*:[A-Za-z0-9+/]+=*[$][A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$' THEN\n        RAISE EXCEPTION 'freehold: the password given for role % is not a SCRAM-SHA-256 verifier; a plaintext password is never sent', r.name;\n      END IF;\n      EXECUTE format('ALTER ROLE %I PASSWORD %L', r.name, r.verifier);\n    END IF;\n  END LOOP;\n  IF pg16 THEN\n    IF NOT (pg_has_role(admin, rw, 'USAGE') AND pg_has_role(admin, rw, 'SET')) THEN\n      EXECUTE format('GRANT %I TO %I WITH INHERIT TRUE, SET TRUE', rw, admin);\n    END IF;\n  ELSIF NOT pg_has_role(admin, rw, 'USAGE') THEN\n    EXECUTE format('GRANT %I TO %I', rw, admin);\n  END IF;\n  IF pg_has_role(ro, rw, 'MEMBER') OR pg_has_role(ro, admin, 'MEMBER') THEN\n    RAISE EXCEPTION 'freehold: role % is a member of % or of %, so it would not be read-only', ro, rw, admin;\n  END IF;\n  IF pg_has_role(rw, admin, 'MEMBER') THEN\n    RAISE EXCEPTION 'freehold: role % is a member of the administrator %', rw, admin;\n  END IF;\n  FOR r IN SELECT unnest(ARRAY[rw, ro]) AS name, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database() LOOP\n    IF r.owner <> r.name AND pg_has_role(r.name, r.owner, 'MEMBER') THEN\n      RAISE EXCEPTION 'freehold: role % is a member of %, which owns the database: an application role may not be; as a role that may, REVOKE % FROM %, and run this again', r.name, r.owner, r.owner, r.name;\n    END IF;\n  END LOOP;\n  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_user') THEN\n    IF pg16 THEN\n      IF NOT (pg_has_role(admin, 'app_user', 'USAGE') AND pg_has_role(admin, 'app_user', 'SET')) THEN\n        EXECUTE format('GRANT %I TO %I WITH INHERIT TRUE, SET TRUE', 'app_user', admin);\n      END IF;\n    ELSIF NOT pg_has_role(admin, 'app_user', 'USAGE') THEN\n      EXECUTE format('GRANT %I TO %I', 'app_user', admin);\n    END IF;\n    EXECUTE format('REASSIGN OWNED BY %I TO %I', 'app_user', rw);\n    IF NOT pg_has_role('app_user', rw, 'MEMBER') THEN\n      EXECUTE format('GRANT %I TO %I', rw, 'app_user');\n    END IF;\n  END IF;\n  EXECUTE format('GRANT CONNECT, TEMPORARY, CREATE ON DATABASE %I TO %I', current_database(), rw);\n  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), ro);\n  IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'public' AND has_schema_privilege(admin, oid, 'CREATE WITH GRANT OPTION')) THEN\n    REVOKE CREATE ON SCHEMA public FROM PUBLIC;\n    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA public TO %I', rw);\n  END IF;\n  IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'public' AND has_schema_privilege(ro, oid, 'CREATE')) THEN\n    RAISE WARNING 'freehold: every role may create objects in schema public (its owner % granted CREATE to PUBLIC, and % cannot revoke it): % can create tables there, though it can change none it does not own',\n      (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'), admin, ro;\n  END IF;\n  FOR r IN SELECT n.oid, n.nspname, pg_get_userbyid(n.nspowner) AS owner, has_schema_privilege(admin, n.oid, 'USAGE WITH GRANT OPTION') AS grantable FROM pg_namespace n\n      WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND has_schema_privilege(admin, n.oid, 'USAGE')\n      ORDER BY n.nspname LOOP\n    IF r.grantable AND r.owner <> rw THEN\n      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', r.nspname, rw);\n    END IF;\n    IF r.grantable THEN\n      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', r.nspname, ro);\n    END IF;\n    SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')\n        AND NOT (CASE WHEN c.relkind IN ('r', 'p', 'v', 'm', 'f') THEN has_table_privilege(rw, c.oid, 'SELECT') AND has_table_privilege(rw, c.oid, 'INSERT') AND has_table_privilege(rw, c.oid, 'UPDATE') AND has_table_privilege(rw, c.oid, 'DELETE') AND has_table_privilege(rw, c.oid, 'TRUNCATE') AND has_table_privilege(rw, c.oid, 'REFERENCES') AND has_table_privilege(rw, c.oid, 'TRIGGER') END) INTO list;\n    IF list IS NOT NULL THEN\n      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE %s TO %I', list, rw);\n    END IF;\n    SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')\n        AND NOT (CASE WHEN c.relkind IN ('r', 'p', 'v', 'm', 'f') THEN has_table_privilege(ro, c.oid, 'SELECT') END) INTO list;\n    IF list IS NOT NULL THEN\n      EXECUTE format('GRANT SELECT ON TABLE %s TO %I', list, ro);\n    END IF;\n    SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('S') AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')\n        AND NOT (CASE WHEN c.relkind IN ('S') THEN has_sequence_privilege(rw, c.oid, 'USAGE') AND has_sequence_privilege(rw, c.oid, 'SELECT') AND has_sequence_privilege(rw, c.oid, 'UPDATE') END) INTO list;\n    IF list IS NOT NULL THEN\n      EXECUTE format('GRANT USAGE, SELECT, UPDATE ON SEQUENCE %s TO %I', list, rw);\n    END IF;\n    SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('S') AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')\n        AND NOT (CASE WHEN c.relkind IN ('S') THEN has_sequence_privilege(ro, c.oid, 'SELECT') END) INTO list;\n    IF list IS NOT NULL THEN\n      EXECUTE format('GRANT SELECT ON SEQUENCE %s TO %I', list, ro);\n    END IF;\n    SELECT string_agg(format('%I.%I (owner %s)', r.nspname, c.relname, pg_get_userbyid(c.relowner)), ', ' ORDER BY c.relname) INTO list FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND NOT has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e');\n    IF list IS NOT NULL THEN\n      RAISE WARNING 'freehold: % cannot grant on %: the application roles cannot use them', admin, list;\n    END IF;\n  END LOOP;\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON TABLES TO %I', rw, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON SEQUENCES TO %I', rw, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON SCHEMAS TO %I', rw, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLES TO %I', admin, rw);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', admin, rw);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON SCHEMAS TO %I', admin, rw);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON TABLES TO %I', admin, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON SEQUENCES TO %I', admin, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON SCHEMAS TO %I', admin, ro);\n  IF EXISTS (SELECT FROM pg_roles WHERE rolname = admin AND rolreplication AND NOT rolsuper) THEN\n    BEGIN\n      EXECUTE format('ALTER ROLE %I WITH NOREPLICATION', admin);\n    EXCEPTION WHEN insufficient_privilege THEN\n      RAISE WARNING 'freehold: replication is off, but % keeps the REPLICATION attribute: this server does not let it drop it (%)', admin, SQLERRM;\n    END;\n  END IF;\n  FOR r IN SELECT g.rolname AS name FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid\n      WHERE g.rolname IN ('rds_replication', 'pg_create_subscription') AND m.member = (SELECT oid FROM pg_roles WHERE rolname = admin) AND NOT EXISTS (SELECT FROM pg_roles o WHERE o.oid = m.grantor AND o.rolsuper) AND NOT EXISTS (SELECT FROM pg_roles WHERE rolname = admin AND rolsuper) LOOP\n    BEGIN\n      EXECUTE format('REVOKE %I FROM %I', r.name, admin);\n    EXCEPTION WHEN insufficient_privilege THEN\n      RAISE WARNING 'freehold: replication is off, but % stays a member of %: %', admin, r.name, SQLERRM;\n    END;\n  END LOOP;\nEND\n$freehold$;\nCOMMIT;\n\\echo freehold: roles app and app_read ready in :DBNAME\nFREEHOLD_SQL\n",
        ],
        env: [
          { name: "PGHOST", value: dbServer.fullyQualifiedDomainName },
          { name: "PGPORT", value: "5432" },
          { name: "PGDATABASE", value: "app" },
          { name: "PGUSER", value: "app_admin" },
          { name: "PGSSLMODE", value: "verify-full" },
          { name: "PGSSLROOTCERT", value: "/etc/freehold/tls/database-ca.pem" },
          { name: "PGPASSWORD", secretRef: "admin-password" },
          { name: "FREEHOLD_APP_VERIFIER", secretRef: "app-verifier" },
          { name: "FREEHOLD_READ_VERIFIER", secretRef: "read-verifier" },
        ],
        image: "public.ecr.aws/docker/library/postgres:17.11-bookworm@sha256:639ab7ceb90e13123085b741fb31ef493fba25463002f6da665352e7b534b652",
        name: "roles",
        resources: { cpu: 0.25, memory: "0.5Gi" },
        volumeMounts: [{ mountPath: "/etc/freehold/tls", volumeName: "freehold-tls" }],
      },
    ],
    volumes: [
      {
        name: "freehold-tls",
        secrets: [{ path: "database-ca.pem", secretRef: "database-ca" }],
        storageType: "Secret",
      },
    ],
  },
  workloadProfileName: "Consumption",
}, { dependsOn: [dbDatabase, dbRolesGrantsWait], aliases: [{ parent: freeholdDb }] });

const dbRolesRunIdentity = new managedidentity.UserAssignedIdentity("db-roles-run-identity", { location: region, resourceGroupName: rg.name, resourceName: "crown-marketplace-dev-db-roles-run-id", tags }, { aliases: [{ parent: freeholdDb }] });

// eject: part of "roleAssignmentName" is config you set (db-roles-run-job-start-access-roleAssignmentName):
// Freehold made it from other resources' outputs in a way eject cannot reproduce (README.md says where to find
// it).
// eject: "roleDefinitionId" was also made from crown-marketplace-rg and crown-marketplace-job-starter-wait; the
// value below is right, but no longer waits for them.
const dbRolesRunJobStartAccess = new authorization.RoleAssignment("db-roles-run-job-start-access", {
  description: "Freehold role job run db-roles-run -> role job: Freehold Job Starter",
  principalId: dbRolesRunIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: dbRolesRunJobStartAccessRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${jobStarter.name}`,
  scope: dbRoles.id,
}, { aliases: [{ parent: freeholdDb }] });

const dbRolesRunGrantsWait = new Sleep("db-roles-run-grants-wait", { createDuration: "600s", triggers: { grants: dbRolesRunJobStartAccess.id } }, { dependsOn: [dbRolesRunJobStartAccess], aliases: [{ parent: freeholdDb }] });

// eject: part of "forceUpdateTag" is config you set (db-roles-run-forceUpdateTag): Freehold made it from other
// resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const dbRolesRun = new resources.AzureCliScript("db-roles-run", {
  azCliVersion: "2.67.0",
  cleanupPreference: "OnSuccess",
  environmentVariables: [
    { name: "JOB_NAME", value: dbRoles.name },
    { name: "RESOURCE_GROUP", value: rg.name },
    { name: "WAIT_SECONDS", value: "720" },
  ],
  forceUpdateTag: dbRolesRunForceUpdateTag,
  identity: { type: "UserAssigned", userAssignedIdentities: [dbRolesRunIdentity.id] },
  kind: "AzureCLI",
  location: region,
  resourceGroupName: rg.name,
  retentionInterval: "PT1H",
  scriptContent: "set -eu\nexecution=$(az containerapp job start --name \"$JOB_NAME\" --resource-group \"$RESOURCE_GROUP\" --query name --output tsv)\necho \"started execution $execution of $JOB_NAME\"\ndeadline=$(( $(date +%s) + WAIT_SECONDS ))\nwhile :; do\n  status=$(az containerapp job execution show --name \"$JOB_NAME\" --resource-group \"$RESOURCE_GROUP\" --job-execution-name \"$execution\" --query properties.status --output tsv)\n  case \"$status\" in\n    Succeeded)\n      echo \"execution $execution of $JOB_NAME succeeded\"\n      printf '{\"execution\":\"%s\",\"status\":\"%s\"}' \"$execution\" \"$status\" > \"$AZ_SCRIPTS_OUTPUT_PATH\"\n      exit 0 ;;\n    Failed|Stopped|Degraded)\n      echo \"execution $execution of $JOB_NAME ended $status: the application roles were not set up. Its output is in the stack's Log Analytics workspace (ContainerAppConsoleLogs_CL where ContainerJobName_s == '$JOB_NAME')\" >&2\n      exit 1 ;;\n  esac\n  if [ \"$(date +%s)\" -ge \"$deadline\" ]; then\n    echo \"execution $execution of $JOB_NAME is still $status after $WAIT_SECONDS seconds\" >&2\n    exit 1\n  fi\n  sleep 10\ndone\n",
  scriptName: "crown-marketplace-dev-db-roles-run",
  tags,
  timeout: "PT30M",
}, { dependsOn: [dbRoles, dbRolesRunGrantsWait], aliases: [{ parent: freeholdDb }] });

const dbLock = new authorization.ManagementLockByScope("db-lock", {
  level: "CanNotDelete",
  lockName: "freehold-deletion-protection",
  notes: "Freehold deletionProtection: set deletionProtection: false and deploy to lift this lock.",
  scope: dbServer.id,
}, { dependsOn: [dbDatabase], aliases: [{ parent: freeholdDb }] });

const dbBackupSuffix = new RandomString("db-backup-suffix", { length: 6, lower: true, numeric: true, special: false, upper: false }, { aliases: [{ parent: freeholdDb }] });

const dbBackupPolicy = new dataprotection.BackupPolicy("db-backup-policy", {
  backupPolicyName: pulumi.interpolate`db-weekly-${dbBackupSuffix.result}`,
  properties: {
    datasourceTypes: ["Microsoft.DBforPostgreSQL/flexibleServers"],
    objectType: "BackupPolicy",
    policyRules: [
      {
        backupParameters: { backupType: "Full", objectType: "AzureBackupParams" },
        dataStore: { dataStoreType: "VaultStore", objectType: "DataStoreInfoBase" },
        name: "BackupWeekly",
        objectType: "AzureBackupRule",
        trigger: {
          objectType: "ScheduleBasedTriggerContext",
          schedule: { repeatingTimeIntervals: ["R/2024-01-07T02:00:00+00:00/P1W"], timeZone: "UTC" },
          taggingCriteria: [{ isDefault: true, tagInfo: { tagName: "Default" }, taggingPriority: 99 }],
        },
      },
      {
        isDefault: true,
        lifecycles: [
          {
            deleteAfter: { duration: "P3M", objectType: "AbsoluteDeleteOption" },
            sourceDataStore: { dataStoreType: "VaultStore", objectType: "DataStoreInfoBase" },
          },
        ],
        name: "Default",
        objectType: "AzureRetentionRule",
      },
    ],
  },
  resourceGroupName: backupRg.name,
  vaultName: backupVault.name,
}, { deletedWith: dbServer, aliases: [{ parent: freeholdDb }] });

const dbBackup = new dataprotection.BackupInstance("db-backup", {
  backupInstanceName: pulumi.interpolate`crown-marketplace-dev-db-${dbBackupSuffix.result}`,
  properties: {
    dataSourceInfo: {
      datasourceType: "Microsoft.DBforPostgreSQL/flexibleServers",
      objectType: "Datasource",
      resourceID: dbServer.id,
      resourceLocation: region,
      resourceName: dbServer.name,
      resourceType: "Microsoft.DBforPostgreSQL/flexibleServers",
      resourceUri: dbServer.id,
    },
    friendlyName: dbServer.name,
    objectType: "BackupInstance",
    policyInfo: { policyId: dbBackupPolicy.id },
  },
  resourceGroupName: backupRg.name,
  tags,
  vaultName: backupVault.name,
}, { dependsOn: [dbLock, backupGrantsWait], deletedWith: dbServer, aliases: [{ parent: freeholdDb }] });

// ---- uploads (ObjectStore) -------------------------------------------------------------------------------
// uploads: object-store on Azure Blob Storage.
// Was Freehold's ObjectStore "uploads" (freehold:index:ObjectStore).

const uploadsAccount = new storage.StorageAccount("uploads-account", {
  accessTier: "Hot",
  accountName: "crownmarketplacede1wyfmc",
  allowBlobPublicAccess: false,
  allowCrossTenantReplication: false,
  allowSharedKeyAccess: false,
  defaultToOAuthAuthentication: true,
  enableHttpsTrafficOnly: true,
  encryption: {
    keySource: "Microsoft.Storage",
    requireInfrastructureEncryption: true,
    services: { blob: { enabled: true, keyType: "Account" } },
  },
  isLocalUserEnabled: false,
  isSftpEnabled: false,
  kind: "StorageV2",
  location: region,
  minimumTlsVersion: "TLS1_2",
  networkRuleSet: { bypass: "AzureServices", defaultAction: "Allow" },
  publicNetworkAccess: "Enabled",
  resourceGroupName: rg.name,
  sku: { name: "Standard_LRS" },
  tags: { ...tags, "freehold-deletion-protection": "on" },
}, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdUploads }] });

const uploadsBlobService = new storage.BlobServiceProperties("uploads-blob-service", {
  accountName: uploadsAccount.name,
  blobServicesName: "default",
  containerDeleteRetentionPolicy: { days: 7, enabled: true },
  cors: {
    corsRules: [
      {
        allowedHeaders: ["*"],
        allowedMethods: ["GET", "PUT"],
        allowedOrigins: ["https://marketplace.example.gov.uk"],
        exposedHeaders: ["ETag"],
        maxAgeInSeconds: 3600,
      },
    ],
  },
  deleteRetentionPolicy: { days: 7, enabled: true },
  isVersioningEnabled: true,
  resourceGroupName: rg.name,
}, { retainOnDelete: true, aliases: [{ parent: freeholdUploads }] });

const uploadsContainer = new storage.BlobContainer("uploads-container", {
  accountName: uploadsAccount.name,
  containerName: "uploads",
  publicAccess: "None",
  resourceGroupName: rg.name,
}, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdUploads }] });

const uploadsAudit = new monitor.DiagnosticSetting("uploads-audit", {
  logs: [
    { category: "StorageRead", enabled: true },
    { category: "StorageWrite", enabled: true },
    { category: "StorageDelete", enabled: true },
  ],
  name: "freehold-audit",
  resourceUri: pulumi.interpolate`${uploadsAccount.id}/blobServices/default`,
  workspaceId: logs.id,
}, { dependsOn: [uploadsBlobService], aliases: [{ parent: freeholdUploads }] });

const uploadsLifecycle = new storage.ManagementPolicy("uploads-lifecycle", {
  accountName: uploadsAccount.name,
  managementPolicyName: "default",
  policy: {
    rules: [
      {
        definition: {
          actions: {
            baseBlob: { delete: { daysAfterModificationGreaterThan: 7 } },
            version: { delete: { daysAfterCreationGreaterThan: 14 } },
          },
          filters: { blobTypes: ["blockBlob", "appendBlob"], prefixMatch: ["uploads/tmp/"] },
        },
        enabled: true,
        name: "expire0",
        type: "Lifecycle",
      },
      {
        definition: {
          actions: {
            baseBlob: { delete: { daysAfterModificationGreaterThan: 90 } },
            version: { delete: { daysAfterCreationGreaterThan: 180 } },
          },
          filters: { blobTypes: ["blockBlob", "appendBlob"], prefixMatch: ["uploads/logs/"] },
        },
        enabled: true,
        name: "expire1",
        type: "Lifecycle",
      },
      {
        definition: {
          actions: { version: { delete: { daysAfterCreationGreaterThan: 30 } } },
          filters: { blobTypes: ["blockBlob", "appendBlob"] },
        },
        enabled: true,
        name: "previousversions",
        type: "Lifecycle",
      },
    ],
  },
  resourceGroupName: rg.name,
}, { retainOnDelete: true, dependsOn: [uploadsBlobService], aliases: [{ parent: freeholdUploads }] });

// ---- web (WebService) ------------------------------------------------------------------------------------
// web: web-service on Azure Container Apps, Consumption 1 vCPU / 2Gi. Size: Container Apps pair matching the
// request exactly (1 vCPU, 2 GiB).
// Was Freehold's WebService "web" (freehold:index:WebService).

const webIdentity = new managedidentity.UserAssignedIdentity("web-identity", { location: region, resourceGroupName: rg.name, resourceName: "crown-marketplace-dev-web-id", tags }, { aliases: [{ parent: freeholdWeb }] });

// eject: part of "roleAssignmentName" is config you set (web-db-access-roleAssignmentName): Freehold made it
// from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const webDbAccess = new authorization.RoleAssignment("web-db-access", {
  description: "Freehold link web -> db: Key Vault Secrets User",
  principalId: webIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: webDbAccessRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
  scope: dbAppSecret.id,
}, { aliases: [{ parent: freeholdWeb }] });

// eject: part of "roleAssignmentName" is config you set (web-uploads-access-roleAssignmentName): Freehold made
// it from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const webUploadsAccess = new authorization.RoleAssignment("web-uploads-access", {
  description: "Freehold link web -> uploads: Storage Blob Data Contributor",
  principalId: webIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: webUploadsAccessRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe`,
  scope: uploadsContainer.id,
}, { aliases: [{ parent: freeholdWeb }] });

// eject: part of "roleAssignmentName" is config you set (web-uploads-delegate-roleAssignmentName): Freehold made
// it from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const webUploadsDelegate = new authorization.RoleAssignment("web-uploads-delegate", {
  description: "Freehold link web -> uploads: Storage Blob Delegator",
  principalId: webIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: webUploadsDelegateRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/db58b8e5-c6ad-4a2a-8342-4190687cbf4a`,
  scope: uploadsAccount.id,
}, { aliases: [{ parent: freeholdWeb }] });

const webGrantsWait = new Sleep("web-grants-wait", {
  createDuration: "600s",
  triggers: { grants: pulumi.interpolate`${webDbAccess.id},${webUploadsAccess.id},${webUploadsDelegate.id}` },
}, { dependsOn: [webDbAccess, webUploadsAccess, webUploadsDelegate], aliases: [{ parent: freeholdWeb }] });

// eject: "template" was also made from db-roles-run; the value below is right, but no longer waits for it.
const webApp = new app.ContainerApp("web-app", {
  configuration: {
    activeRevisionsMode: "Single",
    ingress: { allowInsecure: false, external: true, targetPort: 8080, transport: "Auto" },
    secrets: [
      {
        identity: webIdentity.id,
        keyVaultUrl: pulumi.interpolate`${vault.properties.vaultUri}secrets/db-app-password-${dbAppSecretSuffix.result}`,
        name: "database-password",
      },
      {
        name: "database-ca",
        value: "-----BEGIN CERTIFICATE-----\nMIIDjjCCAnagAwIBAgIQAzrx5qcRqaC7KGSxHQn65TANBgkqhkiG9w0BAQsFADBh\nMQswCQYDVQQGEwJVUzEVMBMGA1UEChMMRGlnaUNlcnQgSW5jMRkwFwYDVQQLExB3\nd3cuZGlnaWNlcnQuY29tMSAwHgYDVQQDExdEaWdpQ2VydCBHbG9iYWwgUm9vdCBH\nMjAeFw0xMzA4MDExMjAwMDBaFw0zODAxMTUxMjAwMDBaMGExCzAJBgNVBAYTAlVT\nMRUwEwYDVQQKEwxEaWdpQ2VydCBJbmMxGTAXBgNVBAsTEHd3dy5kaWdpY2VydC5j\nb20xIDAeBgNVBAMTF0RpZ2lDZXJ0IEdsb2JhbCBSb290IEcyMIIBIjANBgkqhkiG\n9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuzfNNNx7a8myaJCtSnX/RrohCgiN9RlUyfuI\n2/Ou8jqJkTx65qsGGmvPrC3oXgkkRLpimn7Wo6h+4FR1IAWsULecYxpsMNzaHxmx\n1x7e/dfgy5SDN67sH0NO3Xss0r0upS/kqbitOtSZpLYl6ZtrAGCSYP9PIUkY92eQ\nq2EGnI/yuum06ZIya7XzV+hdG82MHauVBJVJ8zUtluNJbd134/tJS7SsVQepj5Wz\ntCO7TG1F8PapspUwtP1MVYwnSlcUfIKdzXOS0xZKBgyMUNGPHgm+F6HmIcr9g+UQ\nvIOlCsRnKPZzFBQ9RnbDhxSJITRNrw9FDKZJobq7nMWxM4MphQIDAQABo0IwQDAP\nBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBhjAdBgNVHQ4EFgQUTiJUIBiV\n5uNu5g/6+rkS7QYXjzkwDQYJKoZIhvcNAQELBQADggEBAGBnKJRvDkhj6zHd6mcY\n1Yl9PMWLSn/pvtsrF9+wX3N3KjITOYFnQoQj8kVnNeyIv/iPsGEMNKSuIEyExtv4\nNeF22d+mQrvHRAiGfzZ0JFrabA0UWTW98kndth/Jsw1HKj2ZL7tcu7XUIOGZX1NG\nFdtom/DzMNU+MeKNhJ7jitralj41E6Vf8PlwUHBHQRFXGU7Aj64GxJUTFy8bJZ91\n8rGOmaFvE7FBcf6IKshPECBV1/MUReXgRPTqh5Uykw7+U0b6LJ3/iyK5S9kJRaTe\npLiaWN0bfVKfjllDiIGknibVb63dDcY3fe0Dkhvld1927jyNxF1WW6LZZm6zNTfl\nMrY=\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIFqDCCA5CgAwIBAgIQHtOXCV/YtLNHcB6qvn9FszANBgkqhkiG9w0BAQwFADBl\nMQswCQYDVQQGEwJVUzEeMBwGA1UEChMVTWljcm9zb2Z0IENvcnBvcmF0aW9uMTYw\nNAYDVQQDEy1NaWNyb3NvZnQgUlNBIFJvb3QgQ2VydGlmaWNhdGUgQXV0aG9yaXR5\nIDIwMTcwHhcNMTkxMjE4MjI1MTIyWhcNNDIwNzE4MjMwMDIzWjBlMQswCQYDVQQG\nEwJVUzEeMBwGA1UEChMVTWljcm9zb2Z0IENvcnBvcmF0aW9uMTYwNAYDVQQDEy1N\naWNyb3NvZnQgUlNBIFJvb3QgQ2VydGlmaWNhdGUgQXV0aG9yaXR5IDIwMTcwggIi\nMA0GCSqGSIb3DQEBAQUAA4ICDwAwggIKAoICAQDKW76UM4wplZEWCpW9R2LBifOZ\nNt9GkMml7Xhqb0eRaPgnZ1AzHaGm++DlQ6OEAlcBXZxIQIJTELy/xztokLaCLeX0\nZdDMbRnMlfl7rEqUrQ7eS0MdhweSE5CAg2Q1OQT85elss7YfUJQ4ZVBcF0a5toW1\nHLUX6NZFndiyJrDKxHBKrmCk3bPZ7Pw71VdyvD/IybLeS2v4I2wDwAW9lcfNcztm\ngGTjGqwu+UcF8ga2m3P1eDNbx6H7JyqhtJqRjJHTOoI+dkC0zVJhUXAoP8XFWvLJ\njEm7FFtNyP9nTUwSlq31/niol4fX/V4ggNyhSyL71Imtus5Hl0dVe49FyGcohJUc\naDDv70ngNXtk55iwlNpNhTs+VcQor1fznhPbRiefHqJeRIOkpcrVE7NLP8TjwuaG\nYaRSMLl6IE9vDzhTyzMMEyuP1pq9KsgtsRx9S1HKR9FIJ3Jdh+vVReZIZZ2vUpC6\nW6IYZVcSn2i51BVrlMRpIpj0M+Dt+VGOQVDJNE92kKz8OMHY4Xu54+OU4UZpyw4K\nUGsTuqwPN1q3ErWQgR5WrlcihtnJ0tHXUeOrO8ZV/R4O03QK0dqq6mm4lyiPSMQH\n+FJDOvTKVTUssKZqwJz58oHhEmrARdlns87/I6KJClTUFLkqqNfs+avNJVgyeY+Q\nW5g5xAgGwax/Dj0ApQIDAQABo1QwUjAOBgNVHQ8BAf8EBAMCAYYwDwYDVR0TAQH/\nBAUwAwEB/zAdBgNVHQ4EFgQUCctZf4aycI8awznjwNnpv7tNsiMwEAYJKwYBBAGC\nNxUBBAMCAQAwDQYJKoZIhvcNAQEMBQADggIBAKyvPl3CEZaJjqPnktaXFbgToqZC\nLgLNFgVZJ8og6Lq46BrsTaiXVq5lQ7GPAJtSzVXNUzltYkyLDVt8LkS/gxCP81OC\ngMNPOsduET/m4xaRhPtthH80dK2Jp86519efhGSSvpWhrQlTM93uCupKUY5vVau6\ntZRGrox/2KJQJWVggEbbMwSubLWYdFQl3JPk+ONVFT24bcMKpBLBaYVu32TxU5nh\nSnUgnZUP5NbcA/FZGOhHibJXWpS2qdgXKxdJ5XbLwVaZOjex/2kskZGT4d9Mozd2\nTaGf+G0eHdP67Pv0RR0Tbc/3WeUiJ3IrhvNXuzDtJE3cfVa7o7P4NHmJweDyAmH3\npvwPuxwXC65B2Xy9J6P9LjrRk5Sxcx0ki69bIImtt2dmefU6xqaWM/5TkshGsRGR\nxpl/j8nWZjEgQRCHLQzWwa80mMpkg/sTV9HB8Dx6jKXB/ZUhoHHBk2dxEuqPiApp\nGWSZI1b7rCoucL5mxAyE7+WL85MB+GqQk2dLsmijtWKP6T+MejteD+eMuMZ87zf9\ndOLITzNy4ZQ5bb0Sr74MTnB8G2+NszKTc0QWbej09+CVgI+WXTik9KveCjCHk9hN\nAHFiRSdLOkKEW39lt2c0Ui2cFmuqqNh7o0JMcccMyj6D5KbvtwEwXlGjefVwaaZB\nRA+GsCyRxj3qrg+E\n-----END CERTIFICATE-----\n",
      },
    ],
  },
  containerAppName: "web",
  environmentId: env.id,
  identity: { type: "UserAssigned", userAssignedIdentities: [webIdentity.id] },
  location: region,
  resourceGroupName: rg.name,
  tags,
  template: {
    containers: [
      {
        env: [
          { name: "NODE_ENV", value: "production" },
          { name: "DATABASE_HOST", value: dbServer.fullyQualifiedDomainName },
          { name: "DATABASE_PORT", value: "5432" },
          { name: "DATABASE_NAME", value: dbDatabase.name },
          { name: "DATABASE_USER", value: "app" },
          { name: "DATABASE_SSLMODE", value: "verify-full" },
          { name: "DATABASE_SSLROOTCERT", value: "/etc/freehold/tls/database-ca.pem" },
          { name: "OBJECT_STORE_PROVIDER", value: "azureblob" },
          { name: "OBJECT_STORE_BUCKET", value: uploadsContainer.name },
          {
            name: "OBJECT_STORE_ENDPOINT",
            value: pulumi.interpolate`https://${uploadsAccount.name}.blob.core.windows.net`,
          },
          { name: "OBJECT_STORE_ACCESS", value: "readWrite" },
          { name: "AZURE_CLIENT_ID", value: webIdentity.clientId },
          { name: "DATABASE_PASSWORD", secretRef: "database-password" },
        ],
        image: webImage,
        name: "app",
        probes: [
          {
            failureThreshold: 10,
            httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" },
            periodSeconds: 12,
            timeoutSeconds: 5,
            type: "Startup",
          },
          {
            failureThreshold: 3,
            httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" },
            periodSeconds: 10,
            timeoutSeconds: 5,
            type: "Readiness",
          },
          {
            failureThreshold: 3,
            httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" },
            periodSeconds: 30,
            timeoutSeconds: 5,
            type: "Liveness",
          },
        ],
        resources: { cpu: 1, memory: "2Gi" },
        volumeMounts: [{ mountPath: "/etc/freehold/tls", volumeName: "freehold-tls" }],
      },
    ],
    scale: { maxReplicas: 10, minReplicas: 2 },
    volumes: [
      {
        name: "freehold-tls",
        secrets: [{ path: "database-ca.pem", secretRef: "database-ca" }],
        storageType: "Secret",
      },
    ],
  },
  workloadProfileName: "Consumption",
}, { dependsOn: [webGrantsWait], aliases: [{ parent: freeholdWeb }] });

// ---- worker (Worker) -------------------------------------------------------------------------------------
// worker: worker on Azure Container Apps (no ingress), Consumption 0.5 vCPU / 1Gi. Size: Container Apps pair
// matching the request exactly (0.5 vCPU, 1 GiB).
// Was Freehold's Worker "worker" (freehold:index:Worker).

const workerIdentity = new managedidentity.UserAssignedIdentity("worker-identity", { location: region, resourceGroupName: rg.name, resourceName: "crown-marketplace-dev-worker-id", tags }, { aliases: [{ parent: freeholdWorker }] });

// eject: part of "roleAssignmentName" is config you set (worker-db-access-roleAssignmentName): Freehold made it
// from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const workerDbAccess = new authorization.RoleAssignment("worker-db-access", {
  description: "Freehold link worker -> db: Key Vault Secrets User",
  principalId: workerIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: workerDbAccessRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
  scope: dbAppSecret.id,
}, { aliases: [{ parent: freeholdWorker }] });

// eject: part of "roleAssignmentName" is config you set (worker-uploads-access-roleAssignmentName): Freehold
// made it from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const workerUploadsAccess = new authorization.RoleAssignment("worker-uploads-access", {
  description: "Freehold link worker -> uploads: Storage Blob Data Reader",
  principalId: workerIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: workerUploadsAccessRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`,
  scope: uploadsContainer.id,
}, { aliases: [{ parent: freeholdWorker }] });

// eject: part of "roleAssignmentName" is config you set (worker-uploads-delegate-roleAssignmentName): Freehold
// made it from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const workerUploadsDelegate = new authorization.RoleAssignment("worker-uploads-delegate", {
  description: "Freehold link worker -> uploads: Storage Blob Delegator",
  principalId: workerIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: workerUploadsDelegateRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/db58b8e5-c6ad-4a2a-8342-4190687cbf4a`,
  scope: uploadsAccount.id,
}, { aliases: [{ parent: freeholdWorker }] });

const workerGrantsWait = new Sleep("worker-grants-wait", {
  createDuration: "600s",
  triggers: {
    grants: pulumi.interpolate`${workerDbAccess.id},${workerUploadsAccess.id},${workerUploadsDelegate.id}`,
  },
}, {
  dependsOn: [workerDbAccess, workerUploadsAccess, workerUploadsDelegate],
  aliases: [{ parent: freeholdWorker }],
});

// eject: "template" was also made from db-roles-run; the value below is right, but no longer waits for it.
const workerApp = new app.ContainerApp("worker-app", {
  configuration: {
    activeRevisionsMode: "Single",
    secrets: [
      {
        identity: workerIdentity.id,
        keyVaultUrl: pulumi.interpolate`${vault.properties.vaultUri}secrets/db-app-password-${dbAppSecretSuffix.result}`,
        name: "database-password",
      },
      {
        name: "database-ca",
        value: "-----BEGIN CERTIFICATE-----\nMIIDjjCCAnagAwIBAgIQAzrx5qcRqaC7KGSxHQn65TANBgkqhkiG9w0BAQsFADBh\nMQswCQYDVQQGEwJVUzEVMBMGA1UEChMMRGlnaUNlcnQgSW5jMRkwFwYDVQQLExB3\nd3cuZGlnaWNlcnQuY29tMSAwHgYDVQQDExdEaWdpQ2VydCBHbG9iYWwgUm9vdCBH\nMjAeFw0xMzA4MDExMjAwMDBaFw0zODAxMTUxMjAwMDBaMGExCzAJBgNVBAYTAlVT\nMRUwEwYDVQQKEwxEaWdpQ2VydCBJbmMxGTAXBgNVBAsTEHd3dy5kaWdpY2VydC5j\nb20xIDAeBgNVBAMTF0RpZ2lDZXJ0IEdsb2JhbCBSb290IEcyMIIBIjANBgkqhkiG\n9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuzfNNNx7a8myaJCtSnX/RrohCgiN9RlUyfuI\n2/Ou8jqJkTx65qsGGmvPrC3oXgkkRLpimn7Wo6h+4FR1IAWsULecYxpsMNzaHxmx\n1x7e/dfgy5SDN67sH0NO3Xss0r0upS/kqbitOtSZpLYl6ZtrAGCSYP9PIUkY92eQ\nq2EGnI/yuum06ZIya7XzV+hdG82MHauVBJVJ8zUtluNJbd134/tJS7SsVQepj5Wz\ntCO7TG1F8PapspUwtP1MVYwnSlcUfIKdzXOS0xZKBgyMUNGPHgm+F6HmIcr9g+UQ\nvIOlCsRnKPZzFBQ9RnbDhxSJITRNrw9FDKZJobq7nMWxM4MphQIDAQABo0IwQDAP\nBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBhjAdBgNVHQ4EFgQUTiJUIBiV\n5uNu5g/6+rkS7QYXjzkwDQYJKoZIhvcNAQELBQADggEBAGBnKJRvDkhj6zHd6mcY\n1Yl9PMWLSn/pvtsrF9+wX3N3KjITOYFnQoQj8kVnNeyIv/iPsGEMNKSuIEyExtv4\nNeF22d+mQrvHRAiGfzZ0JFrabA0UWTW98kndth/Jsw1HKj2ZL7tcu7XUIOGZX1NG\nFdtom/DzMNU+MeKNhJ7jitralj41E6Vf8PlwUHBHQRFXGU7Aj64GxJUTFy8bJZ91\n8rGOmaFvE7FBcf6IKshPECBV1/MUReXgRPTqh5Uykw7+U0b6LJ3/iyK5S9kJRaTe\npLiaWN0bfVKfjllDiIGknibVb63dDcY3fe0Dkhvld1927jyNxF1WW6LZZm6zNTfl\nMrY=\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIFqDCCA5CgAwIBAgIQHtOXCV/YtLNHcB6qvn9FszANBgkqhkiG9w0BAQwFADBl\nMQswCQYDVQQGEwJVUzEeMBwGA1UEChMVTWljcm9zb2Z0IENvcnBvcmF0aW9uMTYw\nNAYDVQQDEy1NaWNyb3NvZnQgUlNBIFJvb3QgQ2VydGlmaWNhdGUgQXV0aG9yaXR5\nIDIwMTcwHhcNMTkxMjE4MjI1MTIyWhcNNDIwNzE4MjMwMDIzWjBlMQswCQYDVQQG\nEwJVUzEeMBwGA1UEChMVTWljcm9zb2Z0IENvcnBvcmF0aW9uMTYwNAYDVQQDEy1N\naWNyb3NvZnQgUlNBIFJvb3QgQ2VydGlmaWNhdGUgQXV0aG9yaXR5IDIwMTcwggIi\nMA0GCSqGSIb3DQEBAQUAA4ICDwAwggIKAoICAQDKW76UM4wplZEWCpW9R2LBifOZ\nNt9GkMml7Xhqb0eRaPgnZ1AzHaGm++DlQ6OEAlcBXZxIQIJTELy/xztokLaCLeX0\nZdDMbRnMlfl7rEqUrQ7eS0MdhweSE5CAg2Q1OQT85elss7YfUJQ4ZVBcF0a5toW1\nHLUX6NZFndiyJrDKxHBKrmCk3bPZ7Pw71VdyvD/IybLeS2v4I2wDwAW9lcfNcztm\ngGTjGqwu+UcF8ga2m3P1eDNbx6H7JyqhtJqRjJHTOoI+dkC0zVJhUXAoP8XFWvLJ\njEm7FFtNyP9nTUwSlq31/niol4fX/V4ggNyhSyL71Imtus5Hl0dVe49FyGcohJUc\naDDv70ngNXtk55iwlNpNhTs+VcQor1fznhPbRiefHqJeRIOkpcrVE7NLP8TjwuaG\nYaRSMLl6IE9vDzhTyzMMEyuP1pq9KsgtsRx9S1HKR9FIJ3Jdh+vVReZIZZ2vUpC6\nW6IYZVcSn2i51BVrlMRpIpj0M+Dt+VGOQVDJNE92kKz8OMHY4Xu54+OU4UZpyw4K\nUGsTuqwPN1q3ErWQgR5WrlcihtnJ0tHXUeOrO8ZV/R4O03QK0dqq6mm4lyiPSMQH\n+FJDOvTKVTUssKZqwJz58oHhEmrARdlns87/I6KJClTUFLkqqNfs+avNJVgyeY+Q\nW5g5xAgGwax/Dj0ApQIDAQABo1QwUjAOBgNVHQ8BAf8EBAMCAYYwDwYDVR0TAQH/\nBAUwAwEB/zAdBgNVHQ4EFgQUCctZf4aycI8awznjwNnpv7tNsiMwEAYJKwYBBAGC\nNxUBBAMCAQAwDQYJKoZIhvcNAQEMBQADggIBAKyvPl3CEZaJjqPnktaXFbgToqZC\nLgLNFgVZJ8og6Lq46BrsTaiXVq5lQ7GPAJtSzVXNUzltYkyLDVt8LkS/gxCP81OC\ngMNPOsduET/m4xaRhPtthH80dK2Jp86519efhGSSvpWhrQlTM93uCupKUY5vVau6\ntZRGrox/2KJQJWVggEbbMwSubLWYdFQl3JPk+ONVFT24bcMKpBLBaYVu32TxU5nh\nSnUgnZUP5NbcA/FZGOhHibJXWpS2qdgXKxdJ5XbLwVaZOjex/2kskZGT4d9Mozd2\nTaGf+G0eHdP67Pv0RR0Tbc/3WeUiJ3IrhvNXuzDtJE3cfVa7o7P4NHmJweDyAmH3\npvwPuxwXC65B2Xy9J6P9LjrRk5Sxcx0ki69bIImtt2dmefU6xqaWM/5TkshGsRGR\nxpl/j8nWZjEgQRCHLQzWwa80mMpkg/sTV9HB8Dx6jKXB/ZUhoHHBk2dxEuqPiApp\nGWSZI1b7rCoucL5mxAyE7+WL85MB+GqQk2dLsmijtWKP6T+MejteD+eMuMZ87zf9\ndOLITzNy4ZQ5bb0Sr74MTnB8G2+NszKTc0QWbej09+CVgI+WXTik9KveCjCHk9hN\nAHFiRSdLOkKEW39lt2c0Ui2cFmuqqNh7o0JMcccMyj6D5KbvtwEwXlGjefVwaaZB\nRA+GsCyRxj3qrg+E\n-----END CERTIFICATE-----\n",
      },
    ],
  },
  containerAppName: "worker",
  environmentId: env.id,
  identity: { type: "UserAssigned", userAssignedIdentities: [workerIdentity.id] },
  location: region,
  resourceGroupName: rg.name,
  tags,
  template: {
    containers: [
      {
        args: ["process-uploads"],
        env: [
          { name: "DATABASE_HOST", value: dbServer.fullyQualifiedDomainName },
          { name: "DATABASE_PORT", value: "5432" },
          { name: "DATABASE_NAME", value: dbDatabase.name },
          { name: "DATABASE_USER", value: "app" },
          { name: "DATABASE_SSLMODE", value: "verify-full" },
          { name: "DATABASE_SSLROOTCERT", value: "/etc/freehold/tls/database-ca.pem" },
          { name: "OBJECT_STORE_PROVIDER", value: "azureblob" },
          { name: "OBJECT_STORE_BUCKET", value: uploadsContainer.name },
          {
            name: "OBJECT_STORE_ENDPOINT",
            value: pulumi.interpolate`https://${uploadsAccount.name}.blob.core.windows.net`,
          },
          { name: "OBJECT_STORE_ACCESS", value: "read" },
          { name: "AZURE_CLIENT_ID", value: workerIdentity.clientId },
          { name: "DATABASE_PASSWORD", secretRef: "database-password" },
        ],
        image: workerImage,
        name: "app",
        resources: { cpu: 0.5, memory: "1Gi" },
        volumeMounts: [{ mountPath: "/etc/freehold/tls", volumeName: "freehold-tls" }],
      },
    ],
    scale: {
      maxReplicas: 4,
      minReplicas: 1,
      rules: [{ custom: { metadata: { type: "Utilization", value: "60" }, type: "cpu" }, name: "cpu" }],
    },
    volumes: [
      {
        name: "freehold-tls",
        secrets: [{ path: "database-ca.pem", secretRef: "database-ca" }],
        storageType: "Secret",
      },
    ],
  },
  workloadProfileName: "Consumption",
}, { dependsOn: [workerGrantsWait], aliases: [{ parent: freeholdWorker }] });

// ---- nightly (ScheduledJob) ------------------------------------------------------------------------------
// nightly: scheduled-job on Azure Container Apps jobs, Consumption 0.5 vCPU / 1Gi. Size: Container Apps pair
// matching the request exactly (0.5 vCPU, 1 GiB).
// Was Freehold's ScheduledJob "nightly" (freehold:index:ScheduledJob).

const nightlyIdentity = new managedidentity.UserAssignedIdentity("nightly-identity", { location: region, resourceGroupName: rg.name, resourceName: "crown-marketplace-dev-nightly-id", tags }, { aliases: [{ parent: freeholdNightly }] });

// eject: part of "roleAssignmentName" is config you set (nightly-db-access-roleAssignmentName): Freehold made it
// from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const nightlyDbAccess = new authorization.RoleAssignment("nightly-db-access", {
  description: "Freehold link nightly -> db: Key Vault Secrets User",
  principalId: nightlyIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: nightlyDbAccessRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
  scope: dbAppSecret.id,
}, { aliases: [{ parent: freeholdNightly }] });

const nightlyGrantsWait = new Sleep("nightly-grants-wait", { createDuration: "600s", triggers: { grants: nightlyDbAccess.id } }, { dependsOn: [nightlyDbAccess], aliases: [{ parent: freeholdNightly }] });

// eject: "template" was also made from db-roles-run; the value below is right, but no longer waits for it.
const nightlyJob = new app.Job("nightly-job", {
  configuration: {
    replicaRetryLimit: 2,
    replicaTimeout: 1800,
    scheduleTriggerConfig: { cronExpression: "0 2 * * *", parallelism: 1, replicaCompletionCount: 1 },
    secrets: [
      {
        identity: nightlyIdentity.id,
        keyVaultUrl: pulumi.interpolate`${vault.properties.vaultUri}secrets/db-app-password-${dbAppSecretSuffix.result}`,
        name: "database-password",
      },
      {
        name: "database-ca",
        value: "-----BEGIN CERTIFICATE-----\nMIIDjjCCAnagAwIBAgIQAzrx5qcRqaC7KGSxHQn65TANBgkqhkiG9w0BAQsFADBh\nMQswCQYDVQQGEwJVUzEVMBMGA1UEChMMRGlnaUNlcnQgSW5jMRkwFwYDVQQLExB3\nd3cuZGlnaWNlcnQuY29tMSAwHgYDVQQDExdEaWdpQ2VydCBHbG9iYWwgUm9vdCBH\nMjAeFw0xMzA4MDExMjAwMDBaFw0zODAxMTUxMjAwMDBaMGExCzAJBgNVBAYTAlVT\nMRUwEwYDVQQKEwxEaWdpQ2VydCBJbmMxGTAXBgNVBAsTEHd3dy5kaWdpY2VydC5j\nb20xIDAeBgNVBAMTF0RpZ2lDZXJ0IEdsb2JhbCBSb290IEcyMIIBIjANBgkqhkiG\n9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuzfNNNx7a8myaJCtSnX/RrohCgiN9RlUyfuI\n2/Ou8jqJkTx65qsGGmvPrC3oXgkkRLpimn7Wo6h+4FR1IAWsULecYxpsMNzaHxmx\n1x7e/dfgy5SDN67sH0NO3Xss0r0upS/kqbitOtSZpLYl6ZtrAGCSYP9PIUkY92eQ\nq2EGnI/yuum06ZIya7XzV+hdG82MHauVBJVJ8zUtluNJbd134/tJS7SsVQepj5Wz\ntCO7TG1F8PapspUwtP1MVYwnSlcUfIKdzXOS0xZKBgyMUNGPHgm+F6HmIcr9g+UQ\nvIOlCsRnKPZzFBQ9RnbDhxSJITRNrw9FDKZJobq7nMWxM4MphQIDAQABo0IwQDAP\nBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBhjAdBgNVHQ4EFgQUTiJUIBiV\n5uNu5g/6+rkS7QYXjzkwDQYJKoZIhvcNAQELBQADggEBAGBnKJRvDkhj6zHd6mcY\n1Yl9PMWLSn/pvtsrF9+wX3N3KjITOYFnQoQj8kVnNeyIv/iPsGEMNKSuIEyExtv4\nNeF22d+mQrvHRAiGfzZ0JFrabA0UWTW98kndth/Jsw1HKj2ZL7tcu7XUIOGZX1NG\nFdtom/DzMNU+MeKNhJ7jitralj41E6Vf8PlwUHBHQRFXGU7Aj64GxJUTFy8bJZ91\n8rGOmaFvE7FBcf6IKshPECBV1/MUReXgRPTqh5Uykw7+U0b6LJ3/iyK5S9kJRaTe\npLiaWN0bfVKfjllDiIGknibVb63dDcY3fe0Dkhvld1927jyNxF1WW6LZZm6zNTfl\nMrY=\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIFqDCCA5CgAwIBAgIQHtOXCV/YtLNHcB6qvn9FszANBgkqhkiG9w0BAQwFADBl\nMQswCQYDVQQGEwJVUzEeMBwGA1UEChMVTWljcm9zb2Z0IENvcnBvcmF0aW9uMTYw\nNAYDVQQDEy1NaWNyb3NvZnQgUlNBIFJvb3QgQ2VydGlmaWNhdGUgQXV0aG9yaXR5\nIDIwMTcwHhcNMTkxMjE4MjI1MTIyWhcNNDIwNzE4MjMwMDIzWjBlMQswCQYDVQQG\nEwJVUzEeMBwGA1UEChMVTWljcm9zb2Z0IENvcnBvcmF0aW9uMTYwNAYDVQQDEy1N\naWNyb3NvZnQgUlNBIFJvb3QgQ2VydGlmaWNhdGUgQXV0aG9yaXR5IDIwMTcwggIi\nMA0GCSqGSIb3DQEBAQUAA4ICDwAwggIKAoICAQDKW76UM4wplZEWCpW9R2LBifOZ\nNt9GkMml7Xhqb0eRaPgnZ1AzHaGm++DlQ6OEAlcBXZxIQIJTELy/xztokLaCLeX0\nZdDMbRnMlfl7rEqUrQ7eS0MdhweSE5CAg2Q1OQT85elss7YfUJQ4ZVBcF0a5toW1\nHLUX6NZFndiyJrDKxHBKrmCk3bPZ7Pw71VdyvD/IybLeS2v4I2wDwAW9lcfNcztm\ngGTjGqwu+UcF8ga2m3P1eDNbx6H7JyqhtJqRjJHTOoI+dkC0zVJhUXAoP8XFWvLJ\njEm7FFtNyP9nTUwSlq31/niol4fX/V4ggNyhSyL71Imtus5Hl0dVe49FyGcohJUc\naDDv70ngNXtk55iwlNpNhTs+VcQor1fznhPbRiefHqJeRIOkpcrVE7NLP8TjwuaG\nYaRSMLl6IE9vDzhTyzMMEyuP1pq9KsgtsRx9S1HKR9FIJ3Jdh+vVReZIZZ2vUpC6\nW6IYZVcSn2i51BVrlMRpIpj0M+Dt+VGOQVDJNE92kKz8OMHY4Xu54+OU4UZpyw4K\nUGsTuqwPN1q3ErWQgR5WrlcihtnJ0tHXUeOrO8ZV/R4O03QK0dqq6mm4lyiPSMQH\n+FJDOvTKVTUssKZqwJz58oHhEmrARdlns87/I6KJClTUFLkqqNfs+avNJVgyeY+Q\nW5g5xAgGwax/Dj0ApQIDAQABo1QwUjAOBgNVHQ8BAf8EBAMCAYYwDwYDVR0TAQH/\nBAUwAwEB/zAdBgNVHQ4EFgQUCctZf4aycI8awznjwNnpv7tNsiMwEAYJKwYBBAGC\nNxUBBAMCAQAwDQYJKoZIhvcNAQEMBQADggIBAKyvPl3CEZaJjqPnktaXFbgToqZC\nLgLNFgVZJ8og6Lq46BrsTaiXVq5lQ7GPAJtSzVXNUzltYkyLDVt8LkS/gxCP81OC\ngMNPOsduET/m4xaRhPtthH80dK2Jp86519efhGSSvpWhrQlTM93uCupKUY5vVau6\ntZRGrox/2KJQJWVggEbbMwSubLWYdFQl3JPk+ONVFT24bcMKpBLBaYVu32TxU5nh\nSnUgnZUP5NbcA/FZGOhHibJXWpS2qdgXKxdJ5XbLwVaZOjex/2kskZGT4d9Mozd2\nTaGf+G0eHdP67Pv0RR0Tbc/3WeUiJ3IrhvNXuzDtJE3cfVa7o7P4NHmJweDyAmH3\npvwPuxwXC65B2Xy9J6P9LjrRk5Sxcx0ki69bIImtt2dmefU6xqaWM/5TkshGsRGR\nxpl/j8nWZjEgQRCHLQzWwa80mMpkg/sTV9HB8Dx6jKXB/ZUhoHHBk2dxEuqPiApp\nGWSZI1b7rCoucL5mxAyE7+WL85MB+GqQk2dLsmijtWKP6T+MejteD+eMuMZ87zf9\ndOLITzNy4ZQ5bb0Sr74MTnB8G2+NszKTc0QWbej09+CVgI+WXTik9KveCjCHk9hN\nAHFiRSdLOkKEW39lt2c0Ui2cFmuqqNh7o0JMcccMyj6D5KbvtwEwXlGjefVwaaZB\nRA+GsCyRxj3qrg+E\n-----END CERTIFICATE-----\n",
      },
    ],
    triggerType: "Schedule",
  },
  environmentId: env.id,
  identity: { type: "UserAssigned", userAssignedIdentities: [nightlyIdentity.id] },
  jobName: "nightly",
  location: region,
  resourceGroupName: rg.name,
  tags,
  template: {
    containers: [
      {
        args: ["expire-listings"],
        env: [
          { name: "DATABASE_HOST", value: dbServer.fullyQualifiedDomainName },
          { name: "DATABASE_PORT", value: "5432" },
          { name: "DATABASE_NAME", value: dbDatabase.name },
          { name: "DATABASE_USER", value: "app" },
          { name: "DATABASE_SSLMODE", value: "verify-full" },
          { name: "DATABASE_SSLROOTCERT", value: "/etc/freehold/tls/database-ca.pem" },
          { name: "AZURE_CLIENT_ID", value: nightlyIdentity.clientId },
          { name: "DATABASE_PASSWORD", secretRef: "database-password" },
        ],
        image: nightlyImage,
        name: "app",
        resources: { cpu: 0.5, memory: "1Gi" },
        volumeMounts: [{ mountPath: "/etc/freehold/tls", volumeName: "freehold-tls" }],
      },
    ],
    volumes: [
      {
        name: "freehold-tls",
        secrets: [{ path: "database-ca.pem", secretRef: "database-ca" }],
        storageType: "Secret",
      },
    ],
  },
  workloadProfileName: "Consumption",
}, { dependsOn: [nightlyGrantsWait], aliases: [{ parent: freeholdNightly }] });

// ---- Stack outputs, as Freehold exported them -----------------------------------------------------

export const db = {
  host: dbServer.fullyQualifiedDomainName,
  port: 5432,
  databaseName: "app",
  connectionString: pulumi.secret(pulumi.interpolate`postgres://app:${dbAppPassword.result}@${dbServer.fullyQualifiedDomainName}:5432/app?sslmode=require`),
};
export const uploads = {
  bucketName: "uploads",
  endpoint: pulumi.interpolate`https://${uploadsAccount.name}.blob.core.windows.net`,
};
export const web = { url: pulumi.interpolate`https://${webApp.configuration.apply((v) => v?.ingress?.fqdn!)}` };
export const worker = {};
export const nightly = {
  runCommand: pulumi.interpolate`az containerapp job start --name nightly --resource-group ${rg.name}`,
  schedule: "0 2 * * * in UTC (\"0 2 * * *\" in UTC all year: Europe/London's time at +00:00, 60 minutes late at +01:00; Container Apps reads job schedules in UTC)",
};
