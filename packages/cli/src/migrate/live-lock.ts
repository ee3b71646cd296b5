/**
 * One `freehold replicate` action at a time per pair, and the pair known by
 * the servers' own identity rather than by how its URLs are typed.
 *
 * The lock is a session-level advisory lock (pg_try_advisory_lock) taken on
 * BOTH servers by a psql session that stays open for the whole action: its
 * stdin is a pipe this process keeps open, so the session (and with it the
 * lock) ends when the action ends, and also when this process is killed
 * (the pipe closes, psql reads end-of-file and quits, the server drops the
 * session's locks). https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS
 */

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { MigrationError, MigrationToolError } from "./errors";
import type { LiveOptions } from "./live-sql";
import { livePair } from "./live-sql";
import { CLIENT_KEEPALIVES, LOCK_KEEPALIVES, type PgConnection, psql, quoteLiteral, type ServerInfo, serverInfo, withSession } from "./pg";
import { pgTool, redact } from "./proc";

/** The actions that change either server: each holds the pair's lock from its first statement to its last. */
export type LockedAction = "start" | "cutover" | "rollback" | "finish";

/** Which database this is whatever name or address reached it: the cluster's system identifier and the database's OID and name. */
function identity(s: ServerInfo, conn: PgConnection): string {
  const u = new URL(conn.conninfo);
  // Without the right to read pg_control_system(), the host and port as given stand in for the cluster.
  const cluster = s.systemIdentifier ?? `${u.hostname.toLowerCase()}:${u.port || "5432"}`;
  return `${cluster}/${s.databaseOid}/${s.database}`;
}

/** How many replication objects (publications, this database's subscriptions, slots) one server holds named by each key. */
async function heldWith(conn: PgConnection, keys: string[]): Promise<number[]> {
  const counts = keys.map((k) => `count(*) FILTER (WHERE n IN (${[`freehold_exit_${k}`, `freehold_back_${k}`].map(quoteLiteral).join(", ")}))`);
  const r = await psql(
    conn,
    `SET search_path = pg_catalog, pg_temp;
SELECT concat_ws(',', ${counts.join(", ")}) FROM (SELECT pubname AS n FROM pg_publication UNION ALL SELECT subname FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  UNION ALL SELECT slot_name FROM pg_replication_slots WHERE database = current_database()) o;`,
    { action: "look for this pair's replication" },
  );
  return (r.lines[0] ?? "").split(",").map(Number);
}

/**
 * The options with the pair's key derived from the two servers' identities (so localhost and 127.0.0.1 are one pair).
 * Earlier versions of freehold keyed a pair on its URLs as typed (migrationKey: what livePair computes without a key);
 * a pair such a version started is known by that key while the servers hold its objects and none of the identity key's.
 */
export async function withPairKey(o: LiveOptions): Promise<LiveOptions> {
  if (o.pairKey) return o;
  const p = livePair(o);
  const [si, di] = await Promise.all([serverInfo(p.src), serverInfo(p.dst)]);
  const pairKey = createHash("sha256").update(`freehold replicate\n${identity(si, p.src)}\n${identity(di, p.dst)}`).digest("hex").slice(0, 12);
  if (p.key === pairKey) return { ...o, pairKey };
  const [[idSrc, oldSrc], [idDst, oldDst]] = await Promise.all([heldWith(p.src, [pairKey, p.key]), heldWith(p.dst, [pairKey, p.key])]);
  if (idSrc === 0 && idDst === 0 && (oldSrc ?? 0) + (oldDst ?? 0) > 0) {
    o.log?.(`this pair's replication was started by an earlier version of freehold, which named it by the URLs as typed: freehold_exit_${p.key}`);
    return { ...o, pairKey: p.key };
  }
  return { ...o, pairKey };
}

/** The advisory lock's two int4 keys, from the 12 hex digits of the pair's key. */
export function lockKeys(key: string): [number, number] {
  return [Number.parseInt(key.slice(0, 6), 16), Number.parseInt(key.slice(6, 12), 16)];
}

/** SQL: the sessions that hold this pair's lock (a run's own lock sessions, which stopping writes must not end). */
export function lockHolders(key: string): string {
  const [a, b] = lockKeys(key);
  return `(SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = ${a}::oid AND objid = ${b}::oid AND objsubid = 2)`;
}

interface SideLock {
  child: ChildProcessWithoutNullStreams;
  release(): Promise<void>;
}

