/**
 * `migrateDatabase`: PostgreSQL to PostgreSQL with pg_dump (directory format,
 * in a snapshot the source is fingerprinted and described in) and pg_restore
 * (parallel, all or nothing: restore.ts), each table verified on the target
 * as soon as its data is in, the schema compared, and the source checked for
 * writes made after the snapshot (verify.ts). `verifyDatabase` compares two
 * live databases.
 *
 * Every session a run opens is named `freehold-<key>-…` (key: the source and
 * target pair) and asks the server to notice a vanished client within a
 * second; an interrupted run stops them all on both servers before it
 * returns, and the next run stops any that a killed one left behind.
 */
import path from "node:path";
import { dumpAndFingerprint, SourceSnapshot } from "./dump";
import { MigrationError, MigrationInterrupted, MigrationToolError } from "./errors";
import { checksumMethod, type LargeObjectSum, newFingerprintKey, type TableInfo, type TextMode, textMode } from "./fingerprint";
import { sourceFunctions, untrustedFunctionProblems } from "./live-code";
import { compareLargeObjects, compareSequences, compareTables, type DatabaseManifest, databaseProblems, type LargeObjectEntry, type SequenceEntry, type TableEntry, writeJsonAtomic } from "./manifest";
import {
  byKey,
  type ChecksumRun,
  CLIENT_KEEPALIVES,
  databaseIdentity,
  LOCK_KEEPALIVES,
  migrationKey,
  type PgConnection,
  pgConnection,
  readLargeObjects,
  type ServerInfo,
  serverInfo,
  sessionSettings,
  type TableSum,
  tableKey,
  tableName,
  withSession,
} from "./pg";
import { pgTool, toolVersion } from "./proc";
import { checkRestoreRole, restoreDump, rollBack, unpopulatedMaterializedViews } from "./restore";
import { compareSchemas, SCHEMA_METHOD, type SchemaObject, sameMajor } from "./schema";
import { checksumTables, stopSessions, type TargetLock, targetLock } from "./session";
import type { SourceState } from "./state";
import { type StreamCopyTimings, streamCopy } from "./stream-copy";
import { TargetVerifier } from "./verifier";
import { type Consistency, describeDatabase, refuseSameDatabase, sourceConsistency } from "./verify";
import { type DumpMarker, dirBytes, openWorkDir, type Pair, type WorkDir } from "./workdir";

export { CHECKSUM_METHOD } from "./fingerprint";
export { type DatabaseVerification, verifyDatabase } from "./verify";

export interface MigrateDatabaseOptions {
  /** Source URL, e.g. postgresql://user@host:5432/db. Opened read-only. */
  from: string;
  /** Target URL. The database must exist; the source's tables must not (or must already hold the same data). */
  to: string;
  /** The source's password, when it is not in the URL (nor in PGPASSWORD or a password file libpq reads). */
  fromPassword?: string;
  /** The target's password, likewise. */
  toPassword?: string;
  /**
   * A folder for the run's files: the run works in a private folder of its
   * own inside it, kept after a failure so the next run can reuse the dump.
   * Default: a private folder with a random name under the system's temporary
   * directory, removed at the end of every run.
   */
  workDir?: string;
  /** Keep the dump after a verified run (it is a full copy of the data). */
  keepDump?: boolean;
  /** Where to write the manifest (default `<workDir>/database-manifest.json`, or `./database-manifest.json` without a work folder). */
  manifestPath?: string;
  /** pg_dump / pg_restore parallel jobs, and target fingerprint sessions (default 2). */
  jobs?: number;
  /**
   * Accept a source that is written to during the run: the target is then
   * verified equal to the source as of the snapshot only, and the manifest
   * says what changed since. Without it, such a run fails (exit 1).
   */
  allowLiveSource?: boolean;
  /**
   * Undo a restore that an earlier run of this pair left unfinished (it was
   * killed) before migrating. Without it such a run refuses, naming what the
   * undo would drop: rows may have been written into those tables since.
   */
  undoPartialRestore?: boolean;
  /**
   * Restore as this role of the target (pg_restore --role), so that every
   * table, sequence, view and function the restore creates belongs to it:
   * `app`, the read-write role of Freehold's role model, whom the target's
   * read-only role reads through its default privileges. The login (the
   * target's administrator) must be able to SET ROLE to it; checked before
   * anything is written.
   */
  targetRole?: string;
  /**
   * Source roles whose functions the target may run. The restore builds indexes and constraints after every table's
   * checksum was taken, running the functions their expressions call on the target as the restoring role: such a
   * function owned by a role other than the source's login or a superuser could rewrite a table already verified (or
   * act with the target login's rights), so the run refuses it unless its owner is named here.
   */
  trustFunctionsOf?: string[];
  /**
   * Accept a source that holds no table, sequence or large object. Without it such a run refuses before anything is
   * written: an empty source is most often a wrong or swapped URL (the new, still empty database typed as the source),
   * and "migrated and verified" over nothing is what a runbook would move on from.
   */
  allowEmptySource?: boolean;
  /**
   * Accept a target that holds tables the source does not. Without it such a run refuses before anything is written:
   * such a target is most often the wrong database (or the source is), and the copy would leave those tables unverified.
   */
  allowOtherTables?: boolean;
  log?: (line: string) => void;
  /** Abort stops every tool and query on both servers and undoes a partial restore; MigrationInterrupted is thrown. */
  signal?: AbortSignal;
}

