/**
 * A second set of mock values, for telling which planned values were made
 * from the mocks' own values. Every value a backend's mocks make (an id, an
 * ARN, an address, a generated name or password, an invoke's result) becomes
 * another value of the same shape; what echoes the resource's inputs (or the
 * invoke's arguments, or a config value) stays as it is. A program run under
 * both sets registers the same resources; an input whose value differs
 * between the two runs was made from a mock's value, so it cannot be written
 * out as a literal: a real deployment would have another value there.
 *
 * Whole numbers the mocks make (a project number) move on by 1 to 3.
 *
 * Shape is kept so that backends that read their mocks' values (an ARN's
 * partition, a selfLink's region) still run: digits stay digits, letters stay
 * letters of the same case, separators stay. In a structured value (one with
 * `:`, `/`, `.`, `@` or spaces, such as an ARN or a URL) only the parts that
 * look made up change (those with a digit, or naming "mock"), so `arn:aws:`
 * stays; an opaque value (`freehold-plan`, `Mock3fa9...`, `vpc-0a1b`) changes
 * wherever it does not echo an input. The change depends on the output's
 * property path, so two outputs that happen to be equal under the mocks (a
 * project's `name` and its `projectId`) differ in the varied run, which tells
 * a reader which one a value came from; a resource's outputs depend on its name
 * too, so the same output of two resources of one type (each secret's version
 * "1") differs as well.
 */
import type { BackendMocks } from "./backend";

/** Echoed values shorter than this are not protected inside other values (a "1" would protect every digit). */
const MIN_KEPT = 3;

function hash(s: string): number {
  let h = 7;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

/** Every string of at least MIN_KEPT characters in a value. */
function stringsOf(v: unknown, out: Set<string>): Set<string> {
  if (typeof v === "string") {
    if (v.length >= MIN_KEPT) out.add(v);
  } else if (Array.isArray(v)) for (const x of v) stringsOf(x, out);
  else if (v && typeof v === "object") for (const x of Object.values(v)) stringsOf(x, out);
  return out;
}

const isAlnum = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);

/** Character ranges of `s` that hold one of `kept`, aligned to token boundaries. */
function keptRanges(s: string, kept: ReadonlySet<string>): boolean[] {
  const mask = new Array<boolean>(s.length).fill(false);
  for (const k of kept) {
    for (let at = s.indexOf(k); at >= 0; at = s.indexOf(k, at + 1)) {
      if (isAlnum(s[at - 1]) || isAlnum(s[at + k.length])) continue;
      for (let i = at; i < at + k.length; i++) mask[i] = true;
    }
  }
  return mask;
}

/** A character moved on by 1 to 3 places in its class: small, so that values a program sorts (zone names) mostly keep their order. */
function rotate(c: string, by: number): string {
  const code = c.charCodeAt(0);
  const step = 1 + (by % 3);
  if (c >= "0" && c <= "9") return String.fromCharCode(48 + ((code - 48 + step) % 10));
  if (c >= "a" && c <= "z") return String.fromCharCode(97 + ((code - 97 + step) % 26));
  if (c >= "A" && c <= "Z") return String.fromCharCode(65 + ((code - 65 + step) % 26));
  return c;
}

/**
 * A made string varied: its made-up parts rotated, each character by its own
 * amount drawn from the property path, so that values equal under the mocks
 * at different paths differ here (two 13-character values agree with a chance
 * of one in 3^13).
 */
export function varyString(s: string, path: string, kept: ReadonlySet<string>): string {
  if (kept.has(s)) return s;
  const mask = keptRanges(s, kept);
  const opaque = !/[:/.@\s]/.test(s);
  // Items of one list vary alike (their order is kept where they differ in one place, as zone names do).
  let seed = hash(path.replace(/\.\d+(?=\.|$)/g, ""));
  let out = "";
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j < s.length && isAlnum(s[j]) === isAlnum(s[i])) j++;
    const token = s.slice(i, j);
    const change = isAlnum(s[i]) && (opaque || /\d/.test(token) || /mock/i.test(token));
    for (let k = i; k < j; k++) {
      // A linear congruential step (Numerical Recipes' constants): deterministic, different per path and position.
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      out += change && !mask[k] ? rotate(s[k] as string, seed >>> 8) : s[k];
    }
    i = j;
  }
  return out;
}

/** A made value varied; parts equal to the echoed value at the same path are kept. */
function vary(made: unknown, echoed: unknown, path: string, kept: ReadonlySet<string>): unknown {
  if (made === echoed) return made;
  // A short made number (a secret's version "1"): rotating one digit leaves 3 values, and two resources would often
  // agree; moved on by up to 997 instead, so each resource's differs from every other's.
  if (typeof made === "string" && /^\d{1,3}$/.test(made) && !kept.has(made)) return String(Number(made) + 1 + (hash(path) % 997));
  if (typeof made === "string") return varyString(made, path, kept);
  // A made whole number (a project number, a revision) moves on by 1 to 3, as digits do.
  if (typeof made === "number" && Number.isSafeInteger(made) && made >= 0) return made + 1 + (hash(path.replace(/\.\d+(?=\.|$)/g, "")) % 3);
  if (Array.isArray(made)) return made.map((v, i) => vary(v, Array.isArray(echoed) ? echoed[i] : undefined, `${path}.${i}`, kept));
  if (made && typeof made === "object") {
    const e = echoed && typeof echoed === "object" && !Array.isArray(echoed) ? (echoed as Record<string, unknown>) : {};
    if (JSON.stringify(made) === JSON.stringify(echoed)) return made;
    return Object.fromEntries(Object.entries(made).map(([k, v]) => [k, vary(v, e[k], `${path}.${k}`, kept)]));
  }
  return made;
}

/**
 * A backend's mocks with every value they make varied (see the file comment);
 * `id` varies the id Pulumi's mock runtime falls back to when the mocks give none.
 */
export function variedMocks(mocks: BackendMocks, configValues: readonly string[]): BackendMocks & { id(fallback: string): string } {
  const config = stringsOf(configValues, new Set());
  return {
    outputs(type, name, inputs, id) {
      const kept = stringsOf(inputs, new Set(config));
      const extra = mocks.outputs(type, name, inputs, id);
      // The resource's name is in the path: two resources of one type (two secrets' versions) get different values.
      return Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, vary(v, inputs[k], `${type}.${name}.${k}`, kept)]));
    },
    call(token, inputs) {
      const kept = stringsOf(inputs, new Set(config));
      const result = mocks.call(token, inputs);
      return Object.fromEntries(Object.entries(result).map(([k, v]) => [k, vary(v, inputs[k], `${token}.${k}`, kept)]));
    },
    id(fallback) {
      return varyString(fallback, "id", config);
    },
  };
}
