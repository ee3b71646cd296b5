/**
 * `freehold eject` as an outside Pulumi team relies on it, on every cloud: a
 * matrix of the example, explicit providers in another region and account (with
 * a private registry), a custom domain, a network brought along, and residency
 * `uk` with a domain and vendor settings; then the conformance stacks and a few
 * random valid stacks. Every ejected program is installed as its README says
 * (one `npm install` shared by all, and with the consumer test), type-checked in one tsc run under Pulumi's
 * template tsconfig, and planned the way `freehold plan DIR` plans it, with its
 * own copy of the Pulumi SDK; its plan must equal Freehold's resource by
 * resource (type, name, inputs, options, provider, dependencies, an alias to the
 * old URN, invokes and their providers, stack outputs). Then both are planned
 * again with every mock value varied: equal values there prove that no value
 * the mocks made is written in the program, and the program text is searched
 * for every value the mocks made as well. The committed ejected examples must
 * match a fresh eject.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Ejected, type HostedPlan, resolveTarget, type Target } from "@freehold/cli";
import { type Cloud, CLOUDS, parseStack, SpecError, UnsupportedFeatureError } from "@freehold/model";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { freehold, ROOT } from "./cli-helpers";
import { configToSet, ejectedDifferences, ejectWithValues, installEjected, mockMadeValues, planProgram, type Run, stackTarget, typeCheck, valueDifferences, writeProgram } from "./eject-helpers";
import { validStack } from "./property/arbitraries";
import { seedFor } from "./property/config";
import { CONFORMANCE_STACKS, EXAMPLE } from "./stacks";

/** Random stacks per cloud: enough to meet names and shapes no fixed stack has, few enough to keep npm test fast. */
const RANDOM_STACKS = Number(process.env.FREEHOLD_EJECT_RANDOM_STACKS ?? 3);
const EXAMPLE_SOURCE = "examples/crown-marketplace/freehold.yaml";

/** The example with changes, as a stack file's text. */
function exampleWith(edit: (stack: Record<string, unknown> & { components: Record<string, Record<string, unknown>> }) => void): string {
  const stack = parse(EXAMPLE) as Record<string, unknown> & { components: Record<string, Record<string, unknown>> };
  edit(stack);
  return stringify(stack);
}

const DOMAIN = exampleWith((s) => {
  s.residency = "none";
  (s.components.web as Record<string, unknown>).domain = "marketplace.example.gov.uk";
});

