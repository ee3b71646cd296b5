// @ts-check
/**
 * The live exit measured (`BENCH_ONLY=live npm run bench`, or `node bench/live.mjs`): two real
 * PostgreSQL servers, a pgbench database on the source under a continuous pgbench write load,
 * `freehold replicate start`, lag sampled while pgbench writes, `cutover` requested with pgbench
 * still running. Records the write downtime and its parts, the transactions pgbench committed, the
 * rows on each side, the lag over time, and the initial copy against `pgcopydb clone` of the same
 * data with the same number of jobs. Writes bench/live-results.json and bench/live-results.md.
 *
 * Size: BENCH_LIVE_SCALE (pgbench scale; 70 is about 1 GiB; default 70, 5 with BENCH_QUICK=1).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { sh } from "./migration.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const require = createRequire(import.meta.url);
const dist = join(root, "packages", "cli", "dist", "migrate");
const QUICK = process.env.BENCH_QUICK === "1";
const SCALE = Number(process.env.BENCH_LIVE_SCALE ?? (QUICK ? 5 : 70));
const TARGETS = { writeDowntimeS: 10, rowsLost: 0 };
const t0 = performance.now();
const log = (/** @type {string} */ s) => process.stderr.write(`[live ${((performance.now() - t0) / 1000).toFixed(0)}s] ${s}\n`);

/** @param {string} url */
function split(url) {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = "";
  return { url: u.toString(), env: { ...process.env, PGPASSWORD: password } };
}

/** @param {string} url @param {string} sql */
async function q(url, sql) {
  const c = split(url);
  return (await sh("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", c.url, "-c", sql], { env: c.env })).out.trim();
}

