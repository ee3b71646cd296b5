/**
 * fast-check arbitraries for Freehold stacks: valid stacks that cover the
 * schema (every kind and field, names up to their maximum lengths, sizes as
 * presets and explicit requests inside the envelope, regions and residency
 * combinations that parse), and mutations that make a valid stack invalid,
 * each with the problem path it should be reported at.
 *
 * Hand-built rather than derived from the zod schemas: the schemas say what is
 * allowed, but not what is likely or interesting (short names that collide
 * after padding, names with reserved words, the edges of every range).
 */
import fc from "fast-check";
import {
  CLOUD_REGIONS,
  CLOUDS,
  type Cloud,
  COMPONENT_NAME_MAX,
  FEATURE_IDS,
  NEUTRAL_REGION_NAMES,
  type NeutralRegion,
  POSTGRES_VERSIONS,
  RESIDENCIES,
  type Residency,
  resolveRegion,
  residencyAllows,
  SIZE_LIMITS,
  SIZE_PRESETS,
  STACK_NAME_MAX,
  type StackInput,
} from "@freehold/model";
import { stringify } from "yaml";

export type RawStack = StackInput & { components: Record<string, Record<string, unknown>> };

/** A generated stack: the object and the YAML text a person would write. */
export interface GeneratedStack {
  input: RawStack;
  yaml: string;
}

const LOWER = [..."abcdefghijklmnopqrstuvwxyz"];
const ALNUM = [...LOWER, ..."0123456789"];
/** Words that clouds reserve or treat specially in names, and Freehold's own suffixes. */
const TRICKY = [
  "goog", "google", "g00gle", "sthree", "amzn-s3-demo", "sg", "internal", "xn", "aws", "azure", "microsoft", "windows",
  "default", "postgres", "platform", "stack", "db", "web", "logs", "kv", "rg", "env", "id", "exec", "task", "final", "0", "9", "s3alias",
];

/** Lowercase, single hyphens, letter first, no trailing hyphen, at most `max` characters. */
function tidy(s: string, max: number): string {
  let n = s.replace(/-+/g, "-").slice(0, max).replace(/-+$/, "");
  if (!/^[a-z]/.test(n)) n = `a${n}`.slice(0, max).replace(/-+$/, "");
  return n || "a";
}

/** Names that NAME_PATTERN accepts, biased to the edges: one letter, the maximum length, reserved words. */
export function nameArb(max: number): fc.Arbitrary<string> {
  const random = fc
    .integer({ min: 1, max })
    .chain((len) => fc.array(fc.constantFrom(...ALNUM, "-"), { minLength: len, maxLength: len }))
    .map((cs) => tidy(cs.join(""), max));
  const longest = fc.array(fc.constantFrom(...ALNUM, "-"), { minLength: max * 2, maxLength: max * 2 }).map((cs) => {
    let n = tidy(cs.join(""), max);
    while (n.length < max) n = tidy(`${n}a`, max);
    return n;
  });
  const tricky = fc.array(fc.constantFrom(...TRICKY), { minLength: 1, maxLength: 4 }).map((ps) => tidy(ps.join("-"), max));
  // Tiny names from a tiny alphabet, so "w" and "w0" (padded names) meet often.
  const tiny = fc.tuple(fc.constantFrom("a", "w", "d"), fc.array(fc.constantFrom("0", "a", "00"), { maxLength: 2 })).map(([h, t]) => tidy(h + t.join(""), max));
  return fc.oneof({ weight: 3, arbitrary: random }, { weight: 1, arbitrary: longest }, { weight: 2, arbitrary: tricky }, { weight: 2, arbitrary: tiny });
}

const componentName = nameArb(COMPONENT_NAME_MAX);
const stackName = nameArb(STACK_NAME_MAX);

