import { describe, expect, it } from "vitest";
import { backend } from "./index";
import { rdsCaBundle } from "./rds-ca";

const stack = { name: "shop", stack: "dev", prefix: "shop-dev", region: { cloud: "aws" as const, region: "eu-west-2", country: "GB", city: "London", zones: 3 }, residency: "uk" as const, tags: {} };

describe("migration details", () => {
  it("reaches the private database through an SSM tunnel, verified (verify-full) against the region's RDS root CAs, and reads the password from the RDS-managed secret", () => {
    const m = backend.migration.database({ name: "db", stack, databaseName: "app", physicalName: "shop-db" });
    expect(m).toMatchObject({ port: 5432, database: "app", user: "freehold", sslmode: "verify-full" });
    // The same bundle linked services get; through the tunnel libpq checks the instance's name (host) while connecting to hostaddr.
    expect(m.serverCa).toEqual({ pem: rdsCaBundle("eu-west-2") });
    expect(m.access).toContain("host=<the instance's endpoint address> hostaddr=127.0.0.1 port=15432 sslmode=verify-full");
    expect(backend.migration.database({ name: "db", stack: { ...stack, region: { ...stack.region, region: "xx-test-1" } }, databaseName: "app" }).serverCa).toEqual({
      command: "curl -fsS https://truststore.pki.rds.amazonaws.com/xx-test-1/xx-test-1-bundle.pem",
    });
    expect(m.host).toContain("--db-instance-identifier shop-db");
    expect(m.access).toContain("AWS-StartPortForwardingSessionToRemoteHost");
    expect(m.passwordCommand).toContain("MasterUserSecret.SecretArn");
  });

  it("describes an rclone S3 remote with credentials from the environment", () => {
    const m = backend.migration.objectStore({ name: "files", stack, bucketName: "shop-files-abc123" });
    expect(m).toMatchObject({ rcloneType: "s3", path: "shop-files-abc123", rcloneOptions: { provider: "AWS", env_auth: "true", region: "eu-west-2" } });
  });

  it("prices egress at the S3 list price with 100 GB free", () => {
    expect(backend.migration.egress.usd).toBe(0.09);
    expect(backend.migration.freeEgressGiB).toBe(100);
  });
});
