/**
 * `migrateObjects`: object store to object store with rclone only.
 *
 * Remotes are handed to rclone as `RCLONE_CONFIG_<NAME>_<OPTION>` environment
 * variables (readable only by this user, never on a command line, never in a
 * file); rclone is pointed at an empty, private, temporary config file so a
 * user's own rclone.conf is not consulted. The copy is `rclone copy --checksum`
 * (never sync/move, never a delete): re-running it skips every object already
 * complete in the target. Verification lists both sides with MD5 hashes.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { rcloneFailure } from "./diagnose";
import { MigrationError, MigrationInterrupted, MigrationToolError, type Side } from "./errors";
import {
  compareObjectListings,
  type ListedObject,
  type ObjectEntry,
  type ObjectManifest,
  objectProblems,
  type RemoteDescription,
  writeJsonAtomic,
} from "./manifest";
import { type RunResult, rcloneBinary, run, toolVersion } from "./proc";

export type RcloneBackend = "s3" | "azureblob" | "gcs" | "local";

export interface RcloneRemote {
  type: RcloneBackend;
  /** rclone backend options by name, e.g. `{ provider: "AWS", access_key_id, secret_access_key, region }`. */
  options: Record<string, string>;
  /** Bucket/container and prefix, e.g. `assets/prod` (for `local`, a directory). */
  path: string;
}

export interface MigrateObjectsOptions {
  from: RcloneRemote;
  to: RcloneRemote;
  manifestPath?: string;
  log?: (line: string) => void;
  /** `hash` (default) trusts the MD5 each service stores; `download` reads every object on both sides and hashes it. */
  verify?: "hash" | "download";
  /** rclone --bwlimit, e.g. `4M`. */
  bwlimit?: string;
  /** rclone --transfers (default 4). */
  transfers?: number;
  /** Abort kills rclone (SIGKILL, as a crash would); a later run resumes. */
  signal?: AbortSignal;
}

const RCLONE_TYPE: Record<RcloneBackend, string> = {
  s3: "s3",
  azureblob: "azureblob",
  gcs: "google cloud storage",
  local: "local",
};

const SECRET_OPTION = /key|secret|token|pass|sas|credential|auth|signature/i;

/** Describe a remote for logs and manifests, secrets replaced by `***`. */
export function describeRemote(r: RcloneRemote): RemoteDescription {
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.options)) options[k] = SECRET_OPTION.test(k) ? "***" : v;
  return { type: r.type, path: r.path, options };
}

/** Secret option values of a remote, to redact from any output. */
export function remoteSecrets(r: RcloneRemote): string[] {
  return Object.entries(r.options)
    .filter(([k]) => SECRET_OPTION.test(k))
    .map(([, v]) => v);
}

/**
 * The environment variables and remote spec that make rclone see `remote` under
 * `name` (e.g. `FHSRC:bucket/prefix`). Option names may use `_` or `-`.
 */
export function rcloneRemoteEnv(name: string, remote: RcloneRemote): { spec: string; env: Record<string, string> } {
  if (!/^[A-Z][A-Z0-9]*$/.test(name)) throw new Error(`rclone remote name must be upper-case letters/digits: ${name}`);
  const type = RCLONE_TYPE[remote.type];
  if (!type) throw new MigrationToolError(`unknown remote type ${String(remote.type)} (expected s3, azureblob, gcs or local)`, "rclone");
  const env: Record<string, string> = { [`RCLONE_CONFIG_${name}_TYPE`]: type };
  for (const [k, v] of Object.entries(remote.options)) {
    if (!/^[A-Za-z0-9_-]+$/.test(k)) throw new MigrationToolError(`invalid rclone option name: ${k}`, "rclone");
    if (k.toLowerCase() === "type") continue;
    env[`RCLONE_CONFIG_${name}_${k.replace(/-/g, "_").toUpperCase()}`] = v;
  }
  const p = remote.path.replace(/^\/+/, remote.type === "local" ? "/" : "");
  return { spec: `${name}:${p}`, env };
}

/**
 * The environment for an rclone child: the caller's, minus any inherited
 * definition of our remote names and minus AWS_CA_BUNDLE (rclone's S3 backend
 * cannot apply it and fails; Go still honours SSL_CERT_FILE / SSL_CERT_DIR),
 * plus an empty private config and the remotes.
 */
export function rcloneEnv(configPath: string, remotes: Record<string, string>, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (k === "AWS_CA_BUNDLE" || k === "RCLONE_CONFIG" || /^RCLONE_CONFIG_FH(SRC|DST)_/.test(k)) continue;
    env[k] = v;
  }
  env.RCLONE_CONFIG = configPath;
  return { ...env, ...remotes };
}

