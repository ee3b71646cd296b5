/**
 * Issue 28 on the simulated Azure: each lifecycle problem the second review
 * names, as a stack going through the step that broke, and the rule behind it
 * biting on the plan the backend sent before (rewritten here where the
 * backend no longer sends it). The catalogue (lifecycle-azure.test.ts) runs
 * every scenario of the conformance stacks; these name the cases.
 */
import type { PlannedResource } from "@freehold/core";
import { AZURE_RULES, type CloudObject, RULES, type RuleContext, refusedByPolicy, SERVICE_LINK_SECONDS, seedLandingZone } from "@freehold/rules";
import { describe, expect, it } from "vitest";
import { plannedOnAzure as planned } from "./azure-live.test-helper";
import { type PlanInput, World } from "./engine";
import { CONFORMANCE_STACKS } from "./stacks";

const live = (w: World, type: string) => w.objectsOf("azure").filter((o) => o.type === type && o.status === "live");
const byName = (plan: PlanInput, name: string) => plan.resources.find((r) => r.name === name) as PlannedResource;
const ctxOf = (w: World): RuleContext => ({ objects: () => w.objectsOf("azure"), get: (k) => w.objects.get(k), now: w.now, stackRegion: "uksouth", adopt: () => undefined });

/** A plan with some resources' options or dependencies rewritten: what the backend sent before. */
function rewrite(plan: PlanInput, edit: (r: PlannedResource) => PlannedResource): PlanInput {
  return { ...plan, resources: plan.resources.map(edit) };
}

describe("1. a service with a custom domain is removed, and a stack with one destroyed, without stopping half-way", () => {
  const SITE = `
name: site
components:
  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true, domain: www.example.gov.uk }
  other: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true }
`;
  const WITHOUT = SITE.replace(/ {2}web: .*\n/, "");

  it("puts the hostname on the app, then on the next up creates the certificate the app depends on; removing the service deletes the app first", async () => {
    const w = new World(RULES);
    expect(w.up("site/dev", await planned(SITE)).error).toBeUndefined();
    expect(live(w, "azure-native:app:ManagedCertificate")).toEqual([]);
    const next = await planned(SITE, { apps: { web: ["www.example.gov.uk"] } });
    expect(w.up("site/dev", next).error).toBeUndefined();
    expect(live(w, "azure-native:app:ManagedCertificate")).toHaveLength(1);
    expect(byName(next, "web-app").dependencies).toContain(byName(next, "web-cert").urn);
    const removed = w.up("site/dev", await planned(WITHOUT, { apps: { web: ["www.example.gov.uk"] } }));
    expect(removed.error).toBeUndefined();
    expect(removed.steps.filter((s) => s.op === "delete").map((s) => s.name)).toEqual(expect.arrayContaining(["web-app", "web-cert"]));
    const order = removed.steps.map((s) => s.name);
    expect(order.indexOf("web-app")).toBeLessThan(order.indexOf("web-cert"));
  });

  it("destroys a stack with a bound certificate", async () => {
    const w = new World(RULES);
    w.up("site/dev", await planned(SITE));
    w.up("site/dev", await planned(SITE, { apps: { web: ["www.example.gov.uk"] } }));
    expect(w.destroy("site/dev", "azure")).toMatchObject({ status: "ok" });
  });

  it("would not, with the certificate depending on the app: Azure refuses to delete a certificate a hostname still binds (CertificateInUse)", async () => {
    const next = await planned(SITE, { apps: { web: ["www.example.gov.uk"] } });
    const app = byName(next, "web-app");
    const cert = byName(next, "web-cert");
    // What the backend sent before: the certificate made after (and depending on) the app, the app not on it.
    const before = rewrite(next, (r) =>
      r.urn === cert.urn
        ? { ...r, dependencies: [...r.dependencies, app.urn], options: { ...r.options, dependsOn: [app.urn] } }
        : r.urn === app.urn
          ? { ...r, dependencies: r.dependencies.filter((d) => d !== cert.urn), options: { ...r.options, dependsOn: r.options.dependsOn.filter((d) => d !== cert.urn) } }
          : r,
    );
    const w = new World(RULES);
    w.up("site/dev", await planned(SITE));
    expect(w.up("site/dev", before).error).toBeUndefined();
    const removal = w.clone().up("site/dev", rewrite(await planned(WITHOUT), (r) => r));
    expect(removal.status).toBe("failed");
    expect(removal.error).toContain("CertificateInUse: Certificate");
    const destroy = w.clone().destroy("site/dev", "azure");
    expect(destroy.status).toBe("failed");
    expect(destroy.error).toContain("CertificateInUse");
  });
});

