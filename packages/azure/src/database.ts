/**
 * Database -> Azure Database for PostgreSQL flexible server, on the stack's
 * network only (delegated subnet, private DNS zone, public access disabled),
 * TLS required and verified by every client (the server's root authorities are
 * `serverCa`), backups kept 7-35 days and, with `backups.keepOnDelete`, in an
 * Azure Backup vault that outlives the server (backup.ts), zone-redundant HA on
 * request, Microsoft Entra sign-ins beside passwords, server logs in the
 * stack's workspace, and, while deletion-protected, a CanNotDelete lock on the
 * server (Microsoft's way to protect a flexible server, which has no
 * deletion-protection flag). Applications connect as the role model's `app`
 * (read-write) or `app_read` (read-only) roles, which a Container Apps job
 * creates inside the network at deploy time, its result part of the `up`
 * (role-job.ts); the administrator login stays for administration. Every
 * password is generated and kept in Key Vault.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type * as keyvault from "@pulumi/azure-native/keyvault";
import type * as monitor from "@pulumi/azure-native/monitor";
import * as random from "@pulumi/random";
import { APP_ROLES, type AppRole, type DatabaseRequest, type DatabaseResult, keepData, scramVerifier } from "@freehold/core";
import { SpecError, UnsupportedFeatureError } from "@freehold/model";
import { keptBackups, type KeptBackupResources } from "./backup";
import { liveServer, refuseServerMove } from "./live";
import { byRole, names } from "./naming";
import { pairCopy } from "./regions";
import type { AzurePlatform } from "./network";
import { roleJob, type RoleJobResources } from "./role-job";
import { POSTGRES_SERVER_CA } from "./server-ca";
import { databaseSize, postgresStorageGiB } from "./sizes";
import { vendorSettings } from "./vendor";

export { FORMER_APP_ROLE, ROLE_JOB_IMAGE, ROLE_JOB_RUN_SCRIPT, ROLE_JOB_SCRIPT, roleJobScript } from "./role-job";

export const DATABASE_SERVICE = "Azure Database for PostgreSQL flexible server";
/** Not one of Azure's reserved names (admin, administrator, root, azure_superuser, pg_*...). */
export const ADMIN_LOGIN = "app_admin";
export const DATABASE_ROLES = [
  "password",
  "secret",
  "server",
  "tls",
  "walLevel",
  "database",
  "lock",
  "appPassword",
  "appSecret",
  "readPassword",
  "readSecret",
  "roleJob",
  "roleJobRun",
  "entraAdmin",
  "backupInstance",
] as const;
/** The lock's name on the server. */
export const LOCK_NAME = "freehold-deletion-protection";
/**
 * The server's log categories sent to the stack's workspace: its PostgreSQL log (connections, authentication
 * failures, errors; https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-logging).
 */
export const SERVER_AUDIT_LOGS = ["PostgreSQLLogs"] as const;

/** One application role's password secret, as a linked web service references and is granted it. */
export interface RoleSecretRef {
  /** ARM id of the password secret: the scope of the Key Vault Secrets User grant. */
  secretId: pulumi.Output<string>;
  /** Versionless secret URL, for Container Apps Key Vault references (rotations are picked up). */
  secretUrl: pulumi.Output<string>;
}

/** What a linked web service needs from a database: each role's password secret (a link reads only its own role's). */
export interface AzureDatabaseHandle {
  kind: "azure-postgres";
  roles: Readonly<Record<AppRole, RoleSecretRef>>;
}

/** The child resources of a Database on Azure, by role. */
export interface DatabaseResources extends RoleJobResources, Partial<KeptBackupResources> {
  password: random.RandomPassword;
  secret: keyvault.Secret;
  server: dbforpostgresql.Server;
  tls: dbforpostgresql.Configuration;
  database: dbforpostgresql.Database;
  /** The server's logs, sent to the stack's workspace. */
  audit: monitor.DiagnosticSetting;
  /** Only while deletion-protected. */
  lock?: authorization.ManagementLockByScope;
  /** With `vendor.azure.entraAdmin`: the server's Microsoft Entra administrator. */
  entraAdmin?: dbforpostgresql.Administrator;
  /** The read-write role's password, and its Key Vault secret (what read-write links read). */
  appPassword: random.RandomPassword;
  appSecret: keyvault.Secret;
  /** The read-only role's password, and its Key Vault secret (what read links read). */
  readPassword: random.RandomPassword;
  readSecret: keyvault.Secret;
}

/**
 * The disk size to ask for: the spec's (rounded up to a Premium SSD size), or what the live server has grown to, if
 * more. Azure grows the disk by itself (auto-grow) and never shrinks it, and refuses an update asking for less than
 * it has, so an update never sends a smaller size than the disk's.
 */
