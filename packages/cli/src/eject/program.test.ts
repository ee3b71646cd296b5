import { type MockValues, type PlannedResource, settingsHash } from "@freehold/core";
import { transpileModule } from "typescript";
import { describe, expect, it } from "vitest";
import type { HostedPlan } from "../plan/contract";
import { ejectProgram } from "./index";
import { EjectError } from "./program";

// The SDK the plan was made with is loaded, as it is in the planning worker.
require("@pulumi/aws/s3");
require("@pulumi/aws/provider");
require("@pulumi/aws/getCallerIdentity");
require("@pulumi/random/provider");

const STACK = "urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev";
const component = (name: string, parent = STACK): PlannedResource => ({
  urn: `urn:pulumi:dev::shop::pulumi:pulumi:Stack$freehold:index:ObjectStore::${name}`,
  type: "freehold:index:ObjectStore",
  name,
  parent,
  custom: false,
  inputs: {},
  options: { protect: false, retainOnDelete: false, dependsOn: [] },
  dependencies: [],
  propertyDependencies: {},
});
const bucket = (name: string, parent: PlannedResource, inputs: Record<string, unknown>): PlannedResource => ({
  urn: `urn:pulumi:dev::shop::freehold:index:ObjectStore$aws:s3/bucket:Bucket::${name}`,
  type: "aws:s3/bucket:Bucket",
  name,
  parent: parent.urn,
  custom: true,
  inputs,
  options: { protect: true, retainOnDelete: true, dependsOn: [] },
  dependencies: [],
  propertyDependencies: {},
});

function plan(resources: PlannedResource[]): HostedPlan {
  return { stack: "shop", pulumiStack: "dev", provider: "Amazon Web Services", cloud: "aws", region: "", components: [], outputs: {}, resources } as unknown as HostedPlan;
}

/** The values a run saw: each resource's outputs echo its inputs; `made` adds outputs the mocks made. */
function values(raw: Record<string, Record<string, unknown>>, made: Record<string, Record<string, unknown>> = {}, calls: MockValues["calls"] = []): MockValues {
  return { resources: Object.fromEntries(Object.entries(raw).map(([urn, inputs]) => [urn, { id: `${urn}-id`, inputs, outputs: { ...inputs, ...made[urn] } }])), calls, outputs: {} };
}

/** An input built as a plan records it, for ejectProgram: the plan and both runs (the varied one defaults to the same values: nothing the mocks made is in them). */
function input(resources: PlannedResource[], a: MockValues, b: MockValues = a, config: Record<string, string> = {}) {
  return { plan: plan(resources), values: a, varied: b, config };
}

