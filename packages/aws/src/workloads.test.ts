import { deployStack, type MockRun, type PlannedResource, priceRun, registerBackend, runWithMocks } from "@freehold/core";
import { type Cron, cronMatches, defaultUsage, parseCron, parseStack } from "@freehold/model";
import { beforeAll, describe, expect, it } from "vitest";
import { awsCron } from "./cron";
import { backend } from "./index";

registerBackend(backend);

const cron = (text: string): Cron => {
  const parsed = parseCron(text);
  if (!parsed.cron) throw new Error(parsed.problems.join("; "));
  return parsed.cron;
};

/** AWS's cron(...) read back as standard cron: days 1-7 from Sunday moved down, `?` as `*`, the year dropped. */
function fromAws(expression: string): Cron {
  const fields = (/^cron\((.*)\)$/.exec(expression)?.[1] ?? "").split(" ");
  const std = (f: string) => (f === "?" ? "*" : f);
  const dow = fields[4] === "?" ? "*" : (fields[4] ?? "").replace(/\d+/g, (d) => String(Number(d) - 1));
  return cron([std(fields[0] ?? ""), std(fields[1] ?? ""), std(fields[2] ?? ""), std(fields[3] ?? ""), dow].join(" "));
}

/** Every quarter hour of January to April 2025 (month ends, a short month, every weekday): do the two schedules run at the same minutes? */
function sameRuns(a: Cron, b: Cron): boolean {
  for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2025, 4, 1); t += 15 * 60_000) {
    const d = new Date(t);
    const at = { minute: d.getUTCMinutes(), hour: d.getUTCHours(), dayOfMonth: d.getUTCDate(), month: d.getUTCMonth() + 1, dayOfWeek: d.getUTCDay() };
    if (cronMatches(a, at) !== cronMatches(b, at)) return false;
  }
  return true;
}

describe("a job's schedule in EventBridge Scheduler's cron", () => {
  it("writes standard cron as AWS's six fields with the same runs (days of the week counted from 1, ? in the other day field)", () => {
    for (const text of ["*/15 * * * *", "30 6 * * 1-5", "0 0 1,15 * *", "45 23 * 1-3 0"]) {
      const aws = awsCron(cron(text));
      expect(aws.ok, text).toBe(true);
      if (aws.ok) expect(sameRuns(cron(text), fromAws(aws.expression)), `${text} -> ${aws.expression}`).toBe(true);
    }
    expect(awsCron(cron("30 6 * * 1-5"))).toEqual({ ok: true, expression: "cron(30 6 ? * 2-6 *)" });
  });

  it("refuses a schedule restricted on both day fields, which AWS's cron cannot say, with the reason", () => {
    const both = awsCron(cron("0 2 1 * 1"));
    expect(both).toMatchObject({ ok: false, reason: expect.stringContaining("restricts both the day of month and the day of week") });
  });
});

const STACK = `
name: shop
components:
  db: { kind: database }
  files: { kind: object-store }
  mailer:
    kind: worker
    image: ghcr.io/example/shop:1.0
    args: [worker]
    scaling: { min: 1, max: 4 }
    links: [db, { to: files, access: read }]
  nightly:
    kind: scheduled-job
    image: ghcr.io/example/shop:1.0
    args: [report]
    schedule: "0 2 * * *"
    timeoutSeconds: 900
    retries: 2
    links: [db]
`;

