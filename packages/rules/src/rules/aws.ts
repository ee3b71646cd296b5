/**
 * The AWS rule book, from the AWS API references and user guides (each rule
 * names its page) and, for which arguments force a replacement, the Terraform
 * AWS provider's schema (ForceNew), which the Pulumi AWS provider wraps.
 * Regional names are unique per account and region; IAM and S3 names per
 * account and globally. Every type the AWS backend sends has a rule here (a
 * test keeps the two in step).
 */
import { valueAt } from "../diff";
import type { Check, CloudObject, CloudRules, RuleContext, TypeRule } from "../types";
import { AWS_WORKLOAD_RULES } from "./aws-workloads";
import { COMPANIONS, nameCheck, noDoubleHyphen, referencing, sameRegion, textCheck } from "./common";

const TF = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service";
const DOC = {
  s3Names: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
  s3Delete: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html",
  s3Lifecycle: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html",
  s3LifecycleApi: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html",
  s3Cors: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html",
  s3Policy: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html",
  s3Quotas: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/BucketRestrictions.html",
  rdsDelete: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html",
  rdsCreate: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
  rdsModify: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html",
  rdsStorage: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html",
  rdsAutoscaling: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html",
  rdsMajor: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.PostgreSQL.MajorVersion.html",
  rdsParamCreate: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBParameterGroup.html",
  rdsParamDelete: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBParameterGroup.html",
  rdsSubnetCreate: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html",
  rdsSubnetDelete: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBSubnetGroup.html",
  rdsLogs: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html",
  ec2SgDelete: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html",
  ec2SgCreate: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
  ec2SgRules: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html",
  ec2SubnetDelete: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSubnet.html",
  ec2VpcDelete: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpc.html",
  ec2IgwDetach: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DetachInternetGateway.html",
  ec2RtDelete: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteRouteTable.html",
  ec2EipRelease: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReleaseAddress.html",
  ec2Nat: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNatGateway.html",
  ec2Endpoint: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html",
  vpcQuotas: "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html",
  elbCreate: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
  elbTg: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
  elbTgDelete: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteTargetGroup.html",
  elbListener: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html",
  elbPolicies: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html",
  acmRequest: "https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html",
  acmDelete: "https://docs.aws.amazon.com/acm/latest/APIReference/API_DeleteCertificate.html",
  iamRole: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
  iamDeleteRole: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html",
  iamPutRolePolicy: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html",
  iamQuotas: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
  iamConsistency: "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency",
  ecsCluster: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html",
  ecsClusterCreate: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html",
  ecsService: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html",
  ecsTask: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html",
  ecsTaskParams: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html",
  ecsFargateSizes: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size",
  ecsQuotas: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html",
  ecsSecrets: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html",
  ecsPrivateRegistry: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html",
  logs: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
  logsRetention: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
  secretCreate: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html",
  secretDelete: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html",
  secretQuotas: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html",
  cfVpcOrigin: "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateVpcOrigin.html",
  cfVpcOriginDelete: "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DeleteVpcOrigin.html",
  cfDistribution: "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html",
  cfQuotas: "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html",
  autoscaling: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html",
  autoscalingPolicy: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html",
  tags: "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html",
  regions: "https://docs.aws.amazon.com/general/latest/gr/rande.html",
  regionArgument: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/enhanced-region-support",
} as const;

const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  igw: "aws:ec2/internetGateway:InternetGateway",
  routeTable: "aws:ec2/routeTable:RouteTable",
  rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  eip: "aws:ec2/eip:Eip",
  nat: "aws:ec2/natGateway:NatGateway",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  sgIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  cluster: "aws:ecs/cluster:Cluster",
  service: "aws:ecs/service:Service",
  taskDef: "aws:ecs/taskDefinition:TaskDefinition",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  tg: "aws:lb/targetGroup:TargetGroup",
  listener: "aws:lb/listener:Listener",
  cert: "aws:acm/certificate:Certificate",
  certValidation: "aws:acm/certificateValidation:CertificateValidation",
  vpcOrigin: "aws:cloudfront/vpcOrigin:VpcOrigin",
  distribution: "aws:cloudfront/distribution:Distribution",
  scalingTarget: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  dbSubnetGroup: "aws:rds/subnetGroup:SubnetGroup",
  dbParams: "aws:rds/parameterGroup:ParameterGroup",
  db: "aws:rds/instance:Instance",
  snapshot: "aws:rds/snapshot:Snapshot",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  bucket: "aws:s3/bucket:Bucket",
  bucketPab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  bucketOwnership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  bucketVersioning: "aws:s3/bucketVersioning:BucketVersioning",
  bucketLifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  bucketCors: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
} as const;

const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** EC2 security group names, descriptions and rule descriptions (CreateSecurityGroup, IpRange). */
const SG_CHARS = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
const SG_RULE_CHARS = /^[A-Za-z0-9 ._\-:/()#,@[\]+=;{}!$*]*$/;
/** Objects referenced from an input (resolved through the world). */
const refs = (ctx: RuleContext, obj: CloudObject, field: string): CloudObject[] =>
  Object.entries(obj.references)
    .filter(([k]) => k === field || k.startsWith(`${field}.`) || k.startsWith(`${field}[`))
    .flatMap(([, keys]) => keys)
    .map((k) => ctx.get(k))
    .filter((o): o is CloudObject => Boolean(o));
const live = (ctx: RuleContext, type: string) => ctx.objects().filter((o) => o.type === type && o.status === "live");
const forceNew = (service: string, file: string, ...paths: string[]) => paths.map((path) => ({ path, source: `${TF}/${service}/${file}` }));
const str = (v: unknown) => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v));

/** A list input's length within a limit. */
function countCheck(path: string, max: number, what: string, source: string): Check {
  return { path, source, test: (v) => (Array.isArray(v) && v.length > max ? `${v.length} ${what}; at most ${max}` : undefined) };
}

/** Availability Zones of the subnets an object references through `field`. */
function zonesOf(ctx: RuleContext, obj: CloudObject, field: string): Set<string> {
  return new Set(refs(ctx, obj, field).map((s) => str(s.inputs.availabilityZone)));
}

// ---- networking --------------------------------------------------------------------------------

