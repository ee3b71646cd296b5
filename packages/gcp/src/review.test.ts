/**
 * Plans that show each finding of the second Google Cloud review is fixed:
 * the inputs that make the difference, one `describe` per finding.
 */
import { type MockRun, priceRun } from "@freehold/core";
import { defaultUsage } from "@freehold/model";
import { beforeAll, describe, expect, it } from "vitest";
import { FINAL_BACKUP_DAYS } from "./database";
import { backend } from "./index";
import { one, plan } from "./testing";

const INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";
const settingsOf = (run: MockRun, name: string) => (one(run, INSTANCE, name).inputs as { settings: Record<string, unknown> }).settings;

describe("2. backups survive the deletion of their database", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(`
name: shop
components:
  db: { kind: database, deletionProtection: false }
  off: { kind: database, deletionProtection: false, backups: { keepOnDelete: false } }
`);
  });

  it("keeps the automated backups and takes a final backup, kept a year, when the instance is deleted", () => {
    expect(settingsOf(run, "db-instance")).toMatchObject({ retainBackupsOnDelete: true, finalBackupConfig: { enabled: true, retentionDays: FINAL_BACKUP_DAYS } });
    expect(FINAL_BACKUP_DAYS).toBe(365);
    expect(one(run, INSTANCE, "db-instance").inputs.finalBackupDescription).toBe("Final backup of Freehold stack shop-dev, database db");
  });

  it("keeps nothing when backups.keepOnDelete is false", () => {
    expect(settingsOf(run, "off-instance")).toMatchObject({ retainBackupsOnDelete: false, finalBackupConfig: { enabled: false } });
    expect(one(run, INSTANCE, "off-instance").inputs.finalBackupDescription).toBeUndefined();
  });

  it("prices what a destroy leaves behind, outside the monthly total", () => {
    const priced = priceRun(backend.pricing, run, defaultUsage());
    const kept = priced.afterDestroy.filter((l) => /backups kept after a destroy/.test(l.item));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ quantity: 20, resourceType: INSTANCE });
    expect([...priced.components.values()].flat().some((l) => /backups kept after a destroy/.test(l.item))).toBe(false);
  });
});
