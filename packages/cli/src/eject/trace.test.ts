import { type MockValues, type PlannedResource, scramVerifier } from "@freehold/core";
import { describe, expect, it } from "vitest";
import { type Expr, render } from "./expr";
import { Names } from "./names";
import { type SourceRef, Tracer } from "./trace";

const urn = (name: string) => `urn:pulumi:dev::shop::freehold:index:X$t:m:T::${name}`;

function resource(name: string, propertyDependencies: Record<string, string[]> = {}): PlannedResource {
  return { urn: urn(name), type: "t:m:T", name, parent: "", custom: true, inputs: {}, options: { protect: false, retainOnDelete: false, dependsOn: [] }, dependencies: [], propertyDependencies };
}

const ARN = "arn:aws:iam::123456789012:role/shop-dev-role";
const ARN_B = "arn:aws:iam::456789012345:role/shop-dev-role";
const GUID = "00000000-0000-4000-8000-0000000000aa";
const GUID_B = "33333333-3333-7333-3333-3333333333dd";

// A small stack as the mocks saw it (a) and with every value the mocks made varied (b): generated ids and ARNs vary,
// names echoed back do not; an invoke; a value hashed from outputs; a project whose name and id are equal under the mocks.
const resources = [
  resource("vpc"),
  resource("subnet", { vpcId: [urn("vpc")] }),
  resource("role"),
  resource("policy", { role: [urn("role")], policy: [urn("role")] }),
  resource("logs"),
  resource("db"),
  resource("service", { template: [urn("db")], hashed: [urn("vpc")], logRegion: [urn("db")], dbNumber: [urn("db")] }),
  resource("vault"),
  resource("bucket", { project: [] }),
  resource("password"),
  resource("job", { verifiers: [urn("password")] }),
];
function world(b: boolean): MockValues {
  const vpcId = b ? "vpc-3d4e5f6a" : "vpc-0a1b2c3d";
  const arn = b ? ARN_B : ARN;
  const address = b ? "db-7f8e.example.net" : "db-1a2b.example.net";
  return {
    resources: {
      [urn("vpc")]: { id: vpcId, inputs: { cidrBlock: "10.0.0.0/16" }, outputs: { cidrBlock: "10.0.0.0/16", arn: `arn:aws:ec2:vpc/${vpcId}` } },
      [urn("subnet")]: { id: b ? "subnet-4" : "subnet-1", inputs: { vpcId }, outputs: { vpcId } },
      [urn("role")]: { id: b ? "ozmr-ql" : "role-id", inputs: { name: "shop-dev-role" }, outputs: { name: "shop-dev-role", arn } },
      [urn("policy")]: {
        id: "policy-id",
        inputs: { role: "shop-dev-role", policy: JSON.stringify({ Statement: [{ Resource: [arn, `${arn}/*`], Effect: "Allow" }] }) },
        outputs: {},
      },
      // The role's name in a resource that does not depend on the role: the name is the program's own literal too.
      [urn("logs")]: { id: "logs-id", inputs: { name: "/shop-dev-role/logs" }, outputs: {} },
      [urn("db")]: { id: "db-id", inputs: { region: "eu-west-2" }, outputs: { address, network: "PRIVATE", region: "eu-west-2", projectNumber: b ? 123456789014 : 123456789012 } },
      [urn("service")]: { id: "svc", inputs: { template: { host: address, egress: "PRIVATE" }, hashed: b ? "9e00b73f2aa8cb10" : "5d41402abc4b2a76", logRegion: "eu-west-2", dbNumber: b ? 123456789014 : 123456789012 }, outputs: {} },
      [urn("vault")]: { id: "vault-id", inputs: { tenantId: b ? GUID_B : GUID }, outputs: {} },
      [urn("bucket")]: { id: "bucket-id", inputs: { project: b ? "ilpwqfg-qbff" : "shop-project" }, outputs: {} },
      [urn("password")]: { id: "password-id", inputs: { length: 32 }, outputs: { result: b ? "VariedPassw0rd4Eject" : "MockPassw0rd4Eject" } },
      // A role job's verifiers, made from the password where it was generated, beside one the program holds itself.
      [urn("job")]: { id: "job-id", inputs: { verifiers: `${scramVerifier(b ? "VariedPassw0rd4Eject" : "MockPassw0rd4Eject")} x ${scramVerifier("NotAnOutput1")}` }, outputs: {} },
    },
    calls: [
      { token: "azure-native:authorization:getClientConfig", inputs: {}, provider: "", outputs: { tenantId: b ? GUID_B : GUID } },
      // Equal under the mocks; the varied run tells them apart.
      { token: "gcp:organizations/getProject:getProject", inputs: {}, provider: "", outputs: { name: b ? "fkcbedx-lwaa" : "shop-project", projectId: b ? "ilpwqfg-qbff" : "shop-project" } },
    ],
    outputs: {},
  };
}

