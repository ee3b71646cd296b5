/**
 * `migrateDatabase`: PostgreSQL to PostgreSQL with pg_dump (directory format,
 * in a snapshot the source is fingerprinted in) and pg_restore (parallel, all
 * or nothing: restore.ts), each table verified on the target as soon as its
 * data is in. `verifyDatabase` compares two live databases.
 *
 * Every session a run opens is named `freehold-<key>-…` (key: the source and
 * target pair) and asks the server to notice a vanished client within a
 * second; an interrupted run stops them all on both servers before it
 * returns, and the next run stops any that a killed one left behind.
 */
import path from "node:path";
import { dumpAndFingerprint, SourceSnapshot } from "./dump";
import { MigrationError, MigrationInterrupted, MigrationToolError } from "./errors";
import { CHECKSUM_METHOD, type TableInfo } from "./fingerprint";
import {
  compareSequences,
  compareTables,
  type DatabaseManifest,
  databaseProblems,
  type SequenceEntry,
  type TableEntry,
  writeJsonAtomic,
} from "./manifest";
import {
  type ChecksumRun,
  listSequences,
  listTables,
  migrationKey,
  type PgConnection,
  pgConnection,
  type ServerInfo,
  serverInfo,
  sessionSettings,
  type TableSum,
  tableKey,
  withSession,
} from "./pg";
import { pgTool, toolVersion } from "./proc";
import { restoreDump, rollBack } from "./restore";
import { checksumTables, stopSessions } from "./session";
import { TargetVerifier } from "./verifier";
import { dirBytes, type DumpMarker, openWorkDir, type WorkDir } from "./workdir";

export { CHECKSUM_METHOD } from "./fingerprint";

export interface MigrateDatabaseOptions {
  /** Source URL, e.g. postgresql://user:pw@host:5432/db. Opened read-only. */
  from: string;
  /** Target URL. The database must exist; the source's tables must not (or must already hold the same data). */
  to: string;
  /**
   * Where the dump, its marker and the restore journal live; kept after a
   * failure so the next run resumes. Default: a private folder under the
   * system's temporary directory, removed at the end of every run.
   */
  workDir?: string;
  /** Keep the dump after a verified run (it is a full copy of the data). */
  keepDump?: boolean;
  /** Where to write the manifest (default `<workDir>/database-manifest.json`, or `./database-manifest.json` without a work folder). */
  manifestPath?: string;
  /** pg_dump / pg_restore parallel jobs, and target fingerprint sessions (default 2). */
  jobs?: number;
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
}

/** Stop every session of this pair on both servers (an earlier run's, or this one's when it is interrupted). */
async function stopAll(r: Pick<Run, "src" | "dst" | "prefix">): Promise<number> {
  const [a, b] = await Promise.all([stopSessions(withSession(r.src, { appName: `${r.prefix}-stop` }), r.prefix), stopSessions(withSession(r.dst, { appName: `${r.prefix}-stop` }), r.prefix)]);
  return a + b;
}

/** Inspect both sides; refuse when the target holds different or partial data. Returns the sums when the target already holds it all. */
async function inspect(r: Run, srcTables: TableInfo[], dstTables: TableInfo[], sourceSums: (t: TableInfo[]) => Promise<TableSum[]>): Promise<{ src: TableSum[]; dst: ChecksumRun } | undefined> {
  const dstKeys = new Set(dstTables.map(tableKey));
  const overlap = srcTables.filter((t) => dstKeys.has(tableKey(t)));
  if (overlap.length === 0) return undefined;
  r.log(`target already has ${overlap.length} of the source's ${srcTables.length} tables: comparing their contents`);
  const [s, d] = await Promise.all([sourceSums(overlap), checksumTables(r.dst, overlap)]);
  const different = compareTables(new Map(s.map((x) => [tableKey(x), x])), d.sums, d.failed).filter((e) => !e.match);
  if (different.length > 0)
    throw new MigrationError(
      "database",
      `refusing to migrate: the target ${r.dst.display} already holds different data in ${different.length} of the source's tables; nothing was done. Use an empty target database, or drop these tables there first.`,
      different.map((e) => ({ item: `${e.schema}.${e.table}`, message: e.problem ?? "differs" })),
    );
  if (overlap.length < srcTables.length)
    throw new MigrationError(
      "database",
      `refusing to migrate: the target ${r.dst.display} holds some of the source's tables (equal) but not others; a restore would conflict. Nothing was done. Drop the partial copy or use an empty database.`,
      srcTables.filter((t) => !dstKeys.has(tableKey(t))).map((t) => ({ item: tableKey(t), message: "missing in the target while other tables are present" })),
    );
  r.log("every source table is already in the target with equal contents: the restore will be skipped");
  return { src: s, dst: d };
}

