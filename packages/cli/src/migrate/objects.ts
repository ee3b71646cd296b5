/**
 * `migrateObjects`: object store to object store with rclone only.
 *
 * 1. Both stores are listed first, each in one quick attempt (a store that
 *    refuses connections is reported in seconds). Entries rclone would skip
 *    at the source (a symbolic link without `followLinks`, a socket or
 *    device) are refused: a run never says "verified" over what it left out.
 *    With `followLinks`, only links whose real path stays inside the source
 *    folder are followed: one that leads out of it (to a secret file, say)
 *    is refused. A local target that holds symbolic links is refused: rclone
 *    does not list them, then writes through them, outside the target.
 * 2. Objects the target already holds under the same key are compared (size
 *    and MD5): equal ones are skipped; different ones make the run refuse,
 *    having copied nothing, unless `replace` says to overwrite them. That
 *    includes a local file shorter than the source object (what a killed
 *    copy leaves, rclone writing local files in place, but equally a file of
 *    someone else's): it is named as such, and completed only with `replace`.
 * 3. `rclone copy --checksum` (never sync or move, never a delete), with
 *    `--immutable` unless `replace`, so an object that appears in the target
 *    with other content meanwhile is still never overwritten. When nothing is
 *    replaced, without rclone's own hash check after each transfer
 *    (`--ignore-checksum`): step 4 hashes every object on both sides anyway,
 *    and on a local side that check alone reads every object once more.
 * 4. Both sides listed again with MD5s and compared; an object this run
 *    copied that differs is copied once more, with rclone's check, and both
 *    sides verified again; the manifest written.
 *    With an Azure side, every object is downloaded and hashed unless the
 *    caller asks for `hash`: a block blob's Content-MD5 is whatever its
 *    writer declared, not a hash Azure computed of the stored bytes.
 */
import { lstat, mkdtemp, readdir, realpath, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { rcloneFailure } from "./diagnose";
import { MigrationError, MigrationInterrupted } from "./errors";
import { type ListedObject, type ObjectManifest, objectProblems, writeJsonAtomic } from "./manifest";
import { chainCopied, type DeltaPlan, deleteRemoved, eachKey, planDelta, sinceProblems, stillAsCopied } from "./objects-delta";
import { dropJournal, journalPath, lockManifest, openJournal, readJournal } from "./objects-journal";
import { refuseMassDelete } from "./objects-since";
import { type RunResult, toolVersion } from "./proc";
import { defaultVerify, describeRemote, list, listWithHashes, type RcloneContext, type RcloneRemote, rclone, remotesOverlap, type SkippedEntry, skippedProblems, type VerifyObjectsResult, verifyPair, withRclone } from "./rclone";

export interface MigrateObjectsOptions {
  from: RcloneRemote;
  to: RcloneRemote;
  manifestPath?: string;
  log?: (line: string) => void;
  /** `hash` (default) trusts the MD5 each service stores; `download` reads every object on both sides and hashes it. */
  verify?: "hash" | "download";
  /** rclone --bwlimit, e.g. `4M`. */
  bwlimit?: string;
  /** rclone --transfers (default 4). */
  transfers?: number;
  /** Overwrite objects the target already holds with other content under the same key (default: refuse). */
  replace?: boolean;
  /** Copy what a local source's symbolic links point to (rclone --copy-links); without it a link is refused. */
  followLinks?: boolean;
  /** Abort kills rclone (SIGKILL, as a crash would); a later run resumes. */
  signal?: AbortSignal;
  /**
   * The manifest of an earlier verified run of the same source and target:
   * this run is the final delta (objects-delta.ts): what that run copied and
   * the source changed or removed since is replaced or deleted.
   */
  since?: ObjectManifest;
  /** The file `since` was read from: a failed delta never writes its manifest over it. */
  sincePath?: string;
  /** A delta deletes at most this many objects (default: 100, and at most half of what freehold copied). */
  maxDelete?: number;
}

/** What the target held before the copy, key by key. */
interface Precheck {
  sourceObjects: number;
  /** Equal in the target already (skipped by the copy). */
  present: string[];
  /** Held with other content. */
  different: Array<{ path: string; source: ListedObject; target: ListedObject }>;
  /** The source's keys and the target's objects with MD5s, when they were listed with hashes (every key shared, or a delta). */
  sourceKeys: Set<string>;
  targetHashed: ListedObject[];
}

/** The way from `root` to `abs`, or undefined when `abs` is not inside `root`. */
function inside(root: string, abs: string): string | undefined {
  const rel = path.relative(root, abs);
  return rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? undefined : rel;
}

/** Every symbolic link under a local folder (not followed), by its path inside it; none when the folder does not exist. */
export async function localLinks(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT" && dir === root) return;
      throw e;
    }
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      if (e.isSymbolicLink()) out.push(path.relative(root, abs));
      else if (e.isDirectory()) await walk(abs);
    }
  };
  await walk(root);
  return out.sort();
}

