/**
 * The AWS backend's database roles, run for real: the exact shell script and
 * SQL the setup container runs, with the environment and secrets ECS gives
 * it, against a PostgreSQL server set up as RDS sets one up: the master user
 * `freehold` is not a superuser (LOGIN, CREATEROLE, CREATEDB, a member of
 * rds_superuser) and owns the database RDS created
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.html).
 */
import { scramVerifier } from "@freehold/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MASTER_USERNAME } from "../packages/aws/src/database";
import { SETUP_SCRIPT, type SetupTarget, setupEnvironment } from "../packages/aws/src/db-roles";
import { createDatabaseSql, operatorSql, STAND_INS } from "../packages/cli/src/migrate/drill/clouds";
import { run } from "../packages/cli/src/migrate/proc";
import { type CloudServer, DB, JOB_PATH, PASSWORDS, restoreAsAdministrator, roleModelChecks, startCloudServer, verifiersOf } from "./database-roles-workload";

const MASTER = { user: MASTER_USERNAME, password: "MasterPassw0rdThatRdsRotates" };
let s: CloudServer;

/** The setup container's command, with what ECS injects: for each target, the master password and the linked role's verifier. */
function setup(targets: Array<{ role: SetupTarget["role"]; verifier: string }>, masterPassword = MASTER.password) {
  const { environment, secrets } = setupEnvironment(
    targets.map((t) => ({ host: s.pg.host, port: s.pg.port, database: DB, masterUser: MASTER.user, masterSecretArn: "arn:aws:secretsmanager:eu-west-2:1:secret:rds!db-1", role: t.role, verifierFrom: "x" })),
  );
  const env: Record<string, string> = { PATH: JOB_PATH, HOME: "/tmp" };
  for (const e of environment) env[e.name] = e.value;
  targets.forEach((t, i) => {
    env[`FREEHOLD_${i + 1}_PASSWORD`] = masterPassword;
    env[`FREEHOLD_${i + 1}_VERIFIER`] = t.verifier;
  });
  expect(secrets.map((x) => x.name)).toEqual(targets.flatMap((_, i) => [`FREEHOLD_${i + 1}_PASSWORD`, `FREEHOLD_${i + 1}_VERIFIER`]).sort());
  // The test server has no TLS; RDS requires it (rds.force_ssl), and the container asks for it (PGSSLMODE=require).
  env.PGSSLMODE = "disable";
  return run("sh", ["-c", SETUP_SCRIPT], { env });
}

beforeAll(async () => {
  s = await startCloudServer(
    "aws-roles",
    MASTER,
    // As the cloud makes its administrator and the application's database: the drill's stand-in for aws.
    `${operatorSql(STAND_INS.aws, MASTER.user, scramVerifier(MASTER.password))}${createDatabaseSql(STAND_INS.aws, MASTER.user, DB)}`,
  );
  await restoreAsAdministrator(s);
});

afterAll(async () => {
  await s?.pg.stop();
});

describe("the role model on AWS: the setup container of a service linked read-write and of one linked read-only", () => {
  // A service's tasks set up their own link's role; here both links' tasks run, one after the other.
  roleModelChecks(
    () => s,
    async (v) => {
      const rw = await setup([{ role: "readWrite", verifier: v.app }]);
      if (rw.code !== 0) return rw;
      const ro = await setup([{ role: "read", verifier: v.read }]);
      return { ...ro, stdout: `${rw.stdout}${ro.stdout}`, stderr: `${rw.stderr}${ro.stderr}` };
    },
  );
});

describe("the AWS setup container", () => {
  it("says which role it set up, in which database", async () => {
    const r = await setup([{ role: "read", verifier: verifiersOf(PASSWORDS).read }]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`freehold: role app_read ready in ${DB} on ${s.pg.host}`);
  });

  it("sets only the linked role's password: a read-only service's task never holds app's verifier", async () => {
    expect((await setup([{ role: "read", verifier: verifiersOf({ app: "x", read: `${PASSWORDS.read}New` }).read }])).code).toBe(0);
    expect((await s.as("app", PASSWORDS.app, "SELECT 1")).code).toBe(0);
    expect((await s.as("app_read", `${PASSWORDS.read}New`, "SELECT 1")).code).toBe(0);
    expect((await setup([{ role: "read", verifier: verifiersOf(PASSWORDS).read }])).code).toBe(0);
  });

  it("lets tasks starting together set the roles up at once (the advisory lock serialises them), and keeps the passwords", async () => {
    const v = verifiersOf(PASSWORDS);
    const runs = await Promise.all([1, 2, 3, 4].map((i) => setup([{ role: i % 2 ? "readWrite" : "read", verifier: i % 2 ? v.app : v.read }])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect((await s.as("app", PASSWORDS.app, "SELECT 1")).code).toBe(0);
    expect((await s.as("app_read", PASSWORDS.read, "SELECT 1")).code).toBe(0);
  });

  it("sets up every linked database in one run and fails the task when the master password is wrong", async () => {
    const v = verifiersOf(PASSWORDS);
    const both = await setup([
      { role: "readWrite", verifier: v.app },
      { role: "read", verifier: v.read },
    ]);
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout.match(/freehold: role \S+ ready in app on/g)).toHaveLength(2);
    const bad = await setup([{ role: "readWrite", verifier: v.app }], "wrong");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/password authentication failed for user "freehold"/);
  });
});
