/**
 * `migrateDatabase`: PostgreSQL to PostgreSQL with pg_dump (directory format)
 * and pg_restore (one transaction), then verification by per-table row counts
 * and content checksums computed by the same SQL on both servers.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { MigrationError } from "./errors";
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
  checksumTables,
  listSequences,
  listTables,
  type PgConnection,
  pgConnection,
  serverVersion,
  type TableInfo,
  tableKey,
} from "./pg";
import { pgTool, runOk, toolVersion } from "./proc";

export interface MigrateDatabaseOptions {
  /** Source URL, e.g. postgresql://user:pw@host:5432/db. Opened read-only. */
  from: string;
  /** Target URL. The database must exist; the source's tables must not (or must already hold the same data). */
  to: string;
  /** Where the dump and its completion marker live; reused by a second run. */
  workDir: string;
  /** Where to write the manifest (default `<workDir>/database-manifest.json`). */
  manifestPath?: string;
  /** pg_dump parallel jobs (default 2). */
  jobs?: number;
  log?: (line: string) => void;
  /** Abort kills the running tool; a later run resumes. */
  signal?: AbortSignal;
}

export const CHECKSUM_METHOD =
  "per table: count(*) and md5(count || ':' || sum(hi64(md5(row))) || ':' || sum(lo64(md5(row)))) where md5(row) = md5(convert_to(ROW(cols)::text, 'UTF8')) " +
  "under DateStyle=ISO, TimeZone=UTC, IntervalStyle=postgres, bytea_output=hex, extra_float_digits=3; " +
  "float4/float8 columns hashed by float4send/float8send, money as numeric; same SQL text on both sides";

interface DumpMarker {
  source: string;
  sourceServerVersion: string;
  pgDump: string;
  tables: number;
  completedAt: string;
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? await dirBytes(p) : (await stat(p)).size;
  }
  return total;
}

interface VerifyResult {
  tables: TableEntry[];
  sequences: SequenceEntry[];
  extraTargetTables: string[];
  ms: number;
}

async function verifyPair(src: PgConnection, dst: PgConnection, sourceTables?: TableInfo[]): Promise<VerifyResult> {
  const started = Date.now();
  const srcTables = sourceTables ?? (await listTables(src));
  const [dstTables, sSeq, dSeq] = await Promise.all([listTables(dst), listSequences(src), listSequences(dst)]);
  const present = new Set(dstTables.map(tableKey));
  // The target runs the source's SQL: a renamed or dropped column makes it fail, and that is reported.
  const [s, d] = await Promise.all([
    checksumTables(src, srcTables),
    checksumTables(
      dst,
      srcTables.filter((t) => present.has(tableKey(t))),
    ),
  ]);
  if (s.failed.size > 0) {
    const [k, why] = [...s.failed.entries()][0] ?? ["?", "?"];
    throw new MigrationError("database", `could not checksum the source (${src.display})`, [{ item: k, message: why }]);
  }
  const srcKeys = new Set(srcTables.map(tableKey));
  return {
    tables: compareTables(s.sums, d.sums, d.failed),
    sequences: compareSequences(sSeq, dSeq),
    extraTargetTables: dstTables.map(tableKey).filter((k) => !srcKeys.has(k)),
    ms: Date.now() - started,
  };
}

/**
 * Verify that the target holds exactly the source's user tables (row counts and
 * content checksums) and sequence values. Throws MigrationError naming every
 * mismatching table and sequence. Writes nothing anywhere.
 */
export async function verifyDatabase(opts: { from: string; to: string; log?: (line: string) => void }): Promise<{
  tables: TableEntry[];
  sequences: SequenceEntry[];
  extraTargetTables: string[];
  ms: number;
}> {
  const src = pgConnection(opts.from, "source");
  const dst = pgConnection(opts.to, "target");
  opts.log?.(`verifying ${dst.display} against ${src.display}`);
  const v = await verifyPair(src, dst);
  const problems = databaseProblems(v.tables, v.sequences);
  if (problems.length > 0)
    throw new MigrationError("database", `verification failed: ${problems.length} difference(s) between source and target`, problems);
  return v;
}

/**
 * Migrate one PostgreSQL database to another and verify it.
 *
 * Resumable: the dump is kept in `<workDir>/dump` with a completion marker and
 * reused; the restore is one transaction (an interrupted restore leaves
 * nothing), and a target that already holds the source's data verified equal
 * is not restored again. Refuses, having done nothing, when the target already
 * holds different data in any of the source's tables.
 */