const NETWORK = exampleWith((s) => {
  s.network = {
    // A public service without a domain needs public subnets routed to an internet gateway (CloudFront's VPC origin).
    aws: { vpcId: "vpc-0a1b2c3d4e5f60718", privateSubnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-1a1b2c3d4e5f60718"], publicSubnetIds: ["subnet-2a1b2c3d4e5f60718", "subnet-3a1b2c3d4e5f60718"] },
    azure: { resourceGroupName: "shared-network", virtualNetworkName: "shared-vnet", appsSubnetName: "apps", databaseSubnetName: "postgres", jobsSubnetName: "jobs" },
    gcp: { network: "projects/shared-host/global/networks/shared", subnetwork: "projects/shared-host/regions/europe-west2/subnetworks/apps" },
  };
});

const RESIDENCY = exampleWith((s) => {
  s.residency = "uk";
  (s.components.web as Record<string, unknown>).domain = "marketplace.example.gov.uk";
  (s.components.db as Record<string, unknown>).vendor = { aws: { instance: { performanceInsightsEnabled: true } }, azure: { database: { charset: "UTF8" } }, gcp: { database: { charset: "UTF8" } } };
});

/** Explicit providers for another account, subscription or project, in another region, as the README shows; with a private registry. */
const PROVIDER: Record<Cloud, string> = {
  aws: `import { Provider as CloudProvider } from "@pulumi/aws/provider";
const workload = new CloudProvider("workload", {
  region: "eu-central-1",
  assumeRoles: [{ roleArn: "arn:aws:iam::210987654321:role/deploy", sessionName: "freehold" }],
  skipRegionValidation: true,
  defaultTags: { tags: { team: "marketplace" } },
});`,
  azure: `import { Provider as CloudProvider } from "@pulumi/azure-native/provider";
const workload = new CloudProvider("workload", { location: "germanywestcentral", subscriptionId: "11111111-2222-4333-8444-555555555555" });`,
  gcp: `import { Provider as CloudProvider } from "@pulumi/gcp/provider";
const workload = new CloudProvider("workload", { project: "crown-prod-eu", region: "europe-west3", addPulumiAttributionLabel: false });`,
};

function providersProgram(cloud: Cloud, dir: string): Target {
  mkdirSync(dir, { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    stringify({ name: "crown-marketplace", runtime: { name: "nodejs", options: { typescript: true } }, config: { "freehold:region": { value: "frankfurt" }, "freehold:tags": { value: { service: "crown-marketplace" } } } }),
  );
  writeFileSync(join(dir, "Pulumi.dev.yaml"), stringify({ config: { "crown-marketplace:ghcrToken": "ghcr-token-for-the-test" } }));
  writeFileSync(
    join(dir, "index.ts"),
    `${PROVIDER[cloud]}
import { Provider as RandomProvider } from "@pulumi/random/provider";
import { Provider as TimeProvider } from "@pulumiverse/time/provider";
import { Database, ObjectStore, WebService } from "@freehold/core";

const providers = [workload, new RandomProvider("random"), new TimeProvider("time")];
const db = new Database("db", { highAvailability: true }, { providers });
const uploads = new ObjectStore("uploads", {}, { providers });
const web = new WebService("web", {
  image: "ghcr.io/example/marketplace-web:1.4.2",
  public: true,
  links: [db, uploads],
  registry: { server: "ghcr.io", username: "crown-bot", passwordSecret: "ghcrToken" },
}, { providers });
export const url = web.url;
export const databaseHost = db.host;
`,
  );
  return resolveTarget(dir, "dev");
}

interface Case {
  label: string;
  cloud: Cloud;
  target: (dir: string) => Target;
}

const MATRIX: Case[] = CLOUDS.flatMap((cloud): Case[] => [
  { label: "example", cloud, target: () => stackTarget(EXAMPLE, EXAMPLE_SOURCE) },
  { label: "explicit providers", cloud, target: (dir) => providersProgram(cloud, join(dir, `source-providers-${cloud}`)) },
  { label: "custom domain", cloud, target: () => stackTarget(DOMAIN, "domain.yaml") },
  { label: "network brought along", cloud, target: () => stackTarget(NETWORK, "network.yaml") },
  { label: "residency uk", cloud, target: () => stackTarget(RESIDENCY, "residency.yaml") },
]);

interface Ejection {
  ejected: Ejected;
  a: Run;
  b: Run;
  dir: string;
  /** The config the Freehold program was planned with (a program's Pulumi.<stack>.yaml). */
  config: Record<string, string>;
}

let work: string;
let programs: string;
let nodeModules: string;
const matrix = new Map<string, Ejection>();
const written: string[] = [];
const timings: Record<string, number> = {};

const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, "-");

/** Eject a target and write the program, as a user would, into a directory of its own. */
async function ejectCase(label: string, target: Target, cloud: Cloud): Promise<Ejection | undefined> {
  const { result, a, b, config } = await ejectWithValues(target, cloud);
  if (result.plan.error?.type === "unsupported") return undefined;
  expect(result.plan.error, `${label} plans on ${cloud}`).toBeUndefined();
  expect(result.problems, `${label} ejects on ${cloud}`).toBeUndefined();
  const ejected = result.ejected as Ejected;
  for (const [name, content] of Object.entries(ejected.files)) expect(content, `${name} of ${label} on ${cloud}`).not.toMatch(/@freehold\//);
  const dir = join(programs, `${slug(label)}-${cloud}`);
  return { ejected, a: a as Run, b: b as Run, dir, config };
}

/** Plan the written program under the mocks and under varied mocks, with the config a user sets, and compare both with Freehold's. */
async function compare(label: string, cloud: Cloud, e: Ejection): Promise<void> {
  const project = e.a.plan.stack;
  // The user copies the Freehold project's stack config, then sets what the README asks for: the deployed values.
  writeProgram(e.dir, e.ejected.files, { ...e.config, ...configToSet(e.ejected, e.a) }, project);
  written.push(e.dir);
  const ejected = await planProgram(e.dir, cloud);
  const diffs = [...(await ejectedDifferences(e.a.plan, ejected.plan, e.ejected)), ...(await valueDifferences(e.a, ejected))];
  if (diffs.length) throw new Error(`${label} on ${cloud}: the ejected program's plan differs from Freehold's:\n${diffs.join("\n")}`);
  expect(ejected.plan.resources.filter((r) => r.custom)).toHaveLength(e.a.plan.resources.filter((r) => r.custom).length);

  // With every mock value varied, the program (with the varied run's values for what the user sets) still plans to Freehold's values.
  writeProgram(e.dir, e.ejected.files, { ...e.config, ...configToSet(e.ejected, e.b) }, project);
  const varied = await planProgram(e.dir, cloud, "dev", true);
  const made = await valueDifferences(e.b, varied);
  if (made.length) throw new Error(`${label} on ${cloud}: the ejected program writes out values the mocks made:\n${made.join("\n")}`);
  const index = e.ejected.files["index.ts"] ?? "";
  const found = [...mockMadeValues(e.a.values, e.b.values)].filter((v) => index.includes(v) || (e.ejected.files["Pulumi.yaml"] ?? "").includes(v));
  expect(found, `values the mocks made, in the program for ${label} on ${cloud}`).toEqual([]);
  // Back to the config a user sets for the deployed stack, for the type-check and the committed examples.
  writeProgram(e.dir, e.ejected.files, { ...e.config, ...configToSet(e.ejected, e.a) }, project);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "freehold-eject-"));
  programs = join(work, "programs");
  mkdirSync(programs);
  let t = Date.now();
  for (const c of MATRIX) {
    const e = await ejectCase(c.label, c.target(work), c.cloud);
    if (!e) throw new Error(`${c.label} on ${c.cloud}: the cloud refuses the stack`);
    matrix.set(`${c.label} ${c.cloud}`, e);
  }
  timings.eject = Date.now() - t;
  t = Date.now();
  nodeModules = await installEjected(join(work, "install"), [...matrix.values()].map((e) => e.ejected.files["package.json"] ?? "{}"));
  timings.install = Date.now() - t;
  mkdirSync(programs, { recursive: true });
  for (const e of matrix.values()) {
    mkdirSync(e.dir, { recursive: true });
    symlinkSync(nodeModules, join(e.dir, "node_modules"), "dir");
  }
}, 600_000);

