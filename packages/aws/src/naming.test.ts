import { COMPONENT_NAME_MAX, NAME_PATTERN, STACK_NAME_MAX } from "@freehold/model";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUCKET_RESERVED_PREFIXES, BUCKET_RESERVED_SUFFIXES, names } from "./naming";

const chars = "abcdefghijklmnopqrstuvwxyz0123456789-".split("");
const tricky = ["internal", "sg", "sthree", "amzn-s3-demo", "xn", "a", "z9", "internal-web"];
const modelName = (max: number) =>
  fc.oneof(
    fc.string({ unit: fc.constantFrom(...chars), minLength: 1, maxLength: max }).filter((s) => NAME_PATTERN.test(s)),
    fc.constantFrom(...tricky.filter((t) => t.length <= max)),
  );
const stack = modelName(STACK_NAME_MAX);
const comp = modelName(COMPONENT_NAME_MAX);
const runs = { numRuns: 200 };

const valid = {
  bucket: (n: string) =>
    /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(n) &&
    !BUCKET_RESERVED_PREFIXES.some((p) => n.startsWith(p)) &&
    !BUCKET_RESERVED_SUFFIXES.some((s) => n.endsWith(s)) &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(n),
  elbv2: (n: string) => /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/.test(n),
  rdsId: (n: string, max: number) => n.length <= max && /^[a-z][a-z0-9-]*$/.test(n) && !n.includes("--") && !n.endsWith("-"),
  iamRole: (n: string) => /^[\w+=,.@-]{1,64}$/.test(n),
  ecsName: (n: string) => /^[a-zA-Z0-9_-]{1,255}$/.test(n),
};

describe("physical names are valid for every name the model accepts", () => {
  it("makes S3 bucket names of 3-63 lowercase characters, avoiding reserved prefixes and suffixes", () => {
    fc.assert(fc.property(stack, comp, (s, c) => valid.bucket(names.bucket(s, c))), runs);
  });

  it("makes load balancer names of at most 32 characters that never begin with internal-", () => {
    fc.assert(
      fc.property(stack, comp, fc.constantFrom("ext" as const, "int" as const), (s, c, scheme) => {
        const n = names.loadBalancer(s, c, scheme);
        return valid.elbv2(n) && !n.startsWith("internal-");
      }),
      runs,
    );
    expect(names.loadBalancer("internal", "web", "int").startsWith("internal-")).toBe(false);
  });

  it("makes target group names of at most 32 characters that change with the load balancer's scheme, not the port", () => {
    fc.assert(fc.property(stack, comp, fc.constantFrom("ext" as const, "int" as const), (s, c, k) => valid.elbv2(names.targetGroup(s, c, k))), runs);
    expect(names.targetGroup("shop", "web", "ext")).not.toBe(names.targetGroup("shop", "web", "int"));
  });

  it("makes RDS identifiers, final snapshot and parameter group names RDS accepts", () => {
    fc.assert(
      fc.property(stack, comp, fc.constantFrom("13", "14", "15", "16", "17"), fc.stringMatching(/^[0-9a-f]{8}$/), (s, c, v, hex) => {
        return (
          valid.rdsId(names.dbInstance(s, c), 63) &&
          valid.rdsId(names.finalSnapshot(names.dbInstance(s, c), hex), 255) &&
          valid.rdsId(names.dbParameterGroup(s, c, v), 255) &&
          valid.rdsId(names.dbSubnetGroup(s), 255)
        );
      }),
      runs,
    );
  });

  it("makes Secrets Manager names of allowed characters that never end like an ARN suffix", () => {
    fc.assert(
      fc.property(stack, comp, fc.constantFrom("app", "app_read", "registry"), (s, c, k) => {
        const n = names.secret(s, c, k);
        return n.length <= 512 && /^[A-Za-z0-9/_+=.@-]+$/.test(n) && !/-[A-Za-z0-9]{6}$/.test(n);
      }),
      runs,
    );
    expect(names.secret("shop-dev", "db", "app_read")).toBe("freehold/shop-dev/db/app_read");
  });

  it("makes IAM role names of at most 64 characters", () => {
    fc.assert(fc.property(stack, comp, (s, c) => valid.iamRole(names.role(s, c, "exec")) && valid.iamRole(names.role(s, c, "task"))), runs);
  });

  it("makes security group names that never begin with sg-", () => {
    fc.assert(fc.property(stack, comp, (s, c) => ["db", "tasks", "lb-ext", "lb-int"].every((r) => !names.securityGroup(s, c, r).startsWith("sg-") && names.securityGroup(s, c, r).length <= 255)), runs);
    expect(names.securityGroup("sg", "web", "tasks")).toBe("fh-sg-web-tasks");
  });

  it("makes ECS cluster, service and task family names and CloudWatch log group names", () => {
    fc.assert(
      fc.property(stack, comp, (s, c) => {
        return (
          valid.ecsName(names.cluster(s)) &&
          valid.ecsName(names.service(s, c)) &&
          valid.ecsName(names.taskFamily(s, c)) &&
          /^[.\-_/#A-Za-z0-9]{1,512}$/.test(names.logGroup(s, c)) &&
          /^[a-z0-9-]{1,64}$/.test(names.vpcOrigin(s, c))
        );
      }),
      runs,
    );
  });

  it("gives different components of one stack different names", () => {
    fc.assert(
      fc.property(stack, comp, comp, (s, a, b) => {
        fc.pre(a !== b);
        return (
          names.bucket(s, a) !== names.bucket(s, b) &&
          names.dbInstance(s, a) !== names.dbInstance(s, b) &&
          names.loadBalancer(s, a, "ext") !== names.loadBalancer(s, b, "ext") &&
          names.role(s, a, "task") !== names.role(s, b, "task")
        );
      }),
      runs,
    );
  });

  it("is deterministic and readable for short names", () => {
    expect(names.dbInstance("shop", "db")).toBe("shop-db");
    expect(names.bucket("shop", "files")).toBe(names.bucket("shop", "files"));
    expect(names.bucket("shop", "files")).toMatch(/^shop-files-[a-z0-9]{6}$/);
    expect(names.bucket("sthree", "x").startsWith("fh-sthree-")).toBe(true);
  });
});
