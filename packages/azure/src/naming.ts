/**
 * Physical-name rules for every Azure resource type Freehold creates, built on
 * core's `physicalName`. Names are deterministic (stack and component names, no
 * randomness), so a plan is reproducible and an exit plan can name what exists.
 *
 * Rules: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
 */
import { createHash } from "node:crypto";
import { type NameRules, physicalName } from "@freehold/core";

export const NAME_RULES = {
  /** Microsoft.Resources/resourceGroups: 1-90, letters, digits, `-_.()`, unique per subscription. */
  resourceGroup: { maxLength: 90 },
  /** Microsoft.OperationalInsights/workspaces: 4-63, alphanumerics and hyphens. */
  workspace: { maxLength: 63, minLength: 4 },
  /** Microsoft.Network/virtualNetworks: 2-64. */
  virtualNetwork: { maxLength: 64, minLength: 2 },
  /** Microsoft.App/managedEnvironments: 2-32 here (the portal's limit), lowercase, digits, hyphens. */
  environment: { maxLength: 32, minLength: 2 },
  /** Microsoft.App/containerApps: 2-32, lowercase, digits, hyphens, letter first, no `--`. Unique per resource group. */
  containerApp: { maxLength: 32, minLength: 2 },
  /** Microsoft.ManagedIdentity/userAssignedIdentities: 3-128. */
  identity: { maxLength: 128, minLength: 3 },
  /** Microsoft.KeyVault/vaults: 3-24, alphanumerics and hyphens, letter first, no `--`, globally unique. The base leaves room for "-" and a 6-character random suffix. */
  keyVault: { maxLength: 17, minLength: 3, unique: true },
  /** Microsoft.KeyVault/vaults/secrets: 1-127, alphanumerics and hyphens. */
  secret: { maxLength: 127 },
  /** Microsoft.DBforPostgreSQL/flexibleServers: 3-63, lowercase, digits, hyphens, globally unique (DNS name). */
  postgresServer: { maxLength: 63, minLength: 3, unique: true },
  /** Microsoft.Storage/storageAccounts: 3-24 lowercase letters and digits only, globally unique. */
  storageAccount: { maxLength: 24, minLength: 3, separator: "", unique: true },
  /** Blob containers: 3-63, lowercase, digits, hyphens, no `--`. */
  blobContainer: { maxLength: 63, minLength: 3 },
  /** One DNS label of the private zone: 1-63. */
  dnsLabel: { maxLength: 63 },
} as const satisfies Record<string, NameRules>;

/** Physical names for one stack, by resource type. */
export const names = {
  resourceGroup: (stack: string) => physicalName([stack, "rg"], NAME_RULES.resourceGroup),
  /** The base of the network's resource group name: a random suffix that is new whenever the network is follows (network.ts). */
  networkResourceGroup: (stack: string) => physicalName([stack, "network"], { maxLength: NAME_RULES.resourceGroup.maxLength - 7 }),
  workspace: (stack: string) => physicalName([stack, "logs"], NAME_RULES.workspace),
  virtualNetwork: (stack: string) => physicalName([stack, "vnet"], NAME_RULES.virtualNetwork),
  environment: (stack: string) => physicalName([stack, "env"], NAME_RULES.environment),
  /**
   * Freehold's resource group is per stack, so the component name alone is unique and gives a readable URL; in a
   * resource group the stack brings (shared by its Pulumi stacks), the stack prefix keeps dev and prod apart.
   */
  containerApp: (component: string, sharedGroupPrefix?: string) => physicalName(sharedGroupPrefix ? [sharedGroupPrefix, component] : [component], NAME_RULES.containerApp),
  identity: (stack: string, component: string) => physicalName([stack, component, "id"], NAME_RULES.identity),
  /** The base of the vault name: the platform appends "-" and a random suffix that is new whenever the vault is (a deleted vault keeps its name for 90 days). */
  keyVault: (stack: string) => physicalName([stack, "kv"], NAME_RULES.keyVault),
  /** The base of a database password secret's name (a random suffix follows, for the same reason); also its `freehold-secret` tag. */
  passwordSecret: (component: string) => physicalName([component, "admin-password"], { maxLength: NAME_RULES.secret.maxLength - 7 }),
  /** The base of the read-write application role's password secret's name. */
  appPasswordSecret: (component: string) => physicalName([component, "app-password"], { maxLength: NAME_RULES.secret.maxLength - 7 }),
  /** The base of the read-only application role's password secret's name. */
  readPasswordSecret: (component: string) => physicalName([component, "read-password"], { maxLength: NAME_RULES.secret.maxLength - 7 }),
  /** The base of the kept backups' resource group (a random suffix follows: backup.ts). */
  backupResourceGroup: (stack: string) => physicalName([stack, "backup"], { maxLength: NAME_RULES.resourceGroup.maxLength - 7 }),
  /** Microsoft.DataProtection/backupVaults: 2-50, letters, digits and hyphens, letter first; the base of the name (a random suffix follows). */
  backupVault: (stack: string) => physicalName([stack, "bv"], { maxLength: 43, minLength: 2 }),
  /** The base of a role's SCRAM verifier secret's name (what the role job reads; a random suffix follows). */
  verifierSecret: (component: string, role: "app" | "read") => physicalName([component, role, "verifier"], { maxLength: NAME_RULES.secret.maxLength - 7 }),
  /** Microsoft.App/jobs: 2-32, lowercase, digits, hyphens, letter first, no `--`, unique per resource group (the database's role job). */
  roleJob: (stack: string, component: string) => physicalName([stack, component, "roles"], NAME_RULES.containerApp),
  /** Microsoft.Resources/deploymentScripts: 1-90 (the run that starts the role job and waits for its result). */
  roleJobRun: (stack: string, component: string) => physicalName([stack, component, "roles-run"], { maxLength: 90 }),
  /** The base of a private registry password secret's name. */
  registrySecret: (component: string) => physicalName([component, "registry-password"], { maxLength: NAME_RULES.secret.maxLength - 7 }),
  postgresServer: (stack: string, component: string) => physicalName([stack, component], NAME_RULES.postgresServer),
  /** `<label>.private.postgres.database.azure.com`, one zone per stack. */
  postgresDnsZone: (stack: string) => `${physicalName([stack], NAME_RULES.dnsLabel)}.private.postgres.database.azure.com`,
  storageAccount: (stack: string, component: string) => physicalName([stack, component], NAME_RULES.storageAccount),
  /** One account per object store, so the component name is unique within it. */
  blobContainer: (component: string) => physicalName([component], NAME_RULES.blobContainer),
};

/**
 * A deterministic UUID (RFC 4122 version 5 layout, SHA-1 of the parts), for
 * names Azure wants as GUIDs: role assignments and role definitions. The same
 * parts always give the same GUID, like Bicep's `guid()`.
 */
export function deterministicGuid(...parts: readonly string[]): string {
  const b = createHash("sha1").update(parts.join("\u0000")).digest().subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x50;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Child resources by role, as core's `resources` record (roles a component did not create are left out). */
export function byRole(resources: object): Record<string, import("@pulumi/pulumi").Resource> {
  return Object.fromEntries(Object.entries(resources).filter(([, r]) => r !== undefined)) as Record<string, import("@pulumi/pulumi").Resource>;
}
