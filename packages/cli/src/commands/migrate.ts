import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type CommandSpec, type FlagSpec, type ParsedArgs, UsageError } from "../args";
import { EXIT } from "../errors";
// The object side's modules only: the database side (its work folder's schemas load zod) is loaded by the database commands alone.
import type * as DatabaseModule from "../migrate/database";
import { MigrationError, MigrationInterrupted, MigrationToolError, MissingToolError } from "../migrate/errors";
import { UntrustedFileError, userFolderProblems } from "../migrate/folders";
import type { DatabaseManifest, ObjectManifest } from "../migrate/manifest";
import { migrateObjects } from "../migrate/objects";
import { manifestFolderProblems, readSinceManifest } from "../migrate/objects-since";
import { type RcloneRemote, verifyObjects } from "../migrate/rclone";
import type { DatabaseVerification } from "../migrate/verify";

const database = () => require("../migrate/database") as typeof DatabaseModule;

import type { Io } from "./common";
import { ALLOW_UNVERIFIED_TLS, outputFileProblems, passwordFor, postgresUrl, remoteArg, type SideFlag, withSecrets } from "./migrate-input";

export const DATABASE_MANIFEST = "database-manifest.json";
export const OBJECTS_MANIFEST = "objects-manifest.json";

const DATABASE_FLAGS = ["from-password-file", "from-password-env", "to-password-file", "to-password-env", "work-dir", "keep-dump", "jobs", "allow-live-source", "undo-partial-restore", "to-role", "as-admin", "trust-functions-of", "allow-other-tables", ALLOW_UNVERIFIED_TLS];
const OBJECT_FLAGS = ["from-secrets-file", "to-secrets-file", "transfers", "verify", "replace", "follow-links", "since", "max-delete"];

const sideFlags = (side: SideFlag, what: string): FlagSpec[] => [
  { name: `${side}-password-file`, type: "string", placeholder: "FILE", description: `Database: the ${what}'s password, the first line of a file only you can read (mode 600).` },
  { name: `${side}-password-env`, type: "string", placeholder: "NAME", description: `Database: the ${what}'s password, from this environment variable.` },
  { name: `${side}-secrets-file`, type: "string", placeholder: "FILE", description: `Objects: the ${what}'s secret rclone options (secret_access_key, key, sas_url, service_account_credentials…), one name=value a line, in a file only you can read.` },
];

