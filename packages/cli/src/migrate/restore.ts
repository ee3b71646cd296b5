/**
 * The restore, in parallel, all or nothing.
 *
 * `pg_restore --single-transaction` cannot use parallel jobs, so atomicity is
 * kept another way:
 *
 * 1. Before anything is written, a journal in the (private) work folder
 *    records the target's identity and its transaction horizon.
 * 2. The pre-data section (schemas, tables, types, functions, sequences,
 *    views) is restored in one transaction with --exit-on-error: it creates
 *    every object or none. Every catalog row that transaction creates carries
 *    its transaction id (`xmin`), so right after it commits the objects it
 *    created are read from the target's catalogs (by that id: only what this
 *    restore made, never an object the target already had) and recorded in
 *    the journal by OID and PostgreSQL's own quoted identity
 *    (pg_identify_object).
 * 3. Data and post-data (indexes, constraints, triggers) are restored with
 *    `pg_restore -j N`. Each table's data is committed as it finishes, and
 *    the caller is told, so verification of that table starts at once.
 * 4. On success the journal is removed. On failure or interruption the
 *    sessions of the restore are stopped and the recorded objects are dropped
 *    in one transaction (psql --single-transaction), each only if its OID
 *    still names the same object: the target is as it was. A run killed
 *    before it could do so (SIGKILL, power loss) leaves the journal, and the
 *    next run of the same source and target applies it first; a journal for
 *    another target is never applied.
 *
 * The SQL that undoes a restore is built here, when it runs, from numbers
 * and hex-encoded names: no statement is split, no name is spliced into SQL
 * unquoted, and nothing a file says is run as SQL.
 */
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pgFailure } from "./diagnose";
import { MigrationToolError } from "./errors";
import { parseJsonLine, type PgConnection, psql, quoteLiteral } from "./pg";
import { run } from "./proc";
import { HORIZON_SQL, parseSnapshot } from "./state";
import type { RestoreJournal, WorkDir } from "./workdir";

/** One object a restore created, as recorded in the journal. */
export interface CreatedObject {
  classid: number;
  objid: number;
  /** pg_identify_object's type, e.g. `table`, `schema`, `function`. */
  type: string;
  /** pg_identify_object's identity: the quoted, qualified name (`public."Odd ""Name"""`, `public.f(integer)`). */
  identity: string;
}

/** The DROP keyword for each kind of object a restore may create (pg_identify_object's type names). */
const DROP_KEYWORD: Record<string, string> = {
  "event trigger": "EVENT TRIGGER",
  publication: "PUBLICATION",
  "statistics object": "STATISTICS",
  cast: "CAST",
  "foreign table": "FOREIGN TABLE",
  "materialized view": "MATERIALIZED VIEW",
  view: "VIEW",
  table: "TABLE",
  sequence: "SEQUENCE",
  aggregate: "AGGREGATE",
  procedure: "PROCEDURE",
  function: "FUNCTION",
  operator: "OPERATOR",
  "operator class": "OPERATOR CLASS",
  "operator family": "OPERATOR FAMILY",
  "text search configuration": "TEXT SEARCH CONFIGURATION",
  "text search dictionary": "TEXT SEARCH DICTIONARY",
  "text search parser": "TEXT SEARCH PARSER",
  "text search template": "TEXT SEARCH TEMPLATE",
  collation: "COLLATION",
  conversion: "CONVERSION",
  type: "TYPE",
  domain: "DOMAIN",
  server: "SERVER",
  "foreign-data wrapper": "FOREIGN DATA WRAPPER",
  "access method": "ACCESS METHOD",
  language: "LANGUAGE",
  extension: "EXTENSION",
  schema: "SCHEMA",
  "large object": "LARGE OBJECT",
};
const DROP_ORDER = Object.keys(DROP_KEYWORD);

