/**
 * The stack-level platform: one VPC across two availability zones, created
 * lazily so that a stack pays only for what it uses, or the VPC and subnets the
 * user brings (`network.aws`), in which case Freehold creates no network at all.
 *
 * - First database or web service: the VPC and two private subnets (and, for
 *   databases, the DB subnet group). A database-only stack has no internet
 *   gateway and no NAT.
 * - First web service: public subnets with an internet gateway, one shared NAT
 *   gateway for the private subnets' egress, an S3 gateway endpoint (free; keeps
 *   S3 traffic off the NAT), and the stack's ECS cluster.
 *
 * Every regional resource Freehold creates carries the stack's region as its own
 * `region` argument (AWS provider v7), and so does every invoke: the plan's
 * region is where everything lands, whatever region the provider (default or
 * explicit) is configured for. Availability zones are the region's own
 * (ec2:DescribeAvailabilityZones through the getAvailabilityZones invoke,
 * Availability Zones only, no Local or Wavelength Zones), not letters appended
 * to the region code.
 */
import { CREATE_FIRST, logicalName, type StackContext } from "@freehold/core";
import * as ec2 from "@pulumi/aws/ec2";
import * as ecs from "@pulumi/aws/ecs";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { Provider } from "@pulumi/aws/provider";
import * as rds from "@pulumi/aws/rds";
import type * as s3 from "@pulumi/aws/s3";
import * as pulumi from "@pulumi/pulumi";
import { names, sharedTags } from "./naming";
import { albLogDelivery, guardVpc, logBucket } from "./platform-logs";
import type { PlatformResources } from "./resources";

export const VPC_CIDR = "10.0.0.0/16";
/** Two /19 private subnets (room for many Fargate tasks, one IP each) and two /20 public subnets. */
export const SUBNET_CIDRS = { private: ["10.0.0.0/19", "10.0.32.0/19"], public: ["10.0.128.0/20", "10.0.144.0/20"] } as const;
/** Logical-name suffixes of the two zones' subnets (the zones themselves come from the region). */
export const ZONE_SUFFIXES = ["a", "b"] as const;
/** The getAvailabilityZones filter: Availability Zones only (Local Zones and Wavelength Zones are listed too when opted in). */
export const ZONE_FILTER = [{ name: "zone-type", values: ["availability-zone"] }];

export interface Network {
  vpcId: pulumi.Output<string>;
  /**
   * Every IPv4 CIDR block of the VPC, its primary and any secondary blocks the user
   * associated: what "inside the VPC" means for a private service (tasks and
   * clients may have addresses in any of them).
   * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html
   */
  cidrs: pulumi.Output<string[]>;
  privateSubnetIds: pulumi.Output<string>[];
  /** True when the VPC is the user's (`network.aws`). */
  existing: boolean;
}

export interface WebPlatform extends Network {
  /** Undefined for an existing network given without public subnets. */
  publicSubnetIds?: pulumi.Output<string>[];
  /** The internet gateway Freehold made (none on an existing network). */
  internetGateway?: ec2.InternetGateway;
  cluster: ecs.Cluster;
}

export class AwsPlatform {
  /** The stack's AWS region: the `region` argument of every regional resource and invoke. */
  readonly region: string;
  /** The two Availability Zones of the region the subnets go in. */
  readonly zones: pulumi.Output<string[]>;
  /** Every shared resource created so far, by role. */
  readonly resources: PlatformResources = {};
  private net?: Network;
  private webNet?: WebPlatform;
  private subnetGroup?: rds.SubnetGroup;
  private account?: pulumi.Output<{ accountId: string; partition: string }>;
  private readonly prefixLists = new Map<string, pulumi.Output<string>>();
  private albLogBucket?: ReturnType<typeof logBucket>;
  private cdnLogBucket?: ReturnType<typeof logBucket>;

