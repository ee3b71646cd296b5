/**
 * Costs a buyer can defend: every region priced (or said plainly not to be),
 * what is priced is what is planned, and a usage file moves the figures as it should.
 * Plans in process, as `freehold plan` does (runWithMocks + deployStack, then buildPlan).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildExitPlan, buildPlan, type Comparison, type HostedPlan, type Plan } from "@freehold/cli";
import { type CostLine, deployStack, FREE_UTILITY_TYPES, loadBackend, RegionPrices, runWithMocks } from "@freehold/core";
import { type Cloud, CLOUD_REGIONS, CLOUDS, defaultUsage, parseStack, parseUsage, SpecError, type Usage } from "@freehold/model";
import { RULES } from "@freehold/lifecycle";
import * as pulumiLog from "@pulumi/pulumi/log";
import { describe, expect, it } from "vitest";
import { EXAMPLE_STACK, freeholdInProcess as cli } from "./cli-helpers";
import { CONFORMANCE_STACKS, EXAMPLE } from "./stacks";

(pulumiLog as { warn: (m: string) => void }).warn = () => {};

async function plan(cloud: Cloud, text: string, usage: Usage = defaultUsage()): Promise<HostedPlan> {
  const stack = parseStack(text);
  const run = await runWithMocks(cloud, () => deployStack(stack, { cloud }).outputs, { project: stack.name, stack: "dev" });
  return buildPlan(loadBackend(cloud), run, usage, []);
}

const lines = (p: Plan): CostLine[] => [...p.components.flatMap((c) => c.estimate.lines), ...p.platform.estimate.lines];
const total = (ls: CostLine[]) => Math.round(ls.reduce((a, l) => a + l.monthlyUsd, 0) * 100) / 100;

/** Variants the conformance stacks lack: a custom domain, a domain under residency (a regional load balancer on Google Cloud), a network the stack brings. */
const VARIANTS: Record<string, string> = {
  "a public service on a custom domain": `name: site\ncomponents:\n  web: { kind: web-service, image: nginx:1.27, public: true, domain: app.example.com, writableRootFilesystem: true }\n`,
  "a custom domain under UK residency": `name: site\nresidency: uk\ncomponents:\n  web: { kind: web-service, image: nginx:1.27, public: true, domain: app.example.com, writableRootFilesystem: true }\n`,
  "a network the stack brings": `name: byo
network:
  aws: { vpcId: vpc-0123456789abcdef0, privateSubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1] }
  azure: { resourceGroupName: rg, virtualNetworkName: vnet, appsSubnetName: apps, databaseSubnetName: db, jobsSubnetName: jobs }
  gcp: { network: shared, subnetwork: apps }
components:
  db: { kind: database }
  web: { kind: web-service, image: nginx:1.27, writableRootFilesystem: true, links: [db] }
`,
};

