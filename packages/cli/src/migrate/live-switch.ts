/**
 * The switch of a live exit, either way (cutover: source → target; rollback:
 * target → source), and its resumption when it stopped half-way (killed, or
 * a network drop) after the replication that caught up was ended.
 */

import { SourceSnapshot } from "./dump";
import { applyingFunctionWarnings, sourceFunctions, untrustedFunctionProblems } from "./live-code";
import { MigrationError, type MigrationProblem, MigrationToolError } from "./errors";
import { newFingerprintKey, textMode } from "./fingerprint";
import { connectSubscription, conninfoSql, type LiveOptions, type LivePair, livePair, one, prepareSubscription, type Subscription, secretLoggingWarnings, secretStatement, SUBSCRIBER_CONNECT_MS, shownUrl, sql, THIS_DB, userTables, WRITABLE } from "./live-sql";
import { allowWrites, allowWritesCommand, copySequences, READ_ONLY_DEFAULT, refuseUnreadableSequences, refuseWriteStopBlockers, stopWrites } from "./live-writes";
import { compareSequences, databaseProblems, type TableEntry } from "./manifest";
import { type PgConnection, quoteIdent, quoteLiteral, serverInfo } from "./pg";
import { sleep } from "./proc";
import { compareSchemas, sameMajor } from "./schema";
import { compareSnapshotTables, describeDatabase } from "./verify";

export type Direction = "forward" | "back";

export interface CutoverResult {
  /** From the moment writes stopped on the old side to the moment they were allowed on the new one (this run's part, when it resumed a switch). */
  writeDowntimeMs: number;
  catchUpMs: number;
  /** Fingerprinting every table in the snapshots taken at the switch: after writes resumed, so not part of the downtime. */
  verifyMs: number;
  sequences: number;
  tables: number;
  rows: number;
  /** The way back, streaming from the new primary to the old one. */
  back: string;
  /** This run completed a switch an earlier run left half-way. */
  resumed?: boolean;
  /** False when the switch had already allowed writes when it was resumed: its tables were not verified (they change now). */
  verified: boolean;
  /** Nothing was switched: a switch the other way had been interrupted after stopping writes, and writes were allowed again on this side. */
  writesGivenBack?: string;
}

/** Both sides of one switch, as seen from its direction. */
interface Sides {
  p: LivePair;
  direction: Direction;
  oldPrimary: PgConnection;
  newPrimary: PgConnection;
  /** The replication that runs towards the new primary (publication on the old one, subscription on the new). */
  name: string;
  /** The way back (publication on the new primary, subscription on the old). */
  reverse: string;
  wayBack: Subscription;
  /** The command that makes (or resumes) this switch. */
  command: string;
}

function sides(o: LiveOptions, direction: Direction): Sides {
  const p = livePair(o);
  const [oldPrimary, newPrimary, name, reverse] = direction === "forward" ? [p.src, p.dst, p.forward, p.back] : [p.dst, p.src, p.back, p.forward];
  const publisherUrl = direction === "forward" ? (o.targetFromSource ?? o.to) : (o.sourceFromTarget ?? o.from);
  const password = (direction === "forward" ? o.toPassword : o.fromPassword) ?? newPrimary.env.PGPASSWORD;
  return { p, direction, oldPrimary, newPrimary, name, reverse, wayBack: { subscriber: oldPrimary, publisher: newPrimary, name: reverse, publisherUrl, password }, command: `freehold replicate ${direction === "forward" ? "cutover" : "rollback"}` };
}

/** What the two servers hold of this pair's replication: the markers a half-done switch is recognised by. */
interface SideState {
  pubs: string[];
  subs: string[];
  slots: string[];
  /** The database's own default makes every session read-only (writes stopped by a switch). */
  readOnly: boolean;
  /** This side's publications of the pair that carry the mark of a switch begun away from them (switchMark). */
  marked: string[];
}

