/**
 * Google Cloud: replacements in Pulumi's order (create first unless the program or the bridge asks otherwise), a
 * region change sent as an update where the provider's schema does not force a new resource, overlapping subnet
 * ranges in one VPC, and the region changes that must complete because the backend orders them right.
 */
import { parseStack, type Stack } from "@freehold/model";
import { RULES } from "@freehold/rules";
import { describe, expect, it } from "vitest";
import { World } from "./engine";
import { live, recordsCreated, SITE, upWith, withDomain } from "./gcp-domain.test-helper";
import { planStack } from "./plan";
import { Harness } from "./scenarios";
import { CONFORMANCE_STACKS } from "./stacks";

const T = {
  secret: "gcp:secretmanager/secret:Secret",
  subnet: "gcp:compute/subnetwork:Subnetwork",
  repository: "gcp:artifactregistry/repository:Repository",
  regionBackend: "gcp:compute/regionBackendService:RegionBackendService",
  regionUrlMap: "gcp:compute/regionUrlMap:RegionUrlMap",
};
const THROWAWAY = parseStack(CONFORMANCE_STACKS["throwaway stack without deletion protection"] as string);
const EU_SITE = { ...withDomain(parseStack(SITE), "uk"), residency: "eu", region: "frankfurt" } as Stack;

async function planned(spec: Stack) {
  const p = await planStack(spec, "gcp", "dev");
  if (!p.ok) throw new Error(p.error);
  return p.plan;
}

async function deployed(spec: Stack) {
  const world = new World(RULES);
  const h = new Harness(world, "gcp", spec);
  expect((await h.up("first up", spec)).error).toBeUndefined();
  return { world, h, plan: await planned(spec) };
}

describe("the simulated Google Cloud replaces as Pulumi does", () => {
  it("fails a create-first replacement that reuses a secret id with Google's 'already exists' instead of deleting first", async () => {
    const { world, plan } = await deployed(THROWAWAY);
    // A replacement (new replica location) of a secret with its delete-first option taken away: Pulumi creates first.
    const next = {
      ...plan,
      resources: plan.resources.map((r) =>
        r.type === T.secret && r.name.endsWith("db-secret") ? { ...r, inputs: { ...r.inputs, replication: { userManaged: { replicas: [{ location: "europe-west1" }] } } }, options: { ...r.options, deleteBeforeReplace: undefined } } : r,
      ),
    };
    const r = world.up("scratch/dev", next);
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(/Secret Manager secret ".*db-password.*" already exists: it belongs to this stack/);
  });

  it("sends a region change the provider does not mark ForceNew as an update, which fails 404 in the new region", async () => {
    const h = new Harness(new World(RULES), "gcp", EU_SITE);
    expect((await upWith(h, "first up", EU_SITE, {})).error).toBeUndefined();
    const plan = await planned(EU_SITE);
    const moved = {
      ...plan,
      resources: plan.resources.map((r) => (r.type === T.regionBackend ? { ...r, inputs: { ...r.inputs, region: "europe-west9" }, options: { ...r.options, replaceOnChanges: [] } } : r)),
    };
    const r = h.world.up("site/dev", moved);
    expect(r.status).toBe("failed");
    expect(r.error).toContain('404 notFound: the regional backend service "site-dev-web-backend" was not found in europe-west9: it exists in europe-west3');
  });

  it("refuses a subnet whose range overlaps another subnet of the same VPC", async () => {
    const { world, plan } = await deployed(THROWAWAY);
    const subnet = plan.resources.find((r) => r.type === T.subnet && r.name.endsWith("-subnet"));
    if (!subnet) throw new Error("no subnet planned");
    const second = { ...subnet, urn: `${subnet.urn}-2`, name: `${subnet.name}-2`, inputs: { ...subnet.inputs, name: "scratch-dev-second" } };
    const r = world.up("scratch/dev", { ...plan, resources: [...plan.resources, second] });
    expect(r.status).toBe("failed");
    expect(r.error).toContain("Invalid IPCidrRange: 10.10.0.0/20 conflicts with existing subnetwork 'scratch-dev-europe-west2' in region 'europe-west2'");
  });
});

