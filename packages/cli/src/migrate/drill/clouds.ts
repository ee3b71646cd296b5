/**
 * What the exit drill needs to set a local PostgreSQL up the way each cloud's
 * managed server is set up, read from the plan the backend made (its
 * administrator's name, the role job it deploys with that job's command and
 * environment, its server parameters), plus what the cloud itself does and no
 * plan shows: the administrator's attributes and group, and who owns a
 * database the cloud's API creates. Nothing here re-derives what a backend
 * does: the role job's script is the planned resource's own command.
 */
import { APP_ROLES, type AppRole, DATABASE_CA_PATH, ROLE_VERIFIER_ENV } from "@freehold/core";
import type { Cloud } from "@freehold/model";
import type { HostedPlan } from "../../plan/contract";

/** What the cloud gives its administrator login, which no plan shows. */
export interface CloudStandIn {
  cloud: Cloud;
  /** The group role the cloud makes the administrator a member of, and its attributes. */
  group: { name: string; attributes: string };
  /** The administrator's own attributes. */
  adminAttributes: string;
  /** Who owns a database the cloud creates: the administrator itself, or the group. */
  databaseOwner: "admin" | "group";
  source: string;
}

export const STAND_INS: Readonly<Record<Cloud, CloudStandIn>> = {
  aws: {
    cloud: "aws",
    group: { name: "rds_superuser", attributes: "NOLOGIN" },
    adminAttributes: "LOGIN CREATEROLE CREATEDB",
    databaseOwner: "admin",
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.html (the master user: CREATEROLE, CREATEDB, a member of rds_superuser; it owns the instance's initial database)",
  },
  azure: {
    cloud: "azure",
    group: { name: "azure_pg_admin", attributes: "NOLOGIN" },
    adminAttributes: "LOGIN CREATEROLE CREATEDB REPLICATION",
    databaseOwner: "group",
    source: "https://learn.microsoft.com/azure/postgresql/security/security-access-control (the administrator: CREATEROLE, CREATEDB, REPLICATION, a member of azure_pg_admin; a database created through the API belongs to azure_pg_admin)",
  },
  gcp: {
    cloud: "gcp",
    group: { name: "cloudsqlsuperuser", attributes: "NOLOGIN CREATEROLE CREATEDB" },
    adminAttributes: "LOGIN CREATEROLE CREATEDB",
    databaseOwner: "group",
    source: "https://cloud.google.com/sql/docs/postgres/users (a user created through the Cloud SQL API: CREATEROLE, CREATEDB, a member of cloudsqlsuperuser, which owns databases created through the API)",
  },
};

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** SQL the cloud's own operator (the server's superuser) runs once per server: the group and the administrator, whose password is set from its SCRAM verifier. */
export function operatorSql(s: CloudStandIn, admin: string, adminVerifier: string): string {
  return `CREATE ROLE ${ident(s.group.name)} ${s.group.attributes};\nCREATE ROLE ${ident(admin)} ${s.adminAttributes} IN ROLE ${ident(s.group.name)} PASSWORD ${literal(adminVerifier)};\n`;
}

/** SQL the cloud's API runs to create the application's database. */
export function createDatabaseSql(s: CloudStandIn, admin: string, database: string): string {
  return `CREATE DATABASE ${ident(database)} OWNER ${ident(s.databaseOwner === "admin" ? admin : s.group.name)} ENCODING 'UTF8' TEMPLATE template0;\n`;
}

/** A role job as the plan has it: its shell command (`sh -c`) and environment (secret values are not in a plan, only their names). */
export interface PlannedRoleJob {
  /** The planned resource and container it comes from. */
  resource: string;
  command: string;
  env: Array<{ name: string; value?: string; secret: boolean }>;
  /** How an operator runs it again (the runbook's step after a restore). */
  rerun: string;
}

type Inputs = Record<string, unknown>;
const arr = (x: unknown): Inputs[] => (Array.isArray(x) ? (x as Inputs[]) : []);
const str = (x: unknown): string => (typeof x === "string" ? x : "");

