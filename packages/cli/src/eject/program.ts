/**
 * Build the ejected program from a plan and the mock values behind it only, so
 * it holds for any backend: every cloud resource with the variable that holds
 * it, its inputs as expressions (references to the outputs they came from), its
 * options and the alias that moves it out of its Freehold component; the
 * invokes its values need; config; stack outputs.
 */
import type { MockValues, PlannedResource } from "@freehold/core";
import type { HostedPlan } from "../plan/contract";
import { ownerOf } from "../plan/owner";
import { type Expr, sourcesOf, walk } from "./expr";
import { type ComponentUrn, type ConfigValue, EjectError, type EjectInput, type Group, type Program, type ProgramCall, type ProgramResource } from "./model";
import { camel, Names, pascal } from "./names";
import { expandComponent, optionsOf, providerUrn } from "./options";
import { order } from "./order";
import { type SdkExport, SdkIndex } from "./sdk";
import { useDeployedState } from "./state";
import { type SourceRef, Tracer } from "./trace";
import { engineUrn, parseUrn, qualifiedType, ROOT_STACK_TYPE } from "./urns";
import { configValues, keepSecretsSecret, literalsOf, shareCommonEntries, useConfig } from "./values";

export { EjectError, type EjectInput, type Program } from "./model";

/** The classes of every resource type, or every reason the plan cannot be ejected (shared URNs, unknown types). */
function classesFor(custom: PlannedResource[], byUrn: ReadonlyMap<string, PlannedResource>, sdk: SdkIndex): Map<string, SdkExport> {
  const problems: string[] = [];
  // Without their components, two resources of one type and name would share a URN.
  const seenKeys = new Map<string, PlannedResource>();
  for (const r of custom) {
    const key = `${r.type}::${r.name}`;
    const other = seenKeys.get(key);
    if (other) problems.push(`${r.type} "${r.name}" is registered under ${parentLabel(other, byUrn)} and under ${parentLabel(r, byUrn)}; without the components both would have one URN. Rename one of the components.`);
    seenKeys.set(key, r);
  }
  const classes = new Map<string, SdkExport>();
  for (const type of new Set(custom.map((r) => r.type))) {
    const found = sdk.resource(type);
    if (found) classes.set(type, found);
    else problems.push(`no class registers type ${type} in the Pulumi packages the plan was made with`);
  }
  if (problems.length) throw new EjectError(problems);
  return classes;
}

/** The imports a program needs, each bound once to a unique name, and the packages (with versions) they come from. */
class Imports {
  readonly modules = new Map<string, { module: string; binding: string; named: boolean }>();
  readonly packages = new Map<string, string>();
  constructor(private readonly names: Names) {}

  /** The expression naming an export (`s3.Bucket`, `RandomPassword`), importing its module on first use. */
  of(exp: SdkExport): string {
    const key = `${exp.module}${exp.named ? `#${exp.name}` : ""}`;
    let imp = this.modules.get(key);
    if (!imp) {
      const binding = exp.named ? this.names.take(exp.name) : this.names.take(camel(exp.module.split("/").pop() ?? exp.package.npm), exp.package.npm.split("/").pop());
      imp = { module: exp.module, binding, named: exp.named };
      this.modules.set(key, imp);
      this.packages.set(exp.package.npm, exp.package.version);
    }
    return imp.named ? imp.binding : `${imp.binding}.${exp.name}`;
  }
}

/** Everything building one resource needs. */
interface ResourceContext {
  input: EjectInput;
  byUrn: ReadonlyMap<string, PlannedResource>;
  tracer: Tracer;
  config: ConfigValue[];
  secretConfig: ConfigValue[];
  names: Names;
  groups: Group[];
  variables: ReadonlyMap<string, string>;
  constructorOf(type: string): string;
  componentUrnOf(parent: PlannedResource): string;
  stack: string;
  project: string;
}

