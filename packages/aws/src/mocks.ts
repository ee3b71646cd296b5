/**
 * Mock outputs for every AWS resource type the backend creates, and results for
 * the one invoke it uses, so that `freehold plan` runs with no credentials.
 */
import type { BackendMocks } from "@freehold/core";

const ACCOUNT = "123456789012";
let region = "eu-west-2";

/** The region mock ARNs and endpoints use (set when a platform is created). */
export function setMockRegion(r: string): void {
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
    switch (type) {
      case "aws:ec2/vpc:Vpc":
        return { arn: `arn:aws:ec2:${region}:${ACCOUNT}:vpc/vpc-${h}`, defaultSecurityGroupId: `sg-${h}`, mainRouteTableId: `rtb-${h}` };
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
          status: "PENDING_VALIDATION",
          domainValidationOptions: [{ domainName: inputs.domainName, resourceRecordName: `_${h}.${str(inputs.domainName, "example.com")}.`, resourceRecordType: "CNAME", resourceRecordValue: `_${h}.acm-validations.aws.` }],
        };
      case "aws:acm/certificateValidation:CertificateValidation":
        return { certificateArn: inputs.certificateArn };
      case "aws:cloudfront/vpcOrigin:VpcOrigin":
        return { arn: `arn:aws:cloudfront::${ACCOUNT}:vpcorigin/vo_${h}`, etag: h };
      case "aws:cloudfront/distribution:Distribution":
        return { arn: `arn:aws:cloudfront::${ACCOUNT}:distribution/E${h.toUpperCase()}`, domainName: `d${h}abcdef.cloudfront.net`, hostedZoneId: "Z2FDTNDATAQYW2", status: "Deployed" };
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
      case "aws:s3/bucket:Bucket": {
        const bucket = str(inputs.bucket, name);
        return { arn: `arn:aws:s3:::${bucket}`, bucket, bucketDomainName: `${bucket}.s3.amazonaws.com`, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`, region };
      }
      default:
        return { id };
    }
  },
  call(token, inputs) {
    if (token === "aws:secretsmanager/getSecretVersion:getSecretVersion") {
      return {
        arn: inputs.secretId,
        id: `${inputs.secretId}|AWSCURRENT`,
        secretId: inputs.secretId,
        secretString: JSON.stringify({ username: "freehold", password: "mock-password" }),
        versionId: "00000000-0000-4000-8000-000000000000",
        versionStages: ["AWSCURRENT"],
      };
    }
    return {};
  },
};
