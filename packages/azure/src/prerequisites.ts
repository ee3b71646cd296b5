/**
 * What an Azure subscription and the identity that runs `pulumi up` need before
 * the first deployment. `freehold plan` on Azure prints it once (the platform
 * logs it as a warning, which plans collect), and docs/azure.md lists it.
 */

/** The tag that marks a storage account as deletion-protected: the keep-data policy denies deleting it while it says "on". */
export const PROTECTION_TAG = "freehold-deletion-protection";

/** Resource providers the backend's resource types belong to (https://learn.microsoft.com/azure/azure-resource-manager/management/azure-services-resource-providers). */
export const RESOURCE_PROVIDERS = [
  "Microsoft.App",
  "Microsoft.OperationalInsights",
  "Microsoft.DBforPostgreSQL",
  "Microsoft.KeyVault",
  "Microsoft.Network",
  "Microsoft.Storage",
  "Microsoft.ManagedIdentity",
  // Deployment scripts run in a container group (the run that waits for each database's role job), and so does the
  // migration runbook's jump container.
  "Microsoft.ContainerInstance",
  // Diagnostic settings: audit logs of the vault, the servers and the stores, sent to the workspace.
  "Microsoft.Insights",
  // The Backup vault that keeps a database's backups after it is deleted (backups.keepOnDelete).
  "Microsoft.DataProtection",
] as const;

/** Built-in roles the deploying identity needs, and why (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
export const DEPLOYER_ROLES = [
  { role: "Contributor", why: "create the resource group and every resource in it" },
  {
    role: "User Access Administrator",
    why: "role assignments for links, role jobs and the Backup vault (Microsoft.Authorization/roleAssignments/*), the write-only blob and job-starter custom roles (roleDefinitions/*) and the database's CanNotDelete lock (locks/*: only Owner and User Access Administrator have it)",
  },
  { role: "Resource Policy Contributor", why: "the keep-data denyAction policy for deletion-protected object stores (policyDefinitions/* at the subscription, policyAssignments/* at the resource group)" },
] as const;

/** The sentence `freehold plan` prints once for an Azure stack. */
export function prerequisites(existingNetwork: boolean): string {
  const where = existingNetwork ? "on the stack's resource group (Resource Policy Contributor on the subscription, Network Contributor on the virtual network to join its subnets)" : "on the subscription";
  return (
    `Azure prerequisites: register the resource providers ${RESOURCE_PROVIDERS.join(", ")} (az provider register --namespace <name>), ` +
    `and give the identity that runs pulumi up ${DEPLOYER_ROLES.map((r) => r.role).join(", ")} ${where}. ` +
    "Owner covers all three. See docs/azure.md, 'What the deploying identity needs'."
  );
}
