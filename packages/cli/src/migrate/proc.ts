/**
 * Child processes, binaries and ports for the migration engine.
 *
 * Every external tool is started with `spawn(cmd, argsArray)`: never a shell
 * string, so nothing the user passes (URLs, paths, object names) is ever
 * interpreted by a shell. Secrets travel in environment variables only and are
 * redacted from anything this module reports.
 *
 * Every tool runs in a session of its own (`detached`: setsid), away from the
 * terminal Freehold was started from: a closed terminal (SIGHUP) or a Ctrl-C
 * (SIGINT) is sent by the terminal to its whole foreground process group,
 * and would kill a tool in the middle of what the run was doing, including
 * the psql that undoes a partial restore. Only Freehold gets them; it stops
 * its tools itself, in order.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { failureLines } from "./diagnose";
import { MigrationToolError, MissingToolError } from "./errors";

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to the child's stdin, which is then closed. */
  input?: string | Buffer;
  /** Abort kills the child (see `killSignal`). */
  signal?: AbortSignal;
  killSignal?: NodeJS.Signals;
  /** Run as this user/group (only meaningful when we are root). */
  uid?: number;
  gid?: number;
  /** Called for each complete line the child writes. */
  onStdoutLine?: (line: string) => void;
  /** Called with the child's stdout as raw bytes (then not captured as text): e.g. to hash what it prints. */
  onStdoutChunk?: (chunk: Buffer) => void;
  onStderrLine?: (line: string) => void;
  /** Strings to replace by `***` in captured output and error messages. */
  secrets?: readonly string[];
  /** Keep at most this many characters of each stream (default 8 MiB). */
  maxCapture?: number;
}

export interface RunResult {
  command: string;
  args: readonly string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  aborted: boolean;
}

/** Replace every secret (and its URL-encoded form) by `***`. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 3) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join("***");
  }
  return out;
}

/** Run a command; resolves with its result whatever its exit code. Rejects only when it cannot start. */
export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const max = opts.maxCapture ?? 8 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new MigrationToolError(`${path.basename(command)} was not started: aborted`, command));
      return;
    }
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(command, [...args], {
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        stdio: ["pipe", "pipe", "pipe"],
        detached: true,
        ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
        ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
      });
    } catch (e) {
      // The system refused the command line itself (E2BIG: arguments and environment over `getconf ARG_MAX`): a tool failure, not a bug.
      const err = e as NodeJS.ErrnoException;
      if (err.code !== "E2BIG") throw e;
      const bytes = args.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
      reject(new MigrationToolError(`${path.basename(command)} could not start: its ${args.length} arguments (${bytes} bytes) are more than this system allows on one command line (E2BIG)`, command));
      return;
    }
    let stdout = "";
    let stderr = "";
    let outBuf = "";
    let errBuf = "";
    let aborted = false;
    const onAbort = (): void => {
      aborted = true;
      child.kill(opts.killSignal ?? "SIGTERM");
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }, 3000).unref();
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const feed = (chunk: string, which: "out" | "err"): void => {
      if (which === "out") {
        if (stdout.length < max) stdout += chunk;
        if (opts.onStdoutLine) {
          outBuf += chunk;
          const lines = outBuf.split("\n");
          outBuf = lines.pop() ?? "";
          for (const l of lines) opts.onStdoutLine(redact(l, opts.secrets));
        }
      } else {
        if (stderr.length < max) stderr += chunk;
        if (opts.onStderrLine) {
          errBuf += chunk;
          const lines = errBuf.split("\n");
          errBuf = lines.pop() ?? "";
          for (const l of lines) opts.onStderrLine(redact(l, opts.secrets));
        }
      }
    };
    if (opts.onStdoutChunk) {
      const onChunk = opts.onStdoutChunk;
      child.stdout.on("data", (c: Buffer) => onChunk(c));
    } else {
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (c: string) => feed(c, "out"));
    }
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (c: string) => feed(c, "err"));
    child.stdin.on("error", () => {
      /* the child may exit before reading all input; its exit code tells */
    });
    child.on("error", (err: NodeJS.ErrnoException) => {
      opts.signal?.removeEventListener("abort", onAbort);
      if (err.code === "ENOENT") reject(new MissingToolError(path.basename(command), installHint(path.basename(command))));
      else reject(new MigrationToolError(`${path.basename(command)} could not start: ${err.message}`, command));
    });
    child.on("close", (code, signal) => {
      opts.signal?.removeEventListener("abort", onAbort);
      if (outBuf && opts.onStdoutLine) opts.onStdoutLine(redact(outBuf, opts.secrets));
      if (errBuf && opts.onStderrLine) opts.onStderrLine(redact(errBuf, opts.secrets));
      resolve({
        command,
        args,
        code,
        signal,
        stdout: redact(stdout, opts.secrets),
        stderr: redact(stderr, opts.secrets),
        ms: Date.now() - started,
        aborted,
      });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** Like `run`, but rejects with a MigrationToolError (stderr included, secrets redacted) on a non-zero exit. */
export async function runOk(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(command, args, opts);
  if (r.code !== 0) {
    const why = r.aborted ? "was interrupted" : r.signal ? `was killed by ${r.signal}` : `exited with code ${r.code}`;
    const tail = failureLines(r.stderr || r.stdout, 15);
    throw new MigrationToolError(`${path.basename(command)} ${why}${tail ? `:\n${tail}` : ""}`, path.basename(command), r.code, { output: tail });
  }
  return r;
}

/** The install line for a tool this engine uses. */
export function installHint(tool: string): string {
  if (["pg_dump", "pg_restore", "psql", "pg_isready"].includes(tool))
    return "apt-get install -y postgresql-client (or postgresql)";
  if (["initdb", "pg_ctl", "postgres"].includes(tool)) return "apt-get install -y postgresql";
  if (tool === "rclone") return "apt-get install -y rclone";
  if (tool === "s3rver" || tool === "azurite")
    return "cd <repo> && npm install -D -w @freehold/cli s3rver@3.7.1 azurite@3.35.0";
  return `install ${tool}`;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Find an executable on PATH. */
export function which(cmd: string, envPath = process.env.PATH ?? ""): string | undefined {
  if (cmd.includes("/")) return isExecutable(cmd) ? cmd : undefined;
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const f = path.join(dir, cmd);
    if (isExecutable(f)) return f;
  }
  return undefined;
}

/** Compare dotted version strings numerically (descending sort helper). */
function versionKey(v: string): number[] {
  return v.split(/[^0-9]+/).filter(Boolean).map(Number);
}

/**
 * The PostgreSQL binary directory: Debian's newest /usr/lib/postgresql/<ver>/bin
 * (a pg_dump must be at least as new as the server it dumps), else PATH.
 */
export function postgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, "bin", "pg_dump")))
      .sort((a, b) => {
        const ka = versionKey(a);
        const kb = versionKey(b);
        for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
          const d = (kb[i] ?? 0) - (ka[i] ?? 0);
          if (d !== 0) return d;
        }
        return 0;
      });
    const best = versions[0];
    if (best) return path.join(root, best, "bin");
  }
  return undefined;
}

