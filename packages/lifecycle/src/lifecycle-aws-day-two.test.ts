/**
 * The life of an AWS stack after day one, beyond the shared catalogue: a
 * service with a domain made private and public again, storage edits close
 * together and after storage autoscaling, and networks the user brings that
 * lack what AWS needs (an internet gateway for CloudFront's VPC origin, tasks
 * in a secondary address block). The user's network is seeded into the world
 * as objects no stack manages, found by their ids.
 */
import { parseStack, type Stack } from "@freehold/model";
import { type CloudObject, RULES } from "@freehold/rules";
import { describe, expect, it } from "vitest";
import { World } from "./engine";
import { planStack } from "./plan";
import { Harness } from "./scenarios";
import { CONFORMANCE_STACKS } from "./stacks";

const DOMAIN_STACK = `
name: portal
components:
  web: { kind: web-service, image: ghcr.io/example/web:1, public: true, domain: portal.example.gov.uk }
`;

const REGION = "eu-west-2";

/** A network the user already has: a VPC, private and public subnets, and an internet gateway unless told otherwise. */
function seedNetwork(world: World, opts: { internetGateway: boolean; privateBlocks: [string, string] }): void {
  const add = (type: string, id: string, inputs: Record<string, unknown>) => {
    const key = `seed-${id}`;
    const obj: CloudObject = { key, cloud: "aws", type, inputs, references: {}, region: REGION, status: "live", createdAt: 0, facts: { id } };
    world.objects.set(key, obj);
  };
  add("aws:ec2/vpc:Vpc", "vpc-0a1b2c3d4e5f60718", { cidrBlock: "10.20.0.0/16" });
  const subnets: Array<[string, string, string]> = [
    ["subnet-0a1b2c3d4e5f60701", opts.privateBlocks[0], `${REGION}a`],
    ["subnet-0a1b2c3d4e5f60702", opts.privateBlocks[1], `${REGION}b`],
    ["subnet-0a1b2c3d4e5f60711", "10.20.128.0/20", `${REGION}a`],
    ["subnet-0a1b2c3d4e5f60712", "10.20.144.0/20", `${REGION}b`],
  ];
  for (const [id, cidrBlock, availabilityZone] of subnets) add("aws:ec2/subnet:Subnet", id, { vpcId: "vpc-0a1b2c3d4e5f60718", cidrBlock, availabilityZone });
  if (opts.internetGateway) add("aws:ec2/internetGateway:InternetGateway", "igw-0a1b2c3d4e5f60799", { vpcId: "vpc-0a1b2c3d4e5f60718" });
}

const BYO = (components: string, publicSubnets = true) => `
name: byo
network:
  aws:
    vpcId: vpc-0a1b2c3d4e5f60718
    privateSubnetIds: [subnet-0a1b2c3d4e5f60701, subnet-0a1b2c3d4e5f60702]
${publicSubnets ? "    publicSubnetIds: [subnet-0a1b2c3d4e5f60711, subnet-0a1b2c3d4e5f60712]\n" : ""}components:
${components}`;

async function deployed(spec: Stack, seed?: Parameters<typeof seedNetwork>[1]) {
  const world = new World(RULES);
  if (seed) seedNetwork(world, seed);
  const h = new Harness(world, "aws", spec);
  const first = await h.up("first up", spec);
  return { world, h, first };
}

describe("a load balancer replaced by a change of domain or of public and private keeps no target group of the old one", () => {
  it("takes a public service with a domain private and back: each load balancer gets its own target group", async () => {
    const base = parseStack(DOMAIN_STACK);
    const { h, first } = await deployed(base);
    expect(first.error).toBeUndefined();
    const privateSpec = parseStack(DOMAIN_STACK.replace("public: true, domain: portal.example.gov.uk", "public: false"));
    const off = await h.up("made private", privateSpec);
    expect(off.error).toBeUndefined();
    const back = await h.up("public again", base);
    expect(back.error).toBeUndefined();
    expect((await h.up("up again", base)).changes).toBe(0);
  });
});

describe("an existing network (network.aws) missing what AWS needs", () => {
  it("refuses at plan a public service without a domain unless the network's public subnets (and so its internet gateway) are given, naming the setting", async () => {
    const spec = parseStack(BYO("  web: { kind: web-service, image: ghcr.io/example/web:1, public: true }", false));
    const { first } = await deployed(spec, { internetGateway: false, privateBlocks: ["10.20.0.0/19", "10.20.32.0/19"] });
    expect(first.outcome).toBe("refused");
    expect(first.error).toContain("network.aws.publicSubnetIds");
    expect(first.error).toContain("internet gateway");
  });

  it("serves tasks whose subnets are in a secondary address block of the VPC", async () => {
    const spec = parseStack(BYO("  api: { kind: web-service, image: ghcr.io/example/api:1 }"));
    const { first, h } = await deployed(spec, { internetGateway: true, privateBlocks: ["100.64.0.0/20", "100.64.16.0/20"] });
    expect(first.error).toBeUndefined();
    expect((await h.up("up again", spec)).changes).toBe(0);
  });
});

