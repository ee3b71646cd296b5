/**
 * The AWS backend's database role setup, run for real: the exact shell script
 * and SQL the setup container runs, against a PostgreSQL server where the
 * master user is not a superuser (CREATEROLE, CREATEDB, owner of the
 * database), as on RDS. The passwords are set from the SCRAM verifiers the
 * backend computes, and the roles log in with the plain passwords.
 */
import { SETUP_SCRIPT, setupEnvironment } from "../packages/aws/src/db-roles";
import { scramVerifier } from "../packages/aws/src/scram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgTool, run } from "../packages/cli/src/migrate/proc";
import { type PostgresServer, startPostgres } from "../packages/cli/src/migrate/servers";

const MASTER = { user: "freehold", password: "master-Pw-1" };
const APP = { password: "AppPassword0123456789abcdefABCDEF0123456" };
const READER = { password: "ReaderPassword0123456789abcdefABCDEF0123" };
const DB = "marketplace";

let pg: PostgresServer;
const psql = pgTool("psql");
const binDir = psql.replace(/\/psql$/, "");

async function sql(user: string, password: string, statement: string) {
  return run(psql, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", pg.host, "-p", String(pg.port), "-U", user, "-d", DB, "-c", statement], {
    env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: "5" },
  });
}

/** Run the setup container's command for these roles, with the secrets ECS would inject. */
async function setup(roles: Array<{ role: "readWrite" | "read"; password: string }>) {
  const targets = roles.map((r) => ({ host: pg.host, port: pg.port, database: DB, masterUser: MASTER.user, masterSecretArn: "arn:aws:secretsmanager:eu-west-2:1:secret:m", role: r.role, verifierFrom: "x" }));
  const { environment, secrets } = setupEnvironment(targets);
  const env: Record<string, string> = { PATH: `${binDir}:${process.env.PATH}`, HOME: "/tmp" };
  for (const e of environment) env[e.name] = e.value;
  // What ECS injects from the secrets: the master password and each role's verifier.
  roles.forEach((r, i) => {
    env[`FREEHOLD_${i + 1}_PASSWORD`] = MASTER.password;
    env[`FREEHOLD_${i + 1}_VERIFIER`] = scramVerifier(r.password);
  });
  expect(secrets.map((s) => s.name)).toEqual(roles.flatMap((_, i) => [`FREEHOLD_${i + 1}_PASSWORD`, `FREEHOLD_${i + 1}_VERIFIER`]).sort());
  // The test server has no TLS; RDS requires it (rds.force_ssl), and the container asks for it (PGSSLMODE=require).
  env.PGSSLMODE = "disable";
  return run("sh", ["-c", SETUP_SCRIPT], { env });
}

beforeAll(async () => {
  pg = await startPostgres({ name: "aws-roles", superuserPassword: "su-Pw-1" });
  const su = { ...process.env, PGPASSWORD: "su-Pw-1" };
  const r = await run(psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", pg.host, "-p", String(pg.port), "-U", "postgres", "-d", "postgres", "-f", "-"], {
    env: su,
    input: `CREATE ROLE ${MASTER.user} LOGIN CREATEROLE CREATEDB PASSWORD '${MASTER.password}';\nCREATE DATABASE ${DB} OWNER ${MASTER.user};\n`,
  });
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

describe("application roles on PostgreSQL, set up as the AWS setup container does", () => {
  it("creates the read-write role, which logs in with its password (set from its SCRAM verifier) and can create and write tables", async () => {
    const r = await setup([{ role: "readWrite", password: APP.password }]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("freehold: role app ready in marketplace");
    const create = await sql("app", APP.password, "CREATE TABLE orders (id serial PRIMARY KEY, item text); INSERT INTO orders (item) VALUES ('pens'); SELECT count(*) FROM orders;");
    expect(create.code, create.stderr).toBe(0);
    expect(create.stdout.trim()).toBe("1");
  });

  it("gives the application role no power over roles or databases", async () => {
    expect((await sql("app", APP.password, "CREATE ROLE intruder")).stderr).toMatch(/permission denied/);
    expect((await sql("app", APP.password, "CREATE DATABASE other")).stderr).toMatch(/permission denied/);
    const attrs = await sql(MASTER.user, MASTER.password, "SELECT rolsuper, rolcreaterole, rolcreatedb, rolcanlogin FROM pg_roles WHERE rolname = 'app'");
    expect(attrs.stdout.trim()).toBe("f|f|f|t");
  });

  it("lets the read role select from tables the read-write role created, and nothing more", async () => {
    const r = await setup([{ role: "read", password: READER.password }]);
    expect(r.code, r.stderr).toBe(0);
    const select = await sql("app_read", READER.password, "SELECT item FROM orders");
    expect(select.code, select.stderr).toBe(0);
    expect(select.stdout.trim()).toBe("pens");
    expect((await sql("app_read", READER.password, "INSERT INTO orders (item) VALUES ('ink')")).stderr).toMatch(/permission denied for table orders/);
    expect((await sql("app_read", READER.password, "CREATE TABLE mine (id int)")).stderr).toMatch(/permission denied for schema public/);
  });

  it("grants the read-write role tables the master user created, on the next task start", async () => {
    expect((await sql(MASTER.user, MASTER.password, "CREATE TABLE suppliers (id int)")).code).toBe(0);
    expect((await setup([{ role: "readWrite", password: APP.password }])).code).toBe(0);
    const w = await sql("app", APP.password, "INSERT INTO suppliers VALUES (1); SELECT count(*) FROM suppliers;");
    expect(w.code, w.stderr).toBe(0);
    expect((await sql("app_read", READER.password, "SELECT count(*) FROM suppliers")).stdout.trim()).toBe("1");
  });

  it("lets tasks starting together set the roles up at once (the advisory lock serialises them), and keeps the passwords", async () => {
    const runs = await Promise.all([1, 2, 3, 4].map((i) => setup([{ role: i % 2 ? "readWrite" : "read", password: i % 2 ? APP.password : READER.password }])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect((await sql("app", APP.password, "SELECT 1")).code).toBe(0);
    expect((await sql("app_read", READER.password, "SELECT 1")).code).toBe(0);
  });

  it("sets up every linked database in one run and fails the task when the master password is wrong", async () => {
    const both = await setup([
      { role: "readWrite", password: APP.password },
      { role: "read", password: READER.password },
    ]);
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout.match(/ready in marketplace/g)).toHaveLength(2);
    const bad = await run("sh", ["-c", SETUP_SCRIPT], {
      env: {
        PATH: `${binDir}:${process.env.PATH}`,
        HOME: "/tmp",
        ...Object.fromEntries(setupEnvironment([{ host: pg.host, port: pg.port, database: DB, masterUser: MASTER.user, masterSecretArn: "m", role: "readWrite", verifierFrom: "x" }]).environment.map((e) => [e.name, e.value])),
        PGSSLMODE: "disable",
        FREEHOLD_1_PASSWORD: "wrong",
        FREEHOLD_1_VERIFIER: scramVerifier(APP.password),
      },
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/password authentication failed for user "freehold"/);
  });
});