/**
 * Which way a switch goes is recorded, not inferred: before a switch stops writes on its old primary, it writes this
 * comment on the publication it switches away from (COMMENT ON PUBLICATION, the old primary's own catalog). The
 * servers' other markers cannot tell the two ways apart once a switch is under way: after a cutover the old primary
 * is read-only by design, and a rollback prepares the forward publication and subscription (the way back it will
 * start) before it stops writes on the target, so a rollback stopped there looks, by publications, subscriptions and
 * read-only defaults alone, exactly like a cutover stopped on the source. The publication is the right place for the
 * mark: it lives exactly as long as the switch can be resumed (the switch drops it last, when complete), each
 * publication is only ever switched away from in one direction (freehold_exit_ by cutover, freehold_back_ by
 * rollback), a publication made as a prepared way back never carries it, and a comment is read by every role and
 * needs no table of ours in the user's database. A mark left by a switch that was abandoned (writes allowed again)
 * stays until the next switch rewrites it or the publication goes; it is only read together with a read-only old
 * primary. A pair whose switch was run by an earlier freehold carries no mark anywhere and is read as before.
 */
function switchMark(direction: Direction, at: string): string {
  return `${MARK_PREFIX(direction)}(begun ${at}); writes stop here until it completes`;
}

/** What every mark of a direction begins with (what status reads). */
const MARK_PREFIX = (direction: Direction) => `freehold replicate ${direction === "forward" ? "cutover" : "rollback"} switches away from this publication `;

/** Write the mark of a switch on the publication it switches away from (before it stops writes there). */
async function markSwitch(s: Sides): Promise<void> {
  await sql(s.oldPrimary, `${WRITABLE}\nCOMMENT ON PUBLICATION ${quoteIdent(s.name)} IS ${quoteLiteral(switchMark(s.direction, new Date().toISOString()))};`, "record the switch on its publication");
}

async function sideState(conn: PgConnection, p: LivePair): Promise<SideState> {
  const names = `(${quoteLiteral(p.forward)}, ${quoteLiteral(p.back)})`;
  const line = await one(
    conn,
    `SELECT json_build_object(
  'pubs', (SELECT coalesce(json_agg(pubname), '[]') FROM pg_publication WHERE pubname IN ${names}),
  'subs', (SELECT coalesce(json_agg(subname), '[]') FROM pg_subscription WHERE subdbid = ${THIS_DB} AND subname IN ${names}),
  'slots', (SELECT coalesce(json_agg(slot_name), '[]') FROM pg_replication_slots WHERE slot_name IN ${names}),
  'readOnly', EXISTS (SELECT 1 FROM pg_db_role_setting WHERE setrole = 0 AND setdatabase = ${THIS_DB} AND 'default_transaction_read_only=on' = ANY (setconfig)),
  'marked', (SELECT coalesce(json_agg(pubname), '[]') FROM pg_publication WHERE (pubname = ${quoteLiteral(p.forward)} AND starts_with(coalesce(obj_description(oid, 'pg_publication'), ''), ${quoteLiteral(MARK_PREFIX("forward"))}))
    OR (pubname = ${quoteLiteral(p.back)} AND starts_with(coalesce(obj_description(oid, 'pg_publication'), ''), ${quoteLiteral(MARK_PREFIX("back"))}))));`,
    "read the replication's state",
  );
  return JSON.parse(line) as SideState;
}

/**
 * A switch that stopped after the replication that caught up was ended: its publication is still on the old primary,
 * its subscription is gone from the new one, the way back is published on the new one, and the old primary's writes
 * are stopped. `writesAllowed`: the new primary already takes writes (only the publication's drop is left).
 * Nothing else leaves these four together: before the switch the subscription is there; after it the publication is gone.
 */
export interface HalfSwitch {
  direction: Direction;
  /** The way back's slot exists on the new primary (its subscription connected, or about to). */
  wayBack: boolean;
  writesAllowed: boolean;
  command: string;
  /** One sentence for status and errors. */
  describe: string;
}

/** One direction's sides and both servers' state as seen from it; `marked`: its publication carries the switch's mark. */
interface Seen {
  s: Sides;
  old: SideState;
  neu: SideState;
  marked: boolean;
}

