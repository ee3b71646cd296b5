/**
 * WebService -> Amazon ECS on AWS Fargate behind an Application Load Balancer:
 * the task (task.ts), how requests reach it (ingress.ts), the service and its
 * autoscaling (here). Tasks always run in the private subnets without public
 * IPs.
 */
import { CREATE_FIRST, type LinkTarget, type WebServiceRequest, type WebServiceResult } from "@freehold/core";
import { SpecError, UnsupportedFeatureError } from "@freehold/model";
import * as ec2 from "@pulumi/aws/ec2";
import * as ecs from "@pulumi/aws/ecs";
import * as vpc from "@pulumi/aws/vpc";
import type * as pulumi from "@pulumi/pulumi";
import { isDatabaseHandle } from "./database";
import { createIngress, ingressOf } from "./ingress";
import { componentTags, LOG_RETENTION_DAYS, names } from "./naming";
import { type AwsPlatform, asPlatform, type WebPlatform } from "./network";
import { isBucketHandle } from "./object-store";
import { definedOnly, type WebServiceResources } from "./resources";
import { cpuScaling } from "./scaling";
import { chooseFargate } from "./sizes";
import { CONTAINER_NAME, createTask, grantsWait, type Linked, type TaskRequest } from "./task";
import { VendorArgs } from "./vendor";

export { HSTS, ingressOf, TLS_POLICY } from "./ingress";
export { CONTAINER_NAME, containerDefinitions } from "./task";

export const WEB_SERVICE_ROLES = [
  "logGroup",
  "executionRole",
  "taskRole",
  "taskDefinition",
  "securityGroup",
  "loadBalancerSecurityGroup",
  "loadBalancer",
  "targetGroup",
  "certificate",
  "httpsListener",
  "httpListener",
  "vpcOrigin",
  "distribution",
  "service",
  "scalingTarget",
  "scalingPolicy",
] as const;

export { CPU_TARGET_PERCENT } from "./scaling";
export { IAM_PROPAGATION } from "./task";
/** CloudFront VPC origins: the prerequisites (an internet gateway on the VPC). */
export const VPC_ORIGINS_DOC = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html";

export function linkHandles(component: string, links: readonly LinkTarget[]): Linked {
  const problems = links.filter((l) => (l.kind === "database" ? !isDatabaseHandle(l.handle) : !isBucketHandle(l.handle)));
  if (problems.length) {
    throw new SpecError(
      problems.map((l) => ({ path: `links.${l.name}`, message: "was not created by the AWS backend; link only to components of the same stack and cloud" })),
      `component "${component}"`,
    );
  }
  return {
    databases: links.flatMap((l) => (isDatabaseHandle(l.handle) ? [{ link: l, handle: l.handle }] : [])),
    buckets: links.flatMap((l) => (isBucketHandle(l.handle) ? [{ link: l, handle: l.handle }] : [])),
  };
}

/** What AWS cannot do for this spec, refused before anything is created. */
function refuse(req: WebServiceRequest, net: () => WebPlatform): void {
  const { name, spec } = req;
  if (spec.scaling.min === 0) {
    throw new UnsupportedFeatureError(
      name,
      "web-service.scale-to-zero",
      "aws",
      "scaling.min is 0, but ECS services do not start a task when a request arrives, so with no task running the load balancer answers 503",
      "Set scaling.min to 1 or more",
    );
  }
  if (spec.domain && !spec.public) {
    throw new SpecError([{ path: "domain", message: "is only served by a public service; set public: true or remove domain" }], `component "${name}"`);
  }
  if (ingressOf(spec) === "alb-https" && !net().publicSubnetIds) {
    throw new SpecError(
      [{ path: "network.aws.publicSubnetIds", message: `is not set, but ${name} is public with a domain: its load balancer needs public subnets in the existing VPC` }],
      "stack",
    );
  }
  if (ingressOf(spec) === "cloudfront" && !net().publicSubnetIds) {
    throw new SpecError(
      [
        {
          path: "network.aws.publicSubnetIds",
          message: `is not set, but ${name} is public without a domain: CloudFront reaches it through a VPC origin, which AWS creates only in a VPC with an internet gateway attached (${VPC_ORIGINS_DOC}). Attach one to the VPC and list the public subnets routed to it, or give ${name} a domain`,
        },
      ],
      "stack",
    );
  }
}

