/**
 * The rule book in a component's own run, so that `pulumi preview` and
 * `pulumi up` stop before a cloud refuses a value: each cloud resource a
 * component registers is checked against its cloud's rules with the values
 * known when it registers (names, lengths, character sets, reserved values,
 * limits, tags, a region argument, names two of its resources claim). Values
 * known only once other resources exist (ids, addresses) are left to
 * `freehold plan`, which checks the whole stack, and to the policy pack.
 *
 * Under Freehold's own planner (`freehold plan`, `runWithMocks`) components
 * leave it to the planner, which checks every resource at once.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "@freehold/model";
import { kindOf, planViolations, RULES, type RuleResource, type Violation, violationText } from "@freehold/rules";

let planning = 0;

/** While Freehold's planner runs a program: it checks the whole plan, so components do not. */
export async function whilePlanning<T>(run: () => Promise<T>): Promise<T> {
  planning++;
  try {
    return await run();
  } finally {
    planning--;
  }
}

/** A component's cloud resources broke rules of their cloud: every violation, with the rule and its source. */
export class RuleViolationError extends pulumi.RunError {
  override readonly name = "RuleViolationError";
  constructor(
    readonly component: string,
    readonly cloud: Cloud,
    readonly violations: Violation[],
  ) {
    super(`component "${component}": ${cloud} would refuse ${violations.length === 1 ? "a value" : `${violations.length} values`}:\n${violations.map((v) => `  - ${violationText(v)}`).join("\n")}`);
  }
}

/** Whether a value is known only once deployed (an Output, a promise, a resource). */
const lateBound = (v: unknown) => pulumi.Output.isInstance(v) || v instanceof pulumi.Resource || (typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function");

/** The paths of the values not known when the resource registers: rules that read them are not applied (no copy is made). */
function unknownPaths(value: unknown, path: string, out: string[]): string[] {
  if (lateBound(value)) out.push(path.replace(/\[\d+\]/g, "[]"));
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) unknownPaths(value[i], `${path}[${i}]`, out);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) unknownPaths(v, path ? `${path}.${k}` : k, out);
  return out;
}

/** The rule book watching a component's cloud resources. */
export interface RuleWatch {
  transformation: pulumi.ResourceTransformation;
  /** Refuse with every rule the resources registered so far break (none under Freehold's planner). */
  check(cloud: Cloud, stackRegion: string): void;
}

/**
 * Watch the cloud resources registered under a component (a transformation its children inherit) and, once
 * the component has made them, refuse with every rule they break.
 */
export function ruleWatch(name: string): RuleWatch {
  const seen: RuleResource[] = [];
  const transformation: pulumi.ResourceTransformation = (args) => {
    if (planning || !(args.resource instanceof pulumi.CustomResource) || kindOf(RULES, args.type) !== "cloud") return undefined;
    const unknown = unknownPaths(args.props, "", []);
    seen.push({ urn: `${args.type}::${args.name}`, type: args.type, name: args.name, inputs: args.props as Record<string, unknown>, ...(unknown.length ? { unknown } : {}) });
    return undefined;
  };
  return {
    transformation,
    check(cloud, stackRegion) {
      if (planning || !seen.length) return;
      const violations = planViolations({ cloud, region: stackRegion, resources: seen }, RULES, { onCreate: false });
      seen.length = 0;
      if (violations.length) throw new RuleViolationError(name, cloud, violations);
    },
  };
}