interface Tools {
  pgDump: string;
  pgRestore: string;
  versions: { pg_dump: string; pg_restore: string; psql: string };
}

async function tools(): Promise<Tools> {
  const pgDump = pgTool("pg_dump");
  const pgRestore = pgTool("pg_restore");
  const psqlBin = pgTool("psql");
  const [a, b, c] = await Promise.all([toolVersion(pgDump), toolVersion(pgRestore), toolVersion(psqlBin)]);
  return { pgDump, pgRestore, versions: { pg_dump: a, pg_restore: b, psql: c } };
}

/** How far a run got: what an interruption leaves in the target. */
type Stage = "inspect" | "dump" | "restore" | "verify";

interface Run {
  opts: MigrateDatabaseOptions;
  log: (line: string) => void;
  src: PgConnection;
  dst: PgConnection;
  /** Prefix of every session name of this pair. */
  prefix: string;
  work: WorkDir;
  signal: AbortSignal;
  jobs: number;
  mode: TextMode;
  /**
   * The fingerprint's key (fingerprint.ts) every source and target fingerprint of this run is taken with: drawn when
   * the run starts, because the source is fingerprinted during the copy, in the copy's own snapshot; or the key of the
   * reused dump's sums. It stays in this process, its fingerprinting sessions' private startup options and a kept
   * dump's private marker file: a role that writes in the target during the copy can read none of them.
   */
  key: string;
  pair: Pair;
  servers: { src: ServerInfo; dst: ServerInfo };
  stage: Stage;
}

/** Stop every session of this pair on both servers (an earlier run's, or this one's when it is interrupted). */
async function stopAll(r: Pick<Run, "src" | "dst" | "prefix">): Promise<number> {
  const [a, b] = await Promise.all([stopSessions(withSession(r.src, { appName: `${r.prefix}-stop` }), r.prefix), stopSessions(withSession(r.dst, { appName: `${r.prefix}-stop` }), r.prefix)]);
  return a + b;
}

/**
 * What a refusal says to do: never to drop the tables in the target, which
 * may be a database in use (after a cutover, the original is the "target" of
 * a copy back).
 */
const INTO_EMPTY =
  "freehold migrate copies only into a database that holds none of the source's tables, and never merges into one that does: give it an empty database as the target (to bring writes made after a cutover back to the original, see the exit plan's rollback).";

/**
 * Inspect both sides; refuse when the target holds the source's tables with a
 * different definition or different data, or only some of them. Returns the
 * sums when the target already holds every table, equal.
 */
async function inspect(
  r: Run,
  source: { tables: TableInfo[]; schema: SchemaObject[]; sums: (t: TableInfo[]) => Promise<TableSum[]> },
  target: { tables: TableInfo[]; schema: SchemaObject[] },
): Promise<{ src: TableSum[]; dst: ChecksumRun } | undefined> {
  const dstKeys = new Set(target.tables.map(tableKey));
  const overlap = source.tables.filter((t) => dstKeys.has(tableKey(t)));
  if (overlap.length === 0) return undefined;
  r.log(`target already has ${overlap.length} of the source's ${source.tables.length} tables: comparing their definitions and contents`);
  // Every table both sides hold, by the name both catalogs print for it (schema.ts): their definitions must agree.
  const inTarget = new Set(target.schema.filter((o) => o.kind === "table").map((o) => o.name));
  const defined = compareSchemas(source.schema, target.schema, { only: (o) => o.kind === "table" && inTarget.has(o.name) });
  if (defined.length > 0)
    throw new MigrationError(
      "database",
      `refusing to migrate: the target ${r.dst.display} already holds ${new Set(defined.map((p) => p.item)).size} of the source's tables with a different definition; nothing was done. ${INTO_EMPTY}`,
      defined,
    );
  const [s, d] = await Promise.all([source.sums(overlap), checksumTables(r.dst, overlap, r.mode, r.key)]);
  const different = compareTables(byKey(s, tableKey), d.sums, d.failed).filter((e) => !e.match);
  if (different.length > 0)
    throw new MigrationError(
      "database",
      `refusing to migrate: the target ${r.dst.display} already holds different data in ${different.length} of the source's tables; nothing was done. ${INTO_EMPTY}`,
      different.map((e) => ({ item: tableName(e), message: e.problem ?? "differs" })),
    );
  if (overlap.length < source.tables.length)
    throw new MigrationError(
      "database",
      `refusing to migrate: the target ${r.dst.display} holds some of the source's tables (equal) but not others; a restore would conflict. Nothing was done. ${INTO_EMPTY}`,
      source.tables.filter((t) => !dstKeys.has(tableKey(t))).map((t) => ({ item: tableName(t), message: "missing in the target while other tables are present" })),
    );
  r.log("every source table is already in the target with the same definition and contents: the restore will be skipped");
  return { src: s, dst: d };
}