interface Outcome {
  server: ServerInfo;
  tables: TableInfo[];
  sourceSums: TableSum[];
  sourceSequences: DumpMarker["sequences"];
  target: ChecksumRun;
  dump: { reused: boolean; ms: number; skipped: boolean };
  restore: { skipped: boolean; reason: string; ms: number };
  /** From the end of the restore to the last target fingerprint. */
  verifyTailMs: number;
}

/** Dump (or reuse the dump), restore, and fingerprint the target as each table arrives. */
async function transfer(r: Run, t: Tools, snapshot: SourceSnapshot | undefined, marker: DumpMarker | undefined): Promise<Outcome> {
  let dumpMs = 0;
  const reused = marker !== undefined;
  if (!marker) {
    if (!snapshot) throw new Error("no snapshot to dump");
    await r.work.clearDump();
    marker = await dumpAndFingerprint(snapshot, { pgDump: t.pgDump, pgDumpVersion: t.versions.pg_dump, conn: withSession(r.src, { appName: `${r.prefix}-dump` }), dumpDir: r.work.dumpDir, jobs: r.jobs, signal: r.signal, log: r.log });
    dumpMs = marker.dumpMs;
    await r.work.writeMarker(marker);
  } else r.log(`reusing the completed dump from ${marker.completedAt} in ${r.work.dumpDir}`);
  await snapshot?.close();
  const byOid = new Map(marker.tables.map((x) => [x.oid, x]));
  const verifier = new TargetVerifier(withSession(r.dst, { appName: `${r.prefix}-verify` }), r.jobs, r.signal);
  const tRestore = Date.now();
  try {
    await restoreDump({
      pgRestore: t.pgRestore,
      dumpDir: r.work.dumpDir,
      target: withSession(r.dst, { appName: `${r.prefix}-restore` }),
      jobs: r.jobs,
      work: r.work,
      signal: r.signal,
      log: r.log,
      onTableRestored: (oid) => {
        const table = byOid.get(oid);
        if (table) verifier.add(table);
      },
    });
  } catch (e) {
    verifier.kill();
    throw e;
  }
  const restoreMs = Date.now() - tRestore;
  for (const x of marker.tables) verifier.add(x);
  const tTail = Date.now();
  const target = await verifier.finish();
  return {
    server: marker.server,
    tables: marker.tables,
    sourceSums: marker.sums,
    sourceSequences: marker.sequences,
    target,
    dump: { reused, ms: dumpMs, skipped: false },
    restore: { skipped: false, reason: "restored", ms: restoreMs },
    verifyTailMs: Date.now() - tTail,
  };
}

function manifestOf(r: Run, t: Tools, o: Outcome, extra: { startedAt: string; t0: number; targetServer: ServerInfo; targetSequences: DumpMarker["sequences"]; dumpBytes: number; kept: boolean; extraTargetTables: string[] }): DatabaseManifest {
  const tables: TableEntry[] = compareTables(new Map(o.sourceSums.map((x) => [tableKey(x), x])), o.target.sums, o.target.failed);
  const sequences: SequenceEntry[] = compareSequences(o.sourceSequences, extra.targetSequences);
  const problems = databaseProblems(tables, sequences);
  return {
    kind: "database",
    formatVersion: 2,
    startedAt: extra.startedAt,
    finishedAt: new Date().toISOString(),
    source: { url: r.src.display, serverVersion: o.server.version, databaseBytes: o.server.databaseBytes },
    target: { url: r.dst.display, serverVersion: extra.targetServer.version },
    tools: t.versions,
    dump: { dir: r.work.dumpDir, format: "directory", jobs: r.jobs, reused: o.dump.reused, bytes: extra.dumpBytes, kept: extra.kept },
    restore: { skipped: o.restore.skipped, reason: o.restore.reason, jobs: r.jobs },
    timings: { dumpMs: o.dump.ms, restoreMs: o.restore.ms, verifyMs: o.verifyTailMs, targetChecksumMs: o.target.ms, totalMs: Date.now() - extra.t0 },
    checksumMethod: CHECKSUM_METHOD,
    tables,
    sequences,
    extraTargetTables: extra.extraTargetTables,
    totals: { tables: tables.length, rows: tables.reduce((n, x) => n + x.sourceRows, 0), sequences: sequences.length, mismatches: problems.length },
    ok: problems.length === 0,
  };
}