describe("what is priced is what is planned", () => {
  for (const cloud of CLOUDS) {
    it(`on ${cloud}, every resource type of every conformance stack is priced or on the free list with its reason, and every line bills a planned resource`, async () => {
      const pricing = loadBackend(cloud).pricing;
      for (const [name, text] of Object.entries({ ...CONFORMANCE_STACKS, ...VARIANTS })) {
        const p = await plan(cloud, text);
        const planned = new Set(p.resources.filter((r) => r.custom).map((r) => r.type));
        expect(p.pricing.unpriced, `${name}: resource types with no price`).toEqual([]);
        for (const type of planned) {
          const free = pricing.free[type] ?? FREE_UTILITY_TYPES[type];
          expect(type in pricing.priced || (free !== undefined && free.length > 10), `${name}: ${type} is neither priced nor free with a reason`).toBe(true);
        }
        for (const l of lines(p)) expect(planned.has(l.resourceType ?? ""), `${name}: "${l.item}" bills ${l.resourceType}, which is not planned`).toBe(true);
      }
    });
  }

  it("every resource type a backend can create (the simulated cloud's rule book) is priced or free with its reason, never both", () => {
    for (const cloud of CLOUDS) {
      const pricing = loadBackend(cloud).pricing;
      for (const type of Object.keys(RULES[cloud].types)) {
        const free = pricing.free[type] ?? FREE_UTILITY_TYPES[type];
        expect(type in pricing.priced !== (free !== undefined), `${cloud}: ${type}`).toBe(true);
      }
    }
  });

  it("charges no NAT gateway on AWS when the stack brings its own network, and one (shared) when Freehold creates it", async () => {
    const byo = await plan("aws", VARIANTS["a network the stack brings"] as string);
    expect(lines(byo).filter((l) => /NAT gateway/.test(l.item))).toEqual([]);
    const two = await plan("aws", `name: two\ncomponents:\n  a: { kind: web-service, image: nginx:1.27, writableRootFilesystem: true }\n  b: { kind: web-service, image: nginx:1.27, writableRootFilesystem: true }\n`);
    const nat = two.platform.estimate.lines.filter((l) => l.resourceType === "aws:ec2/natGateway:NatGateway" && l.basis === "fixed");
    expect(nat).toHaveLength(1);
    expect(nat[0]?.quantity).toBe(730);
  });

  it("prices a regional load balancer's proxy on Google Cloud under residency, and the global one's forwarding rules without", async () => {
    const regional = lines(await plan("gcp", VARIANTS["a custom domain under UK residency"] as string));
    const global = lines(await plan("gcp", VARIANTS["a public service on a custom domain"] as string));
    expect(regional.some((l) => /regional load balancer proxy instance/.test(l.item) && l.resourceType === "gcp:compute/forwardingRule:ForwardingRule")).toBe(true);
    expect(global.some((l) => /proxy instance/.test(l.item))).toBe(false);
    expect(global.filter((l) => l.resourceType === "gcp:compute/globalForwardingRule:GlobalForwardingRule" && /forwarding rule/.test(l.item))).toHaveLength(2);
  });

  it("says what a destroy leaves billing: retained databases and buckets, and on AWS the final snapshot of an unprotected database (never in the monthly total)", async () => {
    const kept = await plan("aws", EXAMPLE);
    expect(kept.afterDestroy.lines.some((l) => l.resourceType === "aws:rds/instance:Instance" && l.retained)).toBe(true);
    expect(kept.afterDestroy.lines.some((l) => l.resourceType === "aws:s3/bucket:Bucket" && l.retained)).toBe(true);
    const scratch = await plan("aws", CONFORMANCE_STACKS["throwaway stack without deletion protection"] as string);
    const snapshot = scratch.afterDestroy.lines.filter((l) => /final snapshot kept after a destroy/.test(l.item));
    expect(snapshot).toHaveLength(1);
    expect(snapshot[0]?.quantity).toBe(20);
    expect(lines(scratch).some((l) => /final snapshot/.test(l.item))).toBe(false);
  });

  it("prices log ingestion where logs are kept: CloudWatch log groups, the Log Analytics workspace, Cloud Logging", async () => {
    const usage = parseUsage("defaults: { web-service: { logGiB: 40 }, worker: { logGiB: 40 }, scheduled-job: { logGiB: 40 } }");
    const byCloud: Partial<Record<Cloud, CostLine[]>> = {};
    // One plan at a time: the mock runtime is process-wide.
    for (const c of CLOUDS) byCloud[c] = lines(await plan(c, EXAMPLE, usage));
    // The web service's, the worker's and the job's log groups take the usage file's 40 GiB each; the stack's own groups (flow logs, role jobs) keep their own estimates.
    expect(byCloud.aws?.filter((l) => /CloudWatch Logs ingestion/.test(l.item) && l.quantity === 40)).toHaveLength(3);
    expect(byCloud.azure?.find((l) => /Log Analytics ingestion/.test(l.item))?.quantity).toBe(120);
    // On Google Cloud the database's logs (connections, DDL, pgAudit) are Cloud Logging too: the usage default's 1 GiB.
    expect(byCloud.gcp?.filter((l) => /Cloud Logging ingestion/.test(l.item)).map((l) => l.quantity)).toEqual([1, 40, 40, 40]);
  });
});

