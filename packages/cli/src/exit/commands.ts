/**
 * The data-migration commands, from one source: the exit plan's runbook
 * prints them for an operator, and the exit drill (`freehold rehearse --from
 * --to`) runs the very same argument lists against its local servers. Only
 * the endpoints differ (a cloud's private address, or 127.0.0.1), never the
 * flags.
 */
import { APP_ROLES, type DatabaseMigration, type ObjectStoreMigration } from "@freehold/core";
import { formatRemote } from "../migrate/remote";
import { restoreOptions } from "../migrate/restore";

/** One side of a database migration, as the commands reach it. */
export interface DatabaseEndpoint {
  /** Shell-ready: a runbook's host may be `$(…)` that the operator's shell resolves. */
  host: string;
  port: number | string;
  database: string;
  /** The administrator: a migration reads and restores more than an application role may. */
  user: string;
  sslmode: string;
  /** The certificate authority file, with `sslmode=verify-full`. */
  sslrootcert?: string;
  /** The environment variable holding this side's password (never on the command line). */
  passwordEnv: string;
}

/** One side of an object copy: an rclone connection string's parts, and where its secret options are (a private file), if any. */
export interface StoreEndpoint {
  rcloneType: string;
  rcloneOptions: Record<string, string>;
  path: string;
  secretsFile?: string;
}

export const SOURCE_PASSWORD_ENV = "SRC_PASSWORD";
export const TARGET_PASSWORD_ENV = "DST_PASSWORD";
/** Where the runbook writes each server's certificate authorities (in the folder the commands run in): the URLs' `sslrootcert`. */
export const SOURCE_CA_FILE = "source-ca.pem";
export const TARGET_CA_FILE = "target-ca.pem";
export const DATABASE_MANIFEST_FILE = "db-manifest.json";
export const OBJECTS_MANIFEST_FILE = "objects-manifest.json";
/** The role every restore runs as: the read-write role of the role model, which then owns what it restored. */
export const RESTORE_ROLE = APP_ROLES.readWrite;

/** A PostgreSQL URL without a password. */
export function databaseUrl(e: DatabaseEndpoint): string {
  const ca = e.sslrootcert ? `&sslrootcert=${encodeURIComponent(e.sslrootcert)}` : "";
  return `postgresql://${e.user}@${e.host}:${e.port}/${e.database}?sslmode=${e.sslmode}${ca}`;
}

/** libpq's key=value form (what pg_dump, pg_restore and psql take by hand). */
export function databaseConninfo(e: DatabaseEndpoint): string {
  return `host=${e.host} port=${e.port} dbname=${e.database} user=${e.user} sslmode=${e.sslmode}${e.sslrootcert ? ` sslrootcert=${e.sslrootcert}` : ""}`;
}

/** `freehold migrate database`: verified, all or nothing, restored as the target's read-write role. */
export function migrateDatabaseArgv(from: DatabaseEndpoint, to: DatabaseEndpoint, manifest = DATABASE_MANIFEST_FILE): string[] {
  return ["freehold", "migrate", "database", "--from", databaseUrl(from), "--from-password-env", from.passwordEnv, "--to", databaseUrl(to), "--to-password-env", to.passwordEnv, "--to-role", RESTORE_ROLE, "--manifest", manifest];
}

/** Whether both stores keep an MD5 rclone can compare; Azure Blob and the others share none in rclone 1.60 unless both are Azure. */
export function sharedHash(from: Pick<StoreEndpoint, "rcloneType">, to: Pick<StoreEndpoint, "rcloneType">): boolean {
  return from.rcloneType === "azureblob" || to.rcloneType === "azureblob" ? from.rcloneType === to.rcloneType : true;
}

