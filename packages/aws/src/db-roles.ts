/**
 * Least-privilege application roles for RDS for PostgreSQL.
 *
 * Applications never connect as the master user (RDS manages its password in
 * Secrets Manager and rotates it, by default every 7 days; the master login is
 * for administration only). Each database has two login roles whose passwords
 * Freehold generates and keeps in its own Secrets Manager secrets (never
 * rotated by RDS):
 *
 * - `app` (links with readWrite or write access): reads and writes every table
 *   in the `public` schema and may create tables there (migrations); no
 *   CREATEDB, no CREATEROLE, not a member of rds_superuser.
 * - `app_read` (links with read access): SELECT only, including on tables
 *   `app` creates later (default privileges).
 *
 * The database is private, so the roles are set up from inside the VPC: every
 * task of a linked web service starts with a short setup container (the
 * official PostgreSQL image's psql) that connects as the master user with the
 * master password ECS injects at task start (so it is current even after RDS
 * rotated it), creates the roles if missing, sets the linked role's password
 * from its SCRAM verifier, and grants. The application container starts only
 * after it has succeeded (container dependency SUCCESS). The application
 * container is given only its own role's password; the master password is
 * injected into the setup container alone.
 */
import type { Access } from "@freehold/model";

export const APP_ROLES = { readWrite: "app", read: "app_read" } as const;
export type AppRole = keyof typeof APP_ROLES;

/** The role a link's access maps to: read is SELECT only; write and readWrite get the read-write role. */
export function appRoleFor(access: Access): AppRole {
  return access === "read" ? "read" : "readWrite";
}

/** psql from the official PostgreSQL image (Docker Official Images, mirrored on Amazon ECR Public: no Docker Hub pull limits); psql 17 talks to servers 13-17. */
export const SETUP_IMAGE = "public.ecr.aws/docker/library/postgres:17-alpine";
/** The postgres user of the Alpine image. */
export const SETUP_USER = "70:70";
/** An advisory lock key: tasks starting together set the roles up one at a time (concurrent GRANTs on one object fail with "tuple concurrently updated"). */
export const SETUP_LOCK = 727274;

/**
 * The psql script every setup container runs (variables: role, verifier,
 * master, db). Idempotent; one transaction. Tested against a real PostgreSQL
 * server with a non-superuser CREATEROLE master, as on RDS.
 */
export const ROLE_SETUP_SQL = `\\set ON_ERROR_STOP on
BEGIN;
SELECT pg_advisory_xact_lock(${SETUP_LOCK});
SELECT format('CREATE ROLE %I NOLOGIN', r) FROM unnest(ARRAY['${APP_ROLES.readWrite}', '${APP_ROLES.read}']) AS r WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r)
\\gexec
ALTER ROLE :"role" WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'verifier';
GRANT ${APP_ROLES.readWrite} TO :"master";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO ${APP_ROLES.readWrite}, ${APP_ROLES.read};
GRANT USAGE, CREATE ON SCHEMA public TO ${APP_ROLES.readWrite};
GRANT USAGE ON SCHEMA public TO ${APP_ROLES.read};
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public TO ${APP_ROLES.readWrite};
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLES.readWrite};
GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${APP_ROLES.read};
GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLES.read};
ALTER DEFAULT PRIVILEGES FOR ROLE ${APP_ROLES.readWrite} IN SCHEMA public GRANT SELECT ON TABLES TO ${APP_ROLES.read};
ALTER DEFAULT PRIVILEGES FOR ROLE ${APP_ROLES.readWrite} IN SCHEMA public GRANT SELECT ON SEQUENCES TO ${APP_ROLES.read};
ALTER DEFAULT PRIVILEGES FOR ROLE :"master" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLES TO ${APP_ROLES.readWrite};
ALTER DEFAULT PRIVILEGES FOR ROLE :"master" IN SCHEMA public GRANT SELECT ON TABLES TO ${APP_ROLES.read};
COMMIT;
`;

