/**
 * Plan one generated stack on one cloud, in process, exactly as `freehold plan`
 * does (runWithMocks + deployStack, then buildPlan and runChecks), and check
 * every property the robustness issue asks for. Used by valid-<cloud>.test.ts.
 */
import { hostname, userInfo } from "node:os";
import { type Backend, DEFAULT_ASSUMPTIONS, deployStack, featuresUsed, loadBackend, type MockRun, type PlannedResource, runWithMocks } from "@freehold/core";
import { type CheckReport, type Plan, buildPlan, isHosted, looksSecret, ruleViolations, runChecks, violationLine, WARN_DAYS } from "@freehold/cli";
import { type Cloud, type Component, FEATURE_IDS, type FeatureId, type NeutralRegion, parseStack, resolveRegion, SpecError, type Stack, UnsupportedFeatureError } from "@freehold/model";
import * as pulumiLog from "@pulumi/pulumi/log";
import { nameProblems, tagProblems } from "./names";

export type Outcome =
  | { kind: "planned"; plan: Plan; report: CheckReport; json: string }
  | { kind: "refused"; error: UnsupportedFeatureError }
  /** Known weakness (see docs/robustness.md): the model accepts env that a link also sets; the component refuses at plan time. */
  | { kind: "env-clash"; error: SpecError };

/**
 * Weaknesses found by these tests and reported to the lead, not yet fixed. A
 * problem matching one is counted and printed (never hidden), but does not
 * fail the run; FREEHOLD_PROPERTY_STRICT=1 makes them fail. Remove an entry
 * when its fix lands: the property then enforces it.
 */
export const KNOWN_ISSUES: ReadonlyArray<{ id: string; cloud?: Cloud; pattern: RegExp; note: string }> = [];

export const STRICT = process.env.FREEHOLD_PROPERTY_STRICT === "1";

/** Split problems into known weaknesses (by id) and new failures. */
export function triage(cloud: Cloud, problems: string[]): { known: string[]; failures: string[] } {
  const known: string[] = [];
  const failures: string[] = [];
  for (const p of problems) {
    const k = KNOWN_ISSUES.find((i) => (!i.cloud || i.cloud === cloud) && i.pattern.test(p));
    if (k && !STRICT) known.push(k.id);
    else failures.push(p);
  }
  return { known, failures };
}

/** Pulumi wraps errors thrown inside a program run; find the original (as the CLI's worker does). */
function unwrap(e: unknown): unknown {
  let cur = e as { cause?: unknown; innerError?: unknown } | undefined;
  for (let i = 0; i < 5 && cur; i++) {
    if (cur instanceof UnsupportedFeatureError || cur instanceof SpecError) return cur;
    cur = (cur.cause ?? cur.innerError) as typeof cur;
  }
  return e;
}

let warnings: string[] = [];
(pulumiLog as { warn: (m: string) => void }).warn = (m: string) => {
  warnings.push(String(m));
};

export async function planStack(cloud: Cloud, stack: Stack): Promise<Outcome> {
  warnings = [];
  const backend = loadBackend(cloud);
  let run: MockRun;
  try {
    run = await runWithMocks(cloud, () => deployStack(stack, { cloud }).outputs, { project: stack.name, stack: "dev" });
  } catch (e) {
    const err = unwrap(e);
    if (err instanceof UnsupportedFeatureError) return { kind: "refused", error: err };
    if (err instanceof SpecError && err.problems.every((p) => /^env\.[A-Z_]+$/.test(p.path) && p.message === "is set by a link; remove it from env or rename it")) return { kind: "env-clash", error: err };
    throw err;
  }
  const plan = await buildPlan(backend, run, DEFAULT_ASSUMPTIONS, [...warnings]);
  const report = runChecks(plan);
  return { kind: "planned", plan, report, json: JSON.stringify(plan) };
}

/** Resources under a component (by parent chain). */
export function under(plan: Plan, component: string): PlannedResource[] {
  const root = plan.resources.find((r) => r.name === component && r.type.startsWith("freehold:index:") && r.type !== "freehold:index:Platform");
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  return plan.resources.filter((r) => {
    for (let p: string | undefined = r.parent; p; p = byUrn.get(p)?.parent) if (p === root?.urn) return true;
    return false;
  });
}

