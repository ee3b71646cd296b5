/**
 * Database -> Cloud SQL for PostgreSQL (Enterprise edition) with no public IP,
 * reached through a Private Service Connect endpoint in the stack's subnet,
 * with its database, an administrator login for administration only, and the
 * role model's application roles (`app`, `app_read`) created inside the
 * database at deploy time (db-role.ts). Every password is kept in Secret
 * Manager, replicated only in the stack's region.
 */
import { APP_ROLES, type AppRole, CREATE_FIRST, type DatabaseRequest, type DatabaseResult, keepData, SAME_ID_DELETE_FIRST, type SizeChoice, type StackContext, scramVerifier } from "@freehold/core";
import * as compute from "@pulumi/gcp/compute";
import * as dns from "@pulumi/gcp/dns";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as sql from "@pulumi/gcp/sql";
import type * as inputs from "@pulumi/gcp/types/input";
import * as pulumi from "@pulumi/pulumi";
import { RandomPassword } from "@pulumi/random/randomPassword";
import { ADMIN_USER, appRole, POSTGRES_PORT, ROLE_SCRIPT, roleScript } from "./db-role";

export { ADMIN_USER, POSTGRES_PORT, ROLE_SCRIPT, roleScript };

import { caBundle } from "./ca";
import { nameSuffix } from "./generated";
import { names, SQL_SUFFIX_LENGTH } from "./naming";
import { type GcpPlatform, platformOf, type VpcAttachment } from "./network";
import type { DatabaseResources } from "./resources";
import { databaseSize } from "./sizes";
import { vendorSettings, withVendor } from "./vendor";

export const DATABASE_ROLES = ["instance", "database", "adminUser", "password", "adminPassword", "readPassword", "secret", "adminSecret", "readSecret", "roleJob"] as const;
/** Cloud SQL Enterprise keeps transaction logs (point-in-time recovery) for 1 to 7 days. */
export const MAX_TRANSACTION_LOG_DAYS = 7;

/** One application role's password secret and the version Freehold wrote. */
export interface RoleSecretRef {
  secret: secretmanager.Secret;
  secretVersion: secretmanager.SecretVersion;
}

/** What web-service links need from a database. */
export interface DatabaseHandle {
  kind: "gcp-database";
  instance: sql.DatabaseInstance;
  /** The instance id (it ends with a generated suffix, so it is an output). */
  instanceName: pulumi.Output<string>;
  /** Each role's password secret: a link reads only its own role's. */
  roles: Readonly<Record<AppRole, RoleSecretRef>>;
  /** The job that creates the application roles: services that log in as one wait for it. */
  ready: pulumi.Resource;
}

/**
 * Secret Manager replication: always user-managed with one replica in the
 * stack's region. Replication cannot change after creation (the API marks it
 * immutable), so tying it to `residency` replaced the secret when residency
 * changed; pinning it to the region keeps the password where the data is
 * under any residency rule, and a residency change touches nothing.
 * (https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets#replication)
 */
export function secretReplication(stack: StackContext): secretmanager.SecretArgs["replication"] {
  return { userManaged: { replicas: [{ location: stack.region.region }] } };
}

/**
 * The multi-region Cloud SQL keeps backups in by default: the one closest to
 * the instance. For London that is `eu`, which London is not part of (the
 * European Union's member states): by default a London database's backups
 * leave the UK (https://cloud.google.com/sql/docs/postgres/backup-recovery/backups#locations).
 */
export function defaultBackupLocation(region: string): string {
  return region.startsWith("europe-") ? "eu" : region.startsWith("us-") || region.startsWith("northamerica-") ? "us" : "asia";
}

/**
 * Where backups go: by default "the multi-region location closest to the
 * instance" (`eu` for London), outside the region; with a residency rule a
 * custom location, the instance's own region
 * (https://cloud.google.com/sql/docs/postgres/backup-recovery/backups#locations).
 */
export function backupLocation(stack: StackContext): string | undefined {
  return stack.residency === "none" ? undefined : stack.region.region;
}

/**
 * Cloud SQL deletes an instance's backups with it unless told otherwise
 * (https://cloud.google.com/sql/docs/postgres/backup-recovery/backups): with
 * `backups.keepOnDelete`, `retainBackupsOnDelete` keeps the automated backups
 * after the deletion (each under the instance's retention setting) and a final
 * backup is taken when the instance is deleted, kept `FINAL_BACKUP_DAYS`
 * (https://cloud.google.com/sql/docs/postgres/backup-recovery/final-backup).
 */