/** Links under a local source whose real path leads out of it (or nowhere): following them would copy what is not the source's. */
async function linksLeaving(root: string): Promise<Array<{ item: string; message: string }>> {
  const realRoot = await realpath(root);
  const out: Array<{ item: string; message: string }> = [];
  for (const link of await localLinks(root)) {
    const to = await realpath(path.join(root, link)).catch(() => undefined);
    if (to === undefined) out.push({ item: link, message: "a symbolic link at the source that points nowhere" });
    else if (to !== realRoot && inside(realRoot, to) === undefined) out.push({ item: link, message: `a symbolic link at the source to ${to}, outside the source folder: not followed (only links that stay inside ${realRoot} are)` });
  }
  return out;
}

/** Local folders refused before anything is listed: a target holding links (finding them written through), a source whose links lead out. */
async function localProblems(opts: MigrateObjectsOptions): Promise<void> {
  if (opts.to.type === "local") {
    const root = path.resolve(opts.to.path);
    const top = await lstat(root).catch(() => undefined);
    const links = top?.isSymbolicLink() ? ["."] : await localLinks(root);
    if (links.length > 0)
      throw new MigrationError(
        "objects",
        `refusing to migrate: the target folder holds ${links.length} symbolic link(s); a copy would write through them, outside the target, and could not verify what it wrote. Nothing was copied. Remove them, or copy into a folder without links.`,
        links.map((l) => ({ item: l, message: l === "." ? `the target ${root} is itself a symbolic link: give the folder it points to` : "a symbolic link in the target" })),
      );
  }
  if (opts.from.type === "local" && opts.followLinks) {
    const leaving = await linksLeaving(path.resolve(opts.from.path));
    if (leaving.length > 0) throw new MigrationError("objects", `refusing to migrate: ${leaving.length} symbolic link(s) at the source lead out of the source folder; nothing was copied.`, leaving);
  }
}

/** Step 1 and 2 of the module comment. */
async function precheck(ctx: RcloneContext, log: (l: string) => void, o: { delta: boolean }): Promise<Precheck> {
  const src = ctx.specs.FHSRC ?? "";
  const dst = ctx.specs.FHDST ?? "";
  // A delta compares every shared key by MD5 anyway: its hashed listings are the only ones made.
  if (o.delta) {
    const [s, d] = await Promise.all([listWithHashes(ctx, src, "hash", "source"), listWithHashes(ctx, dst, "hash", "target")]);
    refuseSkipped(s, d);
    return compareHashed(s.objects, d.objects, log);
  }
  // Both quickly, side by side: an unreachable store on either side is reported in seconds, before any copy.
  const [s, d] = await Promise.all([list(ctx, src, { hashes: false, side: "source", quick: true }), list(ctx, dst, { hashes: false, side: "target", quick: true, missingOk: true })]);
  refuseSkipped(s, d);
  const inTarget = new Set(d.objects.map((x) => x.path));
  const both = s.objects.filter((x) => inTarget.has(x.path));
  if (both.length === 0) return { sourceObjects: s.objects.length, present: [], different: [], sourceKeys: new Set(s.objects.map((x) => x.path)), targetHashed: [] };
  const [sh, dh] = await Promise.all([listWithHashes(ctx, src, "hash", "source"), listWithHashes(ctx, dst, "hash", "target")]);
  return compareHashed(sh.objects, dh.objects, log);
}

