/**
 * How Google Cloud bills what the Google Cloud backend creates: one rule per
 * resource type, priced from the region's lines in price-table.ts (each with
 * its source), and the published SLAs. A resource type that costs nothing of its
 * own is listed in FREE with the reason; docs/costs.md says how to add a priced line.
 */
import { type Availability, type BackendPricing, type CostLine, costLine, inputs, type Price, type PricingContext, RegionPrices, type ResourcePricer, type Source } from "@freehold/core";
import type { Component, ComponentKind } from "@freehold/model";
import { CAPABILITIES } from "./capabilities";
import { PRICE_API } from "./price-catalog";
import { PRICE_TABLE } from "./price-table";
import { cloudLoggingLine, WORKLOAD_FREE, WORKLOAD_PRICED } from "./prices-workloads";

const reference = new RegionPrices(PRICE_TABLE, PRICE_TABLE.referenceRegion);
/** The day the price table describes: a version whose standard support ended by then is priced with extended support. */
export const PRICES_AS_OF = "2026-12-06";
const { str, num, obj } = inputs;

/** Reference-region prices migration reads. */
export const PRICES = {
  internetEgressGib: reference.get("egress.internet"),
} as const satisfies Record<string, Price>;


/**
 * A Cloud Run service: instances busy all month, billed per request (CPU during
 * requests) or per instance (background: CPU always allocated, no request fee),
 * its requests, the internet egress of its responses, and its log volume.
 */
const runService: ResourcePricer = (_r, ctx) => {
  const c = ctx.component;
  if (c?.spec.kind !== "web-service") return [];
  const spec = c.spec;
  const u = ctx.usageOf({ name: c.name, kind: "web-service" });
  const instances = Math.max(u.averageInstances ?? spec.scaling.min, spec.background ? 1 : 0);
  const cpu = c.size?.cpu ?? 1;
  const mem = c.size?.memoryGiB ?? 0.5;
  const seconds = instances * ctx.hours * 3600;
  const billing = spec.background ? "instance-based billing (CPU always allocated)" : "busy all month (free tier not applied)";
  return [
    costLine(`Cloud Run vCPU, ${instances} instance(s), ${cpu} vCPU, ${billing}`, seconds * cpu, ctx.prices.get(spec.background ? "run.vcpu.instance" : "run.vcpu")),
    costLine(`Cloud Run memory, ${mem} GiB per instance`, seconds * mem, ctx.prices.get(spec.background ? "run.memory.instance" : "run.memory")),
    ...(spec.background ? [] : [costLine("Cloud Run requests", u.requestsMillions, ctx.prices.get("run.requests"), "usage")]),
    costLine("internet egress", u.egressGiB, ctx.prices.get("egress.internet"), "usage"),
    cloudLoggingLine(ctx, u.logGiB),
  ];
};

/**
 * Cloud SQL grows the disk when it is nearly full (automatic storage increase,
 * https://cloud.google.com/sql/docs/postgres/instance-settings#automatic-storage-increase-2ndgen);
 * the grown size is taken as the data plus 10%.
 */
export function grownDisk(disk: number, autoResize: boolean, dataGiB: number): number {
  return autoResize ? Math.max(disk, Math.ceil(dataGiB / 0.9)) : disk;
}

