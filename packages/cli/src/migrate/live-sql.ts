/**
 * The pieces every step of `freehold replicate` shares: the pair of
 * connections and the names of what replication creates, statements pinned to
 * pg_catalog, and subscriptions made without the source's password ever
 * reaching a server log.
 */

import { randomBytes } from "node:crypto";
import { MigrationError, MigrationToolError, type Side } from "./errors";
import { migrationKey, type PgConnection, pgConnection, psql, quoteIdent, quoteLiteral, withPrivateSettings } from "./pg";
import { sleep } from "./proc";

export interface LiveOptions {
  from: string;
  to: string;
  fromPassword?: string;
  toPassword?: string;
  /**
   * The source as the target server reaches it, when that differs from how
   * this host does (a private address): its password is `fromPassword`.
   */
  sourceFromTarget?: string;
  /** The target as the source server reaches it (for the way back). */
  targetFromSource?: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** start: how long to wait for the initial copy (default 12 h). */
  initialCopyTimeoutMs?: number;
  /** cutover/rollback: how long the way back's probe may wait for the other server to answer (default SUBSCRIBER_CONNECT_MS). */
  connectTimeoutMs?: number;
  /** How long to wait for the target to catch up at cutover (default 60 s). */
  catchUpTimeoutMs?: number;
  /** Create the schema on the target as this role (SET ROLE), which then owns every table, as `migrate database --to-role` restores. */
  targetRole?: string;
  /**
   * start: roles of the source whose functions the target may run per row (in a CHECK, a default, an index, a trigger
   * that fires on a subscriber, a domain or type) with the rights of the role that applies the rows; cutover and
   * rollback: the same of the old primary's functions, which the way back runs there; see live-code.ts.
   */
  trustFunctionsOf?: string[];
  /** start: drop what an earlier start of this pair left (only what its marker lists) and start again. */
  restart?: boolean;
  /**
   * Called after each step of a switch and awaited: the tests stand in for a
   * kill or a network drop there. Throwing ends the switch as a failure at that step would.
   */
  afterStep?: (step: SwitchStep) => Promise<void>;
  /** The pair's key, from the two servers' identities (withPairKey); without it, from the URLs as typed. */
  pairKey?: string;
}

/** The steps of a switch after which `afterStep` is called. */
export type SwitchStep = "writes stopped" | "replication ended" | "way back subscribed";

/** Both sides, writable (the source too: a publication is created on it), and the names of what replication creates. */
export interface LivePair {
  src: PgConnection;
  dst: PgConnection;
  key: string;
  /** Source → target: the publication on the source and the subscription (and its slot) on the target. */
  forward: string;
  /** Target → source, created at cutover: the way back. */
  back: string;
}

function writable(url: string, side: Side, password?: string): PgConnection {
  // pgConnection opens a source read-only; replication creates a publication on it, so both sides are opened as targets.
  const c = pgConnection(url, "target", password !== undefined ? { password } : {});
  return { ...c, role: side, env: { ...c.env, PGAPPNAME: `freehold-replicate-${side}` } };
}

export function livePair(o: LiveOptions): LivePair {
  const src = writable(o.from, "source", o.fromPassword);
  const dst = writable(o.to, "target", o.toPassword);
  const key = o.pairKey ?? migrationKey(src, dst);
  return { src, dst, key, forward: `freehold_exit_${key}`, back: `freehold_back_${key}` };
}

/** How long a subscription's server waits for the other to answer a connection, unless its URL says (libpq connect_timeout). */
export const SUBSCRIPTION_CONNECT_TIMEOUT_S = 10;

