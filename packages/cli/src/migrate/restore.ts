/**
 * The restore, in parallel, all or nothing.
 *
 * `pg_restore --single-transaction` cannot use parallel jobs, so atomicity is
 * kept another way:
 *
 * 1. Before anything is written, the SQL that undoes the restore is derived
 *    from the dump itself (the DROP statements `pg_restore --clean --if-exists`
 *    would run for every pre-data object, each with CASCADE) and saved in a
 *    journal in the work folder, minus the extensions the target already had.
 * 2. The pre-data section (schemas, tables, types, functions, sequences,
 *    views) is restored in one transaction with --exit-on-error: it either
 *    creates every object or none, and because the target held none of the
 *    source's tables and a conflicting object makes it fail, everything it
 *    creates is new, so dropping it removes only what this run made.
 * 3. Data and post-data (indexes, constraints, triggers) are restored with
 *    `pg_restore -j N`. Each table's data is committed as it finishes, and
 *    the caller is told, so verification of that table starts at once.
 * 4. On success the journal is removed. On failure or interruption the
 *    sessions of the restore are stopped and the journal's SQL runs in one
 *    transaction: the target is as it was. A run that was killed before it
 *    could do so (SIGKILL, power loss) leaves the journal, and the next run
 *    applies it before it restores again.
 */
import { pgFailure } from "./diagnose";
import { MigrationToolError } from "./errors";
import { type PgConnection, psql, quoteIdent } from "./pg";
import { run } from "./proc";
import type { WorkDir } from "./workdir";

/** The contiguous block of DROP statements `pg_restore --clean --if-exists` prints before it creates anything. */
export function dropBlock(script: string): string[] {
  const lines = script.split("\n");
  const start = lines.findIndex((l) => l.startsWith("SET row_security"));
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === "") {
      if (out.length > 0) break;
      continue;
    }
    if (!/^(DROP |ALTER .* DROP )/.test(line)) break;
    out.push(line);
  }
  return out;
}

/** `DROP … IF EXISTS x;` → `DROP … IF EXISTS x CASCADE;` (objects that depend on what this run created were created by it too). */
function cascade(stmt: string): string {
  return /^DROP /.test(stmt) && !/ CASCADE;$/.test(stmt) && !/^DROP USER MAPPING/.test(stmt) ? stmt.replace(/;$/, " CASCADE;") : stmt;
}

/** The DROP statements `pg_restore --clean --if-exists` would run for one section of the dump. */
async function cleanStatements(pgRestore: string, dumpDir: string, section: "pre-data" | "post-data"): Promise<string[]> {
  const r = await run(pgRestore, ["--clean", "--if-exists", `--section=${section}`, "--no-owner", "--no-privileges", "-f", "-", dumpDir]);
  if (r.code !== 0) throw pgFailure(r, { action: "read the dump's table of contents" });
  return dropBlock(r.stdout);
}

/** `DROP <kind> IF EXISTS <name>;` for a name the target already had (either spelling of the identifier). */
function dropsExisting(stmt: string, kind: string, existing: string[]): boolean {
  return existing.some((x) => stmt === `DROP ${kind} IF EXISTS ${quoteIdent(x)};` || stmt === `DROP ${kind} IF EXISTS ${x};`);
}

/**
 * The rollback script for restoring `dumpDir` into `target`: one transaction
 * that drops every pre-data object of the dump (CASCADE takes the tables'
 * indexes, constraints and triggers with them) and the dump's publications
 * and event triggers, except extensions, publications and event triggers the
 * target already had (the restore would have failed on, or kept, those).
 */
export async function rollbackSql(pgRestore: string, dumpDir: string, target: PgConnection): Promise<string> {
  const [pre, post, existing] = await Promise.all([
    cleanStatements(pgRestore, dumpDir, "pre-data"),
    cleanStatements(pgRestore, dumpDir, "post-data"),
    psql(
      target,
      "SELECT pg_catalog.json_build_object('ext', (SELECT coalesce(pg_catalog.json_agg(extname), '[]') FROM pg_catalog.pg_extension), 'pub', (SELECT coalesce(pg_catalog.json_agg(pubname), '[]') FROM pg_catalog.pg_publication), 'evt', (SELECT coalesce(pg_catalog.json_agg(evtname), '[]') FROM pg_catalog.pg_event_trigger));",
      { action: "list the target's extensions and publications" },
    ),
  ]);
  const had = JSON.parse(existing.lines[0] ?? "{}") as { ext?: string[]; pub?: string[]; evt?: string[] };
  const standalone = post.filter((x) => /^DROP (PUBLICATION|EVENT TRIGGER) IF EXISTS /.test(x) && !dropsExisting(x, "PUBLICATION", had.pub ?? []) && !dropsExisting(x, "EVENT TRIGGER", had.evt ?? []));
  const drops = [...standalone, ...pre.filter((x) => !dropsExisting(x, "EXTENSION", had.ext ?? []))].map(cascade);
  return ["SET client_min_messages = warning;", "SET lock_timeout = '30s';", ...drops].join("\n");
}

