/**
 * The role model of @freehold/core (`app` read-write, `app_read` read-only,
 * docs/architecture.md), created at deploy time inside the database. Users
 * created through the Cloud SQL API are members of `cloudsqlsuperuser`
 * (https://cloud.google.com/sql/docs/postgres/users), so neither application
 * role is one of them: a Cloud Run job on the stack's VPC logs in as the
 * administrator (an API user: LOGIN, CREATEROLE, CREATEDB, a member of
 * cloudsqlsuperuser) and runs core's role script. The job runs when it is
 * created, again whenever any of its settings changes, and again on the next
 * `up` after a run failed (a fresh `runExecutionToken`, withRunToken below:
 * the job is ready only once that execution succeeded), so `pulumi up`
 * finishes only after the roles exist.
 *
 * The job is given the administrator's password and the roles' SCRAM
 * verifiers, both from Secret Manager (`secretKeyRef`), never an
 * application's password: the verifiers are one secret that only the job's
 * identity may read.
 */
import { APP_ROLES, CREATE_FIRST, DATABASE_CA_PATH, type DatabaseRequest, ROLE_VERIFIER_ENV, roleJobCommand, roleSetupSql, settingsHash } from "@freehold/core";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import type * as secretmanager from "@pulumi/gcp/secretmanager";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import type * as sql from "@pulumi/gcp/sql";
import * as pulumi from "@pulumi/pulumi";
import { RandomId } from "@pulumi/random/randomId";
import type { CaBundle } from "./ca";
import { grantsSettled, secretReader } from "./grants";
import { claimAccountId, names } from "./naming";
import type { GcpPlatform, VpcAttachment } from "./network";
import { withVendor } from "./vendor";

/** The administrator login (a Cloud SQL built-in user, member of cloudsqlsuperuser): administration only. */
export const ADMIN_USER = "freehold_admin";
export const POSTGRES_PORT = 5432;

/**
 * The PostgreSQL client image the job runs: the official `postgres:17.11-alpine`
 * (psql 17, which connects to every supported server version; the role script
 * needs psql 15 or later), pinned by the digest of its multi-platform index as
 * Docker's official-images record gives it, and pulled through the stack's
 * Artifact Registry remote repository of Docker Hub (GcpPlatform.tools), never
 * by a mutable tag.
 */
export const ROLE_JOB_IMAGE = {
  repository: "library/postgres",
  tag: "17.11-alpine",
  digest: "sha256:b0f9560a2de083e2cc7382e75f808c7381a32852a7ec49117deedb300e552b24",
  source: "https://github.com/docker-library/repo-info/blob/14ad5cc17dd0e9a01079feefc7a59c24536f5291/repos/postgres/remote/17.11-alpine.md",
} as const;

/**
 * How long the job waits for the database to answer before it gives up: Direct
 * VPC egress can take a minute or more to connect when an instance starts
 * (https://cloud.google.com/run/docs/configuring/vpc-direct-vpc#limitations),
 * and a new Private Service Connect endpoint may not route at once.
 */
export const DATABASE_WAIT_SECONDS = 240;
/** Attempts of one run (the first and its retries) and the time each may take (the task's `timeout`). */
const RUN_ATTEMPTS = 4;
const ATTEMPT_SECONDS = 600;
/** How long `up` waits for one run: every attempt, and 10 minutes for Cloud Run to start them. */
export const RUN_WAIT = `${(RUN_ATTEMPTS * ATTEMPT_SECONDS) / 60 + 10}m`;
/** Seconds each connection attempt may take (libpq's `connect_timeout`). */
export const CONNECT_TIMEOUT_SECONDS = 10;
/** The job's environment variable holding the wait, so a test can shorten it. */
export const WAIT_ENV = "FREEHOLD_DB_WAIT_SECONDS";

/** The job's one environment variable holding both verifiers, read-write first, separated by a space (a verifier has none). */
export const ROLE_VERIFIERS_ENV = "FREEHOLD_ROLE_VERIFIERS";

