/**
 * The role model's pure parts: the names and the access mapping every backend
 * and every link uses, the verifier format, and what the script may contain.
 * Each backend's job runs the script against a real PostgreSQL in
 * test/<cloud>-database-roles.test.ts.
 */
import { parseStack } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { APP_ROLES, appRoleFor, appRoleName, ROLE_SETUP_SQL, ROLE_VERIFIER_ENV, roleJobCommand, roleSetupSql, scramVerifier } from "./database-roles";
import { deployStack } from "./deploy";
import { fakeBackend } from "./fake-backend";
import { registerBackend } from "./loader";
import { runWithMocks } from "./plan";

describe("the application roles", () => {
  it("are app (read-write) and app_read (read-only); write links get the read-write role", () => {
    expect(APP_ROLES).toEqual({ readWrite: "app", read: "app_read" });
    expect([appRoleFor("read"), appRoleFor("write"), appRoleFor("readWrite")]).toEqual(["read", "readWrite", "readWrite"]);
    expect([appRoleName("read"), appRoleName("write"), appRoleName("readWrite")]).toEqual(["app_read", "app", "app"]);
  });

  it("give a read link DATABASE_USER app_read and a read-write link app, whatever the backend returns as its username", async () => {
    registerBackend(fakeBackend("gcp"));
    const stack = parseStack("name: s\ncomponents:\n  db: { kind: database }\n  web: { kind: web-service, image: nginx, links: [db] }\n  reports: { kind: web-service, image: nginx, links: [{ to: db, access: read }] }\n");
    const run = await runWithMocks("gcp", () => deployStack(stack));
    const env = (name: string) => (run.resources.find((r) => r.name === `${name}-service`)?.inputs.env as Record<string, string>) ?? {};
    expect([env("web").DATABASE_USER, env("reports").DATABASE_USER]).toEqual(["app", "app_read"]);
  });
});

describe("SCRAM verifiers", () => {
  it("are PostgreSQL's SCRAM-SHA-256 format, deterministic per password and different between passwords", () => {
    const v = scramVerifier("Secret123");
    expect(v).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
    expect(scramVerifier("Secret123")).toBe(v);
    expect(scramVerifier("Secret124")).not.toBe(v);
  });

  it("refuse a password SASLprep would change, whose verifier PostgreSQL would not match", () => {
    expect(() => scramVerifier("pass word")).toThrow("printable ASCII without spaces");
    expect(() => scramVerifier("pässword")).toThrow("printable ASCII without spaces");
  });
});