/**
 * The direction whose markers `fits`. When any of the pair's publications carries a switch's mark (switchMark), the
 * marked direction: a rollback stopped after a cutover is never taken for a cutover. `strict`: then a direction whose
 * publication is unmarked is never taken (what fits it is a prepared way back, not a switch under way). With no mark
 * anywhere (a switch an earlier freehold ran), the first direction that fits, forward first, as before.
 */
async function switchUnderWay(o: LiveOptions, fits: (x: Seen) => boolean, strict: boolean): Promise<Seen | undefined> {
  const p = livePair(o);
  const [src, dst] = await Promise.all([sideState(p.src, p), sideState(p.dst, p)]);
  const seen = (["forward", "back"] as const).map((direction): Seen => {
    const s = sides(o, direction);
    const [old, neu] = direction === "forward" ? [src, dst] : [dst, src];
    return { s, old, neu, marked: old.marked.includes(s.name) };
  });
  const found = seen.filter(fits);
  if (src.marked.length + dst.marked.length === 0) return found[0];
  return found.find((x) => x.marked) ?? (strict ? undefined : found[0]);
}

export async function halfSwitch(o: LiveOptions): Promise<HalfSwitch | undefined> {
  const under = await switchUnderWay(o, ({ s, old, neu }) => old.pubs.includes(s.name) && !neu.subs.includes(s.name) && neu.pubs.includes(s.reverse) && old.readOnly, false);
  if (under) {
    const { s, neu } = under;
    const direction = s.direction;
    // The way back's subscription is prepared before writes stop; it is connected once its slot is on the new primary.
    const wayBack = neu.slots.includes(s.reverse);
    const what = direction === "forward" ? "cutover" : "rollback";
    const left = neu.readOnly
      ? `the replication to ${s.newPrimary.display} ended after it caught up, the way back is ${wayBack ? "subscribed" : "not yet subscribed"}, and writes are stopped on both sides`
      : `writes are allowed on ${s.newPrimary.display}; only the drop of the publication ${s.name} on ${s.oldPrimary.display} is left`;
    return { direction, wayBack, writesAllowed: !neu.readOnly, command: s.command, describe: `a ${what} stopped half-way: ${left}. No write is lost (${s.oldPrimary.display} refuses writes); ${s.command} resumes it` };
  }
  return undefined;
}

/**
 * Writes stopped on a switch's old primary while the replication towards the new one still runs: a switch killed
 * between stopping writes and ending that replication (nothing was switched). Both ways out are named.
 */
export async function stoppedSwitch(o: LiveOptions): Promise<{ direction: Direction; oldPrimary: PgConnection; describe: string } | undefined> {
  // A switch half-way has the other direction's subscription prepared and its old primary read-only too: it is that, not this.
  if (await halfSwitch(o)) return undefined;
  const under = await switchUnderWay(o, ({ s, old, neu }) => old.pubs.includes(s.name) && neu.subs.includes(s.name) && old.readOnly, true);
  if (under) {
    const { s } = under;
    const direction = s.direction;
    const undo = direction === "forward" ? "freehold replicate rollback" : "freehold replicate cutover";
    const describe = `writes are stopped on ${s.oldPrimary.display} (it is read-only for the application) by a ${direction === "forward" ? "cutover" : "rollback"} that was interrupted before it switched anything; replication to ${s.newPrimary.display} still runs: ${s.command} resumes the switch, ${undo} gives writes back to ${s.oldPrimary.display} and keeps replication running`;
    return { direction, oldPrimary: s.oldPrimary, describe };
  }
  return undefined;
}

/** Refuse a switch whose two sides' schemas differ (logical replication carries no DDL): before writes stop, so refusing costs no downtime. */
async function refuseSchemaDrift(oldPrimary: PgConnection, newPrimary: PgConnection): Promise<void> {
  const [a, b, ai, bi] = await Promise.all([describeDatabase(oldPrimary), describeDatabase(newPrimary), serverInfo(oldPrimary), serverInfo(newPrimary)]);
  const drift = compareSchemas(a.schema, b.schema, { definitions: sameMajor(ai.versionNum, bi.versionNum) });
  if (drift.length)
    throw new MigrationError("database", `refusing to switch over: the schemas differ (replication carries no schema change; apply each change on ${newPrimary.display} too); writes were not stopped`, drift);
}

