import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stackJsonSchema } from "./jsonschema";

describe("freehold.schema.json", () => {
  it("is the committed output of the zod schemas (run `npm run schema` after changing them)", () => {
    const committed = JSON.parse(readFileSync(join(__dirname, "..", "freehold.schema.json"), "utf8"));
    expect(committed).toEqual(stackJsonSchema());
  });

  it("describes components by kind and rejects unknown keys", () => {
    const schema = stackJsonSchema() as { additionalProperties?: boolean; properties: Record<string, unknown> };
    expect(schema.additionalProperties).toBe(false);
    expect(JSON.stringify(schema.properties.components)).toContain('"web-service"');
  });
});
