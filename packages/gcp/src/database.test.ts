import { type MockRun, ROLE_SETUP_SQL } from "@freehold/core";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_USER, backupLocation, DATABASE_FLAGS, ROLE_SCRIPT, roleScript, secretReplication } from "./database";
import { isJobNotFound, noJob, RETRY_ANNOTATION, retryOf } from "./db-role";
import { one, plan, planAnswering } from "./testing";

const INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";
const stack = `
name: shop
residency: uk
components:
  db:
    kind: database
    version: "15"
    size: { cpu: 2, memoryGiB: 8 }
    storageGiB: 50
    highAvailability: true
    backups: { retentionDays: 14, pointInTimeRecovery: true }
    databaseName: market
  scratch:
    kind: database
    deletionProtection: false
    backups: { retentionDays: 7, pointInTimeRecovery: false }
`;

describe("database on Cloud SQL for PostgreSQL", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(stack);
  });

  it("creates a TLS-only PostgreSQL instance of the chosen tier with SSD storage, reachable only through Private Service Connect", () => {
    const i = one(run, INSTANCE, "db-instance").inputs as { settings: Record<string, unknown> } & Record<string, unknown>;
    expect(i).toMatchObject({ databaseVersion: "POSTGRES_15", region: "europe-west2" });
    expect(i.name).toMatch(/^shop-dev-db-[a-z0-9]{4}$/);
    expect(i.settings).toMatchObject({ edition: "ENTERPRISE", tier: "db-custom-2-8192", diskType: "PD_SSD", diskSize: 50, diskAutoresize: true });
    expect(i.settings.ipConfiguration).toEqual({
      ipv4Enabled: false,
      sslMode: "ENCRYPTED_ONLY",
      serverCaMode: "GOOGLE_MANAGED_CAS_CA",
      pscConfigs: [{ pscEnabled: true, allowedConsumerProjects: ["freehold-plan"] }],
    });
    expect(one(run, "gcp:compute/address:Address", "db-endpoint-address").inputs).toMatchObject({ addressType: "INTERNAL", region: "europe-west2", subnetwork: "shop-dev-europe-west2" });
    expect(one(run, "gcp:compute/forwardingRule:ForwardingRule", "db-endpoint").inputs).toMatchObject({
      loadBalancingScheme: "",
      network: "shop-dev-network",
      target: expect.stringMatching(/serviceAttachments\//),
    });
    expect(i.settings.databaseFlags).toEqual([
      { name: "log_connections", value: "on" },
      { name: "log_disconnections", value: "on" },
      { name: "log_statement", value: "ddl" },
      { name: "cloudsql.enable_pgaudit", value: "on" },
      { name: "pgaudit.log", value: "ddl,role" },
    ]);
  });

  it("keeps backups for the retention asked, with point-in-time recovery and a regional standby for HA", () => {
    const s = (one(run, INSTANCE, "db-instance").inputs as { settings: Record<string, unknown> }).settings;
    expect(s.availabilityType).toBe("REGIONAL");
    expect(s.backupConfiguration).toEqual({
      enabled: true,
      startTime: "22:00",
      location: "europe-west2",
      pointInTimeRecoveryEnabled: true,
      transactionLogRetentionDays: 7,
      backupRetentionSettings: { retainedBackups: 14, retentionUnit: "COUNT" },
    });
    const scratch = (one(run, INSTANCE, "scratch-instance").inputs as { settings: Record<string, unknown> }).settings;
    expect(scratch.availabilityType).toBe("ZONAL");
    expect(scratch.backupConfiguration).toMatchObject({ enabled: true, pointInTimeRecoveryEnabled: false, backupRetentionSettings: { retainedBackups: 7 } });
    expect(scratch.tier).toBe("db-custom-1-3840");
  });

  it("protects and retains the instance, its name, database, administrator login and both passwords by default", () => {
    const i = one(run, INSTANCE, "db-instance");
    expect(i.inputs.deletionProtection).toBe(true);
    expect((i.inputs.settings as Record<string, unknown>).deletionProtectionEnabled).toBe(true);
    for (const name of ["db-instance", "db-name-suffix", "db-database", "db-admin-user", "db-secret", "db-secret-version", "db-admin-secret", "db-admin-secret-version"]) {
      const r = run.resources.find((x) => x.name === name);
      expect(r?.options, name).toMatchObject({ protect: true, retainOnDelete: true });
    }
  });

  it("turns both protections off when deletionProtection is false", () => {
    const i = one(run, INSTANCE, "scratch-instance");
    expect(i.inputs.deletionProtection).toBe(false);
    expect((i.inputs.settings as Record<string, unknown>).deletionProtectionEnabled).toBe(false);
    expect(i.options.retainOnDelete).toBe(false);
    expect(one(run, "gcp:sql/database:Database", "scratch-database").options.retainOnDelete).toBe(false);
  });

  it("waits for the Cloud SQL API, and uses no VPC peering", () => {
    const deps = one(run, INSTANCE, "db-instance").options.dependsOn;
    expect(deps.some((d) => d.endsWith("::shop-api-sqladmin"))).toBe(true);
    expect(run.resources.filter((r) => /servicenetworking|globalAddress/.test(r.type))).toEqual([]);
  });

  it("creates the database, an administrator login, and the application roles through a job on the VPC given only verifiers, every password a secret kept in the UK", () => {
    const instance = String(one(run, INSTANCE, "db-instance").inputs.name);
    expect(one(run, "gcp:sql/database:Database", "db-database").inputs).toEqual({ name: "market", instance });
    expect(one(run, "gcp:sql/database:Database", "db-database").options.deletedWith).toBe(one(run, INSTANCE, "db-instance").urn);
    expect(one(run, "gcp:sql/user:User", "db-admin-user").inputs).toMatchObject({ name: ADMIN_USER, instance, password: "[secret]" });
    // The application's logins are no Cloud SQL API users (those are cloudsqlsuperuser members): the job creates them.
    expect(run.resources.filter((r) => r.type === "gcp:sql/user:User").map((r) => r.inputs.name)).toEqual([ADMIN_USER, ADMIN_USER]);
    const job = one(run, "gcp:cloudrunv2/job:Job", "db-role-job").inputs as { template: { template: { containers: Array<{ envs: Array<Record<string, unknown>>; args: string[] }>; vpcAccess: unknown; serviceAccount: string } }; runExecutionToken: string };
    const container = job.template.template.containers[0];
    expect(container?.args).toEqual([ROLE_SCRIPT]);
    expect(ROLE_SCRIPT).toContain(ROLE_SETUP_SQL.slice(ROLE_SETUP_SQL.indexOf("BEGIN;")));
    expect(container?.envs).toEqual([
      { name: "PGHOST", value: expect.any(String) },
      { name: "PGPORT", value: "5432" },
      { name: "PGDATABASE", value: "market" },
      { name: "PGUSER", value: ADMIN_USER },
      { name: "PGSSLMODE", value: "verify-full" },
      { name: "PGSSLROOTCERT", value: "/etc/freehold/tls/database-ca.pem" },
      { name: "PGCONNECT_TIMEOUT", value: "10" },
      { name: "FREEHOLD_DB_WAIT_SECONDS", value: "240" },
      { name: "PGPASSWORD", valueSource: { secretKeyRef: { secret: "shop-dev-db-db-admin-password-2r9n", version: "1" } } },
      // Both roles' SCRAM verifiers, never an application password.
      { name: "FREEHOLD_ROLE_VERIFIERS", valueSource: { secretKeyRef: { secret: "shop-dev-db-db-role-verifiers-2r9n", version: "1" } } },
    ]);
    expect(job.template.template.vpcAccess).toEqual({ egress: "PRIVATE_RANGES_ONLY", networkInterfaces: [{ network: "shop-dev-network", subnetwork: "shop-dev-europe-west2" }] });
    expect(job.runExecutionToken).toMatch(/^r[a-z0-9]{8}$/);
    // The job reads only the administrator's password and the verifiers, after a wait for the grants to apply.
    const reads = run.resources.filter((r) => r.type === "gcp:secretmanager/secretIamMember:SecretIamMember" && String(r.inputs.member).includes("db-dbrole")).map((r) => r.inputs.secretId);
    expect(reads.sort()).toEqual(["shop-dev-db-db-admin-password-2r9n", "shop-dev-db-db-role-verifiers-2r9n", "shop-dev-db-db-server-ca-2r9n"]);
    expect(one(run, "gcp:cloudrunv2/job:Job", "db-role-job").options.dependsOn.map((d) => d.split("::").pop())).toEqual(expect.arrayContaining(["db-role-job-grants-settled", "db-database", "db-admin-user"]));
    for (const [key, secretId] of [
      ["db", "shop-dev-db-db-password-2r9n"],
      ["db-read", "shop-dev-db-db-read-password-2r9n"],
      ["db-admin", "shop-dev-db-db-admin-password-2r9n"],
    ]) {
      expect(one(run, "random:index/randomPassword:RandomPassword", `${key}-password`).inputs).toMatchObject({ length: 32, special: false });
      const secret = one(run, "gcp:secretmanager/secret:Secret", `${key}-secret`);
      expect(secret.inputs).toMatchObject({ secretId, replication: { userManaged: { replicas: [{ location: "europe-west2" }] } } });
      expect(secret.options).toMatchObject({ protect: true, retainOnDelete: true });
      expect(one(run, "gcp:secretmanager/secretVersion:SecretVersion", `${key}-secret-version`).inputs.secretData).toBe("[secret]");
    }
    // The verifiers are derived from the passwords: regenerated with them, not kept as data.
    expect(one(run, "gcp:secretmanager/secret:Secret", "db-role-verifiers").inputs).toMatchObject({ secretId: "shop-dev-db-db-role-verifiers-2r9n", replication: { userManaged: { replicas: [{ location: "europe-west2" }] } } });
    expect(one(run, "gcp:secretmanager/secretVersion:SecretVersion", "db-role-verifiers-version").inputs.secretData).toBe("[secret]");
    expect(one(run, "gcp:secretmanager/secret:Secret", "db-role-verifiers").options).toMatchObject({ protect: false, retainOnDelete: false });
  });

  it("replicates secrets only in the stack's region under any residency rule, and keeps backups in the region under one", () => {
    const region = { cloud: "gcp" as const, region: "europe-west2", country: "GB", city: "London", zones: 3 };
    const at = (residency: "none" | "uk" | "eu") => ({ name: "s", stack: "dev", prefix: "s-dev", region, residency, tags: {} });
    for (const r of ["none", "uk", "eu"] as const) expect(secretReplication(at(r))).toEqual({ userManaged: { replicas: [{ location: "europe-west2" }] } });
    expect(backupLocation(at("uk"))).toBe("europe-west2");
    expect(backupLocation(at("none"))).toBeUndefined();
    expect(run.components.find((c) => c.name === "db")?.description.dataLocations).toEqual([]);
  });

  it("reports the tier it chose and exports a secret connection string on the private address", () => {
    const c = run.components.find((x) => x.name === "db");
    expect(c?.description.service).toBe("Cloud SQL for PostgreSQL");
    expect(c?.description.size?.sku).toBe("db-custom-2-8192");
    expect(run.outputs).toBeDefined();
  });

  it("reads the project once and gives identical plans on two runs", async () => {
    // The project once, and each database's role job as deployed (no job under the mocks).
    expect(run.invokes).toEqual(["gcp:organizations/getProject:getProject", "gcp:cloudrunv2/getJob:getJob", "gcp:cloudrunv2/getJob:getJob"]);
    const again = await plan(stack);
    expect(JSON.stringify(again.resources)).toBe(JSON.stringify(run.resources));
  });
});

