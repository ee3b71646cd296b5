/**
 * Issue 15: what `pulumi up` would reject or break on Google Cloud. One
 * `describe` per item of the issue; each failed on the backend before the fix.
 */
import type { MockRun, PlannedResource } from "@freehold/core";
import { backend } from "@freehold/gcp";
import { parseStack } from "@freehold/model";
import { RULES, seedProject } from "@freehold/rules";
import { beforeAll, describe, expect, it } from "vitest";
import { resourceManagerError } from "../../gcp/src/project";
import { all, one, plan } from "../../gcp/src/testing";
import { World } from "./engine";
import { Harness } from "./scenarios";
import { CONFORMANCE_STACKS } from "./stacks";
import { runStack } from "./suite";

const RUN = "gcp:cloudrunv2/service:Service";
const SLEEP = "time:index/sleep:Sleep";
const tail = (urn: string) => urn.split("::").pop();
const deps = (r: PlannedResource) => r.options.dependsOn.map(tail);
const container = (r: PlannedResource) => (r.inputs.template as { containers: Array<Record<string, unknown>> }).containers[0] as Record<string, unknown>;

/** One lifecycle scenario of a conformance stack on the simulated Google Cloud: its problem, if any. */
async function scenario(stack: string, id: string): Promise<string | undefined> {
  const result = await runStack(CONFORMANCE_STACKS[stack] as string, "gcp", { only: [id] });
  if (result.first.outcome !== "ok") return `first up: ${result.first.error}`;
  const s = result.scenarios.find((x) => x.id === id);
  return s ? s.problem : `no scenario ${id}`;
}

describe("1. the Cloud Resource Manager API may be off on a fresh project", () => {
  it("reads the project before enabling anything, enables every API in the project it read, and does not try to enable Cloud Resource Manager itself", async () => {
    const run = await plan(CONFORMANCE_STACKS["one database"] as string);
    expect(run.invokes).toContain("gcp:organizations/getProject:getProject");
    const apis = all(run, "gcp:projects/service:Service");
    expect(apis.map((a) => a.inputs.service)).not.toContain("cloudresourcemanager.googleapis.com");
    for (const a of apis) expect(a.inputs.project).toBe("freehold-plan");
  });

  it("turns Google's answer into an error that says exactly what to run", () => {
    const google = new Error(
      "invocation of gcp:organizations/getProject:getProject returned an error: Error 403: Cloud Resource Manager API has not been used in project 123456789012 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/cloudresourcemanager.googleapis.com/overview?project=123456789012 then retry., accessNotConfigured",
    );
    const error = resourceManagerError(google, undefined);
    expect(error.message).toMatch(/^The Cloud Resource Manager API is not enabled in project 123456789012\. /);
    expect(error.message).toContain("\n  gcloud services enable cloudresourcemanager.googleapis.com serviceusage.googleapis.com --project=123456789012\n");
    expect(resourceManagerError(google, "my-project").message).toContain("--project=my-project");
    // Any other failure is passed on as it is.
    const other = new Error("Error 403: Permission denied on resource project my-project.");
    expect(resourceManagerError(other, "my-project")).toBe(other);
  });

  it("is refused before anything is created in a simulated fresh project, and deploys once the API is on", async () => {
    const base = parseStack(CONFORMANCE_STACKS["one object store"] as string);
    const fresh = new World(RULES);
    seedProject(fresh);
    const first = await new Harness(fresh, "gcp", base).up("first up", base);
    expect(first).toMatchObject({ outcome: "refused", changes: 0 });
    expect(first.error).toContain("cloudresourcemanager.googleapis.com has not been used in project before or it is disabled");
    expect([...fresh.objects.values()].filter((o) => o.type !== "gcp:(project)")).toEqual([]);
    const ready = new World(RULES);
    seedProject(ready, ["storage.googleapis.com", "serviceusage.googleapis.com", "cloudresourcemanager.googleapis.com"]);
    expect((await new Harness(ready, "gcp", base).up("first up", base)).outcome).toBe("ok");
  });
});

describe("2. destroy, then up again, does not collide", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(CONFORMANCE_STACKS["throwaway stack without deletion protection"] as string);
  });

  it("keeps nothing of the network on destroy, and needs no peering that outlives a database", () => {
    for (const r of run.resources.filter((x) => x.type.startsWith("gcp:compute/"))) expect(r.options.retainOnDelete, r.name).toBe(false);
    expect(run.resources.filter((r) => r.type === "gcp:servicenetworking/connection:Connection")).toEqual([]);
  });

  it("ends the Cloud SQL instance id with a suffix generated with the instance", () => {
    const instance = one(run, "gcp:sql/databaseInstance:DatabaseInstance");
    expect(instance.inputs.name).toMatch(/^scratch-dev-db-[a-z0-9]{4}$/);
    expect(instance.propertyDependencies.name?.map(tail)).toEqual(["db-name-suffix"]);
  });

  it("turns protection off, destroys and comes back up under the same stack, on the simulated cloud", async () => {
    expect(await scenario("one database", "unprotect-destroy-up")).toBeUndefined();
    expect(await scenario("one object store", "unprotect-destroy-up")).toBeUndefined();
  });
});

