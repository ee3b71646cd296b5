// The Crown Marketplace on Azure, written directly against @pulumi/azure-native: Container Apps,
// PostgreSQL flexible server with least-privilege application roles (created by a Container Apps job
// that a deployment script starts and waits for), verified TLS, Entra sign-ins, weekly backups kept
// in a Backup vault, Blob Storage kept by a deny-delete policy and closed to other networks, audit
// logs in Log Analytics, Key Vault for the passwords, a network a destroy leaves behind.
import { createHash } from "node:crypto";
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
/** The diagnostic setting that sends a resource's audit logs to the workspace. */
const auditSetting = "freehold-audit";
const secretsUserRole = "4633458b-17de-408a-b874-0445c86b69e6";
const builtIn = (sub: pulumi.Output<string>, id: string) => sub.apply((s) => `/subscriptions/${s}/providers/Microsoft.Authorization/roleDefinitions/${id}`);
const suffixArgs = { length: 6, special: false, upper: false, numeric: true, lower: true };

/** Where a PostgreSQL flexible server's certificates lead: DigiCert Global Root G2 and Microsoft RSA Root Certificate Authority 2017 (Mozilla's root store). */
const SERVER_CA = `-----BEGIN CERTIFICATE-----
MIIDjjCCAnagAwIBAgIQAzrx5qcRqaC7KGSxHQn65TANBgkqhkiG9w0BAQsFADBh
MQswCQYDVQQGEwJVUzEVMBMGA1UEChMMRGlnaUNlcnQgSW5jMRkwFwYDVQQLExB3
d3cuZGlnaWNlcnQuY29tMSAwHgYDVQQDExdEaWdpQ2VydCBHbG9iYWwgUm9vdCBH
MjAeFw0xMzA4MDExMjAwMDBaFw0zODAxMTUxMjAwMDBaMGExCzAJBgNVBAYTAlVT
MRUwEwYDVQQKEwxEaWdpQ2VydCBJbmMxGTAXBgNVBAsTEHd3dy5kaWdpY2VydC5j
b20xIDAeBgNVBAMTF0RpZ2lDZXJ0IEdsb2JhbCBSb290IEcyMIIBIjANBgkqhkiG
9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuzfNNNx7a8myaJCtSnX/RrohCgiN9RlUyfuI
2/Ou8jqJkTx65qsGGmvPrC3oXgkkRLpimn7Wo6h+4FR1IAWsULecYxpsMNzaHxmx
1x7e/dfgy5SDN67sH0NO3Xss0r0upS/kqbitOtSZpLYl6ZtrAGCSYP9PIUkY92eQ
q2EGnI/yuum06ZIya7XzV+hdG82MHauVBJVJ8zUtluNJbd134/tJS7SsVQepj5Wz
tCO7TG1F8PapspUwtP1MVYwnSlcUfIKdzXOS0xZKBgyMUNGPHgm+F6HmIcr9g+UQ
vIOlCsRnKPZzFBQ9RnbDhxSJITRNrw9FDKZJobq7nMWxM4MphQIDAQABo0IwQDAP
BgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBhjAdBgNVHQ4EFgQUTiJUIBiV
5uNu5g/6+rkS7QYXjzkwDQYJKoZIhvcNAQELBQADggEBAGBnKJRvDkhj6zHd6mcY
1Yl9PMWLSn/pvtsrF9+wX3N3KjITOYFnQoQj8kVnNeyIv/iPsGEMNKSuIEyExtv4
NeF22d+mQrvHRAiGfzZ0JFrabA0UWTW98kndth/Jsw1HKj2ZL7tcu7XUIOGZX1NG
Fdtom/DzMNU+MeKNhJ7jitralj41E6Vf8PlwUHBHQRFXGU7Aj64GxJUTFy8bJZ91
8rGOmaFvE7FBcf6IKshPECBV1/MUReXgRPTqh5Uykw7+U0b6LJ3/iyK5S9kJRaTe
pLiaWN0bfVKfjllDiIGknibVb63dDcY3fe0Dkhvld1927jyNxF1WW6LZZm6zNTfl
MrY=
-----END CERTIFICATE-----
-----BEGIN CERTIFICATE-----
MIIFqDCCA5CgAwIBAgIQHtOXCV/YtLNHcB6qvn9FszANBgkqhkiG9w0BAQwFADBl
MQswCQYDVQQGEwJVUzEeMBwGA1UEChMVTWljcm9zb2Z0IENvcnBvcmF0aW9uMTYw
NAYDVQQDEy1NaWNyb3NvZnQgUlNBIFJvb3QgQ2VydGlmaWNhdGUgQXV0aG9yaXR5
IDIwMTcwHhcNMTkxMjE4MjI1MTIyWhcNNDIwNzE4MjMwMDIzWjBlMQswCQYDVQQG
EwJVUzEeMBwGA1UEChMVTWljcm9zb2Z0IENvcnBvcmF0aW9uMTYwNAYDVQQDEy1N
aWNyb3NvZnQgUlNBIFJvb3QgQ2VydGlmaWNhdGUgQXV0aG9yaXR5IDIwMTcwggIi
MA0GCSqGSIb3DQEBAQUAA4ICDwAwggIKAoICAQDKW76UM4wplZEWCpW9R2LBifOZ
Nt9GkMml7Xhqb0eRaPgnZ1AzHaGm++DlQ6OEAlcBXZxIQIJTELy/xztokLaCLeX0
ZdDMbRnMlfl7rEqUrQ7eS0MdhweSE5CAg2Q1OQT85elss7YfUJQ4ZVBcF0a5toW1
HLUX6NZFndiyJrDKxHBKrmCk3bPZ7Pw71VdyvD/IybLeS2v4I2wDwAW9lcfNcztm
gGTjGqwu+UcF8ga2m3P1eDNbx6H7JyqhtJqRjJHTOoI+dkC0zVJhUXAoP8XFWvLJ
jEm7FFtNyP9nTUwSlq31/niol4fX/V4ggNyhSyL71Imtus5Hl0dVe49FyGcohJUc
aDDv70ngNXtk55iwlNpNhTs+VcQor1fznhPbRiefHqJeRIOkpcrVE7NLP8TjwuaG
YaRSMLl6IE9vDzhTyzMMEyuP1pq9KsgtsRx9S1HKR9FIJ3Jdh+vVReZIZZ2vUpC6
W6IYZVcSn2i51BVrlMRpIpj0M+Dt+VGOQVDJNE92kKz8OMHY4Xu54+OU4UZpyw4K
UGsTuqwPN1q3ErWQgR5WrlcihtnJ0tHXUeOrO8ZV/R4O03QK0dqq6mm4lyiPSMQH
+FJDOvTKVTUssKZqwJz58oHhEmrARdlns87/I6KJClTUFLkqqNfs+avNJVgyeY+Q
W5g5xAgGwax/Dj0ApQIDAQABo1QwUjAOBgNVHQ8BAf8EBAMCAYYwDwYDVR0TAQH/
BAUwAwEB/zAdBgNVHQ4EFgQUCctZf4aycI8awznjwNnpv7tNsiMwEAYJKwYBBAGC
NxUBBAMCAQAwDQYJKoZIhvcNAQEMBQADggIBAKyvPl3CEZaJjqPnktaXFbgToqZC
LgLNFgVZJ8og6Lq46BrsTaiXVq5lQ7GPAJtSzVXNUzltYkyLDVt8LkS/gxCP81OC
gMNPOsduET/m4xaRhPtthH80dK2Jp86519efhGSSvpWhrQlTM93uCupKUY5vVau6
tZRGrox/2KJQJWVggEbbMwSubLWYdFQl3JPk+ONVFT24bcMKpBLBaYVu32TxU5nh
SnUgnZUP5NbcA/FZGOhHibJXWpS2qdgXKxdJ5XbLwVaZOjex/2kskZGT4d9Mozd2
TaGf+G0eHdP67Pv0RR0Tbc/3WeUiJ3IrhvNXuzDtJE3cfVa7o7P4NHmJweDyAmH3
pvwPuxwXC65B2Xy9J6P9LjrRk5Sxcx0ki69bIImtt2dmefU6xqaWM/5TkshGsRGR
xpl/j8nWZjEgQRCHLQzWwa80mMpkg/sTV9HB8Dx6jKXB/ZUhoHHBk2dxEuqPiApp
GWSZI1b7rCoucL5mxAyE7+WL85MB+GqQk2dLsmijtWKP6T+MejteD+eMuMZ87zf9
dOLITzNy4ZQ5bb0Sr74MTnB8G2+NszKTc0QWbej09+CVgI+WXTik9KveCjCHk9hN
AHFiRSdLOkKEW39lt2c0Ui2cFmuqqNh7o0JMcccMyj6D5KbvtwEwXlGjefVwaaZB
RA+GsCyRxj3qrg+E
-----END CERTIFICATE-----
`;