/** Refuse entries rclone would skip: at the source (never copied), in the target (written through). */
function refuseSkipped(s: { skipped: SkippedEntry[] }, d: { skipped: SkippedEntry[] }): void {
  if (s.skipped.length > 0)
    throw new MigrationError("objects", `refusing to migrate: ${s.skipped.length} entr${s.skipped.length === 1 ? "y" : "ies"} at the source would not be copied; nothing was copied.`, skippedProblems(s.skipped));
  if (d.skipped.length > 0)
    throw new MigrationError(
      "objects",
      `refusing to migrate: the target holds ${d.skipped.length} entr${d.skipped.length === 1 ? "y" : "ies"} rclone does not list (a link, socket or device), which a copy could write through; nothing was copied.`,
      d.skipped.map((x) => ({ item: x.path, message: `${x.why} in the target` })),
    );
}

/** Split the keys both hashed listings share into equal (present) and held with other content (different). */
function compareHashed(source: ListedObject[], target: ListedObject[], log: (l: string) => void): Precheck {
  const out: Precheck = { sourceObjects: source.length, present: [], different: [], sourceKeys: new Set(source.map((o) => o.path)), targetHashed: target };
  const th = new Map(target.map((o) => [o.path, o]));
  for (const so of source) {
    const to = th.get(so.path);
    if (!to) continue;
    if (to.size === so.size && so.md5 && to.md5 && so.md5.toLowerCase() === to.md5.toLowerCase()) out.present.push(so.path);
    else out.different.push({ path: so.path, source: so, target: to });
  }
  if (out.present.length + out.different.length > 0) log(`the target already holds ${out.present.length + out.different.length} of the ${source.length} source objects' keys: ${out.present.length} equal, ${out.different.length} with other content`);
  return out;
}

function refuseDifferent(pre: Precheck): never {
  throw new MigrationError(
    "objects",
    `refusing to migrate: the target already holds ${pre.different.length} object(s) with other content under the same keys; nothing was copied. Move them away, copy into an empty prefix, or run again with --replace (replace: true) to overwrite them.`,
    pre.different.map((x) => ({
      item: x.path,
      message: `target ${x.target.size} B${x.target.md5 ? ` md5 ${x.target.md5}` : ""}, source ${x.source.size} B${x.source.md5 ? ` md5 ${x.source.md5}` : ""}${x.target.size < x.source.size ? " (shorter: if an interrupted copy left it part-written, --replace completes it)" : ""}`,
    })),
  );
}

interface RcloneStats {
  bytes?: number;
  transfers?: number;
  checks?: number;
  errors?: number;
}

/** What one `rclone copy --use-json-log --verbose` said: its final stats, what it replaced, and its errors as plain lines. */
export interface CopyLog {
  stats: RcloneStats;
  copied: number;
  replaced: number;
  /** Error entries, and every line that is not JSON (a Go panic and its goroutines), in order. */
  problems: string[];
}

/** Read one stderr line of `rclone --use-json-log`. */
export function readCopyLine(log: CopyLog, line: string): { copied?: string; error?: string; other?: string } {
  let entry: { msg?: string; object?: string; level?: string; stats?: RcloneStats };
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    if (line.trim()) log.problems.push(line);
    return line.trim() ? { other: line.trim() } : {};
  }
  if (entry.stats) log.stats = entry.stats;
  else if (entry.msg?.startsWith("Copied")) {
    log.copied++;
    if (entry.msg.includes("replaced existing")) log.replaced++;
    return { copied: entry.object ?? "?" };
  } else if (entry.level === "error" || entry.level === "critical" || entry.level === "fatal") {
    const text = `${entry.level.toUpperCase()}: ${entry.object ? `${entry.object}: ` : ""}${entry.msg ?? ""}`;
    log.problems.push(text);
    return { error: text };
  }
  return {};
}

/** A remote as a person reads it: a local path, or `:type:bucket/prefix` (no options, so no secrets). */
export function remoteLabel(r: RcloneRemote): string {
  return r.type === "local" ? r.path : `:${r.type}:${r.path}`;
}

/**
 * How one `rclone copy` runs. `trustVerify`: skip rclone's own hash check after each transfer
 * (`--ignore-checksum`), because the verification that follows hashes every object on both sides
 * anyway; where rclone must read a file to hash it (a local side), that check reads every object a
 * second time on each side. Only when nothing is replaced: a key the target already holds is then
 * skipped only if equal, whatever rclone compares, and the verification finds any object that is not.
 */
