/**
 * Manifest formats and the pure comparisons that fill them. A manifest is the
 * record of one verified (or failed) migration: what moved, with which tools,
 * how long it took, and per table / per object what each side holds.
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { MigrationProblem } from "./errors";
import type { LargeObjectSum } from "./fingerprint";
import { byKey, qualifiedName, type SequenceInfo, type TableSum, tableName } from "./pg";
import type { Consistency } from "./verify";

export interface TableEntry {
  schema: string;
  table: string;
  /** Rows in the target. */
  rows: number;
  /** Rows in the source. */
  sourceRows: number;
  /** Content checksum in the target ("" when it could not be computed). */
  checksum: string;
  sourceChecksum: string;
  match: boolean;
  /** Why it does not match, when it does not. */
  problem?: string;
}

export interface SequenceEntry {
  schema: string;
  sequence: string;
  lastValue: string | null;
  sourceLastValue: string | null;
  match: boolean;
  /** The side(s) whose user may not read the sequence's value: it is then not verified, and does not match. */
  unreadable?: "source" | "target" | "both";
}

/** The large objects on both sides (fingerprint.ts): their count and a digest of every one's OID and content. */
export interface LargeObjectEntry {
  count: number;
  sourceCount: number;
  checksum: string;
  sourceChecksum: string;
  match: boolean;
}

export function compareLargeObjects(source: LargeObjectSum, target: LargeObjectSum): LargeObjectEntry {
  return { count: target.count, sourceCount: source.count, checksum: target.checksum, sourceChecksum: source.checksum, match: source.count === target.count && source.checksum === target.checksum };
}

export interface DatabaseManifest {
  kind: "database";
  /**
   * 3: adds the schema comparison, the databases' identities and encodings,
   * and the verdict on the source after the snapshot (`consistency`).
   */
  formatVersion: 3;
  startedAt: string;
  finishedAt: string;
  /**
   * Connection URLs with every secret replaced by `***`; which database each is
   * (cluster, database OID and name); the source's size (pg_database_size)
   * when it was dumped.
   */
  source: { url: string; identity: string; encoding: string; serverVersion: string; databaseBytes: number };
  target: { url: string; identity: string; encoding: string; serverVersion: string };
  tools: { pg_dump: string; pg_restore: string; psql: string };
  /**
   * `reused`: the dump of an earlier run was restored (the source had not
   * changed since); `dumpMs` is then that run's dump time. `kept`: whether the
   * dump is still on disk after the run (see migration.md, "No copy left behind").
   */
  dump: { dir: string; format: "directory"; jobs: number; reused: boolean; bytes: number; kept: boolean };
  /**
   * `role`: the role the restore ran as (pg_restore --role), which owns every object it created; absent when it ran as the login.
   * `method`: `stream`, every table's rows COPY-streamed from the source server to the target (the dump then
   * holds the schema, sequences and large objects only); `dump`, pg_dump's data restored by pg_restore (with
   * `--keep-dump`, or a reused dump); `none`, nothing restored (`skipped`).
   * `unpopulatedMaterializedViews`: restored as the login (no `role`), the target's materialized views that hold no
   * data: their refresh (which runs a view's query as its owner) is left to the operator, as the application role.
   */
  restore: { skipped: boolean; reason: string; method: "stream" | "dump" | "none"; jobs: number; role?: string; unpopulatedMaterializedViews?: string[] };
  /**
   * dumpMs: pg_dump (the source fingerprints run beside it; with `stream`, the schema's dump only);
   * restoreMs: pg_restore, all sections, or with `stream` the schema, the streamed rows, indexes and
   * constraints (target fingerprints start as each table's data is in); verifyMs: what verification added after the restore;
   * targetChecksumMs: from the first target fingerprint to the last; totalMs: the whole run.
   */
  timings: { dumpMs: number; restoreMs: number; verifyMs: number; targetChecksumMs: number; totalMs: number };
  checksumMethod: string;
  /** The schema comparison: how, how many source objects, and every difference. */
  schema: { method: string; objects: number; problems: MigrationProblem[] };
  tables: TableEntry[];
  sequences: SequenceEntry[];
  /** The large objects, fingerprinted on both sides (added in this version of format 3; absent in older manifests). */
  largeObjects: LargeObjectEntry;
  /** Tables the target holds that the source does not (left alone, not verified). */
  extraTargetTables: string[];
  /** What the verification proves: the instant the target equals the source at, and whether the source moved on since. */
  consistency: Consistency;
  totals: { tables: number; rows: number; sequences: number; largeObjects: number; mismatches: number };
  /** Schema, tables, sequences and large objects equal, and the source did not move on after the snapshot (or the run allowed a live source). */
  ok: boolean;
}

