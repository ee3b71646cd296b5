/**
 * Build the ejected program from a plan and the mock values behind it only, so
 * it holds for any backend: every cloud resource with the variable that holds
 * it, its inputs as expressions (references to the outputs they came from), its
 * options and the alias that moves it out of its Freehold component; the
 * invokes its values need, with their providers; config; stack outputs.
 */
import type { MockValues, PlannedResource } from "@freehold/core";
import type { HostedPlan } from "../plan/contract";
import { ownerOf } from "../plan/owner";
import { type Expr, literal, replaceNode, sourcesOf, walk } from "./expr";
import { computeHashes, type HashContext, type HashedSettings, linkHashes } from "./hashes";
import { Imports } from "./imports";
import { type ComponentUrn, type ConfigValue, EjectError, type EjectInput, type Group, type Program, type ProgramCall, type ProgramResource } from "./model";
import { camel, Names, pascal } from "./names";
import { expandComponent, optionsOf, providerUrn } from "./options";
import { order } from "./order";
import { type SdkExport, SdkIndex } from "./sdk";
import { checkDeployedState } from "./state";
import { type SourceRef, Tracer } from "./trace";
import { settle } from "./untraceable";
import { engineUrn, parseUrn, qualifiedType, ROOT_STACK_TYPE } from "./urns";
import { configValues, keepSecretsSecret, shareCommonEntries, useConfig } from "./values";

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

/** A provider reference (`<URN>::<id>`) without its id, which the varied run varies. */
const providerOnly = (ref: string): string => (ref ? ref.slice(0, ref.lastIndexOf("::")) : "");

/**
 * The plan and the varied plan must register the same resources and make the
 * same invokes; otherwise which values came from the mocks cannot be told.
 * Invokes are recorded as they complete, so the varied run's are put in the
 * plan's order: the same function, provider and arguments first, then the same
 * function and provider.
 */
function alignRuns(a: MockValues, b: MockValues): { varied: MockValues; problems: string[] } {
  const ka = Object.keys(a.resources).sort();
  const kb = Object.keys(b.resources).sort();
  const only = (x: string[], y: string[]) => x.filter((k) => !y.includes(k));
  const left = [...b.calls];
  const take = (ok: (c: MockValues["calls"][number]) => boolean) => {
    const i = left.findIndex(ok);
    return i < 0 ? undefined : left.splice(i, 1)[0];
  };
  const exact = a.calls.map((c) => take((x) => x.token === c.token && providerOnly(x.provider) === providerOnly(c.provider) && JSON.stringify(x.inputs) === JSON.stringify(c.inputs)));
  const calls = a.calls.map((c, i) => exact[i] ?? take((x) => x.token === c.token && providerOnly(x.provider) === providerOnly(c.provider)));
  const unmatched = a.calls.filter((_, i) => !calls[i]).map((c) => c.token);
  const differ = [...only(ka, kb), ...only(kb, ka), ...unmatched, ...left.map((c) => c.token)];
  if (!differ.length) return { varied: { ...b, calls: calls as MockValues["calls"] }, problems: [] };
  return {
    varied: b,
    problems: [
      `the stack registers other resources or makes other invokes when the mocks' values change (${differ.slice(0, 5).join(", ")}), so eject cannot tell which values came from the mocks: this is a bug in the backend's mocks or in Freehold, please report it`,
    ],
  };
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
  jsonInputs(type: string): Set<string>;
  componentUrnOf(parent: PlannedResource): string;
  stack: string;
  project: string;
  realUrns: ReadonlyMap<string, string>;
  problems: string[];
  hashes: HashContext;
  /** Per resource (URN), the other resources' settings its inputs hold hashes of. */
  holders: Map<string, HashedSettings[]>;
}

/**
 * An input a provider class sends as a JSON string although the program gives
 * it as an object, list, boolean or number (`assumeRoles`, `skipRegionValidation`):
 * written as the value it encodes, so that the class encodes it again.
 */
function decodeJsonInput(e: Expr): Expr {
  if (e.kind === "json") return e.value;
  if (e.kind === "literal" && typeof e.value === "string") {
    try {
      const v = JSON.parse(e.value) as unknown;
      if (typeof v === "boolean" || typeof v === "number") return literal(v);
    } catch {
      // a plain string after all
    }
  }
  return e;
}

