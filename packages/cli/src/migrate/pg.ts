/**
 * PostgreSQL side of the migration engine: connections (password out of argv,
 * source read-only), the inventory of user tables, and the checksum SQL that
 * runs byte-for-byte identically on the source and the target.
 */
import { MigrationToolError } from "./errors";
import { pgTool, redact, run } from "./proc";

/** A PostgreSQL connection ready to hand to pg_dump / pg_restore / psql. */
export interface PgConnection {
  /** libpq URI without the password (safe on a command line). */
  conninfo: string;
  /** The URI with the password replaced by `***`, for logs and manifests. */
  display: string;
  /** Environment for the child: PGPASSWORD, and for a source PGOPTIONS read-only. */
  env: NodeJS.ProcessEnv;
  /** Values that must never appear in output. */
  secrets: string[];
  readOnly: boolean;
}

const READ_ONLY_OPTION = "-c default_transaction_read_only=on";

/**
 * Split a `postgres://` / `postgresql://` URL into a password-free conninfo and
 * an environment. A source connection is opened read-only: every transaction
 * it starts is `READ ONLY` (PGOPTIONS, or the URL's own `options` parameter,
 * which libpq would otherwise prefer).
 */
export function pgConnection(url: string, role: "source" | "target", baseEnv: NodeJS.ProcessEnv = process.env): PgConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new MigrationToolError(`not a PostgreSQL URL (expected postgresql://user:password@host:port/db)`, "psql");
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:")
    throw new MigrationToolError(`not a PostgreSQL URL: scheme ${u.protocol} (expected postgresql://)`, "psql");
  const secrets: string[] = [];
  let password: string | undefined;
  if (u.password) {
    password = decodeURIComponent(u.password);
    u.password = "";
  }
  const qp = u.searchParams.get("password");
  if (qp !== null) {
    password = qp;
    u.searchParams.delete("password");
  }
  if (password) secrets.push(password);
  const readOnly = role === "source";
  const env: NodeJS.ProcessEnv = { ...baseEnv, PGAPPNAME: `freehold-migrate-${role}` };
  delete env.PGPASSWORD;
  if (password !== undefined) env.PGPASSWORD = password;
  else if (baseEnv.PGPASSWORD) {
    env.PGPASSWORD = baseEnv.PGPASSWORD;
    secrets.push(baseEnv.PGPASSWORD);
  }
  if (env.PGCONNECT_TIMEOUT === undefined) env.PGCONNECT_TIMEOUT = "15";
  if (readOnly) {
    const inUrl = u.searchParams.get("options");
    if (inUrl !== null) u.searchParams.set("options", `${inUrl} ${READ_ONLY_OPTION}`.trim());
    env.PGOPTIONS = `${baseEnv.PGOPTIONS ?? ""} ${READ_ONLY_OPTION}`.trim();
  }
  const conninfo = u.toString();
  const shown = new URL(conninfo);
  if (password !== undefined) shown.password = "***";
  return { conninfo, display: shown.toString(), env, secrets, readOnly };
}

/** A SQL identifier, always quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal (standard_conforming_strings is set on in every session we open). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Session settings that make every value's text form identical on both servers. */
export const STABLE_SESSION_SQL = [
  "SET client_encoding = 'UTF8';",
  "SET standard_conforming_strings = on;",
  "SET DateStyle = 'ISO, YMD';",
  "SET IntervalStyle = 'postgres';",
  "SET TimeZone = 'UTC';",
  "SET extra_float_digits = 3;",
  "SET bytea_output = 'hex';",
  "SET statement_timeout = 0;",
].join("\n");

export interface ColumnInfo {
  name: string;
  /** format_type() of the column, e.g. `numeric(12,2)`. */
  type: string;
  /** The type under any domain, as regtype text (e.g. `double precision`). */
  base: string;
}

export interface TableInfo {
  schema: string;
  table: string;
  columns: ColumnInfo[];
}

export interface SequenceInfo {
  schema: string;
  sequence: string;
  /** null when the sequence has never been used. */
  lastValue: string | null;
}

export interface TableSum {
  schema: string;
  table: string;
  rows: number;
  checksum: string;
}

/**
 * The text of one column inside the row fingerprint. Floats are hashed by
 * their binary send form (exact, independent of extra_float_digits and of the
 * server version; NaN, ±Infinity and -0 all survive); money by its numeric
 * value (its text depends on lc_monetary). Everything else by its output text
 * under STABLE_SESSION_SQL (ISO dates, UTC, hex bytea).
 */
export function columnExpr(col: ColumnInfo, alias = "r"): string {
  const ref = `${alias}.${quoteIdent(col.name)}`;
  switch (col.base) {
    case "double precision":
      return `float8send(${ref})`;
    case "real":
      return `float4send(${ref})`;
    case "money":
      return `${ref}::numeric`;
    default:
      return ref;
  }
}

/**
 * One statement that prints one JSON line: the table's row count and a content
 * checksum. Each row is fingerprinted as md5 of its UTF-8 record text
 * (`ROW(...)::text`: NULL and '' differ, every field is quoted as needed); the
 * fingerprints are combined as an exact sum of their two 64-bit halves, so the
 * result does not depend on row order, collation or the presence of a primary
 * key, duplicate rows count, and memory stays constant. The same SQL text runs
 * on both sides.
 */
