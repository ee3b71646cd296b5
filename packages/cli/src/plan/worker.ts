/**
 * Child process that plans one target on one cloud under Pulumi's mock
 * runtime and writes the plan contract as JSON to stdout. Each cloud runs in
 * its own process: the mock runtime is process-global, and only that cloud's
 * SDK is loaded.
 */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import type * as Core from "@freehold/core";
import type { Cloud } from "@freehold/model";
import type { Ejected } from "../eject";
import { InputError } from "../errors";
import type { Plan, PlanError } from "./contract";
import { isHosted, PLAN_SCHEMA } from "./contract";
import { buildPlan } from "./build";
import { refuseBrokenRules } from "./rules";
import type { Target } from "./target";

export interface WorkerRequest {
  target: Target;
  cloud: Cloud;
  assumptions: Core.CostAssumptions;
  /** Plan with every value the mocks make varied (core's `runWithMocks({ vary: true })`). @default false */
  vary?: boolean;
}

/** What the parent sends: one target, one or more clouds planned one after the other. */
export interface WorkerBatch {
  target: Target;
  clouds: Cloud[];
  assumptions: Core.CostAssumptions;
  /** Eject instead of plan: each line is an EjectResult (`source` names the target in the program's README; `state`, a `pulumi stack export` file). */
  eject?: { source: string; state?: string };
}

/** A plan, and where it could be made, the ejected program. */
export interface EjectResult {
  plan: Plan;
  ejected?: Ejected;
  /** Why the stack cannot be ejected (every reason), when it cannot. */
  problems?: string[];
}

/**
 * Where the packages a plan runs on are loaded from. A program with its own
 * node_modules plans on its own copies: its `@freehold/core`, and the
 * `@pulumi/pulumi` that core loads (core's peer dependency, so the program's),
 * so its components reach the recorder and its warnings reach the plan: one
 * copy of the SDK, as when Pulumi runs the program. Anything the program does
 * not have, and every stack file, uses the command's own.
 */
export function sdkFor(target: Target): { core: string; pulumiLog: string; typescript: string } {
  const from = (id: string, dir: string | undefined): string | undefined => {
    if (!dir) return undefined;
    try {
      return require.resolve(id, { paths: [dir] });
    } catch {
      return undefined;
    }
  };
  const programDir = target.kind === "program" ? target.dir : undefined;
  const core = from("@freehold/core", programDir) ?? require.resolve("@freehold/core");
  return {
    core,
    pulumiLog: from("@pulumi/pulumi/log", dirname(core)) ?? require.resolve("@pulumi/pulumi/log"),
    // Pulumi's TypeScript template installs typescript in the project: the program is read with that version.
    typescript: from("typescript", programDir) ?? require.resolve("typescript"),
  };
}

/** A program file that does not parse: the user's to fix, named with each error's line and column. */
class ProgramSyntaxError extends Error {
  override readonly name = "ProgramSyntaxError";
}

/**
 * Transpile TypeScript entry points on load (no type-checking: that belongs in
 * the build). Transpiling emits code even for a file that does not parse, so its
 * syntax errors are asked for and refuse the file: a plan of half a program is
 * never a plan.
 */
