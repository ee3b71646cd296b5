/** The imports of an ejected program: each module once, bound to a name that says what it is. */
import type { Names } from "./names";
import { camel, pascal } from "./names";
import type { SdkExport } from "./sdk";

export interface Import {
  module: string;
  /** The export's own name (a named import), or the module's last segment. */
  name: string;
  /** The name the program uses: the export's own where free, else one that says its package (`AwsProvider`). */
  binding: string;
  named: boolean;
}

/** The imports a program needs, each bound once to a unique name, and the packages (with versions) they come from. */
export class Imports {
  readonly modules = new Map<string, Import>();
  readonly packages = new Map<string, string>();
  constructor(private readonly names: Names) {}

  /** The expression naming an export (`s3.Bucket`, `RandomPassword`, `AwsProvider`), importing its module on first use. */
  of(exp: SdkExport): string {
    const key = `${exp.module}${exp.named ? `#${exp.name}` : ""}`;
    let imp = this.modules.get(key);
    if (!imp) {
      const pkg = exp.package.pulumiName ?? exp.package.npm.split("/").pop() ?? "sdk";
      const binding = exp.named
        ? // Every package has a `Provider`: name each after its package (`AwsProvider`, `RandomProvider`) so that none is `Provider2`.
          this.names.take(exp.name === "Provider" ? `${pascal(pkg)}Provider` : exp.name, pkg)
        : this.names.take(camel(exp.module.split("/").pop() ?? pkg), pkg);
      imp = { module: exp.module, name: exp.named ? exp.name : binding, binding, named: exp.named };
      this.modules.set(key, imp);
      this.packages.set(exp.package.npm, exp.package.version);
    }
    return imp.named ? imp.binding : `${imp.binding}.${exp.name}`;
  }
}
