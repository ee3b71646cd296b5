/**
 * The rule book of a simulated cloud. Each cloud's table (rules/aws.ts,
 * rules/azure.ts, rules/gcp.ts) is written from that cloud's own API
 * documentation, never from the backends, and every rule carries its source.
 */
import type { Cloud } from "@freehold/model";
import type { Bridge } from "./bridge";

/** A link to the documentation a rule comes from. */
export type Source = string;

/** One physical object in the simulated cloud. */
export interface CloudObject {
  /** Unique for the life of the world: a new object (a create, a replacement) gets a new key. */
  readonly key: string;
  readonly cloud: Cloud;
  readonly type: string;
  /** Inputs as the engine sent them (secrets "[secret]"). */
  inputs: Record<string, unknown>;
  /** Per input property, the keys of the objects its value came from. */
  references: Record<string, string[]>;
  /** The region the object lives in (from its provider, or its own `region`/`location` input). */
  region: string;
  /** The physical name, where the type has one. */
  name?: string;
  /** `scope/name`: unique among live and name-reserving objects of the type. */
  identity?: string;
  /** Which stack's state holds it; undefined for an object no stack manages any more (retained, abandoned). */
  owner?: { stack: string; urn: string };
  status: "live" | "soft-deleted";
  /** Seconds on the world clock. */
  createdAt: number;
  deletedAt?: number;
  /** While soft-deleted: when the name is free again. */
  reservedUntil?: number;
  /**
   * Free-form facts a rule keeps about the object (e.g. addresses still held in a subnet). The engine sets
   * `changedAt` (when its last create or update finished) and `dependsOn` (the keys of the objects its
   * resource depended on when it was created or updated: what the Pulumi engine finished before it started).
   */
  facts: Record<string, unknown>;
}

/** What a rule hook sees. */
export interface RuleContext {
  /** Every object of this cloud in the world, live and soft-deleted. */
  objects(): CloudObject[];
  /** The object with this key, if it still exists. */
  get(key: string): CloudObject | undefined;
  /** The world clock, in seconds. */
  now: number;
  /** The region the stack being applied was planned for. */
  stackRegion: string;
  /** Add an object the cloud makes by itself (a final snapshot): it belongs to no stack. */
  adopt(obj: CloudObject): void;
}

/** Where a physical name must be unique. */
export type Scope =
  | "global"
  | "account"
  | "region"
  /** Unique among objects whose `field` input has the same (effective) value: a parent reference such as a VPC or a resource group. */
  | { within: string }
  /** Computed from the object. */
  | ((obj: CloudObject) => string);

export interface Identity {
  /** Input path holding the physical name. */
  field: string;
  scope: Scope;
  /** Compare names case-insensitively. */
  caseInsensitive?: boolean;
  /** A new name renames the object in place (an update), instead of replacing it; the new name must still be free. */
  renamedInPlace?: boolean;
  source: Source;
}

/** A check on input values: returns a problem sentence, or undefined. */
export interface Check {
  /** Input path (dots; `[]` for every element), or "*" for the whole inputs object. */
  path: string;
  test(value: unknown, obj: CloudObject): string | undefined;
  source: Source;
}

/** A reference that keeps another object from being deleted while it lives. */
export interface InUse {
  /** The type of the object holding the reference. */
  by: string;
  /** The input of `by` that references this object (any input when absent). */
  field?: string;
  /** The cloud's error, as the API returns it. */
  error: string;
  source: Source;
}

