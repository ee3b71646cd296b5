import type { Availability, Capability, CostAssumptions, CostLine } from "@freehold/core";
import type { Cloud, Component } from "@freehold/model";
import { isHosted, type Plan, type PlanError } from "../plan/contract";
import { convert, type ReportCurrency, reportCurrency } from "../report/currency";
import { dnsRecordsOf, type MarkedDnsRecord } from "../report/placeholders";

export const COMPARE_SCHEMA = "freehold.compare/v1";

export interface CloudCell {
  service: string;
  sku?: string;
  sizeNote?: string;
  cpu?: number;
  memoryGiB?: number;
  resourceCount: number;
  /** Features the spec uses that this cloud supports only partly or not at all; `preferred` for a default the cloud does not have (a difference, not a refusal). */
  gaps: Array<Capability & { accepted?: boolean; preferred?: boolean }>;
  availability: Availability;
  monthlyUsd: number;
  /** Billed for what exists, whatever the traffic; and driven by the usage figures. */
  fixedUsd: number;
  usageUsd: number;
  /** monthlyUsd in the comparison's currency. */
  monthly: number;
  /** List-price lines, USD, each with its source. */
  lines: CostLine[];
  /** With a custom domain: the DNS records the user must create on this cloud (certificate validation and traffic); `placeholder` names the fields the plan could only make up. */
  dnsRecords: MarkedDnsRecord[];
}

export interface ComparedComponent {
  name: string;
  kind: Component["kind"];
  /** What the spec asks, in words. */
  request: string;
  clouds: Partial<Record<Cloud, CloudCell>>;
}

export interface ComparedCloud {
  cloud: Cloud;
  provider: string;
  region: string;
  city: string;
  country: string;
  /** False where the cloud cannot host the stack as written. */
  ok: boolean;
  /** "cannot host" where the cloud refuses the stack; `error` then names the component, feature, reason and fix. */
  status: "hosts" | "cannot host";
  error?: PlanError;
  resources: number;
  monthlyUsd: number;
  /** Billed for what exists, whatever the traffic; and driven by the usage figures. */
  fixedUsd: number;
  usageUsd: number;
  /** monthlyUsd in the comparison's currency. */
  monthly: number;
  platform: { resourceCount: number; monthlyUsd: number; monthly: number; lines: CostLine[] };
  /** Whose prices the region was priced at, resource types with no price, and how many lines are estimates. */
  pricing: Plan["pricing"];
  /** What a destroy leaves billing each month (retained databases and buckets, final snapshots), USD. */
  afterDestroyUsd: number;
  residency: Plan["residency"] & { ok: boolean };
  warnings: string[];
}

export interface Comparison {
  schema: typeof COMPARE_SCHEMA;
  stack: string;
  /** What was planned, as the user named it: a stack file or a program directory. */
  target: string;
  /** The Pulumi project, when the target is a program directory (its Pulumi.yaml's name). */
  program?: string;
  assumptions: CostAssumptions;
  /** The usage figures each component was priced with, and which came from the usage file. */
  usage: Plan["usage"];
  /** The currency of every `monthly` figure (the `…Usd` figures and cost lines stay USD list prices), with the rate and its date for GBP. */
  currency: ReportCurrency;
  clouds: ComparedCloud[];
  components: ComparedComponent[];
}

/**
 * Where a comparison was planned from, in words: the stack file, or the Pulumi
 * project and its directory (a program's directory alone, often ".", names nothing).
 */
export function plannedFrom(cmp: Pick<Comparison, "target" | "program">, code: (s: string) => string = (s) => s): string {
  if (!cmp.program) return code(cmp.target);
  return `the Pulumi project ${code(cmp.program)} in ${cmp.target === "." ? "the current directory" : code(cmp.target)}`;
}

