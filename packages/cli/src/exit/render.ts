import { currencyNote, money, type ReportCurrency, reportCurrency } from "../report/currency";
import { escapeHtml, htmlTable, mdTable, pct } from "../report/format";
import { htmlPage } from "../report/html";
import type { ExitReport } from "./currency";
import type { ExitPlan, Numbered, Step } from "./model";

const LIST_PRICES = reportCurrency("USD");
/** A number with its unit; USD amounts in the report's currency. */
const num = (n: Numbered, cur: ReportCurrency = LIST_PRICES) => (n.unit === "USD" ? money(n.value, cur) : n.unit === "USD/month" ? `${money(n.value, cur)}/month` : `${n.value} ${n.unit}`);
const src = (n: Numbered) => `${n.basis}${n.source ? ` [${n.source.name}, ${n.source.date}${n.source.estimate ? ", estimate" : ""}]` : ""}`;

function stepsMd(steps: Step[]): string[] {
  return steps.flatMap((s, i) => [`${i + 1}. ${s.title}${s.note ? ` (${s.note})` : ""}`, ...(s.commands?.length ? ["", "   ```sh", ...s.commands.map((c) => `   ${c}`), "   ```", ""] : [])]);
}

export const SECTIONS = [
  "Inventory",
  "Target mapping",
  "Application changes",
  "Data migration runbook",
  "Time to exit",
  "Exit cost",
  "Cutover",
  "Rollback",
  "Verification",
  "Residency",
  "GDS and G-Cloud checklist",
  "Portability",
  "Evidence",
] as const;

