/**
 * One pair of the exit drill: a source and a target set up the way their
 * clouds set them up (from each cloud's plan of the stack), data written
 * through the source application's own contract, moved with the exit plan's
 * own commands, then used through the target's contract by the read-write
 * and the read-only role. Every step and check goes into the evidence.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { scramVerifier } from "@freehold/core";
import type { Cloud } from "@freehold/model";
import { type DatabaseEndpoint, type StoreEndpoint, shellLine } from "../../exit/commands";
import type { HostedPlan } from "../../plan/contract";
import { pgTool, type RunResult, run } from "../proc";
import type { RcloneRemote } from "../rclone";
import type { RehearsalStep } from "../rehearse";
import { type Contract, contractFor } from "./app";
import { jobEnvironment, plannedRoleJobs, type ServerParameters } from "./clouds";
import type { DrillServers, Flavour, StoreFlavour } from "./servers";
import type { DrillTls } from "./tls";

export interface DrillCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** How one side was set up, as evidence. */
export interface DrillSide {
  cloud: Cloud;
  database?: {
    server: string;
    /** The PostgreSQL major version the plan's database asks for (this machine's server may differ: the evidence says so). */
    plannedVersion: string;
    name: string;
    admin: string;
    adminAttributes: string;
    owner: string;
    standInSource: string;
    parameters: ServerParameters;
    tls: string;
    roleJobs: Array<{ resource: string; code: number | null; output: string }>;
  };
  store?: { server: string; bucket: string; endpoint: string };
  /** The environment the read-write and the read-only link get (passwords as ***). */
  contract?: { readWrite: Record<string, string>; read: Record<string, string> };
}

/**
 * The role setup before the role model (kept to show what it breaks): a
 * script run as the administrator instead of the plan's role job, the one
 * application login it made, and the restore as the administrator that the
 * runbook of that time printed.
 */
export interface LegacyRoleSetup {
  label: string;
  run(env: Record<string, string>): Promise<RunResult>;
  user: string;
  password: string;
}

export interface PairContext {
  servers: DrillServers;
  tls: DrillTls;
  /** This pair's private folder. */
  dir: string;
  seed: number;
  rows: number;
  /** The CLI that runs the exit plan's commands (node and the freehold script). */
  cli: { node: string; script: string };
  log: (l: string) => void;
  signal?: AbortSignal;
  steps: RehearsalStep[];
  checks: DrillCheck[];
}