/**
 * Before core's script: an application role created before Freehold managed
 * it this way (a Cloud SQL API user) is taken out of cloudsqlsuperuser where
 * the administrator may; where it may not, the job warns and goes on.
 */
const CLOUDSQL_CLEANUP = [
  `SELECT format('REVOKE cloudsqlsuperuser FROM %I', rolname) FROM pg_roles WHERE rolname IN ('${APP_ROLES.readWrite}', '${APP_ROLES.read}') AND pg_has_role(rolname, 'cloudsqlsuperuser', 'MEMBER') \\gexec`,
  // pgAudit logs only in databases where its extension exists (https://cloud.google.com/sql/docs/postgres/pg-audit); Cloud SQL offers it, a plain server may not.
  "SELECT 'CREATE EXTENSION IF NOT EXISTS pgaudit' WHERE EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pgaudit') \\gexec",
].join("\n");

/**
 * The job's command (`sh -c`): the two verifiers out of their one variable, then core's role script, with the
 * database's `replication` setting (the administrator's REPLICATION attribute follows it; the script is part of the
 * run token, so a change runs the job again). Tested against a real PostgreSQL in test/gcp-database-roles.test.ts.
 */
export function roleScript(replication: "off" | "logical"): string {
  return roleJobCommand(roleSetupSql({ before: CLOUDSQL_CLEANUP, replication }), JOB_PRELUDE);
}

const JOB_PRELUDE = [
  // Wait, with a bound, until the database answers over TLS: the first execution may start before the network path is usable.
  `deadline=$(( $(date +%s) + \${${WAIT_ENV}:-${DATABASE_WAIT_SECONDS}} ))`,
  `until pg_isready -q -t ${CONNECT_TIMEOUT_SECONDS}; do`,
  `  if [ "$(date +%s)" -ge "$deadline" ]; then echo "freehold: PostgreSQL at $PGHOST:$PGPORT did not answer within \${${WAIT_ENV}:-${DATABASE_WAIT_SECONDS}} s from the stack's network; the application roles were not created. Check the instance, its Private Service Connect endpoint and the subnet, then run pulumi up again: it runs this job again (docs/gcp.md, The role job's runs)." >&2; exit 1; fi`,
  "  sleep 2",
  "done",
  "set -f",
  `set -- $${ROLE_VERIFIERS_ENV}`,
  `export ${ROLE_VERIFIER_ENV.readWrite}="$1" ${ROLE_VERIFIER_ENV.read}="$2"`,
];

/** The command of a database with `replication: off`. */
export const ROLE_SCRIPT = roleScript("off");

export interface RoleInputs {
  /** The instance's DNS name, which resolves to its Private Service Connect endpoint in the network and which its certificate names. */
  host: pulumi.Input<string>;
  /** What must exist before the first execution can reach the database: the endpoint's forwarding rule and the DNS record. */
  reachable: pulumi.Resource[];
  /** The server's certificate authorities, mounted at DATABASE_CA_PATH (verify-full). */
  ca: CaBundle;
  /** The log routing the job waits for (under a residency rule). */
  logged: pulumi.Resource[];
  database: sql.Database;
  adminUser: sql.User;
  adminSecret: secretmanager.Secret;
  admin: secretmanager.SecretVersion;
  /** The secret holding both roles' verifiers (`ROLE_VERIFIERS_ENV`), and its version. */
  verifiersSecret: secretmanager.Secret;
  verifiers: secretmanager.SecretVersion;
}

