/**
 * The AWS rule book, from the AWS API references and user guides (each rule
 * names its page). Regional names are unique per account and region; IAM and
 * S3 names per account and globally.
 */
import type { CloudObject, CloudRules, RuleContext, TypeRule } from "../types";
import { COMPANIONS, keepPending, nameCheck, noDoubleHyphen, referencing, sameRegion, textCheck } from "./common";

const DOC = {
  s3Names: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
  s3Delete: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html",
  rdsDelete: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html",
  rdsCreate: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
  rdsModify: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html",
  rdsParamDelete: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBParameterGroup.html",
  rdsSubnetDelete: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBSubnetGroup.html",
  tfRds: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance",
  ec2SgDelete: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html",
  ec2SgCreate: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
  ec2SubnetDelete: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSubnet.html",
  ec2VpcDelete: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpc.html",
  elbCreate: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
  elbTg: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
  elbTgDelete: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteTargetGroup.html",
  iamRole: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
  iamDeleteRole: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html",
  ecsCluster: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html",
  ecsService: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html",
  ecsTask: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html",
  logs: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
  tags: "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html",
  regions: "https://docs.aws.amazon.com/general/latest/gr/rande.html",
} as const;

const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

function liveInstancesUsing(ctx: RuleContext, subnet: CloudObject): CloudObject[] {
  const groups = referencing(ctx, subnet, "aws:rds/subnetGroup:SubnetGroup", "subnetIds");
  return groups.flatMap((g) => referencing(ctx, g, "aws:rds/instance:Instance", "dbSubnetGroupName"));
}

const rdsInstance: TypeRule = {
  title: "RDS DB instance",
  source: DOC.rdsCreate,
  identity: { field: "identifier", scope: "region", caseInsensitive: true, source: DOC.rdsCreate },
  checks: [
    nameCheck("identifier", 1, 63, /^[a-z][a-z0-9-]*$/, DOC.rdsCreate, (n) => noDoubleHyphen(n) ?? (n.endsWith("-") ? "ends with -" : undefined)),
    nameCheck("finalSnapshotIdentifier", 1, 255, /^[a-z][a-z0-9-]*[a-z0-9]$/, DOC.rdsDelete, noDoubleHyphen),
  ],
  replaceOn: [
    // ForceNew in the provider: a new instance, the data left behind.
    { path: "dbName", source: DOC.tfRds },
    { path: "engine", source: DOC.tfRds },
    { path: "storageEncrypted", source: DOC.tfRds },
    { path: "kmsKeyId", source: DOC.tfRds },
    { path: "username", source: DOC.tfRds },
    { path: "availabilityZone", source: DOC.tfRds },
  ],
  notes: [
    `deleting it takes a final snapshot under \`finalSnapshotIdentifier\`, which must not exist already (DBSnapshotAlreadyExists) ([source](${DOC.rdsDelete}))`,
    `without \`applyImmediately\`, class, storage, Multi-AZ, version and parameter group changes wait for the maintenance window ([source](${DOC.rdsModify}))`,
  ],
  deletionProtection: {
    path: "deletionProtection",
    error: "InvalidParameterCombination: Cannot delete protected DB Instance, please disable deletion protection and try again.",
    source: DOC.rdsDelete,
  },
  beforeDelete: (obj, ctx) => {
    // A final snapshot of that name must not exist already (DBSnapshotAlreadyExists).
    const snapshot = obj.inputs.skipFinalSnapshot === true ? undefined : obj.inputs.finalSnapshotIdentifier;
    if (typeof snapshot === "string" && ctx.objects().some((o) => o.type === SNAPSHOT && o.name === snapshot && o.status === "live")) {
      return `DBSnapshotAlreadyExists: the final snapshot "${snapshot}" already exists (from an earlier deletion) [${DOC.rdsDelete}]`;
    }
    return undefined;
  },
  afterDelete: (obj, ctx) => {
    const snapshot = obj.inputs.skipFinalSnapshot === true ? undefined : obj.inputs.finalSnapshotIdentifier;
    if (typeof snapshot !== "string") return;
    // The final snapshot outlives the instance, in the account, under its own name.
    ctx.adopt({
      key: `${obj.key}-final-snapshot`,
      cloud: "aws",
      type: SNAPSHOT,
      inputs: { identifier: snapshot },
      references: {},
      region: obj.region,
      name: snapshot,
      identity: `region:${obj.region}/${snapshot.toLowerCase()}`,
      status: "live",
      createdAt: ctx.now,
      facts: {},
    });
  },
  // Without applyImmediately, RDS queues these for the next maintenance window (ModifyDBInstance, ApplyImmediately).
  afterUpdate: (next, previous) => {
    if (next.inputs.applyImmediately === true) return;
    const pending = ["instanceClass", "allocatedStorage", "multiAz", "engineVersion", "dbParameterGroupName", "parameterGroupName", "storageType", "iops", "maxAllocatedStorage"].filter(
      (k) => JSON.stringify(next.inputs[k]) !== JSON.stringify(previous.inputs[k]),
    );
    keepPending(next, previous, pending);
  },
};

