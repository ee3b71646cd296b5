// The Crown Marketplace on AWS, written directly against @pulumi/aws: ECS on Fargate behind an ALB
// (CloudFront in front of public services), RDS for PostgreSQL, S3.
import * as appautoscaling from "@pulumi/aws/appautoscaling";
import * as cloudfront from "@pulumi/aws/cloudfront";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as ecs from "@pulumi/aws/ecs";
import * as iam from "@pulumi/aws/iam";
import * as lb from "@pulumi/aws/lb";
import * as rds from "@pulumi/aws/rds";
import * as s3 from "@pulumi/aws/s3";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import * as vpc from "@pulumi/aws/vpc";
import * as pulumi from "@pulumi/pulumi";
import { unique } from "./names";

const region = "eu-west-2";
const vpcCidr = "10.0.0.0/16";
const ecsTrust = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "ecs-tasks.amazonaws.com" } }],
});

export interface Network {
  stack: string;
  tags: Record<string, string>;
  vpc: ec2.Vpc;
  privateSubnets: ec2.Subnet[];
  publicSubnets: ec2.Subnet[];
  subnetGroup: rds.SubnetGroup;
  cluster: ecs.Cluster;
}

export function network(stack: string, userTags: Record<string, string>): Network {
  const tags = { ...userTags, "managed-by": "freehold", "freehold-stack": stack };
  const named = (role: string) => ({ ...tags, Name: `${stack}-${role}` });
  const vpc = new ec2.Vpc(`${stack}-vpc`, { cidrBlock: vpcCidr, enableDnsSupport: true, enableDnsHostnames: true, tags: named("vpc") });
  const subnet = (kind: string, zone: string, cidrBlock: string) =>
    new ec2.Subnet(`${stack}-${kind}-${zone}`, { vpcId: vpc.id, availabilityZone: `${region}${zone}`, cidrBlock, mapPublicIpOnLaunch: false, tags: named(`${kind}-${zone}`) });
  const privateSubnets = [subnet("private", "a", "10.0.0.0/19"), subnet("private", "b", "10.0.32.0/19")];
  const subnetGroup = new rds.SubnetGroup(`${stack}-db-subnets`, {
    name: `${stack}-db`,
    description: "Freehold databases: private subnets only",
    subnetIds: privateSubnets.map((s) => s.id),
    tags: named("db-subnets"),
  });
  const igw = new ec2.InternetGateway(`${stack}-igw`, { vpcId: vpc.id, tags: named("igw") });
  const publicSubnets = [subnet("public", "a", "10.0.128.0/20"), subnet("public", "b", "10.0.144.0/20")];
  const publicRt = new ec2.RouteTable(`${stack}-public-rt`, { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: named("public-rt") });
  for (const [i, s] of publicSubnets.entries()) new ec2.RouteTableAssociation(`${stack}-public-${"ab"[i]}-rta`, { subnetId: s.id, routeTableId: publicRt.id });
  const eip = new ec2.Eip(`${stack}-nat-eip`, { domain: "vpc", tags: named("nat-eip") }, { dependsOn: [igw] });
  const nat = new ec2.NatGateway(`${stack}-nat`, { allocationId: eip.allocationId, subnetId: publicSubnets[0]?.id, connectivityType: "public", tags: named("nat") }, { dependsOn: [igw] });
  const privateRt = new ec2.RouteTable(`${stack}-private-rt`, { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], tags: named("private-rt") });
  for (const [i, s] of privateSubnets.entries()) new ec2.RouteTableAssociation(`${stack}-private-${"ab"[i]}-rta`, { subnetId: s.id, routeTableId: privateRt.id });
  new ec2.VpcEndpoint(`${stack}-s3-endpoint`, {
    vpcId: vpc.id,
    serviceName: `com.amazonaws.${region}.s3`,
    vpcEndpointType: "Gateway",
    routeTableIds: [privateRt.id],
    tags: named("s3-endpoint"),
  });
  const cluster = new ecs.Cluster(`${stack}-cluster`, { name: stack, tags: named("cluster") });
  return { stack, tags, vpc, privateSubnets, publicSubnets, subnetGroup, cluster };
}

export interface Db {
  name: string;
  sg: ec2.SecurityGroup;
  instance: rds.Instance;
  secretArn: pulumi.Output<string>;
  password: pulumi.Output<string>;
}

