/**
 * The exit drill's live path: the source's application keeps writing (a
 * small loop of inserts and updates through its read-write contract) while
 * `freehold replicate start` copies and streams, and through `cutover`; the
 * application moves to the target the moment cutover allows writes there.
 * The evidence: the write downtime cutover measured, the gap the application
 * itself saw, every row it committed (on either side) found on the target.
 *
 * Stand-in difference, said in the evidence: PostgreSQL 15 lets only a
 * superuser create a subscription (the clouds' administrators may:
 * rds_superuser, azure_pg_admin with REPLICATION, cloudsqlsuperuser with
 * REPLICATION), so replicate runs as each local server's superuser; and the
 * servers reach each other with sslmode=require, the drill's private CA being
 * in a folder the server's account cannot read.
 */
import { type DatabaseEndpoint, databaseUrl, shellLine } from "../../exit/commands";
import { run } from "../proc";
import { appSql, appSqlOk, type Contract } from "./app";
import { check, type PairContext, type Side, step } from "./pair";

/** The table the write load fills; made by the application before replication starts, so it is published with the rest. */
export const LOAD_TABLE = "public.drill_live_writes";

export interface LiveEvidence {
  /** The write downtime `replicate cutover` measured: writes stopped on the source until allowed on the target. */
  writeDowntimeMs: number;
  catchUpMs: number;
  /** From the application's last write committed on the source to its first on the target. */
  applicationGapMs: number;
  /** Rows the application committed during the run (insert statements that returned an id), on the source and then on the target. */
  rowsWritten: { source: number; target: number };
  /** Updates the application committed during the run. */
  updates: number;
  /** Of the rows the application committed, how many the target holds, and which it lacks. */
  rowsOnTarget: number;
  lost: number;
  /** Lag samples while the load ran (bytes of the source's WAL the target had not confirmed). */
  lag: Array<{ atMs: number; bytes: number }>;
  /** What differs from the clouds here, and why. */
  standIn: string;
}

const STAND_IN =
  "replicate ran as each local server's superuser: PostgreSQL 15 lets only a superuser create a subscription (on the clouds the administrator may: rds_superuser on AWS, azure_pg_admin with REPLICATION on Azure, cloudsqlsuperuser with REPLICATION on Google Cloud); the servers reached each other with sslmode=require (the drill's CA is in a folder the server's account cannot read), the operator with verify-full";

/** One batch of the load: each statement its own transaction; an id printed is a row committed. */
function batchSql(k: number): string {
  const lines: string[] = [];
  for (let i = 0; i < 10; i++) {
    lines.push(`INSERT INTO ${LOAD_TABLE} (n) VALUES (${k * 10 + i}) RETURNING 'i' || id;`);
    if (i % 3 === 2) lines.push(`UPDATE ${LOAD_TABLE} SET touched = touched + 1 WHERE id = (SELECT max(id) FROM ${LOAD_TABLE}) RETURNING 'u' || id;`);
  }
  return `${lines.join("\n")}\n`;
}

/** The application's write load: writes through `current()` until stopped; which ids it committed where, and when. */
class WriteLoad {
  readonly ids = { source: [] as number[], target: [] as number[] };
  updates = 0;
  lastSourceAt = 0;
  firstTargetAt = 0;
  private stopped = false;
  private done: Promise<void> = Promise.resolve();
  onTarget = false;

  constructor(
    private readonly src: Contract,
    private readonly dst: Contract,
  ) {}

  start(): void {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    for (let k = 0; !this.stopped; k++) {
      const onTarget = this.onTarget;
      const r = await appSql(onTarget ? this.dst : this.src, batchSql(k));
      const at = Date.now();
      let committed = 0;
      for (const line of r.stdout.split("\n")) {
        if (line.startsWith("i")) {
          this.ids[onTarget ? "target" : "source"].push(Number(line.slice(1)));
          committed++;
        } else if (line.startsWith("u")) this.updates++;
      }
      if (committed > 0 && !onTarget) this.lastSourceAt = at;
      if (committed > 0 && onTarget && this.firstTargetAt === 0) this.firstTargetAt = at;
      // Refused (read-only, or the session ended by cutover): try again at once, as an application retries.
      if (r.code !== 0 && committed === 0) await new Promise((res) => setTimeout(res, 10));
    }
  }

