/**
 * docs/lifecycle.md's rule-book half is made from the rule book alone, so it can be checked in milliseconds: the
 * scenario half needs every stack run on every cloud (minutes, `npm run docs`). Twice a review found the page behind
 * the rule book's notes; this stops that. `npm run docs:rules` rewrites that half alone, in seconds.
 */
import { readFileSync } from "node:fs";
import { CLOUDS } from "@freehold/model";
import { PLAN_RULES, RULES } from "@freehold/rules";
import { describe, expect, it } from "vitest";
import { DOC_PATH, rulesSection } from "./docs";

describe("docs/lifecycle.md carries the rule book as it is now", () => {
  const page = readFileSync(DOC_PATH, "utf8");

  it.each(CLOUDS)("every rule, note and source of %s (else: npm run docs:rules)", (cloud) => {
    const section = rulesSection(RULES[cloud]).join("\n");
    const behind = section.split("\n").filter((line) => !page.includes(line));
    expect(behind, `docs/lifecycle.md is behind the rule book for ${cloud}: run npm run docs:rules (seconds)`).toEqual([]);
    expect(page.includes(section)).toBe(true);
  });

  it("every whole-plan rule (else: npm run docs:rules)", () => {
    for (const r of Object.values(PLAN_RULES)) expect(page).toContain(`([source](${r.source}))`);
  });
});
