import { type Finding, notApplicable, type Rule } from "../rule";

const FEATURE = "web-service.private";

/**
 * Reads each private web service's `web-service.private` row in the plan (the
 * cloud's capability table says whether traffic to a private service is
 * encrypted in transit), not the resources: the row is where the backend states
 * it, with its reason, so the rule follows whatever the plan says.
 */
export const privateTransit: Rule = {
  id: "FH-TLS-002",
  summary: "Traffic to private services is encrypted in transit",
  explanation:
    "A private service is reached only from inside the stack's network, but its traffic should still be encrypted there: a compromised neighbour or a mirrored network interface must not read requests and responses. The cloud's capability row for private services says where traffic inside the network is not fully encrypted (for example plain HTTP to an internal load balancer), and why.",
  severity: "warning",
  ncsc: ["1 Data in transit protection"],
  evaluate: (plan) => {
    const findings: Finding[] = [];
    for (const c of plan.components) {
      const row = c.features.find((f) => f.feature === FEATURE);
      if (!row) continue;
      findings.push(
        row.support === "full"
          ? { status: "compliant", subject: c.name, message: `encrypted in transit: ${row.note}` }
          : { status: "non-compliant", subject: c.name, message: `${row.support === "none" ? "not encrypted" : "only partly encrypted"} in transit: ${row.note}${row.accepted ? " (degradation accepted by acceptDegraded)" : ""}` },
      );
    }
    return findings.length ? findings : notApplicable("no private web services");
  },
};
