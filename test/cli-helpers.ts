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

/** Run the freehold binary as a user would. */
export function freehold(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, NO_COLOR: "1", ...options.env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
