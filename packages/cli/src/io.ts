import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

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