export interface TypeRule {
  /** A short description for the docs, e.g. "S3 general purpose bucket". */
  title: string;
  source: Source;
  /** Each creation yields a new value the plan cannot show (a random suffix): a name made from it is a new name whenever it is created again. */
  randomValue?: boolean;
  identity?: Identity;
  checks?: Check[];
  /** Input paths whose change forces a replacement (the provider's ForceNew / the API's create-only properties). */
  replaceOn?: Array<{ path: string; source: Source }>;
  /**
   * The inputs every output other resources read is made from (its id, name, endpoint URI): a replacement that keeps
   * them hands its dependents the values they had, and Pulumi, which diffs resolved inputs in an `up`, changes nothing
   * there. Without it, whatever depends on a replaced resource is taken to see new values.
   */
  outputsFrom?: { paths: string[]; source: Source };
  /** Inputs the API refuses to change at all, even by replacement (an update fails). */
  immutable?: Array<{ path: string; error: string; source: Source }>;
  /** Other objects whose references keep this one from being deleted. */
  inUseBy?: InUse[];
  /** The cloud's own deletion protection: deleting fails while this input is true. */
  deletionProtection?: { path: string; error: string; source: Source };
  /**
   * After deletion the name stays taken for this long; with purge protection nobody can shorten it.
   * `undeleteDays`: a create of the same name within that many days of the deletion brings the deleted object back (the provider undeletes it) instead of failing.
   */
  softDelete?: { days: number; purgeProtectionPath?: string; undeleteDays?: number; source: Source };
  /** A type that lives in no region when this holds for its inputs (a `location: global` certificate), though other objects of the type are regional. */
  globalWhen?: (inputs: Record<string, unknown>) => boolean;
  /** Pulumi's delete only forgets the object (the provider's deletion policy says so, e.g. ABANDON): it stays in the cloud, unmanaged, until an object that contains it is deleted. */
  abandonedWhen?: (obj: CloudObject) => boolean;
  /** Deleting this object deletes every object it contains. */
  contains?: (other: CloudObject, self: CloudObject, ctx: RuleContext) => boolean;
  /** Grants that must have taken effect before this object is created or updated, and how long they take. */
  readsThroughGrants?: { when?: (obj: CloudObject) => boolean; source: Source };
  /** Anything the table cannot say: return the cloud's error, or undefined. */
  beforeCreate?: (obj: CloudObject, ctx: RuleContext) => string | undefined;
  beforeUpdate?: (obj: CloudObject, previous: CloudObject, ctx: RuleContext) => string | undefined;
  beforeDelete?: (obj: CloudObject, ctx: RuleContext) => string | undefined;
  /**
   * What happens after the provider applied a create or update and waits for the result (a job's execution): an error
   * here fails the step, but the object exists as applied and Pulumi keeps it in the stack's state with its new inputs
   * and the error as an initialization error (a partial failure); the next `up` updates it even when nothing changed.
   */
  afterApply?: (obj: CloudObject, ctx: RuleContext) => string | undefined;
  /** What the cloud actually holds after an update (e.g. changes pending until a maintenance window): may change `next`. The stack's state records the result, so a later preview sees the difference again. */
  afterUpdate?: (next: CloudObject, previous: CloudObject, ctx: RuleContext) => void;
  /** What the hooks below enforce, in words, for docs/lifecycle.md (with sources). */
  notes?: string[];
  /** Record facts when the object is deleted (e.g. addresses its subnet keeps for a while). */
  afterDelete?: (obj: CloudObject, ctx: RuleContext) => void;
}

/** A rule that applies to every object of a cloud (tags and labels, regions, locks). */
export interface GlobalRule {
  title: string;
  /** On create and update: returns a problem, or undefined. */
  check?(obj: CloudObject, ctx: RuleContext): string | undefined;
  /** Before a delete: returns the cloud's refusal, or undefined. */
  onDelete?(obj: CloudObject, ctx: RuleContext): string | undefined;
  source: Source;
}

export interface CloudRules {
  cloud: Cloud;
  /** The Pulumi packages of this cloud's resources (`aws`, `azure-native`, `gcp`). */
  packages: readonly string[];
  types: Record<string, TypeRule>;
  /** Types that live in no region (IAM, global edge and DNS services): a region change does not move them, and the region rule skips them. */
  globalTypes: readonly string[];
  global: GlobalRule[];
  /** Permission changes that take time to take effect. */
  propagation?: {
    /** Types that grant a permission (role assignments, IAM members and policies). */
    grants: readonly string[];
    /** Types that are identities: a grant and a reader that share one are related. */
    identities: readonly string[];
    /** How long a new grant can take to apply, in seconds. */
    seconds: number;
    source: Source;
  };
  /** Invokes (data-source reads) by token: the cloud's error when the read fails, or undefined. A failing read stops the preview, before anything changes. */
  invokes?: Record<string, (ctx: RuleContext) => string | undefined>;
  /** Resource types from other packages that this cloud's programs use (random, time): their rules. */
  companions?: Record<string, TypeRule>;
  /** The provider is bridged from a Terraform provider: how it asks for delete-before-replace (bridge.ts). */
  bridge?: Bridge;
}
