/**
 * The streaming copy: every table's rows go from the source server to the
 * target server as `COPY … TO STDOUT` piped into `COPY … FROM STDIN`, with no
 * dump of the data on this host, in the snapshot the source is fingerprinted
 * in.
 *
 * 1. `pg_dump -Fd` of the snapshot **without the streamed tables' data**: the
 *    schema (pre-data, post-data) and what only pg_dump carries: sequence
 *    values, large objects, the rows of extension configuration tables. It
 *    holds no table's rows, so it is small and quick.
 * 2. Its pre-data restored in one transaction, journaled (restore.ts: a
 *    failure from here on is undone, the target left as it was).
 * 3. `jobs` workers copy the tables, largest first. Each table: a source psql
 *    in a transaction that imports the snapshot (`SET TRANSACTION SNAPSHOT`)
 *    runs `COPY … TO STDOUT` (that table's rows only, never its children's);
 *    its standard output is the standard input of a target psql running, in
 *    one transaction, `TRUNCATE ONLY` (the table is the one step 2 created,
 *    still empty) and `COPY … FROM STDIN (FREEZE)`, then `COMMIT`. The rows
 *    go from one psql to the other through a kernel pipe, never through this
 *    process (piping them through it cost about 2 s of CPU more per GiB,
 *    measured). A side that fails stops the other; a source that fails part-way
 *    may still let the target commit the rows it received, so a table counts
 *    as copied only when both psqls exited 0, and any failure fails the run,
 *    whose undo (step 2's journal) drops every table the run created. FREEZE
 *    writes the rows frozen, so neither the verification's read nor a later
 *    VACUUM rewrites every page to set hint bits. The caller is told as each
 *    table is copied, and fingerprints it while the other tables still copy.
 *    The rest of the dump's data (sequences, large objects) is restored beside
 *    the copies.
 * 4. Post-data (indexes, constraints, triggers, policies) with
 *    `pg_restore -j jobs`, with more `maintenance_work_mem` for the index builds.
 *
 * The text format is used, under the same session settings on both sides
 * (UTF-8, ISO dates, full float precision): the binary format carries the
 * OIDs of a composite's or an array's element types, which differ between
 * two servers for user-defined types, and is not promised across major
 * versions; on the measured database the two were as fast (docs/migration.md,
 * "Speed"). Passwords reach each psql in its environment (PgConnection),
 * never on its command line; table names and the snapshot's id are not
 * secret.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { pgFailure } from "./diagnose";
import { MigrationInterrupted } from "./errors";
import type { TableInfo } from "./fingerprint";
import { type PgConnection, quoteIdent, quoteLiteral, STABLE_SESSION_SQL, tableName, withSession } from "./pg";
import { pgTool, redact, type RunResult, run } from "./proc";
import { restoreSchema, restoreSections } from "./restore";
import type { WorkDir } from "./workdir";

export interface StreamCopyOptions {
  pgDump: string;
  pgRestore: string;
  /** The exported snapshot every source session reads in (pg_export_snapshot; its session stays open throughout). */
  snapshotId: string;
  /** Source sessions (read-only), named so that an interrupted run's can be stopped. */
  source: PgConnection;
  /** Target sessions, likewise. */
  target: PgConnection;
  targetIdentity: string;
  /** The source's tables: each is created by the schema restore and streamed. */
  tables: TableInfo[];
  jobs: number;
  work: WorkDir;
  /** Create and fill everything as this role of the target (SET ROLE), as pg_restore --role does. */
  role?: string;
  /** maintenance_work_mem for the index builds (default 256MB). */
  maintenanceWorkMem?: string;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Called as each table's rows are committed in the target. */
  onTableCopied: (t: TableInfo) => void;
}

export interface StreamCopyTimings {
  /** pg_dump of the schema, sequences and large objects. */
  schemaDumpMs: number;
  /** From the schema restore to the end of post-data. */
  copyMs: number;
}

/**
 * A pg_dump pattern that matches exactly this table: both names in double
 * quotes (inside them `*`, `?` and `.` are literal), a quote doubled.
 */
export function exactTablePattern(t: { schema: string; table: string }): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return `${q(t.schema)}.${q(t.table)}`;
}

