/**
 * AWS list prices for eu-west-2 (London), USD, each with its source and date.
 * Figures not found in a price feed are marked `estimate: true` and say how
 * they were derived. Estimates and availability figures are built from this table only.
 */
import {
  type Availability,
  type CostAssumptions,
  type CostLine,
  costLine,
  round,
  type Price,
  type SizeChoice,
  type Source,
} from "@freehold/core";
import type { Database, ObjectStore, WebService } from "@freehold/model";

const ECS: Source = {
  name: "AWS Price List AmazonECS eu-west-2 offer file (EUW2-Fargate-vCPU-Hours:perCPU, EUW2-Fargate-GB-Hours), as quoted in a third-party cost document and theuves/fgcalc src/utils/data.js",
  date: "2026-09-11",
  url: "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonECS/current/eu-west-2/index.json",
};
const ELB: Source = {
  name: "AWS Price List AWSELB eu-west-2 offer file (EUW2-LoadBalancerUsage, EUW2-LCUUsage), mooncitizen/togen testdata/AWSELB-eu-west-2.csv",
  date: "2026-08-31",
  url: "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSELB/current/eu-west-2/index.json",
};
const RDS: Source = {
  name: "AWS Price List AmazonRDS eu-west-2 offer file, mooncitizen/togen testdata/AmazonRDS-eu-west-2.csv",
  date: "2026-09-04",
  url: "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/current/eu-west-2/index.json",
};
const S3: Source = {
  name: "AWS Price List AmazonS3 eu-west-2 offer file",
  date: "2026-09-28",
  url: "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonS3/current/eu-west-2/index.json",
};
const estimated = (name: string, url?: string): Source => ({ name, date: "2026-10-01", url, estimate: true });

const RDS_EST_MAZ = estimated("Multi-AZ taken as 2x the single-AZ eu-west-2 price, the pattern of the sourced t4g.micro/t4g.medium/r6g.large pairs (AmazonRDS eu-west-2 offer file, 2026-09-04)");
const RDS_EST_RATIO = estimated(
  "eu-west-2 price not found: us-east-1 list price x 1.17 (London/US ratio of the sourced r6g.large pair, 0.264/0.225); sizes scale linearly within a family",
  "https://aws.amazon.com/rds/postgresql/pricing/",
);
const RDS_EST_R7G = estimated(
  "eu-west-2 price not found: the sourced r6g.large $0.264/h (AmazonRDS eu-west-2 offer file, 2026-09-04) x 1.06, an assumed r7g/r6g step; sizes scale linearly",
  "https://aws.amazon.com/rds/postgresql/pricing/",
);

/** Hourly price of an RDS for PostgreSQL instance class, single-AZ and Multi-AZ. */
export interface RdsPrice {
  single: Price;
  multiAz: Price;
}

const round4 = (n: number) => round(n, 4);
const hour = (usd: number, source: Source): Price => ({ usd, unit: "hour", source });
const rds = (single: number, singleSource: Source, multiAz: number, multiAzSource: Source): RdsPrice => ({
  single: hour(single, singleSource),
  multiAz: hour(multiAz, multiAzSource),
});
const rdsScaled = (single: number, singleSource: Source): RdsPrice => rds(single, singleSource, round4(single * 2), RDS_EST_MAZ);

/** RDS for PostgreSQL on-demand prices, eu-west-2. */
export const RDS_PRICES: Record<string, RdsPrice> = {
  "db.t4g.micro": rds(0.018, RDS, 0.036, RDS),
  "db.t4g.small": rdsScaled(0.036, RDS),
  "db.t4g.medium": rds(0.072, RDS, 0.145, RDS),
  "db.m7g.large": rdsScaled(0.197, RDS_EST_RATIO),
  "db.m7g.xlarge": rdsScaled(0.393, RDS_EST_RATIO),
  "db.m7g.2xlarge": rdsScaled(0.786, RDS_EST_RATIO),
  "db.m7g.4xlarge": rdsScaled(1.572, RDS_EST_RATIO),
  "db.m7g.8xlarge": rdsScaled(3.145, RDS_EST_RATIO),
  "db.m7g.12xlarge": rdsScaled(4.717, RDS_EST_RATIO),
  "db.m7g.16xlarge": rdsScaled(6.29, RDS_EST_RATIO),
  "db.r6g.large": rds(0.264, RDS, 0.529, RDS),
  "db.r7g.large": rdsScaled(0.28, RDS_EST_R7G),
  "db.r7g.xlarge": rdsScaled(0.56, RDS_EST_R7G),
  "db.r7g.2xlarge": rdsScaled(1.12, RDS_EST_R7G),
  "db.r7g.4xlarge": rdsScaled(2.24, RDS_EST_R7G),
  "db.r7g.8xlarge": rdsScaled(4.48, RDS_EST_R7G),
  "db.r7g.12xlarge": rdsScaled(6.72, RDS_EST_R7G),
  "db.r7g.16xlarge": rdsScaled(8.96, RDS_EST_R7G),
  "db.m6i.24xlarge": rdsScaled(9.997, RDS_EST_RATIO),
  "db.r6i.24xlarge": rdsScaled(14.04, RDS_EST_RATIO),
};

