/**
 * The steps of the exit rehearsal, each a function of the rehearsal's context:
 * start the servers, seed them, migrate and re-run, interrupt and resume a
 * copy, and corrupt the target to prove verification notices.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { migrateDatabase, verifyDatabase } from "./database";
import { MigrationError } from "./errors";
import { pgConnection, psql } from "./pg";
import { pgTool, runOk } from "./proc";
import { migrateObjects } from "./objects";
import { type RcloneRemote, verifyObjects, withRclone } from "./rclone";
import type { NegativeCheck, RehearsalEvidence, ResumeCheck } from "./rehearse";
import { seedDatabaseSql, type SeededObject, writeSeedObjects } from "./seed";
import { type AzuriteServer, type PostgresServer, type RunningServer, type S3Server, startAzurite, startPostgres, startS3rver } from "./servers";

export interface Context {
  evidence: RehearsalEvidence;
  workDir: string;
  seed: number;
  rows: number;
  objectCount: number;
  log: (line: string) => void;
  signal?: AbortSignal;
  /** Run one step, record it in the evidence; its value, or undefined when it failed. */
  step<T>(name: string, fn: () => Promise<{ value: T; detail: string }>): Promise<T | undefined>;
}

export interface Servers {
  A: PostgresServer;
  B: PostgresServer;
  S3: S3Server;
  AZ: AzuriteServer;
}

export const BUCKET = "crown-assets";

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Start two PostgreSQL servers, s3rver and Azurite; every one that started is pushed to `started` (to be stopped). */
export async function startServers(c: Context, started: RunningServer[]): Promise<Servers | undefined> {
  const pwA = `src-${c.seed}-${Math.random().toString(36).slice(2)}`;
  const pwB = `dst-${c.seed}-${Math.random().toString(36).slice(2)}`;
  return c.step("start servers", async () => {
    const results = await Promise.allSettled([
      startPostgres({ name: "source", superuserPassword: pwA, log: c.log }),
      startPostgres({ name: "target", superuserPassword: pwB, log: c.log }),
      startS3rver({ log: c.log }),
      startAzurite({ log: c.log }),
    ]);
    for (const r of results) if (r.status === "fulfilled") started.push(r.value);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed.length > 0) throw new Error(failed.map((f) => errText(f.reason)).join("\n"));
    const [A, B, S3, AZ] = (results as PromiseFulfilledResult<RunningServer>[]).map((r) => r.value) as [PostgresServer, PostgresServer, S3Server, AzuriteServer];
    c.evidence.servers = [
      { role: "source database (stands in for the source cloud's managed PostgreSQL)", software: "PostgreSQL", version: A.version, endpoint: `127.0.0.1:${A.port}` },
      { role: "target database (stands in for the target cloud's managed PostgreSQL)", software: "PostgreSQL", version: B.version, endpoint: `127.0.0.1:${B.port}` },
      { role: "source object store (S3 protocol)", software: S3.software, version: S3.version, endpoint: S3.endpoint },
      { role: "target object store (Azure Blob protocol)", software: AZ.software, version: AZ.version, endpoint: AZ.endpoint },
    ];
    c.evidence.dataPath = [
      `source PostgreSQL 127.0.0.1:${A.port} -> pg_dump on this host -> a private folder in ${path.join(c.workDir, "database")} (removed once verified) -> pg_restore -> target PostgreSQL 127.0.0.1:${B.port}`,
      `source S3 ${S3.endpoint} -> rclone on this host (streamed, not stored) -> target Azure Blob ${AZ.endpoint}`,
    ];
    return { value: { A, B, S3, AZ }, detail: c.evidence.servers.map((s) => `${s.software} ${s.version} at ${s.endpoint}`).join("; ") };
  });
}

/** Create the two databases and fill the source. Resolves with their URLs. */
export function seedDatabase(c: Context, s: Servers): Promise<{ src: string; dst: string } | undefined> {
  return c.step("seed source database", async () => {
    const src = await s.A.createDatabase("marketplace", "marketplace_aws", `pw-a-${c.seed}`);
    const dst = await s.B.createDatabase("marketplace", "marketplace_azure", `pw-b-${c.seed}`);
    const { sql, counts } = seedDatabaseSql(c.seed, c.rows);
    const conn = pgConnection(src, "target"); // writable: this is the seeding, not the migration
    await runOk(pgTool("psql"), ["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", conn.conninfo, "-f", "-"], { env: conn.env, input: sql, secrets: conn.secrets });
    c.evidence.database.seeded = counts;
    return { value: { src, dst }, detail: `${counts.total} rows in 6 tables across 4 schemas, 2 sequences, 1 view` };
  });
}

