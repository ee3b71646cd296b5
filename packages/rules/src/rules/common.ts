/** Building blocks the cloud rule tables share. */
import type { Check, CloudObject, GlobalRule, RuleContext, Source, TypeRule } from "../types";

/** A name check: length and pattern, plus an extra rule. */
export function nameCheck(path: string, min: number, max: number, pattern: RegExp, source: Source, extra?: (name: string) => string | undefined): Check {
  return {
    path,
    source,
    test: (v) => {
      if (typeof v !== "string") return `is ${v === undefined ? "unset" : typeof v}, not a name`;
      if (v.length < min || v.length > max) return `"${v}" is ${v.length} characters; allowed ${min}-${max}`;
      if (!pattern.test(v)) return `"${v}" does not match ${pattern}`;
      return extra?.(v);
    },
  };
}

/** A free-text check: at most `max` characters from a set. */
export function textCheck(path: string, max: number, pattern: RegExp | undefined, source: Source): Check {
  return {
    path,
    source,
    test: (v) => {
      if (v === undefined || v === null) return undefined;
      if (typeof v !== "string") return `is ${typeof v}`;
      if (v.length > max) return `is ${v.length} characters; at most ${max}`;
      if (pattern && !pattern.test(v)) return `${JSON.stringify(v.slice(0, 60))} has characters outside ${pattern}`;
      return undefined;
    },
  };
}

export const noDoubleHyphen = (n: string) => (n.includes("--") ? "contains --" : undefined);

/** The objects whose input `field` references `target` (by the property's dependency on it). */
export function referencing(ctx: RuleContext, target: CloudObject, type: string, field?: string): CloudObject[] {
  return ctx
    .objects()
    .filter((o) => o.status === "live" && o.type === type && o.key !== target.key && Object.entries(o.references).some(([k, keys]) => (!field || k === field || k.startsWith(`${field}.`)) && keys.includes(target.key)));
}

/** True where `obj` references `target` through any of the fields (directly). */
export function refersTo(obj: CloudObject, target: CloudObject, fields: readonly string[]): boolean {
  return fields.some((f) => (obj.references[f] ?? []).includes(target.key));
}

/** On an update, keep the values the cloud has not applied yet (changes that wait for a maintenance window): top-level inputs and their references. */
export function keepPending(next: CloudObject, previous: CloudObject, keys: readonly string[]): void {
  for (const k of keys) {
    next.inputs = { ...next.inputs, [k]: previous.inputs[k] };
    if (previous.references[k]) next.references = { ...next.references, [k]: previous.references[k] as string[] };
    else delete next.references[k];
  }
}

/** A global rule: every regional object lives in the stack's region. */
export function sameRegion(globalTypes: readonly string[], source: Source, title = "every regional resource in the stack's region"): GlobalRule {
  return {
    title,
    source,
    check: (obj, ctx) =>
      globalTypes.includes(obj.type) || !ctx.stackRegion || obj.region === ctx.stackRegion
        ? undefined
        : `would be created in ${obj.region}, but the stack is planned for ${ctx.stackRegion}: the plan, the residency check and the cost estimate would all describe the wrong region`,
  };
}

/** Rules for the companion providers every cloud's programs may use. */
export const COMPANIONS: Record<string, TypeRule> = {
  "random:index/randomPassword:RandomPassword": {
    title: "random password",
    source: "https://www.pulumi.com/registry/packages/random/api-docs/randompassword/",
    randomValue: true,
    // Every input of the random provider's resources forces a new value.
    replaceOn: [{ path: "*", source: "https://www.pulumi.com/registry/packages/random/api-docs/randompassword/" }],
  },
  "random:index/randomString:RandomString": {
    title: "random string",
    source: "https://www.pulumi.com/registry/packages/random/api-docs/randomstring/",
    randomValue: true,
    replaceOn: [{ path: "*", source: "https://www.pulumi.com/registry/packages/random/api-docs/randomstring/" }],
  },
  "random:index/randomId:RandomId": {
    title: "random id",
    source: "https://www.pulumi.com/registry/packages/random/api-docs/randomid/",
    randomValue: true,
    replaceOn: [{ path: "*", source: "https://www.pulumi.com/registry/packages/random/api-docs/randomid/" }],
  },
  "time:index/sleep:Sleep": {
    title: "wait (time provider)",
    source: "https://www.pulumi.com/registry/packages/time/api-docs/sleep/",
    // A change of triggers re-runs the wait.
    replaceOn: [{ path: "triggers", source: "https://www.pulumi.com/registry/packages/time/api-docs/sleep/" }],
  },
};
