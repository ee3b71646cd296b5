import type { PlannedResource } from "@freehold/core";

export { ownerOf } from "@freehold/core";

/**
 * The cloud resources a URN stands for: a custom resource itself, a component
 * its custom descendants (what `dependsOn` on a component waits for).
 */
export function customResourcesOf(resources: readonly PlannedResource[], urn: string): PlannedResource[] {
  const r = resources.find((x) => x.urn === urn);
  if (!r) return [];
  if (r.custom) return [r];
  const under = new Set([urn]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const x of resources) {
      if (under.has(x.urn) || !under.has(x.parent)) continue;
      under.add(x.urn);
      grew = true;
    }
  }
  return resources.filter((x) => x.custom && under.has(x.urn));
}
