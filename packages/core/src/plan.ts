/**
 * Run a Freehold program under Pulumi's mock runtime and record every resource
 * registration: type, name, parent, inputs and the options that matter. This is
 * the engine of `freehold plan`, and what the tests assert on.
 *
 * The mock runtime never passes resource options to mocks, so a stack
 * transformation registered inside `runInPulumiStack` records them.
 */

import type { Cloud } from "@freehold/model";
import * as pulumi from "@pulumi/pulumi";
import type { Backend } from "./backend";
import { type ComponentRecord, onComponent } from "./components";
import { loadBackend, mocksByPackage } from "./loader";
import { variedMocks } from "./mock-vary";
import { whilePlanning } from "./rules";

export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent (the stack's URN for top-level resources). */
  parent: string;
  /** True for cloud resources, false for components. */
  custom: boolean;
  /** Inputs as registered; secrets shown as "[secret]". Keys sorted. */
  inputs: Record<string, unknown>;
  /**
   * The resource options the Pulumi engine receives, as it receives them
   * (inherited values included: `protect` from a protected parent, the provider
   * from a parent's `providers`). Optional fields appear only when set.
   */
  options: PlannedOptions;
  /** For a cloud resource: `<provider URN>::<id>` of an explicit provider; absent when it uses the default provider. */
  provider?: string;
  /** Every resource this one waits for (its inputs' resources and `dependsOn`), by URN, sorted. */
  dependencies: string[];
  /** Per input property, the resources its value comes from, by URN: what the engine uses to order operations and to know which inputs change when a resource is replaced. */
  propertyDependencies: Record<string, string[]>;
}

export interface PlannedOptions {
  protect: boolean;
  retainOnDelete: boolean;
  /** Explicit `dependsOn`, by URN. */
  dependsOn: string[];
  /** As the program set it: absent when unset (the provider decides), `false` when the program overrides a provider that asks for delete-before-replace. */
  deleteBeforeReplace?: boolean;
  ignoreChanges?: string[];
  replaceOnChanges?: string[];
  /** Aliases, as URNs or `{ name, type, parent... }` specs. */
  aliases?: unknown[];
  /** The id of an existing cloud resource this one adopts (`import`). */
  import?: string;
  /** URN of the resource whose deletion deletes this one (`deletedWith`). */
  deletedWith?: string;
  customTimeouts?: { create?: string; update?: string; delete?: string };
}

/** What the engine is told about one registration, read off the request the SDK sends. */
interface Registration {
  provider: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  protect: boolean;
  retainOnDelete: boolean;
  /** Undefined when the program left it to the provider; `false` only when the program said so (the engine then overrides the provider's request). */
  deleteBeforeReplace: boolean | undefined;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  aliases: unknown[];
  importId: string;
  deletedWith: string;
  customTimeouts?: { create?: string; update?: string; delete?: string };
}

export interface MockRun {
  resources: PlannedResource[];
  components: ComponentRecord[];
  /** Invokes the program made, e.g. aws:index/getAvailabilityZones:getAvailabilityZones. */
  invokes: string[];
  /** The same invokes with the provider each went to (`<provider URN>::<id>`; "" for the default provider). */
  invokeProviders: Array<{ token: string; provider: string }>;
  /** Stack outputs the program exported, secrets shown as "[secret]". */
  outputs: Record<string, unknown>;
  /** The values behind the plan, recorded when `MockRunOptions.values` asks (`freehold eject` reads them). */
  values?: MockValues;
  /**
   * Strings the mocks made up (ids, ARNs, endpoints, addresses, certificate validation records): what only
   * the deployment will tell. An output holding one is a placeholder in every report.
   */
  invented: string[];
}

/**
 * The mock values a run saw, unredacted: under mocks every value is the mocks'
 * own (no real secret exists), and these are what let a reader find where an
 * input's value came from (another resource's output, an invoke's result).
 */