/** Catalogs whose rows are whole objects a restore can create (sub-objects go with their owner). */
const CATALOGS = [
  "pg_namespace",
  "pg_class",
  "pg_type",
  "pg_proc",
  "pg_extension",
  "pg_collation",
  "pg_conversion",
  "pg_operator",
  "pg_opclass",
  "pg_opfamily",
  "pg_ts_config",
  "pg_ts_dict",
  "pg_ts_parser",
  "pg_ts_template",
  "pg_cast",
  "pg_language",
  "pg_foreign_data_wrapper",
  "pg_foreign_server",
  "pg_event_trigger",
  "pg_publication",
  "pg_statistic_ext",
  "pg_am",
  // pg_dump restores large objects' metadata in pre-data (lo_create), their contents in data; pg_depend and pg_identify_object name them by pg_largeobject.
  "pg_largeobject_metadata",
];
const CLASS_OF: Record<string, string> = { pg_largeobject_metadata: "pg_largeobject" };

const isXid = (x: string) => /^\d{1,10}$/.test(x);

/** SQL: every top-level object whose catalog row was created by transaction `xid` (not a part of another object, not an extension's member). */
export function createdObjectsSql(xid: string): string {
  if (!isXid(xid)) throw new Error(`not a transaction id: ${xid}`);
  const rows = CATALOGS.map(
    (c) => `SELECT 'pg_catalog.${CLASS_OF[c] ?? c}'::pg_catalog.regclass::oid AS classid, oid AS objid FROM pg_catalog.${c} WHERE xmin = '${xid}'::xid${c === "pg_class" ? " AND relkind IN ('r', 'p', 'v', 'm', 'S', 'f')" : ""}`,
  ).join("\n  UNION ALL ");
  return `WITH made AS (
  ${rows}
)
SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('classid', m.classid::int8, 'objid', m.objid::int8, 'type', i.type, 'identity', i.identity) ORDER BY m.classid, m.objid), '[]')::text
FROM made m CROSS JOIN LATERAL pg_catalog.pg_identify_object(m.classid, m.objid, 0) i
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = m.classid AND d.objid = m.objid AND d.objsubid = 0 AND d.deptype IN ('i', 'a', 'e', 'x'));`;
}

/** A 32-bit xid column widened to the 64-bit txid it stands for, relative to the current horizon. */
const FULL_XID = (col: string) =>
  `(CASE WHEN ${col}::text::int8 <= (h.x % 4294967296) THEN (h.x / 4294967296) ELSE (h.x / 4294967296) - 1 END) * 4294967296 + ${col}::text::int8`;
const HORIZON_CTE = "h AS (SELECT pg_catalog.txid_snapshot_xmax(pg_catalog.txid_current_snapshot()) AS x)";

/**
 * SQL: the transaction ids (32-bit, with their 64-bit value) that created the
 * named tables in the target, or, when `tables` is empty, every id newer than
 * `horizonXmax` that created a schema, relation, type or function.
 */
export function creatorSql(tables: Array<{ schema: string; table: string }>, horizonXmax: bigint): string {
  if (tables.length > 0) {
    const pairs = tables.map((t) => `(${quoteLiteral(t.schema)}, ${quoteLiteral(t.table)})`).join(", ");
    // The names are literals: standard_conforming_strings on, so a backslash in one is only a backslash.
    return `SET standard_conforming_strings = on;
WITH ${HORIZON_CTE}
SELECT coalesce(pg_catalog.json_agg(DISTINCT pg_catalog.json_build_object('xid', c.xmin::text, 'full', (${FULL_XID("c.xmin")})::text)::text), '[]')::text
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace CROSS JOIN h
WHERE (n.nspname, c.relname) IN (VALUES ${pairs});`;
  }
  const rows = ["pg_namespace", "pg_class", "pg_type", "pg_proc"].map((c) => `SELECT xmin FROM pg_catalog.${c}`).join(" UNION ALL ");
  return `WITH ${HORIZON_CTE}
SELECT coalesce(pg_catalog.json_agg(DISTINCT pg_catalog.json_build_object('xid', r.xmin::text, 'full', (${FULL_XID("r.xmin")})::text)::text), '[]')::text
FROM (${rows}) r CROSS JOIN h
WHERE r.xmin::text::int8 >= 3 AND (${FULL_XID("r.xmin")}) >= ${horizonXmax.toString()};`;
}

