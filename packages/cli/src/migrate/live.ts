/**
 * Live exit: PostgreSQL's own logical replication (publication and
 * subscription) from the source to the target, then a cutover that stops
 * writes for seconds, and a way back.
 *
 * Why native publication/subscription rather than pgcopydb's `--follow`:
 * it runs inside the two servers (no process of ours has to stay up for
 * days between `start` and `cutover`), every managed PostgreSQL of the
 * three clouds supports it with a documented switch (rds.logical_replication,
 * Azure's wal_level, Cloud SQL's cloudsql.logical_decoding), and its state is
 * in the servers' catalogs, where `status` reads it. pgcopydb 0.10's follow
 * mode applied nothing in our measurement (a wal2json parse error).
 *
 * Every object this creates is named `freehold_<direction>_<key>`, the key
 * being the source/target pair's (migrationKey): `finish` drops only those. What logical replication does not carry is refused before
 * anything is created, with the reason: tables without a primary key or
 * replica identity (an UPDATE or DELETE on them would fail on the source once
 * they are published), large objects. Schema changes are not replicated:
 * cutover compares the two schemas and refuses when they differ. Sequences
 * are copied at cutover, after writes stopped.
 *
 * https://www.postgresql.org/docs/15/logical-replication-restrictions.html
 * https://www.postgresql.org/docs/15/sql-createsubscription.html
 */

import { SourceSnapshot } from "./dump";
import { MigrationError, type MigrationProblem, MigrationToolError, type Side } from "./errors";
import { textMode } from "./fingerprint";
import { compareSequences, databaseProblems, type TableEntry } from "./manifest";
import { migrationKey, type PgConnection, pgConnection, psql, quoteIdent, quoteLiteral, SEQUENCES_SQL, type SequenceInfo, serverInfo } from "./pg";
import { pgTool, run, sleep } from "./proc";
import { compareSchemas, sameMajor } from "./schema";
import { compareSnapshotTables, describeDatabase, refuseSameDatabase } from "./verify";

export interface LiveOptions {
  from: string;
  to: string;
  fromPassword?: string;
  toPassword?: string;
  /**
   * The source as the target server reaches it, when that differs from how
   * this host does (a private address): its password is `fromPassword`.
   */
  sourceFromTarget?: string;
  /** The target as the source server reaches it (for the way back). */
  targetFromSource?: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** How long to wait for the target to catch up at cutover (default 60 s). */
  catchUpTimeoutMs?: number;
  /** Create the schema on the target as this role (SET ROLE), which then owns every table, as `migrate database --to-role` restores. */
  targetRole?: string;
}

/** Both sides, writable (the source too: a publication is created on it), and the names of what replication creates. */
export interface LivePair {
  src: PgConnection;
  dst: PgConnection;
  key: string;
  /** Source → target: the publication on the source and the subscription (and its slot) on the target. */
  forward: string;
  /** Target → source, created at cutover: the way back. */
  back: string;
}

function writable(url: string, side: Side, password?: string): PgConnection {
  // pgConnection opens a source read-only; replication creates a publication on it, so both sides are opened as targets.
  const c = pgConnection(url, "target", password !== undefined ? { password } : {});
  return { ...c, role: side, env: { ...c.env, PGAPPNAME: `freehold-replicate-${side}` } };
}

export function livePair(o: LiveOptions): LivePair {
  const src = writable(o.from, "source", o.fromPassword);
  const dst = writable(o.to, "target", o.toPassword);
  const key = migrationKey(src, dst);
  return { src, dst, key, forward: `freehold_exit_${key}`, back: `freehold_back_${key}` };
}

