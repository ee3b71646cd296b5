/**
 * The pieces every step of `freehold replicate` shares: the pair of
 * connections and the names of what replication creates, statements pinned to
 * pg_catalog, and subscriptions made without the source's password ever
 * reaching a server log.
 */

import { randomBytes } from "node:crypto";
import { MigrationError, MigrationToolError, type Side } from "./errors";
import { migrationKey, type PgConnection, pgConnection, psql, quoteIdent, quoteLiteral } from "./pg";
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
  /** How long to wait for the target to catch up at cutover (default 60 s). */
  catchUpTimeoutMs?: number;
  /** Create the schema on the target as this role (SET ROLE), which then owns every table, as `migrate database --to-role` restores. */
  targetRole?: string;
  /**
   * start: roles of the source whose functions the target may run per row (in a CHECK, a default, an index, a trigger
   * that fires on a subscriber, a domain or type) with the rights of the role that applies the rows; see live-code.ts.
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

/**
 * Run one statement that carries a secret (a subscription's connection string with its password) so that the
 * server's log never holds it: inside a DO block, which `log_statement = ddl` (or `mod`) does not log (it logs
 * top-level DDL, and DO is not DDL), and whose handler catches the statement's error, so `log_min_error_statement`
 * (default `error`) has no failing statement to log. PostgreSQL's message, without the statement, comes back:
 * undefined when the statement succeeded. `log_statement = all`, `log_min_duration_statement` and pgaudit log every
 * statement, this one too: `secretLoggingWarnings` names them.
 * https://www.postgresql.org/docs/15/runtime-config-logging.html#GUC-LOG-STATEMENT
 */
export async function secretStatement(conn: PgConnection, statement: string, secret: string | undefined, action: string, signal?: AbortSignal): Promise<string | undefined> {
  let tag = "";
  do tag = `$fh${randomBytes(6).toString("hex")}$`;
  while (statement.includes(tag));
  // OTHERS does not match query_canceled (a cancel, statement_timeout): named too, or the server would log the statement with the
  // secret. No statement_timeout for it (a database's own could cut it), and a lock wait bounded.
  // https://www.postgresql.org/docs/15/plpgsql-control-structures.html#PLPGSQL-ERROR-TRAPPING
  const r = await psql(
    { ...conn, secrets: secret ? [...conn.secrets, secret] : conn.secrets },
    `${PINNED}${WRITABLE}
SET statement_timeout = 0;
SET lock_timeout = '5s';
SELECT set_config('freehold.failure', '', false);
DO ${tag} BEGIN EXECUTE ${quoteLiteral(statement)}; EXCEPTION WHEN others OR query_canceled THEN PERFORM set_config('freehold.failure', SQLERRM, false); END ${tag};
SELECT 'failure:' || current_setting('freehold.failure');`,
    { action, ...(signal ? { signal } : {}) },
  );
  const at = r.lines.findIndex((l) => l.startsWith("failure:"));
  const failure = r.lines.slice(at).join("\n").replace(/^failure:/, "").trim();
  return failure || undefined;
}

/** Settings of a subscriber under which the statement that stores a password in a subscription is logged anyway. */
export async function secretLoggingWarnings(conn: PgConnection): Promise<string[]> {
  const line = await one(
    conn,
    `SELECT json_build_object('statement', current_setting('log_statement'), 'duration', current_setting('log_min_duration_statement'), 'pgaudit', EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgaudit'));`,
    "read the logging settings",
  );
  const s = JSON.parse(line) as { statement: string; duration: string; pgaudit: boolean };
  const found: string[] = [];
  if (s.statement === "all") found.push("log_statement = all");
  if (s.duration !== "-1") found.push(`log_min_duration_statement = ${s.duration}`);
  if (s.pgaudit) found.push("the pgaudit extension (if it logs DDL or all statements)");
  return found.map(
    (what) =>
      `${conn.display} logs statements with ${what}: the statement that stores the other side's password in the subscription is written to its server log; set it back for the exit (log_statement = ddl or none, log_min_duration_statement = -1) and change that password after finish`,
  );
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
  const conninfo = subscriptionConninfo(s.publisherUrl, s.password);
  const failed = await secretStatement(s.subscriber, `ALTER SUBSCRIPTION ${quoteIdent(s.name)} CONNECTION ${quoteLiteral(conninfo)}`, s.password, "store the connection in the subscription");
  if (failed) throw new MigrationError("database", `${s.subscriber.display} refused the connection string of ${s.name}: ${failed}`, []);
}

/** The subscription created if it is not there (without connecting: disabled, no slot, no tables) and told the password. */
export async function prepareSubscription(s: Subscription, action: string): Promise<void> {
  const exists = await one(s.subscriber, `SELECT count(*) FROM pg_subscription WHERE subname = ${quoteLiteral(s.name)} AND subdbid = ${THIS_DB};`, "find the subscription");
  if (exists === "0") await sql(s.subscriber, `${WRITABLE}\n${createSubscriptionSql(s.name, s.publisherUrl)}`, action);
  await setSubscriptionPassword(s);
}

/**
 * A prepared subscription's slot made on the publisher (through our own connection to it, when it is not there),
 * then the subscription enabled and given the publication's tables: with `copy`, each table's rows are copied first;
 * without, the tables stream from now on (the two sides are equal). The refresh is the first statement the
 * subscriber's server connects with, and it carries no password. Each step is skipped or harmless when already done,
 * so a switch resumed after an interruption completes it.
 * https://www.postgresql.org/docs/15/sql-createsubscription.html (connect = false)
 */
export async function connectSubscription(s: Subscription, copy: boolean, action: string): Promise<void> {
  await sql(
    s.publisher,
    `SELECT pg_create_logical_replication_slot(${quoteLiteral(s.name)}, 'pgoutput') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ${quoteLiteral(s.name)});`,
    `create the replication slot ${s.name}`,
  );
  await sql(s.subscriber, `${WRITABLE}\nALTER SUBSCRIPTION ${quoteIdent(s.name)} ENABLE;\nALTER SUBSCRIPTION ${quoteIdent(s.name)} REFRESH PUBLICATION WITH (copy_data = ${copy});`, action);
}

/**
 * Drop a subscription without the subscriber connecting to the publisher (it may be what is unreachable): disabled,
 * detached from its slot, dropped; then its slot dropped on the publisher through our own connection, once its
 * sender has stopped. What was dropped, for the report.
 */
export async function dropSubscription(subscriber: PgConnection, publisher: PgConnection, name: string): Promise<string[]> {
  const dropped: string[] = [];
  const sub = await one(subscriber, `SELECT count(*) FROM pg_subscription WHERE subname = ${quoteLiteral(name)} AND subdbid = ${THIS_DB};`, "find the subscriptions");
  if (sub === "1") {
    const q = quoteIdent(name);
    // DROP SUBSCRIPTION leaves a comment in pg_description: removed first, or a later subscription given the same OID would inherit the marker.
    await sql(subscriber, `${WRITABLE}\nCOMMENT ON SUBSCRIPTION ${q} IS NULL;\nALTER SUBSCRIPTION ${q} DISABLE;\nALTER SUBSCRIPTION ${q} SET (slot_name = NONE);\nDROP SUBSCRIPTION ${q};`, "drop the subscription");
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
