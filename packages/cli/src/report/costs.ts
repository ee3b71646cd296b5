/**
 * What every report says about its costs besides the figures: the usage they
 * were priced with (which figures came from the usage file, which are built in),
 * whose prices each region was priced at, and how many lines are estimates.
 */
import type { PlanPricing, PlanUsage } from "../plan/contract";

const LABELS: Record<string, string> = {
  requestsMillions: "M requests",
  egressGiB: "GiB internet egress",
  logGiB: "GiB logs",
  averageInstances: "instances on average",
  dataGiB: "GiB of data at the start",
  storageGrowthGiB: "GiB added a month",
  storageGiB: "GiB stored at the start",
  noncurrentPercent: "% kept as old versions",
  writesThousands: "thousand writes",
  readsThousands: "thousand reads",
};

/** The usage behind the figures, one sentence per line: hours and growth, then each component's figures; `*` marks a figure from the usage file. */
export function usageLines(usage: PlanUsage | undefined): string[] {
  if (!usage) return [];
  const fromFile = usage.source !== "built-in defaults";
  const head = fromFile
    ? `Usage from ${usage.source}: figures marked * come from it, the others are Freehold's built-in defaults`
    : "Usage: Freehold's built-in defaults (give your own with --usage usage.yaml; docs/costs.md)";
  return [
    head,
    `${usage.hoursPerMonth} hours a month; the month priced follows ${usage.months} month${usage.months === 1 ? "" : "s"} of storage growth`,
    ...usage.components.map((c) => {
      const figures = Object.entries(c.figures).map(([k, v]) => `${v}${c.fromFile.includes(k) ? "*" : ""} ${LABELS[k] ?? k}`);
      const always = (c.kind === "web-service" || c.kind === "worker") && c.figures.averageInstances === undefined ? ", running its minimum instance count all month" : "";
      return `${c.name} (${c.kind}): ${figures.join(", ")}${always}`;
    }),
  ];
}

/** How a cloud's prices were found for its region, and the estimate count: one sentence. */
export function pricingLine(provider: string, pricing: PlanPricing | undefined): string {
  if (!pricing?.region) return "";
  const listed = pricing.lines - pricing.estimatedLines;
  const estimates = `${pricing.estimatedLines} of ${pricing.lines} line${pricing.lines === 1 ? "" : "s"} ${pricing.estimatedLines === 1 ? "is an estimate" : "are estimates"} (marked in the source column)${listed ? `, ${listed} read in the cloud's own price list or pricing page` : ", none yet read in a citable copy of the cloud's price list (`freehold prices refresh` reads them)"}`;
  const unpriced = pricing.unpriced.length ? `; NOT PRICED (cost missing): ${pricing.unpriced.join(", ")}` : "";
  return `${provider}: ${pricing.note} ${estimates}${unpriced}.`;
}
