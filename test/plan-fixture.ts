/** Hand-built plans for tests of what reads a plan (check rules, exit plans): only the fields a test sets matter. */
import { type PlanComponent, PLAN_SCHEMA, type Plan, type PlanError } from "@freehold/cli";
import { type Capability, DEFAULT_ASSUMPTIONS } from "@freehold/core";
import { type Cloud, WebServiceSpec, type WebServiceInput } from "@freehold/model";

const PROVIDERS: Record<Cloud, string> = { aws: "Amazon Web Services", azure: "Microsoft Azure", gcp: "Google Cloud" };

export function planFixture(cloud: Cloud, parts: Partial<Plan> = {}): Plan {
  return {
    schema: PLAN_SCHEMA,
    cloud,
    provider: PROVIDERS[cloud],
    stack: "fixture",
    pulumiStack: "dev",
    region: "",
    location: { city: "", country: "", zones: 0 },
    residency: { rule: "none", allowedCountries: null, locations: [] },
    components: [],
    platform: { resourceCount: 0, estimate: { lines: [], monthlyUsd: 0, fixedUsd: 0, usageUsd: 0 } },
    totals: { monthlyUsd: 0, fixedUsd: 0, usageUsd: 0, resources: 0 },
    afterDestroy: { lines: [], monthlyUsd: 0 },
    assumptions: DEFAULT_ASSUMPTIONS,
    pricing: { region: "", referenceRegion: "", coverage: "own", substituted: [], note: "", unpriced: [], lines: 0, estimatedLines: 0 },
    usage: { source: "built-in defaults", hoursPerMonth: 730, months: 12, components: [] },
    migration: { egress: { usd: 0.09, unit: "GB", source: { name: "fixture", date: "2026-10-01" } }, freeEgressGiB: 100, databases: [], objectStores: [] },
    resources: [],
    warnings: [],
    outputs: {},
    ...parts,
  };
}

/** A plan the cloud refused, as the planning worker writes it. */
export const refusedPlan = (cloud: Cloud, error: Omit<PlanError, "type">): Plan => planFixture(cloud, { error: { type: "unsupported", ...error } });

/** A web service component with the given capability rows for the features it uses. */
export function webServiceFixture(name: string, input: Omit<WebServiceInput, "kind">, features: Array<Capability & { accepted?: boolean }>): PlanComponent {
  return {
    name,
    kind: "web-service",
    service: "fixture service",
    details: {},
    spec: WebServiceSpec.parse({ kind: "web-service", ...input }),
    features,
    availability: { basis: "fixture", source: { name: "fixture", date: "2026-10-01" } },
    estimate: { lines: [], monthlyUsd: 0, fixedUsd: 0, usageUsd: 0 },
    vendorSettings: [],
    outputs: {},
    urn: `urn:pulumi:plan::fixture::freehold:index:WebService::${name}`,
    resourceCount: 0,
  };
}
