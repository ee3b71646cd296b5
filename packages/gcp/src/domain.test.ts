import { type MockRun, plainOutputs } from "@freehold/core";
import { beforeAll, describe, expect, it } from "vitest";
import { one, plan } from "./testing";

const RUN = "gcp:cloudrunv2/service:Service";
const tail = (urn: string) => urn.split("::").pop();
const stack = (residency: string) => `
name: shop
residency: ${residency}
components:
  web: { kind: web-service, image: nginx, public: true, domain: app.example.gov.uk, writableRootFilesystem: true }
`;

async function records(run: MockRun): Promise<unknown> {
  const web = run.components.find((c) => c.name === "web");
  return plainOutputs(web?.outputs.dnsRecords);
}

describe("a custom domain without a residency rule: the global external Application Load Balancer", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(stack("none"));
  });

  it("sends the domain through a serverless NEG to the service, which keeps its run.app address until the certificate is active", () => {
    // A first up: no certificate yet, so run.app still takes traffic (domain-state.ts; review.test.ts has the other states).
    expect(one(run, RUN).inputs.ingress).toBe("INGRESS_TRAFFIC_ALL");
    expect(one(run, "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup").inputs).toMatchObject({ networkEndpointType: "SERVERLESS", region: "europe-west2", cloudRun: { service: "shop-dev-web" } });
    expect(one(run, "gcp:compute/backendService:BackendService").inputs).toMatchObject({ loadBalancingScheme: "EXTERNAL_MANAGED", backends: [{ group: "web-neg-id" }] });
    // The load balancer does not authenticate callers: the service's invoker IAM check is off.
    expect(one(run, RUN).inputs.invokerIamDisabled).toBe(true);
  });

  it("serves TLS 1.2 and later only, with a Google-managed certificate validated through DNS", () => {
    expect(one(run, "gcp:compute/sSLPolicy:SSLPolicy").inputs).toMatchObject({ profile: "MODERN", minTlsVersion: "TLS_1_2" });
    expect(one(run, "gcp:certificatemanager/certificate:Certificate").inputs).toMatchObject({ location: "global", managed: { domains: ["app.example.gov.uk"] } });
    expect(one(run, "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry").inputs).toMatchObject({ hostname: "app.example.gov.uk" });
    const proxy = one(run, "gcp:compute/targetHttpsProxy:TargetHttpsProxy").inputs;
    expect(proxy.certificateMap).toBe("//certificatemanager.googleapis.com/projects/freehold-plan/locations/global/certificateMaps/shop-dev-web-certs");
    expect(proxy.sslPolicy).toBe("web-tls-policy-id");
  });

  it("redirects HTTP to HTTPS on the same address", () => {
    expect(one(run, "gcp:compute/uRLMap:URLMap", "web-http-redirect").inputs.defaultUrlRedirect).toEqual({ httpsRedirect: true, redirectResponseCode: "MOVED_PERMANENTLY_DEFAULT", stripQuery: false });
    const rules = run.resources.filter((r) => r.type === "gcp:compute/globalForwardingRule:GlobalForwardingRule");
    expect(rules.map((r) => r.inputs.portRange).sort()).toEqual(["443", "80"]);
    expect(new Set(rules.map((r) => r.inputs.ipAddress)).size).toBe(1);
  });

  it("gives the domain as the URL, and every DNS record to create as an output: the certificate's CNAME and the A record", async () => {
    const web = run.components.find((c) => c.name === "web");
    expect(await plainOutputs(web?.outputs.url)).toBe("https://app.example.gov.uk");
    const rs = (await records(run)) as Array<{ name: string; type: string; value: string; purpose: string }>;
    expect(rs).toHaveLength(2);
    expect(rs[0]).toMatchObject({ name: "_acme-challenge.app.example.gov.uk", type: "CNAME", purpose: "certificate validation" });
    expect(rs[0]?.value).toMatch(/\.authorize\.certificatemanager\.goog$/);
    expect(rs[1]).toEqual({ name: "app.example.gov.uk", type: "A", value: expect.stringMatching(/^203\.0\.113\.\d+$/), purpose: "traffic" });
  });

  it("names the certificate pieces after the domain, so a new domain gets new ones before the old ones go", async () => {
    const other = await plan(stack("none").replace("app.example.gov.uk", "www.example.gov.uk"));
    const name = (r: MockRun, t: string) => one(r, t).inputs.name;
    for (const t of ["gcp:certificatemanager/certificate:Certificate", "gcp:certificatemanager/dnsAuthorization:DnsAuthorization", "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry"]) {
      expect(name(other, t), t).not.toBe(name(run, t));
    }
    expect(name(other, "gcp:compute/targetHttpsProxy:TargetHttpsProxy")).toBe(name(run, "gcp:compute/targetHttpsProxy:TargetHttpsProxy"));
  });

  it("says TLS ends at Google's edge, outside the region", () => {
    expect(run.components.find((c) => c.name === "web")?.description.dataLocations).toContainEqual({ region: "global", use: "TLS termination at Google's edge (global external Application Load Balancer)" });
  });
});

