import { createHash } from "node:crypto";

/** A short, stable hash of the parts (lowercase base36). */
export function shortHash(parts: readonly string[], length = 6): string {
  const digest = createHash("sha256").update(parts.join("/")).digest();
  return BigInt(`0x${digest.subarray(0, 8).toString("hex")}`).toString(36).padStart(length, "0").slice(0, length);
}

/** A short hash of a JSON value with its object keys sorted: the same settings give the same hash whatever order they were written in. */
export function settingsHash(value: unknown, length = 16): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
  return shortHash([JSON.stringify(sorted(value)) ?? ""], length);
}

export interface NameRules {
  /** Longest name the resource accepts. */
  maxLength: number;
  /** Shortest name the resource accepts. @default 1 */
  minLength?: number;
  /** Characters allowed besides lowercase letters and digits ("-" or "" for none). @default "-" */
  separator?: "-" | "_" | "";
  /** Must start with a letter. @default true */
  startWithLetter?: boolean;
  /** Append a hash for global uniqueness, even when the name fits. @default false */
  unique?: boolean;
}

/**
 * A deterministic physical name from the stack and component names, valid for
 * a resource's rules. Too long a name is cut and a hash of the full name keeps
 * it unique, so two components never share a physical name.
 */
export function physicalName(parts: readonly string[], rules: NameRules): string {
  const sep = rules.separator ?? "-";
  const clean = parts
    .map((p) =>
      p
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, sep)
        .replace(sep ? new RegExp(`\\${sep}+`, "g") : /$^/, sep),
    )
    .filter(Boolean);
  let name = clean.join(sep);
  if (sep) name = name.replace(new RegExp(`^\\${sep}+|\\${sep}+$`, "g"), "");
  if ((rules.startWithLetter ?? true) && !/^[a-z]/.test(name)) name = `x${name}`;
  const hash = shortHash(parts, 6);
  if (rules.unique || name.length > rules.maxLength) {
    const room = rules.maxLength - hash.length - sep.length;
    let head = name.slice(0, Math.max(1, room));
    if (sep) head = head.replace(new RegExp(`\\${sep}+$`), "");
    name = `${head}${sep}${hash}`;
  }
  const min = rules.minLength ?? 1;
  // Too short: add the hash (never a fixed filler, which would make "d" collide with a component named "d0").
  if (name.length < min) name = `${name}${sep}${hash}`.slice(0, Math.max(min, Math.min(rules.maxLength, name.length + sep.length + hash.length)));
  while (name.length < min) name += hash;
  return name.slice(0, Math.max(min, rules.maxLength));
}
