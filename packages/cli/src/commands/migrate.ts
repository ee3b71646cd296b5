import { resolve } from "node:path";
import { type CommandSpec, type ParsedArgs, UsageError } from "../args";
import { EXIT } from "../errors";
import {
  type DatabaseManifest,
  MigrationError,
  MigrationInterrupted,
  MigrationToolError,
  MissingToolError,
  migrateDatabase,
  migrateObjects,
  type ObjectManifest,
  parseRemoteString,
  type RcloneRemote,
} from "../migrate";
import type { Io } from "./common";

export const DATABASE_MANIFEST = "database-manifest.json";
export const OBJECTS_MANIFEST = "objects-manifest.json";

export const migrateSpec: CommandSpec = {
  name: "migrate",
  summary: "Move a database (pg_dump/pg_restore) or an object store (rclone) and verify every row and object.",
  details: `freehold migrate database --from URL --to URL: PostgreSQL URLs (postgresql://user:pass@host:5432/db?sslmode=require).
  The source is opened read-only and dumped (pg_dump -Fd -j N) in a snapshot that every table is fingerprinted in at the
  same time; the restore runs N jobs and is all or nothing (a failed or interrupted one is undone); each table is verified
  on the target as soon as its data is in. The dump lives in --work-dir (kept after a failure, to resume) or in a private
  temporary folder removed after every run; after a verified run it is removed unless --keep-dump.
freehold migrate objects --from REMOTE --to REMOTE: rclone connection strings, :TYPE,key=value,...:bucket/prefix
  (TYPE s3, azureblob or gcs; quote a value that holds ":" or ",": :s3,provider=Other,endpoint='https://host:9000':bucket),
  or a local directory. rclone copy --checksum, never sync or move; re-running skips what is complete. Verifies size and
  hash of every object.
Both write a manifest. Exit codes: 0 verified; 1 verification failed, the target already held other data, or a tool or
server failed (its own message, which side, what to check); 2 bad input or a missing tool; 130/143 interrupted (SIGINT/
SIGTERM): every tool and query was stopped on both sides and a partial restore undone.`,
  positionals: [{ name: "what", description: "database or objects", required: true }],
  flags: [
    { name: "from", type: "string", required: true, placeholder: "URL|REMOTE", description: "Source." },
    { name: "to", type: "string", required: true, placeholder: "URL|REMOTE", description: "Target." },
    { name: "manifest", type: "string", placeholder: "FILE", description: `Where to write the manifest (default: ${DATABASE_MANIFEST} or ${OBJECTS_MANIFEST} in the current directory).` },
    { name: "work-dir", type: "string", placeholder: "DIR", description: "Database: where the dump is kept between runs, to resume after a failure (default: a private temporary folder, removed after every run)." },
    { name: "keep-dump", type: "boolean", description: "Database: keep the dump after a verified run (it is a full copy of the data)." },
    { name: "jobs", type: "number", placeholder: "N", default: 2, description: "Database: parallel pg_dump/pg_restore jobs and target verification sessions." },
    { name: "transfers", type: "number", placeholder: "N", default: 4, description: "Objects: objects copied at once (rclone --transfers)." },
    { name: "verify", type: "string", values: ["hash", "download"], default: "hash", description: "Objects: trust stored MD5s, or download and hash both sides." },
    { name: "quiet", type: "boolean", description: "No progress lines." },
  ],
  examples: [
    'freehold migrate database --from "postgresql://app:$SRC@src-host:5432/app?sslmode=require" --to "postgresql://app:$DST@dst-host:5432/app?sslmode=require" --work-dir /var/tmp/exit',
    "freehold migrate objects --from :s3,provider=AWS,env_auth,region=eu-west-2:uploads --to :azureblob,account=uploadsacct,env_auth:uploads",
    "freehold migrate objects --from \":s3,provider=Other,endpoint='http://10.0.0.5:9000',env_auth:assets\" --to /srv/assets-copy --transfers 16",
  ],
};

function parseRemote(text: string, flag: string, problems: string[]): RcloneRemote | undefined {
  const p = parseRemoteString(text);
  if (p.ok) return p.remote;
  problems.push(`--${flag}: ${JSON.stringify(text)} ${p.reason}`);
  return undefined;
}

function positive(args: ParsedArgs, flag: string, problems: string[]): number {
  const n = Number(args.flags[flag]);
  if (!Number.isInteger(n) || n < 1) problems.push(`--${flag} must be a whole number of at least 1, not ${n}`);
  return n;
}

function postgresUrl(text: string, flag: string, problems: string[]): string {
  let ok = false;
  try {
    const u = new URL(text);
    ok = (u.protocol === "postgres:" || u.protocol === "postgresql:") && u.pathname.length > 1;
  } catch {
    /* not a URL */
  }
  if (!ok) problems.push(`--${flag}: not a PostgreSQL URL with a database name (expected postgresql://user:password@host:port/database)`);
  return text;
}

