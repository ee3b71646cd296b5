import { violationLine } from "../plan/rules";
import type { Cloud } from "@freehold/model";
import type { HostedPlan, Plan, PlanComponent } from "../plan/contract";

export interface LockInPoint {
  component: string;
  /** What ties the component to one cloud. */
  what: string;
  /** What leaving it would take. */
  leaving: string;
}

export interface ComponentPortability {
  component: string;
  kind: PlanComponent["kind"];
  /** Per other cloud: share (0–100) of the features this component uses that the cloud fully supports; null where that cloud cannot host it at all. */
  byCloud: Partial<Record<Cloud, number | null>>;
  /** Lowest score over the other clouds. */
  score: number;
  /** Value to the service, 1 (low) to 3 (high): from the flag, else by kind (public services and databases high). */
  value: number;
  lockIn: LockInPoint[];
}

export interface Portability {
  /** Mean of the component scores. */
  score: number;
  components: ComponentPortability[];
  /** Leaving Freehold itself, which moves no resource: why it is not a lock-in point. */
  freehold: FreeholdExit;
}

/** Freehold's own exit: `freehold eject` (docs/eject.md). */
export interface FreeholdExit {
  command: string;
  text: string;
}

/** How to leave Freehold itself while staying on `cloud` (any cloud when not given): named in every portability section. */
export function freeholdExit(target = "<stack file or program>", cloud?: Cloud): FreeholdExit {
  const command = `freehold eject ${target} --cloud ${cloud ?? "<cloud>"} --out <dir>`;
  return {
    command,
    text: `Freehold itself is not a lock-in point: \`${command}\` writes a plain Pulumi program (only @pulumi/* packages) that registers the same resources, each aliased to its URN under Freehold, so \`pulumi up\` with the same stack keeps every resource, with no replacement (docs/eject.md).`,
  };
}

/** A capability note's advice on how to make the stack plan on that cloud ("set writableRootFilesystem: true, or accept the degradation (acceptDegraded), to deploy on Azure"). */
const DEGRADATION_ADVICE = /[;:]\s*set\b[^;]*\baccept the degradation \(acceptDegraded\)[^;]*$/;

/**
 * What a cloud gives short of a feature, in words. Where the spec already
 * accepts the degradation, the stack plans there as written: the row's advice
 * on how to deploy there does not apply, so it says the degradation is accepted.
 */
export function gapNote(row: { note: string; accepted?: boolean } | undefined): string {
  if (!row) return "not planned";
  if (!row.accepted) return row.note;
  return `${row.note.replace(DEGRADATION_ADVICE, "")} (a degradation the spec accepts: acceptDegraded)`;
}

const defaultValue = (c: PlanComponent): number => (c.kind === "database" || (c.spec.kind === "web-service" && c.spec.public) ? 3 : 2);

/**
 * How much of each component's spec the other clouds can host as written, and
 * every lock-in point in use. Read from the plans' capability rows only.
 */
export function portability(source: HostedPlan, others: Plan[], values: Record<string, number> = {}, target?: string): Portability {
  const components = source.components.map((c): ComponentPortability => {
    const byCloud: ComponentPortability["byCloud"] = {};
    const lockIn: LockInPoint[] = c.vendorSettings.map((v) => ({
      component: c.name,
      what: `vendor setting ${v}`,
      leaving: `re-express it for the target cloud (or drop it): vendor settings are ignored on other clouds`,
    }));
    for (const other of others) {
      if (other.error) {
        const broken = (other.error.violations ?? []).filter((v) => v.component === c.name);
        const refused = other.error.component === c.name || other.error.component === "stack" || broken.length > 0;
        byCloud[other.cloud] = refused ? null : score(c, other);
        if (refused && other.error.feature) {
          lockIn.push({ component: c.name, what: `${other.error.feature}: ${other.provider} cannot host it as written`, leaving: [other.error.reason, other.error.fix].filter(Boolean).join(". ") || other.error.message });
        }
        if (broken.length) lockIn.push({ component: c.name, what: `${other.provider} would refuse ${broken.length === 1 ? "a value" : `${broken.length} values`} of it`, leaving: broken.map((v) => violationLine(v)).join("; ") });
        continue;
      }
      byCloud[other.cloud] = score(c, other);
      const oc = other.components.find((x) => x.name === c.name);
      for (const f of c.features) {
        const there = oc?.features.find((x) => x.feature === f.feature);
        if (f.support === "full" && there && there.support !== "full") {
          lockIn.push({ component: c.name, what: `${f.feature}: ${other.provider} ${there.support === "none" ? "cannot" : "only partly"}`, leaving: gapNote(there) });
        }
      }
    }
    const scores = Object.values(byCloud).map((s) => s ?? 0);
    return { component: c.name, kind: c.kind, byCloud, score: scores.length ? Math.min(...scores) : 100, value: values[c.name] ?? defaultValue(c), lockIn: dedupe(lockIn) };
  });
  const mean = components.length ? Math.round(components.reduce((a, c) => a + c.score, 0) / components.length) : 100;
  return { score: mean, components, freehold: freeholdExit(target, source.cloud) };
}

function score(c: PlanComponent, other: Plan): number {
  const oc = other.components.find((x) => x.name === c.name);
  if (!oc || !c.features.length) return oc ? 100 : 0;
  const full = c.features.filter((f) => oc.features.find((x) => x.feature === f.feature)?.support === "full").length;
  return Math.round((full / c.features.length) * 100);
}

function dedupe(points: LockInPoint[]): LockInPoint[] {
  const seen = new Set<string>();
  return points.filter((p) => {
    if (seen.has(p.what)) return false;
    seen.add(p.what);
    return true;
  });
}
