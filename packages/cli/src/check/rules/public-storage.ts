import type { PlannedResource } from "@freehold/core";
import { CORS_ORIGIN } from "@freehold/model";
import type { Plan } from "../../plan/contract";
import { siblings } from "../helpers";
import { each, type Finding, get, type Rule, perCloud } from "../rule";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/** Where each cloud's resources carry CORS origins: the resource type and the path to its rules' origin lists. */
const CORS: Record<Plan["cloud"], { type: string; origins: (r: PlannedResource) => unknown[] }> = {
  aws: { type: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", origins: (r) => ((get(r, "corsRules") as Array<{ allowedOrigins?: unknown[] }> | undefined) ?? []).flatMap((c) => c.allowedOrigins ?? []) },
  azure: { type: "azure-native:storage:BlobServiceProperties", origins: (r) => ((get(r, "cors.corsRules") as Array<{ allowedOrigins?: unknown[] }> | undefined) ?? []).flatMap((c) => c.allowedOrigins ?? []) },
  gcp: { type: "gcp:storage/bucket:Bucket", origins: (r) => ((get(r, "cors") as Array<{ origins?: unknown[] }> | undefined) ?? []).flatMap((c) => c.origins ?? []) },
};

/**
 * CORS origins a browser may call the store from: each an exact https origin
 * (or http://localhost). `*`, a `javascript:` or `null` origin, a path, or a
 * control character would let any site's scripts use the store with a
 * visitor's credentials, or match nothing the browser sends.
 */
export function corsFindings(plan: Plan): Finding[] {
  const spec = CORS[plan.cloud];
  return plan.resources
    .filter((r) => r.type === spec.type && spec.origins(r).length > 0)
    .map((r) => {
      const bad = spec.origins(r).filter((o) => typeof o !== "string" || !CORS_ORIGIN.test(o));
      return bad.length === 0
        ? { status: "compliant" as const, subject: r.name, message: "CORS allows exact https origins only" }
        : { status: "non-compliant" as const, subject: r.name, message: `CORS allows ${bad.map((o) => JSON.stringify(o)).join(", ")}: an origin must be exactly https://host[:port] (http only for localhost), never a wildcard` };
    });
}

/** Buckets and containers block anonymous access, per cloud. */
const storageFindings = perCloud({
    aws: (plan) =>
      each(plan, "aws:s3/bucket:Bucket", "S3 buckets", (r) => {
        const block = siblings(plan, r, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0];
        if (!block) return "no public access block";
        const off = FLAGS.filter((f) => block.inputs[f] !== true);
        if (off.length) return `public access block has ${off.join(", ")} off`;
        const owner = siblings(plan, r, "aws:s3/bucketOwnershipControls:BucketOwnershipControls")[0];
        return JSON.stringify(owner?.inputs ?? "").includes("BucketOwnerEnforced") || "ACLs are not disabled (ownership controls not BucketOwnerEnforced)";
      }, "all four public access blocks on; ACLs disabled"),
    azure: (plan) => [
      ...each(plan, "azure-native:storage:StorageAccount", "storage accounts", (r) => (r.inputs.allowBlobPublicAccess === false && r.inputs.allowSharedKeyAccess === false) || `allowBlobPublicAccess ${r.inputs.allowBlobPublicAccess}, allowSharedKeyAccess ${r.inputs.allowSharedKeyAccess}`, "no anonymous blob access, no shared keys"),
      ...each(plan, "azure-native:storage:BlobContainer", "blob containers", (r) => r.inputs.publicAccess === undefined || r.inputs.publicAccess === "None" || `publicAccess ${r.inputs.publicAccess}`, "container private"),
    ],
    gcp: (plan) =>
      each(plan, "gcp:storage/bucket:Bucket", "Cloud Storage buckets", (r) => {
        if (r.inputs.publicAccessPrevention !== "enforced") return `publicAccessPrevention ${r.inputs.publicAccessPrevention ?? "unset"}`;
        if (r.inputs.uniformBucketLevelAccess !== true) return "uniform bucket-level access off (object ACLs allowed)";
        const publicMember = plan.resources.some((m) => m.type.startsWith("gcp:storage/bucketIAM") && m.inputs.bucket === r.inputs.name && /^allUsers$|^allAuthenticatedUsers$/.test(String(m.inputs.member)));
        return !publicMember || "an IAM member grants allUsers or allAuthenticatedUsers";
      }, "public access prevention enforced, uniform access"),
});

export const noPublicStorage: Rule = {
  id: "FH-PUB-001",
  summary: "Object stores are never public",
  explanation:
    "Buckets and containers block anonymous access and public policies, so nothing in them is readable from the internet by mistake; access goes through grants to identities. Browser access (CORS) names exact https origins, never a wildcard.",
  severity: "error",
  ncsc: ["11 External interface protection", "2.3 Data at rest protection"],
  evaluate: (plan) => [...storageFindings(plan), ...corsFindings(plan)],
};
