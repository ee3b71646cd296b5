// @ts-check
/**
 * Equivalence of two recorded runs (child.mjs --record): the custom resources
 * each side registered (type + name + inputs) and the invokes it made. Freehold's
 * own component resources (freehold:index:*) and the stack are listed apart:
 * they are the abstraction itself and have no inputs.
 */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Canonical form: keys sorted, Pulumi secret wrappers shown as { "[secret]": value }. @param {unknown} v @returns {unknown} */
export function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") {
    const o = /** @type {Record<string, unknown>} */ (v);
    if (SECRET_SIG in o) return { "[secret]": canonical(o.value) };
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, canonical(o[k])]));
  }
  return v;
}

/** Paths where two canonical values differ. @param {unknown} a @param {unknown} b @param {string} path @returns {string[]} */
function diffPaths(a, b, path = "") {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    const ao = /** @type {Record<string, unknown>} */ (a);
    const bo = /** @type {Record<string, unknown>} */ (b);
    const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])];
    return keys.flatMap((k) => diffPaths(ao[k], bo[k], path ? `${path}.${k}` : k));
  }
  return [`${path || "(root)"}: freehold ${JSON.stringify(a)?.slice(0, 200)} vs baseline ${JSON.stringify(b)?.slice(0, 200)}`];
}

const isAbstraction = (/** @type {string} */ type) => type.startsWith("freehold:") || type === "pulumi:pulumi:Stack";

/**
 * @param {{ registrations: Array<{ type: string, name: string, inputs: unknown }>, invokes: Array<{ token: string, inputs: unknown }> }} fh
 * @param {{ registrations: Array<{ type: string, name: string, inputs: unknown }>, invokes: Array<{ token: string, inputs: unknown }> }} bl
 */
export function compareRuns(fh, bl) {
  const index = (/** @type {typeof fh} */ run) => {
    const m = new Map();
    for (const r of run.registrations) if (!isAbstraction(r.type)) m.set(`${r.type} ${r.name}`, canonical(r.inputs));
    return m;
  };
  const a = index(fh);
  const b = index(bl);
  const onlyFreehold = [...a.keys()].filter((k) => !b.has(k));
  const onlyBaseline = [...b.keys()].filter((k) => !a.has(k));
  /** @type {Array<{ resource: string, differences: string[] }>} */
  const differing = [];
  for (const [k, v] of a) if (b.has(k)) {
    const d = diffPaths(v, b.get(k));
    if (d.length) differing.push({ resource: k, differences: d });
  }
  const invokeKeys = (/** @type {typeof fh} */ run) => run.invokes.map((i) => `${i.token} ${JSON.stringify(canonical(i.inputs))}`).sort();
  const ia = invokeKeys(fh);
  const ib = invokeKeys(bl);
  /** Those of xs not matched one for one in ys. @param {string[]} xs @param {string[]} ys */
  const unmatched = (xs, ys) => {
    const left = [...ys];
    return xs.filter((x) => {
      const i = left.indexOf(x);
      if (i >= 0) left.splice(i, 1);
      return i < 0;
    });
  };
  const abstraction = fh.registrations.filter((r) => isAbstraction(r.type)).length;
  return {
    equivalent: !onlyFreehold.length && !onlyBaseline.length && !differing.length && JSON.stringify(ia) === JSON.stringify(ib),
    resources: { freehold: a.size, baseline: b.size, compared: [...a.keys()].filter((k) => b.has(k)).length },
    duplicatesNames: { freehold: fh.registrations.filter((r) => !isAbstraction(r.type)).length - a.size, baseline: bl.registrations.filter((r) => !isAbstraction(r.type)).length - b.size },
    abstractionResources: abstraction,
    invokes: { freehold: ia.length, baseline: ib.length, same: JSON.stringify(ia) === JSON.stringify(ib), onlyFreehold: unmatched(ia, ib), onlyBaseline: unmatched(ib, ia) },
    onlyFreehold,
    onlyBaseline,
    differing,
  };
}
