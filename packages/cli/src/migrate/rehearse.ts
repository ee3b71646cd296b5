/**
 * The exit rehearsal: real servers on this machine, realistic data, the real
 * migrations, and the checks that prove verification works (corruption is
 * caught, an interrupted copy resumes). Returns the evidence; renders it.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { migrateDatabase, verifyDatabase } from "./database";
import { MigrationError, MissingToolError } from "./errors";
import type { DatabaseManifest, ObjectManifest } from "./manifest";
import { pgConnection, psql } from "./pg";
import { pgTool, rcloneBinary, runOk, toolVersion } from "./proc";
import { migrateObjects, type RcloneRemote, verifyObjects, withRclone } from "./rclone";
import { type SeedCounts, seedDatabaseSql, writeSeedObjects } from "./seed";
import {
  type AzuriteServer,
  type PostgresServer,
  type RunningServer,
  type S3Server,
  startAzurite,
  startPostgres,
  startS3rver,
  storageServersAvailable,
} from "./servers";

export interface RehearseOptions {
  /** Working folder: dumps, seed objects, manifests. */
  workDir: string;
  /** Seed for the generated data (default 20251125). */
  seed?: number;
  /** Approximate number of database rows (default 5000). */
  rows?: number;
  /** Number of objects (default 40, at least 16). */
  objects?: number;
  log?: (line: string) => void;
}

export interface RehearsalStep {
  name: string;
  ms: number;
  ok: boolean;
  detail: string;
}

export interface NegativeCheck {
  name: string;
  /** What was done to the target. */
  corruption: string;
  /** What verification had to name. */
  expected: string[];
  detected: boolean;
  /** What verification actually named. */
  named: string[];
  ok: boolean;
  message: string;
}

export interface ResumeCheck {
  name: string;
  total: number;
  /** Objects complete in the target when rclone was killed. */
  presentAfterInterrupt: number;
  interruptedAfterMs: number;
  /** Objects the second run copied. */
  transferredOnResume: number;
  /** Objects the second run found already complete and skipped. */
  skippedOnResume: number;
  verified: boolean;
  ok: boolean;
  detail: string;
}

export interface RehearsalServer {
  role: string;
  software: string;
  version: string;
  endpoint: string;
}

export interface RehearsalEvidence {
  formatVersion: 1;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  seed: number;
  host: { platform: string; arch: string; node: string; cpus: number };
  servers: RehearsalServer[];
  tools: Record<string, string>;
  steps: RehearsalStep[];
  database: {
    seeded: SeedCounts | null;
    manifest: DatabaseManifest | null;
    tables: number;
    rows: number;
    dumpBytes: number;
    rerun: { ok: boolean; dumpReused: boolean; restoreSkipped: boolean; detail: string } | null;
  };
  objects: {
    seeded: { count: number; bytes: number } | null;
    manifest: ObjectManifest | null;
    count: number;
    bytes: number;
    downloadVerified: boolean;
  };
  negativeChecks: NegativeCheck[];
  resume: ResumeCheck | null;
  /** Where the data went: every location it passed through. */
  dataPath: string[];
  ok: boolean;
}