/** Every other list price the AWS backend uses. */
export const PRICES = {
  fargateVcpu: { usd: 0.04656, unit: "vCPU-hour", source: ECS },
  fargateMemory: { usd: 0.00511, unit: "GB-hour", source: ECS },
  albHour: { usd: 0.02646, unit: "hour", source: ELB },
  albLcu: { usd: 0.0084, unit: "LCU-hour", source: ELB },
  rdsGp3: { usd: 0.133, unit: "GB-month", source: { ...RDS, name: `${RDS.name} (EUW2-RDS:GP3-Storage)` } },
  rdsGp3MultiAz: { usd: 0.266, unit: "GB-month", source: estimated("Multi-AZ gp3 line not in the price slice: 2x the single-AZ gp3 price ($0.133), as Multi-AZ gp2 is $0.266") },
  s3Standard: { usd: 0.024, unit: "GB-month", source: { ...S3, name: `${S3.name} (Standard, first 50 TB)` } },
  s3Writes: { usd: 0.0053, unit: "1,000 requests", source: { ...S3, name: `${S3.name} (PUT, COPY, POST, LIST)` } },
  s3Reads: { usd: 0.0042, unit: "10,000 requests", source: { ...S3, name: `${S3.name} (GET)` } },
  internetEgress: { usd: 0.09, unit: "GB", source: { ...S3, name: `${S3.name} (data transfer out to the internet, after 100 GB/month free)` } },
  natHour: { usd: 0.05, unit: "hour", source: estimated("NAT gateway eu-west-2 hourly: not in the sourced feeds; third-party 2026 guides give $0.048-0.052 for London", "https://aws.amazon.com/vpc/pricing/") },
  natData: { usd: 0.05, unit: "GB", source: estimated("NAT gateway eu-west-2 data processed: not in the sourced feeds; third-party 2026 guides give $0.048-0.052/GB for London", "https://aws.amazon.com/vpc/pricing/") },
  publicIpv4: { usd: 0.005, unit: "hour", source: estimated("Public IPv4 address charge ($0.005 per IP-hour): not in the sourced feeds", "https://aws.amazon.com/vpc/pricing/") },
  cloudfrontEgress: { usd: 0.085, unit: "GB", source: estimated("CloudFront data transfer out, Europe, first 10 TB: not in the sourced feeds", "https://aws.amazon.com/cloudfront/pricing/") },
  cloudfrontRequests: { usd: 0.012, unit: "10,000 HTTPS requests", source: estimated("CloudFront HTTPS requests, Europe: not in the sourced feeds", "https://aws.amazon.com/cloudfront/pricing/") },
  secret: { usd: 0.4, unit: "secret-month", source: estimated("Secrets Manager, $0.40 per secret per month (API calls within the first 10,000 free of note): not in the sourced feeds", "https://aws.amazon.com/secrets-manager/pricing/") },
} satisfies Record<string, Price>;

/** Data processed by the NAT gateway per web service per month (image pulls, AWS API calls): an assumption. */
export const NAT_GIB_PER_SERVICE = 10;

const SLA = {
  rds: { name: "Amazon RDS Service Level Agreement", date: "2024-01-22", url: "https://aws.amazon.com/rds/sla/" },
  compute: estimated("Amazon Compute SLA (covers ECS on Fargate) as summarised by a third party (logicata); confirm", "https://aws.amazon.com/compute/sla/"),
  s3: { name: "Amazon S3 Service Level Agreement (2019 version; confirm it is current)", date: "2019-10-01", url: "https://aws.amazon.com/s3/sla/", estimate: true },
} satisfies Record<string, Source>;

