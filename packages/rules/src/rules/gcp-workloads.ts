/**
 * Google Cloud's rules for what runs a worker and a scheduled job: a Cloud
 * Run worker pool, an IAM member on a Cloud Run job, and a Cloud Scheduler
 * job (gcp.ts spreads them into its table). Each is written from the API's
 * documentation and the Terraform provider's schema (ForceNew fields,
 * deletion checks), linked.
 */
import type { TypeRule } from "../types";
import { nameCheck } from "./common";

const TF = "https://github.com/hashicorp/terraform-provider-google/blob/main/google/services";
const DOC = {
  workerPools: "https://cloud.google.com/run/docs/deploy-worker-pools",
  workerPoolScaling: "https://cloud.google.com/run/docs/configuring/workerpools/cpu-autoscaling",
  /** The provider's worker pool schema: no `ingress`, no `uri`/`urls`, no invoker; `custom_audiences` deprecated as "not applicable to WorkerPool resource". */
  workerPoolSchema: `${TF}/cloudrunv2/resource_cloud_run_v2_worker_pool.go`,
  iamMember: "https://cloud.google.com/run/docs/securing/managing-access",
  schedulerNames: "https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs",
  schedulerCron: "https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules",
  jobsOnSchedule: "https://cloud.google.com/run/docs/execute/jobs-on-schedule",
  /** "Triggers creation of a new Execution of this Job": every call, whatever the state of earlier executions. */
  jobsRun: "https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.jobs/run",
  /** Unset launch stage is GA; "Set the launch stage to a preview stage on input to allow use of preview features in that stage". */
  launchStage: "https://cloud.google.com/products#product-launch-stages",
  /** The provider's worker pool examples set a launch stage only where they use a preview feature (the emptyDir disk, GPUs). */
  workerPoolExamples: `${TF}/cloudrunv2/resource_cloud_run_v2_worker_pool_generated_test.go`,
} as const;

const RFC1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const forceNew = (module: string, file: string, ...paths: string[]) => paths.map((path) => ({ path, source: `${TF}/${module}/${file}` }));

export const WORKLOAD_TYPES = {
  workerPool: "gcp:cloudrunv2/workerPool:WorkerPool",
  jobIam: "gcp:cloudrunv2/jobIamMember:JobIamMember",
  schedulerJob: "gcp:cloudscheduler/job:Job",
} as const;

/** A worker pool's scaling: a mode the API knows, and automatic bounds in order. */
function workerScalingProblem(v: unknown): string | undefined {
  const s = (v ?? {}) as { scalingMode?: unknown; minInstanceCount?: unknown; maxInstanceCount?: unknown };
  if (s.scalingMode !== undefined && s.scalingMode !== "AUTOMATIC" && s.scalingMode !== "MANUAL") return `scalingMode ${String(s.scalingMode)}: allowed AUTOMATIC or MANUAL`;
  if (typeof s.minInstanceCount === "number" && typeof s.maxInstanceCount === "number" && s.minInstanceCount > s.maxInstanceCount) return `minInstanceCount ${s.minInstanceCount} is above maxInstanceCount ${s.maxInstanceCount}`;
  return undefined;
}

/** CPU autoscaling of a worker pool is a preview feature: the API takes it only at a preview launch stage (BETA or ALPHA). */
function launchStageProblem(pool: unknown): string | undefined {
  const p = (pool ?? {}) as { launchStage?: unknown; scaling?: { scalingMode?: unknown } };
  if (p.scaling?.scalingMode !== "AUTOMATIC") return undefined;
  return p.launchStage === "BETA" || p.launchStage === "ALPHA" ? undefined : `scalingMode AUTOMATIC is a preview feature: launchStage ${String(p.launchStage ?? "GA")} does not admit it (set BETA)`;
}

/** Cloud Scheduler's schedule: five unix-cron fields (an English-like schedule is not what Freehold writes). */
function cronProblem(v: unknown): string | undefined {
  if (typeof v !== "string") return "no schedule";
  return v.trim().split(/\s+/).length === 5 ? undefined : `"${v}" is not five unix-cron fields`;
}

export const GCP_WORKLOAD_RULES: Record<string, TypeRule> = {
  [WORKLOAD_TYPES.workerPool]: {
    title: "Cloud Run worker pool",
    source: DOC.workerPools,
    identity: { field: "name", scope: "region", source: DOC.workerPools },
    checks: [
      nameCheck("name", 1, 63, RFC1035, DOC.workerPools),
      { path: "scaling", source: DOC.workerPoolScaling, test: workerScalingProblem },
      { path: "*", source: DOC.workerPoolScaling, test: launchStageProblem },
      // A worker pool has no endpoint, so no audience a caller could present a token for.
      { path: "customAudiences", source: DOC.workerPoolSchema, test: (v) => (Array.isArray(v) && v.length > 0 ? "customAudiences is not applicable to a worker pool: it has no endpoint" : undefined) },
    ],
    replaceOn: forceNew("cloudrunv2", "resource_cloud_run_v2_worker_pool.go", "name", "location", "project"),
    notes: [
      `a worker pool has no endpoint: no URL, no port, no ingress setting and no invoker, so nothing reaches it from outside; it only makes outbound connections ([source](${DOC.workerPools}), [provider schema](${DOC.workerPoolSchema}))`,
      `worker pools are GA: an unset \`launchStage\` is GA, and a preview stage is needed only for a preview feature, CPU autoscaling (\`scalingMode: AUTOMATIC\`) among them; \`launchStage\` is updated in place ([launch stages](${DOC.launchStage}), [CPU autoscaling](${DOC.workerPoolScaling}), [provider examples](${DOC.workerPoolExamples}))`,
    ],
    deletionProtection: {
      path: "deletionProtection",
      error: "cannot destroy WorkerPool without setting deletion_protection=false and running `terraform apply`",
      source: `${TF}/cloudrunv2/resource_cloud_run_v2_worker_pool.go`,
    },
  },
  [WORKLOAD_TYPES.jobIam]: {
    title: "IAM member on a Cloud Run job",
    source: DOC.iamMember,
    replaceOn: forceNew("cloudrunv2", "iam_cloud_run_v2_job.go", "name", "location", "project", "role", "member", "condition"),
  },
  [WORKLOAD_TYPES.schedulerJob]: {
    title: "Cloud Scheduler job",
    source: DOC.schedulerNames,
    identity: { field: "name", scope: "region", source: DOC.schedulerNames },
    // "letters ([A-Za-z]), numbers ([0-9]), hyphens (-), or underscores (_). The maximum length is 500 characters."
    checks: [nameCheck("name", 1, 500, /^[A-Za-z0-9_-]+$/, DOC.schedulerNames), { path: "schedule", source: DOC.schedulerCron, test: cronProblem }],
    replaceOn: forceNew("cloudscheduler", "resource_cloud_scheduler_job.go", "name", "region", "project"),
    notes: [
      `the schedule is read in \`timeZone\` (a tz database name), daylight saving included ([source](${DOC.schedulerCron})); the caller needs run.jobs.run on the job ([source](${DOC.jobsOnSchedule}))`,
      `every tick calls jobs.run, which creates a new execution whatever the state of earlier ones: a run longer than the gap between ticks overlaps the next; neither Cloud Scheduler nor Cloud Run jobs can skip a tick ([jobs.run](${DOC.jobsRun}))`,
    ],
  },
};
