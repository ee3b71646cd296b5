/**
 * Docs, READMEs and help text speak to users: what and why, with sources.
 * Nothing in them may refer to the project's own history (issue numbers,
 * briefs, hand-offs between changes): a user cannot follow such a reference.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./cli-helpers";

/** What a user cannot follow, each with why it is refused. */
const INTERNAL: Array<{ pattern: RegExp; what: string }> = [
  { pattern: /\bissues? #?\d+/i, what: "an issue number" },
  // "#3" as a reference, not a Markdown anchor ("page#section") or an HTML entity ("&#39;").
  { pattern: /(^|[^\w/&#])#\d+\b/, what: "an issue or item number" },
  { pattern: /\bbriefs?\b|\bbrief's\b/i, what: "the project's brief" },
  { pattern: /\bhand-?offs?\b|\bhanded (it )?over\b/i, what: "a hand-off between people" },
  { pattern: /\b(belongs to|left for|owned by) (another|a later|a future|the next) (change|issue|engineer|branch|PR)\b/i, what: "another change's ownership" },
  { pattern: /\b(another|a later|a future|the next|this) (change|branch|PR|pull request|session)\b[^.]*\b(will|should|owns|belongs)\b/i, what: "another change's plans" },
  { pattern: /\bthe lead\b|\b(other|another) engineer/i, what: "the people working on the project" },
];

/** Every problem in `text`: the line and what it refers to. */
function internalReferences(text: string): string[] {
  const found: string[] = [];
  text.split("\n").forEach((line, i) => {
    // A link's target (a provider's own issue tracker, say) is a source, not the project's history.
    const prose = line.replace(/\]\([^)]*\)/g, "]()").replace(/https?:\/\/\S+/g, "");
    for (const { pattern, what } of INTERNAL) if (pattern.test(prose)) found.push(`line ${i + 1}: ${what}: ${line.trim().slice(0, 160)}`);
  });
  return found;
}

const readmes = (dir: string) =>
  readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(ROOT, dir, d.name, "README.md"))
    .filter((f) => {
      try {
        readFileSync(f);
        return true;
      } catch {
        return false;
      }
    });

const USER_FILES = [
  join(ROOT, "README.md"),
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => join(ROOT, "docs", f)),
  ...readmes("packages"),
  ...readmes("examples"),
];

describe("docs speak to users", () => {
  it("the check finds issue numbers, briefs and hand-offs, and leaves sources and anchors alone", () => {
    expect(internalReferences("with `ScopeLocked` (issue 14, #2). Instead")).toHaveLength(2);
    expect(internalReferences("## Decisions that differ from the brief")).toEqual([expect.stringContaining("the project's brief")]);
    expect(internalReferences("warnings, and packages/cli belongs to another change, so a warning it is")).toEqual([expect.stringContaining("another change's ownership")]);
    expect(internalReferences("| ok | fails (#27) |")).toHaveLength(1);
    expect(internalReferences("([provider issue](https://github.com/hashicorp/terraform-provider-google/issues/16275))")).toEqual([]);
    expect(internalReferences("[Health probes](https://learn.microsoft.com/azure/container-apps/health-probes#restrictions) and RFC 1034 §3.6.2")).toEqual([]);
    expect(internalReferences("Azure issues it only for a hostname already on an app")).toEqual([]);
  });

  it(`every doc, README and example README names no issue, brief or hand-off (${USER_FILES.length} files)`, () => {
    expect(USER_FILES.length).toBeGreaterThan(20);
    const problems = USER_FILES.flatMap((f) => internalReferences(readFileSync(f, "utf8")).map((p) => `${relative(ROOT, f)} ${p}`));
    expect(problems).toEqual([]);
  });

  it("every command's help text names no issue, brief or hand-off", async () => {
    // The built command, as a user runs it (its commands load lazily from dist).
    const { COMMANDS, main } = require(join(ROOT, "packages", "cli", "dist", "main.js")) as typeof import("../packages/cli/src/main");
    const out: string[] = [];
    const io = { out: (s: string) => void out.push(s), err: (s: string) => void out.push(s) };
    expect(await main(["--help"], io)).toBe(0);
    for (const c of COMMANDS) expect(await main([c.name, "--help"], io), c.name).toBe(0);
    const help = out.join("\n");
    for (const c of COMMANDS) expect(help).toContain(`freehold ${c.name}`);
    expect(internalReferences(help)).toEqual([]);
  });
});
