/**
 * Eject a stack in process, plan the ejected program as `freehold plan DIR`
 * would, and compare the two plans resource by resource: what the engine is
 * told about each cloud resource (type, name, inputs, options, provider,
 * dependencies), the aliases that move it out of its Freehold component, and
 * the stack outputs. Used by eject.test.ts.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_ASSUMPTIONS, type PlannedResource } from "@freehold/core";
import { aliasUrn, customResourcesOf, type EjectResult, ejectInProcess, engineUrn, type HostedPlan, parseUrn, planInProcess, qualifiedType, recordedAlias, resolveTarget, type Target } from "@freehold/cli";
import type { Cloud } from "@freehold/model";
import { ROOT } from "./cli-helpers";

/** A directory for ejected programs that resolves @pulumi/* from this repository's node_modules. */
export function programsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "freehold-eject-"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** A stack file's text as a target; `file` names it (in the program's README and header). */
export function stackTarget(text: string, file = "freehold.yaml", stack = "dev"): Target {
  return { kind: "stack", file, text, stack };
}

/** Eject a target on a cloud in process, as `freehold eject` does in its worker (the target's file named as the source). */
export function eject(target: Target, cloud: Cloud, state?: string): Promise<EjectResult> {
  return ejectInProcess({ target, cloud, assumptions: DEFAULT_ASSUMPTIONS }, target.kind === "stack" ? target.file : target.dir, state);
}

export function writeProgram(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

/** Plan a program directory in process, as `freehold plan DIR` does. */
export async function planProgram(dir: string, cloud: Cloud, stack = "dev"): Promise<HostedPlan> {
  const plan = await planInProcess({ target: resolveTarget(dir, stack), cloud, assumptions: DEFAULT_ASSUMPTIONS });
  if (plan.error) throw new Error(`planning the ejected program in ${dir} failed: ${plan.error.message}`);
  return plan as HostedPlan;
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
 * Every way the ejected program's plan differs from Freehold's, as sentences;
 * empty when they are equal resource by resource. The only differences allowed
 * are those eject reported: an input it could not trace keeps its planned value
 * but loses the dependencies it was made from; a dropped stack output.
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

/** Type-check ejected programs with tsc, in one run (each cloud's SDK types are read once): the compiler's messages, empty when clean. */
export function typeCheck(dirs: string[], scratch: string): Promise<string> {
  const config = join(scratch, "tsconfig.eject-check.json");
  const program = JSON.parse(readFileSync(join(dirs[0] as string, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
  writeFileSync(config, JSON.stringify({ compilerOptions: { ...program.compilerOptions, noEmit: true, outDir: undefined }, files: dirs.map((d) => join(d, "index.ts")) }));
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", config], { maxBuffer: 16 * 1024 * 1024 }, (_err, stdout, stderr) => {
      rmSync(config, { force: true });
      resolve(`${stdout}${stderr}`.trim());
    });
  });
}
