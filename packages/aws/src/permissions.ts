/**
 * Least-privilege IAM for links: one table from neutral access to exact S3
 * actions, and the statements the task and execution roles get. No wildcard
 * actions anywhere; every resource is an exact ARN (ecr:GetAuthorizationToken
 * is the one action AWS only accepts on "*").
 */
import type { Access } from "@freehold/model";

/** S3 actions per neutral access: on the bucket itself and on its objects. */
export const S3_ACCESS: Record<Access, { bucket: readonly string[]; objects: readonly string[] }> = {
  read: { bucket: ["s3:ListBucket"], objects: ["s3:GetObject"] },
  write: { bucket: [], objects: ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"] },
  readWrite: { bucket: ["s3:ListBucket"], objects: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"] },
};

/** The execution role reads a linked database's RDS-managed secret to inject it as an ECS secret. */
export const SECRET_READ_ACTIONS = ["secretsmanager:GetSecretValue"] as const;
/** The execution role writes the container's logs to its own log group. */
export const LOG_WRITE_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;
/** Pulling a private ECR image. */
export const ECR_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"] as const;
export const ECR_TOKEN_ACTION = "ecr:GetAuthorizationToken";

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

const doc = (statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

/** Statements granting one access level on one bucket. */
export function bucketStatements(bucketArn: string, access: Access): Statement[] {
  const a = S3_ACCESS[access];
  const out: Statement[] = [];
  if (a.bucket.length) out.push({ Effect: "Allow", Action: [...a.bucket], Resource: bucketArn });
  out.push({ Effect: "Allow", Action: [...a.objects], Resource: `${bucketArn}/*` });
  return out;
}

/** The task role's policy: one access grant per linked bucket. Undefined when there is nothing to grant. */
export function taskRolePolicy(buckets: ReadonlyArray<{ arn: string; access: Access }>): PolicyDocument | undefined {
  if (!buckets.length) return undefined;
  return doc(buckets.flatMap((b) => bucketStatements(b.arn, b.access)));
}

/** The execution role's grant to read exact secrets (a linked database's master and role secrets, a registry's credentials), nothing else. */
export function secretReadPolicy(...secretArns: string[]): PolicyDocument {
  return doc([{ Effect: "Allow", Action: [...SECRET_READ_ACTIONS], Resource: secretArns.length === 1 ? (secretArns[0] as string) : secretArns }]);
}

/** The repository ARN of an ECR image reference, or undefined for other registries. */
export function ecrRepositoryArn(image: string): string | undefined {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9._/-]+?)(?:[:@].*)?$/.exec(image);
  if (!m) return undefined;
  return `arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}`;
}

/** The execution role's own policy: its log group, and the ECR repository if the image is in one. Linked secrets are granted per link (`secretReadPolicy`). */
export function executionRolePolicy(args: { logGroupArn: string; image: string }): PolicyDocument {
  const s: Statement[] = [logWriteStatement(args.logGroupArn)];
  const repo = ecrRepositoryArn(args.image);
  if (repo) {
    s.push({ Sid: "EcrToken", Effect: "Allow", Action: [ECR_TOKEN_ACTION], Resource: "*" });
    s.push({ Sid: "EcrPull", Effect: "Allow", Action: [...ECR_PULL_ACTIONS], Resource: repo });
  }
  return doc(s);
}

/**
 * Trust policy letting ECS tasks of this account and region assume a role
 * (both the execution and the task role). `aws:SourceAccount` and
 * `aws:SourceArn` keep another account's tasks from using ECS as a confused
 * deputy, as the ECS developer guide recommends:
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html#create_task_iam_policy_and_role
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
export function ecsTasksTrust(args: { partition: string; region: string; accountId: string }): string {
  return serviceTrust("ecs-tasks.amazonaws.com", `arn:${args.partition}:ecs:${args.region}:${args.accountId}:*`, args.accountId);
}

/** A role Lambda functions of this account assume (with the confused-deputy conditions AWS recommends). https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html */
export function lambdaTrust(args: { partition: string; region: string; accountId: string; functionName: string }): string {
  return serviceTrust("lambda.amazonaws.com", `arn:${args.partition}:lambda:${args.region}:${args.accountId}:function:${args.functionName}`, args.accountId);
}

/** A role one AWS service may assume only on behalf of this account's resources matching `sourceArn` (no confused deputy). */
export function serviceTrust(service: string, sourceArn: string, accountId: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: service }, Condition: { ArnLike: { "aws:SourceArn": sourceArn }, StringEquals: { "aws:SourceAccount": accountId } } }],
  });
}

/** Writing to one log group and its streams. */
export function logWriteStatement(logGroupArn: string): Statement {
  return { Sid: "Logs", Effect: "Allow", Action: [...LOG_WRITE_ACTIONS], Resource: [logGroupArn, `${logGroupArn}:log-stream:*`] };
}

/** The role job's execution role: its own logs and the three secrets the job reads (the master user's, and each application role's verifier). */
export function roleJobExecutionPolicy(args: { logGroupArn: string; secretArns: string[] }): PolicyDocument {
  return doc([logWriteStatement(args.logGroupArn), { Sid: "Secrets", Effect: "Allow", Action: [...SECRET_READ_ACTIONS], Resource: args.secretArns }]);
}

/**
 * The function that runs the role job: start exactly that task definition (any
 * revision) in exactly that cluster, watch and stop its tasks there, hand the
 * job's execution role to ECS and nothing else, and write its own logs.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security_iam_id-based-policy-examples.html
 */
export function roleJobRunnerPolicy(args: { partition: string; region: string; accountId: string; clusterArn: string; clusterName: string; family: string; executionRoleArn: string; logGroupArn: string }): PolicyDocument {
  const ecs = `arn:${args.partition}:ecs:${args.region}:${args.accountId}`;
  const inCluster = { ArnEquals: { "ecs:cluster": args.clusterArn } };
  return doc([
    { Sid: "RunTheJob", Effect: "Allow", Action: ["ecs:RunTask"], Resource: `${ecs}:task-definition/${args.family}:*`, Condition: inCluster },
    { Sid: "WatchTheJob", Effect: "Allow", Action: ["ecs:DescribeTasks", "ecs:StopTask"], Resource: `${ecs}:task/${args.clusterName}/*`, Condition: inCluster },
    { Sid: "PassTheJobRole", Effect: "Allow", Action: ["iam:PassRole"], Resource: args.executionRoleArn, Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
    logWriteStatement(args.logGroupArn),
  ]);
}
