/**
 * Mock outputs for every AWS resource type the backend creates, and results for
 * the invokes it makes, so that `freehold plan` runs with no credentials.
 * ARNs and endpoints use the resource's own `region` input (every regional
 * resource has one), else the stack's region.
 */
import { createHash } from "node:crypto";
import type { BackendMocks } from "@freehold/core";

export const MOCK_ACCOUNT = "123456789012";
const ACCOUNT = MOCK_ACCOUNT;
let stackRegion = "eu-west-2";
let region = stackRegion;

/** The region mock ARNs and endpoints use (set when a platform is created). */
export function setMockRegion(r: string): void {
  stackRegion = r;
  region = r;
}

const str = (v: unknown, fallback: string) => (typeof v === "string" && v ? v : fallback);
const hex = (s: string) => {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(8, "0");
};

export const mocks: BackendMocks = {
  outputs(type, name, inputs, id) {
    const h = hex(name);
    region = str(inputs.region, stackRegion);
    switch (type) {
      case "aws:ec2/vpc:Vpc":
        return { arn: `arn:aws:ec2:${region}:${ACCOUNT}:vpc/vpc-${h}`, defaultSecurityGroupId: `sg-${h}`, defaultNetworkAclId: `acl-${h}`, mainRouteTableId: `rtb-${h}` };
      case "aws:ec2/subnet:Subnet":
        return { arn: `arn:aws:ec2:${region}:${ACCOUNT}:subnet/subnet-${h}` };
      case "aws:ec2/securityGroup:SecurityGroup":
        return { arn: `arn:aws:ec2:${region}:${ACCOUNT}:security-group/sg-${h}`, ownerId: ACCOUNT };
      case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        return { arn: `arn:aws:ec2:${region}:${ACCOUNT}:security-group-rule/sgr-${h}`, securityGroupRuleId: `sgr-${h}` };
      case "aws:ec2/internetGateway:InternetGateway":
        return { arn: `arn:aws:ec2:${region}:${ACCOUNT}:internet-gateway/igw-${h}` };
      case "aws:ec2/eip:Eip":
        return { allocationId: `eipalloc-${h}`, publicIp: "203.0.113.10" };
      case "aws:ec2/natGateway:NatGateway":
        return { publicIp: "203.0.113.10", privateIp: "10.0.128.10" };
      case "aws:ec2/routeTable:RouteTable":
        return { arn: `arn:aws:ec2:${region}:${ACCOUNT}:route-table/rtb-${h}` };
      case "aws:ec2/vpcEndpoint:VpcEndpoint":
        return { arn: `arn:aws:ec2:${region}:${ACCOUNT}:vpc-endpoint/vpce-${h}`, prefixListId: `pl-${h}` };
      case "aws:ecs/cluster:Cluster":
        return { arn: `arn:aws:ecs:${region}:${ACCOUNT}:cluster/${str(inputs.name, name)}`, name: str(inputs.name, name) };
      case "aws:ecs/taskDefinition:TaskDefinition": {
        const family = str(inputs.family, name);
        return { arn: `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/${family}:1`, arnWithoutRevision: `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/${family}`, revision: 1 };
      }
      case "aws:ecs/service:Service":
        return { arn: `arn:aws:ecs:${region}:${ACCOUNT}:service/${str(inputs.name, name)}`, name: str(inputs.name, name) };
      case "aws:cloudwatch/logGroup:LogGroup":
        return { arn: `arn:aws:logs:${region}:${ACCOUNT}:log-group:${str(inputs.name, name)}` };
      case "aws:iam/role:Role":
        return { arn: `arn:aws:iam::${ACCOUNT}:role/${str(inputs.name, name)}`, name: str(inputs.name, name), uniqueId: `AROA${h.toUpperCase()}` };
      case "aws:lb/loadBalancer:LoadBalancer": {
        const lbName = str(inputs.name, name);
        return {
          arn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:loadbalancer/app/${lbName}/${h}`,
          arnSuffix: `app/${lbName}/${h}`,
          dnsName: `${inputs.internal ? "internal-" : ""}${lbName}-${parseInt(h, 16)}.${region}.elb.amazonaws.com`,
          zoneId: "ZHURV8PSTC4K8",
        };
      }
      case "aws:lb/targetGroup:TargetGroup": {
        const tg = str(inputs.name, name);
        return { arn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:targetgroup/${tg}/${h}`, arnSuffix: `targetgroup/${tg}/${h}` };
      }
      case "aws:lb/listener:Listener":
        return { arn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:listener/app/${name}/${h}` };
      case "aws:acm/certificate:Certificate":
        return {
          arn: `arn:aws:acm:${region}:${ACCOUNT}:certificate/${h}-0000-4000-8000-${h}0000`,
          // Issued: a plan describes the stack once its domain is validated (a real first up reports PENDING_VALIDATION and prints the records).
          status: "ISSUED",
          domainValidationOptions: [{ domainName: inputs.domainName, resourceRecordName: `_${h}.${str(inputs.domainName, "example.com")}.`, resourceRecordType: "CNAME", resourceRecordValue: `_${h}.acm-validations.aws.` }],
        };
      case "aws:acm/certificateValidation:CertificateValidation":
        return { certificateArn: inputs.certificateArn };
      case "aws:cloudfront/vpcOrigin:VpcOrigin":
        return { arn: `arn:aws:cloudfront::${ACCOUNT}:vpcorigin/vo_${h}`, etag: h };
      case "aws:cloudfront/distribution:Distribution":
        return { arn: `arn:aws:cloudfront::${ACCOUNT}:distribution/E${h.toUpperCase()}`, domainName: `d${h}abcdef.cloudfront.net`, hostedZoneId: "Z2FDTNDATAQYW2", status: "Deployed" };
      case "aws:sfn/stateMachine:StateMachine":
        return { arn: `arn:aws:states:${region}:${ACCOUNT}:stateMachine:${str(inputs.name, name)}`, creationDate: "2026-01-01T00:00:00Z", status: "ACTIVE", revisionId: "" };
      case "aws:scheduler/schedule:Schedule":
        return { arn: `arn:aws:scheduler:${region}:${ACCOUNT}:schedule/${str(inputs.groupName, "default")}/${str(inputs.name, name)}` };
      case "aws:appautoscaling/target:Target":
        return { arn: `arn:aws:application-autoscaling:${region}:${ACCOUNT}:scalable-target/${h}` };
      case "aws:appautoscaling/policy:Policy":
        return { arn: `arn:aws:autoscaling:${region}:${ACCOUNT}:scalingPolicy:${h}:resource/ecs/${name}` };
      case "aws:rds/subnetGroup:SubnetGroup":
        return { arn: `arn:aws:rds:${region}:${ACCOUNT}:subgrp:${str(inputs.name, name)}`, name: str(inputs.name, name) };
      case "aws:rds/parameterGroup:ParameterGroup":
        return { arn: `arn:aws:rds:${region}:${ACCOUNT}:pg:${str(inputs.name, name)}`, name: str(inputs.name, name) };
      case "aws:rds/instance:Instance": {
        const identifier = str(inputs.identifier, name);
        const address = `${identifier}.c${h}.${region}.rds.amazonaws.com`;
        return {
          arn: `arn:aws:rds:${region}:${ACCOUNT}:db:${identifier}`,
          address,
          endpoint: `${address}:5432`,
          port: 5432,
          resourceId: `db-${h.toUpperCase()}`,
          masterUserSecrets: [{ secretArn: `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:rds!db-${h}-0000-4000-8000-${h}0000-AbCdEf`, kmsKeyId: `arn:aws:kms:${region}:${ACCOUNT}:key/${h}`, secretStatus: "active" }],
        };
      }
      case "aws:secretsmanager/secret:Secret": {
        const secret = str(inputs.name, name);
        const arn = `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${secret}-${h.slice(0, 6)}`;
        return { id: arn, arn };
      }
      case "aws:secretsmanager/secretVersion:SecretVersion":
        return { versionId: `${h}-0000-4000-8000-${h}0000`.slice(0, 36), versionStages: ["AWSCURRENT"] };
      case "aws:wafv2/webAcl:WebAcl":
      case "aws:wafv2/ipSet:IpSet": {
        const scope = inputs.scope === "CLOUDFRONT" ? "global" : "regional";
        const kind = type === "aws:wafv2/webAcl:WebAcl" ? "webacl" : "ipset";
        return { arn: `arn:aws:wafv2:${region}:${ACCOUNT}:${scope}/${kind}/${str(inputs.name, name)}/${h}-0000-4000-8000-${h}0000`, id: `${h}-0000-4000-8000-${h}0000`, lockToken: h };
      }
      case "aws:lambda/function:Function": {
        const fn = str(inputs.name, name);
        return { arn: `arn:aws:lambda:${region}:${ACCOUNT}:function:${fn}`, invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:${ACCOUNT}:function:${fn}/invocations`, version: "$LATEST", qualifiedArn: `arn:aws:lambda:${region}:${ACCOUNT}:function:${fn}:$LATEST` };
      }
      case "aws:lambda/invocation:Invocation":
        return { result: JSON.stringify({ task: `arn:aws:ecs:${region}:${ACCOUNT}:task/${h}`, exitCode: 0 }) };
      case "random:index/randomPassword:RandomPassword":
        // Letters and digits, as the backend asks for: deterministic per resource.
        return { result: `Mock${createHash("sha256").update(name).digest("hex").slice(0, 36)}` };
      case "random:index/randomId:RandomId":
        return { hex: h, b64Std: Buffer.from(h, "hex").toString("base64"), dec: String(parseInt(h, 16)) };
      case "aws:ec2/flowLog:FlowLog":
        return { arn: `arn:aws:ec2:${region}:${ACCOUNT}:vpc-flow-log/fl-${h}` };
      case "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":
        return { arn: `arn:aws:ec2:${region}:${ACCOUNT}:security-group/sg-${h}`, name: "default", ownerId: ACCOUNT };
      case "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl":
        return { arn: `arn:aws:ec2:${region}:${ACCOUNT}:network-acl/acl-${h}`, ownerId: ACCOUNT };
      case "aws:s3/bucket:Bucket": {
        const bucket = str(inputs.bucket, name);
        return { arn: `arn:aws:s3:::${bucket}`, bucket, bucketDomainName: `${bucket}.s3.amazonaws.com`, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`, region };
      }
      default:
        return { id };
    }
  },
  call(token, inputs) {
    const where = str(inputs.region, stackRegion);
    switch (token) {
      case "aws:index/getAvailabilityZones:getAvailabilityZones":
        return { id: where, names: ["a", "b", "c"].map((z) => `${where}${z}`), zoneIds: [1, 2, 3].map((n) => `${ZONE_ID_PREFIX[where] ?? "az"}-az${n}`), groupNames: [where] };
      case "aws:ec2/getVpc:getVpc":
        return { id: inputs.id, arn: `arn:aws:ec2:${where}:${ACCOUNT}:vpc/${str(inputs.id, "vpc")}`, cidrBlock: "10.20.0.0/16", cidrBlockAssociations: [{ associationId: "vpc-cidr-assoc-0a1", cidrBlock: "10.20.0.0/16", state: "associated" }], ownerId: ACCOUNT };
      case "aws:ec2/getManagedPrefixList:getManagedPrefixList":
        return { id: "pl-93a247fa", name: inputs.name, arn: `arn:aws:ec2:${where}:aws:prefix-list/pl-93a247fa`, addressFamily: "IPv4", maxEntries: 55, ownerId: "AWS", entries: [] };
      case "aws:elb/getServiceAccount:getServiceAccount":
        return { id: ELB_ACCOUNT[where] ?? ELB_ACCOUNT["eu-west-2"], arn: `arn:aws:iam::${ELB_ACCOUNT[where] ?? ELB_ACCOUNT["eu-west-2"]}:root` };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { id: ACCOUNT, accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/freehold-plan`, userId: "AIDAMOCKUSER" };
      default:
        return {};
    }
  },
};

/** Zone ID prefixes of the regions Freehold knows (zone IDs are the same in every account). https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html */
const ZONE_ID_PREFIX: Record<string, string> = { "eu-west-2": "euw2", "eu-west-1": "euw1", "eu-central-1": "euc1", "eu-west-3": "euw3", "us-east-1": "use1" };

/** Elastic Load Balancing's log-delivery accounts in the regions Freehold knows (the provider's data source answers from the same table). https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html#attach-bucket-policy */
const ELB_ACCOUNT: Record<string, string> = { "us-east-1": "127311923021", "eu-west-1": "156460612806", "eu-west-2": "652711504416", "eu-central-1": "054676820928", "eu-west-3": "009996457667" };