export function createWebService(req: WebServiceRequest): WebServiceResult {
  const { name, spec, stack } = req;
  const physical = req.qualifiedName;
  const vendor = new VendorArgs(spec.vendor, name, WEB_SERVICE_ROLES);
  refuse(req, () => asPlatform(req.platform).web());
  const platform = asPlatform(req.platform);
  const size = chooseFargate(req.size, name);
  const net = platform.web();
  const tags = componentTags(stack, name);
  const linked = linkHandles(name, req.links);

  const task = createTask(req, platform, vendor, linked, size, tags);
  const front = createIngress(req, platform, net, vendor, tags);
  const serviceSg = taskSecurityGroup(req, platform, net, vendor, tags);
  const path = loadBalancerToTasks(req, platform, front.loadBalancerSecurityGroup, serviceSg, tags);
  const dbIngress = databaseIngress(req, platform, linked, serviceSg, tags);
  const { service, scaling } = createService(req, platform, net, vendor, task, front, serviceSg, [path.taskIngress, path.loadBalancerEgress], tags);

  return {
    url: front.url,
    ...(front.dnsRecords ? { dnsRecords: front.dnsRecords } : {}),
    resources: definedOnly({ ...task.resources, ...front.resources, securityGroup: serviceSg, ...path, ...dbIngress, service, ...scaling } satisfies WebServiceResources),
    description: {
      service: "Amazon ECS on AWS Fargate",
      size,
      details: {
        ...front.details,
        cluster: names.cluster(stack.prefix),
        subnets: net.existing ? "private subnets of the existing VPC" : "private, two availability zones",
        architecture: "X86_64",
        logRetentionDays: LOG_RETENTION_DAYS,
        readOnlyRootFilesystem: !spec.writableRootFilesystem,
        startupGraceSeconds: spec.healthCheck.startupGraceSeconds,
        background: "Fargate tasks keep their CPU between requests; at least one task always runs",
        ...(req.registry ? { registry: `${req.registry.server}, credentials in Secrets Manager (repositoryCredentials)` } : {}),
        ...(linked.databases.length ? { databaseRoles: "tasks start only after each linked database's role job has run; each task reads only its own role's password" } : {}),
        ...(linked.databases.some((d) => d.handle.serverCa) ? { databaseTls: "verify-full: the databases' certificate authorities are written to DATABASE_SSLROOTCERT before the application starts" } : {}),
        ...(spec.user ? { user: spec.user } : {}),
        ...(physical !== name ? { qualifiedName: physical } : {}),
      },
    },
  };
}

/** The tasks' security group: outbound only; what may reach the tasks are rules of their own (the load balancer, below). */
function taskSecurityGroup(req: WebServiceRequest, platform: AwsPlatform, net: WebPlatform, vendor: VendorArgs, tags: Record<string, string>): ec2.SecurityGroup {
  const { name, stack } = req;
  return new ec2.SecurityGroup(
    `${name}-sg`,
    vendor.apply("securityGroup", {
      name: names.securityGroup(stack.prefix, req.qualifiedName, "tasks"),
      description: "Freehold service tasks: container port from the load balancer only",
      vpcId: net.vpcId,
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "image pulls, AWS APIs, linked databases" }],
      region: platform.region,
      tags,
    }),
    // Its name and description are fixed and names are unique per VPC: replaced only with a new VPC (a region change, a network the
    // stack brings), so the new group is created first and the old one goes after what used it.
    { parent: req.parent, ...CREATE_FIRST },
  );
}

/**
 * The load balancer reaches the tasks on the container port: an egress rule on
 * its group and an ingress rule on the tasks' group, each naming the other group
 * (not an address range, so tasks in any of the VPC's blocks are reached). Both
 * are named by the port: a new port adds new rules before the service moves to
 * it, and the old ones go only after the service has replaced every task.
 */
