/**
 * The AWS rule book, from the AWS API references and user guides (each rule
 * names its page) and, for which arguments force a replacement, the Terraform
 * AWS provider's schema (ForceNew), which the Pulumi AWS provider wraps.
 * Regional names are unique per account and region; IAM and S3 names per
 * account and globally. Every type the AWS backend sends has a rule here (a
 * test keeps the two in step).
 */
import { valueAt, valuesAt } from "../diff";
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
  rdsStorageIncrease: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.ModifyingExisting.html",
  rdsRename: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_RenameInstance.html",
  rdsAutoscaling: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html",
  rdsMajor: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.PostgreSQL.MajorVersion.html",
  rdsParamCreate: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBParameterGroup.html",
  rdsParamDelete: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBParameterGroup.html",
  rdsParamModify: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBParameterGroup.html",
  rdsLogical: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.FeatureSupport.LogicalReplication.html",
  rdsSuperuser: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.rds_superuser.html",
  pgSubscriptionRole: "https://www.postgresql.org/docs/16/predefined-roles.html",
  rdsSubnetCreate: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html",
  rdsSubnetDelete: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBSubnetGroup.html",
  rdsLogs: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html",
  ec2SgDelete: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html",
  ec2SgCreate: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
  ec2SgRules: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html",
  ec2SgEgress: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupEgress.html",
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
  elbTgGuide: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html",
  ecsUpdateService: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html",
  ecsAlb: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb.html",
  ecsRollingDeploy: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html",
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
  cfVpcOrigins: "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html",
  cfDistribution: "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html",
  cfQuotas: "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html",
  autoscaling: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html",
  lambdaCreate: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
  lambdaRuntimes: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
  lambdaInvocation: "https://www.pulumi.com/registry/packages/aws/api-docs/lambda/invocation/",
  autoscalingPolicy: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html",
  tags: "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html",
  wafWebAcl: "https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html",
  wafIpSet: "https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateIPSet.html",
  wafAssociate: "https://docs.aws.amazon.com/waf/latest/APIReference/API_AssociateWebACL.html",
  wafDelete: "https://docs.aws.amazon.com/waf/latest/APIReference/API_DeleteWebACL.html",
  wafCapacity: "https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html",
  wafCloudFront: "https://docs.aws.amazon.com/waf/latest/developerguide/how-aws-waf-works-resources.html",
  wafManaged: "https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html",
  regions: "https://docs.aws.amazon.com/general/latest/gr/rande.html",
  flowLogs: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateFlowLogs.html",
  flowLogsRole: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html",
  defaultSg: "https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html",
  defaultNacl: "https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html",
  tfDefaultSg: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_security_group",
  elbAccessLogs: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
  cfLogs: "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html",
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
  sgEgress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  cluster: "aws:ecs/cluster:Cluster",
  lambdaFn: "aws:lambda/function:Function",
  invocation: "aws:lambda/invocation:Invocation",
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
  webAcl: "aws:wafv2/webAcl:WebAcl",
  ipSet: "aws:wafv2/ipSet:IpSet",
  webAclAssociation: "aws:wafv2/webAclAssociation:WebAclAssociation",
  flowLog: "aws:ec2/flowLog:FlowLog",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  defaultNacl: "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
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
/**
 * Objects an input points at: through the plan's references, or by the literal id
 * an object that existed before the stack carries (`facts.id`: a network the user
 * brings, seeded into the world by a test).
 */
function targets(ctx: RuleContext, obj: CloudObject, field: string): CloudObject[] {
  const ids = valuesAt(obj.inputs, field).flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v): v is string => typeof v === "string");
  const byId = ids.length ? ctx.objects().filter((o) => o.status === "live" && typeof o.facts.id === "string" && ids.includes(o.facts.id)) : [];
  // The engine records references per top-level input: callers filter what a nested field's input holds by type.
  return [...new Set([...refs(ctx, obj, field.split(".")[0] as string), ...byId])];
}
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
  [T.flowLog]: {
    title: "VPC flow log",
    source: DOC.flowLogs,
    replaceOn: forceNew("ec2", "vpc_flow_log.go", "vpcId", "trafficType", "logDestination", "logDestinationType", "iamRoleArn", "maxAggregationInterval"),
    notes: [
      `delivery to CloudWatch Logs needs a role VPC Flow Logs may assume that can create streams and put events in the group; without it the flow log is created but delivers nothing (DeliverLogsStatus FAILED) ([source](${DOC.flowLogsRole}))`,
      `maxAggregationInterval is 60 or 600 seconds ([source](${DOC.flowLogs}))`,
    ],
    checks: [{ path: "maxAggregationInterval", source: DOC.flowLogs, test: (v) => (v === undefined || [60, 600].includes(Number(v)) ? undefined : `${str(v)} is neither 60 nor 600`) }],
  },
  [T.defaultSg]: {
    title: "VPC default security group (adopted)",
    source: DOC.defaultSg,
    replaceOn: forceNew("ec2", "vpc_default_security_group.go", "vpcId"),
    notes: [
      `every VPC has one that cannot be deleted; the provider adopts it, replaces its rules with the ones given (none: nothing may use it), and on destroy only forgets it ([source](${DOC.defaultSg}), [source](${DOC.tfDefaultSg}))`,
    ],
  },
  [T.defaultNacl]: {
    title: "VPC default network ACL (adopted)",
    source: DOC.defaultNacl,
    notes: [
      `every VPC has one that cannot be deleted; the provider adopts it, replaces its entries, and on destroy only forgets it; rule numbers are 1-32766, evaluated lowest first ([source](${DOC.defaultNacl}))`,
    ],
    checks: [
      {
        path: "ingress",
        source: DOC.defaultNacl,
        test: (v) => (Array.isArray(v) && v.some((e) => Number((e as { ruleNo?: number }).ruleNo) < 1 || Number((e as { ruleNo?: number }).ruleNo) > 32766) ? "a rule number is outside 1-32766" : undefined),
      },
    ],
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
    ],
    replaceOn: forceNew("ec2", "vpc_security_group.go", "name", "description", "vpcId"),
    inUseBy: [
      { by: T.db, field: "vpcSecurityGroupIds", error: "DependencyViolation: resource has a dependent object (DB instance network interface)", source: DOC.ec2SgDelete },
      { by: T.service, field: "networkConfiguration", error: "DependencyViolation: resource has a dependent object (task network interface)", source: DOC.ec2SgDelete },
      { by: T.lb, field: "securityGroups", error: "DependencyViolation: resource has a dependent object (load balancer)", source: DOC.ec2SgDelete },
      { by: T.sg, field: "ingress", error: "DependencyViolation: resource has a dependent object (a rule of another group)", source: DOC.ec2SgDelete },
      { by: T.sgIngress, field: "referencedSecurityGroupId", error: "DependencyViolation: resource has a dependent object (a rule of another group)", source: DOC.ec2SgDelete },
      { by: T.sgEgress, field: "referencedSecurityGroupId", error: "DependencyViolation: resource has a dependent object (a rule of another group)", source: DOC.ec2SgDelete },
    ],
    notes: [
      `at most 60 inbound and 60 outbound rules per group by default, counted separately for IPv4 and IPv6; a rule that names another group counts once in each, and one that names a managed prefix list counts as the list's maximum entries (CloudFront's origin-facing list: 55) ([source](${DOC.vpcQuotas}))`,
      `changing a group's inline rules so that it no longer admits the port a service's running tasks listen on cuts them off from their load balancer: an outage the change did not ask for ([source](${DOC.ecsRollingDeploy}))`,
    ],
    beforeCreate: (obj, ctx) => ruleQuota(ctx, obj),
    beforeUpdate: (next, previous, ctx) => ruleQuota(ctx, next) ?? portsStillServed(ctx, previous, next),
  },
  [T.sgIngress]: {
    title: "security group ingress rule",
    source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html",
    checks: [textCheck("description", 255, SG_RULE_CHARS, DOC.ec2SgRules)],
    replaceOn: forceNew("vpc", "security_group_ingress_rule.go", "securityGroupId"),
    notes: [`deleting the rule that admits a load balancer to the port a service's tasks still serve on (their deployment not yet finished) cuts them off: an outage ([source](${DOC.ecsRollingDeploy}))`],
    beforeCreate: (obj, ctx) => ruleOwners(ctx, obj).map((g) => ruleQuota(ctx, g, obj)).find(Boolean),
    beforeDelete: (obj, ctx) => separateRuleStillServes(ctx, obj, "ingress"),
  },
  [T.sgEgress]: {
    title: "security group egress rule",
    source: DOC.ec2SgEgress,
    checks: [textCheck("description", 255, SG_RULE_CHARS, DOC.ec2SgRules)],
    replaceOn: forceNew("vpc", "security_group_egress_rule.go", "securityGroupId"),
    beforeCreate: (obj, ctx) => ruleOwners(ctx, obj).map((g) => ruleQuota(ctx, g, obj)).find(Boolean),
    beforeDelete: (obj, ctx) => separateRuleStillServes(ctx, obj, "egress"),
  },
};

