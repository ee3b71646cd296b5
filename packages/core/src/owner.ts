import type { PlannedResource } from "./plan";

const cache = new WeakMap<readonly PlannedResource[], Map<string, PlannedResource | undefined>>();

/**
 * The Freehold component or Platform resource that a resource belongs to: its
 * nearest `freehold:index:*` ancestor (undefined for resources outside any).
 * Computed once per resource list, so rules, reports and pricing can ask per resource.
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
