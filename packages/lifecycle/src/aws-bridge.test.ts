/**
 * AWS shares the Terraform bridge's replacement order with Google Cloud: a resource whose name the program sets is
 * deleted before its replacement is created, unless the program says `deleteBeforeReplace: false`. These are the
 * AWS resources that an update replaces while another resource still uses them in a field that is only updated.
 */
import { parseStack } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { planStack } from "./plan";
import { CONFORMANCE_STACKS } from "./stacks";

describe("the replacement order the AWS backend asks the engine for", () => {
  it("creates first the parameter group (a major version upgrade), the DB subnet group (a region change) and every security group (a new VPC, a new ingress)", async () => {
    const spec = parseStack(CONFORMANCE_STACKS["throwaway stack without deletion protection"] as string);
    const planned = await planStack(spec, "aws", "dev");
    if (!planned.ok) throw new Error(planned.error);
    const order = (type: string) => [...new Set(planned.plan.resources.filter((r) => r.type === type).map((r) => r.options.deleteBeforeReplace ?? "provider decides"))];
    for (const type of ["aws:rds/parameterGroup:ParameterGroup", "aws:rds/subnetGroup:SubnetGroup", "aws:ec2/securityGroup:SecurityGroup"]) {
      expect({ type, order: order(type) }).toEqual({ type, order: [false] });
    }
    // The instance keeps its identifier through every replacement (a new identifier renames it in place): the same-name rule deletes it first.
    expect(order("aws:rds/instance:Instance")).toEqual(["provider decides"]);
  });
});
