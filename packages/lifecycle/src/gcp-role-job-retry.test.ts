/**
 * Google Cloud: the database role job's execution fails once (it started before the database's Private Service Connect
 * endpoint existed), the user fixes the cause and runs a plain `pulumi up` again. Pulumi keeps a job whose execution
 * failed with its new settings and token (a partial failure), so the retry must draw a new token: the program reads
 * the deployed job (the `google_cloud_run_v2_job` data source), here answered from the simulated cloud.
 */
import { deployStack, loadBackend, registerBackend, runWithMocks } from "@freehold/core";
import { parseStack, type Stack } from "@freehold/model";
import { gcpDeployedJob, RULES } from "@freehold/rules";
import { describe, expect, it } from "vitest";
import { type PlanInput, World } from "./engine";
import { CONFORMANCE_STACKS } from "./stacks";

const GET_JOB = "gcp:cloudrunv2/getJob:getJob";
const JOB = "gcp:cloudrunv2/job:Job";
const THROWAWAY = parseStack(CONFORMANCE_STACKS["throwaway stack without deletion protection"] as string);
const REGION = "europe-west2";

/** Plan the stack as `pulumi up` runs the program: the role job's read answered by the simulated cloud. */
async function planFrom(world: World, spec: Stack): Promise<PlanInput> {
  const original = loadBackend("gcp");
  const answer = (inputs: Record<string, unknown>) => {
    const name = String(inputs.name);
    const found = gcpDeployedJob(world.objectsOf("gcp"), name, String(inputs.location));
    if (found) return found;
    const text = `invoking ${GET_JOB}: projects/p/locations/${String(inputs.location)}/jobs/${name} not found`;
    throw Object.assign(new Error(text), { details: text });
  };
  registerBackend({ ...original, mocks: { ...original.mocks, call: (token, args) => (token === GET_JOB ? answer(args) : original.mocks.call(token, args)) } });
  try {
    const run = await runWithMocks("gcp", () => deployStack(spec, { cloud: "gcp" }).outputs, { project: spec.name, stack: "dev" });
    return { cloud: "gcp", region: REGION, resources: run.resources, invokes: run.invokes };
  } finally {
    registerBackend(original);
  }
}

/** The plan with the role job started without waiting for the database's endpoint and its DNS record (review 8's probe). */
function startedEarly(plan: PlanInput): PlanInput {
  const early = new Set(plan.resources.filter((r) => r.name === "db-endpoint" || r.type === "gcp:dns/recordSet:RecordSet").map((r) => r.urn));
  return { ...plan, resources: plan.resources.map((r) => (r.type === JOB && r.name === "db-role-job" ? { ...r, dependencies: r.dependencies.filter((d) => !early.has(d)) } : r)) };
}

const roleSteps = (r: { steps: Array<{ op: string; name: string }> }) => r.steps.filter((s) => /^db-role-job(-run)?$/.test(s.name) && s.op !== "same").map((s) => `${s.op} ${s.name}`);

describe("the role job's execution fails once, the cause is fixed, and a plain up runs it again", () => {
  it("keeps the job whose execution failed (with its token) in the state, and the next up draws a new token, runs it and succeeds; an up after that changes nothing", async () => {
    const world = new World(RULES);
    const failed = world.up("scratch/dev", startedEarly(await planFrom(world, THROWAWAY)));
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/gcp:cloudrunv2\/job:Job db-role-job: the job's execution starts without waiting for/);
    // A partial failure: the job exists, with the token its failed execution used, and the state keeps it.
    const job = world.objectsOf("gcp").find((o) => o.type === JOB && o.status === "live");
    expect(job?.facts.terminalState).toBe("CONDITION_FAILED");
    expect([...world.state("scratch/dev").values()].find((e) => e.name === "db-role-job")?.initErrors).toEqual([expect.stringContaining("starts without waiting")]);

    const retry = world.up("scratch/dev", await planFrom(world, THROWAWAY));
    expect(retry.error).toBeUndefined();
    expect(roleSteps(retry)).toEqual(["replace db-role-job-run", "update db-role-job"]);
    expect(world.objectsOf("gcp").find((o) => o.type === JOB && o.status === "live")?.facts.terminalState).toBe("CONDITION_SUCCEEDED");

    const after = world.up("scratch/dev", await planFrom(world, THROWAWAY));
    expect(after.error).toBeUndefined();
    expect(after.changes).toBe(0);
  });

  it("a second failure draws yet another token: the retry after it runs the job again", async () => {
    const world = new World(RULES);
    world.up("scratch/dev", startedEarly(await planFrom(world, THROWAWAY)));
    const again = world.up("scratch/dev", startedEarly(await planFrom(world, THROWAWAY)));
    expect(again.status).toBe("failed");
    expect(again.error).toMatch(/starts without waiting for/);
    const fixed = world.up("scratch/dev", await planFrom(world, THROWAWAY));
    expect(fixed.error).toBeUndefined();
    expect(roleSteps(fixed)).toEqual(["replace db-role-job-run", "update db-role-job"]);
  });
});