interface Outcome {
  server: ServerInfo;
  tables: TableInfo[];
  sourceSums: TableSum[];
  sourceSequences: DumpMarker["sequences"];
  sourceLargeObjects: LargeObjectSum;
  schema: SchemaObject[];
  /** The source's state in the snapshot the sums were taken in. */
  state: SourceState;
  target: ChecksumRun;
  dump: { reused: boolean; ms: number; skipped: boolean };
  restore: { skipped: boolean; reason: string; ms: number };
  /** From the end of the restore to the last target fingerprint. */
  verifyTailMs: number;
  /** How the rows travelled: streamed from server to server, or through a dump on this host. */
  method: "stream" | "dump" | "none";
}

/**
 * Stream every table from the source to the target (stream-copy.ts), the
 * source fingerprinted in the same snapshot meanwhile, each table's target
 * fingerprint taken as soon as its rows are committed.
 */
async function streamTransfer(r: Run, t: Tools, snapshot: SourceSnapshot): Promise<Outcome> {
  const verifier = new TargetVerifier(withSession(r.dst, { appName: `${r.prefix}-verify` }), r.jobs, r.signal, r.mode, r.key);
  r.stage = "restore";
  const started = Date.now();
  const source = snapshot.fingerprint(snapshot.tables, r.mode).then(async (sums) => {
    const largeObjects = await snapshot.largeObjects();
    r.log(`source fingerprints finished in ${Date.now() - started} ms`);
    return { sums, largeObjects };
  });
  source.catch(() => undefined); // awaited below; a copy that fails first is the error reported
  let timings: StreamCopyTimings;
  try {
    timings = await streamCopy({
      pgDump: t.pgDump,
      pgRestore: t.pgRestore,
      snapshotId: snapshot.id,
      source: withSession(r.src, { appName: `${r.prefix}-copy` }),
      target: withSession(r.dst, { appName: `${r.prefix}-copy` }),
      restoreTarget: withSession(r.dst, { appName: `${r.prefix}-restore` }),
      targetIdentity: r.pair.target,
      tables: snapshot.tables,
      jobs: r.jobs,
      sourceVersionNum: r.servers.src.versionNum,
      work: r.work,
      ...(r.opts.targetRole ? { role: r.opts.targetRole } : {}),
      signal: r.signal,
      log: r.log,
      onTableCopied: (x) => verifier.add(x),
    });
  } catch (e) {
    verifier.kill();
    snapshot.kill();
    throw e;
  }
  r.stage = "verify";
  r.log(`copy, indexes and constraints finished in ${timings.copyMs} ms: verifying the tables not yet fingerprinted, the schema and the sequences`);
  const { sums, largeObjects } = await source;
  await snapshot.close();
  for (const x of snapshot.tables) verifier.add(x);
  const tTail = Date.now();
  const target = await recheckDifferent(r, { sums, tables: snapshot.tables }, await verifier.finish());
  return {
    server: snapshot.server,
    tables: snapshot.tables,
    sourceSums: sums,
    sourceSequences: snapshot.sequences,
    sourceLargeObjects: largeObjects,
    schema: snapshot.schema,
    state: snapshot.state,
    target,
    dump: { reused: false, ms: timings.schemaDumpMs, skipped: false },
    restore: { skipped: false, reason: "streamed", ms: timings.copyMs },
    verifyTailMs: Date.now() - tTail,
    method: "stream",
  };
}

