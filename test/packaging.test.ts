/**
 * What an installed package says about itself, and what the command loads
 * from a user's project.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { npmVersion } from "../packages/cli/src/eject/sdk";
import { sdkFor } from "../packages/cli/src/plan/worker";
import { ROOT } from "./cli-helpers";

const REPO = "https://github.com/freehold-cloud/freehold";
type PackageJson = {
  name: string;
  repository?: { type: string; url: string; directory?: string };
  homepage?: string;
  bugs?: { url: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
const read = (file: string) => JSON.parse(readFileSync(file, "utf8")) as PackageJson;
const dirs = (parent: string) =>
  readdirSync(join(ROOT, parent), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `${parent}/${d.name}`);

describe("every package.json says where the project lives", () => {
  const ours = ["", ...dirs("packages"), "examples/crown-marketplace"];
  for (const dir of ours) {
    it(`${dir || "the workspace root"} has repository, homepage and bugs (the README's links resolve against them)`, () => {
      const pkg = read(join(ROOT, dir, "package.json"));
      expect(pkg.repository).toEqual({ type: "git", url: `git+${REPO}.git`, ...(dir ? { directory: dir } : {}) });
      expect(pkg.homepage).toBe(dir ? `${REPO}/tree/main/${dir}#readme` : `${REPO}#readme`);
      expect(pkg.bugs).toEqual({ url: `${REPO}/issues` });
    });
  }
});

describe("a package README read on npm", () => {
  for (const dir of dirs("packages")) {
    it(`${dir}/README.md links into the repository with absolute links to files that exist`, () => {
      const text = readFileSync(join(ROOT, dir, "README.md"), "utf8");
      const links = [...text.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1] as string);
      expect(links.filter((l) => !/^https:\/\//.test(l))).toEqual([]);
      for (const l of links.filter((x) => x.startsWith(`${REPO}/blob/main/`))) expect(existsSync(join(ROOT, l.slice(`${REPO}/blob/main/`.length))), l).toBe(true);
      // A doc named in prose is a link, not a path the reader must find.
      expect(text.replace(/\[[^\]]*\]\([^)]*\)/g, "").match(/docs\/[\w-]+\.md/g) ?? []).toEqual([]);
    });
  }
});

describe("@freehold/cli plans a program on the project's own Pulumi SDK", () => {
  it("takes @pulumi/pulumi as a peer dependency, as @freehold/core does, so a project has one copy", () => {
    const cli = read(join(ROOT, "packages", "cli", "package.json"));
    const core = read(join(ROOT, "packages", "core", "package.json"));
    expect(cli.dependencies?.["@pulumi/pulumi"]).toBeUndefined();
    expect(cli.peerDependencies?.["@pulumi/pulumi"]).toBe(core.peerDependencies?.["@pulumi/pulumi"]);
  });

  const project = mkdtempSync(join(tmpdir(), "freehold-sdk-"));
  afterAll(() => rmSync(project, { recursive: true, force: true }));
  const fake = (pkg: string, files: Record<string, string>) => {
    for (const [file, text] of Object.entries({ "package.json": JSON.stringify({ name: pkg, version: "3.999.0", main: "index.js" }), ...files })) {
      mkdirSync(dirname(join(project, "node_modules", pkg, file)), { recursive: true });
      writeFileSync(join(project, "node_modules", pkg, file), text);
    }
  };

  it("loads core, the SDK core loads (whose warnings the plan collects) and typescript from the program's node_modules", () => {
    fake("@freehold/core", { "index.js": "" });
    fake("@pulumi/pulumi", { "index.js": "", "log/index.js": "" });
    fake("typescript", { "index.js": "" });
    const sdk = sdkFor({ kind: "program", dir: project, entry: join(project, "index.ts"), project: "shop", config: {}, stack: "dev" });
    expect(sdk).toEqual({
      core: join(project, "node_modules", "@freehold", "core", "index.js"),
      pulumiLog: join(project, "node_modules", "@pulumi", "pulumi", "log", "index.js"),
      typescript: join(project, "node_modules", "typescript", "index.js"),
    });
  });

  it("uses its own copies for a stack file", () => {
    const sdk = sdkFor({ kind: "stack", file: join(project, "freehold.yaml"), text: "", stack: "dev" });
    expect(sdk.core).toBe(require.resolve("@freehold/core"));
    expect(sdk.pulumiLog).toBe(require.resolve("@pulumi/pulumi/log", { paths: [dirname(require.resolve("@freehold/core"))] }));
  });
});

describe("an ejected package.json names versions npm accepts", () => {
  // npm's exact versions (https://docs.npmjs.com/cli/v10/configuring-npm/package-json#dependencies): no leading "v".
  const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

  it("drops the leading v some Pulumi packages write in their own version (@pulumiverse/time: v0.1.1)", () => {
    expect(npmVersion("v0.1.1")).toBe("0.1.1");
    expect(npmVersion("7.48.0")).toBe("7.48.0");
    expect(npmVersion(undefined)).toBe("*");
  });

  for (const dir of dirs("examples").filter((d) => d.includes("-ejected-"))) {
    it(`${dir}/package.json pins every dependency to an exact version`, () => {
      const pkg = read(join(ROOT, dir, "package.json"));
      const versions = { ...pkg.dependencies, ...pkg.devDependencies };
      expect(Object.keys(versions)).toEqual(expect.arrayContaining(["@pulumi/pulumi", "@pulumi/random", "@pulumiverse/time"]));
      expect(Object.entries(versions).filter(([, v]) => !EXACT.test(v))).toEqual([]);
    });
  }
});
