/**
 * Where a custom domain's DNS records go. A CNAME cannot stand at the apex of a
 * zone (RFC 1034 §3.6.2: a name with a CNAME has no other data, and an apex
 * has SOA and NS), so a backend must know whether the domain is its zone's
 * apex to give records DNS accepts.
 */

/**
 * Suffixes under which each name below is delegated as a zone of its own:
 * UK second-level domains (Nominet, https://www.nominet.uk/uk-domains/) and
 * the government's, where `<service>.service.gov.uk` is delegated to the
 * service team's own DNS (GOV.UK Service Manual, "Get a domain name for your
 * service": https://www.gov.uk/service-manual/technology/get-a-domain-name).
 */
export const DELEGATED_SUFFIXES = [
  "service.gov.uk",
  "gov.uk",
  "nhs.uk",
  "police.uk",
  "mod.uk",
  "ac.uk",
  "sch.uk",
  "co.uk",
  "org.uk",
  "me.uk",
  "ltd.uk",
  "plc.uk",
  "net.uk",
] as const;

/** True when `domain` is `zone` or a name inside it. */
export function domainInZone(domain: string, zone: string): boolean {
  return domain === zone || domain.endsWith(`.${zone}`);
}

/**
 * The zone a custom domain's records go in: the one given, else the domain
 * itself where it is a registrable name (one label under a top-level domain or
 * under a delegated suffix above), else the domain's parent.
 */
export function domainZone(domain: string, zone?: string): string {
  if (zone !== undefined) return zone;
  const labels = domain.split(".");
  const suffix = [...DELEGATED_SUFFIXES].sort((a, b) => b.length - a.length).find((s) => domain.endsWith(`.${s}`));
  const registrable = suffix === undefined ? labels.length <= 2 : labels.length === suffix.split(".").length + 1;
  return registrable ? domain : labels.slice(1).join(".");
}

/** True when the domain is the apex of its zone: it can hold no CNAME, so traffic needs an A/AAAA record or the DNS provider's alias. */
export function isZoneApex(domain: string, zone?: string): boolean {
  return domainZone(domain, zone) === domain;
}
