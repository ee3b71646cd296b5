/**
 * Google Cloud, second review: what a stack's life on Google Cloud would break
 * (re-up after a destroy, backups that survive, domains without an outage,
 * logs that stay in the region). One `describe` per finding; each failed on
 * the backend before its fix.
 */

import { parseStack, type Stack } from "@freehold/model";
import { type CloudObject, GCP_DEFAULT_APIS, GCP_PREREQUISITES, GCP_RULES, GCP_SQL_BACKUP_TYPE, RULES, seedProject } from "@freehold/rules";
import { describe, expect, it } from "vitest";
import { DomainMoveRefused, decideDomain } from "../../gcp/src/domain-state";
import { World } from "./engine";
import { live, recordsCreated, SITE, upWith, withDomain } from "./gcp-domain.test-helper";
import { Harness } from "./scenarios";
import { CONFORMANCE_STACKS } from "./stacks";

const DAY = 86_400;

/** A world with the stack deployed once as `dev`. */
async function deployed(text: string): Promise<{ h: Harness; base: Stack }> {
  const base = parseStack(text);
  const h = new Harness(new World(RULES), "gcp", base);
  const first = await h.up("first up", base);
  expect(first.error).toBeUndefined();
  return { h, base };
}

/** The stack with every data component's deletion protection off. */
function unprotected(stack: Stack): Stack {
  const s = structuredClone(stack);
  for (const c of Object.values(s.components)) if (c.kind === "database" || c.kind === "object-store") c.deletionProtection = false;
  return s;
}

describe("1. up 8 to 37 days after a destroy, with a store link (the URL signer custom role)", () => {
  it("comes back up on day 10, when Google still holds the destroyed role's id and the provider can no longer undelete it", async () => {
    const { h, base } = await deployed(CONFORMANCE_STACKS["throwaway stack without deletion protection"] as string);
    const roles = live(h, "gcp:projects/iAMCustomRole:IAMCustomRole").map((r) => r.identity);
    expect(roles).toHaveLength(1);
    expect(h.destroy("destroy").outcome).toBe("ok");
    h.wait(10 * DAY);
    const again = await h.up("up on day 10", unprotected(base));
    expect(again.error).toBeUndefined();
    // A new id (the plan shows the same text: its suffix is generated again at deploy time).
    expect(live(h, "gcp:projects/iAMCustomRole:IAMCustomRole").map((r) => r.identity)).not.toEqual(roles);
  });

  it("still comes back within the 7 days the provider can undelete, and after the 37", async () => {
    for (const days of [1, 40]) {
      const { h, base } = await deployed(CONFORMANCE_STACKS["throwaway stack without deletion protection"] as string);
      h.destroy("destroy");
      h.wait(days * DAY);
      expect((await h.up(`up on day ${days}`, base)).error).toBeUndefined();
    }
  });
});

describe("2. an unprotected destroy keeps the database's backups", () => {
  it("leaves the final backup and the automated backups in the project after the instance is deleted", async () => {
    const { h } = await deployed(CONFORMANCE_STACKS["throwaway stack without deletion protection"] as string);
    expect(h.destroy("destroy").outcome).toBe("ok");
    expect(live(h, "gcp:sql/databaseInstance:DatabaseInstance")).toEqual([]);
    const kept = live(h, GCP_SQL_BACKUP_TYPE);
    expect(kept.map((b) => b.inputs.kind).sort()).toEqual(["automated backups", "final backup"]);
    expect(kept.every((b) => b.owner === undefined)).toBe(true);
    const final = kept.find((b) => b.inputs.kind === "final backup") as CloudObject;
    expect((final.facts.expiresAt as number) - final.createdAt).toBe(365 * DAY);
  });

  it("keeps none when backups.keepOnDelete is false", async () => {
    const { h } = await deployed(`
name: scratch
components:
  db: { kind: database, deletionProtection: false, backups: { keepOnDelete: false } }
`);
    h.destroy("destroy");
    expect(live(h, GCP_SQL_BACKUP_TYPE)).toEqual([]);
  });
});

/** `pulumi state unprotect --all`: the state's protection lifted, the program unchanged. */
function unprotectState(h: Harness, stack = "dev"): void {
  for (const e of h.world.state(`${h.base.name}/${stack}`).values()) e.options = { ...e.options, protect: false };
}

