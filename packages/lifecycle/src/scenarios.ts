/**
 * The life of a stack, as scenarios on the simulated cloud: first `up`, `up`
 * with no change, a second stack beside the first, every field of every
 * component changed and changed back, every link added, downgraded and
 * removed, every component removed, protection turned off and the component
 * removed, `destroy` and `up` again, a cloud switch, residency and region
 * changes. Each scenario starts from the stack deployed once (a copy of that
 * world), so they are independent and need no second plan of the base stack.
 */
import { type Cloud, type Component, type Stack, WebServiceSpec, DatabaseSpec, ObjectStoreSpec, ScheduledJobSpec, WorkerSpec } from "@freehold/model";
import { isData, WORKLOAD_FIELD_CHANGES, WORKLOAD_FIELDS_NOT_CHANGED } from "./scenarios-workloads";
import type { RunResult, World } from "./engine";
import { planStack } from "./plan";

export type Outcome = RunResult["status"];

export interface StepRecord {
  label: string;
  outcome: Outcome;
  /** Cloud operations the step made (creates, updates, replacements, deletes). */
  changes: number;
  error?: string;
}

/**
 * What a scenario must end with. "ok": every step applies. "safe": a step may
 * be refused before anything changes (a protected resource, a cloud that
 * cannot do what the user explicitly asked), but never fail part-way.
 */
export type Expectation = "ok" | "safe";

export interface Scenario {
  id: string;
  title: string;
  expect: Expectation;
  /** Extra checks on the records (e.g. "no change means no operation"): a problem, or undefined. */
  verify?: (records: StepRecord[]) => string | undefined;
  run(h: Harness): Promise<StepRecord[]>;
}

/** The config key the registry scenario's password comes from (set in every plan's config). */
export const REGISTRY_SECRET = "registryToken";

/** Drives one world: plans specs and applies them to Pulumi stacks. */
export class Harness {
  constructor(
    readonly world: World,
    readonly cloud: Cloud,
    readonly base: Stack,
  ) {}

  async up(label: string, spec: Stack, stack = "dev", cloud: Cloud = this.cloud): Promise<StepRecord> {
    const planned = await planStack(spec, cloud, stack, { [`${spec.name}:${REGISTRY_SECRET}`]: "fixture-token" });
    if (!planned.ok) return { label, outcome: "refused", changes: 0, error: planned.error };
    return record(label, this.world.up(`${spec.name}/${stack}`, planned.plan));
  }

  destroy(label: string, stack = "dev", cloud: Cloud = this.cloud): StepRecord {
    return record(label, this.world.destroy(`${this.base.name}/${stack}`, cloud));
  }

  /** Advance the world clock (waiting between two runs). */
  wait(seconds: number): void {
    this.world.advance(seconds);
  }
}

function record(label: string, r: RunResult): StepRecord {
  return { label, outcome: r.status, changes: r.changes, ...(r.error ? { error: r.error } : {}) };
}

/** Did the scenario meet its expectation? A problem sentence, or undefined. */
export function judge(s: Scenario, records: StepRecord[]): string | undefined {
  for (const r of records) {
    if (r.outcome === "failed") return `${r.label}: failed part-way: ${r.error}`;
    if (s.expect === "ok" && r.outcome === "refused") return `${r.label}: refused: ${r.error}`;
  }
  return s.verify?.(records);
}

// ---- spec edits --------------------------------------------------------------------------------

type Edit = (c: Component) => Component | undefined;

function withComponent(stack: Stack, name: string, edit: Edit): Stack | undefined {
  const c = stack.components[name];
  if (!c) return undefined;
  const next = edit(structuredClone(c));
  return next ? { ...structuredClone(stack), components: { ...structuredClone(stack.components), [name]: next } } : undefined;
}

function without(stack: Stack, name: string): Stack {
  const components: Stack["components"] = {};
  for (const [n, c] of Object.entries(structuredClone(stack.components))) {
    if (n === name) continue;
    if (!isData(c)) c.links = c.links.filter((l) => (typeof l === "string" ? l : l.to) !== name);
    components[n] = c;
  }
  return { ...structuredClone(stack), components };
}

interface FieldChange {
  field: string;
  label: string;
  expect: Expectation;
  edit: Edit;
  /** A change no cloud can undo in place (why, with sources): the scenario applies it and `up` again, and does not change it back. */
  oneWay?: string;
}

const biggerPreset = (s: unknown) => (s === "small" ? "medium" : s === "medium" ? "large" : "small");

