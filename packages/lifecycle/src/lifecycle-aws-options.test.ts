/**
 * The life of a stack on AWS beyond the shared catalogue: a default provider
 * configured for another region, a network the user brings, and the items of
 * issue 13 that show over time (a destroy of protected data, the RDS log group,
 * changes that apply at `up`).
 */
import { parseStack } from "@freehold/model";
import { knownFailure } from "./known";
import { describe, expect, it } from "vitest";
import { World } from "./engine";
import { AWS_RETAINED_BACKUPS_TYPE, RULES } from "@freehold/rules";
import { planStack } from "./plan";
import { Harness } from "./scenarios";
import { CONFORMANCE_STACKS } from "./stacks";
import { runStack } from "./suite";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

describe("AWS with the default provider configured for another region (aws:region us-east-1)", () => {
  for (const [title, text] of Object.entries(CONFORMANCE_STACKS)) {
    it(`${title}: everything lands in the stack's region, and the stack lives through up, a second stack, a region change and destroy`, async () => {
      const result = await runStack(text, "aws", { defaultRegion: "us-east-1", only: ["up-again", "second-stack", "region", "destroy", "unprotect-destroy-up"] });
      expect(result.first.error).toBeUndefined();
      expect(result.first.outcome).toBe("ok");
      expect(result.scenarios.filter((s) => s.problem && !knownFailure("aws", "*", s.id, new Set())).map((s) => `${s.id}: ${s.problem}`)).toEqual([]);
    }, 120_000);
  }
});

/** A network the user brings: Freehold creates none of its own. */
export const EXISTING_NETWORK_STACK = `
name: byo
network:
  aws:
    vpcId: vpc-0a1b2c3d4e5f60718
    privateSubnetIds: [subnet-0a1b2c3d4e5f60701, subnet-0a1b2c3d4e5f60702]
    publicSubnetIds: [subnet-0a1b2c3d4e5f60711, subnet-0a1b2c3d4e5f60712]
components:
  db: { kind: database }
  files: { kind: object-store, deletionProtection: false }
  web: { kind: web-service, image: ghcr.io/example/web:1, public: true, links: [db, files] }
  api: { kind: web-service, image: ghcr.io/example/api:1, links: [{ to: db, access: read }] }
`;

describe("AWS in an existing VPC (network.aws)", () => {
  it("lives through every scenario of the catalogue without creating or deleting any network", async () => {
    const result = await runStack(EXISTING_NETWORK_STACK, "aws");
    expect(result.first.error).toBeUndefined();
    expect(result.scenarios.length).toBeGreaterThan(30);
    expect(result.scenarios.filter((s) => s.problem && !knownFailure("aws", "*", s.id, new Set())).map((s) => `${s.id}: ${s.problem}`)).toEqual([]);
  }, 300_000);

  it("creates no VPC, subnet, gateway, route table or endpoint", async () => {
    const world = new World(RULES);
    const h = new Harness(world, "aws", parseStack(EXISTING_NETWORK_STACK));
    expect((await h.up("up", parseStack(EXISTING_NETWORK_STACK))).outcome).toBe("ok");
    const types = new Set(world.objectsOf("aws").map((o) => o.type));
    for (const t of ["aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway", "aws:ec2/routeTable:RouteTable", "aws:ec2/vpcEndpoint:VpcEndpoint"]) {
      expect(types.has(t), t).toBe(false);
    }
    const subnetGroup = world.objectsOf("aws").find((o) => o.type === "aws:rds/subnetGroup:SubnetGroup");
    expect(subnetGroup?.inputs.subnetIds).toEqual(["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"]);
  });
});