export const migrateSpec: CommandSpec = {
  name: "migrate",
  summary: "Move a database (pg_dump/pg_restore) or an object store (rclone) and verify every row and object; or verify an earlier move.",
  details: `freehold migrate database --from URL --to URL: PostgreSQL URLs without a password that verify the server
  (postgresql://user@host:5432/db?sslmode=verify-full&sslrootcert=ca.pem; anything else is refused unless --allow-unverified-tls);
  each password comes from --from-password-file / --to-password-file (a file only you can read), --from-password-env /
  --to-password-env, PGPASSWORD or libpq's password file: never from the command line, where every user of the host could read it.
  The source is opened read-only and its tables streamed to the target (COPY from server to server, N at a time, no copy of the
  rows on this host) in a snapshot it is fingerprinted and described in; the copy is all or nothing (a failed or interrupted one
  is undone); each table is verified on the target as soon as its data is in, then the schema (columns, types, constraints, indexes…) and sequences, and the source is checked for writes made after
  the snapshot: "verified" says the instant the target equals the source at. A source written to during the run fails the run
  unless --allow-live-source. A source with no table, sequence or large object, or a target holding tables the source does not, is
  refused before anything is written (most often a wrong or swapped URL) unless --allow-empty-source / --allow-other-tables. Say who owns what the restore creates: --to-role ROLE restores as that role of the target (app, on a
  Freehold database), which then owns everything restored and can use it; --as-admin restores as the target's login, which then owns
  everything (the application's role may not read or write it until granted) and its materialized views are left unpopulated (a refresh
  runs a view's query as its owner): the run names them with the statements to refresh them as the application role. One of the two is required. Source and target must be different databases. Files live in a private folder: its own folder inside
  --work-dir, or a temporary one removed after every run. --keep-dump takes the dump path instead (pg_dump -Fd -j N, pg_restore -j N)
  and keeps the dump, a full copy of the data; a kept dump is reused while the source is unchanged.
freehold migrate objects --from REMOTE --to REMOTE: rclone connection strings, :TYPE,key=value,...:bucket/prefix
  (TYPE s3, azureblob or gcs; quote a value that holds ":" or ",": :s3,provider=Other,endpoint='https://host:9000',env_auth:bucket),
  or a local directory; secret options come from --from-secrets-file / --to-secrets-file or the cloud's environment (env_auth).
  rclone copy --checksum, never sync or move; re-running skips what is complete. Refuses a target that holds other objects under
  the same keys unless --replace, a source with no object under its path (a mistyped prefix lists empty) unless
  --allow-empty-source, and a local source's symbolic links unless --follow-links. Verifies size and hash of every object.
freehold migrate verify database|objects --from ... --to ...: compare two databases (schema, every table, sequences, each read in
  one snapshot) or two stores (size and MD5 of every object) as they are now; writes nothing.
Exit codes: 0 verified; 1 verification failed, the target already held other data, the source moved on, or a tool or server failed
(its own message, which side, what to check); 2 bad input or a missing tool; 129/130/143 interrupted (SIGHUP/SIGINT/SIGTERM):
every tool and query was stopped on both sides and a partial restore undone.`,
  positionals: [
    { name: "what", description: "database, objects, or verify", required: true },
    { name: "kind", description: "with verify: database or objects", required: false },
  ],
  flags: [
    { name: "from", type: "string", required: true, placeholder: "URL|REMOTE", description: "Source." },
    { name: "to", type: "string", required: true, placeholder: "URL|REMOTE", description: "Target." },
    ...sideFlags("from", "source"),
    ...sideFlags("to", "target"),
    { name: "manifest", type: "string", placeholder: "FILE", description: `Where to write the manifest (default: ${DATABASE_MANIFEST} or ${OBJECTS_MANIFEST} in the current directory).` },
    { name: "work-dir", type: "string", placeholder: "DIR", description: "Database: a folder you own for the run's files; the run uses a private folder of its own in it (default: a private temporary folder, removed after every run)." },
    { name: "keep-dump", type: "boolean", description: "Database: copy through a dump on this host (pg_dump/pg_restore) instead of streaming, and keep it after a verified run (it is a full copy of the data)." },
    { name: "jobs", type: "number", placeholder: "N", description: "Database: tables streamed at once (or pg_dump/pg_restore jobs), index builds, and target verification sessions (default 2)." },
    {
      name: ALLOW_UNVERIFIED_TLS,
      type: "boolean",
      description: "Database: connect to a server whose URL does not say sslmode=verify-full (a local test server without a certificate authority): the server is not checked, so anyone on the path could pose as it. Without it such a URL is refused.",
    },
    {
      name: "allow-empty-source",
      type: "boolean",
      description:
        "Copy from a source that holds nothing (database: no table, sequence or large object; objects: no object under its path). Without it such a run refuses before writing anything: an empty source is most often a wrong, swapped or mistyped --from.",
    },
    {
      name: "allow-other-tables",
      type: "boolean",
      description: "Database: copy into a target that holds tables the source does not (left as they are, not verified). Without it such a run refuses before writing anything: such a target is most often the wrong database, or --from the wrong source.",
    },
    { name: "allow-live-source", type: "boolean", description: "Database: accept a source written to during the run: verified as of the snapshot only, the changes since named in the manifest." },
    {
      name: "undo-partial-restore",
      type: "boolean",
      description: "Database: first undo the restore an earlier, killed run of this source and target left in the target (dropping what it created, with any rows written there since); without it such a run refuses and names what would be dropped.",
    },
    {
      name: "to-role",
      type: "string",
      placeholder: "ROLE",
      description: "Database: restore as this role of the target (pg_restore --role), so it owns every object the restore creates: app, the read-write role of a Freehold database, which its read-only role reads. The target's login must be able to SET ROLE to it.",
    },
    {
      name: "as-admin",
      type: "boolean",
      description: "Database: restore as the target's login, which then owns every object the restore creates (on a Freehold database the application's role may not use them until granted); materialized views are left unpopulated, named with the statements to refresh them as the application role. Without it, --to-role is required.",
    },
    {
      name: "trust-functions-of",
      type: "string",
      placeholder: "ROLES",
      description:
        "Database: comma-separated roles of the source whose functions the target may run (in an index, a CHECK, a default, a trigger, a domain or column type, or SECURITY DEFINER). The restore builds indexes and constraints after the checksums were taken, as the restoring role, so such code could change a verified table: without it, a function owned by neither the source's login nor a superuser is refused.",
    },
    { name: "transfers", type: "number", placeholder: "N", description: "Objects: objects copied at once (rclone --transfers; default 4)." },
    { name: "verify", type: "string", values: ["hash", "download"], description: "Objects: trust stored MD5s (hash), or download and hash both sides (download). Default: hash, or download when either side is Azure Blob Storage, whose stored MD5 is the writer's claim, not checked." },
    { name: "replace", type: "boolean", description: "Objects: overwrite objects the target already holds with other content under the same keys (they are named in the manifest)." },
    {
      name: "since",
      type: "string",
      placeholder: "MANIFEST",
      description:
        "Objects: the final delta of a live exit. Given the manifest of an earlier verified run of the same source and target, copies what is new, replaces what that run copied and the source changed since, deletes from the target what a freehold run copied and the source removed since (only where the target still holds what that run wrote; never an object the target held before the first run), then verifies every object. The manifest must be this user's (owned by you, writable by no one else, in a folder others cannot write).",
    },
    {
      name: "max-delete",
      type: "number",
      placeholder: "N",
      description: "Objects, with --since: delete at most N objects from the target (0: none). Default: at most 100, and at most half of the objects freehold copied; a delta that would delete more refuses, having copied and deleted nothing.",
    },
    { name: "follow-links", type: "boolean", description: "Objects: copy what a local source's symbolic links point to (rclone --copy-links), only when it lies inside the source folder; the copies get this user's default file permissions, not the originals'." },
    { name: "quiet", type: "boolean", description: "No progress lines." },
  ],
  examples: [
    'freehold migrate database --from "postgresql://app@src-host:5432/app?sslmode=verify-full&sslrootcert=source-ca.pem" --from-password-file ~/.secrets/src --to "postgresql://admin@dst-host:5432/app?sslmode=verify-full&sslrootcert=target-ca.pem" --to-password-env DST_PASSWORD --to-role app --work-dir /var/tmp/exit',
    "freehold migrate objects --from :s3,provider=AWS,env_auth,region=eu-west-2:uploads --to :azureblob,account=uploadsacct,env_auth:uploads",
    "freehold migrate objects --from \":s3,provider=Other,endpoint='http://10.0.0.5:9000':assets\" --from-secrets-file ~/.secrets/minio --to /srv/assets-copy --transfers 16",
    'freehold migrate verify database --from "postgresql://app@src-host/app?sslmode=verify-full&sslrootcert=source-ca.pem" --to "postgresql://app@dst-host/app?sslmode=verify-full&sslrootcert=target-ca.pem"',
  ],
};