/** The job, its identity and its two secret grants, and the wait between them. */
export function appRole(req: DatabaseRequest, platform: GcpPlatform, net: VpcAttachment, vendor: Record<string, Record<string, unknown>>, on: RoleInputs) {
  const opts = { parent: req.parent };
  const account = new serviceaccount.Account(
    `${req.name}-role-job-account`,
    {
      accountId: claimAccountId(platform, names.serviceAccount(req.stack.prefix, `${req.qualifiedName}-dbrole`), { component: req.qualifiedName, what: "database role job" }),
      displayName: `Freehold ${req.stack.prefix}/${req.qualifiedName} role job`,
      description: "Creates the application roles inside one Freehold database; reads only the administrator's password and the roles' verifiers",
    },
    { ...opts, dependsOn: [platform.api("iam")] },
  );
  const adminAccess = secretReader(`${req.name}-role-job-admin-secret`, on.adminSecret, account.member, opts);
  const verifiersAccess = secretReader(`${req.name}-role-job-verifiers`, on.verifiersSecret, account.member, opts);
  const caAccess = secretReader(`${req.name}-role-job-server-ca`, on.ca.secret, account.member, opts);
  const grants = [adminAccess, verifiersAccess, caAccess];
  const settled = grantsSettled(`${req.name}-role-job-grants`, grants, opts);
  // The job's settings, then the token that makes an update of them run it (a vendor override may set its own token).
  const args = withVendor<cloudrunv2.JobArgs>(roleJobSettings(req, platform, net, on, account.email), vendor, "roleJob");
  const job = new cloudrunv2.Job(
    `${req.name}-role-job`,
    args.runExecutionToken === undefined ? withRunToken(`${req.name}-role-job-run`, args, deployedJob(platform, args.name, opts), opts) : args,
    // The first execution starts only once the database can be reached (its endpoint and DNS record exist), its grants apply and its image source exists.
    // Replaced only by a move to another region (its name is unique per region) or a rename: created first.
    // The provider waits for the run within the job's create/update timeout (20 minutes by default:
    // resource_cloud_run_v2_job.go `Timeouts`, `CloudRunV2OperationWaitTime(..., d.Timeout(...))`), while a run may take
    // every attempt (RUN_WAIT): a shorter wait would fail the up while the run goes on, and the next up re-send its token.
    {
      ...opts,
      ...CREATE_FIRST,
      customTimeouts: { create: RUN_WAIT, update: RUN_WAIT },
      dependsOn: [settled, on.database, on.adminUser, ...on.reachable, platform.tools(), platform.ready("run"), ...on.logged, ...net.egressDependsOn],
    },
  );
  return {
    job,
    resources: { roleJob: job, roleJobAccount: account, roleJobGrantsSettled: settled, roleJobAdminSecretAccess: adminAccess, roleJobVerifiersAccess: verifiersAccess, roleJobServerCaAccess: caAccess },
  };
}

/**
 * A fresh execution token whenever any of the job's settings changes, and whenever its last run failed. The token names
 * the execution an update creates (`<job>-<token>`; "a unique string used as a suffix for creating a new execution",
 * https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.jobs#Job.FIELDS.run_execution_token) and the
 * job keeps its executions, so a token must never be sent twice: the provider re-sends the configured token in every
 * update of the job (terraform-provider-google resource_cloud_run_v2_job.go, update: `runExecutionToken` from the
 * configuration whether it changed or not), and Google drops a job's token once it runs any other way (a hand-run
 * `gcloud run jobs execute`, as the exit plan asks), after which the re-sent token fails `already exists`
 * (GoogleCloudPlatform/magic-modules#19060). A hash of the settings would also come back after a change is undone
 * (replication on, off, on again). A random id whose keepers are a hash of every setting is drawn afresh on each change
 * and never returns; the role script is idempotent, so running it on each change costs seconds.
 *
 * A failed run keeps the job with its new settings and token (the provider stores the job before it waits for the
 * execution, and Pulumi saves it with the error), so the settings alone would give the next `up` the token the failed
 * execution already used. The keepers' `retry` is the failed execution's name (retryOf): the `up` after a failure
 * draws a new token and runs the job again, and the job carries that name in an annotation, so the `up` after a
 * successful retry computes the same keepers and changes nothing.
 */
