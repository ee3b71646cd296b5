// crown-marketplace on Amazon Web Services, Pulumi stack "dev": a plain Pulumi program written by `freehold
// eject` from examples/crown-marketplace/freehold.yaml.
// It registers the cloud resources Freehold registered for this stack, with the same types, names, inputs and
// options. See README.md.

import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as appautoscaling from "@pulumi/aws/appautoscaling";
import * as cloudfront from "@pulumi/aws/cloudfront";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as ecs from "@pulumi/aws/ecs";
import * as elb from "@pulumi/aws/elb";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import * as lb from "@pulumi/aws/lb";
import * as rds from "@pulumi/aws/rds";
import * as s3 from "@pulumi/aws/s3";
import * as scheduler from "@pulumi/aws/scheduler";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import * as sfn from "@pulumi/aws/sfn";
import * as vpcAws from "@pulumi/aws/vpc";
import { RandomId } from "@pulumi/random/randomId";
import { RandomPassword } from "@pulumi/random/randomPassword";
import { Sleep } from "@pulumiverse/time/sleep";

// Physical names (buckets, servers, roles) are those of Pulumi stack "dev": this program is for that stack only.
const stack = pulumi.getStack();
if (stack !== "dev") {
  throw new pulumi.RunError(`This program was ejected from Freehold for Pulumi stack "dev" and holds that stack's resource names; for stack ${stack}, eject again with --stack ${stack}.`);
}

const config = new pulumi.Config();

// Values you may change, with their defaults in Pulumi.yaml (`pulumi config set <key> <value>`).
const region = config.require("region");
const dbSize = config.require("db-size");
const webImage = config.require("web-image");
const workerImage = config.require("worker-image");
const nightlyImage = config.require("nightly-image");

// The PostgreSQL SCRAM-SHA-256 verifier of a password, as Freehold made it: a role job sets a password from it,
// never from the password itself.
function scramVerifier(password: string, iterations = 4096): string {
  const salt = createHmac("sha256", "freehold scram salt").update(password).digest().subarray(0, 16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const storedKey = createHash("sha256").update(createHmac("sha256", salted).update("Client Key").digest()).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

// The tags 70 resources below carry alike; each adds its own.
const tags = {
  "freehold-stack": "crown-marketplace",
  "managed-by": "freehold",
  owner: "digital-marketplace-team",
  "pulumi-stack": "dev",
  service: "crown-marketplace",
};

// The runtimePlatform 4 resources below carry alike; each adds its own.
const runtimePlatform = { cpuArchitecture: "X86_64", operatingSystemFamily: "LINUX" };

// Freehold registered every resource below as a child of one of its components, so each resource's URN carried
// the component's type.
// Each resource has an alias naming that URN: `pulumi up` moves it to the top level of this program instead of
// replacing it, and only the components themselves are deleted (they own nothing in the cloud).
const project = pulumi.getProject();
const urn = (type: string, name: string): string => `urn:pulumi:${stack}::${project}::${type}::${name}`;
const freeholdPlatform = urn("freehold:index:Platform", "crown-marketplace");
const freeholdDb = urn("freehold:index:Database", "db");
const freeholdUploads = urn("freehold:index:ObjectStore", "uploads");
const freeholdWeb = urn("freehold:index:WebService", "web");
const freeholdWorker = urn("freehold:index:Worker", "worker");
const freeholdNightly = urn("freehold:index:ScheduledJob", "nightly");

// ---- Shared platform -------------------------------------------------------------------------------------
// What every component of the stack shares (network, logs, cluster...). Was Freehold's Platform
// "crown-marketplace" (freehold:index:Platform).

const vpc = new ec2.Vpc("crown-marketplace-vpc", {
  cidrBlock: "10.0.0.0/16",
  enableDnsHostnames: true,
  enableDnsSupport: true,
  region,
  tags: { ...tags, Name: "crown-marketplace-vpc" },
}, { aliases: [{ parent: freeholdPlatform }] });

const availabilityZones = getAvailabilityZonesOutput({ filters: [{ name: "zone-type", values: ["availability-zone"] }], region });

const privateA = new ec2.Subnet("crown-marketplace-private-a", {
  availabilityZone: availabilityZones.names[0],
  cidrBlock: "10.0.0.0/19",
  mapPublicIpOnLaunch: false,
  region,
  tags: { ...tags, Name: "crown-marketplace-private-a" },
  vpcId: vpc.id,
}, { aliases: [{ parent: freeholdPlatform }] });

const privateB = new ec2.Subnet("crown-marketplace-private-b", {
  availabilityZone: availabilityZones.names[1],
  cidrBlock: "10.0.32.0/19",
  mapPublicIpOnLaunch: false,
  region,
  tags: { ...tags, Name: "crown-marketplace-private-b" },
  vpcId: vpc.id,
}, { aliases: [{ parent: freeholdPlatform }] });

const flowLogs = new cloudwatch.LogGroup("crown-marketplace-flow-logs", {
  name: "/freehold/crown-marketplace-dev/vpc-flow-logs",
  region,
  retentionInDays: 365,
  tags: { ...tags, Name: "crown-marketplace-flow-logs" },
}, { aliases: [{ parent: freeholdPlatform }] });

const callerIdentity = getCallerIdentityOutput();

const flowLogsRole = new iam.Role("crown-marketplace-flow-logs-role", {
  assumeRolePolicy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Condition: {
          ArnLike: {
            "aws:SourceArn": pulumi.interpolate`arn:aws:ec2:${region}:${callerIdentity.accountId}:vpc-flow-log/*`,
          },
          StringEquals: { "aws:SourceAccount": callerIdentity.accountId },
        },
      },
    ],
  }),
  description: "Freehold crown-marketplace-dev: VPC flow log delivery",
  name: "crown-marketplace-dev-vpc-flow-logs",
  tags: { ...tags, Name: "crown-marketplace-flow-logs-role" },
}, { aliases: [{ parent: freeholdPlatform }] });

const flowLogsPolicy = new iam.RolePolicy("crown-marketplace-flow-logs-policy", {
  name: "freehold-flow-logs",
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Logs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [flowLogs.arn, pulumi.interpolate`${flowLogs.arn}:log-stream:*`],
      },
    ],
  }),
  role: flowLogsRole.name,
}, { aliases: [{ parent: freeholdPlatform }] });

const flowLog = new ec2.FlowLog("crown-marketplace-flow-log", {
  iamRoleArn: flowLogsRole.arn,
  logDestination: flowLogs.arn,
  logDestinationType: "cloud-watch-logs",
  maxAggregationInterval: 600,
  region,
  tags: { ...tags, Name: "crown-marketplace-flow-log" },
  trafficType: "REJECT",
  vpcId: vpc.id,
}, { dependsOn: [flowLogsPolicy], aliases: [{ parent: freeholdPlatform }] });

const defaultSg = new ec2.DefaultSecurityGroup("crown-marketplace-default-sg", { egress: [], ingress: [], region, tags: { ...tags, Name: "crown-marketplace-default-sg" }, vpcId: vpc.id }, { aliases: [{ parent: freeholdPlatform }] });

const defaultNacl = new ec2.DefaultNetworkAcl("crown-marketplace-default-nacl", {
  defaultNetworkAclId: vpc.defaultNetworkAclId,
  egress: [
    { action: "allow", cidrBlock: "0.0.0.0/0", fromPort: 0, protocol: "-1", ruleNo: 100, toPort: 0 },
    { action: "allow", fromPort: 0, ipv6CidrBlock: "::/0", protocol: "-1", ruleNo: 101, toPort: 0 },
  ],
  ingress: [
    { action: "deny", cidrBlock: "0.0.0.0/0", fromPort: 22, protocol: "tcp", ruleNo: 100, toPort: 22 },
    {
      action: "deny",
      cidrBlock: "0.0.0.0/0",
      fromPort: 3389,
      protocol: "tcp",
      ruleNo: 101,
      toPort: 3389,
    },
    { action: "deny", fromPort: 22, ipv6CidrBlock: "::/0", protocol: "tcp", ruleNo: 102, toPort: 22 },
    {
      action: "deny",
      fromPort: 3389,
      ipv6CidrBlock: "::/0",
      protocol: "tcp",
      ruleNo: 103,
      toPort: 3389,
    },
    { action: "allow", cidrBlock: "0.0.0.0/0", fromPort: 0, protocol: "-1", ruleNo: 200, toPort: 0 },
    { action: "allow", fromPort: 0, ipv6CidrBlock: "::/0", protocol: "-1", ruleNo: 201, toPort: 0 },
  ],
  region,
  tags: { ...tags, Name: "crown-marketplace-default-nacl" },
}, { aliases: [{ parent: freeholdPlatform }] });

const dbSubnets = new rds.SubnetGroup("crown-marketplace-db-subnets", {
  description: "Freehold databases: private subnets only",
  name: "crown-marketplace-dev-db",
  region,
  subnetIds: [privateA.id, privateB.id],
  tags: { ...tags, Name: "crown-marketplace-db-subnets" },
}, { deleteBeforeReplace: false, aliases: [{ parent: freeholdPlatform }] });

const cluster = new ecs.Cluster("crown-marketplace-cluster", {
  name: "crown-marketplace-dev",
  region,
  settings: [{ name: "containerInsights", value: "enabled" }],
  tags: { ...tags, Name: "crown-marketplace-cluster" },
}, { aliases: [{ parent: freeholdPlatform }] });

const igw = new ec2.InternetGateway("crown-marketplace-igw", { region, tags: { ...tags, Name: "crown-marketplace-igw" }, vpcId: vpc.id }, { aliases: [{ parent: freeholdPlatform }] });

const publicA = new ec2.Subnet("crown-marketplace-public-a", {
  availabilityZone: availabilityZones.names[0],
  cidrBlock: "10.0.128.0/20",
  mapPublicIpOnLaunch: false,
  region,
  tags: { ...tags, Name: "crown-marketplace-public-a" },
  vpcId: vpc.id,
}, { aliases: [{ parent: freeholdPlatform }] });

const publicB = new ec2.Subnet("crown-marketplace-public-b", {
  availabilityZone: availabilityZones.names[1],
  cidrBlock: "10.0.144.0/20",
  mapPublicIpOnLaunch: false,
  region,
  tags: { ...tags, Name: "crown-marketplace-public-b" },
  vpcId: vpc.id,
}, { aliases: [{ parent: freeholdPlatform }] });

const publicRt = new ec2.RouteTable("crown-marketplace-public-rt", {
  region,
  routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
  tags: { ...tags, Name: "crown-marketplace-public-rt" },
  vpcId: vpc.id,
}, { aliases: [{ parent: freeholdPlatform }] });

const publicARta = new ec2.RouteTableAssociation("crown-marketplace-public-a-rta", { region, routeTableId: publicRt.id, subnetId: publicA.id }, { aliases: [{ parent: freeholdPlatform }] });

const publicBRta = new ec2.RouteTableAssociation("crown-marketplace-public-b-rta", { region, routeTableId: publicRt.id, subnetId: publicB.id }, { aliases: [{ parent: freeholdPlatform }] });

const natEip = new ec2.Eip("crown-marketplace-nat-eip", { domain: "vpc", region, tags: { ...tags, Name: "crown-marketplace-nat-eip" } }, { dependsOn: [igw], aliases: [{ parent: freeholdPlatform }] });

const nat = new ec2.NatGateway("crown-marketplace-nat", {
  allocationId: natEip.allocationId,
  connectivityType: "public",
  region,
  subnetId: publicA.id,
  tags: { ...tags, Name: "crown-marketplace-nat" },
}, { dependsOn: [igw], aliases: [{ parent: freeholdPlatform }] });

const privateRt = new ec2.RouteTable("crown-marketplace-private-rt", {
  region,
  routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
  tags: { ...tags, Name: "crown-marketplace-private-rt" },
  vpcId: vpc.id,
}, { aliases: [{ parent: freeholdPlatform }] });

const privateARta = new ec2.RouteTableAssociation("crown-marketplace-private-a-rta", { region, routeTableId: privateRt.id, subnetId: privateA.id }, { aliases: [{ parent: freeholdPlatform }] });

const privateBRta = new ec2.RouteTableAssociation("crown-marketplace-private-b-rta", { region, routeTableId: privateRt.id, subnetId: privateB.id }, { aliases: [{ parent: freeholdPlatform }] });

const s3Endpoint = new ec2.VpcEndpoint("crown-marketplace-s3-endpoint", {
  region,
  routeTableIds: [privateRt.id],
  serviceName: `com.amazonaws.${region}.s3`,
  tags: { ...tags, Name: "crown-marketplace-s3-endpoint" },
  vpcEndpointType: "Gateway",
  vpcId: vpc.id,
}, { aliases: [{ parent: freeholdPlatform }] });

const albLogs = new s3.Bucket("crown-marketplace-alb-logs", {
  bucket: "crown-marketplace-dev-freehold-alb-logs-shkx2h",
  forceDestroy: true,
  region,
  tags: { ...tags, Name: "crown-marketplace-alb-logs" },
}, { aliases: [{ parent: freeholdPlatform }] });

const albLogsPublicAccessBlock = new s3.BucketPublicAccessBlock("crown-marketplace-alb-logs-public-access-block", {
  blockPublicAcls: true,
  blockPublicPolicy: true,
  bucket: albLogs.id,
  ignorePublicAcls: true,
  region,
  restrictPublicBuckets: true,
}, { aliases: [{ parent: freeholdPlatform }] });

const albLogsOwnership = new s3.BucketOwnershipControls("crown-marketplace-alb-logs-ownership", { bucket: albLogs.id, region, rule: { objectOwnership: "BucketOwnerEnforced" } }, { aliases: [{ parent: freeholdPlatform }] });