function positive(args: ParsedArgs, flag: string, fallback: number, problems: string[]): number {
  const n = args.flags[flag] === undefined ? fallback : Number(args.flags[flag]);
  if (!Number.isInteger(n) || n < 1) problems.push(`--${flag} must be a whole number of at least 1, not ${n}`);
  return n;
}

/** --max-delete: a whole number of at least 0, and only for a delta (--since). */
function maxDeleteProblems(args: ParsedArgs, problems: string[]): void {
  const given = args.flags["max-delete"];
  if (given === undefined) return;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 0) problems.push(`--max-delete must be a whole number of at least 0, not ${given}`);
  if (args.flags.since === undefined) problems.push("--max-delete applies only to a delta (--since MANIFEST): a first run never deletes");
}

/** Flags that belong to the other kind of migration: an error, not silently ignored. */
function foreignFlags(args: ParsedArgs, kind: "database" | "objects", verify: boolean, problems: string[]): void {
  const given = (f: string) => args.flags[f] !== undefined;
  const foreign = kind === "database" ? OBJECT_FLAGS : DATABASE_FLAGS.filter((f) => !(verify && f === "allow-live-source"));
  const notForVerify = verify ? ["work-dir", "keep-dump", "jobs", "replace", "transfers", "manifest", "undo-partial-restore", "to-role", "as-admin", "trust-functions-of", "since", "max-delete", "allow-empty-source", "allow-other-tables"] : [];
  for (const f of [...foreign, ...notForVerify]) if (given(f)) problems.push(`--${f} does not apply to ${verify ? "migrate verify " : "migrate "}${kind}`);
}

