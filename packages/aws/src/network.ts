/**
 * The stack-level platform: one VPC across two availability zones, created
 * lazily so that a stack pays only for what it uses.
 *
 * - First database or web service: the VPC and two private subnets (and, for
 *   databases, the DB subnet group). A database-only stack has no internet
 *   gateway and no NAT.
 * - First web service: public subnets with an internet gateway, one shared NAT
 *   gateway for the private subnets' egress, an S3 gateway endpoint (free; keeps
 *   S3 traffic off the NAT), and the stack's ECS cluster.
 *
 * Availability zones are fixed as `${region}a` and `${region}b` instead of
 * looked up with an invoke: planning stays offline, fast and deterministic, and
 * every region Freehold knows has both zones.
 */
import type { StackContext } from "@freehold/core";
import * as ec2 from "@pulumi/aws/ec2";
import * as ecs from "@pulumi/aws/ecs";
import * as rds from "@pulumi/aws/rds";
import type * as pulumi from "@pulumi/pulumi";
import { names, sharedTags } from "./naming";

export const VPC_CIDR = "10.0.0.0/16";
/** Two /19 private subnets (room for many Fargate tasks, one IP each) and two /20 public subnets. */
export const SUBNET_CIDRS = { private: ["10.0.0.0/19", "10.0.32.0/19"], public: ["10.0.128.0/20", "10.0.144.0/20"] } as const;
export const ZONE_SUFFIXES = ["a", "b"] as const;

export interface Network {
  vpc: ec2.Vpc;
  vpcId: pulumi.Output<string>;
  cidr: string;
  privateSubnetIds: pulumi.Output<string>[];
}

export interface WebPlatform extends Network {
  publicSubnetIds: pulumi.Output<string>[];
  cluster: ecs.Cluster;
}

export class AwsPlatform {
  readonly zones: readonly string[];
  /** Every shared resource created so far, by role. */
  readonly resources: Record<string, pulumi.Resource> = {};
  private net?: Network;
  private webNet?: WebPlatform;
  private subnetGroup?: rds.SubnetGroup;

  constructor(
    readonly stack: StackContext,
    readonly parent: pulumi.ComponentResource,
  ) {
    this.zones = ZONE_SUFFIXES.map((z) => `${stack.region.region}${z}`);
  }

  private get opts(): pulumi.CustomResourceOptions {
    return { parent: this.parent };
  }

  private tags(role: string) {
    return sharedTags(this.stack, `${this.stack.name}-${role}`);
  }

  /** The VPC and private subnets. */
  network(): Network {
    if (this.net) return this.net;
    const s = this.stack.name;
    const vpc = new ec2.Vpc(`${s}-vpc`, { cidrBlock: VPC_CIDR, enableDnsSupport: true, enableDnsHostnames: true, tags: this.tags("vpc") }, this.opts);
    const priv = this.zones.map(
      (az, i) =>
        new ec2.Subnet(
          `${s}-private-${ZONE_SUFFIXES[i]}`,
          { vpcId: vpc.id, availabilityZone: az, cidrBlock: SUBNET_CIDRS.private[i], mapPublicIpOnLaunch: false, tags: this.tags(`private-${ZONE_SUFFIXES[i]}`) },
          this.opts,
        ),
    );
    Object.assign(this.resources, { vpc, ...Object.fromEntries(priv.map((r, i) => [`private-${ZONE_SUFFIXES[i]}`, r])) });
    this.net = { vpc, vpcId: vpc.id, cidr: VPC_CIDR, privateSubnetIds: priv.map((p) => p.id) };
    return this.net;
  }

  /** The DB subnet group over the private subnets. */
  dbSubnetGroup(): rds.SubnetGroup {
    if (this.subnetGroup) return this.subnetGroup;
    const n = this.network();
    this.subnetGroup = new rds.SubnetGroup(
      `${this.stack.name}-db-subnets`,
      { name: names.dbSubnetGroup(this.stack.prefix), description: "Freehold databases: private subnets only", subnetIds: n.privateSubnetIds, tags: this.tags("db-subnets") },
      this.opts,
    );
    this.resources.dbSubnetGroup = this.subnetGroup;
    return this.subnetGroup;
  }

