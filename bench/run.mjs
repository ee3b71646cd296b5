// @ts-check
/**
 * `npm run bench`: Freehold against hand-written Pulumi, and `freehold migrate` against the raw
 * tools, measured side by side. Writes bench/results.json and bench/results.md. See bench/README.md.
 *
 * Environment: BENCH_QUICK=1 runs N = 10 and 100 only with 2 runs each, and a small migration
 * (a smoke test, not for committed results). BENCH_ONLY=migration runs only the migration benchmark
 * and merges it into the existing results; BENCH_ONLY=registration skips it. BENCH_ONLY=equivalence
 * runs only the equivalence check, prints every difference and exits 1 if there is any (writes nothing).
 * BENCH_ONLY=live runs only the live exit (bench/live.mjs: replication under a pgbench load, cutover, rows
 * on both sides), writing bench/live-results.json and .md; the full run runs it last.
 * BENCH_ONLY=initial-copy runs only a database's initial copy against pgcopydb clone (bench/initial-copy.mjs),
 * writing bench/initial-copy-results.json and .md; the full run runs it after the live exit.
 * BENCH_ONLY=drill runs only the exit drill's matrix (bench/drill.mjs: every pair over every conformance
 * stack), writing bench/drill-results.json and bench/drill-results.md; the full run ends with it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, release, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { runDrillBench } from "./drill.mjs";
import { compareRuns } from "./equivalence.mjs";
import { migrationMarkdown, runMigrationBench, sh } from "./migration.mjs";
import { diffProfiles } from "./profile-diff.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const CLOUDS = /** @type {const} */ (["aws", "azure", "gcp"]);
const QUICK = process.env.BENCH_QUICK === "1";
const SIZES = QUICK ? [10, 100] : [10, 100, 1000];
const runsFor = (/** @type {number} */ n) => (QUICK ? 2 : n <= 100 ? 5 : 3);
const TARGETS = { registration: 1.05, load: 1.1, compare: 1.5 };
const ONLY = process.env.BENCH_ONLY ?? "";
const largest = SIZES[SIZES.length - 1] ?? 10;
const started = performance.now();
const tmp = mkdtempSync(join(tmpdir(), "freehold-bench-"));
const log = (/** @type {string} */ s) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${s}\n`);

// ---------------------------------------------------------------- helpers

/** Run node with these arguments; resolve with stdout and wall ms, reject on a non-zero exit. @param {string[]} args @param {{ cwd?: string }} [o] */
function run(args, o = {}) {
  return sh(process.execPath, args, { cwd: o.cwd ?? root }).then((r) => ({ out: r.out, wallMs: r.ms }));
}

/** One child measurement (bench/child.mjs), parsed. @param {string[]} args @returns {Promise<Record<string, any>>} */
async function child(args, node = ["--expose-gc"]) {
  const r = /** @type {{ out: string }} */ (await run([...node, join(here, "child.mjs"), ...args]));
  const line = r.out.trim().split("\n").pop() ?? "{}";
  return JSON.parse(line);
}

/** @param {number[]} xs */
function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  return { median, min: s[0] ?? 0, max: s[s.length - 1] ?? 0, runs: s.length };
}

/** Least-squares line y = a + b x. @param {number[]} x @param {number[]} y */
function lineFit(x, y) {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((xi, i) => {
    const dy = (y[i] ?? 0) - my;
    sxy += (xi - mx) * dy;
    sxx += (xi - mx) ** 2;
    syy += dy ** 2;
  });
  const slope = sxy / sxx;
  const r2 = syy ? (sxy * sxy) / (sxx * syy) : 1;
  return { slope, intercept: my - slope * mx, r2 };
}

const f1 = (/** @type {number} */ v) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));
const f2 = (/** @type {number} */ v) => v.toFixed(2);
const mmm = (/** @type {{ median: number, min: number, max: number }} */ s, fmt = f1) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
const verdict = (/** @type {number} */ ratio, /** @type {number} */ target) => (ratio <= target ? `met (<= ${target})` : `**missed** by ${((ratio / target - 1) * 100).toFixed(1)}% (target <= ${target})`);

function versions() {
  const v = (/** @type {string} */ pkg) => {
    try {
      return JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8")).version;
    } catch {
      return "not installed";
    }
  };
  return Object.fromEntries(
    ["@freehold/core", "@freehold/aws", "@freehold/azure", "@freehold/gcp", "@freehold/cli", "@pulumi/pulumi", "@pulumi/aws", "@pulumi/azure-native", "@pulumi/gcp", "@pulumi/random", "typescript"].map((p) => [p, v(p)]),
  );
}

const commit = (() => {
  const r = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" });
  const dirty = spawnSync("git", ["status", "--porcelain"], { cwd: root, encoding: "utf8" }).stdout.trim() ? " (with uncommitted changes)" : "";
  return r.status === 0 ? `${r.stdout.trim()}${dirty}` : "unknown";
})();

// ---------------------------------------------------------------- 5. migration (also alone: BENCH_ONLY=migration)

/** The migration benchmark, with its own date and commit (it may run apart from the rest). */
async function migration() {
  const rounds = Number(process.env.BENCH_MIGRATION_ROUNDS ?? (QUICK ? 2 : 7));
  const objectRounds = Number(process.env.BENCH_MIGRATION_OBJECT_ROUNDS ?? (QUICK ? 2 : 11));
  const sizes = QUICK ? { scale: 5, docsRows: 20_000, objectsMiB: 64 } : { scale: 100, docsRows: 400_000, objectsMiB: 1024 };
  const m = await runMigrationBench({ log, rounds, objectRounds, jobs: 2, transfers: 4, ...sizes });
  return { ...m, commit, quick: QUICK };
}

if (ONLY === "initial-copy") {
  await import("./initial-copy.mjs");
  rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
}

if (ONLY === "live") {
  await import("./live.mjs");
  rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
}

if (ONLY === "migration") {
  const previous = JSON.parse(readFileSync(join(here, "results.json"), "utf8"));
  const results = { ...previous, migration: await migration() };
  writeFileSync(join(here, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(here, "results.md"), markdown(results));
  rmSync(tmp, { recursive: true, force: true });
  log("wrote the migration results into bench/results.json and bench/results.md (the other sections unchanged)");
  process.exit(0);
}

if (ONLY === "drill") {
  const d = await runDrillBench({ log, commit });
  rmSync(tmp, { recursive: true, force: true });
  log(`wrote bench/${d.file}.json and bench/${d.file}.md: ${d.passed} of ${d.pairs.length} drills passed`);
  process.exit(d.passed === d.pairs.length ? 0 : 1);
}

// ---------------------------------------------------------------- 0. build the bench programs (strict TypeScript)

log("compiling bench/src (tsc -p bench/tsconfig.json)");
rmSync(join(here, "dist"), { recursive: true, force: true });
await run([join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(here, "tsconfig.json")]);

const machine = {
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
  os: `${platform()} ${release()}`,
  node: process.version,
  loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
};
log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, load ${machine.loadAverageAtStart.join(" ")}`);

