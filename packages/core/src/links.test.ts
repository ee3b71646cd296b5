import { describe, expect, it } from "vitest";
import { DATABASE_CA_PATH, type LinkTarget } from "./backend";
import { linkEnvironment, linkEnvironmentNames } from "./links";

const db = (name: string, serverCa?: string): LinkTarget => ({
  name,
  kind: "database",
  access: "readWrite",
  handle: {},
  outputs: { host: `${name}.internal`, port: "5432", databaseName: "app", username: "app", ...(serverCa ? { serverCa } : {}) },
});

describe("the database TLS contract of a link", () => {
  it("verifies the server (verify-full) with the CA file every backend mounts when the database gives its CA", () => {
    const env = linkEnvironment("aws", [db("db", "-----BEGIN CERTIFICATE-----\n...")]);
    expect(env.plain.DATABASE_SSLMODE).toBe("verify-full");
    expect(env.plain.DATABASE_SSLROOTCERT).toBe(DATABASE_CA_PATH);
    expect(DATABASE_CA_PATH).toBe("/etc/freehold/tls/database-ca.pem");
  });

  it("falls back to an encrypted connection that does not verify the server (require) without a CA, and sets no root certificate", () => {
    const env = linkEnvironment("aws", [db("db")]);
    expect(env.plain.DATABASE_SSLMODE).toBe("require");
    expect(env.plain).not.toHaveProperty("DATABASE_SSLROOTCERT");
  });

  it("reserves DATABASE_SSLROOTCERT so a service's own env cannot clash with it", () => {
    expect(linkEnvironmentNames("gcp", [db("db")])).toContain("DATABASE_SSLROOTCERT");
    expect(linkEnvironmentNames("gcp", [db("orders"), db("reports")])).toEqual(expect.arrayContaining(["ORDERS_DATABASE_SSLROOTCERT", "REPORTS_DATABASE_SSLROOTCERT"]));
  });
});
