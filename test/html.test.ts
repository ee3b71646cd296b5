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
import { currencyNote, reportCurrency } from "@freehold/cli";
import { EXAMPLE_STACK, freeholdInProcess as cli, ROOT } from "./cli-helpers";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = join(ROOT, "test", "screenshots");

let browser: Browser;
let dir: string;
/** compare's reports for a stack Azure and Google Cloud refuse (a web service that sets `user`). */
let refusedDir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it with apt-get install -y chromium (or set CHROMIUM_PATH)`);
  dir = mkdtempSync(join(tmpdir(), "freehold-html-"));
  refusedDir = mkdtempSync(join(tmpdir(), "freehold-html-refused-"));
  writeFileSync(join(refusedDir, "stack.yaml"), 'name: shop\ncomponents:\n  db: { kind: database }\n  web: { kind: web-service, image: ghcr.io/example/web:1, public: true, user: "1000", writableRootFilesystem: true, links: [db] }\n');
  const [cmp, exit, refused] = await Promise.all([
    cli(["compare", EXAMPLE_STACK, "--out", dir, "--quiet"]),
    cli(["exit-plan", EXAMPLE_STACK, "--from", "aws", "--to", "gcp", "--out", dir, "--quiet"]),
    cli(["compare", join(refusedDir, "stack.yaml"), "--out", refusedDir, "--quiet"]),
  ]);
  expect(cmp.code, cmp.stderr).toBe(0);
  expect(exit.code, exit.stderr).toBe(0);
  expect(refused.code, refused.stderr).toBe(3);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
});

async function open(file: string, from = dir) {
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
  await page.goto(`file://${join(from, file)}`, { waitUntil: "load" });
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
    expect(await page.locator("table.compare").count()).toBe(5);
    for (const cloud of ["aws", "azure", "gcp"]) {
      const diagram = page.locator(`figure[data-cloud="${cloud}"] svg`);
      expect(await diagram.count()).toBe(1);
      const box = await diagram.boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(300);
      expect(await page.locator(`figure[data-cloud="${cloud}"] g.box`).count()).toBe(6);
    }
    const chart = page.locator("figure.chart svg rect");
    expect(await chart.count()).toBeGreaterThan(12);
    await expect(page.locator("h1")).toBeTruthy();
    expect(await page.locator("h1").textContent()).toBe("crown-marketplace: one stack on 3 clouds");
    await page.close();
  });

  it("shows costs in pounds, with HMRC's rate, its month and its source on the page", async () => {
    const { page } = await open("compare.html");
    for (const text of await page.locator(".card[data-cloud] .big").allTextContents()) expect(text).toMatch(/^£[\d,]+\.\d\d \/month$/);
    expect(await page.locator("p.currency").textContent()).toBe(currencyNote(reportCurrency("GBP")));
    expect(await page.locator("figure.chart svg text", { hasText: /^£[\d,]+\.\d\d\/mo$/ }).count()).toBe(3);
    expect(await page.locator('td:text-is("exchange rate")').count()).toBe(1);
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
    expect(await page.locator("svg[aria-label='Value against portability'] g[data-component]").count()).toBe(5);
    expect(await page.locator("h2").allTextContents()).toEqual(
      expect.arrayContaining(["Inventory", "Target mapping", "Data migration runbook", "Exit cost", "GDS and G-Cloud checklist", "Portability"]),
    );
    expect(await page.locator(".card .big").first().textContent()).toMatch(/^£[\d,]+\.\d\d$/);
    expect(await page.locator("p.currency").first().textContent()).toBe(currencyNote(reportCurrency("GBP")));
    await page.screenshot({ fullPage: true, path: join(SHOTS, "exit-plan.png") });
    await page.close();
  });
});

describe("compare.html with clouds that cannot host the stack", () => {
  it("loads cleanly and shows each refusing cloud as cannot host, with component, feature, reason and fix", async () => {
    const { page, errors, requests } = await open("compare.html", refusedDir);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const azure = page.locator('.card[data-cloud="azure"]');
    expect(await azure.getAttribute("class")).toBe("card failed");
    expect(await azure.locator(".big").textContent()).toBe("cannot host");
    expect(await azure.locator("[data-refusal]").allTextContents()).toEqual([
      "Component: web",
      "Feature: web-service.run-as-user",
      "Reason: Container Apps runs the image's own user and has no setting to change it",
      "Fix: Remove user and set the user in the image (Dockerfile USER), or accept it with acceptDegraded: [web-service.run-as-user]",
    ]);
    expect(await page.locator('.card[data-cloud="gcp"] [data-refusal="feature"]').textContent()).toBe("Feature: web-service.run-as-user");
    expect(await page.locator('.card[data-cloud="aws"]').getAttribute("class")).toBe("card");
    await page.close();
  });

  it("fills the refusing clouds' columns with cannot host and still draws the hosting cloud", async () => {
    const { page } = await open("compare.html", refusedDir);
    // Two components (db, web), two refusing clouds: a "cannot host" cell in each.
    const cells = await page.locator("table.compare .cannot-host").allTextContents();
    expect(cells).toHaveLength(4);
    expect(cells.filter((t) => t.startsWith("cannot host: web needs web-service.run-as-user: "))).toHaveLength(2);
    expect(cells.filter((t) => t === "cannot host (the stack is refused for web: web-service.run-as-user)")).toHaveLength(2);
    expect(await page.locator("figure[data-cloud] svg").count()).toBe(1);
    expect(await page.locator('figure.chart svg text:text-is("cannot host")').count()).toBe(2);
    expect(await page.locator("p.bad", { hasText: "Cannot host the stack as written: web needs web-service.run-as-user" }).count()).toBe(2);
    await page.screenshot({ fullPage: true, path: join(SHOTS, "compare-cannot-host.png") });
    await page.close();
  });
});
