/**
 * The application role script, run for real: a PostgreSQL server started here
 * on 127.0.0.1, an administrator like Azure's (CREATEROLE and CREATEDB, not a
 * superuser, owning the database), and the exact script the one-off container
 * runs. The role it leaves can log in, own tables in the public schema, and
 * nothing more.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresServer, startPostgres } from "../../cli/src/migrate/servers";
import { ADMIN_LOGIN, APP_ROLE, ROLE_JOB_SCRIPT } from "./database";

const run = promisify(execFile);
const ADMIN_PASSWORD = "Adm1nPassw0rdForTheTest";

let pg: PostgresServer;
const psql = (user: string, password: string, sql: string) =>
  run("psql", ["-v", "ON_ERROR_STOP=1", "-tAc", sql], { env: { ...process.env, PGHOST: "127.0.0.1", PGPORT: String(pg.port), PGUSER: user, PGPASSWORD: password, PGDATABASE: "app", PGSSLMODE: "disable" } });
/** The container's command, with the container's environment (TLS off: the local server has none). */
const job = (appPassword: string) =>
  run("sh", ["-c", ROLE_JOB_SCRIPT], {
    env: { ...process.env, PGHOST: "127.0.0.1", PGPORT: String(pg.port), PGDATABASE: "app", PGUSER: ADMIN_LOGIN, PGSSLMODE: "disable", APP_ROLE, PGPASSWORD: ADMIN_PASSWORD, APP_PASSWORD: appPassword },
  });

beforeAll(async () => {
  pg = await startPostgres({ name: "approle", superuserPassword: "sup3rsecret" });
  const su = (sql: string, db = "postgres") => run("psql", ["-v", "ON_ERROR_STOP=1", "-c", sql, pg.superuserUrl.replace(/\/postgres$/, `/${db}`)]);
  await su(`CREATE ROLE ${ADMIN_LOGIN} LOGIN CREATEROLE CREATEDB PASSWORD '${ADMIN_PASSWORD}'`);
  await su(`CREATE DATABASE app OWNER ${ADMIN_LOGIN}`);
}, 60_000);

afterAll(async () => {
  await pg?.stop();
});

describe("the application role job", () => {
  it("creates a login that owns what it creates in the public schema and cannot create roles or databases", async () => {
    await job("FirstPassw0rdOfTheAppRole");
    await psql(APP_ROLE, "FirstPassw0rdOfTheAppRole", "CREATE TABLE orders (id int primary key); INSERT INTO orders VALUES (1)");
    expect((await psql(APP_ROLE, "FirstPassw0rdOfTheAppRole", "SELECT count(*) FROM orders")).stdout.trim()).toBe("1");
    const attrs = (await psql(ADMIN_LOGIN, ADMIN_PASSWORD, `SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication FROM pg_roles WHERE rolname = '${APP_ROLE}'`)).stdout.trim();
    expect(attrs).toBe("f|f|f|f");
    await expect(psql(APP_ROLE, "FirstPassw0rdOfTheAppRole", "CREATE ROLE intruder")).rejects.toThrow(/permission denied/);
    await expect(psql(APP_ROLE, "FirstPassw0rdOfTheAppRole", "CREATE DATABASE other")).rejects.toThrow(/permission denied/);
  }, 60_000);

  it("runs again without error and sets the new password (a re-created container after a rotation)", async () => {
    await job("SecondPassw0rdOfTheAppRole");
    await expect(psql(APP_ROLE, "FirstPassw0rdOfTheAppRole", "SELECT 1")).rejects.toThrow(/password authentication failed/);
    expect((await psql(APP_ROLE, "SecondPassw0rdOfTheAppRole", "SELECT count(*) FROM orders")).stdout.trim()).toBe("1");
  }, 60_000);
});
