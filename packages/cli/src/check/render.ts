import { type Colour, escapeHtml, htmlTable, mdTable, textTable } from "../report/format";
import { htmlPage } from "../report/html";
import type { CheckReport, RuleResult } from "./run";

const verdict = (r: RuleResult) => (r.status === "non-compliant" ? (r.severity === "error" ? "FAIL" : "WARN") : r.status === "compliant" ? "pass" : "n/a");

const PLAIN: Colour = { bold: (s) => s, dim: (s) => s, red: (s) => s, green: (s) => s, yellow: (s) => s };

/** Colour a table's leading result word (after padding, so columns stay aligned). */
function colourResults(table: string, c: Colour): string {
  return table
    .split("\n")
    .map((line) => line.replace(/^(FAIL|WARN|pass)\b/, (w) => (w === "FAIL" ? c.red(w) : w === "WARN" ? c.yellow(w) : c.green(w))))
    .join("\n");
}

export function checkText(report: CheckReport, colour: Colour = PLAIN): string {
  const rows = report.rules.map((r) => [verdict(r), r.id, r.summary, r.ncsc.join("; ")]);
  const failures = report.rules.filter((r) => r.status === "non-compliant").flatMap((r) => r.findings.filter((f) => f.status === "non-compliant").map((f) => `  ${r.id} ${f.subject}: ${f.message}`));
  return [
    `${report.provider} (${report.region}): ${report.summary.errors} error${report.summary.errors === 1 ? "" : "s"}, ${report.summary.warnings} warning${report.summary.warnings === 1 ? "" : "s"}, ${report.summary.compliant} rules compliant`,
    "",
    colourResults(textTable(["Result", "Rule", "Summary", "NCSC principles"], rows), colour),
    ...(failures.length ? ["", "Findings:", ...failures] : []),
  ].join("\n");
}

export function checkMarkdown(report: CheckReport): string {
  const o = [
    `# Policy check: ${report.stack} on ${report.provider}`,
    "",
    `Region ${report.region}. ${report.summary.errors} errors, ${report.summary.warnings} warnings, ${report.summary.compliant} rules compliant, ${report.summary.notApplicable} not applicable.`,
    "",
    mdTable(["Result", "Rule", "Severity", "Summary", "NCSC Cloud Security Principles"], report.rules.map((r) => [verdict(r), r.id, r.severity, r.summary, r.ncsc.join("; ")])),
    "",
  ];
  for (const r of report.rules) {
    o.push(`## ${r.id}: ${r.summary}`, "", r.explanation, "", mdTable(["Status", "Subject", "Finding"], r.findings.map((f) => [f.status, f.subject, f.message])), "");
  }
  return `${o.join("\n")}\n`;
}

export function checkHtml(report: CheckReport): string {
  const cls = (r: RuleResult) => (r.status === "non-compliant" ? (r.severity === "error" ? "bad" : "warn") : r.status === "compliant" ? "ok" : "muted");
  const body = `<div class="cards"><div class="card${report.summary.errors ? " failed" : ""}"><div>Errors</div><div class="big">${report.summary.errors}</div></div><div class="card"><div>Warnings</div><div class="big">${report.summary.warnings}</div></div><div class="card"><div>Rules compliant</div><div class="big">${report.summary.compliant}</div></div></div>
${htmlTable(["Result", "Rule", "Summary", "NCSC principles"], report.rules.map((r) => [{ html: `<span class="${cls(r)}">${verdict(r)}</span>` }, r.id, r.summary, r.ncsc.join("; ")]))}
${report.rules.map((r) => `<h3>${escapeHtml(`${r.id}: ${r.summary}`)}</h3><p>${escapeHtml(r.explanation)}</p>${htmlTable(["Status", "Subject", "Finding"], r.findings.map((f) => [f.status, f.subject, f.message]))}`).join("\n")}`;
  return htmlPage(`Policy check: ${report.stack} on ${report.provider}`, `${report.region}; rules mapped to the NCSC Cloud Security Principles`, body);
}
