import { siblings } from "../helpers";
import { each, type Rule, perCloud } from "../rule";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

export const noPublicStorage: Rule = {
  id: "FH-PUB-001",
  summary: "Object stores are never public",
  explanation: "Buckets and containers block anonymous access and public policies, so nothing in them is readable from the internet by mistake; access goes through grants to identities.",
  severity: "error",
  ncsc: ["11 External interface protection", "2.3 Data at rest protection"],
  evaluate: perCloud({
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
  }),
};
