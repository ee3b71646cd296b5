/**
 * Plausible outputs for every Azure resource type the backend creates, and the
 * invokes it makes, for Pulumi's mock runtime (offline plans and tests).
 */
import type { BackendMocks } from "@freehold/core";
import { deterministicGuid } from "./naming";

export const MOCK_SUBSCRIPTION = "00000000-0000-4000-8000-000000000001";
export const MOCK_TENANT = "00000000-0000-4000-8000-0000000000aa";

/** The input holding each type's physical name (its `name` output). */
const NAME_INPUT: Record<string, string> = {
  "azure-native:resources:ResourceGroup": "resourceGroupName",
  "azure-native:network:VirtualNetwork": "virtualNetworkName",
  "azure-native:operationalinsights:Workspace": "workspaceName",
  "azure-native:app:ManagedEnvironment": "environmentName",
  "azure-native:app:ContainerApp": "containerAppName",
  "azure-native:app:Job": "jobName",
  "azure-native:managedidentity:UserAssignedIdentity": "resourceName",
  "azure-native:keyvault:Vault": "vaultName",
  "azure-native:keyvault:Secret": "secretName",
  "azure-native:dbforpostgresql:Server": "serverName",
  "azure-native:dbforpostgresql:Database": "databaseName",
  "azure-native:dbforpostgresql:Configuration": "configurationName",
  "azure-native:storage:StorageAccount": "accountName",
  "azure-native:storage:BlobContainer": "containerName",
  "azure-native:storage:BlobServiceProperties": "blobServicesName",
  "azure-native:storage:ManagementPolicy": "managementPolicyName",
  "azure-native:privatedns:PrivateZone": "privateZoneName",
  "azure-native:privatedns:VirtualNetworkLink": "virtualNetworkLinkName",
  "azure-native:authorization:RoleAssignment": "roleAssignmentName",
  "azure-native:authorization:RoleDefinition": "roleDefinitionId",
  "azure-native:authorization:ManagementLockByScope": "lockName",
  "azure-native:authorization:PolicyDefinition": "policyDefinitionName",
  "azure-native:authorization:PolicyAssignment": "policyAssignmentName",
  "azure-native:app:ManagedCertificate": "managedCertificateName",
  "azure-native:resources:AzureCliScript": "scriptName",
  "azure-native:monitor:DiagnosticSetting": "name",
  "azure-native:network:NetworkSecurityGroup": "networkSecurityGroupName",
  "azure-native:dataprotection:BackupVault": "vaultName",
  "azure-native:dataprotection:BackupPolicy": "backupPolicyName",
  "azure-native:dataprotection:BackupInstance": "backupInstanceName",
  "azure-native:dbforpostgresql:Administrator": "objectId",
};

/**
 * What the cloud holds, for the program's reads of it (live.ts) under the mocks: empty (a first deployment), unless a
 * test sets it to plan an `up` against a stack that exists. Keyed by the resource's physical name.
 */
export const mockCloud = {
  /** Container app name -> the hostnames on its ingress. */
  containerApps: new Map<string, string[]>(),
  /** Flexible server name -> its disk size, GiB. */
  servers: new Map<string, number>(),
  /** Flexible server name -> the ARM id of its delegated subnet. */
  serverSubnets: new Map<string, string>(),
  /** Virtual networks, as `<resource group>/<virtual network name>`. */
  virtualNetworks: new Set<string>(),
  clear(): void {
    this.containerApps.clear();
    this.servers.clear();
    this.serverSubnets.clear();
    this.virtualNetworks.clear();
  },
};

const str = (v: unknown, fallback: string) => (typeof v === "string" ? v : fallback);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});

