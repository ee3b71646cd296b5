import type { MockRun } from "@freehold/core";
import { SpecError, UnsupportedFeatureError, WebServiceSpec } from "@freehold/model";
import { beforeAll, describe, expect, it } from "vitest";
import { all, one, plan } from "./testing";
import { vendorSettings } from "./vendor";
import { assertSupported, livenessTimeout, WEB_SERVICE_ROLES } from "./web-service";

const RUN = "gcp:cloudrunv2/service:Service";
const stack = `
name: shop
components:
  db: { kind: database }
  files: { kind: object-store }
  logs: { kind: object-store }
  uploads: { kind: object-store }
  web:
    kind: web-service
    image: ghcr.io/example/web:1.0
    port: 3000
    public: true
    writableRootFilesystem: true
    size: { cpu: 1, memoryGiB: 2 }
    scaling: { min: 2, max: 10 }
    healthCheck: { path: /healthz, intervalSeconds: 15 }
    env: { NODE_ENV: production }
    links: [db, { to: files, access: read }, { to: logs, access: write }, uploads]
  worker:
    kind: web-service
    image: ghcr.io/example/worker:1.0
    writableRootFilesystem: true
    scaling: { min: 0, max: 2 }
    healthCheck: { intervalSeconds: 5 }
`;

describe("web service on Cloud Run", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(stack);
  });

  it("makes a public service reachable by anyone over HTTPS and a private one internal only", async () => {
    // Open to every caller with the invoker IAM check off, not an allUsers grant (which domain-restricted sharing refuses).
    expect(one(run, RUN, "web-service").inputs).toMatchObject({ ingress: "INGRESS_TRAFFIC_ALL", invokerIamDisabled: true, launchStage: "GA", deletionProtection: false, location: "europe-west2", name: "shop-dev-web" });
    expect(one(run, RUN, "worker-service").inputs).toMatchObject({ ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY", invokerIamDisabled: false });
    expect(all(run, "gcp:cloudrunv2/serviceIamMember:ServiceIamMember")).toEqual([]);
  });

  it("runs each service as its own service account, never the default compute account", async () => {
    const accounts = all(run, "gcp:serviceaccount/account:Account").map((a) => a.inputs.accountId);
    expect(accounts.sort()).toEqual(["shop-dev-db-dbrole", "shop-dev-web", "shop-dev-worker"]);
    const template = one(run, RUN, "web-service").inputs.template as Record<string, unknown>;
    expect(template.serviceAccount).toBe("shop-dev-web@freehold-plan.iam.gserviceaccount.com");
  });

  it("sets scaling, Cloud Run limits, request-based CPU and probes on the health-check path", async () => {
    const template = one(run, RUN, "web-service").inputs.template as { scaling: unknown; containers: Array<Record<string, unknown>> };
    expect(template.scaling).toEqual({ minInstanceCount: 2, maxInstanceCount: 10 });
    const c = template.containers[0] as Record<string, unknown>;
    expect(c.image).toBe("ghcr.io/example/web:1.0");
    expect(c.ports).toEqual({ containerPort: 3000 });
    expect(c.resources).toEqual({ limits: { cpu: "1", memory: "2048Mi" }, cpuIdle: true });
    expect(c.startupProbe).toEqual({ httpGet: { path: "/healthz", port: 3000 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 12 });
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: "/healthz", port: 3000 }, periodSeconds: 15 });
    const worker = one(run, RUN, "worker-service").inputs.template as { scaling: unknown };
    expect(worker.scaling).toEqual({ minInstanceCount: 0, maxInstanceCount: 2 });
  });

  it("keeps every liveness probe's timeout shorter than its period, even at the shortest check interval", async () => {
    // Cloud Run's Probe.timeoutSeconds "must be smaller than periodSeconds": a 5 s interval gets a 4 s timeout, not 5 s.
    const worker = one(run, RUN, "worker-service").inputs.template as { containers: Array<{ livenessProbe: { periodSeconds: number; timeoutSeconds: number } }> };
    expect(worker.containers[0]?.livenessProbe).toMatchObject({ periodSeconds: 5, timeoutSeconds: 4 });
    for (let interval = 5; interval <= 300; interval++) {
      const t = livenessTimeout(interval);
      expect(t < interval && t >= 1 && t <= 5, `interval ${interval}: timeout ${t}`).toBe(true);
    }
  });

  it("reaches a linked database through Direct VPC egress on private ranges only", async () => {
    const web = one(run, RUN, "web-service").inputs.template as Record<string, unknown>;
    expect(web.vpcAccess).toEqual({ egress: "PRIVATE_RANGES_ONLY", networkInterfaces: [{ network: "shop-dev-network", subnetwork: "shop-dev-europe-west2" }] });
    const worker = one(run, RUN, "worker-service").inputs.template as Record<string, unknown>;
    expect(worker.vpcAccess).toBeUndefined();
  });

  it("passes the database password from Secret Manager, never as a plain variable", async () => {
    const envs = ((one(run, RUN, "web-service").inputs.template as { containers: Array<{ envs: Array<Record<string, unknown>> }> }).containers[0]?.envs ?? []) as Array<{
      name: string;
      value?: string;
      valueSource?: unknown;
    }>;
    const pw = envs.find((e) => e.name === "DATABASE_PASSWORD");
    expect(pw).toEqual({ name: "DATABASE_PASSWORD", valueSource: { secretKeyRef: { secret: "shop-dev-db-db-password-2r9n", version: "1" } } });
    expect(envs.filter((e) => e.value !== undefined && /mock-|password/i.test(e.value))).toEqual([]);
    expect(envs.find((e) => e.name === "NODE_ENV")?.value).toBe("production");
    // The instance's DNS name, which its certificate names, resolved in the network to its Private Service Connect endpoint.
    expect(envs.find((e) => e.name === "DATABASE_HOST")?.value).toMatch(/^[0-9a-f]{10}\.europe-west2\.sql\.goog$/);
    expect(envs.find((e) => e.name === "DATABASE_SSLMODE")?.value).toBe("verify-full");
  });

  it("connects a read link as app_read with only app_read's secret, and a read-write link as app with only app's", async () => {
    const r = await plan(
      "name: shop\ncomponents:\n  db: { kind: database }\n  web: { kind: web-service, image: ghcr.io/example/web:1.0, writableRootFilesystem: true, links: [db] }\n  reports: { kind: web-service, image: ghcr.io/example/reports:1.0, writableRootFilesystem: true, links: [{ to: db, access: read }] }\n",
    );
    const envs = (service: string) => ((one(r, RUN, `${service}-service`).inputs.template as { containers: Array<{ envs: Array<{ name: string; value?: string; valueSource?: unknown }> }> }).containers[0]?.envs ?? []);
    const env = (service: string, name: string) => envs(service).find((e) => e.name === name);
    expect([env("web", "DATABASE_USER")?.value, env("reports", "DATABASE_USER")?.value]).toEqual(["app", "app_read"]);
    expect(env("web", "DATABASE_PASSWORD")?.valueSource).toEqual({ secretKeyRef: { secret: "shop-dev-db-db-password-2r9n", version: "1" } });
    expect(env("reports", "DATABASE_PASSWORD")?.valueSource).toEqual({ secretKeyRef: { secret: "shop-dev-db-db-read-password-2r9n", version: "1" } });
    const readers = (account: string) =>
      all(r, "gcp:secretmanager/secretIamMember:SecretIamMember")
        .filter((g) => String(g.inputs.member).startsWith(`serviceAccount:shop-dev-${account}@`))
        .map((g) => g.inputs.secretId);
    expect(readers("web")).toEqual(["shop-dev-db-db-password-2r9n", "shop-dev-web-database-ca"]);
    expect(readers("reports")).toEqual(["shop-dev-db-db-read-password-2r9n", "shop-dev-reports-database-ca"]);
    // Both wait for the role job: their roles exist only once it has run.
    for (const service of ["web", "reports"]) expect(one(r, RUN, `${service}-service`).options.dependsOn.map((d) => d.split("::").pop())).toContain("db-role-job");
  });

  it("grants each link the narrowest role on that one resource", async () => {
    const bucketGrants = Object.fromEntries(all(run, "gcp:storage/bucketIAMMember:BucketIAMMember").map((g) => [g.name, g.inputs.role]));
    expect(bucketGrants).toEqual({
      "web-files-access": "roles/storage.objectViewer",
      "web-files-bucket-reader": "roles/storage.legacyBucketReader",
      "web-logs-access": "roles/storage.objectCreator",
      "web-logs-bucket-reader": "roles/storage.legacyBucketReader",
      "web-uploads-access": "roles/storage.objectUser",
      "web-uploads-bucket-reader": "roles/storage.legacyBucketReader",
    });
    expect(one(run, "gcp:storage/bucketIAMMember:BucketIAMMember", "web-files-access").inputs.member).toBe("serviceAccount:shop-dev-web@freehold-plan.iam.gserviceaccount.com");
    expect(one(run, "gcp:secretmanager/secretIamMember:SecretIamMember", "web-db-secret-access").inputs).toEqual({
      secretId: "shop-dev-db-db-password-2r9n",
      role: "roles/secretmanager.secretAccessor",
      member: "serviceAccount:shop-dev-web@freehold-plan.iam.gserviceaccount.com",
    });
    // A direct connection to a Private Service Connect endpoint needs no IAM role on the instance or the project.
    expect(all(run, "gcp:projects/iAMMember:IAMMember")).toEqual([]);
    for (const r of run.resources) expect(JSON.stringify(r.inputs.role ?? "")).not.toMatch(/\*|roles\/(owner|editor)/);
  });

  it("starts the revision only after its grants have had time to apply, Cloud Run's service agent is ready and the database role exists", async () => {
    const deps = one(run, RUN, "web-service").options.dependsOn.map((d) => d.split("::").pop());
    expect(deps).toEqual(expect.arrayContaining(["web-grants-settled", "shop-api-run", "shop-api-run-ready", "db-role-job", "shop-subnet-address-release-europe-west2"]));
    const wait = one(run, "time:index/sleep:Sleep", "web-grants-settled");
    expect(wait.inputs.createDuration).toBe("420s");
    expect(wait.options.dependsOn.map((d) => d.split("::").pop()).sort()).toEqual(
      ["web-db-secret-access", "web-database-ca-access", "web-files-access", "web-files-bucket-reader", "web-logs-access", "web-logs-bucket-reader", "web-uploads-access", "web-uploads-bucket-reader", "web-url-signer"].sort(),
    );
    expect(String((wait.inputs.triggers as { grants: string }).grants)).toContain("web-db-secret-access");
    expect(one(run, "time:index/sleep:Sleep", "shop-api-run-ready").inputs.createDuration).toBe("420s");
  });

  it("refuses a read-only root filesystem asked for explicitly, which Cloud Run cannot give, and says how to proceed", () => {
    expect(() => assertSupported("web", WebServiceSpec.parse({ kind: "web-service", image: "nginx" }))).not.toThrow();
    const spec = WebServiceSpec.parse({ kind: "web-service", image: "nginx", writableRootFilesystem: false });
    expect(() => assertSupported("web", spec)).toThrow(UnsupportedFeatureError);
    expect(() => assertSupported("web", spec)).toThrow(
      "web: gcp cannot provide web-service.read-only-root-filesystem: Cloud Run always gives containers a writable in-memory filesystem and has no setting to make it read-only. Set writableRootFilesystem: true on this component to accept Cloud Run's writable filesystem, or accept it with acceptDegraded: [web-service.read-only-root-filesystem]",
    );
  });

  it("goes without a read-only root filesystem and a fixed uid only when the spec accepts the degradation", () => {
    const spec = WebServiceSpec.parse({ kind: "web-service", image: "nginx", user: "1000", acceptDegraded: ["web-service.read-only-root-filesystem", "web-service.run-as-user"] });
    expect(() => assertSupported("web", spec)).not.toThrow();
  });

  it("refuses a fixed uid with the reason, and takes a custom domain, background work and a private registry", () => {
    const base = { kind: "web-service", image: "nginx", writableRootFilesystem: true } as const;
    expect(() => assertSupported("web", WebServiceSpec.parse({ ...base, user: "1000" }))).toThrow(
      /^web: gcp cannot provide web-service.run-as-user: Cloud Run runs the container as the image's user/,
    );
    expect(() => assertSupported("web", WebServiceSpec.parse({ ...base, public: true, domain: "app.example.gov.uk" }))).not.toThrow();
    expect(() => assertSupported("web", WebServiceSpec.parse({ ...base, background: true, registry: { server: "ghcr.io", username: "u", passwordSecret: "tok" } }))).not.toThrow();
    expect(() => assertSupported("web", WebServiceSpec.parse(base))).not.toThrow();
  });

  it("merges vendor settings into the service and refuses a role it does not have", async () => {
    const run = await plan(`
name: shop
components:
  web: { kind: web-service, image: nginx, writableRootFilesystem: true, vendor: { gcp: { service: { description: "tuned", template: { timeout: "30s" } }, serviceAccount: { displayName: "Web" } } } }
`);
    expect(one(run, RUN).inputs.description).toBe("tuned");
    // Deep-merged: the vendor's template setting joins Freehold's, which all stay.
    const template = one(run, RUN).inputs.template as Record<string, unknown>;
    expect(template.timeout).toBe("30s");
    expect(template.serviceAccount).toBe("shop-dev-web@freehold-plan.iam.gserviceaccount.com");
    expect((template.containers as unknown[]).length).toBe(1);
    expect(one(run, "gcp:serviceaccount/account:Account").inputs.displayName).toBe("Web");
    const bad = () => vendorSettings("web", { gcp: { loadBalancer: { x: 1 } } }, WEB_SERVICE_ROLES);
    expect(bad).toThrow(SpecError);
    expect(bad).toThrow('component "web" has 1 problem:\n  - vendor.gcp.loadBalancer: is not a child resource of this component on gcp; roles allowed: service, serviceAccount, repository');
  });
});
