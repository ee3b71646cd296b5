/**
 * The stack-level shared resources: the project read (which checks the Cloud
 * Resource Manager API is on), the Google APIs the stack uses with a wait for
 * their service agents, a VPC with one regional subnet (or the network the
 * user brought), and, under a
 * residency rule, a regional log bucket. Each piece is created on first use,
 * so a stack with only buckets gets no VPC.
 */
import { CREATE_FIRST, logicalName, type StackContext } from "@freehold/core";
import { SpecError } from "@freehold/model";
import * as artifactregistry from "@pulumi/gcp/artifactregistry";
import * as compute from "@pulumi/gcp/compute";
import * as gcpConfig from "@pulumi/gcp/config";
import * as projects from "@pulumi/gcp/projects";
import * as pulumi from "@pulumi/pulumi";
import { Sleep } from "@pulumiverse/time/sleep";
import { nameSuffix } from "./generated";
import { DOCKER_HUB, upstream } from "./image";
import { emptyLogSources, type LogRouting, type LogSources, logRouting } from "./logs";
import { labels, names, ROLE_SUFFIX_LENGTH } from "./naming";
import { URL_SIGNER_PERMISSIONS } from "./permissions";
import { type ProjectInfo, type ProjectRead, readProject } from "./project";

/** The Google APIs Freehold may enable, by short name. Cloud Resource Manager is not here: it must be on before the first up (project.ts). */
export const APIS = {
  artifactregistry: "artifactregistry.googleapis.com",
  certificatemanager: "certificatemanager.googleapis.com",
  cloudscheduler: "cloudscheduler.googleapis.com",
  compute: "compute.googleapis.com",
  dns: "dns.googleapis.com",
  iam: "iam.googleapis.com",
  iamcredentials: "iamcredentials.googleapis.com",
  logging: "logging.googleapis.com",
  run: "run.googleapis.com",
  secretmanager: "secretmanager.googleapis.com",
  sqladmin: "sqladmin.googleapis.com",
  storage: "storage.googleapis.com",
} as const;
export type Api = keyof typeof APIS;

/**
 * How long a permission change can take to apply: "typically within 2
 * minutes ... 7 minutes or longer" (https://cloud.google.com/iam/docs/access-change-propagation).
 * Readers wait this long after their grants, and after the API whose service
 * agent (granted its roles when the API is enabled) acts for them.
 */
export const PROPAGATION = "420s";
/**
 * After a Cloud Run service or job using Direct VPC egress is deleted or moved,
 * "wait 1-2 hours for Cloud Run to release the IPs before you delete the subnet"
 * (https://cloud.google.com/run/docs/configuring/vpc-direct-vpc#delete-subnet).
 */
export const ADDRESS_RELEASE = "2h";

/** The subnet Cloud Run's Direct VPC egress takes addresses from: /20 leaves room for ~2,000 instances (2 addresses each). */
export const SUBNET_CIDR = "10.10.0.0/20";
/**
 * The subnet's range in each region Freehold deploys to. A VPC is global and its subnets' ranges must not overlap in
 * any region (https://cloud.google.com/vpc/docs/subnets#valid-ranges), and a region change creates the new region's
 * subnet before the old one goes (Cloud Run holds addresses in the old one for 1-2 hours), so every region has its
 * own /20. London keeps the range every stack had before, under its old name: a deployed London stack is unchanged.
 */
export const SUBNET_RANGES: Readonly<Record<string, { cidr: string; legacy: boolean }>> = {
  "europe-west2": { cidr: SUBNET_CIDR, legacy: true },
  "europe-west1": { cidr: "10.10.16.0/20", legacy: false },
  "europe-west3": { cidr: "10.10.32.0/20", legacy: false },
  "europe-west4": { cidr: "10.10.48.0/20", legacy: false },
  "europe-west9": { cidr: "10.10.64.0/20", legacy: false },
  "us-east4": { cidr: "10.10.80.0/20", legacy: false },
};

