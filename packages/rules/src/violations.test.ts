/**
 * The rule book at plan time: what one plan breaks on its own, each violation
 * naming the resource, the field, the value, the rule and its source.
 */
import { describe, expect, it } from "vitest";
import type { RuleResource } from "./objects";
import { planViolations, violationText } from "./violations";

const urn = (type: string, name: string) => `urn:pulumi:dev::shop::${type}::${name}`;
const res = (type: string, name: string, inputs: Record<string, unknown>, more: Partial<RuleResource> = {}): RuleResource => ({ urn: urn(type, name), type, name, inputs, ...more });

const LB = "aws:lb/loadBalancer:LoadBalancer";
const BUCKET = "aws:s3/bucket:Bucket";
const AWS = "pulumi:providers:aws";
const ELB = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html";

describe("planViolations", () => {
  it("refuses a value the cloud refuses, with the field, the value, the rule and its source", () => {
    const v = planViolations({ cloud: "aws", region: "eu-west-2", resources: [res(LB, "web-lb", { name: "a".repeat(33), region: "eu-west-2" })] });
    expect(v).toEqual([
      { urn: urn(LB, "web-lb"), type: LB, resource: "web-lb", kind: "input", title: "Application Load Balancer", field: "name", value: "a".repeat(33), message: `"${"a".repeat(33)}" is 33 characters; allowed 1-32`, source: ELB },
    ]);
    expect(violationText(v[0] as (typeof v)[number])).toBe(`${LB} web-lb: name: "${"a".repeat(33)}" is 33 characters; allowed 1-32 (Application Load Balancer) [${ELB}]`);
  });

  it("refuses a Cloud Run probe whose timeout is not shorter than its period", () => {
    const RUN = "gcp:cloudrunv2/service:Service";
    const probe = (timeoutSeconds: number) => ({ httpGet: { path: "/" }, periodSeconds: 5, timeoutSeconds, failureThreshold: 3 });
    const service = (timeoutSeconds: number) => res(RUN, "web", { name: "web", location: "europe-west2", template: { containers: [{ image: "nginx", livenessProbe: probe(timeoutSeconds) }] } });
    const equal = planViolations({ cloud: "gcp", region: "europe-west2", resources: [service(5)] });
    expect(equal.map((v) => v.message)).toEqual(["livenessProbe: timeoutSeconds 5 is not shorter than periodSeconds 5"]);
    expect(planViolations({ cloud: "gcp", region: "europe-west2", resources: [service(4)] })).toEqual([]);
  });

  it("refuses a name two resources of the plan claim in the same scope, and not in different scopes", () => {
    const twice = planViolations({ cloud: "aws", region: "eu-west-2", resources: [res(BUCKET, "a", { bucket: "shop-files" }), res(BUCKET, "b", { bucket: "shop-files" })] });
    expect(twice.map((v) => [v.kind, v.resource, v.field, v.message])).toEqual([["name", "b", "bucket", '"shop-files" is also the name of a, and S3 general purpose bucket names are unique across the whole cloud']]);
    const cluster = "aws:ecs/cluster:Cluster";
    const regions = planViolations({ cloud: "aws", region: "", resources: [res(cluster, "a", { name: "c", region: "eu-west-1" }), res(cluster, "b", { name: "c", region: "eu-west-2" })] });
    expect(regions).toEqual([]);
  });

  it("refuses a provider configured for another region than the stack, and a resource's own region argument in another region", () => {
    const resources = [res(AWS, "ireland", { region: "eu-west-1" }), res(LB, "web-lb", { name: "web" }, { provider: `${urn(AWS, "ireland")}::id` }), res(BUCKET, "files", { bucket: "shop-files", region: "us-east-1" })];
    const v = planViolations({ cloud: "aws", region: "eu-west-2", resources });
    expect(v.map((x) => `${x.resource} ${x.field}=${String(x.value)}`)).toEqual(["ireland region=eu-west-1", "web-lb region=eu-west-1", "files region=us-east-1"]);
    // With no stack region (a plain program), there is nothing to agree with.
    expect(planViolations({ cloud: "aws", region: "", resources })).toEqual([]);
  });

  it("refuses what the cloud checks on create against the rest of the plan, with the source split from the cloud's message", () => {
    const task = res("aws:ecs/taskDefinition:TaskDefinition", "web-task", {
      family: "web",
      requiresCompatibilities: ["FARGATE"],
      cpu: "256",
      memory: "512",
      containerDefinitions: JSON.stringify([{ name: "app", essential: true, portMappings: [{ containerPort: 8080 }] }]),
    });
    const service = res("aws:ecs/service:Service", "web-service", { name: "web", taskDefinition: "arn", loadBalancers: [{ containerName: "app", containerPort: 80 }] }, { propertyDependencies: { taskDefinition: [task.urn] } });
    const v = planViolations({ cloud: "aws", region: "", resources: [task, service] });
    expect(v).toEqual([
      expect.objectContaining({ kind: "create", resource: "web-service", field: "", message: "InvalidParameterException: The container app does not have a container port 80 defined", source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html" }),
    ]);
    expect(planViolations({ cloud: "aws", region: "", resources: [task, service] }, undefined, { onCreate: false })).toEqual([]);
  });

  it("leaves out the rules that read a value not known yet, and what the cloud checks on create against a resource not known yet", () => {
    const task = res("aws:ecs/taskDefinition:TaskDefinition", "web-task", { family: "web", cpu: "256", memory: "512" }, { unknown: ["containerDefinitions"] });
    const service = res("aws:ecs/service:Service", "web-service", { name: "web", loadBalancers: [{ containerName: "app", containerPort: 80 }] }, { propertyDependencies: { taskDefinition: [task.urn] } });
    const lb = res(LB, "web-lb", { name: "a".repeat(33) }, { unknown: ["subnets"] });
    expect(planViolations({ cloud: "aws", region: "", resources: [task, service, lb] }).map((x) => `${x.resource} ${x.field}`)).toEqual(["web-lb name"]);
  });

  it("takes a plan as a first up into a prepared account: no step is early, and a Google Cloud project has its APIs on", () => {
    // A policy put on a role moments before a service runs as it fails only over time (the simulated cloud checks it).
    const role = res("aws:iam/role:Role", "task-role", { name: "task", assumeRolePolicy: "{}" });
    const policy = res("aws:iam/rolePolicy:RolePolicy", "task-policy", { name: "p", role: "task", policy: "{}" }, { propertyDependencies: { role: [role.urn] } });
    const task = res("aws:ecs/taskDefinition:TaskDefinition", "t", { family: "t", containerDefinitions: "[]", taskRoleArn: "arn" }, { propertyDependencies: { taskRoleArn: [role.urn] } });
    const service = res("aws:ecs/service:Service", "s", { name: "s", taskDefinition: "arn" }, { propertyDependencies: { taskDefinition: [task.urn] } });
    expect(planViolations({ cloud: "aws", region: "", resources: [role, policy, task, service] }).filter((v) => v.kind === "create")).toEqual([]);
    const run = res("gcp:cloudrunv2/service:Service", "web", { name: "web", location: "europe-west2", template: { containers: [{ image: "nginx" }] } });
    expect(planViolations({ cloud: "gcp", region: "europe-west2", resources: [run] })).toEqual([]);
  });
});