/** One resource: its inputs traced to the outputs they came from, config and secrets in place, its options, what it reads. */
function buildResource(r: PlannedResource, ctx: ResourceContext): ProgramResource {
  const all = ctx.input.plan.resources;
  const owner = ownerOf(all, r);
  const raw = ctx.input.values.resources[r.urn]?.inputs ?? {};
  const inputs: Array<[string, Expr]> = [];
  const unresolved: ProgramResource["unresolved"] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const traced = ctx.tracer.input(value, r.inputs[key], r.propertyDependencies[key] ?? []);
    if (traced.unresolved.length) {
      unresolved.push({ input: key, from: traced.unresolved.map((u) => ctx.byUrn.get(u)?.name ?? u), partial: [...walk(traced.expr)].some((e) => e.kind === "ref"), deployed: false });
    }
    useConfig(traced.expr, ctx.config, owner?.name);
    inputs.push([key, traced.expr]);
  }
  for (const [key, expr] of inputs) keepSecretsSecret(expr, `${r.name}-${key}`, ctx.input.config, ctx.secretConfig, ctx.names, ctx.tracer);
  const reads = new Set<string>();
  for (const [, e] of inputs) for (const id of sourcesOf(e)) reads.add(id);
  for (const urn of [...r.options.dependsOn, ...(r.options.deletedWith ? [r.options.deletedWith] : []), ...(r.provider ? [providerUrn(r.provider)] : [])]) {
    for (const u of expandComponent(urn, all)) reads.add(u);
  }
  return {
    plan: r,
    variable: ctx.variables.get(r.urn) as string,
    constructor: ctx.constructorOf(r.type),
    inputs,
    options: optionsOf(r, { byUrn: ctx.byUrn, variables: ctx.variables, componentUrnOf: ctx.componentUrnOf, stack: ctx.stack, project: ctx.project }),
    group: ctx.groups.find((g) => g.urn === (owner?.urn ?? "")) as Group,
    unresolved,
    reads,
  };
}

/** What the reader must check for each input eject could not trace (and --state did not settle). */
function untracedNotes(resources: ProgramResource[]): string[] {
  return resources.flatMap((r) =>
    r.unresolved
      .filter((u) => !u.deployed)
      .map((u) => {
        const from = `${u.from.join(" and ")} in a way eject cannot trace (no output of ${u.from.length > 1 ? "them" : "it"} is in the value)`;
        return u.partial
          ? `${r.plan.name} (${r.plan.type}): input "${u.input}" was also made from ${from}; it reads the other outputs it was made from, but loses that dependency: check it.`
          : `${r.plan.name} (${r.plan.type}): input "${u.input}" was made from ${from}, so it is written as planned, from mock values: set the deployed value before \`pulumi up\`, or eject with --state (Freehold's docs/eject.md).`;
      }),
  );
}

/** The config variables a program reads. */
function configRead(exprs: Expr[]): Set<string> {
  const used = new Set<string>();
  for (const e of exprs) for (const x of walk(e)) if (x.kind === "config") used.add(x.variable);
  return used;
}