interface CopySettings {
  transfers: number;
  immutable: boolean;
  trustVerify: boolean;
  files?: string[];
  /** Told each key rclone reports copied, as it does (the run's record, objects-journal.ts). */
  record?: (key: string) => void;
}

/** `rclone copy --checksum` from FHSRC to FHDST (`files`: only these); its log read as it runs. Throws what the operator can act on. */
async function copy(ctx: RcloneContext, opts: MigrateObjectsOptions, settings: CopySettings, log: (line: string) => void): Promise<{ copyLog: CopyLog; copyMs: number; copiedKeys: string[] }> {
  const src = ctx.specs.FHSRC ?? "";
  const dst = ctx.specs.FHDST ?? "";
  const flags = [settings.immutable ? "--immutable" : "", settings.trustVerify ? "--ignore-checksum" : ""].filter(Boolean);
  log(`rclone copy --checksum ${flags.map((f) => `${f} `).join("")}--transfers ${settings.transfers} ${src} -> ${dst}${settings.files ? ` (only ${settings.files.length} named object(s))` : ""}`);
  const tCopy = Date.now();
  const copyLog: CopyLog = { stats: {}, copied: 0, replaced: 0, problems: [] };
  const copiedKeys: string[] = [];
  const args = ["copy", src, dst, "--checksum", "--fast-list", "--transfers", String(settings.transfers), "--retries", "3", "--low-level-retries", "10", "--use-json-log", "--verbose", ...flags];
  if (opts.bwlimit) args.push("--bwlimit", opts.bwlimit);
  // A delta names what it copies: rclone then reads and compares only those, not every object again.
  const listDir = settings.files ? await mkdtemp(path.join(os.tmpdir(), "freehold-delta-")) : undefined;
  if (listDir && settings.files) {
    const list = path.join(listDir, "files");
    await writeFile(list, settings.files.map((f) => `${f}\n`).join(""), { mode: 0o600 });
    args.push("--files-from-raw", list, "--no-traverse");
  }
  const r: RunResult = await rclone(ctx, args, {
    killSignal: "SIGKILL",
    onStderrLine: (line) => {
      const said = readCopyLine(copyLog, line);
      if (said.copied) copiedKeys.push(said.copied);
      if (said.copied) settings.record?.(said.copied);
      if (said.copied) log(`copied ${said.copied}`);
      else if (said.error) log(`rclone ${said.error}`);
      else if (said.other) log(`rclone: ${said.other}`);
    },
  });
  const copyMs = Date.now() - tCopy;
  if (listDir) await rm(listDir, { recursive: true, force: true });
  if (r.aborted) throw new MigrationInterrupted(`rclone copy was interrupted after ${copyMs} ms; run again to resume`);
  if (r.code !== 0) {
    const problems = copyLog.problems.join("\n");
    const immutable = /immutable file modified/.test(problems);
    throw rcloneFailure(r, { action: `copy ${remoteLabel(opts.from)} to ${remoteLabel(opts.to)}${immutable ? " (an object with other content appeared in the target during the copy, and was not overwritten)" : ""}` }, problems);
  }
  return { copyLog, copyMs, copiedKeys };
}

/**
 * Step 4: verify both sides. An object this run copied (without rclone's own
 * check) that the verification finds different or missing was damaged on its
 * way: it is copied once more, now with rclone's hash check, which replaces
 * only this run's own copy, and both sides are verified again.
 */
async function verifyCopied(ctx: RcloneContext, opts: MigrateObjectsOptions, o: { mode: "hash" | "download"; copied: string[]; transfers: number }, log: (l: string) => void): Promise<VerifyObjectsResult & { recopied: string[] }> {
  log(`verifying: listing both sides with MD5 (${o.mode})`);
  const v = await verifyPair(ctx, ctx.specs.FHSRC ?? "", ctx.specs.FHDST ?? "", o.mode);
  const ours = new Set(o.copied);
  const damaged = v.entries.filter((e) => !e.match && ours.has(e.path)).map((e) => e.path);
  if (damaged.length === 0) return { ...v, recopied: [] };
  log(`${damaged.length} object(s) this run copied differ from the source: copying them again, checked by rclone as they are written`);
  await copy(ctx, opts, { transfers: o.transfers, immutable: false, trustVerify: false, files: damaged }, log);
  const again = await verifyPair(ctx, ctx.specs.FHSRC ?? "", ctx.specs.FHDST ?? "", o.mode);
  return { ...again, ms: v.ms + again.ms, recopied: damaged };
}