/** `freehold migrate objects`: rclone copy --checksum, then every object's size and hash. */
export function migrateObjectsArgv(from: StoreEndpoint, to: StoreEndpoint, manifest = OBJECTS_MANIFEST_FILE): string[] {
  return [
    "freehold",
    "migrate",
    "objects",
    "--from",
    formatRemote(from.rcloneType as never, from.rcloneOptions, from.path),
    ...(from.secretsFile ? ["--from-secrets-file", from.secretsFile] : []),
    "--to",
    formatRemote(to.rcloneType as never, to.rcloneOptions, to.path),
    ...(to.secretsFile ? ["--to-secrets-file", to.secretsFile] : []),
    ...(sharedHash(from, to) ? [] : ["--verify", "download"]),
    "--manifest",
    manifest,
  ];
}

/** pg_dump and pg_restore by hand: the same dump, restored as the read-write role in one transaction. */
export function manualDatabaseCommands(from: DatabaseEndpoint, to: DatabaseEndpoint): string[] {
  return [
    `PGPASSWORD="$${from.passwordEnv}" pg_dump "${databaseConninfo(from)}" -Fd -j 4 --no-owner --no-privileges -f dump/`,
    `PGPASSWORD="$${to.passwordEnv}" pg_restore -d "${databaseConninfo(to)}" ${restoreOptions(RESTORE_ROLE).join(" ")} --single-transaction dump/`,
  ];
}

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One argument as a POSIX shell reads it: plain when it needs no quoting; in
 * double quotes when it holds `$(…)` for the operator's shell to resolve (a
 * cloud's host look-up); otherwise in single quotes.
 */
export function shellWord(arg: string): string {
  if (PLAIN.test(arg)) return arg;
  if (arg.includes("$(")) return `"${arg}"`;
  return `'${arg.replace(/'/g, `'"'"'`)}'`;
}

export function shellLine(argv: readonly string[]): string {
  return argv.map(shellWord).join(" ");
}

/** A plan's database, as the runbook reaches it: its administrator, its password from `passwordEnv`, the server verified against `caFile` (what `serverCaCommands` wrote). */
export function planDatabase(m: DatabaseMigration, passwordEnv: string, caFile: string): DatabaseEndpoint {
  return { host: m.host, port: m.port, database: m.database, user: m.user, sslmode: m.sslmode, sslrootcert: caFile, passwordEnv };
}

/**
 * The runbook's commands that write a server's certificate authorities to `file` (in a subshell with umask
 * 077, so only the operator can change what the connection trusts), then check it holds a certificate: a
 * look-up that printed nothing stops the runbook here, not at the first connection.
 */
export function serverCaCommands(ca: DatabaseMigration["serverCa"], file: string): string[] {
  const write = "pem" in ca ? `(umask 077 && cat > ${file} <<'PEM'\n${ca.pem.trim()}\nPEM\n)` : `(umask 077 && ${ca.command} > ${file})`;
  return [write, `grep -q 'BEGIN CERTIFICATE' ${file} || { echo "${file} holds no certificate" >&2; false; }`];
}

/** A plan's object store, as the runbook reaches it (credentials from the environment: env_auth). */
export function planStore(m: ObjectStoreMigration): StoreEndpoint {
  return { rcloneType: m.rcloneType, rcloneOptions: m.rcloneOptions, path: m.path };
}

/** The Freehold commands of a runbook between two plans' first database and store: what an operator types, and what the drill runs with its own endpoints. */
export function runbookCommands(source: { migration: { databases: DatabaseMigration[]; objectStores: ObjectStoreMigration[] } }, target: typeof source): string[] {
  const lines: string[] = [];
  const [sd, td] = [source.migration.databases[0], target.migration.databases[0]];
  if (sd && td) lines.push(shellLine(migrateDatabaseArgv(planDatabase(sd, SOURCE_PASSWORD_ENV, SOURCE_CA_FILE), planDatabase(td, TARGET_PASSWORD_ENV, TARGET_CA_FILE))));
  const [so, to] = [source.migration.objectStores[0], target.migration.objectStores[0]];
  if (so && to) lines.push(shellLine(migrateObjectsArgv(planStore(so), planStore(to))));
  return lines;
}
