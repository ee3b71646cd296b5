/**
 * The CLI's commands end to end. Most cases run its main in this process (cli-helpers' freeholdInProcess: a stack
 * file is planned in this process too, a program directory in the planning processes the CLI starts, and two
 * simultaneous plans in two planning processes); those about exit codes and stack-trace absence (a missing file, a
 * malformed stack, a cloud that cannot host, --help) run the binary as a user does, planning processes and all.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CheckReport, type Comparison, compareMarkdown, comparePlans, currencyNote, type ExitReport, HMRC_USD_RATE, money, type Plan, planMarkdown, planText, runbookCommands, serverCaCommands } from "@freehold/cli";
import { type DatabaseMigration, POSTGRES_CLIENT } from "@freehold/core";
import { CLOUDS, WebServiceSpec } from "@freehold/model";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_DIR, EXAMPLE_STACK, freehold, freeholdInProcess as cli, type Run } from "./cli-helpers";
import { planFixture } from "./plan-fixture";

const tmp = () => mkdtempSync(join(tmpdir(), "freehold-cli-"));

describe("freehold plan", () => {
  for (const cloud of CLOUDS) {
    it(`prints the JSON contract for the example on ${cloud}, and the TypeScript program gives the same resources`, async () => {
      const [file, program] = await Promise.all([
        cli(["plan", EXAMPLE_STACK, "--cloud", cloud, "--format", "json"]),
        cli(["plan", EXAMPLE_DIR, "--cloud", cloud, "--format", "json"]),
      ]);
      expect(file.code).toBe(0);
      const plan = JSON.parse(file.stdout) as Plan;
      expect(plan).toMatchObject({ schema: "freehold.plan/v1", cloud, region: { aws: "eu-west-2", azure: "uksouth", gcp: "europe-west2" }[cloud], stack: "crown-marketplace", pulumiStack: "dev" });
      expect(plan.components.map((c) => `${c.name}:${c.kind}`)).toEqual(["db:database", "uploads:object-store", "web:web-service", "worker:worker", "nightly:scheduled-job"]);
      for (const c of plan.components) {
        expect(c.service.length).toBeGreaterThan(0);
        expect(c.estimate.lines.every((l) => l.source.name && /^\d{4}-\d{2}-\d{2}$/.test(l.source.date))).toBe(true);
      }
      expect(plan.components.find((c) => c.name === "db")?.sku).toBeTruthy();
      for (const r of plan.resources) {
        expect(r).toEqual({
          urn: expect.stringMatching(/^urn:pulumi:dev::crown-marketplace::/),
          type: expect.any(String),
          name: expect.any(String),
          parent: expect.any(String),
          custom: expect.any(Boolean),
          inputs: expect.any(Object),
          options: expect.objectContaining({ protect: expect.any(Boolean), retainOnDelete: expect.any(Boolean), dependsOn: expect.any(Array) }),
          dependencies: expect.any(Array),
          propertyDependencies: expect.any(Object),
        });
      }
      expect(plan.outputs).toMatchObject({ db: { connectionString: "[secret]" } });
      // No deprecation or other warnings; only the degradations the example accepts, named, and on Azure its prerequisites, once.
      const prerequisites = plan.warnings.filter((w) => w.startsWith("Azure prerequisites: "));
      expect(prerequisites).toHaveLength(cloud === "azure" ? 1 : 0);
      expect(plan.warnings.filter((w) => !w.includes("degradation accepted by acceptDegraded") && !prerequisites.includes(w))).toEqual([]);
      if (cloud === "aws") expect(plan.warnings).toEqual([]);
      expect(program.code).toBe(0);
      expect(JSON.parse(program.stdout).resources).toEqual(plan.resources);
    });
  }

  it("gives byte-identical JSON on two runs", async () => {
    // Two planning processes at once, as two users' runs would be.
    const [a, b] = await Promise.all([cli(["plan", EXAMPLE_STACK, "--cloud", "azure", "--format", "json"], { planning: "child" }), cli(["plan", EXAMPLE_STACK, "--cloud", "azure", "--format", "json"], { planning: "child" })]);
    expect(a.stdout).toBe(b.stdout);
  }, 180_000); // two plans at once: on a loaded machine each takes the time of two
});

describe("bad input", () => {
  it("names a missing file", async () => {
    const r = await freehold(["plan", "nope/freehold.yaml", "--cloud", "aws"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("nope/freehold.yaml: no such file or directory. Give a stack file (freehold.yaml) or a Pulumi program directory.\n");
  });

  it("shows a malformed stack's SpecError, not a stack trace", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "bad.yaml"), "name: shop\ncomponents:\n  db: { kind: database, storageGiB: 5 }\n  web: { kind: web-service, image: x, links: [cache] }\n");
    const r = await freehold(["plan", join(dir, "bad.yaml"), "--cloud", "aws"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'bad.yaml has 2 problems:\n  - components.db.storageGiB: 5 is below the minimum of 20 GiB\n  - components.web.links[0]: "cache" is not a component of this stack (components: db, web)\n',
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects an unknown cloud and an unknown flag in one message", async () => {
    const r = await cli(["plan", EXAMPLE_STACK, "--cloud", "oracle", "--fromat", "json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'freehold plan: 2 problems:\n  - --cloud: "oracle" is not allowed; allowed: aws, azure, gcp\n  - unknown flag --fromat; did you mean --format? (flags: --cloud, --format, --currency, --stack, --previous, --usage, --hours, --storage-gib, --requests-millions, --egress-gib, --help)\nRun `freehold plan --help` for usage.\n',
    );
  });

  it("suggests a command for a typo and documents exit codes in --help", async () => {
    const r = await cli(["compre"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('freehold: unknown command "compre". Did you mean "compare"? Commands: plan, compare, check, exit-plan, migrate, replicate, rehearse, eject, prices.\n');
    const help = await freehold(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit codes: 0 ok; 1 check findings, failed verification or a failed tool or server (the message says what to check); 2 bad input;");
    expect(help.stdout).toContain("3 a cloud cannot host the stack; 129/130/143 migrate or rehearse stopped by SIGHUP/SIGINT/SIGTERM (everything it started stopped); 70 internal error.");
    for (const c of ["plan", "compare", "check", "exit-plan", "migrate", "rehearse", "eject", "prices"]) {
      const h = await cli([c, "--help"]);
      expect(h.code, c).toBe(0);
      expect(h.stdout).toContain(`Usage: freehold ${c}`);
    }
  });

  it("exits 3 with the reason when a cloud cannot host the stack", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "s.yaml"), "name: shop\ncomponents:\n  web: { kind: web-service, image: x, writableRootFilesystem: true, scaling: { min: 0, max: 2 } }\n");
    const r = await freehold(["plan", join(dir, "s.yaml"), "--cloud", "aws"]);
    expect(r.code).toBe(3);
    expect(r.stderr.startsWith("freehold: Amazon Web Services cannot host this stack as written.\n  component: web\n  feature:   web-service.scale-to-zero\n  reason:    ")).toBe(true);
  });
});

/** One `freehold compare` of the example, written to a directory: compare's cases read it, exit-plan's take its plans. */
let exampleCompare: Promise<{ dir: string; run: Run; cmp: Comparison & { plans: Plan[] } }> | undefined;
const compareExample = () => {
  exampleCompare ??= (async () => {
    const dir = tmp();
    const run = await cli(["compare", EXAMPLE_STACK, "--out", dir]);
    return { dir, run, cmp: run.code === 0 ? JSON.parse(readFileSync(join(dir, "compare.json"), "utf8")) : undefined };
  })();
  return exampleCompare;
};

