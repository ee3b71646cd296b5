/**
 * How a replacement is ordered: create-before-delete (the engine's default) or delete-before-replace, as the Pulumi
 * engine decides it from the program's `deleteBeforeReplace` option and the provider's Diff.
 *
 * - An option the program set (`true` or `false`) wins over the provider
 *   (pulumi/pulumi pkg/resource/deploy/step_generator.go: `deleteBeforeReplace := diff.DeleteBeforeReplace;
 *   if goal.DeleteBeforeReplace != nil { deleteBeforeReplace = *goal.DeleteBeforeReplace }`; the Node SDK sends
 *   the option as defined only when the program set it: @pulumi/pulumi runtime/resource.js
 *   `setDeletebeforereplacedefined(opts.deleteBeforeReplace !== undefined)`).
 * - A provider bridged from Terraform (pulumi-gcp, pulumi-aws) asks for delete-before-replace on every replacement
 *   of a resource whose auto-named property (`name`, or the property the provider auto-names instead) the program
 *   set itself, whether or not the name changes (pulumi-terraform-bridge pkg/tfbridge/schema.go
 *   `nameRequiresDeleteBeforeReplace`, called from pkg/tfbridge/provider.go Diff; introduced by
 *   https://github.com/pulumi/pulumi-terraform/pull/465; the failure it causes: https://github.com/pulumi/pulumi/issues/6350).
 * - Otherwise, under a bridged provider, the engine creates first (pulumi/pulumi step_generator.go: nothing else looks ahead), even when the new
 *   object takes the old one's physical name in the same scope: the cloud then refuses the create ("already exists",
 *   Google's 409 ALREADY_EXISTS), which the simulated cloud reproduces.
 *
 * A move to another region: a bridged provider replaces a resource whose own `region`/`location` input changed only
 * when its schema marks that input ForceNew (the rule book's `replaceOn`) or the program lists it in
 * `replaceOnChanges`; otherwise the bridge's Diff is an update, which Terraform sends to the new region's URL, where
 * the object does not exist (terraform-provider-google e.g. resource_compute_region_backend_service.go: the update's
 * URL is built from `{{region}}` of the new configuration).
 */
import type { Cloud } from "@freehold/model";
import { cloudOf } from "./objects";
import type { CloudRules, Source } from "./types";

/** What a cloud's rule book says about a provider bridged from Terraform. */
export interface Bridge {
  /** The properties the bridge auto-names, per type, where they are not `name` (`[]`: the type has none). */
  autoNamed: Record<string, readonly string[]>;
  /**
   * The provider replaces every resource whose own region argument changes (a schema-wide rule, with its source),
   * rather than per type: then a move replaces whatever the type's `replaceOn` says.
   */
  regionForcesNew?: Source;
  source: Source;
}

/** The auto-named properties of a type's registration that the program set itself (a plan made under mocks holds only what the program set). */
export function programSetNames(rules: Record<Cloud, CloudRules>, type: string, inputs: Record<string, unknown>, planCloud: Cloud): string[] {
  const bridge = rules[cloudOf(rules, type, planCloud)]?.bridge;
  if (!bridge || !rules[cloudOf(rules, type, planCloud)]?.types[type]) return [];
  return (bridge.autoNamed[type] ?? ["name"]).filter((p) => typeof inputs[p] === "string");
}

/** Whether the engine deletes the old object before creating its replacement. */
export function deletesBeforeReplace(
  rules: Record<Cloud, CloudRules>,
  r: { type: string; inputs: Record<string, unknown>; options?: { deleteBeforeReplace?: boolean } },
  planCloud: Cloud,
  sameIdentity: boolean,
): boolean {
  const explicit = r.options?.deleteBeforeReplace;
  if (explicit !== undefined) return explicit;
  // A provider that is not bridged (azure-native) asks for delete-first itself when the replacement keeps its name
  // (pulumi-azure-native provider Diff: a resource whose name is not auto-named is replaced delete-before-replace).
  if (!rules[cloudOf(rules, r.type, planCloud)]?.bridge) return sameIdentity;
  return programSetNames(rules, r.type, r.inputs, planCloud).length > 0;
}

/**
 * Whether a resource whose region changed is replaced because it moved, whatever its schema says: true unless its
 * provider is bridged and it names its region itself (`region`/`location` input), in which case only the forcing
 * paths (ForceNew, `replaceOnChanges`) decide, and a region change that none of them covers is an update.
 */
export function movedReplaces(rules: Record<Cloud, CloudRules>, r: { type: string; inputs: Record<string, unknown> }, planCloud: Cloud): boolean {
  const bridge = rules[cloudOf(rules, r.type, planCloud)]?.bridge;
  if (!bridge || bridge.regionForcesNew) return true;
  const own = r.inputs.region ?? r.inputs.location;
  return !(typeof own === "string" && own !== "" && own.toLowerCase() !== "global");
}