describe("a Google Cloud region change completes", () => {
  it("moves an unprotected stack with a database from London to Frankfurt: secrets deleted first, a subnet of its own range created first", async () => {
    const { world, h } = await deployed(THROWAWAY);
    const moved = await h.up("region changed", { ...THROWAWAY, region: "frankfurt" });
    expect(moved.error).toBeUndefined();
    const subnets = world.objectsOf("gcp").filter((o) => o.type === T.subnet && o.status === "live");
    expect(subnets.map((s) => [s.name, s.region, s.inputs.ipCidrRange])).toEqual([["scratch-dev-europe-west3-r2", "europe-west3", "10.10.32.0/20"]]);
    const secrets = world.objectsOf("gcp").filter((o) => o.type === T.secret && o.status === "live");
    expect(secrets.length).toBeGreaterThan(0);
    for (const s of secrets) expect(JSON.stringify(s.inputs.replication)).toContain("europe-west3");
  });

  it("moves an eu stack with a domain from Frankfurt to Paris: the regional backend service and URL maps are replaced, the proxy-only subnet deleted first", async () => {
    const h = new Harness(new World(RULES), "gcp", EU_SITE);
    expect((await upWith(h, "first up", EU_SITE, {})).error).toBeUndefined();
    recordsCreated(h);
    expect((await upWith(h, "active", EU_SITE, { regional: "ACTIVE" })).error).toBeUndefined();
    const moved = await upWith(h, "region changed", { ...EU_SITE, region: "paris" }, { regional: "ACTIVE" });
    expect(moved).toEqual({ outcome: "ok" });
    expect(live(h, T.regionBackend).map((o) => o.region)).toEqual(["europe-west9"]);
    expect(live(h, T.regionUrlMap).map((o) => o.region)).toEqual(["europe-west9", "europe-west9"]);
    const subnets = live(h, T.subnet).map((o) => `${o.region} ${String(o.inputs.ipCidrRange)}`);
    expect(subnets.sort()).toEqual(["europe-west9 10.10.64.0/20", "europe-west9 10.129.0.0/23"]);
    expect(live(h, "gcp:compute/forwardingRule:ForwardingRule").map((o) => o.region)).toEqual(["europe-west9", "europe-west9"]);
  });

  it("replaces a remote repository whose upstream host changed with one of a new id, created first", async () => {
    const text = "name: img\ncomponents:\n  web: { kind: web-service, image: 'quay.io/acme/app:1.0', public: true }\n";
    const base = parseStack(text);
    const { world, h } = await deployed(base);
    const moved = await h.up("image host changed", parseStack(text.replace("quay.io", "registry.gitlab.com")));
    expect(moved.error).toBeUndefined();
    const repos = world.objectsOf("gcp").filter((o) => o.type === T.repository && o.status === "live" && String(o.name).includes("web"));
    expect(repos.map((o) => String(o.inputs.description))).toEqual([expect.stringContaining("registry.gitlab.com")]);
    expect(moved.changes).toBeGreaterThan(0);
  });
});

