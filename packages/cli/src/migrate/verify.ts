/**
 * What "verified" proves, and the comparison of two live databases.
 *
 * `sourceConsistency` decides, after a copy, whether the source moved on
 * after the snapshot the copy was taken in (state.ts), and words the verdict
 * as the instant the target is proven equal to the source at.
 * `verifyDatabase` compares two databases as they are now: each side read in
 * one snapshot of its own (schema, fingerprints, sequences), then the source
 * checked for writes made while it was read.
 */
import { SourceSnapshot } from "./dump";
import { MigrationError, type MigrationProblem } from "./errors";
import { type LargeObjectSum, newFingerprintKey, type TableInfo, type TextMode, textMode } from "./fingerprint";
import { compareLargeObjects, compareSequences, compareTables, databaseProblems, type LargeObjectEntry, type SequenceEntry, type TableEntry } from "./manifest";
import { byKey, CLIENT_KEEPALIVES, databaseIdentity, INVENTORY_SQL, type PgConnection, parseJsonLine, pgConnection, psql, SEQUENCES_SQL, type SequenceInfo, type ServerInfo, STABLE_SESSION_SQL, serverInfo, sessionSettings, type TableSum, tableKey, tableName, withSession } from "./pg";
import { compareSchemas, SCHEMA_SQL, type SchemaObject, sameMajor } from "./schema";
import { compareState, HORIZON_SQL, parseSnapshot, type SourceState, schemaHash, xactStatusSql } from "./state";

/** The verdict on the source after a copy or a verification. */
export interface Consistency {
  /** When the snapshot the target was compared with was taken. */
  snapshotAt: string;
  /**
   * `quiet`: nothing wrote on the source server after the snapshot;
   * `unchanged`: transaction ids were handed out, but the source's tables,
   * sequences and schema were read again and are as in the snapshot;
   * `moved`: the source changed after the snapshot (see `changes`).
   */
  verdict: "quiet" | "unchanged" | "moved";
  /** When the source was checked. */
  checkedAt: string;
  changes: string[];
  /** One sentence: the instant the target is proven equal to the source at. */
  statement: string;
}

/** The source's state now: its transaction horizon, sequences and schema, read in one session. */
export async function currentSourceState(conn: PgConnection): Promise<SourceState> {
  const at = new Date().toISOString();
  const r = await psql(conn, `${STABLE_SESSION_SQL}\nBEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\n${HORIZON_SQL}\n${SEQUENCES_SQL}\n${SCHEMA_SQL}\nCOMMIT;`, { action: "read the source's state" });
  const [snapshot, seqs, schema] = r.lines;
  if (!snapshot) throw new Error("psql printed no transaction horizon");
  const sequences = parseJsonLine<SequenceInfo[]>(seqs, "the sequences");
  return { snapshot, at, sequences, schemaHash: schemaHash(parseJsonLine<SchemaObject[]>(schema, "the schema")) };
}

/** A database's tables, sequences and user objects (schema.ts), read now in one session and one snapshot. */
export async function describeDatabase(conn: PgConnection): Promise<{ tables: TableInfo[]; sequences: SequenceInfo[]; schema: SchemaObject[] }> {
  const r = await psql(conn, `${STABLE_SESSION_SQL}\nBEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\n${INVENTORY_SQL}\n${SEQUENCES_SQL}\n${SCHEMA_SQL}\nCOMMIT;`, { action: "describe the database" });
  const [tables, sequences, schema] = r.lines;
  return { tables: parseJsonLine<TableInfo[]>(tables, "the table inventory"), sequences: parseJsonLine<SequenceInfo[]>(sequences, "the sequences"), schema: parseJsonLine<SchemaObject[]>(schema, "the schema") };
}

/** The fate of the transactions that were in progress at `snapshot` (empty when there were none). */
export async function inProgressFate(conn: PgConnection, snapshot: string): Promise<string[]> {
  const xip = parseSnapshot(snapshot).xip;
  if (xip.length === 0) return [];
  const r = await psql(conn, xactStatusSql(xip), { action: "read the fate of transactions in progress at the snapshot" });
  return parseJsonLine<string[]>(r.lines[0], "the transactions' fate");
}

