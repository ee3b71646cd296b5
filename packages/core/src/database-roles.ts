/**
 * The database role model, the same on every cloud: applications never
 * connect as the administrator, but as one of two login roles that every
 * backend creates in each database with the script below, whatever its
 * administrator is called and however the cloud runs it.
 *
 * - `app` (links with `readWrite` or `write` access) reads and writes the
 *   application's data and owns what it creates (tables, sequences, views,
 *   functions, schemas) in its database.
 * - `app_read` (links with `read` access) reads every table, view and
 *   sequence, including those created later by `app` or by the administrator,
 *   and can change nothing.
 *
 * Why one model: data moved from one cloud to another (a restore as the
 * administrator, or as `app` through `SET ROLE`) lands usable by the target's
 * roles only if the target has the same roles with the same grants and
 * default privileges. docs/architecture.md ("The database role model") says
 * what each cloud runs and why.
 */
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import type { Access } from "@freehold/model";

/** The two application roles by what a link may do. */
export const APP_ROLES = { readWrite: "app", read: "app_read" } as const;
export type AppRole = keyof typeof APP_ROLES;

/** The role a link's access maps to: `read` is read-only; `write` and `readWrite` get the read-write role (PostgreSQL has no useful write-only role: an UPDATE with a WHERE clause reads). */
export function appRoleFor(access: Access): AppRole {
  return access === "read" ? "read" : "readWrite";
}

/** The PostgreSQL role name a link with this access connects as (`DATABASE_USER`). */
export function appRoleName(access: Access): string {
  return APP_ROLES[appRoleFor(access)];
}

/**
 * Environment variables the role script reads the roles' SCRAM verifiers from
 * (psql `\getenv`): a verifier never appears on a command line, in the
 * script's text or in a statement that names a password. An unset or empty
 * variable leaves that role's password as it is.
 */
export const ROLE_VERIFIER_ENV: Readonly<Record<AppRole, string>> = { readWrite: "FREEHOLD_APP_VERIFIER", read: "FREEHOLD_READ_VERIFIER" };

/** An advisory lock key: runs that start together (tasks, retries) set the roles up one at a time (concurrent GRANTs on one object fail with "tuple concurrently updated"). */
export const ROLE_SETUP_LOCK = 727274;

/** The PostgreSQL version from which CREATEROLE and role grants work differently (see `roleSetupSql`). */
const PG16 = 160000;

/** A role name the script may embed as a literal: lower-case letters, digits and underscores, as every Freehold role name is. */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const TABLE_WRITE = "SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER";
const SEQUENCE_WRITE = "USAGE, SELECT, UPDATE";

/** What a backend adds around the shared script. */
export interface RoleSetupSteps {
  /**
   * psql lines run first, outside the transaction, with errors reported but
   * not fatal: a cloud's own clean-up that may not be allowed everywhere
   * (Google Cloud taking a role out of `cloudsqlsuperuser`).
   */
  before?: string;
  /**
   * Names the read-write role had in an earlier version of a backend: when
   * such a role exists, what it owns is handed to `app` and it becomes a
   * member of `app`, so that services still connecting as it keep working
   * while they roll over to `app`.
   */
  formerReadWriteNames?: readonly string[];
  /**
   * The database's `replication` setting. With `logical`, the administrator is
   * given the right to replicate (`freehold replicate` connects as it, and the
   * other server's subscription connects back as it); with `off` (the default),
   * what the script can take back is taken back. See `replicationStep`.
   */
  replication?: "off" | "logical";
}

function literal(name: string): string {
  if (!ROLE_NAME.test(name)) throw new Error(`not a Freehold role name: ${JSON.stringify(name)}`);
  return `'${name}'`;
}