/** One change per field of each kind of component; `fields` below proves every field of the model has one. */
/** A public service with a domain, which every cloud can put an address filter or a firewall in front of. */
const filterable = (c: Extract<Component, { kind: "web-service" }>) => ({ public: true, domain: c.domain ?? "app.example.gov.uk" });

export const FIELD_CHANGES: Record<Component["kind"], FieldChange[]> = {
  "web-service": [
    { field: "image", label: "a new image tag", expect: "ok", edit: (c) => (c.kind === "web-service" ? { ...c, image: `${c.image.replace(/:[^/:]*$/, "")}:next` } : undefined) },
    { field: "port", label: "another container port", expect: "ok", edit: (c) => (c.kind === "web-service" ? { ...c, port: c.port === 8080 ? 8081 : 8080 } : undefined) },
    { field: "size", label: "a bigger size", expect: "ok", edit: (c) => (c.kind === "web-service" ? { ...c, size: typeof c.size === "string" ? biggerPreset(c.size) : "medium" } as Component : undefined) },
    { field: "scaling", label: "more instances", expect: "ok", edit: (c) => (c.kind === "web-service" ? { ...c, scaling: { min: Math.max(1, c.scaling.min) + 1, max: c.scaling.max + 2 } } : undefined) },
    { field: "public", label: "public turned around", expect: "ok", edit: (c) => (c.kind === "web-service" ? { ...c, public: !c.public, domain: c.public ? undefined : c.domain } : undefined) },
    { field: "domain", label: "a custom domain added or changed", expect: "ok", edit: (c) => (c.kind === "web-service" ? { ...c, public: true, domain: c.domain === "app.example.gov.uk" ? "www.example.gov.uk" : "app.example.gov.uk" } : undefined) },
    {
      field: "domainZone",
      label: "the domain declared the apex of its zone, or not",
      expect: "ok",
      edit: (c) => (c.kind === "web-service" ? { ...c, public: true, domain: c.domain ?? "app.example.gov.uk", domainZone: c.domainZone ? undefined : (c.domain ?? "app.example.gov.uk") } : undefined),
    },
    // A filter is added to a service with a domain (given one if it has none): a cloud whose filter sits on the domain's load balancer
    // refuses it, by name, without one (Google Cloud: Cloud Armor attaches to a load balancer, and a service's run.app address has none).
    {
      field: "ipAllowList",
      label: "an IP allow-list added or removed",
      expect: "ok",
      edit: (c) => (c.kind === "web-service" ? { ...c, ...filterable(c), ipAllowList: c.ipAllowList ? undefined : ["203.0.113.0/24", "2001:db8::/32"] } : undefined),
    },
    {
      field: "webApplicationFirewall",
      label: "the web application firewall turned around",
      // A firewall some clouds give only at a price out of proportion (refused by name, with the price, before anything changes).
      expect: "safe",
      edit: (c) => (c.kind === "web-service" ? { ...c, ...filterable(c), webApplicationFirewall: !c.webApplicationFirewall } : undefined),
    },
    {
      field: "healthCheck",
      label: "another health path, interval and startup grace",
      expect: "ok",
      edit: (c) => (c.kind === "web-service" ? { ...c, healthCheck: { path: "/ready", intervalSeconds: c.healthCheck.intervalSeconds === 15 ? 20 : 15, startupGraceSeconds: c.healthCheck.startupGraceSeconds === 300 ? 240 : 300 } } : undefined),
    },
    { field: "background", label: "background work turned around", expect: "ok", edit: (c) => (c.kind === "web-service" ? { ...c, background: !c.background, scaling: { ...c.scaling, min: Math.max(1, c.scaling.min) } } : undefined) },
    {
      field: "registry",
      label: "a private registry added or removed",
      expect: "ok",
      edit: (c) => (c.kind === "web-service" ? { ...c, registry: c.registry ? undefined : { server: "ghcr.io", username: "deploy-bot", passwordSecret: REGISTRY_SECRET } } : undefined),
    },
    { field: "env", label: "an environment variable added", expect: "ok", edit: (c) => (c.kind === "web-service" ? { ...c, env: { ...c.env, FEATURE_FLAG: "on" } } : undefined) },
    { field: "links", label: "links removed", expect: "ok", edit: (c) => (c.kind === "web-service" && c.links.length ? { ...c, links: [] } : undefined) },
    // Explicit requests a cloud may refuse (at plan time, before anything changes).
    { field: "user", label: "a fixed uid", expect: "safe", edit: (c) => (c.kind === "web-service" ? { ...c, user: c.user ? undefined : "10001" } : undefined) },
    { field: "writableRootFilesystem", label: "a writable root filesystem asked for, or the default again", expect: "ok", edit: (c) => (c.kind === "web-service" ? { ...c, writableRootFilesystem: c.writableRootFilesystem === true ? undefined : true } : undefined) },
    { field: "acceptDegraded", label: "accepted degradations changed", expect: "safe", edit: (c) => (c.kind === "web-service" ? { ...c, acceptDegraded: c.acceptDegraded.length ? [] : ["web-service.read-only-root-filesystem"] } : undefined) },
  ],
  database: [
    {
      field: "version",
      label: "a major version upgrade",
      expect: "ok",
      edit: (c) => (c.kind === "database" && c.version !== "17" ? { ...c, version: String(Number(c.version) + 1) as typeof c.version } : undefined),
      oneWay:
        "no cloud downgrades a major version in place (RDS: upgrade targets are later versions only, https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.PostgreSQL.MajorVersion.html; Azure: https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-major-version-upgrade; Cloud SQL: https://cloud.google.com/sql/docs/postgres/upgrade-major-db-version-inplace)",
    },
    { field: "size", label: "a bigger size", expect: "ok", edit: (c) => (c.kind === "database" ? { ...c, size: typeof c.size === "string" ? biggerPreset(c.size) : "medium" } as Component : undefined) },
    {
      field: "storageGiB",
      label: "more storage",
      expect: "ok",
      edit: (c) => (c.kind === "database" ? { ...c, storageGiB: c.storageGiB * 2 } : undefined),
      oneWay:
        "no cloud shrinks a database's storage (RDS: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html; Azure: https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-storage; Cloud SQL: https://cloud.google.com/sql/docs/postgres/instance-settings)",
    },
    { field: "highAvailability", label: "high availability turned around", expect: "ok", edit: (c) => (c.kind === "database" ? { ...c, highAvailability: !c.highAvailability } : undefined) },
    { field: "backups", label: "longer backups, point-in-time recovery turned around", expect: "ok", edit: (c) => (c.kind === "database" ? { ...c, backups: { ...c.backups, retentionDays: c.backups.retentionDays === 14 ? 21 : 14, pointInTimeRecovery: !c.backups.pointInTimeRecovery } } : undefined) },
    { field: "backups", label: "backups kept on delete turned around", expect: "ok", edit: (c) => (c.kind === "database" ? { ...c, backups: { ...c.backups, keepOnDelete: !c.backups.keepOnDelete } } : undefined) },
    { field: "deletionProtection", label: "deletion protection turned around", expect: "ok", edit: (c) => (c.kind === "database" ? { ...c, deletionProtection: !c.deletionProtection } : undefined) },
    // The server's switch (a parameter group, a server parameter, a database flag) and the role job's grant of the right to replicate, on and back.
    { field: "replication", label: "logical replication turned around", expect: "ok", edit: (c) => (c.kind === "database" ? { ...c, replication: c.replication === "logical" ? "off" : "logical" } : undefined) },
    // A new database name is a new, empty database: with the data protected, refusing is right.
    { field: "databaseName", label: "another database name", expect: "safe", edit: (c) => (c.kind === "database" ? { ...c, databaseName: `${c.databaseName}_two` } : undefined) },
    { field: "acceptDegraded", label: "accepted degradations changed", expect: "safe", edit: (c) => (c.kind === "database" ? { ...c, acceptDegraded: c.acceptDegraded.length ? [] : ["database.high-availability"] } : undefined) },
  ],
  "object-store": [
    { field: "versioning", label: "versioning turned around", expect: "ok", edit: (c) => (c.kind === "object-store" ? { ...c, versioning: !c.versioning } : undefined) },
    {
      field: "previousVersionsExpireAfterDays",
      label: "previous versions kept for another number of days",
      expect: "ok",
      edit: (c) => (c.kind === "object-store" ? { ...c, previousVersionsExpireAfterDays: c.previousVersionsExpireAfterDays === 30 ? 90 : 30 } : undefined),
    },
    { field: "lifecycle", label: "a lifecycle rule added", expect: "ok", edit: (c) => (c.kind === "object-store" ? { ...c, lifecycle: [...c.lifecycle, { prefix: "scratch/", expireAfterDays: 3 }] } : undefined) },
    { field: "cors", label: "a CORS rule added", expect: "ok", edit: (c) => (c.kind === "object-store" ? { ...c, cors: [...c.cors, { allowedOrigins: ["https://app.example.gov.uk"], allowedMethods: ["GET", "PUT"], maxAgeSeconds: 600 }] } : undefined) },
    { field: "deletionProtection", label: "deletion protection turned around", expect: "ok", edit: (c) => (c.kind === "object-store" ? { ...c, deletionProtection: !c.deletionProtection } : undefined) },
    { field: "acceptDegraded", label: "accepted degradations changed", expect: "safe", edit: (c) => (c.kind === "object-store" ? { ...c, acceptDegraded: c.acceptDegraded.length ? [] : ["object-store.soft-delete"] } : undefined) },
  ],
  ...WORKLOAD_FIELD_CHANGES,
};

