import type { FeatureId } from "@freehold/model";
import { type Finding, notApplicable, type Rule } from "../rule";

/**
 * What a team must do itself when a cloud gives less than a feature asks and
 * the spec accepts it (`acceptDegraded`): the requirement does not go away, it
 * moves from the platform to the team.
 */
export const YOURS_NOW: Record<FeatureId, string> = {
  "web-service.public-https": "serve the service over HTTPS yourself, and refuse plain HTTP",
  "web-service.https-without-domain": "give the service a domain (`domain`) or put your own TLS endpoint in front of it",
  "web-service.custom-domain": "issue and renew the domain's certificate yourself, and point the domain at the service",
  "web-service.private": "encrypt traffic inside the network yourself if it must be: serve TLS from the container and have its clients verify it",
  "web-service.scale-to-zero": "expect at least one instance to run, and be billed, when the service is idle",
  "web-service.autoscaling": "watch the load and change the number of instances yourself",
  "web-service.read-only-root-filesystem": "keep the application from writing to its root filesystem (write only to a temporary directory, and check the image needs nothing else): the container can write anywhere",
  "web-service.run-as-user": "run as a non-root user from the image itself: set `USER <uid>` in its Dockerfile, because the cloud runs the image's own user",
  "web-service.background": "do no work between requests, or keep the service busy yourself: its CPU is not always allocated",
  "web-service.private-registry": "copy the image to a registry the cloud can pull from, and keep its credentials out of the stack",
  "web-service.ip-allow-list": "restrict who reaches the service yourself (a firewall or proxy in front of it, or checks in the application): any address can reach it",
  "web-service.web-application-firewall": "filter malicious requests yourself (a firewall in front of the service, or input checks in the application): no managed rules inspect its traffic",
  "worker.no-ingress": "keep anything from connecting to the worker yourself (a firewall rule): the cloud gives it an address",
  "worker.autoscaling": "watch the worker's load and change its number of instances yourself",
  "worker.read-only-root-filesystem": "keep the worker from writing to its root filesystem (write only to a temporary directory): the container can write anywhere",
  "worker.run-as-user": "run as a non-root user from the image itself: set `USER <uid>` in its Dockerfile, because the cloud runs the image's own user",
  "worker.private-registry": "copy the image to a registry the cloud can pull from, and keep its credentials out of the stack",
  "scheduled-job.cron": "run the job from your own scheduler: the cloud cannot express this schedule",
  "scheduled-job.time-zone": "expect the job at the zone's winter time all year (an hour late in summer in Europe/London), or write the schedule in UTC: the cloud reads schedules in UTC only",
  "scheduled-job.timeout": "stop a run that takes too long yourself (a deadline in the job): the cloud does not stop it",
  "scheduled-job.retries": "make the job retry its own work, or rerun it by hand with its run command: the cloud does not run a failed run again",
  "scheduled-job.run-on-demand": "start runs outside the schedule through the cloud's console",
  "scheduled-job.read-only-root-filesystem": "keep the job from writing to its root filesystem (write only to a temporary directory): the container can write anywhere",
  "scheduled-job.run-as-user": "run as a non-root user from the image itself: set `USER <uid>` in its Dockerfile, because the cloud runs the image's own user",
  "scheduled-job.private-registry": "copy the image to a registry the cloud can pull from, and keep its credentials out of the stack",
  "database.high-availability": "plan for the database to be down while its zone is: no standby takes over",
  "database.point-in-time-recovery": "take backups often enough for the data you can afford to lose: there is no recovery to a point in time",
  "database.private-network": "keep the database off the internet yourself: restrict who can reach its endpoint",
  "database.backups-kept-on-delete": "take and keep a backup of the database yourself before deleting it: nothing is kept after a delete",
  "database.postgres-13": "upgrade PostgreSQL to a version the cloud supports in full",
  "database.postgres-14": "upgrade PostgreSQL to a version the cloud supports in full",
  "database.postgres-15": "upgrade PostgreSQL to a version the cloud supports in full",
  "database.postgres-16": "upgrade PostgreSQL to a version the cloud supports in full",
  "database.postgres-17": "upgrade PostgreSQL to a version the cloud supports in full",
  "object-store.versioning": "keep copies of objects you may overwrite or delete: earlier versions are not kept",
  "object-store.lifecycle": "delete expired objects yourself (a scheduled job): the store does not expire them as the spec asks",
  "object-store.cors": "serve cross-origin requests through your own service: the store does not answer them as the spec asks",
  "object-store.soft-delete": "keep copies of objects you may delete by mistake: deleted objects cannot be recovered",
  "object-store.previous-versions-expire": "delete previous versions yourself (a lifecycle rule or a scheduled job): they are kept, and billed, until deleted",
};

/** A capability note's reason, without the advice on refusing or accepting that follows it. */
const why = (note: string) => note.split(/;\s|:\s(?=set )/)[0]?.replace(/\.$/, "") ?? note;

/**
 * Reads each component's feature rows in the plan: a row the spec accepted as
 * degraded (`acceptDegraded`) is a requirement the cloud does not meet, which
 * the team must now meet itself.
 */
export const degradedRequirements: Rule = {
  id: "FH-DEG-001",
  summary: "Requirements accepted as degraded are met by the team",
  explanation:
    "Where a cloud cannot give what a component asks (run as a non-root user, a read-only root filesystem, TLS inside the network...), the stack can accept the degradation to deploy there. The requirement does not go away: it becomes the team's, in the image, the application or its operation. Each accepted degradation is named with what to do.",
  severity: "warning",
  ncsc: ["14 Secure use of the service"],
  evaluate: (plan) => {
    const findings: Finding[] = plan.components.flatMap((c) =>
      c.features
        .filter((f) => f.accepted)
        .map(
          (f): Finding => ({
            status: "non-compliant",
            subject: c.name,
            message: `${f.feature} accepted as degraded (${f.support === "none" ? "not provided" : "only partly provided"} on ${plan.provider}: ${why(f.note)}); now yours: ${YOURS_NOW[f.feature as FeatureId] ?? "meet the requirement yourself"}`,
          }),
        ),
    );
    return findings.length ? findings : notApplicable("no requirement accepted as degraded");
  },
};