/**
 * The psql script every backend's role job runs as the database's
 * administrator (psql 15 or later, for `\getenv`), connected to the
 * application's database. Idempotent: each run converges the database on the
 * model, so running it again after a migration or a restore grants what was
 * added since. One transaction, serialised by an advisory lock. Values reach
 * SQL only as psql variables handed to `set_config`; every identifier in a
 * statement is quoted by `format('%I')`.
 *
 * What it does, as the administrator `A`:
 * 1. Creates `app` and `app_read` if missing, both LOGIN, NOCREATEDB and
 *    NOCREATEROLE, and refuses to go on if either has SUPERUSER, REPLICATION
 *    or BYPASSRLS, is a member of the database's owner (on some clouds a
 *    group the administrator is in), or (from PostgreSQL 16) exists without
 *    `A` holding ADMIN OPTION on it, if `app_read` is a member of `app` or of
 *    `A`, or if `app` is a member of `A`. Sets each password whose verifier was given, after
 *    checking it is a SCRAM-SHA-256 verifier (PostgreSQL would take any
 *    other string for a plaintext password).
 * 2. Makes `A` a member of `app` with INHERIT and SET: so that a restore can
 *    `SET ROLE app` (objects then belong to `app`), and so that `A` may set
 *    `app`'s default privileges. PostgreSQL 16 changed both: a CREATEROLE
 *    role may grant and alter only roles it has ADMIN OPTION on (it gets it
 *    on the roles it creates), the implicit grant it gets on creation has
 *    INHERIT FALSE and SET FALSE (`createrole_self_grant` is empty by
 *    default), and ALTER DEFAULT PRIVILEGES FOR ROLE needs the privileges of
 *    that role, so the script grants `WITH INHERIT TRUE, SET TRUE`, a syntax
 *    PostgreSQL 16 introduced; before 16, a plain GRANT (inheritance follows
 *    the member's INHERIT attribute, true for every cloud's administrator).
 *    https://www.postgresql.org/docs/release/16.0/ ("Restrict the privileges
 *    of CREATEROLE and its ability to modify other roles"),
 *    https://www.postgresql.org/docs/16/sql-createrole.html,
 *    https://www.postgresql.org/docs/16/sql-grant.html
 * 3. Database: CONNECT, TEMPORARY and CREATE to `app` (it may create schemas,
 *    which it then owns, as a restore of a database with several schemas
 *    does), CONNECT and TEMPORARY to `app_read`. Schema `public`: CREATE
 *    revoked from PUBLIC (PostgreSQL 15's default; older versions let every
 *    role create there), USAGE and CREATE to `app`, USAGE to `app_read`.
 * 4. Every schema `A` may grant on (its own, `app`'s, and those of roles it
 *    inherits): USAGE to both roles. Every table, view, materialized view,
 *    foreign table and sequence that `A` may grant on and no extension owns,
 *    in any schema `A` can use: read-write privileges to `app`, SELECT to
 *    `app_read`. Objects `A` may not grant on are named in a warning.
 * 5. Default privileges, for objects created later by `app` and by `A`, in
 *    any schema: SELECT on tables and sequences and USAGE on schemas to
 *    `app_read`; from `A` also read-write privileges on tables and sequences
 *    and USAGE on schemas to `app`.
 * 6. The administrator's right to replicate, from `steps.replication`:
 *    given with `logical`, taken back with `off` (`replicationStep`).
 *
 * Functions keep PostgreSQL's default (EXECUTE for PUBLIC; a function runs
 * with its caller's privileges unless SECURITY DEFINER); the script grants
 * none, so a function whose owner revoked EXECUTE stays closed.
 */