describe("2. destroy, then up again, though a deleted environment, container group or server leaves a link on its subnet", () => {
  const SCRATCH = CONFORMANCE_STACKS["throwaway stack without deletion protection"] as string;

  it("finishes the destroy, leaves the network (retained, free) for Azure to release, and builds a fresh one on the next up", async () => {
    const w = new World(RULES);
    const plan = await planned(SCRATCH);
    expect(w.up("scratch/dev", plan).error).toBeUndefined();
    expect(w.destroy("scratch/dev", "azure")).toMatchObject({ status: "ok" });
    const kept = live(w, "azure-native:network:VirtualNetwork");
    expect(kept).toHaveLength(1);
    expect(kept[0]?.owner).toBeUndefined();
    // Its subnets still carry the links the deleted environment and server left.
    expect(((kept[0] as CloudObject).facts.serviceLinks as Array<{ subnet: string }>).map((l) => l.subnet).sort()).toEqual(["apps", "postgres"]);
    w.advance(3600);
    expect(w.up("scratch/dev", plan).error).toBeUndefined();
    expect(live(w, "azure-native:network:VirtualNetwork")).toHaveLength(2);
    // Once Azure has released the old one, it can be deleted.
    w.advance(SERVICE_LINK_SECONDS);
    expect(AZURE_RULES.types["azure-native:network:VirtualNetwork"]?.beforeDelete?.(kept[0] as CloudObject, ctxOf(w))).toBeUndefined();
  });

  it("would not, with the network deleted by the destroy: the subnets are still in use (InUseSubnetCannotBeDeleted)", async () => {
    const network = (r: PlannedResource) => ["scratch-vnet", "scratch-network-rg", "scratch-postgres-nsg"].includes(r.name);
    const before = rewrite(await planned(SCRATCH), (r) => (network(r) ? { ...r, options: { ...r.options, retainOnDelete: false } } : r));
    const w = new World(RULES);
    expect(w.up("scratch/dev", before).error).toBeUndefined();
    const d = w.destroy("scratch/dev", "azure");
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(/InUseSubnetCannotBeDeleted: subnet .* is in use by a service association link left by/);
  });
});

describe("3. the role job's result is part of the up", () => {
  const DB = CONFORMANCE_STACKS["one database"] as string;

  it("starts the job only after its grants and the starter's have taken effect, and services only after the run", async () => {
    const w = new World(RULES);
    const plan = await planned(`${DB}  web: { kind: web-service, image: nginx:1.27, writableRootFilesystem: true, links: [db] }\n`);
    expect(w.up("db-only/dev", plan).error).toBeUndefined();
    const [job] = live(w, "azure-native:app:Job");
    const [run] = live(w, "azure-native:resources:AzureCliScript");
    const grants = live(w, "azure-native:authorization:RoleAssignment");
    const onJob = grants.filter((g) => (g.references.scope ?? []).includes((job as CloudObject).key));
    expect(onJob).toHaveLength(1);
    expect((run as CloudObject).createdAt - (onJob[0]?.facts.changedAt as number)).toBeGreaterThanOrEqual(600);
    // The web service's user waits for the run.
    expect(byName(plan, "web-app").dependencies).toContain(byName(plan, "db-roles-run").urn);
  });

  it("would fail the first up without the waits: the run reads the job through a grant that has not taken effect", async () => {
    const plan = await planned(DB);
    const sleeps = new Set(plan.resources.filter((r) => r.name.startsWith("db-roles") && r.type === "time:index/sleep:Sleep").map((r) => r.urn));
    const cut = rewrite(
      { ...plan, resources: plan.resources.filter((r) => !sleeps.has(r.urn)) },
      (r) => ({ ...r, dependencies: r.dependencies.filter((d) => !sleeps.has(d)), options: { ...r.options, dependsOn: r.options.dependsOn.filter((d) => !sleeps.has(d)) } }),
    );
    const r = new World(RULES).up("db-only/dev", cut);
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(/a grant can take up to 600 s to take effect/);
  });
});

