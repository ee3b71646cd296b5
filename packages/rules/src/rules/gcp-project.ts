/**
 * The Google Cloud project the simulated stacks deploy into, as the world
 * carries it: which APIs are on and since when. Every Google Cloud resource
 * needs its service's API enabled; enabling an API through Pulumi reads the
 * project through the Cloud Resource Manager API; and a service agent gets its
 * roles when its API is enabled, which take as long to apply as any grant.
 */
import type { CloudObject, RuleContext } from "../types";

/** The pseudo-type of the project object (not a resource any program registers). */
export const PROJECT = "gcp:(project)";

export const DOC = {
  defaultApis: "https://cloud.google.com/service-usage/docs/enabled-service#default",
  disabled: "https://cloud.google.com/service-usage/docs/enable-disable",
  tfProjectService: "https://github.com/hashicorp/terraform-provider-google/blob/main/google/services/resourcemanager/resource_google_project_service.go",
  tfGetProject: "https://registry.terraform.io/providers/hashicorp/google/latest/docs/data-sources/project",
  serviceAgents: "https://cloud.google.com/iam/docs/service-agents",
  propagation: "https://cloud.google.com/iam/docs/access-change-propagation",
  domainRestricted: "https://cloud.google.com/resource-manager/docs/organization-policy/restricting-domains",
  resourceLocations: "https://cloud.google.com/resource-manager/docs/organization-policy/defining-locations",
  runIngress: "https://cloud.google.com/run/docs/securing/ingress#org-policy",
} as const;

/**
 * Organization policies a project can inherit that refuse what a stack asks
 * for (as list constraints; what a test seeds):
 * `iam.allowedPolicyMemberDomains` (domain-restricted sharing: no grant to
 * allUsers or allAuthenticatedUsers), `gcp.resourceLocations` (the locations
 * resources may be created in), `run.allowedIngress` (the Cloud Run ingress
 * settings allowed: all, internal, internal-and-cloud-load-balancing).
 */
export interface OrgPolicies {
  allowedPolicyMemberDomains?: readonly string[];
  resourceLocations?: readonly string[];
  runAllowedIngress?: ReadonlyArray<"all" | "internal" | "internal-and-cloud-load-balancing">;
}

/** APIs on in a project made with the console or gcloud (the Google Cloud default list). */
export const DEFAULT_APIS = [
  "analyticshub.googleapis.com",
  "bigquery.googleapis.com",
  "bigqueryconnection.googleapis.com",
  "bigquerydatapolicy.googleapis.com",
  "bigquerymigration.googleapis.com",
  "bigqueryreservation.googleapis.com",
  "bigquerystorage.googleapis.com",
  "cloudapis.googleapis.com",
  "clouddebugger.googleapis.com",
  "cloudtrace.googleapis.com",
  "dataform.googleapis.com",
  "dataplex.googleapis.com",
  "datastore.googleapis.com",
  "logging.googleapis.com",
  "monitoring.googleapis.com",
  "servicemanagement.googleapis.com",
  "serviceusage.googleapis.com",
  "sql-component.googleapis.com",
  "storage-api.googleapis.com",
  "storage-component.googleapis.com",
  "storage.googleapis.com",
] as const;

/** What docs/gcp.md asks to run before the first `up`: the project the scenarios deploy into has it. */
export const PREREQUISITES = ["cloudresourcemanager.googleapis.com", "serviceusage.googleapis.com"] as const;

const CRM = "cloudresourcemanager.googleapis.com";
/** Seconds a service agent's roles, granted when its API is enabled, can take to apply. */
export const AGENT_SECONDS = 420;

function newProject(enabled: readonly string[], orgPolicies: OrgPolicies = {}): CloudObject {
  return {
    key: "gcp-project",
    cloud: "gcp",
    type: PROJECT,
    inputs: {},
    references: {},
    region: "",
    status: "live",
    createdAt: 0,
    // Enabled before the world began.
    facts: { enabled: Object.fromEntries(enabled.map((a) => [a, -1e9])), orgPolicies },
  };
}

/** The project, made on first use with Google's default APIs and the documented prerequisites. */
export function project(ctx: RuleContext): CloudObject {
  const found = ctx.objects().find((o) => o.type === PROJECT);
  if (found) return found;
  const p = newProject([...DEFAULT_APIS, ...PREREQUISITES]);
  ctx.adopt(p);
  return p;
}

/** Seed a world with a project whose enabled APIs are exactly these (a fresh project: Google's defaults, without the prerequisites), under these organization policies. */
export function seedProject(world: { objects: Map<string, CloudObject> }, enabled: readonly string[] = DEFAULT_APIS, orgPolicies: OrgPolicies = {}): void {
  const p = newProject(enabled, orgPolicies);
  world.objects.set(p.key, p);
}

