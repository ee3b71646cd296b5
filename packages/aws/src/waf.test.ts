/**
 * Who may reach a public service, and the firewall in front of it, on AWS: AWS
 * WAF on the front door (the load balancer with a domain, CloudFront without),
 * an allow list that blocks every other address first, and AWS's managed rule
 * groups, each priced.
 */
import { deployStack, type MockRun, registerBackend, runWithMocks } from "@freehold/core";
import { planCost } from "@freehold/core/testing";
import { parseStack } from "@freehold/model";
import { beforeAll, describe, expect, it } from "vitest";
import { backend } from "./index";
import { byFamily, MANAGED_RULE_GROUPS } from "./waf";

registerBackend(backend);

const STACK = `
name: gate
region: london
components:
  site: { kind: web-service, image: x, public: true, domain: gate.example.gov.uk, ipAllowList: ["203.0.113.0/24", "2001:db8::/32"], webApplicationFirewall: true }
  edge: { kind: web-service, image: x, public: true, ipAllowList: ["198.51.100.0/24"] }
  plain: { kind: web-service, image: x, public: true }
`;

let run: MockRun;
const one = (name: string) => {
  const found = run.resources.filter((r) => r.name === name);
  expect(found, name).toHaveLength(1);
  return found[0] as (typeof found)[number];
};

beforeAll(async () => {
  run = await runWithMocks("aws", () => deployStack(parseStack(STACK)).outputs);
});

describe("an IP allow list and a web application firewall with a domain: AWS WAF on the load balancer", () => {
  it("puts a REGIONAL web ACL in the stack's region in front of the load balancer", () => {
    expect(one("site-waf").inputs).toMatchObject({ scope: "REGIONAL", region: "eu-west-2", defaultAction: { allow: {} }, name: "gate-dev-site" });
    expect(one("site-waf-association").inputs).toMatchObject({ region: "eu-west-2", resourceArn: expect.stringContaining(":loadbalancer/app/gate-dev-site-ext/"), webAclArn: expect.stringContaining(":regional/webacl/gate-dev-site/") });
  });

  it("keeps one IP set per address family, and blocks first whatever is in neither", () => {
    expect(one("site-allow-v4").inputs).toMatchObject({ ipAddressVersion: "IPV4", addresses: ["203.0.113.0/24"], scope: "REGIONAL" });
    expect(one("site-allow-v6").inputs).toMatchObject({ ipAddressVersion: "IPV6", addresses: ["2001:db8::/32"], scope: "REGIONAL" });
    const [first] = one("site-waf").inputs.rules as Array<Record<string, unknown>>;
    expect(first).toMatchObject({
      name: "freehold-ip-allow-list",
      priority: 0,
      action: { block: {} },
      statement: { notStatement: { statement: { orStatement: { statements: [{ ipSetReferenceStatement: { arn: expect.stringContaining("gate-dev-site-v4") } }, { ipSetReferenceStatement: { arn: expect.stringContaining("gate-dev-site-v6") } }] } } } },
    });
  });

  it("runs AWS's baseline managed rule groups after it, with the 8 KB body limit counting only so that uploads work", () => {
    const rules = (one("site-waf").inputs.rules as Array<Record<string, unknown>>).slice(1);
    expect(rules.map((r) => (r.statement as { managedRuleGroupStatement: { name: string } }).managedRuleGroupStatement.name)).toEqual(MANAGED_RULE_GROUPS.map((g) => g.name));
    expect(rules[0]).toMatchObject({ overrideAction: { none: {} }, statement: { managedRuleGroupStatement: { vendorName: "AWS", ruleActionOverrides: [{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }] } } });
    expect(MANAGED_RULE_GROUPS.reduce((n, g) => n + g.wcu, 1)).toBeLessThanOrEqual(1500);
  });
});

describe("an IP allow list without a domain: AWS WAF on CloudFront", () => {
  it("makes a CLOUDFRONT web ACL in us-east-1, as AWS requires, and names it on the distribution", () => {
    expect(one("edge-waf").inputs).toMatchObject({ scope: "CLOUDFRONT", region: "us-east-1" });
    expect(one("edge-allow-v4").inputs).toMatchObject({ scope: "CLOUDFRONT", region: "us-east-1", addresses: ["198.51.100.0/24"] });
    expect(run.resources.some((r) => r.name === "edge-allow-v6")).toBe(false);
    expect(one("edge-cdn").inputs.webAclId).toEqual(expect.stringContaining(":global/webacl/gate-dev-edge/"));
    const rules = one("edge-waf").inputs.rules as Array<Record<string, unknown>>;
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ statement: { notStatement: { statement: { ipSetReferenceStatement: { arn: expect.any(String) } } } } });
  });

  it("puts no firewall in front of a service that asks for none", () => {
    expect(run.resources.filter((r) => r.name.startsWith("plain-waf") || r.name.startsWith("plain-allow"))).toEqual([]);
    expect(one("plain-cdn").inputs.webAclId).toBeUndefined();
  });
});

describe("the firewall's price", () => {
  it("prices the web ACL, each rule and rule group, and every request", async () => {
    const { components } = await planCost("aws", STACK);
    const lines = (components.get("site") ?? []).filter((l) => l.item.startsWith("AWS WAF"));
    expect(lines.map((l) => [l.item, l.quantity, l.unitPrice])).toEqual([
      ["AWS WAF web ACL", 1, 5],
      ["AWS WAF rules and managed rule groups (5)", 5, 1],
      ["AWS WAF requests inspected (10 M)", 10, 0.6],
    ]);
  });
});

describe("address families", () => {
  it("splits an allow list into IPv4 and IPv6 ranges", () => {
    expect(byFamily(["203.0.113.0/24", "2001:db8::/32", "10.0.0.0/8"])).toEqual({ v4: ["203.0.113.0/24", "10.0.0.0/8"], v6: ["2001:db8::/32"] });
  });
});
