import type { CostLine } from "@freehold/core";
import { escapeHtml, htmlTable, mdTable, pct, textTable, usd } from "../report/format";
import { htmlPage } from "../report/html";
import { costChart, planDiagram } from "../report/svg";
import { isHosted, type Plan } from "../plan/contract";
import { refusalLines, refusalSentence } from "../report/refusal";
import type { ComparedCloud, Comparison } from "./model";

const sizeText = (c: { sku?: string; cpu?: number; memoryGiB?: number }) => (c.sku ? `${c.sku}${c.cpu !== undefined ? ` (${c.cpu} vCPU, ${c.memoryGiB} GiB)` : ""}` : "—");

function assumptionsText(cmp: Comparison): string[] {
  const a = cmp.assumptions;
  return [
    `${a.hoursPerMonth} hours a month; web services run at their minimum instance count${a.averageInstances ? ` (or ${a.averageInstances} on average)` : ""}, always on`,
    `${a.requestsMillions} million requests and ${a.egressGiB} GiB of internet egress per web service a month`,
    `${a.objectStorageGiB} GiB stored per object store, ${a.objectWritesThousands}k writes and ${a.objectReadsThousands}k reads a month`,
    "list prices in USD, pay-as-you-go, no discounts or free tiers unless a line says so; tax excluded",
  ];
}

/** Every distinct price source used, for the sources section. */
function sources(cmp: Comparison): Array<{ cloud: string; name: string; date: string; estimate: boolean }> {
  const seen = new Map<string, { cloud: string; name: string; date: string; estimate: boolean }>();
  for (const c of cmp.clouds) {
    const lines: CostLine[] = [...c.platform.lines, ...cmp.components.flatMap((x) => x.clouds[c.cloud]?.lines ?? [])];
    for (const l of lines) seen.set(`${c.cloud}|${l.source.name}|${l.source.date}`, { cloud: c.cloud, name: l.source.name, date: l.source.date, estimate: l.source.estimate === true });
  }
  return [...seen.values()];
}

export function compareMarkdown(cmp: Comparison, plans: Plan[]): string {
  const clouds = cmp.clouds;
  const out: string[] = [`# ${cmp.stack}: one stack on ${clouds.length} clouds`, "", `Planned offline from \`${cmp.target}\` with Pulumi's mock runtime: nothing was deployed.`, ""];
  out.push("## Summary", "");
  out.push(
    mdTable(
      ["", ...clouds.map((c) => c.provider)],
      [
        ["Region", ...clouds.map((c) => (c.region ? `${c.region} (${c.city}, ${c.country})` : "—"))],
        ["Can host the stack as written", ...clouds.map((c) => (c.ok ? "yes" : `**cannot host**: ${refusalSentence(c.error)}`))],
        ["UK residency", ...clouds.map((c) => (c.ok ? residencyText(c) : "—"))],
        ["Cloud resources", ...clouds.map((c) => (c.ok ? String(c.resources) : "—"))],
        ["Estimated monthly cost", ...clouds.map((c) => (c.ok ? usd(c.monthlyUsd) : "cannot host"))],
      ],
    ),
    "",
  );
  for (const comp of cmp.components) {
    out.push(`## ${comp.name} (${comp.kind})`, "", `Asked for: ${comp.request}.`, "");
    out.push(
      mdTable(
        ["", ...clouds.map((c) => c.provider)],
        [
          ["Service", ...clouds.map((c) => comp.clouds[c.cloud]?.service ?? cannotHostCell(c, comp.name))],
          ["Size chosen", ...clouds.map((c) => sizeText(comp.clouds[c.cloud] ?? {}))],
          ["Resources", ...clouds.map((c) => String(comp.clouds[c.cloud]?.resourceCount ?? "—"))],
          ["Cannot do", ...clouds.map((c) => gapsText(comp.clouds[c.cloud]?.gaps))],
          ["Availability (SLA)", ...clouds.map((c) => { const a = comp.clouds[c.cloud]?.availability; return a ? `${pct(a.percent)} (${a.basis})` : "—"; })],
          ["Monthly estimate", ...clouds.map((c) => { const x = comp.clouds[c.cloud]; return x ? usd(x.monthlyUsd) : "—"; })],
        ],
      ),
      "",
    );
  }
  out.push("## Shared platform", "", mdTable(["", ...clouds.map((c) => c.provider)], [
    ["Resources", ...clouds.map((c) => (c.ok ? String(c.platform.resourceCount) : "cannot host"))],
    ["Monthly estimate", ...clouds.map((c) => (c.ok ? usd(c.platform.monthlyUsd) : "—"))],
  ]), "");
  out.push("## Cost lines", "");
  for (const c of clouds) {
    out.push(`### ${c.provider}`, "");
    if (!c.ok) {
      out.push(`Cannot host the stack as written: ${refusalSentence(c.error)}.`, "");
      continue;
    }
    const rows = [
      ...cmp.components.flatMap((comp) => (comp.clouds[c.cloud]?.lines ?? []).map((l) => [comp.name, ...lineCells(l)])),
      ...c.platform.lines.map((l) => ["platform", ...lineCells(l)]),
    ];
    out.push(mdTable(["Component", "Item", "Quantity", "Unit price", "Monthly", "Source"], rows), "", `Total: **${usd(c.monthlyUsd)}** a month.`, "");
  }
  out.push("## Assumptions", "", ...assumptionsText(cmp).map((a) => `- ${a}`), "");
  out.push("## Price sources", "", mdTable(["Cloud", "Source", "Date", "Kind"], sources(cmp).map((s) => [s.cloud, s.name, s.date, s.estimate ? "estimate" : "list price"])), "");
  const warnings = plans.flatMap((p) => p.warnings.map((w) => `${p.cloud}: ${w}`));
  if (warnings.length) out.push("## Warnings", "", ...warnings.map((w) => `- ${w}`), "");
  return `${out.join("\n")}\n`;
}

