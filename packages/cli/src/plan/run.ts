import { spawn } from "node:child_process";
import { join } from "node:path";
import { type CostAssumptions, DEFAULT_ASSUMPTIONS } from "@freehold/core";
import type { Cloud } from "@freehold/model";
import type { Plan } from "./contract";
import type { Target } from "./target";
import type { WorkerRequest } from "./worker";

/** Plan a target on one cloud in a child process. */
export function planInChild(target: Target, cloud: Cloud, assumptions: CostAssumptions = DEFAULT_ASSUMPTIONS): Promise<Plan> {
  const req: WorkerRequest = { target, cloud, assumptions };
  return new Promise((resolvePlan, reject) => {
    const child = spawn(process.execPath, [join(__dirname, "worker.js"), JSON.stringify(req)], { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) => {
      const text = Buffer.concat(out).toString("utf8");
      if (code === 0 && text) {
        try {
          resolvePlan(JSON.parse(text) as Plan);
          return;
        } catch {
          // fall through
        }
      }
      reject(new Error(`planning on ${cloud} failed (exit ${code}): ${Buffer.concat(err).toString("utf8").slice(0, 4000)}`));
    });
  });
}

/** Plan on several clouds in parallel, reporting progress as each finishes. */
export async function planClouds(
  target: Target,
  clouds: readonly Cloud[],
  assumptions: CostAssumptions = DEFAULT_ASSUMPTIONS,
  progress?: (cloud: Cloud, plan: Plan, ms: number) => void,
): Promise<Plan[]> {
  const started = Date.now();
  return Promise.all(
    clouds.map(async (cloud) => {
      const plan = await planInChild(target, cloud, assumptions);
      progress?.(cloud, plan, Date.now() - started);
      return plan;
    }),
  );
}
