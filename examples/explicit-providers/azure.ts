// Freehold on Azure in another subscription, with explicit providers.
//   npm install @freehold/core @freehold/azure @pulumi/pulumi @pulumi/azure-native @pulumi/random @pulumiverse/time
//   pulumi config set freehold:cloud azure
//   pulumi config set freehold:region frankfurt      # the stack's region: germanywestcentral on Azure
//   pulumi config set subscriptionId 00000000-0000-0000-0000-000000000000
import { Database, ObjectStore, WebService } from "@freehold/core";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import * as pulumi from "@pulumi/pulumi";
import { Provider as RandomProvider } from "@pulumi/random/provider";
import { Provider as TimeProvider } from "@pulumiverse/time/provider";

const config = new pulumi.Config();

// The subscription is the provider's; its location must be the stack's region (freehold:region), or plan and up refuse the stack.
const subscription = new AzureProvider("shop-subscription", {
  subscriptionId: config.require("subscriptionId"),
  location: "germanywestcentral",
});

// Every package the backend creates resources with: azure-native, random (generated passwords) and time (waits).
// Leave one out and those resources use that package's default provider.
const providers = [subscription, new RandomProvider("random"), new TimeProvider("time")];

const db = new Database("db", { highAvailability: true }, { providers });
const uploads = new ObjectStore("uploads", {}, { providers });
const web = new WebService("web", { image: "ghcr.io/example/shop:1.0.0", public: true, writableRootFilesystem: true, links: [db, uploads] }, { providers });

export const url = web.url;