/** The group a separate rule belongs to. */
function ruleOwners(ctx: RuleContext, rule: CloudObject): CloudObject[] {
  return refs(ctx, rule, "securityGroupId");
}

/** IPv4 and IPv6 rule counts of one direction of a group: its inline rules and its separate rules (plus one about to be added). */
function ruleCounts(ctx: RuleContext, sg: CloudObject, direction: "ingress" | "egress", adding?: CloudObject): { v4: number; v6: number } {
  const n = { v4: 0, v6: 0 };
  for (const r of (Array.isArray(sg.inputs[direction]) ? sg.inputs[direction] : []) as Array<Record<string, unknown>>) {
    const groups = len(r.securityGroups) + (r.self === true ? 1 : 0);
    n.v4 += len(r.cidrBlocks) + groups + PREFIX_LIST_ENTRIES * len(r.prefixListIds);
    n.v6 += len(r.ipv6CidrBlocks) + groups;
  }
  const type = direction === "ingress" ? T.sgIngress : T.sgEgress;
  const separate = live(ctx, type).filter((r) => (r.references.securityGroupId ?? []).includes(sg.key) && r.key !== adding?.key);
  for (const r of adding && adding.type === type ? [...separate, adding] : separate) {
    const group = r.inputs.referencedSecurityGroupId !== undefined ? 1 : 0;
    n.v4 += (r.inputs.cidrIpv4 !== undefined ? 1 : 0) + group + (r.inputs.prefixListId !== undefined ? PREFIX_LIST_ENTRIES : 0);
    n.v6 += (r.inputs.cidrIpv6 !== undefined ? 1 : 0) + group;
  }
  return n;
}

/** A managed prefix list counts as its maximum entries; the one Freehold names, CloudFront's origin-facing list, has 55 (IPv4). */
const PREFIX_LIST_ENTRIES = 55;
const RULES_PER_GROUP = 60;

/** RulesPerSecurityGroupLimitExceeded: 60 rules per direction and family. */
function ruleQuota(ctx: RuleContext, sg: CloudObject, adding?: CloudObject): string | undefined {
  for (const direction of ["ingress", "egress"] as const) {
    const n = ruleCounts(ctx, sg, direction, adding);
    for (const [family, count] of [["IPv4", n.v4], ["IPv6", n.v6]] as const) {
      if (count > RULES_PER_GROUP) {
        return `RulesPerSecurityGroupLimitExceeded: ${count} ${direction === "ingress" ? "inbound" : "outbound"} ${family} rules in ${sg.name ?? "the group"} (a prefix list counts as its maximum entries); at most ${RULES_PER_GROUP} per group by default [${DOC.vpcQuotas}]`;
      }
    }
  }
  return undefined;
}

/** Does a rule (inline or separate) open this TCP port? */
function opensPort(rule: Record<string, unknown>, port: number): boolean {
  const proto = str(rule.protocol ?? rule.ipProtocol);
  if (proto === "-1" || proto === "all") return true;
  return Number(rule.fromPort) <= port && port <= Number(rule.toPort);
}

/** Container ports a service's load balancer sends to (the ones its tasks serve on now). */
function servingPorts(svc: CloudObject): number[] {
  return ((svc.inputs.loadBalancers as Array<{ containerPort?: number }> | undefined) ?? []).map((l) => Number(l.containerPort));
}

/** Ports a service's previous tasks still serve on while its deployment runs: unless `up` waited for the deployment (waitForSteadyState), until the next run. */
function drainingPorts(svc: CloudObject, ctx: RuleContext): number[] {
  const d = svc.facts.draining as { ports: number[]; at: number } | undefined;
  return d && d.at === ctx.now ? d.ports : [];
}