const get = (r: PlannedResource | undefined, path: string): unknown =>
  path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), r?.inputs);

/** Per cloud: the resource that holds a stateful component's data, and whether the cloud itself protects it. */
const STATEFUL: Record<Cloud, { database: string; "object-store": string; native: (plan: Plan, component: string, r: PlannedResource) => boolean }> = {
  aws: {
    database: "aws:rds/instance:Instance",
    "object-store": "aws:s3/bucket:Bucket",
    native: (_p, _c, r) => (r.type.includes("rds") ? r.inputs.deletionProtection === true && r.inputs.skipFinalSnapshot !== true : r.inputs.forceDestroy !== true),
  },
  azure: {
    database: "azure-native:dbforpostgresql:Server",
    "object-store": "azure-native:storage:StorageAccount",
    // A lock on a PostgreSQL server; the keep-data (denyAction) policy, assigned in the stack, for a storage account tagged on.
    native: (plan, c, r) =>
      r.type === "azure-native:storage:StorageAccount"
        ? get(r, "tags.freehold-deletion-protection") === "on" && plan.resources.some((x) => x.type === "azure-native:authorization:PolicyAssignment")
        : under(plan, c).some((l) => l.type.startsWith("azure-native:authorization:ManagementLock") && l.inputs.level === "CanNotDelete"),
  },
  gcp: {
    database: "gcp:sql/databaseInstance:DatabaseInstance",
    "object-store": "gcp:storage/bucket:Bucket",
    native: (_p, _c, r) => (r.type.includes("sql") ? r.inputs.deletionProtection === true && get(r, "settings.deletionProtectionEnabled") === true : r.inputs.forceDestroy !== true),
  },
};

/** Warning-severity rules, and when each may be non-compliant. */
export const WARNING_RULES = ["FH-DEL-001 (when a component sets deletionProtection: false)", "FH-DEG-001 (when a component accepts a degradation)", "FH-RES-002 (AWS CloudFront with a residency rule)", "FH-LOG-001 (never, asserted compliant)"];

