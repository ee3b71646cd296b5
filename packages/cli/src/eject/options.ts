/** Resource options as the ejected program writes them, with the aliases that move each resource out of its Freehold component. */
import type { PlannedResource } from "@freehold/core";
import { customResourcesOf } from "../plan/owner";
import { aliasUrn, engineUrn, parseUrn, qualifiedType, ROOT_STACK_TYPE, recordedAlias } from "./urns";

export const providerUrn = (ref: string): string => ref.slice(0, ref.lastIndexOf("::"));

/** A component stands for its custom descendants (what `dependsOn` on it waits for); a custom resource for itself. */
export function expandComponent(urn: string, all: readonly PlannedResource[]): string[] {
  const found = customResourcesOf(all, urn);
  return found.length ? found.map((x) => x.urn) : [urn];
}

export interface OptionContext {
  byUrn: ReadonlyMap<string, PlannedResource>;
  variables: ReadonlyMap<string, string>;
  componentUrnOf(parent: PlannedResource): string;
  stack: string;
  project: string;
}

/** Resource options as written: what the engine was told, with the alias that moves the resource out of its component. */
export function optionsOf(r: PlannedResource, ctx: OptionContext): Array<[string, string]> {
  const o = r.options;
  const vars = (urns: string[]) => [...new Set(urns.flatMap((u) => expandComponent(u, [...ctx.byUrn.values()])))].map((u) => ctx.variables.get(u) ?? JSON.stringify(u));
  const out: Array<[string, string]> = [];
  if (o.protect) out.push(["protect", "true"]);
  if (o.retainOnDelete) out.push(["retainOnDelete", "true"]);
  if (o.dependsOn.length) out.push(["dependsOn", `[${vars(o.dependsOn).join(", ")}]`]);
  // An explicit false is written too: it overrides the bridged providers' delete-before-replace for named resources.
  if (o.deleteBeforeReplace !== undefined) out.push(["deleteBeforeReplace", String(o.deleteBeforeReplace)]);
  if (o.ignoreChanges?.length) out.push(["ignoreChanges", JSON.stringify(o.ignoreChanges)]);
  if (o.replaceOnChanges?.length) out.push(["replaceOnChanges", JSON.stringify(o.replaceOnChanges)]);
  if (o.customTimeouts) out.push(["customTimeouts", JSON.stringify(o.customTimeouts)]);
  if (o.import) out.push(["import", JSON.stringify(o.import)]);
  if (o.deletedWith) {
    const [first] = vars([o.deletedWith]);
    if (first) out.push(["deletedWith", first]);
  }
  if (r.provider) out.push(["provider", ctx.variables.get(providerUrn(r.provider)) ?? JSON.stringify(r.provider)]);
  const aliases = aliasesOf(r, ctx);
  if (aliases.length) out.push(["aliases", `[${aliases.join(", ")}]`]);
  return out;
}

/**
 * The aliases that move a resource from under its Freehold parent to the top
 * level: its URN under the parent (`{ parent: <parent URN> }`, which the engine
 * resolves to `<parent type>$<type>::<name>`), any rename Freehold itself
 * declared (an alias with a name), and the URNs it inherits from aliased
 * ancestors. The SDK's own type aliases come with the SDK classes.
 */
function aliasesOf(r: PlannedResource, ctx: OptionContext): string[] {
  const parent = ctx.byUrn.get(r.parent);
  if (!parent || parent.type === ROOT_STACK_TYPE) return [];
  const parentVar = ctx.componentUrnOf(parent);
  const out = [`{ parent: ${parentVar} }`];
  for (const raw of r.options.aliases ?? []) {
    const a = recordedAlias(raw);
    if (!a || "urn" in a || !a.spec.name || a.spec.name === r.name) continue;
    out.push(`{ name: ${JSON.stringify(a.spec.name)}${a.spec.type ? `, type: ${JSON.stringify(a.spec.type)}` : ""}, parent: ${parentVar} }`);
  }
  for (const u of inheritedAliases(r, ctx)) {
    const p = parseUrn(u);
    if (p) out.push(`urn(${JSON.stringify(p.qualifiedType)}, ${JSON.stringify(p.name)})`);
  }
  return [...new Set(out)];
}

/** The engine's aliases for a child of an aliased parent (step_generator.go, `inheritedChildAlias`), in real URNs. */
function inheritedAliases(r: PlannedResource, ctx: OptionContext): string[] {
  const parent = ctx.byUrn.get(r.parent);
  if (!parent || parent.type === ROOT_STACK_TYPE) return [];
  const real = (x: PlannedResource) => engineUrn(ctx.stack, ctx.project, qualifiedType(x, ctx.byUrn), x.name);
  const grand = ctx.byUrn.get(parent.parent);
  const parentAliases = (parent.options.aliases ?? [])
    .map(recordedAlias)
    .filter((a): a is NonNullable<typeof a> => a !== undefined)
    .map((a) => {
      const spec = "urn" in a ? a : { spec: { ...a.spec, parentUrn: a.spec.parentUrn && ctx.byUrn.has(a.spec.parentUrn) ? real(ctx.byUrn.get(a.spec.parentUrn) as PlannedResource) : a.spec.parentUrn } };
      return aliasUrn(spec, { name: parent.name, type: parent.type, parentUrn: grand && grand.type !== ROOT_STACK_TYPE ? real(grand) : undefined }, ctx.stack, ctx.project);
    })
    .filter((u) => u !== real(parent));
  return parentAliases.map((a) => {
    const p = parseUrn(a);
    if (!p) return a;
    const name = r.name.startsWith(parent.name) ? p.name + r.name.slice(parent.name.length) : r.name;
    return engineUrn(ctx.stack, ctx.project, `${p.qualifiedType}$${r.type}`, name);
  });
}