export interface Side {
  cloud: Cloud;
  plan: HostedPlan;
  pg?: Flavour;
  store?: StoreFlavour;
  database?: string;
  bucket?: string;
  rw?: Contract;
  ro?: Contract;
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Run one step: its time and result in the evidence; its value, or undefined when it failed. */
export async function step<T>(c: PairContext, name: string, fn: () => Promise<{ value: T; detail: string }>): Promise<T | undefined> {
  if (c.signal?.aborted) throw new Error("the drill was interrupted");
  const t = Date.now();
  c.log(`== ${name}`);
  try {
    const { value, detail } = await fn();
    c.steps.push({ name, ms: Date.now() - t, ok: true, detail });
    c.log(`   ok (${Date.now() - t} ms): ${detail}`);
    return value;
  } catch (e) {
    c.steps.push({ name, ms: Date.now() - t, ok: false, detail: errText(e) });
    c.log(`   FAILED (${Date.now() - t} ms): ${errText(e)}`);
    return undefined;
  }
}

export function check(c: PairContext, name: string, ok: boolean, detail: string): boolean {
  c.checks.push({ name, ok, detail });
  c.log(`   ${ok ? "ok" : "FAILED"}: ${name}: ${detail}`);
  return ok;
}

/** The PATH a role job's shell needs to find this machine's psql (the image's psql in the cloud). */
function jobPath(): string {
  return `${path.dirname(pgTool("psql"))}:${process.env.PATH ?? "/usr/bin:/bin"}`;
}

/** Run every role job the side's plan deploys, as the backend runs it: its own command, its environment with this server and the secrets filled in. */
export async function runRoleJobs(side: Side, database: string, caFile?: string): Promise<Array<{ resource: string; code: number | null; output: string }>> {
  const f = side.pg as Flavour;
  const jobs = plannedRoleJobs(side.plan);
  if (jobs.length === 0) throw new Error(`the ${side.cloud} plan deploys no role job for the database`);
  const verifiers = { readWrite: scramVerifier(f.rolePasswords.readWrite), read: scramVerifier(f.rolePasswords.read) };
  const out: Array<{ resource: string; code: number | null; output: string }> = [];
  for (const job of jobs) {
    const env = { ...jobEnvironment(job, { host: f.pg.host, port: f.pg.port, database, ...(caFile ? { caFile } : {}) }, { adminPassword: f.admin.password, verifiers }), PATH: jobPath(), HOME: "/tmp" };
    const r = await run("sh", ["-c", job.command], { env, secrets: [f.admin.password, verifiers.readWrite, verifiers.read] });
    out.push({ resource: job.resource, code: r.code, output: `${r.stdout}${r.stderr}`.trim() });
    if (r.code !== 0) throw new Error(`${job.resource} failed (${r.code}): ${r.stderr.trim().split("\n").slice(-3).join(" ")}`);
  }
  return out;
}

/** The administrator's libpq environment for this side's database (what a role job or an operator uses). */
export function adminEnv(f: Flavour, database: string, caFile: string): Record<string, string> {
  return { PATH: jobPath(), HOME: "/tmp", PGHOST: f.pg.host, PGPORT: String(f.pg.port), PGDATABASE: database, PGUSER: f.admin.user, PGPASSWORD: f.admin.password, PGSSLMODE: "verify-full", PGSSLROOTCERT: caFile };
}

/** The side's contracts: a read-write and a read-only link to its database and store. */
export function contracts(side: Side, tls: DrillTls, legacy?: LegacyRoleSetup): { rw: Contract; ro: Contract } {
  const db = (password: string) =>
    side.pg && side.database ? { host: side.pg.pg.host, port: side.pg.pg.port, database: side.database, serverCa: tls.caPem, caFile: tls.caFile, password } : undefined;
  const store = side.store && side.bucket ? { bucket: side.bucket, endpoint: side.store.endpoint } : undefined;
  const rw = contractFor(side.cloud, "readWrite", db(legacy ? legacy.password : (side.pg?.rolePasswords.readWrite ?? "")), store);
  const ro = contractFor(side.cloud, "read", db(side.pg?.rolePasswords.read ?? ""), store);
  if (legacy && rw.env.DATABASE_USER) rw.env.DATABASE_USER = legacy.user;
  return { rw, ro };
}

/** A database endpoint for the exit plan's commands, on this machine: the administrator, verify-full against the drill's CA. */
export function localDatabase(side: Side, caFile: string, passwordEnv: string): DatabaseEndpoint {
  const f = side.pg as Flavour;
  return { host: f.pg.host, port: f.pg.port, database: side.database as string, user: f.admin.user, sslmode: "verify-full", sslrootcert: caFile, passwordEnv };
}

/** A store endpoint for the exit plan's commands: the stand-in's connection string, its secret options in a private file. */
export async function localStore(remote: RcloneRemote, secretsFile: string, secret: (key: string) => boolean): Promise<StoreEndpoint> {
  const plain: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [k, v] of Object.entries(remote.options)) {
    if (secret(k)) secrets.push(`${k}=${v}`);
    else plain[k] = v;
  }
  if (secrets.length > 0) await writeFile(secretsFile, `${secrets.join("\n")}\n`, { mode: 0o600 });
  return { rcloneType: remote.type, rcloneOptions: plain, path: remote.path, ...(secrets.length > 0 ? { secretsFile } : {}) };
}

/** Run one of the exit plan's commands (`freehold …`) as an operator would, with the two passwords in its environment; its manifest, parsed. */
export async function runPlanCommand<M>(c: PairContext, argv: string[], manifest: string, passwords: Record<string, string>): Promise<{ manifest: M; line: string }> {
  const [, ...args] = argv;
  const env: NodeJS.ProcessEnv = { ...process.env, ...passwords, NO_COLOR: "1" };
  delete env.PGPASSWORD;
  const r = await run(c.cli.node, [c.cli.script, ...args], { env, cwd: c.dir, secrets: Object.values(passwords), ...(c.signal ? { signal: c.signal } : {}) });
  const line = shellLine(argv);
  if (r.code !== 0) throw new Error(`${line} exited ${r.code}:\n${`${r.stdout}${r.stderr}`.trim().split("\n").slice(-8).join("\n")}`);
  return { manifest: JSON.parse(await readFile(path.join(c.dir, manifest), "utf8")) as M, line };
}