export interface Platform {
  /** The stack's name: shared resources' logical names. */
  stack: string;
  /** Physical names: the stack's name and the Pulumi stack's. */
  prefix: string;
  tags: Record<string, string>;
  rg: pulumi.Output<string>;
  rgName: string;
  rgId: pulumi.Output<string>;
  subscriptionId: pulumi.Output<string>;
  tenantId: pulumi.Output<string>;
  workspace: operationalinsights.Workspace;
  vault: keyvault.Vault;
  environment: app.ManagedEnvironment;
  dnsZone: privatedns.PrivateZone;
  dnsLink: privatedns.VirtualNetworkLink;
  dbSubnetId: pulumi.Output<string>;
  appsSubnetId: pulumi.Output<string>;
  jobsSubnetId: pulumi.Output<string>;
  jobStarterRoleId: pulumi.Output<string>;
  backupVault: dataprotection.BackupVault;
  backupRg: pulumi.Output<string>;
}

/** A resource's audit logs, sent to the stack's workspace. */
function auditLogs(p: { workspace: operationalinsights.Workspace }, logical: string, resourceUri: pulumi.Input<string>, categories: string[], opts: pulumi.CustomResourceOptions = {}) {
  new monitor.DiagnosticSetting(logical, { resourceUri, name: auditSetting, workspaceId: p.workspace.id, logs: categories.map((category) => ({ category, enabled: true })) }, opts);
}