export function tableChecksumSql(t: TableInfo): string {
  const fq = `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`;
  const row = `ROW(${t.columns.map((c) => columnExpr(c)).join(", ")})::text`;
  const half = (from: number) => `coalesce(sum(('x' || substr(q.h, ${from}, 16))::bit(64)::bigint::numeric), 0)::text`;
  return [
    `SELECT json_build_object('schema', ${quoteLiteral(t.schema)}, 'table', ${quoteLiteral(t.table)},`,
    `  'rows', count(*),`,
    `  'checksum', md5(count(*)::text || ':' || ${half(1)} || ':' || ${half(17)}))::text`,
    `FROM (SELECT md5(convert_to(${row}, 'UTF8')) AS h FROM ONLY ${fq} AS r) AS q;`,
  ].join("\n");
}

/** All user tables in all schemas (not system, not owned by an extension), with their columns. */
export const INVENTORY_SQL = `SELECT coalesce(json_agg(t ORDER BY t.schema, t.table), '[]')::jsonb::text FROM (
  SELECT n.nspname AS schema, c.relname AS table,
    coalesce((SELECT json_agg(json_build_object(
        'name', a.attname,
        'type', format_type(a.atttypid, a.atttypmod),
        'base', (CASE WHEN ty.typtype = 'd' THEN ty.typbasetype ELSE a.atttypid END)::regtype::text)
      ORDER BY a.attnum)
      FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]') AS columns
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r'
    AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
) t;`;

/** Every user sequence and its current value. */
export const SEQUENCES_SQL = `SELECT coalesce(json_agg(json_build_object('schema', schemaname, 'sequence', sequencename, 'lastValue', last_value::text)
  ORDER BY schemaname, sequencename), '[]')::jsonb::text
FROM pg_sequences WHERE schemaname !~ '^pg_' AND schemaname <> 'information_schema';`;

/** Run a SQL script through psql; stdout lines (unaligned, tuples only). */
export async function psql(
  conn: PgConnection,
  sql: string,
  opts: { stopOnError?: boolean; psqlBin?: string } = {},
): Promise<{ lines: string[]; stderr: string; code: number | null }> {
  const bin = opts.psqlBin ?? pgTool("psql");
  const r = await run(
    bin,
    ["-X", "-q", "-A", "-t", "-v", `ON_ERROR_STOP=${opts.stopOnError === false ? 0 : 1}`, "-d", conn.conninfo, "-f", "-"],
    { env: conn.env, input: sql, secrets: conn.secrets },
  );
  if (opts.stopOnError !== false && r.code !== 0) {
    const msg = redact((r.stderr || r.stdout).trim(), conn.secrets);
    throw new MigrationToolError(`psql on ${conn.display} failed: ${msg}`, "psql", r.code);
  }
  return { lines: r.stdout.split("\n").filter((l) => l.length > 0), stderr: r.stderr, code: r.code };
}

function parseJsonLine<T>(line: string | undefined, what: string): T {
  if (line === undefined) throw new MigrationToolError(`psql printed nothing for ${what}`, "psql");
  return JSON.parse(line) as T;
}

export async function serverVersion(conn: PgConnection): Promise<string> {
  const r = await psql(conn, "SELECT current_setting('server_version');");
  return r.lines[0] ?? "unknown";
}

export async function listTables(conn: PgConnection): Promise<TableInfo[]> {
  const r = await psql(conn, INVENTORY_SQL);
  return parseJsonLine<TableInfo[]>(r.lines[0], "the table inventory");
}

export async function listSequences(conn: PgConnection): Promise<SequenceInfo[]> {
  const r = await psql(conn, SEQUENCES_SQL);
  return parseJsonLine<SequenceInfo[]>(r.lines[0], "the sequences");
}

export interface ChecksumRun {
  sums: Map<string, TableSum>;
  /** Tables whose checksum query failed on this side (e.g. a column missing), with psql's message. */
  failed: Map<string, string>;
  ms: number;
}

export function tableKey(t: { schema: string; table: string }): string {
  return `${t.schema}.${t.table}`;
}

/**
 * Checksum the given tables (their definitions taken from the source) on one
 * server, in one psql session. A table whose query fails is reported in
 * `failed` instead of stopping the others.
 */
export async function checksumTables(conn: PgConnection, tables: TableInfo[]): Promise<ChecksumRun> {
  const started = Date.now();
  const sums = new Map<string, TableSum>();
  const failed = new Map<string, string>();
  if (tables.length === 0) return { sums, failed, ms: 0 };
  const script = [STABLE_SESSION_SQL, ...tables.map(tableChecksumSql)].join("\n");
  const r = await psql(conn, script, { stopOnError: false });
  for (const line of r.lines) {
    try {
      const s = JSON.parse(line) as TableSum;
      if (typeof s.schema === "string" && typeof s.table === "string") sums.set(tableKey(s), s);
    } catch {
      /* not one of our lines */
    }
  }
  const errors = r.stderr.split("\n").filter((l) => /ERROR|DETAIL/.test(l));
  for (const t of tables) {
    if (sums.has(tableKey(t))) continue;
    const mine = errors.filter((l) => l.includes(t.table));
    const why = (mine.length > 0 ? mine : errors).join(" ").replace(/^psql:[^:]*:\d+:\s*/, "");
    failed.set(tableKey(t), why || `checksum query failed (psql exit ${r.code})`);
  }
  return { sums, failed, ms: Date.now() - started };
}
