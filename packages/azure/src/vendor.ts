import * as pulumi from "@pulumi/pulumi";
import { SpecError, type VendorSettingsSpec } from "@freehold/model";

/** A plain object a vendor setting can merge into (not an Output, a resource or an array). */
function isPlain(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v) || pulumi.Output.isInstance(v) || pulumi.Resource.isInstance(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * `extra` merged into `base`: objects key by key, at every depth; anything else
 * (a value, a list, an Output) in `extra` replaces what `base` has there. So
 * `vendor.azure.server.backup.geoRedundantBackup` changes that one field and
 * keeps the spec's retention.
 */
export function deepMerge<T>(base: T, extra: unknown): T {
  if (!isPlain(base) || !isPlain(extra)) return (extra === undefined ? base : extra) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra)) out[k] = k in out ? deepMerge(out[k], v) : v;
  return out as T;
}

/**
 * The vendor escape hatch: `spec.vendor.azure.<role>` is merged (deeply) into
 * the arguments of the child resource with that role, and the plan shows the
 * merged arguments. Unknown roles are a SpecError naming the roles this
 * component has.
 */
export function vendorSettings(component: string, vendor: VendorSettingsSpec | undefined, roles: readonly string[]) {
  const settings = vendor?.azure ?? {};
  const unknown = Object.keys(settings).filter((r) => !roles.includes(r));
  if (unknown.length) {
    throw new SpecError(
      unknown.map((r) => ({ path: `vendor.azure.${r}`, message: `is not a child resource of this component on azure; roles allowed: ${roles.join(", ")}` })),
      `component "${component}"`,
    );
  }
  return <T extends object>(role: string, args: T): T => {
    const extra = settings[role];
    return extra ? deepMerge(args, extra) : args;
  };
}
