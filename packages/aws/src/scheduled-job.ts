/**
 * ScheduledJob -> an EventBridge Scheduler schedule (cron, in the job's time
 * zone) that starts a Step Functions state machine, which runs the job's
 * Fargate task and waits for it (`ecs:runTask.sync`).
 *
 * Why a state machine between the schedule and the task: Scheduler's retry
 * policy covers only the delivery of its own invocation (a target call that
 * fails or is throttled, https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-retry-policy.html),
 * not a task that starts and exits non-zero, and ECS has no run-time limit for
 * a standalone task. The state machine gives both: its Task state times out
 * after `timeoutSeconds` (States.Timeout; Step Functions then stops the task,
 * the reason its `.sync` integration needs ecs:StopTask,
 * https://docs.aws.amazon.com/step-functions/latest/dg/ecs-iam.html), the
 * application container's exit code is read from the stopped task, and a
 * failed run (non-zero exit, timeout, a task that did not start) runs again
 * up to `retries` times. A Standard workflow costs a few state transitions a
 * run.
 *
 * The task itself (roles, grants, registry, database role setup) is a web
 * service's (task.ts): a link means the same on every kind.
 */
import { physicalName, type ScheduledJobRequest, type ScheduledJobResult } from "@freehold/core";
import { UnsupportedFeatureError } from "@freehold/model";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as scheduler from "@pulumi/aws/scheduler";
import * as sfn from "@pulumi/aws/sfn";
import * as pulumi from "@pulumi/pulumi";
import { awsCron } from "./cron";
import { AWS_LOG_DELIVERY_ACTIONS } from "@freehold/rules";
import { componentTags, LOG_RETENTION_DAYS, names } from "./naming";
import { asPlatform } from "./network";
import { definedOnly, type ScheduledJobResources } from "./resources";
import { chooseFargate } from "./sizes";
import { CONTAINER_NAME, createTask, grantsWait } from "./task";
import { VendorArgs } from "./vendor";
import { databaseIngress, linkHandles } from "./web-service";
import { egressOnlyGroup } from "./worker";

export const SCHEDULED_JOB_SERVICE = "Amazon EventBridge Scheduler, AWS Step Functions and Amazon ECS on AWS Fargate";
export const SCHEDULED_JOB_ROLES = [
  "logGroup",
  "executionRole",
  "taskRole",
  "taskDefinition",
  "securityGroup",
  "stateMachineRole",
  "stateMachineLogs",
  "stateMachine",
  "schedulerRole",
  "schedule",
] as const;

/** The rule Step Functions manages in the account to learn when a task it started stops (its `.sync` integration). */
export const SYNC_RULE = "StepFunctionsGetEventsForECSTaskRule";

/** Physical names of a job's own resources. */
export const jobNames = {
  /** State machine: 1-80 letters, digits, hyphens and underscores (https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html). */
  stateMachine: (stack: string, component: string) => physicalName([stack, component], { maxLength: 80 }),
  /** Schedule: 1-64 letters, digits, hyphens, underscores and dots, unique in its group (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html). */
  schedule: (stack: string, component: string) => physicalName([stack, component], { maxLength: 64 }),
  /** Execution log group, under /aws/vendedlogs/ so CloudWatch Logs' account-wide resource policy for vended logs stays one entry (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html). */
  logGroup: (stack: string, component: string) => `/aws/vendedlogs/states/${physicalName([stack, component], { maxLength: 200 })}`,
  /** IAM role: at most 64 characters. */
  role: (stack: string, component: string, kind: "sfn" | "sched") => physicalName([stack, component, kind], { maxLength: 64 }),
};

/** A trust policy for an AWS service principal, held to this account (and, where given, to the resources that may assume it) against a confused deputy (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). */
export function serviceTrust(service: string, accountId: string, sourceArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: service }, Condition: { StringEquals: { "aws:SourceAccount": accountId }, ArnLike: { "aws:SourceArn": sourceArn } } }],
  });
}

