/**
 * PostgreSQL side of the migration engine: connections (password out of argv,
 * source read-only, every session named so a later run can find it), the
 * inventory of user tables, one-shot psql scripts and the per-table
 * fingerprints (SQL in fingerprint.ts).
 */
import { createHash } from "node:crypto";
import { pgFailure } from "./diagnose";
import { MigrationToolError, type Side } from "./errors";
import { LARGE_OBJECTS_SQL, type LargeObjectSum, type TableInfo } from "./fingerprint";
import { pgTool, run } from "./proc";

export { CHECKSUM_METHOD, type ColumnInfo, type TableInfo, tableChecksumSql } from "./fingerprint";

/** A PostgreSQL connection ready to hand to pg_dump / pg_restore / psql. */
export interface PgConnection {
  /** libpq URI without the password (safe on a command line). */
  conninfo: string;
  /** The URI with the password replaced by `***`, for logs and manifests. */
  display: string;
  /** Environment for the child: PGPASSWORD (the session's name and options are in `conninfo`). */
  env: NodeJS.ProcessEnv;
  /** Values that must never appear in output. */
  secrets: string[];
  readOnly: boolean;
  role: Side;
}

const READ_ONLY_OPTION = "-c default_transaction_read_only=on";

type Query = Array<[string, string]>;

/**
 * A URL's query as libpq reads it: `&`-separated `key=value` pairs, each
 * %XX-decoded, and a `+` is a plus (URLSearchParams would read a space, and
 * write one as `+`, which libpq then passes on as a plus).
 */
function queryOf(u: URL, role: Side = "target"): Query {
  return u.search
    .replace(/^\?/, "")
    .split("&")
    .filter(Boolean)
    .map((p) => {
      const i = p.indexOf("=");
      return [decodePart(i < 0 ? p : p.slice(0, i), "parameters", role), decodePart(i < 0 ? "" : p.slice(i + 1), "parameters", role)];
    });
}

const param = (q: Query, key: string) => q.find(([k]) => k === key)?.[1];
const setParam = (q: Query, key: string, value: string): Query => (param(q, key) === undefined ? [...q, [key, value]] : q.map(([k, v]) => [k, k === key ? value : v]));

/** The URL with this query, every value %XX-encoded (a space as %20). */
function withQuery(u: URL, q: Query): URL {
  const out = new URL(u.toString());
  out.search = q.length > 0 ? `?${q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")}` : "";
  return out;
}

/**
 * The same connection under another application_name and with extra session
 * settings (e.g. `client_connection_check_interval`, PostgreSQL 14+, so a
 * query stops soon after its client dies). Both go in the URL itself: libpq
 * prefers it to a connection service file and to PGOPTIONS / PGAPPNAME.
 */
export function withSession(conn: PgConnection, opts: { appName?: string; settings?: Record<string, string>; params?: Readonly<Record<string, string>> }): PgConnection {
  const u = new URL(conn.conninfo);
  let q = queryOf(u, conn.role);
  for (const [k, v] of Object.entries(opts.params ?? {})) if (param(q, k) === undefined) q = setParam(q, k, v); // the URL's own win
  const settings = Object.entries(opts.settings ?? {}).map(([k, v]) => `-c ${k}=${v}`);
  if (settings.length > 0) q = setParam(q, "options", [param(q, "options"), ...settings].filter(Boolean).join(" "));
  if (opts.appName) q = setParam(q, "application_name", opts.appName);
  return { ...conn, conninfo: withQuery(u, q).toString() };
}

/**
 * The same connection with session settings that must never be in a URL or a statement's text (a secret): the URL's own
 * `options` move to PGOPTIONS with them, since libpq reads PGOPTIONS only when the connection string has no `options`.
 * The environment of a process is readable by its own user only; a session's startup options are shown by no view of
 * the server (pg_stat_activity shows statements, log_connections the user, database and application name).
 */
