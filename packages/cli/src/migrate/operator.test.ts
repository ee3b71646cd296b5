/**
 * What an operator sees when `freehold migrate` meets the real world: tools
 * that fail (a missing database, a refused password, an rclone panic),
 * remotes with ":" and "," in their options, a run that is interrupted or
 * killed, and the copy of the data a run must not leave behind. Real
 * PostgreSQL, s3rver, Azurite and rclone, the real `freehold` binary, small
 * data.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationKey, pgConnection, psql, withSession } from "./pg";
import { pgTool, sleep } from "./proc";
import { rehearsalPreflight } from "./rehearse";
import { list, withRclone } from "./rclone";
import { formatRemote } from "./remote";
import { type AzuriteServer, type PostgresServer, type S3Server, startAzurite, startPostgres, startS3rver } from "./servers";

const BIN = path.join(__dirname, "..", "..", "dist", "bin.js");

let A: PostgresServer | undefined;
let B: PostgresServer | undefined;
let S3: S3Server | undefined;
let AZ: AzuriteServer | undefined;
let src = "";
let scratch = "";

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Start the freehold binary; `done` resolves when it exits. */
function start(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<Result>; stderr: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  const done = new Promise<Result>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, stderr: () => stderr };
}

const freehold = (args: string[], env: NodeJS.ProcessEnv = {}) => start(args, env).done;

/**
 * A migration's command line as an operator writes it: the URLs without their
 * passwords, each password in an environment variable named by
 * --from-password-env / --to-password-env.
 */
function dbRun(from: string, to: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): { args: string[]; env: NodeJS.ProcessEnv; passwords: string[] } {
  const split = (url: string, flag: "from" | "to") => {
    const u = new URL(url);
    const password = decodeURIComponent(u.password);
    u.password = "";
    const name = `FREEHOLD_TEST_${flag.toUpperCase()}_PASSWORD`;
    return { args: [`--${flag}`, u.toString(), `--${flag}-password-env`, name], env: { [name]: password }, password };
  };
  const a = split(from, "from");
  const b = split(to, "to");
  // The local servers have no certificate authority: the run says so, as an operator testing locally would.
  // The test servers have no application role: the restore runs as their login, said explicitly (--as-admin), unless a test names a role.
  const owner = extra.includes("--to-role") ? [] : ["--as-admin"];
  return { args: ["migrate", "database", ...a.args, ...b.args, "--allow-unverified-tls", ...owner, ...extra], env: { ...a.env, ...b.env, ...env }, passwords: [a.password, b.password] };
}

const migrateDb = (from: string, to: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) => {
  const r = dbRun(from, to, extra, env);
  return freehold(r.args, r.env);
};

/** The subfolder a run keeps its files in, inside a --work-dir. */
const runFolder = (work: string) => path.join(work, readdirSync(work).find((e) => e.startsWith("freehold-migrate-")) ?? "none");

