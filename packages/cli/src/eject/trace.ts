/**
 * Where each input value came from. The plan is made twice: once under the
 * backend's mocks, once with every value the mocks make varied (core's
 * `runWithMocks({ vary: true })`). A value that is the same in both runs is the
 * program's own (a literal, a config value, a name a resource echoes); a value
 * that differs was made from a mock's value, and must be read from the output
 * that made it: never written out, since a real deployment has another value there.
 *
 * Per string, eject looks for the parts that are outputs of the input's
 * dependencies (or of the invokes the program made) in both runs at once: a
 * part is a reference only where the output has that value in the first run
 * and its varied value at the same place in the second, so of two outputs
 * equal under the mocks (a project's `name` and `projectId`) only the one the
 * value came from fits. The rest must be the same in both runs, or the value
 * cannot be traced: then it is *untraceable*, and the program asks for it as
 * config rather than invent it (docs/eject.md).
 *
 * Then a dependency not read yet is looked for among its outputs that are the
 * same in both runs (names it echoes back) in the literal parts left, so the
 * program keeps the dependency; never the program's own values (the region):
 * a region is the config `region`, not some resource's `region` output. A
 * dependency still not found is reported: the value is right, the dependency is lost.
 */
import type { MockValues, PlannedResource } from "@freehold/core";
import { SECRET, scramVerifier } from "@freehold/core";
import { type Expr, literal, replaceNode, type Step, sourcesOf, stringOf, walk } from "./expr";

/** A value the program itself holds (not varied) shorter than this is too likely to occur by chance to be read as a reference. */
const MIN_LENGTH = 6;

export type SourceRef = { kind: "resource"; urn: string } | { kind: "call"; index: number };

export const sourceId = (s: SourceRef): string => (s.kind === "resource" ? s.urn : `call:${s.index}`);

/** The two runs: under the backend's mocks, and with every value the mocks make varied. */
export interface Worlds {
  a: MockValues;
  b: MockValues;
}

