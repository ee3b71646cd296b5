/**
 * WebService -> a Cloud Run (v2) service with its own service account, Direct
 * VPC egress to reach linked databases privately, secrets from Secret Manager,
 * least-privilege grants for its links (and a wait for them to apply), an
 * image pulled directly or through an Artifact Registry remote repository, and
 * with a domain, a global external Application Load Balancer in front.
 */
import { appRoleFor, type ContainerRequest, CREATE_FIRST, degrade, type LinkTarget, type WebServiceRequest, type WebServiceResult } from "@freehold/core";
import type { ContainerComponent, WebService } from "@freehold/model";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import { type CaBundle, caBundle } from "./ca";
import type { DatabaseHandle } from "./database";
import { customDomain } from "./domain";
import { ACCEPT_DOMAIN_MOVE, acceptedMoves, certificateStates, type DomainDecision, decideDomain } from "./domain-state";
import { grantsSettled, secretReader } from "./grants";
import { imageSource } from "./image";
import { claimAccountId, names } from "./naming";
import { type Api, type GcpPlatform, platformOf } from "./network";
import type { ObjectStoreHandle } from "./object-store";
import { OBJECT_STORE_ROLES } from "./permissions";
import { cloudRunLimits, webServiceSize } from "./sizes";
import { vendorSettings, withVendor } from "./vendor";

export const WEB_SERVICE_ROLES = ["service", "serviceAccount", "repository"] as const;
/** Startup probe: every 10 s, as many failures as fit in the startup grace before the instance is replaced (at most 600 s in all). */
export const STARTUP_PERIOD_SECONDS = 10;

/** The startup probe's failure threshold for a grace period (`failureThreshold * periodSeconds` may not exceed 600 s). */
export function startupFailures(graceSeconds: number): number {
  return Math.max(1, Math.min(60, Math.ceil(graceSeconds / STARTUP_PERIOD_SECONDS)));
}

/**
 * The liveness probe's timeout: at most 5 s and always shorter than its period.
 * Cloud Run's API says a probe's timeout "must be smaller than periodSeconds"
 * (run.googleapis.com v2 Probe.timeoutSeconds, quoted in @pulumi/gcp's
 * ServiceTemplateContainerLivenessProbe); a 5 s check interval with a 5 s
 * timeout would not be.
 */
export function livenessTimeout(intervalSeconds: number): number {
  return Math.max(1, Math.min(5, intervalSeconds - 1));
}

/** What Cloud Run cannot do for any container (a service, a worker pool, a job): refused, or degraded where accepted. */
export function assertContainerSupported(component: string, spec: ContainerComponent): void {
  // Only an explicit `false` asks for read-only; unset takes what the cloud has (a difference in the plan, not a refusal).
  if (spec.writableRootFilesystem === false) {
    degrade(
      { name: component, spec },
      "gcp",
      `${spec.kind}.read-only-root-filesystem`,
      "Cloud Run always gives containers a writable in-memory filesystem and has no setting to make it read-only",
      "Set writableRootFilesystem: true on this component to accept Cloud Run's writable filesystem",
    );
  }
  if (spec.user !== undefined) {
    degrade(
      { name: component, spec },
      "gcp",
      `${spec.kind}.run-as-user`,
      "Cloud Run runs the container as the image's user and has no setting to change it",
      "Remove user and set USER in the image instead",
    );
  }
}

/** Refuse what Cloud Run cannot do, before anything is registered. */
export function assertSupported(component: string, spec: WebService): void {
  assertContainerSupported(component, spec);
  // Cloud Armor filters a load balancer's requests; a service's run.app address has none, and a load balancer needs a domain for its certificate.
  if (spec.ipAllowList && !spec.domain) {
    degrade(
      { name: component, spec },
      "gcp",
      "web-service.ip-allow-list",
      "Google Cloud filters a Cloud Run service's requests by address only with Cloud Armor on a load balancer, and its run.app address has no load balancer; an HTTPS load balancer needs a domain for its certificate",
      "Set domain on this component (it then gets an external Application Load Balancer with a Cloud Armor policy, and takes traffic only from it), or remove ipAllowList",
    );
  }
  if (spec.webApplicationFirewall && !spec.domain) {
    degrade(
      { name: component, spec },
      "gcp",
      "web-service.web-application-firewall",
      "Google Cloud's web application firewall is Cloud Armor on a load balancer, and a service's run.app address has no load balancer; an HTTPS load balancer needs a domain for its certificate",
      "Set domain on this component (it then gets an external Application Load Balancer with Cloud Armor's preconfigured rules), or remove webApplicationFirewall",
    );
  }
}

