/**
 * The function `up` invokes to run a database's role job and wait for it:
 * ECS RunTask of the job's task definition (a one-off Fargate task), then
 * DescribeTasks until it stops. It returns only if the job's container exited
 * 0; any other end (the task did not start, stopped before running, exited
 * non-zero, or outlived the bound) throws, which fails the Lambda invocation
 * and so the `up` (aws.lambda.Invocation reports a function error as an error).
 *
 * Written for the Lambda Node.js runtime, whose AWS SDK for JavaScript v3 is
 * built in (no package to bundle): https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html
 * ECS API: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html,
 * API_DescribeTasks.html, API_StopTask.html.
 */

/** The event the invocation sends: where and what to run, and how long to wait. */
export interface RoleJobEvent {
  cluster: string;
  taskDefinition: string;
  subnets: string[];
  securityGroups: string[];
  /** The container whose exit code decides. */
  container: string;
  /** Where its logs go (said in every error). */
  logGroup: string;
  /** Seconds between two looks at the task. */
  pollSeconds: number;
  /** Seconds to wait before giving up (kept under the function's 900-second limit). */
  timeoutSeconds: number;
}

/** The handler module, as the function's `index.mjs`. */
export const RUNNER_SOURCE = `import { DescribeTasksCommand, ECSClient, RunTaskCommand, StopTaskCommand } from "@aws-sdk/client-ecs";

const ecs = new ECSClient({});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const handler = async (event) => {
  const started = await ecs.send(
    new RunTaskCommand({
      cluster: event.cluster,
      taskDefinition: event.taskDefinition,
      launchType: "FARGATE",
      count: 1,
      startedBy: "freehold-role-job",
      networkConfiguration: { awsvpcConfiguration: { subnets: event.subnets, securityGroups: event.securityGroups, assignPublicIp: "DISABLED" } },
    }),
  );
  const task = started.tasks && started.tasks[0];
  if (!task || (started.failures && started.failures.length)) {
    throw new Error("freehold: the database role job did not start: " + JSON.stringify(started.failures || []));
  }
  const id = task.taskArn.split("/").pop();
  const logs = "log group " + event.logGroup + ", stream roles/" + event.container + "/" + id;
  const deadline = Date.now() + event.timeoutSeconds * 1000;
  while (Date.now() < deadline) {
    await sleep(event.pollSeconds * 1000);
    const described = await ecs.send(new DescribeTasksCommand({ cluster: event.cluster, tasks: [task.taskArn] }));
    const now = described.tasks && described.tasks[0];
    if (!now || now.lastStatus !== "STOPPED") continue;
    const container = (now.containers || []).find((c) => c.name === event.container);
    if (container && container.exitCode === 0) return { task: task.taskArn, exitCode: 0 };
    if (!container || container.exitCode === undefined || container.exitCode === null) {
      throw new Error("freehold: the database role job " + id + " stopped before its container ran: " + (now.stoppedReason || now.stopCode || "no reason given") + (container && container.reason ? " (" + container.reason + ")" : "") + "; " + logs);
    }
    throw new Error("freehold: the database role job " + id + " failed with exit code " + container.exitCode + "; see " + logs);
  }
  await ecs.send(new StopTaskCommand({ cluster: event.cluster, task: task.taskArn, reason: "freehold: the role job outlived its bound" }));
  throw new Error("freehold: the database role job " + id + " did not finish within " + event.timeoutSeconds + " s and was stopped; see " + logs);
};
`;
