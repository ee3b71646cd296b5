/**
 * migrateDatabase against two real PostgreSQL servers: read-only source,
 * checksum sensitivity, refusal over different data or definitions, a restore
 * that fails part-way leaving nothing (whatever its names), then resumes from
 * the kept dump only while the source is unchanged; encodings; a source
 * written during the run; interruptions; the same database twice.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseSummary } from "../commands/migrate";
import { migrateDatabase, verifyDatabase } from "./database";
import { SourceSnapshot } from "./dump";
import { MigrationError, MigrationInterrupted, MigrationToolError } from "./errors";
import { newFingerprintKey } from "./fingerprint";
import { databaseIdentity, listTables, pgConnection, psql, quoteLiteral, serverInfo, tableKey, withSession } from "./pg";
import { pgTool } from "./proc";
import { rehearsalPreflight } from "./rehearse";
import { type CreatedObject, createdObjectsSql, undoSql } from "./restore";
import { type PostgresServer, startPostgres } from "./servers";
import { checksumTables, targetLock } from "./session";
import { copyTable, type Part, sourceCopyCommands } from "./stream-copy";

let A: PostgresServer | undefined;
let B: PostgresServer | undefined;
let dir = "";
const db = { a: "", b: "", c: "" };

async function sql(url: string, text: string): Promise<string[]> {
  return (await psql(pgConnection(url, "target"), text)).lines;
}

/** The private folder a run keeps its files in, inside a --work-dir. */
const runFolder = (work: string) => path.join(work, readdirSync(work).find((e) => e.startsWith("freehold-migrate-")) ?? "none");

/** Run SQL on a database now, from inside a synchronous log callback (the migration's tools keep running meanwhile). */
function sqlNow(url: string, text: string): string[] {
  const c = pgConnection(url, "target");
  const r = spawnSync(pgTool("psql"), ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", c.conninfo, "-c", text], { env: c.env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.split("\n").filter(Boolean);
}

/**
 * Established TCP connections of this server's port, by side (the server's end, the clients' end), each with its timer as
 * /proc/net/tcp shows it: the kind (2: keepalive) and the seconds left (the kernel prints them in 1/100 s).
 */
function tcpTimers(port: number): { server: Array<[number, number]>; client: Array<[number, number]> } {
  const out = { server: [] as Array<[number, number]>, client: [] as Array<[number, number]> };
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || f[3] !== "01") continue;
    const [kind, when] = (f[5] ?? "0:0").split(":").map((x) => Number.parseInt(x, 16)) as [number, number];
    if (f[1]?.endsWith(`:${hex}`)) out.server.push([kind, when / 100]);
    else if (f[2]?.endsWith(`:${hex}`)) out.client.push([kind, when / 100]);
  }
  return out;
}

