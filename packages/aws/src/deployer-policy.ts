import { AWS_LOG_DELIVERY_ACTIONS } from "@freehold/rules";

/**
 * What the identity that runs `pulumi up` must be allowed to do: for each
 * resource type the backend creates and each data source it reads, the AWS API
 * calls the provider makes to create, read, update and delete it (read from the
 * Terraform AWS provider's resource code, which the Pulumi provider is bridged
 * from: https://github.com/hashicorp/terraform-provider-aws/tree/main/internal/service).
 * A read the provider makes and the identity may not (an S3 bucket's
 * accelerate or request-payment configuration, a secret's resource policy)
 * stops `up` or `refresh` with AccessDenied, so every read is listed.
 *
 * `deployerPolicy()` is the IAM policy document published as
 * packages/aws/deployer-policy.json (docs/aws.md, "What the deploying identity
 * needs"); a test checks it against the types every plan registers.
 * Action names: https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */

const TAGS_EC2 = ["ec2:CreateTags", "ec2:DeleteTags"];
const TAGS_ECS = ["ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource"];
const TAGS_ELB = ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", "elasticloadbalancing:DescribeTags"];
const TAGS_RDS = ["rds:AddTagsToResource", "rds:RemoveTagsFromResource", "rds:ListTagsForResource"];
const TAGS_LOGS = ["logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource"];
const TAGS_WAF = ["wafv2:TagResource", "wafv2:UntagResource", "wafv2:ListTagsForResource"];
const TAGS_CF = ["cloudfront:TagResource", "cloudfront:UntagResource", "cloudfront:ListTagsForResource"];
const SG_RULES = ["ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"];
/** Every S3 bucket configuration the provider's bucket read asks for (it stops on AccessDenied). */
const S3_BUCKET_READ = [
  "s3:ListBucket",
  "s3:GetBucketTagging",
  "s3:GetBucketAcl",
  "s3:GetBucketCORS",
  "s3:GetBucketWebsite",
  "s3:GetBucketVersioning",
  "s3:GetAccelerateConfiguration",
  "s3:GetBucketRequestPayment",
  "s3:GetBucketLogging",
  "s3:GetLifecycleConfiguration",
  "s3:GetReplicationConfiguration",
  "s3:GetEncryptionConfiguration",
  "s3:GetBucketObjectLockConfiguration",
  "s3:GetBucketPolicy",
];