/** A libpq key=value connection string (with the password when given), for a subscription. */
export function subscriptionConninfo(url: string, password: string | undefined): string {
  const u = new URL(url);
  const q = (v: string) => `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  const parts: string[] = [];
  if (u.hostname) parts.push(`host=${q(decodeURIComponent(u.hostname.replace(/^\[|\]$/g, "")))}`);
  if (u.port) parts.push(`port=${q(u.port)}`);
  const db = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (db) parts.push(`dbname=${q(db)}`);
  if (u.username) parts.push(`user=${q(decodeURIComponent(u.username))}`);
  for (const [k, v] of u.searchParams) if (k !== "password" && k !== "options") parts.push(`${k}=${q(v)}`);
  // A server's connection to the other that accepts TCP but never answers (a half-open firewall) must fail, not wait for ever.
  if (!u.searchParams.has("connect_timeout")) parts.push(`connect_timeout=${q(String(SUBSCRIPTION_CONNECT_TIMEOUT_S))}`);
  if (password !== undefined) parts.push(`password=${q(password)}`);
  return parts.join(" ");
}

/** A URL as messages show it: a password in it replaced by ***. */
export function shownUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

/** PostgreSQL's reason when a subscriber's server could not connect to its publisher, from psql's output; undefined for any other failure. */
export function unreachableReason(e: unknown): string | undefined {
  const output = e instanceof MigrationToolError ? (e.details.output ?? "") : "";
  return /ERROR:\s*(could not connect to the publisher[\s\S]*)/.exec(output)?.[1]?.replace(/\s*\n\s*/g, " ").trim();
}

/**
 * Every statement of ours runs with only pg_catalog (then pg_temp) on the search path: an unqualified format() or
 * count() would otherwise resolve to a closer match planted in a schema of the database (public, or one the owner put
 * first with ALTER DATABASE ... SET search_path), run with the operator's rights, and its result would become SQL.
 */
export const PINNED = "SET search_path = pg_catalog, pg_temp;\n";
export const sql = (conn: PgConnection, text: string, action: string, singleTransaction = false) => psql(conn, PINNED + text, { action, ...(singleTransaction ? { singleTransaction } : {}) });
export const one = async (conn: PgConnection, text: string, action: string): Promise<string> => (await sql(conn, text, action)).lines[0] ?? "";

/** Our own sessions on a side whose writes are stopped (its database's sessions start read-only). */
export const WRITABLE = "SET default_transaction_read_only = off;";

/** The current database's OID, in SQL. */
export const THIS_DB = "(SELECT oid FROM pg_database WHERE datname = current_database())";

/** Tables of the user schemas, quoted, for a publication's list (a list needs only ownership, where FOR ALL TABLES needs a superuser). */
export async function userTables(conn: PgConnection): Promise<string[]> {
  const r = await sql(conn, `SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' ORDER BY 1;`, "list the tables");
  return r.lines;
}

/** The session setting a secret statement's password arrives in (hex), through the session's startup options only. */
const SECRET_SETTING = "freehold.secret";

/**
 * How long a statement that makes the subscriber's server connect to the other may take. PostgreSQL 15's subscriber
 * ignores connect_timeout (it connects asynchronously, and only libpq's blocking connect applies it), so a path that
 * accepts TCP and never answers would hold the statement, its transaction and its locks for ever (measured: a
 * CREATE SUBSCRIPTION with connect_timeout=2 to such a path still waited after 60 s).
 */
export const SUBSCRIBER_CONNECT_MS = (SUBSCRIPTION_CONNECT_TIMEOUT_S + 5) * 1000;

/**
 * SQL, a text expression: the subscription's connection string to `url`, with the password (when `withSecret`) read
 * from the session's secret setting and quoted as subscriptionConninfo quotes it, so that it is in no statement's text.
 */
export function conninfoSql(url: string, withSecret: boolean): string {
  const base = quoteLiteral(subscriptionConninfo(url, undefined));
  if (!withSecret) return base;
  const pw = `convert_from(decode(current_setting('${SECRET_SETTING}'), 'hex'), 'UTF8')`;
  // standard_conforming_strings on: '\' is one backslash. A backslash doubled, a quote escaped, as in subscriptionConninfo.
  return `${base} || ' password=''' || replace(replace(${pw}, '\\', '\\\\'), '''', '\\''') || ''''`;
}