/** Write the seed objects to the work folder and upload them to the S3 server. */
export function seedObjects(c: Context, s: Servers): Promise<{ objects: SeededObject[]; bytes: number } | undefined> {
  return c.step("seed source object store", async () => {
    const seedDir = path.join(c.workDir, "seed-objects");
    const seeded = await writeSeedObjects(seedDir, c.seed, c.objectCount);
    await migrateObjects({ from: { type: "local", options: {}, path: seedDir }, to: s.S3.remote(BUCKET), log: () => {} });
    c.evidence.objects.seeded = { count: seeded.objects.length, bytes: seeded.bytes };
    return { value: seeded, detail: `${seeded.objects.length} objects, ${seeded.bytes} bytes into s3://${BUCKET}` };
  });
}

/** Migrate the database, then run the migration again: it must recognise the verified target. */
export async function migrateDatabaseSteps(c: Context, urls: { src: string; dst: string }): Promise<boolean> {
  const dbWork = path.join(c.workDir, "database");
  const m = await c.step("migrate database (pg_dump -Fd / parallel pg_restore, verify)", async () => {
    const manifest = await migrateDatabase({ from: urls.src, to: urls.dst, workDir: dbWork, manifestPath: path.join(c.workDir, "database-manifest.json"), log: (l) => c.log(`   ${l}`), ...(c.signal ? { signal: c.signal } : {}) });
    return { value: manifest, detail: `${manifest.totals.tables} tables, ${manifest.totals.rows} rows, ${manifest.totals.sequences} sequences verified equal; dump ${manifest.dump.bytes} bytes, ${manifest.dump.kept ? "kept" : "removed once verified"}` };
  });
  if (!m) return false;
  c.evidence.database.manifest = m;
  c.evidence.database.tables = m.totals.tables;
  c.evidence.database.rows = m.totals.rows;
  c.evidence.database.dumpBytes = m.dump.bytes;
  await c.step("re-run database migration (resume after completion)", async () => {
    const again = await migrateDatabase({ from: urls.src, to: urls.dst, workDir: dbWork, manifestPath: path.join(c.workDir, "database-manifest.rerun.json"), log: (l) => c.log(`   ${l}`), ...(c.signal ? { signal: c.signal } : {}) });
    const rerun = { ok: again.ok && again.restore.skipped, dumpReused: again.dump.reused, restoreSkipped: again.restore.skipped, detail: again.restore.reason };
    c.evidence.database.rerun = rerun;
    if (!rerun.ok) throw new Error(`the second run did not recognise the verified target: ${again.restore.reason}`);
    return { value: true, detail: `restore skipped (${again.restore.reason}); still verified, no rows duplicated (${again.totals.rows} rows)` };
  });
  return true;
}

/** Migrate the objects S3 -> Azure Blob, then verify again by downloading both sides. */
export async function migrateObjectSteps(c: Context, s: Servers): Promise<boolean> {
  const om = await c.step("migrate objects (rclone copy --checksum S3 -> Azure Blob, verify)", async () => {
    const manifest = await migrateObjects({ from: s.S3.remote(BUCKET), to: s.AZ.remote(BUCKET), manifestPath: path.join(c.workDir, "objects-manifest.json"), log: (l) => c.log(`   ${l}`), ...(c.signal ? { signal: c.signal } : {}) });
    return { value: manifest, detail: `${manifest.totals.objects} objects, ${manifest.totals.bytes} bytes verified equal (md5)` };
  });
  if (!om) return false;
  c.evidence.objects.manifest = om;
  c.evidence.objects.count = om.totals.objects;
  c.evidence.objects.bytes = om.totals.bytes;
  await c.step("re-verify objects by downloading both sides", async () => {
    const v = await verifyObjects({ from: s.S3.remote(BUCKET), to: s.AZ.remote(BUCKET), verify: "download" });
    c.evidence.objects.downloadVerified = true;
    return { value: true, detail: `${v.entries.length} objects hashed from their bytes on both sides: all equal` };
  });
  return true;
}

async function countObjects(remote: RcloneRemote): Promise<number> {
  return withRclone({ FHDST: remote }, async (ctx) => {
    const r = await runOk(ctx.bin, ["lsjson", "-R", "--files-only", "--fast-list", "--no-mimetype", "--no-modtime", ctx.specs.FHDST ?? ""], { env: ctx.env, secrets: ctx.secrets });
    return (JSON.parse(r.stdout || "[]") as unknown[]).length;
  });
}