describe("3. up after a destroy that kept the data starts a new stack beside it, on purpose", () => {
  it("keeps the instance, its secrets and the bucket, and comes up again with new names instead of colliding", async () => {
    const { h, base } = await deployed(CONFORMANCE_STACKS["private service linked to a database and a read-only store"] as string);
    const kept = (type: string) => live(h, type).map((o) => o.key);
    const before = { instance: kept("gcp:sql/databaseInstance:DatabaseInstance"), secrets: kept("gcp:secretmanager/secret:Secret"), bucket: kept("gcp:storage/bucket:Bucket") };
    unprotectState(h);
    expect(h.destroy("destroy that keeps the data").outcome).toBe("ok");
    const retained = [...h.world.objects.values()].filter((o) => o.status === "live" && o.owner === undefined && o.type.startsWith("gcp:") && o.type !== "gcp:(project)");
    expect(retained.map((o) => o.type).sort()).toEqual(expect.arrayContaining(["gcp:secretmanager/secret:Secret", "gcp:sql/databaseInstance:DatabaseInstance", "gcp:storage/bucket:Bucket"]));
    h.wait(DAY);
    const again = await h.up("up again", base);
    expect(again.error).toBeUndefined();
    expect(again.outcome).toBe("ok");
    // What was kept is untouched and owned by no stack; the stack has new ones.
    for (const key of [...before.instance, ...before.bucket]) expect(h.world.objects.get(key)?.owner).toBeUndefined();
    expect(live(h, "gcp:sql/databaseInstance:DatabaseInstance")).toHaveLength(2);
    expect(live(h, "gcp:storage/bucket:Bucket")).toHaveLength(2);
    expect(before.secrets.length).toBeGreaterThan(0);
  });
});

describe("4. the role job's first execution can reach the database", () => {
  it("deploys a database on the first up with the job ordered after its Private Service Connect endpoint", async () => {
    const { h } = await deployed(CONFORMANCE_STACKS["one database"] as string);
    const [job] = live(h, "gcp:cloudrunv2/job:Job");
    const [endpoint] = live(h, "gcp:compute/forwardingRule:ForwardingRule");
    expect(job?.facts.dependsOn).toContain(endpoint?.key);
  });
});

/** Where the service can be reached: its run.app address (ingress all), and a load balancer whose certificate is issued. */
function servedBy(h: Harness): string[] {
  const [service] = live(h, "gcp:cloudrunv2/service:Service");
  const out: string[] = [];
  if (service?.inputs.ingress === "INGRESS_TRAFFIC_ALL") out.push("run.app");
  if (live(h, "gcp:certificatemanager/certificate:Certificate").some((c) => c.facts.issued === true)) out.push("domain");
  return out;
}

describe("5. a domain added or moved without an outage", () => {
  it("keeps the run.app address until the new certificate is active, then closes it", async () => {
    const { h, base } = await deployed(SITE);
    expect(servedBy(h)).toEqual(["run.app"]);
    const added = await upWith(h, "domain added", withDomain(base), {});
    expect(added).toEqual({ outcome: "ok" });
    // The certificate waits for the DNS records this up printed: the service must still answer somewhere.
    expect(servedBy(h)).toEqual(["run.app"]);
    recordsCreated(h);
    expect(await upWith(h, "up after the records", withDomain(base), { global: "ACTIVE" })).toEqual({ outcome: "ok" });
    expect(servedBy(h)).toEqual(["domain"]);
  });

  it("refuses a residency change that would take the domain down, changing nothing; once the stack accepts the move, keeps run.app answering until the new certificate is active", async () => {
    const { h, base } = await deployed(SITE);
    await upWith(h, "domain added", withDomain(base), {});
    recordsCreated(h);
    await upWith(h, "certificate active", withDomain(base), { global: "ACTIVE" });
    expect(servedBy(h)).toEqual(["domain"]);
    // The move would delete the global load balancer at the end of the up while the new one waits for records the user has
    // not made yet. The program decides on the certificates the project holds (this world's), and stops before any change.
    const states = { global: live(h, "gcp:certificatemanager/certificate:Certificate").some((c) => c.facts.issued === true) ? "ACTIVE" : "NONE", regional: "NONE" };
    const req = { name: "web", stack: { residency: "uk" }, spec: withDomain(base, "uk").components.web } as unknown as Parameters<typeof decideDomain>[0];
    expect(() => decideDomain(req, "app.example.gov.uk", states)).toThrow(
      'component "web": moving https://app.example.gov.uk from the global load balancer to a regional one (residency uk) gives it a new address and a new certificate, and this up would delete the global load balancer at its end',
    );
    expect(() => decideDomain(req, "app.example.gov.uk", states)).toThrow(DomainMoveRefused);
    expect(servedBy(h)).toEqual(["domain"]);
    const moved = await upWith(h, "residency uk, accepted", withDomain(base, "uk"), { global: "ACTIVE" }, { "freehold:acceptDomainMove": "web" });
    expect(moved).toEqual({ outcome: "ok" });
    // The global load balancer is gone and the regional certificate waits for its records: run.app takes traffic meanwhile.
    expect(servedBy(h)).toEqual(["run.app"]);
    recordsCreated(h);
    expect(await upWith(h, "up after the new records", withDomain(base, "uk"), { regional: "ACTIVE" })).toEqual({ outcome: "ok" });
    expect(servedBy(h)).toEqual(["domain"]);
  });
});

