// Freehold on Google Cloud in another project, with explicit providers.
//   npm install @freehold/core @freehold/gcp @pulumi/pulumi @pulumi/gcp @pulumi/random @pulumiverse/time
//   pulumi config set freehold:cloud gcp
//   pulumi config set freehold:region frankfurt      # the stack's region: europe-west3 on Google Cloud
//   pulumi config set gcpProject shop-production
import { Database, ObjectStore, WebService } from "@freehold/core";
import { Provider as GcpProvider } from "@pulumi/gcp/provider";
import * as pulumi from "@pulumi/pulumi";
import { Provider as RandomProvider } from "@pulumi/random/provider";
import { Provider as TimeProvider } from "@pulumiverse/time/provider";

const config = new pulumi.Config();

// The project is the provider's; its region must be the stack's (freehold:region), or plan and up refuse the stack.
const project = new GcpProvider("shop-project", {
  project: config.require("gcpProject"),
  region: "europe-west3",
});

// Every package the backend creates resources with: gcp, random (generated passwords) and time (waits).
// Leave one out and those resources use that package's default provider.
const providers = [project, new RandomProvider("random"), new TimeProvider("time")];

const db = new Database("db", { highAvailability: true }, { providers });
const uploads = new ObjectStore("uploads", {}, { providers });
const web = new WebService("web", { image: "ghcr.io/example/shop:1.0.0", public: true, writableRootFilesystem: true, links: [db, uploads] }, { providers });

export const url = web.url;