const SNAPSHOT = "aws:rds/snapshot:Snapshot";

/** IAM and CloudFront are global services. */
const GLOBAL_TYPES = ["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:cloudfront/distribution:Distribution", "aws:cloudfront/vpcOrigin:VpcOrigin"];

export const AWS_RULES: CloudRules = {
  cloud: "aws",
  packages: ["aws"],
  globalTypes: GLOBAL_TYPES,
  companions: COMPANIONS,
  global: [
    {
      title: "tags: keys 1-128 and values up to 256 of letters, digits, spaces and _ . : / = + - @; no aws: prefix",
      source: DOC.tags,
      check: (obj) => {
        const tags = obj.inputs.tags;
        if (!tags || typeof tags !== "object") return undefined;
        for (const [k, v] of Object.entries(tags as Record<string, unknown>)) {
          if (k.length < 1 || k.length > 128 || !TAG_CHARS.test(k) || /^aws:/i.test(k)) return `tag key "${k}" is not allowed`;
          if (String(v).length > 256 || !TAG_CHARS.test(String(v))) return `tag ${k}=${JSON.stringify(v)} has a value AWS refuses`;
        }
        return undefined;
      },
    },
    sameRegion(GLOBAL_TYPES, DOC.regions),
  ],
  types: {
    "aws:s3/bucket:Bucket": {
      title: "S3 general purpose bucket",
      source: DOC.s3Names,
      identity: { field: "bucket", scope: "global", source: DOC.s3Names },
      checks: [
        nameCheck("bucket", 3, 63, /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, DOC.s3Names, (n) =>
          /\.\.|^\d+\.\d+\.\d+\.\d+$/.test(n)
            ? "adjacent periods or an IP address"
            : /^(xn--|sthree-|amzn-s3-demo-)/.test(n)
              ? "reserved prefix"
              : /(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(n)
                ? "reserved suffix"
                : undefined,
        ),
      ],
      notes: [`only an empty bucket can be deleted; one that has held data goes only with \`forceDestroy\` (the provider empties it) ([source](${DOC.s3Delete}))`],
      // A bucket that has held data is not empty: S3 deletes only empty buckets, so only forceDestroy (the provider empties it) deletes one.
      beforeDelete: (obj) => (obj.inputs.forceDestroy === true ? undefined : `BucketNotEmpty: The bucket you tried to delete is not empty [${DOC.s3Delete}]`),
    },
    "aws:rds/instance:Instance": rdsInstance,
    "aws:rds/parameterGroup:ParameterGroup": {
      title: "RDS DB parameter group",
      source: DOC.rdsParamDelete,
      identity: { field: "name", scope: "region", caseInsensitive: true, source: DOC.rdsParamDelete },
      checks: [nameCheck("name", 1, 255, /^[a-z][a-z0-9-]*[a-z0-9]$/, DOC.rdsParamDelete, noDoubleHyphen)],
      replaceOn: [
        { path: "family", source: DOC.rdsParamDelete },
        { path: "description", source: DOC.rdsParamDelete },
      ],
      inUseBy: [
        { by: "aws:rds/instance:Instance", field: "parameterGroupName", error: "InvalidDBParameterGroupState: One or more database instances are still members of this parameter group", source: DOC.rdsParamDelete },
      ],
    },
    "aws:rds/subnetGroup:SubnetGroup": {
      title: "RDS DB subnet group",
      source: DOC.rdsSubnetDelete,
      identity: { field: "name", scope: "region", caseInsensitive: true, source: DOC.rdsSubnetDelete },
      checks: [nameCheck("name", 1, 255, /^[a-z0-9 ._-]+$/, DOC.rdsSubnetDelete, (n) => (n === "default" ? "is default" : undefined))],
      inUseBy: [
        { by: "aws:rds/instance:Instance", field: "dbSubnetGroupName", error: "InvalidDBSubnetGroupStateFault: Cannot delete the subnet group because at least one database instance is still using it", source: DOC.rdsSubnetDelete },
      ],
    },
    "aws:ec2/vpc:Vpc": {
      title: "VPC",
      source: DOC.ec2VpcDelete,
      inUseBy: ["aws:ec2/subnet:Subnet", "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/routeTable:RouteTable", "aws:ec2/vpcEndpoint:VpcEndpoint"].map((by) => ({
        by,
        field: "vpcId",
        error: "DependencyViolation: The vpc has dependencies and cannot be deleted",
        source: DOC.ec2VpcDelete,
      })),
    },
    "aws:ec2/subnet:Subnet": {
      title: "VPC subnet",
      source: DOC.ec2SubnetDelete,
      replaceOn: [
        { path: "vpcId", source: DOC.ec2SubnetDelete },
        { path: "cidrBlock", source: DOC.ec2SubnetDelete },
        { path: "availabilityZone", source: DOC.ec2SubnetDelete },
      ],
      inUseBy: [
        { by: "aws:ecs/service:Service", field: "networkConfiguration", error: "DependencyViolation: The subnet has dependencies and cannot be deleted (task network interfaces)", source: DOC.ec2SubnetDelete },
        { by: "aws:lb/loadBalancer:LoadBalancer", field: "subnets", error: "DependencyViolation: The subnet has dependencies and cannot be deleted (load balancer nodes)", source: DOC.ec2SubnetDelete },
        { by: "aws:ec2/natGateway:NatGateway", field: "subnetId", error: "DependencyViolation: The subnet has dependencies and cannot be deleted (NAT gateway)", source: DOC.ec2SubnetDelete },
      ],
      notes: [`not deletable while a DB instance has network interfaces in it (through its subnet group) ([source](${DOC.ec2SubnetDelete}))`],
      beforeDelete: (obj, ctx) => {
        const dbs = liveInstancesUsing(ctx, obj);
        return dbs.length ? `DependencyViolation: The subnet has dependencies and cannot be deleted (network interfaces of DB instances ${dbs.map((d) => d.name).join(", ")}) [${DOC.ec2SubnetDelete}]` : undefined;
      },
    },
    "aws:ec2/securityGroup:SecurityGroup": {
      title: "security group",
      source: DOC.ec2SgCreate,
      identity: { field: "name", scope: { within: "vpcId" }, source: DOC.ec2SgCreate },
      checks: [
        nameCheck("name", 1, 255, /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/, DOC.ec2SgCreate, (n) => (/^sg-/i.test(n) ? 'begins with "sg-"' : undefined)),
        textCheck("description", 255, /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/, DOC.ec2SgCreate),
        textCheck("ingress[].description", 255, /^[A-Za-z0-9 ._\-:/()#,@[\]+=;{}!$*]*$/, DOC.ec2SgCreate),
        textCheck("egress[].description", 255, /^[A-Za-z0-9 ._\-:/()#,@[\]+=;{}!$*]*$/, DOC.ec2SgCreate),
      ],
      replaceOn: [
        { path: "name", source: DOC.ec2SgCreate },
        { path: "description", source: DOC.ec2SgCreate },
        { path: "vpcId", source: DOC.ec2SgCreate },
      ],
      inUseBy: [
        { by: "aws:rds/instance:Instance", field: "vpcSecurityGroupIds", error: "DependencyViolation: resource has a dependent object (DB instance network interface)", source: DOC.ec2SgDelete },
        { by: "aws:ecs/service:Service", field: "networkConfiguration", error: "DependencyViolation: resource has a dependent object (task network interface)", source: DOC.ec2SgDelete },
        { by: "aws:lb/loadBalancer:LoadBalancer", field: "securityGroups", error: "DependencyViolation: resource has a dependent object (load balancer)", source: DOC.ec2SgDelete },
        { by: "aws:ec2/securityGroup:SecurityGroup", field: "ingress", error: "DependencyViolation: resource has a dependent object (a rule of another group)", source: DOC.ec2SgDelete },
        { by: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", field: "referencedSecurityGroupId", error: "DependencyViolation: resource has a dependent object (a rule of another group)", source: DOC.ec2SgDelete },
      ],
    },
    "aws:lb/loadBalancer:LoadBalancer": {
      title: "Application Load Balancer",
      source: DOC.elbCreate,
      identity: { field: "name", scope: "region", source: DOC.elbCreate },
      checks: [nameCheck("name", 1, 32, /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/, DOC.elbCreate, (n) => (n.startsWith("internal-") ? 'begins with "internal-"' : undefined))],
      replaceOn: [
        { path: "name", source: DOC.elbCreate },
        { path: "internal", source: DOC.elbCreate },
        { path: "loadBalancerType", source: DOC.elbCreate },
      ],
    },
    "aws:lb/targetGroup:TargetGroup": {
      title: "target group",
      source: DOC.elbTg,
      identity: { field: "name", scope: "region", source: DOC.elbTg },
      checks: [nameCheck("name", 1, 32, /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/, DOC.elbTg)],
      replaceOn: ["name", "port", "protocol", "vpcId", "targetType"].map((path) => ({ path, source: DOC.elbTg })),
      inUseBy: [
        { by: "aws:lb/listener:Listener", field: "defaultActions", error: "ResourceInUse: Target group is currently in use by a listener or a rule", source: DOC.elbTgDelete },
      ],
    },
    "aws:iam/role:Role": {
      title: "IAM role",
      source: DOC.iamRole,
      identity: { field: "name", scope: "account", caseInsensitive: true, source: DOC.iamRole },
      checks: [nameCheck("name", 1, 64, /^[\w+=,.@-]+$/, DOC.iamRole), textCheck("description", 1000, /^[\t\n\r\u0020-\u007E\u00A1-\u00FF]*$/, DOC.iamRole)],
      replaceOn: [{ path: "name", source: DOC.iamRole }],
      inUseBy: [{ by: "aws:iam/rolePolicy:RolePolicy", field: "role", error: "DeleteConflict: Cannot delete entity, must delete policies first.", source: DOC.iamDeleteRole }],
    },
    "aws:iam/rolePolicy:RolePolicy": {
      title: "IAM role inline policy",
      source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html",
      // A policy belongs to one role: another role is another policy.
      replaceOn: [
        { path: "role", source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html" },
        { path: "name", source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html" },
      ],
    },
    "aws:ecs/cluster:Cluster": {
      title: "ECS cluster",
      source: DOC.ecsCluster,
      identity: { field: "name", scope: "region", source: DOC.ecsCluster },
      checks: [nameCheck("name", 1, 255, /^[A-Za-z0-9_-]+$/, DOC.ecsCluster)],
      inUseBy: [{ by: "aws:ecs/service:Service", field: "cluster", error: "ClusterContainsServicesException: The Cluster cannot be deleted while Services are active.", source: DOC.ecsCluster }],
    },
    "aws:ecs/service:Service": {
      title: "ECS service",
      source: DOC.ecsService,
      identity: { field: "name", scope: { within: "cluster" }, source: DOC.ecsService },
      checks: [nameCheck("name", 1, 255, /^[A-Za-z0-9_-]+$/, DOC.ecsService)],
      replaceOn: [
        { path: "name", source: DOC.ecsService },
        { path: "cluster", source: DOC.ecsService },
      ],
    },
    "aws:ecs/taskDefinition:TaskDefinition": {
      title: "ECS task definition",
      source: DOC.ecsTask,
      checks: [nameCheck("family", 1, 255, /^[A-Za-z0-9_-]+$/, DOC.ecsTask)],
    },
    "aws:cloudwatch/logGroup:LogGroup": {
      title: "CloudWatch Logs log group",
      source: DOC.logs,
      identity: { field: "name", scope: "region", source: DOC.logs },
      checks: [nameCheck("name", 1, 512, /^[.\-_/#A-Za-z0-9]+$/, DOC.logs)],
      replaceOn: [{ path: "name", source: DOC.logs }],
    },
  },
};

/** Deletion of an instance records its final snapshot: the world adopts objects a rule makes. */
export const AWS_SNAPSHOT_TYPE = SNAPSHOT;
