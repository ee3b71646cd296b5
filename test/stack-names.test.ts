/**
 * Two Pulumi stacks of one project live side by side in one account,
 * subscription or project: every physical name whose scope is the cloud, the
 * account or the region differs between dev and prod (the scopes are the
 * simulated cloud's, written from each cloud's documentation).
 */
import type { Plan } from "@freehold/cli";
import { RULES } from "@freehold/lifecycle";
import { CLOUDS } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { EXAMPLE_STACK, freeholdInProcess as cli } from "./cli-helpers";

function scopedNames(plan: Plan): string[] {
  const rules = RULES[plan.cloud].types;
  return plan.resources.flatMap((r) => {
    const id = rules[r.type]?.identity;
    if (!id || typeof id.scope !== "string") return [];
    const name = r.inputs[id.field];
    return typeof name === "string" ? [`${r.type} ${name}`] : [];
  });
}

describe("freehold plan --stack", () => {
  for (const cloud of CLOUDS) {
    it(`gives dev and prod different names for everything named per account on ${cloud}, and plans are for the stack asked`, async () => {
      const [dev, prod] = await Promise.all(["dev", "prod"].map((s) => cli(["plan", EXAMPLE_STACK, "--cloud", cloud, "--format", "json", "--stack", s])));
      const a = JSON.parse(dev?.stdout ?? "") as Plan;
      const b = JSON.parse(prod?.stdout ?? "") as Plan;
      expect([a.pulumiStack, b.pulumiStack]).toEqual(["dev", "prod"]);
      expect(b.resources[0]?.urn).toMatch(/^urn:pulumi:prod::crown-marketplace::/);
      const devNames = scopedNames(a);
      expect(devNames.length).toBeGreaterThan(3);
      expect(devNames.filter((n) => scopedNames(b).includes(n))).toEqual([]);
    });
  }

  it("refuses a stack name Pulumi would not accept", async () => {
    const r = await cli(["plan", EXAMPLE_STACK, "--cloud", "aws", "--stack", "dev/../x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--stack: "dev/../x" is not a Pulumi stack name; allowed: 1-100 letters, digits, "-", "_" and "."');
  });
});
