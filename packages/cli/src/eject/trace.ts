/**
 * Where each input value came from. A plan records, per input, the resources
 * its value came from (`propertyDependencies`) and the value itself; the mocks
 * give every resource and invoke distinctive outputs (ids, ARNs, addresses). An
 * input value equal to a dependency's output, or containing it, was made from
 * it: the ejected program reads that output instead of writing the value.
 *
 * Two passes per input:
 *  1. values that are *distinctive* are matched wherever they appear: outputs
 *     found nowhere in the program's inputs except where that resource is a
 *     dependency (a generated id, an ARN, a password). Whole values first, then
 *     the longest parts of strings; a JSON string is read as the document it encodes.
 *  2. a dependency still not read after pass 1 is looked for among its
 *     remaining outputs (names it echoes back, say), longest first, in the
 *     literal parts left. A dependency still not found is reported: the value
 *     stays as planned and the program says so (docs/eject.md).
 */
import type { MockValues, PlannedResource } from "@freehold/core";
import { SECRET, scramVerifier } from "@freehold/core";
import { type Expr, literal, replaceNode, type Step, sourcesOf, stringOf, walk } from "./expr";

/** Shorter values are too likely to occur by chance to be read as references. */
const MIN_LENGTH = 6;

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

export type SourceRef = { kind: "resource"; urn: string } | { kind: "call"; index: number };

export const sourceId = (s: SourceRef): string => (s.kind === "resource" ? s.urn : `call:${s.index}`);

interface Candidate {
  source: SourceRef;
  id: string;
  path: Step[];
  value: string;
  /** The value is one of the source's own inputs, echoed back (a name), not one the cloud made. */
  echo: boolean;
}

export interface TraceOptions {
  /** Values that are the program's own wherever they appear (the region, config values): never references. */
  literals: ReadonlySet<string>;
  /** The variable that will hold a source. */
  variable(source: SourceRef): string;
  /** Whether the program can read this property of a source (declared outputs); false keeps it from being a reference. */
  readable(source: SourceRef, property: string): boolean;
}

export interface Traced {
  expr: Expr;
  /** Dependencies (URNs) the value was made from that no output could be found for. */
  unresolved: string[];
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

function flatten(value: unknown, path: Step[], out: Array<{ path: Step[]; value: string }>, documents = false): void {
  if (typeof value === "string") {
    out.push({ path, value });
    // An output holding a JSON document (a secret's JSON, say): its values can be read too.
    const doc = documents ? jsonDocument(value) : undefined;
    if (doc && typeof doc.value === "object" && doc.value !== null) flatten(doc.value, [...path, { json: true }], out, false);
  }
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) flatten(v, [...path, i], out, documents);
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

/** Better candidates first: resources before invokes, made values before echoes, shorter paths, then by path. */
function rank(a: Candidate, b: Candidate): number {
  return (
    Number(a.source.kind === "call") - Number(b.source.kind === "call") ||
    Number(a.echo) - Number(b.echo) ||
    a.path.length - b.path.length ||
    a.path.join(".").localeCompare(b.path.join(".")) ||
    a.id.localeCompare(b.id)
  );
}

export class Tracer {
  private readonly byUrn: Map<string, PlannedResource>;
  private readonly candidates = new Map<string, Candidate[]>();
  private readonly leaves: Array<{ urn: string; key: string; value: string }> = [];
  private readonly distinctive = new Map<string, boolean>();
  /** Invokes by index, duplicates (same token and arguments) mapped to the first. */
  readonly calls: Array<{ index: number; token: string; inputs: Record<string, unknown> }> = [];
  private readonly callArgs = new Map<number, Expr>();

  constructor(
    resources: readonly PlannedResource[],
    private readonly values: MockValues,
    private readonly opts: TraceOptions,
  ) {
    this.byUrn = new Map(resources.map((r) => [r.urn, r]));
    for (const r of resources) {
      const inputs = values.resources[r.urn]?.inputs ?? {};
      for (const [key, v] of Object.entries(inputs)) for (const value of stringsIn(v)) this.leaves.push({ urn: r.urn, key, value });
    }
    const seen = new Map<string, number>();
    values.calls.forEach((c, index) => {
      const key = `${c.token} ${JSON.stringify(c.inputs)}`;
      if (seen.has(key)) return;
      seen.set(key, index);
      this.calls.push({ index, token: c.token, inputs: c.inputs });
    });
  }

  /** Trace one input of a resource: its value (unredacted), as the plan shows it (secrets redacted), and its dependencies. */
  input(raw: unknown, planned: unknown, deps: readonly string[]): Traced {
    const sources: SourceRef[] = [...deps.filter((d) => this.byUrn.has(d)).map((urn) => ({ kind: "resource" as const, urn })), ...this.calls.map((c) => ({ kind: "call" as const, index: c.index }))];
    const expr = this.build(raw, planned, this.pool(sources));
    return { expr, unresolved: this.cover(expr, deps) };
  }

