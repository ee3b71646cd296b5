/**
 * Where each resource type and invoke of a plan lives in the Pulumi SDKs that
 * registered it: the npm package, the module to import and the export's name,
 * and the package version to pin. Found from the SDK packages this process has
 * loaded (the ones the plan was made with), by the type token each resource
 * class declares (`__pulumiType`), so it holds for any Pulumi package.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";

export interface SdkPackage {
  /** npm name, e.g. "@pulumi/aws". */
  npm: string;
  version: string;
  root: string;
  /** The Pulumi package (resource plugin) name, e.g. "aws", "azure-native", "time". */
  pulumiName?: string;
}

export interface SdkExport {
  package: SdkPackage;
  /** Module specifier to import, e.g. "@pulumi/aws/s3". */
  module: string;
  /** The export to use, e.g. "Bucket" or "getClientConfigOutput". */
  name: string;
  /** True when the module is one resource's own file (imported by name), false for a module namespace. */
  named: boolean;
}

/** Packages whose package.json names a Pulumi resource plugin, from the modules loaded into this process. */
function loadedPulumiPackages(): Map<string, SdkPackage> {
  const found = new Map<string, SdkPackage>();
  const roots = new Set<string>();
  const marker = `${sep}node_modules${sep}`;
  for (const file of Object.keys(require.cache)) {
    const at = file.lastIndexOf(marker);
    if (at < 0) continue;
    const rest = file.slice(at + marker.length).split(sep);
    const depth = rest[0]?.startsWith("@") ? 2 : 1;
    roots.add(file.slice(0, at + marker.length) + rest.slice(0, depth).join(sep));
  }
  for (const root of roots) {
    const pkgFile = join(root, "package.json");
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { name?: string; version?: string; pulumi?: { resource?: boolean; name?: string } };
    if (pkg.pulumi?.resource && pkg.pulumi.name && pkg.name && !found.has(pkg.pulumi.name)) found.set(pkg.pulumi.name, { npm: pkg.name, version: npmVersion(pkg.version), root, pulumiName: pkg.pulumi.name });
  }
  return found;
}

/** A package.json version as npm pins it: some Pulumi packages write theirs with a "v" (`v0.1.1`). */
export const npmVersion = (v: string | undefined): string => (v ? v.replace(/^v(?=\d)/, "") : "*");

/** The npm package and version of @pulumi/pulumi as loaded here. */
export function pulumiSdk(): SdkPackage {
  const file = require.resolve("@pulumi/pulumi/package.json");
  const pkg = JSON.parse(readFileSync(file, "utf8")) as { version: string };
  return { npm: "@pulumi/pulumi", version: pkg.version, root: dirname(file) };
}

type Module = Record<string, unknown>;

export class SdkIndex {
  private packages = loadedPulumiPackages();
  private cache = new Map<string, SdkExport | undefined>();

  /** The class registering `token` (a resource type, or `pulumi:providers:<pkg>`). */
  resource(token: string): SdkExport | undefined {
    return this.memo(`resource ${token}`, () => {
      const provider = /^pulumi:providers:(.+)$/.exec(token);
      if (provider) return this.find(provider[1] as string, ["provider"], "Provider", (v) => (v as { __pulumiType?: string }).__pulumiType === provider[1]);
      const [pkg, mod, name] = token.split(":");
      if (!pkg || mod === undefined || !name) return undefined;
      return this.find(pkg, modulePaths(mod), name, (v) => (v as { __pulumiType?: string }).__pulumiType === token);
    });
  }

  /** The function making invoke `token`, in its Output form (it takes Inputs). */
  invoke(token: string): SdkExport | undefined {
    return this.memo(`invoke ${token}`, () => {
      const [pkg, mod, name] = token.split(":");
      if (!pkg || mod === undefined || !name) return undefined;
      return this.find(pkg, modulePaths(mod), `${name}Output`, (v) => typeof v === "function");
    });
  }

  /**
   * The properties a program may read from a resource of this class (its
   * declared outputs, `id` and `urn`) or from an invoke's result; undefined
   * when the declaration cannot be read (then any property is allowed).
   */
  readable(exp: SdkExport, kind: "resource" | "invoke"): Set<string> | undefined {
    const props = this.declared(exp, kind);
    return props ? new Set(props.keys()) : undefined;
  }

  /** Whether a resource class's module exports its arguments' type (`JobArgs` beside `Job`), for a value written before the resource. */
  exportsArgs(exp: SdkExport): boolean {
    const base = join(exp.package.root, exp.module.slice(exp.package.npm.length + 1));
    const file = exp.named ? `${base}.d.ts` : join(base, "index.d.ts");
    return existsSync(file) && new RegExp(`\\b${exp.name}Args\\b`).test(readFileSync(file, "utf8"));
  }

  /** Whether an invoke function takes arguments before its options (`getClientConfigOutput(opts)` takes none). */
  takesArguments(exp: SdkExport): boolean {
    const file = declarationFile(exp, exp.name);
    const text = file && existsSync(file) ? readFileSync(file, "utf8") : "";
    const m = new RegExp(`export declare function ${exp.name}\\((\\w+)`).exec(text);
    return m ? m[1] !== "opts" : true;
  }