/**
 * The shell command of the setup container: for each linked database (FREEHOLD_DBS
 * lists their numbers), connect with that database's settings and run the
 * script with its role and verifier as psql variables. `eval` only ever
 * expands a variable whose name Freehold built (FREEHOLD_<n>_...), inside
 * double quotes: the values are not re-parsed.
 */
export const SETUP_SCRIPT = [
  "set -eu",
  "for n in $FREEHOLD_DBS; do",
  // $1 is the database's number: "$FREEHOLD_$1_HOST" names FREEHOLD_<n>_HOST.
  '  set -- "$n"',
  '  eval "export PGHOST=\\"\\$FREEHOLD_$1_HOST\\" PGPORT=\\"\\$FREEHOLD_$1_PORT\\" PGDATABASE=\\"\\$FREEHOLD_$1_DATABASE\\" PGUSER=\\"\\$FREEHOLD_$1_USER\\" PGPASSWORD=\\"\\$FREEHOLD_$1_PASSWORD\\""',
  '  eval "role=\\"\\$FREEHOLD_$1_ROLE\\" verifier=\\"\\$FREEHOLD_$1_VERIFIER\\""',
  '  printf \'%s\\n\' "$FREEHOLD_ROLE_SQL" | psql -X -q -v role="$role" -v verifier="$verifier" -v master="$PGUSER" -v db="$PGDATABASE" -f -',
  '  echo "freehold: role $role ready in $PGDATABASE on $PGHOST"',
  "done",
].join("\n");

/** The container's name in the task definition. */
export const SETUP_CONTAINER = "db-setup";

/** One linked database, as the setup container reaches it. */
export interface SetupTarget {
  host: string;
  port: number;
  database: string;
  masterUser: string;
  /** ARN of the RDS-managed master secret (AWSCURRENT at task start). */
  masterSecretArn: string;
  role: AppRole;
  /** `valueFrom` of the role's verifier in its Freehold secret, pinned to the secret version. */
  verifierFrom: string;
}

/** The environment and secrets the setup script reads for its databases (numbered from 1). */
export function setupEnvironment(targets: readonly SetupTarget[]): { environment: Array<{ name: string; value: string }>; secrets: Array<{ name: string; valueFrom: string }> } {
  const environment = [
    { name: "FREEHOLD_DBS", value: targets.map((_, i) => String(i + 1)).join(" ") },
    { name: "FREEHOLD_ROLE_SQL", value: ROLE_SETUP_SQL },
    { name: "PGCONNECT_TIMEOUT", value: "10" },
    { name: "PGSSLMODE", value: "require" },
  ];
  const secrets: Array<{ name: string; valueFrom: string }> = [];
  targets.forEach((t, i) => {
    const p = `FREEHOLD_${i + 1}_`;
    environment.push(
      { name: `${p}DATABASE`, value: t.database },
      { name: `${p}HOST`, value: t.host },
      { name: `${p}PORT`, value: String(t.port) },
      { name: `${p}ROLE`, value: APP_ROLES[t.role] },
      { name: `${p}USER`, value: t.masterUser },
    );
    secrets.push({ name: `${p}PASSWORD`, valueFrom: `${t.masterSecretArn}:password::` }, { name: `${p}VERIFIER`, valueFrom: t.verifierFrom });
  });
  return { environment: environment.sort((a, b) => a.name.localeCompare(b.name)), secrets: secrets.sort((a, b) => a.name.localeCompare(b.name)) };
}

/** The setup container (not essential: it exits when done; the application waits for its success). */
export function setupContainer(targets: readonly SetupTarget[], log: { group: string; region: string }) {
  return {
    name: SETUP_CONTAINER,
    image: SETUP_IMAGE,
    essential: false,
    privileged: false,
    readonlyRootFilesystem: true,
    user: SETUP_USER,
    command: ["sh", "-c", SETUP_SCRIPT],
    ...setupEnvironment(targets),
    logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": log.group, "awslogs-region": log.region, "awslogs-stream-prefix": SETUP_CONTAINER } },
  };
}
