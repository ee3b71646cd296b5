import { execFile } from "node:child_process";
import { join } from "node:path";
import type { EjectResult, Plan, Target } from "@freehold/cli";
import type { Cloud } from "@freehold/model";

export const ROOT = join(__dirname, "..");
export const BIN = join(ROOT, "packages", "cli", "dist", "bin.js");
export const EXAMPLE_DIR = join(ROOT, "examples", "crown-marketplace");
export const EXAMPLE_STACK = join(EXAMPLE_DIR, "freehold.yaml");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the freehold binary as a user would: a process of its own, its exit code and both streams. */
export function freehold(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, NO_COLOR: "1", ...options.env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/**
 * Runs in this process that change the working directory or the environment take it for themselves; the others
 * (in ROOT, the environment as it is) may overlap. A run's working directory and environment are the process's.
 */
let shared = 0;
let exclusive: Promise<void> = Promise.resolve();
const idle: Array<() => void> = [];

async function withProcess<T>(change: { cwd?: string; env?: NodeJS.ProcessEnv }, run: () => Promise<T>): Promise<T> {
  if (change.cwd === undefined && change.env === undefined) {
    await exclusive;
    shared++;
    try {
      return await run();
    } finally {
      if (--shared === 0) for (const wake of idle.splice(0)) wake();
    }
  }
  const before = exclusive;
  let release = () => {};
  exclusive = before.then(() => new Promise<void>((r) => (release = r)));
  await before;
  if (shared > 0) await new Promise<void>((r) => idle.push(r));
  const cwd = process.cwd();
  const saved = Object.fromEntries(Object.keys(change.env ?? {}).map((k) => [k, process.env[k]]));
  try {
    if (change.cwd) process.chdir(change.cwd);
    Object.assign(process.env, change.env);
    return await run();
  } finally {
    process.chdir(cwd);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    release();
  }
}

/**
 * Run the CLI's `main` in this process with its output captured: what `freehold` does, less a Node start-up and a
 * load of the CLI and Pulumi's SDK for every run (about a second each). A stack file is planned (or ejected) in this
 * process too (`planStacksHere`), one plan at a time, as the planning process would plan it; a Pulumi program
 * directory still goes to a planning process of its own, as do the runs given `planning: "child"` (what only the
 * planning process shows: a stack file passed on its stdin, two processes planning at once). Keep `freehold()` for
 * what only a real process shows: the exit status the shell sees, and that a user's mistake never prints a stack
 * trace on the real stderr.
 */
export function freeholdInProcess(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; planning?: "here" | "child" } = {}): Promise<Run> {
  process.env.NO_COLOR = "1";
  const { planning, ...change } = options;
  return withProcess(change, async () => {
    // Loaded on first use: most files that read ROOT never run the CLI.
    const { main } = await import("@freehold/cli");
    planStacksHere();
    if (planning === "child") inChild++;
    let stdout = "";
    let stderr = "";
    try {
      const code = await main(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
      return { code, stdout, stderr };
    } finally {
      if (planning === "child") inChild--;
    }
  });
}

/** Runs under way that plan in planning processes (`planning: "child"`): while any is, every run does. */
let inChild = 0;
let planning: Promise<unknown> = Promise.resolve();

/** One plan at a time in this process: Pulumi's mock runtime is one per process. */
function oneAtATime<T>(plan: () => Promise<T>): Promise<T> {
  const next = planning.then(plan, plan);
  planning = next.catch(() => undefined);
  return next;
}

/** What the parent reads back from a planning process: the result as JSON, so undefined fields are gone as there. */
const asSent = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

type Planner = typeof import("@freehold/cli");
type Worker = { planInProcess: Planner["planInProcess"]; ejectInProcess: Planner["ejectInProcess"] };
type Runner = {
  planInChild: Planner["planInChild"];
  planClouds: Planner["planClouds"];
  ejectInChild: (target: Target, cloud: Cloud, source: string, state?: string) => Promise<EjectResult>;
};
let here = false;

/**
 * The CLI's planning entry points, for a stack file, planned in this process by the planning process's own
 * functions (`planInProcess`, `ejectInProcess`) instead of a child that loads Node and the Pulumi SDK again: most of
 * a planning process's CPU in the CLI suites (26 of them in cli.test: 75 s of its 104 s). The commands call them
 * through the module's exports, so they take these.
 */
function planStacksHere(): void {
  if (here) return;
  here = true;
  const cli = join(ROOT, "packages", "cli", "dist", "plan");
  const runner = require(join(cli, "run.js")) as Runner;
  const worker = require(join(cli, "worker.js")) as Worker;
  const { DEFAULT_ASSUMPTIONS } = require("@freehold/core") as typeof import("@freehold/core");
  const child = { ...runner };
  const stack = (target: Target) => target.kind === "stack" && inChild === 0;
  runner.planInChild = (target, cloud, assumptions = DEFAULT_ASSUMPTIONS) =>
    stack(target) ? oneAtATime(async () => asSent(await worker.planInProcess({ target, cloud, assumptions }))) : child.planInChild(target, cloud, assumptions);
  runner.planClouds = async (target, clouds, assumptions = DEFAULT_ASSUMPTIONS, progress, slots) => {
    if (!stack(target)) return child.planClouds(target, clouds, assumptions, progress, slots);
    const started = Date.now();
    const plans: Plan[] = [];
    for (const cloud of clouds) {
      const plan = await oneAtATime(async () => asSent(await worker.planInProcess({ target, cloud, assumptions })));
      progress?.(cloud, plan, Date.now() - started);
      plans.push(plan);
    }
    return plans;
  };
  runner.ejectInChild = (target, cloud, source, state) =>
    stack(target) ? oneAtATime(async () => asSent(await worker.ejectInProcess({ target, cloud, assumptions: DEFAULT_ASSUMPTIONS }, source, state))) : child.ejectInChild(target, cloud, source, state);
}
