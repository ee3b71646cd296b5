/**
 * The Google Cloud backend's database roles, run for real: the exact command
 * the Cloud Run job runs, with the environment it is given, against a
 * PostgreSQL server set up as Cloud SQL sets one up: the administrator is a
 * user created through the Cloud SQL API (LOGIN, CREATEROLE, CREATEDB, a
 * member of cloudsqlsuperuser, not a superuser:
 * https://cloud.google.com/sql/docs/postgres/users), and the database belongs
 * to cloudsqlsuperuser, so the administrator acts on it only through that
 * membership.
 */
import { scramVerifier } from "@freehold/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabaseSql, operatorSql, STAND_INS } from "../packages/cli/src/migrate/drill/clouds";
import { run } from "../packages/cli/src/migrate/proc";
import { ADMIN_USER, ROLE_SCRIPT, ROLE_VERIFIERS_ENV, roleScript, WAIT_ENV } from "../packages/gcp/src/db-role";
import { type CloudServer, DB, PASSWORDS, pgEnvironment, restoreAsAdministrator, roleModelChecks, startCloudServer, verifiersOf } from "./database-roles-workload";

const ADMIN = { user: ADMIN_USER, password: "Adm1nPasswordOfTheCloudSqlUser" };
let s: CloudServer;

/** The job's command with the job's environment: the PG* settings, and the administrator's password and the verifiers from Secret Manager. */
const job = (v: { app: string; read: string }) => run("sh", ["-c", ROLE_SCRIPT], { env: { ...pgEnvironment(s), [ROLE_VERIFIERS_ENV]: `${v.app} ${v.read}` } });

beforeAll(async () => {
  s = await startCloudServer(
    "gcp-roles",
    ADMIN,
    // As the cloud makes its administrator and the application's database: the drill's stand-in for gcp.
    `${operatorSql(STAND_INS.gcp, ADMIN.user, scramVerifier(ADMIN.password))}${createDatabaseSql(STAND_INS.gcp, ADMIN.user, DB)}`,
  );
  await restoreAsAdministrator(s);
});

afterAll(async () => {
  await s?.pg.stop();
});

describe("the role model on Google Cloud: the role job", () => {
  roleModelChecks(() => s, job);

  it("takes app out of cloudsqlsuperuser (as a Cloud SQL API user of that name would be) where the administrator may, and otherwise refuses to go on", async () => {
    // What the Cloud SQL API does for every user it makes (the server's own superuser acting).
    expect((await s.superuser("GRANT cloudsqlsuperuser TO app")).code).toBe(0);
    const r = await job(verifiersOf(PASSWORDS));
    const member = (await s.as(ADMIN.user, ADMIN.password, "SELECT pg_has_role('app', 'cloudsqlsuperuser', 'MEMBER')")).stdout.trim();
    const pg16 = Number((await s.as(ADMIN.user, ADMIN.password, "SHOW server_version_num")).stdout.trim()) >= 160000;
    if (!pg16) {
      // Up to PostgreSQL 15 a CREATEROLE role may revoke any non-superuser role.
      expect(r.code, r.stderr).toBe(0);
      expect(member).toBe("f");
    } else {
      // From 16 it needs ADMIN OPTION on cloudsqlsuperuser: the job stops and says what to do.
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("freehold: role app is a member of cloudsqlsuperuser, which owns the database");
      expect((await s.superuser("REVOKE cloudsqlsuperuser FROM app")).code).toBe(0);
    }
  });

  it("fails, changing nothing, when the job is not given both verifiers", async () => {
    const r = await run("sh", ["-c", ROLE_SCRIPT], { env: { ...pgEnvironment(s), [ROLE_VERIFIERS_ENV]: "" } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/parameter not set|unbound variable/);
  });

  it("gives up within its bound when the database does not answer, saying so, and changes nothing", async () => {
    const started = Date.now();
    // A port nothing listens on: the job's wait, shortened to 1 s.
    const r = await run("sh", ["-c", ROLE_SCRIPT], { env: { ...pgEnvironment(s), PGPORT: "1", [WAIT_ENV]: "1", [ROLE_VERIFIERS_ENV]: "x y" } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("did not answer within 1 s from the stack's network; the application roles were not created");
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe("the Google Cloud role job and replication: logical", () => {
  it("fails the job, and so the up, with the reason, when the server will not give the administrator REPLICATION (a plain PostgreSQL 15 here; Cloud SQL lets cloudsqlsuperuser members set it)", async () => {
    const r = await run("sh", ["-c", roleScript("logical")], { env: { ...pgEnvironment(s), [ROLE_VERIFIERS_ENV]: `${verifiersOf(PASSWORDS).app} ${verifiersOf(PASSWORDS).read}` } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`freehold: replication: logical needs ${ADMIN.user} to replicate (freehold replicate connects as it), and this server would not let it: must be superuser to alter replication roles or change replication attribute`);
    // One transaction: nothing else the failed run did stays, and the administrator is as it was.
    expect((await s.superuser(`SELECT rolreplication::text FROM pg_roles WHERE rolname = '${ADMIN.user}'`)).stdout.trim()).toBe("false");
  });
});
