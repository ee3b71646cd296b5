/**
 * `freehold replicate start`: the source's schema on an empty target, the
 * source's tables published and the target subscribed to them, and what a
 * start that failed half-way left, recorded so that `start --restart` drops
 * exactly that and nothing else.
 */

import { otherSubscriptions, upstreamProblem } from "./live-switch";
import { guardSql, type SourceFunction, sourceFunctions, untrustedFunctionProblems } from "./live-code";
import { MigrationError, type MigrationProblem, MigrationToolError } from "./errors";
import { connectSubscription, createSubscriptionSql, dropSubscription, type LiveOptions, type LivePair, livePair, one, PINNED, prepareSubscription, type Subscription, secretLoggingWarnings, shownUrl, sql, THIS_DB, unreachableReason, userTables, WRITABLE } from "./live-sql";
import { type PgConnection, psql, quoteIdent, quoteLiteral, serverInfo } from "./pg";
import { INITIAL_COPY_TIMEOUT_MS, waitForInitialCopy } from "./live-copy";
import { pgTool, run } from "./proc";
import { refuseSameDatabase } from "./verify";

/** Why this source cannot be replicated as it is: every reason at once. */
export async function sourceProblems(src: PgConnection): Promise<string[]> {
  const line = await one(
    src,
    `SELECT json_build_object(
  'walLevel', current_setting('wal_level'),
  'canReplicate', (SELECT r.rolsuper OR r.rolreplication OR EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = 'rds_replication' AND pg_has_role(current_user, g.oid, 'MEMBER')) FROM pg_roles r WHERE r.rolname = current_user),
  'noKey', (SELECT coalesce(string_agg(format('%I.%I', n.nspname, c.relname), ', ' ORDER BY n.nspname, c.relname), '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
    AND (c.relreplident = 'n' OR (c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)))),
  'largeObjects', (SELECT count(*) FROM pg_largeobject_metadata));`,
    "check that the source can be replicated",
  );
  const { walLevel, canReplicate, noKey, largeObjects } = JSON.parse(line) as { walLevel: string; canReplicate: boolean; noKey: string; largeObjects: number };
  const problems: string[] = [];
  if (walLevel !== "logical")
    problems.push(
      `wal_level is ${walLevel}, not logical: switch logical replication on (AWS RDS: rds.logical_replication = 1 in the DB parameter group; Azure Database for PostgreSQL: server parameter wal_level = logical; Cloud SQL: database flag cloudsql.logical_decoding = on; each takes a restart)`,
    );
  if (!canReplicate)
    problems.push(
      "the source's user may not replicate: on a Freehold stack, set replication: logical on the database and pulumi up (its role job gives the administrator the right); elsewhere give the user the REPLICATION attribute (Azure, Cloud SQL: ALTER ROLE ... WITH REPLICATION) or the rds_replication role (AWS RDS)",
    );
  if (noKey)
    problems.push(
      `tables without a primary key or replica identity: ${noKey}. Once published, an UPDATE or DELETE on them would fail on the source; add a primary key, or ALTER TABLE ... REPLICA IDENTITY FULL (every column then identifies a row), or move the database with freehold migrate database`,
    );
  if (largeObjects > 0) problems.push(`${largeObjects} large objects: logical replication does not carry them; move the database with freehold migrate database`);
  return problems;
}

export interface StartResult {
  publication: string;
  subscription: string;
  tables: number;
  ms: number;
}

/**
 * What a start records in its subscription's comment (COMMENT ON SUBSCRIPTION: pg_description of the target's database), in the same transaction that creates
 * the schema on the target: every schema, table, view, sequence, function and type that transaction created (their
 * catalog rows carry its transaction id as xmin), by OID and name. Objects that go with another (a serial's sequence,
 * an extension's members, a table's row type) are left out: they are dropped with it. `--restart` drops only what is
 * listed there and still has the same OID and name.
 */