export const mocks: BackendMocks = {
  outputs(type, name, inputs) {
    const key = NAME_INPUT[type];
    const physical = str(key ? inputs[key] : undefined, name);
    const out: Record<string, unknown> = { name: physical, azureApiVersion: "mock" };
    switch (type) {
      case "azure-native:operationalinsights:Workspace":
        out.customerId = deterministicGuid("workspace", physical);
        break;
      case "azure-native:app:ManagedEnvironment":
        out.defaultDomain = `${physical}-mock.${str(inputs.location, "uksouth")}.azurecontainerapps.io`;
        out.staticIp = "10.42.0.250";
        out.customDomainConfiguration = { customDomainVerificationId: deterministicGuid("verification", physical).replace(/-/g, "").toUpperCase() };
        break;
      case "azure-native:app:ContainerApp": {
        const configuration = obj(inputs.configuration);
        // A worker has no ingress, and so no address.
        if (configuration.ingress === undefined) {
          out.latestRevisionName = `${physical}--mock`;
          out.outboundIpAddresses = ["20.0.0.1"];
          break;
        }
        const ingress = obj(configuration.ingress);
        const internal = ingress.external === true ? "" : "internal.";
        const fqdn = `${physical}.${internal}mock-env.${str(inputs.location, "uksouth")}.azurecontainerapps.io`;
        out.configuration = { ...configuration, ingress: { ...ingress, fqdn } };
        out.latestRevisionFqdn = fqdn;
        out.latestRevisionName = `${physical}--mock`;
        out.outboundIpAddresses = ["20.0.0.1"];
        break;
      }
      case "azure-native:managedidentity:UserAssignedIdentity":
        out.principalId = deterministicGuid("principal", physical);
        out.clientId = deterministicGuid("client", physical);
        out.tenantId = MOCK_TENANT;
        break;
      case "azure-native:keyvault:Vault":
        out.properties = { ...obj(inputs.properties), vaultUri: `https://${physical}.vault.azure.net/` };
        break;
      case "azure-native:keyvault:Secret": {
        const uri = `https://${str(inputs.vaultName, "vault")}.vault.azure.net/secrets/${physical}`;
        out.properties = { contentType: obj(inputs.properties).contentType, secretUri: uri, secretUriWithVersion: `${uri}/0123456789abcdef0123456789abcdef` };
        break;
      }
      case "azure-native:dbforpostgresql:Server":
        out.fullyQualifiedDomainName = `${physical}.postgres.database.azure.com`;
        out.state = "Ready";
        out.minorVersion = "0";
        break;
      case "azure-native:storage:StorageAccount":
        out.primaryEndpoints = {
          blob: `https://${physical}.blob.core.windows.net/`,
          dfs: `https://${physical}.dfs.core.windows.net/`,
          file: `https://${physical}.file.core.windows.net/`,
          queue: `https://${physical}.queue.core.windows.net/`,
          table: `https://${physical}.table.core.windows.net/`,
          web: `https://${physical}.z33.web.core.windows.net/`,
        };
        out.provisioningState = "Succeeded";
        break;
      case "azure-native:app:Job":
        out.outboundIpAddresses = ["20.0.0.2"];
        break;
      case "azure-native:resources:AzureCliScript":
        out.outputs = { execution: `${physical}-mock`, status: "Succeeded" };
        out.provisioningState = "Succeeded";
        break;
      case "azure-native:dataprotection:BackupVault":
        out.identity = { ...obj(inputs.identity), principalId: deterministicGuid("backup-vault", physical), tenantId: MOCK_TENANT };
        break;
      case "random:index/randomString:RandomString":
        // Lowercase letters and digits, as the backend asks for; deterministic so plans are.
        out.result = deterministicGuid("string", name).replace(/-/g, "").slice(0, Number(inputs.length ?? 6));
        break;
      case "random:index/randomPassword:RandomPassword":
        out.result = `Mock${deterministicGuid("password", name).replace(/-/g, "")}`.slice(0, Number(inputs.length ?? 32));
        break;
    }
    return out;
  },
  call(token, args) {
    switch (token) {
      case "azure-native:app:getContainerApp": {
        const domains = mockCloud.containerApps.get(str(args.containerAppName, ""));
        return domains ? { id: `/containerApps/${args.containerAppName}`, configuration: { ingress: { customDomains: domains.map((name) => ({ name, bindingType: "Auto" })) } } } : {};
      }
      case "azure-native:dbforpostgresql:getServer": {
        const size = mockCloud.servers.get(str(args.serverName, ""));
        const subnet = mockCloud.serverSubnets.get(str(args.serverName, ""));
        return size ? { id: `/flexibleServers/${args.serverName}`, storage: { storageSizeGB: size, autoGrow: "Enabled" }, ...(subnet ? { network: { delegatedSubnetResourceId: subnet } } : {}) } : {};
      }
      case "azure-native:network:getVirtualNetwork": {
        const rg = str(args.resourceGroupName, "");
        const vnet = str(args.virtualNetworkName, "");
        return mockCloud.virtualNetworks.has(`${rg}/${vnet}`) ? { id: `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${vnet}` } : {};
      }
      case "azure-native:authorization:getClientConfig":
        return { clientId: deterministicGuid("deployer"), objectId: deterministicGuid("deployer-object"), subscriptionId: MOCK_SUBSCRIPTION, tenantId: MOCK_TENANT };
      case "azure-native:operationalinsights:getSharedKeys":
        return { primarySharedKey: "bW9jay1wcmltYXJ5LXNoYXJlZC1rZXk=", secondarySharedKey: "bW9jay1zZWNvbmRhcnktc2hhcmVkLWtleQ==" };
      default:
        return {};
    }
  },
};
