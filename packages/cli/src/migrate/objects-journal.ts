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
import { appendFileSync, closeSync, openSync, writeSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import type { RemoteDescription } from "./manifest";
import { trustProblems } from "./objects-since";

export const journalPath = (manifestFile: string) => `${manifestFile}.copied`;

/**
 * Start this run's record afresh (any earlier one removed), holding the `earlier` keys already,
 * and return what appends each key rclone reports copied. Created exclusively, 0600. When it cannot
 * be created, the run goes on without one (said in the log): only a resume then loses the record.
 */
export async function openJournal(file: string | undefined, pair: { source: RemoteDescription; target: RemoteDescription }, earlier: string[], log: (l: string) => void): Promise<(key: string) => void> {
  if (!file) return () => {};
  try {
    await rm(file, { force: true });
    const fd = openSync(file, "wx", 0o600);
    writeSync(fd, [JSON.stringify(pair), ...earlier.map((k) => JSON.stringify(k))].map((l) => `${l}\n`).join(""));
    closeSync(fd);
  } catch (e) {
    log(`not recording copied objects in ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}): if this run is interrupted, a later delta will not delete what it copied`);
    return () => {};
  }
  return (key) => appendFileSync(file, `${JSON.stringify(key)}\n`);
}

/** The keys an earlier, interrupted run of this source and target recorded; none when there is no trustworthy record. */
export async function readJournal(file: string | undefined, pair: { source: RemoteDescription; target: RemoteDescription }, log: (l: string) => void, uid = process.getuid?.() ?? 0): Promise<string[]> {
  if (!file) return [];
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return [];
  const distrust = await trustProblems(file, uid).catch(() => [{ item: file, message: "cannot be checked" }]);
  const [head, ...rest] = text.split("\n").filter((l) => l !== "");
  let keys: string[] = [];
  try {
    keys = JSON.stringify(JSON.parse(head ?? "null")) === JSON.stringify(pair) ? rest.map((l) => JSON.parse(l) as unknown).filter((k): k is string => typeof k === "string" && k !== "") : [];
    if (keys.length === 0 && rest.length > 0) distrust.push({ item: file, message: "records another source or target" });
  } catch {
    distrust.push({ item: file, message: "is not a record freehold wrote (not one JSON value a line)" });
  }
  if (distrust.length > 0) {
    log(`ignoring ${file}: ${distrust.map((d) => d.message).join("; ")}`);
    return [];
  }
  log(`${keys.length} object(s) recorded as copied by an interrupted run of this source and target (${file})`);
  return keys;
}

/** Remove the record once a verified manifest holds what it said. */
export async function dropJournal(file: string | undefined): Promise<void> {
  if (file) await rm(file, { force: true });
}
