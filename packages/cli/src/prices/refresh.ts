/**
 * `freehold prices refresh`: read each cloud's own price API for every region
 * the model accepts and write the committed price tables, every line with the
 * date and the exact usagetype, meter or SKU it came from. Lines the API does
 * not give keep their hand-written entries (a pricing page's figure, or an
 * estimate marked as one). Nothing here runs at install, test or plan time.
 */
import type { PriceApiLine, PriceTable } from "@freehold/core";
import { type Cloud, CLOUD_REGIONS } from "@freehold/model";

/** Fetch one URL's JSON. The command passes a network fetch; tests pass recorded responses. */
export type GetJson = (url: string) => Promise<unknown>;

export class PriceApiError extends Error {
  override readonly name = "PriceApiError";
}

export interface RefreshResult {
  table: PriceTable;
  /** Lines found in the API, per region. */
  found: Array<{ region: string; key: string }>;
  /** Lines the API did not give (kept as they were). */
  missing: Array<{ region: string; key: string }>;
}

type Priced = { usd: number; date: string; sku: string; url: string; name: string };

/** Refresh a cloud's table from its API, for the given regions (default: every region the model accepts). */
export async function refreshTable(cloud: Cloud, existing: PriceTable, lines: readonly PriceApiLine[], get: GetJson, regions: readonly string[] = Object.keys(CLOUD_REGIONS[cloud])): Promise<RefreshResult> {
  const table: PriceTable = structuredClone(existing);
  const found: RefreshResult["found"] = [];
  const missing: RefreshResult["missing"] = [];
  const reader = READERS[cloud];
  for (const region of regions) {
    const cache = new Map<string, Promise<unknown>>();
    const cachedGet: GetJson = (url) => {
      if (!cache.has(url)) cache.set(url, get(url));
      return cache.get(url) as Promise<unknown>;
    };
    for (const line of lines) {
      const p = await reader(line, region, cachedGet);
      if (!p) {
        missing.push({ region, key: line.key });
        continue;
      }
      table.regions[region] ??= {};
      (table.regions[region] as Record<string, unknown>)[line.key] = { usd: p.usd, unit: line.unit, source: { name: p.name, date: p.date, url: p.url, region, sku: p.sku } };
      found.push({ region, key: line.key });
    }
  }
  return { table, found, missing };
}

const READERS: Record<Cloud, (line: PriceApiLine, region: string, get: GetJson) => Promise<Priced | undefined>> = { aws: awsPrice, azure: azurePrice, gcp: gcpPrice };

const rec = (v: unknown): Record<string, unknown> => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});
const round = (n: number) => Math.round(n * 1e10) / 1e10;

/** The AWS Price List offer file of a service for one region (bulk API). */
export const awsOfferUrl = (service: string, region: string) => `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/${service}/current/${region}/index.json`;

/** AWS: the product whose usagetype, after the region prefix, is the line's; its OnDemand price dimension starting at `beginRange`. */
async function awsPrice(line: PriceApiLine, region: string, get: GetJson): Promise<Priced | undefined> {
  if (line.api !== "aws") return undefined;
  const url = awsOfferUrl(line.service, region);
  const offer = rec(await get(url));
  const products = rec(offer.products);
  const wanted = (ut: string) => ut === line.usagetype || (/^[A-Z0-9]+-/.test(ut) && ut.slice(ut.indexOf("-") + 1) === line.usagetype);
  for (const [sku, product] of Object.entries(products)) {
    const a = rec(rec(product).attributes);
    if (a.regionCode !== region || !wanted(String(a.usagetype ?? ""))) continue;
    if (Object.entries(line.attributes ?? {}).some(([k, v]) => a[k] !== v)) continue;
    for (const term of Object.values(rec(rec(rec(offer.terms).OnDemand)[sku]))) {
      for (const dim of Object.values(rec(rec(term).priceDimensions))) {
        const d = rec(dim);
        if (String(d.beginRange ?? "0") !== (line.beginRange ?? "0")) continue;
        const usd = Number(rec(d.pricePerUnit).USD);
        if (!Number.isFinite(usd)) continue;
        return {
          usd: round(usd * (line.scale ?? 1)),
          date: String(offer.publicationDate ?? "").slice(0, 10),
          sku: String(a.usagetype),
          url,
          name: `AWS Price List ${line.service} ${region} offer file, usagetype ${String(a.usagetype)}, SKU ${sku}: "${String(d.description ?? "")}"`,
        };
      }
    }
  }
  return undefined;
}

/** The Azure Retail Prices API query for one meter in one region. */
export const azurePricesUrl = (serviceName: string, region: string, meterName: string) =>
  `https://prices.azure.com/api/retail/prices?$filter=${encodeURIComponent(`serviceName eq '${serviceName}' and armRegionName eq '${region}' and meterName eq '${meterName}' and priceType eq 'Consumption'`)}`;

