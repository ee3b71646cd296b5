/**
 * Reading the manifest a final delta (`--since`) is given, and the limit on
 * what it may delete.
 *
 * The delta deletes objects from the target on the manifest's word, so the
 * manifest is trusted only when this user wrote it: a regular file owned by
 * the current user, writable by nobody else, in a folder nobody else can
 * write (or a sticky one, such as /tmp, where only the file's owner may
 * replace it). Its shape is checked by a schema, every problem listed at once.
 * Whether it describes this source and target is checked by `sinceProblems`
 * (objects-delta.ts).
 */
import { constants, type Stats, statSync } from "node:fs";
import { open, readFile, realpath } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { MigrationError, type MigrationProblem } from "./errors";
import { openAncestor } from "./folders";
import type { ObjectManifest } from "./manifest";

const remote = z.object({ type: z.string(), path: z.string(), options: z.record(z.string(), z.string()) });
const md5 = z.string().regex(/^[0-9a-fA-F]{32}$/, "an MD5 in hex (32 digits)");
const entry = z.object({
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  hash: z.string(),
  targetSize: z.number().int().nonnegative().nullable(),
  targetHash: md5.nullable(),
  hashSource: z.enum(["backend", "computed"]),
  match: z.boolean(),
  problem: z.enum(["missing", "size", "hash", "no-hash"]).optional(),
});

/** What a delta reads of an earlier objects manifest (formats 2 and 3; unknown fields are kept, not trusted). */
export const sinceManifestSchema = z.looseObject({
  kind: z.literal("objects"),
  formatVersion: z.union([z.literal(2), z.literal(3)]),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  source: remote,
  target: remote,
  ok: z.boolean(),
  objects: z.array(entry),
  extraTargetObjects: z.array(z.string()),
  copiedObjects: z.array(z.string().min(1)).optional(),
  copiedObjectsIncomplete: z.literal(true).optional(),
});

/** Why this user should not trust the file at `file` (its real path): every reason at once. */
export async function trustProblems(file: string, uid: number): Promise<MigrationProblem[]> {
  const out: MigrationProblem[] = [];
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const st = await handle.stat();
    if (!st.isFile()) out.push({ item: file, message: "is not a regular file" });
    if (st.uid !== uid) out.push({ item: file, message: `is owned by user ${st.uid}, not by this user (${uid}): only a manifest this user wrote is trusted` });
    if ((st.mode & 0o022) !== 0) out.push({ item: file, message: `is writable by ${st.mode & 0o002 ? "every user" : "its group"} (mode ${(st.mode & 0o777).toString(8).padStart(4, "0")}): anyone could have changed what it says` });
  } finally {
    await handle.close();
  }
  out.push(...folderProblems(path.dirname(file), uid, "could have replaced"));
  return out;
}

/**
 * Why a manifest in `dir` is not safe from other users: a folder above it they can write without
 * the sticky bit, or the folder belonging to another user (not root) without it. `verb`: what they
 * could do to the manifest. A folder not made yet is judged by the folders above it.
 */
export function folderProblems(dir: string, uid: number, verb: string): MigrationProblem[] {
  const out: MigrationProblem[] = [];
  const loose = openAncestor(dir);
  if (loose !== undefined) out.push({ item: loose, message: `can be written by others without the sticky bit (mode ${(statSync(loose).mode & 0o7777).toString(8).padStart(4, "0")}): anyone ${verb} the manifest below it` });
  let ds: Stats | undefined;
  try {
    ds = statSync(dir);
  } catch {
    ds = undefined; // not made yet: the folders above it were judged
  }
  if (ds && (ds.mode & 0o1000) === 0 && ds.uid !== uid && ds.uid !== 0) out.push({ item: dir, message: `the folder holding the manifest belongs to user ${ds.uid}, who ${verb} it` });
  return out;
}

/**
 * Refuse (a usage error: nothing is copied) a `--manifest` in a folder other users can change:
 * they could replace the manifest a later final delta deletes by, or plant the names a run writes beside it.
 */
export function manifestFolderProblems(file: string, uid = process.getuid?.() ?? 0): string[] {
  const found = folderProblems(path.dirname(path.resolve(file)), uid, "could replace");
  return found.map((p) => `--manifest ${file}: ${p.item} ${p.message}; give a manifest path in a folder only you can change (chmod go-w ${p.item}, or a folder in your home)`);
}

/** Read, check and parse the manifest given to `--since`; throws one error naming every problem. */
export async function readSinceManifest(file: string, uid = process.getuid?.() ?? 0): Promise<ObjectManifest> {
  const refuse = (problems: MigrationProblem[], why: string) => new MigrationError("objects", `refusing the delta: the manifest ${file} ${why}; nothing was copied or deleted.`, problems);
  let real: string;
  try {
    real = await realpath(file);
  } catch (e) {
    throw refuse([{ item: file, message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}): give the manifest an earlier freehold migrate objects wrote` }], "cannot be read");
  }
  const distrust = await trustProblems(real, uid);
  if (distrust.length > 0) throw refuse(distrust, "is not one this user wrote and kept private");
  let json: unknown;
  try {
    json = JSON.parse(await readFile(real, "utf8"));
  } catch (e) {
    throw refuse([{ item: file, message: `is not JSON: ${(e as Error).message}` }], "is not the manifest of a freehold migrate objects run");
  }
  const parsed = sinceManifestSchema.safeParse(json);
  if (!parsed.success)
    throw refuse(
      parsed.error.issues.map((i) => ({ item: i.path.length ? i.path.join(".") : "(the file)", message: i.message })),
      "is not the manifest of a freehold migrate objects run",
    );
  return parsed.data as unknown as ObjectManifest;
}

/** The default limit on a delta's deletions without `maxDelete`: at most this many objects... */
export const DEFAULT_MAX_DELETE = 100;

/**
 * Refuse a delta that would delete more than it is allowed to: `maxDelete` when given, else at most
 * DEFAULT_MAX_DELETE objects and at most half of the objects freehold copied into the target. A source
 * emptied by mistake (or by an attacker) then deletes nothing.
 */
export function refuseMassDelete(removed: string[], copied: number, maxDelete: number | undefined): void {
  const limit = maxDelete ?? Math.min(DEFAULT_MAX_DELETE, Math.floor(copied / 2));
  if (removed.length <= limit) return;
  const why =
    maxDelete !== undefined
      ? `more than --max-delete ${maxDelete}`
      : `more than the default limit (${DEFAULT_MAX_DELETE} objects, and half of the ${copied} object(s) freehold copied into the target: ${limit})`;
  throw new MigrationError(
    "objects",
    `refusing the delta: ${removed.length} object(s) freehold copied are gone from the source and would be deleted from the target, ${why}; nothing was copied or deleted. Check that the source is the right one and complete; if these deletions are meant, run again with --max-delete ${removed.length}.`,
    removed.slice(0, 20).map((k) => ({ item: k, message: "would be deleted from the target" })),
  );
}