/** Find the transaction that restored the schema (created after `horizon`) and the objects it created. Empty when it never committed. */
export async function createdByRestore(target: PgConnection, horizon: string, tables: Array<{ schema: string; table: string }>): Promise<{ xid: string; objects: CreatedObject[] } | undefined> {
  const xmax = parseSnapshot(horizon).xmax;
  const r = await psql(target, creatorSql(tables, xmax), { action: "find what the restore created" });
  const found = (parseJsonLine<string[]>(r.lines[0], "the restore's transaction") ?? []).map((x) => JSON.parse(x) as { xid: string; full: string });
  const mine = found.filter((f) => BigInt(f.full) >= xmax);
  if (mine.length === 0) return undefined;
  if (mine.length > 1 || found.length > mine.length)
    throw new MigrationToolError(
      `cannot tell which objects in the target the restore created: ${found.length} transaction(s) made the source's tables or newer objects there (${found.map((f) => f.xid).join(", ")}); nothing was undone.`,
      "freehold",
      null,
      { side: "target", hint: "whether someone else created or restored the same objects in the target database; drop what the restore made by hand, or use an empty database" },
    );
  const xid = (mine[0] as { xid: string }).xid;
  const objects = await psql(target, createdObjectsSql(xid), { action: "list what the restore created" });
  return { xid, objects: parseJsonLine<CreatedObject[]>(objects.lines[0], "the restored objects") };
}

const hex = (s: string) => `pg_catalog.convert_from(pg_catalog.decode('${Buffer.from(s, "utf8").toString("hex")}', 'hex'), 'UTF8')`;

/** pg_depend's kinds of "part of" (auto, internal, extension member, partition): such an object goes with the one it is part of. */
const PART_OF = "('a', 'i', 'e', 'x', 'P', 'S')";

/**
 * What depends on the restore's objects (pg_depend, recursively) and is not
 * part of one of them: what `DROP … CASCADE` would remove that the restore
 * did not make (a table someone created in a restored schema, their view or
 * foreign key on a restored table, their column of a restored type, …). Also
 * a table that holds data under a name the restore did not create (a
 * partition someone attached). An event trigger calling a restored function
 * was restored with it (pg_dump puts event triggers in post-data).
 */
const FOREIGN_DEPENDENTS = `WITH RECURSIVE mine AS (SELECT * FROM ROWS FROM (pg_catalog.unnest(classes), pg_catalog.unnest(ids)) AS m(classid, objid)),
  reach AS (
    SELECT d.classid, d.objid FROM pg_catalog.pg_depend d JOIN mine m ON d.refclassid = m.classid AND d.refobjid = m.objid
    UNION
    SELECT d.classid, d.objid FROM pg_catalog.pg_depend d JOIN reach r ON d.refclassid = r.classid AND d.refobjid = r.objid
  ),
  up AS (
    SELECT r.classid, r.objid, r.classid AS topc, r.objid AS topo FROM reach r
    UNION
    SELECT u.classid, u.objid, d.refclassid, d.refobjid FROM up u JOIN pg_catalog.pg_depend d
      ON d.classid = u.topc AND d.objid = u.topo AND d.deptype IN ${PART_OF} AND (d.refclassid, d.refobjid) <> (u.topc, u.topo)
  ),
  whole AS (
    SELECT u.* FROM up u WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
      WHERE d.classid = u.topc AND d.objid = u.topo AND d.deptype IN ${PART_OF} AND (d.refclassid, d.refobjid) <> (u.topc, u.topo))
  )
  SELECT pg_catalog.string_agg(DISTINCT i.type || ' ' || i.identity, '; ') INTO theirs FROM whole w CROSS JOIN LATERAL pg_catalog.pg_identify_object(w.topc, w.topo, 0) i
  WHERE w.topc <> 'pg_catalog.pg_event_trigger'::pg_catalog.regclass
    AND (NOT EXISTS (SELECT 1 FROM mine m WHERE m.classid = w.topc AND m.objid = w.topo)
      OR (w.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND NOT EXISTS (SELECT 1 FROM mine m WHERE m.classid = w.classid AND m.objid = w.objid)
        AND EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.oid = w.objid AND c.relkind IN ('r', 'p', 'm', 'f') AND (n.nspname::text, c.relname::text) NOT IN (SELECT * FROM ROWS FROM (pg_catalog.unnest(named_schemas), pg_catalog.unnest(named_tables))))))`;

