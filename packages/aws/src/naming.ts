/**
 * Physical-name rules for every AWS resource Freehold names, built on core's
 * `physicalName`. Each function returns a name valid for its resource for every
 * stack and component name the model accepts (tested with fast-check).
 */
import type { StackContext } from "@freehold/core";
import { physicalName } from "@freehold/core";

/** Rebuild with a leading "fh" part when a name would begin with a prefix AWS reserves. */
function avoidPrefixes(name: string, prefixes: readonly string[], rebuild: () => string): string {
  return prefixes.some((p) => name.startsWith(p)) ? rebuild() : name;
}

/** Reserved bucket-name prefixes (S3 general purpose bucket naming rules). */
export const BUCKET_RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"] as const;
/** Reserved bucket-name suffixes. */
export const BUCKET_RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", "--x-s3", "--table-s3"] as const;

export const names = {
  /**
   * S3 bucket: 3-63 lowercase letters, digits and hyphens, globally unique. A
   * hash of stack and component always ends the name, so two stacks never share one.
   */
  bucket(stack: string, component: string): string {
    const rules = { maxLength: 63, minLength: 3, unique: true } as const;
    return avoidPrefixes(physicalName([stack, component], rules), BUCKET_RESERVED_PREFIXES, () => physicalName(["fh", stack, component], rules));
  },
  /**
   * Application Load Balancer: at most 32 letters, digits and hyphens, not
   * beginning with "internal-". The scheme is part of the name (`ext`/`int`), so
   * switching a service between internet-facing and internal creates the new
   * load balancer before deleting the old one instead of colliding on the name.
   */
  loadBalancer(stack: string, component: string, scheme: "ext" | "int"): string {
    const rules = { maxLength: 32 } as const;
    return avoidPrefixes(physicalName([stack, component, scheme], rules), ["internal-"], () => physicalName(["fh", stack, component, scheme], rules));
  },
  /**
   * Target group: at most 32 characters. A target group can forward for one load
   * balancer only, so the load balancer's scheme is part of the name: a new
   * internet-facing or internal load balancer gets a new group beside the old one.
   */
  targetGroup(stack: string, component: string, scheme: "ext" | "int"): string {
    return physicalName([stack, component, scheme], { maxLength: 32, unique: true });
  },
  /** RDS DB instance identifier: 1-63, starts with a letter, no "--", no trailing hyphen. */
  dbInstance(stack: string, component: string): string {
    return physicalName([stack, component], { maxLength: 63 });
  },
  /**
   * Final snapshot identifier (instance identifier rules, up to 255): the
   * instance's identifier and a random value that is new for every instance, so
   * a replaced or re-created instance never finds the last one's snapshot.
   */
  finalSnapshot(identifier: string, random: string): string {
    return `${identifier}-final-${random}`;
  },
  /**
   * The log group RDS exports PostgreSQL logs to: RDS names it, so Freehold
   * creates it under that name first (with retention) instead of leaving RDS to.
   * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html
   */
  rdsLogGroup(identifier: string, log: "postgresql" | "upgrade"): string {
    return `/aws/rds/instance/${identifier}/${log}`;
  },
  /**
   * Secrets Manager secret: 1-512 of letters, digits and /_+=.@-, not ending in
   * a hyphen and six characters (that looks like the ARN's random suffix).
   */
  secret(stack: string, component: string, kind: string): string {
    return ["freehold", physicalName([stack], { maxLength: 200 }), physicalName([component], { maxLength: 200 }), physicalName([kind], { maxLength: 60, separator: "_" })].join("/");
  },
  /** DB parameter group: the engine family is part of the name, so a major upgrade creates a new group first. */
  dbParameterGroup(stack: string, component: string, version: string): string {
    return physicalName([stack, component, `postgres${version}`], { maxLength: 255 });
  },
  dbSubnetGroup(stack: string): string {
    return physicalName([stack, "db"], { maxLength: 255 });
  },
  /** IAM role: at most 64 characters. */
  role(stack: string, component: string, kind: "exec" | "task" | "run" | "flow-logs"): string {
    return physicalName([stack, component, kind], { maxLength: 64 });
  },
  /** Lambda function: 1-64 letters, digits, hyphens and underscores, unique per region. https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html */
  lambdaFunction(stack: string, component: string, role: string): string {
    return physicalName([stack, component, role], { maxLength: 64 });
  },
  /** The log group Lambda writes a function's logs to (created first, with retention). */
  lambdaLogGroup(functionName: string): string {
    return `/aws/lambda/${functionName}`;
  },
  /** Security group name: up to 255 characters, must not begin with "sg-". */
  securityGroup(stack: string, component: string, role: string): string {
    const rules = { maxLength: 255 } as const;
    return avoidPrefixes(physicalName([stack, component, role], rules), ["sg-"], () => physicalName(["fh", stack, component, role], rules));
  },
  cluster(stack: string): string {
    return physicalName([stack], { maxLength: 255 });
  },
  service(stack: string, component: string): string {
    return physicalName([stack, component], { maxLength: 255 });
  },
  taskFamily(stack: string, component: string): string {
    return physicalName([stack, component], { maxLength: 255 });
  },
  logGroup(stack: string, component: string): string {
    return `/freehold/${stack}/${component}`;
  },
  /** AWS WAF web ACL and IP set names: 1-128 letters, digits, hyphens and underscores, unique per scope and region (the IP sets add `-v4`/`-v6`). https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html */
  waf(stack: string, component: string): string {
    return physicalName([stack, component], { maxLength: 120 });
  },
  /** CloudFront VPC origin name (kept within 64 characters). */
  vpcOrigin(stack: string, component: string): string {
    return physicalName([stack, component], { maxLength: 64 });
  },
};

/**
 * Days a stack's logs are kept (services, databases, the role job, VPC flow
 * logs, access logs): a year, so that an incident can be traced back over the
 * period security reviews ask for (CIS AWS Foundations and the NIST 800-53
 * control CloudWatch.16 ask for at least 365 days). Storage is priced in the
 * estimate. https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-16
 */
export const LOG_RETENTION_DAYS = 365;

/** Tags for a component's resources: the stack's tags plus the component name. */
export function componentTags(stack: StackContext, component: string): Record<string, string> {
  return { ...stack.tags, "freehold-component": component };
}

/** Tags for a shared resource, with a Name tag for the console. */
export function sharedTags(stack: StackContext, name: string): Record<string, string> {
  return { ...stack.tags, Name: name };
}
