/**
 * Who may reach a public service (`ipAllowList`) and a web application
 * firewall in front of it (`webApplicationFirewall`), both with AWS WAF: one web
 * ACL per service, on the service's front door.
 *
 * - With a domain, the front door is the internet-facing ALB: a REGIONAL web ACL
 *   in the stack's region, associated with the load balancer.
 * - Without one, it is CloudFront: a CLOUDFRONT web ACL, which AWS keeps in
 *   us-east-1 whatever the stack's region (it is enforced at every edge),
 *   referenced by the distribution. A security group could not do this job:
 *   behind CloudFront the load balancer sees CloudFront's addresses, never the
 *   viewer's, and 100 ranges in two address families do not fit a group's 60
 *   rules per family.
 *
 * The allow list is a rule ahead of everything else that blocks (403) any
 * request whose address is in neither IP set (one per address family); the
 * firewall is AWS's baseline managed rule groups, which have no charge of their
 * own beyond the web ACL's rules. Prices: $5 per web ACL, $1 per rule or rule
 * group a month, $0.60 per million requests (https://aws.amazon.com/waf/pricing/).
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-chapter.html
 */
import type { WebServiceRequest } from "@freehold/core";
import type * as cloudfront from "@pulumi/aws/cloudfront";
import type * as lb from "@pulumi/aws/lb";
import type * as types from "@pulumi/aws/types/input";
import * as wafv2 from "@pulumi/aws/wafv2";
import type * as pulumi from "@pulumi/pulumi";
import { names } from "./naming";

/** CLOUDFRONT-scope WAF resources live in US East (N. Virginia). https://docs.aws.amazon.com/waf/latest/developerguide/how-aws-waf-works-resources.html */
export const CLOUDFRONT_WAF_REGION = "us-east-1";

/**
 * AWS managed rule groups of the baseline and use-case sets, with their web ACL
 * capacity units: together 1,125 of the 1,500 a web ACL has at the base price.
 * SizeRestrictions_BODY of the common rule set blocks request bodies over 8 KB,
 * which breaks ordinary uploads, so it only counts.
 * https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
 * https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-use-case.html
 */
export const MANAGED_RULE_GROUPS = [
  { name: "AWSManagedRulesCommonRuleSet", wcu: 700, countOnly: ["SizeRestrictions_BODY"] },
  { name: "AWSManagedRulesKnownBadInputsRuleSet", wcu: 200, countOnly: [] },
  { name: "AWSManagedRulesSQLiRuleSet", wcu: 200, countOnly: [] },
  { name: "AWSManagedRulesAmazonIpReputationList", wcu: 25, countOnly: [] },
] as const;

export type WafScope = "REGIONAL" | "CLOUDFRONT";

/** The two address families of an allow list (the model gives ranges in CIDR form). */
export function byFamily(ranges: readonly string[]): { v4: string[]; v6: string[] } {
  return { v4: ranges.filter((r) => !r.includes(":")), v6: ranges.filter((r) => r.includes(":")) };
}

const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

/** The web ACL's rules: the allow list first (priority 0), then the managed groups. */
export function wafRules(args: { metricPrefix: string; ipSets?: pulumi.Input<string>[]; firewall: boolean }): pulumi.Input<types.wafv2.WebAclRule>[] {
  const rules: pulumi.Input<types.wafv2.WebAclRule>[] = [];
  if (args.ipSets?.length) {
    const inList = args.ipSets.map((arn) => ({ ipSetReferenceStatement: { arn } }));
    rules.push({
      name: "freehold-ip-allow-list",
      priority: 0,
      action: { block: {} },
      statement: { notStatement: { statement: inList.length === 1 ? inList[0] : { orStatement: { statements: inList } } } },
      visibilityConfig: visibility(`${args.metricPrefix}-allow-list`),
    });
  }
  if (args.firewall) {
    MANAGED_RULE_GROUPS.forEach((g, i) => {
      rules.push({
        name: g.name,
        priority: i + 1,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: "AWS",
            name: g.name,
            ...(g.countOnly.length ? { ruleActionOverrides: g.countOnly.map((name) => ({ name, actionToUse: { count: {} } })) } : {}),
          },
        },
        visibilityConfig: visibility(`${args.metricPrefix}-${g.name}`),
      });
    });
  }
  return rules;
}

