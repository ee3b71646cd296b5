import { ROLE_VERIFIER_ENV } from "@freehold/core";
import { describe, expect, it } from "vitest";
import { shellLine, shellWord } from "../../exit/commands";
import type { HostedPlan } from "../../plan/contract";
import { jobEnvironment, type PlannedRoleJob, serverParameters } from "./clouds";

const server = { host: "127.0.0.1", port: 5999, database: "app_aws_to_gcp_1" };
const secrets = { adminPassword: "admin-pw", verifiers: { readWrite: "SCRAM-rw", read: "SCRAM-ro" } };

describe("a planned role job's environment on this machine", () => {
  it("points every host, port and database variable at the local server and fills each secret with what the backend puts in it", () => {
    const aws: PlannedRoleJob = {
      resource: "ecs",
      command: "psql",
      rerun: "",
      env: [
        { name: "FREEHOLD_1_HOST", value: "db.rds.amazonaws.com", secret: false },
        { name: "FREEHOLD_1_PORT", value: "5432", secret: false },
        { name: "FREEHOLD_1_DATABASE", value: "app", secret: false },
        { name: "FREEHOLD_1_ROLE", value: "app_read", secret: false },
        { name: "PGSSLMODE", value: "require", secret: false },
        { name: "FREEHOLD_1_PASSWORD", secret: true },
        { name: "FREEHOLD_1_VERIFIER", secret: true },
      ],
    };
    expect(jobEnvironment(aws, server, secrets)).toEqual({
      FREEHOLD_1_HOST: "127.0.0.1",
      FREEHOLD_1_PORT: "5999",
      FREEHOLD_1_DATABASE: "app_aws_to_gcp_1",
      FREEHOLD_1_ROLE: "app_read",
      PGSSLMODE: "require",
      FREEHOLD_1_PASSWORD: "admin-pw",
      FREEHOLD_1_VERIFIER: "SCRAM-ro",
    });
    const azure: PlannedRoleJob = { ...aws, env: [{ name: "PGHOST", value: "x.postgres.database.azure.com", secret: false }, { name: "PGPASSWORD", secret: true }, { name: ROLE_VERIFIER_ENV.readWrite, secret: true }, { name: ROLE_VERIFIER_ENV.read, secret: true }] };
    expect(jobEnvironment(azure, server, secrets)).toEqual({ PGHOST: "127.0.0.1", PGPASSWORD: "admin-pw", [ROLE_VERIFIER_ENV.readWrite]: "SCRAM-rw", [ROLE_VERIFIER_ENV.read]: "SCRAM-ro" });
    const gcp: PlannedRoleJob = { ...aws, env: [{ name: "FREEHOLD_ROLE_VERIFIERS", secret: true }] };
    expect(jobEnvironment(gcp, server, secrets)).toEqual({ FREEHOLD_ROLE_VERIFIERS: "SCRAM-rw SCRAM-ro" });
  });

  it("refuses a secret it cannot fill, naming the job and the variable", () => {
    expect(() => jobEnvironment({ resource: "job x", command: "", rerun: "", env: [{ name: "SOME_TOKEN", secret: true }] }, server, secrets)).toThrow("job x: the drill does not know what the secret SOME_TOKEN holds");
  });
});

describe("a plan's server parameters on a local server", () => {
  const plan = (resources: Array<{ type: string; inputs: Record<string, unknown> }>) => ({ resources: resources.map((r) => ({ ...r, name: "x", urn: "u", custom: true })) }) as unknown as HostedPlan;

  it("turns each cloud's TLS requirement into refusing TCP without TLS, applies PostgreSQL settings, and names the cloud's own", () => {
    expect(serverParameters(plan([{ type: "aws:rds/parameterGroup:ParameterGroup", inputs: { parameters: [{ name: "rds.force_ssl", value: "1" }] } }]))).toMatchObject({ tlsOnly: true, settings: {}, notApplicable: [] });
    expect(serverParameters(plan([{ type: "azure-native:dbforpostgresql:Configuration", inputs: { configurationName: "require_secure_transport", value: "on" } }])).tlsOnly).toBe(true);
    const gcp = serverParameters(plan([{ type: "gcp:sql/databaseInstance:DatabaseInstance", inputs: { settings: { databaseFlags: [{ name: "log_connections", value: "on" }, { name: "cloudsql.iam_authentication", value: "on" }], ipConfiguration: { sslMode: "ENCRYPTED_ONLY" } } } }]));
    expect(gcp).toMatchObject({ tlsOnly: true, settings: { log_connections: "on" } });
    expect(gcp.notApplicable).toEqual(["cloudsql.iam_authentication=on (the cloud's own setting; a local server has no such parameter)"]);
    expect(serverParameters(plan([])).tlsOnly).toBe(false);
  });
});

describe("the runbook's shell words", () => {
  it("keeps a cloud's host look-up for the operator's shell, quotes the rest, and leaves plain words alone", () => {
    expect(shellWord("postgresql://freehold@$(aws rds describe-db-instances --query 'x' --output text):5432/app")).toBe(`"postgresql://freehold@$(aws rds describe-db-instances --query 'x' --output text):5432/app"`);
    expect(shellWord(":s3,endpoint='http://h:9000':b")).toBe(`':s3,endpoint='"'"'http://h:9000'"'"':b'`);
    expect(shellLine(["freehold", "migrate", "database", "--to-role", "app"])).toBe("freehold migrate database --to-role app");
  });
});
