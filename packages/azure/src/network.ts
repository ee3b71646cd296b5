/**
 * The shared, stack-level platform: a resource group in the stack's region, a
 * virtual network with a subnet for Container Apps and a subnet delegated to
 * PostgreSQL flexible servers. Everything else shared is created on first use,
 * so a stack pays (in resources and money) only for what its components need:
 * the Log Analytics workspace and Container Apps environment with the first web
 * service; the Key Vault and the PostgreSQL private DNS zone with the first
 * database; the blob-writer role with the first write-only link.
 */
import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as network from "@pulumi/azure-native/network";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as resources from "@pulumi/azure-native/resources";
import type { StackContext } from "@freehold/core";
import { deterministicGuid, names } from "./naming";
import { BLOB_ROLES } from "./permissions";

/** Address plan: 10.42.0.0/16; Container Apps /23 (workload profiles need /27 or more), PostgreSQL /24. */
export const ADDRESS_SPACE = "10.42.0.0/16";
export const APPS_SUBNET = { name: "apps", prefix: "10.42.0.0/23", delegation: "Microsoft.App/environments" } as const;
export const DATABASE_SUBNET = { name: "postgres", prefix: "10.42.2.0/24", delegation: "Microsoft.DBforPostgreSQL/flexibleServers" } as const;
/** The Container Apps workload profile every app runs on: serverless, billed per second. */
export const CONSUMPTION_PROFILE = "Consumption";

export interface AzurePlatform {
  stack: StackContext;
  parent: pulumi.Resource;
  location: string;
  /** True where the region has availability zones. */
  zonal: boolean;
  tags: Record<string, string>;
  resourceGroup: resources.ResourceGroup;
  resourceGroupName: pulumi.Output<string>;
  virtualNetwork: network.VirtualNetwork;
  appsSubnetId: pulumi.Output<string>;
  databaseSubnetId: pulumi.Output<string>;
  /** Tenant and subscription of the deploying identity (one invoke per stack, made on first need). */
  client(): pulumi.Output<authorization.GetClientConfigResult>;
  environment(): app.ManagedEnvironment;
  vault(): keyvault.Vault;
  /** The PostgreSQL private DNS zone and its link to the network (servers wait for the link). */
  postgresDns(): { zone: privatedns.PrivateZone; link: privatedns.VirtualNetworkLink };
  /** Role definition id of the stack's write-only blob role. */
  blobWriterRoleId(): pulumi.Output<string>;
}

const delegation = (serviceName: string) => ({ name: serviceName.replace(/[/.]/g, "-"), serviceName });

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}

