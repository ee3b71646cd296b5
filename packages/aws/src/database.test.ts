/**
 * The database as applications and operators meet it (issue 13 items 2, 6, 8
 * and 10): changes apply at `up`, applications connect as least-privilege
 * roles whose passwords RDS never rotates, the master login is for
 * administration only, and the PostgreSQL log group is Freehold's.
 */
import { APP_ROLES, deployStack, type MockRun, type PlannedResource, ROLE_SETUP_SQL, registerBackend, runWithMocks } from "@freehold/core";
import { parseStack } from "@freehold/model";
import { beforeAll, describe, expect, it } from "vitest";
import { SETUP_CONTAINER, SETUP_IMAGE } from "./db-roles";
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

  it("starts the application only after a setup container has set its role up from inside the VPC, with the master password injected into that container alone", () => {
    const [app, setup] = containers("web") as [Record<string, unknown>, Record<string, unknown>];
    expect(app.dependsOn).toEqual([{ containerName: SETUP_CONTAINER, condition: "SUCCESS" }]);
    expect(setup).toMatchObject({ name: SETUP_CONTAINER, image: SETUP_IMAGE, essential: false, readonlyRootFilesystem: true, user: "70:70" });
    expect(envOf(setup)).toMatchObject({ FREEHOLD_DBS: "1", FREEHOLD_1_ROLE: "app", FREEHOLD_1_USER: "freehold", FREEHOLD_1_DATABASE: "app", FREEHOLD_1_PORT: "5432", PGSSLMODE: "require", FREEHOLD_ROLE_SQL: ROLE_SETUP_SQL });
    expect(setup.secrets).toEqual([
      { name: "FREEHOLD_1_PASSWORD", valueFrom: expect.stringMatching(/:secret:rds!db-.*:password::$/) },
      { name: "FREEHOLD_1_VERIFIER", valueFrom: expect.stringMatching(/:secret:freehold\/shop-dev\/db\/app-[0-9a-f]{6}:verifier::[0-9a-f-]{36}$/) },
    ]);
    // The master password reaches no other container.
    expect(JSON.stringify(app)).not.toContain("rds!db-");
  });

  it("adds no setup container to a service without a database", () => {
    expect(containers("edge").map((c) => c.name)).toEqual(["app"]);
  });

  it("lets the execution role read the master secret and the link's own role secret, and nothing of the other role", () => {
    const doc = JSON.parse(one("reports-db-secret").inputs.policy as string);
    expect(doc.Statement[0].Resource).toEqual([expect.stringContaining(":secret:rds!db-"), expect.stringContaining(":secret:freehold/shop-dev/db/app_read-")]);
    expect(JSON.stringify(doc)).not.toMatch(/db\/app-/);
  });
});

describe("the PostgreSQL log group", () => {
  it("are created by Freehold before the instance, under the names RDS exports the server and upgrade logs to, with the stack's retention", () => {
    expect(one("db-logs").inputs).toMatchObject({ name: "/aws/rds/instance/shop-dev-db/postgresql", retentionInDays: 30, region: "eu-west-2" });
    expect(one("db-upgrade-logs").inputs).toMatchObject({ name: "/aws/rds/instance/shop-dev-db/upgrade", retentionInDays: 30, region: "eu-west-2" });
    expect(one("db-instance").options.dependsOn).toEqual([expect.stringContaining("db-logs"), expect.stringContaining("db-upgrade-logs")]);
    expect(one("db-instance").inputs.enabledCloudwatchLogsExports).toEqual(["postgresql", "upgrade"]);
  });
});