export const FINAL_BACKUP_DAYS = 365;

/**
 * What the instance logs (CIS Google Cloud Platform Foundations, Cloud SQL for
 * PostgreSQL): connections and disconnections, every DDL statement, and
 * through pgAudit every DDL and role or privilege change, with the session
 * that made it; never the data a statement reads or writes
 * (https://cloud.google.com/sql/docs/postgres/flags,
 * https://cloud.google.com/sql/docs/postgres/pg-audit). Turning pgAudit on
 * restarts the instance once.
 */
export const DATABASE_FLAGS = [
  { name: "log_connections", value: "on" },
  { name: "log_disconnections", value: "on" },
  { name: "log_statement", value: "ddl" },
  { name: "cloudsql.enable_pgaudit", value: "on" },
  { name: "pgaudit.log", value: "ddl,role" },
] as const;

/**
 * With `replication: logical`: the flag that sets wal_level to logical
 * (https://cloud.google.com/sql/docs/postgres/replication/configure-logical-replication);
 * Cloud SQL restarts the instance to apply it. Rule FH-GCP-SQL-LOGICAL.
 */
export const LOGICAL_DECODING_FLAG = { name: "cloudsql.logical_decoding", value: "on" } as const;

/**
 * When Cloud SQL may restart the instance for maintenance: Sunday (day 7; the API counts from Monday, 1) from 02:00
 * UTC, for an hour: 02:00 in London in winter (GMT), 03:00 in summer (BST), the quietest hours of a UK service's
 * week. Without a window, "the maintenance update can occur at any time", weekday business hours included
 * (https://cloud.google.com/sql/docs/postgres/set-maintenance-window); the window's hour is in UTC
 * (terraform-provider-google, resource_sql_database_instance.go: `maintenance_window`, "specified in UTC time").
 * `stable` receives an update two weeks after Google's notification (`canary`: one week), time to plan around it.
 * `vendor.gcp.instance.settings.maintenanceWindow` changes it.
 */
export const MAINTENANCE_WINDOW = { day: 7, hour: 2, updateTrack: "stable" } as const;
/**
 * When the daily automated backup starts (UTC, "HH:MM"): 22:00 UTC (22:00 GMT, 23:00 BST), ending before the
 * maintenance window. Unset, the provider lets Cloud SQL pick a time at random (resource_sql_database_instance.go:
 * "start_time is randomly assigned if not set"), which may fall in business hours, when a backup adds load
 * (https://cloud.google.com/sql/docs/postgres/backup-recovery/backups#backup_window).
 */
export const BACKUP_START_TIME = "22:00";

function keptOnDelete(keep: boolean): Pick<inputs.sql.DatabaseInstanceSettings, "retainBackupsOnDelete" | "finalBackupConfig"> {
  return { retainBackupsOnDelete: keep, finalBackupConfig: keep ? { enabled: true, retentionDays: FINAL_BACKUP_DAYS } : { enabled: false } };
}

