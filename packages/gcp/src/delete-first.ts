/**
 * Delete-before-replace for resources whose id is fixed in a scope a replacement does not leave: a Secret Manager
 * secret (its id is unique in the project, whatever its replica location) and an Artifact Registry remote repository
 * replaced in the same location (a new upstream). The bridge asks for delete-first only when the program sets an
 * auto-named property (pulumi-gcp auto-names `name`, not `secret_id` or `repository_id`:
 * pulumi-terraform-bridge pkg/tfbridge/schema.go `nameRequiresDeleteBeforeReplace`), so without this Pulumi creates
 * the replacement first and Google answers 409 ALREADY_EXISTS
 * (https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/create,
 * https://cloud.google.com/artifact-registry/docs/reference/rest/v1/projects.locations.repositories/create).
 * Pulumi deletes what depends on the old object (versions, access grants) first and recreates them with it.
 */
export const SAME_ID_DELETE_FIRST = { deleteBeforeReplace: true } as const;
