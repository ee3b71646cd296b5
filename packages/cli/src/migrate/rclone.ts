/**
 * rclone for the object side: remotes, the private environment rclone runs
 * in, listings with hashes, and `verifyObjects`.
 *
 * Remotes are handed to rclone as `RCLONE_CONFIG_<NAME>_<OPTION>` environment
 * variables of the child (readable only by this user, never on a command
 * line, never in a file); rclone is pointed at an empty, private, temporary
 * config file so a user's own rclone.conf is not consulted, and no other
 * `RCLONE_*` variable of the caller's environment reaches it: rclone reads
 * every flag from such variables, and a filter (`RCLONE_EXCLUDE`,
 * `RCLONE_MAX_AGE`, …) or backend default (`RCLONE_S3_ENDPOINT`,
 * `RCLONE_LOCAL_SKIP_LINKS`) there would silently change what is copied and
 * what is checked.
 */
import { lookup } from "node:dns/promises";
import { mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import os from "node:os";
import path from "node:path";
import { rcloneFailure } from "./diagnose";
import { MigrationError, MigrationToolError, type Side } from "./errors";
import { compareObjectListings, type ListedObject, type ObjectEntry, objectProblems, type RemoteDescription } from "./manifest";
import { rcloneBinary, run } from "./proc";

export type RcloneBackend = "s3" | "azureblob" | "gcs" | "local";

export interface RcloneRemote {
  type: RcloneBackend;
  /** rclone backend options by name, e.g. `{ provider: "AWS", access_key_id, secret_access_key, region }`. */
  options: Record<string, string>;
  /** Bucket/container and prefix, e.g. `assets/prod` (for `local`, a directory). */
  path: string;
}

const RCLONE_TYPE: Record<RcloneBackend, string> = {
  s3: "s3",
  azureblob: "azureblob",
  gcs: "google cloud storage",
  local: "local",
};

/**
 * Options whose value is a secret (rclone's own names: S3 secret_access_key,
 * session_token and sse_customer_key; Azure key, sas_url, client_secret,
 * password and client_certificate_password; GCS service_account_credentials,
 * client_secret and token). Never shown, never accepted on a command line.
 */
export const SECRET_OPTION = /secret|password|^key$|_key$|key_base64$|sas_url|credentials|token|signature/i;

/** Options not shown in logs and manifests: the secrets, and key identifiers (an access key id names an account's credential). */
const HIDDEN_OPTION = new RegExp(`${SECRET_OPTION.source}|key`, "i");

/** Describe a remote for logs and manifests, secrets replaced by `***`. */
export function describeRemote(r: RcloneRemote): RemoteDescription {
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.options)) options[k] = HIDDEN_OPTION.test(k) ? "***" : v;
  return { type: r.type, path: r.path, options };
}

/** Hidden option values of a remote, to redact from any output. */
export function remoteSecrets(r: RcloneRemote): string[] {
  return Object.entries(r.options)
    .filter(([k]) => HIDDEN_OPTION.test(k))
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
 * The environment for an rclone child: the caller's, minus every `RCLONE_*`
 * variable (see the module comment) and AWS_CA_BUNDLE (rclone's S3 backend
 * cannot apply it and fails; Go still honours SSL_CERT_FILE / SSL_CERT_DIR),
 * plus an empty private config and the remotes.
 */
export function rcloneEnv(configPath: string, remotes: Record<string, string>, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (k === "AWS_CA_BUNDLE" || /^RCLONE_/i.test(k)) continue;
    env[k] = v;
  }
  env.RCLONE_CONFIG = configPath;
  return { ...env, ...remotes };
}

/** A local path's real path: symbolic links resolved, up to the nearest folder that exists (a target may not exist yet). */
async function realLocal(p: string): Promise<string> {
  const abs = path.resolve(p);
  const rest: string[] = [];
  for (let dir = abs; ; dir = path.dirname(dir)) {
    try {
      return path.join(await realpath(dir), ...rest.reverse());
    } catch {
      if (dir === path.dirname(dir)) return abs;
      rest.push(path.basename(dir));
    }
  }
}

/** The host of a URL-like option value, lower-case, without scheme, port or path ("" when none). */
function host(v: string | undefined): string {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/:?#]*)/i.exec((v ?? "").trim());
  return (m?.[1] ?? "").toLowerCase();
}