/** Every tool the rehearsal needs that is missing, each with its install line. */
export function rehearsalPreflight(): string[] {
  const missing: string[] = [];
  for (const t of ["pg_dump", "pg_restore", "psql", "initdb", "postgres"]) {
    try {
      pgTool(t);
    } catch (e) {
      missing.push(e instanceof Error ? e.message : String(e));
    }
  }
  try {
    rcloneBinary();
  } catch (e) {
    missing.push(e instanceof Error ? e.message : String(e));
  }
  try {
    storageServersAvailable();
  } catch (e) {
    missing.push(e instanceof Error ? e.message : String(e));
  }
  return missing;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Run the exit rehearsal. Throws MissingToolError when a tool or server is not
 * installed; otherwise returns the evidence (check `ok`).
 */
export async function rehearse(opts: RehearseOptions): Promise<RehearsalEvidence> {
  const log = opts.log ?? (() => {});
  const missing = rehearsalPreflight();
  if (missing.length > 0)
    throw new MissingToolError(
      "rehearsal prerequisites",
      `\n  ${missing.join("\n  ")}\nIn CI: apt-get install -y postgresql rclone && npm ci (s3rver and azurite are devDependencies of @freehold/cli)`,
    );
  const seed = opts.seed ?? 20251125;
  const rows = opts.rows ?? 5000;
  const objectCount = opts.objects ?? 40;
  const workDir = path.resolve(opts.workDir);
  const t0 = Date.now();
  const startedAt = new Date().toISOString();
  await rm(path.join(workDir, "database"), { recursive: true, force: true });
  await rm(path.join(workDir, "seed-objects"), { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });

  const evidence: RehearsalEvidence = {
    formatVersion: 1,
    startedAt,
    finishedAt: "",
    durationMs: 0,
    seed,
    host: { platform: `${os.type()} ${os.release()}`, arch: os.arch(), node: process.version, cpus: os.cpus().length },
    servers: [],
    tools: {},
    steps: [],
    database: { seeded: null, manifest: null, tables: 0, rows: 0, dumpBytes: 0, rerun: null },
    objects: { seeded: null, manifest: null, count: 0, bytes: 0, downloadVerified: false },
    negativeChecks: [],
    resume: null,
    dataPath: [],
    ok: false,
  };

  const step = async <T>(name: string, fn: () => Promise<{ value: T; detail: string }>): Promise<T | undefined> => {
    const s = Date.now();
    log(`== ${name}`);
    try {
      const { value, detail } = await fn();
      evidence.steps.push({ name, ms: Date.now() - s, ok: true, detail });
      log(`   ok (${Date.now() - s} ms): ${detail}`);
      return value;
    } catch (e) {
      evidence.steps.push({ name, ms: Date.now() - s, ok: false, detail: errText(e) });
      log(`   FAILED (${Date.now() - s} ms): ${errText(e)}`);
      return undefined;
    }
  };

  const [pgDumpV, pgRestoreV, psqlV, rcloneV] = await Promise.all([
    toolVersion(pgTool("pg_dump")),
    toolVersion(pgTool("pg_restore")),
    toolVersion(pgTool("psql")),
    toolVersion(rcloneBinary(), ["version"]),
  ]);
  evidence.tools = { pg_dump: pgDumpV, pg_restore: pgRestoreV, psql: psqlV, rclone: rcloneV, node: process.version };

  // Start the four servers.
  const started: RunningServer[] = [];
  let pgA: PostgresServer | undefined;
  let pgB: PostgresServer | undefined;
  let s3: S3Server | undefined;
  let az: AzuriteServer | undefined;
  const pwA = `src-${seed}-${Math.random().toString(36).slice(2)}`;
  const pwB = `dst-${seed}-${Math.random().toString(36).slice(2)}`;
  await step("start servers", async () => {
    const results = await Promise.allSettled([
      startPostgres({ name: "source", superuserPassword: pwA, log }),
      startPostgres({ name: "target", superuserPassword: pwB, log }),
      startS3rver({ log }),
      startAzurite({ log }),
    ]);
    for (const r of results) if (r.status === "fulfilled") started.push(r.value);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed.length > 0) throw new Error(failed.map((f) => errText(f.reason)).join("\n"));
    const [a, b, c, d] = results as [
      PromiseFulfilledResult<PostgresServer>,
      PromiseFulfilledResult<PostgresServer>,
      PromiseFulfilledResult<S3Server>,
      PromiseFulfilledResult<AzuriteServer>,
    ];
    pgA = a.value;
    pgB = b.value;
    s3 = c.value;
    az = d.value;
    evidence.servers = [
      { role: "source database (stands in for the source cloud's managed PostgreSQL)", software: "PostgreSQL", version: pgA.version, endpoint: `127.0.0.1:${pgA.port}` },
      { role: "target database (stands in for the target cloud's managed PostgreSQL)", software: "PostgreSQL", version: pgB.version, endpoint: `127.0.0.1:${pgB.port}` },
      { role: "source object store (S3 protocol)", software: s3.software, version: s3.version, endpoint: s3.endpoint },
      { role: "target object store (Azure Blob protocol)", software: az.software, version: az.version, endpoint: az.endpoint },
    ];
    return { value: true, detail: evidence.servers.map((s) => `${s.software} ${s.version} at ${s.endpoint}`).join("; ") };
  });

  try {
    if (!pgA || !pgB || !s3 || !az) throw new Error("servers did not start");
    const A = pgA;
    const B = pgB;
    const S3 = s3;
    const AZ = az;
    evidence.dataPath = [
      `source PostgreSQL 127.0.0.1:${A.port} -> pg_dump on this host -> ${path.join(workDir, "database", "dump")} -> pg_restore -> target PostgreSQL 127.0.0.1:${B.port}`,
      `source S3 ${S3.endpoint} -> rclone on this host (streamed, not stored) -> target Azure Blob ${AZ.endpoint}`,
    ];

    // Seed.
    const urls = await step("seed source database", async () => {
      const src = await A.createDatabase("marketplace", "marketplace_aws", `pw-a-${seed}`);
      const dst = await B.createDatabase("marketplace", "marketplace_azure", `pw-b-${seed}`);
      const { sql, counts } = seedDatabaseSql(seed, rows);
      const conn = pgConnection(src, "target"); // writable: this is the seeding, not the migration
      await runOk(pgTool("psql"), ["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", conn.conninfo, "-f", "-"], {
        env: conn.env,
        input: sql,
        secrets: conn.secrets,
      });
      evidence.database.seeded = counts;
      return { value: { src, dst }, detail: `${counts.total} rows in 6 tables across 4 schemas, 2 sequences, 1 view` };
    });

    const seedDir = path.join(workDir, "seed-objects");
    const bucket = "crown-assets";
    const seeded = await step("seed source object store", async () => {
      const s = await writeSeedObjects(seedDir, seed, objectCount);
      await migrateObjects({ from: { type: "local", options: {}, path: seedDir }, to: S3.remote(bucket), log: () => {} });
      evidence.objects.seeded = { count: s.objects.length, bytes: s.bytes };
      return { value: s, detail: `${s.objects.length} objects, ${s.bytes} bytes into s3://${bucket}` };
    });

    // The migrations.
    const dbWork = path.join(workDir, "database");
    const dbManifestPath = path.join(workDir, "database-manifest.json");
    let dbOk = false;
    if (urls) {
      const m = await step("migrate database (pg_dump -Fd / pg_restore, verify)", async () => {
        const manifest = await migrateDatabase({ from: urls.src, to: urls.dst, workDir: dbWork, manifestPath: dbManifestPath, log: (l) => log(`   ${l}`) });
        return {
          value: manifest,
          detail: `${manifest.totals.tables} tables, ${manifest.totals.rows} rows, ${manifest.totals.sequences} sequences verified equal; dump ${manifest.dump.bytes} bytes`,
        };
      });
      if (m) {
        dbOk = true;
        evidence.database.manifest = m;
        evidence.database.tables = m.totals.tables;
        evidence.database.rows = m.totals.rows;
        evidence.database.dumpBytes = m.dump.bytes;
      }
      if (dbOk) {
        await step("re-run database migration (resume after completion)", async () => {
          const again = await migrateDatabase({ from: urls.src, to: urls.dst, workDir: dbWork, manifestPath: path.join(workDir, "database-manifest.rerun.json"), log: (l) => log(`   ${l}`) });
          const rerun = { ok: again.ok && again.restore.skipped, dumpReused: again.dump.reused, restoreSkipped: again.restore.skipped, detail: again.restore.reason };
          evidence.database.rerun = rerun;
          if (!rerun.ok) throw new Error(`the second run did not recognise the verified target: ${again.restore.reason}`);
          return { value: true, detail: `restore skipped (${again.restore.reason}); still verified, no rows duplicated (${again.totals.rows} rows)` };
        });
      }
    }

    const objManifestPath = path.join(workDir, "objects-manifest.json");
    let objOk = false;
    if (seeded) {
      const om = await step("migrate objects (rclone copy --checksum S3 -> Azure Blob, verify)", async () => {
        const manifest = await migrateObjects({ from: S3.remote(bucket), to: AZ.remote(bucket), manifestPath: objManifestPath, log: (l) => log(`   ${l}`) });
        return { value: manifest, detail: `${manifest.totals.objects} objects, ${manifest.totals.bytes} bytes verified equal (md5)` };
      });
      if (om) {
        objOk = true;
        evidence.objects.manifest = om;
        evidence.objects.count = om.totals.objects;
        evidence.objects.bytes = om.totals.bytes;
        await step("re-verify objects by downloading both sides", async () => {
          const v = await verifyObjects({ from: S3.remote(bucket), to: AZ.remote(bucket), verify: "download" });
          evidence.objects.downloadVerified = true;
          return { value: true, detail: `${v.entries.length} objects hashed from their bytes on both sides: all equal` };
        });
      }

      // Interrupted copy that resumes.
      await step("interrupted object copy resumes", async () => {
        const resumeTarget = AZ.remote(`${bucket}-resume`);
        const total = seeded.objects.length;
        const ac = new AbortController();
        let copied = 0;
        const tStart = Date.now();
        // Worst case the four transfer slots start on the largest objects; at 1 MiB/s the
        // fifth completion still comes well before the ~12 s the whole copy needs.
        const fallback = setTimeout(() => ac.abort(), 10_000);
        let interruptedAfterMs = 0;
        try {
          await migrateObjects({
            from: S3.remote(bucket),
            to: resumeTarget,
            bwlimit: "1M",
            signal: ac.signal,
            log: (l) => {
              if (l.startsWith("copied ") && ++copied === 5) {
                interruptedAfterMs = Date.now() - tStart;
                ac.abort();
              }
            },
          });
          throw new Error("the throttled copy finished before it could be interrupted");
        } catch (e) {
          if (!ac.signal.aborted) throw e;
        } finally {
          clearTimeout(fallback);
        }
        if (!interruptedAfterMs) interruptedAfterMs = Date.now() - tStart;
        const present = await countObjects(resumeTarget);
        log(`   rclone killed after ${interruptedAfterMs} ms with ${present}/${total} objects complete in the target`);
        const m = await migrateObjects({
          from: S3.remote(bucket),
          to: resumeTarget,
          manifestPath: path.join(workDir, "objects-resume-manifest.json"),
          log: (l) => log(`   ${l}`),
        });
        const check: ResumeCheck = {
          name: "object copy killed part-way (SIGKILL), then run again",
          total,
          presentAfterInterrupt: present,
          interruptedAfterMs,
          transferredOnResume: m.copy.transferred,
          skippedOnResume: m.copy.checks,
          verified: m.ok,
          ok: m.ok && present > 0 && present < total && m.copy.transferred <= total - present + 4 && m.totals.objects === total,
          detail: "",
        };
        check.detail = `killed with ${present}/${total} complete; the second run copied ${m.copy.transferred}, skipped ${m.copy.checks} already there, and verified all ${m.totals.objects}`;
        evidence.resume = check;
        if (!check.ok) throw new Error(`resume check failed: ${check.detail}`);
        return { value: true, detail: check.detail };
      });
    }

    // Negative checks: corruption must be detected, naming exactly what was corrupted.
    if (dbOk && urls) {
      await step("corrupted row in the target is detected", async () => {
        const dst = pgConnection(urls.dst, "target");
        const r = await psql(
          dst,
          "UPDATE catalogue.products SET image = set_byte(image, 0, get_byte(image, 0) # 1) WHERE id = (SELECT min(id) FROM catalogue.products WHERE length(image) > 0) RETURNING id;",
        );
        const id = r.lines[0] ?? "?";
        const corruption = `flipped one bit in catalogue.products.image of row id ${id} (row count unchanged)`;
        const check = await expectMigrationError(
          "corrupted row: verifyDatabase",
          corruption,
          ["catalogue.products"],
          () => verifyDatabase({ from: urls.src, to: urls.dst }),
        );
        evidence.negativeChecks.push(check);
        const refuse = await expectMigrationError(
          "corrupted row: re-running migrateDatabase refuses",
          `${corruption}; then migrateDatabase was run again`,
          ["catalogue.products"],
          () => migrateDatabase({ from: urls.src, to: urls.dst, workDir: dbWork, manifestPath: path.join(workDir, "database-manifest.refused.json") }),
        );
        evidence.negativeChecks.push(refuse);
        if (!check.ok || !refuse.ok) throw new Error(`${check.message}\n${refuse.message}`);
        return { value: true, detail: `detected; verification named ${check.named.join(", ")}; a re-run refused and changed nothing` };
      });
    }

    if (objOk && seeded) {
      await step("corrupted and missing objects in the target are detected", async () => {
        const corruptPath = "docs/中文/年度报告.pdf";
        const deletePath = "exports/2024/11/naïve café.csv";
        const original = await readFile(path.join(seedDir, ...corruptPath.split("/")));
        const bad = Buffer.from(original);
        const at = Math.floor(bad.length / 2);
        bad[at] = (bad[at] ?? 0) ^ 0x01;
        const tmp = path.join(workDir, "corrupt.bin");
        await writeFile(tmp, bad);
        const target = AZ.remote(bucket);
        await withRclone({ FHDST: target }, async (ctx) => {
          const base = ctx.specs.FHDST ?? "";
          await runOk(ctx.bin, ["copyto", tmp, `${base}/${corruptPath}`], { env: ctx.env, secrets: ctx.secrets });
          await runOk(ctx.bin, ["deletefile", `${base}/${deletePath}`], { env: ctx.env, secrets: ctx.secrets });
        });
        await rm(tmp, { force: true });
        const check = await expectMigrationError(
          "corrupted and missing objects: verifyObjects",
          `flipped one bit at byte ${at} of ${corruptPath} (same size) and deleted ${deletePath}, in the target`,
          [corruptPath, deletePath],
          () => verifyObjects({ from: S3.remote(bucket), to: target }),
        );
        evidence.negativeChecks.push(check);
        if (!check.ok) throw new Error(check.message);
        return { value: true, detail: `detected; verification named ${check.named.join(", ")}` };
      });
    }
  } finally {
    await Promise.allSettled(started.map((s) => s.stop()));
    log("servers stopped");
  }

  evidence.finishedAt = new Date().toISOString();
  evidence.durationMs = Date.now() - t0;
  evidence.ok =
    evidence.steps.length > 0 &&
    evidence.steps.every((s) => s.ok) &&
    evidence.database.manifest?.ok === true &&
    evidence.objects.manifest?.ok === true &&
    evidence.resume?.ok === true &&
    evidence.negativeChecks.length >= 3 &&
    evidence.negativeChecks.every((c) => c.ok);
  return evidence;
}

