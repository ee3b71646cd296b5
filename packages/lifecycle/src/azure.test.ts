/**
 * Issue 14 on the simulated Azure: each problem the issue names, as a stack
 * going through the step that broke, and the rule behind it biting when the
 * backend's remedy is taken away. The catalogue (lifecycle-azure.test.ts)
 * runs every scenario; these name the cases.
 */
import type { PlannedResource } from "@freehold/core";
import { parseStack, type Stack } from "@freehold/model";
import { AZURE_RULES, type CloudObject, RULES, type RuleContext } from "@freehold/rules";
import { describe, expect, it } from "vitest";
import { type PlanInput, SLEEP, World } from "./engine";
import { plannedOnAzure } from "./azure-live.test-helper";
import { planStack } from "./plan";
import { runStack } from "./suite";

const LINKED = `
name: shop
components:
  db: { kind: database }
  files: { kind: object-store }
  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true, links: [db, { to: files, access: write }] }
`;

async function planned(yaml: string | Stack, stack = "dev"): Promise<PlanInput> {
  const p = await planStack(typeof yaml === "string" ? parseStack(yaml) : yaml, "azure", stack);
  if (!p.ok) throw new Error(p.error);
  return p.plan;
}

const objects = (w: World, type: string) => w.objectsOf("azure").filter((o) => o.type === type && o.status === "live");
const ctxOf = (w: World): RuleContext => ({ objects: () => w.objectsOf("azure"), get: (k) => w.objects.get(k), now: w.now, stackRegion: "uksouth", adopt: () => undefined });
const deleteRefusal = (w: World, obj: CloudObject) =>
  AZURE_RULES.global
    .map((g) => g.onDelete?.(obj, ctxOf(w)))
    .filter(Boolean)
    .join("; ");

/** A plan with the waits taken out: what the backend sent before issue 14. */
function withoutWaits(plan: PlanInput): PlanInput {
  const sleeps = new Set(plan.resources.filter((r) => r.type === SLEEP).map((r) => r.urn));
  const strip = (deps: string[]) => deps.filter((d) => !sleeps.has(d));
  const resources: PlannedResource[] = plan.resources
    .filter((r) => !sleeps.has(r.urn))
    .map((r) => ({
      ...r,
      options: { ...r.options, dependsOn: strip(r.options.dependsOn) },
      dependencies: strip(r.dependencies),
      propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, strip(v)])),
    }));
  return { ...plan, resources };
}

describe("Azure, issue 14: grants take effect before anything reads them (#1)", () => {
  it("starts the container app at least 600 s after its last role assignment, and assigns the custom write role 600 s after creating it", async () => {
    const w = new World(RULES);
    const r = w.up("shop/dev", await planned(LINKED));
    expect(r.error).toBeUndefined();
    const app = objects(w, "azure-native:app:ContainerApp")[0] as CloudObject;
    for (const ra of objects(w, "azure-native:authorization:RoleAssignment")) expect(app.createdAt - (ra.facts.changedAt as number)).toBeGreaterThanOrEqual(600);
    const role = objects(w, "azure-native:authorization:RoleDefinition")[0] as CloudObject;
    const writer = objects(w, "azure-native:authorization:RoleAssignment").find((a) => (a.references.roleDefinitionId ?? []).includes(role.key)) as CloudObject;
    expect(writer.createdAt - (role.facts.changedAt as number)).toBeGreaterThanOrEqual(600);
  });

  it("fails the first up without the waits: the app reads its Key Vault reference, and the custom role is assigned, before either has taken effect", async () => {
    const r = new World(RULES).up("shop/dev", withoutWaits(await planned(LINKED)));
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(/RoleDefinitionDoesNotExist|a grant can take up to 600 s to take effect/);
  });

  it("waits again when a link is added later, before the app changes", async () => {
    const w = new World(RULES);
    w.up("shop/dev", await planned(LINKED));
    const more = parseStack(LINKED);
    const web = more.components.web;
    if (web?.kind !== "web-service") throw new Error("web");
    more.components.logs = parseStack("name: x\ncomponents:\n  logs: { kind: object-store, deletionProtection: false }").components.logs as Stack["components"][string];
    web.links = [...web.links, "logs"];
    const r = w.up("shop/dev", await planned(more));
    expect(r.error).toBeUndefined();
    expect(r.steps.find((s) => s.name === "web-grants-wait")?.op).toBe("replace");
  });
});

