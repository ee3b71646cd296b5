/**
 * Neutral access -> Google Cloud IAM roles. One table, predefined roles only
 * (no wildcard permissions), each the narrowest role that fits.
 */
import type { Access } from "@freehold/model";

/**
 * Object store roles, granted on the one bucket (storage.BucketIAMMember).
 * None of the object roles includes `storage.buckets.get`, which clients that
 * look the bucket up first need (403 otherwise), so each access level also
 * gets Storage Legacy Bucket Reader on the bucket: `storage.buckets.get` and
 * `storage.objects.list`, nothing that writes
 * (https://cloud.google.com/storage/docs/access-control/iam-roles).
 */
export const BUCKET_READER = "roles/storage.legacyBucketReader";
export const OBJECT_STORE_ROLES: Record<Access, readonly [objects: string, bucket: string]> = {
  /** storage.objects.get, storage.objects.list */
  read: ["roles/storage.objectViewer", BUCKET_READER],
  /** storage.objects.create (no overwrite or delete); with the bucket reader, object names can be listed */
  write: ["roles/storage.objectCreator", BUCKET_READER],
  /** get, list, create, update, delete objects; no bucket or IAM changes */
  readWrite: ["roles/storage.objectUser", BUCKET_READER],
};

/**
 * Signed URLs from Cloud Run: the service has no private key, so a V4 signed
 * URL is signed through the IAM Credentials API's signBlob as the service's
 * own account, which needs `iam.serviceAccounts.signBlob` on itself
 * (https://cloud.google.com/storage/docs/access-control/signed-urls#signing-iam).
 * The only predefined role with it, Service Account Token Creator, also mints
 * access and ID tokens; a custom role with that one permission is granted
 * instead (GcpPlatform.urlSigner).
 */
export const URL_SIGNER_PERMISSIONS = ["iam.serviceAccounts.signBlob"] as const;

/**
 * Database access is a PostgreSQL login: the linked role's password, read
 * from Secret Manager. The service connects to the instance's Private Service
 * Connect endpoint directly, which needs no IAM role: `roles/cloudsql.client`
 * is for the Cloud SQL connectors and Auth Proxy
 * (https://cloud.google.com/sql/docs/postgres/configure-private-service-connect#connect-to-instance),
 * so every access level gets only read access to its role's secret.
 */
export const DATABASE_SECRET_ROLE = "roles/secretmanager.secretAccessor";

