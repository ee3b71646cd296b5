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
  aws: [],
  azure: [],
  gcp: [],
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
