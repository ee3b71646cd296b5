/**
 * The ejected program as a model: every cloud resource of a plan with the
 * variable that holds it, its inputs as expressions (references to the outputs
 * they came from), its options, and the alias that moves it out of its Freehold
 * component; the invokes its values need; config; stack outputs. Built from a
 * plan and the mock values behind it only, so it holds for any backend.
 */
import type { MockValues, PlannedResource } from "@freehold/core";
import { SECRET } from "@freehold/core";
import type { HostedPlan } from "../plan/contract";
import { customResourcesOf, ownerOf } from "../plan/owner";
import { type Expr, literal, replaceNode, sourcesOf, stringOf, walk } from "./expr";
import { camel, Names, pascal } from "./names";
import { type SdkExport, SdkIndex } from "./sdk";
import type { DeployedState } from "./state";
import { type SourceRef, sourceId, Tracer } from "./trace";
import { aliasUrn, engineUrn, parseUrn, qualifiedType, recordedAlias, ROOT_STACK_TYPE } from "./urns";

export interface EjectInput {
  plan: HostedPlan;
  values: MockValues;
  /** The deployed stack (`pulumi stack export`), when given: checked against, and the source of values eject cannot trace. */
  deployed?: DeployedState;
  /** The config the plan was made with (`namespace:key` -> value): secrets the program read are found here by value. */
  config: Record<string, string>;
}

