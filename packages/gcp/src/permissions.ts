/**
 * Neutral access -> Google Cloud IAM roles. One table, predefined roles only
 * (no wildcard permissions), each the narrowest role that fits.
 */
import type { Access } from "@freehold/model";

/** Object store roles, granted on the one bucket (storage.BucketIAMMember). */
export const OBJECT_STORE_ROLES: Record<Access, string> = {
  /** storage.objects.get, storage.objects.list */
  read: "roles/storage.objectViewer",
  /** storage.objects.create (no overwrite or delete) */
  write: "roles/storage.objectCreator",
  /** get, list, create, update, delete objects; no bucket or IAM changes */
  readWrite: "roles/storage.objectUser",
};

/**
 * Database roles. Cloud SQL data access is a PostgreSQL login (the linked
 * user's password, read from Secret Manager); IAM only lets the service reach
 * the instance through Cloud SQL connectors and read that one secret, so
 * every access level gets the same two roles.
 */
export const DATABASE_ROLES: Record<Access, { instance: string; secret: string }> = {
  read: { instance: "roles/cloudsql.client", secret: "roles/secretmanager.secretAccessor" },
  write: { instance: "roles/cloudsql.client", secret: "roles/secretmanager.secretAccessor" },
  readWrite: { instance: "roles/cloudsql.client", secret: "roles/secretmanager.secretAccessor" },
};

/** Who may invoke a public Cloud Run service. */
export const PUBLIC_INVOKER = { role: "roles/run.invoker", member: "allUsers" } as const;

/**
 * The IAM condition that narrows the project-level `roles/cloudsql.client`
 * grant to one instance (Cloud SQL roles cannot be granted on an instance).
 */
export function cloudSqlInstanceCondition(project: string, instance: string): { title: string; description: string; expression: string } {
  return {
    title: `freehold-${instance}`.slice(0, 100),
    description: `Only Cloud SQL instance ${instance}`,
    expression: `resource.name == 'projects/${project}/instances/${instance}' && resource.type == 'sqladmin.googleapis.com/Instance'`,
  };
}
