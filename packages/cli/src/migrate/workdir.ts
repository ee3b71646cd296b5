/**
 * Where a database migration keeps its files: the dump, the marker that says
 * the dump is complete (with the source's fingerprints, schema and state
 * taken in the dump's snapshot), the restore journal, and a lock.
 *
 * The folder is private (folders.ts) and belongs to one source/target pair:
 * a stamp in it names both databases by identity (cluster, database OID and
 * name, whatever URL reached them), and every file is checked against that
 * pair before it is used.
 *
 * - With `--work-dir DIR`, the run works in `DIR/freehold-migrate-<pair>`, a
 *   folder of its own (created 0700, or found there with this pair's stamp),
 *   so nothing else in DIR is ever read, changed or removed. The dump stays
 *   after a failure, so the next run can reuse it (if the source is
 *   unchanged since).
 * - Without it, a fresh folder with a random name under the system's
 *   temporary directory (mkdtemp, 0700), removed at the end of the run,
 *   verified or not. A run killed outright (SIGKILL, power loss) cannot
 *   remove it; the next run of the same pair finds it (ours, private, this
 *   pair's stamp, its lock's process gone: the lock names the pid and when
 *   that process started, so a reused pid does not pass for the killed run),
 *   takes it over to undo an unfinished restore, and removes it at its end.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { MigrationToolError } from "./errors";
import { freshPrivateFolder, notPrivateFolder, ownFolder, readPrivateFile, removeIfEmpty, UntrustedFileError, userFolderProblems, writePrivateFile } from "./folders";
import type { LargeObjectSum, TableInfo } from "./fingerprint";
import type { SequenceInfo, ServerInfo, TableSum } from "./pg";
import { processRunning, startOfProcess } from "./proc";
import type { SchemaObject } from "./schema";
import type { CreatedObject } from "./restore";
import type { SourceState } from "./state";

/** The two databases of a migration, by identity (pg.ts databaseIdentity). */
export interface Pair {
  source: string;
  target: string;
}

/** A short, stable name for a pair. */
export function pairKey(p: Pair): string {
  return createHash("sha256").update(`${p.source}\n${p.target}`).digest("hex").slice(0, 16);
}

/** Written when pg_dump finished: what the dump holds, and the source in its snapshot. */
export interface DumpMarker {
  /** 4: schema names quoted, more of the schema described, sequences' readability, large objects; 5: the fingerprint's key. */
  formatVersion: 5;
  pair: Pair;
  /** The source URL as shown (no password). */
  source: string;
  server: ServerInfo;
  pgDump: string;
  checksumMethod: string;
  /**
   * The key the sums were taken with (fingerprint.ts): a later run that reuses the dump fingerprints the target with it.
   * Kept here, in this private (0600) file inside the private work folder, beside the dump itself: whoever could read
   * it could as well rewrite the dump it vouches for, and re-fingerprinting the source instead would read it all again.
   */
  fingerprintKey: string;
  tables: TableInfo[];
  sums: TableSum[];
  sequences: SequenceInfo[];
  largeObjects: LargeObjectSum;
  schema: SchemaObject[];
  /** The source's state read in the snapshot: compared before the dump is reused. */
  state: SourceState;
  completedAt: string;
  dumpMs: number;
}

/** Written before a restore starts and removed when it finished: how to find and undo a partial restore. */
export interface RestoreJournal {
  formatVersion: 3;
  /** The target as shown (no password). */
  target: string;
  targetIdentity: string;
  startedAt: string;
  /** The target's transaction snapshot before the restore: what the restore creates is newer. */
  horizon: string;
  /** The source's tables, which the restore creates. */
  tables: Array<{ schema: string; table: string }>;
  /** The schema restore's transaction id, once it committed. */
  xid?: string;
  /** What it created, once it committed (the undo drops these). */
  objects?: CreatedObject[];
}

