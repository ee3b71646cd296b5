/**
 * What AWS gives of the neutral model: one row per feature in core's FEATURES.
 * `compare` and docs/aws.md read this same table.
 */
import type { Capability } from "@freehold/core";

export const CAPABILITIES: readonly Capability[] = [
  {
    feature: "web-service.public-https",
    support: "full",
    note: "HTTPS only: with a domain, an internet-facing ALB with an ACM certificate, TLS policy ELBSecurityPolicy-TLS13-1-2-2021-06 and HTTP redirected (301) to HTTPS; without one, CloudFront with viewer protocol policy redirect-to-https",
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html",
  },
  {
    feature: "web-service.https-without-domain",
    support: "partial",
    note: "An ALB cannot get a certificate without a domain, so Freehold puts a CloudFront distribution (VPC origin to an internal ALB) in front and serves https://<id>.cloudfront.net. On the *.cloudfront.net certificate AWS fixes the viewer security policy at TLSv1: clients negotiate TLS 1.2/1.3, but TLS 1.0/1.1 are not refused. Set `domain` for TLS 1.2+ only. ECS Express Mode was rejected: it cannot set a read-only root filesystem or a user",
    source: "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html",
  },
  {
    feature: "web-service.custom-domain",
    support: "full",
    note: "ACM certificate with DNS validation; the operator creates the validation CNAME and a CNAME/alias from the domain to the load balancer (Freehold does not manage the DNS zone)",
    source: "https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html",
  },
  {
    feature: "web-service.private",
    support: "full",
    note: "Internal ALB in private subnets, security group open only to the VPC CIDR; plain HTTP inside the VPC",
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-scheme",
  },
  {
    feature: "web-service.scale-to-zero",
    support: "none",
    note: "ECS services do not start tasks on an incoming request: with no running task the ALB answers 503. Set scaling.min to 1 or more",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-auto-scaling.html",
  },
  {
    feature: "web-service.autoscaling",
    support: "full",
    note: "Application Auto Scaling target tracking on average CPU (60%) between scaling.min and scaling.max",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html",
  },
  {
    feature: "web-service.read-only-root-filesystem",
    support: "full",
    note: "readonlyRootFilesystem in the container definition; a task-scoped volume is mounted on /tmp",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html",
  },
  {
    feature: "web-service.run-as-user",
    support: "full",
    note: "`user` in the container definition (uid or uid:gid)",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html",
  },
  {
    feature: "web-service.background",
    support: "full",
    note: "Fargate tasks have their CPU whether or not a request is in flight, and the service never runs fewer than scaling.min (at least 1) tasks",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html",
  },
  {
    feature: "web-service.private-registry",
    support: "none",
    note: "not built yet: the task definition's repositoryCredentials (a Secrets Manager secret) are not set, so only public and ECR images can be pulled",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html",
  },
  {
    feature: "database.high-availability",
    support: "full",
    note: "RDS Multi-AZ DB instance: synchronous standby in another zone, automatic failover (SLA 99.95%)",
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html",
  },
  {
    feature: "database.point-in-time-recovery",
    support: "full",
    note: "Automated backups (7-35 days) always give point-in-time recovery on RDS; it cannot be turned off while backups are on",
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIT.html",
  },
  {
    feature: "database.private-network",
    support: "full",
    note: "publiclyAccessible false, private subnets, security group open on 5432 only to linked services",
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html",
  },
  {
    feature: "database.postgres-13",
    support: "partial",
    note: "PostgreSQL 13 is past RDS standard support (ended 2026-02-28 per the RDS release calendar; verify): new instances run under paid RDS Extended Support",
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html",
  },
  ...(["14", "15", "16", "17"] as const).map(
    (v): Capability => ({
      feature: `database.postgres-${v}`,
      support: "full",
      note: `RDS for PostgreSQL ${v} (engine version "${v}": RDS picks the default minor version; minor upgrades automatic)`,
      source: "https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html",
    }),
  ),
  {
    feature: "object-store.versioning",
    support: "full",
    note: "S3 bucket versioning (Enabled, or Suspended when versioning: false)",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html",
  },
  {
    feature: "object-store.lifecycle",
    support: "full",
    note: "S3 lifecycle rules by prefix: expiration after N days, and noncurrent versions expire N days after they are replaced",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html",
  },
  {
    feature: "object-store.cors",
    support: "full",
    note: "S3 bucket CORS configuration",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html",
  },
  {
    feature: "object-store.soft-delete",
    support: "partial",
    note: "S3 has no soft delete of its own: with versioning on, a delete leaves a delete marker and earlier versions stay recoverable (kept until a lifecycle rule expires them); with versioning: false deleted objects cannot be recovered",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html",
  },
];
