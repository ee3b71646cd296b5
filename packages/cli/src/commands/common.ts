import { type CostAssumptions, DEFAULT_ASSUMPTIONS } from "@freehold/core";
import { CLOUDS } from "@freehold/model";
import type { FlagSpec, ParsedArgs } from "../args";
import { CURRENCIES, type CurrencyCode, type ReportCurrency, reportCurrency } from "../report/currency";

export const CLOUD_FLAG: FlagSpec = { name: "cloud", type: "string", values: CLOUDS, required: true, description: "The cloud to plan on.", placeholder: "aws|azure|gcp" };
export const STACK_FLAG: FlagSpec = {
  name: "stack",
  type: "string",
  placeholder: "NAME",
  default: "dev",
  description: "The Pulumi stack to plan: part of every physical name (dev and prod get different names), and what pulumi.getStack() returns. For a Pulumi program, Pulumi.<NAME>.yaml config is read too when it exists.",
};

export const CURRENCY_FLAG: FlagSpec = {
  name: "currency",
  type: "string",
  values: CURRENCIES,
  default: "GBP",
  placeholder: "GBP|USD",
  description: "Currency for costs: GBP converts the clouds' USD list prices at HMRC's monthly exchange rate (the report states it); USD shows list prices unconverted.",
};

export const currencyFrom = (args: ParsedArgs): ReportCurrency => reportCurrency((args.flags.currency as CurrencyCode | undefined) ?? "GBP");

export const ASSUMPTION_FLAGS: FlagSpec[] = [
  { name: "hours", type: "number", placeholder: "N", description: "Hours a month the stack runs.", default: DEFAULT_ASSUMPTIONS.hoursPerMonth },
  { name: "storage-gib", type: "number", placeholder: "N", description: "Data stored per object store, GiB.", default: DEFAULT_ASSUMPTIONS.objectStorageGiB },
  { name: "requests-millions", type: "number", placeholder: "N", description: "Requests per web service a month, millions.", default: DEFAULT_ASSUMPTIONS.requestsMillions },
  { name: "egress-gib", type: "number", placeholder: "N", description: "Internet egress per web service a month, GiB.", default: DEFAULT_ASSUMPTIONS.egressGiB },
];

export function assumptionsFrom(args: ParsedArgs): CostAssumptions {
  return {
    ...DEFAULT_ASSUMPTIONS,
    hoursPerMonth: Number(args.flags.hours ?? DEFAULT_ASSUMPTIONS.hoursPerMonth),
    objectStorageGiB: Number(args.flags["storage-gib"] ?? DEFAULT_ASSUMPTIONS.objectStorageGiB),
    requestsMillions: Number(args.flags["requests-millions"] ?? DEFAULT_ASSUMPTIONS.requestsMillions),
    egressGiB: Number(args.flags["egress-gib"] ?? DEFAULT_ASSUMPTIONS.egressGiB),
  };
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
}