describe("freehold compare", () => {
  let dir: string;
  let cmp: Comparison & { plans: Plan[] };
  let stdout: string;
  beforeAll(async () => {
    let r: Run;
    ({ dir, run: r, cmp } = await compareExample());
    expect(r.code, r.stderr).toBe(0);
    stdout = r.stdout;
    expect(r.stderr).toContain("Planning ");
    expect(r.stdout).toMatch(/Cloud\s+Region\s+Hosts stack/);
  });

  it("writes md, html and json with every cloud and component", () => {
    expect(cmp.clouds.map((c) => c.cloud)).toEqual(["aws", "azure", "gcp"]);
    expect(cmp.components.map((c) => c.name)).toEqual(["db", "uploads", "web", "worker", "nightly"]);
    const md = readFileSync(join(dir, "compare.md"), "utf8");
    for (const s of ["## Summary", "## db (database)", "## Cost lines", "## Assumptions", "## Price sources"]) expect(md).toContain(s);
    expect(readFileSync(join(dir, "compare.html"), "utf8")).toMatch(/^<!doctype html>/);
  });

  it("totals equal the sum of component and platform estimates, per cloud", () => {
    for (const c of cmp.clouds) {
      const sum = cmp.components.reduce((a, x) => a + (x.clouds[c.cloud]?.monthlyUsd ?? 0), 0) + c.platform.monthlyUsd;
      expect(c.monthlyUsd).toBeCloseTo(sum, 1);
    }
  });

  it("shows each cloud's gaps from its capability table and every region's residency", () => {
    const web = cmp.components.find((c) => c.name === "web");
    expect(web?.clouds.azure?.gaps.map((g) => g.feature)).toContain("web-service.read-only-root-filesystem");
    expect(web?.clouds.aws?.gaps.map((g) => g.feature)).not.toContain("web-service.read-only-root-filesystem");
    for (const c of cmp.clouds) expect(c.residency).toMatchObject({ rule: "uk", ok: true });
  });

  it("shows costs in pounds at HMRC's dated rate by default, in every format, with the rate and its source", () => {
    expect(cmp.currency).toEqual({ code: "GBP", symbol: "£", rate: HMRC_USD_RATE });
    for (const c of cmp.clouds) {
      expect(c.monthly).toBeCloseTo(c.monthlyUsd / HMRC_USD_RATE.usdPerGbp, 2);
      expect(c.platform.monthly).toBeCloseTo(c.platform.monthlyUsd / HMRC_USD_RATE.usdPerGbp, 2);
    }
    const web = cmp.components.find((c) => c.name === "web")?.clouds.aws;
    expect(web?.monthly).toBeCloseTo((web?.monthlyUsd ?? 0) / HMRC_USD_RATE.usdPerGbp, 2);
    const note = currencyNote(cmp.currency);
    const md = readFileSync(join(dir, "compare.md"), "utf8");
    const aws = cmp.clouds[0] as (typeof cmp.clouds)[number];
    expect(md).toContain(note);
    expect(md).toContain(`| Estimated monthly cost | ${cmp.clouds.map((c) => money(c.monthlyUsd, cmp.currency)).join(" | ")} |`);
    expect(md).toContain(`Total: **${money(aws.monthlyUsd, cmp.currency)}** a month: ${money(aws.fixedUsd, cmp.currency)} fixed, ${money(aws.usageUsd, cmp.currency)} usage-driven.`);
    expect(md).toContain("| Component | Item | Basis | Quantity | Unit price (USD list) | Monthly (£) | Source |");
    expect(md).toContain(`| all | ${HMRC_USD_RATE.source.name}: ${HMRC_USD_RATE.source.url} | 2026-10 | exchange rate |`);
    expect(md).toMatch(/\| Monthly estimate \| £/);
    expect(md).not.toMatch(/\| Monthly estimate \|[^\n]*\$/);
    expect(readFileSync(join(dir, "compare.html"), "utf8")).toContain(`<div class="big">${money(aws.monthlyUsd, cmp.currency)}<span class="muted"> /month</span>`);
    const row = stdout.split("\n").find((l) => l.startsWith("Amazon Web Services")) ?? "";
    expect(row.split(/\s{2,}/).slice(-3)).toEqual([money(aws.monthlyUsd, cmp.currency), money(aws.fixedUsd, cmp.currency), money(aws.usageUsd, cmp.currency)]);
    expect(stdout).toContain(note);
  });

  it("plans the TypeScript program afresh for each cloud when clouds share a planning process", async () => {
    const r = await cli(["compare", EXAMPLE_DIR, "--format", "json", "--quiet"], { env: { FREEHOLD_PLAN_PROCESSES: "1" } });
    expect(r.code, r.stderr).toBe(0);
    const fromProgram = (JSON.parse(r.stdout) as { plans: Plan[] }).plans;
    expect(fromProgram.map((p) => p.resources)).toEqual(cmp.plans.map((p) => p.resources));
  });

  it("shows a cloud that cannot host the stack with its reason instead of dropping it", async () => {
    const d = tmp();
    writeFileSync(join(d, "s.yaml"), "name: shop\ncomponents:\n  web: { kind: web-service, image: x, writableRootFilesystem: true, scaling: { min: 0, max: 2 } }\n");
    const r = await cli(["compare", join(d, "s.yaml"), "--format", "json", "--quiet"]);
    expect(r.code).toBe(3);
    const c = JSON.parse(r.stdout) as Comparison;
    expect(c.clouds.find((x) => x.cloud === "aws")).toMatchObject({ ok: false, status: "cannot host", error: { type: "unsupported", component: "web", feature: "web-service.scale-to-zero" } });
    expect(c.clouds.find((x) => x.cloud === "gcp")?.ok).toBe(true);
  });
});

