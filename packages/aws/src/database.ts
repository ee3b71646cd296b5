/**
 * Database -> Amazon RDS for PostgreSQL: a DB instance in the stack's private
 * subnets with its own security group (no ingress until a web service links to
 * it), a parameter group that forces TLS, gp3 storage with autoscaling, its
 * PostgreSQL log group (the stack's retention), the master password managed by
 * RDS in Secrets Manager (administration only), and the passwords of the two
 * least-privilege application roles (the role model of @freehold/core, set up
 * by its role job, role-job.ts) in Freehold's own secrets.
 *
 * Changes apply when `up` runs (`applyImmediately`), not at the next
 * maintenance window; `vendor.aws.instance.applyImmediately: false` chooses the
 * window. A major version change creates the new version's parameter group
 * first and moves the instance to it in the same modification.
 */
import { APP_ROLES, type AppRole, CREATE_FIRST, type DatabaseRequest, type DatabaseResult, keepData, SAME_ID_DELETE_FIRST, scramVerifier } from "@freehold/core";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as rds from "@pulumi/aws/rds";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { componentTags, LOG_RETENTION_DAYS, names } from "./naming";
import { type AwsPlatform, asPlatform } from "./network";
import { rdsCaBundle } from "./rds-ca";
import type { DatabaseResources } from "./resources";
import { createRoleJob, type RoleJob } from "./role-job";
import { chooseRds } from "./sizes";
import { VendorArgs } from "./vendor";

export const DATABASE_ROLES = ["securityGroup", "parameterGroup", "logGroup", "upgradeLogGroup", "instance"] as const;
/** The logs RDS for PostgreSQL exports to CloudWatch Logs: the server log and the major-upgrade log (FSBP RDS.9 asks for both). https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-9 */
export const LOG_EXPORTS = ["postgresql", "upgrade"] as const;
/**
 * Enrolment in RDS Extended Support, set deliberately: when a major version
 * leaves standard support, RDS keeps the instance on it and bills Extended
 * Support per vCPU-hour (the estimate shows it) rather than upgrading the major
 * version itself at a time nobody chose, which would leave the stack's state on
 * the old version and break the application's assumptions. To refuse Extended
 * Support instead, set vendor.aws.instance.engineLifecycleSupport to
 * "open-source-rds-extended-support-disabled".
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support.html
 */
export const ENGINE_LIFECYCLE_SUPPORT = "open-source-rds-extended-support";
/** The certificate authority that signs the server certificate (RDS's default for new instances since 2024), set so that it never drifts. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html */
export const CA_CERT_IDENTIFIER = "rds-ca-rsa2048-g1";
export const POSTGRES_PORT = 5432;
/** Master user name (the password lives only in the RDS-managed secret): administration only. */
export const MASTER_USERNAME = "freehold";
/** Storage autoscaling ceiling: twice the requested storage, within the gp3 maximum of 64 TiB (at least 10% above the allocation, as RDS requires). */
export const maxStorageGiB = (storageGiB: number) => Math.min(storageGiB * 2, 65536);
/** Application role passwords: letters and digits only (URL-safe, SASLprep-neutral), 40 of them. */
export const APP_PASSWORD_LENGTH = 40;

/** One application role's credentials, as a linked service uses them. */
export interface RoleCredentials {
  readonly username: string;
  /** ARN of the Freehold secret holding `username`, `password` and `verifier`. */
  readonly secretArn: pulumi.Output<string>;
  /** The secret version the task definition pins (a new password rolls every task). */
  readonly versionId: pulumi.Output<string>;
}

/** What a linking component (a web service, or any later kind) needs from a database. */
export interface DatabaseHandle {
  readonly kind: "aws:rds";
  readonly securityGroupId: pulumi.Output<string>;
  readonly host: pulumi.Output<string>;
  readonly port: number;
  readonly databaseName: string;
  readonly roles: Readonly<Record<AppRole, RoleCredentials>>;
  /** The server's certificate authorities (PEM), for verify-full: the region's RDS root CAs. */
  readonly serverCa?: string;
  /**
   * The database's role job, made by the first component that links to the
   * database and shared by the rest: its `ready` resolves once the roles exist.
   */
  roleJob(): RoleJob;
}