/** Google Cloud Storage's own hosts: its JSON API (rclone's `gcs`) and its S3-compatible XML API are one storage. */
const GCS_HOSTS = new Set(["storage.googleapis.com", "www.googleapis.com"]);

/**
 * Where a remote's storage lives, whatever credentials or region reach it: a named namespace, or
 * a server by endpoint. S3: every AWS endpoint is AWS (bucket names are global there), Google's
 * S3-compatible endpoint is Google Cloud Storage, else the endpoint (host and port, the scheme's
 * default port filled in, `https` when no scheme is given, as rclone does); Azure: the account
 * (from `account`, or the host of a SAS URL or endpoint); GCS: one namespace (bucket names are
 * global), unless another endpoint is given; local: the file system.
 */
export type StoragePlace = { name: string } | { host: string; port: string };

export function storagePlace(r: RcloneRemote): StoragePlace {
  const o = Object.fromEntries(Object.entries(r.options).map(([k, v]) => [k.toLowerCase().replace(/-/g, "_"), v]));
  if (r.type === "s3" || r.type === "gcs") {
    const e = endpointOf(o.endpoint);
    if (r.type === "s3" && (e === undefined || e.host === "amazonaws.com" || e.host.endsWith(".amazonaws.com"))) return { name: "s3:aws" };
    return e === undefined || GCS_HOSTS.has(e.host) ? { name: "gcs" } : e;
  }
  if (r.type === "azureblob") {
    const fromUrl = (v: string | undefined) => {
      const h = host(v);
      const sub = /^([^.]+)\.blob\./.exec(h)?.[1];
      // An emulator's URL names the account in its path: http://127.0.0.1:10000/devstoreaccount1
      const inPath = /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/([^/?#]+)/i.exec(v ?? "")?.[1];
      return (sub ?? inPath ?? h).toLowerCase();
    };
    return { name: `azureblob:${(o.account ?? "").toLowerCase() || fromUrl(o.sas_url) || fromUrl(o.endpoint)}` };
  }
  return { name: "local" };
}

/** An endpoint's host (lower-case, no brackets or trailing dot) and port; undefined when none is given. */
function endpointOf(v: string | undefined): { host: string; port: string } | undefined {
  const text = (v ?? "").trim();
  if (text === "") return undefined;
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
    return { host: u.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase(), port: u.port || (u.protocol === "http:" ? "80" : "443") };
  } catch {
    return { host: host(text), port: "" };
  }
}

/** An address as written: an IPv4-mapped IPv6 address as IPv4, lower case, no zone (`%eth0`). */
function plainAddress(a: string): string {
  let v = a.toLowerCase().replace(/%.*$/, "");
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v);
  if (hex) {
    const [hi, lo] = [Number.parseInt(hex[1] as string, 16), Number.parseInt(hex[2] as string, 16)];
    v = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return v.replace(/^::ffff:(?=\d+\.)/, "");
}

/** Every address of this host's own interfaces (a server on this host that listens on all of them is reached by each). */
function ownAddresses(): Set<string> {
  const own = new Set<string>();
  for (const list of Object.values(os.networkInterfaces())) for (const i of list ?? []) own.add(plainAddress(i.address));
  return own;
}

/**
 * An address as compared: every address that reaches this host as one, "loopback": 127.0.0.0/8,
 * ::1, the unspecified addresses, and every address of this host's interfaces (a MinIO on the
 * migration host is reached as 127.0.0.1 and as the host's own or private address alike).
 */
function addressKey(a: string, own: Set<string> = ownAddresses()): string {
  const v = plainAddress(a);
  return /^127\.\d+\.\d+\.\d+$/.test(v) || v === "::1" || v === "0.0.0.0" || v === "::" || own.has(v) ? "loopback" : v;
}

/** A loopback or private address (RFC 1918, link-local, IPv6 unique-local and link-local): one that two names share only when they name one server. */
function privateAddress(v: string): boolean {
  return v === "loopback" || /^(10\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.)/.test(v) || /^f[cd][0-9a-f]{2}:|^fe[89ab][0-9a-f]:/.test(v);
}

/** The addresses a host name resolves to (as the system resolves them for rclone); none when it does not resolve within 5 s. */
async function addressesOf(h: string): Promise<Set<string>> {
  const own = ownAddresses();
  if (isIP(h) !== 0) return new Set([addressKey(h, own)]);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), 5000);
  });
  try {
    const found = await Promise.race([lookup(h, { all: true }), timeout]);
    return new Set(found.map((x) => addressKey(x.address, own)));
  } catch {
    return new Set();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether two places could be one storage: the same namespace, or endpoints on the same port
 * (the scheme's default filled in) whose hosts are one: the same name in any case, an address and
 * a name that resolves to it, or two names that share a loopback or private address (`localhost`,
 * `127.0.0.1`, `[::1]` and this host's own addresses are one host; so are two names of one MinIO on
 * a private network). Two
 * names that share only a public address are not taken for one: a provider that serves every
 * customer's endpoint from the same addresses (Cloudflare R2's `<account>.r2.cloudflarestorage.com`)
 * tells them apart by name.
 */
async function samePlace(a: StoragePlace, b: StoragePlace): Promise<boolean> {
  if ("name" in a || "name" in b) return "name" in a && "name" in b && a.name === b.name;
  if (a.port !== b.port) return false;
  if (a.host === b.host) return true;
  const [x, y] = await Promise.all([addressesOf(a.host), addressesOf(b.host)]);
  const literal = isIP(a.host) !== 0 || isIP(b.host) !== 0;
  return [...x].some((v) => y.has(v) && (literal || privateAddress(v)));
}

/**
 * True when the two remotes could be the same storage with overlapping paths: local paths
 * compared by their real paths (a symbolic link to the source is the source), cloud remotes by
 * the storage they reach ({@link storagePlace}) and bucket or container, never by credentials.
 */
export async function remotesOverlap(a: RcloneRemote, b: RcloneRemote): Promise<boolean> {
  if ((a.type === "local") !== (b.type === "local")) return false;
  if (a.type !== "local" && !(await samePlace(storagePlace(a), storagePlace(b)))) return false;
  const norm = (p: string) => `${p.replace(/^\/+|\/+$/g, "")}/`;
  const [pa, pb] = a.type === "local" ? await Promise.all([realLocal(a.path), realLocal(b.path)]).then((x) => x.map(norm)) : [norm(a.path), norm(b.path)];
  return (pa as string).startsWith(pb as string) || (pb as string).startsWith(pa as string);
}

/** What every rclone call of one run shares. `flags` go on every command (e.g. `--copy-links`). */
export interface RcloneContext {
  bin: string;
  env: NodeJS.ProcessEnv;
  specs: Record<string, string>;
  secrets: string[];
  flags: string[];
  /** Specs of local remotes: rclone hashes them by reading every file (no stored hash to list). */
  readHashed: Set<string>;
  signal?: AbortSignal;
}

/** A private temporary rclone session: empty config file (0600) in a 0700 folder, removed afterwards. */
export async function withRclone<T>(remotes: Record<string, RcloneRemote>, fn: (ctx: RcloneContext) => Promise<T>, opts: { flags?: string[]; signal?: AbortSignal } = {}): Promise<T> {
  const bin = rcloneBinary();
  const dir = await mkdtemp(path.join(os.tmpdir(), "freehold-rclone-"));
  try {
    const conf = path.join(dir, "rclone.conf");
    await writeFile(conf, "", { mode: 0o600 });
    const specs: Record<string, string> = {};
    let remoteEnv: Record<string, string> = {};
    const secrets: string[] = [];
    const readHashed = new Set<string>();
    for (const [name, r] of Object.entries(remotes)) {
      const { spec, env } = rcloneRemoteEnv(name, r);
      specs[name] = spec;
      if (r.type === "local") readHashed.add(spec);
      remoteEnv = { ...remoteEnv, ...env };
      secrets.push(...remoteSecrets(r));
    }
    return await fn({ bin, env: rcloneEnv(conf, remoteEnv), specs, secrets, flags: opts.flags ?? [], readHashed, ...(opts.signal ? { signal: opts.signal } : {}) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Run rclone in the context: its flags added, its environment, secrets redacted, its signal. */
export function rclone(ctx: RcloneContext, args: string[], extra: { onStderrLine?: (line: string) => void; killSignal?: NodeJS.Signals } = {}) {
  return run(ctx.bin, [...args, ...ctx.flags], { env: ctx.env, secrets: ctx.secrets, ...(ctx.signal ? { signal: ctx.signal } : {}), ...extra });
}

interface LsjsonItem {
  Path: string;
  Size: number;
  IsDir?: boolean;
  Hashes?: Record<string, string>;
}

/** Something rclone saw and did not list (so would not copy): a symbolic link without --copy-links, a socket, a device. */
export interface SkippedEntry {
  path: string;
  why: "symbolic link" | "not a regular file";
}

/** rclone's notices for entries it skips, in its plain and its JSON log. */
export function skippedEntry(line: string): SkippedEntry | undefined {
  let text = line;
  try {
    const j = JSON.parse(line) as { msg?: string; object?: string };
    if (j.msg && j.object) text = `NOTICE: ${j.object}: ${j.msg}`;
  } catch {
    /* plain log line */
  }
  const m = /NOTICE: (.+): Can't (follow symlink without -L\/--copy-links|transfer non file\/directory)$/.exec(text.trim());
  if (!m) return undefined;
  return { path: m[1] as string, why: (m[2] as string).startsWith("follow") ? "symbolic link" : "not a regular file" };
}

/** A listing of every object under a remote (sizes; MD5s with `hashes`), and what rclone skipped there. */
export interface Listing {
  objects: ListedObject[];
  skipped: SkippedEntry[];
}

/** `rclone lsjson -R --files-only` of one remote, with `--hash --hash-type MD5` when `hashes`; failures name the side. */
export async function list(ctx: RcloneContext, spec: string, opts: { hashes: boolean; side?: Side; quick?: boolean; missingOk?: boolean }): Promise<Listing> {
  const skipped: SkippedEntry[] = [];
  const args = ["lsjson", "-R", "--files-only", "--fast-list", "--no-mimetype", "--no-modtime", ...(opts.hashes ? ["--hash", "--hash-type", "MD5"] : []), ...(opts.quick ? QUICK : []), spec];
  const r = await rclone(ctx, args, {
    onStderrLine: (line) => {
      const s = skippedEntry(line);
      if (s) skipped.push(s);
    },
  });
  if (r.code === 3 && opts.missingOk) return { objects: [], skipped };
  if (r.code !== 0) throw rcloneFailure(r, { ...(opts.side ? { side: opts.side } : {}), action: opts.hashes ? "list the objects with their MD5 hashes" : "list the objects" });
  const items = (JSON.parse(r.stdout || "[]") as LsjsonItem[]).filter((i) => !i.IsDir);
  return { objects: items.map((i) => ({ path: i.Path, size: i.Size, md5: opts.hashes ? (i.Hashes?.md5 ?? null) : null, hashSource: "backend" })), skipped };
}

/**
 * Fail fast: one attempt, a 10 s connection timeout and a 30 s idle timeout,
 * so a store that refuses connections is reported in a second instead of
 * after rclone's default retries (ten low-level retries with back-off, about
 * 90 s per listing, minutes per copy).
 */
export const QUICK = ["--low-level-retries", "1", "--retries", "1", "--contimeout", "10s", "--timeout", "30s"];

/**
 * Every object under a remote with its MD5; objects without a stored MD5 (or all, with `download`) hashed by reading them.
 *
 * Where the hash is listed with the object (S3's ETag, GCS's md5Hash, Azure's Content-MD5), one
 * `lsjson --hash` is the whole cost: one listing, no read. Where rclone must read every object to hash
 * it (a local folder, or `download`), `lsjson` hashes one object after the other; `md5sum` reads
 * `--checkers` (8) objects at once, as `rclone check` does: the listing (sizes, skipped entries) and
 * `md5sum` then run side by side and are joined by path.
 */
export async function listWithHashes(ctx: RcloneContext, spec: string, mode: "hash" | "download", side?: Side): Promise<Listing> {
  const reading = mode === "download" || ctx.readHashed.has(spec);
  const [listing, read] = await Promise.all([list(ctx, spec, { hashes: !reading, ...(side ? { side } : {}) }), reading ? md5sum(ctx, spec, { download: mode === "download", ...(side ? { side } : {}) }) : undefined]);
  if (read)
    for (const o of listing.objects) {
      o.md5 = read.get(o.path) ?? null;
      if (mode === "download") o.hashSource = "computed";
    }
  const need = listing.objects.filter((o) => !o.md5);
  if (need.length === 0) return listing;
  // No stored MD5 (an S3 multipart upload without rclone's metadata, a GCS composite object), or written between the two walks.
  const computed = await md5sum(ctx, spec, { download: true, files: need.map((o) => o.path), ...(side ? { side } : {}) });
  for (const o of need) {
    const h = computed.get(o.path);
    if (h) {
      o.md5 = h;
      o.hashSource = "computed";
    }
  }
  return listing;
}

/** `rclone md5sum` (`--download`: read and hash even where a hash is stored) of every object, or of `files` only. */
async function md5sum(ctx: RcloneContext, spec: string, o: { download: boolean; files?: string[]; side?: Side }): Promise<Map<string, string>> {
  const dir = o.files ? await mkdtemp(path.join(os.tmpdir(), "freehold-md5-")) : undefined;
  try {
    const args = ["md5sum", "--fast-list", ...(o.download ? ["--download"] : [])];
    if (dir && o.files) {
      const file = path.join(dir, "files");
      await writeFile(file, `${o.files.join("\n")}\n`, { mode: 0o600 });
      args.push("--files-from-raw", file);
    }
    const r = await rclone(ctx, [...args, spec]);
    if (r.code !== 0) throw rcloneFailure(r, { ...(o.side ? { side: o.side } : {}), action: o.download ? "hash objects by downloading them" : "hash the objects" });
    const m = new Map<string, string>();
    for (const line of r.stdout.split("\n")) {
      const match = /^([0-9a-f]{32}) {2}(.*)$/.exec(line);
      if (match?.[1] && match[2] !== undefined) m.set(match[2], match[1]);
    }
    return m;
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

export interface VerifyObjectsResult {
  entries: ObjectEntry[];
  extra: string[];
  /** Entries at the source rclone does not copy (links without followLinks, special files): each a problem. */
  skipped: SkippedEntry[];
  ms: number;
}

/** List both sides with MD5s at once and compare; what the source listing skipped is a problem too. */
export async function verifyPair(ctx: RcloneContext, src: string, dst: string, mode: "hash" | "download"): Promise<VerifyObjectsResult> {
  const started = Date.now();
  const [s, d] = await Promise.all([listWithHashes(ctx, src, mode, "source"), listWithHashes(ctx, dst, mode, "target")]);
  const { entries, extra } = compareObjectListings(s.objects, d.objects);
  return { entries, extra, skipped: s.skipped, ms: Date.now() - started };
}

/**
 * How objects are verified when the caller does not say: by the MD5 each
 * store keeps, except with Azure Blob Storage on either side, where a block
 * blob's Content-MD5 is set by whoever wrote it (rclone sets it from the
 * source's hash) and Azure does not check it against the blocks committed
 * (https://learn.microsoft.com/en-us/rest/api/storageservices/put-block-list#request-headers:
 * x-ms-blob-content-md5 "is not validated"): both sides are then downloaded
 * and hashed.
 */
export function defaultVerify(from: RcloneRemote, to: RcloneRemote): "hash" | "download" {
  return from.type === "azureblob" || to.type === "azureblob" ? "download" : "hash";
}

/** Problems for skipped source entries: never silently left out of a "verified". */
export function skippedProblems(skipped: SkippedEntry[]) {
  return skipped.map((s) => ({
    item: s.path,
    message: s.why === "symbolic link" ? "a symbolic link at the source, not copied (follow links with --follow-links, or remove it)" : "not a regular file (a socket, pipe or device) at the source, not copied",
  }));
}

/**
 * Verify that every object under `from` is in `to` with the same size and MD5.
 * Throws MigrationError naming every missing or different object, and every
 * source entry rclone would not copy. Writes nothing.
 */
export async function verifyObjects(opts: { from: RcloneRemote; to: RcloneRemote; verify?: "hash" | "download"; followLinks?: boolean; log?: (line: string) => void; signal?: AbortSignal }): Promise<VerifyObjectsResult> {
  return withRclone(
    { FHSRC: opts.from, FHDST: opts.to },
    async (ctx) => {
      const src = ctx.specs.FHSRC ?? "";
      const dst = ctx.specs.FHDST ?? "";
      opts.log?.(`verifying ${dst} against ${src}`);
      const v = await verifyPair(ctx, src, dst, opts.verify ?? defaultVerify(opts.from, opts.to));
      const problems = [...objectProblems(v.entries), ...skippedProblems(v.skipped)];
      if (problems.length > 0) throw new MigrationError("objects", `verification failed: ${problems.length} object(s) missing, different or not copied`, problems);
      return v;
    },
    { flags: opts.followLinks ? ["--copy-links"] : [], ...(opts.signal ? { signal: opts.signal } : {}) },
  );
}