async function countObjects(remote: RcloneRemote): Promise<number> {
  return withRclone({ FHDST: remote }, async (ctx) => {
    const r = await runOk(ctx.bin, ["lsjson", "-R", "--files-only", "--fast-list", "--no-mimetype", "--no-modtime", ctx.specs.FHDST ?? ""], {
      env: ctx.env,
      secrets: ctx.secrets,
    });
    return (JSON.parse(r.stdout || "[]") as unknown[]).length;
  });
}

async function expectMigrationError(name: string, corruption: string, expected: string[], fn: () => Promise<unknown>): Promise<NegativeCheck> {
  try {
    await fn();
    return { name, corruption, expected, detected: false, named: [], ok: false, message: "NOT detected: verification passed" };
  } catch (e) {
    if (!(e instanceof MigrationError)) return { name, corruption, expected, detected: false, named: [], ok: false, message: `unexpected error: ${errText(e)}` };
    const named = e.items;
    const ok = expected.every((x) => named.includes(x)) && named.length === expected.length;
    return { name, corruption, expected, detected: true, named, ok, message: e.message };
  }
}

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** The evidence as a Markdown report. */
export function renderEvidenceMarkdown(e: RehearsalEvidence): string {
  const L: string[] = [];
  L.push("# Exit rehearsal evidence", "");
  L.push(`**Result: ${e.ok ? "PASSED" : "FAILED"}** — ${e.startedAt} to ${e.finishedAt} (${(e.durationMs / 1000).toFixed(1)} s), seed ${e.seed}.`, "");
  L.push(
    `Host: ${e.host.platform} ${e.host.arch}, ${e.host.cpus} CPUs, Node ${e.host.node}. Every server ran on this host on 127.0.0.1; no data left the machine.`,
    "",
  );
  L.push("## Servers", "", "| role | software | version | endpoint |", "| --- | --- | --- | --- |");
  for (const s of e.servers) L.push(`| ${cell(s.role)} | ${cell(s.software)} | ${cell(s.version)} | ${cell(s.endpoint)} |`);
  L.push("", "## Tools", "", "| tool | version |", "| --- | --- |");
  for (const [k, v] of Object.entries(e.tools)) L.push(`| ${k} | ${cell(v)} |`);
  L.push("", "## What moved", "");
  L.push(`- Database: ${e.database.tables} tables, ${e.database.rows} rows, ${e.database.manifest?.totals.sequences ?? 0} sequences; dump ${fmtBytes(e.database.dumpBytes)}.`);
  L.push(`- Objects: ${e.objects.count} objects, ${fmtBytes(e.objects.bytes)} (${e.objects.bytes} bytes).`);
  L.push("", "## Steps and timings", "", "| step | result | time | detail |", "| --- | --- | ---: | --- |");
  for (const s of e.steps) L.push(`| ${cell(s.name)} | ${s.ok ? "ok" : "**FAILED**"} | ${(s.ms / 1000).toFixed(2)} s | ${cell(s.detail)} |`);
  const dm = e.database.manifest;
  if (dm) {
    L.push("", "## Database verification", "");
    L.push(
      `Source ${dm.source.url} (PostgreSQL ${dm.source.serverVersion}) to target ${dm.target.url} (PostgreSQL ${dm.target.serverVersion}). ` +
        `Dump ${(dm.timings.dumpMs / 1000).toFixed(2)} s, restore ${(dm.timings.restoreMs / 1000).toFixed(2)} s, verification ${(dm.timings.verifyMs / 1000).toFixed(2)} s.`,
      "",
    );
    L.push(`Method: ${dm.checksumMethod}.`, "");
    L.push("| table | source rows | target rows | source checksum | target checksum | equal |", "| --- | ---: | ---: | --- | --- | --- |");
    for (const t of dm.tables)
      L.push(`| ${cell(`${t.schema}.${t.table}`)} | ${t.sourceRows} | ${t.rows} | \`${t.sourceChecksum}\` | \`${t.checksum}\` | ${t.match ? "yes" : "**NO**"} |`);
    if (dm.sequences.length > 0) {
      L.push("", "| sequence | source value | target value | equal |", "| --- | ---: | ---: | --- |");
      for (const s of dm.sequences)
        L.push(`| ${cell(`${s.schema}.${s.sequence}`)} | ${s.sourceLastValue ?? "unused"} | ${s.lastValue ?? "unused"} | ${s.match ? "yes" : "**NO**"} |`);
    }
  }
  if (e.database.rerun) L.push("", `Re-run: dump reused ${e.database.rerun.dumpReused ? "yes" : "no"}, restore skipped ${e.database.rerun.restoreSkipped ? "yes" : "no"} (${e.database.rerun.detail}).`);
  const om = e.objects.manifest;
  if (om) {
    L.push("", "## Object verification", "");
    L.push(
      `${om.totals.objects} objects, ${om.totals.bytes} bytes, compared by size and MD5 (${om.verifyMode} mode); copy ${(om.timings.copyMs / 1000).toFixed(2)} s, verification ${(om.timings.verifyMs / 1000).toFixed(2)} s. ` +
        `Independently re-verified by downloading and hashing both sides: ${e.objects.downloadVerified ? "yes" : "no"}.`,
      "",
    );
    L.push("| object | size | md5 | equal |", "| --- | ---: | --- | --- |");
    for (const o of om.objects) L.push(`| ${cell(o.path)} | ${o.size} | \`${o.hash}\` | ${o.match ? "yes" : "**NO**"} |`);
  }
  L.push("", "## Negative checks", "", "| check | what was done | verification named | result |", "| --- | --- | --- | --- |");
  for (const c of e.negativeChecks)
    L.push(`| ${cell(c.name)} | ${cell(c.corruption)} | ${cell(c.named.join(", ") || "nothing")} | ${c.ok ? "detected" : "**NOT DETECTED**"} |`);
  if (e.resume) {
    L.push("", "## Interrupted copy", "");
    L.push(`${e.resume.name}: ${e.resume.detail} (killed after ${e.resume.interruptedAfterMs} ms). Result: ${e.resume.ok ? "resumed to a verified finish" : "**FAILED**"}.`);
  }
  L.push("", "## Data path and residency", "");
  for (const p of e.dataPath) L.push(`- ${p}`);
  L.push("");
  return L.join("\n");
}
