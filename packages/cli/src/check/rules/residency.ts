import { CLOUD_REGIONS, COPY_LOCATIONS, locationCountry, type RESIDENCIES, residencyAllows } from "@freehold/model";
import type { Finding, Rule } from "../rule";
import type { Plan } from "../../plan/contract";

/** Region-like inputs of resources: Azure `location`, GCP `location`/`region` and secret replica locations. */
/** Resource types that are global by design and hold configuration, not data. */
const GLOBAL_METADATA = /^azure-native:privatedns:/;

function regionsUsed(plan: Plan): Array<{ subject: string; type: string; region: string }> {
  const out: Array<{ subject: string; type: string; region: string }> = [];
  const known = CLOUD_REGIONS[plan.cloud];
  const visit = (subject: string, type: string, v: unknown, key = ""): void => {
    if (typeof v === "string" && /^(location|region)$/i.test(key)) {
      const code = v.toLowerCase();
      if (code in known || code in COPY_LOCATIONS[plan.cloud] || /^[a-z]+-[a-z]+\d$/.test(code) || code === "global") out.push({ subject, type, region: code });
    } else if (Array.isArray(v)) for (const x of v) visit(subject, type, x, key);
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) visit(subject, type, x, k);
  };
  for (const r of plan.resources) if (r.custom) visit(r.name, r.type, r.inputs);
  return out;
}

export const residency: Rule = {
  id: "FH-RES-001",
  summary: "Every resource stays in the stack's residency (e.g. UK regions only)",
  explanation: "With residency: uk, every region a resource names (and the stack's region) is in the United Kingdom, so data is stored under UK jurisdiction.",
  severity: "error",
  ncsc: ["2.1 Physical location and legal jurisdiction"],
  evaluate(plan) {
    const rule = plan.residency.rule as keyof typeof RESIDENCIES;
    if (rule === "none") return [{ status: "not-applicable", subject: "stack", message: "no residency rule set" }];
    const findings: Finding[] = plan.residency.locations.map((l) => ({
      status: l.allowed ? "compliant" : "non-compliant",
      subject: l.region,
      message: `${l.use}: ${l.region} is in ${l.country}${l.allowed ? "" : `, outside ${rule}`}`,
    }));
    for (const u of regionsUsed(plan)) {
      if (u.region === "global" && GLOBAL_METADATA.test(u.type)) {
        findings.push({ status: "compliant", subject: u.subject, message: "global by design, holds DNS records for the stack's private network, no data" });
        continue;
      }
      const country = locationCountry(plan.cloud, u.region);
      const ok = country !== undefined && residencyAllows(rule, country);
      if (!ok) findings.push({ status: "non-compliant", subject: u.subject, message: `uses ${u.region}${country ? ` (${country})` : " (a location Freehold cannot place)"}, outside ${rule}` });
    }
    return findings;
  },
};

export const globalEdge: Rule = {
  id: "FH-RES-002",
  summary: "Global edge services are named when a residency rule is set",
  explanation:
    "A content delivery network terminates TLS at edge locations outside the region. With a residency rule, that is named here so the owner can accept it (no data is stored at the edge with caching off) or set a custom domain on a regional load balancer instead.",
  severity: "warning",
  ncsc: ["2.1 Physical location and legal jurisdiction", "1 Data in transit protection"],
  evaluate(plan) {
    if (plan.residency.rule === "none") return [{ status: "not-applicable", subject: "stack", message: "no residency rule set" }];
    const edges = plan.resources.filter((r) => r.type === "aws:cloudfront/distribution:Distribution");
    if (!edges.length) return [{ status: "compliant", subject: "stack", message: "no global edge services: TLS terminates in the stack's region" }];
    return edges.map((r) => ({ status: "non-compliant", subject: r.name, message: `CloudFront terminates TLS at edge locations (${String(r.inputs.priceClass ?? "all")}) outside the ${plan.residency.rule} residency; caching is off for dynamic content` }));
  },
};