/** One `rclone copy` of a run: only `files` when named; a run that replaces nothing keeps `--immutable`. */
interface CopyRun {
  files?: string[];
  immutable: boolean;
  /** Replace each of `files` only while the target still holds what this earlier run verified there, read again just before. */
  asCopiedBy?: ObjectManifest;
}

/** A delta's plan once done: what it deleted, and what it left because the target's object changed meanwhile. */
type DeltaDone = DeltaPlan & { foreign: string[]; removedUnknown: string[]; unproven: string[]; keptWritten: string[] };

/** What the checks before the copy decided: the delta's plan, and the copies to run. */
interface Plan {
  pre: Precheck;
  delta: DeltaDone | undefined;
  runs: CopyRun[];
}

/**
 * A delta's copies: the new keys with `--immutable` (an object the application writes into the
 * target meanwhile is never overwritten), and apart from them only the keys it decided to replace.
 */
function deltaRuns(pre: Precheck, delta: DeltaPlan & { foreign: string[] }, o: { replace: boolean; since: ObjectManifest }): CopyRun[] {
  const inTarget = new Set(pre.targetHashed.map((o) => o.path));
  const added = [...pre.sourceKeys].filter((k) => !inTarget.has(k));
  const foreign = o.replace ? delta.foreign : [];
  return [
    ...(added.length ? [{ files: added, immutable: true }] : []),
    ...(delta.changed.length ? [{ files: delta.changed, immutable: false, asCopiedBy: o.since }] : []),
    ...(foreign.length ? [{ files: foreign, immutable: false }] : []),
  ];
}

/** A delta's deletions, once the copy is decided: bounded, and none on a manifest that does not say what freehold copied. */
async function deleteForDelta(ctx: RcloneContext, opts: MigrateObjectsOptions & { since: ObjectManifest }, delta: DeltaPlan & { removedUnknown: string[] }, log: (l: string) => void): Promise<{ deleted: string[]; kept: string[] }> {
  if (delta.removedUnknown.length > 0)
    log(
      `not deleting ${delta.removedUnknown.length} object(s) gone from the source: the manifest given to --since does not record which objects freehold copied (an older freehold wrote it), and an object the target already held before the first run must never be deleted. Delete them yourself if they are yours; the manifest this run writes records what it copies, for a later delta.`,
    );
  refuseMassDelete(delta.removed, opts.since.copiedObjects?.length ?? 0, opts.maxDelete);
  return deleteRemoved(ctx, opts.since, delta.removed, log);
}

/** Steps 1 and 2, and the delta's deletions: refuse what must be refused, then decide what the copy does. */
async function plan(ctx: RcloneContext, opts: MigrateObjectsOptions, log: (l: string) => void): Promise<Plan> {
  await localProblems(opts);
  if (opts.since) {
    const bad = sinceProblems(opts.since, opts.from, opts.to);
    if (bad.length) throw new MigrationError("objects", `refusing the delta: the earlier manifest is not a verified run of this source and target; nothing was copied.`, bad);
  }
  const pre = await precheck(ctx, log, { delta: opts.since !== undefined });
  const since = opts.since;
  const delta = since ? planDelta(since, pre.different, pre.sourceKeys, pre.targetHashed) : undefined;
  // A delta replaces only the earlier run's own objects; anything else held with other content is refused as always.
  const foreign = delta ? pre.different.filter((x) => delta.foreign.includes(x.path)) : pre.different;
  if (foreign.length > 0 && !opts.replace) refuseDifferent({ ...pre, different: foreign });
  if (!delta || !since) {
    if (pre.different.length > 0) log(`replacing ${pre.different.length} object(s) the target held with other content (--replace)`);
    return { pre, delta: undefined, runs: [{ immutable: opts.replace !== true }] };
  }
  log(`delta since ${opts.since?.finishedAt}: ${delta.changed.length} changed at the source, ${delta.removed.length + delta.removedUnknown.length + delta.unproven.length} removed from it, ${pre.sourceObjects - pre.present.length - delta.changed.length} new`);
  if (delta.unproven.length > 0)
    log(`not deleting ${delta.unproven.length} object(s) gone from the source that no freehold run is recorded as having written (the target held them, equal, when a run began: before the first copy, or from a run interrupted before it wrote its manifest${opts.since?.copiedObjectsIncomplete ? "; the earlier manifest says its record of copied objects is incomplete (an interrupted run's record was cut short), so some of them may be freehold's" : ""}); the manifest names them in delta.notProven`);
  const { deleted, kept } = await deleteForDelta(ctx, { ...opts, since }, delta, log);
  return { pre, delta: { ...delta, removed: deleted, keptWritten: kept }, runs: deltaRuns(pre, delta, { replace: opts.replace === true, since }) };
}

