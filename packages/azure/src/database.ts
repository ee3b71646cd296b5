/**
 * Database -> Azure Database for PostgreSQL flexible server, on the stack's
 * network only (delegated subnet, private DNS zone, public access disabled),
 * TLS required, backups kept 7-35 days, zone-redundant HA on request, and,
 * while deletion-protected, a CanNotDelete lock on the server (Microsoft's way
 * to protect a flexible server, which has no deletion-protection flag).
 * Applications connect as a least-privilege application role that a one-off
 * container creates inside the network at deploy time; the administrator login
 * stays for administration. Both passwords are generated and kept in Key Vault.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerinstance from "@pulumi/azure-native/containerinstance";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as random from "@pulumi/random";
import { type DatabaseRequest, type DatabaseResult, keepData } from "@freehold/core";
import { SpecError, UnsupportedFeatureError } from "@freehold/model";
import { byRole, names } from "./naming";
import { pairCopy } from "./regions";
import type { AzurePlatform } from "./network";
import { databaseSize, postgresStorageGiB } from "./sizes";
import { vendorSettings } from "./vendor";

export const DATABASE_SERVICE = "Azure Database for PostgreSQL flexible server";
/** Not one of Azure's reserved names (admin, administrator, root, azure_superuser, pg_*...). */
export const ADMIN_LOGIN = "app_admin";
export const DATABASE_ROLES = ["password", "secret", "server", "tls", "database", "lock", "appPassword", "appSecret", "roleJob"] as const;
/** The login applications use: no superuser, no CREATEROLE or CREATEDB; it owns what it creates in the database's public schema. */
export const APP_ROLE = "app_user";
/** The image of the one-off container that creates the application role: a psql client (17 talks to servers 13-17). */
export const ROLE_JOB_IMAGE = "postgres:17-alpine";
/**
 * What that container runs, as the administrator: the role created if missing, its password and attributes set
 * every run, and its grants. Values reach SQL only through psql variables quoted by format() (%I, %L). The
 * administrator is not a superuser, so the role is never one (nor a replication role); it gets no CREATEROLE or
 * CREATEDB. Tested against a real PostgreSQL in app-role.test.ts.
 */
export const ROLE_JOB_SCRIPT = [
  "set -eu",
  `psql -v ON_ERROR_STOP=1 -v role="$APP_ROLE" -v password="$APP_PASSWORD" -v db="$PGDATABASE" <<'SQL'`,
  "SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role')\\gexec",
  "SELECT format('ALTER ROLE %I WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD %L', :'role', :'password')\\gexec",
  "SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', :'db', :'role')\\gexec",
  "SELECT format('GRANT USAGE, CREATE ON SCHEMA public TO %I', :'role')\\gexec",
  "SQL",
].join("\n");
/** The lock's name on the server. */
export const LOCK_NAME = "freehold-deletion-protection";

/** What a linked web service needs from a database: the password secret to reference and grant. */
export interface AzureDatabaseHandle {
  kind: "azure-postgres";
  /** ARM id of the password secret: the scope of the Key Vault Secrets User grant. */
  secretId: pulumi.Output<string>;
  /** Versionless secret URL, for Container Apps Key Vault references (rotations are picked up). */
  secretUrl: pulumi.Output<string>;
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
  /** The application role's password, and its Key Vault secret (what linked services read). */
  appPassword: random.RandomPassword;
  appSecret: import("@pulumi/azure-native/keyvault").Secret;
  /** The one-off container that creates the application role inside the network. */
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
  const created: DatabaseResources = { password, secret, server, tls, database, appPassword: app.password, appSecret: app.secret.secret, roleJob: app.job };
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

  // Linked services read the application role's password, never the administrator's.
  const handle: AzureDatabaseHandle = { kind: "azure-postgres", secretId: app.secret.id, secretUrl: app.secret.url };
  const geoBackup = (serverArgs.backup as { geoRedundantBackup?: unknown } | undefined)?.geoRedundantBackup === "Enabled";
  void id;
  void url;
  return {
    host,
    port: pulumi.output(5432),
    databaseName: database.id.apply(() => spec.databaseName),
    username: app.job.id.apply(() => APP_ROLE),
    password: app.value,
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
        login: `${APP_ROLE} (application role, created by a one-off container in the network); ${ADMIN_LOGIN} for administration only`,
      },
      dataLocations: [...pairCopy(p.location, "password secrets (Key Vault replicates to the paired region)"), ...(geoBackup ? pairCopy(p.location, "geo-redundant backups") : [])],
    },
  };
}

/**
 * The application role: its password (in Key Vault, for linked services) and the one-off container, on the
 * stack's network, that logs in as the administrator and creates it. An Azure Container Instances group with
 * restart policy Never runs once when created (https://learn.microsoft.com/azure/container-instances/container-instances-restart-policy);
 * it is created again, and runs again, when the password or the server changes.
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
  const password = new random.RandomPassword(`${name}-app-password`, on.vendor("appPassword", { length: 32, special: false, minUpper: 2, minLower: 2, minNumeric: 2 }), { parent: req.parent });
  const value = pulumi.secret(password.result);
  const secret = p.vaultSecret(`${name}-app-secret`, names.appPasswordSecret(req.qualifiedName), value, `PostgreSQL password of ${APP_ROLE}`, on.stateful);
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
            { name: "APP_ROLE", value: APP_ROLE },
            // Secure values: never shown in the container group's properties.
            { name: "PGPASSWORD", secureValue: on.adminPassword },
            { name: "APP_PASSWORD", secureValue: value },
          ],
        },
      ],
    }),
    { parent: req.parent, dependsOn: [on.database] },
  );
  return { password, value, secret, job };
}
