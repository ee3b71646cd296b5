/**
 * Issue 13 item 1: the stack's region is the region of every resource, whatever
 * region the provider is configured for; zones are the region's own; and a
 * program that gives every component a provider uses no default provider at all,
 * for resources and invokes alike.
 */
import { Database, deployStack, ObjectStore, type PlannedResource, registerBackend, runWithMocks, WebService } from "@freehold/core";
import { parseStack } from "@freehold/model";
import { Provider } from "@pulumi/aws/provider";
import { Provider as RandomProvider } from "@pulumi/random/provider";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { Provider as TimeProvider } from "@pulumiverse/time/provider";
import { afterEach, describe, expect, it, vi } from "vitest";
import { backend } from "./index";

registerBackend(backend);

const EXAMPLE = `
name: shop
components:
  db: { kind: database, highAvailability: true }
  files: { kind: object-store }
  web: { kind: web-service, image: ghcr.io/example/shop:1.0, public: true, links: [db, files] }
  api: { kind: web-service, image: ghcr.io/example/api:1.0, links: [db] }
  site: { kind: web-service, image: ghcr.io/example/site:1.0, public: true, domain: shop.example.gov.uk }
`;

/** Types that live in no region (IAM, CloudFront) and the companions (random, time). */
const GLOBAL = /^(aws:iam\/|aws:cloudfront\/|random:|time:)/;

const regional = (resources: readonly PlannedResource[]) => resources.filter((r) => r.custom && !GLOBAL.test(r.type) && !r.type.startsWith("pulumi:providers:"));

afterEach(() => {
  vi.restoreAllMocks();
  registerBackend(backend);
});

describe("the stack's region is every resource's region", () => {
  it("gives every regional resource London's region code, and nothing else", async () => {
    const run = await runWithMocks("aws", () => deployStack(parseStack(EXAMPLE)).outputs);
    const resources = regional(run.resources);
    expect(resources.length).toBeGreaterThan(40);
    expect(resources.filter((r) => r.inputs.region !== "eu-west-2").map((r) => `${r.type} ${r.name}: ${String(r.inputs.region)}`)).toEqual([]);
  });

  it("moves every regional resource, endpoint, log setting and zone to Frankfurt when the stack is there", async () => {
    const run = await runWithMocks("aws", () => deployStack(parseStack(`region: frankfurt\n${EXAMPLE}`)).outputs);
    expect(regional(run.resources).filter((r) => r.inputs.region !== "eu-central-1").map((r) => r.name)).toEqual([]);
    const byName = (n: string) => run.resources.find((r) => r.name === n) as PlannedResource;
    expect(byName("shop-s3-endpoint").inputs.serviceName).toBe("com.amazonaws.eu-central-1.s3");
    expect(byName("shop-private-a").inputs.availabilityZone).toBe("eu-central-1a");
    const container = JSON.parse(byName("web-task").inputs.containerDefinitions as string)[0];
    expect(container.logConfiguration.options["awslogs-region"]).toBe("eu-central-1");
  });

  it("puts the subnets in the zones the region lists to the account (getAvailabilityZones), not in letters appended to the region", async () => {
    const calls: unknown[] = [];
    registerBackend({
      ...backend,
      mocks: {
        ...backend.mocks,
        call(token, inputs) {
          if (token === "aws:index/getAvailabilityZones:getAvailabilityZones") {
            calls.push(inputs);
            return { names: ["eu-west-2c", "eu-west-2b"], zoneIds: ["euw2-az1", "euw2-az3"] };
          }
          return backend.mocks.call(token, inputs);
        },
      },
    });
    const run = await runWithMocks("aws", () => deployStack(parseStack("name: s\ncomponents:\n  db: { kind: database }")).outputs);
    const zones = run.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet").map((r) => r.inputs.availabilityZone);
    expect(zones).toEqual(["eu-west-2b", "eu-west-2c"]);
    expect(calls).toEqual([{ filters: [{ name: "zone-type", values: ["availability-zone"] }], region: "eu-west-2" }]);
  });
});

describe("explicit providers", () => {
  /** The example with every Freehold component given explicit providers: AWS, and the random and time providers the backend also uses. */
  function withProvider(region: string) {
    const provider = new Provider("london", { region });
    const opts = { providers: [provider, new RandomProvider("random"), new TimeProvider("time")] };
    const db = new Database("db", { highAvailability: true }, opts);
    const files = new ObjectStore("files", {}, opts);
    new WebService("web", { image: "ghcr.io/example/shop:1.0", public: true, links: [db, files] }, opts);
    new WebService("site", { image: "ghcr.io/example/site:1.0", public: true, domain: "shop.example.gov.uk" }, opts);
    new WebService("api", { image: "ghcr.io/example/api:1.0", links: [{ to: db, access: "read" }] }, opts);
  }

  it("uses the given providers for every resource and every invoke: no default provider anywhere (pulumi:disable-default-providers works)", async () => {
    const providers: Array<{ token: string; provider: string }> = [];
    const original = MockMonitor.prototype.invoke;
    vi.spyOn(MockMonitor.prototype, "invoke").mockImplementation(function (this: MockMonitor, req: { getTok(): string; getProvider(): string }, callback: (err: unknown, response: unknown) => void) {
      providers.push({ token: req.getTok(), provider: req.getProvider() });
      return original.call(this, req, callback);
    });
    const run = await runWithMocks("aws", () => withProvider("eu-west-2"));
    const custom = run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    expect(custom.length).toBeGreaterThan(40);
    expect(custom.filter((r) => !r.provider).map((r) => `${r.type} ${r.name}`)).toEqual([]);
    const aws = custom.filter((r) => r.type.startsWith("aws:"));
    expect(new Set(aws.map((r) => r.provider?.split("::").slice(0, -1).join("::")))).toEqual(new Set([expect.stringMatching(/pulumi:providers:aws::london$/)]));
    expect(providers.length).toBeGreaterThanOrEqual(3);
    expect(providers.filter((p) => !/pulumi:providers:aws::london::/.test(p.provider))).toEqual([]);
  });

  it("reports an error naming both regions when the provider is set for another region than the stack", async () => {
    const errors: string[] = [];
    vi.spyOn(pulumi.log, "error").mockImplementation(async (msg: string) => {
      errors.push(msg);
    });
    const run = await runWithMocks("aws", () => withProvider("eu-west-1"));
    expect(errors).toEqual([expect.stringContaining('the AWS provider "london" is configured for eu-west-1, but the stack\'s region is London (eu-west-2)')]);
    // The resources still name their region: nothing lands in the provider's region.
    expect(regional(run.resources).filter((r) => r.inputs.region !== "eu-west-2")).toEqual([]);
  });
});
