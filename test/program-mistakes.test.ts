/**
 * A program's own mistakes are reported as the user's to fix (exit 2, a
 * SpecError-type plan error), never as a bug in Freehold, and never planned
 * as if they were not there: components pinned to different clouds, asking a
 * component for another cloud's resources, an entry point that does not parse.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { planInProcess } from "@freehold/cli";
import { DEFAULT_ASSUMPTIONS } from "@freehold/core";
import type { Cloud } from "@freehold/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./cli-helpers";

const dir = join(ROOT, ".freehold-tmp", `program-mistakes-${process.pid}`);
const cwd = process.cwd();
beforeAll(() => mkdirSync(dir, { recursive: true }));
afterAll(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

/** Write a program (entry file name and text) and plan it on one cloud in this process. */
async function planProgram(name: string, entry: string, text: string, cloud: Cloud) {
  const program = join(dir, name);
  mkdirSync(program, { recursive: true });
  writeFileSync(join(program, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\n`);
  writeFileSync(join(program, entry), text);
  const target = { kind: "program" as const, dir: program, entry: join(program, entry), project: name, config: {}, stack: "dev" };
  return { program, plan: await planInProcess({ target, cloud, assumptions: DEFAULT_ASSUMPTIONS }) };
}

describe("a program with components on more than one cloud", () => {
  it("is refused (spec error, exit 2) naming each component's cloud and how to plan each half, not judged by one cloud's rules", async () => {
    const { plan } = await planProgram(
      "two-clouds",
      "index.js",
      'const { ObjectStore } = require("@freehold/core");\nnew ObjectStore("aws-files", {}, { cloud: "aws" });\nnew ObjectStore("gcp-files", {}, { cloud: "gcp" });\n',
      "aws",
    );
    expect(plan.error?.type).toBe("spec");
    expect(plan.error?.message).toContain("the program has components on 2 clouds (aws: aws-files; gcp: gcp-files)");
    expect(plan.error?.message).toContain("Plan each cloud's components as a program of its own (one Pulumi project per cloud, each choosing its cloud with `freehold:cloud`)");
    expect(plan.resources).toEqual([]);
  });

  it("pinned to one cloud, is not compared or moved to another: planned elsewhere it says so instead of inventing violations", async () => {
    const { plan } = await planProgram("pinned", "index.js", 'const { ObjectStore } = require("@freehold/core");\nnew ObjectStore("aws-files", {}, { cloud: "aws" });\n', "gcp");
    expect(plan.error?.type).toBe("spec");
    expect(plan.error?.message).toBe(
      "every component is pinned to aws by its `cloud` option (aws: aws-files), so the program cannot be planned on gcp: a pinned component is not compared across clouds or moved by an exit plan. Plan it with --cloud aws; to compare it or plan an exit, remove the `cloud` option and choose the cloud with `pulumi config set freehold:cloud aws`.",
    );
  });
});

describe("a program's own mistakes are the user's to fix", () => {
  it("resourcesOn(another cloud) is a spec error naming the component, not an internal error", async () => {
    const { plan } = await planProgram("wrong-cloud", "index.js", 'const { ObjectStore } = require("@freehold/core");\nconst files = new ObjectStore("files", {});\nfiles.resourcesOn("gcp");\n', "aws");
    expect(plan.error?.type).toBe("spec");
    expect(plan.error?.message).toBe('component "files" has 1 problem:\n  - resourcesOn("gcp"): this object-store is deployed on aws, not gcp: use resourcesOn("aws")');
  });

  it("a TypeScript entry point that does not parse is refused naming the file, line and syntax error", async () => {
    const { program, plan } = await planProgram("unparsed", "index.ts", 'import { ObjectStore } from "@freehold/core";\nnew ObjectStore("files", {});\nexport function f() {\n  return 1;\n', "aws");
    expect(plan.error?.type).toBe("spec");
    expect(plan.error?.message).toBe(`${join(program, "index.ts")} does not parse (1 syntax error):\n  - ${join(program, "index.ts")}:5:1: '}' expected.`);
  });
});
