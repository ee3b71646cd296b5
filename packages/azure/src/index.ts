/**
 * @freehold/azure: the Azure backend. WebService -> Azure Container Apps,
 * Database -> Azure Database for PostgreSQL flexible server, ObjectStore ->
 * Azure Blob Storage. Imports only `@pulumi/azure-native/<module>` submodules.
 */
import type { Backend } from "@freehold/core";
import { CAPABILITIES } from "./capabilities";
import { createDatabase, DATABASE_SERVICE } from "./database";
import { migration } from "./migration";
import { mocks } from "./mocks";
import { createPlatform } from "./network";
import { createObjectStore, OBJECT_STORE_SERVICE } from "./object-store";
import { availability, pricing } from "./prices";
import { databaseSize, webServiceSize } from "./sizes";
import { createScheduledJob, SCHEDULED_JOB_SERVICE } from "./scheduled-job";
import { createWebService, WEB_SERVICE_SERVICE } from "./web-service";
import { createWorker, WORKER_SERVICE } from "./worker";

export const backend = {
  cloud: "azure",
  displayName: "Microsoft Azure",
  services: { "web-service": WEB_SERVICE_SERVICE, worker: WORKER_SERVICE, "scheduled-job": SCHEDULED_JOB_SERVICE, database: DATABASE_SERVICE, "object-store": OBJECT_STORE_SERVICE },
  capabilities: CAPABILITIES,
  sizes: { webService: webServiceSize, database: databaseSize },
  availability,
  pricing,
  migration,
  mocks,
  providerPackages: ["azure-native"],
  createPlatform,
  webService: createWebService,
  worker: createWorker,
  scheduledJob: createScheduledJob,
  database: createDatabase,
  objectStore: createObjectStore,
} satisfies Backend;

export type { AzureDatabaseHandle, DatabaseResources } from "./database";
export type { AzureObjectStoreHandle, ObjectStoreResources } from "./object-store";
export type { AzurePlatform, AzurePlatform as PlatformResources, VaultSecret } from "./network";
export type { WebServiceResources } from "./web-service";
export type { WorkerResources } from "./worker";
export type { ScheduledJobResources } from "./scheduled-job";
export { azureCron } from "./cron";
export { deepMerge } from "./vendor";
export { DEPLOYER_ROLES, PROTECTION_TAG, prerequisites, RESOURCE_PROVIDERS } from "./prerequisites";
export { CAPABILITIES } from "./capabilities";
export { NAME_RULES, names, deterministicGuid } from "./naming";
export { BLOB_DELEGATOR, BLOB_ROLES, SECRET_READER } from "./permissions";
export { CONTAINER_APPS_PAIRS, POSTGRES_SKUS, POSTGRES_STORAGE_GIB } from "./sizes";
export { PRICES } from "./prices";
export { mockCloud } from "./mocks";

declare module "@freehold/core" {
  /** Azure's child resources by role: `db.resourcesOn("azure").server` is a `dbforpostgresql.Server`. */
  interface ResourceTypes {
    azure: {
      "web-service": import("./web-service").WebServiceResources;
      worker: import("./worker").WorkerResources;
      "scheduled-job": import("./scheduled-job").ScheduledJobResources;
      database: import("./database").DatabaseResources;
      "object-store": import("./object-store").ObjectStoreResources;
    };
  }
}
