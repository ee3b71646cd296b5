/**
 * The database role job's runner, run for real: the exact module the Lambda
 * function is given, against a stand-in for the ECS API that answers as ECS
 * does (RunTask, DescribeTasks, StopTask), so every way a job can end is seen
 * as `up` would see it: a returned result, or a thrown error (which fails the
 * invocation, and so the `up`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { deployStack, type MockRun, registerBackend, runWithMocks } from "@freehold/core";
import { parseStack } from "@freehold/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALPINE_IMAGE, POSTGRES_IMAGE } from "./images";
import { backend } from "./index";
import { RUNNER_RUNTIME } from "./role-job";
import { type RoleJobEvent, RUNNER_SOURCE } from "./role-job-runner";

registerBackend(backend);

/** What the stand-in ECS answers: the RunTask result, then one DescribeTasks answer per look. */
interface Script {
  run: Record<string, unknown>;
  describe: Array<Record<string, unknown>>;
}

const FAKE_ECS = `
export const calls = [];
export const script = { run: {}, describe: [] };
class Command { constructor(input) { this.input = input; } }
export class RunTaskCommand extends Command {}
export class DescribeTasksCommand extends Command {}
export class StopTaskCommand extends Command {}
export class ECSClient {
  async send(command) {
    calls.push({ command: command.constructor.name, input: command.input });
    if (command instanceof RunTaskCommand) return script.run;
    if (command instanceof DescribeTasksCommand) return script.describe.length > 1 ? script.describe.shift() : script.describe[0];
    return {};
  }
}
`;

let dir: string;
let seq = 0;
const TASK = "arn:aws:ecs:eu-west-2:123456789012:task/shop-dev/0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const EVENT: RoleJobEvent = {
  cluster: "arn:aws:ecs:eu-west-2:123456789012:cluster/shop-dev",
  taskDefinition: "arn:aws:ecs:eu-west-2:123456789012:task-definition/shop-dev-db-roles:3",
  subnets: ["subnet-a", "subnet-b"],
  securityGroups: ["sg-roles"],
  container: "roles",
  logGroup: "/freehold/shop-dev/db-roles",
  pollSeconds: 0,
  timeoutSeconds: 60,
};
const stopped = (exitCode?: number, extra: Record<string, unknown> = {}) => ({ tasks: [{ taskArn: TASK, lastStatus: "STOPPED", containers: [{ name: "roles", ...(exitCode === undefined ? {} : { exitCode }) }], ...extra }] });
const running = { tasks: [{ taskArn: TASK, lastStatus: "RUNNING", containers: [{ name: "roles" }] }] };

/** Loads a fresh copy of the runner with the stand-in ECS, scripted, and runs it. */
async function invoke(script: Script, event: RoleJobEvent = EVENT) {
  const here = join(dir, `run-${++seq}`);
  mkdirSync(join(here, "node_modules", "@aws-sdk", "client-ecs"), { recursive: true });
  writeFileSync(join(here, "node_modules", "@aws-sdk", "client-ecs", "package.json"), JSON.stringify({ name: "@aws-sdk/client-ecs", type: "module", exports: "./index.js" }));
  writeFileSync(join(here, "node_modules", "@aws-sdk", "client-ecs", "index.js"), FAKE_ECS);
  writeFileSync(join(here, "index.mjs"), RUNNER_SOURCE);
  const ecs = await import(pathToFileURL(join(here, "node_modules", "@aws-sdk", "client-ecs", "index.js")).href);
  Object.assign(ecs.script, script);
  const runner = await import(pathToFileURL(join(here, "index.mjs")).href);
  const outcome = await runner.handler(event).then(
    (value: unknown) => ({ value }),
    (error: Error) => ({ error: error.message }),
  );
  return { ...outcome, calls: ecs.calls as Array<{ command: string; input: Record<string, unknown> }> };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "freehold-role-runner-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the role job's runner", () => {
  it("starts the job's task definition in the cluster's private subnets, without a public address, and returns once its container exits 0", async () => {
    const r = await invoke({ run: { tasks: [{ taskArn: TASK }], failures: [] }, describe: [running, stopped(0)] });
    expect(r).toMatchObject({ value: { task: TASK, exitCode: 0 } });
    expect(r.calls[0]).toEqual({
      command: "RunTaskCommand",
      input: {
        cluster: EVENT.cluster,
        taskDefinition: EVENT.taskDefinition,
        launchType: "FARGATE",
        count: 1,
        startedBy: "freehold-role-job",
        networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-roles"], assignPublicIp: "DISABLED" } },
      },
    });
    expect(r.calls.filter((c: { command: string }) => c.command === "DescribeTasksCommand")).toHaveLength(2);
  });

  it("fails, naming the exit code and where the logs are, when the job's container exits non-zero", async () => {
    const r = await invoke({ run: { tasks: [{ taskArn: TASK }] }, describe: [stopped(3)] });
    expect(r.error).toBe("freehold: the database role job 0f1e2d3c4b5a69788796a5b4c3d2e1f0 failed with exit code 3; see log group /freehold/shop-dev/db-roles, stream roles/roles/0f1e2d3c4b5a69788796a5b4c3d2e1f0");
  });

  it("fails with ECS's reason when the task stops before its container runs (an image or secret it could not get)", async () => {
    const r = await invoke({ run: { tasks: [{ taskArn: TASK }] }, describe: [stopped(undefined, { stoppedReason: "ResourceInitializationError: unable to pull secrets", stopCode: "TaskFailedToStart" })] });
    expect(r.error).toContain("stopped before its container ran: ResourceInitializationError: unable to pull secrets");
  });

  it("fails when ECS does not start the task, with ECS's failures", async () => {
    const r = await invoke({ run: { tasks: [], failures: [{ reason: "RESOURCE:ENI", arn: "x" }] }, describe: [] });
    expect(r.error).toBe('freehold: the database role job did not start: [{"reason":"RESOURCE:ENI","arn":"x"}]');
  });

  it("stops the task and fails when it outlives its bound", async () => {
    const r = await invoke({ run: { tasks: [{ taskArn: TASK }] }, describe: [running] }, { ...EVENT, timeoutSeconds: 0.05 });
    expect(r.error).toContain("did not finish within 0.05 s and was stopped");
    expect(r.calls.at(-1)).toMatchObject({ command: "StopTaskCommand", input: { cluster: EVENT.cluster, task: TASK } });
  });
});