export function isDatabaseHandle(h: unknown): h is DatabaseHandle {
  return typeof h === "object" && h !== null && (h as { kind?: unknown }).kind === "aws:rds";
}

interface RoleSecret extends RoleCredentials {
  password: pulumi.Output<string>;
  resources: { password: random.RandomPassword; secret: secretsmanager.Secret; value: secretsmanager.SecretVersion };
}

/** A generated password for one application role, in a Secrets Manager secret with its SCRAM verifier. */
function roleSecret(req: DatabaseRequest, platform: AwsPlatform, role: AppRole, tags: Record<string, string>): RoleSecret {
  const { name, stack } = req;
  const opts = { parent: req.parent };
  const username = APP_ROLES[role];
  const key = role === "readWrite" ? "app" : "reader";
  const password = new random.RandomPassword(`${name}-${key}-password`, { length: APP_PASSWORD_LENGTH, special: false, minLower: 1, minUpper: 1, minNumeric: 1 }, opts);
  const secret = new secretsmanager.Secret(
    `${name}-${key}-secret`,
    {
      name: names.secret(stack.prefix, req.qualifiedName, username),
      description: `Freehold ${stack.prefix}/${req.qualifiedName}: PostgreSQL role ${username}`,
      // Deleted at once, not after a recovery window: Freehold regenerates it, and its name must be free for the next up.
      recoveryWindowInDays: 0,
      region: platform.region,
      tags,
    },
    opts,
  );
  const value = new secretsmanager.SecretVersion(
    `${name}-${key}-secret-value`,
    {
      secretId: secret.id,
      secretString: pulumi.secret(password.result.apply((p) => JSON.stringify({ username, password: p, verifier: scramVerifier(String(p ?? "")) }))),
      region: platform.region,
    },
    opts,
  );
  return {
    username,
    secretArn: secret.arn,
    versionId: value.versionId,
    password: pulumi.secret(password.result),
    resources: { password, secret, value },
  };
}

