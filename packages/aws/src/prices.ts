/**
 * How AWS bills what the AWS backend creates: one rule per resource type,
 * priced from the region's lines in price-table.ts (each with its source), and
 * the published SLAs. A resource type that costs nothing of its own is listed
 * in FREE with the reason; docs/costs.md says how to add a priced line.
 */
import {
  type Availability,
  type BackendPricing,
  type CostLine,
  costLine,
  inputs,
  type PlannedResource,
  type Price,
  type PricingContext,
  type ResourcePricer,
  RegionPrices,
  type Source,
} from "@freehold/core";
import type { Component } from "@freehold/model";
import { CAPABILITIES } from "./capabilities";
import { LOG_RETENTION_DAYS } from "./naming";
import { PRICE_API } from "./price-catalog";
import { RDS_CLASSES } from "./sizes";
import { PRICE_TABLE } from "./price-table";
import { WORKLOAD_PRICED } from "./prices-workloads";

const reference = new RegionPrices(PRICE_TABLE, PRICE_TABLE.referenceRegion);
const { str, num } = inputs;

/** Hourly price of an RDS for PostgreSQL instance class, single-AZ and Multi-AZ (reference region: used to choose the cheapest class that fits). */
export interface RdsPrice {
  single: Price;
  multiAz: Price;
}

/** RDS for PostgreSQL on-demand prices in the reference region, by class. */
export const RDS_PRICES: Record<string, RdsPrice> = Object.fromEntries(
  Object.keys(PRICE_TABLE.regions[PRICE_TABLE.referenceRegion] ?? {})
    .filter((k) => k.startsWith("rds.db.") && !k.endsWith(".multiAz"))
    .map((k) => [k.slice(4), { single: reference.get(k), multiAz: reference.get(`${k}.multiAz`) }]),
);

/** Reference-region prices the size tables and migration read. */
export const PRICES = {
  fargateVcpu: reference.get("fargate.vcpu"),
  fargateMemory: reference.get("fargate.memory"),
  internetEgress: reference.get("egress.internet"),
} satisfies Record<string, Price>;

/** Data an ECS task pulls through the NAT gateway a month besides its logs (image layers, AWS API calls): an assumption, stated on the line. */
export const NAT_GIB_PER_SERVICE = 10;

const sameComponent = (ctx: PricingContext, r: PlannedResource, type: string) => ctx.resources.filter((x) => x.type === type && x.parent === r.parent);

/** ECS service on Fargate: vCPU and memory of every running task, all month. */
const ecsService: ResourcePricer = (r, ctx) => {
  const c = ctx.component;
  const spec = c?.spec.kind === "web-service" || c?.spec.kind === "worker" ? c.spec : undefined;
  const task = sameComponent(ctx, r, "aws:ecs/taskDefinition:TaskDefinition")[0];
  const cpu = c?.size?.cpu ?? Number(str(task?.inputs.cpu) ?? 256) / 1024;
  const mem = c?.size?.memoryGiB ?? Number(str(task?.inputs.memory) ?? 512) / 1024;
  const tasks = (spec && c ? ctx.usageOf({ name: c.name, kind: spec.kind }).averageInstances : undefined) ?? num(r.inputs.desiredCount) ?? 1;
  const hours = ctx.hours * tasks;
  return [
    costLine(`Fargate vCPU, ${tasks} task(s) x ${cpu} vCPU`, cpu * hours, ctx.prices.get("fargate.vcpu")),
    costLine(`Fargate memory, ${tasks} task(s) x ${mem} GB`, mem * hours, ctx.prices.get("fargate.memory")),
  ];
};

