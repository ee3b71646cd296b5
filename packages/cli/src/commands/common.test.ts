import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { Target } from "../plan/target";
import { cloudOverrideWarning, shownPath } from "./common";

const program = (config: Record<string, string>): Target => ({ kind: "program", dir: "/p", entry: "/p/index.ts", project: "p", config, stack: "prod" });

describe("--cloud against the program's freehold:cloud config", () => {
  it("warns naming both clouds when they differ", () => {
    expect(cloudOverrideWarning(program({ "freehold:cloud": "aws" }), "gcp")).toBe(
      "freehold: warning: --cloud gcp overrides the program's freehold:cloud config, aws (Pulumi.yaml or Pulumi.prod.yaml): this is a plan for gcp, while `pulumi up` of stack prod would deploy components without a `cloud` option to aws.\n",
    );
  });

  it("says nothing when they agree, when the program sets no cloud, or for a stack file", () => {
    expect(cloudOverrideWarning(program({ "freehold:cloud": "gcp" }), "gcp")).toBeUndefined();
    expect(cloudOverrideWarning(program({}), "gcp")).toBeUndefined();
    expect(cloudOverrideWarning({ kind: "stack", file: "/s.yaml", text: "", stack: "dev" }, "gcp")).toBeUndefined();
  });
});

describe("paths shown to the user", () => {
  it("are relative inside the working directory and absolute outside it", () => {
    expect(shownPath(join(process.cwd(), "out", "index.ts"))).toBe(join("out", "index.ts"));
    expect(shownPath(process.cwd())).toBe(".");
    expect(shownPath(resolve(process.cwd(), "..", "elsewhere", "index.ts"))).toBe(resolve(process.cwd(), "..", "elsewhere", "index.ts"));
  });
});
