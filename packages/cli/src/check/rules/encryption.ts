import { byPlatform, siblings } from "../helpers";
import { each, get, type Rule, perCloud } from "../rule";

export const encryptionAtRest: Rule = {
  id: "FH-ENC-001",
  summary: "Data stores are encrypted at rest",
  explanation: "Databases and object stores keep data encrypted on disk, so lost media or a mis-provisioned snapshot does not expose it.",
  severity: "error",
  ncsc: ["2.3 Data at rest protection"],
  evaluate: perCloud({
    aws: (plan) => [
      ...each(plan, "aws:rds/instance:Instance", "RDS instances", (r) => r.inputs.storageEncrypted === true || "storageEncrypted is not true", "storage encrypted (KMS)"),
      ...each(
        plan,
        "aws:s3/bucket:Bucket",
        "S3 buckets",
        (r) =>
          siblings(plan, r, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").some((s) => JSON.stringify(s.inputs.rules ?? "").includes("sseAlgorithm")) ||
          "no default server-side encryption configuration",
        "default server-side encryption configured",
      ),
    ],
    azure: (plan) => [
      ...each(plan, "azure-native:storage:StorageAccount", "storage accounts", (r) => get(r, "encryption.services.blob.enabled") !== false || "blob encryption disabled", "blob encryption on (Microsoft-managed keys)"),
      ...byPlatform(plan, ["azure-native:dbforpostgresql:Server"], "always encrypted at rest by Azure (AES-256), cannot be turned off"),
    ],
    gcp: (plan) => byPlatform(plan, ["gcp:sql/databaseInstance:DatabaseInstance", "gcp:storage/bucket:Bucket"], "always encrypted at rest by Google (AES-256), cannot be turned off"),
  }),
};