export function platform(stack: string, userTags: Record<string, string>): Platform {
  const pulumiStack = pulumi.getStack();
  const prefix = `${stack}-${pulumiStack}`;
  const tags = { ...userTags, "managed-by": "freehold", "freehold-stack": stack, "pulumi-stack": pulumiStack };
  const rgName = fitName([prefix, "rg"], 90);
  const group = new resources.ResourceGroup(`${stack}-rg`, { resourceGroupName: rgName, location, tags });
  const rg = group.name;
  const vnetName = fitName([prefix, "vnet"], 64);
  const delegation = (serviceName: string) => [{ name: serviceName.replace(/[/.]/g, "-"), serviceName }];
  const toStorage = [{ service: "Microsoft.Storage" }];
  // The network outlives a destroy (a deleted environment or server leaves a link on its subnet for hours): retained,
  // in a resource group of its own, named anew whenever it is created.
  const kept = { retainOnDelete: true };
  const networkSuffix = new random.RandomString(`${stack}-network-suffix`, { ...suffixArgs, keepers: { location } });
  const networkGroup = new resources.ResourceGroup(`${stack}-network-rg`, { resourceGroupName: pulumi.interpolate`${fitName([prefix, "network"], 83)}-${networkSuffix.result}`, location, tags }, kept);
  // A stack whose network already lives in its own resource group (an older layout) keeps it there: moving it replaces the servers in it.
  const networkInStackGroup = network.getVirtualNetwork({ resourceGroupName: rgName, virtualNetworkName: vnetName }).then((v) => Boolean(v?.id), () => false);
  const networkGroupName = pulumi.all([networkInStackGroup, networkGroup.name]).apply(([legacy, own]) => (legacy ? rgName : own));
  const out = (name: string, priority: number, access: string, protocol: string, source: string, destination: string, port: string) => ({
    name, priority, direction: "Outbound", access, protocol, sourceAddressPrefix: source, sourcePortRange: "*", destinationAddressPrefix: destination, destinationPortRange: port,
  });
  const postgresNsg = new network.NetworkSecurityGroup(
    `${stack}-postgres-nsg`,
    {
      resourceGroupName: networkGroupName,
      location,
      tags,
      networkSecurityGroupName: `${vnetName}-postgres`,
      securityRules: [
        out("allow-storage", 100, "Allow", "Tcp", "VirtualNetwork", "Storage", "443"),
        out("allow-entra-id", 110, "Allow", "Tcp", "VirtualNetwork", "AzureActiveDirectory", "443"),
        out("deny-internet", 4000, "Deny", "*", "*", "Internet", "*"),
      ],
    },
    kept,
  );
  const vnet = new network.VirtualNetwork(
    `${stack}-vnet`,
    {
      resourceGroupName: networkGroupName,
      location,
      tags,
      virtualNetworkName: vnetName,
      addressSpace: { addressPrefixes: ["10.42.0.0/16"] },
      subnets: [
        { name: "apps", addressPrefix: "10.42.0.0/23", serviceEndpoints: toStorage, delegations: delegation("Microsoft.App/environments") },
        {
          name: "postgres",
          addressPrefix: "10.42.2.0/24",
          defaultOutboundAccess: true,
          networkSecurityGroup: { id: postgresNsg.id },
          serviceEndpoints: toStorage,
          delegations: delegation("Microsoft.DBforPostgreSQL/flexibleServers"),
        },
        { name: "jobs", addressPrefix: "10.42.3.0/27", serviceEndpoints: toStorage, delegations: delegation("Microsoft.ContainerInstance/containerGroups") },
      ],
    },
    kept,
  );
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
  const workspace = new operationalinsights.Workspace(`${stack}-logs`, {
    resourceGroupName: rg,
    location,
    tags,
    workspaceName: fitName([prefix, "logs"], 63),
    sku: { name: "PerGB2018" },
    retentionInDays: 30,
  });
  const kv = vault(stack, prefix, rg, tags, client.tenantId);
  auditLogs({ workspace }, `${stack}-vault-audit`, kv.id, ["AuditEvent"]);
  const backups = backupVault(stack, prefix, tags);
  return {
    stack,
    prefix,
    tags,
    rg,
    rgName,
    rgId: group.id,
    subscriptionId: client.subscriptionId,
    tenantId: client.tenantId,
    workspace,
    vault: kv,
    environment: environment(stack, prefix, rg, tags, workspace, pulumi.interpolate`${vnet.id}/subnets/apps`),
    dnsZone,
    dnsLink,
    dbSubnetId: pulumi.interpolate`${vnet.id}/subnets/postgres`,
    appsSubnetId: pulumi.interpolate`${vnet.id}/subnets/apps`,
    jobsSubnetId: pulumi.interpolate`${vnet.id}/subnets/jobs`,
    jobStarterRoleId: jobStarterRole(stack, prefix, group, client.subscriptionId),
    backupVault: backups.vault,
    backupRg: backups.rg,
  };
}

