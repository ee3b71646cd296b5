import * as pulumi from "@pulumi/pulumi";
import {
  type Cloud,
  type NEUTRAL_REGIONS,
  parseStackSettings,
  resolveRegion,
  type StackSettings,
  type StackSettingsInput,
  UnsupportedFeatureError,
} from "@freehold/model";
import type { Backend, StackContext } from "./backend";
import { assertCloud, CloudChoiceError, loadBackend } from "./loader";

/** Options every Freehold component takes, besides Pulumi's own. */
export interface FreeholdOptions extends pulumi.ComponentResourceOptions {
  /** The cloud to deploy to. @default - the `freehold:cloud` config value */
  cloud?: Cloud;
  /** Stack-wide settings. @default - the `freehold:name`, `freehold:region`, `freehold:regions`, `freehold:residency` and `freehold:tags` config values */
  stack?: StackSettingsInput;
}

/** The backend for a component: the explicit option, else `freehold:cloud` config, else a clear error. */
export function chooseBackend(cloud?: Cloud): Backend {
  if (cloud !== undefined) return loadBackend(assertCloud(cloud, "the cloud option"));
  const configured = new pulumi.Config("freehold").get("cloud");
  if (configured === undefined) {
    throw new CloudChoiceError(
      "No cloud chosen: run `pulumi config set freehold:cloud aws` (or azure, gcp), or pass { cloud: \"aws\" } in the component's options.",
    );
  }
  return loadBackend(assertCloud(configured, "freehold:cloud"));
}

/** Stack settings from explicit options, else from `freehold:*` config. */
export function stackSettings(explicit?: StackSettingsInput): StackSettings {
  if (explicit) return parseStackSettings({ ...explicit, name: explicit.name ?? pulumi.getProject() }, "stack settings");
  const config = new pulumi.Config("freehold");
  const raw: Record<string, unknown> = { name: config.get("name") ?? pulumi.getProject() };
  for (const key of ["region", "residency"] as const) {
    const v = config.get(key);
    if (v !== undefined) raw[key] = v;
  }
  for (const key of ["regions", "tags"] as const) {
    const v = config.getObject<Record<string, string>>(key);
    if (v !== undefined) raw[key] = v;
  }
  return parseStackSettings(raw, "freehold:* config");
}

/** The context a backend deploys into: settings resolved to this cloud's region. */
export function stackContext(backend: Backend, settings: StackSettings): StackContext {
  const region = resolveRegion(backend.cloud, settings.region as keyof typeof NEUTRAL_REGIONS, settings.regions);
  if (!region) {
    throw new UnsupportedFeatureError(
      "stack",
      `region "${settings.region}"`,
      backend.cloud,
      `${backend.displayName} has no region for "${settings.region}"`,
      `Set regions.${backend.cloud} to a ${backend.cloud} region`,
    );
  }
  return { name: settings.name, region, residency: settings.residency, tags: { ...settings.tags, "managed-by": "freehold", "freehold-stack": settings.name } };
}

const fallbackScope = {};
const platforms = new WeakMap<object, Map<string, { context: StackContext; platform: unknown }>>();

/**
 * The shared platform (network, resource group, logs) for a backend and stack,
 * created on first use. Scoped to the running Pulumi stack, so each program run
 * (and each mock run in tests) gets its own.
 */
export function platformFor(backend: Backend, settings: StackSettings): { context: StackContext; platform: unknown } {
  const scope: object = pulumi.runtime.getStackResource() ?? fallbackScope;
  let byKey = platforms.get(scope);
  if (!byKey) {
    byKey = new Map();
    platforms.set(scope, byKey);
  }
  const key = `${backend.cloud}/${settings.name}`;
  let entry = byKey.get(key);
  if (!entry) {
    const context = stackContext(backend, settings);
    const parent = new Platform(settings.name, { cloud: backend.cloud });
    const platform = backend.createPlatform(context, parent);
    parent.done();
    entry = { context, platform };
    byKey.set(key, entry);
  }
  return entry;
}

/** The stack-level parent of the shared resources: `freehold:index:Platform`. */
export class Platform extends pulumi.ComponentResource {
  constructor(name: string, args: { cloud: Cloud }, opts?: pulumi.ComponentResourceOptions) {
    super("freehold:index:Platform", name, args, opts);
  }
  /** @internal */
  done(): void {
    this.registerOutputs({});
  }
}
