/**
 * ObjectStore -> one Cloud Storage bucket: regional, uniform bucket-level
 * access, public access prevention enforced, soft delete, never force-destroyed.
 */
import { keepData, type ObjectStoreRequest, type ObjectStoreResult } from "@freehold/core";
import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import { names } from "./naming";
import { platformOf } from "./network";
import { vendorSettings, withVendor } from "./vendor";

export const OBJECT_STORE_ROLES = ["bucket"] as const;
export const STORAGE_ENDPOINT = "https://storage.googleapis.com";
/** Soft delete keeps deleted and overwritten objects recoverable for 7 days (Google's default and the minimum). */
export const SOFT_DELETE_SECONDS = 7 * 24 * 3600;

/** What web-service links need from a bucket. */
export interface ObjectStoreHandle {
  kind: "gcp-object-store";
  bucket: storage.Bucket;
}

export function bucketArgs(req: ObjectStoreRequest, name: string, location: string, labels: Record<string, string>): storage.BucketArgs {
  const spec = req.spec;
  return {
    name,
    location,
    storageClass: "STANDARD",
    uniformBucketLevelAccess: true,
    publicAccessPrevention: "enforced",
    versioning: { enabled: spec.versioning },
    softDeletePolicy: { retentionDurationSeconds: SOFT_DELETE_SECONDS },
    forceDestroy: false,
    lifecycleRules: spec.lifecycle.map((r) => ({
      action: { type: "Delete" },
      condition: r.prefix ? { age: r.expireAfterDays, matchesPrefixes: [r.prefix] } : { age: r.expireAfterDays },
    })),
    cors: spec.cors.map((c) => ({ origins: c.allowedOrigins, methods: c.allowedMethods, maxAgeSeconds: c.maxAgeSeconds })),
    labels,
  };
}

export function objectStore(req: ObjectStoreRequest): ObjectStoreResult {
  const platform = platformOf(req.platform);
  const vendor = vendorSettings(req.name, req.spec.vendor, OBJECT_STORE_ROLES);
  const name = names.bucket(req.stack.prefix, req.qualifiedName, platform.project);
  const location = platform.region.toUpperCase();
  const protect = req.spec.deletionProtection;
  const bucket = new storage.Bucket(`${req.name}-bucket`, withVendor(bucketArgs(req, name, location, platform.labels), vendor, "bucket"), {
    parent: req.parent,
    dependsOn: [platform.api("storage")],
    ...keepData(protect),
  });
  const handle: ObjectStoreHandle = { kind: "gcp-object-store", bucket };
  return {
    bucketName: bucket.name,
    endpoint: pulumi.output(STORAGE_ENDPOINT),
    handle,
    resources: { bucket },
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