/**
 * Run one statement that carries a secret (a subscription's connection string with its password) so that no other
 * session and no server log sees the secret: the password reaches the session in its startup options (PGOPTIONS, in
 * this process's environment: withPrivateSettings), never in a statement's text, and `statementSql` (a SQL expression
 * that builds the statement, with conninfoSql) runs inside a DO block. pg_stat_activity and `log_statement` show only
 * the DO block's text; its handler catches the statement's error, so `log_min_error_statement` has no failing statement
 * (whose context would quote it) to log. PostgreSQL's message comes back: undefined when the statement succeeded.
 * pgaudit logs the statements a DO block runs, this one too: `secretLoggingWarnings` names it. `timeoutMs` bounds a
 * statement that makes the server connect elsewhere (SUBSCRIBER_CONNECT_MS); a lock wait is bounded at 5 s.
 * https://www.postgresql.org/docs/15/runtime-config-logging.html#GUC-LOG-STATEMENT
 * https://www.postgresql.org/docs/15/libpq-envars.html (PGOPTIONS)
 */
export async function secretStatement(
  conn: PgConnection,
  statementSql: string,
  secret: string | undefined,
  action: string,
  opts: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<string | undefined> {
  let tag = "";
  do tag = `$fh${randomBytes(6).toString("hex")}$`;
  while (statementSql.includes(tag));
  const session = secret !== undefined ? withPrivateSettings(conn, { [SECRET_SETTING]: Buffer.from(secret, "utf8").toString("hex") }) : conn;
  const arrived =
    secret !== undefined
      ? `IF current_setting('${SECRET_SETTING}', true) IS NULL THEN RAISE EXCEPTION 'the password did not reach the session (a connection service file that sets options overrides PGOPTIONS)'; END IF; `
      : "";
  // OTHERS does not match query_canceled (a cancel, statement_timeout): named too. Not the database's own statement_timeout
  // (it could cut the statement short), only ours. https://www.postgresql.org/docs/15/plpgsql-control-structures.html#PLPGSQL-ERROR-TRAPPING
  const r = await psql(
    session,
    `${PINNED}${WRITABLE}
SET standard_conforming_strings = on;
SET statement_timeout = ${Math.max(0, Math.round(opts.timeoutMs ?? 0))};
SET lock_timeout = '5s';
SELECT set_config('freehold.failure', '', false);
DO ${tag} BEGIN ${arrived}EXECUTE ${statementSql}; EXCEPTION WHEN others OR query_canceled THEN PERFORM set_config('freehold.failure', SQLERRM, false); END ${tag};
SELECT 'failure:' || current_setting('freehold.failure');`,
    { action, ...(opts.signal ? { signal: opts.signal } : {}) },
  );
  const at = r.lines.findIndex((l) => l.startsWith("failure:"));
  const failure = r.lines.slice(at).join("\n").replace(/^failure:/, "").trim();
  return failure || undefined;
}

/** What on a subscriber logs the statement that stores a password in a subscription even so: pgaudit, which logs the statements a block runs. */
export async function secretLoggingWarnings(conn: PgConnection): Promise<string[]> {
  const line = await one(conn, "SELECT json_build_object('pgaudit', EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgaudit'));", "read the logging settings");
  const s = JSON.parse(line) as { pgaudit: boolean };
  return s.pgaudit
    ? [
        `${conn.display} has the pgaudit extension, which (when pgaudit.log covers DDL or all statements) writes the statement that stores the other side's password in the subscription to its server log; turn that off for the exit and change that password after finish`,
      ]
    : [];
}

/**
 * A subscription created without connecting and without a password (never logged with a secret, may run inside a
 * transaction): disabled, no tables yet, its slot to be made by `connectSubscription`.
 */
export function createSubscriptionSql(name: string, publisherUrl: string, options = ""): string {
  return `CREATE SUBSCRIPTION ${quoteIdent(name)} CONNECTION ${quoteLiteral(subscriptionConninfo(publisherUrl, undefined))} PUBLICATION ${quoteIdent(name)} WITH (connect = false${options});`;
}

export interface Subscription {
  subscriber: PgConnection;
  publisher: PgConnection;
  /** The subscription's, its publication's and its slot's name. */
  name: string;
  /** The publisher as the subscriber's server reaches it. */
  publisherUrl: string;
  password: string | undefined;
}

/** The password stored in the subscription (ALTER SUBSCRIPTION ... CONNECTION does not connect) through secretStatement. */
export async function setSubscriptionPassword(s: Subscription): Promise<void> {
  const statement = `format('ALTER SUBSCRIPTION %I CONNECTION %L', ${quoteLiteral(s.name)}, ${conninfoSql(s.publisherUrl, s.password !== undefined)})`;
  const failed = await secretStatement(s.subscriber, statement, s.password, "store the connection in the subscription");
  if (failed) throw new MigrationError("database", `${s.subscriber.display} refused the connection string of ${s.name}: ${failed}`, []);
}

/** The subscription created if it is not there (without connecting: disabled, no slot, no tables) and told the password. */
export async function prepareSubscription(s: Subscription, action: string): Promise<void> {
  const exists = await one(s.subscriber, `SELECT count(*) FROM pg_subscription WHERE subname = ${quoteLiteral(s.name)} AND subdbid = ${THIS_DB};`, "find the subscription");
  if (exists === "0") await sql(s.subscriber, `${WRITABLE}\n${createSubscriptionSql(s.name, s.publisherUrl)}`, action);
  await setSubscriptionPassword(s);
}

/** How long connectSubscription may wait, and what interrupts it. */
export interface ConnectBounds {
  /** For the slot: PostgreSQL makes a logical slot only once every transaction in progress on the publisher when it began has ended. */
  slotTimeoutMs: number;
  signal?: AbortSignal;
}

const timedOut = (e: unknown) => e instanceof MigrationToolError && /canceling statement due to statement timeout/.test(e.details.output ?? "");

/** The transactions a logical slot's creation waits for on a server: those with a transaction ID, and prepared ones. */
async function openTransactions(conn: PgConnection): Promise<string[]> {
  const r = await sql(
    conn,
    `SELECT format('pid %s (%s, user %s, %s since %s)', pid, coalesce(nullif(application_name, ''), 'no application name'), usename, state, date_trunc('second', xact_start)) FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
UNION ALL SELECT format('prepared transaction %L (since %s)', gid, date_trunc('second', prepared)) FROM pg_prepared_xacts ORDER BY 1 LIMIT 10;`,
    "list the transactions in progress",
  );
  return r.lines;
}

/**
 * A prepared subscription's slot made on the publisher (through our own connection to it, when it is not there),
 * then the subscription enabled and given the publication's tables: with `copy`, each table's rows are copied first;
 * without, the tables stream from now on (the two sides are equal). The refresh is the first statement the
 * subscriber's server connects with, and it carries no password. Each step is skipped or harmless when already done,
 * so a switch resumed after an interruption completes it. Both waits are bounded: the slot's for transactions in
 * progress on the publisher (named when it ends), the refresh's for the publisher to answer (SUBSCRIBER_CONNECT_MS).
 * https://www.postgresql.org/docs/15/sql-createsubscription.html (connect = false)
 * https://www.postgresql.org/docs/15/logicaldecoding-explanation.html#LOGICALDECODING-REPLICATION-SLOTS
 */
export async function connectSubscription(s: Subscription, copy: boolean, action: string, bounds: ConnectBounds): Promise<void> {
  const signal = bounds.signal ? { signal: bounds.signal } : {};
  try {
    await psql(
      s.publisher,
      `${PINNED}SET statement_timeout = ${Math.max(1, Math.round(bounds.slotTimeoutMs))};
SELECT pg_create_logical_replication_slot(${quoteLiteral(s.name)}, 'pgoutput') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ${quoteLiteral(s.name)});`,
      { action: `create the replication slot ${s.name}`, ...signal },
    );
  } catch (e) {
    if (!timedOut(e)) throw e;
    const open = await openTransactions(s.publisher).catch(() => []);
    throw new MigrationError(
      "database",
      `the replication slot ${s.name} could not be made on ${s.publisher.display} within ${bounds.slotTimeoutMs / 1000} s: PostgreSQL makes a logical slot only once every transaction in progress there when it began has ended${open.length ? "; still open:" : ""}`,
      open.map((message) => ({ item: "open transaction", message: `${message}: let it end (COMMIT or ROLLBACK, or pg_terminate_backend its pid)` })),
    );
  }
  try {
    await psql(
      s.subscriber,
      `${PINNED}${WRITABLE}\nSET statement_timeout = ${SUBSCRIBER_CONNECT_MS};\nALTER SUBSCRIPTION ${quoteIdent(s.name)} ENABLE;\nALTER SUBSCRIPTION ${quoteIdent(s.name)} REFRESH PUBLICATION WITH (copy_data = ${copy});`,
      { action, ...signal },
    );
  } catch (e) {
    if (!timedOut(e)) throw e;
    throw new MigrationError("database", `${s.subscriber.display} got no answer from ${shownUrl(s.publisherUrl)} within ${SUBSCRIBER_CONNECT_MS / 1000} s (a firewall that drops the packets?): open the network path`, []);
  }
}

/** Wait (bounded) until `count` is "0": the subscription's workers gone, or its copy slots no longer in use. */
async function until0(conn: PgConnection, count: string, action: string, ms: number): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < ms; await sleep(100)) if ((await one(conn, count, action)) === "0") return true;
  return false;
}

