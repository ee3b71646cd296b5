/**
 * The job that creates a database's application roles, and the run that makes
 * its result part of `pulumi up`.
 *
 * The role model's script (core's `roleSetupSql`) must run from inside the
 * network, as the administrator, and a failure must fail the `up`: Pulumi
 * sees whether Azure accepted a resource, never what a container in it did.
 * So the script runs as a Container Apps job (manual trigger) in the stack's
 * environment, and a deployment script (Microsoft.Resources/deploymentScripts,
 * `azure-native:resources:AzureCliScript`) starts an execution and waits for
 * it: "the deployment fails if the script fails"
 * (https://learn.microsoft.com/azure/azure-resource-manager/bicep/deployment-script-bicep),
 * and a deployment script's resource operation ends only when its script does.
 *
 * Why these two and not one: a deployment script runs Microsoft's Azure CLI
 * image (mcr.microsoft.com/azure-cli), which has no psql, and it sees only what
 * its own identity may read; the job runs the pinned PostgreSQL image on the
 * stack's network, and its identity is the only one that may read the
 * administrator's password (a Key Vault reference, Key Vault Secrets User on
 * that one secret). The deployment script's identity may only start that job
 * and read its executions (a custom role: the built-in Container Apps Jobs
 * Operator also allows a console into a running execution), so it never
 * reaches the password, and it needs no network of its own.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import type * as authorization from "@pulumi/azure-native/authorization";
import type * as keyvault from "@pulumi/azure-native/keyvault";
import type * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as resources from "@pulumi/azure-native/resources";
import type * as time from "@pulumiverse/time";
import { DATABASE_CA_PATH, ROLE_VERIFIER_ENV, roleJobCommand, roleSetupSql } from "@freehold/core";
import { builtInRole, caFile, type Grant, grantAndWait, workloadIdentity } from "./container";
import { names } from "./naming";
import { CONSUMPTION_PROFILE, type AzurePlatform, type VaultSecret } from "./network";
import { JOB_STARTER, SECRET_READER } from "./permissions";
import { POSTGRES_SERVER_CA } from "./server-ca";

/**
 * The image the role job runs: the Docker Official Image postgres 17.11 (bookworm), pinned by the digest of its
 * multi-platform index, pulled from its mirror on Amazon ECR Public (public.ecr.aws/docker/library), not from
 * Docker Hub, whose anonymous pulls are rate limited per address (and Container Apps pulls from shared addresses).
 * The digest is the one docker-library/repo-info records for `postgres:17.11-bookworm`
 * (https://github.com/docker-library/repo-info/blob/0b63eeca29bdd695a0db3d3249137b9929da650d/repos/postgres/remote/17.11-bookworm.md);
 * ECR Public serves Docker Official Images under the same manifests. psql 17 talks to servers 13-17, and the role
 * script needs psql 15 or later.
 */
export const ROLE_JOB_IMAGE = "public.ecr.aws/docker/library/postgres:17.11-bookworm@sha256:639ab7ceb90e13123085b741fb31ef493fba25463002f6da665352e7b534b652";
/** The read-write role's name before the role model was shared by every cloud: what it owns is handed to `app`, and it stays a member of `app` (core's `roleSetupSql`). */
export const FORMER_APP_ROLE = "app_user";
/**
 * What the job's container runs (`sh -c`), as the administrator (LOGIN, CREATEROLE, CREATEDB, a member of
 * azure_pg_admin, not a superuser): core's role script, with the read-write role's former name and the database's
 * `replication` setting (the administrator's REPLICATION attribute follows it; a change runs the job again, since the
 * script is part of what reruns it). Tested against a real PostgreSQL in test/azure-database-roles.test.ts.
 */
export function roleJobScript(replication: "off" | "logical"): string {
  return roleJobCommand(roleSetupSql({ formerReadWriteNames: [FORMER_APP_ROLE], replication }));
}
/** The command of a database with `replication: off`. */
export const ROLE_JOB_SCRIPT = roleJobScript("off");
/** The Azure CLI the deployment script runs in (mcr.microsoft.com/azure-cli:<version>; https://learn.microsoft.com/azure/azure-resource-manager/templates/deployment-script-template#supported-azure-cli-versions). */
export const AZ_CLI_VERSION = "2.67.0";
/** How long one execution may run (the job's replica timeout), and how long the run waits for it. */
export const ROLE_JOB_TIMEOUT_SECONDS = 600;

/**
 * The deployment script (bash, Azure CLI): start one execution of the job and wait for it to end. It exits 0 only
 * when the execution succeeded, so a failed role job fails the deployment script, and with it `pulumi up`.
 */