const Str = z.string();
const ServerInfoSchema = z.object({ version: Str, versionNum: z.number(), databaseBytes: z.number(), database: Str, databaseOid: z.number(), encoding: Str, systemIdentifier: Str.nullable(), startedAt: Str });
const SequenceSchema = z.object({ schema: Str, sequence: Str, lastValue: Str.nullable(), readable: z.boolean() });
const MarkerSchema = z.object({
  formatVersion: z.literal(5),
  pair: z.object({ source: Str, target: Str }),
  source: Str,
  server: ServerInfoSchema,
  pgDump: Str,
  checksumMethod: Str,
  fingerprintKey: Str.regex(/^-?\d{1,19}$/),
  tables: z.array(z.object({ schema: Str, table: Str, oid: z.number().optional(), bytes: z.number().optional(), columns: z.array(z.object({ name: Str, type: Str, base: Str, output: Str.optional() })) })),
  sums: z.array(z.object({ schema: Str, table: Str, rows: z.number(), checksum: Str })),
  sequences: z.array(SequenceSchema),
  largeObjects: z.object({ count: z.number(), checksum: Str }),
  schema: z.array(z.object({ kind: z.enum(["schema", "table", "view", "materialized view", "sequence", "function", "type", "extension"]), name: Str, def: z.record(Str, z.unknown()) })),
  state: z.object({ snapshot: Str, at: Str, sequences: z.array(SequenceSchema), schemaHash: Str }),
  completedAt: Str,
  dumpMs: z.number(),
});
const JournalSchema = z.object({
  formatVersion: z.literal(3),
  target: Str,
  targetIdentity: Str,
  startedAt: Str,
  horizon: Str.regex(/^\d+:\d+:[\d,]*$/),
  tables: z.array(z.object({ schema: Str, table: Str })),
  xid: Str.regex(/^\d+$/).optional(),
  objects: z.array(z.object({ classid: z.number().int(), objid: z.number().int(), type: Str, identity: Str })).optional(),
});
const StampSchema = z.object({ tool: z.literal("freehold migrate"), formatVersion: z.literal(3), pair: z.object({ source: Str, target: Str }), createdAt: Str });

export interface WorkDir {
  /** This run's folder (private). */
  dir: string;
  dumpDir: string;
  /** True when the user named no folder (a temporary one is used and removed). */
  temporary: boolean;
  /** The complete dump of this pair, or undefined (none, another checksum method, or not this pair's). */
  readMarker(checksumMethod: string): Promise<DumpMarker | undefined>;
  writeMarker(m: DumpMarker): Promise<void>;
  clearDump(): Promise<void>;
  readJournal(): Promise<RestoreJournal | undefined>;
  writeJournal(j: RestoreJournal): Promise<void>;
  clearJournal(): Promise<void>;
  /** Remove what must not stay (see migration.md), release the lock. Returns whether the dump was kept. */
  finish(outcome: { verified: boolean; keepDump: boolean }): Promise<boolean>;
}

/** What a lock file says: the pid, and (written by this version on) its process's start. An older lock holds the pid only. */
function readLock(text: string | undefined): { pid: number; start?: string } {
  const [pid, ...start] = (text ?? "").trim().split(" ");
  const n = Number(pid);
  return { pid: Number.isInteger(n) && n > 0 ? n : 0, ...(start.length ? { start: start.join(" ") } : {}) };
}

/** The folders this process has open (until finish). */
const openHere = new Set<string>();

/** This process's lock line: its pid and start. */
function lockLine(): string {
  const start = startOfProcess(process.pid);
  return start ? `${process.pid} ${start.token}` : String(process.pid);
}

/**
 * Whether the run that wrote a lock may still be running: its pid is alive and, when the lock says when that run
 * started, the process of that pid started then (a pid is reused: on a busy host, and in a container every run may get
 * the same small pid). A lock with this process's pid is this process's own while it has the folder open (openHere),
 * else a killed run's whose pid this process got.
 */
function holderAlive(l: { pid: number; start?: string }, dir: string): boolean {
  if (l.pid === process.pid) return openHere.has(dir);
  return l.pid > 0 && processRunning(l.pid, l.start);
}

