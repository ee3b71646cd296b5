/**
 * The source side: one read-only session holds a snapshot (REPEATABLE READ,
 * pg_export_snapshot); pg_dump dumps exactly that snapshot (--snapshot) while
 * the same session fingerprints every table in it. The fingerprints are saved
 * with the dump, so verification compares the target with what was dumped,
 * and a later run that reuses the dump still has them.
 */
import { pgFailure } from "./diagnose";
import { MigrationToolError } from "./errors";
import { CHECKSUM_METHOD, type TableInfo, tableChecksumSql } from "./fingerprint";
import {
  INVENTORY_SQL,
  parseJsonLine,
  type PgConnection,
  SEQUENCES_SQL,
  SERVER_INFO_SQL,
  type SequenceInfo,
  type ServerInfo,
  STABLE_SESSION_SQL,
  type TableSum,
  tableKey,
} from "./pg";
import { run } from "./proc";
import { PsqlSession } from "./session";
import type { DumpMarker } from "./workdir";

/** A read-only session inside one snapshot of the source. */
export class SourceSnapshot {
  private constructor(
    private readonly session: PsqlSession,
    readonly id: string,
    readonly server: ServerInfo,
    readonly tables: TableInfo[],
    readonly sequences: SequenceInfo[],
  ) {}

  /** Open the session, export its snapshot and take the inventory in it. */
  static async open(conn: PgConnection, signal?: AbortSignal): Promise<SourceSnapshot> {
    const session = new PsqlSession(conn, signal);
    try {
      // No parallel workers: this session has the whole dump and restore to finish in, and must not slow pg_dump.
      await session.must(`${STABLE_SESSION_SQL}\nSET max_parallel_workers_per_gather = 0;`, "prepare a session");
      const [id] = await session.must("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\nSELECT pg_catalog.pg_export_snapshot();", "take a snapshot");
      const [server] = await session.must(SERVER_INFO_SQL, "read the server version");
      const [tables] = await session.must(INVENTORY_SQL, "list the tables");
      const [sequences] = await session.must(SEQUENCES_SQL, "list the sequences");
      if (!id) throw new MigrationToolError("the source did not export a snapshot", "psql", null, { side: "source" });
      return new SourceSnapshot(
        session,
        id,
        parseJsonLine<ServerInfo>(server, "the server version"),
        parseJsonLine<TableInfo[]>(tables, "the table inventory"),
        parseJsonLine<SequenceInfo[]>(sequences, "the sequences"),
      );
    } catch (e) {
      session.kill();
      throw e;
    }
  }

  /** Fingerprint these tables in the snapshot, largest first. A failure is the source's problem and stops the run. */
  async fingerprint(tables: TableInfo[]): Promise<TableSum[]> {
    const sums: TableSum[] = [];
    for (const t of [...tables].sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0))) {
      const [line] = await this.session.must(tableChecksumSql(t), `checksum ${tableKey(t)}`);
      sums.push(parseJsonLine<TableSum>(line, `the checksum of ${tableKey(t)}`));
    }
    return sums.sort((a, b) => (tableKey(a) < tableKey(b) ? -1 : 1));
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
    ["--format=directory", `--jobs=${o.jobs}`, `--snapshot=${snap.id}`, "--no-owner", "--no-privileges", "--no-subscriptions", "--file", o.dumpDir, "--dbname", o.conn.conninfo],
    { env: o.conn.env, secrets: o.conn.secrets, ...(o.signal ? { signal: o.signal } : {}) },
  ).then((r) => {
    if (r.code !== 0) throw pgFailure(r, { side: "source", action: "dump the source", display: o.conn.display });
    o.log(`pg_dump finished in ${Date.now() - started} ms`);
    return Date.now() - started;
  });
  const sums = snap.fingerprint(snap.tables).then((s) => {
    o.log(`source fingerprints finished in ${Date.now() - started} ms`);
    return s;
  });
  const [dumpMs, fingerprints] = await Promise.all([dump, sums]);
  return {
    formatVersion: 2,
    source: o.conn.display,
    server: snap.server,
    pgDump: o.pgDumpVersion,
    checksumMethod: CHECKSUM_METHOD,
    tables: snap.tables,
    sums: fingerprints,
    sequences: snap.sequences,
    completedAt: new Date().toISOString(),
    dumpMs,
  };
}
