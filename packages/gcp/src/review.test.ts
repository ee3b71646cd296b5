/**
 * Plans that show each finding of the second Google Cloud review is fixed:
 * the inputs that make the difference, one `describe` per finding.
 */
import { type MockRun, plainOutputs, priceRun } from "@freehold/core";
import { defaultUsage, isZoneApex } from "@freehold/model";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRIORITY, WAF_RULE_SETS } from "./armor";
import { CAPABILITIES } from "./capabilities";
import { FINAL_BACKUP_DAYS } from "./database";
import { DATABASE_WAIT_SECONDS, ROLE_JOB_IMAGE, ROLE_SCRIPT } from "./db-role";
import { acceptedMoves, decideDomain, stateOf } from "./domain-state";
import { backend } from "./index";
import { emptyLogSources, stackLogFilter } from "./logs";
import { PRICE_TABLE } from "./price-table";
import { one, plan } from "./testing";

const INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";
const settingsOf = (run: MockRun, name: string) => (one(run, INSTANCE, name).inputs as { settings: Record<string, unknown> }).settings;

describe("2. backups survive the deletion of their database", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(`
name: shop
components:
  db: { kind: database, deletionProtection: false }
  off: { kind: database, deletionProtection: false, backups: { keepOnDelete: false } }
`);
  });

  it("keeps the automated backups and takes a final backup, kept a year, when the instance is deleted", () => {
    expect(settingsOf(run, "db-instance")).toMatchObject({ retainBackupsOnDelete: true, finalBackupConfig: { enabled: true, retentionDays: FINAL_BACKUP_DAYS } });
    expect(FINAL_BACKUP_DAYS).toBe(365);
    expect(one(run, INSTANCE, "db-instance").inputs.finalBackupDescription).toBe("Final backup of Freehold stack shop-dev, database db");
  });

  it("keeps nothing when backups.keepOnDelete is false", () => {
    expect(settingsOf(run, "off-instance")).toMatchObject({ retainBackupsOnDelete: false, finalBackupConfig: { enabled: false } });
    expect(one(run, INSTANCE, "off-instance").inputs.finalBackupDescription).toBeUndefined();
  });

  it("prices what a destroy leaves behind, outside the monthly total", () => {
    const priced = priceRun(backend.pricing, run, defaultUsage());
    const kept = priced.afterDestroy.filter((l) => /backups kept after a destroy/.test(l.item));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ quantity: 20, resourceType: INSTANCE });
    expect([...priced.components.values()].flat().some((l) => /backups kept after a destroy/.test(l.item))).toBe(false);
  });
});

