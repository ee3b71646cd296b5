import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { enableCommand, isResourceManagerDisabled, readProject } from "./project";

describe("reading the project", () => {
  it("recognises Google's answer for a disabled Cloud Resource Manager API, and nothing else", () => {
    expect(isResourceManagerDisabled("Error 403: Cloud Resource Manager API has not been used in project 1 before or it is disabled., accessNotConfigured")).toBe(true);
    expect(isResourceManagerDisabled("googleapi: Error 403: cloudresourcemanager.googleapis.com ... reason: SERVICE_DISABLED")).toBe(true);
    expect(isResourceManagerDisabled("Error 403: The caller does not have permission")).toBe(false);
    expect(enableCommand(undefined)).toBe("gcloud services enable cloudresourcemanager.googleapis.com serviceusage.googleapis.com --project=<project id>");
  });

  it("holds back whatever waits for the read when it fails, while inputs see an empty project", async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }),
        call: () => {
          throw new Error("Cloud Resource Manager API has not been used in project 1 before or it is disabled");
        },
      },
      "p",
      "dev",
      false,
    );
    const read = readProject(new pulumi.ComponentResource("test:index:Parent", "parent"));
    await expect(read.gate).rejects.toBeInstanceOf(Error);
    await expect(new Promise((resolve) => read.info.apply(resolve))).resolves.toEqual({});
  });
});
