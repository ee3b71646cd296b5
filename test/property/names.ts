/**
 * What each cloud accepts as a physical name, by resource type and input
 * field. Written from the clouds' own documentation, independently of the
 * backends' naming.ts, so a backend that builds an invalid name is caught.
 *
 * AWS:   https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html,
 *        ELB / RDS / IAM / ECS API references (CreateLoadBalancer, CreateTargetGroup, CreateDBInstance...)
 * Azure: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
 * GCP:   https://cloud.google.com/storage/docs/buckets#naming, IAM service accounts, Cloud SQL, Cloud Run, Compute naming (RFC 1035)
 */
import type { Cloud } from "@freehold/model";

export interface NameRule {
  /** Resource type token. */
  type: string;
  /** Input field holding the name. */
  field: string;
  min: number;
  max: number;
  pattern: RegExp;
  /** Extra rule: returns a problem, or undefined. */
  extra?: (name: string) => string | undefined;
  /** The scope in which the name must be unique: "stack" (unique among this stack's resources of the type) or "none". */
  unique: "stack" | "none";
  doc: string;
}

const noDoubleHyphen = (n: string) => (n.includes("--") ? "contains --" : undefined);
const dns = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export const NAME_RULES: Record<Cloud, NameRule[]> = {
  aws: [
    {
      type: "aws:s3/bucket:Bucket", field: "bucket", min: 3, max: 63, pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, unique: "stack",
      extra: (n) =>
        /\.\.|^\d+\.\d+\.\d+\.\d+$/.test(n) ? "adjacent periods or an IP address"
        : /^(xn--|sthree-|amzn-s3-demo-)/.test(n) ? "reserved prefix"
        : /(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(n) ? "reserved suffix"
        : undefined,
      doc: "3-63 lowercase letters, digits, dots, hyphens; no reserved prefix/suffix",
    },
    { type: "aws:lb/loadBalancer:LoadBalancer", field: "name", min: 1, max: 32, pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/, unique: "stack", extra: (n) => (n.startsWith("internal-") ? 'begins with "internal-"' : undefined), doc: "1-32 alphanumerics and hyphens, not starting/ending with a hyphen, not internal-" },
    { type: "aws:lb/targetGroup:TargetGroup", field: "name", min: 1, max: 32, pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/, unique: "stack", doc: "1-32 alphanumerics and hyphens, not starting/ending with a hyphen" },
    { type: "aws:rds/instance:Instance", field: "identifier", min: 1, max: 63, pattern: /^[a-z][a-z0-9-]*$/, unique: "stack", extra: (n) => noDoubleHyphen(n) ?? (n.endsWith("-") ? "ends with -" : undefined), doc: "1-63, letter first, no --, no trailing hyphen" },
    { type: "aws:rds/instance:Instance", field: "finalSnapshotIdentifier", min: 1, max: 255, pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/, unique: "stack", extra: noDoubleHyphen, doc: "1-255, letter first, no --, no trailing hyphen" },
    { type: "aws:rds/parameterGroup:ParameterGroup", field: "name", min: 1, max: 255, pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/, unique: "stack", extra: noDoubleHyphen, doc: "1-255 lowercase, letter first, no --, no trailing hyphen" },
    { type: "aws:rds/subnetGroup:SubnetGroup", field: "name", min: 1, max: 255, pattern: /^[a-z0-9 ._-]+$/, unique: "stack", extra: (n) => (n === "default" ? "is default" : undefined), doc: "1-255 lowercase alphanumerics, spaces, . _ -; not default" },
    { type: "aws:iam/role:Role", field: "name", min: 1, max: 64, pattern: /^[\w+=,.@-]+$/, unique: "stack", doc: "1-64 of [\\w+=,.@-]" },
    { type: "aws:ec2/securityGroup:SecurityGroup", field: "name", min: 1, max: 255, pattern: /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/, unique: "stack", extra: (n) => (/^sg-/i.test(n) ? 'begins with "sg-"' : undefined), doc: "1-255, VPC character set, not sg-" },
    { type: "aws:ecs/cluster:Cluster", field: "name", min: 1, max: 255, pattern: /^[A-Za-z0-9_-]+$/, unique: "stack", doc: "1-255 letters, digits, - _" },
    { type: "aws:ecs/service:Service", field: "name", min: 1, max: 255, pattern: /^[A-Za-z0-9_-]+$/, unique: "stack", doc: "1-255 letters, digits, - _" },
    { type: "aws:ecs/taskDefinition:TaskDefinition", field: "family", min: 1, max: 255, pattern: /^[A-Za-z0-9_-]+$/, unique: "stack", doc: "1-255 letters, digits, - _" },
    { type: "aws:cloudwatch/logGroup:LogGroup", field: "name", min: 1, max: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/, unique: "stack", doc: "1-512 of [.-_/#A-Za-z0-9]" },
  ],
  azure: [
    { type: "azure-native:resources:ResourceGroup", field: "resourceGroupName", min: 1, max: 90, pattern: /^[-\w._()]*[-\w_()]$/, unique: "stack", doc: "1-90 of [-\\w._()], not ending with ." },
    { type: "azure-native:network:VirtualNetwork", field: "virtualNetworkName", min: 2, max: 64, pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9_]$/, unique: "stack", doc: "2-64, alphanumeric first, alphanumeric or _ last" },
    { type: "azure-native:operationalinsights:Workspace", field: "workspaceName", min: 4, max: 63, pattern: /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/, unique: "stack", doc: "4-63 alphanumerics and hyphens" },
    { type: "azure-native:app:ManagedEnvironment", field: "environmentName", min: 2, max: 60, pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/, unique: "stack", extra: noDoubleHyphen, doc: "2-60 lowercase, letter first" },
    { type: "azure-native:app:ContainerApp", field: "containerAppName", min: 2, max: 32, pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/, unique: "stack", extra: noDoubleHyphen, doc: "2-32 lowercase, letter first, no --, unique in the resource group" },
    { type: "azure-native:managedidentity:UserAssignedIdentity", field: "resourceName", min: 3, max: 128, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/, unique: "stack", doc: "3-128 alphanumerics, - _" },
    { type: "azure-native:keyvault:Vault", field: "vaultName", min: 3, max: 24, pattern: /^[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]$/, unique: "stack", extra: noDoubleHyphen, doc: "3-24, letter first, no --, globally unique" },
    { type: "azure-native:keyvault:Secret", field: "secretName", min: 1, max: 127, pattern: /^[A-Za-z0-9-]+$/, unique: "none", doc: "1-127 alphanumerics and hyphens" },
    { type: "azure-native:dbforpostgresql:Server", field: "serverName", min: 3, max: 63, pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, unique: "stack", doc: "3-63 lowercase, digits, hyphens, globally unique" },
    { type: "azure-native:storage:StorageAccount", field: "accountName", min: 3, max: 24, pattern: /^[a-z0-9]+$/, unique: "stack", doc: "3-24 lowercase letters and digits, globally unique" },
    { type: "azure-native:storage:BlobContainer", field: "containerName", min: 3, max: 63, pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, unique: "none", extra: noDoubleHyphen, doc: "3-63 lowercase, no --" },
    {
      type: "azure-native:privatedns:PrivateZone", field: "privateZoneName", min: 1, max: 253, pattern: /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, unique: "stack",
      doc: "a DNS name, labels of 1-63",
    },
  ],
  gcp: [
    { type: "gcp:cloudrunv2/service:Service", field: "name", min: 1, max: 49, pattern: dns, unique: "stack", doc: "1-49, RFC 1035 label" },
    { type: "gcp:serviceaccount/account:Account", field: "accountId", min: 6, max: 30, pattern: /^[a-z]([-a-z0-9]*[a-z0-9])$/, unique: "stack", doc: "6-30, letter first, no trailing hyphen" },
    { type: "gcp:sql/databaseInstance:DatabaseInstance", field: "name", min: 1, max: 67, pattern: dns, unique: "stack", doc: "letter first; project id (<= 30) + ':' + instance id <= 98" },
    { type: "gcp:secretmanager/secret:Secret", field: "secretId", min: 1, max: 255, pattern: /^[A-Za-z0-9_-]+$/, unique: "stack", doc: "1-255 of [A-Za-z0-9_-]" },
    { type: "gcp:compute/network:Network", field: "name", min: 1, max: 63, pattern: dns, unique: "stack", doc: "RFC 1035, 1-63" },
    { type: "gcp:compute/subnetwork:Subnetwork", field: "name", min: 1, max: 63, pattern: dns, unique: "stack", doc: "RFC 1035, 1-63" },
    { type: "gcp:compute/globalAddress:GlobalAddress", field: "name", min: 1, max: 63, pattern: dns, unique: "stack", doc: "RFC 1035, 1-63" },
    {
      type: "gcp:storage/bucket:Bucket", field: "name", min: 3, max: 63, pattern: /^[a-z0-9][a-z0-9_-]*[a-z0-9]$/, unique: "stack",
      extra: (n) => (/^goog/.test(n) ? 'begins with "goog"' : /g[o0][o0]gle/.test(n) ? 'contains "google" or a close misspelling' : undefined),
      doc: "3-63 lowercase, digits, - _; not goog*, no google",
    },
  ],
};

