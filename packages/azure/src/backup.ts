/**
 * `backups.keepOnDelete`: backups that outlive the database.
 *
 * A flexible server's own backups go with it: a deleted server can be restored
 * for five days only (https://learn.microsoft.com/azure/postgresql/backup-restore/how-to-restore-dropped-server),
 * and a server has no final backup on delete. Azure's way to keep backups past
 * the server is Azure Backup's long-term retention for flexible servers: a
 * Backup vault takes a full backup on a schedule into storage outside the
 * subscription, kept by the vault's policy whatever happens to the server
 * (https://learn.microsoft.com/azure/backup/backup-azure-database-postgresql-flex-overview).
 *
 * So each stack with such a database gets a Backup vault, in a resource group
 * of its own, and each such database a policy (a full backup every week, kept
 * three months: Azure Backup's default for this data source) and a backup
 * instance. The vault's identity may read the server's resource group and
 * take its backups ("PostgreSQL Flexible Server Long Term Retention Backup
 * Role" and Reader, on that group). The vault and its resource group are
 * retained on delete, and the policy and the instance are deleted with the
 * server without a call to Azure (`deletedWith`): removing the database or
 * destroying the stack leaves the backups taken so far in the vault for the
 * policy's three months (restore them as files, then `pg_restore`), while
 * turning `keepOnDelete` off on a live database stops the protection. A vault
 * with backups cannot be deleted, so it is not in the stack's resource group.
 * Each is named with a suffix that is new whenever it is created, so a
 * database added back, or a stack deployed again, starts beside what was kept.
 *
 * What this is not: a final backup at the moment of deletion (Azure takes
 * none), so up to a week of changes is only in the server's own backups, kept
 * five days.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as dataprotection from "@pulumi/azure-native/dataprotection";
import type * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as resources from "@pulumi/azure-native/resources";
import * as random from "@pulumi/random";
import * as time from "@pulumiverse/time";
import { type DatabaseRequest, logicalName, physicalName, type StackContext } from "@freehold/core";
import { builtInRole } from "./container";
import { deterministicGuid, names } from "./naming";
import { RBAC_PROPAGATION, type AzurePlatform } from "./network";

/** The schedule and retention of the kept backups: a full backup a week, kept three months. */
export const KEPT_BACKUP = { every: "P1W", keptFor: "P3M", weeks: 13, firstAt: "2024-01-07T02:00:00+00:00" } as const;
export const BACKUP_DATASOURCE = "Microsoft.DBforPostgreSQL/flexibleServers";
/**
 * What the vault's identity needs for a flexible server's backups (Microsoft's Az.DataProtection manifest for this
 * data source: datasourcePermissions and datasourceRGPermissions), by built-in role id
 * (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/databases#postgresql-flexible-server-long-term-retention-backup-role).
 */
export const BACKUP_ROLES = {
  server: { role: "PostgreSQL Flexible Server Long Term Retention Backup Role", builtInId: "c088a766-074b-43ba-90d4-1fb21feae531", dataActions: [] as const },
  group: { role: "Reader", builtInId: "acdd72a7-3385-48ef-bd42-f606fba81ae7", dataActions: [] as const },
};

/** The stack's Backup vault and the resource group it lives in (both retained on delete). */
export interface BackupVault {
  /** Created here; undefined where the stack brings its own resource group, which Freehold never deletes (the vault goes there). */
  group?: resources.ResourceGroup;
  groupName: pulumi.Output<string>;
  vault: dataprotection.BackupVault;
  /** The stack's logical name and the vault's parent: the vault's grants, made once for every database, are named and placed by them. */
  logical: string;
  parent: pulumi.Resource;
}