export function storageToRequest(specGiB: number, liveGiB: number | undefined): number {
  return Math.max(postgresStorageGiB(specGiB), liveGiB ?? 0);
}

export function createDatabase(req: DatabaseRequest): DatabaseResult {
  const { name, spec } = req;
  const p = req.platform as AzurePlatform;
  const vendor = vendorSettings(name, spec.vendor, DATABASE_ROLES);
  if (spec.highAvailability && !p.zonal) {
    throw new UnsupportedFeatureError(
      name,
      "database.high-availability",
      "azure",
      `${p.location} has no availability zones, so there is no other zone for a standby`,
      "Use a region with zones (regions.azure: uksouth) or set highAvailability: false",
    );
  }
  const entraAdminSpec = entraAdminOf(req);
  const size = databaseSize(req.size, spec.highAvailability, name);
  const storageGiB = postgresStorageGiB(spec.storageGiB);
  const resourceGroupName = p.resourceGroupName;
  const tags = p.tags;
  // The server, its database and the password secret hold or reach the data: protected and retained. The TLS setting is retained with them, never protected.
  const stateful = { parent: req.parent, ...keepData(spec.deletionProtection) };
  const settings = { parent: req.parent, retainOnDelete: spec.deletionProtection };

  const password = new random.RandomPassword(
    `${name}-password`,
    vendor("password", { length: 32, special: false, minUpper: 2, minLower: 2, minNumeric: 2 }),
    { parent: req.parent },
  );
  // Explicitly secret: the value must never reach a plan or state in clear.
  const passwordValue = pulumi.secret(password.result);
  const admin = p.vaultSecret(`${name}-secret`, names.passwordSecret(req.qualifiedName), passwordValue, `PostgreSQL password of ${ADMIN_LOGIN}`, stateful);

  const dns = p.postgresDns();
  const serverName = names.postgresServer(p.stack.prefix, req.qualifiedName);
  // What the disk has now, where the server exists: auto-grow may have grown it past what the spec asked (live.ts).
  const live = liveServer(p.groupName, serverName, { parent: req.parent });
  // A stack-made network: a live server in another network's subnet would be replaced (its subnet is fixed at
  // creation), losing its data unless protected; refuse before anything changes.
  const networkGroupName = p.networkGroupName;
  const subnetId = networkGroupName
    ? pulumi.all([p.databaseSubnetId, live, networkGroupName]).apply(([id, s, group]) => {
        refuseServerMove(serverName, group, s?.delegatedSubnetId);
        return id;
      })
    : p.databaseSubnetId;
  const serverArgs = vendor("server", {
    resourceGroupName,
    location: p.location,
    tags,
    serverName,
    version: spec.version,
    sku: { name: size.sku, tier: size.tier ?? "GeneralPurpose" },
    storage: { storageSizeGB: pulumi.output(live).apply((s) => storageToRequest(spec.storageGiB, s?.storageGiB)), autoGrow: "Enabled" },
    administratorLogin: ADMIN_LOGIN,
    administratorLoginPassword: passwordValue,
    // Microsoft Entra sign-ins for people (MCSB IM-1) beside the passwords the application roles use; the database
    // subnet reaches Entra ID through its NSG (network.ts).
    authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Enabled", tenantId: p.client().tenantId },
    network: {
      delegatedSubnetResourceId: subnetId,
      privateDnsZoneArmResourceId: dns.zone.id,
      publicNetworkAccess: "Disabled",
    },
    backup: { backupRetentionDays: spec.backups.retentionDays, geoRedundantBackup: "Disabled" },
    highAvailability: { mode: spec.highAvailability ? "ZoneRedundant" : "Disabled" },
  });
  const server = new dbforpostgresql.Server(`${name}-server`, serverArgs, { ...stateful, dependsOn: [dns.link] });

  const tls = new dbforpostgresql.Configuration(
    `${name}-tls`,
    vendor("tls", { resourceGroupName, serverName: server.name, configurationName: "require_secure_transport", value: "on", source: "user-override" }),
    settings,
  );
  // wal_level logical for `replication: logical` (rule FH-AZ-PG-LOGICAL): a static parameter, applied when the server
  // restarts; the defaults max_replication_slots 10 and max_wal_senders 10 already serve a replication and its way back.
  const wal =
    spec.replication === "logical"
      ? new dbforpostgresql.Configuration(
          `${name}-wal-level`,
          vendor("walLevel", { resourceGroupName, serverName: server.name, configurationName: "wal_level", value: "logical", source: "user-override" }),
          { ...settings, dependsOn: [tls] },
        )
      : undefined;
  // After the configuration: a flexible server takes one operation at a time (ConflictingServerOperation).
  const database = new dbforpostgresql.Database(
    `${name}-database`,
    vendor("database", { resourceGroupName, serverName: server.name, databaseName: spec.databaseName, charset: "UTF8", collation: "en_US.utf8" }),
    { ...stateful, dependsOn: wal ? [tls, wal] : [tls] },
  );
  // Logs are not an operation on the server: the diagnostic setting goes beside it.
  const audit = p.auditLogs(`${name}-audit`, server.id, SERVER_AUDIT_LOGS, { parent: req.parent });

  // The server's own FQDN output (ServerProperties.fullyQualifiedDomainName, read-only:
  // https://learn.microsoft.com/rest/api/postgresql/flexibleserver/servers/get); from the name the program chose when a
  // unit test's plain mocks (outputs = inputs) give none. It is the name the server's certificate carries.
  const host = pulumi.all([server.fullyQualifiedDomainName, serverArgs.serverName]).apply(([fqdn, n]) => fqdn ?? `${n}.postgres.database.azure.com`);
  const roles = { readWrite: rolePassword(req, p, vendor, stateful, "readWrite"), read: rolePassword(req, p, vendor, stateful, "read") };
  // Each role's SCRAM verifier, made where its password is (core's scramVerifier), in a Key Vault secret only the role job reads.
  const verifier = (r: AppRole) =>
    p.vaultSecret(
      `${name}-${r === "readWrite" ? "app" : "read"}-verifier`,
      names.verifierSecret(req.qualifiedName, r === "readWrite" ? "app" : "read"),
      pulumi.secret(roles[r].value.apply((v) => scramVerifier(String(v ?? "")))),
      `SCRAM-SHA-256 verifier of ${APP_ROLES[r]}`,
      { parent: req.parent },
    );

  const created = {
    password,
    secret: admin.secret,
    server,
    tls,
    database,
    audit,
    appPassword: roles.readWrite.password,
    appSecret: roles.readWrite.secret.secret,
    readPassword: roles.read.password,
    readSecret: roles.read.secret.secret,
  } as DatabaseResources;

  const entraAdmin = entraAdminSpec && entraAdministrator(req, p, vendor, entraAdminSpec, server, database);
  if (entraAdmin) created.entraAdmin = entraAdmin;
  // One operation at a time on the server: the role job's run comes after the last change to it.
  const lastServerChange = entraAdmin ?? database;
  const job = roleJob(
    {
      name,
      qualifiedName: req.qualifiedName,
      parent: req.parent,
      vendor,
      host,
      databaseName: spec.databaseName,
      adminLogin: ADMIN_LOGIN,
      admin,
      verifiers: { readWrite: verifier("readWrite"), read: verifier("read") },
      rerunOn: [server.id, database.id, password.id, admin.id, roles.readWrite.password.id, roles.read.password.id],
      dependsOn: [lastServerChange],
      replication: spec.replication,
    },
    p,
  );
  Object.assign(created, job.created);

  if (spec.deletionProtection) {
    // On the server only: nothing Freehold deletes while the data is protected lives under it (links are granted on
    // the password secret, in the vault). Not retained: turning protection off deletes it, so a later removal succeeds.
    created.lock = new authorization.ManagementLockByScope(
      `${name}-lock`,
      vendor("lock", {
        scope: server.id,
        level: "CanNotDelete",
        lockName: LOCK_NAME,
        notes: "Freehold deletionProtection: set deletionProtection: false and deploy to lift this lock.",
      }),
      { parent: req.parent, dependsOn: [lastServerChange] },
    );
  }
  const kept = spec.backups.keepOnDelete ? keptBackups(req, p, vendor, server, { dependsOn: [created.lock ?? lastServerChange] }) : undefined;
  if (kept) Object.assign(created, kept.created);

  // Linked services read their own role's password, never the administrator's.
  const ref = (r: AppRole): RoleSecretRef => ({ secretId: roles[r].secret.id, secretUrl: roles[r].secret.url });
  const handle: AzureDatabaseHandle = { kind: "azure-postgres", roles: { readWrite: ref("readWrite"), read: ref("read") } };
  const geoBackup = (serverArgs.backup as { geoRedundantBackup?: unknown } | undefined)?.geoRedundantBackup === "Enabled";
  return {
    host,
    port: pulumi.output(5432),
    databaseName: database.id.apply(() => spec.databaseName),
    // Once the role job has run and succeeded: services that connect as a role wait for it (core's link environment).
    username: job.run.id.apply(() => APP_ROLES.readWrite),
    password: roles.readWrite.value,
    serverCa: pulumi.output(POSTGRES_SERVER_CA),
    handle,
    resources: byRole(created),
    description: {
      service: DATABASE_SERVICE,
      size,
      details: {
        version: spec.version,
        storageGiB,
        storageNote: `${storageGiB === spec.storageGiB ? "as requested" : `${spec.storageGiB} GiB requested; Premium SSD sizes start at 32 GiB and double`}; the size at creation: auto-grow doubles it each time it is 90% full (the price with it${spec.highAvailability ? ", on the standby too" : ""}), and it never shrinks`,
        highAvailability: spec.highAvailability ? "ZoneRedundant" : "Disabled",
        sizeChanges: "a size change (a new SKU) restarts the server when up applies it, not in the maintenance window: typically a minute or less",
        backupRetentionDays: spec.backups.retentionDays,
        pointInTimeRecovery: true,
        backupsKeptOnDelete: kept ? kept.description : "no: the server's own backups go five days after the server does",
        network: "delegated subnet + private DNS zone, public access disabled",
        tls: "required; clients verify the server (verify-full) against its root authorities",
        authentication: "passwords (application roles) and Microsoft Entra ID",
        auditLogs: `${SERVER_AUDIT_LOGS.join(", ")} in the stack's Log Analytics workspace`,
        deletionLock: spec.deletionProtection,
        login: `${APP_ROLES.readWrite} (read-write) and ${APP_ROLES.read} (read-only), created by a Container Apps job in the network whose result the up waits for; ${ADMIN_LOGIN} for administration only`,
      },
      dataLocations: [...pairCopy(p.location, "password secrets (Key Vault replicates to the paired region)"), ...(geoBackup ? pairCopy(p.location, "geo-redundant backups") : []), ...(kept?.dataLocations ?? [])],
    },
  };
}

