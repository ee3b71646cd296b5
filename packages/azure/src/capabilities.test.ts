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

  it("lists as unsupported exactly what a web service refuses (and a worker's and a job's own rows for the same two settings)", () => {
    const none = CAPABILITIES.filter((c) => c.support === "none" && c.feature.startsWith("web-service.")).map((c) => c.feature).sort();
    expect(CAPABILITIES.filter((c) => c.support === "none" && !c.feature.startsWith("web-service.")).map((c) => c.feature).sort()).toEqual([
      "scheduled-job.read-only-root-filesystem",
      "scheduled-job.run-as-user",
      "worker.read-only-root-filesystem",
      "worker.run-as-user",
    ]);
    expect(none).toEqual(["web-service.read-only-root-filesystem", "web-service.run-as-user", "web-service.web-application-firewall"]);
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
    expect(refused({ public: true, domain: "app.example.gov.uk" })).toBeUndefined();
    expect(refused({ writableRootFilesystem: false })).toBe("web-service.read-only-root-filesystem");
    expect(refused({ user: "1000" })).toBe("web-service.run-as-user");
    expect(refused({ registry: { server: "ghcr.io", username: "bot", passwordSecret: "token" } })).toBeUndefined();
    expect(refused({ public: true, scaling: { min: 0, max: 5 } })).toBeUndefined();
    expect(refused({ public: true, ipAllowList: ["203.0.113.0/24"] })).toBeUndefined();
    // A list Container Apps could not enforce (no IPv4 range) is refused rather than left open.
    expect(refused({ public: true, ipAllowList: ["2001:db8::/32"] })).toBe("web-service.ip-allow-list");
    expect(refused({ public: true, webApplicationFirewall: true })).toBe("web-service.web-application-firewall");
  });

  it("gives custom domains, private registries and encrypted private traffic in full", () => {
    const row = (f: string) => CAPABILITIES.find((c) => c.feature === f);
    expect(row("web-service.custom-domain")?.support).toBe("full");
    expect(row("web-service.private-registry")?.support).toBe("full");
    expect(row("web-service.private")).toMatchObject({ support: "full", note: expect.stringContaining("encrypted in transit") });
  });

  it("dates the end of standard support of every PostgreSQL version, from Microsoft's pages, and marks a version past it partial", () => {
    const rows = CAPABILITIES.filter((c) => c.feature.startsWith("database.postgres-"));
    expect(rows.map((r) => [r.feature, r.endOfSupport])).toEqual([
      ["database.postgres-13", "2026-07-31"],
      ["database.postgres-14", "2026-12-11"],
      ["database.postgres-15", "2027-11-11"],
      ["database.postgres-16", "2028-11-09"],
      ["database.postgres-17", "2029-11-08"],
    ]);
    for (const r of rows) expect(r.source, r.feature).toMatch(/^https:\/\/learn\.microsoft\.com\/azure\/postgresql\/flexible-server\/(extended-support|concepts-version-policy)$/);
    expect(rows.filter((r) => r.support !== "full").map((r) => r.feature)).toEqual(["database.postgres-13"]);
  });

  it("tells the user how to proceed when refusing a read-only root filesystem asked for explicitly", () => {
    const spec = parseComponent(WebServiceSpec, { kind: "web-service", image: "nginx", writableRootFilesystem: false }, "web");
    expect(() => checkWebService({ name: "web", spec })).toThrow(
      "web: azure cannot provide web-service.read-only-root-filesystem: Container Apps has no read-only root filesystem setting. Set writableRootFilesystem: true for this service to accept a writable root filesystem on Azure",
    );
  });
});