/** Fields with no change here, and why: a test keeps this list and the model in step. */
export const FIELDS_NOT_CHANGED: Record<Component["kind"], Record<string, string>> = {
  "web-service": { kind: "the component's kind", vendor: "per-cloud escape hatch: its effect is the vendor's" },
  database: { kind: "the component's kind", engine: "PostgreSQL is the only engine", vendor: "per-cloud escape hatch: its effect is the vendor's" },
  "object-store": { kind: "the component's kind", vendor: "per-cloud escape hatch: its effect is the vendor's" },
  ...WORKLOAD_FIELDS_NOT_CHANGED,
};

/** The model's fields per kind, for the coverage test. */
export const MODEL_FIELDS: Record<Component["kind"], string[]> = {
  "web-service": Object.keys(WebServiceSpec.shape),
  worker: Object.keys(WorkerSpec.shape),
  "scheduled-job": Object.keys(ScheduledJobSpec.shape),
  database: Object.keys(DatabaseSpec.shape),
  "object-store": Object.keys(ObjectStoreSpec.shape),
};

// ---- the catalogue -----------------------------------------------------------------------------

const noChange = (records: StepRecord[]) => {
  const last = records[records.length - 1];
  return last && last.outcome === "ok" && last.changes > 0 ? `${last.label}: ${last.changes} operations where nothing changed` : undefined;
};