/** A world whose project inherits these organization policies (and has the prerequisites docs/gcp.md asks for). */
async function deployedUnder(text: string, policies: Parameters<typeof seedProject>[2]): Promise<{ h: Harness; first: Awaited<ReturnType<Harness["up"]>> }> {
  const base = parseStack(text);
  const world = new World(RULES);
  seedProject(world, [...GCP_DEFAULT_APIS, ...GCP_PREREQUISITES], policies);
  const h = new Harness(world, "gcp", base);
  return { h, first: await h.up("first up", base) };
}

describe("7. organization policies common in UK government", () => {
  it("deploys a public service under domain-restricted sharing: no allUsers grant, the invoker check is off instead", async () => {
    const { h, first } = await deployedUnder(SITE, { allowedPolicyMemberDomains: ["C0abc123"] });
    expect(first.error).toBeUndefined();
    expect(live(h, "gcp:cloudrunv2/service:Service")[0]?.inputs.invokerIamDisabled).toBe(true);
  });

  it("under gcp.resourceLocations, deploys in an allowed region and fails, naming the constraint, in another", async () => {
    expect((await deployedUnder(CONFORMANCE_STACKS["throwaway stack without deletion protection"] as string, { resourceLocations: ["europe-west2"] })).first.error).toBeUndefined();
    const away = await deployedUnder(`name: away\nregion: frankfurt\ncomponents:\n  files: { kind: object-store }\n`, { resourceLocations: ["europe-west2"] });
    expect(away.first.outcome).toBe("failed");
    expect(away.first.error).toContain("Location europe-west3 violates constraint constraints/gcp.resourceLocations");
  });

  it("under run.allowedIngress without 'all', refuses a service open to the internet, and takes one behind a domain's load balancer with ingress set", async () => {
    const allowed = { runAllowedIngress: ["internal", "internal-and-cloud-load-balancing"] as const };
    const open = await deployedUnder(SITE, { runAllowedIngress: [...allowed.runAllowedIngress] });
    expect(open.first.error).toContain('Violation of constraint constraints/run.allowedIngress: ingress "all" is not allowed');
    const behind = await deployedUnder(
      `name: site\ncomponents:\n  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true, domain: app.example.gov.uk, vendor: { gcp: { service: { ingress: INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER } } } }\n`,
      { runAllowedIngress: [...allowed.runAllowedIngress] },
    );
    expect(behind.first.error).toBeUndefined();
  });
});

describe("8. under a residency rule, no log leaves the region during the first up or a destroy", () => {
  it("creates the sink and the exclusion before anything that logs, and deletes them after", async () => {
    const { h } = await deployed(`
name: shop
residency: uk
components:
  db: { kind: database, deletionProtection: false }
  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true, links: [db] }
`);
    const [sink] = live(h, "gcp:logging/projectSink:ProjectSink");
    const [exclusion] = live(h, "gcp:logging/projectExclusion:ProjectExclusion");
    for (const type of ["gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/job:Job", "gcp:sql/databaseInstance:DatabaseInstance", "gcp:compute/subnetwork:Subnetwork"]) {
      const o = live(h, type)[0] as CloudObject;
      expect(o.facts.dependsOn, type).toEqual(expect.arrayContaining([sink?.key, exclusion?.key]));
    }
    const steps = h.world.destroy("shop/dev", "gcp").steps.filter((s) => s.op === "delete").map((s) => s.type);
    const at = (type: string) => steps.indexOf(type);
    for (const type of ["gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/job:Job", "gcp:sql/databaseInstance:DatabaseInstance", "gcp:compute/subnetwork:Subnetwork"]) {
      expect(at(type), type).toBeGreaterThanOrEqual(0);
      expect(at(type), type).toBeLessThan(at("gcp:logging/projectExclusion:ProjectExclusion"));
    }
    expect(at("gcp:logging/projectExclusion:ProjectExclusion")).toBeLessThan(at("gcp:logging/projectSink:ProjectSink"));
  });
});