export async function dirBytes(dir: string): Promise<number> {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += await dirBytes(p);
    else if (e.isFile()) total += (await stat(p)).size;
  }
  return total;
}

const STAMP = "freehold-migrate.json";
const LOCK = "lock";
const MARKER = "dump.complete.json";
const JOURNAL = "restore.journal.json";

/** Read and validate one of our JSON files: a file that is not ours, or not this shape, is never trusted. */
async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const text = await readPrivateFile(file);
  if (text === undefined) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UntrustedFileError(file, "is not a file this tool wrote (not JSON)");
  }
  const p = schema.safeParse(doc);
  if (!p.success) throw new UntrustedFileError(file, `is not a file this tool wrote (${p.error.issues[0]?.path.join(".") ?? "shape"}: ${p.error.issues[0]?.message ?? "invalid"})`);
  return p.data;
}

/** The formatVersion a JSON file of ours says it has, or undefined (not JSON, no version: readJson then says why it is not trusted). */
function formatVersionOf(text: string | undefined): unknown {
  try {
    return (JSON.parse(text ?? "{}") as { formatVersion?: unknown }).formatVersion;
  } catch {
    return undefined;
  }
}

const samePair = (a: Pair, b: Pair) => a.source === b.source && a.target === b.target;

/**
 * Whether `dir` is a folder an earlier, killed run of this pair left (ours, private, this pair's stamp, no live lock):
 * "abandoned"; "held" when its lock's process is alive although it holds this pair's unfinished restore; else undefined.
 */
async function folderOf(dir: string, pair: Pair): Promise<{ state: "abandoned" } | { state: "held"; pid: number; at: string } | undefined> {
  try {
    if (await notPrivateFolder(dir)) return undefined;
    const stamp = await readJson(path.join(dir, STAMP), StampSchema);
    if (!stamp || !samePair(stamp.pair, pair)) return undefined;
    const holder = readLock(await readPrivateFile(path.join(dir, LOCK)));
    if (!holderAlive(holder, dir)) return { state: "abandoned" };
    if (!existsSync(path.join(dir, JOURNAL))) return undefined;
    return { state: "held", pid: holder.pid, at: startOfProcess(holder.pid)?.at ?? "at an unknown time" };
  } catch {
    return undefined;
  }
}

