/**
 * The conformance suite: the same stacks on every backend under Pulumi's mock
 * runtime. Each component creates its resources, outputs resolve, links create
 * grants, and stateful resources are retained on delete and protected.
 */
import { type Cloud, CLOUDS, parseStack } from "@freehold/model";
import { deployStack, type MockRun, type PlannedResource, plainOutputs, runWithMocks } from "@freehold/core";
import { describe, expect, it } from "vitest";
import { CONFORMANCE_STACKS } from "./stacks";

/** What each cloud uses for a grant and for cloud-native deletion protection. */
const GRANT_TYPES: Record<Cloud, RegExp> = {
  aws: /^aws:iam\/(rolePolicy|policy):/,
  azure: /^azure-native:authorization:RoleAssignment$/,
  gcp: /^gcp:(storage\/bucketIAMMember|projects\/iAMMember|secretmanager\/secretIamMember):/,
};

function nativeProtection(cloud: Cloud, run: MockRun, component: string): boolean {
  const under = childrenOf(run, component);
  switch (cloud) {
    case "aws":
      return under.some((r) => r.type === "aws:rds/instance:Instance" && r.inputs.deletionProtection === true) || under.some((r) => r.type === "aws:s3/bucket:Bucket");
    case "azure":
      // A lock on a PostgreSQL server; a storage account tagged for the stack's keep-data (denyAction) policy, which must be assigned.
      return (
        under.some((r) => r.type.startsWith("azure-native:authorization:ManagementLock") && r.inputs.level === "CanNotDelete") ||
        (under.some((r) => r.type === "azure-native:storage:StorageAccount" && (r.inputs.tags as Record<string, string> | undefined)?.["freehold-deletion-protection"] === "on") &&
          run.resources.some((r) => r.type === "azure-native:authorization:PolicyAssignment"))
      );
    case "gcp":
      return under.some(
        (r) =>
          (r.type === "gcp:sql/databaseInstance:DatabaseInstance" && r.inputs.deletionProtection === true) ||
          (r.type === "gcp:storage/bucket:Bucket" && r.inputs.forceDestroy !== true),
      );
  }
}

function childrenOf(run: MockRun, component: string): PlannedResource[] {
  const root = run.resources.find((r) => r.name === component && r.type.startsWith("freehold:index:"));
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  return run.resources.filter((r) => {
    let p: string | undefined = r.parent;
    while (p) {
      if (p === root?.urn) return true;
      p = byUrn.get(p)?.parent;
    }
    return false;
  });
}

function available(cloud: Cloud): boolean {
  try {
    require.resolve(`@freehold/${cloud}`);
    return true;
  } catch {
    return false;
  }
}

for (const cloud of CLOUDS.filter(available)) {
  describe(`conformance on ${cloud}`, () => {
    for (const [title, text] of Object.entries(CONFORMANCE_STACKS)) {
      describe(title, () => {
        const stack = parseStack(text);
        let run: MockRun;
        let outputs: Record<string, Record<string, unknown>>;

        it("plans: every component creates cloud resources under itself", async () => {
          run = await runWithMocks(cloud, async () => {
            const deployed = deployStack(stack);
            outputs = (await plainOutputs(deployed.outputs)) as typeof outputs;
            return deployed.outputs;
          });
          for (const name of Object.keys(stack.components)) {
            expect(childrenOf(run, name).filter((r) => r.custom).length, `${name} has cloud resources`).toBeGreaterThan(0);
          }
        });

        it("resolves neutral outputs, with the connection string a secret", () => {
          for (const [name, spec] of Object.entries(stack.components)) {
            const o = outputs[name] ?? {};
            if (spec.kind === "web-service") expect(o.url).toMatch(/^https?:\/\/\S+$/);
            if (spec.kind === "object-store") {
              expect(o.bucketName).toMatch(/^[a-z0-9][a-z0-9.-]{1,62}$/);
              expect(o.endpoint).toMatch(/^https:\/\//);
            }
            if (spec.kind === "database") {
              expect(String(o.host).length).toBeGreaterThan(0);
              expect(o.connectionString).toBe("[secret]");
            }
          }
        });

        it("grants each link with a least-privilege resource", () => {
          for (const [name, spec] of Object.entries(stack.components)) {
            if (spec.kind !== "web-service" || spec.links.length === 0) continue;
            const grants = childrenOf(run, name).filter((r) => GRANT_TYPES[cloud].test(r.type));
            expect(grants.length, `${name} grants`).toBeGreaterThanOrEqual(spec.links.length);
            expect(JSON.stringify(grants.map((g) => g.inputs))).not.toMatch(/"(s3|secretsmanager|iam|\*):\*"|"Action":"\*"|roles\/(owner|editor)"/);
          }
        });

        it("retains stateful resources and protects them unless the spec opts out", () => {
          for (const [name, spec] of Object.entries(stack.components)) {
            if (spec.kind !== "database" && spec.kind !== "object-store") continue;
            const under = childrenOf(run, name).filter((r) => r.custom);
            if (spec.deletionProtection) {
              expect(under.some((r) => r.options.retainOnDelete), `${name} retained`).toBe(true);
              expect(nativeProtection(cloud, run, name), `${name} natively protected`).toBe(true);
            } else {
              expect(under.every((r) => !r.options.retainOnDelete), `${name} not retained`).toBe(true);
            }
          }
        });

        it("puts no secret value in plain inputs", () => {
          expect(JSON.stringify(run.resources)).not.toMatch(/hunter2|BEGIN PRIVATE KEY/);
        });
      });
    }
  });
}