/**
 * What the state machine may do, and nothing more: run this job's task family in this cluster, tag (at RunTask only), watch and
 * stop the tasks it starts there, hand the task its two roles (to ECS only), and keep Step Functions' own rule for `.sync`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/ecs-iam.html).
 */
export function stateMachinePolicy(a: { partition: string; region: string; accountId: string; cluster: string; clusterArn: string; family: string; executionRoleArn: string; taskRoleArn: string }): string {
  const arn = (service: string, resource: string) => `arn:${a.partition}:${service}:${a.region}:${a.accountId}:${resource}`;
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "RunTheJobsTask", Effect: "Allow", Action: ["ecs:RunTask"], Resource: arn("ecs", `task-definition/${a.family}:*`), Condition: { ArnEquals: { "ecs:cluster": a.clusterArn } } },
      { Sid: "WatchAndStopItsTasks", Effect: "Allow", Action: ["ecs:DescribeTasks", "ecs:StopTask"], Resource: arn("ecs", `task/${a.cluster}/*`) },
      // The run carries the task definition's tags (PropagateTags) and ECS's managed tags; ECS authorizes tags on create with
      // ecs:TagResource, held here to RunTask on this cluster's tasks (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html).
      { Sid: "TagTheTasksItStarts", Effect: "Allow", Action: ["ecs:TagResource"], Resource: arn("ecs", `task/${a.cluster}/*`), Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } } },
      { Sid: "PassTheTaskRoles", Effect: "Allow", Action: ["iam:PassRole"], Resource: [a.executionRoleArn, a.taskRoleArn], Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
      { Sid: "SyncRule", Effect: "Allow", Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"], Resource: arn("events", `rule/${SYNC_RULE}`) },
      // Execution logging (FSBP StepFunctions.1): Step Functions delivers through CloudWatch Logs' vended-log delivery, whose
      // actions take no resource (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy).
      { Sid: "DeliverItsLogs", Effect: "Allow", Action: [...AWS_LOG_DELIVERY_ACTIONS], Resource: "*" },
    ],
  });
}

/**
 * The state machine (JSONata): run the task and wait; a run that exits 0 succeeds; a failed one (exit code, timeout, a task
 * that could not start) runs again while attempts remain, then the execution fails with the reason.
 */
export function jobDefinition(a: { comment: string; clusterArn: string; taskDefinitionArn: string; subnets: string[]; securityGroup: string; timeoutSeconds: number; retries: number }): string {
  const exitCode = `$states.result.Containers[Name = '${CONTAINER_NAME}'].ExitCode`;
  return JSON.stringify({
    Comment: a.comment,
    QueryLanguage: "JSONata",
    StartAt: "Start",
    States: {
      Start: { Type: "Pass", Assign: { attempt: 1, failure: "" }, Next: "Run" },
      Run: {
        Type: "Task",
        Resource: "arn:aws:states:::ecs:runTask.sync",
        Arguments: {
          Cluster: a.clusterArn,
          TaskDefinition: a.taskDefinitionArn,
          LaunchType: "FARGATE",
          PlatformVersion: "LATEST",
          NetworkConfiguration: { AwsvpcConfiguration: { Subnets: a.subnets, SecurityGroups: [a.securityGroup], AssignPublicIp: "DISABLED" } },
          PropagateTags: "TASK_DEFINITION",
          EnableECSManagedTags: true,
        },
        TimeoutSeconds: a.timeoutSeconds,
        Assign: { exitCode: `{% $exists(${exitCode}) ? ${exitCode} : -1 %}` },
        Catch: [{ ErrorEquals: ["States.ALL"], Assign: { exitCode: -1, failure: "{% $states.errorOutput.Error %}" }, Next: "Failed run" }],
        Next: "Exit code",
      },
      "Exit code": { Type: "Choice", Choices: [{ Condition: "{% $exitCode = 0 %}", Next: "Succeeded" }], Default: "Failed run" },
      "Failed run": { Type: "Choice", Choices: [{ Condition: `{% $attempt <= ${a.retries} %}`, Next: "Run again" }], Default: "Failed" },
      "Run again": { Type: "Pass", Assign: { attempt: "{% $attempt + 1 %}", failure: "" }, Next: "Run" },
      Succeeded: { Type: "Succeed" },
      Failed: { Type: "Fail", Error: "JobFailed", Cause: "{% 'the last of ' & $string($attempt) & ' run(s) failed: ' & ($failure != '' ? $failure : 'exit code ' & $string($exitCode)) %}" },
    },
  });
}

