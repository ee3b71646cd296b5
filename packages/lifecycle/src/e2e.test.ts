import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main, missingForRealRun, parseE2eArgs, rcloneRemote } from "./e2e";

const fakeBin = mkdtempSync(join(tmpdir(), "freehold-fake-pulumi-"));
writeFileSync(join(fakeBin, "pulumi"), "#!/bin/sh\necho v3.200.0\n");
chmodSync(join(fakeBin, "pulumi"), 0o755);
const emptyHome = mkdtempSync(join(tmpdir(), "freehold-home-"));
afterAll(() => {
  rmSync(fakeBin, { recursive: true, force: true });
  rmSync(emptyHome, { recursive: true, force: true });
});

describe("npm run e2e", () => {
  it("lists every problem with its arguments at once", () => {
    expect(parseE2eArgs(["--cloud", "oracle", "--db-tunnel", "nope", "--bogus"]).problems).toEqual([
      'unknown argument "--bogus"; allowed: --cloud aws|azure|gcp, --scenarios ID,..., --db-tunnel HOST:PORT, --keep',
      '--cloud: "oracle" is not allowed; allowed: aws, azure, gcp',
      '--db-tunnel: "nope" is not HOST:PORT',
    ]);
    expect(parseE2eArgs([]).problems).toEqual(["--cloud: required; allowed: aws, azure, gcp"]);
  });

  it("runs for real only with the Pulumi CLI and the cloud's credentials, and says which is missing", () => {
    expect(missingForRealRun("aws", { PATH: emptyHome }, emptyHome)).toBe("no Pulumi CLI on this machine");
    const path = { PATH: `${fakeBin}:/usr/bin:/bin` };
    expect(missingForRealRun("aws", path, emptyHome)).toBe("no AWS credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE or OIDC web identity)");
    expect(missingForRealRun("aws", { ...path, AWS_WEB_IDENTITY_TOKEN_FILE: "/tmp/token" }, emptyHome)).toBeUndefined();
    expect(missingForRealRun("azure", { ...path, ARM_CLIENT_ID: "x", ARM_USE_OIDC: "true" }, emptyHome)).toBe("no Azure subscription (ARM_SUBSCRIPTION_ID)");
    expect(missingForRealRun("gcp", { ...path, GOOGLE_CREDENTIALS: "{}" }, emptyHome)).toBe("no Google Cloud project (GOOGLE_PROJECT)");
  });

  it("without them, says so in one line and runs the scenarios on the simulated cloud", async () => {
    const lines: string[] = [];
    const code = await main(["--cloud", "gcp", "--scenarios", "up-again"], (l) => lines.push(l));
    expect(lines[0]).toBe("e2e: no Pulumi CLI on this machine: running the lifecycle scenarios against the simulated gcp cloud instead (docs/lifecycle.md).");
    expect(lines[1]).toBe("one object store: first up ok; 1/1 scenarios as expected (0 refused before any change, by design)");
    expect(code).toBe(lines.some((l) => l.includes("FAILS")) ? 1 : 0);
  });

  it("reaches each store with rclone's own credentials from the environment, never keys on the command line", () => {
    expect(rcloneRemote("aws", "b1", "https://s3.eu-west-2.amazonaws.com", "eu-west-2")).toBe(":s3,provider=AWS,env_auth=true,region=eu-west-2:b1");
    expect(rcloneRemote("azure", "files", "https://acct1.blob.core.windows.net", "")).toBe(":azureblob,env_auth=true,account=acct1:files");
    expect(rcloneRemote("gcp", "b2", "https://storage.googleapis.com", "")).toBe(":gcs,env_auth=true,bucket_policy_only=true:b2");
  });
});
