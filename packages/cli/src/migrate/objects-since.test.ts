/**
 * The final delta's trust in the manifest it is given, what it may delete and
 * how much, and where a failed delta's manifest goes: pure checks, no rclone.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type ListedObject, type ObjectManifest, writeJsonAtomic } from "./manifest";
import { manifestTarget } from "./objects";
import { chainCopied, planDelta } from "./objects-delta";
import { lockManifest, processStart, readJournal } from "./objects-journal";
import { readSinceManifest, refuseMassDelete } from "./objects-since";

const dir = mkdtempSync(path.join(os.tmpdir(), "freehold-since-test-"));
const md5 = (c: string) => c.repeat(32);
const entry = (p: string, c: string) => ({ path: p, size: 1, hash: md5(c), targetSize: 1, targetHash: md5(c), hashSource: "backend" as const, match: true });
const listed = (p: string, c: string): ListedObject => ({ path: p, size: 1, md5: md5(c), hashSource: "backend" });
const remote = { type: "local", path: "/x", options: {} };
const first = (copied: string[] | undefined): ObjectManifest =>
  ({
    kind: "objects",
    formatVersion: copied ? 3 : 2,
    startedAt: "2026-12-06T10:00:00.000Z",
    finishedAt: "2026-12-06T10:01:00.000Z",
    source: remote,
    target: remote,
    ok: true,
    objects: [entry("theirs.txt", "a"), entry("ours.txt", "b"), entry("kept.txt", "c")],
    extraTargetObjects: [],
    ...(copied ? { copiedObjects: copied } : {}),
  }) as unknown as ObjectManifest;

describe("what a delta deletes", () => {
  const target = [listed("theirs.txt", "a"), listed("ours.txt", "b"), listed("kept.txt", "c")];
  const source = new Set(["kept.txt"]);
  it("deletes only objects a freehold run copied, never one the target held before the first run", () => {
    expect(planDelta(first(["ours.txt", "kept.txt"]), [], source, target)).toMatchObject({ removed: ["ours.txt"], removedUnknown: [] });
  });
  it("names what it keeps because no run is recorded as having written it, so its count of what the source removed is true", () => {
    expect(planDelta(first(["ours.txt", "kept.txt"]), [], source, target)).toMatchObject({ removed: ["ours.txt"], unproven: ["theirs.txt"] });
  });
  it("deletes nothing on a manifest that does not record what freehold copied, naming what it leaves", () => {
    expect(planDelta(first(undefined), [], source, target)).toMatchObject({ removed: [], removedUnknown: ["theirs.txt", "ours.txt"] });
  });
  it("chains the record: the earlier copies less the deleted, and this run's copies", () => {
    expect(chainCopied(first(["ours.txt", "kept.txt"]), ["ours.txt"], ["new.txt"])).toEqual(["kept.txt", "new.txt"]);
  });
  it("refuses more than 100 deletions or half of what freehold copied unless --max-delete allows them", () => {
    expect(() => refuseMassDelete(["a", "b", "c"], 4, undefined)).toThrow(
      "refusing the delta: 3 object(s) freehold copied are gone from the source and would be deleted from the target, more than the default limit (100 objects, and half of the 4 object(s) freehold copied into the target: 2); nothing was copied or deleted. Check that the source is the right one and complete; if these deletions are meant, run again with --max-delete 3.",
    );
    expect(() => refuseMassDelete(["a", "b"], 4, undefined)).not.toThrow();
    expect(() => refuseMassDelete(["a", "b", "c"], 4, 3)).not.toThrow();
    expect(() => refuseMassDelete(["a"], 400, 0)).toThrow("more than --max-delete 0");
    expect(() => refuseMassDelete(Array.from({ length: 101 }, (_, i) => `k${i}`), 1000, undefined)).toThrow("more than the default limit");
  });
});

describe("which manifest a delta trusts", () => {
  it("refuses another user's manifest", async () => {
    if (process.getuid?.() !== 0) return; // giving a file to another user needs root, as these tests run
    const file = path.join(dir, "nobody.json");
    writeFileSync(file, JSON.stringify(first(["ours.txt"])), { mode: 0o600 });
    chownSync(file, Number(execFileSync("id", ["-u", "nobody"], { encoding: "utf8" })), 0);
    await expect(readSinceManifest(file)).rejects.toThrow(`  - ${file}: is owned by user ${execFileSync("id", ["-u", "nobody"], { encoding: "utf8" }).trim()}, not by this user (0): only a manifest this user wrote is trusted`);
  });
  it("refuses a manifest in a folder others can write without the sticky bit", async () => {
    const open = mkdtempSync(path.join(dir, "open-"));
    chmodSync(open, 0o777);
    const file = path.join(open, "m.json");
    writeFileSync(file, JSON.stringify(first(["ours.txt"])), { mode: 0o600 });
    await expect(readSinceManifest(file)).rejects.toThrow(`  - ${open}: can be written by others without the sticky bit (mode 0777)`);
  });
  it("lists every problem of a malformed manifest with its path", async () => {
    const file = path.join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ kind: "objects", formatVersion: 7, startedAt: "yesterday", source: {}, ok: "yes", objects: [{ path: "x", size: -1, targetHash: "zz" }] }), { mode: 0o600 });
    const e = (await readSinceManifest(file).catch((x: unknown) => x)) as Error;
    expect(e.message).toContain(`refusing the delta: the manifest ${file} is not the manifest of a freehold migrate objects run; nothing was copied or deleted.`);
    for (const p of ["formatVersion", "startedAt", "finishedAt", "source.type", "source.options", "target", "ok", "objects.0.size", "objects.0.hash", "objects.0.targetHash", "extraTargetObjects"]) expect(e.message, p).toContain(`  - ${p}: `);
    expect(e.message).toContain("  - objects.0.targetHash: an MD5 in hex (32 digits)");
  });
  it("a failed delta never writes over the manifest it was given: its own goes beside it", async () => {
    const given = path.join(dir, "objects-manifest.json");
    writeFileSync(given, "{}", { mode: 0o600 });
    const same = { from: { type: "local" as const, path: "/a", options: {} }, to: { type: "local" as const, path: "/b", options: {} }, manifestPath: given, sincePath: given };
    expect(await manifestTarget(same, false)).toBe(path.join(dir, "objects-manifest.failed.json"));
    expect(await manifestTarget(same, true)).toBe(given);
    expect(await manifestTarget({ ...same, manifestPath: path.join(dir, "other.json") }, false)).toBe(path.join(dir, "other.json"));
  });
});

describe("the record of an interrupted run (<manifest>.copied)", () => {
  const pair = { source: remote, target: { ...remote, path: "/y" } };
  const journal = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text, { mode: 0o600 });
    return file;
  };
  const head = `${JSON.stringify(pair)}\n`;

  it("keeps every complete line before a last line cut mid-key (what a crash or a full disk leaves), and says the record is incomplete", async () => {
    const lines: string[] = [];
    const file = journal("torn.copied", `${head}"a.txt"\n"b.txt"\n"c.t`);
    expect(await readJournal(file, pair, (l) => lines.push(l))).toEqual({ keys: ["a.txt", "b.txt"], torn: true });
    expect(lines[0]).toBe(
      `${file} ends mid-line (the run that wrote it was stopped while writing, or could not write any more): keeping the 2 complete key(s); what that run copied after them is not known as freehold's, and the manifest says its record is incomplete`,
    );
    // What a run whose write failed leaves: its complete lines, the last newline cut.
    expect(await readJournal(journal("cut.copied", `${head}"a.txt"\n"b.txt"`), pair, () => {})).toEqual({ keys: ["a.txt", "b.txt"], torn: true });
    expect(await readJournal(journal("whole.copied", `${head}"a.txt"\n"b.txt"\n`), pair, () => {})).toEqual({ keys: ["a.txt", "b.txt"], torn: false });
  });

  it("distrusts the whole record when a line before the last or its header is bad", async () => {
    const lines: string[] = [];
    expect(await readJournal(journal("middle.copied", `${head}"a.txt"\n"b.t\n"c.txt"\n`), pair, (l) => lines.push(l))).toEqual({ keys: [], torn: false });
    expect(lines[0]).toContain("is not a record freehold wrote (line 3 is not one JSON string)");
    expect(await readJournal(journal("head.copied", `{"source":\n"a.txt"\n`), pair, (l) => lines.push(l))).toEqual({ keys: [], torn: false });
    expect(await readJournal(journal("other.copied", `${JSON.stringify({ ...pair, target: remote })}\n"a.txt"\n`), pair, (l) => lines.push(l))).toEqual({ keys: [], torn: false });
    expect(lines.at(-1)).toContain("records another source or target");
  });
});

describe("one run at a time with a manifest (<manifest>.lock)", () => {
  it("refuses a second run while a live run holds the lock, naming it; releases its own at the end", () => {
    const manifest = path.join(dir, "locked.json");
    // The holder: a live process other than this one (the run's check treats its own pid as stale).
    const holder = execFileSync("sh", ["-c", "sleep 30 >/dev/null 2>&1 & echo $!"], { encoding: "utf8" }).trim();
    try {
      writeFileSync(`${manifest}.lock`, JSON.stringify({ pid: Number(holder), start: processStart(Number(holder)), startedAt: "2026-12-07T04:00:00.000Z" }), { mode: 0o600 });
      expect(() => lockManifest(manifest, () => {})).toThrow(
        `refusing to migrate: another run (pid ${holder}, started 2026-12-07T04:00:00.000Z) is using the manifest ${manifest}; nothing was copied. Wait for it to end, or give this run another --manifest. If that process is not a freehold run, remove ${manifest}.lock and run again.`,
      );
    } finally {
      process.kill(Number(holder));
    }
  });

  it("takes over the lock of a run that is no longer going (a dead pid, or a live pid started at another time), and says so", () => {
    const manifest = path.join(dir, "stale.json");
    const lines: string[] = [];
    // pid 1 is alive, but not the process that started at tick "1" (reused pid).
    writeFileSync(`${manifest}.lock`, JSON.stringify({ pid: 1, start: "1", startedAt: "2026-12-07T03:00:00.000Z" }), { mode: 0o600 });
    const release = lockManifest(manifest, (l) => lines.push(l));
    expect(lines).toEqual([`taking over ${manifest}.lock: the run that left it (pid 1, started 2026-12-07T03:00:00.000Z) is no longer going`]);
    expect(JSON.parse(readFileSync(`${manifest}.lock`, "utf8"))).toMatchObject({ pid: process.pid });
    release();
    expect(readdirSync(dir).filter((f) => f.startsWith("stale.json"))).toEqual([]);
  });
});

describe("a manifest's temporary file", () => {
  it("is never at a name another user could create in advance: a planted <manifest>.<pid>.tmp does not stop the write, and nothing is left beside it", async () => {
    const folder = mkdtempSync(path.join(dir, "atomic-"));
    const file = path.join(folder, "m.json");
    mkdirSync(`${file}.${process.pid}.tmp`); // what another user of a shared folder could plant
    await writeJsonAtomic(file, { ok: true });
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ ok: true });
    expect(readdirSync(folder).sort()).toEqual(["m.json", `m.json.${process.pid}.tmp`]);
  });
});
