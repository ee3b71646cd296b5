// @ts-check
/**
 * The migration benchmark: `freehold migrate` against the raw tools on the same data, in one run.
 *
 * Database: a generated dataset (pgbench at scale BENCH_DB_SCALE, default 100, plus a table of text, bytea,
 * numeric, float, timestamptz and array columns; about 1.7 GiB on disk) in one PostgreSQL server, copied to a
 * fresh database on a second one, each round by raw `pg_dump -Fd -j N` + `pg_restore -j N` and by
 * `freehold migrate database --jobs N` (verification included), the order alternating.
 * Objects: about 1 GiB of incompressible objects in s3rver, copied to Azurite by raw `rclone copy` +
 * `rclone check` and by `freehold migrate objects` (copy + both listings with MD5), with the same flags.
 *
 * Used by run.mjs (`npm run bench`); `BENCH_ONLY=migration node bench/run.mjs` runs only this part and merges
 * its results into results.json / results.md. BENCH_MIGRATION_ROUNDS (default 5) sets the rounds.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const require = createRequire(import.meta.url);
const dist = join(root, "packages", "cli", "dist");
const CLI = join(dist, "bin.js");

export const MIGRATION_TARGETS = { database: 0.8, objects: 0.95 };

/**
 * Run a command; resolve with wall ms, stdout and stderr; reject on a non-zero exit.
 * @param {string} cmd @param {string[]} args @param {{ env?: NodeJS.ProcessEnv, input?: string, cwd?: string }} [o]
 * @returns {Promise<{ ms: number, out: string, err: string }>}
 */
export function sh(cmd, args, o = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const env = { ...process.env, ...o.env };
    delete env.AWS_CA_BUNDLE; // rclone's S3 backend cannot apply it (as in Freehold's own rclone environment)
    const child = spawn(cmd, args, { env, cwd: o.cwd, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.stdin.on("error", () => {}); // a tool that exits without reading its input (pgcopydb) closes the pipe first: not an error of the run
    child.on("close", (code) => {
      const ms = performance.now() - t0;
      if (code === 0) resolve({ ms, out, err });
      else reject(new Error(`${cmd} ${args.join(" ")} exited ${code}\nstdout: ${out.slice(-2000)}\nstderr: ${err.slice(-3000)}`));
    });
    child.stdin.end(o.input ?? "");
  });
}

/**
 * CPU seconds (user + system) a process used, and with `children` also its waited-for children
 * (Linux /proc/<pid>/stat fields 14-17, in clock ticks of 1/100 s). A PostgreSQL postmaster's children are
 * its backends and parallel workers, so the difference over a run is the server's work for it; this
 * process's children are every tool a run started. Unlike wall time, it does not move with the other load
 * on a shared machine.
 * @param {number | "self"} pid @param {boolean} children
 */
function cpuSeconds(pid, children) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
  return ((f[11] ?? 0) + (f[12] ?? 0) + (children ? (f[13] ?? 0) + (f[14] ?? 0) : 0)) / 100;
}

/** @param {number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

/** @param {string} url */
function conn(url) {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = "";
  return { url: u.toString(), env: { PGPASSWORD: password } };
}

const DOCS_SQL = (/** @type {number} */ rows) => `
CREATE TABLE docs (id bigint PRIMARY KEY, title text, body text, blob bytea, note text, price numeric(12,2), score double precision, at timestamptz, tags text[]);
INSERT INTO docs SELECT g, 'doc ' || g, repeat(md5(g::text), 8 + g % 8), decode(repeat(md5((g * 7)::text), 6), 'hex'),
  CASE WHEN g % 3 = 0 THEN NULL WHEN g % 3 = 1 THEN '' ELSE 'note ' || g END,
  (g % 100000) / 100.0, CASE WHEN g % 997 = 0 THEN '-0'::float8 ELSE g / 7.0 END,
  timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', ARRAY['t' || (g % 10), NULL, '']
FROM generate_series(1, ${rows}) g;
ANALYZE docs;`;

/**
 * @param {{ log: (s: string) => void, rounds: number, objectRounds: number, scale: number, docsRows: number, objectsMiB: number, jobs: number, transfers: number }} o
 */
