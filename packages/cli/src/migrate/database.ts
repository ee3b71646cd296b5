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
  recordChecksum,
  type ServerInfo,
  STABLE_SESSION_SQL,
  serverInfo,
  sessionSettings,
  type TableSum,
  tableKey,
  withSession,
} from "./pg";
import { pgTool, toolVersion } from "./proc";
import { restoreDump, rollBack } from "./restore";
import { checksumTables, PsqlSession, stopSessions } from "./session";
import { tableChecksumSql } from "./fingerprint";
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

/**
 * Fingerprint tables on the target as they become ready, with up to
 * `workers` sessions. `add` may be called with the same table twice.
 */
class TargetVerifier {
  readonly run: ChecksumRun = { sums: new Map(), failed: new Map(), ms: 0 };
  private readonly queue: TableInfo[] = [];
  private readonly seen = new Set<string>();
  private readonly sessions: PsqlSession[] = [];
  private readonly idle: PsqlSession[] = [];
  private active: Promise<void>[] = [];
  private error: unknown;
  private readonly started = Date.now();

  constructor(
    private readonly conn: PgConnection,
    private readonly workers: number,
    private readonly signal: AbortSignal,
  ) {}

  add(t: TableInfo): void {
    if (this.seen.has(tableKey(t))) return;
    this.seen.add(tableKey(t));
    this.queue.push(t);
    while (this.queue.length > 0 && this.sessions.length - this.idle.length < this.workers) {
      let session = this.idle.pop();
      const fresh = !session;
      if (!session) {
        session = new PsqlSession(this.conn, this.signal);
        this.sessions.push(session);
      }
      this.active.push(this.drain(session, fresh));
    }
  }

  private async drain(session: PsqlSession, fresh: boolean): Promise<void> {
    try {
      if (fresh) await session.must(STABLE_SESSION_SQL, "prepare a session");
      for (let t = this.queue.shift(); t; t = this.queue.shift()) {
        const r = await session.query(tableChecksumSql(t));
        recordChecksum(this.run, t, r.lines, r.errors);
      }
    } catch (e) {
      this.error ??= e;
    } finally {
      this.idle.push(session);
    }
  }

  /** Wait for every table added so far; then close the sessions. */
  async finish(): Promise<ChecksumRun> {
    while (this.active.length > 0) {
      const batch = this.active;
      this.active = [];
      await Promise.all(batch);
    }
    await Promise.all(this.sessions.map((s) => s.close()));
    if (this.error) throw this.error;
    this.run.ms = Date.now() - this.started;
    return this.run;
  }

  kill(): void {
    for (const s of this.sessions) s.kill();
  }
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
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const startedAt = new Date().toISOString();
  const baseSrc = pgConnection(opts.from, "source");
  const baseDst = pgConnection(opts.to, "target");
  const prefix = `freehold-${migrationKey(baseSrc, baseDst)}`;
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  if (opts.signal?.aborted) ac.abort();
  const work = await openWorkDir({ ...(opts.workDir ? { workDir: opts.workDir } : {}), key: prefix.slice("freehold-".length) });
  const manifestPath = path.resolve(opts.manifestPath ?? (opts.workDir ? path.join(work.dir, "database-manifest.json") : "database-manifest.json"));
  let verified = false;
  let snapshot: SourceSnapshot | undefined;
  let r: Run | undefined;
  try {
    const inspectConns = { src: withSession(baseSrc, { appName: `${prefix}-inspect` }), dst: withSession(baseDst, { appName: `${prefix}-inspect` }), prefix };
    const [t, srcServer, dstServer, marker] = await Promise.all([tools(), serverInfo(inspectConns.src), serverInfo(inspectConns.dst), work.readMarker(baseSrc.display, CHECKSUM_METHOD)]);
    // Stop what an earlier run left before this one opens its sessions (they share the name prefix).
    const left = await stopAll(inspectConns);
    if (left > 0) log(`stopped ${left} session(s) an earlier, interrupted run had left on the servers`);
    const src = withSession(baseSrc, { appName: `${prefix}-inspect`, settings: sessionSettings(srcServer.versionNum) });
    const dst = withSession(baseDst, { appName: `${prefix}-inspect`, settings: sessionSettings(dstServer.versionNum) });
    r = { opts, log, src, dst, prefix, work, signal: ac.signal, jobs: Math.max(1, Math.floor(opts.jobs ?? 2)) };
    const run = r;
    await rollBack(work, dst, () => stopSessions(dst, prefix), log);

    log(`source ${src.display} (read-only), target ${dst.display}`);
    const [snap, dstTables] = await Promise.all([marker ? undefined : SourceSnapshot.open(withSession(src, { appName: `${prefix}-snapshot` }), ac.signal), listTables(dst)]);
    snapshot = snap;
    const srcTables = marker?.tables ?? snapshot?.tables ?? [];
    const known = marker ? (ts: TableInfo[]) => Promise.resolve(marker.sums.filter((s) => ts.some((x) => tableKey(x) === tableKey(s)))) : (ts: TableInfo[]) => (snapshot as SourceSnapshot).fingerprint(ts);
    const there = await inspect(run, srcTables, dstTables, known);

    let o: Outcome;
    if (there) {
      await snapshot?.close();
      o = {
        server: marker?.server ?? snapshot?.server ?? srcServer,
        tables: srcTables,
        sourceSums: there.src,
        sourceSequences: marker?.sequences ?? snapshot?.sequences ?? (await listSequences(src)),
        target: there.dst,
        dump: { reused: false, ms: 0, skipped: true },
        restore: { skipped: true, reason: "target already held every source table with equal contents (an earlier run completed the restore)", ms: 0 },
        verifyTailMs: 0,
      };
    } else o = await transfer(run, t, snapshot, marker);

    const dstAfter = await listTables(dst);
    const srcKeys = new Set(o.tables.map(tableKey));
    const dumpBytes = await dirBytes(work.dumpDir);
    const targetSequences = await listSequences(dst);
    const draft = manifestOf(run, t, o, { startedAt, t0, targetServer: dstServer, targetSequences, dumpBytes, kept: false, extraTargetTables: dstAfter.map(tableKey).filter((k) => !srcKeys.has(k)) });
    verified = draft.ok;
    const kept = await work.finish({ verified, keepDump: opts.keepDump ?? false });
    const manifest: DatabaseManifest = { ...draft, dump: { ...draft.dump, kept } };
    await writeJsonAtomic(manifestPath, manifest);
    log(`manifest written to ${manifestPath}`);
    if (!manifest.ok)
      throw new MigrationError("database", `verification failed: ${manifest.totals.mismatches} difference(s) between ${src.display} and ${dst.display}`, databaseProblems(manifest.tables, manifest.sequences), manifestPath);
    log(`verified ${manifest.totals.tables} tables, ${manifest.totals.rows} rows, ${manifest.totals.sequences} sequences: all equal`);
    return manifest;
  } catch (e) {
    ac.abort();
    snapshot?.kill();
    const interrupted = opts.signal?.aborted === true;
    if (r && !(e instanceof MigrationError)) {
      const run = r;
      await stopAll(run).catch(() => 0);
      await rollBack(work, run.dst, () => Promise.resolve(), log).catch((err: unknown) => log(err instanceof Error ? err.message : String(err)));
    }
    await work.finish({ verified: false, keepDump: opts.keepDump ?? false }).catch(() => false);
    if (interrupted) throw new MigrationInterrupted("interrupted: every tool and query this run started was stopped on both servers, and the target is as it was");
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
