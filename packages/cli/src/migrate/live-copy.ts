/**
 * `freehold replicate start`'s wait for the initial copy: bounded, and when it
 * does not end, why (the tables not yet copied, the target's failed attempts).
 */

import { MigrationError } from "./errors";
import { type LiveOptions, type LivePair, one } from "./live-sql";
import { type PgConnection, quoteLiteral } from "./pg";
import { sleep } from "./proc";

/** How long start waits for the initial copy by default (a large database copies for hours; a failing copy retries for ever). */
export const INITIAL_COPY_TIMEOUT_MS = 12 * 3600_000;

interface CopyProgress {
  exists: boolean;
  tables: number;
  ready: number;
  /** Tables whose copy is not done, by name. */
  waiting: string[];
  /** The target's failed attempts at an initial copy (pg_stat_subscription_stats, PostgreSQL 15+). */
  syncErrors: number;
}

async function copyProgress(dst: PgConnection, name: string): Promise<CopyProgress> {
  const n = quoteLiteral(name);
  const line = await one(
    dst,
    `SELECT json_build_object('exists', EXISTS (SELECT 1 FROM pg_subscription WHERE subname = ${n}),
  'tables', (SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid WHERE s.subname = ${n}),
  'ready', (SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid WHERE s.subname = ${n} AND r.srsubstate = 'r'),
  'waiting', (SELECT coalesce(json_agg(r.srrelid::regclass::text ORDER BY 1), '[]') FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid WHERE s.subname = ${n} AND r.srsubstate <> 'r'),
  'syncErrors', coalesce((SELECT sync_error_count FROM pg_stat_subscription_stats WHERE subname = ${n}), 0));`,
    "read the initial copy's progress",
  );
  return JSON.parse(line) as CopyProgress;
}

const AFTER = "freehold replicate finish removes the publication and subscription, and the tables copied to the target stay until you drop them (freehold replicate start --restart drops them and starts again)";

/** Why the copy is not done, in one sentence: what is left and how often the target failed it. */
function stuck(c: CopyProgress, dst: PgConnection): string {
  const left = c.waiting.length ? `not yet copied: ${c.waiting.slice(0, 8).join(", ")}${c.waiting.length > 8 ? ", …" : ""}` : "no table listed yet";
  const failed = c.syncErrors > 0 ? `; ${dst.display} failed the copy ${c.syncErrors} time(s) and retries it: its server log says why (a constraint the source's rows break, a full disk)` : "";
  return `${c.ready} of ${c.tables} tables streaming, ${left}${failed}`;
}

/** Poll until every table is ready ('r'): its initial copy done and its changes streaming; bounded, interruptible, and gone-aware. */
export async function waitForInitialCopy(p: LivePair, o: LiveOptions): Promise<void> {
  const timeout = o.initialCopyTimeoutMs ?? INITIAL_COPY_TIMEOUT_MS;
  const started = Date.now();
  let last = "";
  for (;;) {
    if (o.signal?.aborted) throw new MigrationError("database", `interrupted while the initial copy ran: the servers go on copying and then streaming (freehold replicate status shows how far); ${AFTER}`, []);
    const c = await copyProgress(p.dst, p.forward);
    if (!c.exists) throw new MigrationError("database", `the subscription ${p.forward} is gone from ${p.dst.display} while the initial copy ran (did freehold replicate finish run?)`, []);
    const line = `initial copy: ${c.ready} of ${c.tables} tables streaming${c.syncErrors ? ` (${c.syncErrors} failed attempt(s) on the target)` : ""}`;
    if (line !== last) o.log?.(line);
    last = line;
    if (c.tables > 0 && c.ready === c.tables) return;
    if (Date.now() - started > timeout) throw new MigrationError("database", `the initial copy did not finish within ${timeout / 1000} s: ${stuck(c, p.dst)}; ${AFTER}`, []);
    await sleep(200);
  }
}
