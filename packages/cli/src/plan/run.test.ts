import { afterEach, describe, expect, it } from "vitest";
import { groupClouds, planProcesses } from "./run";

describe("spreading clouds over planning processes", () => {
  afterEach(() => {
    delete process.env.FREEHOLD_PLAN_PROCESSES;
  });

  it("gives each cloud its own process when there are slots enough", () => {
    expect(groupClouds(["aws", "azure", "gcp"], 3)).toEqual([["aws"], ["azure"], ["gcp"]]);
  });

  it("puts the heaviest cloud alone and the two lighter together with two slots", () => {
    expect(groupClouds(["gcp", "azure", "aws"], 2)).toEqual([["aws"], ["azure", "gcp"]]);
  });

  it("plans everything in one process with one slot, and never makes empty groups", () => {
    expect(groupClouds(["aws", "azure", "gcp"], 1)).toEqual([["aws", "azure", "gcp"]]);
    expect(groupClouds(["azure"], 8)).toEqual([["azure"]]);
  });

  it("honours FREEHOLD_PLAN_PROCESSES, capped at the number of clouds", () => {
    process.env.FREEHOLD_PLAN_PROCESSES = "5";
    expect(planProcesses(3)).toBe(3);
    process.env.FREEHOLD_PLAN_PROCESSES = "2";
    expect(planProcesses(3)).toBe(2);
  });
});
