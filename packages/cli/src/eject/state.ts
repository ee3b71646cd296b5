/**
 * A deployed stack's state, as `pulumi stack export` writes it: what eject
 * checks the program against (every deployed resource kept, none created) and
 * where it takes the deployed value of an input it cannot trace.
 * Format: https://www.pulumi.com/docs/iac/concepts/state-and-backends/ (checkpoint `deployment.resources`).
 */
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { InputError } from "../errors";

const DeployedResourceSpec = z.object({
  urn: z.string().min(1),
  type: z.string().min(1),
  custom: z.boolean().optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
});

const StateSpec = z.object({
  version: z.number().optional(),
  deployment: z.object({ resources: z.array(DeployedResourceSpec).optional() }),
});

export type DeployedResource = z.infer<typeof DeployedResourceSpec>;

/** The cloud resources of a deployed stack by URN (the stack, components and providers left out). */
export type DeployedState = Map<string, DeployedResource>;

/** Read a `pulumi stack export` file; every problem with it in one InputError. */
export function readDeployedState(file: string, flag = "--state"): DeployedState {
  if (!existsSync(file)) throw new InputError(`${flag}: ${file}: no such file. Write it with \`pulumi stack export --file ${file}\` in the Freehold project.`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(`${flag}: ${file} is not JSON (${(e as Error).message}); give the file \`pulumi stack export\` writes.`);
  }
  const parsed = StateSpec.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new InputError(`${flag}: ${file} is not a \`pulumi stack export\` file:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  const state: DeployedState = new Map();
  for (const r of parsed.data.deployment.resources ?? []) {
    if (r.custom === false || r.type.startsWith("pulumi:providers:") || r.type === "pulumi:pulumi:Stack") continue;
    state.set(r.urn, r);
  }
  return state;
}