  constructor(
    readonly stack: StackContext,
    readonly parent: pulumi.ComponentResource,
  ) {
    this.region = stack.region.region;
    warnOnProviderRegion(parent, stack);
    this.zones = getAvailabilityZonesOutput({ filters: ZONE_FILTER, region: this.region }, { parent }).names.apply((all) => twoZones(all));
  }

  /** The deploying account and its partition (sts:GetCallerIdentity), for trust policy conditions. */
  identity(): pulumi.Output<{ accountId: string; partition: string }> {
    this.account ??= getCallerIdentityOutput({}, { parent: this.parent }).apply((c) => ({ accountId: String(c?.accountId ?? ""), partition: String(c?.arn ?? "arn:aws").split(":")[1] || "aws" }));
    return this.account;
  }

  /** The id of an AWS-managed prefix list in the stack's region, looked up once per platform. */
  prefixList(name: string): pulumi.Output<string> {
    let id = this.prefixLists.get(name);
    if (!id) {
      id = ec2.getManagedPrefixListOutput({ name, region: this.region }, { parent: this.parent }).id;
      this.prefixLists.set(name, id);
    }
    return id;
  }

  /** Options for a shared resource: a child of the platform (its providers, protection, transformations). */
  private opts(extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
    return { parent: this.parent, ...extra };
  }

  /** Logical names come from the platform's own name, so two platforms (two providers) never share a URN. */
  private logical(role: string): string {
    return `${logicalName(this.parent)}-${role}`;
  }

  private tags(role: string) {
    return sharedTags(this.stack, `${this.stack.name}-${role}`);
  }

  /** The VPC and private subnets. */
  network(): Network {
    if (this.net) return this.net;
    const existing = this.stack.network?.aws;
    if (existing) {
      const vpc = ec2.getVpcOutput({ id: existing.vpcId, region: this.region }, { parent: this.parent });
      this.net = { vpcId: pulumi.output(existing.vpcId), cidrs: pulumi.all([vpc.cidrBlock, vpc.cidrBlockAssociations]).apply(([primary, all]) => vpcCidrs(primary, all)), privateSubnetIds: existing.privateSubnetIds.map((id) => pulumi.output(id)), existing: true };
      return this.net;
    }
    const vpc = new ec2.Vpc(
      this.logical("vpc"),
      { cidrBlock: VPC_CIDR, enableDnsSupport: true, enableDnsHostnames: true, region: this.region, tags: this.tags("vpc") },
      this.opts(),
    );
    const priv = ZONE_SUFFIXES.map(
      (z, i) =>
        new ec2.Subnet(
          this.logical(`private-${z}`),
          {
            vpcId: vpc.id,
            availabilityZone: this.zones.apply((zones) => zones[i] as string),
            cidrBlock: SUBNET_CIDRS.private[i],
            mapPublicIpOnLaunch: false,
            region: this.region,
            tags: this.tags(`private-${z}`),
          },
          this.opts(),
        ),
    );
    Object.assign(this.resources, { vpc, ...Object.fromEntries(priv.map((r, i) => [`private-${ZONE_SUFFIXES[i]}`, r])), ...guardVpc(this.logContext(), vpc) });
    this.net = { vpcId: vpc.id, cidrs: pulumi.output([VPC_CIDR]), privateSubnetIds: priv.map((p) => p.id), existing: false };
    return this.net;
  }

  /** What the stack's own logs need of the platform. */
  private logContext() {
    return { stack: this.stack, region: this.region, parent: this.parent, logical: (r: string) => this.logical(r), tags: (r: string) => this.tags(r), identity: () => this.identity() };
  }

  /** The bucket load balancers write their access logs to (one per platform). */
  albLogs(): s3.Bucket {
    if (!this.albLogBucket) {
      const made = logBucket(this.logContext(), "alb-logs", albLogDelivery(this.region, this.parent, this.identity().apply((id) => id.accountId)));
      Object.assign(this.resources, made.resources);
      this.albLogBucket = made;
    }
    return this.albLogBucket.bucket;
  }

