/**
 * Mutations that make a valid stack invalid, each with the problem path(s) the
 * model must report it at (the documented form: `components.web.size`,
 * `components.web.links[0]`, `line 4, column 3` for YAML syntax).
 */
import fc from "fast-check";
import { stringify } from "yaml";
import { type GeneratedStack, type RawStack, validStack } from "./arbitraries";

export interface Mutated {
  /** What was done, for the failure message. */
  what: string;
  /** The YAML text parsed. */
  yaml: string;
  /** Acceptable problem paths: a problem must be at one of them or inside it. */
  paths: string[];
  /** Text a problem at that path must contain, if any (e.g. a "did you mean" hint). */
  mentions?: string;
}

type Obj = Record<string, unknown>;
const clone = (s: RawStack): RawStack => structuredClone(s);
const compsOf = (s: RawStack) => Object.entries(s.components) as Array<[string, Obj]>;

/** Per kind: field -> values of the wrong type or out of range, each with the path suffix reported. */
const BAD_VALUES: Record<string, Array<[string, unknown[], string?]>> = {
  "web-service": [
    ["image", [42, null, true, [], "", "i".repeat(513)]],
    ["port", ["8080", 0, 65536, 80.5, -1, null, 1e300]],
    ["size", [true, "xlarge", "Small", { cpu: 1 }, { cpu: 0.1, memoryGiB: 1 }, { cpu: 17, memoryGiB: 32 }, { cpu: 1, memoryGiB: 64 }, { cpu: "1", memoryGiB: 2 }, []]],
    ["scaling", [7, "1-3", { min: -1, max: 3 }, { min: 101, max: 200 }, { min: 1, max: 301 }, { min: 1, max: 0 }, { min: 1.5 }, { min: 5, max: 2 }]],
    ["public", ["yes", 1, null]],
    ["domain", ["Example.COM", "app", "http://app.example.com", "exämple.com", `${"a".repeat(64)}.example.com`, 7, `${"abc.".repeat(70)}uk`]],
    ["healthCheck", [[], "/healthz", { path: "healthz" }, { intervalSeconds: 4 }, { intervalSeconds: 301 }, { path: `/${"p".repeat(300)}` }]],
    ["env", ["A=1", [], { "1A": "x" }, { "NAMÉ": "x" }, { A: 1 }, { A: null }, { A: "v".repeat(4097) }, { "A-B": "x" }]],
    ["links", ["db", 3, { to: "db" }]],
    ["user", [1000, "root", "1000:", "-1", "1".repeat(11)]],
    ["writableRootFilesystem", ["false", 0]],
    ["acceptDegraded", ["web-service.run-as-user", ["database.high-availability"], ["web-service.run_as_user"], Array(21).fill("web-service.run-as-user")]],
  ],
  database: [
    ["engine", ["mysql", "Postgres", 1]],
    ["version", [16, "12", "18", "16.2", null]],
    ["size", ["tiny", { cpu: 0.5, memoryGiB: 1 }, { cpu: 97, memoryGiB: 200 }, { cpu: 2, memoryGiB: 1 }, { cpu: 1, memoryGiB: 800 }]],
    ["storageGiB", ["50GB", 19, 0, 16385, 20.5, -20]],
    ["highAvailability", ["yes", "true", 1]],
    ["backups", [true, 14, { retentionDays: 6 }, { retentionDays: 36 }, { retentionDays: "7" }, { pointInTimeRecovery: "on" }]],
    ["deletionProtection", [1, "no", null]],
    ["databaseName", [7, "App", "1db", "my-db", "d".repeat(64), "", "dé"]],
    ["replication", [true, "on", "physical", "Logical", null]],
  ],
  "object-store": [
    ["versioning", ["on", 1]],
    ["lifecycle", [{}, "30d", [{ prefix: "logs/" }], [{ expireAfterDays: 0 }], [{ expireAfterDays: 36501 }], [{ expireAfterDays: 1, prefix: "p".repeat(1025) }], Array(51).fill({ expireAfterDays: 1 })]],
    ["cors", ["*", [{}], [{ allowedOrigins: [] }], [{ allowedOrigins: ["*"], allowedMethods: ["PATCH"] }], [{ allowedOrigins: ["*"], maxAgeSeconds: 86401 }], [{ allowedOrigins: [""] }]]],
    ["deletionProtection", [null, "false"]],
  ],
};

const STACK_BAD: Array<[string, unknown[]]> = [
  ["name", [123, "", "My-Stack", "a--b", "stack-", "-stack", "s".repeat(31), "a".repeat(10_000), "café", "ａｐｐ", "аpp", "ap\u200bp", "🚀", null]],
  ["region", ["London", "lndon", "lоndon", "eu-west-2", ["london"], 5]],
  ["residency", ["UK", "gb", 5, "europe"]],
  ["regions", ["aws", { aws: "eu-west-22" }, { azure: "UK South" }, { gcp: "europe-west" }, { oracle: "uk-london-1" }]],
  ["tags", ["x", { Team: "a" }, { team: "v".repeat(64) }, { team: 5 }, { "1team": "x" }]],
  ["components", [[], "web", null, {}, 5]],
];

