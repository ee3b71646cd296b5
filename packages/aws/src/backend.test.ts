import type { DatabaseRequest, WebServiceRequest } from "@freehold/core";
import { deployStack, FEATURES, type MockRun, type PlannedResource, registerBackend, runWithMocks } from "@freehold/core";
import { type Component, parseStack, resolveSize, SpecError, UnsupportedFeatureError } from "@freehold/model";
import { beforeAll, describe, expect, it } from "vitest";
import { backend } from "./index";

registerBackend(backend);

const STACK = `
name: shop
region: london
tags: { team: market }
components:
  db: { kind: database, version: "16", highAvailability: true, storageGiB: 50, backups: { retentionDays: 14 } }
  files:
    kind: object-store
    lifecycle: [{ prefix: logs/, expireAfterDays: 90 }]
    cors: [{ allowedOrigins: ["https://shop.example.gov.uk"], allowedMethods: [GET, PUT] }]
  web:
    kind: web-service
    image: ghcr.io/example/shop:1.0
    public: true
    domain: shop.example.gov.uk
    user: "1000:1000"
    scaling: { min: 2, max: 6 }
    healthCheck: { path: /healthz }
    env: { NODE_ENV: production }
    links: [db, { to: files, access: read }]
  edge: { kind: web-service, image: ghcr.io/example/edge:1.0, public: true, writableRootFilesystem: true }
  api: { kind: web-service, image: 123456789012.dkr.ecr.eu-west-2.amazonaws.com/team/api:2, scaling: { min: 1, max: 1 }, links: [{ to: files, access: write }] }
`;

let run: MockRun;
const one = (name: string, type?: string): PlannedResource => {
  const found = run.resources.filter((r) => r.name === name && (!type || r.type === type));
  expect(found, `${name} ${type ?? ""}`).toHaveLength(1);
  return found[0] as PlannedResource;
};
const json = (v: unknown) => JSON.parse(v as string);
const component = (yaml: string, name: string): Component => parseStack(yaml).components[name] as Component;
function catchError(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

beforeAll(async () => {
  run = await runWithMocks("aws", () => deployStack(parseStack(STACK)).outputs);
});

describe("database on RDS for PostgreSQL", () => {
  it("registers an encrypted, private, Multi-AZ gp3 instance with a managed password", () => {
    const db = one("db-instance", "aws:rds/instance:Instance");
    expect(db.inputs).toMatchObject({
      engine: "postgres",
      engineVersion: "16",
      instanceClass: "db.t4g.small",
      storageType: "gp3",
      allocatedStorage: 50,
      maxAllocatedStorage: 100,
      storageEncrypted: true,
      publiclyAccessible: false,
      manageMasterUserPassword: true,
      multiAz: true,
      backupRetentionPeriod: 14,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: expect.stringMatching(/^shop-dev-db-final-[0-9a-f]{8}$/),
      applyImmediately: true,
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
      engineLifecycleSupport: "open-source-rds-extended-support",
      caCertIdentifier: "rds-ca-rsa2048-g1",
      deleteAutomatedBackups: false,
      dbSubnetGroupName: "shop-dev-db",
      identifier: "shop-dev-db",
    });
    expect(db.inputs.password).toBeUndefined();
    expect(db.options).toMatchObject({ protect: true, retainOnDelete: true });
  });

  it("forces TLS with a parameter group for the requested major version", () => {
    const pg = one("db-params", "aws:rds/parameterGroup:ParameterGroup");
    expect(pg.inputs.family).toBe("postgres16");
    expect(pg.inputs.parameters).toEqual([{ name: "rds.force_ssl", value: "1" }]);
  });

  it("gives the database security group no rule of its own and opens 5432 only to the linked service", () => {
    const sg = one("db-sg", "aws:ec2/securityGroup:SecurityGroup");
    expect(sg.inputs.ingress).toBeUndefined();
    const rules = run.resources.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.inputs.securityGroupId === "db-sg-id");
    expect(rules.map((r) => r.name)).toEqual(["db-roles-ingress", "web-db-ingress"]);
    expect(rules[1]?.inputs).toMatchObject({ securityGroupId: "db-sg-id", referencedSecurityGroupId: "web-sg-id", ipProtocol: "tcp", fromPort: 5432, toPort: 5432 });
    expect(rules[0]?.inputs).toMatchObject({ securityGroupId: "db-sg-id", referencedSecurityGroupId: "db-roles-sg-id", ipProtocol: "tcp", fromPort: 5432, toPort: 5432 });
  });

  it("keeps the connection string a secret", () => {
    expect(run.outputs.db).toMatchObject({ connectionString: "[secret]", host: expect.stringContaining(".eu-west-2.rds.amazonaws.com") });
  });
});

