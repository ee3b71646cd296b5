// crown-marketplace on Microsoft Azure, Pulumi stack "dev": a plain Pulumi program written by `freehold eject`
// from examples/crown-marketplace/freehold.yaml.
// It registers the cloud resources Freehold registered for this stack, with the same types, names, inputs and
// options. See README.md.

import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerinstance from "@pulumi/azure-native/containerinstance";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import { RandomPassword } from "@pulumi/random/randomPassword";
import { RandomString } from "@pulumi/random/randomString";
import { Sleep } from "@pulumiverse/time/sleep";

// Physical names (buckets, servers, roles) are those of Pulumi stack "dev": this program is for that stack only.
const stack = pulumi.getStack();
if (stack !== "dev") {
  throw new pulumi.RunError(`This program was ejected from Freehold for Pulumi stack "dev" and holds that stack's resource names; for stack ${stack}, eject again with --stack ${stack}.`);
}

const config = new pulumi.Config();

// Values you may change, with their defaults in Pulumi.yaml (`pulumi config set <key> <value>`).
const region = config.require("region");
const dbSize = config.require("db-size");
const webImage = config.require("web-image");
const workerImage = config.require("worker-image");

// Values Freehold made from other resources' outputs in a way eject cannot reproduce: set each to the deployed
// stack's value (README.md, "Config to set", says where to find it).
const unset = ["crown-marketplace-keep-data-policyDefinitionName", "web-db-access-roleAssignmentName", "web-uploads-access-roleAssignmentName", "web-uploads-delegate-roleAssignmentName", "worker-db-access-roleAssignmentName", "worker-uploads-access-roleAssignmentName", "worker-uploads-delegate-roleAssignmentName"].filter((key) => config.getSecret(key) === undefined);
if (unset.length) {
  throw new pulumi.RunError(`Set these config values first (README.md, "Config to set", says where to find each): ${unset.join(", ")}`);
}
const crownMarketplaceKeepDataPolicyDefinitionName = config.require("crown-marketplace-keep-data-policyDefinitionName");
const webDbAccessRoleAssignmentName = config.require("web-db-access-roleAssignmentName");
const webUploadsAccessRoleAssignmentName = config.require("web-uploads-access-roleAssignmentName");
const webUploadsDelegateRoleAssignmentName = config.require("web-uploads-delegate-roleAssignmentName");
const workerDbAccessRoleAssignmentName = config.require("worker-db-access-roleAssignmentName");
const workerUploadsAccessRoleAssignmentName = config.require("worker-uploads-access-roleAssignmentName");
const workerUploadsDelegateRoleAssignmentName = config.require("worker-uploads-delegate-roleAssignmentName");

