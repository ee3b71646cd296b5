import type { Cloud } from "./regions";

/** One problem in a stack or component spec. */
export interface SpecProblem {
  /** Dotted path to the value, e.g. `components.db.storageGiB` (empty for the whole file). */
  path: string;
  /** A sentence a person can act on, without the path. */
  message: string;
}

/**
 * A spec that cannot be used. Lists every problem at once, each with its path,
 * what was given and what is allowed. Thrown by `parseStack` and the components.
 */
export class SpecError extends Error {
  override readonly name = "SpecError";
  constructor(
    readonly problems: SpecProblem[],
    readonly source = "stack",
  ) {
    super(formatProblems(source, problems));
  }
}

export function formatProblems(source: string, problems: SpecProblem[]): string {
  const head = `${source} has ${problems.length} problem${problems.length === 1 ? "" : "s"}:`;
  return [head, ...problems.map((p) => `  - ${p.path ? `${p.path}: ` : ""}${p.message}`)].join("\n");
}

/**
 * A cloud cannot give what the spec asks. Names the component, the feature and
 * the cloud, says why and how to proceed. Backends throw it; `compare` shows it.
 */
export class UnsupportedFeatureError extends Error {
  override readonly name = "UnsupportedFeatureError";
  constructor(
    readonly component: string,
    readonly feature: string,
    readonly cloud: Cloud,
    readonly reason: string,
    readonly fix?: string,
  ) {
    super(`${component}: ${cloud} cannot provide ${feature}: ${reason}${fix ? `. ${fix}` : ""}`);
  }
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j] as number;
      prev[j] = Math.min(above + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = above;
    }
  }
  return prev[b.length] as number;
}

/** The closest candidate to a near-miss, if one is close enough to be a likely typo. */
export function didYouMean(given: string, candidates: readonly string[]): string | undefined {
  const g = given.toLowerCase();
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(g, c.toLowerCase());
    if (!best || d < best.d) best = { c, d };
  }
  if (!best) return undefined;
  const limit = Math.max(2, Math.floor(given.length / 3));
  return best.d <= limit ? best.c : undefined;
}

/** A value shown in a message: strings quoted, long values cut. */
export function show(value: unknown): string {
  let s: string;
  if (typeof value === "string") s = JSON.stringify(value);
  else if (value === undefined) s = "nothing";
  else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      s = String(value);
    }
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
