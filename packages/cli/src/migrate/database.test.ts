/**
 * migrateDatabase against two real PostgreSQL servers: read-only source,
 * checksum sensitivity, refusal over different data, and a restore that fails
 * part-way leaving nothing, then resumes from the kept dump.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "./database";
import { MigrationError } from "./errors";
import { listTables, pgConnection, psql } from "./pg";
import { checksumTables } from "./session";
import { rehearsalPreflight } from "./rehearse";
import { type PostgresServer, startPostgres } from "./servers";

let A: PostgresServer | undefined;
let B: PostgresServer | undefined;
let dir = "";
const db = { a: "", b: "", c: "" };

async function sql(url: string, text: string): Promise<string[]> {
  return (await psql(pgConnection(url, "target"), text)).lines;
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
    const run = await checksumTables(conn, tables);
    const sum = (t: string) => run.sums.get(`public.${t}`)?.checksum;
    expect(sum("t1")).toBe(sum("t2"));
    expect(new Set(["t1", "t3", "t4", "t5", "t6", "t7", "t8"].map(sum)).size).toBe(7);
    expect(run.sums.get("public.t1")?.rows).toBe(3);
  });

  it("refuses, doing nothing, when the target holds different data in the same table", async () => {
    await sql(db.b, "CREATE TABLE public.items (id int PRIMARY KEY, name text); INSERT INTO public.items VALUES (1, 'theirs');");
    const work = path.join(dir, "refuse");
    const err = await migrateDatabase({ from: db.a, to: db.b, workDir: work }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).items).toEqual(["public.items"]);
    expect((err as MigrationError).message).toMatch(/refusing to migrate.*nothing was done/);
    expect(await sql(db.b, "SELECT name FROM public.items;")).toEqual(["theirs"]);
    expect(existsSync(path.join(work, "dump"))).toBe(false);
    await sql(db.b, "DROP TABLE public.items;");
  });

  it("a restore that fails part-way leaves nothing; the next run reuses the dump and finishes, verified", async () => {
    // A relation named like the source's index makes pg_restore fail after the tables and data are loaded.
    await sql(db.b, "CREATE TABLE public.zz_idx (x int);");
    const work = path.join(dir, "resume");
    const lines: string[] = [];
    await expect(migrateDatabase({ from: db.a, to: db.b, workDir: work, log: (l) => lines.push(l) })).rejects.toThrow(/pg_restore/);
    expect(await sql(db.b, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('items', 'big');")).toEqual(["0"]);
    expect(existsSync(path.join(work, "dump.complete.json"))).toBe(true);
    await sql(db.b, "DROP TABLE public.zz_idx;");
    const m = await migrateDatabase({ from: db.a, to: db.b, workDir: work, jobs: 1 });
    expect(m.ok).toBe(true);
    expect(m.dump.reused).toBe(true);
    expect(m.restore.skipped).toBe(false);
    expect(m.tables.map((t) => [`${t.schema}.${t.table}`, t.rows, t.match])).toEqual([
      ["public.big", 2000, true],
      ["public.items", 3, true],
    ]);
    expect(await sql(db.b, "SELECT count(*) FROM public.big;")).toEqual(["2000"]);
    // special values survived and verified equal
    expect(await sql(db.b, "SELECT f::text || '|' || r::text FROM public.items WHERE id = 1;")).toEqual(["NaN|-0"]);
    const again = await migrateDatabase({ from: db.a, to: db.b, workDir: work });
    expect(again.restore.skipped).toBe(true);
    expect(await sql(db.b, "SELECT count(*) FROM public.big;")).toEqual(["2000"]);
  });

  it("names the table whose row count changed in the target", async () => {
    await sql(db.b, "DELETE FROM public.big WHERE id > 1990;");
    const err = await migrateDatabase({ from: db.a, to: db.b, workDir: path.join(dir, "resume") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).items).toEqual(["public.big"]);
    expect((err as MigrationError).message).toMatch(/row count differs: source 2000, target 1990/);
  });
});
