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
const GUID = "00000000-0000-4000-8000-0000000000aa";

// A small stack as the mocks saw it: generated ids and ARNs, names echoed back, an invoke, a value hashed from outputs.
const resources = [
  resource("vpc"),
  resource("subnet", { vpcId: [urn("vpc")] }),
  resource("role"),
  resource("policy", { role: [urn("role")], policy: [urn("role")] }),
  resource("logs"),
  resource("db"),
  resource("service", { template: [urn("db")], hashed: [urn("vpc")] }),
  resource("vault"),
  resource("password"),
  resource("job", { verifiers: [urn("password")] }),
];
const values: MockValues = {
  resources: {
    [urn("vpc")]: { id: "vpc-0a1b2c3d", inputs: { cidrBlock: "10.0.0.0/16" }, outputs: { cidrBlock: "10.0.0.0/16", arn: "arn:aws:ec2:vpc/vpc-0a1b2c3d" } },
    [urn("subnet")]: { id: "subnet-1", inputs: { vpcId: "vpc-0a1b2c3d" }, outputs: { vpcId: "vpc-0a1b2c3d" } },
    [urn("role")]: { id: "role-id", inputs: { name: "shop-dev-role" }, outputs: { name: "shop-dev-role", arn: ARN } },
    [urn("policy")]: {
      id: "policy-id",
      inputs: { role: "shop-dev-role", policy: JSON.stringify({ Statement: [{ Resource: [ARN, `${ARN}/*`], Effect: "Allow" }] }) },
      outputs: {},
    },
    // The role's name in a resource that does not depend on the role: the name is the program's own literal too.
    [urn("logs")]: { id: "logs-id", inputs: { name: "/shop-dev-role/logs" }, outputs: {} },
    [urn("db")]: { id: "db-id", inputs: {}, outputs: { address: "db-1a2b.example.net", network: "PRIVATE" } },
    [urn("service")]: { id: "svc", inputs: { template: { host: "db-1a2b.example.net", egress: "PRIVATE" }, hashed: "5d41402abc4b2a76" }, outputs: {} },
    [urn("vault")]: { id: "vault-id", inputs: { tenantId: GUID }, outputs: {} },
    [urn("password")]: { id: "password-id", inputs: { length: 32 }, outputs: { result: "MockPassw0rd4Eject" } },
    // A role job's verifiers, made from the password where it was generated.
    [urn("job")]: { id: "job-id", inputs: { verifiers: `${scramVerifier("MockPassw0rd4Eject")} x ${scramVerifier("NotAnOutput1")}` }, outputs: {} },
  },
  calls: [{ token: "azure-native:authorization:getClientConfig", inputs: {}, outputs: { tenantId: GUID } }],
  outputs: {},
};

const names = new Names();
const variables = new Map(resources.map((r) => [r.urn, names.take(r.name)]));
const tracer = new Tracer(resources, values, {
  literals: new Set(),
  variable: (s: SourceRef) => (s.kind === "resource" ? (variables.get(s.urn) as string) : "clientConfig"),
  readable: () => true,
});
const trace = (name: string, key: string, planned?: unknown) => {
  const r = resources.find((x) => x.name === name) as PlannedResource;
  return tracer.input(values.resources[r.urn]?.inputs[key], planned, r.propertyDependencies[key] ?? []);
};
const code = (e: Expr) => render(e).replace(/\s+/g, " ");

describe("tracing an input to the outputs it was made from", () => {
  it("reads a generated id from the dependency that made it", () => {
    expect(code(trace("subnet", "vpcId").expr)).toBe("vpc.id");
  });

  it("reads a name the dependency echoes, once no distinctive output covers the dependency", () => {
    const t = trace("policy", "role");
    expect(code(t.expr)).toBe("role.name");
    expect(t.unresolved).toEqual([]);
  });

  it("reads a JSON document as the object it encodes, with outputs inside strings as interpolations", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the expected text is code with template literals
    expect(code(trace("policy", "policy").expr)).toBe('pulumi.jsonStringify({ Statement: [{ Resource: [role.arn, pulumi.interpolate`${role.arn}/*`], Effect: "Allow" }] })');
  });

  it("leaves a plain word literal where a distinctive output already covers the dependency", () => {
    const t = trace("service", "template");
    expect(code(t.expr)).toBe('{ host: db.address, egress: "PRIVATE" }');
    expect(t.unresolved).toEqual([]);
  });

  it("reports a value made from a dependency in a way it cannot trace, and keeps the planned value", () => {
    const t = trace("service", "hashed");
    expect(code(t.expr)).toBe('"5d41402abc4b2a76"');
    expect(t.unresolved).toEqual([urn("vpc")]);
  });

  it("reads an invoke's result where the value came from one", () => {
    expect(code(trace("vault", "tenantId").expr)).toBe("clientConfig.tenantId");
  });

  it("keeps a secret a secret where the plan shows [secret]", () => {
    expect(code(trace("vault", "tenantId", "[secret]").expr)).toBe("pulumi.secret(clientConfig.tenantId)");
  });

  it("writes a PostgreSQL verifier made from a generated password as that password's verifier, and leaves any other verifier as it is", () => {
    const t = trace("job", "verifiers");
    expect(code(t.expr)).toBe(`pulumi.interpolate\`\${pulumi.output(password.result).apply(scramVerifier)} x ${scramVerifier("NotAnOutput1")}\``);
    expect(t.unresolved).toEqual([]);
  });

  it("finds a mock's value written out as a literal", () => {
    expect(tracer.madeByMocks("https://db-1a2b.example.net/")).toBe(true);
    expect(tracer.madeByMocks("/shop-dev-role/logs")).toBe(false);
  });
});

describe("writing expressions", () => {
  it("escapes template literals and uses JSON.stringify for a document with no outputs", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the expected text is code with template literals
    expect(render({ kind: "template", parts: ["a`b${c}\\", { kind: "config", variable: "region" }] })).toBe("`a\\`b\\${c}\\\\${region}`");
    expect(render({ kind: "json", value: { kind: "object", entries: [["a", { kind: "literal", value: 1 }]] }, indent: 2 })).toBe("JSON.stringify({ a: 1 }, undefined, 2)");
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
