/**
 * What Google Cloud gives of the worker and scheduled job features: rows of
 * the backend's capability table (capabilities.ts spreads them in).
 */
import type { Capability } from "@freehold/core";

const RUN = "https://cloud.google.com/run/docs";

const containerRows = (kind: "worker" | "scheduled-job", what: string): Capability[] => [
  {
    feature: `${kind}.read-only-root-filesystem`,
    support: "none",
    note: `Cloud Run gives every container a writable in-memory filesystem with no read-only setting: a ${what} with writableRootFilesystem: false is refused unless the degradation is accepted`,
    source: `${RUN}/container-contract#filesystem`,
  },
  {
    feature: `${kind}.run-as-user`,
    support: "none",
    note: "Cloud Run runs the container as the image's user and has no setting to change it: set USER in the image",
    source: `${RUN}/container-contract`,
  },
  {
    feature: `${kind}.private-registry`,
    support: "full",
    note: "As a web service's image: directly from Artifact Registry, Docker Hub and GitHub Container Registry, otherwise through an Artifact Registry remote repository whose upstream password is in Secret Manager",
    source: "https://cloud.google.com/artifact-registry/docs/repositories/configure-remote-authentication",
  },
];

export const WORKLOAD_CAPABILITIES: readonly Capability[] = [
  {
    feature: "worker.no-ingress",
    support: "full",
    note: "A Cloud Run worker pool: no endpoint, no URL and no port; it only makes outbound connections",
    source: `${RUN}/deploy-worker-pools`,
  },
  {
    feature: "worker.autoscaling",
    support: "full",
    note: "Automatic scaling of a worker pool on CPU (60% target) between minInstanceCount and maxInstanceCount; documented as a preview feature, so an autoscaled pool is deployed at launch stage BETA (Google's pre-GA terms); a fixed count (min = max) stays GA",
    source: `${RUN}/configuring/workerpools/cpu-autoscaling`,
  },
  ...containerRows("worker", "worker"),
  {
    feature: "scheduled-job.cron",
    support: "full",
    note: "Cloud Scheduler takes standard 5-field unix-cron as written; every tick starts a run, also while the previous one is still going (jobs.run starts a new execution whatever the state of the others): keep timeoutSeconds × (retries + 1) under the shortest gap, or make the job safe to run twice at once",
    source: "https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules",
  },
  {
    feature: "scheduled-job.time-zone",
    support: "full",
    note: "Cloud Scheduler reads the schedule in the job's IANA time zone and follows its daylight saving rules from the tz database",
    source: "https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules#time_zone",
  },
  {
    feature: "scheduled-job.timeout",
    support: "full",
    note: "The Cloud Run job's task timeout: a run still going after timeoutSeconds is stopped and fails",
    source: `${RUN}/configuring/task-timeout`,
  },
  {
    feature: "scheduled-job.retries",
    support: "full",
    note: "The Cloud Run job's maxRetries: a task that exits non-zero or times out is started again, up to retries times; Cloud Scheduler retries a call that did not start a run",
    source: `${RUN}/configuring/max-retries`,
  },
  {
    feature: "scheduled-job.run-on-demand",
    support: "full",
    note: "`gcloud run jobs execute <job> --region <region>` (the job's runCommand output)",
    source: `${RUN}/execute/jobs`,
  },
  ...containerRows("scheduled-job", "job"),
];
