/**
 * List prices for europe-west2 (London), USD, pay-as-you-go, each with its
 * source and date, and the monthly estimates built from them. Figures come
 * from /shared/prices-uk-2026.md; those not found there are marked estimates.
 */
import {
  type Availability,
  type CostAssumptions,
  type CostLine,
  costLine,
  type Price,
  type SizeChoice,
  type Source,
} from "@freehold/core";
import { type Database, type ObjectStore, resolveSize, type WebService } from "@freehold/model";
import { parseImage, pullsDirectly } from "./image";
import { databaseSize, webServiceSize } from "./sizes";

const CAPTURED = "2026-10-01";
const catalog = (sku: string, date = CAPTURED): Source => ({
  name: `Google Cloud Billing Catalog, europe-west2, SKU ${sku} (slice kept in mooncitizen/togen testdata; captured Aug-Oct 2026)`,
  date,
});

export const PRICES = {
  /** Cloud Run request-based billing, Tier 2 region. */
  runVcpuSecond: { usd: 0.0000336, unit: "vCPU-second", source: catalog("085C-A237-027A (Cloud Run CPU, request-based, Tier 2)", "2026-08-01") },
  runGibSecond: { usd: 0.0000035, unit: "GiB-second", source: catalog("600C-3782-6708 (Cloud Run memory, request-based, Tier 2)", "2026-08-01") },
  runRequests: { usd: 0.4, unit: "1M requests", source: { name: "Cloud Run pricing page (requests beyond the 2 M monthly free tier)", date: "2026-08-01", url: "https://cloud.google.com/run/pricing" } },
  /** Cloud Run instance-based billing (background work: CPU always allocated; no request fee). */
  runVcpuSecondInstance: { usd: 0.0000252, unit: "vCPU-second", source: catalog("3DFE-FD5E-A6D0 (Cloud Run Services CPU, instance-based billing, europe-west2)", "2026-08-01") },
  runGibSecondInstance: {
    usd: 0.0000028,
    unit: "GiB-second",
    source: {
      name: "Cloud Run memory, instance-based billing: Tier 1 list price $0.000002 scaled by the Tier 2 CPU ratio (1.4); the europe-west2 rate is not in the shared price file",
      date: "2026-08-01",
      url: "https://cloud.google.com/run/pricing",
      estimate: true,
    },
  },
  /** External Application Load Balancer: forwarding rules (the first five in a project share one hourly charge) and data processed. */
  lbForwardingRuleHour: {
    usd: 0.025,
    unit: "hour",
    source: { name: "Cloud Load Balancing pricing: forwarding rules, first 5 per project (not in the shared price file)", date: CAPTURED, url: "https://cloud.google.com/vpc/network-pricing#lb", estimate: true },
  },
  lbDataGib: {
    usd: 0.008,
    unit: "GiB",
    source: { name: "Cloud Load Balancing pricing: data processed by an Application Load Balancer (not in the shared price file)", date: CAPTURED, url: "https://cloud.google.com/vpc/network-pricing#lb", estimate: true },
  },
  /** Artifact Registry storage (a remote repository's cached images), beyond the 0.5 GiB free. */
  registryGibMonth: {
    usd: 0.1,
    unit: "GiB-month",
    source: { name: "Artifact Registry pricing: storage beyond 0.5 GiB (not in the shared price file)", date: CAPTURED, url: "https://cloud.google.com/artifact-registry/pricing", estimate: true },
  },
  /** Cloud SQL Enterprise custom tiers. */
  sqlVcpuHourZonal: { usd: 0.0535, unit: "vCPU-hour", source: catalog("3E1A-85BB-7956 (Cloud SQL for PostgreSQL vCPU, zonal)") },
  sqlGibHourZonal: { usd: 0.00905, unit: "GiB-hour", source: catalog("A466-F7CB-DD13 (Cloud SQL for PostgreSQL RAM, zonal)") },
  sqlVcpuHourRegional: { usd: 0.107, unit: "vCPU-hour", source: catalog("D3C0-6698-D7D2 (Cloud SQL for PostgreSQL vCPU, regional)") },
  sqlGibHourRegional: { usd: 0.0181, unit: "GiB-hour", source: catalog("6F5E-33D5-3944 (Cloud SQL for PostgreSQL RAM, regional)") },
  sqlSsdGibMonthZonal: { usd: 0.204, unit: "GiB-month", source: catalog("A025-9006-CE7C (Cloud SQL SSD storage, zonal)") },
  sqlSsdGibMonthRegional: { usd: 0.408, unit: "GiB-month", source: catalog("3782-B08A-12E4 (Cloud SQL SSD storage, regional)") },
  /** Secret Manager: not in the shared price file; the published global list price. */
  secretVersionMonth: {
    usd: 0.06,
    unit: "secret version-location-month",
    source: { name: "Secret Manager pricing page, active secret versions (not in the shared price file)", date: CAPTURED, url: "https://cloud.google.com/secret-manager/pricing", estimate: true },
  },
  /** Cloud Storage Standard, London. */
  gcsStandardGibMonth: { usd: 0.023, unit: "GiB-month", source: catalog("BB55-3E5A-405C (Standard Storage London)") },
  gcsClassAThousand: { usd: 0.005, unit: "1,000 Class A operations", source: catalog("Class A operations, Standard, regional ($0.000005 per operation)") },
  gcsClassBThousand: { usd: 0.0004, unit: "1,000 Class B operations", source: catalog("Class B operations, Standard, regional ($0.0000004 per operation)") },
  /** Internet egress, Premium tier, Europe source, first TiB: not in the shared price file. */
  internetEgressGib: {
    usd: 0.12,
    unit: "GiB",
    source: { name: "Network Service Tiers, Premium internet egress from Europe, first TiB (third-party summaries; not in the shared price file)", date: CAPTURED, url: "https://cloud.google.com/vpc/network-pricing", estimate: true },
  },
  /** VPC, subnets, private services access and Direct VPC egress carry no charge of their own. */
  vpc: { usd: 0, unit: "month", source: { name: "VPC pricing: networks, subnets and VPC peering have no charge; traffic is billed where it leaves", date: CAPTURED, url: "https://cloud.google.com/vpc/network-pricing" } },
} as const satisfies Record<string, Price>;

