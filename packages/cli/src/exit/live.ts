/**
 * The live path of an exit (`freehold replicate`): what each cloud needs switched on before it, what that costs,
 * and the runbook steps. Facts from each cloud's documentation (linked); the backends set the switch when a
 * database has `replication: logical` (packages/<cloud>/src/database.ts, rules in @freehold/rules).
 */
import type { DatabaseMigration } from "@freehold/core";
import type { Cloud } from "@freehold/model";
import { databaseUrl, planDatabase, RESTORE_ROLE, SOURCE_CA_FILE, SOURCE_PASSWORD_ENV, shellLine, TARGET_CA_FILE, TARGET_PASSWORD_ENV } from "./commands";
import type { Step } from "./model";

export interface LiveSwitch {
  /** What `replication: logical` sets on this cloud. */
  setting: string;
  /** How the setting takes effect on a server that already runs, and what that costs. */
  apply: string;
  /** How the administrator, as whom `freehold replicate` connects, comes to be allowed to replicate on this cloud: no command an operator runs. */
  role: string;
  source: string;
  /** The cloud's page on its administrator's right to replicate. */
  roleSource: string;
}

/** Logical replication on each cloud's managed PostgreSQL; a cloud missing here has no live path. */
export const LIVE_SWITCH: Partial<Record<Cloud, LiveSwitch>> = {
  aws: {
    setting: "rds.logical_replication = 1 in the instance's DB parameter group",
    apply: "a static parameter: RDS applies it at the next reboot only (aws rds reboot-db-instance), a few minutes without the database (less with Multi-AZ failover)",
    role: "the master user replicates through rds_superuser, whose members RDS lets manage logical slots and stream from them; where it may not, the role job grants it rds_replication while replication is logical",
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.FeatureSupport.LogicalReplication.html",
    roleSource: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.rds_superuser.html",
  },
  azure: {
    setting: "server parameter wal_level = logical",
    apply: "a static parameter: the server applies it when restarted (az postgres flexible-server restart), a few minutes without the database",
    role: "the role job gives the administrator the REPLICATION attribute while replication is logical (Azure lets it set its own), and drops it when replication goes back to off",
    source: "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-logical",
    roleSource: "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-logical",
  },
  gcp: {
    setting: "database flag cloudsql.logical_decoding = on",
    apply: "Cloud SQL restarts the instance while pulumi up applies the flag, a few minutes without the database",
    role: "the role job gives the administrator (a cloudsqlsuperuser member, which may) the REPLICATION attribute while replication is logical, and drops it when replication goes back to off",
    source: "https://cloud.google.com/sql/docs/postgres/replication/configure-logical-replication",
    roleSource: "https://cloud.google.com/sql/docs/postgres/replication/configure-logical-replication",
  },
};

/** Why the exit cannot take the live path between these clouds, or undefined when it can. */
export function liveRefusal(from: Cloud, to: Cloud, table: Partial<Record<Cloud, LiveSwitch>> = LIVE_SWITCH): string | undefined {
  const missing = [from, to].filter((c, i, all) => all.indexOf(c) === i && !table[c]);
  return missing.length ? `${missing.join(" and ")} offer${missing.length === 1 ? "s" : ""} no logical replication Freehold can switch on, so writes stop for the whole copy` : undefined;
}

/** Whether the connected user may replicate: a superuser, the REPLICATION attribute, or RDS's rds_replication (what `freehold replicate start` checks on the source). */
export const MAY_REPLICATE_SQL =
  "SELECT r.rolsuper OR r.rolreplication OR EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = 'rds_replication' AND pg_has_role(current_user, g.oid, 'MEMBER')) FROM pg_roles r WHERE r.rolname = current_user";

/** What keeping a replication running costs, in every live runbook. */
export const WAL_RETENTION =
  "While replication runs, the source keeps every WAL segment the target has not confirmed (and after cutover the target keeps what the source has not): a subscriber that stops for a day holds a day of WAL on the publisher's disk, which grows its billed storage. freehold replicate status shows the bytes behind; freehold replicate finish drops the slots, and the WAL with them.";

/** The network path the subscription needs: servers connect to each other, which private databases in two clouds cannot do by themselves. */
export const NETWORK_PATH =
  "The target server connects to the source (the subscription), and after cutover the source connects to the target (the way back): a private database in one cloud cannot reach one in another. Provide one of: a site-to-site VPN between the two networks (AWS Site-to-Site VPN, Azure VPN Gateway, Google Cloud VPN) with routes and the database ports allowed both ways; or, for the length of the exit, an endpoint reachable over TLS and allow-listed to the other server's outbound address only. Freehold's stacks create neither: their databases stay private. Give the addresses each server uses for the other to --source-from-target and --target-from-source.";