/** How long a switch waits, writes stopped, for the new primary to catch up (and for the way back's slot). */
const CATCH_UP_TIMEOUT_MS = 60_000;

/** Wait until the subscriber confirmed every byte of the publisher's WAL written up to now; the time it took. */
async function catchUp(publisher: PgConnection, slot: string, o: LiveOptions): Promise<number> {
  const started = Date.now();
  const lsn = await one(publisher, "SELECT pg_current_wal_lsn();", "read the WAL position");
  const timeout = o.catchUpTimeoutMs ?? CATCH_UP_TIMEOUT_MS;
  for (;;) {
    const behind = await one(publisher, `SELECT pg_wal_lsn_diff(${quoteLiteral(lsn)}::pg_lsn, confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ${quoteLiteral(slot)};`, "read the replication slot");
    if (behind === "") throw new MigrationError("database", `the replication slot ${slot} is gone from ${publisher.display}`, []);
    if (Number(behind) <= 0) return Date.now() - started;
    // Writes are stopped while this waits: an interruption must end the wait at once (the caller allows writes again), not at the timeout.
    if (o.signal?.aborted)
      throw new MigrationError("database", `interrupted while ${publisher.role === "source" ? "the target" : "the source"} caught up (${behind} bytes behind): switch-over abandoned, writes allowed again on ${publisher.display}, replication still runs`, []);
    if (Date.now() - started > timeout) throw new MigrationError("database", `the ${publisher.role === "source" ? "target" : "source"} did not catch up within ${timeout / 1000} s (${behind} bytes behind)`, []);
    await sleep(20);
  }
}

interface Snapshots {
  old: SourceSnapshot;
  neu: SourceSnapshot;
  problems: MigrationProblem[];
}

/**
 * Both sides read in snapshots taken while writes are stopped and the two are
 * equal: schema and sequences compared at once (cheap), tables fingerprinted
 * later in the same snapshots, after writes resume, so the write downtime does
 * not grow with the data.
 */
async function snapshotsAtSwitch(oldPrimary: PgConnection, newPrimary: PgConnection, signal?: AbortSignal): Promise<Snapshots> {
  // The fingerprint's key drawn at the switch, for this comparison only (fingerprint.ts).
  const key = newFingerprintKey();
  const [old, neu] = await SourceSnapshot.openPair(oldPrimary, newPrimary, key, signal);
  const problems = [
    ...compareSchemas(old.schema, neu.schema, { definitions: sameMajor(old.server.versionNum, neu.server.versionNum) }),
    ...databaseProblems([], compareSequences(old.sequences, neu.sequences)),
  ];
  return { old, neu, problems };
}

/** Every table of the two snapshots fingerprinted and compared; the snapshots closed. */
async function verifySnapshots(old: SourceSnapshot, neu: SourceSnapshot): Promise<{ entries: TableEntry[]; problems: MigrationProblem[] }> {
  try {
    const { tables: entries } = await compareSnapshotTables(old, neu, textMode(old.server.encoding, neu.server.encoding));
    await Promise.all([old.close(), neu.close()]);
    return { entries, problems: databaseProblems(entries, []) };
  } finally {
    old.kill();
    neu.kill();
  }
}

/** The new primary's tables published for the way back (kept if it exists: a switch retried after an abandoned one). */
export async function publishWayBack(publisher: PgConnection, name: string): Promise<void> {
  // Checked here, then a top-level statement: table names inside a dollar-quoted block could end it (a table named "a$$b"). The pair's lock keeps another run from racing this.
  if ((await one(publisher, `SELECT count(*) FROM pg_publication WHERE pubname = ${quoteLiteral(name)};`, "find the way back's publication")) !== "0") return;
  const tables = await userTables(publisher);
  await sql(publisher, `${WRITABLE}\nCREATE PUBLICATION ${quoteIdent(name)} FOR TABLE ${tables.join(", ")};`, "publish the tables for the way back");
}

