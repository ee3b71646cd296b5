import { describe, expect, it } from "vitest";
import { bucketStatements, ECR_PULL_ACTIONS, ecrRepositoryArn, executionRolePolicy, S3_ACCESS } from "./permissions";

describe("permission table", () => {
  it("maps every neutral access to exact S3 actions with no wildcard", () => {
    for (const a of Object.values(S3_ACCESS)) for (const action of [...a.bucket, ...a.objects]) expect(action).toMatch(/^s3:[A-Za-z]+$/);
    for (const action of ECR_PULL_ACTIONS) expect(action).not.toContain("*");
  });

  it("lets read list and get but not write, and write put and delete but not read", () => {
    expect([...S3_ACCESS.read.bucket, ...S3_ACCESS.read.objects].sort()).toEqual(["s3:GetObject", "s3:ListBucket"]);
    expect(S3_ACCESS.write.objects).not.toContain("s3:GetObject");
    expect(S3_ACCESS.write.bucket).toEqual([]);
    expect(S3_ACCESS.readWrite.objects).toEqual(expect.arrayContaining(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]));
  });

  it("scopes bucket actions to the bucket ARN and object actions to its objects", () => {
    expect(bucketStatements("arn:aws:s3:::b", "read")).toEqual([
      { Effect: "Allow", Action: ["s3:ListBucket"], Resource: "arn:aws:s3:::b" },
      { Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" },
    ]);
  });

  it("finds the ECR repository of an ECR image and nothing for other registries", () => {
    expect(ecrRepositoryArn("123456789012.dkr.ecr.eu-west-2.amazonaws.com/team/api:2")).toBe("arn:aws:ecr:eu-west-2:123456789012:repository/team/api");
    expect(ecrRepositoryArn("123456789012.dkr.ecr.eu-west-2.amazonaws.com/api@sha256:abc")).toBe("arn:aws:ecr:eu-west-2:123456789012:repository/api");
    expect(ecrRepositoryArn("ghcr.io/example/app:1")).toBeUndefined();
  });

  it("gives the execution role only its log group for an image outside ECR", () => {
    const p = executionRolePolicy({ logGroupArn: "arn:aws:logs:eu-west-2:1:log-group:/x", image: "nginx" });
    expect(p.Statement.map((s) => s.Sid)).toEqual(["Logs"]);
  });
});