const lineCells = (l: CostLine) => [l.item, `${l.quantity} ${l.unit}`, `$${l.unitPrice}`, usd(l.monthlyUsd), `${l.source.name} (${l.source.date})${l.source.estimate ? " — estimate" : ""}`];

function residencyText(c: Comparison["clouds"][number]): string {
  const places = c.residency.locations.map((l) => `${l.region} (${l.country})`).join(", ");
  if (c.residency.rule === "none") return `no rule set; data in ${places}`;
  return `${c.residency.ok ? "yes" : "**no**"}: ${places}`;
}

const gapWord = (g: { support: string; accepted?: boolean }) => `${g.support === "none" ? "cannot" : "partly"}${g.accepted ? " (degradation accepted)" : ""}`;

function gapsText(gaps: Array<{ feature: string; support: string; note: string; accepted?: boolean }> | undefined): string {
  if (!gaps) return "—";
  if (!gaps.length) return "nothing: all of the spec";
  return gaps.map((g) => `${gapWord(g)}: ${g.feature} (${g.note})`).join("; ");
}

/** A refusing cloud's cell in a component's table: "cannot host", with the reason where this component is the one refused. */
function cannotHostCell(c: ComparedCloud, component: string): string {
  if (c.ok) return "—";
  const e = c.error;
  return e?.component === component || e?.component === "stack" || !e?.feature ? `cannot host: ${refusalSentence(e)}` : `cannot host (the stack is refused for ${e.component}: ${e.feature})`;
}

export function compareText(cmp: Comparison): string {
  const rows = cmp.clouds.map((c) => [
    c.provider,
    c.region || "—",
    c.ok ? "yes" : "cannot host",
    c.ok ? String(c.resources) : "—",
    c.ok ? String(cmp.components.reduce((n, x) => n + (x.clouds[c.cloud]?.gaps.filter((g) => g.support === "none").length ?? 0), 0)) : "—",
    c.ok ? (c.residency.rule === "none" ? "n/a" : c.residency.ok ? "yes" : "NO") : "—",
    c.ok ? `${usd(c.monthlyUsd)}` : "—",
  ]);
  const refusals = cmp.clouds.filter((c) => !c.ok && c.error).flatMap((c) => ["", `${c.provider} cannot host the stack as written:`, ...refusalLines(c.error as NonNullable<ComparedCloud["error"]>)]);
  return [textTable(["Cloud", "Region", "Hosts stack", "Resources", "Gaps", "Residency", "Monthly"], rows), ...refusals].join("\n");
}

/** A refusal on a summary card: component, feature, reason and fix, each labelled. */
function refusalHtml(c: ComparedCloud): string {
  const e = c.error;
  if (!e?.feature) return `<div class="refusal">${escapeHtml(e?.message ?? "")}</div>`;
  const row = (label: string, value: string | undefined) => (value ? `<div data-refusal="${label.toLowerCase()}"><strong>${label}:</strong> ${escapeHtml(value)}</div>` : "");
  return `<div class="refusal">${row("Component", e.component)}${row("Feature", e.feature)}${row("Reason", e.reason ?? e.message)}${row("Fix", e.fix)}</div>`;
}