interface Input {
  kind: "database" | "objects";
  verify: boolean;
  manifestPath: string;
  jobs: number;
  transfers: number;
  /** Undefined: the library's default (download with an Azure side, else hash). */
  verifyMode: "hash" | "download" | undefined;
  db?: { from: string; to: string; fromPassword?: string; toPassword?: string };
  objects?: { from: RcloneRemote; to: RcloneRemote };
}

/**
 * Who owns what a restore creates, said explicitly: the owner decides whether the application can use its tables (a
 * table the target's administrator owns is out of reach of the application's role until granted), and a restore as
 * the wrong one is found only when the application fails on the new database, so neither is assumed.
 */
function ownerProblems(args: ParsedArgs, problems: string[]): void {
  const role = args.flags["to-role"] !== undefined;
  const admin = args.flags["as-admin"] === true;
  if (role && admin) problems.push("--to-role and --as-admin exclude each other: the restore runs as one role, which owns every object it creates");
  if (!role && !admin)
    problems.push(
      "say who owns what the restore creates: --to-role ROLE (the application's role, app on a Freehold database: it owns every table and can use it) or --as-admin (the target's login owns every object; the application's role may not read or write them until granted)",
    );
}

const trustRoles = (raw: string): string[] => raw.split(",").map((r) => r.trim());

/** --trust-functions-of: role names only (they go into a query as literals, but a typo should not pass silently). */
function trustProblems(args: ParsedArgs, problems: string[]): void {
  const raw = args.flags["trust-functions-of"] as string | undefined;
  for (const r of raw === undefined ? [] : trustRoles(raw))
    if (!/^[a-z_][a-z0-9_$]{0,62}$/.test(r)) problems.push(`--trust-functions-of must list role names separated by commas (lower-case letters, digits, _ and $, at most 63 each), not ${JSON.stringify(r)}`);
}

/** Every problem with the command line at once (UsageError), or what to run. */
function readInput(args: ParsedArgs): Input {
  const [what, sub] = args.positionals;
  const verify = what === "verify";
  const kind = verify ? sub : what;
  if (kind !== "database" && kind !== "objects")
    throw new UsageError([verify ? `${JSON.stringify(sub ?? "")} is not something to verify; use verify database or verify objects` : `${JSON.stringify(what)} is not something to migrate; use database, objects, or verify`], "migrate");
  if (!verify && sub !== undefined) throw new UsageError([`unexpected argument: ${sub}`], "migrate");
  const problems: string[] = [];
  foreignFlags(args, kind, verify, problems);
  const manifestPath = resolve(String(args.flags.manifest ?? (kind === "database" ? DATABASE_MANIFEST : OBJECTS_MANIFEST)));
  if (!verify) problems.push(...outputFileProblems(manifestPath, "manifest"));
  if (!verify && kind === "objects") problems.push(...manifestFolderProblems(manifestPath));
  const jobs = positive(args, "jobs", 2, problems);
  const transfers = positive(args, "transfers", 4, problems);
  maxDeleteProblems(args, problems);
  if (args.flags["work-dir"] !== undefined) problems.push(...userFolderProblems(String(args.flags["work-dir"]), "work-dir"));
  const input: Input = { kind, verify, manifestPath, jobs, transfers, verifyMode: args.flags.verify as "hash" | "download" | undefined };
  if (kind === "database") {
    const tls = args.flags[ALLOW_UNVERIFIED_TLS] ? "any" : "verified";
    const from = postgresUrl(String(args.flags.from), "from", problems, tls);
    const to = postgresUrl(String(args.flags.to), "to", problems, tls);
    const fromPassword = passwordFor(args, "from", problems);
    const toPassword = passwordFor(args, "to", problems);
    input.db = { from, to, ...(fromPassword !== undefined ? { fromPassword } : {}), ...(toPassword !== undefined ? { toPassword } : {}) };
    if (!verify) {
      ownerProblems(args, problems);
      trustProblems(args, problems);
    }
  } else {
    const from = withSecrets(remoteArg(String(args.flags.from), "from", problems), args, "from", problems);
    const to = withSecrets(remoteArg(String(args.flags.to), "to", problems), args, "to", problems);
    if (from && to) input.objects = { from, to };
  }
  if (problems.length) throw new UsageError(problems, "migrate");
  return input;
}

