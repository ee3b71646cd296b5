/**
 * The benchmark stack: N components in groups of ten, each group shaped like
 * the Crown Marketplace example (examples/crown-marketplace):
 *
 * - 3 databases: one like the example's `db` (2 vCPU / 8 GiB, 50 GiB, high
 *   availability, 14 days of backups) and two with every default;
 * - 3 object stores: one like `uploads` (two lifecycle rules and a CORS rule)
 *   and two with every default;
 * - 4 web services, each linked to one database and one store: one like `web`
 *   (public, 1 vCPU / 2 GiB, 2-10 instances, an env var), one like `worker`
 *   (private, runs as user 10001, read-only access to its store) and two
 *   private services with every default.
 *
 * Both sides (Freehold and the hand-written baselines) build from this list.
 */
export type Shape = "crown-db" | "default-db" | "crown-store" | "default-store" | "public-web" | "worker" | "private-web";

export interface MixDatabase { kind: "database"; name: string; shape: "crown-db" | "default-db" }
export interface MixStore { kind: "object-store"; name: string; shape: "crown-store" | "default-store" }
export interface MixWeb {
  kind: "web-service";
  name: string;
  shape: "public-web" | "worker" | "private-web";
  db: string;
  store: string;
}
export type MixComponent = MixDatabase | MixStore | MixWeb;

export const STACK_NAME = "bench";
export const STACK_TAGS = { service: "bench", owner: "platform-team" };

/** The components of an N-component stack (N a multiple of 10), data components first. */
export function mix(n: number): MixComponent[] {
  if (n % 10 !== 0) throw new Error(`N must be a multiple of 10, got ${n}`);
  const data: MixComponent[] = [];
  const web: MixComponent[] = [];
  for (let g = 0; g < n / 10; g++) {
    for (let k = 0; k < 3; k++) data.push({ kind: "database", name: `db-${3 * g + k}`, shape: k === 0 ? "crown-db" : "default-db" });
    for (let k = 0; k < 3; k++) data.push({ kind: "object-store", name: `st-${3 * g + k}`, shape: k === 0 ? "crown-store" : "default-store" });
    const shapes = ["public-web", "worker", "private-web", "private-web"] as const;
    shapes.forEach((shape, k) => {
      const pair = 3 * g + Math.min(k, 2);
      web.push({ kind: "web-service", name: `web-${4 * g + k}`, shape, db: `db-${pair}`, store: `st-${pair}` });
    });
  }
  return [...data, ...web];
}