  /** Whether a declared output (or invoke result property) may be undefined: reading inside it needs an `apply`. */
  optional(exp: SdkExport, kind: "resource" | "invoke", property: string): boolean {
    return this.declared(exp, kind)?.get(property)?.optional ?? false;
  }

  private declared(exp: SdkExport, kind: "resource" | "invoke"): Map<string, { optional: boolean }> | undefined {
    const key = `declared ${exp.module} ${exp.name}`;
    if (!this.readableCache.has(key)) this.readableCache.set(key, declaredProperties(exp, kind));
    return this.readableCache.get(key);
  }

  private readableCache = new Map<string, Map<string, { optional: boolean }> | undefined>();

  /**
   * The inputs a class sends to the engine as JSON strings although the
   * program gives them as objects, lists, booleans or numbers: a provider's
   * (`assumeRoles`, `skipRegionValidation`), read from the class's own code,
   * where the generated SDK writes `pulumi.output(args?.x).apply(JSON.stringify)`.
   */
  jsonInputs(exp: SdkExport): Set<string> {
    const key = `json ${exp.module} ${exp.name}`;
    let found = this.jsonCache.get(key);
    if (!found) {
      found = new Set();
      const file = declarationFile(exp, exp.name)?.replace(/\.d\.ts$/, ".js");
      const text = file && existsSync(file) ? readFileSync(file, "utf8") : "";
      for (const m of text.matchAll(/resourceInputs\["(\w+)"\] = pulumi\.output\([^;]*\)\.apply\(JSON\.stringify\)/g)) found.add(m[1] as string);
      this.jsonCache.set(key, found);
    }
    return found;
  }

  private jsonCache = new Map<string, Set<string>>();

  private memo(key: string, f: () => SdkExport | undefined): SdkExport | undefined {
    if (!this.cache.has(key)) this.cache.set(key, f());
    return this.cache.get(key);
  }

  private find(pkgName: string, paths: string[], exportName: string, ok: (v: unknown) => boolean): SdkExport | undefined {
    if (!this.packages.has(pkgName)) this.packages = loadedPulumiPackages();
    const pkg = this.packages.get(pkgName);
    if (!pkg) return undefined;
    for (const path of paths) {
      const file = path ? join(pkg.root, path) : pkg.root;
      let mod: Module;
      try {
        mod = require(file) as Module;
      } catch {
        continue;
      }
      const value = mod[exportName];
      if (value !== undefined && ok(value)) {
        // A module's index is imported as a namespace; a single file (an `index` module's member) by name.
        const named = !existsSync(join(file, "index.js"));
        return { package: pkg, module: path ? `${pkg.npm}/${path}` : pkg.npm, name: exportName, named };
      }
    }
    return undefined;
  }
}

/**
 * Module paths to try for a token's module part, the module a person would
 * import first: `s3/bucket` -> `s3` (the module), then `s3/bucket` (the file);
 * `index/randomPassword` -> `randomPassword` (the member's own file: no need to
 * load the package's root), then the root.
 */
function modulePaths(mod: string): string[] {
  const parts = mod.split("/");
  if (parts[0] === "index") return [...(parts.length > 1 ? [parts.slice(1).join("/")] : []), ""];
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}

/** The declaration file of an export: its own file, or the file the module index points to. */
function declarationFile(exp: SdkExport, name: string): string | undefined {
  const base = join(exp.package.root, exp.module.slice(exp.package.npm.length + 1));
  if (exp.named) return `${base}.d.ts`;
  const index = join(base, "index.d.ts");
  if (!existsSync(index)) return undefined;
  const m = new RegExp(`export declare const ${name}: typeof import\\("([^"]+)"\\)\\.${name};`).exec(readFileSync(index, "utf8"));
  return m ? join(base, `${m[1]}.d.ts`) : undefined;
}

/** The properties a resource class declares as outputs (or an invoke's result has), and whether each may be undefined. */
function declaredProperties(exp: SdkExport, kind: "resource" | "invoke"): Map<string, { optional: boolean }> | undefined {
  const file = declarationFile(exp, exp.name);
  if (!file || !existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  const head = kind === "resource" ? `export declare class ${exp.name} ` : `export interface ${exp.name[0]?.toUpperCase()}${exp.name.slice(1).replace(/Output$/, "")}Result {`;
  const start = text.indexOf(head);
  if (start < 0) return undefined;
  const end = text.indexOf("\n}", start);
  const body = text.slice(start, end < 0 ? undefined : end);
  const props = new Map<string, { optional: boolean }>(kind === "resource" ? [["id", { optional: false }], ["urn", { optional: false }]] : []);
  const pattern = kind === "resource" ? /^\s+readonly (\w+)(\??): pulumi\.Output<([^\n]*)/gm : /^\s+readonly (\w+)(\??): ([^\n]*)/gm;
  for (const m of body.matchAll(pattern)) props.set(m[1] as string, { optional: m[2] === "?" || /\| undefined>?;$/.test(m[3] as string) });
  return props;
}
