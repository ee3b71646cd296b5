/**
 * The Azure rule book, from Azure Resource Manager and service documentation
 * (each rule names its page; the provider's create-only properties come from
 * the REST API specifications azure-native is generated from). Names are unique
 * per resource group unless a rule says the subscription or the whole of Azure.
 */
import { valueAt } from "../diff";
import type { Check, CloudObject, CloudRules, GlobalRule, RuleContext, TypeRule } from "../types";
import { COMPANIONS, nameCheck, noDoubleHyphen, sameRegion, textCheck } from "./common";
import { JOB_DOC, jobConfigurationProblem } from "./azure-workloads";

const LEARN = "https://learn.microsoft.com/azure";
const DOC = {
  names: `${LEARN}/azure-resource-manager/management/resource-name-rules`,
  rgDelete: `${LEARN}/azure-resource-manager/management/delete-resource-group`,
  rgMove: `${LEARN}/azure-resource-manager/management/move-resource-group-and-subscription`,
  rgLocation: `${LEARN}/azure-resource-manager/management/overview#resource-group-location-alignment`,
  locks: `${LEARN}/azure-resource-manager/management/lock-resources`,
  denyAction: `${LEARN}/governance/policy/concepts/effect-deny-action`,
  policyStructure: `${LEARN}/governance/policy/concepts/definition-structure-basics`,
  policyLimits: `${LEARN}/azure-resource-manager/management/azure-subscription-service-limits#azure-policy-limits`,
  tags: `${LEARN}/azure-resource-manager/management/tag-resources#limitations`,
  kvSoftDelete: `${LEARN}/key-vault/general/soft-delete-overview`,
  kvSecrets: `${LEARN}/key-vault/secrets/about-secrets`,
  rbacDelay: `${LEARN}/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected`,
  rbacName: `${LEARN}/role-based-access-control/troubleshooting#symptom---arm-template-role-assignment-returns-badrequest-status`,
  rbacPrincipal: `${LEARN}/role-based-access-control/troubleshooting#symptom---assigning-a-role-to-a-new-principal-sometimes-fails`,
  rbacExists: `${LEARN}/role-based-access-control/role-assignments-template#create-a-role-assignment-at-a-resource-scope`,
  rbacCustomDelete: `${LEARN}/role-based-access-control/troubleshooting#symptom---unable-to-delete-a-custom-role`,
  customRoles: `${LEARN}/role-based-access-control/custom-roles`,
  customRoleReplication: "https://github.com/Azure/terraform-azurerm-caf-enterprise-scale/wiki/%5BUser-Guide%5D-Troubleshooting",
  acaEnv: `${LEARN}/container-apps/environment`,
  acaVnet: `${LEARN}/container-apps/custom-virtual-networks`,
  acaZones: `${LEARN}/reliability/reliability-azure-container-apps`,
  acaSecrets: `${LEARN}/container-apps/manage-secrets#reference-secret-from-key-vault`,
  acaProbes: `${LEARN}/container-apps/health-probes#restrictions`,
  acaScale: `${LEARN}/container-apps/scale-app`,
  acaContainers: `${LEARN}/container-apps/containers#allocations`,
  acaEnvVars: `${LEARN}/container-apps/environment-variables`,
  acaRegistries: `${LEARN}/container-apps/containers#container-registries`,
  acaDomains: `${LEARN}/container-apps/custom-domains-managed-certificates`,
  acaCertRequires: "https://github.com/microsoft/azure-container-apps/issues/1570",
  vnetDelete: `${LEARN}/virtual-network/manage-virtual-network#delete-a-virtual-network`,
  subnets: `${LEARN}/virtual-network/virtual-network-manage-subnet#change-subnet-settings`,
  pgNetwork: `${LEARN}/postgresql/flexible-server/concepts-networking-private`,
  pgNetworkingChoice: `${LEARN}/postgresql/flexible-server/concepts-networking`,
  pgStorage: `${LEARN}/postgresql/flexible-server/concepts-storage-premium-ssd`,
  pgUpgrade: `${LEARN}/postgresql/flexible-server/concepts-major-version-upgrade`,
  pgHa: `${LEARN}/postgresql/flexible-server/concepts-high-availability`,
  pgBackup: `${LEARN}/postgresql/flexible-server/concepts-backup-restore`,
  pgAdmin: `${LEARN}/postgresql/flexible-server/quickstart-create-server#create-an-azure-database-for-postgresql-flexible-server`,
  pgLimits: `${LEARN}/postgresql/flexible-server/concepts-limits`,
  pgLock: `${LEARN}/postgresql/flexible-server/how-to-enable-deletion-protection`,
  dnsLinks: `${LEARN}/dns/private-dns-virtual-network-links`,
  storageInfraEnc: `${LEARN}/storage/common/infrastructure-encryption-enable`,
  storageRedundancy: `${LEARN}/storage/common/redundancy-migration`,
  storageAnon: `${LEARN}/storage/blobs/anonymous-read-access-prevent`,
  cors: "https://learn.microsoft.com/rest/api/storageservices/cross-origin-resource-sharing--cors--support-for-the-azure-storage-services",
  blobSoftDelete: `${LEARN}/storage/blobs/soft-delete-blob-enable`,
  lifecycle: `${LEARN}/storage/blobs/lifecycle-management-overview`,
  workspace: `${LEARN}/azure-monitor/logs/data-retention-configure`,
  aciVnet: `${LEARN}/container-instances/container-instances-virtual-network-concepts`,
  aciUpdate: `${LEARN}/container-instances/container-instances-update#properties-that-require-container-delete`,
  aciRestart: `${LEARN}/container-instances/container-instances-restart-policy`,
  regions: `${LEARN}/reliability/regions-list`,
  lockRest: "https://learn.microsoft.com/rest/api/resources/management-locks/create-or-update-by-scope",
  pgCreateMode: "https://learn.microsoft.com/rest/api/postgresql/servers/create",
  pgConflict: `${LEARN}/postgresql/flexible-server/concepts-limits`,
  pgLogical: `${LEARN}/postgresql/flexible-server/concepts-logical`,
  pgScaling: `${LEARN}/postgresql/flexible-server/concepts-scaling-resources`,
  pgAccess: `${LEARN}/postgresql/security/security-access-control`,
  pgSubscriptionRole: "https://www.postgresql.org/docs/16/predefined-roles.html",
  pgReservedSubnets: `${LEARN}/postgresql/flexible-server/concepts-networking-private#virtual-network-concepts`,
  pgEntra: `${LEARN}/postgresql/security/security-entra-configure`,
  acaCertInUse: "https://github.com/rajbos/ai-engineering-fluency/pull/739",
  acaJobs: `${LEARN}/container-apps/jobs`,
  acaIpRestrictions: `${LEARN}/container-apps/ip-restrictions`,
  acaSecretVolumes: `${LEARN}/container-apps/manage-secrets#secrets-volume-mounts`,
  deploymentScripts: `${LEARN}/azure-resource-manager/bicep/deployment-script-bicep`,
  diagnostics: `${LEARN}/azure-monitor/essentials/diagnostic-settings`,
  nsg: `${LEARN}/virtual-network/manage-network-security-group#delete-a-network-security-group`,
  storageNetwork: `${LEARN}/storage/common/storage-network-security`,
  backupVault: `${LEARN}/backup/backup-azure-database-postgresql-flex-overview`,
  backupVaultDelete: `${LEARN}/backup/create-manage-backup-vault#delete-a-backup-vault`,
  /** Service association links left on a delegated subnet after its resource is deleted: reported for Container Apps, container groups and flexible servers. */
  serviceLinks: [
    "https://github.com/microsoft/azure-container-apps/issues/974",
    "https://github.com/Azure/azure-cli/issues/21637",
    "https://github.com/microsoft-foundry/foundry-samples/issues/153",
  ].join(" "),
  policyDeny: `${LEARN}/governance/policy/concepts/effect-deny`,
  landingZonePolicies: "https://github.com/Azure/Enterprise-Scale/wiki/ALZ-Policies",
} as const;

// ---- types ---------------------------------------------------------------------------------------

const RG = "azure-native:resources:ResourceGroup";
const LOCK = "azure-native:authorization:ManagementLockByScope";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const ROLE_DEFINITION = "azure-native:authorization:RoleDefinition";
const POLICY_DEFINITION = "azure-native:authorization:PolicyDefinition";
const POLICY_ASSIGNMENT = "azure-native:authorization:PolicyAssignment";
const IDENTITY = "azure-native:managedidentity:UserAssignedIdentity";
const VNET = "azure-native:network:VirtualNetwork";
const ENVIRONMENT = "azure-native:app:ManagedEnvironment";
const CONTAINER_APP = "azure-native:app:ContainerApp";
const CERTIFICATE = "azure-native:app:ManagedCertificate";
const SERVER = "azure-native:dbforpostgresql:Server";
const STORAGE = "azure-native:storage:StorageAccount";
const CONTAINER_GROUP = "azure-native:containerinstance:ContainerGroup";
const JOB = "azure-native:app:Job";
const SCRIPT = "azure-native:resources:AzureCliScript";
const DIAGNOSTICS = "azure-native:monitor:DiagnosticSetting";
const NSG = "azure-native:network:NetworkSecurityGroup";
const BACKUP_VAULT = "azure-native:dataprotection:BackupVault";
const BACKUP_POLICY = "azure-native:dataprotection:BackupPolicy";
const BACKUP_INSTANCE = "azure-native:dataprotection:BackupInstance";
const PG_CONFIGURATION = "azure-native:dbforpostgresql:Configuration";
const PG_DATABASE = "azure-native:dbforpostgresql:Database";
const PG_ADMINISTRATOR = "azure-native:dbforpostgresql:Administrator";

/** The ARM resource type of each Pulumi type, as policy rules name them (`field: type`). */
const ARM_TYPES: Record<string, string> = {
  [RG]: "Microsoft.Resources/resourceGroups",
  [STORAGE]: "Microsoft.Storage/storageAccounts",
  [SERVER]: "Microsoft.DBforPostgreSQL/flexibleServers",
  "azure-native:keyvault:Vault": "Microsoft.KeyVault/vaults",
  [CONTAINER_APP]: "Microsoft.App/containerApps",
  [ENVIRONMENT]: "Microsoft.App/managedEnvironments",
  [VNET]: "Microsoft.Network/virtualNetworks",
  [NSG]: "Microsoft.Network/networkSecurityGroups",
  [JOB]: "Microsoft.App/jobs",
  [SCRIPT]: "Microsoft.Resources/deploymentScripts",
  [BACKUP_VAULT]: "Microsoft.DataProtection/backupVaults",
  "azure-native:operationalinsights:Workspace": "Microsoft.OperationalInsights/workspaces",
  [IDENTITY]: "Microsoft.ManagedIdentity/userAssignedIdentities",
  "azure-native:privatedns:PrivateZone": "Microsoft.Network/privateDnsZones",
};

// ---- scopes: what lies under what ----------------------------------------------------------------

/** ARM's parent-child links: an object lies under what these inputs reference (a lock, a policy assignment or a resource group covers everything under it). */
const PARENT_FIELDS = ["resourceGroupName", "serverName", "accountName", "vaultName", "privateZoneName", "environmentName", "scope"] as const;

function under(obj: CloudObject, ancestor: CloudObject, ctx: RuleContext, seen = new Set<string>()): boolean {
  if (seen.has(obj.key)) return false;
  seen.add(obj.key);
  for (const f of PARENT_FIELDS) {
    for (const k of obj.references[f] ?? []) {
      if (k === ancestor.key) return true;
      const parent = ctx.get(k);
      if (parent && under(parent, ancestor, ctx, seen)) return true;
    }
  }
  return false;
}

/** The objects an extension resource (lock, assignment) is scoped to. */
const scopeOf = (ext: CloudObject, ctx: RuleContext) => (ext.references.scope ?? []).map((k) => ctx.get(k)).filter((o): o is CloudObject => Boolean(o));
/** A subscription-wide extension (a policy assignment at `/subscriptions/<id>`, as a landing zone makes them): it covers every object. */
const subscriptionWide = (ext: CloudObject) => !(ext.references.scope ?? []).length && typeof ext.inputs.scope === "string" && /^\/subscriptions\/[^/]+\/?$/i.test(ext.inputs.scope);
const covers = (ext: CloudObject, obj: CloudObject, ctx: RuleContext) => subscriptionWide(ext) || scopeOf(ext, ctx).some((s) => s.key === obj.key || under(obj, s, ctx));
const live = (ctx: RuleContext, type: string) => ctx.objects().filter((o) => o.type === type && o.status === "live");