export async function migrateDatabase(opts: MigrateDatabaseOptions): Promise<DatabaseManifest> {
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const startedAt = new Date().toISOString();
  const pgDump = pgTool("pg_dump");
  const pgRestore = pgTool("pg_restore");
  const psqlBin = pgTool("psql");
  const workDir = path.resolve(opts.workDir);
  const manifestPath = path.resolve(opts.manifestPath ?? path.join(workDir, "database-manifest.json"));
  const dumpDir = path.join(workDir, "dump");
  const markerPath = path.join(workDir, "dump.complete.json");
  const jobs = Math.max(1, Math.floor(opts.jobs ?? 2));
  const src = pgConnection(opts.from, "source");
  const dst = pgConnection(opts.to, "target");
  await mkdir(workDir, { recursive: true, mode: 0o700 });

  const [vDump, vRestore, vPsql] = await Promise.all([toolVersion(pgDump), toolVersion(pgRestore), toolVersion(psqlBin)]);

  // 1. Inspect both sides before touching anything.
  const tInspect = Date.now();
  log(`inspecting source ${src.display} (read-only) and target ${dst.display}`);
  const [srcVersion, dstVersion, srcTables, dstTables] = await Promise.all([
    serverVersion(src),
    serverVersion(dst),
    listTables(src),
    listTables(dst),
  ]);
  const dstKeys = new Set(dstTables.map(tableKey));
  const overlap = srcTables.filter((t) => dstKeys.has(tableKey(t)));
  let alreadyThere = false;
  if (overlap.length > 0) {
    log(`target already has ${overlap.length} of the source's ${srcTables.length} tables: comparing their contents`);
    const [s, d] = await Promise.all([checksumTables(src, overlap), checksumTables(dst, overlap)]);
    const cmp = compareTables(s.sums, d.sums, d.failed);
    const different = cmp.filter((e) => !e.match);
    if (different.length > 0) {
      throw new MigrationError(
        "database",
        `refusing to migrate: the target ${dst.display} already holds different data in ${different.length} of the source's tables; nothing was done. Use an empty target database, or drop these tables there first.`,
        different.map((e) => ({ item: `${e.schema}.${e.table}`, message: e.problem ?? "differs" })),
      );
    }
    if (overlap.length < srcTables.length) {
      const missing = srcTables.filter((t) => !dstKeys.has(tableKey(t)));
      throw new MigrationError(
        "database",
        `refusing to migrate: the target ${dst.display} holds some of the source's tables (equal) but not others; a restore would conflict. Nothing was done. Drop the partial copy or use an empty database.`,
        missing.map((t) => ({ item: tableKey(t), message: "missing in the target while other tables are present" })),
      );
    }
    alreadyThere = true;
    log("every source table is already in the target with equal contents: the restore will be skipped");
  }
  const inspectMs = Date.now() - tInspect;

  // 2. Dump (reused when a completed dump of this source exists).
  const tDump = Date.now();
  let reused = false;
  if (existsSync(markerPath) && existsSync(dumpDir)) {
    try {
      const marker = JSON.parse(await readFile(markerPath, "utf8")) as DumpMarker;
      if (marker.source === src.display) {
        reused = true;
        log(`reusing the completed dump from ${marker.completedAt} in ${dumpDir}`);
      } else {
        log(`the dump in ${dumpDir} is of another source (${marker.source}); dumping again`);
      }
    } catch {
      log("the dump marker is unreadable; dumping again");
    }
  }
  if (!reused && !alreadyThere) {
    await rm(markerPath, { force: true });
    await rm(dumpDir, { recursive: true, force: true });
    log(`pg_dump -Fd -j ${jobs} ${src.display} -> ${dumpDir}`);
    await runOk(
      pgDump,
      ["--format=directory", `--jobs=${jobs}`, "--no-owner", "--no-privileges", "--no-subscriptions", "--file", dumpDir, "--dbname", src.conninfo],
      { env: src.env, secrets: src.secrets, ...(opts.signal ? { signal: opts.signal } : {}) },
    );
    const marker: DumpMarker = {
      source: src.display,
      sourceServerVersion: srcVersion,
      pgDump: vDump,
      tables: srcTables.length,
      completedAt: new Date().toISOString(),
    };
    await writeJsonAtomic(markerPath, marker);
  }
  const dumpMs = Date.now() - tDump;
  const dumpBytes = existsSync(dumpDir) ? await dirBytes(dumpDir) : 0;

  // 3. Restore in one transaction.
  const tRestore = Date.now();
  let restoreReason: string;
  if (alreadyThere) {
    restoreReason = "target already held every source table with equal contents (an earlier run completed the restore)";
  } else {
    log(`pg_restore --single-transaction --exit-on-error ${dumpDir} -> ${dst.display}`);
    await runOk(
      pgRestore,
      ["--no-owner", "--no-privileges", "--no-tablespaces", "--single-transaction", "--exit-on-error", "--dbname", dst.conninfo, dumpDir],
      { env: dst.env, secrets: dst.secrets, ...(opts.signal ? { signal: opts.signal } : {}) },
    );
    restoreReason = "restored";
  }
  const restoreMs = Date.now() - tRestore;

  // 4. Verify: same SQL on both sides.
  log("verifying: row counts, content checksums and sequence values on both sides");
  const v = await verifyPair(src, dst);
  const problems = databaseProblems(v.tables, v.sequences);
  const manifest: DatabaseManifest = {
    kind: "database",
    formatVersion: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    source: { url: src.display, serverVersion: srcVersion },
    target: { url: dst.display, serverVersion: dstVersion },
    tools: { pg_dump: vDump, pg_restore: vRestore, psql: vPsql },
    dump: { dir: dumpDir, format: "directory", jobs, reused, bytes: dumpBytes },
    restore: { skipped: alreadyThere, reason: restoreReason },
    timings: { inspectMs, dumpMs, restoreMs, verifyMs: v.ms, totalMs: Date.now() - t0 },
    checksumMethod: CHECKSUM_METHOD,
    tables: v.tables,
    sequences: v.sequences,
    extraTargetTables: v.extraTargetTables,
    totals: {
      tables: v.tables.length,
      rows: v.tables.reduce((n, t) => n + t.sourceRows, 0),
      sequences: v.sequences.length,
      mismatches: problems.length,
    },
    ok: problems.length === 0,
  };
  await writeJsonAtomic(manifestPath, manifest);
  log(`manifest written to ${manifestPath}`);
  if (problems.length > 0)
    throw new MigrationError(
      "database",
      `verification failed: ${problems.length} difference(s) between ${src.display} and ${dst.display}`,
      problems,
      manifestPath,
    );
  log(`verified ${manifest.totals.tables} tables, ${manifest.totals.rows} rows, ${manifest.totals.sequences} sequences: all equal`);
  return manifest;
}