/** Dump (or reuse the dump), restore, and fingerprint the target as each table arrives. */
async function transfer(r: Run, t: Tools, snapshot: SourceSnapshot | undefined, marker: DumpMarker | undefined): Promise<Outcome> {
  if (!marker && snapshot && !r.opts.keepDump) return streamTransfer(r, t, snapshot);
  let dumpMs = marker?.dumpMs ?? 0;
  const reused = marker !== undefined;
  if (!marker) {
    if (!snapshot) throw new Error("no snapshot to dump");
    r.stage = "dump";
    await r.work.clearDump();
    marker = await dumpAndFingerprint(snapshot, { pgDump: t.pgDump, pgDumpVersion: t.versions.pg_dump, pair: r.pair, mode: r.mode, conn: withSession(r.src, { appName: `${r.prefix}-dump` }), dumpDir: r.work.dumpDir, jobs: r.jobs, signal: r.signal, log: r.log });
    dumpMs = marker.dumpMs;
    await r.work.writeMarker(marker);
  }
  await snapshot?.close();
  const byOid = new Map(marker.tables.map((x) => [x.oid, x]));
  const verifier = new TargetVerifier(withSession(r.dst, { appName: `${r.prefix}-verify` }), r.jobs, r.signal, r.mode, r.key);
  const tRestore = Date.now();
  r.stage = "restore";
  try {
    await restoreDump({
      pgRestore: t.pgRestore,
      dumpDir: r.work.dumpDir,
      target: withSession(r.dst, { appName: `${r.prefix}-restore` }),
      targetIdentity: r.pair.target,
      tables: marker.tables.map((x) => ({ schema: x.schema, table: x.table })),
      jobs: r.jobs,
      work: r.work,
      signal: r.signal,
      log: r.log,
      ...(r.opts.targetRole ? { role: r.opts.targetRole } : {}),
      onTableRestored: (oid) => {
        const table = byOid.get(oid);
        if (table) verifier.add(table);
      },
    });
  } catch (e) {
    verifier.kill();
    throw e;
  }
  r.stage = "verify";
  const restoreMs = Date.now() - tRestore;
  r.log(`restore finished in ${restoreMs} ms: verifying the tables not yet fingerprinted, the schema and the sequences`);
  for (const x of marker.tables) verifier.add(x);
  const tTail = Date.now();
  const target = await recheckDifferent(r, marker, await verifier.finish());
  return {
    server: marker.server,
    tables: marker.tables,
    sourceSums: marker.sums,
    sourceSequences: marker.sequences,
    sourceLargeObjects: marker.largeObjects,
    schema: marker.schema,
    state: marker.state,
    target,
    dump: { reused, ms: dumpMs, skipped: false },
    restore: { skipped: false, reason: "restored", ms: restoreMs },
    verifyTailMs: Date.now() - tTail,
    method: "dump",
  };
}

/**
 * Read again, now that the restore is over, every table whose fingerprint
 * differs from the source's: it was taken when pg_restore's log said that
 * table's data was in, and a table name holding a line break can forge such
 * a line. Only a difference that holds after the restore is reported.
 */
async function recheckDifferent(r: Run, marker: Pick<DumpMarker, "sums" | "tables">, target: ChecksumRun): Promise<ChecksumRun> {
  stopIfAborted(r);
  const source = byKey(marker.sums, tableKey);
  const differing = marker.tables.filter((x) => {
    const s = source.get(tableKey(x));
    const d = target.sums.get(tableKey(x));
    return !s || !d || s.rows !== d.rows || s.checksum !== d.checksum;
  });
  if (differing.length === 0) return target;
  const again = await checksumTables(withSession(r.dst, { appName: `${r.prefix}-verify` }), differing, r.mode, r.key);
  for (const [k, v] of again.sums) {
    target.sums.set(k, v);
    target.failed.delete(k);
  }
  for (const [k, v] of again.failed) {
    target.failed.set(k, v);
    target.sums.delete(k);
  }
  stopIfAborted(r);
  return target;
}

/** An abort noticed between steps (a tool started after it would not see it). */
function stopIfAborted(r: Pick<Run, "signal">): void {
  if (r.signal.aborted) throw new MigrationInterrupted("interrupted");
}

interface Prepared {
  r: Run;
  t: Tools;
  marker: DumpMarker | undefined;
}

/** A completed dump of this pair that still holds the source as it is: nothing wrote on it since its snapshot (verify.ts). */
async function freshMarker(work: WorkDir, src: PgConnection, mode: TextMode, log: (l: string) => void, signal: AbortSignal): Promise<DumpMarker | undefined> {
  const m = await work.readMarker(checksumMethod(mode));
  if (!m) return undefined;
  const c = await sourceConsistency(src, m.state, { tables: m.tables, sums: m.sums, largeObjects: m.largeObjects, key: m.fingerprintKey }, mode, signal);
  if (c.verdict !== "moved") {
    log(`reusing the completed dump from ${m.completedAt} in ${work.dumpDir}: the source is as it was in its snapshot (${c.verdict === "quiet" ? "nothing wrote on the source server since" : "its tables read again: unchanged"})`);
    return m;
  }
  log(`not reusing the dump from ${m.completedAt}: the source changed since its snapshot (${c.changes.join("; ")}); copying again`);
  await work.clearDump();
  return undefined;
}