/** The psql script: take the lock, say so on stderr (unbuffered), and then wait for stdin to close; or say who holds it and quit. */
function lockScript(key: string): string {
  const [a, b] = lockKeys(key);
  // The session idles for the whole action: no server, database or role default may end it and so drop the lock (the
  // settings a version does not have are skipped; set here, they win over any startup option).
  return `SET search_path = pg_catalog, pg_temp;
SELECT set_config(name, '0', false) FROM pg_settings WHERE name IN ('statement_timeout', 'idle_in_transaction_session_timeout', 'idle_session_timeout', 'transaction_timeout');
SELECT pg_try_advisory_lock(${a}, ${b}) AS got \\gset
\\if :got
\\warn freehold-lock granted
\\else
SELECT coalesce((SELECT format('%s (pid %s, since %s)', a.application_name, a.pid, date_trunc('second', a.backend_start)) FROM pg_stat_activity a
  WHERE a.pid IN ${lockHolders(key)} LIMIT 1), 'another session') AS holder \\gset
\\warn freehold-lock refused :holder
\\q
\\endif
`;
}

/**
 * The lock's session: named after the action, and with TCP keepalives the server sends (all settable by any role) so that
 * a run whose machine vanished (a laptop asleep, a VPN or NAT mapping dropped) loses its session, and so the pair's lock,
 * within about half a minute: 10 s idle, then 3 probes 5 s apart; 30 s for data the client never acknowledges. The
 * server's defaults leave it to the operating system's, two hours and more, while the switch it interrupted may have
 * stopped writes (pg.ts LOCK_KEEPALIVES; the client's own, CLIENT_KEEPALIVES).
 */
export function lockConnection(conn: PgConnection, action: LockedAction): PgConnection {
  return withSession(conn, {
    appName: `freehold-replicate-${action}`,
    settings: { ...LOCK_KEEPALIVES },
    params: CLIENT_KEEPALIVES,
  });
}

/** Take the pair's lock on one server; resolves once granted, or with who holds it. */
function lockSide(conn: PgConnection, key: string, action: LockedAction): Promise<SideLock | { refused: string }> {
  const c = lockConnection(conn, action);
  const child = spawn(pgTool("psql"), ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", c.conninfo, "-f", "-"], { env: c.env, stdio: ["pipe", "pipe", "pipe"], detached: true });
  return new Promise((resolve, reject) => {
    let err = "";
    const closed = new Promise<void>((done) => child.on("close", () => done()));
    child.stdin.on("error", () => undefined);
    child.stdout.resume();
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      err += chunk;
      if (err.includes("freehold-lock granted")) resolve({
          child,
          release: async () => {
            child.stdin.end();
            await closed;
          },
        });
      const refused = /freehold-lock refused (.*)/.exec(err);
      if (refused?.[1]) resolve({ refused: refused[1].trim() });
    });
    child.on("error", (e) => reject(new MigrationToolError(`psql could not start: ${e.message}`, "psql")));
    child.on("close", (code) => {
      const message = redact(err.split("\n").filter((l) => !l.startsWith("freehold-lock")).join(" ").trim(), conn.secrets);
      reject(new MigrationToolError(`psql failed to take the lock of this replication on the ${conn.role} (${conn.display}): it exited with code ${code}`, "psql", code, { side: conn.role, output: message }));
    });
    child.stdin.write(lockScript(key));
  });
}

/** What to do when the holder is a run that died with its machine's network: its session ends by keepalive, or by hand. */
export function deadHolderHint(holder: string, conn: PgConnection): string {
  const pid = /\(pid (\d+),/.exec(holder)?.[1];
  return pid
    ? ` (a run whose connection was lost loses the lock within a minute; one started by an older freehold may hold it for hours: when no such run is alive, SELECT pg_terminate_backend(${pid}); on ${conn.display} ends its session)`
    : "";
}

/**
 * Run `fn` holding the pair's lock on both servers (source first, then target), with the pair's identity key. A second
 * operator's action is refused before it changes anything, naming the pair and the session that holds the lock.
 */
export async function locked<T>(o: LiveOptions, action: LockedAction, fn: (o: LiveOptions) => Promise<T>): Promise<T> {
  const keyed = await withPairKey(o);
  const p = livePair(keyed);
  const held: SideLock[] = [];
  try {
    for (const conn of [p.src, p.dst]) {
      const got = await lockSide(conn, p.key, action);
      if ("refused" in got)
        throw new MigrationError(
          "database",
          `another freehold replicate is running for this pair (${p.src.display} to ${p.dst.display}): ${got.refused} holds its lock on the ${conn.role}; nothing was changed: run ${action} again once it has ended${deadHolderHint(got.refused, conn)}`,
          [],
        );
      held.push(got);
    }
    return await fn(keyed);
  } finally {
    await Promise.all(held.map((h) => h.release()));
  }
}
