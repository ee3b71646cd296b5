/**
 * The rules about change over time, between two plans of one stack: what `up`
 * would replace (and why), update, hold for later or delete, and what it
 * would refuse.
 */
import { describe, expect, it } from "vitest";
import { planChanges, protectedDeleteError, protectedReplaceError } from "./changes";
import type { RulePlan, RuleResource } from "./objects";

const urn = (type: string, name: string) => `urn:pulumi:dev::shop::${type}::${name}`;
const res = (type: string, name: string, inputs: Record<string, unknown>, more: Partial<RuleResource> = {}): RuleResource => ({ urn: urn(type, name), type, name, inputs, ...more });
const plan = (cloud: RulePlan["cloud"], ...resources: RuleResource[]): RulePlan => ({ cloud, region: "", resources });

const RDS = "aws:rds/instance:Instance";
const PARAMS = "aws:rds/parameterGroup:ParameterGroup";
const TF_RDS = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/rds";

describe("planChanges", () => {
  it("replaces a resource when an input that forces it changes, naming the input and its source, and replaces what takes a value from it", () => {
    const params = (family: string) => res(PARAMS, "db-params", { name: "shop-db", family });
    const db = (family: string) => res(RDS, "db-instance", { identifier: "shop-db", engineVersion: family.slice(8), parameterGroupName: "shop-db", applyImmediately: true, allowMajorVersionUpgrade: true }, { propertyDependencies: { parameterGroupName: [urn(PARAMS, "db-params")] } });
    const { changes, refusals } = planChanges(plan("aws", params("postgres16"), db("postgres16")), plan("aws", params("postgres17"), db("postgres17")));
    expect(refusals).toEqual([]);
    expect(changes).toEqual([
      { urn: urn(PARAMS, "db-params"), type: PARAMS, resource: "db-params", op: "replace", changed: ["family"], because: [{ path: "family", source: `${TF_RDS}/parameter_group.go` }], mode: "delete-before-replace" },
      { urn: urn(RDS, "db-instance"), type: RDS, resource: "db-instance", op: "update", changed: ["engineVersion", "parameterGroupName"] },
    ]);
  });

  it("says a bridged provider's named resource is replaced delete-first even under a new name, unless the program says deleteBeforeReplace: false", () => {
    const params = (name: string, family: string, options?: RuleResource["options"]) => res(PARAMS, "db-params", { name, family }, options ? { options } : {});
    const mode = (options?: RuleResource["options"]) => planChanges(plan("aws", params("shop-db-postgres16", "postgres16")), plan("aws", params("shop-db-postgres17", "postgres17", options))).changes[0]?.mode;
    expect(mode()).toBe("delete-before-replace");
    expect(mode({ deleteBeforeReplace: false })).toBe("create-before-delete");
  });

  it("refuses what the cloud refuses to change: an immutable input, and a limit on updates", () => {
    const vault = (days: number) => res("azure-native:keyvault:Vault", "kv", { vaultName: "shop-kv", properties: { softDeleteRetentionInDays: days } });
    const server = (gb: number) => res("azure-native:dbforpostgresql:Server", "db", { serverName: "shop-db", version: "16", storage: { storageSizeGB: gb } });
    const { refusals } = planChanges(plan("azure", vault(90), server(64)), plan("azure", vault(7), server(32)));
    expect(refusals.map((r) => [r.resource, r.field, r.message])).toEqual([
      ["kv", "properties.softDeleteRetentionInDays", "the soft-delete retention period can only be set when the vault is created"],
      ["db", "", "Requested data disk size 32 GB cannot be less than the current size 64 GB: storage can only be scaled up"],
    ]);
    expect(refusals[1]?.source).toBe("https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-storage-premium-ssd");
  });

  it("refuses, as Pulumi's preview does, to replace or delete a protected resource; a retained one is only removed from the stack", () => {
    const bucket = (name: string, protect: boolean) => res("aws:s3/bucket:Bucket", "files", { bucket: name }, { options: { protect, retainOnDelete: true } });
    const replaced = planChanges(plan("aws", bucket("shop-files", true)), plan("aws", bucket("shop-files-2", true)));
    expect(replaced.refusals.map((r) => r.message)).toEqual([protectedReplaceError(urn("aws:s3/bucket:Bucket", "files"), ["bucket"])]);
    const removed = planChanges(plan("aws", bucket("shop-files", true)), plan("aws"));
    expect(removed.changes.map((c) => c.op)).toEqual(["retain"]);
    expect(removed.refusals.map((r) => r.message)).toEqual([protectedDeleteError(urn("aws:s3/bucket:Bucket", "files"))]);
  });

  it("refuses to delete what the cloud's own deletion protection keeps, and names the changes it holds for the maintenance window", () => {
    const db = (cls: string, protectedByCloud: boolean) => res(RDS, "db-instance", { identifier: "shop-db", instanceClass: cls, deletionProtection: protectedByCloud });
    expect(planChanges(plan("aws", db("db.t4g.small", true)), plan("aws")).refusals.map((r) => [r.field, r.message])).toEqual([
      ["deletionProtection", "InvalidParameterCombination: Cannot delete protected DB Instance, please disable deletion protection and try again."],
    ]);
    expect(planChanges(plan("aws", db("db.t4g.small", false)), plan("aws", db("db.m7g.large", false))).changes).toEqual([
      { urn: urn(RDS, "db-instance"), type: RDS, resource: "db-instance", op: "update", changed: ["instanceClass"], deferred: ["instanceClass"] },
    ]);
  });

  it("follows an alias to the resource's previous URN, and sees a provider moved to another region as a replacement", () => {
    const before = res("aws:ecs/cluster:Cluster", "old-name", { name: "c" });
    const after = res("aws:ecs/cluster:Cluster", "cluster", { name: "c" }, { options: { aliases: [{ urn: before.urn }] } });
    expect(planChanges(plan("aws", before), plan("aws", after)).changes).toEqual([]);
    const provider = (region: string) => res("pulumi:providers:aws", "p", { region });
    const cluster = { ...after, provider: `${urn("pulumi:providers:aws", "p")}::id` };
    const moved = planChanges(plan("aws", provider("eu-west-2"), cluster), plan("aws", provider("eu-west-1"), cluster)).changes;
    expect(moved.map((c) => [c.op, c.because?.map((b) => b.path)])).toEqual([["replace", ["(region)"]]]);
  });
});