/** Application Load Balancer: hours, capacity units from the requests and bytes served, and for an internet-facing one its public addresses and internet egress. */
const loadBalancer: ResourcePricer = (r, ctx) => {
  const c = ctx.component;
  const u = c ? ctx.usageOf({ name: c.name, kind: "web-service" }) : { requestsMillions: 0, egressGiB: 0 };
  // An LCU is the larger of 1 GB processed an hour and 25 new connections a second (one request per connection assumed).
  const lcus = Math.max(u.egressGiB / ctx.hours, (u.requestsMillions * 1e6) / (ctx.hours * 3600) / 25);
  const lines = [
    costLine("Application Load Balancer", ctx.hours, ctx.prices.get("alb.hour")),
    costLine(`Load balancer capacity units (${u.requestsMillions} M requests, ${u.egressGiB} GB)`, lcus * ctx.hours, ctx.prices.get("alb.lcu"), "usage"),
  ];
  if (r.inputs.internal === false) {
    const subnets = Array.isArray(r.inputs.subnets) ? r.inputs.subnets.length : 2;
    lines.push(costLine(`Load balancer public IPv4 addresses (${subnets}, one per subnet)`, subnets * ctx.hours, ctx.prices.get("ipv4.hour")));
    lines.push(costLine("Internet data transfer out", u.egressGiB, ctx.prices.get("egress.internet"), "usage"));
  }
  return lines;
};

/** CloudFront in front of a public service without a domain: the service's egress and requests go out through it. */
const distribution: ResourcePricer = (_r, ctx) => {
  const c = ctx.component;
  const u = c ? ctx.usageOf({ name: c.name, kind: "web-service" }) : { requestsMillions: 0, egressGiB: 0 };
  return [
    costLine("CloudFront data transfer out", u.egressGiB, ctx.prices.get("cloudfront.egress"), "usage"),
    costLine("CloudFront HTTPS requests", u.requestsMillions * 100, ctx.prices.get("cloudfront.https"), "usage"),
  ];
};

/** The NAT gateway Freehold creates (never with a network the stack brings): hours and the data its services send out through it. */
const natGateway: ResourcePricer = (_r, ctx) => {
  // Every component that runs tasks pulls its image and sends its logs through the NAT gateway.
  const services = ctx.components.filter((c) => c.kind === "web-service" || c.kind === "worker" || c.kind === "scheduled-job");
  const gib = services.reduce((a, c) => a + NAT_GIB_PER_SERVICE + ctx.usageOf({ name: c.name, kind: c.kind as "web-service" | "worker" | "scheduled-job" }).logGiB, 0);
  return [
    costLine("NAT gateway (one, shared by the stack)", ctx.hours, ctx.prices.get("nat.hour")),
    costLine(`NAT gateway data processed (${NAT_GIB_PER_SERVICE} GB of image pulls and API calls per service, assumed, plus its logs)`, gib, ctx.prices.get("nat.data"), "usage"),
  ];
};

/** An Elastic IP (the NAT gateway's public address). */
const eip: ResourcePricer = (_r, ctx) => [costLine("Public IPv4 address (NAT gateway)", ctx.hours, ctx.prices.get("ipv4.hour"))];

/** A gateway endpoint (S3) is free; an interface endpoint would be billed per hour, which Freehold does not create. */
const vpcEndpoint: ResourcePricer = (r) => {
  if (r.inputs.vpcEndpointType === "Gateway") return [];
  throw new Error(`no price for a ${String(r.inputs.vpcEndpointType)} VPC endpoint: add one to the AWS price table`);
};

