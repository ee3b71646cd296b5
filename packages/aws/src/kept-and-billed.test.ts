/**
 * What a database and a bucket keep, and what that costs: backups kept after
 * a delete (backups.keepOnDelete), previous object versions that expire
 * (previousVersionsExpireAfterDays), storage autoscaling owning the RDS
 * allocation, and RDS Extended Support set deliberately and priced.
 */
import { type CostLine, type MockRun, type PlannedResource, deployStack, registerBackend, runWithMocks } from "@freehold/core";
import { planCost } from "@freehold/core/testing";
import { parseStack } from "@freehold/model";
import { describe, expect, it } from "vitest";
import { backend } from "./index";
import { lifecycleRules } from "./object-store";

registerBackend(backend);

const plan = (yaml: string) => runWithMocks("aws", () => deployStack(parseStack(yaml)).outputs);
const named = (run: MockRun, name: string): PlannedResource | undefined => run.resources.find((r) => r.name === name);
const items = (lines: CostLine[] | undefined) => (lines ?? []).map((l) => l.item);

describe("backups kept when a database is deleted (backups.keepOnDelete)", () => {
  it("keeps a final snapshot and the automated backups by default", async () => {
    const run = await plan("name: k\ncomponents:\n  db: { kind: database, deletionProtection: false }\n");
    expect(named(run, "db-instance")?.inputs).toMatchObject({ skipFinalSnapshot: false, deleteAutomatedBackups: false, finalSnapshotIdentifier: expect.stringMatching(/^k-dev-db-final-/) });
    expect(named(run, "db-final-snapshot-id")).toBeDefined();
  });

  it("keeps nothing, and names no final snapshot, when keepOnDelete is false", async () => {
    const run = await plan("name: k\ncomponents:\n  db: { kind: database, deletionProtection: false, backups: { keepOnDelete: false } }\n");
    expect(named(run, "db-instance")?.inputs).toMatchObject({ skipFinalSnapshot: true, deleteAutomatedBackups: true });
    expect(named(run, "db-instance")?.inputs.finalSnapshotIdentifier).toBeUndefined();
    expect(named(run, "db-final-snapshot-id")).toBeUndefined();
  });

  it("prices what a destroy leaves: the final snapshot until deleted, and the automated backups for their retention", async () => {
    const { afterDestroy } = await planCost("aws", "name: k\ncomponents:\n  db: { kind: database, storageGiB: 100, deletionProtection: false, backups: { retentionDays: 14 } }\n");
    expect(items(afterDestroy)).toEqual([
      "final snapshot kept after a destroy until you delete it, 100 GB (the provisioned storage, at most)",
      "automated backups kept 14 days after a destroy, then deleted by RDS, 100 GB (the provisioned storage, at most; the cost of those days)",
    ]);
    expect(afterDestroy[1]?.quantity).toBeCloseTo((100 * 14) / 30, 3);
    const none = await planCost("aws", "name: k\ncomponents:\n  db: { kind: database, deletionProtection: false, backups: { keepOnDelete: false } }\n");
    expect(none.afterDestroy).toEqual([]);
  });
});

describe("previous object versions expire (previousVersionsExpireAfterDays)", () => {
  it("deletes every previous version 30 days after it stopped being current by default, and the delete markers left alone", () => {
    const rules = lifecycleRules(parseStack("name: s\ncomponents:\n  f: { kind: object-store }").components.f as never) ?? [];
    expect(rules).toContainEqual({ id: "expire-previous-versions", status: "Enabled", filter: { prefix: "" }, noncurrentVersionExpiration: { noncurrentDays: 30 }, expiration: { expiredObjectDeleteMarker: true } });
  });

  it("takes another number of days from the spec, beside the stack's own prefix rules", async () => {
    const run = await plan("name: s\ncomponents:\n  f: { kind: object-store, previousVersionsExpireAfterDays: 90, lifecycle: [{ prefix: tmp/, expireAfterDays: 7 }] }\n");
    const rules = named(run, "f-lifecycle")?.inputs.rules as Array<Record<string, unknown>>;
    expect(rules.map((r) => r.id)).toEqual(["abort-incomplete-multipart-uploads", "expire-previous-versions", "expire-1"]);
    expect(rules[1]).toMatchObject({ noncurrentVersionExpiration: { noncurrentDays: 90 } });
  });
});

describe("RDS storage after creation", () => {
  it("leaves the allocation to storage autoscaling: a new storageGiB moves only the ceiling", async () => {
    const run = await plan("name: k\ncomponents:\n  db: { kind: database, storageGiB: 100 }\n");
    expect(named(run, "db-instance")?.inputs).toMatchObject({ allocatedStorage: 100, maxAllocatedStorage: 200 });
    expect(named(run, "db-instance")?.options.ignoreChanges).toEqual(["allocatedStorage"]);
  });
});

describe("RDS Extended Support, set deliberately", () => {
  it("enrols every instance explicitly, so past standard support RDS keeps the version and bills instead of upgrading it unasked", async () => {
    const run = await plan('name: k\ncomponents:\n  db: { kind: database, version: "14" }\n');
    expect(named(run, "db-instance")?.inputs.engineLifecycleSupport).toBe("open-source-rds-extended-support");
  });

  it("prices Extended Support per vCPU-hour, standby included, for a version already past standard support", async () => {
    const { components } = await planCost("aws", 'name: k\ncomponents:\n  db: { kind: database, version: "13", size: { cpu: 2, memoryGiB: 8 }, highAvailability: true, acceptDegraded: [database.postgres-13] }\n');
    const line = (components.get("db") ?? []).find((l) => l.item.startsWith("RDS Extended Support"));
    expect(line?.item).toBe("RDS Extended Support for PostgreSQL 13 (standard support ended 2026-02-28), 4 vCPU with the standby");
    expect(line?.quantity).toBe(4 * 730);
    expect(line?.unitPrice).toBe(0.117);
  });

  it("adds nothing for a version still in standard support, or when Extended Support is refused", async () => {
    const current = await planCost("aws", 'name: k\ncomponents:\n  db: { kind: database, version: "16" }\n');
    expect(items(current.components.get("db")).some((i) => i.includes("Extended Support"))).toBe(false);
    const refused = await planCost("aws", 'name: k\ncomponents:\n  db: { kind: database, version: "13", acceptDegraded: [database.postgres-13], vendor: { aws: { instance: { engineLifecycleSupport: open-source-rds-extended-support-disabled } } } }\n');
    expect(items(refused.components.get("db")).some((i) => i.includes("Extended Support"))).toBe(false);
  });
});
