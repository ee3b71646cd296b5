/**
 * Live exit: PostgreSQL's own logical replication (publication and
 * subscription) from the source to the target, then a cutover that stops
 * writes for seconds, and a way back.
 *
 * Why native publication/subscription rather than pgcopydb's `--follow`:
 * it runs inside the two servers (no process of ours has to stay up for
 * days between `start` and `cutover`), every managed PostgreSQL of the
 * three clouds supports it with a documented switch (rds.logical_replication,
 * Azure's wal_level, Cloud SQL's cloudsql.logical_decoding), and its state is
 * in the servers' catalogs, where `status` reads it. pgcopydb 0.10's follow
 * mode applied nothing in our measurement (a wal2json parse error).
 *
 * Every object this creates is named `freehold_<direction>_<key>`, the key
 * being the source/target pair's (migrationKey): `finish` drops only those. What logical replication does not carry is refused before
 * anything is created, with the reason: tables without a primary key or
 * replica identity (an UPDATE or DELETE on them would fail on the source once
 * they are published), large objects. Schema changes are not replicated:
 * cutover compares the two schemas and refuses when they differ. Sequences
 * are copied at cutover, after writes stopped.
 *
 * https://www.postgresql.org/docs/15/logical-replication-restrictions.html
 * https://www.postgresql.org/docs/15/sql-createsubscription.html
 */

import { MigrationError } from "./errors";
import { applyingFunctionWarnings, wayBackFunctionWarnings } from "./live-code";
import { dropSubscription, type LiveOptions, type LivePair, livePair, one, sql, WRITABLE } from "./live-sql";
import { locked, withPairKey } from "./live-lock";
import { type StartResult, startReplication as startUnlocked } from "./live-start";
import { applyErrors, applyFailure, type CutoverResult, halfSwitch, otherSubscriptions, stoppedSwitch, switchOver, upstreamProblem } from "./live-switch";
import { type PgConnection, quoteIdent, quoteLiteral } from "./pg";

export { type LiveOptions, type LivePair, livePair, type SwitchStep, subscriptionConninfo } from "./live-sql";
export { type StartResult, sourceProblems } from "./live-start";
export type { CutoverResult } from "./live-switch";

/** Each action that changes a server holds the pair's lock on both for its whole run (live-lock.ts). */
export const startReplication = (o: LiveOptions): Promise<StartResult> => locked(o, "start", startUnlocked);
export const cutover = (o: LiveOptions): Promise<CutoverResult> => locked(o, "cutover", (x) => switchOver(x, "forward"));
export const rollback = (o: LiveOptions): Promise<CutoverResult> => locked(o, "rollback", (x) => switchOver(x, "back"));
export const finishReplication = (o: LiveOptions): Promise<FinishResult> => locked(o, "finish", finishUnlocked);

export interface ReplicationStatus {
  /** Bytes of the publisher's WAL the subscriber has not confirmed. */
  lagBytes: number;
  /** Bytes of WAL the slot keeps on the publisher (from its restart_lsn): what a stalled subscriber costs in disk. */
  retainedBytes: number;
  /** A sender streams to the subscriber now. */
  active: boolean;
  /** Tables whose initial copy is done and whose changes stream. */
  tablesStreaming: number;
  tables: number;
  /** When the subscriber last heard from the publisher. */
  lastMessageAt?: string;
  direction: "forward" | "back";
  /** What needs the operator: a stalled subscriber, WAL piling up, a switch stopped half-way. */
  warnings: string[];
  /** A switch stopped half-way and no replication streams yet: the warnings say which command resumes it; the figures above are zero. */
  halfWayOnly?: boolean;
}

/** Above this much WAL kept for a slot, status warns (a day of a busy database's writes; the disk it fills is the publisher's). */
export const RETAINED_WARN_BYTES = 1024 ** 3;

