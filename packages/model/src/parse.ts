import type * as Yaml from "yaml";
import type { z } from "zod";
import type { Schema, StackSettings } from "./public";
import { didYouMean, SpecError, type SpecProblem, show } from "./errors";
import { CLOUD_REGIONS, CLOUDS, type Cloud, NEUTRAL_REGIONS, type NeutralRegion, RESIDENCIES, type Residency, resolveRegion } from "./regions";
import { type LinkKind, linkVariableNames } from "./links";
import { COMPONENT_KINDS } from "./constants";
import { domainInZone } from "./domains";
import { ComponentName, StackSpec } from "./schema";
import type { Stack } from "./types";
import { type KindUsage, USAGE_DEFAULTS, USAGE_FIELDS, type Usage } from "./usage";
import { UsageFileSpec } from "./usage-schema";

export interface ParseOptions {
  /** Name of the file, for messages. @default "stack" */
  source?: string;
}

/**
 * Parse a stack file (YAML or JSON text, or an already-parsed object) into a
 * typed stack with every default filled in. Throws one SpecError listing every problem.
 */
export function parseStack(input: string | unknown, options: ParseOptions = {}): Stack {
  const source = options.source ?? "stack";
  const raw = typeof input === "string" ? parseText(input, source) : input;
  if (raw === undefined || raw === null) throw new SpecError([{ path: "", message: "is empty; a stack needs a name and components" }], source);
  const result = StackSpec.safeParse(raw, { reportInput: true });
  const problems = result.success ? [] : result.error.issues.flatMap((i) => describeIssue(i, raw));
  problems.push(...semanticProblems(raw));
  if (problems.length > 0 || !result.success) throw new SpecError(dedupe(problems), source);
  return result.data;
}

/**
 * Validate one component spec on its own (used by the Pulumi components): the
 * same checks, with the same messages, as the component gets in a stack file
 * (its name, its fields, the checks that span its fields), with paths relative
 * to the component.
 */
export function parseComponent<Out>(schema: Schema<Out>, input: unknown, name: string, more: readonly SpecProblem[] = []): Out {
  const result = schema.safeParse(input, { reportInput: true });
  // The public Schema type hides zod; every schema here is one of the model's zod schemas.
  const base = schema as unknown as z.core.$ZodType;
  const problems = result.success ? [] : (result.error.issues as z.core.$ZodIssue[]).flatMap((i) => describeIssue(i, input, [], base));
  const named = ComponentName.safeParse(name, { reportInput: true });
  if (!named.success) problems.unshift(...notAName(name, named.error.issues.flatMap((i) => describeIssue(i, name))));
  if (isRecord(input)) problems.push(...componentProblems(input, ""));
  problems.push(...more);
  if (problems.length > 0 || !result.success) throw new SpecError(dedupe(problems), `component "${name}"`);
  return result.data;
}

function parseText(text: string, source: string): unknown {
  // Loaded on first use: Pulumi programs that never read a stack file do not pay for the YAML parser.
  const yaml = require("yaml") as typeof Yaml;
  try {
    return yaml.parse(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (e) {
    if (e instanceof yaml.YAMLParseError) {
      const pos = e.linePos?.[0];
      const where = pos ? `line ${pos.line}, column ${pos.col}` : "";
      throw new SpecError([{ path: where, message: e.message.split("\n")[0] ?? "not valid YAML" }], source);
    }
    // The parser's other errors (an alias without its anchor, too many aliases) are the file's problems too.
    throw new SpecError([{ path: "", message: `not valid YAML: ${(e as Error).message.split("\n")[0]}` }], source);
  }
}

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

const pathText = (path: Path) =>
  path.reduce<string>((acc, seg) => (typeof seg === "number" ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)), "");

function unitFor(path: Path): string {
  const last = String(path[path.length - 1] ?? "");
  if (last.endsWith("GiB")) return " GiB";
  if (last.endsWith("Days")) return " days";
  if (last.endsWith("Seconds")) return " seconds";
  if (last === "cpu") return " vCPU";
  return "";
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg as string];
  }
  return v;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `a ${typeof v}`;
}