/** A libpq key=value connection string with the password, for CREATE SUBSCRIPTION (it never reaches a command line: psql reads it on stdin). */
export function subscriptionConninfo(url: string, password: string | undefined): string {
  const u = new URL(url);
  const q = (v: string) => `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  const parts: string[] = [];
  if (u.hostname) parts.push(`host=${q(decodeURIComponent(u.hostname.replace(/^\[|\]$/g, "")))}`);
  if (u.port) parts.push(`port=${q(u.port)}`);
  const db = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (db) parts.push(`dbname=${q(db)}`);
  if (u.username) parts.push(`user=${q(decodeURIComponent(u.username))}`);
  for (const [k, v] of u.searchParams) if (k !== "password" && k !== "options") parts.push(`${k}=${q(v)}`);
  if (password !== undefined) parts.push(`password=${q(password)}`);
  return parts.join(" ");
}

/**
 * Every statement of ours runs with only pg_catalog (then pg_temp) on the search path: an unqualified format() or
 * count() would otherwise resolve to a closer match planted in a schema of the database (public, or one the owner put
 * first with ALTER DATABASE ... SET search_path), run with the operator's rights, and its result would become SQL.
 */
const PINNED = "SET search_path = pg_catalog, pg_temp;\n";
const sql = (conn: PgConnection, text: string, action: string) => psql(conn, PINNED + text, { action });
const one = async (conn: PgConnection, text: string, action: string): Promise<string> => (await sql(conn, text, action)).lines[0] ?? "";

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

/** Tables of the source's user schemas, quoted, for the publication's list (a list needs only ownership, where FOR ALL TABLES needs a superuser). */
async function userTables(conn: PgConnection): Promise<string[]> {
  const r = await sql(conn, `SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' ORDER BY 1;`, "list the tables");
  return r.lines;
}

/** The source's schema (no data, no owners, grants or publications) applied to the target. */
async function copySchema(p: LivePair, signal?: AbortSignal, targetRole?: string): Promise<void> {
  const dump = await run(pgTool("pg_dump"), ["--schema-only", "--no-owner", "--no-privileges", "--no-publications", "--no-subscriptions", "-d", p.src.conninfo], {
    env: p.src.env,
    secrets: p.src.secrets,
    ...(signal ? { signal } : {}),
  });
  if (dump.code !== 0) throw new MigrationToolError(`pg_dump could not read the source's schema (${p.src.display})`, "pg_dump", dump.code, { side: "source", output: dump.stderr });
  const as = targetRole ? `SET ROLE ${quoteIdent(targetRole)};\n` : "";
  await psql(p.dst, `${as}${dump.stdout}`, { action: `create the source's schema on the target${targetRole ? ` as ${targetRole}` : ""}`, singleTransaction: true });
}

export interface StartResult {
  publication: string;
  subscription: string;
  tables: number;
  ms: number;
}

/**
 * Create the schema on an empty target, publish the source's tables and
 * subscribe the target to them; returns once every table's initial copy is
 * done and replication streams changes. Refuses, before creating anything,
 * a source that cannot be replicated and a target that holds tables.
 */
export async function startReplication(o: LiveOptions): Promise<StartResult> {
  const started = Date.now();
  const p = livePair(o);
  const [si, di] = await Promise.all([serverInfo(p.src), serverInfo(p.dst)]);
  refuseSameDatabase(si, di, { src: p.src.display, dst: p.dst.display });
  const problems = (await sourceProblems(p.src)).map((message) => ({ item: p.src.display, message }));
  const targetWal = await one(p.dst, "SELECT current_setting('wal_level');", "read the target's wal_level");
  if (targetWal !== "logical")
    problems.push({ item: p.dst.display, message: `wal_level is ${targetWal}, not logical: the way back after cutover replicates from the target, so switch logical replication on there too (the same setting as on the source)` });
  const existing = await userTables(p.dst);
  if (existing.length) problems.push({ item: p.dst.display, message: `holds ${existing.length} tables already (${existing.slice(0, 5).join(", ")}${existing.length > 5 ? ", …" : ""}): replication starts on an empty database` });
  if (problems.length) throw new MigrationError("database", `refusing to start replication: ${problems.length} problem(s); nothing was created`, problems);
  const tables = await userTables(p.src);
  o.log?.(`copying the schema of ${tables.length} tables to ${p.dst.display}`);
  await copySchema(p, o.signal, o.targetRole);
  await sql(p.src, `CREATE PUBLICATION ${quoteIdent(p.forward)} FOR TABLE ${tables.join(", ")};`, "publish the source's tables");
  await sql(p.dst, `CREATE SUBSCRIPTION ${quoteIdent(p.forward)} CONNECTION ${quoteLiteral(subscriptionConninfo(o.sourceFromTarget ?? o.from, o.fromPassword ?? p.src.env.PGPASSWORD))} PUBLICATION ${quoteIdent(p.forward)} WITH (copy_data = true);`, "subscribe the target to the source");
  await waitForInitialCopy(p, o);
  return { publication: p.forward, subscription: p.forward, tables: tables.length, ms: Date.now() - started };
}