/** The VPC an object is in: its `vpcId` reference, or its subnets'. */
function vpcOf(ctx: RuleContext, obj: CloudObject): string | undefined {
  const direct = obj.references.vpcId?.[0];
  if (direct) return direct;
  const subnet = refs(ctx, obj, "subnets")[0] ?? refs(ctx, obj, "subnetId")[0];
  return subnet?.references.vpcId?.[0];
}

const networking: Record<string, TypeRule> = {
  [T.vpc]: {
    title: "VPC",
    source: DOC.ec2VpcDelete,
    replaceOn: forceNew("ec2", "vpc_.go", "cidrBlock"),
    inUseBy: [T.subnet, T.sg, T.igw, T.routeTable, T.endpoint].map((by) => ({ by, field: "vpcId", error: "DependencyViolation: The vpc has dependencies and cannot be deleted", source: DOC.ec2VpcDelete })),
    notes: [`at most 5 VPCs per region in an account by default ([source](${DOC.vpcQuotas}))`],
    beforeCreate: (obj, ctx) => {
      const n = live(ctx, T.vpc).filter((o) => o.region === obj.region).length;
      return n >= 5 ? `VpcLimitExceeded: The maximum number of VPCs has been reached (5 per region by default; raise it with Service Quotas) [${DOC.vpcQuotas}]` : undefined;
    },
  },
  [T.subnet]: {
    title: "VPC subnet",
    source: DOC.ec2SubnetDelete,
    replaceOn: forceNew("ec2", "vpc_subnet.go", "vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId"),
    checks: [
      {
        path: "availabilityZone",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html",
        test: (v, obj) => (typeof v === "string" && !v.startsWith(obj.region) ? `zone ${v} is not in the subnet's region ${obj.region}` : undefined),
      },
    ],
    inUseBy: [
      { by: T.service, field: "networkConfiguration", error: "DependencyViolation: The subnet has dependencies and cannot be deleted (task network interfaces)", source: DOC.ec2SubnetDelete },
      { by: T.lb, field: "subnets", error: "DependencyViolation: The subnet has dependencies and cannot be deleted (load balancer nodes)", source: DOC.ec2SubnetDelete },
      { by: T.nat, field: "subnetId", error: "DependencyViolation: The subnet has dependencies and cannot be deleted (NAT gateway)", source: DOC.ec2SubnetDelete },
    ],
    notes: [`not deletable while a DB instance has network interfaces in it (through its subnet group) ([source](${DOC.ec2SubnetDelete}))`],
    beforeDelete: (obj, ctx) => {
      const dbs = referencing(ctx, obj, T.dbSubnetGroup, "subnetIds").flatMap((g) => referencing(ctx, g, T.db, "dbSubnetGroupName"));
      return dbs.length ? `DependencyViolation: The subnet has dependencies and cannot be deleted (network interfaces of DB instances ${dbs.map((d) => d.name).join(", ")}) [${DOC.ec2SubnetDelete}]` : undefined;
    },
  },
  [T.igw]: {
    title: "internet gateway",
    source: DOC.ec2IgwDetach,
    notes: [
      `detaching it (before deletion) fails while the VPC has mapped public addresses: a NAT gateway's Elastic IP, an internet-facing load balancer ([source](${DOC.ec2IgwDetach}))`,
    ],
    beforeDelete: (obj, ctx) => {
      const vpc = obj.references.vpcId?.[0];
      const users = [...live(ctx, T.nat), ...live(ctx, T.lb).filter((l) => l.inputs.internal !== true)].filter((o) => vpcOf(ctx, o) === vpc);
      return users.length
        ? `DependencyViolation: Network ${vpc} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway (${users.map((u) => u.name ?? u.type.split(":").pop()).join(", ")}) [${DOC.ec2IgwDetach}]`
        : undefined;
    },
  },
  [T.routeTable]: {
    title: "route table",
    source: DOC.ec2RtDelete,
    replaceOn: forceNew("ec2", "vpc_route_table.go", "vpcId"),
    inUseBy: [{ by: T.rta, field: "routeTableId", error: "DependencyViolation: The routeTable has dependencies and cannot be deleted (subnet associations)", source: DOC.ec2RtDelete }],
  },
  [T.rta]: {
    title: "route table association",
    source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateRouteTable.html",
    replaceOn: forceNew("ec2", "vpc_route_table_association.go", "subnetId", "gatewayId"),
  },
  [T.eip]: {
    title: "Elastic IP address",
    source: DOC.ec2EipRelease,
    replaceOn: forceNew("ec2", "ec2_eip.go", "domain"),
    inUseBy: [{ by: T.nat, field: "allocationId", error: "AuthFailure: The address is in use by a NAT gateway and cannot be released", source: DOC.ec2EipRelease }],
    notes: [`at most 5 Elastic IP addresses per region in an account by default ([source](${DOC.vpcQuotas}))`],
    beforeCreate: (obj, ctx) =>
      live(ctx, T.eip).filter((o) => o.region === obj.region).length >= 5
        ? `AddressLimitExceeded: The maximum number of addresses has been reached (5 per region by default) [${DOC.vpcQuotas}]`
        : undefined,
  },
  [T.nat]: {
    title: "NAT gateway",
    source: DOC.ec2Nat,
    replaceOn: forceNew("ec2", "vpc_nat_gateway.go", "allocationId", "subnetId", "connectivityType", "privateIp"),
  },
  [T.endpoint]: {
    title: "VPC endpoint",
    source: DOC.ec2Endpoint,
    replaceOn: forceNew("ec2", "vpc_endpoint.go", "vpcId", "serviceName", "vpcEndpointType"),
    checks: [
      {
        path: "serviceName",
        source: DOC.ec2Endpoint,
        test: (v, obj) => (typeof v === "string" && /^com\.amazonaws\.[a-z0-9-]+\./.test(v) && !v.startsWith(`com.amazonaws.${obj.region}.`) ? `service ${v} is another region's; the endpoint is in ${obj.region}` : undefined),
      },
    ],
  },
  [T.sg]: {
    title: "security group",
    source: DOC.ec2SgCreate,
    identity: { field: "name", scope: { within: "vpcId" }, source: DOC.ec2SgCreate },
    checks: [
      nameCheck("name", 1, 255, /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/, DOC.ec2SgCreate, (n) => (/^sg-/i.test(n) ? 'begins with "sg-"' : undefined)),
      textCheck("description", 255, SG_CHARS, DOC.ec2SgCreate),
      textCheck("ingress[].description", 255, SG_RULE_CHARS, DOC.ec2SgRules),
      textCheck("egress[].description", 255, SG_RULE_CHARS, DOC.ec2SgRules),
      {
        path: "ingress",
        source: DOC.vpcQuotas,
        // A rule that references a managed prefix list counts as the list's maximum entries (CloudFront's origin-facing list: 55).
        test: (v) => {
          const weight = (Array.isArray(v) ? v : []).reduce((n: number, r: Record<string, unknown>) => n + len(r.cidrBlocks) + len(r.ipv6CidrBlocks) + len(r.securityGroups) + 55 * len(r.prefixListIds), 0);
          return weight > 60 ? `${weight} inbound rules (a prefix list counts as its maximum entries); at most 60 per security group by default` : undefined;
        },
      },
    ],
    replaceOn: forceNew("ec2", "vpc_security_group.go", "name", "description", "vpcId"),
    inUseBy: [
      { by: T.db, field: "vpcSecurityGroupIds", error: "DependencyViolation: resource has a dependent object (DB instance network interface)", source: DOC.ec2SgDelete },
      { by: T.service, field: "networkConfiguration", error: "DependencyViolation: resource has a dependent object (task network interface)", source: DOC.ec2SgDelete },
      { by: T.lb, field: "securityGroups", error: "DependencyViolation: resource has a dependent object (load balancer)", source: DOC.ec2SgDelete },
      { by: T.sg, field: "ingress", error: "DependencyViolation: resource has a dependent object (a rule of another group)", source: DOC.ec2SgDelete },
      { by: T.sgIngress, field: "referencedSecurityGroupId", error: "DependencyViolation: resource has a dependent object (a rule of another group)", source: DOC.ec2SgDelete },
    ],
  },
  [T.sgIngress]: {
    title: "security group ingress rule",
    source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html",
    checks: [textCheck("description", 255, SG_RULE_CHARS, DOC.ec2SgRules)],
    replaceOn: forceNew("vpc", "security_group_ingress_rule.go", "securityGroupId"),
  },
};

