import type { CostLine } from "@freehold/core";
import { currencyNote, money, type ReportCurrency } from "../report/currency";
import { amount, escapeHtml, htmlTable, mdTable, pct, textTable } from "../report/format";
import { htmlPage } from "../report/html";
import { pricingLine, usageLines } from "../report/costs";
import { costChart, planDiagram } from "../report/svg";
import { freeholdExit } from "../exit/portability";
import { isHosted, type Plan } from "../plan/contract";
import { dnsCells } from "../report/placeholders";
import { refusalLines, refusalSentence } from "../report/refusal";
import { type CloudCell, type ComparedCloud, type ComparedComponent, type Comparison, plannedFrom } from "./model";

const sizeText = (c: { sku?: string; cpu?: number; memoryGiB?: number }) => (c.sku ? `${c.sku}${c.cpu !== undefined ? ` (${c.cpu} vCPU, ${c.memoryGiB} GiB)` : ""}` : "—");

function assumptionsText(cmp: Comparison): string[] {
  return [
    ...usageLines(cmp.usage),
    `list prices in USD${cmp.currency.rate ? `, converted to pounds at £1 = $${cmp.currency.rate.usdPerGbp} (HMRC's monthly rate for ${cmp.currency.rate.monthName})` : ""}; pay-as-you-go, no discounts or free tiers unless a line says so; tax excluded`,
  ];
}

/** Per cloud: whose prices its region was priced at, and how many lines are estimates. */
function pricingText(cmp: Comparison): string[] {
  return cmp.clouds.filter((c) => c.ok).map((c) => pricingLine(c.provider, c.pricing));
}

/** Every distinct price source used, and the exchange rate, for the sources section: cloud, source, date, kind. */
function sources(cmp: Comparison): string[][] {
  const seen = new Map<string, string[]>();
  for (const c of cmp.clouds) {
    const lines: CostLine[] = [...c.platform.lines, ...cmp.components.flatMap((x) => x.clouds[c.cloud]?.lines ?? [])];
    for (const l of lines) seen.set(`${c.cloud}|${l.source.name}|${l.source.date}`, [c.cloud, l.source.name, l.source.date, l.source.estimate ? "estimate" : "list price"]);
  }
  const rate = cmp.currency.rate;
  return [...seen.values(), ...(rate ? [["all", `${rate.source.name}: ${rate.source.url}`, rate.month, "exchange rate"]] : [])];
}

/** One cloud's cost lines, component by component then the platform: list unit prices in USD, monthly amounts in the report's currency. */
function costLineRows(cmp: Comparison, c: ComparedCloud): string[][] {
  return [
    ...cmp.components.flatMap((comp) => (comp.clouds[c.cloud]?.lines ?? []).map((l) => [comp.name, ...lineCells(l, cmp.currency)])),
    ...c.platform.lines.map((l) => ["platform", ...lineCells(l, cmp.currency)]),
  ];
}

const costHead = (cur: ReportCurrency) => ["Component", "Item", "Basis", "Quantity", cur.rate ? "Unit price (USD list)" : "Unit price", `Monthly (${cur.symbol})`, "Source"];

export function compareMarkdown(cmp: Comparison, plans: Plan[]): string {
  const clouds = cmp.clouds;
  const out: string[] = [`# ${cmp.stack}: one stack on ${clouds.length} clouds`, "", `Planned offline from ${plannedFrom(cmp, (x) => `\`${x}\``)} with Pulumi's mock runtime: nothing was deployed.`, "", currencyNote(cmp.currency), ""];
  out.push("## Summary", "");
  out.push(
    mdTable(
      ["", ...clouds.map((c) => c.provider)],
      [
        ["Region", ...clouds.map((c) => (c.region ? `${c.region} (${c.city}, ${c.country})` : "—"))],
        ["Can host the stack as written", ...clouds.map((c) => (c.ok ? "yes" : `**cannot host**: ${refusalSentence(c.error)}`))],
        ["UK residency", ...clouds.map((c) => (c.ok ? residencyText(c) : "—"))],
        ["Cloud resources", ...clouds.map((c) => (c.ok ? String(c.resources) : "—"))],
        ["Estimated monthly cost", ...clouds.map((c) => (c.ok ? money(c.monthlyUsd, cmp.currency) : "cannot host"))],
        ["of which fixed (what is created)", ...clouds.map((c) => (c.ok ? money(c.fixedUsd, cmp.currency) : "—"))],
        ["of which usage-driven (the usage below)", ...clouds.map((c) => (c.ok ? money(c.usageUsd, cmp.currency) : "—"))],
        ["Left billing after a destroy (retained data, final snapshots)", ...clouds.map((c) => (c.ok ? money(c.afterDestroyUsd, cmp.currency) : "—"))],
        ["Prices", ...clouds.map((c) => (c.ok ? c.pricing.note : "—"))],
      ],
    ),
    "",
    ...pricingText(cmp).map((l) => `- ${l}`),
    "",
  );
  const head = ["", ...clouds.map((c) => c.provider)];
  for (const comp of cmp.components) {
    out.push(`## ${comp.name} (${comp.kind})`, "", `Asked for: ${comp.request}.`, "", mdTable(head, componentRows(cmp, comp, MD_CELLS)), "");
  }
  const dns = dnsRows(cmp);
  if (dns.length) out.push("## DNS records to create", "", "For each custom domain, the records to create at your DNS provider on each cloud: the certificate's validation first, then traffic.", "", mdTable(DNS_HEAD, dns), "");
  out.push("## Shared platform", "", mdTable(head, [
    ["Resources", ...clouds.map((c) => (c.ok ? String(c.platform.resourceCount) : "cannot host"))],
    ["Monthly estimate", ...clouds.map((c) => (c.ok ? money(c.platform.monthlyUsd, cmp.currency) : "—"))],
  ]), "");
  out.push("## Cost lines", "");
  for (const c of clouds) {
    out.push(`### ${c.provider}`, "", c.ok ? mdTable(costHead(cmp.currency), costLineRows(cmp, c)) : `Cannot host the stack as written: ${refusalSentence(c.error)}.`, "");
    if (c.ok) out.push(`Total: **${money(c.monthlyUsd, cmp.currency)}** a month: ${money(c.fixedUsd, cmp.currency)} fixed, ${money(c.usageUsd, cmp.currency)} usage-driven. ${c.pricing.note}`, "");
  }
  out.push("## Portability", "", freeholdExit(cmp.target).text, "");
  out.push("## Assumptions", "", ...assumptionsText(cmp).map((a) => `- ${a}`), "");
  out.push("## Price sources", "", mdTable(["Cloud", "Source", "Date", "Kind"], sources(cmp)), "");
  const warnings = plans.flatMap((p) => p.warnings.map((w) => `${p.cloud}: ${w}`));
  if (warnings.length) out.push("## Warnings", "", ...warnings.map((w) => `- ${w}`), "");
  return `${out.join("\n")}\n`;
}