/** The RDS instance: instance hours, storage (grown by the usage's data growth, up to the storage autoscaling limit), the RDS-managed master secret. */
const rdsInstance: ResourcePricer = (r, ctx) => {
  const cls = str(r.inputs.instanceClass) ?? "";
  const multiAz = r.inputs.multiAz === true;
  const c = ctx.component;
  const u = c ? ctx.usageOf({ name: c.name, kind: "database" }) : { dataGiB: 0, storageGrowthGiB: 0, logGiB: 0 };
  const allocated = num(r.inputs.allocatedStorage) ?? 20;
  const storage = grownStorage(allocated, num(r.inputs.maxAllocatedStorage), u.dataGiB + u.storageGrowthGiB * ctx.usage.months);
  const lines = [
    costLine(`RDS ${cls}${multiAz ? " Multi-AZ" : ""}`, ctx.hours, ctx.prices.get(`rds.${cls}${multiAz ? ".multiAz" : ""}`)),
    costLine(
      `RDS gp3 storage, ${storage} GB${storage > allocated ? ` (grown from ${allocated} GB by storage autoscaling)` : ""}`,
      storage,
      ctx.prices.get(multiAz ? "rds.gp3.multiAz" : "rds.gp3"),
      storage > allocated ? "usage" : "fixed",
    ),
  ];
  if (r.inputs.manageMasterUserPassword === true) lines.push(costLine("Secrets Manager secret (the RDS-managed master password)", 1, ctx.prices.get("secrets.secret")));
  lines.push(...extendedSupport(r, ctx, cls, multiAz));
  // Without deletion protection a destroy deletes the instance; with backups.keepOnDelete its final snapshot stays until deleted by hand,
  // and its automated backups until their retention period ends, billed as backup storage.
  if (!r.options.retainOnDelete) {
    const data = u.dataGiB + u.storageGrowthGiB * ctx.usage.months;
    const kept = data > 0 ? data : allocated;
    const what = data > 0 ? "the data" : "the provisioned storage, at most";
    if (r.inputs.skipFinalSnapshot === false) {
      lines.push({ ...costLine(`final snapshot kept after a destroy until you delete it, ${kept} GB (${what})`, kept, ctx.prices.get("rds.backup"), "usage"), afterDestroy: true });
    }
    const days = num(r.inputs.backupRetentionPeriod) ?? 0;
    if (r.inputs.deleteAutomatedBackups === false && days > 0) {
      const share = Math.min(days, 30) / 30;
      lines.push({ ...costLine(`automated backups kept ${days} days after a destroy, then deleted by RDS, ${kept} GB (${what}; the cost of those days)`, kept * share, ctx.prices.get("rds.backup"), "usage"), afterDestroy: true });
    }
  }
  return lines;
};

/**
 * RDS Extended Support, billed per vCPU-hour (the standby of a Multi-AZ instance
 * too) once the major version has left standard support, when the instance is
 * enrolled: priced when the version's end of standard support (the capability
 * row's date) falls before the price line's date, at the year 1-2 or year 3 rate.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support-charges.html
 */
function extendedSupport(r: PlannedResource, ctx: PricingContext, cls: string, multiAz: boolean): CostLine[] {
  if (r.inputs.engineLifecycleSupport === "open-source-rds-extended-support-disabled") return [];
  const major = (str(r.inputs.engineVersion) ?? "").split(".")[0];
  const end = CAPABILITIES.find((c) => c.feature === `database.postgres-${major}`)?.endOfSupport;
  const yr1 = ctx.prices.get("rds.extendedSupport.yr1");
  if (!end || end >= yr1.source.date) return [];
  const yearsIn = (Date.parse(`${yr1.source.date}T00:00:00Z`) - Date.parse(`${end}T00:00:00Z`)) / (365.25 * 86_400_000);
  const price = yearsIn >= 2 ? ctx.prices.get("rds.extendedSupport.yr3") : yr1;
  const vcpus = (RDS_CLASSES.find((c) => c.sku === cls)?.cpu ?? 0) * (multiAz ? 2 : 1);
  return [costLine(`RDS Extended Support for PostgreSQL ${major} (standard support ended ${end}), ${vcpus} vCPU${multiAz ? " with the standby" : ""}`, vcpus * ctx.hours, price)];
}

/**
 * RDS storage autoscaling adds storage when free space falls below 10%
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html),
 * up to the maximum; the grown size is taken as the data plus that 10%.
 */
export function grownStorage(allocated: number, max: number | undefined, dataGiB: number): number {
  const needed = Math.ceil(dataGiB / 0.9);
  return Math.min(Math.max(allocated, needed), max ?? allocated);
}

/** Rejected-traffic records the VPC's flow log writes a month (REJECT only, 10-minute aggregation): an assumption, stated on the line. */
export const FLOW_LOG_GIB = 1;

/** Access-log data a load balancer or CloudFront writes per million requests, gzip-compressed as both deliver it (about 1 KB a record before compression): an assumption, stated on the line. */
export const ACCESS_LOG_GIB_PER_MILLION = 0.1;