describe("database TLS: the server is verified (verify-full), on the name its certificate carries", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(`
name: shop
components:
  db: { kind: database }
  reports: { kind: database }
  web: { kind: web-service, image: ghcr.io/example/web:1.0, writableRootFilesystem: true, links: [db, reports] }
`);
  });
  const container = (r: MockRun, type: string, name: string) => {
    const t = one(r, type, name).inputs.template as { containers?: unknown[]; template?: { containers: unknown[] }; volumes?: unknown[] };
    return (t.containers ?? t.template?.containers ?? [])[0] as { envs: Array<{ name: string; value?: string }>; volumeMounts?: unknown };
  };

  it("signs the server certificate with Google's shared CA, which names the instance's DNS name", () => {
    expect((settingsOf(run, "db-instance").ipConfiguration as Record<string, unknown>).serverCaMode).toBe("GOOGLE_MANAGED_CAS_CA");
  });

  it("resolves the instance's DNS name to its Private Service Connect endpoint in the stack's network", () => {
    const zone = one(run, "gcp:dns/managedZone:ManagedZone", "db-dns-zone").inputs;
    expect(zone).toMatchObject({ visibility: "private", dnsName: expect.stringMatching(/^[0-9a-f]{10}\.europe-west2\.sql\.goog\.$/), privateVisibilityConfig: { networks: [{ networkUrl: "projects/freehold-plan/global/networks/shop-dev-network" }] } });
    const record = one(run, "gcp:dns/recordSet:RecordSet", "db-dns-record");
    expect(record.inputs).toMatchObject({ type: "A", name: zone.dnsName, rrdatas: [one(run, "gcp:compute/address:Address", "db-endpoint-address").inputs.address ?? expect.stringMatching(/^10\.10\./)] });
    expect(record.propertyDependencies.rrdatas?.map((d) => d.split("::").pop())).toEqual(["db-endpoint-address"]);
  });

  it("puts every linked database's authorities in one read-only file at DATABASE_CA_PATH and connects with verify-full", () => {
    const env = Object.fromEntries(container(run, "gcp:cloudrunv2/service:Service", "web-service").envs.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ DB_DATABASE_SSLMODE: "verify-full", DB_DATABASE_SSLROOTCERT: "/etc/freehold/tls/database-ca.pem", REPORTS_DATABASE_SSLMODE: "verify-full" });
    expect(env.DB_DATABASE_HOST).toMatch(/\.europe-west2\.sql\.goog$/);
    const template = one(run, "gcp:cloudrunv2/service:Service", "web-service").inputs.template as { volumes: unknown[] };
    expect(template.volumes).toEqual([{ name: "database-ca", secret: { secret: "shop-dev-web-database-ca", defaultMode: 0o444, items: [{ path: "database-ca.pem", version: "1", mode: 0o444 }] } }]);
    expect(container(run, "gcp:cloudrunv2/service:Service", "web-service").volumeMounts).toEqual([{ name: "database-ca", mountPath: "/etc/freehold/tls" }]);
    const bundle = one(run, "gcp:secretmanager/secretVersion:SecretVersion", "web-database-ca-version");
    expect(bundle.propertyDependencies.secretData?.map((d) => d.split("::").pop()).sort()).toEqual(["db-instance", "reports-instance"]);
  });

  it("returns the instance's authorities as serverCa", async () => {
    const { runWithMocks, registerBackend } = await import("@freehold/core");
    const { Database } = await import("@freehold/core");
    registerBackend(backend);
    let pem = "";
    await runWithMocks("gcp", () => {
      const db = new Database("db", {}, { cloud: "gcp" });
      db.serverCa?.apply((p) => {
        pem = p;
      });
    });
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]*-----END CERTIFICATE-----\n$/);
  });

  it("has the role job verify the server too, with the database's own authorities", () => {
    const env = Object.fromEntries(container(run, "gcp:cloudrunv2/job:Job", "db-role-job").envs.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ PGSSLMODE: "verify-full", PGSSLROOTCERT: "/etc/freehold/tls/database-ca.pem", PGHOST: expect.stringMatching(/\.sql\.goog$/) });
  });
});

describe("4. the role job's first run reaches the database, or says why it could not", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan("name: shop\ncomponents:\n  db: { kind: database }\n");
  });

  it("starts only once the database's endpoint and DNS record exist", () => {
    const deps = one(run, "gcp:cloudrunv2/job:Job", "db-role-job").options.dependsOn.map((d) => d.split("::").pop());
    expect(deps).toEqual(expect.arrayContaining(["db-endpoint", "db-dns-record", "db-role-job-grants-settled"]));
  });

  it("waits for the database with a bound, each attempt with a connect timeout, and fails the deployment saying why", () => {
    expect(ROLE_SCRIPT).toContain(`deadline=$(( $(date +%s) + \${FREEHOLD_DB_WAIT_SECONDS:-${DATABASE_WAIT_SECONDS}} ))`);
    expect(ROLE_SCRIPT).toContain("until pg_isready -q -t 10; do");
    expect(ROLE_SCRIPT).toMatch(/did not answer within .* the application roles were not created/);
    const job = one(run, "gcp:cloudrunv2/job:Job", "db-role-job").inputs as { runExecutionToken: string; template: { template: { timeout: string; maxRetries: number } } };
    // runExecutionToken: the provider waits for the execution, so a failure fails the `up`.
    expect(job.runExecutionToken).toMatch(/^r[a-z0-9]{8}$/);
    expect(job.template.template).toMatchObject({ timeout: "600s", maxRetries: 3 });
  });
});