export function createScheduledJob(req: ScheduledJobRequest): ScheduledJobResult {
  const { name, spec, stack } = req;
  const cron = awsCron(req.cron);
  if (!cron.ok) throw new UnsupportedFeatureError(name, "scheduled-job.cron", "aws", cron.reason, cron.fix);
  const vendor = new VendorArgs(spec.vendor, name, SCHEDULED_JOB_ROLES);
  const platform = asPlatform(req.platform);
  const size = chooseFargate(req.size, name);
  const net = platform.web();
  const tags = componentTags(stack, name);
  const linked = linkHandles(name, req.links);
  const opts = { parent: req.parent };
  const region = platform.region;
  const physical = req.qualifiedName;

  const task = createTask(req, platform, vendor, linked, size, tags);
  const sg = egressOnlyGroup(req, platform, net, vendor, tags, "scheduled job");
  const dbIngress = databaseIngress(req, platform, linked, sg, tags);
  const id = platform.identity();

  const smName = jobNames.stateMachine(stack.prefix, physical);
  const smRole = new iam.Role(
    `${name}-state-machine-role`,
    vendor.apply("stateMachineRole", {
      name: jobNames.role(stack.prefix, physical, "sfn"),
      description: `Freehold ${stack.prefix}/${physical}: runs the job's task`,
      assumeRolePolicy: id.apply((i) => serviceTrust("states.amazonaws.com", i.accountId, `arn:${i.partition}:states:${region}:${i.accountId}:stateMachine:${smName}`)),
      tags,
    }),
    opts,
  );
  const smDocument = pulumi
    .all([id, net.cluster.name, net.cluster.arn, task.taskDefinition.family, task.resources.executionRole.arn, task.resources.taskRole.arn])
    .apply(([i, cluster, clusterArn, family, executionRoleArn, taskRoleArn]) => stateMachinePolicy({ ...i, region, cluster, clusterArn, family, executionRoleArn, taskRoleArn }));
  const smPolicy = new iam.RolePolicy(`${name}-state-machine-policy`, { role: smRole.name, name: "freehold-run-job", policy: smDocument }, opts);

  const scheduleName = jobNames.schedule(stack.prefix, physical);
  const schedRole = new iam.Role(
    `${name}-scheduler-role`,
    vendor.apply("schedulerRole", {
      name: jobNames.role(stack.prefix, physical, "sched"),
      description: `Freehold ${stack.prefix}/${physical}: the schedule that starts the job`,
      assumeRolePolicy: id.apply((i) => serviceTrust("scheduler.amazonaws.com", i.accountId, `arn:${i.partition}:scheduler:${region}:${i.accountId}:schedule/default/${scheduleName}`)),
      tags,
    }),
    opts,
  );
  // Every policy the first run reads through (the task's roles, the state machine's, the scheduler's) has taken effect before anything can start it.
  const wait = grantsWait(name, { policies: [...task.policies, smPolicy], grantDocuments: [...task.grantDocuments, smDocument] }, opts);
  const smLogs = new cloudwatch.LogGroup(
    `${name}-state-machine-logs`,
    vendor.apply("stateMachineLogs", { name: jobNames.logGroup(stack.prefix, physical), retentionInDays: LOG_RETENTION_DAYS, region, tags }),
    opts,
  );
  const stateMachine = new sfn.StateMachine(
    `${name}-state-machine`,
    vendor.apply("stateMachine", {
      name: smName,
      type: "STANDARD",
      roleArn: smRole.arn,
      // Failed runs and their causes (ERROR level, without the payloads, which may carry application data).
      loggingConfiguration: { level: "ERROR", includeExecutionData: false, logDestination: pulumi.interpolate`${smLogs.arn}:*` },
      definition: pulumi
        .all([net.cluster.arn, task.taskDefinition.arn, pulumi.all(net.privateSubnetIds), sg.id])
        .apply(([clusterArn, taskDefinitionArn, subnets, securityGroup]) =>
          jobDefinition({ comment: `Freehold ${stack.prefix}/${physical}: one run of the scheduled job`, clusterArn, taskDefinitionArn, subnets, securityGroup, timeoutSeconds: spec.timeoutSeconds, retries: spec.retries }),
        ),
      region,
      tags,
    }),
    { ...opts, dependsOn: [wait] },
  );
  const schedPolicy = new iam.RolePolicy(
    `${name}-scheduler-policy`,
    { role: schedRole.name, name: "freehold-start-job", policy: stateMachine.arn.apply((arn) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["states:StartExecution"], Resource: arn }] })) },
    opts,
  );
  const schedule = new scheduler.Schedule(
    `${name}-schedule`,
    vendor.apply("schedule", {
      name: scheduleName,
      groupName: "default",
      description: `Freehold ${stack.prefix}/${physical}: ${spec.schedule} in ${spec.timeZone}`,
      scheduleExpression: cron.expression,
      scheduleExpressionTimezone: spec.timeZone,
      flexibleTimeWindow: { mode: "OFF" },
      state: "ENABLED",
      // Retries here are Scheduler's own delivery to Step Functions (a throttled StartExecution): a run it delivers late by an hour is dropped.
      target: { arn: stateMachine.arn, roleArn: schedRole.arn, input: "{}", retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 } },
      region,
    }),
    { ...opts, dependsOn: [schedPolicy] },
  );

  const resources: ScheduledJobResources = {
    ...task.resources,
    securityGroup: sg,
    ...dbIngress,
    iamPropagation: wait,
    stateMachineRole: smRole,
    stateMachinePolicy: smPolicy,
    stateMachineLogs: smLogs,
    stateMachine,
    schedulerRole: schedRole,
    schedulerPolicy: schedPolicy,
    schedule,
  } as ScheduledJobResources;
  return {
    runCommand: pulumi.interpolate`aws stepfunctions start-execution --region ${region} --state-machine-arn ${stateMachine.arn}`,
    schedule: pulumi.output(`${cron.expression} in ${spec.timeZone} (EventBridge Scheduler)`),
    resources: definedOnly(resources),
    description: {
      service: SCHEDULED_JOB_SERVICE,
      size,
      details: {
        schedule: `${cron.expression}, ${spec.timeZone}: EventBridge Scheduler follows daylight saving (a time the clocks skip is skipped, a time they repeat runs once)`,
        timeoutSeconds: spec.timeoutSeconds,
        retries: spec.retries,
        ingress: "none: the task takes no connections (a security group with no inbound rule)",
        cluster: names.cluster(stack.prefix),
        stateMachine: smName,
        logRetentionDays: LOG_RETENTION_DAYS,
        readOnlyRootFilesystem: !spec.writableRootFilesystem,
        ...(req.registry ? { registry: `${req.registry.server}, credentials in Secrets Manager (repositoryCredentials)` } : {}),
        ...(linked.databases.length ? { databaseRoles: "each run first sets up its database role (setup container), then starts the job" } : {}),
        ...(spec.user ? { user: spec.user } : {}),
        ...(physical !== name ? { qualifiedName: physical } : {}),
      },
    },
  };
}