// The PostgreSQL SCRAM-SHA-256 verifier of a password, as Freehold made it: a role job sets a password from it,
// never from the password itself.
function scramVerifier(password: string, iterations = 4096): string {
  const salt = createHmac("sha256", "freehold scram salt").update(password).digest().subarray(0, 16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const storedKey = createHash("sha256").update(createHmac("sha256", salted).update("Client Key").digest()).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

// The tags 17 resources below carry alike; each adds its own.
const tags = {
  "freehold-stack": "crown-marketplace",
  "managed-by": "freehold",
  owner: "digital-marketplace-team",
  "pulumi-stack": "dev",
  service: "crown-marketplace",
};

// Freehold registered every resource below as a child of one of its components, so each resource's URN carried
// the component's type.
// Each resource has an alias naming that URN: `pulumi up` moves it to the top level of this program instead of
// replacing it, and only the components themselves are deleted (they own nothing in the cloud).
const project = pulumi.getProject();
const urn = (type: string, name: string): string => `urn:pulumi:${stack}::${project}::${type}::${name}`;
const freeholdPlatform = urn("freehold:index:Platform", "crown-marketplace");
const freeholdDb = urn("freehold:index:Database", "db");
const freeholdUploads = urn("freehold:index:ObjectStore", "uploads");
const freeholdWeb = urn("freehold:index:WebService", "web");
const freeholdWorker = urn("freehold:index:WebService", "worker");

// ---- Shared platform -------------------------------------------------------------------------------------
// What every component of the stack shares (network, logs, cluster...). Was Freehold's Platform
// "crown-marketplace" (freehold:index:Platform).

const rg = new resources.ResourceGroup("crown-marketplace-rg", { location: region, resourceGroupName: "crown-marketplace-dev-rg", tags }, { aliases: [{ parent: freeholdPlatform }] });

const vnet = new network.VirtualNetwork("crown-marketplace-vnet", {
  addressSpace: { addressPrefixes: ["10.42.0.0/16"] },
  enableDdosProtection: false,
  enableVmProtection: false,
  location: region,
  resourceGroupName: rg.name,
  subnets: [
    {
      addressPrefix: "10.42.0.0/23",
      delegations: [{ name: "Microsoft-App-environments", serviceName: "Microsoft.App/environments" }],
      name: "apps",
    },
    {
      addressPrefix: "10.42.2.0/24",
      defaultOutboundAccess: false,
      delegations: [
        {
          name: "Microsoft-DBforPostgreSQL-flexibleServers",
          serviceName: "Microsoft.DBforPostgreSQL/flexibleServers",
        },
      ],
      name: "postgres",
      serviceEndpoints: [{ service: "Microsoft.Storage" }],
    },
    {
      addressPrefix: "10.42.3.0/27",
      delegations: [
        {
          name: "Microsoft-ContainerInstance-containerGroups",
          serviceName: "Microsoft.ContainerInstance/containerGroups",
        },
      ],
      name: "jobs",
    },
  ],
  tags,
  virtualNetworkName: "crown-marketplace-dev-vnet",
}, { aliases: [{ parent: freeholdPlatform }] });

const vaultSuffix = new RandomString("crown-marketplace-vault-suffix", { keepers: { location: region }, length: 6, lower: true, numeric: true, special: false, upper: false }, { aliases: [{ parent: freeholdPlatform }] });

const clientConfig = authorization.getClientConfigOutput();

const vault = new keyvault.Vault("crown-marketplace-vault", {
  location: region,
  properties: {
    enablePurgeProtection: true,
    enableRbacAuthorization: true,
    enableSoftDelete: true,
    enabledForDeployment: false,
    enabledForDiskEncryption: false,
    enabledForTemplateDeployment: false,
    networkAcls: { bypass: "AzureServices", defaultAction: "Allow" },
    publicNetworkAccess: "enabled",
    sku: { family: "A", name: "standard" },
    softDeleteRetentionInDays: 90,
    tenantId: clientConfig.tenantId,
  },
  resourceGroupName: rg.name,
  tags,
  vaultName: pulumi.interpolate`crown-mark-2yt0ea-${vaultSuffix.result}`,
}, { aliases: [{ parent: freeholdPlatform }] });

const pgdns = new privatedns.PrivateZone("crown-marketplace-pgdns", {
  location: "global",
  privateZoneName: "crown-marketplace-dev.private.postgres.database.azure.com",
  resourceGroupName: rg.name,
  tags,
}, { aliases: [{ parent: freeholdPlatform }] });

const pgdnsLink = new privatedns.VirtualNetworkLink("crown-marketplace-pgdns-link", {
  location: "global",
  privateZoneName: pgdns.name,
  registrationEnabled: false,
  resourceGroupName: rg.name,
  tags,
  virtualNetwork: { id: vnet.id },
  virtualNetworkLinkName: "crown-marketplace-dev-vnet-link",
}, { aliases: [{ parent: freeholdPlatform }] });

// eject: part of "policyDefinitionName" is config you set (crown-marketplace-keep-data-policyDefinitionName):
// Freehold made it from other resources' outputs in a way eject cannot reproduce (README.md says where to find
// it).
const keepData = new authorization.PolicyDefinition("crown-marketplace-keep-data", {
  description: "Denies deleting storage accounts tagged freehold-deletion-protection=on, and deleting their resource group. Set deletionProtection: false and deploy to lift it.",
  displayName: pulumi.interpolate`Freehold: keep deletion-protected data (${rg.name})`,
  metadata: { category: "Freehold" },
  mode: "Indexed",
  policyDefinitionName: crownMarketplaceKeepDataPolicyDefinitionName,
  policyRule: {
    if: {
      allOf: [
        { equals: "Microsoft.Storage/storageAccounts", field: "type" },
        { equals: "on", field: "tags['freehold-deletion-protection']" },
      ],
    },
    then: {
      details: { actionNames: ["delete"], cascadeBehaviors: { resourceGroup: "deny" } },
      effect: "denyAction",
    },
  },
  policyType: "Custom",
}, { aliases: [{ parent: freeholdPlatform }] });

const keepDataPolicyAssignment = new authorization.PolicyAssignment("crown-marketplace-keep-data", {
  description: "Deleting a storage account Freehold protects (or its resource group) is denied while its deletionProtection is on.",
  displayName: "Freehold: keep deletion-protected data",
  enforcementMode: "Default",
  policyAssignmentName: "crown-marketplace-dev-keep-data",
  policyDefinitionId: keepData.id,
  scope: rg.id,
}, { aliases: [{ parent: freeholdPlatform }] });

const logs = new operationalinsights.Workspace("crown-marketplace-logs", {
  location: region,
  resourceGroupName: rg.name,
  retentionInDays: 30,
  sku: { name: "PerGB2018" },
  tags,
  workspaceName: "crown-marketplace-dev-logs",
}, { aliases: [{ parent: freeholdPlatform }] });

const sharedKeys = operationalinsights.getSharedKeysOutput({ resourceGroupName: rg.name, workspaceName: logs.name });

const env = new app.ManagedEnvironment("crown-marketplace-env", {
  appLogsConfiguration: {
    destination: "log-analytics",
    logAnalyticsConfiguration: {
      customerId: logs.customerId,
      sharedKey: pulumi.secret(sharedKeys.apply((v) => v.primarySharedKey!)),
    },
  },
  environmentName: "crown-marketplace-dev-env",
  location: region,
  peerTrafficConfiguration: { encryption: { enabled: true } },
  resourceGroupName: rg.name,
  tags,
  vnetConfiguration: { infrastructureSubnetId: pulumi.interpolate`${vnet.id}/subnets/apps`, internal: false },
  workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
  zoneRedundant: true,
}, { aliases: [{ parent: freeholdPlatform }] });

// ---- db (Database) ---------------------------------------------------------------------------------------
// db: database on Azure Database for PostgreSQL flexible server, Standard_D2ds_v5. Size: Burstable SKUs have no
// high availability, so Standard_D2ds_v5 (the smallest GeneralPurpose SKU with >= 2 vCPU and >= 8 GiB) instead
// of Standard_B2ms.
// Was Freehold's Database "db" (freehold:index:Database).

const dbPassword = new RandomPassword("db-password", { length: 32, minLower: 2, minNumeric: 2, minUpper: 2, special: false }, { aliases: [{ parent: freeholdDb }] });

const dbSecretSuffix = new RandomString("db-secret-suffix", { length: 6, lower: true, numeric: true, special: false, upper: false }, { aliases: [{ parent: freeholdDb }] });

const dbSecret = new keyvault.Secret("db-secret", {
  properties: pulumi.secret({ contentType: "PostgreSQL password of app_admin", value: dbPassword.result }),
  resourceGroupName: rg.name,
  secretName: pulumi.interpolate`db-admin-password-${dbSecretSuffix.result}`,
  tags: { ...tags, "freehold-secret": "db-admin-password" },
  vaultName: vault.name,
}, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbServer = new dbforpostgresql.Server("db-server", {
  administratorLogin: "app_admin",
  administratorLoginPassword: pulumi.secret(dbPassword.result),
  authConfig: { activeDirectoryAuth: "Disabled", passwordAuth: "Enabled", tenantId: "" },
  availabilityZone: "",
  backup: { backupRetentionDays: 14, geoRedundantBackup: "Disabled" },
  highAvailability: { mode: "ZoneRedundant", standbyAvailabilityZone: "" },
  location: region,
  network: {
    delegatedSubnetResourceId: pulumi.interpolate`${vnet.id}/subnets/postgres`,
    privateDnsZoneArmResourceId: pgdns.id,
    publicNetworkAccess: "Disabled",
  },
  resourceGroupName: rg.name,
  serverName: "crown-marketplace-dev-db-1649q7",
  sku: { name: dbSize, tier: "GeneralPurpose" },
  storage: { autoGrow: "Enabled", storageSizeGB: 64 },
  tags,
  version: "16",
}, {
  protect: true,
  retainOnDelete: true,
  dependsOn: [pgdnsLink],
  ignoreChanges: ["storage.storageSizeGB"],
  aliases: [{ parent: freeholdDb }],
});

const dbTls = new dbforpostgresql.Configuration("db-tls", {
  configurationName: "require_secure_transport",
  resourceGroupName: rg.name,
  serverName: dbServer.name,
  source: "user-override",
  value: "on",
}, { retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbDatabase = new dbforpostgresql.Database("db-database", {
  charset: "UTF8",
  collation: "en_US.utf8",
  databaseName: "app",
  resourceGroupName: rg.name,
  serverName: dbServer.name,
}, { protect: true, retainOnDelete: true, dependsOn: [dbTls], aliases: [{ parent: freeholdDb }] });

const dbAppPassword = new RandomPassword("db-app-password", { length: 32, minLower: 2, minNumeric: 2, minUpper: 2, special: false }, { aliases: [{ parent: freeholdDb }] });

const dbAppSecretSuffix = new RandomString("db-app-secret-suffix", { length: 6, lower: true, numeric: true, special: false, upper: false }, { aliases: [{ parent: freeholdDb }] });

const dbAppSecret = new keyvault.Secret("db-app-secret", {
  properties: pulumi.secret({ contentType: "PostgreSQL password of app", value: dbAppPassword.result }),
  resourceGroupName: rg.name,
  secretName: pulumi.interpolate`db-app-password-${dbAppSecretSuffix.result}`,
  tags: { ...tags, "freehold-secret": "db-app-password" },
  vaultName: vault.name,
}, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbReadPassword = new RandomPassword("db-read-password", { length: 32, minLower: 2, minNumeric: 2, minUpper: 2, special: false }, { aliases: [{ parent: freeholdDb }] });

const dbReadSecretSuffix = new RandomString("db-read-secret-suffix", { length: 6, lower: true, numeric: true, special: false, upper: false }, { aliases: [{ parent: freeholdDb }] });

const dbReadSecret = new keyvault.Secret("db-read-secret", {
  properties: pulumi.secret({ contentType: "PostgreSQL password of app_read", value: dbReadPassword.result }),
  resourceGroupName: rg.name,
  secretName: pulumi.interpolate`db-read-password-${dbReadSecretSuffix.result}`,
  tags: { ...tags, "freehold-secret": "db-read-password" },
  vaultName: vault.name,
}, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdDb }] });

const dbRoles = new containerinstance.ContainerGroup("db-roles", {
  containerGroupName: "crown-marketplace-dev-db-roles",
  containers: [
    {
      command: [
        "sh",
        "-c",
        "set -eu\npsql -X -q -f - <<'FREEHOLD_SQL'\n\\set ON_ERROR_STOP on\n\\getenv app_verifier FREEHOLD_APP_VERIFIER\n\\getenv read_verifier FREEHOLD_READ_VERIFIER\n\\if :{?app_verifier}\n\\else\n\\set app_verifier ''\n\\endif\n\\if :{?read_verifier}\n\\else\n\\set read_verifier ''\n\\endif\nBEGIN;\nSELECT set_config('freehold.app_verifier', :'app_verifier', true) AS app, set_config('freehold.read_verifier', :'read_verifier', true) AS read \\gset freehold_\nDO $freehold$\nDECLARE\n  admin text := current_user;\n  rw constant text := 'app';\n  ro constant text := 'app_read';\n  pg16 constant boolean := current_setting('server_version_num')::int >= 160000;\n  r record;\n  list text;\nBEGIN\n  PERFORM pg_advisory_xact_lock(727274);\n  IF admin IN (rw, ro) THEN\n    RAISE EXCEPTION 'freehold: the role setup runs as the administrator, not as %', admin;\n  END IF;\n  FOR r IN SELECT unnest(ARRAY[rw, ro]) AS name, unnest(ARRAY[current_setting('freehold.app_verifier'), current_setting('freehold.read_verifier')]) AS verifier LOOP\n    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r.name) THEN\n      EXECUTE format('CREATE ROLE %I LOGIN NOCREATEDB NOCREATEROLE', r.name);\n    ELSIF EXISTS (SELECT FROM pg_roles WHERE rolname = r.name AND (rolsuper OR rolreplication OR rolbypassrls)) THEN\n      RAISE EXCEPTION 'freehold: role % has SUPERUSER, REPLICATION or BYPASSRLS; an application role may have none of them', r.name;\n    ELSIF pg16 AND NOT pg_has_role(admin, r.name, 'MEMBER WITH ADMIN OPTION') THEN\n      RAISE EXCEPTION 'freehold: role % exists but % has no ADMIN OPTION on it, which PostgreSQL 16 and later require to alter a role; as a role that has it, GRANT % TO % WITH ADMIN OPTION (or drop the role), and run this again', r.name, admin, r.name, admin;\n    ELSE\n      EXECUTE format('ALTER ROLE %I WITH LOGIN NOCREATEDB NOCREATEROLE', r.name);\n    END IF;\n    IF r.verifier <> '' THEN\n      IF r.verifier !~ '^SCRAM-SHA-256[$][1-9][0-9]*:[A-Za-z0-9+/]+=*[$][A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$' THEN\n        RAISE EXCEPTION 'freehold: the password given for role % is not a SCRAM-SHA-256 verifier; a plaintext password is never sent', r.name;\n      END IF;\n      EXECUTE format('ALTER ROLE %I PASSWORD %L', r.name, r.verifier);\n    END IF;\n  END LOOP;\n  IF pg16 THEN\n    IF NOT (pg_has_role(admin, rw, 'USAGE') AND pg_has_role(admin, rw, 'SET')) THEN\n      EXECUTE format('GRANT %I TO %I WITH INHERIT TRUE, SET TRUE', rw, admin);\n    END IF;\n  ELSIF NOT pg_has_role(admin, rw, 'USAGE') THEN\n    EXECUTE format('GRANT %I TO %I', rw, admin);\n  END IF;\n  IF pg_has_role(ro, rw, 'MEMBER') OR pg_has_role(ro, admin, 'MEMBER') THEN\n    RAISE EXCEPTION 'freehold: role % is a member of % or of %, so it would not be read-only', ro, rw, admin;\n  END IF;\n  IF pg_has_role(rw, admin, 'MEMBER') THEN\n    RAISE EXCEPTION 'freehold: role % is a member of the administrator %', rw, admin;\n  END IF;\n  FOR r IN SELECT unnest(ARRAY[rw, ro]) AS name, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database() LOOP\n    IF r.owner <> r.name AND pg_has_role(r.name, r.owner, 'MEMBER') THEN\n      RAISE EXCEPTION 'freehold: role % is a member of %, which owns the database: an application role may not be; as a role that may, REVOKE % FROM %, and run this again', r.name, r.owner, r.owner, r.name;\n    END IF;\n  END LOOP;\n  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_user') THEN\n    IF pg16 THEN\n      IF NOT (pg_has_role(admin, 'app_user', 'USAGE') AND pg_has_role(admin, 'app_user', 'SET')) THEN\n        EXECUTE format('GRANT %I TO %I WITH INHERIT TRUE, SET TRUE', 'app_user', admin);\n      END IF;\n    ELSIF NOT pg_has_role(admin, 'app_user', 'USAGE') THEN\n      EXECUTE format('GRANT %I TO %I', 'app_user', admin);\n    END IF;\n    EXECUTE format('REASSIGN OWNED BY %I TO %I', 'app_user', rw);\n    IF NOT pg_has_role('app_user', rw, 'MEMBER') THEN\n      EXECUTE format('GRANT %I TO %I', rw, 'app_user');\n    END IF;\n  END IF;\n  EXECUTE format('GRANT CONNECT, TEMPORARY, CREATE ON DATABASE %I TO %I', current_database(), rw);\n  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), ro);\n  IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'public' AND has_schema_privilege(admin, oid, 'CREATE WITH GRANT OPTION')) THEN\n    REVOKE CREATE ON SCHEMA public FROM PUBLIC;\n    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA public TO %I', rw);\n  END IF;\n  IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'public' AND has_schema_privilege(ro, oid, 'CREATE')) THEN\n    RAISE WARNING 'freehold: every role may create objects in schema public (its owner % granted CREATE to PUBLIC, and % cannot revoke it): % can create tables there, though it can change none it does not own',\n      (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'), admin, ro;\n  END IF;\n  FOR r IN SELECT n.oid, n.nspname, pg_get_userbyid(n.nspowner) AS owner, has_schema_privilege(admin, n.oid, 'USAGE WITH GRANT OPTION') AS grantable FROM pg_namespace n\n      WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND has_schema_privilege(admin, n.oid, 'USAGE')\n      ORDER BY n.nspname LOOP\n    IF r.grantable AND r.owner <> rw THEN\n      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', r.nspname, rw);\n    END IF;\n    IF r.grantable THEN\n      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', r.nspname, ro);\n    END IF;\n    SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')\n        AND NOT (CASE WHEN c.relkind IN ('r', 'p', 'v', 'm', 'f') THEN has_table_privilege(rw, c.oid, 'SELECT') AND has_table_privilege(rw, c.oid, 'INSERT') AND has_table_privilege(rw, c.oid, 'UPDATE') AND has_table_privilege(rw, c.oid, 'DELETE') AND has_table_privilege(rw, c.oid, 'TRUNCATE') AND has_table_privilege(rw, c.oid, 'REFERENCES') AND has_table_privilege(rw, c.oid, 'TRIGGER') END) INTO list;\n    IF list IS NOT NULL THEN\n      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE %s TO %I', list, rw);\n    END IF;\n    SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')\n        AND NOT (CASE WHEN c.relkind IN ('r', 'p', 'v', 'm', 'f') THEN has_table_privilege(ro, c.oid, 'SELECT') END) INTO list;\n    IF list IS NOT NULL THEN\n      EXECUTE format('GRANT SELECT ON TABLE %s TO %I', list, ro);\n    END IF;\n    SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('S') AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')\n        AND NOT (CASE WHEN c.relkind IN ('S') THEN has_sequence_privilege(rw, c.oid, 'USAGE') AND has_sequence_privilege(rw, c.oid, 'SELECT') AND has_sequence_privilege(rw, c.oid, 'UPDATE') END) INTO list;\n    IF list IS NOT NULL THEN\n      EXECUTE format('GRANT USAGE, SELECT, UPDATE ON SEQUENCE %s TO %I', list, rw);\n    END IF;\n    SELECT string_agg(format('%I.%I', r.nspname, c.relname), ', ' ORDER BY c.relname) FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('S') AND has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')\n        AND NOT (CASE WHEN c.relkind IN ('S') THEN has_sequence_privilege(ro, c.oid, 'SELECT') END) INTO list;\n    IF list IS NOT NULL THEN\n      EXECUTE format('GRANT SELECT ON SEQUENCE %s TO %I', list, ro);\n    END IF;\n    SELECT string_agg(format('%I.%I (owner %s)', r.nspname, c.relname, pg_get_userbyid(c.relowner)), ', ' ORDER BY c.relname) INTO list FROM pg_class c\n      WHERE c.relnamespace = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND NOT has_table_privilege(admin, c.oid, 'SELECT WITH GRANT OPTION')\n        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e');\n    IF list IS NOT NULL THEN\n      RAISE WARNING 'freehold: % cannot grant on %: the application roles cannot use them', admin, list;\n    END IF;\n  END LOOP;\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON TABLES TO %I', rw, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON SEQUENCES TO %I', rw, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON SCHEMAS TO %I', rw, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLES TO %I', admin, rw);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', admin, rw);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON SCHEMAS TO %I', admin, rw);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON TABLES TO %I', admin, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON SEQUENCES TO %I', admin, ro);\n  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON SCHEMAS TO %I', admin, ro);\nEND\n$freehold$;\nCOMMIT;\n\\echo freehold: roles app and app_read ready in :DBNAME\nFREEHOLD_SQL\n",
      ],
      environmentVariables: [
        { name: "PGHOST", value: dbServer.fullyQualifiedDomainName },
        { name: "PGPORT", value: "5432" },
        { name: "PGDATABASE", value: "app" },
        { name: "PGUSER", value: "app_admin" },
        { name: "PGSSLMODE", value: "require" },
        { name: "PGPASSWORD", secureValue: pulumi.secret(dbPassword.result) },
        {
          name: "FREEHOLD_APP_VERIFIER",
          secureValue: pulumi.secret(pulumi.output(dbAppPassword.result).apply(scramVerifier)),
        },
        {
          name: "FREEHOLD_READ_VERIFIER",
          secureValue: pulumi.secret(pulumi.output(dbReadPassword.result).apply(scramVerifier)),
        },
      ],
      image: "postgres:17-alpine",
      name: "roles",
      resources: { requests: { cpu: 0.5, memoryInGB: 0.5 } },
    },
  ],
  location: region,
  osType: "Linux",
  resourceGroupName: rg.name,
  restartPolicy: "Never",
  sku: "Standard",
  subnetIds: [{ id: pulumi.interpolate`${vnet.id}/subnets/jobs` }],
  tags,
}, { dependsOn: [dbDatabase], aliases: [{ parent: freeholdDb }] });

const dbLock = new authorization.ManagementLockByScope("db-lock", {
  level: "CanNotDelete",
  lockName: "freehold-deletion-protection",
  notes: "Freehold deletionProtection: set deletionProtection: false and deploy to lift this lock.",
  scope: dbServer.id,
}, { dependsOn: [dbDatabase], aliases: [{ parent: freeholdDb }] });

// ---- uploads (ObjectStore) -------------------------------------------------------------------------------
// uploads: object-store on Azure Blob Storage.
// Was Freehold's ObjectStore "uploads" (freehold:index:ObjectStore).

const uploadsAccount = new storage.StorageAccount("uploads-account", {
  accessTier: "Hot",
  accountName: "crownmarketplacede1wyfmc",
  allowBlobPublicAccess: false,
  allowCrossTenantReplication: false,
  allowSharedKeyAccess: false,
  defaultToOAuthAuthentication: true,
  enableHttpsTrafficOnly: true,
  encryption: {
    keySource: "Microsoft.Storage",
    requireInfrastructureEncryption: true,
    services: { blob: { enabled: true, keyType: "Account" } },
  },
  isLocalUserEnabled: false,
  isSftpEnabled: false,
  kind: "StorageV2",
  location: region,
  minimumTlsVersion: "TLS1_2",
  resourceGroupName: rg.name,
  sku: { name: "Standard_LRS" },
  tags: { ...tags, "freehold-deletion-protection": "on" },
}, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdUploads }] });