describe("building the ejected program", () => {
  const files = component("files");

  it("reads a secret nothing produced from the config key the plan's config held it under, never writing it", () => {
    const b = bucket("files-bucket", files, { bucket: "shop-files", tags: { token: "[secret]" } });
    const out = ejectProgram(input([files, b], values({ [b.urn]: { bucket: "shop-files", tags: { token: "s3cr3t-value" } } }), undefined, { "shop:uploadToken": "s3cr3t-value" }), "shop.yaml");
    const index = out.files["index.ts"] ?? "";
    expect(index).toContain('const uploadToken = config.requireSecret("uploadToken");');
    expect(index).toContain("tags: { token: uploadToken }");
    expect(JSON.stringify(out.files)).not.toContain("s3cr3t-value");
    expect(out.notes.join("\n")).toContain("pulumi config set --secret shop:uploadToken <value>");
  });

  it("makes a secret with neither a producer nor a config key a config secret of its own, declared in Pulumi.yaml", () => {
    const b = bucket("files-bucket", files, { bucket: "[secret]" });
    const out = ejectProgram(input([files, b], values({ [b.urn]: { bucket: "hidden-name" } })), "shop.yaml");
    expect(out.files["index.ts"]).toContain('config.requireSecret("files-bucket-bucket")');
    expect(out.files["Pulumi.yaml"]).toMatch(/files-bucket-bucket:\n\s+type: string\n[^:]+description:[^:]+secret: true/);
    expect(JSON.stringify(out.files)).not.toContain("hidden-name");
  });

  it("keeps protect and retainOnDelete, and aliases the resource to its URN under the component", () => {
    const b = bucket("files-bucket", files, { bucket: "shop-files" });
    const index = ejectProgram(input([files, b], values({ [b.urn]: { bucket: "shop-files" } })), "shop.yaml").files["index.ts"] ?? "";
    expect(index).toContain('const freeholdFiles = urn("freehold:index:ObjectStore", "files");');
    expect(index).toContain('new s3.Bucket("files-bucket", { bucket: "shop-files" }, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdFiles }] });');
  });

  it("refuses two resources that would share a URN without their components, and a type no loaded SDK registers", () => {
    const other = { ...component("archive"), urn: "urn:pulumi:dev::shop::pulumi:pulumi:Stack$freehold:index:ObjectStore::archive" };
    const a = bucket("x-bucket", files, { bucket: "a" });
    const b = { ...bucket("x-bucket", other, { bucket: "b" }), urn: "urn:pulumi:dev::shop::freehold:index:ObjectStore$aws:s3/bucket:Bucket::x-bucket#2" };
    const odd = { ...bucket("odd", files, {}), type: "nowhere:index:Thing", urn: "urn:pulumi:dev::shop::freehold:index:ObjectStore$nowhere:index:Thing::odd" };
    const run = () => ejectProgram(input([files, other, a, b, odd], values({})), "shop.yaml");
    expect(run).toThrow(EjectError);
    const problems = (() => {
      try {
        run();
      } catch (e) {
        return (e as EjectError).problems;
      }
      return [];
    })();
    expect(problems).toEqual([
      'aws:s3/bucket:Bucket "x-bucket" is registered under freehold:index:ObjectStore "files" and under freehold:index:ObjectStore "archive"; without the components both would have one URN. Rename one of the components.',
      "no class registers type nowhere:index:Thing in the Pulumi packages the plan was made with",
    ]);
  });

  it("imports each package's Provider by a name of its own, writes provider inputs with their real types, and sends invokes to their provider", () => {
    const provider = (name: string, pkg: string, inputs: Record<string, unknown>): PlannedResource => ({
      ...bucket(name, component("none"), inputs),
      urn: `urn:pulumi:dev::shop::pulumi:providers:${pkg}::${name}`,
      type: `pulumi:providers:${pkg}`,
      parent: STACK,
      options: { protect: false, retainOnDelete: false, dependsOn: [] },
    });
    // As the SDK sends them: every input that is not a string, as JSON.
    const inputs = { region: "eu-central-1", assumeRoles: '[{"roleArn":"arn:aws:iam::210987654321:role/deploy"}]', skipRegionValidation: "true", maxRetries: "5" };
    const aws = provider("workload", "aws", inputs);
    const random = provider("random", "random", {});
    const b = { ...bucket("files-bucket", files, { bucket: "shop-files", tags: { account: "123456789012" } }), provider: `${aws.urn}::workload-id`, propertyDependencies: {} };
    const call = { token: "aws:index/getCallerIdentity:getCallerIdentity", inputs: {}, provider: `${aws.urn}::workload-id`, outputs: { accountId: "123456789012" } };
    const variedCall = { ...call, outputs: { accountId: "456789012345" } };
    const a = values({ [aws.urn]: inputs, [random.urn]: {}, [b.urn]: { bucket: "shop-files", tags: { account: "123456789012" } } }, {}, [call]);
    const vb = values({ [aws.urn]: inputs, [random.urn]: {}, [b.urn]: { bucket: "shop-files", tags: { account: "456789012345" } } }, {}, [variedCall]);
    const index = ejectProgram(input([files, aws, random, b], a, vb), "shop.yaml").files["index.ts"] ?? "";
    expect(index).toContain('import { Provider as AwsProvider } from "@pulumi/aws/provider";');
    expect(index).toContain('import { Provider as RandomProvider } from "@pulumi/random/provider";');
    expect(index).toContain('new AwsProvider("workload", {');
    expect(index).toContain('assumeRoles: [{ roleArn: "arn:aws:iam::210987654321:role/deploy" }]');
    expect(index).toContain("skipRegionValidation: true");
    expect(index).toContain("maxRetries: 5");
    expect(index).toContain("const callerIdentity = getCallerIdentityOutput({}, { provider: workload });");
    expect(index).toContain("tags: { account: callerIdentity.accountId }");
    expect(index.indexOf("// ---- Providers")).toBeLessThan(index.indexOf("// ---- files (ObjectStore)"));
  });

  it("never writes a value made from the mocks' values that it cannot trace: the program asks for it as config, saying where to find it", () => {
    const b = { ...bucket("files-bucket", files, { bucket: "shop-files-5d41402a" }), propertyDependencies: { bucket: [] } };
    const out = ejectProgram(input([files, b], values({ [b.urn]: { bucket: "shop-files-5d41402a" } }), values({ [b.urn]: { bucket: "shop-files-9e00b73f" } })), "shop.yaml");
    const index = out.files["index.ts"] ?? "";
    expect(JSON.stringify(out.files)).not.toContain("5d41402a");
    expect(index).toContain('const unset = ["files-bucket-bucket"].filter((key) => config.getSecret(key) === undefined);');
    expect(index).toContain('const filesBucketBucket = config.require("files-bucket-bucket");');
    expect(index).toContain("{ bucket: filesBucketBucket }");
    expect(out.toSet).toEqual([expect.objectContaining({ key: "files-bucket-bucket", secret: false, at: { resource: "files-bucket", type: "aws:s3/bucket:Bucket", input: "bucket", path: [] } })]);
    expect(out.toSet[0]?.where).toContain("`pulumi stack export` in the Freehold project: resource urn:pulumi:dev::shop::freehold:index:ObjectStore$aws:s3/bucket:Bucket::files-bucket, inputs.bucket");
    expect(out.files["README.md"]).toContain("## Config to set");
    expect(out.files["README.md"]).toContain("`pulumi config set files-bucket-bucket <value>`");
    expect(out.notes.join("\n")).toContain("set files-bucket-bucket:");
  });

  it("refuses a value whose very shape the mocks made (a list as long as an output's), saying why; takes it from the deployed stack with --state", () => {
    const b = { ...bucket("files-bucket", files, { bucket: "shop-files", tags: { zones: "a" } }), propertyDependencies: {} };
    const a = values({ [b.urn]: { bucket: "shop-files", tags: { zone0: "x1" } } });
    const vb = values({ [b.urn]: { bucket: "shop-files", tags: { zone0: "y2", zone1: "y3" } } });
    const refused = (() => {
      try {
        ejectProgram(input([files, b], a, vb), "shop.yaml");
      } catch (e) {
        return (e as EjectError).problems;
      }
      return [];
    })();
    expect(refused).toEqual([expect.stringContaining('aws:s3/bucket:Bucket "files-bucket": inputs.tags has a shape (its entries) that Freehold made from values the mocks made, in a way eject cannot reproduce')]);
    const engine = "urn:pulumi:dev::shop::freehold:index:ObjectStore$aws:s3/bucket:Bucket::files-bucket";
    const deployed = new Map([[engine, { urn: engine, type: "aws:s3/bucket:Bucket", custom: true, inputs: { bucket: "shop-files", tags: { zone0: "eu-west-2a" } } }]]);
    const out = ejectProgram({ ...input([files, b], a, vb), deployed }, "shop.yaml");
    expect(out.files["index.ts"]).toContain('tags: { zone0: "eu-west-2a" }');
    expect(out.unresolved).toEqual([expect.objectContaining({ resource: "files-bucket", input: "tags", deployed: true, keys: [] })]);
  });

  describe("a random id whose keepers hash the settings of the resource that reads it (Google Cloud's role job and its execution token)", () => {
    const run: PlannedResource = {
      ...bucket("files-run", files, {}),
      urn: "urn:pulumi:dev::shop::freehold:index:ObjectStore$random:index/randomId:RandomId::files-run",
      type: "random:index/randomId:RandomId",
      options: { protect: false, retainOnDelete: false, dependsOn: [] },
    };
    const call = (accountId: string) => ({ token: "aws:index/getCallerIdentity:getCallerIdentity", inputs: {}, provider: "", outputs: { accountId } });
    /** Freehold's two runs: the bucket's settings (its tags) hashed into the random id's keepers, its name made from the random id's hex. */
    function runs(account: (varied: boolean) => string, retry?: (varied: boolean) => string) {
      const b = { ...bucket("files-bucket", files, { bucket: "shop-files-r", tags: {} }), propertyDependencies: { bucket: [run.urn] } };
      const world = (varied: boolean) => {
        const tags = { account: account(varied), team: "shop" };
        const hex = varied ? "e5f6a7b8" : "a1b2c3d4";
        const keepers = { job: settingsHash({ tags }), ...(retry ? { retry: retry(varied) } : {}) };
        return values({ [run.urn]: { byteLength: 4, keepers }, [b.urn]: { bucket: `shop-files-r${hex}`, tags } }, { [run.urn]: { hex } }, [call(account(varied))]);
      };
      return { resources: [files, run, b], a: world(false), b: world(true) };
    }
    /** The program's own `settingsHash`, taken from index.ts and run. */
    function helperOf(index: string): (v: unknown) => string {
      const source = /^function settingsHash\([\s\S]*?^\}$/m.exec(index)?.[0] ?? "";
      expect(source).not.toBe("");
      const js = transpileModule(`const { createHash } = require("node:crypto");\n${source}\nmodule.exports = settingsHash;`, { compilerOptions: { module: 1, target: 7 } }).outputText;
      const mod = { exports: {} as unknown };
      new Function("module", "require", js)(mod, require);
      return mod.exports as (v: unknown) => string;
    }

    it("holds the reader's settings in a const, hashes them with its own settingsHash (Freehold's, byte for byte) and spreads them into the reader: an edit of any setting draws a new random id", () => {
      const w = runs((varied) => (varied ? "456789012345" : "123456789012"));
      const out = ejectProgram(input(w.resources, w.a, w.b), "shop.yaml");
      const index = out.files["index.ts"] ?? "";
      expect(index).toContain("const filesBucketSettings: s3.BucketArgs = { tags: { account: callerIdentity.accountId, team: \"shop\" } };");
      expect(index).toContain('new RandomId("files-run", { byteLength: 4, keepers: { job: pulumi.output(filesBucketSettings).apply(settingsHash) } }');
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the program's own template literal
      expect(index).toContain('new s3.Bucket("files-bucket", { ...filesBucketSettings, bucket: pulumi.interpolate`shop-files-r${filesRun.hex}` }');
      expect(index.indexOf("const filesBucketSettings")).toBeLessThan(index.indexOf('new RandomId("files-run"'));
      expect(index).toContain('import { createHash } from "node:crypto";');
      expect(index).not.toMatch(/@freehold\//);
      // As every ejected program: no `any`, not even in a comment (test/eject.test.ts checks the programs it plans).
      expect(index).not.toMatch(/\bany\b(?![-\w])|as unknown/);
      expect(out.toSet).toEqual([]);
      expect(out.unresolved).toEqual([]);
      const hash = helperOf(index);
      const tags = { account: "123456789012", team: "shop" };
      expect(hash({ tags })).toBe(settingsHash({ tags }));
      expect(hash({ tags: { team: "shop", account: "123456789012" }, absent: undefined })).toBe(settingsHash({ tags }));
      expect(hash({ tags: { ...tags, team: "shop-2" } })).not.toBe(settingsHash({ tags }));
    });

    it("computes the hash also when the settings hold no value the mocks made (the keepers the same in both runs), never writing it as a literal", () => {
      const w = runs(() => "123456789012");
      const index = ejectProgram(input(w.resources, w.a, w.b), "shop.yaml").files["index.ts"] ?? "";
      expect(index).toContain("keepers: { job: pulumi.output(filesBucketSettings).apply(settingsHash) }");
      expect(index).not.toContain(settingsHash({ tags: { account: "123456789012", team: "shop" } }));
    });
  
    it("leaves another keeper it cannot trace as config, the README saying it sits beside the hash and when to change it", () => {
      const w = runs(
        () => "123456789012",
        (varied) => (varied ? "shop-files-job-run-77aa" : "shop-files-job-run-12ab"),
      );
      const out = ejectProgram(input(w.resources, w.a, w.b), "shop.yaml");
      expect(out.files["index.ts"]).toContain("keepers: { job: pulumi.output(filesBucketSettings).apply(settingsHash), retry: filesRunKeepersRetry }");
      expect(out.toSet.map((t) => t.key)).toEqual(["files-run-keepers-retry"]);
      const readme = out.files["README.md"] ?? "";
      expect(readme).toContain(
        "- `files-run` keeps a hash of `files-bucket`'s settings (`filesBucketSettings` in `index.ts`), computed in the program exactly as Freehold computed it: unchanged settings keep the deployed value, and any edit of them draws a new `files-run` and with it a new `bucket` of `files-bucket`.",
      );
      expect(readme).toMatch(/- `files-run-keepers-retry`: .* It sits beside the hash of `files-bucket`'s settings: change it only to draw a new `files-run`, and with it a new `bucket` of `files-bucket` \(after a failed run, say\)/);
    });
  });
});