function loadBalancerToTasks(req: WebServiceRequest, platform: AwsPlatform, lbSg: ec2.SecurityGroup, tasksSg: ec2.SecurityGroup, tags: Record<string, string>) {
  const { name, spec } = req;
  const port = { ipProtocol: "tcp", fromPort: spec.port, toPort: spec.port, region: platform.region, tags };
  const opts = { parent: req.parent };
  return {
    taskIngress: new vpc.SecurityGroupIngressRule(`${name}-from-lb-${spec.port}`, { securityGroupId: tasksSg.id, referencedSecurityGroupId: lbSg.id, description: "from the load balancer", ...port }, opts),
    loadBalancerEgress: new vpc.SecurityGroupEgressRule(`${name}-lb-to-tasks-${spec.port}`, { securityGroupId: lbSg.id, referencedSecurityGroupId: tasksSg.id, description: "to the tasks", ...port }, opts),
  };
}

/** Linked databases: 5432 on the database's security group, open to this service's tasks only. */
export function databaseIngress(req: TaskRequest, platform: AwsPlatform, linked: Linked, serviceSg: ec2.SecurityGroup, tags: Record<string, string>): Record<string, pulumi.Resource> {
  const out: Record<string, pulumi.Resource> = {};
  for (const { link, handle } of linked.databases) {
    out[`${link.name}Ingress`] = new vpc.SecurityGroupIngressRule(
      `${req.name}-${link.name}-ingress`,
      {
        securityGroupId: handle.securityGroupId,
        referencedSecurityGroupId: serviceSg.id,
        ipProtocol: "tcp",
        fromPort: handle.port,
        toPort: handle.port,
        description: `Freehold: ${req.name} to ${link.name}`,
        region: platform.region,
        tags,
      },
      { parent: req.parent },
    );
  }
  return out;
}

/** The ECS service (after its listeners and, past IAM's propagation, its grants) and its CPU target tracking. */
function createService(
  req: WebServiceRequest,
  platform: AwsPlatform,
  net: WebPlatform,
  vendor: VendorArgs,
  task: ReturnType<typeof createTask>,
  front: ReturnType<typeof createIngress>,
  serviceSg: ec2.SecurityGroup,
  reachable: pulumi.Resource[],
  tags: Record<string, string>,
) {
  const { name, spec, stack } = req;
  const opts = { parent: req.parent };
  const region = platform.region;
  const grants = grantsWait(name, task, opts);
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
      networkConfiguration: { subnets: net.privateSubnetIds, securityGroups: [serviceSg.id], assignPublicIp: false },
      loadBalancers: [{ targetGroupArn: front.targetGroup.arn, containerName: CONTAINER_NAME, containerPort: spec.port }],
      // The time a new task may take to answer its health path before the load balancer's checks count.
      healthCheckGracePeriodSeconds: spec.healthCheck.startupGraceSeconds,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      // `up` returns only when every task of the new deployment runs: what the update replaced (the old port's rules,
      // an old target group or load balancer) is deleted after the old tasks have drained, never under them.
      waitForSteadyState: true,
      enableExecuteCommand: false,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      region,
      tags,
    }),
    // Autoscaling owns the running count once it exists.
    // After the listeners (the target group must be attached) and the grants (so a destroy cannot strand the service draining).
    { ...opts, dependsOn: [...front.listeners, ...reachable, ...task.policies, grants], ...(autoscale ? { ignoreChanges: ["desiredCount"] } : {}) },
  );
  const scaling: Pick<WebServiceResources, "iamPropagation" | "scalingTarget" | "scalingPolicy"> = { iamPropagation: grants };
  if (!autoscale) return { service, scaling };
  return { service, scaling: { ...scaling, ...cpuScaling(name, vendor, { cluster: net.cluster, service, min: spec.scaling.min, max: spec.scaling.max, region, tags }, opts) } };
}
