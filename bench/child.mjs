// @ts-check
/**
 * One measurement, in a fresh process (started by run.mjs). Prints one JSON line.
 *
 *   node --expose-gc bench/child.mjs register <freehold|baseline> <aws|azure|gcp> <N> [--record <file>]
 *   node --expose-gc bench/child.mjs load <freehold|baseline> <aws|azure|gcp>
 *   node bench/child.mjs crown <freehold|baseline> <aws|azure|gcp> - --record <file>
 *
 * register: loads the side's modules (not timed; see `load`), then times the
 * registration of an N-component stack under Pulumi's mock runtime (setMocks +
 * runInPulumiStack, the same bench mocks for both sides) until every
 * registration has reached the mocks. Reports wall and process CPU time of the
 * registration, the process's peak RSS and the heap retained after a GC.
 *
 * crown: registers the Crown Marketplace example instead (Freehold: deployStack of
 * examples/crown-marketplace/freehold.yaml; baseline: crownMarketplace()), to check
 * that the baseline programs counted in "what the user writes" give the same resources.
 *
 * load: times require() of @freehold/core + loadBackend(cloud), or of
 * @pulumi/pulumi + the baseline program module (which imports exactly the
 * provider submodules the backend uses), and lists any other cloud's SDK found
 * in require.cache.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "package.json"));
const [mode, side, cloud, nArg, ...rest] = process.argv.slice(2);
const CLOUDS = ["aws", "azure", "gcp"];
if (!["register", "load", "crown"].includes(mode ?? "") || !["freehold", "baseline"].includes(side ?? "") || !CLOUDS.includes(cloud ?? "")) {
  console.error("usage: child.mjs register|load freehold|baseline aws|azure|gcp [N] [--record file]");
  process.exit(2);
}
const c = /** @type {"aws" | "azure" | "gcp"} */ (cloud);
const SDK = { aws: "@pulumi/aws", azure: "@pulumi/azure-native", gcp: "@pulumi/gcp" };
const gc = /** @type {(() => void) | undefined} */ (globalThis.gc);

/** Load one side's code; returns a getter for the program to run. */
function load() {
  if (side === "freehold") {
    const core = require("@freehold/core");
    core.loadBackend(c);
    if (mode === "crown") {
      const { parseStack } = require("@freehold/model");
      const stack = parseStack(readFileSync(join(here, "..", "examples", "crown-marketplace", "freehold.yaml"), "utf8"));
      return () => () => core.deployStack(stack);
    }
    return () => require(join(here, "dist", "freehold.js")).freeholdStack;
  }
  require("@pulumi/pulumi");
  const baseline = require(join(here, "dist", "baseline", `${c}.js`));
  if (mode === "crown") return () => () => baseline.crownMarketplace();
  return () => require(join(here, "dist", "baseline-stack", `${c}.js`)).benchStack;
}

const cpuMs = (/** @type {NodeJS.CpuUsage} */ u) => (u.user + u.system) / 1000;
const mib = (/** @type {number} */ bytes) => bytes / 1024 / 1024;

if (mode === "load") {
  const rss0 = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  load();
  const wallMs = performance.now() - t0;
  const cpu = cpuMs(process.cpuUsage(cpu0));
  gc?.();
  const mem = process.memoryUsage();
  const files = Object.keys(require.cache);
  const sdkOf = (/** @type {string} */ pkg) => files.filter((f) => f.includes(`/node_modules/${pkg}/`));
  const loadedSdks = Object.fromEntries(CLOUDS.map((k) => [k, sdkOf(SDK[/** @type {"aws"} */ (k)]).length]));
  const others = CLOUDS.filter((k) => k !== c && (loadedSdks[k] ?? 0) > 0);
  console.log(
    JSON.stringify({
      wallMs,
      cpuMs: cpu,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
      rssGrowthMiB: mib(mem.rss - rss0),
      heapUsedMiB: mib(mem.heapUsed),
      modules: files.length,
      sdkModules: loadedSdks,
      otherCloudSdksLoaded: others,
    }),
  );
} else {
  const n = Number(nArg);
  const recordAt = rest[0] === "--record" ? rest[1] : undefined;
  const pulumi = require("@pulumi/pulumi");
  const program = load()();
  const { mocksFor } = await import("./mocks.mjs");
  /** @type {{ registrations: any[], invokes: any[] } | undefined} */
  const record = recordAt ? { registrations: [], invokes: [] } : undefined;
  const mocks = mocksFor(c, record);
  // The same config for both sides; only Freehold reads the freehold:* keys.
  pulumi.runtime.setAllConfig(
    {
      "freehold:cloud": c,
      "freehold:region": "london",
      "freehold:residency": "uk",
      "freehold:tags": JSON.stringify({ service: "bench", owner: "platform-team" }),
    },
    [],
  );
  await pulumi.runtime.setMocks(mocks, "bench", "bench", false);
  gc?.();
  const rss0 = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await pulumi.runtime.runInPulumiStack(async () => {
    program(n);
    return {};
  });
  // Registrations whose inputs were still Outputs reach the mocks after the program returns.
  await pulumi.runtime.waitForRPCs();
  const wallMs = performance.now() - t0;
  const cpu = cpuMs(process.cpuUsage(cpu0));
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  gc?.();
  const mem = process.memoryUsage();
  if (record && recordAt) writeFileSync(recordAt, JSON.stringify(record));
  console.log(JSON.stringify({ n, wallMs, cpuMs: cpu, maxRssMiB, rssGrowthMiB: mib(mem.rss - rss0), heapUsedMiB: mib(mem.heapUsed), registrations: mocks.count }));
}
