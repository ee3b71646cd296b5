// @ts-check
/**
 * A database's initial copy, side by side (`BENCH_ONLY=initial-copy npm run bench`, or
 * `node bench/initial-copy.mjs` after a build): the same pgbench database (scale BENCH_INITIAL_SCALE,
 * default 70, about 1 GiB; 5 with BENCH_QUICK=1) copied from one real PostgreSQL server into a fresh
 * database on another by
 * - `pgcopydb clone --table-jobs N --index-jobs N` (no verification of its own),
 * - `freehold migrate database --jobs N` (stop-the-world: every table streamed from server to server
 *   in the snapshot it is fingerprinted in, N at a time, then fingerprinted on the target, the schema,
 *   sequences and large objects compared; the run's start included),
 * - `freehold replicate`'s initial copy (startReplication: the schema, then the target's native
 *   subscription copies the tables, `max_sync_workers_per_subscription` at a time, then streams;
 *   its verification happens at cutover, so none is counted here),
 * N = BENCH_INITIAL_JOBS (default 2, this machine's cores). The sides run interleaved, their order
 * rotating by round (BENCH_INITIAL_ROUNDS, default 3), the 1-minute load average recorded before each
 * round; medians decide. Writes bench/initial-copy-results.json and .md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { sh } from "./migration.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const require = createRequire(import.meta.url);
const dist = join(root, "packages", "cli", "dist");
const CLI = join(dist, "bin.js");
const QUICK = process.env.BENCH_QUICK === "1";
const SCALE = Number(process.env.BENCH_INITIAL_SCALE ?? (QUICK ? 5 : 70));
const JOBS = Number(process.env.BENCH_INITIAL_JOBS ?? 2);
const ROUNDS = Number(process.env.BENCH_INITIAL_ROUNDS ?? (QUICK ? 1 : 3));
const t0 = performance.now();
const log = (/** @type {string} */ s) => process.stderr.write(`[initial-copy ${((performance.now() - t0) / 1000).toFixed(0)}s] ${s}\n`);

/** A URL without its password, and an environment carrying it (never a command line). @param {string} url */
function split(url) {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = "";
  return { url: u.toString(), password, env: { ...process.env, PGPASSWORD: password } };
}

/** @param {string} url @param {string} sql */
async function q(url, sql) {
  const c = split(url);
  return (await sh("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", c.url, "-c", sql], { env: c.env })).out.trim();
}

const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * One side's run into a fresh database `name` on the target server; seconds.
 * @param {string} side @param {string} src @param {string} dst @param {string} tmp @param {any} live
 */
async function runSide(side, src, dst, tmp, live) {
  const s = split(src);
  const d = split(dst);
  const started = performance.now();
  if (side === "pgcopydb") {
    const dir = mkdtempSync(join(tmp, "pgcopydb-"));
    // Both servers share one password: pgcopydb reads it from PGPASSWORD, never from its command line.
    await sh("pgcopydb", ["clone", "--source", s.url, "--target", d.url, "--table-jobs", String(JOBS), "--index-jobs", String(JOBS), "--no-owner", "--no-acl", "--dir", dir], { env: d.env });
    rmSync(dir, { recursive: true, force: true });
    return { seconds: (performance.now() - started) / 1000 };
  }
  if (side === "freehold migrate database") {
    const manifest = join(tmp, "manifest.json");
    await sh(process.execPath, [CLI, "migrate", "database", "--from", s.url, "--from-password-env", "FH_SRC_PW", "--to", d.url, "--to-password-env", "FH_DST_PW", "--jobs", String(JOBS), "--manifest", manifest, "--quiet", "--allow-unverified-tls", "--as-admin"], { env: { FH_SRC_PW: s.password, FH_DST_PW: d.password } });
    const m = JSON.parse(readFileSync(manifest, "utf8"));
    if (!m.ok) throw new Error("freehold migrate database did not verify");
    return { seconds: (performance.now() - started) / 1000, method: m.restore.method, dumpSeconds: m.timings.dumpMs / 1000, restoreSeconds: m.timings.restoreMs / 1000, verifyTailSeconds: m.timings.verifyMs / 1000, verified: true };
  }
  const o = { from: src, to: dst };
  const r = await live.startReplication(o);
  const seconds = (performance.now() - started) / 1000;
  await live.finishReplication(o);
  return { seconds, startReplicationSeconds: r.ms / 1000, verified: false };
}

const SIDES = ["pgcopydb", "freehold migrate database", "freehold replicate (initial copy)"];