/** Published availability as configured. */
export function availability(kind: "web-service" | "database" | "object-store", spec: WebService | Database | ObjectStore): Availability {
  if (kind === "database" && spec.kind === "database") {
    return spec.highAvailability
      ? { percent: 99.95, basis: "RDS Multi-AZ DB instance", source: SLA.rds }
      : { percent: 99.5, basis: "RDS single-AZ DB instance", source: SLA.rds };
  }
  if (kind === "object-store") return { percent: 99.9, basis: "S3 Standard", source: SLA.s3 };
  return { percent: 99.99, basis: "ECS on Fargate, tasks in two availability zones (region-level Compute SLA)", source: SLA.compute };
}

/** The RDS price of a class, single-AZ or Multi-AZ. */
export function rdsPrice(sku: string, multiAz: boolean): Price | undefined {
  const p = RDS_PRICES[sku];
  return p && (multiAz ? p.multiAz : p.single);
}

/** Monthly estimate for one component. */
export function estimate(component: { name: string; spec: WebService | Database | ObjectStore; size?: SizeChoice }, a: CostAssumptions): CostLine[] {
  const { spec, size } = component;
  const hours = a.hoursPerMonth;
  switch (spec.kind) {
    case "web-service": {
      const instances = a.averageInstances ?? Math.max(1, spec.scaling.min);
      const cpu = size?.cpu ?? 0.5;
      const mem = size?.memoryGiB ?? 1;
      // LCUs: the larger of processed bytes (1 GB/h per LCU) and new connections (25/s per LCU), one request per connection.
      const lcus = Math.max(a.egressGiB / hours, (a.requestsMillions * 1e6) / (hours * 3600) / 25);
      const lines = [
        costLine("Fargate vCPU", cpu * instances * hours, PRICES.fargateVcpu),
        costLine("Fargate memory", mem * instances * hours, PRICES.fargateMemory),
        costLine("Application Load Balancer", hours, PRICES.albHour),
        costLine("Load balancer capacity units", lcus * hours, PRICES.albLcu),
      ];
      if (spec.registry) lines.push(costLine("Secrets Manager secret (registry credentials)", 1, PRICES.secret));
      if (spec.public && !spec.domain) {
        lines.push(costLine("CloudFront data transfer out", a.egressGiB, PRICES.cloudfrontEgress));
        lines.push(costLine("CloudFront HTTPS requests", a.requestsMillions * 100, PRICES.cloudfrontRequests));
      } else if (spec.public) {
        lines.push(costLine("Load balancer public IPv4 addresses (2)", 2 * hours, PRICES.publicIpv4));
        lines.push(costLine("Internet data transfer out", a.egressGiB, PRICES.internetEgress));
      }
      return lines;
    }
    case "database": {
      const price = size ? rdsPrice(size.sku, spec.highAvailability) : undefined;
      const lines: CostLine[] = [];
      if (size && price) lines.push(costLine(`RDS ${size.sku}${spec.highAvailability ? " Multi-AZ" : ""}`, hours, price));
      lines.push(costLine("RDS gp3 storage", spec.storageGiB, spec.highAvailability ? PRICES.rdsGp3MultiAz : PRICES.rdsGp3));
      // The RDS-managed master secret and the two application roles' secrets.
      lines.push(costLine("Secrets Manager secrets (master, app, app_read)", 3, PRICES.secret));
      return lines;
    }
    case "object-store":
      return [
        costLine("S3 Standard storage", a.objectStorageGiB, PRICES.s3Standard),
        costLine("S3 PUT/COPY/POST/LIST requests", a.objectWritesThousands, PRICES.s3Writes),
        costLine("S3 GET requests", a.objectReadsThousands / 10, PRICES.s3Reads),
      ];
  }
}

/**
 * Monthly estimate for the shared platform. The VPC, subnets, route tables, the
 * S3 gateway endpoint and the ECS cluster cost nothing; the NAT gateway (and its
 * public IPv4 address) is the cost, and exists only when the stack has web services.
 */
export function estimatePlatform(stack: { webServices: number; publicWebServices: number; databases: number }, a: CostAssumptions): CostLine[] {
  if (stack.webServices === 0) return [];
  return [
    costLine("NAT gateway (one, shared by the stack)", a.hoursPerMonth, PRICES.natHour),
    costLine("NAT gateway public IPv4 address", a.hoursPerMonth, PRICES.publicIpv4),
    costLine(`NAT gateway data processed (${NAT_GIB_PER_SERVICE} GiB per web service, assumed)`, NAT_GIB_PER_SERVICE * stack.webServices, PRICES.natData),
  ];
}