/** One resource: its inputs traced to the outputs they came from, what cannot be traced as config, secrets kept secret, its options, what it reads. */
function buildResource(r: PlannedResource, ctx: ResourceContext): ProgramResource {
  const owner = ownerOf(ctx.input.plan.resources, r);
  const raw = ctx.input.values.resources[r.urn]?.inputs ?? {};
  const inputs: Array<[string, Expr]> = [];
  const unresolved: ProgramResource["unresolved"] = [];
  const json = ctx.jsonInputs(r.type);
  const deployed = ctx.input.deployed?.get(ctx.realUrns.get(r.urn) ?? "");
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const deps = r.propertyDependencies[key] ?? [];
    const traced = ctx.tracer.input(r.urn, key, r.inputs[key], deps);
    const from = deps.map((u) => ctx.byUrn.get(u)?.name ?? u);
    // A hash of another resource's settings is computed as Freehold computes it; only the rest is settled.
    const { left, hashed } = computeHashes(r, key, traced.expr, traced.untraceable, ctx.hashes);
    if (hashed.length) ctx.holders.set(r.urn, [...(ctx.holders.get(r.urn) ?? []), ...hashed]);
    const settled = settle(r, key, left, { names: ctx.names, config: ctx.secretConfig, deployed, engineUrn: ctx.realUrns.get(r.urn) ?? r.urn, from });
    ctx.problems.push(...settled.problems);
    if (traced.unresolved.length || settled.keys.length || settled.deployed) {
      unresolved.push({ input: key, from: traced.unresolved.map((u) => ctx.byUrn.get(u)?.name ?? u), partial: !settled.keys.length && !settled.deployed, deployed: settled.deployed, keys: settled.keys });
    }
    const expr = json.has(key) ? decodeJsonInput(traced.expr) : traced.expr;
    useConfig(expr, ctx.config, owner?.name);
    inputs.push([key, expr]);
  }
  for (const [key, expr] of inputs) keepSecretsSecret(expr, `${r.name}-${key}`, ctx.input.config, ctx.secretConfig, ctx.names);
  const reads = new Set<string>();
  for (const [, e] of inputs) for (const id of sourcesOf(e)) reads.add(id);
  for (const urn of [...r.options.dependsOn, ...(r.options.deletedWith ? [r.options.deletedWith] : []), ...(r.provider ? [providerUrn(r.provider)] : [])]) {
    for (const u of expandComponent(urn, ctx.input.plan.resources)) reads.add(u);
  }
  return {
    plan: r,
    variable: ctx.variables.get(r.urn) as string,
    constructor: ctx.constructorOf(r.type),
    inputs,
    options: optionsOf(r, { byUrn: ctx.byUrn, variables: ctx.variables, componentUrnOf: ctx.componentUrnOf, stack: ctx.stack, project: ctx.project }),
    group: ctx.groups.find((g) => g.urn === groupKey(r, owner)) as Group,
    unresolved,
    reads,
  };
}

/** What the reader must know about each input whose value is right but lost a dependency it was made from. */
function lostDependencyNotes(resources: ProgramResource[]): string[] {
  return resources.flatMap((r) =>
    r.unresolved
      .filter((u) => u.partial && u.from.length)
      .map((u) => `${r.plan.name} (${r.plan.type}): input "${u.input}" was also made from ${u.from.join(" and ")}, whose outputs are not in the value; the value is right, but \`pulumi up\` no longer waits for ${u.from.length > 1 ? "them" : "it"} before changing this input.`),
  );
}

/** The config variables a program reads. */
function configRead(exprs: Expr[]): Set<string> {
  const used = new Set<string>();
  for (const e of exprs) for (const x of walk(e)) if (x.kind === "config") used.add(x.variable);
  return used;
}

/** Variable names for the resources and invokes, and the component URNs aliases name. */
class Variables {
  readonly resources = new Map<string, string>();
  readonly componentUrns = new Map<string, ComponentUrn>();
  private readonly calls = new Map<number, string>();