/** Environment variable names: ordinary ones, ones a link also sets, secret-looking ones, random valid ones. */
export const ENV_LINK_NAMES = ["DATABASE_HOST", "DATABASE_PASSWORD", "OBJECT_STORE_BUCKET"];
const envName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("NODE_ENV", "LOG_LEVEL", "FEATURE_FLAGS", "_X", "a", "Mixed_Case_1", "PUBLIC_URL", "TOKEN_TTL_SECONDS") },
  { weight: 1, arbitrary: fc.constantFrom(...ENV_LINK_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom("DB_PASSWORD", "STRIPE_API_KEY", "GITHUB_TOKEN", "SESSION_SECRET") },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...LOWER, ..."ABCXYZ_"), fc.array(fc.constantFrom(..."ABCXYZ_019"), { maxLength: 12 })).map(([h, t]) => h + t.join("")) },
);
const envValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("production", "", "1", "true", "info", "https://example.gov.uk", "yes", "null", "0.10", "a: b", "#hash") },
  { weight: 1, arbitrary: fc.constantFrom("postgres://app:hunter2@db:5432/app", "AKIAABCDEFGHIJKLMNOP", "sk_live_0123456789abcdef") },
  { weight: 3, arbitrary: fc.string({ maxLength: 40, unit: "grapheme" }) },
);

const image = fc.oneof(
  fc.constantFrom("nginx:1.27", "ghcr.io/example/app:1.4.2", `registry.example.com:5000/team/app@sha256:${"a".repeat(64)}`, "x"),
  fc.string({ minLength: 1, maxLength: 60, unit: "grapheme" }),
  fc.constant("i".repeat(512)),
);

const label = fc.oneof(
  fc.array(fc.constantFrom(...ALNUM), { minLength: 1, maxLength: 10 }).map((c) => c.join("")),
  fc.constant("a".repeat(63)),
  fc.tuple(fc.constantFrom(...ALNUM), fc.array(fc.constantFrom(...ALNUM, "-"), { maxLength: 8 }), fc.constantFrom(...ALNUM)).map(([a, m, b]) => a + m.join("") + b),
);
const domain = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom("uk", "com", "gov.uk", "example", "io"))
  .map(([ls, tld]) => `${ls.join(".").replace(/-+\./g, ".")}.${tld}`)
  .filter((d) => /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d));

function explicitSize(kind: "web-service" | "database"): fc.Arbitrary<{ cpu: number; memoryGiB: number }> {
  const l = SIZE_LIMITS[kind];
  const cpus = kind === "web-service" ? [0.25, 0.5, 1, 2, 4, 8, 16] : [1, 2, 4, 8, 16, 32, 64, 96];
  const cpu = fc.oneof(fc.constantFrom(...cpus), fc.double({ min: l.cpu[0], max: l.cpu[1], noNaN: true }).map((c) => Math.round(c * 100) / 100));
  const ratio = fc.oneof(fc.constantFrom(l.memoryPerCpu[0], 2, 4, l.memoryPerCpu[1]), fc.double({ min: l.memoryPerCpu[0], max: l.memoryPerCpu[1], noNaN: true }));
  return fc
    .tuple(cpu, ratio)
    .map(([c, r]) => ({ cpu: c, memoryGiB: Math.min(l.memoryGiB[1], Math.max(l.memoryGiB[0], Math.round(c * r * 4) / 4)) }))
    .filter((s) => s.cpu >= l.cpu[0] && s.cpu <= l.cpu[1] && s.memoryGiB / s.cpu >= l.memoryPerCpu[0] && s.memoryGiB / s.cpu <= l.memoryPerCpu[1]);
}
const size = (kind: "web-service" | "database") => fc.oneof(fc.constantFrom(...SIZE_PRESETS), explicitSize(kind));

const degraded = (kind: string) => fc.subarray(FEATURE_IDS.filter((f) => f.startsWith(`${kind}.`)));

const scaling = fc
  .tuple(fc.oneof(fc.constantFrom(0, 1, 2), fc.integer({ min: 0, max: 100 })), fc.oneof(fc.constantFrom(0, 1, 3, 300), fc.integer({ min: 0, max: 300 })))
  .map(([min, extra]) => ({ min, max: Math.min(300, Math.max(1, min + extra)) }));

