/**
 * Google Cloud, third review: what a legal stack's first `up` must not trip over.
 */
import { parseStack } from "@freehold/model";
import { type CloudObject, GCP_RULES, RULES } from "@freehold/rules";
import { describe, expect, it } from "vitest";
import { World } from "./engine";
import { Harness } from "./scenarios";

const IMAGE = "ghcr.io/example/shop@sha256:0000000000000000000000000000000000000000000000000000000000000000";

describe("a scheduled job's scheduler account beside a component named <job>-sched", () => {
  it("deploys both on the first up: the scheduler's service account id is not the component's", async () => {
    const base = parseStack(`
name: shop
components:
  report: { kind: scheduled-job, image: "${IMAGE}", schedule: "0 2 * * *" }
  report-sched: { kind: worker, image: "${IMAGE}" }
`);
    const h = new Harness(new World(RULES), "gcp", base);
    const first = await h.up("first up", base);
    expect(first.error).toBeUndefined();
    const accounts = [...h.world.objects.values()].filter((o) => o.type === "gcp:serviceaccount/account:Account" && o.status === "live");
    expect(accounts).toHaveLength(3);
  });
});

describe("a component named <database>-dbrole beside the database", () => {
  it("is refused when the program runs, naming both owners of the service account id, before the first up creates anything", async () => {
    const base = parseStack(`
name: shop
components:
  db: { kind: database }
  db-dbrole: { kind: worker, image: "${IMAGE}", links: [db] }
`);
    const h = new Harness(new World(RULES), "gcp", base);
    const first = await h.up("first up", base);
    expect(String(first.error)).toContain(
      'gcp cannot provide component name "db-dbrole": its service account id "shop-dev-db-dbrole" is already the database role job of "db"\'s, and a service account id is unique in a project',
    );
    expect([...h.world.objects.values()].filter((o) => o.status === "live")).toEqual([]);
  });
});

describe("the rule book's worker pool has no endpoint", () => {
  const rule = GCP_RULES.types["gcp:cloudrunv2/workerPool:WorkerPool"];

  it("says a worker pool has no URL, port, ingress or invoker, citing the deployment page and the provider's schema", () => {
    expect(rule?.notes?.join(" ")).toMatch(/no URL, no port, no ingress setting and no invoker.*deploy-worker-pools.*resource_cloud_run_v2_worker_pool\.go/);
  });

  it("refuses custom audiences on a worker pool, which has no endpoint to present them to", () => {
    const check = rule?.checks?.find((c) => c.path === "customAudiences");
    expect(check?.test(["https://worker.example"], {} as CloudObject)).toBe("customAudiences is not applicable to a worker pool: it has no endpoint");
    expect(check?.test(undefined, {} as CloudObject)).toBeUndefined();
  });

  it("refuses CPU autoscaling (a preview feature) at launch stage GA, and admits a fixed count at GA", () => {
    const stage = rule?.checks?.filter((c) => c.path === "*") ?? [];
    const problems = (inputs: Record<string, unknown>) => stage.map((c) => c.test(inputs, { inputs } as unknown as CloudObject)).filter(Boolean);
    expect(problems({ launchStage: "GA", scaling: { scalingMode: "AUTOMATIC", minInstanceCount: 1, maxInstanceCount: 3 } })).toEqual([
      "scalingMode AUTOMATIC is a preview feature: launchStage GA does not admit it (set BETA)",
    ]);
    expect(problems({ scaling: { scalingMode: "AUTOMATIC" } })).toEqual(["scalingMode AUTOMATIC is a preview feature: launchStage GA does not admit it (set BETA)"]);
    expect(problems({ launchStage: "BETA", scaling: { scalingMode: "AUTOMATIC" } })).toEqual([]);
    expect(problems({ launchStage: "GA", scaling: { scalingMode: "MANUAL", manualInstanceCount: 2 } })).toEqual([]);
  });
});
