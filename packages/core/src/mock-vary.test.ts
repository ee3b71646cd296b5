import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import type { BackendMocks } from "./backend";
import { fakeBackend } from "./fake-backend";
import { registerBackend } from "./loader";
import { variedMocks, varyString } from "./mock-vary";
import { runWithMocks } from "./plan";

registerBackend(fakeBackend("gcp"));

const mocks: BackendMocks = {
  outputs: (_type, name, inputs) => ({
    arn: `arn:aws:iam::123456789012:role/${String(inputs.name)}`,
    region: inputs.region,
    project: "freehold-plan",
    tags: inputs.tags,
    address: `${name}.c1a2b3c4.eu-west-2.rds.amazonaws.com`,
  }),
  call: () => ({ projectId: "freehold-plan", name: "freehold-plan", number: "123456789012" }),
};

describe("varied mocks: every value the mocks make changes, keeping its shape and what echoes the inputs", () => {
  const varied = variedMocks(mocks, ["eu-west-2"]);
  const out = varied.outputs("aws:iam/role:Role", "web-role", { name: "shop-web", region: "eu-west-2", tags: { team: "a1" } }, "web-role-id");

  it("changes the made parts of a structured value, keeps its separators, its words and the inputs echoed in it", () => {
    expect(out.arn).toMatch(/^arn:aws:iam::(\d{12}):role\/shop-web$/);
    expect(out.arn).not.toBe("arn:aws:iam::123456789012:role/shop-web");
    expect(out.address).toMatch(/^web-role\.[a-z]\d[a-z]\d[a-z]\d[a-z]\d\.eu-west-2\.rds\.amazonaws\.com$/);
    expect(out.address).not.toContain(".c1a2b3c4.");
  });

  it("keeps outputs that echo an input, whole or inside an object", () => {
    expect(out.region).toBe("eu-west-2");
    expect(out.tags).toEqual({ team: "a1" });
  });

  it("changes an opaque made value whole (a project id, a generated name), letters to letters and digits to digits", () => {
    expect(out.project).toMatch(/^[a-z]{8}-[a-z]{4}$/);
    expect(out.project).not.toBe("freehold-plan");
  });

  it("gives two outputs equal under the mocks different varied values, so a reader can tell which one a value came from", () => {
    const r = varied.call("gcp:organizations/getProject:getProject", {});
    expect(r.projectId).not.toBe(r.name);
    expect(r.number).toMatch(/^\d{12}$/);
    expect(varyString("freehold-plan", "a", new Set())).toBe(varyString("freehold-plan", "a", new Set()));
  });

  it("gives the same made output of two resources of one type different values, short numbers included (each secret's version \"1\")", () => {
    const versions = variedMocks({ outputs: () => ({ version: "1", etag: "BwYmockEtag=" }), call: () => ({}) }, []);
    const names = ["db-admin-secret-version", "db-role-verifiers-version", "db-server-database-ca-version", "web-database-ca-version", "db-secret-version"];
    const made = names.map((n) => versions.outputs("gcp:secretmanager/secretVersion:SecretVersion", n, {}, `${n}-id`));
    expect(new Set(made.map((o) => o.version)).size).toBe(names.length);
    for (const o of made) expect(o.version).toMatch(/^\d+$/);
    expect(new Set(made.map((o) => o.etag)).size).toBe(names.length);
  });

  it("varies the id Pulumi falls back to when the mocks give none", () => {
    expect(varied.id("web-role-id")).not.toBe("web-role-id");
    expect(varied.id("web-role-id")).toMatch(/^[a-z]{3}-[a-z]{4}-[a-z]{2}$/);
  });
});

describe("runWithMocks for eject", () => {
  it("records the provider each invoke went to, and plans the same resources with varied mocks", async () => {
    const program = () => {
      class GcpProvider extends pulumi.ProviderResource {}
      const p = new GcpProvider("gcp", "workload", { project: "other" });
      pulumi.runtime.invokeOutput("gcp:organizations/getProject:getProject", {}, { provider: p });
      pulumi.runtime.invokeOutput("gcp:organizations/getProject:getProject", {});
      return {};
    };
    const a = await runWithMocks("gcp", program, { values: true });
    const b = await runWithMocks("gcp", program, { values: true, vary: true });
    expect(a.values?.calls.map((c) => c.provider.replace(/::[^:]*$/, "")).sort()).toEqual(["", expect.stringMatching(/^urn:pulumi:dev::freehold::.*pulumi:providers:gcp::workload$/)]);
    expect(b.resources.map((r) => r.urn)).toEqual(a.resources.map((r) => r.urn));
    expect(b.values?.resources[a.resources[0]?.urn ?? ""]?.id).not.toBe(a.values?.resources[a.resources[0]?.urn ?? ""]?.id);
  });
});