/** A PostgreSQL SCRAM-SHA-256 verifier (`SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`), its iteration count captured. */
const SCRAM_VERIFIER = /SCRAM-SHA-256\$([1-9][0-9]{0,6}):[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*/g;

/** The verifier Freehold makes of a value, or undefined for a value it makes none of. */
function verifierOf(value: string, iterations: number): string | undefined {
  try {
    return scramVerifier(value, iterations);
  } catch {
    return undefined;
  }
}

interface Candidate<T = string> {
  source: SourceRef;
  id: string;
  path: Step[];
  value: T;
  /** The same output in the varied run. */
  valueB: T;
  /** The value is one of the source's own inputs, echoed back (a name), not one the cloud made. */
  echo: boolean;
  /** Position in the ranking (lower is better). */
  rank: number;
  /** The string is the SCRAM verifier of this output (a database role's generated password), not the output itself. */
  scram?: boolean;
}

const made = (c: Candidate<unknown>) => c.value !== c.valueB;

export interface TraceOptions {
  /** Values that are the program's own wherever they appear (the region, config values): never references. */
  literals: ReadonlySet<string>;
  /** The variable that will hold a source. */
  variable(source: SourceRef): string;
  /** Whether the program can read this property of a source (declared outputs); false keeps it from being a reference. */
  readable(source: SourceRef, property: string): boolean;
  /** Whether a source's property may be undefined (reading inside it needs an `apply`). @default never */
  optional?(source: SourceRef, property: string): boolean;
}

/** A value (or part of one) made from the mocks' values in a way eject cannot reproduce. */
export interface Untraceable {
  /** The expression standing for it (a literal holding the planned value), to be replaced. */
  node: Expr;
  /** Where it is inside the input: keys, indexes, and `{ json: true }` for a JSON document in a string. */
  path: Step[];
  /** The planned value (the mocks'). */
  value: unknown;
  /** Inside a secret. */
  secret: boolean;
  /** Not one value but a structure whose shape depends on the mocks' values (an array's length): cannot be config. */
  structural: boolean;
}

export interface Traced {
  expr: Expr;
  /** Dependencies (URNs) the value was made from that no output could be found for. */
  unresolved: string[];
  /** Parts of the value no output explains in both runs. */
  untraceable: Untraceable[];
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** The candidates for one input: strings, and whole numbers the mocks made. */
interface Pool {
  strings: Candidate[];
  numbers: Array<Candidate<number>>;
}

/** The whole numbers of a value in both runs, by path (not inside JSON documents). */
function numbersOf(a: unknown, b: unknown, path: Step[]): Array<{ path: Step[]; value: number; valueB: number }> {
  if (typeof a === "number" && typeof b === "number") return [{ path, value: a, valueB: b }];
  if (Array.isArray(a)) return a.flatMap((v, i) => numbersOf(v, Array.isArray(b) ? b[i] : undefined, [...path, i]));
  if (a && typeof a === "object") return Object.entries(a).flatMap(([k, v]) => numbersOf(v, b && typeof b === "object" ? (b as Record<string, unknown>)[k] : undefined, [...path, k]));
  return [];
}

function flatten(value: unknown, path: Step[], out: Array<{ path: Step[]; value: string }>, documents = false): void {
  if (typeof value === "string") {
    out.push({ path, value });
    // An output holding a JSON document (a secret's JSON, say): its values can be read too.
    const doc = documents ? jsonDocument(value) : undefined;
    if (doc && typeof doc.value === "object" && doc.value !== null) flatten(doc.value, [...path, { json: true }], out, false);
  } else if (Array.isArray(value)) for (const [i, v] of value.entries()) flatten(v, [...path, i], out, documents);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) flatten(v, [...path, k], out, documents);
}

/** Every string in a value, the values of JSON documents in it included. */
const stringsIn = (value: unknown): string[] => {
  const out: Array<{ path: Step[]; value: string }> = [];
  flatten(value, [], out, true);
  return out.map((l) => l.value);
};

/** A JSON document encoded in a string exactly as JSON.stringify writes it (compact or indented), else undefined. */
function jsonDocument(s: string): { value: Json; indent: number } | undefined {
  const t = s.trimStart();
  if (!t.startsWith("{") && !t.startsWith("[")) return undefined;
  let value: Json;
  try {
    value = JSON.parse(s) as Json;
  } catch {
    return undefined;
  }
  for (const indent of [0, 2, 4]) if (JSON.stringify(value, null, indent || undefined) === s) return { value, indent };
  return undefined;
}

/** The value at a path inside an output (a JSON step reads the string as the document it encodes). */
function valueAt(root: unknown, path: readonly Step[]): unknown {
  let cur = root;
  for (const step of path) {
    if (typeof step === "object") {
      cur = typeof cur === "string" ? jsonDocument(cur)?.value : undefined;
      continue;
    }
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[step];
  }
  return cur;
}

/** Better candidates first: resources before invokes, made values before echoes, shorter paths, then by path. */
function compare(a: Omit<Candidate, "rank">, b: Omit<Candidate, "rank">): number {
  return (
    Number(a.source.kind === "call") - Number(b.source.kind === "call") ||
    Number(a.echo) - Number(b.echo) ||
    a.path.length - b.path.length ||
    a.path.join(".").localeCompare(b.path.join(".")) ||
    a.id.localeCompare(b.id)
  );
}

/** A string's cover found so far: literal characters, references, rank of the references; lower is better. */
type Cost = [number, number, number];
const cheaper = (x: Cost, y: Cost) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];

export class Tracer {
  private readonly byUrn: Map<string, PlannedResource>;
  private readonly candidates = new Map<string, Candidate[]>();
  /** Whole-number outputs the mocks made (they differ in the varied run), per source. */
  private readonly numbers = new Map<string, Array<Candidate<number>>>();
  private readonly leaves: Array<{ urn: string; key: string; value: string }> = [];
  private readonly distinctive = new Map<string, boolean>();
  /** Invokes by index, duplicates (same token, arguments and provider) mapped to the first. */
  readonly calls: Array<{ index: number; token: string; inputs: Record<string, unknown>; provider: string }> = [];
  private readonly callArgs = new Map<number, Traced>();
  private rankCounter = 0;