/** What one copy did; `withheld`: keys a checked replacement left because the target's object changed meanwhile. */
interface CopyDone {
  copyLog: CopyLog;
  copyMs: number;
  copiedKeys: string[];
  withheld?: string[];
}

/**
 * Replace the earlier run's objects changed at the source, one `rclone copyto` per key, each only
 * if the target still holds what that run verified there, read again just before: what the
 * application wrote into the target under that key meanwhile is never overwritten (withheld, and
 * named by the verification that follows).
 */
async function replaceChecked(ctx: RcloneContext, since: ObjectManifest, keys: string[], o: { transfers: number; record: (key: string) => void }, log: (l: string) => void): Promise<CopyDone> {
  const src = (ctx.specs.FHSRC ?? "").replace(/\/+$/, "");
  const dst = (ctx.specs.FHDST ?? "").replace(/\/+$/, "");
  log(`replacing ${keys.length} object(s) changed at the source, each only if the target still holds it as the first copy left it`);
  const t0 = Date.now();
  const copyLog: CopyLog = { stats: {}, copied: 0, replaced: 0, problems: [] };
  const copiedKeys: string[] = [];
  const withheld: string[] = [];
  const add = (a: number | undefined, b: number | undefined) => (a ?? 0) + (b ?? 0);
  await eachKey(keys, o.transfers, async (key) => {
    if (!(await stillAsCopied(ctx, since, key))) {
      withheld.push(key);
      log(`not replacing ${key}: the target's object changed since the first copy (written there meanwhile)`);
      return;
    }
    const one: CopyLog = { stats: {}, copied: 0, replaced: 0, problems: [] };
    const r = await rclone(ctx, ["copyto", `${src}/${key}`, `${dst}/${key}`, "--checksum", "--retries", "3", "--low-level-retries", "10", "--use-json-log", "--verbose"], { killSignal: "SIGKILL", onStderrLine: (line) => void readCopyLine(one, line) });
    if (r.aborted) throw new MigrationInterrupted(`rclone copy was interrupted after ${Date.now() - t0} ms; run again to resume`);
    if (r.code !== 0) throw rcloneFailure(r, { action: `replace ${key} in the target` }, one.problems.join("\n"));
    copyLog.copied += one.copied;
    copyLog.replaced += one.replaced;
    copyLog.stats = { bytes: add(copyLog.stats.bytes, one.stats.bytes), transfers: add(copyLog.stats.transfers, one.stats.transfers), checks: add(copyLog.stats.checks, one.stats.checks), errors: add(copyLog.stats.errors, one.stats.errors) };
    copiedKeys.push(key);
    o.record(key);
    log(`copied ${key}`);
  });
  return { copyLog, copyMs: Date.now() - t0, copiedKeys, withheld: withheld.sort() };
}

