/** The exit drill's evidence for people: Markdown for a repository, HTML to send; the JSON is the evidence itself. */
import { escapeHtml, htmlTable, mdEscape } from "../../report/format";
import { htmlPage } from "../../report/html";
import type { PairEvidence } from "./drill";
import type { LiveEvidence } from "./live";
import type { DrillSide } from "./pair";

const CLOUD: Record<string, string> = { aws: "AWS", azure: "Azure", gcp: "Google Cloud" };

function sideLines(title: string, s: DrillSide): string[] {
  const L = [`### ${title}: ${CLOUD[s.cloud] ?? s.cloud}`, ""];
  const d = s.database;
  if (d) {
    L.push(
      `- Database ${d.name} on ${d.server} (the plan asks for PostgreSQL ${d.plannedVersion}; this machine's server stands in), owned by ${d.owner} as the cloud's API makes it; administrator ${d.admin} (${d.adminAttributes}; ${d.standInSource}).`,
      `- TLS: ${d.tls}. Parameters from the plan applied: ${d.parameters.applied.join("; ") || "none"}.${d.parameters.notApplicable.length ? ` Not applicable locally: ${d.parameters.notApplicable.join("; ")}.` : ""}`,
      ...d.roleJobs.map((j) => `- Role job from the plan, run as the backend runs it: ${j.resource}, exit ${j.code}: \`${mdEscape(j.output.split("\n").pop() ?? "")}\``),
    );
  }
  if (s.store) L.push(`- Object store: ${s.store.server}, bucket ${s.store.bucket} at ${s.store.endpoint}.`);
  if (s.contract) {
    L.push("", "| variable | read-write link | read link |", "| --- | --- | --- |");
    for (const k of Object.keys(s.contract.readWrite)) L.push(`| ${k} | ${mdEscape(s.contract.readWrite[k] ?? "")} | ${mdEscape(s.contract.read[k] ?? "")} |`);
  }
  L.push("");
  return L;
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The live path's evidence, one line a fact. */
function liveLines(lv: LiveEvidence): string[] {
  return [
    `Write downtime measured by cutover: ${sec(lv.writeDowntimeMs)} (of which the target catching up ${sec(lv.catchUpMs)}); the application's own gap between its last write on the source and its first on the target: ${sec(lv.applicationGapMs)}.`,
    `Rows the application committed during the run: ${lv.rowsWritten.source} on the source, ${lv.rowsWritten.target} on the target (and ${lv.updates} updates); on the target: ${lv.rowsOnTarget}; lost: ${lv.lost}.`,
    `Lag while the application wrote: ${lv.lag.map((l) => `${l.bytes} bytes at ${sec(l.atMs)}`).join(", ") || "not sampled"}.`,
    `On this machine: ${lv.standIn}.`,
  ];
}

export function renderDrillMarkdown(e: PairEvidence): string {
  const L: string[] = [`# Exit drill: ${CLOUD[e.from.cloud]} to ${CLOUD[e.to.cloud]}`, ""];
  const passed = e.checks.filter((c) => c.ok).length;
  L.push(`**Result: ${e.ok ? "PASSED" : "FAILED"}**: ${passed} of ${e.checks.length} checks passed; stack ${e.stack}; ${e.startedAt} to ${e.finishedAt} (${(e.durationMs / 1000).toFixed(1)} s); data seed ${e.seed}; migration by ${e.mode === "dump-restore" ? "a verified dump and restore" : "logical replication under a write load, then cutover"}.${e.legacy ? ` Target set up by: ${e.legacy}.` : ""}`, "");
  L.push("Every server ran on this machine on 127.0.0.1, each set up from the cloud's plan of the stack; no data left the machine.", "");
  L.push("## Checks", "", "| check | result | detail |", "| --- | --- | --- |");
  for (const c of e.checks) L.push(`| ${mdEscape(c.name)} | ${c.ok ? "passed" : "**FAILED**"} | ${mdEscape(c.detail)} |`);
  L.push("", "## Steps", "", "| step | result | time | detail |", "| --- | --- | ---: | --- |");
  for (const s of e.steps) L.push(`| ${mdEscape(s.name)} | ${s.ok ? "ok" : "**FAILED**"} | ${(s.ms / 1000).toFixed(2)} s | ${mdEscape(s.detail)} |`);
  L.push("", "## Commands", "", "The exit plan's runbook says:", "", "```sh", ...e.commands.runbook, "```", "", "The drill ran the same commands against its own servers:", "", "```sh", ...e.commands.ran, "```", "");
  L.push("## How each side was set up", "", ...sideLines("Source", e.from), ...sideLines("Target", e.to));
  const dm = e.database.manifest;
  if (dm) L.push("## Database migration", "", `${dm.totals.tables} tables, ${dm.totals.rows} rows, ${dm.totals.sequences} sequences, ${dm.schema.objects} schema objects verified equal; restored as ${dm.restore.role ?? "the administrator"}. ${dm.consistency.statement}.`, "");
  const lv = e.database.live;
  if (lv) L.push("## Live database migration", "", ...liveLines(lv).map((l) => `- ${l}`), "");
  const om = e.objects.manifest;
  if (om) L.push("## Object migration", "", `${om.totals.objects} objects, ${om.totals.bytes} bytes, every size and MD5 equal (${om.verifyMode}).`, "");
  return L.join("\n");
}

export function renderDrillHtml(e: PairEvidence): string {
  const passed = e.checks.filter((c) => c.ok).length;
  const res = (ok: boolean, yes: string, no: string) => ({ html: ok ? `<span class="ok">${yes}</span>` : `<span class="bad">${no}</span>` });
  const body = `<div class="cards">
<div class="card${e.ok ? "" : " failed"}"><div>Result</div><div class="big ${e.ok ? "ok" : "bad"}">${e.ok ? "passed" : "FAILED"}</div><div class="muted">${passed} of ${e.checks.length} checks</div></div>
<div class="card"><div>Database</div><div class="big">${e.database.manifest?.totals.rows ?? 0} rows</div><div class="muted">${e.database.manifest?.totals.tables ?? 0} tables</div></div>
<div class="card"><div>Objects</div><div class="big">${e.objects.manifest?.totals.objects ?? 0}</div><div class="muted">${((e.objects.manifest?.totals.bytes ?? 0) / 1024).toFixed(0)} KiB</div></div>
</div>
<h2>Checks</h2>${htmlTable(["Check", "Result", "Detail"], e.checks.map((c) => [c.name, res(c.ok, "passed", "FAILED"), c.detail]))}
<h2>Steps</h2>${htmlTable(["Step", "Time", "Result", "Detail"], e.steps.map((s) => [s.name, `${s.ms} ms`, res(s.ok, "ok", "failed"), s.detail]))}
${e.database.live ? `<h2>Live database migration</h2><ul>${liveLines(e.database.live).map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>` : ""}
<h2>Commands</h2><p>The exit plan's runbook:</p><pre>${escapeHtml(e.commands.runbook.join("\n"))}</pre><p>As the drill ran them:</p><pre>${escapeHtml(e.commands.ran.join("\n"))}</pre>
<h2>How each side was set up</h2>${[e.from, e.to]
    .map((s, i) => `<h3>${i === 0 ? "Source" : "Target"}: ${escapeHtml(CLOUD[s.cloud] ?? s.cloud)}</h3>${s.database ? `<p>${escapeHtml(`${s.database.name} on ${s.database.server}; administrator ${s.database.admin} (${s.database.adminAttributes}); owner ${s.database.owner}; ${s.database.tls}`)}</p>` : ""}${s.contract ? htmlTable(["Variable", "Read-write link", "Read link"], Object.keys(s.contract.readWrite).map((k) => [k, s.contract?.readWrite[k] ?? "", s.contract?.read[k] ?? ""])) : ""}`)
    .join("")}`;
  return htmlPage(`Exit drill: ${CLOUD[e.from.cloud]} to ${CLOUD[e.to.cloud]}`, `Stack ${e.stack}; ${e.startedAt}`, body);
}
