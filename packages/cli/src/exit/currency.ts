import { convert, type ReportCurrency, reportCurrency } from "../report/currency";
import type { ExitPlan } from "./model";

/**
 * An exit plan as reported: the plan (its cost figures stay USD list prices,
 * each with its basis) plus the currency the report shows costs in, with the
 * rate and its date for GBP, and the costs in that currency.
 */
export interface ExitReport extends ExitPlan {
  currency: ReportCurrency;
  /** The exit's costs in `currency`: egress, dual running, the one-off total, the monthly estimates, and each component's monthly estimate. */
  costs: { egress: number; dualRunning: number; oneOff: number; targetMonthly: number; sourceMonthly: number; components: Record<string, number> };
}

export function exitReport(plan: ExitPlan, currency: ReportCurrency = reportCurrency()): ExitReport {
  const c = (usd: number) => convert(usd, currency);
  return {
    ...plan,
    currency,
    costs: {
      egress: c(plan.cost.egressUsd.value),
      dualRunning: c(plan.cost.dualRunningUsd.value),
      oneOff: c(plan.cost.oneOffUsd.value),
      targetMonthly: c(plan.cost.targetMonthlyUsd.value),
      sourceMonthly: c(plan.cost.sourceMonthlyUsd.value),
      components: Object.fromEntries(plan.inventory.map((i) => [i.component, c(i.monthlyUsd)])),
    },
  };
}
