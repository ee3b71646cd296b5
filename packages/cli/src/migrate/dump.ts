/**
 * The source side: one read-only session holds a snapshot (REPEATABLE READ,
 * pg_export_snapshot); pg_dump dumps exactly that snapshot (--snapshot) while
 * the same session fingerprints every table in it and reads its schema and
 * state (state.ts). All of it is saved with the dump, so verification
 * compares the target with what was dumped, a later run that reuses the dump
 * still has it, and whether the source moved on since can be told.
 */
import { pgFailure } from "./diagnose";
import { MigrationToolError } from "./errors";
import { checksumMethod, LARGE_OBJECTS_SQL, type LargeObjectSum, REQUIRE_FINGERPRINT_KEY, type TableInfo, type TextMode, tableChecksumSql, withFingerprintKey } from "./fingerprint";
import {
  INVENTORY_SQL,
  type PgConnection,
  parseJsonLine,
  psql,
  quoteIdent,
  quoteLiteral,
  SEQUENCES_SQL,
  SERVER_INFO_SQL,
  type SequenceInfo,
  type ServerInfo,
  STABLE_SESSION_SQL,
  type TableSum,
  tableKey,
  tableName,
} from "./pg";
import { run } from "./proc";
import { SCHEMA_SQL, type SchemaObject } from "./schema";
import { PsqlSession } from "./session";
import { HORIZON_SQL, type SourceState, schemaHash } from "./state";
import type { DumpMarker, Pair } from "./workdir";

/** A read-only session inside one snapshot of the source. */
export class SourceSnapshot {
  private constructor(
    private readonly session: PsqlSession,
    readonly id: string,
    readonly server: ServerInfo,
    readonly tables: TableInfo[],
    readonly sequences: SequenceInfo[],
    readonly schema: SchemaObject[],
    readonly state: SourceState,
    /** The fingerprint's key this session hashes with (fingerprint.ts): compare only with sums taken with the same key. */
    readonly key: string,
  ) {}

  /** Open the session (its fingerprints keyed with `key`), export its snapshot and take the inventory in it. */
  static async open(conn: PgConnection, key: string, signal?: AbortSignal): Promise<SourceSnapshot> {
    const session = new PsqlSession(withFingerprintKey(conn, key), signal);
    try {
      // No parallel workers: this session has the whole dump and restore to finish in, and must not slow pg_dump.
      await session.must(`${STABLE_SESSION_SQL}\nSET max_parallel_workers_per_gather = 0;\n${REQUIRE_FINGERPRINT_KEY}`, "prepare a session");
      const [id] = await session.must("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\nSELECT pg_catalog.pg_export_snapshot();", "take a snapshot");
      const at = new Date().toISOString();
      const [horizon] = await session.must(HORIZON_SQL, "read the snapshot's transaction horizon");
      const [sequences] = await session.must(SEQUENCES_SQL, "list the sequences");
      const [server] = await session.must(SERVER_INFO_SQL, "read the server version");
      const [tables] = await session.must(INVENTORY_SQL, "list the tables");
      const [schemaLine] = await session.must(SCHEMA_SQL, "describe the schema");
      if (!id || !horizon) throw new MigrationToolError("the source did not export a snapshot", "psql", null, { side: "source" });
      const seqs = parseJsonLine<SequenceInfo[]>(sequences, "the sequences");
      const schema = parseJsonLine<SchemaObject[]>(schemaLine, "the schema");
      return new SourceSnapshot(session, id, parseJsonLine<ServerInfo>(server, "the server version"), parseJsonLine<TableInfo[]>(tables, "the table inventory"), seqs, schema, {
        snapshot: horizon,
        at,
        sequences: seqs,
        schemaHash: schemaHash(schema),
      }, key);
    } catch (e) {
      session.kill();
      throw e;
    }
  }

