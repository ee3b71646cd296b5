/**
 * The work folder a database migration trusts (no servers): private, bound to
 * its source/target pair, never another user's, never anything else in a
 * folder the user named.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { MigrationToolError } from "./errors";
import { UntrustedFileError, userFolderProblems } from "./folders";
import { type DumpMarker, openWorkDir, type Pair, pairKey, type RestoreJournal } from "./workdir";
import { startOfProcess } from "./proc";

const NOBODY = 65534;
const pair: Pair = { source: 'cluster 1, database 16384 "shop"', target: 'cluster 2, database 16385 "shop"' };
const other: Pair = { source: pair.source, target: 'cluster 3, database 16390 "shop"' };
let scratch = "";
let savedTmp: string | undefined;

beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), "freehold-folders-test-"));
  savedTmp = process.env.TMPDIR;
});
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const fresh = (name: string) => {
  const d = path.join(scratch, name);
  mkdirSync(d, { mode: 0o700 });
  return d;
};
const journal = (target = pair.target): RestoreJournal => ({ formatVersion: 3, target: "postgresql://x@h/db", targetIdentity: target, startedAt: "now", horizon: "700:700:", tables: [] });

describe("a folder the user names", () => {
  it("is refused below a folder its group may write in (no sticky bit), as below one all may write in", () => {
    const grp = path.join(scratch, "grp");
    mkdirSync(grp);
    chmodSync(grp, 0o2775);
    expect(userFolderProblems(path.join(grp, "wd"), "work-dir")).toEqual([
      `--work-dir ${path.join(grp, "wd")}: ${grp} lets other users rename what is in it (writable by its group, no sticky bit); give a folder whose every parent only its owners can change`,
    ]);
  });

  it("is refused when it is a file, a symbolic link, another user's, open to others, or on /proc, /sys or /dev, each said plainly", () => {
    const file = path.join(scratch, "a-file");
    writeFileSync(file, "x");
    const link = path.join(scratch, "a-link");
    symlinkSync(fresh("link-target"), link);
    const theirs = fresh("theirs");
    chownSync(theirs, NOBODY, NOBODY);
    const open = fresh("open");
    chmodSync(open, 0o777);
    const sticky = fresh("sticky");
    chmodSync(sticky, 0o1777);
    expect(userFolderProblems(file, "work-dir")).toEqual([`--work-dir ${file}: is a file, not a folder`]);
    expect(userFolderProblems(link, "work-dir")).toEqual([`--work-dir ${link}: is a symbolic link; give the folder it points to (a link can be changed under a running migration)`]);
    expect(userFolderProblems(theirs, "out")).toEqual([`--out ${theirs}: belongs to another user (uid ${NOBODY}); give a folder you own`]);
    expect(userFolderProblems(open, "work-dir")[0]).toMatch(/: others can write in it \(mode 777\), so they could replace what this run writes/);
    expect(userFolderProblems(sticky, "work-dir")).toEqual([]);
    expect(userFolderProblems("/proc/self", "work-dir")).toEqual(["--work-dir /proc/self: /proc is a kernel or device interface, not storage; give a folder on a disk"]);
    expect(userFolderProblems("/sys/kernel/x", "work-dir")[0]).toContain("/sys is a kernel or device interface");
    expect(userFolderProblems("/dev/null/x", "work-dir")[0]).toContain("/dev is a kernel or device interface");
    expect(userFolderProblems(path.join(file, "sub"), "work-dir")).toEqual([`--work-dir ${path.join(file, "sub")}: ${file} is a file, not a folder`]);
    expect(userFolderProblems(path.join(scratch, "not-yet", "deeper"), "work-dir")).toEqual([]);
  });

  it("is refused inside a folder anyone may rename things in (writable by all, no sticky bit), and so is such a temporary directory", async () => {
    const lax = fresh("lax");
    chmodSync(lax, 0o777);
    const inside = path.join(lax, "work");
    mkdirSync(inside, { mode: 0o700 });
    const why = `${lax} lets other users rename what is in it (writable by all, no sticky bit); give a folder whose every parent only its owners can change`;
    expect(userFolderProblems(inside, "work-dir")).toEqual([`--work-dir ${inside}: ${why}`]);
    expect(userFolderProblems(path.join(lax, "new", "deeper"), "work-dir")).toEqual([`--work-dir ${path.join(lax, "new", "deeper")}: ${why}`]);
    process.env.TMPDIR = lax;
    await expect(openWorkDir({ pair })).rejects.toThrow(`${lax} cannot hold a private folder: ${lax} is writable by all without the sticky bit; set TMPDIR to a safe folder`);
  });

  it("gets a private folder of the pair's own inside it; nothing else there is read, changed or removed", async () => {
    const dir = fresh("named");
    mkdirSync(path.join(dir, "dump"));
    writeFileSync(path.join(dir, "dump", "unrelated.txt"), "mine");
    writeFileSync(path.join(dir, "restore.journal.json"), "not yours");
    const w = await openWorkDir({ workDir: dir, pair });
    expect(w.dir).toBe(path.join(dir, `freehold-migrate-${pairKey(pair)}`));
    expect(statSync(w.dir).mode & 0o777).toBe(0o700);
    expect(await w.readJournal()).toBeUndefined();
    mkdirSync(w.dumpDir);
    writeFileSync(path.join(w.dumpDir, "toc.dat"), "dump");
    await w.writeJournal(journal());
    expect(statSync(path.join(w.dir, "restore.journal.json")).mode & 0o777).toBe(0o600);
    await w.clearJournal();
    expect(await w.finish({ verified: true, keepDump: false })).toBe(false);
    expect(existsSync(w.dir)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(["dump", "restore.journal.json"]);
    expect(readFileSync(path.join(dir, "dump", "unrelated.txt"), "utf8")).toBe("mine");
  });

  it("refuses a folder of that name it did not make for this pair: no stamp, another pair's stamp, another user's, open to others", async () => {
    const dir = fresh("planted");
    const sub = path.join(dir, `freehold-migrate-${pairKey(pair)}`);
    mkdirSync(sub, { mode: 0o700 });
    await expect(openWorkDir({ workDir: dir, pair })).rejects.toThrow(/was not made by freehold migrate for this source and target \(no stamp\)/);
    const mine = await openWorkDir({ workDir: fresh("stamped"), pair: other });
    writeFileSync(path.join(sub, "freehold-migrate.json"), readFileSync(path.join(mine.dir, "freehold-migrate.json")), { mode: 0o600 });
    await expect(openWorkDir({ workDir: dir, pair })).rejects.toThrow(/another pair's stamp/);
    chmodSync(sub, 0o755);
    await expect(openWorkDir({ workDir: dir, pair })).rejects.toThrow(/is open to other users \(mode 755\)/);
    chmodSync(sub, 0o700);
    chownSync(sub, NOBODY, NOBODY);
    await expect(openWorkDir({ workDir: dir, pair })).rejects.toThrow(UntrustedFileError);
  });

  it("keeps the fingerprint's key with a kept dump's sums in its private marker; a marker an earlier version wrote without a key means dumping again", async () => {
    const w = await openWorkDir({ workDir: fresh("markers"), pair });
    mkdirSync(w.dumpDir);
    const server = { version: "15", versionNum: 150000, databaseBytes: 1, database: "shop", databaseOid: 16384, encoding: "UTF8", systemIdentifier: "1", startedAt: "now" };
    const state = { snapshot: "700:700:", at: "now", sequences: [], schemaHash: "h" };
    const marker: DumpMarker = {
      formatVersion: 5,
      pair,
      source: "postgresql://x@h/shop",
      server,
      pgDump: "15",
      checksumMethod: "m",
      fingerprintKey: "-8070450532247928832",
      tables: [],
      sums: [],
      sequences: [],
      largeObjects: { count: 0, checksum: "c" },
      schema: [],
      state,
      completedAt: "now",
      dumpMs: 1,
    };
    await w.writeMarker(marker);
    const file = path.join(w.dir, "dump.complete.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await w.readMarker("m"))?.fingerprintKey).toBe("-8070450532247928832");
    const { fingerprintKey: _, ...older } = { ...marker, formatVersion: 4 };
    writeFileSync(file, JSON.stringify(older), { mode: 0o600 });
    expect(await w.readMarker("m")).toBeUndefined();
    writeFileSync(file, JSON.stringify({ ...marker, fingerprintKey: "1; DROP TABLE x" }), { mode: 0o600 });
    await expect(w.readMarker("m")).rejects.toThrow(/is not a file this tool wrote \(fingerprintKey/);
  });

  it("never trusts a journal it did not write: open to others, a symbolic link, or not its shape", async () => {
    const w = await openWorkDir({ workDir: fresh("journals"), pair });
    const file = path.join(w.dir, "restore.journal.json");
    writeFileSync(file, JSON.stringify(journal()), { mode: 0o644 });
    await expect(w.readJournal()).rejects.toThrow(/is open to other users \(mode 644\)/);
    rmSync(file);
    const elsewhere = path.join(scratch, "journal-elsewhere.json");
    writeFileSync(elsewhere, JSON.stringify(journal()), { mode: 0o600 });
    symlinkSync(elsewhere, file);
    await expect(w.readJournal()).rejects.toThrow(/is a symbolic link/);
    rmSync(file);
    writeFileSync(file, JSON.stringify({ ...journal(), horizon: "\\! touch /tmp/pwned" }), { mode: 0o600 });
    await expect(w.readJournal()).rejects.toThrow(/is not a file this tool wrote \(horizon/);
  });

  it("refuses a folder another live run holds", async () => {
    const dir = fresh("locked");
    const first = await openWorkDir({ workDir: dir, pair });
    writeFileSync(path.join(first.dir, "lock"), String(process.ppid), { mode: 0o600 });
    await expect(openWorkDir({ workDir: dir, pair })).rejects.toThrow(`another freehold migrate (pid ${process.ppid}) is using ${first.dir}.`);
  });
});

describe("without a folder named", () => {
  it("works in a fresh folder with a random name, mode 0700, and ignores any folder others could have planted", async () => {
    const tmp = fresh("tmp-random");
    chmodSync(tmp, 0o1777);
    process.env.TMPDIR = tmp;
    const planted = path.join(tmp, `freehold-migrate-${pairKey(pair)}`);
    mkdirSync(planted, { mode: 0o700 });
    writeFileSync(path.join(planted, "freehold-migrate.json"), JSON.stringify({ tool: "freehold migrate", formatVersion: 3, pair, createdAt: "x" }), { mode: 0o600 });
    writeFileSync(path.join(planted, "restore.journal.json"), JSON.stringify(journal()), { mode: 0o600 });
    chownSync(path.join(planted, "restore.journal.json"), NOBODY, NOBODY);
    chownSync(path.join(planted, "freehold-migrate.json"), NOBODY, NOBODY);
    chownSync(planted, NOBODY, NOBODY);
    const a = await openWorkDir({ pair });
    const b = await openWorkDir({ pair });
    expect(a.dir).not.toBe(b.dir);
    expect(a.dir).not.toBe(planted);
    expect(path.basename(a.dir)).toMatch(/^freehold-migrate-[A-Za-z0-9]{6}$/);
    expect(statSync(a.dir).mode & 0o777).toBe(0o700);
    expect(await a.readJournal()).toBeUndefined();
    await a.finish({ verified: false, keepDump: false });
    await b.finish({ verified: false, keepDump: false });
    expect(readdirSync(tmp)).toEqual([path.basename(planted)]);
  });

  it("takes over the folder an earlier, killed run of the same pair left (to undo its restore), never another pair's", async () => {
    const tmp = fresh("tmp-adopt");
    process.env.TMPDIR = tmp;
    const killed = await openWorkDir({ pair });
    await killed.writeJournal(journal());
    writeFileSync(path.join(killed.dir, "lock"), "999999999", { mode: 0o600 }); // its process is gone
    const log: string[] = [];
    const again = await openWorkDir({ pair: other, log: (l) => log.push(l) });
    expect(again.dir).not.toBe(killed.dir);
    const same = await openWorkDir({ pair, log: (l) => log.push(l) });
    expect(same.dir).toBe(killed.dir);
    expect(log).toEqual([`found ${killed.dir}, left by an earlier run of this source and target that was killed: this run takes it over and removes it at its end`]);
    expect((await same.readJournal())?.targetIdentity).toBe(pair.target);
    await same.clearJournal();
    await same.finish({ verified: true, keepDump: false });
    await again.finish({ verified: true, keepDump: false });
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("takes over a killed run's folder whose pid was reused: by this very process (a container's runs share a small pid) or by a live process started after the lock", async () => {
    const tmp = fresh("tmp-reused");
    process.env.TMPDIR = tmp;
    const killed = await openWorkDir({ pair });
    // A lock records the process's start beside its pid.
    expect(readFileSync(path.join(killed.dir, "lock"), "utf8")).toBe(`${process.pid} ${startOfProcess(process.pid)?.token}`);
    await killed.writeJournal(journal());
    await killed.finish({ verified: false, keepDump: false }); // as if killed: the folder and its journal stay
    for (const lock of [String(process.pid), `${process.ppid} linux:another-boot:1`]) {
      writeFileSync(path.join(killed.dir, "lock"), lock, { mode: 0o600 });
      const log: string[] = [];
      const same = await openWorkDir({ pair, log: (l) => log.push(l) });
      expect(same.dir).toBe(killed.dir);
      expect(log).toEqual([`found ${killed.dir}, left by an earlier run of this source and target that was killed: this run takes it over and removes it at its end`]);
    }
    rmSync(killed.dir, { recursive: true });
  });

  it("refuses, naming the live pid, when it started and which lock to remove, when this pair's unfinished restore is held by a live process", async () => {
    const tmp = fresh("tmp-held");
    process.env.TMPDIR = tmp;
    const killed = await openWorkDir({ pair });
    await killed.writeJournal(journal());
    const start = startOfProcess(process.ppid);
    writeFileSync(path.join(killed.dir, "lock"), `${process.ppid} ${start?.token}`, { mode: 0o600 });
    const err = await openWorkDir({ pair }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`${killed.dir} holds an unfinished restore of this source and target, and its lock names pid ${process.ppid}, a live process (started ${start?.at}); nothing was done.`);
    expect((err as MigrationToolError).details.hint).toContain(`remove ${path.join(killed.dir, "lock")} and run the same command again (with --undo-partial-restore`);
    expect(readdirSync(tmp)).toEqual([path.basename(killed.dir)]);
    rmSync(killed.dir, { recursive: true });
  });
});