/** A Cloud SQL instance: vCPU and memory of its tier, zonal or regional (HA), and its SSD (after automatic storage increase). */
const sqlInstance: ResourcePricer = (r, ctx) => {
  const settings = obj(r.inputs.settings);
  const ha = settings.availabilityType === "REGIONAL";
  const where = ha ? "regional (HA)" : "zonal";
  const tier = str(settings.tier) ?? "";
  const c = ctx.component;
  const cpu = c?.size?.cpu ?? Number(/custom-(\d+)-/.exec(tier)?.[1] ?? 1);
  const mem = c?.size?.memoryGiB ?? Number(/custom-\d+-(\d+)/.exec(tier)?.[1] ?? 3840) / 1024;
  const u = c ? ctx.usageOf({ name: c.name, kind: "database" }) : { dataGiB: 0, storageGrowthGiB: 0, logGiB: 0 };
  const disk = num(settings.diskSize) ?? 10;
  const size = grownDisk(disk, settings.diskAutoresize === true, u.dataGiB + u.storageGrowthGiB * ctx.usage.months);
  const key = ha ? "regional" : "zonal";
  const lines: CostLine[] = [
    costLine(`Cloud SQL ${tier} vCPU, ${where}`, cpu * ctx.hours, ctx.prices.get(`sql.vcpu.${key}`)),
    costLine(`Cloud SQL ${tier} memory, ${where}`, mem * ctx.hours, ctx.prices.get(`sql.memory.${key}`)),
    costLine(`SSD storage, ${size} GiB, ${where}${size > disk ? ` (grown from ${disk} GiB by automatic storage increase)` : ""}`, size, ctx.prices.get(`sql.ssd.${key}`), size > disk ? "usage" : "fixed"),
    // Its connection, DDL and pgAudit logs (DATABASE_FLAGS) are Cloud Logging ingestion, like a service's.
    cloudLoggingLine(ctx, u.logGiB),
  ];
  // A major version past Cloud SQL's standard support is enrolled in paid extended support, per vCPU-hour.
  const version = /^POSTGRES_(\d+)/.exec(str(r.inputs.databaseVersion) ?? "")?.[1];
  const ended = CAPABILITIES.find((c) => c.feature === `database.postgres-${version}`)?.endOfSupport;
  if (ended && ended <= PRICES_AS_OF) {
    const p = ctx.prices.get(`sql.extended.${key}`);
    lines.push(costLine(`Cloud SQL extended support: PostgreSQL ${version} is past standard support (since ${ended})${p.usd === 0 ? "; price not known until `freehold prices refresh`" : ""}`, cpu * ctx.hours, p));
  }
  // Without deletion protection a destroy deletes the instance but keeps its final backup and its automated backups, billed as backup storage.
  if ((settings.retainBackupsOnDelete === true || obj(settings.finalBackupConfig).enabled === true) && !r.options.retainOnDelete) {
    const data = u.dataGiB + u.storageGrowthGiB * ctx.usage.months;
    const kept = data > 0 ? data : disk;
    lines.push({
      ...costLine(`backups kept after a destroy (the final backup and the retained automated backups), ${kept} GiB (${data > 0 ? "the data" : "the provisioned storage, at most"})`, kept, ctx.prices.get("sql.backup"), "usage"),
      afterDestroy: true,
    });
  }
  return lines;
};

/** A bucket: current data (with growth), noncurrent versions where versioning is on, operations, and downloads straight from it. */
const bucket: ResourcePricer = (r, ctx) => {
  const c = ctx.component;
  if (c?.kind !== "object-store") return [];
  const u = ctx.usageOf({ name: c.name, kind: "object-store" });
  const versioned = obj(r.inputs.versioning).enabled === true;
  const current = u.storageGiB + u.storageGrowthGiB * ctx.usage.months;
  const lines = [
    costLine(`Standard storage, ${current} GiB`, current, ctx.prices.get("gcs.standard"), "usage"),
    costLine("Class A operations (writes, lists)", u.writesThousands, ctx.prices.get("gcs.classA"), "usage"),
    costLine("Class B operations (reads)", u.readsThousands, ctx.prices.get("gcs.classB"), "usage"),
  ];
  if (versioned && u.noncurrentPercent > 0) lines.push(costLine(`Standard storage, noncurrent versions (${u.noncurrentPercent}% of current data)`, (current * u.noncurrentPercent) / 100, ctx.prices.get("gcs.standard"), "usage"));
  if (u.egressGiB > 0) lines.push(costLine("internet egress from the bucket (downloads, signed URLs)", u.egressGiB, ctx.prices.get("egress.internet"), "usage"));
  return lines;
};

/**
 * A regional forwarding rule: a Private Service Connect endpoint to a Cloud SQL
 * instance (billed per endpoint-hour), or the front of a regional external
 * Application Load Balancer under residency (billed per rule and per proxy instance, with data processed).
 */
const forwardingRule: ResourcePricer = (r, ctx) => {
  if (str(r.inputs.target)?.includes("/serviceAttachments/")) return [costLine("Private Service Connect endpoint (to Cloud SQL)", ctx.hours, ctx.prices.get("psc.endpoint"))];
  const lines = [costLine(`load balancer forwarding rule (${str(r.inputs.portRange) ?? r.name})`, ctx.hours, ctx.prices.get("lb.rule"))];
  if (str(r.inputs.target)?.includes("HttpsProxies") || (str(r.inputs.portRange) ?? "") === "443") lines.push(...lbTraffic(ctx, "regional load balancer proxy instance (one assumed; the region adds more with traffic)", "lb.proxy"));
  return lines;
};

/** A global forwarding rule of a global external Application Load Balancer (a custom domain without residency). */
const globalForwardingRule: ResourcePricer = (r, ctx) => {
  const lines = [costLine(`load balancer forwarding rule (${str(r.inputs.portRange) ?? r.name})`, ctx.hours, ctx.prices.get("lb.rule"))];
  if ((str(r.inputs.portRange) ?? "") === "443") lines.push(...lbTraffic(ctx));
  return lines;
};

