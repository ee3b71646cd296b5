/**
 * `freehold migrate objects` against raw `rclone copy --checksum --fast-list` + `rclone check --fast-list`
 * on two more pairs than the migration benchmark's S3-to-Azure round: local to local, and from an S3
 * server (s3rver) to local; then the final delta of a live exit (`--since` the first run's manifest)
 * after 1% of the objects changed, 1% were removed and 1% added at the source, against raw
 * `rclone sync` + `rclone check` of the same change.
 *
 * `node bench/objects-pairs.mjs` (after a build); BENCH_OBJECTS_MIB (default 1024) and BENCH_OBJECTS_FILES
 * (default 1001) size the data, BENCH_OBJECTS_ROUNDS (default 3) the rounds.
 *
 * Method (the machine is shared, its load moves by the minute): the two sides run interleaved, one
 * after the other, their order alternating by round (A,B then B,A ...); each round's ratio is taken
 * from its own pair of runs, and the verdict from the median of the rounds' ratios. The 1-minute load
 * average is recorded before every round. The delta runs the same way: each round changes 1% of the
 * objects, removes 1% and adds 1% (other keys each round), then both sides bring their own copy up to
 * date, freehold `--since` its previous verified manifest.
 * Writes bench/objects-pairs-results.json and .md.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const require = createRequire(import.meta.url);
const CLI = join(root, "packages", "cli", "dist", "bin.js");
const { startS3rver } = require(join(root, "packages", "cli", "dist", "migrate", "servers.js"));
const { formatRemote } = require(join(root, "packages", "cli", "dist", "migrate", "remote.js"));

const MIB = Number(process.env.BENCH_OBJECTS_MIB ?? 1024);
const FILES = Number(process.env.BENCH_OBJECTS_FILES ?? 1001);
const ROUNDS = Number(process.env.BENCH_OBJECTS_ROUNDS ?? 3);
const log = (/** @type {string} */ s) => console.error(`[objects-pairs] ${s}`);