  constructor(
    resources: readonly PlannedResource[],
    private readonly worlds: Worlds,
    private readonly opts: TraceOptions,
  ) {
    this.byUrn = new Map(resources.map((r) => [r.urn, r]));
    for (const r of resources) {
      const inputs = worlds.a.resources[r.urn]?.inputs ?? {};
      for (const [key, v] of Object.entries(inputs)) for (const value of stringsIn(v)) this.leaves.push({ urn: r.urn, key, value });
    }
    const seen = new Map<string, number>();
    worlds.a.calls.forEach((c, index) => {
      const key = `${c.token} ${c.provider ?? ""} ${JSON.stringify(c.inputs)}`;
      if (seen.has(key)) return;
      seen.set(key, index);
      this.calls.push({ index, token: c.token, inputs: c.inputs, provider: c.provider ?? "" });
    });
  }

  /** Trace one input of a resource: its value in both runs (unredacted), as the plan shows it (secrets redacted), and its dependencies. */
  input(urn: string, key: string, planned: unknown, deps: readonly string[]): Traced {
    const sources: SourceRef[] = [...deps.filter((d) => this.byUrn.has(d)).map((u) => ({ kind: "resource" as const, urn: u })), ...this.calls.map((c) => ({ kind: "call" as const, index: c.index }))];
    const untraceable: Untraceable[] = [];
    const expr = this.build(this.worlds.a.resources[urn]?.inputs[key], this.worlds.b.resources[urn]?.inputs[key], planned, this.poolOf(sources), [], false, untraceable);
    return { expr, unresolved: this.cover(expr, deps, untraceable), untraceable };
  }

  /** Trace a value with no dependency information (an invoke's arguments, a stack output): outputs of every resource, and of invokes made before. */
  anywhere(a: unknown, b: unknown, planned: unknown, before?: number): Traced {
    const sources: SourceRef[] = [
      ...[...this.byUrn.keys()].map((urn) => ({ kind: "resource" as const, urn })),
      ...this.calls.filter((c) => before === undefined || c.index < before).map((c) => ({ kind: "call" as const, index: c.index })),
    ];
    const untraceable: Untraceable[] = [];
    return { expr: this.build(a, b, planned, this.poolOf(sources), [], false, untraceable), unresolved: [], untraceable };
  }

  /** An invoke's arguments, traced once. */
  argumentsOf(index: number): Traced {
    let t = this.callArgs.get(index);
    if (!t) {
      const call = this.calls.find((c) => c.index === index);
      t = this.anywhere(call?.inputs ?? {}, this.worlds.b.calls[index]?.inputs ?? {}, undefined, index);
      this.callArgs.set(index, t);
    }
    return t;
  }

  /** The provider (`<URN>::<id>`) an invoke went to; "" for the default provider. */
  providerOf(index: number): string {
    return this.calls.find((c) => c.index === index)?.provider ?? "";
  }

  /** The resources an expression reads, directly or through the invokes it reads (their arguments and providers). */
  resourcesRead(e: Expr, seen = new Set<number>()): Set<string> {
    const out = new Set<string>();
    for (const id of sourcesOf(e)) {
      if (!id.startsWith("call:")) {
        out.add(id);
        continue;
      }
      const index = Number(id.slice(5));
      if (seen.has(index)) continue;
      seen.add(index);
      for (const urn of this.resourcesRead(this.argumentsOf(index).expr, seen)) out.add(urn);
      const provider = this.providerOf(index);
      if (provider) out.add(provider.slice(0, provider.lastIndexOf("::")));
    }
    return out;
  }

  private rootOf(source: SourceRef, world: MockValues): { root: Record<string, unknown>; own: unknown } {
    if (source.kind === "resource") {
      const v = world.resources[source.urn];
      return { root: { ...(v?.outputs ?? {}), ...(v?.id ? { id: v.id } : {}) }, own: v?.inputs ?? {} };
    }
    const call = world.calls[source.index];
    return { root: call?.outputs ?? {}, own: call?.inputs ?? {} };
  }

