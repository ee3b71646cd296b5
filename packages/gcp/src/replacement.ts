/**
 * The order in which a named resource is replaced.
 *
 * pulumi-gcp is bridged from terraform-provider-google, and the bridge asks the
 * engine to delete first every resource whose `name` (or other auto-named id)
 * the program set, on every replacement, even when the new name or region
 * differs from the old (pulumi-terraform-bridge pkg/tfbridge/schema.go
 * `nameRequiresDeleteBeforeReplace`, https://github.com/pulumi/pulumi-terraform/pull/465).
 * Google refuses to delete a certificate, a serverless NEG, a backend service
 * or a subnet that resources which are only updated still use, so a region
 * change, a residency move or a new domain would stop part-way
 * (https://github.com/pulumi/pulumi/issues/6350 is that failure on Google Cloud).
 *
 * `CREATE_FIRST` overrides the request (an option the program sets wins over
 * the provider's: pulumi/pulumi pkg/resource/deploy/step_generator.go). It is
 * set only on resources whose every replacement gives the new one another
 * identity (name, or the region or location its name is unique in), so old and
 * new coexist until the engine deletes the old one at the end of the `up`,
 * after what used it has moved. Each use says why its replacements do; the rule
 * book's `replaceOn` lists what forces them (packages/rules/src/rules/gcp.ts).
 */
export const CREATE_FIRST = { deleteBeforeReplace: false } as const;
