import type { MockRun } from "@freehold/core";
import { beforeAll, describe, expect, it } from "vitest";
import { all, one, plan } from "./testing";

const BUCKET = "gcp:storage/bucket:Bucket";
const stack = `
name: shop
tags: { team: digital }
components:
  files:
    kind: object-store
    lifecycle: [{ prefix: logs/, expireAfterDays: 90 }, { expireAfterDays: 3650 }]
    cors: [{ allowedOrigins: ["https://shop.example.gov.uk"], allowedMethods: [GET, PUT] }]
  scratch: { kind: object-store, versioning: false, deletionProtection: false }
`;

describe("object store on Cloud Storage", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(stack);
  });

  it("creates a private, uniformly controlled bucket in the stack's region", () => {
    expect(one(run, BUCKET, "files-bucket").inputs).toMatchObject({
      location: "EUROPE-WEST2",
      storageClass: "STANDARD",
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      forceDestroy: false,
      versioning: { enabled: true },
      softDeletePolicy: { retentionDurationSeconds: 604800 },
      labels: { team: "digital", "managed-by": "freehold", "freehold-stack": "shop" },
    });
    expect(one(run, BUCKET, "files-bucket").inputs.name).toMatch(/^shop-dev-files-[a-z0-9]{6}-2oya$/);
  });

  it("expires current objects under a prefix after the days given, and on a versioned bucket the noncurrent versions they leave the same days after", () => {
    const b = one(run, BUCKET, "files-bucket").inputs;
    expect(b.lifecycleRules).toEqual([
      { action: { type: "Delete" }, condition: { age: 90, withState: "LIVE", matchesPrefixes: ["logs/"] } },
      { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 90, withState: "ARCHIVED", matchesPrefixes: ["logs/"] } },
      { action: { type: "Delete" }, condition: { age: 3650, withState: "LIVE" } },
      { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 3650, withState: "ARCHIVED" } },
      // previousVersionsExpireAfterDays (30 by default): every previous version, beside the stack's own rules.
      { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 30, withState: "ARCHIVED" } },
    ]);
    // No versioning, no previous versions to expire.
    expect(one(run, BUCKET, "scratch-bucket").inputs.lifecycleRules).toEqual([]);
  });

  it("answers a browser's preflight for an upload with Content-Type", () => {
    const b = one(run, BUCKET, "files-bucket").inputs;
    expect(b.cors).toEqual([{ origins: ["https://shop.example.gov.uk"], methods: ["GET", "PUT"], responseHeaders: expect.arrayContaining(["Content-Type", "x-goog-resumable"]), maxAgeSeconds: 3600 }]);
  });

  it("retains a bucket by default; without deletion protection it is emptied and deleted on removal", () => {
    expect(one(run, BUCKET, "files-bucket").options).toMatchObject({ protect: true, retainOnDelete: true });
    expect(one(run, BUCKET, "files-bucket").inputs.forceDestroy).toBe(false);
    expect(one(run, BUCKET, "scratch-bucket").options.retainOnDelete).toBe(false);
    expect(one(run, BUCKET, "scratch-bucket").inputs.forceDestroy).toBe(true);
    expect(one(run, BUCKET, "scratch-bucket").inputs.versioning).toEqual({ enabled: false });
  });

  it("creates no network for a stack of buckets, and enables only the storage API", () => {
    expect(all(run, "gcp:compute/network:Network")).toEqual([]);
    expect(all(run, "gcp:projects/service:Service").map((s) => s.inputs.service)).toEqual(["storage.googleapis.com"]);
  });

  it("exposes the bucket name and the HTTPS endpoint", () => {
    const c = run.components.find((x) => x.name === "files");
    expect(c?.description.service).toBe("Cloud Storage");
    expect(run.resources.filter((r) => r.type === "freehold:index:ObjectStore")).toHaveLength(2);
  });
});