interface Prepared {
  r: Run;
  t: Tools;
  srcServer: ServerInfo;
  dstServer: ServerInfo;
  marker: DumpMarker | undefined;
}

/** Tools, both servers' versions, what an earlier run left (its sessions, an unfinished restore), the dump to reuse. */
async function prepare(opts: MigrateDatabaseOptions, base: { src: PgConnection; dst: PgConnection }, prefix: string, work: WorkDir, signal: AbortSignal): Promise<Prepared> {
  const log = opts.log ?? (() => {});
  const inspectConns = { src: withSession(base.src, { appName: `${prefix}-inspect` }), dst: withSession(base.dst, { appName: `${prefix}-inspect` }), prefix };
  const [t, srcServer, dstServer, marker] = await Promise.all([tools(), serverInfo(inspectConns.src), serverInfo(inspectConns.dst), work.readMarker(base.src.display, CHECKSUM_METHOD)]);
  // Stop what an earlier run left before this one opens its sessions (they share the name prefix).
  const left = await stopAll(inspectConns);
  if (left > 0) log(`stopped ${left} session(s) an earlier, interrupted run had left on the servers`);
  const src = withSession(base.src, { appName: `${prefix}-inspect`, settings: sessionSettings(srcServer.versionNum) });
  const dst = withSession(base.dst, { appName: `${prefix}-inspect`, settings: sessionSettings(dstServer.versionNum) });
  await rollBack(work, dst, () => stopSessions(dst, prefix), log);
  return { r: { opts, log, src, dst, prefix, work, signal, jobs: Math.max(1, Math.floor(opts.jobs ?? 2)) }, t, srcServer, dstServer, marker };
}

/** Refuse, skip (the target already holds it all), or dump and restore. The snapshot session lives only in here. */
async function migrateOrSkip(p: Prepared): Promise<Outcome> {
  const { r, t, marker } = p;
  r.log(`source ${r.src.display} (read-only), target ${r.dst.display}`);
  const [snapshot, dstTables] = await Promise.all([marker ? undefined : SourceSnapshot.open(withSession(r.src, { appName: `${r.prefix}-snapshot` }), r.signal), listTables(r.dst)]);
  try {
    const srcTables = marker?.tables ?? snapshot?.tables ?? [];
    const known = (ts: TableInfo[]) => (marker ? Promise.resolve(marker.sums.filter((s) => ts.some((x) => tableKey(x) === tableKey(s)))) : (snapshot as SourceSnapshot).fingerprint(ts));
    const there = await inspect(r, srcTables, dstTables, known);
    if (!there) return await transfer(r, t, snapshot, marker);
    await snapshot?.close();
    return {
      server: marker?.server ?? snapshot?.server ?? p.srcServer,
      tables: srcTables,
      sourceSums: there.src,
      sourceSequences: marker?.sequences ?? snapshot?.sequences ?? (await listSequences(r.src)),
      target: there.dst,
      dump: { reused: false, ms: 0, skipped: true },
      restore: { skipped: true, reason: "target already held every source table with equal contents (an earlier run completed the restore)", ms: 0 },
      verifyTailMs: 0,
    };
  } catch (e) {
    snapshot?.kill();
    throw e;
  }
}

/** Compare, clean the work folder as the outcome allows, write the manifest; throw when verification failed. */
async function record(p: Prepared, o: Outcome, manifestPath: string, started: { at: string; t0: number }): Promise<DatabaseManifest> {
  const { r } = p;
  const [dstAfter, targetSequences, dumpBytes] = await Promise.all([listTables(r.dst), listSequences(r.dst), dirBytes(r.work.dumpDir)]);
  const srcKeys = new Set(o.tables.map(tableKey));
  const draft = manifestOf(r, p.t, o, { startedAt: started.at, t0: started.t0, targetServer: p.dstServer, targetSequences, dumpBytes, kept: false, extraTargetTables: dstAfter.map(tableKey).filter((k) => !srcKeys.has(k)) });
  const kept = await r.work.finish({ verified: draft.ok, keepDump: r.opts.keepDump ?? false });
  const manifest: DatabaseManifest = { ...draft, dump: { ...draft.dump, kept } };
  await writeJsonAtomic(manifestPath, manifest);
  r.log(`manifest written to ${manifestPath}`);
  if (!manifest.ok)
    throw new MigrationError("database", `verification failed: ${manifest.totals.mismatches} difference(s) between ${r.src.display} and ${r.dst.display}`, databaseProblems(manifest.tables, manifest.sequences), manifestPath);
  r.log(`verified ${manifest.totals.tables} tables, ${manifest.totals.rows} rows, ${manifest.totals.sequences} sequences: all equal`);
  return manifest;
}

