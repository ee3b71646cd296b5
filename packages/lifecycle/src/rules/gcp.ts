/**
 * The Google Cloud rule book, from Google Cloud's documentation (each rule
 * names its page). Names are unique per project (regional resources per
 * project and region) unless a rule says all of Google Cloud.
 */
import type { CloudObject, CloudRules, RuleContext } from "../types";
import { COMPANIONS, nameCheck, referencing, sameRegion } from "./common";

const DOC = {
  buckets: "https://cloud.google.com/storage/docs/buckets#naming",
  bucketDelete: "https://cloud.google.com/storage/docs/deleting-buckets",
  sqlDelete: "https://cloud.google.com/sql/docs/postgres/delete-instance",
  sqlNames: "https://cloud.google.com/sql/docs/postgres/create-instance",
  tfSql: "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/sql_database_instance",
  psa: "https://cloud.google.com/vpc/docs/configure-private-services-access#removing-connection",
  network: "https://cloud.google.com/vpc/docs/create-modify-vpc-networks#deleting_a_network",
  subnet: "https://cloud.google.com/vpc/docs/create-modify-vpc-networks#deleting_a_subnet",
  directVpc: "https://cloud.google.com/run/docs/configuring/vpc-direct-vpc#delete-subnet",
  naming: "https://cloud.google.com/compute/docs/naming-resources",
  secrets: "https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets",
  sa: "https://cloud.google.com/iam/docs/service-accounts-create#creating",
  iamDelay: "https://cloud.google.com/iam/docs/access-change-propagation",
  runNames: "https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.services/create",
  runSecrets: "https://cloud.google.com/run/docs/configuring/services/secrets#access-secret",
  labels: "https://cloud.google.com/resource-manager/docs/labels-overview#requirements",
  locations: "https://cloud.google.com/about/locations",
} as const;

const RFC1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const SQL = "gcp:sql/databaseInstance:DatabaseInstance";
const RUN = "gcp:cloudrunv2/service:Service";

function labelProblem(labels: unknown): string | undefined {
  if (!labels || typeof labels !== "object") return undefined;
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > 64) return `${entries.length} labels; at most 64`;
  for (const [k, v] of entries) {
    if (!/^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u.test(k)) return `label key "${k}" is not allowed`;
    if (!/^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u.test(String(v))) return `label ${k}=${JSON.stringify(v)} is not allowed`;
  }
  return undefined;
}

/** Cloud Run services still holding Direct VPC egress addresses in a subnet: for a while after they are deleted too. */
function runAddressesIn(subnet: CloudObject, ctx: RuleContext): string[] {
  const live = referencing(ctx, subnet, RUN).map((s) => `${s.name} (running)`);
  const released = (subnet.facts.heldUntil as Record<string, number> | undefined) ?? {};
  const lingering = Object.entries(released)
    .filter(([, until]) => until > ctx.now)
    .map(([svc, until]) => `${svc} (deleted; addresses held for about ${Math.ceil((until - ctx.now) / 60)} more minutes)`);
  return [...live, ...lingering];
}

/** Project-wide resources: networks are global, secrets and IAM belong to the project. */
const GLOBAL_TYPES = [
  "gcp:compute/network:Network",
  "gcp:compute/globalAddress:GlobalAddress",
  "gcp:servicenetworking/connection:Connection",
  "gcp:projects/service:Service",
  "gcp:projects/iAMMember:IAMMember",
  "gcp:serviceaccount/account:Account",
  "gcp:secretmanager/secret:Secret",
  "gcp:secretmanager/secretVersion:SecretVersion",
  "gcp:secretmanager/secretIamMember:SecretIamMember",
  "gcp:sql/database:Database",
  "gcp:sql/user:User",
  "gcp:storage/bucketIAMMember:BucketIAMMember",
];