export function roleSetupSql(steps: RoleSetupSteps = {}): string {
  const rw = literal(APP_ROLES.readWrite);
  const ro = literal(APP_ROLES.read);
  const former = (steps.formerReadWriteNames ?? []).map(literal);
  return [
    ...(steps.before ? ["\\set ON_ERROR_STOP off", steps.before.trim()] : []),
    "\\set ON_ERROR_STOP on",
    `\\getenv app_verifier ${ROLE_VERIFIER_ENV.readWrite}`,
    `\\getenv read_verifier ${ROLE_VERIFIER_ENV.read}`,
    "\\if :{?app_verifier}",
    "\\else",
    "\\set app_verifier ''",
    "\\endif",
    "\\if :{?read_verifier}",
    "\\else",
    "\\set read_verifier ''",
    "\\endif",
    "BEGIN;",
    "SELECT set_config('freehold.app_verifier', :'app_verifier', true) AS app, set_config('freehold.read_verifier', :'read_verifier', true) AS read \\gset freehold_",
    "DO $freehold$",
    "DECLARE",
    "  admin text := current_user;",
    `  rw constant text := ${rw};`,
    `  ro constant text := ${ro};`,
    `  pg16 constant boolean := current_setting('server_version_num')::int >= ${PG16};`,
    "  r record;",
    "  list text;",
    "BEGIN",
    `  PERFORM pg_advisory_xact_lock(${ROLE_SETUP_LOCK});`,
    ...rolesStep(),
    ...membershipStep(),
    ...former.flatMap(formerStep),
    ...databaseStep(),
    ...objectsStep(),
    ...defaultsStep(),
    ...replicationStep(steps.replication ?? "off"),
    "END",
    "$freehold$;",
    "COMMIT;",
    `\\echo freehold: roles ${APP_ROLES.readWrite} and ${APP_ROLES.read} ready in :DBNAME`,
    "",
  ].join("\n");
}

/** Step 1: the roles, their attributes and passwords. */
function rolesStep(): string[] {
  return [
    "  IF admin IN (rw, ro) THEN",
    "    RAISE EXCEPTION 'freehold: the role setup runs as the administrator, not as %', admin;",
    "  END IF;",
    "  FOR r IN SELECT unnest(ARRAY[rw, ro]) AS name, unnest(ARRAY[current_setting('freehold.app_verifier'), current_setting('freehold.read_verifier')]) AS verifier LOOP",
    "    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r.name) THEN",
    "      EXECUTE format('CREATE ROLE %I LOGIN NOCREATEDB NOCREATEROLE', r.name);",
    "    ELSIF EXISTS (SELECT FROM pg_roles WHERE rolname = r.name AND (rolsuper OR rolreplication OR rolbypassrls)) THEN",
    "      RAISE EXCEPTION 'freehold: role % has SUPERUSER, REPLICATION or BYPASSRLS; an application role may have none of them', r.name;",
    "    ELSIF pg16 AND NOT pg_has_role(admin, r.name, 'MEMBER WITH ADMIN OPTION') THEN",
    "      RAISE EXCEPTION 'freehold: role % exists but % has no ADMIN OPTION on it, which PostgreSQL 16 and later require to alter a role; as a role that has it, GRANT % TO % WITH ADMIN OPTION (or drop the role), and run this again', r.name, admin, r.name, admin;",
    "    ELSE",
    "      EXECUTE format('ALTER ROLE %I WITH LOGIN NOCREATEDB NOCREATEROLE', r.name);",
    "    END IF;",
    "    IF r.verifier <> '' THEN",
    "      IF r.verifier !~ '^SCRAM-SHA-256[$][1-9][0-9]*:[A-Za-z0-9+/]+=*[$][A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$' THEN",
    "        RAISE EXCEPTION 'freehold: the password given for role % is not a SCRAM-SHA-256 verifier; a plaintext password is never sent', r.name;",
    "      END IF;",
    "      EXECUTE format('ALTER ROLE %I PASSWORD %L', r.name, r.verifier);",
    "    END IF;",
    "  END LOOP;",
  ];
}

/** Grants `role` to the administrator with INHERIT and SET (both spelt out from PostgreSQL 16, implied before). */
function grantToAdmin(role: string): string[] {
  return [
    "  IF pg16 THEN",
    `    IF NOT (pg_has_role(admin, ${role}, 'USAGE') AND pg_has_role(admin, ${role}, 'SET')) THEN`,
    `      EXECUTE format('GRANT %I TO %I WITH INHERIT TRUE, SET TRUE', ${role}, admin);`,
    "    END IF;",
    `  ELSIF NOT pg_has_role(admin, ${role}, 'USAGE') THEN`,
    `    EXECUTE format('GRANT %I TO %I', ${role}, admin);`,
    "  END IF;",
  ];
}

