import { describe, expect, it } from "vitest";
import { isNotFound, readOrAbsent, refuseServerMove } from "./live";

describe("reads of what Azure holds now", () => {
  it("take Azure's not-found answers (for the resource or its resource group) as nothing there yet", async () => {
    for (const message of [
      `Status=404 Code="ResourceNotFound" Message="The Resource 'Microsoft.App/containerApps/web' under resource group 's-dev-rg' was not found."`,
      `Code="ResourceGroupNotFound" Message="Resource group 's-dev-rg' could not be found."`,
      "RESPONSE 404: 404 Not Found",
    ]) {
      expect(isNotFound(new Error(message)), message).toBe(true);
      expect(await readOrAbsent("container app web", "to keep its certificate", () => Promise.reject(new Error(message)))).toBeUndefined();
    }
  });

  it("stop the deployment on any other failure, rather than read a bound certificate's hostname as gone", async () => {
    const denied = `Status=403 Code="AuthorizationFailed" Message="The client does not have authorization to perform action 'Microsoft.App/containerApps/read'"`;
    expect(isNotFound(new Error(denied))).toBe(false);
    await expect(readOrAbsent("container app web", "to keep its custom domain's certificate", () => Promise.reject(new Error(denied)))).rejects.toThrow(
      /^Could not read container app web from Azure \(Status=403 Code="AuthorizationFailed".*\): the deployment needs it to keep its custom domain's certificate\./,
    );
    await expect(readOrAbsent("x", "y", () => Promise.resolve({ id: "/x" }))).resolves.toEqual({ id: "/x" });
  });

  it("refuse to move a live PostgreSQL server to a network in another resource group, which would replace it empty", () => {
    const old = "/subscriptions/s/resourceGroups/S-DEV-RG/providers/Microsoft.Network/virtualNetworks/s-dev-vnet/subnets/postgres";
    expect(() => refuseServerMove("s-dev-db", "s-dev-network-abc123", old)).toThrow(
      /^PostgreSQL server s-dev-db is in a subnet of a network in resource group s-dev-rg \(.*\), but this up would put it in the network in s-dev-network-abc123; .*replace the server with an empty one and delete the old one with its data\. Move the data first/,
    );
    // In the network's resource group (any case), not there yet, or its subnet unknown: nothing to refuse.
    expect(() => refuseServerMove("s-dev-db", "s-dev-rg", old)).not.toThrow();
    expect(() => refuseServerMove("s-dev-db", "s-dev-network-abc123", "/subscriptions/s/resourceGroups/s-dev-network-abc123/providers/Microsoft.Network/virtualNetworks/s-dev-vnet/subnets/postgres")).not.toThrow();
    expect(() => refuseServerMove("s-dev-db", "s-dev-rg", undefined)).not.toThrow();
  });
});
