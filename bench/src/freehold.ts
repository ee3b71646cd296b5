/**
 * The Freehold side: the benchmark stack written with @freehold/core's
 * components, exactly as a user would (the cloud comes from `freehold:cloud`).
 */
import { Database, ObjectStore, WebService } from "@freehold/core";
import { type MixComponent, mix } from "./mix";

export function freeholdStack(n: number): void {
  build(mix(n));
}

function build(components: MixComponent[]): void {
  const dbs = new Map<string, Database>();
  const stores = new Map<string, ObjectStore>();
  for (const c of components) {
    if (c.kind === "database") {
      dbs.set(
        c.name,
        c.shape === "crown-db"
          ? new Database(c.name, { version: "16", size: { cpu: 2, memoryGiB: 8 }, storageGiB: 50, highAvailability: true, backups: { retentionDays: 14, pointInTimeRecovery: true } })
          : new Database(c.name),
      );
    } else if (c.kind === "object-store") {
      stores.set(
        c.name,
        c.shape === "crown-store"
          ? new ObjectStore(c.name, {
              lifecycle: [
                { prefix: "tmp/", expireAfterDays: 7 },
                { prefix: "logs/", expireAfterDays: 90 },
              ],
              cors: [{ allowedOrigins: ["https://marketplace.example.gov.uk"], allowedMethods: ["GET", "PUT"] }],
            })
          : new ObjectStore(c.name),
      );
    } else {
      const db = dbs.get(c.db);
      const store = stores.get(c.store);
      if (!db || !store) throw new Error(`${c.name}: links to ${c.db} and ${c.store}, created first`);
      if (c.shape === "public-web") {
        new WebService(c.name, {
          image: "ghcr.io/example/marketplace-web:1.4.2",
          size: { cpu: 1, memoryGiB: 2 },
          scaling: { min: 2, max: 10 },
          public: true,
          healthCheck: { path: "/healthz" },
          env: { NODE_ENV: "production" },
          links: [db, store],
          acceptDegraded: ["web-service.read-only-root-filesystem"],
        });
      } else if (c.shape === "worker") {
        new WebService(c.name, {
          image: "ghcr.io/example/marketplace-worker:1.4.2",
          scaling: { min: 1, max: 4 },
          healthCheck: { path: "/healthz" },
          user: "10001",
          links: [db, { to: store, access: "read" }],
          acceptDegraded: ["web-service.read-only-root-filesystem", "web-service.run-as-user"],
        });
      } else {
        new WebService(c.name, {
          image: "ghcr.io/example/marketplace-api:1.4.2",
          links: [db, store],
          acceptDegraded: ["web-service.read-only-root-filesystem"],
        });
      }
    }
  }
}
