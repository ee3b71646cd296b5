import * as pulumi from "@pulumi/pulumi";
import {
  type Cloud,
  type NEUTRAL_REGIONS,
  parseStackSettings,
  resolveRegion,
  SpecError,
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
  /** Stack-wide settings. @default - the `freehold:name`, `freehold:region`, `freehold:regions`, `freehold:residency`, `freehold:tags` and `freehold:network` config values */
  stack?: StackSettingsInput;
  /**
   * The name of the shared platform (network, cluster, resource group...) the
   * component uses, which every physical name of the platform and of the
   * component carries. Give the stack name (`freehold:name`, by default the
   * Pulumi project) to keep an existing stack's names when you add an explicit
   * provider: nothing is renamed, so nothing is replaced (docs/providers.md).
   * Components given different providers need different platform names.
   * @default - the stack name, and with an explicit provider of this cloud, `<stack name>-<provider's name>`
   */
  platform?: string;
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

/**
 * Stack settings from explicit options, else from `freehold:*` config. A residency is checked against the
 * region of the cloud the component deploys to (`cloud`), not the two it does not use.
 */
export function stackSettings(explicit?: StackSettingsInput, cloud?: Cloud): StackSettings {
  const clouds = cloud ? [cloud] : undefined;
  // An absent name is the Pulumi project's; any other value (null included) is validated as a stack file's would be.
  if (explicit) return parseStackSettings({ ...explicit, name: explicit.name === undefined ? pulumi.getProject() : explicit.name }, "stack settings", clouds);
  const config = new pulumi.Config("freehold");
  const raw: Record<string, unknown> = { name: config.get("name") ?? pulumi.getProject() };
  for (const key of ["region", "residency"] as const) {
    const v = config.get(key);
    if (v !== undefined) raw[key] = v;
  }
  for (const key of ["regions", "tags", "network"] as const) {
    const v = config.getObject<Record<string, string>>(key);
    if (v !== undefined) raw[key] = v;
  }
  return parseStackSettings(raw, "freehold:* config", clouds);
}

/** The context a backend deploys into: settings resolved to this cloud's region, names scoped to the Pulumi stack. */
export function stackContext(backend: Backend, settings: StackSettings, scope: { stack?: string; discriminator?: string } = {}): StackContext {
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
  const stack = scope.stack ?? pulumi.getStack();
  const prefix = [settings.name, stack, scope.discriminator].filter((p): p is string => Boolean(p)).join("-");
  return {
    name: settings.name,
    stack,
    prefix,
    region,
    residency: settings.residency,
    tags: { ...settings.tags, "managed-by": "freehold", "freehold-stack": settings.name, "pulumi-stack": tagValue(stack) },
    ...(settings.network ? { network: settings.network } : {}),
  };
}

/** A Pulumi stack name as a tag/label value every cloud accepts (GCP labels are the strictest: lowercase, digits, _ and -, at most 63). */
function tagValue(v: string): string {
  return v.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63);
}

/** The providers a resource passes to its children, by package (Pulumi keeps them as `__providers`). */
function providersOf(resource: pulumi.Resource): Record<string, pulumi.ProviderResource> {
  return (resource as unknown as { __providers?: Record<string, pulumi.ProviderResource> }).__providers ?? {};
}

/** The logical name a resource was created with (Pulumi keeps it as `__name`). */
export function logicalName(resource: pulumi.Resource): string {
  return (resource as unknown as { __name?: string }).__name ?? "";
}

const fallbackScope = {};
const platforms = new WeakMap<object, Map<string, { context: StackContext; platform: unknown; name: string }>>();

/**
 * The shared platform (network, resource group, logs) for a backend, a stack
 * and a set of providers, created on first use by a component. It is a child of
 * that component's parent, with the component's providers, protection and
 * transformations, so its resources land in the same account, region,
 * subscription or project as the component's own. Components given different
 * providers get separate platforms. Scoped to the running Pulumi stack, so each
 * program run (and each mock run in tests) gets its own.
 */
export function platformFor(backend: Backend, settings: StackSettings, component: pulumi.ComponentResource, opts: FreeholdOptions): { context: StackContext; platform: unknown } {
  const scope: object = pulumi.runtime.getStackResource() ?? fallbackScope;
  let byKey = platforms.get(scope);
  if (!byKey) {
    byKey = new Map();
    platforms.set(scope, byKey);
  }
  const providers = providersOf(component);
  // Only this cloud's providers decide where the platform lives (a random or time provider does not).
  const own = Object.entries(providers)
    .filter(([pkg]) => backend.providerPackages.includes(pkg))
    .sort(([a], [b]) => a.localeCompare(b));
  const providerKey = own.map(([pkg, p]) => `${pkg}=${logicalName(p)}`).join(",");
  if (opts.platform !== undefined && (typeof opts.platform !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(opts.platform))) {
    throw new SpecError([{ path: "platform", message: `${JSON.stringify(opts.platform)} is not a platform name; allowed: letters, digits, "-" and "_", starting with a letter or digit (the stack name keeps the stack's own names)` }]);
  }
  const name = opts.platform ?? (own.length ? `${settings.name}-${own.map(([, p]) => logicalName(p)).join("-")}` : settings.name);
  const key = `${backend.cloud}/${settings.name}/${providerKey}/${JSON.stringify(settings.network?.[backend.cloud] ?? null)}/${name}`;
  let entry = byKey.get(key);
  if (!entry) {
    const clash = [...byKey.entries()].find(([k, e]) => e.name === name && k.startsWith(`${backend.cloud}/`));
    if (clash) {
      throw new SpecError([
        {
          path: "platform",
          message: `two platforms named "${name}": components given different providers (or networks) need different platform names, or the same providers. Give this component another \`platform\`, or leave it out.`,
        },
      ]);
    }
    // The stack's own platform adds nothing to physical names; any other adds its name past the stack's.
    const discriminator = name === settings.name ? undefined : name.startsWith(`${settings.name}-`) ? name.slice(settings.name.length + 1) : name;
    const context = stackContext(backend, settings, { discriminator });
    const parent = new Platform(
      name,
      { cloud: backend.cloud },
      {
        parent: opts.parent,
        providers: Object.values(providers),
        ...(opts.protect !== undefined ? { protect: opts.protect } : {}),
        ...(opts.transformations ? { transformations: opts.transformations } : {}),
        ...(opts.transforms ? { transforms: opts.transforms } : {}),
      },
    );
    const platform = backend.createPlatform(context, parent);
    parent.done();
    entry = { context, platform, name };
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