export const GCP_RULES: CloudRules = {
  cloud: "gcp",
  packages: ["gcp"],
  globalTypes: GLOBAL_TYPES,
  companions: COMPANIONS,
  propagation: {
    grants: ["gcp:secretmanager/secretIamMember:SecretIamMember", "gcp:storage/bucketIAMMember:BucketIAMMember", "gcp:projects/iAMMember:IAMMember", "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"],
    identities: ["gcp:serviceaccount/account:Account"],
    // "typically within 2 minutes, ... 7 minutes or longer" for changes to allow policies.
    seconds: 420,
    source: DOC.iamDelay,
  },
  global: [
    { title: "labels: at most 64; lowercase keys starting with a letter, values up to 63 of lowercase letters, digits, _ and -", source: DOC.labels, check: (obj) => labelProblem(obj.inputs.labels) ?? labelProblem((obj.inputs.settings as { userLabels?: unknown } | undefined)?.userLabels) },
    sameRegion(GLOBAL_TYPES, DOC.locations),
  ],
  types: {
    "gcp:storage/bucket:Bucket": {
      title: "Cloud Storage bucket",
      source: DOC.buckets,
      identity: { field: "name", scope: "global", source: DOC.buckets },
      checks: [
        nameCheck("name", 3, 63, /^[a-z0-9][a-z0-9_-]*[a-z0-9]$/, DOC.buckets, (n) => (/^goog/.test(n) ? 'begins with "goog"' : /g[o0][o0]gle/.test(n) ? 'contains "google" or a close misspelling' : undefined)),
      ],
      replaceOn: [
        { path: "name", source: DOC.buckets },
        { path: "location", source: DOC.buckets },
      ],
      notes: [`only an empty bucket can be deleted; one that has held data goes only with \`forceDestroy\` ([source](${DOC.bucketDelete}))`],
      // A bucket that has held data is not empty; only forceDestroy (the provider deletes the objects first) deletes one.
      beforeDelete: (obj) => (obj.inputs.forceDestroy === true ? undefined : `Error 409: The bucket you tried to delete is not empty (forceDestroy is false) [${DOC.bucketDelete}]`),
    },
    [SQL]: {
      title: "Cloud SQL instance",
      source: DOC.sqlDelete,
      identity: { field: "name", scope: "account", source: DOC.sqlNames },
      checks: [nameCheck("name", 1, 67, RFC1035, DOC.sqlNames)],
      replaceOn: [
        { path: "name", source: DOC.tfSql },
        { path: "region", source: DOC.tfSql },
        { path: "settings.ipConfiguration.privateNetwork", source: DOC.tfSql },
      ],
      deletionProtection: { path: "deletionProtection", error: "cannot destroy instance without setting deletion_protection=false and running `pulumi up`", source: DOC.tfSql },
      notes: [`deletion refused while \`settings.deletionProtectionEnabled\` is true ([source](${DOC.sqlDelete}))`],
      beforeDelete: (obj) =>
        (obj.inputs.settings as { deletionProtectionEnabled?: unknown } | undefined)?.deletionProtectionEnabled === true
          ? `The instance is protected from deletion (settings.deletionProtectionEnabled) [${DOC.sqlDelete}]`
          : undefined,
      // "You can't reuse an instance name for up to a week after you have deleted an instance."
      softDelete: { days: 7, source: DOC.sqlDelete },
    },
    "gcp:servicenetworking/connection:Connection": {
      title: "private services access connection",
      source: DOC.psa,
      notes: [`not deletable while a Cloud SQL instance uses the network ([source](${DOC.psa}))`],
      beforeDelete: (obj, ctx) => {
        const network = (obj.references.network ?? [])[0];
        const users = ctx.objects().filter((o) => o.type === SQL && o.status === "live" && Object.values(o.references).flat().includes(network ?? ""));
        return users.length ? `Producer services (e.g. CloudSQL, Cloud Memorystore, etc.) are still using this connection: ${users.map((u) => u.name).join(", ")} [${DOC.psa}]` : undefined;
      },
    },
    "gcp:compute/network:Network": {
      title: "VPC network",
      source: DOC.network,
      identity: { field: "name", scope: "account", source: DOC.naming },
      checks: [nameCheck("name", 1, 63, RFC1035, DOC.naming)],
      replaceOn: [
        { path: "name", source: DOC.naming },
        { path: "autoCreateSubnetworks", source: DOC.network },
      ],
      inUseBy: ["gcp:compute/subnetwork:Subnetwork", "gcp:compute/globalAddress:GlobalAddress", "gcp:servicenetworking/connection:Connection"].map((by) => ({
        by,
        field: "network",
        error: "resourceInUseByAnotherResource: The network resource is already being used",
        source: DOC.network,
      })),
    },
    "gcp:compute/subnetwork:Subnetwork": {
      title: "VPC subnet",
      source: DOC.subnet,
      identity: { field: "name", scope: "region", source: DOC.naming },
      checks: [nameCheck("name", 1, 63, RFC1035, DOC.naming)],
      replaceOn: [
        { path: "name", source: DOC.naming },
        { path: "network", source: DOC.subnet },
        { path: "region", source: DOC.subnet },
      ],
      notes: [`not deletable while Cloud Run holds Direct VPC egress addresses in it, which it does for up to a couple of hours after a service is deleted ([source](${DOC.directVpc}))`],
      beforeDelete: (obj, ctx) => {
        const held = runAddressesIn(obj, ctx);
        return held.length ? `resourceInUseByAnotherResource: The subnetwork is in use by serverless (Direct VPC egress) addresses of ${held.join(", ")} [${DOC.directVpc}]` : undefined;
      },
    },
    [RUN]: {
      title: "Cloud Run service",
      source: DOC.runNames,
      identity: { field: "name", scope: "region", source: DOC.runNames },
      checks: [nameCheck("name", 1, 49, RFC1035, DOC.runNames)],
      replaceOn: [
        { path: "name", source: DOC.runNames },
        { path: "location", source: DOC.runNames },
      ],
      deletionProtection: { path: "deletionProtection", error: "cannot destroy service without setting deletion_protection=false", source: DOC.runNames },
      readsThroughGrants: { when: (obj) => JSON.stringify(obj.inputs.template ?? {}).includes("secretKeyRef"), source: DOC.runSecrets },
      // Direct VPC egress addresses stay allocated in the subnet for a while after the service is gone (up to a couple of hours).
      afterDelete: (obj, ctx) => {
        for (const key of obj.references.template ?? []) {
          const subnet = ctx.get(key);
          if (subnet?.type !== "gcp:compute/subnetwork:Subnetwork") continue;
          subnet.facts.heldUntil = { ...((subnet.facts.heldUntil as Record<string, number>) ?? {}), [obj.name ?? obj.key]: ctx.now + 2 * 3600 };
        }
      },
    },
    "gcp:secretmanager/secret:Secret": {
      title: "Secret Manager secret",
      source: DOC.secrets,
      identity: { field: "secretId", scope: "account", source: DOC.secrets },
      checks: [nameCheck("secretId", 1, 255, /^[A-Za-z0-9_-]+$/, DOC.secrets)],
      replaceOn: [
        { path: "secretId", source: DOC.secrets },
        // Replication is set at creation: "immutable" in the API.
        { path: "replication", source: DOC.secrets },
      ],
    },
    "gcp:serviceaccount/account:Account": {
      title: "service account",
      source: DOC.sa,
      identity: { field: "accountId", scope: "account", source: DOC.sa },
      checks: [nameCheck("accountId", 6, 30, /^[a-z]([-a-z0-9]*[a-z0-9])$/, DOC.sa)],
      replaceOn: [{ path: "accountId", source: DOC.sa }],
    },
    "gcp:compute/globalAddress:GlobalAddress": {
      title: "global internal address range",
      source: DOC.psa,
      identity: { field: "name", scope: "account", source: DOC.naming },
      checks: [nameCheck("name", 1, 63, RFC1035, DOC.naming)],
      inUseBy: [{ by: "gcp:servicenetworking/connection:Connection", field: "reservedPeeringRanges", error: "The address range is in use by a private services access connection", source: DOC.psa }],
    },
  },
};