describe("11. the rule book: a regional load balancer on a network the stack brings needs its proxy-only subnet", () => {
  const BYO_DOMAIN = `
name: shared-vpc
residency: uk
network:
  gcp: { network: projects/host/global/networks/shared, subnetwork: projects/host/regions/europe-west2/subnetworks/apps }
components:
  web: { kind: web-service, image: ghcr.io/example/web:3, public: true, writableRootFilesystem: true, domain: app.example.gov.uk }
`;
  /** The user's network, as the simulated project holds it: optionally with an active proxy-only subnet in europe-west2. */
  function world(proxySubnet: boolean): Harness {
    const w = new World(RULES);
    if (proxySubnet) {
      w.objects.set("byo-proxies", {
        key: "byo-proxies",
        cloud: "gcp",
        type: "gcp:compute/subnetwork:Subnetwork",
        inputs: { name: "proxies", network: "projects/host/global/networks/shared", purpose: "REGIONAL_MANAGED_PROXY", role: "ACTIVE", region: "europe-west2" },
        references: {},
        region: "europe-west2",
        name: "proxies",
        status: "live",
        createdAt: 0,
        facts: {},
      });
    }
    return new Harness(w, "gcp", parseStack(BYO_DOMAIN));
  }

  it("fails at the load balancer's forwarding rule, saying what is missing, when the network has none", async () => {
    const h = world(false);
    const first = await h.up("first up", h.base);
    expect(first.outcome).toBe("failed");
    expect(first.error).toContain("An active proxy-only subnetwork is required in the same region and VPC as the forwarding rule (network projects/host/global/networks/shared, region europe-west2)");
  });

  it("deploys when the network has one", async () => {
    const h = world(true);
    expect((await h.up("first up", h.base)).error).toBeUndefined();
  });
});

describe("11. the rule book says what the provider and Google say", () => {
  const rule = (type: string) => GCP_RULES.types[type] as NonNullable<(typeof GCP_RULES.types)[string]>;

  it("does not call region ForceNew on a regional URL map or backend service (the provider does not), though moving them replaces them", () => {
    for (const type of ["gcp:compute/regionUrlMap:RegionUrlMap", "gcp:compute/regionBackendService:RegionBackendService"]) {
      expect(rule(type).replaceOn?.map((r) => r.path)).not.toContain("region");
    }
  });

  it("cites the provider file the project IAM member comes from", () => {
    expect(rule("gcp:projects/iAMMember:IAMMember").replaceOn?.[0]?.source).toMatch(/\/resourcemanager\/iam_project\.go$/);
  });

  it("counts a secret version's payload in bytes", () => {
    const check = rule("gcp:secretmanager/secretVersion:SecretVersion").checks?.[0];
    const obj = {} as CloudObject;
    expect(check?.test("é".repeat(40_000), obj)).toBe("80000 bytes; a secret version holds at most 64 KiB");
    expect(check?.test("e".repeat(40_000), obj)).toBeUndefined();
  });

  it("treats certificates and DNS authorizations in a region as regional, and those in global as global", () => {
    for (const type of ["gcp:certificatemanager/certificate:Certificate", "gcp:certificatemanager/dnsAuthorization:DnsAuthorization"]) {
      expect(GCP_RULES.globalTypes).not.toContain(type);
      expect(rule(type).globalWhen?.({ location: "europe-west2" })).toBe(false);
      expect(rule(type).globalWhen?.({ location: "global" })).toBe(true);
    }
  });

  it("knows the server CA modes Cloud SQL takes, and that a customer-managed one needs its pool", () => {
    const sql = rule("gcp:sql/databaseInstance:DatabaseInstance");
    const problems = (ipConfiguration: Record<string, unknown>) =>
      (sql.checks ?? []).filter((c) => c.path === "*").map((c) => c.test(undefined, { inputs: { settings: { ipConfiguration: { ipv4Enabled: true, ...ipConfiguration } } } } as unknown as CloudObject)).filter(Boolean);
    expect(problems({ serverCaMode: "GOOGLE_MANAGED_CAS_CA" })).toEqual([]);
    expect(problems({ serverCaMode: "GOOGLE_SHARED_CA" })).toEqual(["ipConfiguration.serverCaMode GOOGLE_SHARED_CA is not one of GOOGLE_MANAGED_INTERNAL_CA, GOOGLE_MANAGED_CAS_CA, CUSTOMER_MANAGED_CAS_CA"]);
    expect(problems({ serverCaMode: "CUSTOMER_MANAGED_CAS_CA" })).toHaveLength(1);
  });
});