/** Poll pg_subscription_rel until every table is ready ('r'): its initial copy done and its changes streaming. */
async function waitForInitialCopy(p: LivePair, o: LiveOptions): Promise<void> {
  let last = "";
  for (;;) {
    if (o.signal?.aborted) throw new MigrationError(
        "database",
        "interrupted while the initial copy ran: the servers go on copying and then streaming (freehold replicate status shows how far); freehold replicate finish removes the publication and subscription, and the tables copied to the target stay until you drop them",
        [],
      );
    const states = await one(
      p.dst,
      `SELECT coalesce(json_object_agg(srsubstate, n), '{}') FROM (SELECT srsubstate, count(*) n FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid WHERE s.subname = ${quoteLiteral(p.forward)} GROUP BY 1) x;`,
      "read the initial copy's progress",
    );
    const byState = JSON.parse(states || "{}") as Record<string, number>;
    const total = Object.values(byState).reduce((a, b) => a + b, 0);
    const ready = byState.r ?? 0;
    if (states !== last) o.log?.(`initial copy: ${ready} of ${total} tables streaming`);
    last = states;
    if (total > 0 && ready === total) return;
    await sleep(200);
  }
}

export interface ReplicationStatus {
  /** Bytes of the source's WAL the target has not confirmed. */
  lagBytes: number;
  /** Tables whose initial copy is done and whose changes stream. */
  tablesStreaming: number;
  tables: number;
  /** When the target last heard from the source. */
  lastMessageAt?: string;
  direction: "forward" | "back";
}

async function slotLag(publisher: PgConnection, slot: string): Promise<number | undefined> {
  const lag = await one(publisher, `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ${quoteLiteral(slot)};`, "read the replication slot");
  return lag === "" ? undefined : Number(lag);
}

/** Where replication stands: forward before cutover, back after it. */
export async function replicationStatus(o: LiveOptions): Promise<ReplicationStatus> {
  const p = livePair(o);
  for (const [direction, publisher, subscriber, name] of [
    ["back", p.dst, p.src, p.back],
    ["forward", p.src, p.dst, p.forward],
  ] as const) {
    const lag = await slotLag(publisher, name);
    if (lag === undefined) continue;
    const r = await one(
      subscriber,
      `SELECT json_build_object('tables', count(r.*), 'ready', count(r.*) FILTER (WHERE r.srsubstate = 'r'), 'last', (SELECT max(latest_end_time) FROM pg_stat_subscription t WHERE t.subid = s.oid)) FROM pg_subscription s LEFT JOIN pg_subscription_rel r ON r.srsubid = s.oid WHERE s.subname = ${quoteLiteral(name)} GROUP BY s.oid;`,
      "read the subscription",
    );
    const s = JSON.parse(r || '{"tables":0,"ready":0}') as { tables: number; ready: number; last?: string | null };
    return { lagBytes: lag, tablesStreaming: s.ready, tables: s.tables, ...(s.last ? { lastMessageAt: s.last } : {}), direction };
  }
  throw new MigrationError("database", `no replication between ${p.src.display} and ${p.dst.display}: start it with freehold replicate start`, []);
}

/** Our own sessions on a side whose writes are stopped (its database's sessions start read-only). */
const WRITABLE = "SET default_transaction_read_only = off;";

/** Stop the application's writes on one side: new sessions read-only, open ones ended (replication's own sessions are kept). */
async function stopWrites(conn: PgConnection): Promise<void> {
  // A database-level default: every new session of every role starts read-only (a session may SET it off again: an
  // administrator's tool can, an application does not). Subscriptions' apply workers do not take it, so the way back streams.
  await sql(conn, `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET default_transaction_read_only = on', current_database()); END $$;
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend';`, "stop writes");
}

/** Let the application write again on one side. */
async function allowWrites(conn: PgConnection): Promise<void> {
  await sql(conn, `${WRITABLE}\nDO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET default_transaction_read_only', current_database()); END $$;`, "allow writes");
}