/** Stop what an earlier run left, undo its unfinished restore, find a dump to reuse. */
async function prepare(opts: MigrateDatabaseOptions, base: { src: PgConnection; dst: PgConnection }, prefix: string, work: WorkDir, found: { t: Tools; servers: Run["servers"]; pair: Pair }, signal: AbortSignal): Promise<Prepared> {
  const log = opts.log ?? (() => {});
  const { servers, pair } = found;
  // Stop what an earlier run left before this one opens its sessions (they share the name prefix).
  const left = await stopAll({ src: withSession(base.src, { appName: `${prefix}-inspect` }), dst: withSession(base.dst, { appName: `${prefix}-inspect` }), prefix });
  if (left > 0) log(`stopped ${left} session(s) an earlier, interrupted run had left on the servers`);
  const src = withSession(base.src, { appName: `${prefix}-inspect`, settings: sessionSettings(servers.src.versionNum), params: CLIENT_KEEPALIVES });
  const dst = withSession(base.dst, { appName: `${prefix}-inspect`, settings: sessionSettings(servers.dst.versionNum), params: CLIENT_KEEPALIVES });
  await rollBack(work, dst, pair.target, () => stopSessions(dst, prefix), log, { undoEarlier: opts.undoPartialRestore === true });
  const mode = textMode(servers.src.encoding, servers.dst.encoding);
  if (mode === "utf8") log(`the source is ${servers.src.encoding} and the target ${servers.dst.encoding}: text is compared as UTF-8`);
  const marker = await freshMarker(work, src, mode, log, signal);
  const key = marker?.fingerprintKey ?? newFingerprintKey();
  return { r: { opts, log, src, dst, prefix, work, signal, jobs: Math.max(1, Math.floor(opts.jobs ?? 2)), mode, key, pair, servers, stage: "inspect" }, t: found.t, marker };
}

/**
 * Refuse code of the source that the target would run per row (index expressions, constraints, defaults, triggers,
 * column types, SECURITY DEFINER functions; live-code.ts) when its owner is not trusted: the restore builds indexes
 * and constraints after the tables' checksums were taken, so such code could change a verified table. Read in the
 * snapshot the run copies (`snapshotId`): a fresh session would miss what a role dropped after the snapshot (a domain's
 * CHECK), which the dump still holds. A reused dump (no snapshot open) was checked in its own snapshot by the run that
 * made it; it is checked again as the source is now.
 */
async function refuseUntrustedCode(r: Run, snapshotId: string | undefined): Promise<void> {
  const problems = untrustedFunctionProblems(await sourceFunctions(r.src, r.opts.trustFunctionsOf ?? [], snapshotId));
  if (problems.length > 0)
    throw new MigrationError(
      "database",
      `refused: the source's tables run ${problems.length} function(s) of roles not trusted; the target would run them after the checksums were taken, so they could change a verified table: nothing was written to the target`,
      problems.map((message) => ({ item: r.src.display, message })),
    );
}

/**
 * Refuse a pair that looks wrong before anything is written: a source with no table, sequence or large object (a wrong
 * or swapped URL), or a target that holds tables the source does not (the wrong target, or the wrong source), unless
 * the operator said so (allowEmptySource, allowOtherTables).
 */
async function refuseWrongPair(r: Run, from: { tables: TableInfo[]; sequences: unknown[] }, largeObjects: () => Promise<LargeObjectSum>, target: { tables: TableInfo[] }): Promise<void> {
  if (!r.opts.allowEmptySource && from.tables.length === 0 && from.sequences.length === 0 && (await largeObjects()).count === 0)
    throw new MigrationError(
      "database",
      `refusing to migrate: the source ${r.src.display} holds no table, sequence or large object; nothing was written to the target. Check that --from names the database that holds the data (not the new, still empty one); to copy an empty database on purpose, add --allow-empty-source.`,
      [{ item: r.src.display, message: "no table, sequence or large object" }],
    );
  const srcKeys = new Set(from.tables.map(tableKey));
  const other = target.tables.filter((t) => !srcKeys.has(tableKey(t)));
  if (!r.opts.allowOtherTables && other.length > 0)
    throw new MigrationError(
      "database",
      `refusing to migrate: the target ${r.dst.display} holds ${other.length} table(s) the source does not; nothing was written to it. Such a target is most often the wrong database, or --from names the wrong source: check both URLs. To copy next to those tables on purpose (they are left as they are, not verified), add --allow-other-tables.`,
      other.map((t) => ({ item: tableName(t), message: "in the target, not in the source" })),
    );
}

