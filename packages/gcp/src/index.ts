/**
 * @freehold/gcp: the Google Cloud backend. Cloud Run for web services, Cloud
 * SQL for PostgreSQL for databases, Cloud Storage for object stores.
 */
import type { Backend } from "@freehold/core";
import { CAPABILITIES } from "./capabilities";
import { database } from "./database";
import { migration } from "./migration";
import { mocks } from "./mocks";
import { createPlatform } from "./network";
import { objectStore } from "./object-store";
import { availability, pricing } from "./prices";
import { databaseSize, webServiceSize } from "./sizes";
import { SCHEDULED_JOB_SERVICE, scheduledJob } from "./scheduled-job";
import { webService } from "./web-service";
import { WORKER_SERVICE, worker } from "./worker";

export const backend = {
  cloud: "gcp",
  displayName: "Google Cloud",
  services: { "web-service": "Cloud Run", worker: WORKER_SERVICE, "scheduled-job": SCHEDULED_JOB_SERVICE, database: "Cloud SQL for PostgreSQL", "object-store": "Cloud Storage" },
  capabilities: CAPABILITIES,
  sizes: { webService: webServiceSize, database: databaseSize },
  availability,
  pricing,
  migration,
  mocks,
  providerPackages: ["gcp"],
  createPlatform,
  webService,
  worker,
  scheduledJob,
  database,
  objectStore,
} satisfies Backend;

export type { DatabaseHandle } from "./database";
export type { GcpPlatform, VpcAttachment } from "./network";
export { SUBNET_CIDR, SUBNET_RANGES } from "./network";
export type { ObjectStoreHandle } from "./object-store";
export type { DatabaseResources, ObjectStoreResources, PlatformResources, WebServiceResources } from "./resources";
export type { ScheduledJobResources } from "./scheduled-job";
export type { WorkerResources } from "./worker";

declare module "@freehold/core" {
  /** Google Cloud's child resources by role: with `@freehold/gcp` imported, `db.resourcesOn("gcp")` is typed without a cast. */
  interface ResourceTypes {
    gcp: {
      "web-service": import("./resources").WebServiceResources;
      worker: import("./worker").WorkerResources;
      "scheduled-job": import("./scheduled-job").ScheduledJobResources;
      database: import("./resources").DatabaseResources;
      "object-store": import("./resources").ObjectStoreResources;
    };
  }
}
