/**
 * Real servers for the exit rehearsal, started on 127.0.0.1 free ports and
 * stopped afterwards: PostgreSQL (Debian's initdb/postgres), s3rver (S3
 * protocol) and Azurite (Azure Blob protocol).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { MissingToolError } from "./errors";
import { freePort, installHint, lookupUser, pgTool, run, runOk, sleep, waitForPort } from "./proc";
import type { RcloneRemote } from "./rclone";

export interface RunningServer {
  /** e.g. `PostgreSQL 15.18`, `s3rver 3.7.1`. */
  software: string;
  version: string;
  host: string;
  port: number;
  /** The server's process (the postmaster for PostgreSQL), e.g. to read its CPU time. */
  pid: number | undefined;
  stop(): Promise<void>;
}

export interface PostgresServer extends RunningServer {
  /** Superuser URL (password included: keep it in memory). */
  superuserUrl: string;
  /** Create a login role and a database it owns; returns its URL. */
  createDatabase(db: string, user: string, password: string): Promise<string>;
  /** Run SQL as the superuser (the cloud's own operator, in a stand-in for a managed server), ON_ERROR_STOP; psql's output, one value a line. */
  superuserSql(sql: string, db?: string): Promise<string>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const c of live) c.kill("SIGKILL");
    });
  }
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  await exited;
  clearTimeout(timer);
}

function startDaemon(
  cmd: string,
  args: string[],
  opts: { logFile: string; cwd?: string; uid?: number; gid?: number; env?: NodeJS.ProcessEnv },
): ChildProcess {
  const out = createWriteStream(opts.logFile, { flags: "a" });
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own session, like the tools (proc.ts): the terminal's signals reach only the rehearsal, which stops it
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  child.once("exit", () => out.end());
  track(child);
  return child;
}

async function waitOrDie(child: ChildProcess, ready: () => Promise<void>, what: string, logFile: string): Promise<void> {
  const died = new Promise<never>((_, reject) =>
    child.once("exit", (code, sig) => {
      const tail = existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n") : "";
      reject(new Error(`${what} exited (${code ?? sig}) before it was ready:\n${tail}`));
    }),
  );
  try {
    await Promise.race([ready(), died]);
  } catch (e) {
    await stopChild(child, "SIGKILL", 1000);
    throw e;
  }
}

/** The account the PostgreSQL server runs as: us, or `postgres` when we are root. */
function postgresAccount(): { uid?: number; gid?: number } {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return {};
  const u = lookupUser("postgres");
  if (!u) throw new MissingToolError("postgres user", `${installHint("initdb")} (it creates the postgres account; PostgreSQL refuses to run as root)`);
  return { uid: u.uid, gid: u.gid };
}

export interface PostgresOptions {
  name: string;
  superuserPassword: string;
  log?: (l: string) => void;
  /** Server certificate and key (PEM): the server speaks TLS (ssl=on). */
  tls?: { cert: string; key: string };
  /** Refuse every connection over TCP without TLS (pg_hba `hostnossl ... reject`), as a cloud that requires TLS does. */
  tlsOnly?: boolean;
  /** More server settings (`-c name=value`). */
  settings?: Readonly<Record<string, string>>;
}

/**
 * initdb a fresh cluster under /tmp (owned by the account that runs it), start
 * `postgres` on 127.0.0.1:<free port> with password (SCRAM) authentication.
 */
export async function startPostgres(opts: PostgresOptions): Promise<PostgresServer> {
  const base = await mkdtemp(path.join(os.tmpdir(), `freehold-pg-${opts.name}-`));
  try {
    return await launchPostgres(base, opts);
  } catch (e) {
    await rm(base, { recursive: true, force: true }); // a server that did not start leaves nothing
    throw e;
  }
}

/** A file the server reads, private to the account it runs as. */
async function serverFile(file: string, text: string, account: { uid?: number; gid?: number }): Promise<void> {
  await writeFile(file, text, { mode: 0o600 });
  if (account.uid !== undefined && account.gid !== undefined) await chown(file, account.uid, account.gid);
}

/** TLS files, and host rules that refuse TCP without TLS when asked: `-c` settings for the server. */
async function tlsSettings(base: string, dataDir: string, opts: PostgresOptions, account: { uid?: number; gid?: number }): Promise<string[]> {
  const settings: string[] = [];
  if (opts.tls) {
    await serverFile(path.join(base, "server.crt"), opts.tls.cert, account);
    await serverFile(path.join(base, "server.key"), opts.tls.key, account);
    settings.push("ssl=on", `ssl_cert_file=${path.join(base, "server.crt")}`, `ssl_key_file=${path.join(base, "server.key")}`, "ssl_min_protocol_version=TLSv1.2");
  }
  if (opts.tlsOnly) {
    const hba = ["local all all trust", "hostssl all all 127.0.0.1/32 scram-sha-256", "hostnossl all all 0.0.0.0/0 reject", ""].join("\n");
    await serverFile(path.join(dataDir, "pg_hba.conf"), hba, account);
  }
  for (const [k, v] of Object.entries(opts.settings ?? {})) settings.push(`${k}=${v}`);
  return settings.flatMap((x) => ["-c", x]);
}