const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: EXIT.interrupted, SIGTERM: EXIT.terminated, SIGHUP: EXIT.hangup };

/** SIGINT, SIGTERM and SIGHUP abort the run (everything it started is stopped) instead of killing the process. */
export function interruptible(): { signal: AbortSignal; which: () => NodeJS.Signals | undefined; dispose: () => void } {
  const ac = new AbortController();
  let got: NodeJS.Signals | undefined;
  const handlers = (Object.keys(SIGNAL_EXIT) as NodeJS.Signals[]).map((s) => {
    const h = () => {
      got ??= s;
      ac.abort();
    };
    process.on(s, h);
    return [s, h] as const;
  });
  return {
    signal: ac.signal,
    which: () => got,
    dispose: () => {
      for (const [s, h] of handlers) process.off(s, h);
    },
  };
}

/** What else the target holds: left alone and not verified, but said, not only written to the manifest. */
function extraTables(extra: string[]): string {
  if (extra.length === 0) return "";
  const shown = extra.length > 10 ? `${extra.slice(0, 10).join(", ")} and ${extra.length - 10} more` : extra.join(", ");
  return `The target also holds ${extra.length} table(s) the source does not (left as they were, not verified): ${shown}.\n`;
}

const largeObjectsPart = (n: number) => (n > 0 ? `, ${n} large objects` : "");

export function databaseSummary(m: DatabaseManifest, manifestPath: string): string {
  const owner = m.restore.role && !m.restore.skipped ? `Every object the restore created belongs to ${m.restore.role}.\n` : "";
  const dump = m.dump.kept ? `The dump is kept in ${m.dump.dir}: it is a full copy of the data; delete it when the migration is accepted.` : "No copy of the data is left on this host.";
  return `Database migrated and verified: ${m.totals.tables} tables, ${m.totals.rows} rows, ${m.totals.sequences} sequences${largeObjectsPart(m.largeObjects.sourceCount)} and ${m.schema.objects} schema objects, every definition and checksum equal.\nVerified: ${m.consistency.statement}.\n${owner}${unpopulatedViews(m.restore.unpopulatedMaterializedViews)}${extraTables(m.extraTargetTables)}${dump}\nManifest: ${manifestPath}\n`;
}

/**
 * Materialized views a restore as the login left unpopulated: a refresh runs the view's query as the view's
 * owner, which would be the target's administrator. The statements hand each to the application role first.
 */
function unpopulatedViews(views: string[] | undefined): string {
  if (!views?.length) return "";
  const statements = views.map((v) => `  ALTER MATERIALIZED VIEW ${v} OWNER TO app; REFRESH MATERIALIZED VIEW ${v};`).join("\n");
  return `${views.length} materialized view(s) hold no data on the target: restored as its administrator, the tool does not refresh them (a refresh runs the view's query as its owner, and the query is the source's). Their content is not verified. Refresh each as the application role (app here: use yours), connected as the administrator:\n${statements}\n`;
}

function notDeleted(keys: string[] | undefined): string {
  return keys?.length
    ? `Not deleted: ${keys.length} object(s) gone from the source, because the manifest given to --since does not record which objects freehold copied (an older freehold wrote it); delete them yourself if they are yours. The new manifest records it for a later delta.\n`
    : "";
}