/** Services whose tasks sit in this security group. */
const servicesIn = (ctx: RuleContext, sgKey: string) => live(ctx, T.service).filter((s) => (s.references.networkConfiguration ?? []).includes(sgKey));

/** Services reached through a load balancer that uses this security group. */
function servicesBehind(ctx: RuleContext, sgKey: string): CloudObject[] {
  const lbs = live(ctx, T.lb).filter((l) => (l.references.securityGroups ?? []).includes(sgKey)).map((l) => l.key);
  const tgs = live(ctx, T.listener)
    .filter((l) => (l.references.loadBalancerArn ?? []).some((k) => lbs.includes(k)))
    .flatMap((l) => l.references.defaultActions ?? []);
  return live(ctx, T.service).filter((s) => (s.references.loadBalancers ?? []).some((k) => tgs.includes(k)));
}

const OUTAGE = "an outage the change did not ask for";

/** An inline rule change on a group must leave open every port its services' tasks (or their load balancers) serve on. */
function portsStillServed(ctx: RuleContext, previous: CloudObject, next: CloudObject): string | undefined {
  for (const [direction, services] of [["ingress", servicesIn(ctx, next.key)], ["egress", servicesBehind(ctx, next.key)]] as const) {
    const before = (Array.isArray(previous.inputs[direction]) ? previous.inputs[direction] : []) as Array<Record<string, unknown>>;
    const after = (Array.isArray(next.inputs[direction]) ? next.inputs[direction] : []) as Array<Record<string, unknown>>;
    for (const svc of services) {
      for (const port of [...servingPorts(svc), ...drainingPorts(svc, ctx)]) {
        if (before.some((r) => opensPort(r, port)) && !after.some((r) => opensPort(r, port))) {
          return `security group ${next.name}: the new ${direction} rules no longer open port ${port}, on which the running tasks of ECS service ${svc.name} serve: their load balancer loses them, and requests get 503 until new tasks on another port are healthy: ${OUTAGE} [${DOC.ecsRollingDeploy}]`;
        }
      }
    }
  }
  return undefined;
}

