/**
 * The Azure rule book, from Azure Resource Manager and service documentation
 * (each rule names its page). Names are unique per resource group unless a
 * rule says the subscription or the whole of Azure.
 */
import type { CloudObject, CloudRules, RuleContext, TypeRule } from "../types";
import { COMPANIONS, nameCheck, noDoubleHyphen, sameRegion } from "./common";

const DOC = {
  names: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules",
  rgDelete: "https://learn.microsoft.com/azure/azure-resource-manager/management/delete-resource-group",
  locks: "https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources",
  kvSoftDelete: "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview",
  rbacDelay: "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected",
  rbacExists: "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-already-exists",
  tags: "https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations",
  acaEnv: "https://learn.microsoft.com/azure/container-apps/environment",
  acaSecrets: "https://learn.microsoft.com/azure/container-apps/manage-secrets#reference-secret-from-key-vault",
  vnetDelete: "https://learn.microsoft.com/azure/virtual-network/manage-virtual-network#delete-a-virtual-network",
  pgNetwork: "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-private",
  pgStorage: "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-storage",
  dnsLinks: "https://learn.microsoft.com/azure/dns/private-dns-virtual-network-links",
  regions: "https://learn.microsoft.com/azure/reliability/regions-list",
} as const;

const RG = "azure-native:resources:ResourceGroup";
const LOCK = "azure-native:authorization:ManagementLockByScope";

/** ARM's parent-child links: an object lies under what these inputs reference (a lock or a resource group covers everything under it). */
const PARENT_FIELDS = ["resourceGroupName", "serverName", "accountName", "vaultName", "privateZoneName", "scope"] as const;

function under(obj: CloudObject, ancestor: CloudObject, ctx: RuleContext, seen = new Set<string>()): boolean {
  if (seen.has(obj.key)) return false;
  seen.add(obj.key);
  for (const f of PARENT_FIELDS) {
    for (const k of obj.references[f] ?? []) {
      if (k === ancestor.key) return true;
      const parent = ctx.get(k);
      if (parent && under(parent, ancestor, ctx, seen)) return true;
    }
  }
  return false;
}

/** Locks whose scope is the object or an ancestor of it (the lock itself may always be deleted). */
function locksOver(obj: CloudObject, ctx: RuleContext): CloudObject[] {
  return ctx
    .objects()
    .filter((l) => l.type === LOCK && l.status === "live" && l.key !== obj.key && l.inputs.level === "CanNotDelete")
    .filter((l) => (l.references.scope ?? []).some((k) => k === obj.key || (ctx.get(k) && under(obj, ctx.get(k) as CloudObject, ctx))));
}

/** Locks on objects inside a container being deleted (deleting a resource group deletes them). */
function locksInside(container: CloudObject, ctx: RuleContext): CloudObject[] {
  return ctx
    .objects()
    .filter((l) => l.type === LOCK && l.status === "live" && l.inputs.level === "CanNotDelete")
    .filter((l) => (l.references.scope ?? []).some((k) => ctx.get(k) && under(ctx.get(k) as CloudObject, container, ctx)));
}

const inGroup = (field: string) => ({ field, scope: { within: "resourceGroupName" }, source: DOC.names }) as const;

const softDeleted: TypeRule["softDelete"] = { days: 90, purgeProtectionPath: "properties.enablePurgeProtection", source: DOC.kvSoftDelete };

/** Role assignments, role definitions and locks are not regional. */
const GLOBAL_TYPES = ["azure-native:authorization:RoleAssignment", LOCK, "azure-native:authorization:RoleDefinition"];