/** True when the two remotes could be the same storage with overlapping paths. */
export function remotesOverlap(a: RcloneRemote, b: RcloneRemote): boolean {
  if (a.type !== b.type) return false;
  const opts = (r: RcloneRemote) => JSON.stringify(Object.entries(r.options).sort(([x], [y]) => (x < y ? -1 : 1)));
  if (opts(a) !== opts(b)) return false;
  const norm = (p: string) => `${p.replace(/^\/+|\/+$/g, "")}/`;
  const pa = norm(a.path);
  const pb = norm(b.path);
  return pa.startsWith(pb) || pb.startsWith(pa);
}

/** A private temporary rclone session: empty config file (0600) in a 0700 folder, removed afterwards. */
export async function withRclone<T>(
  remotes: Record<string, RcloneRemote>,
  fn: (ctx: { bin: string; env: NodeJS.ProcessEnv; specs: Record<string, string>; secrets: string[] }) => Promise<T>,
): Promise<T> {
  const bin = rcloneBinary();
  const dir = await mkdtemp(path.join(os.tmpdir(), "freehold-rclone-"));
  try {
    const conf = path.join(dir, "rclone.conf");
    await writeFile(conf, "", { mode: 0o600 });
    const specs: Record<string, string> = {};
    let remoteEnv: Record<string, string> = {};
    const secrets: string[] = [];
    for (const [name, r] of Object.entries(remotes)) {
      const { spec, env } = rcloneRemoteEnv(name, r);
      specs[name] = spec;
      remoteEnv = { ...remoteEnv, ...env };
      secrets.push(...remoteSecrets(r));
    }
    return await fn({ bin, env: rcloneEnv(conf, remoteEnv), specs, secrets });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface LsjsonItem {
  Path: string;
  Size: number;
  IsDir?: boolean;
  Hashes?: Record<string, string>;
}

/** `rclone lsjson -R --files-only --hash --hash-type MD5` of one remote; objects without a stored MD5 get one computed by download. */
export async function listWithHashes(
  ctx: { bin: string; env: NodeJS.ProcessEnv; secrets: string[]; signal?: AbortSignal },
  spec: string,
  mode: "hash" | "download",
  side?: Side,
): Promise<ListedObject[]> {
  const r = await run(ctx.bin, ["lsjson", "-R", "--files-only", "--fast-list", "--no-mimetype", "--no-modtime", "--hash", "--hash-type", "MD5", spec], {
    env: ctx.env,
    secrets: ctx.secrets,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (r.code !== 0) throw rcloneFailure(r, { ...(side ? { side } : {}), action: "list the objects with their MD5 hashes" });
  const items = (JSON.parse(r.stdout || "[]") as LsjsonItem[]).filter((i) => !i.IsDir);
  const out: ListedObject[] = items.map((i) => ({
    path: i.Path,
    size: i.Size,
    md5: mode === "hash" ? (i.Hashes?.md5 ?? null) : null,
    hashSource: "backend",
  }));
  const need = out.filter((o) => !o.md5);
  if (need.length > 0) {
    const computed = await md5ByDownload(ctx, spec, need.map((o) => o.path), side);
    for (const o of need) {
      const h = computed.get(o.path);
      if (h) {
        o.md5 = h;
        o.hashSource = "computed";
      }
    }
  }
  return out;
}

/** `rclone md5sum --download` for the listed paths (or all when they are many). */
async function md5ByDownload(ctx: { bin: string; env: NodeJS.ProcessEnv; secrets: string[]; signal?: AbortSignal }, spec: string, paths: string[], side?: Side): Promise<Map<string, string>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "freehold-md5-"));
  try {
    const list = path.join(dir, "files");
    await writeFile(list, `${paths.join("\n")}\n`, { mode: 0o600 });
    const r = await run(ctx.bin, ["md5sum", "--download", "--fast-list", "--files-from-raw", list, spec], { env: ctx.env, secrets: ctx.secrets, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    if (r.code !== 0) throw rcloneFailure(r, { ...(side ? { side } : {}), action: "hash objects by downloading them" });
    const m = new Map<string, string>();
    for (const line of r.stdout.split("\n")) {
      const match = /^([0-9a-f]{32}) {2}(.*)$/.exec(line);
      if (match?.[1] && match[2] !== undefined) m.set(match[2], match[1]);
    }
    return m;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface VerifyObjectsResult {
  entries: ObjectEntry[];
  extra: string[];
  ms: number;
}

async function verifyPair(
  ctx: { bin: string; env: NodeJS.ProcessEnv; secrets: string[]; signal?: AbortSignal },
  src: string,
  dst: string,
  mode: "hash" | "download",
): Promise<VerifyObjectsResult> {
  const started = Date.now();
  const [s, d] = await Promise.all([listWithHashes(ctx, src, mode, "source"), listWithHashes(ctx, dst, mode, "target")]);
  const { entries, extra } = compareObjectListings(s, d);
  return { entries, extra, ms: Date.now() - started };
}

/**
 * Verify that every object under `from` is in `to` with the same size and MD5.
 * Throws MigrationError naming every missing or different object. Writes nothing.
 */
export async function verifyObjects(opts: {
  from: RcloneRemote;
  to: RcloneRemote;
  verify?: "hash" | "download";
  log?: (line: string) => void;
}): Promise<{ entries: ObjectEntry[]; extra: string[]; ms: number }> {
  return withRclone({ FHSRC: opts.from, FHDST: opts.to }, async (ctx) => {
    const src = ctx.specs.FHSRC ?? "";
    const dst = ctx.specs.FHDST ?? "";
    opts.log?.(`verifying ${dst} against ${src}`);
    const v = await verifyPair(ctx, src, dst, opts.verify ?? "hash");
    const problems = objectProblems(v.entries);
    if (problems.length > 0)
      throw new MigrationError("objects", `verification failed: ${problems.length} object(s) missing or different in the target`, problems);
    return v;
  });
}

interface RcloneStats {
  bytes?: number;
  transfers?: number;
  checks?: number;
  errors?: number;
}

/** What one `rclone copy --use-json-log --verbose` said: its final stats, what it replaced, and its errors as plain lines. */
export interface CopyLog {
  stats: RcloneStats;
  copied: number;
  replaced: number;
  /** Error entries, and every line that is not JSON (a Go panic and its goroutines), in order. */
  problems: string[];
}

/** Read one stderr line of `rclone --use-json-log`. */
export function readCopyLine(log: CopyLog, line: string): { copied?: string; error?: string; other?: string } {
  let entry: { msg?: string; object?: string; level?: string; stats?: RcloneStats };
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    if (line.trim()) log.problems.push(line);
    return line.trim() ? { other: line.trim() } : {};
  }
  if (entry.stats) log.stats = entry.stats;
  else if (entry.msg?.startsWith("Copied")) {
    log.copied++;
    if (entry.msg.includes("replaced existing")) log.replaced++;
    return { copied: entry.object ?? "?" };
  } else if (entry.level === "error" || entry.level === "critical" || entry.level === "fatal") {
    const text = `${entry.level.toUpperCase()}: ${entry.object ? `${entry.object}: ` : ""}${entry.msg ?? ""}`;
    log.problems.push(text);
    return { error: text };
  }
  return {};
}

/**
 * After a failed copy: whether the source cannot even be listed (one level, cheap). The target is not
 * probed: a target bucket or folder that does not exist yet is normal, rclone creates it.
 */
async function sourceUnreadable(ctx: { bin: string; env: NodeJS.ProcessEnv; secrets: string[] }, spec: string): Promise<boolean> {
  const r = await run(ctx.bin, ["lsjson", "--max-depth", "1", "--dirs-only", "--no-mimetype", "--no-modtime", spec], { env: ctx.env, secrets: ctx.secrets });
  return r.code !== 0;
}

/** A remote as a person reads it: a local path, or `:type:bucket/prefix` (no options, so no secrets). */
export function remoteLabel(r: RcloneRemote): string {
  return r.type === "local" ? r.path : `:${r.type}:${r.path}`;
}

function copyArgs(src: string, dst: string, opts: MigrateObjectsOptions): string[] {
  const args = ["copy", src, dst, "--checksum", "--fast-list", "--transfers", String(opts.transfers ?? 4), "--retries", "3", "--low-level-retries", "10", "--use-json-log", "--verbose"];
  if (opts.bwlimit) args.push("--bwlimit", opts.bwlimit);
  return args;
}

type RcloneContext = { bin: string; env: NodeJS.ProcessEnv; specs: Record<string, string>; secrets: string[] };

/** `rclone copy --checksum` from FHSRC to FHDST; its log read as it runs. Throws what the operator can act on. */
async function copy(ctx: RcloneContext, opts: MigrateObjectsOptions, transfers: number, log: (line: string) => void): Promise<{ copyLog: CopyLog; copyMs: number }> {
  const src = ctx.specs.FHSRC ?? "";
  const dst = ctx.specs.FHDST ?? "";
  log(`rclone copy --checksum --transfers ${transfers} ${src} -> ${dst}`);
  const tCopy = Date.now();
  const copyLog: CopyLog = { stats: {}, copied: 0, replaced: 0, problems: [] };
  const r: RunResult = await run(ctx.bin, copyArgs(src, dst, { ...opts, transfers }), {
    env: ctx.env,
    secrets: ctx.secrets,
    killSignal: "SIGKILL",
    ...(opts.signal ? { signal: opts.signal } : {}),
    onStderrLine: (line) => {
      const said = readCopyLine(copyLog, line);
      if (said.copied) log(`copied ${said.copied}`);
      else if (said.error) log(`rclone ${said.error}`);
      else if (said.other) log(`rclone: ${said.other}`);
    },
  });
  const copyMs = Date.now() - tCopy;
  if (r.aborted) throw new MigrationInterrupted(`rclone copy was interrupted after ${copyMs} ms; run again to resume`);
  if (r.code !== 0) {
    const problems = copyLog.problems.join("\n");
    const side: Side | undefined = !/^panic:/m.test(problems) && (await sourceUnreadable(ctx, src)) ? "source" : undefined;
    throw rcloneFailure(r, { ...(side ? { side } : {}), action: `copy ${remoteLabel(opts.from)} to ${remoteLabel(opts.to)}`, ...(side ? { display: remoteLabel(opts.from) } : {}) }, problems);
  }
  return { copyLog, copyMs };
}

/**
 * Copy every object under `from` to `to` with `rclone copy --checksum`, then
 * verify both listings and write the manifest. Resumable: a second run copies
 * only what is missing or different in the target. The source is only read.
 */
export async function migrateObjects(opts: MigrateObjectsOptions): Promise<ObjectManifest> {
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const startedAt = new Date().toISOString();
  if (remotesOverlap(opts.from, opts.to))
    throw new MigrationError("objects", "refusing to migrate: the source and target are the same storage with overlapping paths", [
      { item: opts.to.path, message: "overlaps the source path" },
    ]);
  const mode = opts.verify ?? "hash";
  const transfers = Math.max(1, Math.floor(opts.transfers ?? 4));
  return withRclone({ FHSRC: opts.from, FHDST: opts.to }, async (ctx) => {
    const version = toolVersion(ctx.bin, ["version"]).catch(() => "unknown"); // asked beside the copy, not before it
    const { copyLog, copyMs } = await copy(ctx, opts, transfers, log);
    const stats = copyLog.stats;
    const alreadyPresent = Math.max(0, (stats.checks ?? 0) - copyLog.replaced);
    log(`copied ${stats.transfers ?? 0} object(s), ${stats.bytes ?? 0} bytes (${copyLog.replaced} replacing a different one); ${alreadyPresent} already present`);
    log(`verifying: listing both sides with MD5 (${mode})`);
    const v = await verifyPair({ ...ctx, ...(opts.signal ? { signal: opts.signal } : {}) }, ctx.specs.FHSRC ?? "", ctx.specs.FHDST ?? "", mode);
    const problems = objectProblems(v.entries);
    const manifestPath = opts.manifestPath ? path.resolve(opts.manifestPath) : undefined;
    const manifest: ObjectManifest = {
      kind: "objects",
      formatVersion: 1,
      startedAt,
      finishedAt: new Date().toISOString(),
      source: describeRemote(opts.from),
      target: describeRemote(opts.to),
      tools: { rclone: await version },
      hashType: "md5",
      verifyMode: mode,
      copy: { transferred: stats.transfers ?? 0, replaced: copyLog.replaced, alreadyPresent, bytes: stats.bytes ?? 0, checks: stats.checks ?? 0, errors: stats.errors ?? 0, transfers },
      timings: { copyMs, verifyMs: v.ms, totalMs: Date.now() - t0 },
      objects: v.entries,
      extraTargetObjects: v.extra,
      totals: { objects: v.entries.length, bytes: v.entries.reduce((n, e) => n + e.size, 0), mismatches: problems.length },
      ok: problems.length === 0,
    };
    if (manifestPath) {
      await writeJsonAtomic(manifestPath, manifest);
      log(`manifest written to ${manifestPath}`);
    }
    if (problems.length > 0) throw new MigrationError("objects", `verification failed: ${problems.length} object(s) missing or different in the target`, problems, manifestPath);
    log(`verified ${manifest.totals.objects} objects, ${manifest.totals.bytes} bytes: all equal`);
    return manifest;
  });
}