  /** Let the load run until it committed `n` more rows on the target. */
  async untilTarget(n: number, timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.ids.target.length < n && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }
}

function superuserEndpoint(side: Side, caFile: string | undefined, passwordEnv: string): DatabaseEndpoint {
  const pg = side.pg?.pg;
  if (!pg || !side.database) throw new Error(`${side.cloud} has no database`);
  return { host: pg.host, port: pg.port, database: side.database, user: "postgres", sslmode: caFile ? "verify-full" : "require", ...(caFile ? { sslrootcert: caFile } : {}), passwordEnv };
}

const superuserPassword = (side: Side) => decodeURIComponent(new URL(side.pg?.pg.superuserUrl ?? "postgresql://x").password);

/** `freehold replicate <action>` as an operator runs it; its output, and each stderr line to `onLine`. */
async function replicate(c: PairContext, argv: string[], passwords: Record<string, string>, onLine?: (l: string) => void): Promise<{ out: string; line: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...passwords, NO_COLOR: "1" };
  delete env.PGPASSWORD;
  const line = shellLine(argv);
  const r = await run(c.cli.node, [c.cli.script, ...argv.slice(1)], {
    env,
    cwd: c.dir,
    secrets: Object.values(passwords),
    ...(onLine ? { onStderrLine: onLine } : {}),
    ...(c.signal ? { signal: c.signal } : {}),
  });
  if (r.code !== 0) throw new Error(`${line} exited ${r.code}:\n${`${r.stdout}${r.stderr}`.trim().split("\n").slice(-8).join("\n")}`);
  return { out: r.stdout, line };
}

/** Replication's lag, read as `replicate status` prints it. */
function lagOf(out: string): number | undefined {
  const m = /(\d+) bytes behind/.exec(out);
  return m ? Number(m[1]) : undefined;
}

/**
 * The live path between two sides whose databases are set up and written:
 * the application readies its tables, starts writing, the operator runs
 * replicate start, status and cutover; the application moves to the target
 * when cutover allows writes there and writes on; replicate finish ends the
 * way back. Returns the evidence, or undefined when a step failed.
 */
