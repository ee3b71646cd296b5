// @ts-check
/**
 * Summarise a V8 .cpuprofile: self time by where the code lives (package or
 * workspace folder), and the top functions. Usage: node bench/profile-summary.mjs <file> [top]
 */
import { readFileSync } from "node:fs";

/** @param {string} url */
export function bucketOf(url) {
  if (!url) return "(native/vm)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1] ?? url;
  const w = /\/(packages\/[^/]+|bench)\//.exec(url);
  if (w) return w[1] ?? url;
  if (url.startsWith("node:")) return "node:internal";
  return url;
}

/** @param {string} file @param {number} top */
export function summarise(file, top = 15) {
  /** @type {{ nodes: Array<{ id: number, callFrame: { functionName: string, url: string, lineNumber: number }, hitCount?: number }>, samples: number[], timeDeltas: number[], startTime: number, endTime: number }} */
  const prof = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const self = new Map();
  prof.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  });
  /** @type {Map<string, number>} */
  const buckets = new Map();
  /** @type {Map<string, number>} */
  const fns = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    total += us;
    const cf = n.callFrame;
    const b = cf.functionName === "(garbage collector)" ? "(gc)" : cf.functionName === "(idle)" ? "(idle)" : bucketOf(cf.url);
    buckets.set(b, (buckets.get(b) ?? 0) + us);
    const f = `${cf.functionName || "(anonymous)"} ${cf.url.replace(/^.*node_modules\//, "").replace(/^.*\/work\/main\//, "")}:${cf.lineNumber + 1}`;
    fns.set(f, (fns.get(f) ?? 0) + us);
  }
  const sorted = (/** @type {Map<string, number>} */ m) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ where: k, ms: Math.round(v / 1000), share: Math.round((v / total) * 1000) / 10 }));
  return { totalMs: Math.round(total / 1000), buckets: sorted(buckets).slice(0, top), functions: sorted(fns).slice(0, top) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error("usage: profile-summary.mjs <file.cpuprofile> [top]");
  console.log(JSON.stringify(summarise(file, Number(process.argv[3] ?? 15)), null, 1));
}
