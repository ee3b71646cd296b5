/**
 * WebService -> an Azure Container App in the stack's Container Apps
 * environment (Consumption workload profile, on the stack's network), with its
 * own user-assigned managed identity. Links become RBAC role assignments for
 * that identity at the narrowest scope, secrets become Key Vault references
 * resolved by the platform (never plain environment variables), and the app
 * waits until its grants have taken effect before its first revision reads them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import type * as authorization from "@pulumi/azure-native/authorization";
import type * as keyvault from "@pulumi/azure-native/keyvault";
import type * as inputs from "@pulumi/azure-native/types/input";
import type * as managedidentity from "@pulumi/azure-native/managedidentity";
import type * as time from "@pulumiverse/time";
import type { ContainerRequest, LinkTarget, WebServiceRequest, WebServiceResult } from "@freehold/core";
import { type ContainerComponent, UnsupportedFeatureError } from "@freehold/model";
import { appRoleFor, degrade } from "@freehold/core";
import { builtInRole, caFile, databaseCaBundle, type Grant, grantAndWait, workloadIdentity } from "./container";
import type { AzureDatabaseHandle } from "./database";
import { domainRecords, managedCertificate } from "./domain";
import { checkIngress, ingressAccess } from "./ingress";
import { byRole, names } from "./naming";
import { CONSUMPTION_PROFILE, type AzurePlatform, type VaultSecret } from "./network";
import type { AzureObjectStoreHandle } from "./object-store";
import { BLOB_DELEGATOR, BLOB_ROLES, SECRET_READER } from "./permissions";
import { pairCopy } from "./regions";
import { memoryString, webServiceSize } from "./sizes";
import { vendorSettings } from "./vendor";

export const WEB_SERVICE_SERVICE = "Azure Container Apps";
export const WEB_SERVICE_ROLES = ["identity", "app"] as const;
/** The Container Apps secret that holds a private registry's password (a Key Vault reference). */
export const REGISTRY_SECRET = "registry-password";

/** The child resources of a WebService on Azure, by role. */
export interface WebServiceResources {
  identity: managedidentity.UserAssignedIdentity;
  app: app.ContainerApp;
  /** The wait between the grants and the app's first revision; only when the service has grants. */
  grantsWait?: time.Sleep;
  /** With `registry`: the registry password, in the stack's Key Vault. */
  registrySecret?: keyvault.Secret;
  /** With `domain`: the managed certificate for it, from the `up` after the hostname is on the app (docs/azure.md, "Custom domains"). */
  certificate?: app.ManagedCertificate;
  /** One per link (and for the registry password): `<target>-access`. */
  [access: `${string}-access`]: authorization.RoleAssignment;
  /** One per linked object store: a user delegation key for signed URLs, `<target>-delegate`. */
  [delegate: `${string}-delegate`]: authorization.RoleAssignment;
}

/** What Container Apps cannot do for any container (a web service, a worker, a job): refused, or degraded where accepted. */
export function checkContainer(req: { name: string; spec: ContainerComponent }): void {
  const { spec } = req;
  // Only an explicit `false` asks for read-only; unset takes what the cloud has (a difference in the plan, not a refusal).
  if (spec.writableRootFilesystem === false) {
    degrade(
      req,
      "azure",
      `${spec.kind}.read-only-root-filesystem`,
      "Container Apps has no read-only root filesystem setting",
      `Set writableRootFilesystem: true for this ${spec.kind === "web-service" ? "service" : spec.kind === "worker" ? "worker" : "job"} to accept a writable root filesystem on Azure`,
    );
  }
  if (spec.user) {
    degrade(req, "azure", `${spec.kind}.run-as-user`, "Container Apps runs the image's own user and has no setting to change it", "Remove user and set the user in the image (Dockerfile USER)");
  }
}

/** Refuse what Container Apps cannot do, before anything is registered. */
export function checkWebService(req: Pick<WebServiceRequest, "name" | "spec">): void {
  const { spec } = req;
  checkContainer(req);
  checkIngress(req);
  if (spec.domain && !spec.public) {
    throw new UnsupportedFeatureError(req.name, "web-service.custom-domain", "azure", "a custom domain is bound to external ingress; a private service has none", "Set public: true, or remove domain");
  }
}

/** The vendor settings of a component, merged over a child's arguments by role. */
export type Vendor = ReturnType<typeof vendorSettings>;

/** Container Apps secret name for an environment variable: lowercase letters, digits and hyphens. */
export const secretName = (env: string) => env.toLowerCase().replace(/_/g, "-");