/** Up to 20 keys, then how many more the manifest lists. */
function someKeys(keys: string[]): string {
  return keys.length > 20 ? `${keys.slice(0, 20).join(", ")} and ${keys.length - 20} more (listed in the manifest)` : keys.join(", ");
}

function keptWritten(keys: string[] | undefined): string {
  return keys?.length ? `Kept: ${keys.length} object(s) gone from the source that were written into the target after the first copy (read again just before deleting): ${someKeys(keys)}.\n` : "";
}

function notProven(keys: string[] | undefined): string {
  return keys?.length
    ? `Not deleted: ${keys.length} object(s) gone from the source that no freehold run is recorded as having written (the target held them when a run began: before the first copy, or left by a run interrupted before its manifest); delete them yourself if they are yours: ${someKeys(keys)}.\n`
    : "";
}

/**
 * How the verified objects came to be in the target, adding up to their number: those this run
 * copied, those the target held equal before it, and those another writer put there, equal, while
 * it ran (rclone then had nothing to copy). Replacements are among the copied.
 */
export function objectsCounted(m: Pick<ObjectManifest, "copy" | "totals">): string {
  const meanwhile = m.totals.objects - m.copy.transferred - m.copy.alreadyPresent;
  const replaced = m.copy.replaced ? `, ${m.copy.replaced} replaced` : "";
  return `${m.copy.transferred} copied, ${m.copy.alreadyPresent} already present${replaced}${meanwhile > 0 ? `, ${meanwhile} found equal in the target during the copy (written there by something else meanwhile)` : ""}`;
}

function objectsSummary(m: ObjectManifest, manifestPath: string): string {
  const delta = m.delta ? `Delta since ${m.delta.since}: ${m.delta.added} new, ${m.delta.changed.length} changed, ${m.delta.removed.length} removed from the source and deleted from the target, in ${(m.timings.totalMs / 1000).toFixed(2)} s, verification included.\n${notDeleted(m.delta.notDeleted)}${keptWritten(m.delta.keptWritten)}${notProven(m.delta.notProven)}` : "";
  return `Objects copied and verified: ${m.totals.objects} objects, every size and hash equal (${objectsCounted(m)}).\n${delta}Manifest: ${manifestPath}\n`;
}

function verificationSummary(v: DatabaseVerification): string {
  const rows = v.tables.reduce((n, t) => n + t.sourceRows, 0);
  return `Databases equal: ${v.tables.length} tables, ${rows} rows, ${v.sequences.length} sequences${largeObjectsPart(v.largeObjects.sourceCount)}; schema equal.\nVerified: ${v.consistency.statement}.\n${extraTables(v.extraTargetTables)}`;
}

async function runDatabase(input: Input, args: ParsedArgs, io: Io, log: ((l: string) => void) | undefined, signal: AbortSignal): Promise<void> {
  const db = input.db as NonNullable<Input["db"]>;
  const allowLiveSource = args.flags["allow-live-source"] === true;
  if (input.verify) {
    io.out(verificationSummary(await database().verifyDatabase({ ...db, allowLiveSource, ...(log ? { log } : {}), signal })));
    return;
  }
  const workDir = args.flags["work-dir"] as string | undefined;
  const targetRole = args.flags["to-role"] as string | undefined;
  const trustRaw = args.flags["trust-functions-of"] as string | undefined;
  const m = await database().migrateDatabase({
    ...db,
    ...(trustRaw !== undefined ? { trustFunctionsOf: trustRoles(trustRaw) } : {}),
    ...(workDir ? { workDir } : {}),
    ...(targetRole ? { targetRole } : {}),
    keepDump: args.flags["keep-dump"] === true,
    allowLiveSource,
    undoPartialRestore: args.flags["undo-partial-restore"] === true,
    allowEmptySource: args.flags["allow-empty-source"] === true,
    allowOtherTables: args.flags["allow-other-tables"] === true,
    manifestPath: input.manifestPath,
    jobs: input.jobs,
    log,
    signal,
  });
  io.out(databaseSummary(m, input.manifestPath));
}