export const SLA = {
  cloudRun: { name: "Cloud Run SLA (99.95% per project per region)", date: CAPTURED, url: "https://cloud.google.com/run/sla" },
  cloudSql: { name: "Cloud SQL SLA: Enterprise edition with HA 99.95%; shared-core and single-zone instances excluded", date: CAPTURED, url: "https://cloud.google.com/sql/sla" },
  gcs: { name: "Cloud Storage SLA: Standard class in a regional location 99.9%", date: CAPTURED, url: "https://cloud.google.com/storage/sla" },
} as const satisfies Record<string, Source>;

type Spec = WebService | Database | ObjectStore;

export function estimate(component: { name: string; spec: Spec; size?: SizeChoice }, a: CostAssumptions): CostLine[] {
  const { spec, name } = component;
  switch (spec.kind) {
    case "web-service":
      return webServiceEstimate(name, spec, component.size ?? webServiceSize(resolveSize("web-service", spec.size), name), a);
    case "database": {
      const size = component.size ?? databaseSize(resolveSize("database", spec.size), spec.highAvailability, name);
      const ha = spec.highAvailability;
      const where = ha ? "regional (HA)" : "zonal";
      return [
        costLine(`${name}: Cloud SQL ${size.sku} vCPU, ${where}`, size.cpu * a.hoursPerMonth, ha ? PRICES.sqlVcpuHourRegional : PRICES.sqlVcpuHourZonal),
        costLine(`${name}: Cloud SQL ${size.sku} memory, ${where}`, size.memoryGiB * a.hoursPerMonth, ha ? PRICES.sqlGibHourRegional : PRICES.sqlGibHourZonal),
        costLine(`${name}: SSD storage, ${where} (backup storage beyond the disk size not included)`, spec.storageGiB, ha ? PRICES.sqlSsdGibMonthRegional : PRICES.sqlSsdGibMonthZonal),
        costLine(`${name}: secret versions (the passwords of app, app_read and the administrator; the roles' verifiers)`, 4, PRICES.secretVersionMonth),
      ];
    }
    case "object-store":
      return [
        costLine(`${name}: Standard storage (noncurrent versions and soft-deleted objects add to this)`, a.objectStorageGiB, PRICES.gcsStandardGibMonth),
        costLine(`${name}: Class A operations (writes, lists)`, a.objectWritesThousands, PRICES.gcsClassAThousand),
        costLine(`${name}: Class B operations (reads)`, a.objectReadsThousands, PRICES.gcsClassBThousand),
      ];
  }
}

