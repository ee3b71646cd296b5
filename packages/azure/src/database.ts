/**
 * Database -> Azure Database for PostgreSQL flexible server, on the stack's
 * network only (delegated subnet, private DNS zone, public access disabled),
 * TLS required, backups kept 7-35 days, zone-redundant HA on request, and,
 * while deletion-protected, a CanNotDelete lock on the server (Microsoft's way
 * to protect a flexible server, which has no deletion-protection flag).
 * Applications connect as the role model's `app` (read-write) or `app_read`
 * (read-only) roles, which a one-off container creates inside the network at
 * deploy time; the administrator login stays for administration. Every
 * password is generated and kept in Key Vault.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerinstance from "@pulumi/azure-native/containerinstance";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as random from "@pulumi/random";
import { APP_ROLES, type AppRole, type DatabaseRequest, type DatabaseResult, keepData, ROLE_VERIFIER_ENV, roleJobCommand, roleSetupSql, scramVerifier } from "@freehold/core";
import { SpecError, UnsupportedFeatureError } from "@freehold/model";
import { byRole, names } from "./naming";
import { pairCopy } from "./regions";
import type { AzurePlatform } from "./network";
import { databaseSize, postgresStorageGiB } from "./sizes";
import { vendorSettings } from "./vendor";

export const DATABASE_SERVICE = "Azure Database for PostgreSQL flexible server";
/** Not one of Azure's reserved names (admin, administrator, root, azure_superuser, pg_*...). */
export const ADMIN_LOGIN = "app_admin";
export const DATABASE_ROLES = ["password", "secret", "server", "tls", "database", "lock", "appPassword", "appSecret", "readPassword", "readSecret", "roleJob"] as const;
/** The read-write role's name before the role model was shared by every cloud: what it owns is handed to `app`, and it stays a member of `app` (core's `roleSetupSql`). */
export const FORMER_APP_ROLE = "app_user";
/** The image of the one-off container that creates the application roles: a psql client (17 talks to servers 13-17; the role script needs psql 15 or later). */
export const ROLE_JOB_IMAGE = "postgres:17-alpine";
/**
 * What that container runs (`sh -c`), as the administrator (LOGIN, CREATEROLE, CREATEDB, a member of azure_pg_admin,
 * not a superuser): core's role script, with the read-write role's former name. Tested against a real PostgreSQL in
 * test/azure-database-roles.test.ts.
 */
export const ROLE_JOB_SCRIPT = roleJobCommand(roleSetupSql({ formerReadWriteNames: [FORMER_APP_ROLE] }));
/** The lock's name on the server. */
export const LOCK_NAME = "freehold-deletion-protection";

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
export interface DatabaseResources {
  password: random.RandomPassword;
  secret: import("@pulumi/azure-native/keyvault").Secret;
  server: dbforpostgresql.Server;
  tls: dbforpostgresql.Configuration;
  database: dbforpostgresql.Database;
  /** Only while deletion-protected. */
  lock?: authorization.ManagementLockByScope;
  /** The read-write role's password, and its Key Vault secret (what read-write links read). */
  appPassword: random.RandomPassword;
  appSecret: import("@pulumi/azure-native/keyvault").Secret;
  /** The read-only role's password, and its Key Vault secret (what read links read). */
  readPassword: random.RandomPassword;
  readSecret: import("@pulumi/azure-native/keyvault").Secret;
  /** The one-off container that creates the application roles inside the network. */
  roleJob: containerinstance.ContainerGroup;
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
  if (!p.jobsSubnetId) {
    throw new SpecError(
      [{ path: "network.azure.jobsSubnetName", message: "is required with a database: a subnet delegated to Microsoft.ContainerInstance/containerGroups, where the one-off container that creates the application role runs" }],
      `component "${name}"`,
    );
  }
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
  const { secret, url, id } = p.vaultSecret(`${name}-secret`, names.passwordSecret(req.qualifiedName), passwordValue, `PostgreSQL password of ${ADMIN_LOGIN}`, stateful);