/** Run the plan's copies side by side (a delta's two name disjoint keys: one rclone start's wait, not two); their logs added up. */
async function copyAll(ctx: RcloneContext, opts: MigrateObjectsOptions, runs: CopyRun[], o: { transfers: number; record: (key: string) => void }, log: (l: string) => void): Promise<CopyDone & { withheld: string[] }> {
  const { transfers, record } = o;
  const total = { copyLog: { stats: {}, copied: 0, replaced: 0, problems: [] } as CopyLog, copyMs: 0, copiedKeys: [] as string[], withheld: [] as string[] };
  const add = (a: number | undefined, b: number | undefined) => (a ?? 0) + (b ?? 0);
  // Both finish before a failure is reported: no rclone is left running behind it.
  const settled = await Promise.allSettled(
    runs.map((run) => (run.asCopiedBy && run.files ? replaceChecked(ctx, run.asCopiedBy, run.files, o, log) : copy(ctx, opts, { transfers, immutable: run.immutable, trustVerify: run.immutable, record, ...(run.files ? { files: run.files } : {}) }, log))),
  );
  const failed = settled.find((x) => x.status === "rejected");
  if (failed) throw failed.reason;
  for (const r of settled.map((x) => (x as PromiseFulfilledResult<CopyDone>).value)) {
    const s = total.copyLog.stats;
    total.copyLog.stats = { bytes: add(s.bytes, r.copyLog.stats.bytes), transfers: add(s.transfers, r.copyLog.stats.transfers), checks: add(s.checks, r.copyLog.stats.checks), errors: add(s.errors, r.copyLog.stats.errors) };
    total.copyMs = Math.max(total.copyMs, r.copyMs);
    total.copiedKeys.push(...r.copiedKeys);
    total.withheld.push(...(r.withheld ?? []));
  }
  return total;
}

/** The verification's problems, the objects a delta did not replace because the target's object changed meanwhile said as such. */
function withheldProblems(problems: Array<{ item: string; message: string }>, withheld: string[]): Array<{ item: string; message: string }> {
  const w = new Set(withheld);
  return problems.map((p) => (w.has(p.item) ? { item: p.item, message: `${p.message}: not replaced, because the target's object changed since the first copy (written there during the delta); decide which version to keep, then run the delta again` } : p));
}

/** Where the manifest goes: never over the one a failed delta was given (it stays the record to run the delta from again). */
export async function manifestTarget(opts: MigrateObjectsOptions, ok: boolean): Promise<string | undefined> {
  if (!opts.manifestPath) return undefined;
  const file = path.resolve(opts.manifestPath);
  if (ok || !opts.sincePath) return file;
  const [a, b] = await Promise.all([realpath(file).catch(() => file), realpath(opts.sincePath).catch(() => path.resolve(opts.sincePath ?? ""))]);
  return a === b ? file.replace(/(\.json)?$/, ".failed.json") : file;
}

/**
 * Copy every object under `from` to `to` as described in the module comment,
 * then verify both listings and write the manifest. Resumable: a second run
 * copies only what is missing in the target. The source is only read.
 */
export async function migrateObjects(opts: MigrateObjectsOptions): Promise<ObjectManifest> {
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const startedAt = new Date().toISOString();
  if (await remotesOverlap(opts.from, opts.to))
    throw new MigrationError("objects", "refusing to migrate: the source and target are the same storage with overlapping paths", [{ item: opts.to.path, message: "overlaps the source path" }]);
  const mode = opts.verify ?? defaultVerify(opts.from, opts.to);
  const transfers = Math.max(1, Math.floor(opts.transfers ?? 4));
  // One run at a time with a manifest: taken before its record of an interrupted run is read.
  const unlock = opts.manifestPath ? lockManifest(path.resolve(opts.manifestPath), log) : () => {};
  try {
    return await copyAndVerify(opts, { log, t0, startedAt, mode, transfers });
  } finally {
    unlock();
  }
}

