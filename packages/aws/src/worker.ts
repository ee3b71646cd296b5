/**
 * Worker -> an Amazon ECS service on AWS Fargate with no load balancer at all:
 * its tasks run in the private subnets with no public address and a security
 * group that admits nothing (egress only: image pulls, AWS APIs, linked
 * databases), and Application Auto Scaling tracks their average CPU between
 * the spec's bounds. The task (roles, grants, registry, database role setup)
 * is a web service's (task.ts), so a link means the same on both.
 */
import { CREATE_FIRST, type WorkerRequest, type WorkerResult } from "@freehold/core";
import * as ec2 from "@pulumi/aws/ec2";
import * as ecs from "@pulumi/aws/ecs";
import { componentTags, LOG_RETENTION_DAYS, names } from "./naming";
import { type AwsPlatform, asPlatform, type WebPlatform } from "./network";
import { definedOnly, type WorkerResources } from "./resources";
import { cpuScaling } from "./scaling";
import { chooseFargate } from "./sizes";
import { createTask, grantsWait, type TaskRequest } from "./task";
import { VendorArgs } from "./vendor";
import { databaseIngress, linkHandles } from "./web-service";

export const WORKER_SERVICE = "Amazon ECS on AWS Fargate (no load balancer)";
export const WORKER_ROLES = ["logGroup", "executionRole", "taskRole", "taskDefinition", "securityGroup", "service", "scalingTarget", "scalingPolicy"] as const;

/** A security group for tasks that take no connections: no ingress rule at all. */
export function egressOnlyGroup(req: TaskRequest, platform: AwsPlatform, net: WebPlatform, vendor: VendorArgs, tags: Record<string, string>, what: string): ec2.SecurityGroup {
  return new ec2.SecurityGroup(
    `${req.name}-sg`,
    vendor.apply("securityGroup", {
      name: names.securityGroup(req.stack.prefix, req.qualifiedName, "tasks"),
      description: `Freehold ${what} tasks: no inbound connections`,
      vpcId: net.vpcId,
      ingress: [],
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "image pulls, AWS APIs, linked databases" }],
      region: platform.region,
      tags,
    }),
    // Its name and description are fixed and names are unique per VPC: replaced only with a new VPC (a region change, a network the
    // stack brings), so the new group is created first and the old one goes after what used it.
    { parent: req.parent, ...CREATE_FIRST },
  );
}

export function createWorker(req: WorkerRequest): WorkerResult {
  const { name, spec, stack } = req;
  const vendor = new VendorArgs(spec.vendor, name, WORKER_ROLES);
  const platform = asPlatform(req.platform);
  const size = chooseFargate(req.size, name);
  const net = platform.web();
  const tags = componentTags(stack, name);
  const linked = linkHandles(name, req.links);
  const opts = { parent: req.parent };

  const task = createTask(req, platform, vendor, linked, size, tags);
  const sg = egressOnlyGroup(req, platform, net, vendor, tags, "worker");
  const dbIngress = databaseIngress(req, platform, linked, sg, tags);
  const wait = grantsWait(name, task, opts);
  const autoscale = spec.scaling.max > spec.scaling.min;
  const service = new ecs.Service(
    `${name}-service`,
    vendor.apply("service", {
      name: names.service(stack.prefix, req.qualifiedName),
      cluster: net.cluster.arn,
      taskDefinition: task.taskDefinition.arn,
      desiredCount: spec.scaling.min,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      networkConfiguration: { subnets: net.privateSubnetIds, securityGroups: [sg.id], assignPublicIp: false },
      // No load balancer: a task is healthy while its essential container runs; a failed deployment rolls back.
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      // `up` returns only when the new deployment's tasks run (ECS's steady state): a worker that exits at start fails
      // the up, after the circuit breaker has rolled it back, instead of reporting success while it crash-loops.
      waitForSteadyState: true,
      enableExecuteCommand: false,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      region: platform.region,
      tags,
    }),
    // Autoscaling owns the running count once it exists; the service waits for its grants (and a destroy removes it first).
    { ...opts, dependsOn: [...task.policies, wait], ...(autoscale ? { ignoreChanges: ["desiredCount"] } : {}) },
  );
  const scaling = autoscale ? cpuScaling(name, vendor, { cluster: net.cluster, service, min: spec.scaling.min, max: spec.scaling.max, region: platform.region, tags }, opts) : {};

  return {
    resources: definedOnly({ ...task.resources, securityGroup: sg, ...dbIngress, iamPropagation: wait, service, ...scaling } satisfies WorkerResources),
    description: {
      service: WORKER_SERVICE,
      size,
      details: {
        ingress: "none: no load balancer, no public address, a security group with no inbound rule",
        cluster: names.cluster(stack.prefix),
        subnets: net.existing ? "private subnets of the existing VPC" : "private, two availability zones",
        minTasks: spec.scaling.min,
        maxTasks: spec.scaling.max,
        scaling: autoscale ? "target tracking on average CPU (60%)" : "fixed task count",
        architecture: "X86_64",
        logRetentionDays: LOG_RETENTION_DAYS,
        readOnlyRootFilesystem: !spec.writableRootFilesystem,
        ...(req.registry ? { registry: `${req.registry.server}, credentials in Secrets Manager (repositoryCredentials)` } : {}),
        ...(linked.databases.length ? { databaseRoles: "each task first sets up its database role (setup container), then starts the application" } : {}),
        ...(spec.user ? { user: spec.user } : {}),
        ...(req.qualifiedName !== name ? { qualifiedName: req.qualifiedName } : {}),
      },
    },
  };
}