function lbTraffic(ctx: PricingContext, proxyItem?: string, proxyKey?: string) {
  const c = ctx.component;
  const u = c ? ctx.usageOf({ name: c.name, kind: "web-service" }) : { egressGiB: 0 };
  const lines = [costLine("data processed by the load balancer", u.egressGiB, ctx.prices.get("lb.data"), "usage")];
  if (proxyItem && proxyKey) lines.unshift(costLine(proxyItem, ctx.hours, ctx.prices.get(proxyKey)));
  return lines;
}

/** A secret version: each active version is billed per location a month. */
const secretVersion: ResourcePricer = (_r, ctx) => [costLine("Secret Manager active secret version", 1, ctx.prices.get("secret.version"))];

/** A log bucket (residency): the stack's log volume kept beyond the 30 days included. */
const logBucket: ResourcePricer = (r, ctx) => {
  const retention = num(r.inputs.retentionDays) ?? 30;
  if (retention <= 30) return [];
  const gib = ctx.components.reduce((a, c) => a + (c.kind === "web-service" || c.kind === "worker" || c.kind === "scheduled-job" ? ctx.usageOf({ name: c.name, kind: c.kind }).logGiB : 0), 0);
  return [costLine(`Cloud Logging retention beyond 30 days (${retention} days kept)`, (gib * (retention - 30)) / 30, ctx.prices.get("logging.retention"), "usage")];
};

/**
 * A remote repository caching an image Cloud Run cannot pull directly (about
 * 1 GiB assumed), or the one that caches the role job's PostgreSQL client
 * image (117 MB compressed: docker-library/repo-info, postgres 17.11-alpine).
 */
const repository: ResourcePricer = (r, ctx) =>
  r.name.endsWith("-tool-images")
    ? [costLine("Artifact Registry remote repository: the role job's cached PostgreSQL client image, 0.11 GiB", TOOL_IMAGE_GIB, ctx.prices.get("registry.storage"))]
    : [costLine("Artifact Registry remote repository, about 1 GiB of cached image", 1, ctx.prices.get("registry.storage"))];
const TOOL_IMAGE_GIB = 0.11;

/** A Cloud Armor policy (ipAllowList, webApplicationFirewall): the policy, each rule, and every request it evaluates. */
const armor: ResourcePricer = (r, ctx) => {
  const rules = Array.isArray(r.inputs.rules) ? r.inputs.rules.length : 0;
  const c = ctx.component;
  const u = c?.kind === "web-service" ? ctx.usageOf({ name: c.name, kind: "web-service" }) : { requestsMillions: 0 };
  return [
    costLine("Cloud Armor security policy", 1, ctx.prices.get("armor.policy")),
    costLine(`Cloud Armor rules, ${rules}`, rules, ctx.prices.get("armor.rule")),
    costLine("Cloud Armor requests evaluated", u.requestsMillions, ctx.prices.get("armor.requests"), "usage"),
  ];
};

/** A private DNS zone: one per database, for the name its server certificate carries. */
const dnsZone: ResourcePricer = (_r, ctx) => [costLine("Cloud DNS private zone (the database's DNS name)", 1, ctx.prices.get("dns.zone"))];

