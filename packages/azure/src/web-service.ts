/**
 * WebService -> an Azure Container App in the stack's Container Apps
 * environment (Consumption workload profile, on the stack's network), with its
 * own user-assigned managed identity. Links become RBAC role assignments for
 * that identity at the narrowest scope, and secrets become Key Vault references
 * resolved by the platform (never plain environment variables).
 */
import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as authorization from "@pulumi/azure-native/authorization";
import type * as inputs from "@pulumi/azure-native/types/input";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import type { LinkTarget, WebServiceRequest, WebServiceResult } from "@freehold/core";
import { UnsupportedFeatureError } from "@freehold/model";
import { degrade } from "@freehold/core";
import type { AzureDatabaseHandle } from "./database";
import { deterministicGuid, names } from "./naming";
import { CONSUMPTION_PROFILE, type AzurePlatform } from "./network";
import type { AzureObjectStoreHandle } from "./object-store";
import { BLOB_ROLES, type RoleGrant, roleDefinitionId, SECRET_READER } from "./permissions";
import { memoryString, webServiceSize } from "./sizes";
import { vendorSettings } from "./vendor";

export const WEB_SERVICE_SERVICE = "Azure Container Apps";
export const WEB_SERVICE_ROLES = ["identity", "app"] as const;

/** Refuse what Container Apps cannot do, before anything is registered. */
export function checkWebService(req: Pick<WebServiceRequest, "name" | "spec">): void {
  const { name, spec } = req;
  if (spec.public && spec.domain) {
    throw new UnsupportedFeatureError(
      name,
      "web-service.custom-domain",
      "azure",
      "a Container Apps managed certificate can only be issued after the domain's DNS records point at the app and the hostname is bound, which takes a second deployment step",
      "Omit domain (the app gets HTTPS on its *.azurecontainerapps.io address), then bind the domain with `az containerapp hostname add` and `az containerapp hostname bind --validation-method CNAME`",
    );
  }
  // Only an explicit `false` asks for read-only; unset takes what the cloud has (a difference in the plan, not a refusal).
  if (spec.writableRootFilesystem === false) {
    degrade(
      req,
      "azure",
      "web-service.read-only-root-filesystem",
      "Container Apps has no read-only root filesystem setting",
      "Set writableRootFilesystem: true for this service to accept a writable root filesystem on Azure",
    );
  }
  if (spec.registry) {
    degrade(req, "azure", "web-service.private-registry", "the backend does not yet set registry credentials on the container app", "Use a public image");
  }
  if (spec.user) {
    degrade(req, "azure", "web-service.run-as-user", "Container Apps runs the image's own user and has no setting to change it", "Remove user and set the user in the image (Dockerfile USER)");
  }
}

/** Container Apps secret name for an environment variable: lowercase letters, digits and hyphens. */
export const secretName = (env: string) => env.toLowerCase().replace(/_/g, "-");

interface Grant {
  target: string;
  role: RoleGrant;
  scope: pulumi.Input<string>;
  roleDefinitionId: pulumi.Input<string>;
}

