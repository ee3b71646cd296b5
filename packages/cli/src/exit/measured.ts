/**
 * Time to exit, verification included: stated throughputs (the command's
 * defaults or flags) plus what verification adds, or throughputs measured by
 * `freehold migrate` (its manifest) or `freehold rehearse` (its evidence),
 * which already include verification. `exit-plan --measured FILE`.
 */
import { readFileSync } from "node:fs";
import { round } from "@freehold/core";
import { z } from "zod";
import { InputError } from "../errors";
import type { Numbered } from "./model";

/**
 * What verification adds to the raw copy time when throughput is stated, not
 * measured: Freehold's verified database migration reaches at least 0.8 of
 * raw pg_dump + pg_restore, and its verified object copy at least 0.95 of raw
 * rclone copy, in its benchmark (bench/results.md, section 5), so
 * verification adds at most 1/0.8 - 1 = 25% and 1/0.95 - 1 ≈ 5%.
 */
export const VERIFY_OVERHEAD = { database: 0.25, objects: 0.05 } as const;

export interface MeasuredRate {
  value: number;
  /** Where it came from, for the plan's basis text. */
  basis: string;
}

export interface MeasuredThroughput {
  file: string;
  /** End to end, verification included, GiB/h. */
  database?: MeasuredRate;
  /** End to end, verification included, MiB/s. */
  objects?: MeasuredRate;
  /** When the file is an exit drill's evidence: its pair and result. */
  drill?: { from: string; to: string; ok: boolean; finishedAt: string; checks: string };
}

const DatabaseManifestSchema = z.object({
  kind: z.literal("database"),
  formatVersion: z.union([z.literal(2), z.literal(3)]),
  finishedAt: z.string(),
  ok: z.boolean(),
  source: z.object({ databaseBytes: z.number().positive() }),
  dump: z.object({ reused: z.boolean() }),
  restore: z.object({ skipped: z.boolean() }),
  timings: z.object({ totalMs: z.number().positive() }),
});

const ObjectManifestSchema = z.object({
  kind: z.literal("objects"),
  formatVersion: z.union([z.literal(1), z.literal(2)]),
  finishedAt: z.string(),
  ok: z.boolean(),
  copy: z.object({ transferred: z.number() }),
  totals: z.object({ objects: z.number(), bytes: z.number() }),
  timings: z.object({ totalMs: z.number().positive() }),
});

const EvidenceSchema = z.object({
  formatVersion: z.literal(1),
  startedAt: z.string(),
  database: z.object({ manifest: z.unknown() }),
  objects: z.object({ manifest: z.unknown() }),
});

/** The evidence of `freehold rehearse --from --to`: a rehearsal's shape, with its pair and checks. */
const DrillSchema = EvidenceSchema.extend({
  kind: z.literal("exit-drill"),
  finishedAt: z.string(),
  from: z.object({ cloud: z.string() }),
  to: z.object({ cloud: z.string() }),
  checks: z.array(z.object({ ok: z.boolean() })),
  ok: z.boolean(),
});

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function small(bytes: number, unit: number): string {
  return bytes < GiB ? `; measured on only ${round(bytes / unit, 2)} ${unit === GiB ? "GiB" : "MiB"}, where start-up costs weigh more, so it understates a large migration` : "";
}