function isDatabase(h: unknown): h is DatabaseHandle {
  return typeof h === "object" && h !== null && (h as { kind?: unknown }).kind === "gcp-database";
}
function isObjectStore(h: unknown): h is ObjectStoreHandle {
  return typeof h === "object" && h !== null && (h as { kind?: unknown }).kind === "gcp-object-store";
}

function handleOf<T>(link: LinkTarget, guard: (h: unknown) => h is T): T {
  if (!guard(link.handle)) throw new Error(`link ${link.name}: not a ${link.kind} created by the gcp backend`);
  return link.handle;
}

/**
 * The certificate authorities of every linked database that gives them, in one
 * file at DATABASE_CA_PATH (core sets `verify-full` for those links).
 */
export function databaseCa(req: ContainerRequest<ContainerComponent>, platform: GcpPlatform): CaBundle | undefined {
  const pems = req.links.filter((l) => l.kind === "database").flatMap((l) => (l.outputs.serverCa === undefined ? [] : [l.outputs.serverCa]));
  return pems.length ? caBundle(req.name, names.secret(req.stack.prefix, req.qualifiedName, "database-ca"), pems, platform, { parent: req.parent }) : undefined;
}

/** Least-privilege grants for each link, for the service's own account, and what the service waits for besides them. */
export function grantLinks(req: ContainerRequest<ContainerComponent>, account: serviceaccount.Account, platform: GcpPlatform, ca: CaBundle | undefined): { grants: pulumi.CustomResource[]; ready: pulumi.Resource[] } {
  const grants: pulumi.CustomResource[] = [];
  const ready: pulumi.Resource[] = [];
  const opts = { parent: req.parent };
  for (const link of req.links) {
    const prefix = `${req.name}-${link.name}`;
    if (link.kind === "object-store") {
      const h = handleOf(link, isObjectStore);
      const [objects, bucket] = OBJECT_STORE_ROLES[link.access];
      grants.push(
        new storage.BucketIAMMember(`${prefix}-access`, { bucket: h.bucket.name, role: objects, member: account.member }, opts),
        new storage.BucketIAMMember(`${prefix}-bucket-reader`, { bucket: h.bucket.name, role: bucket, member: account.member }, opts),
      );
    } else {
      const h = handleOf(link, isDatabase);
      // The password of the one role the link's access maps to (app_read for a read link), nothing of the other role. No IAM role on the
      // instance: the service connects to its Private Service Connect endpoint directly, which needs none (roles/cloudsql.client is for connectors).
      grants.push(secretReader(`${prefix}-secret-access`, h.roles[appRoleFor(link.access)].secret, account.member, opts));
      // The application's role exists only once the database's role job has run.
      ready.push(h.ready);
    }
  }
  if (ca) grants.push(secretReader(`${req.name}-database-ca-access`, ca.secret, account.member, opts));
  // A linked store's signed URLs are signed as the service itself, with a role that does nothing else (network.ts).
  if (req.links.some((l) => l.kind === "object-store")) {
    grants.push(new serviceaccount.IAMMember(`${req.name}-url-signer`, { serviceAccountId: account.name, role: platform.urlSigner().name, member: account.member }, opts));
  }
  return { grants, ready };
}

/** The container's environment: plain values, and secrets as Secret Manager references pinned to the version Freehold wrote. */
/** One environment variable, in the shape a Cloud Run service, worker pool and job all take. */
export type ContainerEnv = { name: string; value?: pulumi.Input<string>; valueSource?: { secretKeyRef: { secret: pulumi.Input<string>; version: pulumi.Input<string> } } };

export function environment(req: ContainerRequest<ContainerComponent>): ContainerEnv[] {
  return [
    ...Object.entries({ ...req.env, ...req.linkEnv.plain }).map(([name, value]) => ({ name, value })),
    ...req.linkEnv.secrets.map((s) => {
      const own = handleOf(s.target, isDatabase).roles[appRoleFor(s.target.access)];
      return { name: s.name, valueSource: { secretKeyRef: { secret: own.secret.secretId, version: own.secretVersion.version } } };
    }),
  ];
}