/** Take the lock (a file with our pid); refuse when a live run holds it. */
async function lock(dir: string): Promise<void> {
  const file = path.join(dir, LOCK);
  try {
    await writeFile(file, lockLine(), { flag: "wx", mode: 0o600 });
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  const holder = readLock(await readPrivateFile(file));
  if (holderAlive(holder, dir))
    throw new MigrationToolError(`another freehold migrate (pid ${holder.pid}) is using ${dir}.`, "freehold", null, { hint: "wait for it to finish, or give this run its own --work-dir" });
  await writePrivateFile(file, lockLine());
}

/** The folder for this run: see the module comment. */
async function chooseFolder(opts: { workDir?: string; pair: Pair; log: (l: string) => void }): Promise<{ dir: string; temporary: boolean }> {
  const name = `freehold-migrate-${pairKey(opts.pair)}`;
  if (opts.workDir !== undefined) {
    const parent = path.resolve(opts.workDir);
    const problems = userFolderProblems(parent, "work-dir");
    if (problems.length > 0) throw new MigrationToolError(problems.join("\n"), "freehold", null, { hint: "give --work-dir a folder you own on a disk, or leave it out" });
    await mkdir(parent, { recursive: true, mode: 0o700 });
    const dir = path.join(parent, name);
    const created = await ownFolder(dir);
    if (created) await writePrivateFile(path.join(dir, STAMP), JSON.stringify({ tool: "freehold migrate", formatVersion: 3, pair: opts.pair, createdAt: new Date().toISOString() }));
    else {
      const stamp = await readJson(path.join(dir, STAMP), StampSchema);
      if (!stamp || !samePair(stamp.pair, opts.pair)) throw new UntrustedFileError(dir, `was not made by freehold migrate for this source and target (${stamp ? "another pair's stamp" : "no stamp"})`);
    }
    return { dir, temporary: false };
  }
  const tmp = os.tmpdir();
  let held: { dir: string; pid: number; at: string } | undefined;
  for (const e of await readdir(tmp).catch(() => [] as string[])) {
    if (!e.startsWith("freehold-migrate-")) continue;
    const dir = path.join(tmp, e);
    const found = await folderOf(dir, opts.pair);
    if (found?.state === "abandoned") {
      opts.log(`found ${dir}, left by an earlier run of this source and target that was killed: this run takes it over and removes it at its end`);
      return { dir, temporary: true };
    }
    if (found?.state === "held") held = { dir, ...found };
  }
  // This run holds the target's lock, so no other run of the pair is restoring: a live holder is most often a reused pid.
  if (held)
    throw new MigrationToolError(
      `${held.dir} holds an unfinished restore of this source and target, and its lock names pid ${held.pid}, a live process (started ${held.at}); nothing was done.`,
      "freehold",
      null,
      {
        hint: `whether pid ${held.pid} is a freehold migrate run of this source and target: if it is, wait for it to finish; if it is not (its pid was reused after the run that wrote the lock was killed), remove ${path.join(held.dir, LOCK)} and run the same command again (with --undo-partial-restore to undo that restore)`,
      },
    );
  const dir = await freshPrivateFolder("freehold-migrate-", tmp);
  await writePrivateFile(path.join(dir, STAMP), JSON.stringify({ tool: "freehold migrate", formatVersion: 3, pair: opts.pair, createdAt: new Date().toISOString() }));
  return { dir, temporary: true };
}

/** Open (create or find, check, lock) the work folder of this pair. */
export async function openWorkDir(opts: { workDir?: string; pair: Pair; log?: (l: string) => void }): Promise<WorkDir> {
  const { dir, temporary } = await chooseFolder({ ...opts, log: opts.log ?? (() => {}) });
  await lock(dir);
  openHere.add(dir);
  const dumpDir = path.join(dir, "dump");
  const markerPath = path.join(dir, MARKER);
  const journalPath = path.join(dir, JOURNAL);
  const clearDump = async () => {
    await rm(markerPath, { force: true });
    await rm(dumpDir, { recursive: true, force: true });
  };
  return {
    dir,
    dumpDir,
    temporary,
    async readMarker(checksumMethod) {
      if (temporary || !existsSync(dumpDir)) return undefined;
      // A dump an earlier version of this tool completed describes the source in another form: it is dumped again.
      const version = formatVersionOf(await readPrivateFile(markerPath));
      if (typeof version === "number" && version < 5) return undefined;
      const m = (await readJson(markerPath, MarkerSchema)) as DumpMarker | undefined;
      return m && samePair(m.pair, opts.pair) && m.checksumMethod === checksumMethod ? m : undefined;
    },
    writeMarker: (m) => writePrivateFile(markerPath, `${JSON.stringify(m)}\n`),
    clearDump,
    readJournal: async () => (await readJson(journalPath, JournalSchema)) as RestoreJournal | undefined,
    writeJournal: (j) => writePrivateFile(journalPath, `${JSON.stringify(j)}\n`),
    clearJournal: () => rm(journalPath, { force: true }),
    async finish({ verified, keepDump }) {
      const kept = keepDump || (!temporary && !verified);
      if (!kept) await clearDump();
      await rm(path.join(dir, LOCK), { force: true });
      openHere.delete(dir);
      const journal = existsSync(journalPath);
      if (temporary && !keepDump && !journal) await rm(dir, { recursive: true, force: true });
      else if (!temporary && !journal && !existsSync(dumpDir)) {
        await rm(path.join(dir, STAMP), { force: true });
        await removeIfEmpty(dir);
      }
      return kept && existsSync(dumpDir);
    },
  };
}
