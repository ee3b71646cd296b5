/**
 * The `freehold plan` JSON contract (schema "freehold.plan/v1"), documented in
 * docs/plan-contract.md. `compare`, `check` and `exit-plan` read only this:
 * they never re-derive what a backend would do.
 */
import type {
  Availability,
  Capability,
  CostAssumptions,
  CostLine,
  DatabaseMigration,
  ObjectStoreMigration,
  PlannedResource,
  Price,
  RegionPricing,
  SizeChoice,
} from "@freehold/core";
import type { Cloud, Component, ComponentKind } from "@freehold/model";
import type { PlanChanges } from "./previous";
import type { PlanViolation } from "./rules";

export const PLAN_SCHEMA = "freehold.plan/v1";

export interface PlanComponent {
  name: string;
  kind: ComponentKind;
  /** Marketed service, e.g. "Amazon RDS for PostgreSQL". */
  service: string;
  /** The cloud's name for the chosen size, e.g. "db.m7g.large". */
  sku?: string;
  size?: SizeChoice;
  details: Record<string, string | number | boolean>;
  /** The component spec as parsed, defaults filled in. */
  spec: Component;
  /**
   * Neutral features the spec uses, with this cloud's support for each;
   * `accepted` where the spec accepts going without it (acceptDegraded);
   * `preferred` for a default the user did not write (given where the cloud has
   * it, a difference and never a refusal where it has not).
   */
  features: Array<Capability & { accepted?: boolean; preferred?: boolean }>;
  availability: Availability;
  /** Monthly estimate: every line of the component's resources; fixedUsd is billed for what exists, usageUsd follows the usage figures. */
  estimate: CostEstimate;
  /** Vendor escape-hatch settings in use: lock-in points. */
  vendorSettings: string[];
  /** Neutral outputs as the mocks resolve them (secrets "[secret]"). */
  outputs: Record<string, unknown>;
  /** Paths in `outputs` (`url`, `dnsRecords[1].value`) whose values the mocks made up: placeholders until deployed. */
  placeholders?: string[];
  /** URN of the component resource. */
  urn: string;
  /** Cloud resources under this component. */
  resourceCount: number;
}

/** A monthly estimate: its lines, total, and the fixed and usage-driven parts. */
export interface CostEstimate {
  lines: CostLine[];
  monthlyUsd: number;
  fixedUsd: number;
  usageUsd: number;
}

/** How the plan was priced: the region's own prices or another's, the resource types with no price, and how many lines are estimates. */
export interface PlanPricing extends RegionPricing {
  /** Resource types planned that Freehold cannot price (their cost is missing): a warning says so too. */
  unpriced: string[];
  lines: number;
  /** Lines whose figure is an estimate rather than a published list price. */
  estimatedLines: number;
}

/** The usage figures every component was priced with, and which came from the usage file. */
export interface PlanUsage {
  /** The usage file's path, or "built-in defaults". */
  source: string;
  hoursPerMonth: number;
  months: number;
  components: Array<{ name: string; kind: string; figures: Record<string, number>; fromFile: string[] }>;
}

export interface PlanError {
  /** `rules`: the plan's resources break rules of the cloud (`violations`); exit 2, or 3 when every value at fault is one Freehold chose. */
  type: "spec" | "unsupported" | "rules" | "cloud" | "internal";
  message: string;
  component?: string;
  feature?: string;
  reason?: string;
  fix?: string;
  problems?: Array<{ path: string; message: string }>;
  /** With type `rules`: every rule broken, with the component, resource, field, value, rule and source. */
  violations?: PlanViolation[];
}

export interface Plan {
  schema: typeof PLAN_SCHEMA;
  cloud: Cloud;
  /** e.g. "Amazon Web Services". */
  provider: string;
  /** The Freehold stack name (the stack file's `name`, or the Pulumi project). */
  stack: string;
  /** The Pulumi stack planned (`--stack`, default `dev`): part of every physical name. */
  pulumiStack: string;
  /** The cloud region, e.g. "eu-west-2". */
  region: string;
  location: { city: string; country: string; zones: number };
  residency: { rule: string; allowedCountries: string[] | null; locations: Array<{ region: string; country: string; allowed: boolean; use: string }> };
  components: PlanComponent[];
  platform: { urn?: string; resourceCount: number; estimate: CostEstimate };
  totals: { monthlyUsd: number; fixedUsd: number; usageUsd: number; resources: number };
  /** What a destroy leaves billing each month: resources retained on delete (databases, buckets) and final snapshots. */
  afterDestroy: { lines: CostLine[]; monthlyUsd: number };
  /** The usage the plan was priced with (see `usage` for the figures per component). */
  assumptions: CostAssumptions;
  pricing: PlanPricing;
  usage: PlanUsage;
  migration: {
    egress: Price;
    freeEgressGiB: number;
    databases: Array<{ component: string } & DatabaseMigration>;
    objectStores: Array<{ component: string } & ObjectStoreMigration>;
  };
  resources: PlannedResource[];
  warnings: string[];
  outputs: Record<string, unknown>;
  /** Paths in `outputs` whose values the mocks made up: placeholders until deployed. */
  placeholders?: string[];
  /** Present when the cloud cannot host the stack as written; then components and resources are empty. */
  error?: PlanError;
  /** With `--previous`: what `up` would do going from that plan to this one, and what it would refuse. */
  changes?: PlanChanges;
}

/** A plan the cloud could make: no error, so its components, resources and totals are the stack's. */
export type HostedPlan = Plan & { error?: undefined };

/** A plan the cloud could not make: `error` says why; components and resources are empty. */
export type FailedPlan = Plan & { error: PlanError };

export const isHosted = (plan: Plan): plan is HostedPlan => plan.error === undefined;

/**
 * Thrown where a plan the cloud could make is needed and was not given: the
 * command reports the plan's error (a refusal exits 3) instead of reading the
 * empty components of a failed plan.
 */
export class PlanFailedError extends Error {
  override readonly name = "PlanFailedError";
  constructor(readonly plan: FailedPlan) {
    super(`${plan.provider}: ${plan.error.message}`);
  }
}

/** Narrow a plan to one the cloud could make, or throw PlanFailedError. */
export function assertHosted(plan: Plan): asserts plan is HostedPlan {
  if (plan.error) throw new PlanFailedError(plan as FailedPlan);
}