afterAll(() => {
  if (process.env.FREEHOLD_EJECT_TIMINGS) process.stderr.write(`eject matrix timings (ms): ${JSON.stringify(timings)}\n`);
  // The programs only: the install they link to is shared (test/shared-install.ts).
  rmSync(work, { recursive: true, force: true });
}, 300_000);

describe("freehold eject on every cloud: installed as its README says, the program plans to exactly Freehold's plan, and holds no value the mocks made", () => {
  for (const c of MATRIX) {
    it(`${c.label} on ${c.cloud}`, async () => {
      const t = Date.now();
      await compare(c.label, c.cloud, matrix.get(`${c.label} ${c.cloud}`) as Ejection);
      timings[`${c.label} ${c.cloud}`] = Date.now() - t;
    });
  }

  for (const cloud of CLOUDS) {
    it(`the example on ${cloud} reads as a Pulumi program: config first, a section per component, the platform first, secrets kept secret`, () => {
      const e = matrix.get(`example ${cloud}`) as Ejection;
      const index = e.ejected.files["index.ts"] ?? "";
      const first = (s: string) => index.indexOf(s);
      expect(first("const config = new pulumi.Config();")).toBeGreaterThan(0);
      expect(first("const config = new pulumi.Config();")).toBeLessThan(first("// ---- Shared platform"));
      expect(first("// ---- Shared platform")).toBeLessThan(first("// ---- db (Database)"));
      expect(index).toContain('const webImage = config.require("web-image");');
      expect(index).toContain('const region = config.require("region");');
      expect(e.ejected.files["Pulumi.yaml"]).toContain("default: ghcr.io/example/marketplace-web:1.4.2");
      expect(e.ejected.files["README.md"]).toContain("pulumi up --stack dev");
      expect(e.ejected.files["README.md"]).toContain(`freehold plan . --cloud ${cloud} --stack dev`);
      // The region is the config `region` wherever it is, invokes included: never a literal, never another resource's `region`.
      expect(index).not.toMatch(/"(eu-west-2|uksouth|europe-west2)"/);
      expect(index).not.toMatch(/\w+\.region\b/);
    });

    it(`the committed examples/crown-marketplace-ejected-${cloud} is a fresh eject (npm run eject-examples regenerates it)`, () => {
      const files = (matrix.get(`example ${cloud}`) as Ejection).ejected.files;
      const committed = join(ROOT, "examples", `crown-marketplace-ejected-${cloud}`);
      expect(readdirSync(committed).sort()).toEqual(Object.keys(files).sort());
      for (const [name, content] of Object.entries(files)) expect(readFileSync(join(committed, name), "utf8"), `${name}: run npm run eject-examples`).toBe(content);
    });
  }

  it("`freehold plan DIR` of an installed ejected program (its own copy of the Pulumi SDK) plans every resource, exit 0", async () => {
    const e = matrix.get("example gcp") as Ejection;
    const r = await freehold(["plan", e.dir, "--cloud", "gcp"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Google Cloud: ${e.a.plan.resources.filter((x) => x.custom).length} resources in a Pulumi program with no Freehold components`);
  });

  it("with explicit providers: each provider package imported by its own name, inputs of their real types, invokes sent to the provider", () => {
    const aws = matrix.get("explicit providers aws")?.ejected.files["index.ts"] ?? "";
    expect(aws).toContain('import { Provider as AwsProvider } from "@pulumi/aws/provider";');
    expect(aws).toContain('import { Provider as RandomProvider } from "@pulumi/random/provider";');
    expect(aws).toContain('import { Provider as TimeProvider } from "@pulumiverse/time/provider";');
    expect(aws).toMatch(/assumeRoles: \[\{ roleArn: "arn:aws:iam::210987654321:role\/deploy", sessionName: "freehold" \}\]/);
    expect(aws).toContain("skipRegionValidation: true");
    expect(aws).toMatch(/getCallerIdentityOutput\(\{\}, \{ provider: workload \}\)/);
    const gcp = matrix.get("explicit providers gcp")?.ejected.files["index.ts"] ?? "";
    expect(gcp).toContain("addPulumiAttributionLabel: false");
    expect(gcp).toMatch(/getProjectOutput\(\{\}, \{ provider: workload \}\)/);
    const azure = matrix.get("explicit providers azure")?.ejected.files["index.ts"] ?? "";
    expect(azure).toContain('import { Provider as AzureNativeProvider } from "@pulumi/azure-native/provider";');
    for (const index of [aws, gcp, azure]) expect(index).toContain('config.requireSecret("ghcrToken")');
  });

  it("with a custom domain on AWS: the listener reads the certificate's ARN from the validation, never a literal", () => {
    const index = matrix.get("custom domain aws")?.ejected.files["index.ts"] ?? "";
    expect(index).toMatch(/new acm\.CertificateValidation\("web-certificate-validation", \{ certificateArn: webCertificate\.arn\b/);
    expect(index).toMatch(/new lb\.Listener\("web-https", \{[^;]*certificateArn: webCertificateValidation\.certificateArn,/);
    expect(index).not.toMatch(/arn:aws:acm:/);
  });

  for (const [label, text] of Object.entries(CONFORMANCE_STACKS)) {
    if (text === EXAMPLE) continue;
    it(`conformance stack "${label}" on every cloud`, async () => {
      for (const cloud of CLOUDS) {
        const e = await ejectCase(label, stackTarget(text), cloud);
        if (!e) continue;
        mkdirSync(e.dir, { recursive: true });
        symlinkSync(nodeModules, join(e.dir, "node_modules"), "dir");
        await compareA(label, cloud, e);
      }
    });
  }

  for (const cloud of CLOUDS) {
    it(`${RANDOM_STACKS} random valid stacks on ${cloud}`, async () => {
      const candidates = fc.sample(validStack(4), { seed: seedFor(`eject-${cloud}`), numRuns: RANDOM_STACKS * 10 });
      let done = 0;
      for (const g of candidates) {
        if (done >= RANDOM_STACKS) break;
        try {
          parseStack(g.yaml);
        } catch (e) {
          if (e instanceof SpecError) continue;
          throw e;
        }
        try {
          const e = await ejectCase(`random-${done}`, stackTarget(g.yaml), cloud);
          if (!e) continue;
          mkdirSync(e.dir, { recursive: true });
          symlinkSync(nodeModules, join(e.dir, "node_modules"), "dir");
          await compareA(`random-${done}`, cloud, e);
          done++;
        } catch (e) {
          if (e instanceof UnsupportedFeatureError) continue;
          throw new Error(`${(e as Error).message}\nStack:\n${g.yaml}`);
        }
      }
      expect(done).toBe(RANDOM_STACKS);
    });
  }

  it("every ejected program type-checks under Pulumi's template tsconfig against the packages it installed (strict, no any)", async () => {
    expect(written.length).toBeGreaterThan(MATRIX.length);
    for (const d of written) expect(readFileSync(join(d, "index.ts"), "utf8")).not.toMatch(/\bany\b(?![-\w])|as unknown/);
    const t = Date.now();
    expect(await typeCheck(written, join(work, "install"))).toBe("");
    timings.typeCheck = Date.now() - t;
  }, 300_000);
});

/** Plan the written program under the mocks only and compare it with Freehold's plan (the conformance and random stacks). */
async function compareA(label: string, cloud: Cloud, e: Ejection): Promise<void> {
  writeProgram(e.dir, e.ejected.files, { ...e.config, ...configToSet(e.ejected, e.a) }, e.a.plan.stack);
  written.push(e.dir);
  const ejected = await planProgram(e.dir, cloud);
  const diffs = [...(await ejectedDifferences(e.a.plan as HostedPlan, ejected.plan, e.ejected)), ...(await valueDifferences(e.a, ejected))];
  if (diffs.length) throw new Error(`${label} on ${cloud}: the ejected program's plan differs from Freehold's:\n${diffs.join("\n")}`);
}
