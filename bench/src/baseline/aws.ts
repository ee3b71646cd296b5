// The Crown Marketplace on AWS, written directly against @pulumi/aws: ECS on Fargate behind an ALB
// (CloudFront in front of public services), RDS for PostgreSQL with two least-privilege application
// roles (set up once per database by a Fargate task that a Lambda function runs during `up`), S3,
// and the stack's own logs (VPC flow logs, access logs, Container Insights). Every regional resource
// names its region.
import * as appautoscaling from "@pulumi/aws/appautoscaling";
import * as cloudfront from "@pulumi/aws/cloudfront";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as ecs from "@pulumi/aws/ecs";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import * as iam from "@pulumi/aws/iam";
import { getServiceAccountOutput } from "@pulumi/aws/elb/getServiceAccount";
import * as lambda from "@pulumi/aws/lambda";
import * as lb from "@pulumi/aws/lb";
import * as rds from "@pulumi/aws/rds";
import * as s3 from "@pulumi/aws/s3";
import * as scheduler from "@pulumi/aws/scheduler";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import * as sfn from "@pulumi/aws/sfn";
import * as vpc from "@pulumi/aws/vpc";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as time from "@pulumiverse/time";
import { ROLE_SETUP_SQL, roleJobCommand, scramVerifier } from "@freehold/core/database-roles";
// The region's RDS root certificate authorities, as AWS publishes them (public data).
import { rdsCaBundle } from "@freehold/aws/rds-ca";
import { fitName, unique } from "./names";

const region = "eu-west-2";
const vpcCidr = "10.0.0.0/16";
const logDays = 365;

export interface Network {
  /** The stack's name: shared resources' logical names and Name tags. */
  stack: string;
  /** Physical names: the stack's name and the Pulumi stack's. */
  prefix: string;
  tags: Record<string, string>;
  vpc: ec2.Vpc;
  privateSubnets: ec2.Subnet[];
  subnetGroup: rds.SubnetGroup;
  cluster: ecs.Cluster;
  /** Trust policy for ECS tasks of this account and region only (no confused deputy). */
  ecsTrust: pulumi.Output<string>;
  /** CloudFront's origin-facing addresses (AWS-managed prefix list). */
  cloudFrontPrefixList: pulumi.Output<string>;
  account: pulumi.Output<{ accountId: string; partition: string }>;
  /** The load balancers' access-log bucket and the policy ELB needs before logging is on (made with the first service). */
  albLogs: () => LogBucket;
  /** CloudFront's standard-log bucket (made with the first public service). */
  cdnLogs: () => LogBucket;
}

export interface LogBucket {
  bucket: s3.Bucket;
  policy: s3.BucketPolicy;
  ownership: s3.BucketOwnershipControls;
}

export function network(stack: string, userTags: Record<string, string>): Network {
  const pulumiStack = pulumi.getStack();
  const tags = { ...userTags, "managed-by": "freehold", "freehold-stack": stack, "pulumi-stack": pulumiStack };
  const named = (role: string) => ({ ...tags, Name: `${stack}-${role}` });
  const zones = getAvailabilityZonesOutput({ filters: [{ name: "zone-type", values: ["availability-zone"] }], region }).names.apply((all) => [...all].sort().slice(0, 2));
  const vpc = new ec2.Vpc(`${stack}-vpc`, { cidrBlock: vpcCidr, enableDnsSupport: true, enableDnsHostnames: true, region, tags: named("vpc") });
  const subnet = (kind: string, i: number, cidrBlock: string) =>
    new ec2.Subnet(`${stack}-${kind}-${"ab"[i]}`, {
      vpcId: vpc.id,
      availabilityZone: zones.apply((z) => z[i] ?? ""),
      cidrBlock,
      mapPublicIpOnLaunch: false,
      region,
      tags: named(`${kind}-${"ab"[i]}`),
    });
  const privateSubnets = [subnet("private", 0, "10.0.0.0/19"), subnet("private", 1, "10.0.32.0/19")];
  const prefix = `${stack}-${pulumiStack}`;
  const subnetGroup = new rds.SubnetGroup(`${stack}-db-subnets`, {
    name: `${prefix}-db`,
    description: "Freehold databases: private subnets only",
    subnetIds: privateSubnets.map((s) => s.id),
    region,
    tags: named("db-subnets"),
  });
  const cluster = new ecs.Cluster(`${stack}-cluster`, { name: prefix, settings: [{ name: "containerInsights", value: "enabled" }], region, tags: named("cluster") });
  const igw = new ec2.InternetGateway(`${stack}-igw`, { vpcId: vpc.id, region, tags: named("igw") });
  const publicSubnets = [subnet("public", 0, "10.0.128.0/20"), subnet("public", 1, "10.0.144.0/20")];
  egress(stack, vpc, igw, publicSubnets, privateSubnets, named);
  const caller = getCallerIdentityOutput({});
  const account = caller.apply((c) => ({ accountId: c.accountId, partition: c.arn.split(":")[1] ?? "aws" }));
  const ecsTrust = caller.apply((c) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Service: "ecs-tasks.amazonaws.com" },
          Condition: { ArnLike: { "aws:SourceArn": `arn:${c.arn.split(":")[1]}:ecs:${region}:${c.accountId}:*` }, StringEquals: { "aws:SourceAccount": c.accountId } },
        },
      ],
    }),
  );
  const cloudFrontPrefixList = ec2.getManagedPrefixListOutput({ name: "com.amazonaws.global.cloudfront.origin-facing", region }).id;
  guardVpc(stack, prefix, vpc, account, named);
  const once = <T>(make: () => T) => {
    let made: T | undefined;
    return () => (made ??= make());
  };
  const albLogs = once(() => {
    const elb = getServiceAccountOutput({ region });
    return logBucket(stack, prefix, "alb-logs", named, (arn) =>
      pulumi.all([elb.arn, account]).apply(([principal, a]) => [
        { Sid: "ElasticLoadBalancingAccessLogs", Effect: "Allow", Principal: { AWS: principal }, Action: ["s3:PutObject"], Resource: `${arn}/alb/*/AWSLogs/${a.accountId}/*` },
      ]),
    );
  });
  const cdnLogs = once(() => logBucket(stack, prefix, "cdn-logs", named, () => pulumi.output([])));
  return { stack, prefix, tags, vpc, privateSubnets, subnetGroup, cluster, ecsTrust, cloudFrontPrefixList, account, albLogs, cdnLogs };
}