const webService = (links: fc.Arbitrary<unknown[]>) =>
  fc
    .record(
      {
        kind: fc.constant("web-service" as const),
        image,
        port: fc.oneof(fc.constantFrom(1, 80, 8080, 65535), fc.integer({ min: 1, max: 65535 })),
        size: size("web-service"),
        scaling: fc.oneof(scaling, fc.record({ min: fc.constantFrom(0, 1) }), fc.record({ max: fc.integer({ min: 1, max: 300 }) })),
        public: fc.boolean(),
        domain,
        healthCheck: fc.record(
          { path: fc.oneof(fc.constantFrom("/", "/healthz", "/api/v1/health?full=1"), fc.constant(`/${"p".repeat(255)}`)), intervalSeconds: fc.integer({ min: 5, max: 300 }) },
          { requiredKeys: [] },
        ),
        env: fc.dictionary(envName, envValue, { maxKeys: 4 }),
        links,
        user: fc.oneof(fc.constantFrom("0", "1000", "10001:10001"), fc.tuple(fc.nat(4294967295), fc.nat(65535)).map(([u, g]) => `${u}:${g}`)),
        writableRootFilesystem: fc.boolean(),
        acceptDegraded: degraded("web-service"),
      },
      { requiredKeys: ["kind", "image"] },
    )
    // Keep the features some clouds refuse (domain, user, read-only root) from dominating: most stacks should plan,
    // so the checks on plans run often; refusals still come up in about a third of stacks.
    .chain((w) => fc.tuple(fc.constant(w), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 })))
    .map(([w, d, u, a]) => {
      const out: Record<string, unknown> = { ...w };
      if (d >= 2) delete out.domain;
      if (u >= 3) delete out.user;
      if (a >= 3) out.acceptDegraded = [...new Set([...(w.acceptDegraded ?? []), "web-service.read-only-root-filesystem", "web-service.run-as-user"])];
      // A domain needs a public service (a cross-field rule of the model).
      if (out.domain !== undefined) out.public = true;
      return out;
    });

const database = fc.record(
  {
    kind: fc.constant("database" as const),
    engine: fc.constant("postgres" as const),
    version: fc.constantFrom(...POSTGRES_VERSIONS),
    size: size("database"),
    storageGiB: fc.oneof(fc.constantFrom(20, 21, 100, 16384), fc.integer({ min: 20, max: 16384 })),
    highAvailability: fc.boolean(),
    backups: fc.record({ retentionDays: fc.integer({ min: 7, max: 35 }), pointInTimeRecovery: fc.boolean() }, { requiredKeys: [] }),
    deletionProtection: fc.boolean(),
    databaseName: fc.oneof(fc.constantFrom("app", "a", "app_db_2", `d${"b".repeat(62)}`), fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/)),
    acceptDegraded: degraded("database"),
  },
  { requiredKeys: ["kind"] },
);

const objectStore = fc.record(
  {
    kind: fc.constant("object-store" as const),
    versioning: fc.boolean(),
    lifecycle: fc.array(
      fc.record({ prefix: fc.oneof(fc.constantFrom("", "logs/", "tmp/", "a/b/c/"), fc.string({ maxLength: 30 })), expireAfterDays: fc.oneof(fc.constantFrom(1, 7, 36500), fc.integer({ min: 1, max: 36500 })) }, { requiredKeys: ["expireAfterDays"] }),
      { maxLength: 3 },
    ),
    cors: fc.array(
      fc.record(
        {
          allowedOrigins: fc.array(fc.constantFrom("https://app.example.gov.uk", "https://shop.example.com:8443", "http://localhost:3000"), { minLength: 1, maxLength: 3 }),
          allowedMethods: fc.subarray(["GET", "HEAD", "PUT", "POST", "DELETE"] as const, { minLength: 1 }),
          maxAgeSeconds: fc.integer({ min: 0, max: 86400 }),
        },
        { requiredKeys: ["allowedOrigins"] },
      ),
      { maxLength: 2 },
    ),
    deletionProtection: fc.boolean(),
    acceptDegraded: degraded("object-store"),
  },
  { requiredKeys: ["kind"] },
);