/** The role jobs a plan deploys, per cloud: the ECS setup containers, the Azure Container Apps job, the Cloud Run job. */
export function plannedRoleJobs(plan: HostedPlan): PlannedRoleJob[] {
  const jobs: PlannedRoleJob[] = [];
  for (const r of plan.resources) {
    const inputs = r.inputs as Inputs;
    if (r.type === "aws:ecs/taskDefinition:TaskDefinition") {
      const family = str(inputs.family);
      const service = plan.resources.find((s) => s.type === "aws:ecs/service:Service" && JSON.stringify(s.inputs).includes(family));
      for (const c of arr(typeof inputs.containerDefinitions === "string" ? JSON.parse(inputs.containerDefinitions) : [])) {
        const command = arr(c.command) as unknown as string[];
        if (!(command[2] ?? "").includes("psql")) continue;
        const svc = (service?.inputs ?? {}) as Inputs;
        jobs.push({
          resource: `${r.type} ${r.name}, container ${str(c.name)}`,
          command: command[2] as string,
          env: [...arr(c.environment).map((e) => ({ name: str(e.name), value: str(e.value), secret: false })), ...arr(c.secrets).map((e) => ({ name: str(e.name), secret: true }))],
          rerun: `aws ecs update-service --region ${plan.region} --cluster ${str(svc.cluster).split("/").pop()} --service ${str(svc.name) || "<the linked service>"} --force-new-deployment (each new task's ${str(c.name)} container runs the role script before the application starts)`,
        });
      }
    } else if (r.type === "azure-native:app:Job") {
      for (const c of arr((inputs.template as Inputs | undefined)?.containers)) {
        const command = arr(c.command) as unknown as string[];
        if (!(command[2] ?? "").includes("psql")) continue;
        const rg = str(inputs.resourceGroupName);
        const job = str(inputs.jobName);
        jobs.push({
          resource: `${r.type} ${r.name}`,
          command: command[2] as string,
          env: arr(c.env).map((e) => (e.secretRef !== undefined ? { name: str(e.name), secret: true } : { name: str(e.name), value: str(e.value), secret: false })),
          rerun: `az containerapp job start -g ${rg} -n ${job} (then az containerapp job execution list -g ${rg} -n ${job} shows the run Succeeded, and its log "freehold: roles app and app_read ready")`,
        });
      }
    } else if (r.type === "gcp:cloudrunv2/job:Job") {
      const c = arr(((inputs.template as Inputs | undefined)?.template as Inputs | undefined)?.containers)[0];
      const args = arr(c?.args) as unknown as string[];
      if (!c || !(args[0] ?? "").includes("psql")) continue;
      jobs.push({
        resource: `${r.type} ${r.name}`,
        command: args[0] as string,
        env: arr(c.envs).map((e) => (e.valueSource !== undefined ? { name: str(e.name), secret: true } : { name: str(e.name), value: str(e.value), secret: false })),
        rerun: `gcloud run jobs execute ${str(inputs.name)} --region ${str(inputs.location)} --wait`,
      });
    }
  }
  return jobs;
}

/** Where a job's secrets come from in the drill: the administrator's password and the roles' verifiers. */
export interface JobSecrets {
  adminPassword: string;
  verifiers: Readonly<Record<AppRole, string>>;
}

const roleOf = (name: string | undefined): AppRole | undefined => (name === APP_ROLES.readWrite ? "readWrite" : name === APP_ROLES.read ? "read" : undefined);

/**
 * A planned job's environment with this machine's server in place of the
 * cloud's (every `*HOST`, `*PORT` and `*DATABASE` variable) and the secrets
 * the cloud would inject filled in, each by what the backend puts in that
 * secret: the administrator's password, a role's verifier, or (Google Cloud's
 * one secret, packages/gcp/src/db-role.ts) both verifiers separated by a space.
 */