export function withPrivateSettings(conn: PgConnection, settings: Record<string, string>): PgConnection {
  const u = new URL(conn.conninfo);
  const q = queryOf(u, conn.role);
  const extra = Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`);
  const options = [param(q, "options"), ...extra].filter(Boolean).join(" ");
  return { ...conn, conninfo: withQuery(u, q.filter(([k]) => k !== "options")).toString(), env: { ...conn.env, PGOPTIONS: options }, secrets: [...conn.secrets, ...Object.values(settings)] };
}

/** How a caller hands a connection its password, instead of in the URL. */
export interface PgConnectOptions {
  /** The password (e.g. read from a private file); overrides the URL's and PGPASSWORD. */
  password?: string;
  /** The environment the tools inherit (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

/** URL parameters that carry a secret: never on a command line, never shown. */
export const SECRET_URL_PARAMS = ["password", "sslpassword"] as const;

function decodePart(text: string, what: string, role: Side): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new MigrationToolError(
      `the ${role} URL's ${what} holds a "%" that is not followed by two hexadecimal digits; in a URL a "%" must be written %25${what === "password" ? ` (or leave the password out of the URL and give it with --${role === "source" ? "from" : "to"}-password-file or --${role === "source" ? "from" : "to"}-password-env)` : ""}`,
      "freehold",
    );
  }
}

/** The URL as shown in logs, manifests and errors: no password, every secret parameter `***`. */
export function displayUrl(u: URL, hadPassword: boolean): string {
  const secret = new Set<string>(SECRET_URL_PARAMS);
  const shown = withQuery(u, queryOf(u).map(([k, v]) => [k, secret.has(k) ? "***" : v]));
  shown.password = hadPassword ? "***" : "";
  return shown.toString();
}

/**
 * Split a `postgres://` / `postgresql://` URL into a password-free conninfo and
 * an environment: the password (from `opts.password`, the URL, or PGPASSWORD)
 * reaches each tool as PGPASSWORD in its own environment only, which on Linux
 * no other user can read (/proc/PID/environ). `sslpassword` is refused: libpq
 * takes it only in the connection string, which would put it on a command
 * line; a connection service file (`?service=NAME`) carries it instead. A
 * source connection is opened read-only: every transaction it starts is
 * `READ ONLY` (`-c default_transaction_read_only=on` in the URL's own `options`
 * parameter, after any the URL or PGOPTIONS gave). The session's name and
 * options are in the URL because libpq prefers the connection string to a
 * connection service file (`?service=`), and a service file to PGOPTIONS and
 * PGAPPNAME: a service file's own `options` or `application_name` would
 * otherwise turn off the read-only source or hide the session's name.
 */
export function pgConnection(url: string, role: Side, opts: PgConnectOptions = {}): PgConnection {
  const baseEnv = opts.env ?? process.env;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new MigrationToolError(`the ${role} is not a PostgreSQL URL (expected postgresql://user@host:port/database)`, "freehold");
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:")
    throw new MigrationToolError(`the ${role} is not a PostgreSQL URL: scheme ${u.protocol} (expected postgresql://)`, "freehold");
  const given = queryOf(u, role);
  if (param(given, "sslpassword") !== undefined)
    throw new MigrationToolError(
      `the ${role} URL holds sslpassword, which PostgreSQL's tools accept only in the connection string, where every user of this host could read it in the process list; put it in a connection service file only you can read (https://www.postgresql.org/docs/current/libpq-pgservice.html) and name that service in the URL with ?service=NAME`,
      "freehold",
    );
  decodePart(u.username, "user name", role);
  const secrets: string[] = [];
  let password: string | undefined;
  const hadPassword = u.password !== "" || param(given, "password") !== undefined;
  if (u.password) password = decodePart(u.password, "password", role);
  u.password = "";
  password = param(given, "password") ?? password;
  if (opts.password !== undefined) password = opts.password;
  const query = given.filter(([k]) => k !== "password");
  const readOnly = role === "source";
  const env: NodeJS.ProcessEnv = { ...baseEnv };
  // The URL carries the session's name and options (below): a service file would otherwise override these.
  delete env.PGAPPNAME;
  delete env.PGOPTIONS;
  delete env.PGPASSWORD;
  if (password !== undefined) env.PGPASSWORD = password;
  else if (baseEnv.PGPASSWORD) env.PGPASSWORD = baseEnv.PGPASSWORD;
  if (env.PGPASSWORD) secrets.push(env.PGPASSWORD);
  if (env.PGCONNECT_TIMEOUT === undefined) env.PGCONNECT_TIMEOUT = "15";
  // libpq takes a parameter from the connection string first, then a service file, then the environment: the caller's
  // PGOPTIONS, the URL's own options and the source's read-only setting go in the URL, read-only last, so it wins.
  const options = [param(query, "options"), baseEnv.PGOPTIONS, readOnly ? READ_ONLY_OPTION : undefined].filter((o) => o?.trim()).join(" ");
  let session = setParam(query, "application_name", `freehold-migrate-${role}`);
  if (options) session = setParam(session, "options", options);
  return { conninfo: withQuery(u, session).toString(), display: displayUrl(withQuery(u, query), hadPassword), env, secrets, readOnly, role };
}

