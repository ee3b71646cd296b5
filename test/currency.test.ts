/**
 * Reports show costs in pounds by default (tested with compare and exit-plan in
 * cli.test.ts); --currency USD gives the clouds' list prices unconverted; the
 * plan JSON contract stays USD whatever the flag says; a bad value is a usage error.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Comparison, currencyNote, type ExitReport, HMRC_USD_RATE, money, type Plan, reportCurrency } from "@freehold/cli";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_STACK, freeholdInProcess as cli, type Run } from "./cli-helpers";

const GBP = reportCurrency("GBP");
const USD = reportCurrency("USD");

describe("--currency USD", () => {
  let dir: string;
  let cmp: Comparison;
  let exit: Run;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "freehold-usd-"));
    const [compare, exitRun] = await Promise.all([
      cli(["compare", EXAMPLE_STACK, "--out", dir, "--quiet", "--currency", "USD"]),
      cli(["exit-plan", EXAMPLE_STACK, "--from", "aws", "--to", "gcp", "--quiet", "--format", "json", "--currency", "USD"]),
    ]);
    expect(compare.code, compare.stderr).toBe(0);
    cmp = JSON.parse(readFileSync(join(dir, "compare.json"), "utf8")) as Comparison;
    exit = exitRun;
  });

  it("compare shows list prices unconverted and says so, in md, html and json", () => {
    expect(cmp.currency).toEqual(USD);
    for (const c of cmp.clouds) expect(c.monthly).toBe(c.monthlyUsd);
    const md = readFileSync(join(dir, "compare.md"), "utf8");
    expect(md).toContain(currencyNote(USD));
    expect(md).toContain("| Component | Item | Basis | Quantity | Unit price | Monthly ($) | Source |");
    expect(md).toContain(`| Estimated monthly cost | ${cmp.clouds.map((c) => money(c.monthlyUsd, USD)).join(" | ")} |`);
    expect(md).not.toContain("£");
    expect(md).not.toContain("exchange rate |");
    const html = readFileSync(join(dir, "compare.html"), "utf8");
    expect(html).toContain(`<p class="currency">Costs are the clouds&#39; list prices in US dollars, unconverted.</p>`);
    expect(html).not.toContain("£");
  });

  it("exit-plan keeps every cost in USD", () => {
    expect(exit.code, exit.stderr).toBe(0);
    const p = JSON.parse(exit.stdout) as ExitReport;
    expect(p.currency).toEqual(USD);
    expect(p.costs).toMatchObject({ oneOff: p.cost.oneOffUsd.value, targetMonthly: p.cost.targetMonthlyUsd.value, sourceMonthly: p.cost.sourceMonthlyUsd.value });
  });
});

describe("plan and money", () => {
  let table: Run;
  let md: Run;
  let json: Run;
  let jsonUsd: Run;
  beforeAll(async () => {
    [table, md, json, jsonUsd] = await Promise.all([
      cli(["plan", EXAMPLE_STACK, "--cloud", "azure"]),
      cli(["plan", EXAMPLE_STACK, "--cloud", "azure", "--format", "md", "--currency", "USD"]),
      cli(["plan", EXAMPLE_STACK, "--cloud", "azure", "--format", "json"]),
      cli(["plan", EXAMPLE_STACK, "--cloud", "azure", "--format", "json", "--currency", "USD"]),
    ]);
  });

  it("the table shows pounds at HMRC's rate, with the rate stated", () => {
    expect(table.code, table.stderr).toBe(0);
    const plan = JSON.parse(json.stdout) as Plan;
    const [headline, note] = table.stdout.split("\n");
    expect(headline).toBe(
      `Microsoft Azure, uksouth (London, GB): ${plan.totals.resources} resources, about ${money(plan.totals.monthlyUsd, GBP)} a month (${money(plan.totals.fixedUsd, GBP)} fixed, ${money(plan.totals.usageUsd, GBP)} usage-driven)`,
    );
    expect(note).toBe(currencyNote(GBP));
    expect(table.stdout).toMatch(new RegExp(`^db .* ${money(plan.components.find((c) => c.name === "db")?.estimate.monthlyUsd ?? 0, GBP).replace(/[.]/g, "\\.")}$`, "m"));
  });

  it("md with --currency USD shows list prices", () => {
    expect(md.code, md.stderr).toBe(0);
    const plan = JSON.parse(json.stdout) as Plan;
    expect(md.stdout).toContain(`about ${money(plan.totals.monthlyUsd, USD)} a month (${money(plan.totals.fixedUsd, USD)} fixed, ${money(plan.totals.usageUsd, USD)} usage-driven).\n`);
    expect(md.stdout).toContain(`\n${currencyNote(USD)}\n`);
    expect(md.stdout).not.toContain("£");
  });

  it("the JSON contract is USD whatever --currency says: byte-identical, no conversion", () => {
    expect(json.code).toBe(0);
    expect(jsonUsd.stdout).toBe(json.stdout);
    expect(json.stdout).not.toContain("£");
    expect(JSON.parse(json.stdout)).not.toHaveProperty("currency");
    expect(HMRC_USD_RATE.usdPerGbp).toBe(1.3456);
  });
});

describe("a bad --currency", () => {
  for (const [command, args] of [
    ["plan", ["--cloud", "aws"]],
    ["compare", []],
    ["exit-plan", ["--from", "aws", "--to", "gcp"]],
  ] as const) {
    it(`is a usage error on ${command} that lists the allowed values`, async () => {
      const r = await cli([command, EXAMPLE_STACK, ...args, "--currency", "EUR"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`freehold ${command}: --currency: "EUR" is not allowed; allowed: GBP, USD\nRun \`freehold ${command} --help\` for usage.\n`);
    });
  }
  it("suggests the right case for a lower-case code", async () => {
    const r = await cli(["compare", EXAMPLE_STACK, "--currency", "usd"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('freehold compare: --currency: "usd" is not allowed; allowed: GBP, USD. Did you mean "USD"?\nRun `freehold compare --help` for usage.\n');
  });
});