/** Kill a throttled copy (SIGKILL) after five objects, run it again: it must copy only the rest, and verify. */
export function resumeStep(c: Context, s: Servers, total: number): Promise<boolean | undefined> {
  return c.step("interrupted object copy resumes", async () => {
    const resumeTarget = s.AZ.remote(`${BUCKET}-resume`);
    const ac = new AbortController();
    let copied = 0;
    const tStart = Date.now();
    // Worst case the four transfer slots start on the largest objects; at 1 MiB/s the
    // fifth completion still comes well before the ~12 s the whole copy needs.
    const fallback = setTimeout(() => ac.abort(), 10_000);
    let interruptedAfterMs = 0;
    try {
      await migrateObjects({
        from: s.S3.remote(BUCKET),
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
    c.log(`   rclone killed after ${interruptedAfterMs} ms with ${present}/${total} objects complete in the target`);
    const m = await migrateObjects({ from: s.S3.remote(BUCKET), to: resumeTarget, manifestPath: path.join(c.workDir, "objects-resume-manifest.json"), log: (l) => c.log(`   ${l}`) });
    const check: ResumeCheck = {
      name: "object copy killed part-way (SIGKILL), then run again",
      total,
      presentAfterInterrupt: present,
      interruptedAfterMs,
      transferredOnResume: m.copy.transferred,
      skippedOnResume: m.copy.alreadyPresent,
      verified: m.ok,
      ok: m.ok && present > 0 && present < total && m.copy.transferred <= total - present + 4 && m.totals.objects === total,
      detail: "",
    };
    check.detail = `killed with ${present}/${total} complete; the second run copied ${m.copy.transferred}, skipped ${m.copy.alreadyPresent} already there, and verified all ${m.totals.objects}`;
    c.evidence.resume = check;
    if (!check.ok) throw new Error(`resume check failed: ${check.detail}`);
    return { value: true, detail: check.detail };
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

/** Flip one bit of one bytea value in the target: verification must name the table, and a re-run must refuse. */
export function corruptRowStep(c: Context, urls: { src: string; dst: string }): Promise<boolean | undefined> {
  return c.step("corrupted row in the target is detected", async () => {
    const dst = pgConnection(urls.dst, "target");
    const r = await psql(
      dst,
      "UPDATE catalogue.products SET image = set_byte(image, 0, get_byte(image, 0) # 1) WHERE id = (SELECT min(id) FROM catalogue.products WHERE length(image) > 0) RETURNING id;",
    );
    const corruption = `flipped one bit in catalogue.products.image of row id ${r.lines[0] ?? "?"} (row count unchanged)`;
    const check = await expectMigrationError("corrupted row: verifyDatabase", corruption, ["catalogue.products"], () => verifyDatabase({ from: urls.src, to: urls.dst }));
    c.evidence.negativeChecks.push(check);
    const refuse = await expectMigrationError("corrupted row: re-running migrateDatabase refuses", `${corruption}; then migrateDatabase was run again`, ["catalogue.products"], () =>
      migrateDatabase({ from: urls.src, to: urls.dst, workDir: path.join(c.workDir, "database"), manifestPath: path.join(c.workDir, "database-manifest.refused.json") }),
    );
    c.evidence.negativeChecks.push(refuse);
    if (!check.ok || !refuse.ok) throw new Error(`${check.message}\n${refuse.message}`);
    return { value: true, detail: `detected; verification named ${check.named.join(", ")}; a re-run refused and changed nothing` };
  });
}

/** Flip one bit of one object and delete another, in the target: verification must name both. */
export function corruptObjectsStep(c: Context, s: Servers): Promise<boolean | undefined> {
  return c.step("corrupted and missing objects in the target are detected", async () => {
    const corruptPath = "docs/中文/年度报告.pdf";
    const deletePath = "exports/2024/11/naïve café.csv";
    const bad = Buffer.from(await readFile(path.join(c.workDir, "seed-objects", ...corruptPath.split("/"))));
    const at = Math.floor(bad.length / 2);
    bad[at] = (bad[at] ?? 0) ^ 0x01;
    const tmp = path.join(c.workDir, "corrupt.bin");
    await writeFile(tmp, bad);
    const target = s.AZ.remote(BUCKET);
    await withRclone({ FHDST: target }, async (ctx) => {
      const base = ctx.specs.FHDST ?? "";
      await runOk(ctx.bin, ["copyto", tmp, `${base}/${corruptPath}`], { env: ctx.env, secrets: ctx.secrets });
      await runOk(ctx.bin, ["deletefile", `${base}/${deletePath}`], { env: ctx.env, secrets: ctx.secrets });
    });
    await rm(tmp, { force: true });
    const check = await expectMigrationError("corrupted and missing objects: verifyObjects", `flipped one bit at byte ${at} of ${corruptPath} (same size) and deleted ${deletePath}, in the target`, [corruptPath, deletePath], () =>
      verifyObjects({ from: s.S3.remote(BUCKET), to: target }),
    );
    c.evidence.negativeChecks.push(check);
    if (!check.ok) throw new Error(check.message);
    return { value: true, detail: `detected; verification named ${check.named.join(", ")}` };
  });
}
