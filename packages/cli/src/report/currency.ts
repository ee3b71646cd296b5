import { type ExchangeRate, HMRC_USD_RATE } from "./exchange-rate";
import { amount } from "./format";

/** Currencies a report can show costs in; the clouds' list prices are USD. */
export const CURRENCIES = ["GBP", "USD"] as const;
export type CurrencyCode = (typeof CURRENCIES)[number];

/** The currency a report shows costs in: GBP converts the USD list prices at `rate`; USD shows them as listed. */
export interface ReportCurrency {
  code: CurrencyCode;
  symbol: "£" | "$";
  /** Present for GBP: the dated, sourced rate every amount was converted at. */
  rate?: ExchangeRate;
}

export function reportCurrency(code: CurrencyCode = "GBP"): ReportCurrency {
  return code === "GBP" ? { code, symbol: "£", rate: HMRC_USD_RATE } : { code, symbol: "$" };
}

/** A USD list amount in the report's currency, to the penny (or cent). */
export function convert(usd: number, currency: ReportCurrency): number {
  return Math.round((currency.rate ? usd / currency.rate.usdPerGbp : usd) * 100) / 100;
}

/** A USD list amount shown in the report's currency, e.g. "£1,234.56". */
export function money(usd: number, currency: ReportCurrency): string {
  return amount(convert(usd, currency), currency.symbol);
}

/** The sentence every report carries about its money: the currency, and for GBP the rate, its month and its source. */
export function currencyNote(currency: ReportCurrency): string {
  const r = currency.rate;
  if (!r) return "Costs are the clouds' list prices in US dollars, unconverted.";
  return `Costs in pounds sterling, converted from the clouds' USD list prices at £1 = $${r.usdPerGbp}, HMRC's monthly exchange rate for ${r.monthName} (${r.source.url}).`;
}
