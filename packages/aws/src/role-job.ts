/**
 * The database role job on AWS: core's role model script (`app`, `app_read`,
 * docs/architecture.md) run once per database by one job, the only reader of
 * the master user's password, from an image pinned by digest, and awaited by
 * `up`, so a failure fails the `up`.
 *
 * - The job is a one-off Fargate task (the pinned PostgreSQL image's psql) in
 *   the stack's cluster and private subnets, with a security group of its own
 *   that the database admits on 5432. Its execution role reads the RDS-managed
 *   master secret (ECS injects the current password when the task starts, so
 *   RDS's rotation never breaks it) and each role's SCRAM verifier; it is the
 *   only identity allowed to read the master secret.
 * - `up` runs it through an AWS Lambda function invoked by `aws.lambda.Invocation`
 *   (CREATE_ONLY): the function starts the task, waits for it to stop and fails
 *   unless the job's container exited 0 (role-job-runner.ts). The invocation's
 *   input names the job's task definition revision, which changes with the
 *   script, the image, the database's address, CA or a role's password version,
 *   so any of those runs the job again; a failed invocation fails the `up` and
 *   is tried again at the next one.
 * - Linked services wait for it: their DATABASE_USER resolves from the
 *   invocation's result, so no task starts before its role exists.
 *
 * The job is made once per database, by the first component that links to it,
 * as children of the database: a database no one links to has no job and
 * needs no egress (a stack of one database creates no NAT gateway).
 *
 * Why a Lambda function: Pulumi's AWS provider has no resource that runs an ECS
 * task and waits for it. The alternatives were an SSM Automation runbook
 * started by an association with `waitForSuccessTimeoutSeconds` (it waits, but an
 * association runs again only when its parameters change and re-runs on its own
 * schedule semantics, and a runbook's failure detail is harder to reach) and a
 * Step Functions state machine (`ecs:runTask.sync` waits for the task, but
 * nothing in the provider starts an execution and waits for it, so a Lambda
 * function would still be needed). A small function whose code is inline here
 * keeps it to resources the provider has, and its error is the `up`'s error.
 */
import { APP_ROLES, type AppRole, CREATE_FIRST, DATABASE_CA_PATH, type DatabaseRequest, ROLE_VERIFIER_ENV, roleJobCommand, roleSetupSql } from "@freehold/core";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as ecs from "@pulumi/aws/ecs";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import type * as rds from "@pulumi/aws/rds";
import * as vpc from "@pulumi/aws/vpc";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { awslogs, prepareContainer, readsCaFile, scratchSpace, TLS_VOLUME } from "./containers";
import { POSTGRES_IMAGE } from "./images";
import { LOG_RETENTION_DAYS, names } from "./naming";
import type { AwsPlatform } from "./network";
import { ecsTasksTrust, lambdaTrust, roleJobExecutionPolicy, roleJobRunnerPolicy } from "./permissions";
import { RUNNER_SOURCE, type RoleJobEvent } from "./role-job-runner";

/** The job's container. */
export const ROLE_JOB_CONTAINER = "roles";
/** The postgres user of the PostgreSQL image. */
export const ROLE_JOB_USER = "70:70";
/**
 * The job's command: core's role script with both roles' verifiers from the environment; psql talks verify-full to RDS.
 * The database's `replication` setting is part of the script (the master user's right to replicate follows it), so
 * switching it changes the task definition and runs the job again.
 */
export function roleJobScript(replication: "off" | "logical"): string {
  return roleJobCommand(roleSetupSql({ replication }));
}
/** The command of a database with `replication: off`. */
export const ROLE_JOB_SCRIPT = roleJobScript("off");
/** Fargate's smallest task: psql needs little. */
export const ROLE_JOB_SIZE = { cpu: "256", memory: "512" } as const;
/** Lambda's runtime: Node.js 24 (supported until 30 April 2028), with the AWS SDK for JavaScript v3 built in. https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html */
export const RUNNER_RUNTIME = "nodejs24.x";
/** The function's limit is 900 s; the job is given 840 s of it, so the function reports a timeout itself. https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html */
export const RUNNER_TIMEOUT_SECONDS = 900;
export const JOB_TIMEOUT_SECONDS = 840;
/** Wait after the roles' policies change, as for services (IAM is eventually consistent). */
export const JOB_IAM_PROPAGATION = "15s";

