/**
 * Long-lived psql sessions (one connection for many statements: the dump's
 * snapshot, the fingerprint workers) and the stopping of sessions by name, so
 * that neither an interrupted run nor a killed one leaves a query running.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { pgFailure, pgHint } from "./diagnose";
import { MigrationInterrupted, MigrationToolError } from "./errors";
import { REQUIRE_FINGERPRINT_KEY, type TableInfo, type TextMode, tableChecksumSql, withFingerprintKey } from "./fingerprint";
import { deadHolderHint } from "./live-lock";
import { type ChecksumRun, type PgConnection, psql, quoteLiteral, recordChecksum, STABLE_SESSION_SQL } from "./pg";
import { pgTool, redact, sleep } from "./proc";

export interface QueryResult {
  /** Non-empty stdout lines (unaligned, tuples only). */
  lines: string[];
  /** psql's error lines for this statement (empty when it succeeded). */
  errors: string[];
}

interface Pending {
  marker: string;
  out: string[];
  err: string[];
  outDone: boolean;
  errDone: boolean;
  resolve: (r: QueryResult) => void;
  reject: (e: Error) => void;
}

/**
 * One psql process kept open. Each `query` is followed by `\echo` and `\warn`
 * of a marker, so its stdout and stderr are told apart from the next one's.
 * A failing statement does not end the session (ON_ERROR_STOP=0): its error
 * lines come back in `errors`.
 */
export class PsqlSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private queue: Pending[] = [];
  private n = 0;
  private closed = false;
  private exit: Promise<number | null>;
  private stderrTail = "";

  constructor(
    readonly conn: PgConnection,
    signal?: AbortSignal,
  ) {
    this.child = spawn(pgTool("psql"), ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=0", "-d", conn.conninfo], { env: conn.env, stdio: ["pipe", "pipe", "pipe"], detached: true }); // its own session: see proc.ts
    this.child.stdin.on("error", () => {
      /* psql exited; 'close' reports it */
    });
    this.exit = new Promise((resolve) =>
      this.child.on("close", (code) => {
        this.closed = true;
        const why = redact(this.stderrTail.trim(), conn.secrets);
        for (const p of this.queue.splice(0)) p.reject(pgFailure({ command: "psql", args: [], code, signal: null, stdout: "", stderr: why, ms: 0, aborted: signal?.aborted ?? false }, { side: conn.role, action: "run a query", display: conn.display }));
        resolve(code);
      }),
    );
    this.child.on("error", () => {
      /* ENOENT is caught by pgTool before we get here */
    });
    const onAbort = () => this.kill();
    if (signal?.aborted) queueMicrotask(onAbort); // a session opened after the abort stops at once
    else signal?.addEventListener("abort", onAbort, { once: true });
    void this.exit.then(() => signal?.removeEventListener("abort", onAbort));
    this.lines(this.child.stdout, (l) => this.onLine(l, "out"));
    this.lines(this.child.stderr, (l) => this.onLine(l, "err"));
  }

  private lines(stream: NodeJS.ReadableStream, fn: (line: string) => void): void {
    let buf = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      buf += chunk;
      const parts = buf.split("\n");
      buf = parts.pop() ?? "";
      for (const p of parts) fn(p);
    });
  }

  private onLine(line: string, which: "out" | "err"): void {
    if (which === "err") this.stderrTail = `${this.stderrTail}\n${line}`.slice(-4000);
    const p = this.queue[0];
    if (!p) return;
    if (line === p.marker) {
      if (which === "out") p.outDone = true;
      else p.errDone = true;
      if (p.outDone && p.errDone) {
        this.queue.shift();
        p.resolve({ lines: p.out, errors: p.err });
      }
      return;
    }
    if (which === "out" && !p.outDone && line.length > 0) p.out.push(line);
    if (which === "err" && !p.errDone && line.trim().length > 0) p.err.push(redact(line.replace(/^psql:[^:]*:\d+:\s*/, ""), this.conn.secrets));
  }

  /** Run SQL (one or more statements); resolves with its output and error lines. */
  query(sql: string): Promise<QueryResult> {
    if (this.closed) return Promise.reject(new MigrationInterrupted("the psql session has ended"));
    const marker = `__freehold_${process.pid}_${++this.n}__`;
    return new Promise((resolve, reject) => {
      this.queue.push({ marker, out: [], err: [], outDone: false, errDone: false, resolve, reject });
      this.child.stdin.write(`${sql.trimEnd()}\n\\echo ${marker}\n\\warn ${marker}\n`);
    });
  }

  /** Like `query`, but a statement error is thrown (as a MigrationToolError naming the side). */
  async must(sql: string, action: string): Promise<string[]> {
    const r = await this.query(sql);
    if (r.errors.some((l) => /ERROR|FATAL/.test(l)))
      throw new MigrationToolError(`psql failed to ${action} on the ${this.conn.role} (${this.conn.display}).`, "psql", null, { side: this.conn.role, output: r.errors.join("\n"), hint: pgHint(r.errors.join("\n"), this.conn.role) ?? `the ${this.conn.role} user's privileges and the message above` });
    return r.lines;
  }

  /** End the session politely and wait for psql to exit. */
  async close(): Promise<void> {
    if (!this.closed) this.child.stdin.end("\\q\n");
    await this.exit;
  }

  /** Stop psql now (its server session notices through client_connection_check_interval, and is cancelled by name). */
  kill(): void {
    if (!this.closed) this.child.kill("SIGTERM");
  }
}