/** Start a Container Apps job and read its executions, nothing else: what the role job's run may do. */
function jobStarterRole(stack: string, prefix: string, group: resources.ResourceGroup, subscriptionId: pulumi.Output<string>): pulumi.Output<string> {
  const id = pulumi.all([subscriptionId, group.name]).apply(([sub, rg]) => guid("freehold-job-starter", sub, rg, prefix));
  const role = new authorization.RoleDefinition(`${stack}-job-starter`, {
    roleDefinitionId: id,
    roleName: pulumi.interpolate`Freehold Job Starter (${prefix}, ${group.name}, ${subscriptionId})`,
    description: "Start a Container Apps job and read its executions. Created by Freehold for the database role jobs.",
    roleType: "CustomRole",
    scope: group.id,
    assignableScopes: [group.id],
    permissions: [{ actions: ["Microsoft.App/jobs/read", "Microsoft.App/jobs/*/read", "Microsoft.App/jobs/start/action"], dataActions: [] }],
  });
  // A new custom role cannot be assigned until it has replicated.
  const replicated = new time.Sleep(`${stack}-job-starter-wait`, { createDuration: rbacPropagation, triggers: { role: id } }, { dependsOn: [role] });
  return pulumi.all([replicated.id, role.id, subscriptionId, id]).apply(([, , sub, g]) => `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${g}`);
}

/** The Backup vault that keeps databases' backups after they are deleted, in a resource group of its own (both left by a destroy). */
function backupVault(stack: string, prefix: string, tags: Record<string, string>): { vault: dataprotection.BackupVault; rg: pulumi.Output<string> } {
  const kept = { retainOnDelete: true };
  const suffix = new random.RandomString(`${stack}-backup-suffix`, { ...suffixArgs, keepers: { location } });
  const group = new resources.ResourceGroup(`${stack}-backup-rg`, { resourceGroupName: pulumi.interpolate`${fitName([prefix, "backup"], 83)}-${suffix.result}`, location, tags }, kept);
  const vault = new dataprotection.BackupVault(
    `${stack}-backup-vault`,
    {
      resourceGroupName: group.name,
      location,
      tags,
      vaultName: pulumi.interpolate`${fitName([prefix, "bv"], 43)}-${suffix.result}`,
      identity: { type: "SystemAssigned" },
      properties: {
        storageSettings: [{ datastoreType: "VaultStore", type: "LocallyRedundant" }],
        securitySettings: { softDeleteSettings: { state: "On", retentionDurationInDays: 14 } },
      },
    },
    kept,
  );
  return { vault, rg: group.name };
}

