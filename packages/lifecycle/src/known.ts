/**
 * Scenarios that fail today on a cloud, each with the issue that fixes it.
 * The lifecycle tests check both ways: a failure not listed here fails the
 * test, and so does an entry here that no longer fails (remove it when it is
 * fixed). The goal is an empty list.
 */
import type { Cloud } from "@freehold/model";

export interface KnownFailure {
  /** The conformance stack's title, or "*" for every stack. */
  stack: string;
  /** A scenario id; "*" matches any characters (`change:*.registry`), and "*" alone every scenario. */
  scenario: string;
  issue: number;
  why: string;
}

export const KNOWN_FAILURES: Record<Cloud, KnownFailure[]> = {
  aws: [
    { stack: "*", scenario: "change:*.registry", issue: 13, why: "private registries are refused until the backend passes registry credentials" },
    { stack: "*", scenario: "change:db.version", issue: 13, why: "without applyImmediately the instance keeps the old parameter group until the maintenance window, so deleting it fails" },
    ...["one database", "private service linked to a database and a read-only store", "throwaway stack without deletion protection"].map((stack) => ({
      stack,
      scenario: "change:db.size",
      issue: 13,
      why: "without applyImmediately a size change waits for the maintenance window and shows as a diff on every preview",
    })),
    { stack: "*", scenario: "change:db.storageGiB", issue: 13, why: "without applyImmediately a storage change waits for the maintenance window and shows as a diff on every preview" },
    { stack: "*", scenario: "change:db.highAvailability", issue: 13, why: "without applyImmediately a Multi-AZ change waits for the maintenance window and shows as a diff on every preview" },
    { stack: "throwaway stack without deletion protection", scenario: "change:db.databaseName", issue: 13, why: "the fixed final snapshot name already exists after the first replacement" },
  ],
  azure: [
    // Not Azure's: switching this stack to Google Cloud fails in the Google Cloud backend (fixed there by issue 15).
    { stack: "throwaway stack without deletion protection", scenario: "cloud-switch", issue: 15, why: "the switch to Google Cloud fails on the Cloud Run service racing its grants" },
  ],
  gcp: [
    { stack: "*", scenario: "change:*.registry", issue: 15, why: "private registries are refused until the backend passes registry credentials" },
    { stack: "*", scenario: "change:*.background", issue: 15, why: "background work is refused until Cloud Run allocates CPU outside requests" },
    { stack: "*", scenario: "*", issue: 15, why: "the first Cloud Run revision starts as soon as its secret grant exists, before it takes effect (every scenario of a stack with a linked web service)" },
    { stack: "one object store", scenario: "unprotect-destroy-up", issue: 15, why: "a bucket is never force-destroyed, so with protection off it still cannot be deleted" },
    { stack: "one object store", scenario: "remove:files", issue: 15, why: "a bucket is never force-destroyed, so with protection off it still cannot be deleted" },
    { stack: "one database", scenario: "residency", issue: 15, why: "residency switches the password secret's replication, which replaces the protected secret" },
    { stack: "one database", scenario: "unprotect-destroy-up", issue: 15, why: "the network is always retained and its fixed name collides on the next up" },
    { stack: "one database", scenario: "remove:db", issue: 15, why: "the network is always retained and its fixed name collides on the next up" },
  ],
};

const glob = (pattern: string) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);

/** The known failure that covers a stack's scenario, if any. */
export function knownFailure(cloud: Cloud, stack: string, scenario: string, stacksWithFailedFirstUp: ReadonlySet<string>): KnownFailure | undefined {
  return KNOWN_FAILURES[cloud].find(
    (k) =>
      (k.stack === "*" || k.stack === stack) &&
      glob(k.scenario).test(scenario) &&
      // "*" for every scenario stands for stacks whose first up fails.
      (k.scenario !== "*" || stacksWithFailedFirstUp.has(stack)),
  );
}