/** Azure: the consumption item of the meter (and product and SKU) in the region, at the line's tier; follows NextPageLink. */
async function azurePrice(line: PriceApiLine, region: string, get: GetJson): Promise<Priced | undefined> {
  if (line.api !== "azure") return undefined;
  let url: string | undefined = azurePricesUrl(line.serviceName, region, line.meterName);
  for (let page = 0; url && page < 50; page++) {
    const body = rec(await get(url));
    for (const item of Array.isArray(body.Items) ? body.Items : []) {
      const i = rec(item);
      if (i.armRegionName !== region || i.meterName !== line.meterName || i.type !== "Consumption") continue;
      if (line.productName && i.productName !== line.productName) continue;
      if (line.skuName && i.skuName !== line.skuName) continue;
      if (Number(i.tierMinimumUnits ?? 0) !== (line.tierMinimumUnits ?? 0)) continue;
      return {
        usd: round(Number(i.retailPrice) * (line.scale ?? 1)),
        date: String(i.effectiveStartDate ?? "").slice(0, 10),
        sku: `${String(i.meterName)} (meterId ${String(i.meterId)})`,
        url: azurePricesUrl(line.serviceName, region, line.meterName),
        name: `Azure Retail Prices API, ${region}, ${String(i.productName)}, SKU ${String(i.skuName)}, meter "${String(i.meterName)}" per ${String(i.unitOfMeasure)}`,
      };
    }
    url = typeof body.NextPageLink === "string" && body.NextPageLink ? body.NextPageLink : undefined;
  }
  return undefined;
}

/** The Cloud Billing Catalog API's SKU list for a service (an API key is required: GOOGLE_API_KEY). */
export const gcpSkusUrl = (serviceId: string, pageToken?: string) => `https://cloudbilling.googleapis.com/v1/services/${serviceId}/skus?currencyCode=USD&pageSize=5000${pageToken ? `&pageToken=${pageToken}` : ""}`;

/** Google Cloud: the SKU whose description matches and whose serviceRegions hold the region; its tiered rate starting at `startUsageAmount`. */
async function gcpPrice(line: PriceApiLine, region: string, get: GetJson): Promise<Priced | undefined> {
  if (line.api !== "gcp") return undefined;
  const place = line.places?.[region];
  if (line.description.includes("{city}") && !place) return undefined;
  const pattern = new RegExp(line.description.replace("{region}", region).replace("{city}", place ?? ""));
  let token: string | undefined;
  for (let page = 0; page < 50; page++) {
    const url = gcpSkusUrl(line.serviceId, token);
    const body = rec(await get(url));
    for (const item of Array.isArray(body.skus) ? body.skus : []) {
      const sku = rec(item);
      const regions = Array.isArray(sku.serviceRegions) ? sku.serviceRegions : [];
      if (!regions.includes(region) || !pattern.test(String(sku.description ?? ""))) continue;
      const info = rec((Array.isArray(sku.pricingInfo) ? sku.pricingInfo : [])[0]);
      const expr = rec(info.pricingExpression);
      const rates = Array.isArray(expr.tieredRates) ? expr.tieredRates.map(rec) : [];
      const rate = rates.find((r) => Number(r.startUsageAmount ?? 0) === (line.startUsageAmount ?? 0));
      if (!rate) continue;
      const unit = rec(rate.unitPrice);
      const usd = Number(unit.units ?? 0) + Number(unit.nanos ?? 0) / 1e9;
      return {
        usd: round(usd * (line.scale ?? 1)),
        date: String(info.effectiveTime ?? "").slice(0, 10),
        sku: String(sku.skuId),
        url: `https://cloudbilling.googleapis.com/v1/services/${line.serviceId}/skus`,
        name: `Google Cloud Billing Catalog, service ${line.serviceId}, SKU ${String(sku.skuId)} "${String(sku.description)}" per ${String(expr.usageUnitDescription ?? expr.usageUnit ?? "unit")}`,
      };
    }
    token = typeof body.nextPageToken === "string" && body.nextPageToken ? body.nextPageToken : undefined;
    if (!token) break;
  }
  return undefined;
}

/** The table as the TypeScript file the backend imports: a header saying what wrote it, then the data. */
export function tableSource(cloud: Cloud, table: PriceTable, date: string): string {
  const api = { aws: "the AWS Price List bulk API", azure: "the Azure Retail Prices API", gcp: "the Google Cloud Billing Catalog API" }[cloud];
  return `/**
 * ${cloud} list prices, USD, per region: every line with its source, date, region
 * and the cloud's own name for it. Lines from ${api} were written by
 * \`freehold prices refresh\` on ${date}; lines marked \`estimate\` were not found in a
 * citable copy and are counted as estimates in every report. docs/costs.md says how to add a line.
 */
import type { PriceTable } from "@freehold/core";

export const PRICE_TABLE: PriceTable = ${JSON.stringify(table, null, 2)};
`;
}