const size = (n: number) => (n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${n} bytes`);

export interface SlotState {
  lag: number;
  retained: number;
  active: boolean;
  walStatus: string;
  keep: string;
}

async function slotState(publisher: PgConnection, slot: string): Promise<SlotState | undefined> {
  const line = await one(
    publisher,
    `SELECT json_build_object('lag', pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint, 'retained', coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint, 0),
  'active', active, 'walStatus', coalesce(wal_status, ''), 'keep', current_setting('max_slot_wal_keep_size')) FROM pg_replication_slots WHERE slot_name = ${quoteLiteral(slot)};`,
    "read the replication slot",
  );
  return line ? (JSON.parse(line) as SlotState) : undefined;
}

/**
 * What status must point out about one slot: a subscriber that does not stream, WAL piling up, WAL lost; `failing`:
 * why its subscriber does not apply (applyFailure), when it has failed to apply and is not caught up.
 */
export function slotWarnings(slot: SlotState, name: string, publisher: PgConnection, subscriber: PgConnection, failing?: string): string[] {
  const w: string[] = [];
  const keep = slot.keep === "-1" ? "max_slot_wal_keep_size is -1 (no limit) there" : `max_slot_wal_keep_size is ${slot.keep} there`;
  if (!slot.active)
    w.push(`no subscriber streams from the slot ${name} on ${publisher.display} (${failing ?? `the subscription on ${subscriber.display} is disabled or cannot connect: see its server log`}): the slot keeps every byte of WAL written since, ${size(slot.retained)} now; ${keep}`);
  else if (failing) w.push(`${failing}; the slot ${name} keeps every byte of WAL on ${publisher.display} from the change that fails, ${size(slot.retained)} now; ${keep}`);
  else if (slot.retained > RETAINED_WARN_BYTES) w.push(`the slot ${name} keeps ${size(slot.retained)} of WAL on ${publisher.display} until ${subscriber.display} confirms it; ${keep}`);
  if (slot.walStatus === "unreserved" || slot.walStatus === "lost")
    w.push(`the slot ${name} on ${publisher.display} is ${slot.walStatus}: WAL its subscriber still needs ${slot.walStatus === "lost" ? "was removed; replication cannot go on: finish, then start again" : "is about to be removed (max_slot_wal_keep_size)"}`);
  return w;
}

/** The source (the primary before cutover, the old primary after it) subscribing to another database: cutover refuses it, and after cutover its writes stay there. */
async function upstreamWarnings(p: LivePair, direction: "forward" | "back"): Promise<string[]> {
  const subs = await otherSubscriptions(p.src, p);
  const then = direction === "forward" ? "cutover refuses until then" : "what it writes there now is not on the new primary";
  return subs.length ? [`${upstreamProblem(p.src, subs)}; ${then}`] : [];
}

/** Where replication stands: forward before cutover, back after it; a switch that stopped half-way is named with the command that resumes it. */
export async function replicationStatus(given: LiveOptions): Promise<ReplicationStatus> {
  const o = await withPairKey(given);
  const p = livePair(o);
  const half = await halfSwitch(o);
  const stopped = await stoppedSwitch(o);
  const halfWarning = [...(half ? [half.describe] : []), ...(stopped ? [stopped.describe] : [])];
  for (const [direction, publisher, subscriber, name] of [
    ["back", p.dst, p.src, p.back],
    ["forward", p.src, p.dst, p.forward],
  ] as const) {
    const slot = await slotState(publisher, name);
    if (slot === undefined) continue;
    const r = await one(
      subscriber,
      `SELECT json_build_object('tables', count(r.*), 'ready', count(r.*) FILTER (WHERE r.srsubstate = 'r'), 'last', (SELECT max(latest_end_time) FROM pg_stat_subscription t WHERE t.subid = s.oid)) FROM pg_subscription s LEFT JOIN pg_subscription_rel r ON r.srsubid = s.oid WHERE s.subname = ${quoteLiteral(name)} GROUP BY s.oid;`,
      "read the subscription",
    );
    const s = JSON.parse(r || '{"tables":0,"ready":0}') as { tables: number; ready: number; last?: string | null };
    // Errors counted once stay counted: they say the subscription fails only while it is not caught up.
    const errors = await applyErrors(subscriber, name);
    const failing = errors > 0 && (!slot.active || slot.lag > 0) ? applyFailure(errors, direction === "back", subscriber) : undefined;
    return {
      lagBytes: slot.lag,
      retainedBytes: slot.retained,
      active: slot.active,
      tablesStreaming: s.ready,
      tables: s.tables,
      ...(s.last ? { lastMessageAt: s.last } : {}),
      direction,
      warnings: [...halfWarning, ...slotWarnings(slot, name, publisher, subscriber, failing), ...(direction === "back" ? await wayBackFunctionWarnings(subscriber, o.trustFunctionsOf ?? []) : await applyingFunctionWarnings(subscriber, o.trustFunctionsOf ?? [])), ...(await upstreamWarnings(p, direction))],
    };
  }
  if (half) return { lagBytes: 0, retainedBytes: 0, active: false, tablesStreaming: 0, tables: 0, direction: half.direction, warnings: halfWarning, halfWayOnly: true };
  throw new MigrationError("database", `no replication between ${p.src.display} and ${p.dst.display}: start it with freehold replicate start`, []);
}

export interface FinishResult {
  /** What was dropped, side by side. */
  dropped: string[];
}

/**
 * End replication in both directions and drop what replication created (and
 * only that: the subscriptions, slots and publications named for this pair).
 * Writes stay as they are: the side that was stopped stays read-only for the
 * application. Refused while a switch is half-way: both sides would stay read-only.
 */
async function finishUnlocked(o: LiveOptions): Promise<FinishResult> {
  const p = livePair(o);
  const half = await halfSwitch(o);
  if (half) throw new MigrationError("database", `refusing to finish: ${half.describe}, then finish`, []);
  const stopped = await stoppedSwitch(o);
  if (stopped) throw new MigrationError("database", `refusing to finish: ${stopped.describe}; then finish`, []);
  const dropped: string[] = [];
  for (const [subscriber, publisher] of [
    [p.dst, p.src],
    [p.src, p.dst],
  ] as const) {
    for (const name of [p.forward, p.back]) {
      dropped.push(...(await dropSubscription(subscriber, publisher, name)));
      const pub = await one(publisher, `SELECT count(*) FROM pg_publication WHERE pubname = ${quoteLiteral(name)};`, "find the publications");
      if (pub === "1") {
        await sql(publisher, `${WRITABLE}\nDROP PUBLICATION ${quoteIdent(name)};`, "drop the publication");
        dropped.push(`publication ${name} on ${publisher.display}`);
      }
    }
  }
  if (dropped.length === 0) await refuseOtherPairs(p);
  return { dropped };
}

/** Replication objects of other freehold pairs on these two servers (another database, URLs of a pair started by an older freehold). */
async function otherPairs(conn: PgConnection, p: LivePair): Promise<string[]> {
  const ours = `(${[p.forward, p.back].map(quoteLiteral).join(", ")})`;
  const r = await sql(
    conn,
    `SELECT 'publication ' || pubname || ' (database ' || current_database() || ')' FROM pg_publication WHERE pubname ~ '^freehold_(exit|back)_' AND pubname NOT IN ${ours}
