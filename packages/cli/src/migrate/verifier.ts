/** Fingerprints on the target, taken as soon as each table's data is committed by the restore. */
import type { TableInfo, TextMode } from "./fingerprint";
import { type ChecksumRun, type PgConnection, recordChecksum, STABLE_SESSION_SQL, tableKey } from "./pg";
import { REQUIRE_FINGERPRINT_KEY, tableChecksumSql, withFingerprintKey } from "./fingerprint";
import { PsqlSession } from "./session";

/**
 * Fingerprint tables on the target as they become ready, with up to
 * `workers` sessions. `add` may be called with the same table twice.
 */
export class TargetVerifier {
  readonly run: ChecksumRun = { sums: new Map(), failed: new Map(), ms: 0 };
  private readonly queue: TableInfo[] = [];
  private readonly seen = new Set<string>();
  private readonly sessions: PsqlSession[] = [];
  private readonly idle: PsqlSession[] = [];
  private active: Promise<void>[] = [];
  private error: unknown;
  private readonly started = Date.now();

  constructor(
    conn: PgConnection,
    private readonly workers: number,
    private readonly signal: AbortSignal,
    private readonly mode: TextMode,
    /** The key the source's sums were taken with (fingerprint.ts). */
    key: string,
  ) {
    this.conn = withFingerprintKey(conn, key);
  }

  private readonly conn: PgConnection;

  add(t: TableInfo): void {
    if (this.seen.has(tableKey(t))) return;
    this.seen.add(tableKey(t));
    this.queue.push(t);
    while (this.queue.length > 0 && this.sessions.length - this.idle.length < this.workers) {
      let session = this.idle.pop();
      const fresh = !session;
      if (!session) {
        session = new PsqlSession(this.conn, this.signal);
        this.sessions.push(session);
      }
      this.active.push(this.drain(session, fresh));
    }
  }

  private async drain(session: PsqlSession, fresh: boolean): Promise<void> {
    try {
      if (fresh) await session.must(`${STABLE_SESSION_SQL}\n${REQUIRE_FINGERPRINT_KEY}`, "prepare a session");
      for (let t = this.queue.shift(); t; t = this.queue.shift()) {
        const r = await session.query(tableChecksumSql(t, this.mode));
        recordChecksum(this.run, t, r.lines, r.errors);
      }
    } catch (e) {
      this.error ??= e;
    } finally {
      this.idle.push(session);
    }
  }

  /** Wait for every table added so far; then close the sessions. */
  async finish(): Promise<ChecksumRun> {
    while (this.active.length > 0) {
      const batch = this.active;
      this.active = [];
      await Promise.all(batch);
    }
    await Promise.all(this.sessions.map((s) => s.close()));
    if (this.error) throw this.error;
    this.run.ms = Date.now() - this.started;
    return this.run;
  }

  kill(): void {
    for (const s of this.sessions) s.kill();
  }
}