describe("the role script", () => {
  it("reads the verifiers from the environment through psql and puts them in no statement's text", () => {
    expect(ROLE_SETUP_SQL).toContain(`\\getenv app_verifier ${ROLE_VERIFIER_ENV.readWrite}`);
    expect(ROLE_SETUP_SQL).toContain(`\\getenv read_verifier ${ROLE_VERIFIER_ENV.read}`);
    // The only psql interpolations are the two verifiers, quoted as literals into set_config.
    expect(ROLE_SETUP_SQL.match(/:'[a-z_]+'/g)).toEqual([":'app_verifier'", ":'read_verifier'"]);
    expect(ROLE_SETUP_SQL).not.toMatch(/:"[a-z_]+"/);
    // Every dynamic statement quotes its identifiers with format().
    for (const line of ROLE_SETUP_SQL.split("\n").filter((l) => l.includes("EXECUTE"))) expect(line).toMatch(/EXECUTE format\('/);
  });

  it("is one transaction, serialised by an advisory lock, stopping at the first error", () => {
    const lines = ROLE_SETUP_SQL.split("\n");
    expect(lines[0]).toBe("\\set ON_ERROR_STOP on");
    expect(lines.filter((l) => l === "BEGIN;")).toHaveLength(1);
    expect(lines.filter((l) => l === "COMMIT;")).toHaveLength(1);
    expect(ROLE_SETUP_SQL).toMatch(/BEGIN;[\s\S]*pg_advisory_xact_lock\(727274\)[\s\S]*COMMIT;/);
  });

  it("grants with INHERIT and SET spelt out only on PostgreSQL 16 and later, where the syntax exists", () => {
    expect(ROLE_SETUP_SQL).toContain("current_setting('server_version_num')::int >= 160000");
    expect(ROLE_SETUP_SQL).toMatch(/IF pg16 THEN\n.*\n\s+EXECUTE format\('GRANT %I TO %I WITH INHERIT TRUE, SET TRUE', rw, admin\);[\s\S]*ELSIF NOT pg_has_role\(admin, rw, 'USAGE'\) THEN\n\s+EXECUTE format\('GRANT %I TO %I', rw, admin\);/);
  });

  it("runs a cloud's own steps first, outside the transaction and without stopping on their errors", () => {
    const sql = roleSetupSql({ before: "SELECT 1 \\gexec" });
    expect(sql.split("\n").slice(0, 3)).toEqual(["\\set ON_ERROR_STOP off", "SELECT 1 \\gexec", "\\set ON_ERROR_STOP on"]);
  });

  it("embeds only plain role names as a former name", () => {
    expect(roleSetupSql({ formerReadWriteNames: ["app_user"] })).toContain("REASSIGN OWNED BY %I TO %I', 'app_user', rw");
    expect(() => roleSetupSql({ formerReadWriteNames: ["x'; DROP TABLE t; --"] })).toThrow("not a Freehold role name");
  });

  it("runs in a job from a here-document, with nothing on psql's command line but its options", () => {
    const cmd = roleJobCommand(ROLE_SETUP_SQL, ["echo first"]);
    expect(cmd.split("\n").slice(0, 3)).toEqual(["set -eu", "echo first", "psql -X -q -f - <<'FREEHOLD_SQL'"]);
    expect(cmd.endsWith("\nFREEHOLD_SQL\n")).toBe(true);
    expect(() => roleJobCommand("SELECT 1;\nFREEHOLD_SQL\n")).toThrow("here-document delimiter");
  });
});

describe("the role script and the database's replication setting", () => {
  /** The statements (EXECUTE, RAISE) the script runs after the last default privilege: the replication step's, in order. */
  const added = (replication: "off" | "logical") => {
    const all = roleSetupSql({ replication })
      .split("\n")
      .filter((l) => /^\s+(EXECUTE|RAISE)/.test(l))
      .map((l) => l.trim());
    const lastDefault = all.findIndex((l) => l.startsWith("EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON SCHEMAS TO %I', admin, ro)"));
    return { step: all.slice(lastDefault + 1) };
  };

  it("is off by default: the script without a setting is the off script, so stacks that never replicate run what they ran", () => {
    expect(roleSetupSql()).toBe(roleSetupSql({ replication: "off" }));
    expect(ROLE_SETUP_SQL).toBe(roleSetupSql({ replication: "off" }));
  });

  it("with logical, gives the administrator rds_replication where the server has it, else the REPLICATION attribute, and failing that fails the job with the reason", () => {
    expect(added("logical").step).toEqual([
      "EXECUTE format('GRANT %I TO %I', 'rds_replication', admin);",
      "EXECUTE format('ALTER ROLE %I WITH REPLICATION', admin);",
      "RAISE EXCEPTION 'freehold: replication: logical needs % to replicate (freehold replicate connects as it), and this server would not let it: %', admin, SQLERRM;",
      "EXECUTE format('GRANT %I TO %I', 'pg_create_subscription', admin);",
      "RAISE WARNING 'freehold: % is not a member of % and may not grant it: freehold replicate creates its subscriptions as %, which works only where the cloud lets its administrators subscribe', admin, 'pg_create_subscription', admin;",
    ]);
    const sql = roleSetupSql({ replication: "logical" });
    // Only when it may not already: a superuser, the attribute, or membership of rds_replication (RDS's master user, through rds_superuser).
    expect(sql).toContain(
      "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = admin AND (rolsuper OR rolreplication))\n      AND NOT EXISTS (SELECT FROM pg_roles g WHERE g.rolname = 'rds_replication' AND pg_has_role(admin, g.oid, 'MEMBER')) THEN",
    );
    // pg_create_subscription exists from PostgreSQL 16 only: the test of membership is nested inside the version's.
    expect(sql).toContain("  IF pg16 AND NOT EXISTS (SELECT FROM pg_roles WHERE rolname = admin AND rolsuper) THEN\n    IF NOT pg_has_role(admin, 'pg_create_subscription', 'USAGE') THEN");
    expect(sql).not.toContain("NOREPLICATION");
  });

  it("with off, takes back the REPLICATION attribute and the direct memberships no superuser granted, warning where the server refuses", () => {
    expect(added("off").step).toEqual([
      "EXECUTE format('ALTER ROLE %I WITH NOREPLICATION', admin);",
      "RAISE WARNING 'freehold: replication is off, but % keeps the REPLICATION attribute: this server does not let it drop it (%)', admin, SQLERRM;",
      "EXECUTE format('REVOKE %I FROM %I', r.name, admin);",
      "RAISE WARNING 'freehold: replication is off, but % stays a member of %: %', admin, r.name, SQLERRM;",
    ]);
    const sql = roleSetupSql({ replication: "off" });
    expect(sql).toContain("  IF EXISTS (SELECT FROM pg_roles WHERE rolname = admin AND rolreplication AND NOT rolsuper) THEN");
    // Only direct memberships no superuser granted: what the cloud's own operator granted stays.
    expect(sql).toContain(
      "      WHERE g.rolname IN ('rds_replication', 'pg_create_subscription') AND m.member = (SELECT oid FROM pg_roles WHERE rolname = admin) AND NOT EXISTS (SELECT FROM pg_roles o WHERE o.oid = m.grantor AND o.rolsuper) AND NOT EXISTS (SELECT FROM pg_roles WHERE rolname = admin AND rolsuper) LOOP",
    );
    expect(sql).not.toContain("WITH REPLICATION");
  });

  it("changes nothing else: the two scripts differ only in the replication step, inside the one transaction", () => {
    const on = roleSetupSql({ replication: "logical" }).split("\n");
    const off = roleSetupSql({ replication: "off" }).split("\n");
    const head = off.findIndex((l) => l.includes("'ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON SCHEMAS TO %I', admin, ro"));
    expect(on.slice(0, head + 1)).toEqual(off.slice(0, head + 1));
    expect(on.slice(-5)).toEqual(off.slice(-5));
    expect(on.slice(-5)[0]).toBe("END");
  });
});
