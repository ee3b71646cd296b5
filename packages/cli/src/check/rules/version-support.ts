import { type Finding, notApplicable, type Rule } from "../rule";

/** Warn this long before the end of standard support: time to plan and rehearse a major upgrade. */
export const WARN_DAYS = 365;

/**
 * Reads each database's `database.postgres-<version>` row in the plan: the
 * backend gives the day the cloud's standard support for that version ends,
 * with its source. After it, the cloud upgrades the server itself or charges
 * for extended support.
 */
export function versionSupport(today: () => Date = () => new Date()): Rule {
  return {
    id: "FH-VER-001",
    summary: "The PostgreSQL version has more than a year of standard support left",
    explanation:
      "Each cloud ends standard support for a PostgreSQL major version on a published date; after it, the server is upgraded for you at a time you do not choose, or extended support is billed. A year's notice leaves time to test and rehearse the major upgrade (Freehold applies it as an in-place change of `version`).",
    severity: "warning",
    ncsc: ["5.2 Vulnerability management"],
    evaluate: (plan) => {
      const findings: Finding[] = [];
      for (const c of plan.components) {
        if (c.kind !== "database") continue;
        const row = c.features.find((f) => f.feature.startsWith("database.postgres-"));
        if (!row) continue;
        const version = row.feature.slice("database.postgres-".length);
        if (!row.endOfSupport) {
          findings.push({ status: "not-applicable", subject: c.name, message: `${plan.provider} states no end of standard support for PostgreSQL ${version}` });
          continue;
        }
        const days = Math.floor((Date.parse(`${row.endOfSupport}T00:00:00Z`) - today().getTime()) / 86_400_000);
        findings.push(
          days > WARN_DAYS
            ? { status: "compliant", subject: c.name, message: `PostgreSQL ${version} is supported on ${plan.provider} until ${row.endOfSupport}` }
            : {
                status: "non-compliant",
                subject: c.name,
                message: `PostgreSQL ${version} ${days < 0 ? "left" : "leaves"} standard support on ${plan.provider} on ${row.endOfSupport}${days < 0 ? "" : ` (in ${days} days)`}: plan the upgrade to a newer version (${row.source ?? "the cloud's version policy"})`,
              },
        );
      }
      return findings.length ? findings : notApplicable("no databases");
    },
  };
}
