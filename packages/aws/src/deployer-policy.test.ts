import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deployStack, registerBackend, runWithMocks } from "@freehold/core";
import { parseStack } from "@freehold/model";
import { AWS_RETAINED_BACKUPS_TYPE, AWS_RULES, AWS_SNAPSHOT_TYPE } from "@freehold/rules";
import { describe, expect, it } from "vitest";
import { DEPLOYER_ACTIONS, DEPLOYER_INVOKE_ACTIONS, deployerPolicy, NO_AWS_CALLS } from "./deployer-policy";
import { backend } from "./index";

registerBackend(backend);

/** Every feature that adds resource types: a domain, CloudFront, the firewall and allow list, a linked database (role job), a store. */
const EVERYTHING = `
name: shop
components:
  db: { kind: database }
  files: { kind: object-store, cors: [{ allowedOrigins: ["https://shop.example.gov.uk"] }] }
  web: { kind: web-service, image: ghcr.io/example/shop:1.0, public: true, domain: shop.example.gov.uk, webApplicationFirewall: true, ipAllowList: ["203.0.113.0/24", "2001:db8::/32"], links: [db, files], scaling: { min: 1, max: 3 } }
  edge: { kind: web-service, image: ghcr.io/example/edge:1.0, public: true, webApplicationFirewall: true, writableRootFilesystem: true }
  api: { kind: web-service, image: ghcr.io/example/api:1.0, writableRootFilesystem: true, links: [{ to: db, access: read }] }
`;

const published = () => JSON.parse(readFileSync(join(__dirname, "..", "deployer-policy.json"), "utf8"));

describe("the deploying identity's IAM policy", () => {
  it("knows what the provider calls for every resource type the simulated cloud's rule book has for AWS", () => {
    const virtual = new Set([AWS_SNAPSHOT_TYPE, AWS_RETAINED_BACKUPS_TYPE]);
    const missing = Object.keys(AWS_RULES.types).filter((t) => !virtual.has(t) && !NO_AWS_CALLS.test(t) && !(t in DEPLOYER_ACTIONS));
    expect(missing).toEqual([]);
  });

  it("covers every resource type and data source a plan with every feature registers", async () => {
    const run = await runWithMocks("aws", () => deployStack(parseStack(EVERYTHING)).outputs, { project: "shop" });
    const types = [...new Set([...run.resources.filter((r) => r.custom).map((r) => r.type), ...run.invokes])];
    expect(types.filter((t) => !NO_AWS_CALLS.test(t) && !(t in DEPLOYER_ACTIONS) && !(t in DEPLOYER_INVOKE_ACTIONS))).toEqual([]);
    expect(() => deployerPolicy(types)).not.toThrow();
  });

  it("lets the provider's reads through: every bucket configuration, a secret's resource policy, Application Auto Scaling tags", () => {
    const actions = deployerPolicy().Statement.flatMap((s) => s.Action);
    for (const a of [
      "s3:GetAccelerateConfiguration",
      "s3:GetBucketRequestPayment",
      "s3:GetBucketLogging",
      "s3:GetBucketAcl",
      "s3:GetBucketWebsite",
      "s3:GetReplicationConfiguration",
      "s3:GetBucketObjectLockConfiguration",
      "secretsmanager:GetResourcePolicy",
      "application-autoscaling:TagResource",
      "application-autoscaling:ListTagsForResource",
    ])
      expect(actions).toContain(a);
  });

  it("grants exact actions only, and passes roles only to the services that use them (a scheduled job's roles to EventBridge Scheduler and Step Functions)", () => {
    const policy = deployerPolicy();
    for (const s of policy.Statement) for (const a of s.Action) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    const pass = policy.Statement.find((s) => s.Action.includes("iam:PassRole"));
    expect(pass?.Condition).toEqual({ StringEquals: { "iam:PassedToService": ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com", "vpc-flow-logs.amazonaws.com", "scheduler.amazonaws.com", "states.amazonaws.com"] } });
    expect(policy.Statement.filter((s) => s !== pass).flatMap((s) => s.Action)).not.toContain("iam:PassRole");
  });

  it("refuses a type it does not know rather than publish a policy that stops `up`", () => {
    expect(() => deployerPolicy(["aws:ec2/instance:Instance"])).toThrow(/does not know aws:ec2\/instance:Instance/);
  });

  it("is published as packages/aws/deployer-policy.json, as generated", () => {
    expect(published(), "regenerate: node -e 'console.log(JSON.stringify(require(\"./packages/aws/dist/deployer-policy\").deployerPolicy(), null, 2))' > packages/aws/deployer-policy.json").toEqual(deployerPolicy());
  });
});
