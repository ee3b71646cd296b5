/**
 * FH-TLS-002 reads the plan's `web-service.private` row: a private web service
 * whose traffic the cloud does not fully encrypt in transit is reported, with the
 * row's note as the reason, whatever cloud says so.
 */
import { type HostedPlan, runChecks } from "@freehold/cli";
import { describe, expect, it } from "vitest";
import { planFixture, webServiceFixture } from "./plan-fixture";

const PLAIN_HTTP = "Internal ALB in private subnets, security group open only to the VPC CIDR; plain HTTP from the load balancer to the tasks inside the VPC";

function check(plan: HostedPlan) {
  const rule = runChecks(plan).rules.find((r) => r.id === "FH-TLS-002");
  if (!rule) throw new Error("FH-TLS-002 is not in the default pack");
  return rule;
}

const privateRow = (support: "full" | "partial" | "none", note: string, accepted?: boolean) => ({ feature: "web-service.private" as const, support, note, ...(accepted ? { accepted } : {}) });

describe("FH-TLS-002: traffic to private services is encrypted in transit", () => {
  it("reports a private service whose row is partial, with the row's note as the reason, as a warning under NCSC principle 1", () => {
    const plan = planFixture("aws", { components: [webServiceFixture("worker", { image: "x" }, [privateRow("partial", PLAIN_HTTP)])] }) as HostedPlan;
    const report = runChecks(plan);
    const rule = check(plan);
    expect(rule).toMatchObject({ severity: "warning", ncsc: ["1 Data in transit protection"], status: "non-compliant" });
    expect(rule.findings).toEqual([{ status: "non-compliant", subject: "worker", message: `only partly encrypted in transit: ${PLAIN_HTTP}` }]);
    expect(report.summary.errors).toBe(0);
    expect(report.summary.warnings).toBe(1);
  });

  it("says not encrypted where the row is none, and notes a degradation the spec accepted", () => {
    const plan = planFixture("azure", {
      components: [
        webServiceFixture("a", { image: "x" }, [privateRow("none", "plain HTTP inside the environment")]),
        webServiceFixture("b", { image: "x", acceptDegraded: ["web-service.private"] }, [privateRow("partial", "plain HTTP inside the environment", true)]),
      ],
    }) as HostedPlan;
    expect(check(plan).findings).toEqual([
      { status: "non-compliant", subject: "a", message: "not encrypted in transit: plain HTTP inside the environment" },
      { status: "non-compliant", subject: "b", message: "only partly encrypted in transit: plain HTTP inside the environment (degradation accepted by acceptDegraded)" },
    ]);
  });

  it("passes a private service whose row is full", () => {
    const plan = planFixture("gcp", { components: [webServiceFixture("jobs", { image: "x" }, [privateRow("full", "HTTPS to run.app through the VPC")])] }) as HostedPlan;
    expect(check(plan)).toMatchObject({ status: "compliant", findings: [{ status: "compliant", subject: "jobs", message: "encrypted in transit: HTTPS to run.app through the VPC" }] });
  });

  it("is not applicable to a stack whose web services are all public", () => {
    const web = webServiceFixture("web", { image: "x", public: true }, [{ feature: "web-service.public-https", support: "full", note: "HTTPS" }]);
    expect(check(planFixture("aws", { components: [web] }) as HostedPlan)).toMatchObject({ status: "not-applicable", findings: [{ status: "not-applicable", subject: "stack", message: "no private web services" }] });
  });
});
