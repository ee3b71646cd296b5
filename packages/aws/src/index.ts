/**
 * @freehold/aws: the AWS backend. WebService -> ECS on Fargate behind an
 * Application Load Balancer; Database -> RDS for PostgreSQL; ObjectStore -> S3.
 * Loads only the @pulumi/aws submodules it uses.
 */
import type { Backend } from "@freehold/core";
import { CAPABILITIES } from "./capabilities";
import { createDatabase } from "./database";
import { migration } from "./migration";
import { mocks, setMockRegion } from "./mocks";
import { createPlatform } from "./network";
import { createObjectStore } from "./object-store";
import { availability, pricing } from "./prices";
import { chooseFargate, chooseRds } from "./sizes";
import { createScheduledJob, SCHEDULED_JOB_SERVICE } from "./scheduled-job";
import { createWebService } from "./web-service";
import { createWorker, WORKER_SERVICE } from "./worker";

export const backend = {
  cloud: "aws",
  displayName: "Amazon Web Services",
  services: { "web-service": "Amazon ECS on AWS Fargate", worker: WORKER_SERVICE, "scheduled-job": SCHEDULED_JOB_SERVICE, database: "Amazon RDS for PostgreSQL", "object-store": "Amazon S3" },
  capabilities: CAPABILITIES,
  sizes: {
    webService: (size, component) => chooseFargate(size, component),
    database: (size, highAvailability, component) => chooseRds(size, highAvailability, component),
  },
  availability,
  pricing,
  migration,
  mocks,
  providerPackages: ["aws"],
  createPlatform(stack, parent) {
    setMockRegion(stack.region.region);
    return createPlatform(stack, parent);
  },
  webService: createWebService,
  worker: createWorker,
  scheduledJob: createScheduledJob,
  database: createDatabase,
  objectStore: createObjectStore,
} satisfies Backend;

export { CAPABILITIES } from "./capabilities";
export { type DatabaseHandle, MASTER_USERNAME } from "./database";
export type { DatabaseResources, ObjectStoreResources, PlatformResources, ScheduledJobResources, WebServiceResources, WorkerResources } from "./resources";
export { awsCron } from "./cron";
export { jobDefinition, jobNames } from "./scheduled-job";
export { names } from "./naming";
export { AwsPlatform } from "./network";
export type { BucketHandle } from "./object-store";
export { S3_ACCESS } from "./permissions";
export { PRICES, RDS_PRICES } from "./prices";
export { FARGATE_PAIRS, RDS_CLASSES } from "./sizes";

declare module "@freehold/core" {
  /** AWS's child resources by role: with `@freehold/aws` imported, `db.resourcesOn("aws")` is typed without a cast. */
  interface ResourceTypes {
    aws: {
      "web-service": import("./resources").WebServiceResources;
      worker: import("./resources").WorkerResources;
      "scheduled-job": import("./resources").ScheduledJobResources;
      database: import("./resources").DatabaseResources;
      "object-store": import("./resources").ObjectStoreResources;
    };
  }
}
