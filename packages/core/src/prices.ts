import type { CostLine, Price } from "./backend";

/** A cost line from a list price. */
export function costLine(item: string, quantity: number, price: Price): CostLine {
  return { item, quantity: round(quantity, 4), unit: price.unit, unitPrice: price.usd, monthlyUsd: round(quantity * price.usd, 2), source: price.source };
}

export function round(n: number, places: number): number {
  const f = 10 ** places;
  return Math.round(n * f) / f;
}

export function sumCost(lines: readonly CostLine[]): number {
  return round(lines.reduce((a, l) => a + l.monthlyUsd, 0), 2);
}
