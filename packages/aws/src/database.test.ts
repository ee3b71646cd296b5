/**
 * The database as applications and operators meet it (issue 13 items 2, 6, 8
 * and 10): changes apply at `up`, applications connect as least-privilege
 * roles whose passwords RDS never rotates, the master login is for
 * administration only, and the PostgreSQL log group is Freehold's.
 */
import { APP_ROLES, deployStack, type MockRun, type PlannedResource, registerBackend, runWithMocks } from "@freehold/core";
import { parseStack } from "@freehold/model";
import { AWS_RULES } from "@freehold/rules";
import { beforeAll, describe, expect, it } from "vitest";
import { PREPARE_CONTAINER } from "./containers";
import { parameterGroupParameters } from "./database";
import { POSTGRES_IMAGE } from "./images";
import { ROLE_JOB_CONTAINER, ROLE_JOB_SCRIPT, roleJobScript } from "./role-job";
import { backend } from "./index";

registerBackend(backend);

const STACK = `
name: shop
components:
  db: { kind: database, version: "16" }
  web: { kind: web-service, image: ghcr.io/example/shop:1.0, links: [db] }
  reports: { kind: web-service, image: ghcr.io/example/reports:1.0, links: [{ to: db, access: read }] }
  edge: { kind: web-service, image: ghcr.io/example/edge:1.0 }
`;

let run: MockRun;
const one = (name: string): PlannedResource => {
  const found = run.resources.filter((r) => r.name === name);
  expect(found, name).toHaveLength(1);
  return found[0] as PlannedResource;
};
const containers = (service: string) => JSON.parse(one(`${service}-task`).inputs.containerDefinitions as string) as Array<Record<string, unknown>>;
const envOf = (c: Record<string, unknown>) => Object.fromEntries((c.environment as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]));

beforeAll(async () => {
  run = await runWithMocks("aws", () => deployStack(parseStack(STACK)).outputs);
});

describe("changes to the database apply when the user runs up", () => {
  it("sets applyImmediately, so size, storage, Multi-AZ and version changes are not left for the maintenance window", () => {
    expect(one("db-instance").inputs).toMatchObject({ applyImmediately: true, allowMajorVersionUpgrade: true });
  });

  it("lets a vendor setting choose the maintenance window instead", async () => {
    const r = await runWithMocks("aws", () => deployStack(parseStack("name: v\ncomponents:\n  db: { kind: database, vendor: { aws: { instance: { applyImmediately: false, maintenanceWindow: sun:02:00-sun:03:00 } } } }")));
    expect(r.resources.find((x) => x.name === "db-instance")?.inputs).toMatchObject({ applyImmediately: false, maintenanceWindow: "sun:02:00-sun:03:00" });
  });

  it("names the parameter group after the major version, so an upgrade creates the new group before moving the instance", () => {
    expect(one("db-params").inputs).toMatchObject({ name: "shop-dev-db-postgres16", family: "postgres16" });
  });

  it("gives every instance a new final snapshot name, from a random value renewed with whatever replaces the instance", () => {
    expect(one("db-final-snapshot-id").inputs).toEqual({ byteLength: 4, keepers: { dbName: "app", engine: "postgres", identifier: "shop-dev-db", username: "freehold" } });
    expect(one("db-instance").propertyDependencies.finalSnapshotIdentifier).toEqual([expect.stringContaining("db-final-snapshot-id")]);
  });
});

