import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { CLOUDS, type Cloud } from "@freehold/model";
import { type CommandSpec, type ParsedArgs, UsageError } from "../args";
import { EXIT } from "../errors";
import { writeFilesAtomically } from "../io";
import { type RehearsalEvidence, rehearsalPreflight, rehearse, renderEvidenceMarkdown, userFolderProblems } from "../migrate";
import type { PairEvidence } from "../migrate/drill/drill";
import { renderDrillHtml, renderDrillMarkdown } from "../migrate/drill/report";
import { DEFAULT_DRILL_STACK, runDrills } from "../migrate/drill/run";
import { drillTlsPreflight } from "../migrate/drill/tls";
import { tableName } from "../migrate/pg";
import { resolveTarget } from "../plan/target";
import { escapeHtml, htmlTable } from "../report/format";
import { htmlPage } from "../report/html";
import type { Io } from "./common";
import { interruptible, migrationFailure } from "./migrate";

export const rehearseSpec: CommandSpec = {
  name: "rehearse",
  summary: "Rehearse an exit on this machine: real servers, real data, verified, with evidence; with --from and --to, the exit drill of one pair of clouds.",
  details:
    "freehold rehearse --from <cloud> --to <cloud> [stack]: the exit drill. Plans the stack (default: one database and one store) on both\nclouds and sets a local PostgreSQL up the way each plan and cloud does (its administrator, its role job's own\ncommand, TLS required with verify-full against a private CA, the parameters a local server takes), with each cloud's object store\n(s3rver for S3, Azurite for Azure Blob, a Cloud Storage JSON API stand-in for Cloud Storage); the source's application writes\ndata through its link environment; the exit plan's own commands move it; the application then uses the target through the\ntarget's link environment: the read-write role reads everything and writes, the read-only role reads and is refused writes.\nWrites exit-drill-<from>-to-<to>.md, .html and .json (exit-plan --measured reads the .json). Exit 0 passed, 1 a check failed.\nWithout --from and --to: starts two PostgreSQL servers, an S3-compatible server (s3rver) and Azurite on free loopback ports, seeds realistic data,\nmigrates it with pg_dump/pg_restore and rclone, verifies every row and object, proves that corruption is detected and that an\ninterrupted copy resumes, and writes the evidence. Works in a private folder of its own and removes only that folder; stops every\nserver it started, also when interrupted (SIGHUP/SIGINT/SIGTERM: exit 129/130/143). Needs postgresql and rclone (apt-get install -y postgresql rclone);\nthe exit drill also needs openssl (apt-get install -y openssl) for its private certificate authority.",
  positionals: [{ name: "stack", description: "With --from and --to: the stack file (freehold.yaml) to drill (default: one database and one object store). The drill adds two services of its own, one linked read-write and one read-only to every database and store.", required: false }],
  flags: [
    { name: "live", type: "boolean", description: "The exit drill: move the database live (freehold replicate start, status, cutover and finish while the application writes), recording the write downtime and every row written, instead of a dump and restore." },
    { name: "from", type: "string", values: CLOUDS, placeholder: "aws|azure|gcp", description: "The exit drill: the cloud the stack leaves (with --to)." },
    { name: "to", type: "string", values: CLOUDS, placeholder: "aws|azure|gcp", description: "The exit drill: the cloud it moves to (with --from)." },
    { name: "out", type: "string", placeholder: "DIR", default: "reports/rehearsal", description: "Write rehearsal.md, rehearsal.html and rehearsal.json here." },
    { name: "work-dir", type: "string", placeholder: "DIR", description: "A folder you own to work in: the rehearsal makes a private folder of its own there for dumps, seed objects and manifests, and removes only that (default: the system's temporary directory)." },
    { name: "rows", type: "number", placeholder: "N", description: "Rows to seed across the tables (default 5000; 100 in the exit drill)." },
    { name: "objects", type: "number", placeholder: "N", description: "Objects to seed (default 40; the exit drill's application writes its own six)." },
    { name: "seed", type: "number", placeholder: "N", default: 1, description: "Seed for the generated data." },
    { name: "quiet", type: "boolean", description: "No progress lines." },
  ],
  examples: ["freehold rehearse", "freehold rehearse --rows 50000 --objects 200 --out reports/rehearsal", "freehold rehearse --from aws --to azure examples/crown-marketplace/freehold.yaml --out reports/drill"],
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

/** The stack to drill: a stack file (or a folder holding freehold.yaml), or the default one. */
function drillStack(args: ParsedArgs): { name: string; text: string } {
  const given = args.positionals[0];
  if (given === undefined) return { name: "the default drill stack (a database and an object store)", text: DEFAULT_DRILL_STACK };
  const target = resolveTarget(given);
  if (target.kind !== "stack") throw new UsageError([`${given}: the exit drill plans a stack file (freehold.yaml); give the stack file of this program`], "rehearse");
  return { name: relative(process.cwd(), target.file) || target.file, text: readFileSync(target.file, "utf8") };
}

async function runDrill(args: ParsedArgs, io: Io): Promise<number> {
  const missing = [...rehearsalPreflight(), ...drillTlsPreflight()];
  if (missing.length) {
    io.err(`freehold rehearse: missing prerequisites:\n${missing.map((m) => `  - ${m}`).join("\n")}\n`);
    return EXIT.usage;
  }
  const from = args.flags.from as Cloud | undefined;
  const to = args.flags.to as Cloud | undefined;
  const problems = [
    ...(from === undefined || to === undefined ? ["--from and --to go together: give both clouds of the pair to drill"] : []),
    ...(from !== undefined && from === to ? [`--from and --to are both ${from}; choose two different clouds`] : []),
    ...(args.flags.objects !== undefined ? ["--objects does not apply to the exit drill: its application writes its own objects"] : []),
  ];
  const out = String(args.flags.out);
  const workDir = args.flags["work-dir"] as string | undefined;
  problems.push(...userFolderProblems(out, "out"), ...(workDir !== undefined ? userFolderProblems(workDir, "work-dir") : []));
  if (problems.length > 0) throw new UsageError(problems, "rehearse");
  const stack = drillStack(args);
  const stop = interruptible();
  let evidence: PairEvidence;
  try {
    [evidence] = (await runDrills({
      pairs: [{ from: from as Cloud, to: to as Cloud, stack, ...(args.flags.live ? { live: true } : {}) }],
      ...(workDir ? { workDir } : {}),
      seed: Number(args.flags.seed),
      ...(args.flags.rows !== undefined ? { rows: Number(args.flags.rows) } : {}),
      log: args.flags.quiet ? undefined : (l) => io.err(`${l}\n`),
      signal: stop.signal,
    })) as [PairEvidence];
  } catch (e) {
    return migrationFailure(e, io, stop.which(), "rehearse");
  } finally {
    stop.dispose();
  }
  const base = `exit-drill-${from}-to-${to}`;
  const written = writeFilesAtomically(out, { [`${base}.md`]: renderDrillMarkdown(evidence), [`${base}.html`]: renderDrillHtml(evidence), [`${base}.json`]: `${JSON.stringify(evidence, null, 2)}\n` });
  const failed = evidence.checks.filter((c) => !c.ok).map((c) => `  - ${c.name}: ${c.detail}`);
  const steps = evidence.steps.filter((s) => !s.ok).map((s) => `  - ${s.name}: ${s.detail}`);
  io.out(`Exit drill ${from} -> ${to} ${evidence.ok ? "passed" : "FAILED"}: ${evidence.checks.filter((c) => c.ok).length} of ${evidence.checks.length} checks passed.\n${[...steps, ...failed].map((l) => `${l}\n`).join("")}Wrote ${written.map((w) => relative(process.cwd(), w)).join(", ")}\n`);
  return evidence.ok ? EXIT.ok : EXIT.findings;
}

export async function runRehearse(args: ParsedArgs, io: Io): Promise<number> {
  if (args.flags.from !== undefined || args.flags.to !== undefined || args.positionals.length > 0 || args.flags.live) {
    if (args.flags.from === undefined && args.flags.to === undefined && args.positionals.length > 0) throw new UsageError([`${args.positionals[0]}: a stack is drilled between two clouds; give --from and --to`], "rehearse");
    return runDrill(args, io);
  }
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
      rows: args.flags.rows === undefined ? 5000 : Number(args.flags.rows),
      objects: args.flags.objects === undefined ? 40 : Number(args.flags.objects),
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
