// The errors module alone: the package index loads zod and every schema, a third of a second every command would pay.
import { didYouMean } from "@freehold/model/errors";

export interface FlagSpec {
  name: string;
  type: "string" | "boolean" | "number";
  description: string;
  /** Allowed values (string flags); for `list` flags, allowed items. */
  values?: readonly string[];
  /** Comma-separated list. */
  list?: boolean;
  default?: string | number | boolean;
  required?: boolean;
  /** Placeholder in help, e.g. DIR. */
  placeholder?: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  positionals: Array<{ name: string; description: string; required: boolean }>;
  flags: FlagSpec[];
  examples: string[];
  /** Longer description under the usage line. */
  details?: string;
}

export type FlagValue = string | number | boolean | string[];
export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, FlagValue | undefined>;
}

/** A mistake on the command line: every problem at once, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    readonly problems: string[],
    readonly command: string,
  ) {
    super(`freehold ${command}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`}\nRun \`freehold ${command} --help\` for usage.`);
  }
}

export const HELP_FLAG: FlagSpec = { name: "help", type: "boolean", description: "Show this help and exit." };

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const problems: string[] = [];
  const positionals: string[] = [];
  const flags: ParsedArgs["flags"] = {};
  const invalid = new Set<string>();
  const byName = new Map([...spec.flags, HELP_FLAG].map((f) => [f.name, f]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    const flag = m ? byName.get(m[1] as string) : undefined;
    if (!m || !flag) {
      const name = m?.[1] ?? arg.replace(/^-+/, "");
      const hint = didYouMean(name, [...byName.keys()]);
      // A misspelt flag that takes a value: skip its value too, so it is not also reported as a stray argument.
      const meant = hint ? byName.get(hint) : undefined;
      if (meant && meant.type !== "boolean" && m?.[2] === undefined && argv[i + 1] !== undefined && !argv[i + 1]?.startsWith("-")) i++;
      problems.push(`unknown flag ${arg.split("=")[0]}${hint ? `; did you mean --${hint}?` : ""} (flags: ${[...byName.keys()].map((k) => `--${k}`).join(", ")})`);
      continue;
    }
    let raw: string | undefined = m[2];
    if (flag.type === "boolean") {
      if (raw !== undefined && raw !== "true" && raw !== "false") problems.push(`--${flag.name} takes no value or true/false, not ${JSON.stringify(raw)}`);
      flags[flag.name] = raw === undefined ? true : raw === "true";
      continue;
    }
    if (raw === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) {
        problems.push(`--${flag.name} needs a value${flag.values ? ` (one of ${flag.values.join(", ")})` : flag.placeholder ? ` (${flag.placeholder})` : ""}`);
        continue;
      }
      raw = next;
      i++;
    }
    if (flag.type === "number") {
      const n = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(n) || n < 0) {
        invalid.add(flag.name);
        problems.push(`--${flag.name} must be a non-negative number, not ${JSON.stringify(raw)}`);
      } else flags[flag.name] = n;
      continue;
    }
    if (flag.list) {
      const items = raw.split(",").map((s) => s.trim()).filter(Boolean);
      const bad = flag.values ? items.filter((v) => !flag.values?.includes(v)) : [];
      for (const b of bad) {
        const hint = flag.values ? didYouMean(b, flag.values) : undefined;
        problems.push(`--${flag.name}: ${JSON.stringify(b)} is not allowed; allowed: ${flag.values?.join(", ")}${hint ? `. Did you mean "${hint}"?` : ""}`);
      }
      if (items.length === 0) problems.push(`--${flag.name} needs at least one value`);
      flags[flag.name] = items;
      continue;
    }
    if (flag.values && !flag.values.includes(raw)) {
      invalid.add(flag.name);
      const hint = didYouMean(raw, flag.values);
      problems.push(`--${flag.name}: ${JSON.stringify(raw)} is not allowed; allowed: ${flag.values.join(", ")}${hint ? `. Did you mean "${hint}"?` : ""}`);
      continue;
    }
    flags[flag.name] = raw;
  }
  if (flags.help) return { positionals, flags };
  const maxPositionals = spec.positionals.length;
  if (positionals.length > maxPositionals) problems.push(`unexpected argument${positionals.length - maxPositionals > 1 ? "s" : ""}: ${positionals.slice(maxPositionals).join(" ")}`);
  spec.positionals.forEach((p, i) => {
    if (p.required && positionals[i] === undefined) problems.push(`missing ${p.name}: ${p.description}`);
  });
  for (const f of spec.flags) {
    if (flags[f.name] === undefined && f.default !== undefined) flags[f.name] = f.list && typeof f.default === "string" ? f.default.split(",") : f.default;
    if (f.required && flags[f.name] === undefined && !invalid.has(f.name)) problems.push(`--${f.name} is required${f.values ? ` (one of ${f.values.join(", ")})` : ""}`);
  }
  if (problems.length) throw new UsageError(problems, spec.name);
  return { positionals, flags };
}

export function helpText(spec: CommandSpec): string {
  const usage = `freehold ${spec.name}${spec.positionals.map((p) => (p.required ? ` <${p.name}>` : ` [${p.name}]`)).join("")}${spec.flags.length ? " [flags]" : ""}`;
  const width = Math.max(...[...spec.flags, HELP_FLAG].map((f) => f.name.length + (f.type === "boolean" ? 0 : (f.placeholder ?? "VALUE").length + 1))) + 4;
  const flagLines = [...spec.flags, HELP_FLAG].map((f) => {
    const left = `--${f.name}${f.type === "boolean" ? "" : ` ${f.placeholder ?? (f.values ? f.values.join("|") : "VALUE")}`}`;
    const extra = [f.required ? "required" : "", f.default !== undefined ? `default: ${f.default}` : ""].filter(Boolean).join("; ");
    return `  ${left.padEnd(Math.max(width, left.length + 2))}${f.description}${extra ? ` (${extra})` : ""}`;
  });
  return [
    `${spec.summary}`,
    "",
    `Usage: ${usage}`,
    ...(spec.details ? ["", spec.details] : []),
    ...(spec.positionals.length ? ["", "Arguments:", ...spec.positionals.map((p) => `  ${p.name.padEnd(width)}${p.description}`)] : []),
    "",
    "Flags:",
    ...flagLines,
    ...(spec.examples.length ? ["", "Examples:", ...spec.examples.map((e) => `  ${e}`)] : []),
    "",
  ].join("\n");
}
