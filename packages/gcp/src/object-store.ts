/**
 * ObjectStore -> one Cloud Storage bucket: regional, uniform bucket-level
 * access, public access prevention enforced, soft delete; emptied and deleted
 * on removal only once deletion protection is off.
 */
import { keepData, type ObjectStoreRequest, type ObjectStoreResult } from "@freehold/core";
import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import { nameSuffix } from "./generated";
import { BUCKET_SUFFIX_LENGTH, names } from "./naming";
import { platformOf } from "./network";
import { vendorSettings, withVendor } from "./vendor";

export const OBJECT_STORE_ROLES = ["bucket"] as const;
export const STORAGE_ENDPOINT = "https://storage.googleapis.com";
/** Soft delete keeps deleted and overwritten objects recoverable for 7 days (Google's default and the minimum). */
export const SOFT_DELETE_SECONDS = 7 * 24 * 3600;

/**
 * Request headers a browser may send to the bucket, and response headers it
 * may read, besides the simple ones: a preflight for a PUT with Content-Type
 * (a signed upload URL) must find Content-Type here
 * (https://cloud.google.com/storage/docs/cross-origin#cors-elements). Cloud
 * Storage takes no wildcard, so the list is the headers uploads and downloads
 * use: the content headers, resumable uploads, and ETag for multipart uploads.
 */
export const CORS_HEADERS = ["Content-Type", "Content-MD5", "Content-Disposition", "Content-Encoding", "Cache-Control", "x-goog-resumable", "ETag"] as const;

/**
 * Lifecycle rules as the neutral model means them: current objects under the
 * prefix are deleted `expireAfterDays` after they were written (`withState:
 * LIVE`, so the age condition never touches older versions); on a versioned
 * bucket that deletion leaves a noncurrent version, and noncurrent versions
 * under the prefix are deleted the same number of days after they became
 * noncurrent (`daysSinceNoncurrentTime`, `withState: ARCHIVED`)
 * (https://cloud.google.com/storage/docs/lifecycle#conditions). Beside them,
 * with versioning on, one rule deletes every noncurrent version
 * `previousVersionsExpireAfterDays` after it became noncurrent; where two rules
 * match a version, the one that matches first deletes it.
 */
export function lifecycleRules(spec: ObjectStoreRequest["spec"]): storage.BucketArgs["lifecycleRules"] {
  const own = spec.lifecycle.flatMap((r) => {
    const prefix = r.prefix ? { matchesPrefixes: [r.prefix] } : {};
    const current = { action: { type: "Delete" }, condition: { age: r.expireAfterDays, withState: "LIVE", ...prefix } };
    const noncurrent = { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: r.expireAfterDays, withState: "ARCHIVED", ...prefix } };
    return spec.versioning ? [current, noncurrent] : [current];
  });
  // Every previous version, under any prefix, is deleted `previousVersionsExpireAfterDays` after it stopped being current.
  const previous = spec.versioning ? [{ action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: spec.previousVersionsExpireAfterDays, withState: "ARCHIVED" } }] : [];
  return [...own, ...previous];
}

/** What web-service links need from a bucket. */
export interface ObjectStoreHandle {
  kind: "gcp-object-store";
  bucket: storage.Bucket;
}

export function bucketArgs(req: ObjectStoreRequest, name: pulumi.Input<string>, location: string, labels: Record<string, string>): storage.BucketArgs {
  const spec = req.spec;
  return {
    name,
    location,
    storageClass: "STANDARD",
    uniformBucketLevelAccess: true,
    publicAccessPrevention: "enforced",
    versioning: { enabled: spec.versioning },
    softDeletePolicy: { retentionDurationSeconds: SOFT_DELETE_SECONDS },
    // Google refuses to delete a bucket that holds objects; with protection off the provider empties it first, so a removal succeeds.
    forceDestroy: !spec.deletionProtection,
    lifecycleRules: lifecycleRules(spec),
    cors: spec.cors.map((c) => ({ origins: c.allowedOrigins, methods: c.allowedMethods, responseHeaders: [...CORS_HEADERS], maxAgeSeconds: c.maxAgeSeconds })),
    labels,
  };
}

export function objectStore(req: ObjectStoreRequest): ObjectStoreResult {
  const platform = platformOf(req.platform);
  const vendor = vendorSettings(req.name, req.spec.vendor, OBJECT_STORE_ROLES);
  const location = platform.region.toUpperCase();
  const protect = req.spec.deletionProtection;
  // The name ends with a suffix generated with the bucket: `up` after a destroy that kept the bucket starts a new, empty one beside it (docs/gcp.md).
  const suffix = nameSuffix(`${req.name}-name-suffix`, BUCKET_SUFFIX_LENGTH, { parent: req.parent, ...keepData(protect) });
  const name = suffix.result.apply((sfx) => names.bucket(req.stack.prefix, req.qualifiedName, platform.project, sfx ?? ""));
  const bucket = new storage.Bucket(`${req.name}-bucket`, withVendor(bucketArgs(req, name, location, platform.labels), vendor, "bucket"), {
    parent: req.parent,
    dependsOn: [platform.api("storage")],
    ...keepData(protect),
    // A bucket's name is fixed once it exists: a stack deployed before the suffix keeps its bucket's name.
    ignoreChanges: ["name"],
  });
  const handle: ObjectStoreHandle = { kind: "gcp-object-store", bucket };
  return {
    bucketName: bucket.name,
    endpoint: pulumi.output(STORAGE_ENDPOINT),
    handle,
    resources: { bucket, nameSuffix: suffix },
    description: {
      service: "Cloud Storage",
      details: {
        location,
        storageClass: "STANDARD",
        versioning: req.spec.versioning,
        softDeleteDays: SOFT_DELETE_SECONDS / 86400,
        publicAccessPrevention: "enforced",
        retainedOnDelete: protect,
      },
    },
  };
}
