import type * as pulumi from "@pulumi/pulumi";

/**
 * Resource options for a resource that holds a component's data (a database
 * instance, a bucket, a storage account, a password the data cannot be reached
 * without).
 *
 * With `deletionProtection` on, the resource is Pulumi-protected and retained
 * on delete, besides the cloud's own protection that each backend sets. A
 * protected resource makes `pulumi destroy`, a `freehold:cloud` switch, a
 * removal of the component or a change that would replace it stop at the
 * preview, before anything is deleted, with Pulumi's message naming the
 * resource. The way out is to set `deletionProtection: false` and run
 * `pulumi up` (which lifts the Pulumi flag and the cloud's protection
 * together), then remove or destroy. `retainOnDelete` keeps the data should
 * the protection be lifted outside the program (`pulumi state unprotect`).
 *
 * With it off, `protect` is left to the component's own options (Pulumi
 * inherits it from the parent), so `new Database("db", {}, { protect: true })`
 * still protects the data.
 */
export function keepData(deletionProtection: boolean): Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete"> {
  return deletionProtection ? { protect: true, retainOnDelete: true } : { retainOnDelete: false };
}
