/**
 * Where a database migration keeps its files: the dump, the marker that says
 * the dump is complete (with the source's fingerprints taken in the dump's
 * snapshot), the restore journal, and a lock. Without a work folder named by
 * the user, a private folder under the system's temporary directory is used,
 * named after the source/target pair so that a run killed without a chance
 * to clean up is found and finished by the next one; it is removed at the end
 * of every run, verified or not.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ServerInfo, SequenceInfo, TableSum } from "./pg";
import type { TableInfo } from "./fingerprint";
import { MigrationToolError } from "./errors";
import { writeJsonAtomic } from "./manifest";

/** Written when pg_dump finished: what the dump holds, and the source's fingerprints in its snapshot. */
export interface DumpMarker {
  formatVersion: 2;
  source: string;
  server: ServerInfo;
  pgDump: string;
  checksumMethod: string;
  tables: TableInfo[];
  sums: TableSum[];
  sequences: SequenceInfo[];
  completedAt: string;
  dumpMs: number;
}

/** Written before a restore starts and removed when it finished: how to undo a partial restore. */
export interface RestoreJournal {
  target: string;
  startedAt: string;
  /** SQL (one transaction) that drops what the restore created. */
  rollbackSql: string;
}

export interface WorkDir {
  dir: string;
  dumpDir: string;
  /** True when Freehold chose the folder (the user named none). */
  temporary: boolean;
  readMarker(source: string, checksumMethod: string): Promise<DumpMarker | undefined>;
  writeMarker(m: DumpMarker): Promise<void>;
  clearDump(): Promise<void>;
  readJournal(): Promise<RestoreJournal | undefined>;
  writeJournal(j: RestoreJournal): Promise<void>;
  clearJournal(): Promise<void>;
  /** Remove what must not stay (see migration.md), release the lock. Returns whether the dump was kept. */
  finish(outcome: { verified: boolean; keepDump: boolean }): Promise<boolean>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function dirBytes(dir: string): Promise<number> {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? await dirBytes(p) : (await stat(p)).size;
  }
  return total;
}

/** The folder a run without --work-dir uses for this source/target pair. */
export function temporaryWorkDir(key: string): string {
  return path.join(os.tmpdir(), `freehold-migrate-${key}`);
}

/** Open (create, lock) the work folder. Refuses when another live run holds it. */
export async function openWorkDir(opts: { workDir?: string; key: string }): Promise<WorkDir> {
  const temporary = opts.workDir === undefined;
  const dir = path.resolve(opts.workDir ?? temporaryWorkDir(opts.key));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const lock = path.join(dir, "lock");
  try {
    await writeFile(lock, String(process.pid), { flag: "wx", mode: 0o600 });
  } catch {
    const holder = Number(await readFile(lock, "utf8").catch(() => "0"));
    if (holder && holder !== process.pid && alive(holder))
      throw new MigrationToolError(`another freehold migrate (pid ${holder}) is using ${dir}.`, "freehold", null, { hint: "wait for it to finish, or give this run its own --work-dir" });
    await writeFile(lock, String(process.pid), { mode: 0o600 });
  }
  const dumpDir = path.join(dir, "dump");
  const markerPath = path.join(dir, "dump.complete.json");
  const journalPath = path.join(dir, "restore.journal.json");
  const readJson = async <T>(file: string): Promise<T | undefined> => {
    try {
      return JSON.parse(await readFile(file, "utf8")) as T;
    } catch {
      return undefined;
    }
  };
  const clearDump = async () => {
    await rm(markerPath, { force: true });
    await rm(dumpDir, { recursive: true, force: true });
  };
  return {
    dir,
    dumpDir,
    temporary,
    async readMarker(source, checksumMethod) {
      if (!existsSync(dumpDir)) return undefined;
      const m = await readJson<DumpMarker>(markerPath);
      return m?.formatVersion === 2 && m.source === source && m.checksumMethod === checksumMethod ? m : undefined;
    },
    writeMarker: (m) => writeJsonAtomic(markerPath, m),
    clearDump,
    readJournal: () => readJson<RestoreJournal>(journalPath),
    writeJournal: (j) => writeJsonAtomic(journalPath, j),
    clearJournal: () => rm(journalPath, { force: true }),
    async finish({ verified, keepDump }) {
      const kept = keepDump || (!temporary && !verified);
      if (!kept) await clearDump();
      await rm(lock, { force: true });
      if (temporary && !keepDump && !existsSync(journalPath)) await rm(dir, { recursive: true, force: true });
      return kept && existsSync(dumpDir);
    },
  };
}