  const dns = p.postgresDns();
  const serverArgs = vendor("server", {
      resourceGroupName,
      location: p.location,
      tags,
      serverName: names.postgresServer(p.stack.prefix, req.qualifiedName),
      version: spec.version,
      sku: { name: size.sku, tier: size.tier ?? "GeneralPurpose" },
      storage: { storageSizeGB: storageGiB, autoGrow: "Enabled" },
      administratorLogin: ADMIN_LOGIN,
      administratorLoginPassword: passwordValue,
      authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Disabled" },
      network: {
        delegatedSubnetResourceId: p.databaseSubnetId,
        privateDnsZoneArmResourceId: dns.zone.id,
        publicNetworkAccess: "Disabled",
      },
      backup: { backupRetentionDays: spec.backups.retentionDays, geoRedundantBackup: "Disabled" },
      highAvailability: { mode: spec.highAvailability ? "ZoneRedundant" : "Disabled" },
  });
  const server = new dbforpostgresql.Server(
    `${name}-server`,
    serverArgs,
    // Auto-grow owns the disk size once the server exists: Azure refuses a smaller size than it has grown to,
    // so only the size at creation comes from the spec (docs/azure.md, "Storage").
    { ...stateful, dependsOn: [dns.link], ignoreChanges: ["storage.storageSizeGB"] },
  );

  const tls = new dbforpostgresql.Configuration(
    `${name}-tls`,
    vendor("tls", { resourceGroupName, serverName: server.name, configurationName: "require_secure_transport", value: "on", source: "user-override" }),
    settings,
  );
  // After the configuration: a flexible server takes one operation at a time.
  const database = new dbforpostgresql.Database(
    `${name}-database`,
    vendor("database", { resourceGroupName, serverName: server.name, databaseName: spec.databaseName, charset: "UTF8", collation: "en_US.utf8" }),
    { ...stateful, dependsOn: [tls] },
  );

  // The server's own FQDN output (ServerProperties.fullyQualifiedDomainName, read-only:
  // https://learn.microsoft.com/rest/api/postgresql/flexibleserver/servers/get); from the name the program chose when a
  // unit test's plain mocks (outputs = inputs) give none.
  const host = pulumi.all([server.fullyQualifiedDomainName, serverArgs.serverName]).apply(([fqdn, n]) => fqdn ?? `${n}.postgres.database.azure.com`);
  const app = applicationRole(req, p, { vendor, stateful, host, adminPassword: passwordValue, database, jobsSubnetId: p.jobsSubnetId });
  const created: DatabaseResources = {
    password,
    secret,
    server,
    tls,
    database,
    appPassword: app.roles.readWrite.password,
    appSecret: app.roles.readWrite.secret.secret,
    readPassword: app.roles.read.password,
    readSecret: app.roles.read.secret.secret,
    roleJob: app.job,
  };
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
      { parent: req.parent, dependsOn: [database] },
    );
  }

  // Linked services read their own role's password, never the administrator's.
  const ref = (r: AppRole): RoleSecretRef => ({ secretId: app.roles[r].secret.id, secretUrl: app.roles[r].secret.url });
  const handle: AzureDatabaseHandle = { kind: "azure-postgres", roles: { readWrite: ref("readWrite"), read: ref("read") } };
  const geoBackup = (serverArgs.backup as { geoRedundantBackup?: unknown } | undefined)?.geoRedundantBackup === "Enabled";
  void id;
  void url;
  return {
    host,
    port: pulumi.output(5432),
    databaseName: database.id.apply(() => spec.databaseName),
    // Once the role job has run: services that connect as a role wait for it (core's link environment).
    username: app.job.id.apply(() => APP_ROLES.readWrite),
    password: app.roles.readWrite.value,
    handle,
    resources: byRole(created),
    description: {
      service: DATABASE_SERVICE,
      size,
      details: {
        version: spec.version,
        storageGiB,
        storageNote: `${storageGiB === spec.storageGiB ? "as requested" : `${spec.storageGiB} GiB requested; Premium SSD sizes start at 32 GiB and double`}; the size at creation: auto-grow grows it after that, and it never shrinks`,
        highAvailability: spec.highAvailability ? "ZoneRedundant" : "Disabled",
        backupRetentionDays: spec.backups.retentionDays,
        pointInTimeRecovery: true,
        network: "delegated subnet + private DNS zone, public access disabled",
        deletionLock: spec.deletionProtection,
        login: `${APP_ROLES.readWrite} (read-write) and ${APP_ROLES.read} (read-only), created by a one-off container in the network; ${ADMIN_LOGIN} for administration only`,
      },
      dataLocations: [...pairCopy(p.location, "password secrets (Key Vault replicates to the paired region)"), ...(geoBackup ? pairCopy(p.location, "geo-redundant backups") : [])],
    },
  };
}

