/**
 * The stack's own logs, beside the components' (AWS Foundational Security
 * Best Practices: docs/aws.md lists each control):
 *
 * - VPC flow logs of the VPC Freehold makes (EC2.6): rejected traffic, to a
 *   CloudWatch Logs group with the stack's retention, delivered by a role that
 *   may write only there;
 * - the VPC's default security group with no rules at all (EC2.2) and its
 *   default network ACL refusing SSH and RDP from anywhere (EC2.21): Freehold
 *   puts nothing in either, and nothing it runs listens on 22 or 3389;
 * - an S3 bucket for the load balancers' access logs (ELB.5), and, when a
 *   service is behind CloudFront, one for CloudFront's standard logs
 *   (CloudFront.5). CloudFront's standard logging writes through a bucket ACL
 *   (it grants its log-delivery account FULL_CONTROL), so that bucket has ACLs
 *   enabled (BucketOwnerPreferred); the load balancers' bucket has them off.
 *   Both: public access blocked, SSE-S3 (the only encryption either delivery
 *   supports), TLS-only policy, logs deleted after the stack's log retention,
 *   and emptied and deleted with the stack.
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 *   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html
 */
import type { StackContext } from "@freehold/core";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import { getServiceAccountOutput } from "@pulumi/aws/elb/getServiceAccount";
import * as iam from "@pulumi/aws/iam";
import * as s3 from "@pulumi/aws/s3";
import * as pulumi from "@pulumi/pulumi";
import { LOG_RETENTION_DAYS, names } from "./naming";
import { bucketPolicy } from "./object-store";
import { logWriteStatement, serviceTrust } from "./permissions";

/** Where load balancers put their access logs in the bucket: `alb/<component>/AWSLogs/<account>/...`. */
export const ALB_LOG_PREFIX = "alb";

/** The flow log's role: VPC Flow Logs of this account may assume it. https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html */
export function flowLogsTrust(accountId: string, partition: string, region: string): string {
  return serviceTrust("vpc-flow-logs.amazonaws.com", `arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*`, accountId);
}