/** One role's secret, as the job reads its verifier. */
export interface RoleSecretRef {
  readonly secretArn: pulumi.Output<string>;
  /** The secret version: a new password is a new version, and so a new task definition revision and a new run. */
  readonly versionId: pulumi.Output<string>;
}

/** What the job needs from its database; the handle carries it. */
export interface RoleJobTarget {
  readonly req: DatabaseRequest;
  readonly platform: AwsPlatform;
  readonly tags: Record<string, string>;
  readonly instance: rds.Instance;
  readonly host: pulumi.Output<string>;
  readonly port: number;
  readonly databaseName: string;
  readonly masterUser: string;
  readonly masterSecretArn: pulumi.Output<string>;
  readonly databaseSecurityGroupId: pulumi.Output<string>;
  readonly roles: Readonly<Record<AppRole, RoleSecretRef>>;
  /** The server's CA bundle (verify-full), where Freehold has the region's. */
  readonly serverCa?: string;
}

export interface RoleJob {
  /** Resolves once the job has run successfully for the current roles: what linked services wait on. */
  readonly ready: pulumi.Output<string>;
  readonly resources: Record<string, pulumi.Resource>;
}

/** The job's task definition containers: the CA file's preparation (when there is a CA), then psql. */
export function roleJobContainers(args: {
  host: string;
  port: number;
  database: string;
  masterUser: string;
  masterSecretArn: string;
  verifiers: Record<AppRole, string>;
  serverCa?: string;
  logGroup: string;
  region: string;
  /** The database's `replication` setting (default off). */
  replication?: "off" | "logical";
}): string {
  const environment = [
    { name: "HOME", value: "/tmp" },
    { name: "PGCONNECT_TIMEOUT", value: "10" },
    { name: "PGDATABASE", value: args.database },
    { name: "PGHOST", value: args.host },
    { name: "PGPORT", value: String(args.port) },
    { name: "PGUSER", value: args.masterUser },
    ...(args.serverCa ? [{ name: "PGSSLMODE", value: "verify-full" }, { name: "PGSSLROOTCERT", value: DATABASE_CA_PATH }] : [{ name: "PGSSLMODE", value: "require" }]),
  ];
  const secrets = [
    // The RDS-managed secret's current value when the task starts: correct after any rotation.
    { name: "PGPASSWORD", valueFrom: `${args.masterSecretArn}:password::` },
    { name: ROLE_VERIFIER_ENV.readWrite, valueFrom: args.verifiers.readWrite },
    { name: ROLE_VERIFIER_ENV.read, valueFrom: args.verifiers.read },
  ].sort((a, b) => a.name.localeCompare(b.name));
  const job = {
    name: ROLE_JOB_CONTAINER,
    image: POSTGRES_IMAGE.ref,
    essential: true,
    privileged: false,
    readonlyRootFilesystem: true,
    user: ROLE_JOB_USER,
    command: ["sh", "-c", roleJobScript(args.replication ?? "off")],
    environment,
    secrets,
    linuxParameters: scratchSpace(Number(ROLE_JOB_SIZE.memory)),
    ...(args.serverCa ? readsCaFile : {}),
    logConfiguration: awslogs(args.logGroup, args.region, ROLE_JOB_CONTAINER),
  };
  return JSON.stringify(args.serverCa ? [prepareContainer(args.serverCa, { group: args.logGroup, region: args.region }), job] : [job]);
}