export function buildProgram(input: EjectInput): Program {
  const { plan, values } = input;
  const all = plan.resources;
  const byUrn = new Map(all.map((r) => [r.urn, r]));
  const custom = all.filter((r) => r.custom);
  const root = all.find((r) => r.type === ROOT_STACK_TYPE)?.urn ?? custom[0]?.parent ?? "";
  const { project = plan.stack, stack = plan.pulumiStack } = parseUrn(root) ?? parseUrn(custom[0]?.urn ?? "") ?? {};
  const sdk = new SdkIndex();
  const classes = classesFor(custom, byUrn, sdk);

  const names = new Names(["urn", "config", "stack", "project", "pulumi"]);
  const imports = new Imports(names);
  const groups = groupsOf(plan, custom, byUrn);
  const componentUrns = new Map<string, ComponentUrn>();
  const componentUrnOf = (parent: PlannedResource): string => {
    let c = componentUrns.get(parent.urn);
    if (!c) {
      c = { variable: names.take(`freehold${pascal(parent.type.startsWith("freehold:index:Platform") ? "platform" : parent.name)}`, parent.type.split(":").pop()), qualifiedType: qualifiedType(parent, byUrn), name: parent.name };
      componentUrns.set(parent.urn, c);
    }
    return c.variable;
  };

  const config = configValues(plan, custom, names);
  const variables = new Map<string, string>();
  for (const r of custom) variables.set(r.urn, names.take(variableFor(r, ownerOf(all, r)), classes.get(r.type)?.name));
  const callVariables = new Map<number, string>();
  const callVariable = (index: number): string => {
    let v = callVariables.get(index);
    if (!v) {
      const token = values.calls[index]?.token ?? "";
      v = names.take(camel((token.split(":").pop() ?? "result").replace(/^get(?=[A-Z])/, "")), "result");
      callVariables.set(index, v);
    }
    return v;
  };
  const tracer = new Tracer(custom, values, {
    literals: new Set(config.flatMap((c) => (c.default === undefined ? [] : [c.default]))),
    variable: (s: SourceRef) => (s.kind === "resource" ? (variables.get(s.urn) as string) : callVariable(s.index)),
    readable: (s: SourceRef, property: string) => {
      const exp = s.kind === "resource" ? classes.get(byUrn.get(s.urn)?.type ?? "") : sdk.invoke(values.calls[s.index]?.token ?? "");
      return exp ? (sdk.readable(exp, s.kind === "resource" ? "resource" : "invoke")?.has(property) ?? true) : false;
    },
  });

  const secretConfig: ConfigValue[] = [];
  const ctx: ResourceContext = { input, byUrn, tracer, config, secretConfig, names, groups, variables, constructorOf: (t) => imports.of(classes.get(t) as SdkExport), componentUrnOf, stack, project };
  const resources = custom.map((r) => buildResource(r, ctx));
  config.push(...secretConfig);

  const notes: string[] = [];
  const problems: string[] = [];
  if (input.deployed) {
    const realUrns = new Map(custom.map((r) => [r.urn, engineUrn(stack, project, qualifiedType(r, byUrn), r.name)]));
    problems.push(...useDeployedState(resources, input.deployed, realUrns, notes));
  }
  notes.push(...untracedNotes(resources));
  const shared = shareCommonEntries(resources, names);
  const { outputs, dropped } = stackOutputs(plan, values, tracer, config);
  const calls = usedCalls(resources, outputs, tracer, values, sdk, (e) => imports.of(e), callVariable, problems);
  if (problems.length) throw new EjectError(problems);
  const used = configRead([...resources.flatMap((r) => r.inputs.map(([, e]) => e)), ...outputs.map(([, e]) => e)]);
  for (const c of secretConfig) notes.push(`${c.key}: a secret Freehold read from config or was given; set it with \`pulumi config set --secret ${c.key} <value>\` before \`pulumi up\`.`);

  return {
    project,
    stack,
    shared,
    imports: [...imports.modules.values()].sort((a, b) => a.module.localeCompare(b.module)),
    config: config.filter((c) => used.has(c.variable)),
    componentUrns: [...componentUrns.values()],
    body: order(resources, calls, groups),
    outputs,
    droppedOutputs: dropped,
    notes,
    packages: imports.packages,
  };
}

function parentLabel(r: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>): string {
  const p = byUrn.get(r.parent);
  return p && p.type !== ROOT_STACK_TYPE ? `${p.type} "${p.name}"` : "the stack";
}

/** The variable for a resource: its logical name in camelCase; a platform resource's without the stack-name prefix. */
function variableFor(r: PlannedResource, owner: PlannedResource | undefined): string {
  if (owner?.type === "freehold:index:Platform" && r.name.startsWith(`${owner.name}-`)) return camel(r.name.slice(owner.name.length + 1));
  return camel(r.name);
}

