/** Fast tests of the pure parts of the migration engine (no servers). */
import net from "node:net";
import { describe, expect, it } from "vitest";
import { MigrationError } from "./errors";
import { compareObjectListings, compareSequences, compareTables, databaseProblems, objectProblems } from "./manifest";
import { columnExpr, pgConnection, quoteIdent, quoteLiteral, type TableSum, tableChecksumSql } from "./pg";
import { freePort, redact } from "./proc";
import { describeRemote, rcloneEnv, rcloneRemoteEnv, remotesOverlap } from "./rclone";
import { seedDatabaseSql, writeSeedObjects } from "./seed";
import { azureAccountSasUrl } from "./servers";

describe("checksum SQL builder", () => {
  const table = {
    schema: "sales",
    table: 'Odd "Name"',
    columns: [
      { name: "id", type: "integer", base: "integer" },
      { name: "f", type: "double precision", base: "double precision" },
      { name: "r", type: "real", base: "real" },
      { name: "m", type: "money", base: "money" },
      { name: "b", type: "bytea", base: "bytea" },
    ],
  };

  it("quotes identifiers and literals", () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteLiteral("O'Brien")).toBe("'O''Brien'");
  });

  it("hashes floats by their binary form and money as numeric", () => {
    expect(columnExpr(table.columns[1] as (typeof table.columns)[number])).toBe('float8send(r."f")');
    expect(columnExpr(table.columns[2] as (typeof table.columns)[number])).toBe('float4send(r."r")');
    expect(columnExpr(table.columns[3] as (typeof table.columns)[number])).toBe('r."m"::numeric');
    expect(columnExpr(table.columns[4] as (typeof table.columns)[number])).toBe('r."b"');
  });

  it("builds one order-independent statement over the record text in UTF-8", () => {
    const sql = tableChecksumSql(table);
    expect(sql).toContain('FROM ONLY "sales"."Odd ""Name""" AS r');
    expect(sql).toContain(`md5(convert_to(ROW(r."id", float8send(r."f"), float4send(r."r"), r."m"::numeric, r."b")::text, 'UTF8'))`);
    expect(sql).toContain("'table', 'Odd \"Name\"'");
    expect(sql).toMatch(/sum\(\('x' \|\| substr\(q\.h, 1, 16\)\)::bit\(64\)::bigint::numeric\)/);
    expect(sql).toMatch(/substr\(q\.h, 17, 16\)/);
    expect(sql).not.toMatch(/ORDER BY/);
    expect(sql.trim().endsWith(";")).toBe(true);
  });

  it("handles a table with no columns", () => {
    expect(tableChecksumSql({ schema: "s", table: "t", columns: [] })).toContain("ROW()::text");
  });
});

describe("manifest comparison", () => {
  const sum = (table: string, rows: number, checksum: string): [string, TableSum] => [`public.${table}`, { schema: "public", table, rows, checksum }];

  it("names each table that is missing, short or different", () => {
    const src = new Map([sum("a", 3, "x"), sum("b", 2, "y"), sum("c", 1, "z"), sum("d", 5, "w")]);
    const dst = new Map([sum("a", 3, "x"), sum("b", 1, "q"), sum("c", 1, "zz")]);
    const out = compareTables(src, dst, new Map([["public.d", 'ERROR: column "k" does not exist']]));
    expect(out.map((e) => [e.table, e.match])).toEqual([
      ["a", true],
      ["b", false],
      ["c", false],
      ["d", false],
    ]);
    expect(out[1]?.problem).toBe("row count differs: source 2, target 1");
    expect(out[2]?.problem).toMatch(/content differs/);
    expect(out[3]?.problem).toMatch(/column "k"/);
    const problems = databaseProblems(out, compareSequences([{ schema: "public", sequence: "s", lastValue: "9" }], []));
    expect(problems.map((p) => p.item)).toEqual(["public.b", "public.c", "public.d", "sequence public.s"]);
    const err = new MigrationError("database", "verification failed", problems);
    expect(err.message).toContain("  - public.c: content differs");
    expect(err.items).toHaveLength(4);
  });

  it("compares sequences including unused ones", () => {
    const out = compareSequences(
      [
        { schema: "a", sequence: "s1", lastValue: null },
        { schema: "a", sequence: "s2", lastValue: "5" },
      ],
      [
        { schema: "a", sequence: "s1", lastValue: null },
        { schema: "a", sequence: "s2", lastValue: "4" },
      ],
    );
    expect(out.map((s) => s.match)).toEqual([true, false]);
  });

  it("names missing, resized and changed objects, and lists extras without failing on them", () => {
    const { entries, extra } = compareObjectListings(
      [
        { path: "a.txt", size: 1, md5: "AA", hashSource: "backend" },
        { path: "b/c.bin", size: 2, md5: "bb", hashSource: "backend" },
        { path: "d", size: 3, md5: "cc", hashSource: "backend" },
        { path: "e 🚀", size: 0, md5: "dd", hashSource: "backend" },
        { path: "f", size: 4, md5: null, hashSource: "backend" },
      ],
      [
        { path: "a.txt", size: 1, md5: "aa", hashSource: "computed" },
        { path: "b/c.bin", size: 2, md5: "bX", hashSource: "backend" },
        { path: "d", size: 4, md5: "cc", hashSource: "backend" },
        { path: "f", size: 4, md5: "ee", hashSource: "backend" },
        { path: "zzz", size: 4, md5: "ee", hashSource: "backend" },
      ],
    );
    expect(entries.map((e) => [e.path, e.match, e.problem ?? null])).toEqual([
      ["a.txt", true, null],
      ["b/c.bin", false, "hash"],
      ["d", false, "size"],
      ["e 🚀", false, "missing"],
      ["f", false, "no-hash"],
    ]);
    expect(entries[0]?.hashSource).toBe("computed");
    expect(extra).toEqual(["zzz"]);
    expect(objectProblems(entries).map((p) => p.item)).toEqual(["b/c.bin", "d", "e 🚀", "f"]);
  });
});