export interface ObjectEntry {
  path: string;
  /** Size at the source in bytes. */
  size: number;
  /** MD5 (hex) at the source. */
  hash: string;
  targetSize: number | null;
  targetHash: string | null;
  /** `backend`: reported by the storage service; `computed`: rclone downloaded and hashed it. */
  hashSource: "backend" | "computed";
  match: boolean;
  problem?: "missing" | "size" | "hash" | "no-hash";
}

export interface RemoteDescription {
  type: string;
  path: string;
  /** Option values, secrets replaced by `***`. */
  options: Record<string, string>;
}

export interface ObjectManifest {
  kind: "objects";
  /**
   * 2: adds `replacedObjects` and `followLinks`; `alreadyPresent` is counted before the copy.
   * 3: adds `copiedObjects`, what a final delta may delete. Format 2 is still read (its delta deletes nothing).
   */
  formatVersion: 2 | 3;
  startedAt: string;
  finishedAt: string;
  source: RemoteDescription;
  target: RemoteDescription;
  tools: { rclone: string };
  hashType: "md5";
  verifyMode: "hash" | "download";
  /**
   * transferred: objects copied (new, or replacing a different one with `replace`); replaced: of those,
   * how many overwrote an object the target held with other content (a part-written file a killed copy
   * left included); alreadyPresent: objects found equal in the target before the copy and skipped;
   * checks: rclone's own count of comparisons.
   */
  copy: { transferred: number; replaced: number; alreadyPresent: number; bytes: number; checks: number; errors: number; transfers: number };
  /** Keys whose earlier content in the target was overwritten (only with `replace`). */
  replacedObjects: string[];
  /**
   * Keys freehold wrote into the target: by this run, and (a delta) by the runs before it that the
   * delta did not delete. Objects the target held, equal, before the first run are not among them.
   * A final delta deletes only these. Absent in format 2.
   */
  copiedObjects?: string[];
  /**
   * Objects this run copied that the verification found different from the source (damaged on their
   * way), copied once more with rclone's own hash check before the final verification; absent when none.
   */
  recopiedObjects?: string[];
  /**
   * True when `copiedObjects` may lack objects freehold copied: the record of an interrupted run this
   * run resumed (or of a run before the `--since` manifest's) was cut short, so an object it copied is
   * not listed. A later final delta never deletes an object it does not list (it names it as not proven).
   */
  copiedObjectsIncomplete?: true;
  /** Whether a local source's symbolic links were followed. */
  followLinks: boolean;
  timings: { copyMs: number; verifyMs: number; totalMs: number };
  objects: ObjectEntry[];
  /** Objects the target holds under its path that the source does not (left alone). */
  extraTargetObjects: string[];
  /**
   * A final delta (`--since` an earlier run's manifest): the earlier run's objects changed at the
   * source (replaced) or removed from it (deleted from the target) since, and how many were new.
   */
  delta?: {
    since: string;
    changed: string[];
    removed: string[];
    added: number;
    notDeleted?: string[];
    /** Objects the delta would have deleted or replaced that the target held with other content when read again just before: written there meanwhile, left as they are. */
    keptWritten?: string[];
    /** Objects gone from the source that the target holds as a run verified them, but that no run is recorded as having written (held before a run began): kept. */
    notProven?: string[];
  };
  totals: { objects: number; bytes: number; mismatches: number };
  ok: boolean;
}