export async function runMigrationBench(o) {
  const { startPostgres, startS3rver, startAzurite } = require(join(dist, "migrate", "servers.js"));
  const { pgTool, toolVersion } = require(join(dist, "migrate", "proc.js"));
  const { formatRemote } = require(join(dist, "migrate", "remote.js"));
  const tmp = mkdtempSync(join(tmpdir(), "freehold-bench-migration-"));
  /** @type {any[]} */
  const servers = [];
  // Interrupted (Ctrl-C, kill): stop the servers and remove the data before exiting.
  const stop = async () => {
    await Promise.allSettled(servers.map((s) => s.stop()));
    rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const t0 = performance.now();
  const loadAtStart = loadavg().map((x) => Math.round(x * 100) / 100);
  try {
    o.log("migration: starting two PostgreSQL servers, s3rver and Azurite");
    const [A, B, S3, AZ] = await Promise.all([
      startPostgres({ name: "bench-source", superuserPassword: `bench-a-${process.pid}` }),
      startPostgres({ name: "bench-target", superuserPassword: `bench-b-${process.pid}` }),
      startS3rver({}),
      startAzurite({}),
    ]);
    // A fresh (in-memory) Azurite for every objects round: its store holds at most half the machine's memory and
    // frees purged blobs only at its next collection, which 11 rounds of 2 GiB outgrow.
    const az = { current: AZ };
    const freshAzurite = async () => {
      await az.current.stop();
      az.current = await startAzurite({});
    };
    servers.push(A, B, S3, { stop: () => az.current.stop() });
    const su = (/** @type {string} */ url, /** @type {string} */ sql) => {
      const c = conn(url);
      return sh(pgTool("psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", c.url, "-f", "-"], { env: c.env, input: sql });
    };
    // No autovacuum on the bench's own servers: a worker that starts on one side's freshly restored tables and
    // ends during the other side's run would move CPU and I/O between the two. Neither side triggers it.
    for (const s of [A, B]) await su(s.superuserUrl, "ALTER SYSTEM SET autovacuum = off;\nSELECT pg_reload_conf();");
    const srcUrl = await A.createDatabase("bench", "bench_src", "src-pw");
    await su(B.superuserUrl, "CREATE ROLE bench_dst LOGIN PASSWORD 'dst-pw';");
    const targetUrl = (/** @type {string} */ db) => `postgresql://bench_dst:dst-pw@127.0.0.1:${B.port}/${db}`;
    const freshTarget = async (/** @type {string} */ db) => su(B.superuserUrl, `DROP DATABASE IF EXISTS ${db};\nCREATE DATABASE ${db} OWNER bench_dst TEMPLATE template0 ENCODING 'UTF8';`);

    const src = conn(srcUrl);
    const { dbBytes, accounts, docs } = await generateDatabase(src, o, pgTool);
    const rcloneConf = join(tmp, "rclone.conf");
    writeFileSync(rcloneConf, "");
    const s3 = S3.remote("bench-src");
    const azure = (/** @type {string} */ container) => az.current.remote(container);
    const spec = (/** @type {{ type: string, options: Record<string,string>, path: string }} */ r) => formatRemote(r.type, r.options, r.path);
    const rcloneEnv = { RCLONE_CONFIG: rcloneConf };
    const { objectBytes, objectCount } = await generateObjects(join(tmp, "objects"), spec(s3), rcloneEnv, o);

    /** @type {any[]} */
    const dbRounds = [];
    /** @type {any[]} */
    const objRounds = [];
    /** CPU seconds used so far by the tools this process started and by the four servers. */
    const cpuNow = () => cpuSeconds("self", true) - cpuSeconds("self", false) + [A, B].reduce((t, s) => t + cpuSeconds(s.pid, true), 0) + [S3, az.current].reduce((t, s) => t + cpuSeconds(s.pid, false), 0);
    // Freehold takes secret rclone options from a file only the user can read: the same remotes, split.
    const { SECRET_OPTION } = require(join(dist, "migrate", "rclone.js"));
    const split = (/** @type {{ type: string, options: Record<string,string>, path: string }} */ r, /** @type {string} */ file) => {
      const open = Object.fromEntries(Object.entries(r.options).filter(([k]) => !SECRET_OPTION.test(k)));
      writeFileSync(file, Object.entries(r.options).filter(([k]) => SECRET_OPTION.test(k)).map(([k, v]) => `${k}=${v}\n`).join(""), { mode: 0o600 });
      return formatRemote(r.type, open, r.path);
    };
    const s3Secrets = join(tmp, "s3.secrets");
    const azureSecretsFile = join(tmp, "azure.secrets");
    const ctx = {
      o, tmp, src, srcUrl, targetUrl, freshTarget, freshAzurite, dropTarget: (/** @type {string} */ db) => su(B.superuserUrl, `DROP DATABASE ${db};`), s3: spec(s3), azure: (/** @type {string} */ c) => spec(azure(c)), rcloneEnv, cpuNow, pgTool,
      s3Public: split(s3, s3Secrets), s3Secrets,
      azurePublic: (/** @type {string} */ c) => split(azure(c), azureSecretsFile),
      azureSecrets: () => azureSecretsFile,
    };
    for (let i = 0; i < o.rounds; i++) {
      const db = await databaseRound(ctx, i);
      dbRounds.push(db);
      o.log(`migration: database round ${i + 1} (${db.order}): raw ${db.raw.seconds.toFixed(1)} s, freehold ${db.freehold.seconds.toFixed(1)} s, ratio ${db.ratio.toFixed(3)}; CPU ${db.raw.cpuSeconds.toFixed(1)} / ${db.freehold.cpuSeconds.toFixed(1)} s, ratio ${db.cpuRatio.toFixed(3)}`);
    }
    for (let i = 0; i < o.objectRounds; i++) {
      const ob = await objectsRound(ctx, i);
      objRounds.push(ob);
      o.log(`migration: objects round ${i + 1} (${ob.order}): raw ${ob.raw.seconds.toFixed(1)} s, freehold ${ob.freehold.seconds.toFixed(1)} s, ratio ${ob.ratio.toFixed(3)}; CPU ${ob.raw.cpuSeconds.toFixed(1)} / ${ob.freehold.cpuSeconds.toFixed(1)} s, ratio ${ob.cpuRatio.toFixed(3)}`);
    }

    return {
      date: new Date().toISOString(),
      durationS: Math.round((performance.now() - t0) / 1000),
      machine: { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
      targets: MIGRATION_TARGETS,
      settings: { rounds: o.rounds, objectRounds: o.objectRounds, jobs: o.jobs, transfers: o.transfers, pgbenchScale: o.scale, docsRows: o.docsRows },
      tools: { pg_dump: await toolVersion(pgTool("pg_dump")), rclone: await toolVersion("rclone", ["version"]), postgres: A.version, s3rver: S3.version, azurite: AZ.version },
      database: { bytes: dbBytes, rows: { pgbench_accounts: accounts, docs }, rounds: dbRounds, median: medians(dbRounds, (dbBytes / 2 ** 30) * 3600, "GiBPerHour") },
      objects: { bytes: objectBytes, count: objectCount, rounds: objRounds, median: medians(objRounds, objectBytes / 2 ** 20, "MiBPerSecond") },
    };
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await Promise.allSettled(servers.map((s) => s.stop()));
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * pgbench at the given scale plus the docs table, in the source database; its size and row counts.
 * @param {{ url: string, env: Record<string, string> }} src @param {{ scale: number, docsRows: number, log: (s: string) => void }} o @param {(t: string) => string} pgTool
 */
async function generateDatabase(src, o, pgTool) {
  o.log(`migration: generating the database (pgbench -i -s ${o.scale}, docs ${o.docsRows} rows)`);
  const psql = pgTool("psql");
  await sh(pgTool("pgbench"), ["-i", "-s", String(o.scale), "-q", src.url], { env: src.env });
  await sh(psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", src.url, "-f", "-"], { env: src.env, input: DOCS_SQL(o.docsRows) });
  const sizeLine = await sh(psql, ["-X", "-A", "-t", "-d", src.url, "-c", "SELECT pg_database_size(current_database()) || ' ' || (SELECT count(*) FROM pgbench_accounts) || ' ' || (SELECT count(*) FROM docs)"], { env: src.env });
  const [dbBytes = 0, accounts = 0, docs = 0] = sizeLine.out.trim().split(" ").map(Number);
  o.log(`migration: database ${(dbBytes / 2 ** 30).toFixed(2)} GiB`);
  return { dbBytes, accounts, docs };
}

/**
 * Random objects of 16 KiB to 64 MiB (about `objectsMiB` in all), written to `dir`, uploaded to `target`, removed locally.
 * @param {string} dir @param {string} target @param {Record<string, string>} rcloneEnv @param {{ objectsMiB: number, log: (s: string) => void }} o
 */
async function generateObjects(dir, target, rcloneEnv, o) {
  o.log(`migration: generating ${o.objectsMiB} MiB of objects in s3rver`);
  const wanted = o.objectsMiB * 2 ** 20;
  const sizes = wanted >= 512 * 2 ** 20 ? [64 * 2 ** 20, 64 * 2 ** 20] : [];
  const cycle = [4 * 2 ** 20, 256 * 2 ** 10, 16 * 2 ** 10, 1 * 2 ** 20];
  for (let total = sizes.reduce((a, b) => a + b, 0); total < wanted; total += sizes[sizes.length - 1] ?? 0) sizes.push(cycle[sizes.length % cycle.length] ?? 0);
  sizes.forEach((size, n) => {
    const file = join(dir, `p${n % 7}`, `obj-${String(n).padStart(5, "0")}.bin`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(size));
  });
  await sh("rclone", ["copy", dir, target, "--transfers", "8"], { env: rcloneEnv });
  rmSync(dir, { recursive: true, force: true });
  return { objectBytes: sizes.reduce((a, b) => a + b, 0), objectCount: sizes.length };
}

/**
 * Medians over the rounds: the ratios, each side's seconds, and each side's throughput (`size` / seconds).
 * @param {any[]} rounds @param {number} size @param {string} unit
 */
function medians(rounds, size, unit) {
  const med = (/** @type {(r: any) => number} */ f) => median(rounds.map(f));
  const raw = med((r) => r.raw.seconds);
  const freehold = med((r) => r.freehold.seconds);
  return {
    ratio: med((r) => r.ratio),
    cpuRatio: med((r) => r.cpuRatio),
    rawSeconds: raw,
    freeholdSeconds: freehold,
    [`raw${unit}`]: size / raw,
    [`freehold${unit}`]: size / freehold,
    ...(rounds[0]?.freehold.verifyTailSeconds !== undefined ? { freeholdVerifyTailSeconds: med((r) => r.freehold.verifyTailSeconds) } : {}),
  };
}

/** The two sides, in the round's order: raw first in even rounds, Freehold first in odd ones. @param {number} i */
const sidesOf = (i) => (i % 2 === 0 ? ["raw", "freehold"] : ["freehold", "raw"]);

/**
 * One database round: raw pg_dump + pg_restore and freehold migrate database, each into a fresh database.
 * @param {any} c @param {number} i
 */
async function databaseRound(c, i) {
  /** @type {Record<string, any>} */
  const db = { round: i + 1, order: sidesOf(i).join(" then ") };
  for (const side of sidesOf(i)) {
    const name = `${side}_${i + 1}`;
    await c.freshTarget(name);
    const dst = conn(c.targetUrl(name));
    const cpu0 = c.cpuNow();
    if (side === "raw") {
      const dump = join(c.tmp, `dump-${i}`);
      const d = await sh(c.pgTool("pg_dump"), ["-Fd", `-j${c.o.jobs}`, "--no-owner", "--no-privileges", "-f", dump, c.src.url], { env: c.src.env });
      const r = await sh(c.pgTool("pg_restore"), [`-j${c.o.jobs}`, "--no-owner", "--no-privileges", "--exit-on-error", "-d", dst.url, dump], { env: dst.env });
      rmSync(dump, { recursive: true, force: true });
      db.raw = { seconds: (d.ms + r.ms) / 1000, dumpSeconds: d.ms / 1000, restoreSeconds: r.ms / 1000, cpuSeconds: c.cpuNow() - cpu0 };
    } else {
      const manifest = join(c.tmp, `db-manifest-${i}.json`);
      // Passwords by environment, never on the command line (freehold refuses them there).
      const r = await sh(process.execPath, [CLI, "migrate", "database", "--from", c.src.url, "--from-password-env", "FREEHOLD_BENCH_SRC_PASSWORD", "--to", dst.url, "--to-password-env", "FREEHOLD_BENCH_DST_PASSWORD", "--jobs", String(c.o.jobs), "--manifest", manifest, "--quiet", "--allow-unverified-tls", "--as-admin"], {
        env: { FREEHOLD_BENCH_SRC_PASSWORD: c.src.env.PGPASSWORD, FREEHOLD_BENCH_DST_PASSWORD: dst.env.PGPASSWORD },
      });
      const m = JSON.parse(readFileSync(manifest, "utf8"));
      if (!m.ok) throw new Error(`freehold migrate database did not verify in round ${i + 1}`);
      db.freehold = { seconds: r.ms / 1000, dumpSeconds: m.timings.dumpMs / 1000, restoreSeconds: m.timings.restoreMs / 1000, verifyTailSeconds: m.timings.verifyMs / 1000, rows: m.totals.rows, tables: m.totals.tables, cpuSeconds: c.cpuNow() - cpu0 };
    }
    await c.dropTarget(name);
  }
  return { ...db, ratio: db.raw.seconds / db.freehold.seconds, cpuRatio: db.raw.cpuSeconds / db.freehold.cpuSeconds };
}

/**
 * One objects round: raw rclone copy + rclone check and freehold migrate objects, each into a fresh container.
 * @param {any} c @param {number} i
 */
async function objectsRound(c, i) {
  /** @type {Record<string, any>} */
  const ob = { round: i + 1, order: sidesOf(i).join(" then ") };
  await c.freshAzurite();
  for (const side of sidesOf(i)) {
    const target = c.azure(`${side}-${i + 1}`);
    const cpu0 = c.cpuNow();
    if (side === "raw") {
      const cp = await sh("rclone", ["copy", c.s3, target, "--checksum", "--fast-list", "--transfers", String(c.o.transfers)], { env: c.rcloneEnv });
      const k = await sh("rclone", ["check", c.s3, target, "--fast-list"], { env: c.rcloneEnv });
      ob.raw = { seconds: (cp.ms + k.ms) / 1000, copySeconds: cp.ms / 1000, checkSeconds: k.ms / 1000, cpuSeconds: c.cpuNow() - cpu0 };
    } else {
      const manifest = join(c.tmp, `obj-manifest-${i}.json`);
      // Secret options from private files, never on the command line (freehold refuses them there).
      const r = await sh(process.execPath, [CLI, "migrate", "objects", "--from", c.s3Public, "--from-secrets-file", c.s3Secrets, "--to", c.azurePublic(`${side}-${i + 1}`), "--to-secrets-file", c.azureSecrets(), "--transfers", String(c.o.transfers), "--manifest", manifest, "--quiet"]);
      const m = JSON.parse(readFileSync(manifest, "utf8"));
      if (!m.ok) throw new Error(`freehold migrate objects did not verify in round ${i + 1}`);
      ob.freehold = { seconds: r.ms / 1000, copySeconds: m.timings.copyMs / 1000, verifySeconds: m.timings.verifyMs / 1000, objects: m.totals.objects, cpuSeconds: c.cpuNow() - cpu0 };
    }
    await sh("rclone", ["purge", target], { env: c.rcloneEnv });
  }
  return { ...ob, ratio: ob.raw.seconds / ob.freehold.seconds, cpuRatio: ob.raw.cpuSeconds / ob.freehold.cpuSeconds };
}

/** The results.md section. @param {any} m */
export function migrationMarkdown(m) {
  const f = (/** @type {number} */ x, d = 1) => x.toFixed(d);
  const verdict = (/** @type {number} */ ratio, /** @type {number} */ target) => (ratio >= target ? `met (>= ${target})` : `**missed** by ${((1 - ratio / target) * 100).toFixed(1)}% (target >= ${target})`);
  const L = [];
  L.push("## 5. Migration: Freehold against the raw tools", "");
  L.push(
    `Written by \`npm run bench\` on ${m.date.slice(0, 10)}${m.commit ? ` (commit ${m.commit})` : ""}${m.quick ? ", **quick mode: not for committing**" : ""}, in ${Math.round(m.durationS / 60)} min; ${m.settings.rounds} database rounds and ${m.settings.objectRounds ?? m.settings.rounds} object rounds, the order of the two sides alternating. ` +
      `Method: bench/migration.mjs (see [README.md](README.md)). Ratio = raw time / Freehold time, per round; the verdict uses the median. ` +
      `${m.machine.cores} cores (${m.machine.cpu}), shared: load average ${m.machine.loadAverageAtStart.join(" / ")} at the start, ${m.machine.loadAverageAtEnd.join(" / ")} at the end (1/5/15 min); both sides of a round see the same machine, which is why the ratio, not the seconds, is the measure.`,
    "",
  );
  L.push("| target | measured (median) | verdict |", "| --- | --- | --- |");
  L.push(`| database: \`freehold migrate database\` (verification included) / raw \`pg_dump -Fd -j ${m.settings.jobs}\` + \`pg_restore -j ${m.settings.jobs}\` >= ${m.targets.database} | ${f(m.database.median.ratio, 3)} | ${verdict(m.database.median.ratio, m.targets.database)} |`);
  L.push(`| objects: \`freehold migrate objects\` / raw \`rclone copy\` + \`rclone check\` >= ${m.targets.objects} | ${f(m.objects.median.ratio, 3)} | ${verdict(m.objects.median.ratio, m.targets.objects)} |`, "");
  L.push(
    `Besides wall time, each run's CPU time is measured: the tools' (this process's waited-for children) and the servers' (each postmaster's reaped backends; s3rver's and Azurite's own). It does not move with the other load on a shared machine, so its ratio (raw CPU / Freehold CPU: the share of Freehold's work that is the raw tools' work) shows what the verification costs whatever else runs. Median CPU ratio: database ${f(m.database.median.cpuRatio, 3)}, objects ${f(m.objects.median.cpuRatio, 3)}.`,
    "",
  );
  L.push(
    `Database: pgbench at scale ${m.settings.pgbenchScale} (${m.database.rows.pgbench_accounts.toLocaleString("en-GB")} accounts) plus a \`docs\` table of ${m.database.rows.docs.toLocaleString("en-GB")} rows (text, bytea, numeric, double precision with -0, timestamptz, text[] with NULL and ''), ` +
      `${f(m.database.bytes / 2 ** 30, 2)} GiB on disk (pg_database_size), copied between two PostgreSQL ${m.tools.postgres} servers on this host into a fresh database each time. ` +
      `Median: raw ${f(m.database.median.rawSeconds)} s (${f(m.database.median.rawGiBPerHour, 0)} GiB/h), Freehold ${f(m.database.median.freeholdSeconds)} s (${f(m.database.median.freeholdGiBPerHour, 0)} GiB/h), of which verification added ${f(m.database.median.freeholdVerifyTailSeconds)} s after the restore.`,
    "",
  );
  L.push("| round | order | raw s (dump + restore) | Freehold s (dump / restore / verification after restore) | ratio | CPU s raw / Freehold | CPU ratio |", "| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const r of m.database.rounds)
    L.push(`| ${r.round} | ${r.order} | ${f(r.raw.seconds)} (${f(r.raw.dumpSeconds)} + ${f(r.raw.restoreSeconds)}) | ${f(r.freehold.seconds)} (${f(r.freehold.dumpSeconds)} / ${f(r.freehold.restoreSeconds)} / ${f(r.freehold.verifyTailSeconds)}) | ${f(r.ratio, 3)} | ${f(r.raw.cpuSeconds)} / ${f(r.freehold.cpuSeconds)} | ${f(r.cpuRatio, 3)} |`);
  L.push(
    "",
    `Objects: ${m.objects.count} objects of 16 KiB to 64 MiB, ${f(m.objects.bytes / 2 ** 20, 0)} MiB of random bytes, from s3rver ${m.tools.s3rver} to Azurite ${m.tools.azurite} with ${m.tools.rclone}, \`--transfers ${m.settings.transfers} --fast-list\` on both sides. ` +
      `Median: raw ${f(m.objects.median.rawSeconds)} s (${f(m.objects.median.rawMiBPerSecond, 0)} MiB/s), Freehold ${f(m.objects.median.freeholdSeconds)} s (${f(m.objects.median.freeholdMiBPerSecond, 0)} MiB/s).`,
    "",
  );
  L.push("| round | order | raw s (copy + check) | Freehold s (copy / verify) | ratio | CPU s raw / Freehold | CPU ratio |", "| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const r of m.objects.rounds)
    L.push(`| ${r.round} | ${r.order} | ${f(r.raw.seconds)} (${f(r.raw.copySeconds)} + ${f(r.raw.checkSeconds)}) | ${f(r.freehold.seconds)} (${f(r.freehold.copySeconds)} / ${f(r.freehold.verifySeconds)}) | ${f(r.ratio, 3)} | ${f(r.raw.cpuSeconds)} / ${f(r.freehold.cpuSeconds)} | ${f(r.cpuRatio, 3)} |`);
  L.push("");
  return L.join("\n");
}