// ---------------------------------------------------------------- 1a. equivalence

log("equivalence: N=10 stack and the Crown Marketplace, each cloud, both sides");
/** @type {Record<string, any>} */
const equivalence = {};
for (const cloud of CLOUDS) {
  for (const [label, mode, n] of /** @type {const} */ ([["N=10", "register", "10"], ["crown-marketplace", "crown", "-"]])) {
    const files = { freehold: join(tmp, `${mode}-freehold-${cloud}.json`), baseline: join(tmp, `${mode}-baseline-${cloud}.json`) };
    // Nothing is timed here: both sides record at the same time, one per core.
    await Promise.all(/** @type {const} */ (["freehold", "baseline"]).map((side) => child([mode, side, cloud, n, "--record", files[side]])));
    const cmp = compareRuns(JSON.parse(readFileSync(files.freehold, "utf8")), JSON.parse(readFileSync(files.baseline, "utf8")));
    equivalence[`${cloud} ${label}`] = cmp;
    log(`  ${cloud} ${label}: ${cmp.equivalent ? "equivalent" : "DIFFERENT"} (${cmp.resources.compared} resources, ${cmp.invokes.freehold} invokes)`);
  }
}

if (ONLY === "equivalence") {
  const lines = equivalenceDifferences(equivalence);
  process.stdout.write(lines.length ? `${lines.join("\n")}\n` : "");
  rmSync(tmp, { recursive: true, force: true });
  log(lines.length ? `equivalence: ${Object.values(equivalence).filter((e) => !e.equivalent).length} of ${Object.keys(equivalence).length} checks differ (listed above)` : `equivalence: all ${Object.keys(equivalence).length} checks identical`);
  process.exit(lines.length ? 1 : 0);
}