/** The Container Apps environment (Consumption, zone-redundant, on the apps subnet), logging to Log Analytics. */
function environment(stack: string, prefix: string, rg: pulumi.Output<string>, tags: Record<string, string>, workspace: operationalinsights.Workspace, subnetId: pulumi.Output<string>): app.ManagedEnvironment {
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
  const suffix = new random.RandomString(`${stack}-vault-suffix`, { ...suffixArgs, keepers: { location } });
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

/** A secret in the vault, named `<base>-<random>` so that a deleted (kept) secret never blocks its successor. */
function vaultSecret(p: Platform, logical: string, base: string, value: pulumi.Output<string>, contentType: string, opts: pulumi.CustomResourceOptions = { protect: true, retainOnDelete: true }): VaultSecret {
  const suffix = new random.RandomString(`${logical}-suffix`, suffixArgs);
  const secretName = pulumi.interpolate`${base}-${suffix.result}`;
  const secret = new keyvault.Secret(
    logical,
    { resourceGroupName: p.rg, vaultName: p.vault.name, secretName, tags: { ...p.tags, "freehold-secret": base }, properties: pulumi.secret({ value, contentType }) },
    opts,
  );
  return { secret, url: pulumi.interpolate`https://${p.vault.name}.vault.azure.net/secrets/${secretName}` };
}

const generatedPassword = (name: string) => new random.RandomPassword(name, { length: 32, special: false, minUpper: 2, minLower: 2, minNumeric: 2 });

export interface Db {
  name: string;
  host: string;
  /** The application role's password: what linked services read. */
  appSecret: VaultSecret;
  /** The run that sets up the roles: services that log in as one wait for it. */
  ready: resources.AzureCliScript;
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
  const password = generatedPassword(`${a.name}-password`);
  const adminPassword = pulumi.secret(password.result);
  const admin = vaultSecret(p, `${a.name}-secret`, `${a.name}-admin-password`, adminPassword, "PostgreSQL password of app_admin");
  const serverName = unique([p.prefix, a.name], 63);
  // Auto-grow grows the disk and Azure refuses a smaller size: never ask for less than the server has now.
  const live = pulumi.output(dbforpostgresql.getServer({ resourceGroupName: p.rgName, serverName }).then((s) => s?.storage?.storageSizeGB, () => undefined));
  const server = new dbforpostgresql.Server(
    `${a.name}-server`,
    {
      resourceGroupName: p.rg,
      location,
      tags: p.tags,
      serverName,
      version: "16",
      sku: { name: a.sku, tier: a.tier },
      storage: { storageSizeGB: live.apply((g) => Math.max(a.storageGB, g ?? 0)), autoGrow: "Enabled" },
      administratorLogin: "app_admin",
      administratorLoginPassword: adminPassword,
      authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Enabled", tenantId: p.tenantId },
      network: { delegatedSubnetResourceId: p.dbSubnetId, privateDnsZoneArmResourceId: p.dnsZone.id, publicNetworkAccess: "Disabled" },
      backup: { backupRetentionDays: a.backupDays, geoRedundantBackup: "Disabled" },
      highAvailability: { mode: a.highAvailability ? "ZoneRedundant" : "Disabled" },
    },
    { ...keep, dependsOn: [p.dnsLink] },
  );
  const tls = new dbforpostgresql.Configuration(
    `${a.name}-tls`,
    { resourceGroupName: p.rg, serverName: server.name, configurationName: "require_secure_transport", value: "on", source: "user-override" },
    { retainOnDelete: true },
  );
  // One operation at a time on a flexible server: each change after the last.
  const database = new dbforpostgresql.Database(
    `${a.name}-database`,
    { resourceGroupName: p.rg, serverName: server.name, databaseName: "app", charset: "UTF8", collation: "en_US.utf8" },
    { ...keep, dependsOn: [tls] },
  );
  auditLogs(p, `${a.name}-audit`, server.id, ["PostgreSQLLogs"]);
  const host = server.fullyQualifiedDomainName.apply((f) => f ?? `${serverName}.postgres.database.azure.com`);
  const roles = applicationRoles(p, a.name, host, admin, [server.id, database.id, password.id, admin.secret.id], database);
  const lock = new authorization.ManagementLockByScope(
    `${a.name}-lock`,
    { scope: server.id, level: "CanNotDelete", lockName: "freehold-deletion-protection", notes: "Freehold deletionProtection: set deletionProtection: false and deploy to lift this lock." },
    { dependsOn: [database] },
  );
  keptBackups(p, a.name, server, lock);
  return { name: a.name, host: `${serverName}.postgres.database.azure.com`, appSecret: roles.app, ready: roles.run };
}

// Run by a Container Apps job as the administrator: the role model's script (the same SQL on every cloud, from
// @freehold/core's database-roles module: a string), with the read-write role's former name.
const ROLE_JOB_SCRIPT = roleJobCommand(roleSetupSql({ formerReadWriteNames: ["app_user"] }));
/** The Docker Official Image postgres 17.11, pinned by digest, from its mirror on ECR Public (no anonymous Docker Hub pulls). */
const ROLE_JOB_IMAGE = "public.ecr.aws/docker/library/postgres:17.11-bookworm@sha256:639ab7ceb90e13123085b741fb31ef493fba25463002f6da665352e7b534b652";
/** The deployment script: start one execution and wait for it; exit 0 only when it succeeded, so a failure fails the deployment. */
const ROLE_JOB_RUN_SCRIPT = `set -eu
execution=$(az containerapp job start --name "$JOB_NAME" --resource-group "$RESOURCE_GROUP" --query name --output tsv)
echo "started execution $execution of $JOB_NAME"
deadline=$(( $(date +%s) + WAIT_SECONDS ))
while :; do
  status=$(az containerapp job execution show --name "$JOB_NAME" --resource-group "$RESOURCE_GROUP" --job-execution-name "$execution" --query properties.status --output tsv)
  case "$status" in
    Succeeded)
      echo "execution $execution of $JOB_NAME succeeded"
      printf '{"execution":"%s","status":"%s"}' "$execution" "$status" > "$AZ_SCRIPTS_OUTPUT_PATH"
      exit 0 ;;
    Failed|Stopped|Degraded)
      echo "execution $execution of $JOB_NAME ended $status: the application roles were not set up. Its output is in the stack's Log Analytics workspace (ContainerAppConsoleLogs_CL where ContainerJobName_s == '$JOB_NAME')" >&2
      exit 1 ;;
  esac
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "execution $execution of $JOB_NAME is still $status after $WAIT_SECONDS seconds" >&2
    exit 1
  fi
  sleep 10
done
`;

/** Role assignments for an identity, and a wait for them to apply. */
function grantsAndWait(
  owner: string,
  purpose: string,
  principalId: pulumi.Output<string>,
  grants: Array<{ key: string; label: string; roleName: string; roleDefinitionId: pulumi.Output<string>; scope: pulumi.Output<string> }>,
): time.Sleep {
  const assignments = grants.map(
    (g) =>
      new authorization.RoleAssignment(`${owner}-${g.key}`, {
        roleAssignmentName: pulumi.all([g.scope, principalId, g.roleDefinitionId]).apply(([s, principal, r]) => guid(s, principal, r)),
        principalId,
        principalType: "ServicePrincipal",
        roleDefinitionId: g.roleDefinitionId,
        scope: g.scope,
        description: `Freehold ${purpose} ${owner} -> ${g.label}: ${g.roleName}`,
      }),
  );
  return new time.Sleep(
    `${owner}-grants-wait`,
    { createDuration: rbacPropagation, triggers: { grants: pulumi.all(assignments.map((x) => x.id)).apply((ids) => ids.join(",")) } },
    { dependsOn: assignments },
  );
}

/** The application roles' passwords, their verifiers, and the job (and its run) that creates the roles from them. */
function applicationRoles(p: Platform, db: string, host: pulumi.Output<string>, admin: VaultSecret, rerunOn: pulumi.Output<string>[], after: pulumi.Resource): { app: VaultSecret; run: resources.AzureCliScript } {
  const role = (key: string, name: string) => {
    const generated = generatedPassword(`${db}-${key}-password`);
    const password = pulumi.secret(generated.result);
    const secret = vaultSecret(p, `${db}-${key}-secret`, `${db}-${key}-password`, password, `PostgreSQL password of ${name}`);
    const verifier = vaultSecret(p, `${db}-${key}-verifier`, `${db}-${key}-verifier`, pulumi.secret(password.apply((v) => scramVerifier(v))), `SCRAM-SHA-256 verifier of ${name}`, {});
    return { secret, verifier, generated };
  };
  const app_ = role("app", "app");
  const read = role("read", "app_read");
  const secretsUser = builtIn(p.subscriptionId, secretsUserRole);
  const identity = (key: string) => new managedidentity.UserAssignedIdentity(`${db}-${key}-identity`, { resourceGroupName: p.rg, location, tags: p.tags, resourceName: fitName([p.prefix, db, key, "id"], 128) });
  const jobIdentity = identity("roles");
  const reads = grantsAndWait(`${db}-roles`, "role job", jobIdentity.principalId, [
    { key: "admin-secret-access", label: "administrator password", roleName: "Key Vault Secrets User", roleDefinitionId: secretsUser, scope: admin.secret.id },
    { key: "app-verifier-access", label: "app role verifier", roleName: "Key Vault Secrets User", roleDefinitionId: secretsUser, scope: app_.verifier.secret.id },
    { key: "read-verifier-access", label: "app_read role verifier", roleName: "Key Vault Secrets User", roleDefinitionId: secretsUser, scope: read.verifier.secret.id },
  ]);
  const fromVault = (name: string, s: VaultSecret) => ({ name, keyVaultUrl: s.url, identity: jobIdentity.id });
  const job = new app.Job(
    `${db}-roles`,
    {
      resourceGroupName: p.rg,
      location,
      tags: p.tags,
      jobName: fitName([p.prefix, db, "roles"], 32),
      environmentId: p.environment.id,
      workloadProfileName: "Consumption",
      identity: { type: "UserAssigned", userAssignedIdentities: [jobIdentity.id] },
      configuration: {
        triggerType: "Manual",
        replicaTimeout: 600,
        replicaRetryLimit: 0,
        manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 },
        secrets: [fromVault("admin-password", admin), fromVault("app-verifier", app_.verifier), fromVault("read-verifier", read.verifier), { name: "database-ca", value: SERVER_CA }],
      },
      template: {
        containers: [
          {
            name: "roles",
            image: ROLE_JOB_IMAGE,
            command: ["sh", "-c", ROLE_JOB_SCRIPT],
            resources: { cpu: 0.25, memory: "0.5Gi" },
            env: [
              { name: "PGHOST", value: host },
              { name: "PGPORT", value: "5432" },
              { name: "PGDATABASE", value: "app" },
              { name: "PGUSER", value: "app_admin" },
              { name: "PGSSLMODE", value: "verify-full" },
              { name: "PGSSLROOTCERT", value: "/etc/freehold/tls/database-ca.pem" },
              { name: "PGPASSWORD", secretRef: "admin-password" },
              { name: "FREEHOLD_APP_VERIFIER", secretRef: "app-verifier" },
              { name: "FREEHOLD_READ_VERIFIER", secretRef: "read-verifier" },
            ],
            volumeMounts: [{ volumeName: "freehold-tls", mountPath: "/etc/freehold/tls" }],
          },
        ],
        volumes: [{ name: "freehold-tls", storageType: "Secret", secrets: [{ secretRef: "database-ca", path: "database-ca.pem" }] }],
      },
    },
    { dependsOn: [after, reads] },
  );
  const runIdentity = identity("roles-run");
  const starts = grantsAndWait(`${db}-roles-run`, "role job run", runIdentity.principalId, [
    { key: "job-start-access", label: "role job", roleName: "Freehold Job Starter", roleDefinitionId: p.jobStarterRoleId, scope: job.id },
  ]);
  // Set up again whenever the scripts, the image, the job, the server, the database or a password changes.
  const rerun = pulumi
    .all([ROLE_JOB_SCRIPT, ROLE_JOB_RUN_SCRIPT, ROLE_JOB_IMAGE, job.id, ...rerunOn, app_.generated.id, read.generated.id])
    .apply((parts) => createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 32));
  const run = new resources.AzureCliScript(
    `${db}-roles-run`,
    {
      resourceGroupName: p.rg,
      location,
      tags: p.tags,
      scriptName: fitName([p.prefix, db, "roles-run"], 90),
      kind: "AzureCLI",
      azCliVersion: "2.67.0",
      identity: { type: "UserAssigned", userAssignedIdentities: [runIdentity.id] },
      scriptContent: ROLE_JOB_RUN_SCRIPT,
      environmentVariables: [
        { name: "JOB_NAME", value: job.name },
        { name: "RESOURCE_GROUP", value: p.rg },
        { name: "WAIT_SECONDS", value: "720" },
      ],
      forceUpdateTag: rerun,
      timeout: "PT30M",
      cleanupPreference: "OnSuccess",
      retentionInterval: "PT1H",
    },
    { dependsOn: [job, starts] },
  );
  return { app: app_.secret, run };
}