/**
 * The old primary connects to the new one's way-back publication once, before writes stop: a side that cannot reach the
 * other (a firewall, a private address without --target-from-source, a wrong password) is found while refusing still
 * costs nothing, not after the replication that caught up was ended. The probe has no slot and is dropped at once; it
 * carries the password, so it runs as a secretStatement (the password in no statement's text other sessions see in
 * pg_stat_activity, never in the server's log, even when it fails), bounded (SUBSCRIBER_CONNECT_MS) and cancelled on
 * the server when interrupted: left waiting there, it would hold a transaction that every logical slot made on that
 * server waits for, and the lock every later subscription's creation there waits for.
 */
async function probeWayBack(s: Sides, o: LiveOptions): Promise<void> {
  const probe = `freehold_probe_${s.p.key}`;
  const { subscriber, publisherUrl, password, name } = s.wayBack;
  await sql(subscriber, `${WRITABLE}\nDROP SUBSCRIPTION IF EXISTS ${quoteIdent(probe)};`, "check the way back");
  const create = `format('CREATE SUBSCRIPTION %I CONNECTION %L PUBLICATION %I WITH (connect = true, enabled = false, create_slot = false, slot_name = NONE, copy_data = false)', ${quoteLiteral(probe)}, ${conninfoSql(publisherUrl, password !== undefined)}, ${quoteLiteral(name)})`;
  const bound = o.connectTimeoutMs ?? SUBSCRIBER_CONNECT_MS;
  const failed = await secretStatement(subscriber, create, password, "check the way back", { timeoutMs: bound, ...(o.signal ? { signal: o.signal } : {}) });
  await sql(subscriber, `${WRITABLE}\nDROP SUBSCRIPTION IF EXISTS ${quoteIdent(probe)};`, "check the way back");
  if (failed) {
    const flag = s.direction === "forward" ? "--target-from-source" : "--source-from-target";
    const why = /statement timeout/.test(failed) ? `no answer within ${bound / 1000} s: a firewall that drops the packets?` : failed;
    throw new MigrationError(
      "database",
      `refusing to switch over: ${subscriber.display} cannot reach ${shownUrl(publisherUrl)} for the way back (${why}); give the address it reaches it by with ${flag} and open the network path; writes were not stopped and replication still runs`,
      [],
    );
  }
}

/**
 * The way back applies the new primary's rows on the old one as its subscription's owner, the old primary's
 * administrator (PostgreSQL 15), running whatever functions the old primary's tables call per row: refused, as start
 * refuses the source's, unless their owner is trusted (the login, a superuser, or --trust-functions-of). The old
 * primary's schema may have changed since start (a role that owns a function may replace its body at any time).
 */
async function refuseUntrustedWayBack(s: Sides, o: LiveOptions): Promise<void> {
  const problems = untrustedFunctionProblems(await sourceFunctions(s.oldPrimary, o.trustFunctionsOf ?? []), s.oldPrimary.display);
  if (problems.length)
    throw new MigrationError(
      "database",
      `refusing to switch over: ${problems.length} function(s) on ${s.oldPrimary.display} would run with its administrator's rights as the way back applies rows there; writes were not stopped and replication still runs`,
      problems.map((message) => ({ item: s.oldPrimary.display, message })),
    );
}

/**
 * The subscriptions of a database other than this pair's own, enabled: an upstream that writes into it (a regional
 * feed, a vendor's, an earlier migration). Its apply worker ignores the read-only default a switch sets, so after the
 * switch it goes on writing into the old primary, and none of it reaches the new one.
 */
export async function otherSubscriptions(conn: PgConnection, p: LivePair): Promise<string[]> {
  const line = await one(
    conn,
    `SELECT coalesce(string_agg(quote_ident(subname), ', ' ORDER BY subname), '') FROM pg_subscription WHERE subdbid = ${THIS_DB} AND subenabled AND subname NOT IN (${quoteLiteral(p.forward)}, ${quoteLiteral(p.back)});`,
    "list the database's subscriptions",
  );
  return line ? line.split(", ") : [];
}

