import { relative } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Unit tests of the model, core, rule book and the three backends run under Pulumi's mocks in process and leave no
 * state behind: they share their workers (no isolation), which saves loading the provider SDKs again for every file
 * (54 files: 149 s of CPU isolated, 33 s shared). So do the test/ files that only plan under mocks or read files (11
 * files: 44.5 s of CPU isolated, 30.9 s shared). Everything else keeps a fresh process per file: CLI processes, real
 * servers, tests that change the working directory, a backend or Pulumi's log (the property harness,
 * one-validation), or reset modules (the examples), and the simulated cloud, whose Azure suites set the Azure
 * backend's process-wide mock cloud (azure-issue-28 failed when it shared a worker with the backends' tests).
 */
const SHARED = [
  "packages/{model,core,rules,aws,azure,gcp}/src/**/*.test.ts",
  "test/{check-degraded,check-private-transit,check-version-support,component-rules,conformance,docs-voice,docs,failed-plans,policy-pack,report-details}.test.ts",
  "test/property/invalid.test.ts",
];

/**
 * The order files start in, longest first, so that neither worker is left with a long file at the end: every file
 * over about 30 s is listed. Vitest's own order needs its duration cache, which a fresh clone (CI) does not have: it
 * then starts larger files first, and a property suite (a file of three lines) or the exit drill (not listed) started
 * last. Longest is by a file's whole time in its worker (imports and beforeAll included, which `--reporter=json` leaves
 * out: `--reporter=./test/suite-times.ts` gives it).
 *
 * The CLI suite and the migration's real-server suite (live.test.ts) must not run side by side: the CLI suite's
 * planning starves the servers' timed steps. The CLI suite starts first, beside the three property suites (about
 * 60 s each way, idle); the exit drill and live.test.ts come next. live.test.ts starts at the fifth time a worker
 * frees, which is after the CLI suite has ended unless the other worker ran the three property suites and the exit
 * drill (about 190 s) meanwhile. The two real-server suites then run side by side, not beside the CLI suite.
 */
const ORDER = [
  "test/cli.test.ts",
  "test/property/valid-azure.test.ts",
  "test/property/valid-aws.test.ts",
  "test/property/valid-gcp.test.ts",
  "test/exit-drill.test.ts",
  "packages/cli/src/migrate/live.test.ts",
  "packages/cli/src/migrate/database.test.ts",
  "packages/cli/src/migrate/operator.test.ts",
  // The consumer and eject tests share one npm install (test/shared-install.ts): the consumer test, which needs it
  // first thing, makes it (about 25 s) when no earlier run left it; the eject test ejects for 10-25 s before it needs it.
  "test/consumer.test.ts",
  "test/eject.test.ts",
  "packages/cli/src/migrate/live-rollback-marker.test.ts",
  "test/eject-cli.test.ts",
  "packages/lifecycle/src/lifecycle-azure.test.ts",
  "test/refusal.test.ts",
  "packages/cli/src/migrate/rehearse.test.ts",
  "test/costs.test.ts",
  "test/migrate-cli.test.ts",
  "test/html.test.ts",
  "test/stack-names.test.ts",
  "test/plan-rules.test.ts",
  "test/currency.test.ts",
  "test/readme.test.ts",
  "packages/lifecycle/src/lifecycle-aws.test.ts",
  "packages/lifecycle/src/lifecycle-gcp.test.ts",
  "packages/lifecycle/src/lifecycle-aws-options.test.ts",
  // Shared workers (the "units" project), after every isolated file.
  "test/property/invalid.test.ts",
  "test/policy-pack.test.ts",
  "test/conformance.test.ts",
];
const RANK = new Map(ORDER.map((file, i) => [file, i]));

/** Isolated files before shared ones (a shared worker is reused only while the next file is shared too), each in ORDER, then the rest in vitest's order. */
class Longest extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => RANK.get(relative(this.ctx.config.root, f.moduleId)) ?? ORDER.length;
    const shared = (f: TestSpecification) => (f.project.config.isolate ? 0 : 1);
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => shared(a.f) - shared(b.f) || rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Most suites spend their time in child processes or Pulumi's mock runtime; two workers use both cores.
    maxWorkers: 2,
    // Planning under Pulumi's mocks allocates heavily and short-lived: with V8's default young generation, garbage
    // collection was about half of a property suite's CPU time. A 64 MiB semi-space cut a plan's CPU by about 40%
    // (azure, 45 random stacks: 282 -> 162 ms each, alternating runs) at the cost of about 130 MiB more per worker.
    execArgv: ["--max-semi-space-size=64"],
    sequence: { sequencer: Longest },
    projects: [
      { extends: true, test: { name: "units", include: SHARED, isolate: false } },
      { extends: true, test: { name: "suites", include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts", "examples/*/*.test.ts"], exclude: [...SHARED, "**/node_modules/**"] } },
    ],
  },
});