/** An `up` repeated with the same program makes no change. */
const converges = (records: StepRecord[]) => {
  const again = records.find((r) => r.label.endsWith("up again"));
  return again && again.outcome === "ok" && again.changes > 0 ? `${again.label}: ${again.changes} operations again: the previous up left a difference the cloud did not apply` : undefined;
};

const unprotected = (stack: Stack): Stack => {
  const s = structuredClone(stack);
  for (const c of Object.values(s.components)) if (isData(c)) c.deletionProtection = false;
  return s;
};

const otherCloud: Record<Cloud, Cloud> = { aws: "azure", azure: "gcp", gcp: "aws" };

/** Every scenario for a base stack (already deployed by the harness as `dev`). */
export function scenariosFor(base: Stack): Scenario[] {
  const out: Scenario[] = [
    { id: "up-again", title: "`up` again with no change", expect: "ok", verify: noChange, run: async (h) => [await h.up("up again", base)] },
    {
      id: "second-stack",
      title: "a second stack of the same project (prod) beside dev, in the same account",
      expect: "ok",
      run: async (h) => [await h.up("up prod", base, "prod"), await h.up("up dev again", base)],
    },
    {
      id: "tags",
      title: "a tag added to every resource",
      expect: "ok",
      run: async (h) => {
        const s = { ...structuredClone(base), tags: { ...base.tags, "cost-centre": "cc-42" } };
        return [await h.up("tag added", s), await h.up("tag removed", base)];
      },
    },
    {
      id: "residency",
      title: "residency changed (uk <-> none) and back",
      expect: "ok",
      run: async (h) => {
        const s = { ...structuredClone(base), residency: base.residency === "uk" ? ("none" as const) : ("uk" as const) };
        return [await h.up("residency changed", s), await h.up("residency back", base)];
      },
    },
    {
      id: "region",
      title: "region changed (london -> frankfurt): everything moves",
      expect: "safe",
      run: async (h) => [await h.up("region changed", { ...structuredClone(base), region: base.region === "frankfurt" ? "london" : "frankfurt", residency: "none", regions: {} })],
    },
    {
      id: "destroy",
      title: "`pulumi destroy`, then `up` again",
      expect: "safe",
      run: async (h) => {
        const d = h.destroy("destroy");
        h.wait(3600);
        return [d, await h.up("up after destroy", base)];
      },
    },
    {
      id: "unprotect-destroy-up",
      title: "deletion protection off, `destroy`, then `up` again (same stack, same names)",
      expect: "ok",
      run: async (h) => {
        const open = unprotected(base);
        const a = await h.up("protection off", open);
        const d = h.destroy("destroy");
        h.wait(3600);
        return [a, d, await h.up("up after destroy", open)];
      },
    },
    {
      id: "cloud-switch",
      title: "`freehold:cloud` switched on the live stack",
      expect: "safe",
      run: async (h) => [await h.up("switch cloud", base, "dev", otherCloud[h.cloud])],
    },
  ];
  for (const [name, c] of Object.entries(base.components)) {
    for (const change of FIELD_CHANGES[c.kind]) {
      const changed = withComponent(base, name, change.edit);
      if (!changed) continue;
      out.push({
        id: `change:${name}.${change.field}`,
        title: `${name}: ${change.label}, then ${change.oneWay ? "up again (one way)" : "back"}`,
        expect: change.expect,
        // Changed, `up` again (a change the cloud did not apply shows as a diff again), then back unless no cloud can go back.
        run: async (h) => {
          const a = await h.up(`${name}.${change.field} changed`, changed);
          if (a.outcome !== "ok") return [a];
          const again = await h.up(`${name}.${change.field} changed, up again`, changed);
          return change.oneWay ? [a, again] : [a, again, await h.up(`${name}.${change.field} back`, base)];
        },
        verify: converges,
      });
    }
    out.push(
      !isData(c)
        ? { id: `remove:${name}`, title: `${name} removed, then added back`, expect: "ok", run: async (h) => [await h.up(`${name} removed`, without(base, name)), await h.up(`${name} back`, base)] }
        : {
            id: `remove:${name}`,
            title: `${name} removed (protected: refused), then protection off and removed, then added back`,
            expect: "safe",
            run: async (h) => {
              const first = await h.up(`${name} removed`, without(base, name));
              if (first.outcome !== "refused" || !c.deletionProtection) return [first, await h.up(`${name} back`, base)];
              const open = withComponent(base, name, (x) => ({ ...x, deletionProtection: false }) as Component) as Stack;
              const steps = [first, await h.up(`${name} protection off`, open), await h.up(`${name} removed`, without(open, name))];
              return [...steps, await h.up(`${name} back`, base)];
            },
            verify: (records) => (records.length > 1 && records.slice(1).some((r) => r.outcome !== "ok") ? "after protection is off, removing and adding back must work" : undefined),
          },
    );
  }
  out.push(...linkScenarios(base));
  return out;
}