describe("6. the role job runs an image pinned by digest, through the stack's own registry", () => {
  it("pulls postgres 17.11-alpine by its index digest through an Artifact Registry remote repository of Docker Hub", async () => {
    const run = await plan("name: shop\ncomponents:\n  db: { kind: database }\n");
    const job = one(run, "gcp:cloudrunv2/job:Job", "db-role-job").inputs as { template: { template: { containers: Array<{ image: string }> } } };
    expect(job.template.template.containers[0]?.image).toBe(`europe-west2-docker.pkg.dev/freehold-plan/shop-dev-freehold-tools-images/library/postgres@${ROLE_JOB_IMAGE.digest}`);
    expect(ROLE_JOB_IMAGE.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(one(run, "gcp:artifactregistry/repository:Repository", "shop-tool-images").inputs).toMatchObject({
      mode: "REMOTE_REPOSITORY",
      format: "DOCKER",
      location: "europe-west2",
      remoteRepositoryConfig: { dockerRepository: { publicRepository: "DOCKER_HUB" } },
    });
  });
});

describe("5. a domain's staging: run.app stays open until the certificate is active", () => {
  const req = (residency: "none" | "uk", filtered = false) => ({ name: "web", stack: { residency }, spec: { ipAllowList: filtered ? ["203.0.113.0/24"] : undefined, webApplicationFirewall: false } }) as unknown as Parameters<typeof decideDomain>[0];

  it("keeps run.app while the certificate is missing, provisioning or unreadable, and closes it once it is active", () => {
    for (const state of ["NONE", "PROVISIONING", "UNKNOWN", "FAILED"]) expect(decideDomain(req("none"), "app.example.gov.uk", { global: state, regional: "NONE" }).loadBalancerOnly).toBe(false);
    expect(decideDomain(req("none"), "app.example.gov.uk", { global: "ACTIVE", regional: "NONE" })).toEqual({ loadBalancerOnly: true });
    expect(decideDomain(req("uk"), "app.example.gov.uk", { global: "NONE", regional: "ACTIVE" })).toEqual({ loadBalancerOnly: true });
  });

  it("refuses a residency change that would move a serving domain to a new load balancer, naming the steps, unless the stack accepts the move", () => {
    expect(() => decideDomain(req("uk"), "app.example.gov.uk", { global: "ACTIVE", regional: "NONE" })).toThrow(
      'component "web": moving https://app.example.gov.uk from the global load balancer to a regional one (residency uk) gives it a new address and a new certificate, and this up would delete the global load balancer at its end: the domain would not answer until its records point at the new address and the new certificate is active. Refused, so that the outage is one you choose. To move: 1. a day before, lower the TTL of the domain\'s records to 60 seconds; 2. pulumi config set freehold:acceptDomainMove web, then pulumi up (the service answers on its run.app address meanwhile); 3. at once create the records that up prints (the stack output dnsRecords: the new address record and the new validation record); 4. pulumi up again once the certificate is active; 5. pulumi config rm freehold:acceptDomainMove. To keep the global load balancer, undo the residency change.',
    );
    // Back from regional to global, with a filter: run.app stays closed, and the refusal says so.
    expect(() => decideDomain(req("none", true), "app.example.gov.uk", { global: "NONE", regional: "ACTIVE" })).toThrow(
      "2. pulumi config set freehold:acceptDomainMove web, then pulumi up (the service does not answer on its run.app address meanwhile: its IP allow list or firewall applies only at the load balancer)",
    );
    // Once the new certificate is active (the move done), or when no certificate serves yet, nothing is refused.
    expect(decideDomain(req("uk"), "app.example.gov.uk", { global: "ACTIVE", regional: "ACTIVE" })).toEqual({ loadBalancerOnly: true });
    expect(decideDomain(req("uk"), "app.example.gov.uk", { global: "PROVISIONING", regional: "NONE" }).loadBalancerOnly).toBe(false);
    expect(acceptedMoves(" api, web ")).toEqual(new Set(["api", "web"]));
  });

  it("says an accepted residency change moves the domain to a new address, and keeps run.app open meanwhile", () => {
    const d = decideDomain(req("uk"), "app.example.gov.uk", { global: "ACTIVE", regional: "NONE" }, true);
    expect(d.loadBalancerOnly).toBe(false);
    expect(d.note).toContain("https://app.example.gov.uk moves from the global load balancer to the regional one (residency uk): a new address and a new certificate");
  });

  it("closes run.app at once when a filter asks for it: a filter run.app bypasses filters nothing", () => {
    expect(decideDomain(req("none", true), "app.example.gov.uk", { global: "NONE", regional: "NONE" }).loadBalancerOnly).toBe(true);
  });

  it("reads the certificate's state from its name, whatever form the list gives it in", () => {
    expect(stateOf([{ name: "projects/p/locations/global/certificates/shop-dev-web-cert-ab12", manageds: [{ state: "ACTIVE" }] }], "shop-dev-web-cert-ab12")).toBe("ACTIVE");
    expect(stateOf([{ name: "shop-dev-web-cert-ab12", manageds: [{ state: "PROVISIONING" }] }], "shop-dev-web-cert-ab12")).toBe("PROVISIONING");
    expect(stateOf([], "shop-dev-web-cert-ab12")).toBe("NONE");
  });
});

describe("ipAllowList and webApplicationFirewall: Cloud Armor on the domain's load balancer", () => {
  const site = (residency: string, extra: string) =>
    `name: shop\nresidency: ${residency}\ncomponents:\n  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true, domain: shop.example.gov.uk, ${extra} }\n`;

  it("allows only the listed ranges, ten to a rule, refuses the rest, and takes traffic only from the load balancer", async () => {
    const ranges = Array.from({ length: 12 }, (_, i) => `203.0.113.${i * 16}/28`);
    const run = await plan(site("none", `ipAllowList: [${ranges.join(", ")}]`));
    const policy = one(run, "gcp:compute/securityPolicy:SecurityPolicy", "web-armor").inputs as { type: string; rules: Array<{ priority: number; action: string; match: { config?: { srcIpRanges: string[] } } }> };
    expect(policy.type).toBe("CLOUD_ARMOR");
    expect(policy.rules.map((r) => [r.priority, r.action, r.match.config?.srcIpRanges.length])).toEqual([
      [2000, "allow", 10],
      [2001, "allow", 2],
      [2147483647, "deny(403)", 1],
    ]);
    expect(one(run, "gcp:compute/backendService:BackendService").inputs).toMatchObject({ securityPolicy: "web-armor-id", logConfig: { enable: true, sampleRate: 1 } });
    expect(one(run, "gcp:cloudrunv2/service:Service").inputs.ingress).toBe("INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER");
  });

  it("denies what the preconfigured rules match, and allows the rest, with a regional policy under a residency rule", async () => {
    const run = await plan(site("uk", "webApplicationFirewall: true"));
    const policy = one(run, "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy", "web-armor").inputs as { region: string; rules: Array<{ action: string; match: { expr?: { expression: string } } }> };
    expect(policy.region).toBe("europe-west2");
    expect(policy.rules.filter((r) => r.action === "deny(403)").map((r) => r.match.expr?.expression)).toEqual(WAF_RULE_SETS.map((s) => `evaluatePreconfiguredWaf('${s}', {'sensitivity': 1})`));
    expect(policy.rules.at(-1)).toMatchObject({ priority: DEFAULT_PRIORITY, action: "allow" });
    expect(one(run, "gcp:compute/regionBackendService:RegionBackendService").inputs).toMatchObject({ securityPolicy: "web-armor-id", logConfig: { enable: true, sampleRate: 1 } });
    const priced = priceRun(backend.pricing, run, defaultUsage());
    const armor = [...priced.components.values()].flat().filter((l) => l.resourceType === "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy");
    expect(armor.map((l) => l.item)).toEqual(["Cloud Armor security policy", `Cloud Armor rules, ${WAF_RULE_SETS.length + 1}`, "Cloud Armor requests evaluated"]);
  });

  it("refuses either on a service without a domain, by name, with the reason and the fix", async () => {
    await expect(plan("name: shop\ncomponents:\n  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true, ipAllowList: [203.0.113.0/24] }\n")).rejects.toThrow(
      /web-service\.ip-allow-list.*run\.app address has no load balancer.*Set domain on this component/s,
    );
    await expect(plan("name: shop\ncomponents:\n  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true, webApplicationFirewall: true }\n")).rejects.toThrow(
      /web-service\.web-application-firewall.*Set domain on this component/s,
    );
  });
});

describe("6. logs Google's security foundations ask for", () => {
  it("logs every request at the load balancer, every flow in the subnet, and every DDL and role change in the database", async () => {
    const run = await plan(`
name: shop
components:
  db: { kind: database }
  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true, domain: shop.example.gov.uk, links: [db] }
`);
    expect(one(run, "gcp:compute/backendService:BackendService").inputs.logConfig).toEqual({ enable: true, sampleRate: 1 });
    expect(one(run, "gcp:compute/subnetwork:Subnetwork").inputs.logConfig).toEqual({ aggregationInterval: "INTERVAL_5_SEC", flowSampling: 1, metadata: "INCLUDE_ALL_METADATA" });
    expect(settingsOf(run, "db-instance").databaseFlags).toEqual(expect.arrayContaining([{ name: "log_statement", value: "ddl" }, { name: "cloudsql.enable_pgaudit", value: "on" }, { name: "pgaudit.log", value: "ddl,role" }]));
    expect(ROLE_SCRIPT).toContain("SELECT 'CREATE EXTENSION IF NOT EXISTS pgaudit' WHERE EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pgaudit') \\gexec");
  });
});

describe("custom domains at a zone apex", () => {
  it("gives an A record, which DNS accepts at an apex, for a service.gov.uk name", async () => {
    const run = await plan("name: shop\ncomponents:\n  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true, domain: apply-for-a-thing.service.gov.uk }\n");
    const web = run.components.find((c) => c.name === "web");
    const records = (await plainOutputs(web?.outputs.dnsRecords)) as Array<{ name: string; type: string }>;
    expect(isZoneApex("apply-for-a-thing.service.gov.uk")).toBe(true);
    expect(records.find((r) => r.name === "apply-for-a-thing.service.gov.uk")).toMatchObject({ type: "A", value: expect.stringMatching(/^203\.0\.113\.\d+$/) });
    expect(records.some((r) => r.name === "apply-for-a-thing.service.gov.uk" && r.type === "CNAME")).toBe(false);
  });
});

describe("8. logs that stay in the region: exactly this stack's, from the first line to the last", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await plan(`
name: shop
residency: uk
components:
  db: { kind: database }
  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true, domain: shop.example.gov.uk, links: [db] }
`);
  });

  it("routes and excludes each of the stack's log sources by its exact name", () => {
    const filter = String(one(run, "gcp:logging/projectSink:ProjectSink").inputs.filter);
    expect(one(run, "gcp:logging/projectExclusion:ProjectExclusion").inputs.filter).toBe(filter);
    expect(filter).toBe(
      [
        '(resource.type="cloud_run_revision" AND (resource.labels.service_name="shop-dev-web"))',
        '(resource.type="cloud_run_job" AND (resource.labels.job_name="shop-dev-db-dbrole"))',
        '(resource.type="cloudsql_database" AND resource.labels.database_id=~"^freehold-plan:shop-dev-db-[a-z0-9]{4}$")',
        '(resource.type="gce_subnetwork" AND (resource.labels.subnetwork_name="shop-dev-europe-west2"))',
        '(resource.type="http_external_regional_lb_rule" AND (resource.labels.backend_target_name="shop-dev-web-backend"))',
      ].join(" OR "),
    );
  });

  it("matches the Cloud SQL instance id the database registers, whatever the length of its generated suffix", () => {
    const filter = String(one(run, "gcp:logging/projectSink:ProjectSink").inputs.filter);
    const pattern = /database_id=~"([^"]+)"/.exec(filter)?.[1] ?? "";
    const id = String(one(run, "gcp:sql/databaseInstance:DatabaseInstance").inputs.name);
    expect(new RegExp(pattern).test(`freehold-plan:${id}`)).toBe(true);
    expect(new RegExp(pattern).test(`freehold-plan:${id}x`)).toBe(false);
  });

  it("never matches a stack whose name only starts the same way", () => {
    const mine = stackLogFilter("p", { ...emptyLogSources(), services: ["shop-dev-web"], sqlInstances: ["shop-dev-db"] });
    expect(mine).not.toMatch(/=~"\^shop-dev"/);
    expect(mine).toContain('resource.labels.service_name="shop-dev-web"');
    // shop-dev2's service and instance are not shop-dev's.
    const sql = /database_id=~"([^"]+)"/.exec(mine)?.[1] as string;
    expect(new RegExp(sql).test("p:shop-dev-db-ab12")).toBe(true);
    expect(new RegExp(sql).test("p:shop-dev2-db-ab12")).toBe(false);
    expect(new RegExp(sql).test("p:shop-dev-db-extra-ab12")).toBe(false);
  });

  it("starts every resource that writes logs after the sink and the exclusion, so it is deleted before them", () => {
    for (const [type, name] of [
      ["gcp:cloudrunv2/service:Service", "web-service"],
      ["gcp:cloudrunv2/job:Job", "db-role-job"],
      [INSTANCE, "db-instance"],
      ["gcp:compute/subnetwork:Subnetwork", "shop-subnet"],
      ["gcp:compute/regionBackendService:RegionBackendService", "web-backend"],
    ] as const) {
      expect(one(run, type, name).options.dependsOn.map((d) => d.split("::").pop()), name).toEqual(expect.arrayContaining(["shop-log-sink", "shop-log-exclusion"]));
    }
  });
});