/**
 * A component's own log volume a month: a major-upgrade log, the role job's log or a scheduled job's state-machine
 * log (failed runs only, at ERROR without payloads) is a few kilobytes a run (none); the VPC's flow log is assumed.
 */
function logVolume(r: PlannedResource, ctx: PricingContext): number {
  const c = ctx.component;
  const name = str(r.inputs.name) ?? "";
  if (name.endsWith("/vpc-flow-logs")) return FLOW_LOG_GIB;
  if (!c || name.endsWith("/upgrade") || name.endsWith("-roles") || name.startsWith("/aws/vendedlogs/states/")) return 0;
  return c.kind === "object-store" ? 0 : ctx.usageOf({ name: c.name, kind: c.kind }).logGiB;
}

/** A CloudWatch log group: the component's log volume ingested, and stored for its retention. */
const logGroup: ResourcePricer = (r, ctx) => {
  const gib = logVolume(r, ctx);
  const retention = num(r.inputs.retentionInDays) ?? 3650;
  const stored = gib * Math.min(retention / 30, ctx.usage.months || 1);
  return [
    costLine(`CloudWatch Logs ingestion (${str(r.inputs.name) ?? r.name})`, gib, ctx.prices.get("logs.ingest"), "usage"),
    costLine(`CloudWatch Logs storage, ${retention} days kept`, stored, ctx.prices.get("logs.storage"), "usage"),
  ];
};

/** The stack's access-log buckets: every web service's load balancer logs, and CloudFront's for a public service without a domain; kept for the stack's log retention. */
function accessLogBucket(r: PlannedResource, ctx: PricingContext): CostLine[] {
  const cdn = r.name.endsWith("-cdn-logs");
  const services = ctx.components.filter((c) => c.spec.kind === "web-service" && (!cdn || (c.spec.public && !c.spec.domain)));
  const monthly = services.reduce((a, c) => a + ctx.usageOf({ name: c.name, kind: "web-service" }).requestsMillions * ACCESS_LOG_GIB_PER_MILLION, 0);
  const stored = monthly * Math.min(LOG_RETENTION_DAYS / 30, ctx.usage.months || 1);
  const what = cdn ? "CloudFront standard logs" : "load balancer access logs";
  return [costLine(`S3 Standard storage, ${what} (${ACCESS_LOG_GIB_PER_MILLION} GB per million requests, assumed)`, stored, ctx.prices.get("s3.standard"), "usage")];
}

/** An S3 bucket: current data (with growth), old versions where versioning is on, requests, and downloads straight from the bucket. */
const bucket: ResourcePricer = (r, ctx) => {
  const c = ctx.component;
  if (!c && /-(alb|cdn)-logs$/.test(r.name)) return accessLogBucket(r, ctx);
  if (c?.kind !== "object-store") return [];
  const u = ctx.usageOf({ name: c.name, kind: "object-store" });
  const versioned = ctx.resources.some((x) => x.type === "aws:s3/bucketVersioning:BucketVersioning" && x.parent === r.parent && (x.inputs.versioningConfiguration as { status?: string })?.status === "Enabled");
  const current = u.storageGiB + u.storageGrowthGiB * ctx.usage.months;
  const lines = [
    costLine(`S3 Standard storage, ${current} GB`, current, ctx.prices.get("s3.standard"), "usage"),
    costLine("S3 PUT, COPY, POST, LIST requests", u.writesThousands, ctx.prices.get("s3.tier1"), "usage"),
    costLine("S3 GET requests", u.readsThousands, ctx.prices.get("s3.tier2"), "usage"),
  ];
  if (versioned && u.noncurrentPercent > 0) lines.push(costLine(`S3 Standard storage, old object versions (${u.noncurrentPercent}% of current data)`, (current * u.noncurrentPercent) / 100, ctx.prices.get("s3.standard"), "usage"));
  if (u.egressGiB > 0) lines.push(costLine("Internet data transfer out from the bucket (downloads, signed URLs)", u.egressGiB, ctx.prices.get("egress.internet"), "usage"));
  return lines;
};

