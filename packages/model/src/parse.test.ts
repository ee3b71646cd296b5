import { describe, expect, it } from "vitest";
import { SpecError, UnsupportedFeatureError } from "./errors";
import { parseComponent, parseStack, parseStackSettings } from "./parse";
import { DatabaseSpec } from "./schema";

function problemsOf(text: string): string[] {
  try {
    parseStack(text, { source: "freehold.yaml" });
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error("expected a SpecError");
}

const malformed = `
name: crown
region: londn
components:
  web:
    kind: web-service
    image: ghcr.io/example/app:1
    siez: small
    size: { cpu: 0.25, memoryGiB: 32 }
    links: [db, cache]
  db:
    kind: database
    storageGiB: 5
  jobs:
    kind: queue
`;

describe("parseStack errors", () => {
  it("returns every problem of one file in one SpecError, each with its path", () => {
    expect(problemsOf(malformed)).toEqual([
      'region: "londn" is not allowed; allowed: london, dublin, frankfurt, paris, virginia. Did you mean "london"?',
      "components.web.size: 0.25 vCPU with 32 GiB is not a size any cloud offers: memory must be 0.5–8 GiB per vCPU (0.13–2 GiB for 0.25 vCPU)",
      'components.web.siez: unknown key; did you mean "size"? Allowed keys: kind, image, port, size, scaling, public, domain, domainZone, ipAllowList, webApplicationFirewall, healthCheck, env, links, user, writableRootFilesystem, background, registry, acceptDegraded, vendor',
      "components.db.storageGiB: 5 is below the minimum of 20 GiB",
      'components.jobs.kind: "queue" is not a component kind; allowed: web-service, worker, scheduled-job, database, object-store',
      'components.web.links[1]: "cache" is not a component of this stack (components: web, db, jobs)',
    ]);
  });

  it("refuses CORS origins that are a wildcard, a javascript: URL, a path, plain http or hold a newline, each with its path", () => {
    const stack = `name: s\ncomponents:\n  files:\n    kind: object-store\n    cors:\n      - allowedOrigins: ["*", "javascript:alert(1)", "https://shop.example.gov.uk\\n", "https://shop.example.gov.uk/app", "http://shop.example.gov.uk", "https://shop.example.gov.uk:8443", "http://localhost:3000"]\n`;
    const message = "must be an origin such as https://app.example.gov.uk or https://app.example.gov.uk:8443 (lower case, no path, no wildcard; http only for localhost)";
    expect(problemsOf(stack)).toEqual([0, 1, 2, 3, 4].map((i) => expect.stringMatching(new RegExp(`^components\\.files\\.cors\\[0\\]\\.allowedOrigins\\[${i}\\]: .*${message.replace(/[()]/g, "\\$&")}`))));
  });

  it("formats the whole error as one paragraph naming the file", () => {
    try {
      parseStack(malformed, { source: "freehold.yaml" });
    } catch (e) {
      expect((e as Error).message.split("\n")[0]).toBe("freehold.yaml has 6 problems:");
      expect((e as Error).message).toContain("\n  - components.db.storageGiB: 5 is below the minimum of 20 GiB");
    }
  });

  it("suggests a near-miss component kind", () => {
    expect(problemsOf("name: a\ncomponents:\n  db: { kind: databse }")).toEqual([
      'components.db.kind: "databse" is not a component kind; allowed: web-service, worker, scheduled-job, database, object-store. Did you mean "database"?',
    ]);
  });

  it("suggests a near-miss link target", () => {
    expect(problemsOf("name: a\ncomponents:\n  db: { kind: database }\n  web: { kind: web-service, image: x, links: [dbb] }")).toEqual([
      'components.web.links[0]: "dbb" is not a component of this stack (components: db, web); did you mean "db"?',
    ]);
  });

  it("rejects an unknown size preset and says what is allowed", () => {
    expect(problemsOf("name: a\ncomponents:\n  web: { kind: web-service, image: x, size: huge }")).toEqual([
      'components.web.size: "huge" is not allowed; allowed: small, medium, large, or an explicit { cpu, memoryGiB }',
    ]);
    expect(problemsOf("name: a\ncomponents:\n  web: { kind: web-service, image: x, size: lage }")).toEqual([
      'components.web.size: "lage" is not allowed; allowed: small, medium, large, or an explicit { cpu, memoryGiB }. Did you mean "large"?',
    ]);
  });

  it("rejects a component name with capitals", () => {
    expect(problemsOf("name: a\ncomponents:\n  Web: { kind: object-store }")).toEqual([
      'components.Web: "Web" is not a valid name: must be lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen',
    ]);
  });

  it("rejects a link to a web service, a self link and min above max", () => {
    expect(
      problemsOf(
        "name: a\ncomponents:\n  api: { kind: web-service, image: x }\n  web: { kind: web-service, image: x, links: [api, web], scaling: { min: 5, max: 2 } }",
      ),
    ).toEqual([
      "components.web.scaling: min 5 is greater than max 2; set min <= max",
      'components.web.links[0]: "api" is a web-service; links go to a database or an object-store',
      'components.web.links[1]: "web" links to itself; remove the link',
    ]);
  });

  it("refuses a region outside the stack's residency, naming the cloud region", () => {
    expect(problemsOf("name: a\nregion: dublin\nresidency: uk\ncomponents:\n  s: { kind: object-store }")).toEqual([
      "region: aws region eu-west-1 (Dublin, IE) is outside the uk residency; allowed countries: GB",
      "region: azure region northeurope (Dublin, IE) is outside the uk residency; allowed countries: GB",
    ]);
  });

  it("rejects an unknown cloud region override with a suggestion", () => {
    expect(problemsOf("name: a\nregions: { azure: uksouh }\ncomponents:\n  s: { kind: object-store }")).toEqual([
      'regions.azure: "uksouh" is not a region Freehold knows for azure; allowed: uksouth, ukwest, northeurope, westeurope, germanywestcentral, francecentral, eastus. Did you mean "uksouth"?',
    ]);
  });

  it("reports wrong types with what was given and what was expected", () => {
    expect(problemsOf("name: a\ncomponents:\n  web: { kind: web-service, image: x, port: '80', public: yes please }")).toEqual([
      'components.web.port: "80" is a string; expected a number',
      'components.web.public: "yes please" is a string; expected a boolean',
    ]);
  });

  it("reports YAML syntax errors with a line and column", () => {
    const e = (() => {
      try {
        parseStack("name: a\ncomponents: [\n", { source: "x.yaml" });
      } catch (err) {
        return err as SpecError;
      }
    })();
    expect(e).toBeInstanceOf(SpecError);
    expect(e?.problems[0]?.path).toMatch(/^line \d+, column \d+$/);
  });

  it("rejects duplicate component names in YAML", () => {
    const e = (() => {
      try {
        parseStack("name: a\ncomponents:\n  db: { kind: database }\n  db: { kind: object-store }\n");
      } catch (err) {
        return err as SpecError;
      }
    })();
    expect(e?.problems[0]?.message).toMatch(/Map keys must be unique/);
  });

  it("refuses an empty file and an empty component list", () => {
    expect(problemsOf("name: a\ncomponents: {}")).toEqual(["components: is empty; a stack needs at least one component"]);
  });
});

describe("parseStack defaults", () => {
  it("fills every safe default", () => {
    const s = parseStack("name: a\ncomponents:\n  db: { kind: database }\n  s: { kind: object-store }\n  w: { kind: web-service, image: x }");
    expect(s.region).toBe("london");
    expect(s.residency).toBe("none");
    expect(s.components.db).toEqual({
      kind: "database",
      engine: "postgres",
      version: "16",
      size: "small",
      storageGiB: 20,
      highAvailability: false,
      backups: { retentionDays: 7, pointInTimeRecovery: true, keepOnDelete: true },
      deletionProtection: true,
      databaseName: "app",
      replication: "off",
      acceptDegraded: [],
    });
    expect(s.components.s).toEqual({ kind: "object-store", versioning: true, previousVersionsExpireAfterDays: 30, lifecycle: [], cors: [], deletionProtection: true, acceptDegraded: [] });
    expect(s.components.w).toMatchObject({ public: false, webApplicationFirewall: false, port: 8080, background: false, scaling: { min: 1, max: 3 }, links: [], healthCheck: { path: "/", intervalSeconds: 30, startupGraceSeconds: 120 } });
    // Unset on purpose: read-only where the cloud can, never a refusal.
    expect(s.components.w).not.toHaveProperty("writableRootFilesystem");
  });

  it("refuses background work with scale to zero, naming the field", () => {
    expect(() => parseStack("name: a\ncomponents:\n  w: { kind: web-service, image: x, background: true, scaling: { min: 0, max: 2 } }\n")).toThrow(
      "components.w.scaling.min: is 0, but a background service is never scaled to zero; set min to 1 or more, or remove background",
    );
  });

  it("accepts JSON text and plain objects alike", () => {
    const obj = { name: "a", components: { s: { kind: "object-store" } } };
    expect(parseStack(JSON.stringify(obj))).toEqual(parseStack(obj));
  });
});

describe("parseComponent and parseStackSettings", () => {
  it("names the component in the error", () => {
    expect(() => parseComponent(DatabaseSpec, { kind: "database", storageGiB: 1 }, "db")).toThrow(
      'component "db" has 1 problem:\n  - storageGiB: 1 is below the minimum of 20 GiB',
    );
  });
  it("checks residency for config-given settings", () => {
    expect(() => parseStackSettings({ name: "a", region: "virginia", residency: "uk" })).toThrow(/aws region us-east-1 \(N. Virginia, US\) is outside the uk residency/);
  });
  it("checks a program's residency only on the cloud it deploys to, and says when the region is the default", () => {
    const settings = { name: "a", regions: { aws: "eu-west-1" }, residency: "eu" };
    expect(parseStackSettings(settings, "freehold:* config", ["aws"]).regions).toEqual({ aws: "eu-west-1" });
    expect(() => parseStackSettings(settings, "freehold:* config")).toThrow(
      'region: azure region uksouth (London, GB) is outside the eu residency (region is not set: "london" is the default; set region, or regions.azure); allowed countries: IE, DE, FR, NL, BE',
    );
    expect(() => parseStackSettings({ ...settings, regions: {} }, "freehold:* config", ["aws"])).toThrow(
      'region: aws region eu-west-2 (London, GB) is outside the eu residency (region is not set: "london" is the default; set region, or regions.aws)',
    );
  });
});

describe("inputs the property tests found", () => {
  it("refuses a link to a name that only exists on Object.prototype, and reserved component names", () => {
    expect(problemsOf("name: a\ncomponents:\n  web: { kind: web-service, image: x, links: [constructor] }")).toEqual([
      'components.web.links[0]: "constructor" is not a component of this stack (components: web)',
    ]);
    expect(problemsOf("name: a\ncomponents:\n  constructor: { kind: object-store }")).toContain('components.constructor: "constructor" is reserved in JavaScript; choose another component name');
  });

  it("reports a region that is not a string instead of crashing", () => {
    expect(problemsOf("name: a\nregion: 5\ncomponents:\n  s: { kind: object-store }")).toEqual(["region: 5 is not allowed; allowed: london, dublin, frankfurt, paris, virginia"]);
  });

  it("reports a YAML alias without its anchor as a problem of the file", () => {
    expect(problemsOf("name: *x\ncomponents:\n  s: { kind: object-store }")[0]).toMatch(/^: not valid YAML: /);
  });

  it("refuses plain env that a link would set, at parse time", () => {
    expect(problemsOf("name: a\ncomponents:\n  db: { kind: database }\n  web: { kind: web-service, image: x, env: { DATABASE_HOST: h }, links: [db] }")).toEqual([
      "components.web.env.DATABASE_HOST: is set by a link; remove it from env or rename it",
    ]);
  });

  it("asks for tag values every cloud accepts", () => {
    expect(problemsOf("name: a\ntags: { team: 'a!b' }\ncomponents:\n  s: { kind: object-store }")).toEqual([
      'tags.team: "a!b" must be up to 63 lowercase letters, digits, _ or - (the rule every cloud accepts: GCP labels are the strictest)',
    ]);
  });

  it("says to quote a version written as a number", () => {
    expect(problemsOf("name: a\ncomponents:\n  db: { kind: database, version: 16 }")).toEqual(['components.db.version: 16 is a number; write it as a string: "16"']);
  });

  it("gives one problem for an empty file and calls a list where a mapping belongs by its name", () => {
    expect(problemsOf("")).toEqual([": is empty; a stack needs a name and components"]);
    expect(problemsOf("name: a\ncomponents: []")).toEqual(["components: [] is a list; expected a mapping"]);
  });
});

describe("acceptDegraded", () => {
  it("accepts only features of the component's own kind", () => {
    expect(problemsOf("name: a\ncomponents:\n  s: { kind: object-store, acceptDegraded: [web-service.run-as-user] }")).toEqual([
      'components.s.acceptDegraded[0]: "web-service.run-as-user" is not allowed; allowed: object-store.versioning, object-store.lifecycle, object-store.cors, object-store.soft-delete, object-store.previous-versions-expire',
    ]);
  });
});

describe("UnsupportedFeatureError", () => {
  it("names the component, the feature and the cloud", () => {
    const e = new UnsupportedFeatureError("web", "scale to zero", "aws", "ECS services cannot start on a request", "Set scaling.min to 1");
    expect(e.message).toBe("web: aws cannot provide scale to zero: ECS services cannot start on a request. Set scaling.min to 1");
  });
});