export function database(net: Network, a: { name: string; instanceClass: string; storageGiB: number; multiAz: boolean; backupDays: number }): Db {
  const tags = { ...net.tags, "freehold-component": a.name };
  const sg = new ec2.SecurityGroup(`${a.name}-sg`, {
    name: `${net.stack}-${a.name}-db`,
    description: "Freehold database: PostgreSQL from linked services only",
    vpcId: net.vpc.id,
    tags,
  });
  const params = new rds.ParameterGroup(`${a.name}-params`, {
    name: `${net.stack}-${a.name}-postgres16`,
    family: "postgres16",
    description: "Freehold: TLS required",
    parameters: [{ name: "rds.force_ssl", value: "1" }],
    tags,
  });
  const instance = new rds.Instance(
    `${a.name}-instance`,
    {
      identifier: `${net.stack}-${a.name}`,
      engine: "postgres",
      engineVersion: "16",
      instanceClass: a.instanceClass,
      allocatedStorage: a.storageGiB,
      maxAllocatedStorage: a.storageGiB * 2,
      storageType: "gp3",
      storageEncrypted: true,
      publiclyAccessible: false,
      dbSubnetGroupName: net.subnetGroup.name,
      vpcSecurityGroupIds: [sg.id],
      parameterGroupName: params.name,
      port: 5432,
      dbName: "app",
      username: "freehold",
      manageMasterUserPassword: true,
      backupRetentionPeriod: a.backupDays,
      multiAz: a.multiAz,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${net.stack}-${a.name}-final`,
      deleteAutomatedBackups: false,
      copyTagsToSnapshot: true,
      enabledCloudwatchLogsExports: ["postgresql"],
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: true,
      tags,
    },
    { retainOnDelete: true },
  );
  const secretArn = instance.masterUserSecrets.apply((s) => s[0]?.secretArn ?? "");
  const secret = secretsmanager.getSecretVersionOutput({ secretId: secretArn });
  const password = pulumi.secret(secret.secretString.apply((s) => String((JSON.parse(s) as { password?: unknown }).password ?? "")));
  return { name: a.name, sg, instance, secretArn, password };
}

export interface Store {
  name: string;
  bucket: s3.Bucket;
}

export function objectStore(
  net: Network,
  a: { name: string; lifecycle: Array<{ prefix: string; days: number }>; cors: Array<{ allowedOrigins: string[]; allowedMethods: string[] }> },
): Store {
  const tags = { ...net.tags, "freehold-component": a.name };
  const keep = { retainOnDelete: true };
  const bucket = new s3.Bucket(`${a.name}-bucket`, { bucket: unique([net.stack, a.name], 63), forceDestroy: false, tags }, keep);
  const pab = new s3.BucketPublicAccessBlock(
    `${a.name}-public-access-block`,
    { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    keep,
  );
  new s3.BucketOwnershipControls(`${a.name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, keep);
  new s3.BucketServerSideEncryptionConfiguration(`${a.name}-encryption`, { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, keep);
  const versioning = new s3.BucketVersioning(`${a.name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, keep);
  new s3.BucketLifecycleConfiguration(
    `${a.name}-lifecycle`,
    {
      bucket: bucket.id,
      rules: [
        { id: "abort-incomplete-multipart-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
        ...a.lifecycle.map((r, i) => ({
          id: `expire-${i + 1}`,
          status: "Enabled",
          filter: { prefix: r.prefix },
          expiration: { days: r.days },
          noncurrentVersionExpiration: { noncurrentDays: r.days },
        })),
      ],
    },
    { ...keep, dependsOn: [versioning] },
  );
  if (a.cors.length) {
    new s3.BucketCorsConfiguration(
      `${a.name}-cors`,
      { bucket: bucket.id, corsRules: a.cors.map((r) => ({ ...r, allowedHeaders: ["*"], maxAgeSeconds: 3600 })) },
      keep,
    );
  }
  new s3.BucketPolicy(
    `${a.name}-policy`,
    {
      bucket: bucket.id,
      policy: bucket.arn.apply((arn) => {
        const deny = (Sid: string, Action: string[], Resource: string | string[], Condition?: object) => ({ Sid, Effect: "Deny", Principal: "*", Action, Resource, ...(Condition ? { Condition } : {}) });
        return JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            deny("DenyInsecureTransport", ["s3:*"], [arn, `${arn}/*`], { Bool: { "aws:SecureTransport": "false" } }),
            deny("DenyOldTls", ["s3:*"], [arn, `${arn}/*`], { NumericLessThan: { "s3:TlsVersion": "1.2" } }),
            deny("DenyBucketDeletion", ["s3:DeleteBucket"], arn),
          ],
        });
      }),
    },
    { ...keep, dependsOn: [pab] },
  );
  return { name: a.name, bucket };
}

export interface WebArgs {
  name: string;
  image: string;
  cpu: string;
  memory: string;
  min: number;
  max: number;
  public: boolean;
  healthPath: string;
  env: Record<string, string>;
  user?: string;
  db: Db;
  store: Store;
  storeAccess: "read" | "readWrite";
}

export function webService(net: Network, a: WebArgs): pulumi.Output<string> {
  const s = net.stack;
  const tags = { ...net.tags, "freehold-component": a.name };
  const logGroupName = `/freehold/${s}/${a.name}`;
  const logGroup = new cloudwatch.LogGroup(`${a.name}-logs`, { name: logGroupName, retentionInDays: 30, tags });
  const role = (kind: string, what: string) =>
    new iam.Role(`${a.name}-${kind === "exec" ? "execution" : "task"}-role`, {
      name: `${s}-${a.name}-${kind}`,
      description: `Freehold ${s}/${a.name}: ${what}`,
      assumeRolePolicy: ecsTrust,
      tags,
    });
  const executionRole = role("exec", "ECS agent (logs, linked secrets, image pull)");
  const taskRole = role("task", "the application (linked buckets only)");
  const policy = (name: string, target: iam.Role, policyName: string, statements: pulumi.Output<object[]>) =>
    new iam.RolePolicy(name, { role: target.name, name: policyName, policy: statements.apply((Statement) => JSON.stringify({ Version: "2012-10-17", Statement })) });
  const policies = [
    policy(`${a.name}-execution-policy`, executionRole, "freehold-execution", logGroup.arn.apply((arn) => [
      { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [arn, `${arn}:log-stream:*`] },
    ])),
    policy(`${a.name}-${a.db.name}-secret`, executionRole, `freehold-link-${a.db.name}`, a.db.secretArn.apply((arn) => [
      { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: arn },
    ])),
    policy(`${a.name}-${a.store.name}-access`, taskRole, `freehold-link-${a.store.name}`, a.store.bucket.arn.apply((arn) => [
      { Effect: "Allow", Action: ["s3:ListBucket"], Resource: arn },
      { Effect: "Allow", Action: a.storeAccess === "read" ? ["s3:GetObject"] : ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], Resource: `${arn}/*` },
    ])),
  ];
  const environment = pulumi.all({
    ...a.env,
    DATABASE_HOST: a.db.instance.address,
    DATABASE_PORT: a.db.instance.port.apply(String),
    DATABASE_NAME: "app",
    DATABASE_USER: a.db.instance.username,
    DATABASE_SSLMODE: "require",
    OBJECT_STORE_PROVIDER: "s3",
    OBJECT_STORE_BUCKET: a.store.bucket.bucket,
    OBJECT_STORE_ENDPOINT: `https://s3.${region}.amazonaws.com`,
    OBJECT_STORE_ACCESS: a.storeAccess,
  });
  const taskDefinition = new ecs.TaskDefinition(
    `${a.name}-task`,
    {
      family: `${s}-${a.name}`,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: a.cpu,
      memory: a.memory,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      volumes: [{ name: "tmp" }],
      containerDefinitions: pulumi.all([environment, a.db.secretArn]).apply(([env, secretArn]) =>
        JSON.stringify([
          {
            name: "app",
            image: a.image,
            essential: true,
            privileged: false,
            readonlyRootFilesystem: true,
            ...(a.user ? { user: a.user } : {}),
            portMappings: [{ containerPort: 8080, protocol: "tcp" }],
            environment: Object.keys(env).sort().map((name) => ({ name, value: env[name] })),
            secrets: [{ name: "DATABASE_PASSWORD", valueFrom: `${secretArn}:password::` }],
            mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
            logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": logGroupName, "awslogs-region": region, "awslogs-stream-prefix": "app" } },
          },
        ]),
      ),
      tags,
    },
    { dependsOn: [logGroup] },
  );
  const lbSg = new ec2.SecurityGroup(`${a.name}-lb-sg`, {
    name: `${s}-${a.name}-lb-int`,
    description: "Freehold load balancer: HTTP from inside the VPC only",
    vpcId: net.vpc.id,
    ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: [vpcCidr], description: a.public ? "CloudFront VPC origin and the VPC" : "the VPC" }],
    egress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: [vpcCidr], description: "to tasks" }],
    tags,
  });
  const serviceSg = new ec2.SecurityGroup(`${a.name}-sg`, {
    name: `${s}-${a.name}-tasks`,
    description: "Freehold service tasks: container port from the load balancer only",
    vpcId: net.vpc.id,
    ingress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, securityGroups: [lbSg.id], description: "from the load balancer" }],
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "image pulls, AWS APIs, linked databases" }],
    tags,
  });
  new vpc.SecurityGroupIngressRule(`${a.name}-${a.db.name}-ingress`, {
    securityGroupId: a.db.sg.id,
    referencedSecurityGroupId: serviceSg.id,
    ipProtocol: "tcp",
    fromPort: 5432,
    toPort: 5432,
    description: `Freehold: ${a.name} -> ${a.db.name}`,
    tags,
  });
  const alb = new lb.LoadBalancer(`${a.name}-lb`, {
    name: `${s}-${a.name}-int`,
    loadBalancerType: "application",
    internal: true,
    subnets: net.privateSubnets.map((x) => x.id),
    securityGroups: [lbSg.id],
    dropInvalidHeaderFields: true,
    tags,
  });
  const targetGroup = new lb.TargetGroup(`${a.name}-tg`, {
    name: unique([s, a.name, "8080"], 32),
    port: 8080,
    protocol: "HTTP",
    targetType: "ip",
    vpcId: net.vpc.id,
    deregistrationDelay: 30,
    healthCheck: { enabled: true, path: a.healthPath, protocol: "HTTP", matcher: "200-399", interval: 30, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
    tags,
  });
  const http = new lb.Listener(`${a.name}-http`, {
    loadBalancerArn: alb.arn,
    port: 80,
    protocol: "HTTP",
    defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
    tags,
  });
  let url = pulumi.interpolate`http://${alb.dnsName}`;
  if (a.public) {
    const origin = new cloudfront.VpcOrigin(
      `${a.name}-vpc-origin`,
      {
        vpcOriginEndpointConfig: {
          name: `${s}-${a.name}`,
          arn: alb.arn,
          httpPort: 80,
          httpsPort: 443,
          originProtocolPolicy: "http-only",
          originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
        },
        tags,
      },
      { dependsOn: [http] },
    );
    const cdn = new cloudfront.Distribution(`${a.name}-cdn`, {
      enabled: true,
      comment: `Freehold ${s}/${a.name}`,
      httpVersion: "http2and3",
      isIpv6Enabled: true,
      priceClass: "PriceClass_100",
      origins: [{ originId: "alb", domainName: alb.dnsName, vpcOriginConfig: { vpcOriginId: origin.id } }],
      defaultCacheBehavior: {
        targetOriginId: "alb",
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        originRequestPolicyId: "216adef6-5c7f-47e4-b989-5492eafa07d3",
        compress: true,
      },
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: { cloudfrontDefaultCertificate: true },
      tags,
    });
    url = pulumi.interpolate`https://${cdn.domainName}`;
  }
  const service = new ecs.Service(
    `${a.name}-service`,
    {
      name: `${s}-${a.name}`,
      cluster: net.cluster.arn,
      taskDefinition: taskDefinition.arn,
      desiredCount: a.min,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      networkConfiguration: { subnets: net.privateSubnets.map((x) => x.id), securityGroups: [serviceSg.id], assignPublicIp: false },
      loadBalancers: [{ targetGroupArn: targetGroup.arn, containerName: "app", containerPort: 8080 }],
      healthCheckGracePeriodSeconds: 60,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      enableExecuteCommand: false,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      tags,
    },
    { dependsOn: [http, ...policies], ignoreChanges: ["desiredCount"] },
  );
  const target = new appautoscaling.Target(`${a.name}-scaling`, {
    serviceNamespace: "ecs",
    scalableDimension: "ecs:service:DesiredCount",
    resourceId: pulumi.interpolate`service/${net.cluster.name}/${service.name}`,
    minCapacity: a.min,
    maxCapacity: a.max,
    tags,
  });
  new appautoscaling.Policy(`${a.name}-scaling-cpu`, {
    policyType: "TargetTrackingScaling",
    serviceNamespace: target.serviceNamespace,
    scalableDimension: target.scalableDimension,
    resourceId: target.resourceId,
    targetTrackingScalingPolicyConfiguration: {
      predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
      targetValue: 60,
      scaleInCooldown: 300,
      scaleOutCooldown: 60,
    },
  });
  return url;
}

// The Crown Marketplace (examples/crown-marketplace) on AWS.
export function crownMarketplace() {
  const net = network("crown-marketplace", { service: "crown-marketplace", owner: "digital-marketplace-team" });
  const db = database(net, { name: "db", instanceClass: "db.m7g.large", storageGiB: 50, multiAz: true, backupDays: 14 });
  const uploads = objectStore(net, {
    name: "uploads",
    lifecycle: [
      { prefix: "tmp/", days: 7 },
      { prefix: "logs/", days: 90 },
    ],
    cors: [{ allowedOrigins: ["https://marketplace.example.gov.uk"], allowedMethods: ["GET", "PUT"] }],
  });
  const url = webService(net, {
    name: "web", image: "ghcr.io/example/marketplace-web:1.4.2", cpu: "1024", memory: "2048", min: 2, max: 10, public: true,
    healthPath: "/healthz", env: { NODE_ENV: "production" }, db, store: uploads, storeAccess: "readWrite",
  });
  webService(net, {
    name: "worker", image: "ghcr.io/example/marketplace-worker:1.4.2", cpu: "512", memory: "1024", min: 1, max: 4, public: false,
    healthPath: "/healthz", env: {}, user: "10001", db, store: uploads, storeAccess: "read",
  });
  return { url, bucket: uploads.bucket.bucket, databaseHost: db.instance.address };
}
