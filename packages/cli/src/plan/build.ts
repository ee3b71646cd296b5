import {
  type Backend,
  type ComponentRecord,
  type CostAssumptions,
  featuresPreferred,
  featuresUsed,
  type CostLine,
  estimatedLines,
  type MockRun,
  placeholderPaths,
  plainOutputs,
  priceRun,
  RegionPrices,
  round,
  splitCost,
  sumCost,
} from "@freehold/core";
import { type Cloud, locationCountry, RESIDENCIES, residencyAllows, USAGE_FIELDS, usageFor } from "@freehold/model";

/** The country of a cloud location; a multi-region or global location has none (and so satisfies no residency rule). */
function countryOf(cloud: Cloud, location: string): string {
  return locationCountry(cloud, location) ?? `none (${location} is not a single region)`;
}
import { type HostedPlan, PLAN_SCHEMA, type PlanComponent } from "./contract";
import { ownerOf } from "./owner";

/**
 * Build the plan contract from a mock run and the backend that produced it.
 * `names` fills in the stack names for a program with no Freehold components
 * (a plain Pulumi program, an ejected one say), which no component reports.
 */
export async function buildPlan(backend: Backend, run: MockRun, assumptions: CostAssumptions, warnings: string[], names: { stack?: string; pulumiStack?: string } = {}): Promise<HostedPlan> {
  const componentUrns = new Map<string, string>();
  for (const r of run.resources) if (r.type.startsWith("freehold:index:") && r.type !== "freehold:index:Platform") componentUrns.set(r.name, r.urn);
  const platformUrn = run.resources.find((r) => r.type === "freehold:index:Platform")?.urn;
  const counts = new Map<string, number>();
  for (const r of run.resources) {
    const owner = r.custom ? ownerOf(run.resources, r)?.urn : undefined;
    if (owner) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }

  const first = run.components[0];
  const stack = first?.stack;
  const region = stack?.region.region ?? backend.pricing.table.referenceRegion;
  const { components: componentLines, platform: platformLines, afterDestroy, priced } = priceRun(backend.pricing, run, assumptions);

  const capabilities = new Map(backend.capabilities.map((c) => [c.feature, c]));
  const components: PlanComponent[] = [];
  for (const c of run.components) components.push(await planComponent(backend, c, capabilities, componentLines.get(c.name) ?? [], componentUrns, counts, run.invented));

  // platformLines: the shared platform's resources, and in a plain Pulumi program every resource outside a Freehold component.
  const platformCost = sumCost(platformLines);
  const allLines: CostLine[] = [...components.flatMap((c) => c.estimate.lines), ...platformLines];
  for (const type of priced.unpriced) warnings.push(`no price for ${type}: Freehold's ${backend.displayName} pricing has no rule for it, so its cost is missing from the estimate`);
  const residency = stack?.residency ?? "none";
  const allowed: readonly string[] | undefined = RESIDENCIES[residency];
  const regions = new Map<string, { country: string; use: string }>();
  if (stack) regions.set(stack.region.region, { country: stack.region.country, use: "all resources" });
  for (const c of run.components) {
    for (const place of c.description.dataLocations ?? []) {
      if (!regions.has(place.region)) regions.set(place.region, { country: countryOf(backend.cloud, place.region), use: `${c.name} ${place.use}` });
    }
  }

  const databases = run.components.filter((c) => c.kind === "database");
  const stores = run.components.filter((c) => c.kind === "object-store");
  const resolvedDb = await Promise.all(databases.map((c) => plainOutputs(c.outputs) as Promise<Record<string, unknown>>));
  const resolvedStores = await Promise.all(stores.map((c) => plainOutputs(c.outputs) as Promise<Record<string, unknown>>));

  return {
    schema: PLAN_SCHEMA,
    cloud: backend.cloud,
    provider: backend.displayName,
    stack: stack?.name ?? names.stack ?? "",
    pulumiStack: stack?.stack ?? names.pulumiStack ?? "",
    region: stack?.region.region ?? "",
    location: { city: stack?.region.city ?? "", country: stack?.region.country ?? "", zones: stack?.region.zones ?? 0 },
    residency: {
      rule: residency,
      allowedCountries: allowed ? [...allowed] : null,
      locations: [...regions].map(([region, v]) => ({ region, country: v.country, allowed: residencyAllows(residency, v.country), use: v.use })),
    },
    components,
    platform: { urn: platformUrn, resourceCount: platformUrn ? (counts.get(platformUrn) ?? 0) : 0, estimate: { lines: platformLines, monthlyUsd: platformCost, ...splitCost(platformLines) } },
    totals: {
      monthlyUsd: round(components.reduce((a, c) => a + c.estimate.monthlyUsd, 0) + platformCost, 2),
      ...splitCost(allLines),
      resources: run.resources.filter((r) => r.custom).length,
    },
    afterDestroy: { lines: afterDestroy, monthlyUsd: sumCost(afterDestroy) },
    assumptions,
    pricing: { ...priced.region, unpriced: priced.unpriced, lines: allLines.length, estimatedLines: estimatedLines(allLines) },
    usage: usageStatement(assumptions, run.components),
    migration: {
      egress: regionalEgress(backend, region),
      freeEgressGiB: backend.migration.freeEgressGiB,
      databases: databases.map((c, i) => ({
        component: c.name,
        ...backend.migration.database({
          name: c.qualifiedName,
          stack: c.stack,
          databaseName: String(resolvedDb[i]?.databaseName ?? ""),
        }),
      })),
      objectStores: stores.map((c, i) => ({ component: c.name, ...backend.migration.objectStore({ name: c.qualifiedName, stack: c.stack, bucketName: String(resolvedStores[i]?.bucketName ?? "") }) })),
    },
    resources: run.resources,
    warnings,
    outputs: run.outputs,
    placeholders: placeholderPaths(run.outputs, run.invented),
  };
}