/** Creates the job, its runner and the invocation that runs it: once per database (the handle memoises it). */
export function createRoleJob(t: RoleJobTarget): RoleJob {
  const { req, platform, tags } = t;
  const { name, stack } = req;
  const physical = `${req.qualifiedName}-roles`;
  const region = platform.region;
  const opts = { parent: req.parent };
  const net = platform.web();

  const logGroup = new cloudwatch.LogGroup(`${name}-roles-logs`, { name: names.logGroup(stack.prefix, physical), retentionInDays: LOG_RETENTION_DAYS, region, tags }, opts);
  const trust = platform.identity().apply((id) => ecsTasksTrust({ ...id, region }));
  const executionRole = new iam.Role(
    `${name}-roles-execution-role`,
    { name: names.role(stack.prefix, physical, "exec"), description: `Freehold ${stack.prefix}/${req.qualifiedName}: the database role job (logs, the master and role secrets)`, assumeRolePolicy: trust, tags },
    opts,
  );
  const executionDoc = pulumi
    .all([logGroup.arn, t.masterSecretArn, t.roles.readWrite.secretArn, t.roles.read.secretArn])
    .apply(([logGroupArn, master, app, read]) => JSON.stringify(roleJobExecutionPolicy({ logGroupArn, secretArns: [master, app, read] })));
  const executionPolicy = new iam.RolePolicy(`${name}-roles-execution-policy`, { role: executionRole.name, name: "freehold-role-job", policy: executionDoc }, opts);

  // Out to AWS APIs and ECR Public on 443, and to the database on its port; nothing in.
  const securityGroup = new ec2.SecurityGroup(
    `${name}-roles-sg`,
    {
      name: names.securityGroup(stack.prefix, req.qualifiedName, "roles"),
      description: "Freehold database role job: the database, and HTTPS to AWS APIs and ECR Public",
      vpcId: net.vpcId,
      egress: [
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "image pull, Secrets Manager, CloudWatch Logs" },
        { protocol: "tcp", fromPort: t.port, toPort: t.port, securityGroups: [t.databaseSecurityGroupId], description: "the database" },
      ],
      region,
      tags,
    },
    // Its name and description are fixed and names are unique per VPC: replaced only with a new VPC (a region change, a network the
    // stack brings), so the new group is created first and the old one goes after what used it.
    { ...opts, ...CREATE_FIRST },
  );
  const ingress = new vpc.SecurityGroupIngressRule(
    `${name}-roles-ingress`,
    { securityGroupId: t.databaseSecurityGroupId, referencedSecurityGroupId: securityGroup.id, ipProtocol: "tcp", fromPort: t.port, toPort: t.port, description: "Freehold: the database role job", region, tags },
    opts,
  );

  const family = names.taskFamily(stack.prefix, physical);
  const logGroupName = names.logGroup(stack.prefix, physical);
  const verifier = (role: AppRole) => pulumi.all([t.roles[role].secretArn, t.roles[role].versionId]).apply(([arn, version]) => `${arn}:verifier::${version}`);
  const taskDefinition = new ecs.TaskDefinition(
    `${name}-roles-task`,
    {
      family,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      ...ROLE_JOB_SIZE,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: executionRole.arn,
      volumes: t.serverCa ? [{ name: TLS_VOLUME }] : [],
      containerDefinitions: pulumi
        .all([t.host, t.masterSecretArn, verifier("readWrite"), verifier("read")])
        .apply(([host, master, app, read]) =>
          roleJobContainers({ host, port: t.port, database: t.databaseName, masterUser: t.masterUser, masterSecretArn: master, verifiers: { readWrite: app, read }, serverCa: t.serverCa, logGroup: logGroupName, region, replication: req.spec.replication }),
        ),
      region,
      tags,
    },
    { ...opts, dependsOn: [logGroup] },
  );

  const runner = createRunner(t, { family, executionRole, clusterArn: net.cluster.arn, clusterName: net.cluster.name });
  const grants = new time.Sleep(
    `${name}-roles-iam-propagation`,
    { createDuration: JOB_IAM_PROPAGATION, triggers: { policies: pulumi.all([executionDoc, runner.policyDocument]).apply((ps) => ps.join("\n")) } },
    { ...opts, dependsOn: [executionPolicy, runner.policy] },
  );
  const event = pulumi.all([net.cluster.arn, taskDefinition.arn, pulumi.all(net.privateSubnetIds), securityGroup.id]).apply(
    ([cluster, td, subnets, sg]): RoleJobEvent => ({ cluster, taskDefinition: td, subnets, securityGroups: [sg], container: ROLE_JOB_CONTAINER, logGroup: logGroupName, pollSeconds: 5, timeoutSeconds: JOB_TIMEOUT_SECONDS }),
  );
  const invocation = new lambda.Invocation(
    `${name}-roles-run`,
    // CREATE_ONLY (the default): a new input (a new task definition revision) runs the job again; a removal runs nothing.
    { functionName: runner.fn.name, input: event.apply((e) => JSON.stringify(e)), region },
    { ...opts, dependsOn: [t.instance, ingress, grants] },
  );
  return {
    ready: invocation.result.apply(() => "ready"),
    resources: {
      roleJobLogGroup: logGroup,
      roleJobExecutionRole: executionRole,
      roleJobExecutionPolicy: executionPolicy,
      roleJobSecurityGroup: securityGroup,
      roleJobIngress: ingress,
      roleJobTask: taskDefinition,
      ...runner.resources,
      roleJobIamPropagation: grants,
      roleJobRun: invocation,
    },
  };
}