describe("an existing stack whose network is in the stack's own resource group, updated by a version that puts new stacks' networks in one of their own", () => {
  const APP = `
name: shop
components:
  db: { kind: database, storageGiB: 64, deletionProtection: false }
  web: { kind: web-service, image: nginx:1.27, links: [db] }
`;
  const group = (plan: PlanInput, suffix: string) => String(plan.resources.find((r) => r.type === "azure-native:resources:ResourceGroup" && r.name.endsWith(suffix))?.inputs.resourceGroupName);
  const inNetwork = (r: PlannedResource) => r.type === "azure-native:network:VirtualNetwork" || r.type === "azure-native:network:NetworkSecurityGroup";

  /** The stack as the earlier layout deployed it, and the next up's plan made against what Azure then holds. */
  async function earlierStack(): Promise<{ w: World; earlier: PlanInput; now: () => Promise<PlanInput> }> {
    const fresh = await planned(APP);
    const stackGroup = group(fresh, "shop-rg");
    // What the earlier layout sent: the network (and its NSG) in the stack's own resource group.
    const earlier = rewrite(fresh, (r) => (inNetwork(r) ? { ...r, inputs: { ...r.inputs, resourceGroupName: stackGroup } } : r));
    const w = new World(RULES);
    expect(w.up("shop/dev", earlier).error).toBeUndefined();
    const [server] = live(w, "azure-native:dbforpostgresql:Server");
    const vnet = String(byName(fresh, "shop-vnet").inputs.virtualNetworkName);
    const serverName = String((server as CloudObject).name);
    const subnet = `/subscriptions/x/resourceGroups/${stackGroup}/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/postgres`;
    return { w, earlier, now: () => planned(APP, { servers: { [serverName]: 64 }, serverSubnets: { [serverName]: subnet }, virtualNetworks: [`${stackGroup}/${vnet}`] }) };
  }

  it("keeps the network where it is: the up replaces neither the network, the server nor the environment", async () => {
    const { w, now } = await earlierStack();
    const next = await now();
    expect(byName(next, "shop-vnet").inputs.resourceGroupName).toBe(group(next, "shop-rg"));
    const r = w.up("shop/dev", next);
    expect(r.error).toBeUndefined();
    const replaced = r.steps.filter((s) => s.op === "replace" || s.op === "delete").map((s) => s.type);
    for (const type of ["azure-native:network:VirtualNetwork", "azure-native:dbforpostgresql:Server", "azure-native:app:ManagedEnvironment"]) expect(replaced, type).not.toContain(type);
  });

  it("would replace them with the network moved to its own resource group: an empty server, the old one deleted", async () => {
    const { w } = await earlierStack();
    const r = w.up("shop/dev", await planned(APP));
    expect(r.steps.filter((s) => s.op === "replace").map((s) => s.type)).toEqual(expect.arrayContaining(["azure-native:network:VirtualNetwork", "azure-native:dbforpostgresql:Server"]));
  });
});

describe("the Entra administrator of a deletion-protected server", () => {
  const admin = (objectId: string, protect: boolean) => `
name: d
components:
  db:
    kind: database
    deletionProtection: ${protect}
    vendor: { azure: { entraAdmin: { objectId: ${objectId}, principalName: dba-team, principalType: Group } } }
`;
  const A = "11111111-1111-1111-1111-111111111111";
  const B = "22222222-2222-2222-2222-222222222222";

  it("cannot be changed to another principal while the lock is on (the old one's delete is ScopeLocked), and can once protection is lifted", async () => {
    const w = new World(RULES);
    expect(w.up("d/dev", await planned(admin(A, true))).error).toBeUndefined();
    const locked = w.up("d/dev", await planned(admin(B, true)));
    expect(locked.status).toBe("failed");
    expect(locked.error).toMatch(/ScopeLocked/);
    // The documented way: lift the protection (the lock goes), change the administrator, protect again.
    const w2 = new World(RULES);
    expect(w2.up("d/dev", await planned(admin(A, true))).error).toBeUndefined();
    expect(w2.up("d/dev", await planned(admin(A, false))).error).toBeUndefined();
    expect(w2.up("d/dev", await planned(admin(B, false))).error).toBeUndefined();
    expect(w2.up("d/dev", await planned(admin(B, true))).error).toBeUndefined();
  });
});

