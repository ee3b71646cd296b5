import type { PlannedResource } from "@freehold/core";
import type { Cloud } from "@freehold/model";
import { componentOf } from "../helpers";
import type { Finding, Rule } from "../rule";
import type { Plan } from "../../plan/contract";

/** The resource that holds each stateful component's data, and its cloud-native protection. */
const PRIMARY: Record<Cloud, Array<{ type: string; protectedNatively: (r: PlannedResource, plan: Plan) => boolean; how: string }>> = {
  aws: [
    { type: "aws:rds/instance:Instance", protectedNatively: (r) => r.inputs.deletionProtection === true && r.inputs.skipFinalSnapshot !== true, how: "RDS deletion protection and a final snapshot" },
    { type: "aws:s3/bucket:Bucket", protectedNatively: (r) => r.inputs.forceDestroy !== true, how: "not force-destroyable: a bucket with objects cannot be deleted" },
  ],
  azure: [
    { type: "azure-native:dbforpostgresql:Server", protectedNatively: (r, plan) => hasLock(plan, r), how: "CanNotDelete management lock" },
    // A lock on the account would block removing links' role assignments (docs/azure.md, "Deletion protection"): Azure Policy denyAction instead.
    { type: "azure-native:storage:StorageAccount", protectedNatively: (r, plan) => keptByPolicy(plan, r), how: "keep-data denyAction policy (tag freehold-deletion-protection=on, policy assigned)" },
  ],
  gcp: [
    { type: "gcp:sql/databaseInstance:DatabaseInstance", protectedNatively: (r) => r.inputs.deletionProtection === true && (r.inputs.settings as { deletionProtectionEnabled?: boolean } | undefined)?.deletionProtectionEnabled === true, how: "Pulumi-side and Cloud SQL deletion protection" },
    { type: "gcp:storage/bucket:Bucket", protectedNatively: (r) => r.inputs.forceDestroy !== true, how: "forceDestroy false: a bucket with objects cannot be deleted" },
  ],
};

function hasLock(plan: Plan, r: PlannedResource): boolean {
  const c = componentOf(plan, r);
  return plan.resources.some((l) => l.type.startsWith("azure-native:authorization:ManagementLock") && l.inputs.level === "CanNotDelete" && componentOf(plan, l) === c);
}

/** Tagged for, and covered by, an assigned policy whose effect denies deletes (Azure Policy denyAction). */
function keptByPolicy(plan: Plan, r: PlannedResource): boolean {
  const tagged = (r.inputs.tags as Record<string, unknown> | undefined)?.["freehold-deletion-protection"] === "on";
  const denies = plan.resources.some((d) => d.type === "azure-native:authorization:PolicyDefinition" && JSON.stringify(d.inputs.policyRule ?? "").includes('"effect":"denyAction"'));
  return tagged && denies && plan.resources.some((a) => a.type === "azure-native:authorization:PolicyAssignment");
}

/**
 * A bucket a load balancer writes its access logs to, or a CloudFront distribution its standard logs
 * (`accessLogs.bucket` is the bucket's name, `loggingConfig.bucket` its domain name).
 */
function receivesLogs(plan: Plan, bucket: PlannedResource): boolean {
  const name = bucket.inputs.bucket;
  if (typeof name !== "string") return false;
  return plan.resources.some((r) => {
    if (r.type === "aws:lb/loadBalancer:LoadBalancer") return (r.inputs.accessLogs as { bucket?: unknown } | undefined)?.bucket === name;
    if (r.type === "aws:cloudfront/distribution:Distribution") {
      const target = (r.inputs.loggingConfig as { bucket?: unknown } | undefined)?.bucket;
      return typeof target === "string" && target.startsWith(`${name}.`);
    }
    return false;
  });
}

export const deletionProtection: Rule = {
  id: "FH-DEL-001",
  summary: "Stateful resources are retained on destroy and protected against deletion",
  explanation:
    "Databases and stores cannot be lost by mistake: Pulumi refuses to delete or replace them (protect) so a destroy, a removal or a cloud switch stops before anything is deleted, they are kept if that protection is lifted outside the program (retainOnDelete), and the cloud itself refuses to delete them (deletion protection, locks). A stack may opt out with deletionProtection: false; that is reported here.",
  severity: "warning",
  ncsc: ["2.6 Resilience"],
  evaluate(plan) {
    const findings: Finding[] = [];
    for (const p of PRIMARY[plan.cloud]) {
      // A database's or object store's own data; buckets that only receive service logs (emptied with the stack by design) are not.
      for (const r of plan.resources.filter((x) => x.type === p.type && !receivesLogs(plan, x))) {
        const native = p.protectedNatively(r, plan);
        const missing = [r.options.protect ? "" : "not Pulumi-protected", r.options.retainOnDelete ? "" : "not retained on destroy", native ? "" : `no ${p.how}`].filter(Boolean);
        findings.push({
          status: missing.length ? "non-compliant" : "compliant",
          subject: r.name,
          message: missing.length ? missing.join("; ") : `Pulumi-protected and retained on destroy; ${p.how}`,
        });
      }
    }
    return findings.length ? findings : [{ status: "not-applicable", subject: "stack", message: "no databases or object stores" }];
  },
};
