/**
 * Who may reach a public service: `ipAllowList` as Container Apps ingress IP
 * restrictions, and `webApplicationFirewall`, which this backend refuses by
 * name with the price of the Azure services that would give it.
 */
import type * as inputs from "@pulumi/azure-native/types/input";
import { degrade, type WebServiceRequest } from "@freehold/core";
import { UnsupportedFeatureError } from "@freehold/model";

export const IP_RESTRICTIONS_SOURCE = "https://learn.microsoft.com/azure/container-apps/ip-restrictions";

/**
 * What a web application firewall in front of one Container Apps service costs on Azure, per month, before
 * traffic: the two Azure services that put one there. USD, East US, Microsoft's own worked examples (its pages call
 * them illustrations; the pricing pages give the region's figure).
 */
export const WAF_PRICES = {
  applicationGateway: {
    usdPerMonth: 323,
    basis: "Application Gateway WAF_v2 fixed price, $0.443 a gateway-hour for 730 hours, before capacity units",
    source: "https://learn.microsoft.com/azure/application-gateway/understanding-pricing",
  },
  frontDoorPremium: {
    usdPerMonth: 330,
    basis: "Azure Front Door Premium base fee, before requests and data transfer",
    source: "https://learn.microsoft.com/azure/frontdoor/understanding-pricing",
  },
} as const;

/** The reason `webApplicationFirewall` is refused, with the prices: the refusal and the capability row say the same. */
export const WAF_REASON =
  `a web application firewall needs Application Gateway WAF v2 (about $${WAF_PRICES.applicationGateway.usdPerMonth} a month for the gateway alone: ${WAF_PRICES.applicationGateway.source}) ` +
  `or Front Door Premium ($${WAF_PRICES.frontDoorPremium.usdPerMonth} a month base fee: ${WAF_PRICES.frontDoorPremium.source}) in front of the Container Apps environment, ` +
  "per stack and before traffic: more than most services Freehold hosts cost in total, so it is not added for you";

const IPV4_CIDR = /^(\d{1,3})(\.\d{1,3}){3}\/\d{1,2}$/;

/**
 * Ingress IP restrictions for `ipAllowList`: one Allow rule per IPv4 range (an app with Allow rules refuses every
 * other address). Container Apps takes IPv4 ranges only, and the environment's public ingress has an IPv4 address
 * only (its static IP), so an IPv6 range can match no request there: it is left out, and a list with no IPv4
 * range is refused (with no rule, every address would be allowed).
 */
export function ipRestrictions(component: string, allow: readonly string[] | undefined): inputs.app.IpSecurityRestrictionRuleArgs[] | undefined {
  if (!allow) return undefined;
  const v4 = allow.filter((c) => IPV4_CIDR.test(c));
  if (!v4.length) {
    throw new UnsupportedFeatureError(
      component,
      "web-service.ip-allow-list",
      "azure",
      "Container Apps ingress restrictions take IPv4 ranges only, and this list has none; with no rule every address would be allowed",
      "Add the IPv4 ranges that may reach the service",
    );
  }
  return v4.map((cidr, i) => ({ name: `allow-${i + 1}`, action: "Allow", ipAddressRange: cidr, description: `Freehold ipAllowList ${cidr}` }));
}

/** Refuse, before anything is registered, what this backend does not put in front of a public service. */
export function checkIngress(req: Pick<WebServiceRequest, "name" | "spec">): void {
  if (req.spec.webApplicationFirewall) degrade(req, "azure", "web-service.web-application-firewall", WAF_REASON, "Remove webApplicationFirewall, or put your own firewall in front of the service's address");
  ipRestrictions(req.name, req.spec.ipAllowList);
}

/** The ingress settings that decide who reaches the app. */
export function ingressAccess(req: Pick<WebServiceRequest, "name" | "spec">): Pick<inputs.app.IngressArgs, "ipSecurityRestrictions"> {
  const rules = req.spec.public ? ipRestrictions(req.name, req.spec.ipAllowList) : undefined;
  return rules ? { ipSecurityRestrictions: rules } : {};
}
