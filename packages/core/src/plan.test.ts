import { parseStack } from "@freehold/model";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { deployStack } from "./deploy";
import { fakeBackend } from "./fake-backend";
import { registerBackend } from "./loader";
import { runWithMocks } from "./plan";

registerBackend(fakeBackend("aws"));

const stack = parseStack(`
name: shop
components:
  db: { kind: database }
  files: { kind: object-store, deletionProtection: false }
  web: { kind: web-service, image: nginx, public: true, links: [db, files] }
`);

/** A custom resource of the fake provider, with whatever options the test gives. */
class Thing extends pulumi.CustomResource {
  constructor(name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super("fake:index:Thing", name, args, opts);
  }
}

describe("runWithMocks", () => {
  it("takes no stack trace per resource for its source position (a plan records none), and puts the SDK's own back afterwards", async () => {
    const sdk = pulumi.Resource as unknown as { stackTrace: (skip: number) => unknown[] };
    const original = sdk.stackTrace;
    let calls = 0;
    const counting = (skip: number) => {
      calls++;
      return original.call(sdk, skip);
    };
    sdk.stackTrace = counting;
    try {
      const run = await runWithMocks("aws", () => {
        new Thing("traced", { name: "t" });
        return {};
      });
      expect(run.resources.map((r) => r.name)).toContain("traced");
      expect(calls).toBe(0);
      expect(sdk.stackTrace).toBe(counting);
    } finally {
      sdk.stackTrace = original;
    }
  });

  it("records deleteBeforeReplace as the program set it: false apart from unset, which the engine tells apart (a false overrides a bridged provider's delete-first)", async () => {
    const run = await runWithMocks("aws", () => {
      new Thing("unset", { name: "a" });
      new Thing("create-first", { name: "b" }, { deleteBeforeReplace: false });
      new Thing("delete-first", { name: "c" }, { deleteBeforeReplace: true });
      return {};
    });
    const option = (name: string) => run.resources.find((r) => r.name === name)?.options.deleteBeforeReplace;
    expect([option("unset"), option("create-first"), option("delete-first")]).toEqual([undefined, false, true]);
    expect(Object.keys(run.resources.find((r) => r.name === "unset")?.options ?? {})).not.toContain("deleteBeforeReplace");
  });

  it("records every resource with its parent, inputs and options", async () => {
    const run = await runWithMocks("aws", () => deployStack(stack));
    const types = run.resources.map((r) => r.type);
    expect(types).toContain("freehold:index:Database");
    expect(types).toContain("freehold:index:Platform");
    const db = run.resources.find((r) => r.name === "db-instance");
    const dbComponent = run.resources.find((r) => r.name === "db" && r.type === "freehold:index:Database");
    expect(db?.parent).toBe(dbComponent?.urn);
    expect(db?.options).toEqual({ protect: true, retainOnDelete: true, dependsOn: [] });
    expect(db?.inputs.password).toBe("[secret]");
    expect(db?.urn).toBe("urn:pulumi:dev::freehold::freehold:index:Database$fake:index:Db::db-instance");
    const bucket = run.resources.find((r) => r.name === "files-bucket");
    expect(bucket?.options.retainOnDelete).toBe(false);
  });

  it("injects neutral link variables and keeps the password a secret", async () => {
    const run = await runWithMocks("aws", () => deployStack(stack));
    const svc = run.resources.find((r) => r.name === "web-service");
    expect(svc?.inputs.env).toEqual({
      DATABASE_HOST: "https://db-instance.fake.example",
      DATABASE_NAME: "app",
      DATABASE_PORT: "5432",
      DATABASE_SSLMODE: "require",
      DATABASE_USER: "app",
      OBJECT_STORE_ACCESS: "readWrite",
      OBJECT_STORE_BUCKET: "shop-files",
      OBJECT_STORE_ENDPOINT: "https://files-bucket.fake.example",
      OBJECT_STORE_PROVIDER: "s3",
    });
    expect(svc?.inputs.secrets).toEqual(["DATABASE_PASSWORD"]);
    expect(run.components.map((c) => `${c.name}:${c.kind}`).sort()).toEqual(["db:database", "files:object-store", "web:web-service"]);
  });

  it("redacts a secret nested in an object input and keeps the rest readable", async () => {
    class Thing extends pulumi.CustomResource {
      constructor(name: string, props: pulumi.Inputs) {
        super("fake:index:Thing", name, props);
      }
    }
    const run = await runWithMocks("aws", () => {
      new Thing("t", { config: { user: "app", key: pulumi.secret("hunter2") }, plain: "x" });
    });
    const t = run.resources.find((r) => r.name === "t");
    expect(t?.inputs).toEqual({ config: { key: "[secret]", user: "app" }, plain: "x" });
    expect(JSON.stringify(run.resources)).not.toContain("hunter2");
  });

  it("gives identical records on two runs", async () => {
    const a = await runWithMocks("aws", () => deployStack(stack));
    const b = await runWithMocks("aws", () => deployStack(stack));
    expect(JSON.stringify(b.resources)).toBe(JSON.stringify(a.resources));
  });
});