/** Step 2: the administrator acts for `app`; nothing makes `app_read` more than a reader. */
function membershipStep(): string[] {
  return [
    ...grantToAdmin("rw"),
    "  IF pg_has_role(ro, rw, 'MEMBER') OR pg_has_role(ro, admin, 'MEMBER') THEN",
    "    RAISE EXCEPTION 'freehold: role % is a member of % or of %, so it would not be read-only', ro, rw, admin;",
    "  END IF;",
    "  IF pg_has_role(rw, admin, 'MEMBER') THEN",
    "    RAISE EXCEPTION 'freehold: role % is a member of the administrator %', rw, admin;",
    "  END IF;",
    // The owner of the database (on some clouds a group the administrator is in: cloudsqlsuperuser, azure_pg_admin) holds more than the model gives.
    "  FOR r IN SELECT unnest(ARRAY[rw, ro]) AS name, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database() LOOP",
    "    IF r.owner <> r.name AND pg_has_role(r.name, r.owner, 'MEMBER') THEN",
    "      RAISE EXCEPTION 'freehold: role % is a member of %, which owns the database: an application role may not be; as a role that may, REVOKE % FROM %, and run this again', r.name, r.owner, r.owner, r.name;",
    "    END IF;",
    "  END LOOP;",
  ];
}

/** A former name of the read-write role: its objects go to `app`, and it keeps working as a member of `app`. */
function formerStep(name: string): string[] {
  return [
    `  IF EXISTS (SELECT FROM pg_roles WHERE rolname = ${name}) THEN`,
    ...grantToAdmin(name).map((l) => `  ${l}`),
    `    EXECUTE format('REASSIGN OWNED BY %I TO %I', ${name}, rw);`,
    `    IF NOT pg_has_role(${name}, rw, 'MEMBER') THEN`,
    `      EXECUTE format('GRANT %I TO %I', rw, ${name});`,
    "    END IF;",
    "  END IF;",
  ];
}

/** Step 3: the database and schema public. */
function databaseStep(): string[] {
  return [
    "  EXECUTE format('GRANT CONNECT, TEMPORARY, CREATE ON DATABASE %I TO %I', current_database(), rw);",
    "  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), ro);",
    // PostgreSQL 15 and later: schema public belongs to pg_database_owner, whose privileges the administrator has. Before 15 it
    // belongs to the bootstrap superuser, with CREATE for PUBLIC; where that is the cloud's own superuser, nobody else can revoke it.
    "  IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'public' AND has_schema_privilege(admin, oid, 'CREATE WITH GRANT OPTION')) THEN",
    "    REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
    "    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA public TO %I', rw);",
    "  END IF;",
    "  IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'public' AND has_schema_privilege(ro, oid, 'CREATE')) THEN",
    "    RAISE WARNING 'freehold: every role may create objects in schema public (its owner % granted CREATE to PUBLIC, and % cannot revoke it): % can create tables there, though it can change none it does not own',",
    "      (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'), admin, ro;",
    "  END IF;",
  ];
}

/**
 * Relations of one kind in schema `r` that the administrator may grant on, no extension owns, and `role` is
 * missing one of `privileges` on: a run after the first changes no catalog row for what is already granted.
 */
function relations(kinds: "tables" | "sequences", role: "rw" | "ro", privileges: string): string {
  const kind = kinds === "tables" ? "'r', 'p', 'v', 'm', 'f'" : "'S'";
  // has_table_privilege answers for sequences too; has_sequence_privilege (for USAGE) only inside a CASE on the kind,
  // since the planner may test the other rows first.
  const check = kinds === "tables" ? "has_table_privilege" : "has_sequence_privilege";
  const holds = privileges
    .split(", ")
    .map((p) => `${check}(${role}, c.oid, '${p}')`)
    .join(" AND ");
  return [
    "SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c",
    `      WHERE c.relnamespace = r.oid AND c.relkind IN (${kind}) AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')`,
    "        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')",
    `        AND NOT (CASE WHEN c.relkind IN (${kind}) THEN ${holds} END)`,
  ].join("\n");
}

