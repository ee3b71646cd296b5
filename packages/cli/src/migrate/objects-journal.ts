/**
 * The record of what a run copied, kept as rclone reports each object: an
 * interrupted run ("run again to resume") leaves it beside its manifest
 * (`<manifest>.copied`, 0600), and the next run of the same source and target
 * with the same manifest reads it, so the objects the interrupted run wrote are
 * still known as freehold's (`copiedObjects`): a later final delta deletes the
 * ones the source removes instead of keeping them. Removed once a verified
 * manifest is written. Trusted as a `--since` manifest is: written by this user,
 * private, and naming this source and target; otherwise ignored.
 *
 * Format: the first line `{"source":…,"target":…}` (described as in the
 * manifest, no secrets), then one JSON string per copied key.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { MigrationError } from "./errors";
import type { RemoteDescription } from "./manifest";
import { trustProblems } from "./objects-since";
import { processRunning, startOfProcess } from "./proc";

export const journalPath = (manifestFile: string) => `${manifestFile}.copied`;

/** This run's record as it goes: `record` never throws (a failed write is said once, and recording stops); `close` when the run ends. */
export interface Journal {
  record(key: string): void;
  close(): void;
  /** Why recording stopped, when it did. */
  readonly failed: string | undefined;
}

/** Write all of `text` at the fd's end; a short write (a full disk) is an error like any other. */
function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  const n = writeSync(fd, buf, 0, buf.length);
  if (n !== buf.length) throw Object.assign(new Error(`ENOSPC: no space left on device, write (${n} of ${buf.length} bytes written)`), { code: "ENOSPC" });
}

/**
 * Start this run's record afresh (any earlier one removed), holding the `earlier` keys already,
 * and return what records each key rclone reports copied: one write per line, through the file
 * descriptor kept open (never by its name again). Created exclusively, 0600. When it cannot be
 * created, or a later write fails (a full disk), the run goes on without it, said once in the log:
 * only a resume of an interrupted run then loses the keys not recorded (the run's manifest holds
 * them all). Never throws from `record`: it is called from rclone's log handler.
 */
export async function openJournal(file: string | undefined, pair: { source: RemoteDescription; target: RemoteDescription }, earlier: string[], log: (l: string) => void): Promise<Journal> {
  let fd: number | undefined;
  let failed: string | undefined;
  let size = 0; // bytes of complete lines written
  const stop = (e: unknown) => {
    failed = e instanceof Error ? e.message : String(e);
    log(`not recording copied objects in ${file} from here on: ${failed}. If this run is interrupted, the next run will not know the objects it copies from now on as freehold's, and a later final delta will not delete them`);
    if (fd === undefined) return;
    // Cut what the failed write left and the last newline (shrinking needs no room): a record that ends mid-line
    // tells the next run it is incomplete, and its manifest says so.
    try {
      if (size > 0) ftruncateSync(fd, size - 1);
    } catch {
      /* the record then looks complete; the log line above says it is not */
    }
    closeSync(fd);
    fd = undefined;
  };
  const writeLines = (text: string) => {
    writeAll(fd as number, text);
    size += Buffer.byteLength(text);
  };
  if (file) {
    try {
      await rm(file, { force: true });
      fd = openSync(file, "wx", 0o600);
      writeLines([JSON.stringify(pair), ...earlier.map((k) => JSON.stringify(k))].map((l) => `${l}\n`).join(""));
    } catch (e) {
      stop(e);
    }
  }
  return {
    record: (key) => {
      if (fd === undefined) return;
      try {
        writeLines(`${JSON.stringify(key)}\n`);
      } catch (e) {
        stop(e);
      }
    },
    close: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
    get failed() {
      return failed;
    },
  };
}

/** What an earlier, interrupted run recorded: its keys, and whether its last line was cut short (at least one key it copied was lost). */
export interface JournalRead {
  keys: string[];
  torn: boolean;
}

