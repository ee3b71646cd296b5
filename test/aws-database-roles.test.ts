/**
 * The AWS backend's database roles, run for real: the exact shell command and
 * SQL the role job's container runs, with the environment and secrets its task
 * definition gives it (ECS injects the secrets as variables), against a
 * PostgreSQL server set up as RDS sets one up: the master user `freehold` is not
 * a superuser (LOGIN, CREATEROLE, CREATEDB, a member of rds_superuser) and owns
 * the database RDS created
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.html).
 */
import { ROLE_VERIFIER_ENV } from "@freehold/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MASTER_USERNAME } from "../packages/aws/src/database";
import { ROLE_JOB_CONTAINER, roleJobContainers, roleJobScript } from "../packages/aws/src/role-job";
import { run } from "../packages/cli/src/migrate/proc";
import { type CloudServer, DB, JOB_PATH, PASSWORDS, restoreAsAdministrator, roleModelChecks, startCloudServer, verifiersOf } from "./database-roles-workload";

const MASTER = { user: MASTER_USERNAME, password: "MasterPassw0rdThatRdsRotates" };
let s: CloudServer;

/** The job's container, as its task definition describes it for this server. */
function jobContainer(replication: "off" | "logical" = "off") {
  const defs = JSON.parse(
    roleJobContainers({
      host: s.pg.host,
      port: s.pg.port,
      database: DB,
      masterUser: MASTER.user,
      masterSecretArn: "arn:aws:secretsmanager:eu-west-2:123456789012:secret:rds!db-1",
      verifiers: { readWrite: "app-verifier-ref", read: "read-verifier-ref" },
      logGroup: "/freehold/t/db-roles",
      region: "eu-west-2",
      replication,
    }),
  ) as Array<{ name: string; command: string[]; environment: Array<{ name: string; value: string }>; secrets: Array<{ name: string; valueFrom: string }> }>;
  return defs.find((c) => c.name === ROLE_JOB_CONTAINER) as (typeof defs)[number];
}

/** Runs the job's command with its environment, and the secrets ECS would inject: the master password and both verifiers. */
function job(v: { app: string; read: string }, masterPassword = MASTER.password, replication: "off" | "logical" = "off") {
  const c = jobContainer(replication);
  const env: Record<string, string> = { PATH: JOB_PATH };
  for (const e of c.environment) env[e.name] = e.value;
  const values: Record<string, string> = { PGPASSWORD: masterPassword, [ROLE_VERIFIER_ENV.readWrite]: v.app, [ROLE_VERIFIER_ENV.read]: v.read };
  expect(c.secrets.map((x) => x.name).sort()).toEqual(Object.keys(values).sort());
  Object.assign(env, values);
  // The test server has no TLS; RDS requires it (rds.force_ssl), and the job asks for it.
  env.PGSSLMODE = "disable";
  const script = roleJobScript(replication);
  expect(c.command).toEqual(["sh", "-c", script]);
  return run("sh", ["-c", script], { env });
}

beforeAll(async () => {
  s = await startCloudServer(
    "aws-roles",
    MASTER,
    `CREATE ROLE rds_superuser NOLOGIN;
     CREATE ROLE ${MASTER.user} LOGIN CREATEROLE CREATEDB IN ROLE rds_superuser PASSWORD '${MASTER.password}';
     CREATE DATABASE ${DB} OWNER ${MASTER.user};`,
  );
  await restoreAsAdministrator(s);
});

afterAll(async () => {
  await s?.pg.stop();
});

describe("the role model on AWS: the database's role job", () => {
  roleModelChecks(() => s, job);
});

describe("the AWS role job", () => {
  it("runs as the master user with the password ECS injects, and fails (so the up fails) when that password is wrong", async () => {
    const bad = await job(verifiersOf(PASSWORDS), "wrong");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/password authentication failed for user "freehold"/);
  });

  it("asks for a verified connection: verify-full against the CA file the task prepares", () => {
    const env = Object.fromEntries(
      (JSON.parse(roleJobContainers({ host: "h", port: 5432, database: DB, masterUser: MASTER.user, masterSecretArn: "a", verifiers: { readWrite: "x", read: "y" }, serverCa: "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n", logGroup: "g", region: "eu-west-2" }))[1].environment as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]),
    );
    expect(env).toMatchObject({ PGSSLMODE: "verify-full", PGSSLROOTCERT: "/etc/freehold/tls/database-ca.pem", PGUSER: "freehold", HOME: "/tmp" });
  });
});

describe("the AWS role job and replication: logical, over a stack's life (on, off, on)", () => {
  /** Whether the master user is a member of rds_replication, and how many direct memberships it has there. */
  const state = async () =>
    (
      await s.superuser(
        `SELECT pg_has_role('${MASTER.user}', 'rds_replication', 'MEMBER')::text || ' ' || count(*) FROM pg_auth_members m WHERE m.roleid = 'rds_replication'::regrole AND m.member = '${MASTER.user}'::regrole;`,
        DB,
      )
    ).stdout.trim();
  const runJob = async (replication: "off" | "logical") => {
    const r = await job(verifiersOf(PASSWORDS), MASTER.password, replication);
    expect(r.code, r.stderr).toBe(0);
    return r;
  };

  it("grants the master user rds_replication with logical, once however often it runs, and revokes it with off", async () => {
    // RDS has the role; the stand-in's superuser makes it, as RDS's own operator would.
    expect((await s.superuser("CREATE ROLE rds_replication NOLOGIN;")).code).toBe(0);
    expect(await state()).toBe("false 0");
    await runJob("logical");
    expect(await state()).toBe("true 1");
    await runJob("logical");
    expect(await state()).toBe("true 1");
    await runJob("off");
    expect(await state()).toBe("false 0");
    await runJob("logical");
    expect(await state()).toBe("true 1");
    await runJob("off");
    expect(await state()).toBe("false 0");
  });

  it("with off, revokes a grant whose grantor was dropped since (PostgreSQL 15 keeps its OID), and keeps one a superuser made", async () => {
    expect((await s.superuser(`CREATE ROLE gone CREATEROLE; SET ROLE gone; GRANT rds_replication TO ${MASTER.user}; RESET ROLE; DROP ROLE gone;`)).code).toBe(0);
    expect(await state()).toBe("true 1");
    await runJob("off");
    expect(await state()).toBe("false 0");
    expect((await s.superuser(`GRANT rds_replication TO ${MASTER.user};`)).code).toBe(0);
    await runJob("off");
    expect(await state()).toBe("true 1");
    expect((await s.superuser(`REVOKE rds_replication FROM ${MASTER.user};`)).code).toBe(0);
  });

  it("leaves what RDS itself gives alone: a master user that replicates through rds_superuser gets no grant, and off takes nothing away", async () => {
    expect((await s.superuser("GRANT rds_replication TO rds_superuser;")).code).toBe(0);
    try {
      await runJob("logical");
      expect(await state()).toBe("true 0");
      await runJob("off");
      expect(await state()).toBe("true 0");
    } finally {
      await s.superuser("REVOKE rds_replication FROM rds_superuser;");
    }
  });
});