/** Compare per-table sums. Source definitions drive the list; a table absent from `target` is a mismatch. */
export function compareTables(
  source: Map<string, TableSum>,
  target: Map<string, TableSum>,
  targetFailures: Map<string, string> = new Map(),
): TableEntry[] {
  const out: TableEntry[] = [];
  for (const [key, s] of [...source.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const t = target.get(key);
    const entry: TableEntry = {
      schema: s.schema,
      table: s.table,
      rows: t?.rows ?? 0,
      sourceRows: s.rows,
      checksum: t?.checksum ?? "",
      sourceChecksum: s.checksum,
      match: t !== undefined && t.rows === s.rows && t.checksum === s.checksum,
    };
    if (!t) entry.problem = targetFailures.get(key) ?? "table missing in the target";
    else if (t.rows !== s.rows) entry.problem = `row count differs: source ${s.rows}, target ${t.rows}`;
    else if (t.checksum !== s.checksum) entry.problem = `content differs (same ${s.rows} rows, checksum ${s.checksum} vs ${t.checksum})`;
    out.push(entry);
  }
  return out;
}

export function compareSequences(source: SequenceInfo[], target: SequenceInfo[]): SequenceEntry[] {
  const key = (s: SequenceInfo) => JSON.stringify([s.schema, s.sequence]);
  const targets = byKey(target, key);
  byKey(source, key);
  return source.map((s) => {
    const t = targets.get(key(s));
    // NULL is also what pg_sequences shows a user who may not read the sequence: that is not "unused on both sides".
    const hidden = [s.readable === false ? "source" : "", t?.readable === false ? "target" : ""].filter(Boolean);
    const unreadable = hidden.length === 2 ? "both" : (hidden[0] as "source" | "target" | undefined);
    return {
      schema: s.schema,
      sequence: s.sequence,
      lastValue: t ? t.lastValue : null,
      sourceLastValue: s.lastValue,
      match: t !== undefined && t.lastValue === s.lastValue && !unreadable,
      ...(unreadable ? { unreadable } : {}),
    };
  });
}

export function databaseProblems(tables: TableEntry[], sequences: SequenceEntry[], largeObjects?: LargeObjectEntry): MigrationProblem[] {
  return [
    ...(largeObjects && !largeObjects.match
      ? [
          {
            item: "large objects",
            message:
              largeObjects.count !== largeObjects.sourceCount
                ? `count differs: source ${largeObjects.sourceCount}, target ${largeObjects.count}`
                : `content differs (same ${largeObjects.count} large objects, checksum ${largeObjects.sourceChecksum} vs ${largeObjects.checksum})`,
          },
        ]
      : []),
    ...tables.filter((t) => !t.match).map((t) => ({ item: tableName(t), message: t.problem ?? "differs" })),
    ...sequences
      .filter((s) => !s.match)
      .map((s) => ({
        item: `sequence ${qualifiedName(s.schema, s.sequence)}`,
        message: s.unreadable
          ? `cannot be read by the ${s.unreadable === "both" ? "source's and the target's users" : `${s.unreadable}'s user`} (it needs USAGE or SELECT on the sequence): its value is not verified`
          : `value differs: source ${s.sourceLastValue ?? "unused"}, target ${s.lastValue ?? "unused/missing"}`,
      })),
  ];
}

/** One object as listed by `rclone lsjson --hash`. */
export interface ListedObject {
  path: string;
  size: number;
  md5: string | null;
  hashSource: "backend" | "computed";
}

/** Compare two listings. The source drives the list; objects only in the target are returned as `extra`. */
export function compareObjectListings(source: ListedObject[], target: ListedObject[]): { entries: ObjectEntry[]; extra: string[] } {
  const t = new Map(target.map((o) => [o.path, o]));
  const seen = new Set<string>();
  const entries: ObjectEntry[] = [];
  for (const s of [...source].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const d = t.get(s.path);
    seen.add(s.path);
    const e: ObjectEntry = {
      path: s.path,
      size: s.size,
      hash: s.md5 ?? "",
      targetSize: d ? d.size : null,
      targetHash: d ? d.md5 : null,
      hashSource: s.hashSource === "computed" || d?.hashSource === "computed" ? "computed" : "backend",
      match: false,
    };
    if (!d) e.problem = "missing";
    else if (d.size !== s.size) e.problem = "size";
    else if (!s.md5 || !d.md5) e.problem = "no-hash";
    else if (s.md5.toLowerCase() !== d.md5.toLowerCase()) e.problem = "hash";
    else e.match = true;
    entries.push(e);
  }
  const extra = target.filter((o) => !seen.has(o.path)).map((o) => o.path).sort();
  return { entries, extra };
}

export function objectProblems(entries: ObjectEntry[]): MigrationProblem[] {
  return entries
    .filter((e) => !e.match)
    .map((e) => ({
      item: e.path,
      message:
        e.problem === "missing"
          ? "missing in the target"
          : e.problem === "size"
            ? `size differs: source ${e.size} B, target ${e.targetSize} B`
            : e.problem === "no-hash"
              ? "no MD5 could be obtained on one side"
              : `content differs: md5 ${e.hash} at the source, ${e.targetHash} in the target`,
    }));
}

/**
 * Write JSON atomically (a new file, readable by this user only, in a private
 * folder of a random name made beside it for this write, then renamed over
 * the file), creating the folder. A manifest lists every table
 * or object key: other users of the host have no business reading it.
 */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  // A private folder of a random name beside the file (mode 0700): no name another user could plant in advance.
  const dir = await mkdtemp(path.join(path.dirname(file), `.${path.basename(file)}-`));
  try {
    const tmp = path.join(dir, "new");
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    await rename(tmp, file);
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined); // a full disk leaves no half-written file behind
  }
}
