// plan()'s options, the way docs/testing.md shows them: the same names as `freehold plan . --stack prod`.
import { plan } from "@freehold/core/testing";
import { expect, it, vi } from "vitest";

const program = async () => {
  vi.resetModules();
  return import("./index.js");
};

it("plans with Pulumi.yaml's project and config, so names are the ones freehold plan . shows", async () => {
  const run = await plan("aws", program, {
    project: "crown-marketplace", // Pulumi.yaml's name; freehold:name defaults to it, and physical names carry it
    stack: "prod", // pulumi.getStack(), also in every physical name
    config: {
      "freehold:region": "london",
      "freehold:residency": "uk",
      // An object or list is given as its JSON text, as Pulumi hands structured config to a program.
      "freehold:tags": JSON.stringify({ service: "crown-marketplace", owner: "digital-marketplace-team" }),
    },
  });
  const db = run.resources.find((r) => r.type === "aws:rds/instance:Instance");
  expect(db?.inputs.identifier).toBe("crown-marketplace-prod-db");
  expect(db?.inputs.tags).toMatchObject({ service: "crown-marketplace", "freehold-stack": "crown-marketplace", "pulumi-stack": "prod" });
});

it("plans as project freehold, stack dev, without them", async () => {
  const run = await plan("aws", program);
  const db = run.resources.find((r) => r.type === "aws:rds/instance:Instance");
  expect(db?.inputs.identifier).toBe("freehold-dev-db");
});
