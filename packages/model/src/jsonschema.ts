import { z } from "zod";
import { StackSpec } from "./schema";

/** JSON Schema for freehold.yaml, generated from the zod schema (input side: what a person writes). */
export function stackJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(StackSpec, { io: "input", target: "draft-2020-12", unrepresentable: "any" }),
    $id: "freehold.schema.json",
  };
}
