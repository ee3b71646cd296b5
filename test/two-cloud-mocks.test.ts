/**
 * A program with components on two clouds (the `cloud` option, explicit providers) under `plan(cloud)`: each
 * resource and invoke is answered by the mocks of the cloud its provider package belongs to, so the other cloud's
 * components get plausible values too (an outside team's unit tests once saw `https://undefined` there).
 */
import { ObjectStore, WebService } from "@freehold/core";
import { plan } from "@freehold/core/testing";
import { expect, it } from "vitest";

const IMAGE = "ghcr.io/example/web@sha256:0000000000000000000000000000000000000000000000000000000000000000";

it("answers a Google Cloud component in a program planned for AWS with Google Cloud's mocks, and the AWS one with AWS's", async () => {
  const run = await plan("aws", () => {
    const files = new ObjectStore("files");
    const web = new WebService("gweb", { image: IMAGE }, { cloud: "gcp" });
    return { filesEndpoint: files.endpoint, gcpUrl: web.url };
  });
  expect(run.outputs.filesEndpoint).toBe("https://s3.eu-west-2.amazonaws.com");
  expect(run.outputs.gcpUrl).toMatch(/^https:\/\/freehold-dev-gweb-\d+\.europe-west2\.run\.app$/);
});
