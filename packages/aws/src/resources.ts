/**
 * The AWS children of each Freehold component, by role: what `resources` holds
 * on AWS, typed, so that a program can reach (and, with Pulumi, extend) them
 * without a cast.
 */
import type * as acm from "@pulumi/aws/acm";
import type * as appautoscaling from "@pulumi/aws/appautoscaling";
import type * as cloudfront from "@pulumi/aws/cloudfront";
import type * as cloudwatch from "@pulumi/aws/cloudwatch";
import type * as ec2 from "@pulumi/aws/ec2";
import type * as ecs from "@pulumi/aws/ecs";
import type * as iam from "@pulumi/aws/iam";
import type * as lb from "@pulumi/aws/lb";
import type * as rds from "@pulumi/aws/rds";
import type * as s3 from "@pulumi/aws/s3";
import type * as scheduler from "@pulumi/aws/scheduler";
import type * as secretsmanager from "@pulumi/aws/secretsmanager";
import type * as sfn from "@pulumi/aws/sfn";
import type * as vpc from "@pulumi/aws/vpc";
import type * as wafv2 from "@pulumi/aws/wafv2";
import type * as pulumi from "@pulumi/pulumi";
import type * as random from "@pulumi/random";
import type * as time from "@pulumiverse/time";

/** A WebService on AWS. Per link, `<link>Secret` (iam.RolePolicy, a database), `<link>Ingress` (vpc.SecurityGroupIngressRule, a database) and `<link>Access` (iam.RolePolicy, a bucket). */
export interface WebServiceResources {
  logGroup: cloudwatch.LogGroup;
  executionRole: iam.Role;
  taskRole: iam.Role;
  executionPolicy: iam.RolePolicy;
  taskDefinition: ecs.TaskDefinition;
  loadBalancerSecurityGroup: ec2.SecurityGroup;
  loadBalancer: lb.LoadBalancer;
  targetGroup: lb.TargetGroup;
  httpListener: lb.Listener;
  securityGroup: ec2.SecurityGroup;
  /** The container port from the load balancer (named by the port). */
  taskIngress: vpc.SecurityGroupIngressRule;
  /** The load balancer to the tasks on the container port. */
  loadBalancerEgress: vpc.SecurityGroupEgressRule;
  iamPropagation: time.Sleep;
  service: ecs.Service;
  /** With `domain`. */
  certificate?: acm.Certificate;
  certificateValidation?: acm.CertificateValidation;
  httpsListener?: lb.Listener;
  /** Public without `domain`. */
  vpcOrigin?: cloudfront.VpcOrigin;
  distribution?: cloudfront.Distribution;
  /** With `registry`. */
  registrySecret?: secretsmanager.Secret;
  registrySecretValue?: secretsmanager.SecretVersion;
  registryAccess?: iam.RolePolicy;
  /** With ipAllowList or webApplicationFirewall: the web ACL, its IP sets (one per address family) and, with a domain, its association with the load balancer. */
  webAcl?: wafv2.WebAcl;
  allowListV4?: wafv2.IpSet;
  allowListV6?: wafv2.IpSet;
  webAclAssociation?: wafv2.WebAclAssociation;
  /** With scaling.max above scaling.min. */
  scalingTarget?: appautoscaling.Target;
  scalingPolicy?: appautoscaling.Policy;
  [linkRole: string]: pulumi.Resource | undefined;
}

/** What every task-running component (worker, scheduled job) has on AWS: the task, its roles and grants, its security group. Per link, `<link>Secret`, `<link>Ingress` and `<link>Access`, as on a web service. */
interface TaskResources {
  logGroup: cloudwatch.LogGroup;
  executionRole: iam.Role;
  taskRole: iam.Role;
  executionPolicy: iam.RolePolicy;
  taskDefinition: ecs.TaskDefinition;
  /** Admits nothing: egress only. */
  securityGroup: ec2.SecurityGroup;
  iamPropagation: time.Sleep;
  /** With `registry`. */
  registrySecret?: secretsmanager.Secret;
  registrySecretValue?: secretsmanager.SecretVersion;
  registryAccess?: iam.RolePolicy;
  [linkRole: string]: pulumi.Resource | undefined;
}

/** A Worker on AWS: an ECS service with no load balancer. */
export interface WorkerResources extends TaskResources {
  service: ecs.Service;
  /** With scaling.max above scaling.min. */
  scalingTarget?: appautoscaling.Target;
  scalingPolicy?: appautoscaling.Policy;
}

/** A ScheduledJob on AWS: an EventBridge Scheduler schedule starting a Step Functions state machine that runs the task. */
export interface ScheduledJobResources extends TaskResources {
  stateMachineRole: iam.Role;
  stateMachinePolicy: iam.RolePolicy;
  stateMachineLogs: cloudwatch.LogGroup;
  stateMachine: sfn.StateMachine;
  schedulerRole: iam.Role;
  schedulerPolicy: iam.RolePolicy;
  schedule: scheduler.Schedule;
}

/** A Database on AWS. */
export interface DatabaseResources {
  securityGroup: ec2.SecurityGroup;
  parameterGroup: rds.ParameterGroup;
  logGroup: cloudwatch.LogGroup;
  upgradeLogGroup: cloudwatch.LogGroup;
  /** With backups.keepOnDelete. */
  finalSnapshotId?: random.RandomId;
  instance: rds.Instance;
  subnetGroup: rds.SubnetGroup;
  appPassword: random.RandomPassword;
  appSecret: secretsmanager.Secret;
  appSecretValue: secretsmanager.SecretVersion;
  readerPassword: random.RandomPassword;
  readerSecret: secretsmanager.Secret;
  readerSecretValue: secretsmanager.SecretVersion;
  [role: string]: pulumi.Resource | undefined;
}

/** An ObjectStore on AWS. */
export interface ObjectStoreResources {
  bucket: s3.Bucket;
  publicAccessBlock: s3.BucketPublicAccessBlock;
  ownershipControls: s3.BucketOwnershipControls;
  encryption: s3.BucketServerSideEncryptionConfiguration;
  versioning: s3.BucketVersioning;
  lifecycle: s3.BucketLifecycleConfiguration;
  policy: s3.BucketPolicy;
  /** With CORS rules. */
  cors?: s3.BucketCorsConfiguration;
  [role: string]: pulumi.Resource | undefined;
}

/** The shared platform on AWS, as far as the stack has needed it (none of the network with `network.aws`). */
export interface PlatformResources {
  vpc?: ec2.Vpc;
  "private-a"?: ec2.Subnet;
  "private-b"?: ec2.Subnet;
  dbSubnetGroup?: rds.SubnetGroup;
  cluster?: ecs.Cluster;
  igw?: ec2.InternetGateway;
  "public-a"?: ec2.Subnet;
  "public-b"?: ec2.Subnet;
  publicRt?: ec2.RouteTable;
  eip?: ec2.Eip;
  nat?: ec2.NatGateway;
  privateRt?: ec2.RouteTable;
  s3Endpoint?: ec2.VpcEndpoint;
  [role: string]: pulumi.Resource | undefined;
}


/** The roles that are set, as the component's `resources` record. */
export function definedOnly(resources: Record<string, pulumi.Resource | undefined>): Record<string, pulumi.Resource> {
  return Object.fromEntries(Object.entries(resources).filter((e): e is [string, pulumi.Resource] => e[1] !== undefined));
}
