/** The streaming copy's plan and commands, and the schema comparison of what it copies, without a server (the real-server cases are in database.test.ts). */
import { describe, expect, it } from "vitest";
import { tableDataExclusions } from "./dump";
import { MigrationToolError } from "./errors";
import type { TableInfo } from "./fingerprint";
import { run } from "./proc";
import { compareSchemas, type SchemaObject } from "./schema";
import { exactTablePattern, SPLIT_MIN_BYTES, sourceCopyCommands, splitCandidates, targetCopyCommands, units } from "./stream-copy";

const table = (name: string, bytes: number, oid: number): TableInfo => ({ schema: "public", table: name, oid, bytes, columns: [] });
const MiB = 1024 * 1024;

describe("the streaming copy's plan", () => {
  it("splits only a table that alone holds more than 1/jobs of the data and at least 64 MiB, and only from PostgreSQL 14", () => {
    const tables = [table("accounts", 900 * MiB, 1), table("history", 60 * MiB, 2), table("tellers", 1 * MiB, 3)];
    expect(splitCandidates(tables, 2, 150000).map((t) => t.table)).toEqual(["accounts"]);
    expect(splitCandidates(tables, 1, 150000)).toEqual([]);
    expect(splitCandidates(tables, 2, 130000)).toEqual([]);
    // Many tables of one size: none dominates, each is copied whole (and frozen).
    expect(splitCandidates([table("a", 100 * MiB, 1), table("b", 100 * MiB, 2), table("c", 100 * MiB, 3)], 2, 150000)).toEqual([]);
    expect(splitCandidates([table("small", SPLIT_MIN_BYTES - 1, 1)], 2, 150000)).toEqual([]);
  });

  it("cuts a table into jobs block ranges that cover it once, the last open-ended; a table with a generated column or few blocks stays whole; largest first", () => {
    const tables = [table("tellers", 1 * MiB, 3), table("accounts", 900 * MiB, 1), table("gen", 500 * MiB, 2), table("tiny", 70 * MiB, 4)];
    const shapes = new Map([
      [1, { blocks: 1001, generated: false }],
      [2, { blocks: 64000, generated: true }],
      [4, { blocks: 5, generated: false }],
    ]);
    expect(units(tables, 3, shapes).map((u) => [u.table.table, u.part])).toEqual([
      ["gen", undefined],
      ["accounts", { from: 0, to: 334 }],
      ["accounts", { from: 334, to: 668 }],
      ["accounts", { from: 668 }],
      ["tiny", undefined],
      ["tellers", undefined],
    ]);
  });

  it("names a table exactly in pg_dump's pattern language, whatever its name holds", () => {
    expect(exactTablePattern({ schema: 'we.ird*"', table: "t?\nx" })).toBe('"we.ird*""".' + '"t?\nx"');
  });

  it("leaves 16,000 streamed tables' rows out of pg_dump with one pattern per schema that holds nothing else with data; refuses, naming --keep-dump, when they would overflow the command line", () => {
    const schema = "tenant_acme_corporation_international_holdings_marketplace_0001";
    const many = Array.from({ length: 16_000 }, (_, i) => ({ schema, table: `order_line_items_with_extended_attributes_and_history_${i}` }));
    const perTable = many.reduce((n, t) => n + exactTablePattern(t).length + 22, 0);
    expect(perTable).toBeGreaterThan(2 * MiB); // one argument a table: more than Linux's ARG_MAX
    expect(tableDataExclusions(many, [{ schema, tables: 16_000, other: 0 }])).toEqual([`--exclude-table-data="${schema}".*`]);
    // A schema that also holds a table not streamed (an extension's), a sequence or a materialized view: each table by name.
    const few = many.slice(0, 2);
    expect(tableDataExclusions(few, [{ schema, tables: 3, other: 0 }])).toEqual(few.map((t) => `--exclude-table-data=${exactTablePattern(t)}`));
    expect(tableDataExclusions(few, [{ schema, tables: 2, other: 1 }])).toEqual(few.map((t) => `--exclude-table-data=${exactTablePattern(t)}`));
    let err: unknown;
    try {
      tableDataExclusions(many, [{ schema, tables: 16_000, other: 1 }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MigrationToolError);
    expect((err as MigrationToolError).message).toMatch(/^the source's 16000 tables are too many to stream: pg_dump would need \d+ bytes of arguments .*nothing was written to the target\.$/);
    expect((err as MigrationToolError).details.hint).toContain("--keep-dump");
  });

  it("reports a command line the system refuses (E2BIG) as a tool that could not start, not as a bug", async () => {
    const err = await run("/bin/true", Array.from({ length: 40_000 }, () => "x".repeat(100))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationToolError);
    expect((err as MigrationToolError).message).toMatch(/^true could not start: its 40000 arguments \(\d+ bytes\) are more than this system allows on one command line \(E2BIG\)$/);
  });

  it("reads in the snapshot on the source, and fills a whole table frozen in one transaction on the target, as the role, a part unfrozen, both sides naming the columns", () => {
    const t = { schema: "public", table: 'Odd "name"', columns: ["id", 'b "q"'] };
    expect(sourceCopyCommands(t, "00000003-0000013F-1").slice(1)).toEqual([
      "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;",
      "SET TRANSACTION SNAPSHOT '00000003-0000013F-1';",
      'COPY "public"."Odd ""name""" ("id", "b ""q""") TO STDOUT;',
      "COMMIT;",
    ]);
    expect(() => sourceCopyCommands(t, "1'; DROP TABLE x; --")).toThrow(/not a snapshot id/);
    expect(targetCopyCommands(t, "app").slice(1)).toEqual([
      "SET synchronous_commit = off;",
      'SET ROLE "app";',
      "BEGIN;",
      'TRUNCATE ONLY "public"."Odd ""name""";',
      'COPY "public"."Odd ""name""" ("id", "b ""q""") FROM STDIN (FREEZE);',
      "COMMIT;",
    ]);
    expect(targetCopyCommands(t, undefined, { from: 10 }).slice(1)).toEqual(["SET synchronous_commit = off;", "BEGIN;", 'COPY "public"."Odd ""name""" ("id", "b ""q""") FROM STDIN;', "COMMIT;"]);
    expect(sourceCopyCommands(t, "1-2", { from: 10 })[3]).toBe(`COPY (SELECT "id", "b ""q""" FROM ONLY "public"."Odd ""name""" WHERE ctid >= '(10,0)'::pg_catalog.tid) TO STDOUT;`);
    // A table without copied columns (none, or generated ones only): no list, which PostgreSQL would refuse empty.
    const none = { schema: "public", table: "nothing", columns: [] };
    expect(sourceCopyCommands(none, "1-2")[3]).toBe('COPY "public"."nothing" TO STDOUT;');
    expect(targetCopyCommands(none)[4]).toBe('COPY "public"."nothing" FROM STDIN (FREEZE);');
  });
});

describe("the schema comparison of an inheritance child", () => {
  const col = (name: string, inherited = false) => ({ name, type: "text", notNull: false, default: null, generated: null, identity: null, collation: null, inherited });
  const child = (...cols: ReturnType<typeof col>[]): SchemaObject => ({ kind: "table", name: "public.child", def: { columns: cols } });

  it("accepts the inherited columns where pg_dump's CREATE TABLE … INHERITS puts them, and still compares the order of the child's own columns", () => {
    // Source: a column b added to the parent after the child existed is the child's last; the target has it among the inherited ones.
    const source = child(col("id", true), col("a", true), col("extra"), col("own2"), col("b", true));
    expect(compareSchemas([source], [child(col("id", true), col("a", true), col("b", true), col("extra"), col("own2"))])).toEqual([]);
    expect(compareSchemas([source], [child(col("id", true), col("a", true), col("b", true), col("own2"), col("extra"))]).map((p) => p.message)).toEqual([
      "column extra is at position 1 among the table's own (not inherited) columns in the source, 2 in the target",
      "column own2 is at position 2 among the table's own (not inherited) columns in the source, 1 in the target",
    ]);
    // A table without inherited columns keeps every column's position compared.
    expect(compareSchemas([child(col("x"), col("y"))], [child(col("y"), col("x"))]).map((p) => p.message)).toEqual([
      "column x is at position 1 in the source, 2 in the target",
      "column y is at position 2 in the source, 1 in the target",
    ]);
  });
});