describe("object store on S3", () => {
  it("blocks every kind of public access and disables ACLs", () => {
    expect(one("files-public-access-block").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(one("files-ownership").inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
  });

  it("encrypts by default, versions, expires by prefix and sets CORS", () => {
    expect(one("files-encryption").inputs.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    expect(one("files-versioning").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    const rules = one("files-lifecycle").inputs.rules as Array<Record<string, unknown>>;
    expect(rules).toContainEqual({ id: "expire-1", status: "Enabled", filter: { prefix: "logs/" }, expiration: { days: 90 }, noncurrentVersionExpiration: { noncurrentDays: 90 } });
    expect(one("files-cors").inputs.corsRules).toEqual([{ allowedOrigins: ["https://shop.example.gov.uk"], allowedMethods: ["GET", "PUT"], allowedHeaders: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 3600 }]);
  });

  it("denies requests without TLS and deletion of a protected bucket", () => {
    const policy = json(one("files-policy").inputs.policy);
    const bucketArn = `arn:aws:s3:::${one("files-bucket").inputs.bucket}`;
    expect(policy.Statement).toContainEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:*"],
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toContain("DenyBucketDeletion");
  });

  it("retains the bucket and its protections on delete, and never force-destroys it", () => {
    const bucket = one("files-bucket", "aws:s3/bucket:Bucket");
    expect(bucket.inputs.forceDestroy).toBe(false);
    expect(bucket.options.retainOnDelete).toBe(true);
    expect(one("files-public-access-block").options.retainOnDelete).toBe(true);
  });

  it("uses no deprecated inline bucket arguments", () => {
    const bucket = one("files-bucket", "aws:s3/bucket:Bucket");
    for (const k of ["acl", "versioning", "serverSideEncryptionConfiguration", "lifecycleRules", "corsRules", "policy", "website", "logging"]) expect(bucket.inputs[k]).toBeUndefined();
  });
});

describe("web service on ECS Fargate", () => {
  const container = (name: string) => json(one(`${name}-task`, "aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions)[0];

  it("runs a non-privileged container with a read-only root, the spec's user and awslogs", () => {
    const c = container("web");
    expect(c).toMatchObject({
      image: "ghcr.io/example/shop:1.0",
      privileged: false,
      readonlyRootFilesystem: true,
      user: "1000:1000",
      portMappings: [{ containerPort: 8080, protocol: "tcp" }],
      linuxParameters: { tmpfs: [{ containerPath: "/tmp", size: 256, mountOptions: ["mode=1777", "nosuid", "nodev"] }] },
      mountPoints: [{ sourceVolume: "freehold-tls", containerPath: "/etc/freehold/tls", readOnly: true }],
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/freehold/shop-dev/web", "awslogs-region": "eu-west-2", "awslogs-stream-prefix": "app" } },
    });
    expect(container("edge").readonlyRootFilesystem).toBe(false);
    expect(container("edge").user).toBeUndefined();
  });

  it("passes the application role's password as an ECS secret from Freehold's secret, pinned to its version, never as plain env", () => {
    const c = container("web");
    expect(c.secrets).toEqual([{ name: "DATABASE_PASSWORD", valueFrom: expect.stringMatching(/^arn:aws:secretsmanager:eu-west-2:\d{12}:secret:freehold\/shop-dev\/db\/app-[0-9a-f]{6}:password::[0-9a-f-]{36}$/) }]);
    const env = Object.fromEntries(c.environment.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toMatchObject({ NODE_ENV: "production", DATABASE_USER: "app", DATABASE_SSLMODE: "verify-full", DATABASE_SSLROOTCERT: "/etc/freehold/tls/database-ca.pem", OBJECT_STORE_BUCKET: expect.stringMatching(/^shop-dev-files-/), OBJECT_STORE_ENDPOINT: "https://s3.eu-west-2.amazonaws.com" });
    expect(env.DATABASE_PASSWORD).toBeUndefined();
  });

  it("uses Fargate task units for the chosen size and separate execution and task roles", () => {
    const td = one("web-task").inputs;
    expect(td).toMatchObject({ cpu: "512", memory: "1024", networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], executionRoleArn: "arn:aws:iam::123456789012:role/shop-dev-web-exec", taskRoleArn: "arn:aws:iam::123456789012:role/shop-dev-web-task" });
  });

  const policy = (name: string) => json(one(name, "aws:iam/rolePolicy:RolePolicy").inputs.policy);

  it("lets the execution role write only its own log group, and read only the linked database's role secret through one grant per link", () => {
    const logArn = "arn:aws:logs:eu-west-2:123456789012:log-group:/freehold/shop-dev/web";
    expect(one("web-execution-policy").inputs.role).toBe("shop-dev-web-exec");
    expect(policy("web-execution-policy").Statement).toEqual([
      { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [logArn, `${logArn}:log-stream:*`] },
    ]);
    expect(one("web-db-secret").inputs.role).toBe("shop-dev-web-exec");
    expect(policy("web-db-secret").Statement).toEqual([
      {
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: expect.stringMatching(/^arn:aws:secretsmanager:eu-west-2:\d{12}:secret:freehold\/shop-dev\/db\/app-/),
      },
    ]);
  });

  it("grants the task role exact S3 actions on the exact bucket for the link's access", () => {
    const bucketArn = `arn:aws:s3:::${one("files-bucket").inputs.bucket}`;
    expect(one("web-files-access").inputs.role).toBe("shop-dev-web-task");
    expect(policy("web-files-access").Statement).toEqual([
      { Effect: "Allow", Action: ["s3:ListBucket"], Resource: bucketArn },
      { Effect: "Allow", Action: ["s3:GetObject"], Resource: `${bucketArn}/*` },
    ]);
    expect(policy("api-files-access").Statement).toEqual([{ Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], Resource: `${bucketArn}/*` }]);
    expect(run.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name.startsWith("edge-")).map((r) => r.name)).toEqual(["edge-execution-policy"]);
  });

  it("lets the execution role pull from the exact ECR repository of an ECR image", () => {
    expect(policy("api-execution-policy").Statement).toContainEqual({
      Sid: "EcrPull",
      Effect: "Allow",
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      Resource: "arn:aws:ecr:eu-west-2:123456789012:repository/team/api",
    });
  });

  it("has no wildcard action in any IAM policy", () => {
    const docs = run.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy").map((r) => json(r.inputs.policy));
    expect(docs.length).toBe(9);
    for (const d of docs) expect(d.Statement.length).toBeGreaterThan(0);
    for (const d of docs) for (const st of d.Statement) for (const a of st.Action) expect(a).not.toMatch(/\*/);
  });

  it("starts the service only after its listeners and role policies", () => {
    const deps = one("web-service", "aws:ecs/service:Service").options.dependsOn.map((u) => u.split("::").pop());
    expect(deps).toEqual(expect.arrayContaining(["web-https", "web-http", "web-execution-policy", "web-db-secret", "web-files-access"]));
  });

  it("serves a public service with a domain over HTTPS only with TLS 1.2+ and redirects HTTP", () => {
    expect(one("web-lb").inputs).toMatchObject({ internal: false, loadBalancerType: "application", dropInvalidHeaderFields: true });
    expect(one("web-https").inputs).toMatchObject({ port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", certificateArn: expect.stringContaining(":certificate/") });
    expect(one("web-http").inputs.defaultActions).toEqual([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
    expect(one("web-certificate").inputs).toMatchObject({ domainName: "shop.example.gov.uk", validationMethod: "DNS" });
    expect(run.outputs.web).toEqual({ url: "https://shop.example.gov.uk" });
  });

  it("gives a public service without a domain HTTPS through CloudFront to an internal load balancer", () => {
    expect(one("edge-lb").inputs.internal).toBe(true);
    const cdn = one("edge-cdn", "aws:cloudfront/distribution:Distribution").inputs;
    expect(cdn.defaultCacheBehavior).toMatchObject({ viewerProtocolPolicy: "redirect-to-https" });
    expect(cdn.origins).toEqual([expect.objectContaining({ vpcOriginConfig: { vpcOriginId: "edge-vpc-origin-id" } })]);
    expect(one("edge-vpc-origin").inputs.vpcOriginEndpointConfig).toMatchObject({ originProtocolPolicy: "http-only" });
    expect(run.outputs.edge).toEqual({ url: expect.stringMatching(/^https:\/\/d[0-9a-f]+abcdef\.cloudfront\.net$/) });
  });

  it("keeps a private service inside the VPC", () => {
    expect(one("api-lb").inputs.internal).toBe(true);
    expect(one("api-lb-sg").inputs.ingress).toEqual([{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["10.0.0.0/16"], description: "the VPC" }]);
    expect(one("api-lb-sg").inputs.name).toBe("shop-dev-api-lb-int");
    expect(run.resources.some((r) => r.name === "api-cdn")).toBe(false);
  });

  it("runs tasks in private subnets without public IPs, with circuit-breaker rollback, health check and autoscaling", () => {
    const svc = one("web-service", "aws:ecs/service:Service").inputs;
    expect(svc).toMatchObject({ launchType: "FARGATE", desiredCount: 2, deploymentCircuitBreaker: { enable: true, rollback: true } });
    expect(svc.networkConfiguration).toEqual({ subnets: ["shop-private-a-id", "shop-private-b-id"], securityGroups: ["web-sg-id"], assignPublicIp: false });
    expect((one("web-tg").inputs.healthCheck as Record<string, unknown>).path).toBe("/healthz");
    expect(one("web-scaling").inputs).toMatchObject({ minCapacity: 2, maxCapacity: 6, scalableDimension: "ecs:service:DesiredCount", resourceId: "service/shop-dev/shop-dev-web" });
    expect(one("web-scaling-cpu").inputs.policyType).toBe("TargetTrackingScaling");
    expect(run.resources.some((r) => r.name === "api-scaling")).toBe(false);
    expect(one("web-logs").inputs.retentionInDays).toBe(365);
  });

  it("opens the tasks only to their load balancer, by a rule of their own that names the load balancer's group and the port", () => {
    expect(one("web-sg").inputs.ingress).toBeUndefined();
    expect(one("web-from-lb-8080").inputs).toMatchObject({ securityGroupId: "web-sg-id", referencedSecurityGroupId: "web-lb-sg-id", ipProtocol: "tcp", fromPort: 8080, toPort: 8080 });
    expect(one("web-lb-to-tasks-8080").inputs).toMatchObject({ securityGroupId: "web-lb-sg-id", referencedSecurityGroupId: "web-sg-id", ipProtocol: "tcp", fromPort: 8080, toPort: 8080 });
    expect(JSON.stringify(one("web-lb-sg").inputs)).not.toContain("egress");
  });
});

describe("AWS Foundational Security Best Practices on the stack's own resources", () => {
  it("logs the VPC's rejected traffic to a log group kept a year, through a role only VPC Flow Logs of this account may assume (EC2.6)", () => {
    expect(one("shop-flow-log", "aws:ec2/flowLog:FlowLog").inputs).toMatchObject({ trafficType: "REJECT", logDestinationType: "cloud-watch-logs", logDestination: "arn:aws:logs:eu-west-2:123456789012:log-group:/freehold/shop-dev/vpc-flow-logs", iamRoleArn: expect.any(String) });
    expect(one("shop-flow-logs").inputs).toMatchObject({ name: "/freehold/shop-dev/vpc-flow-logs", retentionInDays: 365 });
    const trust = json(one("shop-flow-logs-role").inputs.assumeRolePolicy).Statement[0];
    expect(trust).toMatchObject({ Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": expect.any(String) } } });
  });

  it("strips every rule from the VPC's default security group (EC2.2) and refuses SSH and RDP in its default network ACL (EC2.21)", () => {
    expect(one("shop-default-sg", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").inputs).toMatchObject({ ingress: [], egress: [] });
    const acl = one("shop-default-nacl", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl").inputs as { ingress: Array<{ action: string; fromPort: number; cidrBlock?: string; ipv6CidrBlock?: string }> };
    for (const port of [22, 3389]) {
      expect(acl.ingress).toContainEqual(expect.objectContaining({ action: "deny", fromPort: port, cidrBlock: "0.0.0.0/0" }));
      expect(acl.ingress).toContainEqual(expect.objectContaining({ action: "deny", fromPort: port, ipv6CidrBlock: "::/0" }));
    }
  });

  it("writes every load balancer's access logs to a private, encrypted, TLS-only bucket Elastic Load Balancing may write to, after its policy (ELB.5)", () => {
    expect(one("web-lb").inputs.accessLogs).toMatchObject({ enabled: true, prefix: "alb/web" });
    expect(one("web-lb").options.dependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/BucketPolicy::shop-alb-logs-policy$/)]));
    expect(one("shop-alb-logs-public-access-block").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(one("shop-alb-logs-ownership").inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    const statements = json(one("shop-alb-logs-policy").inputs.policy).Statement;
    expect(statements).toContainEqual(expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: ["s3:PutObject"], Principal: { AWS: "arn:aws:iam::652711504416:root" }, Resource: expect.stringMatching(/\/alb\/\*\/AWSLogs\/123456789012\/\*$/) }));
    expect((one("shop-alb-logs-lifecycle").inputs.rules as unknown[])[0]).toMatchObject({ expiration: { days: 365 } });
  });

  it("writes CloudFront's standard logs to a bucket of their own with ACLs only for CloudFront's delivery (CloudFront.5)", () => {
    expect(one("edge-cdn", "aws:cloudfront/distribution:Distribution").inputs.loggingConfig).toMatchObject({ prefix: "cdn/edge/", includeCookies: false, bucket: expect.stringContaining("cdn-logs") });
    expect(one("shop-cdn-logs-ownership").inputs.rule).toEqual({ objectOwnership: "BucketOwnerPreferred" });
    expect(one("shop-cdn-logs-public-access-block").inputs).toMatchObject({ blockPublicAcls: true, ignorePublicAcls: true });
  });

  it("turns on Container Insights on the cluster (ECS.12)", () => {
    expect(one("shop-cluster").inputs.settings).toEqual([{ name: "containerInsights", value: "enabled" }]);
  });

  it("makes no flow log or default-group takeover in a network the stack brings", async () => {
    const r = await runWithMocks("aws", () =>
      deployStack(parseStack("name: byo\nnetwork: { aws: { vpcId: vpc-0a1b2c3d4e5f60718, privateSubnetIds: [subnet-0a1b2c3d4e5f60701, subnet-0a1b2c3d4e5f60702] } }\ncomponents:\n  db: { kind: database }")),
    );
    const types = r.resources.map((x) => x.type);
    for (const t of ["aws:ec2/flowLog:FlowLog", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"]) expect(types).not.toContain(t);
  });
});

describe("platform", () => {
  it("creates one VPC over two of the region's Availability Zones, one NAT gateway, an S3 endpoint and one cluster", () => {
    const types = run.resources.map((r) => r.type);
    expect(types.filter((t) => t === "aws:ec2/vpc:Vpc")).toHaveLength(1);
    expect(types.filter((t) => t === "aws:ec2/natGateway:NatGateway")).toHaveLength(1);
    expect(types.filter((t) => t === "aws:ecs/cluster:Cluster")).toHaveLength(1);
    expect(one("shop-private-a").inputs.availabilityZone).toBe("eu-west-2a");
    expect(one("shop-private-b").inputs.availabilityZone).toBe("eu-west-2b");
    expect(one("shop-s3-endpoint").inputs).toMatchObject({ vpcEndpointType: "Gateway", serviceName: "com.amazonaws.eu-west-2.s3" });
    expect([...new Set(run.invokes)].sort()).toEqual([
      "aws:ec2/getManagedPrefixList:getManagedPrefixList",
      "aws:elb/getServiceAccount:getServiceAccount",
      "aws:index/getAvailabilityZones:getAvailabilityZones",
      "aws:index/getCallerIdentity:getCallerIdentity",
    ]);
  });

  it("tags resources with the stack's tags", () => {
    expect(one("db-instance").inputs.tags).toMatchObject({ team: "market", "managed-by": "freehold", "freehold-stack": "shop", "freehold-component": "db" });
    expect(one("shop-vpc").inputs.tags).toMatchObject({ team: "market", Name: "shop-vpc" });
  });

  it("creates no network at all for a stack with only an object store", async () => {
    const r = await runWithMocks("aws", () => deployStack(parseStack("name: bare\ncomponents:\n  files: { kind: object-store }")));
    expect(r.resources.filter((x) => x.custom).every((x) => x.type.startsWith("aws:s3/"))).toBe(true);
  });

  it("creates no internet gateway or NAT for a database-only stack", async () => {
    const r = await runWithMocks("aws", () => deployStack(parseStack("name: data\ncomponents:\n  db: { kind: database }")));
    const types = r.resources.map((x) => x.type);
    expect(types).toContain("aws:ec2/vpc:Vpc");
    expect(types).not.toContain("aws:ec2/natGateway:NatGateway");
    expect(types).not.toContain("aws:ec2/internetGateway:InternetGateway");
  });

  it("gives identical plans on two runs", async () => {
    const again = await runWithMocks("aws", () => deployStack(parseStack(STACK)).outputs);
    expect(JSON.stringify(again.resources)).toBe(JSON.stringify(run.resources));
  });
});

describe("stateful safety switch", () => {
  it("turns off both retainOnDelete and AWS deletion protection with deletionProtection: false", async () => {
    const r = await runWithMocks("aws", () =>
      deployStack(parseStack("name: tmp\ncomponents:\n  db: { kind: database, deletionProtection: false }\n  files: { kind: object-store, deletionProtection: false }")),
    );
    const db = r.resources.find((x) => x.name === "db-instance");
    expect(db?.inputs.deletionProtection).toBe(false);
    expect(db?.options.retainOnDelete).toBe(false);
    const bucket = r.resources.find((x) => x.name === "files-bucket");
    expect(bucket?.options.retainOnDelete).toBe(false);
    expect(bucket?.inputs.forceDestroy).toBe(true);
    const policy = json(r.resources.find((x) => x.name === "files-policy")?.inputs.policy);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).not.toContain("DenyBucketDeletion");
  });
});

describe("what AWS cannot do", () => {
  it("refuses scale to zero with an UnsupportedFeatureError naming component, feature and fix", () => {
    const spec = component("name: s\ncomponents:\n  web: { kind: web-service, image: nginx, scaling: { min: 0, max: 2 } }", "web");
    if (spec.kind !== "web-service") throw new Error("not a web service");
    const req = { name: "web", spec, image: "nginx", env: {}, links: [], linkEnv: { plain: {}, secrets: [] }, size: resolveSize("web-service", spec.size), platform: undefined } as unknown as WebServiceRequest;
    const err = catchError(() => backend.webService(req));
    expect(err).toBeInstanceOf(UnsupportedFeatureError);
    expect(err.message).toBe(
      "web: aws cannot provide web-service.scale-to-zero: scaling.min is 0, but ECS services do not start a task when a request arrives, so with no task running the load balancer answers 503. Set scaling.min to 1 or more",
    );
  });

  it("has a capability row for every neutral feature, and says scale to zero is unsupported", () => {
    expect(backend.capabilities.map((c) => c.feature).sort()).toEqual(Object.keys(FEATURES).sort());
    expect(backend.capabilities.find((c) => c.feature === "web-service.scale-to-zero")?.support).toBe("none");
    for (const c of backend.capabilities) expect(c.note.length).toBeGreaterThan(10);
  });
});

describe("vendor escape hatch", () => {
  it("merges vendor args into the child resource with that role", async () => {
    const r = await runWithMocks("aws", () =>
      deployStack(parseStack("name: v\ncomponents:\n  db: { kind: database, vendor: { aws: { instance: { performanceInsightsEnabled: true } } } }")),
    );
    expect(r.resources.find((x) => x.name === "db-instance")?.inputs.performanceInsightsEnabled).toBe(true);
  });

  it("refuses an unknown role and lists the allowed ones", () => {
    const spec = component("name: v\ncomponents:\n  db: { kind: database, vendor: { aws: { cluster: { x: 1 } } } }", "db");
    if (spec.kind !== "database") throw new Error("not a database");
    const req = { name: "db", spec, size: resolveSize("database", spec.size) } as unknown as DatabaseRequest;
    const err = catchError(() => backend.database(req));
    expect(err).toBeInstanceOf(SpecError);
    expect(err.message).toContain("vendor.aws.cluster: is not a child resource role of this component; allowed roles: securityGroup, parameterGroup, logGroup, upgradeLogGroup, instance");
  });
});