export function instanceArgs(req: DatabaseRequest, platform: GcpPlatform, size: SizeChoice, name: pulumi.Input<string>): sql.DatabaseInstanceArgs {
  const spec = req.spec;
  // Cloud SQL requires point-in-time recovery for a regional (HA) PostgreSQL instance.
  const pitr = spec.backups.pointInTimeRecovery || spec.highAvailability;
  const location = backupLocation(req.stack);
  return {
    name,
    region: platform.region,
    databaseVersion: `POSTGRES_${spec.version}`,
    deletionProtection: spec.deletionProtection,
    ...(spec.backups.keepOnDelete ? { finalBackupDescription: `Final backup of Freehold stack ${req.stack.prefix}, database ${req.qualifiedName}` } : {}),
    settings: {
      ...keptOnDelete(spec.backups.keepOnDelete),
      edition: "ENTERPRISE",
      tier: size.sku,
      availabilityType: spec.highAvailability ? "REGIONAL" : "ZONAL",
      diskType: "PD_SSD",
      diskSize: spec.storageGiB,
      diskAutoresize: true,
      deletionProtectionEnabled: spec.deletionProtection,
      maintenanceWindow: { ...MAINTENANCE_WINDOW },
      // No public IP; reachable only through Private Service Connect endpoints in this project's networks (privateEndpoint below).
      ipConfiguration: {
        ipv4Enabled: false,
        sslMode: "ENCRYPTED_ONLY",
        // The server certificate is signed by Google's regional CA hierarchy and names the instance's DNS name, so clients verify both (verify-full).
        serverCaMode: SERVER_CA_MODE,
        pscConfigs: [{ pscEnabled: true, allowedConsumerProjects: platform.info().apply((p) => (p.projectId ? [p.projectId] : [])) }],
      },
      backupConfiguration: {
        enabled: true,
        startTime: BACKUP_START_TIME,
        ...(location ? { location } : {}),
        pointInTimeRecoveryEnabled: pitr,
        transactionLogRetentionDays: pitr ? Math.min(MAX_TRANSACTION_LOG_DAYS, spec.backups.retentionDays) : undefined,
        backupRetentionSettings: { retainedBackups: spec.backups.retentionDays, retentionUnit: "COUNT" },
      },
      databaseFlags: [...DATABASE_FLAGS, ...(spec.replication === "logical" ? [LOGICAL_DECODING_FLAG] : [])].map((f) => ({ ...f })),
      userLabels: platform.labels,
    },
  };
}

/**
 * Server certificates from the shared, Google-managed CA (Certificate
 * Authority Service): a regional hierarchy whose server certificates carry the
 * instance's DNS name, so a client can check the host name as well as the
 * chain. The per-instance CA (`GOOGLE_MANAGED_INTERNAL_CA`, the API's default)
 * puts `<project>:<instance>` in the certificate, which no host name matches
 * (https://cloud.google.com/sql/docs/postgres/authorize-ssl#ca-hierarchies).
 */
export const SERVER_CA_MODE = "GOOGLE_MANAGED_CAS_CA";

/** The DNS name a Private Service Connect client uses (`<uid>.<region>.sql.goog.`): the one `dnsNames` gives for PSC, else `dnsName`. */
export function pscDnsName(dnsNames: ReadonlyArray<{ name?: string; connectionType?: string }> | undefined, dnsName: string | undefined): string {
  const psc = (dnsNames ?? []).find((d) => d.connectionType === "PRIVATE_SERVICE_CONNECT" && d.name)?.name ?? dnsName ?? "";
  return psc === "" || psc.endsWith(".") ? psc : `${psc}.`;
}

/**
 * The database's private address: a Private Service Connect endpoint (an
 * internal address in the subnet and a forwarding rule to the instance's
 * service attachment), and the instance's DNS name resolving to it in the
 * network, which is the name its server certificate carries: a private Cloud
 * DNS zone of that one name, bound to the network, with an A record
 * (https://cloud.google.com/sql/docs/postgres/configure-private-service-connect).
 * A zone of the instance's own name, rather than `<region>.sql.goog.`, never
 * overlaps another stack's or the user's zones in a shared network (Cloud DNS
 * answers from the most specific private zone). Cloud Run resolves it through
 * the network's Cloud DNS with Direct VPC egress.
 */
export function privateEndpoint(req: DatabaseRequest, platform: GcpPlatform, net: VpcAttachment, instance: sql.DatabaseInstance, opts: pulumi.CustomResourceOptions) {
  const name = names.network(req.stack.prefix, `${req.qualifiedName}-db`);
  const address = new compute.Address(`${req.name}-endpoint-address`, { name, region: platform.region, subnetwork: net.subnetwork, addressType: "INTERNAL", labels: platform.labels }, { ...opts, dependsOn: [platform.api("compute")] });
  const endpoint = new compute.ForwardingRule(
    `${req.name}-endpoint`,
    { name, region: platform.region, network: net.network, ipAddress: address.id, target: instance.pscServiceAttachmentLink, loadBalancingScheme: "" },
    opts,
  );
  const dnsName = pulumi.all([instance.dnsNames, instance.dnsName]).apply(([all, one]) => pscDnsName(all, one));
  const zone = new dns.ManagedZone(
    `${req.name}-dns-zone`,
    {
      name,
      dnsName,
      visibility: "private",
      privateVisibilityConfig: { networks: [{ networkUrl: net.networkId }] },
      description: `Freehold ${req.stack.prefix}/${req.qualifiedName}: the Cloud SQL instance's DNS name, at its Private Service Connect endpoint`,
      labels: platform.labels,
    },
    { ...opts, dependsOn: [platform.api("dns")] },
  );
  const record = new dns.RecordSet(`${req.name}-dns-record`, { managedZone: zone.name, name: dnsName, type: "A", ttl: 300, rrdatas: [address.address] }, opts);
  return { address, endpoint, zone, record, host: dnsName.apply((n) => n.replace(/\.$/, "")) };
}

