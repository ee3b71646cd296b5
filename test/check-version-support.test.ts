/** FH-VER-001 reads the end of standard support the plan's PostgreSQL version row carries. */
import { versionSupport } from "@freehold/cli";
import { DatabaseSpec } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { planFixture } from "./plan-fixture";

describe("FH-VER-001: PostgreSQL version support", () => {
  const db = (endOfSupport?: string) =>
    planFixture("azure", {
      components: [
        {
          name: "db",
          kind: "database",
          service: "x",
          details: {},
          spec: DatabaseSpec.parse({ kind: "database", version: "13" }),
          features: [{ feature: "database.postgres-13", support: "full", note: "PostgreSQL 13", source: "https://example.test/versions", ...(endOfSupport ? { endOfSupport } : {}) }],
          availability: { basis: "x", source: { name: "s", date: "2026-01-01" } },
          estimate: { lines: [], monthlyUsd: 0, fixedUsd: 0, usageUsd: 0 },
          vendorSettings: [],
          outputs: {},
          urn: "u",
          resourceCount: 1,
        },
      ],
    });
  const rule = versionSupport(() => new Date("2026-11-28T00:00:00Z"));

  it("warns a year ahead, and says when support ended", () => {
    expect(rule.evaluate(db("2027-06-30"))).toEqual([{ status: "non-compliant", subject: "db", message: "PostgreSQL 13 leaves standard support on Microsoft Azure on 2027-06-30 (in 214 days): plan the upgrade to a newer version (https://example.test/versions)" }]);
    expect(rule.evaluate(db("2025-11-13"))[0]?.message).toBe("PostgreSQL 13 left standard support on Microsoft Azure on 2025-11-13: plan the upgrade to a newer version (https://example.test/versions)");
  });

  it("is content with more than a year, and not applicable without a date", () => {
    expect(rule.evaluate(db("2028-11-29"))[0]?.status).toBe("compliant");
    expect(rule.evaluate(db())[0]?.status).toBe("not-applicable");
  });
});
