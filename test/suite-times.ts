/**
 * A vitest reporter for where the suite's time goes: each file's whole time in its worker (start-up, import,
 * hooks and tests), not only from its first test's start to its last test's end as `--reporter=json` gives (which
 * leaves out a file's imports and its beforeAll/afterAll: the consumer test's minute of packing and installing is in
 * its beforeAll). `npx vitest run --reporter=default --reporter=./test/suite-times.ts`; FREEHOLD_SUITE_TIMES=file
 * writes the numbers as JSON too (docs/architecture.md, "The suite's own cost").
 */
import { writeFileSync } from "node:fs";
import { relative } from "node:path";

/** What this reporter reads of vitest's TestModule (vitest/node's types are ESM-only; the tests type-check as CommonJS). */
interface TestModule {
  moduleId: string;
  state(): string;
  diagnostic(): { environmentSetupDuration: number; prepareDuration: number; setupDuration: number; collectDuration: number; duration: number };
}

interface Row {
  file: string;
  /** Seconds from the run's start to the file's end. */
  end: number;
  /** The file's seconds in its worker: environment, set-up, import (collect) and every test and hook. */
  total: number;
  collect: number;
  tests: number;
  state: string;
}

export default class SuiteTimes {
  private root = process.cwd();
  private started = Date.now();
  private rows: Row[] = [];

  onInit(ctx: { config: { root: string } }): void {
    this.root = ctx.config.root;
    this.started = Date.now();
  }

  onTestModuleEnd(m: TestModule): void {
    const d = m.diagnostic();
    const s = (ms: number) => Math.round(ms / 100) / 10;
    const total = d.environmentSetupDuration + d.prepareDuration + d.setupDuration + d.collectDuration + d.duration;
    this.rows.push({ file: relative(this.root, m.moduleId), end: s(Date.now() - this.started), total: s(total), collect: s(d.collectDuration), tests: s(d.duration), state: m.state() });
  }

  onTestRunEnd(): void {
    const rows = [...this.rows].sort((a, b) => b.total - a.total);
    const sum = rows.reduce((a, r) => a + r.total, 0);
    const span = Math.max(0, ...rows.map((r) => r.end));
    const lines = rows.slice(0, 25).map((r) => `${r.total.toFixed(1).padStart(7)} s  (import ${r.collect.toFixed(1).padStart(5)}, ended at ${r.end.toFixed(0).padStart(4)} s)  ${r.file}${r.state === "passed" ? "" : ` [${r.state}]`}`);
    process.stdout.write(`\nSuite times: ${rows.length} files, ${sum.toFixed(0)} s in workers, ${span.toFixed(0)} s from the first start to the last end\n${lines.join("\n")}\n`);
    const out = process.env.FREEHOLD_SUITE_TIMES;
    if (out) writeFileSync(out, `${JSON.stringify({ sum, span, files: rows }, null, 1)}\n`);
  }
}
