/**
 * Plans for the simulator: a stack spec planned for one cloud and Pulumi
 * stack under Pulumi's mock runtime, exactly as `freehold plan` does, cached
 * by everything that decides the plan (scenarios plan the same spec often).
 */
import { deployStack, runWithMocks } from "@freehold/core";
import { type Cloud, type NeutralRegion, resolveRegion, type Stack } from "@freehold/model";
import type { PlanInput } from "./engine";

export type Planned = { ok: true; plan: PlanInput } | { ok: false; error: string };

const cache = new Map<string, Planned>();

/** Plan a stack for a cloud and Pulumi stack; a spec the cloud refuses comes back as its error, not a throw. */
export async function planStack(stack: Stack, cloud: Cloud, pulumiStack: string, config: Record<string, string> = {}): Promise<Planned> {
  const key = JSON.stringify([stack, cloud, pulumiStack, config]);
  const hit = cache.get(key);
  if (hit) return hit;
  let planned: Planned;
  try {
    const run = await runWithMocks(cloud, () => deployStack(stack, { cloud }).outputs, { project: stack.name, stack: pulumiStack, config });
    const region = resolveRegion(cloud, stack.region as NeutralRegion, stack.regions)?.region ?? "";
    planned = { ok: true, plan: { cloud, region, resources: run.resources, invokes: run.invokes } };
  } catch (e) {
    planned = { ok: false, error: errorText(e) };
  }
  cache.set(key, planned);
  return planned;
}

function errorText(e: unknown): string {
  let cur = e as { message?: string; cause?: unknown; innerError?: unknown } | undefined;
  for (let i = 0; i < 5 && cur; i++) {
    const name = (cur as Error).name;
    if (name === "SpecError" || name === "UnsupportedFeatureError" || name === "CloudChoiceError") return String(cur.message);
    cur = (cur.cause ?? cur.innerError) as typeof cur;
  }
  return String((e as Error)?.message ?? e);
}
