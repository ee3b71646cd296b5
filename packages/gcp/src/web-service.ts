/**
 * WebService -> a Cloud Run (v2) service with its own service account, Direct
 * VPC egress to reach linked databases privately, secrets from Secret Manager,
 * and least-privilege grants for its links.
 */
import type { LinkTarget, WebServiceRequest, WebServiceResult } from "@freehold/core";
import { UnsupportedFeatureError, type WebService } from "@freehold/model";
import { degrade } from "@freehold/core";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as projects from "@pulumi/gcp/projects";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as storage from "@pulumi/gcp/storage";
import type * as inputs from "@pulumi/gcp/types/input";
import type * as pulumi from "@pulumi/pulumi";
import type { DatabaseHandle } from "./database";
import { names } from "./naming";
import { type Api, type GcpPlatform, platformOf } from "./network";
import type { ObjectStoreHandle } from "./object-store";
import { cloudSqlInstanceCondition, DATABASE_ROLES, OBJECT_STORE_ROLES, PUBLIC_INVOKER } from "./permissions";
import { cloudRunLimits, webServiceSize } from "./sizes";
import { vendorSettings, withVendor } from "./vendor";

export const WEB_SERVICE_ROLES = ["service", "serviceAccount"] as const;
/** Startup probe: every 10 s, up to 18 failures (3 minutes) before the instance is replaced. */
export const STARTUP_PERIOD_SECONDS = 10;
export const STARTUP_FAILURES = 18;

/** Refuse what Cloud Run cannot do, before anything is registered. */
export function assertSupported(component: string, spec: WebService): void {
  // Only an explicit `false` asks for read-only; unset takes what the cloud has (a difference in the plan, not a refusal).
  if (spec.writableRootFilesystem === false) {
    degrade(
      { name: component, spec },
      "gcp",
      "web-service.read-only-root-filesystem",
      "Cloud Run always gives containers a writable in-memory filesystem and has no setting to make it read-only",
      "Set writableRootFilesystem: true on this component to accept Cloud Run's writable filesystem",
    );
  }
  if (spec.background) {
    degrade({ name: component, spec }, "gcp", "web-service.background", "the backend does not yet allocate CPU outside requests", "Remove background");
  }
  if (spec.registry) {
    degrade({ name: component, spec }, "gcp", "web-service.private-registry", "the backend does not yet create an Artifact Registry remote repository with the credentials", "Push the image to Artifact Registry or use a public image");
  }
  if (spec.user !== undefined) {
    degrade(
      { name: component, spec },
      "gcp",
      "web-service.run-as-user",
      "Cloud Run runs the container as the image's user and has no setting to change it",
      "Remove user and set USER in the image instead",
    );
  }
  if (spec.domain !== undefined) {
    throw new UnsupportedFeatureError(
      component,
      "web-service.custom-domain",
      "gcp",
      "the gcp backend does not yet put a global external Application Load Balancer with a managed certificate in front of Cloud Run, and Cloud Run domain mappings are a preview feature not offered in every region",
      "Remove domain to use the service's own https://*.run.app address, or deploy it to a cloud whose backend supports custom domains",
    );
  }
}

function isDatabase(h: unknown): h is DatabaseHandle {
  return typeof h === "object" && h !== null && (h as { kind?: unknown }).kind === "gcp-database";
}
function isObjectStore(h: unknown): h is ObjectStoreHandle {
  return typeof h === "object" && h !== null && (h as { kind?: unknown }).kind === "gcp-object-store";
}

/** Least-privilege grants for each link, for the service's own account. */
function grantLinks(req: WebServiceRequest, account: serviceaccount.Account, platform: GcpPlatform): pulumi.Resource[] {
  const grants: pulumi.Resource[] = [];
  const opts = { parent: req.parent };
  for (const link of req.links) {
    const prefix = `${req.name}-${link.name}`;
    if (link.kind === "object-store") {
      const h = handleOf(link, isObjectStore);
      grants.push(new storage.BucketIAMMember(`${prefix}-access`, { bucket: h.bucket.name, role: OBJECT_STORE_ROLES[link.access], member: account.member }, opts));
    } else {
      const h = handleOf(link, isDatabase);
      const roles = DATABASE_ROLES[link.access];
      grants.push(
        new secretmanager.SecretIamMember(`${prefix}-secret-access`, { secretId: h.secret.secretId, role: roles.secret, member: account.member }, opts),
        new projects.IAMMember(
          `${prefix}-sql-client`,
          { project: account.project, role: roles.instance, member: account.member, condition: account.project.apply((p) => cloudSqlInstanceCondition(p, h.instanceName)) },
          { ...opts, dependsOn: [platform.api("resourcemanager")] },
        ),
      );
    }
  }
  return grants;
}