/** Flow logs of rejected traffic, the default security group emptied, the default network ACL refusing SSH and RDP. */
function guardVpc(stack: string, prefix: string, vpc: ec2.Vpc, account: Network["account"], named: (role: string) => Record<string, string>): void {
  const logGroup = new cloudwatch.LogGroup(`${stack}-flow-logs`, { name: `/freehold/${prefix}/vpc-flow-logs`, retentionInDays: logDays, region, tags: named("flow-logs") });
  const role = new iam.Role(`${stack}-flow-logs-role`, {
    name: `${prefix}-vpc-flow-logs`,
    description: `Freehold ${prefix}: VPC flow log delivery`,
    assumeRolePolicy: account.apply((a) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
            Condition: { ArnLike: { "aws:SourceArn": `arn:${a.partition}:ec2:${region}:${a.accountId}:vpc-flow-log/*` }, StringEquals: { "aws:SourceAccount": a.accountId } },
          },
        ],
      }),
    ),
    tags: named("flow-logs-role"),
  });
  const policy = new iam.RolePolicy(`${stack}-flow-logs-policy`, {
    role: role.name,
    name: "freehold-flow-logs",
    policy: logGroup.arn.apply((arn) => policyDocument([{ Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [arn, `${arn}:log-stream:*`] }])),
  });
  new ec2.FlowLog(
    `${stack}-flow-log`,
    { vpcId: vpc.id, trafficType: "REJECT", logDestinationType: "cloud-watch-logs", logDestination: logGroup.arn, iamRoleArn: role.arn, maxAggregationInterval: 600, region, tags: named("flow-log") },
    { dependsOn: [policy] },
  );
  new ec2.DefaultSecurityGroup(`${stack}-default-sg`, { vpcId: vpc.id, ingress: [], egress: [], region, tags: named("default-sg") });
  const entry = (ruleNo: number, action: string, port: number | undefined, v6: boolean) => ({
    ruleNo,
    action,
    protocol: port === undefined ? "-1" : "tcp",
    fromPort: port ?? 0,
    toPort: port ?? 0,
    ...(v6 ? { ipv6CidrBlock: "::/0" } : { cidrBlock: "0.0.0.0/0" }),
  });
  new ec2.DefaultNetworkAcl(`${stack}-default-nacl`, {
    defaultNetworkAclId: vpc.defaultNetworkAclId,
    ingress: [entry(100, "deny", 22, false), entry(101, "deny", 3389, false), entry(102, "deny", 22, true), entry(103, "deny", 3389, true), entry(200, "allow", undefined, false), entry(201, "allow", undefined, true)],
    egress: [entry(100, "allow", undefined, false), entry(101, "allow", undefined, true)],
    region,
    tags: named("default-nacl"),
  });
}

