/**
 * Bring your own network on Google Cloud: every lifecycle scenario for a stack
 * that deploys into an existing VPC and subnet (network.gcp), on the simulated
 * cloud. Freehold creates nothing of the network, so destroying the stack
 * leaves it, and a second stack shares it.
 */
import { parseStack } from "@freehold/model";
import { beforeAll, describe, expect, it } from "vitest";
import { knownFailure } from "./known";
import { scenariosFor } from "./scenarios";
import { runStack, type StackResult } from "./suite";

const BYO = `
name: shared-vpc
network:
  gcp: { network: projects/host/global/networks/shared, subnetwork: projects/host/regions/europe-west2/subnetworks/apps }
components:
  db: { kind: database, deletionProtection: false }
  files: { kind: object-store }
  web: { kind: web-service, image: ghcr.io/example/web:3, public: true, writableRootFilesystem: true, links: [db, files] }
`;

describe("the life of a stack on a network it was given (gcp)", () => {
  let result: StackResult;
  beforeAll(async () => {
    result = await runStack(BYO, "gcp");
  }, 600_000);

  it("deploys with no network of its own", () => {
    expect(result.first).toMatchObject({ outcome: "ok" });
  });

  for (const s of scenariosFor(parseStack(BYO))) {
    it(`${s.id}: ${s.title}`, () => {
      const problem = result.scenarios.find((x) => x.id === s.id)?.problem;
      if (knownFailure("gcp", "*", s.id, new Set())) expect(problem).toBeDefined();
      else expect(problem).toBeUndefined();
    });
  }
});
