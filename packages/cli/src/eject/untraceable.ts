/**
 * Values eject cannot trace. A part of an input that differs between the plan
 * and the varied plan, with no output to read it from, was made from the
 * mocks' values in a way eject cannot reproduce (an Azure role assignment's
 * name hashed from other resources' ids, a SCRAM verifier of a generated
 * password). It is never written out: it comes from the deployed stack when a
 * state file is given, else it is config the user must set, with where to find it.
 */
import type { PlannedResource } from "@freehold/core";
import { type Expr, literal, replaceNode, type Step } from "./expr";
import type { ConfigValue } from "./model";
import { camel, type Names } from "./names";
import type { DeployedResource } from "./state";
import type { Untraceable } from "./trace";

/** Pulumi's marker for a secret in a state file: its value is ciphertext, never usable here. */
export const isStateSecret = (v: unknown): boolean => JSON.stringify(v ?? null).includes("4dabf18193072939515e22adb298388d");

/** A JSON value (from a state file) as a literal expression. */
export function jsonExpr(v: unknown): Expr {
  if (Array.isArray(v)) return { kind: "array", items: v.map(jsonExpr) };
  if (v && typeof v === "object") return { kind: "object", entries: Object.entries(v).map(([k, x]) => [k, jsonExpr(x)]) };
  return literal(typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : null);
}

/** The value at a path in an input (a JSON step parses the string there). */
export function valueAt(value: unknown, path: readonly Step[]): unknown {
  let cur = value;
  for (const step of path) {
    if (typeof step === "object") {
      try {
        cur = typeof cur === "string" ? (JSON.parse(cur) as unknown) : undefined;
      } catch {
        return undefined;
      }
      continue;
    }
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[step];
  }
  return cur;
}

/** Where a value is inside a resource's inputs, as a person reads it: `inputs.secretString (a JSON document) .verifier`. */
export function pathText(input: string, path: readonly Step[]): string {
  let out = `inputs.${input}`;
  for (const step of path) out += typeof step === "object" ? " (a JSON document) " : typeof step === "number" ? `[${step}]` : `.${step}`;
  return out;
}

/** The config key for an untraceable value: the resource, the input and where in it. */
function keyFor(resource: string, input: string, path: readonly Step[]): string {
  const parts = [resource, input, ...path.filter((s): s is string | number => typeof s !== "object").map(String)];
  return parts.join("-").replace(/[^A-Za-z0-9_-]+/g, "-");
}

export interface Settled {
  /** Config keys the user must set. */
  keys: string[];
  /** Some value came from the deployed stack. */
  deployed: boolean;
  /** Values that can be neither config nor taken from the deployed stack. */
  problems: string[];
}

export interface SettleContext {
  names: Names;
  /** Config values of the program: the new keys are added here. */
  config: ConfigValue[];
  /** The resource in the deployed stack, when a state file was given. */
  deployed: DeployedResource | undefined;
  /** The resource's URN in the deployed stack (the engine's), for saying where its value is. */
  engineUrn: string;
  /** Names of the resources the input was made from. */
  from: string[];
}

/** Replace each untraceable part of an input by the deployed value or by config the user sets; every part that can be neither is a problem. */
export function settle(r: PlannedResource, input: string, parts: readonly Untraceable[], ctx: SettleContext): Settled {
  const out: Settled = { keys: [], deployed: false, problems: [] };
  const made = ctx.from.length ? `from ${ctx.from.join(" and ")}` : "from values the mocks made";
  for (const u of parts) {
    const where = pathText(input, u.path);
    const deployed = ctx.deployed?.inputs?.[input] === undefined ? undefined : valueAt(ctx.deployed.inputs[input], u.path);
    if (deployed !== undefined && !u.secret && !isStateSecret(deployed)) {
      replaceNode(u.node, jsonExpr(deployed));
      out.deployed = true;
      continue;
    }
    if (u.structural) {
      out.problems.push(`${r.type} "${r.name}": ${where} has a shape (its entries) that Freehold made ${made}, in a way eject cannot reproduce; eject with --state, the deployed stack's \`pulumi stack export\`, to take it from there`);
      continue;
    }
    const key = keyFor(r.name, input, u.path);
    let c = ctx.config.find((x) => x.key === key);
    if (!c) {
      const type = typeof u.value === "number" ? "number" : typeof u.value === "boolean" ? "boolean" : "string";
      const find = u.secret
        ? `\`pulumi stack export --show-secrets\` in the Freehold project: resource ${ctx.engineUrn}, ${where}`
        : `\`pulumi stack export\` in the Freehold project: resource ${ctx.engineUrn}, ${where} (or eject with --state and that file)`;
      c = {
        key,
        variable: ctx.names.take(camel(key), "value"),
        secret: u.secret,
        type,
        description: `${r.type} "${r.name}", ${where}: Freehold made it ${made} in a way eject cannot reproduce. Set the deployed value.`,
        where: find,
        at: { resource: r.name, type: r.type, input, path: [...u.path] },
      };
      ctx.config.push(c);
    }
    replaceNode(u.node, { kind: "config", variable: c.variable, ...(c.secret ? { secret: true } : {}) });
    out.keys.push(key);
  }
  return out;
}
