/**
 * ScheduledJob -> a Cloud Run job run by a Cloud Scheduler job.
 *
 * - The Cloud Run job runs one task to completion with the job's own service
 *   account, its links' grants and Secret Manager references (as a web
 *   service's), Direct VPC egress where it links a database, the task timeout
 *   (`timeoutSeconds`) and `maxRetries` (`retries`): a task that exits non-zero
 *   or times out is started again up to that many times
 *   (https://cloud.google.com/run/docs/configuring/max-retries,
 *   https://cloud.google.com/run/docs/configuring/task-timeout).
 * - Cloud Scheduler takes the standard 5-field unix-cron and the IANA time zone
 *   as they are: it reads the schedule in that zone, daylight saving included,
 *   by the tz database's rules (https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules).
 *   It calls the Cloud Run Admin API's `jobs.run` with an OAuth token of a
 *   service account that holds only `roles/run.invoker` on this one job
 *   (https://cloud.google.com/run/docs/execute/jobs-on-schedule), so the job's
 *   own identity cannot start it and the caller can do nothing else. A failed
 *   call (the run not started) is retried by Cloud Scheduler; a started run's
 *   failures are the job's own retries.
 */
import { CREATE_FIRST, physicalName, type ScheduledJobRequest, type ScheduledJobResult } from "@freehold/core";
import { type Cron, shortestGapMinutes } from "@freehold/model";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as cloudscheduler from "@pulumi/gcp/cloudscheduler";
import type * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as pulumi from "@pulumi/pulumi";
import type { Sleep } from "@pulumiverse/time/sleep";
import { NAME_RULES, names } from "./naming";
import type { WebServiceResources } from "./resources";
import { withVendor } from "./vendor";
import { type ImageResources, workload, workloadAccount } from "./worker";

export const SCHEDULED_JOB_SERVICE = "Cloud Run jobs and Cloud Scheduler";
export const SCHEDULED_JOB_ROLES = ["job", "schedule", "serviceAccount", "schedulerAccount", "repository"] as const;
/** The Cloud Run role that lets a caller run a job (`run.jobs.run`). */
export const JOB_INVOKER = "roles/run.invoker";
/** Cloud Scheduler's own retries of a call that failed (the run was not started). */
export const SCHEDULER_RETRIES = 3;

/** The child resources of a ScheduledJob on Google Cloud, by role. */
export type ScheduledJobResources = ImageResources & {
  job: cloudrunv2.Job;
  schedule: cloudscheduler.Job;
  serviceAccount: serviceaccount.Account;
  /** The identity Cloud Scheduler calls with, and its one grant: roles/run.invoker on this job. */
  schedulerAccount: serviceaccount.Account;
  schedulerInvoker: cloudrunv2.JobIamMember;
  grantsSettled?: Sleep;
  [grant: `grant${number}`]: WebServiceResources[`grant${number}`];
};

/** Physical names of a job's own resources. */
export const jobNames = {
  job: (stack: string, component: string) => physicalName([stack, component], NAME_RULES.cloudRunJob),
  /** Cloud Scheduler job id: letters, digits, hyphens and underscores, at most 500 characters. */
  schedule: (stack: string, component: string) => physicalName([stack, component], { maxLength: 63 }),
  /** The scheduler's account: `names.machineryAccount`, never the id of a component named `<job>-sched`. */
  schedulerAccount: (stack: string, component: string) => names.machineryAccount(stack, component, "sched"),
};

