// @ts-check
/**
 * The exit drill's full matrix: every ordered pair of clouds (six) over the example and every
 * conformance stack, on real servers (one PostgreSQL cluster and one object store per cloud, shared by
 * the pairs; each pair gets fresh databases and buckets). `npm test` drills the six pairs on the example
 * only (test/exit-drill.test.ts); this is the rest, too slow for the suite.
 *
 * Used by run.mjs (`npm run bench`); `BENCH_ONLY=drill node bench/run.mjs` runs only this part. Writes
 * bench/drill-results.json (every pair's steps and checks with their results) and bench/drill-results.md.
 * BENCH_DRILL_STACKS (names, comma-separated) limits the stacks.
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const require = createRequire(import.meta.url);

/** CPU seconds of this process and its waited-for children (/proc/self/stat fields 14-17, clock ticks of 1/100 s). */
function cpuSeconds() {
  const { readFileSync } = require("node:fs");
  const stat = readFileSync("/proc/self/stat", "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
  return ((f[11] ?? 0) + (f[12] ?? 0) + (f[13] ?? 0) + (f[14] ?? 0)) / 100;
}

/**
 * Drill every pair over every stack; the results (and bench/drill-results.json and .md written).
 * @param {{ log: (line: string) => void, commit: string }} o
 */
export async function runDrillBench(o) {
  const { DRILL_PAIRS, runDrills, planInProcess } = require(join(root, "packages", "cli", "dist", "index.js"));
  const { DEFAULT_ASSUMPTIONS } = require(join(root, "packages", "core", "dist", "index.js"));
  const { CONFORMANCE_STACKS } = require(join(root, "packages", "lifecycle", "dist", "stacks.js"));
  const only = (process.env.BENCH_DRILL_STACKS ?? "").split(",").filter(Boolean);
  const stacks = Object.entries(/** @type {Record<string, string>} */ (CONFORMANCE_STACKS)).filter(([name]) => only.length === 0 || only.includes(name));
  // Each pair by dump and restore, and again live (replicate under a write load, then cutover) where the stack has a database.
  const modes = (process.env.BENCH_DRILL_MODES ?? "dump-restore,live").split(",").filter(Boolean);
  const hasDatabase = (/** @type {string} */ text) => /kind:\s*database/.test(text);
  // A subset (stacks or modes chosen) is written beside the full results, never over them.
  const name = only.length > 0 || modes.length < 2 ? "drill-results-partial" : "drill-results";
  const started = new Date().toISOString();
  const t0 = performance.now();
  const cpu0 = cpuSeconds();
  const load = loadavg().map((x) => Math.round(x * 100) / 100);
  /** @type {any[]} */
  const evidence = await runDrills({
    // Planned in this process, one cloud after another: the Pulumi SDK is loaded once for every stack.
    planner: async (/** @type {any} */ target, /** @type {string[]} */ clouds) => {
      const plans = [];
      for (const cloud of clouds) plans.push(await planInProcess({ target, cloud, assumptions: DEFAULT_ASSUMPTIONS }));
      return plans;
    },
    log: (/** @type {string} */ l) => {
      if (/^(====| {3}FAILED)/.test(l)) o.log(l.replace(/^=+ /, ""));
    },
    pairs: modes.flatMap((mode) =>
      stacks
        .filter(([, text]) => mode !== "live" || hasDatabase(text))
        .flatMap(([stack, text]) => DRILL_PAIRS.map((/** @type {[string, string]} */ [from, to]) => ({ from, to, stack: { name: stack, text }, ...(mode === "live" ? { live: true } : {}) }))),
    ),
  });
  const pairs = evidence.map((e) => ({
    stack: e.stack,
    from: e.from.cloud,
    to: e.to.cloud,
    mode: e.mode,
    ok: e.ok,
    durationMs: e.durationMs,
    database: e.database.manifest ? { tables: e.database.manifest.totals.tables, rows: e.database.manifest.totals.rows, restoredAs: e.database.manifest.restore?.role } : null,
    live: e.database.live ?? null,
    objects: e.objects.manifest ? { objects: e.objects.manifest.totals.objects, bytes: e.objects.manifest.totals.bytes, verify: e.objects.manifest.verifyMode } : null,
    steps: e.steps.map((/** @type {any} */ s) => ({ name: s.name, ok: s.ok, ms: s.ms, detail: s.detail })),
    checks: e.checks,
  }));
  const results = {
    date: started,
    commit: o.commit,
    durationS: Math.round((performance.now() - t0) / 1000),
    cpuS: Math.round((cpuSeconds() - cpu0) * 10) / 10,
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(totalmem() / 1024 ** 3), node: process.version, loadAverageAtStart: load, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
    stacks: stacks.map(([stack]) => stack),
    modes,
    file: name,
    passed: pairs.filter((p) => p.ok).length,
    pairs,
  };
  writeFileSync(join(here, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(here, `${name}.md`), drillMarkdown(results));
  return results;
}

/** @param {any} r */
export function drillMarkdown(r) {
  const L = [];
  L.push("# The exit drill on every pair and stack", "");
  L.push(
    `Written by \`BENCH_ONLY=drill node bench/run.mjs\` (or \`npm run bench\`) on ${r.date.slice(0, 10)}, commit ${r.commit}: ${r.pairs.length} drills (${r.stacks.length} stacks x 6 ordered pairs of clouds${(r.modes ?? []).includes("live") ? ", by dump and restore, and live where the stack has a database" : ""}), **${r.passed} passed**, in ${r.durationS} s wall and ${r.cpuS} s of CPU (this process and every server and tool it started) on ${r.machine.cores} cores (${r.machine.cpu}), load average ${r.machine.loadAverageAtStart.join(" / ")} at start. What each drill does: [docs/exit-plans.md](../docs/exit-plans.md#the-exit-drill-freehold-rehearse---from-cloud---to-cloud-stack); every step and check with its detail: [drill-results.json](drill-results.json).`,
    "",
  );
  L.push("| stack | pair | result | checks passed | database moved | objects moved | seconds |", "| --- | --- | --- | ---: | --- | --- | ---: |");
  for (const p of r.pairs.filter((/** @type {any} */ x) => x.mode !== "live")) {
    const passed = p.checks.filter((/** @type {any} */ c) => c.ok).length;
    const db = p.database ? `${p.database.tables} tables, ${p.database.rows} rows, restored as ${p.database.restoredAs}` : "no database";
    const ob = p.objects ? `${p.objects.objects} objects, ${p.objects.bytes} bytes (${p.objects.verify})` : "no object store";
    L.push(`| ${p.stack} | ${p.from} -> ${p.to} | ${p.ok ? "passed" : "**FAILED**"} | ${passed} of ${p.checks.length} | ${db} | ${ob} | ${(p.durationMs / 1000).toFixed(1)} |`);
  }
  const live = r.pairs.filter((/** @type {any} */ x) => x.mode === "live");
  if (live.length > 0) {
    L.push(
      "",
      "## The live path under a write load",
      "",
      "The application writes (inserts and updates through its read-write contract, one statement a transaction) while `freehold replicate start`, `status` and `cutover` run; it moves to the target when cutover allows writes there, and `replicate finish` ends the way back. Write downtime: as cutover measures it (writes stopped on the source until allowed on the target); the application's gap: its last write committed on the source to its first on the target. Every row it committed, on either side, is looked for on the target.",
      "",
      "| stack | pair | result | write downtime s | of which catching up s | application's gap s | rows written (source + target) | rows on target | lost | lag samples (bytes) | seconds |",
      "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    );
    for (const p of live) {
      const v = p.live;
      const s = (/** @type {number} */ ms) => (ms / 1000).toFixed(2);
      L.push(
        v
          ? `| ${p.stack} | ${p.from} -> ${p.to} | ${p.ok ? "passed" : "**FAILED**"} | ${s(v.writeDowntimeMs)} | ${s(v.catchUpMs)} | ${s(v.applicationGapMs)} | ${v.rowsWritten.source} + ${v.rowsWritten.target} | ${v.rowsOnTarget} | ${v.lost} | ${v.lag.map((/** @type {any} */ l) => l.bytes).join(", ")} | ${(p.durationMs / 1000).toFixed(1)} |`
          : `| ${p.stack} | ${p.from} -> ${p.to} | **FAILED** | | | | | | | | ${(p.durationMs / 1000).toFixed(1)} |`,
      );
    }
    const stand = live.find((/** @type {any} */ p) => p.live)?.live?.standIn;
    if (stand) L.push("", `On this machine: ${stand}.`);
  }
  const failed = r.pairs.filter((/** @type {any} */ p) => !p.ok);
  if (failed.length > 0) {
    L.push("", "## Failures", "");
    for (const p of failed) for (const x of [...p.steps, ...p.checks].filter((/** @type {any} */ x) => !x.ok)) L.push(`- ${p.stack}, ${p.from} -> ${p.to}${p.mode === "live" ? " (live)" : ""}: ${x.name}: ${x.detail}`);
  }
  return `${L.join("\n")}\n`;
}