describe("issue 13 over time", () => {
  const DB_ONLY = parseStack(CONFORMANCE_STACKS["one database"] as string);
  /** The one-database stack with the database's spec replaced. */
  const withDb = (db: string) => parseStack(`${CONFORMANCE_STACKS["one database"]}`.replace("db: { kind: database }", `db: ${db}`));
  /** A fresh AWS world with `spec` deployed as dev. */
  async function deployed(spec = DB_ONLY) {
    const world = new World(RULES);
    const h = new Harness(world, "aws", spec);
    expect((await h.up("up", spec)).outcome).toBe("ok");
    return { world, h };
  }

  it("refuses `pulumi destroy` of a protected database before deleting anything, naming the instance", async () => {
    const { world, h } = await deployed();
    const before = world.objectsOf("aws").map((o) => `${o.key} ${o.status}`);
    const d = h.destroy("destroy");
    expect(d.outcome).toBe("refused");
    expect(d.error).toContain('unable to delete resource "urn:pulumi:dev::db-only::freehold:index:Database$aws:rds/instance:Instance::db-instance"');
    expect(world.objectsOf("aws").map((o) => `${o.key} ${o.status}`)).toEqual(before);
  });

  it("creates the RDS log groups itself, with the stack's retention, and leaves no log group behind after protection off and destroy", async () => {
    const open = withDb("{ kind: database, deletionProtection: false }");
    const { world, h } = await deployed(open);
    const groups = world.objectsOf("aws").filter((o) => o.type === LOG_GROUP);
    expect(groups.map((g) => [g.name, g.inputs.retentionInDays, Boolean(g.owner)]).sort()).toEqual([
      ["/aws/rds/instance/db-only-dev-db/postgresql", 365, true],
      ["/aws/rds/instance/db-only-dev-db/upgrade", 365, true],
      ["/freehold/db-only-dev/vpc-flow-logs", 365, true],
    ]);
    expect(h.destroy("destroy").outcome).toBe("ok");
    expect(world.objectsOf("aws").filter((o) => o.type === LOG_GROUP)).toEqual([]);
    // Only the backups stay (backups.keepOnDelete): the final snapshot, and the automated backups until their retention ends.
    expect(world.objectsOf("aws").map((o) => o.type).sort()).toEqual([AWS_RETAINED_BACKUPS_TYPE, "aws:rds/snapshot:Snapshot"]);
    world.advance(8 * 86400);
    expect(world.objectsOf("aws").map((o) => o.type)).toEqual(["aws:rds/snapshot:Snapshot"]);
    world.advance(3600);
    expect((await h.up("up again", open)).outcome).toBe("ok");
    expect(h.destroy("destroy again").outcome).toBe("ok");
    // A second deletion takes a second final snapshot under a new name.
    expect(world.objectsOf("aws").filter((o) => o.type === "aws:rds/snapshot:Snapshot")).toHaveLength(2);
  });

  it("applies a size, storage and Multi-AZ change at `up`: the next `up` has nothing left to do", async () => {
    const { h } = await deployed();
    const bigger = withDb("{ kind: database, size: large, storageGiB: 200, highAvailability: true }");
    const changed = await h.up("changed", bigger);
    expect(changed.outcome).toBe("ok");
    expect(changed.changes).toBeGreaterThan(0);
    const again = await h.up("up again", bigger);
    expect([again.outcome, again.changes]).toEqual(["ok", 0]);
  });

  it("upgrades the major version in one `up` (new parameter group first, the old one deleted once the instance has left it)", async () => {
    const { world, h } = await deployed();
    const v17 = withDb('{ kind: database, version: "17" }');
    const r = await h.up("upgrade", v17);
    expect(r.error).toBeUndefined();
    const groups = world.objectsOf("aws").filter((o) => o.type === "aws:rds/parameterGroup:ParameterGroup");
    expect(groups.map((g) => [g.name, g.inputs.family])).toEqual([["db-only-dev-db-postgres17", "postgres17"]]);
    const instance = world.objectsOf("aws").find((o) => o.type === "aws:rds/instance:Instance");
    expect(instance?.inputs.engineVersion).toBe("17");
    expect((await h.up("up again", v17)).changes).toBe(0);
  });
});

/**
 * AWS shares the Terraform bridge's replacement order with Google Cloud: a resource whose name the program sets is
 * deleted before its replacement is created, unless the program says `deleteBeforeReplace: false`. These are the
 * AWS resources that an update replaces while another resource still uses them in a field that is only updated.
 */
describe("the replacement order the AWS backend asks the engine for", () => {
  it("creates first the parameter group (a major version upgrade), the DB subnet group (a region change) and every security group (a new VPC, a new ingress)", async () => {
    const spec = parseStack(CONFORMANCE_STACKS["throwaway stack without deletion protection"] as string);
    const planned = await planStack(spec, "aws", "dev");
    if (!planned.ok) throw new Error(planned.error);
    const order = (type: string) => [...new Set(planned.plan.resources.filter((r) => r.type === type).map((r) => r.options.deleteBeforeReplace ?? "provider decides"))];
    for (const type of ["aws:rds/parameterGroup:ParameterGroup", "aws:rds/subnetGroup:SubnetGroup", "aws:ec2/securityGroup:SecurityGroup"]) {
      expect({ type, order: order(type) }).toEqual({ type, order: [false] });
    }
    // The instance keeps its identifier through every replacement (a new identifier renames it in place): created first, RDS
    // would refuse it (DBInstanceAlreadyExists): the backend says delete-first itself rather than rely on the provider asking.
    expect(order("aws:rds/instance:Instance")).toEqual([true]);
  });
});