/** The URL an operator connects with: verified against the CA file the runbook's reach step wrote for that side. */
function dbUrl(m: DatabaseMigration, caFile: string): string {
  return databaseUrl(planDatabase(m, "", caFile));
}

function replicate(action: string, from: DatabaseMigration, to: DatabaseMigration, extra: string[] = []): string {
  return shellLine(["freehold", "replicate", action, "--from", dbUrl(from, SOURCE_CA_FILE), "--to", dbUrl(to, TARGET_CA_FILE), "--from-password-env", SOURCE_PASSWORD_ENV, "--to-password-env", TARGET_PASSWORD_ENV, ...extra]);
}

/** The live runbook of one database: switch replication on, start, watch, cut over, (roll back), finish. */
export function liveSteps(component: string, on: boolean, from: DatabaseMigration, to: DatabaseMigration, fromCloud: Cloud, toCloud: Cloud, roleJob: Step): Step[] {
  const src = LIVE_SWITCH[fromCloud] as LiveSwitch;
  const dst = LIVE_SWITCH[toCloud] as LiveSwitch;
  const check = (m: DatabaseMigration, caFile: string, side: string, cloud: Cloud, sw: LiveSwitch) => `psql "${dbUrl(m, caFile)}" -Atc "${MAY_REPLICATE_SQL}"   # ${side} (${cloud}), t: ${sw.role}`;
  return [
    {
      title: `${on ? "Logical replication is switched on (replication: logical): check" : "Switch logical replication on first"} on both sides: set replication: logical on database ${component} in the source stack and the target stack, pulumi up each, then apply it`,
      commands: [`# source (${fromCloud}): ${src.setting}; ${src.apply}`, `# target (${toCloud}): ${dst.setting}; ${dst.apply}`, `psql "${dbUrl(from, SOURCE_CA_FILE)}" -c "SHOW wal_level"   # logical, on both`],
      note: `Costs: one restart of each server (do it days before the exit, in a quiet hour), and WAL retention. ${WAL_RETENTION} Sources: ${src.source}${dst.source === src.source ? "" : `, ${dst.source}`}`,
    },
    {
      title:
        "Check that each administrator may replicate: with replication: logical, each stack's role job gives it the right, nothing to run by hand (freehold replicate connects to both servers as each one's administrator, and each server's subscription connects to the other as that server's administrator)",
      commands: [check(from, SOURCE_CA_FILE, "source", fromCloud, src), check(to, TARGET_CA_FILE, "target", toCloud, dst)],
      note: `f on a side: that stack's role job has not run since replication: logical was set there; run pulumi up on it (a job that cannot give the right fails the up, saying why). Sources: ${[...new Set([src.roleSource, dst.roleSource])].join(", ")}`,
    },
    { title: "Give the two servers a network path to each other", note: NETWORK_PATH },
    {
      title: "Start: schema, the initial copy in a consistent snapshot, then every change streams; the application keeps writing to the source",
      commands: [replicate("start", from, to, ["--to-role", RESTORE_ROLE, "--source-from-target", "<source URL as the target server reaches it>"])],
      note: "start refuses, before creating anything, tables with neither a primary key nor a replica identity, large objects, a target that already holds tables, and either side without wal_level logical; use the stop-the-world path below for what it refuses. The source's password is stored in the target's subscription without being in any statement's text (pg_stat_activity and the server's log never show it); only pgaudit logging DDL would log it (start warns): turn that off for the exit. A start that failed half-way says what it left; start --restart drops exactly that and starts again.",
    },
    { ...roleJob, note: `start --to-role ${RESTORE_ROLE} creates the schema as the read-write role, which then owns every table; the role job converges the grants and default privileges on it.` },
    {
      title: "Watch the lag until it stays near zero (schema changes are not replicated: apply each on the target too)",
      commands: [replicate("status", from, to)],
      note: "status warns when no subscriber streams or the slot keeps over 1 GiB of the source's WAL: a slot nobody reads fills the source's disk.",
    },
    {
      title: "Cut over: writes stop on the source, the target catches up, sequences are copied, schemas compared, the way back started, then the target takes writes; every table is verified as of the switch. Prints the write downtime",
      commands: [replicate("cutover", from, to, ["--target-from-source", "<target URL as the source server reaches it>"])],
      note: "It refuses, before writes stop, a pending prepared transaction, a role whose own setting keeps it writable, and a sequence it cannot read. Killed or cut off half-way, the same command resumes the switch (status names that state).",
    },
    { title: "Switch DNS to the target. If it must come back: roll back, losing no write made on the target since cutover", commands: [replicate("rollback", from, to)] },
    { title: "After dual running: drop the subscriptions, slots and publications replicate created (and the WAL they held)", commands: [replicate("finish", from, to)], note: "Then set replication back to off on the side that keeps running if no other replication needs it, to stop paying for WAL retention; its role job then takes back the administrator's right to replicate." },
  ];
}