function databaseRate(m: unknown, from: string, problems: string[]): MeasuredRate | undefined {
  const p = DatabaseManifestSchema.safeParse(m);
  if (!p.success) {
    problems.push(`${from}: not a database manifest of freehold migrate (format 2 or 3): ${p.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
    return undefined;
  }
  const d = p.data;
  if (!d.ok) problems.push(`${from}: records a migration that did not verify; measure with one that did`);
  if (d.restore.skipped) problems.push(`${from}: records a re-run that restored nothing (the target already held the data); measure with a full migration`);
  else if (d.dump.reused) problems.push(`${from}: records a run that restored the dump of an earlier run, so its time leaves out the dump; measure with a full migration`);
  if (!d.ok || d.restore.skipped || d.dump.reused) return undefined;
  const gib = d.source.databaseBytes / GiB;
  const value = round(gib / (d.timings.totalMs / 3_600_000), 2);
  return { value, basis: `measured: ${round(gib, 3)} GiB migrated and verified in ${round(d.timings.totalMs / 1000, 1)} s by freehold migrate (${from}, ${d.finishedAt})${small(d.source.databaseBytes, GiB)}` };
}

function objectsRate(m: unknown, from: string, problems: string[]): MeasuredRate | undefined {
  const p = ObjectManifestSchema.safeParse(m);
  if (!p.success) {
    problems.push(`${from}: not an object manifest of freehold migrate: ${p.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
    return undefined;
  }
  const o = p.data;
  if (!o.ok) problems.push(`${from}: records a copy that did not verify; measure with one that did`);
  if (o.copy.transferred < o.totals.objects) problems.push(`${from}: records a run that found ${o.totals.objects - o.copy.transferred} of ${o.totals.objects} objects already in the target; measure with a full copy into an empty one`);
  if (!o.ok || o.copy.transferred < o.totals.objects || o.totals.bytes === 0) return undefined;
  const value = round(o.totals.bytes / MiB / (o.timings.totalMs / 1000), 2);
  return { value, basis: `measured: ${round(o.totals.bytes / MiB, 1)} MiB copied and verified in ${round(o.timings.totalMs / 1000, 1)} s by freehold migrate (${from}, ${o.finishedAt})${small(o.totals.bytes, MiB)}` };
}

/** Read a migrate manifest (database or objects), rehearse evidence or an exit drill's; refuses anything else with every reason, and a drill of another pair or one that failed. */
export function readMeasured(file: string, pair?: { from: string; to: string }): MeasuredThroughput {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(`freehold exit-plan: --measured ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `not JSON (${(e as Error).message})`}`);
  }
  const problems: string[] = [];
  const out: MeasuredThroughput = { file };
  const kind = (doc as { kind?: unknown } | null)?.kind;
  if (kind === "database") {
    const r = databaseRate(doc, file, problems);
    if (r) out.database = r;
  } else if (kind === "objects") {
    const r = objectsRate(doc, file, problems);
    if (r) out.objects = r;
  } else if (kind === "exit-drill") {
    const d = DrillSchema.safeParse(doc);
    if (!d.success) problems.push(`${file}: not the evidence of freehold rehearse --from --to: ${d.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
    else {
      const e = d.data;
      if (pair && (e.from.cloud !== pair.from || e.to.cloud !== pair.to)) problems.push(`${file}: drills ${e.from.cloud} -> ${e.to.cloud}, not ${pair.from} -> ${pair.to}; drill this pair (freehold rehearse --from ${pair.from} --to ${pair.to})`);
      if (!e.ok) problems.push(`${file}: records a drill that failed (${e.checks.filter((c) => !c.ok).length} check(s) failed); measure with one that passed`);
      out.drill = { from: e.from.cloud, to: e.to.cloud, ok: e.ok, finishedAt: e.finishedAt, checks: `${e.checks.filter((c) => c.ok).length} of ${e.checks.length} checks passed` };
      const db = e.database.manifest ? databaseRate(e.database.manifest, `${file} (exit drill ${e.from.cloud} -> ${e.to.cloud}, database)`, problems) : undefined;
      const ob = e.objects.manifest ? objectsRate(e.objects.manifest, `${file} (exit drill ${e.from.cloud} -> ${e.to.cloud}, objects)`, problems) : undefined;
      if (db) out.database = db;
      if (ob) out.objects = ob;
    }
  } else {
    const ev = EvidenceSchema.safeParse(doc);
    if (!ev.success) problems.push(`${file}: neither a manifest of freehold migrate (kind "database" or "objects") nor the rehearsal.json of freehold rehearse`);
    else {
      const db = ev.data.database.manifest ? databaseRate(ev.data.database.manifest, `${file} (rehearsal of ${ev.data.startedAt}, database)`, problems) : undefined;
      const ob = ev.data.objects.manifest ? objectsRate(ev.data.objects.manifest, `${file} (rehearsal of ${ev.data.startedAt}, objects)`, problems) : undefined;
      if (db) out.database = db;
      if (ob) out.objects = ob;
    }
  }
  if (problems.length > 0) throw new InputError(`freehold exit-plan: --measured cannot be used:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return out;
}

/** The write downtime of a live cutover, seconds, measured by the benchmark's live round (bench/live-results.json). */
export interface MeasuredDowntime {
  file: string;
  seconds: number;
  basis: string;
}

const LiveBenchSchema = z.object({
  date: z.string(),
  databaseGiB: z.number().nonnegative(),
  freehold: z.object({
    writeDowntimeMs: z.number().nonnegative(),
    rowsWrittenOnSource: z.number().int().nonnegative(),
    rowsOnTarget: z.number().int().nonnegative(),
    rowsLost: z.number().int().nonnegative(),
  }),
});

/** Read the live round's results of `npm run bench` (bench/live-results.json); refuses another file, or a run that lost rows, with every reason. */
export function readMeasuredDowntime(file: string): MeasuredDowntime {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(`freehold exit-plan: --measured-downtime ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `not JSON (${(e as Error).message})`}`);
  }
  const p = LiveBenchSchema.safeParse(doc);
  if (!p.success) {
    const issues = p.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new InputError(`freehold exit-plan: --measured-downtime cannot be used:\n  - ${file}: not the live round's results of npm run bench (bench/live-results.json): ${issues}`);
  }
  const f = p.data.freehold;
  if (f.rowsLost > 0) throw new InputError(`freehold exit-plan: --measured-downtime cannot be used:\n  - ${file}: records a cutover that lost ${f.rowsLost} of ${f.rowsWrittenOnSource} rows; measure with one that lost none`);
  const seconds = round(f.writeDowntimeMs / 1000, 1);
  return {
    file,
    seconds,
    basis: `measured: writes stopped ${seconds} s at freehold replicate cutover under a pgbench write load on ${round(p.data.databaseGiB, 2)} GiB, ${f.rowsOnTarget} of ${f.rowsWrittenOnSource} rows on the target, none lost (${file}, ${p.data.date}); it does not grow with the data, but a slower link between the clouds adds to the catch-up`,
  };
}

/**
 * The write downtime Freehold's live cutover is held to in its benchmark (bench/live-results.md: at most 10 s under a
 * write load, independent of the database's size), stated when no measurement is given.
 */
export const LIVE_DOWNTIME_BOUND_S = 10;

export interface ExitTime {
  objectsHours: Numbered;
  databaseHours: Numbered;
  verificationHours: Numbered;
  /** Copy time: objects and databases copied and verified (on the live path, while the service runs). */
  totalDataHours: Numbered;
  /** How long the application cannot write: seconds on the live path, the whole database copy on the stop-the-world path. */
  writeDowntime: Numbered;
  calendarDays: Numbered;
}

function writeDowntime(live: boolean, dbHours: number, measured?: MeasuredDowntime): Numbered {
  if (!live) {
    return { value: round(dbHours, 2), unit: "hours", basis: "stop-the-world: writes stop for the whole database copy and its verification (the databases' time above); the objects' second pass, which moves only changes, adds to it" };
  }
  if (measured) return { value: measured.seconds, unit: "seconds", basis: `live (freehold replicate cutover), ${measured.basis}` };
  return {
    value: LIVE_DOWNTIME_BOUND_S,
    unit: "seconds",
    basis: `live (freehold replicate cutover): stated, the bound Freehold's cutover is held to under a write load in its benchmark (bench/live-results.md), independent of the database's size; measure it with npm run bench, then --measured-downtime bench/live-results.json`,
  };
}

/** Hours to copy and verify the data, and working days to exit, from stated or measured throughput. */
export function exitTime(o: { dataGiB: number; dbGiB: number; objectThroughputMiBs: number; databaseGiBPerHour: number; measured?: MeasuredThroughput; live?: boolean; measuredDowntime?: MeasuredDowntime }): ExitTime {
  const m = o.measured;
  const objectsHours = m?.objects ? (o.dataGiB * 1024) / m.objects.value / 3600 : (o.dataGiB * 1024) / o.objectThroughputMiBs / 3600;
  const dbHours = m?.database ? o.dbGiB / m.database.value : o.dbGiB / o.databaseGiBPerHour;
  const verifyObjects = m?.objects ? 0 : objectsHours * VERIFY_OVERHEAD.objects;
  const verifyDb = m?.database ? 0 : dbHours * VERIFY_OVERHEAD.database;
  const verifyBasis = [
    m?.database ? "databases: included in the measured throughput" : `databases: +${VERIFY_OVERHEAD.database * 100}% of the dump and restore time (verified migration at >= 0.8 of raw pg_dump/pg_restore, bench/results.md)`,
    m?.objects ? "objects: included in the measured throughput" : `objects: +${VERIFY_OVERHEAD.objects * 100}% of the copy time (verified copy at >= 0.95 of raw rclone, bench/results.md)`,
  ].join("; ");
  const total = objectsHours + dbHours + verifyObjects + verifyDb;
  return {
    objectsHours: {
      value: round(objectsHours, 2),
      unit: "hours",
      basis: m?.objects ? `${o.dataGiB} GiB of objects at ${m.objects.value} MiB/s, copy and verification (${m.objects.basis})` : `${o.dataGiB} GiB of objects at a sustained ${o.objectThroughputMiBs} MiB/s (stated throughput; measure yours with \`freehold rehearse\` or \`freehold migrate\`, then --measured)`,
    },
    databaseHours: {
      value: round(dbHours, 2),
      unit: "hours",
      basis: m?.database ? `${o.dbGiB} GiB of databases at ${m.database.value} GiB/h for dump, restore and verification (${m.database.basis})` : `${o.dbGiB} GiB of databases at ${o.databaseGiBPerHour} GiB/h for pg_dump and pg_restore together (stated throughput)`,
    },
    verificationHours: { value: round(verifyObjects + verifyDb, 2), unit: "hours", basis: verifyBasis },
    totalDataHours: {
      value: round(total, 2),
      unit: "hours",
      basis: o.live ? "objects and databases copied and verified one after the other, while the service runs (the live path)" : "objects and databases copied and verified one after the other",
    },
    writeDowntime: writeDowntime(o.live === true, dbHours + verifyDb, o.measuredDowntime),
    calendarDays: {
      value: Math.ceil(3 + total / 8),
      unit: "working days",
      basis: "1 day to provision and check the target (freehold plan + pulumi up), 1 day for a full rehearsal, 1 day for cutover, plus the copy and verification time in 8-hour working days",
    },
  };
}
