/**
 * Google Cloud, fourth review: a UK production stack's whole life (destroy with sessions open,
 * region change, storage raised, the last database removed).
 */
import { parseStack, type Stack } from "@freehold/model";
import { type CloudObject, GCP_RULES, RULES, type RuleContext } from "@freehold/rules";
import { describe, expect, it } from "vitest";
import { World } from "./engine";
import { Harness } from "./scenarios";

const SQL_DATABASE = "gcp:sql/database:Database";

const UNPROTECTED = `
name: shop
components:
  db: { kind: database, deletionProtection: false }
  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true, links: [db] }
`;

function live(h: Harness, type: string): CloudObject[] {
  return [...h.world.objects.values()].filter((o) => o.type === type && o.status === "live");
}

/** Someone outside the stack connects to the database (an administrator's psql from the migration host). */
function openSession(h: Harness, who: string): void {
  const [db] = live(h, SQL_DATABASE);
  if (!db) throw new Error("no database to connect to");
  db.facts.sessions = [...((db.facts.sessions as string[] | undefined) ?? []), who];
}

describe("an unprotected database is deleted with its instance, whoever is connected", () => {
  it("destroys the stack while an administrator's session is connected to the database: Freehold never asks Cloud SQL to drop it", async () => {
    const base = parseStack(UNPROTECTED);
    const h = new Harness(new World(RULES), "gcp", base);
    expect((await h.up("first up", base)).error).toBeUndefined();
    openSession(h, "an administrator's psql");
    const d = h.destroy("destroy");
    expect(d.error).toBeUndefined();
    expect(d.outcome).toBe("ok");
    expect(live(h, SQL_DATABASE)).toEqual([]);
  });

  it("removes the database component while an administrator's session is connected", async () => {
    const base = parseStack(UNPROTECTED);
    const h = new Harness(new World(RULES), "gcp", base);
    expect((await h.up("first up", base)).error).toBeUndefined();
    openSession(h, "an administrator's psql");
    const without = parseStack(`
name: shop
components:
  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true }
`);
    const r = await h.up("db removed", without);
    expect(r.error).toBeUndefined();
    expect(live(h, "gcp:sql/databaseInstance:DatabaseInstance")).toEqual([]);
  });

  it("renames the database and back: the old one is dropped through the API, so its name is free again", async () => {
    const base = parseStack(UNPROTECTED);
    const h = new Harness(new World(RULES), "gcp", base);
    expect((await h.up("first up", base)).error).toBeUndefined();
    const renamed = structuredClone(base) as Stack;
    (renamed.components.db as { databaseName?: string }).databaseName = "shop2";
    expect((await h.up("database renamed", renamed)).error).toBeUndefined();
    expect(live(h, SQL_DATABASE).map((d) => d.name)).toEqual(["shop2"]);
    expect((await h.up("database renamed back", base)).error).toBeUndefined();
    expect(live(h, SQL_DATABASE).map((d) => d.name)).toEqual(["app"]);
  });

  it("the rule book refuses dropping a database through the API while a session is connected, as PostgreSQL does", () => {
    const rule = GCP_RULES.types[SQL_DATABASE];
    const db = { key: "db", type: SQL_DATABASE, name: "app", inputs: {}, references: {}, facts: { sessions: ["an administrator's psql"] } } as unknown as CloudObject;
    const ctx = { objects: () => [db] } as unknown as RuleContext;
    expect(rule?.beforeDelete?.(db, ctx)).toMatch(/^Invalid request: failed to delete database "app". Detail: pq: database "app" is being accessed by other users \(an administrator's psql\)/);
    expect(rule?.abandonedWhen?.({ ...db, inputs: { deletionPolicy: "ABANDON" } })).toBe(true);
  });
});

describe("a region change of an unprotected stack with a database", () => {
  it("finishes: the old region's address-release wait is replaced with its subnet and runs before the old subnet goes", async () => {
    const base = parseStack(UNPROTECTED);
    const h = new Harness(new World(RULES), "gcp", base);
    expect((await h.up("first up", base)).error).toBeUndefined();
    const t0 = h.world.now;
    const moved = await h.up("region changed", { ...structuredClone(base), region: "frankfurt" } as Stack);
    expect(moved.error).toBeUndefined();
    expect(moved.outcome).toBe("ok");
    expect(h.world.now - t0).toBeGreaterThanOrEqual(7200);
    expect(live(h, "gcp:compute/subnetwork:Subnetwork").map((s) => s.name)).toEqual(["shop-dev-europe-west3-r2"]);
  });

  it("keeps random values (name suffixes) through a region change: the random and time providers have no region", async () => {
    const base = parseStack(UNPROTECTED);
    const h = new Harness(new World(RULES), "gcp", base);
    expect((await h.up("first up", base)).error).toBeUndefined();
    const before = live(h, "random:index/randomString:RandomString").map((o) => o.key);
    await h.up("region changed", { ...structuredClone(base), region: "frankfurt" } as Stack);
    expect(live(h, "random:index/randomString:RandomString").map((o) => o.key)).toEqual(before);
  });
});

describe("a database's storage raised", () => {
  it("grows the Cloud SQL disk to the new storageGiB", async () => {
    const base = parseStack(`
name: shop
components:
  db: { kind: database, storageGiB: 20 }
`);
    const h = new Harness(new World(RULES), "gcp", base);
    expect((await h.up("first up", base)).error).toBeUndefined();
    const bigger = structuredClone(base);
    (bigger.components.db as { storageGiB: number }).storageGiB = 100;
    const r = await h.up("more storage", bigger);
    expect(r.error).toBeUndefined();
    expect(r.changes).toBeGreaterThan(0);
    const [instance] = live(h, "gcp:sql/databaseInstance:DatabaseInstance");
    expect((instance?.inputs.settings as { diskSize?: number } | undefined)?.diskSize).toBe(100);
  });
});