/**
 * A short key for one source/target pair (passwords excluded): every session
 * a run opens is named `freehold-<key>-<purpose>`, so the next run can find and
 * stop what an earlier, killed run left running.
 */
export function migrationKey(source: PgConnection, target: PgConnection): string {
  return createHash("sha256").update(`${source.conninfo}\n${target.conninfo}`).digest("hex").slice(0, 12);
}

/** A SQL identifier, always quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal (standard_conforming_strings is set on in every session we open). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Session settings that make every value's text form identical on both
 * servers, and every row visible: with row-level security off, a table whose
 * policies would hide rows from this user makes its query fail ("would be
 * affected by row-level security policy") instead of fingerprinting only the
 * rows the user may see.
 */
export const STABLE_SESSION_SQL = [
  "SET client_encoding = 'UTF8';",
  "SET row_security = off;",
  "SET lc_monetary = 'C';",
  "SET standard_conforming_strings = on;",
  "SET DateStyle = 'ISO, YMD';",
  "SET IntervalStyle = 'postgres';",
  "SET TimeZone = 'UTC';",
  "SET extra_float_digits = 3;",
  "SET bytea_output = 'hex';",
  "SET statement_timeout = 0;",
  "SET search_path = pg_catalog;",
].join("\n");

export interface SequenceInfo {
  schema: string;
  sequence: string;
  /** null when the sequence has never been used, or when this user may not read it (see `readable`). */
  lastValue: string | null;
  /** Whether this user may read the sequence's value (USAGE or SELECT on it): pg_sequences shows NULL otherwise. */
  readable: boolean;
}

export interface TableSum {
  schema: string;
  table: string;
  rows: number;
  checksum: string;
}

/** All user tables in all schemas (not system, not owned by an extension), with their columns, OIDs and sizes. */
export const INVENTORY_SQL = `SELECT coalesce(json_agg(t ORDER BY t.schema, t.table), '[]')::jsonb::text FROM (
  SELECT n.nspname AS schema, c.relname AS table, c.oid::int8 AS oid, pg_total_relation_size(c.oid) AS bytes,
    coalesce((SELECT json_agg(json_build_object(
        'name', a.attname,
        'type', format_type(a.atttypid, a.atttypmod),
        'base', bt.oid::regtype::text,
        'output', bt.typoutput::regproc::text)
      ORDER BY a.attnum)
      FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
        JOIN pg_type bt ON bt.oid = (CASE WHEN ty.typtype = 'd' THEN ty.typbasetype ELSE a.atttypid END)
      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]') AS columns
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r'
    AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
) t;`;

/** Every user sequence and its current value. */
export const SEQUENCES_SQL = `SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('schema', schemaname, 'sequence', sequencename, 'lastValue', last_value::text,
    'readable', pg_catalog.has_sequence_privilege(pg_catalog.format('%I.%I', schemaname, sequencename), 'USAGE, SELECT'))
  ORDER BY schemaname, sequencename), '[]')::jsonb::text
FROM pg_catalog.pg_sequences WHERE schemaname !~ '^pg_' AND schemaname <> 'information_schema';`;

/** Run a SQL script through psql; stdout lines (unaligned, tuples only). A failure names the side and what to check. */
export async function psql(
  conn: PgConnection,
  sql: string,
  opts: { stopOnError?: boolean; action?: string; signal?: AbortSignal; singleTransaction?: boolean } = {},
): Promise<{ lines: string[]; stderr: string; code: number | null }> {
  const r = await run(pgTool("psql"), ["-X", "-q", "-A", "-t", ...(opts.singleTransaction ? ["--single-transaction"] : []), "-v", `ON_ERROR_STOP=${opts.stopOnError === false ? 0 : 1}`, "-d", conn.conninfo, "-f", "-"], {
    env: conn.env,
    input: sql,
    secrets: conn.secrets,
    // Interrupted: SIGINT, on which psql sends the server a cancel request before it quits; killed with SIGTERM it quits
    // alone and the server goes on with the statement (one waiting on another server can wait for ever).
    ...(opts.signal ? { signal: opts.signal, killSignal: "SIGINT" as const } : {}),
  });
  if (opts.stopOnError !== false && r.code !== 0) throw pgFailure(r, { side: conn.role, action: opts.action ?? "run a query", display: conn.display });
  return { lines: r.stdout.split("\n").filter((l) => l.length > 0), stderr: r.stderr, code: r.code };
}