/** Problems with the physical names in a list of resources (type, inputs). */
export function nameProblems(cloud: Cloud, resources: ReadonlyArray<{ type: string; name: string; inputs: Record<string, unknown> }>): string[] {
  const problems: string[] = [];
  for (const rule of NAME_RULES[cloud]) {
    const seen = new Map<string, string>();
    for (const r of resources.filter((x) => x.type === rule.type)) {
      const v = r.inputs[rule.field];
      if (typeof v !== "string") {
        problems.push(`${r.type} ${r.name}: ${rule.field} is ${v === undefined ? "unset (provider auto-naming)" : typeof v}`);
        continue;
      }
      const why =
        v.length < rule.min || v.length > rule.max ? `length ${v.length} outside ${rule.min}-${rule.max}`
        : !rule.pattern.test(v) ? `does not match ${rule.pattern}`
        : rule.extra?.(v);
      if (why) problems.push(`${r.type} ${r.name}: ${rule.field} "${v}" ${why} (${rule.doc})`);
      if (rule.unique === "stack") {
        const other = seen.get(v);
        if (other) problems.push(`${r.type}: ${rule.field} "${v}" is used by both ${other} and ${r.name}`);
        seen.set(v, r.name);
      }
    }
  }
  return problems;
}

/** Tag/label rules. AWS: https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html ; Azure: tag names without <>%&\?/ ; GCP labels. */
export function tagProblems(cloud: Cloud, resources: ReadonlyArray<{ type: string; name: string; custom: boolean; inputs: Record<string, unknown> }>): string[] {
  const problems = new Set<string>();
  const push = (p: string) => problems.add(p);
  for (const r of resources) {
    if (!r.custom) continue;
    const sets: Array<[string, unknown]> = cloud === "gcp" ? [["labels", r.inputs.labels], ["userLabels", (r.inputs.settings as { userLabels?: unknown } | undefined)?.userLabels]] : [["tags", r.inputs.tags]];
    for (const [field, set] of sets) {
      if (!set || typeof set !== "object") continue;
      for (const [k, v] of Object.entries(set as Record<string, unknown>)) {
        const value = String(v);
        if (cloud === "aws") {
          if (k.length < 1 || k.length > 128 || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u.test(k) || /^aws:/i.test(k)) push(`tag key "${k}" invalid on AWS`);
          if (value.length > 256 || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(value)) push(`tag ${k} value ${JSON.stringify(value)} has characters AWS refuses (letters, digits, spaces and _ . : / = + - @ only)`);
        } else if (cloud === "azure") {
          if (k.length > 512 || /[<>%&\\?/]/.test(k)) push(`tag name "${k}" invalid on Azure`);
          if (value.length > 256) push(`tag ${k} value longer than 256`);
        } else {
          if (!/^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u.test(k)) push(`${field} key "${k}" invalid on GCP`);
          if (!/^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u.test(value)) push(`${field} ${k} value ${JSON.stringify(value)} invalid on GCP`);
        }
      }
    }
  }
  return [...problems];
}
