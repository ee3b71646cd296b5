/**
 * The one `npm install` the consumer test and the eject test share. Both install the same provider SDKs, Pulumi's
 * SDK, TypeScript and Node's types at this repository's versions (the consumer test with Freehold's packed packages
 * besides): about 25-30 s of a busy npm and 430 MB written, each. The install of the union is made once, into a
 * folder under the OS temp dir named by the hash of what it installs (the package.json and every packed tarball's
 * bytes), and reused by the other test and by later runs while nothing it installs changed. It is built in a folder
 * of its own and renamed into place when complete, under a lock, so a test never sees half an install; and no test
 * writes into it: each keeps its programs, its build output and its tsconfig in its own folder, with a
 * `node_modules` that only links here.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./cli-helpers";

/** Freehold's packages an outside Pulumi team installs. */
export const PACKAGES = ["model", "rules", "core", "aws", "azure", "gcp"];
/** What a program on any cloud needs besides Freehold: Pulumi's SDK, the provider SDKs the backends use. */
const SDKS = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/azure-native", "@pulumi/gcp", "@pulumi/random", "@pulumiverse/time"];
const DEV = ["typescript", "@types/node"];

/** A package's version in this repository's own install. */
export const version = (pkg: string) => (JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;

const STORE = join(tmpdir(), "freehold-test-installs");
/** A lock older than this was left by a run that died: an install takes well under a minute. */
const STALE_LOCK_MS = 10 * 60_000;
/** An install no run has used for six hours is removed when another is made (each change to a package makes a new one, 430 MB). */
const UNUSED_MS = 6 * 3600_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Freehold's packages packed as `npm pack` packs them and installed with the SDKs into a fresh project, as the README
 * tells an outside team to (`npm install`, from npm's cache where `npm ci` left the packages). Returns the project
 * folder (its `node_modules` and `package.json`); the caller must not write into it.
 */
export async function consumerInstall(): Promise<string> {
  const packs = join(tmpdir(), `freehold-packs-${process.pid}-${Date.now()}`);
  mkdirSync(packs, { recursive: true });
  try {
    await promisify(execFile)("npm", ["pack", "--silent", "--pack-destination", packs, ...PACKAGES.flatMap((p) => ["-w", `packages/${p}`])], { cwd: ROOT });
    const tarballs = PACKAGES.map((p) => `freehold-${p}-0.1.0.tgz`);
    const deps: Record<string, string> = Object.fromEntries(PACKAGES.map((p, i) => [`@freehold/${p}`, `file:packs/${tarballs[i]}`]));
    for (const pkg of SDKS) deps[pkg] = version(pkg);
    const packageJson = JSON.stringify({ name: "consumer", version: "1.0.0", private: true, main: "index.ts", dependencies: deps, devDependencies: Object.fromEntries(DEV.map((p) => [p, version(p)])) }, null, 2);
    const hash = createHash("sha256").update(packageJson);
    for (const t of tarballs) hash.update(readFileSync(join(packs, t)));
    return await installOnce(hash.digest("hex").slice(0, 20), packageJson, packs, tarballs);
  } finally {
    rmSync(packs, { recursive: true, force: true });
  }
}

async function installOnce(key: string, packageJson: string, packs: string, tarballs: string[]): Promise<string> {
  mkdirSync(STORE, { recursive: true, mode: 0o700 });
  const done = join(STORE, key);
  const lock = join(STORE, `${key}.lock`);
  for (;;) {
    if (existsSync(join(done, "complete"))) {
      const now = new Date();
      utimesSync(join(done, "complete"), now, now);
      return done;
    }
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test (or run) is installing the same: wait for it, unless it died long ago.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      await sleep(500);
    }
  }
  try {
    if (existsSync(join(done, "complete"))) return done;
    prune(key);
    const building = join(STORE, `${key}.building-${process.pid}`);
    rmSync(building, { recursive: true, force: true });
    rmSync(done, { recursive: true, force: true });
    mkdirSync(join(building, "packs"), { recursive: true });
    writeFileSync(join(building, "package.json"), packageJson);
    for (const t of tarballs) writeFileSync(join(building, "packs", t), readFileSync(join(packs, t)));
    await promisify(execFile)("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], { cwd: building });
    writeFileSync(join(building, "complete"), "");
    renameSync(building, done);
    return done;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Remove installs no run used for six hours (another worktree's run may still use a recent one). */
function prune(keep: string): void {
  for (const name of readdirSync(STORE)) {
    if (name === keep || name.endsWith(".lock")) continue;
    const used = statSync(join(STORE, name, "complete"), { throwIfNoEntry: false })?.mtimeMs ?? statSync(join(STORE, name)).mtimeMs;
    if (Date.now() - used > UNUSED_MS) rmSync(join(STORE, name), { recursive: true, force: true });
  }
}

/**
 * A `node_modules` in `dir` holding only links to the shared install's packages, less those named in `without` (the
 * eject test's programs get no Freehold package: an ejected program must not need one).
 */
export function linkedNodeModules(install: string, dir: string, without: string[] = []): string {
  const nodeModules = join(dir, "node_modules");
  mkdirSync(nodeModules, { recursive: true });
  for (const name of readdirSync(join(install, "node_modules"))) if (!without.includes(name)) symlinkSync(join(install, "node_modules", name), join(nodeModules, name));
  return nodeModules;
}