  /** Public subnets, internet gateway, NAT egress, S3 gateway endpoint and the ECS cluster. */
  web(): WebPlatform {
    if (this.webNet) return this.webNet;
    const n = this.network();
    const s = this.stack.name;
    const igw = new ec2.InternetGateway(`${s}-igw`, { vpcId: n.vpcId, tags: this.tags("igw") }, this.opts);
    const pub = this.zones.map(
      (az, i) =>
        new ec2.Subnet(
          `${s}-public-${ZONE_SUFFIXES[i]}`,
          { vpcId: n.vpcId, availabilityZone: az, cidrBlock: SUBNET_CIDRS.public[i], mapPublicIpOnLaunch: false, tags: this.tags(`public-${ZONE_SUFFIXES[i]}`) },
          this.opts,
        ),
    );
    const publicRt = new ec2.RouteTable(`${s}-public-rt`, { vpcId: n.vpcId, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: this.tags("public-rt") }, this.opts);
    const publicRtas = pub.map((sub, i) => new ec2.RouteTableAssociation(`${s}-public-${ZONE_SUFFIXES[i]}-rta`, { subnetId: sub.id, routeTableId: publicRt.id }, this.opts));
    // One NAT gateway, in the first zone: half the fixed cost of one per zone; egress from the second zone fails over only if the first zone is lost.
    const eip = new ec2.Eip(`${s}-nat-eip`, { domain: "vpc", tags: this.tags("nat-eip") }, { ...this.opts, dependsOn: [igw] });
    const nat = new ec2.NatGateway(`${s}-nat`, { allocationId: eip.allocationId, subnetId: pub[0]?.id, connectivityType: "public", tags: this.tags("nat") }, { ...this.opts, dependsOn: [igw] });
    const privateRt = new ec2.RouteTable(`${s}-private-rt`, { vpcId: n.vpcId, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], tags: this.tags("private-rt") }, this.opts);
    const privateRtas = n.privateSubnetIds.map((id, i) => new ec2.RouteTableAssociation(`${s}-private-${ZONE_SUFFIXES[i]}-rta`, { subnetId: id, routeTableId: privateRt.id }, this.opts));
    const s3Endpoint = new ec2.VpcEndpoint(
      `${s}-s3-endpoint`,
      { vpcId: n.vpcId, serviceName: `com.amazonaws.${this.stack.region.region}.s3`, vpcEndpointType: "Gateway", routeTableIds: [privateRt.id], tags: this.tags("s3-endpoint") },
      this.opts,
    );
    const cluster = new ecs.Cluster(`${s}-cluster`, { name: names.cluster(this.stack.prefix), tags: this.tags("cluster") }, this.opts);
    Object.assign(this.resources, { igw, publicRt, eip, nat, privateRt, s3Endpoint, cluster, ...Object.fromEntries(pub.map((r, i) => [`public-${ZONE_SUFFIXES[i]}`, r])),
      ...Object.fromEntries(publicRtas.map((r, i) => [`public-${ZONE_SUFFIXES[i]}-rta`, r])),
      ...Object.fromEntries(privateRtas.map((r, i) => [`private-${ZONE_SUFFIXES[i]}-rta`, r])),
    });
    this.webNet = { ...n, publicSubnetIds: pub.map((p) => p.id), cluster };
    return this.webNet;
  }
}

export function createPlatform(stack: StackContext, parent: pulumi.ComponentResource): AwsPlatform {
  return new AwsPlatform(stack, parent);
}

/** The platform core hands back to the component functions. */
export function asPlatform(platform: unknown): AwsPlatform {
  if (!(platform instanceof AwsPlatform)) throw new Error("the AWS backend was given a platform it did not create");
  return platform;
}