function len(v: unknown): number {
  return Array.isArray(v) ? v.length : 0;
}

// ---- containers --------------------------------------------------------------------------------

/** Fargate task sizes: CPU units and the memory (MiB) each allows. */
const FARGATE_MEMORY: Record<string, number[]> = {
  "256": [512, 1024, 2048],
  "512": [1024, 2048, 3072, 4096],
  "1024": range(2048, 8192, 1024),
  "2048": range(4096, 16384, 1024),
  "4096": range(8192, 30720, 1024),
  "8192": range(16384, 61440, 4096),
  "16384": range(32768, 122880, 8192),
};
function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

interface Container {
  name?: string;
  essential?: boolean;
  portMappings?: Array<{ containerPort?: number }>;
  dependsOn?: Array<{ containerName?: string; condition?: string }>;
  mountPoints?: Array<{ sourceVolume?: string }>;
  secrets?: Array<{ name?: string; valueFrom?: string }>;
  environment?: Array<{ name?: string }>;
  repositoryCredentials?: { credentialsParameter?: string };
}

function containersOf(obj: CloudObject): Container[] | undefined {
  try {
    const parsed = JSON.parse(str(obj.inputs.containerDefinitions));
    return Array.isArray(parsed) ? (parsed as Container[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Problems with a task definition's containers, as RegisterTaskDefinition reports them. */
function containerProblems(obj: CloudObject): string | undefined {
  const raw = str(obj.inputs.containerDefinitions);
  const containers = containersOf(obj);
  if (!containers) return "containerDefinitions is not a JSON list";
  const problems: string[] = [];
  if (Buffer.byteLength(raw) > 65536) problems.push(`container definitions are ${Buffer.byteLength(raw)} bytes; a task definition is at most 64 KiB`);
  if (containers.length > 10) problems.push(`${containers.length} containers; at most 10 per task definition`);
  const names = containers.map((c) => c.name ?? "");
  for (const n of names) if (!/^[A-Za-z0-9_-]{1,255}$/.test(n)) problems.push(`container name "${n}" is not 1-255 letters, digits, hyphens and underscores`);
  if (new Set(names).size !== names.length) problems.push("two containers share a name");
  if (!containers.some((c) => c.essential !== false)) problems.push("no essential container");
  const volumes = new Set((Array.isArray(obj.inputs.volumes) ? (obj.inputs.volumes as Array<{ name?: string }>) : []).map((v) => v.name));
  for (const c of containers) {
    for (const d of c.dependsOn ?? []) if (!names.includes(d.containerName ?? "")) problems.push(`${c.name} depends on a container "${d.containerName}" the task does not have`);
    for (const m of c.mountPoints ?? []) if (!volumes.has(m.sourceVolume)) problems.push(`${c.name} mounts a volume "${m.sourceVolume}" the task does not define`);
    for (const s of c.secrets ?? []) if (!/^arn:aws[a-z-]*:(secretsmanager|ssm):/.test(s.valueFrom ?? "")) problems.push(`${c.name}: secret ${s.name} must come from a Secrets Manager or SSM ARN`);
    const dup = (c.environment ?? []).map((e) => e.name).filter((n) => (c.secrets ?? []).some((s) => s.name === n));
    if (dup.length) problems.push(`${c.name}: ${dup.join(", ")} set both as a variable and as a secret`);
  }
  return problems.length ? `ClientException: ${problems.join("; ")}` : undefined;
}

const containers: Record<string, TypeRule> = {
  [T.cluster]: {
    title: "ECS cluster",
    source: DOC.ecsClusterCreate,
    identity: { field: "name", scope: "region", source: DOC.ecsClusterCreate },
    checks: [nameCheck("name", 1, 255, /^[A-Za-z0-9_-]+$/, DOC.ecsClusterCreate)],
    replaceOn: forceNew("ecs", "cluster.go", "name"),
    inUseBy: [{ by: T.service, field: "cluster", error: "ClusterContainsServicesException: The Cluster cannot be deleted while Services are active.", source: DOC.ecsCluster }],
  },
  [T.service]: {
    title: "ECS service",
    source: DOC.ecsService,
    identity: { field: "name", scope: { within: "cluster" }, source: DOC.ecsService },
    checks: [
      nameCheck("name", 1, 255, /^[A-Za-z0-9_-]+$/, DOC.ecsService),
      { path: "healthCheckGracePeriodSeconds", source: DOC.ecsService, test: (v) => (typeof v === "number" && (v < 0 || v > 2147483647) ? `${v} is outside 0-2147483647` : undefined) },
    ],
    replaceOn: forceNew("ecs", "service.go", "name", "cluster", "launchType", "schedulingStrategy", "iamRole"),
    notes: [
      `the load balancer's container must be in the task definition with that port ([source](${DOC.ecsService}))`,
      `its tasks pull secrets and images as the execution role and act as the task role as soon as they start: a policy put on either role less than 10 s before fails them (IAM is eventually consistent) ([source](${DOC.iamConsistency}))`,
    ],
    beforeCreate: (obj, ctx) => serviceProblems(obj, ctx) ?? grantsSettled(obj, ctx),
    beforeUpdate: (obj, _prev, ctx) => serviceProblems(obj, ctx) ?? grantsSettled(obj, ctx),
  },
  [T.taskDef]: {
    title: "ECS task definition",
    source: DOC.ecsTask,
    checks: [
      nameCheck("family", 1, 255, /^[A-Za-z0-9_-]+$/, DOC.ecsTask),
      {
        path: "*",
        source: DOC.ecsFargateSizes,
        test: (v) => {
          const i = v as Record<string, unknown>;
          if (!(Array.isArray(i.requiresCompatibilities) && i.requiresCompatibilities.includes("FARGATE"))) return undefined;
          const allowed = FARGATE_MEMORY[str(i.cpu)];
          return allowed?.includes(Number(i.memory)) ? undefined : `cpu ${str(i.cpu)} with memory ${str(i.memory)} is not a Fargate task size`;
        },
      },
      { path: "*", source: DOC.ecsTaskParams, test: (_v, obj) => containerProblems(obj) },
    ],
    // Task definitions are immutable: every change registers a new revision (the old one is deregistered).
    replaceOn: [{ path: "*", source: `${TF}/ecs/task_definition.go` }],
    notes: [`at most 10 containers and 64 KiB per task definition ([source](${DOC.ecsQuotas}))`],
  },
  [T.logGroup]: {
    title: "CloudWatch Logs log group",
    source: DOC.logs,
    identity: { field: "name", scope: "region", source: DOC.logs },
    checks: [
      nameCheck("name", 1, 512, /^[.\-_/#A-Za-z0-9]+$/, DOC.logs),
      {
        path: "retentionInDays",
        source: DOC.logsRetention,
        test: (v) =>
          v === undefined || [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].includes(Number(v)) ? undefined : `${str(v)} is not a retention CloudWatch Logs offers`,
      },
    ],
    replaceOn: forceNew("logs", "group.go", "name", "logGroupClass"),
  },
  [T.scalingTarget]: {
    title: "Application Auto Scaling scalable target",
    source: DOC.autoscaling,
    checks: [{ path: "*", source: DOC.autoscaling, test: (v) => (Number((v as Record<string, unknown>).minCapacity) > Number((v as Record<string, unknown>).maxCapacity) ? "minCapacity is above maxCapacity" : undefined) }],
    replaceOn: forceNew("appautoscaling", "target.go", "resourceId", "scalableDimension", "serviceNamespace"),
  },
  [T.scalingPolicy]: {
    title: "Application Auto Scaling policy",
    source: DOC.autoscalingPolicy,
    replaceOn: forceNew("appautoscaling", "policy.go", "name", "resourceId", "scalableDimension", "serviceNamespace"),
  },
};

/** CreateService/UpdateService: the load balancer's container and port must be in the task definition, in the service's region. */
function serviceProblems(obj: CloudObject, ctx: RuleContext): string | undefined {
  const task = refs(ctx, obj, "taskDefinition")[0];
  if (!task) return undefined;
  const cs = containersOf(task) ?? [];
  for (const lb of (obj.inputs.loadBalancers as Array<{ containerName?: string; containerPort?: number }>) ?? []) {
    const c = cs.find((x) => x.name === lb.containerName);
    if (!c || !(c.portMappings ?? []).some((p) => p.containerPort === lb.containerPort)) {
      return `InvalidParameterException: The container ${lb.containerName} does not have a container port ${lb.containerPort} defined [${DOC.ecsService}]`;
    }
  }
  return undefined;
}

/** A service starts tasks as its task definition's roles: every policy on them must have had time to take effect. */
function grantsSettled(obj: CloudObject, ctx: RuleContext): string | undefined {
  const task = refs(ctx, obj, "taskDefinition")[0];
  if (!task) return undefined;
  const roles = [...(task.references.executionRoleArn ?? []), ...(task.references.taskRoleArn ?? [])];
  const start = Number(obj.facts.changedAt ?? 0);
  const pending = live(ctx, T.rolePolicy).filter((p) => (p.references.role ?? []).some((r) => roles.includes(r)) && start - Number(p.facts.changedAt ?? 0) < IAM_SECONDS);
  if (!pending.length) return undefined;
  return `ECS service ${obj.name} starts tasks ${Math.round(start - Math.max(...pending.map((p) => Number(p.facts.changedAt ?? 0))))} s after the policies ${pending.map((p) => str(p.inputs.name)).join(", ")} were put on its roles; IAM changes are eventually consistent, so the first tasks can fail to pull their secrets or reach their bucket. Wait for the grants (a time:Sleep between them) [${DOC.iamConsistency}]`;
}

/** IAM documents eventual consistency without a bound: the least wait this simulator accepts. */
const IAM_SECONDS = 10;

// ---- load balancing and edge -------------------------------------------------------------------

const edge: Record<string, TypeRule> = {
  [T.lb]: {
    title: "Application Load Balancer",
    source: DOC.elbCreate,
    identity: { field: "name", scope: "region", source: DOC.elbCreate },
    checks: [
      nameCheck("name", 1, 32, /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/, DOC.elbCreate, (n) => (n.startsWith("internal-") ? 'begins with "internal-"' : undefined)),
      countCheck("securityGroups", 5, "security groups", DOC.elbCreate),
    ],
    replaceOn: forceNew("elbv2", "load_balancer.go", "name", "internal", "loadBalancerType"),
    notes: [`its subnets must be in at least two Availability Zones ([source](${DOC.elbCreate}))`],
    // Subnets of an existing network (literal ids) are not in the simulated world: only subnets Freehold made are checked.
    beforeCreate: (obj, ctx) =>
      refs(ctx, obj, "subnets").length && zonesOf(ctx, obj, "subnets").size < 2 ? `ValidationError: At least two subnets in two different Availability Zones must be specified [${DOC.elbCreate}]` : undefined,
  },
  [T.tg]: {
    title: "target group",
    source: DOC.elbTg,
    identity: { field: "name", scope: "region", source: DOC.elbTg },
    checks: [
      nameCheck("name", 1, 32, /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/, DOC.elbTg),
      {
        path: "healthCheck",
        source: DOC.elbTg,
        test: (v) => {
          const h = (v ?? {}) as Record<string, number | string>;
          const interval = Number(h.interval ?? 30);
          const timeout = Number(h.timeout ?? 5);
          if (interval < 5 || interval > 300) return `interval ${interval} is outside 5-300`;
          if (timeout < 2 || timeout > 120) return `timeout ${timeout} is outside 2-120`;
          if (timeout >= interval) return `timeout ${timeout} must be shorter than the interval ${interval}`;
          if (String(h.path ?? "/").length > 1024) return "path is longer than 1024 characters";
          return undefined;
        },
      },
    ],
    replaceOn: forceNew("elbv2", "target_group.go", "name", "port", "protocol", "vpcId", "targetType", "protocolVersion"),
    inUseBy: [{ by: T.listener, field: "defaultActions", error: "ResourceInUse: Target group is currently in use by a listener or a rule", source: DOC.elbTgDelete }],
  },
  [T.listener]: {
    title: "load balancer listener",
    source: DOC.elbListener,
    checks: [
      {
        path: "sslPolicy",
        source: DOC.elbPolicies,
        test: (v) => (v === undefined || /^ELBSecurityPolicy-/.test(str(v)) ? undefined : `${str(v)} is not an ELB security policy`),
      },
    ],
    replaceOn: forceNew("elbv2", "listener.go", "loadBalancerArn"),
  },
  [T.cert]: {
    title: "ACM certificate",
    source: DOC.acmRequest,
    checks: [nameCheck("domainName", 1, 253, /^(\*\.)?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, DOC.acmRequest, (n) => ((n.split(".")[0] ?? "").length > 64 ? "first label longer than 64" : undefined))],
    replaceOn: forceNew("acm", "certificate.go", "domainName", "subjectAlternativeNames", "validationMethod", "keyAlgorithm"),
    notes: [`not deletable while a listener uses it ([source](${DOC.acmDelete}))`],
    beforeDelete: (obj, ctx) => {
      const validations = live(ctx, T.certValidation).filter((v) => (v.references.certificateArn ?? []).includes(obj.key)).map((v) => v.key);
      const users = live(ctx, T.listener).filter((l) => (l.references.certificateArn ?? []).some((k) => k === obj.key || validations.includes(k)));
      return users.length ? `ResourceInUseException: Certificate is in use by ${users.length} listener(s) [${DOC.acmDelete}]` : undefined;
    },
  },
  [T.certValidation]: {
    title: "ACM certificate validation (a wait, no AWS object)",
    source: "https://www.pulumi.com/registry/packages/aws/api-docs/acm/certificatevalidation/",
    replaceOn: forceNew("acm", "certificate_validation.go", "certificateArn", "validationRecordFqdns"),
  },
  [T.vpcOrigin]: {
    title: "CloudFront VPC origin",
    source: DOC.cfVpcOrigin,
    checks: [nameCheck("vpcOriginEndpointConfig.name", 1, 64, /^[A-Za-z0-9_-]+$/, DOC.cfVpcOrigin)],
    inUseBy: [{ by: T.distribution, field: "origins", error: "CannotDeleteEntityWhileInUse: The VPC origin is in use by a distribution", source: DOC.cfVpcOriginDelete }],
  },
  [T.distribution]: {
    title: "CloudFront distribution",
    source: DOC.cfDistribution,
    checks: [textCheck("comment", 128, undefined, DOC.cfDistribution), countCheck("origins", 25, "origins", DOC.cfQuotas)],
  },
};

// ---- identity and secrets ----------------------------------------------------------------------

/** IAM counts policy characters without white space. */
const policySize = (v: unknown) => str(v).replace(/\s/g, "").length;

const identity: Record<string, TypeRule> = {
  [T.role]: {
    title: "IAM role",
    source: DOC.iamRole,
    identity: { field: "name", scope: "account", caseInsensitive: true, source: DOC.iamRole },
    checks: [
      nameCheck("name", 1, 64, /^[\w+=,.@-]+$/, DOC.iamRole),
      textCheck("description", 1000, /^[\t\n\r\u0020-\u007E\u00A1-\u00FF]*$/, DOC.iamRole),
      { path: "assumeRolePolicy", source: DOC.iamQuotas, test: (v) => (policySize(v) > 2048 ? `trust policy of ${policySize(v)} characters; at most 2048 by default` : undefined) },
    ],
    replaceOn: forceNew("iam", "role.go", "name", "namePrefix", "path"),
    inUseBy: [{ by: T.rolePolicy, field: "role", error: "DeleteConflict: Cannot delete entity, must delete policies first.", source: DOC.iamDeleteRole }],
  },
  [T.rolePolicy]: {
    title: "IAM role inline policy",
    source: DOC.iamPutRolePolicy,
    checks: [nameCheck("name", 1, 128, /^[\w+=,.@-]+$/, DOC.iamPutRolePolicy)],
    // A policy belongs to one role: another role is another policy.
    replaceOn: forceNew("iam", "role_policy.go", "role", "name"),
    notes: [`a role's inline policies add up to at most 10,240 characters ([source](${DOC.iamQuotas}))`],
    beforeCreate: (obj, ctx) => inlineTotal(obj, ctx),
    beforeUpdate: (obj, _prev, ctx) => inlineTotal(obj, ctx),
  },
  [T.secret]: {
    title: "Secrets Manager secret",
    source: DOC.secretCreate,
    identity: { field: "name", scope: "region", source: DOC.secretCreate },
    checks: [
      nameCheck("name", 1, 512, /^[A-Za-z0-9/_+=.@-]+$/, DOC.secretCreate, (n) => (/-[A-Za-z0-9]{6}$/.test(n) ? "ends with a hyphen and six characters, like the ARN's random suffix" : undefined)),
      textCheck("description", 2048, undefined, DOC.secretCreate),
      {
        path: "recoveryWindowInDays",
        source: DOC.secretDelete,
        test: (v) => (v === undefined || Number(v) === 0 || (Number(v) >= 7 && Number(v) <= 30) ? undefined : `${str(v)} is neither 0 (delete at once) nor 7-30 days`),
      },
    ],
    replaceOn: forceNew("secretsmanager", "secret.go", "name", "namePrefix"),
    notes: [
      `a deleted secret is kept, and its name taken, for its recovery window (7-30 days, 30 by default) unless deleted without recovery (\`recoveryWindowInDays: 0\`) ([source](${DOC.secretDelete}))`,
    ],
    afterDelete: (obj, ctx) => {
      const days = obj.inputs.recoveryWindowInDays === undefined ? 30 : Number(obj.inputs.recoveryWindowInDays);
      if (days === 0) return;
      ctx.adopt({ ...obj, key: `${obj.key}-scheduled-deletion`, owner: undefined, status: "soft-deleted", deletedAt: ctx.now, reservedUntil: ctx.now + days * 86400 });
    },
  },
  [T.secretVersion]: {
    title: "Secrets Manager secret version",
    source: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html",
    checks: [
      {
        path: "secretString",
        source: DOC.secretQuotas,
        test: (v) => (typeof v === "string" && v !== "[secret]" && Buffer.byteLength(v) > 65536 ? "a secret value is at most 64 KiB" : undefined),
      },
    ],
    replaceOn: forceNew("secretsmanager", "secret_version.go", "secretId", "secretString", "secretBinary"),
  },
};

function inlineTotal(obj: CloudObject, ctx: RuleContext): string | undefined {
  const role = obj.references.role?.[0];
  if (!role) return undefined;
  const others = live(ctx, T.rolePolicy).filter((p) => p.key !== obj.key && p.owner?.urn !== obj.owner?.urn && (p.references.role ?? []).includes(role));
  const total = [obj, ...others].reduce((n, p) => n + policySize(p.inputs.policy), 0);
  return total > 10240 ? `LimitExceeded: the role's inline policies would total ${total} characters; at most 10,240 [${DOC.iamQuotas}]` : undefined;
}

// ---- databases ---------------------------------------------------------------------------------

const majorOf = (version: unknown) => str(version).split(".")[0];

/** A final snapshot's identity: its name, plus the random values it was made from (a new RandomId makes a new name, even when the mock plan shows the same text). */
function snapshotIdentity(obj: CloudObject): string | undefined {
  const snapshot = obj.inputs.skipFinalSnapshot === true ? undefined : obj.inputs.finalSnapshotIdentifier;
  if (typeof snapshot !== "string") return undefined;
  return `region:${obj.region}/${snapshot.toLowerCase()}#${(obj.references.finalSnapshotIdentifier ?? []).join(",")}`;
}

/** ModifyDBInstance/CreateDBInstance refusals that depend on the instance as it is. */
function instanceProblems(next: CloudObject, ctx: RuleContext, previous?: CloudObject): string | undefined {
  const problems: string[] = [];
  const group = refs(ctx, next, "parameterGroupName")[0];
  if (group && str(group.inputs.family) !== `postgres${majorOf(next.inputs.engineVersion)}`) {
    problems.push(
      `InvalidParameterCombination: The parameter group ${group.name} with DBParameterGroupFamily ${str(group.inputs.family)} can't be used for this instance. Use a parameter group with DBParameterGroupFamily postgres${majorOf(next.inputs.engineVersion)} [${DOC.rdsMajor}]`,
    );
  }
  const allocated = Number(next.inputs.allocatedStorage ?? 0);
  const max = next.inputs.maxAllocatedStorage;
  if (max !== undefined && Number(max) !== 0 && Number(max) < Math.ceil(allocated * 1.1)) problems.push(`InvalidParameterCombination: Invalid max storage size for postgres: ${str(max)} is less than 10% above the allocated ${allocated} GiB [${DOC.rdsAutoscaling}]`);
  const subnets = refs(ctx, next, "dbSubnetGroupName")[0];
  if (subnets && refs(ctx, subnets, "subnetIds").length && zonesOf(ctx, subnets, "subnetIds").size < 2 && next.inputs.multiAz === true) problems.push(`InvalidVPCNetworkStateFault: a Multi-AZ instance needs subnets in two Availability Zones [${DOC.rdsSubnetCreate}]`);
  if (previous) {
    const was = Number(majorOf(previous.inputs.engineVersion));
    const now = Number(majorOf(next.inputs.engineVersion));
    if (now < was) problems.push(`InvalidParameterCombination: Cannot upgrade postgres from ${str(previous.inputs.engineVersion)} to ${str(next.inputs.engineVersion)} (no downgrades) [${DOC.rdsMajor}]`);
    if (now > was && next.inputs.allowMajorVersionUpgrade !== true) problems.push(`InvalidParameterCombination: The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version [${DOC.rdsModify}]`);
    if (allocated < Number(previous.inputs.allocatedStorage ?? 0)) problems.push(`InvalidParameterValue: storage cannot be reduced from ${str(previous.inputs.allocatedStorage)} to ${allocated} GiB [${DOC.rdsStorage}]`);
  }
  return problems.length ? problems.join("; ") : undefined;
}

const rdsInstance: TypeRule = {
  title: "RDS DB instance",
  source: DOC.rdsCreate,
  identity: { field: "identifier", scope: "region", caseInsensitive: true, source: DOC.rdsCreate },
  checks: [
    nameCheck("identifier", 1, 63, /^[a-z][a-z0-9-]*$/, DOC.rdsCreate, (n) => noDoubleHyphen(n) ?? (n.endsWith("-") ? "ends with -" : undefined)),
    nameCheck("finalSnapshotIdentifier", 1, 255, /^[a-z][a-z0-9-]*[a-z0-9]$/, DOC.rdsDelete, noDoubleHyphen),
    nameCheck("dbName", 1, 63, /^[A-Za-z][A-Za-z0-9_]*$/, DOC.rdsCreate),
    nameCheck("username", 1, 63, /^[A-Za-z][A-Za-z0-9_]*$/, DOC.rdsCreate, (n) => (["rdsadmin", "rdsrepladmin"].includes(n.toLowerCase()) ? "is reserved by RDS" : undefined)),
    { path: "allocatedStorage", source: DOC.rdsStorage, test: (v, obj) => (obj.inputs.storageType === "gp3" && (Number(v) < 20 || Number(v) > 65536) ? `${str(v)} GiB is outside gp3's 20-65536` : undefined) },
    { path: "backupRetentionPeriod", source: DOC.rdsCreate, test: (v) => (Number(v) < 0 || Number(v) > 35 ? `${str(v)} days is outside 0-35` : undefined) },
  ],
  replaceOn: forceNew("rds", "instance.go", "identifier", "dbName", "engine", "storageEncrypted", "kmsKeyId", "username", "availabilityZone", "characterSetName", "timezone"),
  notes: [
    `deleting it takes a final snapshot under \`finalSnapshotIdentifier\`, which must not exist already (DBSnapshotAlreadyExists); a name made from a random value is new for every instance ([source](${DOC.rdsDelete}))`,
    `without \`applyImmediately\`, class, storage, Multi-AZ, version and parameter group changes wait for the maintenance window ([source](${DOC.rdsModify}))`,
    `the parameter group's family must be the engine's major version; no major downgrade; a major upgrade needs \`allowMajorVersionUpgrade\` ([source](${DOC.rdsMajor}))`,
    `storage can grow, never shrink; the autoscaling ceiling must be at least 10% above the allocation ([source](${DOC.rdsStorage}), [source](${DOC.rdsAutoscaling}))`,
    `exporting PostgreSQL logs creates \`/aws/rds/instance/<id>/postgresql\` when it does not exist, with no retention, and deleting the instance leaves it ([source](${DOC.rdsLogs}))`,
  ],
  deletionProtection: {
    path: "deletionProtection",
    error: "InvalidParameterCombination: Cannot delete protected DB Instance, please disable deletion protection and try again.",
    source: DOC.rdsDelete,
  },
  beforeCreate: (obj, ctx) => {
    const problem = instanceProblems(obj, ctx);
    if (problem) return problem;
    // RDS creates the export log group itself, unmanaged and without retention, when nobody has.
    const exports = Array.isArray(obj.inputs.enabledCloudwatchLogsExports) ? (obj.inputs.enabledCloudwatchLogsExports as string[]) : [];
    for (const kind of exports) {
      const name = `/aws/rds/instance/${obj.name}/${kind}`;
      if (ctx.objects().some((o) => o.type === T.logGroup && o.name === name && o.status === "live")) continue;
      ctx.adopt({ key: `${obj.key}-${kind}-logs`, cloud: "aws", type: T.logGroup, inputs: { name }, references: {}, region: obj.region, name, identity: `region:${obj.region}/${name}`, status: "live", createdAt: ctx.now, facts: {} });
    }
    return undefined;
  },
  beforeUpdate: (next, previous, ctx) => instanceProblems(next, ctx, previous),
  beforeDelete: (obj, ctx) => {
    const id = snapshotIdentity(obj);
    if (id && ctx.objects().some((o) => o.type === T.snapshot && o.identity === id && o.status === "live")) {
      return `DBSnapshotAlreadyExists: the final snapshot "${str(obj.inputs.finalSnapshotIdentifier)}" already exists (from an earlier deletion) [${DOC.rdsDelete}]`;
    }
    return undefined;
  },
  afterDelete: (obj, ctx) => {
    const id = snapshotIdentity(obj);
    if (!id) return;
    // The final snapshot outlives the instance, in the account, under its own name.
    const snapshot = str(obj.inputs.finalSnapshotIdentifier);
    ctx.adopt({ key: `${obj.key}-final-snapshot`, cloud: "aws", type: T.snapshot, inputs: { identifier: snapshot }, references: {}, region: obj.region, name: snapshot, identity: id, status: "live", createdAt: ctx.now, facts: {} });
  },
  // Without applyImmediately, RDS queues these for the next maintenance window (ModifyDBInstance, ApplyImmediately).
  afterUpdate: (next, previous) => {
    if (next.inputs.applyImmediately === true) return;
    const pending = ["instanceClass", "allocatedStorage", "multiAz", "engineVersion", "dbParameterGroupName", "parameterGroupName", "storageType", "iops", "maxAllocatedStorage"].filter(
      (k) => JSON.stringify(next.inputs[k]) !== JSON.stringify(previous.inputs[k]),
    );
    for (const k of pending) {
      next.inputs = { ...next.inputs, [k]: previous.inputs[k] };
      if (previous.references[k]) next.references = { ...next.references, [k]: previous.references[k] as string[] };
      else delete next.references[k];
    }
  },
};

const databases: Record<string, TypeRule> = {
  [T.db]: rdsInstance,
  [T.dbParams]: {
    title: "RDS DB parameter group",
    source: DOC.rdsParamCreate,
    identity: { field: "name", scope: "region", caseInsensitive: true, source: DOC.rdsParamCreate },
    checks: [nameCheck("name", 1, 255, /^[a-z][a-z0-9-]*[a-z0-9]$/, DOC.rdsParamCreate, noDoubleHyphen), textCheck("description", 255, undefined, DOC.rdsParamCreate)],
    replaceOn: forceNew("rds", "parameter_group.go", "name", "family", "description"),
    inUseBy: [{ by: T.db, field: "parameterGroupName", error: "InvalidDBParameterGroupState: One or more database instances are still members of this parameter group", source: DOC.rdsParamDelete }],
  },
  [T.dbSubnetGroup]: {
    title: "RDS DB subnet group",
    source: DOC.rdsSubnetCreate,
    identity: { field: "name", scope: "region", caseInsensitive: true, source: DOC.rdsSubnetCreate },
    checks: [nameCheck("name", 1, 255, /^[a-z0-9 ._-]+$/, DOC.rdsSubnetCreate, (n) => (n === "default" ? "is default" : undefined)), textCheck("description", 255, undefined, DOC.rdsSubnetCreate)],
    replaceOn: forceNew("rds", "subnet_group.go", "name"),
    notes: [`its subnets must cover at least two Availability Zones of the region ([source](${DOC.rdsSubnetCreate}))`],
    beforeCreate: (obj, ctx) =>
      zonesOf(ctx, obj, "subnetIds").size < 2 && refs(ctx, obj, "subnetIds").length
        ? `DBSubnetGroupDoesNotCoverEnoughAZs: The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: ${[...zonesOf(ctx, obj, "subnetIds")].join(", ")}. Add subnets to cover at least 2 AZs. [${DOC.rdsSubnetCreate}]`
        : undefined,
    inUseBy: [
      { by: T.db, field: "dbSubnetGroupName", error: "InvalidDBSubnetGroupStateFault: Cannot delete the subnet group because at least one database instance is still using it", source: DOC.rdsSubnetDelete },
    ],
  },
};

// ---- object storage ----------------------------------------------------------------------------

const bucketScoped = (title: string, source: string, file: string, extra: Partial<TypeRule> = {}): TypeRule => ({
  title,
  source,
  replaceOn: forceNew("s3", file, "bucket", "expectedBucketOwner"),
  ...extra,
});

const storage: Record<string, TypeRule> = {
  [T.bucket]: {
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
    replaceOn: forceNew("s3", "bucket.go", "bucket", "bucketPrefix", "objectLockEnabled"),
    notes: [
      `only an empty bucket can be deleted; one that has held data goes only with \`forceDestroy\` (the provider empties it) ([source](${DOC.s3Delete}))`,
      `a deleted bucket's name is free at once for the same account in the same region ([source](${DOC.s3Names}))`,
    ],
    // A bucket that has held data is not empty: S3 deletes only empty buckets, so only forceDestroy (the provider empties it) deletes one.
    beforeDelete: (obj) => (obj.inputs.forceDestroy === true ? undefined : `BucketNotEmpty: The bucket you tried to delete is not empty [${DOC.s3Delete}]`),
  },
  [T.bucketPab]: bucketScoped("S3 Block Public Access", "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html", "bucket_public_access_block.go"),
  [T.bucketOwnership]: bucketScoped("S3 Object Ownership", "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketOwnershipControls.html", "bucket_ownership_controls.go"),
  [T.bucketEncryption]: bucketScoped("S3 default encryption", "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html", "bucket_server_side_encryption_configuration.go"),
  [T.bucketVersioning]: bucketScoped("S3 versioning", "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html", "bucket_versioning.go", {
    checks: [{ path: "versioningConfiguration.status", source: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html", test: (v) => (["Enabled", "Suspended"].includes(str(v)) ? undefined : `${str(v)} is neither Enabled nor Suspended`) }],
  }),
  [T.bucketLifecycle]: bucketScoped("S3 lifecycle configuration", DOC.s3LifecycleApi, "bucket_lifecycle_configuration.go", {
    checks: [
      countCheck("rules", 1000, "rules", DOC.s3Lifecycle),
      textCheck("rules[].id", 255, undefined, DOC.s3LifecycleApi),
      textCheck("rules[].filter.prefix", 1024, undefined, DOC.s3LifecycleApi),
      { path: "rules[].expiration.days", source: DOC.s3LifecycleApi, test: (v) => (Number(v) < 1 ? "must be a positive number of days" : undefined) },
    ],
  }),
  [T.bucketCors]: bucketScoped("S3 CORS configuration", "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html", "bucket_cors_configuration.go", {
    checks: [countCheck("corsRules", 100, "CORS rules", DOC.s3Cors)],
  }),
  [T.bucketPolicy]: bucketScoped("S3 bucket policy", DOC.s3Policy, "bucket_policy.go", {
    checks: [{ path: "policy", source: DOC.s3Quotas, test: (v) => (typeof v === "string" && Buffer.byteLength(v) > 20480 ? "a bucket policy is at most 20 KB" : undefined) }],
  }),
};

/** IAM and CloudFront are global services; the random and time providers' resources live nowhere. */
const GLOBAL_TYPES = [T.role, T.rolePolicy, T.distribution, T.vpcOrigin, ...Object.keys(COMPANIONS)];

export const AWS_RULES: CloudRules = {
  cloud: "aws",
  packages: ["aws"],
  globalTypes: GLOBAL_TYPES,
  companions: COMPANIONS,
  global: [
    {
      title: "tags: at most 50; keys 1-128 and values up to 256 of letters, digits, spaces and _ . : / = + - @; no aws: prefix",
      source: DOC.tags,
      check: (obj) => {
        const tags = obj.inputs.tags;
        if (!tags || typeof tags !== "object") return undefined;
        const entries = Object.entries(tags as Record<string, unknown>);
        if (entries.length > 50) return `${entries.length} tags; at most 50`;
        for (const [k, v] of entries) {
          if (k.length < 1 || k.length > 128 || !TAG_CHARS.test(k) || /^aws:/i.test(k)) return `tag key "${k}" is not allowed`;
          if (String(v).length > 256 || !TAG_CHARS.test(String(v))) return `tag ${k}=${JSON.stringify(v)} has a value AWS refuses`;
        }
        return undefined;
      },
    },
    sameRegion(GLOBAL_TYPES, DOC.regions, "every regional resource in the stack's region (its own `region` argument, else its provider's)"),
    {
      title: "a regional resource's `region` argument is an AWS region code",
      source: DOC.regionArgument,
      check: (obj) => {
        const region = valueAt(obj.inputs, "region");
        return region === undefined || /^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(str(region)) ? undefined : `region ${str(region)} is not an AWS region code`;
      },
    },
  ],
  propagation: {
    grants: [T.rolePolicy],
    identities: [T.role],
    seconds: IAM_SECONDS,
    source: DOC.iamConsistency,
  },
  types: { ...networking, ...containers, ...edge, ...identity, ...databases, ...storage, ...AWS_WORKLOAD_RULES },
};

/** Deletion of an instance records its final snapshot: the world adopts objects a rule makes. */
export const AWS_SNAPSHOT_TYPE = T.snapshot;
/** The AWS resource types the rule book covers (a test checks the backend sends no other). */
export const AWS_TYPES: readonly string[] = Object.keys(AWS_RULES.types);
