/**
 * Plans for the simulated Azure made with what the program reads from Azure at deploy time (the Azure backend's
 * live.ts: an app's hostnames, a server's disk size and subnet, where the stack's network is) set in the backend's mocks. Cached by spec and cloud state
 * together (the same spec plans differently against a different cloud), each caller getting its own copy.
 */
import { mockCloud } from "@freehold/azure";
import { deployStack, runWithMocks } from "@freehold/core";
import { type NeutralRegion, parseStack, resolveRegion } from "@freehold/model";
import type { PlanInput } from "./engine";

export interface AzureCloudNow {
  /** Container app name -> its hostnames. */
  apps?: Record<string, string[]>;
  /** Flexible server name -> its disk size, GiB. */
  servers?: Record<string, number>;
  /** Flexible server name -> the ARM id of its delegated subnet. */
  serverSubnets?: Record<string, string>;
  /** Virtual networks, as `<resource group>/<virtual network name>`. */
  virtualNetworks?: string[];
}

const cache = new Map<string, Promise<PlanInput>>();

export async function plannedOnAzure(yaml: string, now: AzureCloudNow = {}): Promise<PlanInput> {
  const key = JSON.stringify([yaml, now.apps ?? {}, now.servers ?? {}, now.serverSubnets ?? {}, now.virtualNetworks ?? []]);
  let plan = cache.get(key);
  if (!plan) {
    plan = planOnce(yaml, now);
    cache.set(key, plan);
  }
  return structuredClone(await plan);
}

async function planOnce(yaml: string, now: AzureCloudNow): Promise<PlanInput> {
  mockCloud.clear();
  for (const [k, v] of Object.entries(now.apps ?? {})) mockCloud.containerApps.set(k, v);
  for (const [k, v] of Object.entries(now.servers ?? {})) mockCloud.servers.set(k, v);
  for (const [k, v] of Object.entries(now.serverSubnets ?? {})) mockCloud.serverSubnets.set(k, v);
  for (const v of now.virtualNetworks ?? []) mockCloud.virtualNetworks.add(v);
  try {
    const stack = parseStack(yaml);
    const run = await runWithMocks("azure", () => deployStack(stack, { cloud: "azure" }).outputs, { project: stack.name, stack: "dev" });
    return { cloud: "azure", region: resolveRegion("azure", stack.region as NeutralRegion, stack.regions)?.region ?? "", resources: run.resources, invokes: run.invokes };
  } finally {
    mockCloud.clear();
  }
}
