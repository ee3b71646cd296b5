/**
 * A cloud that refuses the stack is reported, never a crash: every command that
 * plans prints the refusal (component, feature, reason, fix) and exits 3;
 * compare still writes every report with that cloud as "cannot host"; exit-plan
 * writes nothing when its source or target refuses. The first case runs the
 * binary for the status the shell sees; the others run the CLI's main in this
 * process (cli-helpers), which prints and returns exactly what the binary does.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Comparison, ExitPlan, Plan } from "@freehold/cli";
import { beforeAll, describe, expect, it } from "vitest";
import { freehold, freeholdInProcess as cli, type Run } from "./cli-helpers";

const tmp = () => mkdtempSync(join(tmpdir(), "freehold-refusal-"));

/** A web service that runs as a fixed user: AWS can, Azure and Google Cloud cannot. */
const RUN_AS_USER = `name: shop
components:
  db: { kind: database }
  web: { kind: web-service, image: ghcr.io/example/web:1, public: true, user: "1000", writableRootFilesystem: true, links: [db] }
`;

const AZURE_REFUSAL = [
  "freehold: Microsoft Azure cannot host this stack as written.",
  "  component: web",
  "  feature:   web-service.run-as-user",
  "  reason:    Container Apps runs the image's own user and has no setting to change it",
  "  fix:       Remove user and set the user in the image (Dockerfile USER), or accept it with acceptDegraded: [web-service.run-as-user]",
].join("\n");

const GCP_REFUSAL = [
  "freehold: Google Cloud cannot host this stack as written.",
  "  component: web",
  "  feature:   web-service.run-as-user",
  "  reason:    Cloud Run runs the container as the image's user and has no setting to change it",
  "  fix:       Remove user and set USER in the image instead, or accept it with acceptDegraded: [web-service.run-as-user]",
].join("\n");

/** Scaling to zero: Google Cloud and Azure can, AWS cannot. */
const SCALE_TO_ZERO = `name: shop
components:
  web: { kind: web-service, image: ghcr.io/example/web:1, writableRootFilesystem: true, scaling: { min: 0, max: 2 } }
`;

let stack: string;
let zeroStack: string;

beforeAll(() => {
  const dir = tmp();
  stack = join(dir, "run-as-user.yaml");
  zeroStack = join(dir, "scale-to-zero.yaml");
  writeFileSync(stack, RUN_AS_USER);
  writeFileSync(zeroStack, SCALE_TO_ZERO);
});

const noTrace = (r: Run) => {
  expect(r.stderr).not.toContain("internal error");
  expect(r.stderr).not.toMatch(/\n\s+at /);
};

