/**
 * The exit drill: for each pair of clouds, the stack's source and target set
 * up on this machine the way each cloud's plan says, the source's data
 * written by its application, moved with the exit plan's commands, and used
 * on the target by the application's roles through the target's contract.
 *
 * A pair runs in stages (set up, seed, migrate, use), each recorded; the
 * migration stage is where another way of moving (a live replication, with
 * its own cutover) would go beside the dump and restore.
 */
import { mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import type { Cloud } from "@freehold/model";
import { migrateDatabaseArgv, migrateObjectsArgv, runbookCommands, SOURCE_PASSWORD_ENV, TARGET_PASSWORD_ENV } from "../../exit/commands";
import type { HostedPlan } from "../../plan/contract";
import type { DatabaseManifest, ObjectManifest } from "../manifest";
import { SECRET_OPTION } from "../rclone";
import type { RehearsalStep } from "../rehearse";
import { seedDatabaseSql } from "../seed";
import { APP_SQL, appSqlOk, LARGE_ROW_BYTES, shownContract, storeRemote, TABLES_SQL, uploadObjects, writeAppObjects } from "./app";
import { STAND_INS } from "./clouds";
import { type LiveEvidence, liveDatabase } from "./live";
import {
  adminEnv,
  contracts,
  type DrillCheck,
  type DrillSide,
  type LegacyRoleSetup,
  localDatabase,
  localStore,
  type PairContext,
  runPlanCommand,
  runRoleJobs,
  type Side,
  step,
} from "./pair";
import { objectChecks, ownershipCheck, readBack, readOnlyChecks, readWriteChecks, type Written } from "./workload";

/** How the data moves: a verified dump and restore (writes stopped), or live: logical replication under the application's writes, then cutover. */
export type MigrationMode = "dump-restore" | "live";

/** A migration stage: move the data from `src` to `dst`, record each command it ran and each manifest, and say whether it succeeded. */
type Migration = (c: PairContext, src: Side, dst: Side, ran: string[], ev: PairEvidence, legacy?: LegacyRoleSetup) => Promise<boolean>;

export interface PairEvidence {
  formatVersion: 1;
  kind: "exit-drill";
  stack: string;
  mode: MigrationMode;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  seed: number;
  from: DrillSide;
  to: DrillSide;
  /** The exit plan's commands for this pair, and the same commands as the drill ran them against its servers. */
  commands: { runbook: string[]; ran: string[] };
  steps: RehearsalStep[];
  checks: DrillCheck[];
  database: { manifest: DatabaseManifest | null; live?: LiveEvidence };
  objects: { manifest: ObjectManifest | null };
  /** Set when the target was set up by a former role setup instead of its plan's role job. */
  legacy?: string;
  ok: boolean;
}

export interface PairRequest {
  stack: string;
  from: { cloud: Cloud; plan: HostedPlan };
  to: { cloud: Cloud; plan: HostedPlan };
  legacy?: LegacyRoleSetup;
  /** @default "dump-restore" */
  mode?: MigrationMode;
}

let pairs = 0;

/** Drill one pair; never throws for a failed step (the evidence says what failed), only for an interruption. */
export async function drillPair(base: Omit<PairContext, "steps" | "checks" | "dir"> & { workDir: string }, req: PairRequest): Promise<PairEvidence> {
  const t0 = Date.now();
  const tag = `${req.from.cloud}_to_${req.to.cloud}_${++pairs}`;
  const dir = await mkdtemp(path.join(base.workDir, `pair-${tag}-`));
  const c: PairContext = { ...base, dir, steps: [], checks: [] };
  const src: Side = { cloud: req.from.cloud, plan: req.from.plan };
  const dst: Side = { cloud: req.to.cloud, plan: req.to.plan };
  const ran: string[] = [];
  const ev: PairEvidence = {
    formatVersion: 1,
    kind: "exit-drill",
    stack: req.stack,
    mode: req.mode ?? "dump-restore",
    startedAt: new Date().toISOString(),
    finishedAt: "",
    durationMs: 0,
    seed: c.seed,
    from: { cloud: src.cloud },
    to: { cloud: dst.cloud },
    commands: { runbook: runbookCommands(src.plan, dst.plan), ran },
    steps: c.steps,
    checks: c.checks,
    database: { manifest: null },
    objects: { manifest: null },
    ...(req.legacy ? { legacy: req.legacy.label } : {}),
    ok: false,
  };
  try {
    const ready = (await step(c, `set up the source as ${src.cloud} does`, () => setUp(c, src, tag, ev.from))) && (await step(c, `set up the target as ${dst.cloud} does${req.legacy ? ` (${req.legacy.label})` : ""}`, () => setUp(c, dst, tag, ev.to, req.legacy)));
    const written = ready ? await step(c, "the source's application writes its data through its own contract", () => seed(c, src)) : undefined;
    const moved = written ? await MIGRATIONS[ev.mode](c, src, dst, ran, ev, req.legacy) : false;
    if (moved && written) await use(c, dst, written, req.legacy);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  ev.finishedAt = new Date().toISOString();
  ev.durationMs = Date.now() - t0;
  ev.ok = c.steps.length > 0 && c.steps.every((s) => s.ok) && c.checks.length > 0 && c.checks.every((x) => x.ok);
  return ev;
}

/** A side's database and store, made as its cloud makes them, and its role jobs run as its backend runs them. */
async function setUp(c: PairContext, side: Side, tag: string, out: DrillSide, legacy?: LegacyRoleSetup): Promise<{ value: true; detail: string }> {
  const db = side.plan.migration.databases[0];
  const details: string[] = [];
  if (db) {
    const f = await c.servers.postgres(side.cloud, side.plan);
    side.pg = f;
    side.database = `${db.database}_${tag}`.slice(0, 63);
    await c.servers.createDatabase(f, side.database);
    const env = adminEnv(f, side.database, c.tls.caFile);
    const jobs = legacy ? [await legacyJob(legacy, env)] : await runRoleJobs(side, side.database, c.tls.caFile);
    const owner = f.standIn.databaseOwner === "admin" ? f.admin.user : f.standIn.group.name;
    const spec = side.plan.components.find((x) => x.name === db.component)?.spec;
    out.database = {
      server: `PostgreSQL ${f.pg.version} on 127.0.0.1:${f.pg.port}`,
      plannedVersion: spec?.kind === "database" ? spec.version : "",
      name: side.database,
      admin: f.admin.user,
      adminAttributes: `${f.standIn.adminAttributes}, a member of ${f.standIn.group.name}`,
      owner,
      standInSource: STAND_INS[side.cloud].source,
      parameters: f.parameters,
      tls: `ssl=on with the drill's CA; ${f.parameters.tlsOnly ? "TCP without TLS refused" : "TLS optional"}`,
      roleJobs: jobs,
    };
    details.push(`database ${side.database} (owner ${owner}) on PostgreSQL ${f.pg.version}, administrator ${f.admin.user}; ${jobs.length} role job(s) from the plan ran`);
  }
  if (side.plan.migration.objectStores[0]) {
    side.store = await c.servers.store(side.cloud);
    side.bucket = `drill-${tag.replace(/_/g, "-")}`;
    out.store = { server: `${side.store.server.software} ${side.store.server.version}`, bucket: side.bucket, endpoint: side.store.endpoint };
    details.push(`bucket ${side.bucket} on ${side.store.server.software}`);
  }
  const { rw, ro } = contracts(side, c.tls, legacy);
  side.rw = rw;
  side.ro = ro;
  out.contract = { readWrite: shownContract(rw), read: shownContract(ro) };
  return { value: true, detail: details.join("; ") || "nothing to set up" };
}

async function legacyJob(legacy: LegacyRoleSetup, env: Record<string, string>) {
  const r = await legacy.run(env);
  if (r.code !== 0) throw new Error(`${legacy.label} failed: ${r.stderr.trim()}`);
  return { resource: legacy.label, code: r.code, output: `${r.stdout}${r.stderr}`.trim() };
}

/** The application writes through the source's read-write contract, then reads it back: the digests the target must match. */
async function seed(c: PairContext, src: Side): Promise<{ value: Written; detail: string }> {
  const written: Written = { tables: [], digests: {}, ticketSeq: 0, maxOrderId: 0 };
  const details: string[] = [];
  if (src.database && src.rw) {
    await appSqlOk(src.rw, `${seedDatabaseSql(c.seed, c.rows).sql}${APP_SQL}`, "the application's writes on the source");
    written.tables = await appSqlOk(src.rw, TABLES_SQL, "list the tables");
    Object.assign(written, await readBack(src.rw, written.tables));
    details.push(`as ${src.rw.env.DATABASE_USER}: ${written.tables.length} tables in 4 schemas, sequences, 2 views, a function, a large row of ${LARGE_ROW_BYTES / 1024} KiB, Welsh/CJK/emoji text`);
  }
  if (src.store && src.rw) {
    const objects = await writeAppObjects(path.join(c.dir, "objects"), c.seed);
    await uploadObjects(storeRemote(src.rw, src.store.remote), objects.dir);
    written.objects = objects.md5;
    details.push(`${Object.keys(objects.md5).length} objects (${objects.bytes} bytes) into ${src.rw.env.OBJECT_STORE_PROVIDER} bucket ${src.bucket}`);
  }
  return { value: written, detail: details.join("; ") };
}

/** The exit plan's commands, with this machine's endpoints; then the runbook's role job run again on the target. */
const dumpRestore: Migration = async (c, src, dst, ran, ev, legacy) => {
  let ok = true;
  if (src.database && dst.database && src.pg && dst.pg) {
    const passwords = { [SOURCE_PASSWORD_ENV]: src.pg.admin.password, [TARGET_PASSWORD_ENV]: dst.pg.admin.password };
    let argv = migrateDatabaseArgv(localDatabase(src, c.tls.caFile, SOURCE_PASSWORD_ENV), localDatabase(dst, c.tls.caFile, TARGET_PASSWORD_ENV));
    // The runbook before the role model restored as the administrator.
    if (legacy) argv = [...argv.filter((a, i) => a !== "--to-role" && argv[i - 1] !== "--to-role"), "--as-admin"];
    const m = await step(c, "migrate the database with the exit plan's command", async () => {
      const r = await runPlanCommand<DatabaseManifest>(c, argv, "db-manifest.json", passwords);
      ran.push(r.line);
      return { value: r.manifest, detail: `${r.manifest.totals.tables} tables, ${r.manifest.totals.rows} rows verified; ${r.manifest.consistency.verdict}` };
    });
    ev.database.manifest = m ?? null;
    ok = m !== undefined;
    if (m && !legacy) await rerunRoleJobs(c, dst);
  }
  return ok && (await moveObjects(c, src, dst, ran, ev));
};

/** The runbook's step after a restore: the target's role job run again (grants on what the move created). */
function rerunRoleJobs(c: PairContext, dst: Side): Promise<true | undefined> {
  return step(c, "run the target's role job again, as the runbook says after a restore", async () => {
    const jobs = await runRoleJobs(dst, dst.database as string, c.tls.caFile);
    return { value: true as const, detail: jobs.map((j) => `${j.resource}: ${j.output.split("\n").pop()}`).join("; ") };
  });
}

/** The exit plan's objects command, with this machine's endpoints; true when there is nothing to move. */
async function moveObjects(c: PairContext, src: Side, dst: Side, ran: string[], ev: PairEvidence): Promise<boolean> {
  let ok = true;
  if (src.store && dst.store && src.bucket && dst.bucket) {
    const from = await localStore(src.store.remote(src.bucket), path.join(c.dir, "source.secrets"), (k) => SECRET_OPTION.test(k));
    const to = await localStore(dst.store.remote(dst.bucket), path.join(c.dir, "target.secrets"), (k) => SECRET_OPTION.test(k));
    const m = await step(c, "migrate the objects with the exit plan's command", async () => {
      const r = await runPlanCommand<ObjectManifest>(c, migrateObjectsArgv(from, to), "objects-manifest.json", {});
      ran.push(r.line);
      return { value: r.manifest, detail: `${r.manifest.totals.objects} objects, ${r.manifest.totals.bytes} bytes verified (${r.manifest.verifyMode})` };
    });
    ev.objects.manifest = m ?? null;
    ok = m !== undefined;
  }
  return ok;
}

/** Live: replication under the application's write load, cutover, finish; the role job again; the objects as the exit plan moves them. */
const live: Migration = async (c, src, dst, ran, ev) => {
  if (src.database && dst.database) {
    const r = await liveDatabase(c, src, dst, ran);
    if (!r) return false;
    ev.database.live = r;
    if (!(await rerunRoleJobs(c, dst))) return false;
  }
  return await moveObjects(c, src, dst, ran, ev);
};

const MIGRATIONS: Record<MigrationMode, Migration> = { "dump-restore": dumpRestore, live };

/** The application on the target, through the target's contract. */
async function use(c: PairContext, dst: Side, written: Written, legacy?: LegacyRoleSetup): Promise<void> {
  await step(c, "the application uses the target through the target's contract", async () => {
    if (dst.database && dst.pg) {
      // The reader first: the writer's checks change the data.
      await readOnlyChecks(c, dst, written);
      await readWriteChecks(c, dst, written);
      if (!legacy) await ownershipCheck(c, dst.pg, adminEnv(dst.pg, dst.database, c.tls.caFile), "app");
    }
    await objectChecks(c, dst, written);
    const failed = c.checks.filter((x) => !x.ok).length;
    return { value: true, detail: `${c.checks.length - failed} of ${c.checks.length} checks passed` };
  });
}
