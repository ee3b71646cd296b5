/**
 * The expressions an ejected program is made of, and how each is written as
 * TypeScript. An input value is a literal, a reference to another resource's
 * (or an invoke's) output, a string built from both, a JSON document built from
 * both, a secret, or a config value.
 */

/** A step into an output value: a property name, an array index, or reading a JSON string as the document it encodes. */
export type Step = string | number | { json: true };

/** Where a reference points: a resource (by URN) or an invoke result (`call:<n>`), and the variable that holds it. */
export interface Source {
  id: string;
  /** The variable holding the resource or invoke result. */
  variable: string;
}

export type Expr =
  | { kind: "literal"; value: string | number | boolean | null }
  | { kind: "object"; entries: Array<[string, Expr]> }
  | { kind: "array"; items: Expr[] }
  /** `<variable>.<path>`: an output of a resource or an invoke; `optional`, its first property may be undefined (read with an `apply`). */
  | { kind: "ref"; source: Source; path: Step[]; optional?: boolean }
  /** A string made of literal parts and expressions. */
  | { kind: "template"; parts: Array<string | Expr> }
  /** A JSON document, written as the object it encodes. */
  | { kind: "json"; value: Expr; indent: number }
  /** A Pulumi secret. */
  | { kind: "secret"; value: Expr }
  /** A config value of this program (`config.require(key)`), or a secret one (`config.requireSecret(key)`: an Output). */
  | { kind: "config"; variable: string; secret?: boolean }
  /** A value the program names once and reads in several places (an output read with an `apply`): an Output. */
  | { kind: "named"; variable: string }
  /** `{ ...variable, <entries> }`: an object sharing entries held in a variable (tags most resources carry). */
  | { kind: "spread"; variable: string; entries: Array<[string, Expr]> }
  /** The PostgreSQL SCRAM-SHA-256 verifier of a password (a generated one, read from its resource): `scramVerifier(...)`, which the program defines. */
  | { kind: "scram"; value: Expr }
  /** The hash Freehold keeps of another resource's settings (a random id's keepers): `settingsHash(...)` of the `const` holding them, which the program defines. */
  | { kind: "settingsHash"; variable: string; length: number };

/** The length of the hash `settingsHash` makes unless told otherwise (core's `settingsHash`). */
export const SETTINGS_HASH_LENGTH = 16;

export const literal = (value: string | number | boolean | null): Expr => ({ kind: "literal", value });

/** Whether an expression is (or contains) a Pulumi Output once written. */
export function isOutput(e: Expr): boolean {
  switch (e.kind) {
    case "ref":
    case "secret":
      return true;
    case "config":
      return e.secret === true;
    case "named":
    case "settingsHash":
      return true;
    case "object":
    case "spread":
      return e.entries.some(([, v]) => isOutput(v));
    case "array":
      return e.items.some(isOutput);
    case "template":
      return e.parts.some((p) => typeof p !== "string" && isOutput(p));
    case "json":
    case "scram":
      return isOutput(e.value);
    default:
      return false;
  }
}

/** The direct sub-expressions of an expression. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case "object":
    case "spread":
      return e.entries.map(([, v]) => v);
    case "array":
      return e.items;
    case "template":
      return e.parts.filter((p): p is Expr => typeof p !== "string");
    case "json":
    case "secret":
    case "scram":
      return [e.value];
    default:
      return [];
  }
}

/** Every expression in a tree, the root first. */
export function* walk(e: Expr): Generator<Expr> {
  yield e;
  for (const c of children(e)) yield* walk(c);
}

/** The sources an expression reads (by id). */
export function sourcesOf(e: Expr): Set<string> {
  const ids = new Set<string>();
  for (const x of walk(e)) if (x.kind === "ref") ids.add(x.source.id);
  return ids;
}

/** A string from parts: adjacent literals merged, empty ones dropped; a lone expression or literal stands alone. */
export function stringOf(parts: Array<string | Expr>): Expr {
  const out: Array<string | Expr> = [];
  for (const p of parts) {
    if (p === "") continue;
    const last = out[out.length - 1];
    if (typeof p === "string" && typeof last === "string") out[out.length - 1] = last + p;
    else out.push(p);
  }
  if (!out.length) return literal("");
  if (out.length === 1) return typeof out[0] === "string" ? literal(out[0]) : (out[0] as Expr);
  return { kind: "template", parts: out };
}

/** Replace an expression node in place (the trees are built once and rewritten while tracing). */
export function replaceNode(node: Expr, next: Expr): void {
  const target = node as unknown as Record<string, unknown>;
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, next);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key as written in an object literal. */
export const propertyKey = (key: string): string => (IDENTIFIER.test(key) ? key : JSON.stringify(key));

