/**
 * The Azure backend's database roles, run for real: the exact command the
 * one-off container group runs, with the environment it is given, against a
 * PostgreSQL server set up as Azure Database for PostgreSQL flexible server
 * sets one up: the administrator login is not a superuser (LOGIN, CREATEROLE,
 * CREATEDB, REPLICATION, a member of azure_pg_admin:
 * https://learn.microsoft.com/azure/postgresql/security/security-access-control),
 * and the database belongs to azure_pg_admin, so the administrator acts on it
 * only through that membership.
 */
import { ROLE_VERIFIER_ENV, scramVerifier } from "@freehold/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_LOGIN, FORMER_APP_ROLE, ROLE_JOB_SCRIPT, roleJobScript } from "../packages/azure/src/database";
import { createDatabaseSql, operatorSql, STAND_INS } from "../packages/cli/src/migrate/drill/clouds";
import { run } from "../packages/cli/src/migrate/proc";
import { type CloudServer, DB, PASSWORDS, pgEnvironment, restoreAsAdministrator, roleModelChecks, startCloudServer } from "./database-roles-workload";

const ADMIN = { user: ADMIN_LOGIN, password: "Adm1nPasswordOfTheFlexibleServer" };
/** The password an earlier Freehold gave the read-write role under its former name: the same secret, kept. */
const FORMER_PASSWORD = PASSWORDS.app;
let s: CloudServer;

/** The container's command with the container's environment: the PG* settings, the administrator's password and both verifiers as secure values. */
const job = (v: { app: string; read: string }) => run("sh", ["-c", ROLE_JOB_SCRIPT], { env: { ...pgEnvironment(s), [ROLE_VERIFIER_ENV.readWrite]: v.app, [ROLE_VERIFIER_ENV.read]: v.read } });

beforeAll(async () => {
  s = await startCloudServer(
    "azure-roles",
    ADMIN,
    // As the cloud makes its administrator and the application's database: the drill's stand-in for azure.
    `${operatorSql(STAND_INS.azure, ADMIN.user, scramVerifier(ADMIN.password))}${createDatabaseSql(STAND_INS.azure, ADMIN.user, DB)}`,
  );
  // What an earlier Freehold left: its job (as the administrator) created the read-write role under its former name, and the
  // application created a table as that role.
  const former = await s.as(ADMIN.user, ADMIN.password, `CREATE ROLE ${FORMER_APP_ROLE} LOGIN PASSWORD '${FORMER_PASSWORD}'; GRANT USAGE, CREATE ON SCHEMA public TO ${FORMER_APP_ROLE};`);
  expect(former.code, former.stderr).toBe(0);
  const table = await s.as(FORMER_APP_ROLE, FORMER_PASSWORD, "CREATE TABLE carts (id serial PRIMARY KEY, item text); INSERT INTO carts (item) VALUES ('kept');");
  expect(table.code, table.stderr).toBe(0);
  await restoreAsAdministrator(s);
});

afterAll(async () => {
  await s?.pg.stop();
});

describe("the role model on Azure: the role job's container", () => {
  roleModelChecks(() => s, job);
});

describe("the Azure role job after an earlier Freehold's app_user", () => {
  it("hands what app_user owned to app, which reads, writes and alters it; app_read reads it", async () => {
    expect((await s.as(ADMIN.user, ADMIN.password, "SELECT tableowner FROM pg_tables WHERE tablename = 'carts'")).stdout.trim()).toBe("app");
    const w = await s.as("app", PASSWORDS.app, "INSERT INTO carts (item) VALUES ('new'); ALTER TABLE carts ADD COLUMN qty int; SELECT count(*) FROM carts;");
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout.trim()).toBe("2");
    expect((await s.as("app_read", PASSWORDS.read, "SELECT string_agg(item, ',' ORDER BY id) FROM carts")).stdout.trim()).toBe("kept,new");
  });

  it("keeps app_user working as a member of app, so services still rolling over to app lose nothing", async () => {
    const r = await s.as(FORMER_APP_ROLE, FORMER_PASSWORD, "INSERT INTO carts (item) VALUES ('old revision') RETURNING item; SELECT pg_has_role('app', 'USAGE')::text;");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual(["old revision", "true"]);
  });
});

describe("the Azure role job and replication: logical: what freehold replicate does as the administrator", () => {
  const runJob = (replication: "off" | "logical") =>
    run("sh", ["-c", roleJobScript(replication)], { env: { ...pgEnvironment(s), [ROLE_VERIFIER_ENV.readWrite]: "", [ROLE_VERIFIER_ENV.read]: "" } });
  // What replicate start does on a source, as the administrator: publish tables app owns, and stream them through a
  // logical slot with the pgoutput plugin, as a subscription's walsender does (both need the REPLICATION attribute).
  const publishAndStream = `SET ROLE app; CREATE TABLE IF NOT EXISTS replicated (id int PRIMARY KEY, v text); RESET ROLE;
CREATE PUBLICATION freehold_check FOR TABLE replicated;
SELECT 1 FROM pg_create_logical_replication_slot('freehold_check', 'pgoutput');
-- The test server runs with synchronous_commit off; decoding reads only WAL that is flushed.
SET synchronous_commit = on;
INSERT INTO replicated VALUES (1, 'streamed');
SELECT count(*) > 0 FROM pg_logical_slot_peek_binary_changes('freehold_check', NULL, NULL, 'proto_version', '1', 'publication_names', 'freehold_check');`;
  const cleanUp = "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'freehold_check'; DROP PUBLICATION IF EXISTS freehold_check; DROP TABLE IF EXISTS replicated;";

  it("with logical, leaves the administrator its REPLICATION attribute, with which it publishes app's tables and streams them", async () => {
    const on = await runJob("logical");
    expect(on.code, on.stderr).toBe(0);
    try {
      const r = await s.as(ADMIN.user, ADMIN.password, publishAndStream);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim().split("\n").at(-1)).toBe("t");
    } finally {
      await s.as(ADMIN.user, ADMIN.password, cleanUp);
    }
  });

  it("with off, tries to drop the attribute and warns, without failing, where the server does not let the administrator (a plain PostgreSQL 15 here)", async () => {
    const off = await runJob("off");
    expect(off.code, off.stderr).toBe(0);
    expect(off.stderr).toContain(`WARNING:  freehold: replication is off, but ${ADMIN.user} keeps the REPLICATION attribute: this server does not let it drop it`);
  });

  it("without the attribute the administrator can stream nothing: the right the job grants is the one replicate needs", async () => {
    expect((await s.superuser(`ALTER ROLE ${ADMIN.user} NOREPLICATION;`)).code).toBe(0);
    try {
      const r = await s.as(ADMIN.user, ADMIN.password, publishAndStream);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/must be superuser or replication role to use replication slots/);
    } finally {
      await s.as(ADMIN.user, ADMIN.password, cleanUp);
      await s.superuser(`ALTER ROLE ${ADMIN.user} REPLICATION;`);
    }
  });
});