function describeIssue(issue: Issue, root: unknown, prefix: Path = [], base: z.core.$ZodType = StackSpec): SpecProblem[] {
  const path = [...prefix, ...issue.path];
  const at = pathText(path);
  const input = "input" in issue ? issue.input : valueAt(root, path);
  switch (issue.code) {
    case "invalid_type": {
      if (input === undefined) return [{ path: at, message: `is required (${issue.expected})` }];
      const expected = issue.expected === "object" || issue.expected === "record" ? "a mapping" : issue.expected === "array" ? "a list" : `a ${issue.expected}`;
      return [{ path: at, message: `${show(input)} is ${typeName(input)}; expected ${expected}` }];
    }
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string") return [{ path: at, message: min <= 1 ? "must not be empty" : `${show(input)} is shorter than ${min} characters` }];
      if (issue.origin === "array") return [{ path: at, message: `needs at least ${min} item${min === 1 ? "" : "s"}` }];
      return [{ path: at, message: `${show(input)} is below the minimum of ${min}${unitFor(path)}` }];
    }
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "string") return [{ path: at, message: `is ${String(input).length} characters long; the maximum is ${max}` }];
      if (issue.origin === "array") return [{ path: at, message: `has ${(input as unknown[]).length} items; the maximum is ${max}` }];
      return [{ path: at, message: `${show(input)} is above the maximum of ${max}${unitFor(path)}` }];
    }
    case "invalid_value": {
      const allowed = issue.values.map((v) => String(v));
      if (typeof input === "number" && allowed.includes(String(input))) {
        return [{ path: at, message: `${input} is a number; write it as a string: "${input}"` }];
      }
      const hint = typeof input === "string" ? didYouMean(input, allowed) : undefined;
      return [{ path: at, message: `${show(input)} is not allowed; allowed: ${allowed.join(", ")}${hint ? `. Did you mean "${hint}"?` : ""}` }];
    }
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const known = knownKeys(path, root, base);
        const hint = didYouMean(key, known);
        return {
          path: pathText([...path, key]),
          message: `unknown key${hint ? `; did you mean "${hint}"?` : ""}${known.length ? ` Allowed keys: ${known.join(", ")}` : ""}`,
        };
      });
    case "invalid_union": {
      if ("discriminator" in issue && issue.discriminator === "kind") {
        const kind = valueAt(root, path);
        const hint = typeof kind === "string" ? didYouMean(kind, COMPONENT_KINDS) : undefined;
        if (kind === undefined) return [{ path: at, message: `is required; one of ${COMPONENT_KINDS.join(", ")}` }];
        return [{ path: at, message: `${show(kind)} is not a component kind; allowed: ${COMPONENT_KINDS.join(", ")}${hint ? `. Did you mean "${hint}"?` : ""}` }];
      }
      // Report the branch the value was meant for: the one that did not fail on its type.
      const branches = issue.errors;
      const meant = branches.find((b) => !(b.length === 1 && b[0]?.code === "invalid_type" && b[0].path.length === 0)) ?? branches[0] ?? [];
      const typeOnly = branches.every((b) => b.length === 1 && b[0]?.code === "invalid_type" && b[0].path.length === 0);
      if (typeOnly) {
        const expected = branches.map((b) => (b[0] as { expected: string }).expected).join(" or ");
        return [{ path: at, message: `${show(input)} is ${typeName(input)}; expected ${expected}` }];
      }
      const described = meant.flatMap((i) => describeIssue(i, root, path, base));
      if (pathText(path).endsWith("size") && typeof input === "string") {
        return described.map((p) => ({ ...p, message: p.message.replace(/(; allowed: [^.]*)(\. Did you mean .*)?$/, (_m, allowed: string, hint = "") => `${allowed}, or an explicit { cpu, memoryGiB }${hint}`) }));
      }
      return described;
    }
    case "invalid_key":
      return notAName(input, issue.issues.flatMap((i) => describeIssue(i, root, path, base))).map((p) => ({ ...p, path: at }));
    case "invalid_format":
      return [{ path: at, message: `${show(input)} ${issue.message.startsWith("must") ? issue.message : issue.format === "regex" ? "does not have the allowed form" : `is not a valid ${issue.format}`}` }];
    case "custom":
      return [{ path: at, message: issue.message }];
    default:
      return [{ path: at, message: `${show(input)}: ${issue.message}` }];
  }
}

/** A name's problems (from its schema), as one sentence each about the name. */
function notAName(name: unknown, problems: SpecProblem[]): SpecProblem[] {
  return problems.map((p) => ({ path: "", message: `${show(name)} is not a valid name: ${p.message.replace(/^".*?" /, "")}` }));
}