describe("prices for the region asked", () => {
  for (const cloud of CLOUDS) {
    it(`on ${cloud}, plans every accepted region with that region's prices, or says plainly which region's were used`, async () => {
      const table = loadBackend(cloud).pricing.table;
      for (const region of Object.keys(CLOUD_REGIONS[cloud])) {
        const p = await plan(cloud, `name: r\nregions: { ${cloud}: ${region} }\ncomponents:\n  db: { kind: database }\n  files: { kind: object-store }\n  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true, links: [db, files] }\n`);
        expect(p.region).toBe(region);
        expect(p.pricing.region).toBe(region);
        const prices = new RegionPrices(table, region);
        for (const l of lines(p)) {
          if (l.source.region === undefined || l.source.region === region) continue;
          // Another region's price: the line says so, and the plan names the line and both regions.
          expect(l.source.region).toBe(table.referenceRegion);
          expect(l.source.name).toContain(`[${table.referenceRegion} price: no ${region} price in Freehold's table]`);
          expect(p.pricing.coverage).not.toBe("own");
        }
        if (p.pricing.coverage === "own") expect(p.pricing.note).toBe(`Prices are ${region}'s own list prices.`);
        else {
          expect(p.pricing.note).toContain(`${region}'s prices are unknown`);
          expect(p.pricing.note).toContain(`${table.referenceRegion}'s prices`);
          for (const key of p.pricing.substituted) expect(prices.has(key)).toBe(false);
        }
      }
    });
  }

  it("compare of the example in Virginia shows us-east-1's own prices with their sources, and says which Azure and Google Cloud lines are London's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "freehold-costs-"));
    const file = join(dir, "freehold.yaml");
    writeFileSync(file, readFileSync(EXAMPLE_STACK, "utf8").replace("region: london", "region: virginia").replace("residency: uk", "residency: none"));
    const r = await cli(["compare", file, "--out", join(dir, "out"), "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    const cmp = JSON.parse(readFileSync(join(dir, "out", "compare.json"), "utf8")) as Comparison & { plans: HostedPlan[] };
    const aws = cmp.clouds.find((c) => c.cloud === "aws");
    expect(aws?.region).toBe("us-east-1");
    expect(aws?.pricing.coverage).toBe("own");
    const awsLines = cmp.plans.find((p) => p.cloud === "aws") as HostedPlan;
    expect(lines(awsLines).every((l) => l.source.region === undefined || l.source.region === "us-east-1")).toBe(true);
    expect(lines(awsLines).find((l) => l.resourceType === "aws:lb/loadBalancer:LoadBalancer")?.source).toMatchObject({ region: "us-east-1", sku: "USE1-LoadBalancerUsage", url: "https://aws.amazon.com/elasticloadbalancing/pricing/" });
    for (const c of cmp.clouds.filter((x) => x.cloud !== "aws")) expect(c.pricing.note).toMatch(/prices are unknown/);
    const md = readFileSync(join(dir, "out", "compare.md"), "utf8");
    expect(md).toContain("Prices are us-east-1's own list prices.");
    expect(md).toContain("USE1-LoadBalancerUsage");
    expect(r.stdout).toMatch(/Microsoft Azure: eastus's prices are unknown for \d+ lines? \(/);
  });
});

describe("usage drives the usage-based lines", () => {
  it("a usage file moves each figure by the price of what it adds, and leaves the fixed cost alone", async () => {
    const base = await plan("aws", EXAMPLE);
    const usage = parseUsage(
      `defaults:\n  web-service: { egressGiB: 100 }\ncomponents:\n  web: { egressGiB: 1100, requestsMillions: 10 }\n  uploads: { storageGiB: 100, storageGrowthGiB: 50, noncurrentPercent: 20, egressGiB: 300 }\nmonths: 12\n`,
      { source: "usage.yaml", components: [{ name: "web", kind: "web-service" }, { name: "uploads", kind: "object-store" }, { name: "db", kind: "database" }, { name: "worker", kind: "web-service" }] },
    );
    const heavy = await plan("aws", EXAMPLE, usage);
    const prices = new RegionPrices(loadBackend("aws").pricing.table, "eu-west-2");
    expect(heavy.totals.fixedUsd).toBe(base.totals.fixedUsd);
    // web: 1,000 GB more through CloudFront and its load balancer, whose LCUs now follow the bytes (1,100 GB) instead of
    // the new connections (10 M requests: 111.1 LCU-hours); uploads: 600 GB more stored, 140 GB of old versions, 300 GB downloaded.
    const stored = 100 + 50 * 12;
    const expected = 1000 * prices.get("cloudfront.egress").usd + (1100 - 10e6 / 3600 / 25) * prices.get("alb.lcu").usd + (stored - 100) * prices.get("s3.standard").usd + stored * 0.2 * prices.get("s3.standard").usd + 300 * prices.get("egress.internet").usd;
    expect(heavy.totals.usageUsd - base.totals.usageUsd).toBeCloseTo(expected, 1);
    const uploads = heavy.components.find((c) => c.name === "uploads");
    expect(uploads?.estimate.lines.map((l) => [l.item, l.quantity])).toEqual(
      expect.arrayContaining([
        [`S3 Standard storage, ${stored} GB`, stored],
        ["S3 Standard storage, old object versions (20% of current data)", stored * 0.2],
        ["Internet data transfer out from the bucket (downloads, signed URLs)", 300],
      ]),
    );
    expect(heavy.usage.components.find((c) => c.name === "web")).toMatchObject({ figures: { egressGiB: 1100 }, fromFile: expect.arrayContaining(["egressGiB", "requestsMillions"]) });
  });

  it("exit-plan moves the data the usage says the stores hold, and states the usage behind its monthly figures", async () => {
    const usage = parseUsage("components:\n  uploads: { storageGiB: 400, storageGrowthGiB: 10 }\nmonths: 6\n", { source: "usage.yaml" });
    const [aws, azure] = [await plan("aws", EXAMPLE, usage), await plan("azure", EXAMPLE, usage)] as [HostedPlan, HostedPlan];
    const exit = buildExitPlan(aws, azure, [aws, azure], { objectThroughputMiBs: 100, databaseGiBPerHour: 20, dualRunningDays: 14, operatorCountry: "GB", values: {} });
    // 400 + 10 x 6 = 460 GiB of objects and the 50 GiB database, less 100 GiB free.
    expect(exit.cost.egressUsd.basis).toContain("410 GiB leaving Amazon Web Services (510 GiB less 100 GiB free a month)");
    expect(exit.costNotes).toEqual(expect.arrayContaining(["Usage from usage.yaml: figures marked * come from it, the others are Freehold's built-in defaults", "uploads (object-store): 400* GiB stored at the start, 10* GiB added a month, 0 % kept as old versions, 1000 thousand writes, 10000 thousand reads, 0 GiB internet egress"]));
    expect(exit.cost.targetMonthlyUsd.basis).toMatch(/\$[\d.]+ fixed, \$[\d.]+ usage-driven/);
  });

  it("Azure storage auto-grow doubles the disk, and its price, when data outgrows it (and the standby's)", async () => {
    const base = await plan("azure", EXAMPLE);
    const grown = await plan("azure", EXAMPLE, parseUsage("components:\n  db: { dataGiB: 40, storageGrowthGiB: 5 }\nmonths: 6\n", { components: [{ name: "db", kind: "database" }] }));
    // The server's and the standby's disks (not the kept backups' vault storage, which follows the data, not the disk).
    const storage = (p: Plan) => p.components.find((c) => c.name === "db")?.estimate.lines.filter((l) => /storage/.test(l.item) && !/^Backup vault/.test(l.item)) ?? [];
    expect(storage(base).map((l) => l.quantity)).toEqual([64, 64]);
    // 40 + 5 x 6 = 70 GiB of data: past 90% of 64 GiB, so 128 GiB on the server and on its standby.
    expect(storage(grown).map((l) => [l.quantity, l.basis])).toEqual([
      [128, "usage"],
      [128, "usage"],
    ]);
    expect(total(storage(grown))).toBeCloseTo(2 * total(storage(base)), 2);
  });

  it("compare states the usage behind the figures and shows fixed and usage-driven cost apart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "freehold-usage-"));
    writeFileSync(join(dir, "usage.yaml"), "components:\n  web: { egressGiB: 2000 }\n");
    const r = await cli(["compare", EXAMPLE_STACK, "--usage", join(dir, "usage.yaml"), "--clouds", "gcp", "--format", "md", "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Usage from ${join(dir, "usage.yaml")}: figures marked * come from it`);
    expect(r.stdout).toContain("web (web-service): 10 M requests, 2000* GiB internet egress, 5 GiB logs");
    expect(r.stdout).toMatch(/\| of which fixed \(what is created\) \| £[\d,.]+ \|/);
    expect(r.stdout).toMatch(/\| of which usage-driven \(the usage below\) \| £[\d,.]+ \|/);
  });
});

describe("the usage file", () => {
  it("gets one error listing every problem with its path, what was given and what is allowed", () => {
    const text = "hoursPerMonth: 800\ndefaults:\n  web-service: { egresGiB: 5 }\ncomponents:\n  web: { requestsMillions: -1, storageGiB: 3 }\n  wbe: { egressGiB: 1 }\n";
    let err: unknown;
    try {
      parseUsage(text, { source: "usage.yaml", components: [{ name: "web", kind: "web-service" }, { name: "db", kind: "database" }] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).problems).toEqual(
      expect.arrayContaining([
        { path: "hoursPerMonth", message: "800 is above the maximum of 744" },
        { path: "defaults.web-service.egresGiB", message: expect.stringMatching(/^unknown key; did you mean "egressGiB"\?/) },
        { path: "components.web.requestsMillions", message: "-1 is below the minimum of 0" },
        { path: "components.web.storageGiB", message: "does not apply to a web-service; allowed for web: requestsMillions, egressGiB, logGiB, averageInstances" },
        { path: "components.wbe", message: expect.stringMatching(/^the stack has no component "wbe"; did you mean "web"\?/) },
      ]),
    );
    expect((err as SpecError).message).toMatch(/^usage\.yaml has 5 problems:/);
  });

  it("is refused by compare before anything is planned or written, exit 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "freehold-usage-"));
    writeFileSync(join(dir, "usage.yaml"), "components:\n  nope: { egressGiB: 1 }\n");
    const r = await cli(["compare", EXAMPLE_STACK, "--usage", join(dir, "usage.yaml"), "--out", join(dir, "out")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('components.nope: the stack has no component "nope"');
    expect(r.stderr).not.toContain("Planning");
  });
});