/** The Lambda function that runs the job, its role (start that task definition, watch its tasks, pass the job's role) and its log group. */
function createRunner(t: RoleJobTarget, job: { family: string; executionRole: iam.Role; clusterArn: pulumi.Output<string>; clusterName: pulumi.Output<string> }) {
  const { req, platform, tags } = t;
  const { name, stack } = req;
  const region = platform.region;
  const opts = { parent: req.parent };
  const functionName = names.lambdaFunction(stack.prefix, req.qualifiedName, "roles");
  const logGroup = new cloudwatch.LogGroup(`${name}-roles-runner-logs`, { name: names.lambdaLogGroup(functionName), retentionInDays: LOG_RETENTION_DAYS, region, tags }, opts);
  const role = new iam.Role(
    `${name}-roles-runner-role`,
    {
      name: names.role(stack.prefix, `${req.qualifiedName}-roles`, "run"),
      description: `Freehold ${stack.prefix}/${req.qualifiedName}: runs the database role job`,
      assumeRolePolicy: platform.identity().apply((id) => lambdaTrust({ ...id, region, functionName })),
      tags,
    },
    opts,
  );
  const policyDocument = pulumi
    .all([platform.identity(), job.clusterArn, job.clusterName, job.executionRole.arn, logGroup.arn])
    .apply(([id, clusterArn, clusterName, executionRoleArn, logGroupArn]) => JSON.stringify(roleJobRunnerPolicy({ ...id, region, clusterArn, clusterName, family: job.family, executionRoleArn, logGroupArn })));
  const policy = new iam.RolePolicy(`${name}-roles-runner-policy`, { role: role.name, name: "freehold-role-job-runner", policy: policyDocument }, opts);
  const fn = new lambda.Function(
    `${name}-roles-runner`,
    {
      name: functionName,
      description: `Freehold ${stack.prefix}/${req.qualifiedName}: runs the database role job and waits for it`,
      runtime: RUNNER_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      code: new pulumi.asset.AssetArchive({ "index.mjs": new pulumi.asset.StringAsset(RUNNER_SOURCE) }),
      role: role.arn,
      timeout: RUNNER_TIMEOUT_SECONDS,
      memorySize: 128,
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      region,
      tags,
    },
    { ...opts, dependsOn: [logGroup] },
  );
  return { fn, policy, policyDocument, resources: { roleJobRunnerLogGroup: logGroup, roleJobRunnerRole: role, roleJobRunnerPolicy: policy, roleJobRunner: fn } };
}

/** The roles the job sets up, for descriptions. */
export const JOB_ROLES = `${APP_ROLES.readWrite} and ${APP_ROLES.read}`;
