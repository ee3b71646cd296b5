/**
 * The stack-level shared resources: the Google APIs the stack uses, a VPC with
 * one regional subnet, and private services access for Cloud SQL. Each piece
 * is created on first use, so a stack with only buckets gets no VPC.
 */
import type { StackContext } from "@freehold/core";
import * as compute from "@pulumi/gcp/compute";
import * as gcpConfig from "@pulumi/gcp/config";
import * as projects from "@pulumi/gcp/projects";
import * as servicenetworking from "@pulumi/gcp/servicenetworking";
import type * as pulumi from "@pulumi/pulumi";
import { labels, names } from "./naming";

/** The Google APIs Freehold may enable, by short name. */
export const APIS = {
  compute: "compute.googleapis.com",
  iam: "iam.googleapis.com",
  resourcemanager: "cloudresourcemanager.googleapis.com",
  run: "run.googleapis.com",
  secretmanager: "secretmanager.googleapis.com",
  servicenetworking: "servicenetworking.googleapis.com",
  sqladmin: "sqladmin.googleapis.com",
  storage: "storage.googleapis.com",
} as const;
export type Api = keyof typeof APIS;

/** The subnet Cloud Run's Direct VPC egress takes addresses from: /20 leaves room for ~2,000 instances (2 addresses each). */
export const SUBNET_CIDR = "10.10.0.0/20";
/** Size of the range reserved for Google-managed services (Cloud SQL) peered into the VPC. */
export const PRIVATE_SERVICES_PREFIX = 16;

export interface PrivateNetwork {
  network: compute.Network;
  subnet: compute.Subnetwork;
  /** The reserved range for private services access. */
  privateRange: compute.GlobalAddress;
  /** The peering with Google's service producer network; databases depend on it. */
  connection: servicenetworking.Connection;
}

export class GcpPlatform {
  /** The project from provider config (`gcp:project` or GOOGLE_PROJECT...), read without an invoke; undefined when unset. */
  readonly project: string | undefined;
  readonly labels: Record<string, string>;
  private readonly apis = new Map<Api, projects.Service>();
  private net?: PrivateNetwork;

  constructor(
    readonly stack: StackContext,
    readonly parent: pulumi.ComponentResource,
  ) {
    this.project = gcpConfig.project;
    this.labels = labels(stack.tags);
  }

  get region(): string {
    return this.stack.region.region;
  }

  /** The API enabled (once per stack); never disabled on destroy, since other stacks in the project may use it. */
  api(name: Api): projects.Service {
    let svc = this.apis.get(name);
    if (!svc) {
      svc = new projects.Service(
        `${this.stack.name}-api-${name}`,
        { service: APIS[name], disableOnDestroy: false, disableDependentServices: false },
        { parent: this.parent },
      );
      this.apis.set(name, svc);
    }
    return svc;
  }

  apisFor(...list: Api[]): projects.Service[] {
    return list.map((a) => this.api(a));
  }

  /**
   * The VPC, subnet and private services access, created on first use. They
   * are retained on destroy: a retained Cloud SQL instance keeps using the
   * peering, and Google refuses to delete a network that is still peered.
   */
  network(): PrivateNetwork {
    if (this.net) return this.net;
    const s = this.stack.name;
    const opts = { parent: this.parent };
    const network = new compute.Network(
      `${s}-network`,
      {
        name: names.network(this.stack.prefix, "network"),
        autoCreateSubnetworks: false,
        routingMode: "REGIONAL",
        description: `Freehold stack ${s}`,
      },
      { ...opts, dependsOn: [this.api("compute")], retainOnDelete: true },
    );
    const subnet = new compute.Subnetwork(
      `${s}-subnet`,
      {
        name: names.network(this.stack.prefix, this.region),
        network: network.id,
        region: this.region,
        ipCidrRange: SUBNET_CIDR,
        privateIpGoogleAccess: true,
        stackType: "IPV4_ONLY",
      },
      opts,
    );
    const privateRange = new compute.GlobalAddress(
      `${s}-private-services-range`,
      {
        name: names.network(this.stack.prefix, "private-services"),
        network: network.id,
        purpose: "VPC_PEERING",
        addressType: "INTERNAL",
        prefixLength: PRIVATE_SERVICES_PREFIX,
        labels: this.labels,
      },
      { ...opts, retainOnDelete: true },
    );
    const connection = new servicenetworking.Connection(
      `${s}-private-services`,
      { network: network.id, service: APIS.servicenetworking, reservedPeeringRanges: [privateRange.name] },
      { ...opts, dependsOn: [this.api("servicenetworking")], retainOnDelete: true },
    );
    this.net = { network, subnet, privateRange, connection };
    return this.net;
  }
}

export function createPlatform(stack: StackContext, parent: pulumi.ComponentResource): GcpPlatform {
  return new GcpPlatform(stack, parent);
}

/** The platform a component request carries (typed again: core passes it as unknown). */
export function platformOf(platform: unknown): GcpPlatform {
  if (!(platform instanceof GcpPlatform)) throw new Error("the gcp backend was given a platform it did not create");
  return platform;
}