const uploadsBlobService = new storage.BlobServiceProperties("uploads-blob-service", {
  accountName: uploadsAccount.name,
  blobServicesName: "default",
  containerDeleteRetentionPolicy: { days: 7, enabled: true },
  cors: {
    corsRules: [
      {
        allowedHeaders: ["*"],
        allowedMethods: ["GET", "PUT"],
        allowedOrigins: ["https://marketplace.example.gov.uk"],
        exposedHeaders: ["ETag"],
        maxAgeInSeconds: 3600,
      },
    ],
  },
  deleteRetentionPolicy: { days: 7, enabled: true },
  isVersioningEnabled: true,
  resourceGroupName: rg.name,
}, { retainOnDelete: true, aliases: [{ parent: freeholdUploads }] });

const uploadsContainer = new storage.BlobContainer("uploads-container", {
  accountName: uploadsAccount.name,
  containerName: "uploads",
  publicAccess: "None",
  resourceGroupName: rg.name,
}, { protect: true, retainOnDelete: true, aliases: [{ parent: freeholdUploads }] });

const uploadsLifecycle = new storage.ManagementPolicy("uploads-lifecycle", {
  accountName: uploadsAccount.name,
  managementPolicyName: "default",
  policy: {
    rules: [
      {
        definition: {
          actions: {
            baseBlob: { delete: { daysAfterModificationGreaterThan: 7 } },
            version: { delete: { daysAfterCreationGreaterThan: 14 } },
          },
          filters: { blobTypes: ["blockBlob", "appendBlob"], prefixMatch: ["uploads/tmp/"] },
        },
        enabled: true,
        name: "expire0",
        type: "Lifecycle",
      },
      {
        definition: {
          actions: {
            baseBlob: { delete: { daysAfterModificationGreaterThan: 90 } },
            version: { delete: { daysAfterCreationGreaterThan: 180 } },
          },
          filters: { blobTypes: ["blockBlob", "appendBlob"], prefixMatch: ["uploads/logs/"] },
        },
        enabled: true,
        name: "expire1",
        type: "Lifecycle",
      },
    ],
  },
  resourceGroupName: rg.name,
}, { retainOnDelete: true, dependsOn: [uploadsBlobService], aliases: [{ parent: freeholdUploads }] });