function withRunToken(name: string, settings: cloudrunv2.JobArgs, deployed: pulumi.Output<DeployedJob | undefined>, opts: pulumi.CustomResourceOptions): cloudrunv2.JobArgs {
  const job = pulumi.output(settings).apply((v) => settingsHash(v));
  const retry = pulumi.all([deployed, settings.name]).apply(([d, n]) => retryOf(d, n ?? ""));
  const run = new RandomId(name, { byteLength: 4, keepers: pulumi.all([job, retry]).apply(([j, r]): Record<string, string> => (r ? { job: j, retry: r } : { job: j })) }, opts);
  const annotations = pulumi.all([settings.annotations, retry]).apply(([a, r]) => (r ? { ...a, [RETRY_ANNOTATION]: r } : a));
  return { ...settings, annotations, runExecutionToken: pulumi.interpolate`r${run.hex}` };
}

/**
 * The job's annotation holding the execution whose failure last drew a new token (an annotation: "unstructured key
 * value map that may be set by external tools to store arbitrary metadata", Kubernetes' rules: a name of at most 63
 * alphanumerics, `-`, `_` and `.`; Cloud Run refuses only the run.googleapis.com, cloud.googleapis.com,
 * serving.knative.dev and autoscaling.knative.dev prefixes,
 * https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.jobs#Job.FIELDS.annotations).
 */
export const RETRY_ANNOTATION = "freehold-role-job-retry";

/** What the program reads of the deployed job (the `google_cloud_run_v2_job` data source). */
export type DeployedJob = Pick<cloudrunv2.GetJobResult, "runExecutionToken" | "annotations" | "latestCreatedExecutions" | "terminalConditions">;

/**
 * The `retry` keeper of the next run: the name of the last execution when the job's last run failed, or when that
 * execution is not the one the job's token started (it ran another way, and Google dropped the token: the next update
 * would re-send a used token); otherwise the value the job carries. The job is ready only once the execution its
 * token started succeeded ("The Job will become ready when the execution is successfully completed",
 * resource_cloud_run_v2_job.go `run_execution_token`), so its terminal condition is CONDITION_SUCCEEDED after a good
 * run, CONDITION_RECONCILING while one runs (no new token: that would start a second run beside it), and any other
 * state is taken for a failed run (https://cloud.google.com/run/docs/reference/rest/v2/Condition#state).
 */
export function retryOf(deployed: DeployedJob | undefined, jobName: string): string {
  const carried = deployed?.annotations?.[RETRY_ANNOTATION] ?? "";
  const latest = (deployed?.latestCreatedExecutions?.[0]?.name ?? "").split("/").pop() ?? "";
  if (!deployed || !latest) return carried;
  const state = deployed.terminalConditions?.[0]?.state;
  if (state === "CONDITION_RECONCILING" || state === "CONDITION_PENDING") return carried;
  // Google returns the job's token once its execution ran (terraform-provider-google resource_cloud_run_v2_job_test.go,
  // TestAccCloudRunV2Job_cloudrunv2JobWithRunExecutionTokenUpdate verifies it on import). An execution some token of ours
  // started (`r` and 8 hex digits) is never taken for a run by hand, so a job whose token did not come back is not run on every up.
  const byHand = latest !== `${jobName}-${deployed.runExecutionToken ?? ""}` && !/^r[0-9a-f]{8}$/.test(latest.slice(jobName.length + 1));
  // Anything but success (CONDITION_FAILED, CONDITION_STATE_UNSPECIFIED, a state added later) runs the job again: Google
  // documents the terminal condition as the job's readiness, and no page says which state a failed execution leaves; a
  // needless run costs seconds (the script converges), a missed one would fail every later up. No condition at all
  // (a provider that leaves the list out) is not taken for a failure, or every up would run the job.
  const failed = state !== undefined && state !== "CONDITION_SUCCEEDED";
  return failed || byHand ? latest : carried;
}