/** The internet egress price of the plan's region (a migration's egress leaves from there). */
function regionalEgress(backend: Backend, region: string) {
  try {
    return new RegionPrices(backend.pricing.table, region).get("egress.internet");
  } catch {
    return backend.migration.egress;
  }
}

/** The usage figures each component was priced with, in words, and which came from the usage file. */
function usageStatement(usage: CostAssumptions, components: readonly ComponentRecord[]): { source: string; hoursPerMonth: number; months: number; components: Array<{ name: string; kind: string; figures: Record<string, number>; fromFile: string[] }> } {
  return {
    source: usage.source,
    hoursPerMonth: usage.hoursPerMonth,
    months: usage.months,
    components: components.map((c) => {
      const { figures, fromFile } = usageFor(usage, c.name, c.kind);
      const shown: Record<string, number> = {};
      for (const f of USAGE_FIELDS[c.kind] as readonly string[]) {
        const v = (figures as unknown as Record<string, number | undefined>)[f];
        if (v !== undefined) shown[f] = v;
      }
      return { name: c.name, kind: c.kind, figures: shown, fromFile };
    }),
  };
}

async function planComponent(
  backend: Backend,
  c: ComponentRecord,
  capabilities: Map<string, Backend["capabilities"][number]>,
  lines: CostLine[],
  urns: Map<string, string>,
  counts: Map<string, number>,
  invented: readonly string[],
): Promise<PlanComponent> {
  const outputs = (await plainOutputs(c.outputs)) as Record<string, unknown>;
  const urn = urns.get(c.name) ?? "";
  return {
    name: c.name,
    kind: c.kind,
    service: c.description.service,
    sku: c.description.size?.sku,
    size: c.description.size,
    details: c.description.details ?? {},
    spec: c.spec,
    features: [
      ...featuresUsed(c.spec).map((f) => {
        const row = capabilities.get(f) ?? { feature: f, support: "none" as const, note: `${backend.displayName} backend has no row for ${f}` };
        return row.support !== "full" && (c.spec.acceptDegraded as readonly string[]).includes(f) ? { ...row, accepted: true } : row;
      }),
      // Defaults the user did not write: given where the cloud has them, a difference (never a refusal) where it has not.
      ...featuresPreferred(c.spec).map((f) => ({ ...(capabilities.get(f) ?? { feature: f, support: "none" as const, note: `${backend.displayName} backend has no row for ${f}` }), preferred: true as const })),
    ],
    availability: backend.availability(c.kind, c.spec),
    estimate: { lines, monthlyUsd: sumCost(lines), ...splitCost(lines) },
    vendorSettings: c.vendorSettings,
    outputs,
    placeholders: placeholderPaths(outputs, invented),
    urn,
    resourceCount: counts.get(urn) ?? 0,
  };
}