describe("Azure, issue 14: deletion protection that lets links and services change (#2, #4)", () => {
  it("downgrades and removes a link to a protected store, and removes the service, while the data stays protected", async () => {
    const base = await runStack(LINKED, "azure", { only: ["link:", "remove:web"] });
    expect(base.scenarios.map((s) => s.id)).toEqual(expect.arrayContaining(["remove:web", "link:web->db:remove", "link:web->files:read", "link:web->files:remove"]));
    expect(base.scenarios.filter((s) => s.problem).map((s) => `${s.id}: ${s.problem}`)).toEqual([]);
  });

  it("would not, with a CanNotDelete lock on the account: the lock covers the role assignments under it", async () => {
    const w = new World(RULES);
    w.up("shop/dev", await planned(LINKED));
    const account = objects(w, "azure-native:storage:StorageAccount")[0] as CloudObject;
    w.objects.set("lock-x", { ...account, key: "lock-x", type: "azure-native:authorization:ManagementLockByScope", name: "manual", inputs: { level: "CanNotDelete" }, references: { scope: [account.key] }, owner: undefined, facts: {} });
    const grant = objects(w, "azure-native:authorization:RoleAssignment").find((a) => String(a.inputs.description).includes("files")) as CloudObject;
    expect(deleteRefusal(w, grant)).toContain("ScopeLocked");
  });

  it("denies deleting a protected account, or its resource group, outside Pulumi (the keep-data policy), and allows it once protection is off", async () => {
    const w = new World(RULES);
    w.up("shop/dev", await planned(LINKED));
    const account = () => objects(w, "azure-native:storage:StorageAccount")[0] as CloudObject;
    const group = () => objects(w, "azure-native:resources:ResourceGroup")[0] as CloudObject;
    expect(deleteRefusal(w, account())).toContain("RequestDisallowedByPolicy");
    expect(deleteRefusal(w, group())).toMatch(/RequestDisallowedByPolicy.*cascadeBehaviors/);
    // A link's role assignment under the account is not blocked: policy does not cascade to extension resources.
    const grant = objects(w, "azure-native:authorization:RoleAssignment").find((a) => String(a.inputs.description).includes("files")) as CloudObject;
    expect(deleteRefusal(w, grant)).toBe("");
    const open = parseStack(LINKED);
    for (const c of Object.values(open.components)) if (c.kind === "database" || c.kind === "object-store") c.deletionProtection = false;
    expect(w.up("shop/dev", await planned(open)).error).toBeUndefined();
    expect(deleteRefusal(w, account())).toBe("");
  });

  it("turns protection off for real: the lock on the server is deleted, not left behind, and removal then succeeds", async () => {
    const w = new World(RULES);
    w.up("shop/dev", await planned(LINKED));
    expect(objects(w, "azure-native:authorization:ManagementLockByScope")).toHaveLength(1);
    const open = parseStack(LINKED);
    for (const c of Object.values(open.components)) if (c.kind === "database" || c.kind === "object-store") c.deletionProtection = false;
    expect(w.up("shop/dev", await planned(open)).error).toBeUndefined();
    expect(w.objectsOf("azure").filter((o) => o.type === "azure-native:authorization:ManagementLockByScope")).toEqual([]);
    expect(w.destroy("shop/dev", "azure")).toMatchObject({ status: "ok" });
  });
});

describe("Azure, issue 14: nothing deleted keeps a name the next up needs (#3)", () => {
  const OPEN = LINKED.replace("db: { kind: database }", "db: { kind: database, deletionProtection: false }").replace("files: { kind: object-store }", "files: { kind: object-store, deletionProtection: false }");

  it("destroys and deploys again the same day, though the vault and its secrets are soft-deleted for 90 days", async () => {
    const w = new World(RULES);
    const plan = await planned(OPEN);
    w.up("shop/dev", plan);
    expect(w.destroy("shop/dev", "azure").status).toBe("ok");
    expect(w.objectsOf("azure").filter((o) => o.status === "soft-deleted").map((o) => o.type)).toEqual(expect.arrayContaining(["azure-native:keyvault:Vault", "azure-native:keyvault:Secret"]));
    w.advance(3600);
    expect(w.up("shop/dev", plan).error).toBeUndefined();
  });

  it("adds back a database removed without protection: its password secret gets a name of its own", async () => {
    const w = new World(RULES);
    w.up("shop/dev", await planned(OPEN));
    const without = parseStack(OPEN);
    delete without.components.db;
    const web = without.components.web;
    if (web?.kind === "web-service") web.links = web.links.filter((l) => (typeof l === "string" ? l : l.to) !== "db");
    expect(w.up("shop/dev", await planned(without)).error).toBeUndefined();
    expect(w.up("shop/dev", await planned(OPEN)).error).toBeUndefined();
  });
});

