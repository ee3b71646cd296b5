/**
 * The exit rehearsal against real servers: two PostgreSQL clusters, s3rver and
 * Azurite, all started on 127.0.0.1 free ports by the rehearsal and stopped
 * afterwards. Fails (does not skip) when a prerequisite is missing.
 */
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseManifest, ObjectManifest } from "./manifest";
import { type RehearsalEvidence, rehearsalPreflight, renderEvidenceMarkdown } from "./rehearse";

const BIN = path.join(__dirname, "..", "..", "dist", "bin.js");
let outDir = "";
let tmpDir = "";
let workDir = "";
/** Files the operator had in the folder named with --work-dir: the rehearsal must not touch them. */
const PLANTED = ["database/keep.txt", "seed-objects/mine.txt", "objects-manifest.json", "corrupt.bin", "dump/unrelated.txt"];
let evidence: RehearsalEvidence;
let lines: string[] = [];
let exitCode: number | null = null;

beforeAll(async () => {
  const missing = rehearsalPreflight();
  if (missing.length > 0)
    throw new Error(`the exit rehearsal needs these installed:\n  ${missing.join("\n  ")}\n(CI: apt-get install -y postgresql rclone; npm ci)`);
  outDir = await mkdtemp(path.join(os.tmpdir(), "freehold-rehearsal-test-"));
  // The rehearsal's own temporary folders (servers, dumps, seed objects) go here, so the test can see that none is left.
  tmpDir = await mkdtemp(path.join(os.tmpdir(), "freehold-rehearsal-tmp-"));
  await chmod(tmpDir, 0o755); // as root, the clusters run as postgres, which must reach its folder inside
  workDir = await mkdtemp(path.join(os.tmpdir(), "freehold-rehearsal-work-"));
  for (const f of PLANTED) {
    await mkdir(path.dirname(path.join(workDir, f)), { recursive: true });
    await writeFile(path.join(workDir, f), `the operator's ${f}`);
  }

  await new Promise<void>((resolve) =>
    execFile(process.execPath, [BIN, "rehearse", "--out", outDir, "--work-dir", workDir, "--seed", "42", "--rows", "5000", "--objects", "40"], { env: { ...process.env, TMPDIR: tmpDir }, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      exitCode = error ? Number((error as { code?: number }).code ?? 1) : 0;
      lines = stderr.split("\n");
      resolve();
    }),
  );
  evidence = JSON.parse(await readFile(path.join(outDir, "rehearsal.json"), "utf8")) as RehearsalEvidence;
}, 180_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
  if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("freehold rehearse (real servers)", () => {
  it("passes overall, every step ok", () => {
    const failed = evidence.steps.filter((s) => !s.ok);
    expect(failed, `${failed.map((s) => `${s.name}: ${s.detail}`).join("\n")}\n--- log ---\n${lines.join("\n")}`).toEqual([]);
    expect(evidence.ok).toBe(true);
    expect(exitCode).toBe(0);
  });

  it("leaves nothing behind: every server stopped, every folder and file it made removed", () => {
    expect(readdirSync(tmpDir)).toEqual([]);
    expect(lines).toContain("servers stopped");
  });

  it("works in a folder of its own inside --work-dir, and leaves everything else there as it was", async () => {
    expect(readdirSync(workDir).sort()).toEqual(["corrupt.bin", "database", "dump", "objects-manifest.json", "seed-objects"]);
    for (const f of PLANTED) expect(await readFile(path.join(workDir, f), "utf8")).toBe(`the operator's ${f}`);
    expect(readdirSync(path.join(workDir, "database"))).toEqual(["keep.txt"]);
  });

  it("started and recorded four real servers on loopback", () => {
    expect(evidence.servers).toHaveLength(4);
    for (const s of evidence.servers) expect(s.endpoint).toMatch(/127\.0\.0\.1:\d+/);
    expect(evidence.tools.pg_dump).toMatch(/pg_dump \(PostgreSQL\) \d+/);
    expect(evidence.tools.rclone).toMatch(/rclone v\d/);
  });

  it("verified every table and sequence equal, with thousands of rows", () => {
    const m = evidence.database.manifest as DatabaseManifest;
    expect(m.ok).toBe(true);
    expect(m.totals.rows).toBeGreaterThanOrEqual(4000);
    expect(m.tables.map((t) => `${t.schema}.${t.table}`)).toEqual([
      "audit.events",
      "catalogue.products",
      "catalogue.suppliers",
      'public.Quoted "Odd" Name',
      "sales.order_lines",
      "sales.orders",
    ]);
    for (const t of m.tables) {
      expect(t.match, `${t.schema}.${t.table}`).toBe(true);
      expect(t.rows).toBe(t.sourceRows);
      expect(t.checksum).toBe(t.sourceChecksum);
      expect(t.rows).toBeGreaterThan(0);
    }
    expect(m.sequences.map((s) => `${s.schema}.${s.sequence}`).sort()).toEqual(["audit.ticket_seq", "catalogue.products_id_seq", "catalogue.suppliers_id_seq", "sales.orders_id_seq"]);
    expect(m.sequences.every((s) => s.match)).toBe(true);
    expect(m.sequences.find((s) => s.sequence === "ticket_seq")?.lastValue).toBe("1036");
    expect(m.dump.kept).toBe(false);
    expect(JSON.stringify(evidence)).not.toMatch(/pw-a-|pw-b-/);
  });

  it("a second database run resumes without duplicating: restore skipped, still verified", () => {
    expect(evidence.database.rerun).toMatchObject({ ok: true, restoreSkipped: true });
  });

  it("verified every object equal (0 B to several MiB, unicode names, nested prefixes)", () => {
    const m = evidence.objects.manifest as ObjectManifest;
    expect(m.ok).toBe(true);
    expect(m.totals.objects).toBe(40);
    expect(m.objects.every((o) => o.match && o.hash === o.targetHash && o.size === o.targetSize)).toBe(true);
    const sizes = m.objects.map((o) => o.size);
    expect(Math.min(...sizes)).toBe(0);
    expect(Math.max(...sizes)).toBeGreaterThan(5 * 1024 * 1024);
    const paths = m.objects.map((o) => o.path);
    expect(paths).toContain("docs/中文/年度报告.pdf");
    expect(paths).toContain("emoji/🚀 launch plan.md");
    expect(paths).toContain("deep/a/b/c/d/e/f/g/leaf.bin");
    expect(evidence.objects.downloadVerified).toBe(true);
    expect(JSON.stringify(evidence)).not.toMatch(/sig=|S3RVER/);
  });

  it("detects a corrupted row, naming exactly the table, and refuses to migrate over it", () => {
    const verify = evidence.negativeChecks.find((c) => c.name.startsWith("corrupted row: verify"));
    expect(verify).toMatchObject({ detected: true, ok: true, named: ["catalogue.products"] });
    const refuse = evidence.negativeChecks.find((c) => c.name.includes("refuses"));
    expect(refuse).toMatchObject({ detected: true, ok: true, named: ["catalogue.products"] });
    expect(refuse?.message).toMatch(/refusing to migrate/);
  });

  it("detects a corrupted object and a missing object, naming exactly them", () => {
    const c = evidence.negativeChecks.find((x) => x.name.startsWith("corrupted and missing objects"));
    expect(c?.detected).toBe(true);
    expect([...(c?.named ?? [])].sort()).toEqual(["docs/中文/年度报告.pdf", "exports/2024/11/naïve café.csv"].sort());
    expect(c?.message).toMatch(/content differs/);
    expect(c?.message).toMatch(/missing in the target/);
  });

  it("an object copy killed part-way resumes to a verified finish", () => {
    const r = evidence.resume;
    expect(r).not.toBeNull();
    expect(r?.presentAfterInterrupt).toBeGreaterThan(0);
    expect(r?.presentAfterInterrupt).toBeLessThan(r?.total ?? 0);
    expect(r?.skippedOnResume).toBeGreaterThanOrEqual(r?.presentAfterInterrupt ?? 0);
    expect(r?.transferredOnResume).toBe((r?.total ?? 0) - (r?.presentAfterInterrupt ?? 0));
    expect(r?.verified).toBe(true);
    expect(r?.ok).toBe(true);
  });

  it("renders the evidence as markdown", () => {
    const md = renderEvidenceMarkdown(evidence);
    expect(md).toMatch(/^# Exit rehearsal evidence/);
    expect(md).toContain("**Result: PASSED**");
    expect(md).toContain("| catalogue.products |");
    expect(md).toContain("## Negative checks");
    expect(md).toContain("resumed to a verified finish");
    expect(md).not.toMatch(/pw-a-|pw-b-|sig=/);
  });
});