/**
 * One DO block, in one transaction, that undoes a restore:
 *
 * 1. keeps each recorded object that still exists under the same OID, type
 *    and identity (so an object someone made since is never touched), and
 *    locks the restored tables;
 * 2. refuses, dropping nothing, when anything the restore did not make
 *    depends on them (FOREIGN_DEPENDENTS), naming it;
 * 3. drops them, CASCADE taking only what is part of them (the indexes,
 *    constraints, triggers and policies the restore added to its tables), and
 *    unlinks the large objects it created.
 *
 * Names travel hex-encoded; `tables` are the source's tables, which the
 * restore created.
 */
export function undoSql(objects: CreatedObject[], tables: Array<{ schema: string; table: string }> = []): string {
  const known = objects.filter((o) => DROP_KEYWORD[o.type] !== undefined && Number.isInteger(o.classid) && Number.isInteger(o.objid));
  if (known.length === 0) return "SELECT 1;";
  const rank = (o: CreatedObject) => DROP_ORDER.indexOf(o.type);
  const rows = [...known]
    .sort((a, b) => rank(a) - rank(b))
    .map((o) => `(${o.classid}::oid, ${o.objid}::oid, ${hex(o.type)}, ${hex(o.identity)}, '${DROP_KEYWORD[o.type]}')`)
    .join(",\n      ");
  const names = (f: (t: { schema: string; table: string }) => string) => `ARRAY[${tables.map((t) => hex(f(t))).join(", ")}]::text[]`;
  return `SET client_min_messages = warning;
SET lock_timeout = '30s';
DO $freehold_undo$
DECLARE
  o record;
  present boolean;
  now_type text;
  now_identity text;
  classes oid[] := '{}';
  ids oid[] := '{}';
  keywords text[] := '{}';
  identities text[] := '{}';
  named_schemas text[] := ${names((t) => t.schema)};
  named_tables text[] := ${names((t) => t.table)};
  theirs text;
BEGIN
  FOR o IN SELECT * FROM (VALUES
      ${rows}
    ) AS v(classid, objid, type, identity, keyword) LOOP
    IF o.type = 'large object' THEN
      present := EXISTS (SELECT 1 FROM pg_catalog.pg_largeobject_metadata WHERE oid = o.objid);
    ELSE
      EXECUTE pg_catalog.format('SELECT EXISTS (SELECT 1 FROM %s WHERE oid = $1)', o.classid::pg_catalog.regclass) INTO present USING o.objid;
    END IF;
    CONTINUE WHEN NOT present;
    SELECT i.type, i.identity INTO now_type, now_identity FROM pg_catalog.pg_identify_object(o.classid, o.objid, 0) i;
    CONTINUE WHEN now_type IS DISTINCT FROM o.type OR now_identity IS DISTINCT FROM o.identity;
    classes := classes || o.classid;
    ids := ids || o.objid;
    keywords := keywords || o.keyword;
    identities := identities || now_identity;
    IF o.type = 'table' THEN
      EXECUTE 'LOCK TABLE ' || now_identity || ' IN ACCESS EXCLUSIVE MODE';
    END IF;
  END LOOP;
  ${FOREIGN_DEPENDENTS};
  IF theirs IS NOT NULL THEN
    RAISE EXCEPTION 'freehold: the restore was not undone: what it created is used by objects it did not create, which DROP CASCADE would remove: %', theirs;
  END IF;
  FOR i IN 1 .. pg_catalog.cardinality(ids) LOOP
    IF keywords[i] = 'LARGE OBJECT' THEN
      PERFORM pg_catalog.lo_unlink(ids[i]);
    ELSE
      EXECUTE 'DROP ' || keywords[i] || ' IF EXISTS ' || identities[i] || ' CASCADE';
    END IF;
  END LOOP;
END
$freehold_undo$;`;
}

/** Whose restore a journal records, and whether it may be undone. */
export interface UndoConsent {
  /** This run wrote the journal (its own restore failed or was interrupted): undone at once. */
  ownRun?: boolean;
  /** The operator agreed to undo a restore that an earlier run left unfinished (`--undo-partial-restore`). */
  undoEarlier?: boolean;
}

function listed(objects: CreatedObject[], max = 12): string {
  const names = objects.filter((o) => DROP_KEYWORD[o.type] !== undefined).map((o) => `${o.type} ${o.identity}`);
  return names.length > max ? `${names.slice(0, max).join(", ")} and ${names.length - max} more` : names.join(", ");
}

