import { type CommandSpec, type ParsedArgs, UsageError } from "../args";
import { EXIT } from "../errors";
import { cutover, finishReplication, type LiveOptions, replicationStatus, rollback, startReplication } from "../migrate/live";
import { shownUrl } from "../migrate/live-sql";
import type { Io } from "./common";
import { interruptible, migrationFailure } from "./migrate";
import { ALLOW_UNVERIFIED_TLS, passwordFor, postgresUrl } from "./migrate-input";

const ACTIONS = ["start", "status", "cutover", "rollback", "finish"] as const;
type Action = (typeof ACTIONS)[number];

export const replicateSpec: CommandSpec = {
  name: "replicate",
  summary: "Move a live database with PostgreSQL's logical replication: writes stop for seconds at cutover, and a way back streams until you finish.",
  details: `freehold replicate start --from URL --to URL: creates the source's schema on an empty target, publishes the source's tables and
  subscribes the target to them (PostgreSQL's own publication and subscription: they run in the two servers, nothing of ours
  stays running); returns once every table's initial copy is done and changes stream. Refuses, before creating anything, a source
  whose wal_level is not logical, whose user may not replicate, with tables that have neither a primary key nor a replica identity
  (an UPDATE or DELETE on them would fail once published) or with large objects (not replicated), a function its tables run per row
  (CHECK, default, index, a trigger that fires on a subscriber, domain, column type) or a SECURITY DEFINER function whose owner on
  the source is neither its login, a superuser nor named with --trust-functions-of (the target would run it with the rights of the
  role that applies the rows: its administrator on PostgreSQL 15), and a target that holds tables.
  A start that failed after creating the schema (the target cannot reach the source, say) leaves a marker in its subscription listing
  what it created; running start again names it, and start --restart drops exactly that and starts again.
freehold replicate status: the lag and the WAL the slot keeps, in bytes, and the tables streaming, in whichever direction replication
  runs; warns when no subscriber streams (the slot keeps every byte of WAL since), when the slot keeps over 1 GiB, and names a
  switch that stopped half-way with the command that resumes it, and a side left read-only by a switch killed before it switched
  anything, with both ways out (the same command resumes it, the opposite one gives writes back). Warns, naming each, about a
  function the side rows stream into runs per row whose owner there is neither its login, a superuser nor named with
  --trust-functions-of (on PostgreSQL 15 the subscription applies rows as the administrator: after start --to-role app, app owns
  the target's functions and tables, and a trigger or function it adds would run with those rights).
freehold replicate cutover: refuses when the schemas differ (schema changes are not replicated: apply each on the target too), when
  a function the source's tables run per row is owned by a role neither its login, a superuser nor named with --trust-functions-of
  (the way back would run it there with the administrator's rights), when a sequence cannot be read, when a prepared transaction is pending or a role's own setting would keep its sessions writable; stops
  the application's writes on the source (its database's sessions start read-only, open sessions are ended and waited for), waits
  until the target confirms every change, copies the sequences, snapshots both sides and compares schema and sequences (a difference
  allows writes on the source again, replication still running), starts replication back from the target to the source (without
  copying) and allows writes on the target: the write downtime it prints ends there. Then every table is verified in the two
  snapshots, as of the switch. A cutover that stopped after ending the forward replication (killed, a network drop) is resumed by
  running cutover again: status names that state.
freehold replicate rollback: the same, the other way: nothing written on the target after cutover is lost.
freehold replicate finish: drops the subscriptions, replication slots and publications replicate created for this pair, and only those.
start, cutover, rollback and finish each hold a lock for the pair on both servers for their whole run: a second one is refused.
The pair is known by the servers' identity (system identifier, database), not by how the URLs are typed; a pair an earlier
version of freehold started (named by its URLs as typed) is found when the URLs are typed as they were then.
Connect as each database's administrator: it publishes and subscribes, and each server's subscription connects to the other as that
server's administrator, so both must be allowed to replicate; a Freehold database with replication: logical gives its administrator
that right through its role job.
Every object is named freehold_exit_<key> or freehold_back_<key>, the key being the pair's. Passwords as for migrate: never on the
command line. The source's password is stored in the target's subscription (pg_subscription, readable only by its administrators),
as PostgreSQL's subscriptions require; finish removes it. It reaches that session in its startup options and is in no statement's
text (pg_stat_activity and the server's log show none with it); only pgaudit logging DDL writes it to the log: replicate warns then.`,
  positionals: [{ name: "action", description: ACTIONS.join(", "), required: true }],
  flags: [
    { name: "from", type: "string", required: true, placeholder: "URL", description: "The source database (PostgreSQL URL, no password)." },
    { name: "to", type: "string", required: true, placeholder: "URL", description: "The target database (PostgreSQL URL, no password)." },
    { name: "from-password-file", type: "string", placeholder: "FILE", description: "The source's password, the first line of a file only you can read." },
    { name: "from-password-env", type: "string", placeholder: "NAME", description: "The source's password, from this environment variable." },
    { name: "to-password-file", type: "string", placeholder: "FILE", description: "The target's password, the first line of a file only you can read." },
    { name: "to-password-env", type: "string", placeholder: "NAME", description: "The target's password, from this environment variable." },
    { name: "source-from-target", type: "string", placeholder: "URL", description: "The source as the target server reaches it, when that differs from --from (a private address)." },
    { name: "target-from-source", type: "string", placeholder: "URL", description: "The target as the source server reaches it, for the way back (default --to)." },
    {
      name: "to-role",
      type: "string",
      placeholder: "ROLE",
      description: "start: create the schema on the target as this role (SET ROLE), so it owns every table: app, the read-write role of a Freehold database, which its read-only role reads. The target's login must be able to SET ROLE to it.",
    },
    {
      name: "trust-functions-of",
      type: "string",
      placeholder: "ROLES",
      description:
        "start: comma-separated roles of the source whose functions the target may run for every row it copies and applies (in a CHECK, a default, an index, a trigger that fires on a subscriber, a domain or column type, or SECURITY DEFINER), with the rights of the role that applies the rows. Without it, start refuses such a function unless the source's login or a superuser owns it (or, on PostgreSQL 16+, --to-role). cutover and rollback check the old primary's functions the same way, for the way back; status checks the side rows stream into (on PostgreSQL 15 the target's own roles too), and cutover and rollback warn about the side they switch to.",
    },
    {
      name: "restart",
      type: "boolean",
      description:
        "start: first drop what an earlier start of this pair left (its subscription, publication and slot, and the objects it created on the target, as its marker lists them; nothing else), then start again.",
    },
    {
      name: "initial-copy-timeout",
      type: "number",
      placeholder: "SECONDS",
      description: "start: how long to wait for every table's initial copy (default 43200, 12 hours); on timeout it says which tables are not copied and how often the target failed them.",
    },
    { name: "catch-up-timeout", type: "number", placeholder: "SECONDS", description: "cutover/rollback: how long to wait for the other side to confirm every change (default 60)." },
    {
      name: ALLOW_UNVERIFIED_TLS,
      type: "boolean",
      description: "Connect to --from and --to even when their URLs do not say sslmode=verify-full (a local test server without a certificate authority): the servers are not checked. Without it such a URL is refused.",
    },
    { name: "quiet", type: "boolean", description: "No progress lines." },
  ],
  examples: [
    'freehold replicate start --from "postgresql://admin@old-host/shop?sslmode=verify-full&sslrootcert=source-ca.pem" --from-password-file ~/.secrets/old --to "postgresql://admin@new-host/shop?sslmode=verify-full&sslrootcert=target-ca.pem" --to-password-env NEW_PW',
    'freehold replicate cutover --from "postgresql://admin@old-host/shop?sslmode=verify-full&sslrootcert=source-ca.pem" --from-password-file ~/.secrets/old --to "postgresql://admin@new-host/shop?sslmode=verify-full&sslrootcert=target-ca.pem" --to-password-env NEW_PW',
  ],
};

