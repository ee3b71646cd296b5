/**
 * Run counts and seeds for the property tests. Fixed seeds in CI so a failure
 * reproduces; FREEHOLD_PROPERTY_RUNS and FREEHOLD_PROPERTY_SEED change them
 * (docs/robustness.md).
 */
import type fc from "fast-check";

const env = (name: string) => process.env[name]?.trim() || undefined;

/** Invalid stacks parsed per cloud (cheap: about 2 ms each). */
export const RUNS = Number(env("FREEHOLD_PROPERTY_RUNS") ?? 1000);
/**
 * Valid stacks planned per cloud (about 100–200 ms each on 2 cores, the plans of today's backends). `npm test` plans
 * 200 per cloud, each cloud from its own seed (600 different stacks): at 1,000 the three suites were a quarter of the
 * whole suite's time. `npm run test:property` plans the full 1,000 per cloud (docs/robustness.md).
 */
export const VALID_RUNS = Number(env("FREEHOLD_PROPERTY_VALID_RUNS") ?? env("FREEHOLD_PROPERTY_RUNS") ?? 200);
/**
 * Every how many planned stacks a second run checks byte-identical plans (default 4: a quarter of them; every stack
 * doubled the suite's time now plans are larger; 1 replans every one).
 */
export const DETERMINISM_EVERY = Number(env("FREEHOLD_PROPERTY_DETERMINISM_EVERY") ?? 4);

const BASE_SEED = Number(env("FREEHOLD_PROPERTY_SEED") ?? 20261125);

/** A fixed seed per suite, so suites do not share their random streams. */
export function seedFor(suite: string): number {
  let h = BASE_SEED | 0;
  for (const ch of suite) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

/** fast-check parameters: fixed seed, run count, and the seed printed on failure. */
export function params<T>(suite: string, numRuns = RUNS): fc.Parameters<T> {
  const seed = seedFor(suite);
  return {
    seed,
    numRuns,
    endOnFailure: false,
    // Shrinking replans the stack each step; keep it bounded so a failure reports in minutes, not hours.
    interruptAfterTimeLimit: undefined,
    reporter: (details) => {
      if (!details.failed) return;
      const ex = (details.counterexample as unknown[] | null)?.[0] as { yaml?: string } | undefined;
      throw new Error(
        [
          `Property "${suite}" failed after ${details.numRuns} runs (${details.numShrinks} shrinks).`,
          `Reproduce: FREEHOLD_PROPERTY_SEED=${BASE_SEED} npx vitest run test/property  (fast-check seed ${details.seed}, path "${details.counterexamplePath}")`,
          ex?.yaml ? `Minimal stack:\n${ex.yaml}` : `Counterexample: ${JSON.stringify(details.counterexample)}`,
          `Error: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`,
        ].join("\n"),
      );
    },
  };
}

/** FREEHOLD_PROPERTY_STRICT=1: known weaknesses fail the run too (to check a fix). */
export const STRICT_INVALID = process.env.FREEHOLD_PROPERTY_STRICT === "1";
