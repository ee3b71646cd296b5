/**
 * The Azure rule book, from Azure Resource Manager and service documentation
 * (each rule names its page; the provider's create-only properties come from
 * the REST API specifications azure-native is generated from). Names are unique
 * per resource group unless a rule says the subscription or the whole of Azure.
 */
import { valueAt } from "../diff";
import type { Check, CloudObject, CloudRules, GlobalRule, RuleContext, TypeRule } from "../types";
import { COMPANIONS, nameCheck, noDoubleHyphen, sameRegion, textCheck } from "./common";
import { AZURE_WORKLOAD_RULES, CONTAINER_APPS_JOB } from "./azure-workloads";

const LEARN = "https://learn.microsoft.com/azure";
const DOC = {
  names: `${LEARN}/azure-resource-manager/management/resource-name-rules`,
  rgDelete: `${LEARN}/azure-resource-manager/management/delete-resource-group`,
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

/** The ARM resource type of each Pulumi type, as policy rules name them (`field: type`). */
const ARM_TYPES: Record<string, string> = {
  [RG]: "Microsoft.Resources/resourceGroups",
  [STORAGE]: "Microsoft.Storage/storageAccounts",
  [SERVER]: "Microsoft.DBforPostgreSQL/flexibleServers",
  "azure-native:keyvault:Vault": "Microsoft.KeyVault/vaults",
  [CONTAINER_APP]: "Microsoft.App/containerApps",
  [ENVIRONMENT]: "Microsoft.App/managedEnvironments",
  [VNET]: "Microsoft.Network/virtualNetworks",
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
const covers = (ext: CloudObject, obj: CloudObject, ctx: RuleContext) => scopeOf(ext, ctx).some((s) => s.key === obj.key || under(obj, s, ctx));
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

type Condition = { allOf?: Condition[]; anyOf?: Condition[]; not?: Condition; field?: string; equals?: unknown; notEquals?: unknown; in?: unknown[] };

/** The value a policy `field` names: `type`, `location`, `tags['x']` / `tags.x`. */
function fieldValue(field: string, obj: CloudObject): unknown {
  if (field === "type") return ARM_TYPES[obj.type] ?? obj.type;
  if (field === "location") return obj.region;
  const tag = field.match(/^tags(?:\['([^']+)'\]|\.(.+))$/);
  if (tag) return ((obj.inputs.tags ?? {}) as Record<string, unknown>)[(tag[1] ?? tag[2]) as string];
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
  return false;
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

/** Names Azure reserves for its own subnets. */
const RESERVED_SUBNETS = ["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "AzureBastionSubnet", "RouteServerSubnet"];

function subnetProblems(vnet: Record<string, unknown>): string | undefined {
  const space = ((vnet.addressSpace as { addressPrefixes?: string[] } | undefined)?.addressPrefixes ?? []).map(cidr).filter((x): x is { base: number; bits: number } => Boolean(x));
  const subnets = Array.isArray(vnet.subnets) ? (vnet.subnets as Subnet[]) : [];
  const seen: Array<{ name: string; net: { base: number; bits: number } }> = [];
  for (const s of subnets) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,78}[A-Za-z0-9_])?$/.test(s.name)) return `subnet name "${s.name}" is not 1-80 letters, digits, '.', '_' or '-' (starting alphanumeric, ending alphanumeric or '_')`;
    if (RESERVED_SUBNETS.includes(s.name)) return `subnet name "${s.name}" is reserved by Azure`;
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
  for (const vnet of referenced(obj, "network", ctx, VNET)) {
    const subnet = subnetsOf(vnet).find((s) => s.name === name);
    if (!subnet) return `the delegated subnet ${name} does not exist in ${vnet.name}`;
    if (!(subnet.delegations ?? []).some((d) => d.serviceName === "Microsoft.DBforPostgreSQL/flexibleServers")) return `subnet ${name} is not delegated to Microsoft.DBforPostgreSQL/flexibleServers [${DOC.pgNetwork}]`;
    if (!reachesStorage(subnet)) return `subnet ${name} has no path to Azure Storage (default outbound access off, no NAT gateway, no Microsoft.Storage service endpoint): the server archives WAL and backups to Azure Storage [${DOC.pgNetwork}]`;
  }
  return undefined;
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
  ingress?: { external?: boolean; targetPort?: number; customDomains?: Array<{ name?: string; bindingType?: string }> };
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

/** Role assignments, role definitions, locks and policies are not regional. */
const GLOBAL_TYPES = [ROLE_ASSIGNMENT, LOCK, ROLE_DEFINITION, POLICY_DEFINITION, POLICY_ASSIGNMENT];

const softDeleted: TypeRule["softDelete"] = { days: 90, purgeProtectionPath: "properties.enablePurgeProtection", source: DOC.kvSoftDelete };
const location = (source: string) => ({ path: "location", source });

export const AZURE_RULES: CloudRules = {
  cloud: "azure",
  packages: ["azure-native"],
  globalTypes: GLOBAL_TYPES,
  companions: COMPANIONS,
  propagation: {
    grants: [ROLE_ASSIGNMENT],
    identities: [IDENTITY],
    // "When you assign roles or remove role assignments, it can take up to 10 minutes for changes to take effect."
    seconds: RBAC_SECONDS,
    source: DOC.rbacDelay,
  },
  global: [TAGS, LOCKS, DENY_ACTION, sameRegion(GLOBAL_TYPES, DOC.regions)],
  types: {
    ...AZURE_WORKLOAD_RULES,
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
        nameCheck("lockName", 1, 260, /^[^<>*%&:\\?/+\p{Cc}]+$/u, DOC.locks),
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
        { path: "createMode", source: DOC.pgBackup },
      ],
      notes: [
        `storage can grow but never shrink, and auto-grow grows it by itself ([source](${DOC.pgStorage}))`,
        `a major version can be upgraded in place but never downgraded ([source](${DOC.pgUpgrade}))`,
        `the delegated subnet must reach Azure Storage (WAL archiving and backups): default outbound access, a NAT gateway or a Microsoft.Storage service endpoint ([source](${DOC.pgNetwork}))`,
        `the private DNS zone can change in place, except with high availability on ([source](${DOC.pgNetwork}))`,
      ],
      beforeCreate: pgCreateProblem,
      beforeUpdate: (next, previous) => {
        const zone = (o: CloudObject) => (o.inputs.network as { privateDnsZoneArmResourceId?: string } | undefined)?.privateDnsZoneArmResourceId;
        const ha = (previous.inputs.highAvailability as { mode?: string } | undefined)?.mode;
        if (zone(next) !== zone(previous) && ha && ha !== "Disabled") return `the private DNS zone cannot change while high availability is on [${DOC.pgNetwork}]`;
        return pgUpdateProblem(next, previous);
      },
    },
    "azure-native:dbforpostgresql:Database": {
      title: "PostgreSQL database",
      source: DOC.pgLimits,
      identity: { field: "databaseName", scope: { within: "serverName" }, source: DOC.pgLimits },
      checks: [nameCheck("databaseName", 1, 63, /^[A-Za-z_][A-Za-z0-9_$-]*$/, DOC.pgLimits)],
      replaceOn: ["databaseName", "serverName", "charset", "collation"].map((path) => ({ path, source: DOC.pgLimits })),
    },
    "azure-native:dbforpostgresql:Configuration": {
      title: "PostgreSQL server parameter",
      source: DOC.pgLimits,
      replaceOn: [
        { path: "configurationName", source: DOC.pgLimits },
        { path: "serverName", source: DOC.pgLimits },
      ],
      checks: [oneOf("source", ["user-override", "system-default"], DOC.pgLimits)],
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
      notes: [`a change to or from zone-redundant storage is a conversion, not an update ([source](${DOC.storageRedundancy}))`],
      beforeUpdate: (next, previous) => {
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
        { path: "template.containers", source: DOC.acaContainers, test: allocationProblems },
        { path: "configuration", source: DOC.acaSecrets, test: configurationProblems },
        { path: "*", source: DOC.acaEnvVars, test: (v) => envProblems((v as { template?: unknown }).template, (v as { configuration?: unknown }).configuration) },
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
      notes: [`issued only for a hostname already added to an app in the environment ([source](${DOC.acaCertRequires}))`],
      beforeCreate: certificateProblem,
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
        { by: CONTAINER_APPS_JOB, field: "environmentId", error: "the environment still has Container Apps jobs: delete them first", source: DOC.acaEnv },
      ],
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
      replaceOn: [{ path: "virtualNetworkName", source: DOC.names }, location(DOC.vnetDelete)],
      inUseBy: [
        { by: ENVIRONMENT, field: "vnetConfiguration", error: "InUseSubnetCannotBeDeleted: a subnet is in use by a Container Apps environment", source: DOC.vnetDelete },
        { by: SERVER, field: "network", error: "InUseSubnetCannotBeDeleted: a subnet is in use by a PostgreSQL flexible server", source: DOC.vnetDelete },
        { by: CONTAINER_GROUP, field: "subnetIds", error: "InUseSubnetCannotBeDeleted: a subnet is in use by a container group", source: DOC.vnetDelete },
        { by: "azure-native:privatedns:VirtualNetworkLink", field: "virtualNetwork", error: "InUseVirtualNetworkCannotBeDeleted: the network is linked to a private DNS zone", source: DOC.dnsLinks },
      ],
      notes: [`the subnets are defined inline, so the list is the whole truth: a subnet in use cannot be removed, re-addressed or re-delegated ([source](${DOC.subnets}))`],
      beforeUpdate: (next, previous, ctx) => {
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
    },
    "azure-native:operationalinsights:Workspace": {
      title: "Log Analytics workspace",
      source: DOC.names,
      identity: inGroup("workspaceName"),
      checks: [nameCheck("workspaceName", 4, 63, /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/, DOC.names), range("retentionInDays", 30, 730, DOC.workspace)],
      replaceOn: [{ path: "workspaceName", source: DOC.names }, location(DOC.names)],
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

function duplicateRuleName(obj: CloudObject): string | undefined {
  const names = (((obj.inputs.policy as { rules?: Array<{ name?: string }> } | undefined)?.rules ?? []) as Array<{ name?: string }>).map((r) => r.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  return dup ? `rule name ${dup} is used twice [${DOC.lifecycle}]` : undefined;
}
