/** Test helpers: plan a stack on gcp under the mock runtime with this package's source backend. */
import { deployStack, type MockRun, type PlannedResource, registerBackend, runWithMocks } from "@freehold/core";
import { parseStack } from "@freehold/model";
import { backend } from "./index";

export async function plan(yaml: string): Promise<MockRun> {
  registerBackend(backend);
  return runWithMocks("gcp", () => deployStack(parseStack(yaml)), { config: { "freehold:tok": "secret-token" } });
}

export function one(run: MockRun, type: string, name?: string): PlannedResource {
  const found = run.resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (found.length !== 1) throw new Error(`expected one ${type} ${name ?? ""}, found ${found.length}: ${run.resources.map((r) => `${r.type}::${r.name}`).join(", ")}`);
  return found[0] as PlannedResource;
}

export function all(run: MockRun, type: string): PlannedResource[] {
  return run.resources.filter((r) => r.type === type);
}