/** A private, encrypted, TLS-only log bucket emptied with the stack; ACLs only for CloudFront's delivery. */
function logBucket(stack: string, prefix: string, kind: "alb-logs" | "cdn-logs", named: (role: string) => Record<string, string>, delivery: (arn: string) => pulumi.Output<object[]>): LogBucket {
  const bucket = new s3.Bucket(`${stack}-${kind}`, { bucket: unique([prefix, `freehold.${kind}`], 63).replace(".", "-"), forceDestroy: true, region, tags: named(kind) });
  const on = { bucket: bucket.id, region };
  const pab = new s3.BucketPublicAccessBlock(`${stack}-${kind}-public-access-block`, { ...on, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
  const ownership = new s3.BucketOwnershipControls(`${stack}-${kind}-ownership`, { ...on, rule: { objectOwnership: kind === "cdn-logs" ? "BucketOwnerPreferred" : "BucketOwnerEnforced" } });
  new s3.BucketServerSideEncryptionConfiguration(`${stack}-${kind}-encryption`, { ...on, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
  new s3.BucketLifecycleConfiguration(`${stack}-${kind}-lifecycle`, {
    ...on,
    rules: [
      { id: "expire-logs", status: "Enabled", filter: { prefix: "" }, expiration: { days: logDays } },
      { id: "abort-incomplete-multipart-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
    ],
  });
  const policy = new s3.BucketPolicy(
    `${stack}-${kind}-policy`,
    {
      ...on,
      policy: bucket.arn.apply((arn) =>
        delivery(arn).apply((extra) =>
          policyDocument([
            { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: ["s3:*"], Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
            { Sid: "DenyOldTls", Effect: "Deny", Principal: "*", Action: ["s3:*"], Resource: [arn, `${arn}/*`], Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
            ...extra,
          ]),
        ),
      ),
    },
    { dependsOn: [pab] },
  );
  return { bucket, policy, ownership };
}

/** Public route table, one NAT gateway (first zone) for the private subnets, and the S3 gateway endpoint. */
function egress(stack: string, vpc: ec2.Vpc, igw: ec2.InternetGateway, publicSubnets: ec2.Subnet[], privateSubnets: ec2.Subnet[], named: (role: string) => Record<string, string>): void {
  const publicRt = new ec2.RouteTable(`${stack}-public-rt`, { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], region, tags: named("public-rt") });
  for (const [i, s] of publicSubnets.entries()) new ec2.RouteTableAssociation(`${stack}-public-${"ab"[i]}-rta`, { subnetId: s.id, routeTableId: publicRt.id, region });
  const eip = new ec2.Eip(`${stack}-nat-eip`, { domain: "vpc", region, tags: named("nat-eip") }, { dependsOn: [igw] });
  const nat = new ec2.NatGateway(
    `${stack}-nat`,
    { allocationId: eip.allocationId, subnetId: publicSubnets[0]?.id, connectivityType: "public", region, tags: named("nat") },
    { dependsOn: [igw] },
  );
  const privateRt = new ec2.RouteTable(`${stack}-private-rt`, { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], region, tags: named("private-rt") });
  for (const [i, s] of privateSubnets.entries()) new ec2.RouteTableAssociation(`${stack}-private-${"ab"[i]}-rta`, { subnetId: s.id, routeTableId: privateRt.id, region });
  new ec2.VpcEndpoint(`${stack}-s3-endpoint`, {
    vpcId: vpc.id,
    serviceName: `com.amazonaws.${region}.s3`,
    vpcEndpointType: "Gateway",
    routeTableIds: [privateRt.id],
    region,
    tags: named("s3-endpoint"),
  });
}

/** An application role's credentials: its password lives in a Secrets Manager secret with its SCRAM verifier. */
export interface RoleSecret {
  username: string;
  arn: pulumi.Output<string>;
  versionId: pulumi.Output<string>;
}

export interface Db {
  name: string;
  sg: ec2.SecurityGroup;
  instance: rds.Instance;
  /** The RDS-managed master secret: the role job only. */
  masterSecretArn: pulumi.Output<string>;
  app: RoleSecret;
  reader: RoleSecret;
  /** The role job, made for the first service that links the database; resolves when it has run. */
  roles: (net: Network) => pulumi.Output<string>;
}

export interface DbArgs {
  name: string;
  instanceClass: string;
  storageGiB: number;
  multiAz: boolean;
  backupDays: number;
}

export function database(net: Network, a: DbArgs): Db {
  const tags = { ...net.tags, "freehold-component": a.name };
  const identifier = fitName([net.prefix, a.name], 63);
  const sg = new ec2.SecurityGroup(`${a.name}-sg`, {
    name: `${net.prefix}-${a.name}-db`,
    description: "Freehold database: PostgreSQL from linked services only",
    vpcId: net.vpc.id,
    region,
    tags,
  });
  const params = new rds.ParameterGroup(`${a.name}-params`, {
    name: `${net.prefix}-${a.name}-postgres16`,
    family: "postgres16",
    description: "Freehold: TLS required",
    parameters: [{ name: "rds.force_ssl", value: "1" }],
    region,
    tags,
  });
  // Created before RDS would create them without retention.
  const logGroup = new cloudwatch.LogGroup(`${a.name}-logs`, { name: `/aws/rds/instance/${identifier}/postgresql`, retentionInDays: logDays, region, tags });
  const upgradeLogGroup = new cloudwatch.LogGroup(`${a.name}-upgrade-logs`, { name: `/aws/rds/instance/${identifier}/upgrade`, retentionInDays: logDays, region, tags });
  // A new final snapshot name for every instance, so a re-created one never finds the last one's snapshot.
  const snapshotId = new random.RandomId(`${a.name}-final-snapshot-id`, { byteLength: 4, keepers: { identifier, dbName: "app", username: "freehold", engine: "postgres" } });
  const instance = dbInstance(net, a, { identifier, sg, params, logGroups: [logGroup, upgradeLogGroup], snapshotId, tags });
  const masterSecretArn = instance.masterUserSecrets.apply((s) => s[0]?.secretArn ?? "");
  const app = roleSecret(net, a.name, "app", "app", tags);
  const reader = roleSecret(net, a.name, "reader", "app_read", tags);
  let job: pulumi.Output<string> | undefined;
  const roles = (n: Network) => (job ??= roleJob(n, { name: a.name, sg, instance, masterSecretArn, app, reader }, tags));
  return { name: a.name, sg, instance, masterSecretArn, app, reader, roles };
}

interface InstanceParts {
  identifier: string;
  sg: ec2.SecurityGroup;
  params: rds.ParameterGroup;
  logGroups: cloudwatch.LogGroup[];
  snapshotId: random.RandomId;
  tags: Record<string, string>;
}

function dbInstance(net: Network, a: DbArgs, p: InstanceParts): rds.Instance {
  return new rds.Instance(
    `${a.name}-instance`,
    {
      identifier: p.identifier,
      engine: "postgres",
      engineVersion: "16",
      instanceClass: a.instanceClass,
      allocatedStorage: a.storageGiB,
      maxAllocatedStorage: a.storageGiB * 2,
      storageType: "gp3",
      storageEncrypted: true,
      publiclyAccessible: false,
      dbSubnetGroupName: net.subnetGroup.name,
      vpcSecurityGroupIds: [p.sg.id],
      parameterGroupName: p.params.name,
      port: 5432,
      dbName: "app",
      username: "freehold",
      manageMasterUserPassword: true,
      backupRetentionPeriod: a.backupDays,
      multiAz: a.multiAz,
      applyImmediately: true,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: pulumi.interpolate`${p.identifier}-final-${p.snapshotId.hex}`,
      deleteAutomatedBackups: false,
      copyTagsToSnapshot: true,
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: true,
      // Past standard support, keep the version (billed) rather than be upgraded unasked.
      engineLifecycleSupport: "open-source-rds-extended-support",
      caCertIdentifier: "rds-ca-rsa2048-g1",
      region,
      tags: p.tags,
    },
    { protect: true, retainOnDelete: true, dependsOn: p.logGroups },
  );
}

function roleSecret(net: Network, db: string, key: string, username: string, tags: Record<string, string>): RoleSecret {
  const password = new random.RandomPassword(`${db}-${key}-password`, { length: 40, special: false, minLower: 1, minUpper: 1, minNumeric: 1 });
  const secret = new secretsmanager.Secret(`${db}-${key}-secret`, {
    name: `freehold/${net.prefix}/${db}/${username}`,
    description: `Freehold ${net.prefix}/${db}: PostgreSQL role ${username}`,
    recoveryWindowInDays: 0,
    region,
    tags,
  });
  const value = new secretsmanager.SecretVersion(`${db}-${key}-secret-value`, {
    secretId: secret.id,
    secretString: pulumi.secret(password.result.apply((p) => JSON.stringify({ username, password: p, verifier: scramVerifier(p) }))),
    region,
  });
  return { username, arn: secret.arn, versionId: value.versionId };
}

export interface Store {
  name: string;
  bucket: s3.Bucket;
}

export interface StoreArgs {
  name: string;
  lifecycle: Array<{ prefix: string; days: number }>;
  cors: Array<{ allowedOrigins: string[]; allowedMethods: string[] }>;
}

export function objectStore(net: Network, a: StoreArgs): Store {
  const tags = { ...net.tags, "freehold-component": a.name };
  const keep = { retainOnDelete: true };
  const bucket = new s3.Bucket(`${a.name}-bucket`, { bucket: unique([net.prefix, a.name], 63), forceDestroy: false, region, tags }, { protect: true, retainOnDelete: true });
  const on = { bucket: bucket.id, region };
  const pab = new s3.BucketPublicAccessBlock(`${a.name}-public-access-block`, { ...on, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, keep);
  new s3.BucketOwnershipControls(`${a.name}-ownership`, { ...on, rule: { objectOwnership: "BucketOwnerEnforced" } }, keep);
  new s3.BucketServerSideEncryptionConfiguration(`${a.name}-encryption`, { ...on, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, keep);
  const versioning = new s3.BucketVersioning(`${a.name}-versioning`, { ...on, versioningConfiguration: { status: "Enabled" } }, keep);
  const expiry = a.lifecycle.map((r, i) => ({
    id: `expire-${i + 1}`,
    status: "Enabled",
    filter: { prefix: r.prefix },
    expiration: { days: r.days },
    noncurrentVersionExpiration: { noncurrentDays: r.days },
  }));
  const abort = { id: "abort-incomplete-multipart-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } };
  const previous = { id: "expire-previous-versions", status: "Enabled", filter: { prefix: "" }, expiration: { expiredObjectDeleteMarker: true }, noncurrentVersionExpiration: { noncurrentDays: 30 } };
  new s3.BucketLifecycleConfiguration(`${a.name}-lifecycle`, { ...on, rules: [abort, previous, ...expiry] }, { ...keep, dependsOn: [versioning] });
  if (a.cors.length) {
    new s3.BucketCorsConfiguration(`${a.name}-cors`, { ...on, corsRules: a.cors.map((r) => ({ ...r, allowedHeaders: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 3600 })) }, keep);
  }
  const policy = bucket.arn.apply((arn) => {
    const deny = (Sid: string, Action: string[], Resource: string | string[], Condition?: object) => ({ Sid, Effect: "Deny", Principal: "*", Action, Resource, ...(Condition ? { Condition } : {}) });
    return JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        deny("DenyInsecureTransport", ["s3:*"], [arn, `${arn}/*`], { Bool: { "aws:SecureTransport": "false" } }),
        deny("DenyOldTls", ["s3:*"], [arn, `${arn}/*`], { NumericLessThan: { "s3:TlsVersion": "1.2" } }),
        deny("DenyBucketDeletion", ["s3:DeleteBucket"], arn),
      ],
    });
  });
  new s3.BucketPolicy(`${a.name}-policy`, { ...on, policy }, { ...keep, dependsOn: [pab] });
  return { name: a.name, bucket };
}

/** What a task runs and is granted: a web service's, a worker's or a scheduled job's. */
export interface TaskArgs {
  name: string;
  image: string;
  cpu: string;
  memory: string;
  env: Record<string, string>;
  user?: string;
  /** The container's command (the image's entry point is kept). */
  args?: string[];
  /** The port a web service listens on; a worker or a job has none. */
  port?: number;
  db: Db;
  store?: Store;
  storeAccess?: "read" | "readWrite";
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

const policyDocument = (Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

interface TaskRoles {
  logGroup: cloudwatch.LogGroup;
  executionRole: iam.Role;
  taskRole: iam.Role;
  policies: iam.RolePolicy[];
  /** The policies' documents, in order (the propagation wait's trigger). */
  documents: pulumi.Output<string>[];
  /** Waits for IAM to propagate the policies (eventually consistent) before the service starts tasks. */
  propagation?: time.Sleep;
}

/** The log group, the execution role (logs, the database's secrets) and the task role (the linked bucket). */
function taskRoles(net: Network, a: TaskArgs, tags: Record<string, string>, extra = false): TaskRoles {
  const logGroup = new cloudwatch.LogGroup(`${a.name}-logs`, { name: `/freehold/${net.prefix}/${a.name}`, retentionInDays: logDays, region, tags });
  const role = (kind: string, what: string) =>
    new iam.Role(`${a.name}-${kind === "exec" ? "execution" : "task"}-role`, {
      name: fitName([net.prefix, a.name, kind], 64),
      description: `Freehold ${net.prefix}/${a.name}: ${what}`,
      assumeRolePolicy: net.ecsTrust,
      tags,
    });
  const executionRole = role("exec", "ECS agent (logs, linked secrets, image pull)");
  const taskRole = role("task", "the application (linked buckets only)");
  const objectActions = a.storeAccess === "read" ? ["s3:GetObject"] : ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"];
  const logs = logGroup.arn.apply((arn) => policyDocument([{ Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [arn, `${arn}:log-stream:*`] }]));
  // The application role's own secret only: the master secret is the role job's.
  const secrets = a.db.app.arn.apply((arn) => policyDocument([{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: arn }]));
  const store = a.store;
  const bucket = store?.bucket.arn.apply((arn) =>
    policyDocument([
      { Effect: "Allow", Action: ["s3:ListBucket"], Resource: arn },
      { Effect: "Allow", Action: objectActions, Resource: `${arn}/*` },
    ]),
  );
  const policy = (name: string, target: iam.Role, policyName: string, document: pulumi.Output<string>) => new iam.RolePolicy(name, { role: target.name, name: policyName, policy: document });
  const policies = [
    policy(`${a.name}-execution-policy`, executionRole, "freehold-execution", logs),
    policy(`${a.name}-${a.db.name}-secret`, executionRole, `freehold-link-${a.db.name}`, secrets),
    ...(store && bucket ? [policy(`${a.name}-${store.name}-access`, taskRole, `freehold-link-${store.name}`, bucket)] : []),
  ];
  const documents = bucket ? [logs, secrets, bucket] : [logs, secrets];
  // A scheduled job waits for its state machine's policy too: it makes its own wait.
  const propagation = extra ? undefined : iamWait(a.name, policies, documents);
  return { logGroup, executionRole, taskRole, policies, documents, propagation };
}

/** Waits for IAM to propagate the policies (eventually consistent) before anything starts a task. */
function iamWait(name: string, policies: iam.RolePolicy[], documents: pulumi.Output<string>[]): time.Sleep {
  return new time.Sleep(`${name}-iam-propagation`, { createDuration: "15s", triggers: { policies: pulumi.all(documents).apply((d) => d.join("\n")) } }, { dependsOn: policies });
}

// Images pinned by digest, from the Docker Official Images' mirror on Amazon ECR Public.
const POSTGRES = "public.ecr.aws/docker/library/postgres:17-alpine@sha256:d4bb0a8c1b7bb2e29f976d099e7bfb9a5d8858cffe9e46b35cd302cd1f1f8168";
const ALPINE = "public.ecr.aws/docker/library/alpine:3.24.2@sha256:3cf95fe0816180395592b8373f3ec60663f076127617bbacb4eacf9667afe2e9";
const TLS_DIR = "/etc/freehold/tls";
const CA_FILE = `${TLS_DIR}/database-ca.pem`;
const CA_BUNDLE = rdsCaBundle(region) ?? "";

const awslogs = (group: string, prefix: string) => ({ logDriver: "awslogs", options: { "awslogs-group": group, "awslogs-region": region, "awslogs-stream-prefix": prefix } });
/** /tmp any user can write on a read-only root: a tmpfs of a quarter of the task's memory (64 MiB to 2 GiB). */
const tmpfs = (memory: string) => ({ tmpfs: [{ containerPath: "/tmp", size: Math.min(2048, Math.max(64, Math.floor(Number(memory) / 4))), mountOptions: ["mode=1777", "nosuid", "nodev"] }] });

/** Writes the RDS CA bundle to the task's TLS volume before the other containers start. */
function prepareContainer(logGroup: string) {
  return {
    name: "freehold-prepare",
    image: ALPINE,
    essential: false,
    privileged: false,
    readonlyRootFilesystem: true,
    user: "0:0",
    linuxParameters: { capabilities: { drop: ["ALL"] } },
    command: ["sh", "-c", 'set -eu\numask 022\ntest -n "$FREEHOLD_DATABASE_CA"\nprintf \'%s\' "$FREEHOLD_DATABASE_CA" > "$FREEHOLD_CA_FILE"\necho "freehold: database certificate authorities written to $FREEHOLD_CA_FILE"'],
    environment: [
      { name: "FREEHOLD_CA_FILE", value: CA_FILE },
      { name: "FREEHOLD_DATABASE_CA", value: CA_BUNDLE },
    ],
    mountPoints: [{ sourceVolume: "freehold-tls", containerPath: TLS_DIR, readOnly: false }],
    logConfiguration: awslogs(logGroup, "freehold-prepare"),
  };
}

// The function that runs the role job during `up`: starts the task, waits for it to stop, fails unless it exited 0.
const RUNNER = `import { DescribeTasksCommand, ECSClient, RunTaskCommand } from "@aws-sdk/client-ecs";
const ecs = new ECSClient({});
export const handler = async (e) => {
  const run = await ecs.send(new RunTaskCommand({ cluster: e.cluster, taskDefinition: e.taskDefinition, launchType: "FARGATE", networkConfiguration: { awsvpcConfiguration: { subnets: e.subnets, securityGroups: e.securityGroups, assignPublicIp: "DISABLED" } } }));
  const arn = run.tasks?.[0]?.taskArn;
  if (!arn) throw new Error("the role job did not start: " + JSON.stringify(run.failures));
  for (const end = Date.now() + e.timeoutSeconds * 1000; Date.now() < end; await new Promise((r) => setTimeout(r, e.pollSeconds * 1000))) {
    const task = (await ecs.send(new DescribeTasksCommand({ cluster: e.cluster, tasks: [arn] }))).tasks?.[0];
    if (task?.lastStatus !== "STOPPED") continue;
    const c = task.containers?.find((x) => x.name === e.container);
    if (c?.exitCode === 0) return { ok: true };
    throw new Error("the role job failed (exit " + c?.exitCode + "): see " + e.logGroup);
  }
  throw new Error("the role job did not finish in time");
};`;

interface JobDb {
  name: string;
  sg: ec2.SecurityGroup;
  instance: rds.Instance;
  masterSecretArn: pulumi.Output<string>;
  app: RoleSecret;
  reader: RoleSecret;
}

/** The database's roles, set up once by a Fargate task (the only reader of the master secret) that a Lambda invocation runs and awaits. */
function roleJob(net: Network, db: JobDb, tags: Record<string, string>): pulumi.Output<string> {
  const physical = `${net.prefix}-${db.name}-roles`;
  const group = `/freehold/${net.prefix}/${db.name}-roles`;
  const logGroup = new cloudwatch.LogGroup(`${db.name}-roles-logs`, { name: group, retentionInDays: logDays, region, tags });
  const executionRole = new iam.Role(`${db.name}-roles-execution-role`, {
    name: `${physical}-exec`,
    description: `Freehold ${net.prefix}/${db.name}: the database role job (logs, the master and role secrets)`,
    assumeRolePolicy: net.ecsTrust,
    tags,
  });
  const executionDoc = pulumi.all([logGroup.arn, db.masterSecretArn, db.app.arn, db.reader.arn]).apply(([arn, ...secrets]) =>
    policyDocument([
      { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [arn, `${arn}:log-stream:*`] },
      { Sid: "Secrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secrets },
    ]),
  );
  const executionPolicy = new iam.RolePolicy(`${db.name}-roles-execution-policy`, { role: executionRole.name, name: "freehold-role-job", policy: executionDoc });
  const sg = new ec2.SecurityGroup(`${db.name}-roles-sg`, {
    name: physical,
    description: "Freehold database role job: the database, and HTTPS to AWS APIs and ECR Public",
    vpcId: net.vpc.id,
    egress: [
      { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "image pull, Secrets Manager, CloudWatch Logs" },
      { protocol: "tcp", fromPort: 5432, toPort: 5432, securityGroups: [db.sg.id], description: "the database" },
    ],
    region,
    tags,
  });
  const ingress = new vpc.SecurityGroupIngressRule(`${db.name}-roles-ingress`, {
    securityGroupId: db.sg.id,
    referencedSecurityGroupId: sg.id,
    ipProtocol: "tcp",
    fromPort: 5432,
    toPort: 5432,
    description: "Freehold: the database role job",
    region,
    tags,
  });
  const containers = pulumi.all([db.instance.address, db.masterSecretArn, db.app.arn, db.app.versionId, db.reader.arn, db.reader.versionId]).apply(([host, master, appArn, appVersion, readArn, readVersion]) =>
    JSON.stringify([
      prepareContainer(group),
      {
        name: "roles",
        image: POSTGRES,
        essential: true,
        privileged: false,
        readonlyRootFilesystem: true,
        user: "70:70",
        command: ["sh", "-c", roleJobCommand(ROLE_SETUP_SQL)],
        environment: Object.entries({ HOME: "/tmp", PGCONNECT_TIMEOUT: "10", PGDATABASE: "app", PGHOST: host, PGPORT: "5432", PGUSER: "freehold", PGSSLMODE: "verify-full", PGSSLROOTCERT: CA_FILE }).map(([name, value]) => ({ name, value })),
        secrets: [
          { name: "FREEHOLD_APP_VERIFIER", valueFrom: `${appArn}:verifier::${appVersion}` },
          { name: "FREEHOLD_READ_VERIFIER", valueFrom: `${readArn}:verifier::${readVersion}` },
          { name: "PGPASSWORD", valueFrom: `${master}:password::` },
        ],
        linuxParameters: tmpfs("512"),
        mountPoints: [{ sourceVolume: "freehold-tls", containerPath: TLS_DIR, readOnly: true }],
        dependsOn: [{ containerName: "freehold-prepare", condition: "SUCCESS" }],
        logConfiguration: awslogs(group, "roles"),
      },
    ]),
  );
  const task = new ecs.TaskDefinition(
    `${db.name}-roles-task`,
    {
      family: physical,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: executionRole.arn,
      volumes: [{ name: "freehold-tls" }],
      containerDefinitions: containers,
      region,
      tags,
    },
    { dependsOn: [logGroup] },
  );
  // The runner: a Lambda function allowed to start that task definition in this cluster, watch it and pass its role.
  const runnerLogGroup = new cloudwatch.LogGroup(`${db.name}-roles-runner-logs`, { name: `/aws/lambda/${physical}`, retentionInDays: logDays, region, tags });
  const runnerRole = new iam.Role(`${db.name}-roles-runner-role`, {
    name: `${physical}-run`,
    description: `Freehold ${net.prefix}/${db.name}: runs the database role job`,
    assumeRolePolicy: net.account.apply((a) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Principal: { Service: "lambda.amazonaws.com" },
            Condition: { ArnLike: { "aws:SourceArn": `arn:${a.partition}:lambda:${region}:${a.accountId}:function:${physical}` }, StringEquals: { "aws:SourceAccount": a.accountId } },
          },
        ],
      }),
    ),
    tags,
  });
  const runnerDoc = pulumi.all([net.account, net.cluster.arn, net.cluster.name, executionRole.arn, runnerLogGroup.arn]).apply(([a, clusterArn, clusterName, execArn, logArn]) => {
    const inCluster = { ArnEquals: { "ecs:cluster": clusterArn } };
    return policyDocument([
      { Sid: "RunTheJob", Effect: "Allow", Action: ["ecs:RunTask"], Resource: `arn:${a.partition}:ecs:${region}:${a.accountId}:task-definition/${physical}:*`, Condition: inCluster },
      { Sid: "WatchTheJob", Effect: "Allow", Action: ["ecs:DescribeTasks", "ecs:StopTask"], Resource: `arn:${a.partition}:ecs:${region}:${a.accountId}:task/${clusterName}/*`, Condition: inCluster },
      { Sid: "PassTheJobRole", Effect: "Allow", Action: ["iam:PassRole"], Resource: execArn, Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
      { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [logArn, `${logArn}:log-stream:*`] },
    ]);
  });
  const runnerPolicy = new iam.RolePolicy(`${db.name}-roles-runner-policy`, { role: runnerRole.name, name: "freehold-role-job-runner", policy: runnerDoc });
  const runner = new lambda.Function(
    `${db.name}-roles-runner`,
    {
      name: physical,
      description: `Freehold ${net.prefix}/${db.name}: runs the database role job and waits for it`,
      runtime: "nodejs24.x",
      architectures: ["arm64"],
      handler: "index.handler",
      code: new pulumi.asset.AssetArchive({ "index.mjs": new pulumi.asset.StringAsset(RUNNER) }),
      role: runnerRole.arn,
      timeout: 900,
      memorySize: 128,
      loggingConfig: { logFormat: "Text", logGroup: runnerLogGroup.name },
      region,
      tags,
    },
    { dependsOn: [runnerLogGroup] },
  );
  const propagation = new time.Sleep(
    `${db.name}-roles-iam-propagation`,
    { createDuration: "15s", triggers: { policies: pulumi.all([executionDoc, runnerDoc]).apply((d) => d.join("\n")) } },
    { dependsOn: [executionPolicy, runnerPolicy] },
  );
  const input = pulumi.all([net.cluster.arn, task.arn, pulumi.all(net.privateSubnets.map((x) => x.id)), sg.id]).apply(([cluster, taskDefinition, subnets, group2]) =>
    JSON.stringify({ cluster, taskDefinition, subnets, securityGroups: [group2], container: "roles", logGroup: group, pollSeconds: 5, timeoutSeconds: 840 }),
  );
  const run = new lambda.Invocation(`${db.name}-roles-run`, { functionName: runner.name, input, region }, { dependsOn: [db.instance, ingress, propagation] });
  return run.result.apply(() => "ready");
}

/** The application container (after the CA bundle is written), then the preparation container. */
function containerDefinitions(net: Network, a: TaskArgs, logGroup: string): pulumi.Output<string> {
  const role = a.db.app;
  return pulumi.all([a.db.instance.address, role.arn, role.versionId, a.store?.bucket.bucket ?? "", a.db.roles(net)]).apply(([host, arn, version, bucket]) => {
    const env: Record<string, string> = {
      ...a.env,
      DATABASE_HOST: host,
      DATABASE_PORT: "5432",
      DATABASE_NAME: "app",
      DATABASE_USER: role.username,
      DATABASE_SSLMODE: "verify-full",
      DATABASE_SSLROOTCERT: CA_FILE,
      ...(a.store ? { OBJECT_STORE_PROVIDER: "s3", OBJECT_STORE_BUCKET: bucket, OBJECT_STORE_ENDPOINT: `https://s3.${region}.amazonaws.com`, OBJECT_STORE_ACCESS: a.storeAccess ?? "read" } : {}),
    };
    const app = {
      name: "app",
      image: a.image,
      essential: true,
      privileged: false,
      readonlyRootFilesystem: true,
      ...(a.user ? { user: a.user } : {}),
      ...(a.args ? { command: a.args } : {}),
      portMappings: a.port === undefined ? [] : [{ containerPort: a.port, protocol: "tcp" }],
      environment: Object.keys(env).sort().map((name) => ({ name, value: env[name] })),
      secrets: [{ name: "DATABASE_PASSWORD", valueFrom: `${arn}:password::${version}` }],
      linuxParameters: tmpfs(a.memory),
      mountPoints: [{ sourceVolume: "freehold-tls", containerPath: TLS_DIR, readOnly: true }],
      dependsOn: [{ containerName: "freehold-prepare", condition: "SUCCESS" }],
      logConfiguration: awslogs(logGroup, "app"),
    };
    return JSON.stringify([app, prepareContainer(logGroup)]);
  });
}

interface Front {
  lbSg: ec2.SecurityGroup;
  targetGroup: lb.TargetGroup;
  http: lb.Listener;
  url: pulumi.Output<string>;
}

/** An internal ALB: reachable from CloudFront's VPC origin (public services) or from inside the VPC only. */
function loadBalancer(net: Network, a: WebArgs, tags: Record<string, string>): Front {
  const s = net.prefix;
  const lbSg = new ec2.SecurityGroup(`${a.name}-lb-sg`, {
    name: `${s}-${a.name}-${a.public ? "lb-cdn" : "lb-int"}`,
    description: `Freehold load balancer: HTTP from ${a.public ? "CloudFront VPC origins only" : "inside the VPC only"}`,
    vpcId: net.vpc.id,
    ingress: [
      a.public
        ? { protocol: "tcp", fromPort: 80, toPort: 80, prefixListIds: [net.cloudFrontPrefixList], description: "CloudFront VPC origin (origin-facing prefix list)" }
        : { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: [vpcCidr], description: "the VPC" },
    ],
    region,
    tags,
  });
  const alb = new lb.LoadBalancer(`${a.name}-lb`, {
    name: fitName([s, a.name, "int"], 32),
    loadBalancerType: "application",
    internal: true,
    subnets: net.privateSubnets.map((x) => x.id),
    securityGroups: [lbSg.id],
    dropInvalidHeaderFields: true,
    accessLogs: { bucket: net.albLogs().bucket.bucket, prefix: `alb/${a.name}`, enabled: true },
    region,
    tags,
  }, { dependsOn: [net.albLogs().policy] });
  // One target group per load balancer, on a fixed port (the container port is the service's).
  const targetGroup = new lb.TargetGroup(`${a.name}-tg`, {
    name: unique([s, a.name, "int"], 32),
    port: 80,
    protocol: "HTTP",
    targetType: "ip",
    vpcId: net.vpc.id,
    deregistrationDelay: 30,
    healthCheck: { enabled: true, path: a.healthPath, protocol: "HTTP", matcher: "200-399", interval: 30, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
    region,
    tags,
  });
  const http = new lb.Listener(`${a.name}-http`, { loadBalancerArn: alb.arn, port: 80, protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }], region, tags });
  const url = a.public ? cdn(net, a, alb, http, tags) : pulumi.interpolate`http://${alb.dnsName}`;
  return { lbSg, targetGroup, http, url };
}

/** CloudFront with a VPC origin on the internal ALB: HTTPS at the edge, nothing cached, security headers added. */
function cdn(net: Network, a: WebArgs, alb: lb.LoadBalancer, http: lb.Listener, tags: Record<string, string>): pulumi.Output<string> {
  const logs = net.cdnLogs();
  const origin = new cloudfront.VpcOrigin(
    `${a.name}-vpc-origin`,
    {
      vpcOriginEndpointConfig: {
        name: fitName([net.prefix, a.name], 64),
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
  const distribution = new cloudfront.Distribution(`${a.name}-cdn`, {
    enabled: true,
    comment: `Freehold ${net.prefix}/${a.name}`,
    httpVersion: "http2and3",
    isIpv6Enabled: true,
    priceClass: "PriceClass_100",
    origins: [{ originId: "alb", domainName: alb.dnsName, vpcOriginConfig: { vpcOriginId: origin.id } }],
    defaultCacheBehavior: {
      targetOriginId: "alb",
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
      cachedMethods: ["GET", "HEAD"],
      cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", // CachingDisabled
      originRequestPolicyId: "33f36d7e-f396-46d9-90e0-52428a34d9dc", // AllViewerAndCloudFrontHeaders-2022-06
      responseHeadersPolicyId: "67f7725c-6f97-4210-82d7-5512b31e9d03", // SecurityHeadersPolicy
      compress: true,
    },
    restrictions: { geoRestriction: { restrictionType: "none" } },
    viewerCertificate: { cloudfrontDefaultCertificate: true },
    loggingConfig: { bucket: logs.bucket.bucketDomainName, prefix: `cdn/${a.name}/`, includeCookies: false },
    tags,
  }, { dependsOn: [logs.ownership, logs.policy] });
  return pulumi.interpolate`https://${distribution.domainName}`;
}

/** The task definition: the application container after the step that writes the database's CA bundle. */
function fargateTask(net: Network, a: TaskArgs, roles: TaskRoles, tags: Record<string, string>): ecs.TaskDefinition {
  return new ecs.TaskDefinition(
    `${a.name}-task`,
    {
      family: `${net.prefix}-${a.name}`,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: a.cpu,
      memory: a.memory,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: roles.executionRole.arn,
      taskRoleArn: roles.taskRole.arn,
      volumes: [{ name: "freehold-tls" }],
      containerDefinitions: containerDefinitions(net, a, `/freehold/${net.prefix}/${a.name}`),
      region,
      tags,
    },
    { dependsOn: [roles.logGroup] },
  );
}

/** The linked database admits the tasks' security group on 5432. */
function databaseIngress(a: TaskArgs, sg: ec2.SecurityGroup, tags: Record<string, string>): void {
  new vpc.SecurityGroupIngressRule(`${a.name}-${a.db.name}-ingress`, {
    securityGroupId: a.db.sg.id,
    referencedSecurityGroupId: sg.id,
    ipProtocol: "tcp",
    fromPort: 5432,
    toPort: 5432,
    description: `Freehold: ${a.name} to ${a.db.name}`,
    region,
    tags,
  });
}

export function webService(net: Network, a: WebArgs): pulumi.Output<string> {
  const tags = { ...net.tags, "freehold-component": a.name };
  const roles = taskRoles(net, a, tags);
  const taskDefinition = fargateTask(net, { ...a, port: 8080 }, roles, tags);
  const front = loadBalancer(net, a, tags);
  const serviceSg = new ec2.SecurityGroup(`${a.name}-sg`, {
    name: `${net.prefix}-${a.name}-tasks`,
    description: "Freehold service tasks: container port from the load balancer only",
    vpcId: net.vpc.id,
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "image pulls, AWS APIs, linked databases" }],
    region,
    tags,
  });
  // Rules of their own between load balancer and tasks: a port change adds the new one before removing the old.
  new vpc.SecurityGroupIngressRule(`${a.name}-from-lb-8080`, { securityGroupId: serviceSg.id, referencedSecurityGroupId: front.lbSg.id, ipProtocol: "tcp", fromPort: 8080, toPort: 8080, description: "from the load balancer", region, tags });
  new vpc.SecurityGroupEgressRule(`${a.name}-lb-to-tasks-8080`, { securityGroupId: front.lbSg.id, referencedSecurityGroupId: serviceSg.id, ipProtocol: "tcp", fromPort: 8080, toPort: 8080, description: "to the tasks", region, tags });
  databaseIngress(a, serviceSg, tags);
  ecsService(net, a, { taskDefinition, front, serviceSg, roles, tags });
  return front.url;
}

interface ServiceParts {
  taskDefinition: ecs.TaskDefinition;
  front: Front;
  serviceSg: ec2.SecurityGroup;
  roles: TaskRoles;
  tags: Record<string, string>;
}

/** The Fargate service in the private subnets, and CPU target tracking between min and max. */
function ecsService(net: Network, a: WebArgs, p: ServiceParts): void {
  const service = new ecs.Service(
    `${a.name}-service`,
    {
      name: `${net.prefix}-${a.name}`,
      cluster: net.cluster.arn,
      taskDefinition: p.taskDefinition.arn,
      desiredCount: a.min,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      networkConfiguration: { subnets: net.privateSubnets.map((x) => x.id), securityGroups: [p.serviceSg.id], assignPublicIp: false },
      loadBalancers: [{ targetGroupArn: p.front.targetGroup.arn, containerName: "app", containerPort: 8080 }],
      healthCheckGracePeriodSeconds: 120,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      enableExecuteCommand: false,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      waitForSteadyState: true,
      region,
      tags: p.tags,
    },
    { dependsOn: [p.front.http, ...p.roles.policies, ...(p.roles.propagation ? [p.roles.propagation] : [])], ignoreChanges: ["desiredCount"] },
  );
  cpuScaling(net, a, service, p.tags);
}

/** Application Auto Scaling: target tracking on the service's average CPU (60%) between min and max. */
function cpuScaling(net: Network, a: { name: string; min: number; max: number }, service: ecs.Service, tags: Record<string, string>): void {
  const target = new appautoscaling.Target(`${a.name}-scaling`, {
    serviceNamespace: "ecs",
    scalableDimension: "ecs:service:DesiredCount",
    resourceId: pulumi.interpolate`service/${net.cluster.name}/${service.name}`,
    minCapacity: a.min,
    maxCapacity: a.max,
    region,
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
    region,
  });
}

/** Tasks that take no connections: a security group with no inbound rule, egress for image pulls, AWS APIs and the database. */
function egressOnly(net: Network, a: TaskArgs, what: string, tags: Record<string, string>): ec2.SecurityGroup {
  return new ec2.SecurityGroup(`${a.name}-sg`, {
    name: `${net.prefix}-${a.name}-tasks`,
    description: `Freehold ${what} tasks: no inbound connections`,
    vpcId: net.vpc.id,
    ingress: [],
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "image pulls, AWS APIs, linked databases" }],
    region,
    tags,
  });
}

/** A worker: a Fargate service with no load balancer, scaled on CPU between min and max. */
export function worker(net: Network, a: TaskArgs & { min: number; max: number }): void {
  const tags = { ...net.tags, "freehold-component": a.name };
  const roles = taskRoles(net, a, tags);
  const taskDefinition = fargateTask(net, a, roles, tags);
  const sg = egressOnly(net, a, "worker", tags);
  databaseIngress(a, sg, tags);
  const service = new ecs.Service(
    `${a.name}-service`,
    {
      name: `${net.prefix}-${a.name}`,
      cluster: net.cluster.arn,
      taskDefinition: taskDefinition.arn,
      desiredCount: a.min,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      networkConfiguration: { subnets: net.privateSubnets.map((x) => x.id), securityGroups: [sg.id], assignPublicIp: false },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      enableExecuteCommand: false,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      waitForSteadyState: true,
      region,
      tags,
    },
    { dependsOn: [...roles.policies, ...(roles.propagation ? [roles.propagation] : [])], ignoreChanges: ["desiredCount"] },
  );
  cpuScaling(net, a, service, tags);
}

/** A trust policy for an AWS service, held to this account and to the one resource that may assume the role. */
function serviceTrust(service: string, sourceArn: (account: { accountId: string; partition: string }) => string, net: Network): pulumi.Output<string> {
  return net.account.apply((c) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: service }, Condition: { StringEquals: { "aws:SourceAccount": c.accountId }, ArnLike: { "aws:SourceArn": sourceArn(c) } } }],
    }),
  );
}