UNION ALL SELECT 'subscription ' || s.subname || ' (database ' || d.datname || ')' FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid WHERE s.subname ~ '^freehold_(exit|back)_' AND s.subname NOT IN ${ours}
UNION ALL SELECT 'replication slot ' || slot_name || ' (database ' || database || ')' FROM pg_replication_slots WHERE slot_name ~ '^freehold_(exit|back)_' AND slot_name NOT IN ${ours} ORDER BY 1;`,
    "look for other replication of freehold",
  );
  return r.lines.map((l) => `${l} on ${conn.display}`);
}

/** finish found nothing of this pair: when the servers hold another pair's replication, say so (its slots keep WAL) rather than "nothing to drop". */
async function refuseOtherPairs(p: LivePair): Promise<void> {
  const found = [...(await otherPairs(p.src, p)), ...(await otherPairs(p.dst, p))];
  if (found.length)
    throw new MigrationError(
      "database",
      `no replication of this pair (${p.src.display} to ${p.dst.display}) was found, but these servers hold ${found.length} object(s) of another freehold replication; its slots keep WAL until it is finished: run finish with the URLs of the databases it replicates (for a pair an earlier version of freehold started, typed as they were then: that version named the pair by its URLs)`,
      found.map((message) => ({ item: "other replication", message })),
    );
}