/** Wait until the subscriber confirmed every byte of the publisher's WAL written up to now; the time it took. */
async function catchUp(publisher: PgConnection, slot: string, o: LiveOptions): Promise<number> {
  const started = Date.now();
  const lsn = await one(publisher, "SELECT pg_current_wal_lsn();", "read the WAL position");
  const timeout = o.catchUpTimeoutMs ?? 60_000;
  for (;;) {
    const behind = await one(publisher, `SELECT pg_wal_lsn_diff(${quoteLiteral(lsn)}::pg_lsn, confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ${quoteLiteral(slot)};`, "read the replication slot");
    if (behind === "") throw new MigrationError("database", `the replication slot ${slot} is gone from ${publisher.display}`, []);
    if (Number(behind) <= 0) return Date.now() - started;
    // Writes are stopped while this waits: an interruption must end the wait at once (the caller allows writes again), not at the timeout.
    if (o.signal?.aborted)
      throw new MigrationError("database", `interrupted while ${publisher.role === "source" ? "the target" : "the source"} caught up (${behind} bytes behind): switch-over abandoned, writes allowed again on ${publisher.display}, replication still runs`, []);
    if (Date.now() - started > timeout) throw new MigrationError("database", `the ${publisher.role === "source" ? "target" : "source"} did not catch up within ${timeout / 1000} s (${behind} bytes behind)`, []);
    await sleep(20);
  }
}

/** Copy every sequence's value from one side to the other (logical replication does not). */
async function copySequences(from: PgConnection, to: PgConnection): Promise<number> {
  const seqs = JSON.parse((await one(from, SEQUENCES_SQL, "read the sequences")) || "[]") as SequenceInfo[];
  const setvals = seqs.map((s) => `SELECT setval(${quoteLiteral(`${quoteIdent(s.schema)}.${quoteIdent(s.sequence)}`)}, ${s.lastValue === null ? "1, false" : `${s.lastValue}, true`});`).join("\n");
  if (setvals) await sql(to, `BEGIN READ WRITE;\n${setvals}\nCOMMIT;`, "copy the sequences");
  return seqs.length;
}

export interface CutoverResult {
  /** From the moment writes stopped on the old side to the moment they were allowed on the new one. */
  writeDowntimeMs: number;
  catchUpMs: number;
  /** Fingerprinting every table in the snapshots taken at the switch: after writes resumed, so not part of the downtime. */
  verifyMs: number;
  sequences: number;
  tables: number;
  rows: number;
  /** The way back, streaming from the new primary to the old one. */
  back: string;
}

/** Refuse a switch whose two sides' schemas differ (logical replication carries no DDL): before writes stop, so refusing costs no downtime. */
async function refuseSchemaDrift(oldPrimary: PgConnection, newPrimary: PgConnection): Promise<void> {
  const [a, b, ai, bi] = await Promise.all([describeDatabase(oldPrimary), describeDatabase(newPrimary), serverInfo(oldPrimary), serverInfo(newPrimary)]);
  const drift = compareSchemas(a.schema, b.schema, { definitions: sameMajor(ai.versionNum, bi.versionNum) });
  if (drift.length)
    throw new MigrationError("database", `refusing to switch over: the schemas differ (replication carries no schema change; apply each change on ${newPrimary.display} too); writes were not stopped`, drift);
}

/**
 * Both sides read in snapshots taken while writes are stopped and the two are
 * equal: schema and sequences compared at once (cheap), tables fingerprinted
 * later in the same snapshots, after writes resume, so the write downtime does
 * not grow with the data.
 */
async function snapshotsAtSwitch(oldPrimary: PgConnection, newPrimary: PgConnection, signal?: AbortSignal): Promise<{ old: SourceSnapshot; neu: SourceSnapshot; problems: MigrationProblem[] }> {
  const [old, neu] = await Promise.all([SourceSnapshot.open(oldPrimary, signal), SourceSnapshot.open(newPrimary, signal)]);
  const problems = [
    ...compareSchemas(old.schema, neu.schema, { definitions: sameMajor(old.server.versionNum, neu.server.versionNum) }),
    ...databaseProblems([], compareSequences(old.sequences, neu.sequences)),
  ];
  return { old, neu, problems };
}

/** Every table of the two snapshots fingerprinted and compared; the snapshots closed. */
async function verifySnapshots(old: SourceSnapshot, neu: SourceSnapshot): Promise<{ entries: TableEntry[]; problems: MigrationProblem[] }> {
  try {
    const { tables: entries } = await compareSnapshotTables(old, neu, textMode(old.server.encoding, neu.server.encoding));
    await Promise.all([old.close(), neu.close()]);
    return { entries, problems: databaseProblems(entries, []) };
  } finally {
    old.kill();
    neu.kill();
  }
}