/** The keys a mapping at `path` may hold, found by walking the schema (a stack's, or a component's). */
function knownKeys(path: Path, root: unknown, base: z.core.$ZodType = StackSpec): string[] {
  let schema: z.core.$ZodType | undefined = base;
  for (let i = 0; i <= path.length && schema; i++) {
    schema = unwrap(schema, valueAt(root, path.slice(0, i)));
    if (i === path.length) break;
    const seg = path[i];
    const def = schema._zod.def as unknown as Record<string, unknown>;
    if (def.type === "object") schema = (def.shape as Record<string, z.core.$ZodType>)[String(seg)];
    else if (def.type === "record") schema = def.valueType as z.core.$ZodType;
    else if (def.type === "array") schema = def.element as z.core.$ZodType;
    else schema = undefined;
  }
  if (!schema) return [];
  const def = schema._zod.def as unknown as Record<string, unknown>;
  return def.type === "object" ? Object.keys(def.shape as object) : [];
}

function unwrap(schema: z.core.$ZodType, value: unknown): z.core.$ZodType {
  let s = schema;
  for (;;) {
    const def = s._zod.def as unknown as Record<string, unknown>;
    if (def.type === "default" || def.type === "optional" || def.type === "prefault" || def.type === "nullable") s = def.innerType as z.core.$ZodType;
    else if (def.type === "pipe") s = def.in as z.core.$ZodType;
    else if (def.type === "union") {
      const options = def.options as z.core.$ZodType[];
      const kind = value && typeof value === "object" ? (value as { kind?: unknown }).kind : undefined;
      const match = options.find((o) => {
        const od = unwrapPlain(o)._zod.def as unknown as Record<string, unknown>;
        if (od.type !== "object") return false;
        const kindSchema = (od.shape as Record<string, z.core.$ZodType>).kind;
        if (kindSchema === undefined) return value !== null && typeof value === "object";
        return (kindSchema._zod.def as unknown as { values: unknown[] }).values.includes(kind);
      });
      if (!match) return s;
      s = match;
    } else return s;
  }
}

