/**
 * Google Cloud, seventh review: upgrades of stacks deployed by earlier versions, and what the simulated cloud must see
 * as Pulumi does (aliases adopt the state they name; an input that resolves to the value it had is no change).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { PlannedResource } from "@freehold/core";
import { parseStack, type Stack } from "@freehold/model";
import { RULES } from "@freehold/rules";
import { describe, expect, it } from "vitest";
import { type RunResult, World } from "./engine";
import { recordsCreated, SITE, upWith, withDomain } from "./gcp-domain.test-helper";
import { planStack } from "./plan";
import { Harness } from "./scenarios";
import { CONFORMANCE_STACKS } from "./stacks";

const T = {
  subnet: "gcp:compute/subnetwork:Subnetwork",
  repository: "gcp:artifactregistry/repository:Repository",
  service: "gcp:cloudrunv2/service:Service",
  forwardingRule: "gcp:compute/forwardingRule:ForwardingRule",
  sql: "gcp:sql/databaseInstance:DatabaseInstance",
  sleep: "time:index/sleep:Sleep",
};
const THROWAWAY = parseStack(CONFORMANCE_STACKS["throwaway stack without deletion protection"] as string);
/** The throwaway stack with its service's image on a registry Cloud Run reaches only through a remote repository. */
const QUAY = { ...THROWAWAY, components: { ...THROWAWAY.components, web: { ...THROWAWAY.components.web, image: "quay.io/acme/app:1.0" } } } as Stack;

async function planned(spec: Stack) {
  const p = await planStack(spec, "gcp", "dev");
  if (!p.ok) throw new Error(p.error);
  return p.plan;
}

const isWait = (r: { type: string; name: string }) => r.type === T.sleep && /-subnet-address-release-/.test(r.name);

/**
 * The stack as a version before the address-release wait carried the region registered it: the wait named
 * `<p>-subnet-address-release`, and outside London the subnet `<stack>-<region>` with 10.10.0.0/20.
 */
function beforeRegionalWait(plan: Awaited<ReturnType<typeof planned>>, region: string) {
  const legacy = (r: PlannedResource): PlannedResource => {
    if (r.type === T.subnet && r.name.endsWith("-subnet")) return { ...r, inputs: { ...r.inputs, name: `scratch-dev-${region}`, ipCidrRange: "10.10.0.0/20" } };
    if (!isWait(r)) return r;
    const { aliases: _, ...options } = r.options;
    const name = r.name.replace(/-subnet-address-release-.*$/, "-subnet-address-release");
    return { ...r, urn: r.urn.replace(r.name, name), name, options };
  };
  return { ...plan, resources: plan.resources.map(legacy) };
}

