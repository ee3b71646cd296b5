/** One thing that did not verify: a table, a sequence or an object, and why. */
export interface MigrationProblem {
  /** `schema.table`, `sequence schema.name` or an object path. */
  item: string;
  /** A sentence a person can act on. */
  message: string;
}

/**
 * A migration that must not be trusted: verification found a difference, or
 * the target already holds different data. Lists every problem at once. When
 * a manifest was written, `manifestPath` says where.
 */
export class MigrationError extends Error {
  override readonly name = "MigrationError";
  constructor(
    readonly kind: "database" | "objects",
    readonly summary: string,
    readonly problems: MigrationProblem[],
    readonly manifestPath?: string,
  ) {
    super(formatMigrationProblems(summary, problems, manifestPath));
  }

  /** The items named by the problems (e.g. `public.products`, `img/logo.png`). */
  get items(): string[] {
    return this.problems.map((p) => p.item);
  }
}

export function formatMigrationProblems(summary: string, problems: MigrationProblem[], manifestPath?: string): string {
  const lines = [summary, ...problems.map((p) => `  - ${p.item}: ${p.message}`)];
  if (manifestPath) lines.push(`manifest: ${manifestPath}`);
  return lines.join("\n");
}

/** A tool this engine needs is not installed. The message says what to install. */
export class MissingToolError extends Error {
  override readonly name = "MissingToolError";
  constructor(
    readonly tool: string,
    readonly install: string,
  ) {
    super(`${tool} is required but was not found. Install it: ${install}`);
  }
}

/** A tool ran and failed (non-zero exit). Secrets are already redacted from the message. */
export class MigrationToolError extends Error {
  override readonly name = "MigrationToolError";
  constructor(
    message: string,
    readonly tool: string,
    readonly exitCode?: number | null,
  ) {
    super(message);
  }
}