/** Weekly full backups in the stack's Backup vault, kept three months, which a removal or a destroy leaves. */
function keptBackups(p: Platform, db: string, server: dbforpostgresql.Server, after: pulumi.Resource): void {
  const suffix = new random.RandomString(`${db}-backup-suffix`, suffixArgs);
  const withServer = { deletedWith: server };
  const datasource = "Microsoft.DBforPostgreSQL/flexibleServers";
  const store = { objectType: "DataStoreInfoBase", dataStoreType: "VaultStore" };
  const policy = new dataprotection.BackupPolicy(
    `${db}-backup-policy`,
    {
      resourceGroupName: p.backupRg,
      vaultName: p.backupVault.name,
      backupPolicyName: pulumi.interpolate`${fitName([db, "weekly"], 40)}-${suffix.result}`,
      properties: {
        objectType: "BackupPolicy",
        datasourceTypes: [datasource],
        policyRules: [
          {
            objectType: "AzureBackupRule",
            name: "BackupWeekly",
            backupParameters: { objectType: "AzureBackupParams", backupType: "Full" },
            dataStore: store,
            trigger: {
              objectType: "ScheduleBasedTriggerContext",
              schedule: { repeatingTimeIntervals: ["R/2024-01-07T02:00:00+00:00/P1W"], timeZone: "UTC" },
              taggingCriteria: [{ isDefault: true, taggingPriority: 99, tagInfo: { tagName: "Default" } }],
            },
          },
          { objectType: "AzureRetentionRule", name: "Default", isDefault: true, lifecycles: [{ deleteAfter: { objectType: "AbsoluteDeleteOption", duration: "P3M" }, sourceDataStore: store }] },
        ],
      },
    },
    withServer,
  );
  const wait = backupGrants(p);
  new dataprotection.BackupInstance(
    `${db}-backup`,
    {
      resourceGroupName: p.backupRg,
      vaultName: p.backupVault.name,
      backupInstanceName: pulumi.interpolate`${fitName([p.prefix, db], 60)}-${suffix.result}`,
      tags: p.tags,
      properties: {
        objectType: "BackupInstance",
        friendlyName: pulumi.interpolate`${server.name}`,
        dataSourceInfo: { objectType: "Datasource", datasourceType: datasource, resourceType: datasource, resourceID: server.id, resourceName: server.name, resourceLocation: location, resourceUri: server.id },
        policyInfo: { policyId: policy.id },
      },
    },
    { ...withServer, dependsOn: [wait, after] },
  );
}

