/**
 * Pricing what a plan creates. Each backend gives a price table (per region,
 * every line with its source) and one rule per cloud resource type: a function
 * that prices a planned resource, or a reason it costs nothing of its own.
 * `priceResources` walks the planned resources, so a resource that is not
 * created is never charged, and a resource type with neither a rule nor a
 * reason is reported as unpriced (a test keeps that list empty).
 * docs/costs.md says how to add a priced line.
 */
import { type Cloud, type Component, type ComponentKind, type KindUsage, parseCron, runsPerMonth, type Usage, usageFor } from "@freehold/model";
import type { CostLine, Price, SizeChoice, Source } from "./backend";
import type { ComponentRecord } from "./components";
import { ownerOf } from "./owner";
import type { MockRun, PlannedResource } from "./plan";

/** A cloud's price table: every line by key, per region, each with its source. Written by `freehold prices refresh` (API lines) and by hand (page lines). */
export interface PriceTable {
  cloud: Cloud;
  /** Where a region has no price for a line, this region's is used, and the plan says so. */
  referenceRegion: string;
  /** Lines priced the same in every region. */
  global: Record<string, Price>;
  /** Lines per region code. */
  regions: Record<string, Record<string, Price>>;
}

/** One region's prices. A line the region lacks is the reference region's, marked so in its source and recorded in `substituted`. */
export class RegionPrices {
  /** Keys priced at another region's price, and that region. */
  readonly substituted = new Map<string, string>();
  constructor(
    readonly table: PriceTable,
    readonly region: string,
  ) {}

  get(key: string): Price {
    const own = this.table.regions[this.region]?.[key] ?? this.table.global[key];
    if (own) return own;
    const ref = this.table.regions[this.table.referenceRegion]?.[key];
    if (!ref) throw new Error(`the ${this.table.cloud} price table has no line "${key}", not even for ${this.table.referenceRegion}`);
    this.substituted.set(key, this.table.referenceRegion);
    return { ...ref, source: { ...ref.source, name: `${ref.source.name} [${this.table.referenceRegion} price: no ${this.region} price in Freehold's table]` } };
  }

  /** True where the region has a line of its own (or the line is global). */
  has(key: string): boolean {
    return Boolean(this.table.regions[this.region]?.[key] ?? this.table.global[key]);
  }
}

/** A Freehold component as pricing sees it. */
export interface PricedComponent {
  name: string;
  kind: ComponentKind;
  spec: Component;
  size?: SizeChoice;
}

/** What a rule may read besides the resource itself. */
export interface PricingContext {
  region: string;
  prices: RegionPrices;
  usage: Usage;
  /** Hours a month (the usage's). */
  hours: number;
  /** The component the resource belongs to; absent for the shared platform's resources. */
  component?: PricedComponent;
  /** Every component of the stack. */
  components: readonly PricedComponent[];
  /** Every planned resource, to find related ones. */
  resources: readonly PlannedResource[];
  /** A component's usage figures (its own, its kind's default, or the built-in one). */
  usageOf<K extends ComponentKind>(component: { name: string; kind: K }): KindUsage[K];
}

/** Prices one planned resource: its lines, fixed and usage-based. */
export type ResourcePricer = (resource: PlannedResource, ctx: PricingContext) => CostLine[];

/** How a backend bills what it creates. */
export interface BackendPricing {
  table: PriceTable;
  /** Billed resource types: one rule each. */
  priced: Readonly<Record<string, ResourcePricer>>;
  /** Resource types with no charge of their own, each with the reason. */
  free: Readonly<Record<string, string>>;
  /** Where `freehold prices refresh` finds each line in the cloud's price API. */
  api: readonly PriceApiLine[];
}

/** Resource types of Pulumi's utility providers: they live in the Pulumi state, not in a cloud account. */
export const FREE_UTILITY_TYPES: Readonly<Record<string, string>> = {
  "random:index/randomPassword:RandomPassword": "generated in the Pulumi state; no cloud resource",
  "random:index/randomString:RandomString": "generated in the Pulumi state; no cloud resource",
  "random:index/randomId:RandomId": "generated in the Pulumi state; no cloud resource",
  "time:index/sleep:Sleep": "a wait in the deployment; no cloud resource",
};

/**
 * Why a resource type costs nothing, when it does: the backend's own free
 * types, the utility providers' state-only resources, and any Pulumi provider
 * (`pulumi:providers:<package>`), which is configuration held in the Pulumi
 * state, not a cloud resource. Undefined for a type that is billed or unknown.
 */
export function freeReason(pricing: Pick<BackendPricing, "free">, type: string): string | undefined {
  const own = (pricing.free as Record<string, string | undefined>)[type] ?? FREE_UTILITY_TYPES[type];
  if (own !== undefined) return own;
  if (type.startsWith("pulumi:providers:")) return "a Pulumi provider: its configuration is kept in the Pulumi state; no cloud resource";
  return undefined;
}