describe("8. updates after auto-grow", () => {
  const DB = "name: d\ncomponents:\n  db: { kind: database, storageGiB: 64 }\n";
  const LONGER = DB.replace("storageGiB: 64", "storageGiB: 64, backups: { retentionDays: 21 }");

  it("changes a server whose disk auto-grow has grown, sending the size the program read from Azure", async () => {
    const w = new World(RULES);
    w.up("d/dev", await planned(DB));
    const [server] = live(w, "azure-native:dbforpostgresql:Server");
    (server as CloudObject).facts.storageGB = 256;
    const next = await planned(LONGER, { servers: { [String((server as CloudObject).name)]: 256 } });
    expect(w.up("d/dev", next).error).toBeUndefined();
    expect(live(w, "azure-native:dbforpostgresql:Server")[0]?.inputs.storage).toEqual({ storageSizeGB: 256, autoGrow: "Enabled" });
  });

  it("would fail sending the size it recorded at creation: Azure refuses a smaller disk than it has", async () => {
    const w = new World(RULES);
    w.up("d/dev", await planned(DB));
    const [server] = live(w, "azure-native:dbforpostgresql:Server");
    (server as CloudObject).facts.storageGB = 256;
    const r = w.up("d/dev", await planned(LONGER));
    expect(r.status).toBe("failed");
    expect(r.error).toContain("Requested data disk size 64 GB cannot be less than the current size 256 GB");
  });
});

describe("12. the rule book", () => {
  const DB = "name: r\ncomponents:\n  db: { kind: database, deletionProtection: false }\n";

  it("takes createMode Default (or Update) on an existing server as an update, and refuses a restore mode there", async () => {
    const plan = await planned(DB);
    const w = new World(RULES);
    w.up("r/dev", plan);
    const withMode = (mode: string) => rewrite(plan, (r) => (r.name === "db-server" ? { ...r, inputs: { ...r.inputs, createMode: mode } } : r));
    const update = w.clone().up("r/dev", withMode("Default"));
    expect(update.error).toBeUndefined();
    expect(update.steps.find((s) => s.name === "db-server")?.op).toBe("update");
    expect(w.clone().up("r/dev", withMode("Update")).steps.find((s) => s.name === "db-server")?.op).toBe("update");
    expect(w.clone().up("r/dev", withMode("PointInTimeRestore")).error).toContain("createMode PointInTimeRestore applies only when a server is created");
  });

  it("runs one operation at a time on a flexible server: a database created beside a parameter change fails (ConflictingServerOperation)", async () => {
    const plan = await planned(DB);
    const tls = byName(plan, "db-tls").urn;
    const concurrent = rewrite(plan, (r) => (r.name === "db-database" ? { ...r, dependencies: r.dependencies.filter((d) => d !== tls), options: { ...r.options, dependsOn: [] } } : r));
    const r = new World(RULES).up("r/dev", concurrent);
    expect(r.status).toBe("failed");
    expect(r.error).toContain("ConflictingServerOperation");
    expect(new World(RULES).up("r/dev", plan).error).toBeUndefined();
  });

  it("keeps the reserved subnet names away from a flexible server only, names locks in 1-90 characters, and limits CORS to 2 KiB", () => {
    const t = AZURE_RULES.types;
    const obj = (type: string, inputs: Record<string, unknown>): CloudObject => ({ key: "k", cloud: "azure", type, inputs, references: {}, region: "uksouth", status: "live", createdAt: 0, facts: {} });
    const ctx = ctxOf(new World(RULES));
    const server = (subnet: string) => obj("azure-native:dbforpostgresql:Server", { network: { delegatedSubnetResourceId: `/x/virtualNetworks/v/subnets/${subnet}` } });
    expect(t["azure-native:dbforpostgresql:Server"]?.beforeCreate?.(server("GatewaySubnet"), ctx)).toContain("subnet name GatewaySubnet is reserved within Azure");
    expect(t["azure-native:dbforpostgresql:Server"]?.beforeCreate?.(server("postgres"), ctx)).toBeUndefined();
    // A network may have a GatewaySubnet: that is how a VPN gateway gets one.
    const vnetChecks = (t["azure-native:network:VirtualNetwork"]?.checks ?? []).filter((c) => c.path === "*");
    const vnet = { addressSpace: { addressPrefixes: ["10.0.0.0/16"] }, subnets: [{ name: "GatewaySubnet", addressPrefix: "10.0.0.0/27" }] };
    expect(vnetChecks.map((c) => c.test(vnet, obj("azure-native:network:VirtualNetwork", vnet))).filter(Boolean)).toEqual([]);
    const lockName = (t["azure-native:authorization:ManagementLockByScope"]?.checks ?? []).find((c) => c.path === "lockName");
    expect(lockName?.test("freehold-deletion-protection", obj("", {}))).toBeUndefined();
    expect(lockName?.test("x".repeat(91), obj("", {}))).toContain("allowed 1-90");
    expect(lockName?.test("protect.me", obj("", {}))).toContain("does not match");
    const cors = (t["azure-native:storage:BlobServiceProperties"]?.checks ?? []).filter((c) => c.path === "cors.corsRules");
    const rules = [{ allowedOrigins: Array.from({ length: 70 }, (_, i) => `https://tenant-${i}.example.gov.uk`), allowedMethods: ["GET"], allowedHeaders: ["*"], exposedHeaders: ["ETag"], maxAgeInSeconds: 3600 }];
    expect(cors.map((c) => c.test(rules, obj("", {}))).filter(Boolean)).toEqual([expect.stringContaining("at most 2 KiB per service")]);
  });

  it("refuses a store's network rule for a subnet without a Microsoft.Storage service endpoint", async () => {
    const plan = await planned("name: s\ncomponents:\n  files: { kind: object-store, deletionProtection: false }\n");
    const cut = rewrite(plan, (r) =>
      r.type === "azure-native:network:VirtualNetwork" ? { ...r, inputs: { ...r.inputs, subnets: (r.inputs.subnets as Array<Record<string, unknown>>).map(({ serviceEndpoints: _e, ...x }) => x) } } : r,
    );
    expect(new World(RULES).up("s/dev", plan).error).toBeUndefined();
    expect(new World(RULES).up("s/dev", cut).error).toContain("NetworkAclsValidationFailure: subnet apps");
  });
});

