/** Test helpers: plan a stack on gcp under the mock runtime with this package's source backend. */
import { deployStack, type MockRun, type PlannedResource, registerBackend, runWithMocks } from "@freehold/core";
import { parseStack } from "@freehold/model";
import { backend } from "./index";

export async function plan(yaml: string): Promise<MockRun> {
  registerBackend(backend);
  return runWithMocks("gcp", () => deployStack(parseStack(yaml)), { config: { "freehold:tok": "secret-token" } });
}

/** Plan with the cloud answering one invoke as given (a throw is the provider's error); every other invoke as the mocks do. */
export async function planAnswering(yaml: string, token: string, answer: (inputs: Record<string, unknown>) => Record<string, unknown>): Promise<MockRun> {
  registerBackend({ ...backend, mocks: { ...backend.mocks, call: (t, inputs) => (t === token ? answer(inputs) : backend.mocks.call(t, inputs)) } });
  try {
    return await runWithMocks("gcp", () => deployStack(parseStack(yaml)), { config: { "freehold:tok": "secret-token" } });
  } finally {
    registerBackend(backend);
  }
}

export function one(run: MockRun, type: string, name?: string): PlannedResource {
  const found = run.resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (found.length !== 1) throw new Error(`expected one ${type} ${name ?? ""}, found ${found.length}: ${run.resources.map((r) => `${r.type}::${r.name}`).join(", ")}`);
  return found[0] as PlannedResource;
}

export function all(run: MockRun, type: string): PlannedResource[] {
  return run.resources.filter((r) => r.type === type);
}