function statement(c: Omit<Consistency, "statement">): string {
  const base = `the target equals the source as of the snapshot taken at ${c.snapshotAt}`;
  if (c.verdict === "quiet") return `${base}; nothing wrote on the source server from then until ${c.checkedAt}, so it equals the source as of ${c.checkedAt} too`;
  if (c.verdict === "unchanged") return `${base}; ${c.changes.join("; ")}, so the source's tables were read again at ${c.checkedAt}: unchanged, so it equals the source as of ${c.checkedAt} too`;
  return `${base} only: the source changed after it (${c.changes.join("; ")}); the target does not hold those changes`;
}

/**
 * Whether the source moved on after `before` was read in the snapshot whose
 * fingerprints are `sums`. Cheap when the source server was quiet; otherwise
 * its tables are fingerprinted again (in a new snapshot) and compared.
 */
export async function sourceConsistency(
  conn: PgConnection,
  before: SourceState,
  seen: { tables: TableInfo[]; sums: TableSum[]; largeObjects: LargeObjectSum; key: string },
  mode: TextMode,
  signal?: AbortSignal,
): Promise<Consistency> {
  const { tables, sums } = seen;
  const after = await currentSourceState(conn);
  const cmp = compareState(before, after, await inProgressFate(conn, before.snapshot));
  const done = (c: Omit<Consistency, "statement">): Consistency => ({ ...c, statement: statement(c) });
  if (cmp.verdict === "quiet") return done({ snapshotAt: before.at, verdict: "quiet", checkedAt: after.at, changes: [] });
  if (cmp.verdict === "moved") return done({ snapshotAt: before.at, verdict: "moved", checkedAt: after.at, changes: cmp.changes });
  // With the key the sums were taken with: compared with them, not with another key's.
  const again = await SourceSnapshot.open(conn, seen.key, signal);
  try {
    const now = await again.fingerprint(tables, mode);
    const differ = compareTables(byKey(sums, tableKey), byKey(now, tableKey)).filter((e) => !e.match);
    const later = compareState(before, again.state, []);
    const moved = later.verdict === "moved" ? later.changes : [];
    const lo = compareLargeObjects(seen.largeObjects, await again.largeObjects());
    if (!lo.match) moved.push(`the large objects changed (${lo.sourceCount} in the snapshot, ${lo.count} now)`);
    const changes = [...differ.map((e) => `${tableName(e)}: ${e.problem === "table missing in the target" ? "dropped" : (e.problem ?? "changed").replace("target", "now").replace("source", "snapshot")}`), ...moved];
    if (changes.length > 0) return done({ snapshotAt: before.at, verdict: "moved", checkedAt: again.state.at, changes });
    return done({ snapshotAt: before.at, verdict: "unchanged", checkedAt: again.state.at, changes: cmp.changes });
  } finally {
    await again.close();
  }
}

export interface DatabaseVerification {
  source: { url: string; identity: string; encoding: string };
  target: { url: string; identity: string; encoding: string };
  schemaProblems: MigrationProblem[];
  tables: TableEntry[];
  sequences: SequenceEntry[];
  largeObjects: LargeObjectEntry;
  extraTargetTables: string[];
  consistency: Consistency;
  ms: number;
}

/**
 * Every table of the first snapshot fingerprinted in both (in the second only
 * those it holds), and the two compared: the first side's sums, and an entry
 * per table.
 */
export async function compareSnapshotTables(s: SourceSnapshot, d: SourceSnapshot, mode: TextMode): Promise<{ sums: TableSum[]; tables: TableEntry[] }> {
  const present = new Set(d.tables.map(tableKey));
  const [ss, ds] = await Promise.all([s.fingerprint(s.tables, mode), d.fingerprint(s.tables.filter((t) => present.has(tableKey(t))), mode)]);
  return { sums: ss, tables: compareTables(byKey(ss, tableKey), byKey(ds, tableKey)) };
}