/**
 * Ingress: only the VPC and Google services in the project (private);
 * everyone (public); with a domain, only the load balancer once the domain's
 * certificate is active or a filter asks for it (domain-state.ts), everyone
 * until then.
 */
function ingress(spec: WebService, domain: pulumi.Output<DomainDecision> | undefined): pulumi.Input<string> {
  if (!spec.public) return "INGRESS_TRAFFIC_INTERNAL_ONLY";
  return domain ? domain.apply((d) => (d.loadBalancerOnly ? "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" : "INGRESS_TRAFFIC_ALL")) : "INGRESS_TRAFFIC_ALL";
}

/** The domain's decision for this `up` (domain-state.ts), with its warning. */
function domainDecision(req: WebServiceRequest, platform: GcpPlatform, domain: string): pulumi.Output<DomainDecision> {
  const accepted = acceptedMoves(new pulumi.Config("freehold").get(ACCEPT_DOMAIN_MOVE)).has(req.name);
  return certificateStates(req, platform, domain).apply((states) => {
    const d = decideDomain(req, domain, states, accepted);
    if (d.note) pulumi.log.warn(`component "${req.name}": ${d.note}`, req.parent);
    return d;
  });
}

export function serviceArgs(req: WebServiceRequest, platform: GcpPlatform, account: serviceaccount.Account, image: pulumi.Input<string>, ca?: CaBundle, domain?: pulumi.Output<DomainDecision>): cloudrunv2.ServiceArgs {
  const spec = req.spec;
  const size = webServiceSize(req.size, req.name);
  const probePath = spec.healthCheck.path;
  const net = req.links.some((l) => l.kind === "database") ? platform.network() : undefined;
  return {
    name: names.cloudRunService(req.stack.prefix, req.qualifiedName),
    location: platform.region,
    ingress: ingress(spec, domain),
    // A public service is open to every caller without an allUsers grant, which an organisation's domain-restricted sharing policy refuses
    // (https://cloud.google.com/run/docs/securing/managing-access#invoker_check); a private one keeps IAM as a second layer.
    invokerIamDisabled: spec.public,
    launchStage: "GA",
    // A web service holds no data: it can be replaced or destroyed freely.
    deletionProtection: false,
    labels: platform.labels,
    template: {
      serviceAccount: account.email,
      executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
      // Background work: never scaled to zero (the model refuses background with min 0).
      scaling: { minInstanceCount: spec.background ? Math.max(1, spec.scaling.min) : spec.scaling.min, maxInstanceCount: spec.scaling.max },
      vpcAccess: net ? { networkInterfaces: [{ network: net.network, subnetwork: net.subnetwork }], egress: "PRIVATE_RANGES_ONLY" } : undefined,
      ...(ca ? { volumes: [ca.volume] } : {}),
      containers: [
        {
          image,
          ...(ca ? { volumeMounts: [ca.mount] } : {}),
          ports: { containerPort: spec.port },
          // cpuIdle false is instance-based billing: CPU allocated for the instance's whole life, so work between requests runs at full speed
          // (https://cloud.google.com/run/docs/configuring/billing-settings).
          resources: { limits: cloudRunLimits(size), cpuIdle: !spec.background },
          envs: environment(req),
          startupProbe: { httpGet: { path: probePath, port: spec.port }, periodSeconds: STARTUP_PERIOD_SECONDS, timeoutSeconds: 5, failureThreshold: startupFailures(spec.healthCheck.startupGraceSeconds) },
          livenessProbe: {
            httpGet: { path: probePath, port: spec.port },
            periodSeconds: spec.healthCheck.intervalSeconds,
            timeoutSeconds: livenessTimeout(spec.healthCheck.intervalSeconds),
            failureThreshold: 3,
          },
        },
      ],
    },
  };
}

/** Every place outside the stack's region the service's data is kept or processed. */
function webServiceDataLocations(req: WebServiceRequest): Array<{ region: string; use: string }> {
  const out: Array<{ region: string; use: string }> = [];
  if (req.stack.residency === "none") out.push({ region: "global", use: "request and application logs (Cloud Logging's _Default bucket)" });
  // Without a residency rule a domain gets the global load balancer: TLS ends at Google's edge, wherever the user is.
  if (req.stack.residency === "none" && req.spec.public && req.spec.domain) out.push({ region: "global", use: "TLS termination at Google's edge (global external Application Load Balancer)" });
  return out;
}