/** What an upstream subscription of `conn` means for a switch that makes `conn` the old primary. */
export function upstreamProblem(conn: PgConnection, subs: string[]): string {
  return `${conn.display} subscribes to another database (subscription ${subs.join(", ")}): its writes go on arriving there after a switch, where they never reach the other side, and a row it writes later can stop the way back; disable it there (ALTER SUBSCRIPTION ... DISABLE) and subscribe the other side to that publication instead`;
}

async function refuseUpstream(s: Sides): Promise<void> {
  const subs = await otherSubscriptions(s.oldPrimary, s.p);
  if (subs.length)
    throw new MigrationError("database", "refusing to switch over: writes would go on arriving on the old primary; writes were not stopped and replication still runs", [
      { item: s.oldPrimary.display, message: upstreamProblem(s.oldPrimary, subs) },
    ]);
}

/** Everything checked while refusing still costs nothing: no write is stopped before these pass. */
async function beforeStop(s: Sides, o: LiveOptions): Promise<void> {
  for (const w of await secretLoggingWarnings(s.oldPrimary)) o.log?.(`warning: ${w}`);
  // Until the switch ends it, the replication into the new primary applies rows there as its administrator (15).
  for (const w of await applyingFunctionWarnings(s.newPrimary, o.trustFunctionsOf ?? [])) o.log?.(`warning: ${w}`);
  await refuseSchemaDrift(s.oldPrimary, s.newPrimary);
  await refuseUntrustedWayBack(s, o);
  await refuseUpstream(s);
  await refuseUnreadableSequences(s.oldPrimary);
  await refuseWriteStopBlockers(s.oldPrimary, false);
  // The way back's publication is made before writes stop: it costs nothing until subscribed.
  await publishWayBack(s.newPrimary, s.reverse);
  await probeWayBack(s, o);
  // The way back's subscription too, disabled and without a slot: only its slot and its tables are left for the switch.
  await prepareSubscription(s.wayBack, "prepare the way back");
  // Last before writes stop: which way this switch goes, for status and a resumed run to read (switchMark).
  await markSwitch(s);
}

/**
 * Writes stopped on the old primary, then, until the two sides are equal and compared: nothing stopped writes
 * anywhere else, so any failure allows writes on the old primary again (replication still running). When that too
 * fails, the first failure is kept and the operator told the old primary is still read-only and how to undo it.
 */
async function stopAndCatchUp(s: Sides, o: LiveOptions): Promise<{ stopped: number; catchUpMs: number; sequences: number; snaps: Snapshots }> {
  const stopped = Date.now();
  let snaps: Snapshots | undefined;
  try {
    await stopWrites(s.oldPrimary, s.p.key);
    o.log?.(`writes stopped on ${s.oldPrimary.display}`);
    await o.afterStep?.("writes stopped");
    await refuseWriteStopBlockers(s.oldPrimary, true);
    const catchUpMs = await catchUp(s.oldPrimary, s.name, o);
    o.log?.(`${s.newPrimary.display} caught up in ${catchUpMs} ms`);
    const sequences = await copySequences(s.oldPrimary, s.newPrimary);
    snaps = await snapshotsAtSwitch(s.oldPrimary, s.newPrimary, o.signal);
    if (snaps.problems.length) throw new MigrationError("database", `switch-over abandoned: ${snaps.problems.length} difference(s) at the switch`, snaps.problems);
    return { stopped, catchUpMs, sequences, snaps };
  } catch (e) {
    snaps?.old.kill();
    snaps?.neu.kill();
    throw await abandoned(s, e, o);
  }
}