/** Refuse, skip (the target already holds it all), or dump and restore. The snapshot session lives only in here. */
async function migrateOrSkip(p: Prepared): Promise<Outcome> {
  const { r, t, marker } = p;
  r.log(`source ${r.src.display} (read-only), target ${r.dst.display}`);
  const [snapshot, target] = await Promise.all([marker ? undefined : SourceSnapshot.open(withSession(r.src, { appName: `${r.prefix}-snapshot` }), r.key, r.signal), describeDatabase(r.dst)]);
  try {
    const from = marker ?? (snapshot as SourceSnapshot);
    await refuseWrongPair(r, from, () => (marker ? Promise.resolve(marker.largeObjects) : (snapshot as SourceSnapshot).largeObjects()), target);
    const wanted = (ts: TableInfo[]) => new Set(ts.map(tableKey));
    const sums = (ts: TableInfo[]) => (marker ? Promise.resolve(marker.sums.filter((s) => wanted(ts).has(tableKey(s)))) : (snapshot as SourceSnapshot).fingerprint(ts, r.mode));
    const there = await inspect(r, { tables: from.tables, schema: from.schema, sums }, target);
    if (!there) {
      await refuseUntrustedCode(r, snapshot?.id);
      return await transfer(r, t, snapshot, marker);
    }
    const sourceLargeObjects = marker?.largeObjects ?? (await (snapshot as SourceSnapshot).largeObjects());
    await snapshot?.close();
    r.stage = "verify";
    return {
      sourceLargeObjects,
      server: marker?.server ?? snapshot?.server ?? r.servers.src,
      tables: from.tables,
      sourceSums: there.src,
      sourceSequences: from.sequences,
      schema: from.schema,
      state: from.state,
      target: there.dst,
      dump: { reused: false, ms: 0, skipped: true },
      restore: { skipped: true, reason: "target already held every source table with the same definition and contents (an earlier run completed the restore)", ms: 0 },
      verifyTailMs: 0,
      method: "none",
    };
  } catch (e) {
    snapshot?.kill();
    throw e;
  }
}

interface Compared {
  schemaProblems: ReturnType<typeof compareSchemas>;
  tables: TableEntry[];
  sequences: SequenceEntry[];
  largeObjects: LargeObjectEntry;
  extraTargetTables: string[];
  consistency: Consistency;
}

/** Compare the target with the source's snapshot (schema, tables, sequences), and the source now with its snapshot. */
async function compare(r: Run, o: Outcome): Promise<Compared> {
  stopIfAborted(r);
  const [after, targetLargeObjects] = await Promise.all([describeDatabase(r.dst), readLargeObjects(r.dst)]);
  const srcKeys = new Set(o.tables.map(tableKey));
  return {
    schemaProblems: compareSchemas(o.schema, after.schema, { definitions: sameMajor(r.servers.src.versionNum, r.servers.dst.versionNum) }),
    tables: compareTables(byKey(o.sourceSums, tableKey), o.target.sums, o.target.failed),
    sequences: compareSequences(o.sourceSequences, after.sequences),
    largeObjects: compareLargeObjects(o.sourceLargeObjects, targetLargeObjects),
    extraTargetTables: after.tables.filter((x) => !srcKeys.has(tableKey(x))).map(tableName),
    consistency: await sourceConsistency(withSession(r.src, { appName: `${r.prefix}-check` }), o.state, { tables: o.tables, sums: o.sourceSums, largeObjects: o.sourceLargeObjects, key: r.key }, r.mode, r.signal),
  };
}