const MARKER_SQL = (name: string) => `SET search_path = pg_catalog, pg_temp;
DO $marker$ DECLARE x text := (pg_current_xact_id()::text::bigint % 4294967296)::text; objs jsonb; BEGIN
SELECT coalesce(jsonb_agg(o), '[]') INTO objs FROM (
  SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' WHEN 'S' THEN 'sequence' ELSE 'table' END AS kind, c.oid, c.oid::regclass::text AS name
    FROM pg_class c WHERE c.xmin::text = x AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
  UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END, p.oid, p.oid::regprocedure::text
    FROM pg_proc p WHERE p.xmin::text = x AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype IN ('a', 'i', 'e'))
  UNION ALL SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, t.oid, t.oid::regtype::text
    FROM pg_type t LEFT JOIN pg_class r ON r.oid = t.typrelid WHERE t.xmin::text = x AND (t.typtype IN ('d', 'e', 'r') OR (t.typtype = 'c' AND r.relkind = 'c'))
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype IN ('a', 'i', 'e'))
  UNION ALL SELECT 'schema', n.oid, quote_ident(n.nspname) FROM pg_namespace n WHERE n.xmin::text = x
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')) o;
EXECUTE format('COMMENT ON SUBSCRIPTION %I IS %L', ${quoteLiteral(name)}, jsonb_build_object('createdBy', 'freehold replicate start', 'objects', objs)::text);
END $marker$;`;

/** The order --restart drops in (what depends on a kind comes before it), each kind's DROP. */
const DROP_ORDER: [kind: string, drop: string][] = [
  ["materialized view", "DROP MATERIALIZED VIEW"],
  ["view", "DROP VIEW"],
  ["foreign table", "DROP FOREIGN TABLE"],
  ["table", "DROP TABLE"],
  ["sequence", "DROP SEQUENCE"],
  ["aggregate", "DROP AGGREGATE"],
  ["procedure", "DROP PROCEDURE"],
  ["function", "DROP FUNCTION"],
  ["domain", "DROP DOMAIN"],
  ["type", "DROP TYPE"],
  ["schema", "DROP SCHEMA"],
];

/**
 * The source's schema (no data, no owners, grants or publications) applied to the target, in one transaction with
 * the subscription (created without connecting and without a password) and its marker: a start that stops after
 * this leaves a marker listing exactly what it created, and one that stops before it leaves nothing on the target.
 */
