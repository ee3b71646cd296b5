import { EXIT } from "../errors";
import type { Plan } from "../plan/contract";
import type { Io } from "./common";

/** Report a plan that could not be made, with the exit code for its kind of failure. */
export function planFailure(plan: Plan, io: Io): number {
  const e = plan.error;
  if (!e) return EXIT.ok;
  switch (e.type) {
    case "spec":
    case "cloud":
      io.err(`${e.message}\n`);
      return EXIT.usage;
    case "unsupported":
      io.err(`freehold: ${plan.provider} cannot host this stack as written.\n${e.message}\n`);
      return EXIT.unsupported;
    default:
      io.err(`freehold: planning on ${plan.cloud} failed inside Freehold; this is a bug, please report it with this message:\n${e.message}\n`);
      return EXIT.internal;
  }
}
