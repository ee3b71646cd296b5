/**
 * ObjectStore -> Amazon S3: an `s3.Bucket` and its separate configuration
 * resources (the v7 style: nothing configured inline on the bucket).
 */
import { keepData, type ObjectStoreRequest, type ObjectStoreResult, type StackContext } from "@freehold/core";
import type { ObjectStore } from "@freehold/model";
import * as s3 from "@pulumi/aws/s3";
import * as pulumi from "@pulumi/pulumi";
import { componentTags, names } from "./naming";
import { asPlatform } from "./network";
import { definedOnly, type ObjectStoreResources } from "./resources";
import type { Statement } from "./permissions";
import { VendorArgs } from "./vendor";

export const OBJECT_STORE_ROLES = ["bucket", "publicAccessBlock", "ownershipControls", "encryption", "versioning", "lifecycle", "cors", "policy"] as const;
/** Incomplete multipart uploads are aborted after this many days (they are billed but invisible). */
export const ABORT_MULTIPART_DAYS = 7;

/** What a linked web service needs from a bucket. */
export interface BucketHandle {
  readonly kind: "aws:s3";
  readonly bucketArn: pulumi.Output<string>;
  readonly bucketName: pulumi.Output<string>;
}

export function isBucketHandle(h: unknown): h is BucketHandle {
  return typeof h === "object" && h !== null && (h as { kind?: unknown }).kind === "aws:s3";
}

/** The S3 regional endpoint a client uses with OBJECT_STORE_BUCKET. */
export function s3Endpoint(stack: StackContext): string {
  return `https://s3.${stack.region.region}.amazonaws.com`;
}

/** The bucket policy: deny any request without TLS (or below TLS 1.2), and, when protected, deny deleting the bucket. */
export function bucketPolicy(bucketArn: string, deletionProtection: boolean) {
  const statements: Array<Statement & { Principal: string; Condition?: Record<string, Record<string, unknown>> }> = [
    { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: ["s3:*"], Resource: [bucketArn, `${bucketArn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
    { Sid: "DenyOldTls", Effect: "Deny", Principal: "*", Action: ["s3:*"], Resource: [bucketArn, `${bucketArn}/*`], Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
  ];
  if (deletionProtection) statements.push({ Sid: "DenyBucketDeletion", Effect: "Deny", Principal: "*", Action: ["s3:DeleteBucket"], Resource: bucketArn });
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * Lifecycle rules: for each of the spec's rules, current objects under the
 * prefix expire `expireAfterDays` after they were written (on a versioned
 * bucket S3 makes them noncurrent behind a delete marker) and noncurrent
 * versions under it are deleted the same number of days after they became
 * noncurrent; nothing else is touched. Noncurrent expiration is set whether or
 * not versioning is on now, so versions kept from a time it was on go too.
 * Plus aborting multipart uploads left incomplete (billed, invisible).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
 */
export function lifecycleRules(spec: ObjectStore): s3.BucketLifecycleConfigurationArgs["rules"] {
  return [
    { id: "abort-incomplete-multipart-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_MULTIPART_DAYS } },
    // previousVersionsExpireAfterDays: every previous version goes that many days after it stopped being current, and a
    // delete marker left with no version behind it goes too. Where a prefix rule below says otherwise, S3 applies the
    // shorter of the two (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html).
    {
      id: "expire-previous-versions",
      status: "Enabled",
      filter: { prefix: "" },
      noncurrentVersionExpiration: { noncurrentDays: spec.previousVersionsExpireAfterDays },
      expiration: { expiredObjectDeleteMarker: true },
    },
    ...spec.lifecycle.map((r, i) => ({
      id: `expire-${i + 1}`,
      status: "Enabled",
      filter: { prefix: r.prefix },
      expiration: { days: r.expireAfterDays },
      noncurrentVersionExpiration: { noncurrentDays: r.expireAfterDays },
    })),
  ];
}

/**
 * CORS rules: each of the spec's, answering a browser's preflight for any
 * request header (a PUT with Content-Type, x-amz-* headers of presigned
 * uploads) and exposing ETag, which multipart uploads from a browser need.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
 */
export function corsRules(spec: ObjectStore): s3.BucketCorsConfigurationArgs["corsRules"] {
  return spec.cors.map((r) => ({ allowedOrigins: r.allowedOrigins, allowedMethods: r.allowedMethods, allowedHeaders: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: r.maxAgeSeconds }));
}

export function createObjectStore(req: ObjectStoreRequest): ObjectStoreResult {
  const { name, spec, stack } = req;
  const vendor = new VendorArgs(spec.vendor, name, OBJECT_STORE_ROLES);
  const protect = spec.deletionProtection;
  const tags = componentTags(stack, name);
  const opts = { parent: req.parent };
  const region = asPlatform(req.platform).region;

  const bucket = new s3.Bucket(
    `${name}-bucket`,
    // forceDestroy only for throwaway stores: a protected bucket is never emptied by Pulumi.
    vendor.apply("bucket", { bucket: names.bucket(stack.prefix, req.qualifiedName), forceDestroy: !protect, region, tags }),
    { ...opts, ...keepData(protect) },
  );
  const child = { ...opts, retainOnDelete: protect };
  const publicAccessBlock = new s3.BucketPublicAccessBlock(
    `${name}-public-access-block`,
    vendor.apply("publicAccessBlock", { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, region }),
    child,
  );
  const ownershipControls = new s3.BucketOwnershipControls(
    `${name}-ownership`,
    vendor.apply("ownershipControls", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" }, region }),
    child,
  );
  const encryption = new s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    vendor.apply("encryption", { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }], region }),
    child,
  );
  const versioning = new s3.BucketVersioning(
    `${name}-versioning`,
    vendor.apply("versioning", { bucket: bucket.id, versioningConfiguration: { status: spec.versioning ? "Enabled" : "Suspended" }, region }),
    child,
  );
  const lifecycle = new s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    vendor.apply("lifecycle", { bucket: bucket.id, rules: lifecycleRules(spec), region }),
    // Lifecycle rules that expire noncurrent versions need versioning set first.
    { ...child, dependsOn: [versioning] },
  );
  const cors = spec.cors.length
    ? new s3.BucketCorsConfiguration(`${name}-cors`, vendor.apply("cors", { bucket: bucket.id, corsRules: corsRules(spec), region }), child)
    : undefined;
  const policy = new s3.BucketPolicy(
    `${name}-policy`,
    vendor.apply("policy", { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(bucketPolicy(arn, protect))), region }),
    // After the public access block, so the two never race.
    { ...child, dependsOn: [publicAccessBlock] },
  );
  const resources = definedOnly({ bucket, publicAccessBlock, ownershipControls, encryption, versioning, lifecycle, cors, policy } satisfies ObjectStoreResources);

  const handle: BucketHandle = { kind: "aws:s3", bucketArn: bucket.arn, bucketName: bucket.bucket };
  return {
    bucketName: bucket.bucket,
    endpoint: pulumi.output(s3Endpoint(stack)),
    handle,
    resources,
    description: {
      service: "Amazon S3",
      details: {
        storageClass: "S3 Standard",
        encryption: "SSE-S3 (AES-256)",
        publicAccess: "blocked (all four settings), ACLs disabled",
        tls: "required by bucket policy (TLS 1.2+)",
        versioning: spec.versioning,
        previousVersions: `deleted ${spec.previousVersionsExpireAfterDays} days after they stop being current`,
        deletionProtection: protect,
      },
    },
  };
}