describe("a database that asks for logical replication on Cloud SQL", () => {
  it("adds the database flag cloudsql.logical_decoding = on after the audit flags", async () => {
    const run = await plan("name: shop\nresidency: uk\ncomponents:\n  db: { kind: database, replication: logical }\n");
    const settings = (one(run, INSTANCE, "db-instance").inputs as { settings: { databaseFlags: unknown[] } }).settings;
    expect(settings.databaseFlags).toEqual([...DATABASE_FLAGS, { name: "cloudsql.logical_decoding", value: "on" }]);
  });
  it("runs the role job with the logical script, which gives the administrator REPLICATION, and a new run token when the setting changes", async () => {
    const job = async (replication: string) => {
      const run = await plan(`name: shop\nresidency: uk\ncomponents:\n  db: { kind: database, replication: ${replication} }\n`);
      const j = run.resources.find((r) => r.name === "db-role-job");
      const template = j?.inputs.template as { template: { containers: Array<{ args: string[] }> } };
      // The token is drawn by a random id whose keepers are a hash of the job's settings: a new value whenever one changes.
      const id = run.resources.find((r) => r.name === "db-role-job-run");
      return { args: template.template.containers[0]?.args, token: j?.inputs.runExecutionToken, from: j?.propertyDependencies.runExecutionToken, keepers: id?.inputs.keepers };
    };
    const [on, off] = [await job("logical"), await job("off")];
    expect(on.args).toEqual([roleScript("logical")]);
    expect(roleScript("logical")).toContain("EXECUTE format('ALTER ROLE %I WITH REPLICATION', admin);");
    expect(off.args).toEqual([ROLE_SCRIPT]);
    expect(ROLE_SCRIPT).toContain("EXECUTE format('ALTER ROLE %I WITH NOREPLICATION', admin);");
    expect(on.token).toMatch(/^r[0-9a-f]{8}$/);
    expect(on.from).toEqual([expect.stringMatching(/random:index\/randomId:RandomId::db-role-job-run$/)]);
    expect((on.keepers as { job: string }).job).not.toEqual((off.keepers as { job: string }).job);
  });
});