const FREE = "no charge of its own";
export const pricing: BackendPricing = {
  table: PRICE_TABLE,
  api: PRICE_API,
  priced: {
    "gcp:cloudrunv2/service:Service": runService,
    "gcp:sql/databaseInstance:DatabaseInstance": sqlInstance,
    "gcp:storage/bucket:Bucket": bucket,
    "gcp:compute/forwardingRule:ForwardingRule": forwardingRule,
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": globalForwardingRule,
    "gcp:secretmanager/secretVersion:SecretVersion": secretVersion,
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": logBucket,
    "gcp:artifactregistry/repository:Repository": repository,
    ...WORKLOAD_PRICED,
    "gcp:dns/managedZone:ManagedZone": dnsZone,
    "gcp:compute/securityPolicy:SecurityPolicy": armor,
    "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy": armor,
  },
  free: {
    "gcp:projects/service:Service": `${FREE}: enabling an API is free`,
    "gcp:projects/serviceIdentity:ServiceIdentity": `${FREE}: a Google-managed service agent's identity (IAM is free)`,
    "gcp:compute/network:Network": `${FREE}: VPC networks are free (https://cloud.google.com/vpc/network-pricing); traffic is billed where it leaves`,
    "gcp:compute/subnetwork:Subnetwork": `${FREE}: subnets are free (VPC pricing)`,
    "gcp:compute/address:Address": `${FREE}: an address used by a forwarding rule is billed as the rule (VPC pricing: IP addresses)`,
    "gcp:compute/globalAddress:GlobalAddress": `${FREE}: an address used by a forwarding rule is billed as the rule`,
    "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup": `${FREE}: serverless NEGs are billed as the load balancer`,
    "gcp:compute/backendService:BackendService": `${FREE}: billed as the load balancer's forwarding rules and data`,
    "gcp:compute/regionBackendService:RegionBackendService": `${FREE}: billed as the load balancer's forwarding rules, proxies and data`,
    "gcp:compute/uRLMap:URLMap": `${FREE}: billed as the load balancer`,
    "gcp:compute/regionUrlMap:RegionUrlMap": `${FREE}: billed as the load balancer`,
    "gcp:compute/targetHttpsProxy:TargetHttpsProxy": `${FREE}: billed as the load balancer`,
    "gcp:compute/targetHttpProxy:TargetHttpProxy": `${FREE}: billed as the load balancer`,
    "gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy": `${FREE}: billed as the load balancer (its proxy instances are priced on the forwarding rule)`,
    "gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy": `${FREE}: billed as the load balancer`,
    "gcp:compute/sSLPolicy:SSLPolicy": `${FREE}: SSL policies are free`,
    "gcp:compute/regionSslPolicy:RegionSslPolicy": `${FREE}: SSL policies are free`,
    "gcp:certificatemanager/dnsAuthorization:DnsAuthorization": `${FREE}: Certificate Manager DNS authorizations are free`,
    "gcp:certificatemanager/certificate:Certificate": `${FREE}: Google-managed certificates: the first 100 are free (https://cloud.google.com/certificate-manager/pricing)`,
    "gcp:certificatemanager/certificateMap:CertificateMap": `${FREE}: billed per certificate (first 100 free)`,
    "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry": `${FREE}: billed per certificate (first 100 free)`,
    "gcp:sql/database:Database": `${FREE}: billed as the instance`,
    "gcp:sql/user:User": `${FREE}: billed as the instance`,
    "gcp:secretmanager/secret:Secret": `${FREE}: Secret Manager bills active versions, priced on each version`,
    "gcp:secretmanager/secretIamMember:SecretIamMember": `${FREE}: IAM is free`,
    "gcp:serviceaccount/account:Account": `${FREE}: service accounts are free`,
    "gcp:serviceaccount/iAMMember:IAMMember": `${FREE}: IAM is free`,
    "gcp:projects/iAMMember:IAMMember": `${FREE}: IAM is free`,
    "gcp:projects/iAMCustomRole:IAMCustomRole": `${FREE}: IAM is free`,
    "gcp:storage/bucketIAMMember:BucketIAMMember": `${FREE}: IAM is free`,
    "gcp:cloudrunv2/serviceIamMember:ServiceIamMember": `${FREE}: IAM is free`,
    "gcp:logging/projectSink:ProjectSink": `${FREE}: routing logs is free; the log bucket is priced`,
    "gcp:logging/projectExclusion:ProjectExclusion": `${FREE}: excluding logs is free`,
    ...WORKLOAD_FREE,
    "gcp:dns/recordSet:RecordSet": `${FREE}: records are billed as their zone; queries (a few per connection) are billed per million and not estimated`,
  },
};

const CAPTURED = "2026-10-01";

export const SLA = {
  cloudRun: { name: "Cloud Run SLA (99.95% per project per region)", date: CAPTURED, url: "https://cloud.google.com/run/sla" },
  cloudSql: { name: "Cloud SQL SLA: Enterprise edition with HA 99.95%; shared-core and single-zone instances excluded", date: CAPTURED, url: "https://cloud.google.com/sql/sla" },
  gcs: { name: "Cloud Storage SLA: Standard class in a regional location 99.9%", date: CAPTURED, url: "https://cloud.google.com/storage/sla" },
} as const satisfies Record<string, Source>;

export function availability(kind: ComponentKind, spec: Component): Availability {
  switch (kind) {
    case "web-service":
      return { percent: 99.95, basis: "Cloud Run service, per project per region", source: SLA.cloudRun };
    case "worker":
    case "scheduled-job":
      return { percent: 99.95, basis: `Cloud Run ${kind === "worker" ? "worker pool" : "job"}, per project per region`, source: SLA.cloudRun };
    case "database":
      return spec.kind === "database" && spec.highAvailability
        ? { percent: 99.95, basis: "Cloud SQL Enterprise edition, regional (HA) instance", source: SLA.cloudSql }
        : { basis: "Cloud SQL single-zone instance: excluded from the Cloud SQL SLA (set highAvailability: true for 99.95%)", source: SLA.cloudSql };
    case "object-store":
      return { percent: 99.9, basis: "Cloud Storage Standard class, regional location", source: SLA.gcs };
  }
}
