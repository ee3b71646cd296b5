/**
 * Did the source move on after the snapshot? A migration copies the source as
 * of one snapshot; "verified" means the target equals the source as of that
 * instant. Whether it still equals the source afterwards depends on writes
 * made since, which the snapshot cannot see. This reads what PostgreSQL
 * exposes about them, cheaply, and says what it proves:
 *
 * - the transaction-id horizon (`txid_current_snapshot()`): every write
 *   (insert, update, delete, DDL, a sequence that logs) takes a transaction
 *   id. If no transaction id was handed out after the snapshot and none of
 *   the transactions in progress at the snapshot committed, nothing on the
 *   whole server wrote after it: the source was quiet;
 * - sequence values, which `nextval` changes without a transaction id;
 * - the schema (SCHEMA_SQL), so DDL is named.
 *
 * The horizon is server-wide, so another database's writes (or autovacuum's
 * statistics) move it too; then the source's tables are fingerprinted again
 * and compared with the snapshot's: equal means the target equals the source
 * as of that second reading as well, different names every table that
 * changed.
 */
import { createHash } from "node:crypto";
import { compareSequences, type SequenceEntry } from "./manifest";
import { qualifiedName, type SequenceInfo } from "./pg";
import type { SchemaObject } from "./schema";

/** The source as read inside the snapshot, or afterwards. */
export interface SourceState {
  /** `txid_current_snapshot()` as text: `xmin:xmax:xip,...`. */
  snapshot: string;
  /** When it was read (client clock, ISO). */
  at: string;
  sequences: SequenceInfo[];
  /** md5 of the schema description, so a later reading can be compared without keeping it all. */
  schemaHash: string;
}

/** SQL: the snapshot's transaction horizon. */
export const HORIZON_SQL = "SELECT pg_catalog.txid_current_snapshot()::text;";

/** SQL: the fate of each transaction in progress at a snapshot (`committed`, `aborted`, `in progress`, or empty when unknown). */
export function xactStatusSql(xids: string[]): string {
  return `SELECT coalesce(pg_catalog.json_agg(coalesce(pg_catalog.txid_status(x), 'unknown')), '[]')::text FROM pg_catalog.unnest(ARRAY[${xids.map((x) => `${BigInt(x).toString()}::int8`).join(", ")}]::int8[]) AS x;`;
}

export function parseSnapshot(text: string): { xmin: bigint; xmax: bigint; xip: string[] } {
  const m = /^(\d+):(\d+):([\d,]*)$/.exec(text.trim());
  if (!m) throw new Error(`not a transaction snapshot: ${JSON.stringify(text)}`);
  return { xmin: BigInt(m[1] as string), xmax: BigInt(m[2] as string), xip: (m[3] as string).split(",").filter(Boolean) };
}

/** What the cheap reading says: `quiet` proven, `moved` proven, or `unsure` (transaction ids were handed out on the server). */
export interface StateComparison {
  verdict: "quiet" | "moved" | "unsure";
  /** Sentences: what changed, or why it is unsure. */
  changes: string[];
  sequences: SequenceEntry[];
}

/**
 * Compare the state read in the snapshot with one read later. `xactStatus`
 * is the fate of the transactions that were in progress at the snapshot.
 */
export function compareState(before: SourceState, after: SourceState, xactStatus: string[]): StateComparison {
  const sequences = compareSequences(before.sequences, after.sequences);
  const changes: string[] = [];
  for (const s of sequences) if (!s.match && !s.unreadable) changes.push(`sequence ${qualifiedName(s.schema, s.sequence)} moved from ${s.sourceLastValue ?? "unused"} to ${s.lastValue ?? "gone"}`);
  for (const s of after.sequences) if (!before.sequences.some((b) => b.schema === s.schema && b.sequence === s.sequence)) changes.push(`sequence ${qualifiedName(s.schema, s.sequence)} was created`);
  if (before.schemaHash !== after.schemaHash) changes.push("the schema changed (DDL)");
  if (changes.length > 0) return { verdict: "moved", changes, sequences };
  const a = parseSnapshot(before.snapshot);
  const b = parseSnapshot(after.snapshot);
  const committed = xactStatus.filter((s) => s !== "aborted");
  if (b.xmax === a.xmax && committed.length === 0) return { verdict: "quiet", changes: [], sequences };
  const why: string[] = [];
  if (b.xmax !== a.xmax) why.push(`${b.xmax - a.xmax} transaction id(s) were handed out on the source server after the snapshot (writes in this or another database, or maintenance)`);
  if (committed.length > 0) why.push(`${committed.length} transaction(s) in progress at the snapshot ${committed.every((s) => s === "committed") ? "committed" : "had not finished"} afterwards`);
  return { verdict: "unsure", changes: why, sequences };
}

/** A digest of a schema description: the same objects give the same digest. */
export function schemaHash(objects: SchemaObject[]): string {
  return createHash("sha256").update(JSON.stringify(objects.map((o) => [o.kind, o.name, o.def]))).digest("hex");
}
