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

    it("runs the worker and the nightly job without a load balancer, and says how to run the job now", () => {
      const fronts = run.resources.filter((r) => /^(worker|nightly)-/.test(r.name) && /lb\/|LoadBalancer|loadBalancer|BackendService|ForwardingRule|TargetGroup/i.test(r.type));
      expect(fronts.map((r) => r.type)).toEqual([]);
      expect(run.outputs.runNightly).toMatch({ aws: /^aws stepfunctions start-execution /, azure: /^az containerapp job start /, gcp: /^gcloud run jobs execute / }[cloud]);
    });

    it("never puts the database password in a plain input", () => {
      expect(JSON.stringify(run.resources.map((r) => r.inputs))).not.toMatch(/"DATABASE_PASSWORD","value"/);
    });
  });
}
