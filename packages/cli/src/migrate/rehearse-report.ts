/** The rehearsal's evidence as a Markdown report. */
import { qualifiedName, tableName } from "./pg";
import type { RehearsalEvidence } from "./rehearse";

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** The evidence as a Markdown report. */
export function renderEvidenceMarkdown(e: RehearsalEvidence): string {
  const L: string[] = [];
  L.push("# Exit rehearsal evidence", "");
  L.push(`**Result: ${e.ok ? "PASSED" : "FAILED"}** — ${e.startedAt} to ${e.finishedAt} (${(e.durationMs / 1000).toFixed(1)} s), seed ${e.seed}.`, "");
  L.push(
    `Host: ${e.host.platform} ${e.host.arch}, ${e.host.cpus} CPUs, Node ${e.host.node}. Every server ran on this host on 127.0.0.1; no data left the machine.`,
    "",
  );
  L.push("## Servers", "", "| role | software | version | endpoint |", "| --- | --- | --- | --- |");
  for (const s of e.servers) L.push(`| ${cell(s.role)} | ${cell(s.software)} | ${cell(s.version)} | ${cell(s.endpoint)} |`);
  L.push("", "## Tools", "", "| tool | version |", "| --- | --- |");
  for (const [k, v] of Object.entries(e.tools)) L.push(`| ${k} | ${cell(v)} |`);
  L.push("", "## What moved", "");
  L.push(`- Database: ${e.database.tables} tables, ${e.database.rows} rows, ${e.database.manifest?.totals.sequences ?? 0} sequences; dump ${fmtBytes(e.database.dumpBytes)}.`);
  L.push(`- Objects: ${e.objects.count} objects, ${fmtBytes(e.objects.bytes)} (${e.objects.bytes} bytes).`);
  L.push("", "## Steps and timings", "", "| step | result | time | detail |", "| --- | --- | ---: | --- |");
  for (const s of e.steps) L.push(`| ${cell(s.name)} | ${s.ok ? "ok" : "**FAILED**"} | ${(s.ms / 1000).toFixed(2)} s | ${cell(s.detail)} |`);
  const dm = e.database.manifest;
  if (dm) {
    L.push("", "## Database verification", "");
    L.push(
      `Source ${dm.source.url} (PostgreSQL ${dm.source.serverVersion}) to target ${dm.target.url} (PostgreSQL ${dm.target.serverVersion}). ` +
        `Dump ${(dm.timings.dumpMs / 1000).toFixed(2)} s, restore ${(dm.timings.restoreMs / 1000).toFixed(2)} s, verification ${(dm.timings.verifyMs / 1000).toFixed(2)} s.`,
      "",
    );
    L.push(`Method: ${dm.checksumMethod}.`, "");
    L.push("| table | source rows | target rows | source checksum | target checksum | equal |", "| --- | ---: | ---: | --- | --- | --- |");
    for (const t of dm.tables)
      L.push(`| ${cell(tableName(t))} | ${t.sourceRows} | ${t.rows} | \`${t.sourceChecksum}\` | \`${t.checksum}\` | ${t.match ? "yes" : "**NO**"} |`);
    if (dm.sequences.length > 0) {
      L.push("", "| sequence | source value | target value | equal |", "| --- | ---: | ---: | --- |");
      for (const s of dm.sequences)
        L.push(`| ${cell(qualifiedName(s.schema, s.sequence))} | ${s.sourceLastValue ?? "unused"} | ${s.lastValue ?? "unused"} | ${s.match ? "yes" : "**NO**"} |`);
    }
  }
  if (e.database.rerun) L.push("", `Re-run: dump reused ${e.database.rerun.dumpReused ? "yes" : "no"}, restore skipped ${e.database.rerun.restoreSkipped ? "yes" : "no"} (${e.database.rerun.detail}).`);
  const om = e.objects.manifest;
  if (om) {
    L.push("", "## Object verification", "");
    L.push(
      `${om.totals.objects} objects, ${om.totals.bytes} bytes, compared by size and MD5 (${om.verifyMode} mode); copy ${(om.timings.copyMs / 1000).toFixed(2)} s, verification ${(om.timings.verifyMs / 1000).toFixed(2)} s. ` +
        `Independently re-verified by downloading and hashing both sides: ${e.objects.downloadVerified ? "yes" : "no"}.`,
      "",
    );
    L.push("| object | size | md5 | equal |", "| --- | ---: | --- | --- |");
    for (const o of om.objects) L.push(`| ${cell(o.path)} | ${o.size} | \`${o.hash}\` | ${o.match ? "yes" : "**NO**"} |`);
  }
  L.push("", "## Negative checks", "", "| check | what was done | verification named | result |", "| --- | --- | --- | --- |");
  for (const c of e.negativeChecks)
    L.push(`| ${cell(c.name)} | ${cell(c.corruption)} | ${cell(c.named.join(", ") || "nothing")} | ${c.ok ? "detected" : "**NOT DETECTED**"} |`);
  if (e.resume) {
    L.push("", "## Interrupted copy", "");
    L.push(`${e.resume.name}: ${e.resume.detail} (killed after ${e.resume.interruptedAfterMs} ms). Result: ${e.resume.ok ? "resumed to a verified finish" : "**FAILED**"}.`);
  }
  L.push("", "## Data path and residency", "");
  for (const p of e.dataPath) L.push(`- ${p}`);
  L.push("");
  return L.join("\n");
}
