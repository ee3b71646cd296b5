/**
 * `@freehold/core/testing`: unit-test a Pulumi program that uses Freehold, in
 * vitest, mocha or jest, without a cloud or the Pulumi CLI (docs/testing.md).
 *
 * - `plan(cloud, program)` runs the program under Pulumi's mock runtime and
 *   returns every resource it registers (type, name, inputs, options, provider),
 *   the Freehold components and the stack outputs: assert on them.
 * - `setFreeholdMocks(cloud)` is the Pulumi-docs style: it sets the mocks (with
 *   the backend's plausible outputs) and `freehold:cloud`; import the program after it.
 */
import * as pulumi from "@pulumi/pulumi";
import { type Cloud, defaultUsage, parseStack, type Usage } from "@freehold/model";
import { deployStack } from "./deploy";
import { type PricedRun, priceRun } from "./prices";
import type { BackendMocks } from "./backend";
import { loadBackend, mocksByPackage } from "./loader";
import { type MockRun, type MockRunOptions, runWithMocks } from "./plan";

export type { MockRun, MockRunOptions, PlannedOptions, PlannedResource } from "./plan";

/**
 * Run `program` (a function that creates the program's resources, or imports
 * the program's module) under mocks for one cloud and record what it registers.
 * Runs are independent: call it once per cloud or per case.
 *
 * @example
 * const run = await plan("aws", () => require("../index"));
 * const db = run.resources.find((r) => r.type === "aws:rds/instance:Instance");
 * expect(db?.inputs.storageEncrypted).toBe(true);
 */
export function plan(cloud: Cloud, program: () => unknown | Promise<unknown>, options: MockRunOptions = {}): Promise<MockRun> {
  return runWithMocks(cloud, program, options);
}

/** Pulumi mocks that answer like the chosen cloud (plausible ids, ARNs, endpoints) for Freehold's resources and invokes. */
export function freeholdMocks(cloud: Cloud): pulumi.runtime.Mocks {
  const mocks: BackendMocks = mocksByPackage(loadBackend(cloud));
  return {
    newResource(args) {
      const fallbackId = args.custom === false ? "" : `${args.name}-id`;
      const extra = mocks.outputs(args.type, args.name, args.inputs as Record<string, unknown>, fallbackId);
      const id = typeof extra.id === "string" && extra.id ? extra.id : fallbackId;
      return { id, state: { ...args.inputs, ...extra } };
    },
    call(args) {
      return mocks.call(args.token, args.inputs as Record<string, unknown>);
    },
  };
}

/**
 * Set Pulumi's mocks for a cloud and choose that cloud for Freehold
 * components (`freehold:cloud`), as Pulumi's unit-testing guide does with
 * `pulumi.runtime.setMocks`; import the program under test afterwards.
 *
 * @example
 * beforeAll(async () => {
 *   await setFreeholdMocks("azure");
 *   infra = await import("../index");
 * });
 */
export async function setFreeholdMocks(cloud: Cloud, options: Pick<MockRunOptions, "project" | "stack" | "config"> = {}): Promise<void> {
  pulumi.runtime.setAllConfig({ ...options.config, "freehold:cloud": cloud }, []);
  // The same defaults as plan(), so both give the same names.
  await pulumi.runtime.setMocks(freeholdMocks(cloud), options.project ?? "freehold", options.stack ?? "dev", false);
}

/**
 * Plan a stack file's text on one cloud and price it as `freehold plan` does:
 * each component's cost lines by name, the shared platform's, and how the region was priced.
 *
 * @example
 * const { components } = await planCost("aws", "name: s\ncomponents:\n  files: { kind: object-store }");
 * expect(components.get("files")?.map((l) => l.item)).toContain("S3 GET requests");
 */
export async function planCost(cloud: Cloud, stackText: string, usage: Usage = defaultUsage()): Promise<PricedRun & { run: MockRun }> {
  const stack = parseStack(stackText);
  const run = await runWithMocks(cloud, () => deployStack(stack, { cloud }).outputs, { project: stack.name });
  return { ...priceRun(loadBackend(cloud).pricing, run, usage), run };
}