export function parseJsonLine<T>(line: string | undefined, what: string): T {
  if (line === undefined) throw new MigrationToolError(`psql printed nothing for ${what}`, "psql");
  return JSON.parse(line) as T;
}

export interface ServerInfo {
  /** e.g. `15.18 (Debian 15.18-0+deb12u1)`. */
  version: string;
  /** e.g. 150018. */
  versionNum: number;
  /** pg_database_size of the database. */
  databaseBytes: number;
  /** current_database(). */
  database: string;
  /** The database's OID on its server. */
  databaseOid: number;
  /** The database's encoding, e.g. `UTF8`, `LATIN1`. */
  encoding: string;
  /** pg_control_system().system_identifier (unique per cluster), or null when the user may not read it. */
  systemIdentifier: string | null;
  /** When the server started, in microseconds since 1970 (with the OID and name, tells servers apart without the identifier). */
  startedAt: string;
}

/** SQL printing one JSON line: the server's version and identity, the database's name, OID, encoding and size. */
export const SERVER_INFO_SQL = `SELECT pg_catalog.json_build_object(
  'version', pg_catalog.current_setting('server_version'),
  'versionNum', pg_catalog.current_setting('server_version_num')::int,
  'databaseBytes', pg_catalog.pg_database_size(pg_catalog.current_database()),
  'database', d.datname, 'databaseOid', d.oid::int8, 'encoding', pg_catalog.pg_encoding_to_char(d.encoding),
  'systemIdentifier', CASE WHEN pg_catalog.has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE')
    THEN (SELECT s.system_identifier::text FROM pg_catalog.pg_control_system() s) END,
  'startedAt', (pg_catalog.date_part('epoch', pg_catalog.pg_postmaster_start_time()) * 1000000)::int8::text)::text
FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database();`;

/** Which database this is, whatever host name or address reached it: cluster, database OID and name. */
export function databaseIdentity(s: ServerInfo): string {
  return `${s.systemIdentifier ? `cluster ${s.systemIdentifier}` : `server started ${s.startedAt}`}, database ${s.databaseOid} ${JSON.stringify(s.database)}`;
}

export async function serverInfo(conn: PgConnection): Promise<ServerInfo> {
  const r = await psql(conn, SERVER_INFO_SQL, { action: "connect" });
  return parseJsonLine<ServerInfo>(r.lines[0], "the server version");
}

/**
 * TCP keepalives the server sends (settable by any role), so that a session whose client's network vanished (a laptop
 * asleep, a VPN or NAT mapping dropped) ends within about half a minute, with its locks and its transaction: 10 s idle,
 * then 3 probes 5 s apart. The server's defaults leave it to the operating system's, two hours and more. Ignored on a
 * Unix socket, where the server sees a client end at once.
 * https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-TCP-KEEPALIVES-IDLE
 */
export const SERVER_KEEPALIVES: Readonly<Record<string, string>> = { tcp_keepalives_idle: "10", tcp_keepalives_interval: "5", tcp_keepalives_count: "3" };

/**
 * The same keepalives on the client's side (libpq connection parameters, unless the URL sets its own): a psql, pg_dump
 * or pg_restore waiting on a server whose network vanished fails within about half a minute instead of waiting hours.
 * https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-KEEPALIVES
 */
export const CLIENT_KEEPALIVES: Readonly<Record<string, string>> = { keepalives: "1", keepalives_idle: "10", keepalives_interval: "5", keepalives_count: "3" };

/**
 * A lock's session (it sends nothing but its answers) also ends after 30 s of data its client never acknowledges
 * (`tcp_user_timeout`, PostgreSQL 12+). Not for a copy's sessions: a slow reader's full window would count too.
 */
export const LOCK_KEEPALIVES: Readonly<Record<string, string>> = { ...SERVER_KEEPALIVES, tcp_user_timeout: "30000" };