describe("a custom domain under a residency rule: a regional external Application Load Balancer in the stack's region", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(stack("uk"));
  });

  it("builds every piece in the region, so TLS ends inside it", () => {
    for (const t of ["gcp:compute/globalForwardingRule:GlobalForwardingRule", "gcp:compute/backendService:BackendService", "gcp:certificatemanager/certificateMap:CertificateMap"]) expect(run.resources.filter((r) => r.type === t), t).toEqual([]);
    expect(one(run, "gcp:compute/regionBackendService:RegionBackendService").inputs).toMatchObject({ region: "europe-west2", loadBalancingScheme: "EXTERNAL_MANAGED" });
    expect(one(run, "gcp:compute/regionSslPolicy:RegionSslPolicy").inputs).toMatchObject({ region: "europe-west2", profile: "MODERN", minTlsVersion: "TLS_1_2" });
    expect(one(run, "gcp:certificatemanager/dnsAuthorization:DnsAuthorization").inputs).toMatchObject({ location: "europe-west2", type: "PER_PROJECT_RECORD" });
    expect(one(run, "gcp:certificatemanager/certificate:Certificate").inputs).toMatchObject({ location: "europe-west2" });
    expect(one(run, "gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy").inputs.certificateManagerCertificates).toEqual([
      `//certificatemanager.googleapis.com/projects/freehold-plan/locations/europe-west2/certificates/${String(one(run, "gcp:certificatemanager/certificate:Certificate").inputs.name)}`,
    ]);
    expect(run.components.find((c) => c.name === "web")?.description.dataLocations).toEqual([]);
  });

  it("runs its proxies in the VPC's proxy-only subnet, and redirects HTTP", () => {
    expect(one(run, "gcp:compute/subnetwork:Subnetwork", "shop-proxy-subnet").inputs).toMatchObject({ purpose: "REGIONAL_MANAGED_PROXY", role: "ACTIVE", region: "europe-west2", ipCidrRange: "10.129.0.0/23" });
    const rules = run.resources.filter((r) => r.type === "gcp:compute/forwardingRule:ForwardingRule");
    expect(rules.map((r) => [r.inputs.portRange, r.inputs.network, r.inputs.loadBalancingScheme])).toEqual([
      ["443", "shop-dev-network", "EXTERNAL_MANAGED"],
      ["80", "shop-dev-network", "EXTERNAL_MANAGED"],
    ]);
    for (const r of rules) expect(r.options.dependsOn.map(tail)).toContain("shop-proxy-subnet");
    expect(one(run, "gcp:compute/regionUrlMap:RegionUrlMap", "web-http-redirect").inputs.defaultUrlRedirect).toMatchObject({ httpsRedirect: true });
  });

  it("still gives the validation and traffic records", async () => {
    const rs = (await records(run)) as Array<{ type: string; purpose: string }>;
    expect(rs.map((r) => `${r.type} ${r.purpose}`)).toEqual(["CNAME certificate validation", "A traffic"]);
  });
});