describe("freehold check", () => {
  for (const cloud of CLOUDS) {
    it(`passes on the example on ${cloud}`, async () => {
      const r = await cli(["check", EXAMPLE_STACK, "--cloud", cloud, "--format", "json"]);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as CheckReport;
      expect(report.summary.errors).toBe(0);
      expect(report.rules.every((x) => x.ncsc.length > 0)).toBe(true);
    });
  }

  const weakened: Array<[string, string, string, string[]]> = [
    ["aws", "a public bucket", "files: { kind: object-store, vendor: { aws: { publicAccessBlock: { blockPublicPolicy: false, restrictPublicBuckets: false } } } }", ["FH-PUB-001"]],
    ["aws", "no backups", "db: { kind: database, vendor: { aws: { instance: { backupRetentionPeriod: 0 } } } }", ["FH-BAK-001"]],
    // Azure refuses a public container on an account that disallows public access (the plan is refused first): allow it on the account too.
    ["azure", "a public container", "files: { kind: object-store, vendor: { azure: { account: { allowBlobPublicAccess: true }, container: { publicAccess: Blob } } } }", ["FH-PUB-001"]],
    ["gcp", "a bucket without public access prevention", "files: { kind: object-store, vendor: { gcp: { bucket: { publicAccessPrevention: inherited } } } }", ["FH-PUB-001"]],
    ["aws", "a CORS origin * set through the vendor escape hatch", 'files: { kind: object-store, cors: [{ allowedOrigins: ["https://a.example.gov.uk"] }], vendor: { aws: { cors: { corsRules: [{ allowedOrigins: ["*"], allowedMethods: [GET] }] } } } }', ["FH-PUB-001"]],
  ];
  for (const [cloud, what, component, ids] of weakened) {
    it(`fails a stack with ${what} on ${cloud} with ${ids.join(", ")}`, async () => {
      const d = tmp();
      writeFileSync(join(d, "s.yaml"), `name: weak\ncomponents:\n  ${component}\n`);
      const r = await cli(["check", join(d, "s.yaml"), "--cloud", cloud, "--format", "json"]);
      expect(r.code, r.stderr).toBe(1);
      const report = JSON.parse(r.stdout) as CheckReport;
      expect(report.rules.filter((x) => x.status === "non-compliant" && x.severity === "error").map((x) => x.id)).toEqual(ids);
    });
  }
});

