/**
 * Who may reach a public service (`ipAllowList`) and the web application
 * firewall (`webApplicationFirewall`): a Cloud Armor security policy on the
 * load balancer's backend service (global, or regional in the stack's region
 * under a residency rule), the only place Google Cloud filters a Cloud Run
 * service's requests (https://cloud.google.com/armor/docs/security-policy-overview).
 * A service's run.app address has no Cloud Armor, so a filtered service takes
 * traffic only from its load balancer, which needs a domain (web-service.ts
 * refuses the settings without one).
 *
 * Rules, lowest priority number first: the firewall's preconfigured rules deny
 * (403) what they match (OWASP Core Rule Set 3.3 at sensitivity 1,
 * https://cloud.google.com/armor/docs/waf-rules); then the allow list allows
 * its ranges, at most 10 to a rule (https://cloud.google.com/armor/quotas);
 * the default rule denies everything else when there is an allow list, and
 * allows it otherwise.
 */
import { CREATE_FIRST, type WebServiceRequest } from "@freehold/core";
import * as compute from "@pulumi/gcp/compute";
import type * as pulumi from "@pulumi/pulumi";

/** The preconfigured WAF rules the firewall turns on: the OWASP Top 10 classes Cloud Armor offers as stable rule sets. */
export const WAF_RULE_SETS = [
  "sqli-v33-stable",
  "xss-v33-stable",
  "lfi-v33-stable",
  "rfi-v33-stable",
  "rce-v33-stable",
  "methodenforcement-v33-stable",
  "scannerdetection-v33-stable",
  "protocolattack-v33-stable",
  "sessionfixation-v33-stable",
] as const;
/** Address ranges one basic match condition takes. */
export const RANGES_PER_RULE = 10;
/** The default rule's priority: evaluated last. */
export const DEFAULT_PRIORITY = 2147483647;

export interface ArmorRule {
  priority: number;
  action: string;
  description: string;
  match: { versionedExpr: string; config: { srcIpRanges: string[] } } | { expr: { expression: string } };
}

/** The policy's rules for a service's spec, in priority order; none when it asks for no filtering. */
export function armorRules(spec: Pick<WebServiceRequest["spec"], "ipAllowList" | "webApplicationFirewall">): ArmorRule[] {
  const allow = spec.ipAllowList ?? [];
  if (!allow.length && !spec.webApplicationFirewall) return [];
  const waf = spec.webApplicationFirewall
    ? WAF_RULE_SETS.map((set, i): ArmorRule => ({ priority: 1000 + i * 10, action: "deny(403)", description: `web application firewall: ${set}`, match: { expr: { expression: `evaluatePreconfiguredWaf('${set}', {'sensitivity': 1})` } } }))
    : [];
  const ranges: ArmorRule[] = [];
  for (let i = 0; i < allow.length; i += RANGES_PER_RULE) {
    ranges.push({ priority: 2000 + i / RANGES_PER_RULE, action: "allow", description: "ipAllowList", match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: allow.slice(i, i + RANGES_PER_RULE) } } });
  }
  const fallback: ArmorRule = {
    priority: DEFAULT_PRIORITY,
    action: allow.length ? "deny(403)" : "allow",
    description: allow.length ? "default: every address outside ipAllowList is refused" : "default: allow what the firewall did not deny",
    match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
  };
  return [...waf, ...ranges, fallback];
}

/** The Cloud Armor policy of a service's load balancer, global or in a region; undefined when the spec asks for no filtering. */
export function securityPolicy(req: WebServiceRequest, location: "global" | string, name: string, dependsOn: pulumi.Resource[]): compute.SecurityPolicy | compute.RegionSecurityPolicy | undefined {
  const rules = armorRules(req.spec);
  if (!rules.length) return undefined;
  const opts = { parent: req.parent, dependsOn };
  const description = `Freehold ${req.stack.prefix}/${req.qualifiedName}: ${[req.spec.ipAllowList ? "IP allow list" : "", req.spec.webApplicationFirewall ? "web application firewall" : ""].filter(Boolean).join(" and ")}`;
  return location === "global"
    ? new compute.SecurityPolicy(`${req.name}-armor`, { name, type: "CLOUD_ARMOR", description, rules }, opts)
    : // Replaced only by a move to another region (its name is unique per region; `type` is always CLOUD_ARMOR): created first.
      new compute.RegionSecurityPolicy(`${req.name}-armor`, { name, region: location, type: "CLOUD_ARMOR", description, rules }, { ...opts, ...CREATE_FIRST });
}