/** Everything that must hold for a stack a cloud planned. Returns the problems found. */
export function plannedProblems(cloud: Cloud, stack: Stack, plan: Plan, report: CheckReport, json: string): string[] {
  const out: string[] = [];
  const comps = Object.entries(stack.components);
  if (plan.error) out.push(`plan has an error: ${plan.error.message}`);

  // Every component planned, with resources under it.
  const planned = new Set(plan.components.map((c) => c.name));
  for (const [name] of comps) {
    if (!planned.has(name)) out.push(`component ${name} missing from the plan`);
    else if (!under(plan, name).some((r) => r.custom)) out.push(`component ${name} has no cloud resources`);
  }

  // Physical names and tags valid for their resources.
  out.push(...nameProblems(cloud, plan.resources), ...tagProblems(cloud, plan.resources));

  // Nothing the cloud's rule book says it refuses (what `freehold plan` refuses at plan time).
  if (isHosted(plan)) out.push(...ruleViolations(plan).map((v) => `breaks a rule of ${cloud}: ${violationLine(v)} (${v.title}) [${v.source}]`));

  // Check rules: every error rule compliant or not applicable, except a user's own secret-looking env (reported, as it should be).
  const userSecrets = comps.flatMap(([n, c]) => (c.kind === "web-service" || c.kind === "worker" || c.kind === "scheduled-job" ? Object.entries(c.env).filter(([k, v]) => looksSecret(k, v)).map(([k]) => `${n}.${k}`) : []));
  const optedOut = comps.filter(([, c]) => (c.kind === "database" || c.kind === "object-store") && !c.deletionProtection).map(([n]) => n);
  for (const rule of report.rules) {
    const bad = rule.findings.filter((f) => f.status === "non-compliant");
    if (rule.id === "FH-SEC-001") {
      if (userSecrets.length === 0 && bad.length) out.push(`FH-SEC-001 non-compliant without secret-looking user env: ${bad.map((f) => `${f.subject}: ${f.message}`).join("; ")}`);
      if (userSecrets.length > 0 && !bad.length) out.push(`FH-SEC-001 missed secret-looking user env ${userSecrets.join(", ")}`);
      continue;
    }
    if (rule.id === "FH-DEL-001") {
      if (optedOut.length === 0 && bad.length) out.push(`FH-DEL-001 non-compliant though every stateful component is protected: ${bad.map((f) => `${f.subject}: ${f.message}`).join("; ")}`);
      if (optedOut.length > 0 && !bad.length) out.push(`FH-DEL-001 compliant though ${optedOut.join(", ")} opted out`);
      continue;
    }
    if (rule.id === "FH-BAK-001") {
      // A database that sets backups.pointInTimeRecovery: false is reported (on the clouds where it can be turned off); anything else is a failure.
      const noPitr = new Set(comps.filter(([, c]) => c.kind === "database" && !c.backups.pointInTimeRecovery).map(([n]) => n));
      const unexplained = bad.filter((f) => !(f.message === "point-in-time recovery off" && [...noPitr].some((n) => under(plan, n).some((r) => r.name === f.subject))));
      if (unexplained.length) out.push(`FH-BAK-001 non-compliant: ${unexplained.map((f) => `${f.subject}: ${f.message}`).join("; ")}`);
      continue;
    }
    if (rule.id === "FH-TLS-002") {
      // Reported exactly where the plan's own web-service.private row says traffic is not fully encrypted.
      const notFull = plan.components.filter((c) => c.features.some((f) => f.feature === "web-service.private" && f.support !== "full")).map((c) => c.name);
      const reported = bad.map((f) => f.subject);
      if (notFull.join() !== reported.join()) out.push(`FH-TLS-002 reported ${reported.join(", ") || "nothing"} but the web-service.private row is not full for ${notFull.join(", ") || "no component"}`);
      continue;
    }
    if (rule.id === "FH-DEG-001") {
      // Reported exactly for the features a component accepted as degraded.
      const accepted = plan.components.flatMap((c) => c.features.filter((f) => f.accepted).map((f) => `${c.name} ${f.feature}`));
      const reported = bad.map((f) => `${f.subject} ${f.message.split(" ")[0]}`);
      if (accepted.join() !== reported.join()) out.push(`FH-DEG-001 reported ${reported.join(", ") || "nothing"} but ${accepted.join(", ") || "nothing"} was accepted as degraded`);
      continue;
    }
    if (rule.id === "FH-VER-001") {
      // Reported exactly for the databases whose version row ends standard support within a year (or has ended it).
      const soon = plan.components.filter((c) => c.features.some((f) => f.feature.startsWith("database.postgres-") && f.endOfSupport && Date.parse(f.endOfSupport) - Date.now() <= WARN_DAYS * 86_400_000)).map((c) => c.name);
      const reported = bad.map((f) => f.subject);
      if (soon.join() !== reported.join()) out.push(`FH-VER-001 reported ${reported.join(", ") || "nothing"} but support ends within a year for ${soon.join(", ") || "no database"}`);
      continue;
    }
    if (rule.id === "FH-RES-002") {
      const cdn = plan.resources.some((r) => r.type === "aws:cloudfront/distribution:Distribution");
      if (bad.length && !(cdn && stack.residency !== "none")) out.push(`FH-RES-002 non-compliant without a CDN under a residency rule`);
      continue;
    }
    if (bad.length) out.push(`${rule.id} (${rule.severity}) non-compliant: ${bad.map((f) => `${f.subject}: ${f.message}`).join("; ")}`);
  }

  // Stateful resources Pulumi-protected, retained and natively protected unless the stack opts out.
  for (const [name, spec] of comps) {
    if (spec.kind !== "database" && spec.kind !== "object-store") continue;
    const primary = under(plan, name).filter((r) => r.type === STATEFUL[cloud][spec.kind]);
    if (primary.length !== 1) {
      out.push(`${name}: expected one ${STATEFUL[cloud][spec.kind]}, found ${primary.length}`);
      continue;
    }
    const r = primary[0] as PlannedResource;
    if (r.options.retainOnDelete !== spec.deletionProtection) out.push(`${name}: retainOnDelete ${r.options.retainOnDelete} but deletionProtection ${spec.deletionProtection}`);
    if (spec.deletionProtection && !STATEFUL[cloud].native(plan, name, r)) out.push(`${name}: not natively protected against deletion`);
    if (!spec.deletionProtection && STATEFUL[cloud].native(plan, name, r) && cloud !== "aws" && cloud !== "gcp") out.push(`${name}: still locked though deletionProtection is false`);
    if (r.options.protect !== spec.deletionProtection) out.push(`${name}: Pulumi protect ${r.options.protect} but deletionProtection ${spec.deletionProtection}`);
  }

  // What the spec asked for is given, never silently less.
  out.push(...faithfulness(cloud, stack, plan));

  // Degradations named: each warning is about a feature the component accepted (and Azure's prerequisites, said once).
  const prerequisites = plan.warnings.filter((w) => w.startsWith("Azure prerequisites: "));
  if (prerequisites.length !== (cloud === "azure" ? 1 : 0)) out.push(`${prerequisites.length} Azure prerequisites warnings`);
  // Google Cloud keeps a domain's service on run.app until the domain's certificate is active, and says so: never active under the mocks.
  const staged = (w: string) => {
    const d = /^component "([a-z0-9-]+)": The certificate for (\S+) is not active yet/.exec(w);
    const c = d ? stack.components[d[1] as string] : undefined;
    return cloud === "gcp" && c?.kind === "web-service" && c.domain === d?.[2];
  };
  for (const w of plan.warnings.filter((x) => !prerequisites.includes(x) && !staged(x))) {
    const m = /^([a-z0-9-]+): \w+ cannot provide ([a-z-]+\.[a-z0-9-]+)/.exec(w);
    const spec = m ? stack.components[m[1] as string] : undefined;
    if (!m || !spec || !(spec.acceptDegraded as readonly string[]).includes(m[2] as string)) out.push(`unexpected warning: ${w}`);
  }

  // Nothing machine- or time-specific in the plan (a price table's source date that happens to be today is data, not a leak).
  const cwd = process.cwd();
  const today = new Date().toISOString().slice(0, 10);
  const todayIsData = JSON.stringify(loadBackend(cloud).pricing.table).includes(`"${today}"`);
  for (const leak of [cwd, hostname(), userInfo().username === "root" ? undefined : userInfo().username, todayIsData ? undefined : today]) {
    if (leak && leak.length > 3 && json.includes(leak)) out.push(`plan JSON contains "${leak}"`);
  }
  return out;
}

