/**
 * What a reader of a report notices first: the header names what was planned,
 * a figure shown twice is the same figure, and an exit plan's advice fits the
 * stack as written.
 */
import { buildExitPlan, comparePlans, compareHtml, compareMarkdown, type HostedPlan, reportCurrency } from "@freehold/cli";
import type { Capability } from "@freehold/core";
import type { WebServiceInput } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { CAPABILITIES as AZURE } from "../packages/azure/src/capabilities";
import { CAPABILITIES as GCP } from "../packages/gcp/src/capabilities";
import { gapNote } from "../packages/cli/src/exit/portability";
import { planFixture, webServiceFixture } from "./plan-fixture";

const priced = (name: string, monthlyUsd: number) => ({ ...webServiceFixture(name, { image: "ghcr.io/example/web:1" }, []), estimate: { lines: [], monthlyUsd, fixedUsd: monthlyUsd, usageUsd: 0 } });

describe("the compare report's header", () => {
  const plans = [planFixture("aws", { stack: "shop", components: [priced("web", 10)], totals: { monthlyUsd: 10, fixedUsd: 10, usageUsd: 0, resources: 1 } })];

  it("names the Pulumi project for a program directory, not only its path", () => {
    const cmp = comparePlans(plans, ".", reportCurrency(), "shop");
    expect(compareHtml(cmp, plans)).toContain("Planned offline from the Pulumi project shop in the current directory; nothing was deployed.");
    expect(compareMarkdown(cmp, plans)).toContain("Planned offline from the Pulumi project `shop` in the current directory with Pulumi's mock runtime");
    const elsewhere = comparePlans(plans, "infra", reportCurrency(), "shop");
    expect(compareHtml(elsewhere, plans)).toContain("Planned offline from the Pulumi project shop in infra; nothing was deployed.");
  });

  it("names the stack file as given", () => {
    const cmp = comparePlans(plans, "freehold.yaml");
    expect(compareHtml(cmp, plans)).toContain("Planned offline from freehold.yaml; nothing was deployed.");
  });
});

describe("the compare report's money", () => {
  it("shows a cloud's monthly figure identically on its card and its bar, rounded once (not the sum of rounded parts)", () => {
    // At £1 = $1.3456: $1.00 is £0.7432 (£0.74), and $2.00 is £1.4863 (£1.49); the parts' rounded sum is £1.48.
    expect(reportCurrency().rate?.usdPerGbp).toBe(1.3456);
    const plans = [planFixture("aws", { stack: "shop", components: [priced("web", 1), priced("worker", 1)], totals: { monthlyUsd: 2, fixedUsd: 2, usageUsd: 0, resources: 2 } })];
    const html = compareHtml(comparePlans(plans, "freehold.yaml"), plans);
    expect(html).toContain('<div class="big">£1.49<span class="muted"> /month</span></div>');
    expect(html).toMatch(/font-weight="700">£1\.49\/mo<\/text>/);
    expect(html).not.toContain("£1.48");
  });
});

describe("an exit plan's advice for a degradation the spec accepts", () => {
  const row = (rows: readonly Capability[], feature: string) => rows.find((r) => r.feature === feature) as Capability;
  const readOnly = "web-service.read-only-root-filesystem" as const;

  it("keeps the reason and drops the how-to-deploy-there advice, on every cloud's own rows", () => {
    expect(gapNote({ ...row(AZURE, readOnly), accepted: true })).toBe("Container Apps has no read-only root filesystem setting (a degradation the spec accepts: acceptDegraded)");
    expect(gapNote({ ...row(AZURE, "web-service.run-as-user"), accepted: true })).toBe("Container Apps runs the image's user; there is no setting to override it (a degradation the spec accepts: acceptDegraded)");
    expect(gapNote({ ...row(GCP, readOnly), accepted: true })).toMatch(/^Cloud Run gives every container a writable in-memory filesystem with no read-only setting \(a degradation/);
    expect(gapNote({ ...row(GCP, "web-service.run-as-user"), accepted: true })).not.toMatch(/set USER|to deploy/);
    // Not accepted: the advice is what the user needs.
    expect(gapNote(row(AZURE, readOnly))).toContain("to deploy on Azure");
  });

  it("does not tell a stack that already plans on Azure what to do to deploy on Azure", () => {
    const spec: Omit<WebServiceInput, "kind"> = { image: "ghcr.io/example/web:1", acceptDegraded: [readOnly] };
    const azureRow = { ...row(AZURE, readOnly), accepted: true };
    const source = planFixture("aws", { stack: "shop", components: [webServiceFixture("web", spec, [{ feature: readOnly, support: "full", note: "readonlyRootFilesystem" }])] }) as HostedPlan;
    const target = planFixture("azure", { stack: "shop", components: [webServiceFixture("web", spec, [azureRow])] }) as HostedPlan;
    const plan = buildExitPlan(source, target, [source, target], { objectThroughputMiBs: 100, databaseGiBPerHour: 20, dualRunningDays: 14, operatorCountry: "GB", values: {} });
    const text = JSON.stringify([plan.mapping, plan.portability]);
    expect(plan.mapping[0]?.lost).toEqual([`${readOnly}: Container Apps has no read-only root filesystem setting (a degradation the spec accepts: acceptDegraded)`]);
    expect(text).not.toContain("to deploy on Azure");
  });
});