  /** Trace a value with no dependency information (an invoke's arguments, a stack output): distinctive outputs of every resource. */
  anywhere(raw: unknown, planned: unknown, before?: number): Expr {
    const sources: SourceRef[] = [
      ...[...this.byUrn.keys()].map((urn) => ({ kind: "resource" as const, urn })),
      ...this.calls.filter((c) => before === undefined || c.index < before).map((c) => ({ kind: "call" as const, index: c.index })),
    ];
    return this.build(raw, planned, this.pool(sources));
  }

  /** An invoke's arguments, traced once. */
  argumentsOf(index: number): Expr {
    let e = this.callArgs.get(index);
    if (!e) {
      const call = this.calls.find((c) => c.index === index);
      e = this.anywhere(call?.inputs ?? {}, undefined, index);
      this.callArgs.set(index, e);
    }
    return e;
  }

  /** The resources an expression reads, directly or through the invokes it reads. */
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
      for (const urn of this.resourcesRead(this.argumentsOf(index), seen)) out.add(urn);
    }
    return out;
  }

  private candidatesOf(source: SourceRef): Candidate[] {
    const id = sourceId(source);
    let list = this.candidates.get(id);
    if (list) return list;
    const leaves: Array<{ path: Step[]; value: string }> = [];
    let own: Set<string>;
    if (source.kind === "resource") {
      const v = this.values.resources[source.urn];
      if (v?.id) leaves.push({ path: ["id"], value: v.id });
      flatten(v?.outputs ?? {}, [], leaves, true);
      own = new Set(stringsIn(v?.inputs ?? {}));
    } else {
      const call = this.values.calls[source.index];
      flatten(call?.outputs ?? {}, [], leaves, true);
      own = new Set(stringsIn(call?.inputs ?? {}));
    }
    const seen = new Set<string>();
    list = [];
    for (const l of leaves) {
      const first = l.path[0];
      const key = JSON.stringify(l.path);
      if (!l.value || seen.has(key) || typeof first !== "string") continue;
      const echo = own.has(l.value);
      // A program reads back an input a resource echoes as its own output (a bucket's name), never a value deep in one.
      if (echo && l.path.length > 1) continue;
      if (!this.opts.readable(source, first)) continue;
      seen.add(key);
      list.push({ source, id, path: l.path, value: l.value, echo });
    }
    this.candidates.set(id, list);
    return list;
  }

  /**
   * Whether a value can only have come from this source: it appears in no
   * input of another resource that does not depend on the source. An invoke's
   * results count as distinctive unless they echo its arguments.
   */
  private isDistinctive(c: Candidate): boolean {
    const key = `${c.id}\0${c.value}`;
    let d = this.distinctive.get(key);
    if (d !== undefined) return d;
    if (c.source.kind === "call") {
      // An invoke's result reaches only inputs that depend on what its arguments read.
      const needs = [...this.resourcesRead(this.argumentsOf(c.source.index))];
      d = !c.echo && !this.leaves.some((l) => l.value.includes(c.value) && !needs.every((u) => (this.byUrn.get(l.urn)?.propertyDependencies[l.key] ?? []).includes(u)));
    } else {
      const urn = c.source.urn;
      d = !this.leaves.some((l) => l.urn !== urn && l.value.includes(c.value) && !(this.byUrn.get(l.urn)?.propertyDependencies[l.key] ?? []).includes(urn));
    }
    this.distinctive.set(key, d);
    return d;
  }

  /**
   * Pass 1's candidates: distinctive values, long enough and not plain words
   * ("PRIVATE", "Deployed"), so that they do not occur by chance; never the
   * program's own literals.
   */
  private pool(sources: SourceRef[]): Candidate[] {
    return sources.flatMap((s) => this.candidatesOf(s)).filter((c) => this.telling(c) && this.isDistinctive(c));
  }

  private telling(c: Candidate): boolean {
    return c.value.length >= MIN_LENGTH && /[^A-Za-z]/.test(c.value) && !this.opts.literals.has(c.value);
  }

  /**
   * Whether a literal holds a value some resource or invoke made under the
   * mocks (an id, an address, a password): written out, it would be the mocks'
   * value, not the cloud's. Names a resource merely echoes do not count.
   */
  madeByMocks(literalText: string): boolean {
    const sources: SourceRef[] = [...[...this.byUrn.keys()].map((urn) => ({ kind: "resource" as const, urn })), ...this.calls.map((c) => ({ kind: "call" as const, index: c.index }))];
    return sources.some((s) => this.candidatesOf(s).some((c) => !c.echo && this.telling(c) && literalText.includes(c.value)));
  }

  private build(raw: unknown, planned: unknown, pool: Candidate[]): Expr {
    if (planned === SECRET && raw !== SECRET) return { kind: "secret", value: this.build(raw, undefined, pool) };
    if (typeof raw === "string") return this.text(raw, pool);
    if (Array.isArray(raw)) return { kind: "array", items: raw.map((v, i) => this.build(v, Array.isArray(planned) ? planned[i] : undefined, pool)) };
    if (raw && typeof raw === "object") {
      const p = planned && typeof planned === "object" && !Array.isArray(planned) ? (planned as Record<string, unknown>) : {};
      return { kind: "object", entries: Object.entries(raw).filter(([, v]) => v !== undefined).map(([k, v]) => [k, this.build(v, p[k], pool)]) };
    }
    return literal(typeof raw === "number" || typeof raw === "boolean" ? raw : null);
  }

  /** A string: a JSON document, a whole output, a string with outputs in it, or a literal. */
  private text(s: string, pool: Candidate[]): Expr {
    const doc = jsonDocument(s);
    if (doc) return { kind: "json", value: this.build(doc.value, undefined, pool), indent: doc.indent };
    const exact = pool.filter((c) => c.value === s).sort(rank)[0];
    if (exact) return { kind: "ref", source: { id: exact.id, variable: this.opts.variable(exact.source) }, path: exact.path };
    return this.substitute(s, pool);
  }

  /**
   * Replace the longest non-overlapping occurrences of candidate values in a
   * string by references; and a PostgreSQL SCRAM verifier of a candidate (a
   * database role's password, made where the password is generated) by that
   * verifier of the reference.
   */
  private substitute(s: string, pool: Candidate[]): Expr {
    const found: Array<{ start: number; end: number; c: Candidate; scram?: boolean }> = [];
    for (const c of pool) {
      for (let at = s.indexOf(c.value); at >= 0; at = s.indexOf(c.value, at + 1)) found.push({ start: at, end: at + c.value.length, c });
    }
    for (const m of s.matchAll(SCRAM_VERIFIER)) {
      const c = pool.filter((x) => verifierOf(x.value, Number(m[1])) === m[0]).sort(rank)[0];
      if (c) found.push({ start: m.index, end: m.index + m[0].length, c, scram: true });
    }
    if (!found.length) return literal(s);
    found.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start || rank(a.c, b.c));
    const chosen: typeof found = [];
    for (const f of found) if (!chosen.some((x) => f.start < x.end && x.start < f.end)) chosen.push(f);
    chosen.sort((a, b) => a.start - b.start);
    const parts: Array<string | Expr> = [];
    let at = 0;
    for (const f of chosen) {
      const ref: Expr = { kind: "ref", source: { id: f.c.id, variable: this.opts.variable(f.c.source) }, path: f.c.path };
      parts.push(s.slice(at, f.start), f.scram ? { kind: "scram", value: ref } : ref);
      at = f.end;
    }
    parts.push(s.slice(at));
    return stringOf(parts);
  }

  /**
   * Pass 2: read each dependency not yet read from the literal parts left:
   * a whole literal equal to one of its outputs (however short: "ecs", "1"),
   * else the longest of its outputs found inside one. Returns those never found.
   */
  private cover(expr: Expr, deps: readonly string[]): string[] {
    const read = this.resourcesRead(expr);
    let missing = deps.filter((d) => this.byUrn.has(d) && !read.has(d));
    while (missing.length) {
      const pool = missing.flatMap((urn) => this.candidatesOf({ kind: "resource", urn }));
      let best: { node: Expr; part: number; at: number; c: Candidate; whole: boolean } | undefined;
      const better = (c: Candidate, whole: boolean) =>
        !best || (whole && !best.whole) || (whole === best.whole && (c.value.length > best.c.value.length || (c.value.length === best.c.value.length && rank(c, best.c) < 0)));
      for (const node of walk(expr)) {
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
      const ref: Expr = { kind: "ref", source: { id: c.id, variable: this.opts.variable(c.source) }, path: c.path };
      const split = (s: string): Array<string | Expr> => [s.slice(0, at), ref, s.slice(at + c.value.length)];
      if (node.kind === "literal") replaceNode(node, stringOf(split(String(node.value))));
      else if (node.kind === "template") replaceNode(node, stringOf(node.parts.flatMap((p, i) => (i === part && typeof p === "string" ? split(p) : [p]))));
      const urn = c.id;
      missing = missing.filter((d) => d !== urn);
    }
    return missing;
  }
}