/** Step 4: every schema, table and sequence that exists now (what a migration or restore brought). */
function objectsStep(): string[] {
  const tables = "'r', 'p', 'v', 'm', 'f'";
  return [
    // Every schema the administrator can use; granting USAGE on it needs more (before PostgreSQL 15 the superuser owns public).
    "  FOR r IN SELECT n.oid, n.nspname, pg_get_userbyid(n.nspowner) AS owner, has_schema_privilege(admin, n.oid, 'USAGE WITH GRANT OPTION') AS grantable FROM pg_namespace n",
    "      WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND has_schema_privilege(admin, n.oid, 'USAGE')",
    "      ORDER BY n.nspname LOOP",
    "    IF r.grantable AND r.owner <> rw THEN",
    "      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', r.nspname, rw);",
    "    END IF;",
    "    IF r.grantable THEN",
    "      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', r.nspname, ro);",
    "    END IF;",
    `    ${relations("tables", "rw", TABLE_WRITE)} INTO list;`,
    "    IF list IS NOT NULL THEN",
    `      EXECUTE format('GRANT ${TABLE_WRITE} ON TABLE %s TO %I', list, rw);`,
    "    END IF;",
    `    ${relations("tables", "ro", "SELECT")} INTO list;`,
    "    IF list IS NOT NULL THEN",
    "      EXECUTE format('GRANT SELECT ON TABLE %s TO %I', list, ro);",
    "    END IF;",
    `    ${relations("sequences", "rw", SEQUENCE_WRITE)} INTO list;`,
    "    IF list IS NOT NULL THEN",
    `      EXECUTE format('GRANT ${SEQUENCE_WRITE} ON SEQUENCE %s TO %I', list, rw);`,
    "    END IF;",
    `    ${relations("sequences", "ro", "SELECT")} INTO list;`,
    "    IF list IS NOT NULL THEN",
    "      EXECUTE format('GRANT SELECT ON SEQUENCE %s TO %I', list, ro);",
    "    END IF;",
    "    SELECT string_agg(format('%I.%I (owner %s)', r.nspname, c.relname, pg_get_userbyid(c.relowner)), ', ' ORDER BY c.relname) INTO list FROM pg_class c",
    `      WHERE c.relnamespace = r.oid AND c.relkind IN (${tables}, 'S') AND NOT has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')`,
    "        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e');",
    "    IF list IS NOT NULL THEN",
    "      RAISE WARNING 'freehold: % cannot grant on %: the application roles cannot use them', admin, list;",
    "    END IF;",
    "  END LOOP;",
  ];
}

/** Step 5: default privileges for what `app` and the administrator create later, in any schema. */
function defaultsStep(): string[] {
  const d = (owner: string, grant: string, to: string) => `  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT ${grant} TO %I', ${owner}, ${to});`;
  return [
    d("rw", "SELECT ON TABLES", "ro"),
    d("rw", "SELECT ON SEQUENCES", "ro"),
    d("rw", "USAGE ON SCHEMAS", "ro"),
    d("admin", `${TABLE_WRITE} ON TABLES`, "rw"),
    d("admin", `${SEQUENCE_WRITE} ON SEQUENCES`, "rw"),
    d("admin", "USAGE ON SCHEMAS", "rw"),
    d("admin", "SELECT ON TABLES", "ro"),
    d("admin", "SELECT ON SEQUENCES", "ro"),
    d("admin", "USAGE ON SCHEMAS", "ro"),
  ];
}

/**
 * Roles a managed PostgreSQL gives its administrators in place of the
 * REPLICATION attribute, which they cannot hold: on Amazon RDS, membership of
 * `rds_replication` lets a role manage logical slots and stream from them, and
 * `rds_superuser` (the master user's group) may grant it.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.FeatureSupport.LogicalReplication.html,
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.rds_superuser.html
 */
export const CLOUD_REPLICATION_ROLE = "rds_replication";

/** The predefined role that lets a non-superuser CREATE SUBSCRIPTION, from PostgreSQL 16. https://www.postgresql.org/docs/16/predefined-roles.html */
export const SUBSCRIPTION_ROLE = "pg_create_subscription";

