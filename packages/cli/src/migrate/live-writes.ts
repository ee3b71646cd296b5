/**
 * Stopping and allowing the application's writes on one side of a live exit,
 * what would let a write through a stop, and the sequences copied while
 * writes are stopped.
 */

import { MigrationError, type MigrationProblem } from "./errors";
import { lockHolders } from "./live-lock";
import { one, sql, THIS_DB, WRITABLE } from "./live-sql";
import type { PgConnection } from "./pg";
import { quoteIdent, quoteLiteral, SEQUENCES_SQL, type SequenceInfo } from "./pg";

/**
 * What would let the application write after its writes were stopped, every one at once: a prepared transaction
 * (COMMIT PREPARED later writes, from any session) and a role whose own setting of default_transaction_read_only
 * wins over the database's (ALTER ROLE ... [IN DATABASE ...] SET; PostgreSQL applies role and role-in-database
 * settings after the database's). https://www.postgresql.org/docs/15/sql-alterrole.html
 */
export async function writeStopBlockers(conn: PgConnection): Promise<MigrationProblem[]> {
  const line = await one(
    conn,
    `SELECT json_build_object(
  'prepared', (SELECT coalesce(json_agg(json_build_object('gid', gid, 'owner', owner, 'at', prepared) ORDER BY prepared), '[]') FROM pg_prepared_xacts WHERE database = current_database()),
  'roles', (SELECT coalesce(json_agg(json_build_object('role', r.rolname, 'here', s.setdatabase <> 0, 'setting', c) ORDER BY r.rolname), '[]')
    FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole, unnest(s.setconfig) c
    WHERE s.setrole <> 0 AND s.setdatabase IN (0, ${THIS_DB}) AND c ~* '^default_transaction_read_only=(off|false|no|0|f|n)'),
  'db', current_database());`,
    "look for what would write after writes stop",
  );
  const r = JSON.parse(line) as { prepared: { gid: string; owner: string; at: string }[]; roles: { role: string; here: boolean; setting: string }[]; db: string };
  return [
    ...r.prepared.map((x) => ({
      item: `prepared transaction ${JSON.stringify(x.gid)}`,
      message: `prepared by ${x.owner} at ${x.at} and not yet committed: a COMMIT PREPARED after the switch would be a write the other side never receives; COMMIT PREPARED or ROLLBACK PREPARED ${quoteLiteral(x.gid)} first`,
    })),
    ...r.roles.map((x) => {
      const scope = x.here ? `${quoteIdent(x.role)} IN DATABASE ${quoteIdent(r.db)}` : quoteIdent(x.role);
      return {
        item: `role ${x.role}`,
        message: `its setting ${x.setting} (ALTER ROLE ${scope} SET) wins over the database's read-only default, so its sessions would still write after writes stop; remove it with ALTER ROLE ${scope} RESET default_transaction_read_only`,
      };
    }),
  ];
}

/** Refuse a switch that could not stop every write, before writes stop (refusing costs nothing then). */
export async function refuseWriteStopBlockers(conn: PgConnection, stopped: boolean): Promise<void> {
  const blockers = await writeStopBlockers(conn);
  if (blockers.length)
    throw new MigrationError(
      "database",
      `${stopped ? "switch-over abandoned" : "refusing to switch over"}: ${blockers.length} thing(s) on ${conn.display} would write after writes stop${stopped ? "" : "; writes were not stopped and replication still runs"}`,
      blockers,
    );
}

/** Every new session of the database starts read-only: the database-level default stopWrites sets first. */
export const READ_ONLY_DEFAULT = "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET default_transaction_read_only = on', current_database()); END $$;";

/**
 * Stop the application's writes on one side: every new session of every role starts read-only (a database-level
 * default; replication's apply workers do not take it, so the way back streams), then the open client sessions are
 * ended, each waited for until it is gone (pg_terminate_backend with a timeout): a commit in flight is in the WAL
 * before its session ends, so the WAL position read next holds every write. Sessions still there after 5 s fail the
 * stop. This run's own lock sessions (live-lock.ts) are kept. https://www.postgresql.org/docs/15/functions-admin.html#FUNCTIONS-ADMIN-SIGNAL
 */