/**
 * The stack's subnet in a region: its range, and the suffix its name (and its address-release wait's) carries. Outside
 * London the name says the range is per region (`-r2`): a stack deployed elsewhere before ranges were per region has
 * `<stack>-<region>` with 10.10.0.0/20, and on upgrade gets a new subnet under a new name beside it (created first,
 * no overlap), its services move to it, and the old one is deleted at the end after its own 2-hour address-release
 * wait, as in a region change.
 */
export function subnetFor(region: string): { cidr: string; suffix: string; legacy: boolean } {
  const range = SUBNET_RANGES[region];
  if (!range) throw new Error(`no subnet range for Google Cloud region ${region}: add it to SUBNET_RANGES`);
  return { cidr: range.cidr, suffix: range.legacy ? region : `${region}-r2`, legacy: range.legacy };
}
/**
 * VPC Flow Logs on the stack's subnet, as CIS Google Cloud Platform
 * Foundations asks: every flow, 5-second aggregation, all metadata
 * (https://cloud.google.com/vpc/docs/using-flow-logs). They are stored as
 * logs (Cloud Logging ingestion), in the region under a residency rule.
 */
export const FLOW_LOGS = { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 1, metadata: "INCLUDE_ALL_METADATA" } as const;

/** The proxy-only subnet of a regional load balancer: Google recommends a /23 (https://cloud.google.com/load-balancing/docs/proxy-only-subnets#proxy_only_subnet_size). */
export const PROXY_SUBNET_CIDR = "10.129.0.0/23";

/** The network Freehold creates. */
export interface PrivateNetwork {
  network: compute.Network;
  subnet: compute.Subnetwork;
  /** Deleted after every Cloud Run resource that used the subnet and before the subnet: waits for Cloud Run to release its addresses. */
  addressRelease: Sleep;
}

/** What components attach to: Freehold's own network, or the one the user brought. */
export interface VpcAttachment {
  /** The network and subnet, by name or resource path: Cloud Run's Direct VPC egress and each database's Private Service Connect endpoint use them. */
  network: pulumi.Input<string>;
  subnetwork: pulumi.Input<string>;
  /** The network as `projects/<project>/global/networks/<name>`: what a private DNS zone is bound to. */
  networkId: pulumi.Input<string>;
  /** What a Cloud Run resource with Direct VPC egress waits for (so that it is deleted before the address-release wait). */
  egressDependsOn: pulumi.Resource[];
  /** Freehold's own network; undefined when the user brought one. */
  own?: PrivateNetwork;
}

export class GcpPlatform {
  /** The logical-name prefix of the platform's resources (the Platform component's name), so two platforms never share a URN. */
  readonly name: string;
  /** The project from provider config (`gcp:project` or GOOGLE_PROJECT...), read synchronously for bucket names; undefined when unset. */
  readonly project: string | undefined;
  readonly labels: Record<string, string>;
  private readonly apis = new Map<Api, projects.Service>();
  private readonly readiness = new Map<Api, Sleep>();
  private projectRead?: ProjectRead;
  private attachment?: VpcAttachment;
  private routing?: LogRouting;
  private signer?: projects.IAMCustomRole;
  private readonly logSources = emptyLogSources();
  private sourcesFrozen = false;
  private sourcesDone?: pulumi.Output<LogSources>;
  private toolRepository?: artifactregistry.Repository;
  private proxies?: compute.Subnetwork | null;

  constructor(
    readonly stack: StackContext,
    readonly parent: pulumi.ComponentResource,
  ) {
    this.name = logicalName(parent) || stack.name;
    this.project = gcpConfig.project;
    this.labels = labels(stack.tags);
  }

  get region(): string {
    return this.stack.region.region;
  }

  /** The project, read once through the platform's provider (see project.ts). */
  info(): pulumi.Output<ProjectInfo> {
    return this.read().info;
  }

  private read(): ProjectRead {
    this.projectRead ??= readProject(this.parent);
    return this.projectRead;
  }

