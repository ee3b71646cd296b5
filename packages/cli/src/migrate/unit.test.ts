/** Fast tests of the pure parts of the migration engine (no servers). */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { databaseSummary } from "../commands/migrate";
import { failureLines, pgFailure, pgHint, rcloneFailure } from "./diagnose";
import { MigrationError } from "./errors";
import { columnExpr, newFingerprintKey, nullConstant, tableChecksumSql, withFingerprintKey } from "./fingerprint";
import { compareObjectListings, compareSequences, compareTables, type DatabaseManifest, databaseProblems, objectProblems, writeJsonAtomic } from "./manifest";
import { pgConnection, quoteIdent, quoteLiteral, type TableSum } from "./pg";
import { freePort, redact, run } from "./proc";
import { describeRemote, rcloneEnv, rcloneRemoteEnv, remotesOverlap, skippedEntry } from "./rclone";
import { formatRemote, parseRemoteString } from "./remote";
import { createdObjectsSql, creatorSql, undoSql } from "./restore";
import { seedDatabaseSql, writeSeedObjects } from "./seed";
import { azureAccountSasUrl } from "./servers";

describe("fingerprint SQL builder", () => {
  const col = (name: string, base: string, output?: string) => ({ name, type: base, base, ...(output ? { output } : {}) });
  const table = {
    schema: "sales",
    table: 'Odd "Name"',
    columns: [col("id", "integer"), col("f", "double precision"), col("m", "money"), col("b", "bytea"), col("n", "numeric"), col("tags", "text[]", "array_out")],
  };

  it("quotes identifiers and literals", () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteLiteral("O'Brien")).toBe("'O''Brien'");
  });

  const seed = (n: number) => `(SELECT pg_catalog.hashint8extended(${n}::int8, pg_catalog.current_setting('freehold.fingerprint_key')::int8))`;

  it("hashes each column by an exact function for its type, seeded per position by the run's secret key, with a constant for NULL", () => {
    expect(columnExpr(col("id", "integer"), 0)).toBe(`CASE WHEN r."id" IS NULL THEN ${nullConstant(0)}::int8 ELSE pg_catalog.hashint4extended(r."id", ${seed(1)}) END`);
    // floats: the hash ignores the sign of zero, so the sign bit is added; numeric: the display scale is added
    expect(columnExpr(col("f", "double precision"), 1)).toContain(`pg_catalog.hashfloat8extended(r."f", ${seed(2)}) # (pg_catalog.get_byte(pg_catalog.float8send(r."f"), 0) >> 7)`);
    expect(columnExpr(col("n", "numeric"), 2)).toContain(`pg_catalog.hashint4extended(pg_catalog.scale(r."n"), ${seed(3)})`);
    expect(columnExpr(col("b", "bytea"), 3)).toContain(`pg_catalog.hashtextextended(pg_catalog.encode(r."b", 'hex') COLLATE "C", ${seed(4)})`);
    expect(columnExpr(col("m", "money"), 4)).toContain('pg_catalog.numeric_out(r."m"::numeric)');
    // other types by their output function's text (never a cast, so no user-defined cast runs)
    expect(columnExpr(col("tags", "text[]", "array_out"), 5)).toContain(`pg_catalog.hashtextextended(pg_catalog.textin(pg_catalog.array_out(r."tags")) COLLATE "C", ${seed(6)})`);
    expect(columnExpr(col("x", "my_type", "myschema.my_out"), 6)).toContain('pg_catalog.textin(myschema.my_out(r."x"))');
    expect(new Set([0, 1, 2, 3, 4, 5].map(nullConstant)).size).toBe(6);
  });

  it("keys the fingerprint with a random 64-bit key that reaches the session only through PGOPTIONS, never the URL or the statement", () => {
    const keys = new Set([1, 2, 3, 4].map(() => newFingerprintKey()));
    expect(keys.size).toBe(4);
    for (const k of keys) expect(k).toMatch(/^-?\d{1,19}$/);
    const key = [...keys][0] as string;
    const conn = withFingerprintKey(pgConnection("postgresql://u@h/db?options=-c%20work_mem%3D64MB", "source"), key);
    expect(conn.conninfo).not.toContain("options");
    expect(conn.conninfo).not.toContain(key);
    expect(conn.env.PGOPTIONS).toBe(`-c work_mem=64MB -c default_transaction_read_only=on -c freehold.fingerprint_key=${key}`);
    expect(conn.secrets).toContain(key);
    // Read from the session, and no fallback: without the setting the statement fails instead of hashing unkeyed.
    expect(tableChecksumSql(table)).toContain("pg_catalog.current_setting('freehold.fingerprint_key')::int8");
    expect(() => withFingerprintKey(conn, "1; DROP TABLE x")).toThrow(/signed 64-bit integer/);
  });

  it("builds one order-independent statement: XOR of the columns per row, exact sum over rows", () => {
    const sql = tableChecksumSql(table);
    expect(sql).toContain('FROM ONLY "sales"."Odd ""Name""" AS r');
    expect(sql).toContain("'table', 'Odd \"Name\"'");
    expect(sql).toMatch(/pg_catalog\.sum\(\n/);
    expect(sql.match(/\n {6}# /g)).toHaveLength(table.columns.length - 1);
    expect(sql).not.toMatch(/ORDER BY|md5\(convert_to/);
    expect(sql.trim().endsWith(";")).toBe(true);
  });

  it("handles a table with no columns", () => {
    expect(tableChecksumSql({ schema: "s", table: "t", columns: [] })).toContain("pg_catalog.sum(\n      0::int8)");
  });
});

describe("rclone connection strings (rclone's own quoting rules)", () => {
  const ok = (text: string) => {
    const p = parseRemoteString(text);
    if (!p.ok) throw new Error(p.reason);
    return p.remote;
  };
  const bad = (text: string) => {
    const p = parseRemoteString(text);
    if (p.ok) throw new Error(`accepted ${text}`);
    return p.reason;
  };

  it("keeps option values that hold ':' and ',' when quoted: an endpoint with scheme and port, a SAS URL", () => {
    expect(ok(":s3,provider=Other,endpoint='https://minio.internal:9000',force_path_style=true:bucket/prefix")).toEqual({
      type: "s3",
      options: { provider: "Other", endpoint: "https://minio.internal:9000", force_path_style: "true" },
      path: "bucket/prefix",
    });
    const sas = "https://acct.blob.core.windows.net/?sv=2022-11-02&ss=b&srt=sco&sp=rl&spr=https,http&se=2030-01-01T00:00:00Z&sig=a%2Bb";
    expect(ok(`:azureblob,sas_url="${sas}":container`)).toEqual({ type: "azureblob", options: { sas_url: sas }, path: "container" });
  });

  it("reads doubled quotes, bare flags as true, and quotes that are not at the start of a value literally", () => {
    expect(ok(`:s3,a="with""quote",b='it''s',env_auth,c=x'y:b`).options).toEqual({ a: 'with"quote', b: "it's", env_auth: "true", c: "x'y" });
    expect(ok(":gcs,env_auth:bkt").type).toBe("gcs");
  });

  it("treats a string without ':' as a local path, as rclone does", () => {
    expect(ok("relative/dir")).toMatchObject({ type: "local", path: expect.stringMatching(/\/relative\/dir$/) });
    expect(ok("/srv/a:b")).toMatchObject({ type: "local", path: "/srv/a:b" });
  });

  it("refuses malformed strings and says why", () => {
    // rclone itself would read endpoint=http and a bucket "//host:9000:bucket": the silent mis-parse, refused
    expect(bad(":s3,endpoint=http://host:9000:bucket")).toBe(
      `reads as bucket or container "//host:9000:bucket", which no bucket name can be: the value of "endpoint" ended at the first ":"; quote a value that holds ":" or ",", e.g. endpoint='http://host:9000'`,
    );
    expect(bad(":s3,endpoint='http://host:9000:bucket")).toBe('the value of "endpoint" opened with \' at character 14 is never closed');
    expect(bad(":s3,endpoint='x'y:bucket")).toBe('after the quoted value of "endpoint" expected "," or ":" but found "y" at character 17');
    expect(bad(":s3,bad-name=1:bucket")).toMatch(/parameter names may contain only letters, digits and _; found "-"/);
    expect(bad(":s3,=1:bucket")).toMatch(/empty parameter name/);
    expect(bad(":s3,region=eu-west-2")).toMatch(/must end with "," or ":"/);
    expect(bad(":ftp,host=x:dir")).toMatch(/"ftp" is not a backend Freehold copies between/);
    expect(bad("myremote:bucket")).toMatch(/names the rclone remote "myremote"; Freehold does not read rclone.conf/);
    expect(bad(":s3,provider=AWS:")).toMatch(/no bucket or container/);
  });

  it("formats options so that they read back unchanged", () => {
    const options = { provider: "Other", endpoint: "http://127.0.0.1:9000", sas_url: "https://x/?a=1,2&b='q'", plain: "eu-west-2" };
    const text = formatRemote("s3", options, "b/p");
    expect(text).toBe(`:s3,provider=Other,endpoint='http://127.0.0.1:9000',sas_url="https://x/?a=1,2&b='q'",plain=eu-west-2:b/p`);
    expect(ok(text)).toEqual({ type: "s3", options, path: "b/p" });
  });
});

describe("undoing a partial restore", () => {
  const objects = [
    { classid: 2615, objid: 16388, type: "schema", identity: '"we;ird\nname"' },
    { classid: 1259, objid: 16449, type: "table", identity: '"we;ird\nname"."t;1\nx$freehold_undo$\\! rm -rf /"' },
    { classid: 1255, objid: 16476, type: "function", identity: "public.f(integer)" },
    { classid: 3079, objid: 16389, type: "extension", identity: "pgcrypto" },
    { classid: 9999, objid: 1, type: "transform", identity: "for integer on language plpgsql" },
  ];

  it("is one DO statement over OIDs and hex-encoded names: no name is spliced into SQL, nothing is split by lines", () => {
    const sql = undoSql(objects);
    expect(sql.match(/^DO /gm)).toHaveLength(1);
    expect(sql.match(/\$freehold_undo\$/g)).toHaveLength(2);
    expect(sql).not.toContain("we;ird");
    expect(sql).not.toContain("rm -rf");
    expect(sql).not.toContain("\\!");
    expect(sql).toContain(`pg_catalog.decode('${Buffer.from(objects[1]?.identity ?? "").toString("hex")}', 'hex')`);
    // Only kinds with a known DROP; the schema last, after what is in it.
    expect(sql).not.toContain(Buffer.from("transform").toString("hex"));
    expect(sql.indexOf("'TABLE'")).toBeLessThan(sql.indexOf("'EXTENSION'"));
    expect(sql.indexOf("'EXTENSION'")).toBeLessThan(sql.indexOf("'SCHEMA'"));
    // Each object is dropped only when its OID still names the same object.
    expect(sql).toContain("CONTINUE WHEN now_type IS DISTINCT FROM o.type OR now_identity IS DISTINCT FROM o.identity;");
  });

  it("finds what the schema restore created by its transaction id only", () => {
    expect(createdObjectsSql("749")).toContain("WHERE xmin = '749'::xid");
    expect(() => createdObjectsSql("749'; DROP TABLE x; --")).toThrow(/not a transaction id/);
    expect(creatorSql([{ schema: "s'x", table: "t\n;" }], 700n)).toContain("(n.nspname, c.relname) IN (VALUES ('s''x', 't\n;'))");
  });
});

describe("failure messages", () => {
  const result = (stderr: string, code = 1) => ({ command: "/usr/bin/rclone", args: [], code, signal: null, stdout: "", stderr, ms: 1, aborted: false });

  it("keep a Go panic and its first goroutine lines", () => {
    const text = ['{"level":"info","msg":"Copied (new)"}', "panic: runtime error: integer divide by zero", "", "goroutine 40 [running]:", "github.com/rclone/rclone/fs/operations.Copy(...)"].join("\n");
    expect(failureLines(text)).toBe("panic: runtime error: integer divide by zero\ngoroutine 40 [running]:\ngithub.com/rclone/rclone/fs/operations.Copy(...)");
    const e = rcloneFailure(result(text, 2), { action: "copy A to B" });
    expect(e.report()).toContain("panic: runtime error: integer divide by zero");
    expect(e.report()).toMatch(/Check: rclone crashed/);
  });

  it("name the side and what to check for a PostgreSQL tool", () => {
    const e = pgFailure(
      { ...result('pg_restore: error: connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "nope" does not exist'), command: "/usr/lib/postgresql/15/bin/pg_restore" },
      { side: "target", action: "restore the schema into the target", display: "postgresql://u:***@h/nope" },
    );
    expect(e.side).toBe("target");
    expect(e.report()).toBe(
      'pg_restore failed to restore the schema into the target on the target (postgresql://u:***@h/nope): it exited with code 1.\n  pg_restore: error: connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "nope" does not exist\nCheck: the database name in the target URL: create the database on the target server first (createdb, or the cloud console), then run again',
    );
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
    const problems = databaseProblems(out, compareSequences([{ schema: "public", sequence: "s", lastValue: "9", readable: true }], []));
    expect(problems.map((p) => p.item)).toEqual(["public.b", "public.c", "public.d", "sequence public.s"]);
    const err = new MigrationError("database", "verification failed", problems);
    expect(err.message).toContain("  - public.c: content differs");
    expect(err.items).toHaveLength(4);
  });

  it("compares sequences including unused ones", () => {
    const out = compareSequences(
      [
        { schema: "a", sequence: "s1", lastValue: null, readable: true },
        { schema: "a", sequence: "s2", lastValue: "5", readable: true },
        { schema: "a", sequence: "s3", lastValue: null, readable: false },
      ],
      [
        { schema: "a", sequence: "s1", lastValue: null, readable: true },
        { schema: "a", sequence: "s2", lastValue: "4", readable: true },
        { schema: "a", sequence: "s3", lastValue: null, readable: true },
      ],
    );
    // NULL from a sequence its user may not read is not "unused": it does not match.
    expect(out.map((s) => [s.match, s.unreadable])).toEqual([
      [true, undefined],
      [false, undefined],
      [false, "source"],
    ]);
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
    const c = pgConnection("postgresql://app:s%40cret%2F1@db.example:5433/shop?sslmode=require", "source", { env: { PATH: "/bin", PGPASSWORD: "stale" } });
    expect(c.conninfo).toBe("postgresql://app@db.example:5433/shop?sslmode=require&application_name=freehold-migrate-source&options=-c%20default_transaction_read_only%3Don");
    expect(c.display).toBe("postgresql://app:***@db.example:5433/shop?sslmode=require");
    expect(c.env.PGPASSWORD).toBe("s@cret/1");
    expect(c.env.PGOPTIONS).toBeUndefined();
    expect(c.readOnly).toBe(true);
  });

  it("adds read-only to an options parameter in the URL (libpq prefers it to PGOPTIONS)", () => {
    const c = pgConnection("postgres://u:p@h/db?options=-c%20search_path%3Dx", "source", { env: {} });
    expect(new URL(c.conninfo).searchParams.get("options")).toBe("-c search_path=x -c default_transaction_read_only=on");
  });

  it("leaves a target writable and rejects other schemes", () => {
    const t = pgConnection("postgresql://u:p@h/db", "target", { env: { PGOPTIONS: "-c work_mem=64MB" } });
    expect(new URL(t.conninfo).searchParams.get("options")).toBe("-c work_mem=64MB");
    expect(() => pgConnection("mysql://u@h/db", "target")).toThrow(/not a PostgreSQL URL/);
  });

  it("takes a password given apart from the URL, and never shows one given as a parameter", () => {
    const c = pgConnection("postgresql://app@h/db?password=p%40ram&sslmode=require", "target", { env: {} });
    expect(c.conninfo).toBe("postgresql://app@h/db?sslmode=require&application_name=freehold-migrate-target");
    expect(c.display).toBe("postgresql://app:***@h/db?sslmode=require");
    expect(c.env.PGPASSWORD).toBe("p@ram");
    const given = pgConnection("postgresql://app:in-url@h/db", "target", { env: { PGPASSWORD: "env" }, password: "from-file" });
    expect(given.env.PGPASSWORD).toBe("from-file");
    expect(given.secrets).toEqual(["from-file"]);
  });

  it("refuses sslpassword (libpq takes it only on the command line) and explains a raw % instead of crashing", () => {
    expect(() => pgConnection("postgresql://app@h/db?sslpassword=hunter2&sslkey=/k", "source")).toThrow(/holds sslpassword.*service file/);
    expect(() => pgConnection("postgresql://app@h/db?sslpassword=hunter2", "source")).not.toThrow(/hunter2/);
    expect(() => pgConnection("postgresql://app:50%off@h/db", "source")).toThrow(
      'the source URL\'s password holds a "%" that is not followed by two hexadecimal digits; in a URL a "%" must be written %25 (or leave the password out of the URL and give it with --from-password-file or --from-password-env)',
    );
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

  it("builds a private environment: our config, no RCLONE_* variable of the caller (filters, remotes, backend defaults), no AWS_CA_BUNDLE", () => {
    const env = rcloneEnv("/tmp/x/rclone.conf", { RCLONE_CONFIG_FHSRC_TYPE: "s3" }, {
      PATH: "/bin",
      AWS_CA_BUNDLE: "/etc/ca.pem",
      RCLONE_CONFIG: "/root/.config/rclone/rclone.conf",
      RCLONE_CONFIG_FHSRC_ENDPOINT: "http://evil",
      RCLONE_EXCLUDE: "*.pdf",
      RCLONE_MAX_AGE: "1d",
      rclone_min_size: "1M",
      RCLONE_LOCAL_SKIP_LINKS: "true",
      RCLONE_S3_ENDPOINT: "http://elsewhere",
      AWS_ACCESS_KEY_ID: "AKIA",
    });
    expect(env).toEqual({ PATH: "/bin", AWS_ACCESS_KEY_ID: "AKIA", RCLONE_CONFIG: "/tmp/x/rclone.conf", RCLONE_CONFIG_FHSRC_TYPE: "s3" });
  });

  it("reads rclone's notices for what it skips: links and special files", () => {
    expect(skippedEntry("2026/12/06 07:48:45 NOTICE: docs/a: b.txt: Can't follow symlink without -L/--copy-links")).toEqual({ path: "docs/a: b.txt", why: "symbolic link" });
    expect(skippedEntry('{"level":"notice","msg":"Can\'t transfer non file/directory","object":"fifo","source":"local/local.go:1"}')).toEqual({ path: "fifo", why: "not a regular file" });
    expect(skippedEntry("2026/12/06 07:48:45 NOTICE: x: Duplicate object found")).toBeUndefined();
  });

  it("describes a remote with secrets hidden", () => {
    expect(describeRemote(s3).options).toEqual({ provider: "AWS", access_key_id: "***", "secret-access-key": "***", region: "eu-west-2" });
    expect(describeRemote({ type: "gcs", options: { service_account_credentials: "{}", env_auth: "true", client_secret: "c", token: "t" }, path: "b" }).options).toEqual({
      service_account_credentials: "***",
      env_auth: "true",
      client_secret: "***",
      token: "***",
    });
    expect(describeRemote({ type: "azureblob", options: { sas_url: "http://x?sig=1", account: "acct" }, path: "c" }).options).toEqual({
      sas_url: "***",
      account: "acct",
    });
  });

  it("detects a source and target that overlap", async () => {
    expect(await remotesOverlap(s3, { ...s3, path: "assets/prod/copy" })).toBe(true);
    expect(await remotesOverlap(s3, { ...s3, path: "assets/production" })).toBe(false);
    expect(await remotesOverlap(s3, { ...s3, type: "azureblob" })).toBe(false);
  });

  it("finds the overlap through a symbolic link to the source folder, and with other credentials for the same bucket or account", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "freehold-overlap-"));
    mkdirSync(path.join(dir, "src"));
    symlinkSync(path.join(dir, "src"), path.join(dir, "srclink"));
    const local = (p: string) => ({ type: "local" as const, options: {}, path: path.join(dir, p) });
    expect(await remotesOverlap(local("srclink"), local("src/inner"))).toBe(true);
    expect(await remotesOverlap(local("src"), local("srclink/not/yet/there"))).toBe(true);
    expect(await remotesOverlap(local("src"), local("srcother"))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
    const aws = (options: Record<string, string>, p = "assets/prod") => ({ type: "s3" as const, options, path: p });
    const readOnly = aws({ provider: "AWS", access_key_id: "RO", secret_access_key: "x", region: "eu-west-1" });
    expect(await remotesOverlap(readOnly, aws({ provider: "AWS", access_key_id: "RW", secret_access_key: "y", region: "us-east-1", endpoint: "https://s3.us-east-1.amazonaws.com" }, "assets/prod/copy"))).toBe(true);
    expect(await remotesOverlap(readOnly, aws({ provider: "Minio", endpoint: "http://minio:9000", access_key_id: "RO" }, "assets/prod/copy"))).toBe(false);
    const blob = (options: Record<string, string>, p: string) => ({ type: "azureblob" as const, options, path: p });
    expect(await remotesOverlap(blob({ account: "Shop", key: "k" }, "media"), blob({ sas_url: "https://shop.blob.core.windows.net/?sv=1&sig=s" }, "media/copy"))).toBe(true);
    expect(await remotesOverlap(blob({ account: "shop", key: "k" }, "media"), blob({ account: "other", key: "k" }, "media"))).toBe(false);
    const gcs = (options: Record<string, string>, p: string) => ({ type: "gcs" as const, options, path: p });
    expect(await remotesOverlap(gcs({ service_account_credentials: "{a}" }, "b"), gcs({ service_account_credentials: "{b}", project_number: "2" }, "b/x"))).toBe(true);
  });

  it("finds the overlap through another spelling of one endpoint: localhost, 127.0.0.1 and [::1], the host's case, a default port written out; Google's S3 endpoint and gcs; not another port", async () => {
    const s3at = (endpoint: string, p = "shop/data") => ({ type: "s3" as const, options: { provider: "Other", endpoint }, path: p });
    const source = s3at("http://127.0.0.1:56640");
    for (const endpoint of ["http://localhost:56640", "http://LocalHost:56640/", "http://[::1]:56640", "http://127.0.0.2:56640"]) expect(await remotesOverlap(source, s3at(endpoint, "shop/data/copy")), endpoint).toBe(true);
    expect(await remotesOverlap(s3at("https://minio.example.internal"), s3at("HTTPS://Minio.Example.Internal:443", "shop/data/copy"))).toBe(true);
    expect(await remotesOverlap(s3at("http://10.0.0.7"), s3at("10.0.0.7", "shop"))).toBe(false); // no scheme: https, port 443
    expect(await remotesOverlap(s3at("http://10.0.0.7"), s3at("http://10.0.0.7:80", "shop"))).toBe(true);
    expect(await remotesOverlap(source, s3at("http://localhost:56641", "shop/data/copy"))).toBe(false);
    expect(await remotesOverlap(source, s3at("http://127.0.0.1:56640", "shop/other"))).toBe(false);
    const interop = s3at("https://storage.googleapis.com", "media");
    expect(await remotesOverlap(interop, { type: "gcs", options: {}, path: "media/copy" })).toBe(true);
    expect(await remotesOverlap(interop, { type: "gcs", options: {}, path: "other" })).toBe(false);
  });

  it("takes this host's own addresses (every interface's, IPv4 and IPv6) for loopback: one server reached as 127.0.0.1 and as the host's address overlaps", async (ctx) => {
    const s3at = (endpoint: string, p = "shop/data") => ({ type: "s3" as const, options: { provider: "Other", endpoint }, path: p });
    const own = Object.values(os.networkInterfaces())
      .flatMap((l) => l ?? [])
      .filter((i) => !i.internal);
    if (own.length === 0) ctx.skip(); // this machine has no non-loopback address to reach itself by
    for (const i of own) {
      const h = i.family === "IPv6" ? `[${i.address}]` : i.address;
      expect(await remotesOverlap(s3at("http://127.0.0.1:56640"), s3at(`http://${h}:56640`, "shop/data/copy")), h).toBe(true);
      expect(await remotesOverlap(s3at(`http://${h}:56640`), s3at("http://localhost:56640", "shop/data/copy")), h).toBe(true);
      expect(await remotesOverlap(s3at("http://127.0.0.1:56640"), s3at(`http://${h}:56641`, "shop/data/copy")), h).toBe(false);
    }
    expect(await remotesOverlap(s3at("http://127.0.0.1:56640"), s3at("http://192.0.2.222:56640", "shop/data/copy"))).toBe(own.some((i) => i.address === "192.0.2.222"));
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

describe("tools and the terminal", () => {
  it("runs every tool in a session of its own, so a closed terminal's SIGHUP or a Ctrl-C reaches only freehold, which stops the tools in order", async () => {
    // Field 6 of /proc/<pid>/stat is the session id (the command name of sh and node holds no space).
    const mine = readFileSync("/proc/self/stat", "utf8").split(" ")[5];
    const r = await run("sh", ["-c", "cut -d ' ' -f 6 /proc/$$/stat"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+$/);
    expect(r.stdout.trim()).not.toBe(mine);
  });
});

describe("what an operator is told", () => {
  it("leaves no half-written file when the manifest cannot be written", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "freehold-manifest-test-"));
    try {
      const blocked = path.join(dir, "m.json");
      mkdirSync(blocked);
      writeFileSync(path.join(blocked, "x"), "a folder where the manifest should go: rename fails");
      await expect(writeJsonAtomic(blocked, { ok: true })).rejects.toThrow();
      expect(readdirSync(dir)).toEqual(["m.json"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says the target holds tables the source does not, not only in the manifest", () => {
    const m = {
      totals: { tables: 1, rows: 2, sequences: 0, largeObjects: 0, mismatches: 0 },
      largeObjects: { count: 0, sourceCount: 0, checksum: "", sourceChecksum: "", match: true },
      schema: { method: "", objects: 3, problems: [] },
      consistency: { statement: "the target equals the source as of the snapshot taken at T" },
      extraTargetTables: ["public.theirs", 'a."b.c"'],
      dump: { kept: false, dir: "" },
      restore: { skipped: false },
    } as unknown as DatabaseManifest;
    expect(databaseSummary(m, "m.json")).toContain('The target also holds 2 table(s) the source does not (left as they were, not verified): public.theirs, a."b.c".\n');
  });

  it("for a role missing on the target while restoring, points at the roles, not the user name in the URL", () => {
    expect(pgHint('ERROR:  role "reporting" does not exist', "target")).toMatch(/^the roles on the target server: the dump refers to a role/);
    expect(pgHint('FATAL:  role "app" does not exist', "target")).toBe("the user name in the target URL");
    expect(pgHint('ERROR:  invalid snapshot identifier: "00000003-000006CE-1"', "source")).toMatch(/^the source server: the session holding the copy's snapshot .* ended mid-copy, .*PgBouncer in transaction or statement mode.*connect to the server directly and run again$/);
  });
});