// ---------------------------------------------------------------- 1b. registration

/** @type {Record<string, Record<string, Record<number, any[]>>>} */
const raw = {};
for (const n of SIZES) {
  for (const cloud of CLOUDS) {
    for (let i = 0; i < runsFor(n); i++) {
      // Freehold and baseline run at the same time, one per core, so both see the same machine; the start order alternates.
      const sides = /** @type {const} */ (i % 2 ? ["baseline", "freehold"] : ["freehold", "baseline"]);
      const results = await Promise.all(sides.map((side) => child(["register", side, cloud, String(n)])));
      sides.forEach((side, k) => {
        raw[cloud] ??= {};
        raw[cloud][side] ??= {};
        raw[cloud][side][n] ??= [];
        raw[cloud][side][n].push(results[k]);
      });
    }
    const m = (/** @type {string} */ side) => stats((raw[cloud]?.[side]?.[n] ?? []).map((r) => r.cpuMs)).median;
    log(`registration ${cloud} N=${n}: cpu median freehold ${f1(m("freehold"))} ms, baseline ${f1(m("baseline"))} ms, ratio ${f2(m("freehold") / m("baseline"))}`);
  }
}

/** @type {Record<string, any>} */
const registration = {};
for (const cloud of CLOUDS) {
  /** @type {Record<string, any>} */
  const bySide = {};
  for (const side of ["freehold", "baseline"]) {
    const perN = Object.fromEntries(
      SIZES.map((n) => {
        const rs = raw[cloud]?.[side]?.[n] ?? [];
        return [
          n,
          {
            resources: rs[0]?.registrations,
            wallMs: stats(rs.map((r) => r.wallMs)),
            cpuMs: stats(rs.map((r) => r.cpuMs)),
            maxRssMiB: stats(rs.map((r) => r.maxRssMiB)),
            heapUsedMiB: stats(rs.map((r) => r.heapUsedMiB)),
          },
        ];
      }),
    );
    const wallFit = lineFit(SIZES, SIZES.map((n) => perN[n].wallMs.median));
    const cpuFit = lineFit(SIZES, SIZES.map((n) => perN[n].cpuMs.median));
    bySide[side] = { perN, slope: { wallMsPerComponent: wallFit.slope, cpuMsPerComponent: cpuFit.slope, wallR2: wallFit.r2, cpuR2: cpuFit.r2 } };
  }
  const ratios = Object.fromEntries(
    SIZES.map((n) => {
      const a = bySide.freehold.perN[n];
      const b = bySide.baseline.perN[n];
      return [n, { wall: a.wallMs.median / b.wallMs.median, cpu: a.cpuMs.median / b.cpuMs.median, maxRss: a.maxRssMiB.median / b.maxRssMiB.median, heap: a.heapUsedMiB.median / b.heapUsedMiB.median }];
    }),
  );
  registration[cloud] = { ...bySide, ratios };
}

// ---------------------------------------------------------------- 2. load cost

log("load cost: require @freehold/core + loadBackend vs @pulumi/pulumi + the baseline's provider submodules");
/** @type {Record<string, any>} */
const load = {};
for (const cloud of CLOUDS) {
  /** @type {Record<string, any[]>} */
  const rs = { freehold: [], baseline: [] };
  for (let i = 0; i < 5; i++) for (const side of /** @type {const} */ (["freehold", "baseline"])) rs[side]?.push(await child(["load", side, cloud]));
  const sum = (/** @type {any[]} */ xs) => ({
    wallMs: stats(xs.map((r) => r.wallMs)),
    cpuMs: stats(xs.map((r) => r.cpuMs)),
    maxRssMiB: stats(xs.map((r) => r.maxRssMiB)),
    heapUsedMiB: stats(xs.map((r) => r.heapUsedMiB)),
    modules: xs[0]?.modules,
    sdkModules: xs[0]?.sdkModules,
    otherCloudSdksLoaded: [...new Set(xs.flatMap((r) => r.otherCloudSdksLoaded))],
  });
  const fh = sum(rs.freehold ?? []);
  const bl = sum(rs.baseline ?? []);
  load[cloud] = { freehold: fh, baseline: bl, ratios: { wall: fh.wallMs.median / bl.wallMs.median, cpu: fh.cpuMs.median / bl.cpuMs.median, maxRss: fh.maxRssMiB.median / bl.maxRssMiB.median } };
  log(`  ${cloud}: wall ${f1(fh.wallMs.median)} vs ${f1(bl.wallMs.median)} ms, ratio ${f2(load[cloud].ratios.wall)}; other clouds' SDKs loaded: ${fh.otherCloudSdksLoaded.join(", ") || "none"}`);
}