/** Deleting a separate rule must not cut off tasks still serving on its port (a deployment `up` did not wait for). */
function separateRuleStillServes(ctx: RuleContext, rule: CloudObject, direction: "ingress" | "egress"): string | undefined {
  const sg = rule.references.securityGroupId?.[0];
  if (!sg) return undefined;
  const services = direction === "ingress" ? servicesIn(ctx, sg) : servicesBehind(ctx, sg);
  for (const svc of services) {
    const ports = [...servingPorts(svc), ...drainingPorts(svc, ctx)];
    const port = ports.find((p) => opensPort(rule.inputs, p));
    if (port === undefined) continue;
    const others = live(ctx, rule.type).filter((r) => r.key !== rule.key && (r.references.securityGroupId ?? []).includes(sg) && opensPort(r.inputs, port));
    if (others.length) continue;
    return `deleting the ${direction} rule for port ${port} while ECS service ${svc.name} still has tasks serving on it (its deployment was not waited for: waitForSteadyState): the load balancer loses them: ${OUTAGE} [${DOC.ecsRollingDeploy}]`;
  }
  return undefined;
}

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
      `the load balancer's container must be in the task definition with that port, and each target group must already forward for a load balancer ([source](${DOC.ecsService}))`,
      `its load balancers (target group and container port) change in place, by a new deployment ([source](${DOC.ecsUpdateService}))`,
      `its tasks pull secrets and images as the execution role and act as the task role as soon as they start: a policy put on either role less than 10 s before fails them (IAM is eventually consistent) ([source](${DOC.iamConsistency}))`,
      `a deployment replaces tasks gradually: until it finishes, the previous tasks still serve on the previous container port; without \`waitForSteadyState\` the update returns at once, and whatever the run deletes afterwards goes from under them ([source](${DOC.ecsRollingDeploy}))`,
    ],
    beforeCreate: (obj, ctx) => serviceProblems(obj, ctx) ?? grantsSettled(obj, ctx),
    beforeUpdate: (obj, _prev, ctx) => serviceProblems(obj, ctx) ?? grantsSettled(obj, ctx),
    afterUpdate: (next, previous, ctx) => {
      const gone = servingPorts(previous).filter((p) => !servingPorts(next).includes(p));
      if (gone.length && next.inputs.waitForSteadyState !== true) next.facts = { ...next.facts, draining: { ports: gone, at: ctx.now } };
    },
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
  [T.lambdaFn]: {
    title: "Lambda function",
    source: DOC.lambdaCreate,
    identity: { field: "name", scope: "region", source: DOC.lambdaCreate },
    checks: [
      nameCheck("name", 1, 64, /^[A-Za-z0-9_-]+$/, DOC.lambdaCreate),
      { path: "timeout", source: DOC.lambdaCreate, test: (v) => (v !== undefined && (Number(v) < 1 || Number(v) > 900) ? `${str(v)} s is outside 1-900` : undefined) },
      { path: "memorySize", source: DOC.lambdaCreate, test: (v) => (v !== undefined && (Number(v) < 128 || Number(v) > 10240) ? `${str(v)} MB is outside 128-10240` : undefined) },
      {
        path: "runtime",
        source: DOC.lambdaRuntimes,
        // Runtimes Lambda no longer lets anyone create a function with (Node.js 20 and older).
        test: (v) => (/^nodejs(1\d|20)\.x$/.test(str(v)) ? `InvalidParameterValueException: The runtime parameter of ${str(v)} is no longer supported for creating or updating AWS Lambda functions` : undefined),
      },
    ],
    replaceOn: forceNew("lambda", "function.go", "name", "packageType"),
    notes: [`a runtime past its deprecation can no longer be used to create or update a function (Node.js 20 and older) ([source](${DOC.lambdaRuntimes}))`],
  },
  [T.invocation]: {
    title: "Lambda invocation (the provider's RequestResponse call, no AWS object)",
    source: DOC.lambdaInvocation,
    // CREATE_ONLY (the default): a new input, function, qualifier or trigger invokes the function again, as a replacement.
    replaceOn: [...forceNew("lambda", "invocation.go", "functionName", "qualifier", "triggers"), { path: "input", source: `${TF}/lambda/invocation.go` }],
    notes: [
      `invokes the function when created or replaced, and fails when the function returns an error (the up fails) ([source](${DOC.lambdaInvocation}))`,
      `a function that starts an ECS task relies on its role's and the task's grants: started less than 10 s after one of their policies changed, it can be refused ([source](${DOC.iamConsistency}))`,
    ],
    beforeCreate: (obj, ctx) => invocationGrantsSettled(obj, ctx),
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

/** CreateService/UpdateService: each target group forwards for a load balancer; the load balancer's container and port are in the task definition. */
function serviceProblems(obj: CloudObject, ctx: RuleContext): string | undefined {
  for (const tg of refs(ctx, obj, "loadBalancers").filter((o) => o.type === T.tg)) {
    if (!live(ctx, T.listener).some((l) => (l.references.defaultActions ?? []).includes(tg.key))) {
      return `InvalidParameterException: The target group with targetGroupArn ${tg.name} does not have an associated load balancer. [${DOC.ecsService}]`;
    }
  }
  const unreachable = unreachableTasks(obj, ctx);
  if (unreachable) return unreachable;
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

/** An IPv4 CIDR as [network, mask] numbers. */
function cidr4(c: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(c);
  if (!m) return undefined;
  const bits = Number(m[5]);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0 & mask, mask];
}

/** Is block `inner` inside block `outer`? */
function cidrWithin(inner: string, outer: string): boolean {
  const a = cidr4(inner);
  const b = cidr4(outer);
  return Boolean(a && b && a[1] >>> 0 >= b[1] >>> 0 && ((a[0] & b[1]) >>> 0) === b[0]);
}

/**
 * The load balancer must reach the service's tasks on their port: its group's
 * egress names the tasks' group, or covers the address block of every subnet the
 * tasks run in. Otherwise every health check fails and the service never serves.
 */
function unreachableTasks(svc: CloudObject, ctx: RuleContext): string | undefined {
  const port = servingPorts(svc)[0];
  if (port === undefined) return undefined;
  const taskGroups = refs(ctx, svc, "networkConfiguration").filter((o) => o.type === T.sg).map((g) => g.key);
  const subnets = targets(ctx, svc, "networkConfiguration.subnets").filter((o) => o.type === T.subnet);
  for (const tg of refs(ctx, svc, "loadBalancers").filter((o) => o.type === T.tg)) {
    const lbs = live(ctx, T.listener).filter((l) => (l.references.defaultActions ?? []).includes(tg.key)).flatMap((l) => refs(ctx, l, "loadBalancerArn"));
    for (const group of lbs.flatMap((l) => refs(ctx, l, "securityGroups"))) {
      const inline = ((Array.isArray(group.inputs.egress) ? group.inputs.egress : []) as Array<Record<string, unknown>>).filter((r) => opensPort(r, port));
      const separate = live(ctx, T.sgEgress).filter((r) => (r.references.securityGroupId ?? []).includes(group.key) && opensPort(r.inputs, port));
      const named = [...(inline.length ? refs(ctx, group, "egress") : []), ...separate.flatMap((r) => refs(ctx, r, "referencedSecurityGroupId"))];
      if (named.some((g) => taskGroups.includes(g.key))) continue;
      const blocks = [...inline.flatMap((r) => (Array.isArray(r.cidrBlocks) ? (r.cidrBlocks as string[]) : [])), ...separate.map((r) => str(r.inputs.cidrIpv4)).filter(Boolean)];
      const outside = subnets.filter((sn) => typeof sn.inputs.cidrBlock === "string" && !blocks.some((b) => cidrWithin(sn.inputs.cidrBlock as string, b)));
      if (outside.length) {
        return `ECS service ${svc.name}: its load balancer's security group ${group.name} lets traffic out on port ${port} only to ${blocks.join(", ") || "nowhere"}, but tasks run in ${outside.map((sn) => `${str(sn.facts.id ?? sn.name)} (${str(sn.inputs.cidrBlock)})`).join(", ")}: every health check fails and the service never serves [${DOC.ecsAlb}]`;
      }
    }
  }
  return undefined;
}

/** A service starts tasks as its task definition's roles: every policy on them must have had time to take effect. */
function grantsSettled(obj: CloudObject, ctx: RuleContext): string | undefined {
  const task = refs(ctx, obj, "taskDefinition")[0];
  if (!task) return undefined;
  return pendingGrants(ctx, obj, taskRoles(task), `ECS service ${obj.name} starts tasks`, "the first tasks can fail to pull their secrets or reach their bucket");
}

const taskRoles = (task: CloudObject) => [...(task.references.executionRoleArn ?? []), ...(task.references.taskRoleArn ?? [])];

/** A start that relies on policies of these roles, less than IAM's propagation time after one of them changed. */
function pendingGrants(ctx: RuleContext, obj: CloudObject, roles: string[], what: string, consequence: string): string | undefined {
  const start = Number(obj.facts.changedAt ?? 0);
  const pending = live(ctx, T.rolePolicy).filter((p) => (p.references.role ?? []).some((r) => roles.includes(r)) && start - Number(p.facts.changedAt ?? 0) < IAM_SECONDS);
  if (!pending.length) return undefined;
  return `${what} ${Math.round(start - Math.max(...pending.map((p) => Number(p.facts.changedAt ?? 0))))} s after the policies ${pending.map((p) => str(p.inputs.name)).join(", ")} were put on its roles; IAM changes are eventually consistent, so ${consequence}. Wait for the grants (a time:Sleep between them) [${DOC.iamConsistency}]`;
}

/** A Lambda invocation that runs an ECS task: the function's role and the task's roles must have their grants in effect. */
function invocationGrantsSettled(obj: CloudObject, ctx: RuleContext): string | undefined {
  const fns = refs(ctx, obj, "functionName").filter((o) => o.type === T.lambdaFn);
  const tasks = refs(ctx, obj, "input").filter((o) => o.type === T.taskDef);
  const roles = [...fns.flatMap((f) => f.references.role ?? []), ...tasks.flatMap(taskRoles)];
  return pendingGrants(ctx, obj, roles, `the Lambda invocation ${obj.key} runs its function (and the function its task)`, "the function can be refused ecs:RunTask or the task its secrets, and the up fails");
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
    notes: [
      `its subnets must be in at least two Availability Zones ([source](${DOC.elbCreate}))`,
      `turning access logs on checks the bucket at once: it must be in the load balancer's region, SSE-S3 encrypted, with a policy letting the region's Elastic Load Balancing account put objects, or the call fails (Access Denied for bucket) ([source](${DOC.elbAccessLogs}))`,
    ],
    // Subnets of an existing network (literal ids) are not in the simulated world: only subnets Freehold made are checked.
    beforeCreate: (obj, ctx) =>
      refs(ctx, obj, "subnets").length && zonesOf(ctx, obj, "subnets").size < 2 ? `ValidationError: At least two subnets in two different Availability Zones must be specified [${DOC.elbCreate}]` : accessLogProblem(obj, ctx),
    beforeUpdate: (obj, _previous, ctx) => accessLogProblem(obj, ctx),
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
    notes: [`a target group forwards for one load balancer: a listener of a second load balancer that forwards to it is refused (TargetGroupAssociationLimit) ([source](${DOC.elbTgGuide}), [source](${DOC.elbListener}))`],
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
    notes: [
      `moving a listener to a target group in which no task is registered yet (ECS registers a service's tasks only once the service names the group) answers every request with 503 until they are: an outage the change did not ask for ([source](${DOC.ecsAlb}))`,
    ],
    beforeCreate: (obj, ctx) => targetGroupsElsewhere(ctx, obj),
    beforeUpdate: (next, previous, ctx) => targetGroupsElsewhere(ctx, next) ?? emptyTargetGroup(ctx, previous, next),
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
    notes: [`its load balancer's VPC must have an internet gateway attached (no route to it is needed) ([source](${DOC.cfVpcOrigins}))`],
    beforeCreate: (obj, ctx) => {
      const vpcs = targets(ctx, obj, "vpcOriginEndpointConfig.arn")
        .filter((o) => o.type === T.lb)
        .flatMap((lb) => targets(ctx, lb, "subnets").filter((o) => o.type === T.subnet))
        .flatMap((subnet) => targets(ctx, subnet, "vpcId").filter((o) => o.type === T.vpc));
      const without = [...new Set(vpcs)].filter((v) => !live(ctx, T.igw).some((g) => targets(ctx, g, "vpcId").includes(v)));
      return without.length
        ? `CloudFront cannot create the VPC origin: the VPC ${without.map((v) => str(v.facts.id ?? v.name ?? v.key)).join(", ")} of its load balancer has no internet gateway attached, which VPC origins require [${DOC.cfVpcOrigins}]`
        : undefined;
    },
    inUseBy: [{ by: T.distribution, field: "origins", error: "CannotDeleteEntityWhileInUse: The VPC origin is in use by a distribution", source: DOC.cfVpcOriginDelete }],
  },
  [T.distribution]: {
    title: "CloudFront distribution",
    source: DOC.cfDistribution,
    checks: [textCheck("comment", 128, undefined, DOC.cfDistribution), countCheck("origins", 25, "origins", DOC.cfQuotas)],
    notes: [`standard logging (legacy) to S3 writes through the bucket's ACL: a bucket with ACLs disabled (Object Ownership BucketOwnerEnforced) is refused ([source](${DOC.cfLogs}))`],
    beforeCreate: (obj, ctx) => cdnLogProblem(obj, ctx),
    beforeUpdate: (obj, _previous, ctx) => cdnLogProblem(obj, ctx),
  },
};

