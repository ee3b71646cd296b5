import { FEATURES } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { TSCONFIG } from "../packages/cli/src/eject/files";

const { render } = require("../scripts/docs-capabilities.cjs") as { render(cloud: string): { text: string; next: string } };
const prices = require("../scripts/docs-prices.cjs") as { render(cloud: string): { text: string; next: string } };

describe("per-cloud docs", () => {
  for (const cloud of ["aws", "azure", "gcp"]) {
    it(`docs/${cloud}.md shows the ${cloud} backend's own capability table (run npm run docs after changing it)`, () => {
      const { text, next } = render(cloud);
      expect(text).toBe(next);
      for (const feature of Object.keys(FEATURES)) expect(text).toContain(`| \`${feature}\` |`);
    });

    it(`docs/${cloud}.md shows the ${cloud} backend's own price table and pricing rules (run npm run docs after changing them)`, () => {
      const { text, next } = prices.render(cloud);
      expect(text).toBe(next);
      expect(text).not.toMatch(/togen|testdata/i);
    });
  }
});

describe("docs/reference.md", () => {
  it("is generated from the model's schemas (run npm run docs after changing them)", () => {
    const { readFileSync } = require("node:fs") as typeof import("node:fs");
    const { render, FILE } = require("../scripts/docs-reference.cjs") as { render(): string; FILE: string };
    const text = readFileSync(FILE, "utf8");
    expect(text).toBe(render());
    for (const kind of ["web-service", "database", "object-store"]) expect(text).toContain(`## \`${kind}\``);
    expect(text).toMatch(/\| `storageGiB` \| integer \(>= 20, <= 16384\) \| `20` \| Storage, GiB\. \|/);
  });

  it("lists the fields of every object form a field may take: a link's access, an explicit size", () => {
    const { render } = require("../scripts/docs-reference.cjs") as { render(): string };
    const text = render();
    expect(text).toContain("| `links[].to` | string (up to 24 chars) | required | The linked component's name. |");
    expect(text).toContain("| `links[].access` | `read`, `write`, `readWrite` | `\"readWrite\"` | Access granted. |");
    expect(text).toContain("| `size.cpu` | number (>= 0.25, <= 16) | required | vCPUs requested. |");
    expect(text).toContain("| `size.memoryGiB` | number (>= 1, <= 768) | required | Memory requested, GiB. |");
  });
});

describe("docs/testing.md", () => {
  it("shows the example's own tests, as they are (they run in npm test)", () => {
    const { readFileSync } = require("node:fs") as typeof import("node:fs");
    const { join } = require("node:path") as typeof import("node:path");
    const doc = readFileSync(join(__dirname, "..", "docs", "testing.md"), "utf8");
    const example = readFileSync(join(__dirname, "..", "examples", "crown-marketplace", "index.test.ts"), "utf8");
    expect(doc).toContain(`\`\`\`ts\n${example}\`\`\``);
  });

  it("shows plan()'s options as the example's options test has them, and they are what freehold plan . reads from Pulumi.yaml", () => {
    const { readFileSync } = require("node:fs") as typeof import("node:fs");
    const { join } = require("node:path") as typeof import("node:path");
    const { resolveTarget } = require("@freehold/cli") as typeof import("@freehold/cli");
    const dir = join(__dirname, "..", "examples", "crown-marketplace");
    const doc = readFileSync(join(__dirname, "..", "docs", "testing.md"), "utf8");
    const test = readFileSync(join(dir, "options.test.ts"), "utf8");
    expect(doc).toContain(`\`\`\`ts\n${test}\`\`\``);
    const target = resolveTarget(dir, "prod");
    expect(target).toMatchObject({ kind: "program", project: "crown-marketplace", stack: "prod" });
    const config = (target as { config: Record<string, string> }).config;
    expect(test).toContain(`project: "crown-marketplace"`);
    expect(test).toContain(`stack: "prod"`);
    expect(test).toContain(`"freehold:region": "${config["freehold:region"]}"`);
    expect(test).toContain(`"freehold:residency": "${config["freehold:residency"]}"`);
    expect(JSON.parse(config["freehold:tags"] ?? "{}")).toEqual({ service: "crown-marketplace", owner: "digital-marketplace-team" });
    expect(test).toContain(`"freehold:tags": JSON.stringify({ service: "crown-marketplace", owner: "digital-marketplace-team" })`);
  });

  it("shows the example's two tsconfigs as they are: Pulumi's template for the program, and the one npm run lint checks the tests with", () => {
    const { readFileSync } = require("node:fs") as typeof import("node:fs");
    const { join } = require("node:path") as typeof import("node:path");
    const dir = join(__dirname, "..", "examples", "crown-marketplace");
    const doc = readFileSync(join(__dirname, "..", "docs", "testing.md"), "utf8");
    const program = readFileSync(join(dir, "tsconfig.json"), "utf8");
    const tests = readFileSync(join(dir, "tsconfig.test.json"), "utf8");
    expect(JSON.parse(program)).toEqual(JSON.parse(TSCONFIG));
    expect(doc).toContain(`\`\`\`json\n${program}\`\`\``);
    expect(doc).toContain(`\`\`\`json\n${tests}\`\`\``);
    const lint = (JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.lint;
    expect(lint).toContain("tsc -p examples/crown-marketplace/tsconfig.test.json");
  });
});

describe("docs/providers.md", () => {
  it("shows each cloud's explicit-provider recipe as it is (examples/explicit-providers, planned in npm test)", () => {
    const { readFileSync } = require("node:fs") as typeof import("node:fs");
    const { join } = require("node:path") as typeof import("node:path");
    const doc = readFileSync(join(__dirname, "..", "docs", "providers.md"), "utf8");
    for (const cloud of ["aws", "azure", "gcp"]) {
      const recipe = readFileSync(join(__dirname, "..", "examples", "explicit-providers", `${cloud}.ts`), "utf8");
      expect(doc).toContain(`\`\`\`ts\n${recipe}\`\`\``);
      for (const pkg of ["@pulumi/random", "@pulumiverse/time"]) expect(recipe).toContain(pkg);
    }
  });
});
