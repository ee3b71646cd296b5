/**
 * Database -> Cloud SQL for PostgreSQL (Enterprise edition) on private IP only,
 * with its database, an application user, and the user's password in Secret
 * Manager.
 */
import { type DatabaseRequest, type DatabaseResult, keepData, type SizeChoice, type StackContext } from "@freehold/core";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as sql from "@pulumi/gcp/sql";
import * as pulumi from "@pulumi/pulumi";
import { RandomPassword } from "@pulumi/random/randomPassword";
import { names } from "./naming";
import { type GcpPlatform, platformOf } from "./network";
import { databaseSize } from "./sizes";
import { vendorSettings, withVendor } from "./vendor";

export const DATABASE_ROLES = ["instance", "database", "user", "password", "secret"] as const;
export const APP_USER = "app";
export const POSTGRES_PORT = 5432;
/** Cloud SQL Enterprise keeps transaction logs (point-in-time recovery) for 1 to 7 days. */
export const MAX_TRANSACTION_LOG_DAYS = 7;

/** What web-service links need from a database. */
export interface DatabaseHandle {
  kind: "gcp-database";
  instance: sql.DatabaseInstance;
  /** The instance id, known before deployment (for IAM conditions). */
  instanceName: string;
  secret: secretmanager.Secret;
  secretVersion: secretmanager.SecretVersion;
}

/** Secret Manager replication: pinned to the stack's region when residency is required, else automatic. */
export function secretReplication(stack: StackContext): secretmanager.SecretArgs["replication"] {
  return stack.residency === "none" ? { auto: {} } : { userManaged: { replicas: [{ location: stack.region.region }] } };
}

export function instanceArgs(req: DatabaseRequest, platform: GcpPlatform, size: SizeChoice, name: string): sql.DatabaseInstanceArgs {
  const spec = req.spec;
  const net = platform.network();
  // Cloud SQL requires point-in-time recovery for a regional (HA) PostgreSQL instance.
  const pitr = spec.backups.pointInTimeRecovery || spec.highAvailability;
  return {
    name,
    region: platform.region,
    databaseVersion: `POSTGRES_${spec.version}`,
    deletionProtection: spec.deletionProtection,
    settings: {
      edition: "ENTERPRISE",
      tier: size.sku,
      availabilityType: spec.highAvailability ? "REGIONAL" : "ZONAL",
      diskType: "PD_SSD",
      diskSize: spec.storageGiB,
      diskAutoresize: true,
      deletionProtectionEnabled: spec.deletionProtection,
      ipConfiguration: {
        ipv4Enabled: false,
        privateNetwork: net.network.id,
        allocatedIpRange: net.privateRange.name,
        sslMode: "ENCRYPTED_ONLY",
      },
      backupConfiguration: {
        enabled: true,
        pointInTimeRecoveryEnabled: pitr,
        transactionLogRetentionDays: pitr ? Math.min(MAX_TRANSACTION_LOG_DAYS, spec.backups.retentionDays) : undefined,
        backupRetentionSettings: { retainedBackups: spec.backups.retentionDays, retentionUnit: "COUNT" },
      },
      databaseFlags: [
        { name: "log_connections", value: "on" },
        { name: "log_disconnections", value: "on" },
      ],
      userLabels: platform.labels,
    },
  };
}

export function database(req: DatabaseRequest): DatabaseResult {
  const platform = platformOf(req.platform);
  const vendor = vendorSettings(req.name, req.spec.vendor, DATABASE_ROLES);
  const size = databaseSize(req.size, req.spec.highAvailability, req.name);
  const protect = req.spec.deletionProtection;
  const instanceName = names.sqlInstance(req.stack.prefix, req.qualifiedName);
  const net = platform.network();
  const opts = { parent: req.parent };
  // Data-bearing children (the database, its user and the password secret) are retained with the instance:
  // dropping any of them on destroy would lose the data or the means to reach it.
  const keep = { ...opts, ...keepData(protect) };

  const instance = new sql.DatabaseInstance(`${req.name}-instance`, withVendor(instanceArgs(req, platform, size, instanceName), vendor, "instance"), {
    ...keep,
    dependsOn: [net.connection, platform.api("sqladmin")],
    // With autoresize on, Cloud SQL grows the disk; a later `up` must not try to shrink it back.
    ignoreChanges: ["settings.diskSize"],
  });
  const db = new sql.Database(`${req.name}-database`, withVendor<sql.DatabaseArgs>({ name: req.spec.databaseName, instance: instance.name }, vendor, "database"), keep);
  const password = new RandomPassword(`${req.name}-password`, withVendor({ length: 32, special: false, minLower: 1, minUpper: 1, minNumeric: 1 }, vendor, "password"), opts);
  const user = new sql.User(
    `${req.name}-user`,
    // ABANDON: PostgreSQL refuses to drop a role that owns objects; the user goes with its instance.
    withVendor<sql.UserArgs>({ name: APP_USER, instance: instance.name, password: password.result, deletionPolicy: "ABANDON" }, vendor, "user"),
    keep,
  );
  const secret = new secretmanager.Secret(
    `${req.name}-secret`,
    withVendor<secretmanager.SecretArgs>(
      { secretId: names.secret(req.stack.prefix, req.qualifiedName, "db-password"), replication: secretReplication(req.stack), labels: platform.labels },
      vendor,
      "secret",
    ),
    { ...keep, dependsOn: [platform.api("secretmanager")] },
  );
  const secretVersion = new secretmanager.SecretVersion(`${req.name}-secret-version`, { secret: secret.id, secretData: password.result }, keep);

  const handle: DatabaseHandle = { kind: "gcp-database", instance, instanceName, secret, secretVersion };
  return {
    host: instance.privateIpAddress,
    port: pulumi.output(POSTGRES_PORT),
    databaseName: db.name,
    username: user.name,
    password: pulumi.secret(password.result),
    handle,
    resources: { instance, database: db, user, password, secret, secretVersion },
    description: {
      service: "Cloud SQL for PostgreSQL",
      size,
      details: {
        edition: "ENTERPRISE",
        availabilityType: req.spec.highAvailability ? "REGIONAL" : "ZONAL",
        storage: `${req.spec.storageGiB} GiB PD_SSD, autoresize`,
        backupsRetained: req.spec.backups.retentionDays,
        pointInTimeRecovery: req.spec.backups.pointInTimeRecovery || req.spec.highAvailability,
        ...(req.spec.highAvailability && !req.spec.backups.pointInTimeRecovery ? { pointInTimeRecoveryNote: "enabled although the spec turned it off: Cloud SQL requires it for a regional (HA) instance" } : {}),
        network: "private IP only (private services access)",
        sslMode: "ENCRYPTED_ONLY",
        passwordSecret: names.secret(req.stack.prefix, req.qualifiedName, "db-password"),
        secretReplication: req.stack.residency === "none" ? "automatic" : `user-managed in ${req.stack.region.region}`,
        retainedOnDelete: protect,
      },
    },
  };
}
