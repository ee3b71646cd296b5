import { createHash } from "node:crypto";
/**
 * `freehold eject` as a user runs it: flags, every problem at once, exit
 * codes, all-or-nothing writes, a deployed state file, and `freehold plan` of
 * the program it writes.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildExitPlan, comparePlans, type Ejected, engineUrn, exitReport, type HostedPlan, parseUrn, portability, qualifiedType } from "@freehold/cli";
import { compareHtml, compareMarkdown } from "@freehold/cli";
import { exitHtml, exitMarkdown } from "../packages/cli/src/exit/render";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_STACK, freehold, freeholdInProcess as cli, ROOT } from "./cli-helpers";
import { configToSet, eject, ejectedDifferences, planProgram, programsDir, run, stackTarget, writeProgram } from "./eject-helpers";
import { planFixture } from "./plan-fixture";
import { EXAMPLE } from "./stacks";

let dir: string;
beforeAll(() => {
  dir = programsDir();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const FILES = ["README.md", "Pulumi.yaml", "index.ts", "package.json", "tsconfig.json"];

describe("freehold eject on the command line", () => {
  it("--help names every flag and the exit", async () => {
    const r = await cli(["eject", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--cloud", "--out", "--stack", "--state", "--quiet"]) expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain("Leave Freehold itself");
  });

  it("reports every problem with the command line at once, exits 2 and writes nothing", async () => {
    const r = await freehold(["eject", "missing.yaml", "--cloud", "aws", "--out", join(ROOT, "package.json"), "--state", "nope.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("freehold eject: 3 problems:");
    expect(r.stderr).toContain("missing.yaml: no such file or directory");
    expect(r.stderr).toMatch(/--out: .*package\.json exists and is not a directory/);
    expect(r.stderr).toContain("--state: ");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const missing = await cli(["eject", EXAMPLE_STACK]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--cloud is required");
    expect(missing.stderr).toContain("--out is required");
  });

  it("never writes into a directory that has files in it", async () => {
    const out = join(dir, "taken");
    mkdirSync(out);
    writeFileSync(join(out, "index.ts"), "// mine\n");
    const r = await cli(["eject", EXAMPLE_STACK, "--cloud", "gcp", "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("exists and is not empty");
    expect(readdirSync(out)).toEqual(["index.ts"]);
    expect(readFileSync(join(out, "index.ts"), "utf8")).toBe("// mine\n");
  });

  it("writes the program with a database role's verifier made from its generated password, so nothing is asked as config on AWS", async () => {
    const out = join(dir, "example-aws");
    const r = await cli(["eject", EXAMPLE_STACK, "--cloud", "aws", "--out", out, "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Ejected crown-marketplace on Amazon Web Services \(Pulumi stack dev\): \d+ cloud resources, no Freehold import\./);
    expect(readdirSync(out).sort()).toEqual(FILES.sort());
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(r.stderr).not.toMatch(/\n {2}- set /);
    expect(readFileSync(join(out, "index.ts"), "utf8")).toContain("verifier: pulumi.output(dbAppPassword.result).apply(scramVerifier)");
    const plan = await cli(["plan", out, "--cloud", "aws"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^Amazon Web Services: \d+ resources in a Pulumi program with no Freehold components/);
    expect(plan.stdout).toContain("db-instance");
  });

  it("lists on stderr every config value to set, with where to find it; `freehold plan DIR` names the missing ones (exit 2), then plans", async () => {
    const out = join(dir, "example-azure");
    const r = await cli(["eject", EXAMPLE_STACK, "--cloud", "azure", "--out", out, "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    // Role assignment names Freehold hashed from ids the cloud makes: never written out, config to set.
    const keys = [...r.stderr.matchAll(/\n {2}- set (\S+): .*Find it with `pulumi stack export` in the Freehold project/g)].map((m) => m[1] as string);
    expect(keys).toEqual(expect.arrayContaining(["web-db-access-roleAssignmentName", "worker-uploads-access-roleAssignmentName"]));
    const before = await cli(["plan", out, "--cloud", "azure"]);
    expect(before.code).toBe(2);
    expect(before.stderr).toContain(`Set these config values first (README.md, "Config to set", says where to find each): ${keys.join(", ")}`);
    writeFileSync(join(out, "Pulumi.dev.yaml"), `config:\n${keys.map((k, i) => `  crown-marketplace:${k}: 00000000-0000-4000-8000-${String(i).padStart(12, "0")}\n`).join("")}`);
    const plan = await cli(["plan", out, "--cloud", "azure"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^Microsoft Azure: \d+ resources in a Pulumi program with no Freehold components/);
    expect(plan.stdout).not.toMatch(/: 0 resources/);
  });

  it("`freehold plan DIR` of an ejected program before its README's `npm install` says what is missing, exit 2", async () => {
    const bare = mkdtempSync(join(tmpdir(), "freehold-ejected-"));
    try {
      for (const f of FILES) copyFileSync(join(ROOT, "examples", "crown-marketplace-ejected-gcp", f), join(bare, f));
      const r = await cli(["plan", bare, "--cloud", "gcp"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${join(bare, "index.ts")} needs @pulumi/pulumi, which is not installed for ${bare}: run \`npm install\` there first`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it("`freehold plan DIR` of a program that registers no cloud resource refuses (exit 2), never a plan of 0 resources", async () => {
    const empty = join(dir, "empty-program");
    mkdirSync(empty);
    writeFileSync(join(empty, "Pulumi.yaml"), "name: empty\nruntime: nodejs\n");
    writeFileSync(join(empty, "index.ts"), "export const nothing = 1;\n");
    const r = await cli(["plan", empty, "--cloud", "gcp"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${empty}: the program registered no cloud resources, so there is nothing to plan.`);
    expect(r.stdout).not.toContain("0 resources");
  });

  it("exits 3 and writes nothing when the cloud cannot host the stack", async () => {
    const stack = join(dir, "run-as-user.yaml");
    writeFileSync(stack, 'name: shop\ncomponents:\n  web: { kind: web-service, image: ghcr.io/example/web:1, user: "1000" }\n');
    const out = join(dir, "refused");
    const r = await cli(["eject", stack, "--cloud", "azure", "--out", out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("feature:   web-service.run-as-user");
    expect(existsSync(out)).toBe(false);
  });
});

/** A `pulumi stack export` of the example as Freehold deployed it: every resource at its engine URN, with `edit` applied. */
function deployedState(plan: HostedPlan, edit: (r: { urn: string; type: string; custom: boolean; inputs: Record<string, unknown> }) => void = () => {}) {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const root = parseUrn(plan.resources[0]?.urn ?? "") as { stack: string; project: string };
  const resources = plan.resources
    .filter((r) => r.type !== "pulumi:pulumi:Stack")
    .map((r) => ({ urn: engineUrn(root.stack, root.project, qualifiedType(r, byUrn), r.name), type: r.type, custom: r.custom, inputs: structuredClone(r.inputs) }));
  for (const r of resources) edit(r);
  const stackUrn = `urn:pulumi:${root.stack}::${root.project}::pulumi:pulumi:Stack::${root.project}-${root.stack}`;
  const provider = { urn: `urn:pulumi:${root.stack}::${root.project}::pulumi:providers:azure-native::default`, type: "pulumi:providers:azure-native", custom: true, inputs: {} };
  return { version: 3, deployment: { manifest: {}, resources: [{ urn: stackUrn, type: "pulumi:pulumi:Stack", custom: false }, provider, ...resources] } };
}