describe("storage edits RDS accepts", () => {
  const DB = (storage: number) => parseStack(`name: ledger\ncomponents:\n  db: { kind: database, storageGiB: ${storage} }\n`);
  const instance = (world: World) => world.objectsOf("aws").find((o) => o.type === "aws:rds/instance:Instance") as CloudObject;

  it("applies a storage increase of less than 10%, and another one within six hours, by raising the autoscaling ceiling", async () => {
    const { world, h } = await deployed(DB(100));
    const small = await h.up("5% more", DB(105));
    expect(small.error).toBeUndefined();
    h.wait(3600);
    const again = await h.up("more again an hour later", DB(200));
    expect(again.error).toBeUndefined();
    expect(instance(world).inputs).toMatchObject({ allocatedStorage: 100, maxAllocatedStorage: 400 });
    expect((await h.up("up again", DB(200))).changes).toBe(0);
  });

  it("applies a storage increase just after storage autoscaling grew the allocation", async () => {
    const { world, h } = await deployed(DB(100));
    h.wait(86400);
    // RDS storage autoscaling adds storage by itself; the six-hour lock then starts again.
    const db = instance(world);
    db.inputs = { ...db.inputs, allocatedStorage: 130 };
    db.facts = { ...db.facts, storageChangedAt: world.now };
    const r = await h.up("more storage", DB(150));
    expect(r.error).toBeUndefined();
    expect(instance(world).inputs).toMatchObject({ allocatedStorage: 130, maxAllocatedStorage: 300 });
  });

  it("is what RDS refuses when Freehold asks for storage itself: less than 10% more, or within six hours of the last change", async () => {
    const { world } = await deployed(DB(100));
    const plan = await planStack(DB(100), "aws", "dev");
    if (!plan.ok) throw new Error(plan.error);
    const resize = (gib: number) => ({ ...plan.plan, resources: plan.plan.resources.map((r) => (r.type === "aws:rds/instance:Instance" ? { ...r, inputs: { ...r.inputs, allocatedStorage: gib }, options: { ...r.options, ignoreChanges: [] } } : r)) });
    expect(world.up("ledger/dev", resize(105)).error).toContain("at least 10%");
    expect(world.up("ledger/dev", resize(150)).status).toBe("ok");
    expect(world.up("ledger/dev", resize(200)).error).toContain("the previous storage change is being optimized");
  });
});

describe("the AWS rule book, corrected", () => {
  it("renames an RDS instance in place when its identifier changes, instead of replacing it", async () => {
    const spec = parseStack("name: ledger\ncomponents:\n  db: { kind: database, deletionProtection: true }\n");
    const { world } = await deployed(spec);
    const plan = await planStack(spec, "aws", "dev");
    if (!plan.ok) throw new Error(plan.error);
    const renamed = { ...plan.plan, resources: plan.plan.resources.map((r) => (r.type === "aws:rds/instance:Instance" ? { ...r, inputs: { ...r.inputs, identifier: "ledger-dev-books" } } : r)) };
    const r = world.up("ledger/dev", renamed);
    expect(r.error).toBeUndefined();
    expect(r.steps.find((s) => s.type === "aws:rds/instance:Instance")?.op).toBe("update");
    expect(world.objectsOf("aws").filter((o) => o.type === "aws:rds/instance:Instance").map((o) => o.name)).toEqual(["ledger-dev-books"]);
  });

  const rules = RULES.aws.types;
  const check = (type: string, path: string, value: unknown, inputs: Record<string, unknown>) =>
    (rules[type]?.checks ?? []).filter((c) => c.path === path).map((c) => c.test(value, { key: "k", cloud: "aws", type, inputs, references: {}, region: REGION, status: "live", createdAt: 0, facts: {} }));

  it("accepts a secret name that ends like an ARN suffix: AWS advises against it but does not refuse it", () => {
    expect(check("aws:secretsmanager/secret:Secret", "name", "freehold/app-abc123", {})).toEqual([undefined]);
  });

  it("counts a security group's IPv4 and IPv6 rules separately: 40 of each fit, 61 of one do not", () => {
    const world = new World(RULES);
    const sg = (ingress: unknown[]): CloudObject => ({ key: "sg", cloud: "aws", type: "aws:ec2/securityGroup:SecurityGroup", inputs: { name: "g", ingress }, references: {}, region: REGION, status: "live", createdAt: 0, facts: {} });
    const ctx = { objects: () => world.objectsOf("aws"), get: () => undefined, now: 0, stackRegion: REGION, adopt: () => undefined };
    const v4 = (n: number) => Array.from({ length: n }, (_, i) => `10.${i}.0.0/16`);
    const v6 = (n: number) => Array.from({ length: n }, (_, i) => `2001:db8:${i.toString(16)}::/48`);
    const create = rules["aws:ec2/securityGroup:SecurityGroup"]?.beforeCreate;
    expect(create?.(sg([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: v4(40), ipv6CidrBlocks: v6(40) }]), ctx)).toBeUndefined();
    expect(create?.(sg([{ protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: v6(61) }]), ctx)).toContain("61 inbound IPv6 rules");
  });
});