/**
 * Drop a subscription: disabled, detached from its slot, its workers gone; the slots of its unfinished table copies
 * (pg_<subscription oid>_sync_<table oid>_<system id>) left idle on the publisher, since DROP SUBSCRIPTION then
 * connects there to drop them, and waits while one is in use, holding the lock on pg_subscription (shared by every
 * database of the subscriber's server) all along; then dropped, that connection bounded. Its own slot is then dropped
 * on the publisher through our own connection, once its sender has stopped. What was dropped, for the report.
 */
export async function dropSubscription(subscriber: PgConnection, publisher: PgConnection, name: string): Promise<string[]> {
  const dropped: string[] = [];
  const sub = await one(subscriber, `SELECT oid FROM pg_subscription WHERE subname = ${quoteLiteral(name)} AND subdbid = ${THIS_DB};`, "find the subscriptions");
  if (sub !== "") {
    const q = quoteIdent(name);
    // DROP SUBSCRIPTION leaves a comment in pg_description: removed first, or a later subscription given the same OID would inherit the marker.
    await sql(subscriber, `${WRITABLE}\nCOMMENT ON SUBSCRIPTION ${q} IS NULL;\nALTER SUBSCRIPTION ${q} DISABLE;\nALTER SUBSCRIPTION ${q} SET (slot_name = NONE);`, "stop the subscription");
    await until0(subscriber, `SELECT count(*) FROM pg_stat_subscription WHERE subid = ${sub} AND pid IS NOT NULL;`, "wait for the subscription's workers to stop", 10_000);
    await until0(publisher, `SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE ${quoteLiteral(`pg\\_${sub}\\_sync\\_%`)} AND active;`, "wait for the table copies' slots to be idle", 10_000);
    try {
      await sql(subscriber, `${WRITABLE}\nSET statement_timeout = ${SUBSCRIBER_CONNECT_MS};\nDROP SUBSCRIPTION ${q};`, "drop the subscription");
    } catch (e) {
      if (!timedOut(e)) throw e;
      throw new MigrationError(
        "database",
        `could not drop the subscription ${name} on ${subscriber.display}: some of its tables' initial copies did not finish, and DROP SUBSCRIPTION connects to the publisher to drop their slots; ${publisher.display} did not answer within ${SUBSCRIBER_CONNECT_MS / 1000} s: open the path and run finish again`,
        [],
      );
    }
    dropped.push(`subscription ${name} on ${subscriber.display}`);
  }
  for (let i = 0; ; i++) {
    const slot = await one(publisher, `SELECT active FROM pg_replication_slots WHERE slot_name = ${quoteLiteral(name)};`, "find the replication slot");
    if (slot === "") break;
    if (slot === "f" || i >= 100) {
      // Still active after 10 s: a subscriber of another pair uses the name (it cannot: the name holds the pair's key), or a sender that does not stop; kept, and said.
      if (slot === "t") {
        dropped.push(`NOT the replication slot ${name} on ${publisher.display}: still in use after 10 s; run freehold replicate finish again`);
        break;
      }
      await sql(publisher, `SELECT pg_drop_replication_slot(${quoteLiteral(name)});`, "drop the replication slot");
      dropped.push(`replication slot ${name} on ${publisher.display}`);
      break;
    }
    await sleep(100);
  }
  return dropped;
}