export const AZURE_RULES: CloudRules = {
  cloud: "azure",
  packages: ["azure-native"],
  globalTypes: GLOBAL_TYPES,
  companions: COMPANIONS,
  propagation: {
    grants: ["azure-native:authorization:RoleAssignment"],
    identities: ["azure-native:managedidentity:UserAssignedIdentity"],
    seconds: 600,
    source: DOC.rbacDelay,
  },
  global: [
    {
      title: "tags: at most 50; names up to 512 without < > % & \\ ? /; values up to 256",
      source: DOC.tags,
      check: (obj) => {
        const tags = obj.inputs.tags;
        if (!tags || typeof tags !== "object") return undefined;
        const entries = Object.entries(tags as Record<string, unknown>);
        if (entries.length > 50) return `${entries.length} tags; at most 50`;
        for (const [k, v] of entries) {
          if (k.length > 512 || /[<>%&\\?/]/.test(k)) return `tag name "${k}" is not allowed`;
          if (String(v).length > 256) return `tag ${k}: value longer than 256`;
        }
        return undefined;
      },
    },
    {
      title: "CanNotDelete locks: nothing at or under a locked scope can be deleted",
      source: DOC.locks,
      onDelete: (obj, ctx) => {
        const locks = [...locksOver(obj, ctx), ...(obj.type === RG ? locksInside(obj, ctx) : [])];
        return locks.length ? `ScopeLocked: the scope cannot perform delete operation because the following scope(s) are locked: ${locks.map((l) => l.name ?? l.key).join(", ")}` : undefined;
      },
    },
    sameRegion(GLOBAL_TYPES, DOC.regions),
  ],
  types: {
    [RG]: {
      title: "resource group",
      source: DOC.rgDelete,
      identity: { field: "resourceGroupName", scope: "account", caseInsensitive: true, source: DOC.names },
      checks: [nameCheck("resourceGroupName", 1, 90, /^[-\w._()]*[-\w_()]$/, DOC.names)],
      replaceOn: [
        { path: "resourceGroupName", source: DOC.names },
        { path: "location", source: DOC.rgDelete },
      ],
      // Deleting a resource group deletes every resource in it, whatever Pulumi retains.
      contains: (other, self, ctx) => under(other, self, ctx),
    },
    "azure-native:keyvault:Vault": {
      title: "key vault",
      source: DOC.kvSoftDelete,
      identity: { field: "vaultName", scope: "global", caseInsensitive: true, source: DOC.names },
      checks: [nameCheck("vaultName", 3, 24, /^[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]$/, DOC.names, noDoubleHyphen)],
      softDelete: softDeleted,
    },
    "azure-native:keyvault:Secret": {
      title: "key vault secret",
      source: DOC.kvSoftDelete,
      identity: { field: "secretName", scope: { within: "vaultName" }, caseInsensitive: true, source: DOC.kvSoftDelete },
      checks: [nameCheck("secretName", 1, 127, /^[A-Za-z0-9-]+$/, DOC.names)],
      softDelete: softDeleted,
    },
    [LOCK]: { title: "management lock", source: DOC.locks },
    "azure-native:authorization:RoleAssignment": {
      title: "role assignment",
      source: DOC.rbacExists,
      notes: [`one assignment per principal, role and scope (RoleAssignmentExists) ([source](${DOC.rbacExists}))`],
      beforeCreate: (obj, ctx) => {
        const same = ctx
          .objects()
          .filter((o) => o.type === obj.type && o.status === "live" && o.key !== obj.key)
          .find((o) => ["principalId", "roleDefinitionId", "scope"].every((f) => JSON.stringify(o.inputs[f]) === JSON.stringify(obj.inputs[f]) && JSON.stringify(o.references[f] ?? []) === JSON.stringify(obj.references[f] ?? [])));
        return same ? `RoleAssignmentExists: The role assignment already exists (${same.owner?.urn.split("::").pop() ?? "unmanaged"}) [${DOC.rbacExists}]` : undefined;
      },
    },
    "azure-native:dbforpostgresql:Server": {
      title: "PostgreSQL flexible server",
      source: DOC.pgNetwork,
      identity: { field: "serverName", scope: "global", source: DOC.names },
      checks: [nameCheck("serverName", 3, 63, /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, DOC.names)],
      replaceOn: [
        { path: "serverName", source: DOC.names },
        { path: "location", source: DOC.pgNetwork },
        { path: "administratorLogin", source: DOC.pgNetwork },
        // The networking mode and delegated subnet are chosen at creation and cannot change.
        { path: "network.delegatedSubnetResourceId", source: DOC.pgNetwork },
        { path: "network.privateDnsZoneArmResourceId", source: DOC.pgNetwork },
      ],
      notes: [`storage can grow but never shrink ([source](${DOC.pgStorage}))`],
      beforeUpdate: (next, previous) => {
        const size = (o: CloudObject) => Number((o.inputs.storage as { storageSizeGB?: unknown } | undefined)?.storageSizeGB ?? 0);
        const held = Math.max(size(previous), Number(previous.facts.storageGB ?? 0));
        return size(next) && size(next) < held ? `Storage size cannot be reduced: the server has ${held} GB and the update asks for ${size(next)} GB [${DOC.pgStorage}]` : undefined;
      },
    },
    "azure-native:storage:StorageAccount": {
      title: "storage account",
      source: DOC.names,
      identity: { field: "accountName", scope: "global", source: DOC.names },
      checks: [nameCheck("accountName", 3, 24, /^[a-z0-9]+$/, DOC.names)],
      replaceOn: [
        { path: "accountName", source: DOC.names },
        { path: "location", source: DOC.names },
      ],
    },
    "azure-native:storage:BlobContainer": {
      title: "blob container",
      source: DOC.names,
      identity: { field: "containerName", scope: { within: "accountName" }, source: DOC.names },
      checks: [nameCheck("containerName", 3, 63, /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, DOC.names, noDoubleHyphen)],
    },
    "azure-native:app:ContainerApp": {
      title: "container app",
      source: DOC.acaSecrets,
      identity: inGroup("containerAppName"),
      checks: [nameCheck("containerAppName", 2, 32, /^[a-z][a-z0-9-]*[a-z0-9]$/, DOC.names, noDoubleHyphen)],
      readsThroughGrants: {
        when: (obj) => JSON.stringify((obj.inputs.configuration as { secrets?: unknown } | undefined)?.secrets ?? []).includes("keyVaultUrl"),
        source: DOC.acaSecrets,
      },
    },
    "azure-native:app:ManagedEnvironment": {
      title: "Container Apps environment",
      source: DOC.acaEnv,
      identity: inGroup("environmentName"),
      checks: [nameCheck("environmentName", 2, 60, /^[a-z][a-z0-9-]*[a-z0-9]$/, DOC.names, noDoubleHyphen)],
      inUseBy: [{ by: "azure-native:app:ContainerApp", field: "environmentId", error: "ManagedEnvironmentHasContainerApps: the environment still has container apps", source: DOC.acaEnv }],
    },
    "azure-native:network:VirtualNetwork": {
      title: "virtual network",
      source: DOC.vnetDelete,
      identity: inGroup("virtualNetworkName"),
      checks: [nameCheck("virtualNetworkName", 2, 64, /^[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9_]$/, DOC.names)],
      inUseBy: [
        { by: "azure-native:app:ManagedEnvironment", field: "vnetConfiguration", error: "InUseSubnetCannotBeDeleted: a subnet is in use by a Container Apps environment", source: DOC.vnetDelete },
        { by: "azure-native:dbforpostgresql:Server", field: "network", error: "InUseSubnetCannotBeDeleted: a subnet is in use by a PostgreSQL flexible server", source: DOC.vnetDelete },
        { by: "azure-native:privatedns:VirtualNetworkLink", field: "virtualNetwork", error: "InUseVirtualNetworkCannotBeDeleted: the network is linked to a private DNS zone", source: DOC.dnsLinks },
      ],
    },
    "azure-native:privatedns:PrivateZone": {
      title: "private DNS zone",
      source: DOC.dnsLinks,
      identity: inGroup("privateZoneName"),
      inUseBy: [
        { by: "azure-native:privatedns:VirtualNetworkLink", field: "privateZoneName", error: "The zone has virtual network links: delete them first", source: DOC.dnsLinks },
        { by: "azure-native:dbforpostgresql:Server", field: "network", error: "The zone is in use by a PostgreSQL flexible server", source: DOC.pgNetwork },
      ],
    },
    "azure-native:operationalinsights:Workspace": {
      title: "Log Analytics workspace",
      source: DOC.names,
      identity: inGroup("workspaceName"),
      checks: [nameCheck("workspaceName", 4, 63, /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/, DOC.names)],
    },
    "azure-native:managedidentity:UserAssignedIdentity": {
      title: "user-assigned managed identity",
      source: DOC.names,
      identity: inGroup("resourceName"),
      checks: [nameCheck("resourceName", 3, 128, /^[A-Za-z0-9][A-Za-z0-9_-]*$/, DOC.names)],
    },
  },
};

