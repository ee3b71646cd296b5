/**
 * Usage: what drives the usage-based part of a bill (requests, internet egress,
 * stored data and its growth, old object versions, log volume), per component
 * or for every component of a kind. `freehold compare --usage usage.yaml` and
 * `exit-plan` read it; every report states the figures it priced with and
 * which came from the file.
 *
 * The plain types here are what reports and backends see; the file's schema
 * (usage-schema.ts, zod) gives the limits, and `USAGE_DEFAULTS` the defaults.
 */
import type { ComponentKind } from "./public";

/** Usage of one web service a month. */
export interface WebServiceUsage {
  /** Requests served, millions a month. @default 10 */
  requestsMillions: number;
  /** Internet egress (responses to users), GiB a month. @default 100 */
  egressGiB: number;
  /** Log volume ingested, GiB a month. @default 5 */
  logGiB: number;
  /** Average instances running (between the scaling bounds). @default - the minimum instance count */
  averageInstances?: number;
}

/** Usage of one worker a month. */
export interface WorkerUsage {
  /** Log volume ingested, GiB a month. @default 5 */
  logGiB: number;
  /** Average instances running (between the scaling bounds). @default - the minimum instance count */
  averageInstances?: number;
}

/** Usage of one scheduled job a month (how often it runs comes from its schedule). */
export interface ScheduledJobUsage {
  /** Minutes an average run takes. @default 10 */
  runMinutes: number;
  /** Log volume ingested, GiB a month. @default 1 */
  logGiB: number;
}

/** Usage of one database a month. */
export interface DatabaseUsage {
  /** Data held at the start, GiB. @default 0 (fits the provisioned disk) */
  dataGiB: number;
  /** Data added each month, GiB; past the disk, the cloud's storage auto-grow adds disk. @default 0 */
  storageGrowthGiB: number;
  /** Database log volume ingested by the cloud's log service, GiB a month. @default 1 */
  logGiB: number;
}

/** Usage of one object store a month. */
export interface ObjectStoreUsage {
  /** Data stored at the start (current versions), GiB. @default 100 */
  storageGiB: number;
  /** Data added each month, GiB. @default 0 */
  storageGrowthGiB: number;
  /** Old (noncurrent) object versions kept, as a percentage of current data; counted only where versioning is on. @default 0 */
  noncurrentPercent: number;
  /** Write operations (PUT, COPY, POST, LIST), thousands a month. @default 1000 */
  writesThousands: number;
  /** Read operations (GET), thousands a month. @default 10000 */
  readsThousands: number;
  /** Internet egress straight from the store (downloads, signed URLs), GiB a month. @default 0 */
  egressGiB: number;
}

export interface KindUsage {
  "web-service": WebServiceUsage;
  worker: WorkerUsage;
  "scheduled-job": ScheduledJobUsage;
  database: DatabaseUsage;
  "object-store": ObjectStoreUsage;
}

/** Every usage figure a component entry may hold (which apply depends on its kind). */
export type ComponentUsageInput = Partial<WebServiceUsage & WorkerUsage & ScheduledJobUsage & DatabaseUsage & ObjectStoreUsage>;

/** Usage for a whole stack: defaults per kind and figures per component. */
export interface Usage {
  /** Hours a month the stack runs. @default 730 */
  hoursPerMonth: number;
  /** Months of storage growth before the month priced. @default 12 */
  months: number;
  /** Figures for every component of a kind, unless the component says otherwise. */
  defaults: KindUsage;
  /** Figures for one component, by its name. */
  components: Record<string, ComponentUsageInput>;
  /** Where the figures came from: the usage file's path, or "built-in defaults". */
  source: string;
  /** The per-kind defaults the usage file itself gave (the rest of `defaults` are built in). */
  defaultsGiven?: { [K in ComponentKind]?: string[] };
}

/** Which figures apply to each kind of component. */
export const USAGE_FIELDS: { readonly [K in ComponentKind]: ReadonlyArray<keyof KindUsage[K]> } = {
  "web-service": ["requestsMillions", "egressGiB", "logGiB", "averageInstances"],
  worker: ["logGiB", "averageInstances"],
  "scheduled-job": ["runMinutes", "logGiB"],
  database: ["dataGiB", "storageGrowthGiB", "logGiB"],
  "object-store": ["storageGiB", "storageGrowthGiB", "noncurrentPercent", "writesThousands", "readsThousands", "egressGiB"],
};

/** The built-in figures, stated in every report that uses them. */
export const USAGE_DEFAULTS: Omit<Usage, "source" | "components"> = {
  hoursPerMonth: 730,
  months: 12,
  defaults: {
    "web-service": { requestsMillions: 10, egressGiB: 100, logGiB: 5 },
    worker: { logGiB: 5 },
    "scheduled-job": { runMinutes: 10, logGiB: 1 },
    database: { dataGiB: 0, storageGrowthGiB: 0, logGiB: 1 },
    "object-store": { storageGiB: 100, storageGrowthGiB: 0, noncurrentPercent: 0, writesThousands: 1000, readsThousands: 10000, egressGiB: 0 },
  },
};

/** A component's figures: its own, else its kind's default in the file, else the built-in one; `fromFile` names the figures the file gave. */
export function usageFor<K extends ComponentKind>(usage: Usage, name: string, kind: K): { figures: KindUsage[K]; fromFile: string[] } {
  const own = usage.components[name] ?? {};
  const base = usage.defaults[kind] as unknown as Record<string, number | undefined>;
  const given: readonly string[] = usage.defaultsGiven?.[kind] ?? [];
  const figures: Record<string, number> = {};
  const fromFile: string[] = [];
  for (const f of USAGE_FIELDS[kind] as readonly string[]) {
    const v = (own as Record<string, number | undefined>)[f] ?? base[f];
    if (v !== undefined) figures[f] = v;
    if ((own as Record<string, unknown>)[f] !== undefined || given.includes(f)) fromFile.push(f);
  }
  return { figures: figures as unknown as KindUsage[K], fromFile };
}

/** Usage with every figure built in: what reports use without a usage file. */
export function defaultUsage(): Usage {
  return { ...USAGE_DEFAULTS, defaults: structuredClone(USAGE_DEFAULTS.defaults), components: {}, source: "built-in defaults" };
}