// ---- web (WebService) ------------------------------------------------------------------------------------
// web: web-service on Azure Container Apps, Consumption 1 vCPU / 2Gi. Size: Container Apps pair matching the
// request exactly (1 vCPU, 2 GiB).
// Was Freehold's WebService "web" (freehold:index:WebService).

const webIdentity = new managedidentity.UserAssignedIdentity("web-identity", { location: region, resourceGroupName: rg.name, resourceName: "crown-marketplace-dev-web-id", tags }, { aliases: [{ parent: freeholdWeb }] });

// eject: part of "roleAssignmentName" is config you set (web-db-access-roleAssignmentName): Freehold made it
// from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const webDbAccess = new authorization.RoleAssignment("web-db-access", {
  description: "Freehold link web -> db: Key Vault Secrets User",
  principalId: webIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: webDbAccessRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
  scope: dbAppSecret.id,
}, { aliases: [{ parent: freeholdWeb }] });

// eject: part of "roleAssignmentName" is config you set (web-uploads-access-roleAssignmentName): Freehold made
// it from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const webUploadsAccess = new authorization.RoleAssignment("web-uploads-access", {
  description: "Freehold link web -> uploads: Storage Blob Data Contributor",
  principalId: webIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: webUploadsAccessRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe`,
  scope: uploadsContainer.id,
}, { aliases: [{ parent: freeholdWeb }] });

// eject: part of "roleAssignmentName" is config you set (web-uploads-delegate-roleAssignmentName): Freehold made
// it from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const webUploadsDelegate = new authorization.RoleAssignment("web-uploads-delegate", {
  description: "Freehold link web -> uploads: Storage Blob Delegator",
  principalId: webIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: webUploadsDelegateRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/db58b8e5-c6ad-4a2a-8342-4190687cbf4a`,
  scope: uploadsAccount.id,
}, { aliases: [{ parent: freeholdWeb }] });

