import { execFile } from "node:child_process";
import { join } from "node:path";

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
 * load of the CLI and Pulumi's SDK for every run (about a second each). The planning commands still plan in their
 * own child processes. Keep `freehold()` for what only a real process shows: the exit status the shell sees, and
 * that a user's mistake never prints a stack trace on the real stderr.
 */
export function freeholdInProcess(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  process.env.NO_COLOR = "1";
  return withProcess(options, async () => {
    // Loaded on first use: most files that read ROOT never run the CLI.
    const { main } = await import("@freehold/cli");
    let stdout = "";
    let stderr = "";
    const code = await main(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
    return { code, stdout, stderr };
  });
}