const albLogsEncryption = new s3.BucketServerSideEncryptionConfiguration("crown-marketplace-alb-logs-encryption", { bucket: albLogs.id, region, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, { aliases: [{ parent: freeholdPlatform }] });

const albLogsLifecycle = new s3.BucketLifecycleConfiguration("crown-marketplace-alb-logs-lifecycle", {
  bucket: albLogs.id,
  region,
  rules: [
    { expiration: { days: 365 }, filter: { prefix: "" }, id: "expire-logs", status: "Enabled" },
    {
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      filter: { prefix: "" },
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
    },
  ],
}, { aliases: [{ parent: freeholdPlatform }] });

const serviceAccount = elb.getServiceAccountOutput({ region });

const albLogsPolicy = new s3.BucketPolicy("crown-marketplace-alb-logs-policy", {
  bucket: albLogs.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [albLogs.arn, pulumi.interpolate`${albLogs.arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyOldTls",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [albLogs.arn, pulumi.interpolate`${albLogs.arn}/*`],
        Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
      },
      {
        Sid: "ElasticLoadBalancingAccessLogs",
        Effect: "Allow",
        Principal: { AWS: serviceAccount.arn },
        Action: ["s3:PutObject"],
        Resource: pulumi.interpolate`${albLogs.arn}/alb/*/AWSLogs/${callerIdentity.accountId}/*`,
      },
    ],
  }),
  region,
}, { dependsOn: [albLogsPublicAccessBlock], aliases: [{ parent: freeholdPlatform }] });

const cdnLogs = new s3.Bucket("crown-marketplace-cdn-logs", {
  bucket: "crown-marketplace-dev-freehold-cdn-logs-3hsuvs",
  forceDestroy: true,
  region,
  tags: { ...tags, Name: "crown-marketplace-cdn-logs" },
}, { aliases: [{ parent: freeholdPlatform }] });

const cdnLogsPublicAccessBlock = new s3.BucketPublicAccessBlock("crown-marketplace-cdn-logs-public-access-block", {
  blockPublicAcls: true,
  blockPublicPolicy: true,
  bucket: cdnLogs.id,
  ignorePublicAcls: true,
  region,
  restrictPublicBuckets: true,
}, { aliases: [{ parent: freeholdPlatform }] });

const cdnLogsOwnership = new s3.BucketOwnershipControls("crown-marketplace-cdn-logs-ownership", { bucket: cdnLogs.id, region, rule: { objectOwnership: "BucketOwnerPreferred" } }, { aliases: [{ parent: freeholdPlatform }] });

const cdnLogsEncryption = new s3.BucketServerSideEncryptionConfiguration("crown-marketplace-cdn-logs-encryption", { bucket: cdnLogs.id, region, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, { aliases: [{ parent: freeholdPlatform }] });

const cdnLogsLifecycle = new s3.BucketLifecycleConfiguration("crown-marketplace-cdn-logs-lifecycle", {
  bucket: cdnLogs.id,
  region,
  rules: [
    { expiration: { days: 365 }, filter: { prefix: "" }, id: "expire-logs", status: "Enabled" },
    {
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      filter: { prefix: "" },
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
    },
  ],
}, { aliases: [{ parent: freeholdPlatform }] });

const cdnLogsPolicy = new s3.BucketPolicy("crown-marketplace-cdn-logs-policy", {
  bucket: cdnLogs.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [cdnLogs.arn, pulumi.interpolate`${cdnLogs.arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyOldTls",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [cdnLogs.arn, pulumi.interpolate`${cdnLogs.arn}/*`],
        Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
      },
    ],
  }),
  region,
}, { dependsOn: [cdnLogsPublicAccessBlock], aliases: [{ parent: freeholdPlatform }] });

// ---- db (Database) ---------------------------------------------------------------------------------------
// db: database on Amazon RDS for PostgreSQL, db.m7g.large. Size: cheapest non-burstable class (requests above 4
// GiB avoid CPU credits) with >= 2 vCPU and >= 8 GiB, Multi-AZ (standby in a second zone).
// Was Freehold's Database "db" (freehold:index:Database).

const dbSg = new ec2.SecurityGroup("db-sg", {
  description: "Freehold database: PostgreSQL from linked services only",
  name: "crown-marketplace-dev-db-db",
  region,
  tags: { ...tags, "freehold-component": "db" },
  vpcId: vpc.id,
}, { deleteBeforeReplace: false, aliases: [{ parent: freeholdDb }] });

const dbParams = new rds.ParameterGroup("db-params", {
  description: "Freehold: TLS required",
  family: "postgres16",
  name: "crown-marketplace-dev-db-postgres16",
  parameters: [{ name: "rds.force_ssl", value: "1" }],
  region,
  tags: { ...tags, "freehold-component": "db" },
}, { deleteBeforeReplace: false, aliases: [{ parent: freeholdDb }] });

const dbLogs = new cloudwatch.LogGroup("db-logs", {
  name: "/aws/rds/instance/crown-marketplace-dev-db/postgresql",
  region,
  retentionInDays: 365,
  tags: { ...tags, "freehold-component": "db" },
}, { aliases: [{ parent: freeholdDb }] });

const dbUpgradeLogs = new cloudwatch.LogGroup("db-upgrade-logs", {
  name: "/aws/rds/instance/crown-marketplace-dev-db/upgrade",
  region,
  retentionInDays: 365,
  tags: { ...tags, "freehold-component": "db" },
}, { aliases: [{ parent: freeholdDb }] });

const dbFinalSnapshotId = new RandomId("db-final-snapshot-id", {
  byteLength: 4,
  keepers: { dbName: "app", engine: "postgres", identifier: "crown-marketplace-dev-db", username: "freehold" },
}, { aliases: [{ parent: freeholdDb }] });

const dbInstance = new rds.Instance("db-instance", {
  allocatedStorage: 50,
  allowMajorVersionUpgrade: true,
  applyImmediately: true,
  autoMinorVersionUpgrade: true,
  backupRetentionPeriod: 14,
  caCertIdentifier: "rds-ca-rsa2048-g1",
  copyTagsToSnapshot: true,
  dbName: "app",
  dbSubnetGroupName: dbSubnets.name,
  deleteAutomatedBackups: false,
  deletionProtection: true,
  enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
  engine: "postgres",
  engineLifecycleSupport: "open-source-rds-extended-support",
  engineVersion: "16",
  finalSnapshotIdentifier: pulumi.interpolate`crown-marketplace-dev-db-final-${dbFinalSnapshotId.hex}`,
  identifier: "crown-marketplace-dev-db",
  instanceClass: dbSize,
  manageMasterUserPassword: true,
  maxAllocatedStorage: 100,
  multiAz: true,
  parameterGroupName: dbParams.name,
  port: 5432,
  publiclyAccessible: false,
  region,
  skipFinalSnapshot: false,
  storageEncrypted: true,
  storageType: "gp3",
  tags: { ...tags, "freehold-component": "db" },
  username: "freehold",
  vpcSecurityGroupIds: [dbSg.id],
}, {
  protect: true,
  retainOnDelete: true,
  dependsOn: [dbLogs, dbUpgradeLogs],
  deleteBeforeReplace: true,
  ignoreChanges: ["allocatedStorage"],
  aliases: [{ parent: freeholdDb }],
});

const dbAppPassword = new RandomPassword("db-app-password", { length: 40, minLower: 1, minNumeric: 1, minUpper: 1, special: false }, { aliases: [{ parent: freeholdDb }] });

const dbAppSecret = new secretsmanager.Secret("db-app-secret", {
  description: "Freehold crown-marketplace-dev/db: PostgreSQL role app",
  name: "freehold/crown-marketplace-dev/db/app",
  recoveryWindowInDays: 0,
  region,
  tags: { ...tags, "freehold-component": "db" },
}, { aliases: [{ parent: freeholdDb }] });

const dbAppSecretValue = new secretsmanager.SecretVersion("db-app-secret-value", {
  region,
  secretId: dbAppSecret.id,
  secretString: pulumi.secret(pulumi.jsonStringify({
    username: "app",
    password: dbAppPassword.result,
    verifier: pulumi.output(dbAppPassword.result).apply(scramVerifier),
  })),
}, { aliases: [{ parent: freeholdDb }] });

const dbReaderPassword = new RandomPassword("db-reader-password", { length: 40, minLower: 1, minNumeric: 1, minUpper: 1, special: false }, { aliases: [{ parent: freeholdDb }] });

const dbReaderSecret = new secretsmanager.Secret("db-reader-secret", {
  description: "Freehold crown-marketplace-dev/db: PostgreSQL role app_read",
  name: "freehold/crown-marketplace-dev/db/app_read",
  recoveryWindowInDays: 0,
  region,
  tags: { ...tags, "freehold-component": "db" },
}, { aliases: [{ parent: freeholdDb }] });

const dbReaderSecretValue = new secretsmanager.SecretVersion("db-reader-secret-value", {
  region,
  secretId: dbReaderSecret.id,
  secretString: pulumi.secret(pulumi.jsonStringify({
    username: "app_read",
    password: dbReaderPassword.result,
    verifier: pulumi.output(dbReaderPassword.result).apply(scramVerifier),
  })),
}, { aliases: [{ parent: freeholdDb }] });

const dbRolesLogs = new cloudwatch.LogGroup("db-roles-logs", {
  name: "/freehold/crown-marketplace-dev/db-roles",
  region,
  retentionInDays: 365,
  tags: { ...tags, "freehold-component": "db" },
}, { aliases: [{ parent: freeholdDb }] });

const dbRolesExecutionRole = new iam.Role("db-roles-execution-role", {
  assumeRolePolicy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Condition: {
          ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:ecs:${region}:${callerIdentity.accountId}:*` },
          StringEquals: { "aws:SourceAccount": callerIdentity.accountId },
        },
      },
    ],
  }),
  description: "Freehold crown-marketplace-dev/db: the database role job (logs, the master and role secrets)",
  name: "crown-marketplace-dev-db-roles-exec",
  tags: { ...tags, "freehold-component": "db" },
}, { aliases: [{ parent: freeholdDb }] });

const dbRolesExecutionPolicy = new iam.RolePolicy("db-roles-execution-policy", {
  name: "freehold-role-job",
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Logs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [dbRolesLogs.arn, pulumi.interpolate`${dbRolesLogs.arn}:log-stream:*`],
      },
      {
        Sid: "Secrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: [dbInstance.masterUserSecrets[0].secretArn, dbAppSecret.arn, dbReaderSecret.arn],
      },
    ],
  }),
  role: dbRolesExecutionRole.name,
}, { aliases: [{ parent: freeholdDb }] });

const dbRolesSg = new ec2.SecurityGroup("db-roles-sg", {
  description: "Freehold database role job: the database, and HTTPS to AWS APIs and ECR Public",
  egress: [
    {
      cidrBlocks: ["0.0.0.0/0"],
      description: "image pull, Secrets Manager, CloudWatch Logs",
      fromPort: 443,
      protocol: "tcp",
      toPort: 443,
    },
    {
      description: "the database",
      fromPort: 5432,
      protocol: "tcp",
      securityGroups: [dbSg.id],
      toPort: 5432,
    },
  ],
  name: "crown-marketplace-dev-db-roles",
  region,
  tags: { ...tags, "freehold-component": "db" },
  vpcId: vpc.id,
}, { deleteBeforeReplace: false, aliases: [{ parent: freeholdDb }] });

const dbRolesIngress = new vpcAws.SecurityGroupIngressRule("db-roles-ingress", {
  description: "Freehold: the database role job",
  fromPort: 5432,
  ipProtocol: "tcp",
  referencedSecurityGroupId: dbRolesSg.id,
  region,
  securityGroupId: dbSg.id,
  tags: { ...tags, "freehold-component": "db" },
  toPort: 5432,
}, { aliases: [{ parent: freeholdDb }] });

const dbRolesTask = new ecs.TaskDefinition("db-roles-task", {
  containerDefinitions: pulumi.jsonStringify([
    {
      name: "freehold-prepare",
      image: "public.ecr.aws/docker/library/alpine:3.24.2@sha256:3cf95fe0816180395592b8373f3ec60663f076127617bbacb4eacf9667afe2e9",
      essential: false,
      privileged: false,
      readonlyRootFilesystem: true,
      user: "0:0",
      linuxParameters: { capabilities: { drop: ["ALL"] } },
      command: [
        "sh",
        "-c",
        "set -eu\numask 022\ntest -n \"$FREEHOLD_DATABASE_CA\"\nprintf '%s' \"$FREEHOLD_DATABASE_CA\" > \"$FREEHOLD_CA_FILE\"\necho \"freehold: database certificate authorities written to $FREEHOLD_CA_FILE\"",
      ],
      environment: [
        { name: "FREEHOLD_CA_FILE", value: "/etc/freehold/tls/database-ca.pem" },
        {
          name: "FREEHOLD_DATABASE_CA",
          value: "-----BEGIN CERTIFICATE-----\nMIID/jCCAuagAwIBAgIQTDc+UgTRtYO7ZGTQ8UWKDDANBgkqhkiG9w0BAQsFADCB\nlzELMAkGA1UEBhMCVVMxIjAgBgNVBAoMGUFtYXpvbiBXZWIgU2VydmljZXMsIElu\nYy4xEzARBgNVBAsMCkFtYXpvbiBSRFMxCzAJBgNVBAgMAldBMTAwLgYDVQQDDCdB\nbWF6b24gUkRTIGV1LXdlc3QtMiBSb290IENBIFJTQTIwNDggRzExEDAOBgNVBAcM\nB1NlYXR0bGUwIBcNMjEwNTIxMjI0NjI0WhgPMjA2MTA1MjEyMzQ2MjRaMIGXMQsw\nCQYDVQQGEwJVUzEiMCAGA1UECgwZQW1hem9uIFdlYiBTZXJ2aWNlcywgSW5jLjET\nMBEGA1UECwwKQW1hem9uIFJEUzELMAkGA1UECAwCV0ExMDAuBgNVBAMMJ0FtYXpv\nbiBSRFMgZXUtd2VzdC0yIFJvb3QgQ0EgUlNBMjA0OCBHMTEQMA4GA1UEBwwHU2Vh\ndHRsZTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAM1oGtthQ1YiVIC2\ni4u4swMAGxAjc/BZp0yq0eP5ZQFaxnxs7zFAPabEWsrjeDzrRhdVO0h7zskrertP\ngblGhfD20JfjvCHdP1RUhy/nzG+T+hn6Takan/GIgs8grlBMRHMgBYHW7tklhjaH\n3F7LujhceAHhhgp6IOrpb6YTaTTaJbF3GTmkqxSJ3l1LtEoWz8Al/nL/Ftzxrtez\nVs6ebpvd7sw37sxmXBWX2OlvUrPCTmladw9OrllGXtCFw4YyLe3zozBlZ3cHzQ0q\nlINhpRcajTMfZrsiGCkQtoJT+AqVJPS2sHjqsEH8yiySW9Jbq4zyMbM1yqQ2vnnx\nMJgoYMcCAwEAAaNCMEAwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUaQG88UnV\nJPTI+Pcti1P+q3H7pGYwDgYDVR0PAQH/BAQDAgGGMA0GCSqGSIb3DQEBCwUAA4IB\nAQBAkgr75V0sEJimC6QRiTVWEuj2Khy7unjSfudbM6zumhXEU2/sUaVLiYy6cA/x\n3v0laDle6T07x9g64j5YastE/4jbzrGgIINFlY0JnaYmR3KZEjgi1s1fkRRf3llL\nPJm9u4Q1mbwAMQK/ZjLuuRcL3uRIHJek18nRqT5h43GB26qXyvJqeYYpYfIjL9+/\nYiZAbSRRZG+Li23cmPWrbA1CJY121SB+WybCbysbOXzhD3Sl2KSZRwSw4p2HrFtV\n1Prk0dOBtZxCG9luf87ultuDZpfS0w6oNBAMXocgswk24ylcADkkFxBWW+7BETn1\nEpK+t1Lm37mU4sxtuha00XAi\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIF/zCCA+egAwIBAgIRAMDk/F+rrhdn42SfE+ghPC8wDQYJKoZIhvcNAQEMBQAw\ngZcxCzAJBgNVBAYTAlVTMSIwIAYDVQQKDBlBbWF6b24gV2ViIFNlcnZpY2VzLCBJ\nbmMuMRMwEQYDVQQLDApBbWF6b24gUkRTMQswCQYDVQQIDAJXQTEwMC4GA1UEAwwn\nQW1hem9uIFJEUyBldS13ZXN0LTIgUm9vdCBDQSBSU0E0MDk2IEcxMRAwDgYDVQQH\nDAdTZWF0dGxlMCAXDTIxMDUyMTIyNTEyMloYDzIxMjEwNTIxMjM1MTIyWjCBlzEL\nMAkGA1UEBhMCVVMxIjAgBgNVBAoMGUFtYXpvbiBXZWIgU2VydmljZXMsIEluYy4x\nEzARBgNVBAsMCkFtYXpvbiBSRFMxCzAJBgNVBAgMAldBMTAwLgYDVQQDDCdBbWF6\nb24gUkRTIGV1LXdlc3QtMiBSb290IENBIFJTQTQwOTYgRzExEDAOBgNVBAcMB1Nl\nYXR0bGUwggIiMA0GCSqGSIb3DQEBAQUAA4ICDwAwggIKAoICAQC2twMALVg9vRVu\nVNqsr6N8thmp3Dy8jEGTsm3GCQ+C5P2YcGlD/T/5icfWW84uF7Sx3ezcGlvsqFMf\nUkj9sQyqtz7qfFFugyy7pa/eH9f48kWFHLbQYm9GEgbYBIrWMp1cy3vyxuMCwQN4\nDCncqU+yNpy0CprQJEha3PzY+3yJOjDQtc3zr99lyECCFJTDUucxHzyQvX89eL74\nuh8la0lKH3v9wPpnEoftbrwmm5jHNFdzj7uXUHUJ41N7af7z7QUfghIRhlBDiKtx\n5lYZemPCXajTc3ryDKUZC/b+B6ViXZmAeMdmQoPE0jwyEp/uaUcdp+FlUQwCfsBk\nayPFEApTWgPiku2isjdeTVmEgL8bJTDUZ6FYFR7ZHcYAsDzcwHgIu3GGEMVRS3Uf\nILmioiyly9vcK4Sa01ondARmsi/I0s7pWpKflaekyv5boJKD/xqwz9lGejmJHelf\n8Od2TyqJScMpB7Q8c2ROxBwqwB72jMCEvYigB+Wnbb8RipliqNflIGx938FRCzKL\nUQUBmNAznR/yRRL0wHf9UAE/8v9a09uZABeiznzOFAl/frHpgdAbC00LkFlnwwgX\ng8YfEFlkp4fLx5B7LtoO6uVNFVimLxtwirpyKoj3G4M/kvSTux8bTw0heBCmWmKR\n57MS6k7ODzbv+Kpeht2hqVZCNFMxoQIDAQABo0IwQDAPBgNVHRMBAf8EBTADAQH/\nMB0GA1UdDgQWBBRuMnDhJjoj7DcKALj+HbxEqj3r6jAOBgNVHQ8BAf8EBAMCAYYw\nDQYJKoZIhvcNAQEMBQADggIBALSnXfx72C3ldhBP5kY4Mo2DDaGQ8FGpTOOiD95d\n0rf7I9LrsBGVqu/Nir+kqqP80PB70+Jy9fHFFigXwcPBX3MpKGxK8Cel7kVf8t1B\n4YD6A6bqlzP+OUL0uGWfZpdpDxwMDI2Flt4NEldHgXWPjvN1VblEKs0+kPnKowyg\njhRMgBbD/y+8yg0fIcjXUDTAw/+INcp21gWaMukKQr/8HswqC1yoqW9in2ijQkpK\n2RB9vcQ0/gXR0oJUbZQx0jn0OH8Agt7yfMAnJAdnHO4M3gjvlJLzIC5/4aGrRXZl\nJoZKfJ2fZRnrFMi0nhAYDeInoS+Rwx+QzaBk6fX5VPyCj8foZ0nmqvuYoydzD8W5\nmMlycgxFqS+DUmO+liWllQC4/MnVBlHGB1Cu3wTj5kgOvNs/k+FW3GXGzD3+rpv0\nQTLuwSbMr+MbEThxrSZRSXTCQzKfehyC+WZejgLb+8ylLJUA10e62o7H9PvCrwj+\nZDVmN7qj6amzvndCP98sZfX7CFZPLfcBd4wVIjHsFjSNEwWHOiFyLPPG7cdolGKA\nlOFvonvo4A1uRc13/zFeP0Xi5n5OZ2go8aOOeGYdI2vB2sgH9R2IASH/jHmr0gvY\n0dfBCcfXNgrS0toq0LX/y+5KkKOxh52vEYsJLdhqrveuZhQnsFEm/mFwjRXkyO7c\n2jpC\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIICrjCCAjSgAwIBAgIRAKKPTYKln9L4NTx9dpZGUjowCgYIKoZIzj0EAwMwgZYx\nCzAJBgNVBAYTAlVTMSIwIAYDVQQKDBlBbWF6b24gV2ViIFNlcnZpY2VzLCBJbmMu\nMRMwEQYDVQQLDApBbWF6b24gUkRTMQswCQYDVQQIDAJXQTEvMC0GA1UEAwwmQW1h\nem9uIFJEUyBldS13ZXN0LTIgUm9vdCBDQSBFQ0MzODQgRzExEDAOBgNVBAcMB1Nl\nYXR0bGUwIBcNMjEwNTIxMjI1NTIxWhgPMjEyMTA1MjEyMzU1MjFaMIGWMQswCQYD\nVQQGEwJVUzEiMCAGA1UECgwZQW1hem9uIFdlYiBTZXJ2aWNlcywgSW5jLjETMBEG\nA1UECwwKQW1hem9uIFJEUzELMAkGA1UECAwCV0ExLzAtBgNVBAMMJkFtYXpvbiBS\nRFMgZXUtd2VzdC0yIFJvb3QgQ0EgRUNDMzg0IEcxMRAwDgYDVQQHDAdTZWF0dGxl\nMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE/owTReDvaRqdmbtTzXbyRmEpKCETNj6O\nhZMKH0F8oU9Tmn8RU7kQQj6xUKEyjLPrFBN7c+26TvrVO1KmJAvbc8bVliiJZMbc\nC0yV5PtJTalvlMZA1NnciZuhxaxrzlK1o0IwQDAPBgNVHRMBAf8EBTADAQH/MB0G\nA1UdDgQWBBT4i5HaoHtrs7Mi8auLhMbKM1XevDAOBgNVHQ8BAf8EBAMCAYYwCgYI\nKoZIzj0EAwMDaAAwZQIxAK9A+8/lFdX4XJKgfP+ZLy5ySXC2E0Spoy12Gv2GdUEZ\np1G7c1KbWVlyb1d6subzkQIwKyH0Naf/3usWfftkmq8SzagicKz5cGcEUaULq4tO\nGzA/AMpr63IDBAqkZbMDTCmH\n-----END CERTIFICATE-----\n",
        },
      ],
      mountPoints: [{ sourceVolume: "freehold-tls", containerPath: "/etc/freehold/tls", readOnly: false }],
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/freehold/crown-marketplace-dev/db-roles",
          "awslogs-region": region,
          "awslogs-stream-prefix": "freehold-prepare",
        },
      },
    },
    {
      name: "roles",
      image: "public.ecr.aws/docker/library/postgres:17-alpine@sha256:d4bb0a8c1b7bb2e29f976d099e7bfb9a5d8858cffe9e46b35cd302cd1f1f8168",
      essential: true,
      privileged: false,
      readonlyRootFilesystem: true,
      user: "70:70",
      command: [
        "sh",
        "-c",
        "set -eu\npsql -X -q -f - <<'FREEHOLD_SQL'\n\\set ON_ERROR_STOP on\n\\getenv app_verifier FREEHOLD_APP_VERIFIER\n\\getenv read_verifier FREEHOLD_READ_VERIFIER\n\\if :{?app_verifier}\n\\else\n\\set app_verifier ''\n\\endif\n\\if :{?read_verifier}\n\\else\n\\set read_verifier ''\n\\endif\nBEGIN;\nSELECT set_config('freehold.app_verifier', :'app_verifier', true) AS app, set_config('freehold.read_verifier', :'read_verifier', true) AS read \\gset freehold_\nDO $freehold$\nDECLARE\n  admin text := current_user;\n  rw constant text := 'app';\n  ro constant text := 'app_read';\n  pg16 constant boolean := current_setting('server_version_num')::int >= 160000;\n  r record;\n  list text;\nBEGIN\n  PERFORM pg_advisory_xact_lock(727274);\n  IF admin IN (rw, ro) THEN\n    RAISE EXCEPTION 'freehold: the role setup runs as the administrator, not as %', admin;\n  END IF;\n  FOR r IN SELECT unnest(ARRAY[rw, ro]) AS name, unnest(ARRAY[current_setting('freehold.app_verifier'), current_setting('freehold.read_verifier')]) AS verifier LOOP\n    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r.name) THEN\n      EXECUTE format('CREATE ROLE %I LOGIN NOCREATEDB NOCREATEROLE', r.name);\n    ELSIF EXISTS (SELECT FROM pg_roles WHERE rolname = r.name AND (rolsuper OR rolreplication OR rolbypassrls)) THEN\n      RAISE EXCEPTION 'freehold: role % has SUPERUSER, REPLICATION or BYPASSRLS; an application role may have none of them', r.name;\n    ELSIF pg16 AND NOT pg_has_role(admin, r.name, 'MEMBER WITH ADMIN OPTION') THEN\n      RAISE EXCEPTION 'freehold: role % exists but % has no ADMIN OPTION on it, which PostgreSQL 16 and later require to alter a role; as a role that has it, GRANT % TO % WITH ADMIN OPTION (or drop the role), and run this again', r.name, admin, r.name, admin;\n    ELSE\n      EXECUTE format('ALTER ROLE %I WITH LOGIN NOCREATEDB NOCREATEROLE', r.name);\n    END IF;\n    IF r.verifier <> '' THEN\n      IF r.verifier !~ '^SCRAM-SHA-256[$][1-9][0-9]*:[A-Za-z0-9+/]+=*[$][A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$' THEN\n        RAISE EXCEPTION 'freehold: the password given for role % is not a SCRAM-SHA-256 verifier; a plaintext password is never sent', r.name;\n      END IF;\n      EXECUTE format('ALTER ROLE %I PASSWORD %L', r.name, r.verifier);\n    END IF;\n  END LOOP;\n  IF pg16 THEN\n    IF NOT (pg_has_role(admin, rw, 'USAGE') AND pg_has_role(admin, rw, 'SET')) THEN\n      EXECUTE format('GRANT %I TO %I WITH INHERIT TRUE, SET TRUE', rw, admin);\n    END IF;\n  ELSIF NOT pg_has_role(admin, rw, 'USAGE') THEN\n    EXECUTE format('GRANT %I TO %I', rw, admin);\n  END IF;\n  IF pg_has_role(ro, rw, 'MEMBER') OR pg_has_role(ro, admin, 'MEMBER') THEN\n    RAISE EXCEPTION 'freehold: role % is a member of % or of %, so it would not be read-only', ro, rw, admin;\n  END IF;\n  IF pg_has_role(rw, admin, 'MEMBER') THEN\n    RAISE EXCEPTION 'freehold: role % is a member of the administrator %', rw, admin;\n  END IF;\n  FOR r IN SELECT unnest(ARRAY[rw, ro]) AS name, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database() LOOP\n    IF r.owner <> r.name AND pg_has_role(r.name, r.owner, 'MEMBER') THEN\n      RAISE EXCEPTION 'freehold: role % is a member of %, which owns the database: an application role may not be; as a role that may, REVOKE % FROM %, and run this again', r.name, r.owner, r.owner, r.name;\n    END IF;\n  END LOOP;\n  EXECUTE format('GRANT CONNECT, TEMPORARY, CREATE ON DATABASE %I TO %I', current_database(), rw);\n  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), ro);\n  IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'public' AND has_schema_privilege(admin, oid, 'CREATE WITH GRANT OPTION')) THEN\n    REVOKE CREATE ON SCHEMA public FROM PUBLIC;\n    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA public TO %I', rw);\n  END IF;\n  IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'public' AND has_schema_privilege(ro, oid, 'CREATE')) THEN\n    RAISE WARNING 'freehold: every role may create objects in schema public (its owner % granted CREATE to PUBLIC, and % cannot revoke it): % can create tables there, though it can change none it does not own',\n      (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'), admin, ro;\n  END IF;\n  FOR r IN SELECT n.oid, n.nspname, pg_get_userbyid(n.nspowner) AS owner, has_schema_privilege(admin, n.oid, 'USAGE WITH GRANT OPTION') AS grantable FROM pg_namespace n\n      WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND has_schema_privilege(admin, n.oid, 'USAGE')\n      ORDER BY n.nspname LOOP\n    IF r.grantable AND r.owner <> rw THEN\n      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', r.nspname, rw);\n    END IF;\n    IF r.grantable THEN\n      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', r.nspname, ro);\n    END IF;\n    SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')\n        AND NOT (CASE WHEN c.relkind IN ('r', 'p', 'v', 'm', 'f') THEN has_table_privilege(rw, c.oid, 'SELECT') AND has_table_privilege(rw, c.oid, 'INSERT') AND has_table_privilege(rw, c.oid, 'UPDATE') AND has_table_privilege(rw, c.oid, 'DELETE') AND has_table_privilege(rw, c.oid, 'TRUNCATE') AND has_table_privilege(rw, c.oid, 'REFERENCES') AND has_table_privilege(rw, c.oid, 'TRIGGER') END) INTO list;\n    IF list IS NOT NULL THEN\n      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE %s TO %I', list, rw);\n    END IF;\n    SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')\n        AND NOT (CASE WHEN c.relkind IN ('r', 'p', 'v', 'm', 'f') THEN has_table_privilege(ro, c.oid, 'SELECT') END) INTO list;\n    IF list IS NOT NULL THEN\n      EXECUTE format('GRANT SELECT ON TABLE %s TO %I', list, ro);\n    END IF;\n    SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('S') AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')\n        AND NOT (CASE WHEN c.relkind IN ('S') THEN has_sequence_privilege(rw, c.oid, 'USAGE') AND has_sequence_privilege(rw, c.oid, 'SELECT') AND has_sequence_privilege(rw, c.oid, 'UPDATE') END) INTO list;\n    IF list IS NOT NULL THEN\n      EXECUTE format('GRANT USAGE, SELECT, UPDATE ON SEQUENCE %s TO %I', list, rw);\n    END IF;\n    SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('S') AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')\n        AND NOT (CASE WHEN c.relkind IN ('S') THEN has_sequence_privilege(ro, c.oid, 'SELECT') END) INTO list;\n    IF list IS NOT NULL THEN\n      EXECUTE format('GRANT SELECT ON SEQUENCE %s TO %I', list, ro);\n    END IF;\n    SELECT string_agg(format('%I.%I (owner %s)', r.nspname, c.relname, pg_get_userbyid(c.relowner)), ', ' ORDER BY c.relname) INTO list FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND NOT has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e');\n    IF list IS NOT NULL THEN\n      RAISE WARNING 'freehold: % cannot grant on %: the application roles cannot use them', admin, list;\n    END IF;\n  END LOOP;\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON TABLES TO %I', rw, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON SEQUENCES TO %I', rw, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON SCHEMAS TO %I', rw, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLES TO %I', admin, rw);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', admin, rw);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON SCHEMAS TO %I', admin, rw);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON TABLES TO %I', admin, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON SEQUENCES TO %I', admin, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON SCHEMAS TO %I', admin, ro);\n  IF EXISTS (SELECT FROM pg_roles WHERE rolname = admin AND rolreplication AND NOT rolsuper) THEN\n    BEGIN\n      EXECUTE format('ALTER ROLE %I WITH NOREPLICATION', admin);\n    EXCEPTION WHEN insufficient_privilege THEN\n      RAISE WARNING 'freehold: replication is off, but % keeps the REPLICATION attribute: this server does not let it drop it (%)', admin, SQLERRM;\n    END;\n  END IF;\n  FOR r IN SELECT g.rolname AS name FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid\n      WHERE g.rolname IN ('rds_replication', 'pg_create_subscription') AND m.member = (SELECT oid FROM pg_roles WHERE rolname = admin) AND NOT EXISTS (SELECT FROM pg_roles o WHERE o.oid = m.grantor AND o.rolsuper) AND NOT EXISTS (SELECT FROM pg_roles WHERE rolname = admin AND rolsuper) LOOP\n    BEGIN\n      EXECUTE format('REVOKE %I FROM %I', r.name, admin);\n    EXCEPTION WHEN insufficient_privilege THEN\n      RAISE WARNING 'freehold: replication is off, but % stays a member of %: %', admin, r.name, SQLERRM;\n    END;\n  END LOOP;\nEND\n$freehold$;\nCOMMIT;\n\\echo freehold: roles app and app_read ready in :DBNAME\nFREEHOLD_SQL\n",
      ],
      environment: [
        { name: "HOME", value: "/tmp" },
        { name: "PGCONNECT_TIMEOUT", value: "10" },
        { name: "PGDATABASE", value: "app" },
        { name: "PGHOST", value: dbInstance.address },
        { name: "PGPORT", value: "5432" },
        { name: "PGUSER", value: "freehold" },
        { name: "PGSSLMODE", value: "verify-full" },
        { name: "PGSSLROOTCERT", value: "/etc/freehold/tls/database-ca.pem" },
      ],
      secrets: [
        {
          name: "FREEHOLD_APP_VERIFIER",
          valueFrom: pulumi.interpolate`${dbAppSecret.arn}:verifier::${dbAppSecretValue.versionId}`,
        },
        {
          name: "FREEHOLD_READ_VERIFIER",
          valueFrom: pulumi.interpolate`${dbReaderSecret.arn}:verifier::${dbReaderSecretValue.versionId}`,
        },
        {
          name: "PGPASSWORD",
          valueFrom: pulumi.interpolate`${dbInstance.masterUserSecrets[0].secretArn}:password::`,
        },
      ],
      linuxParameters: { tmpfs: [{ containerPath: "/tmp", size: 128, mountOptions: ["mode=1777", "nosuid", "nodev"] }] },
      mountPoints: [{ sourceVolume: "freehold-tls", containerPath: "/etc/freehold/tls", readOnly: true }],
      dependsOn: [{ containerName: "freehold-prepare", condition: "SUCCESS" }],
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/freehold/crown-marketplace-dev/db-roles",
          "awslogs-region": region,
          "awslogs-stream-prefix": "roles",
        },
      },
    },
  ]),
  cpu: "256",
  executionRoleArn: dbRolesExecutionRole.arn,
  family: "crown-marketplace-dev-db-roles",
  memory: "512",
  networkMode: "awsvpc",
  region,
  requiresCompatibilities: ["FARGATE"],
  runtimePlatform,
  tags: { ...tags, "freehold-component": "db" },
  volumes: [{ name: "freehold-tls" }],
}, { dependsOn: [dbRolesLogs], aliases: [{ parent: freeholdDb }] });

const dbRolesRunnerLogs = new cloudwatch.LogGroup("db-roles-runner-logs", {
  name: "/aws/lambda/crown-marketplace-dev-db-roles",
  region,
  retentionInDays: 365,
  tags: { ...tags, "freehold-component": "db" },
}, { aliases: [{ parent: freeholdDb }] });

const dbRolesRunnerRole = new iam.Role("db-roles-runner-role", {
  assumeRolePolicy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Service: "lambda.amazonaws.com" },
        Condition: {
          ArnLike: {
            "aws:SourceArn": pulumi.interpolate`arn:aws:lambda:${region}:${callerIdentity.accountId}:function:crown-marketplace-dev-db-roles`,
          },
          StringEquals: { "aws:SourceAccount": callerIdentity.accountId },
        },
      },
    ],
  }),
  description: "Freehold crown-marketplace-dev/db: runs the database role job",
  name: "crown-marketplace-dev-db-roles-run",
  tags: { ...tags, "freehold-component": "db" },
}, { aliases: [{ parent: freeholdDb }] });

const dbRolesRunnerPolicy = new iam.RolePolicy("db-roles-runner-policy", {
  name: "freehold-role-job-runner",
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RunTheJob",
        Effect: "Allow",
        Action: ["ecs:RunTask"],
        Resource: pulumi.interpolate`arn:aws:ecs:${region}:${callerIdentity.accountId}:task-definition/crown-marketplace-dev-db-roles:*`,
        Condition: { ArnEquals: { "ecs:cluster": cluster.arn } },
      },
      {
        Sid: "WatchTheJob",
        Effect: "Allow",
        Action: ["ecs:DescribeTasks", "ecs:StopTask"],
        Resource: pulumi.interpolate`arn:aws:ecs:${region}:${callerIdentity.accountId}:task/crown-marketplace-dev/*`,
        Condition: { ArnEquals: { "ecs:cluster": cluster.arn } },
      },
      {
        Sid: "PassTheJobRole",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: dbRolesExecutionRole.arn,
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      },
      {
        Sid: "Logs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [dbRolesRunnerLogs.arn, pulumi.interpolate`${dbRolesRunnerLogs.arn}:log-stream:*`],
      },
    ],
  }),
  role: dbRolesRunnerRole.name,
}, { aliases: [{ parent: freeholdDb }] });

const dbRolesRunner = new lambda.Function("db-roles-runner", {
  architectures: ["arm64"],
  code: { __pulumiArchive: true, assets: {} },
  description: "Freehold crown-marketplace-dev/db: runs the database role job and waits for it",
  handler: "index.handler",
  loggingConfig: { logFormat: "Text", logGroup: dbRolesRunnerLogs.name },
  memorySize: 128,
  name: "crown-marketplace-dev-db-roles",
  region,
  role: dbRolesRunnerRole.arn,
  runtime: "nodejs24.x",
  tags: { ...tags, "freehold-component": "db" },
  timeout: 900,
}, { dependsOn: [dbRolesRunnerLogs], aliases: [{ parent: freeholdDb }] });

const dbRolesIamPropagation = new Sleep("db-roles-iam-propagation", {
  createDuration: "15s",
  triggers: {
    policies: pulumi.interpolate`{"Version":"2012-10-17","Statement":[{"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":["${dbRolesLogs.arn}","${dbRolesLogs.arn}:log-stream:*"]},{"Sid":"Secrets","Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"Resource":["${dbInstance.masterUserSecrets[0].secretArn}","${dbAppSecret.arn}","${dbReaderSecret.arn}"]}]}
{"Version":"2012-10-17","Statement":[{"Sid":"RunTheJob","Effect":"Allow","Action":["ecs:RunTask"],"Resource":"arn:aws:ecs:${region}:${callerIdentity.accountId}:task-definition/crown-marketplace-dev-db-roles:*","Condition":{"ArnEquals":{"ecs:cluster":"${cluster.arn}"}}},{"Sid":"WatchTheJob","Effect":"Allow","Action":["ecs:DescribeTasks","ecs:StopTask"],"Resource":"arn:aws:ecs:${region}:${callerIdentity.accountId}:task/crown-marketplace-dev/*","Condition":{"ArnEquals":{"ecs:cluster":"${cluster.arn}"}}},{"Sid":"PassTheJobRole","Effect":"Allow","Action":["iam:PassRole"],"Resource":"${dbRolesExecutionRole.arn}","Condition":{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}},{"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":["${dbRolesRunnerLogs.arn}","${dbRolesRunnerLogs.arn}:log-stream:*"]}]}`,
  },
}, { dependsOn: [dbRolesExecutionPolicy, dbRolesRunnerPolicy], aliases: [{ parent: freeholdDb }] });

const dbRolesRun = new lambda.Invocation("db-roles-run", {
  functionName: dbRolesRunner.name,
  input: pulumi.jsonStringify({
    cluster: cluster.arn,
    taskDefinition: dbRolesTask.arn,
    subnets: [privateA.id, privateB.id],
    securityGroups: [dbRolesSg.id],
    container: "roles",
    logGroup: "/freehold/crown-marketplace-dev/db-roles",
    pollSeconds: 5,
    timeoutSeconds: 840,
  }),
  region,
}, { dependsOn: [dbInstance, dbRolesIngress, dbRolesIamPropagation], aliases: [{ parent: freeholdDb }] });

// ---- uploads (ObjectStore) -------------------------------------------------------------------------------
// uploads: object-store on Amazon S3.
// Was Freehold's ObjectStore "uploads" (freehold:index:ObjectStore).

const uploadsBucket = new s3.Bucket("uploads-bucket", {
  bucket: "crown-marketplace-dev-uploads-1wyfmc",
  forceDestroy: false,
  region,
  tags: { ...tags, "freehold-component": "uploads" },
}, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdUploads }] });

const uploadsPublicAccessBlock = new s3.BucketPublicAccessBlock("uploads-public-access-block", {
  blockPublicAcls: true,
  blockPublicPolicy: true,
  bucket: uploadsBucket.id,
  ignorePublicAcls: true,
  region,
  restrictPublicBuckets: true,
}, { retainOnDelete: true, aliases: [{ parent: freeholdUploads }] });

const uploadsOwnership = new s3.BucketOwnershipControls("uploads-ownership", { bucket: uploadsBucket.id, region, rule: { objectOwnership: "BucketOwnerEnforced" } }, { retainOnDelete: true, aliases: [{ parent: freeholdUploads }] });

const uploadsEncryption = new s3.BucketServerSideEncryptionConfiguration("uploads-encryption", {
  bucket: uploadsBucket.id,
  region,
  rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
}, { retainOnDelete: true, aliases: [{ parent: freeholdUploads }] });

const uploadsVersioning = new s3.BucketVersioning("uploads-versioning", { bucket: uploadsBucket.id, region, versioningConfiguration: { status: "Enabled" } }, { retainOnDelete: true, aliases: [{ parent: freeholdUploads }] });

const uploadsLifecycle = new s3.BucketLifecycleConfiguration("uploads-lifecycle", {
  bucket: uploadsBucket.id,
  region,
  rules: [
    {
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      filter: { prefix: "" },
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
    },
    {
      expiration: { expiredObjectDeleteMarker: true },
      filter: { prefix: "" },
      id: "expire-previous-versions",
      noncurrentVersionExpiration: { noncurrentDays: 30 },
      status: "Enabled",
    },
    {
      expiration: { days: 7 },
      filter: { prefix: "tmp/" },
      id: "expire-1",
      noncurrentVersionExpiration: { noncurrentDays: 7 },
      status: "Enabled",
    },
    {
      expiration: { days: 90 },
      filter: { prefix: "logs/" },
      id: "expire-2",
      noncurrentVersionExpiration: { noncurrentDays: 90 },
      status: "Enabled",
    },
  ],
}, { retainOnDelete: true, dependsOn: [uploadsVersioning], aliases: [{ parent: freeholdUploads }] });

const uploadsCors = new s3.BucketCorsConfiguration("uploads-cors", {
  bucket: uploadsBucket.id,
  corsRules: [
    {
      allowedHeaders: ["*"],
      allowedMethods: ["GET", "PUT"],
      allowedOrigins: ["https://marketplace.example.gov.uk"],
      exposeHeaders: ["ETag"],
      maxAgeSeconds: 3600,
    },
  ],
  region,
}, { retainOnDelete: true, aliases: [{ parent: freeholdUploads }] });

const uploadsPolicy = new s3.BucketPolicy("uploads-policy", {
  bucket: uploadsBucket.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [uploadsBucket.arn, pulumi.interpolate`${uploadsBucket.arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyOldTls",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [uploadsBucket.arn, pulumi.interpolate`${uploadsBucket.arn}/*`],
        Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
      },
      {
        Sid: "DenyBucketDeletion",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:DeleteBucket"],
        Resource: uploadsBucket.arn,
      },
    ],
  }),
  region,
}, { retainOnDelete: true, dependsOn: [uploadsPublicAccessBlock], aliases: [{ parent: freeholdUploads }] });

// ---- web (WebService) ------------------------------------------------------------------------------------
// web: web-service on Amazon ECS on AWS Fargate, fargate-1024-2048. Size: Fargate task size 1 vCPU / 2 GB
// matches the request.
// Was Freehold's WebService "web" (freehold:index:WebService).

const webLogs = new cloudwatch.LogGroup("web-logs", {
  name: "/freehold/crown-marketplace-dev/web",
  region,
  retentionInDays: 365,
  tags: { ...tags, "freehold-component": "web" },
}, { aliases: [{ parent: freeholdWeb }] });

const webExecutionRole = new iam.Role("web-execution-role", {
  assumeRolePolicy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Condition: {
          ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:ecs:${region}:${callerIdentity.accountId}:*` },
          StringEquals: { "aws:SourceAccount": callerIdentity.accountId },
        },
      },
    ],
  }),
  description: "Freehold crown-marketplace-dev/web: ECS agent (logs, linked secrets, image pull)",
  name: "crown-marketplace-dev-web-exec",
  tags: { ...tags, "freehold-component": "web" },
}, { aliases: [{ parent: freeholdWeb }] });

const webTaskRole = new iam.Role("web-task-role", {
  assumeRolePolicy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Condition: {
          ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:ecs:${region}:${callerIdentity.accountId}:*` },
          StringEquals: { "aws:SourceAccount": callerIdentity.accountId },
        },
      },
    ],
  }),
  description: "Freehold crown-marketplace-dev/web: the application (linked buckets only)",
  name: "crown-marketplace-dev-web-task",
  tags: { ...tags, "freehold-component": "web" },
}, { aliases: [{ parent: freeholdWeb }] });

const webExecutionPolicy = new iam.RolePolicy("web-execution-policy", {
  name: "freehold-execution",
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Logs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [webLogs.arn, pulumi.interpolate`${webLogs.arn}:log-stream:*`],
      },
    ],
  }),
  role: webExecutionRole.name,
}, { aliases: [{ parent: freeholdWeb }] });

const webDbSecret = new iam.RolePolicy("web-db-secret", {
  name: "freehold-link-db",
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: dbAppSecret.arn }],
  }),
  role: webExecutionRole.name,
}, { aliases: [{ parent: freeholdWeb }] });

const webUploadsAccess = new iam.RolePolicy("web-uploads-access", {
  name: "freehold-link-uploads",
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["s3:ListBucket"], Resource: uploadsBucket.arn },
      {
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
        Resource: pulumi.interpolate`${uploadsBucket.arn}/*`,
      },
    ],
  }),
  role: webTaskRole.name,
}, { aliases: [{ parent: freeholdWeb }] });

// eject: "containerDefinitions" was also made from db-roles-run; the value below is right, but no longer waits
// for it.
const webTask = new ecs.TaskDefinition("web-task", {
  containerDefinitions: pulumi.jsonStringify([
    {
      name: "app",
      image: webImage,
      essential: true,
      privileged: false,
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: 8080, protocol: "tcp" }],
      environment: [
        { name: "DATABASE_HOST", value: dbInstance.address },
        { name: "DATABASE_NAME", value: "app" },
        { name: "DATABASE_PORT", value: "5432" },
        { name: "DATABASE_SSLMODE", value: "verify-full" },
        { name: "DATABASE_SSLROOTCERT", value: "/etc/freehold/tls/database-ca.pem" },
        { name: "DATABASE_USER", value: "app" },
        { name: "NODE_ENV", value: "production" },
        { name: "OBJECT_STORE_ACCESS", value: "readWrite" },
        { name: "OBJECT_STORE_BUCKET", value: uploadsBucket.bucket },
        { name: "OBJECT_STORE_ENDPOINT", value: `https://s3.${region}.amazonaws.com` },
        { name: "OBJECT_STORE_PROVIDER", value: "s3" },
      ],
      secrets: [
        {
          name: "DATABASE_PASSWORD",
          valueFrom: pulumi.interpolate`${dbAppSecret.arn}:password::${dbAppSecretValue.versionId}`,
        },
      ],
      linuxParameters: { tmpfs: [{ containerPath: "/tmp", size: 512, mountOptions: ["mode=1777", "nosuid", "nodev"] }] },
      mountPoints: [{ sourceVolume: "freehold-tls", containerPath: "/etc/freehold/tls", readOnly: true }],
      dependsOn: [{ containerName: "freehold-prepare", condition: "SUCCESS" }],
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/freehold/crown-marketplace-dev/web",
          "awslogs-region": region,
          "awslogs-stream-prefix": "app",
        },
      },
    },
    {
      name: "freehold-prepare",
      image: "public.ecr.aws/docker/library/alpine:3.24.2@sha256:3cf95fe0816180395592b8373f3ec60663f076127617bbacb4eacf9667afe2e9",
      essential: false,
      privileged: false,
      readonlyRootFilesystem: true,
      user: "0:0",
      linuxParameters: { capabilities: { drop: ["ALL"] } },
      command: [
        "sh",
        "-c",
        "set -eu\numask 022\ntest -n \"$FREEHOLD_DATABASE_CA\"\nprintf '%s' \"$FREEHOLD_DATABASE_CA\" > \"$FREEHOLD_CA_FILE\"\necho \"freehold: database certificate authorities written to $FREEHOLD_CA_FILE\"",
      ],
      environment: [
        { name: "FREEHOLD_CA_FILE", value: "/etc/freehold/tls/database-ca.pem" },
        {
          name: "FREEHOLD_DATABASE_CA",
          value: "-----BEGIN CERTIFICATE-----\nMIID/jCCAuagAwIBAgIQTDc+UgTRtYO7ZGTQ8UWKDDANBgkqhkiG9w0BAQsFADCB\nlzELMAkGA1UEBhMCVVMxIjAgBgNVBAoMGUFtYXpvbiBXZWIgU2VydmljZXMsIElu\nYy4xEzARBgNVBAsMCkFtYXpvbiBSRFMxCzAJBgNVBAgMAldBMTAwLgYDVQQDDCdB\nbWF6b24gUkRTIGV1LXdlc3QtMiBSb290IENBIFJTQTIwNDggRzExEDAOBgNVBAcM\nB1NlYXR0bGUwIBcNMjEwNTIxMjI0NjI0WhgPMjA2MTA1MjEyMzQ2MjRaMIGXMQsw\nCQYDVQQGEwJVUzEiMCAGA1UECgwZQW1hem9uIFdlYiBTZXJ2aWNlcywgSW5jLjET\nMBEGA1UECwwKQW1hem9uIFJEUzELMAkGA1UECAwCV0ExMDAuBgNVBAMMJ0FtYXpv\nbiBSRFMgZXUtd2VzdC0yIFJvb3QgQ0EgUlNBMjA0OCBHMTEQMA4GA1UEBwwHU2Vh\ndHRsZTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAM1oGtthQ1YiVIC2\ni4u4swMAGxAjc/BZp0yq0eP5ZQFaxnxs7zFAPabEWsrjeDzrRhdVO0h7zskrertP\ngblGhfD20JfjvCHdP1RUhy/nzG+T+hn6Takan/GIgs8grlBMRHMgBYHW7tklhjaH\n3F7LujhceAHhhgp6IOrpb6YTaTTaJbF3GTmkqxSJ3l1LtEoWz8Al/nL/Ftzxrtez\nVs6ebpvd7sw37sxmXBWX2OlvUrPCTmladw9OrllGXtCFw4YyLe3zozBlZ3cHzQ0q\nlINhpRcajTMfZrsiGCkQtoJT+AqVJPS2sHjqsEH8yiySW9Jbq4zyMbM1yqQ2vnnx\nMJgoYMcCAwEAAaNCMEAwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUaQG88UnV\nJPTI+Pcti1P+q3H7pGYwDgYDVR0PAQH/BAQDAgGGMA0GCSqGSIb3DQEBCwUAA4IB\nAQBAkgr75V0sEJimC6QRiTVWEuj2Khy7unjSfudbM6zumhXEU2/sUaVLiYy6cA/x\n3v0laDle6T07x9g64j5YastE/4jbzrGgIINFlY0JnaYmR3KZEjgi1s1fkRRf3llL\nPJm9u4Q1mbwAMQK/ZjLuuRcL3uRIHJek18nRqT5h43GB26qXyvJqeYYpYfIjL9+/\nYiZAbSRRZG+Li23cmPWrbA1CJY121SB+WybCbysbOXzhD3Sl2KSZRwSw4p2HrFtV\n1Prk0dOBtZxCG9luf87ultuDZpfS0w6oNBAMXocgswk24ylcADkkFxBWW+7BETn1\nEpK+t1Lm37mU4sxtuha00XAi\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIF/zCCA+egAwIBAgIRAMDk/F+rrhdn42SfE+ghPC8wDQYJKoZIhvcNAQEMBQAw\ngZcxCzAJBgNVBAYTAlVTMSIwIAYDVQQKDBlBbWF6b24gV2ViIFNlcnZpY2VzLCBJ\nbmMuMRMwEQYDVQQLDApBbWF6b24gUkRTMQswCQYDVQQIDAJXQTEwMC4GA1UEAwwn\nQW1hem9uIFJEUyBldS13ZXN0LTIgUm9vdCBDQSBSU0E0MDk2IEcxMRAwDgYDVQQH\nDAdTZWF0dGxlMCAXDTIxMDUyMTIyNTEyMloYDzIxMjEwNTIxMjM1MTIyWjCBlzEL\nMAkGA1UEBhMCVVMxIjAgBgNVBAoMGUFtYXpvbiBXZWIgU2VydmljZXMsIEluYy4x\nEzARBgNVBAsMCkFtYXpvbiBSRFMxCzAJBgNVBAgMAldBMTAwLgYDVQQDDCdBbWF6\nb24gUkRTIGV1LXdlc3QtMiBSb290IENBIFJTQTQwOTYgRzExEDAOBgNVBAcMB1Nl\nYXR0bGUwggIiMA0GCSqGSIb3DQEBAQUAA4ICDwAwggIKAoICAQC2twMALVg9vRVu\nVNqsr6N8thmp3Dy8jEGTsm3GCQ+C5P2YcGlD/T/5icfWW84uF7Sx3ezcGlvsqFMf\nUkj9sQyqtz7qfFFugyy7pa/eH9f48kWFHLbQYm9GEgbYBIrWMp1cy3vyxuMCwQN4\nDCncqU+yNpy0CprQJEha3PzY+3yJOjDQtc3zr99lyECCFJTDUucxHzyQvX89eL74\nuh8la0lKH3v9wPpnEoftbrwmm5jHNFdzj7uXUHUJ41N7af7z7QUfghIRhlBDiKtx\n5lYZemPCXajTc3ryDKUZC/b+B6ViXZmAeMdmQoPE0jwyEp/uaUcdp+FlUQwCfsBk\nayPFEApTWgPiku2isjdeTVmEgL8bJTDUZ6FYFR7ZHcYAsDzcwHgIu3GGEMVRS3Uf\nILmioiyly9vcK4Sa01ondARmsi/I0s7pWpKflaekyv5boJKD/xqwz9lGejmJHelf\n8Od2TyqJScMpB7Q8c2ROxBwqwB72jMCEvYigB+Wnbb8RipliqNflIGx938FRCzKL\nUQUBmNAznR/yRRL0wHf9UAE/8v9a09uZABeiznzOFAl/frHpgdAbC00LkFlnwwgX\ng8YfEFlkp4fLx5B7LtoO6uVNFVimLxtwirpyKoj3G4M/kvSTux8bTw0heBCmWmKR\n57MS6k7ODzbv+Kpeht2hqVZCNFMxoQIDAQABo0IwQDAPBgNVHRMBAf8EBTADAQH/\nMB0GA1UdDgQWBBRuMnDhJjoj7DcKALj+HbxEqj3r6jAOBgNVHQ8BAf8EBAMCAYYw\nDQYJKoZIhvcNAQEMBQADggIBALSnXfx72C3ldhBP5kY4Mo2DDaGQ8FGpTOOiD95d\n0rf7I9LrsBGVqu/Nir+kqqP80PB70+Jy9fHFFigXwcPBX3MpKGxK8Cel7kVf8t1B\n4YD6A6bqlzP+OUL0uGWfZpdpDxwMDI2Flt4NEldHgXWPjvN1VblEKs0+kPnKowyg\njhRMgBbD/y+8yg0fIcjXUDTAw/+INcp21gWaMukKQr/8HswqC1yoqW9in2ijQkpK\n2RB9vcQ0/gXR0oJUbZQx0jn0OH8Agt7yfMAnJAdnHO4M3gjvlJLzIC5/4aGrRXZl\nJoZKfJ2fZRnrFMi0nhAYDeInoS+Rwx+QzaBk6fX5VPyCj8foZ0nmqvuYoydzD8W5\nmMlycgxFqS+DUmO+liWllQC4/MnVBlHGB1Cu3wTj5kgOvNs/k+FW3GXGzD3+rpv0\nQTLuwSbMr+MbEThxrSZRSXTCQzKfehyC+WZejgLb+8ylLJUA10e62o7H9PvCrwj+\nZDVmN7qj6amzvndCP98sZfX7CFZPLfcBd4wVIjHsFjSNEwWHOiFyLPPG7cdolGKA\nlOFvonvo4A1uRc13/zFeP0Xi5n5OZ2go8aOOeGYdI2vB2sgH9R2IASH/jHmr0gvY\n0dfBCcfXNgrS0toq0LX/y+5KkKOxh52vEYsJLdhqrveuZhQnsFEm/mFwjRXkyO7c\n2jpC\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIICrjCCAjSgAwIBAgIRAKKPTYKln9L4NTx9dpZGUjowCgYIKoZIzj0EAwMwgZYx\nCzAJBgNVBAYTAlVTMSIwIAYDVQQKDBlBbWF6b24gV2ViIFNlcnZpY2VzLCBJbmMu\nMRMwEQYDVQQLDApBbWF6b24gUkRTMQswCQYDVQQIDAJXQTEvMC0GA1UEAwwmQW1h\nem9uIFJEUyBldS13ZXN0LTIgUm9vdCBDQSBFQ0MzODQgRzExEDAOBgNVBAcMB1Nl\nYXR0bGUwIBcNMjEwNTIxMjI1NTIxWhgPMjEyMTA1MjEyMzU1MjFaMIGWMQswCQYD\nVQQGEwJVUzEiMCAGA1UECgwZQW1hem9uIFdlYiBTZXJ2aWNlcywgSW5jLjETMBEG\nA1UECwwKQW1hem9uIFJEUzELMAkGA1UECAwCV0ExLzAtBgNVBAMMJkFtYXpvbiBS\nRFMgZXUtd2VzdC0yIFJvb3QgQ0EgRUNDMzg0IEcxMRAwDgYDVQQHDAdTZWF0dGxl\nMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE/owTReDvaRqdmbtTzXbyRmEpKCETNj6O\nhZMKH0F8oU9Tmn8RU7kQQj6xUKEyjLPrFBN7c+26TvrVO1KmJAvbc8bVliiJZMbc\nC0yV5PtJTalvlMZA1NnciZuhxaxrzlK1o0IwQDAPBgNVHRMBAf8EBTADAQH/MB0G\nA1UdDgQWBBT4i5HaoHtrs7Mi8auLhMbKM1XevDAOBgNVHQ8BAf8EBAMCAYYwCgYI\nKoZIzj0EAwMDaAAwZQIxAK9A+8/lFdX4XJKgfP+ZLy5ySXC2E0Spoy12Gv2GdUEZ\np1G7c1KbWVlyb1d6subzkQIwKyH0Naf/3usWfftkmq8SzagicKz5cGcEUaULq4tO\nGzA/AMpr63IDBAqkZbMDTCmH\n-----END CERTIFICATE-----\n",
        },
      ],
      mountPoints: [{ sourceVolume: "freehold-tls", containerPath: "/etc/freehold/tls", readOnly: false }],
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/freehold/crown-marketplace-dev/web",
          "awslogs-region": region,
          "awslogs-stream-prefix": "freehold-prepare",
        },
      },
    },
  ]),
  cpu: "1024",
  executionRoleArn: webExecutionRole.arn,
  family: "crown-marketplace-dev-web",
  memory: "2048",
  networkMode: "awsvpc",
  region,
  requiresCompatibilities: ["FARGATE"],
  runtimePlatform,
  tags: { ...tags, "freehold-component": "web" },
  taskRoleArn: webTaskRole.arn,
  volumes: [{ name: "freehold-tls" }],
}, { dependsOn: [webLogs], aliases: [{ parent: freeholdWeb }] });

const managedPrefixList = ec2.getManagedPrefixListOutput({ name: "com.amazonaws.global.cloudfront.origin-facing", region });

const webLbSg = new ec2.SecurityGroup("web-lb-sg", {
  description: "Freehold load balancer: HTTP from CloudFront VPC origins only",
  ingress: [
    {
      description: "CloudFront VPC origin (origin-facing prefix list)",
      fromPort: 80,
      prefixListIds: [managedPrefixList.id],
      protocol: "tcp",
      toPort: 80,
    },
  ],
  name: "crown-marketplace-dev-web-lb-cdn",
  region,
  tags: { ...tags, "freehold-component": "web" },
  vpcId: vpc.id,
}, { deleteBeforeReplace: false, aliases: [{ parent: freeholdWeb }] });

const webLb = new lb.LoadBalancer("web-lb", {
  accessLogs: { bucket: albLogs.bucket, enabled: true, prefix: "alb/web" },
  dropInvalidHeaderFields: true,
  internal: true,
  loadBalancerType: "application",
  name: "crown-marketplace-dev-web-int",
  region,
  securityGroups: [webLbSg.id],
  subnets: [privateA.id, privateB.id],
  tags: { ...tags, "freehold-component": "web" },
}, { dependsOn: [albLogsPolicy], aliases: [{ parent: freeholdWeb }] });

const webTg = new lb.TargetGroup("web-tg", {
  deregistrationDelay: 30,
  healthCheck: {
    enabled: true,
    healthyThreshold: 2,
    interval: 30,
    matcher: "200-399",
    path: "/healthz",
    protocol: "HTTP",
    timeout: 5,
    unhealthyThreshold: 3,
  },
  name: "crown-marketplace-dev-web-1fguad",
  port: 80,
  protocol: "HTTP",
  region,
  tags: { ...tags, "freehold-component": "web" },
  targetType: "ip",
  vpcId: vpc.id,
}, { aliases: [{ parent: freeholdWeb }] });

const webHttp = new lb.Listener("web-http", {
  defaultActions: [{ targetGroupArn: webTg.arn, type: "forward" }],
  loadBalancerArn: webLb.arn,
  port: 80,
  protocol: "HTTP",
  region,
  tags: { ...tags, "freehold-component": "web" },
}, { aliases: [{ parent: freeholdWeb }] });

const webVpcOrigin = new cloudfront.VpcOrigin("web-vpc-origin", {
  tags: { ...tags, "freehold-component": "web" },
  vpcOriginEndpointConfig: {
    arn: webLb.arn,
    httpPort: 80,
    httpsPort: 443,
    name: "crown-marketplace-dev-web",
    originProtocolPolicy: "http-only",
    originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
  },
}, { dependsOn: [webHttp], aliases: [{ parent: freeholdWeb }] });

const webCdn = new cloudfront.Distribution("web-cdn", {
  comment: "Freehold crown-marketplace-dev/web",
  defaultCacheBehavior: {
    allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
    cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    cachedMethods: ["GET", "HEAD"],
    compress: true,
    originRequestPolicyId: "33f36d7e-f396-46d9-90e0-52428a34d9dc",
    responseHeadersPolicyId: "67f7725c-6f97-4210-82d7-5512b31e9d03",
    targetOriginId: "alb",
    viewerProtocolPolicy: "redirect-to-https",
  },
  enabled: true,
  httpVersion: "http2and3",
  isIpv6Enabled: true,
  loggingConfig: { bucket: cdnLogs.bucketDomainName, includeCookies: false, prefix: "cdn/web/" },
  origins: [{ domainName: webLb.dnsName, originId: "alb", vpcOriginConfig: { vpcOriginId: webVpcOrigin.id } }],
  priceClass: "PriceClass_100",
  restrictions: { geoRestriction: { restrictionType: "none" } },
  tags: { ...tags, "freehold-component": "web" },
  viewerCertificate: { cloudfrontDefaultCertificate: true },
}, { dependsOn: [cdnLogsOwnership, cdnLogsPolicy], aliases: [{ parent: freeholdWeb }] });

const webSg = new ec2.SecurityGroup("web-sg", {
  description: "Freehold service tasks: container port from the load balancer only",
  egress: [
    {
      cidrBlocks: ["0.0.0.0/0"],
      description: "image pulls, AWS APIs, linked databases",
      fromPort: 0,
      protocol: "-1",
      toPort: 0,
    },
  ],
  name: "crown-marketplace-dev-web-tasks",
  region,
  tags: { ...tags, "freehold-component": "web" },
  vpcId: vpc.id,
}, { deleteBeforeReplace: false, aliases: [{ parent: freeholdWeb }] });

const webFromLb8080 = new vpcAws.SecurityGroupIngressRule("web-from-lb-8080", {
  description: "from the load balancer",
  fromPort: 8080,
  ipProtocol: "tcp",
  referencedSecurityGroupId: webLbSg.id,
  region,
  securityGroupId: webSg.id,
  tags: { ...tags, "freehold-component": "web" },
  toPort: 8080,
}, { aliases: [{ parent: freeholdWeb }] });

const webLbToTasks8080 = new vpcAws.SecurityGroupEgressRule("web-lb-to-tasks-8080", {
  description: "to the tasks",
  fromPort: 8080,
  ipProtocol: "tcp",
  referencedSecurityGroupId: webSg.id,
  region,
  securityGroupId: webLbSg.id,
  tags: { ...tags, "freehold-component": "web" },
  toPort: 8080,
}, { aliases: [{ parent: freeholdWeb }] });

const webDbIngress = new vpcAws.SecurityGroupIngressRule("web-db-ingress", {
  description: "Freehold: web to db",
  fromPort: 5432,
  ipProtocol: "tcp",
  referencedSecurityGroupId: webSg.id,
  region,
  securityGroupId: dbSg.id,
  tags: { ...tags, "freehold-component": "web" },
  toPort: 5432,
}, { aliases: [{ parent: freeholdWeb }] });

const webIamPropagation = new Sleep("web-iam-propagation", {
  createDuration: "15s",
  triggers: {
    policies: pulumi.interpolate`{"Version":"2012-10-17","Statement":[{"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":["${webLogs.arn}","${webLogs.arn}:log-stream:*"]}]}
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"Resource":"${dbAppSecret.arn}"}]}
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":"${uploadsBucket.arn}"},{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:AbortMultipartUpload"],"Resource":"${uploadsBucket.arn}/*"}]}`,
  },
}, { dependsOn: [webDbSecret, webExecutionPolicy, webUploadsAccess], aliases: [{ parent: freeholdWeb }] });

const webService = new ecs.Service("web-service", {
  cluster: cluster.arn,
  deploymentCircuitBreaker: { enable: true, rollback: true },
  deploymentMaximumPercent: 200,
  deploymentMinimumHealthyPercent: 100,
  desiredCount: 2,
  enableEcsManagedTags: true,
  enableExecuteCommand: false,
  healthCheckGracePeriodSeconds: 120,
  launchType: "FARGATE",
  loadBalancers: [{ containerName: "app", containerPort: 8080, targetGroupArn: webTg.arn }],
  name: "crown-marketplace-dev-web",
  networkConfiguration: { assignPublicIp: false, securityGroups: [webSg.id], subnets: [privateA.id, privateB.id] },
  platformVersion: "LATEST",
  propagateTags: "SERVICE",
  region,
  tags: { ...tags, "freehold-component": "web" },
  taskDefinition: webTask.arn,
  waitForSteadyState: true,
}, {
  dependsOn: [webDbSecret, webExecutionPolicy, webUploadsAccess, webHttp, webLbToTasks8080, webFromLb8080, webIamPropagation],
  ignoreChanges: ["desiredCount"],
  aliases: [{ parent: freeholdWeb }],
});

const webScaling = new appautoscaling.Target("web-scaling", {
  maxCapacity: 10,
  minCapacity: 2,
  region,
  resourceId: pulumi.interpolate`service/${cluster.name}/${webService.name}`,
  scalableDimension: "ecs:service:DesiredCount",
  serviceNamespace: "ecs",
  tags: { ...tags, "freehold-component": "web" },
}, { aliases: [{ parent: freeholdWeb }] });

const webScalingCpu = new appautoscaling.Policy("web-scaling-cpu", {
  policyType: "TargetTrackingScaling",
  region,
  resourceId: webScaling.resourceId,
  scalableDimension: webScaling.scalableDimension,
  serviceNamespace: webScaling.serviceNamespace,
  targetTrackingScalingPolicyConfiguration: {
    predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
    scaleInCooldown: 300,
    scaleOutCooldown: 60,
    targetValue: 60,
  },
}, { aliases: [{ parent: freeholdWeb }] });

// ---- worker (Worker) -------------------------------------------------------------------------------------
// worker: worker on Amazon ECS on AWS Fargate (no load balancer), fargate-512-1024. Size: Fargate task size 0.5
// vCPU / 1 GB matches the request.
// Was Freehold's Worker "worker" (freehold:index:Worker).

const workerLogs = new cloudwatch.LogGroup("worker-logs", {
  name: "/freehold/crown-marketplace-dev/worker",
  region,
  retentionInDays: 365,
  tags: { ...tags, "freehold-component": "worker" },
}, { aliases: [{ parent: freeholdWorker }] });

const workerExecutionRole = new iam.Role("worker-execution-role", {
  assumeRolePolicy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Condition: {
          ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:ecs:${region}:${callerIdentity.accountId}:*` },
          StringEquals: { "aws:SourceAccount": callerIdentity.accountId },
        },
      },
    ],
  }),
  description: "Freehold crown-marketplace-dev/worker: ECS agent (logs, linked secrets, image pull)",
  name: "crown-marketplace-dev-worker-exec",
  tags: { ...tags, "freehold-component": "worker" },
}, { aliases: [{ parent: freeholdWorker }] });

const workerTaskRole = new iam.Role("worker-task-role", {
  assumeRolePolicy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Condition: {
          ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:ecs:${region}:${callerIdentity.accountId}:*` },
          StringEquals: { "aws:SourceAccount": callerIdentity.accountId },
        },
      },
    ],
  }),
  description: "Freehold crown-marketplace-dev/worker: the application (linked buckets only)",
  name: "crown-marketplace-dev-worker-task",
  tags: { ...tags, "freehold-component": "worker" },
}, { aliases: [{ parent: freeholdWorker }] });

const workerExecutionPolicy = new iam.RolePolicy("worker-execution-policy", {
  name: "freehold-execution",
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Logs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [workerLogs.arn, pulumi.interpolate`${workerLogs.arn}:log-stream:*`],
      },
    ],
  }),
  role: workerExecutionRole.name,
}, { aliases: [{ parent: freeholdWorker }] });

const workerDbSecret = new iam.RolePolicy("worker-db-secret", {
  name: "freehold-link-db",
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: dbAppSecret.arn }],
  }),
  role: workerExecutionRole.name,
}, { aliases: [{ parent: freeholdWorker }] });

const workerUploadsAccess = new iam.RolePolicy("worker-uploads-access", {
  name: "freehold-link-uploads",
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["s3:ListBucket"], Resource: uploadsBucket.arn },
      { Effect: "Allow", Action: ["s3:GetObject"], Resource: pulumi.interpolate`${uploadsBucket.arn}/*` },
    ],
  }),
  role: workerTaskRole.name,
}, { aliases: [{ parent: freeholdWorker }] });

// eject: "containerDefinitions" was also made from db-roles-run; the value below is right, but no longer waits
// for it.
const workerTask = new ecs.TaskDefinition("worker-task", {
  containerDefinitions: pulumi.jsonStringify([
    {
      name: "app",
      image: workerImage,
      essential: true,
      privileged: false,
      readonlyRootFilesystem: true,
      user: "10001",
      command: ["process-uploads"],
      portMappings: [],
      environment: [
        { name: "DATABASE_HOST", value: dbInstance.address },
        { name: "DATABASE_NAME", value: "app" },
        { name: "DATABASE_PORT", value: "5432" },
        { name: "DATABASE_SSLMODE", value: "verify-full" },
        { name: "DATABASE_SSLROOTCERT", value: "/etc/freehold/tls/database-ca.pem" },
        { name: "DATABASE_USER", value: "app" },
        { name: "OBJECT_STORE_ACCESS", value: "read" },
        { name: "OBJECT_STORE_BUCKET", value: uploadsBucket.bucket },
        { name: "OBJECT_STORE_ENDPOINT", value: `https://s3.${region}.amazonaws.com` },
        { name: "OBJECT_STORE_PROVIDER", value: "s3" },
      ],
      secrets: [
        {
          name: "DATABASE_PASSWORD",
          valueFrom: pulumi.interpolate`${dbAppSecret.arn}:password::${dbAppSecretValue.versionId}`,
        },
      ],
      linuxParameters: { tmpfs: [{ containerPath: "/tmp", size: 256, mountOptions: ["mode=1777", "nosuid", "nodev"] }] },
      mountPoints: [{ sourceVolume: "freehold-tls", containerPath: "/etc/freehold/tls", readOnly: true }],
      dependsOn: [{ containerName: "freehold-prepare", condition: "SUCCESS" }],
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/freehold/crown-marketplace-dev/worker",
          "awslogs-region": region,
          "awslogs-stream-prefix": "app",
        },
      },
    },
    {
      name: "freehold-prepare",
      image: "public.ecr.aws/docker/library/alpine:3.24.2@sha256:3cf95fe0816180395592b8373f3ec60663f076127617bbacb4eacf9667afe2e9",
      essential: false,
      privileged: false,
      readonlyRootFilesystem: true,
      user: "0:0",
      linuxParameters: { capabilities: { drop: ["ALL"] } },
      command: [
        "sh",
        "-c",
        "set -eu\numask 022\ntest -n \"$FREEHOLD_DATABASE_CA\"\nprintf '%s' \"$FREEHOLD_DATABASE_CA\" > \"$FREEHOLD_CA_FILE\"\necho \"freehold: database certificate authorities written to $FREEHOLD_CA_FILE\"",
      ],
      environment: [
        { name: "FREEHOLD_CA_FILE", value: "/etc/freehold/tls/database-ca.pem" },
        {
          name: "FREEHOLD_DATABASE_CA",
          value: "-----BEGIN CERTIFICATE-----\nMIID/jCCAuagAwIBAgIQTDc+UgTRtYO7ZGTQ8UWKDDANBgkqhkiG9w0BAQsFADCB\nlzELMAkGA1UEBhMCVVMxIjAgBgNVBAoMGUFtYXpvbiBXZWIgU2VydmljZXMsIElu\nYy4xEzARBgNVBAsMCkFtYXpvbiBSRFMxCzAJBgNVBAgMAldBMTAwLgYDVQQDDCdB\nbWF6b24gUkRTIGV1LXdlc3QtMiBSb290IENBIFJTQTIwNDggRzExEDAOBgNVBAcM\nB1NlYXR0bGUwIBcNMjEwNTIxMjI0NjI0WhgPMjA2MTA1MjEyMzQ2MjRaMIGXMQsw\nCQYDVQQGEwJVUzEiMCAGA1UECgwZQW1hem9uIFdlYiBTZXJ2aWNlcywgSW5jLjET\nMBEGA1UECwwKQW1hem9uIFJEUzELMAkGA1UECAwCV0ExMDAuBgNVBAMMJ0FtYXpv\nbiBSRFMgZXUtd2VzdC0yIFJvb3QgQ0EgUlNBMjA0OCBHMTEQMA4GA1UEBwwHU2Vh\ndHRsZTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAM1oGtthQ1YiVIC2\ni4u4swMAGxAjc/BZp0yq0eP5ZQFaxnxs7zFAPabEWsrjeDzrRhdVO0h7zskrertP\ngblGhfD20JfjvCHdP1RUhy/nzG+T+hn6Takan/GIgs8grlBMRHMgBYHW7tklhjaH\n3F7LujhceAHhhgp6IOrpb6YTaTTaJbF3GTmkqxSJ3l1LtEoWz8Al/nL/Ftzxrtez\nVs6ebpvd7sw37sxmXBWX2OlvUrPCTmladw9OrllGXtCFw4YyLe3zozBlZ3cHzQ0q\nlINhpRcajTMfZrsiGCkQtoJT+AqVJPS2sHjqsEH8yiySW9Jbq4zyMbM1yqQ2vnnx\nMJgoYMcCAwEAAaNCMEAwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUaQG88UnV\nJPTI+Pcti1P+q3H7pGYwDgYDVR0PAQH/BAQDAgGGMA0GCSqGSIb3DQEBCwUAA4IB\nAQBAkgr75V0sEJimC6QRiTVWEuj2Khy7unjSfudbM6zumhXEU2/sUaVLiYy6cA/x\n3v0laDle6T07x9g64j5YastE/4jbzrGgIINFlY0JnaYmR3KZEjgi1s1fkRRf3llL\nPJm9u4Q1mbwAMQK/ZjLuuRcL3uRIHJek18nRqT5h43GB26qXyvJqeYYpYfIjL9+/\nYiZAbSRRZG+Li23cmPWrbA1CJY121SB+WybCbysbOXzhD3Sl2KSZRwSw4p2HrFtV\n1Prk0dOBtZxCG9luf87ultuDZpfS0w6oNBAMXocgswk24ylcADkkFxBWW+7BETn1\nEpK+t1Lm37mU4sxtuha00XAi\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIF/zCCA+egAwIBAgIRAMDk/F+rrhdn42SfE+ghPC8wDQYJKoZIhvcNAQEMBQAw\ngZcxCzAJBgNVBAYTAlVTMSIwIAYDVQQKDBlBbWF6b24gV2ViIFNlcnZpY2VzLCBJ\nbmMuMRMwEQYDVQQLDApBbWF6b24gUkRTMQswCQYDVQQIDAJXQTEwMC4GA1UEAwwn\nQW1hem9uIFJEUyBldS13ZXN0LTIgUm9vdCBDQSBSU0E0MDk2IEcxMRAwDgYDVQQH\nDAdTZWF0dGxlMCAXDTIxMDUyMTIyNTEyMloYDzIxMjEwNTIxMjM1MTIyWjCBlzEL\nMAkGA1UEBhMCVVMxIjAgBgNVBAoMGUFtYXpvbiBXZWIgU2VydmljZXMsIEluYy4x\nEzARBgNVBAsMCkFtYXpvbiBSRFMxCzAJBgNVBAgMAldBMTAwLgYDVQQDDCdBbWF6\nb24gUkRTIGV1LXdlc3QtMiBSb290IENBIFJTQTQwOTYgRzExEDAOBgNVBAcMB1Nl\nYXR0bGUwggIiMA0GCSqGSIb3DQEBAQUAA4ICDwAwggIKAoICAQC2twMALVg9vRVu\nVNqsr6N8thmp3Dy8jEGTsm3GCQ+C5P2YcGlD/T/5icfWW84uF7Sx3ezcGlvsqFMf\nUkj9sQyqtz7qfFFugyy7pa/eH9f48kWFHLbQYm9GEgbYBIrWMp1cy3vyxuMCwQN4\nDCncqU+yNpy0CprQJEha3PzY+3yJOjDQtc3zr99lyECCFJTDUucxHzyQvX89eL74\nuh8la0lKH3v9wPpnEoftbrwmm5jHNFdzj7uXUHUJ41N7af7z7QUfghIRhlBDiKtx\n5lYZemPCXajTc3ryDKUZC/b+B6ViXZmAeMdmQoPE0jwyEp/uaUcdp+FlUQwCfsBk\nayPFEApTWgPiku2isjdeTVmEgL8bJTDUZ6FYFR7ZHcYAsDzcwHgIu3GGEMVRS3Uf\nILmioiyly9vcK4Sa01ondARmsi/I0s7pWpKflaekyv5boJKD/xqwz9lGejmJHelf\n8Od2TyqJScMpB7Q8c2ROxBwqwB72jMCEvYigB+Wnbb8RipliqNflIGx938FRCzKL\nUQUBmNAznR/yRRL0wHf9UAE/8v9a09uZABeiznzOFAl/frHpgdAbC00LkFlnwwgX\ng8YfEFlkp4fLx5B7LtoO6uVNFVimLxtwirpyKoj3G4M/kvSTux8bTw0heBCmWmKR\n57MS6k7ODzbv+Kpeht2hqVZCNFMxoQIDAQABo0IwQDAPBgNVHRMBAf8EBTADAQH/\nMB0GA1UdDgQWBBRuMnDhJjoj7DcKALj+HbxEqj3r6jAOBgNVHQ8BAf8EBAMCAYYw\nDQYJKoZIhvcNAQEMBQADggIBALSnXfx72C3ldhBP5kY4Mo2DDaGQ8FGpTOOiD95d\n0rf7I9LrsBGVqu/Nir+kqqP80PB70+Jy9fHFFigXwcPBX3MpKGxK8Cel7kVf8t1B\n4YD6A6bqlzP+OUL0uGWfZpdpDxwMDI2Flt4NEldHgXWPjvN1VblEKs0+kPnKowyg\njhRMgBbD/y+8yg0fIcjXUDTAw/+INcp21gWaMukKQr/8HswqC1yoqW9in2ijQkpK\n2RB9vcQ0/gXR0oJUbZQx0jn0OH8Agt7yfMAnJAdnHO4M3gjvlJLzIC5/4aGrRXZl\nJoZKfJ2fZRnrFMi0nhAYDeInoS+Rwx+QzaBk6fX5VPyCj8foZ0nmqvuYoydzD8W5\nmMlycgxFqS+DUmO+liWllQC4/MnVBlHGB1Cu3wTj5kgOvNs/k+FW3GXGzD3+rpv0\nQTLuwSbMr+MbEThxrSZRSXTCQzKfehyC+WZejgLb+8ylLJUA10e62o7H9PvCrwj+\nZDVmN7qj6amzvndCP98sZfX7CFZPLfcBd4wVIjHsFjSNEwWHOiFyLPPG7cdolGKA\nlOFvonvo4A1uRc13/zFeP0Xi5n5OZ2go8aOOeGYdI2vB2sgH9R2IASH/jHmr0gvY\n0dfBCcfXNgrS0toq0LX/y+5KkKOxh52vEYsJLdhqrveuZhQnsFEm/mFwjRXkyO7c\n2jpC\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIICrjCCAjSgAwIBAgIRAKKPTYKln9L4NTx9dpZGUjowCgYIKoZIzj0EAwMwgZYx\nCzAJBgNVBAYTAlVTMSIwIAYDVQQKDBlBbWF6b24gV2ViIFNlcnZpY2VzLCBJbmMu\nMRMwEQYDVQQLDApBbWF6b24gUkRTMQswCQYDVQQIDAJXQTEvMC0GA1UEAwwmQW1h\nem9uIFJEUyBldS13ZXN0LTIgUm9vdCBDQSBFQ0MzODQgRzExEDAOBgNVBAcMB1Nl\nYXR0bGUwIBcNMjEwNTIxMjI1NTIxWhgPMjEyMTA1MjEyMzU1MjFaMIGWMQswCQYD\nVQQGEwJVUzEiMCAGA1UECgwZQW1hem9uIFdlYiBTZXJ2aWNlcywgSW5jLjETMBEG\nA1UECwwKQW1hem9uIFJEUzELMAkGA1UECAwCV0ExLzAtBgNVBAMMJkFtYXpvbiBS\nRFMgZXUtd2VzdC0yIFJvb3QgQ0EgRUNDMzg0IEcxMRAwDgYDVQQHDAdTZWF0dGxl\nMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE/owTReDvaRqdmbtTzXbyRmEpKCETNj6O\nhZMKH0F8oU9Tmn8RU7kQQj6xUKEyjLPrFBN7c+26TvrVO1KmJAvbc8bVliiJZMbc\nC0yV5PtJTalvlMZA1NnciZuhxaxrzlK1o0IwQDAPBgNVHRMBAf8EBTADAQH/MB0G\nA1UdDgQWBBT4i5HaoHtrs7Mi8auLhMbKM1XevDAOBgNVHQ8BAf8EBAMCAYYwCgYI\nKoZIzj0EAwMDaAAwZQIxAK9A+8/lFdX4XJKgfP+ZLy5ySXC2E0Spoy12Gv2GdUEZ\np1G7c1KbWVlyb1d6subzkQIwKyH0Naf/3usWfftkmq8SzagicKz5cGcEUaULq4tO\nGzA/AMpr63IDBAqkZbMDTCmH\n-----END CERTIFICATE-----\n",
        },
      ],
      mountPoints: [{ sourceVolume: "freehold-tls", containerPath: "/etc/freehold/tls", readOnly: false }],
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/freehold/crown-marketplace-dev/worker",
          "awslogs-region": region,
          "awslogs-stream-prefix": "freehold-prepare",
        },
      },
    },
  ]),
  cpu: "512",
  executionRoleArn: workerExecutionRole.arn,
  family: "crown-marketplace-dev-worker",
  memory: "1024",
  networkMode: "awsvpc",
  region,
  requiresCompatibilities: ["FARGATE"],
  runtimePlatform,
  tags: { ...tags, "freehold-component": "worker" },
  taskRoleArn: workerTaskRole.arn,
  volumes: [{ name: "freehold-tls" }],
}, { dependsOn: [workerLogs], aliases: [{ parent: freeholdWorker }] });

const workerSg = new ec2.SecurityGroup("worker-sg", {
  description: "Freehold worker tasks: no inbound connections",
  egress: [
    {
      cidrBlocks: ["0.0.0.0/0"],
      description: "image pulls, AWS APIs, linked databases",
      fromPort: 0,
      protocol: "-1",
      toPort: 0,
    },
  ],
  ingress: [],
  name: "crown-marketplace-dev-worker-tasks",
  region,
  tags: { ...tags, "freehold-component": "worker" },
  vpcId: vpc.id,
}, { deleteBeforeReplace: false, aliases: [{ parent: freeholdWorker }] });

const workerDbIngress = new vpcAws.SecurityGroupIngressRule("worker-db-ingress", {
  description: "Freehold: worker to db",
  fromPort: 5432,
  ipProtocol: "tcp",
  referencedSecurityGroupId: workerSg.id,
  region,
  securityGroupId: dbSg.id,
  tags: { ...tags, "freehold-component": "worker" },
  toPort: 5432,
}, { aliases: [{ parent: freeholdWorker }] });

const workerIamPropagation = new Sleep("worker-iam-propagation", {
  createDuration: "15s",
  triggers: {
    policies: pulumi.interpolate`{"Version":"2012-10-17","Statement":[{"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":["${workerLogs.arn}","${workerLogs.arn}:log-stream:*"]}]}
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"Resource":"${dbAppSecret.arn}"}]}
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":"${uploadsBucket.arn}"},{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"${uploadsBucket.arn}/*"}]}`,
  },
}, {
  dependsOn: [workerDbSecret, workerExecutionPolicy, workerUploadsAccess],
  aliases: [{ parent: freeholdWorker }],
});

const workerService = new ecs.Service("worker-service", {
  cluster: cluster.arn,
  deploymentCircuitBreaker: { enable: true, rollback: true },
  deploymentMaximumPercent: 200,
  deploymentMinimumHealthyPercent: 100,
  desiredCount: 1,
  enableEcsManagedTags: true,
  enableExecuteCommand: false,
  launchType: "FARGATE",
  name: "crown-marketplace-dev-worker",
  networkConfiguration: { assignPublicIp: false, securityGroups: [workerSg.id], subnets: [privateA.id, privateB.id] },
  platformVersion: "LATEST",
  propagateTags: "SERVICE",
  region,
  tags: { ...tags, "freehold-component": "worker" },
  taskDefinition: workerTask.arn,
  waitForSteadyState: true,
}, {
  dependsOn: [workerDbSecret, workerExecutionPolicy, workerUploadsAccess, workerIamPropagation],
  ignoreChanges: ["desiredCount"],
  aliases: [{ parent: freeholdWorker }],
});

const workerScaling = new appautoscaling.Target("worker-scaling", {
  maxCapacity: 4,
  minCapacity: 1,
  region,
  resourceId: pulumi.interpolate`service/${cluster.name}/${workerService.name}`,
  scalableDimension: "ecs:service:DesiredCount",
  serviceNamespace: "ecs",
  tags: { ...tags, "freehold-component": "worker" },
}, { aliases: [{ parent: freeholdWorker }] });

const workerScalingCpu = new appautoscaling.Policy("worker-scaling-cpu", {
  policyType: "TargetTrackingScaling",
  region,
  resourceId: workerScaling.resourceId,
  scalableDimension: workerScaling.scalableDimension,
  serviceNamespace: workerScaling.serviceNamespace,
  targetTrackingScalingPolicyConfiguration: {
    predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
    scaleInCooldown: 300,
    scaleOutCooldown: 60,
    targetValue: 60,
  },
}, { aliases: [{ parent: freeholdWorker }] });

// ---- nightly (ScheduledJob) ------------------------------------------------------------------------------
// nightly: scheduled-job on Amazon EventBridge Scheduler, AWS Step Functions and Amazon ECS on AWS Fargate,
// fargate-512-1024. Size: Fargate task size 0.5 vCPU / 1 GB matches the request.
// Was Freehold's ScheduledJob "nightly" (freehold:index:ScheduledJob).

const nightlyLogs = new cloudwatch.LogGroup("nightly-logs", {
  name: "/freehold/crown-marketplace-dev/nightly",
  region,
  retentionInDays: 365,
  tags: { ...tags, "freehold-component": "nightly" },
}, { aliases: [{ parent: freeholdNightly }] });

const nightlyExecutionRole = new iam.Role("nightly-execution-role", {
  assumeRolePolicy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Condition: {
          ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:ecs:${region}:${callerIdentity.accountId}:*` },
          StringEquals: { "aws:SourceAccount": callerIdentity.accountId },
        },
      },
    ],
  }),
  description: "Freehold crown-marketplace-dev/nightly: ECS agent (logs, linked secrets, image pull)",
  name: "crown-marketplace-dev-nightly-exec",
  tags: { ...tags, "freehold-component": "nightly" },
}, { aliases: [{ parent: freeholdNightly }] });

const nightlyTaskRole = new iam.Role("nightly-task-role", {
  assumeRolePolicy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Condition: {
          ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:ecs:${region}:${callerIdentity.accountId}:*` },
          StringEquals: { "aws:SourceAccount": callerIdentity.accountId },
        },
      },
    ],
  }),
  description: "Freehold crown-marketplace-dev/nightly: the application (linked buckets only)",
  name: "crown-marketplace-dev-nightly-task",
  tags: { ...tags, "freehold-component": "nightly" },
}, { aliases: [{ parent: freeholdNightly }] });

const nightlyExecutionPolicy = new iam.RolePolicy("nightly-execution-policy", {
  name: "freehold-execution",
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Logs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [nightlyLogs.arn, pulumi.interpolate`${nightlyLogs.arn}:log-stream:*`],
      },
    ],
  }),
  role: nightlyExecutionRole.name,
}, { aliases: [{ parent: freeholdNightly }] });

const nightlyDbSecret = new iam.RolePolicy("nightly-db-secret", {
  name: "freehold-link-db",
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: dbAppSecret.arn }],
  }),
  role: nightlyExecutionRole.name,
}, { aliases: [{ parent: freeholdNightly }] });

// eject: "containerDefinitions" was also made from db-roles-run; the value below is right, but no longer waits
// for it.
const nightlyTask = new ecs.TaskDefinition("nightly-task", {
  containerDefinitions: pulumi.jsonStringify([
    {
      name: "app",
      image: nightlyImage,
      essential: true,
      privileged: false,
      readonlyRootFilesystem: true,
      user: "10001",
      command: ["expire-listings"],
      portMappings: [],
      environment: [
        { name: "DATABASE_HOST", value: dbInstance.address },
        { name: "DATABASE_NAME", value: "app" },
        { name: "DATABASE_PORT", value: "5432" },
        { name: "DATABASE_SSLMODE", value: "verify-full" },
        { name: "DATABASE_SSLROOTCERT", value: "/etc/freehold/tls/database-ca.pem" },
        { name: "DATABASE_USER", value: "app" },
      ],
      secrets: [
        {
          name: "DATABASE_PASSWORD",
          valueFrom: pulumi.interpolate`${dbAppSecret.arn}:password::${dbAppSecretValue.versionId}`,
        },
      ],
      linuxParameters: { tmpfs: [{ containerPath: "/tmp", size: 256, mountOptions: ["mode=1777", "nosuid", "nodev"] }] },
      mountPoints: [{ sourceVolume: "freehold-tls", containerPath: "/etc/freehold/tls", readOnly: true }],
      dependsOn: [{ containerName: "freehold-prepare", condition: "SUCCESS" }],
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/freehold/crown-marketplace-dev/nightly",
          "awslogs-region": region,
          "awslogs-stream-prefix": "app",
        },
      },
    },
    {
      name: "freehold-prepare",
      image: "public.ecr.aws/docker/library/alpine:3.24.2@sha256:3cf95fe0816180395592b8373f3ec60663f076127617bbacb4eacf9667afe2e9",
      essential: false,
      privileged: false,
      readonlyRootFilesystem: true,
      user: "0:0",
      linuxParameters: { capabilities: { drop: ["ALL"] } },
      command: [
        "sh",
        "-c",
        "set -eu\numask 022\ntest -n \"$FREEHOLD_DATABASE_CA\"\nprintf '%s' \"$FREEHOLD_DATABASE_CA\" > \"$FREEHOLD_CA_FILE\"\necho \"freehold: database certificate authorities written to $FREEHOLD_CA_FILE\"",
      ],
      environment: [
        { name: "FREEHOLD_CA_FILE", value: "/etc/freehold/tls/database-ca.pem" },
        {
          name: "FREEHOLD_DATABASE_CA",
          value: "-----BEGIN CERTIFICATE-----\nMIID/jCCAuagAwIBAgIQTDc+UgTRtYO7ZGTQ8UWKDDANBgkqhkiG9w0BAQsFADCB\nlzELMAkGA1UEBhMCVVMxIjAgBgNVBAoMGUFtYXpvbiBXZWIgU2VydmljZXMsIElu\nYy4xEzARBgNVBAsMCkFtYXpvbiBSRFMxCzAJBgNVBAgMAldBMTAwLgYDVQQDDCdB\nbWF6b24gUkRTIGV1LXdlc3QtMiBSb290IENBIFJTQTIwNDggRzExEDAOBgNVBAcM\nB1NlYXR0bGUwIBcNMjEwNTIxMjI0NjI0WhgPMjA2MTA1MjEyMzQ2MjRaMIGXMQsw\nCQYDVQQGEwJVUzEiMCAGA1UECgwZQW1hem9uIFdlYiBTZXJ2aWNlcywgSW5jLjET\nMBEGA1UECwwKQW1hem9uIFJEUzELMAkGA1UECAwCV0ExMDAuBgNVBAMMJ0FtYXpv\nbiBSRFMgZXUtd2VzdC0yIFJvb3QgQ0EgUlNBMjA0OCBHMTEQMA4GA1UEBwwHU2Vh\ndHRsZTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAM1oGtthQ1YiVIC2\ni4u4swMAGxAjc/BZp0yq0eP5ZQFaxnxs7zFAPabEWsrjeDzrRhdVO0h7zskrertP\ngblGhfD20JfjvCHdP1RUhy/nzG+T+hn6Takan/GIgs8grlBMRHMgBYHW7tklhjaH\n3F7LujhceAHhhgp6IOrpb6YTaTTaJbF3GTmkqxSJ3l1LtEoWz8Al/nL/Ftzxrtez\nVs6ebpvd7sw37sxmXBWX2OlvUrPCTmladw9OrllGXtCFw4YyLe3zozBlZ3cHzQ0q\nlINhpRcajTMfZrsiGCkQtoJT+AqVJPS2sHjqsEH8yiySW9Jbq4zyMbM1yqQ2vnnx\nMJgoYMcCAwEAAaNCMEAwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUaQG88UnV\nJPTI+Pcti1P+q3H7pGYwDgYDVR0PAQH/BAQDAgGGMA0GCSqGSIb3DQEBCwUAA4IB\nAQBAkgr75V0sEJimC6QRiTVWEuj2Khy7unjSfudbM6zumhXEU2/sUaVLiYy6cA/x\n3v0laDle6T07x9g64j5YastE/4jbzrGgIINFlY0JnaYmR3KZEjgi1s1fkRRf3llL\nPJm9u4Q1mbwAMQK/ZjLuuRcL3uRIHJek18nRqT5h43GB26qXyvJqeYYpYfIjL9+/\nYiZAbSRRZG+Li23cmPWrbA1CJY121SB+WybCbysbOXzhD3Sl2KSZRwSw4p2HrFtV\n1Prk0dOBtZxCG9luf87ultuDZpfS0w6oNBAMXocgswk24ylcADkkFxBWW+7BETn1\nEpK+t1Lm37mU4sxtuha00XAi\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIF/zCCA+egAwIBAgIRAMDk/F+rrhdn42SfE+ghPC8wDQYJKoZIhvcNAQEMBQAw\ngZcxCzAJBgNVBAYTAlVTMSIwIAYDVQQKDBlBbWF6b24gV2ViIFNlcnZpY2VzLCBJ\nbmMuMRMwEQYDVQQLDApBbWF6b24gUkRTMQswCQYDVQQIDAJXQTEwMC4GA1UEAwwn\nQW1hem9uIFJEUyBldS13ZXN0LTIgUm9vdCBDQSBSU0E0MDk2IEcxMRAwDgYDVQQH\nDAdTZWF0dGxlMCAXDTIxMDUyMTIyNTEyMloYDzIxMjEwNTIxMjM1MTIyWjCBlzEL\nMAkGA1UEBhMCVVMxIjAgBgNVBAoMGUFtYXpvbiBXZWIgU2VydmljZXMsIEluYy4x\nEzARBgNVBAsMCkFtYXpvbiBSRFMxCzAJBgNVBAgMAldBMTAwLgYDVQQDDCdBbWF6\nb24gUkRTIGV1LXdlc3QtMiBSb290IENBIFJTQTQwOTYgRzExEDAOBgNVBAcMB1Nl\nYXR0bGUwggIiMA0GCSqGSIb3DQEBAQUAA4ICDwAwggIKAoICAQC2twMALVg9vRVu\nVNqsr6N8thmp3Dy8jEGTsm3GCQ+C5P2YcGlD/T/5icfWW84uF7Sx3ezcGlvsqFMf\nUkj9sQyqtz7qfFFugyy7pa/eH9f48kWFHLbQYm9GEgbYBIrWMp1cy3vyxuMCwQN4\nDCncqU+yNpy0CprQJEha3PzY+3yJOjDQtc3zr99lyECCFJTDUucxHzyQvX89eL74\nuh8la0lKH3v9wPpnEoftbrwmm5jHNFdzj7uXUHUJ41N7af7z7QUfghIRhlBDiKtx\n5lYZemPCXajTc3ryDKUZC/b+B6ViXZmAeMdmQoPE0jwyEp/uaUcdp+FlUQwCfsBk\nayPFEApTWgPiku2isjdeTVmEgL8bJTDUZ6FYFR7ZHcYAsDzcwHgIu3GGEMVRS3Uf\nILmioiyly9vcK4Sa01ondARmsi/I0s7pWpKflaekyv5boJKD/xqwz9lGejmJHelf\n8Od2TyqJScMpB7Q8c2ROxBwqwB72jMCEvYigB+Wnbb8RipliqNflIGx938FRCzKL\nUQUBmNAznR/yRRL0wHf9UAE/8v9a09uZABeiznzOFAl/frHpgdAbC00LkFlnwwgX\ng8YfEFlkp4fLx5B7LtoO6uVNFVimLxtwirpyKoj3G4M/kvSTux8bTw0heBCmWmKR\n57MS6k7ODzbv+Kpeht2hqVZCNFMxoQIDAQABo0IwQDAPBgNVHRMBAf8EBTADAQH/\nMB0GA1UdDgQWBBRuMnDhJjoj7DcKALj+HbxEqj3r6jAOBgNVHQ8BAf8EBAMCAYYw\nDQYJKoZIhvcNAQEMBQADggIBALSnXfx72C3ldhBP5kY4Mo2DDaGQ8FGpTOOiD95d\n0rf7I9LrsBGVqu/Nir+kqqP80PB70+Jy9fHFFigXwcPBX3MpKGxK8Cel7kVf8t1B\n4YD6A6bqlzP+OUL0uGWfZpdpDxwMDI2Flt4NEldHgXWPjvN1VblEKs0+kPnKowyg\njhRMgBbD/y+8yg0fIcjXUDTAw/+INcp21gWaMukKQr/8HswqC1yoqW9in2ijQkpK\n2RB9vcQ0/gXR0oJUbZQx0jn0OH8Agt7yfMAnJAdnHO4M3gjvlJLzIC5/4aGrRXZl\nJoZKfJ2fZRnrFMi0nhAYDeInoS+Rwx+QzaBk6fX5VPyCj8foZ0nmqvuYoydzD8W5\nmMlycgxFqS+DUmO+liWllQC4/MnVBlHGB1Cu3wTj5kgOvNs/k+FW3GXGzD3+rpv0\nQTLuwSbMr+MbEThxrSZRSXTCQzKfehyC+WZejgLb+8ylLJUA10e62o7H9PvCrwj+\nZDVmN7qj6amzvndCP98sZfX7CFZPLfcBd4wVIjHsFjSNEwWHOiFyLPPG7cdolGKA\nlOFvonvo4A1uRc13/zFeP0Xi5n5OZ2go8aOOeGYdI2vB2sgH9R2IASH/jHmr0gvY\n0dfBCcfXNgrS0toq0LX/y+5KkKOxh52vEYsJLdhqrveuZhQnsFEm/mFwjRXkyO7c\n2jpC\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIICrjCCAjSgAwIBAgIRAKKPTYKln9L4NTx9dpZGUjowCgYIKoZIzj0EAwMwgZYx\nCzAJBgNVBAYTAlVTMSIwIAYDVQQKDBlBbWF6b24gV2ViIFNlcnZpY2VzLCBJbmMu\nMRMwEQYDVQQLDApBbWF6b24gUkRTMQswCQYDVQQIDAJXQTEvMC0GA1UEAwwmQW1h\nem9uIFJEUyBldS13ZXN0LTIgUm9vdCBDQSBFQ0MzODQgRzExEDAOBgNVBAcMB1Nl\nYXR0bGUwIBcNMjEwNTIxMjI1NTIxWhgPMjEyMTA1MjEyMzU1MjFaMIGWMQswCQYD\nVQQGEwJVUzEiMCAGA1UECgwZQW1hem9uIFdlYiBTZXJ2aWNlcywgSW5jLjETMBEG\nA1UECwwKQW1hem9uIFJEUzELMAkGA1UECAwCV0ExLzAtBgNVBAMMJkFtYXpvbiBS\nRFMgZXUtd2VzdC0yIFJvb3QgQ0EgRUNDMzg0IEcxMRAwDgYDVQQHDAdTZWF0dGxl\nMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE/owTReDvaRqdmbtTzXbyRmEpKCETNj6O\nhZMKH0F8oU9Tmn8RU7kQQj6xUKEyjLPrFBN7c+26TvrVO1KmJAvbc8bVliiJZMbc\nC0yV5PtJTalvlMZA1NnciZuhxaxrzlK1o0IwQDAPBgNVHRMBAf8EBTADAQH/MB0G\nA1UdDgQWBBT4i5HaoHtrs7Mi8auLhMbKM1XevDAOBgNVHQ8BAf8EBAMCAYYwCgYI\nKoZIzj0EAwMDaAAwZQIxAK9A+8/lFdX4XJKgfP+ZLy5ySXC2E0Spoy12Gv2GdUEZ\np1G7c1KbWVlyb1d6subzkQIwKyH0Naf/3usWfftkmq8SzagicKz5cGcEUaULq4tO\nGzA/AMpr63IDBAqkZbMDTCmH\n-----END CERTIFICATE-----\n",
        },
      ],
      mountPoints: [{ sourceVolume: "freehold-tls", containerPath: "/etc/freehold/tls", readOnly: false }],
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/freehold/crown-marketplace-dev/nightly",
          "awslogs-region": region,
          "awslogs-stream-prefix": "freehold-prepare",
        },
      },
    },
  ]),
  cpu: "512",
  executionRoleArn: nightlyExecutionRole.arn,
  family: "crown-marketplace-dev-nightly",
  memory: "1024",
  networkMode: "awsvpc",
  region,
  requiresCompatibilities: ["FARGATE"],
  runtimePlatform,
  tags: { ...tags, "freehold-component": "nightly" },
  taskRoleArn: nightlyTaskRole.arn,
  volumes: [{ name: "freehold-tls" }],
}, { dependsOn: [nightlyLogs], aliases: [{ parent: freeholdNightly }] });

const nightlySg = new ec2.SecurityGroup("nightly-sg", {
  description: "Freehold scheduled job tasks: no inbound connections",
  egress: [
    {
      cidrBlocks: ["0.0.0.0/0"],
      description: "image pulls, AWS APIs, linked databases",
      fromPort: 0,
      protocol: "-1",
      toPort: 0,
    },
  ],
  ingress: [],
  name: "crown-marketplace-dev-nightly-tasks",
  region,
  tags: { ...tags, "freehold-component": "nightly" },
  vpcId: vpc.id,
}, { deleteBeforeReplace: false, aliases: [{ parent: freeholdNightly }] });

const nightlyDbIngress = new vpcAws.SecurityGroupIngressRule("nightly-db-ingress", {
  description: "Freehold: nightly to db",
  fromPort: 5432,
  ipProtocol: "tcp",
  referencedSecurityGroupId: nightlySg.id,
  region,
  securityGroupId: dbSg.id,
  tags: { ...tags, "freehold-component": "nightly" },
  toPort: 5432,
}, { aliases: [{ parent: freeholdNightly }] });

const nightlyStateMachineRole = new iam.Role("nightly-state-machine-role", {
  assumeRolePolicy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Service: "states.amazonaws.com" },
        Condition: {
          StringEquals: { "aws:SourceAccount": callerIdentity.accountId },
          ArnLike: {
            "aws:SourceArn": pulumi.interpolate`arn:aws:states:${region}:${callerIdentity.accountId}:stateMachine:crown-marketplace-dev-nightly`,
          },
        },
      },
    ],
  }),
  description: "Freehold crown-marketplace-dev/nightly: runs the job's task",
  name: "crown-marketplace-dev-nightly-sfn",
  tags: { ...tags, "freehold-component": "nightly" },
}, { aliases: [{ parent: freeholdNightly }] });

const nightlyStateMachinePolicy = new iam.RolePolicy("nightly-state-machine-policy", {
  name: "freehold-run-job",
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RunTheJobsTask",
        Effect: "Allow",
        Action: ["ecs:RunTask"],
        Resource: pulumi.interpolate`arn:aws:ecs:${region}:${callerIdentity.accountId}:task-definition/${nightlyTask.family}:*`,
        Condition: { ArnEquals: { "ecs:cluster": cluster.arn } },
      },
      {
        Sid: "WatchAndStopItsTasks",
        Effect: "Allow",
        Action: ["ecs:DescribeTasks", "ecs:StopTask"],
        Resource: pulumi.interpolate`arn:aws:ecs:${region}:${callerIdentity.accountId}:task/crown-marketplace-dev/*`,
      },
      {
        Sid: "TagTheTasksItStarts",
        Effect: "Allow",
        Action: ["ecs:TagResource"],
        Resource: pulumi.interpolate`arn:aws:ecs:${region}:${callerIdentity.accountId}:task/crown-marketplace-dev/*`,
        Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
      },
      {
        Sid: "PassTheTaskRoles",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: [nightlyExecutionRole.arn, nightlyTaskRole.arn],
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      },
      {
        Sid: "SyncRule",
        Effect: "Allow",
        Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
        Resource: pulumi.interpolate`arn:aws:events:${region}:${callerIdentity.accountId}:rule/StepFunctionsGetEventsForECSTaskRule`,
      },
      {
        Sid: "DeliverItsLogs",
        Effect: "Allow",
        Action: [
          "logs:CreateLogDelivery",
          "logs:GetLogDelivery",
          "logs:UpdateLogDelivery",
          "logs:DeleteLogDelivery",
          "logs:ListLogDeliveries",
          "logs:PutResourcePolicy",
          "logs:DescribeResourcePolicies",
          "logs:DescribeLogGroups",
        ],
        Resource: "*",
      },
    ],
  }),
  role: nightlyStateMachineRole.name,
}, { aliases: [{ parent: freeholdNightly }] });

const nightlySchedulerRole = new iam.Role("nightly-scheduler-role", {
  assumeRolePolicy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Service: "scheduler.amazonaws.com" },
        Condition: {
          StringEquals: { "aws:SourceAccount": callerIdentity.accountId },
          ArnLike: {
            "aws:SourceArn": pulumi.interpolate`arn:aws:scheduler:${region}:${callerIdentity.accountId}:schedule/default/crown-marketplace-dev-nightly`,
          },
        },
      },
    ],
  }),
  description: "Freehold crown-marketplace-dev/nightly: the schedule that starts the job",
  name: "crown-marketplace-dev-nightly-sched",
  tags: { ...tags, "freehold-component": "nightly" },
}, { aliases: [{ parent: freeholdNightly }] });

const nightlyIamPropagation = new Sleep("nightly-iam-propagation", {
  createDuration: "15s",
  triggers: {
    policies: pulumi.interpolate`{"Version":"2012-10-17","Statement":[{"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":["${nightlyLogs.arn}","${nightlyLogs.arn}:log-stream:*"]}]}
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"Resource":"${dbAppSecret.arn}"}]}
{"Version":"2012-10-17","Statement":[{"Sid":"RunTheJobsTask","Effect":"Allow","Action":["ecs:RunTask"],"Resource":"arn:aws:ecs:${region}:${callerIdentity.accountId}:task-definition/${nightlyTask.family}:*","Condition":{"ArnEquals":{"ecs:cluster":"${cluster.arn}"}}},{"Sid":"WatchAndStopItsTasks","Effect":"Allow","Action":["ecs:DescribeTasks","ecs:StopTask"],"Resource":"arn:aws:ecs:${region}:${callerIdentity.accountId}:task/crown-marketplace-dev/*"},{"Sid":"TagTheTasksItStarts","Effect":"Allow","Action":["ecs:TagResource"],"Resource":"arn:aws:ecs:${region}:${callerIdentity.accountId}:task/crown-marketplace-dev/*","Condition":{"StringEquals":{"ecs:CreateAction":"RunTask"}}},{"Sid":"PassTheTaskRoles","Effect":"Allow","Action":["iam:PassRole"],"Resource":["${nightlyExecutionRole.arn}","${nightlyTaskRole.arn}"],"Condition":{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}},{"Sid":"SyncRule","Effect":"Allow","Action":["events:PutTargets","events:PutRule","events:DescribeRule"],"Resource":"arn:aws:events:${region}:${callerIdentity.accountId}:rule/StepFunctionsGetEventsForECSTaskRule"},{"Sid":"DeliverItsLogs","Effect":"Allow","Action":["logs:CreateLogDelivery","logs:GetLogDelivery","logs:UpdateLogDelivery","logs:DeleteLogDelivery","logs:ListLogDeliveries","logs:PutResourcePolicy","logs:DescribeResourcePolicies","logs:DescribeLogGroups"],"Resource":"*"}]}`,
  },
}, {
  dependsOn: [nightlyDbSecret, nightlyExecutionPolicy, nightlyStateMachinePolicy],
  aliases: [{ parent: freeholdNightly }],
});

const nightlyStateMachineLogs = new cloudwatch.LogGroup("nightly-state-machine-logs", {
  name: "/aws/vendedlogs/states/crown-marketplace-dev-nightly",
  region,
  retentionInDays: 365,
  tags: { ...tags, "freehold-component": "nightly" },
}, { aliases: [{ parent: freeholdNightly }] });

const nightlyStateMachine = new sfn.StateMachine("nightly-state-machine", {
  definition: pulumi.jsonStringify({
    Comment: "Freehold crown-marketplace-dev/nightly: one run of the scheduled job",
    QueryLanguage: "JSONata",
    StartAt: "Start",
    States: {
      Start: { Type: "Pass", Assign: { attempt: 1, failure: "" }, Next: "Run" },
      Run: {
        Type: "Task",
        Resource: "arn:aws:states:::ecs:runTask.sync",
        Arguments: {
          Cluster: cluster.arn,
          TaskDefinition: nightlyTask.arn,
          LaunchType: "FARGATE",
          PlatformVersion: "LATEST",
          NetworkConfiguration: {
            AwsvpcConfiguration: { Subnets: [privateA.id, privateB.id], SecurityGroups: [nightlySg.id], AssignPublicIp: "DISABLED" },
          },
          PropagateTags: "TASK_DEFINITION",
          EnableECSManagedTags: true,
        },
        TimeoutSeconds: 1800,
        Assign: {
          exitCode: "{% $exists($states.result.Containers[Name = 'app'].ExitCode) ? $states.result.Containers[Name = 'app'].ExitCode : -1 %}",
        },
        Catch: [
          {
            ErrorEquals: ["States.ALL"],
            Assign: { exitCode: -1, failure: "{% $states.errorOutput.Error %}" },
            Next: "Failed run",
          },
        ],
        Next: "Exit code",
      },
      "Exit code": {
        Type: "Choice",
        Choices: [{ Condition: "{% $exitCode = 0 %}", Next: "Succeeded" }],
        Default: "Failed run",
      },
      "Failed run": {
        Type: "Choice",
        Choices: [{ Condition: "{% $attempt <= 2 %}", Next: "Run again" }],
        Default: "Failed",
      },
      "Run again": { Type: "Pass", Assign: { attempt: "{% $attempt + 1 %}", failure: "" }, Next: "Run" },
      Succeeded: { Type: "Succeed" },
      Failed: {
        Type: "Fail",
        Error: "JobFailed",
        Cause: "{% 'the last of ' & $string($attempt) & ' run(s) failed: ' & ($failure != '' ? $failure : 'exit code ' & $string($exitCode)) %}",
      },
    },
  }),
  loggingConfiguration: {
    includeExecutionData: false,
    level: "ERROR",
    logDestination: pulumi.interpolate`${nightlyStateMachineLogs.arn}:*`,
  },
  name: "crown-marketplace-dev-nightly",
  region,
  roleArn: nightlyStateMachineRole.arn,
  tags: { ...tags, "freehold-component": "nightly" },
  type: "STANDARD",
}, { dependsOn: [nightlyIamPropagation], aliases: [{ parent: freeholdNightly }] });

const nightlySchedulerPolicy = new iam.RolePolicy("nightly-scheduler-policy", {
  name: "freehold-start-job",
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["states:StartExecution"], Resource: nightlyStateMachine.arn }],
  }),
  role: nightlySchedulerRole.name,
}, { aliases: [{ parent: freeholdNightly }] });

const nightlySchedule = new scheduler.Schedule("nightly-schedule", {
  description: "Freehold crown-marketplace-dev/nightly: 0 2 * * * in Europe/London",
  flexibleTimeWindow: { mode: "OFF" },
  groupName: "default",
  name: "crown-marketplace-dev-nightly",
  region,
  scheduleExpression: "cron(0 2 * * ? *)",
  scheduleExpressionTimezone: "Europe/London",
  state: "ENABLED",
  target: {
    arn: nightlyStateMachine.arn,
    input: JSON.stringify({}),
    retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 },
    roleArn: nightlySchedulerRole.arn,
  },
}, { dependsOn: [nightlySchedulerPolicy], aliases: [{ parent: freeholdNightly }] });

// ---- Stack outputs, as Freehold exported them -----------------------------------------------------

export const db = {
  host: dbInstance.address,
  port: 5432,
  databaseName: "app",
  connectionString: pulumi.secret(pulumi.interpolate`postgres://app:${dbAppPassword.result}@${dbInstance.address}:5432/app?sslmode=require`),
};
export const uploads = { bucketName: uploadsBucket.bucket, endpoint: `https://s3.${region}.amazonaws.com` };
export const web = { url: pulumi.interpolate`https://${webCdn.domainName}` };
export const worker = {};
export const nightly = {
  runCommand: pulumi.interpolate`aws stepfunctions start-execution --region ${region} --state-machine-arn ${nightlyStateMachine.arn}`,
  schedule: pulumi.interpolate`${nightlySchedule.scheduleExpression} in ${nightlySchedule.scheduleExpressionTimezone.apply((v) => v!)} (EventBridge Scheduler)`,
};