/** One line's key, or undefined when the line is not a JSON string. */
function keyOf(line: string): string | undefined {
  try {
    const k = JSON.parse(line) as unknown;
    return typeof k === "string" && k !== "" ? k : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The keys an earlier, interrupted run of this source and target recorded; none when there is no
 * trustworthy record. A record that does not end with a newline was stopped mid-write (a crash, a
 * full disk, or a run whose writes failed, which cuts its record so): its complete keys are kept, a
 * key cut short dropped, and it is `torn`. A bad header or a bad line before the last makes the
 * whole file untrusted.
 */
export async function readJournal(file: string | undefined, pair: { source: RemoteDescription; target: RemoteDescription }, log: (l: string) => void, uid = process.getuid?.() ?? 0): Promise<JournalRead> {
  const none = { keys: [], torn: false };
  if (!file) return none;
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return none;
  const distrust = await trustProblems(file, uid).catch(() => [{ item: file, message: "cannot be checked" }]);
  const [head, ...rest] = text.split("\n").filter((l) => l !== "");
  let headOk = false;
  try {
    headOk = JSON.stringify(JSON.parse(head ?? "null")) === JSON.stringify(pair);
  } catch {
    distrust.push({ item: file, message: "is not a record freehold wrote (its first line is not JSON)" });
  }
  const keys = rest.map(keyOf);
  // A record ends with a newline: one that does not was stopped mid-write (a key cut short is dropped).
  const torn = !text.endsWith("\n");
  if (torn && keys[keys.length - 1] === undefined) keys.pop();
  const bad = keys.indexOf(undefined);
  if (bad >= 0) distrust.push({ item: file, message: `is not a record freehold wrote (line ${bad + 2} is not one JSON string)` });
  else if (!headOk && rest.length > 0 && distrust.length === 0) distrust.push({ item: file, message: "records another source or target" });
  if (distrust.length > 0) {
    log(`ignoring ${file}: ${distrust.map((d) => d.message).join("; ")}`);
    return none;
  }
  const found = keys as string[];
  if (torn) log(`${file} ends mid-line (the run that wrote it was stopped while writing, or could not write any more): keeping the ${found.length} complete key(s); what that run copied after them is not known as freehold's, and the manifest says its record is incomplete`);
  log(`${found.length} object(s) recorded as copied by an interrupted run of this source and target (${file})`);
  return { keys: found, torn };
}

/** What `<manifest>.lock` holds: the run using the manifest, by pid and the process's start (so a reused pid is not taken for it). */
interface LockHolder {
  pid: number;
  /** The process's start (startOfProcess's token); null where it cannot be read. */
  start: string | null;
  startedAt: string;
}

/** A process's start (proc.ts startOfProcess: /proc/<pid>/stat field 22 with the boot's id, or ps), or null when it cannot be read. */
export function processStart(pid: number): string | null {
  return startOfProcess(pid)?.token ?? null;
}

/** Whether the run named by a lock is still going: its pid alive, with the start time it recorded (never this process). */
function running(h: LockHolder): boolean {
  return h.pid !== process.pid && processRunning(h.pid, h.start ?? undefined);
}

function readHolder(lock: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(lock, "utf8")) as Partial<LockHolder>;
    return typeof h.pid === "number" && Number.isInteger(h.pid) && h.pid > 0 && typeof h.startedAt === "string" ? { pid: h.pid, start: typeof h.start === "string" ? h.start : null, startedAt: h.startedAt } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Take `<manifest>.lock` (created exclusively, 0600, holding this process's pid and start) for the
 * whole run: two runs with one manifest would each take the other's live record for an interrupted
 * run's and write manifests that say less than was copied. Refused, naming the holder, while
 * another run holds it; a lock left by a run that is no longer going is taken over, and said so.
 * Returns what releases it.
 */
export function lockManifest(manifestFile: string, log: (l: string) => void): () => void {
  const lock = `${manifestFile}.lock`;
  const me: LockHolder = { pid: process.pid, start: processStart(process.pid), startedAt: new Date().toISOString() };
  const refuse = (why: string, fix: string) =>
    new MigrationError("objects", `refusing to migrate: ${why}; nothing was copied. ${fix}`, [{ item: lock, message: "the lock of the manifest given to --manifest" }]);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, "wx", 0o600);
      try {
        writeSync(fd, `${JSON.stringify(me)}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const holder = readHolder(lock);
    if (!holder) throw refuse(`${lock} exists but is not a lock freehold wrote`, `If no freehold migrate objects run with this manifest is going on, remove ${lock} and run again.`);
    if (running(holder) || attempt > 0)
      throw refuse(
        `another run (pid ${holder.pid}, started ${holder.startedAt}) is using the manifest ${manifestFile}`,
        `Wait for it to end, or give this run another --manifest. If that process is not a freehold run, remove ${lock} and run again.`,
      );
    log(`taking over ${lock}: the run that left it (pid ${holder.pid}, started ${holder.startedAt}) is no longer going`);
    unlinkSync(lock);
  }
  return () => {
    const h = readHolder(lock);
    if (h && h.pid === me.pid && h.start === me.start && h.startedAt === me.startedAt) unlinkSync(lock);
  };
}

/** Remove the record once a verified manifest holds what it said. */
export async function dropJournal(file: string | undefined): Promise<void> {
  if (file) await rm(file, { force: true });
}