function handleOf<T>(link: LinkTarget, guard: (h: unknown) => h is T): T {
  if (!guard(link.handle)) throw new Error(`link ${link.name}: not a ${link.kind} created by the gcp backend`);
  return link.handle;
}

export function webService(req: WebServiceRequest): WebServiceResult {
  assertSupported(req.name, req.spec);
  const platform = platformOf(req.platform);
  const vendor = vendorSettings(req.name, req.spec.vendor, WEB_SERVICE_ROLES);
  const spec = req.spec;
  const size = webServiceSize(req.size, req.name);
  const opts = { parent: req.parent };
  const linksDatabase = req.links.some((l) => l.kind === "database");

  const account = new serviceaccount.Account(
    `${req.name}-account`,
    withVendor<serviceaccount.AccountArgs>(
      { accountId: names.serviceAccount(req.stack.prefix, req.qualifiedName), displayName: `Freehold ${req.stack.prefix}/${req.qualifiedName}`, description: "Identity of one Freehold web service; holds only its links' grants" },
      vendor,
      "serviceAccount",
    ),
    { ...opts, dependsOn: [platform.api("iam")] },
  );
  const grants = grantLinks(req, account, platform);

  const envs: inputs.cloudrunv2.ServiceTemplateContainerEnv[] = [
    ...Object.entries({ ...req.env, ...req.linkEnv.plain }).map(([name, value]) => ({ name, value })),
    ...req.linkEnv.secrets.map((s) => {
      const h = handleOf(s.target, isDatabase);
      return { name: s.name, valueSource: { secretKeyRef: { secret: h.secret.secretId, version: h.secretVersion.version } } };
    }),
  ];

  const probePath = spec.healthCheck.path;
  const apis: Api[] = ["run"];
  if (linksDatabase) apis.push("compute");
  const serviceArgs: cloudrunv2.ServiceArgs = {
    name: names.cloudRunService(req.stack.prefix, req.qualifiedName),
    location: platform.region,
    ingress: spec.public ? "INGRESS_TRAFFIC_ALL" : "INGRESS_TRAFFIC_INTERNAL_ONLY",
    launchStage: "GA",
    // A web service holds no data: it can be replaced or destroyed freely.
    deletionProtection: false,
    labels: platform.labels,
    template: {
      serviceAccount: account.email,
      executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
      scaling: { minInstanceCount: spec.scaling.min, maxInstanceCount: spec.scaling.max },
      vpcAccess: linksDatabase
        ? { networkInterfaces: [{ network: platform.network().network.name, subnetwork: platform.network().subnet.name }], egress: "PRIVATE_RANGES_ONLY" }
        : undefined,
      containers: [
        {
          image: req.image,
          ports: { containerPort: spec.port },
          resources: { limits: cloudRunLimits(size), cpuIdle: true },
          envs,
          startupProbe: { httpGet: { path: probePath, port: spec.port }, periodSeconds: STARTUP_PERIOD_SECONDS, timeoutSeconds: 5, failureThreshold: STARTUP_FAILURES },
          livenessProbe: {
            httpGet: { path: probePath, port: spec.port },
            periodSeconds: spec.healthCheck.intervalSeconds,
            timeoutSeconds: Math.min(5, spec.healthCheck.intervalSeconds),
            failureThreshold: 3,
          },
        },
      ],
    },
  };
  const service = new cloudrunv2.Service(`${req.name}-service`, withVendor(serviceArgs, vendor, "service"), {
    ...opts,
    // The revision starts only once its account can read its secrets.
    dependsOn: [...platform.apisFor(...apis), ...grants],
  });

  const resources: Record<string, pulumi.Resource> = { service, serviceAccount: account };
  grants.forEach((g, i) => {
    resources[`grant${i}`] = g;
  });
  if (spec.public) {
    resources.publicInvoker = new cloudrunv2.ServiceIamMember(
      `${req.name}-public-invoker`,
      { name: service.name, location: service.location, role: PUBLIC_INVOKER.role, member: PUBLIC_INVOKER.member },
      opts,
    );
  }
  return {
    url: service.uri,
    resources,
    description: {
      service: "Cloud Run",
      size,
      details: {
        ingress: spec.public ? "all (HTTPS)" : "internal only",
        invoker: spec.public ? "allUsers" : "IAM (roles/run.invoker)",
        minInstances: spec.scaling.min,
        maxInstances: spec.scaling.max,
        executionEnvironment: "gen2",
        vpcEgress: linksDatabase ? "Direct VPC egress, private ranges only" : "none",
        serviceAccount: names.serviceAccount(req.stack.prefix, req.qualifiedName),
      },
    },
  };
}
