/**
 * What a web service's, a worker's or a scheduled job's tasks run as and with: the execution role (the ECS
 * agent: logs, secrets, image pulls), the task role (the application: linked
 * buckets), one inline policy per grant so each comes and goes with its link,
 * the private registry's credentials, and the task definition: the application
 * container with a writable /tmp for any user, and, when a linked database
 * gives its certificate authorities, the step that puts them in a file
 * (containers.ts). A linked database's roles come from its role job
 * (role-job.ts): DATABASE_USER waits for it, and the task reads only the
 * password of its own role.
 */
import { appRoleFor, type ContainerRequest, type LinkTarget, type SizeChoice } from "@freehold/core";
import type { ContainerComponent } from "@freehold/model";
import { linkVariablePrefix } from "@freehold/model";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ecs from "@pulumi/aws/ecs";
import * as iam from "@pulumi/aws/iam";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { awslogs, caBundle, prepareContainer, readsCaFile, scratchSpace, TLS_VOLUME } from "./containers";
import type { DatabaseHandle } from "./database";
import { LOG_RETENTION_DAYS, names } from "./naming";
import type { AwsPlatform } from "./network";
import type { BucketHandle } from "./object-store";
import type { WebServiceResources } from "./resources";
import { ecsTasksTrust, executionRolePolicy, secretReadPolicy, taskRolePolicy } from "./permissions";
import { fargateUnits } from "./sizes";
import type { VendorArgs } from "./vendor";

export const CONTAINER_NAME = "app";

export interface Linked {
  databases: Array<{ link: LinkTarget; handle: DatabaseHandle }>;
  buckets: Array<{ link: LinkTarget; handle: BucketHandle }>;
}

/** The container definitions JSON for the task definition: the application, after the preparation step when there are CAs to write. */
export function containerDefinitions(args: {
  image: string;
  /** The port a web service listens on; a worker or a job has none. */
  port?: number;
  /** `entryPoint` and `command`: what runs instead of the image's own. */
  command?: readonly string[];
  args?: readonly string[];
  environment: Record<string, string>;
  secrets: Array<{ name: string; valueFrom: string }>;
  user?: string;
  readOnly: boolean;
  logGroup: string;
  region: string;
  /** The task's memory, MiB: the /tmp tmpfs takes a share of it. */
  memoryMiB: number;
  /** `repositoryCredentials.credentialsParameter`: the registry secret's ARN. */
  registryCredentials?: string;
  /** The linked databases' certificate authorities, written to DATABASE_CA_PATH before the application starts. */
  caBundle?: string;
}): string {
  const env = Object.keys(args.environment)
    .sort()
    .map((name) => ({ name, value: args.environment[name] }));
  const app = {
    name: CONTAINER_NAME,
    image: args.image,
    essential: true,
    privileged: false,
    readonlyRootFilesystem: args.readOnly,
    ...(args.user ? { user: args.user } : {}),
    ...(args.command ? { entryPoint: [...args.command] } : {}),
    ...(args.args ? { command: [...args.args] } : {}),
    ...(args.registryCredentials ? { repositoryCredentials: { credentialsParameter: args.registryCredentials } } : {}),
    portMappings: args.port === undefined ? [] : [{ containerPort: args.port, protocol: "tcp" }],
    environment: env,
    secrets: [...args.secrets].sort((a, b) => a.name.localeCompare(b.name)),
    // A read-only root still needs a scratch directory, writable whatever the user: a tmpfs on /tmp.
    ...(args.readOnly ? { linuxParameters: scratchSpace(args.memoryMiB) } : {}),
    ...(args.caBundle ? readsCaFile : { mountPoints: [] }),
    logConfiguration: awslogs(args.logGroup, args.region, CONTAINER_NAME),
  };
  return JSON.stringify(args.caBundle ? [app, prepareContainer(args.caBundle, { group: args.logGroup, region: args.region })] : [app]);
}

export interface TaskResult {
  logGroup: cloudwatch.LogGroup;
  taskDefinition: ecs.TaskDefinition;
  /** Every inline policy: the service waits for them. */
  policies: iam.RolePolicy[];
  /** The documents of those policies, built from what they grant on (a new secret or bucket is a new grant, and the wait runs again). */
  grantDocuments: pulumi.Output<string>[];
  resources: TaskResources;
}