/** CanNotDelete locks at the object's scope or above it (the lock itself may always be deleted). */
function locksOver(obj: CloudObject, ctx: RuleContext): CloudObject[] {
  return live(ctx, LOCK).filter((l) => l.key !== obj.key && l.inputs.level === "CanNotDelete" && covers(l, obj, ctx));
}

/** Locks on objects inside a resource group being deleted: "you never have a partial deletion". */
function locksInside(container: CloudObject, ctx: RuleContext): CloudObject[] {
  return live(ctx, LOCK).filter((l) => l.inputs.level === "CanNotDelete" && scopeOf(l, ctx).some((s) => under(s, container, ctx)));
}

// ---- Azure Policy denyAction --------------------------------------------------------------------

type Condition = {
  allOf?: Condition[];
  anyOf?: Condition[];
  not?: Condition;
  field?: string;
  equals?: unknown;
  notEquals?: unknown;
  in?: unknown[];
  notIn?: unknown[];
  exists?: boolean | string;
};

/**
 * The value a policy `field` names: `type`, `location`, `tags['x']` / `tags.x`, or a property alias
 * (`Microsoft.Storage/storageAccounts/publicNetworkAccess`: the resource type, then the property's path, which
 * azure-native's flattened inputs hold without `properties`).
 */
function fieldValue(field: string, obj: CloudObject): unknown {
  if (field === "type") return ARM_TYPES[obj.type] ?? obj.type;
  if (field === "location") return obj.inputs.location === "global" ? "global" : obj.region;
  const tag = field.match(/^tags(?:\['([^']+)'\]|\.(.+))$/);
  if (tag) return ((obj.inputs.tags ?? {}) as Record<string, unknown>)[(tag[1] ?? tag[2]) as string];
  const armType = ARM_TYPES[obj.type];
  if (armType && field.toLowerCase().startsWith(`${armType.toLowerCase()}/`)) return valueAt(obj.inputs, field.slice(armType.length + 1).replace(/\//g, "."));
  return valueAt(obj.inputs, field);
}

const same = (a: unknown, b: unknown) => (typeof a === "string" && typeof b === "string" ? a.toLowerCase() === b.toLowerCase() : a === b);

/** Policy conditions (allOf, anyOf, not; equals, notEquals, in), evaluated as Azure Policy does (string comparison case-insensitive). */
function holds(c: Condition, obj: CloudObject): boolean {
  if (c.allOf) return c.allOf.every((x) => holds(x, obj));
  if (c.anyOf) return c.anyOf.some((x) => holds(x, obj));
  if (c.not) return !holds(c.not, obj);
  const v = c.field ? fieldValue(c.field, obj) : undefined;
  if ("equals" in c) return same(v, c.equals);
  if ("notEquals" in c) return !same(v, c.notEquals);
  if (c.in) return c.in.some((x) => same(v, x));
  if (c.notIn) return !c.notIn.some((x) => same(v, x));
  if ("exists" in c) return String(c.exists).toLowerCase() === "true" ? v !== undefined : v === undefined;
  return false;
}

/**
 * Resource types Azure Policy's `Indexed` mode evaluates: those that take tags and a location (tracked resources).
 * Extension and child resources (role assignments, diagnostic settings, locks, databases, containers) are skipped.
 */
const TRACKED = new Set([
  RG,
  STORAGE,
  SERVER,
  "azure-native:keyvault:Vault",
  CONTAINER_APP,
  ENVIRONMENT,
  VNET,
  NSG,
  JOB,
  SCRIPT,
  BACKUP_VAULT,
  IDENTITY,
  CONTAINER_GROUP,
  CERTIFICATE,
  "azure-native:operationalinsights:Workspace",
  "azure-native:privatedns:PrivateZone",
  "azure-native:privatedns:VirtualNetworkLink",
]);

/** `deny` rules in force (https://learn.microsoft.com/azure/governance/policy/concepts/effect-deny): the assignment, its definition's condition and mode. */
function denyEffectRules(ctx: RuleContext): Array<{ assignment: CloudObject; when: Condition; indexed: boolean; name: string }> {
  const out: Array<{ assignment: CloudObject; when: Condition; indexed: boolean; name: string }> = [];
  for (const a of live(ctx, POLICY_ASSIGNMENT)) {
    if (a.inputs.enforcementMode === "DoNotEnforce") continue;
    for (const k of a.references.policyDefinitionId ?? []) {
      const def = ctx.get(k);
      const rule = def?.status === "live" ? (def.inputs.policyRule as { if?: Condition; then?: { effect?: string } } | undefined) : undefined;
      if (!rule?.if || rule.then?.effect?.toLowerCase() !== "deny") continue;
      out.push({ assignment: a, when: rule.if, indexed: String(def?.inputs.mode ?? "Indexed").toLowerCase() === "indexed", name: String(def?.inputs.displayName ?? def?.name ?? k) });
    }
  }
  return out;
}

interface DenyRule {
  assignment: CloudObject;
  when: Condition;
  cascade: boolean;
}

/** denyAction (delete) rules in force: each assignment of a definition whose effect denies deletes. */
function denyRules(ctx: RuleContext): DenyRule[] {
  const out: DenyRule[] = [];
  for (const a of live(ctx, POLICY_ASSIGNMENT)) {
    if (a.inputs.enforcementMode === "DoNotEnforce") continue;
    for (const k of a.references.policyDefinitionId ?? []) {
      const def = ctx.get(k);
      const rule = def?.status === "live" ? (def.inputs.policyRule as { if?: Condition; then?: { effect?: string; details?: { actionNames?: string[]; cascadeBehaviors?: { resourceGroup?: string } } } } | undefined) : undefined;
      if (!rule?.if || rule.then?.effect?.toLowerCase() !== "denyaction" || !rule.then.details?.actionNames?.some((n) => n.toLowerCase() === "delete")) continue;
      out.push({ assignment: a, when: rule.if, cascade: rule.then.details.cascadeBehaviors?.resourceGroup?.toLowerCase() === "deny" });
    }
  }
  return out;
}

/** Why a delete is denied by policy: the object itself, or (for a resource group with cascadeBehaviors deny) something in it. */
function deniedBy(obj: CloudObject, ctx: RuleContext): string | undefined {
  // Assignments and locks are exempt, so that nobody is locked out.
  if (obj.type === POLICY_ASSIGNMENT || obj.type === LOCK) return undefined;
  for (const d of denyRules(ctx)) {
    if (covers(d.assignment, obj, ctx) && holds(d.when, obj)) return `${obj.name ?? obj.key} (policy assignment ${d.assignment.name ?? d.assignment.key})`;
    if (obj.type === RG && d.cascade) {
      const inside = ctx.objects().find((o) => o.status === "live" && under(o, obj, ctx) && covers(d.assignment, o, ctx) && holds(d.when, o));
      if (inside) return `${inside.name ?? inside.key} in the resource group (policy assignment ${d.assignment.name ?? d.assignment.key}, cascadeBehaviors.resourceGroup: deny)`;
    }
  }
  return undefined;
}

// ---- helpers for checks ------------------------------------------------------------------------

/**
 * A resource's resource group is part of its ARM id ("the resource IDs of the moved resources change", DOC.rgMove), and
 * the azure-native provider replaces a resource whose URL path parameters change: a program that names another
 * resource group for a network or its NSG gets a new one there, and the old one (with the subnets the servers and
 * environments are fixed to) deleted.
 */
const inOtherGroup = () => ({ path: "resourceGroupName", source: DOC.rgMove });
const inGroup = (field: string) => ({ field, scope: { within: "resourceGroupName" }, source: DOC.names }) as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function range(path: string, min: number, max: number, source: string): Check {
  return { path, source, test: (v) => (v === undefined ? undefined : typeof v !== "number" || !Number.isInteger(v) || v < min || v > max ? `${JSON.stringify(v)} is outside ${min}-${max}` : undefined) };
}

function oneOf(path: string, allowed: readonly string[], source: string): Check {
  return { path, source, test: (v) => (v === undefined || allowed.includes(String(v)) ? undefined : `${JSON.stringify(v)} is not one of ${allowed.join(", ")}`) };
}

/** The subnet name at the end of a subnet id (`.../subnets/<name>`). */
const subnetName = (id: unknown) => (typeof id === "string" ? id.match(/\/subnets\/([^/]+)$/)?.[1] : undefined);

interface Subnet {
  name: string;
  addressPrefix?: string;
  delegations?: Array<{ serviceName?: string }>;
  defaultOutboundAccess?: boolean;
  serviceEndpoints?: Array<{ service?: string }>;
  natGateway?: unknown;
}
const subnetsOf = (vnet: CloudObject): Subnet[] => (Array.isArray(vnet.inputs.subnets) ? (vnet.inputs.subnets as Subnet[]) : []);

function cidr(prefix: string | undefined): { base: number; bits: number } | undefined {
  const m = prefix?.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/);
  if (!m) return undefined;
  const [a, b, c, d, bits] = m.slice(1).map(Number) as [number, number, number, number, number];
  return { base: ((a << 24) >>> 0) + (b << 16) + (c << 8) + d, bits };
}
const size = (n: { bits: number }) => 2 ** (32 - n.bits);
const inside = (inner: { base: number; bits: number }, outer: { base: number; bits: number }) => inner.bits >= outer.bits && inner.base >= outer.base && inner.base + size(inner) <= outer.base + size(outer);
const overlap = (x: { base: number; bits: number }, y: { base: number; bits: number }) => x.base < y.base + size(y) && y.base < x.base + size(x);

/** The smallest subnet each delegation accepts. */
const MIN_SUBNET_BITS: Record<string, { bits: number; source: string }> = {
  // Workload-profiles environments: /27 or larger.
  "Microsoft.App/environments": { bits: 27, source: DOC.acaVnet },
  // "The smallest CIDR range you can specify for the subnet is /28".
  "Microsoft.DBforPostgreSQL/flexibleServers": { bits: 28, source: DOC.pgNetwork },
};

/**
 * Subnet names a flexible server's delegated subnet may not have: "The names AzureFirewallSubnet,
 * AzureFirewallManagementSubnet, AzureBastionSubnet, and GatewaySubnet are reserved within Azure. Don't use any of
 * these names as your subnet name" (PostgreSQL private access). Other services name their own subnets so on purpose.
 */
const PG_RESERVED_SUBNETS = ["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "AzureBastionSubnet"];

function subnetProblems(vnet: Record<string, unknown>): string | undefined {
  const space = ((vnet.addressSpace as { addressPrefixes?: string[] } | undefined)?.addressPrefixes ?? []).map(cidr).filter((x): x is { base: number; bits: number } => Boolean(x));
  const subnets = Array.isArray(vnet.subnets) ? (vnet.subnets as Subnet[]) : [];
  const seen: Array<{ name: string; net: { base: number; bits: number } }> = [];
  for (const s of subnets) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,78}[A-Za-z0-9_])?$/.test(s.name)) return `subnet name "${s.name}" is not 1-80 letters, digits, '.', '_' or '-' (starting alphanumeric, ending alphanumeric or '_')`;
    const net = cidr(s.addressPrefix);
    if (!net) return `subnet ${s.name}: "${s.addressPrefix}" is not an IPv4 CIDR`;
    if (space.length && !space.some((sp) => inside(net, sp))) return `subnet ${s.name} (${s.addressPrefix}) is outside the address space`;
    const clash = seen.find((x) => overlap(x.net, net));
    if (clash) return `subnet ${s.name} (${s.addressPrefix}) overlaps subnet ${clash.name}`;
    seen.push({ name: s.name, net });
    for (const d of s.delegations ?? []) {
      const min = MIN_SUBNET_BITS[d.serviceName ?? ""];
      if (min && net.bits > min.bits) return `subnet ${s.name} (${s.addressPrefix}) is smaller than the /${min.bits} a ${d.serviceName} delegation needs [${min.source}]`;
    }
  }
  return undefined;
}

