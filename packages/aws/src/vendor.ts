import { SpecError, type VendorSettingsSpec } from "@freehold/model";
import * as pulumi from "@pulumi/pulumi";

/**
 * The vendor escape hatch: `spec.vendor.aws.<role>` is deep-merged over the
 * args of the child resource with that role: objects merge key by key (so
 * `targetGroup: { healthCheck: { matcher: "200" } }` keeps Freehold's path and
 * interval), anything else (a value, a list) replaces Freehold's. Unknown roles
 * are refused up front, with the list of roles the component has.
 */
export class VendorArgs {
  private readonly settings: Record<string, Record<string, unknown>>;

  constructor(vendor: VendorSettingsSpec | undefined, component: string, roles: readonly string[]) {
    this.settings = vendor?.aws ?? {};
    const unknown = Object.keys(this.settings).filter((r) => !roles.includes(r));
    if (unknown.length) {
      throw new SpecError(
        unknown.map((r) => ({ path: `vendor.aws.${r}`, message: `is not a child resource role of this component; allowed roles: ${roles.join(", ")}` })),
        `component "${component}"`,
      );
    }
  }

  /** `args` with the vendor settings for `role` merged over them. */
  apply<T extends object>(role: string, args: T): T {
    const extra = this.settings[role];
    return extra ? (deepMerge(args as Record<string, unknown>, extra) as T) : args;
  }
}

/** A plain object literal (not a list, an Output or a resource): the only values that merge. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !pulumi.Output.isInstance(v) && !pulumi.Resource.isInstance(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** `extra` merged over `base`, recursively through plain objects. */
export function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const current = out[k];
    out[k] = isPlainObject(current) && isPlainObject(v) ? deepMerge(current, v) : v;
  }
  return out;
}