async function copySchema(p: LivePair, o: LiveOptions, fns: SourceFunction[], targetVersion: number): Promise<void> {
  const dump = await run(pgTool("pg_dump"), ["--schema-only", "--no-owner", "--no-privileges", "--no-publications", "--no-subscriptions", "-d", p.src.conninfo], {
    env: p.src.env,
    secrets: p.src.secrets,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (dump.code !== 0) throw new MigrationToolError(`pg_dump could not read the source's schema (${p.src.display})`, "pg_dump", dump.code, { side: "source", output: dump.stderr });
  const as = o.targetRole ? `SET ROLE ${quoteIdent(o.targetRole)};\n` : "";
  // PostgreSQL 16+: each table's rows applied as the table's owner, not the subscription's (its default, said explicitly).
  const runAsOwner = targetVersion >= 160000 ? ", run_as_owner = false" : "";
  const subscription = `\nRESET ROLE;\n${PINNED}${guardSql(fns)}\n${createSubscriptionSql(p.forward, o.sourceFromTarget ?? o.from, runAsOwner)}\n${MARKER_SQL(p.forward)}\n`;
  await psql(p.dst, `${as}${dump.stdout}${subscription}`, { action: `create the source's schema on the target${o.targetRole ? ` as ${o.targetRole}` : ""}`, singleTransaction: true });
}

interface MarkedObject {
  kind: string;
  oid: number;
  name: string;
}

/** The marker's objects; none when the comment is not one of ours (someone changed it): then nothing is dropped. */
function parseMarker(text: string): { createdBy?: string; objects?: MarkedObject[] } {
  try {
    return JSON.parse(text) as { createdBy?: string; objects?: MarkedObject[] };
  } catch {
    return {};
  }
}

/** What an earlier start of this pair left: its marker's objects still there (same OID and name), its publication, its slot. */
interface Leftover {
  subscription: boolean;
  objects: MarkedObject[];
  publication: boolean;
  slot: boolean;
}

async function leftover(p: LivePair): Promise<Leftover> {
  const markerLine = await one(
    p.dst,
    `SELECT translate(coalesce(obj_description(oid, 'pg_subscription'), '{}'), E'\n', ' ') FROM pg_subscription WHERE subname = ${quoteLiteral(p.forward)} AND subdbid = ${THIS_DB};`,
    "read what an earlier start left",
  );
  const marker = markerLine ? parseMarker(markerLine) : undefined;
  const listed = marker?.createdBy === "freehold replicate start" ? (marker.objects ?? []) : [];
  const still = listed.length
    ? await one(
        p.dst,
        `SELECT coalesce(jsonb_agg(o), '[]') FROM json_populate_recordset(NULL::record, ${quoteLiteral(JSON.stringify(listed))}) AS o(kind text, oid oid, name text)
  WHERE CASE WHEN o.kind IN ('table', 'view', 'materialized view', 'foreign table', 'sequence') THEN EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = o.oid AND c.oid::regclass::text = o.name)
    WHEN o.kind IN ('function', 'procedure', 'aggregate') THEN EXISTS (SELECT 1 FROM pg_proc f WHERE f.oid = o.oid AND f.oid::regprocedure::text = o.name)
    WHEN o.kind IN ('type', 'domain') THEN EXISTS (SELECT 1 FROM pg_type t WHERE t.oid = o.oid AND t.oid::regtype::text = o.name)
    WHEN o.kind = 'schema' THEN EXISTS (SELECT 1 FROM pg_namespace n WHERE n.oid = o.oid AND quote_ident(n.nspname) = o.name) END;`,
        "find what an earlier start created",
      )
    : "[]";
  const [pub, slot] = await Promise.all([
    one(p.src, `SELECT count(*) FROM pg_publication WHERE pubname = ${quoteLiteral(p.forward)};`, "find the publication"),
    one(p.src, `SELECT count(*) FROM pg_replication_slots WHERE slot_name = ${quoteLiteral(p.forward)};`, "find the replication slot"),
  ]);
  return { subscription: marker !== undefined, objects: JSON.parse(still) as MarkedObject[], publication: pub === "1", slot: slot === "1" };
}

/** One sentence: what an earlier start left, and the two commands that clear it. */
function describeLeftover(p: LivePair, l: Leftover): string {
  const parts = [
    ...(l.subscription ? [`the subscription ${p.forward} on ${p.dst.display}`] : []),
    ...(l.publication ? [`the publication ${p.forward}`] : []),
    ...(l.slot ? [`the replication slot ${p.forward} on ${p.src.display}`] : []),
    ...(l.objects.length ? [`${l.objects.length} object(s) it created on the target (${l.objects.slice(0, 8).map((x) => `${x.kind} ${x.name}`).join(", ")}${l.objects.length > 8 ? ", …" : ""})`] : []),
  ];
  return `an earlier start of this pair left ${parts.join(", ")}: freehold replicate start --restart drops exactly these and starts again; freehold replicate finish drops only the subscription, publication and slot`;
}

/** Refuse a start on a target that is not empty or a pair an earlier start left objects of, naming what --restart would drop. */
async function targetProblems(p: LivePair, restart: boolean): Promise<MigrationProblem[]> {
  const problems: MigrationProblem[] = [];
  const targetWal = await one(p.dst, "SELECT current_setting('wal_level');", "read the target's wal_level");
  if (targetWal !== "logical")
    problems.push({ item: p.dst.display, message: `wal_level is ${targetWal}, not logical: the way back after cutover replicates from the target, so switch logical replication on there too (the same setting as on the source)` });
  const l = await leftover(p);
  const existing = await userTables(p.dst);
  const ours = new Set(l.objects.filter((x) => x.kind === "table").map((x) => x.name));
  const theirs = existing.filter((t) => !ours.has(t));
  if (restart) {
    if (theirs.length) problems.push({ item: p.dst.display, message: `holds ${theirs.length} table(s) no start of this pair created (${theirs.slice(0, 5).join(", ")}${theirs.length > 5 ? ", …" : ""}): --restart drops only what a start created; replication starts on an empty database` });
    return problems;
  }
  const left = l.subscription || l.publication || l.slot;
  if (existing.length)
    problems.push({ item: p.dst.display, message: `holds ${existing.length} tables already (${existing.slice(0, 5).join(", ")}${existing.length > 5 ? ", …" : ""}): replication starts on an empty database${left ? `; ${describeLeftover(p, l)}` : ""}` });
  else if (left) problems.push({ item: p.dst.display, message: describeLeftover(p, l) });
  return problems;
}

/** --restart: what an earlier start of this pair left, dropped (only what its marker lists, in one transaction). */
async function dropLeftover(p: LivePair, o: LiveOptions): Promise<void> {
  const l = await leftover(p);
  const dropped = await dropSubscription(p.dst, p.src, p.forward);
  if (l.publication) await sql(p.src, `${WRITABLE}\nDROP PUBLICATION IF EXISTS ${quoteIdent(p.forward)};`, "drop the publication an earlier start left");
  const drops = DROP_ORDER.flatMap(([kind, drop]) => {
    const names = l.objects.filter((x) => x.kind === kind).map((x) => x.name);
    return names.length ? [`${drop} ${names.join(", ")};`] : [];
  });
  if (drops.length) await sql(p.dst, `${WRITABLE}\n${drops.join("\n")}`, "drop what an earlier start created (nothing else: a DROP that would take another object with it fails)", true);
  o.log?.(`restart: dropped ${[...dropped, ...(l.publication ? [`publication ${p.forward}`] : []), ...l.objects.map((x) => `${x.kind} ${x.name}`)].join(", ") || "nothing"}`);
}

/** After the schema is on the target: publish, store the password, make the slot, connect. A failure says what is left. */
async function publishAndSubscribe(p: LivePair, o: LiveOptions, tables: string[]): Promise<void> {
  const sub: Subscription = { subscriber: p.dst, publisher: p.src, name: p.forward, publisherUrl: o.sourceFromTarget ?? o.from, password: o.fromPassword ?? p.src.env.PGPASSWORD };
  try {
    await sql(p.src, `CREATE PUBLICATION ${quoteIdent(p.forward)} FOR TABLE ${tables.join(", ")};`, "publish the source's tables");
    await prepareSubscription(sub, "subscribe the target to the source");
    await connectSubscription(sub, true, "subscribe the target to the source", { slotTimeoutMs: o.initialCopyTimeoutMs ?? INITIAL_COPY_TIMEOUT_MS, ...(o.signal ? { signal: o.signal } : {}) });
  } catch (e) {
    // A subscription that cannot connect retries for ever and its slot keeps the source's WAL: both stopped before saying what is left.
    await dropSubscriptionSlot(p).catch(() => undefined);
    const why = unreachableReason(e);
    const cause = why
      ? `${p.dst.display} cannot reach the source at ${shownUrl(sub.publisherUrl)} (${why}); give the address the target's server reaches the source by with --source-from-target and open the network path`
      : (e instanceof MigrationToolError ? e.report() : e instanceof Error ? e.message : String(e)).replace(/\n\s*/g, " ");
    const l = await leftover(p).catch(() => undefined);
    throw new MigrationError("database", `replication did not start: ${cause}`, l ? [{ item: "left", message: describeLeftover(p, l) }] : []);
  }
}

/** The failed start's subscription disabled and detached from its slot, and the slot dropped: nothing retries and no WAL is kept. */
async function dropSubscriptionSlot(p: LivePair): Promise<void> {
  const q = quoteIdent(p.forward);
  await sql(p.dst, `${WRITABLE}\nALTER SUBSCRIPTION ${q} DISABLE;\nALTER SUBSCRIPTION ${q} SET (slot_name = NONE);`, "stop the subscription");
  await sql(p.src, `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ${quoteLiteral(p.forward)} AND NOT active;`, "drop the replication slot");
}

/**
 * Create the schema on an empty target, publish the source's tables and
 * subscribe the target to them; returns once every table's initial copy is
 * done and replication streams changes. Refuses, before creating anything,
 * a source that cannot be replicated and a target that holds tables. With
 * `restart`, first drops what an earlier start of this pair left (and only that).
 */
export async function startReplication(o: LiveOptions): Promise<StartResult> {
  const started = Date.now();
  const p = livePair(o);
  const [si, di] = await Promise.all([serverInfo(p.src), serverInfo(p.dst)]);
  refuseSameDatabase(si, di, { src: p.src.display, dst: p.dst.display });
  // On PostgreSQL 16+ rows are applied as each table's owner: --to-role's own functions then run with no more than its rights.
  const trusted = [...(o.trustFunctionsOf ?? []), ...(o.targetRole && di.versionNum >= 160000 ? [o.targetRole] : [])];
  const fns = await sourceFunctions(p.src, trusted);
  const problems = [
    ...[...(await sourceProblems(p.src)), ...untrustedFunctionProblems(fns)].map((message) => ({ item: p.src.display, message })),
    ...(await targetProblems(p, o.restart === true)),
  ];
  if (problems.length) throw new MigrationError("database", `refusing to start replication: ${problems.length} problem(s); nothing was created`, problems);
  for (const w of await secretLoggingWarnings(p.dst)) o.log?.(`warning: ${w}`);
  const upstream = await otherSubscriptions(p.src, p);
  if (upstream.length) o.log?.(`warning: ${upstreamProblem(p.src, upstream)}; cutover refuses until then`);
  if (o.restart) await dropLeftover(p, o);
  const tables = await userTables(p.src);
  o.log?.(`copying the schema of ${tables.length} tables to ${p.dst.display}`);
  await copySchema(p, o, fns, di.versionNum);
  await publishAndSubscribe(p, o, tables);
  await waitForInitialCopy(p, o);
  return { publication: p.forward, subscription: p.forward, tables: tables.length, ms: Date.now() - started };
}
