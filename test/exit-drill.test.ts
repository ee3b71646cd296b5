/**
 * The exit drill on every ordered pair of clouds, on real servers: one
 * PostgreSQL cluster and one object store per cloud, shared by the pairs (a
 * fresh database and bucket each), every pair drilling the example (a
 * database and an object store among others). The matrix of every pair over
 * every conformance stack is too slow for the suite: `npm run bench` drills
 * it (bench/drill.mjs, bench/drill-results.md). Then the role setup Azure and
 * Google Cloud had before the shared role model, in the target of the same
 * pairs: the data moves and verifies, and the application cannot use it.
 */

import { DRILL_PAIRS, type PairEvidence, planInProcess, renderDrillHtml, renderDrillMarkdown, runDrills } from "@freehold/cli";
import { DEFAULT_ASSUMPTIONS } from "@freehold/core";
import type { Cloud } from "@freehold/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freehold } from "./cli-helpers";
import { azureBefore, gcpBefore } from "./fixtures/legacy-role-setup";
import { CONFORMANCE_STACKS, EXAMPLE } from "./stacks";

const EXAMPLE_NAME = "the crown marketplace example";
// Every ordered pair of clouds: aws -> azure, aws -> gcp, azure -> aws, azure -> gcp, gcp -> aws, gcp -> azure.
const PAIRS = DRILL_PAIRS.map(([from, to]) => [from, to] as [Cloud, Cloud]);
const example = { name: EXAMPLE_NAME, text: EXAMPLE };
const LIVE_PAIR = ["aws", "gcp"] as const;
const isLive = (from: Cloud, to: Cloud) => from === LIVE_PAIR[0] && to === LIVE_PAIR[1];
// The former role setups need only a database: the smallest stack that has one.
const oneDatabase = { name: "one database", text: CONFORMANCE_STACKS["one database"] as string };

let evidence: PairEvidence[] = [];
const started = Date.now();
// Stopped (every server with it) if the suite gives up on the drills.
const stop = new AbortController();
let drilling: Promise<unknown> = Promise.resolve();

afterAll(async () => {
  stop.abort();
  await drilling.catch(() => undefined);
});

beforeAll(async () => {
  const run = runDrills({
    signal: stop.signal,
    // Planned in this process, one cloud after another: the Pulumi SDK is loaded once for every stack.
    planner: async (target, clouds) => {
      const plans = [];
      for (const cloud of clouds) plans.push(await planInProcess({ target, cloud, assumptions: DEFAULT_ASSUMPTIONS }));
      return plans;
    },
    pairs: [
      // One pair moves live (replicate under the application's writes, then cutover); the bench drills every pair both ways.
      ...PAIRS.map(([from, to]) => ({ from, to, stack: example, ...(isLive(from, to) ? { live: true } : {}) })),
      // Last: the former Google Cloud setup sets the password of the cluster-wide role app.
      { from: "aws", to: "azure", stack: oneDatabase, legacy: azureBefore("LegacyAppUserPassw0rdForTheDrill") },
      { from: "aws", to: "gcp", stack: oneDatabase, legacy: gcpBefore("LegacyAppPassw0rdForTheDrill") },
    ],
  });
  drilling = run;
  evidence = await run;
  // The cost of the drills in the suite, in the test log.
  console.log(`exit drills: ${evidence.length} pairs in ${((Date.now() - started) / 1000).toFixed(1)} s (${evidence.map((e) => `${e.from.cloud}->${e.to.cloud} ${(e.durationMs / 1000).toFixed(1)} s`).join(", ")})`);
  // Generous: a 2-core machine loaded by other work took 440 s.
}, 900_000);

const find = (from: Cloud, to: Cloud, legacy = false) => evidence.find((e) => e.from.cloud === from && e.to.cloud === to && Boolean(e.legacy) === legacy) as PairEvidence;
const failures = (e: PairEvidence) => [...e.steps.filter((s) => !s.ok), ...e.checks.filter((c) => !c.ok)].map((x) => `${x.name}: ${x.detail}`);

describe.each(PAIRS)("the exit drill %s -> %s of the example", (from, to) => {
  it("passes every step and check: set up from both plans, moved with the exit plan's commands, used by both roles and both stores through the target's contract", () => {
    const e = find(from, to);
    expect(failures(e)).toEqual([]);
    expect(e.ok).toBe(true);
    expect(e.stack).toBe(EXAMPLE_NAME);
    // The example holds databases and object stores: both were drilled.
    expect(Boolean(e.from.database && e.to.database && e.from.store && e.to.store)).toBe(true);
    if (!isLive(from, to)) {
      expect(e.database.manifest?.ok).toBe(true);
      expect(e.database.manifest?.restore.role).toBe("app");
    }
    expect(e.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        "app_read (read link) reads every row the source's application wrote",
        "app_read is refused every write",
        "app (read-write link) reads every row the source's application wrote",
        "app writes: insert (identity), update, sequence nextval, insert (identity by default), its own schema change",
        "every table, sequence, view, function and schema the restore made belongs to the target's read-write role",
      ]),
    );
    // Each side's role jobs are the planned resources' own commands, and the contract is verify-full.
    expect(e.to.database?.roleJobs.length).toBeGreaterThan(0);
    expect(e.to.contract?.readWrite.DATABASE_SSLMODE).toBe("verify-full");
    expect(e.to.contract?.read.DATABASE_USER).toBe("app_read");
    expect(e.objects.manifest?.ok).toBe(true);
    expect(e.checks.map((c) => c.name)).toEqual(expect.arrayContaining(["the read-write link writes a new object and reads it back"]));
  });

  it.skipIf(isLive(from, to))("runs the exit plan's commands: the same flags as the runbook, with this machine's endpoints", () => {
    const e = find(from, to);
    // The flags outside quoted arguments (a runbook's host look-up has flags of its own), less where the stand-ins' keys are.
    const flags = (line: string) =>
      line
        .replace(/"[^"]*"|'[^']*'/g, "ARG")
        .match(/ --[a-z-]+/g)
        ?.filter((f) => !/secrets-file/.test(f));
    expect(e.commands.ran.length).toBe(e.commands.runbook.length);
    for (const [i, line] of e.commands.runbook.entries()) expect(flags(e.commands.ran[i] as string)).toEqual(flags(line));
  });
});