/** The three generated passwords: logical names, vendor roles and secret ids (existing names kept, so no stack replaces them). */
const PASSWORDS = {
  app: { password: "password", secret: "secret", version: "secret-version", vendorPassword: "password", vendorSecret: "secret", secretId: "db-password" },
  read: { password: "read-password", secret: "read-secret", version: "read-secret-version", vendorPassword: "readPassword", vendorSecret: "readSecret", secretId: "db-read-password" },
  admin: { password: "admin-password", secret: "admin-secret", version: "admin-secret-version", vendorPassword: "adminPassword", vendorSecret: "adminSecret", secretId: "db-admin-password" },
} as const;

/**
 * A database's secret id: `<stack>-<component>-<role>-<suffix>`, ending with the
 * instance id's generated suffix, so the secrets of an instance a destroy kept
 * never collide with a new instance's (docs/gcp.md, "Destroy, and up again").
 */
export function databaseSecretId(req: Pick<DatabaseRequest, "stack" | "qualifiedName">, role: string, suffix: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(suffix).apply((sfx) => `${names.secret(req.stack.prefix, req.qualifiedName, role)}-${sfx}`);
}

/** A password, its secret (regional) and the version holding it. */
function passwordSecret(req: DatabaseRequest, platform: GcpPlatform, which: keyof typeof PASSWORDS, suffix: pulumi.Input<string>, vendor: Record<string, Record<string, unknown>>, keep: pulumi.CustomResourceOptions) {
  const n = PASSWORDS[which];
  const password = new RandomPassword(`${req.name}-${n.password}`, withVendor({ length: 32, special: false, minLower: 1, minUpper: 1, minNumeric: 1 }, vendor, n.vendorPassword), { parent: req.parent });
  const secret = regionalSecret(req, platform, n.secret, databaseSecretId(req, n.secretId, suffix), (a) => withVendor(a, vendor, n.vendorSecret), keep);
  const version = new secretmanager.SecretVersion(`${req.name}-${n.version}`, { secret: secret.id, secretData: password.result }, keep);
  return { password, secret, version };
}

/** A secret replicated only in the stack's region (`secretReplication`). */
function regionalSecret(req: DatabaseRequest, platform: GcpPlatform, logical: string, secretId: pulumi.Input<string>, vendor: (args: secretmanager.SecretArgs) => secretmanager.SecretArgs, opts: pulumi.CustomResourceOptions) {
  return new secretmanager.Secret(`${req.name}-${logical}`, vendor({ secretId, replication: secretReplication(req.stack), labels: platform.labels }), {
    ...opts,
    ...SAME_ID_DELETE_FIRST,
    dependsOn: [platform.api("secretmanager")],
    // A secret's id is fixed once it exists: a stack deployed before ids ended with the instance's suffix keeps its secrets.
    ignoreChanges: ["secretId"],
  });
}

/**
 * Both roles' SCRAM verifiers, read-write first, in one secret that only the role job reads. Derived from the
 * passwords (regenerated with them), so not retained with the data.
 */
function verifiersSecret(req: DatabaseRequest, platform: GcpPlatform, passwords: Record<AppRole, RandomPassword>, suffix: pulumi.Input<string>) {
  const opts = { parent: req.parent };
  const secret = regionalSecret(req, platform, "role-verifiers", databaseSecretId(req, "db-role-verifiers", suffix), (a) => a, opts);
  const data = pulumi.all([passwords.readWrite.result, passwords.read.result]).apply(([rw, ro]) => `${scramVerifier(String(rw ?? ""))} ${scramVerifier(String(ro ?? ""))}`);
  const version = new secretmanager.SecretVersion(`${req.name}-role-verifiers-version`, { secret: secret.id, secretData: pulumi.secret(data) }, opts);
  return { secret, version };
}