export function jobEnvironment(job: PlannedRoleJob, server: { host: string; port: number; database: string; caFile?: string }, secrets: JobSecrets): Record<string, string> {
  const env: Record<string, string> = {};
  const plain = new Map(job.env.filter((e) => !e.secret).map((e) => [e.name, e.value ?? ""]));
  for (const e of job.env) {
    if (!e.secret) {
      env[e.name] = /(^PG|_)HOST$/.test(e.name) ? server.host : /(^PG|_)PORT$/.test(e.name) ? String(server.port) : /(^PG|_)DATABASE$/.test(e.name) ? server.database : (e.value ?? "");
      // A job that verifies the server (verify-full) reads the authorities from the file its container mounts at DATABASE_CA_PATH: here, the drill's CA.
      if (/SSLROOTCERT$/.test(e.name) && e.value === DATABASE_CA_PATH && server.caFile) env[e.name] = server.caFile;
      continue;
    }
    const numbered = /^FREEHOLD_(\d+)_(PASSWORD|VERIFIER)$/.exec(e.name);
    if (e.name === "PGPASSWORD" || numbered?.[2] === "PASSWORD") env[e.name] = secrets.adminPassword;
    else if (numbered?.[2] === "VERIFIER") {
      const role = roleOf(plain.get(`FREEHOLD_${numbered[1]}_ROLE`));
      if (!role) throw new Error(`${job.resource}: ${e.name} belongs to no known role`);
      env[e.name] = secrets.verifiers[role];
    } else if (e.name === ROLE_VERIFIER_ENV.readWrite) env[e.name] = secrets.verifiers.readWrite;
    else if (e.name === ROLE_VERIFIER_ENV.read) env[e.name] = secrets.verifiers.read;
    else if (e.name === "FREEHOLD_ROLE_VERIFIERS") env[e.name] = `${secrets.verifiers.readWrite} ${secrets.verifiers.read}`;
    else throw new Error(`${job.resource}: the drill does not know what the secret ${e.name} holds`);
  }
  return env;
}

/** The plan's server parameters, as a local server takes them: settings it can apply, whether TCP without TLS is refused, and what has no local meaning. */
export interface ServerParameters {
  settings: Record<string, string>;
  tlsOnly: boolean;
  applied: string[];
  notApplicable: string[];
}

/** Parameters that stand for "TLS required" on each cloud. */
const TLS_REQUIRED: Record<string, string> = { "rds.force_ssl=1": "aws", "require_secure_transport=on": "azure", "sslMode=ENCRYPTED_ONLY": "gcp", "sslMode=TRUSTED_CLIENT_CERTIFICATE_REQUIRED": "gcp" };

export function serverParameters(plan: HostedPlan): ServerParameters {
  const given: Array<[string, string]> = [];
  for (const r of plan.resources) {
    const i = r.inputs as Inputs;
    if (r.type === "aws:rds/parameterGroup:ParameterGroup") for (const p of arr(i.parameters)) given.push([str(p.name), str(p.value)]);
    if (r.type === "azure-native:dbforpostgresql:Configuration") given.push([str(i.configurationName), str(i.value)]);
    if (r.type === "gcp:sql/databaseInstance:DatabaseInstance") {
      const settings = (i.settings ?? {}) as Inputs;
      for (const f of arr(settings.databaseFlags)) given.push([str(f.name), str(f.value)]);
      const ssl = str(((settings.ipConfiguration ?? {}) as Inputs).sslMode);
      if (ssl) given.push(["sslMode", ssl]);
    }
  }
  const out: ServerParameters = { settings: {}, tlsOnly: false, applied: [], notApplicable: [] };
  for (const [name, value] of given) {
    if (TLS_REQUIRED[`${name}=${value}`]) {
      out.tlsOnly = true;
      out.applied.push(`${name}=${value}: TCP connections without TLS are refused (pg_hba hostnossl reject)`);
    } else if (/^[a-z_]+$/.test(name)) {
      out.settings[name] = value;
      out.applied.push(`${name}=${value}`);
    } else out.notApplicable.push(`${name}=${value} (the cloud's own setting; a local server has no such parameter)`);
  }
  return out;
}
