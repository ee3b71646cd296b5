/**
 * The exit plan's time to exit includes verification, and `--measured FILE`
 * takes throughput from a migrate manifest or rehearse evidence, saying so.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExitPlan } from "@freehold/cli";
import { describe, expect, it } from "vitest";
import { LIVE_SWITCH, liveRefusal, liveSteps, MAY_REPLICATE_SQL, NETWORK_PATH } from "../packages/cli/src/exit/live";
import { exitTime, LIVE_DOWNTIME_BOUND_S, readMeasured, readMeasuredDowntime, VERIFY_OVERHEAD } from "../packages/cli/src/exit/measured";
import { EXAMPLE_STACK, freehold } from "./cli-helpers";

const dir = mkdtempSync(join(tmpdir(), "freehold-measured-"));
const GiB = 1024 ** 3;
const dbManifest = { kind: "database", formatVersion: 3, ok: true, finishedAt: "2026-11-28T10:00:00Z", source: { databaseBytes: 2 * GiB }, dump: { reused: false }, restore: { skipped: false }, timings: { totalMs: 60_000 } };
const objManifest = { kind: "objects", formatVersion: 1, ok: true, finishedAt: "2026-11-28T10:05:00Z", copy: { transferred: 10 }, totals: { objects: 10, bytes: 1024 * 1024 * 1024 }, timings: { totalMs: 8_000 } };
const write = (name: string, doc: unknown) => {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(doc));
  return f;
};

describe("time to exit", () => {
  it("adds verification to stated throughput, and counts it in the total and the calendar", () => {
    const t = exitTime({ dataGiB: 500, dbGiB: 40, objectThroughputMiBs: 100, databaseGiBPerHour: 20 });
    const objects = (500 * 1024) / 100 / 3600;
    expect(t.databaseHours.value).toBe(2);
    expect(t.verificationHours.value).toBeCloseTo(2 * VERIFY_OVERHEAD.database + objects * VERIFY_OVERHEAD.objects, 2);
    expect(t.totalDataHours.value).toBeCloseTo(2 * 1.25 + objects * 1.05, 2);
    expect(t.calendarDays.value).toBe(Math.ceil(3 + (2 * 1.25 + objects * 1.05) / 8));
    expect(t.verificationHours.basis).toContain("+25% of the dump and restore time");
  });

  it("uses measured throughput, which already includes verification, and says where it came from", () => {
    const m = readMeasured(write("db.json", dbManifest));
    expect(m.database?.value).toBe(120);
    expect(m.objects).toBeUndefined();
    const t = exitTime({ dataGiB: 0, dbGiB: 60, objectThroughputMiBs: 100, databaseGiBPerHour: 20, measured: m });
    expect(t.databaseHours.value).toBe(0.5);
    expect(t.databaseHours.basis).toContain("at 120 GiB/h for dump, restore and verification (measured: 2 GiB migrated and verified in 60 s by freehold migrate");
    expect(t.verificationHours.basis).toMatch(/^databases: included in the measured throughput; objects: \+5%/);
  });

  it("refuses a manifest whose run restored an earlier run's dump: its time leaves the dump out, and would overstate the throughput", () => {
    expect(() => readMeasured(write("reused.json", { ...dbManifest, dump: { reused: true } }))).toThrow(
      /reused\.json: records a run that restored the dump of an earlier run, so its time leaves out the dump; measure with a full migration/,
    );
  });

  it("reads both rates from rehearse evidence, and refuses what cannot be a measurement, with every reason", () => {
    const both = readMeasured(write("rehearsal.json", { formatVersion: 1, startedAt: "2026-11-28T09:00:00Z", database: { manifest: dbManifest }, objects: { manifest: objManifest } }));
    expect(both.objects?.value).toBe(128);
    expect(both.database?.basis).toContain("rehearsal of 2026-11-28T09:00:00Z, database");
    expect(() => readMeasured(write("rerun.json", { ...dbManifest, restore: { skipped: true } }))).toThrow(/records a re-run that restored nothing/);
    expect(() => readMeasured(write("old.json", { ...dbManifest, formatVersion: 1 }))).toThrow(/not a database manifest of freehold migrate \(format 2 or 3\): formatVersion/);
    expect(() => readMeasured(write("x.json", { hello: 1 }))).toThrow(/neither a manifest of freehold migrate .* nor the rehearsal.json/);
    expect(() => readMeasured(join(dir, "missing.json"))).toThrow(/--measured .*missing\.json: no such file/);
  });
});

describe("the exit drill's evidence as a measurement", () => {
  const drill = (over: Record<string, unknown> = {}) => ({
    formatVersion: 1,
    kind: "exit-drill",
    startedAt: "2026-12-06T10:00:00Z",
    finishedAt: "2026-12-06T10:00:14Z",
    from: { cloud: "gcp" },
    to: { cloud: "aws" },
    checks: [{ ok: true }, { ok: true }],
    database: { manifest: dbManifest },
    objects: { manifest: objManifest },
    ok: true,
    ...over,
  });

  it("reads both rates and the drill's result from a drill of the exit plan's pair", () => {
    const m = readMeasured(write("exit-drill-gcp-to-aws.json", drill()), { from: "gcp", to: "aws" });
    expect(m.database?.value).toBe(120);
    expect(m.database?.basis).toContain("exit drill gcp -> aws, database");
    expect(m.drill).toEqual({ from: "gcp", to: "aws", ok: true, finishedAt: "2026-12-06T10:00:14Z", checks: "2 of 2 checks passed" });
  });

  it("refuses a drill of another pair, and one that failed, saying which to run", () => {
    expect(() => readMeasured(write("other-pair.json", drill()), { from: "aws", to: "azure" })).toThrow(/drills gcp -> aws, not aws -> azure; drill this pair \(freehold rehearse --from aws --to azure\)/);
    expect(() => readMeasured(write("failed.json", drill({ ok: false, checks: [{ ok: true }, { ok: false }] })), { from: "gcp", to: "aws" })).toThrow(/records a drill that failed \(1 check\(s\) failed\)/);
  });
});

describe("freehold exit-plan --measured", () => {
  it("takes the database throughput from a manifest, says which it used, includes verification in the total, and the live cutover's write downtime from --measured-downtime", async () => {
    const file = write("cli-db.json", dbManifest);
    const r = await freehold(["exit-plan", EXAMPLE_STACK, "--from", "aws", "--to", "azure", "--format", "json", "--db-gib", "60", "--data-gib", "100", "--measured", file, "--measured-downtime", "bench/live-results.json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Time to exit from ${file}: databases 120 GiB/h measured, objects 100 MiB/s stated (no object manifest in it).`);
    const p = JSON.parse(r.stdout) as ExitPlan;
    expect(p.time.databaseHours.value).toBe(0.5);
    const objects = (100 * 1024) / 100 / 3600;
    expect(p.time.verificationHours.value).toBeCloseTo(objects * 0.05, 2);
    expect(p.time.totalDataHours.value).toBeCloseTo(0.5 + objects * 1.05, 2);
    // --measured-downtime: the live cutover's write downtime from the benchmark's live round.
    expect(p.runbook.database.every((d) => d.path === "live")).toBe(true);
    expect(p.time.writeDowntime.unit).toBe("seconds");
    expect(p.time.writeDowntime.basis).toContain("measured: writes stopped");
  });

  it("refuses a file that is not a manifest or evidence (exit 2, no stack trace)", async () => {
    const r = await freehold(["exit-plan", EXAMPLE_STACK, "--from", "aws", "--to", "azure", "--measured", write("bad.json", [1, 2])]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^freehold exit-plan: --measured cannot be used:\n {2}- .*neither a manifest/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("write downtime: the live path by default, seconds, from a measurement when one is given", () => {
  const stated = { dataGiB: 0, dbGiB: 40, objectThroughputMiBs: 100, databaseGiBPerHour: 20 };

  it("splits copy time from write downtime: the live path stops writes for seconds, stop-the-world for the whole database copy", () => {
    const live = exitTime({ ...stated, live: true });
    expect(live.totalDataHours.value).toBe(2 * 1.25);
    expect(live.writeDowntime).toMatchObject({ value: LIVE_DOWNTIME_BOUND_S, unit: "seconds" });
    expect(live.writeDowntime.basis).toContain("stated");
    const stop = exitTime({ ...stated, live: false });
    expect(stop.writeDowntime).toMatchObject({ value: 2 * 1.25, unit: "hours" });
    expect(stop.writeDowntime.basis).toMatch(/^stop-the-world: writes stop for the whole database copy/);
  });

  it("takes the measured downtime from the benchmark's live round, and refuses a run that lost rows or another file, with the reason", () => {
    const m = readMeasuredDowntime("bench/live-results.json");
    const t = exitTime({ ...stated, live: true, measuredDowntime: m });
    expect(t.writeDowntime.value).toBeGreaterThan(0);
    expect(t.writeDowntime.value).toBeLessThanOrEqual(LIVE_DOWNTIME_BOUND_S);
    expect(t.writeDowntime.basis).toMatch(/^live \(freehold replicate cutover\), measured: writes stopped [\d.]+ s at freehold replicate cutover under a pgbench write load/);
    const lost = write("live-lost.json", { date: "2026-12-06T11:46:09Z", databaseGiB: 1, freehold: { writeDowntimeMs: 900, rowsWrittenOnSource: 10, rowsOnTarget: 9, rowsLost: 1 } });
    expect(() => readMeasuredDowntime(lost)).toThrow(`freehold exit-plan: --measured-downtime cannot be used:\n  - ${lost}: records a cutover that lost 1 of 10 rows; measure with one that lost none`);
    expect(() => readMeasuredDowntime(write("live-other.json", dbManifest))).toThrow(/not the live round's results of npm run bench \(bench\/live-results.json\): date: /);
  });

  it("takes the live path between every pair of the three clouds, and stop-the-world, saying why, where a cloud has no logical replication", () => {
    for (const a of ["aws", "azure", "gcp"] as const) for (const b of ["aws", "azure", "gcp"] as const) if (a !== b) expect(liveRefusal(a, b)).toBeUndefined();
    expect(liveRefusal("aws", "gcp", { aws: LIVE_SWITCH.aws })).toBe("gcp offers no logical replication Freehold can switch on, so writes stop for the whole copy");
  });

  it("switches replication on first, with its cost, checks (never grants by hand) that the administrators may replicate, and states the network path the operator must provide", () => {
    const db = { host: "db.internal", port: 5432, database: "app", user: "admin", sslmode: "verify-full" as const, serverCa: { command: "cat ca.pem" }, access: "", passwordCommand: "" };
    const roleJob = { title: "Run the target's role job again", commands: ["az containerapp job start"] };
    const steps = liveSteps("db", false, db, { ...db, host: "target.internal" }, "aws", "azure", roleJob);
    expect(steps[0]?.title).toMatch(/^Switch logical replication on first on both sides: set replication: logical on database db/);
    expect(steps[0]?.commands?.join("\n")).toContain("rds.logical_replication = 1 in the instance's DB parameter group; a static parameter: RDS applies it at the next reboot");
    expect(steps[0]?.commands?.join("\n")).toContain("server parameter wal_level = logical; a static parameter: the server applies it when restarted");
    expect(steps[0]?.note).toMatch(/^Costs: one restart of each server .* WAL retention\. While replication runs, the source keeps every WAL segment/);
    // The role job gives the right with replication: logical on every cloud: the runbook checks it on both sides, read-only.
    expect(steps[1]?.title).toMatch(/^Check that each administrator may replicate: with replication: logical, each stack's role job gives it the right, nothing to run by hand/);
    expect(steps[1]?.commands).toEqual([
      `psql "postgresql://admin@db.internal:5432/app?sslmode=verify-full&sslrootcert=source-ca.pem" -Atc "${MAY_REPLICATE_SQL}"   # source (aws), t: ${LIVE_SWITCH.aws?.role}`,
      `psql "postgresql://admin@target.internal:5432/app?sslmode=verify-full&sslrootcert=target-ca.pem" -Atc "${MAY_REPLICATE_SQL}"   # target (azure), t: ${LIVE_SWITCH.azure?.role}`,
    ]);
    expect(steps[1]?.note).toMatch(/^f on a side: that stack's role job has not run since replication: logical was set there; run pulumi up on it/);
    for (const cloud of ["aws", "azure", "gcp"] as const) expect(LIVE_SWITCH[cloud]?.role).toMatch(/role job/);
    // No step on any pair asks the operator to grant anything.
    for (const [a, b] of [["aws", "azure"], ["azure", "gcp"], ["gcp", "aws"], ["azure", "aws"], ["gcp", "azure"], ["aws", "gcp"]] as const)
      expect(JSON.stringify(liveSteps("db", true, db, db, a, b, roleJob))).not.toMatch(/ALTER ROLE|ALTER USER|GRANT /);
    expect(steps[2]?.note).toBe(NETWORK_PATH);
    expect(steps.find((s) => s.commands?.[0]?.startsWith("freehold replicate start"))?.commands?.[0]).toBe(
      "freehold replicate start --from 'postgresql://admin@db.internal:5432/app?sslmode=verify-full&sslrootcert=source-ca.pem' --to 'postgresql://admin@target.internal:5432/app?sslmode=verify-full&sslrootcert=target-ca.pem' --from-password-env SRC_PASSWORD --to-password-env DST_PASSWORD --to-role app --source-from-target '<source URL as the target server reaches it>'",
    );
    expect(steps.map((s) => s.title)).toContain("Run the target's role job again");
  });
});