/** The subnets of a network that something live still uses, with what uses them. */
function subnetsInUse(vnet: CloudObject, ctx: RuleContext): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const note = (name: string | undefined, who: string) => {
    if (name) used.set(name, [...(used.get(name) ?? []), who]);
  };
  for (const o of ctx.objects()) {
    if (o.status !== "live" || o.key === vnet.key) continue;
    if (o.type === ENVIRONMENT && (o.references["vnetConfiguration.infrastructureSubnetId"] ?? o.references.vnetConfiguration ?? []).includes(vnet.key)) {
      note(subnetName((o.inputs.vnetConfiguration as { infrastructureSubnetId?: string } | undefined)?.infrastructureSubnetId), `Container Apps environment ${o.name}`);
    }
    if (o.type === SERVER && (o.references["network.delegatedSubnetResourceId"] ?? o.references.network ?? []).includes(vnet.key)) {
      note(subnetName((o.inputs.network as { delegatedSubnetResourceId?: string } | undefined)?.delegatedSubnetResourceId), `PostgreSQL server ${o.name}`);
    }
    if (o.type === CONTAINER_GROUP && (o.references.subnetIds ?? []).includes(vnet.key)) {
      for (const s of (o.inputs.subnetIds ?? []) as Array<{ id?: string }>) note(subnetName(s.id), `container group ${o.name}`);
    }
  }
  return used;
}

/** A subnet has a way to reach Azure Storage: default outbound access, a NAT gateway, or a Microsoft.Storage service endpoint. */
const reachesStorage = (s: Subnet) => s.defaultOutboundAccess !== false || Boolean(s.natGateway) || (s.serviceEndpoints ?? []).some((e) => e.service?.startsWith("Microsoft.Storage"));
/** A subnet has a way out to the internet's Microsoft services (Entra ID has no service endpoint): default outbound access or a NAT gateway. */
const reachesInternet = (s: Subnet) => s.defaultOutboundAccess !== false || Boolean(s.natGateway);

interface SecurityRule {
  priority?: number;
  direction?: string;
  access?: string;
  destinationAddressPrefix?: string;
  destinationAddressPrefixes?: string[];
}

/**
 * Whether a network security group lets a subnet's traffic out to a service tag: the outbound rules in priority
 * order, the first whose destination covers the tag deciding (`Internet` and `*` cover every public service tag),
 * else the default rules, which allow the internet (https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules).
 */
export function nsgAllowsOut(rules: readonly SecurityRule[], tag: string): boolean {
  const covering = (r: SecurityRule) => [r.destinationAddressPrefix, ...(r.destinationAddressPrefixes ?? [])].some((d) => d && ["*", "internet", tag.toLowerCase()].includes(d.toLowerCase()));
  const first = [...rules].filter((r) => r.direction?.toLowerCase() === "outbound" && covering(r)).sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0))[0];
  return first ? first.access?.toLowerCase() === "allow" : true;
}

/** The security rules of the NSG a subnet names, where that NSG is in the world. */
function subnetNsgRules(vnet: CloudObject, ctx: RuleContext): SecurityRule[] | undefined {
  const nsgs = (vnet.references.subnets ?? []).map((k) => ctx.get(k)).filter((o): o is CloudObject => o?.type === NSG && o.status === "live");
  return nsgs.length ? nsgs.flatMap((n) => (n.inputs.securityRules ?? []) as SecurityRule[]) : undefined;
}

/** Service association links a deleted resource left on subnets, per network: `{ subnet, by, until }`. */
interface ServiceLink {
  subnet: string;
  by: string;
  until: number;
}
/**
 * How long a deleted resource's service association link stays on its delegated subnet, in the simulation: a day.
 * Reports run from minutes to days (a Container Apps environment's subnet "not released", a container group's
 * `acisal` link, a `legionservicelink` kept two days), and Azure documents no bound, so no wait in a deployment covers it.
 */
export const SERVICE_LINK_SECONDS = 86_400;
const lingering = (vnet: CloudObject, now: number): ServiceLink[] => ((vnet.facts.serviceLinks ?? []) as ServiceLink[]).filter((l) => l.until > now);

/** After a delegated-subnet resource is deleted: its link stays on the subnet for a while. */
function leaveServiceLink(subnetIdOf: (o: CloudObject) => Array<string | undefined>, label: string) {
  return (obj: CloudObject, ctx: RuleContext): void => {
    for (const vnet of Object.values(obj.references).flat().map((k) => ctx.get(k)).filter((o): o is CloudObject => o?.type === VNET)) {
      const links = subnetIdOf(obj)
        .map(subnetName)
        .filter((n): n is string => Boolean(n) && subnetsOf(vnet).some((s) => s.name === n))
        .map((subnet) => ({ subnet, by: `${label} ${obj.name ?? obj.key}`, until: ctx.now + SERVICE_LINK_SECONDS }));
      vnet.facts.serviceLinks = [...lingering(vnet, ctx.now), ...links];
    }
  };
}

const serviceLinkError = (vnet: CloudObject, links: ServiceLink[]) =>
  `InUseSubnetCannotBeDeleted: subnet ${links.map((l) => l.subnet).join(", ")} of ${vnet.name} is in use by a service association link left by ${links.map((l) => l.by).join(", ")} (deleted; Azure removes the link later, hours to days) [${DOC.serviceLinks}]`;

/** The networks (objects) an input references, by reference field. */
const referenced = (obj: CloudObject, field: string, ctx: RuleContext, type: string) =>
  Object.entries(obj.references)
    .filter(([k]) => k === field || k.startsWith(`${field}.`))
    .flatMap(([, keys]) => keys)
    .map((k) => ctx.get(k))
    .filter((o): o is CloudObject => o?.type === type);

// ---- PostgreSQL ---------------------------------------------------------------------------------

/** Premium SSD sizes a flexible server takes, GiB. */
const PG_STORAGE_SIZES = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767];
/** Administrator names Azure refuses (and anything starting pg_). */
const PG_RESERVED_LOGINS = ["azure_superuser", "azure_pg_admin", "admin", "administrator", "root", "guest", "public"];

const pgStorage = (o: CloudObject) => Number((o.inputs.storage as { storageSizeGB?: unknown } | undefined)?.storageSizeGB ?? 0);

function pgUpdateProblem(next: CloudObject, previous: CloudObject): string | undefined {
  const held = Math.max(pgStorage(previous), Number(previous.facts.storageGB ?? 0));
  if (pgStorage(next) && pgStorage(next) < held) return `Requested data disk size ${pgStorage(next)} GB cannot be less than the current size ${held} GB: storage can only be scaled up [${DOC.pgStorage}]`;
  const from = Number(previous.inputs.version);
  const to = Number(next.inputs.version);
  if (from && to && to < from) return `Major version downgrade from ${from} to ${to} is not supported: an in-place major version upgrade cannot be reverted [${DOC.pgUpgrade}]`;
  return undefined;
}

function pgCreateProblem(obj: CloudObject, ctx: RuleContext): string | undefined {
  const network = obj.inputs.network as { delegatedSubnetResourceId?: string } | undefined;
  const name = subnetName(network?.delegatedSubnetResourceId);
  if (name && PG_RESERVED_SUBNETS.includes(name)) return `subnet name ${name} is reserved within Azure and cannot hold a flexible server [${DOC.pgReservedSubnets}]`;
  const auth = obj.inputs.authConfig as { activeDirectoryAuth?: string; tenantId?: string } | undefined;
  const entra = auth?.activeDirectoryAuth === "Enabled";
  if (entra && !auth?.tenantId) return `authConfig.activeDirectoryAuth is Enabled without a tenantId [${DOC.pgEntra}]`;
  for (const vnet of referenced(obj, "network", ctx, VNET)) {
    const subnet = subnetsOf(vnet).find((s) => s.name === name);
    if (!subnet) return `the delegated subnet ${name} does not exist in ${vnet.name}`;
    if (!(subnet.delegations ?? []).some((d) => d.serviceName === "Microsoft.DBforPostgreSQL/flexibleServers")) return `subnet ${name} is not delegated to Microsoft.DBforPostgreSQL/flexibleServers [${DOC.pgNetwork}]`;
    const nsg = subnetNsgRules(vnet, ctx);
    if (!reachesStorage(subnet) || (nsg && !nsgAllowsOut(nsg, "Storage"))) return `subnet ${name} has no path to Azure Storage (default outbound access off, no NAT gateway, no Microsoft.Storage service endpoint, or its NSG denies it): the server archives WAL and backups to Azure Storage [${DOC.pgNetwork}]`;
    if (entra && (!reachesInternet(subnet) || (nsg && !nsgAllowsOut(nsg, "AzureActiveDirectory")))) {
      return `Microsoft Entra authentication is on but subnet ${name} cannot reach Entra ID (no default outbound access or NAT gateway, or its NSG denies the AzureActiveDirectory service tag): Entra sign-ins would fail [${DOC.pgNetwork}]`;
    }
  }
  return undefined;
}

/** Operations on one flexible server run one at a time: a second change to the server or a child while another runs fails (ConflictingServerOperation). */
const SERVER_OPERATIONS = [SERVER, PG_CONFIGURATION, PG_DATABASE, PG_ADMINISTRATOR];
function conflictingServerOperation(obj: CloudObject, ctx: RuleContext): string | undefined {
  const serverOf = (o: CloudObject) => (o.type === SERVER ? o.key : (o.references.serverName ?? []).find((k) => ctx.get(k)?.type === SERVER));
  const server = serverOf(obj);
  if (!server || obj.facts.run === undefined) return undefined;
  const after = (o: CloudObject) => (o.facts.after ?? []) as string[];
  const other = ctx
    .objects()
    .find(
      (o) =>
        o.key !== obj.key &&
        o.status === "live" &&
        SERVER_OPERATIONS.includes(o.type) &&
        serverOf(o) === server &&
        o.facts.run === obj.facts.run &&
        !after(obj).includes(o.key) &&
        !after(o).includes(obj.key),
    );
  return other
    ? `ConflictingServerOperation: an operation on ${other.type.split(":").pop()} ${other.name ?? other.key} is in progress on the same server; a flexible server takes one operation at a time, so the deployment must order them [${DOC.pgConflict}]`
    : undefined;
}

/** A container group in a network runs in a subnet delegated to Azure Container Instances. */
function containerGroupProblem(obj: CloudObject, ctx: RuleContext): string | undefined {
  for (const vnet of referenced(obj, "subnetIds", ctx, VNET)) {
    for (const s of (obj.inputs.subnetIds ?? []) as Array<{ id?: string }>) {
      const subnet = subnetsOf(vnet).find((x) => x.name === subnetName(s.id));
      if (!subnet) return `subnet ${subnetName(s.id)} does not exist in ${vnet.name}`;
      if (!(subnet.delegations ?? []).some((d) => d.serviceName === "Microsoft.ContainerInstance/containerGroups")) return `subnet ${subnet.name} is not delegated to Microsoft.ContainerInstance/containerGroups [${DOC.aciVnet}]`;
    }
  }
  return undefined;
}

// ---- Container Apps -----------------------------------------------------------------------------

interface Probe {
  type?: string;
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
}

/** Health probe limits: initial delay 0-60 s, period and timeout 1-240 s, failure threshold 1-10; success threshold 1 for liveness and startup; one probe of each type. */
function probeProblems(containers: unknown): string | undefined {
  for (const c of Array.isArray(containers) ? (containers as Array<{ name?: string; probes?: Probe[] }>) : []) {
    const probes = c.probes ?? [];
    const types = probes.map((p) => p.type);
    if (new Set(types).size !== types.length) return `container ${c.name}: more than one ${types.find((t, i) => types.indexOf(t) !== i)} probe`;
    for (const p of probes) {
      const bad = (
        [
          ["initialDelaySeconds", 0, 60],
          ["periodSeconds", 1, 240],
          ["timeoutSeconds", 1, 240],
          ["failureThreshold", 1, 10],
          ["successThreshold", 1, 10],
        ] as const
      ).find(([k, lo, hi]) => p[k] !== undefined && (!Number.isInteger(p[k]) || (p[k] as number) < lo || (p[k] as number) > hi));
      if (bad) return `container ${c.name}: ${p.type} probe ${bad[0]} ${p[bad[0]]} is outside ${bad[1]}-${bad[2]}`;
      if (p.type !== "Readiness" && p.successThreshold !== undefined && p.successThreshold !== 1) return `container ${c.name}: ${p.type} probe successThreshold must be 1`;
    }
  }
  return undefined;
}

/** Consumption profile allocations: 0.25-4 vCPU in 0.25 steps, memory twice the vCPU (Gi). */
function allocationProblems(containers: unknown): string | undefined {
  for (const c of Array.isArray(containers) ? (containers as Array<{ name?: string; resources?: { cpu?: number; memory?: string } }>) : []) {
    const cpu = c.resources?.cpu;
    const mem = Number.parseFloat(String(c.resources?.memory ?? ""));
    if (cpu === undefined) continue;
    if (cpu < 0.25 || cpu > 4 || Math.round(cpu * 4) !== cpu * 4 || mem !== cpu * 2 || !String(c.resources?.memory).endsWith("Gi")) return `container ${c.name}: ${cpu} vCPU / ${c.resources?.memory} is not a Consumption allocation (0.25-4 vCPU in 0.25 steps, memory twice the vCPU in Gi)`;
  }
  return undefined;
}

