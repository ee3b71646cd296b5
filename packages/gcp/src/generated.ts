/**
 * Name suffixes generated once with the resource they end. Google keeps some
 * names after a deletion (a custom role's id 37 days, a log bucket's 7), and a
 * destroy that keeps data leaves names behind (the instance, its secrets, the
 * bucket): a suffix generated with each incarnation gives the next one a name
 * nobody holds. A `RandomString` lives in the Pulumi state, so the suffix is
 * stable for the life of its resource and new after a destroy.
 */
import type * as pulumi from "@pulumi/pulumi";
import { RandomString } from "@pulumi/random/randomString";

/** Lowercase letters and digits, `length` of them: valid at the end of every Google Cloud name Freehold makes. */
export function nameSuffix(logicalName: string, length: number, opts: pulumi.CustomResourceOptions): RandomString {
  return new RandomString(logicalName, { length, upper: false, special: false, numeric: true, lower: true }, opts);
}
