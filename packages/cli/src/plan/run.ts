import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { type CostAssumptions, DEFAULT_ASSUMPTIONS } from "@freehold/core";
import type { Cloud } from "@freehold/model";
import type { Plan } from "./contract";
import type { Target } from "./target";
import type { EjectResult, WorkerBatch } from "./worker";

/** Run the worker on a batch: one line of JSON per cloud, each handed to `onLine` as it is ready. */
function runWorker<T>(batch: WorkerBatch, onLine?: (result: T) => void): Promise<T[]> {
  return new Promise((resolveResults, reject) => {
    // The batch goes on stdin: as one argument, a stack file over about 128 KiB exceeded the kernel's limit (E2BIG).
    const child = spawn(process.execPath, [join(__dirname, "worker.js")], { stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.on("error", () => {
      /* the worker exited early; its exit code and stderr say why */
    });
    child.stdin.end(JSON.stringify(batch));
    const results: T[] = [];
    let pending = "";
    const err: Buffer[] = [];
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      pending += d;
      for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (!line) continue;
        const result = JSON.parse(line) as T;
        results.push(result);
        onLine?.(result);
      }
    });
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0 && results.length === batch.clouds.length) resolveResults(results);
      else reject(new Error(`${batch.eject ? "ejecting" : "planning"} on ${batch.clouds.join(", ")} failed (exit ${code}): ${Buffer.concat(err).toString("utf8").slice(0, 4000)}`));
    });
  });
}

/** Plan a target on some clouds, one after the other, in one child process; `onPlan` hears of each as it is ready. */
function planBatchInChild(target: Target, clouds: Cloud[], assumptions: CostAssumptions, onPlan?: (plan: Plan) => void): Promise<Plan[]> {
  return runWorker<Plan>({ target, clouds, assumptions }, onPlan);
}

/** Plan a target on one cloud and write the program that registers the same resources without Freehold, in a child process. */
export async function ejectInChild(target: Target, cloud: Cloud, source: string, state?: string): Promise<EjectResult> {
  const [result] = await runWorker<EjectResult>({ target, clouds: [cloud], assumptions: DEFAULT_ASSUMPTIONS, eject: { source, ...(state ? { state } : {}) } });
  if (!result) throw new Error(`ejecting on ${cloud} returned nothing`);
  return result;
}

/**
 * How many planning processes to run. Most of a plan's time is starting Node
 * and loading the Pulumi SDK, which one process does once for every cloud it
 * plans; separate processes only pay off with a core free for each. Measured on
 * 2 cores: three clouds in one process 1.7 s, in two 2.5 s, in three 3.2 s
 * (one cloud alone 1.2 s). So: one core is left for the rest of the machine.
 * FREEHOLD_PLAN_PROCESSES overrides.
 */
export function planProcesses(clouds: number): number {
  const forced = Number(process.env.FREEHOLD_PLAN_PROCESSES);
  if (Number.isInteger(forced) && forced > 0) return Math.min(forced, clouds);
  return Math.max(1, Math.min(clouds, availableParallelism() - 1));
}

/** Plan a target on one cloud in a child process. */
export async function planInChild(target: Target, cloud: Cloud, assumptions: CostAssumptions = DEFAULT_ASSUMPTIONS): Promise<Plan> {
  const [plan] = await planBatchInChild(target, [cloud], assumptions);
  if (!plan) throw new Error(`planning on ${cloud} returned nothing`);
  return plan;
}

/** Relative planning cost of each cloud (its SDK's load time and resources per component), for balancing processes. */
const WEIGHT: Record<Cloud, number> = { aws: 1.2, azure: 1.1, gcp: 1 };

/**
 * Split clouds over at most `slots` processes, heaviest first onto the least
 * loaded. One process per cloud when there are cores enough; on a 2-core
 * machine two clouds share a process, which saves a Node start-up and a load of
 * the Pulumi SDK instead of making three processes contend for two cores.
 */
export function groupClouds(clouds: readonly Cloud[], slots: number): Cloud[][] {
  const groups: Array<{ clouds: Cloud[]; load: number }> = Array.from({ length: Math.max(1, Math.min(slots, clouds.length)) }, () => ({ clouds: [], load: 0 }));
  for (const cloud of [...clouds].sort((a, b) => WEIGHT[b] - WEIGHT[a])) {
    const g = groups.reduce((min, x) => (x.load < min.load ? x : min));
    g.clouds.push(cloud);
    g.load += WEIGHT[cloud];
  }
  return groups.map((g) => g.clouds).filter((g) => g.length > 0);
}

/** Plan on several clouds, in parallel processes where cores allow, reporting progress as each finishes. Plans come back in the order of `clouds`. */
export async function planClouds(
  target: Target,
  clouds: readonly Cloud[],
  assumptions: CostAssumptions = DEFAULT_ASSUMPTIONS,
  progress?: (cloud: Cloud, plan: Plan, ms: number) => void,
  slots: number = planProcesses(clouds.length),
): Promise<Plan[]> {
  const started = Date.now();
  const byCloud = new Map<Cloud, Plan>();
  await Promise.all(
    groupClouds(clouds, slots).map((group) =>
      planBatchInChild(target, group, assumptions, (plan) => {
        byCloud.set(plan.cloud, plan);
        progress?.(plan.cloud, plan, Date.now() - started);
      }),
    ),
  );
  return clouds.map((c) => byCloud.get(c) as Plan);
}