function unwrapPlain(schema: z.core.$ZodType): z.core.$ZodType {
  const def = schema._zod.def as unknown as Record<string, unknown>;
  return def.type === "pipe" ? (def.in as z.core.$ZodType) : schema;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Checks that span fields: links, scaling bounds, regions and residency. Run on the raw input so they add to schema problems. */
function semanticProblems(raw: unknown): SpecProblem[] {
  const problems: SpecProblem[] = [];
  if (!isRecord(raw)) {
    if (raw === undefined || raw === null) return [{ path: "", message: "is empty; a stack needs a name and components" }];
    return isRecord(raw) ? [] : [{ path: "", message: `${show(raw)} is ${typeName(raw)}; expected a mapping with name and components` }];
  }
  const components = isRecord(raw.components) ? raw.components : {};
  const names = Object.keys(components);
  if (isRecord(raw.components) && names.length === 0) problems.push({ path: "components", message: "is empty; a stack needs at least one component" });
  for (const name of names) {
    if (Object.hasOwn(Object.prototype, name)) problems.push({ path: `components.${name}`, message: `"${name}" is reserved in JavaScript; choose another component name` });
  }
  for (const [name, comp] of Object.entries(components)) {
    if (!isRecord(comp)) continue;
    problems.push(...componentProblems(comp, `components.${name}`));
    if (!Array.isArray(comp.links)) continue;
    envClashes(name, comp, components, problems);
    const seen = new Set<string>();
    comp.links.forEach((link, i) => {
      const target = typeof link === "string" ? link : isRecord(link) && typeof link.to === "string" ? link.to : undefined;
      if (target === undefined) return;
      const at = `components.${name}.links[${i}]`;
      if (seen.has(target)) problems.push({ path: at, message: `links to "${target}" twice; keep one link` });
      seen.add(target);
      if (target === name) problems.push({ path: at, message: `"${target}" links to itself; remove the link` });
      else if (!Object.hasOwn(components, target)) {
        const hint = didYouMean(target, names);
        problems.push({ path: at, message: `"${target}" is not a component of this stack (components: ${names.join(", ")})${hint ? `; did you mean "${hint}"?` : ""}` });
      } else {
        const tk = (components[target] as { kind?: unknown } | undefined)?.kind;
        if (typeof tk === "string" && tk !== "database" && tk !== "object-store" && (COMPONENT_KINDS as readonly string[]).includes(tk)) {
          problems.push({ path: at, message: `"${target}" is a ${tk}; links go to a database or an object-store` });
        }
      }
    });
  }
  regionProblems(raw, problems);
  return problems;
}

/** Checks that span one component's own fields, at `at` (the component's path in a stack file, "" on its own). */
function componentProblems(comp: Record<string, unknown>, at: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const path = (field: string) => (at ? `${at}.${field}` : field);
  const scaling = comp.scaling;
  if (isRecord(scaling) && typeof scaling.min === "number" && typeof scaling.max === "number" && scaling.min > scaling.max) {
    problems.push({ path: path("scaling"), message: `min ${scaling.min} is greater than max ${scaling.max}; set min <= max` });
  }
  if (comp.kind === "web-service" && comp.background === true && isRecord(scaling) && scaling.min === 0) {
    problems.push({ path: path("scaling.min"), message: "is 0, but a background service is never scaled to zero; set min to 1 or more, or remove background" });
  }
  if (comp.kind === "web-service") problems.push(...publicOnlyProblems(comp, path));
  if (comp.kind === "worker" && isRecord(scaling) && scaling.min === 0) {
    problems.push({ path: path("scaling.min"), message: "is 0, but nothing wakes a worker from zero (it takes no requests and has no trigger); set min to 1 or more, or make it a scheduled-job" });
  }
  return problems;
}

/** Settings that only mean something for a public service, and a domain's zone. */
function publicOnlyProblems(comp: Record<string, unknown>, path: (field: string) => string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  if (comp.public !== true) {
    if (comp.domain !== undefined) problems.push({ path: path("domain"), message: "a domain needs a public service; set public: true or remove domain" });
    if (comp.ipAllowList !== undefined) problems.push({ path: path("ipAllowList"), message: "applies to a public service only (a private one is reachable only inside the stack's network); set public: true or remove ipAllowList" });
    if (comp.webApplicationFirewall === true) problems.push({ path: path("webApplicationFirewall"), message: "applies to a public service only; set public: true or remove webApplicationFirewall" });
  }
  if (comp.domainZone === undefined) return problems;
  if (typeof comp.domain !== "string") {
    problems.push({ path: path("domainZone"), message: "is set without a domain; set domain or remove domainZone" });
  } else if (typeof comp.domainZone === "string" && !domainInZone(comp.domain, comp.domainZone)) {
    problems.push({ path: path("domainZone"), message: `${show(comp.domainZone)} does not contain the domain ${show(comp.domain)}; the zone must be the domain itself or a parent of it` });
  }
  return problems;
}

/** A service's own env must not set a variable its links inject. */
function envClashes(name: string, comp: Record<string, unknown>, components: Record<string, unknown>, problems: SpecProblem[]) {
  if (!Array.isArray(comp.links)) return;
  const targets: Array<{ name: string; kind: LinkKind }> = [];
  for (const link of comp.links) {
    const to = typeof link === "string" ? link : isRecord(link) && typeof link.to === "string" ? link.to : undefined;
    const kind = to !== undefined && Object.hasOwn(components, to) ? (components[to] as { kind?: unknown } | undefined)?.kind : undefined;
    if (to !== undefined && (kind === "database" || kind === "object-store")) targets.push({ name: to, kind });
  }
  problems.push(...linkEnvClashes(comp.env, targets, `components.${name}`));
}

/**
 * A service's own `env` variables that its links also set (`at` is the service's path in a stack file, "" on
 * its own): the same check for a stack file and a program.
 */
export function linkEnvClashes(env: unknown, links: ReadonlyArray<{ name: string; kind: LinkKind }>, at = ""): SpecProblem[] {
  if (!isRecord(env)) return [];
  const targets = links.filter((l, i) => links.findIndex((x) => x.name === l.name) === i);
  const injected = new Set(linkVariableNames(targets));
  return Object.keys(env)
    .filter((key) => injected.has(key))
    .map((key) => ({ path: at ? `${at}.env.${key}` : `env.${key}`, message: "is set by a link; remove it from env or rename it" }));
}

function regionProblems(raw: Record<string, unknown>, problems: SpecProblem[], clouds: readonly Cloud[] = CLOUDS) {
  if (raw.region !== undefined && (typeof raw.region !== "string" || !Object.hasOwn(NEUTRAL_REGIONS, raw.region))) return; // reported by the schema
  const region = (raw.region ?? "london") as NeutralRegion;
  const overrides: Partial<Record<(typeof CLOUDS)[number], string>> = {};
  if (isRecord(raw.regions)) {
    for (const cloud of CLOUDS) {
      const code = raw.regions[cloud];
      if (typeof code !== "string") continue;
      const known = Object.keys(CLOUD_REGIONS[cloud]);
      if (!known.includes(code)) {
        const hint = didYouMean(code, known);
        problems.push({ path: `regions.${cloud}`, message: `${show(code)} is not a region Freehold knows for ${cloud}; allowed: ${known.join(", ")}${hint ? `. Did you mean "${hint}"?` : ""}` });
      } else overrides[cloud] = code;
    }
  }
  const residency = (raw.residency ?? "none") as Residency;
  if (typeof residency !== "string" || !Object.hasOwn(RESIDENCIES, residency)) return;
  for (const cloud of clouds) {
    const choice = resolveRegion(cloud, region, overrides);
    if (!choice) continue;
    const allowed: readonly string[] | undefined = RESIDENCIES[residency];
    if (allowed && !allowed.includes(choice.country)) {
      const where = overrides[cloud] ? `regions.${cloud}` : "region";
      const chosen = overrides[cloud] || raw.region !== undefined ? "" : ` (region is not set: "london" is the default; set region, or regions.${cloud})`;
      problems.push({
        path: where,
        message: `${cloud} region ${choice.region} (${choice.city}, ${choice.country}) is outside the ${residency} residency${chosen}; allowed countries: ${allowed.join(", ")}`,
      });
    }
  }
}

function dedupe(problems: SpecProblem[]): SpecProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\u0000${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Stack-wide settings on their own (a Pulumi program gives them as `freehold:*` config). */
const StackSettingsSpec = StackSpec.pick({ name: true, region: true, regions: true, residency: true, tags: true, network: true });

/**
 * Validate stack-wide settings, with the same checks and messages as parseStack. A stack file is planned on
 * every cloud, so its region is checked on all three; a program deploys to one, so `clouds` names it and a
 * residency is checked only where the program deploys.
 */
export function parseStackSettings(input: unknown, source = "freehold config", clouds: readonly Cloud[] = CLOUDS): StackSettings {
  const result = StackSettingsSpec.safeParse(input, { reportInput: true });
  const problems = result.success ? [] : result.error.issues.flatMap((i) => describeIssue(i, input));
  if (isRecord(input)) regionProblems(input, problems, clouds);
  if (problems.length > 0 || !result.success) throw new SpecError(dedupe(problems), source);
  return result.data;
}

/**
 * Parse a usage file (YAML or JSON) into usage with every figure filled in.
 * With the stack's components, also checks that each component named exists
 * and that its figures apply to its kind. Throws one SpecError listing every problem.
 */
export function parseUsage(input: string | unknown, options: ParseOptions & { components?: ReadonlyArray<{ name: string; kind: keyof KindUsage }> } = {}): Usage {
  const source = options.source ?? "usage file";
  const raw = typeof input === "string" ? parseText(input, source) : input;
  const given = raw === undefined || raw === null ? {} : raw;
  const result = UsageFileSpec.safeParse(given, { reportInput: true });
  const problems = result.success ? [] : result.error.issues.flatMap((i) => describeIssue(i, given, [], UsageFileSpec));
  if (options.components && isRecord(given) && isRecord(given.components)) problems.push(...usageComponentProblems(given.components, options.components));
  if (problems.length > 0 || !result.success) throw new SpecError(dedupe(problems), source);
  const file = result.data;
  const d = USAGE_DEFAULTS.defaults;
  const perKind = (file.defaults ?? {}) as { [K in keyof KindUsage]?: Partial<KindUsage[K]> };
  const kinds = Object.keys(d) as Array<keyof KindUsage>;
  return {
    hoursPerMonth: file.hoursPerMonth ?? USAGE_DEFAULTS.hoursPerMonth,
    months: file.months ?? USAGE_DEFAULTS.months,
    defaults: Object.fromEntries(kinds.map((k) => [k, { ...d[k], ...perKind[k] }])) as unknown as KindUsage,
    components: file.components ?? {},
    source,
    defaultsGiven: Object.fromEntries(kinds.map((k) => [k, Object.keys(perKind[k] ?? {})])),
  };
}

/** Components a usage file names that the stack lacks, and figures that do not apply to a component's kind. */
function usageComponentProblems(given: Record<string, unknown>, components: ReadonlyArray<{ name: string; kind: keyof KindUsage }>): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const names = components.map((c) => c.name);
  for (const [name, figures] of Object.entries(given)) {
    const c = components.find((x) => x.name === name);
    if (!c) {
      const hint = didYouMean(name, names);
      problems.push({ path: `components.${name}`, message: `the stack has no component "${name}"${hint ? `; did you mean "${hint}"?` : ""} Components: ${names.join(", ") || "none"}` });
      continue;
    }
    if (!isRecord(figures)) continue;
    const allowed = USAGE_FIELDS[c.kind] as readonly string[];
    const known = new Set(Object.values(USAGE_FIELDS).flat() as string[]);
    for (const key of Object.keys(figures)) {
      if (known.has(key) && !allowed.includes(key)) problems.push({ path: `components.${name}.${key}`, message: `does not apply to a ${c.kind}; allowed for ${name}: ${allowed.join(", ")}` });
    }
  }
  return problems;
}