const DNS_HEAD = ["Cloud", "Component", "Purpose", "Name", "Type", "Value"];

/** Every DNS record a custom domain needs, per cloud and component. */
function dnsRows(cmp: Comparison): string[][] {
  return cmp.clouds.flatMap((c) =>
    cmp.components.flatMap((comp) => (comp.clouds[c.cloud]?.dnsRecords ?? []).map((r) => [c.provider, comp.name, ...dnsCells(r)])),
  );
}

const lineCells = (l: CostLine, cur: ReportCurrency) => [
  l.item,
  l.basis,
  `${l.quantity} ${l.unit}`,
  `$${l.unitPrice}`,
  money(l.monthlyUsd, cur),
  `${l.source.name}${l.source.sku ? ` [${l.source.sku}]` : ""} (${l.source.region ? `${l.source.region}, ` : ""}${l.source.date})${l.source.estimate ? " — estimate" : ""}`,
];

function residencyText(c: Comparison["clouds"][number]): string {
  const places = c.residency.locations.map((l) => `${l.region} (${l.country})`).join(", ");
  if (c.residency.rule === "none") return `no rule set; data in ${places}`;
  return `${c.residency.ok ? "yes" : "**no**"}: ${places}`;
}

const gapWord = (g: { support: string; accepted?: boolean; preferred?: boolean }) =>
  g.preferred ? `differs by default (${g.support === "none" ? "not available" : "partly"})` : `${g.support === "none" ? "cannot" : "partly"}${g.accepted ? " (degradation accepted)" : ""}`;

function gapsText(gaps: Array<{ feature: string; support: string; note: string; accepted?: boolean; preferred?: boolean }> | undefined): string {
  if (!gaps) return "—";
  if (!gaps.length) return "nothing: all of the spec";
  return gaps.map((g) => `${gapWord(g)}: ${g.feature} (${g.note})`).join("; ");
}

