/**
 * What AWS gives of the neutral model: one row per feature in core's FEATURES.
 * `compare` and docs/aws.md read this same table.
 */
import type { Capability } from "@freehold/core";
import { WORKLOAD_CAPABILITIES } from "./capabilities-workloads";

/** Major versions' RDS end of standard support dates. */
const RDS_CALENDAR = "https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html";

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
    note: "An ALB cannot get a certificate without a domain, so Freehold puts a CloudFront distribution (VPC origin to an internal ALB that admits only CloudFront's origin-facing addresses) in front and serves https://<id>.cloudfront.net, with HSTS and security headers. On the *.cloudfront.net certificate AWS fixes the viewer security policy at TLSv1: clients negotiate TLS 1.2/1.3, but TLS 1.0/1.1 are not refused. The application sees X-Forwarded-Proto: http (the internal ALB's own listener) and CloudFront-Forwarded-Proto: https; frameworks must trust the latter. Set `domain` for TLS 1.2+ only and X-Forwarded-Proto: https. ECS Express Mode was rejected: it cannot set a read-only root filesystem or a user",
    source: "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html",
  },
  {
    feature: "web-service.custom-domain",
    support: "full",
    note: "ACM certificate with DNS validation on an internet-facing ALB (TLS 1.2+, HSTS, HTTP redirected). The records to create, the validation CNAME and the domain's record to the load balancer (a CNAME, or an ALIAS where the domain is the apex of its zone, as a <name>.service.gov.uk domain is: a load balancer has no fixed address), are the component's `dnsRecords` output and are printed while `up` waits for validation (Freehold does not manage the DNS zone)",
    source: "https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html",
  },
  {
    feature: "web-service.private",
    support: "partial",
    note: "Internal ALB in private subnets, security group open only to the VPC CIDR; traffic to it is plain HTTP inside the VPC, not encrypted in transit: an internal ALB's HTTPS listener needs a certificate for a domain, and a private CA (AWS Private CA) costs far more than the service. Encrypt in the application if the data requires it",
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
    note: "readonlyRootFilesystem in the container definition; /tmp is a tmpfs mount (mode 1777, nosuid, nodev; a quarter of the task's memory, 64 MiB to 2 GiB) that any user can write, as Fargate's task-scoped volumes are root-owned 0755",
    source: "https://aws.amazon.com/about-aws/whats-new/2026/01/amazon-ecs-tmpfs-mounts-aws-fargate-managed-instances/",
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
    support: "full",
    note: "The registry's user name and password are kept in a Secrets Manager secret that only the service's execution role can read; the task definition's repositoryCredentials point at it",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html",
  },
  {
    feature: "web-service.ip-allow-list",
    support: "full",
    note: "AWS WAF on the service's front door (the load balancer with a domain, the CloudFront distribution without one): IP sets per address family and a first rule that blocks (403) every other address. About $6 a month plus $0.60 per million requests (web ACL $5, rule $1). Behind CloudFront the web ACL is kept by AWS in us-east-1, which a residency check names; set a domain for one in the stack's region",
    source: "https://docs.aws.amazon.com/waf/latest/developerguide/waf-ip-set-managing.html",
  },
  {
    feature: "web-service.web-application-firewall",
    support: "full",
    note: "AWS WAF on the service's front door with AWS managed rule groups: core rule set (its 8 KB request-body limit only counts, so uploads work), known bad inputs, SQL injection, Amazon IP reputation list. About $9 a month plus $0.60 per million requests (web ACL $5, four rule groups $1 each); behind CloudFront the web ACL is kept by AWS in us-east-1",
    source: "https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html",
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
    feature: "database.backups-kept-on-delete",
    support: "full",
    note: "With backups.keepOnDelete (the default) RDS takes a final DB snapshot when the instance is deleted and keeps it until you delete it, and keeps the automated backups (point-in-time recovery) until their retention period ends; both are billed as backup storage and priced in the estimate's after-destroy lines. With keepOnDelete: false nothing is kept",
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html",
  },
  {
    feature: "database.postgres-13",
    support: "partial",
    note: "PostgreSQL 13 is past RDS standard support (ended 2026-02-28): new instances run under paid RDS Extended Support",
    source: RDS_CALENDAR,
    endOfSupport: "2026-02-28",
  },
  ...(
    [
      ["14", "2027-02-28"],
      ["15", "2028-02-29"],
      ["16", "2029-02-28"],
      ["17", "2030-02-28"],
    ] as const
  ).map(
    ([v, end]): Capability => ({
      feature: `database.postgres-${v}`,
      support: "full",
      note: `RDS for PostgreSQL ${v} (engine version "${v}": RDS picks the default minor version; minor upgrades automatic); RDS standard support until ${end}`,
      source: RDS_CALENDAR,
      endOfSupport: end,
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
    note: "S3 lifecycle rules by prefix: current objects expire N days after they were written (on a versioned bucket they become noncurrent behind a delete marker) and noncurrent versions are deleted N days after they became noncurrent; nothing else is touched",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html",
  },
  {
    feature: "object-store.cors",
    support: "full",
    note: "S3 bucket CORS configuration: preflights for any request header (PUT with Content-Type, presigned uploads) are answered and ETag is exposed",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html",
  },
  {
    feature: "object-store.soft-delete",
    support: "partial",
    note: "S3 has no soft delete of its own: with versioning on, a delete leaves a delete marker and earlier versions stay recoverable (kept until a lifecycle rule expires them); with versioning: false deleted objects cannot be recovered",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html",
  },
  {
    feature: "object-store.previous-versions-expire",
    support: "full",
    note: "An S3 lifecycle rule on the whole bucket deletes every noncurrent version previousVersionsExpireAfterDays after it became noncurrent (NoncurrentVersionExpiration), and delete markers left with no version behind them; where a prefix rule gives a shorter time, S3 applies the shorter",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html",
  },
  ...WORKLOAD_CAPABILITIES,
];