export async function liveDatabase(c: PairContext, src: Side, dst: Side, ran: string[]): Promise<LiveEvidence | undefined> {
  if (!src.rw || !dst.rw || !src.pg || !dst.pg) return undefined;
  const [srw, drw] = [src.rw, dst.rw];
  const ready = await step(c, "the source's application readies its tables for logical replication and starts writing", async () => {
    const keyless = await appSqlOk(
      srw,
      `SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) ORDER BY 1;`,
      "find the tables without a primary key",
    );
    await appSqlOk(
      srw,
      `${keyless.map((t) => `ALTER TABLE ${t} REPLICA IDENTITY FULL;`).join("\n")}\nCREATE TABLE ${LOAD_TABLE} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n bigint NOT NULL, touched int NOT NULL DEFAULT 0, at timestamptz NOT NULL DEFAULT clock_timestamp());`,
      "ready the tables",
    );
    return { value: true, detail: `REPLICA IDENTITY FULL on ${keyless.join(", ") || "no table"} (what replicate start asks of a table without a primary key); ${LOAD_TABLE} made for the write load` };
  });
  if (!ready) return undefined;
  const load = new WriteLoad(srw, drw);
  load.start();
  const passwords = { FREEHOLD_DRILL_SOURCE_SUPERUSER: superuserPassword(src), FREEHOLD_DRILL_TARGET_SUPERUSER: superuserPassword(dst) };
  const from = databaseUrl(superuserEndpoint(src, c.tls.caFile, "FREEHOLD_DRILL_SOURCE_SUPERUSER"));
  const to = databaseUrl(superuserEndpoint(dst, c.tls.caFile, "FREEHOLD_DRILL_TARGET_SUPERUSER"));
  const pair = ["--from", from, "--from-password-env", "FREEHOLD_DRILL_SOURCE_SUPERUSER", "--to", to, "--to-password-env", "FREEHOLD_DRILL_TARGET_SUPERUSER"];
  const links = ["--source-from-target", databaseUrl(superuserEndpoint(src, undefined, "")), "--target-from-source", databaseUrl(superuserEndpoint(dst, undefined, "")), "--quiet"];
  const t0 = Date.now();
  const lag: LiveEvidence["lag"] = [];
  let cut: { downtime: number; catchUp: number } | undefined;
  try {
    const started = await step(c, "replicate start while the application writes: schema, initial copy, streaming", async () => {
      const r = await replicate(c, ["freehold", "replicate", "start", ...pair, ...links, "--to-role", "app"], passwords);
      ran.push(r.line);
      return { value: true, detail: `${r.out.trim().split("\n")[0]} (${load.ids.source.length} rows written by then)` };
    });
    if (!started) return undefined;
    const streamed = await step(c, "replicate status until the target streams with the application still writing", async () => {
      let last = "";
      for (let i = 0; i < 2; i++) {
        const r = await replicate(c, ["freehold", "replicate", "status", ...pair, "--quiet"], passwords);
        if (i === 0) ran.push(r.line);
        last = r.out.trim();
        const bytes = lagOf(last);
        if (bytes !== undefined) lag.push({ atMs: Date.now() - t0, bytes });
      }
      if (!/streaming/.test(last)) throw new Error(`not streaming: ${last}`);
      return { value: true, detail: `${last} (lag samples: ${lag.map((l) => l.bytes).join(", ")} bytes)` };
    });
    if (!streamed) return undefined;
    cut = await step(c, "replicate cutover under the write load; the application moves to the target when writes are allowed there", async () => {
      const r = await replicate(c, ["freehold", "replicate", "cutover", ...pair, ...links.filter((a) => a !== "--quiet")], passwords, (l) => {
        if (/^writes allowed on /.test(l)) load.onTarget = true;
      });
      load.onTarget = true;
      ran.push(r.line);
      const m = /writes were stopped for ([\d.]+) s \(of which catching up ([\d.]+) s\)/.exec(r.out);
      if (!m) throw new Error(`cutover printed no write downtime: ${r.out.trim()}`);
      return { value: { downtime: Number(m[1]) * 1000, catchUp: Number(m[2]) * 1000 }, detail: r.out.trim().split("\n")[0] ?? "" };
    });
    if (!cut) return undefined;
    await load.untilTarget(20);
  } finally {
    load.onTarget = true;
    await load.stop();
  }
  const finished = await step(c, "replicate finish: the way back ended, what replicate made dropped", async () => {
    const r = await replicate(c, ["freehold", "replicate", "finish", ...pair, "--quiet"], passwords);
    ran.push(r.line);
    return { value: true, detail: r.out.trim().replace(/\n\s*/g, "; ") };
  });
  if (!finished) return undefined;
  return await step(c, "every row the application committed, on either side, is on the target", async () => {
    const committed = [...load.ids.source, ...load.ids.target];
    const have = new Set((await appSqlOk(drw, `SELECT id FROM ${LOAD_TABLE};`, "read the load's rows on the target")).map(Number));
    const missing = committed.filter((id) => !have.has(id));
    const ev: LiveEvidence = {
      writeDowntimeMs: cut.downtime,
      catchUpMs: cut.catchUp,
      applicationGapMs: load.firstTargetAt && load.lastSourceAt ? load.firstTargetAt - load.lastSourceAt : -1,
      rowsWritten: { source: load.ids.source.length, target: load.ids.target.length },
      updates: load.updates,
      rowsOnTarget: committed.length - missing.length,
      lost: missing.length,
      lag,
      standIn: STAND_IN,
    };
    check(
      c,
      "no write lost across the live cutover",
      missing.length === 0 && load.ids.source.length > 0 && load.ids.target.length > 0,
      `${ev.rowsWritten.source} rows committed on the source and ${ev.rowsWritten.target} on the target (${ev.updates} updates), ${ev.rowsOnTarget} of them on the target${missing.length ? `; missing ids ${missing.slice(0, 10).join(", ")}` : ""}`,
    );
    check(c, "the write downtime cutover measured is at most 10 s", ev.writeDowntimeMs <= 10_000, `${(ev.writeDowntimeMs / 1000).toFixed(2)} s without writes (catching up ${(ev.catchUpMs / 1000).toFixed(2)} s); the application's own gap ${(ev.applicationGapMs / 1000).toFixed(2)} s`);
    return { value: ev, detail: `${ev.rowsOnTarget} of ${committed.length} rows; write downtime ${(ev.writeDowntimeMs / 1000).toFixed(2)} s` };
  });
}
