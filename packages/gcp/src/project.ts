/**
 * The project a stack deploys into, read once per platform before anything
 * else touches it. Reading it is also the check that the Cloud Resource
 * Manager API is on: enabling any other API through Pulumi reads the project
 * through that API (the provider's `projects.Service` read calls
 * `projects.get`), so on a fresh project where it is off the first API enable
 * fails, and the stack's own enable of it cannot help. The read fails first,
 * at preview, and says exactly what to run.
 */
import * as gcpConfig from "@pulumi/gcp/config";
import * as organizations from "@pulumi/gcp/organizations";
import * as pulumi from "@pulumi/pulumi";

/** What the backend needs to know about the project. Both fields are absent under mocks that answer invokes with nothing. */
export interface ProjectInfo {
  projectId?: string;
  number?: string;
}

/** The APIs that must be on before the first `pulumi up`: Freehold enables every other API through them. */
export const PREREQUISITE_APIS = ["cloudresourcemanager.googleapis.com", "serviceusage.googleapis.com"] as const;

/** The command that turns the prerequisite APIs on. */
export function enableCommand(project: string | undefined): string {
  return `gcloud services enable ${PREREQUISITE_APIS.join(" ")} --project=${project ?? "<project id>"}`;
}

/** True when an error says the Cloud Resource Manager API is off (Google's SERVICE_DISABLED / accessNotConfigured answer). */
export function isResourceManagerDisabled(message: string): boolean {
  return /cloudresourcemanager\.googleapis\.com|Cloud Resource Manager API/i.test(message) && /has not been used|is disabled|SERVICE_DISABLED|accessNotConfigured/i.test(message);
}

/** The error a user sees when the prerequisite is missing: what happened, and exactly what to run. */
export function resourceManagerError(cause: unknown, configuredProject: string | undefined): Error {
  const message = String((cause as { message?: unknown })?.message ?? cause);
  if (!isResourceManagerDisabled(message)) return cause instanceof Error ? cause : new Error(message);
  const project = configuredProject ?? /project (\d+|[a-z][a-z0-9-]{4,28}[a-z0-9])/.exec(message)?.[1];
  return new Error(
    `The Cloud Resource Manager API is not enabled in project ${project ?? "(the provider's project)"}. ` +
      "Freehold reads the project and enables the APIs it needs through that API, so it must be on before the first `pulumi up` " +
      "(a stack cannot enable it for itself: enabling an API through Pulumi reads the project through it first). Run:\n" +
      `  ${enableCommand(project)}\n` +
      `then run \`pulumi up\` again. Google said: ${message}`,
  );
}

export interface ProjectRead {
  /** The project, for inputs: never fails (empty when the read did). */
  info: pulumi.Output<ProjectInfo>;
  /**
   * For `dependsOn`: resolves to no resources once the read succeeded, and
   * fails with the error that says what to run when it did not, so nothing
   * that waits for it is registered in a project Freehold cannot read.
   */
  gate: Promise<pulumi.Resource[]>;
}

/** Read the project through the parent's provider; a disabled Cloud Resource Manager API becomes an error that says what to run. */
export function readProject(parent: pulumi.Resource): ProjectRead {
  const configured = gcpConfig.project;
  const read = organizations.getProject({}, { parent }).then(
    (p) => ({ ...(p?.projectId ? { projectId: p.projectId } : {}), ...(p?.number ? { number: String(p.number) } : {}) }),
    (e: unknown) => {
      throw resourceManagerError(e, configured);
    },
  );
  return { info: pulumi.output(read.catch((): ProjectInfo => ({}))), gate: read.then(() => []) };
}
