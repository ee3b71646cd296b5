/**
 * What the identity that runs `pulumi up` needs on the project: the predefined
 * roles, what each is for, and the resources (provider `module.Class`, or
 * `module.*` for all of a module's) it lets the deployer manage. docs/gcp.md
 * lists the same roles; a test checks that every resource the backend can
 * register is covered by one, and that its API is one Freehold enables and the
 * docs name.
 */
import type { Api } from "./network";

export interface DeployerRole {
  roles: readonly string[];
  for: string;
  manages: readonly string[];
}

export const DEPLOYER_ROLES: readonly DeployerRole[] = [
  { roles: ["roles/serviceusage.serviceUsageAdmin", "roles/browser"], for: "enabling APIs; reading the project", manages: ["projects.Service", "projects.ServiceIdentity"] },
  {
    roles: ["roles/run.admin", "roles/iam.serviceAccountUser"],
    for: "Cloud Run services, jobs and worker pools, turning a public service's invoker check off, running them as their own service accounts",
    manages: ["cloudrunv2.*"],
  },
  { roles: ["roles/iam.serviceAccountAdmin", "roles/iam.roleAdmin"], for: "service accounts; the URL signer custom role", manages: ["serviceaccount.*", "projects.IAMCustomRole"] },
  { roles: ["roles/cloudsql.admin"], for: "Cloud SQL instances, databases, the administrator login", manages: ["sql.*"] },
  { roles: ["roles/secretmanager.admin"], for: "secrets, versions and their grants", manages: ["secretmanager.*"] },
  { roles: ["roles/storage.admin"], for: "buckets and their grants", manages: ["storage.*"] },
  { roles: ["roles/compute.networkAdmin", "roles/compute.loadBalancerAdmin", "roles/compute.securityAdmin"], for: "the network; load balancers; SSL and Cloud Armor policies", manages: ["compute.*"] },
  { roles: ["roles/dns.admin"], for: "each database's private zone", manages: ["dns.*"] },
  { roles: ["roles/certificatemanager.owner"], for: "certificates, DNS authorizations and certificate maps", manages: ["certificatemanager.*"] },
  { roles: ["roles/artifactregistry.admin"], for: "remote repositories", manages: ["artifactregistry.*"] },
  { roles: ["roles/logging.configWriter"], for: "the regional log bucket, sink and exclusion", manages: ["logging.*"] },
  // https://cloud.google.com/scheduler/docs/access-control: cloudscheduler.jobs.* is in Cloud Scheduler Admin, not in any Cloud Run role.
  { roles: ["roles/cloudscheduler.admin"], for: "a scheduled job's Cloud Scheduler job", manages: ["cloudscheduler.*"] },
];

/** The API a provider module's resources are created through (Cloud Resource Manager and Service Usage, which `projects` uses, are on before the first `up`). */
export const MODULE_APIS: Readonly<Record<string, Api | undefined>> = {
  artifactregistry: "artifactregistry",
  certificatemanager: "certificatemanager",
  cloudrunv2: "run",
  cloudscheduler: "cloudscheduler",
  compute: "compute",
  dns: "dns",
  logging: "logging",
  projects: undefined,
  secretmanager: "secretmanager",
  serviceaccount: "iam",
  sql: "sqladmin",
  storage: "storage",
};

/** The roles that let the deployer manage `module.Class`. */
export function rolesFor(resource: string): DeployerRole | undefined {
  const module = resource.split(".")[0];
  return DEPLOYER_ROLES.find((r) => r.manages.includes(resource) || r.manages.includes(`${module}.*`));
}