describe("the role job's resources", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await runWithMocks("aws", () => deployStack(parseStack("name: shop\ncomponents:\n  db: { kind: database }\n  web: { kind: web-service, image: x, links: [db] }")).outputs);
  });
  const one = (name: string) => run.resources.find((r) => r.name === name) as { inputs: Record<string, unknown>; options: { dependsOn: string[] } };

  it("invokes a Lambda function on a supported Node.js runtime with the runner inline, and gives it 840 of its 900 seconds", () => {
    expect(one("db-roles-runner").inputs).toMatchObject({ runtime: RUNNER_RUNTIME, handler: "index.handler", timeout: 900, name: "shop-dev-db-roles" });
    expect(RUNNER_RUNTIME).toBe("nodejs24.x");
    expect(JSON.parse(one("db-roles-run").inputs.input as string)).toMatchObject({ container: "roles", timeoutSeconds: 840, taskDefinition: expect.stringContaining("task-definition/shop-dev-db-roles") });
  });

  it("runs the job only after the database exists, the database admits the job, and the grants have had time to apply", () => {
    expect(one("db-roles-run").options.dependsOn.map((u) => u.split("::").pop())).toEqual(["db-instance", "db-roles-ingress", "db-roles-iam-propagation"]);
  });

  it("lets the function start only the job's task definition in the stack's cluster, and pass only the job's role to ECS", () => {
    const doc = JSON.parse(one("db-roles-runner-policy").inputs.policy as string);
    expect(doc.Statement).toEqual([
      { Sid: "RunTheJob", Effect: "Allow", Action: ["ecs:RunTask"], Resource: "arn:aws:ecs:eu-west-2:123456789012:task-definition/shop-dev-db-roles:*", Condition: { ArnEquals: { "ecs:cluster": "arn:aws:ecs:eu-west-2:123456789012:cluster/shop-dev" } } },
      { Sid: "WatchTheJob", Effect: "Allow", Action: ["ecs:DescribeTasks", "ecs:StopTask"], Resource: "arn:aws:ecs:eu-west-2:123456789012:task/shop-dev/*", Condition: { ArnEquals: { "ecs:cluster": "arn:aws:ecs:eu-west-2:123456789012:cluster/shop-dev" } } },
      { Sid: "PassTheJobRole", Effect: "Allow", Action: ["iam:PassRole"], Resource: "arn:aws:iam::123456789012:role/shop-dev-db-roles-exec", Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
      expect.objectContaining({ Sid: "Logs" }),
    ]);
  });

  it("lets the job reach the database on 5432 and HTTPS, and nothing in", () => {
    const sg = one("db-roles-sg").inputs;
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toEqual([
      { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "image pull, Secrets Manager, CloudWatch Logs" },
      { protocol: "tcp", fromPort: 5432, toPort: 5432, securityGroups: ["db-sg-id"], description: "the database" },
    ]);
  });
});

describe("the images Freehold runs", () => {
  it("pins each by its index digest on Amazon ECR Public, and says where the digest was read", () => {
    for (const image of [POSTGRES_IMAGE, ALPINE_IMAGE]) {
      expect(image.ref).toMatch(/^public\.ecr\.aws\/docker\/library\/[a-z0-9-]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
      expect(image.source).toMatch(/^https:\/\/github\.com\/docker-library\/repo-info\/blob\/[0-9a-f]{40}\/repos\//);
    }
  });
});