export interface MockValues {
  /** Per resource URN: the id and outputs the mocks returned, and the inputs with secret values shown. */
  resources: Record<string, { id: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }>;
  /** Every invoke in the order made: token, arguments, the provider it went to (`<provider URN>::<id>`, "" for the default) and the mocks' result. */
  calls: Array<{ token: string; inputs: Record<string, unknown>; provider: string; outputs: Record<string, unknown> }>;
  /** The stack outputs with secret values shown. */
  outputs: Record<string, unknown>;
}

export interface MockRunOptions {
  /** The Pulumi project (`pulumi.getProject()`). @default "freehold" */
  project?: string;
  /** The Pulumi stack (`pulumi.getStack()`): part of every physical name. @default "dev" */
  stack?: string;
  /** Pulumi config, e.g. { "freehold:cloud": "aws" }. `freehold:cloud` is set from `cloud`. */
  config?: Record<string, string>;
  /** Also record the mock values behind the plan (`MockRun.values`). @default false */
  values?: boolean;
  /**
   * Vary every value the mocks make (ids, ARNs, addresses, generated names and
   * passwords, invoke results) to another value of the same shape, keeping what
   * echoes the inputs: compared with a run without it, the planned values that
   * change are the ones made from the mocks' values (`freehold eject` never
   * writes those out). @default false
   */
  vary?: boolean;
}

export const SECRET = "[secret]";

/** Run `program` under mocks for one cloud and record what it registers. */
export async function runWithMocks(cloud: Cloud, program: () => unknown | Promise<unknown>, options: MockRunOptions = {}): Promise<MockRun> {
  // The Pulumi SDK captures a stack trace for every promise and every resource (leak diagnostics, source
  // positions); under mocks formatting them is most of a plan's time (the example on AWS: 200 ms with the
  // default limit, 58 ms without). Plans record neither, so traces are off while planning;
  // FREEHOLD_STACK_TRACES=1 keeps them for debugging a program.
  const traceLimit = Error.stackTraceLimit;
  const traces = process.env.FREEHOLD_STACK_TRACES === "1";
  if (!traces) Error.stackTraceLimit = 0;
  // Each resource's constructor also takes its source position from a full stack trace of its own (SDK 3.2xx:
  // `Resource.stackTrace`, with the limit lifted to Infinity for it), formatted and parsed line by line: about 8%
  // of a plan's CPU (Azure, 40 random stacks). The mocks never see positions and a plan records none.
  const resource = pulumi.Resource as unknown as { stackTrace?: (skip: number) => unknown[] };
  const stackTrace = resource.stackTrace;
  if (!traces && typeof stackTrace === "function") resource.stackTrace = noSourcePositions;
  try {
    // The planner checks the whole plan against the rule book; components leave it to it (rules.ts).
    return await whilePlanning(() => record(cloud, program, options));
  } finally {
    Error.stackTraceLimit = traceLimit;
    if (!traces && typeof stackTrace === "function") resource.stackTrace = stackTrace;
  }
}

/** In place of `Resource.stackTrace` while planning: no frames, so no source position is sent. */
function noSourcePositions(): unknown[] {
  return [];
}