/** The target groups a listener forwards to. */
const forwardsTo = (ctx: RuleContext, listener: CloudObject) => refs(ctx, listener, "defaultActions").filter((o) => o.type === T.tg);

/** CreateListener/ModifyListener: a target group already forwarding for another load balancer cannot be used by this one. */
function targetGroupsElsewhere(ctx: RuleContext, listener: CloudObject): string | undefined {
  const lb = listener.references.loadBalancerArn?.[0];
  for (const tg of forwardsTo(ctx, listener)) {
    const other = live(ctx, T.listener).find((l) => l.key !== listener.key && (l.references.defaultActions ?? []).includes(tg.key) && l.references.loadBalancerArn?.[0] !== lb);
    if (other) return `TargetGroupAssociationLimit: The following target groups cannot be associated with more than one load balancer: ${tg.name} (it forwards for another load balancer already) [${DOC.elbListener}]`;
  }
  return undefined;
}

/** A listener moved from a target group with registered tasks to one without any. */
function emptyTargetGroup(ctx: RuleContext, previous: CloudObject, next: CloudObject): string | undefined {
  const registered = (tg: CloudObject) => live(ctx, T.service).some((s) => (s.references.loadBalancers ?? []).includes(tg.key));
  const before = forwardsTo(ctx, previous);
  const after = forwardsTo(ctx, next);
  if (!before.some(registered) || after.some(registered) || !after.length) return undefined;
  return `listener now forwards to target group ${after.map((t) => t.name).join(", ")}, where no task is registered yet (ECS registers the service's tasks there only after the service is updated): every request gets 503 until then: ${OUTAGE} [${DOC.ecsAlb}]`;
}

// ---- web application firewall -------------------------------------------------------------------

/** Web ACL capacity units of the AWS managed rule groups Freehold uses (an IP set reference costs 1). */
const MANAGED_WCU: Record<string, number> = {
  AWSManagedRulesCommonRuleSet: 700,
  AWSManagedRulesKnownBadInputsRuleSet: 200,
  AWSManagedRulesSQLiRuleSet: 200,
  AWSManagedRulesAmazonIpReputationList: 25,
};

/** A WAF resource's scope and where it must live: CLOUDFRONT ones in us-east-1, REGIONAL ones in their resource's region. */
const wafScope = (obj: CloudObject) => `${str(obj.inputs.scope)}:${obj.region}`;
const CLOUDFRONT_WAF_REGION = "us-east-1";
const cloudFrontScoped = (obj: CloudObject) => obj.inputs.scope === "CLOUDFRONT";
const wafRegionCheck: Check = {
  path: "scope",
  source: DOC.wafCloudFront,
  test: (v, obj) => (v === "CLOUDFRONT" && obj.region !== CLOUDFRONT_WAF_REGION ? `WAFInvalidParameterException: a CLOUDFRONT web ACL or IP set is created in ${CLOUDFRONT_WAF_REGION}, not ${obj.region}` : undefined),
};