async function sql(url: string, text: string): Promise<string[]> {
  return (await psql(pgConnection(url, "target"), text)).lines;
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

/** Sessions of a migration of this pair still on a server (by application_name). */
async function sessions(serverSuperuserUrl: string, prefix: string): Promise<string[]> {
  return sql(serverSuperuserUrl, `SELECT application_name || ': ' || coalesce(state, '') || ': ' || left(query, 60) FROM pg_stat_activity WHERE application_name LIKE '${prefix}%';`);
}

let nextDb = 0;
async function emptyTarget(): Promise<string> {
  const n = ++nextDb;
  return (B as PostgresServer).createDatabase(`target${n}`, `target_user${n}`, `target-pw-${n}`);
}

beforeAll(async () => {
  const missing = rehearsalPreflight();
  if (missing.length > 0) throw new Error(`missing prerequisites:\n  ${missing.join("\n  ")}`);
  scratch = mkdtempSync(path.join(os.tmpdir(), "freehold-operator-test-"));
  [A, B, S3, AZ] = await Promise.all([startPostgres({ name: "op-a", superuserPassword: "op-a-pw" }), startPostgres({ name: "op-b", superuserPassword: "op-b-pw" }), startS3rver(), startAzurite()]);
  src = await A.createDatabase("shop", "shop_owner", "shop:pw/1");
  // A function-based index that takes about 3 s to build: the restore is still running when the tests stop it.
  await sql(
    src,
    `CREATE TABLE public.items (id int PRIMARY KEY, name text, price numeric(10,2), blob bytea);
     INSERT INTO public.items SELECT g, CASE WHEN g % 3 = 0 THEN NULL WHEN g % 3 = 1 THEN '' ELSE 'item ' || g END, g / 3.0, decode(md5(g::text), 'hex') FROM generate_series(1, 200) g;
     CREATE FUNCTION public.slow(i int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT i FROM pg_sleep(0.02) $$;
     CREATE TABLE public.slowly (id int);
     INSERT INTO public.slowly SELECT generate_series(1, 150);
     CREATE INDEX slowly_idx ON public.slowly (public.slow(id));`,
  );
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([A?.stop(), B?.stop(), S3?.stop(), AZ?.stop()]);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("a failing tool is the operator's to act on: its own message, the side, what to check, exit 1", () => {
  it("a target database that does not exist", async () => {
    const target = (await emptyTarget()).replace(/\/target\d+$/, "/no_such_db");
    const r = await migrateDb(src, target, ["--quiet", "--manifest", path.join(scratch, "m0.json")], { TMPDIR: scratch });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^freehold migrate: psql failed to connect on the target \(postgresql:\/\/target_user\d+@127\.0\.0\.1:\d+\/no_such_db\)/);
    expect(r.stderr).toContain('FATAL:  database "no_such_db" does not exist');
    expect(r.stderr).toContain("Check: the database name in the target URL: create the database on the target server first");
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it("a refused password on the source", async () => {
    const target = await emptyTarget();
    const wrong = src.replace(encodeURIComponent("shop:pw/1"), "wrong");
    const r = await migrateDb(wrong, target, ["--quiet", "--manifest", path.join(scratch, "m1.json")], { TMPDIR: scratch });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/on the source \(postgresql:\/\/shop_owner@/);
    expect(r.stderr).toContain('password authentication failed for user "shop_owner"');
    expect(r.stderr).toContain("Check: the user name in the source URL and its password (--from-password-file or --from-password-env, PGPASSWORD, or ~/.pgpass)");
    expect(r.stderr).not.toMatch(/internal error|\n\s+at |wrong/);
  });

  it("an rclone panic: the panic's own lines are shown, not an empty message", async () => {
    const from = path.join(scratch, "panic-src");
    mkdirSync(from, { recursive: true });
    writeFileSync(path.join(from, "a.bin"), Buffer.alloc(100_000, 1));
    // An rclone that lists fine and panics when it copies, as rclone 1.60 did on some settings.
    const bin = mkdtempSync(path.join(scratch, "fake-rclone-"));
    writeFileSync(
      path.join(bin, "rclone"),
      '#!/bin/sh\ncase "$1" in\n  version) echo "rclone v1.60.1-DEV" ;;\n  lsjson) echo "[]" ;;\n  *) printf \'panic: runtime error: integer divide by zero\\n\\ngoroutine 40 [running]:\\ngithub.com/rclone/rclone/fs/operations.Copy(...)\\n\' >&2; exit 2 ;;\nesac\n',
      { mode: 0o755 },
    );
    const r = await freehold(["migrate", "objects", "--from", from, "--to", path.join(scratch, "panic-dst"), "--allow-empty-source", "--quiet", "--manifest", path.join(scratch, "m2.json")], { PATH: `${bin}:${process.env.PATH}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`freehold migrate: rclone failed to copy ${from} to ${path.join(scratch, "panic-dst")}: it exited with code 2.`);
    expect(r.stderr).toContain("panic: runtime error: integer divide by zero");
    expect(r.stderr).toMatch(/goroutine \d+ \[running\]/);
    expect(r.stderr).toContain("Check: rclone crashed (the panic above).");
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});

describe("rclone connection strings with ':' and ',' in option values", () => {
  it("copies from S3 by an endpoint with scheme and port to Azure by a SAS URL, the secrets from private files", async () => {
    const s3 = (S3 as S3Server).remote("quoted");
    const az = (AZ as AzuriteServer).remote("quoted-copy");
    const { secret_access_key: secret, ...visible } = s3.options;
    const from = formatRemote("s3", visible, s3.path);
    const to = formatRemote("azureblob", {}, az.path);
    expect(from).toContain(`endpoint='${(S3 as S3Server).endpoint}'`);
    const s3Secrets = path.join(scratch, "s3.secrets");
    writeFileSync(s3Secrets, `# the S3 server's key\nsecret_access_key=${secret}\n`, { mode: 0o600 });
    // The account SAS with its comma unescaped, as the Azure portal shows it: spr=https,http.
    const azSecrets = path.join(scratch, "az.secrets");
    writeFileSync(azSecrets, `sas_url=${(az.options.sas_url as string).replace("%2C", ",")}\n`, { mode: 0o600 });
    const local = path.join(scratch, "quoted-src");
    mkdirSync(path.join(local, "docs"), { recursive: true });
    writeFileSync(path.join(local, "docs", "a, b: c.txt"), "comma, colon: kept");
    const seed = await freehold(["migrate", "objects", "--from", local, "--to", from, "--to-secrets-file", s3Secrets, "--quiet", "--manifest", path.join(scratch, "m3.json")]);
    expect(seed.code, seed.stderr).toBe(0);
    const r = await freehold(["migrate", "objects", "--from", from, "--from-secrets-file", s3Secrets, "--to", to, "--to-secrets-file", azSecrets, "--manifest", path.join(scratch, "m4.json")]);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(readFileSync(path.join(scratch, "m4.json"), "utf8")) as { objects: Array<{ path: string; match: boolean }>; source: { options: Record<string, string> }; target: { options: Record<string, string> } };
    expect(m.objects).toEqual([expect.objectContaining({ path: "docs/a, b: c.txt", match: true })]);
    expect(m.source.options).toMatchObject({ endpoint: (S3 as S3Server).endpoint, secret_access_key: "***", access_key_id: "***" });
    expect(m.target.options).toEqual({ sas_url: "***" });
    for (const text of [r.stderr, r.stdout, readFileSync(path.join(scratch, "m4.json"), "utf8")]) expect(text).not.toMatch(/sig=|S3RVER/);
  });

  it("refuses an unquoted endpoint, which rclone would silently cut at its first ':', saying how to quote it", async () => {
    const r = await freehold(["migrate", "objects", "--from", ":s3,provider=Other,endpoint=http://127.0.0.1:9000:bucket", "--to", path.join(scratch, "nowhere")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `freehold migrate: --from: ":s3,provider=Other,endpoint=http://127.0.0.1:9000:bucket" reads as bucket or container "//127.0.0.1:9000:bucket", which no bucket name can be: the value of "endpoint" ended at the first ":"; quote a value that holds ":" or ",", e.g. endpoint='http://127.0.0.1:9000'\nRun \`freehold migrate --help\` for usage.\n`,
    );
  });

  it("refuses a target in the source's bucket reached by another spelling of its endpoint (localhost for 127.0.0.1, this host's own address when it has one), writing nothing into the source", async () => {
    const s3 = (S3 as S3Server).remote("spelled/data");
    const { secret_access_key: secret, ...visible } = s3.options;
    const secrets = path.join(scratch, "spelled.secrets");
    writeFileSync(secrets, `secret_access_key=${secret}\n`, { mode: 0o600 });
    const local = path.join(scratch, "spelled-src");
    mkdirSync(local, { recursive: true });
    writeFileSync(path.join(local, "img1.jpg"), "one");
    const from = formatRemote("s3", visible, s3.path);
    const seed = await freehold(["migrate", "objects", "--from", local, "--to", from, "--to-secrets-file", secrets, "--quiet", "--manifest", path.join(scratch, "spelled-seed.json")]);
    expect(seed.code, seed.stderr).toBe(0);
    const other = (S3 as S3Server).endpoint.replace("127.0.0.1", "LocalHost");
    expect(other).not.toBe((S3 as S3Server).endpoint);
    // This host's own (non-loopback) address reaches the same server as 127.0.0.1 does when it listens on every address.
    const own = Object.values(os.networkInterfaces())
      .flatMap((l) => l ?? [])
      .find((i) => !i.internal && i.family === "IPv4")?.address;
    for (const endpoint of [other, ...(own ? [(S3 as S3Server).endpoint.replace("127.0.0.1", own)] : [])]) {
      const to = formatRemote("s3", { ...visible, endpoint }, "spelled/data/copy");
      const r = await freehold(["migrate", "objects", "--from", from, "--from-secrets-file", secrets, "--to", to, "--to-secrets-file", secrets, "--manifest", path.join(scratch, "spelled.json")]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr, endpoint).toContain("refusing to migrate: the source and target are the same storage with overlapping paths");
    }
    const objects = await withRclone({ FHSRC: s3 }, (ctx) => list(ctx, ctx.specs.FHSRC as string, { hashes: false }));
    expect(objects.objects.map((o) => o.path)).toEqual(["img1.jpg"]);
  });
});

describe("object counts and help", () => {
  it("refuses a target holding another object under the same key, copying nothing; with --replace, overwrites it and names it", async () => {
    const from = path.join(scratch, "count-src");
    const to = path.join(scratch, "count-dst");
    mkdirSync(from, { recursive: true });
    for (const n of ["a", "b", "c", "d"]) writeFileSync(path.join(from, `${n}.txt`), `${n} original`);
    const manifest = path.join(scratch, "m5.json");
    expect((await freehold(["migrate", "objects", "--from", from, "--to", to, "--quiet", "--manifest", manifest])).code).toBe(0);
    writeFileSync(path.join(to, "b.txt"), "b changed at the target");
    writeFileSync(path.join(from, "e.txt"), "e new");
    const refused = await freehold(["migrate", "objects", "--from", from, "--to", to, "--manifest", manifest]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("refusing to migrate: the target already holds 1 object(s) with other content under the same keys; nothing was copied.");
    expect(refused.stderr).toMatch(/ {2}- b\.txt: target 23 B md5 [0-9a-f]{32}, source 10 B md5 [0-9a-f]{32}/);
    expect(readFileSync(path.join(to, "b.txt"), "utf8")).toBe("b changed at the target");
    expect(existsSync(path.join(to, "e.txt"))).toBe(false);
    const r = await freehold(["migrate", "objects", "--from", from, "--to", to, "--replace", "--manifest", manifest]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("copied 2 object(s), 15 bytes (1 replacing a different one); 3 already present");
    expect(r.stdout).toContain("5 objects, every size and hash equal (2 copied, 3 already present, 1 replaced)");
    expect(JSON.parse(readFileSync(manifest, "utf8"))).toMatchObject({ copy: { transferred: 2, replaced: 1, alreadyPresent: 3 }, replacedObjects: ["b.txt"] });
  });

  it("never takes a target file for a part-written copy because it begins the source object: an empty or shorter file is refused, then named as replaced", async () => {
    const from = path.join(scratch, "prefix-src");
    const to = path.join(scratch, "prefix-dst");
    mkdirSync(from, { recursive: true });
    mkdirSync(to, { recursive: true });
    writeFileSync(path.join(from, "config.txt"), "hello world, the source's");
    writeFileSync(path.join(from, "flag"), "data");
    writeFileSync(path.join(to, "config.txt"), "hello");
    writeFileSync(path.join(to, "flag"), "");
    const manifest = path.join(scratch, "m-prefix.json");
    const refused = await freehold(["migrate", "objects", "--from", from, "--to", to, "--quiet", "--manifest", manifest]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("refusing to migrate: the target already holds 2 object(s) with other content under the same keys; nothing was copied.");
    expect(refused.stderr).toMatch(/ {2}- config\.txt: target 5 B md5 [0-9a-f]{32}, source 25 B md5 [0-9a-f]{32} \(shorter: if an interrupted copy left it part-written, --replace completes it\)/);
    expect(readFileSync(path.join(to, "config.txt"), "utf8")).toBe("hello");
    expect(readFileSync(path.join(to, "flag"), "utf8")).toBe("");
    const r = await freehold(["migrate", "objects", "--from", from, "--to", to, "--replace", "--quiet", "--manifest", manifest]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(manifest, "utf8"))).toMatchObject({ copy: { replaced: 2 }, replacedObjects: ["config.txt", "flag"] });
  });

  it("refuses a local target holding a symbolic link, which rclone would write through to outside the target", async () => {
    const from = path.join(scratch, "link-src");
    const to = path.join(scratch, "link-dst");
    const outside = path.join(scratch, "link-outside");
    mkdirSync(path.join(from, "docs"), { recursive: true });
    mkdirSync(to, { recursive: true });
    mkdirSync(outside, { recursive: true });
    writeFileSync(path.join(from, "docs", "a.txt"), "from the source");
    writeFileSync(path.join(outside, "a.txt"), "IMPORTANT FILE");
    symlinkSync(outside, path.join(to, "docs"));
    const r = await freehold(["migrate", "objects", "--from", from, "--to", to, "--quiet", "--manifest", path.join(scratch, "m-link.json")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("refusing to migrate: the target folder holds 1 symbolic link(s); a copy would write through them, outside the target");
    expect(r.stderr).toContain("  - docs: a symbolic link in the target");
    expect(readFileSync(path.join(outside, "a.txt"), "utf8")).toBe("IMPORTANT FILE");
  });

  it("with --follow-links, follows only links that stay inside the source folder: one to a file outside is refused, copying nothing", async () => {
    const from = path.join(scratch, "follow-src");
    const to = path.join(scratch, "follow-dst");
    const secret = path.join(scratch, "follow-secret");
    mkdirSync(from, { recursive: true });
    writeFileSync(secret, "root's secret", { mode: 0o600 });
    writeFileSync(path.join(from, "logo.png"), "logo");
    symlinkSync(path.join(from, "logo.png"), path.join(from, "logo-link.png"));
    symlinkSync(secret, path.join(from, "avatar.png"));
    const r = await freehold(["migrate", "objects", "--from", from, "--to", to, "--follow-links", "--quiet", "--manifest", path.join(scratch, "m-follow.json")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("refusing to migrate: 1 symbolic link(s) at the source lead out of the source folder; nothing was copied.");
    expect(r.stderr).toContain(`  - avatar.png: a symbolic link at the source to ${secret}, outside the source folder`);
    expect(existsSync(path.join(to, "avatar.png"))).toBe(false);
    rmSync(path.join(from, "avatar.png"));
    const ok = await freehold(["migrate", "objects", "--from", from, "--to", to, "--follow-links", "--quiet", "--manifest", path.join(scratch, "m-follow.json")]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(path.join(to, "logo-link.png"), "utf8")).toBe("logo");
  });

  it("a final delta (--since the first run's manifest) copies the new, replaces the changed, deletes the removed, leaves others' objects alone, and verifies: local, S3 and Azure targets", async () => {
    const s3 = (S3 as S3Server).remote("delta");
    const { secret_access_key: s3Secret, ...s3Visible } = s3.options;
    const s3Secrets = path.join(scratch, "delta-s3.secrets");
    writeFileSync(s3Secrets, `secret_access_key=${s3Secret}\n`, { mode: 0o600 });
    const az = (AZ as AzuriteServer).remote("delta");
    const azSecrets = path.join(scratch, "delta-az.secrets");
    writeFileSync(azSecrets, `sas_url=${az.options.sas_url}\n`, { mode: 0o600 });
    const targets: Array<[string, string[]]> = [
      ["local", [path.join(scratch, "delta-dst")]],
      ["s3", [formatRemote("s3", s3Visible, s3.path), "--to-secrets-file", s3Secrets]],
      ["azure", [formatRemote("azureblob", {}, az.path), "--to-secrets-file", azSecrets]],
    ];
    // The three targets at once: each its own source, manifests and bucket.
    const deltaOn = async ([name, to]: [string, string[]]) => {
      const from = path.join(scratch, `delta-src-${name}`);
      mkdirSync(from, { recursive: true });
      for (const n of ["a", "b", "c", "d"]) writeFileSync(path.join(from, `${n}.txt`), `${n} original`);
      const first = path.join(scratch, `delta-first-${name}.json`);
      expect((await freehold(["migrate", "objects", "--from", from, "--to", ...to, "--quiet", "--manifest", first])).code).toBe(0);
      // While the service runs: one object changed, one removed, one added at the source; someone else's object in the target.
      writeFileSync(path.join(from, "b.txt"), "b changed at the source");
      rmSync(path.join(from, "c.txt"));
      writeFileSync(path.join(from, "e.txt"), "e new");
      const foreign = path.join(scratch, `delta-foreign-${name}`);
      mkdirSync(foreign, { recursive: true });
      writeFileSync(path.join(foreign, "theirs.txt"), "not ours");
      expect((await freehold(["migrate", "objects", "--from", foreign, "--to", ...to, "--quiet", "--manifest", path.join(scratch, `delta-theirs-${name}.json`)])).code).toBe(0);
      const final = path.join(scratch, `delta-final-${name}.json`);
      const r = await freehold(["migrate", "objects", "--from", from, "--to", ...to, "--since", first, "--manifest", final]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/Delta since \S+: 1 new, 1 changed, 1 removed from the source and deleted from the target, in \d+\.\d\d s, verification included\./);
      // The new object is copied with --immutable (never over one the application wrote meanwhile); the changed one only after reading it again in the target.
      expect(r.stderr).toMatch(/rclone copy --checksum --immutable --ignore-checksum --transfers 4 \S+ -> \S+ \(only 1 named object\(s\)\)/);
      expect(r.stderr).toContain("replacing 1 object(s) changed at the source, each only if the target still holds it as the first copy left it");
      const m = JSON.parse(readFileSync(final, "utf8")) as { delta: unknown; copy: { transferred: number; alreadyPresent: number }; objects: Array<{ path: string; match: boolean }>; extraTargetObjects: string[] };
      expect(m.delta, name).toMatchObject({ changed: ["b.txt"], removed: ["c.txt"], added: 1 });
      expect(m.copy, name).toMatchObject({ transferred: 2, alreadyPresent: 2 });
      expect(m.objects.map((o) => `${o.path} ${o.match}`), name).toEqual(["a.txt true", "b.txt true", "d.txt true", "e.txt true"]);
      // The removed object is gone from the target; the object the first run did not copy is still there.
      expect(m.extraTargetObjects, name).toEqual(["theirs.txt"]);
    };
    await Promise.all(targets.map(deltaOn));
  });

  it("a delta refuses a manifest of another source or target, and an object the first run copied that someone else changed in the target since", async () => {
    const from = path.join(scratch, "delta-refuse-src");
    const to = path.join(scratch, "delta-refuse-dst");
    mkdirSync(from, { recursive: true });
    writeFileSync(path.join(from, "a.txt"), "a original");
    const first = path.join(scratch, "delta-refuse-first.json");
    expect((await freehold(["migrate", "objects", "--from", from, "--to", to, "--quiet", "--manifest", first])).code).toBe(0);
    const other = await freehold(["migrate", "objects", "--from", from, "--to", path.join(scratch, "delta-refuse-elsewhere"), "--since", first, "--manifest", path.join(scratch, "delta-refuse-2.json")]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("refusing the delta: the earlier manifest is not a verified run of this source and target; nothing was copied.");
    expect(other.stderr).toMatch(/ {2}- target: is .*delta-refuse-dst.*, not this run's target/);
    writeFileSync(path.join(from, "a.txt"), "a changed at the source");
    writeFileSync(path.join(to, "a.txt"), "a changed at the target by someone else");
    const theirs = await freehold(["migrate", "objects", "--from", from, "--to", to, "--since", first, "--manifest", path.join(scratch, "delta-refuse-3.json")]);
    expect(theirs.code).toBe(1);
    expect(theirs.stderr).toContain("refusing to migrate: the target already holds 1 object(s) with other content under the same keys; nothing was copied.");
    expect(readFileSync(path.join(to, "a.txt"), "utf8")).toBe("a changed at the target by someone else");
    const missing = await freehold(["migrate", "objects", "--from", from, "--to", to, "--since", path.join(scratch, "no-such.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--since: cannot read");
  });

  it("a delta deletes only what a freehold run copied: never an object the target held before the first run; an older manifest without that record deletes nothing and says why", async () => {
    const from = path.join(scratch, "owned-src");
    const to = path.join(scratch, "owned-dst");
    mkdirSync(from, { recursive: true });
    mkdirSync(to, { recursive: true });
    for (const n of ["a", "b", "c", "d", "e"]) writeFileSync(path.join(from, `${n}.txt`), `${n} original`);
    writeFileSync(path.join(to, "mine.txt"), "already there");
    writeFileSync(path.join(from, "mine.txt"), "already there");
    const first = path.join(scratch, "owned-first.json");
    expect((await freehold(["migrate", "objects", "--from", from, "--to", to, "--quiet", "--manifest", first])).code).toBe(0);
    const m1 = JSON.parse(readFileSync(first, "utf8")) as { copiedObjects: string[]; formatVersion: number };
    expect(m1.copiedObjects).toEqual(["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]);
    expect(statSync(first).mode & 0o777).toBe(0o600);
    rmSync(path.join(from, "mine.txt"));
    rmSync(path.join(from, "c.txt"));
    // The same first manifest as an older freehold wrote it: no record of what was copied.
    const { copiedObjects: _, ...older } = { ...m1, formatVersion: 2 };
    const old = path.join(scratch, "owned-old.json");
    writeFileSync(old, JSON.stringify(older), { mode: 0o600 });
    const r0 = await freehold(["migrate", "objects", "--from", from, "--to", to, "--since", old, "--manifest", path.join(scratch, "owned-0.json")]);
    expect(r0.code, r0.stderr).toBe(0);
    expect(r0.stdout).toContain("Not deleted: 2 object(s) gone from the source, because the manifest given to --since does not record which objects freehold copied");
    expect(existsSync(path.join(to, "c.txt"))).toBe(true);
    const r = await freehold(["migrate", "objects", "--from", from, "--to", to, "--since", first, "--manifest", path.join(scratch, "owned-1.json")]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(path.join(to, "mine.txt"), "utf8")).toBe("already there");
    expect(existsSync(path.join(to, "c.txt"))).toBe(false);
  });

  it("verifies an Azure side by downloading both sides: a block blob's stored MD5 is its writer's claim", async () => {
    const from = path.join(scratch, "az-src");
    mkdirSync(from, { recursive: true });
    writeFileSync(path.join(from, "a.txt"), "a");
    const az = (AZ as AzuriteServer).remote("verify-download");
    const secrets = path.join(scratch, "az-verify.secrets");
    writeFileSync(secrets, `sas_url=${az.options.sas_url}\n`, { mode: 0o600 });
    const manifest = path.join(scratch, "m-az.json");
    const r = await freehold(["migrate", "objects", "--from", from, "--to", formatRemote("azureblob", {}, az.path), "--to-secrets-file", secrets, "--quiet", "--manifest", manifest]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(manifest, "utf8"))).toMatchObject({ verifyMode: "download" });
  });

  it("finishes its work and exits with its own code when whoever read its output went away (a closed terminal, a closed pipe)", async () => {
    const from = path.join(scratch, "epipe-src");
    mkdirSync(from, { recursive: true });
    for (const n of ["a", "b", "c"]) writeFileSync(path.join(from, `${n}.txt`), n);
    const manifest = path.join(scratch, "m-epipe.json");
    const run = start(["migrate", "objects", "--from", from, "--to", path.join(scratch, "epipe-dst"), "--manifest", manifest]);
    // Close the reading end after the first line: every later write fails (EPIPE), as writes to a hung-up terminal do (EIO).
    run.child.stderr?.once("data", () => run.child.stderr?.destroy());
    const r = await run.done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(manifest, "utf8"))).toMatchObject({ ok: true });
  });

  it("writes the manifest where --help says it does by default", async () => {
    const help = await freehold(["migrate", "--help"]);
    expect(help.stdout).toContain("Where to write the manifest (default: database-manifest.json or objects-manifest.json in the current directory).");
    const cwd = mkdtempSync(path.join(scratch, "cwd-"));
    const from = path.join(scratch, "count-src");
    const r = await new Promise<number | null>((resolve) => spawn(process.execPath, [BIN, "migrate", "objects", "--from", from, "--to", path.join(cwd, "out"), "--quiet"], { cwd, stdio: "ignore" }).on("close", resolve));
    expect(r).toBe(0);
    expect(existsSync(path.join(cwd, "objects-manifest.json"))).toBe(true);
  });
});

describe("no copy of the data left behind, and nothing left running", () => {
  it("without --work-dir, neither a verified run nor a failed one leaves the dump in the temporary folder", async () => {
    const tmp = mkdtempSync(path.join(scratch, "tmpdir-"));
    const target = await emptyTarget();
    const ok = await migrateDb(src, target, ["--quiet", "--manifest", path.join(scratch, "m6.json")], { TMPDIR: tmp });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("No copy of the data is left on this host.");
    expect(readdirSync(tmp)).toEqual([]);
    // The after-the-fact comparison, as a command: equal now, then one row changed in the target.
    const equal = dbRun(src, target, [], { TMPDIR: tmp });
    equal.args.splice(1, 1, "verify", "database");
    equal.args.splice(equal.args.indexOf("--as-admin"), 1);
    const verified = await freehold(equal.args, equal.env);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^Databases equal: 2 tables, 350 rows, 0 sequences; schema equal\.\nVerified: the target equals the source as of the snapshot taken at \S+; /);
    // Failure after the dump: the target now holds different data in the same tables.
    await sql(target, "UPDATE public.items SET name = 'changed' WHERE id = 2;");
    const differs = await freehold([...equal.args, "--quiet"], equal.env);
    expect(differs.code).toBe(1);
    expect(differs.stderr).toMatch(/^verification failed: 1 difference\(s\) between postgresql:\/\/shop_owner@\S+ and postgresql:\/\/target_user\d+@\S+\n {2}- public\.items: content differs/);
    const other = await emptyTarget();
    await sql(other, "CREATE TABLE public.slowly_idx (x int);"); // collides with the source's index: the restore fails after the dump
    const failed = await migrateDb(src, other, ["--quiet", "--allow-other-tables", "--manifest", path.join(scratch, "m7.json")], { TMPDIR: tmp });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('relation "slowly_idx" already exists');
    expect(failed.stderr).not.toContain("target-pw-");
    expect(readdirSync(tmp)).toEqual([]);
    expect(await sql(other, "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public';")).toEqual(["slowly_idx"]);
  });

  it("verify database whose one side fails to open (a service file's options drop the fingerprint key) exits 1 within seconds, leaving no session on the other side", async () => {
    const target = await emptyTarget();
    const services = path.join(scratch, "verify-services.conf");
    writeFileSync(services, "[opts]\noptions=-c work_mem=8MB\n", { mode: 0o600 });
    const plain = dbRun(src, target);
    const env = { ...plain.env, PGSERVICEFILE: services };
    const at = (flag: "from" | "to", url: string) => [`--${flag}`, url, `--${flag}-password-env`, `FREEHOLD_TEST_${flag.toUpperCase()}_PASSWORD`];
    const direct = { from: plain.args[plain.args.indexOf("--from") + 1] as string, to: plain.args[plain.args.indexOf("--to") + 1] as string };
    for (const [from, to, failing] of [
      [`${direct.from}?service=opts`, direct.to, "source"],
      [direct.from, `${direct.to}?service=opts`, "target"],
    ] as const) {
      const run = start(["migrate", "verify", "database", ...at("from", from), ...at("to", to), "--allow-unverified-tls"], env);
      const bound = setTimeout(() => run.child.kill("SIGKILL"), 20_000);
      const r = await run.done;
      clearTimeout(bound);
      expect(r.code, `${failing}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toContain(`psql failed to prepare a session on the ${failing}`);
      const other = failing === "source" ? (B as PostgresServer) : (A as PostgresServer);
      // The other side's session ended with the process (its server notices the closed connection at once).
      await until(`no session is left on the ${failing === "source" ? "target" : "source"}`, async () => (await sql(other.superuserUrl, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'freehold-migrate-%' AND pid <> pg_backend_pid();"))[0] === "0", 5_000);
    }
  });

  it("SIGHUP during the restore stops every tool and query on both servers, undoes the restore and removes the dump (exit 129); no password is ever on a command line", async () => {
    const tmp = mkdtempSync(path.join(scratch, "tmpdir-"));
    const target = await emptyTarget();
    const prefix = `freehold-${migrationKey(pgConnection(src, "source"), pgConnection(target, "target"))}`;
    const cmd = dbRun(src, target, ["--manifest", path.join(scratch, "m8.json")], { TMPDIR: tmp });
    const run = start(cmd.args, cmd.env);
    const seen = new Set<string>();
    const watch = setInterval(() => {
      for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
        try {
          const line = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
          if (cmd.passwords.some((pw) => line.includes(pw) || line.includes(encodeURIComponent(pw)))) seen.add(line);
        } catch {
          /* the process ended */
        }
      }
    }, 25);
    const slowBuild = async () => (await sql((B as PostgresServer).superuserUrl, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX slowly_idx%' AND state = 'active';"))[0] === "1";
    await until("the slow index is being built on the target", slowBuild).finally(() => clearInterval(watch));
    run.child.kill("SIGHUP");
    const r = await run.done;
    expect(r.code, r.stderr).toBe(129);
    expect(r.stderr).toContain("freehold migrate: interrupted: every tool and query this run started was stopped on both servers, and the partial restore was undone: the target is as it was");
    expect([...seen]).toEqual([]);
    expect(r.stderr).not.toContain(cmd.passwords[0] as string);
    expect(await sessions((A as PostgresServer).superuserUrl, prefix)).toEqual([]);
    expect(await sessions((B as PostgresServer).superuserUrl, prefix)).toEqual([]);
    expect(await sql(target, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace;")).toEqual(["0"]);
    expect(await sql(target, "SELECT count(*) FROM pg_proc WHERE proname = 'slow';")).toEqual(["0"]);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("after a SIGKILL, a run into another target with the same --work-dir leaves that target alone; the next run of the killed pair refuses to undo its restore until told to, then undoes it and finishes", async () => {
    const work = path.join(scratch, "kept-work");
    const target = await emptyTarget();
    const prefix = `freehold-${migrationKey(pgConnection(src, "source"), pgConnection(target, "target"))}`;
    const cmd = dbRun(src, target, ["--work-dir", work, "--quiet"]);
    const run = start(cmd.args, cmd.env);
    await until("the slow index is being built on the target", async () => (await sessions((B as PostgresServer).superuserUrl, `${prefix}-restore`)).some((s) => s.includes("CREATE INDEX slowly_idx")));
    run.child.kill("SIGKILL");
    await run.done;
    // What a killed run's verification leaves on a large source table: a long query whose client is an orphaned psql.
    const named = withSession(pgConnection(src, "source"), { appName: `${prefix}-verify` });
    const leftover = spawn(pgTool("psql"), ["-X", "-q", "-d", named.conninfo, "-c", "SELECT pg_sleep(600)"], { env: named.env, stdio: "ignore" });
    await until("the leftover query runs", async () => (await sessions((A as PostgresServer).superuserUrl, prefix)).some((s) => s.includes("pg_sleep")));
    expect(await sessions((B as PostgresServer).superuserUrl, `${prefix}-restore`)).not.toEqual([]);
    const killedFolder = runFolder(work);
    expect(existsSync(path.join(killedFolder, "restore.journal.json"))).toBe(true);

    // Another target that holds its own public.items: the killed run's undo must never touch it.
    const other = await emptyTarget();
    await sql(other, "CREATE TABLE public.items (id int PRIMARY KEY, name text); INSERT INTO public.items VALUES (1, 'theirs');");
    const elsewhere = await migrateDb(src, other, ["--work-dir", work, "--quiet", "--manifest", path.join(scratch, "m9a.json")]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain("refusing to migrate");
    expect(elsewhere.stderr).not.toContain("undoing");
    expect(await sql(other, "SELECT name FROM public.items;")).toEqual(["theirs"]);
    expect(existsSync(path.join(killedFolder, "restore.journal.json"))).toBe(true);

    // The killed run's restore is not undone without the operator's word: rows may have been written into its tables since.
    const refused = await migrateDb(src, target, ["--work-dir", work, "--manifest", path.join(scratch, "m9.json")]);
    expect(refused.code).toBe(1);
    // The leftover query at least (the killed run's pg_restore may have finished on its own meanwhile).
    expect(refused.stderr).toMatch(/stopped [1-9] session\(s\) an earlier, interrupted run had left on the servers/);
    expect(refused.stderr).toMatch(/holds a restore into \S+ that an earlier run started at \S+ and did not finish/);
    expect(refused.stderr).toContain("table public.items");
    expect(refused.stderr).toContain("run the same command again with --undo-partial-restore");
    expect(refused.stderr).not.toContain("undoing");
    expect(existsSync(path.join(killedFolder, "restore.journal.json"))).toBe(true);
    expect(await sql(target, "SELECT to_regclass('public.items') IS NOT NULL;")).toEqual(["t"]);
    const again = await migrateDb(src, target, ["--work-dir", work, "--undo-partial-restore", "--manifest", path.join(scratch, "m9.json")]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("undoing the unfinished restore into");
    expect(await sessions((A as PostgresServer).superuserUrl, prefix)).toEqual([]);
    expect(await sessions((B as PostgresServer).superuserUrl, prefix)).toEqual([]);
    const m = JSON.parse(readFileSync(path.join(scratch, "m9.json"), "utf8")) as { ok: boolean; dump: { reused: boolean; kept: boolean }; restore: { method: string }; totals: { rows: number } };
    // The killed run streamed its rows: there is no dump of them to reuse, so the run streams them again.
    expect(m).toMatchObject({ ok: true, dump: { reused: false, kept: false }, restore: { method: "stream" }, totals: { rows: 350 } });
    expect(existsSync(killedFolder)).toBe(false);
    leftover.kill();
  }, 90_000);
});