/** Near-miss spellings of a key: one deletion, one transposition, case change. */
function nearMisses(key: string): string[] {
  const out = new Set<string>();
  if (key.length >= 4) out.add(key.slice(0, 1) + key.slice(2));
  if (key.length >= 4) out.add(key.slice(0, -1));
  if (key.length >= 3) out.add(key.charAt(1) + key.charAt(0) + key.slice(2));
  out.add(key.toLowerCase() === key ? key.toUpperCase() : key.toLowerCase());
  out.delete(key);
  return [...out];
}

const KEYS: Record<string, string[]> = {
  "": ["name", "region", "regions", "residency", "tags", "components"],
  "web-service": ["image", "port", "size", "scaling", "public", "domain", "healthCheck", "env", "links", "user", "writableRootFilesystem", "acceptDegraded"],
  database: ["engine", "version", "size", "storageGiB", "highAvailability", "backups", "deletionProtection", "databaseName", "replication", "acceptDegraded"],
  "object-store": ["versioning", "lifecycle", "cors", "deletionProtection", "acceptDegraded"],
};

const STACK_KEYS = KEYS[""] ?? [];

const JUNK_KEYS = ["foo", "__proto__", "constructor", "ïmage", "x".repeat(2000), "toString", "Size", "kind2", "🚀"];

function at(base: string, key: string) {
  return base ? `${base}.${key}` : key;
}