const firewall: Record<string, TypeRule> = {
  [T.webAcl]: {
    title: "AWS WAF web ACL",
    source: DOC.wafWebAcl,
    identity: { field: "name", scope: wafScope, source: DOC.wafWebAcl },
    checks: [
      nameCheck("name", 1, 128, /^[\w-]+$/, DOC.wafWebAcl),
      wafRegionCheck,
      {
        path: "rules",
        source: DOC.wafCapacity,
        test: (v) => {
          const wcu = (Array.isArray(v) ? v : []).reduce((n: number, r: Record<string, unknown>) => {
            const managed = valueAt(r, "statement.managedRuleGroupStatement.name");
            return n + (typeof managed === "string" ? (MANAGED_WCU[managed] ?? 0) : 1);
          }, 0);
          return wcu > 5000 ? `WAFLimitsExceededException: ${wcu} web ACL capacity units; at most 5,000 (above 1,500 each further 500 is billed)` : undefined;
        },
      },
    ],
    replaceOn: forceNew("wafv2", "web_acl.go", "name", "namePrefix", "scope"),
    inUseBy: [
      { by: T.webAclAssociation, field: "webAclArn", error: "WAFAssociatedItemException: AWS WAF couldn't perform the operation because your resource is being used by another resource", source: DOC.wafDelete },
      { by: T.distribution, field: "webAclId", error: "WAFAssociatedItemException: AWS WAF couldn't perform the operation because your resource is being used by another resource", source: DOC.wafDelete },
    ],
    notes: [
      `a web ACL for CloudFront (scope CLOUDFRONT) lives in us-east-1, whatever the distribution's viewers ([source](${DOC.wafCloudFront}))`,
      `a web ACL has 1,500 capacity units at the base price and at most 5,000; the managed groups Freehold uses take 700 (common), 200 (known bad inputs), 200 (SQL injection) and 25 (IP reputation) ([source](${DOC.wafCapacity}), [source](${DOC.wafManaged}))`,
    ],
  },
  [T.ipSet]: {
    title: "AWS WAF IP set",
    source: DOC.wafIpSet,
    identity: { field: "name", scope: wafScope, source: DOC.wafIpSet },
    checks: [
      nameCheck("name", 1, 128, /^[\w-]+$/, DOC.wafIpSet),
      wafRegionCheck,
      countCheck("addresses", 10000, "addresses", DOC.wafIpSet),
      { path: "addresses[]", source: DOC.wafIpSet, test: (v) => (/\/0$/.test(str(v)) ? `${str(v)}: a range of /0 is not accepted in an IP set` : undefined) },
    ],
    replaceOn: forceNew("wafv2", "ip_set.go", "name", "namePrefix", "scope", "ipAddressVersion"),
    inUseBy: [{ by: T.webAcl, field: "rules", error: "WAFAssociatedItemException: AWS WAF couldn't perform the operation because your resource is being used by another resource", source: DOC.wafIpSet }],
  },
  [T.webAclAssociation]: {
    title: "AWS WAF web ACL association",
    source: DOC.wafAssociate,
    replaceOn: forceNew("wafv2", "web_acl_association.go", "resourceArn", "webAclArn"),
    notes: [`a load balancer has at most one web ACL ([source](${DOC.wafAssociate}))`],
    beforeCreate: (obj, ctx) => {
      const target = obj.references.resourceArn?.[0];
      const other = live(ctx, T.webAclAssociation).find((a) => a.key !== obj.key && a.references.resourceArn?.[0] === target);
      return other ? `WAFUnavailableEntityException: the resource already has a web ACL (${other.key}) [${DOC.wafAssociate}]` : undefined;
    },
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
      // AWS advises against a name ending in a hyphen and six characters (it looks like the ARN's suffix), but does not refuse one.
      nameCheck("name", 1, 512, /^[A-Za-z0-9/_+=.@-]+$/, DOC.secretCreate),
      textCheck("description", 2048, undefined, DOC.secretCreate),
      {
        path: "recoveryWindowInDays",
        source: DOC.secretDelete,
        test: (v) => (v === undefined || Number(v) === 0 || (Number(v) >= 7 && Number(v) <= 30) ? undefined : `${str(v)} is neither 0 (delete at once) nor 7-30 days`),
      },
    ],
    replaceOn: forceNew("secretsmanager", "secret.go", "name", "namePrefix"),
    notes: [
      `a name ending in a hyphen and six characters is allowed, though AWS advises against it: a partial ARN lookup can then match the wrong secret ([source](${DOC.secretCreate}))`,
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
/** Storage optimization after a storage change (a modification or an autoscaling step): no other storage change for six hours. */
const STORAGE_LOCK_SECONDS = 6 * 3600;

/** ModifyDBInstance with a larger AllocatedStorage: at least 10% more, and not within six hours of the last storage change. */
function storageIncreaseProblems(previous: CloudObject, allocated: number, was: number, ctx: RuleContext): string[] {
  const problems: string[] = [];
  if (allocated < was * 1.1) problems.push(`InvalidParameterCombination: the new allocated storage ${allocated} GiB is less than 10% more than the current ${was} GiB; an increase must be at least 10% [${DOC.rdsStorageIncrease}]`);
  const last = Number(previous.facts.storageChangedAt ?? Number.NEGATIVE_INFINITY);
  if (ctx.now - last < STORAGE_LOCK_SECONDS) {
    problems.push(
      `InvalidParameterCombination: You can't currently modify the storage of this DB instance because the previous storage change is being optimized (the last storage change, ${Math.round((ctx.now - last) / 60)} minutes ago, locks storage for six hours or until optimization ends, whichever is longer; the provider retries until its update timeout, then fails) [${DOC.rdsStorageIncrease}]`,
    );
  }
  return problems;
}

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
    const current = Number(previous.inputs.allocatedStorage ?? 0);
    if (allocated < current) problems.push(`InvalidParameterValue: storage cannot be reduced from ${str(previous.inputs.allocatedStorage)} to ${allocated} GiB [${DOC.rdsStorage}]`);
    if (allocated > current) problems.push(...storageIncreaseProblems(previous, allocated, current, ctx));
  }
  return problems.length ? problems.join("; ") : undefined;
}

