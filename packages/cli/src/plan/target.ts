import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { parseStack } from "@freehold/model";
import { parse as parseYaml } from "yaml";
import { InputError } from "../errors";

export type Target =
  | { kind: "stack"; file: string; text: string; stack: string }
  | { kind: "program"; dir: string; entry: string; project: string; config: Record<string, string>; stack: string };

/** The Pulumi stack planned when `--stack` is not given. */
export const DEFAULT_STACK = "dev";

/** Pulumi's rule for a stack name: letters, digits, `-`, `_` and `.`, at most 100 (https://www.pulumi.com/docs/iac/concepts/stacks/). */
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * What a command was pointed at: a stack file (freehold.yaml / .json), or a
 * Pulumi program directory (Pulumi.yaml and its entry point, TypeScript included).
 * A directory without Pulumi.yaml but with freehold.yaml is taken as that stack file.
 */
export function resolveTarget(path: string, stackName: string = DEFAULT_STACK): Target {
  if (!STACK_NAME.test(stackName)) {
    throw new InputError(`--stack: ${JSON.stringify(stackName)} is not a Pulumi stack name; allowed: 1-100 letters, digits, "-", "_" and "."`);
  }
  const abs = resolve(path);
  if (!existsSync(abs)) throw new InputError(`${path}: no such file or directory. Give a stack file (freehold.yaml) or a Pulumi program directory.`);
  if (statSync(abs).isDirectory()) {
    const pulumiYaml = ["Pulumi.yaml", "Pulumi.yml"].map((f) => join(abs, f)).find(existsSync);
    if (pulumiYaml) return programTarget(abs, pulumiYaml, stackName);
    const stackFile = ["freehold.yaml", "freehold.yml", "freehold.json"].map((f) => join(abs, f)).find(existsSync);
    if (stackFile) return { kind: "stack", file: stackFile, text: readFileSync(stackFile, "utf8"), stack: stackName };
    throw new InputError(`${path}: a directory with neither Pulumi.yaml nor freehold.yaml. Give a stack file or a Pulumi program directory.`);
  }
  if (basename(abs).startsWith("Pulumi.y")) return programTarget(dirname(abs), abs, stackName);
  return { kind: "stack", file: abs, text: readFileSync(abs, "utf8"), stack: stackName };
}

function programTarget(dir: string, pulumiYaml: string, stackName: string): Target {
  let project: { name?: unknown; main?: unknown; runtime?: unknown; config?: unknown };
  try {
    project = parseYaml(readFileSync(pulumiYaml, "utf8")) ?? {};
  } catch (e) {
    throw new InputError(`${pulumiYaml}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const runtime = typeof project.runtime === "string" ? project.runtime : (project.runtime as { name?: string } | undefined)?.name;
  if (runtime !== "nodejs") throw new InputError(`${pulumiYaml}: runtime is ${JSON.stringify(runtime)}; freehold plans Node.js (TypeScript or JavaScript) programs only`);
  if (typeof project.name !== "string") throw new InputError(`${pulumiYaml}: has no name`);
  const mainDir = typeof project.main === "string" ? join(dir, project.main) : dir;
  const entry = entryPoint(mainDir);
  if (!entry) throw new InputError(`${dir}: no program entry point (index.ts, index.js or package.json "main")`);
  const config: Record<string, string> = {};
  addConfig(config, project.name, project.config, true);
  // A stack without its own config file is a new stack: Pulumi plans it with the project's config alone.
  const stackFile = join(dir, `Pulumi.${stackName}.yaml`);
  if (existsSync(stackFile)) {
    let stack: { config?: unknown };
    try {
      stack = (parseYaml(readFileSync(stackFile, "utf8")) ?? {}) as { config?: unknown };
    } catch (e) {
      throw new InputError(`${stackFile}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
    addConfig(config, project.name, stack.config, false);
  }
  return { kind: "program", dir, entry, project: project.name, config, stack: stackName };
}

function entryPoint(dir: string): string | undefined {
  const pkg = join(dir, "package.json");
  if (existsSync(pkg)) {
    const main = (JSON.parse(readFileSync(pkg, "utf8")) as { main?: string }).main;
    if (main && existsSync(join(dir, main))) return join(dir, main);
  }
  return ["index.ts", "index.js"].map((f) => join(dir, f)).find(existsSync);
}

/** Pulumi config: `ns:key: value` (stack files) or `ns:key: { value }` (project files); objects become JSON. */
function addConfig(into: Record<string, string>, project: string, raw: unknown, projectLevel: boolean) {
  if (!raw || typeof raw !== "object") return;
  for (const [k, v] of Object.entries(raw)) {
    const key = k.includes(":") ? k : `${project}:${k}`;
    let value: unknown = v;
    if (projectLevel && v && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (!("value" in o) && !("default" in o)) continue;
      value = o.value ?? o.default;
    }
    if (value === undefined || value === null) continue;
    into[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
}

/** Parse a stack file before planning, so a bad spec is reported once, not once per cloud. */
export function validateTarget(target: Target): void {
  if (target.kind === "stack") parseStack(target.text, { source: relative(process.cwd(), target.file) || target.file });
}
