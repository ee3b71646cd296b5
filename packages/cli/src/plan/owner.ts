import type { PlannedResource } from "@freehold/core";

const cache = new WeakMap<readonly PlannedResource[], Map<string, PlannedResource | undefined>>();

/**
 * The Freehold component or Platform resource that a resource belongs to: its
 * nearest `freehold:index:*` ancestor (undefined for resources outside any).
 * Computed once per resource list, so rules and reports can ask per resource.
 */
export function ownerOf(resources: readonly PlannedResource[], r: PlannedResource): PlannedResource | undefined {
  let owners = cache.get(resources);
  if (!owners) {
    owners = new Map();
    const byUrn = new Map(resources.map((x) => [x.urn, x]));
    for (const x of resources) {
      let cur = byUrn.get(x.parent);
      while (cur && !cur.type.startsWith("freehold:index:")) cur = byUrn.get(cur.parent);
      owners.set(x.urn, cur);
    }
    cache.set(resources, owners);
  }
  return owners.get(r.urn);
}

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
