/**
 * Database -> Amazon RDS for PostgreSQL: a DB instance in the stack's private
 * subnets with its own security group (no ingress until a web service links to
 * it), a parameter group that forces TLS, gp3 storage with autoscaling, and the
 * master password managed by RDS in Secrets Manager.
 */
import { type DatabaseRequest, type DatabaseResult, keepData } from "@freehold/core";
import * as ec2 from "@pulumi/aws/ec2";
import * as rds from "@pulumi/aws/rds";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import * as pulumi from "@pulumi/pulumi";
import { componentTags, names } from "./naming";
import { asPlatform } from "./network";
import { chooseRds } from "./sizes";
import { VendorArgs } from "./vendor";

export const DATABASE_ROLES = ["securityGroup", "parameterGroup", "instance"] as const;
export const POSTGRES_PORT = 5432;
/** Master user name (the password lives only in the RDS-managed secret). */
export const MASTER_USERNAME = "freehold";
/** Storage autoscaling ceiling: twice the requested storage, within the gp3 maximum of 64 TiB. */
export const maxStorageGiB = (storageGiB: number) => Math.min(storageGiB * 2, 65536);

/** What a linked web service needs from a database. */
export interface DatabaseHandle {
  readonly kind: "aws:rds";
  readonly securityGroupId: pulumi.Output<string>;
  /** ARN of the RDS-managed master user secret (JSON with username and password). */
  readonly secretArn: pulumi.Output<string>;
  readonly port: number;
}

export function isDatabaseHandle(h: unknown): h is DatabaseHandle {
  return typeof h === "object" && h !== null && (h as { kind?: unknown }).kind === "aws:rds";
}

export function createDatabase(req: DatabaseRequest): DatabaseResult {
  const { name, spec, stack } = req;
  const physical = req.qualifiedName;
  const vendor = new VendorArgs(spec.vendor, name, DATABASE_ROLES);
  const size = chooseRds(req.size, spec.highAvailability, name);
  const platform = asPlatform(req.platform);
  const network = platform.network();
  const subnetGroup = platform.dbSubnetGroup();
  const tags = componentTags(stack, name);
  const opts = { parent: req.parent };

  const sg = new ec2.SecurityGroup(
    `${name}-sg`,
    vendor.apply("securityGroup", {
      name: names.securityGroup(stack.prefix, physical, "db"),
      description: "Freehold database: PostgreSQL from linked services only",
      vpcId: network.vpcId,
      tags,
    }),
    opts,
  );

  const params = new rds.ParameterGroup(
    `${name}-params`,
    vendor.apply("parameterGroup", {
      name: names.dbParameterGroup(stack.prefix, physical, spec.version),
      family: `postgres${spec.version}`,
      description: "Freehold: TLS required",
      parameters: [{ name: "rds.force_ssl", value: "1" }],
      tags,
    }),
    opts,
  );

  const protect = spec.deletionProtection;
  const instance = new rds.Instance(
    `${name}-instance`,
    vendor.apply("instance", {
      identifier: names.dbInstance(stack.prefix, physical),
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
      deletionProtection: protect,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: names.finalSnapshot(stack.prefix, physical),
      deleteAutomatedBackups: !protect,
      copyTagsToSnapshot: true,
      enabledCloudwatchLogsExports: ["postgresql"],
      autoMinorVersionUpgrade: true,
      // A major version change in the spec is an explicit request: let RDS perform it.
      allowMajorVersionUpgrade: true,
      tags,
    }),
    { ...opts, ...keepData(protect) },
  );

  const secretArn = instance.masterUserSecrets.apply((s) => s[0]?.secretArn ?? "");
  // The neutral connection string needs the password: read it from the RDS-managed secret (kept a Pulumi secret).
  const secret = secretsmanager.getSecretVersionOutput({ secretId: secretArn }, { parent: req.parent });
  const password = pulumi.secret(secret.secretString.apply((s) => String((JSON.parse(s) as { password?: unknown }).password ?? "")));

  const handle: DatabaseHandle = { kind: "aws:rds", securityGroupId: sg.id, secretArn, port: POSTGRES_PORT };
  return {
    host: instance.address,
    port: instance.port,
    databaseName: pulumi.output(spec.databaseName),
    username: instance.username,
    password,
    handle,
    resources: { securityGroup: sg, parameterGroup: params, instance, subnetGroup },
    description: {
      service: "Amazon RDS for PostgreSQL",
      size,
      details: {
        engineVersion: spec.version,
        multiAz: spec.highAvailability,
        storage: `gp3, ${spec.storageGiB} GiB autoscaling to ${maxStorageGiB(spec.storageGiB)} GiB, encrypted`,
        backupRetentionDays: spec.backups.retentionDays,
        tls: "required (rds.force_ssl=1)",
        password: "managed by RDS in Secrets Manager",
        deletionProtection: protect,
      },
    },
  };
}
