/**
 * The README's program, exactly as printed, plans on every cloud: a default the
 * user did not write never makes a cloud refuse the stack.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Plan } from "@freehold/cli";
import { CLOUDS } from "@freehold/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freehold, ROOT } from "./cli-helpers";

/** The first TypeScript block of the README. */
function readmeProgram(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const m = /```ts\n([\s\S]*?)```/.exec(readme);
  if (!m?.[1]) throw new Error("README.md has no ```ts block");
  return m[1];
}

// Inside the repository, so the program resolves @freehold/* from its node_modules as an installed program would.
const dir = join(ROOT, ".freehold-tmp", `readme-${process.pid}`);

beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "Pulumi.yaml"), "name: readme\nruntime: nodejs\n");
  writeFileSync(join(dir, "index.ts"), readmeProgram());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the README's program, as printed", () => {
  for (const cloud of CLOUDS) {
    it(`plans on ${cloud} with every component, and shows the read-only filesystem as a difference where the cloud has none`, async () => {
      const r = await freehold(["plan", dir, "--cloud", cloud, "--format", "json"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const plan = JSON.parse(r.stdout) as Plan;
      expect(plan.error).toBeUndefined();
      expect(plan.components.map((c) => `${c.name}:${c.kind}`).sort()).toEqual(["db:database", "uploads:object-store", "web:web-service"]);
      const readOnly = plan.components.find((c) => c.name === "web")?.features.find((f) => f.feature === "web-service.read-only-root-filesystem");
      expect(readOnly).toMatchObject({ preferred: true, support: cloud === "aws" ? "full" : "none" });
    });
  }
});
