import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { deployStack, type PlannedResource, plainOutputs, registerBackend, runWithMocks } from "@freehold/core";
import { DatabaseSpec, ObjectStoreSpec, parseComponent, parseStack, resolveSize, SpecError, UnsupportedFeatureError, WebServiceSpec } from "@freehold/model";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { backend } from "./index";
import { MOCK_SUBSCRIPTION } from "./mocks";
import { ROLE_JOB_SCRIPT } from "./database";
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
    const vnet = one(run, "shop-vnet").inputs as { subnets: Array<{ name: string; delegations: Array<{ serviceName: string }> }> };
    expect(vnet.subnets.map((s) => [s.name, s.delegations[0]?.serviceName])).toEqual([
      ["apps", "Microsoft.App/environments"],
      ["postgres", "Microsoft.DBforPostgreSQL/flexibleServers"],
      ["jobs", "Microsoft.ContainerInstance/containerGroups"],
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

  it("makes only the two platform invokes, once each", () => {
    expect([...run.invokes].sort()).toEqual(["azure-native:authorization:getClientConfig", "azure-native:operationalinsights:getSharedKeys"]);
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

  it("has applications log in as the role model's roles, which a one-off container creates inside the network from their SCRAM verifiers", () => {
    const job = one(run, "db-roles");
    expect(job.type).toBe("azure-native:containerinstance:ContainerGroup");
    expect(job.inputs).toMatchObject({ restartPolicy: "Never", osType: "Linux", subnetIds: [{ id: "shop-vnet-id/subnets/jobs" }] });
    const container = (job.inputs.containers as Array<{ image: string; command: string[]; environmentVariables: Array<Record<string, string>> }>)[0];
    expect(container?.image).toBe("postgres:17-alpine");
    expect(container?.command).toEqual(["sh", "-c", ROLE_JOB_SCRIPT]);
    expect(container?.environmentVariables).toEqual(
      expect.arrayContaining([
        { name: "PGUSER", value: "app_admin" },
        { name: "PGSSLMODE", value: "require" },
        { name: "PGPASSWORD", secureValue: "[secret]" },
        { name: "FREEHOLD_APP_VERIFIER", secureValue: "[secret]" },
        { name: "FREEHOLD_READ_VERIFIER", secureValue: "[secret]" },
      ]),
    );
    // Verifiers only: the job never holds an application role's password, and no value is a plain property.
    expect(container?.environmentVariables.map((e) => e.name).sort()).toEqual(["FREEHOLD_APP_VERIFIER", "FREEHOLD_READ_VERIFIER", "PGDATABASE", "PGHOST", "PGPASSWORD", "PGPORT", "PGSSLMODE", "PGUSER"]);
    expect(job.options.dependsOn).toEqual([one(run, "db-database").urn]);
    const env = (one(run, "web-app").inputs.template as { containers: Array<{ env: Array<{ name: string; value?: string }> }> }).containers[0]?.env ?? [];
    expect(env.find((e) => e.name === "DATABASE_USER")?.value).toBe("app");
  });

  it("needs a subnet for that container when the stack brings its own network", async () => {
    await expect(plan("name: s\nnetwork: { azure: { resourceGroupName: rg, virtualNetworkName: vnet, appsSubnetName: a, databaseSubnetName: d } }\ncomponents:\n  db: { kind: database }\n")).rejects.toThrow(
      "network.azure.jobsSubnetName: is required with a database",
    );
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
      ],
    });
    expect(run.resources.find((r) => r.name === "uploads-lifecycle")).toBeUndefined();
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
      .filter((r) => r.type === "azure-native:authorization:RoleAssignment")
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
    expect(app("web").configuration.secrets.map((x) => x.keyVaultUrl)).toEqual([expect.stringMatching(/\/secrets\/db-app-password-[a-z0-9]{6}$/)]);
    expect(app("reports").configuration.secrets.map((x) => x.keyVaultUrl)).toEqual([expect.stringMatching(/\/secrets\/db-read-password-[a-z0-9]{6}$/)]);
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

  it("binds a custom domain with a managed certificate and outputs the DNS records to create", async () => {
    const r = await plan(`
name: s
components:
  www: { kind: web-service, image: nginx, public: true, writableRootFilesystem: true, domain: www.example.gov.uk }
  apex: { kind: web-service, image: nginx, public: true, writableRootFilesystem: true, domain: example.gov.uk }
`);
    expect((one(r, "www-app").inputs.configuration as { ingress: unknown }).ingress).toMatchObject({ external: true, customDomains: [{ name: "www.example.gov.uk", bindingType: "Auto" }] });
    const cert = one(r, "www-cert");
    expect(cert.type).toBe("azure-native:app:ManagedCertificate");
    expect(cert.inputs).toMatchObject({ environmentName: "s-dev-env", properties: { subjectName: "www.example.gov.uk", domainControlValidation: "CNAME" } });
    // Azure issues it only for a hostname already on an app.
    expect(cert.options.dependsOn).toEqual([one(r, "www-app").urn]);
    expect(one(r, "apex-cert").inputs).toMatchObject({ properties: { subjectName: "example.gov.uk", domainControlValidation: "HTTP" } });
    const outputs = (r.outputs as { outputs: { www: { url: string } } }).outputs;
    expect(outputs.www.url).toBe("https://www.example.gov.uk");
    const records = r.components.map((c) => c.outputs.dnsRecords);
    expect(await plainRecords(records[0])).toEqual([
      { name: "asuid.www.example.gov.uk", type: "TXT", value: expect.stringMatching(/^[0-9A-F]{32}$/), purpose: "domain ownership" },
      { name: "www.example.gov.uk", type: "CNAME", value: "www.mock-env.uksouth.azurecontainerapps.io", purpose: "traffic" },
    ]);
    expect(await plainRecords(records[1])).toEqual([
      { name: "asuid.example.gov.uk", type: "TXT", value: expect.stringMatching(/^[0-9A-F]{32}$/), purpose: "domain ownership" },
      { name: "example.gov.uk", type: "A", value: "10.42.0.250", purpose: "traffic" },
    ]);
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
    expect(conf.secrets).toHaveLength(1);
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
