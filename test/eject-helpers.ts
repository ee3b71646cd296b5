/**
 * Eject a target in process, install the ejected programs as their README says
 * (one `npm install` shared by all of them), plan an ejected program as
 * `freehold plan DIR` would, under the mocks and under varied mocks, and
 * compare it with Freehold's plan resource by resource: what the engine is
 * told about each cloud resource (type, name, inputs, options, provider,
 * dependencies), the aliases that move it out of its Freehold component, the
 * invokes and their providers, and the stack outputs. Used by eject.test.ts
 * and eject-cli.test.ts.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_ASSUMPTIONS, type MockValues, type PlannedResource } from "@freehold/core";
import {
  aliasUrn,
  customResourcesOf,
  type Ejected,
  type EjectResult,
  ejectInProcess,
  ejectWithRuns,
  engineUrn,
  type HostedPlan,
  mockValuesInProcess,
  parseUrn,
  qualifiedType,
  recordedAlias,
  resolveTarget,
  type Target,
} from "@freehold/cli";
import type { Cloud } from "@freehold/model";
import { stringify } from "yaml";
import { ROOT } from "./cli-helpers";
import { consumerInstall, linkedNodeModules } from "./shared-install";

/** A directory for ejected programs whose node_modules is `nodeModules` (this repository's unless given). */
export function programsDir(nodeModules = join(ROOT, "node_modules")): string {
  const dir = mkdtempSync(join(tmpdir(), "freehold-eject-"));
  symlinkSync(nodeModules, join(dir, "node_modules"), "dir");
  return dir;
}

/**
 * Install what ejected programs' package.json files ask for, as their README
 * says (`npm install`), once for all of them: every program pins the same
 * versions (checked), so one install of their union is what each would get.
 * That install is the consumer test's (test/shared-install.ts: Pulumi's SDK,
 * the provider SDKs, TypeScript and Node's types at this repository's
 * versions, made once and reused): every version a program pins must be the
 * one installed there, and the programs' `node_modules` links to every package
 * of it but Freehold's. Returns the node_modules directory, in `dir`.
 */
export async function installEjected(dir: string, packageJsons: string[]): Promise<string> {
  const wanted: Record<string, string> = {};
  const clashes: string[] = [];
  for (const text of packageJsons) {
    const pkg = JSON.parse(text) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      if (wanted[name] && wanted[name] !== version) clashes.push(`${name}: ${wanted[name]} and ${version}`);
      wanted[name] = version;
    }
  }
  if (clashes.length) throw new Error(`ejected programs pin different versions: ${clashes.join("; ")}`);
  const install = await consumerInstall();
  // As npm reads a version (@pulumiverse/time's package.json says v0.1.1).
  const installed = (name: string) => (JSON.parse(readFileSync(join(install, "node_modules", name, "package.json"), "utf8")) as { version: string }).version.replace(/^v/, "");
  const other = Object.entries(wanted).filter(([name, version]) => !existsSync(join(install, "node_modules", name, "package.json")) || installed(name) !== version.replace(/^v/, ""));
  if (other.length) throw new Error(`ejected programs pin what the shared install does not hold: ${other.map(([n, v]) => `${n}@${v}`).join(", ")} (test/shared-install.ts installs this repository's versions)`);
  mkdirSync(dir, { recursive: true });
  return linkedNodeModules(install, dir, ["@freehold"]);
}

/** A stack file's text as a target; `file` names it (in the program's README and header). */
export function stackTarget(text: string, file = "freehold.yaml", stack = "dev"): Target {
  return { kind: "stack", file, text, stack };
}

/** Eject a target on a cloud in process, as `freehold eject` does in its worker (the target's file named as the source). */
export function eject(target: Target, cloud: Cloud, state?: string): Promise<EjectResult> {
  return ejectInProcess({ target, cloud, assumptions: DEFAULT_ASSUMPTIONS }, target.kind === "stack" ? target.file : target.dir, state);
}

/** Eject, with the runs eject read: Freehold's plan and values under the mocks (`a`) and under varied mocks (`b`), and the config the plan was made with. */
export async function ejectWithValues(target: Target, cloud: Cloud): Promise<{ result: EjectResult; a?: Run; b?: Run; config: Record<string, string> }> {
  const { result, runs } = await ejectWithRuns({ target, cloud, assumptions: DEFAULT_ASSUMPTIONS }, target.kind === "stack" ? target.file : target.dir);
  if (!runs) return { result, config: {} };
  return { result, a: { plan: result.plan as HostedPlan, values: runs.values }, b: { plan: runs.varied.plan as HostedPlan, values: runs.varied.values }, config: runs.config };
}