/** A refusing cloud's cell in a component's table: "cannot host", with the reason where this component is the one refused. */
function cannotHostCell(c: ComparedCloud, component: string): string {
  const e = c.error;
  return e?.component === component || e?.component === "stack" || !e?.feature ? `cannot host: ${refusalSentence(e)}` : `cannot host (the stack is refused for ${e.component}: ${e.feature})`;
}

type Cell = string | { html: string };
type Gaps = CloudCell["gaps"];

/** How a format draws the two cells that carry more than text: a refusing cloud's service cell, and the gaps. */
interface CellStyle<C extends Cell> {
  cannotHost(text: string): C;
  gaps(gaps: Gaps | undefined): C;
}

const MD_CELLS: CellStyle<string> = { cannotHost: (text) => text, gaps: gapsText };

const HTML_CELLS: CellStyle<Cell> = {
  cannotHost: (text) => ({ html: `<span class="bad cannot-host">${escapeHtml(text)}</span>` }),
  gaps: (g) =>
    g === undefined
      ? "—"
      : g.length
        ? { html: g.map((x) => `<span class="${x.support === "none" && !x.accepted && !x.preferred ? "bad" : "warn"}">${escapeHtml(`${gapWord(x)}: ${x.feature}`)}</span> <span class="muted">${escapeHtml(x.note)}</span>`).join("<br>") }
        : { html: '<span class="ok">nothing</span>' },
};

/** One component's rows, a column per cloud: service (or why the cloud cannot host it), size, resources, gaps, availability, monthly estimate. */
function componentRows<C extends Cell>(cmp: Comparison, comp: ComparedComponent, style: CellStyle<C>): Array<Array<string | C>> {
  const cell = (c: ComparedCloud) => comp.clouds[c.cloud];
  return [
    ["Service", ...cmp.clouds.map((c) => cell(c)?.service ?? (c.ok ? "—" : style.cannotHost(cannotHostCell(c, comp.name))))],
    ["Size chosen", ...cmp.clouds.map((c) => sizeText(cell(c) ?? {}))],
    ["Resources", ...cmp.clouds.map((c) => String(cell(c)?.resourceCount ?? "—"))],
    ["Cannot do", ...cmp.clouds.map((c) => style.gaps(cell(c)?.gaps))],
    ["Availability (SLA)", ...cmp.clouds.map((c) => { const a = cell(c)?.availability; return a ? `${pct(a.percent)} (${a.basis})` : "—"; })],
    ["Monthly estimate", ...cmp.clouds.map((c) => { const x = cell(c); return x ? `${money(x.monthlyUsd, cmp.currency)} (${money(x.fixedUsd, cmp.currency)} fixed, ${money(x.usageUsd, cmp.currency)} usage)` : "—"; })],
  ];
}

export function compareText(cmp: Comparison): string {
  const rows = cmp.clouds.map((c) => [
    c.provider,
    c.region || "—",
    c.ok ? "yes" : "cannot host",
    c.ok ? String(c.resources) : "—",
    c.ok ? String(cmp.components.reduce((n, x) => n + (x.clouds[c.cloud]?.gaps.filter((g) => g.support === "none").length ?? 0), 0)) : "—",
    c.ok ? (c.residency.rule === "none" ? "n/a" : c.residency.ok ? "yes" : "NO") : "—",
    c.ok ? money(c.monthlyUsd, cmp.currency) : "—",
    c.ok ? money(c.fixedUsd, cmp.currency) : "—",
    c.ok ? money(c.usageUsd, cmp.currency) : "—",
  ]);
  const refusals = cmp.clouds.filter((c) => !c.ok && c.error).flatMap((c) => ["", `${c.provider} cannot host the stack as written:`, ...refusalLines(c.error as NonNullable<ComparedCloud["error"]>)]);
  return [textTable(["Cloud", "Region", "Hosts stack", "Resources", "Gaps", "Residency", "Monthly", "Fixed", "Usage"], rows), "", ...pricingText(cmp), currencyNote(cmp.currency), `${usageLines(cmp.usage)[0] ?? ""}.`, ...refusals].join("\n");
}

/** A refusal on a summary card: component, feature, reason and fix, each labelled. */
function refusalHtml(c: ComparedCloud): string {
  const e = c.error;
  if (!e?.feature) return `<div class="refusal">${escapeHtml(e?.message ?? "")}</div>`;
  const row = (label: string, value: string | undefined) => (value ? `<div data-refusal="${label.toLowerCase()}"><strong>${label}:</strong> ${escapeHtml(value)}</div>` : "");
  return `<div class="refusal">${row("Component", e.component)}${row("Feature", e.feature)}${row("Reason", e.reason ?? e.message)}${row("Fix", e.fix)}</div>`;
}