export const ROLE_JOB_RUN_SCRIPT = `set -eu
execution=$(az containerapp job start --name "$JOB_NAME" --resource-group "$RESOURCE_GROUP" --query name --output tsv)
echo "started execution $execution of $JOB_NAME"
deadline=$(( $(date +%s) + WAIT_SECONDS ))
while :; do
  status=$(az containerapp job execution show --name "$JOB_NAME" --resource-group "$RESOURCE_GROUP" --job-execution-name "$execution" --query properties.status --output tsv)
  case "$status" in
    Succeeded)
      echo "execution $execution of $JOB_NAME succeeded"
      printf '{"execution":"%s","status":"%s"}' "$execution" "$status" > "$AZ_SCRIPTS_OUTPUT_PATH"
      exit 0 ;;
    Failed|Stopped|Degraded)
      echo "execution $execution of $JOB_NAME ended $status: the application roles were not set up. Its output is in the stack's Log Analytics workspace (ContainerAppConsoleLogs_CL where ContainerJobName_s == '$JOB_NAME')" >&2
      exit 1 ;;
  esac
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "execution $execution of $JOB_NAME is still $status after $WAIT_SECONDS seconds" >&2
    exit 1
  fi
  sleep 10
done
`;

/**
 * The job's secrets, all Key Vault references read with the job's identity: the administrator's password and the
 * roles' SCRAM verifiers (never a role's password). Nothing secret is in the job's own configuration.
 */
const SECRETS = { admin: "admin-password", readWrite: "app-verifier", read: "read-verifier" } as const;

/** The child resources the role job adds to a database, by role. */
export interface RoleJobResources {
  /** The identity the job reads the administrator's password with. */
  roleJobIdentity: managedidentity.UserAssignedIdentity;
  roleJob: app.Job;
  /** The identity the run starts the job with. */
  roleJobRunIdentity: managedidentity.UserAssignedIdentity;
  roleJobRun: resources.AzureCliScript;
  /** Key Vault Secrets User on the administrator's password secret and on the two verifier secrets, for the job's identity. */
  "admin-secret-access": authorization.RoleAssignment;
  "app-verifier-access": authorization.RoleAssignment;
  "read-verifier-access": authorization.RoleAssignment;
  /** The roles' SCRAM verifiers, in Key Vault. */
  appVerifier: keyvault.Secret;
  readVerifier: keyvault.Secret;
  /** The job-starter role on the job, for the run's identity. */
  "job-start-access": authorization.RoleAssignment;
  roleJobGrantsWait: time.Sleep;
  roleJobRunGrantsWait: time.Sleep;
}

export interface RoleJobRequest {
  name: string;
  qualifiedName: string;
  parent: pulumi.Resource;
  vendor: <T extends object>(role: string, args: T) => T;
  host: pulumi.Output<string>;
  databaseName: string;
  adminLogin: string;
  admin: VaultSecret;
  /** The roles' SCRAM-SHA-256 verifiers, each a Key Vault secret. */
  verifiers: { readWrite: VaultSecret; read: VaultSecret };
  /** Ids of what, when it changes, the roles must be set up again for: the server, the database, the passwords. */
  rerunOn: pulumi.Input<string>[];
  dependsOn: pulumi.Resource[];
  /** The database's `replication` setting (default off). */
  replication?: "off" | "logical";
}