export async function stopWrites(conn: PgConnection, pairKey: string): Promise<void> {
  const left = await one(
    conn,
    // One session, two transactions: the default committed first, so a session opened while the others end starts read-only.
    // The sessions chosen first (a CTE), then ended: in one WHERE, the planner may call pg_terminate_backend before excluding our own session.
    `${WRITABLE}\n${READ_ONLY_DEFAULT}\nWITH sessions AS MATERIALIZED (SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND pid NOT IN ${lockHolders(pairKey)}),
  ended AS MATERIALIZED (SELECT pid, pg_terminate_backend(pid, 5000) AS gone FROM sessions)
SELECT coalesce(string_agg(pid::text, ', ') FILTER (WHERE NOT gone), '') FROM ended;`,
    "stop writes",
  );
  if (left) throw new MigrationError("database", `sessions ${left} on ${conn.display} did not end within 5 s of being terminated: a write of theirs could land after the switch`, []);
}

/** Let the application write again on one side. */
export async function allowWrites(conn: PgConnection): Promise<void> {
  await sql(conn, `${WRITABLE}\nDO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET default_transaction_read_only', current_database()); END $$;`, "allow writes");
}

/** The command an operator runs to let the application write on a side again, by hand. */
export function allowWritesCommand(conn: PgConnection): string {
  const u = new URL(conn.conninfo);
  u.searchParams.delete("application_name");
  const db = decodeURIComponent(u.pathname.replace(/^\//, ""));
  return `psql "${u.toString()}" -c "SET default_transaction_read_only = off" -c "ALTER DATABASE ${quoteIdent(db).replace(/"/g, '\\"')} RESET default_transaction_read_only"`;
}

/** Sequences this side's user may not read: pg_sequences shows them without a value, which must never become 1 on the other side. */
export function unreadableSequences(conn: PgConnection, seqs: SequenceInfo[]): MigrationProblem[] {
  return seqs
    .filter((s) => !s.readable)
    .map((s) => ({
      item: `sequence ${s.schema}.${s.sequence}`,
      message: `${conn.display}'s user may not read its value, so it cannot be carried over; GRANT SELECT ON SEQUENCE ${quoteIdent(s.schema)}.${quoteIdent(s.sequence)} TO that user`,
    }));
}

export async function readSequences(conn: PgConnection): Promise<SequenceInfo[]> {
  return JSON.parse((await one(conn, SEQUENCES_SQL, "read the sequences")) || "[]") as SequenceInfo[];
}

/** Refuse a switch whose sequences cannot all be read, before writes stop. */
export async function refuseUnreadableSequences(conn: PgConnection): Promise<void> {
  const unreadable = unreadableSequences(conn, await readSequences(conn));
  if (unreadable.length) throw new MigrationError("database", `refusing to switch over: ${unreadable.length} sequence(s) cannot be read on ${conn.display}; writes were not stopped`, unreadable);
}

/** Copy every sequence's value from one side to the other (logical replication does not); a sequence never used stays unused. */
export async function copySequences(from: PgConnection, to: PgConnection): Promise<number> {
  const seqs = await readSequences(from);
  const unreadable = unreadableSequences(from, seqs);
  if (unreadable.length) throw new MigrationError("database", `switch-over abandoned: ${unreadable.length} sequence(s) cannot be read on ${from.display}`, unreadable);
  const setvals = seqs.map((s) => `SELECT setval(${quoteLiteral(`${quoteIdent(s.schema)}.${quoteIdent(s.sequence)}`)}, ${s.lastValue === null ? "1, false" : `${s.lastValue}, true`});`).join("\n");
  if (setvals) await sql(to, `BEGIN READ WRITE;\n${setvals}\nCOMMIT;`, "copy the sequences");
  return seqs.length;
}
