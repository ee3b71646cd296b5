/**
 * Google Cloud, third review: what a legal stack's first `up` must not trip over.
 */
import { parseStack } from "@freehold/model";
import { RULES } from "@freehold/rules";
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