const webGrantsWait = new Sleep("web-grants-wait", {
  createDuration: "600s",
  triggers: { grants: pulumi.interpolate`${webDbAccess.id},${webUploadsAccess.id},${webUploadsDelegate.id}` },
}, { dependsOn: [webDbAccess, webUploadsAccess, webUploadsDelegate], aliases: [{ parent: freeholdWeb }] });

// eject: "template" was also made from db-roles; the value below is right, but no longer waits for it.
const webApp = new app.ContainerApp("web-app", {
  configuration: {
    activeRevisionsMode: "Single",
    ingress: { allowInsecure: false, external: true, targetPort: 8080, transport: "Auto" },
    secrets: [
      {
        identity: webIdentity.id,
        keyVaultUrl: pulumi.interpolate`${vault.properties.vaultUri}secrets/db-app-password-${dbAppSecretSuffix.result}`,
        name: "database-password",
      },
    ],
  },
  containerAppName: "web",
  environmentId: env.id,
  identity: { type: "UserAssigned", userAssignedIdentities: [webIdentity.id] },
  location: region,
  resourceGroupName: rg.name,
  tags,
  template: {
    containers: [
      {
        env: [
          { name: "NODE_ENV", value: "production" },
          { name: "DATABASE_HOST", value: dbServer.fullyQualifiedDomainName },
          { name: "DATABASE_PORT", value: "5432" },
          { name: "DATABASE_NAME", value: dbDatabase.name },
          { name: "DATABASE_USER", value: "app" },
          { name: "DATABASE_SSLMODE", value: "require" },
          { name: "OBJECT_STORE_PROVIDER", value: "azureblob" },
          { name: "OBJECT_STORE_BUCKET", value: uploadsContainer.name },
          {
            name: "OBJECT_STORE_ENDPOINT",
            value: pulumi.interpolate`https://${uploadsAccount.name}.blob.core.windows.net`,
          },
          { name: "OBJECT_STORE_ACCESS", value: "readWrite" },
          { name: "AZURE_CLIENT_ID", value: webIdentity.clientId },
          { name: "DATABASE_PASSWORD", secretRef: "database-password" },
        ],
        image: webImage,
        name: "app",
        probes: [
          {
            failureThreshold: 10,
            httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" },
            periodSeconds: 12,
            timeoutSeconds: 5,
            type: "Startup",
          },
          {
            failureThreshold: 3,
            httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" },
            periodSeconds: 10,
            timeoutSeconds: 5,
            type: "Readiness",
          },
          {
            failureThreshold: 3,
            httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" },
            periodSeconds: 30,
            timeoutSeconds: 5,
            type: "Liveness",
          },
        ],
        resources: { cpu: 1, memory: "2Gi" },
      },
    ],
    scale: { maxReplicas: 10, minReplicas: 2 },
  },
  workloadProfileName: "Consumption",
}, { dependsOn: [webGrantsWait], aliases: [{ parent: freeholdWeb }] });

