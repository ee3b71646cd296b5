/**
 * The order in which a named resource is replaced, for the providers bridged from Terraform (Google Cloud, AWS).
 *
 * The bridge asks the engine to delete first every resource whose `name` (or other auto-named id) the program
 * set, on every replacement, even when the new name or region differs from the old (pulumi-terraform-bridge
 * pkg/tfbridge/schema.go `nameRequiresDeleteBeforeReplace`, https://github.com/pulumi/pulumi-terraform/pull/465).
 * The cloud then refuses to delete what resources that are only updated still use (a certificate in a load
 * balancer, a parameter group an instance is a member of, a subnet with addresses), and the `up` stops part-way
 * (https://github.com/pulumi/pulumi/issues/6350 is that failure on Google Cloud).
 *
 * `CREATE_FIRST` overrides the request: an option the program sets wins over the provider's
 * (pulumi/pulumi pkg/resource/deploy/step_generator.go). A backend sets it only on resources whose every
 * replacement gives the new one another identity (name, or the region, location or network its name is unique
 * in), so old and new coexist until the engine deletes the old one at the end of the `up`, after what used it has
 * moved; each use says why. The cloud's rule book lists what forces a replacement (packages/rules/src/rules).
 */
export const CREATE_FIRST = { deleteBeforeReplace: false } as const;

/**
 * The other way round, for resources whose id is fixed in a scope a replacement does not leave (a Secret Manager
 * secret, an Artifact Registry repository in the same location, an RDS instance's identifier): the bridge asks
 * for delete-first only when the program sets an auto-named property (pulumi-terraform-bridge pkg/tfbridge/schema.go
 * `nameRequiresDeleteBeforeReplace`), so without this Pulumi creates the replacement first and the cloud answers
 * that the id already exists (Google's 409 ALREADY_EXISTS, RDS's DBInstanceAlreadyExists). Each use says why.
 */
export const SAME_ID_DELETE_FIRST = { deleteBeforeReplace: true } as const;