/** pgbench writing until stopped; it ends by itself when cutover ends its sessions. @param {string} url */
function pgbenchLoad(url) {
  const c = split(url);
  const child = spawn("pgbench", ["-n", "-c", "2", "-T", "3600", "-P", "1", c.url], { env: c.env, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const exited = new Promise((resolve) => child.on("close", (code) => resolve({ code, err })));
  return { exited };
}

async function main() {
  const { startPostgres } = require(join(dist, "servers.js"));
  const live = require(join(dist, "live.js"));
  const [A, B, C] = await Promise.all([
    // One password for the three, so pgcopydb takes it from PGPASSWORD for both sides, never from its command line.
    startPostgres({ name: "live-src", superuserPassword: "bench-live" }),
    startPostgres({ name: "live-dst", superuserPassword: "bench-live" }),
    startPostgres({ name: "live-pgcopydb", superuserPassword: "bench-live" }),
  ]);
  try {
    for (const s of [A, B, C]) await q(s.superuserUrl, "CREATE DATABASE shop");
    const db = (/** @type {{ superuserUrl: string }} */ s) => s.superuserUrl.replace(/\/postgres$/, "/shop");
    const src = db(A);
    const dst = db(B);
    log(`pgbench -i -s ${SCALE} on the source`);
    const c = split(src);
    await sh("pgbench", ["-i", "-q", "-s", String(SCALE), "--foreign-keys", c.url], { env: c.env });
    // pgbench_history has no key: replicate refuses it (an UPDATE or DELETE on it would fail once published). A key, as a real schema has.
    await q(src, "ALTER TABLE pgbench_history ADD COLUMN id bigserial PRIMARY KEY");
    await q(src, "VACUUM ANALYZE");
    const bytes = Number(await q(src, "SELECT pg_database_size(current_database())"));
    log(`source: ${(bytes / 1024 ** 3).toFixed(2)} GiB`);

    // Anchor: pgcopydb clone of the same data (no load), the same number of jobs.
    const pc = split(db(C));
    const pgcDir = mkdtempSync(join(tmpdir(), "freehold-pgcopydb-"));
    const pgc = await sh("pgcopydb", ["clone", "--source", split(src).url, "--target", pc.url, "--table-jobs", "2", "--index-jobs", "2", "--no-owner", "--no-acl", "--dir", pgcDir], { env: pc.env }).then(
      (r) => ({ ok: true, ms: Math.round(r.ms) }),
      (e) => ({ ok: false, ms: 0, error: String(e.message).split("\n").slice(0, 3).join(" ") }),
    );
    rmSync(pgcDir, { recursive: true, force: true });
    log(`pgcopydb clone: ${pgc.ok ? `${pgc.ms} ms` : pgc.error}`);

    const load = pgbenchLoad(src);
    await new Promise((r) => setTimeout(r, 2000));
    const o = { from: src, to: dst, log };
    const start = await live.startReplication(o);
    log(`initial copy under load: ${start.ms} ms`);
    /** @type {Array<{ s: number, lagBytes: number }>} */
    const lag = [];
    const began = performance.now();
    while (performance.now() - began < (QUICK ? 5000 : 20000)) {
      const st = await live.replicationStatus(o);
      lag.push({ s: Math.round((performance.now() - began) / 100) / 10, lagBytes: st.lagBytes });
      await new Promise((r) => setTimeout(r, 500));
    }
    const cut = await live.cutover(o);
    const bench = await load.exited;
    const [srcRows, dstRows, srcBal, dstBal] = await Promise.all([
      q(src, "SELECT count(*) FROM pgbench_history"),
      q(dst, "SELECT count(*) FROM pgbench_history"),
      q(src, "SELECT sum(abalance) FROM pgbench_accounts"),
      q(dst, "SELECT sum(abalance) FROM pgbench_accounts"),
    ]);
    await live.finishReplication(o);
    const result = {
      date: new Date().toISOString(),
      quick: QUICK,
      scale: SCALE,
      databaseGiB: Math.round((bytes / 1024 ** 3) * 100) / 100,
      machine: { cores: cpus().length, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
      targets: TARGETS,
      freehold: {
        initialCopyMs: start.ms,
        writeDowntimeMs: cut.writeDowntimeMs,
        catchUpMs: cut.catchUpMs,
        verifyMs: cut.verifyMs,
        rowsWrittenOnSource: Number(srcRows),
        rowsOnTarget: Number(dstRows),
        rowsLost: Number(srcRows) - Number(dstRows),
        balancesEqual: srcBal === dstBal,
        pgbenchEndedBy: bench.err.split("\n").filter((l) => /terminat|read-only|abort/i.test(l)).slice(0, 2),
        lag,
      },
      pgcopydbClone: pgc,
    };
    writeFileSync(join(here, "live-results.json"), `${JSON.stringify(result, null, 2)}\n`);
    const f = result.freehold;
    writeFileSync(
      join(here, "live-results.md"),
      [
        "# Live exit, measured",
        "",
        `Written by \`node bench/live.mjs\` on ${result.date.slice(0, 10)}${QUICK ? " (**quick mode**)" : ""}: pgbench scale ${SCALE} (${result.databaseGiB} GiB), ${result.machine.cores} cores, load at end ${result.machine.loadAverageAtEnd.join(" ")}.`,
        "",
        "| Measure | Value | Target |",
        "|---|---|---|",
        `| Write downtime at cutover | ${(f.writeDowntimeMs / 1000).toFixed(2)} s (of which catch-up ${(f.catchUpMs / 1000).toFixed(2)} s) | at most ${TARGETS.writeDowntimeS} s |`,
        `| Verification of every table as of the switch (after writes resumed) | ${(f.verifyMs / 1000).toFixed(2)} s | |`,
        `| Rows written on the source / on the target | ${f.rowsWrittenOnSource} / ${f.rowsOnTarget} (${f.rowsLost} lost) | 0 lost |`,
        `| Account balances equal | ${f.balancesEqual ? "yes" : "no"} | yes |`,
        `| Initial copy under load (freehold replicate start) | ${(f.initialCopyMs / 1000).toFixed(1)} s | |`,
        `| pgcopydb clone, same data, 2 jobs, no load | ${pgc.ok ? `${(pgc.ms / 1000).toFixed(1)} s` : `failed: ${pgc.error}`} | |`,
        `| Peak lag while pgbench wrote | ${Math.max(0, ...f.lag.map((l) => l.lagBytes))} bytes | |`,
        "",
        "Tables are verified in snapshots taken at the switch, after writes resume, so the downtime does not grow with the data (docs/migration.md, 'Live exit').",
        "",
      ].join("\n"),
    );
    log(`downtime ${f.writeDowntimeMs} ms, rows lost ${f.rowsLost}; wrote bench/live-results.{json,md}`);
  } finally {
    await Promise.all([A.stop(), B.stop(), C.stop()]);
  }
}

await main();