/** The priced plan: lines per resource URN, the types nobody prices, and how the region was priced. */
export interface PricedResources {
  lines: Map<string, CostLine[]>;
  /** Resource types planned that have neither a rule nor a reason: a gap in the backend's pricing. */
  unpriced: string[];
  region: RegionPricing;
}

/** How a plan's region was priced: its own prices, or which lines took another region's. */
export interface RegionPricing {
  region: string;
  referenceRegion: string;
  /** "own": every line is the region's; "partial": some lines are the reference region's; "none": the table has nothing for the region. */
  coverage: "own" | "partial" | "none";
  /** Lines priced at the reference region's price. */
  substituted: string[];
  /** One sentence for every report. */
  note: string;
}

/** Price every planned cloud resource with the backend's rules. */
export function priceResources(
  pricing: BackendPricing,
  args: { region: string; usage: Usage; resources: readonly PlannedResource[]; components: readonly PricedComponent[]; componentOf(r: PlannedResource): PricedComponent | undefined },
): PricedResources {
  const prices = new RegionPrices(pricing.table, args.region);
  const lines = new Map<string, CostLine[]>();
  const unpriced = new Set<string>();
  const base = {
    region: args.region,
    prices,
    usage: args.usage,
    hours: args.usage.hoursPerMonth,
    components: args.components,
    resources: args.resources,
    usageOf: <K extends ComponentKind>(c: { name: string; kind: K }) => usageFor(args.usage, c.name, c.kind).figures,
  };
  for (const r of args.resources) {
    if (!r.custom) continue;
    const rule = pricing.priced[r.type];
    if (!rule) {
      if (freeReason(pricing, r.type) === undefined) unpriced.add(r.type);
      continue;
    }
    const component = args.componentOf(r);
    let priced: CostLine[];
    try {
      priced = rule(r, { ...base, ...(component ? { component } : {}) });
    } catch (e) {
      // A rule that cannot price this resource (a size the table lacks): the plan still comes back, with the gap named.
      unpriced.add(`${r.type} (${r.name}: ${(e as Error).message})`);
      continue;
    }
    priced = priced.map((l) => ({ ...l, resourceType: l.resourceType ?? r.type, ...(r.options.retainOnDelete ? { retained: true } : {}) }));
    if (priced.length) lines.set(r.urn, priced);
  }
  return { lines, unpriced: [...unpriced].sort(), region: regionPricing(pricing.table, args.region, prices) };
}

/**
 * A run priced: each component's monthly lines (by name), the shared
 * platform's (with any resource outside a component), what a destroy leaves
 * billing (retained resources and final snapshots), and the pricing behind them.
 */
export interface PricedRun {
  components: Map<string, CostLine[]>;
  platform: CostLine[];
  afterDestroy: CostLine[];
  priced: PricedResources;
}

/** Price a mock run with a backend's rules: every cloud resource under the Freehold component it belongs to, in the stack's region. */
export function priceRun(pricing: BackendPricing, run: Pick<MockRun, "resources" | "components">, usage: Usage): PricedRun {
  const region = run.components[0]?.stack.region.region ?? pricing.table.referenceRegion;
  const components: PricedComponent[] = run.components.map((c: ComponentRecord) => ({ name: c.name, kind: c.kind, spec: c.spec, size: c.description.size }));
  const urns = new Map<string, PricedComponent>();
  for (const r of run.resources) {
    const c = r.type.startsWith("freehold:index:") && r.type !== "freehold:index:Platform" ? components.find((x) => x.name === r.name) : undefined;
    if (c) urns.set(r.urn, c);
  }
  // A plain Pulumi program (no Freehold component) has no usage to price with: it shows its resources, not costs.
  const resources = components.length ? run.resources : [];
  const priced = priceResources(pricing, { region, usage, resources, components, componentOf: (r) => urns.get(ownerOf(run.resources, r)?.urn ?? "") });
  const byName = new Map<string, CostLine[]>(components.map((c) => [c.name, []]));
  const platform: CostLine[] = [];
  const afterDestroy: CostLine[] = [];
  for (const r of run.resources) {
    const lines = priced.lines.get(r.urn);
    if (!lines) continue;
    const c = urns.get(ownerOf(run.resources, r)?.urn ?? "");
    (c ? (byName.get(c.name) as CostLine[]) : platform).push(...lines.filter((l) => !l.afterDestroy));
    afterDestroy.push(...lines.filter((l) => l.afterDestroy || l.retained));
  }
  return { components: byName, platform, afterDestroy, priced };
}