/** After a failure or an interruption: stop every session of the run on both servers and undo a partial restore. */
async function abandon(r: Run | undefined, e: unknown): Promise<void> {
  if (!r || e instanceof MigrationError) return; // a refusal or a verification failure changed nothing to undo
  await stopAll(r).catch(() => 0);
  await rollBack(r.work, r.dst, () => Promise.resolve(), r.log).catch((err: unknown) => r.log(err instanceof Error ? err.message : String(err)));
}

/**
 * Migrate one PostgreSQL database to another and verify it.
 *
 * Resumable: a completed dump in a work folder the user named is reused (with
 * the fingerprints taken in its snapshot); an unfinished restore is undone
 * (restore.ts) before the next one; a target that already holds the
 * source's data, verified equal, is not restored again. Refuses, having done
 * nothing, when the target already holds different data in any of the
 * source's tables.
 */
export async function migrateDatabase(opts: MigrateDatabaseOptions): Promise<DatabaseManifest> {
  const started = { at: new Date().toISOString(), t0: Date.now() };
  const base = { src: pgConnection(opts.from, "source"), dst: pgConnection(opts.to, "target") };
  const prefix = `freehold-${migrationKey(base.src, base.dst)}`;
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  if (opts.signal?.aborted) ac.abort();
  const work = await openWorkDir({ ...(opts.workDir ? { workDir: opts.workDir } : {}), key: prefix.slice("freehold-".length) });
  const manifestPath = path.resolve(opts.manifestPath ?? (opts.workDir ? path.join(work.dir, "database-manifest.json") : "database-manifest.json"));
  let p: Prepared | undefined;
  try {
    p = await prepare(opts, base, prefix, work, ac.signal);
    return await record(p, await migrateOrSkip(p), manifestPath, started);
  } catch (e) {
    ac.abort();
    await abandon(p?.r, e);
    await work.finish({ verified: false, keepDump: opts.keepDump ?? false }).catch(() => false);
    if (opts.signal?.aborted) throw new MigrationInterrupted("interrupted: every tool and query this run started was stopped on both servers, and the target is as it was");
    throw e;
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Verify that the target holds exactly the source's user tables (row counts and
 * content checksums) and sequence values, both read now. Throws MigrationError
 * naming every mismatching table and sequence. Writes nothing anywhere.
 */
export async function verifyDatabase(opts: { from: string; to: string; log?: (line: string) => void }): Promise<{
  tables: TableEntry[];
  sequences: SequenceEntry[];
  extraTargetTables: string[];
  ms: number;
}> {
  const started = Date.now();
  const src = pgConnection(opts.from, "source");
  const dst = pgConnection(opts.to, "target");
  opts.log?.(`verifying ${dst.display} against ${src.display}`);
  const [srcTables, dstTables, sSeq, dSeq] = await Promise.all([listTables(src), listTables(dst), listSequences(src), listSequences(dst)]);
  const present = new Set(dstTables.map(tableKey));
  // The target runs the source's SQL: a renamed or dropped column makes it fail, and that is reported.
  const [s, d] = await Promise.all([checksumTables(src, srcTables), checksumTables(dst, srcTables.filter((x) => present.has(tableKey(x))))]);
  if (s.failed.size > 0) {
    const [k, why] = [...s.failed.entries()][0] ?? ["?", "?"];
    throw new MigrationToolError(`could not checksum the source (${src.display})`, "psql", null, { side: "source", output: `${k}: ${why}` });
  }
  const srcKeys = new Set(srcTables.map(tableKey));
  const v = { tables: compareTables(s.sums, d.sums, d.failed), sequences: compareSequences(sSeq, dSeq), extraTargetTables: dstTables.map(tableKey).filter((k) => !srcKeys.has(k)), ms: Date.now() - started };
  const problems = databaseProblems(v.tables, v.sequences);
  if (problems.length > 0) throw new MigrationError("database", `verification failed: ${problems.length} difference(s) between source and target`, problems);
  return v;
}