describe("the address-release wait of a stack deployed before it carried the region", () => {
  it("outside London, is deleted (2 hours) between the services' move to the new subnet and the old subnet's deletion, not adopted as the new subnet's wait", async () => {
    const plan = await planned({ ...THROWAWAY, region: "frankfurt" } as Stack);
    const world = new World(RULES);
    expect(world.up("scratch/dev", beforeRegionalWait(plan, "europe-west3")).error).toBeUndefined();
    const started = world.now;
    const r = world.up("scratch/dev", plan);
    expect(r.error).toBeUndefined();
    expect(r.steps.filter((s) => s.type === T.sleep && s.op !== "same").map((s) => `${s.op} ${s.name}`)).toEqual(["create scratch-subnet-address-release-europe-west3-r2", "delete scratch-subnet-address-release"]);
    expect(world.now - started).toBe(7200);
    expect(world.objectsOf("gcp").filter((o) => o.type === T.subnet && o.status === "live").map((o) => o.name)).toEqual(["scratch-dev-europe-west3-r2"]);
  });

  it("in London, where the subnet keeps its name and range, is adopted under its new name: the upgrade changes nothing", async () => {
    const plan = await planned(THROWAWAY);
    expect(plan.resources.filter(isWait).map((r) => r.options.aliases?.length)).toEqual([1]);
    const world = new World(RULES);
    expect(world.up("scratch/dev", beforeRegionalWait(plan, "europe-west2")).error).toBeUndefined();
    const r = world.up("scratch/dev", plan);
    expect(r.error).toBeUndefined();
    expect(r.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`)).toEqual([]);
  });
});

describe("an image moved to another registry host (same path and tag)", () => {
  const text = "name: img\ncomponents:\n  web: { kind: web-service, image: 'quay.io/acme/app:1.0', public: true }\n";
  const repository = "gcp:artifactregistry/repository:Repository";
  const service = "gcp:cloudrunv2/service:Service";

  it("reaches Cloud Run: the service's image names a new remote repository of the new host, so a new revision rolls out, and the old repository goes at the end", async () => {
    const world = new World(RULES);
    expect(world.up("img/dev", await planned(parseStack(text))).error).toBeUndefined();
    const moved = await planned(parseStack(text.replace("quay.io", "registry.gitlab.com")));
    const r = world.up("img/dev", moved);
    expect(r.error).toBeUndefined();
    const steps = r.steps.filter((s) => s.type === repository || s.type === service).map((s) => `${s.op} ${s.mode ?? ""} ${s.name}`.replace("  ", " "));
    expect(steps).toEqual(["replace create-before-delete web-repository", "update web-service"]);
    const live = world.objectsOf("gcp").filter((o) => o.status === "live");
    const repos = live.filter((o) => o.type === repository && String(o.name).startsWith("img-dev-web-"));
    expect(repos.map((o) => String(o.inputs.description))).toEqual([expect.stringContaining("registry.gitlab.com")]);
    const image = JSON.stringify(live.find((o) => o.type === service)?.inputs.template);
    expect(image).toContain(`/${String(repos[0]?.name)}/acme/app:1.0`);
  });
});

/**
 * The database endpoints an `up` deleted before their successors existed: forwarding rules that targeted a Cloud SQL
 * instance's service attachment, deleted first (delete-before-replace). Each is a window in which no client reaches
 * the database.
 */
function databaseEndpointGaps(world: World, r: RunResult, before: ReadonlyArray<{ type: string; references: Record<string, string[]>; owner?: { urn: string } }>): string[] {
  const sql = new Set(world.objectsOf("gcp").filter((o) => o.type === T.sql).map((o) => o.key));
  const endpoints = new Set(before.filter((o) => o.type === T.forwardingRule && (o.references.target ?? []).some((k) => sql.has(k))).map((o) => o.owner?.urn));
  return r.steps.filter((s) => s.op === "delete" && s.mode === "delete-before-replace" && endpoints.has(s.urn)).map((s) => s.name);
}

/** The stack as the version before remote repositories carried their host registered it: `<stack>-<component>-images`. */
function beforeHostInRepositoryId(plan: Awaited<ReturnType<typeof planned>>) {
  const old = (id: string) => id.replace(/-[a-z0-9]{6}-images$/, "-images");
  const legacy = (r: PlannedResource): PlannedResource => {
    if (r.type === T.repository && r.name.endsWith("web-repository")) return { ...r, inputs: { ...r.inputs, repositoryId: old(String(r.inputs.repositoryId)) } };
    if (r.type === T.service) return { ...r, inputs: JSON.parse(JSON.stringify(r.inputs).replace(/(scratch-dev-web)-[a-z0-9]{6}-images/g, "$1-images")) };
    return r;
  };
  return { ...plan, resources: plan.resources.map(legacy) };
}

describe("the first up after upgrading, with the spec unchanged", () => {
  it("in London: each remote repository gets its host-named id once (created first, the service's new revision pulls through it, the old one deleted at the end), and no database endpoint is deleted before its successor exists", async () => {
    const plan = await planned(QUAY);
    const world = new World(RULES);
    expect(world.up("scratch/dev", beforeRegionalWait(beforeHostInRepositoryId(plan), "europe-west2")).error).toBeUndefined();
    const before = world.objectsOf("gcp").map((o) => structuredClone(o));
    const r = world.up("scratch/dev", plan);
    expect(r.error).toBeUndefined();
    expect(r.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`)).toEqual(["replace web-repository", "update web-service"]);
    expect(world.objectsOf("gcp").filter((o) => o.type === T.repository && o.status === "live" && String(o.name).includes("-web-")).map((o) => o.name)).toEqual([
      expect.stringMatching(/^scratch-dev-web-[a-z0-9]{6}-images$/),
    ]);
    expect(databaseEndpointGaps(world, r, before)).toEqual([]);
  });

  it("outside London (the subnet moves): the database endpoint is deleted before its successor in the new subnet exists, the outage docs/gcp.md tells users to plan a maintenance window for", async () => {
    const plan = await planned({ ...THROWAWAY, region: "frankfurt" } as Stack);
    const world = new World(RULES);
    expect(world.up("scratch/dev", beforeRegionalWait(plan, "europe-west3")).error).toBeUndefined();
    const before = world.objectsOf("gcp").map((o) => structuredClone(o));
    const r = world.up("scratch/dev", plan);
    expect(r.error).toBeUndefined();
    expect(databaseEndpointGaps(world, r, before)).toEqual(["db-endpoint"]);
    const docs = readFileSync(join(__dirname, "../../../docs/gcp.md"), "utf8");
    expect(docs).toContain("**A database is unreachable for several minutes during that `up`:**");
    expect(docs).toContain("Run that `up` in a maintenance window.");
  });
});