/** Resolve a PostgreSQL tool (pg_dump, psql, initdb...) or throw MissingToolError naming the install line. */
export function pgTool(tool: string): string {
  const dir = postgresBinDir();
  if (dir) {
    const f = path.join(dir, tool);
    if (isExecutable(f)) return f;
  }
  const onPath = which(tool);
  if (onPath) return onPath;
  throw new MissingToolError(tool, installHint(tool));
}

/** Resolve rclone or throw MissingToolError. */
export function rcloneBinary(): string {
  const f = which("rclone");
  if (!f) throw new MissingToolError("rclone", installHint("rclone"));
  return f;
}

/** First line of `<tool> --version`, e.g. `pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`. */
export async function toolVersion(binary: string, args: readonly string[] = ["--version"]): Promise<string> {
  const r = await run(binary, args);
  return (r.stdout.trim() || r.stderr.trim()).split("\n")[0] ?? "unknown";
}

/** A TCP port on `host` that was free a moment ago (the OS picks it). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/** Resolve once something accepts TCP connections on host:port. */
export async function waitForPort(port: number, host = "127.0.0.1", timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect({ port, host });
      sock.once("connect", () => {
        sock.destroy();
        resolve(true);
      });
      sock.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** uid/gid of a local user from /etc/passwd, or undefined. */
export function lookupUser(name: string): { uid: number; gid: number; home: string } | undefined {
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const f = line.split(":");
      if (f[0] === name && f[2] && f[3]) return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? "/" };
    }
  } catch {
    /* no passwd file */
  }
  return undefined;
}

/**
 * When process `pid` started, as a token that tells two processes of one pid apart, and in words; undefined when it
 * cannot be read. Linux: field 22 of /proc/<pid>/stat (starttime, in clock ticks since boot; proc(5)) with the boot's
 * id (/proc/sys/kernel/random/boot_id), in words from the boot time (btime in /proc/stat) at USER_HZ, 100 ticks a
 * second on every Linux ABI. Elsewhere: `ps -o lstart=` (POSIX ps on BSD and macOS prints the start time in full).
 */
export function startOfProcess(pid: number): { token: string; at: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: fields 3 on follow its last ")".
    const ticks = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    if (!ticks || !/^\d+$/.test(ticks)) return undefined;
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1] ?? Number.NaN);
    return { token: `linux:${boot}:${ticks}`, at: Number.isFinite(btime) ? new Date((btime + Number(ticks) / 100) * 1000).toISOString() : `${ticks} ticks after boot` };
  } catch {
    if (process.platform === "linux") return undefined;
  }
  const r = spawnSync("ps", ["-o", "lstart=", "-p", String(pid)], { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
  const at = r.status === 0 ? r.stdout.trim() : "";
  return at ? { token: `ps:${at.replace(/\s+/g, " ")}`, at } : undefined;
}

/**
 * Whether the process a lock recorded is still running: its pid is alive (signal 0; EPERM is another user's live
 * process) and, when the lock recorded its start (startOfProcess's token), the process of that pid started then: a pid
 * is reused on a busy host, and in a container every run may get the same small pid. A start that cannot be read now
 * is taken for the same process.
 */
export function processRunning(pid: number, start?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (start === undefined) return true;
  const now = startOfProcess(pid);
  return now === undefined || now.token === start;
}