/** The task's children, by role (per link: `<link>Secret`, `<link>Access`). */
export type TaskResources = Pick<WebServiceResources, "logGroup" | "executionRole" | "taskRole" | "executionPolicy" | "taskDefinition" | "registrySecret" | "registrySecretValue" | "registryAccess"> &
  Record<string, pulumi.Resource | undefined>;

/** A request for a component that runs a container: a web service, a worker or a scheduled job. */
export type TaskRequest = ContainerRequest<ContainerComponent>;

/** The roles, grants, registry secret, log group and task definition of one web service, worker or scheduled job. */
export function createTask(req: TaskRequest, platform: AwsPlatform, vendor: VendorArgs, linked: Linked, size: SizeChoice, tags: Record<string, string>): TaskResult {
  const { name, stack } = req;
  const physical = req.qualifiedName;
  const region = platform.region;
  const opts = { parent: req.parent };
  const grants: Record<string, iam.RolePolicy> = {};

  const logGroup = new cloudwatch.LogGroup(
    `${name}-logs`,
    vendor.apply("logGroup", { name: names.logGroup(stack.prefix, physical), retentionInDays: LOG_RETENTION_DAYS, region, tags }),
    opts,
  );
  const trust = platform.identity().apply((id) => ecsTasksTrust({ ...id, region }));
  const role = (key: "executionRole" | "taskRole", kind: "exec" | "task", what: string) =>
    new iam.Role(
      `${name}-${kind === "exec" ? "execution" : "task"}-role`,
      vendor.apply(key, { name: names.role(stack.prefix, physical, kind), description: `Freehold ${stack.prefix}/${physical}: ${what}`, assumeRolePolicy: trust, tags }),
      opts,
    );
  const executionRole = role("executionRole", "exec", "ECS agent (logs, linked secrets, image pull)");
  const taskRole = role("taskRole", "task", "the application (linked buckets only)");

  const registrySecret = req.registry ? createRegistrySecret(req, platform, tags) : undefined;

  const grantDocuments: pulumi.Output<string>[] = [];
  const grant = (key: string, childName: string, target: iam.Role, policyName: string, policy: pulumi.Output<string>) => {
    grantDocuments.push(policy);
    const p = new iam.RolePolicy(childName, { role: target.name, name: policyName, policy }, opts);
    grants[key] = p;
    return p;
  };
  const policies: iam.RolePolicy[] = [
    grant(
      "executionPolicy",
      `${name}-execution-policy`,
      executionRole,
      "freehold-execution",
      pulumi.all([logGroup.arn, req.image]).apply(([logGroupArn, image]) => JSON.stringify(executionRolePolicy({ logGroupArn, image }))),
    ),
    ...(registrySecret
      ? [grant("registryAccess", `${name}-registry-access`, executionRole, "freehold-registry", registrySecret.secret.arn.apply((arn) => JSON.stringify(secretReadPolicy(arn))))]
      : []),
    // A linked database: the secret of the one role the link's access maps to, nothing else (the master secret is the role job's alone).
    ...linked.databases.map(({ link, handle }) =>
      grant(`${link.name}Secret`, `${name}-${link.name}-secret`, executionRole, `freehold-link-${link.name}`, handle.roles[appRoleFor(link.access)].secretArn.apply((own) => JSON.stringify(secretReadPolicy(own)))),
    ),
    ...linked.buckets.map(({ link, handle }) =>
      grant(`${link.name}Access`, `${name}-${link.name}-access`, taskRole, `freehold-link-${link.name}`, handle.bucketArn.apply((arn) => JSON.stringify(taskRolePolicy([{ arn, access: link.access }])))),
    ),
  ];

  const taskDefinition = new ecs.TaskDefinition(
    `${name}-task`,
    vendor.apply("taskDefinition", {
      family: names.taskFamily(stack.prefix, physical),
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      ...fargateUnits(size),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      volumes: linked.databases.some((d) => d.handle.serverCa) ? [{ name: TLS_VOLUME }] : [],
      containerDefinitions: containersFor(req, linked, platform, Number(fargateUnits(size).memory), registrySecret?.secret.arn),
      region,
      tags,
    }),
    { ...opts, dependsOn: [logGroup] },
  );
  const resources: TaskResources = {
    ...grants,
    logGroup,
    executionRole,
    taskRole,
    executionPolicy: grants.executionPolicy as iam.RolePolicy,
    taskDefinition,
    registrySecret: registrySecret?.secret,
    registrySecretValue: registrySecret?.value,
    registryAccess: grants.registryAccess,
  };
  return { logGroup, taskDefinition, policies, grantDocuments, resources };
}

