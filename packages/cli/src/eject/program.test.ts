import type { MockValues, PlannedResource } from "@freehold/core";
import { describe, expect, it } from "vitest";
import type { HostedPlan } from "../plan/contract";
import { ejectProgram } from "./index";
import { EjectError } from "./program";

// The SDK the plan was made with is loaded, as it is in the planning worker.
require("@pulumi/aws/s3");

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

function values(raw: Record<string, Record<string, unknown>>): MockValues {
  return { resources: Object.fromEntries(Object.entries(raw).map(([urn, inputs]) => [urn, { id: `${urn}-id`, inputs, outputs: inputs }])), calls: [], outputs: {} };
}

describe("building the ejected program", () => {
  const files = component("files");

  it("reads a secret nothing produced from the config key the plan's config held it under, never writing it", () => {
    const b = bucket("files-bucket", files, { bucket: "shop-files", tags: { token: "[secret]" } });
    const out = ejectProgram({ plan: plan([files, b]), values: values({ [b.urn]: { bucket: "shop-files", tags: { token: "s3cr3t-value" } } }), config: { "shop:uploadToken": "s3cr3t-value" } }, "shop.yaml");
    const index = out.files["index.ts"] ?? "";
    expect(index).toContain('const uploadToken = config.requireSecret("uploadToken");');
    expect(index).toContain("tags: { token: uploadToken }");
    expect(JSON.stringify(out.files)).not.toContain("s3cr3t-value");
    expect(out.notes.join("\n")).toContain("pulumi config set --secret shop:uploadToken <value>");
  });

  it("makes a secret with neither a producer nor a config key a config secret of its own, declared in Pulumi.yaml", () => {
    const b = bucket("files-bucket", files, { bucket: "[secret]" });
    const out = ejectProgram({ plan: plan([files, b]), values: values({ [b.urn]: { bucket: "hidden-name" } }), config: {} }, "shop.yaml");
    expect(out.files["index.ts"]).toContain('config.requireSecret("files-bucket-bucket")');
    expect(out.files["Pulumi.yaml"]).toMatch(/files-bucket-bucket:\n\s+type: string\n[^:]+description:[^:]+secret: true/);
    expect(JSON.stringify(out.files)).not.toContain("hidden-name");
  });

  it("keeps protect and retainOnDelete, and aliases the resource to its URN under the component", () => {
    const b = bucket("files-bucket", files, { bucket: "shop-files" });
    const index = ejectProgram({ plan: plan([files, b]), values: values({ [b.urn]: { bucket: "shop-files" } }), config: {} }, "shop.yaml").files["index.ts"] ?? "";
    expect(index).toContain('const freeholdFiles = urn("freehold:index:ObjectStore", "files");');
    expect(index).toContain('new s3.Bucket("files-bucket", { bucket: "shop-files" }, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdFiles }] });');
  });

  it("refuses two resources that would share a URN without their components, and a type no loaded SDK registers", () => {
    const other = { ...component("archive"), urn: "urn:pulumi:dev::shop::pulumi:pulumi:Stack$freehold:index:ObjectStore::archive" };
    const a = bucket("x-bucket", files, { bucket: "a" });
    const b = { ...bucket("x-bucket", other, { bucket: "b" }), urn: "urn:pulumi:dev::shop::freehold:index:ObjectStore$aws:s3/bucket:Bucket::x-bucket#2" };
    const odd = { ...bucket("odd", files, {}), type: "nowhere:index:Thing", urn: "urn:pulumi:dev::shop::freehold:index:ObjectStore$nowhere:index:Thing::odd" };
    const run = () => ejectProgram({ plan: plan([files, other, a, b, odd]), values: values({}), config: {} }, "shop.yaml");
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
});
