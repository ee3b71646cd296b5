/** The order of an ejected program's body: readable, and never a variable before what it reads. */
import type { Group, Program, ProgramCall, ProgramResource } from "./model";

/**
 * Resources and invokes in an order that reads well and runs: groups in order
 * (the platform first), plan order inside a group, but never before what it
 * reads (a resource of one group may need another group's first); an invoke
 * just before the first resource that reads it.
 */
export function order(resources: ProgramResource[], calls: ProgramCall[], groups: Group[]): Program["body"] {
  type Node = { id: string; reads: Set<string>; item: Program["body"][number] };
  const resourceNodes: Node[] = resources
    .map((r, i) => ({ r, rank: groups.indexOf(r.group) * 1e6 + i }))
    .sort((a, b) => a.rank - b.rank)
    .map(({ r }) => ({ id: r.plan.urn, reads: r.reads, item: { kind: "resource" as const, value: r } }));
  const callNodes = new Map<string, Node>(calls.map((c) => [c.id, { id: c.id, reads: c.reads, item: { kind: "call" as const, value: c } }]));
  const ids = new Set([...resourceNodes.map((n) => n.id), ...callNodes.keys()]);
  const done = new Set<string>();
  const out: Program["body"] = [];
  const unmet = (n: Node) => [...n.reads].filter((id) => ids.has(id) && id !== n.id && !done.has(id));
  /** The invokes to emit first so that `n` can follow, or undefined if `n` waits on a resource. */
  const callsFirst = (n: Node, seen = new Set<string>()): Node[] | undefined => {
    const first: Node[] = [];
    for (const id of unmet(n)) {
      const c = callNodes.get(id);
      if (!c) return undefined;
      if (seen.has(id)) continue;
      seen.add(id);
      const before = callsFirst(c, seen);
      if (!before) return undefined;
      first.push(...before, c);
    }
    return first;
  };
  const pending = [...resourceNodes];
  while (pending.length) {
    let at = pending.findIndex((n) => callsFirst(n) !== undefined);
    if (at < 0) at = 0;
    const n = pending.splice(at, 1)[0] as Node;
    for (const c of callsFirst(n) ?? []) {
      if (done.has(c.id)) continue;
      done.add(c.id);
      out.push(c.item);
    }
    done.add(n.id);
    out.push(n.item);
  }
  for (const c of callNodes.values()) if (!done.has(c.id)) out.push(c.item);
  return out;
}