/** @param {string} cmd @param {string[]} args @param {Record<string, string>} [env] */
function timed(cmd, args, env = {}) {
  const t = performance.now();
  // AWS_CA_BUNDLE makes rclone 1.60's S3 backend fail on an http endpoint (freehold drops it for the same reason).
  const { AWS_CA_BUNDLE: _, ...base } = process.env;
  const r = spawnSync(cmd, args, { env: { ...base, ...env }, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(" ")} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return (performance.now() - t) / 1000;
}

/** FILES random files of about MIB MiB in all, in a few folders. @param {string} dir */
function generate(dir) {
  const each = Math.floor((MIB * 2 ** 20) / FILES);
  for (let i = 0; i < FILES; i++) {
    const d = join(dir, `part-${i % 10}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, `object-${i}.bin`), randomBytes(each + (i % 7) * 1024));
  }
}

/** 1% changed, 1% removed, 1% added: other keys each round. @param {string} dir @param {number} round */
function change(dir, round) {
  const n = Math.max(1, Math.round(FILES / 100));
  const base = round * 3 * n;
  mkdirSync(join(dir, "part-new"), { recursive: true });
  for (let i = base; i < base + n; i++) writeFileSync(join(dir, `part-${i % 10}`, `object-${i}.bin`), randomBytes(64 * 1024));
  for (let i = base + n; i < base + 2 * n; i++) rmSync(join(dir, `part-${i % 10}`, `object-${i}.bin`));
  for (let i = 0; i < n; i++) writeFileSync(join(dir, "part-new", `object-new-${round}-${i}.bin`), randomBytes(64 * 1024));
  return n;
}

const med = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const startLoad = loadavg().map((x) => Math.round(x * 100) / 100);
  const tmp = mkdtempSync(join(tmpdir(), "freehold-bench-objects-"));
  const s3 = await startS3rver({ log: () => {} });
  try {
    const src = join(tmp, "src");
    generate(src);
    log(`${FILES} files, ${MIB} MiB generated`);
    const remote = s3.remote("bench-src");
    const { secret_access_key: secret, ...visible } = remote.options;
    const secrets = join(tmp, "s3.secrets");
    writeFileSync(secrets, `secret_access_key=${secret}\n`, { mode: 0o600 });
    const s3Raw = formatRemote("s3", remote.options, remote.path);
    const s3Public = formatRemote("s3", visible, remote.path);
    timed("rclone", ["copy", src, s3Raw, "--fast-list", "--transfers", "4"]);
    log("uploaded to s3rver");
    /** @type {Record<string, any>} */
    const pairs = {};
    for (const [name, from, fromArgs] of /** @type {Array<[string, string, string[]]>} */ ([
      ["local -> local", src, []],
      ["s3rver -> local", s3Raw, ["--from-secrets-file", secrets]],
    ])) {
      const rounds = [];
      for (let i = 0; i < ROUNDS; i++) {
        /** @type {Record<string, number>} */
        const r = { load1: Math.round(loadavg()[0] * 100) / 100 };
        for (const side of i % 2 === 0 ? ["raw", "freehold"] : ["freehold", "raw"]) {
          const dst = join(tmp, `dst-${side}`);
          rmSync(dst, { recursive: true, force: true });
          if (side === "raw") r.raw = timed("rclone", ["copy", from, dst, "--checksum", "--fast-list", "--transfers", "4"]) + timed("rclone", ["check", from, dst, "--fast-list"]);
          else r.freehold = timed(process.execPath, [CLI, "migrate", "objects", "--from", name.startsWith("s3") ? s3Public : from, ...fromArgs, "--to", dst, "--transfers", "4", "--manifest", join(tmp, "m.json"), "--quiet"]);
        }
        rounds.push({ ...r, ratio: r.raw / r.freehold });
        log(`${name} round ${i + 1}: raw ${r.raw.toFixed(2)} s, freehold ${r.freehold.toFixed(2)} s, ratio ${(r.raw / r.freehold).toFixed(3)}`);
      }
      pairs[name] = { rounds, medianRatio: med(rounds.map((r) => r.ratio)) };
    }
    // The final delta, local to local: a first verified copy on each side, then ROUNDS rounds of changes.
    let since = join(tmp, "first.json");
    const dstF = join(tmp, "delta-freehold");
    const dstR = join(tmp, "delta-raw");
    timed(process.execPath, [CLI, "migrate", "objects", "--from", src, "--to", dstF, "--manifest", since, "--quiet"]);
    timed("rclone", ["copy", src, dstR, "--checksum"]);
    const deltaRounds = [];
    for (let i = 0; i < ROUNDS; i++) {
      const n = change(src, i);
      /** @type {Record<string, any>} */
      const r = { load1: Math.round(loadavg()[0] * 100) / 100 };
      const next = join(tmp, `delta-${i}.json`);
      for (const side of i % 2 === 0 ? ["raw", "freehold"] : ["freehold", "raw"]) {
        if (side === "raw") r.raw = timed("rclone", ["sync", src, dstR, "--checksum", "--fast-list", "--transfers", "4"]) + timed("rclone", ["check", src, dstR, "--fast-list"]);
        else r.freehold = timed(process.execPath, [CLI, "migrate", "objects", "--from", src, "--to", dstF, "--since", since, "--manifest", next, "--quiet"]);
      }
      const m = JSON.parse(readFileSync(next, "utf8"));
      since = next;
      deltaRounds.push({ ...r, ratio: r.raw / r.freehold, changed: m.delta?.changed.length, removed: m.delta?.removed.length, added: m.delta?.added, ok: m.ok });
      log(`delta round ${i + 1} (${n} changed, ${n} removed, ${n} added): raw sync + check ${r.raw.toFixed(2)} s, freehold ${r.freehold.toFixed(2)} s (verified, ok ${m.ok}), ratio ${(r.raw / r.freehold).toFixed(3)}`);
    }
    const results = {
      date: new Date().toISOString(),
      commit: execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim(),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "unknown", loadAverageAtStart: startLoad, loadAverage: loadavg().map((x) => Math.round(x * 100) / 100) },
      method: "interleaved: in each round the two sides run one after the other, their order alternating by round (A,B then B,A); ratio = raw seconds / freehold seconds within the round; verdict on the median round; load1 = 1-minute load average before the round",
      data: { mib: MIB, files: FILES },
      target: 0.95,
      pairs,
      delta: { rounds: deltaRounds, medianRatio: med(deltaRounds.map((r) => r.ratio)) },
    };
    writeFileSync(join(here, "objects-pairs-results.json"), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(here, "objects-pairs-results.md"), markdown(results));
  } finally {
    await s3.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** @param {any} r */
function markdown(r) {
  const L = ["# Objects: Freehold against raw rclone on more pairs, and the final delta", ""];
  L.push(`Written by \`node bench/objects-pairs.mjs\` on ${r.date.slice(0, 10)}, commit ${r.commit}: ${r.data.files} files, ${r.data.mib} MiB of random bytes; ${r.machine.cores} cores (${r.machine.cpu}), shared with other work, load average ${r.machine.loadAverageAtStart.join(" / ")} at the start and ${r.machine.loadAverage.join(" / ")} at the end.`, "");
  L.push("Method: the two sides run interleaved, one right after the other, their order alternating by round (raw first, then freehold first, ...), so both meet the same load; each round's ratio is raw seconds / freehold seconds within that round, and the verdict is on the median round (target >= " + r.target + "). Raw = `rclone copy --checksum --fast-list --transfers 4` + `rclone check --fast-list`; freehold = `freehold migrate objects --transfers 4`, verification and manifest included, the process's start included. load1 is the 1-minute load average just before the round.", "");
  const table = (/** @type {any[]} */ rounds) => rounds.map((x) => `${x.raw.toFixed(1)} / ${x.freehold.toFixed(1)} = ${x.ratio.toFixed(3)} (load ${x.load1})`).join("; ");
  L.push("| pair | rounds (raw s / freehold s = ratio) | median ratio | verdict |", "| --- | --- | ---: | --- |");
  for (const [name, p] of Object.entries(r.pairs)) L.push(`| ${name} | ${table(p.rounds)} | ${p.medianRatio.toFixed(3)} | ${p.medianRatio >= r.target ? "met" : "**missed**"} |`);
  const d = r.delta;
  L.push(`| final delta, local -> local (raw = \`rclone sync\` + \`rclone check\`; freehold = \`--since\` the previous manifest) | ${table(d.rounds)} | ${d.medianRatio.toFixed(3)} | ${d.medianRatio >= r.target ? "met" : "**missed**"} |`);
  const first = d.rounds[0];
  L.push("", `Each delta round: ${first.changed} objects changed, ${first.removed} removed and ${first.added} added at the source; every freehold delta verified every object (${d.rounds.every((/** @type {any} */ x) => x.ok) ? "ok" : "FAILED"}). The object downtime of a live exit is the delta's time.`, "");
  return `${L.join("\n")}\n`;
}

await main();