// ---- worker (WebService) ---------------------------------------------------------------------------------
// worker: web-service on Azure Container Apps, Consumption 0.5 vCPU / 1Gi. Size: Container Apps pair matching
// the request exactly (0.5 vCPU, 1 GiB).
// Was Freehold's WebService "worker" (freehold:index:WebService).

const workerIdentity = new managedidentity.UserAssignedIdentity("worker-identity", { location: region, resourceGroupName: rg.name, resourceName: "crown-marketplace-dev-worker-id", tags }, { aliases: [{ parent: freeholdWorker }] });

// eject: part of "roleAssignmentName" is config you set (worker-db-access-roleAssignmentName): Freehold made it
// from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const workerDbAccess = new authorization.RoleAssignment("worker-db-access", {
  description: "Freehold link worker -> db: Key Vault Secrets User",
  principalId: workerIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: workerDbAccessRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
  scope: dbAppSecret.id,
}, { aliases: [{ parent: freeholdWorker }] });

// eject: part of "roleAssignmentName" is config you set (worker-uploads-access-roleAssignmentName): Freehold
// made it from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const workerUploadsAccess = new authorization.RoleAssignment("worker-uploads-access", {
  description: "Freehold link worker -> uploads: Storage Blob Data Reader",
  principalId: workerIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: workerUploadsAccessRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`,
  scope: uploadsContainer.id,
}, { aliases: [{ parent: freeholdWorker }] });

// eject: part of "roleAssignmentName" is config you set (worker-uploads-delegate-roleAssignmentName): Freehold
// made it from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).
const workerUploadsDelegate = new authorization.RoleAssignment("worker-uploads-delegate", {
  description: "Freehold link worker -> uploads: Storage Blob Delegator",
  principalId: workerIdentity.principalId,
  principalType: "ServicePrincipal",
  roleAssignmentName: workerUploadsDelegateRoleAssignmentName,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/db58b8e5-c6ad-4a2a-8342-4190687cbf4a`,
  scope: uploadsAccount.id,
}, { aliases: [{ parent: freeholdWorker }] });

