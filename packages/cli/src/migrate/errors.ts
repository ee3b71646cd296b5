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

/** Which server or store a failure concerns. */
export type Side = "source" | "target";

/**
 * An external tool (psql, pg_dump, pg_restore, rclone) failed, or a server or
 * store could not be reached: the user's to act on, not a Freehold bug.
 * `output` is the tool's own message (secrets redacted, panic lines kept),
 * `side` which end it concerns when known, `hint` what to check.
 */
export class MigrationToolError extends Error {
  override readonly name = "MigrationToolError";
  constructor(
    message: string,
    readonly tool: string,
    readonly exitCode?: number | null,
    readonly details: { side?: Side; output?: string; hint?: string } = {},
  ) {
    super(message);
  }

  get side(): Side | undefined {
    return this.details.side;
  }

  /** The whole report: what failed, the tool's own words, what to check. */
  report(): string {
    const lines = [this.message];
    const out = this.details.output?.trim();
    if (out && !this.message.includes(out)) lines.push(...out.split("\n").map((l) => `  ${l}`));
    if (this.details.hint) lines.push(`Check: ${this.details.hint}`);
    return lines.join("\n");
  }
}

/** The run was interrupted (SIGINT, SIGTERM or an aborted signal); everything it started was stopped. */
export class MigrationInterrupted extends Error {
  override readonly name = "MigrationInterrupted";
}