/** API calls per resource type, as the provider makes them over a resource's life. */
export const DEPLOYER_ACTIONS: Record<string, readonly string[]> = {
  "aws:ec2/vpc:Vpc": ["ec2:CreateVpc", "ec2:DeleteVpc", "ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:ModifyVpcAttribute", "ec2:DescribeNetworkAcls", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", ...TAGS_EC2],
  "aws:ec2/subnet:Subnet": ["ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:DescribeSubnets", "ec2:ModifySubnetAttribute", "ec2:DescribeNetworkInterfaces", ...TAGS_EC2],
  "aws:ec2/internetGateway:InternetGateway": ["ec2:CreateInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:DeleteInternetGateway", "ec2:DescribeInternetGateways", ...TAGS_EC2],
  "aws:ec2/routeTable:RouteTable": ["ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:DescribeRouteTables", "ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute", ...TAGS_EC2],
  "aws:ec2/routeTableAssociation:RouteTableAssociation": ["ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation", "ec2:DescribeRouteTables"],
  "aws:ec2/eip:Eip": ["ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute", ...TAGS_EC2],
  "aws:ec2/natGateway:NatGateway": ["ec2:CreateNatGateway", "ec2:DeleteNatGateway", "ec2:DescribeNatGateways", ...TAGS_EC2],
  "aws:ec2/vpcEndpoint:VpcEndpoint": ["ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists", ...TAGS_EC2],
  "aws:ec2/securityGroup:SecurityGroup": ["ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces", ...SG_RULES, ...TAGS_EC2],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DescribeSecurityGroupRules", "ec2:ModifySecurityGroupRules", ...TAGS_EC2],
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupEgress", "ec2:DescribeSecurityGroupRules", "ec2:ModifySecurityGroupRules", ...TAGS_EC2],
  "aws:ec2/flowLog:FlowLog": ["ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", "ec2:DescribeFlowLogs", ...TAGS_EC2],
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ["ec2:DescribeSecurityGroups", ...SG_RULES, ...TAGS_EC2],
  "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": ["ec2:DescribeNetworkAcls", "ec2:CreateNetworkAclEntry", "ec2:ReplaceNetworkAclEntry", "ec2:DeleteNetworkAclEntry", ...TAGS_EC2],
  "aws:ecs/cluster:Cluster": ["ecs:CreateCluster", "ecs:UpdateCluster", "ecs:DeleteCluster", "ecs:DescribeClusters", ...TAGS_ECS],
  "aws:ecs/service:Service": ["ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService", "ecs:DescribeServices", ...TAGS_ECS],
  "aws:ecs/taskDefinition:TaskDefinition": ["ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition", ...TAGS_ECS],
  "aws:cloudwatch/logGroup:LogGroup": ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:DescribeLogGroups", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", ...TAGS_LOGS],
  "aws:lambda/function:Function": [
    "lambda:CreateFunction",
    "lambda:GetFunction",
    "lambda:GetFunctionCodeSigningConfig",
    "lambda:ListVersionsByFunction",
    "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration",
    "lambda:DeleteFunction",
    "lambda:TagResource",
    "lambda:UntagResource",
    "lambda:ListTags",
  ],
  "aws:lambda/invocation:Invocation": ["lambda:InvokeFunction"],
  "aws:appautoscaling/target:Target": [
    "application-autoscaling:RegisterScalableTarget",
    "application-autoscaling:DeregisterScalableTarget",
    "application-autoscaling:DescribeScalableTargets",
    "application-autoscaling:TagResource",
    "application-autoscaling:UntagResource",
    "application-autoscaling:ListTagsForResource",
  ],
  "aws:appautoscaling/policy:Policy": ["application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy", "application-autoscaling:DescribeScalingPolicies"],
  "aws:lb/loadBalancer:LoadBalancer": [
    "elasticloadbalancing:CreateLoadBalancer",
    "elasticloadbalancing:DeleteLoadBalancer",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:ModifyLoadBalancerAttributes",
    "elasticloadbalancing:DescribeCapacityReservation",
    "elasticloadbalancing:SetSecurityGroups",
    "elasticloadbalancing:SetSubnets",
    "elasticloadbalancing:SetIpAddressType",
    "ec2:DescribeNetworkInterfaces",
    ...TAGS_ELB,
  ],
  "aws:lb/targetGroup:TargetGroup": [
    "elasticloadbalancing:CreateTargetGroup",
    "elasticloadbalancing:ModifyTargetGroup",
    "elasticloadbalancing:DeleteTargetGroup",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetGroupAttributes",
    "elasticloadbalancing:ModifyTargetGroupAttributes",
    ...TAGS_ELB,
  ],
  "aws:lb/listener:Listener": [
    "elasticloadbalancing:CreateListener",
    "elasticloadbalancing:ModifyListener",
    "elasticloadbalancing:DeleteListener",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeListenerAttributes",
    "elasticloadbalancing:ModifyListenerAttributes",
    ...TAGS_ELB,
  ],
  "aws:acm/certificate:Certificate": ["acm:RequestCertificate", "acm:DescribeCertificate", "acm:DeleteCertificate", "acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate", "acm:ListTagsForCertificate"],
  "aws:acm/certificateValidation:CertificateValidation": ["acm:DescribeCertificate"],
  "aws:cloudfront/vpcOrigin:VpcOrigin": ["cloudfront:CreateVpcOrigin", "cloudfront:GetVpcOrigin", "cloudfront:UpdateVpcOrigin", "cloudfront:DeleteVpcOrigin", "elasticloadbalancing:DescribeLoadBalancers", ...TAGS_CF],
  // Standard logging to S3: CloudFront grants its log delivery through the bucket's ACL as the caller.
  "aws:cloudfront/distribution:Distribution": [
    "cloudfront:CreateDistribution",
    "cloudfront:CreateDistributionWithTags",
    "cloudfront:GetDistribution",
    "cloudfront:UpdateDistribution",
    "cloudfront:DeleteDistribution",
    "s3:GetBucketAcl",
    "s3:PutBucketAcl",
    "wafv2:GetWebACL",
    ...TAGS_CF,
  ],
  "aws:wafv2/webAcl:WebAcl": ["wafv2:CreateWebACL", "wafv2:GetWebACL", "wafv2:UpdateWebACL", "wafv2:DeleteWebACL", "wafv2:GetIPSet", ...TAGS_WAF],
  "aws:wafv2/ipSet:IpSet": ["wafv2:CreateIPSet", "wafv2:GetIPSet", "wafv2:UpdateIPSet", "wafv2:DeleteIPSet", ...TAGS_WAF],
  "aws:wafv2/webAclAssociation:WebAclAssociation": ["wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "wafv2:GetWebACLForResource", "wafv2:GetWebACL", "elasticloadbalancing:SetWebACL"],
  "aws:iam/role:Role": [
    "iam:CreateRole",
    "iam:GetRole",
    "iam:UpdateRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:DeleteRole",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:ListRolePolicies",
    "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole",
    "iam:DeleteRolePolicy",
  ],
  // A scheduled job: EventBridge Scheduler's schedule (in the default group, untagged: the API tags groups, not schedules) and the
  // Step Functions state machine it starts (terraform-provider-aws internal/service/scheduler/schedule.go, internal/service/sfn/state_machine.go).
  "aws:scheduler/schedule:Schedule": ["scheduler:CreateSchedule", "scheduler:GetSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"],
  "aws:sfn/stateMachine:StateMachine": [
    "states:CreateStateMachine",
    "states:DescribeStateMachine",
    "states:UpdateStateMachine",
    "states:DeleteStateMachine",
    "states:ListStateMachineVersions",
    "states:TagResource",
    "states:UntagResource",
    "states:ListTagsForResource",
    // With execution logging on, Step Functions sets up the log delivery as the caller too (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy).
    ...AWS_LOG_DELIVERY_ACTIONS,
  ],
  "aws:iam/rolePolicy:RolePolicy": ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
  "aws:secretsmanager/secret:Secret": [
    "secretsmanager:CreateSecret",
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetResourcePolicy",
    "secretsmanager:UpdateSecret",
    "secretsmanager:DeleteSecret",
    "secretsmanager:TagResource",
    "secretsmanager:UntagResource",
  ],
  "aws:secretsmanager/secretVersion:SecretVersion": ["secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue", "secretsmanager:UpdateSecretVersionStage", "secretsmanager:ListSecretVersionIds", "secretsmanager:DescribeSecret"],
  // The managed master password: RDS creates its secret as the caller.
  "aws:rds/instance:Instance": [
    "rds:CreateDBInstance",
    "rds:ModifyDBInstance",
    "rds:DeleteDBInstance",
    "rds:DescribeDBInstances",
    "rds:DescribeDBInstanceAutomatedBackups",
    "rds:DescribeDBSnapshots",
    "secretsmanager:CreateSecret",
    "secretsmanager:TagResource",
    ...TAGS_RDS,
  ],
  "aws:rds/parameterGroup:ParameterGroup": [
    "rds:CreateDBParameterGroup",
    "rds:ModifyDBParameterGroup",
    "rds:ResetDBParameterGroup",
    "rds:DeleteDBParameterGroup",
    "rds:DescribeDBParameterGroups",
    "rds:DescribeDBParameters",
    ...TAGS_RDS,
  ],
  "aws:rds/subnetGroup:SubnetGroup": ["rds:CreateDBSubnetGroup", "rds:ModifyDBSubnetGroup", "rds:DeleteDBSubnetGroup", "rds:DescribeDBSubnetGroups", ...TAGS_RDS],
  // forceDestroy (an unprotected store, the log buckets) empties the bucket, every version.
  "aws:s3/bucket:Bucket": ["s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketTagging", "s3:ListBucketVersions", "s3:DeleteObject", "s3:DeleteObjectVersion", ...S3_BUCKET_READ],
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ["s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"],
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ["s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls"],
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ["s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration"],
  "aws:s3/bucketVersioning:BucketVersioning": ["s3:PutBucketVersioning", "s3:GetBucketVersioning"],
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ["s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration"],
  "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": ["s3:PutBucketCORS", "s3:GetBucketCORS"],
  "aws:s3/bucketPolicy:BucketPolicy": ["s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"],
};

/** API calls of the data sources the backend reads (getServiceAccount answers from the provider's own table). */
export const DEPLOYER_INVOKE_ACTIONS: Record<string, readonly string[]> = {
  "aws:index/getCallerIdentity:getCallerIdentity": ["sts:GetCallerIdentity"],
  "aws:index/getAvailabilityZones:getAvailabilityZones": ["ec2:DescribeAvailabilityZones"],
  "aws:ec2/getManagedPrefixList:getManagedPrefixList": ["ec2:DescribeManagedPrefixLists", "ec2:GetManagedPrefixListEntries"],
  "aws:ec2/getVpc:getVpc": ["ec2:DescribeVpcs"],
  "aws:elb/getServiceAccount:getServiceAccount": [],
};

/** Providers Freehold uses that call no AWS API (random values, waits). */
export const NO_AWS_CALLS = /^(random|time):/;

/** Services whose roles the backend passes, and the service-linked roles the first use of a service in an account creates. */
const PASSED_TO = ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com", "vpc-flow-logs.amazonaws.com", "scheduler.amazonaws.com", "states.amazonaws.com"];
const SERVICE_LINKED = [
  "ecs.amazonaws.com",
  "elasticloadbalancing.amazonaws.com",
  "rds.amazonaws.com",
  "ecs.application-autoscaling.amazonaws.com",
  "vpcorigin.cloudfront.amazonaws.com",
  "ecs.amazonaws.com",
];

/** An IAM statement. */
export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/**
 * The deploying identity's policy for the given resource and data-source types
 * (every type by default): one statement per service, sorted, exact actions
 * only; `iam:PassRole` only for Freehold's roles (named `<stack>-…`; scope the
 * resource further to your stacks' prefixes) and only to the services that
 * use them.
 */
export function deployerPolicy(types: Iterable<string> = [...Object.keys(DEPLOYER_ACTIONS), ...Object.keys(DEPLOYER_INVOKE_ACTIONS)]): { Version: "2012-10-17"; Statement: PolicyStatement[] } {
  const byService = new Map<string, Set<string>>();
  for (const type of types) {
    const actions = DEPLOYER_ACTIONS[type] ?? DEPLOYER_INVOKE_ACTIONS[type];
    if (!actions) {
      if (NO_AWS_CALLS.test(type) || type.startsWith("freehold:") || type.startsWith("pulumi:")) continue;
      throw new Error(`the deploying identity's policy does not know ${type}: add what the provider calls for it to DEPLOYER_ACTIONS`);
    }
    for (const a of actions) {
      const service = a.split(":")[0] as string;
      if (!byService.has(service)) byService.set(service, new Set());
      byService.get(service)?.add(a);
    }
  }
  const sid = (s: string) => s.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
  const statements: PolicyStatement[] = [...byService.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, actions]) => ({ Sid: sid(service), Effect: "Allow", Action: [...actions].sort(), Resource: "*" }));
  statements.push(
    { Sid: "PassFreeholdRoles", Effect: "Allow", Action: ["iam:PassRole"], Resource: "arn:aws:iam::*:role/*", Condition: { StringEquals: { "iam:PassedToService": PASSED_TO } } },
    { Sid: "ServiceLinkedRoles", Effect: "Allow", Action: ["iam:CreateServiceLinkedRole"], Resource: "*", Condition: { StringEquals: { "iam:AWSServiceName": [...new Set(SERVICE_LINKED)] } } },
  );
  return { Version: "2012-10-17", Statement: statements };
}