/**
 * Switch from one side to the other: refuse schema drift; stop writes on the
 * old primary; wait for the new one to confirm every change; copy sequences;
 * take a snapshot of each side and compare their schemas and sequences (on a
 * difference, allow writes on the old primary again, replication still
 * running); end the replication that caught up, start the way back and allow
 * writes on the new primary. Then every table is fingerprinted in the two
 * snapshots: equal, or the switch is reported as unverified, with the way
 * back streaming so a rollback loses nothing.
 */
async function switchOver(o: LiveOptions, direction: "forward" | "back"): Promise<CutoverResult> {
  const p = livePair(o);
  const [oldPrimary, newPrimary, name, reverse] = direction === "forward" ? [p.src, p.dst, p.forward, p.back] : [p.dst, p.src, p.back, p.forward];
  if ((await slotLag(oldPrimary, name)) === undefined) throw new MigrationError("database", `no replication ${direction === "forward" ? "from the source to the target" : "back from the target"} to switch over: ${name} is not on ${oldPrimary.display}`, []);
  await refuseSchemaDrift(oldPrimary, newPrimary);
  const wayBack = { url: direction === "forward" ? (o.targetFromSource ?? o.to) : (o.sourceFromTarget ?? o.from), password: direction === "forward" ? o.toPassword : o.fromPassword };
  // The way back's publication is made before writes stop: it costs nothing until subscribed.
  await publishWayBack(newPrimary, reverse);
  await probeWayBack(oldPrimary, p.key, reverse, wayBack.url, wayBack.password, newPrimary, direction);
  const stopped = Date.now();
  await stopWrites(oldPrimary);
  o.log?.(`writes stopped on ${oldPrimary.display}`);
  let snaps: Awaited<ReturnType<typeof snapshotsAtSwitch>> | undefined;
  let catchUpMs = 0;
  let sequences = 0;
  try {
    catchUpMs = await catchUp(oldPrimary, name, o);
    o.log?.(`${newPrimary.display} caught up in ${catchUpMs} ms`);
    sequences = await copySequences(oldPrimary, newPrimary);
    snaps = await snapshotsAtSwitch(oldPrimary, newPrimary, o.signal);
    if (snaps.problems.length) throw new MigrationError("database", `switch-over abandoned: ${snaps.problems.length} difference(s) at the switch`, snaps.problems);
  } catch (e) {
    snaps?.old.kill();
    snaps?.neu.kill();
    await allowWrites(oldPrimary);
    o.log?.(`switch-over abandoned: writes allowed again on ${oldPrimary.display}, replication to ${newPrimary.display} still runs`);
    throw e;
  }
  // Dropping the subscription drops its slot on the old primary too; it must go before the way back starts, or changes would loop.
  await sql(newPrimary, `${WRITABLE}\nDROP SUBSCRIPTION ${quoteIdent(name)};`, "end the replication that caught up");
  await subscribeWayBack(oldPrimary, reverse, wayBack.url, wayBack.password, newPrimary);
  await allowWrites(newPrimary);
  const writeDowntimeMs = Date.now() - stopped;
  await sql(oldPrimary, `${WRITABLE}\nDROP PUBLICATION ${quoteIdent(name)};`, "drop the publication that was replicated");
  o.log?.(`writes allowed on ${newPrimary.display}: ${writeDowntimeMs} ms without writes; verifying every table as of the switch`);
  const verifyStarted = Date.now();
  const v = await verifySnapshots(snaps.old, snaps.neu);
  if (v.problems.length)
    throw new MigrationError(
      "database",
      `switched over, but NOT verified: ${v.problems.length} table(s) differ as of the switch. The way back (${reverse}) streams every write made since: freehold replicate ${direction === "forward" ? "rollback" : "cutover"} returns to ${oldPrimary.display} without losing one`,
      v.problems,
    );
  return { writeDowntimeMs, catchUpMs, verifyMs: Date.now() - verifyStarted, sequences, tables: v.entries.length, rows: v.entries.reduce((n, t) => n + t.sourceRows, 0), back: reverse };
}

/** The new primary's tables published for the way back (kept if it exists: a switch retried after an abandoned one). */
async function publishWayBack(publisher: PgConnection, name: string): Promise<void> {
  const tables = await userTables(publisher);
  await sql(publisher, `${WRITABLE}\nDO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = ${quoteLiteral(name)}) THEN CREATE PUBLICATION ${quoteIdent(name)} FOR TABLE ${tables.join(", ")}; END IF; END $$;`, "publish the tables for the way back");
}

