/**
 * WebService -> Amazon ECS on AWS Fargate behind an Application Load Balancer.
 *
 * Ingress by spec:
 * - public with `domain`: internet-facing ALB in the public subnets, ACM
 *   certificate (DNS validation), HTTPS listener with
 *   ELBSecurityPolicy-TLS13-1-2-2021-06, HTTP listener that only redirects (301).
 * - public without `domain`: internal ALB in the private subnets behind a
 *   CloudFront distribution with a VPC origin; viewers get
 *   https://<id>.cloudfront.net and HTTP is redirected to HTTPS.
 * - private: internal ALB reachable only from the VPC CIDR.
 *
 * Tasks always run in the private subnets without public IPs.
 */
import type { LinkTarget, WebServiceRequest, WebServiceResult } from "@freehold/core";
import { degrade } from "@freehold/core";
import { SpecError, UnsupportedFeatureError } from "@freehold/model";
import * as acm from "@pulumi/aws/acm";
import * as appautoscaling from "@pulumi/aws/appautoscaling";
import * as cloudfront from "@pulumi/aws/cloudfront";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as ecs from "@pulumi/aws/ecs";
import * as iam from "@pulumi/aws/iam";
import * as lb from "@pulumi/aws/lb";
import * as vpc from "@pulumi/aws/vpc";
import * as pulumi from "@pulumi/pulumi";
import { isDatabaseHandle } from "./database";
import { componentTags, names } from "./naming";
import { asPlatform } from "./network";
import { isBucketHandle } from "./object-store";
import { ECS_TASKS_TRUST, executionRolePolicy, secretReadPolicy, taskRolePolicy } from "./permissions";
import { chooseFargate, fargateUnits } from "./sizes";
import { VendorArgs } from "./vendor";

const bucketPolicyFor = (arn: string, access: LinkTarget["access"]) => taskRolePolicy([{ arn, access }]);

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

export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
export const LOG_RETENTION_DAYS = 30;
export const CPU_TARGET_PERCENT = 60;
export const CONTAINER_NAME = "app";
/** AWS-managed CloudFront policies: no caching (a dynamic app), forward every viewer header, cookie and query string. */
export const CLOUDFRONT_CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
export const CLOUDFRONT_ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3";
export const HSTS = "max-age=31536000";

type Ingress = "alb-https" | "cloudfront" | "private";

export function ingressOf(spec: WebServiceRequest["spec"]): Ingress {
  if (!spec.public) return "private";
  return spec.domain ? "alb-https" : "cloudfront";
}

/** The container definitions JSON for the task definition. */
export function containerDefinitions(args: {
  image: string;
  port: number;
  environment: Record<string, string>;
  secrets: Array<{ name: string; valueFrom: string }>;
  user?: string;
  readOnly: boolean;
  logGroup: string;
  region: string;
}): string {
  const env = Object.keys(args.environment)
    .sort()
    .map((name) => ({ name, value: args.environment[name] }));
  return JSON.stringify([
    {
      name: CONTAINER_NAME,
      image: args.image,
      essential: true,
      privileged: false,
      readonlyRootFilesystem: args.readOnly,
      ...(args.user ? { user: args.user } : {}),
      portMappings: [{ containerPort: args.port, protocol: "tcp" }],
      environment: env,
      secrets: [...args.secrets].sort((a, b) => a.name.localeCompare(b.name)),
      // A read-only root still needs a scratch directory: a task-scoped volume on /tmp.
      mountPoints: args.readOnly ? [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }] : [],
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": args.logGroup, "awslogs-region": args.region, "awslogs-stream-prefix": CONTAINER_NAME } },
    },
  ]);
}