function faithfulness(cloud: Cloud, stack: Stack, plan: Plan): string[] {
  const out: string[] = [];
  for (const [name, spec] of Object.entries(stack.components)) {
    const rs = under(plan, name);
    const one = (type: string) => rs.find((r) => r.type === type);
    if (spec.kind === "database") {
      const [ha, days, storage] =
        cloud === "aws"
          ? (() => { const r = one("aws:rds/instance:Instance"); return [r?.inputs.multiAz === true, Number(r?.inputs.backupRetentionPeriod), Number(r?.inputs.allocatedStorage)]; })()
          : cloud === "azure"
            ? (() => { const r = one("azure-native:dbforpostgresql:Server"); return [get(r, "highAvailability.mode") === "ZoneRedundant", Number(get(r, "backup.backupRetentionDays")), Number(get(r, "storage.storageSizeGB"))]; })()
            : (() => { const r = one("gcp:sql/databaseInstance:DatabaseInstance"); return [get(r, "settings.availabilityType") === "REGIONAL", Number(get(r, "settings.backupConfiguration.backupRetentionSettings.retainedBackups")), Number(get(r, "settings.diskSize"))]; })();
      if (ha !== spec.highAvailability) out.push(`${name}: highAvailability ${spec.highAvailability} planned as ${ha}`);
      if (!(days >= spec.backups.retentionDays)) out.push(`${name}: backups kept ${days} days, spec asks ${spec.backups.retentionDays}`);
      if (!(storage >= spec.storageGiB)) out.push(`${name}: storage ${storage} GiB, spec asks ${spec.storageGiB}`);
    }
    if (spec.kind === "object-store") {
      const v =
        cloud === "aws" ? get(one("aws:s3/bucketVersioning:BucketVersioning"), "versioningConfiguration.status") === "Enabled"
        : cloud === "azure" ? get(one("azure-native:storage:BlobServiceProperties"), "isVersioningEnabled") === true
        : get(one("gcp:storage/bucket:Bucket"), "versioning.enabled") === true;
      if (v !== spec.versioning) out.push(`${name}: versioning ${spec.versioning} planned as ${v}`);
    }
    if (spec.kind === "web-service") {
      const exposed =
        cloud === "aws" ? rs.some((r) => (r.type === "aws:lb/loadBalancer:LoadBalancer" && r.inputs.internal !== true) || r.type === "aws:cloudfront/distribution:Distribution")
        : cloud === "azure" ? get(one("azure-native:app:ContainerApp"), "configuration.ingress.external") === true
        : get(one("gcp:cloudrunv2/service:Service"), "ingress") === "INGRESS_TRAFFIC_ALL" ||
          (get(one("gcp:cloudrunv2/service:Service"), "ingress") === "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" && rs.some((r) => /gcp:compute\/(globalForwardingRule|forwardingRule)/.test(r.type) && r.inputs.loadBalancingScheme === "EXTERNAL_MANAGED"));
      if (exposed !== spec.public) out.push(`${name}: public ${spec.public} but reachable from the internet: ${exposed}`);
    }
  }
  return out;
}