  constructor(
    private readonly names: Names,
    private readonly values: MockValues,
    private readonly byUrn: ReadonlyMap<string, PlannedResource>,
  ) {}

  call(index: number): string {
    let v = this.calls.get(index);
    if (!v) {
      const token = this.values.calls[index]?.token ?? "";
      v = this.names.take(camel((token.split(":").pop() ?? "result").replace(/^get(?=[A-Z])/, "")), "result");
      this.calls.set(index, v);
    }
    return v;
  }

  componentUrn(parent: PlannedResource): string {
    let c = this.componentUrns.get(parent.urn);
    if (!c) {
      c = { variable: this.names.take(`freehold${pascal(parent.type.startsWith("freehold:index:Platform") ? "platform" : parent.name)}`, parent.type.split(":").pop()), qualifiedType: qualifiedType(parent, this.byUrn), name: parent.name };
      this.componentUrns.set(parent.urn, c);
    }
    return c.variable;
  }
}

/** The tracer for a plan's two runs, reading only what the SDK classes declare as outputs. */
function tracerFor(p: {
  custom: PlannedResource[];
  values: MockValues;
  varied: MockValues;
  byUrn: ReadonlyMap<string, PlannedResource>;
  classes: ReadonlyMap<string, SdkExport>;
  sdk: SdkIndex;
  vars: Variables;
  config: ConfigValue[];
}): Tracer {
  const exportOf = (s: SourceRef) => (s.kind === "resource" ? p.classes.get(p.byUrn.get(s.urn)?.type ?? "") : p.sdk.invoke(p.values.calls[s.index]?.token ?? ""));
  const kind = (s: SourceRef) => (s.kind === "resource" ? "resource" : "invoke");
  return new Tracer(
    p.custom,
    { a: p.values, b: p.varied },
    {
      literals: new Set(p.config.flatMap((c) => (c.default === undefined ? [] : [c.default]))),
      variable: (s) => (s.kind === "resource" ? (p.vars.resources.get(s.urn) as string) : p.vars.call(s.index)),
      readable: (s, property) => {
        const exp = exportOf(s);
        return exp ? (p.sdk.readable(exp, kind(s))?.has(property) ?? true) : false;
      },
      optional: (s, property) => {
        const exp = exportOf(s);
        return exp ? p.sdk.optional(exp, kind(s), property) : false;
      },
    },
  );
}