/** The error of an abandoned switch, once writes were allowed again on the old primary (or with the command that does it, when that failed too). */
async function abandoned(s: Sides, e: unknown, o: LiveOptions): Promise<unknown> {
  try {
    await allowWrites(s.oldPrimary);
    o.log?.(`switch-over abandoned: writes allowed again on ${s.oldPrimary.display}, replication to ${s.newPrimary.display} still runs`);
    return e;
  } catch (again) {
    const why = again instanceof MigrationToolError ? again.report() : String(again);
    const still = `; writes could NOT be allowed again: ${s.oldPrimary.display} still refuses the application's writes (replication to ${s.newPrimary.display} still runs). Allow them with: ${allowWritesCommand(s.oldPrimary)}`;
    const problem = { item: "allowing writes again", message: why.replace(/\n\s*/g, " ") };
    if (e instanceof MigrationError) return new MigrationError(e.kind, `${e.summary}${still}`, [...e.problems, problem]);
    const first = e instanceof MigrationToolError ? e.report() : e instanceof Error ? e.message : String(e);
    return new MigrationError("database", `switch-over abandoned: ${first.replace(/\n\s*/g, " ")}${still}`, [problem]);
  }
}


/**
 * After the replication that caught up was ended: the way back subscribed, writes allowed on the new primary, the
 * old publication dropped. Each step is skipped when done, so a resumed switch runs the same code. A failure here
 * leaves both sides read-only and says which command resumes the switch.
 */
async function completeSwitch(s: Sides, o: LiveOptions, step: "way back" | "resumed way back" | "drop"): Promise<void> {
  try {
    if (step !== "drop") {
      await o.afterStep?.("replication ended");
      if (step === "resumed way back") await prepareSubscription(s.wayBack, "prepare the way back");
      await connectSubscription(s.wayBack, false, "subscribe the old primary to the new one (the way back)", { slotTimeoutMs: o.catchUpTimeoutMs ?? CATCH_UP_TIMEOUT_MS });
      await o.afterStep?.("way back subscribed");
      await allowWrites(s.newPrimary);
    }
    await sql(s.oldPrimary, `${WRITABLE}\nDROP PUBLICATION IF EXISTS ${quoteIdent(s.name)};`, "drop the publication that was replicated");
  } catch (e) {
    const half = await halfSwitch(o).catch(() => undefined);
    const cause = e instanceof MigrationError ? e.message : e instanceof MigrationToolError ? e.report() : String(e);
    throw new MigrationError(
      "database",
      `the switch stopped half-way: ${half?.describe ?? `the replication to ${s.newPrimary.display} ended after it caught up; ${s.command} resumes the switch`}`,
      [{ item: "the failed step", message: cause.replace(/\n\s*/g, " ") }],
    );
  }
}

function unverified(s: Sides, problems: MigrationProblem[]): MigrationError {
  return new MigrationError(
    "database",
    `switched over, but NOT verified: ${problems.length} table(s) differ as of the switch. The way back (${s.reverse}) streams every write made since: freehold replicate ${s.direction === "forward" ? "rollback" : "cutover"} returns to ${s.oldPrimary.display} without losing one`,
    problems,
  );
}

/** Fingerprint every table in the two snapshots and turn the result into the switch's. */
async function verifiedResult(s: Sides, snaps: Snapshots, r: Omit<CutoverResult, "verifyMs" | "tables" | "rows" | "back" | "verified">): Promise<CutoverResult> {
  const verifyStarted = Date.now();
  const v = await verifySnapshots(snaps.old, snaps.neu);
  if (v.problems.length) throw unverified(s, v.problems);
  return { ...r, verifyMs: Date.now() - verifyStarted, tables: v.entries.length, rows: v.entries.reduce((n, t) => n + t.sourceRows, 0), back: s.reverse, verified: true };
}

/**
 * Switch from one side to the other: refuse what would cost downtime for nothing (schema drift, unreadable
 * sequences, what would write after writes stop, an unreachable way back); stop writes on the old primary; wait
 * for the new one to confirm every change; copy sequences; take a snapshot of each side and compare their schemas
 * and sequences (on a difference, allow writes on the old primary again, replication still running); end the
 * replication that caught up, start the way back and allow writes on the new primary. Then every table is
 * fingerprinted in the two snapshots: equal, or the switch is reported as unverified, with the way back streaming
 * so a rollback loses nothing. A switch that stopped half-way is resumed where it stopped.
 */