describe("3. changing residency on a deployed stack", () => {
  it("keeps the password secret in the region under any residency, so nothing is replaced", async () => {
    const uk = await plan(`name: shop\nresidency: uk\ncomponents:\n  db: { kind: database }\n`);
    const none = await plan(`name: shop\nresidency: none\ncomponents:\n  db: { kind: database }\n`);
    const replication = (r: MockRun) => one(r, "gcp:secretmanager/secret:Secret", "db-secret").inputs.replication;
    expect(replication(uk)).toEqual({ userManaged: { replicas: [{ location: "europe-west2" }] } });
    expect(replication(none)).toEqual(replication(uk));
  });

  it("changes residency and back on the simulated cloud", async () => {
    expect(await scenario("one database", "residency")).toBeUndefined();
  });
});

describe("4. destroy and the addresses Cloud Run keeps in the subnet", () => {
  it("waits two hours, after every Cloud Run resource using the subnet is gone, before deleting the subnet", async () => {
    const run = await plan(CONFORMANCE_STACKS["throwaway stack without deletion protection"] as string);
    const wait = one(run, SLEEP, "scratch-subnet-address-release-europe-west2");
    expect(wait.inputs).toEqual({ destroyDuration: "2h" });
    expect(deps(wait)).toEqual(["scratch-subnet"]);
    expect(deps(one(run, RUN))).toContain("scratch-subnet-address-release-europe-west2");
    expect(deps(one(run, "gcp:cloudrunv2/job:Job"))).toContain("scratch-subnet-address-release-europe-west2");
  });

  it("destroys a stack whose service used Direct VPC egress, and comes back up, on the simulated cloud", async () => {
    expect(await scenario("throwaway stack without deletion protection", "unprotect-destroy-up")).toBeUndefined();
  });
});

describe("5. the first deploy does not race grants or service agents", () => {
  it("starts the first revision only after a wait for its grants and for Cloud Run's service agent", async () => {
    const run = await plan(CONFORMANCE_STACKS["private service linked to a database and a read-only store"] as string);
    expect(deps(one(run, RUN))).toEqual(expect.arrayContaining(["jobs-grants-settled", "worker-api-run-ready"]));
    expect(one(run, SLEEP, "jobs-grants-settled").inputs.createDuration).toBe("420s");
  });

  it("deploys a linked private service on the first up of the simulated cloud", async () => {
    const result = await runStack(CONFORMANCE_STACKS["private service linked to a database and a read-only store"] as string, "gcp", { only: ["up-again"] });
    expect(result.first.error).toBeUndefined();
    expect(result.first.outcome).toBe("ok");
  });
});

describe("6. browser uploads and signed URLs", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(`
name: shop
components:
  files: { kind: object-store, cors: [{ allowedOrigins: ["https://app.example.gov.uk"], allowedMethods: [PUT] }] }
  web: { kind: web-service, image: nginx, writableRootFilesystem: true, links: [files] }
`);
  });

  it("lets a browser send Content-Type with a PUT", () => {
    const cors = one(run, "gcp:storage/bucket:Bucket").inputs.cors as Array<{ responseHeaders: string[] }>;
    expect(cors[0]?.responseHeaders).toContain("Content-Type");
  });

  it("lets the service sign URLs as itself, with a role that can do nothing else", () => {
    const signer = one(run, "gcp:serviceaccount/iAMMember:IAMMember", "web-url-signer").inputs;
    expect(signer).toEqual({
      serviceAccountId: "projects/freehold-plan/serviceAccounts/shop-dev-web@freehold-plan.iam.gserviceaccount.com",
      role: expect.stringMatching(/^projects\/freehold-plan\/roles\/shop_dev_url_signer_[a-z0-9]{4}$/),
      member: "serviceAccount:shop-dev-web@freehold-plan.iam.gserviceaccount.com",
    });
    expect(one(run, "gcp:projects/iAMCustomRole:IAMCustomRole").inputs).toMatchObject({ roleId: expect.stringMatching(/^shop_dev_url_signer_[a-z0-9]{4}$/), permissions: ["iam.serviceAccounts.signBlob"] });
    expect(all(run, "gcp:projects/service:Service").map((s) => s.inputs.service)).toContain("iamcredentials.googleapis.com");
  });
});

describe("7. a private worker that works in the background", () => {
  it("gets CPU all the time and is never scaled to zero", async () => {
    const run = await plan(`name: shop\ncomponents:\n  worker: { kind: web-service, image: nginx, writableRootFilesystem: true, background: true, scaling: { min: 1, max: 2 } }\n`);
    const service = one(run, RUN);
    expect((container(service).resources as { cpuIdle: boolean }).cpuIdle).toBe(false);
    expect((service.inputs.template as { scaling: { minInstanceCount: number } }).scaling.minInstanceCount).toBe(1);
    expect(backend.capabilities.find((c) => c.feature === "web-service.background")?.support).toBe("full");
  });
});