function registerTypeScript(typescript: string): void {
  const exts = require.extensions as NodeJS.RequireExtensions;
  if (exts[".ts"]) return;
  // Loaded only for TypeScript programs: it is large.
  const ts = require(typescript) as typeof import("typescript");
  exts[".ts"] = (module, filename) => {
    const out = ts.transpileModule(readFileSync(filename, "utf8"), {
      fileName: filename,
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
    });
    const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length) {
      const lines = errors.map((d) => {
        const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
        return `  - ${filename}${at ? `:${at.line + 1}:${at.character + 1}` : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      });
      throw new ProgramSyntaxError(`${filename} does not parse (${errors.length} syntax error${errors.length === 1 ? "" : "s"}):\n${lines.join("\n")}`);
    }
    (module as unknown as { _compile(code: string, file: string): void })._compile(out.outputText, filename);
  };
}

export async function planInProcess(req: WorkerRequest): Promise<Plan> {
  return (await planWithValues(req, false, req.vary)).plan;
}

/** Plan, and the mock values behind the plan (unredacted: under mocks no real secret exists); for tests that compare values, secrets included. */
export async function mockValuesInProcess(req: WorkerRequest): Promise<{ plan: Plan; values?: Core.MockValues }> {
  const { plan, values } = await planWithValues(req, true, req.vary);
  return { plan, ...(values ? { values } : {}) };
}

/** Plan, then write the program that registers the same cloud resources without Freehold (checked against a deployed state file, when given). */
export async function ejectInProcess(req: WorkerRequest, source: string, statePath?: string): Promise<EjectResult> {
  return (await ejectWithRuns(req, source, statePath)).result;
}

/**
 * Eject, with the two runs eject read (the plan's mock values, and the varied
 * plan's): tests compare the ejected program with them, secrets included.
 */
export async function ejectWithRuns(
  req: WorkerRequest,
  source: string,
  statePath?: string,
): Promise<{ result: EjectResult; runs?: { values: Core.MockValues; varied: { plan: Plan; values: Core.MockValues }; config: Record<string, string> } }> {
  const { plan, values, config } = await planWithValues(req, true);
  if (!isHosted(plan) || !values) return { result: { plan } };
  // The same plan with every value the mocks make varied: what differs was made from the mocks, and is never written out.
  const varied = await planWithValues(req, true, true);
  if (!varied.values) return { result: { plan, problems: [`the stack does not plan when the mocks' values change, so eject cannot tell which values came from the mocks: ${varied.plan.error?.message ?? "no values"}`] } };
  const runs = { values, varied: { plan: varied.plan, values: varied.values }, config };
  // Loaded only to eject: planning never needs them.
  const { EjectError, ejectProgram } = require("../eject") as typeof import("../eject");
  const { readDeployedState } = require("../eject/state") as typeof import("../eject/state");
  try {
    const deployed = statePath ? readDeployedState(statePath) : undefined;
    return { result: { plan, ejected: ejectProgram({ plan, values, varied: varied.values, config, ...(deployed ? { deployed } : {}) }, source) }, runs };
  } catch (e) {
    if (e instanceof EjectError) return { result: { plan, problems: e.problems }, runs };
    if (e instanceof InputError) return { result: { plan, problems: [e.message] }, runs };
    throw e;
  }
}

async function planWithValues(req: WorkerRequest, withValues: boolean, vary = false): Promise<{ plan: Plan; values?: Core.MockValues; config: Record<string, string> }> {
  const sdk = sdkFor(req.target);
  const core = require(sdk.core) as typeof Core;
  const model = require("@freehold/model") as typeof import("@freehold/model");
  const warnings: string[] = [];
  const log = require(sdk.pulumiLog) as { warn: (msg: string) => void };
  log.warn = (msg: string) => {
    warnings.push(String(msg));
  };
  let backend: Core.Backend;
  try {
    backend = core.loadBackend(req.cloud);
  } catch (e) {
    return { plan: failed(req, { type: "cloud", message: (e as Error).message }, warnings), config: {} };
  }
  // Named in a failed plan too, so a report of clouds that all refuse still says which stack.
  let stackName = req.target.kind === "program" ? req.target.project : "";
  // Which cloud each component chose, heard as it is created: a run that fails part-way still says where they were.
  const placed: Placed[] = [];
  const stopListening = core.onComponent((c) => placed.push({ name: c.qualifiedName, cloud: c.cloud }));
  try {
    let program: () => unknown;
    let options: Core.MockRunOptions;
    if (req.target.kind === "stack") {
      const stack = model.parseStack(req.target.text, { source: req.target.file });
      stackName = stack.name;
      program = () => core.deployStack(stack, { cloud: req.cloud }).outputs;
      options = { project: stack.name, stack: req.target.stack };
    } else {
      const entry = req.target.entry;
      if (entry.endsWith(".ts")) registerTypeScript(sdk.typescript);
      program = async () => {
        process.chdir(dirname(entry));
        // A second cloud planned in this process must run the program afresh, not reuse its cached modules.
        for (const key of Object.keys(require.cache)) if (key.startsWith(req.target.kind === "program" ? req.target.dir : "\0") && !key.includes("/node_modules/")) delete require.cache[key];
        const mod = require(entry) as unknown;
        const exported = typeof mod === "function" ? await (mod as () => unknown)() : mod;
        return exported;
      };
      options = { project: req.target.project, stack: req.target.stack, config: req.target.config };
    }
    const run = await core.runWithMocks(req.cloud, program, { ...options, values: withValues, vary });
    const elsewhere = otherClouds(req.cloud, placed);
    if (elsewhere) return { plan: failed(req, elsewhere, warnings, backend, stackName), config: {} };
    if (req.target.kind === "program" && !run.resources.some((r) => r.custom)) {
      // Never a plan of nothing that looks like success (a program whose resources did not reach the mocks).
      return { plan: failed(req, { type: "spec", message: `${req.target.dir}: the program registered no cloud resources, so there is nothing to plan. Check that it creates resources when run as \`pulumi preview\` would run it.` }, warnings, backend, stackName), config: {} };
    }
    const built = await buildPlan(backend, run, req.assumptions, warnings, { stack: stackName, pulumiStack: req.target.stack });
    // The cloud's rules judge the values a deployment would have. A varied run's
    // values are made-up on purpose (an availability zone outside its region), for
    // telling which values came from the mocks; the unvaried run of the same
    // program is the one the rules judge.
    const plan = vary ? built : refuseBrokenRules(built);
    return { plan, values: run.values, config: options.config ?? {} };
  } catch (e) {
    return { plan: failed(req, otherClouds(req.cloud, placed) ?? missingModule(e, req.target) ?? describeError(e, model), warnings, backend, stackName), config: {} };
  } finally {
    stopListening();
  }
}

/** A component and the cloud it chose. */
interface Placed {
  name: string;
  cloud: Cloud;
}

/**
 * A plan is of one cloud: its mocks, prices and rules are that cloud's. A
 * component that chose another cloud (its `cloud` option) would be planned with
 * the wrong cloud's mocks and judged by the wrong cloud's rules, so the plan is
 * refused, naming each component and its cloud, instead of inventing violations.
 */
function otherClouds(cloud: Cloud, placed: Placed[]): PlanError | undefined {
  if (!placed.some((p) => p.cloud !== cloud)) return undefined;
  const byCloud = new Map<Cloud, string[]>();
  for (const p of placed) byCloud.set(p.cloud, [...(byCloud.get(p.cloud) ?? []), p.name]);
  const list = [...byCloud].map(([c, names]) => `${c}: ${names.join(", ")}`).join("; ");
  const clouds = [...byCloud.keys()];
  if (clouds.length === 1) {
    const only = clouds[0] as Cloud;
    return {
      type: "spec",
      message: `every component is pinned to ${only} by its \`cloud\` option (${list}), so the program cannot be planned on ${cloud}: a pinned component is not compared across clouds or moved by an exit plan. Plan it with --cloud ${only}; to compare it or plan an exit, remove the \`cloud\` option and choose the cloud with \`pulumi config set freehold:cloud ${only}\`.`,
    };
  }
  return {
    type: "spec",
    message: `the program has components on ${clouds.length} clouds (${list}). Freehold plans a program on one cloud at a time, with that cloud's mocks, prices and rules, so it cannot plan this program: planned on ${cloud}, the others' components would be judged as ${cloud}'s. Plan each cloud's components as a program of its own (one Pulumi project per cloud, each choosing its cloud with \`freehold:cloud\`), and plan each with \`freehold plan <dir> --cloud <cloud>\`.`,
  };
}

/**
 * A program that needs a package it does not have (an ejected program before
 * its README's `npm install`): the user's to fix, so said plainly.
 */
function missingModule(e: unknown, target: Target): PlanError | undefined {
  const err = e as { code?: string; message?: string; requireStack?: string[] };
  if (target.kind !== "program" || err?.code !== "MODULE_NOT_FOUND") return undefined;
  const from = err.requireStack?.[0];
  if (!from?.startsWith(target.dir)) return undefined;
  const wanted = /Cannot find module '([^']+)'/.exec(err.message ?? "")?.[1] ?? "a package";
  return { type: "spec", message: `${from} needs ${wanted}, which is not installed for ${target.dir}: run \`npm install\` there first (it installs what package.json lists).` };
}

function describeError(e: unknown, model: typeof import("@freehold/model")): PlanError {
  const err = unwrapError(e);
  if (err instanceof model.SpecError || (err as Error)?.name === "SpecError") {
    const s = err as InstanceType<typeof model.SpecError>;
    return { type: "spec", message: s.message, problems: s.problems };
  }
  if (err instanceof model.UnsupportedFeatureError || (err as Error)?.name === "UnsupportedFeatureError") {
    const u = err as InstanceType<typeof model.UnsupportedFeatureError>;
    return { type: "unsupported", message: u.message, component: u.component, feature: u.feature, reason: u.reason, fix: u.fix };
  }
  if ((err as Error)?.name === "CloudChoiceError") return { type: "cloud", message: (err as Error).message };
  if (err instanceof ProgramSyntaxError) return { type: "spec", message: err.message };
  // A Pulumi program's own error for its user (pulumi.RunError: an ejected program run for another stack, say).
  if ((err as { __pulumiRunError?: boolean })?.__pulumiRunError) return { type: "spec", message: (err as Error).message };
  return { type: "internal", message: (err as Error)?.stack ?? String(err) };
}

/** Pulumi wraps errors thrown inside a program run; find the original. */
function unwrapError(e: unknown): unknown {
  let cur = e as { cause?: unknown; innerError?: unknown } | undefined;
  for (let i = 0; i < 5 && cur; i++) {
    const name = (cur as Error).name;
    if (name === "SpecError" || name === "UnsupportedFeatureError" || name === "CloudChoiceError" || name === "ProgramSyntaxError" || (cur as { __pulumiRunError?: boolean }).__pulumiRunError) return cur;
    cur = (cur.cause ?? cur.innerError) as typeof cur;
  }
  return e;
}

function failed(req: WorkerRequest, error: PlanError, warnings: string[], backend?: Core.Backend, stack = ""): Plan {
  return {
    schema: PLAN_SCHEMA,
    cloud: req.cloud,
    provider: backend?.displayName ?? req.cloud,
    stack,
    pulumiStack: req.target.stack,
    region: "",
    location: { city: "", country: "", zones: 0 },
    residency: { rule: "none", allowedCountries: null, locations: [] },
    components: [],
    platform: { resourceCount: 0, estimate: { lines: [], monthlyUsd: 0, fixedUsd: 0, usageUsd: 0 } },
    totals: { monthlyUsd: 0, fixedUsd: 0, usageUsd: 0, resources: 0 },
    afterDestroy: { lines: [], monthlyUsd: 0 },
    assumptions: req.assumptions,
    pricing: { region: "", referenceRegion: "", coverage: "none", substituted: [], note: "", unpriced: [], lines: 0, estimatedLines: 0 },
    usage: { source: req.assumptions.source, hoursPerMonth: req.assumptions.hoursPerMonth, months: req.assumptions.months, components: [] },
    migration: {
      egress: backend?.migration.egress ?? { usd: 0, unit: "GB", source: { name: "unknown", date: "" } },
      freeEgressGiB: backend?.migration.freeEgressGiB ?? 0,
      databases: [],
      objectStores: [],
    },
    resources: [],
    warnings,
    outputs: {},
    error,
  };
}

/** Plan (or eject) each cloud in turn, writing each result as one line of JSON as soon as it is ready (the parent shows progress). */
async function planBatch(batch: WorkerBatch): Promise<void> {
  for (const cloud of batch.clouds) {
    const req = { target: batch.target, cloud, assumptions: batch.assumptions };
    const result = batch.eject ? await ejectInProcess(req, batch.eject.source, batch.eject.state) : await planInProcess(req);
    await new Promise<void>((done) => process.stdout.write(`${JSON.stringify(result)}\n`, () => done()));
  }
}

/** The batch, as JSON on stdin (a stack file can be far larger than one command-line argument may be). */
function readBatch(): Promise<WorkerBatch> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on("data", (c: Buffer) => chunks.push(c));
    process.stdin.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as WorkerBatch);
      } catch (e) {
        reject(e);
      }
    });
    process.stdin.on("error", reject);
  });
}

if (require.main === module) {
  // A failing program may leave Pulumi outputs rejecting after we are done; the plan already says what failed.
  process.on("unhandledRejection", () => {});
  readBatch().then(planBatch).then(
    () => {
      process.exitCode = 0;
    },
    (e) => {
      process.stderr.write(String((e as Error)?.stack ?? e));
      process.exitCode = 70;
    },
  );
}