/** The role job and the run that waits for it; `run` completes only when the roles are set up. */
export function roleJob(req: RoleJobRequest, p: AzurePlatform): { run: resources.AzureCliScript; created: RoleJobResources } {
  const { name } = req;
  const script = roleJobScript(req.replication ?? "off");
  const opts = { parent: req.parent };
  const environment = p.environment();
  const identity = workloadIdentity(`${name}-roles-identity`, `${req.qualifiedName}-roles`, p, {}, opts);
  const reader = builtInRole(p, SECRET_READER.builtInId as string);
  const reads: Grant[] = [
    { key: "admin-secret-access", label: "administrator password", role: SECRET_READER, scope: req.admin.id, roleDefinitionId: reader },
    { key: "app-verifier-access", label: "app role verifier", role: SECRET_READER, scope: req.verifiers.readWrite.id, roleDefinitionId: reader },
    { key: "read-verifier-access", label: "app_read role verifier", role: SECRET_READER, scope: req.verifiers.read.id, roleDefinitionId: reader },
  ];
  const jobGrants = grantAndWait(`${name}-roles`, identity.principalId, reads, opts, "role job");
  const ca = caFile(pulumi.output(POSTGRES_SERVER_CA));

  const job = new app.Job(
    `${name}-roles`,
    req.vendor("roleJob", {
      resourceGroupName: p.resourceGroupName,
      location: p.location,
      tags: p.tags,
      jobName: names.roleJob(p.stack.prefix, req.qualifiedName),
      environmentId: environment.id,
      workloadProfileName: CONSUMPTION_PROFILE,
      identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
      configuration: {
        triggerType: "Manual",
        replicaTimeout: ROLE_JOB_TIMEOUT_SECONDS,
        replicaRetryLimit: 0,
        manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 },
        secrets: [
          { name: SECRETS.admin, keyVaultUrl: req.admin.url, identity: identity.id },
          { name: SECRETS.readWrite, keyVaultUrl: req.verifiers.readWrite.url, identity: identity.id },
          { name: SECRETS.read, keyVaultUrl: req.verifiers.read.url, identity: identity.id },
          ca.secret,
        ],
      },
      template: {
        containers: [
          {
            name: "roles",
            image: ROLE_JOB_IMAGE,
            command: ["sh", "-c", script],
            resources: { cpu: 0.25, memory: "0.5Gi" },
            env: [
              { name: "PGHOST", value: req.host },
              { name: "PGPORT", value: "5432" },
              { name: "PGDATABASE", value: req.databaseName },
              { name: "PGUSER", value: req.adminLogin },
              // The job verifies the server as the applications do.
              { name: "PGSSLMODE", value: "verify-full" },
              { name: "PGSSLROOTCERT", value: DATABASE_CA_PATH },
              { name: "PGPASSWORD", secretRef: SECRETS.admin },
              { name: ROLE_VERIFIER_ENV.readWrite, secretRef: SECRETS.readWrite },
              { name: ROLE_VERIFIER_ENV.read, secretRef: SECRETS.read },
            ],
            volumeMounts: [ca.mount],
          },
        ],
        volumes: [ca.volume],
      },
    }),
    // Key Vault references are read with the job's identity: after its grant has taken effect.
    { ...opts, dependsOn: [...req.dependsOn, ...(jobGrants.wait ? [jobGrants.wait] : [])] },
  );

  const runIdentity = workloadIdentity(`${name}-roles-run-identity`, `${req.qualifiedName}-roles-run`, p, {}, opts);
  const starts: Grant[] = [{ key: "job-start-access", label: "role job", role: { role: JOB_STARTER.role, dataActions: [] }, scope: job.id, roleDefinitionId: p.jobStarterRoleId() }];
  const runGrants = grantAndWait(`${name}-roles-run`, runIdentity.principalId, starts, opts, "role job run");
  // Everything that, when it changes, needs the roles set up again: the scripts, the image, the job, the server, the passwords.
  const rerun = pulumi.all([script, ROLE_JOB_RUN_SCRIPT, ROLE_JOB_IMAGE, job.id, ...req.rerunOn]).apply((parts) => createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 32));
  const run = new resources.AzureCliScript(
    `${name}-roles-run`,
    req.vendor("roleJobRun", {
      resourceGroupName: p.resourceGroupName,
      location: p.location,
      tags: p.tags,
      scriptName: names.roleJobRun(p.stack.prefix, req.qualifiedName),
      kind: "AzureCLI",
      azCliVersion: AZ_CLI_VERSION,
      identity: { type: "UserAssigned", userAssignedIdentities: [runIdentity.id] },
      scriptContent: ROLE_JOB_RUN_SCRIPT,
      environmentVariables: [
        { name: "JOB_NAME", value: job.name },
        { name: "RESOURCE_GROUP", value: p.resourceGroupName },
        { name: "WAIT_SECONDS", value: String(ROLE_JOB_TIMEOUT_SECONDS + 120) },
      ],
      forceUpdateTag: rerun,
      timeout: "PT30M",
      // Its storage account and container group go once it succeeds; a failed run's stay an hour for its logs.
      cleanupPreference: "OnSuccess",
      retentionInterval: "PT1H",
    }),
    { ...opts, dependsOn: [job, ...(runGrants.wait ? [runGrants.wait] : [])] },
  );

  const created = {
    appVerifier: req.verifiers.readWrite.secret,
    readVerifier: req.verifiers.read.secret,
    roleJobIdentity: identity,
    roleJob: job,
    roleJobRunIdentity: runIdentity,
    roleJobRun: run,
    roleJobGrantsWait: jobGrants.wait,
    roleJobRunGrantsWait: runGrants.wait,
    ...jobGrants.assignments,
    ...runGrants.assignments,
  } as RoleJobResources;
  return { run, created };
}
