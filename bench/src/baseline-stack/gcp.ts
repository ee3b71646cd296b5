// The benchmark stack (mix.ts) with the hand-written Google Cloud baseline: per-cloud values chosen by hand.
import { type Db, database, platform, objectStore, type Store, webService } from "../baseline/gcp";
import { mix, STACK_NAME, STACK_TAGS } from "../mix";

export function benchStack(n: number): void {
  const net = platform(STACK_NAME, STACK_TAGS);
  const dbs = new Map<string, Db>();
  const stores = new Map<string, Store>();
  for (const c of mix(n)) {
    if (c.kind === "database") {
      dbs.set(
        c.name,
        c.shape === "crown-db"
          ? database(net, { name: c.name, tier: "db-custom-2-8192", diskGiB: 50, regional: true, backups: 14 })
          : database(net, { name: c.name, tier: "db-custom-1-3840", diskGiB: 20, regional: false, backups: 7 }),
      );
    } else if (c.kind === "object-store") {
      stores.set(
        c.name,
        c.shape === "crown-store"
          ? objectStore(net, {
              name: c.name,
              lifecycle: [
                { prefix: "tmp/", days: 7 },
                { prefix: "logs/", days: 90 },
              ],
              cors: [{ allowedOrigins: ["https://marketplace.example.gov.uk"], allowedMethods: ["GET", "PUT"] }],
            })
          : objectStore(net, { name: c.name, lifecycle: [], cors: [] }),
      );
    } else {
      const db = dbs.get(c.db);
      const store = stores.get(c.store);
      if (!db || !store) throw new Error(`${c.name}: links to ${c.db} and ${c.store}, created first`);
      const common = { name: c.name, healthPath: "/healthz", db, store };
      if (c.shape === "public-web") {
        webService(net, { ...common, image: "ghcr.io/example/marketplace-web:1.4.2", memory: "2048Mi", min: 2, max: 10, public: true, env: { NODE_ENV: "production" }, storeAccess: "readWrite" });
      } else if (c.shape === "worker") {
        webService(net, { ...common, image: "ghcr.io/example/marketplace-worker:1.4.2", memory: "1024Mi", min: 1, max: 4, public: false, env: {}, storeAccess: "read" });
      } else {
        webService(net, { ...common, image: "ghcr.io/example/marketplace-api:1.4.2", memory: "1024Mi", min: 1, max: 3, healthPath: "/", public: false, env: {}, storeAccess: "readWrite" });
      }
    }
  }
  net.done();
}
