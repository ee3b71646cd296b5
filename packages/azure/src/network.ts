/**
 * The shared, stack-level platform: a resource group in the stack's region and
 * a virtual network, in a resource group of its own that a destroy leaves
 * behind (below), with a subnet for Container Apps, a subnet delegated to
 * PostgreSQL flexible servers and a subnet for one-off containers (the
 * data-migration jump container); or, when the stack brings its own network
 * (`network.azure`), that resource group and those subnets, with nothing of the
 * network created. Everything else shared is created on first use, so a stack
 * pays (in resources and money) only for what its components need: the Log
 * Analytics workspace with the first component that sends it logs; the
 * Container Apps environment with the first web service or database (whose
 * role job runs there); the Key Vault and the PostgreSQL private DNS zone with
 * the first database or private registry; the blob-writer role with the first
 * write-only link; the job-starter role with the first database; the keep-data
 * policy with the first deletion-protected object store.
 *
 * Why the network outlives a destroy: after a Container Apps environment, a
 * container group or a PostgreSQL flexible server is deleted, its service
 * association link can stay on the delegated subnet for hours (up to days), and
 * deleting the subnet, its network or their resource group fails with
 * `InUseSubnetCannotBeDeleted` meanwhile (rules/azure.ts). No bounded wait in a
 * deployment covers that, so the network and its resource group are retained
 * on delete, and named with a suffix that is new whenever they are created: a
 * destroy finishes, an `up` after it builds a fresh network beside the old one,
 * and the old one (free) can be deleted once Azure releases it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as monitor from "@pulumi/azure-native/monitor";
import * as network from "@pulumi/azure-native/network";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as resources from "@pulumi/azure-native/resources";
import type * as netInputs from "@pulumi/azure-native/types/input";
import * as random from "@pulumi/random";
import * as time from "@pulumiverse/time";
import { logicalName, physicalName, type StackContext } from "@freehold/core";
import { networkInStackGroup } from "./live";
import { deterministicGuid, names } from "./naming";
import { BLOB_ROLES, JOB_STARTER } from "./permissions";
import { type BackupVault, createBackupVault } from "./backup";
import { PROTECTION_TAG, prerequisites } from "./prerequisites";

/** Address plan: 10.42.0.0/16; Container Apps /23 (workload profiles need /27 or more), PostgreSQL /24, one-off containers /27. */
export const ADDRESS_SPACE = "10.42.0.0/16";
export const APPS_SUBNET = { name: "apps", prefix: "10.42.0.0/23", delegation: "Microsoft.App/environments" } as const;
export const DATABASE_SUBNET = { name: "postgres", prefix: "10.42.2.0/24", delegation: "Microsoft.DBforPostgreSQL/flexibleServers" } as const;
/**
 * One-off containers (Azure Container Instances): the migration runbook's jump container (`az container create
 * --subnet jobs`, migration.ts). Part of the network, so an `up` never deletes what the runbook uses.
 */
export const JOBS_SUBNET = { name: "jobs", prefix: "10.42.3.0/27", delegation: "Microsoft.ContainerInstance/containerGroups" } as const;
/** Days the workspace keeps logs: the 31 days Log Analytics includes in the ingestion price cover them (https://azure.microsoft.com/pricing/details/monitor/). */
export const LOG_RETENTION_DAYS = 30;
/** The name of the diagnostic setting that sends a resource's audit logs to the workspace. */
export const AUDIT_SETTING = "freehold-audit";
/** Key Vault's log category for every request (https://learn.microsoft.com/azure/key-vault/general/logging). */
export const VAULT_AUDIT_LOGS = ["AuditEvent"] as const;
/** The Container Apps workload profile every app runs on: serverless, billed per second. */
export const CONSUMPTION_PROFILE = "Consumption";
/**
 * How long a new role assignment or custom role can take to apply: "it can take up to 10 minutes for
 * changes to take effect" (https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected).
 */
export const RBAC_PROPAGATION = "600s";

/** A Key Vault secret with a name of its own incarnation, and the URL and id to reference and grant it by. */
export interface VaultSecret {
  secret: keyvault.Secret;
  /** Versionless secret URL, for Container Apps Key Vault references (rotations are picked up). */
  url: pulumi.Output<string>;
  /** ARM id: the scope of a Key Vault Secrets User grant. */
  id: pulumi.Output<string>;
}