async function main() {
  const { startPostgres } = require(join(dist, "migrate", "servers.js"));
  const live = require(join(dist, "migrate", "live.js"));
  const tmp = mkdtempSync(join(tmpdir(), "freehold-bench-initial-"));
  const [A, B] = await Promise.all([startPostgres({ name: "initial-src", superuserPassword: "bench-initial" }), startPostgres({ name: "initial-dst", superuserPassword: "bench-initial" })]);
  try {
    await q(A.superuserUrl, "CREATE DATABASE shop");
    const src = A.superuserUrl.replace(/\/postgres$/, "/shop");
    log(`pgbench -i -s ${SCALE} --foreign-keys on the source`);
    await sh("pgbench", ["-i", "-q", "-s", String(SCALE), "--foreign-keys", split(src).url], { env: split(src).env });
    // pgbench_history has no key, which replication refuses: a key, as a real schema has.
    await q(src, "ALTER TABLE pgbench_history ADD COLUMN id bigserial PRIMARY KEY");
    await q(src, "VACUUM ANALYZE");
    const bytes = Number(await q(src, "SELECT pg_database_size(current_database())"));
    log(`source: ${(bytes / 2 ** 30).toFixed(2)} GiB`);
    /** @type {any[]} */
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) {
      const order = SIDES.map((_, k) => SIDES[(k + i) % SIDES.length] ?? "");
      /** @type {Record<string, any>} */
      const round = { round: i + 1, order, load1: Math.round((loadavg()[0] ?? 0) * 100) / 100 };
      for (const [k, side] of order.entries()) {
        const name = `copy_${i}_${k}`;
        await q(B.superuserUrl, `CREATE DATABASE ${name}`);
        round[side] = await runSide(side, src, B.superuserUrl.replace(/\/postgres$/, `/${name}`), tmp, live);
        await q(B.superuserUrl, `DROP DATABASE ${name} WITH (FORCE)`);
        log(`round ${i + 1}: ${side} ${round[side].seconds.toFixed(1)} s`);
      }
      rounds.push(round);
    }
    const medians = Object.fromEntries(SIDES.map((s) => [s, median(rounds.map((r) => r[s].seconds))]));
    const results = {
      date: new Date().toISOString(),
      commit: (await sh("git", ["rev-parse", "--short", "HEAD"], { cwd: root })).out.trim(),
      quick: QUICK,
      scale: SCALE,
      databaseGiB: Math.round((bytes / 2 ** 30) * 100) / 100,
      jobs: JOBS,
      machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "unknown", loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
      method: "interleaved: each round runs the three sides one after another into a fresh database, the order rotating by round; medians of the rounds",
      rounds,
      medianSeconds: medians,
      ratioToPgcopydb: Object.fromEntries(SIDES.map((s) => [s, (medians.pgcopydb ?? 0) / (medians[s] ?? 1)])),
    };
    writeFileSync(join(here, "initial-copy-results.json"), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(here, "initial-copy-results.md"), markdown(results));
    log("wrote bench/initial-copy-results.json and .md");
  } finally {
    await Promise.allSettled([A.stop(), B.stop()]);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** @param {any} r */
function markdown(r) {
  const L = ["# A database's initial copy: freehold against pgcopydb", ""];
  L.push(
    `Written by \`node bench/initial-copy.mjs\` on ${r.date.slice(0, 10)}, commit ${r.commit}: pgbench scale ${r.scale} (${r.databaseGiB} GiB), ${r.jobs} jobs on every side, ${r.machine.cores} cores (${r.machine.cpu}) shared with other work; load average ${r.machine.loadAverageAtEnd.join(" / ")} at the end.`,
    "",
    "Method: each round copies the same source into a fresh database by each side in turn, the order rotating by round, so every side meets the machine's load in every position; load1 is the 1-minute load average before the round; the verdict is on the medians. `pgcopydb clone --table-jobs N --index-jobs N` verifies nothing of its own; `freehold migrate database --jobs N` streams every table from server to server too (its `restore.method` is recorded) and includes its verification (every table fingerprinted on both sides, schema, sequences, large objects) and its process start; `freehold replicate`'s initial copy is the native subscription's table sync (verification happens at cutover).",
    "",
    `| round (load1) | ${SIDES.join(" | ")} |`,
    `| --- | ${SIDES.map(() => "---:").join(" | ")} |`,
  );
  for (const x of r.rounds) L.push(`| ${x.round} (${x.load1}) | ${SIDES.map((s) => `${x[s].seconds.toFixed(1)} s`).join(" | ")} |`);
  L.push(`| **median** | ${SIDES.map((s) => `**${r.medianSeconds[s].toFixed(1)} s**`).join(" | ")} |`);
  L.push(`| pgcopydb / side | ${SIDES.map((s) => r.ratioToPgcopydb[s].toFixed(2)).join(" | ")} |`, "");
  L.push(`Target: freehold's initial copy, verification included, at least as fast as pgcopydb (ratio >= 1): stop-the-world ${r.ratioToPgcopydb["freehold migrate database"] >= 1 ? "met" : "**missed**"}, replicate's initial copy ${r.ratioToPgcopydb["freehold replicate (initial copy)"] >= 1 ? "met" : "**missed**"}.`, "");
  return `${L.join("\n")}\n`;
}

await main();