/** Refuse a source and target that are one database (the same cluster, OID and name, whatever URLs reach it). */
export function refuseSameDatabase(src: ServerInfo, dst: ServerInfo, display: { src: string; dst: string }): void {
  if (databaseIdentity(src) === databaseIdentity(dst))
    throw new MigrationError("database", `refusing: the source ${display.src} and the target ${display.dst} are the same database (${databaseIdentity(src)}); nothing was done.`, [
      { item: display.dst, message: "is the source itself" },
    ]);
}

/**
 * Verify that the target holds exactly the source's user objects (schema),
 * tables (row counts and content checksums) and sequence values, each side
 * read in one snapshot now, and say whether the source changed while it was
 * read. Throws MigrationError naming every difference (and, unless
 * `allowLiveSource`, a source that changed). Writes nothing anywhere.
 */
export async function verifyDatabase(opts: { from: string; to: string; fromPassword?: string; toPassword?: string; allowLiveSource?: boolean; log?: (line: string) => void; signal?: AbortSignal }): Promise<DatabaseVerification> {
  const started = Date.now();
  const connect = (url: string, role: "source" | "target", password?: string): PgConnection => pgConnection(url, role, password !== undefined ? { password } : {});
  const src = connect(opts.from, "source", opts.fromPassword);
  // The target is only read, in a read-only transaction (SourceSnapshot), like the source.
  const dst = connect(opts.to, "target", opts.toPassword);
  opts.log?.(`verifying ${dst.display} against ${src.display}`);
  const [si, di] = await Promise.all([serverInfo(src), serverInfo(dst)]);
  refuseSameDatabase(si, di, { src: src.display, dst: dst.display });
  const mode = textMode(si.encoding, di.encoding);
  // The fingerprint's key drawn now, for this comparison only, and never stored (fingerprint.ts).
  const key = newFingerprintKey();
  // Each side's snapshot session waits, idle in its transaction, while the other side is read: no server default ends it.
  // A failure on either side ends the other's session at once (openPair).
  const [s, d] = await SourceSnapshot.openPair(
    withSession(src, { settings: sessionSettings(si.versionNum), params: CLIENT_KEEPALIVES }),
    withSession(dst, { settings: sessionSettings(di.versionNum), params: CLIENT_KEEPALIVES }),
    key,
    opts.signal,
  );
  try {
    const { sums: ss, tables } = await compareSnapshotTables(s, d, mode);
    const [slo, dlo] = await Promise.all([s.largeObjects(), d.largeObjects()]);
    await Promise.all([s.close(), d.close()]);
    const srcKeys = new Set(s.tables.map(tableKey));
    const v: DatabaseVerification = {
      source: { url: src.display, identity: databaseIdentity(si), encoding: si.encoding },
      target: { url: dst.display, identity: databaseIdentity(di), encoding: di.encoding },
      schemaProblems: compareSchemas(s.schema, d.schema, { definitions: sameMajor(si.versionNum, di.versionNum) }),
      tables,
      sequences: compareSequences(s.sequences, d.sequences),
      largeObjects: compareLargeObjects(slo, dlo),
      extraTargetTables: d.tables.filter((t) => !srcKeys.has(tableKey(t))).map(tableName),
      consistency: await sourceConsistency(src, s.state, { tables: s.tables, sums: ss, largeObjects: slo, key }, mode, opts.signal),
      ms: Date.now() - started,
    };
    const problems = [...v.schemaProblems, ...databaseProblems(v.tables, v.sequences, v.largeObjects)];
    if (problems.length > 0) throw new MigrationError("database", `verification failed: ${problems.length} difference(s) between ${src.display} and ${dst.display}`, problems);
    if (v.consistency.verdict === "moved" && !opts.allowLiveSource)
      throw new MigrationError("database", `not verified as of now: ${v.consistency.statement}. Stop writes to the source and verify again (or accept a comparison as of the snapshot with --allow-live-source).`, v.consistency.changes.map((c) => ({ item: src.display, message: c })));
    return v;
  } finally {
    s.kill();
    d.kill();
  }
}