/** Write a program's files, and the stack's config file when there is config to set. */
export function writeProgram(dir: string, files: Record<string, string>, config: Record<string, unknown> = {}, project?: string, stack = "dev"): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const file = join(dir, `Pulumi.${stack}.yaml`);
  if (Object.keys(config).length) writeFileSync(file, stringify({ config: Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v])) }));
  else rmSync(file, { force: true });
}

/** A plan and the values behind it (unredacted), under the mocks or under varied mocks. */
export interface Run {
  plan: HostedPlan;
  values: MockValues;
}

/** Plan a target in process, as `freehold plan` does, with the values behind the plan. */
export async function run(target: Target, cloud: Cloud, vary = false): Promise<Run> {
  const r = await mockValuesInProcess({ target, cloud, assumptions: DEFAULT_ASSUMPTIONS, vary });
  if (r.plan.error || !r.values) throw new Error(`planning ${target.kind === "stack" ? target.file : target.dir} on ${cloud}${vary ? " with varied mocks" : ""} failed: ${r.plan.error?.message}`);
  return { plan: r.plan as HostedPlan, values: r.values };
}

/** Plan a program directory in process, as `freehold plan DIR` does. */
export async function planProgram(dir: string, cloud: Cloud, stack = "dev", vary = false): Promise<Run> {
  return run(resolveTarget(dir, stack), cloud, vary);
}

/** The value at a path in an input (a JSON step parses the string there). */
function valueAt(v: unknown, path: ReadonlyArray<string | number | { json: true }>): unknown {
  let cur = v;
  for (const step of path) {
    if (typeof step === "object") cur = typeof cur === "string" ? JSON.parse(cur) : undefined;
    else cur = cur && typeof cur === "object" ? (cur as Record<string | number, unknown>)[step] : undefined;
  }
  return cur;
}

/** The config a user sets for the values eject could not trace, as a run of Freehold's plan has them (the deployed values, in a real stack). */
export function configToSet(ejected: Ejected, r: Run): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of ejected.toSet) {
    const res = r.plan.resources.find((x) => x.custom && x.name === s.at.resource && x.type === s.at.type);
    out[s.key] = valueAt(res ? r.values.resources[res.urn]?.inputs[s.at.input] : undefined, s.at.path);
  }
  return out;
}

/**
 * The values the mocks made in a run: ids, outputs and invoke results that
 * differ under varied mocks, long enough and with a digit so that they cannot
 * be a program's own words. None may appear in an ejected program.
 */
export function mockMadeValues(a: MockValues, b: MockValues): Set<string> {
  const out = new Set<string>();
  const walk = (x: unknown, y: unknown) => {
    if (typeof x === "string") {
      if (x !== y && x.length >= 8 && /\d/.test(x)) out.add(x);
    } else if (Array.isArray(x)) for (const [i, v] of x.entries()) walk(v, Array.isArray(y) ? y[i] : undefined);
    else if (x && typeof x === "object") for (const [k, v] of Object.entries(x)) walk(v, y && typeof y === "object" ? (y as Record<string, unknown>)[k] : undefined);
  };
  for (const [urn, v] of Object.entries(a.resources)) {
    walk(v.id, b.resources[urn]?.id);
    walk(v.outputs, b.resources[urn]?.outputs);
  }
  // Invokes are recorded as they complete: pair each with the varied run's of the same function, provider and arguments.
  const left = [...b.calls];
  const bare = (ref: string) => ref.replace(/::[^:]*$/, "");
  for (const c of a.calls) {
    const i = left.findIndex((x) => x.token === c.token && bare(x.provider) === bare(c.provider) && JSON.stringify(x.inputs) === JSON.stringify(c.inputs));
    const j = i >= 0 ? i : left.findIndex((x) => x.token === c.token && bare(x.provider) === bare(c.provider));
    if (j >= 0) walk(c.outputs, left.splice(j, 1)[0]?.outputs);
  }
  return out;
}

const keyOf = (r: PlannedResource) => `${r.type}::${r.name}`;

/** URN -> the keys (type::name) of the cloud resources it stands for: itself, or a component's custom descendants. */
function keysFor(plan: HostedPlan): (urn: string) => string[] {
  return (urn) => {
    const found = customResourcesOf(plan.resources, urn);
    return found.length ? found.map(keyOf) : [`missing ${urn}`];
  };
}

/** The benchmark's comparison of two registrations (an ES module: loaded with import()). */
const equivalence = import("../bench/equivalence.mjs");
const keySet = (urns: string[], keys: (u: string) => string[]) => [...new Set(urns.flatMap(keys))].sort();