/** One group per Freehold component (the platform first), then resources outside any component. */
function groupsOf(plan: HostedPlan, custom: PlannedResource[], byUrn: ReadonlyMap<string, PlannedResource>): Group[] {
  const owners: Array<PlannedResource | undefined> = [];
  for (const r of custom) {
    const o = ownerOf(plan.resources, r);
    if (!owners.includes(o)) owners.push(o);
  }
  owners.sort((a, b) => rankOwner(a) - rankOwner(b));
  return owners.map((o): Group => {
    if (!o) return { urn: "", title: "Other resources", lines: ["Resources that were not part of a Freehold component."] };
    const qualified = qualifiedType(o, byUrn);
    if (o.type === "freehold:index:Platform") {
      return { urn: o.urn, title: "Shared platform", lines: [`What every component of the stack shares (network, logs, cluster...). Was Freehold's Platform "${o.name}" (${qualified}).`] };
    }
    const c = plan.components.find((x) => x.urn === o.urn) ?? plan.components.find((x) => x.name === o.name);
    const kind = o.type.replace("freehold:index:", "");
    const lines = [`Was Freehold's ${kind} "${o.name}" (${qualified}).`];
    if (c) lines.unshift(`${c.name}: ${c.kind} on ${c.service}${c.sku ? `, ${c.sku}` : ""}.${c.size?.note ? ` Size: ${c.size.note}.` : ""}`);
    return { urn: o.urn, title: `${o.name} (${kind})`, lines };
  });
}

const rankOwner = (o: PlannedResource | undefined): number => (!o ? 2 : o.type === "freehold:index:Platform" ? 0 : 1);

/**
 * The stack outputs, each value read from the resource or invoke output it
 * came from. An output that would hold a mock's value (one eject could not
 * trace), or a secret with nothing behind it, is dropped and listed.
 */
function stackOutputs(plan: HostedPlan, values: MockValues, tracer: Tracer, config: ConfigValue[]): { outputs: Array<[string, Expr]>; dropped: string[] } {
  const outputs: Array<[string, Expr]> = [];
  const dropped: string[] = [];
  for (const [name, raw] of Object.entries(values.outputs)) {
    if (raw === undefined) continue;
    const expr = tracer.anywhere(raw, plan.outputs[name]);
    if ([...walk(expr)].some((e) => e.kind === "secret" && ![...walk(e.value)].some((x) => x.kind === "ref"))) {
      dropped.push(`${name}: a secret eject could not trace to the output it came from`);
      continue;
    }
    if (literalsOf(expr).some((t) => tracer.madeByMocks(t))) {
      dropped.push(`${name}: a value Freehold derived from a resource in a way eject could not trace`);
      continue;
    }
    useConfig(expr, config.filter((c) => c.key === "region"), undefined);
    outputs.push([name, expr]);
  }
  return { outputs, dropped };
}

/** The invokes the program reads, with their arguments traced; an invoke no SDK function makes is a problem. */
function usedCalls(
  resources: ProgramResource[],
  outputs: Array<[string, Expr]>,
  tracer: Tracer,
  values: MockValues,
  sdk: SdkIndex,
  importOf: (e: SdkExport) => string,
  callVariable: (index: number) => string,
  problems: string[],
): ProgramCall[] {
  const wanted = new Set<string>();
  const visit = (e: Expr) => {
    for (const id of sourcesOf(e)) {
      if (!id.startsWith("call:") || wanted.has(id)) continue;
      wanted.add(id);
      visit(tracer.argumentsOf(Number(id.slice(5))));
    }
  };
  for (const r of resources) for (const [, e] of r.inputs) visit(e);
  for (const [, e] of outputs) visit(e);
  const calls: ProgramCall[] = [];
  for (const id of [...wanted].sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))) {
    const index = Number(id.slice(5));
    const token = values.calls[index]?.token ?? "";
    const exp = sdk.invoke(token);
    if (!exp) {
      problems.push(`no function makes invoke ${token} in the Pulumi packages the plan was made with`);
      continue;
    }
    const args = tracer.argumentsOf(index);
    calls.push({ id, variable: callVariable(index), fn: importOf(exp), args, reads: sourcesOf(args) });
  }
  return calls;
}