describe("Azure, issue 14: PostgreSQL storage and network (#5, #8)", () => {
  it("never asks for less storage than the server has: more storage, then back, then another change", async () => {
    const w = new World(RULES);
    const base = "name: d\ncomponents:\n  db: { kind: database, storageGiB: 64 }";
    w.up("d/dev", await plannedOnAzure(base));
    const server = () => objects(w, "azure-native:dbforpostgresql:Server")[0] as CloudObject;
    // A bigger spec grows the disk; going back asks for what the server now has (the program reads it), never less.
    expect(w.up("d/dev", await plannedOnAzure(base.replace("64", "256"), { servers: { [String(server().name)]: 64 } })).error).toBeUndefined();
    expect(w.up("d/dev", await plannedOnAzure(base, { servers: { [String(server().name)]: 256 } })).error).toBeUndefined();
    expect(w.up("d/dev", await plannedOnAzure(base.replace("}", ", backups: { retentionDays: 14 } }"), { servers: { [String(server().name)]: 256 } })).error).toBeUndefined();
    expect(server().inputs.storage).toMatchObject({ storageSizeGB: 256, autoGrow: "Enabled" });
  });

  it("gives the delegated PostgreSQL subnet a path to Azure Storage (and Entra ID), and the server is refused one without", async () => {
    const plan = await planned("name: d\ncomponents:\n  db: { kind: database }");
    expect(new World(RULES).up("d/dev", plan).error).toBeUndefined();
    const subnets = (edit: (s: Record<string, unknown>) => Record<string, unknown>): PlanInput => ({
      ...plan,
      resources: plan.resources.map((r) => (r.type === "azure-native:network:VirtualNetwork" ? { ...r, inputs: { ...r.inputs, subnets: (r.inputs.subnets as Array<Record<string, unknown>>).map(edit) } } : r)),
    });
    // No default outbound access and no service endpoint: no way to Storage.
    const closed = subnets(({ serviceEndpoints: _s, ...s }) => ({ ...s, defaultOutboundAccess: false }));
    expect(new World(RULES).up("d/dev", closed).error).toContain("has no path to Azure Storage");
    // A service endpoint reaches Storage, but Entra ID has none: with Entra authentication on, the subnet needs a way out.
    const private_ = subnets((s) => ({ ...s, defaultOutboundAccess: false }));
    expect(new World(RULES).up("d/dev", private_).error).toContain("cannot reach Entra ID");
    // An NSG that denies the AzureActiveDirectory service tag closes it too.
    const denied: PlanInput = {
      ...plan,
      resources: plan.resources.map((r) =>
        r.type === "azure-native:network:NetworkSecurityGroup"
          ? { ...r, inputs: { ...r.inputs, securityRules: (r.inputs.securityRules as Array<Record<string, unknown>>).filter((x) => x.destinationAddressPrefix !== "AzureActiveDirectory") } }
          : r,
      ),
    };
    expect(new World(RULES).up("d/dev", denied).error).toContain("its NSG denies the AzureActiveDirectory service tag");
  });
});

describe("Azure: bring your own network", () => {
  const BYO = `
name: byo
network:
  azure: { resourceGroupName: shared-rg, virtualNetworkName: shared-vnet, appsSubnetName: aca, databaseSubnetName: pg, jobsSubnetName: jobs }
components:
  db: { kind: database }
  files: { kind: object-store }
  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true, links: [db, files] }
`;

  it("creates no resource group or network, and puts everything in the user's subnets", async () => {
    const plan = await planned(BYO);
    const types = plan.resources.map((r) => r.type);
    expect(types).not.toContain("azure-native:resources:ResourceGroup");
    expect(types).not.toContain("azure-native:network:VirtualNetwork");
    const input = (type: string, key: string) => plan.resources.find((r) => r.type === type)?.inputs[key] as Record<string, string> | undefined;
    expect(input("azure-native:app:ManagedEnvironment", "vnetConfiguration")?.infrastructureSubnetId).toMatch(/\/resourceGroups\/shared-rg\/providers\/Microsoft\.Network\/virtualNetworks\/shared-vnet\/subnets\/aca$/);
    expect(input("azure-native:dbforpostgresql:Server", "network")?.delegatedSubnetResourceId).toMatch(/virtualNetworks\/shared-vnet\/subnets\/pg$/);
    for (const r of plan.resources.filter((x) => "resourceGroupName" in x.inputs)) expect(r.inputs.resourceGroupName, r.name).toBe("shared-rg");
  });

  it("lives through its life on Azure (again, tags, destroy, removals, links, protection) but a second Pulumi stack in the same apps subnet, which Azure refuses (one environment per subnet)", async () => {
    // A representative set: every scenario of this stack takes a minute and a half on a loaded machine.
    const only = ["up-again", "second-stack", "tags", "destroy", "unprotect-destroy-up", "remove:", "link:", "change:db.deletionProtection", "change:files.deletionProtection"];
    const result = await runStack(BYO, "azure", { only });
    expect(result.first.outcome).toBe("ok");
    expect(result.scenarios.length).toBeGreaterThanOrEqual(12);
    const problems = result.scenarios.filter((s) => s.problem).map((s) => [s.id, s.problem]);
    expect(problems).toEqual([["second-stack", expect.stringContaining("ManagedEnvironmentSubnetInUse")]]);
  }, 120_000);
});