/** An AWS WAF web ACL: the ACL, each of its rules (a managed rule group is one), and every request it inspects (all the service's requests). */
const webAcl: ResourcePricer = (r, ctx) => {
  const c = ctx.component;
  const u = c ? ctx.usageOf({ name: c.name, kind: "web-service" }) : { requestsMillions: 0 };
  const rules = Array.isArray(r.inputs.rules) ? r.inputs.rules.length : 0;
  return [
    costLine("AWS WAF web ACL", 1, ctx.prices.get("waf.webAcl")),
    costLine(`AWS WAF rules and managed rule groups (${rules})`, rules, ctx.prices.get("waf.rule")),
    costLine(`AWS WAF requests inspected (${u.requestsMillions} M)`, u.requestsMillions, ctx.prices.get("waf.requests"), "usage"),
  ];
};

/** Container Insights metrics a cluster and each of its services publish (the cluster, service and task-family dimensions of the metrics ECS lists): an assumption, stated on the line. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html */
export const INSIGHTS_METRICS = { cluster: 12, service: 20 };

/** An ECS cluster: free, but Container Insights (on by default) bills its metrics as custom metrics. */
const cluster: ResourcePricer = (r, ctx) => {
  const settings = Array.isArray(r.inputs.settings) ? (r.inputs.settings as Array<{ name?: string; value?: string }>) : [];
  if (!settings.some((x) => x.name === "containerInsights" && x.value !== "disabled")) return [];
  const services = ctx.resources.filter((x) => x.type === "aws:ecs/service:Service").length;
  const metrics = INSIGHTS_METRICS.cluster + INSIGHTS_METRICS.service * services;
  return [costLine(`Container Insights metrics (${metrics}: ${INSIGHTS_METRICS.cluster} for the cluster and ${INSIGHTS_METRICS.service} per service, assumed)`, metrics, ctx.prices.get("cw.metric"))];
};

const secret: ResourcePricer = (r, ctx) => [costLine(`Secrets Manager secret (${str(r.inputs.name) ?? r.name})`, 1, ctx.prices.get("secrets.secret"))];