describe("8. clients that look the bucket up first", () => {
  it("can read the bucket's metadata at every access level", async () => {
    const run = await plan(`
name: shop
components:
  a: { kind: object-store }
  b: { kind: object-store }
  c: { kind: object-store }
  web: { kind: web-service, image: nginx, writableRootFilesystem: true, links: [{ to: a, access: read }, { to: b, access: write }, { to: c, access: readWrite }] }
`);
    const byBucket = new Map<string, string[]>();
    for (const g of all(run, "gcp:storage/bucketIAMMember:BucketIAMMember")) byBucket.set(String(g.inputs.bucket), [...(byBucket.get(String(g.inputs.bucket)) ?? []), String(g.inputs.role)]);
    expect(byBucket.size).toBe(3);
    for (const roles of byBucket.values()) expect(roles).toContain("roles/storage.legacyBucketReader");
  });
});

describe("9. lifecycle rules on a versioned bucket", () => {
  it("touch current objects by age only, and noncurrent versions by the time since they became noncurrent", async () => {
    const run = await plan(`name: shop\ncomponents:\n  files: { kind: object-store, lifecycle: [{ prefix: tmp/, expireAfterDays: 7 }] }\n`);
    const rules = one(run, "gcp:storage/bucket:Bucket").inputs.lifecycleRules as Array<{ condition: Record<string, unknown> }>;
    expect(rules.map((r) => r.condition)).toEqual([
      { age: 7, withState: "LIVE", matchesPrefixes: ["tmp/"] },
      { daysSinceNoncurrentTime: 7, withState: "ARCHIVED", matchesPrefixes: ["tmp/"] },
      // previousVersionsExpireAfterDays, beside the stack's own rules.
      { daysSinceNoncurrentTime: 30, withState: "ARCHIVED" },
    ]);
  });
});

describe("10. images from private registries", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(`
name: shop
components:
  web:
    kind: web-service
    image: ghcr.io/acme/web:1.0
    writableRootFilesystem: true
    registry: { server: ghcr.io, username: deploy-bot, passwordSecret: tok }
  quay: { kind: web-service, image: quay.io/acme/tool:2, writableRootFilesystem: true }
  hub: { kind: web-service, image: nginx:1.27, writableRootFilesystem: true }
`);
  });

  it("pulls a private image through an Artifact Registry remote repository whose password is kept in Secret Manager", () => {
    const repo = one(run, "gcp:artifactregistry/repository:Repository", "web-repository").inputs;
    expect(repo).toMatchObject({
      repositoryId: "shop-dev-web-8nz89j-images",
      location: "europe-west2",
      format: "DOCKER",
      mode: "REMOTE_REPOSITORY",
      remoteRepositoryConfig: {
        commonRepository: { uri: "https://ghcr.io" },
        upstreamCredentials: { usernamePasswordCredentials: { username: "deploy-bot", passwordSecretVersion: expect.stringContaining("shop-dev-web-registry-password") } },
      },
    });
    expect(one(run, "gcp:secretmanager/secret:Secret", "web-registry-secret").inputs).toMatchObject({ replication: { userManaged: { replicas: [{ location: "europe-west2" }] } } });
    expect(one(run, "gcp:secretmanager/secretVersion:SecretVersion", "web-registry-secret-version").inputs.secretData).toBe("[secret]");
    expect(one(run, "gcp:secretmanager/secretIamMember:SecretIamMember", "web-registry-agent-secret-access").inputs).toMatchObject({
      role: "roles/secretmanager.secretAccessor",
      member: "serviceAccount:service-123456789012@gcp-sa-artifactregistry.iam.gserviceaccount.com",
    });
    expect(deps(one(run, "gcp:artifactregistry/repository:Repository", "web-repository"))).toContain("web-registry-agent-settled");
    expect(container(one(run, RUN, "web-service")).image).toBe("europe-west2-docker.pkg.dev/freehold-plan/shop-dev-web-8nz89j-images/acme/web:1.0");
  });

  it("pulls from a registry Cloud Run cannot reach directly through a remote repository without credentials, and from Docker Hub directly", () => {
    const quay = one(run, "gcp:artifactregistry/repository:Repository", "quay-repository").inputs as { remoteRepositoryConfig: Record<string, unknown> };
    expect(quay.remoteRepositoryConfig).toEqual({ description: "https://quay.io", commonRepository: { uri: "https://quay.io" } });
    expect(container(one(run, RUN, "quay-service")).image).toBe("europe-west2-docker.pkg.dev/freehold-plan/shop-dev-quay-lex1xi-images/acme/tool:2");
    expect(container(one(run, RUN, "hub-service")).image).toBe("nginx:1.27");
    expect(run.resources.filter((r) => r.type === "gcp:artifactregistry/repository:Repository")).toHaveLength(2);
  });

  it("adds and removes a private registry on a deployed service, on the simulated cloud", async () => {
    expect(await scenario("throwaway stack without deletion protection", "change:web.registry")).toBeUndefined();
  });
});
