/**
 * Physical-name rules for the Google Cloud resources Freehold creates. Names
 * are deterministic: the same stack and component always give the same name.
 */
import { type NameRules, physicalName, shortHash } from "@freehold/core";
import { UnsupportedFeatureError } from "@freehold/model";

/** Rules per resource type, from each resource's documented limits. */
export const NAME_RULES = {
  /** Cloud Run service: lowercase letters, digits, hyphens; starts with a letter; at most 49 characters. */
  cloudRunService: { maxLength: 49 },
  /** Service account id: 6-30 characters, `^[a-z]([-a-z0-9]*[a-z0-9])$`. */
  serviceAccount: { maxLength: 30, minLength: 6 },
  /** Cloud SQL instance id: lowercase letters, digits, hyphens; project id + instance id at most 98 characters, so 60 leaves room for a 30-character project id. */
  sqlInstance: { maxLength: 60 },
  /** Cloud Run job: as a service, and job name + execution token under 63 characters, so 40 leaves room for the token. */
  cloudRunJob: { maxLength: 40 },
  /** Artifact Registry repository id: lowercase letters, digits, hyphens; starts with a letter; at most 63 characters. */
  repository: { maxLength: 63 },
  /** Secret Manager secret id: letters, digits, `-` and `_`, at most 255 characters. */
  secret: { maxLength: 255 },
  /** VPC network, subnetwork, global address: RFC 1035, at most 63 characters. */
  network: { maxLength: 63 },
} as const satisfies Record<string, NameRules>;

