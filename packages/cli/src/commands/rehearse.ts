import { relative } from "node:path";
import { type CommandSpec, type ParsedArgs, UsageError } from "../args";
import { EXIT } from "../errors";
import { writeFilesAtomically } from "../io";
import { type RehearsalEvidence, rehearsalPreflight, rehearse, renderEvidenceMarkdown, userFolderProblems } from "../migrate";
import { tableName } from "../migrate/pg";
import { escapeHtml, htmlTable } from "../report/format";
import { htmlPage } from "../report/html";
import type { Io } from "./common";
import { interruptible, migrationFailure } from "./migrate";

export const rehearseSpec: CommandSpec = {
  name: "rehearse",
  summary: "Rehearse an exit on this machine: real PostgreSQL, S3 and Azure Blob servers, real data, verified, with evidence.",
  details:
    "Starts two PostgreSQL servers, an S3-compatible server (s3rver) and Azurite on free loopback ports, seeds realistic data,\nmigrates it with pg_dump/pg_restore and rclone, verifies every row and object, proves that corruption is detected and that an\ninterrupted copy resumes, and writes the evidence. Works in a private folder of its own and removes only that folder; stops every\nserver it started, also when interrupted (SIGHUP/SIGINT/SIGTERM: exit 129/130/143). Needs postgresql and rclone (apt-get install -y postgresql rclone).",
  positionals: [],
  flags: [
    { name: "out", type: "string", placeholder: "DIR", default: "reports/rehearsal", description: "Write rehearsal.md, rehearsal.html and rehearsal.json here." },
    { name: "work-dir", type: "string", placeholder: "DIR", description: "A folder you own to work in: the rehearsal makes a private folder of its own there for dumps, seed objects and manifests, and removes only that (default: the system's temporary directory)." },
    { name: "rows", type: "number", placeholder: "N", default: 5000, description: "Rows to seed across the tables." },
    { name: "objects", type: "number", placeholder: "N", default: 40, description: "Objects to seed." },
    { name: "seed", type: "number", placeholder: "N", default: 1, description: "Seed for the generated data." },
    { name: "quiet", type: "boolean", description: "No progress lines." },
  ],
  examples: ["freehold rehearse", "freehold rehearse --rows 50000 --objects 200 --out reports/rehearsal"],
};

export function evidenceHtml(e: RehearsalEvidence): string {
  const body = `<div class="cards">
<div class="card${e.ok ? "" : " failed"}"><div>Result</div><div class="big ${e.ok ? "ok" : "bad"}">${e.ok ? "verified" : "FAILED"}</div><div class="muted">${(e.durationMs / 1000).toFixed(1)} s in all</div></div>
<div class="card"><div>Database</div><div class="big">${e.database.rows.toLocaleString("en-GB")} rows</div><div class="muted">${e.database.tables} tables</div></div>
<div class="card"><div>Objects</div><div class="big">${e.objects.count}</div><div class="muted">${(e.objects.bytes / 1048576).toFixed(1)} MiB</div></div>
</div>
<h2>Steps</h2>${htmlTable(["Step", "Time", "Result", "Detail"], e.steps.map((s) => [s.name, `${s.ms} ms`, { html: s.ok ? '<span class="ok">ok</span>' : '<span class="bad">failed</span>' }, s.detail]))}
<h2>Corruption is detected</h2>${htmlTable(["Check", "Corruption", "Expected", "Named by verification", "Result"], e.negativeChecks.map((n) => [n.name, n.corruption, n.expected.join(", "), n.named.join(", "), { html: n.ok ? '<span class="ok">detected</span>' : '<span class="bad">missed</span>' }]))}
<h2>An interrupted copy resumes</h2>${e.resume ? htmlTable(["Objects", "Present when killed", "Copied on resume", "Skipped on resume", "Verified"], [[String(e.resume.total), String(e.resume.presentAfterInterrupt), String(e.resume.transferredOnResume), String(e.resume.skippedOnResume), e.resume.verified ? "yes" : "no"]]) : "<p>not run</p>"}
<h2>Servers and tools</h2>${htmlTable(["Role", "Software", "Version", "Endpoint"], e.servers.map((s) => [s.role, s.software, s.version, s.endpoint]))}${htmlTable(["Tool", "Version"], Object.entries(e.tools))}
<h2>Where the data went</h2><ol>${e.dataPath.map((p) => `<li>${escapeHtml(p)}</li>`).join("")}</ol>
<h2>Verified tables</h2>${htmlTable(["Table", "Rows", "Checksum", "Equal"], (e.database.manifest?.tables ?? []).map((t) => [tableName(t), String(t.rows), t.checksum.slice(0, 16), t.match ? "yes" : "no"]))}`;
  return htmlPage("Exit rehearsal evidence", `Seed ${e.seed}; ${e.startedAt}; ${e.host.platform}/${e.host.arch}, Node ${e.host.node}`, body);
}

export async function runRehearse(args: ParsedArgs, io: Io): Promise<number> {
  const missing = rehearsalPreflight();
  if (missing.length) {
    io.err(`freehold rehearse: missing prerequisites:\n${missing.map((m) => `  - ${m}`).join("\n")}\n`);
    return EXIT.usage;
  }
  const workDir = args.flags["work-dir"] as string | undefined;
  const out = String(args.flags.out);
  // Checked before a rehearsal that takes a while, not after it.
  const problems = [...userFolderProblems(out, "out"), ...(workDir !== undefined ? userFolderProblems(workDir, "work-dir") : [])];
  if (problems.length > 0) throw new UsageError(problems, "rehearse");
  const stop = interruptible();
  let evidence: RehearsalEvidence;
  try {
    evidence = await rehearse({
      ...(workDir ? { workDir } : {}),
      seed: Number(args.flags.seed),
      rows: Number(args.flags.rows),
      objects: Number(args.flags.objects),
      log: args.flags.quiet ? undefined : (l) => io.err(`${l}\n`),
      signal: stop.signal,
    });
  } catch (e) {
    return migrationFailure(e, io, stop.which(), "rehearse");
  } finally {
    stop.dispose();
  }
  const written = writeFilesAtomically(out, { "rehearsal.md": renderEvidenceMarkdown(evidence), "rehearsal.html": evidenceHtml(evidence), "rehearsal.json": `${JSON.stringify(evidence, null, 2)}\n` });
  io.out(`Rehearsal ${evidence.ok ? "verified" : "FAILED"}: ${evidence.database.rows} rows in ${evidence.database.tables} tables and ${evidence.objects.count} objects; ${evidence.negativeChecks.filter((n) => n.ok).length}/${evidence.negativeChecks.length} corruption checks detected; resume ${evidence.resume?.ok ? "verified" : "failed"}.\nWrote ${written.map((w) => relative(process.cwd(), w)).join(", ")}\n`);
  return evidence.ok ? EXIT.ok : EXIT.findings;
}
