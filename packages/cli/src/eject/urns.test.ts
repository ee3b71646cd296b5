import type { PlannedResource } from "@freehold/core";
import { describe, expect, it } from "vitest";
import { aliasUrn, engineUrn, parseUrn, qualifiedType, recordedAlias } from "./urns";

const STACK = "urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev";

function resource(urn: string, type: string, name: string, parent: string, custom = true): PlannedResource {
  return { urn, type, name, parent, custom, inputs: {}, options: { protect: false, retainOnDelete: false, dependsOn: [] }, dependencies: [], propertyDependencies: {} };
}

describe("URNs by the engine's rule, not the mock monitor's", () => {
  // The mock monitor prefixes a top-level resource with pulumi:pulumi:Stack$ and keeps only a parent's last type.
  const app = resource("urn:pulumi:dev::shop::pulumi:pulumi:Stack$my:index:App::app", "my:index:App", "app", STACK, false);
  const store = resource("urn:pulumi:dev::shop::my:index:App$freehold:index:ObjectStore::files", "freehold:index:ObjectStore", "files", app.urn, false);
  const bucket = resource("urn:pulumi:dev::shop::freehold:index:ObjectStore$aws:s3/bucket:Bucket::files-bucket", "aws:s3/bucket:Bucket", "files-bucket", store.urn);
  const byUrn = new Map([app, store, bucket].map((r) => [r.urn, r]));

  it("leaves the root stack out of a top-level resource's type", () => {
    expect(qualifiedType(app, byUrn)).toBe("my:index:App");
  });

  it("qualifies a nested resource's type with every ancestor's type", () => {
    expect(qualifiedType(bucket, byUrn)).toBe("my:index:App$freehold:index:ObjectStore$aws:s3/bucket:Bucket");
    expect(engineUrn("dev", "shop", qualifiedType(bucket, byUrn), bucket.name)).toBe("urn:pulumi:dev::shop::my:index:App$freehold:index:ObjectStore$aws:s3/bucket:Bucket::files-bucket");
  });

  it("parses a URN into stack, project, qualified type, type and name (names may hold colons)", () => {
    expect(parseUrn("urn:pulumi:dev::shop::a:b:C$d:e:F::x::y")).toEqual({ stack: "dev", project: "shop", qualifiedType: "a:b:C$d:e:F", type: "d:e:F", name: "x::y" });
    expect(parseUrn("not a urn")).toBeUndefined();
  });
});

describe("alias URNs as the engine collapses them (step_generator.go collapseAliasToUrn)", () => {
  const bucket = { name: "files-bucket", type: "aws:s3/bucket:Bucket", parentUrn: STACK };

  it("a parent alias gives the resource's own type and name under the parent's whole type", () => {
    const parentUrn = "urn:pulumi:dev::shop::freehold:index:ObjectStore::files";
    expect(aliasUrn({ spec: { parentUrn } }, bucket, "dev", "shop")).toBe("urn:pulumi:dev::shop::freehold:index:ObjectStore$aws:s3/bucket:Bucket::files-bucket");
  });

  it("a root-stack parent, or noParent, means no parent", () => {
    expect(aliasUrn({ spec: { type: "aws:s3/bucketV2:BucketV2" } }, bucket, "dev", "shop")).toBe("urn:pulumi:dev::shop::aws:s3/bucketV2:BucketV2::files-bucket");
    expect(aliasUrn({ spec: { name: "old", noParent: true } }, { ...bucket, parentUrn: "urn:pulumi:dev::shop::x:y:Z::p" }, "dev", "shop")).toBe("urn:pulumi:dev::shop::aws:s3/bucket:Bucket::old");
  });

  it("a stack or project in the spec replaces the current one; a URN alias is itself", () => {
    expect(aliasUrn({ spec: { stack: "prod", project: "old" } }, { ...bucket, parentUrn: undefined }, "dev", "shop")).toBe("urn:pulumi:prod::old::aws:s3/bucket:Bucket::files-bucket");
    expect(aliasUrn({ urn: "urn:pulumi:dev::shop::t:u:V::n" }, bucket, "dev", "shop")).toBe("urn:pulumi:dev::shop::t:u:V::n");
  });

  it("reads aliases as plans record them (the request's toObject)", () => {
    expect(recordedAlias({ spec: { name: "", type: "a:b:C", stack: "", project: "", parenturn: "urn:x" } })).toEqual({ spec: { name: undefined, type: "a:b:C", stack: undefined, project: undefined, parentUrn: "urn:x", noParent: false } });
    expect(recordedAlias({ urn: "urn:y" })).toEqual({ urn: "urn:y" });
    expect(recordedAlias("nonsense")).toBeUndefined();
  });
});