describe("9. the estimate has what Google charges", () => {
  const linesOf = (run: MockRun) => [...priceRun(backend.pricing, run, defaultUsage()).components.values()].flat();

  it("adds extended support for PostgreSQL 13, past Cloud SQL's standard support, and not for 16", async () => {
    const run = await plan('name: shop\ncomponents:\n  old: { kind: database, version: "13" }\n  new: { kind: database, version: "16" }\n');
    const extended = linesOf(run).filter((l) => /extended support/.test(l.item));
    expect(extended).toHaveLength(1);
    expect(extended[0]?.item).toContain("PostgreSQL 13 is past standard support (since 2026-02-01)");
    expect(extended[0]?.quantity).toBe(730);
  });

  it("prices a regional load balancer's proxy instance under residency", async () => {
    const run = await plan("name: shop\nresidency: uk\ncomponents:\n  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true, domain: shop.example.gov.uk }\n");
    expect(linesOf(run).some((l) => /regional load balancer proxy instance/.test(l.item))).toBe(true);
  });

  it("cites Google's own pricing page or catalog on every line", () => {
    const all = [...Object.values(PRICE_TABLE.global), ...Object.values(PRICE_TABLE.regions).flatMap((r) => Object.values(r))];
    for (const line of all) {
      expect(line.source.url, line.source.name).toMatch(/^https:\/\/(cloud\.google\.com|cloudbilling\.googleapis\.com)\//);
      expect(line.source.name).not.toMatch(/third-party/);
    }
  });
});

describe("10. the words buyers read in plan and compare say what the backend does", () => {
  it("says the database is reached through Private Service Connect, not private services access", () => {
    const reach = CAPABILITIES.find((c) => c.feature === "database.private-network");
    expect(reach?.note).toContain("Private Service Connect endpoint");
    expect(reach?.note).not.toMatch(/private services access/);
    expect(reach?.source).toBe("https://cloud.google.com/sql/docs/postgres/configure-private-service-connect");
  });

  it("says a London database's default backup location is outside London, and prices its endpoint as Private Service Connect", async () => {
    const run = await plan("name: shop\ncomponents:\n  db: { kind: database }\n");
    const details = run.components.find((c) => c.name === "db")?.description.details ?? {};
    expect(String(details.backupLocation)).toBe("eu (Cloud SQL's default: the multi-region closest to europe-west2, outside it)");
    expect(String(details.network)).toContain("Private Service Connect endpoint");
    const lines = [...priceRun(backend.pricing, run, defaultUsage()).components.values()].flat().map((l) => l.item);
    expect(lines).toContain("Private Service Connect endpoint (to Cloud SQL)");
    expect(lines.join("\n")).not.toMatch(/peering|private services access/i);
  });
});