/** One mutation of a valid stack, with where it must be reported. */
function mutate(g: GeneratedStack): fc.Arbitrary<Mutated> {
  const s = g.input;
  const comps = compsOf(s);
  const y = (x: RawStack) => stringify(x);
  const withComp = <T>(f: (name: string, spec: Obj) => fc.Arbitrary<T>) => fc.constantFrom(...comps).chain(([n, spec]) => f(n, spec));

  const wrongValue = withComp((n, spec) => {
    const fields = BAD_VALUES[spec.kind as string] ?? [];
    return fc.constantFrom(...fields).chain(([field, values]) =>
      fc.constantFrom(...values).map((v): Mutated => {
        const x = clone(s);
        (x.components[n] as Obj)[field] = v;
        // A domain is only checked on a public service; make it public so the domain's own problem is the one reported.
        if (field === "domain") (x.components[n] as Obj).public = true;
        // Links must name components: make sure "db" is not one, so the link's type is the problem.
        return { what: `components.${n}.${field} = ${JSON.stringify(v)?.slice(0, 80)}`, yaml: y(x), paths: [`components.${n}.${field}`] };
      }),
    );
  });

  const stackValue = fc.constantFrom(...STACK_BAD).chain(([field, values]) =>
    fc.constantFrom(...values).map((v): Mutated => {
      const x = clone(s) as Obj;
      x[field] = v;
      // A residency is checked against the region: without a valid residency, report the residency itself.
      return { what: `${field} = ${JSON.stringify(v)?.slice(0, 80)}`, yaml: stringify(x), paths: [field] };
    }),
  );

  const unknownKey = fc.oneof(
    fc.tuple(fc.constant(""), fc.constantFrom(...JUNK_KEYS, ...STACK_KEYS.flatMap(nearMisses))),
    withComp((n, spec) => fc.tuple(fc.constant(`components.${n}`), fc.constantFrom(...JUNK_KEYS, ...(KEYS[spec.kind as string] ?? []).flatMap(nearMisses)))),
  ).filter(([base, key]) => {
    const known = base === "" ? STACK_KEYS : [...(KEYS[(s.components[base.slice(11)] as Obj | undefined)?.kind as string] ?? []), "kind", "vendor"];
    return !known.includes(key);
  }).map(([base, key]): Mutated => {
    const x = clone(s) as Obj;
    const target = base === "" ? x : ((x.components as Obj)[base.slice("components.".length)] as Obj);
    Object.defineProperty(target, key, { value: "x", enumerable: true, configurable: true, writable: true });
    const known = base === "" ? STACK_KEYS : KEYS[(target.kind as string) ?? ""] ?? [];
    const meant = known.find((k) => nearMisses(k).includes(key));
    return { what: `unknown key ${at(base, key).slice(0, 80)}`, yaml: stringify(x), paths: [at(base, key)], mentions: meant ? `did you mean "${meant}"?` : "unknown key" };
  });

  const missing = withComp((n, spec) => {
    const options: Array<[string, (x: RawStack) => void]> = [
      ["name", (x) => { delete (x as Obj).name; }],
      ["components", (x) => { delete (x as Obj).components; }],
      [`components.${n}.kind`, (x) => { delete (x.components[n] as Obj).kind; }],
    ];
    if (spec.kind === "web-service") options.push([`components.${n}.image`, (x) => { delete (x.components[n] as Obj).image; }]);
    if (spec.kind === "object-store") {
      options.push([`components.${n}.lifecycle[0].expireAfterDays`, (x) => { (x.components[n] as Obj).lifecycle = [{ prefix: "logs/" }]; }]);
      options.push([`components.${n}.cors[0].allowedOrigins`, (x) => { (x.components[n] as Obj).cors = [{ allowedMethods: ["GET"] }]; }]);
    }
    return fc.constantFrom(...options).map(([path, f]): Mutated => {
      const x = clone(s);
      f(x);
      return { what: `missing ${path}`, yaml: stringify(x), paths: [path] };
    });
  });

  const wrongKind = withComp((n) =>
    fc.constantFrom("webservice", "web_service", "Web-Service", "db", "bucket", "object_store", "databse", "web‑service", "", 7, null).map((k): Mutated => {
      const x = clone(s);
      (x.components[n] as Obj).kind = k;
      return { what: `components.${n}.kind = ${JSON.stringify(k)}`, yaml: stringify(x), paths: [`components.${n}.kind`, `components.${n}`] };
    }),
  );

  const badComponentName = fc.constantFrom("Web", "web_1", "1web", "web-", "w--b", "a".repeat(25), "x".repeat(5000), "wéb", "ｗｅｂ", "wеb", "w\u200beb", "🚀").map((bad): Mutated => {
    const x = clone(s);
    x.components[bad] = { kind: "object-store" };
    return { what: `component named ${JSON.stringify(bad).slice(0, 60)}`, yaml: stringify(x), paths: [`components.${bad}`] };
  });

  // A web service to hang links on (added when the stack has none).
  const withWeb = (x: RawStack): string => {
    const web = compsOf(x).find(([, c]) => c.kind === "web-service")?.[0];
    if (web) return web;
    let name = "mutant-web";
    while (name in x.components) name += "x";
    x.components[name] = { kind: "web-service", image: "nginx:1.27" };
    return name;
  };
  const badLink = fc.constantFrom("dangling", "near-miss", "self", "to-web", "twice", "constructor").map((how): Mutated => {
    const x = clone(s);
    const web = withWeb(x);
    const w = x.components[web] as Obj;
    const links = Array.isArray(w.links) ? [...(w.links as unknown[])] : [];
    const data = compsOf(x).find(([, c]) => c.kind !== "web-service")?.[0];
    let target: string;
    if (how === "near-miss" && data) target = `${data}x`.slice(0, 24);
    else if (how === "self") target = web;
    else if (how === "to-web") {
      target = "other-web";
      while (target in x.components) target += "x";
      x.components[target] = { kind: "web-service", image: "nginx:1.27" };
    } else if (how === "twice" && data) {
      links.push(data);
      target = data;
    } else if (how === "constructor") target = "constructor";
    else {
      target = "no-such-component";
    }
    if (target in x.components && how === "near-miss") target = "no-such-component";
    links.push(target);
    w.links = links;
    return { what: `link ${how} -> ${target}`, yaml: stringify(x), paths: [`components.${web}.links[${links.length - 1}]`] };
  });

  const crossField = withComp((n, spec) => {
    const options: Array<[string, (x: RawStack) => void]> = [
      ["region", (x) => { Object.assign(x, { region: "virginia", residency: "uk", regions: {} }); }],
      ["region", (x) => { Object.assign(x, { region: "london", residency: "eu", regions: {} }); }],
      ["regions.aws", (x) => { Object.assign(x, { region: "london", residency: "uk", regions: { aws: "eu-west-1" } }); }],
      ["regions.gcp", (x) => { Object.assign(x, { region: "london", residency: "uk", regions: { gcp: "us-east4" } }); }],
    ];
    if (spec.kind === "web-service") {
      options.push([`components.${n}.scaling`, (x) => { (x.components[n] as Obj).scaling = { min: 4, max: 2 }; }]);
      options.push([`components.${n}.domain`, (x) => { Object.assign(x.components[n] as Obj, { domain: "app.example.gov.uk", public: false }); }]);
    }
    return fc.constantFrom(...options).map(([path, f]): Mutated => {
      const x = clone(s);
      f(x);
      return { what: `cross-field ${path}`, yaml: stringify(x), paths: [path] };
    });
  });

  // Duplicate names in the YAML text itself: the component map is the last key, so a line appended at the end repeats a component.
  const duplicate = withComp((n): fc.Arbitrary<Mutated> => {
    const text = `${y(s).replace(/\n$/, "")}\n  ${n}: { kind: object-store }\n`;
    const line = text.split("\n").length - 1;
    return fc.constant({ what: `duplicate component ${n} in YAML`, yaml: text, paths: [`line ${line}, column 3`] });
  });

  return fc.oneof(
    { weight: 5, arbitrary: wrongValue },
    { weight: 2, arbitrary: stackValue },
    { weight: 3, arbitrary: unknownKey },
    { weight: 2, arbitrary: missing },
    { weight: 1, arbitrary: wrongKind },
    { weight: 1, arbitrary: badComponentName },
    { weight: 2, arbitrary: badLink },
    { weight: 1, arbitrary: crossField },
    { weight: 1, arbitrary: duplicate },
  );
}

/** Invalid stacks: a small valid stack with one mutation. */
export function invalidStack(): fc.Arbitrary<Mutated> {
  return validStack(3).chain(mutate);
}