/** The source psql's commands for one table: the snapshot imported, the rows of that table alone (not its children). */
export function sourceCopyCommands(t: { schema: string; table: string }, snapshotId: string): string[] {
  if (!/^[0-9A-F-]+$/i.test(snapshotId)) throw new Error(`not a snapshot id: ${snapshotId}`);
  return [STABLE_SESSION_SQL, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;", `SET TRANSACTION SNAPSHOT ${quoteLiteral(snapshotId)};`, `COPY ${quoteIdent(t.schema)}.${quoteIdent(t.table)} TO STDOUT;`, "COMMIT;"];
}

/** The target psql's commands for one table: in one transaction, emptied (it is the one the schema restore made), filled frozen, committed. */
export function targetCopyCommands(t: { schema: string; table: string }, role?: string): string[] {
  const fq = `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`;
  return [
    STABLE_SESSION_SQL,
    // Each table is verified after the run; a crash of the target fails the run. The post-data's commits flush the WAL before the end.
    "SET synchronous_commit = off;",
    ...(role ? [`SET ROLE ${quoteIdent(role)};`] : []),
    "BEGIN;",
    `TRUNCATE ONLY ${fq};`,
    `COPY ${fq} FROM STDIN (FREEZE);`,
    "COMMIT;",
  ];
}

const psqlArgs = (conn: PgConnection, commands: string[]) => ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conn.conninfo, ...commands.flatMap((c) => ["-c", c])];

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function started(command: string, args: string[], env: NodeJS.ProcessEnv, stdin: "ignore" | NodeJS.ReadableStream): { child: ChildProcess; ended: Promise<Ended> } {
  // Its own session (detached), as every tool: see proc.ts.
  const child = spawn(command, args, { env, stdio: [stdin as "pipe", "pipe", "pipe"], detached: true });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (c: string) => {
    if (stderr.length < 64 * 1024) stderr += c;
  });
  const ended = new Promise<Ended>((resolve) => {
    child.on("error", (e) => resolve({ code: null, signal: null, stderr: `${stderr}\n${e.message}` }));
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
  });
  return { child, ended };
}

const asResult = (command: string, e: Ended, aborted: boolean, secrets: readonly string[]): RunResult => ({
  command,
  args: [],
  code: e.code,
  signal: e.signal,
  stdout: "",
  stderr: redact(e.stderr, secrets),
  ms: 0,
  aborted,
});

/**
 * Stream one table from the source into the target (step 3 above). Resolves
 * when the target committed it; rejects, having committed nothing, when
 * either side fails or the run is aborted.
 */
export async function copyTable(psqlBin: string, o: Pick<StreamCopyOptions, "source" | "target" | "snapshotId" | "role" | "signal">, t: { schema: string; table: string }): Promise<void> {
  if (o.signal.aborted) throw new MigrationInterrupted("interrupted");
  const src = started(psqlBin, psqlArgs(o.source, sourceCopyCommands(t, o.snapshotId)), o.source.env, "ignore");
  const out = src.child.stdout as NodeJS.ReadableStream & { destroy(): void };
  // The source's stdout is the target's stdin: the rows go from one psql to the other through a kernel pipe, never through this process.
  const dst = started(psqlBin, psqlArgs(o.target, targetCopyCommands(t, o.role)), o.target.env, out);
  out.destroy();
  const killBoth = () => {
    src.child.kill("SIGTERM");
    dst.child.kill("SIGTERM");
  };
  o.signal.addEventListener("abort", killBoth, { once: true });
  // Either side failing stops the other: a target that stops reading would leave the source blocked, a source that
  // fails part-way must not let the target run on to its COMMIT.
  void src.ended.then((e) => (e.code !== 0 ? dst.child.kill("SIGTERM") : undefined));
  void dst.ended.then((e) => (e.code !== 0 ? src.child.kill("SIGTERM") : undefined));
  try {
    const [s, d] = await Promise.all([src.ended, dst.ended]);
    if (o.signal.aborted) throw new MigrationInterrupted("interrupted");
    if (s.code !== 0 && !(d.code !== 0 && s.signal === "SIGTERM"))
      throw pgFailure(asResult("psql", s, false, o.source.secrets), { side: "source", action: `copy ${tableName(t)} out of the source`, display: o.source.display });
    if (d.code !== 0) throw pgFailure(asResult("psql", d, false, o.target.secrets), { side: "target", action: `copy ${tableName(t)} into the target`, display: o.target.display });
  } finally {
    o.signal.removeEventListener("abort", killBoth);
  }
}