  /** The API enabled (once per stack), in the project just read; never disabled on destroy, since other stacks in the project may use it. */
  api(name: Api): projects.Service {
    let svc = this.apis.get(name);
    if (!svc) {
      // Every API waits for the project read: nothing is enabled (or created) in a project whose Cloud Resource Manager API is off.
      svc = new projects.Service(
        `${this.name}-api-${name}`,
        { project: this.info().apply((p) => p.projectId), service: APIS[name], disableOnDestroy: false, disableDependentServices: false },
        { parent: this.parent, dependsOn: this.read().gate },
      );
      this.apis.set(name, svc);
    }
    return svc;
  }

  apisFor(...list: Api[]): projects.Service[] {
    return list.map((a) => this.api(a));
  }

  /**
   * The API enabled and its service agent's roles in effect: a service agent
   * is created and granted its roles when the API is enabled
   * (https://cloud.google.com/iam/docs/service-agents), and those grants take
   * as long to apply as any other. Cloud Run pulls images as its agent.
   */
  ready(name: Api): Sleep {
    let sleep = this.readiness.get(name);
    if (!sleep) {
      sleep = new Sleep(`${this.name}-api-${name}-ready`, { createDuration: PROPAGATION }, { parent: this.parent, dependsOn: [this.api(name)] });
      this.readiness.set(name, sleep);
    }
    return sleep;
  }

  /**
   * The project role that signs URLs and nothing else (`iam.serviceAccounts.signBlob`):
   * a linked service gets it on its own account, so it can make V4 signed URLs
   * through the IAM Credentials API (https://cloud.google.com/storage/docs/access-control/signed-urls#signing-iam).
   * One per stack. A deleted custom role can be undeleted for 7 days and its id
   * stays taken for 37 (https://cloud.google.com/iam/docs/creating-custom-roles#deleting-custom-role):
   * the provider undeletes it when the same id is created again within the 7,
   * and fails from day 8 to day 37, so the id ends with a generated suffix.
   */
  urlSigner(): projects.IAMCustomRole {
    if (this.signer) return this.signer;
    // The id ends with a suffix generated with the role: a stack destroyed and brought up again between day 8 and day 37
    // would otherwise ask for an id Google still holds, which neither Google nor the provider lets it have.
    const suffix = nameSuffix(`${this.name}-url-signer-role-suffix`, ROLE_SUFFIX_LENGTH, { parent: this.parent });
    this.signer = new projects.IAMCustomRole(
      `${this.name}-url-signer-role`,
      {
        roleId: suffix.result.apply((s) => names.customRole(this.stack.prefix, "url_signer", s ?? "")),
        title: `Freehold URL signer (${this.stack.prefix})`,
        description: "Signs blobs as a service account: V4 signed URLs for Cloud Storage, nothing else",
        permissions: [...URL_SIGNER_PERMISSIONS],
        stage: "GA",
      },
      { parent: this.parent, dependsOn: [this.api("iam"), this.api("iamcredentials")] },
    );
    return this.signer;
  }

  /**
   * The Artifact Registry remote repository, in the region, that Freehold's own
   * jobs pull their images through, by digest (db-role.ts): its upstream is
   * Docker Hub's official images, fetched and cached by Artifact Registry
   * rather than pulled anonymously by each job
   * (https://cloud.google.com/artifact-registry/docs/repositories/remote-repo).
   */
  tools(): artifactregistry.Repository {
    this.toolRepository ??= new artifactregistry.Repository(
      `${this.name}-tool-images`,
      {
        repositoryId: names.repository(this.stack.prefix, "freehold-tools"),
        location: this.region,
        format: "DOCKER",
        mode: "REMOTE_REPOSITORY",
        description: `Freehold ${this.stack.prefix}: the official images Freehold's own jobs run, pinned by digest`,
        labels: this.labels,
        remoteRepositoryConfig: upstream(DOCKER_HUB),
      },
      { parent: this.parent, dependsOn: [this.api("artifactregistry")] },
    );
    return this.toolRepository;
  }