  private candidatesOf(source: SourceRef): Candidate[] {
    const id = sourceId(source);
    let list = this.candidates.get(id);
    if (list) return list;
    const a = this.rootOf(source, this.worlds.a);
    const b = this.rootOf(source, this.worlds.b);
    const leaves: Array<{ path: Step[]; value: string }> = [];
    flatten(a.root, [], leaves, true);
    const own = new Set(stringsIn(a.own));
    const seen = new Set<string>();
    const found: Array<Omit<Candidate, "rank">> = [];
    for (const l of leaves) {
      const first = l.path[0];
      const key = JSON.stringify(l.path);
      if (!l.value || seen.has(key) || typeof first !== "string") continue;
      const valueB = valueAt(b.root, l.path);
      if (typeof valueB !== "string" || !valueB) continue;
      const echo = own.has(l.value);
      // A program reads back an input a resource echoes as its own output (a bucket's name), never a value deep in one.
      if (echo && l.path.length > 1) continue;
      if (!this.opts.readable(source, first)) continue;
      seen.add(key);
      found.push({ source, id, path: l.path, value: l.value, valueB, echo });
    }
    list = found.sort(compare).map((c) => ({ ...c, rank: this.rankCounter++ }));
    this.candidates.set(id, list);
    this.numbers.set(id, numbersOf(a.root, b.root, []).filter((n) => typeof n.path[0] === "string" && this.opts.readable(source, n.path[0]) && n.value !== n.valueB).map((n) => ({ ...n, source, id, echo: false, rank: this.rankCounter++ })));
    return list;
  }

  /** The number outputs the mocks made of the sources, best first. */
  private numberPool(sources: SourceRef[]): Array<Candidate<number>> {
    return sources.flatMap((s) => {
      this.candidatesOf(s);
      return this.numbers.get(sourceId(s)) ?? [];
    });
  }

  /**
   * Whether a value the program itself holds (the same in both runs) can only
   * have come from this source: it appears in no input of another resource that
   * does not depend on the source. An invoke's results count unless they echo its arguments.
   */
  private isDistinctive(c: Candidate): boolean {
    const key = `${c.id}\0${c.value}`;
    let d = this.distinctive.get(key);
    if (d !== undefined) return d;
    if (c.source.kind === "call") {
      // An invoke's result reaches only inputs that depend on what its arguments read.
      const needs = [...this.resourcesRead(this.argumentsOf(c.source.index).expr)];
      d = !c.echo && !this.leaves.some((l) => l.value.includes(c.value) && !needs.every((u) => (this.byUrn.get(l.urn)?.propertyDependencies[l.key] ?? []).includes(u)));
    } else {
      const urn = c.source.urn;
      d = !this.leaves.some((l) => l.urn !== urn && l.value.includes(c.value) && !(this.byUrn.get(l.urn)?.propertyDependencies[l.key] ?? []).includes(urn));
    }
    this.distinctive.set(key, d);
    return d;
  }

  /**
   * The candidates for references: every value the mocks made (the varied run
   * settles where it fits), and values the program holds that are long enough,
   * not plain words and distinctive, so that they do not occur by chance; never
   * the program's own literals (the region).
   */
  private pool(sources: SourceRef[]): Candidate[] {
    return sources
      .flatMap((s) => this.candidatesOf(s))
      .filter((c) => !this.opts.literals.has(c.value) && (made(c) || (this.telling(c) && this.isDistinctive(c))))
      .sort((x, y) => x.rank - y.rank);
  }

  private poolOf(sources: SourceRef[]): Pool {
    return { strings: this.pool(sources), numbers: this.numberPool(sources) };
  }

  private telling(c: Candidate): boolean {
    return c.value.length >= MIN_LENGTH && /[^A-Za-z]/.test(c.value);
  }