/**
 * A scheduled job: EventBridge Scheduler (cron in the job's time zone) starts a Step Functions state machine that runs the
 * Fargate task and waits for it, stopping it after the timeout and running a failed run again up to `retries` times.
 */
export function scheduledJob(net: Network, a: TaskArgs & { cron: string; timeZone: string; schedule: string; timeoutSeconds: number; retries: number }): void {
  const tags = { ...net.tags, "freehold-component": a.name };
  const roles = taskRoles(net, a, tags, true);
  const taskDefinition = fargateTask(net, a, roles, tags);
  const sg = egressOnly(net, a, "scheduled job", tags);
  databaseIngress(a, sg, tags);
  const smName = `${net.prefix}-${a.name}`;
  const scheduleName = `${net.prefix}-${a.name}`;
  const smRole = new iam.Role(`${a.name}-state-machine-role`, {
    name: fitName([net.prefix, a.name, "sfn"], 64),
    description: `Freehold ${net.prefix}/${a.name}: runs the job's task`,
    assumeRolePolicy: serviceTrust("states.amazonaws.com", (c) => `arn:${c.partition}:states:${region}:${c.accountId}:stateMachine:${smName}`, net),
    tags,
  });
  const smDocument = pulumi.all([net.account, net.cluster.name, net.cluster.arn, taskDefinition.family, roles.executionRole.arn, roles.taskRole.arn]).apply(([c, cluster, clusterArn, family, exec, task]) => {
    const arn = (service: string, resource: string) => `arn:${c.partition}:${service}:${region}:${c.accountId}:${resource}`;
    return policyDocument([
      { Sid: "RunTheJobsTask", Effect: "Allow", Action: ["ecs:RunTask"], Resource: arn("ecs", `task-definition/${family}:*`), Condition: { ArnEquals: { "ecs:cluster": clusterArn } } },
      { Sid: "WatchAndStopItsTasks", Effect: "Allow", Action: ["ecs:DescribeTasks", "ecs:StopTask"], Resource: arn("ecs", `task/${cluster}/*`) },
      { Sid: "TagTheTasksItStarts", Effect: "Allow", Action: ["ecs:TagResource"], Resource: arn("ecs", `task/${cluster}/*`), Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } } },
      { Sid: "PassTheTaskRoles", Effect: "Allow", Action: ["iam:PassRole"], Resource: [exec, task], Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
      { Sid: "SyncRule", Effect: "Allow", Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"], Resource: arn("events", "rule/StepFunctionsGetEventsForECSTaskRule") },
      {
        Sid: "DeliverItsLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"],
        Resource: "*",
      },
    ]);
  });
  const smPolicy = new iam.RolePolicy(`${a.name}-state-machine-policy`, { role: smRole.name, name: "freehold-run-job", policy: smDocument });
  const schedRole = new iam.Role(`${a.name}-scheduler-role`, {
    name: fitName([net.prefix, a.name, "sched"], 64),
    description: `Freehold ${net.prefix}/${a.name}: the schedule that starts the job`,
    assumeRolePolicy: serviceTrust("scheduler.amazonaws.com", (c) => `arn:${c.partition}:scheduler:${region}:${c.accountId}:schedule/default/${scheduleName}`, net),
    tags,
  });
  const exitCode = "$states.result.Containers[Name = 'app'].ExitCode";
  const definition = pulumi.all([net.cluster.arn, taskDefinition.arn, pulumi.all(net.privateSubnets.map((x) => x.id)), sg.id]).apply(([clusterArn, taskDefinitionArn, subnets, group]) =>
    JSON.stringify({
      Comment: `Freehold ${net.prefix}/${a.name}: one run of the scheduled job`,
      QueryLanguage: "JSONata",
      StartAt: "Start",
      States: {
        Start: { Type: "Pass", Assign: { attempt: 1, failure: "" }, Next: "Run" },
        Run: {
          Type: "Task",
          Resource: "arn:aws:states:::ecs:runTask.sync",
          Arguments: {
            Cluster: clusterArn,
            TaskDefinition: taskDefinitionArn,
            LaunchType: "FARGATE",
            PlatformVersion: "LATEST",
            NetworkConfiguration: { AwsvpcConfiguration: { Subnets: subnets, SecurityGroups: [group], AssignPublicIp: "DISABLED" } },
            PropagateTags: "TASK_DEFINITION",
            EnableECSManagedTags: true,
          },
          TimeoutSeconds: a.timeoutSeconds,
          Assign: { exitCode: `{% $exists(${exitCode}) ? ${exitCode} : -1 %}` },
          Catch: [{ ErrorEquals: ["States.ALL"], Assign: { exitCode: -1, failure: "{% $states.errorOutput.Error %}" }, Next: "Failed run" }],
          Next: "Exit code",
        },
        "Exit code": { Type: "Choice", Choices: [{ Condition: "{% $exitCode = 0 %}", Next: "Succeeded" }], Default: "Failed run" },
        "Failed run": { Type: "Choice", Choices: [{ Condition: `{% $attempt <= ${a.retries} %}`, Next: "Run again" }], Default: "Failed" },
        "Run again": { Type: "Pass", Assign: { attempt: "{% $attempt + 1 %}", failure: "" }, Next: "Run" },
        Succeeded: { Type: "Succeed" },
        Failed: { Type: "Fail", Error: "JobFailed", Cause: "{% 'the last of ' & $string($attempt) & ' run(s) failed: ' & ($failure != '' ? $failure : 'exit code ' & $string($exitCode)) %}" },
      },
    }),
  );
  // The task's policies and the state machine's have taken effect before anything can start a run.
  const wait = iamWait(a.name, [...roles.policies, smPolicy], [...roles.documents, smDocument]);
  const smLogs = new cloudwatch.LogGroup(`${a.name}-state-machine-logs`, { name: `/aws/vendedlogs/states/${smName}`, retentionInDays: logDays, region, tags });
  const stateMachine = new sfn.StateMachine(
    `${a.name}-state-machine`,
    { name: smName, type: "STANDARD", roleArn: smRole.arn, loggingConfiguration: { level: "ERROR", includeExecutionData: false, logDestination: pulumi.interpolate`${smLogs.arn}:*` }, definition, region, tags },
    { dependsOn: [wait] },
  );
  const schedPolicy = new iam.RolePolicy(`${a.name}-scheduler-policy`, {
    role: schedRole.name,
    name: "freehold-start-job",
    policy: stateMachine.arn.apply((arn) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["states:StartExecution"], Resource: arn }] })),
  });
  new scheduler.Schedule(
    `${a.name}-schedule`,
    {
      name: scheduleName,
      groupName: "default",
      description: `Freehold ${net.prefix}/${a.name}: ${a.schedule} in ${a.timeZone}`,
      scheduleExpression: a.cron,
      scheduleExpressionTimezone: a.timeZone,
      flexibleTimeWindow: { mode: "OFF" },
      state: "ENABLED",
      target: { arn: stateMachine.arn, roleArn: schedRole.arn, input: "{}", retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 } },
      region,
    },
    { dependsOn: [schedPolicy] },
  );
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
  worker(net, { name: "worker", image: "ghcr.io/example/marketplace-worker:1.4.2", args: ["process-uploads"], cpu: "512", memory: "1024", min: 1, max: 4, env: {}, user: "10001", db, store: uploads, storeAccess: "read" });
  scheduledJob(net, {
    name: "nightly", image: "ghcr.io/example/marketplace-worker:1.4.2", args: ["expire-listings"], cpu: "512", memory: "1024", env: {}, user: "10001", db,
    schedule: "0 2 * * *", cron: "cron(0 2 * * ? *)", timeZone: "Europe/London", timeoutSeconds: 1800, retries: 2,
  });
  return { url, bucket: uploads.bucket.bucket, databaseHost: db.instance.address };
}
