/**
 * `freehold eject`: a plain Pulumi program that registers exactly the cloud
 * resources Freehold registers for a stack, without Freehold. Built from the
 * plan and the mock values behind it (docs/eject.md).
 */
import type { Step } from "./expr";
import { packageJson, pulumiYaml, readme, TSCONFIG } from "./files";
import { buildProgram, type EjectInput } from "./program";
import { renderProgram } from "./render";

export { EjectError, type EjectInput, type Program } from "./program";

export interface Ejected {
  /** File name -> content. */
  files: Record<string, string>;
  /** What the user must check or set before `pulumi up`. */
  notes: string[];
  resources: number;
  /**
   * Inputs eject could not trace fully to the outputs they were made from:
   * `partial`, the value is right but a dependency is lost; otherwise part of
   * it is config the user sets (`keys`), or came from --state (`deployed`).
   */
  unresolved: Array<{ resource: string; type: string; input: string; partial: boolean; deployed: boolean; keys: string[] }>;
  /** Config keys the user must set before the program runs, with where to find each value. */
  toSet: Array<{ key: string; secret: boolean; where: string; at: { resource: string; type: string; input: string; path: Step[] } }>;
  /** Stack outputs Freehold exported that the program does not (name: why). */
  droppedOutputs: string[];
}

/** Write the program for a plan: index.ts, Pulumi.yaml, package.json, tsconfig.json, README.md. */
export function ejectProgram(input: EjectInput, source: string): Ejected {
  const p = buildProgram(input);
  const toSet = p.config.filter((c) => c.where);
  const header = [
    `${input.plan.stack || p.project} on ${input.plan.provider}, Pulumi stack "${p.stack}": a plain Pulumi program written by \`freehold eject\` from ${source}.`,
    "It registers the cloud resources Freehold registered for this stack, with the same types, names, inputs and options. See README.md.",
  ];
  return {
    files: {
      "index.ts": renderProgram(p, header),
      "Pulumi.yaml": pulumiYaml(p, input.plan),
      "package.json": packageJson(p),
      "tsconfig.json": TSCONFIG,
      "README.md": readme(p, input.plan, source),
    },
    notes: [
      ...toSet.map((c) => `set ${c.key}${c.secret ? " (a secret)" : ""}: ${c.description} Find it with ${c.where}.`),
      ...p.notes,
      ...p.droppedOutputs.map((d) => `stack output ${d}; not exported`),
    ],
    resources: p.body.filter((b) => b.kind === "resource").length,
    unresolved: p.body.flatMap((b) => (b.kind === "resource" ? b.value.unresolved.map((u) => ({ resource: b.value.plan.name, type: b.value.plan.type, input: u.input, partial: u.partial, deployed: u.deployed, keys: u.keys })) : [])),
    toSet: toSet.flatMap((c) => (c.where && c.at ? [{ key: c.key, secret: c.secret, where: c.where, at: c.at }] : [])),
    droppedOutputs: p.droppedOutputs,
  };
}