function linkScenarios(base: Stack): Scenario[] {
  const out: Scenario[] = [];
  const data = Object.entries(base.components).filter(([, c]) => isData(c)).map(([n]) => n);
  for (const [name, c] of Object.entries(base.components)) {
    if (isData(c)) continue;
    const linked = c.links.map((l) => (typeof l === "string" ? { to: l, access: "readWrite" as const } : l));
    for (const target of data) {
      const existing = linked.find((l) => l.to === target);
      if (!existing) {
        const added = withComponent(base, name, (x) => (!isData(x) ? { ...x, links: [...x.links, target] } : undefined)) as Stack;
        out.push({ id: `link:${name}->${target}:add`, title: `${name} linked to ${target}, then unlinked`, expect: "ok", run: async (h) => [await h.up("link added", added), await h.up("link removed", base)] });
        continue;
      }
      const others = c.links.filter((l) => (typeof l === "string" ? l : l.to) !== target);
      if (existing.access !== "read") {
        const read = withComponent(base, name, (x) => (!isData(x) ? { ...x, links: [...others, { to: target, access: "read" as const }] } : undefined)) as Stack;
        out.push({ id: `link:${name}->${target}:read`, title: `${name}'s link to ${target} downgraded to read, then back`, expect: "ok", run: async (h) => [await h.up("link downgraded", read), await h.up("link back", base)] });
      }
      const removed = withComponent(base, name, (x) => (!isData(x) ? { ...x, links: others } : undefined)) as Stack;
      out.push({ id: `link:${name}->${target}:remove`, title: `${name}'s link to ${target} removed, then back`, expect: "ok", run: async (h) => [await h.up("link removed", removed), await h.up("link back", base)] });
    }
  }
  return out;
}
