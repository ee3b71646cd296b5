/**
 * Grants and the wait after them. A permission change "typically" applies
 * "within 2 minutes" but can take "7 minutes or longer"
 * (https://cloud.google.com/iam/docs/access-change-propagation), so anything
 * that reads through a grant made in the same run (a Cloud Run revision
 * reading its secrets, a job, a remote repository validating its upstream)
 * starts only after a wait that begins once every grant it needs exists, and
 * runs again whenever one of those grants is created or replaced.
 */
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as pulumi from "@pulumi/pulumi";
import { Sleep } from "@pulumiverse/time/sleep";
import { PROPAGATION } from "./network";

/** Secret Manager Secret Accessor on one secret for one member. */
export function secretReader(name: string, secret: secretmanager.Secret, member: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): secretmanager.SecretIamMember {
  return new secretmanager.SecretIamMember(name, { secretId: secret.secretId, role: "roles/secretmanager.secretAccessor", member }, opts);
}

/**
 * A wait of `PROPAGATION` after the grants. Its triggers name every grant, so
 * adding, removing or replacing one replaces the wait, and whatever depends
 * on it waits again.
 */
export function grantsSettled(name: string, grants: readonly pulumi.CustomResource[], opts: pulumi.CustomResourceOptions): Sleep {
  const triggers = pulumi.all(grants.map((g) => g.id)).apply((ids) => ({ grants: ids.map(String).sort().join(",") }));
  return new Sleep(`${name}-settled`, { createDuration: PROPAGATION, triggers }, { ...opts, dependsOn: [...grants] });
}
