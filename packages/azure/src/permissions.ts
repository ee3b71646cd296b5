/**
 * The one table mapping neutral access to Azure RBAC roles. Built-in role
 * definition GUIDs are fixed across every Azure tenant:
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
 * Roles are assigned at the narrowest scope: the blob container, the Key Vault secret.
 */
import type { Access } from "@freehold/model";

export interface RoleGrant {
  /** The role's display name. */
  role: string;
  /** Built-in role definition GUID; undefined for Freehold's own (custom) role. */
  builtInId?: string;
  /** The data actions the role allows: for reports and for the custom role. No wildcards. */
  dataActions: readonly string[];
}

const BLOB = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs";

export const BLOB_ROLES: Record<Access, RoleGrant> = {
  read: {
    role: "Storage Blob Data Reader",
    builtInId: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    dataActions: [`${BLOB}/read`],
  },
  // No built-in role writes without reading or deleting, so write-only is a custom role (one per stack).
  write: {
    role: "Freehold Blob Writer",
    dataActions: [`${BLOB}/write`, `${BLOB}/add/action`],
  },
  readWrite: {
    role: "Storage Blob Data Contributor",
    builtInId: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    dataActions: [`${BLOB}/read`, `${BLOB}/write`, `${BLOB}/delete`, `${BLOB}/add/action`, `${BLOB}/move/action`],
  },
};

/** What a web service gets on a linked database's password secret: read that one secret's value. */
export const SECRET_READER: RoleGrant = {
  role: "Key Vault Secrets User",
  builtInId: "4633458b-17de-408a-b874-0445c86b69e6",
  dataActions: ["Microsoft.KeyVault/vaults/secrets/getSecret/action", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"],
};

/**
 * What a web service gets on a linked store's account, besides its container role: a user delegation key, so
 * the app can sign time-limited URLs (a user delegation SAS) whose rights are capped by its container role.
 * "The generateUserDelegationKey action must be scoped at the level of the storage account, the resource group,
 * or the subscription": https://learn.microsoft.com/rest/api/storageservices/create-user-delegation-sas#assign-permissions-with-rbac
 */
export const BLOB_DELEGATOR: RoleGrant = {
  role: "Storage Blob Delegator",
  builtInId: "db58b8e5-c6ad-4a2a-8342-4190687cbf4a",
  dataActions: [],
};

/** The role definition id ARM expects for a role assignment. */
export function roleDefinitionId(subscriptionId: string, guid: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}

/**
 * What the run that starts a database's role job may do: start that job and read its executions
 * (https://learn.microsoft.com/rest/api/resource-manager/containerapps/jobs/start). A custom role, because the built-in
 * Container Apps Jobs Operator (b9a307c4-5aa3-4b52-ba60-2b17c136cd7b) also has `jobs/exec/action`, a console into a
 * running execution, which holds the administrator's password
 * (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/containers#container-apps-jobs-operator).
 */
export const JOB_STARTER = {
  role: "Freehold Job Starter",
  // `jobs/*/read` as in the built-in role: it covers the executions (the operation names under a job are the provider's).
  actions: ["Microsoft.App/jobs/read", "Microsoft.App/jobs/*/read", "Microsoft.App/jobs/start/action"],
} as const;