function grantsFor(links: readonly LinkTarget[], p: AzurePlatform, registrySecretId: pulumi.Output<string> | undefined): Grant[] {
  const grants: Grant[] = [];
  for (const link of links) {
    if (link.kind === "database") {
      // The password secret of the one role the link's access maps to (app_read for a read link), nothing of the other role.
      const h = link.handle as AzureDatabaseHandle;
      grants.push({ key: `${link.name}-access`, label: link.name, role: SECRET_READER, scope: h.roles[appRoleFor(link.access)].secretId, roleDefinitionId: builtInRole(p, SECRET_READER.builtInId as string) });
    } else {
      const h = link.handle as AzureObjectStoreHandle;
      const role = BLOB_ROLES[link.access];
      grants.push({ key: `${link.name}-access`, label: link.name, role, scope: h.containerId, roleDefinitionId: role.builtInId ? builtInRole(p, role.builtInId) : p.blobWriterRoleId() });
      grants.push({ key: `${link.name}-delegate`, label: link.name, role: BLOB_DELEGATOR, scope: h.accountId, roleDefinitionId: builtInRole(p, BLOB_DELEGATOR.builtInId as string) });
    }
  }
  if (registrySecretId) grants.push({ key: "registry-access", label: "registry password", role: SECRET_READER, scope: registrySecretId, roleDefinitionId: builtInRole(p, SECRET_READER.builtInId as string) });
  return grants;
}

/**
 * Health probes. The startup probe gives a new replica `startupGraceSeconds` to answer (ten tries, the period
 * rounded up), then readiness and liveness take over at the health check's interval. Container Apps limits:
 * period and timeout 1-240 s, failure threshold 1-10 (https://learn.microsoft.com/azure/container-apps/health-probes#restrictions).
 */
export function probes(spec: WebServiceRequest["spec"]): inputs.app.ContainerAppProbeArgs[] {
  const hc = spec.healthCheck;
  const probe = (type: "Liveness" | "Readiness" | "Startup", periodSeconds: number, failureThreshold: number): inputs.app.ContainerAppProbeArgs => ({
    type,
    httpGet: { path: hc.path, port: spec.port, scheme: "HTTP" },
    periodSeconds,
    timeoutSeconds: Math.min(5, periodSeconds),
    failureThreshold,
  });
  const period = Math.min(hc.intervalSeconds, 240);
  return [probe("Startup", Math.min(240, Math.ceil(hc.startupGraceSeconds / 10)), 10), probe("Readiness", Math.min(period, 10), 3), probe("Liveness", period, 3)];
}

/**
 * What every workload on the environment (a web service, a worker, a scheduled job) is given the same way: its own
 * user-assigned identity; a private registry's password in the stack's vault; a role assignment per grant (its links,
 * the registry password) at the narrowest scope, and a wait until they apply; and what its containers get from its
 * links and registry (runtime).
 */
export function workloadAccess(
  req: ContainerRequest<ContainerComponent>,
  p: AzurePlatform,
  vendor: Vendor,
  opts: pulumi.CustomResourceOptions,
): { identity: managedidentity.UserAssignedIdentity; created: Record<string, pulumi.Resource>; registry?: VaultSecret; grantsWait?: time.Sleep } & ReturnType<typeof runtime> {
  const { name } = req;
  const identity = workloadIdentity(`${name}-identity`, req.qualifiedName, p, vendor("identity", {}), opts);
  const created: Record<string, pulumi.Resource> = { identity };

  // A private registry's password lives in the stack's vault; the workload reads it through its identity, like a database password.
  const registry = req.registry && p.vaultSecret(`${name}-registry-secret`, names.registrySecret(req.qualifiedName), req.registry.password, `Password of ${req.registry.username} at ${req.registry.server}`, opts);
  if (registry) created.registrySecret = registry.secret;

  // Key Vault references (and a registry password) are read when a revision or a run starts, and a grant can take up
  // to ten minutes to apply: the workload waits that long after its grants change, never racing them.
  const grants = grantAndWait(name, identity.principalId, grantsFor(req.links, p, registry?.id), opts);
  Object.assign(created, grants.assignments);
  if (grants.wait) created.grantsWait = grants.wait;

  return { identity, created, ...(registry ? { registry } : {}), ...(grants.wait ? { grantsWait: grants.wait } : {}), ...runtime(req, identity, registry) };
}

/** What a workload's containers get from its links and registry: secrets (Key Vault references), environment and the CA file. */
function runtime(req: ContainerRequest<ContainerComponent>, identity: managedidentity.UserAssignedIdentity, registry: { url: pulumi.Output<string> } | undefined) {
  const ca = databaseCaBundle(req.links);
  const mount = ca ? caFile(ca) : undefined;
  const secrets: inputs.app.SecretArgs[] = [
    ...req.linkEnv.secrets.map((s) => ({ name: secretName(s.name), keyVaultUrl: (s.target.handle as AzureDatabaseHandle).roles[appRoleFor(s.target.access)].secretUrl, identity: identity.id })),
    ...(registry ? [{ name: REGISTRY_SECRET, keyVaultUrl: registry.url, identity: identity.id }] : []),
    ...(mount ? [mount.secret] : []),
  ];
  const env: inputs.app.EnvironmentVarArgs[] = [
    ...Object.entries({ ...req.env, ...req.linkEnv.plain }).map(([k, value]) => ({ name: k, value })),
    // Lets Azure SDKs' DefaultAzureCredential pick this workload's identity.
    ...("AZURE_CLIENT_ID" in req.env ? [] : [{ name: "AZURE_CLIENT_ID", value: identity.clientId }]),
    ...req.linkEnv.secrets.map((s) => ({ name: s.name, secretRef: secretName(s.name) })),
  ];
  const volumes: inputs.app.VolumeArgs[] = mount ? [mount.volume] : [];
  const volumeMounts: inputs.app.VolumeMountArgs[] = mount ? [mount.mount] : [];
  return { secrets, env, volumes, volumeMounts };
}

