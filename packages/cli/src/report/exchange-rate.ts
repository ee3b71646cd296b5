/**
 * The one exchange rate reports use to show the clouds' USD list prices in
 * pounds sterling: HMRC's monthly exchange rate for the US dollar, the UK
 * government's own published rate (HMRC publishes "currency units per £1" for
 * each month, for customs and VAT; the Trade Tariff service publishes the files).
 *
 * October 2026 is the most recent month whose published USD figure could be
 * checked when this was written (November 2026): the stored public copy of
 * HMRC's monthly files held months up to October 2026. To update, replace the
 * figure, the month and its dates with a later month's from HMRC's file; every
 * report states the rate, its month and this source.
 */
export interface ExchangeRate {
  /** US dollars per £1, as HMRC publishes it ("Currency Units per £1"). */
  usdPerGbp: number;
  /** The month the rate applies to, YYYY-MM. */
  month: string;
  /** The month in words, for reports. */
  monthName: string;
  /** First and last day the rate applies, ISO dates. */
  validFrom: string;
  validTo: string;
  /** What the figure is and where it is published. */
  source: { name: string; url: string; copy: string };
}

export const HMRC_USD_RATE: ExchangeRate = {
  usdPerGbp: 1.3456,
  month: "2026-10",
  monthName: "October 2026",
  validFrom: "2026-10-01",
  validTo: "2026-10-31",
  source: {
    name: "HMRC monthly exchange rates, October 2026: USA, Dollar, USD 1.3456 per £1 (period 01/10/2026 to 31/10/2026)",
    url: "https://www.trade-tariff.service.gov.uk/api/v2/exchange_rates/files/monthly_csv_2026-10.csv",
    copy: "read from matchilling/hmrc-exchange-rates rate/2026/10.json (commit 29f76c8a), a public mirror of HMRC's monthly files; its September 2026 figure (1.3554) matches the September 2026 USD row quoted in other public code",
  },
};
