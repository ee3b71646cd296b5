/**
 * The final delta of a live exit's objects: a second `migrate objects`
 * after a first, given the first run's manifest (`since`), moves only what
 * changed at the source meanwhile, then verifies every object as the first
 * run did.
 *
 * The manifest is read only when this user wrote it (objects-since.ts), and
 * trusted only for the same source and target (compared as the manifest
 * describes them), and only where the target still holds what that run
 * verified (same size and MD5): such an object
 * - changed at the source since: replaced (it is as the run left it);
 * - removed from the source since, and in the manifest's `copiedObjects`
 *   (a freehold run wrote it, not someone before the first run): deleted from
 *   the target, and named in the new manifest's `delta.removed`.
 * Anything else the target holds with other content is someone else's: the
 * run refuses as a first run does, and an object in the target no freehold
 * run copied is left alone (listed as extra).
 */
import { rcloneFailure } from "./diagnose";
import { MigrationError } from "./errors";
import type { ListedObject, ObjectManifest } from "./manifest";
import { describeRemote, type RcloneContext, type RcloneRemote, rclone } from "./rclone";

export interface DeltaPlan {
  /** Keys the first run copied that changed at the source since: replaced. */
  changed: string[];
  /** Keys the first run copied that are gone from the source: deleted from the target. */
  removed: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Why a manifest cannot serve as the first run of this source and target: every reason at once. */
export function sinceProblems(since: ObjectManifest, from: RcloneRemote, to: RcloneRemote): Array<{ item: string; message: string }> {
  const out: Array<{ item: string; message: string }> = [];
  if (since.kind !== "objects") out.push({ item: "kind", message: `is ${JSON.stringify(since.kind)}, not an objects manifest of freehold migrate objects` });
  if (!since.ok) out.push({ item: "ok", message: "the earlier run was not verified: run it again until it is, then the delta" });
  if (!same(since.source, describeRemote(from))) out.push({ item: "source", message: `is ${JSON.stringify(since.source)}, not this run's source ${JSON.stringify(describeRemote(from))}` });
  if (!same(since.target, describeRemote(to))) out.push({ item: "target", message: `is ${JSON.stringify(since.target)}, not this run's target ${JSON.stringify(describeRemote(to))}` });
  return out;
}

/** Which of the target's objects the earlier run verified as they are now (same size and MD5). */
function ours(since: ObjectManifest, target: ListedObject): boolean {
  const e = since.objects.find((o) => o.path === target.path);
  return e?.match === true && e.targetSize === target.size && e.targetHash !== null && target.md5 !== null && e.targetHash.toLowerCase() === target.md5.toLowerCase();
}

/**
 * Split what the target holds with other content than the source into the
 * earlier run's objects changed at the source (replaced) and the rest
 * (refused), and find the objects a freehold run copied (`copiedObjects`,
 * chained from delta to delta) that the source no longer has: only those are
 * deleted. An object that was already in the target, equal, before the first
 * run is never deleted: gone from the source, it is named in `unproven` (kept,
 * and said so: a "0 removed" is never printed over objects the source removed). A manifest without `copiedObjects` (written before
 * freehold recorded it) deletes nothing: `removedUnknown` names what stays.
 */
export function planDelta(
  since: ObjectManifest,
  different: Array<{ path: string; target: ListedObject }>,
  source: ReadonlySet<string>,
  target: ListedObject[],
): DeltaPlan & { foreign: string[]; removedUnknown: string[]; unproven: string[] } {
  const changed: string[] = [];
  const foreign: string[] = [];
  for (const d of different) (ours(since, d.target) ? changed : foreign).push(d.path);
  const gone = target.filter((t) => !source.has(t.path) && ours(since, t)).map((t) => t.path);
  if (!since.copiedObjects) return { changed, removed: [], foreign, removedUnknown: gone, unproven: [] };
  const copied = new Set(since.copiedObjects);
  return { changed, removed: gone.filter((k) => copied.has(k)), foreign, removedUnknown: [], unproven: gone.filter((k) => !copied.has(k)) };
}

/** What the new manifest records as copied by freehold: the earlier record, less what was deleted, and what this run copied. */
export function chainCopied(since: ObjectManifest | undefined, removed: string[], copiedNow: string[]): string[] {
  const gone = new Set(removed);
  return [...new Set([...(since?.copiedObjects ?? []).filter((k) => !gone.has(k)), ...copiedNow])].sort();
}

/** The target's object under `key` as it is now (size, and MD5: stored, else read), or undefined when it holds none. */
export async function targetNow(ctx: RcloneContext, key: string): Promise<ListedObject | undefined> {
  const spec = `${(ctx.specs.FHDST ?? "").replace(/\/+$/, "")}/${key}`;
  // --stat: this one path, never the contents of a folder of that name.
  const r = await rclone(ctx, ["lsjson", "--stat", "--files-only", "--no-mimetype", "--no-modtime", "--hash", "--hash-type", "MD5", spec]);
  if (r.code === 3) return undefined;
  if (r.code !== 0) throw rcloneFailure(r, { side: "target", action: `read ${key} again before changing it` });
  const item = JSON.parse(r.stdout || "null") as { Size: number; IsDir?: boolean; Hashes?: Record<string, string> } | null;
  if (!item || item.IsDir) return undefined;
  let md5 = item.Hashes?.md5 || null;
  if (!md5) {
    const h = await rclone(ctx, ["md5sum", "--download", spec]);
    md5 = h.code === 0 ? (/^([0-9a-f]{32}) /.exec(h.stdout)?.[1] ?? null) : null;
  }
  return { path: key, size: item.Size, md5, hashSource: "backend" };
}

/**
 * Whether the target holds under `key`, read just now, exactly what the earlier run verified there.
 * The final delta runs while the application may already write into the target: a delta deletes or
 * replaces an object only when this is still true just before it does.
 */
export async function stillAsCopied(ctx: RcloneContext, since: ObjectManifest, key: string): Promise<boolean> {
  const now = await targetNow(ctx, key);
  return now !== undefined && ours(since, now);
}

/** Run `one` for every key, `workers` at a time. */
export async function eachKey(keys: string[], workers: number, one: (key: string) => Promise<void>): Promise<void> {
  const queue = [...keys];
  const worker = async () => {
    for (let key = queue.shift(); key !== undefined; key = queue.shift()) await one(key);
  };
  await Promise.all(Array.from({ length: Math.min(workers, queue.length) }, worker));
}

/**
 * Delete the first run's objects the source no longer has (rclone deletefile: never a folder),
 * `checkers` at a time, each only if the target still holds it as the first run copied it, read
 * again just before: an object written into the target under that key meanwhile is kept.
 */
export async function deleteRemoved(ctx: RcloneContext, since: ObjectManifest, removed: string[], log: (l: string) => void, checkers = 8): Promise<{ deleted: string[]; kept: string[] }> {
  const dst = (ctx.specs.FHDST ?? "").replace(/\/+$/, "");
  const deleted: string[] = [];
  const kept: string[] = [];
  await eachKey(removed, checkers, async (key) => {
    if (!(await stillAsCopied(ctx, since, key))) {
      kept.push(key);
      log(`kept ${key}: removed from the source, but the target's object changed since the first copy (written there meanwhile), so it is not freehold's to delete`);
      return;
    }
    const r = await rclone(ctx, ["deletefile", `${dst}/${key}`]);
    if (r.code !== 0) throw new MigrationError("objects", `could not delete ${key} from the target (removed from the source since the first copy)`, [{ item: key, message: r.stderr.trim().split("\n").pop() ?? "" }]);
    deleted.push(key);
    log(`deleted ${key} (removed from the source since the first copy)`);
  });
  return { deleted: deleted.sort(), kept: kept.sort() };
}