/** SIGINT and SIGTERM abort the run (everything it started is stopped) instead of killing the process. */
export function interruptible(): { signal: AbortSignal; which: () => NodeJS.Signals | undefined; dispose: () => void } {
  const ac = new AbortController();
  let got: NodeJS.Signals | undefined;
  const on = (s: NodeJS.Signals) => () => {
    got ??= s;
    ac.abort();
  };
  const int = on("SIGINT");
  const term = on("SIGTERM");
  process.on("SIGINT", int);
  process.on("SIGTERM", term);
  return {
    signal: ac.signal,
    which: () => got,
    dispose: () => {
      process.off("SIGINT", int);
      process.off("SIGTERM", term);
    },
  };
}

function databaseSummary(m: DatabaseManifest, manifestPath: string): string {
  const dump = m.dump.kept ? `The dump is kept in ${m.dump.dir}: it is a full copy of the data; delete it when the migration is accepted.` : "No copy of the data is left on this host.";
  return `Database migrated and verified: ${m.totals.tables} tables, ${m.totals.rows} rows, ${m.totals.sequences} sequences, every checksum equal.\n${dump}\nManifest: ${manifestPath}\n`;
}

function objectsSummary(m: ObjectManifest, manifestPath: string): string {
  return `Objects copied and verified: ${m.totals.objects} objects, every size and hash equal (${m.copy.transferred} copied, ${m.copy.alreadyPresent} already present).\nManifest: ${manifestPath}\n`;
}

export async function runMigrate(args: ParsedArgs, io: Io): Promise<number> {
  const what = args.positionals[0];
  if (what !== "database" && what !== "objects") throw new UsageError([`${JSON.stringify(what)} is not something to migrate; use database or objects`], "migrate");
  const log = args.flags.quiet ? undefined : (line: string) => io.err(`${line}\n`);
  const problems: string[] = [];
  const manifestPath = resolve(String(args.flags.manifest ?? (what === "database" ? DATABASE_MANIFEST : OBJECTS_MANIFEST)));
  const jobs = positive(args, "jobs", problems);
  const transfers = positive(args, "transfers", problems);
  const from = what === "database" ? postgresUrl(String(args.flags.from), "from", problems) : parseRemote(String(args.flags.from), "from", problems);
  const to = what === "database" ? postgresUrl(String(args.flags.to), "to", problems) : parseRemote(String(args.flags.to), "to", problems);
  if (problems.length) throw new UsageError(problems, "migrate");
  const stop = interruptible();
  try {
    if (what === "database") {
      const workDir = args.flags["work-dir"] as string | undefined;
      const m = await migrateDatabase({ from: from as string, to: to as string, ...(workDir ? { workDir } : {}), keepDump: args.flags["keep-dump"] === true, manifestPath, jobs, log, signal: stop.signal });
      io.out(databaseSummary(m, manifestPath));
    } else {
      const m = await migrateObjects({ from: from as RcloneRemote, to: to as RcloneRemote, manifestPath, transfers, verify: args.flags.verify as "hash" | "download", log, signal: stop.signal });
      io.out(objectsSummary(m, manifestPath));
    }
    return EXIT.ok;
  } catch (e) {
    return migrationFailure(e, io, stop.which());
  } finally {
    stop.dispose();
  }
}

/** Report a failed migration or rehearsal with its exit code; rethrows what is not the user's to act on. */
export function migrationFailure(e: unknown, io: Io, signal?: NodeJS.Signals, command = "migrate"): number {
  if (e instanceof MigrationInterrupted || signal) {
    io.err(`freehold ${command}: ${e instanceof MigrationInterrupted ? e.message : `interrupted by ${signal}`}\n`);
    return signal === "SIGTERM" ? EXIT.terminated : EXIT.interrupted;
  }
  if (e instanceof MigrationError) {
    io.err(`${e.message}\n`);
    return EXIT.findings;
  }
  if (e instanceof MigrationToolError) {
    io.err(`freehold ${command}: ${e.report()}\n`);
    return EXIT.findings;
  }
  if (e instanceof MissingToolError) {
    io.err(`freehold ${command}: ${e.message}\n`);
    return EXIT.usage;
  }
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string" && ["EACCES", "EPERM", "ENOSPC", "EROFS", "ENOENT", "ENOTDIR", "EISDIR", "EDQUOT"].includes(code)) {
    io.err(`freehold ${command}: ${(e as Error).message}\nCheck: the work folder (--work-dir) and the manifest path (--manifest): they must be writable and have room for the dump.\n`);
    return EXIT.findings;
  }
  throw e;
}