/** The schema, sequences and large objects of the snapshot, without the streamed tables' rows (step 1). */
async function dumpSchema(o: StreamCopyOptions): Promise<number> {
  const t0 = Date.now();
  await o.work.clearDump();
  o.log(`pg_dump -Fd --snapshot ${o.snapshotId} ${o.source.display} without the rows of its ${o.tables.length} tables (they are streamed) -> ${o.work.dumpDir}`);
  const r = await run(
    o.pgDump,
    [
      "--format=directory",
      "--compress=0",
      `--snapshot=${o.snapshotId}`,
      "--no-owner",
      "--no-privileges",
      "--no-subscriptions",
      "--no-publications",
      ...o.tables.map((t) => `--exclude-table-data=${exactTablePattern(t)}`),
      "--file",
      o.work.dumpDir,
      "--dbname",
      o.source.conninfo,
    ],
    { env: o.source.env, secrets: o.source.secrets, signal: o.signal },
  );
  if (r.code !== 0) throw pgFailure(r, { side: "source", action: "dump the source's schema", display: o.source.display });
  return Date.now() - t0;
}

/** Copy every table with `jobs` workers, largest first (step 3). The first failure stops the others. */
async function copyTables(o: StreamCopyOptions): Promise<void> {
  const psqlBin = pgTool("psql");
  const queue = [...o.tables].sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0));
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  o.signal.addEventListener("abort", onAbort, { once: true });
  const signal = stop.signal;
  let failure: unknown;
  const worker = async () => {
    for (let t = queue.shift(); t && !signal.aborted; t = queue.shift()) {
      const at = Date.now();
      try {
        await copyTable(psqlBin, { ...o, signal }, t);
      } catch (e) {
        if (!failure) failure = e;
        stop.abort();
        return;
      }
      o.log(`copied ${tableName(t)} in ${Date.now() - at} ms`);
      o.onTableCopied(t);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, o.tables.length)) }, worker));
  } finally {
    o.signal.removeEventListener("abort", onAbort);
  }
  if (o.signal.aborted) throw new MigrationInterrupted("interrupted");
  if (failure) throw failure;
}

/**
 * Steps 1 to 4. Throws when any part fails, the journal left for the caller
 * to undo the partial copy (rollBack); clears it when everything is in.
 */
export async function streamCopy(o: StreamCopyOptions): Promise<StreamCopyTimings> {
  try {
    return await copyAll(o);
  } finally {
    // It holds no table's rows, and nothing reuses it: the next run dumps the schema again in its own snapshot.
    await o.work.clearDump().catch(() => undefined);
  }
}

async function copyAll(o: StreamCopyOptions): Promise<StreamCopyTimings> {
  const schemaDumpMs = await dumpSchema(o);
  const t0 = Date.now();
  const restore = { pgRestore: o.pgRestore, dumpDir: o.work.dumpDir, target: o.target, jobs: o.jobs, signal: o.signal, log: o.log, ...(o.role ? { role: o.role } : {}) };
  await restoreSchema({ ...restore, targetIdentity: o.targetIdentity, tables: o.tables.map((t) => ({ schema: t.schema, table: t.table })), work: o.work });
  o.log(`streaming ${o.tables.length} tables, ${o.jobs} at a time, largest first: ${o.source.display} -> ${o.target.display}`);
  // Sequences, large objects and extension configuration rows: the dump's own data, beside the copies.
  const rest = restoreSections({ ...restore, jobs: 1 }, ["data"]);
  const copies = copyTables(o);
  const [a, b] = await Promise.allSettled([copies, rest]);
  if (a.status === "rejected") throw a.reason;
  if (b.status === "rejected") throw b.reason;
  const target = withSession(o.target, { settings: { maintenance_work_mem: o.maintenanceWorkMem ?? "256MB" } });
  await restoreSections({ ...restore, target }, ["post-data"]);
  await o.work.clearJournal();
  return { schemaDumpMs, copyMs: Date.now() - t0 };
}