function manifestOf(r: Run, t: Tools, o: Outcome, c: Compared, extra: { startedAt: string; t0: number; dumpBytes: number; kept: boolean }): DatabaseManifest {
  const problems = [...c.schemaProblems, ...databaseProblems(c.tables, c.sequences, c.largeObjects)];
  const { src, dst } = r.servers;
  return {
    kind: "database",
    formatVersion: 3,
    startedAt: extra.startedAt,
    finishedAt: new Date().toISOString(),
    source: { url: r.src.display, identity: r.pair.source, encoding: src.encoding, serverVersion: o.server.version, databaseBytes: o.server.databaseBytes },
    target: { url: r.dst.display, identity: r.pair.target, encoding: dst.encoding, serverVersion: dst.version },
    tools: t.versions,
    dump: { dir: r.work.dumpDir, format: "directory", jobs: r.jobs, reused: o.dump.reused, bytes: extra.dumpBytes, kept: extra.kept },
    restore: { skipped: o.restore.skipped, reason: o.restore.reason, method: o.method, jobs: r.jobs, ...(r.opts.targetRole ? { role: r.opts.targetRole } : {}) },
    timings: { dumpMs: o.dump.ms, restoreMs: o.restore.ms, verifyMs: o.verifyTailMs, targetChecksumMs: o.target.ms, totalMs: Date.now() - extra.t0 },
    checksumMethod: checksumMethod(r.mode),
    schema: { method: `${SCHEMA_METHOD}${sameMajor(src.versionNum, dst.versionNum) ? "" : "; views and functions by name and signature only (the servers' major versions differ)"}`, objects: o.schema.length, problems: c.schemaProblems },
    tables: c.tables,
    sequences: c.sequences,
    largeObjects: c.largeObjects,
    extraTargetTables: c.extraTargetTables,
    consistency: c.consistency,
    totals: { tables: c.tables.length, rows: c.tables.reduce((n, x) => n + x.sourceRows, 0), sequences: c.sequences.length, largeObjects: c.largeObjects.sourceCount, mismatches: problems.length },
    ok: problems.length === 0 && (c.consistency.verdict !== "moved" || r.opts.allowLiveSource === true),
  };
}

/** Compare, clean the work folder as the outcome allows, write the manifest; throw when verification failed or the source moved on. */
async function record(p: Prepared, o: Outcome, manifestPath: string, started: { at: string; t0: number }): Promise<DatabaseManifest> {
  const { r } = p;
  // Restored as the login (no targetRole), the materialized views were left unpopulated (restore.ts): named for the operator to refresh as the application role.
  const unrefreshed = r.opts.targetRole ? Promise.resolve([]) : unpopulatedMaterializedViews(withSession(r.dst, { appName: `${r.prefix}-check` }));
  const [c, dumpBytes, views] = await Promise.all([compare(r, o), dirBytes(r.work.dumpDir), unrefreshed]);
  const differences = [...c.schemaProblems, ...databaseProblems(c.tables, c.sequences, c.largeObjects)];
  const equal = differences.length === 0;
  const draft = manifestOf(r, p.t, o, c, { startedAt: started.at, t0: started.t0, dumpBytes, kept: false });
  const kept = await r.work.finish({ verified: equal, keepDump: r.opts.keepDump ?? false });
  const manifest: DatabaseManifest = { ...draft, dump: { ...draft.dump, kept }, restore: { ...draft.restore, ...(views.length > 0 ? { unpopulatedMaterializedViews: views } : {}) } };
  stopIfAborted(r);
  await writeJsonAtomic(manifestPath, manifest).catch((e: unknown) => {
    const outcome = !equal ? `verification found ${differences.length} difference(s)` : manifest.ok ? `the database was migrated and verified (${c.consistency.statement})` : `the database was migrated, but the source moved on after the snapshot`;
    throw new MigrationToolError(`${outcome}, but the manifest could not be written to ${manifestPath}: ${e instanceof Error ? e.message : String(e)}`, "freehold", null, {
      hint: "room and permissions where the manifest goes (--manifest), then run the same command again: it finds the target already holding every table, verifies it without restoring, and writes the manifest",
    });
  });
  r.log(`manifest written to ${manifestPath}`);
  if (!equal)
    throw new MigrationError("database", `verification failed: ${manifest.totals.mismatches} difference(s) between ${r.src.display} and ${r.dst.display}`, differences, manifestPath);
  if (!manifest.ok)
    throw new MigrationError(
      "database",
      `migrated, but not verified as of now: ${c.consistency.statement}. To finish, stop writes to the source, empty the target database and run again; or accept a copy as of the snapshot with --allow-live-source (allowLiveSource).`,
      c.consistency.changes.map((x) => ({ item: r.src.display, message: x })),
      manifestPath,
    );
  r.log(`verified ${manifest.totals.tables} tables, ${manifest.totals.rows} rows, ${manifest.totals.sequences} sequences and ${manifest.schema.objects} schema objects: all equal; ${c.consistency.statement}`);
  return manifest;
}

/** What undoing left: a partial restore `undone`, `nothing` to undo, or an undo that `failed` (its journal stays for the next run). */
type Undo = "undone" | "nothing" | "failed";

