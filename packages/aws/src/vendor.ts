import { SpecError, type VendorSettingsSpec } from "@freehold/model";

/**
 * The vendor escape hatch: `spec.vendor.aws.<role>` is merged (shallow) over the
 * args of the child resource with that role. Unknown roles are refused up front,
 * with the list of roles the component has.
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
    return extra ? Object.assign({}, args, extra) : args;
  }
}