export function buildProgram(input: EjectInput): Program {
  const { plan, values } = input;
  const all = plan.resources;
  const byUrn = new Map(all.map((r) => [r.urn, r]));
  const custom = all.filter((r) => r.custom);
  const root = all.find((r) => r.type === ROOT_STACK_TYPE)?.urn ?? custom[0]?.parent ?? "";
  const { project = plan.stack, stack = plan.pulumiStack } = parseUrn(root) ?? parseUrn(custom[0]?.urn ?? "") ?? {};
  const { varied, problems: shape } = alignRuns(values, input.varied);
  if (shape.length) throw new EjectError(shape);
  const sdk = new SdkIndex();
  const classes = classesFor(custom, byUrn, sdk);

  const names = new Names(["urn", "config", "stack", "project", "pulumi"]);
  const imports = new Imports(names);
  const groups = groupsOf(plan, custom, byUrn);
  const vars = new Variables(names, values, byUrn);
  const config = configValues(plan, custom, names);
  for (const r of custom) vars.resources.set(r.urn, names.take(variableFor(r, ownerOf(all, r)), classes.get(r.type)?.name));
  const tracer = tracerFor({ custom, values, varied, byUrn, classes, sdk, vars, config });

  const problems: string[] = [];
  const secretConfig: ConfigValue[] = [];
  const realUrns = new Map(custom.map((r) => [r.urn, engineUrn(stack, project, qualifiedType(r, byUrn), r.name)]));
  const ctx: ResourceContext = {
    input,
    byUrn,
    tracer,
    config,
    secretConfig,
    names,
    groups,
    variables: vars.resources,
    constructorOf: (t) => imports.of(classes.get(t) as SdkExport),
    jsonInputs: (t) => (t.startsWith("pulumi:providers:") ? sdk.jsonInputs(classes.get(t) as SdkExport) : new Set()),
    componentUrnOf: (p) => vars.componentUrn(p),
    stack,
    project,
    realUrns,
    problems,
    hashes: { input, custom, names, variables: vars.resources, found: [] },
    holders: new Map(),
  };
  const resources = custom.map((r) => buildResource(r, ctx));
  config.push(...secretConfig);
  linkHashes(resources, ctx.holders, byUrn, (r) => {
    const exp = classes.get(r.plan.type);
    return exp && r.constructor.includes(".") && sdk.exportsArgs(exp) ? `${r.constructor}Args` : undefined;
  });

  const notes: string[] = [];
  if (input.deployed) problems.push(...checkDeployedState(resources, input.deployed, realUrns, notes));
  notes.push(...lostDependencyNotes(resources));
  const shared = shareCommonEntries(resources, names);
  const { outputs, dropped } = stackOutputs(plan, values, varied, tracer, config);
  const calls = usedCalls(resources, outputs, { tracer, values, sdk, config, importOf: (e) => imports.of(e), callVariable: (i) => vars.call(i), providerVariable: (ref) => vars.resources.get(providerUrn(ref)) }, problems);
  if (problems.length) throw new EjectError(problems);
  const exprs = [...resources.flatMap((r) => r.inputs.map(([, e]) => e)), ...outputs.map(([, e]) => e), ...calls.map((c) => c.args)];
  const used = configRead(exprs);
  for (const c of secretConfig) {
    if (c.secret && !c.where) notes.push(`${c.key}: a secret Freehold read from config or was given; set it with \`pulumi config set --secret ${c.key} <value>\` before \`pulumi up\`.`);
  }

  const named = nameRepeatedReads(exprs, names);

  return {
    project,
    stack,
    shared,
    named,
    imports: [...imports.modules.values()].sort((a, b) => a.module.localeCompare(b.module) || a.name.localeCompare(b.name)),
    config: config.filter((c) => used.has(c.variable)),
    componentUrns: [...vars.componentUrns.values()],
    body: order(resources, calls, groups),
    outputs,
    droppedOutputs: dropped,
    notes,
    packages: imports.packages,
  };
}

/**
 * Reads of an output that take an `apply` (it may be undefined), made in more
 * than one place: each named once (`const projectId = project.apply(...)`) and
 * read by that name, as a person writes it.
 */