export function compareHtml(cmp: Comparison, plans: Plan[]): string {
  const clouds = cmp.clouds;
  const cards = clouds
    .map(
      (c) => `<div class="card${c.ok ? "" : " failed"}" data-cloud="${c.cloud}"><div>${escapeHtml(c.provider)}</div>${
        c.ok
          ? `<div class="big">${usd(c.monthlyUsd)}<span class="muted"> /month</span></div><div>${escapeHtml(`${c.region} · ${c.city}, ${c.country}`)}</div><div>${c.resources} cloud resources</div><div>UK residency: ${c.residency.rule === "none" ? "no rule set" : c.residency.ok ? '<span class="ok">yes</span>' : '<span class="bad">no</span>'}</div>`
          : `<div class="big bad">cannot host</div><div class="bad">Cannot host the stack as written</div>${refusalHtml(c)}`
      }</div>`,
    )
    .join("");
  const comps = cmp.components
    .map((comp) => {
      const rows: Array<Array<string | { html: string }>> = [
        ["Service", ...clouds.map((c) => comp.clouds[c.cloud]?.service ?? (c.ok ? "—" : { html: `<span class="bad cannot-host">${escapeHtml(cannotHostCell(c, comp.name))}</span>` }))],
        ["Size chosen", ...clouds.map((c) => sizeText(comp.clouds[c.cloud] ?? {}))],
        ["Resources", ...clouds.map((c) => String(comp.clouds[c.cloud]?.resourceCount ?? "—"))],
        ["Cannot do", ...clouds.map((c) => { const g = comp.clouds[c.cloud]?.gaps; return g === undefined ? "—" : g.length ? { html: g.map((x) => `<span class="${x.support === "none" && !x.accepted ? "bad" : "warn"}">${escapeHtml(`${gapWord(x)}: ${x.feature}`)}</span> <span class="muted">${escapeHtml(x.note)}</span>`).join("<br>") } : { html: '<span class="ok">nothing</span>' }; })],
        ["Availability (SLA)", ...clouds.map((c) => { const a = comp.clouds[c.cloud]?.availability; return a ? `${pct(a.percent)} (${a.basis})` : "—"; })],
        ["Monthly estimate", ...clouds.map((c) => { const x = comp.clouds[c.cloud]; return x ? usd(x.monthlyUsd) : "—"; })],
      ];
      return `<h3>${escapeHtml(comp.name)} <span class="muted">${escapeHtml(comp.kind)}</span></h3><p>Asked for: ${escapeHtml(comp.request)}.</p>${htmlTable(["", ...clouds.map((c) => c.provider)], rows, "compare")}`;
    })
    .join("\n");
  const chart = costChart(
    clouds.map((c) => ({
      label: c.provider,
      parts: c.ok ? [...cmp.components.map((x) => ({ name: x.name, usd: x.clouds[c.cloud]?.monthlyUsd ?? 0 })), { name: "platform", usd: c.platform.monthlyUsd }] : [],
      note: c.ok ? undefined : "cannot host",
    })),
  );
  const diagrams = plans
    .filter(isHosted)
    .map((p) => `<figure data-cloud="${p.cloud}"><figcaption>${escapeHtml(`${p.provider}: ${p.totals.resources} resources in ${p.region}`)}</figcaption>${planDiagram(p)}</figure>`)
    .join("\n");
  const costRows = clouds
    .map((c) => !c.ok ? `<h3>${escapeHtml(c.provider)}</h3><p class="bad">Cannot host the stack as written: ${escapeHtml(refusalSentence(c.error))}.</p>` : `<h3>${escapeHtml(c.provider)}</h3>${htmlTable(
      ["Component", "Item", "Quantity", "Unit price", "Monthly", "Source"],
      [...cmp.components.flatMap((comp) => (comp.clouds[c.cloud]?.lines ?? []).map((l) => [comp.name, ...lineCells(l)])), ...c.platform.lines.map((l) => ["platform", ...lineCells(l)])],
    )}<p>Total: <strong>${usd(c.monthlyUsd)}</strong> a month.</p>`)
    .join("");
  const body = `<h2>Summary</h2><div class="cards">${cards}</div>
<figure class="chart"><figcaption>Estimated monthly cost by component</figcaption>${chart}</figure>
<h2>Components side by side</h2>${comps}
<h2>Resources on each cloud</h2>${diagrams}
<h2>Cost lines and sources</h2>${costRows}
<h2>Assumptions</h2><ul>${assumptionsText(cmp).map((a) => `<li>${escapeHtml(a)}</li>`).join("")}</ul>
${htmlTable(["Cloud", "Price source", "Date", "Kind"], sources(cmp).map((s) => [s.cloud, s.name, s.date, s.estimate ? "estimate" : "list price"]))}`;
  return htmlPage(`${cmp.stack}: one stack on ${clouds.length} clouds`, `Planned offline from ${cmp.target}; nothing was deployed.`, body);
}