  /**
   * Under a residency rule, the stack's logs kept in its region (logs.ts): a
   * resource that writes logs names itself here before it is created and
   * waits for what this returns (the sink and the exclusion). Nothing without
   * a residency rule. The filter is read once the program has registered its
   * components (`logSourcesDone`); a source named after that is refused,
   * rather than its logs leaving the region.
   */
  logs(sources: Partial<LogSources> = {}): pulumi.Resource[] {
    if (this.stack.residency === "none") return [];
    const added = Object.entries(sources).filter(([, v]) => v?.length);
    if (this.sourcesFrozen && added.length) {
      throw new Error(
        `${added.map(([, v]) => v?.join(", ")).join(", ")} was created after the stack's log routing was built: under a residency rule, create every Freehold component in the same part of the program (before it awaits anything), so that the routing names all of them`,
      );
    }
    for (const [k, v] of added) this.logSources[k as keyof LogSources].push(...(v ?? []));
    this.routing ??= logRouting(this);
    return this.routing.before;
  }

  /** Every log source, once the program's components have registered (after the current turn of the event loop). */
  logSourcesDone(): pulumi.Output<LogSources> {
    this.sourcesDone ??= pulumi.output(new Promise<boolean>((resolve) => setImmediate(() => resolve(true)))).apply(() => {
      this.sourcesFrozen = true;
      return structuredClone(this.logSources);
    });
    return this.sourcesDone;
  }

  /**
   * The proxy-only subnet a regional external Application Load Balancer's
   * proxies run in: one per region and VPC
   * (https://cloud.google.com/load-balancing/docs/proxy-only-subnets). Created
   * in Freehold's own network; a network brought with `network.gcp` must have
   * one (null: nothing is created).
   */
  proxySubnet(): compute.Subnetwork | null {
    if (this.proxies !== undefined) return this.proxies;
    const net = this.network();
    this.proxies = net.own
      ? new compute.Subnetwork(
          `${this.name}-proxy-subnet`,
          { name: names.network(this.stack.prefix, `${this.region}-proxies`), network: net.own.network.id, region: this.region, ipCidrRange: PROXY_SUBNET_CIDR, purpose: "REGIONAL_MANAGED_PROXY", role: "ACTIVE" },
          // Replaced only by a region change, which renames it. Deleted first: created first, the new region's would overlap
          // it (ranges are unique in a VPC, in every region: https://cloud.google.com/vpc/docs/subnets#valid-ranges), and
          // its fixed range is what every deployed stack has. Pulumi deletes the old load balancer's forwarding rules first
          // (their `network` depends on this subnet, domain.ts), which the move replaces anyway: the old front door stops at
          // the start of the up rather than at its end; its address changes with the region regardless.
          { parent: this.parent, deleteBeforeReplace: true },
        )
      : null;
    return this.proxies;
  }

  /** The network components attach to, created (or resolved from `network.gcp`) on first use. */
  network(): VpcAttachment {
    this.attachment ??= this.stack.network?.gcp ? this.existing(this.stack.network.gcp) : this.create();
    return this.attachment;
  }

  /** Bring your own network: use it as it is, create nothing of it. */
  private existing(given: { network: string; subnetwork: string }): VpcAttachment {
    const network = resourcePath(given.network);
    const subnetwork = resourcePath(given.subnetwork);
    const region = /\/regions\/([^/]+)\//.exec(subnetwork)?.[1];
    if (region && region !== this.region) {
      throw new SpecError(
        [{ path: "network.gcp.subnetwork", message: `is in ${region}, but the stack deploys to ${this.region}; give a subnet in ${this.region}` }],
        `stack "${this.stack.name}"`,
      );
    }
    const networkId = network.startsWith("projects/") ? network : this.info().apply((p) => `projects/${p.projectId ?? ""}/global/networks/${network}`);
    return { network, subnetwork, networkId, egressDependsOn: [] };
  }