async function record(cloud: Cloud, program: () => unknown | Promise<unknown>, options: MockRunOptions): Promise<MockRun> {
  const backend = loadBackend(cloud);
  const project = options.project ?? "freehold";
  const stack = options.stack ?? "dev";
  const inputsByKey = new Map<string, Record<string, unknown>[]>();
  const invokes: string[] = [];
  const invokeProviders: Array<{ token: string; provider: string }> = [];
  const seenValues: SeenValues | undefined = options.values ? { states: new Map(), calls: [] } : undefined;
  const strings: MockStrings = { given: new Set(), made: new Set() };
  pulumi.runtime.setAllConfig({ ...options.config, "freehold:cloud": cloud }, []);
  const byPackage = mocksByPackage(backend);
  const mocks = options.vary ? variedMocks(byPackage, Object.values(options.config ?? {})) : byPackage;
  await pulumi.runtime.setMocks(mocksFor(mocks, inputsByKey, invokes, invokeProviders, strings, seenValues), project, stack, false);
  const registrations = recordRegistrations();

  const seen: Array<{ resource: pulumi.Resource; type: string; name: string; opts: pulumi.ResourceOptions; secrets: Promise<string[][]> }> = [];
  const components: ComponentRecord[] = [];
  const stop = onComponent((c) => components.push(c));
  let exported: unknown = {};
  let failure: { error: unknown } | undefined;
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation((args) => {
        seen.push({ resource: args.resource, type: args.type, name: args.name, opts: args.opts, secrets: secretPaths(args.props) });
        return undefined;
      });
      // Keep the program's own Outputs: the stack's resolved outputs have lost their secret flags.
      // A failure is kept and rethrown after the stack completes, so Pulumi's own promises never reject unhandled.
      try {
        exported = (await program()) ?? {};
      } catch (e) {
        failure = { error: e };
      }
      return {};
    });
    if (failure) throw failure.error;
  } catch (e) {
    // Let registrations already in flight reach this run's mocks before the caller starts another run:
    // otherwise they land on the next run's mock monitor ("unknown resource").
    await drainRpcs();
    throw e;
  } finally {
    stop();
  }

  // A resource's URN resolves only once its registration has reached the mocks; wait for all of them
  // (resources whose inputs were still Outputs register after the program function returns).
  // A resource registered in a callback (after an invoke, say) may join `seen` meanwhile: wait until no more come.
  let urns: string[] = [];
  while (urns.length < seen.length) urns = await Promise.all(seen.map((s) => urnOf(s.resource)));
  await drainRpcs();
  // Top-level resources are children of the stack, as Pulumi itself records them.
  const stackUrn = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
  const resources: PlannedResource[] = [];
  const taken = new Map<string, number>();
  for (const [i, s] of seen.entries()) {
    const key = `${s.type}::${s.name}`;
    const index = taken.get(key) ?? 0;
    taken.set(key, index + 1);
    const raw = inputsByKey.get(key)?.[index] ?? {};
    const inputs = redact(raw, await s.secrets);
    const dependsOn = await Promise.all((await dependsOnList(s.opts.dependsOn)).map((d) => urnOf(d)));
    const urn = urns[i] as string;
    const reg = registrations.get(urn);
    // isInstance, not instanceof: a program with its own copy of @pulumi/pulumi (an ejected program after
    // `npm install`) makes resources of that copy's classes. Read now: the flag is set once the constructor returns.
    const custom = pulumi.CustomResource.isInstance(s.resource);
    resources.push({
      urn,
      type: s.type,
      name: s.name,
      parent: s.opts.parent ? await urnOf(s.opts.parent) : stackUrn,
      custom,
      inputs: sortKeys(inputs) as Record<string, unknown>,
      options: plannedOptions(reg, s.opts, dependsOn.filter(Boolean).sort()),
      ...(custom && reg?.provider ? { provider: reg.provider } : {}),
      dependencies: reg?.dependencies ?? [],
      propertyDependencies: reg?.propertyDependencies ?? {},
    });
  }
  const outputs = sortKeys(await plainOutputs(exported)) as Record<string, unknown>;
  const invented = [...strings.made].sort();
  if (!seenValues) return { resources, components, invokes, invokeProviders, outputs, invented };
  return { resources, components, invokes, invokeProviders, outputs, invented, values: await mockValues(resources, seenValues, exported) };
}

/**
 * Strings a run's program gave (inputs, invoke arguments) before any mock answered with them, and strings
 * its mocks answered with first: a made-up value passed on to another resource stays made up.
 */
interface MockStrings {
  given: Set<string>;
  made: Set<string>;
}