export function exitMarkdown(p: ExitReport): string {
  const o: string[] = [`# Exit plan: ${p.stack} from ${p.from.provider} to ${p.to.provider}`, "", `From ${p.from.region} (${p.from.country}) to ${p.to.region} (${p.to.country}). Built from the two offline plans; nothing was deployed.`, "", currencyNote(p.currency), ""];
  o.push("## Inventory", "", mdTable(["Component", "Kind", "Service", "Size", "Resources", "Monthly"], p.inventory.map((i) => [i.component, i.kind, i.service, i.sku ?? "—", String(i.resources), money(i.monthlyUsd, p.currency)])), "");
  o.push(
    "## Target mapping",
    "",
    mdTable(
      ["Component", p.from.provider, p.to.provider, "Availability", "Lost", "Gained"],
      p.mapping.map((m) => [
        m.component,
        `${m.from.service} ${m.from.sku ?? ""}${m.from.cpu !== undefined ? ` (${m.from.cpu} vCPU, ${m.from.memoryGiB} GiB)` : ""}`,
        `${m.to.service} ${m.to.sku ?? ""}${m.to.cpu !== undefined ? ` (${m.to.cpu} vCPU, ${m.to.memoryGiB} GiB)` : ""}`,
        `${pct(m.from.availability)} → ${pct(m.to.availability)}`,
        m.lost.join("; ") || "nothing",
        m.gained.join("; ") || "—",
      ]),
    ),
    "",
  );
  o.push("## Application changes", "", mdTable(["Area", "Kind", "Change"], p.applicationChanges.map((c) => [c.area, c.kind, c.change])), "");
  o.push("## Data migration runbook", "");
  for (const d of p.runbook.database) {
    if (d.path === "live") o.push(`### Database ${d.component}: live (freehold replicate)`, "", d.why, "", ...stepsMd(d.steps), "", `#### Stop-the-world, where replicate refuses the database (large objects, tables with no primary key)`, "", ...stepsMd(d.stopTheWorld), "");
    else o.push(`### Database ${d.component}: stop-the-world (freehold migrate database)`, "", `Not the live path: ${d.why}.`, "", ...stepsMd(d.steps), "");
  }
  for (const s of p.runbook.objects) o.push(`### Object store ${s.component}: rclone`, "", ...stepsMd(s.steps), "");
  o.push("## Time to exit", "", mdTable(["", "Estimate", "Basis"], [["Objects", num(p.time.objectsHours), src(p.time.objectsHours)], ["Databases", num(p.time.databaseHours), src(p.time.databaseHours)], ["Verification", num(p.time.verificationHours), src(p.time.verificationHours)], ["Copy time (data copy in all)", num(p.time.totalDataHours), src(p.time.totalDataHours)], ["Write downtime", num(p.time.writeDowntime), src(p.time.writeDowntime)], ["Calendar", num(p.time.calendarDays), src(p.time.calendarDays)]]), "");
  o.push(
    "## Exit cost",
    "",
    mdTable(["", "Estimate", "Basis"], [
      ["Source egress", num(p.cost.egressUsd, p.currency), src(p.cost.egressUsd)],
      ["Dual running", num(p.cost.dualRunningUsd, p.currency), src(p.cost.dualRunningUsd)],
      ["One-off total", num(p.cost.oneOffUsd, p.currency), src(p.cost.oneOffUsd)],
      ["Target, monthly", num(p.cost.targetMonthlyUsd, p.currency), src(p.cost.targetMonthlyUsd)],
      ["Source, monthly", num(p.cost.sourceMonthlyUsd, p.currency), src(p.cost.sourceMonthlyUsd)],
    ]),
    "",
    currencyNote(p.currency),
    "",
    ...p.costNotes.map((n) => `- ${n}`),
    "",
  );
  o.push("## Cutover", "", ...stepsMd(p.cutover), "", "## Rollback", "", ...stepsMd(p.rollback), "", "## Verification", "", ...p.verification.map((v) => `- [ ] ${v}`), "");
  o.push("## Residency", "", `Rule: ${p.residency.rule}. ${p.residency.ok ? "Every location the data passes through is allowed." : "**Some locations are outside the rule.**"}`, "", mdTable(["Place", "Country", "Allowed", "Why"], p.residency.locations.map((l) => [l.place, l.country, l.allowed ? "yes" : "**no**", l.why])), "");
  o.push("## GDS and G-Cloud checklist", "", mdTable(["Item", "Source", "Status", "How"], p.checklist.map((c) => [c.item, c.source, c.status === "covered" ? "covered by this plan" : "left to the buyer", c.how])), "");
  o.push(
    "## Portability",
    "",
    `Stack portability: **${p.portability.score}%** (share of the features in use that every other cloud fully supports, lowest cloud per component, averaged).`,
    "",
    mdTable(["Component", "Value", ...Object.keys(p.portability.components[0]?.byCloud ?? {}), "Score", "Lock-in points"], p.portability.components.map((c) => [c.component, String(c.value), ...Object.values(c.byCloud).map((v) => (v === null ? "cannot host" : `${v}%`)), `${c.score}%`, c.lockIn.map((l) => `${l.what} (leaving: ${l.leaving})`).join("; ") || "none"])),
    "",
    p.portability.freehold.text,
    "",
  );
  o.push("## Evidence", "", `- Target plan valid: yes, ${p.evidence.targetResources} resources planned`);
  if (p.evidence.targetChecks) o.push(`- Target checks: ${p.evidence.targetChecks.errors} errors, ${p.evidence.targetChecks.warnings} warnings, ${p.evidence.targetChecks.compliant} compliant findings over rules ${p.evidence.targetChecks.rules.join(", ")}`);
  o.push(`- Exit drill: \`${p.evidence.drill.command}\` sets both sides up as the clouds do, runs this runbook's commands and the application's roles on the target (docs/exit-plans.md).`);
  o.push(p.evidence.drill.evidence ? `- Drill evidence: ${p.evidence.drill.evidence}.` : "- Drill evidence: none read; pass the drill's JSON with --measured.", "");
  return `${o.join("\n")}\n`;
}