/** What eject reported it could not carry: inputs it could not trace (by resource type::name), stack outputs it dropped ("name: why"). */
export interface Reported {
  unresolved: Array<{ resource: string; type: string; input: string }>;
  droppedOutputs: string[];
}

/**
 * Every way two runs' values differ, unredacted: each cloud resource's inputs
 * (secrets included), the invokes with their arguments and the provider each
 * went to. Under varied mocks, a value the ejected program wrote out instead of
 * reading it from an output shows here.
 */
export async function valueDifferences(fh: Run, ej: Run): Promise<string[]> {
  const { canonical, compareRuns } = await equivalence;
  const registrations = (r: Run) => r.plan.resources.filter((x) => x.custom).map((x) => ({ type: x.type, name: x.name, inputs: r.values.resources[x.urn]?.inputs ?? {} }));
  const providerKey = (r: Run, ref: string) => {
    const p = r.plan.resources.find((x) => x.urn === ref.slice(0, ref.lastIndexOf("::")));
    return p ? keyOf(p) : ref ? `missing ${ref}` : "default";
  };
  const invokes = (r: Run) => new Set(r.values.calls.map((c) => `${c.token} ${JSON.stringify(canonical(c.inputs))} provider ${providerKey(r, c.provider)}`));
  const cmp = compareRuns({ registrations: registrations(fh), invokes: [] }, { registrations: registrations(ej), invokes: [] });
  const fhInvokes = invokes(fh);
  return [
    ...cmp.onlyFreehold.map((k) => `only Freehold registers ${k}`),
    ...cmp.onlyBaseline.map((k) => `only the ejected program registers ${k}`),
    ...cmp.differing.map((d) => `${d.resource}: values differ: ${d.differences.join("; ").replace(/ vs baseline /g, " vs ejected ")}`),
    // The ejected program makes the invokes its values need (each once): each as Freehold made it, to the same provider.
    ...[...invokes(ej)].filter((i) => !fhInvokes.has(i)).map((i) => `the ejected program invokes ${i}, which Freehold never did`),
  ];
}

/**
 * Every way the ejected program's plan differs from Freehold's, as sentences;
 * empty when they are equal resource by resource. The only differences allowed
 * are those eject reported: an input it could not trace fully loses the
 * dependencies it was made from; a dropped stack output.
 */