describe("the role job after a failed run", () => {
  const GET_JOB = "gcp:cloudrunv2/getJob:getJob";
  const yaml = "name: shop\nresidency: uk\ncomponents:\n  db: { kind: database }\n";
  const JOB = "shop-dev-db-dbrole";
  /** The job as Cloud Run reports it: its token, its last execution and the state that execution left it in. */
  const deployed = (token: string, latest: string, state: string, annotations: Record<string, string> = {}) => ({
    name: JOB,
    runExecutionToken: token,
    annotations,
    latestCreatedExecutions: [{ name: latest, createTime: "2026-12-07T00:00:00Z", completionTime: "2026-12-07T00:04:00Z" }],
    terminalConditions: [{ type: "Ready", state, message: "", reason: "", executionReason: "", revisionReason: "", severity: state === "CONDITION_FAILED" ? "ERROR" : "", lastTransitionTime: "2026-12-07T00:04:00Z" }],
  });
  /** The provider's error as the SDK's invoke sees it (its gRPC details become the message). */
  const providerError = (text: string) => Object.assign(new Error(text), { details: text });
  const roleJob = async (answer: (inputs: Record<string, unknown>) => Record<string, unknown>) => {
    const run = await planAnswering(yaml, GET_JOB, answer);
    const job = one(run, "gcp:cloudrunv2/job:Job", "db-role-job").inputs;
    return { keepers: one(run, "random:index/randomId:RandomId", "db-role-job-run").inputs.keepers as Record<string, string>, annotations: job.annotations as Record<string, string> | undefined };
  };

  it("waits for a run as long as every attempt may take (4 x 600 s and 10 minutes to start), not the provider's default 20 minutes", async () => {
    const run = await planAnswering(yaml, GET_JOB, () => ({}));
    const job = one(run, "gcp:cloudrunv2/job:Job", "db-role-job");
    expect(job.options.customTimeouts).toEqual({ create: "50m", update: "50m" });
    const task = (job.inputs.template as { template: { maxRetries: number; timeout: string } }).template;
    expect([task.maxRetries, task.timeout]).toEqual([3, "600s"]);
  });

  it("reads the job by its name in the stack's region, and takes the provider's not-found answer as no job: the keepers are the settings alone, as before", async () => {
    let asked: Record<string, unknown> = {};
    const fresh = await roleJob((inputs) => {
      asked = inputs;
      throw providerError(`invoking ${GET_JOB}: projects/freehold-plan/locations/europe-west2/jobs/${JOB} not found`);
    });
    expect(asked).toEqual({ name: JOB, location: "europe-west2" });
    expect(Object.keys(fresh.keepers)).toEqual(["job"]);
    expect(fresh.annotations).toBeUndefined();
  });

  it("fails the up with the read's error when Google refuses it (a permission error is no 'not found')", async () => {
    const denied = `invoking ${GET_JOB}: Error when reading or editing CloudRunV2Job "projects/p/locations/europe-west2/jobs/${JOB}": googleapi: Error 403: Permission 'run.jobs.get' denied on resource (or resource may not exist).`;
    expect(isJobNotFound(denied, JOB)).toBe(false);
    expect(() => noJob(new Error(denied), JOB, "europe-west2")).toThrow(/^Freehold reads the role job shop-dev-db-dbrole in europe-west2 before each up, to run it again when its last run failed, and the read failed: .*Error 403/);
    // Another job's not-found is not this one's.
    expect(() => noJob(new Error(`projects/p/locations/europe-west2/jobs/${JOB}-other not found`), JOB, "europe-west2")).toThrow(/read failed/);
    expect(noJob(new Error(`invoking ${GET_JOB}: projects/p/locations/europe-west2/jobs/${JOB} not found`), JOB, "europe-west2")).toBeUndefined();
  });

  it("draws a new token after a failed run (the failed execution's name is a keeper, carried on the job), and the up after the successful retry keeps it: no third run", async () => {
    const first = await roleJob(() => deployed("ra4089558", `${JOB}-ra4089558`, "CONDITION_SUCCEEDED"));
    expect(Object.keys(first.keepers)).toEqual(["job"]);
    const failed = await roleJob(() => deployed("ra4089558", `${JOB}-ra4089558`, "CONDITION_FAILED"));
    expect(failed.keepers).toEqual({ job: first.keepers.job, retry: `${JOB}-ra4089558` });
    expect(failed.annotations).toEqual({ [RETRY_ANNOTATION]: `${JOB}-ra4089558` });
    const afterRetry = await roleJob(() => deployed("r0c1d2e3f", `${JOB}-r0c1d2e3f`, "CONDITION_SUCCEEDED", { [RETRY_ANNOTATION]: `${JOB}-ra4089558` }));
    expect(afterRetry).toEqual(failed);
    // The retry failed too: its own execution is the next keeper.
    const again = await roleJob(() => deployed("r0c1d2e3f", `projects/freehold-plan/locations/europe-west2/jobs/${JOB}/executions/${JOB}-r0c1d2e3f`, "CONDITION_FAILED", { [RETRY_ANNOTATION]: `${JOB}-ra4089558` }));
    expect(again.keepers.retry).toBe(`${JOB}-r0c1d2e3f`);
  });

  it("keeps the token while the execution still runs, and draws a new one after the job ran another way (Google dropped its token)", () => {
    expect(retryOf(deployed("ra4089558", `${JOB}-ra4089558`, "CONDITION_RECONCILING"), JOB)).toBe("");
    expect(retryOf(deployed("", `${JOB}-x7k2p`, "CONDITION_SUCCEEDED"), JOB)).toBe(`${JOB}-x7k2p`);
    // An execution one of its own tokens started is no run by hand, even when the job reports no token.
    expect(retryOf(deployed("", `${JOB}-r0c1d2e3f`, "CONDITION_SUCCEEDED", { [RETRY_ANNOTATION]: `${JOB}-x7k2p` }), JOB)).toBe(`${JOB}-x7k2p`);
    expect(retryOf(undefined, JOB)).toBe("");
    expect(retryOf({} as never, JOB)).toBe("");
  });

  it("takes any terminal state but success and a run in progress for a failed run (unspecified, or one Google adds later), and no condition at all for none", () => {
    for (const state of ["CONDITION_FAILED", "CONDITION_STATE_UNSPECIFIED", "CONDITION_SOMETHING_NEW"]) {
      expect(retryOf(deployed("ra4089558", `${JOB}-ra4089558`, state), JOB)).toBe(`${JOB}-ra4089558`);
    }
    expect(retryOf(deployed("ra4089558", `${JOB}-ra4089558`, "CONDITION_SUCCEEDED"), JOB)).toBe("");
    expect(retryOf(deployed("ra4089558", `${JOB}-ra4089558`, "CONDITION_PENDING"), JOB)).toBe("");
    expect(retryOf({ ...deployed("ra4089558", `${JOB}-ra4089558`, "CONDITION_FAILED"), terminalConditions: [] }, JOB)).toBe("");
  });

  it("leaves a token set through vendor settings alone, and does not read the job", async () => {
    const run = await planAnswering(`${yaml.replace("{ kind: database }", "{ kind: database, vendor: { gcp: { roleJob: { runExecutionToken: mine } } } }")}`, GET_JOB, () => {
      throw providerError("read");
    });
    expect(one(run, "gcp:cloudrunv2/job:Job", "db-role-job").inputs.runExecutionToken).toBe("mine");
    expect(run.invokes).not.toContain(GET_JOB);
  });
});
