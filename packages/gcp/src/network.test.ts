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

  it("enables each API the stack uses once, in the project it read, never disabling it on destroy", () => {
    const apis = all(run, "gcp:projects/service:Service");
    expect(apis.map((a) => a.inputs.service).sort()).toEqual([
      "artifactregistry.googleapis.com",
      "compute.googleapis.com",
      "dns.googleapis.com",
      "iam.googleapis.com",
      "run.googleapis.com",
      "secretmanager.googleapis.com",
      "sqladmin.googleapis.com",
    ]);
    for (const a of apis) expect(a.inputs).toMatchObject({ disableOnDestroy: false, project: "freehold-plan" });
  });

  it("creates one custom-mode VPC and a subnet in the region, shared by every database's endpoint and every service's egress", () => {
    expect(one(run, "gcp:compute/network:Network").inputs).toMatchObject({ name: "shop-dev-network", autoCreateSubnetworks: false });
    expect(one(run, "gcp:compute/subnetwork:Subnetwork").inputs).toMatchObject({ region: "europe-west2", ipCidrRange: "10.10.0.0/20", privateIpGoogleAccess: true });
    expect(all(run, "gcp:compute/forwardingRule:ForwardingRule").map((r) => r.inputs.network)).toEqual(["shop-dev-network", "shop-dev-network"]);
    const platform = one(run, "freehold:index:Platform");
    for (const t of ["gcp:compute/network:Network", "gcp:compute/subnetwork:Subnetwork"]) expect(one(run, t).parent).toBe(platform.urn);
  });

  it("keeps nothing of the network on destroy: the protected data stops a destroy that would take it", () => {
    for (const t of ["gcp:compute/network:Network", "gcp:compute/subnetwork:Subnetwork"]) expect(one(run, t).options.retainOnDelete, t).toBe(false);
    expect(all(run, "gcp:servicenetworking/connection:Connection")).toEqual([]);
  });

  it("names each of two linked databases' variables by component and grants each secret", () => {
    const webReads = all(run, "gcp:secretmanager/secretIamMember:SecretIamMember").filter((g) => String(g.inputs.member).includes("shop-dev-web@"));
    expect(webReads.map((g) => g.inputs.secretId).sort()).toEqual(["shop-dev-db-db-password-2r9n", "shop-dev-reports-db-password-2n7o", "shop-dev-web-database-ca"]);
    expect(all(run, "gcp:projects/iAMMember:IAMMember")).toEqual([]);
  });

  it("parents every child to its component or the platform", () => {
    const components = new Set(run.resources.filter((r) => !r.custom).map((r) => r.urn));
    for (const r of run.resources.filter((x) => x.custom)) expect(components.has(r.parent ?? ""), r.name).toBe(true);
  });
});
