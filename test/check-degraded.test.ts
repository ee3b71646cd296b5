/**
 * FH-DEG-001: a requirement a component accepts as degraded on a cloud (run as
 * a non-root user, a read-only root filesystem...) does not pass `check`
 * silently: it is a warning naming what the team must now do itself.
 */
import { type HostedPlan, planInProcess, runChecks } from "@freehold/cli";
import { DEFAULT_ASSUMPTIONS } from "@freehold/core";
import type { Cloud } from "@freehold/model";
import { describe, expect, it } from "vitest";

const STACK = `name: shop
components:
  web:
    kind: web-service
    image: ghcr.io/example/app:1
    user: "1000"
    writableRootFilesystem: false
    acceptDegraded: [web-service.run-as-user, web-service.read-only-root-filesystem]
`;

async function degraded(cloud: Cloud) {
  const plan = await planInProcess({ target: { kind: "stack", file: "shop.yaml", text: STACK, stack: "dev" }, cloud, assumptions: DEFAULT_ASSUMPTIONS });
  if (plan.error) throw new Error(plan.error.message);
  const report = runChecks(plan as HostedPlan);
  return { report, rule: report.rules.find((r) => r.id === "FH-DEG-001") };
}

describe("FH-DEG-001: requirements accepted as degraded are met by the team", () => {
  it("warns on Azure for each accepted degradation, naming what the team must do", async () => {
    const { report, rule } = await degraded("azure");
    expect(rule).toMatchObject({ severity: "warning", status: "non-compliant", ncsc: ["14 Secure use of the service"] });
    expect(rule?.findings).toEqual([
      {
        status: "non-compliant",
        subject: "web",
        message:
          "web-service.read-only-root-filesystem accepted as degraded (not provided on Microsoft Azure: Container Apps has no read-only root filesystem setting); now yours: keep the application from writing to its root filesystem (write only to a temporary directory, and check the image needs nothing else): the container can write anywhere",
      },
      {
        status: "non-compliant",
        subject: "web",
        message: "web-service.run-as-user accepted as degraded (not provided on Microsoft Azure: Container Apps runs the image's user); now yours: run as a non-root user from the image itself: set `USER <uid>` in its Dockerfile, because the cloud runs the image's own user",
      },
    ]);
    expect(report.summary.errors).toBe(0);
  });

  it("is not applicable where the cloud gives every requirement (AWS runs the user and a read-only root)", async () => {
    const { rule } = await degraded("aws");
    expect(rule).toMatchObject({ status: "not-applicable", findings: [{ status: "not-applicable", subject: "stack", message: "no requirement accepted as degraded" }] });
  });
});
