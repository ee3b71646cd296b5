import { FEATURES } from "@freehold/core";
import { parseComponent, UnsupportedFeatureError, WebServiceSpec } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { CAPABILITIES } from "./capabilities";
import { checkWebService } from "./web-service";

describe("capability table", () => {
  it("has exactly one row for every neutral feature", () => {
    const ids = CAPABILITIES.map((c) => c.feature);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(Object.keys(FEATURES).sort());
  });

  it("explains every row and cites a source", () => {
    for (const c of CAPABILITIES) {
      expect(c.note.length, c.feature).toBeGreaterThan(10);
      expect(c.source, c.feature).toMatch(/^https:\/\//);
    }
  });

  it("lists as unsupported exactly what a web service refuses", () => {
    const none = CAPABILITIES.filter((c) => c.support === "none").map((c) => c.feature).sort();
    expect(none).toEqual(["web-service.custom-domain", "web-service.private-registry", "web-service.read-only-root-filesystem", "web-service.run-as-user"]);
    const spec = (extra: object) => parseComponent(WebServiceSpec, { kind: "web-service", image: "nginx", writableRootFilesystem: true, ...extra }, "web");
    const refused = (extra: object) => {
      try {
        checkWebService({ name: "web", spec: spec(extra) });
        return undefined;
      } catch (e) {
        expect(e).toBeInstanceOf(UnsupportedFeatureError);
        return (e as UnsupportedFeatureError).feature;
      }
    };
    expect(refused({ public: true, domain: "app.example.gov.uk" })).toBe("web-service.custom-domain");
    expect(refused({ writableRootFilesystem: false })).toBe("web-service.read-only-root-filesystem");
    expect(refused({ user: "1000" })).toBe("web-service.run-as-user");
    expect(refused({ registry: { server: "ghcr.io", username: "bot", passwordSecret: "token" } })).toBe("web-service.private-registry");
    expect(refused({ public: true, scaling: { min: 0, max: 5 } })).toBeUndefined();
  });

  it("tells the user how to proceed when refusing a read-only root filesystem asked for explicitly", () => {
    const spec = parseComponent(WebServiceSpec, { kind: "web-service", image: "nginx", writableRootFilesystem: false }, "web");
    expect(() => checkWebService({ name: "web", spec })).toThrow(
      "web: azure cannot provide web-service.read-only-root-filesystem: Container Apps has no read-only root filesystem setting. Set writableRootFilesystem: true for this service to accept a writable root filesystem on Azure",
    );
  });
});