export function createPlatform(stack: StackContext, parent: pulumi.Resource): AzurePlatform {
  const opts = { parent };
  const location = stack.region.region;
  const tags = stack.tags;
  const s = stack.name;

  const resourceGroup = new resources.ResourceGroup(`${s}-rg`, { resourceGroupName: names.resourceGroup(stack.prefix), location, tags }, opts);
  const resourceGroupName = resourceGroup.name;

  // Subnets inline: one resource, no races between subnet operations on the same network.
  const virtualNetwork = new network.VirtualNetwork(
    `${s}-vnet`,
    {
      resourceGroupName,
      location,
      tags,
      virtualNetworkName: names.virtualNetwork(stack.prefix),
      addressSpace: { addressPrefixes: [ADDRESS_SPACE] },
      subnets: [
        // The apps subnet keeps the platform's outbound path: replicas pull images from public registries.
        { name: APPS_SUBNET.name, addressPrefix: APPS_SUBNET.prefix, delegations: [delegation(APPS_SUBNET.delegation)] },
        // The database needs no internet access.
        { name: DATABASE_SUBNET.name, addressPrefix: DATABASE_SUBNET.prefix, defaultOutboundAccess: false, delegations: [delegation(DATABASE_SUBNET.delegation)] },
      ],
    },
    opts,
  );
  const subnetId = (name: string) => pulumi.interpolate`${virtualNetwork.id}/subnets/${name}`;
  const appsSubnetId = subnetId(APPS_SUBNET.name);
  const databaseSubnetId = subnetId(DATABASE_SUBNET.name);

  const client = once(() => authorization.getClientConfigOutput({ parent }));

  const environment = once(() => {
    const workspace = new operationalinsights.Workspace(
      `${s}-logs`,
      { resourceGroupName, location, tags, workspaceName: names.workspace(stack.prefix), sku: { name: "PerGB2018" }, retentionInDays: 30 },
      opts,
    );
    const keys = operationalinsights.getSharedKeysOutput({ resourceGroupName, workspaceName: workspace.name }, { parent });
    return new app.ManagedEnvironment(
      `${s}-env`,
      {
        resourceGroupName,
        location,
        tags,
        environmentName: names.environment(stack.prefix),
        workloadProfiles: [{ name: CONSUMPTION_PROFILE, workloadProfileType: CONSUMPTION_PROFILE }],
        vnetConfiguration: { infrastructureSubnetId: appsSubnetId, internal: false },
        zoneRedundant: stack.region.zones > 0,
        peerTrafficConfiguration: { encryption: { enabled: true } },
        appLogsConfiguration: {
          destination: "log-analytics",
          logAnalyticsConfiguration: { customerId: workspace.customerId, sharedKey: pulumi.secret(keys.apply((k) => k.primarySharedKey ?? "")) },
        },
      },
      opts,
    );
  });

  // Retained on destroy: it holds the passwords of databases that are themselves retained.
  const vault = once(
    () =>
      new keyvault.Vault(
        `${s}-vault`,
        {
          resourceGroupName,
          location,
          tags,
          vaultName: names.keyVault(stack.prefix),
          properties: {
            tenantId: client().tenantId,
            sku: { family: "A", name: "standard" },
            enableRbacAuthorization: true,
            enableSoftDelete: true,
            softDeleteRetentionInDays: 90,
            enablePurgeProtection: true,
            enabledForDeployment: false,
            enabledForDiskEncryption: false,
            enabledForTemplateDeployment: false,
            networkAcls: { bypass: "AzureServices", defaultAction: "Allow" },
          },
        },
        { parent, retainOnDelete: true },
      ),
  );

  const postgresDns = once(() => {
    const zone = new privatedns.PrivateZone(`${s}-pgdns`, { resourceGroupName, location: "global", tags, privateZoneName: names.postgresDnsZone(stack.prefix) }, opts);
    const link = new privatedns.VirtualNetworkLink(
      `${s}-pgdns-link`,
      {
        resourceGroupName,
        location: "global",
        tags,
        privateZoneName: zone.name,
        virtualNetworkLinkName: `${names.virtualNetwork(stack.prefix)}-link`,
        virtualNetwork: { id: virtualNetwork.id },
        registrationEnabled: false,
      },
      opts,
    );
    return { zone, link };
  });

  const blobWriterRoleId = once(() => {
    const c = client();
    const guid = pulumi.all([c.subscriptionId, resourceGroupName]).apply(([sub, rg]) => deterministicGuid("freehold-blob-writer", sub, rg));
    const role = new authorization.RoleDefinition(
      `${s}-blob-writer`,
      {
        roleDefinitionId: guid,
        roleName: pulumi.interpolate`Freehold Blob Writer (${resourceGroupName}, ${c.subscriptionId})`,
        description: "Write and append blobs; no read, no delete. Created by Freehold for write-only links.",
        roleType: "CustomRole",
        scope: resourceGroup.id,
        assignableScopes: [resourceGroup.id],
        permissions: [{ actions: [], dataActions: [...BLOB_ROLES.write.dataActions] }],
      },
      opts,
    );
    return pulumi.all([role.id, c.subscriptionId, guid]).apply(([, sub, g]) => `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${g}`);
  });

  return {
    stack,
    parent,
    location,
    zonal: stack.region.zones > 0,
    tags,
    resourceGroup,
    resourceGroupName,
    virtualNetwork,
    appsSubnetId,
    databaseSubnetId,
    client,
    environment,
    vault,
    postgresDns,
    blobWriterRoleId,
  };
}