/** A refusal must name a component of the stack (or "stack"), a feature, this cloud, a reason and a fix, and agree with the capability table. */
export function refusalProblems(cloud: Cloud, stack: Stack, e: UnsupportedFeatureError, backend: Backend = loadBackend(cloud)): string[] {
  const out: string[] = [];
  if (!e.component || !(e.component === "stack" || e.component in stack.components)) out.push(`component "${e.component}" is not in the stack`);
  if (!e.feature) out.push("no feature named");
  if (e.cloud !== cloud) out.push(`cloud ${e.cloud}, planning ${cloud}`);
  if (!e.reason) out.push("no reason");
  if (!e.fix) out.push("no fix");
  if (!e.message.includes(e.component) || !e.message.includes(cloud) || !e.message.includes(e.feature)) out.push(`message does not name component, cloud and feature: ${e.message}`);
  const spec: Component | undefined = stack.components[e.component];
  if ((FEATURE_IDS as readonly string[]).includes(e.feature)) {
    const f = e.feature as FeatureId;
    if (!spec) out.push(`feature ${f} refused for "${e.component}"`);
    else {
      if (!featuresUsed(spec).includes(f)) out.push(`refused ${f}, which ${e.component} does not use`);
      const cap = backend.capabilities.find((c) => c.feature === f);
      // A fully supported feature may still be refused where the chosen region lacks it (HA in a region without zones): the refusal must then name the region.
      const region = resolveRegion(cloud, stack.region as NeutralRegion, stack.regions);
      if (cap?.support === "full" && !(region && (e.reason.includes(region.region) || e.reason.includes(region.city)))) out.push(`refused ${f}, which the ${cloud} capability table lists as full support`);
    }
  } else if (e.feature.startsWith("size ")) {
    if (!spec || spec.kind === "object-store") out.push(`size refused for "${e.component}"`);
    else if (!/^size [\d.]+ vCPU \/ [\d.]+ GiB$/.test(e.feature)) out.push(`size feature does not give the value: ${e.feature}`);
  } else if (e.feature.startsWith("region ")) {
    if (e.component !== "stack") out.push("a region refusal should be about the stack");
  } else out.push(`feature "${e.feature}" is neither a neutral feature, a size nor a region`);
  return out;
}

export { parseStack };
