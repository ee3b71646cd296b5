/**
 * How to reach a Freehold database or bucket on Google Cloud for data
 * migration with standard tools (pg_dump/pg_restore, rclone).
 */
import type { MigrationDetails, StackContext } from "@freehold/core";
import { ADMIN_USER, POSTGRES_PORT } from "./database";
import { names, SQL_SUFFIX_LENGTH } from "./naming";
import { subnetFor } from "./network";
import { PRICES } from "./prices";

/**
 * A shell command that prints the newest version of one of a database's secrets. Their ids end with the
 * instance id's suffix (password secrets of stacks deployed before that have none); after a destroy that
 * kept an instance, the newest.
 */
function secretAccess(stack: StackContext, name: string, role: string, physicalName: string | undefined, suffix: "required" | "optional"): string {
  const sfx = `(-${physicalName ? physicalName.slice(-SQL_SUFFIX_LENGTH) : `[a-z0-9]{${SQL_SUFFIX_LENGTH}}`})${suffix === "optional" ? "?" : ""}`;
  return `gcloud secrets versions access latest --secret=$(gcloud secrets list --filter='name ~ /secrets/${names.secret(stack.prefix, name, role)}${sfx}$' --sort-by=~createTime --format='value(name.basename())' --limit=1)`;
}

export const migration: MigrationDetails = {
  egress: PRICES.internetEgressGib,
  // Premium tier internet egress has no free allowance worth counting for a migration (the Always Free GiB is North America only).
  freeEgressGiB: 0,
  database({ name, stack, databaseName, physicalName }) {
    // The instance id ends with a suffix generated with the instance: found by its fixed part and exactly that suffix (a bare
    // prefix would also match stack shop/dev-db's instances for shop/dev's "db"), the newest after a destroy that kept one.
    const instance =
      physicalName ||
      `$(gcloud sql instances list --filter='name ~ ^${names.sqlInstance(stack.prefix, name)}-[a-z0-9]{${SQL_SUFFIX_LENGTH}}$' --sort-by=~createTime --format='value(name)' --limit=1)`;
    const connection = `$(gcloud config get-value project):${stack.region.region}:${instance}`;
    const endpoint = names.network(stack.prefix, `${name}-db`);
    return {
      // The instance's DNS name, which its certificate names and the stack's private zone resolves to the Private Service
      // Connect endpoint (database.ts): the host links use, so verify-full checks the name (an IP address is not in the certificate).
      host: `$(gcloud sql instances describe ${instance} --format='value(dnsName)' | sed 's/[.]$//')`,
      port: POSTGRES_PORT,
      database: databaseName,
      // A dump and restore of everything needs the administrator login; the application's role owns only what it created.
      user: ADMIN_USER,
      sslmode: "verify-full",
      // The chain the instance reports, as the backend keeps it for linked services (the server CA secret, database.ts).
      serverCa: { command: secretAccess(stack, name, "db-server-ca", physicalName, "required") },
      access:
        `The instance has no public IP; it is reached at its Private Service Connect endpoint (address ${endpoint}) in the stack's subnet ${names.network(stack.prefix, subnetFor(stack.region.region).suffix)}, by its DNS name (<uid>.${stack.region.region}.sql.goog), which the stack's private zone resolves there. ` +
        "Run pg_dump/pg_restore on a host in that VPC, for example a Compute Engine VM in the subnet (gcloud compute ssh --tunnel-through-iap), and connect to the DNS name with sslmode=verify-full and the server's certificate authorities as sslrootcert. " +
        `Alternatively run the Cloud SQL Auth Proxy on that host (cloud-sql-proxy --psc ${connection} --port ${POSTGRES_PORT}) with an identity holding roles/cloudsql.client, ` +
        `and connect to 127.0.0.1:${POSTGRES_PORT}; the proxy verifies the instance and encrypts the hop to it, so its local socket is plain.`,
      passwordCommand: secretAccess(stack, name, "db-admin-password", physicalName, "optional"),
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