/** Shorter strings (a region, "true", a port) are too common to mark a value as made up. */
const INVENTED_MIN = 8;

function addStrings(into: Set<string>, unless: Set<string>, value: unknown): void {
  if (typeof value === "string") {
    if (value.length >= INVENTED_MIN && !unless.has(value)) into.add(value);
    // DNS names come with and without their final dot.
    if (value.endsWith(".")) addStrings(into, unless, value.replace(/\.+$/, ""));
  } else if (Array.isArray(value)) for (const v of value) addStrings(into, unless, v);
  else if (value && typeof value === "object") for (const v of Object.values(value)) addStrings(into, unless, v);
}

/**
 * Paths (`url`, `dnsRecords[1].value`) of the string values in `value` that hold a string the mocks made up:
 * placeholders until the stack is deployed.
 */
export function placeholderPaths(value: unknown, invented: readonly string[], path = ""): string[] {
  if (typeof value === "string") return invented.some((s) => value.includes(s)) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholderPaths(v, invented, `${path}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => placeholderPaths(v, invented, path ? `${path}.${k}` : k));
  return [];
}

/** What the mocks saw and answered, per `type::name` in registration order, and every invoke. */
interface SeenValues {
  states: Map<string, Array<{ id: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }>>;
  calls: MockValues["calls"];
}

async function mockValues(resources: PlannedResource[], seen: SeenValues, exported: unknown): Promise<MockValues> {
  const byUrn: MockValues["resources"] = {};
  const taken = new Map<string, number>();
  for (const r of resources) {
    const key = `${r.type}::${r.name}`;
    const index = taken.get(key) ?? 0;
    taken.set(key, index + 1);
    const state = seen.states.get(key)?.[index];
    if (state) byUrn[r.urn] = state;
  }
  return { resources: byUrn, calls: seen.calls, outputs: (await resolveOutputs(exported, "reveal")) as Record<string, unknown> };
}

/**
 * Record what the SDK tells the engine about each registration: the mock
 * runtime hands mocks only type, name and inputs, but the request it receives
 * carries the options and dependencies as the engine would see them.
 */
function recordRegistrations(): Map<string, Registration> {
  const seen = new Map<string, Registration>();
  type Request = {
    getProvider(): string;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (deps: { getUrnsList(): string[] }, key: string) => void): void };
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getDeletebeforereplace(): boolean;
    getDeletebeforereplacedefined(): boolean;
    getIgnorechangesList(): string[];
    getReplaceonchangesList(): string[];
    getAliasesList(): Array<{ toObject(): unknown }>;
    getImportid(): string;
    getDeletedwith(): string;
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  };
  type Monitor = { registerResource(req: Request, callback: (err: unknown, res?: { getUrn(): string }) => void): unknown };
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor | undefined;
  if (!monitor) return seen;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, res) => {
      if (!err && res) {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps, key) => {
          const urns = deps.getUrnsList().filter(Boolean);
          if (urns.length) propertyDependencies[key] = [...new Set(urns)].sort();
        });
        const t = req.getCustomtimeouts();
        const timeouts = t ? Object.fromEntries(Object.entries({ create: t.getCreate(), update: t.getUpdate(), delete: t.getDelete() }).filter(([, v]) => v)) : {};
        seen.set(res.getUrn(), {
          provider: req.getProvider(),
          dependencies: [...new Set(req.getDependenciesList().filter(Boolean))].sort(),
          propertyDependencies: sortKeys(propertyDependencies) as Record<string, string[]>,
          protect: req.getProtect(),
          retainOnDelete: req.getRetainondelete(),
          deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
          ignoreChanges: req.getIgnorechangesList(),
          replaceOnChanges: req.getReplaceonchangesList(),
          aliases: req.getAliasesList().map((a) => a.toObject()),
          importId: req.getImportid(),
          deletedWith: req.getDeletedwith(),
          ...(Object.keys(timeouts).length ? { customTimeouts: timeouts } : {}),
        });
      }
      callback(err, res);
    });
  return seen;
}

/** The options a plan shows: the engine's view where the request was seen, else the options the program passed. */
function plannedOptions(reg: Registration | undefined, opts: pulumi.ResourceOptions, dependsOn: string[]): PlannedOptions {
  if (!reg) return { protect: opts.protect === true, retainOnDelete: opts.retainOnDelete === true, dependsOn };
  return {
    protect: reg.protect,
    retainOnDelete: reg.retainOnDelete,
    dependsOn,
    ...(reg.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: reg.deleteBeforeReplace } : {}),
    ...(reg.ignoreChanges.length ? { ignoreChanges: [...reg.ignoreChanges].sort() } : {}),
    ...(reg.replaceOnChanges.length ? { replaceOnChanges: [...reg.replaceOnChanges].sort() } : {}),
    ...(reg.aliases.length ? { aliases: reg.aliases } : {}),
    ...(reg.importId ? { import: reg.importId } : {}),
    ...(reg.deletedWith ? { deletedWith: reg.deletedWith } : {}),
    ...(reg.customTimeouts ? { customTimeouts: reg.customTimeouts } : {}),
  };
}

/** Wait (bounded) for the Pulumi runtime's queue of RPCs to drain. */
async function drainRpcs(): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (!runtime.waitForRPCs) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    runtime.waitForRPCs().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 2000);
    }),
  ]);
  if (timer) clearTimeout(timer);
}

function mocksFor(
  mocks: Backend["mocks"] | ReturnType<typeof variedMocks>,
  inputsByKey: Map<string, Record<string, unknown>[]>,
  invokes: string[],
  invokeProviders: Array<{ token: string; provider: string }>,
  strings: MockStrings,
  values?: SeenValues,
): pulumi.runtime.Mocks {
  return {
    newResource(args) {
      const key = `${args.type}::${args.name}`;
      const list = inputsByKey.get(key) ?? [];
      list.push(args.inputs as Record<string, unknown>);
      inputsByKey.set(key, list);
      const fallbackId = args.custom ? `${args.name}-id` : "";
      const extra = args.custom ? mocks.outputs(args.type, args.name, args.inputs as Record<string, unknown>, fallbackId) : {};
      // A backend may give a realistic id (an ARN-style or ARM id) as `id` in its outputs.
      const id = typeof extra.id === "string" && extra.id ? extra.id : "id" in mocks && args.custom ? mocks.id(fallbackId) : fallbackId;
      const state = { ...args.inputs, ...extra };
      addStrings(strings.given, strings.made, args.inputs);
      addStrings(strings.made, strings.given, [extra, id]);
      if (values) {
        const states = values.states.get(key) ?? [];
        states.push({ id, inputs: revealed(args.inputs), outputs: revealed(state) });
        values.states.set(key, states);
      }
      return { id, state };
    },
    call(args) {
      invokes.push(args.token);
      invokeProviders.push({ token: args.token, provider: args.provider ?? "" });
      const result = mocks.call(args.token, args.inputs as Record<string, unknown>);
      addStrings(strings.given, strings.made, args.inputs);
      addStrings(strings.made, strings.given, result);
      values?.calls.push({ token: args.token, inputs: revealed(args.inputs), provider: args.provider ?? "", outputs: revealed(result) });
      return result;
    },
  };
}

/** A mock value with Pulumi's secret wrappers replaced by the values they wrap. */
const revealed = (value: unknown): Record<string, unknown> => unwrapMarked(value, [], []) as Record<string, unknown>;

function asArray<T>(v: pulumi.Input<pulumi.Input<T>[]> | pulumi.Input<T> | undefined): T[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]) as T[];
}

/** `dependsOn` as Pulumi takes it (a resource, a list, or a promise or Output of either): the resources. */
async function dependsOnList(v: pulumi.ResourceOptions["dependsOn"]): Promise<unknown[]> {
  const outer = pulumi.Output.isInstance(v) ? await new Promise<unknown>((resolve) => (v as pulumi.Output<unknown>).apply(resolve)) : await v;
  return Promise.all(asArray(outer as pulumi.Input<pulumi.Input<unknown>[]>).map((d) => (pulumi.Output.isInstance(d) ? new Promise<unknown>((resolve) => d.apply(resolve)) : d)));
}

function urnOf(resource: unknown): Promise<string> {
  if (!pulumi.Resource.isInstance(resource)) return Promise.resolve("");
  return new Promise((resolve) => resource.urn.apply((u) => resolve(u)));
}

/** Paths (as key lists) of secret Outputs in a resource's raw props. */
async function secretPaths(props: unknown, path: string[] = []): Promise<string[][]> {
  if (pulumi.Output.isInstance(props)) {
    const internal = props as unknown as { isSecret: Promise<boolean> };
    return (await internal.isSecret) ? [path] : [];
  }
  if (Array.isArray(props)) return (await Promise.all(props.map((v, i) => secretPaths(v, [...path, String(i)])))).flat();
  if (props && typeof props === "object" && !pulumi.Resource.isInstance(props)) {
    return (await Promise.all(Object.entries(props).map(([k, v]) => secretPaths(v, [...path, k])))).flat();
  }
  return [];
}

/** Pulumi's wire marker for a secret value nested in an input object. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Replace Pulumi's secret wrappers by their values, noting where each was. */
function unwrapMarked(value: unknown, path: string[], marked: string[][]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => unwrapMarked(v, [...path, String(i)], marked));
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[SECRET_SIG] === SECRET_VALUE) {
      marked.push(path);
      return unwrapMarked(o.value, path, marked);
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapMarked(v, [...path, k], marked)]));
  }
  return value;
}

const startsWith = (p: string[], prefix: string[]) => prefix.every((seg, i) => p[i] === seg);

/**
 * Redact secrets in recorded inputs. The wire marks a whole top-level input
 * secret when any value inside it is; the secret paths found in the raw props
 * say exactly which values were secret, so only those are hidden. A marked
 * input with no finer path is hidden whole.
 */
function redact(raw: Record<string, unknown>, paths: string[][]): Record<string, unknown> {
  const marked: string[][] = [];
  const inputs = unwrapMarked(raw, [], marked) as Record<string, unknown>;
  const all = [...paths, ...marked.filter((m) => !paths.some((p) => startsWith(p, m)))];
  if (!all.length) return inputs;
  for (const p of all) {
    if (p.length === 0) return { [SECRET]: SECRET };
    let node: unknown = inputs;
    for (const seg of p.slice(0, -1)) node = node && typeof node === "object" ? (node as Record<string, unknown>)[seg] : undefined;
    const last = p[p.length - 1] as string;
    if (node && typeof node === "object" && last in (node as object)) (node as Record<string, unknown>)[last] = SECRET;
  }
  return inputs;
}

/** Resolve Outputs (recursively) to plain values, secrets as "[secret]". Only meaningful under mocks or after deployment. */
export function plainOutputs(value: unknown): Promise<unknown> {
  return resolveOutputs(value, "redact");
}

/** Resolve Outputs (recursively) to plain values; secret ones shown as "[secret]", or revealed (for mock values only). */
async function resolveOutputs(value: unknown, secrets: "redact" | "reveal"): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const internal = value as unknown as { isSecret: Promise<boolean> };
    if (secrets === "redact" && (await internal.isSecret)) return SECRET;
    return resolveOutputs(await new Promise((resolve) => value.apply(resolve)), secrets);
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolveOutputs(v, secrets)));
  if (pulumi.Resource.isInstance(value)) return undefined;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await resolveOutputs(v, secrets);
    return out;
  }
  return value;
}

/** Objects with keys sorted, recursively: stable JSON across runs. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
