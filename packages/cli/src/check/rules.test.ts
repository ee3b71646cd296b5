import { describe, expect, it } from "vitest";
import { checkText } from "./render";
import type { Plan } from "../plan/contract";
import { wildcardProblems } from "./rules/least-privilege";
import { corsFindings } from "./rules/public-storage";
import { looksSecret } from "./rules/secrets";
import type { CheckReport } from "./run";

describe("least privilege", () => {
  it("flags wildcard actions and resources in Allow statements only", () => {
    const policy = JSON.stringify({
      Statement: [
        { Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" },
        { Effect: "Allow", Action: "s3:*", Resource: "*" },
        { Effect: "Deny", Action: ["s3:*"], Resource: "*" },
      ],
    });
    expect(wildcardProblems(policy)).toEqual(["wildcard action s3:*", "wildcard resource *"]);
    expect(wildcardProblems(JSON.stringify({ Statement: { Effect: "Allow", Action: "*", Resource: "arn:x" } }))).toEqual(["wildcard action *"]);
  });

  it("accepts Resource * only for actions AWS gives no resource-level permission (vended log delivery), never beside another action", () => {
    const delivery = ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:PutResourcePolicy", "logs:DescribeLogGroups"];
    expect(wildcardProblems(JSON.stringify({ Statement: { Effect: "Allow", Action: delivery, Resource: "*" } }))).toEqual([]);
    expect(wildcardProblems(JSON.stringify({ Statement: { Effect: "Allow", Action: [...delivery, "logs:PutLogEvents"], Resource: "*" } }))).toEqual(["wildcard resource *"]);
  });
});

describe("secrets in plain variables", () => {
  it("flags secret names with values and secret-shaped values under any name", () => {
    expect(looksSecret("DB_PASSWORD", "hunter2")).toBe(true);
    expect(looksSecret("STRIPE_API_KEY", "x")).toBe(true);
    expect(looksSecret("CONFIG", "AKIAABCDEFGHIJKLMNOP")).toBe(true);
    expect(looksSecret("UPSTREAM", "https://user:pa55@example.org/")).toBe(true);
    expect(looksSecret("KEY_PREFIX", "")).toBe(false);
    expect(looksSecret("NODE_ENV", "production")).toBe(false);
    expect(looksSecret("OBJECT_STORE_ENDPOINT", "https://s3.eu-west-2.amazonaws.com")).toBe(false);
  });
});

describe("check text", () => {
  it("colours the result column without breaking its alignment", () => {
    const report: CheckReport = {
      schema: "freehold.check/v1",
      cloud: "aws",
      provider: "AWS",
      stack: "s",
      region: "eu-west-2",
      summary: { errors: 1, warnings: 0, compliant: 1, notApplicable: 0 },
      rules: [
        { id: "A", summary: "a", explanation: "", severity: "error", ncsc: ["1"], status: "non-compliant", findings: [{ status: "non-compliant", subject: "x", message: "bad" }] },
        { id: "B", summary: "b", explanation: "", severity: "error", ncsc: ["1"], status: "compliant", findings: [] },
      ],
    };
    const text = checkText(report, { bold: (s) => s, dim: (s) => s, red: (s) => `<r>${s}</r>`, green: (s) => `<g>${s}</g>`, yellow: (s) => s });
    expect(text).toContain("<r>FAIL</r>    A");
    expect(text).toContain("<g>pass</g>    B");
    expect(text).toContain("  A x: bad");
  });
});

describe("CORS origins on every cloud", () => {
  const resource = (type: string, inputs: Record<string, unknown>) => ({ urn: `urn:${type}`, type, name: "files", parent: "", custom: true, inputs, options: {} });
  const plan = (cloud: Plan["cloud"], r: ReturnType<typeof resource>) => ({ cloud, resources: [r] }) as unknown as Plan;

  it("flags a wildcard, a javascript: origin and a newline, and passes exact https origins", () => {
    const aws = corsFindings(plan("aws", resource("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", { corsRules: [{ allowedOrigins: ["https://a.example.gov.uk", "*"] }] })));
    const azure = corsFindings(plan("azure", resource("azure-native:storage:BlobServiceProperties", { cors: { corsRules: [{ allowedOrigins: ["javascript:alert(1)"] }] } })));
    const gcp = corsFindings(plan("gcp", resource("gcp:storage/bucket:Bucket", { cors: [{ origins: ["https://a.example.gov.uk\n"] }] })));
    const ok = corsFindings(plan("gcp", resource("gcp:storage/bucket:Bucket", { cors: [{ origins: ["https://a.example.gov.uk", "http://localhost:3000"] }] })));
    expect([aws, azure, gcp].map((f) => f.map((x) => [x.status, x.message.split(":")[0]]))).toEqual([
      [["non-compliant", 'CORS allows "*"']],
      [["non-compliant", 'CORS allows "javascript']],
      [["non-compliant", 'CORS allows "https']],
    ]);
    expect(ok).toEqual([{ status: "compliant", subject: "files", message: "CORS allows exact https origins only" }]);
    expect(corsFindings(plan("gcp", resource("gcp:storage/bucket:Bucket", {})))).toEqual([]);
  });
});
