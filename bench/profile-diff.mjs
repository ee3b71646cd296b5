// @ts-check
/** Self time per function, profile A minus profile B: where the extra time goes. Usage: node bench/profile-diff.mjs a.cpuprofile b.cpuprofile [top] */
import { summarise } from "./profile-summary.mjs";

export function diffProfiles(/** @type {string} */ a, /** @type {string} */ b, top = 20) {
  const sa = summarise(a, 100000);
  const sb = summarise(b, 100000);
  const d = (/** @type {"buckets" | "functions"} */ key) => {
    const m = new Map(sb[key].map((x) => [x.where, x.ms]));
    const out = sa[key].map((x) => ({ where: x.where, ms: x.ms - (m.get(x.where) ?? 0) }));
    for (const [w, ms] of m) if (!sa[key].some((x) => x.where === w)) out.push({ where: w, ms: -ms });
    return out.sort((x, y) => y.ms - x.ms).slice(0, top);
  };
  return { totalMs: { a: sa.totalMs, b: sb.totalMs, extra: sa.totalMs - sb.totalMs }, buckets: d("buckets"), functions: d("functions") };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [a, b, top] = process.argv.slice(2);
  if (!a || !b) throw new Error("usage: profile-diff.mjs a.cpuprofile b.cpuprofile [top]");
  const r = diffProfiles(a, b, Number(top ?? 20));
  console.log(JSON.stringify(r.totalMs));
  for (const x of r.buckets.slice(0, 10)) console.log(`bucket ${String(x.ms).padStart(6)} ms  ${x.where}`);
  for (const x of r.functions) console.log(`fn     ${String(x.ms).padStart(6)} ms  ${x.where}`);
}
