/**
 * What Azure gives of the worker and scheduled job features: rows of the
 * backend's capability table (capabilities.ts spreads them in).
 */
import type { Capability } from "@freehold/core";

const LEARN = "https://learn.microsoft.com/azure";

export const WORKLOAD_CAPABILITIES: readonly Capability[] = [
  {
    feature: "worker.no-ingress",
    support: "full",
    note: "A container app with no ingress: no address, not even inside the environment, so nothing can connect to it",
    source: `${LEARN}/container-apps/ingress-overview`,
  },
  {
    feature: "worker.autoscaling",
    support: "full",
    note: "A CPU scale rule (60% utilization) between minReplicas and maxReplicas",
    source: `${LEARN}/container-apps/scale-app#cpu`,
  },
  {
    feature: "worker.read-only-root-filesystem",
    support: "none",
    note: "Container Apps has no read-only root filesystem setting: refused where writableRootFilesystem is false, unless accepted as a degradation; left unset, the worker simply gets a writable one",
    source: `${LEARN}/templates/microsoft.app/containerapps`,
  },
  {
    feature: "worker.run-as-user",
    support: "none",
    note: "Container Apps runs the image's own user and has no setting to change it: set USER in the image",
    source: `${LEARN}/templates/microsoft.app/containerapps`,
  },
  {
    feature: "worker.private-registry",
    support: "full",
    note: "The registry password is a Key Vault secret read through the worker's own identity (a Key Vault reference)",
    source: `${LEARN}/container-apps/manage-secrets`,
  },
  {
    feature: "scheduled-job.cron",
    support: "full",
    note: "A Container Apps job with a schedule trigger takes standard 5-field cron",
    source: `${LEARN}/container-apps/jobs#scheduled-jobs`,
  },
  {
    feature: "scheduled-job.time-zone",
    support: "partial",
    note: "Container Apps reads a job's cron in UTC only. Freehold writes the schedule in UTC where that keeps its meaning all year (a zone at one offset, or a schedule the offset does not touch, such as every 15 minutes); a schedule tied to the local time of a zone with daylight saving (02:00 in Europe/London) is refused at plan time, or, with the scheduled-job.time-zone degradation accepted, runs at the zone's winter time all year (an hour late in summer)",
    source: `${LEARN}/container-apps/jobs#scheduled-jobs`,
  },
  {
    feature: "scheduled-job.timeout",
    support: "full",
    note: "replicaTimeout: a run still going after timeoutSeconds is stopped and fails",
    source: `${LEARN}/container-apps/jobs#job-settings`,
  },
  {
    feature: "scheduled-job.retries",
    support: "full",
    note: "replicaRetryLimit: a replica that fails (non-zero exit or timeout) is started again up to retries times",
    source: `${LEARN}/container-apps/jobs#job-settings`,
  },
  {
    feature: "scheduled-job.run-on-demand",
    support: "full",
    note: "`az containerapp job start --name <job> --resource-group <group>` (the job's runCommand output)",
    source: `${LEARN}/container-apps/jobs#start-a-job-execution-on-demand`,
  },
  {
    feature: "scheduled-job.read-only-root-filesystem",
    support: "none",
    note: "Container Apps jobs have no read-only root filesystem setting: refused where writableRootFilesystem is false, unless accepted as a degradation",
    source: `${LEARN}/templates/microsoft.app/jobs`,
  },
  {
    feature: "scheduled-job.run-as-user",
    support: "none",
    note: "Container Apps jobs run the image's own user and have no setting to change it: set USER in the image",
    source: `${LEARN}/templates/microsoft.app/jobs`,
  },
  {
    feature: "scheduled-job.private-registry",
    support: "full",
    note: "The registry password is a Key Vault secret read through the job's own identity (a Key Vault reference)",
    source: `${LEARN}/container-apps/manage-secrets`,
  },
];
