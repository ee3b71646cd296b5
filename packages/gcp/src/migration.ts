/**
 * How to reach a Freehold database or bucket on Google Cloud for data
 * migration with standard tools (pg_dump/pg_restore, rclone).
 */
import type { MigrationDetails } from "@freehold/core";
import { ADMIN_USER, POSTGRES_PORT } from "./database";
import { names, SQL_SUFFIX_LENGTH } from "./naming";
import { PRICES } from "./prices";

export const migration: MigrationDetails = {
  egress: PRICES.internetEgressGib,
  // Premium tier internet egress has no free allowance worth counting for a migration (the Always Free GiB is North America only).
  freeEgressGiB: 0,
  database({ name, stack, databaseName, physicalName }) {
    // The instance id ends with a suffix generated with the instance: found by its fixed part unless the caller knows it.
    const instance = physicalName || `$(gcloud sql instances list --filter='name ~ ^${names.sqlInstance(stack.prefix, name)}-' --format='value(name)' --limit=1)`;
    const connection = `$(gcloud config get-value project):${stack.region.region}:${instance}`;
    const endpoint = names.network(stack.prefix, `${name}-db`);
    return {
      // The database's address is its Private Service Connect endpoint in the stack's subnet.
      host: `$(gcloud compute addresses describe ${endpoint} --region=${stack.region.region} --format='value(address)')`,
      port: POSTGRES_PORT,
      database: databaseName,
      // A dump and restore of everything needs the administrator login; the application's role owns only what it created.
      user: ADMIN_USER,
      sslmode: "require",
      access:
        `The instance has no public IP; it is reached at its Private Service Connect endpoint (address ${endpoint}) in the stack's subnet ${names.network(stack.prefix, stack.region.region)}. ` +
        "Run pg_dump/pg_restore on a host in that VPC, for example a Compute Engine VM in the subnet (gcloud compute ssh --tunnel-through-iap), and connect to the endpoint's address with sslmode=require. " +
        `Alternatively run the Cloud SQL Auth Proxy on that host (cloud-sql-proxy --psc ${connection} --port ${POSTGRES_PORT}) with an identity holding roles/cloudsql.client, ` +
        `and connect to 127.0.0.1:${POSTGRES_PORT}; the proxy encrypts the hop to the instance, so its local socket is plain.`,
      // The secret's id ends with the instance id's suffix (stacks deployed before that have none); after a destroy that kept an instance, the newest.
      passwordCommand: `gcloud secrets versions access latest --secret=$(gcloud secrets list --filter='name ~ /secrets/${names.secret(stack.prefix, name, "db-admin-password")}(-${physicalName ? physicalName.slice(-SQL_SUFFIX_LENGTH) : `[a-z0-9]{${SQL_SUFFIX_LENGTH}}`})?$' --sort-by=~createTime --format='value(name.basename())' --limit=1)`,
    };
  },
  objectStore({ stack, bucketName }) {
    return {
      rcloneType: "gcs",
      rcloneOptions: { env_auth: "true", bucket_policy_only: "true", location: stack.region.region, storage_class: "STANDARD" },
      path: bucketName,
      access:
        "rclone's gcs remote with env_auth reads Application Default Credentials (gcloud auth application-default login, or GOOGLE_APPLICATION_CREDENTIALS for a service account) " +
        "holding roles/storage.objectUser on the bucket; bucket_policy_only because the bucket uses uniform bucket-level access (no object ACLs).",
    };
  },
};
