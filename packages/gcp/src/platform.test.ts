/**
 * The shared platform as a good Pulumi citizen: it follows the providers the
 * components are given, uses a network the user brings, and plans under
 * Pulumi's generic unit-test mocks.
 */
import { Database, ObjectStore, registerBackend, runWithMocks, WebService } from "@freehold/core";
import { SpecError } from "@freehold/model";
import { Provider as GcpProvider } from "@pulumi/gcp/provider";
import * as pulumi from "@pulumi/pulumi";
import { Provider as RandomProvider } from "@pulumi/random/provider";
import { Provider as TimeProvider } from "@pulumiverse/time/provider";
import { describe, expect, it } from "vitest";
import { backend } from "./index";
import { readProject } from "./project";
import { all, one, plan } from "./testing";

const tail = (urn: string) => urn.split("::").pop();

describe("the platform with explicit providers", () => {
  it("creates every resource, the shared ones included, with the providers the components were given", async () => {
    registerBackend(backend);
    const run = await runWithMocks("gcp", () => {
      const providers = [new GcpProvider("london", { project: "other-project", region: "europe-west2" }), new RandomProvider("random"), new TimeProvider("time")];
      const db = new Database("db", {}, { providers });
      const files = new ObjectStore("files", {}, { providers });
      const web = new WebService("web", { image: "ghcr.io/acme/web:1", public: true, domain: "app.example.gov.uk", writableRootFilesystem: true, links: [db, files] }, { providers });
      return { url: web.url };
    });
    const custom = run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    expect(custom.length).toBeGreaterThan(40);
    const defaults = custom.filter((r) => !r.provider).map((r) => `${r.type}::${r.name}`);
    expect(defaults).toEqual([]);
    for (const r of custom) expect(r.provider, r.name).toMatch(/::(london|random|time)::/);
    // The platform's own resources are named after the Platform component, which carries the provider's name.
    const platform = one(run, "freehold:index:Platform");
    expect(platform.name).toBe("freehold-london");
    expect(all(run, "gcp:projects/service:Service").every((s) => s.name.startsWith("freehold-london-api-"))).toBe(true);
  });

  it("reads the project through the platform's provider", async () => {
    const seen: Array<{ token: string; provider?: string }> = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (a) => ({ id: `${a.name}_id`, state: a.inputs }),
        call: (a) => {
          seen.push({ token: a.token, ...(a.provider ? { provider: a.provider } : {}) });
          return { projectId: "other-project", number: "42" };
        },
      },
      "p",
      "dev",
      false,
    );
    const provider = new GcpProvider("london", { project: "other-project" });
    const parent = new pulumi.ComponentResource("freehold:index:Platform", "shop", {}, { providers: [provider] });
    await readProject(parent).gate;
    expect(seen).toHaveLength(1);
    expect(seen[0]?.token).toBe("gcp:organizations/getProject:getProject");
    expect(seen[0]?.provider).toMatch(/pulumi:providers:gcp::london::/);
  });
});

describe("bring your own network", () => {
  const byo = `
name: shop
network:
  gcp:
    network: projects/host/global/networks/shared
    subnetwork: https://www.googleapis.com/compute/v1/projects/host/regions/europe-west2/subnetworks/apps
components:
  db: { kind: database }
  web: { kind: web-service, image: nginx, writableRootFilesystem: true, links: [db] }
`;

  it("creates nothing of the network and attaches the database's endpoint and the service's egress to the one given", async () => {
    const run = await plan(byo);
    expect(run.resources.filter((r) => ["gcp:compute/network:Network", "gcp:compute/subnetwork:Subnetwork"].includes(r.type) || r.name.includes("address-release"))).toEqual([]);
    expect(one(run, "gcp:compute/address:Address").inputs).toMatchObject({ subnetwork: "projects/host/regions/europe-west2/subnetworks/apps", addressType: "INTERNAL" });
    expect(one(run, "gcp:compute/forwardingRule:ForwardingRule").inputs.network).toBe("projects/host/global/networks/shared");
    const vpc = (one(run, "gcp:cloudrunv2/service:Service").inputs.template as { vpcAccess: unknown }).vpcAccess;
    expect(vpc).toEqual({ egress: "PRIVATE_RANGES_ONLY", networkInterfaces: [{ network: "projects/host/global/networks/shared", subnetwork: "projects/host/regions/europe-west2/subnetworks/apps" }] });
    expect(one(run, "gcp:cloudrunv2/job:Job").options.dependsOn.map(tail)).not.toContain("shop-subnet-address-release-europe-west2");
  });

  it("refuses a subnet outside the stack's region, naming the field", async () => {
    const wrong = byo.replace("regions/europe-west2/subnetworks/apps", "regions/europe-west1/subnetworks/apps");
    await expect(plan(wrong)).rejects.toThrow(SpecError);
    await expect(plan(wrong)).rejects.toThrow("network.gcp.subnetwork: is in europe-west1, but the stack deploys to europe-west2; give a subnet in europe-west2");
  });
});

describe("generic unit-test mocks", () => {
  it("plans the crown marketplace example when every resource's outputs are its inputs and every invoke answers with its inputs", async () => {
    pulumi.runtime.setAllConfig({ "freehold:cloud": "gcp", "freehold:residency": "uk" }, []);
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}_id`, state: a.inputs }), call: (a) => a.inputs }, "crown-marketplace", "dev", false);
    const registered: string[] = [];
    const outputs = await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation((args) => {
        registered.push(args.type);
        return undefined;
      });
      const example = await import("../../../examples/crown-marketplace/index.js");
      return { url: example.url, bucket: example.bucket };
    });
    expect(outputs).toBeDefined();
    expect(registered).toContain("gcp:sql/databaseInstance:DatabaseInstance");
    expect(registered).toContain("gcp:cloudrunv2/job:Job");
    expect(registered).toContain("gcp:logging/projectSink:ProjectSink");
  });
});
