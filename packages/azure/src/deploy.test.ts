import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { deployStack, type PlannedResource, plainOutputs, registerBackend, runWithMocks } from "@freehold/core";
import { DatabaseSpec, ObjectStoreSpec, parseComponent, parseStack, resolveSize, SpecError, UnsupportedFeatureError, WebServiceSpec } from "@freehold/model";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { backend } from "./index";
import { MOCK_SUBSCRIPTION, mockCloud } from "./mocks";
import { ROLE_JOB_IMAGE, ROLE_JOB_RUN_SCRIPT, ROLE_JOB_SCRIPT, roleJobScript } from "./database";
import { DATABASE_SUBNET_RULES } from "./network";
import { POSTGRES_SERVER_CA } from "./server-ca";
import { checkWebService } from "./web-service";

const plainRecords = (o: unknown) => plainOutputs(o);

registerBackend(backend);

const SHOP = `
name: shop
tags: { team: payments }
components:
  db: { kind: database, version: "16", highAvailability: true, backups: { retentionDays: 14 } }
  files:
    kind: object-store
    lifecycle: [{ prefix: logs/, expireAfterDays: 30 }]
    cors: [{ allowedOrigins: ["https://shop.example.gov.uk"], allowedMethods: [GET, PUT] }]
  uploads: { kind: object-store, deletionProtection: false, versioning: false }
  web:
    kind: web-service
    image: ghcr.io/example/shop:1.0
    port: 3000
    public: true
    writableRootFilesystem: true
    healthCheck: { path: /healthz }
    scaling: { min: 0, max: 5 }
    env: { NODE_ENV: production }
    links: [db, { to: files, access: read }, { to: uploads, access: write }]
  worker: { kind: web-service, image: ghcr.io/example/worker:1.0, writableRootFilesystem: true, links: [{ to: files, access: readWrite }] }
`;