describe("freehold eject --state: the deployed stack", () => {
  // A GUID of its own per resource (Azure refuses two role assignments of one name, and the plan checks it).
  const deployedName = (urn: string) => {
    const n = Number.parseInt(createHash("sha256").update(urn).digest("hex").slice(0, 12), 16) % 1e12;
    return `0000000${n % 10}-aaaa-5bbb-8ccc-${String(n).padStart(12, "0")}`;
  };

  it("takes the values eject cannot trace from the deployed stack, and the program then plans them", async () => {
    const first = await eject(stackTarget(EXAMPLE, "freehold.yaml"), "azure");
    const plan = first.plan as HostedPlan;
    const untraced = first.ejected?.unresolved.filter((u) => u.keys.length) ?? [];
    // Azure's role assignment names are hashes of other resources' outputs: the case --state is for.
    expect(untraced.length).toBeGreaterThan(0);
    expect(first.ejected?.toSet.map((t) => t.key).sort()).toEqual(untraced.flatMap((u) => u.keys).sort());
    const file = join(dir, "state-azure.json");
    writeFileSync(
      file,
      JSON.stringify(
        deployedState(plan, (r) => {
          // The deployed value keeps the input's shape: a name for a name, an object of names for an object (a Sleep's triggers).
          const deployed = (v: unknown): unknown => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deployed(x)])) : deployedName(r.urn));
          for (const u of untraced) if (r.urn.endsWith(`::${u.resource}`) && r.type === u.type) r.inputs[u.input] = deployed(r.inputs[u.input]);
        }),
      ),
    );
    const result = await eject(stackTarget(EXAMPLE, "freehold.yaml"), "azure", file);
    expect(result.problems).toBeUndefined();
    const ejected = result.ejected;
    expect(ejected?.unresolved.filter((u) => !u.partial && !(u.deployed && !u.keys.length)).map((u) => `${u.type} ${u.resource}.${u.input}`)).toEqual([]);
    expect(ejected?.toSet).toEqual([]);
    expect(ejected?.files["README.md"]).not.toContain("## Config to set");
    const out = join(dir, "state-azure");
    writeProgram(out, ejected?.files ?? {});
    const ejectedPlan = (await planProgram(out, "azure")).plan;
    for (const u of untraced) {
      const r = ejectedPlan.resources.find((x) => x.name === u.resource && x.type === u.type);
      const value = r?.inputs[u.input];
      for (const v of value && typeof value === "object" ? Object.values(value) : [value]) expect(v, `${u.resource}.${u.input}`).toMatch(/^0000000\d-aaaa-5bbb-8ccc-\d{12}$/);
    }
    // Everything else is still Freehold's plan.
    const others = (await ejectedDifferences(plan, ejectedPlan, ejected ?? { unresolved: [], droppedOutputs: [] })).filter((d) => !untraced.some((u) => d.startsWith(`${u.type} ${u.resource}: inputs differ: ${u.input}: `) || d.startsWith(`${u.type} ${u.resource}: inputs differ: ${u.input}.`)));
    expect(others).toEqual([]);
  });

  it("refuses when the deployed stack holds a resource the program would not register (pulumi up would delete it)", async () => {
    const first = await eject(stackTarget(EXAMPLE, "freehold.yaml"), "gcp");
    const state = deployedState(first.plan as HostedPlan);
    const root = parseUrn((first.plan as HostedPlan).resources[0]?.urn ?? "") as { stack: string; project: string };
    state.deployment.resources.push({ urn: engineUrn(root.stack, root.project, "freehold:index:ObjectStore$gcp:storage/bucket:Bucket", "old-bucket"), type: "gcp:storage/bucket:Bucket", custom: true, inputs: {} });
    const file = join(dir, "state-extra.json");
    writeFileSync(file, JSON.stringify(state));
    const result = await eject(stackTarget(EXAMPLE, "freehold.yaml"), "gcp", file);
    expect(result.ejected).toBeUndefined();
    expect(result.problems?.join("\n")).toContain('gcp:storage/bucket:Bucket "old-bucket"');
    expect(result.problems?.join("\n")).toContain("would delete it");
    const other = JSON.parse(JSON.stringify(deployedState(first.plan as HostedPlan)).replaceAll("urn:pulumi:dev::", "urn:pulumi:prod::")) as unknown;
    writeFileSync(file, JSON.stringify(other));
    const wrong = await eject(stackTarget(EXAMPLE, "freehold.yaml"), "gcp", file);
    expect(wrong.problems?.join("\n")).toContain('--state is Pulumi stack "prod" of project "crown-marketplace", but the plan is stack "dev"');
  });

  it("Google Cloud's role job: the ejected program computes its run token's keepers from the job's settings, equal to Freehold's deployed ones; an edit of the job changes them (a new token)", async () => {
    const first = await eject(stackTarget(EXAMPLE, "freehold.yaml"), "gcp");
    const plan = first.plan as HostedPlan;
    expect(first.ejected?.toSet.map((t) => t.key)).not.toContain("db-role-job-run-keepers-job");
    const file = join(dir, "state-gcp.json");
    const state = deployedState(plan);
    writeFileSync(file, JSON.stringify(state));
    const result = await eject(stackTarget(EXAMPLE, "freehold.yaml"), "gcp", file);
    expect(result.problems).toBeUndefined();
    const index = result.ejected?.files["index.ts"] ?? "";
    expect(index).toContain("keepers: { job: pulumi.output(dbRoleJobSettings).apply(settingsHash) }");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the program's own template literal
    expect(index).toContain("new cloudrunv2.Job(\"db-role-job\", { ...dbRoleJobSettings, runExecutionToken: pulumi.interpolate`r${dbRoleJobRun.hex}` }");
    expect(result.ejected?.files["README.md"]).not.toContain("keepers-job");
    const deployedRun = state.deployment.resources.find((r) => r.urn.endsWith("::db-role-job-run"));
    const deployedKeepers = deployedRun && "inputs" in deployedRun ? (deployedRun.inputs as Record<string, unknown>).keepers : undefined;
    expect(deployedKeepers).toEqual({ job: expect.stringMatching(/^[0-9a-z]{16}$/) });
    const out = join(dir, "state-gcp");
    writeProgram(out, result.ejected?.files ?? {});
    const keepersOf = async () => (await planProgram(out, "gcp")).plan.resources.find((r) => r.name === "db-role-job-run")?.inputs.keepers;
    expect(await keepersOf()).toEqual(deployedKeepers);
    // The user edits the job (its timeout): the keepers change, so the random id, and with it the token, is drawn afresh.
    expect(index.match(/timeout: "600s"/g)).toHaveLength(1);
    writeProgram(out, { ...result.ejected?.files, "index.ts": index.replace('timeout: "600s"', 'timeout: "900s"') });
    const edited = (await keepersOf()) as { job: string };
    expect(edited.job).toMatch(/^[0-9a-z]{16}$/);
    expect(edited).not.toEqual(deployedKeepers);
  });

  it("a state file that is not a stack export is a usage error naming the file", async () => {
    const file = join(dir, "not-state.json");
    writeFileSync(file, JSON.stringify({ deployment: { resources: [{ urn: 3 }] } }));
    const r = await cli(["eject", EXAMPLE_STACK, "--cloud", "aws", "--out", join(dir, "never"), "--state", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is not a `pulumi stack export` file");
    expect(r.stderr).toContain("deployment.resources.0.urn");
    expect(existsSync(join(dir, "never"))).toBe(false);
  });
});

