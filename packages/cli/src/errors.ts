/** A user's mistake that is not about the stack's content: a missing file, an unreadable target. Exit code 2. */
export class InputError extends Error {
  override readonly name = "InputError";
}

/** Exit codes, documented in docs/cli.md. */
export const EXIT = {
  ok: 0,
  /** `check` found an error-level finding; a migration's verification failed. */
  findings: 1,
  /** Bad command line, missing file, invalid stack (SpecError). */
  usage: 2,
  /** The chosen cloud cannot host the stack as written (UnsupportedFeatureError). */
  unsupported: 3,
  /** `migrate` or `rehearse` stopped by SIGHUP (128 + 1), e.g. its terminal closed: everything it started was stopped and undone. */
  hangup: 129,
  /** `migrate` or `rehearse` stopped by SIGINT (128 + 2): everything it started was stopped and undone. */
  interrupted: 130,
  /** The same, stopped by SIGTERM (128 + 15). */
  terminated: 143,
  /** A bug in Freehold: please report it with the message. */
  internal: 70,
} as const;
