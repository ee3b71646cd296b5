import { z } from "zod";
import { StackSpec } from "./schema";

/**
 * JSON Schema for freehold.yaml, generated from the zod schema: the input side
 * (what a person writes) by default, or the output side (defaults filled in).
 */
export function stackJsonSchema(io: "input" | "output" = "input"): Record<string, unknown> {
  return {
    ...z.toJSONSchema(StackSpec, { io, target: "draft-2020-12", unrepresentable: "any" }),
    $id: "freehold.schema.json",
  };
}