export function createBackupVault(stack: StackContext, parent: pulumi.Resource): BackupVault {
  const s = logicalName(parent) || stack.name;
  const location = stack.region.region;
  const tags = stack.tags;
  const opts = { parent };
  const kept = { parent, retainOnDelete: true };
  const suffix = new random.RandomString(`${s}-backup-suffix`, { length: 6, special: false, upper: false, numeric: true, lower: true, keepers: { location } }, opts);
  const own = stack.network?.azure?.resourceGroupName;
  const group = own ? undefined : new resources.ResourceGroup(`${s}-backup-rg`, { resourceGroupName: pulumi.interpolate`${names.backupResourceGroup(stack.prefix)}-${suffix.result}`, location, tags }, kept);
  const groupName = group ? group.name : pulumi.output(own as string);
  const vault = new dataprotection.BackupVault(
    `${s}-backup-vault`,
    {
      resourceGroupName: groupName,
      location,
      tags,
      vaultName: pulumi.interpolate`${names.backupVault(stack.prefix)}-${suffix.result}`,
      identity: { type: "SystemAssigned" },
      properties: {
        // Locally redundant: the copies stay in the stack's region.
        storageSettings: [{ datastoreType: "VaultStore", type: "LocallyRedundant" }],
        // A deleted backup stays recoverable for 14 days.
        securitySettings: { softDeleteSettings: { state: "On", retentionDurationInDays: 14 } },
      },
    },
    kept,
  );
  return { ...(group ? { group } : {}), groupName, vault, logical: s, parent };
}

/** The vault's grants and the wait for them: one pair for the stack (each is at its resource group), made with the first database that keeps backups. */
const vaultGrants = new WeakMap<dataprotection.BackupVault, { serverAccess: authorization.RoleAssignment; groupAccess: authorization.RoleAssignment; wait: time.Sleep }>();

/** The child resources `backups.keepOnDelete` adds to a database, by role. */
export interface KeptBackupResources {
  backupPolicy: dataprotection.BackupPolicy;
  backupInstance: dataprotection.BackupInstance;
  backupServerAccess: authorization.RoleAssignment;
  backupGroupAccess: authorization.RoleAssignment;
  backupGrantsWait: time.Sleep;
}

/** The policy's rules: a full backup into the vault every week, kept three months. */
export const keptBackupRules = (): dataprotection.BackupPolicyArgs["properties"] => ({
  objectType: "BackupPolicy",
  datasourceTypes: [BACKUP_DATASOURCE],
  policyRules: [
    {
      objectType: "AzureBackupRule",
      name: "BackupWeekly",
      backupParameters: { objectType: "AzureBackupParams", backupType: "Full" },
      dataStore: { objectType: "DataStoreInfoBase", dataStoreType: "VaultStore" },
      trigger: {
        objectType: "ScheduleBasedTriggerContext",
        schedule: { repeatingTimeIntervals: [`R/${KEPT_BACKUP.firstAt}/${KEPT_BACKUP.every}`], timeZone: "UTC" },
        taggingCriteria: [{ isDefault: true, taggingPriority: 99, tagInfo: { tagName: "Default" } }],
      },
    },
    {
      objectType: "AzureRetentionRule",
      name: "Default",
      isDefault: true,
      lifecycles: [{ deleteAfter: { objectType: "AbsoluteDeleteOption", duration: KEPT_BACKUP.keptFor }, sourceDataStore: { objectType: "DataStoreInfoBase", dataStoreType: "VaultStore" } }],
    },
  ],
});

/**
 * The vault's identity's two roles at the stack's resource group, and a wait until they apply. Both at the resource
 * group: the role's resourceGroups/read applies only there, and an assignment on a server would sit under its
 * CanNotDelete lock, so turning keepOnDelete off while protected could not remove it. One pair for the stack: an
 * assignment's name is a hash of its scope, principal and role, so a second database would ask for the same one.
 */