export function scheduledJob(req: ScheduledJobRequest): ScheduledJobResult {
  const spec = req.spec;
  const w = workload(req, "scheduled job", SCHEDULED_JOB_ROLES);
  const { platform, vendor, opts, size, resources, linksDatabase } = w;
  const jobName = jobNames.job(req.stack.prefix, req.qualifiedName);
  // Under a residency rule its logs stay in the region from the first run: the job waits for the routing.
  const logged = platform.logs({ jobs: [jobName] });

  const job = new cloudrunv2.Job(
    `${req.name}-job`,
    withVendor<cloudrunv2.JobArgs>(
      {
        name: jobName,
        location: platform.region,
        launchStage: "GA",
        // A job holds no data: it can be replaced or destroyed freely.
        deletionProtection: false,
        labels: platform.labels,
        template: {
          taskCount: 1,
          parallelism: 1,
          template: { serviceAccount: w.account.email, maxRetries: spec.retries, timeout: `${spec.timeoutSeconds}s`, vpcAccess: w.vpcAccess, ...(w.volumes ? { volumes: w.volumes } : {}), containers: [w.container] },
        },
      },
      vendor,
      "job",
    ),
    // Replaced only by a move to another region (its name is unique per region) or a rename: created first.
    { ...opts, ...CREATE_FIRST, dependsOn: [...w.dependsOn, ...logged] },
  );

  const schedulerAccount = workloadAccount({ ...req, name: `${req.name}-scheduler`, qualifiedName: `${req.qualifiedName}-sched` }, platform, vendor, "scheduled job's scheduler (runs the job, nothing else)", "schedulerAccount", jobNames.schedulerAccount(req.stack.prefix, req.qualifiedName));
  const schedulerInvoker = new cloudrunv2.JobIamMember(`${req.name}-scheduler-invoker`, { name: job.name, location: job.location, role: JOB_INVOKER, member: schedulerAccount.member }, opts);
  const schedule = new cloudscheduler.Job(
    `${req.name}-schedule`,
    withVendor<cloudscheduler.JobArgs>(
      {
        name: jobNames.schedule(req.stack.prefix, req.qualifiedName),
        region: platform.region,
        description: `Runs the Cloud Run job ${jobName} (Freehold ${req.stack.prefix}/${req.qualifiedName})`,
        schedule: req.cron.expression,
        timeZone: spec.timeZone,
        retryConfig: { retryCount: SCHEDULER_RETRIES, minBackoffDuration: "30s", maxBackoffDuration: "300s" },
        httpTarget: {
          httpMethod: "POST",
          uri: pulumi.interpolate`https://run.googleapis.com/v2/projects/${job.project}/locations/${job.location}/jobs/${job.name}:run`,
          oauthToken: { serviceAccountEmail: schedulerAccount.email, scope: "https://www.googleapis.com/auth/cloud-platform" },
        },
      },
      vendor,
      "schedule",
    ),
    { ...opts, dependsOn: [platform.api("cloudscheduler"), schedulerInvoker] },
  );

  Object.assign(resources, { job, schedule, schedulerAccount, schedulerInvoker });
  const overlap = overlapNote(spec, req.cron);
  if (overlap) pulumi.log.warn(`component "${req.name}": ${overlap}`, req.parent);
  return {
    runCommand: pulumi.interpolate`gcloud run jobs execute ${job.name} --region ${job.location} --project ${job.project}`,
    schedule: pulumi.output(`${req.cron.expression} in ${spec.timeZone} (Cloud Scheduler follows the zone's daylight saving)`),
    resources,
    description: {
      service: SCHEDULED_JOB_SERVICE,
      size,
      details: {
        schedule: `${req.cron.expression} in ${spec.timeZone}`,
        timeoutSeconds: spec.timeoutSeconds,
        retries: spec.retries,
        ingress: "none",
        invoker: `${jobNames.schedulerAccount(req.stack.prefix, req.qualifiedName)} (roles/run.invoker on this job only)`,
        vpcEgress: linksDatabase ? "Direct VPC egress, private ranges only" : "none",
        serviceAccount: names.serviceAccount(req.stack.prefix, req.qualifiedName),
        ...(resources.repository ? { imageSource: "Artifact Registry remote repository" } : {}),
        ...(overlap ? { overlap } : {}),
      },
      dataLocations: req.stack.residency === "none" ? [{ region: "global", use: "application logs (Cloud Logging's _Default bucket)" }] : [],
    },
  };
}

/**
 * Whether a run can still be going when the next is due: every tick calls jobs.run, which starts a new
 * execution whatever the state of the others (https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.jobs/run),
 * and a run lasts up to its timeout on each attempt.
 */
export function overlapNote(spec: Pick<ScheduledJobRequest["spec"], "timeoutSeconds" | "retries">, cron: Cron): string | undefined {
  const longest = spec.timeoutSeconds * (spec.retries + 1);
  const gap = shortestGapMinutes(cron);
  if (longest <= gap * 60) return undefined;
  return `runs can overlap: a run may last ${longest} s (timeoutSeconds ${spec.timeoutSeconds} × ${spec.retries + 1} attempts), longer than the shortest gap between runs (${gap} min), and every tick starts a run whatever the last one is doing; make the job safe to run twice at once (a PostgreSQL advisory lock, say) or lower timeoutSeconds`;
}