export async function ejectedDifferences(fh: HostedPlan, ej: HostedPlan, reported: Reported = { unresolved: [], droppedOutputs: [] }): Promise<string[]> {
  const { canonical, compareRuns } = await equivalence;
  const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
  const dropped = reported.droppedOutputs;
  const diffs: string[] = [];
  for (const r of ej.resources) if (r.type.startsWith("freehold:")) diffs.push(`the ejected program registers Freehold's ${r.type} "${r.name}"`);

  const cmp = compareRuns(
    { registrations: fh.resources.filter((r) => r.custom).map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })), invokes: [] },
    { registrations: ej.resources.filter((r) => r.custom).map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })), invokes: [] },
  );
  for (const k of cmp.onlyFreehold) diffs.push(`only Freehold registers ${k}`);
  for (const k of cmp.onlyBaseline) diffs.push(`only the ejected program registers ${k}`);
  for (const d of cmp.differing) diffs.push(`${d.resource}: inputs differ: ${d.differences.join("; ").replace(/ vs baseline /g, " vs ejected ")}`);

  const fhKeys = keysFor(fh);
  const ejKeys = keysFor(ej);
  const ejByKey = new Map(ej.resources.filter((r) => r.custom).map((r) => [keyOf(r), r]));
  const fhByUrn = new Map(fh.resources.map((r) => [r.urn, r]));
  const root = parseUrn(fh.resources[0]?.urn ?? "");
  for (const f of fh.resources.filter((r) => r.custom)) {
    const e = ejByKey.get(keyOf(f));
    if (!e) continue;
    const k = keyOf(f);
    const fo = f.options;
    const eo = e.options;
    for (const opt of ["protect", "retainOnDelete", "deleteBeforeReplace", "ignoreChanges", "replaceOnChanges", "import", "customTimeouts"] as const) {
      if (!same(fo[opt], eo[opt])) diffs.push(`${k}: option ${opt} is ${JSON.stringify(fo[opt])} under Freehold, ${JSON.stringify(eo[opt])} ejected`);
    }
    // An input eject reported untraced keeps its value but may lose some of the dependencies it was made from:
    // the ejected ones must be among Freehold's, and only those dependencies may be missing.
    const untraced = new Set(reported.unresolved.filter((u) => u.type === f.type && u.resource === f.name).map((u) => u.input));
    const subsetOf = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));
    const lost = new Set([...untraced].flatMap((input) => (f.propertyDependencies[input] ?? []).flatMap(fhKeys)));
    const fhDeps = keySet(f.dependencies, fhKeys);
    const ejDeps = keySet(e.dependencies, ejKeys);
    const missing = subsetOf(fhDeps, ejDeps).filter((x) => !lost.has(x));
    if (missing.length || subsetOf(ejDeps, fhDeps).length) diffs.push(`${k}: dependencies are ${JSON.stringify(fhDeps)} under Freehold, ${JSON.stringify(ejDeps)} ejected`);
    const pairs: Array<[string, string[], string[]]> = [
      ["dependsOn", keySet(fo.dependsOn, fhKeys), keySet(eo.dependsOn, ejKeys)],
      ["deletedWith", keySet(fo.deletedWith ? [fo.deletedWith] : [], fhKeys), keySet(eo.deletedWith ? [eo.deletedWith] : [], ejKeys)],
      ["provider", keySet(f.provider ? [f.provider.slice(0, f.provider.lastIndexOf("::"))] : [], fhKeys), keySet(e.provider ? [e.provider.slice(0, e.provider.lastIndexOf("::"))] : [], ejKeys)],
    ];
    for (const input of new Set([...Object.keys(f.propertyDependencies), ...Object.keys(e.propertyDependencies)])) {
      const a = keySet(f.propertyDependencies[input] ?? [], fhKeys);
      const b = keySet(e.propertyDependencies[input] ?? [], ejKeys);
      if (untraced.has(input) ? subsetOf(b, a).length > 0 : !same(a, b)) diffs.push(`${k}: propertyDependencies.${input} is ${JSON.stringify(a)} under Freehold, ${JSON.stringify(b)} ejected`);
    }
    for (const [what, a, b] of pairs) if (!same(a, b)) diffs.push(`${k}: ${what} is ${JSON.stringify(a)} under Freehold, ${JSON.stringify(b)} ejected`);

    // The URN the resource has in a stack deployed through Freehold, by the engine's rule.
    if (!root) continue;
    const real = engineUrn(root.stack, root.project, qualifiedType(f, fhByUrn), f.name);
    const parent = fhByUrn.get(f.parent);
    const grandparent = parent && fhByUrn.get(parent.parent);
    // Where the mock monitor and the engine agree (a direct child of a top-level component), the plan's URN is that URN.
    if (parent && grandparent?.type === "pulumi:pulumi:Stack" && real !== f.urn) diffs.push(`${k}: Freehold's plan URN ${f.urn} is not the engine's ${real}`);
    const aliases = (eo.aliases ?? []).map(recordedAlias).flatMap((a) => (a ? [aliasUrn(a, { name: e.name, type: e.type, parentUrn: e.parent }, root.stack, root.project)] : []));
    const moved = real === engineUrn(root.stack, root.project, e.type, e.name);
    if (!moved && !aliases.includes(real)) diffs.push(`${k}: no alias names its URN under Freehold, ${real} (aliases: ${aliases.join(", ") || "none"})`);
  }

  const fhOutputs = Object.fromEntries(Object.entries(fh.outputs).filter(([k]) => !dropped.some((d) => d.startsWith(`${k}:`))));
  if (!same(fhOutputs, ej.outputs)) diffs.push(`stack outputs differ: Freehold ${JSON.stringify(canonical(fhOutputs))}, ejected ${JSON.stringify(canonical(ej.outputs))}`);
  return diffs;
}

/**
 * Type-check ejected programs with tsc in one run (each cloud's SDK types are
 * read once), under the compiler options of their own tsconfig.json (Pulumi's
 * template's), from the project they were installed into: the compiler's
 * messages, empty when clean. The SDKs' own declaration files are not checked
 * again (skipLibCheck): test/consumer.test.ts checks them under the same
 * template, and here they would double the time for nothing of ours.
 */
export function typeCheck(dirs: string[], project: string): Promise<string> {
  const config = join(project, "tsconfig.eject-check.json");
  const program = JSON.parse(readFileSync(join(dirs[0] as string, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
  writeFileSync(config, JSON.stringify({ compilerOptions: { ...program.compilerOptions, noEmit: true, outDir: undefined, sourceMap: false, pretty: false, skipLibCheck: true }, files: dirs.map((d) => join(d, "index.ts")) }));
  return new Promise((resolve) => {
    execFile(process.execPath, [join(project, "node_modules", "typescript", "bin", "tsc"), "-p", config], { maxBuffer: 16 * 1024 * 1024 }, (_err, stdout, stderr) => {
      rmSync(config, { force: true });
      resolve(`${stdout}${stderr}`.trim());
    });
  });
}
