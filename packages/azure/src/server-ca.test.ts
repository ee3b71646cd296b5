import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { POSTGRES_ROOTS, POSTGRES_SERVER_CA } from "./server-ca";

describe("the PostgreSQL server's root authorities", () => {
  it("are the two roots Microsoft names for flexible servers, each with the thumbprint Microsoft publishes", () => {
    for (const root of POSTGRES_ROOTS) {
      const cert = new X509Certificate(root.pem);
      // Node writes fingerprints as upper-case hex pairs; Microsoft's table has lower-case hex.
      expect(cert.fingerprint.replace(/:/g, "").toLowerCase(), root.name).toBe(root.sha1);
      expect(cert.subject, root.name).toContain(`CN=${root.name}`);
      // Self-signed roots, valid well beyond today.
      expect(cert.issuer).toBe(cert.subject);
      expect(new Date(cert.validTo).getUTCFullYear(), root.name).toBeGreaterThanOrEqual(2038);
    }
    expect(POSTGRES_ROOTS.map((r) => r.sha1)).toEqual(["df3c24f9bfd666761b268073fe06d1cc8d4f82a4", "73a5e64a3bff8316ff0edccc618a906e4eae4d74"]);
  });

  it("bundle both, and nothing else, as PEM", () => {
    const blocks = POSTGRES_SERVER_CA.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    expect(blocks).toHaveLength(2);
    expect(blocks.map((b) => new X509Certificate(b).fingerprint.replace(/:/g, "").toLowerCase())).toEqual(POSTGRES_ROOTS.map((r) => r.sha1));
    expect(POSTGRES_SERVER_CA.replace(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g, "").trim()).toBe("");
  });
});