  /**
   * Open two snapshot sessions at once (the two sides of a comparison). When either fails, the
   * other is ended at once (opened or still opening) and the first failure is thrown: no session
   * is left idle in its transaction on the other side, and no psql child keeps the process alive.
   */
  static async openPair(a: PgConnection, b: PgConnection, key: string, signal?: AbortSignal): Promise<[SourceSnapshot, SourceSnapshot]> {
    const local = new AbortController();
    const onAbort = () => local.abort();
    if (signal?.aborted) local.abort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    let first: { error: unknown } | undefined;
    const opening = [a, b].map((conn) =>
      SourceSnapshot.open(conn, key, local.signal).catch((e: unknown) => {
        first ??= { error: e };
        local.abort();
        throw e;
      }),
    );
    const settled = await Promise.allSettled(opening);
    // Both open: the caller's signal keeps reaching them (through the local one) for as long as they live.
    if (first === undefined) return [(settled[0] as PromiseFulfilledResult<SourceSnapshot>).value, (settled[1] as PromiseFulfilledResult<SourceSnapshot>).value];
    signal?.removeEventListener("abort", onAbort);
    for (const r of settled) if (r.status === "fulfilled") r.value.kill();
    throw first.error;
  }

  /** Fingerprint these tables in the snapshot, largest first. A failure is the source's problem and stops the run. */
  async fingerprint(tables: TableInfo[], mode: TextMode): Promise<TableSum[]> {
    const sums: TableSum[] = [];
    for (const t of [...tables].sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0))) {
      const [line] = await this.session.must(tableChecksumSql(t, mode), `checksum ${tableName(t)}`);
      sums.push(parseJsonLine<TableSum>(line, `the checksum of ${tableName(t)}`));
    }
    return sums.sort((a, b) => (tableKey(a) < tableKey(b) ? -1 : 1));
  }

  /** The large objects' count and digest in the snapshot. */
  async largeObjects(): Promise<LargeObjectSum> {
    const [line] = await this.session.must(LARGE_OBJECTS_SQL, "fingerprint the large objects");
    return parseJsonLine<LargeObjectSum>(line, "the large objects");
  }

  async close(): Promise<void> {
    await this.session.query("ROLLBACK;").catch(() => undefined);
    await this.session.close();
  }

  kill(): void {
    this.session.kill();
  }
}

export interface DumpOptions {
  pgDump: string;
  pgDumpVersion: string;
  pair: Pair;
  mode: TextMode;
  conn: PgConnection;
  dumpDir: string;
  jobs: number;
  signal?: AbortSignal;
  log: (line: string) => void;
}

/**
 * pg_dump -Fd -j N of the snapshot, and the fingerprints of every table in it
 * at the same time. Resolves with the marker to save once both are done.
 */
export async function dumpAndFingerprint(snap: SourceSnapshot, o: DumpOptions): Promise<DumpMarker> {
  const started = Date.now();
  o.log(`pg_dump -Fd -j ${o.jobs} --snapshot ${snap.id} ${o.conn.display} -> ${o.dumpDir}, fingerprinting ${snap.tables.length} tables in the same snapshot`);
  const dump = run(
    o.pgDump,
    // --compress=0: gzip (the directory format's default, level 6) cost more CPU than the copy itself on a measured 1 GiB
    // (bench/initial-copy-results.md); the dump is a private, temporary folder removed after a verified run.
    ["--format=directory", "--compress=0", `--jobs=${o.jobs}`, `--snapshot=${snap.id}`, "--no-owner", "--no-privileges", "--no-subscriptions", "--no-publications", "--file", o.dumpDir, "--dbname", o.conn.conninfo],
    { env: o.conn.env, secrets: o.conn.secrets, ...(o.signal ? { signal: o.signal } : {}) },
  ).then((r) => {
    if (r.code !== 0) throw pgFailure(r, { side: "source", action: "dump the source", display: o.conn.display });
    o.log(`pg_dump finished in ${Date.now() - started} ms`);
    return Date.now() - started;
  });
  const sums = snap.fingerprint(snap.tables, o.mode).then(async (s) => {
    const largeObjects = await snap.largeObjects();
    o.log(`source fingerprints finished in ${Date.now() - started} ms`);
    return { s, largeObjects };
  });
  const [dumpMs, { s: fingerprints, largeObjects }] = await Promise.all([dump, sums]);
  return {
    formatVersion: 5,
    pair: o.pair,
    source: o.conn.display,
    server: snap.server,
    pgDump: o.pgDumpVersion,
    checksumMethod: checksumMethod(o.mode),
    fingerprintKey: snap.key,
    tables: snap.tables,
    sums: fingerprints,
    sequences: snap.sequences,
    largeObjects,
    schema: snap.schema,
    state: snap.state,
    completedAt: new Date().toISOString(),
    dumpMs,
  };
}

