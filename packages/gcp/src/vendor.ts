/**
 * The per-cloud escape hatch: `spec.vendor.gcp.<role>` is merged (shallow)
 * over the arguments of the child resource with that role.
 */
import { SpecError, type VendorSettingsSpec } from "@freehold/model";

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

/** Args with the role's vendor settings merged over them. */
export function withVendor<T extends object>(args: T, settings: Record<string, Record<string, unknown>>, role: string): T {
  const extra = settings[role];
  return extra ? Object.assign({}, args, extra) : args;
}
