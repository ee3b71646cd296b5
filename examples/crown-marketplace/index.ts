// The Crown Marketplace, written once. The cloud comes from `freehold:cloud`:
//   pulumi config set freehold:cloud azure
// The same stack as freehold.yaml in this folder; `freehold plan .` shows both give the same resources.
import { Database, ObjectStore, ScheduledJob, WebService, Worker } from "@freehold/core";

const db = new Database("db", {
  version: "16",
  size: { cpu: 2, memoryGiB: 8 },
  storageGiB: 50,
  highAvailability: true,
  backups: { retentionDays: 14, pointInTimeRecovery: true },
});

const uploads = new ObjectStore("uploads", {
  lifecycle: [
    { prefix: "tmp/", expireAfterDays: 7 },
    { prefix: "logs/", expireAfterDays: 90 },
  ],
  cors: [{ allowedOrigins: ["https://marketplace.example.gov.uk"], allowedMethods: ["GET", "PUT"] }],
});

const web = new WebService("web", {
  image: "ghcr.io/example/marketplace-web:1.4.2",
  size: { cpu: 1, memoryGiB: 2 },
  scaling: { min: 2, max: 10 },
  public: true,
  healthCheck: { path: "/healthz" },
  env: { NODE_ENV: "production" },
  links: [db, uploads],
});

new Worker("worker", {
  image: "ghcr.io/example/marketplace-worker:1.4.2",
  args: ["process-uploads"],
  size: "small",
  scaling: { min: 1, max: 4 },
  user: "10001",
  links: [db, { to: uploads, access: "read" }],
  // Azure Container Apps and Cloud Run run the image's own user: accept it there, named in the plan.
  acceptDegraded: ["worker.run-as-user"],
});

const nightly = new ScheduledJob("nightly", {
  image: "ghcr.io/example/marketplace-worker:1.4.2",
  args: ["expire-listings"],
  schedule: "0 2 * * *",
  timeZone: "Europe/London",
  timeoutSeconds: 1800,
  retries: 2,
  user: "10001",
  links: [db],
  // Azure reads job schedules in UTC only: accept 02:00 UTC there (03:00 in British Summer Time).
  acceptDegraded: ["scheduled-job.run-as-user", "scheduled-job.time-zone"],
});

export const url = web.url;
export const bucket = uploads.bucketName;
export const databaseHost = db.host;
export const runNightly = nightly.runCommand;