/** The type of the value at `path` inside a JSON document, for the parsed document's annotation. */
function documentType(path: Step[]): string {
  const [head, ...rest] = path;
  if (head === undefined) return "string";
  if (typeof head === "number") return `Array<${documentType(rest)}>`;
  if (typeof head === "object") return "string";
  return `{ ${propertyKey(head)}: ${documentType(rest)} }`;
}

function access(path: Step[]): string {
  const at = path.findIndex((s) => typeof s === "object");
  if (at >= 0) return `${access(path.slice(0, at))}.apply((s): ${documentType(path.slice(at + 1))} => JSON.parse(s))${access(path.slice(at + 1))}`;
  return path.map((s) => (typeof s === "number" ? `[${s}]` : IDENTIFIER.test(String(s)) ? `.${String(s)}` : `[${JSON.stringify(s)}]`)).join("");
}

/** An object entry; `region` alone where the value is the variable of that name. */
const entry = (key: string, value: string): string => (value === key ? key : `${propertyKey(key)}: ${value}`);

/** `?.a?.[0]`: a path read with optional chaining. */
function optionalAccess(path: Step[]): string {
  return path.map((s) => (typeof s === "number" ? `?.[${s}]` : IDENTIFIER.test(String(s)) ? `?.${String(s)}` : `?.[${JSON.stringify(s)}]`)).join("");
}

/** Escape a literal part of a template string. */
const templatePart = (s: string): string => s.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${");

/** Write an expression as TypeScript, indented for a value at `indent` spaces. */
export function render(e: Expr, indent = 0): string {
  const pad = " ".repeat(indent + 2);
  const end = " ".repeat(indent);
  switch (e.kind) {
    case "literal":
      return JSON.stringify(e.value);
    case "config":
    case "named":
      return e.variable;
    case "ref": {
      const [first, ...rest] = e.path;
      if (e.optional && !rest.some((s) => typeof s === "object")) {
        // Pulumi lifts property access through an Output, but not through a value that may be undefined, and the
        // input takes the value itself: read it in an apply. `!` says to the compiler what the plan showed: it is there.
        return e.source.id.startsWith("call:")
          ? `${e.source.variable}.apply((v) => v${access([first as Step])}${optionalAccess(rest)}!)`
          : `${e.source.variable}${access([first as Step])}.apply((v) => v${optionalAccess(rest)}!)`;
      }
      return `${e.source.variable}${access(e.path)}`;
    }
    case "secret":
      return `pulumi.secret(${render(e.value, indent)})`;
    case "array": {
      if (!e.items.length) return "[]";
      const items = e.items.map((v) => render(v, indent + 2));
      const flat = `[${items.join(", ")}]`;
      return flat.length <= 100 && !flat.includes("\n") ? flat : `[\n${items.map((v) => `${pad}${v},`).join("\n")}\n${end}]`;
    }
    case "spread": {
      if (!e.entries.length) return e.variable;
      const entries = [`...${e.variable}`, ...e.entries.map(([k, v]) => entry(k, render(v, indent + 2)))];
      const flat = `{ ${entries.join(", ")} }`;
      return flat.length <= 100 && !flat.includes("\n") ? flat : `{\n${entries.map((v) => `${pad}${v},`).join("\n")}\n${end}}`;
    }
    case "object": {
      if (!e.entries.length) return "{}";
      const entries = e.entries.map(([k, v]) => entry(k, render(v, indent + 2)));
      const flat = `{ ${entries.join(", ")} }`;
      return flat.length <= 100 && !flat.includes("\n") ? flat : `{\n${entries.map((v) => `${pad}${v},`).join("\n")}\n${end}}`;
    }
    case "template": {
      const body = e.parts.map((p) => (typeof p === "string" ? templatePart(p) : `\${${render(p, indent)}}`)).join("");
      return `${isOutput(e) ? "pulumi.interpolate" : ""}\`${body}\``;
    }
    case "json": {
      const fn = isOutput(e.value) ? "pulumi.jsonStringify" : "JSON.stringify";
      return `${fn}(${render(e.value, indent)}${e.indent ? `, undefined, ${e.indent}` : ""})`;
    }
    case "scram":
      return isOutput(e.value) ? `pulumi.output(${render(e.value, indent)}).apply(scramVerifier)` : `scramVerifier(${render(e.value, indent)})`;
    case "settingsHash":
      return `pulumi.output(${e.variable}).apply(${e.length === SETTINGS_HASH_LENGTH ? "settingsHash" : `(s) => settingsHash(s, ${e.length})`})`;
  }
}