/**
 * Stop every session on this server whose application_name starts with
 * `prefix`, other than the one asking (pg_terminate_backend: the query is
 * cancelled and the connection closed), and wait until they are gone. Only
 * the connecting user's own sessions can be stopped, which is all a migration
 * opens. Returns how many there were.
 */
export async function stopSessions(conn: PgConnection, prefix: string, timeoutMs = 10_000): Promise<number> {
  const like = quoteLiteral(`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  // Not the lock of the run that asks (see targetLock): only the run holding it can be here.
  const mine = `FROM pg_catalog.pg_stat_activity WHERE application_name LIKE ${like} AND application_name <> ${quoteLiteral(`${prefix}-lock`)} AND pid <> pg_catalog.pg_backend_pid() AND datname = pg_catalog.current_database()`;
  const first = await psql(conn, `SELECT pg_catalog.count(pg_catalog.pg_terminate_backend(pid)) ${mine};`, { action: "stop the sessions of an earlier run" });
  const count = Number(first.lines[0] ?? 0);
  const deadline = Date.now() + timeoutMs;
  while (count > 0 && Date.now() < deadline) {
    const left = await psql(conn, `SELECT pg_catalog.count(*) ${mine};`, { action: "check that no session is left" });
    if (Number(left.lines[0] ?? 0) === 0) break;
    await sleep(100);
  }
  return count;
}

/** SQL: pg_locks' rows of this int8 advisory lock (pg_locks splits the key into two oids). */
function lockRows(key: bigint): string {
  const k = BigInt.asUintN(64, key);
  return `locktype = 'advisory' AND granted AND classid = ${(k >> 32n).toString()}::oid AND objid = ${(k & 0xffffffffn).toString()}::oid AND objsubid = 1`;
}

/** SQL: the session holding this int8 advisory lock in this database, as `name (pid N, since T)`. */
function lockHolderSql(key: bigint): string {
  return `SELECT pg_catalog.format('%s (pid %s, since %s)', a.application_name, a.pid, pg_catalog.date_trunc('second', a.backend_start))
  FROM pg_catalog.pg_stat_activity a WHERE a.pid IN (SELECT pid FROM pg_catalog.pg_locks
    WHERE database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()) AND ${lockRows(key)}) LIMIT 1;`;
}

/**
 * Hold a PostgreSQL advisory lock on the target database for the whole run
 * (session-level, keyed by the target's identity): a second migration into
 * the same database refuses instead of stopping the first one's sessions as
 * if they were a killed run's, or restoring beside it. The lock goes with
 * its session: a killed run's psql ends when its parent does, and releases
 * it. `conn` should be named `<prefix>-lock`. Resolves with the release.
 */
export async function targetLock(conn: PgConnection, identity: string): Promise<TargetLock> {
  const key = BigInt.asIntN(64, BigInt(`0x${createHash("sha256").update(`freehold-migrate-target\n${identity}`).digest("hex").slice(0, 16)}`));
  const session = new PsqlSession(conn);
  try {
    const [got] = await session.must(`SELECT pg_catalog.pg_try_advisory_lock(${key.toString()}::int8);`, "take the migration lock");
    if (got !== "t") {
      const holder = (await session.must(lockHolderSql(key), "find the session holding the migration lock"))[0] ?? "another session";
      throw new MigrationToolError(`another freehold migrate is restoring into the target ${conn.display}: ${holder} holds its PostgreSQL advisory lock ${key}; nothing was done.`, "freehold", null, {
        side: "target",
        hint: `wait for that run to finish, then run again${deadHolderHint(holder, conn)}`,
      });
    }
  } catch (e) {
    session.kill();
    throw e;
  }
  const mine = `SELECT pg_catalog.count(*) FROM pg_catalog.pg_locks WHERE pid = pg_catalog.pg_backend_pid() AND ${lockRows(key)};`;
  return {
    release: () => session.close(),
    held: () => session.query(mine).then((r) => r.lines[0] === "1", () => false),
  };
}

/** The run's lock on the target: released at the end; `held` says whether its session still holds it (false once it ended). */
export interface TargetLock {
  release(): Promise<void>;
  held(): Promise<boolean>;
}

/**
 * Checksum the given tables (their definitions taken from the source) on one
 * server, in one psql session, one statement per table, keyed with `key`. A table whose query
 * fails is reported in `failed` instead of stopping the others.
 */
export async function checksumTables(conn: PgConnection, tables: TableInfo[], mode: TextMode, key: string): Promise<ChecksumRun> {
  const started = Date.now();
  const out: ChecksumRun = { sums: new Map(), failed: new Map(), ms: 0 };
  if (tables.length === 0) return out;
  const session = new PsqlSession(withFingerprintKey(conn, key));
  try {
    await session.must(`${STABLE_SESSION_SQL}\n${REQUIRE_FINGERPRINT_KEY}`, "prepare the session");
    for (const t of tables) {
      const r = await session.query(tableChecksumSql(t, mode));
      recordChecksum(out, t, r.lines, r.errors);
    }
  } finally {
    await session.close();
  }
  out.ms = Date.now() - started;
  return out;
}