// ---------------------------------------------------------------- 3. compare end to end

log("compare end to end: freehold compare (3 clouds) vs the slowest single-cloud freehold plan");
const cli = join(root, "packages", "cli", "dist", "bin.js");
const spec = join(root, "examples", "crown-marketplace", "freehold.yaml");
/** @type {Record<string, number[]>} */
const e2e = { compare: [], aws: [], azure: [], gcp: [] };
for (let i = 0; i < 3; i++) {
  const out = join(tmp, `compare-${i}`);
  e2e.compare?.push((/** @type {any} */ (await run([cli, "compare", spec, "--out", out, "--quiet"]))).wallMs);
  for (const cloud of CLOUDS) e2e[cloud]?.push((/** @type {any} */ (await run([cli, "plan", spec, "--cloud", cloud, "--format", "json"]))).wallMs);
}
const planStats = Object.fromEntries(CLOUDS.map((c) => [c, stats(e2e[c] ?? [])]));
const slowest = CLOUDS.reduce((a, b) => ((planStats[a]?.median ?? 0) >= (planStats[b]?.median ?? 0) ? a : b));
const compareStats = stats(e2e.compare ?? []);
const compare = { compare: compareStats, plans: planStats, slowest, ratio: compareStats.median / (planStats[slowest]?.median ?? 1) };
log(`  compare ${f1(compareStats.median)} ms vs plan ${slowest} ${f1(planStats[slowest]?.median ?? 0)} ms: ratio ${f2(compare.ratio)}`);

// ---------------------------------------------------------------- 4. what the user writes

/** Non-blank lines that are not only a comment. @param {string} file */
function codeLines(file) {
  let inBlock = false;
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => {
      const t = line.trim();
      if (inBlock) {
        if (t.includes("*/")) inBlock = false;
        return false;
      }
      if (t.startsWith("/*")) {
        inBlock = !t.includes("*/");
        return false;
      }
      return t !== "" && !t.startsWith("//");
    }).length;
}
const rel = (/** @type {string} */ p) => p.slice(root.length + 1);
const freeholdProgram = join(root, "examples", "crown-marketplace", "index.ts");
const baselineFiles = [...CLOUDS.map((c) => join(here, "src", "baseline", `${c}.ts`)), join(here, "src", "baseline", "names.ts")];
const loc = {
  freehold: { files: { [rel(freeholdProgram)]: codeLines(freeholdProgram) }, total: codeLines(freeholdProgram) },
  baseline: { files: Object.fromEntries(baselineFiles.map((f) => [rel(f), codeLines(f)])), total: baselineFiles.reduce((a, f) => a + codeLines(f), 0) },
};

// ---------------------------------------------------------------- profile where the registration target is missed