/** The Backup vault's grants on the stack's resource group, made once per stack whatever the number of databases, and the wait after them. */
const vaultGrants = new WeakMap<Platform, time.Sleep>();
function backupGrants(p: Platform): time.Sleep {
  const made = vaultGrants.get(p);
  if (made) return made;
  const principal = p.backupVault.identity.apply((i) => i?.principalId ?? "");
  const grant = (key: string, roleName: string, id: string) =>
    new authorization.RoleAssignment(`${p.stack}-${key}`, {
      roleAssignmentName: pulumi.all([p.rgId, principal]).apply(([scope, pr]) => guid(scope, pr, id)),
      principalId: principal,
      principalType: "ServicePrincipal",
      roleDefinitionId: builtIn(p.subscriptionId, id),
      scope: p.rgId,
      description: `Freehold kept backups of ${p.stack}: ${roleName}`,
    });
  const access = [
    grant("backup-server-access", "PostgreSQL Flexible Server Long Term Retention Backup Role", "c088a766-074b-43ba-90d4-1fb21feae531"),
    grant("backup-group-access", "Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7"),
  ];
  const wait = new time.Sleep(
    `${p.stack}-backup-grants-wait`,
    { createDuration: rbacPropagation, triggers: { grants: pulumi.all(access.map((x) => x.id)).apply((ids) => ids.join(",")) } },
    { dependsOn: access },
  );
  vaultGrants.set(p, wait);
  return wait;
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
      // Identities only, and only from the stack's subnets, unless browsers reach the store (CORS rules).
      publicNetworkAccess: "Enabled",
      networkRuleSet: a.cors.length
        ? { defaultAction: "Allow", bypass: "AzureServices" }
        : { defaultAction: "Deny", bypass: "AzureServices", virtualNetworkRules: [p.appsSubnetId, p.jobsSubnetId].map((id) => ({ virtualNetworkResourceId: id, action: "Allow" })) },
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
  auditLogs(p, `${a.name}-audit`, pulumi.interpolate`${account.id}/blobServices/default`, ["StorageRead", "StorageWrite", "StorageDelete"], { dependsOn: [blobService] });
  lifecycle(p, a, account, blobService);
  return { name: a.name, account, accountName, container };
}