describe("PostgreSQL connections", () => {
  it("keeps the password out of the conninfo and opens a source read-only", () => {
    const c = pgConnection("postgresql://app:s%40cret%2F1@db.example:5433/shop?sslmode=require", "source", { PATH: "/bin", PGPASSWORD: "stale" });
    expect(c.conninfo).toBe("postgresql://app@db.example:5433/shop?sslmode=require");
    expect(c.display).toBe("postgresql://app:***@db.example:5433/shop?sslmode=require");
    expect(c.env.PGPASSWORD).toBe("s@cret/1");
    expect(c.env.PGOPTIONS).toBe("-c default_transaction_read_only=on");
    expect(c.readOnly).toBe(true);
  });

  it("adds read-only to an options parameter in the URL (libpq prefers it to PGOPTIONS)", () => {
    const c = pgConnection("postgres://u:p@h/db?options=-c%20search_path%3Dx", "source", {});
    expect(new URL(c.conninfo).searchParams.get("options")).toBe("-c search_path=x -c default_transaction_read_only=on");
  });

  it("leaves a target writable and rejects other schemes", () => {
    const t = pgConnection("postgresql://u:p@h/db", "target", { PGOPTIONS: "-c work_mem=64MB" });
    expect(t.env.PGOPTIONS).toBe("-c work_mem=64MB");
    expect(() => pgConnection("mysql://u@h/db", "target")).toThrow(/not a PostgreSQL URL/);
  });

  it("redacts secrets and their URL-encoded forms", () => {
    expect(redact("pw=s@cret/1 or s%40cret%2F1", ["s@cret/1"])).toBe("pw=*** or ***");
  });
});