describe("applications connect as least-privilege roles, never as the master user", () => {
  it("makes the neutral outputs the read-write application role, not the master user", async () => {
    const r = await runWithMocks("aws", () => {
      const { components } = deployStack(parseStack("name: o\ncomponents:\n  db: { kind: database }"));
      return { username: (components.db as unknown as { username: unknown }).username };
    });
    expect(r.outputs).toEqual({ username: APP_ROLES.readWrite });
  });

  it("keeps each role's password in Freehold's own Secrets Manager secret, deleted at once with the stack, never in RDS's rotated secret", () => {
    for (const [key, role] of [
      ["app", "app"],
      ["reader", "app_read"],
    ] as const) {
      expect(one(`db-${key}-password`).inputs).toMatchObject({ length: 40, special: false });
      expect(one(`db-${key}-secret`).inputs).toMatchObject({ name: `freehold/shop-dev/db/${role}`, recoveryWindowInDays: 0, region: "eu-west-2" });
      expect(one(`db-${key}-secret-value`).inputs.secretString).toBe("[secret]");
    }
    expect(one("db-instance").inputs).toMatchObject({ manageMasterUserPassword: true, username: "freehold" });
  });

  it("gives a read-write link the app role and a read link the app_read role, each with its own pinned secret", () => {
    const web = containers("web")[0] as Record<string, unknown>;
    const reports = containers("reports")[0] as Record<string, unknown>;
    expect(envOf(web).DATABASE_USER).toBe("app");
    expect(envOf(reports).DATABASE_USER).toBe("app_read");
    expect(web.secrets).toEqual([{ name: "DATABASE_PASSWORD", valueFrom: expect.stringMatching(/:secret:freehold\/shop-dev\/db\/app-[0-9a-f]{6}:password::[0-9a-f-]{36}$/) }]);
    expect(reports.secrets).toEqual([{ name: "DATABASE_PASSWORD", valueFrom: expect.stringMatching(/:secret:freehold\/shop-dev\/db\/app_read-[0-9a-f]{6}:password::[0-9a-f-]{36}$/) }]);
  });

  it("sets the roles up once per database, in one job the services wait for, with the master password injected into that job alone", () => {
    const jobs = run.resources.filter((r) => r.type === "aws:lambda/invocation:Invocation");
    expect(jobs.map((j) => j.name)).toEqual(["db-roles-run"]);
    const [prepare, job] = JSON.parse(one("db-roles-task").inputs.containerDefinitions as string) as Array<Record<string, unknown>>;
    expect(prepare?.name).toBe(PREPARE_CONTAINER);
    expect(job).toMatchObject({ name: ROLE_JOB_CONTAINER, image: POSTGRES_IMAGE.ref, essential: true, readonlyRootFilesystem: true, user: "70:70", command: ["sh", "-c", ROLE_JOB_SCRIPT] });
    expect(envOf(job as Record<string, unknown>)).toMatchObject({ PGUSER: "freehold", PGDATABASE: "app", PGPORT: "5432", PGSSLMODE: "verify-full", PGSSLROOTCERT: "/etc/freehold/tls/database-ca.pem" });
    expect(job?.secrets).toEqual([
      { name: "FREEHOLD_APP_VERIFIER", valueFrom: expect.stringMatching(/:secret:freehold\/shop-dev\/db\/app-[0-9a-f]{6}:verifier::[0-9a-f-]{36}$/) },
      { name: "FREEHOLD_READ_VERIFIER", valueFrom: expect.stringMatching(/:secret:freehold\/shop-dev\/db\/app_read-[0-9a-f]{6}:verifier::[0-9a-f-]{36}$/) },
      { name: "PGPASSWORD", valueFrom: expect.stringMatching(/:secret:rds!db-.*:password::$/) },
    ]);
    // No service's task definition mentions the master secret.
    for (const service of ["web", "reports", "edge"]) expect(one(`${service}-task`).inputs.containerDefinitions as string).not.toContain("rds!db-");
  });

  it("makes each linked service's DATABASE_USER, and so its task definition, wait for the role job", () => {
    const task = one("web-task");
    expect(task.propertyDependencies.containerDefinitions).toContainEqual(expect.stringContaining("db-roles-run"));
  });

  it("runs no role job for a database no one links to", async () => {
    const lone = await runWithMocks("aws", () => deployStack(parseStack("name: lone\ncomponents:\n  db: { kind: database }")).outputs);
    expect(lone.resources.filter((r) => r.name.startsWith("db-roles"))).toEqual([]);
    expect(lone.resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway")).toEqual([]);
  });

  it("lets a service's execution role read its own role's secret and nothing else: not the master secret, not the other role's", () => {
    const doc = JSON.parse(one("reports-db-secret").inputs.policy as string);
    expect(doc.Statement[0].Resource).toEqual(expect.stringContaining(":secret:freehold/shop-dev/db/app_read-"));
    expect(JSON.stringify(doc)).not.toMatch(/db\/app-|rds!db-/);
  });

  it("lets only the role job's execution role read the master secret", () => {
    const readers = run.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && String(r.inputs.policy).includes("rds!db-"));
    expect(readers.map((r) => r.name)).toEqual(["db-roles-execution-policy"]);
  });
});