/** Documented name patterns, used by the tests to check every name we make. */
export const NAME_PATTERNS = {
  cloudRunService: /^[a-z](?:[a-z0-9-]{0,47}[a-z0-9])?$/,
  serviceAccount: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
  sqlInstance: /^[a-z](?:[a-z0-9-]{0,58}[a-z0-9])?$/,
  secret: /^[A-Za-z0-9_-]{1,255}$/,
  network: /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
  cloudRunJob: /^[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?$/,
  repository: /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
  customRole: /^[a-zA-Z0-9_.]{3,64}$/,
  bucket: /^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/,
} as const;

/** Characters of the generated suffix that ends a Cloud SQL instance id. */
export const SQL_SUFFIX_LENGTH = 4;
/** Characters of the generated suffix that ends the URL signer custom role's id. */
export const ROLE_SUFFIX_LENGTH = 4;
/** Characters of the generated suffix that ends a bucket's name. */
export const BUCKET_SUFFIX_LENGTH = 4;

/** Bucket names are global across all of Google Cloud. */
const BUCKET_MAX = 63;
const HASH = 6;

/** Cloud Storage refuses names that start with "goog" or contain "google" or a close misspelling. */
function withoutGoog(name: string): string {
  return name.replace(/g[o0][o0]g/g, "gxxg");
}

export const names = {
  cloudRunService: (stack: string, component: string) => physicalName([stack, component], NAME_RULES.cloudRunService),
  /** Too short an id gets a hash rather than padding, so "a"+"b" never meets "a"+"b000". */
  serviceAccount(stack: string, component: string): string {
    const rules = NAME_RULES.serviceAccount;
    const plain = physicalName([stack, component], { maxLength: rules.maxLength });
    return plain.length >= rules.minLength ? plain : physicalName([stack, component], { ...rules, unique: true });
  },
  /**
   * The id of an account Freehold makes for a component's own machinery (`role`, e.g. the scheduler that runs a
   * job): always ended by a hash of stack, component and role, so it is never the id `serviceAccount` gives a
   * component the user named `<component>-<role>` (service account ids are unique in a project,
   * https://cloud.google.com/iam/docs/service-accounts-create#creating).
   */
  machineryAccount: (stack: string, component: string, role: string) => physicalName([stack, component, role], { ...NAME_RULES.serviceAccount, unique: true }),
  /**
   * The fixed part of a Cloud SQL instance id; the id ends with `-` and a
   * suffix generated once per instance (`SQL_SUFFIX_LENGTH` characters), so
   * that a stack brought up again after a destroy that kept the instance gets
   * a new one beside it (and older pages said a deleted name is held a week).
   * The instance's secrets end with the same suffix.
   */
  sqlInstance: (stack: string, component: string) => physicalName([stack, component], { maxLength: NAME_RULES.sqlInstance.maxLength - SQL_SUFFIX_LENGTH - 1 }),
  cloudRunJob: (stack: string, component: string, role: string) => physicalName([stack, component, role], NAME_RULES.cloudRunJob),
  repository: (stack: string, component: string) => physicalName([stack, component, "images"], NAME_RULES.repository),
  /**
   * A component's remote repository: `<stack>-<component>-<hash of the upstream host>-images`. The image Cloud Run
   * runs is `<location>-docker.pkg.dev/<project>/<repository id>/<path>`, so a new host gives a new image string and
   * Cloud Run a new revision; under one id for every host, a host change would leave the revision's image (and what
   * it pulls) as it was. Artifact Registry ids: lowercase letters, digits and hyphens, a letter first, a letter or
   * digit last, at most 63 characters (https://cloud.google.com/artifact-registry/docs/repositories/create-repos).
   */
  remoteRepository: (stack: string, component: string, host: string) => physicalName([stack, component, shortHash([host], 6), "images"], NAME_RULES.repository),
  /** Custom role id: letters, digits, `_` and `.`, 3-64 characters; it ends with `_` and a suffix generated with the role (`ROLE_SUFFIX_LENGTH`), because a deleted role's id stays taken for 37 days. */
  customRole: (stack: string, role: string, suffix: string) => `${physicalName([stack, role], { maxLength: 64 - ROLE_SUFFIX_LENGTH - 1, minLength: 3, separator: "_" })}_${suffix}`,
  /** Load balancer pieces (global per project): RFC 1035, at most 63. */
  loadBalancer: (stack: string, component: string, role: string) => physicalName([stack, component, role], NAME_RULES.network),
  secret: (stack: string, component: string, role: string) => physicalName([stack, component, role], NAME_RULES.secret),
  network: (stack: string, role: string) => physicalName([stack, role], NAME_RULES.network),
  /**
   * `<stack>-<component>-<hash>-<suffix>`. The hash covers the project id when one is
   * configured (`gcp:project` or GOOGLE_PROJECT), so two projects using the
   * same stack and component names still get different global bucket names;
   * the suffix is generated with the bucket (`BUCKET_SUFFIX_LENGTH`), so a
   * stack brought up again after a destroy that kept its bucket gets a new one
   * beside it rather than a name that is taken.
   */
  bucket(stack: string, component: string, project: string | undefined, suffix: string): string {
    const head = physicalName([stack, component], { maxLength: BUCKET_MAX - HASH - 1 - suffix.length - 1 });
    return withoutGoog(`${head}-${shortHash([project ?? "", stack, component], HASH)}-${suffix}`);
  },
};

/** True when a bucket name obeys Cloud Storage's rules (length, characters, no "goog"). */
export function isValidBucketName(name: string): boolean {
  return NAME_PATTERNS.bucket.test(name) && !/^goog/.test(name) && !/g[o0][o0]gle/.test(name);
}

/**
 * Stack tags as Google Cloud labels: keys and values at most 63 characters of
 * lowercase letters, digits, `_` and `-` (keys start with a letter).
 */
export function labels(tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) {
    const key = k.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63);
    if (!/^[a-z]/.test(key)) continue;
    out[key] = v.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63);
  }
  return out;
}

/** The service account ids each stack's platform has handed out, and to whom. */
const accountIds = new WeakMap<object, Map<string, string>>();

/**
 * Claim a service account id for `owner` (a component, or a component's own machinery such as a database's role
 * job) in the stack's platform: ids are unique in a project (https://cloud.google.com/iam/docs/service-accounts-create#creating),
 * so a second claim of the same id by another owner is refused at plan time, naming both, instead of the first `up`
 * stopping half-way on "already exists". A component named `<database>-dbrole` beside a database `<database>` is
 * the case this catches.
 */
export function claimAccountId(platform: object, id: string, owner: { component: string; what: string }): string {
  let taken = accountIds.get(platform);
  if (!taken) {
    taken = new Map();
    accountIds.set(platform, taken);
  }
  const holder = taken.get(id);
  const who = `${owner.what} of "${owner.component}"`;
  if (holder !== undefined && holder !== who) {
    throw new UnsupportedFeatureError(
      owner.component,
      `component name "${owner.component}"`,
      "gcp",
      `its service account id "${id}" is already the ${holder}'s, and a service account id is unique in a project (https://cloud.google.com/iam/docs/service-accounts-create#creating)`,
      "Rename the component (a name ending in -dbrole beside a database of that name is taken by the database's role job)",
    );
  }
  taken.set(id, who);
  return id;
}