/**
 * A web service: instances busy all month, billed per request (CPU during
 * requests) or per instance (background: CPU always, no request fee); a load
 * balancer with a domain; a remote repository and its password for a private
 * or indirect registry.
 */
function webServiceEstimate(name: string, spec: WebService, size: SizeChoice, a: CostAssumptions): CostLine[] {
  const instances = Math.max(a.averageInstances ?? spec.scaling.min, spec.background ? 1 : 0);
  const seconds = instances * a.hoursPerMonth * 3600;
  const billing = spec.background ? "instance-based billing (CPU always allocated)" : "busy all month (free tier not applied)";
  const lines = [
    costLine(`${name}: Cloud Run vCPU, ${instances} instance(s), ${size.cpu} vCPU, ${billing}`, seconds * size.cpu, spec.background ? PRICES.runVcpuSecondInstance : PRICES.runVcpuSecond),
    costLine(`${name}: Cloud Run memory, ${size.memoryGiB} GiB per instance`, seconds * size.memoryGiB, spec.background ? PRICES.runGibSecondInstance : PRICES.runGibSecond),
    ...(spec.background ? [] : [costLine(`${name}: Cloud Run requests`, a.requestsMillions, PRICES.runRequests)]),
    costLine(`${name}: internet egress`, a.egressGiB, PRICES.internetEgressGib),
  ];
  if (spec.public && spec.domain) {
    lines.push(
      costLine(`${name}: load balancer forwarding rules for ${spec.domain} (HTTPS and the HTTP redirect)`, a.hoursPerMonth, PRICES.lbForwardingRuleHour),
      costLine(`${name}: data processed by the load balancer`, a.egressGiB, PRICES.lbDataGib),
    );
  }
  if (spec.registry || (typeof spec.image === "string" && needsRemoteRepository(spec.image))) {
    lines.push(costLine(`${name}: Artifact Registry remote repository, about 1 GiB of cached image`, 1, PRICES.registryGibMonth));
    if (spec.registry) lines.push(costLine(`${name}: registry password secret version`, 1, PRICES.secretVersionMonth));
  }
  return lines;
}

/** True when Cloud Run cannot pull the image directly (image.ts). */
function needsRemoteRepository(image: string): boolean {
  return !pullsDirectly(parseImage(image), false);
}

export function estimatePlatform(stack: { webServices: number; publicWebServices: number; databases: number }, _a: CostAssumptions): CostLine[] {
  if (stack.webServices === 0 && stack.databases === 0) return [];
  return [costLine("VPC network, subnet, private services access and Direct VPC egress", 1, PRICES.vpc)];
}

export function availability(kind: Spec["kind"], spec: Spec): Availability {
  switch (kind) {
    case "web-service":
      return { percent: 99.95, basis: "Cloud Run service, per project per region", source: SLA.cloudRun };
    case "database":
      return spec.kind === "database" && spec.highAvailability
        ? { percent: 99.95, basis: "Cloud SQL Enterprise edition, regional (HA) instance", source: SLA.cloudSql }
        : { basis: "Cloud SQL single-zone instance: excluded from the Cloud SQL SLA (set highAvailability: true for 99.95%)", source: SLA.cloudSql };
    case "object-store":
      return { percent: 99.9, basis: "Cloud Storage Standard class, regional location", source: SLA.gcs };
  }
}
