import { defineConfig } from "vitest/config";

/**
 * Unit tests of the model, core, rule book and the three backends run under Pulumi's mocks in process and leave no
 * state behind: they share their workers (no isolation), which saves loading the provider SDKs again for every file
 * (54 files: 149 s of CPU isolated, 33 s shared). Everything else (CLI processes, real servers, the simulated cloud,
 * tests that change the working directory) keeps a fresh process per file.
 */
const SHARED = ["packages/{model,core,rules,aws,azure,gcp}/src/**/*.test.ts"];

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
    projects: [
      { extends: true, test: { name: "units", include: SHARED, isolate: false } },
      { extends: true, test: { name: "suites", include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts", "examples/*/*.test.ts"], exclude: [...SHARED, "**/node_modules/**"] } },
    ],
  },
});