/**
 * Undo a partial restore: stop what is still running in it, drop what it
 * created in one transaction (undoSql), remove the journal. A restore an
 * earlier run left (killed, or its host lost) is undone only with the
 * operator's consent: since it stopped, anyone may have written rows into
 * its tables, and the undo drops them with the tables; without consent the
 * run refuses, naming what the undo would drop. Returns whether there was a
 * restore to undo.
 */
export async function rollBack(work: WorkDir, target: PgConnection, targetIdentity: string, stopSessions: () => Promise<unknown>, log: (l: string) => void, consent: UndoConsent = {}): Promise<boolean> {
  const journal = await work.readJournal();
  if (!journal) return false;
  if (journal.targetIdentity !== targetIdentity)
    throw new MigrationToolError(
      `the work folder ${work.dir} holds an unfinished restore into ${journal.target} (${journal.targetIdentity}), not into this run's target ${target.display} (${targetIdentity}); nothing was done.`,
      "freehold",
      null,
      { hint: `run freehold migrate again with the source and target of that restore to undo it, or give this run another --work-dir` },
    );
  await stopSessions();
  const failed = (e: unknown) =>
    new MigrationToolError(`could not undo the unfinished restore into ${journal.target}; the journal stays in ${work.dir}, and the next run of the same command with --undo-partial-restore tries again.`, "psql", null, {
      side: "target",
      output: e instanceof MigrationToolError ? (e.details.output ?? e.message) : String(e),
      hint: /not undone: what it created is used by objects it did not create/.test(String(e instanceof MigrationToolError ? e.details.output : e))
        ? "the objects named above: they were made in the target after the restore started; move or drop them (they are not the restore's), then run again"
        : "that the target is reachable and nothing else holds locks on the restored tables",
    });
  let made: { objects: CreatedObject[] } | undefined;
  try {
    made = journal.objects ? { objects: journal.objects } : await createdByRestore(target, journal.horizon, journal.tables);
  } catch (e) {
    throw failed(e);
  }
  if (!made || made.objects.length === 0) {
    await work.clearJournal(); // the schema restore never committed: nothing was written
    return false;
  }
  if (!consent.ownRun && !consent.undoEarlier)
    throw new MigrationToolError(
      `the work folder ${work.dir} holds a restore into ${journal.target} that an earlier run started at ${journal.startedAt} and did not finish (it was killed, or its host was lost). Undoing it drops what that restore created in the target, with every row in it, also rows written there since: ${listed(made.objects)}. Nothing was done.`,
      "freehold",
      null,
      { side: "target", hint: "that nothing else uses these objects, then run the same command again with --undo-partial-restore: it undoes that restore first, then migrates" },
    );
  log(`undoing the unfinished restore into ${journal.target} (started ${journal.startedAt})`);
  try {
    await psql(target, undoSql(made.objects, journal.tables), { action: "undo the unfinished restore", singleTransaction: true });
  } catch (e) {
    throw failed(e);
  }
  const skipped = made.objects.filter((o) => DROP_KEYWORD[o.type] === undefined);
  if (skipped.length > 0) log(`left in the target (no rule to drop them): ${skipped.map((o) => `${o.type} ${o.identity}`).join(", ")}`);
  await work.clearJournal();
  log("the target is back as it was before the restore");
  return true;
}

export interface RestoreOptions {
  pgRestore: string;
  dumpDir: string;
  target: PgConnection;
  targetIdentity: string;
  /** The source's tables (the restore creates each of them). */
  tables: Array<{ schema: string; table: string }>;
  jobs: number;
  work: WorkDir;
  signal?: AbortSignal;
  log: (line: string) => void;
  /** Called with the source OID of each table as soon as its data is committed in the target. */
  onTableRestored: (sourceOid: number) => void;
  /**
   * Restore as this role (pg_restore --role: SET ROLE after connecting), so
   * that every object the restore creates belongs to it, not to the login.
   */
  role?: string;
}

const COMMON = ["--no-owner", "--no-privileges", "--no-tablespaces", "--exit-on-error"];