describe("plan, check: a refusing cloud", () => {
  it("plan prints the refusal and exits 3", async () => {
    const r = await freehold(["plan", stack, "--cloud", "azure"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`${AZURE_REFUSAL}\n`);
  });

  it("plan --format json prints the plan with its error on stdout, the refusal on stderr, and exits 3", async () => {
    const r = await cli(["plan", stack, "--cloud", "gcp", "--format", "json"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`${GCP_REFUSAL}\n`);
    const plan = JSON.parse(r.stdout) as Plan;
    expect(plan).toMatchObject({ cloud: "gcp", stack: "shop", components: [], resources: [], error: { type: "unsupported", component: "web", feature: "web-service.run-as-user" } });
  });

  it("check prints the refusal and exits 3 instead of checking an empty plan", async () => {
    const r = await cli(["check", stack, "--cloud", "azure", "--format", "json"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`${AZURE_REFUSAL}\n`);
  });
});

describe("exit-plan: a refusing source or target", () => {
  it("refused by the target (aws to azure): prints the refusal, exits 3, writes nothing", async () => {
    const out = tmp();
    const r = await cli(["exit-plan", stack, "--from", "aws", "--to", "azure", "--quiet", "--out", out]);
    noTrace(r);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`${AZURE_REFUSAL}\nNo exit plan was written: the stack must plan on both aws and azure. Change the stack as the fix says.\n`);
    expect(readdirSync(out)).toEqual([]);
  });

  it("refused by the source (gcp to aws): prints the source's refusal and exits 3", async () => {
    const r = await cli(["exit-plan", stack, "--from", "gcp", "--to", "aws", "--quiet", "--format", "json"]);
    noTrace(r);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`${GCP_REFUSAL}\nNo exit plan was written: the stack must plan on both gcp and aws. Change the stack as the fix says.\n`);
  });

  it("names the clouds that could be targets instead", async () => {
    const r = await cli(["exit-plan", zeroStack, "--from", "gcp", "--to", "aws", "--quiet"]);
    expect(r.code).toBe(3);
    expect(r.stderr.startsWith("freehold: Amazon Web Services cannot host this stack as written.\n  component: web\n  feature:   web-service.scale-to-zero\n")).toBe(true);
    expect(r.stderr).toContain("No exit plan was written: the stack must plan on both gcp and aws. Change the stack as the fix says, or plan an exit to azure, which can host it as written.\n");
  });

  it("a refusing third cloud does not stop the exit: portability names it as a lock-in point", async () => {
    const r = await cli(["exit-plan", zeroStack, "--from", "gcp", "--to", "azure", "--quiet", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout) as ExitPlan;
    const web = p.portability.components.find((c) => c.component === "web");
    expect(web?.byCloud).toEqual({ aws: null, azure: 100 });
    expect(web?.lockIn).toContainEqual(expect.objectContaining({ what: "web-service.scale-to-zero: Amazon Web Services cannot host it as written", leaving: expect.stringContaining("Set scaling.min to 1 or more") }));
  });
});

describe("compare: refusing clouds are columns that say cannot host", () => {
  let out: string;
  let withOut: Run;
  let md: Run;
  beforeAll(async () => {
    out = tmp();
    [withOut, md] = await Promise.all([cli(["compare", stack, "--out", out, "--quiet"]), cli(["compare", stack, "--format", "md", "--quiet", "--clouds", "aws,azure"])]);
  });

  it("writes md, html and json for every cloud and exits 3", () => {
    expect(withOut.code).toBe(3);
    noTrace(withOut);
    for (const f of ["compare.md", "compare.html", "compare.json"]) expect(existsSync(join(out, f)), f).toBe(true);
    expect(withOut.stderr).toBe("freehold: Microsoft Azure and Google Cloud cannot host this stack as written (why: above, and in the reports).\n");
  });

  it("the summary table shows cannot host and each refusal in full", () => {
    expect(withOut.stdout).toMatch(/Microsoft Azure\s+—\s+cannot host\s+—/);
    expect(withOut.stdout).toContain(AZURE_REFUSAL.replace("freehold: Microsoft Azure cannot host this stack as written.", "Microsoft Azure cannot host the stack as written:"));
    expect(withOut.stdout).toContain(GCP_REFUSAL.replace("freehold: Google Cloud cannot host this stack as written.", "Google Cloud cannot host the stack as written:"));
    expect(withOut.stdout).toMatch(/Amazon Web Services\s+eu-west-2\s+yes\s+\d+/);
  });

  it("json: the refusing cloud's status is cannot host, with component, feature, reason and fix; the hosting cloud is complete", () => {
    const cmp = JSON.parse(readFileSync(join(out, "compare.json"), "utf8")) as Comparison;
    expect(cmp.stack).toBe("shop");
    expect(cmp.clouds.find((c) => c.cloud === "azure")).toMatchObject({
      ok: false,
      status: "cannot host",
      error: { component: "web", feature: "web-service.run-as-user", reason: "Container Apps runs the image's own user and has no setting to change it", fix: expect.stringContaining("acceptDegraded") },
    });
    expect(cmp.clouds.find((c) => c.cloud === "aws")).toMatchObject({ ok: true, status: "hosts" });
    expect(cmp.components.map((c) => Object.keys(c.clouds))).toEqual([["aws"], ["aws"]]);
  });

  it("md on stdout: the refusal in full on stderr; the refusing cloud's column says cannot host with the reason, in the summary, each component and the cost lines", () => {
    expect(md.code).toBe(3);
    expect(md.stderr).toBe(`${AZURE_REFUSAL}\n`);
    const text = md.stdout;
    const reason = "web needs web-service.run-as-user: Container Apps runs the image's own user and has no setting to change it. Fix: Remove user and set the user in the image (Dockerfile USER), or accept it with acceptDegraded: [web-service.run-as-user]";
    expect(text).toContain(`| Can host the stack as written | yes | **cannot host**: ${reason} |`);
    expect(text).toMatch(/\| Service \| Amazon ECS on AWS Fargate \| cannot host: web needs web-service\.run-as-user: /);
    expect(text).toContain("| Service | Amazon RDS for PostgreSQL | cannot host (the stack is refused for web: web-service.run-as-user) |");
    expect(text).toContain(`### Microsoft Azure\n\nCannot host the stack as written: ${reason}.`);
    expect(readFileSync(join(out, "compare.md"), "utf8")).toContain(`**cannot host**: ${reason}`);
  });
});