interface AppConfiguration {
  secrets?: Array<{ name?: string; keyVaultUrl?: string; value?: unknown; identity?: string }>;
  registries?: Array<{ server?: string; username?: string; passwordSecretRef?: string; identity?: string }>;
  ingress?: {
    external?: boolean;
    targetPort?: number;
    customDomains?: Array<{ name?: string; bindingType?: string; certificateId?: string }>;
    ipSecurityRestrictions?: Array<{ name?: string; action?: string; ipAddressRange?: string }>;
  };
}

function configurationProblems(configuration: unknown): string | undefined {
  const conf = (configuration ?? {}) as AppConfiguration;
  const secrets = conf.secrets ?? [];
  for (const s of secrets) {
    if (!s.name || !/^[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?$/.test(s.name)) return `secret name ${JSON.stringify(s.name)} is not lowercase letters, digits, '-' and '.', starting and ending alphanumeric, at most 253 [${DOC.acaSecrets}]`;
    if (s.keyVaultUrl && !s.identity) return `secret ${s.name}: a Key Vault reference needs the identity that reads it [${DOC.acaSecrets}]`;
  }
  const names = secrets.map((s) => s.name);
  if (new Set(names).size !== names.length) return `duplicate secret names [${DOC.acaSecrets}]`;
  for (const r of conf.registries ?? []) {
    if (r.passwordSecretRef && !names.includes(r.passwordSecretRef)) return `registry ${r.server}: passwordSecretRef ${r.passwordSecretRef} names no secret of the app [${DOC.acaRegistries}]`;
    if (!r.passwordSecretRef && !r.identity) return `registry ${r.server}: needs a passwordSecretRef or an identity [${DOC.acaRegistries}]`;
  }
  const port = conf.ingress?.targetPort;
  if (port !== undefined && (port < 1 || port > 65535)) return `ingress targetPort ${port} is outside 1-65535`;
  const restrictions = conf.ingress?.ipSecurityRestrictions ?? [];
  const bad = restrictions.find((r) => !/^(\d{1,3})(\.\d{1,3}){3}\/\d{1,2}$/.test(r.ipAddressRange ?? ""));
  if (bad) return `ingress IP restriction ${bad.name}: ${JSON.stringify(bad.ipAddressRange)} is not an IPv4 range in CIDR notation; the ipAddressRange parameter accepts IPv4 addresses [${DOC.acaIpRestrictions}]`;
  if (new Set(restrictions.map((r) => r.action)).size > 1) return `ingress IP restrictions mix Allow and Deny; all rules must be the same type [${DOC.acaIpRestrictions}]`;
  return undefined;
}

/** Volume mounts name the template's volumes, and a secret volume projects secrets the app defines. */
function volumeProblems(template: unknown, configuration: unknown): string | undefined {
  const t = (template ?? {}) as { containers?: Array<{ name?: string; volumeMounts?: Array<{ volumeName?: string }> }>; volumes?: Array<{ name?: string; storageType?: string; secrets?: Array<{ secretRef?: string }> }> };
  const volumes = t.volumes ?? [];
  const secrets = ((configuration ?? {}) as AppConfiguration).secrets?.map((s) => s.name) ?? [];
  for (const c of t.containers ?? []) {
    const missing = (c.volumeMounts ?? []).find((m) => !volumes.some((v) => v.name === m.volumeName));
    if (missing) return `container ${c.name}: volume mount ${missing.volumeName} names no volume of the template`;
  }
  for (const v of volumes.filter((x) => x.storageType === "Secret")) {
    const ref = (v.secrets ?? []).find((x) => !secrets.includes(x.secretRef));
    if (ref) return `secret volume ${v.name} projects secret ${ref.secretRef}, which is not defined [${DOC.acaSecretVolumes}]`;
  }
  return undefined;
}

/** Environment variable names: letters, digits, '_', '-' and '.', not starting with a digit; each at most once; secretRef names a secret. */
function envProblems(template: unknown, configuration: unknown): string | undefined {
  const secrets = ((configuration ?? {}) as AppConfiguration).secrets?.map((s) => s.name) ?? [];
  for (const c of ((template ?? {}) as { containers?: Array<{ name?: string; env?: Array<{ name?: string; secretRef?: string }> }> }).containers ?? []) {
    const names = (c.env ?? []).map((e) => e.name ?? "");
    const bad = names.find((n) => !/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(n));
    if (bad !== undefined) return `container ${c.name}: environment variable name ${JSON.stringify(bad)} is not allowed`;
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) return `container ${c.name}: environment variable ${dup} is set twice`;
    const ref = (c.env ?? []).find((e) => e.secretRef && !secrets.includes(e.secretRef));
    if (ref) return `container ${c.name}: ${ref.name} refers to secret ${ref.secretRef}, which the app does not define [${DOC.acaSecrets}]`;
  }
  return undefined;
}

/** The workload profile an app names must be one of its environment's. */
function workloadProfileProblem(app: CloudObject, ctx: RuleContext): string | undefined {
  const profile = app.inputs.workloadProfileName;
  if (typeof profile !== "string") return undefined;
  for (const env of referenced(app, "environmentId", ctx, ENVIRONMENT)) {
    const profiles = ((env.inputs.workloadProfiles ?? []) as Array<{ name?: string }>).map((p) => p.name);
    if (!profiles.includes(profile)) return `workload profile ${profile} is not defined in environment ${env.name} (${profiles.join(", ") || "none"}) [${DOC.acaEnv}]`;
  }
  return undefined;
}

/** A managed certificate is issued only for a hostname already added to an app in its environment. */
function certificateProblem(cert: CloudObject, ctx: RuleContext): string | undefined {
  const subject = (cert.inputs.properties as { subjectName?: string; domainControlValidation?: string } | undefined)?.subjectName;
  const envs = cert.references.environmentName ?? [];
  const onApp = live(ctx, CONTAINER_APP).some(
    (a) => (a.references.environmentId ?? []).some((k) => envs.includes(k)) && ((a.inputs.configuration as AppConfiguration | undefined)?.ingress?.customDomains ?? []).some((d) => d.name === subject),
  );
  return onApp ? undefined : `RequireCustomHostnameInEnvironment: creating a managed certificate requires hostname '${subject}' added as a custom hostname to a container app in the environment [${DOC.acaCertRequires}]`;
}

/** A certificate still bound to a hostname cannot be deleted: an app in its environment whose custom domain names it (SniEnabled with its id) or its subject (Auto). */
function certificateInUse(cert: CloudObject, ctx: RuleContext): string | undefined {
  const subject = (cert.inputs.properties as { subjectName?: string } | undefined)?.subjectName;
  const envs = cert.references.environmentName ?? [];
  const binding = live(ctx, CONTAINER_APP)
    .filter((a) => (a.references.environmentId ?? []).some((k) => envs.includes(k)))
    .flatMap((a) => ((a.inputs.configuration as AppConfiguration | undefined)?.ingress?.customDomains ?? []).map((d) => ({ app: a, d })))
    .find(({ app, d }) => (d.bindingType === "Auto" && d.name === subject) || (d.bindingType === "SniEnabled" && (app.references.configuration ?? []).includes(cert.key)));
  return binding ? `CertificateInUse: Certificate '${cert.name}' is used by existing custom domains ${binding.d.name} (container app ${binding.app.name}) [${DOC.acaCertInUse}]` : undefined;
}

// ---- Role-based access control ------------------------------------------------------------------

/** How long a role definition, like a role assignment, can take to replicate. */
const RBAC_SECONDS = 600;

function roleAssignmentProblem(obj: CloudObject, ctx: RuleContext): string | undefined {
  const same = live(ctx, ROLE_ASSIGNMENT)
    .filter((o) => o.key !== obj.key)
    .find((o) => ["principalId", "roleDefinitionId", "scope"].every((f) => JSON.stringify(o.inputs[f]) === JSON.stringify(obj.inputs[f]) && JSON.stringify(o.references[f] ?? []) === JSON.stringify(obj.references[f] ?? [])));
  if (same) return `RoleAssignmentExists: The role assignment already exists (${same.owner?.urn.split("::").pop() ?? "unmanaged"}) [${DOC.rbacExists}]`;
  const start = obj.facts.changedAt as number;
  const custom = (obj.references.roleDefinitionId ?? []).map((k) => ctx.get(k)).find((d) => d?.type === ROLE_DEFINITION && start - (d.facts.changedAt as number) < RBAC_SECONDS);
  if (custom) return `RoleDefinitionDoesNotExist: the custom role ${custom.inputs.roleName ?? custom.name} was created ${Math.round(start - (custom.facts.changedAt as number))} s earlier and has not replicated yet (up to ${RBAC_SECONDS} s): wait for it before assigning it [${DOC.customRoleReplication}] [${DOC.rbacDelay}]`;
  const principal = (obj.references.principalId ?? []).map((k) => ctx.get(k)).find((p) => p?.type === IDENTITY && start - p.createdAt < RBAC_SECONDS);
  if (principal && !obj.inputs.principalType) return `PrincipalNotFound: principal of ${principal.name} does not exist in the directory yet (replication delay); set principalType [${DOC.rbacPrincipal}]`;
  return undefined;
}

function roleDefinitionProblem(obj: CloudObject, ctx: RuleContext): string | undefined {
  const name = String(obj.inputs.roleName ?? "").toLowerCase();
  const clash = live(ctx, ROLE_DEFINITION).find((o) => o.key !== obj.key && String(o.inputs.roleName ?? "").toLowerCase() === name);
  if (clash) return `RoleDefinitionWithSameNameExists: a custom role named "${obj.inputs.roleName}" already exists in the tenant [${DOC.customRoles}]`;
  const scopes = (obj.inputs.assignableScopes ?? []) as unknown[];
  if (!scopes.length) return `a custom role needs at least one assignable scope [${DOC.customRoles}]`;
  return undefined;
}

// ---- global rules -------------------------------------------------------------------------------

const TAGS: GlobalRule = {
  title: "tags: at most 50; names up to 512 characters (128 on storage accounts) without < > % & \\ ? /; values up to 256",
  source: DOC.tags,
  check: (obj) => {
    const tags = obj.inputs.tags;
    if (!tags || typeof tags !== "object") return undefined;
    const entries = Object.entries(tags as Record<string, unknown>);
    if (entries.length > 50) return `${entries.length} tags; at most 50`;
    const maxName = obj.type === STORAGE ? 128 : 512;
    for (const [k, v] of entries) {
      if (k.length > maxName || /[<>%&\\?/]/.test(k)) return `tag name "${k}" is not allowed`;
      if (String(v).length > 256) return `tag ${k}: value longer than 256`;
    }
    return undefined;
  },
};

const LOCKS: GlobalRule = {
  title: "CanNotDelete locks: nothing at or under a locked scope can be deleted (role assignments and child resources included), and a resource group holding a locked resource cannot be deleted at all",
  source: DOC.locks,
  onDelete: (obj, ctx) => {
    const locks = [...locksOver(obj, ctx), ...(obj.type === RG ? locksInside(obj, ctx) : [])];
    return locks.length ? `ScopeLocked: the scope cannot perform delete operation because the following scope(s) are locked: ${locks.map((l) => l.name ?? l.key).join(", ")}` : undefined;
  },
};

const DENY_ACTION: GlobalRule = {
  title:
    "Azure Policy denyAction: a delete of a resource the assigned rule matches is refused (403 RequestDisallowedByPolicy), and so is deleting its resource group when cascadeBehaviors.resourceGroup is deny; child and extension resources (role assignments) are not blocked, policy assignments and locks are exempt",
  source: DOC.denyAction,
  onDelete: (obj, ctx) => {
    const why = deniedBy(obj, ctx);
    return why ? `RequestDisallowedByPolicy: the delete was denied by a denyAction policy: ${why}` : undefined;
  },
};

const DENY: GlobalRule = {
  title:
    "Azure Policy deny: a create or update the assigned rule matches is refused (403 RequestDisallowedByPolicy), as a landing zone's policies (deny public network access, required tags, allowed locations) refuse what does not comply; in Indexed mode only resources with tags and a location are evaluated",
  source: DOC.policyDeny,
  check: (obj, ctx) => {
    if (obj.type === POLICY_ASSIGNMENT || obj.type === POLICY_DEFINITION) return undefined;
    const hit = denyEffectRules(ctx).find((d) => (!d.indexed || TRACKED.has(obj.type)) && covers(d.assignment, obj, ctx) && holds(d.when, obj));
    return hit ? `RequestDisallowedByPolicy: resource ${obj.name ?? obj.key} was disallowed by policy "${hit.name}" (assignment ${hit.assignment.name ?? hit.assignment.key})` : undefined;
  },
};