/**
 * Each linked database's environment as this task sees it: the password of the
 * link's own role, pinned to its secret version (a new password rolls every
 * task), and DATABASE_USER resolved only once the database's role job has run.
 */
export function linkedDatabaseEnvironment(links: readonly LinkTarget[], linked: Linked["databases"]) {
  return linked.map(({ link, handle }) => {
    const p = linkVariablePrefix(links, link);
    const creds = handle.roles[appRoleFor(link.access)];
    return {
      user: { [`${p}USER`]: handle.roleJob().ready.apply(() => creds.username) },
      secret: pulumi.all([creds.secretArn, creds.versionId]).apply(([arn, version]) => ({ name: `${p}PASSWORD`, valueFrom: `${arn}:password::${version}` })),
      serverCa: handle.serverCa,
    };
  });
}

/** The container definitions, once every secret ARN and the image are known. */
function containersFor(req: TaskRequest, linked: Linked, platform: AwsPlatform, memoryMiB: number, registryArn: pulumi.Output<string> | undefined): pulumi.Output<string> {
  const { spec, stack } = req;
  const dbs = linkedDatabaseEnvironment(req.links, linked.databases);
  const environment = pulumi.all(Object.assign({ ...req.env, ...req.linkEnv.plain }, ...dbs.map((d) => d.user)) as Record<string, pulumi.Input<string>>);
  const cas = dbs.flatMap((d) => (d.serverCa ? [d.serverCa] : []));
  return pulumi.all([req.image, environment, pulumi.all(dbs.map((d) => d.secret)), registryArn ?? pulumi.output("")]).apply(([image, env, secrets, registry]) =>
    containerDefinitions({
      image,
      ...(spec.kind === "web-service" ? { port: spec.port } : {}),
      ...(spec.kind !== "web-service" && spec.command ? { command: spec.command } : {}),
      ...(spec.kind !== "web-service" && spec.args ? { args: spec.args } : {}),
      environment: env,
      secrets,
      user: spec.user,
      readOnly: !spec.writableRootFilesystem,
      logGroup: names.logGroup(stack.prefix, req.qualifiedName),
      region: platform.region,
      memoryMiB,
      ...(registry ? { registryCredentials: registry } : {}),
      ...(cas.length ? { caBundle: caBundle(cas) } : {}),
    }),
  );
}

/** The private registry's credentials as ECS wants them: a Secrets Manager secret with `username` and `password`. */
function createRegistrySecret(req: TaskRequest, platform: AwsPlatform, tags: Record<string, string>) {
  const registry = req.registry as NonNullable<TaskRequest["registry"]>;
  const opts = { parent: req.parent };
  const secret = new secretsmanager.Secret(
    `${req.name}-registry-secret`,
    {
      name: names.secret(req.stack.prefix, req.qualifiedName, "registry"),
      description: `Freehold ${req.stack.prefix}/${req.qualifiedName}: credentials for ${registry.server}`,
      recoveryWindowInDays: 0,
      region: platform.region,
      tags,
    },
    opts,
  );
  const value = new secretsmanager.SecretVersion(
    `${req.name}-registry-secret-value`,
    { secretId: secret.id, secretString: pulumi.secret(pulumi.all([registry.username, registry.password]).apply(([username, password]) => JSON.stringify({ username, password }))), region: platform.region },
    opts,
  );
  return { secret, value };
}

/**
 * IAM is eventually consistent: a policy just put on a role may not yet allow
 * the first task to pull its secrets or read its bucket. A service (or a job's
 * schedule) starts this long after the last change to its roles' policies.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency
 */
export const IAM_PROPAGATION = "15s";

/** The wait between the policies on a task's roles and the first task that uses them, run again whenever a policy's document changes. */
export function grantsWait(name: string, task: Pick<TaskResult, "policies" | "grantDocuments">, opts: pulumi.CustomResourceOptions): time.Sleep {
  return new time.Sleep(
    `${name}-iam-propagation`,
    { createDuration: IAM_PROPAGATION, triggers: { policies: pulumi.all(task.grantDocuments).apply((ps) => ps.join("\n")) } },
    { ...opts, dependsOn: task.policies },
  );
}
