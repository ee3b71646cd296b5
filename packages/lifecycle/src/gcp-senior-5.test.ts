/**
 * Google Cloud, fifth review: the bridged provider deletes an explicitly named resource before creating its
 * replacement unless the program says otherwise, and Google refuses to delete a certificate, a serverless NEG or a
 * subnet that resources which are only updated still use. Each update below stopped part-way before the backend set
 * `deleteBeforeReplace: false` on the resources whose replacements always get a new name or location.
 */
import { parseStack, type Stack } from "@freehold/model";
import { RULES } from "@freehold/rules";
import { describe, expect, it } from "vitest";
import { World } from "./engine";
import { live, recordsCreated, SITE, upWith, withDomain } from "./gcp-domain.test-helper";
import { planStack } from "./plan";
import { Harness } from "./scenarios";
import { CONFORMANCE_STACKS } from "./stacks";

const CERT = "gcp:certificatemanager/certificate:Certificate";
const NEG = "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup";
const SUBNET = "gcp:compute/subnetwork:Subnetwork";

/** A world with the site deployed with its domain, the certificate issued: the stack as it runs. */
async function siteWithDomain(residency: "none" | "uk"): Promise<{ h: Harness; base: Stack }> {
  const base = withDomain(parseStack(SITE), residency);
  const h = new Harness(new World(RULES), "gcp", base);
  expect((await upWith(h, "first up", base, {})).error).toBeUndefined();
  recordsCreated(h);
  const certs = residency === "none" ? { global: "ACTIVE" } : { regional: "ACTIVE" };
  expect(await upWith(h, "certificate active", base, certs)).toEqual({ outcome: "ok" });
  return { h, base };
}

describe("a region change of a stack with a domain (global load balancer)", () => {
  it("creates the NEG in the new region before deleting the old one, which the global backend service still lists until it is updated", async () => {
    const { h, base } = await siteWithDomain("none");
    const moved = await upWith(h, "region changed", { ...base, region: "frankfurt" }, { global: "ACTIVE" });
    expect(moved).toEqual({ outcome: "ok" });
    expect(live(h, NEG).map((n) => n.region)).toEqual(["europe-west3"]);
  });
});

describe("a residency move of a stack with a domain, accepted", () => {
  it("moves from the global load balancer to a regional one: the regional certificate is created while the global map entry still holds the global one", async () => {
    const { h, base } = await siteWithDomain("none");
    const moved = await upWith(h, "residency uk, accepted", withDomain(base, "uk"), { global: "ACTIVE" }, { "freehold:acceptDomainMove": "web" });
    expect(moved).toEqual({ outcome: "ok" });
    expect(live(h, CERT).map((c) => c.inputs.location)).toEqual(["europe-west2"]);
  });

  it("moves back from the regional load balancer to the global one: the global certificate is created while the regional HTTPS proxy still holds the regional one", async () => {
    const { h, base } = await siteWithDomain("uk");
    const moved = await upWith(h, "residency none, accepted", withDomain(base, "none"), { regional: "ACTIVE" }, { "freehold:acceptDomainMove": "web" });
    expect(moved).toEqual({ outcome: "ok" });
    expect(live(h, CERT).map((c) => c.inputs.location)).toEqual(["global"]);
  });
});

describe("a domain changed (app. -> www.)", () => {
  for (const residency of ["none", "uk"] as const) {
    it(`creates the new DNS authorization and certificate before the old ones go, on the ${residency === "none" ? "global" : "regional"} load balancer`, async () => {
      const { h, base } = await siteWithDomain(residency);
      const changed = await upWith(h, "domain changed", withDomain(base, residency, "www.example.gov.uk"), {});
      expect(changed).toEqual({ outcome: "ok" });
      expect(live(h, CERT).map((c) => (c.inputs.managed as { domains: string[] }).domains)).toEqual([["www.example.gov.uk"]]);
    });
  }
});

describe("a region change of a stack with a database on the VPC (Direct VPC egress)", () => {
  it("creates the subnet in the new region first, and deletes the old one after the services that held addresses in it and the address-release wait", async () => {
    const base = parseStack(CONFORMANCE_STACKS["throwaway stack without deletion protection"] as string);
    const h = new Harness(new World(RULES), "gcp", base);
    expect((await h.up("first up", base)).error).toBeUndefined();
    const moved = await h.up("region changed", { ...base, region: "frankfurt" });
    expect(moved.error).toBeUndefined();
    expect(moved.outcome).toBe("ok");
    expect(live(h, SUBNET).map((s) => s.name)).toEqual(["scratch-dev-europe-west3-r2"]);
  });
});

describe("the replacement order the backend asks the engine for", () => {
  it("overrides the bridge with deleteBeforeReplace: false on each piece whose replacements always get a new name or location, and leaves the forwarding rules delete-first", async () => {
    const spec = withDomain(parseStack(CONFORMANCE_STACKS["throwaway stack without deletion protection"] as string), "uk");
    const planned = await planStack(spec, "gcp", "dev");
    if (!planned.ok) throw new Error(planned.error);
    const order = (type: string, name?: string) =>
      [...new Set(planned.plan.resources.filter((r) => r.type === type && (!name || r.name === name)).map((r) => r.options.deleteBeforeReplace ?? "provider decides"))];
    for (const type of [
      NEG,
      CERT,
      "gcp:certificatemanager/dnsAuthorization:DnsAuthorization",
      "gcp:compute/regionBackendService:RegionBackendService",
      "gcp:compute/regionUrlMap:RegionUrlMap",
      "gcp:compute/regionSslPolicy:RegionSslPolicy",
      "gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy",
      "gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy",
      "gcp:cloudrunv2/service:Service",
      "gcp:cloudrunv2/job:Job",
      "gcp:sql/database:Database",
    ]) {
      expect({ type, order: order(type) }).toEqual({ type, order: [false] });
    }
    expect(order("gcp:compute/address:Address", "web-address")).toEqual([false]);
    // The stack's subnet takes a range of its own in each region: created first. The proxy-only subnet keeps its one
    // range in every region, so a move deletes it (and, before it, the forwarding rules that use it) first.
    const subnets = planned.plan.resources.filter((r) => r.type === SUBNET).map((r) => [r.name.endsWith("-proxy-subnet") ? "proxies" : "subnet", r.options.deleteBeforeReplace]);
    expect(subnets.sort()).toEqual([
      ["proxies", true],
      ["subnet", false],
    ]);
    // Secrets keep their ids across a move (unique in the project): only delete-first can replace them.
    expect(order("gcp:secretmanager/secret:Secret")).toEqual([true]);
    // Nothing refers to a forwarding rule, and a new network replaces one under the same name: delete-first is right for them,
    // and for the database endpoint's address, which only its forwarding rule uses (in a field that replaces the rule with it).
    expect(order("gcp:compute/forwardingRule:ForwardingRule")).toEqual(["provider decides"]);
    expect(order("gcp:compute/address:Address", "db-endpoint-address")).toEqual(["provider decides"]);
    // The instance keeps its name in a new region (Cloud SQL names are unique in the project): only delete-first can replace it.
    expect(order("gcp:sql/databaseInstance:DatabaseInstance")).toEqual(["provider decides"]);
  });
});
