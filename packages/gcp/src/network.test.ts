import type { MockRun } from "@freehold/core";
import { beforeAll, describe, expect, it } from "vitest";
import { all, one, plan } from "./testing";

const stack = `
name: shop
components:
  db: { kind: database }
  reports: { kind: database }
  web: { kind: web-service, image: nginx, writableRootFilesystem: true, links: [db, reports] }
`;

describe("shared platform on gcp", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(stack);
  });

  it("enables each API the stack uses once, never disabling it on destroy", () => {
    const apis = all(run, "gcp:projects/service:Service");
    expect(apis.map((a) => a.inputs.service).sort()).toEqual([
      "cloudresourcemanager.googleapis.com",
      "compute.googleapis.com",
      "iam.googleapis.com",
      "run.googleapis.com",
      "secretmanager.googleapis.com",
      "servicenetworking.googleapis.com",
      "sqladmin.googleapis.com",
    ]);
    for (const a of apis) expect(a.inputs).toMatchObject({ disableOnDestroy: false });
  });

  it("creates one custom-mode VPC, a subnet in the region and private services access, shared by every database", () => {
    expect(one(run, "gcp:compute/network:Network").inputs).toMatchObject({ name: "shop-dev-network", autoCreateSubnetworks: false });
    expect(one(run, "gcp:compute/subnetwork:Subnetwork").inputs).toMatchObject({ region: "europe-west2", ipCidrRange: "10.10.0.0/20", privateIpGoogleAccess: true });
    expect(one(run, "gcp:compute/globalAddress:GlobalAddress").inputs).toMatchObject({ purpose: "VPC_PEERING", addressType: "INTERNAL", prefixLength: 16 });
    expect(one(run, "gcp:servicenetworking/connection:Connection").inputs).toEqual({
      network: "shop-network-id",
      service: "servicenetworking.googleapis.com",
      reservedPeeringRanges: ["shop-dev-private-services"],
    });
    const platform = one(run, "freehold:index:Platform");
    for (const t of ["gcp:compute/network:Network", "gcp:servicenetworking/connection:Connection"]) expect(one(run, t).parent).toBe(platform.urn);
  });

  it("retains the network pieces a retained database still uses", () => {
    for (const t of ["gcp:compute/network:Network", "gcp:compute/globalAddress:GlobalAddress", "gcp:servicenetworking/connection:Connection"]) {
      expect(one(run, t).options.retainOnDelete, t).toBe(true);
    }
  });

  it("names each of two linked databases' variables by component and grants each secret", () => {
    expect(all(run, "gcp:secretmanager/secretIamMember:SecretIamMember").map((g) => g.inputs.secretId).sort()).toEqual(["shop-dev-db-db-password", "shop-dev-reports-db-password"]);
    expect(all(run, "gcp:projects/iAMMember:IAMMember")).toHaveLength(2);
  });

  it("parents every child to its component or the platform", () => {
    const components = new Set(run.resources.filter((r) => !r.custom).map((r) => r.urn));
    for (const r of run.resources.filter((x) => x.custom)) expect(components.has(r.parent ?? ""), r.name).toBe(true);
  });
});