/** pg_restore's options shared by every section: no owner or grants from the source, and, with a role, everything created as it. */
export function restoreOptions(role?: string): string[] {
  return [...COMMON, ...(role ? [`--role=${role}`] : [])];
}

/** dumpId → source table OID for every TABLE DATA entry of the dump's table of contents. */
async function tableDataItems(pgRestore: string, dumpDir: string): Promise<Map<number, number>> {
  const r = await run(pgRestore, ["-l", dumpDir]);
  if (r.code !== 0) throw pgFailure(r, { action: "read the dump's table of contents" });
  const items = new Map<number, number>();
  for (const m of r.stdout.matchAll(/^(\d+); \d+ (\d+) TABLE DATA /gm)) items.set(Number(m[1]), Number(m[2]));
  return items;
}

/**
 * The dump's table of contents without its MATERIALIZED VIEW DATA entries (the
 * `REFRESH MATERIALIZED VIEW` of each view the source had populated), for
 * `pg_restore --use-list`, and how many it left out. A refresh runs the view's
 * query as the view's owner: restored without a role, that is the target's
 * login, its administrator, and a source role's view query (through a
 * built-in that runs SQL text, such as query_to_xml) would read what only the
 * administrator may, into a relation the application can be granted. Such
 * views stay unpopulated (as the source's own pg_dump created them, WITH NO
 * DATA) for the operator to refresh as the application role.
 */
async function withoutMaterializedViewData(pgRestore: string, dumpDir: string): Promise<{ text: string; held: number }> {
  const r = await run(pgRestore, ["-l", dumpDir]);
  if (r.code !== 0) throw pgFailure(r, { action: "read the dump's table of contents" });
  const lines = r.stdout.split("\n");
  const kept = lines.filter((l) => !/^\d+; \d+ \d+ MATERIALIZED VIEW DATA /.test(l));
  return { text: kept.join("\n"), held: lines.length - kept.length };
}

/** The target's materialized views that hold no data (`pg_matviews.ispopulated` false), as quoted qualified names. */
export async function unpopulatedMaterializedViews(target: PgConnection): Promise<string[]> {
  const r = await psql(target, "SELECT pg_catalog.format('%I.%I', schemaname, matviewname) FROM pg_catalog.pg_matviews WHERE NOT ispopulated ORDER BY 1;", { action: "list the materialized views left unpopulated" });
  return r.lines;
}

/**
 * Refuse, before anything is written, a restore role the target's login
 * cannot act as: it must exist and the login must be able to SET ROLE to it
 * (membership; from PostgreSQL 16 the SET option of that membership).
 */
export async function checkRestoreRole(target: PgConnection, role: string): Promise<void> {
  const r = quoteLiteral(role);
  const sql = `SET standard_conforming_strings = on;
SELECT pg_catalog.json_build_object('user', current_user, 'exists', EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${r}),
  'can', CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${r})
    THEN pg_catalog.pg_has_role(current_user, ${r}, CASE WHEN pg_catalog.current_setting('server_version_num')::int >= 160000 THEN 'SET' ELSE 'MEMBER' END) END)::text;`;
  const res = await psql(target, sql, { action: "check the role to restore as" });
  const found = parseJsonLine<{ user: string; exists: boolean; can: boolean | null }>(res.lines[0], "the restore role");
  if (!found.exists)
    throw new MigrationToolError(`the target ${target.display} has no role ${JSON.stringify(role)} to restore as; nothing was done.`, "freehold", null, {
      side: "target",
      hint: "deploy the target stack first: its role job creates the application roles (app, app_read); or leave out --to-role",
    });
  if (!found.can)
    throw new MigrationToolError(`${found.user} may not act as ${JSON.stringify(role)} on the target ${target.display} (SET ROLE), so a restore as that role would fail; nothing was done.`, "freehold", null, {
      side: "target",
      hint: `connect as the target's administrator, whom the role job makes a member of ${role}; or run the role job again (it grants that membership)`,
    });
}

/** The options a restore of the schema needs (restoreSchema). */
export type SchemaRestoreOptions = Pick<RestoreOptions, "pgRestore" | "dumpDir" | "target" | "targetIdentity" | "tables" | "work" | "signal" | "log" | "role">;

