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
 * run is never deleted. A manifest without `copiedObjects` (written before
 * freehold recorded it) deletes nothing: `removedUnknown` names what stays.
 */
export function planDelta(
  since: ObjectManifest,
  different: Array<{ path: string; target: ListedObject }>,
  source: ReadonlySet<string>,
  target: ListedObject[],
): DeltaPlan & { foreign: string[]; removedUnknown: string[] } {
  const changed: string[] = [];
  const foreign: string[] = [];
  for (const d of different) (ours(since, d.target) ? changed : foreign).push(d.path);
  const gone = target.filter((t) => !source.has(t.path) && ours(since, t)).map((t) => t.path);
  if (!since.copiedObjects) return { changed, removed: [], foreign, removedUnknown: gone };
  const copied = new Set(since.copiedObjects);
  return { changed, removed: gone.filter((k) => copied.has(k)), foreign, removedUnknown: [] };
}

/** What the new manifest records as copied by freehold: the earlier record, less what was deleted, and what this run copied. */
export function chainCopied(since: ObjectManifest | undefined, removed: string[], copiedNow: string[]): string[] {
  const gone = new Set(removed);
  return [...new Set([...(since?.copiedObjects ?? []).filter((k) => !gone.has(k)), ...copiedNow])].sort();
}

/** Delete the first run's objects the source no longer has (rclone deletefile: never a folder), `checkers` at a time. */
export async function deleteRemoved(ctx: RcloneContext, removed: string[], log: (l: string) => void, checkers = 8): Promise<void> {
  const dst = (ctx.specs.FHDST ?? "").replace(/\/+$/, "");
  const queue = [...removed];
  const one = async (key: string) => {
    const r = await rclone(ctx, ["deletefile", `${dst}/${key}`]);
    if (r.code !== 0) throw new MigrationError("objects", `could not delete ${key} from the target (removed from the source since the first copy)`, [{ item: key, message: r.stderr.trim().split("\n").pop() ?? "" }]);
    log(`deleted ${key} (removed from the source since the first copy)`);
  };
  const worker = async () => {
    for (let key = queue.shift(); key !== undefined; key = queue.shift()) await one(key);
  };
  await Promise.all(Array.from({ length: Math.min(checkers, queue.length) }, worker));
}
