/** The lifecycle suite for one cloud: every conformance stack, every scenario, checked against known.ts and docs/lifecycle.md. */
import { readFileSync } from "node:fs";
import { type Cloud, parseStack } from "@freehold/model";
import { beforeAll, describe, expect, it } from "vitest";
import { cell, DOC_PATH } from "./docs";
import { knownFailure } from "./known";
import { scenariosFor } from "./scenarios";
import { CONFORMANCE_STACKS } from "./stacks";
import { runStack, type StackResult } from "./suite";

const COLUMN: Record<Cloud, number> = { aws: 3, azure: 4, gcp: 5 };

/** The outcome cells docs/lifecycle.md shows, by stack title and scenario title. */
function documented(cloud: Cloud): Map<string, string> {
  const cells = new Map<string, string>();
  let stack = "";
  for (const line of readFileSync(DOC_PATH, "utf8").split("\n")) {
    if (!line.startsWith("| ") || line.startsWith("| Stack") || line.startsWith("| ---")) continue;
    const parts = line.split("|").slice(1, -1).map((p) => p.trim());
    if (parts.length !== 6) continue;
    if (parts[0]) stack = (parts[0] as string).replace(/\*\*/g, "");
    cells.set(`${stack}/${parts[1]}`, parts[COLUMN[cloud]] as string);
  }
  return cells;
}

export function describeLifecycle(cloud: Cloud): void {
  describe(`the life of a stack on ${cloud}`, () => {
    const docs = documented(cloud);
    for (const [title, text] of Object.entries(CONFORMANCE_STACKS)) {
      describe(title, () => {
        const base = parseStack(text);
        let result: StackResult;
        beforeAll(async () => {
          result = await runStack(text, cloud);
        }, 600_000);

        for (const s of scenariosFor(base)) {
          it(`${s.id}: ${s.title}`, () => {
            const failedFirst = new Set(result.first.outcome === "ok" ? [] : [title]);
            const known = knownFailure(cloud, title, s.id, failedFirst);
            const got = result.scenarios.find((x) => x.id === s.id);
            if (known) expect(got?.problem, `listed as failing (issue ${known.issue}) but it passes now: remove it from packages/lifecycle/src/known.ts`).toBeDefined();
            else expect(got?.problem).toBeUndefined();
          });
        }

        it("docs/lifecycle.md shows these outcomes (npm run docs writes it)", () => {
          const stale = scenariosFor(base)
            .map((s) => ({ s, want: cell(cloud, title, result, s.id), shown: docs.get(`${title}/${s.title}`) }))
            .filter((x) => x.want !== x.shown)
            .map((x) => `${x.s.id}: ${x.shown ?? "missing"} -> ${x.want}`);
          expect(stale).toEqual([]);
        });
      });
    }
  });
}