const rdsInstance: TypeRule = {
  title: "RDS DB instance",
  source: DOC.rdsCreate,
  // A new identifier renames the instance (ModifyDBInstance NewDBInstanceIdentifier); its endpoint changes.
  identity: { field: "identifier", scope: "region", caseInsensitive: true, renamedInPlace: true, source: DOC.rdsRename },
  checks: [
    nameCheck("identifier", 1, 63, /^[a-z][a-z0-9-]*$/, DOC.rdsCreate, (n) => noDoubleHyphen(n) ?? (n.endsWith("-") ? "ends with -" : undefined)),
    nameCheck("finalSnapshotIdentifier", 1, 255, /^[a-z][a-z0-9-]*[a-z0-9]$/, DOC.rdsDelete, noDoubleHyphen),
    nameCheck("dbName", 1, 63, /^[A-Za-z][A-Za-z0-9_]*$/, DOC.rdsCreate),
    nameCheck("username", 1, 63, /^[A-Za-z][A-Za-z0-9_]*$/, DOC.rdsCreate, (n) => (["rdsadmin", "rdsrepladmin"].includes(n.toLowerCase()) ? "is reserved by RDS" : undefined)),
    { path: "allocatedStorage", source: DOC.rdsStorage, test: (v, obj) => (obj.inputs.storageType === "gp3" && (Number(v) < 20 || Number(v) > 65536) ? `${str(v)} GiB is outside gp3's 20-65536` : undefined) },
    { path: "backupRetentionPeriod", source: DOC.rdsCreate, test: (v) => (Number(v) < 0 || Number(v) > 35 ? `${str(v)} days is outside 0-35` : undefined) },
  ],
  replaceOn: forceNew("rds", "instance.go", "dbName", "engine", "storageEncrypted", "kmsKeyId", "username", "availabilityZone", "characterSetName", "timezone"),
  notes: [
    `deleting it takes a final snapshot under \`finalSnapshotIdentifier\` unless \`skipFinalSnapshot\`; the name must not exist already (DBSnapshotAlreadyExists), and a name made from a random value is new for every instance; the snapshot stays until someone deletes it ([source](${DOC.rdsDelete}))`,
    `with \`deleteAutomatedBackups: false\` the automated backups outlive the instance until their retention period ends ([source](https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.Retaining.html))`,
    `without \`applyImmediately\`, class, storage, Multi-AZ, version and parameter group changes wait for the maintenance window ([source](${DOC.rdsModify}))`,
    `the parameter group's family must be the engine's major version; no major downgrade; a major upgrade needs \`allowMajorVersionUpgrade\` ([source](${DOC.rdsMajor}))`,
    `storage can grow, never shrink; the autoscaling ceiling must be at least 10% above the allocation ([source](${DOC.rdsStorage}), [source](${DOC.rdsAutoscaling}))`,
    `a storage increase must add at least 10%, and no storage change is possible for six hours after the last one (an autoscaling step included) or while storage optimization runs; raising the autoscaling ceiling is not a storage change ([source](${DOC.rdsStorageIncrease}), [source](${DOC.rdsAutoscaling}))`,
    `a new \`identifier\` renames the instance in place (its endpoint changes) ([source](${DOC.rdsRename}))`,
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
    // Automated backups kept on deletion (deleteAutomatedBackups false) stay for the retention period, then RDS deletes them.
    if (obj.inputs.deleteAutomatedBackups === false && Number(obj.inputs.backupRetentionPeriod ?? 0) > 0) {
      const days = Number(obj.inputs.backupRetentionPeriod);
      ctx.adopt({ key: `${obj.key}-retained-backups`, cloud: "aws", type: AWS_RETAINED_BACKUPS_TYPE, inputs: { dbInstanceIdentifier: obj.name, retentionDays: days }, references: {}, region: obj.region, status: "soft-deleted", createdAt: ctx.now, deletedAt: ctx.now, reservedUntil: ctx.now + days * 86400, facts: {} });
    }
    const id = snapshotIdentity(obj);
    if (!id) return;
    // The final snapshot outlives the instance, in the account, under its own name.
    const snapshot = str(obj.inputs.finalSnapshotIdentifier);
    ctx.adopt({ key: `${obj.key}-final-snapshot`, cloud: "aws", type: T.snapshot, inputs: { identifier: snapshot }, references: {}, region: obj.region, name: snapshot, identity: id, status: "live", createdAt: ctx.now, facts: {} });
  },
  // Without applyImmediately, RDS queues these for the next maintenance window (ModifyDBInstance, ApplyImmediately).
  afterUpdate: (next, previous, ctx) => {
    if (next.inputs.applyImmediately === true) {
      if (Number(next.inputs.allocatedStorage) !== Number(previous.inputs.allocatedStorage)) next.facts = { ...next.facts, storageChangedAt: ctx.now };
      return;
    }
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

/** Static RDS for PostgreSQL parameters Freehold sets: ModifyDBParameterGroup refuses ApplyMethod immediate for them. */
const STATIC_PARAMETERS = ["rds.logical_replication"];
function staticParameterProblem(v: unknown): string | undefined {
  const bad = ((v ?? []) as Array<{ name?: string; applyMethod?: string }>).filter((p) => STATIC_PARAMETERS.includes(String(p.name)) && (p.applyMethod ?? "immediate") === "immediate");
  return bad.length ? `InvalidParameterCombination: cannot use immediate apply method for static parameter ${bad.map((p) => p.name).join(", ")} (use pending-reboot)` : undefined;
}

const databases: Record<string, TypeRule> = {
  [T.db]: rdsInstance,
  [T.dbParams]: {
    title: "RDS DB parameter group",
    source: DOC.rdsParamCreate,
    identity: { field: "name", scope: "region", caseInsensitive: true, source: DOC.rdsParamCreate },
    checks: [
      nameCheck("name", 1, 255, /^[a-z][a-z0-9-]*[a-z0-9]$/, DOC.rdsParamCreate, noDoubleHyphen),
      textCheck("description", 255, undefined, DOC.rdsParamCreate),
      { path: "parameters", source: DOC.rdsParamModify, test: staticParameterProblem },
    ],
    replaceOn: forceNew("rds", "parameter_group.go", "name", "family", "description"),
    notes: [
      `\`rds.logical_replication = 1\` sets wal_level to logical; it is a static parameter, so it takes applyMethod pending-reboot (immediate is refused) and an instance already running keeps its wal_level until it is rebooted ([source](${DOC.rdsLogical}); [apply methods](${DOC.rdsParamModify}))`,
      `a role that manages logical slots and streams from them needs rds_replication (with rds_superuser to switch replication on); rds_superuser members, the master user among them, may grant and revoke rds_replication to roles without rds_superuser: Freehold's role job grants it to the master user with \`replication: logical\` where it does not already replicate, and revokes that grant with \`off\` ([source](${DOC.rdsLogical}); [rds_superuser](${DOC.rdsSuperuser}))`,
      `from PostgreSQL 16 a non-superuser needs pg_create_subscription (and CREATE on the database) to CREATE SUBSCRIPTION: the role job grants it to the master user with \`replication: logical\` where it may, and warns where it may not ([source](${DOC.pgSubscriptionRole}))`,
    ],
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

/** The live bucket of a name, and whether a live configuration of `type` points at it. */
function bucketNamed(ctx: RuleContext, name: string): CloudObject | undefined {
  return live(ctx, T.bucket).find((b) => b.inputs.bucket === name || b.name === name);
}
const configured = (ctx: RuleContext, bucket: CloudObject, type: string) => live(ctx, type).filter((c) => c.references.bucket?.includes(bucket.key));

/** A load balancer's access logs: the bucket must exist in its region with a policy for Elastic Load Balancing before logging is turned on. */
function accessLogProblem(obj: CloudObject, ctx: RuleContext): string | undefined {
  const logs = obj.inputs.accessLogs as { bucket?: string; enabled?: boolean } | undefined;
  if (!logs?.enabled || !logs.bucket) return undefined;
  const bucket = bucketNamed(ctx, logs.bucket);
  // A bucket the stack did not make (a literal name) is the user's to prepare.
  if (!bucket && !obj.references.accessLogs?.length) return undefined;
  const denied = `InvalidConfigurationRequest: Access Denied for bucket: ${logs.bucket}. Please check S3bucket permission [${DOC.elbAccessLogs}]`;
  if (!bucket) return denied;
  if (bucket.region !== obj.region) return `InvalidConfigurationRequest: The bucket ${logs.bucket} is not in the load balancer's region ${obj.region} [${DOC.elbAccessLogs}]`;
  const policies = configured(ctx, bucket, T.bucketPolicy);
  return policies.some((p) => str(p.inputs.policy).includes("s3:PutObject") && str(p.inputs.policy).includes(":root")) ? undefined : denied;
}

/** CloudFront's standard logs: the bucket (named by its domain) must have ACLs enabled. */
function cdnLogProblem(obj: CloudObject, ctx: RuleContext): string | undefined {
  const logging = obj.inputs.loggingConfig as { bucket?: string } | undefined;
  if (!logging?.bucket) return undefined;
  const bucket = bucketNamed(ctx, logging.bucket.replace(/\.s3(\.[a-z0-9-]+)?\.amazonaws\.com$/, ""));
  if (!bucket) return undefined;
  const ownership = configured(ctx, bucket, T.bucketOwnership)[0];
  const rule = (ownership?.inputs.rule as { objectOwnership?: string } | undefined)?.objectOwnership ?? "BucketOwnerEnforced";
  return rule === "BucketOwnerEnforced" ? `InvalidArgument: The S3 bucket that you specified for CloudFront logs does not enable ACL access: ${bucket.name ?? logging.bucket} [${DOC.cfLogs}]` : undefined;
}

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

const stackRegion = sameRegion(GLOBAL_TYPES, DOC.regions);

export const AWS_RULES: CloudRules = {
  cloud: "aws",
  packages: ["aws"],
  globalTypes: GLOBAL_TYPES,
  companions: COMPANIONS,
  // pulumi-aws is bridged from terraform-provider-aws: on a replacement its Diff asks for delete-before-replace whenever
  // the program set an auto-named property, even when the new name differs (pulumi-terraform-bridge pkg/tfbridge/schema.go
  // nameRequiresDeleteBeforeReplace). pulumi-aws auto-names every input called `name` (provider/autonaming.go
  // setAutonaming) and an S3 bucket's `bucket` (provider/resources.go AutoNameTransform("bucket", 63, lowercase)).
  // An RDS instance's `identifier` is not listed: a new identifier renames it in place, and its other replacements keep
  // the identifier, which deletes first anyway (the engine's same-name rule).
  bridge: {
    autoNamed: { [T.bucket]: ["bucket"] },
    // The region argument every regional resource takes since provider 6.0 (Enhanced Region Support) forces a new resource
    // when it changes: the provider wraps every SDKv2 resource's CustomizeDiff with forceNewIfRegionChanges
    // (internal/provider/sdkv2/region.go: `d.ForceNew(names.AttrRegion)` once the resource exists and `region` changes,
    // except between unset and the provider's own region, which names the same region).
    regionForcesNew: "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/provider/sdkv2/region.go (forceNewIfRegionChanges); https://hashicorp.github.io/terraform-provider-aws/enhanced-region-support",
    source: "https://github.com/pulumi/pulumi-terraform-bridge/blob/master/pkg/tfbridge/schema.go (nameRequiresDeleteBeforeReplace); https://github.com/pulumi/pulumi-aws/blob/master/provider/autonaming.go",
  },
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
    {
      title: "every regional resource in the stack's region (its own `region` argument, else its provider's); a CLOUDFRONT-scope WAF resource in us-east-1, as AWS requires",
      source: DOC.regions,
      check: (obj, ctx) => (cloudFrontScoped(obj) && obj.type.startsWith("aws:wafv2/") ? undefined : stackRegion.check?.(obj, ctx)),
    },
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
  types: { ...networking, ...containers, ...edge, ...firewall, ...identity, ...databases, ...storage, ...AWS_WORKLOAD_RULES },
};

/** Deletion of an instance records its final snapshot: the world adopts objects a rule makes. */
export const AWS_SNAPSHOT_TYPE = T.snapshot;
/** The automated backups RDS keeps after deleting an instance (deleteAutomatedBackups false), until their retention period ends. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.Retaining.html */
export const AWS_RETAINED_BACKUPS_TYPE = "aws:rds/retainedAutomatedBackup:RetainedAutomatedBackup";
/** The AWS resource types the rule book covers (a test checks the backend sends no other). */
export const AWS_TYPES: readonly string[] = Object.keys(AWS_RULES.types);

/**
 * The CloudWatch Logs vended-log delivery actions a Step Functions state machine needs to log its executions,
 * as its caller and as its role. AWS gives them no resource-level permission, so `Resource: "*"` is the only
 * form they accept (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy).
 */
export const AWS_LOG_DELIVERY_ACTIONS = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
] as const;
