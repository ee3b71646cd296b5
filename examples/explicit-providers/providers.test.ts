// The recipes of docs/providers.md, planned as docs/testing.md shows: no cloud, no Pulumi CLI.
import { Database, type FreeholdOptions, ObjectStore, WebService } from "@freehold/core";
import { type MockRun, plan } from "@freehold/core/testing";
import { planViolations } from "@freehold/rules";
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { Provider as GcpProvider } from "@pulumi/gcp/provider";
import type * as pulumi from "@pulumi/pulumi";
import { Provider as RandomProvider } from "@pulumi/random/provider";
import { Provider as TimeProvider } from "@pulumiverse/time/provider";
import { beforeAll, describe, expect, it, vi } from "vitest";

const RECIPES = { aws: () => import("./aws.js"), azure: () => import("./azure.js"), gcp: () => import("./gcp.js") };
/** The stack's region (freehold:region frankfurt) on each cloud: the region each recipe's provider is set for. */
const FRANKFURT = { aws: "eu-central-1", azure: "germanywestcentral", gcp: "europe-west3" };
const LONDON = { aws: "eu-west-2", azure: "uksouth", gcp: "europe-west2" };
/** The recipes' own config, and the same account, subscription or project for a default provider. */
const CONFIG = {
  "freehold:region": "frankfurt",
  "shop:deployRoleArn": "arn:aws:iam::111122223333:role/deploy",
  "shop:subscriptionId": "11111111-1111-1111-1111-111111111111",
  "shop:gcpProject": "shop-production",
  "azure-native:subscriptionId": "11111111-1111-1111-1111-111111111111",
  "azure-native:location": "germanywestcentral",
  "gcp:project": "shop-production",
  "gcp:region": "europe-west3",
  "aws:region": "eu-central-1",
};
const options = { project: "shop", config: CONFIG };
type Cloud = keyof typeof RECIPES;

const onDefaultProvider = (run: MockRun) => run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:") && !r.provider).map((r) => r.type);
const platforms = (run: MockRun) => run.resources.filter((r) => r.type === "freehold:index:Platform").map((r) => r.name);
const PROVIDER_NAMES = { aws: "shop-account", azure: "shop-subscription", gcp: "shop-project" };
const cloudResources = (run: MockRun) => run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));

/** The recipe's components, with the options a test gives them. */
function shop(opts: FreeholdOptions = {}) {
  const db = new Database("db", { highAvailability: true }, opts);
  const uploads = new ObjectStore("uploads", {}, opts);
  new WebService("web", { image: "ghcr.io/example/shop:1.0.0", public: true, writableRootFilesystem: true, links: [db, uploads] }, opts);
}

function cloudProvider(cloud: Cloud): pulumi.ProviderResource {
  if (cloud === "aws") return new AwsProvider("shop-account", { region: FRANKFURT.aws, assumeRoles: [{ roleArn: CONFIG["shop:deployRoleArn"], sessionName: "freehold" }] });
  if (cloud === "azure") return new AzureProvider("shop-subscription", { subscriptionId: CONFIG["shop:subscriptionId"], location: FRANKFURT.azure });
  return new GcpProvider("shop-project", { project: CONFIG["shop:gcpProject"], region: FRANKFURT.gcp });
}

for (const cloud of ["aws", "azure", "gcp"] as const) {
  describe(`the ${cloud} recipe`, () => {
    let run: MockRun;
    beforeAll(async () => {
      run = await plan(
        cloud,
        async () => {
          vi.resetModules();
          return RECIPES[cloud]();
        },
        options,
      );
    });

    it("sends every resource and every invoke through its providers: none to a default provider", () => {
      expect(cloudResources(run).length).toBeGreaterThan(20);
      expect(onDefaultProvider(run)).toEqual([]);
      expect(run.invokeProviders.filter((i) => !i.provider).map((i) => i.token)).toEqual([]);
    });

    it("names a provider for each package the backend creates resources with: the cloud's, random and time", () => {
      const packages = new Set(cloudResources(run).map((r) => r.type.split(":")[0]));
      expect([...packages].sort()).toEqual([{ aws: "aws", azure: "azure-native", gcp: "gcp" }[cloud], "random", "time"].sort());
      expect(run.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => r.type.replace("pulumi:providers:", "")).sort()).toEqual([...packages].sort());
    });

    it("plans cleanly in the stack's region, which its provider is set for", () => {
      expect(planViolations({ cloud, region: FRANKFURT[cloud], resources: run.resources })).toEqual([]);
      const regions = new Set(cloudResources(run).flatMap((r) => [r.inputs.region, r.inputs.location].filter((v): v is string => typeof v === "string")).map((v) => v.toLowerCase()));
      expect([...regions].filter((r) => !r.startsWith(FRANKFURT[cloud]) && r !== "global" && r !== "eu")).toEqual([]);
    });

    it("is refused, naming both regions, when the stack's region is not its provider's", () => {
      // The rule compares each provider the resources use with the region the stack is planned for.
      const messages = planViolations({ cloud, region: LONDON[cloud], resources: run.resources }).map((v) => `${v.resource}: ${v.message}`);
      expect(messages).toContain(`${PROVIDER_NAMES[cloud]}: the provider is configured for ${FRANKFURT[cloud]}, but the stack is planned for ${LONDON[cloud]}: set the provider's ${cloud === "azure" ? "location" : "region"} to ${LONDON[cloud]}, or plan the stack for ${FRANKFURT[cloud]}`);
    });

    it("without the random provider, the generated passwords and names go to random's default provider", async () => {
      const noRandom = await plan(cloud, () => shop({ providers: [cloudProvider(cloud), new TimeProvider("time")] }), options);
      const left = onDefaultProvider(noRandom);
      expect(left.length).toBeGreaterThan(0);
      expect(left.every((t) => t.startsWith("random:"))).toBe(true);
    });

    it("added to an existing stack, renames the shared platform and every physical name; platform: the stack name keeps them all", async () => {
      const existing = await plan(cloud, () => shop(), options);
      const names = (r: MockRun) => cloudResources(r).map((x) => `${x.type} ${x.name} ${JSON.stringify(x.inputs)}`);
      const added = await plan(cloud, () => shop({ providers: [cloudProvider(cloud), new RandomProvider("random"), new TimeProvider("time")] }), options);
      expect(platforms(added)).toEqual([`shop-${PROVIDER_NAMES[cloud]}`]);
      expect(names(added).filter((n) => !names(existing).includes(n)).length).toBeGreaterThan(10);
      const kept = await plan(cloud, () => shop({ providers: [cloudProvider(cloud), new RandomProvider("random"), new TimeProvider("time")], platform: "shop" }), options);
      expect(platforms(kept)).toEqual(["shop"]);
      expect(names(kept)).toEqual(names(existing));
      expect(onDefaultProvider(kept)).toEqual([]);
    });
  });
}
