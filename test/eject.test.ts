/**
 * `freehold eject` on every cloud: the example, the conformance stacks and a
 * few random valid stacks from the property tests. Each ejected program must
 * import nothing from Freehold, type-check against the installed Pulumi SDKs,
 * and plan (as `freehold plan DIR` plans it) to exactly Freehold's plan,
 * resource by resource: type, name, inputs, options, provider, dependencies,
 * an alias naming the resource's URN under Freehold, and the stack outputs.
 * The committed ejected examples must match a fresh eject.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Ejected, HostedPlan } from "@freehold/cli";
import { type Cloud, CLOUDS, parseStack, SpecError, UnsupportedFeatureError } from "@freehold/model";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./cli-helpers";
import { eject, ejectedDifferences, planProgram, programsDir, stackTarget, typeCheck, writeProgram } from "./eject-helpers";
import { validStack } from "./property/arbitraries";
import { seedFor } from "./property/config";
import { CONFORMANCE_STACKS, EXAMPLE } from "./stacks";

/** Random stacks per cloud: enough to meet names and shapes no fixed stack has, few enough to keep npm test fast. */
const RANDOM_STACKS = Number(process.env.FREEHOLD_EJECT_RANDOM_STACKS ?? 3);
const EXAMPLE_SOURCE = "examples/crown-marketplace/freehold.yaml";

let dir: string;
const written: string[] = [];

beforeAll(() => {
  dir = programsDir();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Eject, write, plan the ejected program and compare; returns the ejected program for further checks. */
async function ejectAndCompare(label: string, text: string, cloud: Cloud, source = "freehold.yaml"): Promise<{ ejected: Ejected; plan: HostedPlan } | undefined> {
  const result = await eject(stackTarget(text, source), cloud);
  if (result.plan.error?.type === "unsupported") return undefined;
  expect(result.plan.error, `${label} plans on ${cloud}`).toBeUndefined();
  expect(result.problems, `${label} ejects on ${cloud}`).toBeUndefined();
  const ejected = result.ejected as Ejected;
  const out = join(dir, `${label.replace(/[^a-z0-9]+/gi, "-")}-${cloud}`);
  writeProgram(out, ejected.files);
  written.push(out);
  for (const [name, content] of Object.entries(ejected.files)) expect(content, `${name} of ${label} on ${cloud}`).not.toMatch(/@freehold\//);
  const plan = result.plan as HostedPlan;
  const ejectedPlan = await planProgram(out, cloud);
  const diffs = await ejectedDifferences(plan, ejectedPlan, ejected);
  if (diffs.length) throw new Error(`${label} on ${cloud}: the ejected program's plan differs from Freehold's:\n${diffs.join("\n")}`);
  expect(ejectedPlan.resources.filter((r) => r.custom)).toHaveLength(plan.resources.filter((r) => r.custom).length);
  return { ejected, plan: ejectedPlan };
}

describe("freehold eject: the ejected program plans to exactly Freehold's plan", () => {
  for (const cloud of CLOUDS) {
    it(`the example on ${cloud}: every resource, input, option and output equal, an alias on each, nothing from Freehold`, async () => {
      const r = await ejectAndCompare("example", EXAMPLE, cloud, EXAMPLE_SOURCE);
      expect(r).toBeDefined();
      const index = r?.ejected.files["index.ts"] ?? "";
      // Grouped by component, the platform first, with config for what a user changes.
      expect(index.indexOf("// ---- Shared platform")).toBeGreaterThan(0);
      expect(index.indexOf("// ---- Shared platform")).toBeLessThan(index.indexOf("// ---- db (Database)"));
      expect(index).toContain('const webImage = config.require("web-image");');
      expect(index).toContain('const region = config.require("region");');
      expect(r?.ejected.files["Pulumi.yaml"]).toContain("default: ghcr.io/example/marketplace-web:1.4.2");
      expect(r?.ejected.files["README.md"]).toContain(`pulumi up --stack dev`);
      // Secrets stay secrets: nothing secret in the ejected plan shows a value.
      expect(JSON.stringify(r?.plan.outputs)).toContain('"connectionString":"[secret]"');
    });

    it(`the committed examples/crown-marketplace-ejected-${cloud} is a fresh eject (npm run eject-examples regenerates it)`, async () => {
      const result = await eject(stackTarget(EXAMPLE, EXAMPLE_SOURCE), cloud);
      const committed = join(ROOT, "examples", `crown-marketplace-ejected-${cloud}`);
      const files = result.ejected?.files ?? {};
      expect(readdirSync(committed).sort()).toEqual(Object.keys(files).sort());
      for (const [name, content] of Object.entries(files)) expect(readFileSync(join(committed, name), "utf8"), `${name}: run npm run eject-examples`).toBe(content);
    });
  }

  for (const [label, text] of Object.entries(CONFORMANCE_STACKS)) {
    if (text === EXAMPLE) continue;
    it(`conformance stack "${label}" on every cloud`, async () => {
      for (const cloud of CLOUDS) await ejectAndCompare(label, text, cloud);
    });
  }

  for (const cloud of CLOUDS) {
    it(`${RANDOM_STACKS} random valid stacks on ${cloud}`, async () => {
      const candidates = fc.sample(validStack(4), { seed: seedFor(`eject-${cloud}`), numRuns: RANDOM_STACKS * 10 });
      let done = 0;
      for (const g of candidates) {
        if (done >= RANDOM_STACKS) break;
        try {
          parseStack(g.yaml);
        } catch (e) {
          if (e instanceof SpecError) continue;
          throw e;
        }
        try {
          if (await ejectAndCompare(`random-${done}`, g.yaml, cloud)) done++;
        } catch (e) {
          if (e instanceof UnsupportedFeatureError) continue;
          throw new Error(`${(e as Error).message}\nStack:\n${g.yaml}`);
        }
      }
      expect(done).toBe(RANDOM_STACKS);
    });
  }

  it("every ejected program type-checks against the installed Pulumi SDKs (strict, no any)", async () => {
    expect(written.length).toBeGreaterThan(CLOUDS.length);
    for (const d of written) expect(readFileSync(join(d, "index.ts"), "utf8")).not.toMatch(/\bany\b(?![-\w])|as unknown/);
    expect(await typeCheck(written, dir)).toBe("");
  }, 300_000);
});
