import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Write report files all or nothing: each is written to a temporary name
 * first, and only when every one is written are they renamed into place.
 */
export function writeFilesAtomically(dir: string, files: Record<string, string>): string[] {
  mkdirSync(dir, { recursive: true });
  const tmp = Object.keys(files).map((name) => ({ name, tmp: join(dir, `.${name}.${process.pid}.tmp`) }));
  try {
    for (const t of tmp) writeFileSync(t.tmp, files[t.name] as string);
  } catch (e) {
    for (const t of tmp) rmSync(t.tmp, { force: true });
    throw e;
  }
  for (const t of tmp) renameSync(t.tmp, join(dir, t.name));
  return tmp.map((t) => join(dir, t.name));
}

/** Why `dir` cannot receive a new directory's files, or undefined when it can (missing, or an empty directory). */
export function notEmptyDirectory(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  if (!statSync(dir).isDirectory()) return `${dir} exists and is not a directory`;
  if (readdirSync(dir).length) return `${dir} exists and is not empty; give a new directory (nothing is ever written over existing files)`;
  return undefined;
}

/**
 * Write a new directory all or nothing: the files go into a temporary sibling
 * directory first, which is renamed to `dir` only when every file is written.
 * `dir` must not exist, or be empty.
 */
export function writeDirectoryAtomically(dir: string, files: Record<string, string>): string[] {
  const why = notEmptyDirectory(dir);
  if (why) throw new Error(why);
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = join(dirname(dir), `.${basename(dir)}.${process.pid}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(tmp, name)), { recursive: true });
      writeFileSync(join(tmp, name), text);
    }
    if (existsSync(dir)) rmdirSync(dir);
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return Object.keys(files).map((f) => join(dir, f));
}
