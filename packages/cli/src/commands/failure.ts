import { EXIT } from "../errors";
import type { FailedPlan, Plan } from "../plan/contract";
import { violationsExit } from "../plan/rules";
import { refusalLines } from "../report/refusal";
import type { Io } from "./common";

/** A cloud's refusal of the stack, in full: the headline and the labelled parts. */
export function refusalText(plan: FailedPlan): string {
  const head = plan.error.type === "rules" ? `freehold: ${plan.provider} would refuse this stack: ${plan.error.violations?.length ?? 0} of its values break${plan.error.violations?.length === 1 ? "s" : ""} the cloud's rules.` : `freehold: ${plan.provider} cannot host this stack as written.`;
  return [head, ...refusalLines(plan.error)].join("\n");
}

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
      io.err(`${refusalText(plan as FailedPlan)}\n`);
      return EXIT.unsupported;
    case "rules":
      io.err(`${refusalText(plan as FailedPlan)}\n`);
      return violationsExit(e.violations ?? []);
    default:
      io.err(`freehold: planning on ${plan.cloud} failed inside Freehold; this is a bug, please report it with this message:\n${e.message}\n`);
      return EXIT.internal;
  }
}