describe("a landing zone's policies (deny public network access, required tags, allowed locations)", () => {
  const EXAMPLE = CONFORMANCE_STACKS["the crown marketplace example"] as string;

  it("lets the example deploy under required tags and allowed locations once the stack carries the tag", async () => {
    const tagged = EXAMPLE.replace("tags:\n", "tags:\n  cost-centre: cc-042\n");
    const w = new World(RULES);
    seedLandingZone(w, ["requiredTag", "allowedLocations"]);
    expect(w.up("crown-marketplace/dev", await planned(tagged)).error).toBeUndefined();
    const untagged = new World(RULES);
    seedLandingZone(untagged, ["requiredTag"]);
    const r = untagged.up("crown-marketplace/dev", await planned(EXAMPLE));
    expect(r.status).toBe("failed");
    expect(r.error).toContain('RequestDisallowedByPolicy: resource crown-marketplace-dev-rg was disallowed by policy "Require a tag on resources (cost-centre)"');
  });

  it("names what a deny-public-network-access policy set refuses: the storage accounts, the Key Vault and the Container Apps environment, not the database", async () => {
    const plan = await planned(EXAMPLE);
    const w = new World(RULES);
    seedLandingZone(w, ["storagePublicAccess", "postgresPublicAccess", "keyVaultPublicAccess", "containerAppsPublicAccess"]);
    const ctx = ctxOf(w);
    const refused = plan.resources
      .filter((r) => r.custom)
      .filter((r) => refusedByPolicy({ key: r.urn, cloud: "azure", type: r.type, inputs: r.inputs, references: {}, region: "uksouth", status: "live", createdAt: 0, facts: {}, name: r.name }, ctx))
      .map((r) => r.type)
      .sort();
    expect(refused).toEqual(["azure-native:app:ManagedEnvironment", "azure-native:keyvault:Vault", "azure-native:storage:StorageAccount"]);
    // The first up stops at the first of them: the buyer must exempt the stack's resource group (docs/azure.md).
    expect(w.up("crown-marketplace/dev", plan).status).toBe("failed");
  });
});