/**
 * Step 6: the administrator's right to replicate follows the database's `replication` setting.
 *
 * `freehold replicate` connects to both servers as each one's administrator: it publishes the source's tables (which
 * needs their owner's privileges, held through membership of `app`), subscribes the target (which needs the cloud's
 * administrator group, or `pg_create_subscription` from PostgreSQL 16), and each subscription connects back to the
 * other server as that server's administrator, which needs the right to replicate (the REPLICATION attribute, or
 * `rds_replication` on RDS). https://www.postgresql.org/docs/15/logical-replication-security.html
 *
 * - `logical`: if the administrator may not replicate, it is given the right: `rds_replication` where the server has
 *   that role, else the REPLICATION attribute (Azure and Cloud SQL let their administrators set it:
 *   https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-logical,
 *   https://cloud.google.com/sql/docs/postgres/replication/configure-logical-replication). A refusal fails the job,
 *   with the reason. From PostgreSQL 16, if it may not CREATE SUBSCRIPTION, it grants itself `pg_create_subscription`
 *   where it may, and otherwise warns (a cloud may let its administrators subscribe by its own means).
 * - `off`: the REPLICATION attribute is dropped (a warning where the server does not allow it), and a membership of
 *   `rds_replication` or `pg_create_subscription` held directly and not granted by a superuser (the cloud's own
 *   operator) is revoked. What the cloud itself granted stays, as does what the administrator holds through a group
 *   (RDS's master user replicates through `rds_superuser`).
 *   A superuser is left as it is.
 */
function replicationStep(replication: "off" | "logical"): string[] {
  const cloud = literal(CLOUD_REPLICATION_ROLE);
  const sub = literal(SUBSCRIPTION_ROLE);
  const superuser = "EXISTS (SELECT FROM pg_roles WHERE rolname = admin AND rolsuper)";
  if (replication === "logical")
    return [
      "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = admin AND (rolsuper OR rolreplication))",
      `      AND NOT EXISTS (SELECT FROM pg_roles g WHERE g.rolname = ${cloud} AND pg_has_role(admin, g.oid, 'MEMBER')) THEN`,
      "    BEGIN",
      `      IF EXISTS (SELECT FROM pg_roles WHERE rolname = ${cloud}) THEN`,
      `        EXECUTE format('GRANT %I TO %I', ${cloud}, admin);`,
      "      ELSE",
      "        EXECUTE format('ALTER ROLE %I WITH REPLICATION', admin);",
      "      END IF;",
      "    EXCEPTION WHEN insufficient_privilege THEN",
      "      RAISE EXCEPTION 'freehold: replication: logical needs % to replicate (freehold replicate connects as it), and this server would not let it: %', admin, SQLERRM;",
      "    END;",
      "  END IF;",
      `  IF pg16 AND NOT ${superuser} THEN`,
      `    IF NOT pg_has_role(admin, ${sub}, 'USAGE') THEN`,
      "      BEGIN",
      `        EXECUTE format('GRANT %I TO %I', ${sub}, admin);`,
      "      EXCEPTION WHEN insufficient_privilege THEN",
      `        RAISE WARNING 'freehold: % is not a member of % and may not grant it: freehold replicate creates its subscriptions as %, which works only where the cloud lets its administrators subscribe', admin, ${sub}, admin;`,
      "      END;",
      "    END IF;",
      "  END IF;",
    ];
  return [
    "  IF EXISTS (SELECT FROM pg_roles WHERE rolname = admin AND rolreplication AND NOT rolsuper) THEN",
    "    BEGIN",
    "      EXECUTE format('ALTER ROLE %I WITH NOREPLICATION', admin);",
    "    EXCEPTION WHEN insufficient_privilege THEN",
    "      RAISE WARNING 'freehold: replication is off, but % keeps the REPLICATION attribute: this server does not let it drop it (%)', admin, SQLERRM;",
    "    END;",
    "  END IF;",
    // What a superuser (the cloud's own operator: rdsadmin, azuresu, cloudsqladmin) granted stays. A grantor dropped before PostgreSQL 16
    // leaves its OID in pg_auth_members: such a grant is revoked too.
    `  FOR r IN SELECT g.rolname AS name FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid`,
    `      WHERE g.rolname IN (${cloud}, ${sub}) AND m.member = (SELECT oid FROM pg_roles WHERE rolname = admin) AND NOT EXISTS (SELECT FROM pg_roles o WHERE o.oid = m.grantor AND o.rolsuper) AND NOT ${superuser} LOOP`,
    "    BEGIN",
    "      EXECUTE format('REVOKE %I FROM %I', r.name, admin);",
    "    EXCEPTION WHEN insufficient_privilege THEN",
    "      RAISE WARNING 'freehold: replication is off, but % stays a member of %: %', admin, r.name, SQLERRM;",
    "    END;",
    "  END LOOP;",
  ];
}