describe("freehold exit-plan", () => {
  let plans: Plan[];
  beforeAll(async () => {
    const { run, cmp } = await compareExample();
    expect(run.code, run.stderr).toBe(0);
    plans = cmp.plans;
  });

  const pairs = CLOUDS.flatMap((a) => CLOUDS.filter((b) => b !== a).map((b) => [a, b] as const));
  for (const [from, to] of pairs) {
    it(`plans an exit from ${from} to ${to} with every section, its numbers taken from the two plans`, async () => {
      // One run writes the three formats (each run plans all three clouds: the suite's time).
      const dir = tmp();
      const run = await cli(["exit-plan", EXAMPLE_STACK, "--from", from, "--to", to, "--out", dir, "--quiet", "--data-gib", "500", "--db-gib", "40"]);
      expect(run.code, run.stderr).toBe(0);
      const p = JSON.parse(readFileSync(join(dir, `exit-plan-${from}-to-${to}.json`), "utf8")) as ExitReport;
      const md = { stdout: readFileSync(join(dir, `exit-plan-${from}-to-${to}.md`), "utf8") };
      const source = plans.find((x) => x.cloud === from) as Plan;
      const target = plans.find((x) => x.cloud === to) as Plan;
      for (const s of ["## Inventory", "## Target mapping", "## Application changes", "## Data migration runbook", "## Time to exit", "## Exit cost", "## Cutover", "## Rollback", "## Verification", "## Residency", "## GDS and G-Cloud checklist", "## Portability", "## Evidence"]) {
        expect(md.stdout).toContain(s);
      }
      expect(p.inventory.map((i) => [i.component, i.sku, i.monthlyUsd])).toEqual(source.components.map((c) => [c.name, c.sku, c.estimate.monthlyUsd]));
      expect(p.mapping.map((m) => m.to.sku)).toEqual(source.components.map((c) => target.components.find((t) => t.name === c.name)?.sku));
      expect(p.cost.targetMonthlyUsd.value).toBe(target.totals.monthlyUsd);
      expect(p.cost.sourceMonthlyUsd.value).toBe(source.totals.monthlyUsd);
      const egress = Math.max(0, 540 - source.migration.freeEgressGiB) * source.migration.egress.usd;
      expect(p.cost.egressUsd.value).toBeCloseTo(egress, 2);
      expect(p.cost.egressUsd.source).toEqual(source.migration.egress.source);
      expect(p.cost.dualRunningUsd.value).toBeCloseTo((target.totals.monthlyUsd * 14) / 30, 2);
      expect(p.time.objectsHours.value).toBeCloseTo((500 * 1024) / 100 / 3600, 2);
      expect(p.runbook.database[0]?.steps.flatMap((s) => s.commands ?? []).join("\n")).toContain(target.migration.databases[0]?.host as string);
      expect(p.runbook.objects[0]?.steps.flatMap((s) => s.commands ?? []).join("\n")).toContain(target.migration.objectStores[0]?.path as string);
      // One source of commands: the runbook prints what the exit drill runs; the restore is as app, then the role job runs again.
      const commands = [...(p.runbook.database[0]?.stopTheWorld ?? []), ...(p.runbook.objects[0]?.steps ?? [])].flatMap((s) => s.commands ?? []);
      for (const line of runbookCommands(source, target)) expect(commands).toContain(line);
      // The operator verifies both servers (verify-full) against the CAs the reach steps write from what each backend gives.
      const [sdb, tdb] = [source.migration.databases[0], target.migration.databases[0]] as [DatabaseMigration, DatabaseMigration];
      const reach = (p.runbook.database[0]?.stopTheWorld ?? []).filter((s) => s.title.startsWith("Reach the "));
      expect(reach.map((s) => s.commands?.slice(1))).toEqual([serverCaCommands(sdb.serverCa, "source-ca.pem"), serverCaCommands(tdb.serverCa, "target-ca.pem")]);
      expect(commands.find((c) => c.startsWith("freehold migrate database"))).toContain("sslmode=verify-full&sslrootcert=source-ca.pem");
      expect(commands.find((c) => c.startsWith("freehold migrate database"))).toContain("sslmode=verify-full&sslrootcert=target-ca.pem");
      expect(commands.find((c) => c.startsWith("PGPASSWORD=\"$SRC_PASSWORD\" pg_dump"))).toContain("sslmode=verify-full sslrootcert=source-ca.pem");
      expect(JSON.stringify(p.runbook)).not.toMatch(/sslmode=(require|prefer|allow|disable|verify-ca)\b/);
      expect(commands.find((c) => c.startsWith("freehold migrate database"))).toContain(" --to-role app ");
      expect(commands.find((c) => c.startsWith("PGPASSWORD=\"$DST_PASSWORD\" pg_restore"))).toContain("--role=app");
      expect(commands.join("\n")).toContain(POSTGRES_CLIENT.image);
      expect(POSTGRES_CLIENT.image).toMatch(/^public\.ecr\.aws\/docker\/library\/postgres:17@sha256:[0-9a-f]{64}$/);
      expect(JSON.stringify(p.runbook)).not.toMatch(/postgres:1[3-6]\b/);
      for (const steps of [p.runbook.database[0]?.steps, p.runbook.database[0]?.stopTheWorld]) {
        expect(steps?.find((s) => s.title.startsWith("Run the target's role job again"))?.commands?.[0]).toMatch({ aws: /^aws ecs update-service /, azure: /^az containerapp job start /, gcp: /^gcloud run jobs execute / }[to]);
      }
      // Both clouds offer logical replication: the live path by default, writes stopped for seconds, with its way back.
      expect(p.runbook.database[0]?.path).toBe("live");
      expect(p.runbook.database[0]?.steps.flatMap((s) => s.commands ?? []).filter((c) => c.startsWith("freehold replicate ")).map((c) => c.split(" ")[2])).toEqual(["start", "status", "cutover", "rollback", "finish"]);
      expect(p.time.writeDowntime).toMatchObject({ value: 10, unit: "seconds" });
      expect(p.evidence.drill.command).toBe(`freehold rehearse --from ${from} --to ${to} examples/crown-marketplace/freehold.yaml --out reports/drill`);
      expect(p.residency).toMatchObject({ rule: "uk", ok: true });
      // A rollback after cutover is replicate's way back, which keeps the writes made on the target.
      expect(p.rollback.map((r) => r.title).join("\n")).toContain("freehold replicate rollback");
      expect(p.rollback.map((r) => r.title).join("\n")).not.toContain("swapped");
      expect(p.checklist.filter((c) => c.status === "covered").length).toBeGreaterThan(5);
      expect(p.evidence).toMatchObject({ targetPlanValid: true, targetResources: target.totals.resources, targetChecks: { errors: 0 } });
      // Costs in pounds at HMRC's rate, the USD figures kept beside them.
      expect(p.currency).toEqual({ code: "GBP", symbol: "£", rate: HMRC_USD_RATE });
      expect(p.costs.oneOff).toBeCloseTo(p.cost.oneOffUsd.value / HMRC_USD_RATE.usdPerGbp, 2);
      expect(p.costs.targetMonthly).toBeCloseTo(target.totals.monthlyUsd / HMRC_USD_RATE.usdPerGbp, 2);
      expect(md.stdout).toContain(currencyNote(p.currency));
      expect(md.stdout).toContain(`| Target, monthly | ${money(target.totals.monthlyUsd, p.currency)}/month |`);
      // A sterling plan says every amount of its own in pounds: only list prices quoted from their source stay in dollars.
      expect(p.cost.dualRunningUsd.basis).toContain(`at its estimated ${money(target.totals.monthlyUsd, p.currency)}/month`);
      expect(p.cost.sourceMonthlyUsd.basis).toContain(`${money(source.totals.fixedUsd, p.currency)} fixed`);
      const costSection = md.stdout.slice(md.stdout.indexOf("## Exit cost"), md.stdout.indexOf("## Cutover"));
      expect(costSection.replaceAll(currencyNote(p.currency), "").replace(/\[[^\]]*\]/g, "").replace(/\$[0-9.]+\/(GB|GiB)\b/g, "")).not.toMatch(/\$[0-9]/);
    });
  }

  it("refuses the same cloud twice", async () => {
    const r = await cli(["exit-plan", EXAMPLE_STACK, "--from", "aws", "--to", "aws"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--from and --to are both aws; choose two different clouds");
  });
});

describe("freehold migrate", () => {
  it("copies objects with rclone, verifies them and writes a manifest; a second run copies nothing more", async () => {
    const src = tmp();
    const dst = tmp();
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(src, "docs", "2026"), { recursive: true });
    writeFileSync(join(src, "docs", "2026", "tender – ffurflen.pdf"), Buffer.alloc(300_000, 7));
    writeFileSync(join(src, "empty.txt"), "");
    const manifest = join(tmp(), "m.json");
    const first = await cli(["migrate", "objects", "--from", src, "--to", dst, "--manifest", manifest, "--quiet"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("Objects copied and verified: 2 objects, every size and hash equal (2 copied, 0 already present).");
    const m = JSON.parse(readFileSync(manifest, "utf8")) as { objects: Array<{ path: string; size: number; match: boolean }> };
    expect(m.objects.map((o) => [o.path, o.size, o.match]).sort()).toEqual([["docs/2026/tender – ffurflen.pdf", 300000, true], ["empty.txt", 0, true]]);
    const again = await cli(["migrate", "objects", "--from", src, "--to", dst, "--manifest", manifest, "--quiet"]);
    expect(again.code).toBe(0);
    expect((JSON.parse(readFileSync(manifest, "utf8")) as { copy: { transferred: number } }).copy.transferred).toBe(0);
  });

  it("replaces a stale object at the target only with --replace, verifies by download, and never writes to the source", async () => {
    const src = tmp();
    const dst = tmp();
    writeFileSync(join(src, "a.txt"), "original");
    writeFileSync(join(dst, "a.txt"), "stale copy");
    const refused = await cli(["migrate", "objects", "--from", src, "--to", dst, "--verify", "download", "--quiet"], { cwd: tmp() });
    expect(refused.code).toBe(1);
    expect(readFileSync(join(dst, "a.txt"), "utf8")).toBe("stale copy");
    const r = await cli(["migrate", "objects", "--from", src, "--to", dst, "--verify", "download", "--replace", "--quiet"], { cwd: tmp() });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dst, "a.txt"), "utf8")).toBe("original");
    expect(readFileSync(join(src, "a.txt"), "utf8")).toBe("original");
  });

  it("rejects what it cannot migrate and malformed remotes in one message", async () => {
    const r = await cli(["migrate", "tables", "--from", "x", "--to", "y"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"tables" is not something to migrate; use database, objects, or verify');
    const bad = await cli(["migrate", "objects", "--from", ":s3,provider=Other,endpoint='http://x:1:bucket", "--to", "myremote:bucket"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("2 problems:");
    expect(bad.stderr).toContain(`--from: ":s3,provider=Other,endpoint='http://x:1:bucket" the value of "endpoint" opened with ' at character 29 is never closed`);
    expect(bad.stderr).toContain('--to: "myremote:bucket" names the rclone remote "myremote"; Freehold does not read rclone.conf');
  });
});

describe("DNS records for a custom domain", () => {
  it("are listed by plan (table and md) and compare from the plan's web service outputs", async () => {
    const records = [
      { name: "_x1.app.example.gov.uk", type: "CNAME", value: "_y1.acm-validations.aws", purpose: "certificate validation" },
      { name: "app.example.gov.uk", type: "CNAME", value: "web-ext-123.eu-west-2.elb.amazonaws.com", purpose: "traffic" },
    ];
    const base = planFixture("aws", { region: "eu-west-2" });
    const web = { name: "web", kind: "web-service" as const, service: "Amazon ECS on AWS Fargate", details: {}, spec: WebServiceSpec.parse({ kind: "web-service", image: "x", public: true, domain: "app.example.gov.uk" }), features: [], availability: { basis: "x", source: { name: "s", date: "2026-01-01" } }, estimate: { lines: [], monthlyUsd: 0, fixedUsd: 0, usageUsd: 0 }, vendorSettings: [], outputs: { url: "https://app.example.gov.uk", dnsRecords: records }, urn: "u", resourceCount: 1 };
    const plan = { ...base, components: [web] } as typeof base & { error: undefined };
    for (const text of [planText(plan), planMarkdown(plan), compareMarkdown(comparePlans([plan], "stack.yaml"), [plan])]) {
      expect(text).toContain("DNS records to create");
      expect(text).toContain("_x1.app.example.gov.uk");
      expect(text).toContain("web-ext-123.eu-west-2.elb.amazonaws.com");
    }
  });
});