describe("the PostgreSQL log group", () => {
  it("are created by Freehold before the instance, under the names RDS exports the server and upgrade logs to, with the stack's retention", () => {
    expect(one("db-logs").inputs).toMatchObject({ name: "/aws/rds/instance/shop-dev-db/postgresql", retentionInDays: 365, region: "eu-west-2" });
    expect(one("db-upgrade-logs").inputs).toMatchObject({ name: "/aws/rds/instance/shop-dev-db/upgrade", retentionInDays: 365, region: "eu-west-2" });
    expect(one("db-instance").options.dependsOn).toEqual([expect.stringContaining("db-logs"), expect.stringContaining("db-upgrade-logs")]);
    expect(one("db-instance").inputs.enabledCloudwatchLogsExports).toEqual(["postgresql", "upgrade"]);
  });
});

describe("a database that asks for logical replication on RDS", () => {
  let logicalRun: MockRun;
  beforeAll(async () => {
    logicalRun = await runWithMocks("aws", () => deployStack(parseStack("name: shop\ncomponents:\n  db: { kind: database, replication: logical }\n")).outputs);
  });

  it("sets rds.logical_replication = 1 with applyMethod pending-reboot beside rds.force_ssl in its parameter group", () => {
    const group = logicalRun.resources.find((r) => r.type === "aws:rds/parameterGroup:ParameterGroup");
    expect(group?.inputs.parameters).toEqual([
      { name: "rds.force_ssl", value: "1" },
      { name: "rds.logical_replication", value: "1", applyMethod: "pending-reboot" },
    ]);
    // The description is a replacement field: switching replication on must not replace the group.
    expect(group?.inputs.description).toBe("Freehold: TLS required");
  });

  it("leaves the parameter group as it was when replication is off", () => {
    expect(parameterGroupParameters("off")).toEqual([{ name: "rds.force_ssl", value: "1" }]);
  });

  it("follows the rule book: RDS refuses the static parameter with applyMethod immediate", () => {
    const check = AWS_RULES.types["aws:rds/parameterGroup:ParameterGroup"]?.checks?.find((c) => c.path === "parameters");
    expect(check?.test([{ name: "rds.logical_replication", value: "1" }], {} as never)).toBe(
      "InvalidParameterCombination: cannot use immediate apply method for static parameter rds.logical_replication (use pending-reboot)",
    );
    expect(check?.test(parameterGroupParameters("logical"), {} as never)).toBeUndefined();
  });
  it("runs the role job with the logical script, so the master user may replicate, and switching back to off runs the off script", async () => {
    const withJob = (replication: string) => `name: shop\ncomponents:\n  db: { kind: database, replication: ${replication} }\n  web: { kind: web-service, image: ghcr.io/example/shop:1.0, links: [db] }\n`;
    const command = async (replication: string) => {
      const r = await runWithMocks("aws", () => deployStack(parseStack(withJob(replication))).outputs);
      const task = r.resources.find((x) => x.name === "db-roles-task");
      const defs = JSON.parse(task?.inputs.containerDefinitions as string) as Array<{ name: string; command: string[] }>;
      return defs.find((c) => c.name === ROLE_JOB_CONTAINER)?.command;
    };
    expect(await command("logical")).toEqual(["sh", "-c", roleJobScript("logical")]);
    expect(roleJobScript("logical")).toContain("EXECUTE format('GRANT %I TO %I', 'rds_replication', admin);");
    // Off again: the task definition changes back, a new revision, so the job runs and takes back what it granted.
    expect(await command("off")).toEqual(["sh", "-c", ROLE_JOB_SCRIPT]);
    expect(ROLE_JOB_SCRIPT).toContain("EXECUTE format('REVOKE %I FROM %I', r.name, admin);");
  });
});
