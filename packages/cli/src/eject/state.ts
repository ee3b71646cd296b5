/**
 * A deployed stack's state, as `pulumi stack export` writes it: what eject
 * checks the program against (every deployed resource kept, none created) and
 * where it takes the deployed value of an input it cannot trace.
 * Format: https://www.pulumi.com/docs/iac/concepts/state-and-backends/ (checkpoint `deployment.resources`).
 */
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { InputError } from "../errors";
import type { ProgramResource } from "./model";
import { parseUrn } from "./urns";

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

/**
 * Check the program against the deployed stack (the values eject cannot trace
 * are taken from it while the program is built). Problems: the state is
 * another stack's, or holds cloud resources the program does not register
 * (`pulumi up` would delete them). A planned resource the stack does not have
 * yet is a note (it would be created).
 */
export function checkDeployedState(resources: ProgramResource[], deployed: DeployedState, realUrns: ReadonlyMap<string, string>, notes: string[]): string[] {
  const problems: string[] = [];
  const claimed = new Set<string>();
  const anyUrn = [...realUrns.values()][0];
  const prefix = anyUrn ? anyUrn.slice(0, anyUrn.indexOf("::", anyUrn.indexOf("::") + 2) + 2) : "";
  if (deployed.size && prefix && ![...deployed.keys()].some((u) => u.startsWith(prefix))) {
    const other = parseUrn([...deployed.keys()][0] as string);
    const wanted = parseUrn(anyUrn as string);
    problems.push(`--state is Pulumi stack "${other?.stack}" of project "${other?.project}", but the plan is stack "${wanted?.stack}" of project "${wanted?.project}": give --stack ${other?.stack} or the state of stack ${wanted?.stack}`);
    return problems;
  }
  for (const r of resources) {
    const urn = realUrns.get(r.plan.urn) as string;
    if (deployed.has(urn)) claimed.add(urn);
    else notes.push(`${r.plan.name} (${r.plan.type}) is not in the deployed stack (${urn}): \`pulumi up\` will create it. Was the stack's last \`pulumi up\` made with this version of Freehold?`);
  }
  for (const [urn, d] of deployed) {
    if (claimed.has(urn)) continue;
    problems.push(`the deployed stack has ${d.type} "${parseUrn(urn)?.name ?? urn}" (${urn}), which the program would not register, so \`pulumi up\` would delete it: run \`pulumi up\` with Freehold first, so that the stack is what Freehold plans now`);
  }
  return problems;
}
