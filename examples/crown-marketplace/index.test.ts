// Unit tests of the example program, the way docs/testing.md shows: no cloud, no Pulumi CLI.
import { type MockRun, plan } from "@freehold/core/testing";
import { beforeAll, describe, expect, it, vi } from "vitest";

for (const cloud of ["aws", "azure", "gcp"] as const) {
  describe(`the crown marketplace on ${cloud}`, () => {
    let run: MockRun;
    beforeAll(async () => {
      run = await plan(cloud, async () => {
        vi.resetModules(); // run the program afresh for each cloud
        return import("./index.js");
      });
    });

    it("serves the public site over HTTPS", () => {
      expect(run.outputs.url).toMatch(/^https:\/\//);
    });

    it("protects the database and the uploads against deletion", () => {
      const owners = new Set(run.resources.filter((r) => r.custom && r.options.protect).map((r) => r.urn.split("::")[2]?.split("$")[0]));
      expect([...owners].sort()).toEqual(["freehold:index:Database", "freehold:index:ObjectStore"]);
    });

    it("never puts the database password in a plain input", () => {
      expect(JSON.stringify(run.resources.map((r) => r.inputs))).not.toMatch(/"DATABASE_PASSWORD","value"/);
    });
  });
}