function linkHandles(component: string, links: readonly LinkTarget[]) {
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

export function createWebService(req: WebServiceRequest): WebServiceResult {
  const { name, spec, stack } = req;
  const physical = req.qualifiedName;
  const vendor = new VendorArgs(spec.vendor, name, WEB_SERVICE_ROLES);
  if (spec.scaling.min === 0) {
    throw new UnsupportedFeatureError(
      name,
      "web-service.scale-to-zero",
      "aws",
      "scaling.min is 0, but ECS services do not start a task when a request arrives, so with no task running the load balancer answers 503",
      "Set scaling.min to 1 or more",
    );
  }
  if (spec.registry) {
    degrade(req, "aws", "web-service.private-registry", "the backend does not yet pass registry credentials to ECS (repositoryCredentials)", "Push the image to ECR or a public registry");
  }
  if (spec.domain && !spec.public) {
    throw new SpecError([{ path: "domain", message: "is only served by a public service; set public: true or remove domain" }], `component "${name}"`);
  }
  const size = chooseFargate(req.size, name);
  const platform = asPlatform(req.platform);
  const net = platform.web();
  const region = stack.region.region;
  const ingress = ingressOf(spec);
  const tags = componentTags(stack, name);
  const opts = { parent: req.parent };
  const { databases, buckets } = linkHandles(name, req.links);
  const resources: Record<string, pulumi.Resource> = {};

  // Logs
  const logGroup = new cloudwatch.LogGroup(
    `${name}-logs`,
    vendor.apply("logGroup", { name: names.logGroup(stack.prefix, physical), retentionInDays: LOG_RETENTION_DAYS, tags }),
    opts,
  );

  // Roles: the execution role (ECS agent: logs, secrets, image pull) and a separate task role (the app: linked buckets).
  const secretRefs = req.linkEnv.secrets.map((s) => {
    if (!isDatabaseHandle(s.target.handle)) throw new SpecError([{ path: `links.${s.target.name}`, message: "has no AWS database secret" }], `component "${name}"`);
    return { name: s.name, secretArn: s.target.handle.secretArn };
  });
  const secretArns = pulumi.all(secretRefs.map((s) => s.secretArn));
  const executionRole = new iam.Role(
    `${name}-execution-role`,
    vendor.apply("executionRole", {
      name: names.role(stack.prefix, physical, "exec"),
      description: `Freehold ${stack.prefix}/${physical}: ECS agent (logs, linked secrets, image pull)`,
      assumeRolePolicy: ECS_TASKS_TRUST,
      tags,
    }),
    opts,
  );
  const taskRole = new iam.Role(
    `${name}-task-role`,
    vendor.apply("taskRole", {
      name: names.role(stack.prefix, physical, "task"),
      description: `Freehold ${stack.prefix}/${physical}: the application (linked buckets only)`,
      assumeRolePolicy: ECS_TASKS_TRUST,
      tags,
    }),
    opts,
  );
  // One inline policy for the agent's own needs, then one per link, so each grant comes and goes with its link.
  const grant = (role: string, childName: string, target: iam.Role, policyName: string, policy: pulumi.Input<string>) => {
    const p = new iam.RolePolicy(childName, { role: target.name, name: policyName, policy }, opts);
    resources[role] = p;
    return p;
  };
  const policies: iam.RolePolicy[] = [
    grant(
      "executionPolicy",
      `${name}-execution-policy`,
      executionRole,
      "freehold-execution",
      pulumi.all([logGroup.arn, req.image]).apply(([logGroupArn, image]) => JSON.stringify(executionRolePolicy({ logGroupArn, image }))),
    ),
    ...databases.map(({ link, handle }) =>
      grant(`${link.name}Secret`, `${name}-${link.name}-secret`, executionRole, `freehold-link-${link.name}`, handle.secretArn.apply((arn) => JSON.stringify(secretReadPolicy(arn)))),
    ),
    ...buckets.map(({ link, handle }) =>
      grant(`${link.name}Access`, `${name}-${link.name}-access`, taskRole, `freehold-link-${link.name}`, handle.bucketArn.apply((arn) => JSON.stringify(bucketPolicyFor(arn, link.access)))),
    ),
  ];

  // Task definition
  const units = fargateUnits(size);
  const readOnly = !spec.writableRootFilesystem;
  const environment = pulumi.all({ ...req.env, ...req.linkEnv.plain });
  const taskDefinition = new ecs.TaskDefinition(
    `${name}-task`,
    vendor.apply("taskDefinition", {
      family: names.taskFamily(stack.prefix, physical),
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: units.cpu,
      memory: units.memory,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      volumes: readOnly ? [{ name: "tmp" }] : [],
      containerDefinitions: pulumi.all([req.image, environment, secretArns]).apply(([image, env, arns]) =>
        containerDefinitions({
          image,
          port: spec.port,
          environment: env,
          secrets: secretRefs.map((s, i) => ({ name: s.name, valueFrom: `${arns[i]}:password::` })),
          user: spec.user,
          readOnly,
          logGroup: names.logGroup(stack.prefix, physical),
          region,
        }),
      ),
      tags,
    }),
    { ...opts, dependsOn: [logGroup] },
  );

  // Security groups: the load balancer's, and the tasks' (open only to the load balancer on the container port).
  const lbScheme = ingress === "alb-https" ? "ext" : "int";
  const lbSg = new ec2.SecurityGroup(
    `${name}-lb-sg`,
    vendor.apply("loadBalancerSecurityGroup", {
      name: names.securityGroup(stack.prefix, physical, `lb-${lbScheme}`),
      description: ingress === "alb-https" ? "Freehold load balancer: HTTPS and HTTP (redirect) from the internet" : "Freehold load balancer: HTTP from inside the VPC only",
      vpcId: net.vpcId,
      ingress:
        ingress === "alb-https"
          ? [
              { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS" },
              { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"], description: "HTTP, redirected to HTTPS" },
            ]
          : [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: [net.cidr], description: ingress === "cloudfront" ? "CloudFront VPC origin and the VPC" : "the VPC" }],
      egress: [{ protocol: "tcp", fromPort: spec.port, toPort: spec.port, cidrBlocks: [net.cidr], description: "to tasks" }],
      tags,
    }),
    opts,
  );
  const serviceSg = new ec2.SecurityGroup(
    `${name}-sg`,
    vendor.apply("securityGroup", {
      name: names.securityGroup(stack.prefix, physical, "tasks"),
      description: "Freehold service tasks: container port from the load balancer only",
      vpcId: net.vpcId,
      ingress: [{ protocol: "tcp", fromPort: spec.port, toPort: spec.port, securityGroups: [lbSg.id], description: "from the load balancer" }],
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "image pulls, AWS APIs, linked databases" }],
      tags,
    }),
    opts,
  );
  // Linked databases: open 5432 on the database's security group to this service only.
  for (const { link, handle } of databases) {
    resources[`${link.name}Ingress`] = new vpc.SecurityGroupIngressRule(
      `${name}-${link.name}-ingress`,
      {
        securityGroupId: handle.securityGroupId,
        referencedSecurityGroupId: serviceSg.id,
        ipProtocol: "tcp",
        fromPort: handle.port,
        toPort: handle.port,
        description: `Freehold: ${name} -> ${link.name}`,
        tags,
      },
      opts,
    );
  }

  // Load balancer
  const alb = new lb.LoadBalancer(
    `${name}-lb`,
    vendor.apply("loadBalancer", {
      name: names.loadBalancer(stack.prefix, physical, lbScheme),
      loadBalancerType: "application",
      internal: ingress !== "alb-https",
      subnets: ingress === "alb-https" ? net.publicSubnetIds : net.privateSubnetIds,
      securityGroups: [lbSg.id],
      dropInvalidHeaderFields: true,
      tags,
    }),
    opts,
  );
  const hc = spec.healthCheck;
  const targetGroup = new lb.TargetGroup(
    `${name}-tg`,
    vendor.apply("targetGroup", {
      name: names.targetGroup(stack.prefix, physical, spec.port),
      port: spec.port,
      protocol: "HTTP",
      targetType: "ip",
      vpcId: net.vpcId,
      deregistrationDelay: 30,
      healthCheck: { enabled: true, path: hc.path, protocol: "HTTP", matcher: "200-399", interval: hc.intervalSeconds, timeout: Math.min(5, hc.intervalSeconds - 1), healthyThreshold: 2, unhealthyThreshold: 3 },
      tags,
    }),
    opts,
  );
  const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
  const listeners: pulumi.Resource[] = [];
  let url: pulumi.Output<string>;
  const details: Record<string, string | number | boolean> = {};

  if (ingress === "alb-https") {
    const domain = spec.domain as string;
    const certificate = new acm.Certificate(`${name}-certificate`, vendor.apply("certificate", { domainName: domain, validationMethod: "DNS", keyAlgorithm: "RSA_2048", tags }), opts);
    // Waits until the operator has created the DNS validation record and ACM has issued the certificate.
    const validation = new acm.CertificateValidation(`${name}-certificate-validation`, { certificateArn: certificate.arn }, opts);
    const https = new lb.Listener(
      `${name}-https`,
      vendor.apply("httpsListener", {
        loadBalancerArn: alb.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: TLS_POLICY,
        certificateArn: validation.certificateArn,
        routingHttpResponseStrictTransportSecurityHeaderValue: HSTS,
        defaultActions: forward,
        tags,
      }),
      opts,
    );
    const http = new lb.Listener(
      `${name}-http`,
      vendor.apply("httpListener", {
        loadBalancerArn: alb.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        tags,
      }),
      opts,
    );
    listeners.push(https, http);
    Object.assign(resources, { certificate, certificateValidation: validation, httpsListener: https, httpListener: http });
    url = pulumi.output(`https://${domain}`);
    Object.assign(details, {
      ingress: "internet-facing Application Load Balancer",
      tls: TLS_POLICY,
      dns: "create the ACM validation CNAME, then a CNAME (or Route 53 alias) from the domain to the load balancer's DNS name",
    });
  } else {
    const http = new lb.Listener(`${name}-http`, vendor.apply("httpListener", { loadBalancerArn: alb.arn, port: 80, protocol: "HTTP", defaultActions: forward, tags }), opts);
    listeners.push(http);
    resources.httpListener = http;
    if (ingress === "cloudfront") {
      const origin = new cloudfront.VpcOrigin(
        `${name}-vpc-origin`,
        vendor.apply("vpcOrigin", {
          vpcOriginEndpointConfig: {
            name: names.vpcOrigin(stack.prefix, physical),
            arn: alb.arn,
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: "http-only",
            originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
          },
          tags,
        }),
        { ...opts, dependsOn: [http] },
      );
      const distribution = new cloudfront.Distribution(
        `${name}-cdn`,
        vendor.apply("distribution", {
          enabled: true,
          comment: `Freehold ${stack.prefix}/${physical}`,
          httpVersion: "http2and3",
          isIpv6Enabled: true,
          priceClass: "PriceClass_100",
          origins: [{ originId: "alb", domainName: alb.dnsName, vpcOriginConfig: { vpcOriginId: origin.id } }],
          defaultCacheBehavior: {
            targetOriginId: "alb",
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
            cachedMethods: ["GET", "HEAD"],
            cachePolicyId: CLOUDFRONT_CACHING_DISABLED,
            originRequestPolicyId: CLOUDFRONT_ALL_VIEWER,
            compress: true,
          },
          restrictions: { geoRestriction: { restrictionType: "none" } },
          viewerCertificate: { cloudfrontDefaultCertificate: true },
          tags,
        }),
        opts,
      );
      Object.assign(resources, { vpcOrigin: origin, distribution });
      url = pulumi.interpolate`https://${distribution.domainName}`;
      Object.assign(details, {
        ingress: "CloudFront (VPC origin) -> internal Application Load Balancer",
        tls: "CloudFront default certificate (*.cloudfront.net); viewer minimum fixed by AWS at TLSv1",
        residency: "CloudFront is global: TLS ends at the nearest edge (PriceClass_100: Europe and North America); nothing is cached",
      });
    } else {
      url = pulumi.interpolate`http://${alb.dnsName}`;
      Object.assign(details, { ingress: "internal Application Load Balancer (VPC only)", tls: "none: HTTP inside the VPC" });
    }
  }

  // Service
  const autoscale = spec.scaling.max > spec.scaling.min;
  const service = new ecs.Service(
    `${name}-service`,
    vendor.apply("service", {
      name: names.service(stack.prefix, physical),
      cluster: net.cluster.arn,
      taskDefinition: taskDefinition.arn,
      desiredCount: spec.scaling.min,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      networkConfiguration: { subnets: net.privateSubnetIds, securityGroups: [serviceSg.id], assignPublicIp: false },
      loadBalancers: [{ targetGroupArn: targetGroup.arn, containerName: CONTAINER_NAME, containerPort: spec.port }],
      healthCheckGracePeriodSeconds: 60,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      enableExecuteCommand: false,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      tags,
    }),
    // Autoscaling owns the running count once it exists.
    // After the listeners (the target group must be attached) and the role policies (so a destroy cannot strand the service draining).
    { ...opts, dependsOn: [...listeners, ...policies], ...(autoscale ? { ignoreChanges: ["desiredCount"] } : {}) },
  );

  if (autoscale) {
    const target = new appautoscaling.Target(
      `${name}-scaling`,
      vendor.apply("scalingTarget", {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: pulumi.interpolate`service/${net.cluster.name}/${service.name}`,
        minCapacity: spec.scaling.min,
        maxCapacity: spec.scaling.max,
        tags,
      }),
      opts,
    );
    const policy = new appautoscaling.Policy(
      `${name}-scaling-cpu`,
      vendor.apply("scalingPolicy", {
        policyType: "TargetTrackingScaling",
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
          targetValue: CPU_TARGET_PERCENT,
          scaleInCooldown: 300,
          scaleOutCooldown: 60,
        },
      }),
      opts,
    );
    Object.assign(resources, { scalingTarget: target, scalingPolicy: policy });
  }

  Object.assign(resources, { logGroup, executionRole, taskRole, taskDefinition, loadBalancerSecurityGroup: lbSg, securityGroup: serviceSg, loadBalancer: alb, targetGroup, service });
  return {
    url,
    resources,
    description: {
      service: "Amazon ECS on AWS Fargate",
      size,
      details: {
        ...details,
        cluster: names.cluster(stack.prefix),
        subnets: "private, two availability zones",
        architecture: "X86_64",
        logRetentionDays: LOG_RETENTION_DAYS,
        readOnlyRootFilesystem: readOnly,
        ...(spec.user ? { user: spec.user } : {}),
      },
    },
  };
}
