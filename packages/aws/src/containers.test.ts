/**
 * What a Freehold task on Fargate gets around the application: a /tmp any user
 * can write on a read-only root, and the databases' certificate authorities in
 * a file any user can read, so that links verify the server (verify-full).
 */
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATABASE_CA_PATH, deployStack, registerBackend, runWithMocks } from "@freehold/core";
import { CLOUD_REGIONS, parseStack } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { caBundle, PREPARE_CONTAINER, PREPARE_SCRIPT, scratchMiB } from "./containers";
import { ALPINE_IMAGE } from "./images";
import { backend } from "./index";
import { RDS_ROOT_CAS, rdsCaBundle } from "./rds-ca";

registerBackend(backend);

describe("the RDS certificate authorities", () => {
  it("has, for every AWS region Freehold deploys to, that region's three G1 roots, self-signed, with the fingerprints recorded", () => {
    expect(Object.keys(RDS_ROOT_CAS).sort()).toEqual(Object.keys(CLOUD_REGIONS.aws).sort());
    for (const [region, cas] of Object.entries(RDS_ROOT_CAS)) {
      expect(cas.map((c) => c.algorithm)).toEqual(["RSA2048", "RSA4096", "ECC384"]);
      for (const ca of cas) {
        const x = new X509Certificate(ca.pem);
        expect(x.subject).toContain(`CN=Amazon RDS ${region} Root CA ${ca.algorithm} G1`);
        expect(x.checkIssued(x) && x.verify(x.publicKey)).toBe(true);
        expect(x.fingerprint256.replace(/:/g, "").toLowerCase()).toBe(ca.sha256);
        expect(Date.parse(x.validTo)).toBeGreaterThan(Date.parse("2061-01-01"));
      }
    }
    expect(RDS_ROOT_CAS["eu-west-2"]?.[0]?.sha256).toBe("3455640af7798b30da9c6179b5e21e23d95dabb7873a12fec70b02092745f04e");
  });

  it("gives the database's region's bundle as serverCa, and links verify-full against it", async () => {
    const run = await runWithMocks("aws", () => {
      const { components } = deployStack(parseStack("name: t\ncomponents:\n  db: { kind: database }\n  web: { kind: web-service, image: x, links: [db] }"));
      return { ca: (components.db as unknown as { serverCa: unknown }).serverCa };
    });
    expect(run.outputs.ca).toBe(rdsCaBundle("eu-west-2"));
    const defs = JSON.parse(run.resources.find((r) => r.name === "web-task")?.inputs.containerDefinitions as string) as Array<Record<string, unknown>>;
    const env = Object.fromEntries(((defs[0]?.environment ?? []) as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ DATABASE_SSLMODE: "verify-full", DATABASE_SSLROOTCERT: DATABASE_CA_PATH });
    const prepare = defs.find((c) => c.name === PREPARE_CONTAINER) as Record<string, unknown>;
    expect(prepare).toMatchObject({ image: ALPINE_IMAGE.ref, essential: false, readonlyRootFilesystem: true, user: "0:0", linuxParameters: { capabilities: { drop: ["ALL"] } } });
    expect((prepare.environment as Array<{ name: string; value: string }>).find((e) => e.name === "FREEHOLD_DATABASE_CA")?.value).toBe(rdsCaBundle("eu-west-2"));
  });

  it("puts every linked database's authorities in one bundle, each certificate once", () => {
    const london = rdsCaBundle("eu-west-2") as string;
    const dublin = rdsCaBundle("eu-west-1") as string;
    expect(caBundle([london, london]).match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    expect(caBundle([london, dublin]).match(/BEGIN CERTIFICATE/g)).toHaveLength(6);
  });
});

describe("the preparation step", () => {
  it("writes the bundle readable by every user, and fails on an empty one", () => {
    const dir = mkdtempSync(join(tmpdir(), "freehold-prepare-"));
    try {
      const file = join(dir, "database-ca.pem");
      const bundle = rdsCaBundle("eu-west-2") as string;
      execFileSync("sh", ["-c", PREPARE_SCRIPT], { env: { PATH: process.env.PATH, FREEHOLD_DATABASE_CA: bundle, FREEHOLD_CA_FILE: file } });
      expect(readFileSync(file, "utf8")).toBe(bundle);
      expect(statSync(file).mode & 0o777).toBe(0o644);
      expect(() => execFileSync("sh", ["-c", PREPARE_SCRIPT], { env: { PATH: process.env.PATH, FREEHOLD_DATABASE_CA: "", FREEHOLD_CA_FILE: file }, stdio: "pipe" })).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a writable /tmp on a read-only root, for any user", () => {
  it("mounts a tmpfs on /tmp (mode 1777) in a read-only container running as another user, instead of a root-owned task volume", async () => {
    const run = await runWithMocks("aws", () => deployStack(parseStack('name: t\ncomponents:\n  worker: { kind: web-service, image: x, user: "10001", size: { cpu: 1, memoryGiB: 2 } }')).outputs);
    const task = run.resources.find((r) => r.name === "worker-task")?.inputs as Record<string, unknown>;
    const [app] = JSON.parse(task.containerDefinitions as string) as Array<Record<string, unknown>>;
    expect(app).toMatchObject({ user: "10001", readonlyRootFilesystem: true, linuxParameters: { tmpfs: [{ containerPath: "/tmp", size: 512, mountOptions: ["mode=1777", "nosuid", "nodev"] }] } });
    expect(task.volumes).toEqual([]);
    expect(JSON.stringify(app?.mountPoints)).not.toContain("/tmp");
  });

  it("sizes the tmpfs at a quarter of the task's memory, between 64 MiB and 2 GiB", () => {
    expect([scratchMiB(512), scratchMiB(2048), scratchMiB(30720)]).toEqual([128, 512, 2048]);
    expect(scratchMiB(128)).toBe(64);
  });
});