/** After a failure or an interruption: stop every session of the run on both servers and undo a partial restore. */
async function abandon(r: Run | undefined, e: unknown, lock: TargetLock | undefined): Promise<Undo> {
  if (!r || e instanceof MigrationError) return "nothing"; // a refusal or a verification failure changed nothing to undo
  if (lock && !(await lock.held())) {
    // Another run of the pair may hold it now: stopping the pair's sessions or undoing would end or undo that run's work.
    r.log("this run's lock on the target was lost (its session there ended): another run of the same source and target may be running, so this run stops no session and undoes nothing; once no other run is, the next run undoes an unfinished restore first");
    return "failed";
  }
  await stopAll(r).catch(() => 0);
  return rollBack(r.work, r.dst, r.pair.target, () => Promise.resolve(), r.log, { ownRun: true }).then(
    (undone): Undo => (undone ? "undone" : "nothing"),
    (err: unknown): Undo => {
      r.log(err instanceof Error ? err.message : String(err));
      return "failed";
    },
  );
}

/** What an interrupted run leaves in the target, in words. */
function interruptedMessage(stage: Stage, undo: Undo): string {
  const stopped = "interrupted: every tool and query this run started was stopped on both servers";
  if (undo === "undone") return `${stopped}, and the partial restore was undone: the target is as it was`;
  if (undo === "failed") return `${stopped}; the partial restore could not be undone (see above): the next run of the same source and target undoes it first`;
  if (stage === "verify") return `${stopped}; the restore had finished, so the target holds the whole restore, not yet verified: run the same command again to verify it (it does not restore twice), or freehold migrate verify database`;
  return `${stopped}; nothing had been written to the target (a schema restore in progress is one transaction): it is as it was`;
}

/** Both servers' identities and versions, and the tools; refuses one database as both source and target. */
async function identify(base: { src: PgConnection; dst: PgConnection }, prefix: string, role?: string): Promise<{ t: Tools; servers: Run["servers"]; pair: Pair }> {
  const [t, src, dst] = await Promise.all([tools(), serverInfo(withSession(base.src, { appName: `${prefix}-inspect` })), serverInfo(withSession(base.dst, { appName: `${prefix}-inspect` }))]);
  refuseSameDatabase(src, dst, { src: base.src.display, dst: base.dst.display });
  if (role) await checkRestoreRole(withSession(base.dst, { appName: `${prefix}-inspect` }), role);
  return { t, servers: { src, dst }, pair: { source: databaseIdentity(src), target: databaseIdentity(dst) } };
}

/**
 * Migrate one PostgreSQL database to another and verify it.
 *
 * Resumable: a completed dump in a work folder the user named is reused (with
 * the fingerprints taken in its snapshot) when nothing wrote on the source
 * since; an unfinished restore is undone (restore.ts) before the next one; a
 * target that already holds the source's tables, verified equal, is not
 * restored again. Refuses, having done nothing, when the target already holds
 * any of the source's tables with a different definition or different data,
 * or when source and target are the same database.
 */
export async function migrateDatabase(opts: MigrateDatabaseOptions): Promise<DatabaseManifest> {
  const started = { at: new Date().toISOString(), t0: Date.now() };
  const base = { src: pgConnection(opts.from, "source", opts.fromPassword !== undefined ? { password: opts.fromPassword } : {}), dst: pgConnection(opts.to, "target", opts.toPassword !== undefined ? { password: opts.toPassword } : {}) };
  const prefix = `freehold-${migrationKey(base.src, base.dst)}`;
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  if (opts.signal?.aborted) ac.abort();
  let p: Prepared | undefined;
  let work: WorkDir | undefined;
  let lock: TargetLock | undefined;
  try {
    const found = await identify(base, prefix, opts.targetRole);
    const v = found.servers.dst.versionNum;
    lock = await targetLock(withSession(base.dst, { appName: `${prefix}-lock`, settings: { ...sessionSettings(v), ...(v >= 120000 ? LOCK_KEEPALIVES : {}) }, params: CLIENT_KEEPALIVES }), found.pair.target);
    work = await openWorkDir({ ...(opts.workDir !== undefined ? { workDir: opts.workDir } : {}), pair: found.pair, ...(opts.log ? { log: opts.log } : {}) });
    const manifestPath = path.resolve(opts.manifestPath ?? (opts.workDir ? path.join(opts.workDir, "database-manifest.json") : "database-manifest.json"));
    p = await prepare(opts, base, prefix, work, found, ac.signal);
    return await record(p, await migrateOrSkip(p), manifestPath, started);
  } catch (e) {
    ac.abort();
    const undo = await abandon(p?.r, e, lock);
    await work?.finish({ verified: false, keepDump: opts.keepDump ?? false }).catch(() => false);
    if (opts.signal?.aborted) throw new MigrationInterrupted(interruptedMessage(p?.r.stage ?? "inspect", undo));
    throw e;
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    await lock?.release().catch(() => undefined);
  }
}
