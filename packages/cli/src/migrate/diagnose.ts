/**
 * Turning a failed tool run into something a person can act on: the tool's
 * own message (every line that says what went wrong, Go panic lines
 * included), which side failed, and what to check there.
 */
import path from "node:path";
import { MigrationToolError, type Side } from "./errors";
import type { RunResult } from "./proc";

/** What was being done when a tool failed: `side` is the server or store it talked to. */
export interface FailureContext {
  side?: Side;
  /** e.g. "dump the source", "restore into the target". */
  action: string;
  /** The URL or remote, secrets already replaced by `***`. */
  display?: string;
}

const PG_HINTS: Array<[RegExp, (side: string) => string]> = [
  [/password authentication failed|no password supplied|SCRAM|authentication failed/i, (s) => `the user name in the ${s} URL and its password (--${s === "source" ? "from" : "to"}-password-file or --${s === "source" ? "from" : "to"}-password-env, PGPASSWORD, or ~/.pgpass)`],
  [/database "[^"]*" does not exist/i, (s) => (s === "target" ? "the database name in the target URL: create the database on the target server first (createdb, or the cloud console), then run again" : "the database name in the source URL")],
  [/FATAL:\s+role "[^"]*" does not exist/i, (s) => `the user name in the ${s} URL`],
  [/role "[^"]*" does not exist/i, (s) => `the roles on the ${s} server: the dump refers to a role (a policy's TO, an ALTER ... OWNER) that does not exist there; roles are not migrated: create it on the ${s} first`],
  [
    /unrecognized configuration parameter "freehold\.fingerprint_key"/i,
    (s) =>
      `the ${s} connection: the fingerprint's key reaches the session in PGOPTIONS, which libpq ignores when a connection service file (?service=) sets options; move those options into the ${s} URL (?options=...)`,
  ],
  [
    /invalid snapshot identifier/i,
    (s) =>
      `the ${s} server: the session holding the copy's snapshot (freehold-...-snapshot) ended mid-copy, or this session reached another server session than the one that exported it: a pg_terminate_backend, a restart or failover, or a connection pooler (PgBouncer in transaction or statement mode) between this host and the server. Server timeouts do not end it (every session turns them off for itself); connect to the server directly and run again`,
  ],
  [/row-level security/i, (s) => `the ${s} user must see every row of every table to verify it: the tables' owner (when they do not FORCE ROW LEVEL SECURITY), a superuser, or a role with BYPASSRLS`],
  [/pg_largeobject_metadata_oid_index|large object \d+ already exists/i, (s) => `the large objects of the ${s} database: it already holds large objects with the OIDs the dump restores; use an empty database`],
  [/could not translate host name|Name or service not known|could not connect|Connection refused|timeout expired|No route to host|server closed the connection/i, (s) => `that the ${s} server is running and reachable from this host: host, port, firewall or private link, and sslmode`],
  [/SSL|certificate/i, (s) => `the sslmode and certificates for the ${s} (e.g. ?sslmode=require, PGSSLROOTCERT)`],
  [/permission denied|must be owner|insufficient privilege/i, (s) => `the ${s} user's privileges (${s === "target" ? "it must be able to create schemas, tables and extensions in the target database" : "it must be able to read every table, sequence and schema it dumps"})`],
  [/extension "[^"]*" is not available|could not open extension control file/i, () => "that every extension the source uses is available on the target server (managed services allow a fixed list)"],
  [/already exists/i, () => "the target database: it already holds an object the source's dump creates; use an empty database"],
  [/server version mismatch|aborting because of server version mismatch/i, () => "the PostgreSQL client tools: pg_dump must be at least as new as the source server (install a newer postgresql-client)"],
  [/No space left on device/i, () => "free disk space for the dump in the work directory (--work-dir), or on the target server"],
];

const RCLONE_HINTS: Array<[RegExp, string]> = [
  [/^panic:|goroutine \d+ \[/m, "rclone crashed (the panic above). Check the remote's options and the rclone version (rclone version); if they are right, report the panic to rclone"],
  [/AccessDenied|SignatureDoesNotMatch|InvalidAccessKeyId|AuthorizationFailure|AuthenticationFailed|403|401|permission denied|invalid_grant|NoCredentialProviders|no authentication method/i, "the credentials for that side (env_auth and the cloud's environment variables, access keys, account and key, SAS URL or service account) and their permission on the bucket or container"],
  [/NoSuchBucket|ContainerNotFound|bucket does not exist|directory not found|not found|404/i, "that the bucket or container named in the remote exists (Freehold creates nothing at the source; create the target's with the Freehold stack first)"],
  [/no such host|connection refused|dial tcp|i\/o timeout|TLS handshake|x509|certificate/i, "the endpoint, network and TLS settings of that remote (endpoint=..., proxies, firewall)"],
  [/didn't find section in config file|not found in config file/i, "the remote: write it as a connection string (:s3,...:bucket); Freehold does not read rclone.conf"],
];

/** The lines of a tool's output that say what went wrong (at most `max`), secrets already redacted by `run`. */
export function failureLines(text: string, max = 20): string {
  const lines = text.split("\n").filter((l) => l.trim().length > 0);
  const panic = lines.findIndex((l) => /^panic:|^fatal error:/.test(l));
  if (panic >= 0) return lines.slice(panic, panic + max).join("\n");
  const wanted = lines.filter((l) => /error|fatal|failed|panic|denied|refused|not exist|no such|invalid|could not|cannot|unable/i.test(l));
  return (wanted.length > 0 ? wanted : lines).slice(-max).join("\n");
}

function why(r: RunResult): string {
  if (r.aborted) return "was interrupted";
  if (r.signal) return `was killed by ${r.signal}`;
  return `exited with code ${r.code}`;
}

/** What to check for a PostgreSQL error message, or undefined when no rule fits. */
export function pgHint(output: string, side: Side): string | undefined {
  return PG_HINTS.find(([re]) => re.test(output))?.[1](side);
}

/** A failed PostgreSQL tool run (psql, pg_dump, pg_restore) as a MigrationToolError with a hint. */
export function pgFailure(r: RunResult, ctx: FailureContext): MigrationToolError {
  const tool = path.basename(r.command);
  const output = failureLines(r.stderr || r.stdout);
  const side = ctx.side ?? "source";
  const hint = pgHint(output, side) ?? `the ${ctx.side ?? "server"} ${ctx.display ? `(${ctx.display}) ` : ""}and the message above`;
  const where = ctx.side ? ` on the ${ctx.side}${ctx.display ? ` (${ctx.display})` : ""}` : "";
  return new MigrationToolError(`${tool} failed to ${ctx.action}${where}: it ${why(r)}.`, tool, r.code, { ...(ctx.side ? { side: ctx.side } : {}), output, hint });
}

/** A failed rclone run as a MigrationToolError: its own error and panic lines, the side when it can tell, a hint. */
export function rcloneFailure(r: RunResult, ctx: FailureContext, stderrText = r.stderr): MigrationToolError {
  const output = failureLines(stderrText || r.stdout);
  const hint = RCLONE_HINTS.find(([re]) => re.test(output))?.[1] ?? "the remotes' options and credentials, and the message above";
  const side = ctx.side;
  const where = side ? ` (${side}${ctx.display ? ` ${ctx.display}` : ""})` : "";
  return new MigrationToolError(`rclone failed to ${ctx.action}${where}: it ${why(r)}.`, "rclone", r.code, { ...(side ? { side } : {}), output: output || "(rclone printed nothing)", hint });
}