/** A stack eject cannot turn into a program that keeps every resource; lists every reason. */
export class EjectError extends Error {
  override readonly name = "EjectError";
  constructor(readonly problems: string[]) {
    super(`freehold eject: the stack cannot be ejected as it is:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

export interface ConfigValue {
  /** Key in this project's namespace, or `namespace:key`. */
  key: string;
  variable: string;
  description: string;
  /** The default in Pulumi.yaml; absent for a secret (set with `pulumi config set --secret`). */
  default?: string;
  secret: boolean;
}

export interface Group {
  /** URN of the Freehold component (or Platform) the group's resources were children of; "" for resources outside any. */
  urn: string;
  title: string;
  lines: string[];
}

export interface ProgramResource {
  plan: PlannedResource;
  variable: string;
  /** Constructor as written, e.g. `s3.Bucket`. */
  constructor: string;
  inputs: Array<[string, Expr]>;
  /** Options as written: `name: value` pairs. */
  options: Array<[string, string]>;
  group: Group;
  /**
   * Inputs made from dependencies (by name) eject found no output of in the
   * value. `partial`: other parts were traced (the value reads other outputs);
   * otherwise it is written as planned, or as deployed when a state file gave it.
   */
  unresolved: Array<{ input: string; from: string[]; partial: boolean; deployed: boolean }>;
  reads: Set<string>;
}

export interface ProgramCall {
  /** The source id references use: `call:<index>`. */
  id: string;
  variable: string;
  /** Function as written, e.g. `authorization.getClientConfigOutput`. */
  fn: string;
  args: Expr;
  reads: Set<string>;
}

export interface ComponentUrn {
  variable: string;
  qualifiedType: string;
  name: string;
}

/** Entries of an input most resources carry alike (their tags), held once in a variable. */
export interface Shared {
  variable: string;
  input: string;
  entries: Array<[string, Expr]>;
  /** How many resources carry them. */
  count: number;
}

export interface Program {
  /** Pulumi project and stack the plan was made for. */
  project: string;
  stack: string;
  shared: Shared[];
  imports: Array<{ module: string; binding: string; named: boolean }>;
  config: ConfigValue[];
  componentUrns: ComponentUrn[];
  /** Resources and invokes in an order where each comes after what it reads. */
  body: Array<{ kind: "resource"; value: ProgramResource } | { kind: "call"; value: ProgramCall }>;
  /** Stack outputs, by name. */
  outputs: Array<[string, Expr]>;
  /** Stack outputs Freehold exported that the program cannot reproduce, with why. */
  droppedOutputs: string[];
  /** Things the reader must know: unresolved inputs, config secrets to set. */
  notes: string[];
  /** The SDK packages the program imports, with versions. */
  packages: Map<string, string>;
}

/** Where the mock run's config says a secret value came from. */
function configKeyOf(config: Record<string, string>, value: unknown): string | undefined {
  if (typeof value !== "string" || !value) return undefined;
  return Object.keys(config)
    .sort()
    .find((k) => !k.startsWith("freehold:") && config[k] === value);
}

export function buildProgram(input: EjectInput): Program {
  const { plan, values } = input;
  const all = plan.resources;
  const byUrn = new Map(all.map((r) => [r.urn, r]));
  const custom = all.filter((r) => r.custom);
  const root = all.find((r) => r.type === ROOT_STACK_TYPE)?.urn ?? custom[0]?.parent ?? "";
  const { project = plan.stack, stack = plan.pulumiStack } = parseUrn(root) ?? parseUrn(custom[0]?.urn ?? "") ?? {};
  const sdk = new SdkIndex();
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

  const names = new Names(["urn", "config", "stack", "project", "pulumi"]);
  const imports = new Map<string, { module: string; binding: string; named: boolean }>();
  const packages = new Map<string, string>();
  const importOf = (exp: SdkExport): string => {
    const key = `${exp.module}${exp.named ? `#${exp.name}` : ""}`;
    let imp = imports.get(key);
    if (!imp) {
      const binding = exp.named ? names.take(exp.name) : names.take(camel(exp.module.split("/").pop() ?? exp.package.npm), exp.package.npm.split("/").pop());
      imp = { module: exp.module, binding, named: exp.named };
      imports.set(key, imp);
      packages.set(exp.package.npm, exp.package.version);
    }
    return imp.named ? imp.binding : `${imp.binding}.${exp.name}`;
  };

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

  const config = configValues(plan, custom, byUrn, names);
  const literals = new Set(config.filter((c) => c.default !== undefined).map((c) => c.default as string));
  const variables = new Map<string, string>();
  for (const r of custom) variables.set(r.urn, names.take(variableFor(r, ownerOf(all, r)), classes.get(r.type)?.name));
  const callVariables = new Map<number, string>();
  const tracer: Tracer = new Tracer(custom, values, {
    literals,
    variable: (s: SourceRef) => (s.kind === "resource" ? (variables.get(s.urn) as string) : callVariable(s.index)),
    readable: (s: SourceRef, property: string) => {
      const exp = s.kind === "resource" ? classes.get(byUrn.get(s.urn)?.type ?? "") : sdk.invoke(values.calls[s.index]?.token ?? "");
      return exp ? (sdk.readable(exp, s.kind === "resource" ? "resource" : "invoke")?.has(property) ?? true) : false;
    },
  });
  function callVariable(index: number): string {
    let v = callVariables.get(index);
    if (!v) {
      const token = values.calls[index]?.token ?? "";
      v = names.take(camel((token.split(":").pop() ?? "result").replace(/^get(?=[A-Z])/, "")), "result");
      callVariables.set(index, v);
    }
    return v;
  }

  const notes: string[] = [];
  const secretConfig: ConfigValue[] = [];
  const resources: ProgramResource[] = custom.map((r) => {
    const raw = values.resources[r.urn]?.inputs ?? {};
    const inputs: Array<[string, Expr]> = [];
    const unresolved: ProgramResource["unresolved"] = [];
    for (const [key, value] of Object.entries(raw)) {
      if (value === undefined) continue;
      const traced = tracer.input(value, r.inputs[key], r.propertyDependencies[key] ?? []);
      if (traced.unresolved.length) {
        unresolved.push({ input: key, from: traced.unresolved.map((u) => byUrn.get(u)?.name ?? u), partial: [...walk(traced.expr)].some((e) => e.kind === "ref"), deployed: false });
      }
      useConfig(traced.expr, config, ownerOf(all, r)?.name);
      inputs.push([key, traced.expr]);
    }
    for (const [key, expr] of inputs) keepSecretsSecret(expr, `${r.name}-${key}`, input.config, secretConfig, names, tracer);
    const group = groups.find((g) => g.urn === (ownerOf(all, r)?.urn ?? "")) as Group;
    const options = optionsOf(r, { byUrn, variables, componentUrnOf, stack, project });
    const reads = new Set<string>();
    for (const [, e] of inputs) for (const id of sourcesOf(e)) reads.add(id);
    for (const e of inputs.flatMap(([, x]) => [...walk(x)])) if (e.kind === "config") reads.add(`config:${e.variable}`);
    for (const urn of [...r.options.dependsOn, ...(r.options.deletedWith ? [r.options.deletedWith] : []), ...(r.provider ? [providerUrn(r.provider)] : [])]) {
      for (const u of expandComponent(urn, all)) reads.add(u);
    }
    return { plan: r, variable: variables.get(r.urn) as string, constructor: importOf(classes.get(r.type) as SdkExport), inputs, options, group, unresolved, reads };
  });
  config.push(...secretConfig);

  const realUrns = new Map(custom.map((r) => [r.urn, engineUrn(stack, project, qualifiedType(r, byUrn), r.name)]));
  if (input.deployed) problems.push(...useDeployedState(resources, input.deployed, realUrns, notes));
  for (const r of resources) {
    for (const u of r.unresolved) {
      if (u.deployed) continue;
      const from = `${u.from.join(" and ")} in a way eject cannot trace (no output of ${u.from.length > 1 ? "them" : "it"} is in the value)`;
      notes.push(
        u.partial
          ? `${r.plan.name} (${r.plan.type}): input "${u.input}" was also made from ${from}; it reads the other outputs it was made from, but loses that dependency: check it.`
          : `${r.plan.name} (${r.plan.type}): input "${u.input}" was made from ${from}, so it is written as planned, from mock values: set the deployed value before \`pulumi up\`, or eject with --state (Freehold's docs/eject.md).`,
      );
    }
  }
  const shared = shareCommonEntries(resources, names);
  const { outputs, dropped } = stackOutputs(plan, values, tracer, config);
  const calls = usedCalls(resources, outputs, tracer, values, sdk, importOf, callVariable, problems);
  if (problems.length) throw new EjectError(problems);
  const used = new Set(resources.flatMap((r) => [...r.inputs].flatMap(([, e]) => [...walk(e)])).filter((e) => e.kind === "config").map((e) => (e.kind === "config" ? e.variable : "")));
  for (const [, e] of outputs) for (const x of walk(e)) if (x.kind === "config") used.add(x.variable);
  for (const c of secretConfig) notes.push(`${c.key}: a secret Freehold read from config or was given; set it with \`pulumi config set --secret ${c.key} <value>\` before \`pulumi up\`.`);

  return {
    project,
    stack,
    shared,
    imports: [...imports.values()].sort((a, b) => a.module.localeCompare(b.module)),
    config: config.filter((c) => used.has(c.variable)),
    componentUrns: [...componentUrns.values()],
    body: order(resources, calls, groups),
    outputs,
    droppedOutputs: dropped,
    notes,
    packages,
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
 * Config for the values a user changes: the region (wherever it appears in a
 * string), and per component its image and its size where the plan names a
 * size the cloud takes as one value. Defaults are the planned values.
 */
function configValues(plan: HostedPlan, custom: PlannedResource[], byUrn: ReadonlyMap<string, PlannedResource>, names: Names): ConfigValue[] {
  const out: ConfigValue[] = [];
  if (plan.region) out.push({ key: "region", variable: names.take("region"), default: plan.region, secret: false, description: `The ${plan.provider} region every resource is in. Changing it moves nothing by itself: it must match the provider's own region setting.` });
  for (const c of plan.components) {
    const image = c.spec.kind === "web-service" && typeof c.spec.image === "string" ? c.spec.image : undefined;
    if (image) out.push({ key: `${c.name}-image`, variable: names.take(`${camel(c.name)}Image`), default: image, secret: false, description: `Container image of ${c.name}.` });
    if (c.sku && custom.some((r) => ownerOf(plan.resources, r)?.name === c.name && containsValue(r.inputs, c.sku as string))) {
      out.push({ key: `${c.name}-size`, variable: names.take(`${camel(c.name)}Size`), default: c.sku, secret: false, description: `Size of ${c.name} (${c.service}): ${c.size?.note ?? c.sku}.` });
    }
  }
  void byUrn;
  return out;
}

function containsValue(v: unknown, wanted: string): boolean {
  if (v === wanted) return true;
  if (Array.isArray(v)) return v.some((x) => containsValue(x, wanted));
  if (v && typeof v === "object") return Object.values(v).some((x) => containsValue(x, wanted));
  return false;
}

/** Put config values where the planned literal is one: the region in any string, a component's image and size in its own resources. */
function useConfig(expr: Expr, config: ConfigValue[], component: string | undefined): void {
  const own = config.filter((c) => c.key === `${component}-image` || c.key === `${component}-size`);
  const region = config.find((c) => c.key === "region");
  for (const node of [...walk(expr)]) {
    if (node.kind !== "literal" || typeof node.value !== "string") {
      if (node.kind === "template" && region?.default) {
        replaceNode(node, stringOf(node.parts.flatMap((p) => (typeof p === "string" ? splitOn(p, region) : [p]))));
      }
      continue;
    }
    const whole = own.find((c) => c.default === node.value);
    if (whole) replaceNode(node, { kind: "config", variable: whole.variable });
    else if (region?.default && node.value.includes(region.default)) replaceNode(node, stringOf(splitOn(node.value, region)));
  }
}

function splitOn(s: string, c: ConfigValue): Array<string | Expr> {
  const parts: Array<string | Expr> = [];
  s.split(c.default as string).forEach((piece, i) => {
    if (i > 0) parts.push({ kind: "config", variable: c.variable });
    parts.push(piece);
  });
  return parts;
}

/**
 * A secret with no output behind it (a password Freehold read from config, or
 * was given in the program) must not be written out: it becomes a config
 * secret, the key the mock run's config held it under where one did.
 */
function keepSecretsSecret(expr: Expr, fallbackKey: string, runConfig: Record<string, string>, into: ConfigValue[], names: Names, tracer: Tracer): void {
  for (const node of [...walk(expr)]) {
    if (node.kind !== "secret") continue;
    const inside = [...walk(node.value)];
    if (inside.some((e) => e.kind === "ref" || e.kind === "config") && !literalsOf(node).some((t) => tracer.madeByMocks(t))) continue;
    const value = node.value.kind === "literal" ? node.value.value : undefined;
    const key = configKeyOf(runConfig, value) ?? fallbackKey;
    let c = into.find((x) => x.key === key);
    if (!c) {
      c = { key, variable: names.take(camel(key.split(":").pop() ?? key), "secret"), secret: true, description: `A secret; set it with \`pulumi config set --secret ${key} <value>\`.` };
      into.push(c);
    }
    replaceNode(node, { kind: "config", variable: c.variable });
  }
}

const providerUrn = (ref: string): string => ref.slice(0, ref.lastIndexOf("::"));

/** A component stands for its custom descendants (what `dependsOn` on it waits for); a custom resource for itself. */
function expandComponent(urn: string, all: readonly PlannedResource[]): string[] {
  const found = customResourcesOf(all, urn);
  return found.length ? found.map((x) => x.urn) : [urn];
}

interface OptionContext {
  byUrn: ReadonlyMap<string, PlannedResource>;
  variables: ReadonlyMap<string, string>;
  componentUrnOf(parent: PlannedResource): string;
  stack: string;
  project: string;
}

/** Resource options as written: what the engine was told, with the alias that moves the resource out of its component. */
function optionsOf(r: PlannedResource, ctx: OptionContext): Array<[string, string]> {
  const o = r.options;
  const vars = (urns: string[]) => [...new Set(urns.flatMap((u) => expandComponent(u, [...ctx.byUrn.values()])))].map((u) => ctx.variables.get(u) ?? JSON.stringify(u));
  const out: Array<[string, string]> = [];
  if (o.protect) out.push(["protect", "true"]);
  if (o.retainOnDelete) out.push(["retainOnDelete", "true"]);
  if (o.dependsOn.length) out.push(["dependsOn", `[${vars(o.dependsOn).join(", ")}]`]);
  if (o.deleteBeforeReplace) out.push(["deleteBeforeReplace", "true"]);
  if (o.ignoreChanges?.length) out.push(["ignoreChanges", JSON.stringify(o.ignoreChanges)]);
  if (o.replaceOnChanges?.length) out.push(["replaceOnChanges", JSON.stringify(o.replaceOnChanges)]);
  if (o.customTimeouts) out.push(["customTimeouts", JSON.stringify(o.customTimeouts)]);
  if (o.import) out.push(["import", JSON.stringify(o.import)]);
  if (o.deletedWith) {
    const [first] = vars([o.deletedWith]);
    if (first) out.push(["deletedWith", first]);
  }
  if (r.provider) out.push(["provider", ctx.variables.get(providerUrn(r.provider)) ?? JSON.stringify(r.provider)]);
  const aliases = aliasesOf(r, ctx);
  if (aliases.length) out.push(["aliases", `[${aliases.join(", ")}]`]);
  return out;
}

/**
 * The aliases that move a resource from under its Freehold parent to the top
 * level: its URN under the parent (`{ parent: <parent URN> }`, which the engine
 * resolves to `<parent type>$<type>::<name>`), any rename Freehold itself
 * declared (an alias with a name), and the URNs it inherits from aliased
 * ancestors. The SDK's own type aliases come with the SDK classes.
 */
function aliasesOf(r: PlannedResource, ctx: OptionContext): string[] {
  const parent = ctx.byUrn.get(r.parent);
  if (!parent || parent.type === ROOT_STACK_TYPE) return [];
  const parentVar = ctx.componentUrnOf(parent);
  const out = [`{ parent: ${parentVar} }`];
  for (const raw of r.options.aliases ?? []) {
    const a = recordedAlias(raw);
    if (!a || "urn" in a || !a.spec.name || a.spec.name === r.name) continue;
    out.push(`{ name: ${JSON.stringify(a.spec.name)}${a.spec.type ? `, type: ${JSON.stringify(a.spec.type)}` : ""}, parent: ${parentVar} }`);
  }
  for (const u of inheritedAliases(r, ctx)) {
    const p = parseUrn(u);
    if (p) out.push(`urn(${JSON.stringify(p.qualifiedType)}, ${JSON.stringify(p.name)})`);
  }
  return [...new Set(out)];
}

/** The engine's aliases for a child of an aliased parent (step_generator.go, `inheritedChildAlias`), in real URNs. */
function inheritedAliases(r: PlannedResource, ctx: OptionContext): string[] {
  const parent = ctx.byUrn.get(r.parent);
  if (!parent || parent.type === ROOT_STACK_TYPE) return [];
  const real = (x: PlannedResource) => engineUrn(ctx.stack, ctx.project, qualifiedType(x, ctx.byUrn), x.name);
  const grand = ctx.byUrn.get(parent.parent);
  const parentAliases = (parent.options.aliases ?? [])
    .map(recordedAlias)
    .filter((a): a is NonNullable<typeof a> => a !== undefined)
    .map((a) => {
      const spec = "urn" in a ? a : { spec: { ...a.spec, parentUrn: a.spec.parentUrn && ctx.byUrn.has(a.spec.parentUrn) ? real(ctx.byUrn.get(a.spec.parentUrn) as PlannedResource) : a.spec.parentUrn } };
      return aliasUrn(spec, { name: parent.name, type: parent.type, parentUrn: grand && grand.type !== ROOT_STACK_TYPE ? real(grand) : undefined }, ctx.stack, ctx.project);
    })
    .filter((u) => u !== real(parent));
  return parentAliases.map((a) => {
    const p = parseUrn(a);
    if (!p) return a;
    const name = r.name.startsWith(parent.name) ? p.name + r.name.slice(parent.name.length) : r.name;
    return engineUrn(ctx.stack, ctx.project, `${p.qualifiedType}$${r.type}`, name);
  });
}

/**
 * Entries that every resource with an input of that name carries alike (the
 * stack's tags, say), written once: `tags: { ...tags, Name: "..." }`. Only
 * literal entries, only where at least three resources share at least two.
 */
function shareCommonEntries(resources: ProgramResource[], names: Names): Shared[] {
  const shared: Shared[] = [];
  const keys = new Set(resources.flatMap((r) => r.inputs.map(([k]) => k)));
  for (const key of keys) {
    const objects = resources.flatMap((r) => r.inputs.filter(([k, e]) => k === key && e.kind === "object").map(([, e]) => e as Extract<Expr, { kind: "object" }>));
    if (objects.length < 3) continue;
    const [first, ...others] = objects;
    const common = (first?.entries ?? []).filter(([k, v]) => v.kind === "literal" && others.every((o) => o.entries.some(([k2, v2]) => k2 === k && v2.kind === "literal" && v2.value === v.value)));
    if (common.length < 2) continue;
    const variable = names.take(camel(key), "shared");
    const commonKeys = new Set(common.map(([k]) => k));
    for (const o of objects) replaceNode(o, { kind: "spread", variable, entries: o.entries.filter(([k]) => !commonKeys.has(k)) });
    shared.push({ variable, input: key, entries: common, count: objects.length });
  }
  return shared;
}

/** A JSON value (from a state file) as a literal expression. */
function jsonExpr(v: unknown): Expr {
  if (Array.isArray(v)) return { kind: "array", items: v.map(jsonExpr) };
  if (v && typeof v === "object") return { kind: "object", entries: Object.entries(v).map(([k, x]) => [k, jsonExpr(x)]) };
  return literal(typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : null);
}

/** Pulumi's marker for a secret in a state file: its value is ciphertext, never usable here. */
const isStateSecret = (v: unknown): boolean => JSON.stringify(v ?? null).includes("4dabf18193072939515e22adb298388d");

/**
 * Check the program against the deployed stack and take from it the values
 * eject cannot trace. Problems: the state is another stack's, or holds cloud
 * resources the program does not register (`pulumi up` would delete them).
 * A planned resource the stack does not have yet is a note (it would be created).
 */
function useDeployedState(resources: ProgramResource[], deployed: DeployedState, realUrns: ReadonlyMap<string, string>, notes: string[]): string[] {
  const problems: string[] = [];
  const claimed = new Set<string>();
  const anyUrn = [...realUrns.values()][0];
  const prefix = anyUrn ? anyUrn.slice(0, anyUrn.indexOf("::", anyUrn.indexOf("::") + 2) + 2) : "";
  if (deployed.size && prefix && ![...deployed.keys()].some((u) => u.startsWith(prefix))) {
    const other = parseUrn([...deployed.keys()][0] as string);
    const wanted = parseUrn(anyUrn as string);
    problems.push(`--state is Pulumi stack "${other?.stack}" of project "${other?.project}", but the plan is stack "${wanted?.stack}" of project "${wanted?.project}": give --stack ${other?.stack} or the state of stack ${wanted?.stack}`);
    return problems;
  }
  for (const r of resources) {
    const urn = realUrns.get(r.plan.urn) as string;
    const d = deployed.get(urn);
    if (!d) {
      notes.push(`${r.plan.name} (${r.plan.type}) is not in the deployed stack (${urn}): \`pulumi up\` will create it. Was the stack's last \`pulumi up\` made with this version of Freehold?`);
      continue;
    }
    claimed.add(urn);
    for (const u of r.unresolved) {
      const value = d.inputs?.[u.input];
      if (u.partial || value === undefined || isStateSecret(value)) continue;
      const at = r.inputs.findIndex(([k]) => k === u.input);
      if (at >= 0) r.inputs[at] = [u.input, jsonExpr(value)];
      u.deployed = true;
    }
  }
  for (const [urn, d] of deployed) {
    if (claimed.has(urn)) continue;
    problems.push(`the deployed stack has ${d.type} "${parseUrn(urn)?.name ?? urn}" (${urn}), which the program would not register, so \`pulumi up\` would delete it: run \`pulumi up\` with Freehold first, so that the stack is what Freehold plans now`);
  }
  return problems;
}

/** The literal strings in an expression (whole literals and the literal parts of templates). */
function literalsOf(e: Expr): string[] {
  return [...walk(e)].flatMap((x) => (x.kind === "literal" && typeof x.value === "string" ? [x.value] : x.kind === "template" ? x.parts.filter((p): p is string => typeof p === "string") : []));
}

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

/**
 * Resources and invokes in an order that reads well and runs: groups in order
 * (the platform first), plan order inside a group, but never before what it
 * reads (a resource of one group may need another group's first); an invoke
 * just before the first resource that reads it.
 */
function order(resources: ProgramResource[], calls: ProgramCall[], groups: Group[]): Program["body"] {
  type Node = { id: string; reads: Set<string>; item: Program["body"][number] };
  const resourceNodes: Node[] = resources
    .map((r, i) => ({ r, rank: groups.indexOf(r.group) * 1e6 + i }))
    .sort((a, b) => a.rank - b.rank)
    .map(({ r }) => ({ id: r.plan.urn, reads: r.reads, item: { kind: "resource" as const, value: r } }));
  const callNodes = new Map<string, Node>(calls.map((c) => [c.id, { id: c.id, reads: c.reads, item: { kind: "call" as const, value: c } }]));
  const ids = new Set([...resourceNodes.map((n) => n.id), ...callNodes.keys()]);
  const done = new Set<string>();
  const out: Program["body"] = [];
  const unmet = (n: Node) => [...n.reads].filter((id) => ids.has(id) && id !== n.id && !done.has(id));
  /** The invokes to emit first so that `n` can follow, or undefined if `n` waits on a resource. */
  const callsFirst = (n: Node, seen = new Set<string>()): Node[] | undefined => {
    const first: Node[] = [];
    for (const id of unmet(n)) {
      const c = callNodes.get(id);
      if (!c) return undefined;
      if (seen.has(id)) continue;
      seen.add(id);
      const before = callsFirst(c, seen);
      if (!before) return undefined;
      first.push(...before, c);
    }
    return first;
  };
  const pending = [...resourceNodes];
  while (pending.length) {
    let at = pending.findIndex((n) => callsFirst(n) !== undefined);
    if (at < 0) at = 0;
    const n = pending.splice(at, 1)[0] as Node;
    for (const c of callsFirst(n) ?? []) {
      if (done.has(c.id)) continue;
      done.add(c.id);
      out.push(c.item);
    }
    done.add(n.id);
    out.push(n.item);
  }
  for (const c of callNodes.values()) if (!done.has(c.id)) out.push(c.item);
  return out;
}

export { SECRET, literal, sourceId };