describe("rclone remotes", () => {
  const s3 = { type: "s3" as const, options: { provider: "AWS", access_key_id: "AKIA123", "secret-access-key": "shh", region: "eu-west-2" }, path: "assets/prod" };

  it("turns a remote into RCLONE_CONFIG_<NAME>_* variables and a spec without secrets", () => {
    const { spec, env } = rcloneRemoteEnv("FHSRC", s3);
    expect(spec).toBe("FHSRC:assets/prod");
    expect(env).toEqual({
      RCLONE_CONFIG_FHSRC_TYPE: "s3",
      RCLONE_CONFIG_FHSRC_PROVIDER: "AWS",
      RCLONE_CONFIG_FHSRC_ACCESS_KEY_ID: "AKIA123",
      RCLONE_CONFIG_FHSRC_SECRET_ACCESS_KEY: "shh",
      RCLONE_CONFIG_FHSRC_REGION: "eu-west-2",
    });
    expect(spec).not.toContain("shh");
  });

  it("maps gcs and local, and rejects bad option names", () => {
    expect(rcloneRemoteEnv("FHDST", { type: "gcs", options: {}, path: "b" }).env.RCLONE_CONFIG_FHDST_TYPE).toBe("google cloud storage");
    expect(rcloneRemoteEnv("FHDST", { type: "local", options: {}, path: "/srv/data" }).spec).toBe("FHDST:/srv/data");
    expect(() => rcloneRemoteEnv("FHDST", { type: "s3", options: { "bad key": "x" }, path: "" })).toThrow(/invalid rclone option/);
  });

  it("builds a private environment: our config, no inherited remotes, no AWS_CA_BUNDLE", () => {
    const env = rcloneEnv("/tmp/x/rclone.conf", { RCLONE_CONFIG_FHSRC_TYPE: "s3" }, {
      PATH: "/bin",
      AWS_CA_BUNDLE: "/etc/ca.pem",
      RCLONE_CONFIG: "/root/.config/rclone/rclone.conf",
      RCLONE_CONFIG_FHSRC_ENDPOINT: "http://evil",
    });
    expect(env).toEqual({ PATH: "/bin", RCLONE_CONFIG: "/tmp/x/rclone.conf", RCLONE_CONFIG_FHSRC_TYPE: "s3" });
  });

  it("describes a remote with secrets hidden", () => {
    expect(describeRemote(s3).options).toEqual({ provider: "AWS", access_key_id: "***", "secret-access-key": "***", region: "eu-west-2" });
    expect(describeRemote({ type: "azureblob", options: { sas_url: "http://x?sig=1", account: "acct" }, path: "c" }).options).toEqual({
      sas_url: "***",
      account: "acct",
    });
  });

  it("detects a source and target that overlap", () => {
    expect(remotesOverlap(s3, { ...s3, path: "assets/prod/copy" })).toBe(true);
    expect(remotesOverlap(s3, { ...s3, path: "assets/production" })).toBe(false);
    expect(remotesOverlap(s3, { ...s3, type: "azureblob" })).toBe(false);
  });

  it("signs an Azure account SAS deterministically", () => {
    const url = azureAccountSasUrl({
      endpoint: "http://127.0.0.1:10000/devstoreaccount1",
      account: "devstoreaccount1",
      key: Buffer.from("k").toString("base64"),
      expiry: "2030-01-01T00:00:00Z",
    });
    const u = new URL(url);
    expect(u.pathname).toBe("/devstoreaccount1");
    expect(u.searchParams.get("sv")).toBe("2019-12-12");
    expect(u.searchParams.get("srt")).toBe("sco");
    expect(u.searchParams.get("sig")).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(url).toBe(azureAccountSasUrl({ endpoint: "http://127.0.0.1:10000/devstoreaccount1/", account: "devstoreaccount1", key: Buffer.from("k").toString("base64"), expiry: "2030-01-01T00:00:00Z" }));
  });
});

describe("free ports", () => {
  it("returns a loopback port that can be bound", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(1024);
    await new Promise<void>((resolve, reject) => {
      const srv = net.createServer();
      srv.once("error", reject);
      srv.listen(port, "127.0.0.1", () => srv.close(() => resolve()));
    });
  });

  it("returns different ports for concurrent calls", async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    expect(new Set(ports).size).toBe(4);
  });
});

describe("seed data", () => {
  it("is deterministic in the seed", () => {
    const a = seedDatabaseSql(7, 1000);
    expect(a.sql).toBe(seedDatabaseSql(7, 1000).sql);
    expect(a.sql).not.toBe(seedDatabaseSql(8, 1000).sql);
    expect(a.counts.total).toBeGreaterThanOrEqual(1000);
    expect(a.sql).toContain("REFERENCES catalogue.suppliers(id)");
    expect(a.sql).toMatch(/Croeso i Gymru|東京|🚀/);
  });

  it("writes objects from 0 bytes to several MiB with unicode names", async () => {
    const { mkdtemp, rm } = await import("node:fs/promises");
    const os = await import("node:os");
    const path = await import("node:path");
    const dir = await mkdtemp(path.join(os.tmpdir(), "freehold-seed-"));
    try {
      const { objects } = await writeSeedObjects(dir, 1, 20);
      const sizes = objects.map((o) => o.size);
      expect(Math.min(...sizes)).toBe(0);
      expect(Math.max(...sizes)).toBeGreaterThan(5 * 1024 * 1024);
      expect(objects.some((o) => [...o.path].some((ch) => (ch.codePointAt(0) ?? 0) > 127))).toBe(true);
      expect(objects.some((o) => o.path.split("/").length > 5)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