describe("worker and scheduled job on AWS", () => {
  let run: MockRun;
  const one = (name: string): PlannedResource => {
    const found = run.resources.filter((x) => x.name === name);
    expect(found, name).toHaveLength(1);
    return found[0] as PlannedResource;
  };
  beforeAll(async () => {
    run = await runWithMocks("aws", () => deployStack(parseStack(STACK)).outputs, { project: "shop" });
  });

  it("runs a worker as an ECS service with no load balancer, in private subnets, behind a security group that admits nothing", () => {
    const service = one("mailer-service");
    expect(service.type).toBe("aws:ecs/service:Service");
    expect(service.inputs.loadBalancers ?? []).toEqual([]);
    expect(service.inputs).toMatchObject({ launchType: "FARGATE", networkConfiguration: { assignPublicIp: false } });
    expect(one("mailer-sg").inputs.ingress ?? []).toEqual([]);
    expect(run.resources.filter((r) => r.name.startsWith("mailer-") && /^aws:lb\//.test(r.type))).toEqual([]);
  });

  it("waits for a worker's deployment to reach a steady state, so a worker that crashes at start fails the up", () => {
    expect(one("mailer-service").inputs).toMatchObject({ waitForSteadyState: true, deploymentCircuitBreaker: { enable: true, rollback: true } });
  });

  it("scales a worker on CPU between its bounds", () => {
    expect(one("mailer-scaling").inputs).toMatchObject({ minCapacity: 1, maxCapacity: 4 });
    expect(JSON.stringify(one("mailer-scaling-cpu").inputs)).toContain("ECSServiceAverageCPUUtilization");
  });

  it("schedules a job with EventBridge Scheduler in Europe/London, starting a state machine that times the task out and retries it", () => {
    expect(one("nightly-schedule").inputs).toMatchObject({ scheduleExpression: "cron(0 2 * * ? *)", scheduleExpressionTimezone: "Europe/London", flexibleTimeWindow: { mode: "OFF" } });
    const definition = JSON.parse(String(one("nightly-state-machine").inputs.definition)) as { States: Record<string, { Resource?: string; TimeoutSeconds?: number; Choices?: Array<{ Condition: string }> }> };
    expect(definition.States.Run).toMatchObject({ Resource: "arn:aws:states:::ecs:runTask.sync", TimeoutSeconds: 900 });
    expect(definition.States["Failed run"]?.Choices?.[0]?.Condition).toBe("{% $attempt <= 2 %}");
  });

  it("lets the state machine tag the tasks it starts (tags on create need ecs:TagResource), only at RunTask and only in this cluster", () => {
    const policy = JSON.parse(String(one("nightly-state-machine-policy").inputs.policy)) as { Statement: Array<{ Sid: string; Action: string[]; Resource: string; Condition?: unknown }> };
    const tag = policy.Statement.find((s) => s.Action.includes("ecs:TagResource"));
    expect(tag).toEqual({ Sid: "TagTheTasksItStarts", Effect: "Allow", Action: ["ecs:TagResource"], Resource: expect.stringMatching(/^arn:aws:ecs:eu-west-2:\d+:task\/[^/]+\/\*$/), Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } } });
  });

  it("logs the state machine's failed runs (FSBP StepFunctions.1) to a vended-logs group kept as long as the task's logs, without payloads", () => {
    expect(one("nightly-state-machine-logs")).toMatchObject({ type: "aws:cloudwatch/logGroup:LogGroup", inputs: { name: expect.stringMatching(/^\/aws\/vendedlogs\/states\//), retentionInDays: expect.any(Number) } });
    expect(one("nightly-state-machine").inputs.loggingConfiguration).toMatchObject({ level: "ERROR", includeExecutionData: false, logDestination: expect.stringMatching(/:log-group:.*:\*$/) });
    const policy = JSON.parse(String(one("nightly-state-machine-policy").inputs.policy)) as { Statement: Array<{ Action: string[]; Resource: string }> };
    expect(policy.Statement.find((s) => s.Action.includes("logs:CreateLogDelivery"))?.Resource).toBe("*");
  });

  it("lets the scheduler start only this state machine, and outputs the command that runs the job now", () => {
    const policy = JSON.parse(String(one("nightly-scheduler-policy").inputs.policy)) as { Statement: Array<{ Action: string[]; Resource: string }> };
    expect(policy.Statement).toEqual([{ Effect: "Allow", Action: ["states:StartExecution"], Resource: expect.stringContaining(":stateMachine:") }]);
    expect((run.outputs as { nightly: { runCommand: string } }).nightly.runCommand).toMatch(/^aws stepfunctions start-execution --region eu-west-2 --state-machine-arn arn:aws:states:/);
  });

  it("prices neither with a load balancer: the worker's tasks all month, the job's runs and its state transitions", () => {
    const priced = priceRun(backend.pricing, run, defaultUsage());
    const worker = (priced.components.get("mailer") ?? []).map((l) => l.item).join("\n");
    expect(worker).toMatch(/vCPU/);
    expect(worker).not.toMatch(/load balancer|LCU/i);
    const job = (priced.components.get("nightly") ?? []).map((l) => l.item).join("\n");
    expect(job).toMatch(/state transition/i);
    expect(priced.priced.unpriced).toEqual([]);
  });
});
