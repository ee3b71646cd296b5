import { describe, expect, it } from "vitest";
import { CLOUD_REGIONS, COPY_LOCATIONS, locationCountry } from "./regions";

describe("locationCountry", () => {
  it("knows the regions a stack can be placed in and the paired regions Azure copies data to", () => {
    expect(locationCountry("azure", "uksouth")).toBe("GB");
    expect(locationCountry("azure", "germanynorth")).toBe("DE");
    expect(locationCountry("azure", "westus")).toBe("US");
    expect(locationCountry("gcp", "europe-west2")).toBe("GB");
  });

  it("gives no country for a multi-region or unknown location", () => {
    expect(locationCountry("gcp", "EU")).toBeUndefined();
    expect(locationCountry("aws", "germanynorth")).toBeUndefined();
  });

  it("never offers a copy location as a region to deploy to", () => {
    for (const cloud of ["aws", "azure", "gcp"] as const)
      for (const l of Object.keys(COPY_LOCATIONS[cloud])) expect(CLOUD_REGIONS[cloud][l]).toBeUndefined();
  });
});