export async function switchOver(o: LiveOptions, direction: Direction): Promise<CutoverResult> {
  const s = sides(o, direction);
  const interrupted = await stoppedSwitch(o);
  if (interrupted && interrupted.direction !== direction) {
    await allowWrites(interrupted.oldPrimary);
    o.log?.(`writes allowed again on ${interrupted.oldPrimary.display}: the interrupted switch is undone`);
    return { writeDowntimeMs: 0, catchUpMs: 0, verifyMs: 0, sequences: 0, tables: 0, rows: 0, back: "", verified: false, writesGivenBack: interrupted.oldPrimary.display };
  }
  const lag = await one(s.oldPrimary, `SELECT count(*) FROM pg_replication_slots WHERE slot_name = ${quoteLiteral(s.name)};`, "read the replication slot");
  if (lag === "0") return resumeSwitch(s, o);
  await beforeStop(s, o);
  const { stopped, catchUpMs, sequences, snaps } = await stopAndCatchUp(s, o);
  try {
    // The new primary held read-only until the switch allows its writes (a switch that stops half-way is recognised by it), then the
    // subscription dropped, and its slot on the old primary with it: before the way back starts, or changes would loop. One session.
    await sql(s.newPrimary, `${WRITABLE}\n${READ_ONLY_DEFAULT}\nDROP SUBSCRIPTION ${quoteIdent(s.name)};`, "end the replication that caught up");
  } catch (e) {
    snaps.old.kill();
    snaps.neu.kill();
    throw await abandoned(s, e, o);
  }
  await completeSwitch(s, o, "way back").catch((e: unknown) => {
    snaps.old.kill();
    snaps.neu.kill();
    throw e;
  });
  const writeDowntimeMs = Date.now() - stopped;
  o.log?.(`writes allowed on ${s.newPrimary.display}: ${writeDowntimeMs} ms without writes; verifying every table as of the switch`);
  return verifiedResult(s, snaps, { writeDowntimeMs, catchUpMs, sequences });
}

/**
 * A switch an earlier run left half-way (halfSwitch): both sides are read-only and equal (the replication had caught
 * up and nothing writes), so the sequences are copied again, a snapshot of each compared, and the switch completed;
 * the tables are verified in those snapshots. When the new primary already takes writes, only the drop is left.
 */
async function resumeSwitch(s: Sides, o: LiveOptions): Promise<CutoverResult> {
  const half = await halfSwitch(o);
  const what = s.direction === "forward" ? "from the source to the target" : "back from the target";
  if (!half) throw new MigrationError("database", `no replication ${what} to switch over: ${s.name} is not on ${s.oldPrimary.display}`, []);
  if (half.direction !== s.direction) throw new MigrationError("database", `refusing to ${s.direction === "forward" ? "cut over" : "roll back"}: ${half.describe}`, []);
  o.log?.(`resuming: ${half.describe}`);
  const started = Date.now();
  if (half.writesAllowed) {
    await completeSwitch(s, o, "drop");
    return { writeDowntimeMs: 0, catchUpMs: 0, verifyMs: 0, sequences: 0, tables: 0, rows: 0, back: s.reverse, resumed: true, verified: false };
  }
  const sequences = await copySequences(s.oldPrimary, s.newPrimary);
  const snaps = await snapshotsAtSwitch(s.oldPrimary, s.newPrimary, o.signal);
  if (snaps.problems.length) {
    snaps.old.kill();
    snaps.neu.kill();
    throw new MigrationError("database", `the switch stays half-way: ${snaps.problems.length} difference(s) between the two sides, both still read-only; ${half.describe}`, snaps.problems);
  }
  await completeSwitch(s, o, "resumed way back").catch((e: unknown) => {
    snaps.old.kill();
    snaps.neu.kill();
    throw e;
  });
  o.log?.(`writes allowed on ${s.newPrimary.display}; verifying every table as of the switch`);
  return verifiedResult(s, snaps, { writeDowntimeMs: Date.now() - started, catchUpMs: 0, sequences, resumed: true });
}