  /**
   * Freehold's own VPC and subnet. Databases are reached through Private
   * Service Connect endpoints in the subnet, not VPC peering (private services
   * access): a peering cannot be removed for days after a Cloud SQL instance is
   * deleted (Google keeps the instance's resources so it can be restored), so
   * an unprotected stack could not be destroyed, and the network could not be
   * deleted while the peering exists. Nothing here is retained on destroy: the
   * data that needs it is Pulumi-protected, so a destroy that would take a
   * database's network stops at the preview.
   */
  private create(): VpcAttachment {
    const p = this.name;
    const opts = { parent: this.parent };
    const network = new compute.Network(
      `${p}-network`,
      { name: names.network(this.stack.prefix, "network"), autoCreateSubnetworks: false, routingMode: "REGIONAL", description: `Freehold stack ${this.stack.name}` },
      { ...opts, dependsOn: [this.api("compute")] },
    );
    const range = subnetFor(this.region);
    const subnetName = names.network(this.stack.prefix, range.suffix);
    // Its flow logs stay in the region under a residency rule: the subnet waits for the routing.
    const logged = this.logs({ subnets: [subnetName] });
    const subnet = new compute.Subnetwork(
      `${p}-subnet`,
      { name: subnetName, network: network.id, region: this.region, ipCidrRange: range.cidr, privateIpGoogleAccess: true, stackType: "IPV4_ONLY", logConfig: FLOW_LOGS },
      // Replaced only by a region change (its network is this stack's own, its other ForceNew inputs fixed), which renames it:
      // created first, so the old one goes at the end of the up, after the old services and the address-release wait.
      { ...opts, ...CREATE_FIRST, dependsOn: logged },
    );
    // The wait created before the name carried the region is adopted only where the subnet stays (London's range): elsewhere
    // the upgrade moves the subnet, and the old wait must be deleted (2 hours) between the services' move and the old subnet.
    const adopt = range.legacy ? [pulumi.createUrn(`${p}-subnet-address-release`, SLEEP_TYPE, this.parent)] : [];
    const addressRelease = new Sleep(addressReleaseName(p, range.suffix), { destroyDuration: ADDRESS_RELEASE }, { ...opts, dependsOn: [subnet], aliases: adopt });
    return { network: network.name, subnetwork: subnet.name, networkId: network.id, egressDependsOn: [addressRelease], own: { network, subnet, addressRelease } };
  }
}

const SLEEP_TYPE = "time:index/sleep:Sleep";

/**
 * The address-release wait's logical name, one per subnet region. A region change replaces the subnet (its region is
 * fixed, its name ends with it) and every Cloud Run resource on it; a wait with unchanged inputs would stay, so
 * nothing would wait between the old services' deletion and the old subnet's, which Google refuses for 1-2 hours.
 * Named after the region, the old region's wait is deleted (2 hours) after the old services and before the old
 * subnet, as on destroy. In London, whose subnet kept its name and range, an alias adopts the wait created before the
 * name carried the region, so a deployed London stack's wait is kept rather than replaced (which would itself wait 2
 * hours). Elsewhere there is no alias: the upgrade replaces the subnet (a new range, `-r2`), and an adopted wait would
 * leave nothing waiting in front of the old subnet, whose deletion Google refuses for 1-2 hours
 * (https://cloud.google.com/run/docs/configuring/vpc-direct-vpc#delete-subnet); Pulumi adopts an alias's state
 * instead of creating and deleting (https://www.pulumi.com/docs/iac/concepts/options/aliases/).
 */
export function addressReleaseName(platform: string, region: string): string {
  return `${platform}-subnet-address-release-${region}`;
}

/** A network or subnet as Cloud SQL and Cloud Run take it: a name, or a self link shortened to its `projects/...` path. */
function resourcePath(given: string): string {
  return given.replace(/^https:\/\/(www|compute)\.googleapis\.com\/compute\/(v1|beta)\//, "");
}

export function createPlatform(stack: StackContext, parent: pulumi.ComponentResource): GcpPlatform {
  return new GcpPlatform(stack, parent);
}

/** The platform a component request carries (typed again: core passes it as unknown). */
export function platformOf(platform: unknown): GcpPlatform {
  if (!(platform instanceof GcpPlatform)) throw new Error("the gcp backend was given a platform it did not create");
  return platform;
}