describe("subnet ranges per region", () => {
  it("gives every Google Cloud region the model offers its own /20, none overlapping, London's unchanged", async () => {
    const { CLOUD_REGIONS } = await import("@freehold/model");
    const { SUBNET_RANGES, SUBNET_CIDR } = await import("@freehold/gcp");
    const { cidrsOverlap } = await import("@freehold/rules");
    const regions = Object.keys(CLOUD_REGIONS.gcp);
    expect(regions.filter((r) => !SUBNET_RANGES[r])).toEqual([]);
    expect(SUBNET_RANGES["europe-west2"]).toEqual({ cidr: SUBNET_CIDR, legacy: true });
    const ranges = regions.map((r) => SUBNET_RANGES[r]?.cidr);
    for (const [i, a] of ranges.entries()) for (const b of ranges.slice(i + 1)) expect(cidrsOverlap(a, b)).toBe(false);
    for (const a of ranges) expect(cidrsOverlap(a, "10.129.0.0/23")).toBe(false);
  });

  it("upgrades a Frankfurt stack deployed with 10.10.0.0/20: a new subnet of its region's range beside the old, which goes after the wait", async () => {
    const spec = { ...THROWAWAY, region: "frankfurt" } as Stack;
    const plan = await planned(spec);
    // What an earlier version registered: the subnet and its wait named after the region alone, 10.10.0.0/20.
    const legacy = {
      ...plan,
      resources: plan.resources.map((r) => {
        if (r.type === T.subnet && r.name.endsWith("-subnet")) return { ...r, inputs: { ...r.inputs, name: "scratch-dev-europe-west3", ipCidrRange: "10.10.0.0/20" } };
        if (r.name.endsWith("-subnet-address-release-europe-west3-r2")) return { ...r, urn: r.urn.replace(/-r2$/, ""), name: r.name.replace(/-r2$/, "") };
        return r;
      }),
    };
    const world = new World(RULES);
    expect(world.up("scratch/dev", legacy).error).toBeUndefined();
    const r = world.up("scratch/dev", plan);
    expect(r.error).toBeUndefined();
    expect(world.objectsOf("gcp").filter((o) => o.type === T.subnet && o.status === "live").map((o) => [o.name, o.inputs.ipCidrRange])).toEqual([["scratch-dev-europe-west3-r2", "10.10.32.0/20"]]);
  });

  it("refuses a role job update that names an execution the job already ran (409), its current token included, and the backend's token is drawn afresh: replication on, off, on again and a tag change complete", async () => {
    const { world, plan } = await deployed(THROWAWAY);
    const job = (r: { type: string; name: string }) => r.type === "gcp:cloudrunv2/job:Job" && r.name.endsWith("db-role-job");
    expect(plan.resources.filter(job).map((r) => r.propertyDependencies.runExecutionToken?.some((u) => u.includes("random:index/randomId:RandomId")))).toEqual([true]);
    // The token as a hash of the settings would give it: the first value again after a change and its undoing.
    const token = (t: string) => ({ ...plan, resources: plan.resources.map((r) => (job(r) ? { ...r, inputs: { ...r.inputs, runExecutionToken: t } } : r)) });
    expect(world.up("scratch/dev", token("rfirst")).error).toBeUndefined();
    expect(world.up("scratch/dev", token("rsecond")).error).toBeUndefined();
    expect(world.up("scratch/dev", token("rfirst")).error).toMatch(/409 ALREADY_EXISTS: the job scratch-dev-db-dbrole already has the execution scratch-dev-db-dbrole-rfirst/);
    // A label change that keeps the token (as a hash of the script and passwords did) re-sends it: refused the same way.
    const relabelled = { ...plan, resources: plan.resources.map((r) => (job(r) ? { ...r, inputs: { ...r.inputs, runExecutionToken: "rsecond", labels: { ...(r.inputs.labels as object), "cost-centre": "cc-42" } } } : r)) };
    expect(world.up("scratch/dev", relabelled).error).toMatch(/re-sends the token the job was last updated with/);

    const h = new Harness(new World(RULES), "gcp", THROWAWAY);
    const on = { ...THROWAWAY, components: { ...THROWAWAY.components, db: { ...THROWAWAY.components.db, replication: "logical" } } } as Stack;
    const tagged = { ...on, tags: { ...on.tags, "cost-centre": "cc-42" } } as Stack;
    for (const [label, spec] of [["first up", THROWAWAY], ["replication on", on], ["off", THROWAWAY], ["on again", on], ["a tag", tagged]] as const) expect((await h.up(label, spec)).error, label).toBeUndefined();
  });
});