const workerGrantsWait = new Sleep("worker-grants-wait", {
  createDuration: "600s",
  triggers: {
    grants: pulumi.interpolate`${workerDbAccess.id},${workerUploadsAccess.id},${workerUploadsDelegate.id}`,
  },
}, {
  dependsOn: [workerDbAccess, workerUploadsAccess, workerUploadsDelegate],
  aliases: [{ parent: freeholdWorker }],
});

// eject: "template" was also made from db-roles; the value below is right, but no longer waits for it.
const workerApp = new app.ContainerApp("worker-app", {
  configuration: {
    activeRevisionsMode: "Single",
    ingress: { allowInsecure: false, external: false, targetPort: 8080, transport: "Auto" },
    secrets: [
      {
        identity: workerIdentity.id,
        keyVaultUrl: pulumi.interpolate`${vault.properties.vaultUri}secrets/db-app-password-${dbAppSecretSuffix.result}`,
        name: "database-password",
      },
    ],
  },
  containerAppName: "worker",
  environmentId: env.id,
  identity: { type: "UserAssigned", userAssignedIdentities: [workerIdentity.id] },
  location: region,
  resourceGroupName: rg.name,
  tags,
  template: {
    containers: [
      {
        env: [
          { name: "DATABASE_HOST", value: dbServer.fullyQualifiedDomainName },
          { name: "DATABASE_PORT", value: "5432" },
          { name: "DATABASE_NAME", value: dbDatabase.name },
          { name: "DATABASE_USER", value: "app" },
          { name: "DATABASE_SSLMODE", value: "require" },
          { name: "OBJECT_STORE_PROVIDER", value: "azureblob" },
          { name: "OBJECT_STORE_BUCKET", value: uploadsContainer.name },
          {
            name: "OBJECT_STORE_ENDPOINT",
            value: pulumi.interpolate`https://${uploadsAccount.name}.blob.core.windows.net`,
          },
          { name: "OBJECT_STORE_ACCESS", value: "read" },
          { name: "AZURE_CLIENT_ID", value: workerIdentity.clientId },
          { name: "DATABASE_PASSWORD", secretRef: "database-password" },
        ],
        image: workerImage,
        name: "app",
        probes: [
          {
            failureThreshold: 10,
            httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" },
            periodSeconds: 12,
            timeoutSeconds: 5,
            type: "Startup",
          },
          {
            failureThreshold: 3,
            httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" },
            periodSeconds: 10,
            timeoutSeconds: 5,
            type: "Readiness",
          },
          {
            failureThreshold: 3,
            httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" },
            periodSeconds: 30,
            timeoutSeconds: 5,
            type: "Liveness",
          },
        ],
        resources: { cpu: 0.5, memory: "1Gi" },
      },
    ],
    scale: { maxReplicas: 4, minReplicas: 1 },
  },
  workloadProfileName: "Consumption",
}, { dependsOn: [workerGrantsWait], aliases: [{ parent: freeholdWorker }] });

// ---- Stack outputs, as Freehold exported them -----------------------------------------------------

export const db = {
  host: dbServer.fullyQualifiedDomainName,
  port: 5432,
  databaseName: "app",
  connectionString: pulumi.secret(pulumi.interpolate`postgres://app:${dbAppPassword.result}@${dbServer.fullyQualifiedDomainName}:5432/app?sslmode=require`),
};
export const uploads = {
  bucketName: "uploads",
  endpoint: pulumi.interpolate`https://${uploadsAccount.name}.blob.core.windows.net`,
};
export const web = { url: pulumi.interpolate`https://${webApp.configuration.apply((v) => v?.ingress?.fqdn!)}` };
export const worker = { url: pulumi.interpolate`https://${workerApp.configuration.apply((v) => v?.ingress?.fqdn!)}` };
