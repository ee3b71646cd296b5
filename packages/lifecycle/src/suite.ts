/**
 * Runs the scenario catalogue for one stack on one cloud: the first `up`,
 * then every scenario from a copy of that deployed world.
 */
import { type Cloud, parseStack, type Stack } from "@freehold/model";
import { World } from "./engine";
import { RULES } from "@freehold/rules";
import { Harness, judge, type Scenario, scenariosFor, type StepRecord } from "./scenarios";

export interface ScenarioResult {
  id: string;
  title: string;
  expect: Scenario["expect"];
  records: StepRecord[];
  /** Why the scenario did not meet its expectation; undefined when it did. */
  problem?: string;
}

export interface StackResult {
  stack: string;
  cloud: Cloud;
  first: StepRecord;
  scenarios: ScenarioResult[];
}

/** Options for the world every scenario starts from. */
export interface SuiteOptions {
  /** The default provider's region, where it differs from the stack's (e.g. `aws:region` set to another region). */
  defaultRegion?: string;
  /** Only scenarios whose id starts with one of these. */
  only?: string[];
}

export async function runStack(stackText: string, cloud: Cloud, options: SuiteOptions = {}): Promise<StackResult> {
  const base: Stack = parseStack(stackText);
  const world = new World(RULES);
  if (options.defaultRegion) world.defaultRegions[cloud] = options.defaultRegion;
  const h = new Harness(world, cloud, base);
  const first = await h.up("first up", base);
  const scenarios: ScenarioResult[] = [];
  const all = scenariosFor(base).filter((s) => !options.only || options.only.some((o) => s.id.startsWith(o)));
  for (const s of all) {
    if (first.outcome !== "ok") {
      scenarios.push({ id: s.id, title: s.title, expect: s.expect, records: [], problem: `the first up did not succeed: ${first.error}` });
      continue;
    }
    const records = await s.run(new Harness(world.clone(), cloud, base));
    const problem = judge(s, records);
    scenarios.push({ id: s.id, title: s.title, expect: s.expect, records, ...(problem ? { problem } : {}) });
  }
  return { stack: base.name, cloud, first, scenarios };
}

/** One scenario's outcome in a word or two per step, as docs/lifecycle.md shows it. */
export function outcomeCell(records: StepRecord[]): string {
  return records.map((r) => r.outcome).join(" → ") || "—";
}