function readInput(args: ParsedArgs): { action: Action; options: LiveOptions } {
  const action = args.positionals[0] as Action;
  const problems: string[] = [];
  if (!ACTIONS.includes(action)) problems.push(`${JSON.stringify(args.positionals[0] ?? "")} is not a replicate action; use one of ${ACTIONS.join(", ")}`);
  if (args.positionals.length > 1) problems.push(`unexpected argument: ${args.positionals[1]}`);
  const tls = args.flags[ALLOW_UNVERIFIED_TLS] ? "any" : "verified";
  const from = postgresUrl(String(args.flags.from), "from", problems, tls);
  const to = postgresUrl(String(args.flags.to), "to", problems, tls);
  const fromPassword = passwordFor(args, "from", problems);
  const toPassword = passwordFor(args, "to", problems);
  const extra: Partial<LiveOptions> = {};
  for (const [flag, key] of [
    ["source-from-target", "sourceFromTarget"],
    ["target-from-source", "targetFromSource"],
  ] as const) {
    const v = args.flags[flag];
    if (v === undefined) continue;
    const text = String(v);
    const before = problems.length;
    // A server's own connection to the other (the subscription): the server checks what its own configuration says, not the operator's CA file.
    postgresUrl(text, flag === "source-from-target" ? "from" : "to", problems, "any");
    for (let i = before; i < problems.length; i++) problems[i] = `--${flag}: ${problems[i]}`;
    extra[key] = text;
  }
  const targetRole = args.flags["to-role"] as string | undefined;
  if (targetRole !== undefined && action !== "start") problems.push(`--to-role is for start (the schema is created then), not ${action}`);
  if (targetRole !== undefined && !/^[a-z_][a-z0-9_$]{0,62}$/.test(targetRole)) problems.push(`--to-role must be a role name (lower-case letters, digits, _ and $, at most 63), not ${JSON.stringify(targetRole)}`);
  const trustRaw = args.flags["trust-functions-of"] as string | undefined;
  const trustFunctionsOf = trustRaw?.split(",").map((r) => r.trim());
  if (trustRaw !== undefined && !["start", "status", "cutover", "rollback"].includes(action)) problems.push(`--trust-functions-of is for start, status, cutover and rollback (the functions are checked then), not ${action}`);
  for (const r of trustFunctionsOf ?? [])
    if (!/^[a-z_][a-z0-9_$]{0,62}$/.test(r)) problems.push(`--trust-functions-of must list role names separated by commas (lower-case letters, digits, _ and $, at most 63 each), not ${JSON.stringify(r)}`);
  if (args.flags.restart && action !== "start") problems.push(`--restart is for start, not ${action}`);
  const timeout = args.flags["catch-up-timeout"];
  if (timeout !== undefined && !(Number(timeout) > 0)) problems.push(`--catch-up-timeout must be a number of seconds above 0, not ${timeout}`);
  const copyTimeout = args.flags["initial-copy-timeout"];
  if (copyTimeout !== undefined && !(Number(copyTimeout) > 0)) problems.push(`--initial-copy-timeout must be a number of seconds above 0, not ${copyTimeout}`);
  if (copyTimeout !== undefined && action !== "start") problems.push(`--initial-copy-timeout is for start, not ${action}`);
  if (problems.length) throw new UsageError(problems, "replicate");
  return {
    action,
    options: {
      from,
      to,
      ...(fromPassword !== undefined ? { fromPassword } : {}),
      ...(toPassword !== undefined ? { toPassword } : {}),
      ...extra,
      ...(timeout !== undefined ? { catchUpTimeoutMs: Number(timeout) * 1000 } : {}),
      ...(copyTimeout !== undefined ? { initialCopyTimeoutMs: Number(copyTimeout) * 1000 } : {}),
      ...(targetRole !== undefined ? { targetRole } : {}),
      ...(trustFunctionsOf !== undefined ? { trustFunctionsOf } : {}),
      ...(args.flags.restart ? { restart: true } : {}),
    },
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Every client session on a database but the one asking: after a switch, on the old primary, none should be left. */
export const OLD_PRIMARY_SESSIONS = `SELECT pid, usename, application_name, client_addr, backend_start FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`;

/**
 * After a switch: which side takes writes, and what the old primary's stop is and is not. It only makes new sessions
 * start read-only (default_transaction_read_only, a setting any session may override), so a session that asks for
 * read-write still writes there, and such a write is never on the new primary and stops the way back (its key, made
 * again on the new primary, collides when replicated back). The check names every session still connected there.
 */
export function switchedNote(to: "target" | "source", oldPrimaryUrl: string, back: string): string {
  const old = to === "target" ? "source" : "target";
  return `The ${to} takes writes now. The ${old} receives every change through ${back} (the way back) until freehold replicate finish; it starts every new session read-only, which a session can override: BEGIN READ WRITE, SET default_transaction_read_only = off, or that setting in its connection options still writes there, that write is never on the ${to}, and it stops the way back. Point every application at the ${to} now, and check that no session is left on the ${old}:\n  psql "${shownUrl(oldPrimaryUrl)}" -c "${OLD_PRIMARY_SESSIONS}"\n`;
}

async function perform(action: Action, o: LiveOptions): Promise<string> {
  switch (action) {
    case "start": {
      const r = await startReplication(o);
      return `Replication started: ${r.tables} tables copied and streaming (${seconds(r.ms)}); publication and subscription ${r.subscription}.\nNext: freehold replicate status, then freehold replicate cutover.\n`;
    }
    case "status": {
      const s = await replicationStatus(o);
      const warnings = s.warnings.map((w) => `WARNING: ${w}\n`).join("");
      if (s.halfWayOnly) return warnings;
      return `Replication ${s.direction === "forward" ? "from the source to the target" : "back from the target to the source (after cutover)"}: ${s.tablesStreaming} of ${s.tables} tables streaming, ${s.lagBytes} bytes behind, ${s.retainedBytes} bytes of WAL kept by its slot${s.lastMessageAt ? `, last message ${s.lastMessageAt}` : ""}.\n${warnings}`;
    }
    case "cutover":
    case "rollback": {
      const r = action === "cutover" ? await cutover(o) : await rollback(o);
      const to = action === "cutover" ? "target" : "source";
      if (r.writesGivenBack) return `Writes allowed again on ${r.writesGivenBack}: the ${action === "cutover" ? "rollback" : "cutover"} interrupted there had switched nothing; replication still runs as before.\n`;
      if (!r.verified)
        return `${action === "cutover" ? "Cut over" : "Rolled back"} (resumed): the switch had already allowed writes on the ${to}; the publication it left was dropped. Its tables were not verified as of the switch (they change now).\n`;
      const stopped = r.resumed ? `resumed the switch an earlier run left half-way; this run took ${seconds(r.writeDowntimeMs)} more without writes` : `writes were stopped for ${seconds(r.writeDowntimeMs)}`;
      return `${action === "cutover" ? "Cut over" : "Rolled back"}: ${stopped} (of which catching up ${seconds(r.catchUpMs)}); ${r.tables} tables, ${r.rows} rows and ${r.sequences} sequences verified equal as of the switch (${seconds(r.verifyMs)}, after writes resumed).\n${switchedNote(to, to === "target" ? o.from : o.to, r.back)}`;
    }
    case "finish": {
      const r = await finishReplication(o);
      return r.dropped.length ? `Replication finished; dropped:\n${r.dropped.map((d) => `  - ${d}\n`).join("")}` : "Nothing to drop: no replication of this pair was found.\n";
    }
  }
}

/**
 * Text for the terminal with its control characters (C0 but tab and newline, DEL, C1) written as \u escapes: names come
 * from the servers, and a table named with a carriage return or an escape sequence must not erase a line or paint a false one.
 */
export function terminalSafe(text: string): string {
  return Array.from(text, (c) => {
    const n = c.charCodeAt(0);
    return (n < 32 && n !== 9 && n !== 10) || (n >= 127 && n < 160) ? `\\u${n.toString(16).padStart(4, "0")}` : c;
  }).join("");
}

export async function runReplicate(args: ParsedArgs, given: Io): Promise<number> {
  const io: Io = { out: (t) => given.out(terminalSafe(t)), err: (t) => given.err(terminalSafe(t)) };
  const { action, options } = readInput(args);
  const stop = interruptible();
  try {
    io.out(await perform(action, { ...options, ...(args.flags.quiet ? {} : { log: (l: string) => io.err(`${l}\n`) }), signal: stop.signal }));
    return EXIT.ok;
  } catch (e) {
    return migrationFailure(e, io, stop.which(), "replicate");
  } finally {
    stop.dispose();
  }
}