function backupVaultGrants(p: AzurePlatform, bv: BackupVault) {
  const made = vaultGrants.get(bv.vault);
  if (made) return made;
  const opts = { parent: bv.parent };
  const principal = bv.vault.identity.apply((i) => i?.principalId ?? "");
  const grant = (key: string, role: (typeof BACKUP_ROLES)[keyof typeof BACKUP_ROLES], scope: pulumi.Input<string>) =>
    new authorization.RoleAssignment(
      `${bv.logical}-${key}`,
      {
        roleAssignmentName: pulumi.all([scope, principal]).apply(([sc, pr]) => deterministicGuid(sc, pr, role.builtInId)),
        principalId: principal,
        principalType: "ServicePrincipal",
        roleDefinitionId: builtInRole(p, role.builtInId),
        scope,
        description: `Freehold kept backups of ${p.stack.name}: ${role.role}`,
      },
      opts,
    );
  const serverAccess = grant("backup-server-access", BACKUP_ROLES.server, p.resourceGroupId);
  const groupAccess = grant("backup-group-access", BACKUP_ROLES.group, p.resourceGroupId);
  // The vault checks its permissions when an instance is configured: after they have taken effect.
  const wait = new time.Sleep(
    `${bv.logical}-backup-grants-wait`,
    { createDuration: RBAC_PROPAGATION, triggers: { grants: pulumi.all([serverAccess.id, groupAccess.id]).apply((ids) => ids.join(",")) } },
    { ...opts, dependsOn: [serverAccess, groupAccess] },
  );
  const grants = { serverAccess, groupAccess, wait };
  vaultGrants.set(bv.vault, grants);
  return grants;
}

/** A database's kept backups: policy, grants for the vault, and the backup instance. */
export function keptBackups(
  req: DatabaseRequest,
  p: AzurePlatform,
  vendor: <T extends object>(role: string, args: T) => T,
  server: dbforpostgresql.Server,
  after: { dependsOn: pulumi.Resource[] },
): { created: KeptBackupResources; description: string; dataLocations: Array<{ region: string; use: string }> } {
  const { name } = req;
  const opts = { parent: req.parent };
  // Not deleted with the server (removing the database, a destroy): the backups stay. Deleted when keepOnDelete is
  // turned off and the server stays (protection stops, and the vault deletes the backups after its soft delete).
  const kept = { parent: req.parent, deletedWith: server };
  const { vault, groupName } = p.backupVault();
  // New with the database: a database added back gets a policy and an instance of its own beside the kept ones.
  const suffix = new random.RandomString(`${name}-backup-suffix`, { length: 6, special: false, upper: false, numeric: true, lower: true }, opts);
  const policy = new dataprotection.BackupPolicy(
    `${name}-backup-policy`,
    { resourceGroupName: groupName, vaultName: vault.name, backupPolicyName: pulumi.interpolate`${physicalName([req.qualifiedName, "weekly"], { maxLength: 40 })}-${suffix.result}`, properties: keptBackupRules() },
    kept,
  );
  const { serverAccess, groupAccess, wait } = backupVaultGrants(p, p.backupVault());
  const instance = new dataprotection.BackupInstance(
    `${name}-backup`,
    vendor("backupInstance", {
      resourceGroupName: groupName,
      vaultName: vault.name,
      backupInstanceName: pulumi.interpolate`${physicalName([p.stack.prefix, req.qualifiedName], { maxLength: 60 })}-${suffix.result}`,
      tags: p.tags,
      properties: {
        objectType: "BackupInstance",
        friendlyName: pulumi.interpolate`${server.name}`,
        dataSourceInfo: {
          objectType: "Datasource",
          datasourceType: BACKUP_DATASOURCE,
          resourceType: BACKUP_DATASOURCE,
          resourceID: server.id,
          resourceName: server.name,
          resourceLocation: p.location,
          resourceUri: server.id,
        },
        policyInfo: { policyId: policy.id },
      },
    }),
    { ...kept, dependsOn: [wait, ...after.dependsOn] },
  );
  return {
    created: { backupPolicy: policy, backupInstance: instance, backupServerAccess: serverAccess, backupGroupAccess: groupAccess, backupGrantsWait: wait },
    description: `a full backup every week in an Azure Backup vault, each kept three months, after the server is deleted too (the vault is left by a destroy)`,
    dataLocations: [],
  };
}
