import { SpecError, type VendorSettingsSpec } from "@freehold/model";

/**
 * The vendor escape hatch: `spec.vendor.azure.<role>` is merged (shallow) into
 * the arguments of the child resource with that role. Unknown roles are a
 * SpecError naming the roles this component has.
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
    return extra ? { ...args, ...extra } : args;
  };
}
