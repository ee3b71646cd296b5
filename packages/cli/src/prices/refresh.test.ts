import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PriceApiLine, PriceTable } from "@freehold/core";
import { afterEach, describe, expect, it } from "vitest";
import { runPrices } from "../commands/prices";
import { awsOfferUrl, azurePricesUrl, type GetJson, gcpSkusUrl, PriceApiError, refreshTable, tableSource } from "./refresh";

const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, "fixtures", name), "utf8")) as unknown;
/** Recorded responses by URL; any other URL is a test failure. */
const recorded =
  (responses: Record<string, string>): GetJson =>
  async (url) => {
    const file = responses[url];
    if (!file) throw new Error(`no recorded response for ${url}`);
    return fixture(file);
  };

const src = { name: "hand-written", date: "2026-01-01", estimate: true };
const existing = (cloud: PriceTable["cloud"], region: string, keys: string[]): PriceTable => ({
  cloud,
  referenceRegion: region,
  global: {},
  regions: { [region]: Object.fromEntries(keys.map((k) => [k, { usd: 9, unit: "x", source: src }])) },
});

describe("freehold prices refresh, on recorded API responses", () => {
  it("reads an AWS offer file: the usagetype after the region's prefix (not Fargate Spot's), its OnDemand price, the publication date and SKU", async () => {
    const lines: PriceApiLine[] = [
      { api: "aws", key: "fargate.vcpu", unit: "vCPU-hour", service: "AmazonECS", usagetype: "Fargate-vCPU-Hours:perCPU" },
      { api: "aws", key: "fargate.memory", unit: "GB-hour", service: "AmazonECS", usagetype: "Fargate-GB-Hours" },
      { api: "aws", key: "fargate.gone", unit: "GB-hour", service: "AmazonECS", usagetype: "Fargate-Nothing" },
    ];
    const r = await refreshTable("aws", existing("aws", "eu-west-2", ["fargate.vcpu"]), lines, recorded({ [awsOfferUrl("AmazonECS", "eu-west-1")]: "aws-AmazonECS-eu-west-1.json" }), ["eu-west-1"]);
    const vcpu = r.table.regions["eu-west-1"]?.["fargate.vcpu"];
    expect(vcpu?.usd).toBe(0.04048);
    expect(vcpu?.source).toMatchObject({ date: "2026-11-01", region: "eu-west-1", sku: "EU-Fargate-vCPU-Hours:perCPU", url: awsOfferUrl("AmazonECS", "eu-west-1") });
    expect(vcpu?.source.estimate).toBeUndefined();
    expect(vcpu?.source.name).toContain("SKU FIXTUREVCPU0001");
    expect(r.table.regions["eu-west-1"]?.["fargate.memory"]?.usd).toBe(0.004445);
    expect(r.missing).toEqual([{ region: "eu-west-1", key: "fargate.gone" }]);
    // The reference region's hand-written line is kept as it was.
    expect(r.table.regions["eu-west-2"]?.["fargate.vcpu"]?.usd).toBe(9);
  });

  it("reads the Azure Retail Prices API across pages, taking the Consumption item (not Dev/Test) of the meter", async () => {
    const line: PriceApiLine = { api: "azure", key: "aca.vcpu", unit: "vCPU-second", serviceName: "Azure Container Apps", meterName: "Standard vCPU Active Usage" };
    const get = recorded({
      [azurePricesUrl("Azure Container Apps", "northeurope", "Standard vCPU Active Usage")]: "azure-retail-prices-page1.json",
      "https://prices.azure.com:443/api/retail/prices?$filter=fixture&$skip=100": "azure-retail-prices-page2.json",
    });
    const r = await refreshTable("azure", existing("azure", "uksouth", []), [line], get, ["northeurope"]);
    expect(r.table.regions.northeurope?.["aca.vcpu"]).toMatchObject({ usd: 0.000026, unit: "vCPU-second", source: { date: "2026-10-01", region: "northeurope", sku: "Standard vCPU Active Usage (meterId 00000000-0000-0000-0000-0000000000a2)" } });
  });

  it("reads the Cloud Billing Catalog API: the SKU of the region (not London's), units plus nanos", async () => {
    const line: PriceApiLine = { api: "gcp", key: "run.vcpu", unit: "vCPU-second", serviceId: "152E-C115-5142", description: "^Services CPU \\(Request-based billing\\) in {region}$" };
    const r = await refreshTable("gcp", existing("gcp", "europe-west2", []), [line], recorded({ [gcpSkusUrl("152E-C115-5142")]: "gcp-skus-cloud-run.json" }), ["europe-west1"]);
    expect(r.table.regions["europe-west1"]?.["run.vcpu"]).toMatchObject({ usd: 0.000024, source: { sku: "FIXT-0000-0001", date: "2026-11-01", region: "europe-west1" } });
  });

  it("writes a table file that holds every line with its source", async () => {
    const table = existing("aws", "eu-west-2", ["a"]);
    const text = tableSource("aws", table, "2026-12-01");
    expect(text).toContain("export const PRICE_TABLE: PriceTable = ");
    expect(JSON.parse(text.slice(text.indexOf("= ") + 2, text.lastIndexOf(";")))).toEqual(table);
  });
});

describe("freehold prices refresh without the network", () => {
  let dir = "";
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("fails with a sentence naming the API it could not reach, exit 1, and writes nothing", async () => {
    dir = mkdtempSync(join(tmpdir(), "freehold-prices-"));
    const out = join(dir, "out");
    const err: string[] = [];
    const offline: GetJson = async (url) => {
      throw new PriceApiError(`cannot reach ${new URL(url).host} (ENOTFOUND): refreshing prices needs the network; nothing was written`);
    };
    const code = await runPrices({ positionals: ["refresh"], flags: { clouds: ["aws", "azure"], out } }, { out: () => {}, err: (t) => err.push(t) }, offline);
    expect(code).toBe(1);
    expect(err.join("")).toContain("cannot reach pricing.us-east-1.amazonaws.com (ENOTFOUND): refreshing prices needs the network; nothing was written");
    expect(existsSync(out)).toBe(false);
  });
});