describe(`the live exit drill ${LIVE_PAIR.join(" -> ")} of the example`, () => {
  it("replicates while the application writes, cuts over in at most 10 s, loses no row, and the target's roles then read and write", () => {
    const e = find(...LIVE_PAIR);
    expect(failures(e)).toEqual([]);
    expect(e.mode).toBe("live");
    const lv = e.database.live;
    expect(lv).toBeDefined();
    if (!lv) return;
    // Rows committed on both sides of the switch, every one on the target.
    expect(lv.rowsWritten.source).toBeGreaterThan(0);
    expect(lv.rowsWritten.target).toBeGreaterThan(0);
    expect(lv.lost).toBe(0);
    expect(lv.rowsOnTarget).toBe(lv.rowsWritten.source + lv.rowsWritten.target);
    expect(lv.writeDowntimeMs).toBeGreaterThan(0);
    expect(lv.writeDowntimeMs).toBeLessThanOrEqual(10_000);
    expect(lv.applicationGapMs).toBeGreaterThan(0);
    expect(lv.lag.length).toBeGreaterThan(0);
    expect(e.commands.ran.map((l) => l.split(" ").slice(0, 3).join(" "))).toEqual(["freehold replicate start", "freehold replicate status", "freehold replicate cutover", "freehold replicate finish", "freehold migrate objects"]);
    expect(e.checks.map((c) => c.name)).toEqual(expect.arrayContaining(["no write lost across the live cutover", "the write downtime cutover measured is at most 10 s"]));
    expect(renderDrillMarkdown(e)).toMatch(/Write downtime measured by cutover: \d+\.\d\d s/);
  });
});

describe("the role setup before the role model, in the target", () => {
  it.each([
    ["azure", "app_user"],
    ["gcp", "app"],
  ] as const)("on %s: the data moves and verifies, but %s is refused it at the first query and no read-only role can read it", (to, user) => {
    const e = find("aws", to, true);
    expect(e.database.manifest?.ok).toBe(true);
    expect(e.ok).toBe(false);
    const read = e.checks.find((c) => c.name === `${user} (read-write link) reads every row the source's application wrote`);
    expect(read?.ok).toBe(false);
    expect(read?.detail).toMatch(/permission denied for (schema|table)/);
    expect(e.checks.find((c) => c.name === "app_read (read link) reads every row the source's application wrote")?.ok).toBe(false);
    // Today's setup of the same pair passes.
    expect(find("aws", to).ok).toBe(true);
  });
});

describe("the drill's evidence and command line", () => {
  it("drills every ordered pair of two different clouds, each once", () => {
    expect(evidence.filter((e) => !e.legacy).map((e) => `${e.from.cloud}->${e.to.cloud}`)).toEqual(["aws->azure", "aws->gcp", "azure->aws", "azure->gcp", "gcp->aws", "gcp->azure"]);
  });

  it("renders a pair's evidence as Markdown and HTML with every check, its result, and both command lists", () => {
    const e = find("aws", "azure");
    const md = renderDrillMarkdown(e);
    const html = renderDrillHtml(e);
    expect(md).toContain(`**Result: PASSED**: ${e.checks.length} of ${e.checks.length} checks passed`);
    for (const c of e.checks) {
      expect(md).toContain(`| ${c.name} | passed |`);
      expect(html).toContain(c.name.replace(/'/g, "&#39;"));
    }
    for (const line of [...e.commands.runbook, ...e.commands.ran]) expect(md).toContain(line);
    const failed = renderDrillMarkdown(find("aws", "azure", true));
    expect(failed).toContain("**Result: FAILED**");
    expect(failed).toContain("| app_user (read-write link) reads every row the source's application wrote | **FAILED** |");
  });

  it("refuses half a pair, one cloud twice, and --objects, in one message, before anything starts", async () => {
    const r = await freehold(["rehearse", "--from", "aws", "--objects", "3"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--from and --to go together: give both clouds of the pair to drill");
    expect(r.stderr).toContain("--objects does not apply to the exit drill");
    const same = await freehold(["rehearse", "--from", "gcp", "--to", "gcp"]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain("--from and --to are both gcp; choose two different clouds");
  });
});
