/**
 * Running drills: plan the stack on each cloud a pair names (with a service
 * linked read-write and one linked read-only to every database and store, so
 * every cloud's plan holds the role jobs and the links an application gets),
 * start each cloud's servers once, drill the pairs one after another on
 * those shared servers, and stop and remove everything afterwards.
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import { CLOUDS, type Cloud } from "@freehold/model";
import { parse as parseYaml, stringify } from "yaml";
import { type HostedPlan, isHosted, type Plan } from "../../plan/contract";
import { planClouds } from "../../plan/run";
import type { Target } from "../../plan/target";
import { MigrationInterrupted } from "../errors";
import { freshPrivateFolder } from "../folders";
import { drillPair, type PairEvidence } from "./drill";
import type { LegacyRoleSetup } from "./pair";
import { DrillServers } from "./servers";
import { makeDrillTls } from "./tls";

export interface DrillStack {
  /** Where it came from, for the evidence (a file, or a name). */
  name: string;
  /** The stack file's text (YAML or JSON). */
  text: string;
}

export interface DrillRequest {
  from: Cloud;
  to: Cloud;
  stack: DrillStack;
  /** Set the target up with a former role setup instead of its plan's role job (to show what it breaks). */
  legacy?: LegacyRoleSetup;
  /** Move the database live (replicate under a write load, cutover) instead of a dump and restore. */
  live?: boolean;
}

export interface DrillOptions {
  pairs: DrillRequest[];
  /** A folder to work in: the drill makes a private folder of its own in it and removes only that (default: the system's temporary directory). */
  workDir?: string;
  seed?: number;
  /** Rows of the marketplace tables the application writes (default 100). */
  rows?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /**
   * How to plan a stack on some clouds (default: in child processes, as every
   * command plans). A process that drills many stacks may plan in itself
   * (the plan worker's `planInProcess`, one cloud after another) to load the
   * Pulumi SDK once.
   */
  planner?: (target: Target, clouds: Cloud[]) => Promise<Plan[]>;
}

/** Every ordered pair of two different clouds (six): the pairs the suite and the benchmark drill. */
export const DRILL_PAIRS: ReadonlyArray<readonly [Cloud, Cloud]> = CLOUDS.flatMap((from) => CLOUDS.filter((to) => to !== from).map((to) => [from, to] as const));

/** The stack drilled when none is given: a database and an object store. */
export const DEFAULT_DRILL_STACK = `name: exit-drill
components:
  db: { kind: database }
  files: { kind: object-store }
`;

/** The component names of the drill's two linked services. */
export const PROBES = { readWrite: "drill-app", read: "drill-reader" } as const;

/** The stack with the drill's two services: one linked read-write, one read-only, to every database and store. */
export function withProbes(text: string): string {
  const doc = (parseYaml(text) ?? {}) as { components?: Record<string, { kind?: string }> };
  const components = doc.components ?? {};
  const data = Object.entries(components)
    .filter(([, c]) => c?.kind === "database" || c?.kind === "object-store")
    .map(([name]) => name);
  const probe = (access: "readWrite" | "read") => ({ kind: "web-service", image: "ghcr.io/freehold/exit-drill:1", writableRootFilesystem: true, links: data.map((to) => ({ to, access })) });
  return stringify({ ...doc, components: { ...components, [PROBES.readWrite]: probe("readWrite"), [PROBES.read]: probe("read") } });
}

/** Each cloud's plan of the stack (with the probes); a cloud that cannot host it is an error naming why. */
async function plansFor(stack: DrillStack, clouds: Cloud[], planner: NonNullable<DrillOptions["planner"]>): Promise<Map<Cloud, HostedPlan>> {
  const target: Target = { kind: "stack", file: stack.name, text: withProbes(stack.text), stack: "dev" };
  const plans = await planner(target, clouds);
  const out = new Map<Cloud, HostedPlan>();
  for (const p of plans) {
    if (!isHosted(p)) throw new Error(`${stack.name} does not plan on ${p.cloud}: ${p.error?.message ?? "unknown reason"}`);
    out.set(p.cloud, p);
  }
  return out;
}

/** The freehold command this drill runs the exit plan's commands with: this package's own. */
function cliScript(): string {
  return path.join(path.dirname(require.resolve("@freehold/cli/package.json")), "dist", "bin.js");
}

/** Drill every requested pair; the evidence of each, in order. Interrupting stops every server and removes every file. */
export async function runDrills(opts: DrillOptions): Promise<PairEvidence[]> {
  const log = opts.log ?? (() => {});
  const workDir = await freshPrivateFolder("freehold-drill-", opts.workDir ?? undefined);
  const tls = await makeDrillTls(workDir);
  const servers = new DrillServers(tls, log);
  const out: PairEvidence[] = [];
  try {
    const plans = new Map<string, Map<Cloud, HostedPlan>>();
    for (const p of opts.pairs) {
      const clouds = [...new Set(opts.pairs.filter((x) => x.stack.text === p.stack.text).flatMap((x) => [x.from, x.to]))];
      if (!plans.has(p.stack.text)) plans.set(p.stack.text, await plansFor(p.stack, clouds, opts.planner ?? ((t, c) => planClouds(t, c))));
    }
    for (const p of opts.pairs) {
      if (opts.signal?.aborted) throw new MigrationInterrupted("the drill was interrupted; every server it started was stopped and its files removed");
      const byCloud = plans.get(p.stack.text) as Map<Cloud, HostedPlan>;
      log(`==== exit drill ${p.from} -> ${p.to} (${p.stack.name})`);
      out.push(
        await drillPair(
          { servers, tls, workDir, seed: opts.seed ?? 20251125, rows: opts.rows ?? 100, cli: { node: process.execPath, script: cliScript() }, log, ...(opts.signal ? { signal: opts.signal } : {}) },
          { stack: p.stack.name, from: { cloud: p.from, plan: byCloud.get(p.from) as HostedPlan }, to: { cloud: p.to, plan: byCloud.get(p.to) as HostedPlan }, ...(p.legacy ? { legacy: p.legacy } : {}), ...(p.live ? { mode: "live" as const } : {}) },
        ),
      );
    }
  } finally {
    await servers.stop();
    await rm(workDir, { recursive: true, force: true });
  }
  if (opts.signal?.aborted) throw new MigrationInterrupted("the drill was interrupted; every server it started was stopped and its files removed");
  return out;
}