describe("a region change of an eu stack with a domain, deployed before its forwarding rules took their network from the proxy-only subnet", () => {
  const EU_SITE = { ...withDomain(parseStack(SITE), "uk"), residency: "eu", region: "frankfurt" } as Stack;
  const PROXY_SUBNET = "site-proxy-subnet";

  /** The site deployed, its certificate issued, and its state as that earlier version left it: the forwarding rules' `network` depends on the VPC only. */
  async function deployedEarlier(): Promise<Harness> {
    const h = new Harness(new World(RULES), "gcp", EU_SITE);
    expect((await upWith(h, "first up", EU_SITE, {})).error).toBeUndefined();
    recordsCreated(h);
    expect((await upWith(h, "active", EU_SITE, { regional: "ACTIVE" })).error).toBeUndefined();
    let rules = 0;
    for (const e of h.world.state("site/dev").values()) {
      if (e.type !== T.forwardingRule || !e.propertyDependencies.network) continue;
      e.propertyDependencies = { ...e.propertyDependencies, network: e.propertyDependencies.network.filter((u) => !u.endsWith(`::${PROXY_SUBNET}`)) };
      rules += 1;
    }
    expect(rules).toBe(2);
    return h;
  }

  it("stops part-way when it is the first up after upgrading: Pulumi picks what to delete first from the last snapshot's dependencies", async () => {
    const h = await deployedEarlier();
    const moved = await upWith(h, "region changed", { ...EU_SITE, region: "paris" }, { regional: "ACTIVE" });
    expect(moved.outcome).toBe("failed");
    expect(moved.error).toContain("resourceInUseByAnotherResource");
  });

  it("completes after one plain up, as docs/gcp.md tells users to run before changing region", async () => {
    const h = await deployedEarlier();
    expect(await upWith(h, "plain up after upgrading", EU_SITE, { regional: "ACTIVE" })).toEqual({ outcome: "ok" });
    expect(await upWith(h, "region changed", { ...EU_SITE, region: "paris" }, { regional: "ACTIVE" })).toEqual({ outcome: "ok" });
    expect(readFileSync(join(__dirname, "../../../docs/gcp.md"), "utf8")).toContain("proxy-only subnet: run one plain `up` after upgrading, before changing `region`");
  });
});
