/**
 * The rule book in a component's own run: a Pulumi program run by Pulumi
 * (here under Pulumi's own mocks, as `pulumi preview` would run it) stops at
 * the component whose resources break a rule of their cloud, naming every
 * value, the rule and its source; under Freehold's planner the component
 * leaves it to the planner, which checks the whole plan at once.
 */
import { Database, runWithMocks, RuleViolationError } from "@freehold/core";
import { setFreeholdMocks } from "@freehold/core/testing";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";

/** Run a program as Pulumi runs one (not Freehold's planner); its error, if any. */
async function pulumiRun(program: () => void): Promise<unknown> {
  await setFreeholdMocks("aws", { project: "shop", stack: "dev" });
  let error: unknown;
  await pulumi.runtime.runInPulumiStack(async () => {
    try {
      program();
    } catch (e) {
      error = e;
    }
    return {};
  });
  // Registrations still in flight reach these mocks, not the next test's.
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return error;
}

describe("a component checks its cloud resources against the rule book when Pulumi runs the program", () => {
  it("refuses a vendor setting the cloud refuses, naming the resource, the value, the rule and its source, before the program goes on", async () => {
    const error = await pulumiRun(() => {
      new Database("db", { vendor: { aws: { instance: { backupRetentionPeriod: 40, username: "rdsadmin" } } } });
    });
    expect(error).toBeInstanceOf(RuleViolationError);
    expect((error as Error).message).toBe(
      [
        'component "db": aws would refuse 2 values:',
        "  - aws:rds/instance:Instance db-instance: username = \"rdsadmin\": is reserved by RDS (RDS DB instance) [https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html]",
        "  - aws:rds/instance:Instance db-instance: backupRetentionPeriod: 40 days is outside 0-35 (RDS DB instance) [https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html]",
      ].join("\n"),
    );
    // A RunError: Pulumi prints the message alone, without a stack trace, and the preview fails.
    expect(pulumi.RunError.isInstance(error)).toBe(true);
  });

  it("lets a valid component through", async () => {
    expect(await pulumiRun(() => new Database("db", { highAvailability: true }))).toBeUndefined();
  });

  it("leaves the whole plan to Freehold's planner, which refuses the same values", async () => {
    const run = await runWithMocks("aws", () => new Database("db", { vendor: { aws: { instance: { backupRetentionPeriod: 40 } } } }), { project: "shop" });
    expect(run.resources.find((r) => r.type === "aws:rds/instance:Instance")?.inputs.backupRetentionPeriod).toBe(40);
  });
});
