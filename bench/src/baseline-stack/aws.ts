// The benchmark stack (mix.ts) with the hand-written AWS baseline: per-cloud values chosen by hand.
import { type Db, database, network, objectStore, type Store, webService } from "../baseline/aws";
import { mix, STACK_NAME, STACK_TAGS } from "../mix";

export function benchStack(n: number): void {
  const net = network(STACK_NAME, STACK_TAGS);
  const dbs = new Map<string, Db>();
  const stores = new Map<string, Store>();
  for (const c of mix(n)) {
    if (c.kind === "database") {
      dbs.set(
        c.name,
        c.shape === "crown-db"
          ? database(net, { name: c.name, instanceClass: "db.m7g.large", storageGiB: 50, multiAz: true, backupDays: 14 })
          : database(net, { name: c.name, instanceClass: "db.t4g.small", storageGiB: 20, multiAz: false, backupDays: 7 }),
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
        webService(net, { ...common, image: "ghcr.io/example/marketplace-web:1.4.2", cpu: "1024", memory: "2048", min: 2, max: 10, public: true, env: { NODE_ENV: "production" }, storeAccess: "readWrite" });
      } else if (c.shape === "worker") {
        webService(net, { ...common, image: "ghcr.io/example/marketplace-worker:1.4.2", cpu: "512", memory: "1024", min: 1, max: 4, public: false, env: {}, user: "10001", storeAccess: "read" });
      } else {
        webService(net, { ...common, image: "ghcr.io/example/marketplace-api:1.4.2", cpu: "512", memory: "1024", min: 1, max: 3, healthPath: "/", public: false, env: {}, storeAccess: "readWrite" });
      }
    }
  }
}