export function webService(req: WebServiceRequest): WebServiceResult {
  assertSupported(req.name, req.spec);
  const platform = platformOf(req.platform);
  const vendor = vendorSettings(req.name, req.spec.vendor, WEB_SERVICE_ROLES);
  const spec = req.spec;
  const opts = { parent: req.parent };
  const linksDatabase = req.links.some((l) => l.kind === "database");

  const account = new serviceaccount.Account(
    `${req.name}-account`,
    withVendor<serviceaccount.AccountArgs>(
      {
        accountId: claimAccountId(platform, names.serviceAccount(req.stack.prefix, req.qualifiedName), { component: req.qualifiedName, what: "web service" }),
        displayName: `Freehold ${req.stack.prefix}/${req.qualifiedName}`,
        description: "Identity of one Freehold web service; holds only its links' grants",
      },
      vendor,
      "serviceAccount",
    ),
    { ...opts, dependsOn: [platform.api("iam")] },
  );
  const ca = databaseCa(req, platform);
  const links = grantLinks(req, account, platform, ca);
  const domainState = spec.public && spec.domain ? domainDecision(req, platform, spec.domain) : undefined;
  const image = imageSource(req, platform, vendor);
  const settled = links.grants.length ? [grantsSettled(`${req.name}-grants`, links.grants, opts)] : [];

  // Under a residency rule the service's logs stay in the region from its first revision to its last: it waits for the routing.
  const logged = platform.logs({ services: [names.cloudRunService(req.stack.prefix, req.qualifiedName)] });
  const apis: Api[] = ["run"];
  if (linksDatabase) apis.push("compute");
  const service = new cloudrunv2.Service(`${req.name}-service`, withVendor(serviceArgs(req, platform, account, image.image, ca, domainState), vendor, "service"), {
    ...opts,
    // Replaced only by a move to another region (its name is unique per region) or a rename: the new service runs before the old one goes.
    ...CREATE_FIRST,
    // The first revision starts only once its grants apply, Cloud Run's service agent is ready, its image source exists and its database role is there.
    dependsOn: [...platform.apisFor(...apis), platform.ready("run"), ...settled, ...image.dependsOn, ...links.ready, ...logged, ...(linksDatabase ? platform.network().egressDependsOn : [])],
  });

  const resources: Record<string, pulumi.Resource> = { service, serviceAccount: account, ...image.resources };
  links.grants.forEach((g, i) => {
    resources[`grant${i}`] = g;
  });
  if (settled[0]) resources.grantsSettled = settled[0];
  const domain = spec.public && spec.domain ? customDomain(req, platform, service, spec.domain) : undefined;
  if (domain) Object.assign(resources, domain.resources);
  return {
    url: domain?.url ?? service.uri,
    ...(domain ? { dnsRecords: domain.dnsRecords } : {}),
    resources,
    description: {
      service: "Cloud Run",
      size: webServiceSize(req.size, req.name),
      details: {
        ingress: !spec.public
          ? "internal only"
          : spec.domain
            ? `${req.stack.residency === "none" ? "global" : `regional (${platform.region})`} external Application Load Balancer (https://${spec.domain}, TLS 1.2+, HTTP redirected)${
                spec.ipAllowList || spec.webApplicationFirewall ? " only" : ", and the run.app address until the domain's certificate is active"
              }`
            : "all (HTTPS)",
        invoker: spec.public ? "anyone (the invoker IAM check is off; no allUsers grant)" : "IAM (roles/run.invoker)",
        ...(spec.ipAllowList ? { ipAllowList: `Cloud Armor: only ${spec.ipAllowList.join(", ")}` } : {}),
        ...(spec.webApplicationFirewall ? { webApplicationFirewall: "Cloud Armor preconfigured rules (OWASP CRS 3.3, sensitivity 1)" } : {}),
        minInstances: spec.background ? Math.max(1, spec.scaling.min) : spec.scaling.min,
        maxInstances: spec.scaling.max,
        cpu: spec.background ? "always allocated (instance-based billing)" : "allocated during requests (request-based billing)",
        executionEnvironment: "gen2",
        vpcEgress: linksDatabase ? "Direct VPC egress, private ranges only" : "none",
        serviceAccount: names.serviceAccount(req.stack.prefix, req.qualifiedName),
        ...(image.resources.repository ? { imageSource: "Artifact Registry remote repository" } : {}),
      },
      dataLocations: webServiceDataLocations(req),
    },
  };
}
