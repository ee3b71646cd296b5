import { FEATURES } from "@freehold/model";
import { describe, expect, it } from "vitest";

const { render } = require("../scripts/docs-capabilities.cjs") as { render(cloud: string): { text: string; next: string } };

describe("per-cloud docs", () => {
  for (const cloud of ["aws", "azure", "gcp"]) {
    it(`docs/${cloud}.md shows the ${cloud} backend's own capability table (run npm run docs after changing it)`, () => {
      const { text, next } = render(cloud);
      expect(text).toBe(next);
      for (const feature of Object.keys(FEATURES)) expect(text).toContain(`| \`${feature}\` |`);
    });
  }
});