/** A cloud's summary card: its monthly cost, region, resources and residency, or why it cannot host the stack. */
function summaryCard(cmp: Comparison, c: ComparedCloud): string {
  const body = c.ok
    ? `<div class="big">${money(c.monthlyUsd, cmp.currency)}<span class="muted"> /month</span></div><div class="muted">${money(c.fixedUsd, cmp.currency)} fixed + ${money(c.usageUsd, cmp.currency)} usage</div><div class="${c.pricing.coverage === "own" ? "muted" : "warn"}">${escapeHtml(c.pricing.note)}</div><div>${escapeHtml(`${c.region} · ${c.city}, ${c.country}`)}</div><div>${c.resources} cloud resources</div><div>UK residency: ${c.residency.rule === "none" ? "no rule set" : c.residency.ok ? '<span class="ok">yes</span>' : '<span class="bad">no</span>'}</div>`
    : `<div class="big bad">cannot host</div><div class="bad">Cannot host the stack as written</div>${refusalHtml(c)}`;
  return `<div class="card${c.ok ? "" : " failed"}" data-cloud="${c.cloud}"><div>${escapeHtml(c.provider)}</div>${body}</div>`;
}

export function compareHtml(cmp: Comparison, plans: Plan[]): string {
  const clouds = cmp.clouds;
  const cards = clouds.map((c) => summaryCard(cmp, c)).join("");
  const comps = cmp.components
    .map((comp) => `<h3>${escapeHtml(comp.name)} <span class="muted">${escapeHtml(comp.kind)}</span></h3><p>Asked for: ${escapeHtml(comp.request)}.</p>${htmlTable(["", ...clouds.map((c) => c.provider)], componentRows(cmp, comp, HTML_CELLS), "compare")}`)
    .join("\n");
  const chart = costChart(
    clouds.map((c) => ({
      label: c.provider,
      parts: c.ok ? [...cmp.components.map((x) => ({ name: x.name, amount: x.clouds[c.cloud]?.monthly ?? 0 })), { name: "platform", amount: c.platform.monthly }] : [],
      // The card's figure: each part is rounded to the penny on its own, so their sum can be a penny off.
      ...(c.ok ? { total: c.monthly } : {}),
      note: c.ok ? undefined : "cannot host",
    })),
    (n) => amount(n, cmp.currency.symbol),
  );
  const diagrams = plans
    .filter(isHosted)
    .map((p) => `<figure data-cloud="${p.cloud}"><figcaption>${escapeHtml(`${p.provider}: ${p.totals.resources} resources in ${p.region}`)}</figcaption>${planDiagram(p)}</figure>`)
    .join("\n");
  const costRows = clouds
    .map((c) =>
      c.ok
        ? `<h3>${escapeHtml(c.provider)}</h3>${htmlTable(costHead(cmp.currency), costLineRows(cmp, c))}<p>Total: <strong>${money(c.monthlyUsd, cmp.currency)}</strong> a month: ${money(c.fixedUsd, cmp.currency)} fixed, ${money(c.usageUsd, cmp.currency)} usage-driven.</p><p class="pricing">${escapeHtml(pricingLine(c.provider, c.pricing))}</p>`
        : `<h3>${escapeHtml(c.provider)}</h3><p class="bad">Cannot host the stack as written: ${escapeHtml(refusalSentence(c.error))}.</p>`,
    )
    .join("");
  const body = `<p class="currency">${escapeHtml(currencyNote(cmp.currency))}</p>
<h2>Summary</h2><div class="cards">${cards}</div>
<figure class="chart"><figcaption>Estimated monthly cost by component</figcaption>${chart}</figure>
<h2>Components side by side</h2>${comps}
${dnsRows(cmp).length ? `<h2>DNS records to create</h2>${htmlTable(DNS_HEAD, dnsRows(cmp))}` : ""}
<h2>Resources on each cloud</h2>${diagrams}
<h2>Cost lines and sources</h2>${costRows}
<h2>Portability</h2><p>${escapeHtml(freeholdExit(cmp.target).text)}</p>
<h2>Assumptions</h2><ul>${assumptionsText(cmp).map((a) => `<li>${escapeHtml(a)}</li>`).join("")}</ul>
${htmlTable(["Cloud", "Price source", "Date", "Kind"], sources(cmp))}`;
  return htmlPage(`${cmp.stack}: one stack on ${clouds.length} clouds`, `Planned offline from ${plannedFrom(cmp)}; nothing was deployed.`, body);
}