type Run = Awaited<ReturnType<typeof runWithMocks>>;
const plan = (yaml: string) => runWithMocks("azure", () => deployStack(parseStack(yaml)));
const one = (run: Run, name: string): PlannedResource => {
  const r = run.resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource ${name}: ${run.resources.map((x) => x.name).join(", ")}`);
  return r;
};
const BUILT_IN = (guid: string) => `/subscriptions/${MOCK_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

/**
 * Refusals are tested on the backend directly: a program that throws under
 * runWithMocks leaves the platform's registrations pending (see the report to core).
 * The stub platform is only read for its region; refusals come before any resource.
 */
const ukwest = { cloud: "azure" as const, region: "ukwest", country: "GB", city: "Cardiff", zones: 0 };
const refusalRequest = {
  name: "db",
  qualifiedName: "db",
  stack: { name: "s", stack: "dev", prefix: "s-dev", region: ukwest, residency: "uk" as const, tags: {} },
  platform: { zonal: false, location: "ukwest" },
  parent: {} as pulumi.ComponentResource,
};

let run: Run;
beforeAll(async () => {
  run = await plan(SHOP);
});

describe("platform", () => {
  it("creates one resource group in uksouth, a network with delegated subnets, and the shared services once", () => {
    expect(one(run, "shop-rg").inputs).toMatchObject({ location: "uksouth", tags: { team: "payments", "managed-by": "freehold" } });
    const vnet = one(run, "shop-vnet").inputs as { subnets: Array<{ name: string; delegations: Array<{ serviceName: string }>; serviceEndpoints?: Array<{ service: string }> }> };
    expect(vnet.subnets.map((s) => [s.name, s.delegations[0]?.serviceName, s.serviceEndpoints?.map((e) => e.service)])).toEqual([
      ["apps", "Microsoft.App/environments", ["Microsoft.Storage"]],
      ["postgres", "Microsoft.DBforPostgreSQL/flexibleServers", ["Microsoft.Storage"]],
      ["jobs", "Microsoft.ContainerInstance/containerGroups", ["Microsoft.Storage"]],
    ]);
    const count = (type: string) => run.resources.filter((r) => r.type === type).length;
    expect(count("azure-native:app:ManagedEnvironment")).toBe(1);
    expect(count("azure-native:keyvault:Vault")).toBe(1);
    expect(count("azure-native:privatedns:PrivateZone")).toBe(1);
    expect(count("azure-native:operationalinsights:Workspace")).toBe(1);
  });

  it("puts the Container Apps environment on the network, zone-redundant, logging to Log Analytics without exposing the key", () => {
    const env = one(run, "shop-env").inputs;
    expect(env).toMatchObject({
      vnetConfiguration: { infrastructureSubnetId: "shop-vnet-id/subnets/apps", internal: false },
      zoneRedundant: true,
      workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
      peerTrafficConfiguration: { encryption: { enabled: true } },
      appLogsConfiguration: { destination: "log-analytics", logAnalyticsConfiguration: { sharedKey: "[secret]" } },
    });
    expect(JSON.stringify(env)).not.toContain("bW9jay1wcmltYXJ5LXNoYXJlZC1rZXk=");
  });

  it("creates a Key Vault with RBAC, soft delete and purge protection, named with a suffix that is new whenever the vault is", () => {
    const vault = one(run, "shop-vault");
    expect(vault.inputs.properties).toMatchObject({ enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true, softDeleteRetentionInDays: 90 });
    // A deleted vault keeps its name 90 days: the name comes from a random suffix, kept per location.
    expect(vault.inputs.vaultName).toMatch(/^shop-dev-k-[a-z0-9]{6}-[a-z0-9]{6}$/);
    expect(vault.propertyDependencies.vaultName).toEqual([expect.stringContaining("random:index/randomString:RandomString::shop-vault-suffix")]);
    expect(one(run, "shop-vault-suffix").inputs).toMatchObject({ length: 6, upper: false, special: false, keepers: { location: "uksouth" } });
  });

  it("links the PostgreSQL private DNS zone to the network", () => {
    expect(one(run, "shop-pgdns").inputs.privateZoneName).toBe("shop-dev.private.postgres.database.azure.com");
    expect(one(run, "shop-pgdns-link").inputs).toMatchObject({ virtualNetwork: { id: "shop-vnet-id" }, registrationEnabled: false });
  });

  it("makes the two platform invokes once each, and reads from Azure only a database's disk size, where the network is (and an app's hostnames, with a domain)", () => {
    expect([...run.invokes].sort()).toEqual([
      "azure-native:authorization:getClientConfig",
      "azure-native:dbforpostgresql:getServer",
      "azure-native:network:getVirtualNetwork",
      "azure-native:operationalinsights:getSharedKeys",
    ]);
  });

  it("puts the network in a resource group of its own, both retained on delete and named anew whenever created, so a destroy never waits on a subnet Azure has not released", () => {
    const group = one(run, "shop-network-rg");
    expect(group.options.retainOnDelete).toBe(true);
    expect(group.inputs.resourceGroupName).toMatch(/^shop-dev-network-[a-z0-9]{6}$/);
    expect(group.propertyDependencies.resourceGroupName).toEqual([expect.stringContaining("RandomString::shop-network-suffix")]);
    expect(one(run, "shop-network-suffix").inputs).toMatchObject({ keepers: { location: "uksouth" } });
    for (const n of ["shop-vnet", "shop-postgres-nsg"]) {
      expect(one(run, n).options.retainOnDelete, n).toBe(true);
      expect(one(run, n).inputs.resourceGroupName, n).toBe(group.inputs.resourceGroupName);
      expect(one(run, n).propertyDependencies.resourceGroupName, n).toEqual([group.urn]);
    }
    // Everything else is in the stack's own group, which a destroy deletes.
    expect(one(run, "shop-env").inputs.resourceGroupName).toBe("shop-dev-rg");
    expect(one(run, "shop-rg").options.retainOnDelete).toBe(false);
  });

  it("lets the database subnet out to Storage and Microsoft Entra ID only", () => {
    const subnet = (one(run, "shop-vnet").inputs.subnets as Array<Record<string, unknown>>).find((x) => x.name === "postgres");
    expect(subnet).toMatchObject({ defaultOutboundAccess: true, networkSecurityGroup: { id: "shop-postgres-nsg-id" } });
    expect(one(run, "shop-postgres-nsg").inputs.securityRules).toEqual(DATABASE_SUBNET_RULES);
    expect(DATABASE_SUBNET_RULES.map((r) => [r.access, r.destinationAddressPrefix, r.priority])).toEqual([
      ["Allow", "Storage", 100],
      ["Allow", "AzureActiveDirectory", 110],
      ["Deny", "Internet", 4000],
    ]);
  });

  it("sends the vault's, the servers' and the stores' audit logs to the stack's workspace", () => {
    const settings = run.resources.filter((r) => r.type === "azure-native:monitor:DiagnosticSetting");
    expect(settings.map((r) => [r.name, r.inputs.resourceUri, (r.inputs.logs as Array<{ category: string; enabled: boolean }>).map((l) => l.enabled && l.category)])).toEqual([
      ["shop-vault-audit", "shop-vault-id", ["AuditEvent"]],
      ["db-audit", "db-server-id", ["PostgreSQLLogs"]],
      ["files-audit", "files-account-id/blobServices/default", ["StorageRead", "StorageWrite", "StorageDelete"]],
      ["uploads-audit", "uploads-account-id/blobServices/default", ["StorageRead", "StorageWrite", "StorageDelete"]],
    ]);
    for (const r of settings) expect(r.inputs, r.name).toMatchObject({ name: "freehold-audit", workspaceId: "shop-logs-id" });
  });
});

describe("database", () => {
  it("creates a private, zone-redundant flexible server of the requested version, with backups", () => {
    const server = one(run, "db-server");
    expect(server.type).toBe("azure-native:dbforpostgresql:Server");
    expect(server.inputs).toMatchObject({
      version: "16",
      sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" },
      storage: { storageSizeGB: 32 },
      network: { delegatedSubnetResourceId: "shop-vnet-id/subnets/postgres", privateDnsZoneArmResourceId: "shop-pgdns-id", publicNetworkAccess: "Disabled" },
      backup: { backupRetentionDays: 14, geoRedundantBackup: "Disabled" },
      highAvailability: { mode: "ZoneRedundant" },
      administratorLogin: "app_admin",
      administratorLoginPassword: "[secret]",
    });
    expect(server.options.dependsOn).toEqual([expect.stringContaining("shop-pgdns-link")]);
  });

  it("requires TLS and creates the application database", () => {
    expect(one(run, "db-tls").inputs).toMatchObject({ configurationName: "require_secure_transport", value: "on" });
    expect(one(run, "db-database").inputs).toMatchObject({ databaseName: "app", charset: "UTF8" });
  });

  it("keeps the generated password only as a Key Vault secret", () => {
    expect(one(run, "db-password").type).toBe("random:index/randomPassword:RandomPassword");
    const secret = one(run, "db-secret");
    expect(secret.inputs).toMatchObject({ properties: "[secret]", secretName: expect.stringMatching(/^db-admin-password-[a-z0-9]{6}$/), vaultName: expect.stringMatching(/^shop-dev-k-/), tags: { "freehold-secret": "db-admin-password" } });
    // A deleted secret keeps its name while the vault keeps deleted secrets: a database added back gets a new one.
    expect(secret.propertyDependencies.secretName).toEqual([expect.stringContaining("RandomString::db-secret-suffix")]);
    expect(JSON.stringify(run.resources)).not.toMatch(/Mock[0-9a-f]{20}/);
    expect(run.outputs.outputs).toMatchObject({ db: { connectionString: "[secret]" } });
  });

  it("has applications log in as the role model's roles, which a Container Apps job creates inside the network from their SCRAM verifiers, on an image pinned by digest", () => {
    const job = one(run, "db-roles");
    expect(job.type).toBe("azure-native:app:Job");
    expect(job.inputs).toMatchObject({ environmentId: "shop-env-id", workloadProfileName: "Consumption", identity: { type: "UserAssigned", userAssignedIdentities: ["db-roles-identity-id"] } });
    expect(job.inputs.configuration).toMatchObject({ triggerType: "Manual", replicaRetryLimit: 0, replicaTimeout: 600 });
    const container = (job.inputs.template as { containers: Array<{ image: string; command: string[]; env: Array<Record<string, string>> }> }).containers[0];
    // The Docker Official Image from its ECR Public mirror (no anonymous Docker Hub pulls), by digest.
    expect(ROLE_JOB_IMAGE).toMatch(/^public\.ecr\.aws\/docker\/library\/postgres:17\.\d+-bookworm@sha256:[0-9a-f]{64}$/);
    expect(container?.image).toBe(ROLE_JOB_IMAGE);
    expect(container?.command).toEqual(["sh", "-c", ROLE_JOB_SCRIPT]);
    expect(container?.env).toEqual(
      expect.arrayContaining([
        { name: "PGUSER", value: "app_admin" },
        { name: "PGSSLMODE", value: "verify-full" },
        { name: "PGSSLROOTCERT", value: "/etc/freehold/tls/database-ca.pem" },
        { name: "PGPASSWORD", secretRef: "admin-password" },
        { name: "FREEHOLD_APP_VERIFIER", secretRef: "app-verifier" },
        { name: "FREEHOLD_READ_VERIFIER", secretRef: "read-verifier" },
      ]),
    );
    // Every secret is a Key Vault reference read with the job's identity: nothing secret in the job's configuration.
    const secrets = (job.inputs.configuration as { secrets: Array<Record<string, string>> }).secrets;
    expect(secrets.map((x) => [x.name, x.keyVaultUrl ? "vault" : "value", x.identity])).toEqual([
      ["admin-password", "vault", "db-roles-identity-id"],
      ["app-verifier", "vault", "db-roles-identity-id"],
      ["read-verifier", "vault", "db-roles-identity-id"],
      ["database-ca", "value", undefined],
    ]);
    expect(secrets[3]?.value).toBe(POSTGRES_SERVER_CA);
    expect(one(run, "db-app-verifier").inputs).toMatchObject({ properties: "[secret]", secretName: expect.stringMatching(/^db-app-verifier-[a-z0-9]{6}$/) });
    // After the database and after the job's grants have taken effect.
    expect(job.options.dependsOn).toEqual([one(run, "db-database").urn, one(run, "db-roles-grants-wait").urn].sort());
    const env = (one(run, "web-app").inputs.template as { containers: Array<{ env: Array<{ name: string; value?: string }> }> }).containers[0]?.env ?? [];
    expect(env.find((e) => e.name === "DATABASE_USER")?.value).toBe("app");
  });

  it("makes the job the only reader of the administrator's password", () => {
    const onAdmin = run.resources.filter((r) => r.type === "azure-native:authorization:RoleAssignment" && r.inputs.scope === "db-secret-id");
    expect(onAdmin.map((r) => r.name)).toEqual(["db-roles-admin-secret-access"]);
    expect(one(run, "db-roles-admin-secret-access").propertyDependencies.principalId).toEqual([one(run, "db-roles-identity").urn]);
    for (const key of ["db-roles-app-verifier-access", "db-roles-read-verifier-access"]) expect(one(run, key).propertyDependencies.principalId).toEqual([one(run, "db-roles-identity").urn]);
  });

  it("runs the job from a deployment script that fails the up unless the execution succeeded, with a starter that can only start the job and read it", () => {
    const script = one(run, "db-roles-run");
    expect(script.type).toBe("azure-native:resources:AzureCliScript");
    expect(script.inputs).toMatchObject({
      kind: "AzureCLI",
      azCliVersion: "2.67.0",
      scriptContent: ROLE_JOB_RUN_SCRIPT,
      identity: { type: "UserAssigned", userAssignedIdentities: ["db-roles-run-identity-id"] },
      cleanupPreference: "OnSuccess",
      retentionInterval: "PT1H",
      timeout: "PT30M",
      forceUpdateTag: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(script.inputs.environmentVariables).toEqual([
      { name: "JOB_NAME", value: "shop-dev-db-roles" },
      { name: "RESOURCE_GROUP", value: "shop-dev-rg" },
      { name: "WAIT_SECONDS", value: "720" },
    ]);
    // Started after the job exists and after the starter's grant has taken effect; the app's user waits for the run.
    expect(script.options.dependsOn).toEqual([one(run, "db-roles").urn, one(run, "db-roles-run-grants-wait").urn].sort());
    const start = one(run, "db-roles-run-job-start-access");
    expect(start.inputs.scope).toBe("db-roles-id");
    expect(start.propertyDependencies.roleDefinitionId).toContain(one(run, "shop-job-starter-wait").urn);
    expect(one(run, "shop-job-starter").inputs.permissions).toEqual([{ actions: ["Microsoft.App/jobs/read", "Microsoft.App/jobs/*/read", "Microsoft.App/jobs/start/action"], dataActions: [] }]);
    // Runs again whenever the script, the image, the job, the server or a password changes.
    expect(Object.keys(script.propertyDependencies.forceUpdateTag ?? []).length).toBeGreaterThan(0);
    for (const n of ["db-roles", "db-server", "db-password", "db-app-password", "db-read-password"]) expect(script.propertyDependencies.forceUpdateTag, n).toContain(one(run, n).urn);
  });

  it("runs the job in the Container Apps environment, so a network the stack brings needs no subnet for it", async () => {
    const r = await plan("name: s\nnetwork: { azure: { resourceGroupName: rg, virtualNetworkName: vnet, appsSubnetName: a, databaseSubnetName: d } }\ncomponents:\n  db: { kind: database }\n");
    expect(one(r, "s-env").inputs).toMatchObject({ vnetConfiguration: { infrastructureSubnetId: expect.stringMatching(/\/virtualNetworks\/vnet\/subnets\/a$/) } });
    expect(one(r, "db-roles").inputs.environmentId).toBe("s-env-id");
  });

  it("gives links the server's root authorities for verify-full, and turns on Microsoft Entra sign-ins", () => {
    expect(one(run, "db-server").inputs.authConfig).toEqual({ passwordAuth: "Enabled", activeDirectoryAuth: "Enabled", tenantId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const web = one(run, "web-app").inputs as { configuration: { secrets: Array<Record<string, unknown>> }; template: { containers: Array<{ env: Array<{ name: string; value?: string }>; volumeMounts: unknown }>; volumes: unknown } };
    const env = web.template.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === "DATABASE_SSLMODE")?.value).toBe("verify-full");
    expect(env.find((e) => e.name === "DATABASE_SSLROOTCERT")?.value).toBe("/etc/freehold/tls/database-ca.pem");
    expect(web.configuration.secrets).toContainEqual({ name: "database-ca", value: POSTGRES_SERVER_CA });
    expect(web.template.volumes).toEqual([{ name: "freehold-tls", storageType: "Secret", secrets: [{ secretRef: "database-ca", path: "database-ca.pem" }] }]);
    expect(web.template.containers[0]?.volumeMounts).toEqual([{ volumeName: "freehold-tls", mountPath: "/etc/freehold/tls" }]);
    // A service without a database link gets no CA file.
    expect((one(run, "worker-app").inputs.template as { volumes?: unknown }).volumes).toBeUndefined();
  });

  it("names the server's Microsoft Entra administrator when the spec does, and says what is missing when it names one badly", async () => {
    const r = await plan("name: s\ncomponents:\n  db: { kind: database, deletionProtection: false, vendor: { azure: { entraAdmin: { objectId: 00000000-0000-4000-8000-00000000abcd, principalName: dba-team, principalType: Group } } } }\n");
    expect(one(r, "db-entra-admin").inputs).toMatchObject({ objectId: "00000000-0000-4000-8000-00000000abcd", principalName: "dba-team", principalType: "Group", serverName: one(r, "db-server").inputs.serverName });
    expect(one(r, "db-entra-admin").options.dependsOn).toEqual([one(r, "db-database").urn]);
    expect(one(r, "db-roles").options.dependsOn).toContain(one(r, "db-entra-admin").urn);
    const spec = parseComponent(DatabaseSpec, { kind: "database", vendor: { azure: { entraAdmin: { principalName: "dba", principalType: "Admin" } } } }, "db");
    const req = { ...refusalRequest, spec, size: resolveSize("database", spec.size) };
    expect(() => backend.database(req)).toThrow(/vendor\.azure\.entraAdmin\.objectId: is required[\s\S]*vendor\.azure\.entraAdmin\.principalType: "Admin" is not one of User, Group, ServicePrincipal/);
  });

  it("never asks for a smaller disk than the server has grown to: the program reads it from Azure", async () => {
    const yaml = "name: s\ncomponents:\n  db: { kind: database, storageGiB: 50 }\n";
    expect((one(await plan(yaml), "db-server").inputs.storage as { storageSizeGB: number }).storageSizeGB).toBe(64);
    const serverName = String(one(await plan(yaml), "db-server").inputs.serverName);
    mockCloud.servers.set(serverName, 256);
    try {
      const grown = one(await plan(yaml), "db-server");
      expect(grown.inputs.storage).toEqual({ storageSizeGB: 256, autoGrow: "Enabled" });
      // No ignoreChanges: a bigger spec grows the disk, a smaller one never shrinks it.
      expect(grown.options.ignoreChanges ?? []).toEqual([]);
      mockCloud.servers.set(serverName, 32);
      expect((one(await plan(yaml), "db-server").inputs.storage as { storageSizeGB: number }).storageSizeGB).toBe(64);
    } finally {
      mockCloud.clear();
    }
  });

  it("plans a live server already in the network's own resource group as before (its subnet read from Azure)", async () => {
    const yaml = "name: s\ncomponents:\n  db: { kind: database, storageGiB: 50 }\n";
    const server = one(await plan(yaml), "db-server").inputs;
    const serverName = String(server.serverName);
    const subnet = (server.network as { delegatedSubnetResourceId: string }).delegatedSubnetResourceId;
    mockCloud.servers.set(serverName, 64);
    mockCloud.serverSubnets.set(serverName, subnet);
    try {
      expect((one(await plan(yaml), "db-server").inputs.network as { delegatedSubnetResourceId: string }).delegatedSubnetResourceId).toBe(subnet);
    } finally {
      mockCloud.clear();
    }
  });

  it("keeps an existing stack's network in the stack's own resource group, so its server and environment are updated, not replaced", async () => {
    const yaml = "name: s\ncomponents:\n  db: { kind: database, storageGiB: 50 }\n  web: { kind: web-service, image: nginx:1.27, links: [db] }\n";
    const fresh = await plan(yaml);
    const vnet = fresh.resources.find((r) => r.type === "azure-native:network:VirtualNetwork");
    const stackGroup = String(fresh.resources.find((r) => r.type === "azure-native:resources:ResourceGroup" && r.name.endsWith("-rg") && !r.name.endsWith("network-rg"))?.inputs.resourceGroupName);
    const networkGroup = String(fresh.resources.find((r) => r.name.endsWith("-network-rg"))?.inputs.resourceGroupName);
    // A new stack: the network in a resource group of its own.
    expect(vnet?.inputs.resourceGroupName).toBe(networkGroup);
    const serverName = String(one(fresh, "db-server").inputs.serverName);
    const vnetName = String(vnet?.inputs.virtualNetworkName);
    // A stack first deployed with the network in its own resource group: Azure has the network and the server there.
    mockCloud.virtualNetworks.add(`${stackGroup}/${vnetName}`);
    mockCloud.servers.set(serverName, 64);
    mockCloud.serverSubnets.set(serverName, `/subscriptions/x/resourceGroups/${stackGroup}/providers/Microsoft.Network/virtualNetworks/${vnetName}/subnets/postgres`);
    try {
      const existing = await plan(yaml);
      for (const type of ["azure-native:network:VirtualNetwork", "azure-native:network:NetworkSecurityGroup"]) {
        expect(existing.resources.find((r) => r.type === type)?.inputs.resourceGroupName, type).toBe(stackGroup);
      }
    } finally {
      mockCloud.clear();
    }
  });

  it("retains the server and its children and locks it against deletion", () => {
    for (const n of ["db-server", "db-database", "db-secret"]) {
      expect(one(run, n).options, n).toMatchObject({ protect: true, retainOnDelete: true });
    }
    // A setting is kept with its server but never protected, so it can change.
    expect(one(run, "db-tls").options).toMatchObject({ protect: false, retainOnDelete: true });
    expect(one(run, "db-lock").inputs).toMatchObject({ level: "CanNotDelete", scope: "db-server-id" });
  });

  it("turns off the lock and retention with deletionProtection: false", async () => {
    const r = await plan("name: s\ncomponents:\n  db: { kind: database, deletionProtection: false }\n");
    expect(r.resources.find((x) => x.type === "azure-native:authorization:ManagementLockByScope")).toBeUndefined();
    for (const n of ["db-server", "db-database", "db-secret"]) expect(one(r, n).options.retainOnDelete, n).toBe(false);
    expect(one(r, "db-server").inputs).toMatchObject({ sku: { name: "Standard_B1ms", tier: "Burstable" }, highAvailability: { mode: "Disabled" } });
  });

  it("keeps the backups of a deleted database in a Backup vault that a removal or a destroy leaves in place", () => {
    const vault = one(run, "shop-backup-vault");
    expect(vault.type).toBe("azure-native:dataprotection:BackupVault");
    expect(vault.inputs).toMatchObject({
      identity: { type: "SystemAssigned" },
      properties: { storageSettings: [{ datastoreType: "VaultStore", type: "LocallyRedundant" }], securitySettings: { softDeleteSettings: { state: "On", retentionDurationInDays: 14 } } },
      vaultName: expect.stringMatching(/^shop-dev-bv-[a-z0-9]{6}$/),
    });
    // Not in the stack's resource group (a vault with backups cannot be deleted), and retained with its group.
    expect(vault.options.retainOnDelete).toBe(true);
    expect(one(run, "shop-backup-rg").options.retainOnDelete).toBe(true);
    expect(one(run, "shop-backup-rg").inputs.resourceGroupName).toMatch(/^shop-dev-backup-[a-z0-9]{6}$/);
    // A full backup a week, kept three months.
    const policy = one(run, "db-backup-policy").inputs.properties as { datasourceTypes: string[]; policyRules: Array<Record<string, unknown>> };
    expect(policy.datasourceTypes).toEqual(["Microsoft.DBforPostgreSQL/flexibleServers"]);
    expect(policy.policyRules[0]).toMatchObject({ backupParameters: { backupType: "Full" }, trigger: { schedule: { repeatingTimeIntervals: ["R/2024-01-07T02:00:00+00:00/P1W"] } } });
    expect(policy.policyRules[1]).toMatchObject({ isDefault: true, lifecycles: [{ deleteAfter: { objectType: "AbsoluteDeleteOption", duration: "P3M" } }] });
    const instance = one(run, "db-backup");
    expect(instance.inputs).toMatchObject({ properties: { dataSourceInfo: { resourceID: "db-server-id", datasourceType: "Microsoft.DBforPostgreSQL/flexibleServers" }, policyInfo: { policyId: "db-backup-policy-id" } } });
    // Not deleted with the server (the backups stay); deleted when keepOnDelete is turned off on a live server.
    for (const n of ["db-backup", "db-backup-policy"]) expect(one(run, n).options, n).toMatchObject({ deletedWith: one(run, "db-server").urn, retainOnDelete: false });
    // The vault's identity may read the server's group and take its backups, once the grants have taken effect.
    expect([one(run, "shop-backup-server-access"), one(run, "shop-backup-group-access")].map((r) => [r.inputs.roleDefinitionId, r.inputs.scope])).toEqual([
      [BUILT_IN("c088a766-074b-43ba-90d4-1fb21feae531"), "shop-rg-id"],
      [BUILT_IN("acdd72a7-3385-48ef-bd42-f606fba81ae7"), "shop-rg-id"],
    ]);
    expect(instance.options.dependsOn).toContain(one(run, "shop-backup-grants-wait").urn);
  });

  it("grants the backup vault its two roles once for the stack, however many databases keep backups (an assignment's name is a hash of scope, principal and role)", async () => {
    const r = await plan("name: s\ncomponents:\n  a: { kind: database }\n  b: { kind: database }\n");
    const grants = r.resources.filter((x) => x.type === "azure-native:authorization:RoleAssignment" && /backup-(server|group)-access$/.test(x.name));
    expect(grants.map((g) => g.name).sort()).toEqual(["s-backup-group-access", "s-backup-server-access"]);
    expect(r.resources.filter((x) => x.type === "azure-native:dataprotection:BackupInstance")).toHaveLength(2);
  });

  it("keeps no backups past the database with keepOnDelete: false", async () => {
    const r = await plan("name: s\ncomponents:\n  db: { kind: database, backups: { keepOnDelete: false } }\n");
    expect(r.resources.filter((x) => x.type.startsWith("azure-native:dataprotection:"))).toEqual([]);
  });

  it("refuses zone-redundant HA in ukwest, which has no zones, before creating anything", () => {
    const spec = parseComponent(DatabaseSpec, { kind: "database", highAvailability: true }, "db");
    const req = { ...refusalRequest, spec, size: resolveSize("database", spec.size) };
    expect(() => backend.database(req)).toThrow(UnsupportedFeatureError);
    expect(() => backend.database(req)).toThrow("db: azure cannot provide database.high-availability: ukwest has no availability zones");
  });
});

describe("object store", () => {
  it("creates a locked-down StorageV2 account", () => {
    const account = one(run, "files-account");
    expect(account.inputs).toMatchObject({
      kind: "StorageV2",
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      encryption: { requireInfrastructureEncryption: true, services: { blob: { enabled: true } } },
      accountName: expect.stringMatching(/^shopdevfiles[a-z0-9]{6}$/),
    });
  });

  it("keeps the container private and turns on versioning, soft delete and CORS", () => {
    expect(one(run, "files-container").inputs).toMatchObject({ publicAccess: "None", containerName: "files" });
    expect(one(run, "files-blob-service").inputs).toMatchObject({
      isVersioningEnabled: true,
      deleteRetentionPolicy: { enabled: true, days: 7 },
      containerDeleteRetentionPolicy: { enabled: true, days: 7 },
      cors: { corsRules: [{ allowedOrigins: ["https://shop.example.gov.uk"], allowedMethods: ["GET", "PUT"], maxAgeInSeconds: 3600 }] },
    });
    expect(one(run, "uploads-blob-service").inputs).toMatchObject({ isVersioningEnabled: false, deleteRetentionPolicy: { enabled: true, days: 7 } });
  });

  it("expires objects by prefix (container-relative in Azure), old versions included", () => {
    expect(one(run, "files-lifecycle").inputs.policy).toEqual({
      rules: [
        {
          name: "expire0",
          enabled: true,
          type: "Lifecycle",
          definition: {
            // Append blobs too: the writer role can create them.
            filters: { blobTypes: ["blockBlob", "appendBlob"], prefixMatch: ["files/logs/"] },
            // Azure ages a previous version from when it was written; twice the age keeps it at least 30 days after it became previous.
            actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 30 } }, version: { delete: { daysAfterCreationGreaterThan: 60 } } },
          },
        },
        // previousVersionsExpireAfterDays (30 by default), beside the stack's rules, for every blob of the store.
        {
          name: "previousversions",
          enabled: true,
          type: "Lifecycle",
          definition: { filters: { blobTypes: ["blockBlob", "appendBlob"] }, actions: { version: { delete: { daysAfterCreationGreaterThan: 30 } } } },
        },
      ],
    });
    // Unversioned, no rules: no policy.
    expect(run.resources.find((r) => r.name === "uploads-lifecycle")).toBeUndefined();
  });

  it("expires previous versions after the days the spec gives, on a versioned store with no rules of its own", async () => {
    const r = await plan("name: s\ncomponents:\n  docs: { kind: object-store, previousVersionsExpireAfterDays: 90 }\n");
    expect(one(r, "docs-lifecycle").inputs.policy).toEqual({
      rules: [{ name: "previousversions", enabled: true, type: "Lifecycle", definition: { filters: { blobTypes: ["blockBlob", "appendBlob"] }, actions: { version: { delete: { daysAfterCreationGreaterThan: 90 } } } } }],
    });
    expect(one(r, "docs-lifecycle").options.dependsOn).toEqual([one(r, "docs-blob-service").urn]);
  });

  it("answers only the stack's subnets, unless CORS rules say browsers reach the store", () => {
    // uploads: no CORS rules.
    expect(one(run, "uploads-account").inputs).toMatchObject({
      publicNetworkAccess: "Enabled",
      networkRuleSet: {
        defaultAction: "Deny",
        bypass: "AzureServices",
        virtualNetworkRules: [
          { virtualNetworkResourceId: "shop-vnet-id/subnets/apps", action: "Allow" },
          { virtualNetworkResourceId: "shop-vnet-id/subnets/jobs", action: "Allow" },
        ],
      },
    });
    // files: a CORS rule for browser uploads.
    expect(one(run, "files-account").inputs).toMatchObject({ publicNetworkAccess: "Enabled", networkRuleSet: { defaultAction: "Allow" } });
  });

  it("refuses CORS rules past Blob Storage's 2 KiB, before anything is created", () => {
    const origins = Array.from({ length: 60 }, (_, i) => `https://tenant-${i}.marketplace.example.gov.uk`);
    const spec = parseComponent(ObjectStoreSpec, { kind: "object-store", cors: [{ allowedOrigins: origins, allowedMethods: ["GET"] }] }, "files");
    expect(() => backend.objectStore({ ...refusalRequest, name: "files", qualifiedName: "files", spec })).toThrow(/at most 2048 characters of CORS rules per service .* these come to \d{4}/);
  });

  it("protects a store with Pulumi and the keep-data policy (no lock, which would block removing links), and neither for deletionProtection: false", () => {
    expect(one(run, "files-account").options).toMatchObject({ protect: true, retainOnDelete: true });
    expect(one(run, "files-account").inputs.tags).toMatchObject({ "freehold-deletion-protection": "on" });
    expect(run.resources.filter((r) => r.type === "azure-native:authorization:ManagementLockByScope").map((r) => r.name)).toEqual(["db-lock"]);
    const definition = run.resources.find((r) => r.type === "azure-native:authorization:PolicyDefinition");
    expect(definition?.inputs.mode).toBe("Indexed");
    const rule = definition?.inputs.policyRule as Record<string, unknown>;
    expect(rule.if).toEqual({ allOf: [{ field: "type", equals: "Microsoft.Storage/storageAccounts" }, { field: "tags['freehold-deletion-protection']", equals: "on" }] });
    expect(rule.then).toEqual({ effect: "denyAction", details: { actionNames: ["delete"], cascadeBehaviors: { resourceGroup: "deny" } } });
    expect(run.resources.find((r) => r.type === "azure-native:authorization:PolicyAssignment")?.inputs).toMatchObject({ scope: "shop-rg-id", enforcementMode: "Default" });
    expect(one(run, "uploads-account").options.retainOnDelete).toBe(false);
    expect(one(run, "uploads-account").inputs.tags).toMatchObject({ "freehold-deletion-protection": "off" });
  });

  it("exposes the container as the bucket and the account's blob endpoint", () => {
    expect(run.outputs.outputs).toMatchObject({ files: { bucketName: "files", endpoint: expect.stringMatching(/^https:\/\/shopdevfiles[a-z0-9]{6}\.blob\.core\.windows\.net$/) } });
  });
});

describe("web service", () => {
  it("runs a container app with its own identity, HTTPS-only external ingress and scale to zero", () => {
    const app = one(run, "web-app");
    expect(app.type).toBe("azure-native:app:ContainerApp");
    expect(app.inputs).toMatchObject({
      containerAppName: "web",
      environmentId: "shop-env-id",
      workloadProfileName: "Consumption",
      identity: { type: "UserAssigned", userAssignedIdentities: ["web-identity-id"] },
      configuration: { ingress: { external: true, allowInsecure: false, targetPort: 3000 } },
      template: { scale: { minReplicas: 0, maxReplicas: 5 } },
    });
    expect(run.outputs.outputs).toMatchObject({ web: { url: "https://web.mock-env.uksouth.azurecontainerapps.io" } });
  });

  it("keeps a private service on internal ingress", () => {
    expect(one(run, "worker-app").inputs).toMatchObject({ configuration: { ingress: { external: false, allowInsecure: false } } });
    expect(run.outputs.outputs).toMatchObject({ worker: { url: expect.stringContaining(".internal.") } });
  });

  it("uses a valid Container Apps cpu/memory pair and probes the health path", () => {
    const container = (one(run, "web-app").inputs.template as { containers: Array<Record<string, unknown>> }).containers[0];
    expect(container).toMatchObject({ image: "ghcr.io/example/shop:1.0", resources: { cpu: 0.5, memory: "1Gi" } });
    const probes = container?.probes as Array<{ type: string; httpGet: { path: string; port: number } }>;
    expect(probes.map((p) => p.type).sort()).toEqual(["Liveness", "Readiness", "Startup"]);
    for (const p of probes) expect(p.httpGet).toMatchObject({ path: "/healthz", port: 3000 });
  });

  it("passes the database password as a Key Vault reference, never a plain value", () => {
    const inputs = one(run, "web-app").inputs as {
      configuration: { secrets: Array<Record<string, unknown>> };
      template: { containers: Array<{ env: Array<{ name: string; value?: string; secretRef?: string }> }> };
    };
    expect(inputs.configuration.secrets).toEqual([
      { name: "database-password", keyVaultUrl: expect.stringMatching(/^https:\/\/shop-dev-k-[a-z0-9]{6}-[a-z0-9]{6}\.vault\.azure\.net\/secrets\/db-app-password-[a-z0-9]{6}$/), identity: "web-identity-id" },
      // Public data: the database's root authorities, a secret only because secrets are what Container Apps mounts as files.
      { name: "database-ca", value: POSTGRES_SERVER_CA },
    ]);
    const env = inputs.template.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === "DATABASE_PASSWORD")).toEqual({ name: "DATABASE_PASSWORD", secretRef: "database-password" });
    expect(env.find((e) => e.name === "DATABASE_HOST")?.value).toMatch(/^shop-dev-db-[a-z0-9]{6}\.postgres\.database\.azure\.com$/);
    expect(env.find((e) => e.name === "NODE_ENV")?.value).toBe("production");
    expect(env.find((e) => e.name === "AZURE_CLIENT_ID")?.value).toMatch(/^[0-9a-f-]{36}$/);
    expect(env.filter((e) => e.value === undefined).map((e) => e.name)).toEqual(["DATABASE_PASSWORD"]);
  });

  it("grants each link the least role at the narrowest scope, before the app starts", () => {
    const grants = run.resources
      .filter((r) => r.type === "azure-native:authorization:RoleAssignment" && /^(web|worker)-/.test(r.name))
      .map((r) => [r.name, r.inputs.roleDefinitionId, r.inputs.scope, r.inputs.principalType]);
    const DELEGATOR = BUILT_IN("db58b8e5-c6ad-4a2a-8342-4190687cbf4a");
    expect(grants).toEqual([
      // The application role's password, never the administrator's.
      ["web-db-access", BUILT_IN("4633458b-17de-408a-b874-0445c86b69e6"), "db-app-secret-id", "ServicePrincipal"],
      ["web-files-access", BUILT_IN("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"), "files-container-id", "ServicePrincipal"],
      // User delegation keys (for signed URLs) can only be granted on the account; the SAS is capped by the container role.
      ["web-files-delegate", DELEGATOR, "files-account-id", "ServicePrincipal"],
      ["web-uploads-access", expect.stringMatching(/roleDefinitions\/[0-9a-f-]{36}$/), "uploads-container-id", "ServicePrincipal"],
      ["web-uploads-delegate", DELEGATOR, "uploads-account-id", "ServicePrincipal"],
      ["worker-files-access", BUILT_IN("ba92f5b4-2d11-453d-a403-e96b0029c9fe"), "files-container-id", "ServicePrincipal"],
      ["worker-files-delegate", DELEGATOR, "files-account-id", "ServicePrincipal"],
    ]);
    for (const r of run.resources.filter((x) => x.type === "azure-native:authorization:RoleAssignment")) {
      expect(r.inputs.roleAssignmentName).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it("connects a read link as app_read, with app_read's password secret only, and a read-write link as app with app's", async () => {
    const r = await plan(
      "name: shop\ncomponents:\n  db: { kind: database }\n  web: { kind: web-service, image: ghcr.io/example/shop:1.0, writableRootFilesystem: true, links: [db] }\n  reports: { kind: web-service, image: ghcr.io/example/reports:1.0, writableRootFilesystem: true, links: [{ to: db, access: read }] }\n",
    );
    const app = (name: string) => one(r, `${name}-app`).inputs as { configuration: { secrets: Array<{ keyVaultUrl: string }> }; template: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } };
    const user = (name: string) => app(name).template.containers[0]?.env.find((e) => e.name === "DATABASE_USER")?.value;
    expect([user("web"), user("reports")]).toEqual(["app", "app_read"]);
    const vaultUrls = (name: string) => app(name).configuration.secrets.map((x) => x.keyVaultUrl).filter(Boolean);
    expect(vaultUrls("web")).toEqual([expect.stringMatching(/\/secrets\/db-app-password-[a-z0-9]{6}$/)]);
    expect(vaultUrls("reports")).toEqual([expect.stringMatching(/\/secrets\/db-read-password-[a-z0-9]{6}$/)]);
    // Each identity may read only its own role's secret.
    expect(one(r, "web-db-access").inputs.scope).toBe("db-app-secret-id");
    expect(one(r, "reports-db-access").inputs.scope).toBe("db-read-secret-id");
    expect(one(r, "db-read-secret").inputs).toMatchObject({ properties: "[secret]", tags: { "freehold-secret": "db-read-password" } });
    expect(one(r, "db-read-secret").options).toMatchObject({ protect: true, retainOnDelete: true });
  });

  it("starts the app only after its grants have had the ten minutes Azure allows them to take effect", () => {
    const wait = one(run, "web-grants-wait");
    expect(wait.type).toBe("time:index/sleep:Sleep");
    expect(wait.inputs.createDuration).toBe("600s");
    // A new or changed grant changes the triggers, so the wait runs again before the app changes.
    expect(wait.propertyDependencies.triggers).toHaveLength(5);
    expect(wait.options.dependsOn).toHaveLength(5);
    expect(one(run, "web-app").options.dependsOn).toEqual([wait.urn]);
  });

  it("assigns the write-only custom role only after it has had time to replicate", () => {
    const wait = one(run, "shop-blob-writer-wait");
    expect(wait.inputs.createDuration).toBe("600s");
    expect(wait.options.dependsOn).toEqual([one(run, "shop-blob-writer").urn]);
    expect(one(run, "web-uploads-access").propertyDependencies.roleDefinitionId).toContain(wait.urn);
  });

  it("defines the write-only blob role with exact data actions, once per stack", () => {
    const role = one(run, "shop-blob-writer");
    expect(role.inputs.permissions).toEqual([
      { actions: [], dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action"] },
    ]);
    expect(role.inputs.assignableScopes).toEqual(["shop-rg-id"]);
    const uploads = one(run, "web-uploads-access");
    expect(uploads.inputs.roleDefinitionId).toBe(BUILT_IN(role.inputs.roleDefinitionId as string));
  });

  it("refuses a read-only root filesystem asked for explicitly, which Container Apps cannot give, before creating anything", () => {
    const spec = parseComponent(WebServiceSpec, { kind: "web-service", image: "nginx", writableRootFilesystem: false }, "web");
    const req = { ...refusalRequest, name: "web", qualifiedName: "web", spec, image: "nginx", env: {}, links: [], linkEnv: { plain: {}, secrets: [] }, size: resolveSize("web-service", spec.size) };
    expect(() => backend.webService(req)).toThrow(/web-service.read-only-root-filesystem/);
  });
});

describe("web service settings", () => {
  type Probe = { type: string; periodSeconds: number; failureThreshold: number; initialDelaySeconds?: number; timeoutSeconds: number };
  const probesOf = (r: Run, name: string) => ((one(r, name).inputs.template as { containers: Array<{ probes: Probe[] }> }).containers[0]?.probes ?? []) as Probe[];
  const allowed = (p: Probe) => (p.initialDelaySeconds ?? 0) + p.periodSeconds * p.failureThreshold;

  it("gives a new replica the startup grace the spec asks for, within Container Apps' probe limits", async () => {
    const r = await plan(`
name: s
components:
  slow: { kind: web-service, image: nginx, writableRootFilesystem: true, healthCheck: { path: /ready, intervalSeconds: 30, startupGraceSeconds: 300 } }
  quick: { kind: web-service, image: nginx, writableRootFilesystem: true, healthCheck: { startupGraceSeconds: 10 } }
  edge: { kind: web-service, image: nginx, writableRootFilesystem: true, healthCheck: { startupGraceSeconds: 600, intervalSeconds: 300 } }
`);
    for (const [name, grace] of [["slow-app", 300], ["quick-app", 10], ["edge-app", 600]] as const) {
      const probes = probesOf(r, name);
      const startup = probes.find((p) => p.type === "Startup") as Probe;
      expect(allowed(startup), name).toBeGreaterThanOrEqual(grace);
      expect(allowed(startup), name).toBeLessThan(grace + 10);
      for (const p of probes) {
        expect(p.periodSeconds, `${name} ${p.type}`).toBeGreaterThanOrEqual(1);
        expect(p.periodSeconds, `${name} ${p.type}`).toBeLessThanOrEqual(240);
        expect(p.failureThreshold, `${name} ${p.type}`).toBeLessThanOrEqual(10);
        expect(p.timeoutSeconds, `${name} ${p.type}`).toBeLessThanOrEqual(p.periodSeconds);
      }
    }
    // The default grace (120 s), where the old fixed probe allowed about 51.
    expect(allowed(probesOf(run, "web-app").find((p) => p.type === "Startup") as Probe)).toBe(120);
  });

  it("pulls from a private registry with a password kept in Key Vault and read through the app's identity", async () => {
    const r = await runWithMocks(
      "azure",
      () => deployStack(parseStack("name: s\ncomponents:\n  web: { kind: web-service, image: ghcr.io/acme/web:1, writableRootFilesystem: true, registry: { server: ghcr.io, username: deploy-bot, passwordSecret: ghcrToken } }\n")),
      { project: "s", config: { "s:ghcrToken": "fixture-token" } },
    );
    const secret = one(r, "web-registry-secret");
    expect(secret.inputs).toMatchObject({ properties: "[secret]", secretName: expect.stringMatching(/^web-registry-password-[a-z0-9]{6}$/) });
    expect(JSON.stringify(r.resources)).not.toContain("fixture-token");
    const conf = one(r, "web-app").inputs.configuration as { registries: unknown[]; secrets: Array<Record<string, unknown>> };
    expect(conf.registries).toEqual([{ server: "ghcr.io", username: "deploy-bot", passwordSecretRef: "registry-password" }]);
    expect(conf.secrets).toEqual([{ name: "registry-password", identity: "web-identity-id", keyVaultUrl: expect.stringMatching(/\/secrets\/web-registry-password-[a-z0-9]{6}$/) }]);
    expect(one(r, "web-registry-access").inputs).toMatchObject({ scope: "web-registry-secret-id", roleDefinitionId: BUILT_IN("4633458b-17de-408a-b874-0445c86b69e6") });
    expect(one(r, "web-app").options.dependsOn).toEqual([one(r, "web-grants-wait").urn]);
  });

  const DOMAINS = `
name: s
components:
  www: { kind: web-service, image: nginx, public: true, writableRootFilesystem: true, domain: www.example.gov.uk }
  apex: { kind: web-service, image: nginx, public: true, writableRootFilesystem: true, domain: example.gov.uk }
  service: { kind: web-service, image: nginx, public: true, writableRootFilesystem: true, domain: apply-for-a-licence.service.gov.uk }
  inside: { kind: web-service, image: nginx, public: true, writableRootFilesystem: true, domain: api.apply-for-a-licence.service.gov.uk }
  declared: { kind: web-service, image: nginx, public: true, writableRootFilesystem: true, domain: portal.internal.example.com, domainZone: portal.internal.example.com }
`;

  it("puts a custom domain on the app's ingress and outputs the records DNS accepts: an A record at a zone apex, such as a service.gov.uk name", async () => {
    const r = await plan(DOMAINS);
    expect((one(r, "www-app").inputs.configuration as { ingress: unknown }).ingress).toMatchObject({ external: true, customDomains: [{ name: "www.example.gov.uk", bindingType: "Auto" }] });
    const records = async (name: string) => plainRecords(r.components.find((c) => c.name === name)?.outputs.dnsRecords);
    const txt = (name: string) => ({ name: `asuid.${name}`, type: "TXT", value: expect.stringMatching(/^[0-9A-F]{32}$/), purpose: "domain ownership" });
    expect(await records("www")).toEqual([txt("www.example.gov.uk"), { name: "www.example.gov.uk", type: "CNAME", value: "www.mock-env.uksouth.azurecontainerapps.io", purpose: "traffic" }]);
    expect(await records("apex")).toEqual([txt("example.gov.uk"), { name: "example.gov.uk", type: "A", value: "10.42.0.250", purpose: "traffic" }]);
    // GDS delegates <name>.service.gov.uk to the service's own DNS: that name is the apex of its zone, where a CNAME cannot stand.
    expect(await records("service")).toEqual([txt("apply-for-a-licence.service.gov.uk"), { name: "apply-for-a-licence.service.gov.uk", type: "A", value: "10.42.0.250", purpose: "traffic" }]);
    expect(await records("inside")).toEqual([txt("api.apply-for-a-licence.service.gov.uk"), expect.objectContaining({ type: "CNAME" })]);
    // domainZone says where the zone starts.
    expect(await records("declared")).toEqual([txt("portal.internal.example.com"), expect.objectContaining({ type: "A" })]);
    expect((r.outputs as { outputs: { www: { url: string } } }).outputs.www.url).toBe("https://www.example.gov.uk");
  });

  it("creates the managed certificate on the up after the hostname is on the app, and makes the app depend on it, so the app (and its binding) goes first", async () => {
    // The first up: the hostname goes on the app, no certificate yet (Azure issues one only for a hostname already on an app).
    const first = await plan(DOMAINS);
    expect(first.resources.filter((x) => x.type === "azure-native:app:ManagedCertificate")).toEqual([]);
    expect(first.invokes.filter((t) => t === "azure-native:app:getContainerApp")).toHaveLength(5);
    // The next up reads the live app's hostnames.
    for (const [app, domain] of [["www", "www.example.gov.uk"], ["apex", "example.gov.uk"], ["service", "apply-for-a-licence.service.gov.uk"], ["inside", "api.apply-for-a-licence.service.gov.uk"]]) mockCloud.containerApps.set(app as string, [domain as string]);
    try {
      const next = await plan(DOMAINS);
      const cert = one(next, "www-cert");
      expect(cert.type).toBe("azure-native:app:ManagedCertificate");
      expect(cert.inputs).toMatchObject({ environmentName: "s-dev-env", properties: { subjectName: "www.example.gov.uk", domainControlValidation: "CNAME" } });
      expect(cert.options.dependsOn).toEqual([]);
      expect(one(next, "www-app").options.dependsOn).toEqual([cert.urn]);
      // A zone apex is validated over HTTP (its A record points at the environment).
      expect(one(next, "apex-cert").inputs).toMatchObject({ properties: { subjectName: "example.gov.uk", domainControlValidation: "HTTP" } });
      expect(one(next, "service-cert").inputs).toMatchObject({ properties: { domainControlValidation: "HTTP" } });
      expect(one(next, "inside-cert").inputs).toMatchObject({ properties: { domainControlValidation: "CNAME" } });
      // Not on the live app yet: no certificate this time either.
      expect(next.resources.find((x) => x.name === "declared-cert")).toBeUndefined();
    } finally {
      mockCloud.clear();
    }
  });

  it("limits a public service to IPv4 ranges of its ipAllowList, and refuses a list with none", async () => {
    const r = await plan("name: s\ncomponents:\n  web: { kind: web-service, image: nginx, public: true, writableRootFilesystem: true, ipAllowList: [203.0.113.0/24, 198.51.100.7/32, 2001:db8::/32] }\n");
    expect((one(r, "web-app").inputs.configuration as { ingress: unknown }).ingress).toMatchObject({
      ipSecurityRestrictions: [
        { name: "allow-1", action: "Allow", ipAddressRange: "203.0.113.0/24", description: "Freehold ipAllowList 203.0.113.0/24" },
        { name: "allow-2", action: "Allow", ipAddressRange: "198.51.100.7/32", description: "Freehold ipAllowList 198.51.100.7/32" },
      ],
    });
    expect(() => checkWebService({ name: "web", spec: parseComponent(WebServiceSpec, { kind: "web-service", image: "nginx", public: true, writableRootFilesystem: true, ipAllowList: ["2001:db8::/32"] }, "web") })).toThrow(
      "web: azure cannot provide web-service.ip-allow-list: Container Apps ingress restrictions take IPv4 ranges only, and this list has none",
    );
  });

  it("refuses a web application firewall by name, with what one would cost", () => {
    expect(() => checkWebService({ name: "web", spec: parseComponent(WebServiceSpec, { kind: "web-service", image: "nginx", public: true, writableRootFilesystem: true, webApplicationFirewall: true }, "web") })).toThrow(
      /web: azure cannot provide web-service\.web-application-firewall: a web application firewall needs Application Gateway WAF v2 \(about \$323 a month .*Front Door Premium \(\$330 a month/,
    );
  });

  it("refuses a domain on a private service: a custom domain binds to external ingress", () => {
    // The model refuses it for every cloud before a backend sees it; the backend's own check stays for specs built without the model.
    expect(() => parseComponent(WebServiceSpec, { kind: "web-service", image: "nginx", writableRootFilesystem: true, domain: "app.example.gov.uk" }, "web")).toThrow(
      "domain: a domain needs a public service; set public: true or remove domain",
    );
    const spec = { ...parseComponent(WebServiceSpec, { kind: "web-service", image: "nginx", writableRootFilesystem: true, public: true, domain: "app.example.gov.uk" }, "web"), public: false };
    expect(() => checkWebService({ name: "web", spec })).toThrow("web: azure cannot provide web-service.custom-domain");
  });
});

describe("prerequisites", () => {
  it("tells, once per run, which resource providers to register and which roles the deploying identity needs", async () => {
    const said: string[] = [];
    const warn = pulumi.log.warn;
    (pulumi.log as { warn: (m: string) => Promise<void> }).warn = async (m: string) => {
      said.push(m);
    };
    try {
      // Five components in one run: said once (providers.test.ts: once for two platforms).
      await plan(SHOP);
    } finally {
      (pulumi.log as { warn: typeof warn }).warn = warn;
    }
    const prereq = said.filter((m) => m.startsWith("Azure prerequisites"));
    expect(prereq).toHaveLength(1);
    for (const p of ["Microsoft.App", "Microsoft.DBforPostgreSQL", "Microsoft.KeyVault", "Microsoft.Storage", "Microsoft.Network", "Microsoft.OperationalInsights", "Microsoft.ManagedIdentity", "Microsoft.ContainerInstance"]) expect(prereq[0]).toContain(p);
    for (const role of ["Contributor", "User Access Administrator", "Resource Policy Contributor"]) expect(prereq[0]).toContain(role);
  });
});

describe("vendor settings", () => {
  it("merge into the child resource with that role", async () => {
    const r = await plan(`
name: s
components:
  db: { kind: database, vendor: { azure: { server: { availabilityZone: "2" } } } }
  web: { kind: web-service, image: nginx, writableRootFilesystem: true, vendor: { azure: { app: { workloadProfileName: "D4" } } } }
`);
    expect(one(r, "db-server").inputs.availabilityZone).toBe("2");
    expect(one(r, "web-app").inputs.workloadProfileName).toBe("D4");
  });

  it("merge deeply: a nested setting changes that field and keeps what Freehold set beside it", async () => {
    const r = await plan(`
name: s
components:
  db: { kind: database, backups: { retentionDays: 21 }, vendor: { azure: { server: { backup: { geoRedundantBackup: Enabled } } } } }
  web:
    kind: web-service
    image: nginx
    writableRootFilesystem: true
    links: [db]
    vendor: { azure: { app: { configuration: { ingress: { clientCertificateMode: require } } } } }
`);
    expect(one(r, "db-server").inputs.backup).toEqual({ backupRetentionDays: 21, geoRedundantBackup: "Enabled" });
    const conf = one(r, "web-app").inputs.configuration as { ingress: Record<string, unknown>; secrets: unknown[] };
    expect(conf.ingress).toMatchObject({ allowInsecure: false, external: false, clientCertificateMode: "require", targetPort: 8080 });
    // The password reference and the CA file, kept beside the vendor setting.
    expect(conf.secrets).toHaveLength(2);
  });

  it("reject a role the component does not have, listing the roles allowed", () => {
    const spec = parseComponent(ObjectStoreSpec, { kind: "object-store", vendor: { azure: { bucket: { x: 1 } } } }, "files");
    const req = { ...refusalRequest, name: "files", qualifiedName: "files", spec };
    expect(() => backend.objectStore(req)).toThrow(SpecError);
    expect(() => backend.objectStore(req)).toThrow("vendor.azure.bucket: is not a child resource of this component on azure; roles allowed: account, blobService, container, lifecycle");
  });
});

describe("data locations", () => {
  it("names every place outside the stack's region that holds a copy: Key Vault's paired region, geo-redundant backups and storage", async () => {
    const r = await plan(`
name: s
components:
  db: { kind: database, vendor: { azure: { server: { backup: { geoRedundantBackup: Enabled } } } } }
  files: { kind: object-store, vendor: { azure: { account: { sku: { name: Standard_GRS } } } } }
  local: { kind: object-store }
`);
    const where = (n: string) => r.components.find((c) => c.name === n)?.description.dataLocations;
    expect(where("db")).toEqual([
      { region: "ukwest", use: "password secrets (Key Vault replicates to the paired region)" },
      { region: "ukwest", use: "geo-redundant backups" },
    ]);
    expect(where("files")).toEqual([{ region: "ukwest", use: "geo-redundant copy (Standard_GRS)" }]);
    expect(where("local")).toEqual([]);
  });
});

describe("typed resources", () => {
  it("gives each component's children typed by role on Azure, and refuses another cloud", async () => {
    const { Database, ObjectStore, WebService } = await import("@freehold/core");
    await runWithMocks("azure", () => {
      const db = new Database("db", {}, { cloud: "azure", stack: { name: "t" } });
      const files = new ObjectStore("files", {}, { cloud: "azure", stack: { name: "t" } });
      const web = new WebService("web", { image: "nginx", writableRootFilesystem: true, links: [db] }, { cloud: "azure", stack: { name: "t" } });
      // Typed: these compile only with the declaration in index.ts.
      const server: import("@pulumi/azure-native/dbforpostgresql").Server = db.resourcesOn("azure").server;
      const account: import("@pulumi/azure-native/storage").StorageAccount = files.resourcesOn("azure").account;
      const app: import("@pulumi/azure-native/app").ContainerApp = web.resourcesOn("azure").app;
      expect([server, account, app].every((r) => r !== undefined)).toBe(true);
      expect(web.resourcesOn("azure")["db-access"]).toBeDefined();
      expect(() => db.resourcesOn("aws" as "azure")).toThrow("this database is deployed on azure, not aws");
      return {};
    });
  });
});

describe("plans", () => {
  it("give identical records on two runs", async () => {
    const again = await plan(SHOP);
    expect(JSON.stringify(again.resources)).toBe(JSON.stringify(run.resources));
  });

  it("parent every child to its component and shared resources to the platform", () => {
    const urnOf = (type: string, name: string) => run.resources.find((r) => r.type === type && r.name === name)?.urn;
    expect(one(run, "db-server").parent).toBe(urnOf("freehold:index:Database", "db"));
    expect(one(run, "web-identity").parent).toBe(urnOf("freehold:index:WebService", "web"));
    expect(one(run, "shop-vnet").parent).toBe(urnOf("freehold:index:Platform", "shop"));
  });

  it("describe the chosen services and sizes", () => {
    const db = run.components.find((c) => c.name === "db");
    expect(db?.description).toMatchObject({ service: "Azure Database for PostgreSQL flexible server", size: { sku: "Standard_D2ds_v5" } });
    expect(run.components.find((c) => c.name === "web")?.description.size?.sku).toBe("Consumption 0.5 vCPU / 1Gi");
  });
});

const dist = join(__dirname, "..", "dist", "index.js");
describe("loading", () => {
  it.skipIf(!existsSync(dist))("loads only azure-native submodules, never the package root", () => {
    const script = `require(${JSON.stringify(dist)}); const m = Object.keys(require.cache).filter((k) => k.includes("azure-native")); console.log(JSON.stringify(m));`;
    const loaded: string[] = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
    expect(loaded.some((k) => /azure-native[/\\]index\.js$/.test(k))).toBe(false);
    expect(loaded.some((k) => /azure-native[/\\]app[/\\]index\.js$/.test(k))).toBe(true);
  });
});

describe("a database that asks for logical replication on Azure", () => {
  let logical: Run;
  beforeAll(async () => {
    logical = await plan("name: shop\ncomponents:\n  db: { kind: database, replication: logical }\n");
  });

  it("sets the server parameter wal_level = logical as a user override on the database's server", () => {
    const wal = one(logical, "db-wal-level");
    expect(wal.type).toBe("azure-native:dbforpostgresql:Configuration");
    expect(wal.inputs).toMatchObject({ configurationName: "wal_level", value: "logical", source: "user-override" });
  });

  it("orders it after the TLS parameter and before the database, since a flexible server takes one operation at a time", () => {
    expect(one(logical, "db-wal-level").dependencies).toContain(one(logical, "db-tls").urn);
    expect(one(logical, "db-database").dependencies).toContain(one(logical, "db-wal-level").urn);
  });

  it("adds no wal_level parameter when replication is off", () => {
    expect(run.resources.some((r) => r.inputs.configurationName === "wal_level")).toBe(false);
  });
  it("runs the role job with the logical script, which gives the administrator REPLICATION, and runs it again when the setting changes", () => {
    const command = (r: Run) => (one(r, "db-roles").inputs.template as { containers: Array<{ command: string[] }> }).containers[0]?.command;
    expect(command(logical)).toEqual(["sh", "-c", roleJobScript("logical")]);
    expect(roleJobScript("logical")).toContain("EXECUTE format('ALTER ROLE %I WITH REPLICATION', admin);");
    expect(command(run)).toEqual(["sh", "-c", ROLE_JOB_SCRIPT]);
    expect(ROLE_JOB_SCRIPT).toContain("EXECUTE format('ALTER ROLE %I WITH NOREPLICATION', admin);");
    // The script is part of what reruns the job: the deployment script's rerun value differs between the two.
    const rerun = (r: Run) => JSON.stringify((one(r, "db-roles-run").inputs as { forceUpdateTag?: unknown }).forceUpdateTag);
    expect(rerun(logical)).not.toBe(rerun(run));
  });
});

describe("the plan says a database size change restarts the flexible server when up applies it", () => {
  it("names the restart in the database's details (Microsoft: a new SKU restarts the server, not in the maintenance window)", async () => {
    registerBackend(backend);
    const run = await runWithMocks("azure", () => deployStack(parseStack("name: shop\ncomponents:\n  db: { kind: database }\n")));
    const details = run.components.find((c) => c.name === "db")?.description.details ?? {};
    expect(details.sizeChanges).toBe("a size change (a new SKU) restarts the server when up applies it, not in the maintenance window: typically a minute or less");
  });
});