const names = new Names();
const variables = new Map(resources.map((r) => [r.urn, names.take(r.name)]));
const tracer = new Tracer(
  resources,
  { a: world(false), b: world(true) },
  {
    literals: new Set(["eu-west-2"]),
    variable: (s: SourceRef) => (s.kind === "resource" ? (variables.get(s.urn) as string) : s.index === 0 ? "clientConfig" : "project"),
    readable: () => true,
  },
);
const trace = (name: string, key: string, planned?: unknown) => {
  const r = resources.find((x) => x.name === name) as PlannedResource;
  return tracer.input(r.urn, key, planned, r.propertyDependencies[key] ?? []);
};
const code = (e: Expr) => render(e).replace(/\s+/g, " ");

describe("tracing an input to the outputs it was made from, in the plan and the varied plan at once", () => {
  it("reads a generated id from the dependency that made it", () => {
    expect(code(trace("subnet", "vpcId").expr)).toBe("vpc.id");
  });

  it("reads a name the dependency echoes, once no output the mocks made covers the dependency", () => {
    const t = trace("policy", "role");
    expect(code(t.expr)).toBe("role.name");
    expect(t.unresolved).toEqual([]);
  });

  it("reads a JSON document as the object it encodes, with outputs inside strings as interpolations", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the expected text is code with template literals
    expect(code(trace("policy", "policy").expr)).toBe('pulumi.jsonStringify({ Statement: [{ Resource: [role.arn, pulumi.interpolate`${role.arn}/*`], Effect: "Allow" }] })');
  });

  it("leaves a plain word literal where an output the mocks made already covers the dependency", () => {
    const t = trace("service", "template");
    expect(code(t.expr)).toBe('{ host: db.address, egress: "PRIVATE" }');
    expect(t.unresolved).toEqual([]);
  });

  it("never writes out a value made from the mocks' values that no output explains: it is untraceable, and the dependency is reported", () => {
    const t = trace("service", "hashed");
    expect(t.untraceable).toEqual([expect.objectContaining({ path: [], value: "5d41402abc4b2a76", secret: false, structural: false })]);
    expect(t.unresolved).toEqual([urn("vpc")]);
  });

  it("never reads the program's own value (the region) from a resource that echoes it, though the input depends on that resource", () => {
    const t = trace("service", "logRegion");
    expect(code(t.expr)).toBe('"eu-west-2"');
    expect(t.unresolved).toEqual([urn("db")]);
  });

  it("of two outputs equal under the mocks, reads the one the value came from (the varied plan tells them apart)", () => {
    expect(code(trace("bucket", "project").expr)).toBe("project.projectId");
  });

  it("writes a PostgreSQL verifier made from a generated password as that password's verifier, and leaves any other verifier as it is", () => {
    const t = trace("job", "verifiers");
    expect(code(t.expr)).toBe(`pulumi.interpolate\`\${pulumi.output(password.result).apply(scramVerifier)} x ${scramVerifier("NotAnOutput1")}\``);
    expect(t.unresolved).toEqual([]);
    expect(t.untraceable).toEqual([]);
  });

  it("reads a number the mocks made from the output that has it in both runs", () => {
    expect(code(trace("service", "dbNumber").expr)).toBe("db.projectNumber");
  });

  it("reads an invoke's result where the value came from one", () => {
    expect(code(trace("vault", "tenantId").expr)).toBe("clientConfig.tenantId");
  });

  it("keeps a secret a secret where the plan shows [secret]", () => {
    expect(code(trace("vault", "tenantId", "[secret]").expr)).toBe("pulumi.secret(clientConfig.tenantId)");
  });
});

describe("writing expressions", () => {
  it("escapes template literals and uses JSON.stringify for a document with no outputs", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the expected text is code with template literals
    expect(render({ kind: "template", parts: ["a`b${c}\\", { kind: "config", variable: "region" }] })).toBe("`a\\`b\\${c}\\\\${region}`");
    expect(render({ kind: "json", value: { kind: "object", entries: [["a", { kind: "literal", value: 1 }]] }, indent: 2 })).toBe("JSON.stringify({ a: 1 }, undefined, 2)");
  });

  it("reads inside an output that may be undefined with an apply, since Pulumi does not lift through undefined", () => {
    expect(render({ kind: "ref", source: { id: "x", variable: "app" }, path: ["configuration", "ingress", "fqdn"], optional: true })).toBe("app.configuration.apply((v) => v?.ingress?.fqdn!)");
    expect(render({ kind: "ref", source: { id: "call:1", variable: "project" }, path: ["projectId"], optional: true })).toBe("project.apply((v) => v.projectId!)");
    expect(render({ kind: "ref", source: { id: "x", variable: "db" }, path: ["masterUserSecrets", 0, "secretArn"] })).toBe("db.masterUserSecrets[0].secretArn");
  });

  it("reads a value inside an output's JSON document with a typed parse", () => {
    expect(render({ kind: "ref", source: { id: "call:0", variable: "secret" }, path: ["secretString", { json: true }, "password"] })).toBe("secret.secretString.apply((s): { password: string } => JSON.parse(s)).password");
  });

  it("gives every variable a unique, non-reserved name", () => {
    const n = new Names(["config"]);
    expect(n.take("default")).toBe("defaultResource");
    expect(n.take("config", "bucket")).toBe("configBucket");
    expect(n.take("web")).toBe("web");
    expect(n.take("web")).toBe("web2");
  });
});