function regionPricing(table: PriceTable, region: string, prices: RegionPrices): RegionPricing {
  const substituted = [...prices.substituted.keys()].sort();
  const ref = table.referenceRegion;
  const hasRegion = Object.keys(table.regions[region] ?? {}).length > 0;
  const coverage = substituted.length === 0 ? "own" : hasRegion ? "partial" : "none";
  const note =
    coverage === "own"
      ? `Prices are ${region}'s own list prices.`
      : coverage === "none"
        ? `${region}'s prices are unknown to Freehold's price table: every line is priced at ${ref}'s prices (run \`freehold prices refresh\` where the network allows to fetch ${region}'s).`
        : `${region}'s prices are unknown for ${substituted.length} line${substituted.length === 1 ? "" : "s"} (${substituted.join(", ")}): those use ${ref}'s prices; every other line is ${region}'s own.`;
  return { region, referenceRegion: ref, coverage, substituted, note };
}

/** Readers for a planned resource's inputs (as recorded: plain JSON values), for pricing rules. */
export const inputs = {
  str: (v: unknown): string | undefined => (typeof v === "string" ? v : undefined),
  num: (v: unknown): number | undefined => (typeof v === "number" ? v : undefined),
  obj: (v: unknown): Record<string, unknown> => (v && typeof v === "object" ? (v as Record<string, unknown>) : {}),
};

/**
 * How often the scheduled job a resource belongs to runs a month (from its schedule, over a reference year), how long
 * a run takes (the usage's `runMinutes`), its retries and its log volume (`logGiB`); undefined outside a scheduled job. Every backend prices a
 * job's run time from these.
 */
export function scheduledJobRuns(ctx: PricingContext): { runs: number; minutes: number; retries: number; logGiB: number } | undefined {
  const c = ctx.component;
  if (c?.spec.kind !== "scheduled-job") return undefined;
  const cron = parseCron(c.spec.schedule).cron;
  const usage = ctx.usageOf({ name: c.name, kind: "scheduled-job" });
  return { runs: cron ? Math.round(runsPerMonth(cron) * 100) / 100 : 0, minutes: usage.runMinutes, retries: c.spec.retries, logGiB: usage.logGiB };
}

/** A cost line from a list price; `basis` says whether it is billed for what exists ("fixed") or for the usage figures ("usage"). */
export function costLine(item: string, quantity: number, price: Price, basis: CostLine["basis"] = "fixed"): CostLine {
  return { item, quantity: round(quantity, 4), unit: price.unit, unitPrice: price.usd, monthlyUsd: round(quantity * price.usd, 2), source: price.source, basis };
}

/** A price with its source: the shape every table line has. */
export function price(usd: number, unit: string, source: Source): Price {
  return { usd, unit, source };
}

export function round(n: number, places: number): number {
  const f = 10 ** places;
  return Math.round(n * f) / f;
}

export function sumCost(lines: readonly CostLine[]): number {
  return round(lines.reduce((a, l) => a + l.monthlyUsd, 0), 2);
}

/** Fixed and usage-based totals of some lines. */
export function splitCost(lines: readonly CostLine[]): { fixedUsd: number; usageUsd: number } {
  return { fixedUsd: sumCost(lines.filter((l) => l.basis === "fixed")), usageUsd: sumCost(lines.filter((l) => l.basis === "usage")) };
}

/** Count of lines whose figure is an estimate rather than a published list price. */
export function estimatedLines(lines: readonly CostLine[]): number {
  return lines.filter((l) => l.source.estimate).length;
}

/**
 * Where a line of a price table is found in its cloud's price API, for
 * `freehold prices refresh`. A line is looked up in every region the model
 * accepts; what the API does not have keeps its hand-written entry.
 */
export type PriceApiLine =
  | {
      /** AWS Price List bulk API: the offer file of `service` for the region; the product whose usagetype is `usagetype` after the region's prefix (and whose attributes match). */
      api: "aws";
      key: string;
      unit: string;
      service: string;
      usagetype: string;
      attributes?: Record<string, string>;
      /** Price dimension starting at this quantity. @default "0" */
      beginRange?: string;
      /** Multiply the API's unit price (e.g. 1000 for a price per 1,000 requests). @default 1 */
      scale?: number;
    }
  | {
      /** Azure Retail Prices API: the consumption item of `serviceName` with `meterName` (and `productName`, `skuName`) in the region. */
      api: "azure";
      key: string;
      unit: string;
      serviceName: string;
      meterName: string;
      productName?: string;
      skuName?: string;
      /** Tier starting at this many units. @default 0 */
      tierMinimumUnits?: number;
      scale?: number;
    }
  | {
      /** Google Cloud Billing Catalog API: the SKU of service `serviceId` whose description matches `description` (`{region}` stands for the region code, `{city}` for its name in SKU descriptions) and whose serviceRegions hold the region. */
      api: "gcp";
      key: string;
      unit: string;
      serviceId: string;
      description: string;
      /** The region's name as SKU descriptions spell it, by region code. */
      places?: Readonly<Record<string, string>>;
      /** Tier starting at this usage. @default 0 */
      startUsageAmount?: number;
      scale?: number;
    };
