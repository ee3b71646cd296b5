/**
 * `freehold migrate`, `rehearse` and `exit-plan` at their edges, without
 * database servers: secrets refused on the command line, paths that are not
 * folders, objects never silently skipped or overwritten, a store that
 * refuses connections, a stack file larger than one argument may be, and
 * throughputs that are not throughputs.
 */
import { execFileSync } from "node:child_process";
import fs, { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import fsp from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { objectsCounted } from "../packages/cli/src/commands/migrate";
import { processStart } from "../packages/cli/src/migrate/objects-journal";
import { EXAMPLE_STACK, freeholdInProcess as cli } from "./cli-helpers";

const tmp = () => mkdtempSync(join(tmpdir(), "freehold-migrate-cli-"));
const noTrace = (stderr: string) => expect(stderr).not.toMatch(/internal error|\n\s+at /);

describe("secrets never on the command line", () => {
  it("refuses a password or sslpassword in a database URL, and a raw % in it, saying how to pass the password instead (exit 2)", async () => {
    const r = await cli(["migrate", "database", "--from", "postgresql://app:50%off@127.0.0.1:1/shop", "--to", "postgresql://app@127.0.0.1:1/shop?password=hunter2&sslpassword=k3y"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--from: "%of" is not a URL escape: in a URL a "%" must be written %25');
    expect(r.stderr).toContain(
      "--from: the URL holds a password, which every user of this host can read in the process list while freehold runs; leave it out and give it with --from-password-file FILE (a file only you can read), --from-password-env NAME, or a password file libpq reads (PGPASSFILE, ~/.pgpass)",
    );
    expect(r.stderr).toContain("--to: the URL holds a password");
    expect(r.stderr).toContain("--to: the URL holds sslpassword, which would be on the command line of every PostgreSQL tool; put it in a connection service file only you can read and name it with ?service=NAME");
    noTrace(r.stderr);
  });

  it("refuses storage keys in a remote and a password file others can read, naming what to use", async () => {
    const dir = tmp();
    const open = join(dir, "pw");
    writeFileSync(open, "hunter2\n", { mode: 0o644 });
    chmodSync(open, 0o644);
    const r = await cli([
      "migrate",
      "objects",
      "--from",
      ":s3,provider=Other,access_key_id=AKIA,secret_access_key=shh,endpoint='http://127.0.0.1:1':b",
      "--to",
      ":azureblob,sas_url='https://a.blob.core.windows.net/?sig=x':c",
      "--from-secrets-file",
      open,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "--from: secret_access_key is a secret, which every user of this host can read in the process list while freehold runs; put it in a file only you can read, one name=value a line, and give --from-secrets-file FILE (or use env_auth and the cloud's own environment variables)",
    );
    expect(r.stderr).toContain("--to: sas_url is a secret");
    expect(r.stderr).toContain(`--from-secrets-file ${open}: is open to other users (mode 644); chmod 600 it`);
    const db = await cli(["migrate", "database", "--from", "postgresql://app@127.0.0.1:1/a", "--to", "postgresql://app@127.0.0.1:1/b", "--from-password-file", open, "--to-password-env", "FREEHOLD_NO_SUCH_VARIABLE"]);
    expect(db.code).toBe(2);
    expect(db.stderr).toContain(`--from-password-file ${open}: is open to other users (mode 644); chmod 600 it`);
    expect(db.stderr).toContain("--to-password-env FREEHOLD_NO_SUCH_VARIABLE: no such environment variable, or it is empty");
  });
});

describe("the operator's connections verify the server", () => {
  const fix =
    "Connect with sslmode=verify-full and sslrootcert=FILE, the server's certificate authorities (the database's serverCa output; freehold exit-plan's runbook writes them to a file), or, for a local test server without a certificate authority, add --allow-unverified-tls";

  it("refuses a database URL that does not say sslmode=verify-full, for migrate and replicate, naming what each mode lets through (exit 2, before connecting)", async () => {
    const r = await cli(["migrate", "database", "--from", "postgresql://app@127.0.0.1:1/a?sslmode=require", "--to", "postgresql://app@127.0.0.1:1/b"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--from: sslmode=require does not check who answers: anyone on the path can pose as the server and read the data and the password. ${fix}`);
    expect(r.stderr).toContain(
      `--to: the URL gives no sslmode, so libpq would take a service file's, PGSSLMODE or its default (prefer: TLS when the server offers it, the server never checked). ${fix}`,
    );
    const ca = await cli(["migrate", "verify", "database", "--from", "postgresql://app@127.0.0.1:1/a?sslmode=verify-ca&sslrootcert=ca.pem", "--to", "postgresql://app@127.0.0.1:1/b?sslmode=verify-full"]);
    expect(ca.code).toBe(2);
    expect(ca.stderr).toContain("--from: sslmode=verify-ca checks that a known authority signed the certificate, not that it names this host: any server that authority signed would do.");
    expect(ca.stderr).not.toContain("--to: ");
    const rep = await cli(["replicate", "status", "--from", "postgresql://admin@127.0.0.1:1/a?sslmode=disable", "--to", "postgresql://admin@127.0.0.1:1/b?sslmode=verify-full&sslrootcert=ca.pem"]);
    expect(rep.code).toBe(2);
    expect(rep.stderr).toContain(`--from: sslmode=disable does not check who answers`);
    expect(rep.stderr).not.toContain("--to: ");
    noTrace(r.stderr);
  });

  it("connects without verifying only when told --allow-unverified-tls, and never asks it of a Unix-domain socket", async () => {
    const told = await cli(["migrate", "database", "--from", "postgresql://app@127.0.0.1:1/a?sslmode=require", "--to", "postgresql:///b?host=/var/run/postgresql&user=app", "--allow-unverified-tls", "--jobs", "0"]);
    expect(told.code).toBe(2);
    expect(told.stderr).not.toContain("sslmode");
    const socket = await cli(["migrate", "database", "--from", "postgresql:///a?host=/var/run/postgresql", "--to", "postgresql:///b?host=/tmp", "--jobs", "0"]);
    expect(socket.stderr).toContain("--jobs must be a whole number of at least 1, not 0");
    expect(socket.stderr).not.toContain("sslmode");
    const objects = await cli(["migrate", "objects", "--from", "/tmp", "--to", "/tmp/x", "--allow-unverified-tls"]);
    expect(objects.stderr).toContain("--allow-unverified-tls does not apply to migrate objects");
  });
});

describe("code of the source the target runs", () => {
  it("migrate database takes --trust-functions-of as role names only, and migrate verify database refuses it (exit 2)", async () => {
    const db = ["migrate", "database", "--from", "postgresql://app@127.0.0.1:1/a", "--to", "postgresql://admin@127.0.0.1:1/b", "--allow-unverified-tls", "--as-admin"];
    const bad = await cli([...db, "--trust-functions-of", "tenant,Robert'); DROP"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`--trust-functions-of must list role names separated by commas (lower-case letters, digits, _ and $, at most 63 each), not "Robert'); DROP"`);
    expect(bad.stderr).not.toContain('not "tenant"');
    const verify = await cli(["migrate", "verify", "database", ...db.slice(2, 7), "--trust-functions-of", "tenant"]);
    expect(verify.code).toBe(2);
    expect(verify.stderr).toContain("--trust-functions-of does not apply to migrate verify database");
    const ok = await cli([...db, "--trust-functions-of", "tenant,etl_2", "--quiet"]);
    expect(ok.code, ok.stderr).toBe(1); // accepted: the run goes on to connect, and finds nothing on port 1
    noTrace(ok.stderr);
  });
});

describe("a restore's owner is said, never assumed", () => {
  it("refuses migrate database without --to-role or --as-admin, and with both, saying why, before connecting (exit 2); verify needs neither", async () => {
    const db = ["migrate", "database", "--from", "postgresql://app@127.0.0.1:1/a", "--to", "postgresql://admin@127.0.0.1:1/b", "--allow-unverified-tls"];
    const none = await cli(db);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      "say who owns what the restore creates: --to-role ROLE (the application's role, app on a Freehold database: it owns every table and can use it) or --as-admin (the target's login owns every object; the application's role may not read or write them until granted)",
    );
    const both = await cli([...db, "--to-role", "app", "--as-admin"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--to-role and --as-admin exclude each other: the restore runs as one role, which owns every object it creates");
    expect(both.stderr).not.toContain("say who owns");
    // Said either way, the run goes on to connect (and finds nothing listening on port 1).
    for (const owner of [["--to-role", "app"], ["--as-admin"]]) {
      const r = await cli([...db, ...owner, "--quiet"]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).not.toContain("who owns");
    }
    const verify = await cli(["migrate", "verify", "database", ...db.slice(2), "--as-admin"]);
    expect(verify.stderr).toContain("--as-admin does not apply to migrate verify database");
    noTrace(none.stderr);
  });
});

describe("paths that cannot hold a migration's files", () => {
  it("refuses a --work-dir that is a file, a link or under /proc, and a --manifest that is a folder, before connecting to anything (exit 2)", async () => {
    const dir = tmp();
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    const link = join(dir, "a-link");
    symlinkSync(dir, link);
    const db = ["migrate", "database", "--from", "postgresql://app@127.0.0.1:1/a", "--to", "postgresql://app@127.0.0.1:1/b"];
    for (const [workDir, why] of [
      [file, "is a file, not a folder"],
      [link, "is a symbolic link; give the folder it points to"],
      ["/proc/self/fd", "/proc is a kernel or device interface, not storage; give a folder on a disk"],
    ]) {
      const r = await cli([...db, "--work-dir", workDir as string, "--manifest", dir]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`--work-dir ${workDir}: ${why}`);
      expect(r.stderr).toContain(`--manifest ${dir}: is a folder; give a file name`);
      noTrace(r.stderr);
    }
  });

  it("refuses a rehearsal --out that is a file or a link before starting anything (exit 2)", async () => {
    const dir = tmp();
    const file = join(dir, "out");
    writeFileSync(file, "x");
    const r = await cli(["rehearse", "--out", file, "--quiet"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out ${file}: is a file, not a folder`);
    noTrace(r.stderr);
  });
});

describe("objects are never silently skipped", () => {
  it("refuses a local source with a symbolic link unless --follow-links, which copies what it points to inside the source", async () => {
    const src = tmp();
    writeFileSync(join(src, "a.txt"), "a");
    mkdirSync(join(src, "files"));
    writeFileSync(join(src, "files", "report-2026.pdf"), "the linked report");
    symlinkSync(join(src, "files", "report-2026.pdf"), join(src, "report.pdf"));
    const dst = join(tmp(), "copy");
    const r = await cli(["migrate", "objects", "--from", src, "--to", dst, "--quiet", "--manifest", join(tmp(), "m.json")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("refusing to migrate: 1 entry at the source would not be copied; nothing was copied.");
    expect(r.stderr).toContain("  - report.pdf: a symbolic link at the source, not copied (follow links with --follow-links, or remove it)");
    expect(existsSync(dst)).toBe(false);
    const followed = await cli(["migrate", "objects", "--from", src, "--to", dst, "--follow-links", "--quiet", "--manifest", join(tmp(), "m.json")]);
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stdout).toContain("Objects copied and verified: 3 objects");
    expect(readFileSync(join(dst, "report.pdf"), "utf8")).toBe("the linked report");
  });

  it("ignores rclone filter variables in the environment: every object is copied and checked", async () => {
    const src = tmp();
    mkdirSync(join(src, "docs"));
    writeFileSync(join(src, "docs", "a.pdf"), "pdf");
    writeFileSync(join(src, "b.txt"), "txt");
    const dst = join(tmp(), "copy");
    const manifest = join(tmp(), "m.json");
    const r = await cli(["migrate", "objects", "--from", src, "--to", dst, "--quiet", "--manifest", manifest], { env: { RCLONE_EXCLUDE: "*.pdf", RCLONE_MAX_SIZE: "1", RCLONE_DRY_RUN: "true" } });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(readFileSync(manifest, "utf8")) as { objects: Array<{ path: string; match: boolean }> }).objects).toEqual([
      expect.objectContaining({ path: "b.txt", match: true }),
      expect.objectContaining({ path: "docs/a.pdf", match: true }),
    ]);
    expect(readFileSync(join(dst, "docs", "a.pdf"), "utf8")).toBe("pdf");
  });

  it("completes a local file a killed copy left part-written only with --replace, naming it replaced (it could be someone else's file)", async () => {
    const src = tmp();
    const dst = tmp();
    const big = Buffer.alloc(300_000, 7);
    writeFileSync(join(src, "big.bin"), big);
    writeFileSync(join(dst, "big.bin"), big.subarray(0, 100_000));
    const manifest = join(tmp(), "m.json");
    const refused = await cli(["migrate", "objects", "--from", src, "--to", dst, "--quiet", "--manifest", manifest]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("(shorter: if an interrupted copy left it part-written, --replace completes it)");
    expect(readFileSync(join(dst, "big.bin")).length).toBe(100_000);
    const r = await cli(["migrate", "objects", "--from", src, "--to", dst, "--replace", "--manifest", manifest]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("(1 copied, 0 already present, 1 replaced)");
    expect(readFileSync(join(dst, "big.bin")).equals(big)).toBe(true);
  });

  it("reports a store that refuses connections within seconds, naming the side", async () => {
    const started = Date.now();
    const r = await cli(["migrate", "objects", "--from", ":s3,provider=Other,endpoint='http://127.0.0.1:9':bucket", "--to", join(tmp(), "copy"), "--quiet"], { cwd: tmp() });
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.stderr).toContain("freehold migrate: rclone failed to list the objects (source): it exited with code 1.");
    expect(r.stderr).toContain("connection refused");
    noTrace(r.stderr);
  });

  it("finds an object damaged on its way by its own verification (rclone's check after each transfer is skipped), copies it again with that check, and names it in the manifest", async () => {
    const src = tmp();
    writeFileSync(join(src, "a.txt"), "a, as the source holds it");
    writeFileSync(join(src, "b.txt"), "b");
    const dst = join(tmp(), "copy");
    // An rclone whose first unchecked copy damages a.txt in the target, as a faulty disk or network would.
    const real = execFileSync("sh", ["-c", "command -v rclone"], { encoding: "utf8" }).trim();
    const bin = tmp();
    writeFileSync(
      join(bin, "rclone"),
      `#!/bin/sh\ncase " $* " in\n  *" copy "*"--ignore-checksum"*) "${real}" "$@" || exit $?; printf x >> "\${3#FHDST:}/a.txt"; exit 0 ;;\nesac\nexec "${real}" "$@"\n`,
      { mode: 0o755 },
    );
    const manifest = join(tmp(), "m.json");
    const r = await cli(["migrate", "objects", "--from", src, "--to", dst, "--manifest", manifest], { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(readFileSync(manifest, "utf8")) as { ok: boolean; recopiedObjects?: string[]; objects: Array<{ path: string; match: boolean }> };
    expect(m.recopiedObjects).toEqual(["a.txt"]);
    expect(m.objects.map((o) => `${o.path} ${o.match}`)).toEqual(["a.txt true", "b.txt true"]);
    expect(readFileSync(join(dst, "a.txt"), "utf8")).toBe("a, as the source holds it");
  });

  it("verifies two stores without copying: freehold migrate verify objects", async () => {
    const src = tmp();
    const dst = tmp();
    writeFileSync(join(src, "a.txt"), "same");
    writeFileSync(join(dst, "a.txt"), "same");
    const ok = await cli(["migrate", "verify", "objects", "--from", src, "--to", dst]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe("Objects equal: 1 objects, every size and hash equal.\n");
    writeFileSync(join(dst, "a.txt"), "diff");
    const bad = await cli(["migrate", "verify", "objects", "--from", src, "--to", dst, "--quiet"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/a\.txt: content differs: md5 [0-9a-f]{32} at the source/);
    const wrong = await cli(["migrate", "verify", "objects", "--from", src, "--to", dst, "--replace"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--replace does not apply to migrate verify objects");
  });
});

describe("a delta's deletions are bounded", () => {
  it("refuses --max-delete that is not a whole number of at least 0, or given without --since (exit 2, before anything is listed)", async () => {
    const dir = tmp();
    const r = await cli(["migrate", "objects", "--from", join(dir, "a"), "--to", join(dir, "b"), "--max-delete", "1.5"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--max-delete must be a whole number of at least 0, not 1.5");
    expect(r.stderr).toContain("--max-delete applies only to a delta (--since MANIFEST): a first run never deletes");
    noTrace(r.stderr);
  });
});

describe("a delta trusts only this user's manifest", () => {
  it("refuses a forged manifest anyone could have written (mode 0666), copying and deleting nothing (exit 1)", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "src"));
    mkdirSync(join(dir, "dst"));
    writeFileSync(join(dir, "dst", "keep.txt"), "keep");
    const forged = join(dir, "forged.json");
    writeFileSync(forged, "{}");
    chmodSync(forged, 0o666);
    const r = await cli(["migrate", "objects", "--from", join(dir, "src"), "--to", join(dir, "dst"), "--since", forged, "--manifest", join(dir, "m.json")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`refusing the delta: the manifest ${forged} is not one this user wrote and kept private; nothing was copied or deleted.\n  - ${forged}: is writable by every user (mode 0666): anyone could have changed what it says`);
    expect(readFileSync(join(dir, "dst", "keep.txt"), "utf8")).toBe("keep");
    noTrace(r.stderr);
  });
});

describe("planning a stack file larger than one command-line argument may be", () => {
  it("plans a 300 KiB stack file (it goes to the planning process on stdin, not as an argument)", async () => {
    const dir = tmp();
    const file = join(dir, "freehold.yaml");
    writeFileSync(file, `${readFileSync(EXAMPLE_STACK, "utf8")}\n${`# ${"x".repeat(98)}\n`.repeat(3000)}`);
    const r = await cli(["plan", file, "--cloud", "aws", "--format", "json"], { planning: "child" });
    expect(r.code, r.stderr.slice(0, 2000)).toBe(0);
    expect((JSON.parse(r.stdout) as { cloud: string }).cloud).toBe("aws");
  });
});

describe("exit-plan throughputs", () => {
  it("refuses a throughput of 0 instead of planning 'Infinity hours'", async () => {
    const r = await cli(["exit-plan", EXAMPLE_STACK, "--from", "aws", "--to", "azure", "--throughput-mibs", "0", "--db-gib-per-hour", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--throughput-mibs must be more than 0 (a throughput), not 0");
    expect(r.stderr).toContain("--db-gib-per-hour must be more than 0 (a throughput), not 0");
    expect(r.stderr).not.toContain("Infinity");
  });
});

describe("migrate objects' manifest and its record of copied objects", () => {
  /** A source of three small objects, a target and a manifest path in private folders. */
  const objects = () => {
    const src = tmp();
    for (const k of ["a.txt", "b.txt", "c.txt"]) writeFileSync(join(src, k), `object ${k}`);
    return { src, dst: join(tmp(), "copy"), manifest: join(tmp(), "m.json") };
  };

  it("a full disk where the manifest goes: the record's failure said once, then a clean error naming the manifest (no work folder, no stack trace), no temporary folder left; the next run's manifest says its record of freehold's objects is incomplete", async () => {
    const o = objects();
    const journal = `${o.manifest}.copied`;
    const temp = tmp();
    const full = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    const real = { openSync: fs.openSync, writeSync: fs.writeSync, appendFileSync: fs.appendFileSync, writeFile: fsp.writeFile };
    const journalFds = new Set<number>();
    let journalWrites = 0;
    // The disk fills once the record's first line is written: every later write there fails, the manifest's too.
    Object.assign(fs, {
      openSync: (p: fs.PathLike, ...rest: unknown[]) => {
        const fd = (real.openSync as (...a: unknown[]) => number)(p, ...rest);
        if (String(p) === journal) journalFds.add(fd);
        return fd;
      },
      writeSync: (fd: number, ...rest: unknown[]) => {
        if (journalFds.has(fd) && journalWrites++ > 0) throw full();
        return (real.writeSync as (...a: unknown[]) => number)(fd, ...rest);
      },
      appendFileSync: (p: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
        if (String(p) === journal) throw full();
        return (real.appendFileSync as (...a: unknown[]) => void)(p, ...rest);
      },
    });
    Object.assign(fsp, {
      writeFile: (p: fs.PathLike, ...rest: unknown[]) => (String(p).startsWith(join(o.manifest, "..")) && !String(p).endsWith(".lock") ? Promise.reject(full()) : (real.writeFile as (...a: unknown[]) => Promise<void>)(p, ...rest)),
    });
    syncBuiltinESMExports();
    let r: Awaited<ReturnType<typeof cli>>;
    try {
      r = await cli(["migrate", "objects", "--from", o.src, "--to", o.dst, "--manifest", o.manifest, "--transfers", "1"], { env: { TMPDIR: temp } });
    } finally {
      Object.assign(fs, { openSync: real.openSync, writeSync: real.writeSync, appendFileSync: real.appendFileSync });
      Object.assign(fsp, { writeFile: real.writeFile });
      syncBuiltinESMExports();
    }
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.match(/not recording copied objects/g)).toHaveLength(1);
    expect(r.stderr).toContain(`not recording copied objects in ${journal} from here on: ENOSPC: no space left on device, write. If this run is interrupted`);
    expect(r.stderr).toContain(`the objects were copied and verified, but the manifest could not be written to ${o.manifest}: ENOSPC: no space left on device, write. Check room and permissions where the manifest goes (--manifest), then run the same command again`);
    expect(r.stderr).not.toContain("work folder");
    noTrace(r.stderr);
    expect(readdirSync(o.dst).sort()).toEqual(["a.txt", "b.txt", "c.txt"]);
    expect(readdirSync(temp)).toEqual([]); // the run's private rclone folder removed
    expect(readdirSync(join(o.manifest, "..")).sort()).toEqual(["m.json.copied"]); // no temporary manifest, the lock released
    // The record is cut after its last complete line, so the next run knows it is incomplete.
    expect(readFileSync(journal, "utf8").endsWith("\n")).toBe(false);
    // Room made: the next run copies nothing, and its manifest says its record of freehold's objects is incomplete.
    const again = await cli(["migrate", "objects", "--from", o.src, "--to", o.dst, "--manifest", o.manifest], { env: { TMPDIR: temp } });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("(0 copied, 3 already present)");
    expect(JSON.parse(readFileSync(o.manifest, "utf8"))).toMatchObject({ ok: true, copiedObjects: [], copiedObjectsIncomplete: true });
    expect(existsSync(journal)).toBe(false);
  });

  it("refuses a second run with the same manifest while a run holds it (exit 1), naming the holder; nothing is copied", async () => {
    const o = objects();
    const holder = Number(execFileSync("sh", ["-c", "sleep 30 >/dev/null 2>&1 & echo $!"], { encoding: "utf8" }).trim());
    try {
      writeFileSync(`${o.manifest}.lock`, JSON.stringify({ pid: holder, start: processStart(holder), startedAt: "2026-12-07T04:00:00.000Z" }), { mode: 0o600 });
      const r = await cli(["migrate", "objects", "--from", o.src, "--to", o.dst, "--manifest", o.manifest]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `refusing to migrate: another run (pid ${holder}, started 2026-12-07T04:00:00.000Z) is using the manifest ${o.manifest}; nothing was copied. Wait for it to end, or give this run another --manifest. If that process is not a freehold run, remove ${o.manifest}.lock and run again.`,
      );
      expect(existsSync(o.dst)).toBe(false);
    } finally {
      process.kill(holder);
    }
  });

  it("refuses (exit 2, before copying) a --manifest in a folder other users can write, saying what to do", async () => {
    const o = objects();
    const open = tmp();
    chmodSync(open, 0o777);
    const manifest = join(open, "m.json");
    const r = await cli(["migrate", "objects", "--from", o.src, "--to", o.dst, "--manifest", manifest]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--manifest ${manifest}: ${open} can be written by others without the sticky bit (mode 0777): anyone could replace the manifest below it; give a manifest path in a folder only you can change (chmod go-w ${open}, or a folder in your home)`);
    expect(existsSync(o.dst)).toBe(false);
  });

  it("counts every verified object once in the summary: copied, already present, or found equal in the target during the copy", () => {
    const copy = { transferred: 0, alreadyPresent: 2157, replaced: 0, bytes: 0, checks: 0, errors: 0, transfers: 4 };
    expect(objectsCounted({ copy, totals: { objects: 3000, bytes: 0, mismatches: 0 } })).toBe("0 copied, 2157 already present, 843 found equal in the target during the copy (written there by something else meanwhile)");
    expect(objectsCounted({ copy: { ...copy, transferred: 2, alreadyPresent: 3, replaced: 1 }, totals: { objects: 5, bytes: 0, mismatches: 0 } })).toBe("2 copied, 3 already present, 1 replaced");
  });
});
