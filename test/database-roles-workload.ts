/**
 * The role model, checked the way an application meets it, on a real
 * PostgreSQL server set up like one cloud's (its administrator, the roles that
 * administrator is a member of, who owns the database), after that cloud's
 * own role job has run: what `app` can do, what `app_read` can read and is
 * refused, on objects each of them and the administrator create before and
 * after the job, and what running the job again changes. Each cloud's test
 * file starts one server and calls `roleModelChecks` with its job.
 */
import { scramVerifier } from "@freehold/core";
import { expect, it } from "vitest";
import { pgTool, type RunResult, run } from "../packages/cli/src/migrate/proc";
import { type PostgresServer, startPostgres } from "../packages/cli/src/migrate/servers";

export const SUPERUSER_PASSWORD = "Sup3rUserPasswordOfTheTestServer";
export const PASSWORDS = { app: "AppPassw0rdOfTheReadWriteRoleForTests", read: "ReadPassw0rdOfTheReadOnlyRoleForTests" };
export const DB = "app";

const psqlBin = pgTool("psql");
/** The PATH a job's shell needs to find this machine's psql. */
export const JOB_PATH = `${psqlBin.replace(/\/psql$/, "")}:${process.env.PATH ?? ""}`;

export interface CloudServer {
  pg: PostgresServer;
  admin: { user: string; password: string };
  /** SQL as a login, on the application's database: ON_ERROR_STOP, unaligned, tuples only. */
  as(user: string, password: string, sql: string): Promise<RunResult>;
  /** SQL as the server's superuser (the cloud's own operator, which no customer has). */
  superuser(sql: string, db?: string): Promise<RunResult>;
}

/** A server, an administrator made by `setupSql` (run as the superuser), and the application's database. */
export async function startCloudServer(name: string, admin: { user: string; password: string }, setupSql: string): Promise<CloudServer> {
  const pg = await startPostgres({ name, superuserPassword: SUPERUSER_PASSWORD });
  const sql = (user: string, password: string, db: string, input: string) =>
    run(psqlBin, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", pg.host, "-p", String(pg.port), "-U", user, "-d", db, "-f", "-"], {
      env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: "5", PGSSLMODE: "disable" },
      input,
    });
  const server: CloudServer = {
    pg,
    admin,
    as: (user, password, input) => sql(user, password, DB, input),
    superuser: (input, db = "postgres") => sql("postgres", SUPERUSER_PASSWORD, db, input),
  };
  const r = await server.superuser(setupSql);
  if (r.code !== 0) throw new Error(`setting up the ${name} server failed: ${r.stderr}`);
  return server;
}

/** The standard PG* variables a role job gets for this server (TLS off: the local server has none; every cloud requires it). */
export function pgEnvironment(s: CloudServer): Record<string, string> {
  return { PATH: JOB_PATH, HOME: "/tmp", PGHOST: s.pg.host, PGPORT: String(s.pg.port), PGDATABASE: DB, PGUSER: s.admin.user, PGPASSWORD: s.admin.password, PGSSLMODE: "disable" };
}

/** Runs a cloud's role job, delivering these verifiers the way that cloud does. */
export type RoleJob = (verifiers: { app: string; read: string }) => Promise<RunResult>;

/** The verifiers the backends compute from generated passwords. */
export const verifiersOf = (p: { app: string; read: string }) => ({ app: scramVerifier(p.app), read: scramVerifier(p.read) });

async function ok(r: Promise<RunResult>): Promise<string> {
  const done = await r;
  expect(done.code, done.stderr).toBe(0);
  return done.stdout.trim();
}

async function refused(r: Promise<RunResult>, message: RegExp): Promise<void> {
  const done = await r;
  expect(done.code).not.toBe(0);
  expect(done.stderr).toMatch(message);
}

/**
 * Each statement refused with its message, all in one session (one psql per
 * role keeps the file fast): each statement is one line of the script, and
 * psql names the line of every error.
 */
async function allRefused(s: CloudServer, user: string, password: string, cases: Array<[sql: string, message: RegExp]>): Promise<void> {
  const done = await s.as(user, password, `\\set ON_ERROR_STOP off\n${cases.map(([q]) => `${q.replace(/\n/g, " ")};`).join("\n")}\n`);
  const errors = new Map([...done.stderr.matchAll(/^psql:<stdin>:(\d+): ERROR: +(.*)$/gm)].map((m) => [Number(m[1]) - 1, m[2] ?? ""]));
  for (const [i, [q, message]] of cases.entries()) expect(errors.get(i + 1), q).toMatch(message);
}

/**
 * Objects that exist before the job first runs, as a restore as the
 * administrator leaves them: a table with a sequence, a view and a schema of
 * its own. Call before the first job.
 */
