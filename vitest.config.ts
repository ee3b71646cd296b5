import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts", "examples/*/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Most suites spend their time in child processes or Pulumi's mock runtime; two workers use both cores.
    maxWorkers: 2,
    // Planning under Pulumi's mocks allocates heavily and short-lived: with V8's default young generation, garbage
    // collection was about half of a property suite's CPU time. A 64 MiB semi-space cut a plan's CPU by about 40%
    // (azure, 45 random stacks: 282 -> 162 ms each, alternating runs) at the cost of about 130 MiB more per worker.
    execArgv: ["--max-semi-space-size=64"],
  },
});