/** A generated password for one application role, in its own Key Vault secret. */
function rolePassword(req: DatabaseRequest, p: AzurePlatform, vendor: ReturnType<typeof vendorSettings>, stateful: pulumi.CustomResourceOptions, role: AppRole) {
  const { name } = req;
  const [key, base] = role === "readWrite" ? (["app", names.appPasswordSecret(req.qualifiedName)] as const) : (["read", names.readPasswordSecret(req.qualifiedName)] as const);
  const password = new random.RandomPassword(`${name}-${key}-password`, vendor(`${key}Password`, { length: 32, special: false, minUpper: 2, minLower: 2, minNumeric: 2 }), { parent: req.parent });
  const value = pulumi.secret(password.result);
  const secret = p.vaultSecret(`${name}-${key}-secret`, base, value, `PostgreSQL password of ${APP_ROLES[role]}`, stateful);
  return { password, value, secret };
}

interface EntraAdmin {
  objectId: string;
  principalName: string;
  principalType: string;
}

/**
 * The server's Microsoft Entra administrator, where `vendor.azure.entraAdmin` names one (an Entra group, user or
 * service principal: `{ objectId, principalName, principalType }`), checked before anything is created. Freehold
 * cannot tell a person from a pipeline identity, so it does not make the deploying identity the administrator.
 */
