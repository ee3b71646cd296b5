/**
 * The application's PostgreSQL role, created at deploy time inside the
 * database. Users created through the Cloud SQL API are members of
 * `cloudsqlsuperuser` (https://cloud.google.com/sql/docs/postgres/users), so
 * the application's login is not one of them: a Cloud Run job on the stack's
 * VPC logs in as the administrator and creates (or updates) a plain role with
 * only what an application needs. The job runs when it is created and again
 * whenever the script or a password changes (`runExecutionToken`: the job is
 * ready only once that execution succeeded), so `pulumi up` finishes only
 * after the role exists.
 */
import { type DatabaseRequest, shortHash } from "@freehold/core";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import type * as secretmanager from "@pulumi/gcp/secretmanager";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import type * as sql from "@pulumi/gcp/sql";
import * as pulumi from "@pulumi/pulumi";
import { grantsSettled, secretReader } from "./grants";
import { names } from "./naming";
import type { GcpPlatform, VpcAttachment } from "./network";
import { withVendor } from "./vendor";

/** The application's login: created by the role job, never a Cloud SQL API user (those are members of cloudsqlsuperuser). */
export const APP_USER = "app";
/** The administrator login (a Cloud SQL built-in user, member of cloudsqlsuperuser): administration only. */
export const ADMIN_USER = "freehold_admin";
export const POSTGRES_PORT = 5432;

/** The PostgreSQL client image the job runs: the official image's client, which connects to every supported server version. */
export const ROLE_JOB_IMAGE = "postgres:17-alpine";

/**
 * Idempotent: creates the role if missing, sets its password, and grants what
 * an application needs (connect, temporary tables, and creating and using
 * objects in schema public, which it then owns). Values arrive as psql
 * variables and are quoted by `format()` (%I identifiers, %L literals), never
 * spliced into SQL. A role created before Freehold managed it this way (a
 * Cloud SQL API user) is taken out of cloudsqlsuperuser where the
 * administrator may; where it may not, the job warns and goes on.
 */
export const ROLE_SCRIPT = `set -eu
psql -v ON_ERROR_STOP=1 -v app_user="$APP_USER" -v app_password="$APP_PASSWORD" -v db="$PGDATABASE" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'app_user') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_user') \\gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'app_user', :'app_password') \\gexec
\\set ON_ERROR_STOP 0
SELECT format('REVOKE cloudsqlsuperuser FROM %I', :'app_user') WHERE pg_has_role(:'app_user', 'cloudsqlsuperuser', 'MEMBER') \\gexec
\\set ON_ERROR_STOP 1
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', :'db', :'app_user') \\gexec
SELECT format('GRANT USAGE, CREATE ON SCHEMA public TO %I', :'app_user') \\gexec
SQL
`;

export interface RoleInputs {
  /** The database's private address (its Private Service Connect endpoint). */
  host: pulumi.Input<string>;
  database: sql.Database;
  adminUser: sql.User;
  admin: secretmanager.SecretVersion;
  app: secretmanager.SecretVersion;
  adminSecret: secretmanager.Secret;
  appSecret: secretmanager.Secret;
}

/** The job, its identity and its two secret grants, and the wait between them. */
export function appRole(req: DatabaseRequest, platform: GcpPlatform, net: VpcAttachment, vendor: Record<string, Record<string, unknown>>, on: RoleInputs) {
  const opts = { parent: req.parent };
  const account = new serviceaccount.Account(
    `${req.name}-role-job-account`,
    {
      accountId: names.serviceAccount(req.stack.prefix, `${req.qualifiedName}-dbrole`),
      displayName: `Freehold ${req.stack.prefix}/${req.qualifiedName} role job`,
      description: "Creates the application role inside one Freehold database; reads only its two password secrets",
    },
    { ...opts, dependsOn: [platform.api("iam")] },
  );
  const adminAccess = secretReader(`${req.name}-role-job-admin-secret`, on.adminSecret, account.member, opts);
  const appAccess = secretReader(`${req.name}-role-job-app-secret`, on.appSecret, account.member, opts);
  const grants = [adminAccess, appAccess];
  const settled = grantsSettled(`${req.name}-role-job-grants`, grants, opts);
  // Runs again whenever the script, the image or a password changes.
  const token = pulumi.all([on.admin.name, on.app.name]).apply(([a, b]) => `r${shortHash([ROLE_SCRIPT, ROLE_JOB_IMAGE, req.spec.databaseName, String(a), String(b)], 8)}`);
  const job = new cloudrunv2.Job(
    `${req.name}-role-job`,
    withVendor<cloudrunv2.JobArgs>(
      {
        name: names.cloudRunJob(req.stack.prefix, req.qualifiedName, "dbrole"),
        location: platform.region,
        launchStage: "GA",
        deletionProtection: false,
        labels: platform.labels,
        runExecutionToken: token,
        template: {
          taskCount: 1,
          template: {
            serviceAccount: account.email,
            maxRetries: 3,
            timeout: "300s",
            vpcAccess: { networkInterfaces: [{ network: net.network, subnetwork: net.subnetwork }], egress: "PRIVATE_RANGES_ONLY" },
            containers: [
              {
                image: ROLE_JOB_IMAGE,
                commands: ["/bin/sh", "-c"],
                args: [ROLE_SCRIPT],
                envs: [
                  { name: "PGHOST", value: on.host },
                  { name: "PGPORT", value: String(POSTGRES_PORT) },
                  { name: "PGDATABASE", value: on.database.name },
                  { name: "PGUSER", value: ADMIN_USER },
                  { name: "PGSSLMODE", value: "require" },
                  { name: "APP_USER", value: APP_USER },
                  { name: "PGPASSWORD", valueSource: { secretKeyRef: { secret: on.adminSecret.secretId, version: on.admin.version } } },
                  { name: "APP_PASSWORD", valueSource: { secretKeyRef: { secret: on.appSecret.secretId, version: on.app.version } } },
                ],
                resources: { limits: { cpu: "1", memory: "512Mi" } },
              },
            ],
          },
        },
      },
      vendor,
      "roleJob",
    ),
    { ...opts, dependsOn: [settled, on.database, on.adminUser, platform.ready("run"), ...net.egressDependsOn] },
  );
  return { job, resources: { roleJob: job, roleJobAccount: account, roleJobGrantsSettled: settled, roleJobAdminSecretAccess: adminAccess, roleJobAppSecretAccess: appAccess } };
}