/**
 * Current blobs expire `days` after their last write; versions at twice that (Azure ages them from when they were
 * written); every previous version 30 days after it was written.
 */
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
  rules.push({
    name: "previousversions",
    enabled: true,
    type: "Lifecycle",
    definition: { filters: { blobTypes: ["blockBlob", "appendBlob"] }, actions: { version: { delete: { daysAfterCreationGreaterThan: 30 } } } } as (typeof rules)[number]["definition"],
  });
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
    DATABASE_SSLMODE: "verify-full",
    DATABASE_SSLROOTCERT: "/etc/freehold/tls/database-ca.pem",
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
        secrets: [
          { name: "database-password", keyVaultUrl: a.db.appSecret.url, identity: identity.id },
          // The server's root authorities, as a file (verify-full).
          { name: "database-ca", value: SERVER_CA },
        ],
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
            volumeMounts: [{ volumeName: "freehold-tls", mountPath: "/etc/freehold/tls" }],
          },
        ],
        volumes: [{ name: "freehold-tls", storageType: "Secret", secrets: [{ secretRef: "database-ca", path: "database-ca.pem" }] }],
        scale: { minReplicas: a.min, maxReplicas: a.max },
      },
    },
    // Key Vault references are read when a revision starts: after the grants have applied; and it logs in as a role the run sets up.
    { dependsOn: [wait, a.db.ready] },
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
    DATABASE_SSLMODE: "verify-full",
    DATABASE_SSLROOTCERT: "/etc/freehold/tls/database-ca.pem",
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
    volumeMounts: [{ volumeName: "freehold-tls", mountPath: "/etc/freehold/tls" }],
  };
  // The server's root authorities, as a file (verify-full), as for a web service.
  const secrets = [
    { name: "database-password", keyVaultUrl: a.db.appSecret.url, identity: identity.id },
    { name: "database-ca", value: SERVER_CA },
  ];
  const volumes = [{ name: "freehold-tls", storageType: "Secret", secrets: [{ secretRef: "database-ca", path: "database-ca.pem" }] }];
  return { identity, wait, container, secrets, volumes };
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
        volumes: w.volumes,
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
      template: { containers: [w.container], volumes: w.volumes },
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