describe("the ejected program run for another stack", () => {
  it("refuses with a user's error (exit 2 from freehold plan), naming the stack to eject", async () => {
    const { DEFAULT_ASSUMPTIONS } = await import("@freehold/core");
    const { planInProcess, resolveTarget } = await import("@freehold/cli");
    const plan = await planInProcess({ target: resolveTarget(join(ROOT, "examples", "crown-marketplace-ejected-gcp"), "prod"), cloud: "gcp", assumptions: DEFAULT_ASSUMPTIONS });
    expect(plan.error).toEqual({ type: "spec", message: 'This program was ejected from Freehold for Pulumi stack "dev" and holds that stack\'s resource names; for stack prod, eject again with --stack prod.' });
  });
});

describe("freehold eject of a Pulumi program directory", () => {
  it("ejects examples/crown-marketplace (a program using Freehold's components) to the same plan", async () => {
    const source = join(ROOT, "examples", "crown-marketplace");
    const { resolveTarget } = await import("@freehold/cli");
    const result = await eject(resolveTarget(source, "dev"), "aws");
    expect(result.problems).toBeUndefined();
    const out = join(dir, "program-aws");
    const values = await run(resolveTarget(source, "dev"), "aws");
    writeProgram(out, result.ejected?.files ?? {}, configToSet(result.ejected as Ejected, values), "crown-marketplace");
    expect(JSON.stringify(result.ejected?.files)).not.toContain("@freehold/");
    const ejectedPlan = (await planProgram(out, "aws")).plan;
    expect(await ejectedDifferences(result.plan as HostedPlan, ejectedPlan, result.ejected)).toEqual([]);
  });
});

