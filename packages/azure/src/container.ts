/**
 * What every workload on the stack's Container Apps environment is built
 * from, whether it has ingress (a web service), none (a worker), or runs to
 * completion (a Container Apps job, such as a database's role job): its own
 * user-assigned identity, role assignments at the narrowest scope with a wait
 * until they have taken effect, Key Vault references read through that
 * identity, and the database certificate authorities as a read-only file.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import type * as inputs from "@pulumi/azure-native/types/input";
import * as time from "@pulumiverse/time";
import { DATABASE_CA_PATH, type LinkTarget } from "@freehold/core";
import { deterministicGuid, names } from "./naming";
import { RBAC_PROPAGATION, type AzurePlatform } from "./network";
import { type RoleGrant, roleDefinitionId } from "./permissions";

/** One role assignment a workload's identity gets. */
export interface Grant {
  /** The role's key in the component's `resources`: `<target>-access`, `<target>-delegate`, `admin-secret-access`... */
  key: string;
  label: string;
  role: RoleGrant;
  scope: pulumi.Input<string>;
  roleDefinitionId: pulumi.Input<string>;
}

/** The role definition id of a built-in role in the stack's subscription. */
export const builtInRole = (p: AzurePlatform, guid: string) => p.client().subscriptionId.apply((sub) => roleDefinitionId(sub, guid));

/** A workload's own identity. */
export function workloadIdentity(logical: string, qualifiedName: string, p: AzurePlatform, args: Partial<managedidentity.UserAssignedIdentityArgs>, opts: pulumi.CustomResourceOptions): managedidentity.UserAssignedIdentity {
  return new managedidentity.UserAssignedIdentity(logical, { resourceGroupName: p.resourceGroupName, location: p.location, tags: p.tags, resourceName: names.identity(p.stack.prefix, qualifiedName), ...args }, opts);
}

/**
 * The role assignments for an identity, and a wait of Azure's propagation time after them
 * (https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected),
 * triggered by their ids: a new or replaced grant runs the wait again before the workload that reads through it changes.
 * `purpose` opens each assignment's description ("link" for a workload's links, as every stack so far has it: a role
 * assignment's properties cannot change in place).
 */
export function grantAndWait(
  owner: string,
  principalId: pulumi.Output<string>,
  grants: readonly Grant[],
  opts: pulumi.CustomResourceOptions,
  purpose = "link",
): { assignments: Record<string, authorization.RoleAssignment>; wait?: time.Sleep } {
  const assignments: Record<string, authorization.RoleAssignment> = {};
  for (const g of grants) {
    const roleName = pulumi.all([g.scope, principalId, g.roleDefinitionId]).apply(([scope, principal, role]) => deterministicGuid(scope, principal, role));
    assignments[g.key] = new authorization.RoleAssignment(
      `${owner}-${g.key}`,
      {
        roleAssignmentName: roleName,
        principalId,
        // A new identity may not have replicated yet; the type lets the assignment go ahead.
        principalType: "ServicePrincipal",
        roleDefinitionId: g.roleDefinitionId,
        scope: g.scope,
        description: `Freehold ${purpose} ${owner} -> ${g.label}: ${g.role.role}`,
      },
      opts,
    );
  }
  const list = Object.values(assignments);
  if (!list.length) return { assignments };
  const wait = new time.Sleep(
    `${owner}-grants-wait`,
    { createDuration: RBAC_PROPAGATION, triggers: { grants: pulumi.all(list.map((a) => a.id)).apply((ids) => ids.join(",")) } },
    { ...opts, dependsOn: list },
  );
  return { assignments, wait };
}

/** The Container Apps secret holding the linked databases' certificate authorities, and the volume that projects it as a file. */
export const CA_SECRET = "database-ca";
export const CA_VOLUME = "freehold-tls";

/**
 * The certificate authorities of every linked database that gives them (`serverCa`), as one PEM bundle (each
 * distinct certificate once), or undefined where none does.
 */
export function databaseCaBundle(links: readonly LinkTarget[]): pulumi.Output<string> | undefined {
  const cas = links.filter((l) => l.kind === "database" && l.outputs.serverCa !== undefined).map((l) => l.outputs.serverCa as pulumi.Input<string>);
  if (!cas.length) return undefined;
  return pulumi.all(cas).apply((pems) => {
    const blocks = pems.flatMap((pem) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []);
    return `${[...new Set(blocks)].join("\n")}\n`;
  });
}

/**
 * The bundle at core's DATABASE_CA_PATH in every container: a Container Apps secret projected by a secret volume
 * (https://learn.microsoft.com/azure/container-apps/manage-secrets#secrets-volume-mounts). A platform-mounted file
 * is there whatever the image's user and with a read-only root filesystem; it is public data, kept as a secret
 * only because secrets are what Container Apps projects as files.
 */
export function caFile(bundle: pulumi.Output<string>): { secret: inputs.app.SecretArgs; volume: inputs.app.VolumeArgs; mount: inputs.app.VolumeMountArgs } {
  return {
    secret: { name: CA_SECRET, value: bundle },
    volume: { name: CA_VOLUME, storageType: "Secret", secrets: [{ secretRef: CA_SECRET, path: path.posix.basename(DATABASE_CA_PATH) }] },
    mount: { volumeName: CA_VOLUME, mountPath: path.posix.dirname(DATABASE_CA_PATH) },
  };
}