beforeAll(async () => {
  const missing = rehearsalPreflight();
  if (missing.length > 0) throw new Error(`missing prerequisites:\n  ${missing.join("\n  ")}`);
  dir = await mkdtemp(path.join(os.tmpdir(), "freehold-db-test-"));
  [A, B] = await Promise.all([
    startPostgres({ name: "a", superuserPassword: "sup3r'secret" }),
    startPostgres({ name: "b", superuserPassword: "an0ther secret" }),
  ]);
  db.a = await A.createDatabase("shop", "owner_a", "p@ss:w/rd?&");
  db.b = await B.createDatabase("shop", "owner_b", "pass-b");
  db.c = await B.createDatabase("shop2", "owner_c", "pass-c");
  await sql(
    db.a,
    `CREATE TABLE public.items (id int PRIMARY KEY, name text, price numeric(10,2), f double precision, r real, blob bytea, at timestamptz);
     INSERT INTO public.items VALUES
       (1, 'Croeso 🚀 東京', 1.10, 'NaN', '-0', '\\x00ff', '2024-01-01 00:00:00+01'),
       (2, '', NULL, '-Infinity', 0.1, '\\x', NULL),
       (3, NULL, 3.00, 0.30000000000000004, 1e-30, NULL, '2024-06-30 12:00:00.123456+00');
     CREATE TABLE public.big (id int, payload text);
     INSERT INTO public.big SELECT g, md5(g::text) FROM generate_series(1, 2000) g;
     CREATE INDEX zz_idx ON public.big (id);`,
  );
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([A?.stop(), B?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("migrateDatabase (real PostgreSQL)", () => {
  it("opens the source read-only", async () => {
    const src = pgConnection(db.a, "source");
    await expect(psql(src, "CREATE TABLE public.nope (x int);")).rejects.toMatchObject({ side: "source", details: { output: expect.stringMatching(/cannot execute CREATE TABLE in a read-only transaction/) } });
    expect(src.conninfo).not.toContain("p@ss");
    expect(src.display).toContain("***");
  });

  it("checksums ignore row order but see '' vs NULL, -0 vs 0, 1.0 vs 1.00, one flipped bit and values swapped between rows", async () => {
    const cols = "(a text, b double precision, c bytea, n numeric, i bigint)";
    await sql(
      db.c,
      `${[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `CREATE TABLE t${i} ${cols};`).join(" ")}
       INSERT INTO t1 VALUES ('x', 1, '\\x01', 1.0, 7), ('', 0, '\\x02', 2, 8), ('x', 1, '\\x01', 1.0, 7);
       INSERT INTO t2 VALUES ('x', 1, '\\x01', 1.0, 7), ('x', 1, '\\x01', 1.0, 7), ('', 0, '\\x02', 2, 8);
       INSERT INTO t3 VALUES ('x', 1, '\\x01', 1.0, 7), (NULL, 0, '\\x02', 2, 8), ('x', 1, '\\x01', 1.0, 7);
       INSERT INTO t4 VALUES ('x', 1, '\\x01', 1.0, 7), ('', '-0', '\\x02', 2, 8), ('x', 1, '\\x01', 1.0, 7);
       INSERT INTO t5 VALUES ('x', 1, '\\x01', 1.0, 7), ('', 0, '\\x03', 2, 8), ('x', 1, '\\x01', 1.0, 7);
       INSERT INTO t6 VALUES ('x', 1, '\\x01', 1.00, 7), ('', 0, '\\x02', 2, 8), ('x', 1, '\\x01', 1.0, 7);
       INSERT INTO t7 VALUES ('x', 1, '\\x01', 1.0, 8), ('', 0, '\\x02', 2, 7), ('x', 1, '\\x01', 1.0, 7);
       INSERT INTO t8 VALUES ('x', 1, '\\x01', 1.0, 7), ('', 0, '\\x02', 2, 8 # (1::int8 << 40) # (1::int8 << 8)), ('x', 1, '\\x01', 1.0, 7);`,
    );
    const conn = pgConnection(db.c, "source");
    const tables = (await listTables(conn)).filter((t) => /^t\d$/.test(t.table));
    const run = await checksumTables(conn, tables, "server", newFingerprintKey());
    const sum = (t: string) => run.sums.get(tableKey({ schema: "public", table: t }))?.checksum;
    expect(sum("t1")).toBe(sum("t2"));
    expect(new Set(["t1", "t3", "t4", "t5", "t6", "t7", "t8"].map(sum)).size).toBe(7);
    expect(run.sums.get(tableKey({ schema: "public", table: "t1" }))?.rows).toBe(3);
  });

  it("refuses, doing nothing, when the target holds different data in the same table", async () => {
    await sql(db.b, "CREATE TABLE public.items (id int PRIMARY KEY, name text); INSERT INTO public.items VALUES (1, 'theirs');");
    const work = path.join(dir, "refuse");
    const err = await migrateDatabase({ from: db.a, to: db.b, workDir: work }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect([...new Set((err as MigrationError).items)]).toEqual(["public.items"]);
    expect((err as MigrationError).message).toMatch(/refusing to migrate.*nothing was done/);
    // The target may be a database in use (the original, after a cutover): never told to drop its tables.
    expect((err as MigrationError).message).toContain("give it an empty database as the target");
    expect((err as MigrationError).message).not.toMatch(/drop/i);
    expect(await sql(db.b, "SELECT name FROM public.items;")).toEqual(["theirs"]);
    expect(existsSync(path.join(work, "dump"))).toBe(false);
    await sql(db.b, "DROP TABLE public.items;");
  });

  it("a copy that fails part-way leaves nothing and no copy of the data; the next run streams again and finishes, verified; nothing else in --work-dir is touched", async () => {
    // A relation named like the source's index makes the post-data step fail after the tables' rows are streamed in.
    await sql(db.b, "CREATE TABLE public.zz_idx (x int);");
    const work = path.join(dir, "resume");
    mkdirSync(path.join(work, "dump"), { recursive: true });
    writeFileSync(path.join(work, "dump", "unrelated.txt"), "the operator's");
    writeFileSync(path.join(work, "dump.complete.json"), "{}");
    const lines: string[] = [];
    // (The other table is allowed: without allowOtherTables a target holding a table the source does not is refused.)
    await expect(migrateDatabase({ from: db.a, to: db.b, workDir: work, allowOtherTables: true, log: (l) => lines.push(l) })).rejects.toThrow(/pg_restore failed to create the indexes and constraints in the target/);
    expect(lines.some((l) => /^copied public\.big in \d+ ms$/.test(l))).toBe(true);
    expect(lines).toContain("the target is back as it was before the restore");
    expect(await sql(db.b, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('items', 'big');")).toEqual(["0"]);
    // The rows were streamed: nothing of them was written on this host, and no dump is left to reuse.
    expect(existsSync(path.join(runFolder(work), "dump.complete.json"))).toBe(false);
    expect(existsSync(path.join(runFolder(work), "dump"))).toBe(false);
    await sql(db.b, "DROP TABLE public.zz_idx;");
    const m = await migrateDatabase({ from: db.a, to: db.b, workDir: work, jobs: 1 });
    expect(m.ok).toBe(true);
    expect(m.dump.reused).toBe(false);
    expect(m.restore).toMatchObject({ skipped: false, method: "stream" });
    expect(m.tables.map((t) => [`${t.schema}.${t.table}`, t.rows, t.match])).toEqual([
      ["public.big", 2000, true],
      ["public.items", 3, true],
    ]);
    expect(await sql(db.b, "SELECT count(*) FROM public.big;")).toEqual(["2000"]);
    // special values survived and verified equal
    expect(await sql(db.b, "SELECT f::text || '|' || r::text FROM public.items WHERE id = 1;")).toEqual(["NaN|-0"]);
    const again = await migrateDatabase({ from: db.a, to: db.b, workDir: work });
    expect(again.restore).toMatchObject({ skipped: true, method: "none" });
    expect(await sql(db.b, "SELECT count(*) FROM public.big;")).toEqual(["2000"]);
    expect(readdirSync(work).sort()).toEqual(["database-manifest.json", "dump", "dump.complete.json"]);
    expect(readFileSync(path.join(work, "dump", "unrelated.txt"), "utf8")).toBe("the operator's");
  });

  it("refuses a target that holds the source's tables with other column types and no constraints, even with the same data", async () => {
    const from = await A?.createDatabase("typed", "owner_t", "pass-t");
    const to = await B?.createDatabase("typed", "owner_u", "pass-u");
    await sql(from as string, "CREATE TABLE public.p (id int PRIMARY KEY, name varchar(10) NOT NULL, price numeric(10,2)); INSERT INTO public.p VALUES (1, 'a', 1.50), (2, 'b', NULL);");
    await sql(to as string, "CREATE TABLE public.p (id int, name text, price numeric); INSERT INTO public.p VALUES (1, 'a', 1.50), (2, 'b', NULL);");
    const err = await migrateDatabase({ from: from as string, to: to as string, manifestPath: path.join(dir, "typed.json") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).message).toMatch(/^refusing to migrate: .* already holds 1 of the source's tables with a different definition; nothing was done/);
    expect((err as MigrationError).problems.map((p) => p.message).sort()).toEqual(
      [
        "column id: NOT NULL is true in the source, false in the target",
        "column name: type is character varying(10) in the source, text in the target",
        "column name: NOT NULL is true in the source, false in the target",
        "column price: type is numeric(10,2) in the source, numeric in the target",
        "constraint p_pkey (PRIMARY KEY (id)) is missing in the target",
        "index p_pkey (CREATE UNIQUE INDEX p_pkey ON public.p USING btree (id)) is missing in the target",
      ].sort(),
    );
    expect((err as MigrationError).items).toEqual(Array(6).fill("public.p"));
  });

  it("names the table whose row count changed in the target", async () => {
    await sql(db.b, "DELETE FROM public.big WHERE id > 1990;");
    const err = await migrateDatabase({ from: db.a, to: db.b, workDir: path.join(dir, "resume") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).items).toEqual(["public.big"]);
    expect((err as MigrationError).message).toMatch(/row count differs: source 2000, target 1990/);
  });
});

describe("what verified means (real PostgreSQL)", () => {
  it("undoes a failed restore of names with newlines, ';' and quotes, in one transaction, leaving the target as it was", async () => {
    const from = (await A?.createDatabase("odd", "owner_o", "pass-o")) as string;
    const to = (await B?.createDatabase("odd", "owner_p", "pass-p")) as string;
    await sql(
      from,
      `CREATE SCHEMA "we;ird
name";
       CREATE TABLE "we;ird
name"."t;1
x"" y" (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text);
       INSERT INTO "we;ird
name"."t;1
x"" y" (v) VALUES ('a'), ('b');
       CREATE TYPE public."mood;
drop" AS ENUM ('x');
       CREATE FUNCTION public."f
(" (a int) RETURNS int LANGUAGE sql AS 'SELECT a';
       CREATE TABLE public.keep (id int);
       CREATE INDEX clash ON public.keep (id);`,
    );
    await sql(to, "CREATE TABLE public.clash (x int); CREATE TABLE public.theirs (y int); INSERT INTO public.theirs VALUES (7);");
    const lines: string[] = [];
    await expect(migrateDatabase({ from, to, allowOtherTables: true, manifestPath: path.join(dir, "odd.json"), log: (l) => lines.push(l) })).rejects.toMatchObject({ details: { output: expect.stringContaining('relation "clash" already exists') } });
    expect(lines).toContain("the target is back as it was before the restore");
    expect(await sql(to, "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast');")).toEqual(["clash,theirs"]);
    expect(await sql(to, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'we;%';")).toEqual(["0"]);
    expect(await sql(to, "SELECT count(*) FROM pg_type WHERE typname LIKE 'mood%';")).toEqual(["0"]);
    expect(await sql(to, "SELECT count(*) FROM pg_proc WHERE proname LIKE 'f%' AND pronamespace = 'public'::regnamespace;")).toEqual(["0"]);
    expect(await sql(to, "SELECT y FROM public.theirs;")).toEqual(["7"]);
  });

  it("verifies a LATIN1 source into a UTF8 target (text compared as UTF-8), and never uses a folder another user planted under the old predictable name", async () => {
    const from = (await A?.createDatabase("latin", "owner_l", "pass-l")) as string;
    const to = (await B?.createDatabase("latin", "owner_m", "pass-m")) as string;
    await sql((A as PostgresServer).superuserUrl, "DROP DATABASE latin; CREATE DATABASE latin OWNER owner_l ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;");
    await sql(from, "SET client_encoding = 'UTF8'; CREATE TABLE public.words (w text, c char(4), a text[], j jsonb); INSERT INTO public.words VALUES ('café', 'né', ARRAY['Zürich', 'naïve'], '{\"k\": \"ü\"}'), ('plain', 'x', NULL, NULL);");
    // The folder an earlier version used without --work-dir: a name anyone could predict, with a journal psql would have run.
    const tmp = await mkdtemp(path.join(dir, "tmp-"));
    const shown = (url: string) => {
      const u = new URL(url);
      u.password = "***";
      return u.toString();
    };
    const planted = path.join(tmp, `freehold-migrate-${createHash("sha256").update(`${shown(from)}\n${shown(to)}`).digest("hex").slice(0, 12)}`);
    const pwned = path.join(tmp, "pwned");
    mkdirSync(planted);
    writeFileSync(path.join(planted, "restore.journal.json"), JSON.stringify({ target: "x", startedAt: "x", rollbackSql: `\\! touch ${pwned}\nDROP TABLE IF EXISTS public.words CASCADE;` }));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const m = await migrateDatabase({ from, to, manifestPath: path.join(dir, "latin.json") });
      expect(m.ok).toBe(true);
      expect(m.source.encoding).toBe("LATIN1");
      expect(m.target.encoding).toBe("UTF8");
      expect(m.checksumMethod).toMatch(/text converted to UTF-8 before hashing/);
      expect(m.tables.map((t) => [t.table, t.rows, t.match])).toEqual([["words", 2, true]]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(existsSync(pwned)).toBe(false);
    expect(readdirSync(tmp).sort()).toEqual([path.basename(planted)]);
    expect(await sql(to, "SELECT w FROM public.words ORDER BY w;")).toEqual(["café", "plain"]);
  });

  it("reuses a kept dump only while the source is unchanged: after a write, dumps again instead of calling the stale copy verified", async () => {
    const from = (await A?.createDatabase("stale", "owner_s", "pass-s")) as string;
    const to = (await B?.createDatabase("stale", "owner_r", "pass-r")) as string;
    await sql(from, "CREATE TABLE public.t (id int PRIMARY KEY); INSERT INTO public.t SELECT generate_series(1, 5);");
    const work = path.join(dir, "stale");
    const first = await migrateDatabase({ from, to, workDir: work, keepDump: true });
    expect(first.dump.kept).toBe(true);
    // The dump is not compressed: gzip cost more CPU than the copy (docs/migration.md, "Speed").
    const files = readdirSync(first.dump.dir);
    expect(files.filter((f) => f.endsWith(".gz"))).toEqual([]);
    expect(files.some((f) => /^\d+\.dat$/.test(f))).toBe(true);
    await sql(from, "INSERT INTO public.t VALUES (6);");
    // The kept dump and its fingerprints hold 5 rows, like the target: reusing them would say "verified" with a row missing.
    const lines: string[] = [];
    const err = await migrateDatabase({ from, to, workDir: work, log: (l) => lines.push(l) }).catch((e: unknown) => e);
    expect(lines.some((l) => /^not reusing the dump from .*: the source changed since its snapshot \(public\.t: row count differs: snapshot 5, now 6\); copying again$/.test(l))).toBe(true);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).problems).toEqual([{ item: "public.t", message: "row count differs: source 6, target 5" }]);
  });

  it("says the source moved on when it is written after the snapshot (an update; a nextval), failing unless a live source is allowed", async () => {
    const from = (await A?.createDatabase("live", "owner_v", "pass-v")) as string;
    await sql(from, "CREATE TABLE public.t (id int PRIMARY KEY, v int); INSERT INTO public.t SELECT g, g FROM generate_series(1, 10) g; CREATE SEQUENCE public.s;");
    const writeOnce = (text: string) => {
      let done = false;
      return (l: string) => {
        if (!done && l.startsWith("pg_restore --section=pre-data")) {
          done = true;
          sqlNow(from, text);
        }
      };
    };
    const to1 = (await B?.createDatabase("live1", "owner_w", "pass-w")) as string;
    const err = await migrateDatabase({ from, to: to1, manifestPath: path.join(dir, "live1.json"), log: writeOnce("UPDATE public.t SET v = v + 1 WHERE id = 3;") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).message).toMatch(/^migrated, but not verified as of now: the target equals the source as of the snapshot taken at \S+ only: the source changed after it \(public\.t: content differs/);
    const m1 = JSON.parse(readFileSync(path.join(dir, "live1.json"), "utf8")) as { ok: boolean; consistency: { verdict: string }; totals: { mismatches: number } };
    expect(m1).toMatchObject({ ok: false, consistency: { verdict: "moved" }, totals: { mismatches: 0 } });
    const to2 = (await B?.createDatabase("live2", "owner_x", "pass-x")) as string;
    const m2 = await migrateDatabase({ from, to: to2, manifestPath: path.join(dir, "live2.json"), allowLiveSource: true, log: writeOnce("SELECT nextval('public.s');") });
    expect(m2.ok).toBe(true);
    expect(m2.consistency).toMatchObject({ verdict: "moved", changes: ["sequence public.s moved from unused to 1"] });
    expect(m2.consistency.statement).toMatch(/only: the source changed after it \(sequence public\.s moved from unused to 1\); the target does not hold those changes$/);
  });

  it("interrupted during verification, says the target holds the whole restore, not that it is as it was", async () => {
    const from = (await A?.createDatabase("intr", "owner_i", "pass-i")) as string;
    const to = (await B?.createDatabase("intr", "owner_j", "pass-j")) as string;
    await sql(from, "CREATE TABLE public.t (id int); INSERT INTO public.t SELECT generate_series(1, 100);");
    const ac = new AbortController();
    const err = await migrateDatabase({ from, to, manifestPath: path.join(dir, "intr.json"), signal: ac.signal, log: (l) => (l.startsWith("copy, indexes and constraints finished") ? ac.abort() : undefined) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationInterrupted);
    expect((err as Error).message).toBe(
      "interrupted: every tool and query this run started was stopped on both servers; the restore had finished, so the target holds the whole restore, not yet verified: run the same command again to verify it (it does not restore twice), or freehold migrate verify database",
    );
    expect(await sql(to, "SELECT count(*) FROM public.t;")).toEqual(["100"]);
  });

  it("refuses one database as both source and target, however its URLs spell the host", async () => {
    const same = db.a.replace("127.0.0.1", "localhost");
    const err = await migrateDatabase({ from: db.a, to: same, manifestPath: path.join(dir, "same.json") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).message).toMatch(/^refusing: the source .* and the target postgresql:\/\/owner_a:\*\*\*@localhost:\d+\/shop are the same database \(cluster \d+, database \d+ "shop"\); nothing was done\.\n/);
    await expect(verifyDatabase({ from: db.a, to: same })).rejects.toThrow(/are the same database/);
  });
});


/** One database of this name on each server, each with its own owner. */
async function pair(name: string): Promise<{ from: string; to: string }> {
  const [from, to] = await Promise.all([A?.createDatabase(name, `${name}_src`, `${name}-pw-s`), B?.createDatabase(name, `${name}_dst`, `${name}-pw-d`)]);
  return { from: from as string, to: to as string };
}

/** What a verification failure names, as "item: message" lines. */
async function verifyProblems(from: string, to: string): Promise<string[]> {
  const err = await verifyDatabase({ from, to }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MigrationError);
  return (err as MigrationError).problems.map((p) => `${p.item}: ${p.message}`);
}

describe("what the review found (real PostgreSQL)", () => {
  it("refuses, writing nothing, an empty source (a swapped URL) and a target holding tables the source does not, unless allowed", async () => {
    const p = await pair("swapped");
    await sql(p.to, "CREATE TABLE public.t (id int PRIMARY KEY); INSERT INTO public.t VALUES (1);");
    // The new, still empty database typed as the source, the one holding the data as the target: "migrated and verified", exit 0, before.
    const empty = await migrateDatabase({ from: p.from, to: p.to }).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(MigrationError);
    expect((empty as MigrationError).message).toMatch(/^refusing to migrate: the source .* holds no table, sequence or large object; nothing was written to the target\..*--allow-empty-source/);
    // A source with a table of its own, into that target: the target's other table says the pair is wrong.
    await sql(p.from, "CREATE TABLE public.s (id int); INSERT INTO public.s VALUES (7);");
    const other = await migrateDatabase({ from: p.from, to: p.to }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(MigrationError);
    expect((other as MigrationError).message).toMatch(/^refusing to migrate: the target .* holds 1 table\(s\) the source does not; nothing was written to it\..*--allow-other-tables/);
    expect((other as MigrationError).problems).toEqual([{ item: "public.t", message: "in the target, not in the source" }]);
    expect(await sql(p.to, "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public';")).toEqual(["t"]);
    // (Said on purpose, allowOtherTables, the copy goes ahead: the failed copies above into targets with a table of their own.)
  });

  it("keeps schema a with table b.c apart from schema a.b with table c: a change to either is found", async () => {
    const { from, to } = await pair("dots");
    await sql(
      from,
      `CREATE SCHEMA a; CREATE SCHEMA "a.b";
       CREATE TABLE a."b.c" (id int, v text); INSERT INTO a."b.c" SELECT g, md5(g::text) FROM generate_series(1, 200) g;
       CREATE TABLE "a.b".c (id int, v text); INSERT INTO "a.b".c VALUES (1, 'x'), (2, 'y'), (3, 'z');`,
    );
    const m = await migrateDatabase({ from, to, manifestPath: path.join(dir, "dots.json") });
    expect(m.tables.map((t) => [t.schema, t.table, t.rows, t.match])).toEqual([
      ["a", "b.c", 200, true],
      ["a.b", "c", 3, true],
    ]);
    await sql(to, `DELETE FROM a."b.c" WHERE id > 10; UPDATE a."b.c" SET v = 'EVIL';`);
    expect(await verifyProblems(from, to)).toEqual(['a."b.c": row count differs: source 200, target 10']);
  });

  it("finds a row changed so that its hash under the old public seed is unchanged: each run keys the fingerprint with a secret of its own", async () => {
    const { from, to } = await pair("ledger");
    // A second preimage of lookup3 (PostgreSQL's hashtextextended) under the seed the fingerprint used to give the second
    // column in every run (its position, 2): found once, offline, in under a second, by choosing other first 12 bytes and
    // the next 12 that bring the hash's state back (its block function is invertible). Only the two strings are kept here.
    const [paid, forged] = [quoteLiteral("pay alice 100 EUR #00042"), quoteLiteral("pay mallagVn[(Z5_saIQ ^G")];
    expect(await sql(to, `SELECT pg_catalog.hashtextextended(${paid} COLLATE "C", 2) = pg_catalog.hashtextextended(${forged} COLLATE "C", 2);`)).toEqual(["t"]);
    const ddl = "CREATE TABLE public.ledger (id int PRIMARY KEY, memo text NOT NULL); INSERT INTO public.ledger SELECT g, 'entry ' || g FROM generate_series(1, 100) g;";
    await sql(from, `${ddl} INSERT INTO public.ledger VALUES (101, ${paid});`);
    await sql(to, `${ddl} INSERT INTO public.ledger VALUES (101, ${forged});`);
    expect(await verifyProblems(from, to)).toEqual([expect.stringMatching(/^public\.ledger: content differs \(same 101 rows, checksum [0-9a-f]{32} vs [0-9a-f]{32}\)$/)]);
    // Equal again: both sides of a run hash with its key, and two runs' checksums of the same rows differ (a key each).
    await sql(to, `UPDATE public.ledger SET memo = ${paid} WHERE id = 101;`);
    const [one, two] = [await verifyDatabase({ from, to }), await verifyDatabase({ from, to })];
    expect([one.tables[0]?.match, two.tables[0]?.match]).toEqual([true, true]);
    expect(one.tables[0]?.checksum).not.toBe(two.tables[0]?.checksum);
  });

  it("sees every row of a table under row-level security: a policy that hides rows makes verification fail, not pass over them", async () => {
    const { from, to } = await pair("rls");
    const ddl = `CREATE TABLE public.docs (tenant text, body text);
       INSERT INTO public.docs VALUES ('acme', 'a1'), ('acme', 'a2'), ('%OWNER%', 'o1'), ('%OWNER%', 'o2');
       ALTER TABLE public.docs ENABLE ROW LEVEL SECURITY; ALTER TABLE public.docs FORCE ROW LEVEL SECURITY;
       CREATE POLICY own ON public.docs USING (tenant = current_user);`;
    await sql(from, ddl.replaceAll("%OWNER%", "rls_dst"));
    await sql(to, ddl.replaceAll("%OWNER%", "rls_dst"));
    // The target loses acme's rows and gains a forged one: rows its owner's policy hides.
    await sql(to, "ALTER TABLE public.docs NO FORCE ROW LEVEL SECURITY; DELETE FROM public.docs WHERE tenant = 'acme'; INSERT INTO public.docs VALUES ('acme', 'TAMPERED'); ALTER TABLE public.docs FORCE ROW LEVEL SECURITY;");
    const err = await verifyDatabase({ from, to }).catch((e: unknown) => e);
    expect(String((err as Error).message ?? err)).not.toMatch(/^Databases equal/);
    expect(JSON.stringify(err)).toMatch(/row-level security/);
  });

  it("compares policies, rules, SECURITY DEFINER and SET options, view options and replica identity", async () => {
    const { from, to } = await pair("secdef");
    const ddl = `CREATE TABLE public.t (id int PRIMARY KEY, owner text);
       ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;
       CREATE POLICY mine ON public.t USING (owner = current_user);
       CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
       CREATE VIEW public.v WITH (security_barrier = true) AS SELECT id FROM public.t;`;
    await sql(from, ddl);
    await sql(to, ddl);
    await sql(
      to,
      `ALTER POLICY mine ON public.t USING (true);
       CREATE RULE keep AS ON DELETE TO public.t DO INSTEAD NOTHING;
       ALTER FUNCTION public.f() SECURITY DEFINER SET search_path = public;
       ALTER VIEW public.v SET (security_barrier = false);
       ALTER TABLE public.t REPLICA IDENTITY FULL;`,
    );
    const problems = await verifyProblems(from, to);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^public\.t: policy mine differs: /),
        expect.stringMatching(/^public\.t: the target has rule keep \(CREATE RULE keep AS\s+ON DELETE TO public\.t DO INSTEAD NOTHING;?\), which the source does not$/),
        expect.stringMatching(/^public\.t: replicaIdentity is /),
        expect.stringMatching(/^function public\.f\(\): differs: .*"config":null.*"securityDefiner":false\}; target .*"config":\["search_path=public"\].*"securityDefiner":true\}$/),
        expect.stringMatching(/^view public\.v: differs: source .*"security_barrier=true".*; target .*"security_barrier=false"/),
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it("a sequence its user may not read is not verified: NULL is not a value both sides share", async () => {
    const { from, to } = await pair("seqpriv");
    const ddl = (v: number) => `CREATE SEQUENCE public.items_id_seq; SELECT setval('public.items_id_seq', ${v});
       CREATE TABLE public.items (id int); GRANT USAGE ON SCHEMA public TO seq_reader; GRANT SELECT ON public.items TO seq_reader;`;
    await Promise.all([sql((A as PostgresServer).superuserUrl, "CREATE ROLE seq_reader LOGIN PASSWORD 'reader-pw';"), sql((B as PostgresServer).superuserUrl, "CREATE ROLE seq_reader LOGIN PASSWORD 'reader-pw';")]);
    await sql(from, ddl(100));
    await sql(to, ddl(5000));
    const asReader = (url: string) => {
      const u = new URL(url);
      u.username = "seq_reader";
      u.password = "reader-pw";
      return u.toString();
    };
    expect(await verifyProblems(asReader(from), asReader(to))).toEqual([
      "sequence public.items_id_seq: cannot be read by the source's and the target's users (it needs USAGE or SELECT on the sequence): its value is not verified",
    ]);
  });

  it("undoes the large objects a failed restore created, so the next run succeeds; verifies their content", async () => {
    const { from, to } = await pair("blobs");
    await sql((A as PostgresServer).superuserUrl, "CREATE ROLE reporting_lo;");
    await sql(
      from,
      `SELECT pg_catalog.lo_from_bytea(0, convert_to('confidential contract #' || g, 'UTF8')) FROM generate_series(1, 3) g;
       CREATE TABLE public.t (id int); ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;
       CREATE POLICY p ON public.t TO reporting_lo USING (true);`,
    );
    const lines: string[] = [];
    const failed = await migrateDatabase({ from, to, manifestPath: path.join(dir, "blobs.json"), log: (l) => lines.push(l) }).catch((e: unknown) => e);
    expect(JSON.stringify(failed)).toContain('role \\"reporting_lo\\" does not exist');
    expect((failed as { details?: { hint?: string } }).details?.hint).toMatch(/^the roles on the target server: the dump refers to a role/);
    expect(lines).toContain("the target is back as it was before the restore");
    expect(await sql(to, "SELECT count(*) FROM pg_largeobject_metadata;")).toEqual(["0"]);
    await sql((B as PostgresServer).superuserUrl, "CREATE ROLE reporting_lo;");
    const m = await migrateDatabase({ from, to, manifestPath: path.join(dir, "blobs.json") });
    expect(m.largeObjects).toMatchObject({ count: 3, sourceCount: 3, match: true });
    await sql(to, "SELECT lo_put(min(oid), 0, convert_to('X', 'UTF8')) FROM pg_largeobject_metadata;");
    expect(await verifyProblems(from, to)).toEqual([expect.stringMatching(/^large objects: content differs \(same 3 large objects/)]);
  });

  it("does not undo a restore whose objects others have built on since, naming them; drops nothing", async () => {
    const { to } = await pair("undo");
    // As the schema restore does: one transaction creates them all.
    await sql(to, "BEGIN; CREATE SCHEMA shop; CREATE TABLE shop.orders (id int PRIMARY KEY); INSERT INTO shop.orders VALUES (1); COMMIT;");
    const [xid] = await sql(to, "SELECT xmin FROM pg_namespace WHERE nspname = 'shop';");
    const made = await sql(to, createdObjectsSql(xid as string));
    const objects = JSON.parse(made[0] as string) as CreatedObject[];
    expect(objects.map((o) => `${o.type} ${o.identity}`).sort()).toEqual(["schema shop", "table shop.orders"]);
    // Made after the restore by someone else: a table in its schema, a view on its table.
    await sql(to, "CREATE TABLE shop.customer_notes (n text); INSERT INTO shop.customer_notes VALUES ('keep me'); CREATE VIEW public.order_ids AS SELECT id FROM shop.orders;");
    const undo = undoSql(objects, [{ schema: "shop", table: "orders" }]);
    await expect(psql(pgConnection(to, "target"), undo, { singleTransaction: true })).rejects.toMatchObject({
      details: { output: expect.stringMatching(/the restore was not undone: what it created is used by objects it did not create.*: table shop\.customer_notes; view public\.order_ids/) },
    });
    expect(await sql(to, "SELECT n FROM shop.customer_notes;")).toEqual(["keep me"]);
    expect(await sql(to, "SELECT count(*) FROM shop.orders;")).toEqual(["1"]);
    await sql(to, "DROP VIEW public.order_ids; DROP TABLE shop.customer_notes;");
    await psql(pgConnection(to, "target"), undo, { singleTransaction: true });
    expect(await sql(to, "SELECT count(*) FROM pg_namespace WHERE nspname = 'shop';")).toEqual(["0"]);
  });

  it("keeps a source read-only and its sessions named when a connection service file sets options and application_name; refuses to fingerprint there without the key, saying why", async () => {
    const u = new URL(db.a);
    const services = path.join(dir, "pg_service.conf");
    writeFileSync(services, `[shop]\nhost=${u.hostname}\nport=${u.port}\ndbname=shop\nuser=owner_a\napplication_name=payments-app\noptions=-c default_transaction_read_only=off\n`, { mode: 0o600 });
    const src = pgConnection("postgresql:///?service=shop", "source", { env: { ...process.env, PGSERVICEFILE: services }, password: "p@ss:w/rd?&" });
    expect(await psql(src, "SHOW application_name; SHOW default_transaction_read_only;").then((r) => r.lines)).toEqual(["freehold-migrate-source", "on"]);
    await expect(psql(src, "CREATE TABLE public.nope (x int);")).rejects.toMatchObject({ details: { output: expect.stringMatching(/read-only transaction/) } });
    // The fingerprint's key travels in PGOPTIONS, which such a file's options override: a snapshot refuses to open, saying why.
    await expect(SourceSnapshot.open(src, newFingerprintKey())).rejects.toMatchObject({
      details: { output: expect.stringContaining('unrecognized configuration parameter "freehold.fingerprint_key"'), hint: expect.stringMatching(/connection service file \(\?service=\) sets options; move those options into the source URL/) },
    });
  });
});

describe("restoring as a role of the target (targetRole, --to-role)", () => {
  it("leaves every table, sequence, view, function and schema the restore made owned by that role, and refuses a missing role or one the login cannot act as, having written nothing", async () => {
    const a = A as PostgresServer;
    const b = B as PostgresServer;
    const src = await a.createDatabase("roles_src", "owner_e", "pass-e");
    await sql(
      src,
      `CREATE SCHEMA billing;
       CREATE TABLE billing.invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total numeric);
       INSERT INTO billing.invoices (total) VALUES (12.5), (7);
       CREATE SEQUENCE public.tickets;
       CREATE VIEW public.big_invoices AS SELECT id FROM billing.invoices WHERE total > 10;
       CREATE FUNCTION public.invoice_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM billing.invoices';
       CREATE MATERIALIZED VIEW public.refreshed_by AS SELECT current_user::text AS by;`,
    );
    const dst = await b.createDatabase("roles_dst", "owner_f", "pass-f");
    await b.superuserSql("CREATE ROLE restorer NOLOGIN; GRANT CREATE ON DATABASE roles_dst TO restorer; GRANT restorer TO owner_f;", "roles_dst");
    await b.superuserSql("GRANT USAGE, CREATE ON SCHEMA public TO restorer;", "roles_dst");
    const manifestPath = path.join(dir, "roles-manifest.json");
    await expect(migrateDatabase({ from: src, to: dst, targetRole: "nobody", manifestPath })).rejects.toThrow(/has no role "nobody" to restore as; nothing was done/);
    await expect(migrateDatabase({ from: src, to: dst, targetRole: "pg_monitor", manifestPath })).rejects.toThrow(/owner_f may not act as "pg_monitor" on the target .* nothing was done/);
    expect(await sql(dst, "SELECT count(*) FROM pg_class WHERE relnamespace NOT IN (SELECT oid FROM pg_namespace WHERE nspname ~ '^pg_' OR nspname = 'information_schema')")).toEqual(["0"]);
    const m = await migrateDatabase({ from: src, to: dst, targetRole: "restorer", manifestPath });
    expect(m.ok).toBe(true);
    expect(m.restore.role).toBe("restorer");
    const owners = await sql(
      dst,
      `SELECT DISTINCT pg_get_userbyid(owner) FROM (
         SELECT relowner AS owner FROM pg_class WHERE relnamespace IN ('public'::regnamespace, 'billing'::regnamespace)
         UNION ALL SELECT proowner FROM pg_proc WHERE proname = 'invoice_count'
         UNION ALL SELECT nspowner FROM pg_namespace WHERE nspname = 'billing') o`,
    );
    expect(owners).toEqual(["restorer"]);
    // The materialized view was refreshed as that role (its owner), not as the login.
    expect(await sql(dst, "SELECT by FROM public.refreshed_by;")).toEqual(["restorer"]);
    expect(m.restore.unpopulatedMaterializedViews).toBeUndefined();
  });

  it("restoring as the login (--as-admin), never refreshes a materialized view as it: each is left unpopulated and named with the statements that refresh it as the application role", async () => {
    const { from, to } = await pair("mvadmin");
    await sql(
      from,
      `CREATE TABLE public.t (id int PRIMARY KEY); INSERT INTO public.t VALUES (1), (2);
       CREATE MATERIALIZED VIEW public.refreshed_by AS SELECT current_user::text AS by, (SELECT count(*) FROM public.t) AS n;
       CREATE UNIQUE INDEX refreshed_by_idx ON public.refreshed_by (by);
       CREATE SCHEMA "odd schema?";
       CREATE MATERIALIZED VIEW "odd schema?"."v 2" AS SELECT 1 AS one;`,
    );
    // The streamed restore; a restore of a kept dump runs its post-data through the same restoreSections.
    const manifestPath = path.join(dir, "mvadmin.json");
    const m = await migrateDatabase({ from, to, manifestPath });
    expect(m.ok).toBe(true);
    expect(m.restore.method).toBe("stream");
    expect(m.restore.unpopulatedMaterializedViews).toEqual(['"odd schema?"."v 2"', "public.refreshed_by"]);
    expect(await sql(to, "SELECT matviewname || ':' || ispopulated || ':' || hasindexes FROM pg_matviews ORDER BY 1;")).toEqual(["refreshed_by:false:true", "v 2:false:false"]);
    expect(databaseSummary(JSON.parse(readFileSync(manifestPath, "utf8")), manifestPath)).toContain(
      '2 materialized view(s) hold no data on the target: restored as its administrator, the tool does not refresh them (a refresh runs the view\'s query as its owner, and the query is the source\'s). Their content is not verified. Refresh each as the application role (app here: use yours), connected as the administrator:\n  ALTER MATERIALIZED VIEW "odd schema?"."v 2" OWNER TO app; REFRESH MATERIALIZED VIEW "odd schema?"."v 2";\n  ALTER MATERIALIZED VIEW public.refreshed_by OWNER TO app; REFRESH MATERIALIZED VIEW public.refreshed_by;\n',
    );
  });
});

describe("code of the source the target would run (real PostgreSQL)", () => {
  it("refuses, writing nothing, a source whose index calls a function of a role neither the login nor a superuser: the index build would run it after the checksums", async () => {
    const { from, to } = await pair("untrusted");
    await sql(
      from,
      `CREATE TABLE public.accounts (id int PRIMARY KEY, owner text); INSERT INTO public.accounts VALUES (1, 'alice');
       CREATE FUNCTION public.g() RETURNS void LANGUAGE plpgsql AS $$ BEGIN END $$;
       CREATE FUNCTION public.f(x int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN PERFORM public.g(); RETURN x; END $$;
       CREATE TABLE public.notes (id int PRIMARY KEY, x int); INSERT INTO public.notes VALUES (1, 1);
       CREATE INDEX notes_fx ON public.notes (public.f(x));
       CREATE OR REPLACE FUNCTION public.g() RETURNS void LANGUAGE plpgsql AS $$ BEGIN UPDATE public.accounts SET owner = 'mallory' WHERE id = 1; END $$;`,
    );
    await (A as PostgresServer).superuserSql("CREATE ROLE tenant NOLOGIN; ALTER FUNCTION public.f(int) OWNER TO tenant; ALTER FUNCTION public.g() OWNER TO tenant;", "untrusted");
    const err = (await migrateDatabase({ from, to, manifestPath: path.join(dir, "untrusted.json") }).catch((e: unknown) => e)) as MigrationError;
    expect(err).toBeInstanceOf(MigrationError);
    expect(err.summary).toMatch(/^refused: the source's tables run 1 function\(s\) of roles not trusted; .*nothing was written to the target$/);
    expect(err.problems.map((p) => p.message)).toEqual([
      "function public.f(integer), owned by tenant, would run on the target with the rights of the role that applies the rows (the target's administrator on PostgreSQL 15), used by index public.notes_fx: make a role you trust own it on the source (ALTER FUNCTION ... OWNER TO), or pass --trust-functions-of tenant if you trust that role's code with those rights",
    ]);
    expect(await sql(to, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")).toEqual(["0"]);
  });

  it("checks the functions in the snapshot it copies: a domain CHECK of an untrusted role dropped just after the snapshot (still in the dump) is refused, writing nothing", async () => {
    const a = A as PostgresServer;
    const { from, to } = await pair("racedrop");
    await sql(
      from,
      `CREATE FUNCTION public.ok(v int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true';
       CREATE DOMAIN public.okint AS int CONSTRAINT okint_check CHECK (public.ok(VALUE));
       CREATE TABLE public.t (id int PRIMARY KEY, v public.okint); INSERT INTO public.t VALUES (1, 1), (2, 2);`,
    );
    await a.superuserSql("CREATE ROLE racer NOLOGIN; ALTER FUNCTION public.ok(int) OWNER TO racer;", "racedrop");
    // The race, made certain: the table is locked, so the run's snapshot session waits on it just after exporting its
    // snapshot; then the constraint is dropped (committed with the lock's release), before any check the run makes.
    const racer = a.superuserSql(
      `BEGIN; LOCK TABLE public.t IN ACCESS EXCLUSIVE MODE;
       DO $r$ BEGIN FOR i IN 1..3000 LOOP
         PERFORM pg_stat_clear_snapshot();
         EXIT WHEN EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'freehold-%-snapshot' AND wait_event_type = 'Lock');
         PERFORM pg_sleep(0.01);
       END LOOP; END $r$;
       ALTER DOMAIN public.okint DROP CONSTRAINT okint_check; COMMIT;`,
      "racedrop",
    );
    for (let i = 0; (await sql(from, "SELECT count(*) FROM pg_locks WHERE relation = 'public.t'::regclass AND mode = 'AccessExclusiveLock' AND granted;"))[0] !== "1"; i++)
      if (i > 200) throw new Error("the racer never locked the table");
    const err = (await migrateDatabase({ from, to, manifestPath: path.join(dir, "racedrop.json") }).catch((e: unknown) => e)) as MigrationError;
    await racer;
    expect(await sql(from, "SELECT count(*) FROM pg_constraint WHERE conname = 'okint_check';")).toEqual(["0"]); // dropped after the snapshot
    expect(err).toBeInstanceOf(MigrationError);
    expect(err.summary).toMatch(/^refused: the source's tables run 1 function\(s\) of roles not trusted; .*nothing was written to the target$/);
    expect(err.problems.map((p) => p.message)).toEqual([
      "function public.ok(integer), owned by racer, would run on the target with the rights of the role that applies the rows (the target's administrator on PostgreSQL 15), used by domain public.okint (a column type of public.t): make a role you trust own it on the source (ALTER FUNCTION ... OWNER TO), or pass --trust-functions-of racer if you trust that role's code with those rights",
    ]);
    expect(await sql(to, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")).toEqual(["0"]);
  });
});

describe("the streaming copy (real PostgreSQL)", () => {
  it("streams and verifies every awkward type: enums, composites and their arrays, domains, ranges, json, NaN and infinities, -0, bytea, tabs, newlines and backslashes in text, generated and identity columns, partitions, an inheritance child whose parent gained a column (its values in the columns of the same names, although PostgreSQL puts inherited columns first in the target), a table with no columns", async () => {
    const { from, to } = await pair("awkward");
    await sql(
      from,
      `CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');
       CREATE TYPE public.pt AS (x double precision, label text);
       CREATE DOMAIN public.positive AS numeric CHECK (VALUE > 0);
       CREATE TABLE public.odd (
         id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         m public.mood, ms public.mood[], p public.pt, ps public.pt[], pos public.positive,
         r int4range, tr tstzrange, j json, jb jsonb, n numeric, f float8, f4 real, b bytea, t text, v varchar(5), c char(3),
         ts timestamptz, tz timetz, iv interval, ip inet, cidr cidr, mac macaddr, u uuid, bits varbit, money money, tsv tsvector, xml xml, pnt point,
         doubled int GENERATED ALWAYS AS (id * 2) STORED);
       INSERT INTO public.odd (m, ms, p, ps, pos, r, tr, j, jb, n, f, f4, b, t, v, c, ts, tz, iv, ip, cidr, mac, u, bits, money, tsv, xml, pnt) VALUES
         ('happy', '{sad,ok}', ROW(-0.0, E'a\\tb'), ARRAY[ROW('NaN', 'q"u,o(te)')::public.pt], 1.5, '[1,5)', '[2024-01-01 00:00+00,)', '{"a": [1, "\\\\u0000x"]}', '{"k": null}',
          'NaN', '-Infinity', '-0', '\\x00ff5c', E'line1\\nline2\\ttab \\\\ back\\\\.\\r\\n\\\\.', 'é€', 'ab', '2024-02-29 23:59:59.999999+05:30', '12:00+02', '1 year -2 days 00:00:01.5', '::1', '10.0.0.0/8', '08:00:2b:01:02:03',
          'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', B'1011', 12.34, 'the quick fox', '<a b="c">d</a>', '(1.5,-2)'),
         (NULL, '{}', NULL, '{}', NULL, 'empty', NULL, 'null', '[]', 'Infinity', 'NaN', 'Infinity', '', '', '', NULL, 'infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '', NULL, NULL),
         (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1e-100, 1e308, 3.4e38, NULL, E'\\\\.', NULL, NULL, '-infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
       CREATE TABLE public.parted (k int, v text) PARTITION BY RANGE (k);
       CREATE TABLE public.parted_lo PARTITION OF public.parted FOR VALUES FROM (0) TO (100);
       CREATE TABLE public.parted_hi PARTITION OF public.parted FOR VALUES FROM (100) TO (MAXVALUE);
       INSERT INTO public.parted SELECT g, repeat('x', g) FROM generate_series(1, 300) g;
       CREATE TABLE public.parent (id int PRIMARY KEY, a text);
       CREATE TABLE public.child (extra text, own2 text) INHERITS (public.parent);
       ALTER TABLE public.parent ADD COLUMN b text;
       INSERT INTO public.child (id, a, extra, own2, b) VALUES (1, 'a1', 'EXTRA-1', 'O-1', 'B-1'), (2, 'a2', 'EXTRA-2', 'O-2', 'B-2');
       INSERT INTO public.parent VALUES (3, 'a3', 'B-3');
       CREATE TABLE public.nothing ();
       INSERT INTO public.nothing DEFAULT VALUES; INSERT INTO public.nothing DEFAULT VALUES;
       CREATE UNLOGGED TABLE public.scratch (x text); INSERT INTO public.scratch VALUES (repeat('toast me ', 100000));
       CREATE SCHEMA "sch.*
x";
       CREATE TABLE "sch.*
x"."t;1
x"" y?" (v text); INSERT INTO "sch.*
x"."t;1
x"" y?" VALUES ('once');`,
    );
    const order = "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'public.child'::regclass AND attnum > 0";
    expect(await sql(from, order)).toEqual(["id,a,extra,own2,b"]);
    const m = await migrateDatabase({ from, to, manifestPath: path.join(dir, "awkward.json"), jobs: 2 });
    expect(m.ok).toBe(true);
    expect(m.restore.method).toBe("stream");
    expect(m.tables.map((t) => [`${t.schema}.${t.table}`, t.rows, t.match])).toEqual([
      ["public.child", 2, true],
      ["public.nothing", 2, true],
      ["public.odd", 3, true],
      ["public.parent", 1, true],
      ["public.parted_hi", 201, true],
      ["public.parted_lo", 99, true],
      ["public.scratch", 1, true],
      // pg_dump's --exclude-table-data names it exactly, whatever its name holds: its row is streamed once, not also restored from the dump.
      ['sch.*\nx.t;1\nx" y?', 1, true],
    ]);
    const row = "SELECT concat_ws('|', m, ms, p, ps, f4::text, t, doubled, n) FROM public.odd ORDER BY id";
    expect(await sql(to, row)).toEqual(await sql(from, row));
    // pg_dump's CREATE TABLE … INHERITS puts the inherited columns first, the child's own after them in their order; each value is in its column.
    expect(await sql(to, order)).toEqual(["id,a,b,extra,own2"]);
    expect(await sql(to, "SELECT concat_ws('|', id, a, b, extra, own2) FROM ONLY public.child ORDER BY id")).toEqual(["1|a1|B-1|EXTRA-1|O-1", "2|a2|B-2|EXTRA-2|O-2"]);
    // The identity goes on from the source's value, and the generated column is computed on the target.
    expect(await sql(to, "INSERT INTO public.odd DEFAULT VALUES RETURNING id, doubled;")).toEqual(["4|8"]);
  });

  it("copies and verifies when the source ends idle transactions and the target idle sessions after 300 ms and reads XML as documents: the snapshot and the target's lock outlive those defaults, with TCP keepalives at 10 s on both ends", async () => {
    const { from, to } = await pair("timeouts");
    await sql(
      from,
      `CREATE TABLE public.notes (id int PRIMARY KEY, body xml); INSERT INTO public.notes VALUES (1, 'hello <b>world</b>'), (2, '<p>x</p><p>y</p>');
       CREATE TABLE public.more (id int); INSERT INTO public.more SELECT generate_series(1, 100);
       ALTER DATABASE timeouts SET idle_in_transaction_session_timeout = '300ms'; ALTER DATABASE timeouts SET lock_timeout = '1ms';`,
    );
    await sql(to, "ALTER DATABASE timeouts SET idle_session_timeout = '300ms'; ALTER DATABASE timeouts SET idle_in_transaction_session_timeout = '300ms'; ALTER DATABASE timeouts SET xmloption = document;");
    let holders: string[] | undefined;
    let timers: Array<ReturnType<typeof tcpTimers>> = [];
    const m = await migrateDatabase({
      from,
      to,
      manifestPath: path.join(dir, "timeouts.json"),
      jobs: 1,
      log: (l) => {
        if (holders || !/^copied public\.\w+ in \d+ ms$/.test(l)) return;
        // The run stands still for 0.7 s after its first table: every session it holds idles past both timeouts.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 700);
        timers = [from, to].map((u) => tcpTimers(Number(new URL(u).port)));
        holders = sqlNow(to, "SELECT a.application_name FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND l.granted;");
      },
    });
    expect(holders).toEqual([expect.stringMatching(/^freehold-[0-9a-f]{12}-lock$/)]);
    // The sessions the run holds open meanwhile (the source's snapshot, the target's lock) have keepalives after 10 s on
    // both ends, not the system's two hours: a run that lost its network loses its lock and transaction in about 30 s.
    expect(timers.map((t) => t.server.length >= 1 && t.client.length === t.server.length)).toEqual([true, true]);
    for (const [kind, left] of timers.flatMap((t) => [...t.server, ...t.client])) expect([kind, left <= 10]).toEqual([2, true]);
    expect(m.ok).toBe(true);
    expect(m.restore.method).toBe("stream");
    expect(m.tables.map((t) => [t.table, t.rows, t.match])).toEqual([
      ["more", 100, true],
      ["notes", 2, true],
    ]);
    expect(await sql(to, "SELECT body::text FROM public.notes ORDER BY id;")).toEqual(["hello <b>world</b>", "<p>x</p><p>y</p>"]);
  });

  it("refuses a run while another holds the target's lock, naming the holder's session and pid, and how to end a lost run's session", async () => {
    const { from, to } = await pair("heldlock");
    const conn = pgConnection(to, "target");
    const lock = await targetLock(withSession(conn, { appName: "freehold-000000000000-lock" }), databaseIdentity(await serverInfo(conn)));
    try {
      const err = await migrateDatabase({ from, to, manifestPath: path.join(dir, "heldlock.json") }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationToolError);
      const e = err as MigrationToolError;
      const pid = /\(pid (\d+), since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d[^)]*\) holds its PostgreSQL advisory lock/.exec(e.message)?.[1];
      expect(e.message).toContain("freehold-000000000000-lock (pid ");
      expect(e.details.hint).toContain(`a run whose connection was lost loses the lock within a minute`);
      expect(e.details.hint).toContain(`SELECT pg_terminate_backend(${pid});`);
    } finally {
      await lock.release();
    }
  });

  it("a run whose lock on the target was lost stops no session and undoes nothing when it fails: another run of the pair may hold the lock now", async () => {
    const { from, to } = await pair("lostlock");
    await sql(from, "CREATE TABLE public.one (id int); INSERT INTO public.one VALUES (1); CREATE TABLE public.two (id int); INSERT INTO public.two VALUES (2);");
    const lines: string[] = [];
    let cut = false;
    const err = await migrateDatabase({
      from,
      to,
      manifestPath: path.join(dir, "lostlock.json"),
      jobs: 1,
      log: (l) => {
        lines.push(l);
        if (cut || !/^copied public\.\w+ in \d+ ms$/.test(l)) return;
        cut = true;
        // The lock's session ends (as by an idle_session_timeout before they were turned off), then the snapshot's: the next table fails.
        sqlNow(to, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'freehold-%-lock';");
        sqlNow(from, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'freehold-%-snapshot';");
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationToolError);
    expect(lines).toContain(
      "this run's lock on the target was lost (its session there ended): another run of the same source and target may be running, so this run stops no session and undoes nothing; once no other run is, the next run undoes an unfinished restore first",
    );
    expect(lines.some((l) => /undoing/.test(l))).toBe(false);
    // What the run restored is still there, for the next run to undo.
    expect(await sql(to, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public';")).toEqual(["2"]);
  });

  it("a copy whose source session ends mid-table fails naming the source, stops every session it started on both servers and leaves the target as it was", async () => {
    const { from, to } = await pair("midcopy");
    await sql(
      from,
      `CREATE TABLE public.ok (id int PRIMARY KEY); INSERT INTO public.ok SELECT generate_series(1, 1000);
       CREATE TABLE public.bad (id int, t text); INSERT INTO public.bad SELECT g, md5(g::text) FROM generate_series(1, 20000) g;`,
    );
    const before = await sql(to, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace;");
    const lines: string[] = [];
    const target = withSession(pgConnection(to, "target"), { appName: "lock-holder" });
    let holder: ChildProcess | undefined;
    const until = (url: string, query: string) => {
      for (let i = 0; i < 200; i++) {
        const c = pgConnection(url, "target");
        const r = spawnSync(pgTool("psql"), ["-X", "-q", "-A", "-t", "-d", c.conninfo, "-c", query], { env: c.env, encoding: "utf8" });
        if (r.stdout.trim() === "t") return;
        spawnSync("sleep", ["0.05"]);
      }
      throw new Error(`never true: ${query}`);
    };
    const log = (l: string) => {
      lines.push(l);
      // Before the copies start, a session of ours holds a lock on the target's new table: the target's psql waits at its
      // TRUNCATE and reads nothing, so the source's COPY of that table stops part-way, its pipe full.
      if (l.startsWith("streaming ")) {
        holder = spawn(pgTool("psql"), ["-X", "-q", "-d", target.conninfo, "-c", "BEGIN", "-c", "LOCK TABLE public.bad IN ACCESS SHARE MODE", "-c", "SELECT pg_sleep(60)"], { env: target.env, stdio: "ignore" });
        until(to, "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE relation = 'public.bad'::regclass AND mode = 'AccessShareLock' AND granted);");
      }
      // Then the source's session streaming it is ended under it, and the lock let go.
      if (l.startsWith("copied public.ok in ")) {
        until(from, "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'freehold-%-copy' AND query LIKE 'COPY %bad%');");
        sqlNow(from, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'freehold-%-copy' AND query LIKE 'COPY %bad%';");
        sqlNow(to, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lock-holder';");
      }
    };
    const err = await migrateDatabase({ from, to, jobs: 2, manifestPath: path.join(dir, "midcopy.json"), log }).catch((e: unknown) => e);
    holder?.kill();
    expect(String((err as Error).message)).toMatch(/^psql failed to copy public\.bad out of the source on the source \(postgresql:\/\/midcopy_src:\*\*\*@127\.0\.0\.1:\d+\/midcopy\): it exited with code 2\.$/);
    expect((err as { details?: { output?: string } }).details?.output).toMatch(/terminating connection due to administrator command|COPY data transfer failed: server closed the connection unexpectedly/);
    expect(lines.some((l) => l.startsWith("copied public.bad"))).toBe(false);
    expect(lines).toContain("the target is back as it was before the restore");
    expect(await sql(to, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace;")).toEqual(before);
    for (const url of [from, to]) expect(await sql(url, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'freehold-%' AND pid <> pg_backend_pid();")).toEqual(["0"]);
  });

  it("copies a table in parts by block number, each row once and only the rows of the snapshot, while the source is written to", async () => {
    const { from, to } = await pair("parts");
    await sql(from, "CREATE TABLE public.p (id int, t text); INSERT INTO public.p SELECT g, repeat('x', 200) FROM generate_series(1, 3000) g;");
    // The target's columns in another order: each part's two COPYs name them.
    await sql(to, "CREATE TABLE public.p (t text, id int);");
    const blocks = Number((await sql(from, "SELECT pg_relation_size('public.p') / 8192;"))[0]);
    expect(blocks).toBeGreaterThan(60);
    const snap = await SourceSnapshot.open(pgConnection(from, "source"), newFingerprintKey());
    try {
      // Written after the snapshot, in the first and the last block: neither may be copied.
      await sql(from, "UPDATE public.p SET t = 'later' WHERE id IN (1, 3000); INSERT INTO public.p VALUES (-1, 'later');");
      const o = { source: pgConnection(from, "source"), target: pgConnection(to, "target"), snapshotId: snap.id, signal: new AbortController().signal };
      const parts: Part[] = [{ from: 0, to: 20 }, { from: 20, to: 40 }, { from: 40 }];
      const p = { schema: "public", table: "p", columns: ["id", "t"] };
      expect(sourceCopyCommands(p, snap.id, parts[1])).toContain(`COPY (SELECT "id", "t" FROM ONLY "public"."p" WHERE ctid >= '(20,0)'::pg_catalog.tid AND ctid < '(40,0)'::pg_catalog.tid) TO STDOUT;`);
      await Promise.all(parts.map((part) => copyTable(pgTool("psql"), o, p, part)));
    } finally {
      await snap.close();
    }
    expect(await sql(to, "SELECT count(*), count(DISTINCT id), min(id), max(id), count(*) FILTER (WHERE t = 'later') FROM public.p;")).toEqual(["3000|3000|1|3000|0"]);
  });

  it("never puts a password on a command line: every psql, pg_dump and pg_restore the copy starts is seen without it", async () => {
    const { from, to } = await pair("argv");
    await sql(from, "CREATE TABLE public.rows (id int PRIMARY KEY, t text); INSERT INTO public.rows SELECT g, md5(g::text) FROM generate_series(1, 50000) g;");
    const seen = new Set<string>();
    const sample = () => {
      for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
        try {
          const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
          if (/\b(psql|pg_dump|pg_restore)\b/.test(cmd) && cmd.includes("argv")) seen.add(cmd);
        } catch {
          /* the process ended */
        }
      }
    };
    const timer = setInterval(sample, 5);
    try {
      const m = await migrateDatabase({ from, to, manifestPath: path.join(dir, "argv.json"), log: sample });
      expect(m.ok).toBe(true);
    } finally {
      clearInterval(timer);
    }
    const all = [...seen];
    // The sampling saw the copy itself: a source psql reading the table and a target psql filling it.
    expect(all.some((c) => c.includes('COPY "public"."rows" ("id", "t") TO STDOUT'))).toBe(true);
    expect(all.some((c) => c.includes('COPY "public"."rows" ("id", "t") FROM STDIN (FREEZE)'))).toBe(true);
    for (const secret of ["argv-pw-s", "argv-pw-d"]) expect(all.filter((c) => c.includes(secret))).toEqual([]);
  });
});