export async function restoreAsAdministrator(s: CloudServer): Promise<void> {
  await ok(
    s.as(
      s.admin.user,
      s.admin.password,
      `CREATE TABLE restored (id serial PRIMARY KEY, note text);
       INSERT INTO restored (note) VALUES ('from the old cloud'), ('ünïcödé');
       CREATE VIEW restored_notes AS SELECT note FROM restored;
       CREATE SCHEMA billing;
       CREATE TABLE billing.invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total numeric);
       INSERT INTO billing.invoices (total) VALUES (12.5);`,
    ),
  );
}

/** The checks every cloud's role job must pass, in order, after `restoreAsAdministrator` and before its first run. */
export function roleModelChecks(server: () => CloudServer, job: RoleJob): void {
  const s = () => server();
  // One session per call: each statement's one-line result is one element.
  const lines = async (r: Promise<RunResult>) => (await ok(r)).split("\n");
  const app = (sql: string) => s().as("app", PASSWORDS.app, sql);
  const reader = (sql: string) => s().as("app_read", PASSWORDS.read, sql);
  const admin = (sql: string) => s().as(s().admin.user, s().admin.password, sql);
  // Before PostgreSQL 15 schema public belongs to the bootstrap superuser (the cloud's own), with CREATE for PUBLIC.
  let version = 0;
  const publicIsOpen = async () => {
    version ||= Number(await ok(admin("SHOW server_version_num")));
    return version < 150000;
  };
  const acls = "SELECT string_agg(relname || '=' || coalesce(relacl::text, ''), ' ' ORDER BY relname) FROM pg_class WHERE relnamespace IN ('public'::regnamespace, 'billing'::regnamespace) AND relkind IN ('r', 'v', 'S')";

  it("creates app and app_read as logins with none of SUPERUSER, CREATEDB, CREATEROLE, REPLICATION, BYPASSRLS, their passwords set from verifiers", async () => {
    const r = await job(verifiersOf(PASSWORDS));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`freehold: roles app and app_read ready in ${DB}`);
    if (await publicIsOpen()) expect(r.stderr).toContain("freehold: every role may create objects in schema public (its owner postgres granted CREATE to PUBLIC");
    expect(await lines(admin("SELECT rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname IN ('app', 'app_read') ORDER BY 1"))).toEqual([
      "app|t|f|f|f|f|f",
      "app_read|t|f|f|f|f|f",
    ]);
    // The server stored the verifier it was sent, not a hash of it taken for a password.
    expect(await ok(s().superuser("SELECT string_agg(rolpassword, ' ' ORDER BY rolname) FROM pg_authid WHERE rolname IN ('app', 'app_read')"))).toBe(`${scramVerifier(PASSWORDS.app)} ${scramVerifier(PASSWORDS.read)}`);
    expect(await ok(reader("SELECT current_user"))).toBe("app_read");
    await allRefused(s(), "app", PASSWORDS.app, [
      ["CREATE ROLE intruder", /permission denied/],
      ["CREATE DATABASE other", /permission denied/],
    ]);
  });

  it("lets app read and write what existed before the job ran (a restore as the administrator), and app_read read it and change nothing", async () => {
    expect(
      await lines(app("INSERT INTO restored (note) VALUES ('written by app') RETURNING id; UPDATE billing.invoices SET total = total + 1 RETURNING total; INSERT INTO billing.invoices (total) VALUES (7) RETURNING id;")),
    ).toEqual(["3", "13.5", "2"]);
    expect(await lines(reader("SELECT string_agg(note, ',' ORDER BY note) FROM restored_notes; SELECT count(*) FROM billing.invoices; SELECT last_value FROM restored_id_seq;"))).toEqual([
      "from the old cloud,written by app,ünïcödé",
      "2",
      "3",
    ]);
    await allRefused(s(), "app_read", PASSWORDS.read, [
      ["INSERT INTO restored (note) VALUES ('no')", /permission denied for table restored/],
      ["DELETE FROM billing.invoices", /permission denied for table invoices/],
      ["SELECT nextval('restored_id_seq')", /permission denied for sequence restored_id_seq/],
    ]);
  });

  it("lets app create tables, sequences, views and schemas that it owns, and app_read read them and be refused every write", async () => {
    await ok(
      app(`CREATE TABLE orders (id bigserial PRIMARY KEY, item text, placed timestamptz DEFAULT now());
           INSERT INTO orders (item) VALUES ('pens'), ('ink');
           CREATE VIEW open_orders AS SELECT id, item FROM orders;
           CREATE SCHEMA reports;
           CREATE TABLE reports.daily (day date PRIMARY KEY, total int);
           INSERT INTO reports.daily VALUES ('2026-01-01', 2);
           ALTER TABLE orders ADD COLUMN qty int DEFAULT 1;`),
    );
    expect(await ok(admin("SELECT string_agg(tableowner, ',') FROM pg_tables WHERE tablename IN ('orders', 'daily')"))).toBe("app,app");
    expect(await lines(reader("SELECT count(*) FROM orders; SELECT string_agg(item, ',' ORDER BY id) FROM open_orders; SELECT total FROM reports.daily; SELECT last_value FROM orders_id_seq;"))).toEqual(["2", "pens,ink", "2", "2"]);
    await allRefused(s(), "app_read", PASSWORDS.read, [
      ["INSERT INTO orders (item) VALUES ('no')", /permission denied for table orders/],
      ["UPDATE reports.daily SET total = 0", /permission denied for table daily/],
      ["TRUNCATE orders", /permission denied for table orders/],
      ...((await publicIsOpen()) ? [] : [["CREATE TABLE mine (id int)", /permission denied for schema public/] as [string, RegExp]]),
      ["CREATE SCHEMA mine", /permission denied for database/],
      ["ALTER TABLE orders ADD COLUMN x int", /must be owner of table orders/],
    ]);
  });

  it("gives app read-write and app_read read on what the administrator creates later, and lets the administrator act as app", async () => {
    await ok(admin("CREATE TABLE suppliers (id serial PRIMARY KEY, name text); CREATE SCHEMA archive; CREATE TABLE archive.old (id int);"));
    expect(await lines(app("INSERT INTO suppliers (name) VALUES ('acme') RETURNING id; INSERT INTO archive.old VALUES (1); SELECT count(*) FROM archive.old;"))).toEqual(["1", "1"]);
    expect(await lines(reader("SELECT name FROM suppliers; SELECT count(*) FROM archive.old;"))).toEqual(["acme", "1"]);
    // A restore that sets the role: what it creates belongs to app, and app_read reads it.
    expect(await lines(admin("SET ROLE app; CREATE TABLE restored_as_app (id int); INSERT INTO restored_as_app VALUES (1); RESET ROLE; SELECT tableowner FROM pg_tables WHERE tablename = 'restored_as_app';"))).toEqual(["app"]);
    expect(await ok(app("ALTER TABLE restored_as_app ADD COLUMN note text; SELECT 'altered'"))).toBe("altered");
    expect(await ok(reader("SELECT count(*) FROM restored_as_app"))).toBe("1");
    await allRefused(s(), "app_read", PASSWORDS.read, [
      ["UPDATE suppliers SET name = 'x'", /permission denied for table suppliers/],
      ["DELETE FROM archive.old", /permission denied for table old/],
      ["INSERT INTO restored_as_app VALUES (2)", /permission denied for table restored_as_app/],
    ]);
  });

  it("runs again harmlessly: every grant stays, new passwords take over, and the roles keep their data", async () => {
    const before = await ok(admin(acls));
    // A row's xmin changes when it is rewritten: a run after the first rewrites no table's or sequence's catalog row.
    const rows = "SELECT string_agg(relname || ':' || xmin, ' ' ORDER BY relname) FROM pg_class WHERE relnamespace IN ('public'::regnamespace, 'billing'::regnamespace) AND relkind IN ('r', 'v', 'S')";
    const written = await ok(admin(rows));
    const again = await job(verifiersOf(PASSWORDS));
    expect(again.code, again.stderr).toBe(0);
    expect(await ok(admin(acls))).toBe(before);
    expect(await ok(admin(rows))).toBe(written);
    const rotated = { app: `${PASSWORDS.app}Rotated`, read: `${PASSWORDS.read}Rotated` };
    expect((await job(verifiersOf(rotated))).code).toBe(0);
    await refused(app("SELECT 1"), /password authentication failed for user "app"/);
    expect(await ok(s().as("app", rotated.app, "SELECT count(*) FROM orders"))).toBe("2");
    expect(await ok(s().as("app_read", rotated.read, "SELECT count(*) FROM suppliers"))).toBe("1");
    expect((await job(verifiersOf(PASSWORDS))).code).toBe(0);
  });

  it("refuses a password where a verifier belongs, so no plaintext password ever reaches a statement", async () => {
    // What a backend that forgot to compute the verifier would send: the password itself.
    const r = await job({ app: `${PASSWORDS.app}Plain`, read: scramVerifier(PASSWORDS.read) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/freehold: the password given for role app is not a SCRAM-SHA-256 verifier/);
    // Nothing changed: one transaction.
    expect(await ok(app("SELECT 1"))).toBe("1");
  });
}