/** The script with no cloud-specific steps: what AWS runs, and the core of every backend's. */
export const ROLE_SETUP_SQL = roleSetupSql();

/**
 * The shell command of a one-off role job (`sh -c`): psql, configured by the
 * standard PG* environment variables (host, port, database, administrator,
 * its password, TLS), runs the script from a here-document, and reads the
 * verifiers from `ROLE_VERIFIER_ENV`. Nothing secret is on its command line.
 * `prelude` is shell run first (a cloud's way of delivering the verifiers).
 */
export function roleJobCommand(sql: string, prelude: readonly string[] = []): string {
  if (sql.includes("\nFREEHOLD_SQL\n")) throw new Error("the role script may not contain its own here-document delimiter");
  return ["set -eu", ...prelude, "psql -X -q -f - <<'FREEHOLD_SQL'", sql.replace(/\n$/, ""), "FREEHOLD_SQL", ""].join("\n");
}

/** PostgreSQL's default `scram_iterations`. */
export const SCRAM_ITERATIONS = 4096;

/**
 * The PostgreSQL SCRAM-SHA-256 verifier of a password, computed where the
 * password is generated, so that a role job sends PostgreSQL the verifier
 * (`ALTER ROLE ... PASSWORD 'SCRAM-SHA-256$...'`), never the password: nothing
 * that logs statements can log it, and no job is ever given an application's
 * password.
 *
 * Format (PostgreSQL, src/common/scram-common.c):
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, base64, with
 * SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, iterations) and the keys
 * of RFC 5802 section 3 / RFC 7677.
 * https://www.postgresql.org/docs/current/catalog-pg-authid.html
 *
 * The salt is derived from the password (HMAC), so the same password always
 * gives the same verifier and plans stay deterministic; Freehold's passwords
 * are 32 or more random characters, so no two roles share a salt. Passwords
 * are printable ASCII without spaces (SASLprep leaves them as they are).
 */
export function scramVerifier(password: string, iterations = SCRAM_ITERATIONS): string {
  // SASLprep changes only non-ASCII characters and spaces; Freehold's passwords have none.
  if (/[^\x21-\x7e]/.test(password)) throw new Error("scramVerifier: a Freehold password is printable ASCII without spaces");
  const salt = createHmac("sha256", "freehold scram salt").update(password).digest().subarray(0, 16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/**
 * The PostgreSQL client tools every runbook and jump container names: pg_dump
 * refuses a server newer than itself, and pg_restore reads only archives of
 * its own or older pg_dump, so the client is the newest major version a
 * Freehold database can run (the model's versions are 13 to 17).
 *
 * The image is the Docker Official Image mirrored on Amazon ECR Public (the
 * same manifest as Docker Hub's, without Docker Hub's anonymous pull limits),
 * pinned by the digest of its multi-platform index as a public project pins it
 * (`docker buildx imagetools inspect public.ecr.aws/docker/library/postgres:17`
 * shows the current one); the package is the PostgreSQL Apt repository's
 * (https://www.postgresql.org/download/linux/debian/), since a distribution's
 * own postgresql-client may be older (Debian 12 ships 15).
 */
export const POSTGRES_CLIENT = {
  major: 17,
  image: "public.ecr.aws/docker/library/postgres:17@sha256:5c855ad7b85e68e48a62f34662853f38b57c1c1d80f3a927ab58034fd6d31c5e",
  aptPackage: "postgresql-client-17",
  aptSource: "https://www.postgresql.org/download/linux/debian/",
} as const;