/** GDS's value-versus-portability chart: one dot per component. */
export function portabilityChart(p: ExitPlan): string {
  const W = 520;
  const H = 320;
  const m = 50;
  const x = (score: number) => m + (score / 100) * (W - 2 * m);
  const y = (value: number) => H - m - ((value - 1) / 2) * (H - 2 * m);
  const dots = p.portability.components
    .map((c, i) => {
      const cx = x(c.score);
      const cy = y(c.value) + ((i % 3) - 1) * 10;
      return `<g data-component="${escapeHtml(c.component)}"><circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="7" fill="${c.score >= 80 ? "#00703c" : c.score >= 50 ? "#f47738" : "#d4351c"}"/><text x="${(cx + 10).toFixed(1)}" y="${(cy + 4).toFixed(1)}" font-size="12">${escapeHtml(c.component)} (${c.score}%)</text></g>`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Value against portability" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, Arial, sans-serif">
<rect x="${m}" y="${m}" width="${W - 2 * m}" height="${H - 2 * m}" fill="#f3f2f1" stroke="#b1b4b6"/>
<line x1="${x(50)}" y1="${m}" x2="${x(50)}" y2="${H - m}" stroke="#b1b4b6" stroke-dasharray="4"/><line x1="${m}" y1="${y(2)}" x2="${W - m}" y2="${y(2)}" stroke="#b1b4b6" stroke-dasharray="4"/>
<text x="${W / 2}" y="${H - 12}" text-anchor="middle" font-size="13">Portability (share of the spec other clouds host as written) →</text>
<text x="16" y="${H / 2}" text-anchor="middle" font-size="13" transform="rotate(-90 16 ${H / 2})">Value to the service →</text>
<text x="${m + 6}" y="${m + 16}" font-size="11" fill="#d4351c">high value, locked in: act first</text>
${dots}
</svg>`;
}

export function exitHtml(p: ExitReport): string {
  const steps = (s: Step[]) => `<ol>${s.map((x) => `<li>${escapeHtml(x.title)}${x.note ? ` <span class="muted">${escapeHtml(x.note)}</span>` : ""}${x.commands?.length ? `<pre>${escapeHtml(x.commands.join("\n"))}</pre>` : ""}</li>`).join("")}</ol>`;
  const numRow = (label: string, n: Numbered) => [label, num(n, p.currency), src(n)];
  const body = `<p class="currency">${escapeHtml(currencyNote(p.currency))}</p>
<div class="cards">
<div class="card"><div>One-off exit cost</div><div class="big">${money(p.cost.oneOffUsd.value, p.currency)}</div><div class="muted">${escapeHtml(p.cost.oneOffUsd.basis)}</div></div>
<div class="card"><div>Time to exit</div><div class="big">${p.time.calendarDays.value} days</div><div class="muted">${p.time.totalDataHours.value} hours of data copy and verification; writes stop ${p.time.writeDowntime.value} ${p.time.writeDowntime.unit}</div></div>
<div class="card"><div>Target monthly</div><div class="big">${money(p.cost.targetMonthlyUsd.value, p.currency)}</div><div class="muted">source ${money(p.cost.sourceMonthlyUsd.value, p.currency)}</div></div>
<div class="card${p.portability.score < 50 ? " failed" : ""}"><div>Portability</div><div class="big">${p.portability.score}%</div></div>
</div>
<h2>Inventory</h2>${htmlTable(["Component", "Kind", "Service", "Size", "Resources", "Monthly"], p.inventory.map((i) => [i.component, i.kind, i.service, i.sku ?? "—", String(i.resources), money(i.monthlyUsd, p.currency)]))}
<h2>Target mapping</h2>${htmlTable(["Component", p.from.provider, p.to.provider, "Availability", "Lost", "Gained"], p.mapping.map((m) => [m.component, `${m.from.service} ${m.from.sku ?? ""}`, `${m.to.service} ${m.to.sku ?? ""}`, `${pct(m.from.availability)} → ${pct(m.to.availability)}`, m.lost.join("; ") || "nothing", m.gained.join("; ") || "—"]))}
<h2>Application changes</h2>${htmlTable(["Area", "Kind", "Change"], p.applicationChanges.map((c) => [c.area, c.kind, c.change]))}
<h2>Data migration runbook</h2>${p.runbook.database.map((d) => (d.path === "live" ? `<h3>Database ${escapeHtml(d.component)}: live (freehold replicate)</h3><p>${escapeHtml(d.why)}</p>${steps(d.steps)}<h3>Stop-the-world, where replicate refuses the database (large objects, tables with no primary key)</h3>${steps(d.stopTheWorld)}` : `<h3>Database ${escapeHtml(d.component)}: stop-the-world (freehold migrate database)</h3><p>Not the live path: ${escapeHtml(d.why)}.</p>${steps(d.steps)}`)).join("")}${p.runbook.objects.map((s) => `<h3>Object store ${escapeHtml(s.component)}</h3>${steps(s.steps)}`).join("")}
<h2>Time to exit</h2>${htmlTable(["", "Estimate", "Basis"], [numRow("Objects", p.time.objectsHours), numRow("Databases", p.time.databaseHours), numRow("Verification", p.time.verificationHours), numRow("Copy time (data copy in all)", p.time.totalDataHours), numRow("Write downtime", p.time.writeDowntime), numRow("Calendar", p.time.calendarDays)])}
<h2>Exit cost</h2>${htmlTable(["", "Estimate", "Basis"], [numRow("Source egress", p.cost.egressUsd), numRow("Dual running", p.cost.dualRunningUsd), numRow("One-off total", p.cost.oneOffUsd), numRow("Target, monthly", p.cost.targetMonthlyUsd), numRow("Source, monthly", p.cost.sourceMonthlyUsd)])}<p class="currency">${escapeHtml(currencyNote(p.currency))}</p><ul class="cost-notes">${p.costNotes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>
<h2>Cutover</h2>${steps(p.cutover)}
<h2>Rollback</h2>${steps(p.rollback)}
<h2>Verification</h2><ul>${p.verification.map((v) => `<li>${escapeHtml(v)}</li>`).join("")}</ul>
<h2>Residency</h2><p>Rule: ${escapeHtml(p.residency.rule)}. ${p.residency.ok ? '<span class="ok">Every location is allowed.</span>' : '<span class="bad">Some locations are outside the rule.</span>'}</p>${htmlTable(["Place", "Country", "Allowed", "Why"], p.residency.locations.map((l) => [l.place, l.country, l.allowed ? "yes" : "no", l.why]))}
<h2>GDS and G-Cloud checklist</h2>${htmlTable(["Item", "Source", "Status", "How"], p.checklist.map((c) => [c.item, c.source, c.status === "covered" ? "covered by this plan" : "left to the buyer", c.how]))}
<h2>Portability</h2><p>Stack portability: <strong>${p.portability.score}%</strong>.</p><figure><figcaption>Value against portability (GDS)</figcaption>${portabilityChart(p)}</figure>
${htmlTable(["Component", "Score", "Lock-in points"], p.portability.components.map((c) => [c.component, `${c.score}%`, c.lockIn.map((l) => `${l.what} (leaving: ${l.leaving})`).join("; ") || "none"]))}
<p>${escapeHtml(p.portability.freehold.text)}</p>
<h2>Evidence</h2><ul><li>Target plan valid: yes, ${p.evidence.targetResources} resources</li>${p.evidence.targetChecks ? `<li>Target checks: ${p.evidence.targetChecks.errors} errors, ${p.evidence.targetChecks.warnings} warnings</li>` : ""}<li>Exit drill: <code>${escapeHtml(p.evidence.drill.command)}</code></li><li>Drill evidence: ${escapeHtml(p.evidence.drill.evidence ?? "none read; pass the drill's JSON with --measured")}</li></ul>`;
  return htmlPage(`Exit plan: ${p.stack}, ${p.from.provider} to ${p.to.provider}`, `${p.from.region} → ${p.to.region}; built from offline plans`, body);
}