async function launchPostgres(base: string, opts: PostgresOptions): Promise<PostgresServer> {
  const initdb = pgTool("initdb");
  const postgres = pgTool("postgres");
  const psqlBin = pgTool("psql");
  const account = postgresAccount();
  const dataDir = path.join(base, "data");
  const sockDir = path.join(base, "sock");
  await mkdir(sockDir);
  if (account.uid !== undefined && account.gid !== undefined) {
    await chown(base, account.uid, account.gid);
    await chown(sockDir, account.uid, account.gid);
  }
  await chmod(base, 0o700);
  const pwfile = path.join(base, "pwfile");
  await writeFile(pwfile, `${opts.superuserPassword}\n`, { mode: 0o600 });
  if (account.uid !== undefined && account.gid !== undefined) await chown(pwfile, account.uid, account.gid);
  const logFile = path.join(base, "server.log");
  await writeFile(logFile, "");
  if (account.uid !== undefined && account.gid !== undefined) await chown(logFile, account.uid, account.gid);
  const asAccount = { ...(account.uid !== undefined ? { uid: account.uid } : {}), ...(account.gid !== undefined ? { gid: account.gid } : {}) };
  await runOk(
    initdb,
    ["-D", dataDir, "-U", "postgres", "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", `--pwfile=${pwfile}`, "--no-sync"],
    { ...asAccount, cwd: base, env: { ...process.env, LC_ALL: "C" } },
  );
  await rm(pwfile, { force: true });
  const version = (await runOk(postgres, ["--version"])).stdout.trim().replace(/^postgres \(PostgreSQL\) /, "");
  const port = await freePort();
  const child = startDaemon(
    postgres,
    [
      "-D",
      dataDir,
      "-p",
      String(port),
      "-k",
      sockDir,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
      "-c",
      "max_connections=40",
      "-c",
      "shared_buffers=64MB",
      // Logical replication (freehold replicate) needs it; the default (replica) would refuse a publication's slot.
      "-c",
      "wal_level=logical",
      ...(await tlsSettings(base, dataDir, opts, account)),
    ],
    // HOME: the server's own folder: a subscription's libpq looks for a client certificate under $HOME/.postgresql, and another account's home is refused.
    { logFile, cwd: base, ...asAccount, env: { ...process.env, LC_ALL: "C", HOME: base } },
  );
  const superuserUrl = `postgresql://postgres:${encodeURIComponent(opts.superuserPassword)}@127.0.0.1:${port}/postgres`;
  const suEnv = { ...process.env, PGPASSWORD: opts.superuserPassword, PGCONNECT_TIMEOUT: "5" };
  const suConn = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  await waitOrDie(
    child,
    async () => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const r = await run(psqlBin, ["-X", "-q", "-A", "-t", "-d", suConn, "-c", "SELECT 1"], { env: suEnv });
        if (r.code === 0) return;
        if (Date.now() > deadline) throw new Error(`PostgreSQL on port ${port} not ready: ${r.stderr}`);
        await sleep(150);
      }
    },
    `PostgreSQL (${opts.name})`,
    logFile,
  );
  opts.log?.(`PostgreSQL ${version} (${opts.name}) on 127.0.0.1:${port}, data in ${dataDir}`);
  return {
    software: "PostgreSQL",
    version,
    host: "127.0.0.1",
    port,
    pid: child.pid,
    superuserUrl,
    async createDatabase(db: string, user: string, password: string): Promise<string> {
      const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
      const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
      await runOk(psqlBin, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", suConn, "-f", "-"], {
        env: suEnv,
        input: `CREATE ROLE ${q(user)} LOGIN PASSWORD ${lit(password)};\nCREATE DATABASE ${q(db)} OWNER ${q(user)} ENCODING 'UTF8' TEMPLATE template0;\n`,
        secrets: [password, opts.superuserPassword],
      });
      return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;
    },
    async superuserSql(sql: string, db = "postgres"): Promise<string> {
      const u = new URL(suConn);
      u.pathname = `/${encodeURIComponent(db)}`;
      const r = await runOk(psqlBin, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", u.toString(), "-f", "-"], { env: suEnv, input: sql, secrets: [opts.superuserPassword] });
      return r.stdout;
    },
    async stop(): Promise<void> {
      await stopChild(child, "SIGINT"); // fast shutdown
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** Resolve a file inside an npm package installed for @freehold/cli. */
function packageFile(pkg: string, file: string): string {
  try {
    const pj = require.resolve(`${pkg}/package.json`);
    return path.join(path.dirname(pj), file);
  } catch {
    throw new MissingToolError(pkg, installHint(pkg));
  }
}

async function packageVersion(pkg: string): Promise<string> {
  const pj = packageFile(pkg, "package.json");
  return (JSON.parse(await readFile(pj, "utf8")) as { version: string }).version;
}

/** Check that the npm servers are installed; throws MissingToolError naming the install line. */
export function storageServersAvailable(): void {
  packageFile("s3rver", "bin/s3rver.js");
  packageFile("azurite", "dist/src/blob/main.js");
}

export interface S3Server extends RunningServer {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  remote(bucketAndPrefix: string): RcloneRemote;
}

/** s3rver (S3 REST protocol, MD5 ETags) on 127.0.0.1:<free port>, data in a temp dir. */
export async function startS3rver(opts: { log?: (l: string) => void } = {}): Promise<S3Server> {
  const bin = packageFile("s3rver", "bin/s3rver.js");
  const version = await packageVersion("s3rver");
  const base = await mkdtemp(path.join(os.tmpdir(), "freehold-s3rver-"));
  const dataDir = path.join(base, "data");
  await mkdir(dataDir);
  const port = await freePort();
  const logFile = path.join(base, "server.log");
  const child = startDaemon(process.execPath, [bin, "-d", dataDir, "-a", "127.0.0.1", "-p", String(port), "--silent"], { logFile, cwd: base });
  await waitOrDie(child, () => waitForPort(port), "s3rver", logFile);
  const endpoint = `http://127.0.0.1:${port}`;
  opts.log?.(`s3rver ${version} on ${endpoint}`);
  // s3rver's fixed development credentials.
  const accessKeyId = "S3RVER";
  const secretAccessKey = "S3RVER";
  return {
    software: "s3rver (S3 API)",
    version,
    host: "127.0.0.1",
    port,
    pid: child.pid,
    endpoint,
    accessKeyId,
    secretAccessKey,
    remote: (p) => ({
      type: "s3",
      options: { provider: "Other", access_key_id: accessKeyId, secret_access_key: secretAccessKey, endpoint, force_path_style: "true" },
      path: p,
    }),
    async stop(): Promise<void> {
      await stopChild(child, "SIGTERM");
      await rm(base, { recursive: true, force: true });
    },
  };
}

/**
 * An account-level SAS URL (service b, resource types sco). rclone 1.60's
 * azureblob backend only reaches a non-Azure host through `sas_url`.
 */
export function azureAccountSasUrl(opts: { endpoint: string; account: string; key: string; expiry: string; permissions?: string }): string {
  const sv = "2019-12-12";
  const ss = "b";
  const srt = "sco";
  const sp = opts.permissions ?? "rwdlacup";
  const spr = "https,http";
  const stringToSign = [opts.account, sp, ss, srt, "", opts.expiry, "", spr, sv, ""].join("\n");
  const sig = createHmac("sha256", Buffer.from(opts.key, "base64")).update(stringToSign, "utf8").digest("base64");
  const q = new URLSearchParams({ sv, ss, srt, sp, se: opts.expiry, spr, sig });
  return `${opts.endpoint.replace(/\/+$/, "")}?${q.toString()}`;
}

export interface AzuriteServer extends RunningServer {
  /** Blob endpoint including the account, e.g. http://127.0.0.1:PORT/devstoreaccount1 */
  endpoint: string;
  account: string;
  remote(containerAndPrefix: string): RcloneRemote;
}

/** Azurite Blob (Azure Blob REST protocol), in memory, on 127.0.0.1:<free port>. */
export async function startAzurite(opts: { log?: (l: string) => void } = {}): Promise<AzuriteServer> {
  const bin = packageFile("azurite", "dist/src/blob/main.js");
  const version = await packageVersion("azurite");
  const base = await mkdtemp(path.join(os.tmpdir(), "freehold-azurite-"));
  const port = await freePort();
  const logFile = path.join(base, "server.log");
  const child = startDaemon(
    process.execPath,
    [bin, "--blobHost", "127.0.0.1", "--blobPort", String(port), "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent"],
    { logFile, cwd: base },
  );
  await waitOrDie(child, () => waitForPort(port), "Azurite", logFile);
  // Azurite's well-known development account.
  const account = "devstoreaccount1";
  const key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  const endpoint = `http://127.0.0.1:${port}/${account}`;
  const expiry = new Date(Date.now() + 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const sasUrl = azureAccountSasUrl({ endpoint, account, key, expiry });
  opts.log?.(`Azurite ${version} (Blob) on ${endpoint}`);
  return {
    software: "Azurite (Azure Blob API)",
    version,
    host: "127.0.0.1",
    port,
    pid: child.pid,
    endpoint,
    account,
    remote: (p) => ({ type: "azureblob", options: { sas_url: sasUrl }, path: p }),
    async stop(): Promise<void> {
      await stopChild(child, "SIGTERM");
      await rm(base, { recursive: true, force: true });
    },
  };
}