  private ref(c: Candidate<unknown>): Expr {
    const optional = this.opts.optional?.(c.source, String(c.path[0]));
    return { kind: "ref", source: { id: c.id, variable: this.opts.variable(c.source) }, path: c.path, ...(optional ? { optional } : {}) };
  }

  /** A value in both runs as an expression; what no output explains where the runs differ is recorded in `out`. */
  private build(a: unknown, b: unknown, planned: unknown, pool: Pool, path: Step[], secret: boolean, out: Untraceable[]): Expr {
    if (planned === SECRET && a !== SECRET) return { kind: "secret", value: this.build(a, b, undefined, pool, path, true, out) };
    const missing = (structural: boolean): Expr => {
      const node = literal(typeof a === "string" || typeof a === "number" || typeof a === "boolean" ? a : null);
      out.push({ node, path, value: a, secret, structural });
      return node;
    };
    if (typeof a === "string") {
      if (typeof b !== "string") return missing(false);
      const docA = jsonDocument(a);
      const docB = docA ? jsonDocument(b) : undefined;
      if (docA && docB && docA.indent === docB.indent) return { kind: "json", value: this.build(docA.value, docB.value, undefined, pool, [...path, { json: true }], secret, out), indent: docA.indent };
      const parts = this.segment(a, b, pool.strings);
      return parts ? stringOf(parts) : missing(false);
    }
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || b.length !== a.length) return missing(true);
      return { kind: "array", items: a.map((v, i) => this.build(v, b[i], Array.isArray(planned) ? planned[i] : undefined, pool, [...path, i], secret, out)) };
    }
    if (a && typeof a === "object") {
      const entries = Object.entries(a).filter(([, v]) => v !== undefined);
      const bo = b && typeof b === "object" && !Array.isArray(b) ? (b as Record<string, unknown>) : undefined;
      if (!bo || Object.keys(bo).filter((k) => bo[k] !== undefined).length !== entries.length || entries.some(([k]) => bo[k] === undefined)) return missing(true);
      const p = planned && typeof planned === "object" && !Array.isArray(planned) ? (planned as Record<string, unknown>) : {};
      return { kind: "object", entries: entries.map(([k, v]) => [k, this.build(v, bo[k], p[k], pool, [...path, k], secret, out)]) };
    }
    if (a !== b) {
      // A number the mocks made: read from the output that has it in both runs.
      const n = typeof a === "number" ? pool.numbers.find((c) => c.value === a && c.valueB === b) : undefined;
      return n ? this.ref(n) : missing(false);
    }
    return literal(typeof a === "number" || typeof a === "boolean" ? a : null);
  }

  /**
   * Cover a string, in both runs at once, with references and literal
   * characters: a reference where a candidate has its value here in the first
   * run and its varied value at the same place in the second, a literal
   * character where the runs agree. The cover with the fewest literal
   * characters, then the fewest references, then the best ranked, wins; none
   * (undefined) when the runs differ somewhere no output explains.
   */
  private segment(a: string, b: string, pool: Candidate[]): Array<string | Expr> | undefined {
    const at = new Map<number, Candidate[]>();
    for (const c of [...pool, ...verifiersIn(a, pool)]) {
      for (let i = a.indexOf(c.value); i >= 0; i = a.indexOf(c.value, i + 1)) {
        const list = at.get(i) ?? [];
        list.push(c);
        at.set(i, list);
      }
    }
    if (!at.size && a === b) return [a];
    type State = { cost: Cost; prev?: { i: number; j: number; c?: Candidate } };
    const states: Array<Map<number, State>> = Array.from({ length: a.length + 1 }, () => new Map());
    states[0]?.set(0, { cost: [0, 0, 0] });
    const offer = (i: number, j: number, s: State) => {
      const cur = states[i]?.get(j);
      if (!cur || cheaper(s.cost, cur.cost) < 0) states[i]?.set(j, s);
    };
    for (let i = 0; i < a.length; i++) {
      for (const [j, s] of states[i] ?? []) {
        if (j < b.length && a[i] === b[j]) offer(i + 1, j + 1, { cost: [s.cost[0] + 1, s.cost[1], s.cost[2]], prev: { i, j } });
        for (const c of at.get(i) ?? []) {
          if (b.startsWith(c.valueB, j)) offer(i + c.value.length, j + c.valueB.length, { cost: [s.cost[0], s.cost[1] + 1, s.cost[2] + c.rank], prev: { i, j, c } });
        }
      }
    }
    let i = a.length;
    let j = b.length;
    let s = states[i]?.get(j);
    if (!s) return undefined;
    const parts: Array<string | Expr> = [];
    while (s?.prev) {
      const { prev } = s;
      parts.unshift(prev.c ? (prev.c.scram ? { kind: "scram", value: this.ref(prev.c) } : this.ref(prev.c)) : (a[prev.i] as string));
      i = prev.i;
      j = prev.j;
      s = states[i]?.get(j);
    }
    return parts;
  }

  /**
   * Read each dependency not yet read from the literal parts left: a whole
   * literal equal to one of its outputs that is the same in both runs (however
   * short: "ecs", "1"), else the longest such output found inside one. Never
   * the program's own literals. Returns the dependencies never found.
   */
  private cover(expr: Expr, deps: readonly string[], untraceable: readonly Untraceable[]): string[] {
    const read = this.resourcesRead(expr);
    const skip = new Set(untraceable.map((u) => u.node));
    let missing = deps.filter((d) => this.byUrn.has(d) && !read.has(d));
    while (missing.length) {
      const pool = missing.flatMap((urn) => this.candidatesOf({ kind: "resource", urn })).filter((c) => !made(c) && !this.opts.literals.has(c.value));
      let best: { node: Expr; part: number; at: number; c: Candidate; whole: boolean } | undefined;
      const better = (c: Candidate, whole: boolean) =>
        !best || (whole && !best.whole) || (whole === best.whole && (c.value.length > best.c.value.length || (c.value.length === best.c.value.length && c.rank < best.c.rank)));
      for (const node of walk(expr)) {
        if (skip.has(node)) continue;
        const strings: Array<[number, string]> = node.kind === "literal" && typeof node.value === "string" ? [[-1, node.value]] : node.kind === "template" ? node.parts.flatMap((p, i): Array<[number, string]> => (typeof p === "string" ? [[i, p]] : [])) : [];
        for (const [part, s] of strings) {
          for (const c of pool) {
            const whole = part === -1 && s === c.value;
            const at = whole ? 0 : c.value.length >= MIN_LENGTH ? s.indexOf(c.value) : -1;
            if (at >= 0 && better(c, whole)) best = { node, part, at, c, whole };
          }
        }
      }
      if (!best) break;
      const { node, part, at, c } = best;
      const split = (s: string): Array<string | Expr> => [s.slice(0, at), this.ref(c), s.slice(at + c.value.length)];
      if (node.kind === "literal") replaceNode(node, stringOf(split(String(node.value))));
      else if (node.kind === "template") replaceNode(node, stringOf(node.parts.flatMap((p, i) => (i === part && typeof p === "string" ? split(p) : [p]))));
      missing = missing.filter((d) => d !== c.id);
    }
    return missing;
  }
}

/**
 * Candidates for the PostgreSQL SCRAM verifiers in a string: where a backend made
 * a verifier of an output the mocks made (a role's generated password) at the
 * iteration count the string shows, the verifier of that output in both runs.
 */
function verifiersIn(a: string, pool: Candidate[]): Candidate[] {
  const iterations = new Set([...a.matchAll(SCRAM_VERIFIER)].map((m) => Number(m[1])));
  if (!iterations.size) return [];
  const found: Candidate[] = [];
  for (const c of pool.filter(made)) {
    for (const n of iterations) {
      const value = verifierOf(c.value, n);
      const valueB = verifierOf(c.valueB, n);
      if (value !== undefined && valueB !== undefined && a.includes(value)) found.push({ ...c, value, valueB, scram: true });
    }
  }
  return found;
}