export interface AzurePlatform {
  stack: StackContext;
  parent: pulumi.Resource;
  location: string;
  /** True where the region has availability zones. */
  zonal: boolean;
  tags: Record<string, string>;
  /** Created here; undefined when the stack brings its own network (the resource group is then the user's). */
  resourceGroup?: resources.ResourceGroup;
  resourceGroupName: pulumi.Output<string>;
  /** The resource group's name as the program knows it, for reads of what the cloud holds (live.ts). */
  groupName: string;
  /** The resource group holding Freehold's own network, retained on delete; undefined with a network the stack brings. */
  networkResourceGroup?: resources.ResourceGroup;
  /** The resource group Freehold's own network is in (the stack's own, for a stack that has always had it there); undefined with a network the stack brings. */
  networkGroupName?: pulumi.Output<string>;
  resourceGroupId: pulumi.Output<string>;
  /** Created here; undefined when the stack brings its own network. */
  virtualNetwork?: network.VirtualNetwork;
  virtualNetworkId: pulumi.Output<string>;
  appsSubnetId: pulumi.Output<string>;
  databaseSubnetId: pulumi.Output<string>;
  /** The subnet for one-off containers; undefined when the stack brings a network without one. */
  jobsSubnetId?: pulumi.Output<string>;
  /** Tenant and subscription of the deploying identity (one invoke per stack, made on first need). */
  client(): pulumi.Output<authorization.GetClientConfigResult>;
  /** The stack's Log Analytics workspace: container logs and the audit logs of every resource that keeps them. */
  workspace(): operationalinsights.Workspace;
  /**
   * Audit logs of a resource sent to the stack's workspace (a diagnostic setting), kept there as long as the
   * workspace keeps data. `categories` are the resource type's log categories.
   */
  auditLogs(logical: string, resourceUri: pulumi.Input<string>, categories: readonly string[], opts: pulumi.CustomResourceOptions): monitor.DiagnosticSetting;
  environment(): app.ManagedEnvironment;
  vault(): keyvault.Vault;
  /** A secret in the stack's vault, named `<base>-<random>` so that a secret deleted (and kept 90 days under purge protection) never blocks its successor. */
  vaultSecret(logical: string, base: string, value: pulumi.Output<string>, contentType: string, opts: pulumi.CustomResourceOptions): VaultSecret;
  /** The PostgreSQL private DNS zone and its link to the network (servers wait for the link). */
  postgresDns(): { zone: privatedns.PrivateZone; link: privatedns.VirtualNetworkLink };
  /** Role definition id of the stack's write-only blob role, once it can be assigned (after a wait for it to replicate). */
  blobWriterRoleId(): pulumi.Output<string>;
  /** Role definition id of the stack's job-starter role (start a Container Apps job and read its executions), once it can be assigned. */
  jobStarterRoleId(): pulumi.Output<string>;
  /** The stack's Backup vault for databases' kept backups, in a resource group of its own (both retained on delete: backup.ts). */
  backupVault(): BackupVault;
  /** The denyAction policy that keeps deletion-protected storage accounts (and their resource group) from being deleted. */
  keepDataPolicy(): authorization.PolicyAssignment;
}

const delegation = (serviceName: string) => ({ name: serviceName.replace(/[/.]/g, "-"), serviceName });

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}

/** The keep-data policy rule: deny deleting a storage account tagged on, and deleting its resource group (https://learn.microsoft.com/azure/governance/policy/concepts/effect-deny-action). */
export const KEEP_DATA_RULE = {
  if: { allOf: [{ field: "type", equals: "Microsoft.Storage/storageAccounts" }, { field: `tags['${PROTECTION_TAG}']`, equals: "on" }] },
  // biome-ignore lint/suspicious/noThenProperty: Azure Policy's rule format names its effect "then"; Pulumi only awaits a function-valued then.
  then: { effect: "denyAction", details: { actionNames: ["delete"], cascadeBehaviors: { resourceGroup: "deny" } } },
};

/** The ARM id of a resource group, and of a resource in it. */
const groupId = (sub: string, rg: string) => `/subscriptions/${sub}/resourceGroups/${rg}`;