export function createDatabase(req: DatabaseRequest): DatabaseResult {
  const { name, spec, stack } = req;
  const physical = req.qualifiedName;
  const vendor = new VendorArgs(spec.vendor, name, DATABASE_ROLES);
  const size = chooseRds(req.size, spec.highAvailability, name);
  const platform = asPlatform(req.platform);
  const protect = spec.deletionProtection;
  const subnetGroup = platform.dbSubnetGroup();
  const network = platform.network();
  const tags = componentTags(stack, name);
  const opts = { parent: req.parent };
  const region = platform.region;
  const identifier = names.dbInstance(stack.prefix, physical);

  const sg = new ec2.SecurityGroup(
    `${name}-sg`,
    vendor.apply("securityGroup", {
      name: names.securityGroup(stack.prefix, physical, "db"),
      description: "Freehold database: PostgreSQL from linked services only",
      vpcId: network.vpcId,
      region,
      tags,
    }),
    // Its name and description are fixed and names are unique per VPC: replaced only with a new VPC (a region change, a network the
    // stack brings), so the new group is created first and the old one goes after what used it.
    { ...opts, ...CREATE_FIRST },
  );

  const params = new rds.ParameterGroup(
    `${name}-params`,
    vendor.apply("parameterGroup", {
      name: names.dbParameterGroup(stack.prefix, physical, spec.version),
      family: `postgres${spec.version}`,
      description: "Freehold: TLS required",
      parameters: parameterGroupParameters(spec.replication),
      region,
      tags,
    }),
    // Replaced only by a new major version (its name carries the version) or region: created first, and the old one deleted once the
    // instance has left it (RDS refuses to delete a parameter group an instance is a member of).
    { ...opts, ...CREATE_FIRST },
  );

  // RDS creates these log groups on first export, without retention; created first, they have the stack's retention and go with the stack.
  const logGroup = new cloudwatch.LogGroup(
    `${name}-logs`,
    vendor.apply("logGroup", { name: names.rdsLogGroup(identifier, "postgresql"), retentionInDays: LOG_RETENTION_DAYS, region, tags }),
    opts,
  );
  const upgradeLogGroup = new cloudwatch.LogGroup(
    `${name}-upgrade-logs`,
    vendor.apply("upgradeLogGroup", { name: names.rdsLogGroup(identifier, "upgrade"), retentionInDays: LOG_RETENTION_DAYS, region, tags }),
    opts,
  );
  const keep = spec.backups.keepOnDelete;

  // A new final snapshot name for every instance: a replaced or re-created instance would otherwise find the old one's snapshot (DBSnapshotAlreadyExists).
  const snapshotId = keep
    ? new random.RandomId(`${name}-final-snapshot-id`, { byteLength: 4, keepers: { identifier, dbName: spec.databaseName, username: MASTER_USERNAME, engine: "postgres" } }, opts)
    : undefined;

  const instance = new rds.Instance(
    `${name}-instance`,
    vendor.apply("instance", {
      identifier,
      engine: "postgres",
      engineVersion: spec.version,
      instanceClass: size.sku,
      allocatedStorage: spec.storageGiB,
      maxAllocatedStorage: maxStorageGiB(spec.storageGiB),
      storageType: "gp3",
      storageEncrypted: true,
      publiclyAccessible: false,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [sg.id],
      parameterGroupName: params.name,
      port: POSTGRES_PORT,
      dbName: spec.databaseName,
      username: MASTER_USERNAME,
      manageMasterUserPassword: true,
      backupRetentionPeriod: spec.backups.retentionDays,
      multiAz: spec.highAvailability,
      // The user's `up` is when changes happen: size, storage, Multi-AZ and version are not left pending until the maintenance window.
      applyImmediately: true,
      deletionProtection: protect,
      // backups.keepOnDelete: a final snapshot (kept until someone deletes it) and the automated backups (kept for their retention period) outlive the instance.
      skipFinalSnapshot: !keep,
      ...(snapshotId ? { finalSnapshotIdentifier: snapshotId.hex.apply((hex) => names.finalSnapshot(identifier, hex)) } : {}),
      deleteAutomatedBackups: !keep,
      copyTagsToSnapshot: true,
      enabledCloudwatchLogsExports: [...LOG_EXPORTS],
      engineLifecycleSupport: ENGINE_LIFECYCLE_SUPPORT,
      caCertIdentifier: CA_CERT_IDENTIFIER,
      autoMinorVersionUpgrade: true,
      // A major version change in the spec is an explicit request: let RDS perform it.
      allowMajorVersionUpgrade: true,
      region,
      tags,
    }),
    // After creation RDS storage autoscaling owns the allocation: a storage change in the spec moves the ceiling only.
    // RDS refuses a storage change within six hours of the last one (an autoscaling step included) or below +10%,
    // and Pulumi cannot know either; raising the ceiling is not a storage change and is never refused.
    // A replacement (a new database name, engine or subnet group) keeps the identifier, unique in the account and region:
    // created first, RDS would refuse it (DBInstanceAlreadyExists, https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html).
    { ...opts, ...keepData(protect), ...SAME_ID_DELETE_FIRST, dependsOn: [logGroup, upgradeLogGroup], ignoreChanges: ["allocatedStorage"] },
  );

  const roles = { readWrite: roleSecret(req, platform, "readWrite", tags), read: roleSecret(req, platform, "read", tags) };
  const masterSecretArn = instance.masterUserSecrets.apply((s) => s?.[0]?.secretArn ?? "");
  const serverCa = rdsCaBundle(region);
  let job: RoleJob | undefined;
  const handle: DatabaseHandle = {
    kind: "aws:rds",
    securityGroupId: sg.id,
    host: instance.address,
    port: POSTGRES_PORT,
    databaseName: spec.databaseName,
    roles: {
      readWrite: { username: roles.readWrite.username, secretArn: roles.readWrite.secretArn, versionId: roles.readWrite.versionId },
      read: { username: roles.read.username, secretArn: roles.read.secretArn, versionId: roles.read.versionId },
    },
    ...(serverCa ? { serverCa } : {}),
    roleJob() {
      job ??= createRoleJob({
        req,
        platform,
        tags,
        instance,
        host: instance.address,
        port: POSTGRES_PORT,
        databaseName: spec.databaseName,
        masterUser: MASTER_USERNAME,
        masterSecretArn,
        databaseSecurityGroupId: sg.id,
        roles: { readWrite: roles.readWrite, read: roles.read },
        ...(serverCa ? { serverCa } : {}),
      });
      return job;
    },
  };
  return {
    host: instance.address,
    port: pulumi.output(POSTGRES_PORT),
    databaseName: pulumi.output(spec.databaseName),
    // The neutral outputs are the application's read-write role, not the master user.
    username: pulumi.output(roles.readWrite.username),
    password: roles.readWrite.password,
    ...(serverCa ? { serverCa: pulumi.output(serverCa) } : {}),
    handle,
    resources: {
      securityGroup: sg,
      parameterGroup: params,
      logGroup,
      upgradeLogGroup,
      ...(snapshotId ? { finalSnapshotId: snapshotId } : {}),
      instance,
      subnetGroup,
      appPassword: roles.readWrite.resources.password,
      appSecret: roles.readWrite.resources.secret,
      appSecretValue: roles.readWrite.resources.value,
      readerPassword: roles.read.resources.password,
      readerSecret: roles.read.resources.secret,
      readerSecretValue: roles.read.resources.value,
    } satisfies DatabaseResources,
    description: {
      service: "Amazon RDS for PostgreSQL",
      size,
      details: {
        engineVersion: spec.version,
        multiAz: spec.highAvailability,
        storage: `gp3, encrypted: ${spec.storageGiB} GiB when created, then grown by RDS storage autoscaling up to ${maxStorageGiB(spec.storageGiB)} GiB (a new storageGiB moves that ceiling)`,
        backupRetentionDays: spec.backups.retentionDays,
        tls: serverCa ? `required (rds.force_ssl=1); linked services verify the server (verify-full) against the ${region} RDS root CAs (${CA_CERT_IDENTIFIER})` : "required (rds.force_ssl=1)",
        applications: `connect as role ${APP_ROLES.readWrite} (read-write) or ${APP_ROLES.read} (read-only), set up by the database's role job (a one-off Fargate task run by up, once a component links to the database); passwords in Freehold's Secrets Manager secrets`,
        administration: `master user ${MASTER_USERNAME}, password managed and rotated by RDS in Secrets Manager`,
        logs: `CloudWatch Logs ${names.rdsLogGroup(identifier, "postgresql")} and ${names.rdsLogGroup(identifier, "upgrade")}, ${LOG_RETENTION_DAYS} days`,
        keptOnDelete: keep ? "a final snapshot (until you delete it) and the automated backups (for their retention period)" : "nothing: the backups are deleted with the instance",
        extendedSupport: "enrolled: past the end of standard support RDS keeps the version and bills RDS Extended Support",
        changes: "applied at `up` (applyImmediately)",
        deletionProtection: protect,
      },
    },
  };
}

/**
 * The DB parameter group's parameters: TLS only, and with `replication: logical` RDS's switch for logical decoding
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.FeatureSupport.LogicalReplication.html).
 * It is a static parameter: RDS applies it at the next reboot only (applyMethod pending-reboot), so an existing instance
 * keeps wal_level replica until it is rebooted; rules FH-AWS-RDS-LOGICAL.
 */
export function parameterGroupParameters(replication: "off" | "logical"): rds.ParameterGroupArgs["parameters"] {
  return [
    { name: "rds.force_ssl", value: "1" },
    ...(replication === "logical" ? [{ name: "rds.logical_replication", value: "1", applyMethod: "pending-reboot" }] : []),
  ];
}