  /** What a load balancer's access logs wait for: the bucket policy that lets Elastic Load Balancing write (it checks when logging is turned on). */
  albLogsReady(): pulumi.Resource[] {
    this.albLogs();
    return this.albLogBucket ? [this.albLogBucket.policy] : [];
  }

  /** The bucket CloudFront writes its standard logs to (one per platform, ACLs enabled for CloudFront's log delivery). */
  cdnLogs(): { bucket: s3.Bucket; ready: pulumi.Resource[] } {
    if (!this.cdnLogBucket) {
      const made = logBucket(this.logContext(), "cdn-logs", () => pulumi.output([]));
      Object.assign(this.resources, made.resources);
      this.cdnLogBucket = made;
    }
    return { bucket: this.cdnLogBucket.bucket, ready: [this.cdnLogBucket.ownership, this.cdnLogBucket.policy] };
  }

  /** The DB subnet group over the private subnets. */
  dbSubnetGroup(): rds.SubnetGroup {
    if (this.subnetGroup) return this.subnetGroup;
    const n = this.network();
    this.subnetGroup = new rds.SubnetGroup(
      this.logical("db-subnets"),
      {
        name: names.dbSubnetGroup(this.stack.prefix),
        description: "Freehold databases: private subnets only",
        subnetIds: n.privateSubnetIds,
        region: this.region,
        tags: this.tags("db-subnets"),
      },
      // Replaced only by a region change (its name is unique per region; the subnets are updated in place): created first, and the
      // old one deleted after the instances that use it (RDS refuses to delete a subnet group an instance uses).
      { ...this.opts(), ...CREATE_FIRST },
    );
    this.resources.dbSubnetGroup = this.subnetGroup;
    return this.subnetGroup;
  }

  /** Public subnets, internet gateway, NAT egress, S3 gateway endpoint and the ECS cluster (only the cluster on an existing network). */
  web(): WebPlatform {
    if (this.webNet) return this.webNet;
    const n = this.network();
    // Container Insights (FSBP ECS.12): per-service CPU, memory, network and task metrics, priced in the estimate.
    const cluster = new ecs.Cluster(
      this.logical("cluster"),
      { name: names.cluster(this.stack.prefix), settings: [{ name: "containerInsights", value: "enabled" }], region: this.region, tags: this.tags("cluster") },
      this.opts(),
    );
    this.resources.cluster = cluster;
    const existing = this.stack.network?.aws;
    if (existing) {
      this.webNet = { ...n, ...(existing.publicSubnetIds ? { publicSubnetIds: existing.publicSubnetIds.map((id) => pulumi.output(id)) } : {}), cluster };
      return this.webNet;
    }
    const internet = this.internetAccess(n);
    this.webNet = { ...n, publicSubnetIds: internet.publicSubnetIds, internetGateway: internet.igw, cluster };
    return this.webNet;
  }