/** Flow logs (rejected traffic), the bare default security group and the default network ACL of a VPC Freehold made. */
export function guardVpc(ctx: { stack: StackContext; region: string; parent: pulumi.ComponentResource; logical: (role: string) => string; tags: (role: string) => Record<string, string>; identity: () => pulumi.Output<{ accountId: string; partition: string }> }, vpc: ec2.Vpc) {
  const { stack, region } = ctx;
  const opts = { parent: ctx.parent };
  const logGroup = new cloudwatch.LogGroup(ctx.logical("flow-logs"), { name: names.logGroup(stack.prefix, "vpc-flow-logs"), retentionInDays: LOG_RETENTION_DAYS, region, tags: ctx.tags("flow-logs") }, opts);
  const role = new iam.Role(
    ctx.logical("flow-logs-role"),
    { name: names.role(stack.prefix, "vpc", "flow-logs"), description: `Freehold ${stack.prefix}: VPC flow log delivery`, assumeRolePolicy: ctx.identity().apply((id) => flowLogsTrust(id.accountId, id.partition, region)), tags: ctx.tags("flow-logs-role") },
    opts,
  );
  const policy = new iam.RolePolicy(
    ctx.logical("flow-logs-policy"),
    { role: role.name, name: "freehold-flow-logs", policy: logGroup.arn.apply((arn) => JSON.stringify({ Version: "2012-10-17", Statement: [{ ...logWriteStatement(arn), Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"] }] })) },
    opts,
  );
  const flowLog = new ec2.FlowLog(
    ctx.logical("flow-log"),
    { vpcId: vpc.id, trafficType: "REJECT", logDestinationType: "cloud-watch-logs", logDestination: logGroup.arn, iamRoleArn: role.arn, maxAggregationInterval: 600, region, tags: ctx.tags("flow-log") },
    { ...opts, dependsOn: [policy] },
  );
  // Takes over the VPC's default group and removes every rule from it: nothing may use it by accident.
  const defaultSecurityGroup = new ec2.DefaultSecurityGroup(ctx.logical("default-sg"), { vpcId: vpc.id, ingress: [], egress: [], region, tags: ctx.tags("default-sg") }, opts);
  const anywhere = (ruleNo: number, action: "allow" | "deny", port?: number, ipv6 = false) => ({
    ruleNo,
    action,
    protocol: port === undefined ? "-1" : "tcp",
    fromPort: port ?? 0,
    toPort: port ?? 0,
    ...(ipv6 ? { ipv6CidrBlock: "::/0" } : { cidrBlock: "0.0.0.0/0" }),
  });
  const defaultNetworkAcl = new ec2.DefaultNetworkAcl(
    ctx.logical("default-nacl"),
    {
      defaultNetworkAclId: vpc.defaultNetworkAclId,
      ingress: [anywhere(100, "deny", 22), anywhere(101, "deny", 3389), anywhere(102, "deny", 22, true), anywhere(103, "deny", 3389, true), anywhere(200, "allow"), anywhere(201, "allow", undefined, true)],
      egress: [anywhere(100, "allow"), anywhere(101, "allow", undefined, true)],
      region,
      tags: ctx.tags("default-nacl"),
    },
    opts,
  );
  return { flowLogGroup: logGroup, flowLogRole: role, flowLogPolicy: policy, flowLog, defaultSecurityGroup, defaultNetworkAcl };
}

/** A bucket for logs a service delivers: every protection of a Freehold bucket, ACLs only where the delivery needs them, emptied with the stack. */
export function logBucket(
  ctx: { stack: StackContext; region: string; parent: pulumi.ComponentResource; logical: (role: string) => string; tags: (role: string) => Record<string, string> },
  kind: "alb-logs" | "cdn-logs",
  delivery: (bucketArn: string) => pulumi.Output<Array<Record<string, unknown>>>,
) {
  const { stack, region } = ctx;
  const opts = { parent: ctx.parent };
  const role = (r: string) => `${kind}-${r}`;
  const bucket = new s3.Bucket(ctx.logical(kind), { bucket: names.bucket(stack.prefix, `freehold.${kind}`), forceDestroy: true, region, tags: ctx.tags(kind) }, opts);
  const publicAccessBlock = new s3.BucketPublicAccessBlock(ctx.logical(role("public-access-block")), { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, region }, opts);
  const ownership = new s3.BucketOwnershipControls(
    ctx.logical(role("ownership")),
    // CloudFront's standard logging grants itself access through the bucket's ACL; the load balancers' needs no ACL.
    { bucket: bucket.id, rule: { objectOwnership: kind === "cdn-logs" ? "BucketOwnerPreferred" : "BucketOwnerEnforced" }, region },
    opts,
  );
  const encryption = new s3.BucketServerSideEncryptionConfiguration(ctx.logical(role("encryption")), { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }], region }, opts);
  const lifecycle = new s3.BucketLifecycleConfiguration(
    ctx.logical(role("lifecycle")),
    {
      bucket: bucket.id,
      rules: [
        { id: "expire-logs", status: "Enabled", filter: { prefix: "" }, expiration: { days: LOG_RETENTION_DAYS } },
        { id: "abort-incomplete-multipart-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
      ],
      region,
    },
    opts,
  );
  const policy = new s3.BucketPolicy(
    ctx.logical(role("policy")),
    {
      bucket: bucket.id,
      policy: bucket.arn.apply((arn) => delivery(arn).apply((extra) => {
        const base = bucketPolicy(arn, false);
        return JSON.stringify({ ...base, Statement: [...base.Statement, ...extra] });
      })),
      region,
    },
    { ...opts, dependsOn: [publicAccessBlock] },
  );
  return { bucket, resources: { [kind]: bucket, [role("public-access-block")]: publicAccessBlock, [role("ownership")]: ownership, [role("encryption")]: encryption, [role("lifecycle")]: lifecycle, [role("policy")]: policy }, policy, ownership };
}

/** The load balancers' log delivery: the region's Elastic Load Balancing account writes under alb/. https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html#attach-bucket-policy */
export function albLogDelivery(region: string, parent: pulumi.Resource, accountId: pulumi.Output<string>) {
  const elb = getServiceAccountOutput({ region }, { parent });
  return (bucketArn: string): pulumi.Output<Array<Record<string, unknown>>> =>
    pulumi.all([elb.arn, accountId]).apply(([principal, account]): Array<Record<string, unknown>> => [
      { Sid: "ElasticLoadBalancingAccessLogs", Effect: "Allow", Principal: { AWS: principal }, Action: ["s3:PutObject"], Resource: `${bucketArn}/${ALB_LOG_PREFIX}/*/AWSLogs/${account}/*` },
    ]);
}