function entraAdminOf(req: DatabaseRequest): EntraAdmin | undefined {
  const given = req.spec.vendor?.azure?.entraAdmin as { objectId?: unknown; principalName?: unknown; principalType?: unknown } | undefined;
  if (!given) return undefined;
  const problems = (["objectId", "principalName", "principalType"] as const)
    .filter((k) => typeof given[k] !== "string" || !given[k])
    .map((k) => ({ path: `vendor.azure.entraAdmin.${k}`, message: `is required to name the server's Microsoft Entra administrator (given ${JSON.stringify(given[k])})` }));
  if (given.principalType !== undefined && !["User", "Group", "ServicePrincipal"].includes(String(given.principalType))) {
    problems.push({ path: "vendor.azure.entraAdmin.principalType", message: `${JSON.stringify(given.principalType)} is not one of User, Group, ServicePrincipal` });
  }
  if (problems.length) throw new SpecError(problems, `component "${req.name}"`);
  return { objectId: String(given.objectId), principalName: String(given.principalName), principalType: String(given.principalType) };
}

function entraAdministrator(req: DatabaseRequest, p: AzurePlatform, vendor: ReturnType<typeof vendorSettings>, admin: EntraAdmin, server: dbforpostgresql.Server, after: pulumi.Resource): dbforpostgresql.Administrator {
  return new dbforpostgresql.Administrator(
    `${req.name}-entra-admin`,
    vendor("entraAdmin", { resourceGroupName: p.resourceGroupName, serverName: server.name, ...admin, tenantId: p.client().tenantId }),
    // After the database: one operation at a time on the server.
    { parent: req.parent, dependsOn: [after] },
  );
}
