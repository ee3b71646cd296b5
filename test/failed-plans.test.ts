/**
 * What reads a plan's components never reads a plan the cloud could not make:
 * the library functions that need a hosted plan throw PlanFailedError (which
 * the CLI reports as the refusal, exit 3) instead of a TypeError on empty lists.
 */
import { buildExitPlan, type HostedPlan, PlanFailedError, runChecks } from "@freehold/cli";
import { describe, expect, it } from "vitest";
import { planFixture, refusedPlan } from "./plan-fixture";

const refused = refusedPlan("azure", { message: "web: azure cannot provide web-service.run-as-user: no setting", component: "web", feature: "web-service.run-as-user", reason: "no setting", fix: "remove user" });
const options = { objectThroughputMiBs: 100, databaseGiBPerHour: 20, dualRunningDays: 14, operatorCountry: "GB", values: {} };

describe("a refused plan given where a hosted one is needed", () => {
  it("runChecks throws PlanFailedError carrying the plan, not a TypeError", () => {
    const thrown = (() => {
      try {
        runChecks(refused as HostedPlan);
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(PlanFailedError);
    expect((thrown as PlanFailedError).plan).toBe(refused);
    expect((thrown as PlanFailedError).message).toBe("Microsoft Azure: web: azure cannot provide web-service.run-as-user: no setting");
  });

  it("buildExitPlan throws PlanFailedError for a refused target or source", () => {
    const hosted = planFixture("aws") as HostedPlan;
    expect(() => buildExitPlan(hosted, refused as HostedPlan, [hosted, refused], options)).toThrow(PlanFailedError);
    expect(() => buildExitPlan(refused as HostedPlan, hosted, [hosted, refused], options)).toThrow(PlanFailedError);
  });
});