export function createWebService(req: WebServiceRequest): WebServiceResult {
  const { name, spec } = req;
  const p = req.platform as AzurePlatform;
  checkWebService(req);
  const vendor = vendorSettings(name, spec.vendor, WEB_SERVICE_ROLES);
  const size = webServiceSize(req.size, name);
  const opts = { parent: req.parent };
  const resourceGroupName = p.resourceGroupName;
  const environment = p.environment();

  const access = workloadAccess(req, p, vendor, opts);
  const { identity, secrets, env, volumes, volumeMounts } = access;
  const created = access.created as unknown as WebServiceResources;
  const grants = { wait: access.grantsWait };
  // Background work (the model refuses it with scaling.min 0) gets what every replica has on Container Apps: its CPU between requests.
  const minReplicas = spec.scaling.min;
  const appName = names.containerApp(req.qualifiedName, p.stack.network?.azure ? p.stack.prefix : undefined);
  const ownFqdn = `${appName}.${spec.public ? "" : "internal."}${p.location}.azurecontainerapps.io`;

  // A custom domain's certificate comes before the app, from the `up` after the hostname is on it, so that the app
  // (and its binding) is deleted first on a removal or a destroy (domain.ts).
  const certificate = spec.domain ? managedCertificate(name, spec.domain, spec.domainZone, p, { environment, appName, parent: req.parent }) : Promise.resolve(undefined);
  const dependsOn = certificate.then((cert) => [...(grants.wait ? [grants.wait] : []), ...(cert ? [cert] : [])]);

  const containerApp = new app.ContainerApp(
    `${name}-app`,
    vendor("app", {
      resourceGroupName,
      location: p.location,
      tags: p.tags,
      containerAppName: appName,
      environmentId: environment.id,
      workloadProfileName: CONSUMPTION_PROFILE,
      identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
      configuration: {
        activeRevisionsMode: "Single",
        ingress: {
          external: spec.public,
          targetPort: spec.port,
          allowInsecure: false,
          transport: "Auto",
          ...ingressAccess(req),
          // The platform binds the managed certificate once it is issued.
          ...(spec.domain ? { customDomains: [{ name: spec.domain, bindingType: "Auto" }] } : {}),
        },
        secrets,
        ...(req.registry ? { registries: [{ server: req.registry.server, username: req.registry.username, passwordSecretRef: REGISTRY_SECRET }] } : {}),
      },
      template: {
        containers: [
          { name: "app", image: req.image, resources: { cpu: size.cpu, memory: memoryString(size.memoryGiB) }, env, probes: probes(spec), ...(volumeMounts.length ? { volumeMounts } : {}) },
        ],
        ...(volumes.length ? { volumes } : {}),
        scale: { minReplicas, maxReplicas: spec.scaling.max },
      },
    }),
    { ...opts, dependsOn },
  );
  created.app = containerApp;
  const fqdn = containerApp.configuration.apply((c) => c?.ingress?.fqdn ?? ownFqdn);

  const resources = byRole(created);
  // Registered after the program read the app's hostnames: in `resources` once it is.
  void certificate.then((cert) => {
    if (cert) resources.certificate = cert;
  });

  return {
    url: spec.domain ? pulumi.output(`https://${spec.domain}`) : pulumi.interpolate`https://${fqdn}`,
    ...(spec.domain ? { dnsRecords: domainRecords(spec.domain, spec.domainZone, environment, fqdn) } : {}),
    resources,
    description: {
      service: WEB_SERVICE_SERVICE,
      size,
      details: {
        ingress: spec.public ? "external (internet), HTTPS only" : "internal (environment only), HTTPS only, encrypted between apps",
        ...(spec.public && spec.ipAllowList ? { ipAllowList: (ipRestrictionsFor(req) ?? []).join(", ") } : {}),
        workloadProfile: CONSUMPTION_PROFILE,
        minReplicas,
        maxReplicas: spec.scaling.max,
        zoneRedundant: p.zonal,
        startupGraceSeconds: spec.healthCheck.startupGraceSeconds,
        ...(spec.domain ? { domain: `${spec.domain} (managed certificate, issued by the up after the hostname is on the app)` } : {}),
        ...(req.registry ? { registry: `${req.registry.server} (password in Key Vault)` } : {}),
      },
      ...(req.registry ? { dataLocations: pairCopy(p.location, "registry password (Key Vault replicates to the paired region)") } : {}),
    },
  };
}

/** The IPv4 ranges the app's ingress allows (what the plan shows). */
function ipRestrictionsFor(req: WebServiceRequest): string[] | undefined {
  const rules = ingressAccess(req).ipSecurityRestrictions as inputs.app.IpSecurityRestrictionRuleArgs[] | undefined;
  return rules?.map((r) => String(r.ipAddressRange));
}