function enabledAt(ctx: RuleContext, api: string): number | undefined {
  return (project(ctx).facts.enabled as Record<string, number>)[api];
}

/** Google's answer to a call to an API that is off. */
export function disabledError(api: string): string {
  return `Error 403: ${api} has not been used in project before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/${api}/overview then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry., accessNotConfigured (SERVICE_DISABLED)`;
}

/** The error when an API is off, else undefined. */
export function apiOff(ctx: RuleContext, api: string): string | undefined {
  return enabledAt(ctx, api) === undefined ? disabledError(api) : undefined;
}

/** Reading the project (the getProject invoke, and every `projects.Service` read) goes through Cloud Resource Manager. */
export function projectReadFails(ctx: RuleContext): string | undefined {
  return apiOff(ctx, CRM);
}

/** Enabling an API: the provider reads the project through Cloud Resource Manager first; the API is then on (for good: Freehold never disables on destroy). */
export function enableApi(obj: CloudObject, ctx: RuleContext): string | undefined {
  const crm = projectReadFails(ctx);
  if (crm) return `${crm} [${DOC.tfProjectService}]`;
  const api = String(obj.inputs.service ?? "");
  const enabled = project(ctx).facts.enabled as Record<string, number>;
  if (enabled[api] === undefined) enabled[api] = obj.createdAt;
  return undefined;
}

/** A resource acting through its API's service agent, created before the agent's roles can have applied. */
export function agentNotReady(obj: CloudObject, ctx: RuleContext, api: string, what: string): string | undefined {
  const at = enabledAt(ctx, api);
  if (at === undefined) return undefined;
  const start = (obj.facts.changedAt as number | undefined) ?? obj.createdAt;
  const age = start - at;
  return age < AGENT_SECONDS
    ? `${what} started ${Math.round(age)} s after ${api} was enabled, but its service agent's roles (granted when the API is enabled) can take up to ${AGENT_SECONDS} s to apply: the first call fails with a permission error. Wait after enabling the API [${DOC.serviceAgents}; ${DOC.propagation}]`
    : undefined;
}

const INGRESS: Record<string, string> = { INGRESS_TRAFFIC_ALL: "all", INGRESS_TRAFFIC_INTERNAL_ONLY: "internal", INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER: "internal-and-cloud-load-balancing" };
const PUBLIC_MEMBERS = new Set(["allUsers", "allAuthenticatedUsers"]);
/** Where each location-bound type says where it is: its region, or its secret replicas. */
function locationsOf(obj: CloudObject, types: { secret: string; located: readonly string[] }): string[] {
  if (obj.type === types.secret) {
    const replicas = (obj.inputs.replication as { userManaged?: { replicas?: Array<{ location?: string }> }; auto?: unknown } | undefined) ?? {};
    return replicas.userManaged ? (replicas.userManaged.replicas ?? []).map((r) => String(r.location ?? "").toLowerCase()) : ["global"];
  }
  return types.located.includes(obj.type) ? [obj.region] : [];
}

/** The organization policy a create or update breaks, as Google answers it; undefined when it breaks none. */
export function orgPolicyViolation(obj: CloudObject, ctx: RuleContext, types: { iamMembers: readonly string[]; run: string; secret: string; located: readonly string[] }): string | undefined {
  const policies = (project(ctx).facts.orgPolicies ?? {}) as OrgPolicies;
  if (policies.allowedPolicyMemberDomains && types.iamMembers.includes(obj.type) && PUBLIC_MEMBERS.has(String(obj.inputs.member ?? ""))) {
    return `Error 400: One or more users named in the policy do not belong to a permitted customer, perhaps due to an organization policy (constraints/iam.allowedPolicyMemberDomains refuses ${String(obj.inputs.member)}) [${DOC.domainRestricted}]`;
  }
  if (policies.runAllowedIngress && obj.type === types.run) {
    const ingress = INGRESS[String(obj.inputs.ingress ?? "INGRESS_TRAFFIC_ALL")] ?? "all";
    if (!policies.runAllowedIngress.includes(ingress as "all")) return `Error 400: Violation of constraint constraints/run.allowedIngress: ingress "${ingress}" is not allowed (allowed: ${policies.runAllowedIngress.join(", ")}) [${DOC.runIngress}]`;
  }
  if (policies.resourceLocations) {
    const outside = locationsOf(obj, types).filter((l) => l && !policies.resourceLocations?.includes(l));
    if (outside.length) return `Error 400: Location ${outside.join(", ")} violates constraint constraints/gcp.resourceLocations (allowed: ${policies.resourceLocations.join(", ")}) [${DOC.resourceLocations}]`;
  }
  return undefined;
}