  /** Public subnets with an internet gateway, one NAT gateway for the private subnets, and the S3 gateway endpoint. */
  private internetAccess(n: Network): { publicSubnetIds: pulumi.Output<string>[]; igw: ec2.InternetGateway } {
    const region = this.region;
    const igw = new ec2.InternetGateway(this.logical("igw"), { vpcId: n.vpcId, region, tags: this.tags("igw") }, this.opts());
    const pub = ZONE_SUFFIXES.map(
      (z, i) =>
        new ec2.Subnet(
          this.logical(`public-${z}`),
          {
            vpcId: n.vpcId,
            availabilityZone: this.zones.apply((zones) => zones[i] as string),
            cidrBlock: SUBNET_CIDRS.public[i],
            mapPublicIpOnLaunch: false,
            region,
            tags: this.tags(`public-${z}`),
          },
          this.opts(),
        ),
    );
    const publicRt = new ec2.RouteTable(this.logical("public-rt"), { vpcId: n.vpcId, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], region, tags: this.tags("public-rt") }, this.opts());
    const publicRtas = pub.map((sub, i) => new ec2.RouteTableAssociation(this.logical(`public-${ZONE_SUFFIXES[i]}-rta`), { subnetId: sub.id, routeTableId: publicRt.id, region }, this.opts()));
    // One NAT gateway, in the first zone: half the fixed cost of one per zone; egress from the second zone fails over only if the first zone is lost.
    const eip = new ec2.Eip(this.logical("nat-eip"), { domain: "vpc", region, tags: this.tags("nat-eip") }, this.opts({ dependsOn: [igw] }));
    const nat = new ec2.NatGateway(
      this.logical("nat"),
      { allocationId: eip.allocationId, subnetId: pub[0]?.id, connectivityType: "public", region, tags: this.tags("nat") },
      this.opts({ dependsOn: [igw] }),
    );
    const privateRt = new ec2.RouteTable(this.logical("private-rt"), { vpcId: n.vpcId, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], region, tags: this.tags("private-rt") }, this.opts());
    const privateRtas = n.privateSubnetIds.map((id, i) => new ec2.RouteTableAssociation(this.logical(`private-${ZONE_SUFFIXES[i]}-rta`), { subnetId: id, routeTableId: privateRt.id, region }, this.opts()));
    const s3Endpoint = new ec2.VpcEndpoint(
      this.logical("s3-endpoint"),
      { vpcId: n.vpcId, serviceName: `com.amazonaws.${region}.s3`, vpcEndpointType: "Gateway", routeTableIds: [privateRt.id], region, tags: this.tags("s3-endpoint") },
      this.opts(),
    );
    Object.assign(this.resources, {
      igw,
      publicRt,
      eip,
      nat,
      privateRt,
      s3Endpoint,
      ...Object.fromEntries(pub.map((r, i) => [`public-${ZONE_SUFFIXES[i]}`, r])),
      ...Object.fromEntries(publicRtas.map((r, i) => [`public-${ZONE_SUFFIXES[i]}-rta`, r])),
      ...Object.fromEntries(privateRtas.map((r, i) => [`private-${ZONE_SUFFIXES[i]}-rta`, r])),
    });
    return { publicSubnetIds: pub.map((p) => p.id), igw };
  }
}

/** The VPC's IPv4 blocks in use: the primary first, then every associated secondary block, once each. */
export function vpcCidrs(primary: string, associations: ReadonlyArray<{ cidrBlock: string; state: string }> | undefined): string[] {
  const secondary = (associations ?? []).filter((a) => a.state === "associated").map((a) => a.cidrBlock);
  return [...new Set([primary, ...secondary].filter(Boolean))];
}

/**
 * The first two Availability Zones of the region, by name. Every AWS region has
 * at least three; under unit-test mocks that answer nothing, the subnets get no
 * zone rather than the plan failing.
 */
export function twoZones(all: readonly string[] | undefined): string[] {
  return [...(all ?? [])].sort().slice(0, 2);
}

/**
 * A provider passed to the components decides the account and credentials, not
 * the region: every resource names its region itself. When the provider is set
 * for another region the user has most likely chosen the wrong one of the two,
 * so the deployment fails with an error that names both.
 */
function warnOnProviderRegion(parent: pulumi.ComponentResource, stack: StackContext): void {
  const provider = parent.getProvider("aws:index:Provider");
  if (!Provider.isInstance(provider)) return;
  provider.region.apply((r) => {
    if (r && r !== stack.region.region) {
      pulumi.log.error(
        `the AWS provider "${logicalName(provider)}" is configured for ${r}, but the stack's region is ${stack.region.city} (${stack.region.region}): Freehold creates every resource in ${stack.region.region}. Set freehold:region (or regions.aws) to the region you mean, or pass a provider for ${stack.region.region}`,
        parent,
      );
    }
  });
}

export function createPlatform(stack: StackContext, parent: pulumi.ComponentResource): AwsPlatform {
  return new AwsPlatform(stack, parent);
}

/** The platform core hands back to the component functions. */
export function asPlatform(platform: unknown): AwsPlatform {
  if (!(platform instanceof AwsPlatform)) throw new Error("the AWS backend was given a platform it did not create");
  return platform;
}