/** @type {any} */
let profile;
const missed = CLOUDS.filter((c) => (registration[c]?.ratios[largest]?.cpu ?? 0) > TARGETS.registration);
if (missed.length) {
  const cloud = missed.reduce((a, b) => ((registration[a]?.ratios[largest]?.cpu ?? 0) >= (registration[b]?.ratios[largest]?.cpu ?? 0) ? a : b));
  log(`profiling registration (${cloud}, N=100) with node --cpu-prof`);
  const dir = join(here, "profiles");
  mkdirSync(dir, { recursive: true });
  const files = { freehold: join(dir, `register-${cloud}-freehold-100.cpuprofile`), baseline: join(dir, `register-${cloud}-baseline-100.cpuprofile`) };
  for (const side of /** @type {const} */ (["freehold", "baseline"])) {
    if (existsSync(files[side])) rmSync(files[side]);
    await child(["register", side, cloud, "100"], ["--expose-gc", "--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${files[side].slice(dir.length + 1)}`]);
  }
  profile = { cloud, n: 100, files: { freehold: rel(files.freehold), baseline: rel(files.baseline) }, ...diffProfiles(files.freehold, files.baseline, 15) };
}

// ---------------------------------------------------------------- 5. migration

const migrationResults = ONLY === "registration" ? undefined : await migration();

// ---------------------------------------------------------------- write the results

machine.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
const durationS = Math.round((performance.now() - started) / 1000);
const results = { date: new Date().toISOString(), commit, quick: QUICK, durationS, machine, versions: versions(), targets: TARGETS, equivalence, registration, load, compare, linesOfCode: loc, profile, migration: migrationResults };
writeFileSync(join(here, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(here, "results.md"), markdown(results));
rmSync(tmp, { recursive: true, force: true });
log(`wrote bench/results.json and bench/results.md in ${durationS} s`);
if (ONLY !== "registration") await import("./live.mjs");
if (ONLY !== "registration") await import("./initial-copy.mjs");

// ---------------------------------------------------------------- 6. the exit drill's matrix (also alone: BENCH_ONLY=drill)

if (ONLY !== "registration") {
  const d = await runDrillBench({ log, commit });
  log(`wrote bench/${d.file}.json and bench/${d.file}.md: ${d.passed} of ${d.pairs.length} drills passed`);
}

/** Every difference of the checks that are not equivalent, as markdown lines (empty when all are). @param {Record<string, any>} checks */
function equivalenceDifferences(checks) {
  const L = [];
  for (const [k, x] of Object.entries(checks)) {
    if (x.equivalent) continue;
    L.push("", `Differences in ${k}:`, "");
    for (const o of x.onlyFreehold) L.push(`- only Freehold: ${o}`);
    for (const o of x.onlyBaseline) L.push(`- only baseline: ${o}`);
    for (const d of x.differing) L.push(`- ${d.resource}: ${d.differences.join("; ")}`);
    for (const i of x.invokes.onlyFreehold ?? []) L.push(`- invoke only Freehold: ${i}`);
    for (const i of x.invokes.onlyBaseline ?? []) L.push(`- invoke only baseline: ${i}`);
  }
  return L;
}

/** @param {any} r */
function markdown(r) {
  // The sizes of the results being written (a migration-only run may render results of another mode).
  const SIZES = Object.keys(r.registration.aws.freehold.perN).map(Number);
  const largest = SIZES[SIZES.length - 1] ?? 10;
  const L = [];
  const reg = r.registration;
  L.push("# Benchmarks: Freehold against hand-written Pulumi", "");
  L.push(`Written by \`npm run bench\` on ${r.date.slice(0, 10)} (commit ${r.commit}${r.quick ? ", **quick mode: not for committing**" : ""}), in ${Math.round(r.durationS / 60)} min. Method and files: [README.md](README.md).`, "");
  L.push("## Machine", "");
  L.push(`- CPU: ${r.machine.cpu}, ${r.machine.cores} cores; memory ${r.machine.memoryGiB} GiB; ${r.machine.os}`);
  L.push(`- Node ${r.machine.node}; load average at start ${r.machine.loadAverageAtStart.join(" / ")}, at end ${r.machine.loadAverageAtEnd.join(" / ")} (1/5/15 min)`);
  L.push(`- Packages: ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(", ")}`, "");
  L.push("Every figure is the median of several runs, each in a fresh `node` process, with (min–max). Times in ms, memory in MiB.", "");

  L.push("## Targets", "");
  L.push("| target | measured | verdict |", "| --- | --- | --- |");
  for (const c of CLOUDS) {
    const q = reg[c].ratios[largest];
    L.push(`| registration, ${c}, N = ${largest}: Freehold / baseline <= ${r.targets.registration} | CPU ${f2(q.cpu)}, wall ${f2(q.wall)} | ${verdict(q.cpu, r.targets.registration)} |`);
  }
  for (const c of CLOUDS) L.push(`| load, ${c}: core + backend / provider submodules <= ${r.targets.load} | wall ${f2(r.load[c].ratios.wall)}, CPU ${f2(r.load[c].ratios.cpu)} | ${verdict(r.load[c].ratios.wall, r.targets.load)}; other clouds' SDKs loaded: ${r.load[c].freehold.otherCloudSdksLoaded.join(", ") || "none"} |`);
  L.push(`| compare (3 clouds) / slowest plan (${r.compare.slowest}) <= ${r.targets.compare} | ${f2(r.compare.ratio)} | ${verdict(r.compare.ratio, r.targets.compare)} |`);
  const eqAll = Object.values(r.equivalence).every((e) => /** @type {any} */ (e).equivalent);
  L.push(`| baseline registers the same resources with the same inputs | ${Object.keys(r.equivalence).length} checks | ${eqAll ? "yes, all identical" : "**NO**: see Equivalence"} |`, "");
  L.push("The registration verdict uses process CPU time: it counts the work done and does not move with other load on the machine; wall time is shown beside it.", "");

  L.push("## 1. Registration overhead", "");
  L.push("The stack: N components in groups of ten shaped like the Crown Marketplace example: 3 databases (one 2 vCPU / 8 GiB, 50 GiB, highly available, 14 days of backups; two with defaults), 3 object stores (one with two lifecycle rules and CORS; two with defaults) and 4 web services, each linked to one database and one store (one public 1 vCPU / 2 GiB with 2–10 instances; one private worker running as user 10001 with read-only store access; two private with defaults). Both sides run under `pulumi.runtime.setMocks` + `runInPulumiStack` with the same mocks (bench/mocks.mjs); Freehold through `@freehold/core`'s components, the baseline through bench/src/baseline/<cloud>.ts, which calls the same `@pulumi/<provider>/<module>` submodules directly. Timed from the start of the program to the last registration reaching the mocks; module loading is not included (see 2). Each pair runs concurrently, one process per core.", "");
  for (const c of CLOUDS) {
    L.push(`### ${c}`, "");
    L.push("| N | resources (Freehold / baseline) | wall Freehold | wall baseline | CPU Freehold | CPU baseline | CPU ratio | wall ratio | peak RSS Freehold | peak RSS baseline | RSS ratio | heap after GC F / B |");
    L.push("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const n of SIZES) {
      const a = reg[c].freehold.perN[n];
      const b = reg[c].baseline.perN[n];
      const q = reg[c].ratios[n];
      L.push(`| ${n} | ${a.resources} / ${b.resources} | ${mmm(a.wallMs)} | ${mmm(b.wallMs)} | ${mmm(a.cpuMs)} | ${mmm(b.cpuMs)} | **${f2(q.cpu)}** | ${f2(q.wall)} | ${mmm(a.maxRssMiB)} | ${mmm(b.maxRssMiB)} | ${f2(q.maxRss)} | ${f1(a.heapUsedMiB.median)} / ${f1(b.heapUsedMiB.median)} |`);
    }
    const sf = reg[c].freehold.slope;
    const sb = reg[c].baseline.slope;
    L.push("", `Slope (least squares over N = ${SIZES.join(", ")}): Freehold ${f2(sf.cpuMsPerComponent)} ms CPU per component (R² ${sf.cpuR2.toFixed(4)}), ${f2(sf.wallMsPerComponent)} ms wall (R² ${sf.wallR2.toFixed(4)}); baseline ${f2(sb.cpuMsPerComponent)} ms CPU (R² ${sb.cpuR2.toFixed(4)}), ${f2(sb.wallMsPerComponent)} ms wall (R² ${sb.wallR2.toFixed(4)}). Slope ratio (CPU) ${f2(sf.cpuMsPerComponent / sb.cpuMsPerComponent)}.`, "");
  }

  L.push("## 2. Load cost", "");
  L.push("`require(\"@freehold/core\")` + `loadBackend(cloud)` against `require(\"@pulumi/pulumi\")` + the baseline program module, which imports exactly the provider submodules that backend uses. `require.cache` is then searched for every cloud SDK.", "");
  L.push("| cloud | wall Freehold | wall baseline | wall ratio | CPU ratio | peak RSS Freehold | peak RSS baseline | modules F / B | SDK files loaded (aws / azure-native / gcp) | other clouds' SDKs |");
  L.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
  for (const c of CLOUDS) {
    const x = r.load[c];
    const sdk = (/** @type {any} */ s) => `${s.aws} / ${s.azure} / ${s.gcp}`;
    L.push(`| ${c} | ${mmm(x.freehold.wallMs)} | ${mmm(x.baseline.wallMs)} | **${f2(x.ratios.wall)}** | ${f2(x.ratios.cpu)} | ${mmm(x.freehold.maxRssMiB)} | ${mmm(x.baseline.maxRssMiB)} | ${x.freehold.modules} / ${x.baseline.modules} | F ${sdk(x.freehold.sdkModules)}; B ${sdk(x.baseline.sdkModules)} | ${x.freehold.otherCloudSdksLoaded.join(", ") || "none"} |`);
  }
  L.push("");

  L.push("## 3. Compare end to end", "");
  L.push("`freehold compare examples/crown-marketplace/freehold.yaml --out <tmp> --quiet` (three clouds, spread over cores - 1 planning processes, each planning its clouds in turn) against each `freehold plan ... --cloud <c> --format json`, whole command wall time.", "");
  L.push("| command | wall |", "| --- | ---: |");
  L.push(`| compare (aws, azure, gcp) | ${mmm(r.compare.compare)} |`);
  for (const c of CLOUDS) L.push(`| plan --cloud ${c}${c === r.compare.slowest ? " (slowest)" : ""} | ${mmm(r.compare.plans[c])} |`);
  const planSum = CLOUDS.reduce((t, c) => t + r.compare.plans[c].median, 0);
  const bound = planSum / Math.min(r.machine.cores, 3) / r.compare.plans[r.compare.slowest].median;
  L.push("", `Ratio compare / slowest plan: **${f2(r.compare.ratio)}** (target <= ${r.targets.compare}). For reference, three separate plan processes on ${r.machine.cores} cores would need at least (sum of the three plans) / ${Math.min(r.machine.cores, 3)} = ${f2(bound)} x the slowest plan; sharing processes saves a Node start and a Pulumi SDK load per cloud.`, "");

  L.push("## 4. What the user writes", "");
  L.push("Non-blank, non-comment lines for the Crown Marketplace stack. The baseline programs were checked to register the same resources with the same inputs as Freehold for this stack on each cloud (see Equivalence).", "");
  L.push("| program | lines |", "| --- | ---: |");
  for (const [f, n] of Object.entries(r.linesOfCode.freehold.files)) L.push(`| Freehold: ${f} (all three clouds) | ${n} |`);
  for (const [f, n] of Object.entries(r.linesOfCode.baseline.files)) L.push(`| baseline: ${f} | ${n} |`);
  L.push(`| **baseline total, three clouds** | **${r.linesOfCode.baseline.total}** |`);
  L.push("", `Freehold: ${r.linesOfCode.freehold.total} lines for all three clouds; hand-written: ${r.linesOfCode.baseline.total} (${f1(r.linesOfCode.baseline.total / r.linesOfCode.freehold.total)}x).`, "");

  if (r.migration) L.push(migrationMarkdown(r.migration));

  L.push("## Equivalence", "");
  L.push("Each side's registrations were recorded in the mocks (type, name, inputs with keys sorted and secrets kept as secrets) and compared resource by resource, with the invokes made. Freehold's component resources (`freehold:index:*`) are the abstraction itself and are counted apart.", "");
  L.push("| run | resources compared | identical | only Freehold | only baseline | inputs differ | invokes F / B | Freehold components |", "| --- | ---: | --- | ---: | ---: | ---: | --- | ---: |");
  for (const [k, e] of Object.entries(r.equivalence)) {
    const x = /** @type {any} */ (e);
    L.push(`| ${k} | ${x.resources.compared} | ${x.equivalent ? "yes" : "**no**"} | ${x.onlyFreehold.length} | ${x.onlyBaseline.length} | ${x.differing.length} | ${x.invokes.freehold} / ${x.invokes.baseline} | ${x.abstractionResources} |`);
  }
  L.push(...equivalenceDifferences(r.equivalence), "");

  if (r.profile) {
    const p = r.profile;
    L.push("## Where the registration overhead goes (profile)", "");
    L.push(`\`node --cpu-prof\` of one ${p.cloud} N = ${p.n} run per side (${p.files.freehold}, ${p.files.baseline}; whole process, loading included). Total sampled: Freehold ${p.totalMs.a} ms, baseline ${p.totalMs.b} ms, difference ${p.totalMs.extra} ms. Largest differences in self time:`, "");
    L.push("| where (package) | extra ms |", "| --- | ---: |");
    for (const b of p.buckets.slice(0, 8)) L.push(`| ${b.where} | ${b.ms} |`);
    L.push("", "| function | extra ms |", "| --- | ---: |");
    for (const f of p.functions.slice(0, 12)) L.push(`| \`${f.where}\` | ${f.ms} |`);
    L.push("");
  }
  const notes = join(here, "analysis.md");
  if (existsSync(notes)) L.push(readFileSync(notes, "utf8").trim(), "");
  return `${L.join("\n")}\n`;
}
