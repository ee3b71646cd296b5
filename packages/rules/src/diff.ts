/** Paths and values: the small vocabulary the engine and the rules share. */

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Leaf paths where two values differ: `a.b`, `list[2].name`; a list that changed length is reported as the list. */
export function changedPaths(before: unknown, after: unknown, prefix = ""): string[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((k) => changedPaths(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.length !== after.length) return [prefix];
    return before.flatMap((b, i) => changedPaths(b, after[i], `${prefix}[${i}]`));
  }
  if (before === after) return [];
  // undefined and null mean "not set" alike, as the engine's diff treats them.
  if ((before === undefined || before === null) && (after === undefined || after === null)) return [];
  return [prefix];
}

/** `list[3].name` -> `list[].name`: the form rule paths are written in. */
export function generalise(path: string): string {
  return path.replace(/\[\d+\]/g, "[]");
}

/** True when `path` is `pattern` or lies under it (`a.b` covers `a.b.c` and `a.b[0]`); `pattern` may use `[]` for any index, and `*` covers everything. */
export function covers(pattern: string, path: string): boolean {
  if (pattern === "*") return true;
  const p = generalise(path);
  return p === pattern || p.startsWith(`${pattern}.`) || p.startsWith(`${pattern}[`);
}

/** True when `path` lies under `pattern` or `pattern` lies under `path` (a change to `a` may change `a.b`). */
export function overlaps(pattern: string, path: string): boolean {
  return covers(pattern, path) || covers(generalise(path), pattern);
}

/** Every value at a rule path (`a.b`, `list[].name`) in an object. */
export function valuesAt(obj: unknown, path: string): unknown[] {
  if (path === "*" || path === "") return [obj];
  let current: unknown[] = [obj];
  for (const segment of path.split(".")) {
    const many = segment.endsWith("[]");
    const key = many ? segment.slice(0, -2) : segment;
    current = current.flatMap((v) => {
      if (!isPlainObject(v)) return [];
      const next = v[key];
      if (next === undefined) return [];
      return many ? (Array.isArray(next) ? next : []) : [next];
    });
  }
  return current;
}

/** The first value at a path, if any. */
export function valueAt(obj: unknown, path: string): unknown {
  return valuesAt(obj, path)[0];
}

/** "60s", "2m", "1h30m" (Go durations, as the time provider takes them) in seconds. */
export function durationSeconds(d: unknown): number {
  if (typeof d !== "string") return 0;
  let total = 0;
  for (const [, n, unit] of d.matchAll(/([\d.]+)(h|ms|m|s)/g)) {
    const v = Number(n);
    total += unit === "h" ? v * 3600 : unit === "m" ? v * 60 : unit === "s" ? v : v / 1000;
  }
  return total;
}

/** A copy of `obj` with the value at a dotted path (`a.b.c`) set, or removed when `value` is undefined. */
export function withValueAt(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split(".");
  if (head === undefined || head === "") return obj;
  const out: Record<string, unknown> = { ...obj };
  if (!rest.length) {
    if (value === undefined) delete out[head];
    else out[head] = value;
    return out;
  }
  const inner = isPlainObject(out[head]) ? (out[head] as Record<string, unknown>) : {};
  out[head] = withValueAt(inner, rest.join("."), value);
  return out;
}