describe("compare and exit-plan name ejecting as Freehold's own exit", () => {
  const aws = planFixture("aws") as HostedPlan;
  const gcp = planFixture("gcp") as HostedPlan;
  const sentence = "Freehold itself is not a lock-in point: `freehold eject shop.yaml --cloud";

  it("in compare's portability section, Markdown and HTML", () => {
    const cmp = comparePlans([aws, gcp], "shop.yaml");
    expect(compareMarkdown(cmp, [aws, gcp])).toContain(`## Portability\n\n${sentence} <cloud> --out <dir>\``);
    expect(compareHtml(cmp, [aws, gcp])).toContain(`<h2>Portability</h2><p>${sentence} &lt;cloud&gt; --out &lt;dir&gt;\``);
  });

  it("in exit-plan's portability section, for the cloud the stack runs on, Markdown, HTML and JSON", () => {
    expect(portability(aws, [gcp], {}, "shop.yaml").freehold.command).toBe("freehold eject shop.yaml --cloud aws --out <dir>");
    const built = buildExitPlan(aws, gcp, [aws, gcp], { objectThroughputMiBs: 100, databaseGiBPerHour: 20, dualRunningDays: 14, operatorCountry: "GB", values: {} });
    built.portability.freehold = portability(aws, [gcp], {}, "shop.yaml").freehold;
    const report = exitReport(built);
    expect(exitMarkdown(report)).toContain(`${sentence} aws --out <dir>\``);
    expect(exitHtml(report)).toContain(`<p>${sentence} aws --out &lt;dir&gt;\``);
    expect(JSON.parse(JSON.stringify(report)).portability.freehold.text).toContain("docs/eject.md");
  });
});

describe("the ejected Google Cloud program reads each secret at the version of that secret", () => {
  // Under the mocks every secret version is "1"; the varied run gives each resource's its own value, so the tracer
  // can only name the version the value came from (a CA rotation or a new password then moves the right one).
  const program = readFileSync(join(ROOT, "examples/crown-marketplace-ejected-gcp/index.ts"), "utf8");
  const pairs = [
    ...[...program.matchAll(/secretKeyRef: \{ secret: (\w+)\.secretId, version: (\w+)\.version \}/g)],
    ...[...program.matchAll(/items: \[\{ mode: \d+, path: "[^"]+", version: (\w+)\.version \}\],\s*secret: (\w+)\.secretId/g)].map((m) => [m[0], m[2], m[1]]),
  ].map(([, secret, version]) => `${secret} -> ${version}`);

  it("every environment variable and mounted file names the version of its own secret", () => {
    expect(pairs.length).toBe(9);
    for (const pair of pairs) expect(pair).toMatch(/^(\w+) -> \1Version$/);
  });
});