/**
 * Steps 1 and 2 above: the journal written, the pre-data section restored in
 * one transaction, and what it created recorded in the journal, so that a
 * failure from here on is undone (rollBack).
 */
export async function restoreSchema(o: SchemaRestoreOptions): Promise<void> {
  const env = { env: o.target.env, secrets: o.target.secrets, ...(o.signal ? { signal: o.signal } : {}) };
  const horizon = (await psql(o.target, HORIZON_SQL, { action: "read the target's transaction horizon" })).lines[0] ?? "";
  const journal: RestoreJournal = { formatVersion: 3, target: o.target.display, targetIdentity: o.targetIdentity, startedAt: new Date().toISOString(), horizon, tables: o.tables };
  await o.work.writeJournal(journal);

  o.log(`pg_restore --section=pre-data --single-transaction ${o.dumpDir} -> ${o.target.display}`);
  const pre = await run(o.pgRestore, [...restoreOptions(o.role), "--section=pre-data", "--single-transaction", "--dbname", o.target.conninfo, o.dumpDir], env);
  if (pre.code !== 0) {
    await o.work.clearJournal(); // one transaction: nothing was created
    throw pgFailure(pre, { side: "target", action: "restore the schema into the target", display: o.target.display });
  }
  const made = await createdByRestore(o.target, horizon, o.tables);
  await o.work.writeJournal({ ...journal, ...(made ? { xid: made.xid, objects: made.objects } : { objects: [] }) });
}

/**
 * pg_restore of the given sections (`data`, `post-data`) of a dump whose
 * schema is in (restoreSchema), `jobs` at a time, calling `onTableData` with
 * the source OID of each table whose data is committed. Throws on failure
 * (the caller rolls back); does not clear the journal.
 */
export async function restoreSections(o: Omit<RestoreOptions, "onTableRestored" | "targetIdentity" | "tables" | "work">, sections: Array<"data" | "post-data">, onTableData?: (sourceOid: number) => void): Promise<void> {
  const items = onTableData ? await tableDataItems(o.pgRestore, o.dumpDir) : new Map<number, number>();
  const list = o.role || !sections.includes("post-data") ? undefined : await withoutMaterializedViewData(o.pgRestore, o.dumpDir);
  if (list?.held) o.log(`materialized views left unpopulated: restoring as the target's login, a refresh would run each view's query as it (refresh them as the application role)`);
  o.log(`pg_restore -j ${o.jobs} ${sections.map((s) => `--section=${s}`).join(" ")}${list?.held ? " -L (without MATERIALIZED VIEW DATA)" : ""} ${o.dumpDir} -> ${o.target.display}`);
  const parallel = o.jobs > 1;
  // The list beside the dump, in the run's private folder (pg_restore reads it by name: not from a pipe).
  const listFile = path.join(path.dirname(o.dumpDir), "restore-list");
  if (list?.held) await writeFile(listFile, list.text, { mode: 0o600 });
  const listed = list?.held ? [`--use-list=${listFile}`] : [];
  const rest = await run(o.pgRestore, [...restoreOptions(o.role), ...(parallel ? [`--jobs=${o.jobs}`, "--verbose"] : []), ...sections.map((s) => `--section=${s}`), ...listed, "--dbname", o.target.conninfo, o.dumpDir], {
    env: o.target.env,
    secrets: o.target.secrets,
    ...(o.signal ? { signal: o.signal } : {}),
    onStderrLine: (line) => {
      const m = /^pg_restore: finished item (\d+) TABLE DATA /.exec(line);
      const oid = m ? items.get(Number(m[1])) : undefined;
      if (oid !== undefined) onTableData?.(oid);
    },
  });
  if (list?.held) await rm(listFile, { force: true });
  if (rest.code !== 0) throw pgFailure(rest, { side: "target", action: sections.includes("data") ? "restore the data into the target" : "create the indexes and constraints in the target", display: o.target.display });
  for (const oid of items.values()) onTableData?.(oid); // repeats are ignored by the caller
}

/** Restore the dump as described above. Throws when any part fails (the caller rolls back). */
export async function restoreDump(o: RestoreOptions): Promise<void> {
  await restoreSchema(o);
  await restoreSections(o, ["data", "post-data"], o.onTableRestored);
  await o.work.clearJournal();
}
