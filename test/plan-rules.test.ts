/**
 * `plan` knows what the cloud will refuse: a value the rule book says a cloud
 * refuses is refused at plan time, naming the component, the resource, the
 * field, the value, the rule and its source (exit 2, or 3 when only
 * Freehold's own values are at fault); `--previous` reports what `up` would
 * replace or refuse; reports mark the values the mocks made up.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compareMarkdown, comparePlans, type HostedPlan, planInProcess, planText, refuseBrokenRules, violationsExit } from "@freehold/cli";
import { readPreviousPlan } from "../packages/cli/src/plan/previous";
import { DEFAULT_ASSUMPTIONS } from "@freehold/core";
import type { Cloud } from "@freehold/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freeholdInProcess as cli, ROOT } from "./cli-helpers";
import { planFixture } from "./plan-fixture";

const dir = join(ROOT, ".freehold-tmp", `plan-rules-${process.pid}`);
const RDS_API = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html";
const BAD_DB = "name: shop\ncomponents:\n  db:\n    kind: database\n    vendor:\n      aws:\n        instance: { backupRetentionPeriod: 40, username: rdsadmin }\n";

const planOf = async (cloud: Cloud, yaml: string) => planInProcess({ target: { kind: "stack", file: "shop.yaml", text: yaml, stack: "dev" }, cloud, assumptions: DEFAULT_ASSUMPTIONS });

beforeAll(() => mkdirSync(dir, { recursive: true }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("freehold plan refuses what the cloud's rule book refuses", () => {
  it("names the component, resource, field, value, rule and source of every value, exit 2 for the stack's own values", async () => {
    writeFileSync(join(dir, "bad.yaml"), BAD_DB);
    const r = await cli(["plan", join(dir, "bad.yaml"), "--cloud", "aws", "--format", "json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      [
        "freehold: Amazon Web Services would refuse this stack: 2 of its values break the cloud's rules.",
        '  - component db, db-instance (aws:rds/instance:Instance), username = "rdsadmin": is reserved by RDS',
        `    rule: RDS DB instance [${RDS_API}]`,
        "  - component db, db-instance (aws:rds/instance:Instance), backupRetentionPeriod: 40 days is outside 0-35",
        `    rule: RDS DB instance [${RDS_API}]`,
        "",
      ].join("\n"),
    );
    const plan = JSON.parse(r.stdout);
    expect(plan.error).toMatchObject({ type: "rules", violations: [{ component: "db", field: "username", value: "rdsadmin", chosenBy: "program" }, { field: "backupRetentionPeriod", value: 40 }] });
    expect(plan.resources).toEqual([]);
  });

  it("refuses a program whose AWS provider is set for another region than the stack", async () => {
    const program = join(dir, "ireland");
    mkdirSync(program, { recursive: true });
    writeFileSync(join(program, "Pulumi.yaml"), "name: regional\nruntime: nodejs\n");
    writeFileSync(
      join(program, "index.ts"),
      'import { Provider } from "@pulumi/aws/provider";\nimport { ObjectStore } from "@freehold/core";\nconst ireland = new Provider("ireland", { region: "eu-west-1" });\nnew ObjectStore("files", {}, { providers: [ireland] });\n',
    );
    const r = await cli(["plan", program, "--cloud", "aws"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("  - ireland (pulumi:providers:aws), region: the provider is configured for eu-west-1, but the stack is planned for eu-west-2");
  });

  it("exits 3 when only values Freehold derived from the spec break the cloud's rules, 2 when a vendor setting or a program's own resource does", () => {
    const component = { name: "web", kind: "web-service" as const, urn: "urn:web", vendorSettings: [] as string[] } as unknown as HostedPlan["components"][number];
    const lb = { urn: "urn:lb", type: "aws:lb/loadBalancer:LoadBalancer", name: "web-lb", parent: "urn:web", custom: true, inputs: { name: "x".repeat(40) }, options: { protect: false, retainOnDelete: false, dependsOn: [] }, dependencies: [], propertyDependencies: {} };
    const parent = { ...lb, urn: "urn:web", type: "freehold:index:WebService", name: "web", parent: "", custom: false, inputs: {} };
    const exitOf = (vendorSettings: string[], resources = [parent, lb]) => violationsExit(refuseBrokenRules(planFixture("aws", { components: [{ ...component, vendorSettings }], resources }) as HostedPlan).error?.violations ?? []);
    expect(exitOf([])).toBe(3);
    expect(exitOf(["aws.loadBalancer.name"])).toBe(2);
    expect(exitOf([], [{ ...lb, parent: "" }])).toBe(2);
  });
});

describe("freehold plan --previous", () => {
  it("reports what up would replace and refuses what it would refuse, with each rule's source (exit 2)", async () => {
    const before = await planOf("aws", 'name: shop\ncomponents:\n  db: { kind: database, version: "16" }\n');
    writeFileSync(join(dir, "deployed.json"), JSON.stringify(before));
    writeFileSync(join(dir, "now.yaml"), 'name: shop\ncomponents:\n  db: { kind: database, version: "15" }\n');
    const r = await cli(["plan", join(dir, "now.yaml"), "--cloud", "aws", "--previous", join(dir, "deployed.json")]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`Changes since ${join(dir, "deployed.json")}: 0 to create, 1 to update, 1 to replace, 0 to delete, 0 to retain.`);
    expect(r.stdout).toContain("  replace  db: db-params (aws:rds/parameterGroup:ParameterGroup), create-before-delete: name changed [");
    expect(r.stderr).toContain("  - component db, db-instance (aws:rds/instance:Instance): InvalidParameterCombination: Cannot upgrade postgres from 16 to 15 (no downgrades)");
  });

  it("takes only a plan of the same cloud that the cloud could make", () => {
    writeFileSync(join(dir, "other.json"), JSON.stringify(planFixture("aws")));
    expect(() => readPreviousPlan(join(dir, "other.json"), "gcp")).toThrow(`--previous ${join(dir, "other.json")}: it is a plan for aws, not gcp: compare plans of one cloud`);
    writeFileSync(join(dir, "refused.json"), JSON.stringify(planFixture("aws", { error: { type: "unsupported", message: "x" } })));
    expect(() => readPreviousPlan(join(dir, "refused.json"), "aws")).toThrow("it is a plan the cloud refused (unsupported): it has no resources to compare with");
    writeFileSync(join(dir, "junk.json"), "{");
    expect(() => readPreviousPlan(join(dir, "junk.json"), "aws")).toThrow(/: not JSON \(/);
  });
});

describe("compare with a cloud that would refuse a value", () => {
  it("reports that cloud with its violations and the others in full", async () => {
    const plans = [await planOf("aws", BAD_DB), await planOf("gcp", BAD_DB)];
    const md = compareMarkdown(comparePlans(plans, "bad.yaml"), plans);
    expect(md).toContain('**cannot host**: the cloud would refuse db: db-instance (aws:rds/instance:Instance) username = "rdsadmin": is reserved by RDS');
    expect(md).toMatch(/\| Can host the stack as written \| \*\*cannot host\*\*[^|]*\| yes \|/);
  });
});

describe("placeholders", () => {
  it("are the outputs whose values the mocks made up, and every report marks them", async () => {
    const plan = await planOf("aws", "name: shop\ncomponents:\n  web: { kind: web-service, image: ghcr.io/x/app:1, public: true, domain: app.example.com }\n");
    if (plan.error) throw new Error(plan.error.message);
    const web = plan.components[0];
    expect(web?.placeholders).toEqual(expect.arrayContaining(["dnsRecords[0].name", "dnsRecords[0].value", "dnsRecords[1].value"]));
    expect(web?.placeholders).not.toContain("dnsRecords[1].name");
    for (const text of [planText(plan as HostedPlan), compareMarkdown(comparePlans([plan], "shop.yaml"), [plan])]) {
      expect(text).toMatch(/app\.example\.com +\| +CNAME +\| +shop-dev-web-ext-\d+\.eu-west-2\.elb\.amazonaws\.com \(placeholder: known once deployed\)|app\.example\.com {2,}CNAME {2}shop-dev-web-ext-\d+\.eu-west-2\.elb\.amazonaws\.com \(placeholder: known once deployed\)/);
      // The domain itself is the user's: never a placeholder.
      expect(text).not.toMatch(/[\s|]app\.example\.com \(placeholder/);
    }
  });
});