function nameRepeatedReads(exprs: Expr[], names: Names): Program["named"] {
  const uses = new Map<string, Expr[]>();
  for (const e of exprs) {
    for (const x of walk(e)) {
      if (x.kind !== "ref" || !x.optional) continue;
      const key = `${x.source.id} ${JSON.stringify(x.path)}`;
      uses.set(key, [...(uses.get(key) ?? []), x]);
    }
  }
  const named: Program["named"] = [];
  for (const nodes of uses.values()) {
    const [first] = nodes;
    if (nodes.length < 2 || first?.kind !== "ref") continue;
    const last = [...first.path].reverse().find((s): s is string => typeof s === "string") ?? "value";
    const variable = names.take(camel(last), first.source.variable);
    named.push({ variable, source: first.source.id, expr: { ...first } });
    for (const n of nodes) replaceNode(n, { kind: "named", variable });
  }
  return named;
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

/** Explicit providers outside any Freehold component have a section of their own, first. */
const PROVIDERS = "providers";
const isProvider = (r: PlannedResource) => r.type.startsWith("pulumi:providers:");

/** The group a resource is written in: its Freehold component's, the providers', or "" for the rest. */
const groupKey = (r: PlannedResource, owner: PlannedResource | undefined): string => owner?.urn ?? (isProvider(r) ? PROVIDERS : "");

/** One group per Freehold component (explicit providers first, then the platform), then resources outside any. */
function groupsOf(plan: HostedPlan, custom: PlannedResource[], byUrn: ReadonlyMap<string, PlannedResource>): Group[] {
  const keys: string[] = [];
  for (const r of custom) {
    const k = groupKey(r, ownerOf(plan.resources, r));
    if (!keys.includes(k)) keys.push(k);
  }
  const rank = (k: string) => (k === PROVIDERS ? 0 : k === "" ? 3 : byUrn.get(k)?.type === "freehold:index:Platform" ? 1 : 2);
  keys.sort((a, b) => rank(a) - rank(b));
  return keys.map((k): Group => {
    if (k === PROVIDERS) {
      return {
        urn: k,
        title: "Providers",
        lines: ["The explicit providers Freehold's components were given: the account, subscription or project and region each resource below goes to. Credentials come from each provider's usual settings."],
      };
    }
    const o = byUrn.get(k);
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

/**
 * The stack outputs, each value read from the resource or invoke output it
 * came from. An output eject cannot trace (it would hold a mock's value), or a
 * secret with nothing behind it, is dropped and listed.
 */
function stackOutputs(plan: HostedPlan, values: MockValues, varied: MockValues, tracer: Tracer, config: ConfigValue[]): { outputs: Array<[string, Expr]>; dropped: string[] } {
  const outputs: Array<[string, Expr]> = [];
  const dropped: string[] = [];
  for (const [name, raw] of Object.entries(values.outputs)) {
    if (raw === undefined) continue;
    const traced = tracer.anywhere(raw, varied.outputs[name], plan.outputs[name]);
    if (traced.untraceable.length) {
      dropped.push(`${name}: a value Freehold made from the mocks' values in a way eject could not trace`);
      continue;
    }
    const expr = traced.expr;
    if ([...walk(expr)].some((e) => e.kind === "secret" && ![...walk(e.value)].some((x) => x.kind === "ref"))) {
      dropped.push(`${name}: a secret eject could not trace to the output it came from`);
      continue;
    }
    useConfig(expr, config.filter((c) => c.key === "region"), undefined);
    outputs.push([name, expr]);
  }
  return { outputs, dropped };
}

interface CallContext {
  tracer: Tracer;
  values: MockValues;
  sdk: SdkIndex;
  config: ConfigValue[];
  importOf(e: SdkExport): string;
  callVariable(index: number): string;
  /** The variable of an explicit provider, by the `<URN>::<id>` reference an invoke recorded. */
  providerVariable(ref: string): string | undefined;
}

/** The invokes the program reads, with their arguments traced and their providers; an invoke no SDK function makes, or whose arguments cannot be traced, is a problem. */
function usedCalls(resources: ProgramResource[], outputs: Array<[string, Expr]>, ctx: CallContext, problems: string[]): ProgramCall[] {
  const wanted = new Set<string>();
  const visit = (e: Expr) => {
    for (const id of sourcesOf(e)) {
      if (!id.startsWith("call:") || wanted.has(id)) continue;
      wanted.add(id);
      visit(ctx.tracer.argumentsOf(Number(id.slice(5))).expr);
    }
  };
  for (const r of resources) for (const [, e] of r.inputs) visit(e);
  for (const [, e] of outputs) visit(e);
  const calls: ProgramCall[] = [];
  for (const id of [...wanted].sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))) {
    const index = Number(id.slice(5));
    const token = ctx.values.calls[index]?.token ?? "";
    const exp = ctx.sdk.invoke(token);
    if (!exp) {
      problems.push(`no function makes invoke ${token} in the Pulumi packages the plan was made with`);
      continue;
    }
    const args = ctx.tracer.argumentsOf(index);
    if (args.untraceable.length) {
      problems.push(`invoke ${token}: its arguments were made from the mocks' values in a way eject cannot reproduce`);
      continue;
    }
    useConfig(args.expr, ctx.config.filter((c) => c.key === "region"), undefined);
    const ref = ctx.tracer.providerOf(index);
    const provider = ref ? ctx.providerVariable(ref) : undefined;
    if (ref && !provider) problems.push(`invoke ${token} went to provider ${ref}, which the program does not register`);
    const reads = sourcesOf(args.expr);
    if (ref) reads.add(providerUrn(ref));
    calls.push({ id, variable: ctx.callVariable(index), fn: ctx.importOf(exp), args: args.expr, ...(provider ? { provider } : {}), takesArguments: ctx.sdk.takesArguments(exp), reads });
  }
  return calls;
}

