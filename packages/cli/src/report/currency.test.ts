import { describe, expect, it } from "vitest";
import { convert, currencyNote, money, reportCurrency } from "./currency";
import { HMRC_USD_RATE } from "./exchange-rate";

describe("report currency", () => {
  const gbp = reportCurrency("GBP");
  const usd = reportCurrency("USD");

  it("converts USD list amounts to pounds at HMRC's rate, to the penny", () => {
    expect(gbp).toEqual({ code: "GBP", symbol: "£", rate: HMRC_USD_RATE });
    expect(convert(134.56, gbp)).toBe(100);
    expect(convert(614.77, gbp)).toBe(456.87);
    expect(money(1345.6, gbp)).toBe("£1,000.00");
    expect(money(0.01, gbp)).toBe("£0.01");
  });

  it("leaves USD list amounts unconverted for --currency USD", () => {
    expect(usd).toEqual({ code: "USD", symbol: "$" });
    expect(convert(614.77, usd)).toBe(614.77);
    expect(money(1234.5, usd)).toBe("$1,234.50");
  });

  it("states the rate, its month and its source in every note", () => {
    expect(currencyNote(gbp)).toBe(
      "Costs in pounds sterling, converted from the clouds' USD list prices at £1 = $1.3456, HMRC's monthly exchange rate for October 2026 (https://www.trade-tariff.service.gov.uk/api/v2/exchange_rates/files/monthly_csv_2026-10.csv).",
    );
    expect(currencyNote(usd)).toBe("Costs are the clouds' list prices in US dollars, unconverted.");
  });

  it("keeps one rate with its month, dates and HMRC source", () => {
    const r = HMRC_USD_RATE;
    expect(r.usdPerGbp).toBeGreaterThan(1);
    expect(r.month).toMatch(/^\d{4}-\d{2}$/);
    expect(r.validFrom).toBe(`${r.month}-01`);
    expect(r.validTo.startsWith(r.month)).toBe(true);
    expect(r.source.name).toContain("HMRC monthly exchange rates");
    expect(r.source.url).toBe(`https://www.trade-tariff.service.gov.uk/api/v2/exchange_rates/files/monthly_csv_${r.month.replace("-0", "-")}.csv`);
  });
});
