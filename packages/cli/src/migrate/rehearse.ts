/**
 * The exit rehearsal: real servers on this machine, realistic data, the real
 * migrations, and the checks that prove verification works (corruption is
 * caught, an interrupted copy resumes). Returns the evidence; renders it.
 */
import { mkdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { MigrationInterrupted, MigrationToolError, MissingToolError } from "./errors";
import { freshPrivateFolder, userFolderProblems } from "./folders";
import type { DatabaseManifest, ObjectManifest } from "./manifest";
import { pgTool, rcloneBinary, toolVersion } from "./proc";
import {
  type Context,
  corruptObjectsStep,
  corruptRowStep,
  migrateDatabaseSteps,
  migrateObjectSteps,
  resumeStep,
  type Servers,
  seedDatabase,
  seedObjects,
  startServers,
} from "./rehearse-steps";
import type { SeedCounts } from "./seed";
import { type RunningServer, storageServersAvailable } from "./servers";

export { renderEvidenceMarkdown } from "./rehearse-report";

export interface RehearseOptions {
  /**
   * A folder to work in: the rehearsal makes a private folder of its own
   * inside it (dumps, seed objects, manifests) and removes only that folder
   * afterwards (default: the system's temporary directory).
   */
  workDir?: string;
  /** Seed for the generated data (default 20251125). */
  seed?: number;
  /** Approximate number of database rows (default 5000). */
  rows?: number;
  /** Number of objects (default 40, at least 16). */
  objects?: number;
  log?: (line: string) => void;
  /** Abort stops the rehearsal: servers stopped, files removed, MigrationInterrupted thrown. */
  signal?: AbortSignal;
}

export interface RehearsalStep {
  name: string;
  ms: number;
  ok: boolean;
  detail: string;
}

export interface NegativeCheck {
  name: string;
  /** What was done to the target. */
  corruption: string;
  /** What verification had to name. */
  expected: string[];
  detected: boolean;
  /** What verification actually named. */
  named: string[];
  ok: boolean;
  message: string;
}

export interface ResumeCheck {
  name: string;
  total: number;
  /** Objects complete in the target when rclone was killed. */
  presentAfterInterrupt: number;
  interruptedAfterMs: number;
  /** Objects the second run copied. */
  transferredOnResume: number;
  /** Objects the second run found already complete and skipped. */
  skippedOnResume: number;
  verified: boolean;
  ok: boolean;
  detail: string;
}

export interface RehearsalServer {
  role: string;
  software: string;
  version: string;
  endpoint: string;
}

export interface RehearsalEvidence {
  formatVersion: 1;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  seed: number;
  host: { platform: string; arch: string; node: string; cpus: number };
  servers: RehearsalServer[];
  tools: Record<string, string>;
  steps: RehearsalStep[];
  database: {
    seeded: SeedCounts | null;
    manifest: DatabaseManifest | null;
    tables: number;
    rows: number;
    dumpBytes: number;
    rerun: { ok: boolean; dumpReused: boolean; restoreSkipped: boolean; detail: string } | null;
  };
  objects: {
    seeded: { count: number; bytes: number } | null;
    manifest: ObjectManifest | null;
    count: number;
    bytes: number;
    downloadVerified: boolean;
  };
  negativeChecks: NegativeCheck[];
  resume: ResumeCheck | null;
  /** Where the data went: every location it passed through. */
  dataPath: string[];
  ok: boolean;
}

/** Every tool the rehearsal needs that is missing, each with its install line. */
export function rehearsalPreflight(): string[] {
  const missing: string[] = [];
  for (const t of ["pg_dump", "pg_restore", "psql", "initdb", "postgres"]) {
    try {
      pgTool(t);
    } catch (e) {
      missing.push(e instanceof Error ? e.message : String(e));
    }
  }
  try {
    rcloneBinary();
  } catch (e) {
    missing.push(e instanceof Error ? e.message : String(e));
  }
  try {
    storageServersAvailable();
  } catch (e) {
    missing.push(e instanceof Error ? e.message : String(e));
  }
  return missing;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function emptyEvidence(seed: number): RehearsalEvidence {
  return {
    formatVersion: 1,
    startedAt: new Date().toISOString(),
    finishedAt: "",
    durationMs: 0,
    seed,
    host: { platform: `${os.type()} ${os.release()}`, arch: os.arch(), node: process.version, cpus: os.cpus().length },
    servers: [],
    tools: {},
    steps: [],
    database: { seeded: null, manifest: null, tables: 0, rows: 0, dumpBytes: 0, rerun: null },
    objects: { seeded: null, manifest: null, count: 0, bytes: 0, downloadVerified: false },
    negativeChecks: [],
    resume: null,
    dataPath: [],
    ok: false,
  };
}

/**
 * The rehearsal's own folder: a fresh private folder (random name, 0700) in
 * the folder the user named, or under the system's temporary directory. Only
 * this folder is ever removed: nothing else in a named folder is touched.
 */
async function rehearsalFolder(named: string | undefined): Promise<string> {
  if (named === undefined) return freshPrivateFolder("freehold-rehearse-");
  const parent = path.resolve(named);
  const problems = userFolderProblems(parent, "work-dir");
  if (problems.length > 0) throw new MigrationToolError(problems.join("\n"), "freehold", null, { hint: "give --work-dir a folder you own on a disk, or leave it out" });
  await mkdir(parent, { recursive: true, mode: 0o700 });
  return freshPrivateFolder("freehold-rehearse-", parent);
}

/**
 * Run the exit rehearsal. Throws MissingToolError when a tool or server is not
 * installed, MigrationInterrupted when `signal` aborts it; otherwise returns
 * the evidence (check `ok`). Either way every server it started is stopped
 * and everything it wrote in `workDir` is removed (the folder too, when the
 * rehearsal created it): the evidence holds the manifests.
 */
export async function rehearse(opts: RehearseOptions): Promise<RehearsalEvidence> {
  const log = opts.log ?? (() => {});
  const missing = rehearsalPreflight();
  if (missing.length > 0)
    throw new MissingToolError(
      "rehearsal prerequisites",
      `\n  ${missing.join("\n  ")}\nIn CI: apt-get install -y postgresql rclone && npm ci (s3rver and azurite are devDependencies of @freehold/cli)`,
    );
  const seed = opts.seed ?? 20251125;
  const t0 = Date.now();
  const workDir = await rehearsalFolder(opts.workDir);
  const evidence = emptyEvidence(seed);
  const c: Context = { evidence, workDir, seed, rows: opts.rows ?? 5000, objectCount: opts.objects ?? 40, log, ...(opts.signal ? { signal: opts.signal } : {}), step: stepRunner(evidence, log, opts.signal) };
  const started: RunningServer[] = [];
  try {
    const [pgDumpV, pgRestoreV, psqlV, rcloneV] = await Promise.all([
      toolVersion(pgTool("pg_dump")),
      toolVersion(pgTool("pg_restore")),
      toolVersion(pgTool("psql")),
      toolVersion(rcloneBinary(), ["version"]),
    ]);
    evidence.tools = { pg_dump: pgDumpV, pg_restore: pgRestoreV, psql: psqlV, rclone: rcloneV, node: process.version };
    const servers = await startServers(c, started);
    if (servers) await runSteps(c, servers);
  } finally {
    await Promise.allSettled(started.map((s) => s.stop()));
    log("servers stopped");
    await rm(workDir, { recursive: true, force: true });
  }
  evidence.finishedAt = new Date().toISOString();
  evidence.durationMs = Date.now() - t0;
  evidence.ok =
    evidence.steps.length > 0 &&
    evidence.steps.every((s) => s.ok) &&
    evidence.database.manifest?.ok === true &&
    evidence.objects.manifest?.ok === true &&
    evidence.resume?.ok === true &&
    evidence.negativeChecks.length >= 3 &&
    evidence.negativeChecks.every((n) => n.ok);
  return evidence;
}

/** A step records its time and result in the evidence; an abort ends the rehearsal instead. */
function stepRunner(evidence: RehearsalEvidence, log: (line: string) => void, signal?: AbortSignal): Context["step"] {
  const interrupted = () => new MigrationInterrupted("the rehearsal was interrupted; every server it started was stopped and its files removed");
  return async (name, fn) => {
    if (signal?.aborted) throw interrupted();
    const s = Date.now();
    log(`== ${name}`);
    try {
      const { value, detail } = await fn();
      evidence.steps.push({ name, ms: Date.now() - s, ok: true, detail });
      log(`   ok (${Date.now() - s} ms): ${detail}`);
      return value;
    } catch (e) {
      if (signal?.aborted) throw interrupted();
      evidence.steps.push({ name, ms: Date.now() - s, ok: false, detail: errText(e) });
      log(`   FAILED (${Date.now() - s} ms): ${errText(e)}`);
      return undefined;
    }
  };
}

/** Seed, migrate, resume, corrupt: each step only when what it needs succeeded. */
async function runSteps(c: Context, s: Servers): Promise<void> {
  const urls = await seedDatabase(c, s);
  const seeded = await seedObjects(c, s);
  const dbOk = urls ? await migrateDatabaseSteps(c, urls) : false;
  const objOk = seeded ? await migrateObjectSteps(c, s) : false;
  if (seeded) await resumeStep(c, s, seeded.objects.length);
  if (dbOk && urls) await corruptRowStep(c, urls);
  if (objOk) await corruptObjectsStep(c, s);
}