/**
 * Settings for every session a run opens on a server of this version, as startup options (so pg_dump's, pg_restore's
 * and psql's sessions get them before their first statement):
 * - no server default may end a session half-way: a snapshot session sits idle in its transaction while the copy runs
 *   (`idle_in_transaction_session_timeout`, 9.6+; `transaction_timeout`, 17+), the lock's session sits idle between
 *   statements for the whole run (`idle_session_timeout`, 14+), a copy can take hours (`statement_timeout`) and wait
 *   for a lock (`lock_timeout`): the values pg_dump and its scripts set for the same reason;
 * - XML values are read as the dump's scripts read them (`xmloption = content`: a fragment is not refused by a
 *   database whose default is `document`);
 * - a query stops soon after its client is gone (`client_connection_check_interval`, 14+), and a session whose
 *   client's network vanished ends, with its locks and its transaction (SERVER_KEEPALIVES).
 * https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-IDLE-IN-TRANSACTION-SESSION-TIMEOUT
 */
export function sessionSettings(versionNum: number): Record<string, string> {
  return {
    statement_timeout: "0",
    lock_timeout: "0",
    idle_in_transaction_session_timeout: "0",
    ...(versionNum >= 140000 ? { idle_session_timeout: "0", client_connection_check_interval: "1000" } : {}),
    ...(versionNum >= 170000 ? { transaction_timeout: "0" } : {}),
    xmloption: "content",
    ...SERVER_KEEPALIVES,
  };
}

/** The large objects' count and digest (fingerprint.ts), read now. */
export async function readLargeObjects(conn: PgConnection): Promise<LargeObjectSum> {
  const r = await psql(conn, `${STABLE_SESSION_SQL}\n${LARGE_OBJECTS_SQL}`, { action: "fingerprint the large objects" });
  return parseJsonLine<LargeObjectSum>(r.lines[0], "the large objects");
}

export async function listTables(conn: PgConnection): Promise<TableInfo[]> {
  const r = await psql(conn, INVENTORY_SQL, { action: "list the tables" });
  return parseJsonLine<TableInfo[]>(r.lines[0], "the table inventory");
}

export async function listSequences(conn: PgConnection): Promise<SequenceInfo[]> {
  const r = await psql(conn, SEQUENCES_SQL, { action: "list the sequences" });
  return parseJsonLine<SequenceInfo[]>(r.lines[0], "the sequences");
}

export interface ChecksumRun {
  sums: Map<string, TableSum>;
  /** Tables whose checksum query failed on this side (e.g. a column missing), with psql's message. */
  failed: Map<string, string>;
  ms: number;
}

/**
 * The identity of a table in maps and sets: its schema and name as a pair,
 * never joined by a dot (schema `a` with table `b.c`, and schema `a.b` with
 * table `c`, are two tables).
 */
export function tableKey(t: { schema: string; table: string }): string {
  return JSON.stringify([t.schema, t.table]);
}

/** A name as a person reads it: in double quotes when it is not a plain lower-case identifier (as PostgreSQL prints it). */
function shownIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : quoteIdent(name);
}

/** A qualified name for messages and manifests, unambiguous (`a."b.c"`, `"a.b".c`); never a key. */
export function qualifiedName(schema: string, name: string): string {
  return `${shownIdent(schema)}.${shownIdent(name)}`;
}

export const tableName = (t: { schema: string; table: string }): string => qualifiedName(t.schema, t.table);

/** Items by key; two items with one key would make one hide the other in a comparison, so that is an error. */
export function byKey<T>(items: readonly T[], key: (t: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (out.has(k)) throw new MigrationToolError(`two catalog entries share the key ${k}; nothing is compared under it`, "freehold");
    out.set(k, item);
  }
  return out;
}

/** Parse one fingerprint's output into `run`, or record why it failed. */
export function recordChecksum(run: ChecksumRun, t: TableInfo, lines: string[], errors: string[]): void {
  for (const line of lines) {
    try {
      const s = JSON.parse(line) as TableSum;
      if (typeof s.schema === "string" && typeof s.table === "string" && s.schema === t.schema && s.table === t.table) {
        run.sums.set(tableKey(s), s);
        return;
      }
    } catch {
      /* not one of our lines */
    }
  }
  const why = errors.filter((l) => /ERROR|DETAIL/.test(l)).join(" ");
  run.failed.set(tableKey(t), why || "checksum query failed");
}