describe("the stack's own logs (flow logs, access logs, CloudFront logs)", () => {
  const obj = (key: string, type: string, inputs: Record<string, unknown>, references: Record<string, string[]> = {}): CloudObject => ({ key, cloud: "aws", type, inputs, references, region: REGION, status: "live", createdAt: 0, facts: {} });
  const withObjects = (...objs: CloudObject[]) => {
    const world = new World(RULES);
    for (const o of objs) world.objects.set(o.key, o);
    return { objects: () => world.objectsOf("aws"), get: (k: string) => world.objects.get(k), now: 0, stackRegion: REGION, adopt: () => undefined };
  };
  const rules = RULES.aws.types;
  const LB = "aws:lb/loadBalancer:LoadBalancer";
  const bucket = obj("b", "aws:s3/bucket:Bucket", { bucket: "logs-1" });
  const lb = obj("lb", LB, { name: "lb", accessLogs: { bucket: "logs-1", prefix: "alb/web", enabled: true } }, { accessLogs: ["b"] });

  it("refuses a load balancer's access logs until the log bucket's policy lets Elastic Load Balancing write, as AWS checks when logging is turned on", () => {
    const create = rules[LB]?.beforeCreate;
    expect(create?.(lb, withObjects(bucket))).toMatch(/^InvalidConfigurationRequest: Access Denied for bucket: logs-1/);
    const policy = obj("p", "aws:s3/bucketPolicy:BucketPolicy", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::652711504416:root" }, Action: ["s3:PutObject"] }] }) }, { bucket: ["b"] });
    expect(create?.(lb, withObjects(bucket, policy))).toBeUndefined();
  });

  it("refuses CloudFront standard logs to a bucket with ACLs disabled", () => {
    const cdn = obj("d", "aws:cloudfront/distribution:Distribution", { loggingConfig: { bucket: "logs-1.s3.amazonaws.com", prefix: "cdn/web/" } });
    const create = rules["aws:cloudfront/distribution:Distribution"]?.beforeCreate;
    const enforced = obj("o", "aws:s3/bucketOwnershipControls:BucketOwnershipControls", { rule: { objectOwnership: "BucketOwnerEnforced" } }, { bucket: ["b"] });
    expect(create?.(cdn, withObjects(bucket, enforced))).toMatch(/does not enable ACL access/);
    const preferred = obj("o", "aws:s3/bucketOwnershipControls:BucketOwnershipControls", { rule: { objectOwnership: "BucketOwnerPreferred" } }, { bucket: ["b"] });
    expect(create?.(cdn, withObjects(bucket, preferred))).toBeUndefined();
  });

  it("lives through up, destroy and up again with access logs, CloudFront logs, flow logs and the adopted default group and ACL", async () => {
    const spec = parseStack(`name: logged\ncomponents:\n  web: { kind: web-service, image: ghcr.io/example/web:1, public: true, domain: logged.example.gov.uk }\n  edge: { kind: web-service, image: ghcr.io/example/edge:1, public: true }\n`);
    const { world, h, first } = await deployed(spec);
    expect(first.error).toBeUndefined();
    const types = world.objectsOf("aws").map((o) => o.type);
    for (const t of ["aws:ec2/flowLog:FlowLog", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"]) expect(types).toContain(t);
    expect(h.destroy("destroy").outcome).toBe("ok");
    expect(world.objectsOf("aws")).toEqual([]);
    expect((await h.up("up again", spec)).outcome).toBe("ok");
  });
});

describe("what a destroy leaves of a database", () => {
  it("leaves nothing when backups are not kept on delete: no final snapshot, no retained automated backups", async () => {
    const spec = parseStack("name: scratch\ncomponents:\n  db: { kind: database, deletionProtection: false, backups: { keepOnDelete: false } }\n");
    const { world, h } = await deployed(spec);
    expect(h.destroy("destroy").outcome).toBe("ok");
    expect(world.objectsOf("aws")).toEqual([]);
    expect((await h.up("up again", spec)).outcome).toBe("ok");
  });
});

describe("the AWS rule book covers the backend", () => {
  it("has a rule for every resource type the AWS backend plans for the conformance stacks", async () => {
    const types = new Set<string>();
    for (const text of Object.values(CONFORMANCE_STACKS)) {
      const planned = await planStack(parseStack(text), "aws", "dev", { [`${parseStack(text).name}:registryToken`]: "t" });
      if (!planned.ok) throw new Error(planned.error);
      for (const r of planned.plan.resources) if (r.custom) types.add(r.type);
    }
    const covered = { ...RULES.aws.types, ...RULES.aws.companions };
    expect([...types].filter((t) => !covered[t]).sort()).toEqual([]);
  });
});