/** Undo a partial restore: stop what is still running in it, run the journal's SQL in one transaction, remove the journal. */
export async function rollBack(work: WorkDir, target: PgConnection, stopSessions: () => Promise<unknown>, log: (l: string) => void): Promise<void> {
  const journal = await work.readJournal();
  if (!journal) return;
  log(`undoing the unfinished restore into ${journal.target} (started ${journal.startedAt})`);
  await stopSessions();
  await psql(target, journal.rollbackSql, { action: "undo the unfinished restore" }).catch((e: unknown) => {
    throw new MigrationToolError(
      `could not undo the unfinished restore into ${journal.target}; the journal stays in ${work.dir} and the next run tries again.`,
      "psql",
      null,
      { side: "target", output: e instanceof MigrationToolError ? (e.details.output ?? e.message) : String(e), hint: "that the target is reachable and nothing else holds locks on the restored tables" },
    );
  });
  await work.clearJournal();
  log("the target is back as it was before the restore");
}

export interface RestoreOptions {
  pgRestore: string;
  dumpDir: string;
  target: PgConnection;
  jobs: number;
  work: WorkDir;
  signal?: AbortSignal;
  log: (line: string) => void;
  /** Called with the source OID of each table as soon as its data is committed in the target. */
  onTableRestored: (sourceOid: number) => void;
}

const COMMON = ["--no-owner", "--no-privileges", "--no-tablespaces", "--exit-on-error"];

/** dumpId → source table OID for every TABLE DATA entry of the dump's table of contents. */
async function tableDataItems(pgRestore: string, dumpDir: string): Promise<Map<number, number>> {
  const r = await run(pgRestore, ["-l", dumpDir]);
  if (r.code !== 0) throw pgFailure(r, { action: "read the dump's table of contents" });
  const items = new Map<number, number>();
  for (const m of r.stdout.matchAll(/^(\d+); \d+ (\d+) TABLE DATA /gm)) items.set(Number(m[1]), Number(m[2]));
  return items;
}

/** Restore the dump as described above. Throws (after rolling back) when any part fails. */
export async function restoreDump(o: RestoreOptions): Promise<void> {
  const fail = (r: Awaited<ReturnType<typeof run>>, action: string) => pgFailure(r, { side: "target", action, display: o.target.display });
  const env = { env: o.target.env, secrets: o.target.secrets, ...(o.signal ? { signal: o.signal } : {}) };
  const items = await tableDataItems(o.pgRestore, o.dumpDir);
  await o.work.writeJournal({ target: o.target.display, startedAt: new Date().toISOString(), rollbackSql: await rollbackSql(o.pgRestore, o.dumpDir, o.target) });

  o.log(`pg_restore --section=pre-data --single-transaction ${o.dumpDir} -> ${o.target.display}`);
  const pre = await run(o.pgRestore, [...COMMON, "--section=pre-data", "--single-transaction", "--dbname", o.target.conninfo, o.dumpDir], env);
  if (pre.code !== 0) {
    await o.work.clearJournal(); // one transaction: nothing was created
    throw fail(pre, "restore the schema into the target");
  }

  o.log(`pg_restore -j ${o.jobs} --section=data --section=post-data ${o.dumpDir} -> ${o.target.display}`);
  const parallel = o.jobs > 1;
  const rest = await run(o.pgRestore, [...COMMON, ...(parallel ? [`--jobs=${o.jobs}`, "--verbose"] : []), "--section=data", "--section=post-data", "--dbname", o.target.conninfo, o.dumpDir], {
    ...env,
    onStderrLine: (line) => {
      const m = /^pg_restore: finished item (\d+) TABLE DATA /.exec(line);
      const oid = m ? items.get(Number(m[1])) : undefined;
      if (oid !== undefined) o.onTableRestored(oid);
    },
  });
  if (rest.code !== 0) throw fail(rest, "restore the data into the target");
  for (const oid of items.values()) o.onTableRestored(oid); // repeats are ignored by the caller
  await o.work.clearJournal();
}
