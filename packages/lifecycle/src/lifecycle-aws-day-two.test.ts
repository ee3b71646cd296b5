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
import { Harness } from "./scenarios";

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
