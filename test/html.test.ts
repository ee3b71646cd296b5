/**
 * The HTML reports in a real headless browser (Debian's chromium, driven by
 * playwright-core): they load with no console errors and no network requests,
 * show the tables, the diagrams and the charts, and render to a screenshot.
 */
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_STACK, freehold, ROOT } from "./cli-helpers";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = join(ROOT, "test", "screenshots");

let browser: Browser;
let dir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it with apt-get install -y chromium (or set CHROMIUM_PATH)`);
  dir = mkdtempSync(join(tmpdir(), "freehold-html-"));
  const [cmp, exit] = await Promise.all([
    freehold(["compare", EXAMPLE_STACK, "--out", dir, "--quiet"]),
    freehold(["exit-plan", EXAMPLE_STACK, "--from", "aws", "--to", "gcp", "--out", dir, "--quiet"]),
  ]);
  expect(cmp.code, cmp.stderr).toBe(0);
  expect(exit.code, exit.stderr).toBe(0);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
});

async function open(file: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("request", (r) => {
    if (!r.url().startsWith("file://")) requests.push(r.url());
  });
  await page.goto(`file://${join(dir, file)}`, { waitUntil: "load" });
  return { page, errors, requests };
}

describe("compare.html in headless Chromium", () => {
  it("loads with no console errors and fetches nothing from the network", async () => {
    const { page, errors, requests } = await open("compare.html");
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it("shows a summary card per cloud, the component tables, a diagram per cloud and the cost chart", async () => {
    const { page } = await open("compare.html");
    expect(await page.locator(".card[data-cloud]").count()).toBe(3);
    expect(await page.locator("table.compare").count()).toBe(4);
    for (const cloud of ["aws", "azure", "gcp"]) {
      const diagram = page.locator(`figure[data-cloud="${cloud}"] svg`);
      expect(await diagram.count()).toBe(1);
      const box = await diagram.boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(300);
      expect(await page.locator(`figure[data-cloud="${cloud}"] g.box`).count()).toBe(5);
    }
    const chart = page.locator("figure.chart svg rect");
    expect(await chart.count()).toBeGreaterThan(12);
    await expect(page.locator("h1")).toBeTruthy();
    expect(await page.locator("h1").textContent()).toBe("crown-marketplace: one stack on 3 clouds");
    await page.close();
  });

  it("renders to a full-page screenshot and prints to PDF", async () => {
    const { page } = await open("compare.html");
    const png = await page.screenshot({ fullPage: true, path: join(SHOTS, "compare.png") });
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.readUInt32BE(20)).toBeGreaterThan(2000);
    const pdf = await page.pdf({ format: "A4" });
    expect(pdf.subarray(0, 4).toString()).toBe("%PDF");
    writeFileSync(join(SHOTS, "compare.pdf"), pdf);
    await page.close();
  });
});

describe("exit-plan html in headless Chromium", () => {
  it("loads cleanly and shows the value-versus-portability chart with a dot per component", async () => {
    const { page, errors, requests } = await open("exit-plan-aws-to-gcp.html");
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.locator("svg[aria-label='Value against portability'] g[data-component]").count()).toBe(4);
    expect(await page.locator("h2").allTextContents()).toEqual(
      expect.arrayContaining(["Inventory", "Target mapping", "Data migration runbook", "Exit cost", "GDS and G-Cloud checklist", "Portability"]),
    );
    await page.screenshot({ fullPage: true, path: join(SHOTS, "exit-plan.png") });
    await page.close();
  });
});