function grantsFor(links: readonly LinkTarget[], p: AzurePlatform): Grant[] {
  const grants: Grant[] = [];
  const builtIn = (guid: string) => p.client().subscriptionId.apply((sub) => roleDefinitionId(sub, guid));
  for (const link of links) {
    if (link.kind === "database") {
      const h = link.handle as AzureDatabaseHandle;
      grants.push({ target: link.name, role: SECRET_READER, scope: h.secretId, roleDefinitionId: builtIn(SECRET_READER.builtInId as string) });
    } else {
      const h = link.handle as AzureObjectStoreHandle;
      const role = BLOB_ROLES[link.access];
      grants.push({ target: link.name, role, scope: h.containerId, roleDefinitionId: role.builtInId ? builtIn(role.builtInId) : p.blobWriterRoleId() });
    }
  }
  return grants;
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

  const identity = new managedidentity.UserAssignedIdentity(
    `${name}-identity`,
    vendor("identity", { resourceGroupName, location: p.location, tags: p.tags, resourceName: names.identity(p.stack.prefix, req.qualifiedName) }),
    opts,
  );

  const created: Record<string, pulumi.Resource> = { identity };
  const assignments = grantsFor(req.links, p).map((g) => {
    const roleName = pulumi
      .all([g.scope, identity.principalId, g.roleDefinitionId])
      .apply(([scope, principal, role]) => deterministicGuid(scope, principal, role));
    const ra = new authorization.RoleAssignment(
      `${name}-${g.target}-access`,
      {
        roleAssignmentName: roleName,
        principalId: identity.principalId,
        principalType: "ServicePrincipal",
        roleDefinitionId: g.roleDefinitionId,
        scope: g.scope,
        description: `Freehold link ${name} -> ${g.target}: ${g.role.role}`,
      },
      opts,
    );
    created[`${g.target}-access`] = ra;
    return ra;
  });

  const secrets: inputs.app.SecretArgs[] = req.linkEnv.secrets.map((s) => ({
    name: secretName(s.name),
    keyVaultUrl: (s.target.handle as AzureDatabaseHandle).secretUrl,
    identity: identity.id,
  }));
  const env: inputs.app.EnvironmentVarArgs[] = [
    ...Object.entries({ ...req.env, ...req.linkEnv.plain }).map(([k, value]) => ({ name: k, value })),
    // Lets Azure SDKs' DefaultAzureCredential pick this app's identity.
    ...("AZURE_CLIENT_ID" in req.env ? [] : [{ name: "AZURE_CLIENT_ID", value: identity.clientId }]),
    ...req.linkEnv.secrets.map((s) => ({ name: s.name, secretRef: secretName(s.name) })),
  ];

  const path = spec.healthCheck.path;
  const period = Math.min(spec.healthCheck.intervalSeconds, 240);
  const probe = (type: "Liveness" | "Readiness" | "Startup", extra: Partial<inputs.app.ContainerAppProbeArgs>): inputs.app.ContainerAppProbeArgs => ({
    type,
    httpGet: { path, port: spec.port, scheme: "HTTP" },
    timeoutSeconds: 5,
    ...extra,
  });

  const containerApp = new app.ContainerApp(
    `${name}-app`,
    vendor("app", {
      resourceGroupName,
      location: p.location,
      tags: p.tags,
      containerAppName: names.containerApp(req.qualifiedName),
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
        },
        secrets,
      },
      template: {
        containers: [
          {
            name: "app",
            image: req.image,
            resources: { cpu: size.cpu, memory: memoryString(size.memoryGiB) },
            env,
            probes: [
              probe("Startup", { periodSeconds: 5, failureThreshold: 10, initialDelaySeconds: 1 }),
              probe("Readiness", { periodSeconds: Math.min(period, 10), failureThreshold: 3 }),
              probe("Liveness", { periodSeconds: period, failureThreshold: 3 }),
            ],
          },
        ],
        scale: { minReplicas: spec.scaling.min, maxReplicas: spec.scaling.max },
      },
    }),
    // Key Vault references are resolved when the first revision starts: the grants must exist by then.
    { ...opts, dependsOn: assignments },
  );
  created.app = containerApp;

  const fqdn = containerApp.configuration.apply((c) => c?.ingress?.fqdn ?? "");
  return {
    url: pulumi.interpolate`https://${fqdn}`,
    resources: created,
    description: {
      service: WEB_SERVICE_SERVICE,
      size,
      details: {
        ingress: spec.public ? "external (internet), HTTPS only" : "internal (environment only), HTTPS only",
        workloadProfile: CONSUMPTION_PROFILE,
        minReplicas: spec.scaling.min,
        maxReplicas: spec.scaling.max,
        zoneRedundant: p.zonal,
      },
    },
  };
}
