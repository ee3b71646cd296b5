// Freehold on AWS in another account, with explicit providers.
//   npm install @freehold/core @freehold/aws @pulumi/pulumi @pulumi/aws @pulumi/random @pulumiverse/time
//   pulumi config set freehold:cloud aws
//   pulumi config set freehold:region frankfurt      # the stack's region: eu-central-1 on AWS
//   pulumi config set deployRoleArn arn:aws:iam::111122223333:role/deploy
import { Database, ObjectStore, WebService } from "@freehold/core";
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";
import { Provider as RandomProvider } from "@pulumi/random/provider";
import { Provider as TimeProvider } from "@pulumiverse/time/provider";

const config = new pulumi.Config();

// The account is the role's; the region must be the stack's (freehold:region), or plan and up refuse the stack.
const account = new AwsProvider("shop-account", {
  region: "eu-central-1",
  assumeRoles: [{ roleArn: config.require("deployRoleArn"), sessionName: "freehold" }],
});

// Every package the backend creates resources with: AWS, random (generated passwords) and time (waits).
// Leave one out and those resources use that package's default provider.
const providers = [account, new RandomProvider("random"), new TimeProvider("time")];

const db = new Database("db", { highAvailability: true }, { providers });
const uploads = new ObjectStore("uploads", {}, { providers });
const web = new WebService("web", { image: "ghcr.io/example/shop:1.0.0", public: true, links: [db, uploads] }, { providers });

export const url = web.url;
