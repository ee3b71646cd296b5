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
import * as authorization from "@pulumi/azure-native/authorization";
import type * as keyvault from "@pulumi/azure-native/keyvault";
import type * as inputs from "@pulumi/azure-native/types/input";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as time from "@pulumiverse/time";
import type { ContainerRequest, LinkTarget, WebServiceRequest, WebServiceResult } from "@freehold/core";
import { type ContainerComponent, UnsupportedFeatureError } from "@freehold/model";
import { appRoleFor, degrade } from "@freehold/core";
import type { AzureDatabaseHandle } from "./database";
import { customDomain, type CustomDomain } from "./domain";
import { byRole, deterministicGuid, names } from "./naming";
import { CONSUMPTION_PROFILE, RBAC_PROPAGATION, type AzurePlatform, type VaultSecret } from "./network";
import type { AzureObjectStoreHandle } from "./object-store";
import { BLOB_DELEGATOR, BLOB_ROLES, type RoleGrant, roleDefinitionId, SECRET_READER } from "./permissions";
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
  /** With `domain`: the managed certificate for it. */
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
  if (spec.ipAllowList) degrade(req, "azure", "web-service.ip-allow-list", "this backend does not restrict a service's ingress by address yet", "Remove ipAllowList");
  if (spec.webApplicationFirewall) degrade(req, "azure", "web-service.web-application-firewall", "this backend puts no web application firewall in front of a service", "Remove webApplicationFirewall");
  if (spec.domain && !spec.public) {
    throw new UnsupportedFeatureError(req.name, "web-service.custom-domain", "azure", "a custom domain is bound to external ingress; a private service has none", "Set public: true, or remove domain");
  }
}

/** The vendor settings of a component, merged over a child's arguments by role. */
export type Vendor = ReturnType<typeof vendorSettings>;

/** Container Apps secret name for an environment variable: lowercase letters, digits and hyphens. */
export const secretName = (env: string) => env.toLowerCase().replace(/_/g, "-");

interface Grant {
  /** The role's key in `resources`: `<target>-access` or `<target>-delegate`. */
  key: string;
  label: string;
  role: RoleGrant;
  scope: pulumi.Input<string>;
  roleDefinitionId: pulumi.Input<string>;
}

function grantsFor(links: readonly LinkTarget[], p: AzurePlatform, registrySecretId: pulumi.Output<string> | undefined): Grant[] {
  const grants: Grant[] = [];
  const builtIn = (guid: string) => p.client().subscriptionId.apply((sub) => roleDefinitionId(sub, guid));
  for (const link of links) {
    if (link.kind === "database") {
      // The password secret of the one role the link's access maps to (app_read for a read link), nothing of the other role.
      const h = link.handle as AzureDatabaseHandle;
      grants.push({ key: `${link.name}-access`, label: link.name, role: SECRET_READER, scope: h.roles[appRoleFor(link.access)].secretId, roleDefinitionId: builtIn(SECRET_READER.builtInId as string) });
    } else {
      const h = link.handle as AzureObjectStoreHandle;
      const role = BLOB_ROLES[link.access];
      grants.push({ key: `${link.name}-access`, label: link.name, role, scope: h.containerId, roleDefinitionId: role.builtInId ? builtIn(role.builtInId) : p.blobWriterRoleId() });
      grants.push({ key: `${link.name}-delegate`, label: link.name, role: BLOB_DELEGATOR, scope: h.accountId, roleDefinitionId: builtIn(BLOB_DELEGATOR.builtInId as string) });
    }
  }
  if (registrySecretId) grants.push({ key: "registry-access", label: "registry password", role: SECRET_READER, scope: registrySecretId, roleDefinitionId: builtIn(SECRET_READER.builtInId as string) });
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
 * the registry password) at the narrowest scope, and a wait until they apply; its secrets as Key Vault references read
 * through that identity; and its environment, plain values and secret references.
 */