/**
 * The old primary connects to the new one's way-back publication once, before writes stop: a side that cannot reach the
 * other (a firewall, a private address without --target-from-source, a wrong password) is found while refusing still
 * costs nothing, not after the replication that caught up was ended. The probe has no slot and is dropped at once.
 */
async function probeWayBack(subscriber: PgConnection, key: string, publication: string, publisherUrl: string, password: string | undefined, publisher: PgConnection, direction: "forward" | "back"): Promise<void> {
  const probe = quoteIdent(`freehold_probe_${key}`);
  try {
    await sql(
      subscriber,
      `${WRITABLE}
DROP SUBSCRIPTION IF EXISTS ${probe};
CREATE SUBSCRIPTION ${probe} CONNECTION ${quoteLiteral(subscriptionConninfo(publisherUrl, password ?? publisher.env.PGPASSWORD))} PUBLICATION ${quoteIdent(publication)} WITH (connect = true, enabled = false, create_slot = false, slot_name = NONE, copy_data = false);
DROP SUBSCRIPTION ${probe};`,
      "check the way back",
    );
  } catch (e) {
    if (!(e instanceof MigrationToolError)) throw e;
    const flag = direction === "forward" ? "--target-from-source" : "--source-from-target";
    const output = e.details.output ?? "";
    const why = (/ERROR:\s*([\s\S]*)/.exec(output)?.[1] ?? output).trim();
    throw new MigrationError(
      "database",
      `refusing to switch over: ${subscriber.display} cannot reach ${publisherUrl} for the way back (${why}); give the address it reaches it by with ${flag} and open the network path; writes were not stopped and replication still runs`,
      [],
    );
  }
}

/** The old primary subscribed to the new one without copying (the two are equal): nothing written after the switch is lost by switching back. */
async function subscribeWayBack(subscriber: PgConnection, name: string, publisherUrl: string, password: string | undefined, publisher: PgConnection): Promise<void> {
  await sql(subscriber, `${WRITABLE}
CREATE SUBSCRIPTION ${quoteIdent(name)} CONNECTION ${quoteLiteral(subscriptionConninfo(publisherUrl, password ?? publisher.env.PGPASSWORD))} PUBLICATION ${quoteIdent(name)} WITH (copy_data = false);`, "subscribe the old primary to the new one (the way back)");
}

export function cutover(o: LiveOptions): Promise<CutoverResult> {
  return switchOver(o, "forward");
}

export function rollback(o: LiveOptions): Promise<CutoverResult> {
  return switchOver(o, "back");
}

export interface FinishResult {
  /** What was dropped, side by side. */
  dropped: string[];
}

/**
 * End replication in both directions and drop what replication created (and
 * only that: the subscriptions, slots and publications named for this pair).
 * Writes stay as they are: the
 * side that was stopped stays read-only for the application.
 */
export async function finishReplication(o: LiveOptions): Promise<FinishResult> {
  const p = livePair(o);
  const dropped: string[] = [];
  for (const [subscriber, publisher] of [
    [p.dst, p.src],
    [p.src, p.dst],
  ] as const) {
    for (const name of [p.forward, p.back]) {
      const sub = await one(subscriber, `SELECT count(*) FROM pg_subscription WHERE subname = ${quoteLiteral(name)} AND subdbid = (SELECT oid FROM pg_database WHERE datname = current_database());`, "find the subscriptions");
      if (sub === "1") {
        await sql(subscriber, `${WRITABLE}\nDROP SUBSCRIPTION ${quoteIdent(name)};`, "drop the subscription");
        dropped.push(`subscription ${name} on ${subscriber.display}`);
      }
      const pub = await one(publisher, `SELECT count(*) FROM pg_publication WHERE pubname = ${quoteLiteral(name)};`, "find the publications");
      if (pub === "1") {
        await sql(publisher, `${WRITABLE}\nDROP PUBLICATION ${quoteIdent(name)};`, "drop the publication");
        dropped.push(`publication ${name} on ${publisher.display}`);
      }
      const slot = await one(publisher, `SELECT count(*) FROM pg_replication_slots WHERE slot_name = ${quoteLiteral(name)} AND NOT active;`, "find the replication slots");
      if (slot === "1") {
        await sql(publisher, `SELECT pg_drop_replication_slot(${quoteLiteral(name)});`, "drop the replication slot");
        dropped.push(`replication slot ${name} on ${publisher.display}`);
      }
    }
  }
  return { dropped };
}