/** migrateObjects once the manifest is this run's: copy, verify, write the manifest. */
async function copyAndVerify(opts: MigrateObjectsOptions, o: { log: (l: string) => void; t0: number; startedAt: string; mode: "hash" | "download"; transfers: number }): Promise<ObjectManifest> {
  const { log, t0, startedAt, mode, transfers } = o;
  return withRclone(
    { FHSRC: opts.from, FHDST: opts.to },
    async (ctx) => {
      const version = toolVersion(ctx.bin, ["version"]).catch(() => "unknown"); // asked beside the copy, not before it
      const pair = { source: describeRemote(opts.from), target: describeRemote(opts.to) };
      const journal = opts.manifestPath ? journalPath(path.resolve(opts.manifestPath)) : undefined;
      const earlier = await readJournal(journal, pair, log);
      const p = await plan(ctx, opts, log);
      const { pre, delta } = p;
      // What an interrupted run of this pair copied and the target still holds equal: freehold's too.
      const present = new Set(pre.present);
      const earlierCopied = earlier.keys.filter((k) => present.has(k) && !(delta?.removed ?? []).includes(k));
      const journalFile = await openJournal(journal, pair, earlierCopied, log);
      const { copyLog, copyMs, copiedKeys, withheld } = await copyAll(ctx, opts, p.runs, { transfers, record: journalFile.record }, log).finally(() => journalFile.close());
      const stats = copyLog.stats;
      log(`copied ${stats.transfers ?? 0} object(s), ${stats.bytes ?? 0} bytes (${pre.different.length} replacing a different one); ${pre.present.length} already present`);
      const v = await verifyCopied(ctx, opts, { mode, copied: copiedKeys, transfers }, log);
      const problems = [...withheldProblems(objectProblems(v.entries), withheld), ...skippedProblems(v.skipped)];
      const keptWritten = [...(delta?.keptWritten ?? []), ...withheld].sort();
      const changed = delta?.changed.filter((k) => !withheld.includes(k)) ?? [];
      const manifestPath = await manifestTarget(opts, problems.length === 0);
      const manifest: ObjectManifest = {
        kind: "objects",
        formatVersion: 3,
        startedAt,
        finishedAt: new Date().toISOString(),
        source: describeRemote(opts.from),
        target: describeRemote(opts.to),
        tools: { rclone: await version },
        hashType: "md5",
        verifyMode: mode,
        copy: {
          transferred: stats.transfers ?? 0,
          replaced: opts.replace ? pre.different.length : changed.length,
          alreadyPresent: pre.present.length,
          bytes: stats.bytes ?? 0,
          checks: stats.checks ?? 0,
          errors: stats.errors ?? 0,
          transfers,
        },
        replacedObjects: opts.replace ? pre.different.map((x) => x.path) : changed,
        // What the application wrote over freehold's copy is no longer freehold's: a later delta never deletes it.
        copiedObjects: chainCopied(opts.since, [...(delta?.removed ?? []), ...keptWritten], [...earlierCopied, ...copiedKeys, ...v.recopied]),
        // An interrupted run's record cut short lost at least one key it copied: that object is not known as freehold's.
        ...(earlier.torn || opts.since?.copiedObjectsIncomplete ? { copiedObjectsIncomplete: true } : {}),
        ...(v.recopied.length > 0 ? { recopiedObjects: v.recopied } : {}),
        ...(delta && opts.since ? { delta: { since: opts.since.finishedAt, changed, removed: delta.removed, added: pre.sourceObjects - pre.present.length - delta.changed.length, ...(delta.removedUnknown.length ? { notDeleted: delta.removedUnknown } : {}), ...(keptWritten.length ? { keptWritten } : {}), ...(delta.unproven.length ? { notProven: delta.unproven } : {}) } } : {}),
        followLinks: opts.followLinks === true,
        timings: { copyMs, verifyMs: v.ms, totalMs: Date.now() - t0 },
        objects: v.entries,
        extraTargetObjects: v.extra,
        totals: { objects: v.entries.length, bytes: v.entries.reduce((n, e) => n + e.size, 0), mismatches: problems.length },
        ok: problems.length === 0,
      };
      if (manifestPath) {
        await writeJsonAtomic(manifestPath, manifest).catch((e: unknown) => {
          throw new MigrationError(
            "objects",
            `the objects were ${problems.length === 0 ? "copied and verified" : "copied, and the verification found problems"}, but the manifest could not be written to ${manifestPath}: ${(e as Error).message}. Check room and permissions where the manifest goes (--manifest), then run the same command again: it copies only what is missing and writes the manifest.`,
            [{ item: manifestPath, message: `cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)})` }],
          );
        });
        log(`manifest written to ${manifestPath}`);
      }
      if (problems.length === 0) await dropJournal(journal);
      if (problems.length > 0) throw new MigrationError("objects", `verification failed: ${problems.length} object(s) missing, different or not copied`, problems, manifestPath);
      log(`verified ${manifest.totals.objects} objects, ${manifest.totals.bytes} bytes: all equal`);
      return manifest;
    },
    { flags: opts.followLinks ? ["--copy-links"] : [], ...(opts.signal ? { signal: opts.signal } : {}) },
  );
}