/** Every place outside the stack's region the database keeps data. */
function dataLocations(req: DatabaseRequest): Array<{ region: string; use: string }> {
  if (req.stack.residency !== "none") return [];
  return [
    { region: defaultBackupLocation(req.stack.region.region), use: "automated backups (Cloud SQL's default: the multi-region closest to the region)" },
    { region: "global", use: "connection logs (Cloud Logging's _Default bucket)" },
  ];
}

export function database(req: DatabaseRequest): DatabaseResult {
  const platform = platformOf(req.platform);
  const vendor = vendorSettings(req.name, req.spec.vendor, DATABASE_ROLES);
  const size = databaseSize(req.size, req.spec.highAvailability, req.name);
  const protect = req.spec.deletionProtection;
  const net = platform.network();
  const opts = { parent: req.parent };
  // Data-bearing children (the database, the logins and the password secrets) are kept with the instance:
  // dropping any of them on destroy would lose the data or the means to reach it.
  const keep = { ...opts, ...keepData(protect) };

  // The instance id and its secrets' ids end with a suffix generated with the instance: `up` after a destroy that kept
  // them starts a new instance with new secrets beside them, never a name that is taken (docs/gcp.md, "Destroy, and up again").
  const suffix = nameSuffix(`${req.name}-name-suffix`, SQL_SUFFIX_LENGTH, keep);
  // Under a residency rule the instance's and the role job's logs stay in the region from their first line: both wait for the routing.
  const logged = platform.logs({ sqlInstances: [names.sqlInstance(req.stack.prefix, req.qualifiedName)], jobs: [names.cloudRunJob(req.stack.prefix, req.qualifiedName, "dbrole")] });
  const instanceName = pulumi.interpolate`${names.sqlInstance(req.stack.prefix, req.qualifiedName)}-${suffix.result}`;
  const instance = new sql.DatabaseInstance(`${req.name}-instance`, withVendor(instanceArgs(req, platform, size, instanceName), vendor, "instance"), {
    ...keep,
    // No ignoreChanges on the disk size: a larger storageGiB must reach the instance. With autoresize on, the provider
    // itself drops a smaller size from the diff (the disk Cloud SQL grew stays) and sends a larger one
    // (terraform-provider-google, resource_sql_database_instance.go, diskSizeCutomizeDiff).
    dependsOn: [platform.api("sqladmin"), ...logged],
  });
  const reach = privateEndpoint(req, platform, net, instance, opts);
  // Deleted with its instance, without a call of its own: Cloud SQL drops a database through the API with DROP DATABASE,
  // which PostgreSQL refuses while anyone is connected (a closing service, an administrator, a replication subscriber), and
  // would stop a destroy or the component's removal part-way. The instance's deletion takes the database (after its final
  // backup). Not ABANDON: a renamed database is dropped, so its name can be used again.
  // Replaced only by a new database name or a new instance (whose name carries a new suffix): created first, so the services move to the
  // new database before the old one is dropped (PostgreSQL refuses to drop a database with open connections).
  const db = new sql.Database(`${req.name}-database`, withVendor<sql.DatabaseArgs>({ name: req.spec.databaseName, instance: instance.name }, vendor, "database"), {
    ...keep,
    ...CREATE_FIRST,
    deletedWith: instance,
  });
  const app = passwordSecret(req, platform, "app", suffix.result, vendor, keep);
  const read = passwordSecret(req, platform, "read", suffix.result, vendor, keep);
  const admin = passwordSecret(req, platform, "admin", suffix.result, vendor, keep);
  const verifiers = verifiersSecret(req, platform, { readWrite: app.password, read: read.password }, suffix.result);
  const adminUser = new sql.User(
    `${req.name}-admin-user`,
    // ABANDON: PostgreSQL refuses to drop a role that owns objects; the login goes with its instance.
    withVendor<sql.UserArgs>({ name: ADMIN_USER, instance: instance.name, password: admin.password.result, deletionPolicy: "ABANDON" }, vendor, "adminUser"),
    keep,
  );
  // The authorities that sign the server's certificate, read from the instance (a chain, for the shared CA).
  const serverCa = instance.serverCaCerts.apply((certs) => (certs ?? []).map((c) => c.cert).join(""));
  const ca = caBundle(`${req.name}-server`, databaseSecretId(req, "db-server-ca", suffix.result), [serverCa], platform, opts);
  const role = appRole(req, platform, net, vendor, {
    host: reach.host,
    reachable: [reach.endpoint, reach.record],
    logged,
    ca,
    database: db,
    adminUser,
    adminSecret: admin.secret,
    admin: admin.version,
    verifiersSecret: verifiers.secret,
    verifiers: verifiers.version,
  });

  const handle: DatabaseHandle = {
    kind: "gcp-database",
    instance,
    instanceName: instance.name,
    roles: { readWrite: { secret: app.secret, secretVersion: app.version }, read: { secret: read.secret, secretVersion: read.version } },
    ready: role.job,
  };
  const resources: DatabaseResources = {
    instance,
    nameSuffix: suffix,
    endpointAddress: reach.address,
    endpoint: reach.endpoint,
    database: db,
    adminUser,
    password: app.password,
    adminPassword: admin.password,
    secret: app.secret,
    secretVersion: app.version,
    adminSecret: admin.secret,
    adminSecretVersion: admin.version,
    readPassword: read.password,
    readSecret: read.secret,
    readSecretVersion: read.version,
    roleVerifiers: verifiers.secret,
    roleVerifiersVersion: verifiers.version,
    dnsZone: reach.zone,
    dnsRecord: reach.record,
    serverCaSecret: ca.secret,
    serverCaSecretVersion: ca.version,
    ...role.resources,
  };
  return {
    host: reach.host,
    serverCa,
    port: pulumi.output(POSTGRES_PORT),
    databaseName: db.name,
    username: pulumi.output(APP_ROLES.readWrite),
    password: pulumi.secret(app.password.result),
    handle,
    resources,
    description: {
      service: "Cloud SQL for PostgreSQL",
      size,
      details: {
        edition: "ENTERPRISE",
        availabilityType: req.spec.highAvailability ? "REGIONAL" : "ZONAL",
        storage: `${req.spec.storageGiB} GiB PD_SSD, autoresize`,
        backupsRetained: req.spec.backups.retentionDays,
        backupStarts: `daily at ${BACKUP_START_TIME} UTC (${BACKUP_START_TIME} GMT, 23:00 BST)`,
        maintenanceWindow: "Sundays 02:00-03:00 UTC (02:00 GMT, 03:00 BST), stable update track: Cloud SQL schedules its maintenance (a short restart) in this window",
        sizeChanges: "a size or highAvailability change restarts the instance when up runs: Cloud SQL cannot hold it for the maintenance window",
        backupLocation: backupLocation(req.stack) ?? `${defaultBackupLocation(req.stack.region.region)} (Cloud SQL's default: the multi-region closest to ${req.stack.region.region}, outside it)`,
        pointInTimeRecovery: req.spec.backups.pointInTimeRecovery || req.spec.highAvailability,
        ...(req.spec.highAvailability && !req.spec.backups.pointInTimeRecovery ? { pointInTimeRecoveryNote: "enabled although the spec turned it off: Cloud SQL requires it for a regional (HA) instance" } : {}),
        network: `no public IP; a Private Service Connect endpoint in ${net.own ? "the stack's subnet" : "the subnet given in network.gcp"}`,
        sslMode: "ENCRYPTED_ONLY",
        serverCertificate: "signed by Google's shared regional CA (GOOGLE_MANAGED_CAS_CA), naming the instance's DNS name: links connect with verify-full",
        host: "the instance's DNS name (<id>.<region>.sql.goog), resolved to its Private Service Connect endpoint by a private Cloud DNS zone in the network",
        applicationLogins: `${APP_ROLES.readWrite} (read-write) and ${APP_ROLES.read} (read-only), created by a Cloud Run job in the network; no superuser, CREATEDB or CREATEROLE`,
        administratorLogin: `${ADMIN_USER} (administration only; its password is in secret ${names.secret(req.stack.prefix, req.qualifiedName, "db-admin-password")}-<the instance id's suffix>)`,
        passwordSecrets: `${names.secret(req.stack.prefix, req.qualifiedName, "db-password")}-<suffix> (${APP_ROLES.readWrite}), ${names.secret(req.stack.prefix, req.qualifiedName, "db-read-password")}-<suffix> (${APP_ROLES.read}), the suffix being the instance id's`,
        secretReplication: `user-managed in ${req.stack.region.region}`,
        retainedOnDelete: protect,
      },
      dataLocations: dataLocations(req),
    },
  };
}