/**
 * A pg_dump pattern that matches exactly this table: both names in double
 * quotes (inside them `*`, `?` and `.` are literal), a quote doubled.
 */
export function exactTablePattern(t: { schema: string; table: string }): string {
  return `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`;
}

/**
 * The most bytes of pg_dump arguments that name tables. Linux allows a command 2 MiB of arguments and environment
 * together (`getconf ARG_MAX`, execve(2) "Limits on size of arguments and environment"); a quarter of it leaves room
 * for any environment. https://man7.org/linux/man-pages/man2/execve.2.html
 */
export const MAX_TABLE_ARGUMENT_BYTES = 512 * 1024;

/** One schema of the source, in the snapshot: its tables, and its relations whose data is not a table's rows. */
export interface SchemaShape {
  schema: string;
  /** Every ordinary table in it (an extension's too). */
  tables: number;
  /** Sequences, materialized views and foreign tables: `--exclude-table-data` patterns match these as well. */
  other: number;
}

const SCHEMA_SHAPES_SQL = `SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('schema', s.nspname, 'tables', s.tables, 'other', s.other)), '[]')::text FROM (
  SELECT n.nspname, pg_catalog.count(*) FILTER (WHERE c.relkind = 'r') AS tables, pg_catalog.count(*) FILTER (WHERE c.relkind IN ('S', 'm', 'f')) AS other
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace GROUP BY n.nspname) s;`;

/** The source's schemas as the snapshot holds them (the one pg_dump dumps). */
export async function schemaShapes(conn: PgConnection, snapshotId: string): Promise<SchemaShape[]> {
  const sql = `BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\nSET TRANSACTION SNAPSHOT ${quoteLiteral(snapshotId)};\n${SCHEMA_SHAPES_SQL}\nCOMMIT;`;
  const r = await psql(conn, sql, { action: "count the relations of each schema" });
  return parseJsonLine<SchemaShape[]>(r.lines[0], "the schemas' relations");
}

/**
 * pg_dump's arguments that leave the streamed tables' rows out of the dump: one `--exclude-table-data='"schema".*'` for a
 * schema whose every table is streamed and which holds nothing else with data (the pattern would leave out a sequence's
 * value or a materialized view's rows too), one per table elsewhere; so a database of thousands of tables, a schema per
 * customer, fits on a command line. Refuses, as a tool failure, when the arguments would still not fit.
 */
export function tableDataExclusions(tables: Array<{ schema: string; table: string }>, shapes: SchemaShape[]): string[] {
  const bySchema = new Map<string, Array<{ schema: string; table: string }>>();
  for (const t of tables) {
    const ts = bySchema.get(t.schema);
    if (ts) ts.push(t);
    else bySchema.set(t.schema, [t]);
  }
  const shapeOf = new Map(shapes.map((s) => [s.schema, s]));
  const args: string[] = [];
  for (const [schema, ts] of bySchema) {
    const shape = shapeOf.get(schema);
    // A name in double quotes is matched as written (its `*`, `?` and `.` too); the bare `*` after it matches every relation.
    if (shape !== undefined && shape.other === 0 && shape.tables === ts.length) args.push(`--exclude-table-data=${quoteIdent(schema)}.*`);
    else for (const t of ts) args.push(`--exclude-table-data=${exactTablePattern(t)}`);
  }
  const bytes = args.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
  if (bytes > MAX_TABLE_ARGUMENT_BYTES)
    throw new MigrationToolError(
      `the source's ${tables.length} tables are too many to stream: pg_dump would need ${bytes} bytes of arguments to leave their rows out of the dump (at most ${MAX_TABLE_ARGUMENT_BYTES} fit on a command line), because their schemas also hold sequences, materialized views or tables of an extension; nothing was written to the target.`,
      "freehold",
      null,
      { side: "source", hint: "run again with --keep-dump: the dump path copies every table through pg_dump and pg_restore, naming none on a command line" },
    );
  return args;
}