type Kind = "web-service" | "database" | "object-store";

/** A link to one of `targets`: a bare name or { to, access? }. */
const linkTo = (to: string) =>
  fc.oneof(fc.constant(to as unknown), fc.record({ to: fc.constant(to), access: fc.constantFrom("read", "write", "readWrite") }, { requiredKeys: ["to"] }));

function componentsArb(maxComponents: number): fc.Arbitrary<Record<string, Record<string, unknown>>> {
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.uniqueArray(componentName, { minLength: 1, maxLength: maxComponents }) },
      // A family of names that differ only by what padding or truncation would add ("w", "w0", "w00"): physical names must still differ.
      { weight: 1, arbitrary: fc.tuple(componentName, fc.subarray(["0", "00", "-0", "0a"], { minLength: 1 })).map(([b, sfx]) => [...new Set([b, ...sfx.map((x) => tidy(b + x, COMPONENT_NAME_MAX))])].slice(0, maxComponents)) },
    )
    .chain((names) => fc.tuple(...names.map((n) => fc.constantFrom<Kind>("web-service", "web-service", "database", "object-store").map((k) => [n, k] as [string, Kind]))))
    .chain((entries) => {
      const data = entries.filter(([, k]) => k !== "web-service").map(([n]) => n);
      const links = (data.length ? fc.subarray(data).chain((ts) => (ts.length ? fc.tuple(...ts.map(linkTo)) : fc.constant([]))) : fc.constant([])) as fc.Arbitrary<unknown[]>;
      const specs = entries.map(([, kind]) => (kind === "web-service" ? webService(links) : kind === "database" ? database : objectStore)) as fc.Arbitrary<Record<string, unknown>>[];
      return fc.tuple(...specs).map((ss) => Object.fromEntries(entries.map(([n], i) => [n, ss[i] as Record<string, unknown>])));
    });
}

/** Region, per-cloud overrides and a residency that the model accepts for every cloud. */
const placement = fc
  .record(
    {
      region: fc.constantFrom(...NEUTRAL_REGION_NAMES),
      regions: fc.record(Object.fromEntries(CLOUDS.map((c) => [c, fc.constantFrom(...Object.keys(CLOUD_REGIONS[c]))])) as Record<Cloud, fc.Arbitrary<string>>, { requiredKeys: [] }),
      residency: fc.constantFrom<Residency>(...(Object.keys(RESIDENCIES) as Residency[])),
    },
    { requiredKeys: [] },
  )
  .map((p) => {
    // Keep the residency only where every cloud's region satisfies it; otherwise fall back to none.
    const region = (p.region ?? "london") as NeutralRegion;
    const ok = (r: Residency) => CLOUDS.every((c) => {
      const choice = resolveRegion(c, region, p.regions ?? {});
      return !choice || residencyAllows(r, choice.country);
    });
    if (p.residency !== undefined && !ok(p.residency)) return { ...p, residency: "none" as Residency };
    return p;
  });

// Tag values the model accepts: the rule every cloud takes (GCP's label values are the strictest).
const tagValue = fc.oneof(fc.constantFrom("", "crown-marketplace", "digital_team", "cost-1234"), fc.stringMatching(/^[a-z0-9_-]{0,63}$/));
const tags = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_-]{0,12}$/), tagValue, { maxKeys: 3 });

/** Valid stacks of 1 to `maxComponents` components. */
export function validStack(maxComponents = 4): fc.Arbitrary<GeneratedStack> {
  return fc
    .tuple(stackName, placement, fc.option(tags, { nil: undefined }), componentsArb(maxComponents))
    .map(([name, p, t, components]) => {
      const input = { name, ...p, ...(t ? { tags: t } : {}), components } as RawStack;
      return { input, yaml: stringify(input) };
    });
}