/** Role assignments, role definitions, locks, policies and diagnostic settings are not regional. */
const GLOBAL_TYPES = [ROLE_ASSIGNMENT, LOCK, ROLE_DEFINITION, POLICY_DEFINITION, POLICY_ASSIGNMENT, DIAGNOSTICS];

const softDeleted: TypeRule["softDelete"] = { days: 90, purgeProtectionPath: "properties.enablePurgeProtection", source: DOC.kvSoftDelete };
const location = (source: string) => ({ path: "location", source });

/** What a container app and a Container Apps job both check: allocations, secrets, environment variables, secret volumes. */
function workloadChecks(): NonNullable<TypeRule["checks"]> {
  const parts = (v: unknown) => v as { template?: unknown; configuration?: unknown };
  return [
    { path: "template.containers", source: DOC.acaContainers, test: allocationProblems },
    { path: "configuration", source: DOC.acaSecrets, test: configurationProblems },
    { path: "*", source: DOC.acaEnvVars, test: (v) => envProblems(parts(v).template, parts(v).configuration) },
    { path: "*", source: DOC.acaSecretVolumes, test: (v) => volumeProblems(parts(v).template, parts(v).configuration) },
  ];
}

export const AZURE_RULES: CloudRules = {
  cloud: "azure",
  packages: ["azure-native"],
  globalTypes: GLOBAL_TYPES,
  companions: COMPANIONS,
  propagation: {
    grants: [ROLE_ASSIGNMENT],
    // A Backup vault's own (system-assigned) identity is granted roles like a user-assigned one.
    identities: [IDENTITY, BACKUP_VAULT],
    // "When you assign roles or remove role assignments, it can take up to 10 minutes for changes to take effect."
    seconds: RBAC_SECONDS,
    source: DOC.rbacDelay,
  },
  global: [TAGS, LOCKS, DENY_ACTION, DENY, sameRegion(GLOBAL_TYPES, DOC.regions)],
  types: {
    [RG]: {
      title: "resource group",
      source: DOC.rgDelete,
      identity: { field: "resourceGroupName", scope: "account", caseInsensitive: true, source: DOC.names },
      checks: [nameCheck("resourceGroupName", 1, 90, /^[-\w._()]*[-\w_()]$/, DOC.names)],
      replaceOn: [
        { path: "resourceGroupName", source: DOC.names },
        { path: "location", source: DOC.rgLocation },
      ],
      // Deleting a resource group deletes every resource in it, whatever Pulumi retains.
      contains: (other, self, ctx) => under(other, self, ctx),
    },
    "azure-native:keyvault:Vault": {
      title: "key vault",
      source: DOC.kvSoftDelete,
      identity: { field: "vaultName", scope: "global", caseInsensitive: true, source: DOC.names },
      checks: [
        nameCheck("vaultName", 3, 24, /^[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]$/, DOC.names, noDoubleHyphen),
        range("properties.softDeleteRetentionInDays", 7, 90, DOC.kvSoftDelete),
        { path: "properties.enableSoftDelete", source: DOC.kvSoftDelete, test: (v) => (v === false ? "soft delete cannot be turned off on a key vault" : undefined) },
      ],
      replaceOn: [{ path: "vaultName", source: DOC.names }, location(DOC.names)],
      immutable: [{ path: "properties.softDeleteRetentionInDays", error: "the soft-delete retention period can only be set when the vault is created", source: DOC.kvSoftDelete }],
      softDelete: softDeleted,
      notes: [`purge protection cannot be turned off once on ([source](${DOC.kvSoftDelete}))`],
      beforeUpdate: (next, previous) =>
        valueAt(previous.inputs, "properties.enablePurgeProtection") === true && valueAt(next.inputs, "properties.enablePurgeProtection") !== true
          ? `purge protection cannot be turned off once it is on [${DOC.kvSoftDelete}]`
          : undefined,
    },
    "azure-native:keyvault:Secret": {
      title: "key vault secret",
      source: DOC.kvSecrets,
      identity: { field: "secretName", scope: { within: "vaultName" }, caseInsensitive: true, source: DOC.kvSoftDelete },
      checks: [nameCheck("secretName", 1, 127, /^[A-Za-z0-9-]+$/, DOC.names)],
      replaceOn: [
        { path: "secretName", source: DOC.names },
        { path: "vaultName", source: DOC.names },
      ],
      softDelete: softDeleted,
    },
    [LOCK]: {
      title: "management lock",
      source: DOC.locks,
      identity: { field: "lockName", scope: (obj) => `scope:${(obj.references.scope ?? []).join(",")}:${JSON.stringify(obj.inputs.scope)}`, caseInsensitive: true, source: DOC.locks },
      checks: [
        // "1-90; can't use <>*%{}&:\\?.+/#| or control characters; can't end with period or space."
        nameCheck("lockName", 1, 90, /^[^<>*%{}&:\\?.+/#|\p{Cc}]*[^<>*%{}&:\\?.+/#|\p{Cc} ]$/u, DOC.names),
        textCheck("notes", 512, undefined, DOC.locks),
        oneOf("level", ["CanNotDelete", "ReadOnly"], DOC.locks),
      ],
      replaceOn: [
        { path: "scope", source: DOC.locks },
        { path: "lockName", source: DOC.locks },
      ],
    },
    [POLICY_DEFINITION]: {
      title: "Azure Policy definition (subscription)",
      source: DOC.policyStructure,
      identity: { field: "policyDefinitionName", scope: "account", caseInsensitive: true, source: DOC.policyStructure },
      checks: [
        nameCheck("policyDefinitionName", 1, 64, /^[^<>*%&:\\?.+/]*[^<>*%&:\\?.+/ ]$/, DOC.policyLimits),
        textCheck("displayName", 128, undefined, DOC.policyStructure),
        textCheck("description", 512, undefined, DOC.policyStructure),
        oneOf("mode", ["All", "Indexed"], DOC.policyStructure),
        {
          path: "*",
          source: DOC.denyAction,
          test: (v) => {
            const inputs = v as { mode?: string; policyRule?: { then?: { effect?: string; details?: { cascadeBehaviors?: unknown } } } };
            return inputs.policyRule?.then?.details?.cascadeBehaviors && inputs.mode !== "Indexed" ? "cascadeBehaviors needs mode Indexed" : undefined;
          },
        },
      ],
      replaceOn: [{ path: "policyDefinitionName", source: DOC.policyStructure }],
      inUseBy: [{ by: POLICY_ASSIGNMENT, field: "policyDefinitionId", error: "PolicyDefinitionInUse: the definition is assigned; delete its assignments first", source: DOC.policyStructure }],
    },
    [POLICY_ASSIGNMENT]: {
      title: "Azure Policy assignment",
      source: DOC.policyStructure,
      identity: { field: "policyAssignmentName", scope: (obj) => `scope:${(obj.references.scope ?? []).join(",")}`, caseInsensitive: true, source: DOC.policyStructure },
      checks: [nameCheck("policyAssignmentName", 1, 64, /^[^<>*%&:\\?.+/]*[^<>*%&:\\?.+/ ]$/, DOC.policyLimits), textCheck("displayName", 128, undefined, DOC.policyStructure), textCheck("description", 512, undefined, DOC.policyStructure)],
      replaceOn: [
        { path: "scope", source: DOC.policyStructure },
        { path: "policyAssignmentName", source: DOC.policyStructure },
      ],
    },
    [ROLE_ASSIGNMENT]: {
      title: "role assignment",
      source: DOC.rbacName,
      // "You can't create two role assignments with the same name, even in different Azure subscriptions."
      identity: { field: "roleAssignmentName", scope: "global", caseInsensitive: true, source: DOC.rbacName },
      checks: [
        { path: "roleAssignmentName", source: DOC.rbacName, test: (v) => (typeof v === "string" && GUID.test(v) ? undefined : `${JSON.stringify(v)} is not a GUID`) },
        textCheck("description", 2048, undefined, DOC.rbacName),
        oneOf("principalType", ["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"], DOC.rbacPrincipal),
      ],
      // "You also can't change the properties of an existing role assignment" (RoleAssignmentUpdateNotPermitted).
      replaceOn: ["roleAssignmentName", "principalId", "roleDefinitionId", "scope", "principalType", "condition"].map((path) => ({ path, source: DOC.rbacName })),
      notes: [
        `one assignment per principal, role and scope (RoleAssignmentExists) ([source](${DOC.rbacExists}))`,
        `a custom role cannot be assigned until it has replicated, up to ${RBAC_SECONDS} s after it is created (RoleDefinitionDoesNotExist) ([source](${DOC.customRoleReplication}))`,
        `a principal created moments ago needs principalType set (PrincipalNotFound) ([source](${DOC.rbacPrincipal}))`,
      ],
      beforeCreate: roleAssignmentProblem,
    },
    [ROLE_DEFINITION]: {
      title: "custom role definition",
      source: DOC.customRoles,
      identity: { field: "roleDefinitionId", scope: "global", caseInsensitive: true, source: DOC.customRoles },
      checks: [
        { path: "roleDefinitionId", source: DOC.customRoles, test: (v) => (typeof v === "string" && GUID.test(v) ? undefined : `${JSON.stringify(v)} is not a GUID`) },
        textCheck("roleName", 512, undefined, DOC.customRoles),
        textCheck("description", 2048, undefined, DOC.customRoles),
      ],
      replaceOn: [
        { path: "roleDefinitionId", source: DOC.customRoles },
        { path: "scope", source: DOC.customRoles },
      ],
      inUseBy: [{ by: ROLE_ASSIGNMENT, field: "roleDefinitionId", error: "RoleDefinitionHasAssignments: There are existing role assignments referencing role", source: DOC.rbacCustomDelete }],
      notes: [`the role name is unique in the tenant ([source](${DOC.customRoles}))`],
      beforeCreate: roleDefinitionProblem,
    },
    [SERVER]: {
      title: "PostgreSQL flexible server",
      source: DOC.pgNetwork,
      identity: { field: "serverName", scope: "global", source: DOC.names },
      checks: [
        nameCheck("serverName", 3, 63, /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, DOC.names),
        nameCheck("administratorLogin", 1, 63, /^[A-Za-z_][A-Za-z0-9_]*$/, DOC.pgAdmin, (n) => (PG_RESERVED_LOGINS.includes(n.toLowerCase()) || n.toLowerCase().startsWith("pg_") ? `"${n}" is reserved` : undefined)),
        range("backup.backupRetentionDays", 7, 35, DOC.pgBackup),
        { path: "storage.storageSizeGB", source: DOC.pgStorage, test: (v) => (v === undefined || PG_STORAGE_SIZES.includes(Number(v)) ? undefined : `${v} GB is not a Premium SSD size (${PG_STORAGE_SIZES.join(", ")})`) },
        oneOf("sku.tier", ["Burstable", "GeneralPurpose", "MemoryOptimized"], DOC.pgLimits),
        {
          path: "*",
          source: DOC.pgHa,
          test: (v) => {
            const i = v as { sku?: { name?: string; tier?: string }; highAvailability?: { mode?: string } };
            if (i.sku?.tier === "Burstable" && i.highAvailability?.mode && i.highAvailability.mode !== "Disabled") return "high availability is not supported on the Burstable tier";
            if (i.sku?.name && i.sku.tier && /^Standard_B/.test(i.sku.name) !== (i.sku.tier === "Burstable")) return `SKU ${i.sku.name} is not in tier ${i.sku.tier}`;
            return undefined;
          },
        },
      ],
      replaceOn: [
        { path: "serverName", source: DOC.names },
        location(DOC.pgNetwork),
        { path: "administratorLogin", source: DOC.pgAdmin },
        // "You can't change your networking option after the server is created."
        { path: "network.delegatedSubnetResourceId", source: DOC.pgNetworkingChoice },
        { path: "network.publicNetworkAccess", source: DOC.pgNetworkingChoice },
        // Geo-redundant backup storage can only be chosen when the server is created.
        { path: "backup.geoRedundantBackup", source: DOC.pgBackup },
        { path: "storage.type", source: DOC.pgStorage },
      ],
      notes: [
        `storage can grow but never shrink, and auto-grow grows it by itself ([source](${DOC.pgStorage}))`,
        `a new SKU (vCores or compute tier) restarts the server when it is applied, at once, not in the maintenance window: no new connections meanwhile and uncommitted transactions rolled back, typically a minute or less ([source](${DOC.pgScaling}))`,
        `a major version can be upgraded in place but never downgraded ([source](${DOC.pgUpgrade}))`,
        `the delegated subnet must reach Azure Storage (WAL archiving and backups): default outbound access, a NAT gateway or a Microsoft.Storage service endpoint ([source](${DOC.pgNetwork}))`,
        `the private DNS zone can change in place, except with high availability on ([source](${DOC.pgNetwork}))`,
        `createMode Default (or Create, Update) on an existing server updates it; a restore or replica mode applies only when a server is created ([source](${DOC.pgCreateMode}))`,
        `one operation at a time per server: a change to it or to one of its parameters, databases or administrators while another runs fails with ConflictingServerOperation ([source](${DOC.pgConflict}))`,
        `the reserved subnet names (AzureFirewallSubnet, AzureFirewallManagementSubnet, AzureBastionSubnet, GatewaySubnet) cannot hold a server ([source](${DOC.pgReservedSubnets}))`,
        `Microsoft Entra authentication needs a tenant and a way out of the subnet to Entra ID ([source](${DOC.pgNetwork}))`,
      ],
      beforeCreate: (obj, ctx) => pgCreateProblem(obj, ctx) ?? conflictingServerOperation(obj, ctx),
      beforeUpdate: (next, previous, ctx) => {
        const zone = (o: CloudObject) => (o.inputs.network as { privateDnsZoneArmResourceId?: string } | undefined)?.privateDnsZoneArmResourceId;
        const ha = (previous.inputs.highAvailability as { mode?: string } | undefined)?.mode;
        if (zone(next) !== zone(previous) && ha && ha !== "Disabled") return `the private DNS zone cannot change while high availability is on [${DOC.pgNetwork}]`;
        const mode = (o: CloudObject) => String(o.inputs.createMode ?? "Default");
        if (mode(next) !== mode(previous) && !["Default", "Create", "Update"].includes(mode(next))) return `createMode ${mode(next)} applies only when a server is created; on an existing server it cannot change [${DOC.pgCreateMode}]`;
        return pgUpdateProblem(next, previous) ?? conflictingServerOperation(next, ctx);
      },
      afterDelete: leaveServiceLink((o) => [(o.inputs.network as { delegatedSubnetResourceId?: string } | undefined)?.delegatedSubnetResourceId], "PostgreSQL flexible server"),
    },
    "azure-native:dbforpostgresql:Database": {
      title: "PostgreSQL database",
      source: DOC.pgLimits,
      identity: { field: "databaseName", scope: { within: "serverName" }, source: DOC.pgLimits },
      checks: [nameCheck("databaseName", 1, 63, /^[A-Za-z_][A-Za-z0-9_$-]*$/, DOC.pgLimits)],
      replaceOn: ["databaseName", "serverName", "charset", "collation"].map((path) => ({ path, source: DOC.pgLimits })),
      beforeCreate: conflictingServerOperation,
      beforeUpdate: (next, _previous, ctx) => conflictingServerOperation(next, ctx),
    },
    [PG_ADMINISTRATOR]: {
      title: "PostgreSQL Microsoft Entra administrator",
      source: DOC.pgEntra,
      identity: { field: "objectId", scope: { within: "serverName" }, caseInsensitive: true, source: DOC.pgEntra },
      checks: [oneOf("principalType", ["User", "Group", "ServicePrincipal", "Unknown"], DOC.pgEntra)],
      replaceOn: ["objectId", "serverName"].map((path) => ({ path, source: DOC.pgEntra })),
      notes: [`needs Microsoft Entra authentication on the server ([source](${DOC.pgEntra}))`],
      beforeCreate: (obj, ctx) => {
        const server = referenced(obj, "serverName", ctx, SERVER)[0];
        const auth = server?.inputs.authConfig as { activeDirectoryAuth?: string } | undefined;
        if (server && auth?.activeDirectoryAuth !== "Enabled") return `the server ${server.name} does not have Microsoft Entra authentication on [${DOC.pgEntra}]`;
        return conflictingServerOperation(obj, ctx);
      },
      beforeUpdate: (next, _previous, ctx) => conflictingServerOperation(next, ctx),
    },
    "azure-native:dbforpostgresql:Configuration": {
      title: "PostgreSQL server parameter",
      source: DOC.pgLimits,
      replaceOn: [
        { path: "configurationName", source: DOC.pgLimits },
        { path: "serverName", source: DOC.pgLimits },
      ],
      checks: [oneOf("source", ["user-override", "system-default"], DOC.pgLimits)],
      notes: [
        `wal_level logical is what logical replication needs; it is a static parameter, applied when the server restarts (the default max_replication_slots and max_wal_senders, 10 each, are enough for one replication and its way back); the user that replicates needs the REPLICATION attribute (\`ALTER ROLE <admin> WITH REPLICATION\`) ([source](${DOC.pgLogical}))`,
        `the administrator (a member of azure_pg_admin, with CREATEROLE and CREATEDB) may set and drop REPLICATION on itself: Freehold's role job runs \`ALTER ROLE <admin> WITH REPLICATION\` with \`replication: logical\` and \`WITH NOREPLICATION\` with \`off\`, so the live exit needs no permission granted by hand ([source](${DOC.pgLogical}); [access control](${DOC.pgAccess}))`,
        `from PostgreSQL 16 a non-superuser needs pg_create_subscription (and CREATE on the database) to CREATE SUBSCRIPTION: the role job grants it to the administrator with \`replication: logical\` where it may, and warns where it may not ([source](${DOC.pgSubscriptionRole}))`,
      ],
      beforeCreate: conflictingServerOperation,
      beforeUpdate: (next, _previous, ctx) => conflictingServerOperation(next, ctx),
    },
    [STORAGE]: {
      title: "storage account",
      source: DOC.names,
      identity: { field: "accountName", scope: "global", source: DOC.names },
      checks: [nameCheck("accountName", 3, 24, /^[a-z0-9]+$/, DOC.names), oneOf("minimumTlsVersion", ["TLS1_0", "TLS1_1", "TLS1_2", "TLS1_3"], DOC.names)],
      replaceOn: [
        { path: "accountName", source: DOC.names },
        location(DOC.names),
        // Infrastructure encryption "can only be enabled when you create the account".
        { path: "encryption.requireInfrastructureEncryption", source: DOC.storageInfraEnc },
        { path: "isHnsEnabled", source: DOC.names },
      ],
      notes: [
        `a change to or from zone-redundant storage is a conversion, not an update ([source](${DOC.storageRedundancy}))`,
        `a virtual network rule names a subnet with a Microsoft.Storage service endpoint ([source](${DOC.storageNetwork}))`,
      ],
      beforeCreate: storageNetworkProblem,
      beforeUpdate: (next, previous, ctx) => {
        const network = storageNetworkProblem(next, ctx);
        if (network) return network;
        const sku = (o: CloudObject) => String((o.inputs.sku as { name?: string } | undefined)?.name ?? "");
        const zrs = (s: string) => /ZRS$/.test(s);
        return zrs(sku(next)) !== zrs(sku(previous)) ? `changing ${sku(previous)} to ${sku(next)} needs a conversion request or migration, not an update [${DOC.storageRedundancy}]` : undefined;
      },
    },
    "azure-native:storage:BlobServiceProperties": {
      title: "blob service settings",
      source: DOC.cors,
      checks: [
        oneOf("blobServicesName", ["default"], DOC.names),
        range("deleteRetentionPolicy.days", 1, 365, DOC.blobSoftDelete),
        range("containerDeleteRetentionPolicy.days", 1, 365, DOC.blobSoftDelete),
        { path: "cors.corsRules", source: DOC.cors, test: (v) => (Array.isArray(v) && v.length > 5 ? `${v.length} CORS rules; at most 5 per service` : undefined) },
        {
          path: "cors.corsRules",
          source: DOC.cors,
          // "The maximum size of all CORS rules settings on the request, excluding XML tags, should not exceed 2 KiB."
          test: (v) => {
            const rules = Array.isArray(v) ? (v as Array<Record<string, unknown>>) : [];
            const size = rules.reduce((n, r) => n + (["allowedOrigins", "allowedMethods", "allowedHeaders", "exposedHeaders"] as const).map((k) => ((r[k] ?? []) as string[]).join(",")).join("").length + String(r.maxAgeInSeconds ?? "").length, 0);
            return size > 2048 ? `the CORS rules come to ${size} characters; at most 2 KiB per service` : undefined;
          },
        },
        {
          path: "cors.corsRules[].allowedOrigins[]",
          source: DOC.cors,
          test: (v) => (typeof v === "string" && v.length > 256 ? `origin of ${v.length} characters; at most 256` : undefined),
        },
        oneOf("cors.corsRules[].allowedMethods[]", ["DELETE", "GET", "HEAD", "MERGE", "POST", "OPTIONS", "PUT", "PATCH", "CONNECT", "TRACE"], DOC.cors),
        {
          path: "cors.corsRules[]",
          source: DOC.cors,
          test: (v) => {
            const r = v as { allowedHeaders?: string[]; exposedHeaders?: string[] };
            const tooMany = (h: string[] = []) => h.filter((x) => !x.endsWith("*")).length > 64 || h.filter((x) => x.endsWith("*") && x !== "*").length > 2;
            return tooMany(r.allowedHeaders) || tooMany(r.exposedHeaders) ? "at most 64 literal and 2 prefixed headers per list" : undefined;
          },
        },
      ],
    },
    "azure-native:storage:BlobContainer": {
      title: "blob container",
      source: DOC.names,
      identity: { field: "containerName", scope: { within: "accountName" }, source: DOC.names },
      checks: [nameCheck("containerName", 3, 63, /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, DOC.names, noDoubleHyphen)],
      replaceOn: [
        { path: "containerName", source: DOC.names },
        { path: "accountName", source: DOC.names },
      ],
      notes: [`no public access level on a container of an account that disallows anonymous access ([source](${DOC.storageAnon}))`],
      beforeCreate: (obj, ctx) => {
        const account = (obj.references.accountName ?? []).map((k) => ctx.get(k)).find((o) => o?.type === STORAGE);
        return account?.inputs.allowBlobPublicAccess === false && obj.inputs.publicAccess && obj.inputs.publicAccess !== "None" ? `PublicAccessNotPermitted: public access is not permitted on this storage account [${DOC.storageAnon}]` : undefined;
      },
    },
    "azure-native:storage:ManagementPolicy": {
      title: "blob lifecycle management policy",
      source: DOC.lifecycle,
      checks: [
        oneOf("managementPolicyName", ["default"], DOC.lifecycle),
        { path: "policy.rules", source: DOC.lifecycle, test: (v) => (Array.isArray(v) && v.length > 100 ? `${v.length} rules; at most 100` : undefined) },
        nameCheck("policy.rules[].name", 1, 256, /^[A-Za-z0-9]+$/, DOC.lifecycle),
        { path: "policy.rules[].definition.filters.prefixMatch", source: DOC.lifecycle, test: (v) => (Array.isArray(v) && v.length > 10 ? `${v.length} prefixes; at most 10 per rule` : undefined) },
        {
          path: "policy.rules[].definition",
          source: DOC.lifecycle,
          test: (v) => {
            const d = v as { filters?: { blobTypes?: string[] }; actions?: { baseBlob?: Record<string, unknown>; version?: Record<string, unknown>; snapshot?: Record<string, unknown> } };
            const types = d.filters?.blobTypes ?? [];
            if (!types.length) return "blobTypes is required";
            if (types.some((t) => t !== "blockBlob" && t !== "appendBlob")) return `blobTypes ${types.join(", ")}: only blockBlob and appendBlob`;
            const tiering = Object.keys({ ...d.actions?.baseBlob, ...d.actions?.version, ...d.actions?.snapshot }).filter((a) => a !== "delete");
            return types.includes("appendBlob") && tiering.length ? `append blobs support only delete actions (not ${tiering.join(", ")})` : undefined;
          },
        },
      ],
      notes: [`rule names are unique in the policy ([source](${DOC.lifecycle}))`],
      beforeCreate: (obj) => duplicateRuleName(obj),
      beforeUpdate: (obj) => duplicateRuleName(obj),
    },
    [CONTAINER_APP]: {
      title: "container app",
      source: DOC.acaSecrets,
      identity: inGroup("containerAppName"),
      checks: [
        nameCheck("containerAppName", 2, 32, /^[a-z][a-z0-9-]*[a-z0-9]$/, DOC.names, noDoubleHyphen),
        { path: "template.containers", source: DOC.acaProbes, test: probeProblems },
        ...workloadChecks(),
        range("template.scale.minReplicas", 0, 1000, DOC.acaScale),
        range("template.scale.maxReplicas", 1, 1000, DOC.acaScale),
        {
          path: "template.scale",
          source: DOC.acaScale,
          test: (v) => {
            const s = v as { minReplicas?: number; maxReplicas?: number };
            return s.minReplicas !== undefined && s.maxReplicas !== undefined && s.minReplicas > s.maxReplicas ? `minReplicas ${s.minReplicas} is above maxReplicas ${s.maxReplicas}` : undefined;
          },
        },
      ],
      replaceOn: [
        { path: "containerAppName", source: DOC.names },
        location(DOC.acaEnv),
        // An app belongs to one environment for life.
        { path: "environmentId", source: DOC.acaEnv },
      ],
      readsThroughGrants: {
        when: (obj) => JSON.stringify((obj.inputs.configuration as { secrets?: unknown } | undefined)?.secrets ?? []).includes("keyVaultUrl"),
        source: DOC.acaSecrets,
      },
      notes: [`the workload profile must be one of the environment's ([source](${DOC.acaEnv}))`],
      beforeCreate: workloadProfileProblem,
      beforeUpdate: (next, _previous, ctx) => workloadProfileProblem(next, ctx),
    },
    [CERTIFICATE]: {
      title: "Container Apps managed certificate",
      source: DOC.acaDomains,
      identity: { field: "managedCertificateName", scope: { within: "environmentName" }, source: DOC.acaDomains },
      checks: [
        nameCheck("managedCertificateName", 1, 260, /^[A-Za-z0-9][A-Za-z0-9.-]*$/, DOC.acaDomains),
        oneOf("properties.domainControlValidation", ["CNAME", "HTTP", "TXT"], DOC.acaDomains),
      ],
      replaceOn: ["managedCertificateName", "environmentName", "properties.subjectName", "properties.domainControlValidation", "location"].map((path) => ({ path, source: DOC.acaDomains })),
      notes: [
        `issued only for a hostname already added to an app in the environment ([source](${DOC.acaCertRequires}))`,
        `cannot be deleted while a custom domain binds it: with binding type Auto the platform binds it to the app's hostname once issued (CertificateInUse) ([source](${DOC.acaCertInUse}))`,
      ],
      beforeCreate: certificateProblem,
      beforeDelete: certificateInUse,
    },
    [ENVIRONMENT]: {
      title: "Container Apps environment",
      source: DOC.acaEnv,
      identity: inGroup("environmentName"),
      checks: [nameCheck("environmentName", 2, 60, /^[a-z][a-z0-9-]*[a-z0-9]$/, DOC.names, noDoubleHyphen)],
      replaceOn: [
        { path: "environmentName", source: DOC.names },
        location(DOC.acaEnv),
        // The network, its accessibility and zone redundancy are set when the environment is created.
        { path: "vnetConfiguration.infrastructureSubnetId", source: DOC.acaVnet },
        { path: "vnetConfiguration.internal", source: DOC.acaVnet },
        { path: "zoneRedundant", source: DOC.acaZones },
        { path: "infrastructureResourceGroup", source: DOC.acaVnet },
      ],
      inUseBy: [
        { by: CONTAINER_APP, field: "environmentId", error: "ManagedEnvironmentHasContainerApps: the environment still has container apps", source: DOC.acaEnv },
        { by: JOB, field: "environmentId", error: "ManagedEnvironmentHasContainerApps: the environment still has container apps jobs", source: DOC.acaJobs },
      ],
      afterDelete: leaveServiceLink((o) => [(o.inputs.vnetConfiguration as { infrastructureSubnetId?: string } | undefined)?.infrastructureSubnetId], "Container Apps environment"),
      contains: (other, self) => other.type === CERTIFICATE && (other.references.environmentName ?? []).includes(self.key),
      notes: [`a subnet holds one environment ([source](${DOC.acaVnet}))`],
      beforeCreate: (obj, ctx) => {
        const subnet = (o: CloudObject) => (o.inputs.vnetConfiguration as { infrastructureSubnetId?: string } | undefined)?.infrastructureSubnetId;
        const vnets = (o: CloudObject) => JSON.stringify(o.references["vnetConfiguration.infrastructureSubnetId"] ?? o.references.vnetConfiguration ?? []);
        const other = live(ctx, ENVIRONMENT).find((o) => o.key !== obj.key && subnet(o) === subnet(obj) && vnets(o) === vnets(obj));
        return subnet(obj) && other ? `ManagedEnvironmentSubnetInUse: subnet ${subnetName(subnet(obj))} already holds environment ${other.name} [${DOC.acaVnet}]` : undefined;
      },
    },
    [VNET]: {
      title: "virtual network",
      source: DOC.vnetDelete,
      identity: inGroup("virtualNetworkName"),
      checks: [nameCheck("virtualNetworkName", 2, 64, /^[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9_]$/, DOC.names), { path: "*", source: DOC.subnets, test: (v) => subnetProblems(v as Record<string, unknown>) }],
      replaceOn: [{ path: "virtualNetworkName", source: DOC.names }, location(DOC.vnetDelete), inOtherGroup()],
      inUseBy: [
        { by: ENVIRONMENT, field: "vnetConfiguration", error: "InUseSubnetCannotBeDeleted: a subnet is in use by a Container Apps environment", source: DOC.vnetDelete },
        { by: SERVER, field: "network", error: "InUseSubnetCannotBeDeleted: a subnet is in use by a PostgreSQL flexible server", source: DOC.vnetDelete },
        { by: CONTAINER_GROUP, field: "subnetIds", error: "InUseSubnetCannotBeDeleted: a subnet is in use by a container group", source: DOC.vnetDelete },
        { by: "azure-native:privatedns:VirtualNetworkLink", field: "virtualNetwork", error: "InUseVirtualNetworkCannotBeDeleted: the network is linked to a private DNS zone", source: DOC.dnsLinks },
      ],
      notes: [
        `the subnets are defined inline, so the list is the whole truth: a subnet in use cannot be removed, re-addressed or re-delegated ([source](${DOC.subnets}))`,
        `a Container Apps environment, container group or flexible server deleted from a delegated subnet leaves a service association link on it for hours to days: meanwhile the subnet, its network and their resource group cannot be deleted ([source](${DOC.serviceLinks}))`,
        `a subnet's network security group cannot be deleted while the subnet uses it ([source](${DOC.nsg}))`,
      ],
      beforeDelete: (obj, ctx) => {
        const links = lingering(obj, ctx.now);
        return links.length ? serviceLinkError(obj, links) : undefined;
      },
      beforeUpdate: (next, previous, ctx) => {
        const gone = lingering(previous, ctx.now).filter((l) => {
          const after = subnetsOf(next).find((s) => s.name === l.subnet);
          const before = subnetsOf(previous).find((s) => s.name === l.subnet);
          return !after || after.addressPrefix !== before?.addressPrefix || JSON.stringify(after.delegations ?? []) !== JSON.stringify(before?.delegations ?? []);
        });
        if (gone.length) return serviceLinkError(previous, gone);
        for (const [name, users] of subnetsInUse(previous, ctx)) {
          const before = subnetsOf(previous).find((s) => s.name === name);
          const after = subnetsOf(next).find((s) => s.name === name);
          if (!after) return `InUseSubnetCannotBeDeleted: subnet ${name} is in use by ${users.join(", ")} [${DOC.vnetDelete}]`;
          if (before && (before.addressPrefix !== after.addressPrefix || JSON.stringify(before.delegations ?? []) !== JSON.stringify(after.delegations ?? []))) {
            return `InUseSubnetCannotBeUpdated: subnet ${name} is in use by ${users.join(", ")}; its address range and delegation cannot change [${DOC.subnets}]`;
          }
        }
        return undefined;
      },
    },
    "azure-native:privatedns:PrivateZone": {
      title: "private DNS zone",
      source: DOC.dnsLinks,
      identity: inGroup("privateZoneName"),
      checks: [
        nameCheck("privateZoneName", 3, 253, /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, DOC.names),
        oneOf("location", ["global"], DOC.dnsLinks),
      ],
      replaceOn: [{ path: "privateZoneName", source: DOC.names }],
      inUseBy: [
        { by: "azure-native:privatedns:VirtualNetworkLink", field: "privateZoneName", error: "The zone has virtual network links: delete them first", source: DOC.dnsLinks },
        { by: SERVER, field: "network", error: "The zone is in use by a PostgreSQL flexible server", source: DOC.pgNetwork },
      ],
      notes: [`a PostgreSQL zone must end in .postgres.database.azure.com ([source](${DOC.pgNetwork}))`],
    },
    "azure-native:privatedns:VirtualNetworkLink": {
      title: "private DNS zone virtual network link",
      source: DOC.dnsLinks,
      identity: { field: "virtualNetworkLinkName", scope: { within: "privateZoneName" }, source: DOC.dnsLinks },
      checks: [nameCheck("virtualNetworkLinkName", 1, 80, /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/, DOC.names), oneOf("location", ["global"], DOC.dnsLinks)],
      replaceOn: [
        { path: "virtualNetworkLinkName", source: DOC.names },
        { path: "privateZoneName", source: DOC.dnsLinks },
        { path: "virtualNetwork", source: DOC.dnsLinks },
      ],
      notes: [`a network is linked to a zone once ([source](${DOC.dnsLinks}))`],
      beforeCreate: (obj, ctx) => {
        const key = (o: CloudObject) => JSON.stringify([o.references.privateZoneName ?? [], o.references.virtualNetwork ?? [], o.inputs.virtualNetwork]);
        const other = live(ctx, obj.type).find((o) => o.key !== obj.key && key(o) === key(obj));
        return other ? `Conflict: the virtual network is already linked to this zone (${other.name}) [${DOC.dnsLinks}]` : undefined;
      },
    },
    [CONTAINER_GROUP]: {
      title: "container instance group (one-off container)",
      source: DOC.aciVnet,
      identity: inGroup("containerGroupName"),
      checks: [
        nameCheck("containerGroupName", 1, 63, /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, DOC.names),
        oneOf("restartPolicy", ["Always", "Never", "OnFailure"], DOC.aciRestart),
        oneOf("osType", ["Linux", "Windows"], DOC.aciVnet),
      ],
      // "Properties that require container delete": the OS, CPU and memory, the restart policy; the network with them.
      replaceOn: ["containerGroupName", "location", "osType", "restartPolicy", "sku", "subnetIds", "containers"].map((path) => ({ path, source: DOC.aciUpdate })),
      notes: [`in a network, only in a subnet delegated to Microsoft.ContainerInstance/containerGroups ([source](${DOC.aciVnet}))`, `with restart policy Never it runs once, when created ([source](${DOC.aciRestart}))`],
      beforeCreate: containerGroupProblem,
      afterDelete: leaveServiceLink((o) => ((o.inputs.subnetIds ?? []) as Array<{ id?: string }>).map((x) => x.id), "container group"),
    },
    "azure-native:operationalinsights:Workspace": {
      title: "Log Analytics workspace",
      source: DOC.names,
      identity: inGroup("workspaceName"),
      checks: [nameCheck("workspaceName", 4, 63, /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/, DOC.names), range("retentionInDays", 30, 730, DOC.workspace)],
      replaceOn: [{ path: "workspaceName", source: DOC.names }, location(DOC.names)],
    },
    [JOB]: {
      title: "Container Apps job",
      source: DOC.acaJobs,
      identity: inGroup("jobName"),
      checks: [
        nameCheck("jobName", 2, 32, /^[a-z][a-z0-9-]*[a-z0-9]$/, DOC.names, noDoubleHyphen),
        ...workloadChecks(),
        oneOf("configuration.triggerType", ["Manual", "Schedule", "Event"], DOC.acaJobs),
        range("configuration.replicaTimeout", 1, 86400, DOC.acaJobs),
        { path: "configuration", source: JOB_DOC.jobSettings, test: jobConfigurationProblem },
      ],
      replaceOn: [{ path: "jobName", source: DOC.names }, location(DOC.acaJobs), { path: "environmentId", source: DOC.acaJobs }],
      readsThroughGrants: {
        when: (obj) => JSON.stringify((obj.inputs.configuration as { secrets?: unknown } | undefined)?.secrets ?? []).includes("keyVaultUrl"),
        source: DOC.acaSecrets,
      },
      notes: [`a job belongs to one environment, on its workload profiles ([source](${DOC.acaJobs}))`, `a schedule trigger's cron is read in UTC ([source](${JOB_DOC.scheduled}))`],
      beforeCreate: workloadProfileProblem,
      beforeUpdate: (next, _previous, ctx) => workloadProfileProblem(next, ctx),
    },
    [SCRIPT]: {
      title: "deployment script (Azure CLI)",
      source: DOC.deploymentScripts,
      identity: inGroup("scriptName"),
      checks: [
        nameCheck("scriptName", 1, 90, /^[-\w._()]+$/, DOC.names),
        oneOf("cleanupPreference", ["Always", "OnSuccess", "OnExpiration"], DOC.deploymentScripts),
        { path: "azCliVersion", source: DOC.deploymentScripts, test: (v) => (typeof v === "string" && /^2\.\d+\.\d+$/.test(v) ? undefined : `${JSON.stringify(v)} is not an Azure CLI version (2.x.y)`) },
        {
          path: "retentionInterval",
          source: DOC.deploymentScripts,
          test: (v) => {
            const h = typeof v === "string" ? v.match(/^P(?:(\d+)D)?(?:T(?:(\d+)H)?)?$/) : null;
            const hours = h ? Number(h[1] ?? 0) * 24 + Number(h[2] ?? 0) : Number.NaN;
            return hours >= 1 && hours <= 26 ? undefined : `${JSON.stringify(v)} is not between 1 and 26 hours (PT1H to PT26H)`;
          },
        },
        { path: "*", source: DOC.deploymentScripts, test: (v) => ((v as { scriptContent?: string }).scriptContent?.match(/\baz\b/) && !(v as { identity?: unknown }).identity ? "the script calls Azure but the deployment script has no managed identity to sign in with" : undefined) },
      ],
      replaceOn: [{ path: "scriptName", source: DOC.names }, location(DOC.deploymentScripts), { path: "kind", source: DOC.deploymentScripts }],
      // The script signs in with its identity: the identity's grants must have taken effect when it runs.
      readsThroughGrants: { source: DOC.deploymentScripts },
      notes: [
        `the resource operation ends when the script ends, and fails when the script exits non-zero: the deployment fails with it ([source](${DOC.deploymentScripts}))`,
        `it runs again when it changes (forceUpdateTag), and deletes itself retentionInterval after it ends (1-26 hours) ([source](${DOC.deploymentScripts})): a refresh then drops it from the state and the next up runs it again, so what it does must be repeatable`,
      ],
    },
    [DIAGNOSTICS]: {
      title: "diagnostic setting",
      source: DOC.diagnostics,
      identity: { field: "name", scope: (obj) => `resource:${(obj.references.resourceUri ?? []).join(",")}:${JSON.stringify(obj.inputs.resourceUri)}`, caseInsensitive: true, source: DOC.diagnostics },
      checks: [nameCheck("name", 1, 260, /^[^<>*%&:\\?/+]+$/, DOC.diagnostics)],
      replaceOn: [
        { path: "name", source: DOC.diagnostics },
        { path: "resourceUri", source: DOC.diagnostics },
      ],
      notes: [`at most 5 diagnostic settings per resource, and a log category goes to a destination once ([source](${DOC.diagnostics}))`],
      beforeCreate: (obj, ctx) => {
        const same = live(ctx, DIAGNOSTICS).filter((o) => o.key !== obj.key && JSON.stringify(o.inputs.resourceUri) === JSON.stringify(obj.inputs.resourceUri) && JSON.stringify(o.references.resourceUri ?? []) === JSON.stringify(obj.references.resourceUri ?? []));
        if (same.length >= 5) return `a resource takes at most 5 diagnostic settings [${DOC.diagnostics}]`;
        const categories = (o: CloudObject) => ((o.inputs.logs ?? []) as Array<{ category?: string }>).map((l) => l.category);
        const dup = same.find((o) => JSON.stringify(o.inputs.workspaceId) === JSON.stringify(obj.inputs.workspaceId) && categories(o).some((c) => categories(obj).includes(c)));
        return dup ? `a log category of this resource already goes to that workspace (diagnostic setting ${dup.name}) [${DOC.diagnostics}]` : undefined;
      },
    },
    [NSG]: {
      title: "network security group",
      source: DOC.nsg,
      identity: inGroup("networkSecurityGroupName"),
      checks: [nameCheck("networkSecurityGroupName", 1, 80, /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/, DOC.names), range("securityRules[].priority", 100, 4096, DOC.nsg)],
      replaceOn: [{ path: "networkSecurityGroupName", source: DOC.names }, location(DOC.nsg), inOtherGroup()],
      inUseBy: [{ by: VNET, field: "subnets", error: "InUseNetworkSecurityGroupCannotBeDeleted: the network security group is associated with a subnet", source: DOC.nsg }],
    },
    [BACKUP_VAULT]: {
      title: "Backup vault",
      source: DOC.backupVault,
      identity: inGroup("vaultName"),
      checks: [nameCheck("vaultName", 2, 50, /^[A-Za-z][A-Za-z0-9-]*$/, DOC.names)],
      replaceOn: [{ path: "vaultName", source: DOC.names }, location(DOC.backupVault), { path: "properties.storageSettings", source: DOC.backupVault }],
      inUseBy: [{ by: BACKUP_INSTANCE, field: "vaultName", error: "a Backup vault with backup instances (protected items) cannot be deleted: stop protection and delete the backups first", source: DOC.backupVaultDelete }],
    },
    [BACKUP_POLICY]: {
      title: "Backup policy",
      source: DOC.backupVault,
      identity: { field: "backupPolicyName", scope: { within: "vaultName" }, source: DOC.backupVault },
      replaceOn: ["backupPolicyName", "vaultName", "properties"].map((path) => ({ path, source: DOC.backupVault })),
      inUseBy: [{ by: BACKUP_INSTANCE, field: "properties", error: "the policy protects backup instances", source: DOC.backupVault }],
      notes: [`an existing policy cannot be changed: a new one is made and assigned ([source](${DOC.backupVault}))`],
    },
    [BACKUP_INSTANCE]: {
      title: "Backup instance",
      source: DOC.backupVault,
      identity: { field: "backupInstanceName", scope: { within: "vaultName" }, source: DOC.backupVault },
      replaceOn: ["backupInstanceName", "vaultName", "properties.dataSourceInfo"].map((path) => ({ path, source: DOC.backupVault })),
      // The vault checks, when the instance is configured, that its identity may read and back up the server.
      readsThroughGrants: { source: DOC.backupVault },
      notes: [`deleting a backup instance deletes its backups (after the vault's soft delete); keeping them means keeping the instance ([source](${DOC.backupVault}))`],
    },
    [IDENTITY]: {
      title: "user-assigned managed identity",
      source: DOC.names,
      identity: inGroup("resourceName"),
      checks: [nameCheck("resourceName", 3, 128, /^[A-Za-z0-9][A-Za-z0-9_-]*$/, DOC.names)],
      replaceOn: [{ path: "resourceName", source: DOC.names }, location(DOC.names)],
    },
  },
};

/** A storage account's virtual network rules name subnets with a Microsoft.Storage service endpoint (where the network is in the world). */
function storageNetworkProblem(obj: CloudObject, ctx: RuleContext): string | undefined {
  const rules = ((obj.inputs.networkRuleSet as { virtualNetworkRules?: Array<{ virtualNetworkResourceId?: string }> } | undefined)?.virtualNetworkRules ?? []) as Array<{ virtualNetworkResourceId?: string }>;
  for (const vnet of referenced(obj, "networkRuleSet", ctx, VNET)) {
    for (const r of rules) {
      const subnet = subnetsOf(vnet).find((x) => x.name === subnetName(r.virtualNetworkResourceId));
      if (subnet && !(subnet.serviceEndpoints ?? []).some((e) => e.service?.startsWith("Microsoft.Storage"))) {
        return `NetworkAclsValidationFailure: subnet ${subnet.name} of ${vnet.name} has no Microsoft.Storage service endpoint, so a virtual network rule cannot name it [${DOC.storageNetwork}]`;
      }
    }
  }
  return undefined;
}

function duplicateRuleName(obj: CloudObject): string | undefined {
  const names = (((obj.inputs.policy as { rules?: Array<{ name?: string }> } | undefined)?.rules ?? []) as Array<{ name?: string }>).map((r) => r.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  return dup ? `rule name ${dup} is used twice [${DOC.lifecycle}]` : undefined;
}

// ---- a landing zone's policies ------------------------------------------------------------------

/** A policy rule with the deny effect. */
function denyWhen(condition: Record<string, unknown>) {
  // biome-ignore lint/suspicious/noThenProperty: Azure Policy's rule format names its effect "then".
  return { if: condition, then: { effect: "deny" } };
}

/**
 * Policies a buyer's Azure landing zone commonly assigns at the subscription or management group, with the deny
 * effect, as Azure's built-in definitions write them (the Azure Landing Zones reference assigns each:
 * https://github.com/Azure/Enterprise-Scale/wiki/ALZ-Policies). A scenario seeds them to see what they refuse.
 */
export const LANDING_ZONE_POLICIES = {
  /** "Require a tag on resources" (built-in 871b6d14-10aa-478d-b590-94f262ecfa99), for a tag named cost-centre. */
  requiredTag: {
    displayName: "Require a tag on resources (cost-centre)",
    mode: "Indexed",
    policyRule: denyWhen({ field: "tags['cost-centre']", exists: "false" }),
  },
  /** "Allowed locations" (built-in e56962a6-4747-49cd-b67b-bf8b01975c4c), for the UK's two regions. */
  allowedLocations: {
    displayName: "Allowed locations (uksouth, ukwest)",
    mode: "Indexed",
    policyRule: denyWhen({ allOf: [{ field: "location", notIn: ["uksouth", "ukwest"] }, { field: "location", notEquals: "global" }, { field: "type", notEquals: "Microsoft.AzureActiveDirectory/b2cDirectories" }] }),
  },
  /** The public-network-access denials of the ALZ "Deny-PublicPaaSEndpoints" initiative for the services Freehold uses. */
  storagePublicAccess: {
    displayName: "Storage accounts should disable public network access",
    mode: "Indexed",
    policyRule: denyWhen({ allOf: [{ field: "type", equals: "Microsoft.Storage/storageAccounts" }, { field: "Microsoft.Storage/storageAccounts/publicNetworkAccess", notEquals: "Disabled" }] }),
  },
  postgresPublicAccess: {
    displayName: "Public network access should be disabled for PostgreSQL flexible servers",
    mode: "Indexed",
    policyRule: denyWhen({ allOf: [{ field: "type", equals: "Microsoft.DBforPostgreSQL/flexibleServers" }, { field: "Microsoft.DBforPostgreSQL/flexibleServers/network/publicNetworkAccess", notEquals: "Disabled" }] }),
  },
  keyVaultPublicAccess: {
    displayName: "Azure Key Vault should disable public network access",
    mode: "Indexed",
    policyRule: denyWhen({ allOf: [{ field: "type", equals: "Microsoft.KeyVault/vaults" }, { field: "Microsoft.KeyVault/vaults/publicNetworkAccess", notEquals: "Disabled" }] }),
  },
  containerAppsPublicAccess: {
    displayName: "Container Apps environment should disable public network access",
    mode: "Indexed",
    policyRule: denyWhen({ allOf: [{ field: "type", equals: "Microsoft.App/managedEnvironments" }, { field: "Microsoft.App/managedEnvironments/publicNetworkAccess", notEquals: "Disabled" }] }),
  },
} as const;

/** Assign landing-zone policies at the subscription, as objects no stack manages. */
export function seedLandingZone(world: { objects: Map<string, CloudObject> }, which: ReadonlyArray<keyof typeof LANDING_ZONE_POLICIES>, region = "uksouth"): void {
  for (const key of which) {
    const def = LANDING_ZONE_POLICIES[key];
    const base = { cloud: "azure" as const, region, status: "live" as const, createdAt: 0, facts: {}, references: {} };
    world.objects.set(`lz-def-${key}`, { ...base, key: `lz-def-${key}`, type: POLICY_DEFINITION, name: key, inputs: { ...def, policyType: "Custom" } });
    world.objects.set(`lz-assign-${key}`, {
      ...base,
      key: `lz-assign-${key}`,
      type: POLICY_ASSIGNMENT,
      name: `alz-${key}`,
      inputs: { scope: "/subscriptions/00000000-0000-4000-8000-000000000001", enforcementMode: "Default" },
      references: { policyDefinitionId: [`lz-def-${key}`] },
    });
  }
}

/** What the deny policies in force would refuse of an object, by policy display name (for the landing-zone scenario's report). */
export function refusedByPolicy(obj: CloudObject, ctx: RuleContext): string | undefined {
  return DENY.check?.(obj, ctx);
}