/**
 * The role job as deployed, read once the Cloud Run API is on (before that no job can exist, and the read would fail):
 * undefined when it does not exist. The data source fails with "<id> not found" for a job that does not exist
 * (terraform-provider-google data_source_google_cloud_run_v2_job.go: the read clears the id on a 404,
 * transport.go `HandleNotFoundError`), and with Google's error otherwise: that one fails the `up`.
 */
function deployedJob(platform: GcpPlatform, jobName: cloudrunv2.JobArgs["name"], opts: pulumi.InvokeOptions): pulumi.Output<DeployedJob | undefined> {
  return pulumi.all([platform.ready("run").id, jobName]).apply(([, name = ""]): Promise<DeployedJob | undefined> =>
    cloudrunv2.getJob({ name, location: platform.region }, opts).then(
      (d) => d,
      (e: unknown) => noJob(e, name, platform.region),
    ),
  );
}

/** The read's error: no job when it says the job does not exist, else an error for the `up` that says what was read and why. */
export function noJob(e: unknown, name: string, region: string): undefined {
  const message = String((e as { message?: unknown })?.message ?? e);
  if (isJobNotFound(message, name)) return undefined;
  throw new Error(`Freehold reads the role job ${name} in ${region} before each up, to run it again when its last run failed, and the read failed: ${message}`);
}

/** True when the data source's error says the job does not exist (and only then). */
export function isJobNotFound(message: string, name: string): boolean {
  return message.includes(`/jobs/${name} not found`);
}

/** What the role job runs, where and as whom: everything but its execution token. */
function roleJobSettings(req: DatabaseRequest, platform: GcpPlatform, net: VpcAttachment, on: RoleInputs, serviceAccount: pulumi.Output<string>): cloudrunv2.JobArgs {
  const tools = platform.tools();
  const script = roleScript(req.spec.replication);
  return {
    name: names.cloudRunJob(req.stack.prefix, req.qualifiedName, "dbrole"),
    location: platform.region,
    launchStage: "GA",
    deletionProtection: false,
    labels: platform.labels,
    template: {
      taskCount: 1,
      template: {
        serviceAccount,
        maxRetries: RUN_ATTEMPTS - 1,
        // The wait for the database, then the script (seconds, usually).
        timeout: `${ATTEMPT_SECONDS}s`,
        vpcAccess: { networkInterfaces: [{ network: net.network, subnetwork: net.subnetwork }], egress: "PRIVATE_RANGES_ONLY" },
        volumes: [on.ca.volume],
        containers: [
          {
            image: pulumi.interpolate`${tools.registryUri}/${ROLE_JOB_IMAGE.repository}@${ROLE_JOB_IMAGE.digest}`,
            commands: ["/bin/sh", "-c"],
            args: [script],
            volumeMounts: [on.ca.mount],
            envs: [
              { name: "PGHOST", value: on.host },
              { name: "PGPORT", value: String(POSTGRES_PORT) },
              { name: "PGDATABASE", value: on.database.name },
              { name: "PGUSER", value: ADMIN_USER },
              { name: "PGSSLMODE", value: "verify-full" },
              { name: "PGSSLROOTCERT", value: DATABASE_CA_PATH },
              { name: "PGCONNECT_TIMEOUT", value: String(CONNECT_TIMEOUT_SECONDS) },
              { name: WAIT_ENV, value: String(DATABASE_WAIT_SECONDS) },
              { name: "PGPASSWORD", valueSource: { secretKeyRef: { secret: on.adminSecret.secretId, version: on.admin.version } } },
              { name: ROLE_VERIFIERS_ENV, valueSource: { secretKeyRef: { secret: on.verifiersSecret.secretId, version: on.verifiers.version } } },
            ],
            resources: { limits: { cpu: "1", memory: "512Mi" } },
          },
        ],
      },
    },
  };
}