/** Describe a component's request in words. */
export function describeRequest(spec: Component): string {
  switch (spec.kind) {
    case "web-service": {
      const size = typeof spec.size === "string" ? spec.size : `${spec.size.cpu} vCPU / ${spec.size.memoryGiB} GiB`;
      return `${size}, ${spec.scaling.min}–${spec.scaling.max} instances, ${spec.public ? "public HTTPS" : "private"}${spec.domain ? ` on ${spec.domain}` : ""}`;
    }
    case "worker": {
      const size = typeof spec.size === "string" ? spec.size : `${spec.size.cpu} vCPU / ${spec.size.memoryGiB} GiB`;
      return `${size}, ${spec.scaling.min}–${spec.scaling.max} instances, no ingress`;
    }
    case "scheduled-job": {
      const size = typeof spec.size === "string" ? spec.size : `${spec.size.cpu} vCPU / ${spec.size.memoryGiB} GiB`;
      return `${size}, "${spec.schedule}" in ${spec.timeZone}, timeout ${spec.timeoutSeconds} s, ${spec.retries} ${spec.retries === 1 ? "retry" : "retries"}`;
    }
    case "database": {
      const size = typeof spec.size === "string" ? spec.size : `${spec.size.cpu} vCPU / ${spec.size.memoryGiB} GiB`;
      return `PostgreSQL ${spec.version}, ${size}, ${spec.storageGiB} GiB${spec.highAvailability ? ", high availability" : ""}, backups ${spec.backups.retentionDays} days`;
    }
    case "object-store":
      return `${spec.versioning ? "versioned" : "unversioned"}${spec.lifecycle.length ? `, ${spec.lifecycle.length} lifecycle rule${spec.lifecycle.length > 1 ? "s" : ""}` : ""}${spec.cors.length ? ", CORS" : ""}`;
  }
}

/** Lay plans for several clouds side by side. Reads only the plans. */
export function comparePlans(plans: Plan[], target: string, currency: ReportCurrency = reportCurrency(), program?: string): Comparison {
  const ok = plans.filter(isHosted);
  const names: Array<{ name: string; spec: Component }> = [];
  for (const p of ok) for (const c of p.components) if (!names.some((n) => n.name === c.name)) names.push({ name: c.name, spec: c.spec });
  return {
    schema: COMPARE_SCHEMA,
    stack: ok[0]?.stack || plans.find((p) => p.stack)?.stack || "",
    target,
    ...(program ? { program } : {}),
    assumptions: (ok[0] ?? plans[0])?.assumptions as CostAssumptions,
    usage: (ok[0] ?? plans[0])?.usage as Plan["usage"],
    currency,
    clouds: plans.map((p) => ({
      cloud: p.cloud,
      provider: p.provider,
      region: p.region,
      city: p.location.city,
      country: p.location.country,
      ok: !p.error,
      status: p.error ? "cannot host" : "hosts",
      error: p.error,
      resources: p.totals.resources,
      monthlyUsd: p.totals.monthlyUsd,
      fixedUsd: p.totals.fixedUsd,
      usageUsd: p.totals.usageUsd,
      monthly: convert(p.totals.monthlyUsd, currency),
      pricing: p.pricing,
      afterDestroyUsd: p.afterDestroy?.monthlyUsd ?? 0,
      platform: { resourceCount: p.platform.resourceCount, monthlyUsd: p.platform.estimate.monthlyUsd, monthly: convert(p.platform.estimate.monthlyUsd, currency), lines: p.platform.estimate.lines },
      residency: { ...p.residency, ok: p.residency.locations.every((l) => l.allowed) },
      warnings: p.warnings,
    })),
    components: names.map(({ name, spec }) => ({
      name,
      kind: spec.kind,
      request: describeRequest(spec),
      clouds: Object.fromEntries(
        ok.flatMap((p) => {
          const c = p.components.find((x) => x.name === name);
          if (!c) return [];
          const cell: CloudCell = {
            service: c.service,
            sku: c.sku,
            sizeNote: c.size?.note,
            cpu: c.size?.cpu,
            memoryGiB: c.size?.memoryGiB,
            resourceCount: c.resourceCount,
            gaps: c.features.filter((f) => f.support !== "full"),
            availability: c.availability,
            monthlyUsd: c.estimate.monthlyUsd,
            fixedUsd: c.estimate.fixedUsd,
            usageUsd: c.estimate.usageUsd,
            monthly: convert(c.estimate.monthlyUsd, currency),
            lines: c.estimate.lines,
            dnsRecords: dnsRecordsOf(c),
          };
          return [[p.cloud, cell]];
        }),
      ),
    })),
  };
}