export interface Firewall {
  webAcl: wafv2.WebAcl;
  resources: { webAcl: wafv2.WebAcl; allowListV4?: wafv2.IpSet; allowListV6?: wafv2.IpSet; webAclAssociation?: wafv2.WebAclAssociation };
  details: Record<string, string>;
}

/** The web ACL (and its IP sets) of one public service, or nothing when the spec asks for neither. */
export function createFirewall(req: WebServiceRequest, scope: WafScope, stackRegion: string, tags: Record<string, string>): Firewall | undefined {
  const { name, spec, stack } = req;
  if (!spec.ipAllowList && !spec.webApplicationFirewall) return undefined;
  const region = scope === "CLOUDFRONT" ? CLOUDFRONT_WAF_REGION : stackRegion;
  const opts = { parent: req.parent };
  const physical = names.waf(stack.prefix, req.qualifiedName);
  const sets: { allowListV4?: wafv2.IpSet; allowListV6?: wafv2.IpSet } = {};
  const ipSets: pulumi.Output<string>[] = [];
  if (spec.ipAllowList) {
    const families = byFamily(spec.ipAllowList);
    for (const [family, addresses] of [["v4", families.v4], ["v6", families.v6]] as const) {
      if (!addresses.length) continue;
      const set = new wafv2.IpSet(
        `${name}-allow-${family}`,
        { name: `${physical}-${family}`, description: `Freehold ${stack.prefix}/${req.qualifiedName}: addresses allowed`, scope, ipAddressVersion: family === "v4" ? "IPV4" : "IPV6", addresses, region, tags },
        opts,
      );
      sets[family === "v4" ? "allowListV4" : "allowListV6"] = set;
      ipSets.push(set.arn);
    }
  }
  const webAcl = new wafv2.WebAcl(
    `${name}-waf`,
    {
      name: physical,
      description: `Freehold ${stack.prefix}/${req.qualifiedName}`,
      scope,
      defaultAction: { allow: {} },
      rules: wafRules({ metricPrefix: physical, ipSets, firewall: spec.webApplicationFirewall }),
      visibilityConfig: visibility(physical),
      region,
      tags,
    },
    opts,
  );
  const what = [spec.ipAllowList ? `only ${spec.ipAllowList.length} address range(s) allowed (others get 403)` : "", spec.webApplicationFirewall ? `AWS managed rules (${MANAGED_RULE_GROUPS.map((g) => g.name).join(", ")})` : ""].filter(Boolean).join("; ");
  return {
    webAcl,
    resources: { webAcl, ...sets },
    details: { firewall: `AWS WAF ${scope === "CLOUDFRONT" ? "on the CloudFront distribution (web ACL kept by AWS in us-east-1)" : "on the load balancer"}: ${what}` },
  };
}

/** Puts a REGIONAL web ACL in front of a load balancer. */
export function associate(req: WebServiceRequest, firewall: Firewall, alb: lb.LoadBalancer, region: string): wafv2.WebAclAssociation {
  const association = new wafv2.WebAclAssociation(`${req.name}-waf-association`, { resourceArn: alb.arn, webAclArn: firewall.webAcl.arn, region }, { parent: req.parent });
  firewall.resources.webAclAssociation = association;
  return association;
}

/** The `webAclId` a distribution takes for a CLOUDFRONT web ACL (its ARN, for AWS WAF v2). */
export function distributionWebAcl(firewall: Firewall | undefined): Pick<cloudfront.DistributionArgs, "webAclId"> {
  return firewall ? { webAclId: firewall.webAcl.arn } : {};
}