const FREE = "no charge of its own";
export const pricing: BackendPricing = {
  table: PRICE_TABLE,
  api: PRICE_API,
  priced: {
    "aws:ecs/service:Service": ecsService,
    "aws:lb/loadBalancer:LoadBalancer": loadBalancer,
    "aws:cloudfront/distribution:Distribution": distribution,
    "aws:ec2/natGateway:NatGateway": natGateway,
    "aws:ec2/eip:Eip": eip,
    "aws:ec2/vpcEndpoint:VpcEndpoint": vpcEndpoint,
    "aws:rds/instance:Instance": rdsInstance,
    "aws:cloudwatch/logGroup:LogGroup": logGroup,
    "aws:s3/bucket:Bucket": bucket,
    "aws:secretsmanager/secret:Secret": secret,
    ...WORKLOAD_PRICED,
    "aws:wafv2/webAcl:WebAcl": webAcl,
    "aws:ecs/cluster:Cluster": cluster,
  },
  free: {
    "aws:ec2/vpc:Vpc": `${FREE}: VPCs, subnets and route tables are free (https://aws.amazon.com/vpc/pricing/)`,
    "aws:ec2/subnet:Subnet": `${FREE} (VPC pricing)`,
    "aws:ec2/routeTable:RouteTable": `${FREE} (VPC pricing)`,
    "aws:ec2/routeTableAssociation:RouteTableAssociation": `${FREE} (VPC pricing)`,
    "aws:ec2/internetGateway:InternetGateway": `${FREE}: traffic is billed as data transfer where it leaves`,
    "aws:ec2/securityGroup:SecurityGroup": `${FREE} (VPC pricing)`,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": `${FREE} (VPC pricing)`,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": `${FREE} (VPC pricing)`,
    "aws:lambda/function:Function": `${FREE} in practice: the role job's function runs for a minute or two when a database's roles change, within Lambda's monthly free tier of 400,000 GB-seconds (https://aws.amazon.com/lambda/pricing/); its Fargate task runs as briefly, a fraction of a cent`,
    "aws:wafv2/ipSet:IpSet": `${FREE}: IP sets have no charge; the rule that uses one is billed on the web ACL`,
    "aws:wafv2/webAclAssociation:WebAclAssociation": `${FREE}: configuration of the web ACL`,
    "aws:lambda/invocation:Invocation": `${FREE}: the provider's call to the function during \`up\`, billed (if at all) as the function's requests`,
    "aws:ec2/flowLog:FlowLog": `${FREE}: its records are billed as the flow-log group's ingestion and storage`,
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": `${FREE} (VPC pricing)`,
    "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": `${FREE} (VPC pricing)`,
    "aws:ecs/taskDefinition:TaskDefinition": `${FREE}: billed as the service's running tasks`,
    "aws:appautoscaling/target:Target": `${FREE}: Application Auto Scaling has no charge`,
    "aws:appautoscaling/policy:Policy": `${FREE}: Application Auto Scaling has no charge`,
    "aws:lb/targetGroup:TargetGroup": `${FREE}: part of the load balancer's hourly and LCU charges`,
    "aws:lb/listener:Listener": `${FREE}: part of the load balancer's hourly and LCU charges`,
    "aws:acm/certificate:Certificate": `${FREE}: public ACM certificates are free (https://aws.amazon.com/certificate-manager/pricing/)`,
    "aws:acm/certificateValidation:CertificateValidation": `${FREE}: a wait for DNS validation, no AWS resource`,
    "aws:cloudfront/vpcOrigin:VpcOrigin": `${FREE}: CloudFront VPC origins have no additional charge; traffic is billed on the distribution`,
    "aws:iam/role:Role": `${FREE}: IAM has no charge`,
    "aws:iam/rolePolicy:RolePolicy": `${FREE}: IAM has no charge`,
    "aws:rds/subnetGroup:SubnetGroup": `${FREE}: configuration of the RDS instance`,
    "aws:rds/parameterGroup:ParameterGroup": `${FREE}: configuration of the RDS instance`,
    "aws:secretsmanager/secretVersion:SecretVersion": `${FREE}: Secrets Manager bills per secret, not per version`,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": `${FREE}: bucket configuration`,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": `${FREE}: bucket configuration`,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": `${FREE}: SSE-S3 encryption has no charge`,
    "aws:s3/bucketVersioning:BucketVersioning": `${FREE}: configuration; old versions are billed as storage on the bucket`,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": `${FREE}: expirations are free; transitions would be billed per request (Freehold only expires)`,
    "aws:s3/bucketPolicy:BucketPolicy": `${FREE}: bucket configuration`,
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": `${FREE}: bucket configuration`,
  },
};

const SLA = {
  rds: { name: "Amazon RDS Service Level Agreement", date: "2024-01-22", url: "https://aws.amazon.com/rds/sla/" },
  compute: { name: "Amazon Compute SLA (covers ECS on Fargate) as summarised by a third party (logicata); confirm", date: "2026-10-01", url: "https://aws.amazon.com/compute/sla/", estimate: true },
  s3: { name: "Amazon S3 Service Level Agreement (2019 version; confirm it is current)", date: "2019-10-01", url: "https://aws.amazon.com/s3/sla/", estimate: true },
} satisfies Record<string, Source>;

/** Published availability as configured. */
export function availability(kind: Component["kind"], spec: Component): Availability {
  if (kind === "database" && spec.kind === "database") {
    return spec.highAvailability
      ? { percent: 99.95, basis: "RDS Multi-AZ DB instance", source: SLA.rds }
      : { percent: 99.5, basis: "RDS single-AZ DB instance", source: SLA.rds };
  }
  if (kind === "object-store") return { percent: 99.9, basis: "S3 Standard", source: SLA.s3 };
  return { percent: 99.99, basis: "ECS on Fargate, tasks in two availability zones (region-level Compute SLA)", source: SLA.compute };
}

/** The RDS price of a class in the reference region, single-AZ or Multi-AZ. */
export function rdsPrice(sku: string, multiAz: boolean): Price | undefined {
  const p = RDS_PRICES[sku];
  return p && (multiAz ? p.multiAz : p.single);
}