interface Network {
  resourceGroup?: resources.ResourceGroup;
  networkResourceGroup?: resources.ResourceGroup;
  /** The resource group the stack-made network is in: the stack's own for stacks that have always had it there, else `networkResourceGroup`. */
  networkGroupName?: pulumi.Output<string>;
  resourceGroupName: pulumi.Output<string>;
  groupName: string;
  resourceGroupId: pulumi.Output<string>;
  virtualNetwork?: network.VirtualNetwork;
  virtualNetworkId: pulumi.Output<string>;
  subnetId(name: string): pulumi.Output<string>;
  appsSubnet: string;
  databaseSubnet: string;
  jobsSubnet?: string;
}

/**
 * The PostgreSQL subnet's only ways out: Azure Storage (WAL archiving and backups) and Microsoft Entra ID (Entra
 * sign-ins), by service tag; everything else on the internet is denied
 * (https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-private#virtual-network-concepts).
 * Traffic inside the virtual network keeps the default rules (AllowVnetInBound, AllowVnetOutBound).
 */
export const DATABASE_SUBNET_RULES: netInputs.network.SecurityRuleArgs[] = [
  { name: "allow-storage", priority: 100, direction: "Outbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "VirtualNetwork", sourcePortRange: "*", destinationAddressPrefix: "Storage", destinationPortRange: "443" },
  { name: "allow-entra-id", priority: 110, direction: "Outbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "VirtualNetwork", sourcePortRange: "*", destinationAddressPrefix: "AzureActiveDirectory", destinationPortRange: "443" },
  { name: "deny-internet", priority: 4000, direction: "Outbound", access: "Deny", protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "Internet", destinationPortRange: "*" },
];

/** Freehold's own resource group and network (the network in a resource group of its own, retained on delete). */
function ownNetwork(stack: StackContext, s: string, opts: pulumi.CustomResourceOptions): Network {
  const location = stack.region.region;
  const tags = stack.tags;
  const groupName = names.resourceGroup(stack.prefix);
  const resourceGroup = new resources.ResourceGroup(`${s}-rg`, { resourceGroupName: groupName, location, tags }, opts);
  // New whenever the network is created again (after a destroy, or in another region): its predecessor may still hold
  // a subnet Azure has not released.
  const suffix = new random.RandomString(`${s}-network-suffix`, { length: 6, special: false, upper: false, numeric: true, lower: true, keepers: { location } }, opts);
  const kept = { ...opts, retainOnDelete: true };
  const networkGroup = new resources.ResourceGroup(`${s}-network-rg`, { resourceGroupName: pulumi.interpolate`${names.networkResourceGroup(stack.prefix)}-${suffix.result}`, location, tags }, kept);
  // A stack first deployed while the network lived in the stack's own resource group keeps it there: moving it gives
  // it a new id, and every server and environment in its subnets would be replaced (live.ts networkInStackGroup).
  // The resource group of its own then stays empty (and free).
  const inStackGroup = pulumi.output(networkInStackGroup(groupName, names.virtualNetwork(stack.prefix), { parent: opts.parent }));
  const networkGroupName = pulumi.all([inStackGroup, networkGroup.name]).apply(([legacy, own]) => (legacy ? groupName : own));
  const databaseNsg = new network.NetworkSecurityGroup(
    `${s}-postgres-nsg`,
    { resourceGroupName: networkGroupName, location, tags, networkSecurityGroupName: `${names.virtualNetwork(stack.prefix)}-postgres`, securityRules: DATABASE_SUBNET_RULES },
    kept,
  );
  // Subnets inline: one resource, no races between subnet operations on the same network, and the list is the whole truth.
  const virtualNetwork = new network.VirtualNetwork(
    `${s}-vnet`,
    {
      resourceGroupName: networkGroupName,
      location,
      tags,
      virtualNetworkName: names.virtualNetwork(stack.prefix),
      addressSpace: { addressPrefixes: [ADDRESS_SPACE] },
      subnets: [
        // The apps subnet keeps the platform's outbound path: replicas and jobs pull images from public registries. Its
        // Storage service endpoint is what lets a store that answers only the stack's network answer its apps.
        { name: APPS_SUBNET.name, addressPrefix: APPS_SUBNET.prefix, serviceEndpoints: [{ service: "Microsoft.Storage" }], delegations: [delegation(APPS_SUBNET.delegation)] },
        // No internet for the database: only Storage (by a service endpoint, on the backbone) and Entra ID, by the NSG.
        {
          name: DATABASE_SUBNET.name,
          addressPrefix: DATABASE_SUBNET.prefix,
          defaultOutboundAccess: true,
          networkSecurityGroup: { id: databaseNsg.id },
          serviceEndpoints: [{ service: "Microsoft.Storage" }],
          delegations: [delegation(DATABASE_SUBNET.delegation)],
        },
        // One-off containers (the migration runbook's jump container): they pull a public image, so this subnet keeps the platform's outbound path.
        { name: JOBS_SUBNET.name, addressPrefix: JOBS_SUBNET.prefix, serviceEndpoints: [{ service: "Microsoft.Storage" }], delegations: [delegation(JOBS_SUBNET.delegation)] },
      ],
    },
    kept,
  );
  return {
    resourceGroup,
    networkResourceGroup: networkGroup,
    networkGroupName,
    resourceGroupName: resourceGroup.name,
    groupName,
    resourceGroupId: resourceGroup.id,
    virtualNetwork,
    virtualNetworkId: virtualNetwork.id,
    subnetId: (name) => pulumi.interpolate`${virtualNetwork.id}/subnets/${name}`,
    appsSubnet: APPS_SUBNET.name,
    databaseSubnet: DATABASE_SUBNET.name,
    jobsSubnet: JOBS_SUBNET.name,
  };
}

/** The stack's own network (`network.azure`): ids built from names, nothing created. */
function existingNetwork(existing: NonNullable<NonNullable<StackContext["network"]>["azure"]>, subscription: pulumi.Output<string>): Network {
  const rgId = subscription.apply((sub) => groupId(sub, existing.resourceGroupName));
  const vnetId = pulumi.interpolate`${rgId}/providers/Microsoft.Network/virtualNetworks/${existing.virtualNetworkName}`;
  return {
    resourceGroupName: pulumi.output(existing.resourceGroupName),
    groupName: existing.resourceGroupName,
    resourceGroupId: rgId,
    virtualNetworkId: vnetId,
    subnetId: (name) => pulumi.interpolate`${vnetId}/subnets/${name}`,
    appsSubnet: existing.appsSubnetName,
    databaseSubnet: existing.databaseSubnetName,
    ...(existing.jobsSubnetName ? { jobsSubnet: existing.jobsSubnetName } : {}),
  };
}

/** Stacks (by their Pulumi stack resource) that have been told what the deploying identity needs. */
const told = new WeakSet<object>();

export function createPlatform(stack: StackContext, parent: pulumi.Resource): AzurePlatform {
  const opts = { parent };
  const location = stack.region.region;
  const tags = stack.tags;
  const s = logicalName(parent) || stack.name;

  // Said once per program run: `freehold plan` shows it, and so does `pulumi up`.
  const scope = pulumi.runtime.getStackResource() ?? parent;
  if (!told.has(scope)) {
    told.add(scope);
    pulumi.log.warn(prerequisites(Boolean(stack.network?.azure)));
  }

  const client = once(() => authorization.getClientConfigOutput({ parent }));
  const net = stack.network?.azure ? existingNetwork(stack.network.azure, client().subscriptionId) : ownNetwork(stack, s, opts);
  const resourceGroupName = net.resourceGroupName;

  const workspace = once(
    () =>
      new operationalinsights.Workspace(
        `${s}-logs`,
        { resourceGroupName, location, tags, workspaceName: names.workspace(stack.prefix), sku: { name: "PerGB2018" }, retentionInDays: LOG_RETENTION_DAYS },
        opts,
      ),
  );

  const auditLogs = (logical: string, resourceUri: pulumi.Input<string>, categories: readonly string[], logOpts: pulumi.CustomResourceOptions) =>
    new monitor.DiagnosticSetting(
      logical,
      { resourceUri, name: AUDIT_SETTING, workspaceId: workspace().id, logs: categories.map((category) => ({ category, enabled: true })) },
      logOpts,
    );

  const environment = once(() => {
    const logs = workspace();
    const keys = operationalinsights.getSharedKeysOutput({ resourceGroupName, workspaceName: logs.name }, { parent });
    return new app.ManagedEnvironment(
      `${s}-env`,
      {
        resourceGroupName,
        location,
        tags,
        environmentName: names.environment(stack.prefix),
        workloadProfiles: [{ name: CONSUMPTION_PROFILE, workloadProfileType: CONSUMPTION_PROFILE }],
        vnetConfiguration: { infrastructureSubnetId: net.subnetId(net.appsSubnet), internal: false },
        zoneRedundant: stack.region.zones > 0,
        // Traffic between apps in the environment (a private service's callers) is encrypted.
        peerTrafficConfiguration: { encryption: { enabled: true } },
        appLogsConfiguration: {
          destination: "log-analytics",
          logAnalyticsConfiguration: { customerId: logs.customerId, sharedKey: pulumi.secret(keys.apply((k) => k?.primarySharedKey ?? "")) },
        },
      },
      opts,
    );
  });

  const vault = once(() => {
    const v = makeVault();
    // Every secret read and every change, for investigations (Key Vault's AuditEvent log).
    auditLogs(`${s}-vault-audit`, v.id, VAULT_AUDIT_LOGS, opts);
    return v;
  });

  const makeVault = () => {
    // A deleted vault keeps its name for 90 days (soft delete with purge protection): a new vault after a
    // destroy, or in a new region, must not reuse it. The suffix is new whenever the vault is.
    const suffix = new random.RandomString(`${s}-vault-suffix`, { length: 6, special: false, upper: false, numeric: true, lower: true, keepers: { location } }, opts);
    return new keyvault.Vault(
      `${s}-vault`,
      {
        resourceGroupName,
        location,
        tags,
        vaultName: pulumi.interpolate`${names.keyVault(stack.prefix)}-${suffix.result}`,
        properties: {
          tenantId: client().tenantId,
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
      opts,
    );
  };

  const vaultSecret = (logical: string, base: string, value: pulumi.Output<string>, contentType: string, secretOpts: pulumi.CustomResourceOptions): VaultSecret => {
    const v = vault();
    // A deleted secret keeps its name as long as the vault keeps deleted secrets; the suffix is new whenever the secret is.
    const suffix = new random.RandomString(`${logical}-suffix`, { length: 6, special: false, upper: false, numeric: true, lower: true }, { parent: secretOpts.parent });
    const secretName = pulumi.interpolate`${base}-${suffix.result}`;
    const secret = new keyvault.Secret(
      logical,
      {
        resourceGroupName,
        vaultName: v.name,
        secretName,
        // The tag finds the secret whatever its suffix (the migration runbook's password command uses it).
        tags: { ...tags, "freehold-secret": base },
        properties: pulumi.secret({ value, contentType }),
      },
      secretOpts,
    );
    return { secret, url: pulumi.interpolate`https://${v.name}.vault.azure.net/secrets/${secretName}`, id: secret.id };
  };

  const postgresDns = once(() => {
    const zone = new privatedns.PrivateZone(`${s}-pgdns`, { resourceGroupName, location: "global", tags, privateZoneName: names.postgresDnsZone(stack.prefix) }, opts);
    const link = new privatedns.VirtualNetworkLink(
      `${s}-pgdns-link`,
      {
        resourceGroupName,
        location: "global",
        tags,
        privateZoneName: zone.name,
        virtualNetworkLinkName: `${names.virtualNetwork(stack.prefix)}-link`,
        virtualNetwork: { id: net.virtualNetworkId },
        registrationEnabled: false,
      },
      opts,
    );
    return { zone, link };
  });

  /**
   * A custom role of the stack's (role names are unique in the tenant; a resource group the stack brings may hold
   * several stacks), assignable only in its resource group, and its id once it can be assigned: a new custom role is
   * not assignable until it has replicated (RoleDefinitionDoesNotExist meanwhile), so its id waits 600 s.
   */
  const customRole = (key: string, title: string, description: string, permissions: authorization.RoleDefinitionArgs["permissions"]) => {
    const c = client();
    const guid = pulumi.all([c.subscriptionId, resourceGroupName]).apply(([sub, rg]) => deterministicGuid(`freehold-${key}`, sub, rg, stack.prefix));
    const role = new authorization.RoleDefinition(
      `${s}-${key}`,
      {
        roleDefinitionId: guid,
        roleName: pulumi.interpolate`${title} (${stack.prefix}, ${resourceGroupName}, ${c.subscriptionId})`,
        description,
        roleType: "CustomRole",
        scope: net.resourceGroupId,
        assignableScopes: [net.resourceGroupId],
        permissions,
      },
      opts,
    );
    const replicated = new time.Sleep(`${s}-${key}-wait`, { createDuration: RBAC_PROPAGATION, triggers: { role: guid } }, { parent, dependsOn: [role] });
    return pulumi.all([replicated.id, role.id, c.subscriptionId, guid]).apply(([, , sub, g]) => `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${g}`);
  };

  const blobWriterRoleId = once(() =>
    customRole("blob-writer", "Freehold Blob Writer", "Write and append blobs; no read, no delete. Created by Freehold for write-only links.", [{ actions: [], dataActions: [...BLOB_ROLES.write.dataActions] }]),
  );

  // Start a Container Apps job and read its executions: no write, no console (the built-in Container Apps Jobs
  // Operator also allows exec into a running execution, which would reach the role job's administrator password).
  const jobStarterRoleId = once(() =>
    customRole("job-starter", "Freehold Job Starter", "Start a Container Apps job and read its executions. Created by Freehold for the database role jobs.", [{ actions: [...JOB_STARTER.actions], dataActions: [] }]),
  );

  const keepDataPolicy = once(() => {
    const c = client();
    const definition = new authorization.PolicyDefinition(
      `${s}-keep-data`,
      {
        // One per stack's resource group: definitions live in the subscription, beside other stacks'.
        policyDefinitionName: pulumi.all([c.subscriptionId, resourceGroupName, stack.prefix]).apply(([sub, rg, prefix]) => deterministicGuid("freehold-keep-data", sub, rg, prefix)),
        policyType: "Custom",
        mode: "Indexed",
        displayName: pulumi.interpolate`Freehold: keep deletion-protected data (${resourceGroupName})`,
        description: `Denies deleting storage accounts tagged ${PROTECTION_TAG}=on, and deleting their resource group. Set deletionProtection: false and deploy to lift it.`,
        metadata: { category: "Freehold" },
        policyRule: KEEP_DATA_RULE,
      },
      opts,
    );
    return new authorization.PolicyAssignment(
      `${s}-keep-data`,
      {
        policyAssignmentName: physicalName([stack.prefix, "keep-data"], { maxLength: 64 }),
        scope: net.resourceGroupId,
        policyDefinitionId: definition.id,
        displayName: "Freehold: keep deletion-protected data",
        description: "Deleting a storage account Freehold protects (or its resource group) is denied while its deletionProtection is on.",
        enforcementMode: "Default",
      },
      opts,
    );
  });

  return {
    stack,
    parent,
    location,
    zonal: stack.region.zones > 0,
    tags,
    ...(net.resourceGroup ? { resourceGroup: net.resourceGroup } : {}),
    ...(net.networkResourceGroup ? { networkResourceGroup: net.networkResourceGroup } : {}),
    ...(net.networkGroupName ? { networkGroupName: net.networkGroupName } : {}),
    resourceGroupName,
    groupName: net.groupName,
    resourceGroupId: net.resourceGroupId,
    ...(net.virtualNetwork ? { virtualNetwork: net.virtualNetwork } : {}),
    virtualNetworkId: net.virtualNetworkId,
    appsSubnetId: net.subnetId(net.appsSubnet),
    databaseSubnetId: net.subnetId(net.databaseSubnet),
    ...(net.jobsSubnet ? { jobsSubnetId: net.subnetId(net.jobsSubnet) } : {}),
    client,
    workspace,
    auditLogs,
    environment,
    vault,
    vaultSecret,
    postgresDns,
    blobWriterRoleId,
    jobStarterRoleId,
    backupVault: once(() => createBackupVault(stack, parent)),
    keepDataPolicy,
  };
}