/** A generated password for one application role, in its own Key Vault secret. */
function rolePassword(req: DatabaseRequest, p: AzurePlatform, on: { vendor: ReturnType<typeof vendorSettings>; stateful: pulumi.CustomResourceOptions }, role: AppRole) {
  const { name } = req;
  const [key, base] = role === "readWrite" ? (["app", names.appPasswordSecret(req.qualifiedName)] as const) : (["read", names.readPasswordSecret(req.qualifiedName)] as const);
  const password = new random.RandomPassword(`${name}-${key}-password`, on.vendor(`${key}Password`, { length: 32, special: false, minUpper: 2, minLower: 2, minNumeric: 2 }), { parent: req.parent });
  const value = pulumi.secret(password.result);
  const secret = p.vaultSecret(`${name}-${key}-secret`, base, value, `PostgreSQL password of ${APP_ROLES[role]}`, on.stateful);
  return { password, value, secret };
}

/**
 * The application roles: their passwords (in Key Vault, for linked services) and the one-off container, on the
 * stack's network, that logs in as the administrator and runs the role script. An Azure Container Instances group
 * with restart policy Never runs once when created (https://learn.microsoft.com/azure/container-instances/container-instances-restart-policy);
 * it is created again, and runs again, when its script, a password or the server changes. It is given the roles'
 * SCRAM verifiers, never their passwords, as secure environment variables (not shown in the group's properties:
 * https://learn.microsoft.com/azure/container-instances/container-instances-environment-variables#secure-values).
 */
function applicationRole(
  req: DatabaseRequest,
  p: AzurePlatform,
  on: {
    vendor: ReturnType<typeof vendorSettings>;
    stateful: pulumi.CustomResourceOptions;
    host: pulumi.Output<string>;
    adminPassword: pulumi.Output<string>;
    database: dbforpostgresql.Database;
    jobsSubnetId: pulumi.Output<string>;
  },
) {
  const { name, spec } = req;
  const roles = { readWrite: rolePassword(req, p, on, "readWrite"), read: rolePassword(req, p, on, "read") };
  const verifier = (r: AppRole) => pulumi.secret(roles[r].value.apply((v) => scramVerifier(String(v ?? ""))));
  const job = new containerinstance.ContainerGroup(
    `${name}-roles`,
    on.vendor("roleJob", {
      resourceGroupName: p.resourceGroupName,
      location: p.location,
      tags: p.tags,
      containerGroupName: names.roleJob(p.stack.prefix, req.qualifiedName),
      osType: "Linux",
      sku: "Standard",
      restartPolicy: "Never",
      subnetIds: [{ id: on.jobsSubnetId }],
      containers: [
        {
          name: "roles",
          image: ROLE_JOB_IMAGE,
          command: ["sh", "-c", ROLE_JOB_SCRIPT],
          resources: { requests: { cpu: 0.5, memoryInGB: 0.5 } },
          environmentVariables: [
            { name: "PGHOST", value: on.host },
            { name: "PGPORT", value: "5432" },
            { name: "PGDATABASE", value: spec.databaseName },
            { name: "PGUSER", value: ADMIN_LOGIN },
            { name: "PGSSLMODE", value: "require" },
            // Secure values: never shown in the container group's properties.
            { name: "PGPASSWORD", secureValue: on.adminPassword },
            { name: ROLE_VERIFIER_ENV.readWrite, secureValue: verifier("readWrite") },
            { name: ROLE_VERIFIER_ENV.read, secureValue: verifier("read") },
          ],
        },
      ],
    }),
    { parent: req.parent, dependsOn: [on.database] },
  );
  return { roles, job };
}
