import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/**
 * Unit tests of the model, core, rule book and the three backends run under Pulumi's mocks in process and leave no
 * state behind: they share their workers (no isolation), which saves loading the provider SDKs again for every file
 * (54 files: 149 s of CPU isolated, 33 s shared). Everything else (CLI processes, real servers, the simulated cloud,
 * tests that change the working directory) keeps a fresh process per file.
 */
const SHARED = ["packages/{model,core,rules,aws,azure,gcp}/src/**/*.test.ts"];

/**
 * Seconds each long suite took in a clean-clone `npm test` on the reference 2-core machine. Without vitest's own
 * duration cache (a fresh clone, as CI has) the longest suites could start last and leave one worker idle for minutes
 * (a 1,192 s sum took 824 s on two workers); started first, the two workers finish close together.
 */
const LONG_SUITES: Record<string, number> = {
  "test/cli.test.ts": 187,
  "test/property/valid-azure.test.ts": 126,
  "packages/cli/src/migrate/live.test.ts": 122,
  "packages/cli/src/migrate/operator.test.ts": 86,
  "test/property/valid-aws.test.ts": 80,
  "packages/cli/src/migrate/database.test.ts": 53,
  "test/eject.test.ts": 52,
  "test/eject-cli.test.ts": 52,
  "test/refusal.test.ts": 51,
  "test/property/valid-gcp.test.ts": 44,
  "packages/lifecycle/src/lifecycle-azure.test.ts": 39,
  "test/costs.test.ts": 28,
  "test/migrate-cli.test.ts": 24,
  "packages/lifecycle/src/lifecycle-aws.test.ts": 23,
  "test/html.test.ts": 22,
};

/** Vitest's order (projects, its cache when it has one), then the long suites of a project first, longest first. */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const weight = (f: TestSpecification) => LONG_SUITES[relative(this.ctx.config.root, f.moduleId)] ?? 0;
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => (a.f.project.name === b.f.project.name ? weight(b.f) - weight(a.f) : 0) || a.i - b.i)
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
    sequence: { sequencer: LongestFirst },
    projects: [
      { extends: true, test: { name: "units", include: SHARED, isolate: false } },
      { extends: true, test: { name: "suites", include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts", "examples/*/*.test.ts"], exclude: [...SHARED, "**/node_modules/**"] } },
    ],
  },
});