async function runObjects(input: Input, args: ParsedArgs, io: Io, log: ((l: string) => void) | undefined, signal: AbortSignal): Promise<void> {
  const o = input.objects as NonNullable<Input["objects"]>;
  const common = { ...o, ...(input.verifyMode ? { verify: input.verifyMode } : {}), followLinks: args.flags["follow-links"] === true, ...(log ? { log } : {}), signal };
  if (input.verify) {
    const v = await verifyObjects(common);
    io.out(`Objects equal: ${v.entries.length} objects, every size and hash equal.\n`);
    return;
  }
  const sincePath = args.flags.since === undefined ? undefined : resolve(String(args.flags.since));
  const since = sincePath ? await readSince(sincePath) : undefined;
  const maxDelete = args.flags["max-delete"] === undefined ? undefined : Number(args.flags["max-delete"]);
  const m = await migrateObjects({ ...common, manifestPath: input.manifestPath, transfers: input.transfers, replace: args.flags.replace === true, allowEmptySource: args.flags["allow-empty-source"] === true, ...(since ? { since, sincePath } : {}), ...(maxDelete !== undefined ? { maxDelete } : {}) });
  io.out(objectsSummary(m, input.manifestPath));
}

/** The earlier run's manifest for --since: read by readSinceManifest; a file that cannot be read is a usage error. */
async function readSince(file: string): Promise<ObjectManifest> {
  if (!existsSync(file)) throw new UsageError([`--since: cannot read ${file}: ENOENT; give the manifest an earlier freehold migrate objects wrote`], "migrate");
  return readSinceManifest(file);
}

export async function runMigrate(args: ParsedArgs, io: Io): Promise<number> {
  const input = readInput(args);
  const log = args.flags.quiet ? undefined : (line: string) => io.err(`${line}\n`);
  const stop = interruptible();
  try {
    if (input.kind === "database") await runDatabase(input, args, io, log, stop.signal);
    else await runObjects(input, args, io, log, stop.signal);
    return EXIT.ok;
  } catch (e) {
    return migrationFailure(e, io, stop.which(), "migrate", input.kind === "objects" ? OBJECTS_CHECK : undefined);
  } finally {
    stop.dispose();
  }
}

/** What to check after a file-system error of a run with a work folder (a database migration, a rehearsal). */
const WORK_CHECK = "Check: the work folder (--work-dir) and the manifest path (--manifest): they must be writable and have room for the dump.";
/** The same for `migrate objects`, which has no work folder. */
const OBJECTS_CHECK = "Check: the manifest path (--manifest) and its folder: they must be writable and have room for the manifest and its record of copied objects (<manifest>.copied).";

/** Report a failed migration or rehearsal with its exit code; rethrows what is not the user's to act on. */
export function migrationFailure(e: unknown, io: Io, signal?: NodeJS.Signals, command = "migrate", check = WORK_CHECK): number {
  if (e instanceof MigrationInterrupted || signal) {
    io.err(`freehold ${command}: ${e instanceof MigrationInterrupted ? e.message : `interrupted by ${signal}`}\n`);
    return (signal && SIGNAL_EXIT[signal]) ?? EXIT.interrupted;
  }
  if (e instanceof MigrationError) {
    io.err(`${e.message}\n`);
    return EXIT.findings;
  }
  if (e instanceof MigrationToolError) {
    io.err(`freehold ${command}: ${e.report()}\n`);
    return EXIT.findings;
  }
  if (e instanceof UntrustedFileError) {
    io.err(`freehold ${command}: ${e.message}\n`);
    return EXIT.findings;
  }
  if (e instanceof MissingToolError) {
    io.err(`freehold ${command}: ${e.message}\n`);
    return EXIT.usage;
  }
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string" && ["EACCES", "EPERM", "ENOSPC", "EROFS", "ENOENT", "ENOTDIR", "EISDIR", "EDQUOT", "ELOOP", "EEXIST"].includes(code)) {
    io.err(`freehold ${command}: ${(e as Error).message}\n${check}\n`);
    return EXIT.findings;
  }
  throw e;
}