export function workloadAccess(
  req: ContainerRequest<ContainerComponent>,
  p: AzurePlatform,
  vendor: Vendor,
  opts: pulumi.CustomResourceOptions,
): { identity: managedidentity.UserAssignedIdentity; created: Record<string, pulumi.Resource>; registry?: VaultSecret; secrets: inputs.app.SecretArgs[]; env: inputs.app.EnvironmentVarArgs[] } {
  const { name } = req;
  const identity = new managedidentity.UserAssignedIdentity(
    `${name}-identity`,
    vendor("identity", { resourceGroupName: p.resourceGroupName, location: p.location, tags: p.tags, resourceName: names.identity(p.stack.prefix, req.qualifiedName) }),
    opts,
  );
  const created: Record<string, pulumi.Resource> = { identity };

  // A private registry's password lives in the stack's vault; the app reads it through its identity, like a database password.
  const registry = req.registry && p.vaultSecret(`${name}-registry-secret`, names.registrySecret(req.qualifiedName), req.registry.password, `Password of ${req.registry.username} at ${req.registry.server}`, opts);
  if (registry) created.registrySecret = registry.secret;

  const assignments = grantsFor(req.links, p, registry?.id).map((g) => {
    const roleName = pulumi.all([g.scope, identity.principalId, g.roleDefinitionId]).apply(([scope, principal, role]) => deterministicGuid(scope, principal, role));
    const ra = new authorization.RoleAssignment(
      `${name}-${g.key}`,
      {
        roleAssignmentName: roleName,
        principalId: identity.principalId,
        // A new identity may not have replicated yet; the type lets the assignment go ahead.
        principalType: "ServicePrincipal",
        roleDefinitionId: g.roleDefinitionId,
        scope: g.scope,
        description: `Freehold link ${name} -> ${g.label}: ${g.role.role}`,
      },
      opts,
    );
    created[g.key] = ra;
    return ra;
  });
  // Key Vault references (and a registry password) are read when a revision starts, and a grant can take up to
  // ten minutes to apply: the app waits that long after its grants change, never racing them.
  if (assignments.length) {
    created.grantsWait = new time.Sleep(
      `${name}-grants-wait`,
      { createDuration: RBAC_PROPAGATION, triggers: { grants: pulumi.all(assignments.map((a) => a.id)).apply((ids) => ids.join(",")) } },
      { ...opts, dependsOn: assignments },
    );
  }

  const secrets: inputs.app.SecretArgs[] = [
    ...req.linkEnv.secrets.map((s) => ({ name: secretName(s.name), keyVaultUrl: (s.target.handle as AzureDatabaseHandle).roles[appRoleFor(s.target.access)].secretUrl, identity: identity.id })),
    ...(registry ? [{ name: REGISTRY_SECRET, keyVaultUrl: registry.url, identity: identity.id }] : []),
  ];
  const env: inputs.app.EnvironmentVarArgs[] = [
    ...Object.entries({ ...req.env, ...req.linkEnv.plain }).map(([k, value]) => ({ name: k, value })),
    // Lets Azure SDKs' DefaultAzureCredential pick this app's identity.
    ...("AZURE_CLIENT_ID" in req.env ? [] : [{ name: "AZURE_CLIENT_ID", value: identity.clientId }]),
    ...req.linkEnv.secrets.map((s) => ({ name: s.name, secretRef: secretName(s.name) })),
  ];
  return { identity, created, ...(registry ? { registry } : {}), secrets, env };
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
  const { identity, secrets, env } = access;
  const created = access.created as unknown as WebServiceResources;
  // Background work (the model refuses it with scaling.min 0) gets what every replica has on Container Apps: its CPU between requests.
  const minReplicas = spec.scaling.min;
  const appName = names.containerApp(req.qualifiedName, p.stack.network?.azure ? p.stack.prefix : undefined);

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
          // The platform binds the managed certificate below once it is issued.
          ...(spec.domain ? { customDomains: [{ name: spec.domain, bindingType: "Auto" }] } : {}),
        },
        secrets,
        ...(req.registry ? { registries: [{ server: req.registry.server, username: req.registry.username, passwordSecretRef: REGISTRY_SECRET }] } : {}),
      },
      template: {
        containers: [{ name: "app", image: req.image, resources: { cpu: size.cpu, memory: memoryString(size.memoryGiB) }, env, probes: probes(spec) }],
        scale: { minReplicas, maxReplicas: spec.scaling.max },
      },
    }),
    { ...opts, dependsOn: created.grantsWait ? [created.grantsWait] : [] },
  );
  created.app = containerApp;

  const domain: CustomDomain | undefined = spec.domain ? customDomain(name, spec.domain, p, { environment, containerApp, appName, parent: req.parent }) : undefined;
  if (domain) created.certificate = domain.certificate;

  const fqdn = containerApp.configuration.apply((c) => c?.ingress?.fqdn ?? `${appName}.${spec.public ? "" : "internal."}${p.location}.azurecontainerapps.io`);
  return {
    url: spec.domain ? pulumi.output(`https://${spec.domain}`) : pulumi.interpolate`https://${fqdn}`,
    ...(domain ? { dnsRecords: domain.records } : {}),
    resources: byRole(created),
    description: {
      service: WEB_SERVICE_SERVICE,
      size,
      details: {
        ingress: spec.public ? "external (internet), HTTPS only" : "internal (environment only), HTTPS only, encrypted between apps",
        workloadProfile: CONSUMPTION_PROFILE,
        minReplicas,
        maxReplicas: spec.scaling.max,
        zoneRedundant: p.zonal,
        startupGraceSeconds: spec.healthCheck.startupGraceSeconds,
        ...(spec.domain ? { domain: `${spec.domain} (managed certificate)` } : {}),
        ...(req.registry ? { registry: `${req.registry.server} (password in Key Vault)` } : {}),
      },
      ...(req.registry ? { dataLocations: pairCopy(p.location, "registry password (Key Vault replicates to the paired region)") } : {}),
    },
  };
}
