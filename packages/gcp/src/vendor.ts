/**
 * The per-cloud escape hatch: `spec.vendor.gcp.<role>` is deep-merged over the
 * arguments Freehold sets for the child resource with that role. Objects merge
 * key by key, so `{ template: { timeout: "30s" } }` keeps every other template
 * setting; anything else (a string, a number, a list) replaces what Freehold
 * set, so a list is given whole.
 */
import { SpecError, type VendorSettingsSpec } from "@freehold/model";
import * as pulumi from "@pulumi/pulumi";

/** Vendor settings checked against the roles a component has: an unknown role is a SpecError. */
export function vendorSettings(component: string, vendor: VendorSettingsSpec | undefined, roles: readonly string[]): Record<string, Record<string, unknown>> {
  const settings = vendor?.gcp ?? {};
  const unknown = Object.keys(settings).filter((r) => !roles.includes(r));
  if (unknown.length) {
    throw new SpecError(
      unknown.map((r) => ({ path: `vendor.gcp.${r}`, message: `is not a child resource of this component on gcp; roles allowed: ${roles.join(", ")}` })),
      `component "${component}"`,
    );
  }
  return settings;
}

/** A plain object (not a list, an Output or a resource): the only thing that merges. */
function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !pulumi.Output.isInstance(v) && !(v instanceof pulumi.Resource) && Object.getPrototypeOf(v) === Object.prototype;
}

/** `extra` merged into `base`, objects key by key, everything else replaced. */
export function deepMerge(base: unknown, extra: unknown): unknown {
  if (!isPlain(base) || !isPlain(extra)) return extra;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra)) out[k] = k in base ? deepMerge(base[k], v) : v;
  return out;
}

/** Args with the role's vendor settings deep-merged over them. */
export function withVendor<T extends object>(args: T, settings: Record<string, Record<string, unknown>>, role: string): T {
  const extra = settings[role];
  return extra ? (deepMerge(args, extra) as T) : args;
}
