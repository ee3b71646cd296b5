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
 * @param {{ log: (s: string) => void, rounds: number, scale: number, docsRows: number, objectsMiB: number, jobs: number, transfers: number }} o
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
    servers.push(A, B, S3, AZ);
    const psql = pgTool("psql");
    const su = (/** @type {string} */ url, /** @type {string} */ sql) => {
      const c = conn(url);
      return sh(psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", c.url, "-f", "-"], { env: c.env, input: sql });
    };
    // No autovacuum on the bench's own servers: a worker that starts on one side's freshly restored tables and
    // ends during the other side's run would move CPU and I/O between the two. Neither side triggers it.
    for (const s of [A, B]) await su(s.superuserUrl, "ALTER SYSTEM SET autovacuum = off;\nSELECT pg_reload_conf();");
    const srcUrl = await A.createDatabase("bench", "bench_src", "src-pw");
    await su(B.superuserUrl, "CREATE ROLE bench_dst LOGIN PASSWORD 'dst-pw';");
    const targetUrl = (/** @type {string} */ db) => `postgresql://bench_dst:dst-pw@127.0.0.1:${B.port}/${db}`;
    const freshTarget = async (/** @type {string} */ db) => su(B.superuserUrl, `DROP DATABASE IF EXISTS ${db};\nCREATE DATABASE ${db} OWNER bench_dst TEMPLATE template0 ENCODING 'UTF8';`);

    o.log(`migration: generating the database (pgbench -i -s ${o.scale}, docs ${o.docsRows} rows)`);
    const src = conn(srcUrl);
    await sh(pgTool("pgbench"), ["-i", "-s", String(o.scale), "-q", src.url], { env: src.env });
    await sh(psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", src.url, "-f", "-"], { env: src.env, input: DOCS_SQL(o.docsRows) });
    const sizeLine = await sh(psql, ["-X", "-A", "-t", "-d", src.url, "-c", "SELECT pg_database_size(current_database()) || ' ' || (SELECT count(*) FROM pgbench_accounts) || ' ' || (SELECT count(*) FROM docs)"], { env: src.env });
    const [dbBytes, accounts, docs] = sizeLine.out.trim().split(" ").map(Number);
    o.log(`migration: database ${((dbBytes ?? 0) / 2 ** 30).toFixed(2)} GiB`);

    o.log(`migration: generating ${o.objectsMiB} MiB of objects in s3rver`);
    const objDir = join(tmp, "objects");
    let objectBytes = 0;
    let objectCount = 0;
    const wanted = o.objectsMiB * 2 ** 20;
    const sizes = wanted >= 512 * 2 ** 20 ? [64 * 2 ** 20, 64 * 2 ** 20] : [];
    const cycle = [4 * 2 ** 20, 256 * 2 ** 10, 16 * 2 ** 10, 1 * 2 ** 20];
    for (let total = sizes.reduce((a, b) => a + b, 0); total < wanted; total += sizes[sizes.length - 1] ?? 0) sizes.push(cycle[sizes.length % cycle.length] ?? 0);
    for (const size of sizes) {
      const file = join(objDir, `p${objectCount % 7}`, `obj-${String(objectCount).padStart(5, "0")}.bin`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(size));
      objectBytes += size;
      objectCount++;
    }
    const rcloneConf = join(tmp, "rclone.conf");
    writeFileSync(rcloneConf, "");
    const s3 = S3.remote("bench-src");
    const azure = (/** @type {string} */ container) => AZ.remote(container);
    const spec = (/** @type {{ type: string, options: Record<string,string>, path: string }} */ r) => formatRemote(r.type === "gcs" ? "gcs" : r.type, r.options, r.path);
    const rcloneEnv = { RCLONE_CONFIG: rcloneConf };
    await sh("rclone", ["copy", objDir, spec(s3), "--transfers", "8"], { env: rcloneEnv });
    rmSync(objDir, { recursive: true, force: true });

    /** @type {any[]} */
    const dbRounds = [];
    /** @type {any[]} */
    const objRounds = [];
    /** CPU seconds used so far by the tools this process started and by the four servers. */
    const cpuNow = () => cpuSeconds("self", true) - cpuSeconds("self", false) + [A, B].reduce((t, s) => t + cpuSeconds(s.pid, true), 0) + [S3, AZ].reduce((t, s) => t + cpuSeconds(s.pid, false), 0);
    for (let i = 0; i < o.rounds; i++) {
      const order = i % 2 === 0 ? ["raw", "freehold"] : ["freehold", "raw"];
      /** @type {Record<string, any>} */
      const db = { round: i + 1, order: order.join(" then ") };
      for (const side of order) {
        const name = `${side}_${i + 1}`;
        await freshTarget(name);
        const dst = conn(targetUrl(name));
        const cpu0 = cpuNow();
        if (side === "raw") {
          const dump = join(tmp, `dump-${i}`);
          const d = await sh(pgTool("pg_dump"), ["-Fd", `-j${o.jobs}`, "--no-owner", "--no-privileges", "-f", dump, src.url], { env: src.env });
          const r = await sh(pgTool("pg_restore"), [`-j${o.jobs}`, "--no-owner", "--no-privileges", "--exit-on-error", "-d", dst.url, dump], { env: dst.env });
          rmSync(dump, { recursive: true, force: true });
          db.raw = { seconds: (d.ms + r.ms) / 1000, dumpSeconds: d.ms / 1000, restoreSeconds: r.ms / 1000, cpuSeconds: cpuNow() - cpu0 };
        } else {
          const manifest = join(tmp, `db-manifest-${i}.json`);
          const r = await sh(process.execPath, [CLI, "migrate", "database", "--from", srcUrl, "--to", targetUrl(name), "--jobs", String(o.jobs), "--manifest", manifest, "--quiet"]);
          const m = JSON.parse((await import("node:fs")).readFileSync(manifest, "utf8"));
          if (!m.ok) throw new Error(`freehold migrate database did not verify in round ${i + 1}`);
          db.freehold = { seconds: r.ms / 1000, dumpSeconds: m.timings.dumpMs / 1000, restoreSeconds: m.timings.restoreMs / 1000, verifyTailSeconds: m.timings.verifyMs / 1000, rows: m.totals.rows, tables: m.totals.tables, cpuSeconds: cpuNow() - cpu0 };
        }
        await su(B.superuserUrl, `DROP DATABASE ${name};`);
      }
      db.ratio = db.raw.seconds / db.freehold.seconds;
      db.cpuRatio = db.raw.cpuSeconds / db.freehold.cpuSeconds;
      dbRounds.push(db);
      o.log(`migration: database round ${i + 1} (${db.order}): raw ${db.raw.seconds.toFixed(1)} s, freehold ${db.freehold.seconds.toFixed(1)} s, ratio ${db.ratio.toFixed(3)}; CPU ${db.raw.cpuSeconds.toFixed(1)} / ${db.freehold.cpuSeconds.toFixed(1)} s, ratio ${db.cpuRatio.toFixed(3)}`);

      /** @type {Record<string, any>} */
      const ob = { round: i + 1, order: order.join(" then ") };
      for (const side of order) {
        const container = `${side}-${i + 1}`;
        const target = spec(azure(container));
        const cpu0 = cpuNow();
        if (side === "raw") {
          const c = await sh("rclone", ["copy", spec(s3), target, "--checksum", "--fast-list", "--transfers", String(o.transfers)], { env: rcloneEnv });
          const k = await sh("rclone", ["check", spec(s3), target, "--fast-list"], { env: rcloneEnv });
          ob.raw = { seconds: (c.ms + k.ms) / 1000, copySeconds: c.ms / 1000, checkSeconds: k.ms / 1000, cpuSeconds: cpuNow() - cpu0 };
        } else {
          const manifest = join(tmp, `obj-manifest-${i}.json`);
          const r = await sh(process.execPath, [CLI, "migrate", "objects", "--from", spec(s3), "--to", target, "--transfers", String(o.transfers), "--manifest", manifest, "--quiet"]);
          const m = JSON.parse((await import("node:fs")).readFileSync(manifest, "utf8"));
          if (!m.ok) throw new Error(`freehold migrate objects did not verify in round ${i + 1}`);
          ob.freehold = { seconds: r.ms / 1000, copySeconds: m.timings.copyMs / 1000, verifySeconds: m.timings.verifyMs / 1000, objects: m.totals.objects, cpuSeconds: cpuNow() - cpu0 };
        }
        await sh("rclone", ["purge", target], { env: rcloneEnv });
      }
      ob.ratio = ob.raw.seconds / ob.freehold.seconds;
      ob.cpuRatio = ob.raw.cpuSeconds / ob.freehold.cpuSeconds;
      objRounds.push(ob);
      o.log(`migration: objects round ${i + 1} (${ob.order}): raw ${ob.raw.seconds.toFixed(1)} s, freehold ${ob.freehold.seconds.toFixed(1)} s, ratio ${ob.ratio.toFixed(3)}; CPU ${ob.raw.cpuSeconds.toFixed(1)} / ${ob.freehold.cpuSeconds.toFixed(1)} s, ratio ${ob.cpuRatio.toFixed(3)}`);
    }

    const gib = (dbBytes ?? 0) / 2 ** 30;
    const mib = objectBytes / 2 ** 20;
    const med = (/** @type {any[]} */ rs, /** @type {(r: any) => number} */ f) => median(rs.map(f));
    return {
      date: new Date().toISOString(),
      durationS: Math.round((performance.now() - t0) / 1000),
      machine: { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
      targets: MIGRATION_TARGETS,
      settings: { rounds: o.rounds, jobs: o.jobs, transfers: o.transfers, pgbenchScale: o.scale, docsRows: o.docsRows },
      tools: { pg_dump: await toolVersion(pgTool("pg_dump")), rclone: await toolVersion("rclone", ["version"]), postgres: A.version, s3rver: S3.version, azurite: AZ.version },
      database: {
        bytes: dbBytes,
        rows: { pgbench_accounts: accounts, docs },
        rounds: dbRounds,
        median: {
          ratio: med(dbRounds, (r) => r.ratio),
          cpuRatio: med(dbRounds, (r) => r.cpuRatio),
          rawSeconds: med(dbRounds, (r) => r.raw.seconds),
          freeholdSeconds: med(dbRounds, (r) => r.freehold.seconds),
          rawGiBPerHour: gib / (med(dbRounds, (r) => r.raw.seconds) / 3600),
          freeholdGiBPerHour: gib / (med(dbRounds, (r) => r.freehold.seconds) / 3600),
          freeholdVerifyTailSeconds: med(dbRounds, (r) => r.freehold.verifyTailSeconds),
        },
      },
      objects: {
        bytes: objectBytes,
        count: objectCount,
        rounds: objRounds,
        median: {
          ratio: med(objRounds, (r) => r.ratio),
          cpuRatio: med(objRounds, (r) => r.cpuRatio),
          rawSeconds: med(objRounds, (r) => r.raw.seconds),
          freeholdSeconds: med(objRounds, (r) => r.freehold.seconds),
          rawMiBPerSecond: mib / med(objRounds, (r) => r.raw.seconds),
          freeholdMiBPerSecond: mib / med(objRounds, (r) => r.freehold.seconds),
        },
      },
    };
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await Promise.allSettled(servers.map((s) => s.stop()));
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The results.md section. @param {any} m */
export function migrationMarkdown(m) {
  const f = (/** @type {number} */ x, d = 1) => x.toFixed(d);
  const verdict = (/** @type {number} */ ratio, /** @type {number} */ target) => (ratio >= target ? `met (>= ${target})` : `**missed** by ${((1 - ratio / target) * 100).toFixed(1)}% (target >= ${target})`);
  const L = [];
  L.push("## 5. Migration: Freehold against the raw tools", "");
  L.push(
    `Written by \`npm run bench\` on ${m.date.slice(0, 10)}${m.commit ? ` (commit ${m.commit})` : ""}${m.quick ? ", **quick mode: not for committing**" : ""}, in ${Math.round(m.durationS / 60)} min; ${m.settings.rounds} rounds, the order of the two sides alternating. ` +
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
