import { pricingLine, usageLines } from "../report/costs";
import { type DatabaseMigration, type ObjectStoreMigration, POSTGRES_CLIENT, round, type Source } from "@freehold/core";
import { type Cloud, RESIDENCIES, residencyAllows } from "@freehold/model";
import { plannedRoleJobs } from "../migrate/drill/clouds";
import { formatRemote } from "../migrate/remote";
import {
  manualDatabaseCommands,
  migrateDatabaseArgv,
  migrateObjectsArgv,
  planDatabase,
  planStore,
  RESTORE_ROLE,
  SOURCE_PASSWORD_ENV,
  sharedHash,
  shellLine,
  shellWord,
  SOURCE_CA_FILE,
  serverCaCommands,
  TARGET_CA_FILE,
  TARGET_PASSWORD_ENV,
} from "./commands";
import { assertHosted, type HostedPlan, type Plan, type PlanComponent } from "../plan/contract";
import { type ExitTime, exitTime, type MeasuredDowntime, type MeasuredThroughput } from "./measured";
import { LIVE_SWITCH, liveRefusal, liveSteps } from "./live";
import { gapNote, type Portability, portability } from "./portability";

export const EXIT_SCHEMA = "freehold.exit-plan/v1";

export interface ExitOptions {
  /** Object data to move, GiB (all stores). @default the plans' storage assumption per store */
  dataGiB?: number;
  /** Database data to move, GiB. @default each database's allocated storage */
  dbGiB?: number;
  /** Sustained object copy throughput, MiB/s. @default 100 */
  objectThroughputMiBs: number;
  /** pg_dump + pg_restore throughput, GiB per hour. @default 20 */
  databaseGiBPerHour: number;
  /** Throughput measured by `freehold migrate` or `freehold rehearse` (verification included), instead of the stated ones. */
  measured?: MeasuredThroughput;
  /** The live cutover's write downtime measured by the benchmark's live round (`--measured-downtime`). */
  measuredDowntime?: MeasuredDowntime;
  /** Days source and target both run. @default 14 */
  dualRunningDays: number;
  /** Country of the host that runs the migration tools. @default "GB" */
  operatorCountry: string;
  /** Value to the service per component (1-3), for the portability chart. */
  values: Record<string, number>;
  /** Target-plan check results, the evidence the target plan is valid. */
  targetChecks?: { errors: number; warnings: number; compliant: number; rules: string[] };
  /**
   * How an amount in USD reads inside a basis or a note: the report's currency, so a sterling plan does not
   * mix in dollars (a unit list price quoted from its source stays as the source gives it). @default "$12.34"
   */
  money?: (usd: number) => string;
}

export interface Numbered {
  value: number;
  unit: string;
  /** How the number was reached and where its inputs came from. */
  basis: string;
  source?: Source;
}

export interface ExitPlan {
  schema: typeof EXIT_SCHEMA;
  stack: string;
  from: { cloud: Cloud; provider: string; region: string; country: string };
  to: { cloud: Cloud; provider: string; region: string; country: string };
  inventory: Array<{ component: string; kind: string; service: string; sku?: string; resources: number; monthlyUsd: number }>;
  mapping: Array<{
    component: string;
    kind: string;
    from: { service: string; sku?: string; cpu?: number; memoryGiB?: number; availability?: number; availabilityBasis: string };
    to: { service: string; sku?: string; cpu?: number; memoryGiB?: number; availability?: number; availabilityBasis: string };
    lost: string[];
    gained: string[];
  }>;
  applicationChanges: Array<{ area: string; change: string; kind: "configuration" | "code" | "none" }>;
  runbook: {
    /**
     * Each database's runbook: the live path (`freehold replicate`, writes stopped for seconds) where both clouds
     * support logical replication, else the stop-the-world path (`freehold migrate database`, writes stopped for the
     * whole copy), with why. `stopTheWorld` is always there: the live path refuses some databases (large objects,
     * tables with no primary key) and these steps are then the way.
     */
    database: Array<{ component: string; from: DatabaseMigration; to: DatabaseMigration; path: "live" | "stop-the-world"; why: string; steps: Step[]; stopTheWorld: Step[] }>;
    objects: Array<{ component: string; from: ObjectStoreMigration; to: ObjectStoreMigration; steps: Step[] }>;
  };
  /** Copy and verification time (measured.ts). */
  time: ExitTime;
  cost: { egressUsd: Numbered; dualRunningUsd: Numbered; oneOffUsd: Numbered; targetMonthlyUsd: Numbered; sourceMonthlyUsd: Numbered };
  /** What the monthly figures rest on: the usage (every figure, and which came from the usage file) and whose prices each region was priced at. */
  costNotes: string[];
  cutover: Step[];
  rollback: Step[];
  verification: string[];
  residency: { rule: string; locations: Array<{ place: string; country: string; allowed: boolean; why: string }>; ok: boolean };
  checklist: Array<{ item: string; source: string; status: "covered" | "buyer"; how: string }>;
  portability: Portability;
  /** An exit plan is built only when the target can host the stack (a refusal exits 3 with no report), so the target plan is always valid here. */
  evidence: {
    targetPlanValid: true;
    targetResources: number;
    targetChecks?: ExitOptions["targetChecks"];
    /** The exit drill of this pair (`freehold rehearse --from --to`), and what `--measured` read from its evidence. */
    drill: { command: string; evidence?: string };
  };
}

export interface Step {
  title: string;
  commands?: string[];
  note?: string;
}

/** Current object data a store holds in the month priced (start plus growth): what a copy moves (old versions stay behind). */
function storedGiB(plan: HostedPlan, name: string): number {
  const f = plan.usage.components.find((c) => c.name === name)?.figures ?? {};
  return (f.storageGiB ?? 0) + (f.storageGrowthGiB ?? 0) * plan.usage.months;
}

/** The exit plan, built from the source and target plans only (plus the other plans for portability). Both must be plans the clouds could make. */
export function buildExitPlan(source: HostedPlan, target: HostedPlan, all: Plan[], opts: ExitOptions): ExitPlan {
  assertHosted(source);
  assertHosted(target);
  const money = opts.money ?? ((usd: number) => `$${usd}`);
  const stores = source.components.filter((c) => c.kind === "object-store");
  const dbs = source.components.filter((c) => c.kind === "database");
  const dataGiB = opts.dataGiB ?? stores.reduce((a, c) => a + storedGiB(source, c.name), 0);
  const dbGiB = opts.dbGiB ?? dbs.reduce((a, c) => a + (c.spec.kind === "database" ? c.spec.storageGiB : 0), 0);
  const egressGiB = Math.max(0, dataGiB + dbGiB - source.migration.freeEgressGiB);
  const egressUsd = round(egressGiB * source.migration.egress.usd, 2);
  const dualUsd = round((target.totals.monthlyUsd * opts.dualRunningDays) / 30, 2);
  const refusal = liveRefusal(source.cloud, target.cloud);
  const residencyRule = source.residency.rule;
  const allowed: readonly string[] | undefined = RESIDENCIES[residencyRule as keyof typeof RESIDENCIES];
  const places = [
    { place: `${source.provider} ${source.region}`, country: source.location.country, why: "source data" },
    { place: "operator host running pg_dump/rclone", country: opts.operatorCountry, why: "data is streamed through it (dump files are written to its disk)" },
    { place: `${target.provider} ${target.region}`, country: target.location.country, why: "target data" },
  ].map((p) => ({ ...p, allowed: allowed === undefined || residencyAllows(residencyRule as keyof typeof RESIDENCIES, p.country) }));

  return {
    schema: EXIT_SCHEMA,
    stack: source.stack,
    from: { cloud: source.cloud, provider: source.provider, region: source.region, country: source.location.country },
    to: { cloud: target.cloud, provider: target.provider, region: target.region, country: target.location.country },
    inventory: source.components.map((c) => ({ component: c.name, kind: c.kind, service: c.service, sku: c.sku, resources: c.resourceCount, monthlyUsd: c.estimate.monthlyUsd })),
    mapping: source.components.map((c) => {
      const t = target.components.find((x) => x.name === c.name);
      const lost = c.features.filter((f) => f.support === "full" && t?.features.find((x) => x.feature === f.feature)?.support !== "full").map((f) => `${f.feature}: ${gapNote(t?.features.find((x) => x.feature === f.feature))}`);
      const gained = c.features.filter((f) => f.support !== "full" && t?.features.find((x) => x.feature === f.feature)?.support === "full").map((f) => f.feature);
      return { component: c.name, kind: c.kind, from: side(c), to: t ? side(t) : { service: "not planned", availabilityBasis: "" }, lost, gained };
    }),
    applicationChanges: applicationChanges(source, target),
    runbook: {
      database: source.migration.databases.map((d) => {
        const to = target.migration.databases.find((x) => x.component === d.component) as DatabaseMigration & { component: string };
        const stopTheWorld = dumpRestoreSteps(source, target, d, to);
        if (refusal) return { component: d.component, from: d, to, path: "stop-the-world" as const, why: refusal, steps: stopTheWorld, stopTheWorld };
        const steps = [clientToolsStep(Math.max(versionOf(source, d.component), versionOf(target, d.component))), ...(stopTheWorld.slice(1, 3) as Step[]), ...liveSteps(d.component, replicationOn(source, d.component) && replicationOn(target, d.component), d, to, source.cloud, target.cloud, stopTheWorld.at(-1) as Step)];
        return { component: d.component, from: d, to, path: "live" as const, why: `${source.provider} and ${target.provider} both offer PostgreSQL logical replication (${LIVE_SWITCH[source.cloud]?.setting}; ${LIVE_SWITCH[target.cloud]?.setting}): writes stop for seconds at cutover, not for the copy, and the way back keeps every write made on the target`, steps, stopTheWorld };
      }),
      objects: source.migration.objectStores.map((o) => {
        const to = target.migration.objectStores.find((x) => x.component === o.component) as ObjectStoreMigration & { component: string };
        return { component: o.component, from: o, to, steps: rcloneSteps(o, to) };
      }),
    },
    time: exitTime({
      dataGiB,
      dbGiB,
      objectThroughputMiBs: opts.objectThroughputMiBs,
      databaseGiBPerHour: opts.databaseGiBPerHour,
      ...(opts.measured ? { measured: opts.measured } : {}),
      live: dbs.length > 0 && refusal === undefined,
      ...(opts.measuredDowntime ? { measuredDowntime: opts.measuredDowntime } : {}),
    }),
    cost: {
      egressUsd: { value: egressUsd, unit: "USD", basis: `${egressGiB} GiB leaving ${source.provider} (${dataGiB + dbGiB} GiB less ${source.migration.freeEgressGiB} GiB free a month) at $${source.migration.egress.usd}/${source.migration.egress.unit}`, source: source.migration.egress.source },
      dualRunningUsd: { value: dualUsd, unit: "USD", basis: `the target stack running ${opts.dualRunningDays} days beside the source at its estimated ${money(target.totals.monthlyUsd)}/month` },
      oneOffUsd: { value: round(egressUsd + dualUsd, 2), unit: "USD", basis: "egress plus dual running; staff time not included" },
      targetMonthlyUsd: { value: target.totals.monthlyUsd, unit: "USD/month", basis: `the target plan's estimate (${target.provider} list prices; ${money(target.totals.fixedUsd)} fixed, ${money(target.totals.usageUsd)} usage-driven; see its cost lines)` },
      sourceMonthlyUsd: { value: source.totals.monthlyUsd, unit: "USD/month", basis: `the source plan's estimate (${source.provider} list prices; ${money(source.totals.fixedUsd)} fixed, ${money(source.totals.usageUsd)} usage-driven)` },
    },
    costNotes: [
      pricingLine(source.provider, source.pricing),
      pricingLine(target.provider, target.pricing),
      `After the move, destroying the source stack leaves ${money(source.afterDestroy.monthlyUsd)} a month billing on ${source.provider} (data retained on delete and final snapshots) until it is deleted by hand.`,
      ...usageLines(source.usage),
    ].filter(Boolean),
    cutover: cutoverSteps(source, target, dbs.length > 0 && refusal === undefined),
    rollback: dbs.length > 0 && refusal === undefined ? liveRollback() : [
      { title: "Until the DNS switch, rolling back is doing nothing: the source still serves every request and holds the data of record." },
      { title: "After the switch: point DNS (or the client configuration) back to the source URL; the source stack was never changed or deleted.", note: "Freehold retains stateful resources on destroy and never writes to the source during migration." },
      {
        title:
          "Writes made on the target after the switch: freehold migrate copies only into a database that holds none of the source's tables, so it cannot merge them back into the original. Either copy the target whole into a new, empty database on the source side (freehold migrate database --from <target URL> --to <empty database URL> --to-role app) and point the application at that, or replicate the target back into the original with logical replication (the low-downtime steps in reverse), after reconciling any rows written on both sides.",
      },
    ],
    verification: [
      "Every table: definition, row count and content checksum equal on source and target, and the source unchanged since the snapshot (freehold migrate database writes them to its manifest; freehold migrate verify database compares the two again after cutover).",
      "Sequences on the target are at or beyond the source's values.",
      "Every object: size and hash equal on source and target (freehold migrate objects writes them to its manifest); no object missing on either side.",
      `The target passes \`freehold check --cloud ${target.cloud}\` with no error-level finding.`,
      "The application's roles use the data: app reads and writes every table, app_read reads them and is refused writes, nothing belongs to a role the target lacks (the exit drill, freehold rehearse --from --to, checks this on real servers before the move).",
      "The application's health check answers on the target URL, and a smoke test reads and writes a row and an object.",
      "Logs on the target show no connection or permission errors for 24 hours of dual running.",
    ],
    residency: { rule: residencyRule, locations: places, ok: places.every((p) => p.allowed) },
    checklist: checklist(target),
    portability: portability(source, all.filter((p) => p.cloud !== source.cloud), opts.values),
    evidence: { targetPlanValid: true, targetResources: target.totals.resources, targetChecks: opts.targetChecks, drill: drillEvidence(source.cloud, target.cloud, opts.measured) },
  };
}


/** The drill command for this pair, and its result when `--measured` read a drill's evidence. */
function drillEvidence(from: Cloud, to: Cloud, measured?: MeasuredThroughput): ExitPlan["evidence"]["drill"] {
  const command = `freehold rehearse --from ${from} --to ${to} <stack> --out reports/drill`;
  const d = measured?.drill;
  if (!d) return { command };
  return { command, evidence: `${measured?.file}: the exit drill ${d.from} -> ${d.to} of ${d.finishedAt} ${d.ok ? "passed" : "FAILED"} (${d.checks})` };
}

function side(c: PlanComponent) {
  return { service: c.service, sku: c.sku, cpu: c.size?.cpu, memoryGiB: c.size?.memoryGiB, availability: c.availability.percent, availabilityBasis: c.availability.basis };
}

function applicationChanges(source: HostedPlan, target: HostedPlan): ExitPlan["applicationChanges"] {
  const changes: ExitPlan["applicationChanges"] = [];
  if (source.components.some((c) => c.kind === "database")) {
    changes.push({ area: "Database", kind: "none", change: "None: the same DATABASE_* variables point at the new server; PostgreSQL speaks the same protocol on every cloud. DATABASE_HOST changes value, not name." });
  }
  const stores = source.components.filter((c) => c.kind === "object-store");
  if (stores.length) {
    const provider = (cloud: Cloud) => ({ aws: "s3", azure: "azureblob", gcp: "gcs" })[cloud];
    changes.push({
      area: "Object store",
      kind: "configuration",
      change: `OBJECT_STORE_PROVIDER changes from ${provider(source.cloud)} to ${provider(target.cloud)} and OBJECT_STORE_BUCKET/ENDPOINT change value. An application that talks to storage through a portable client (one that reads OBJECT_STORE_PROVIDER) needs no code change; one that calls the ${source.provider} storage API directly must switch client for the ${target.provider} API.`,
    });
  }
  changes.push({ area: "Identity", kind: "none", change: `None in code: ${target.provider} grants access to the service's own identity, and the SDKs pick it up from the environment.` });
  const vendor = source.components.flatMap((c) => c.vendorSettings.map((v) => `${c.name}: ${v}`));
  if (vendor.length) changes.push({ area: "Vendor settings", kind: "configuration", change: `Re-express for ${target.provider} (or drop): ${vendor.join("; ")}` });
  const images = [...new Set(source.components.flatMap((c) => (c.spec.kind === "web-service" || c.spec.kind === "worker" || c.spec.kind === "scheduled-job" ? [c.spec.image] : [])))];
  const cloudRegistries = images.filter((i) => /\.dkr\.ecr\.|\.azurecr\.io|-docker\.pkg\.dev|gcr\.io\//.test(i));
  changes.push(
    cloudRegistries.length
      ? { area: "Container images", kind: "configuration", change: `Copy these images to a registry the target can pull from (e.g. with skopeo copy): ${cloudRegistries.join(", ")}` }
      : { area: "Container images", kind: "none", change: "None: the images are in a registry every cloud can pull from." },
  );
  return changes;
}

/** The PostgreSQL major version a plan's database component runs. */
function versionOf(plan: HostedPlan, component: string): number {
  const c = plan.components.find((x) => x.name === component);
  return c?.spec.kind === "database" ? Number(c.spec.version) : 0;
}

/** Client tools at least the newer server's major version (pg_dump refuses a newer server; pg_restore a newer archive). */
function clientToolsStep(major: number): Step {
  const fits = major <= POSTGRES_CLIENT.major;
  return {
    title: `Use PostgreSQL ${POSTGRES_CLIENT.major} client tools (psql, pg_dump, pg_restore), never older than the servers (PostgreSQL ${major}): pg_dump refuses a newer server`,
    commands: [`docker run --rm -it ${POSTGRES_CLIENT.image} pg_dump --version`, `apt-get install -y ${POSTGRES_CLIENT.aptPackage}   # from the PostgreSQL Apt repository: ${POSTGRES_CLIENT.aptSource}`],
    note: fits
      ? `The image is the official PostgreSQL image on Amazon ECR Public, pinned by digest; the jump container or host that runs the commands below uses it (or the package).`
      : `No pinned client covers PostgreSQL ${major} yet: install postgresql-client-${major} from the PostgreSQL Apt repository.`,
  };
}

function dumpRestoreSteps(source: HostedPlan, target: HostedPlan, from: DatabaseMigration & { component: string }, to: DatabaseMigration): Step[] {
  const src = planDatabase(from, SOURCE_PASSWORD_ENV, SOURCE_CA_FILE);
  const dst = planDatabase(to, TARGET_PASSWORD_ENV, TARGET_CA_FILE);
  const rerun = plannedRoleJobs(target).map((j) => j.rerun);
  return [
    clientToolsStep(Math.max(versionOf(source, from.component), versionOf(target, from.component))),
    { title: `Reach the source database: its password, and its certificate authorities in ${SOURCE_CA_FILE} (verify-full)`, note: from.access, commands: [`export ${SOURCE_PASSWORD_ENV}="$(${from.passwordCommand})"`, ...serverCaCommands(from.serverCa, SOURCE_CA_FILE)] },
    { title: `Reach the target database: its password, and its certificate authorities in ${TARGET_CA_FILE} (verify-full)`, note: to.access, commands: [`export ${TARGET_PASSWORD_ENV}="$(${to.passwordCommand})"`, ...serverCaCommands(to.serverCa, TARGET_CA_FILE)] },
    {
      title: `Stop writes at the source (maintenance page or scale the web services to read-only), then copy and verify with Freehold, which streams every table from server to server in a snapshot it fingerprints, all or nothing, as the target's read-write role ${RESTORE_ROLE} (so it owns everything it creates, and the read-only role reads it), verifies every table and writes a manifest`,
      commands: [shellLine(migrateDatabaseArgv(src, dst))],
    },
    { title: `The same with the standard tools by hand (restored as ${RESTORE_ROLE}, in one transaction)`, commands: manualDatabaseCommands(src, dst) },
    {
      title: "Run the target's role job again: it converges the application roles on what the restore brought (grants, default privileges) and changes nothing else",
      commands: rerun.length > 0 ? rerun : ["(no role job in the target plan: link a service to the database; its deployment runs one)"],
    },
  ];
}

/** Whether a plan's database component has `replication: logical`. */
function replicationOn(plan: HostedPlan, component: string): boolean {
  const c = plan.components.find((x) => x.name === component);
  return c?.spec.kind === "database" && c.spec.replication === "logical";
}

function liveRollback(): Step[] {
  return [
    { title: "Until cutover, rolling back is doing nothing: the source takes every write and holds the data of record; freehold replicate finish removes what replication created." },
    {
      title: "After cutover: freehold replicate rollback (the database runbook) stops writes on the target, lets the source catch up through the way back, verifies every table and lets the source take writes again; then point DNS back to the source URL",
      note: "The way back streams every write made on the target since cutover to the source, so switching back loses none. Objects written to the target after the switch are copied back with freehold migrate objects --from <target> --to <source>.",
    },
  ];
}

/** An rclone connection string: `:type,key=value,...:path`, quoted as rclone reads it (no config file, no secrets: credentials come from the environment). */
export function rcloneRemote(m: ObjectStoreMigration): string {
  return formatRemote(m.rcloneType, m.rcloneOptions, m.path);
}

function rcloneSteps(from: ObjectStoreMigration, to: ObjectStoreMigration): Step[] {
  const src = rcloneRemote(from);
  const dst = rcloneRemote(to);
  const hashed = sharedHash(from, to);
  return [
    { title: "Credentials for both sides, from the environment (no secrets in any file)", note: `${from.access} / ${to.access}` },
    {
      title: "Copy and verify with Freehold: rclone copy --checksum (never sync or move: the source is not touched), resumable, then size and hash of every object, with a manifest",
      commands: [shellLine(migrateObjectsArgv(planStore(from), planStore(to)))],
    },
    {
      title: "The same with rclone by hand",
      commands: [`rclone copy ${shellWord(src)} ${shellWord(dst)} --checksum --transfers 16 --progress`, `rclone check ${shellWord(src)} ${shellWord(dst)} --one-way${hashed ? "" : " --download"}`],
      note: hashed ? undefined : "The two services share no hash type, so rclone compares the content by downloading both sides.",
    },
  ];
}

function cutoverSteps(source: HostedPlan, target: HostedPlan, live: boolean): Step[] {
  return [
    { title: `Plan and check the target offline`, commands: [`freehold plan <stack> --cloud ${target.cloud} --format json > target-plan.json`, `freehold check <stack> --cloud ${target.cloud}`] },
    { title: `Deploy the target stack (same program, one config change)`, commands: [`pulumi stack init ${source.stack}-${target.cloud}`, `pulumi config set freehold:cloud ${target.cloud}`, "pulumi up"] },
    {
      title: "Rehearse: drill the exit on one machine first (real servers set up as both clouds set them up, the commands below, the application's roles on the target), then run the whole data migration once against the running source, verify, and time it; then empty the target databases",
      commands: [`freehold rehearse --from ${source.cloud} --to ${target.cloud} <stack> --out reports/drill`, `freehold exit-plan <stack> --from ${source.cloud} --to ${target.cloud} --measured reports/drill/exit-drill-${source.cloud}-to-${target.cloud}.json`],
    },
    ...(live
      ? [
          { title: "Days before: switch logical replication on (database runbook, first step; a restart of each server), start replication and copy the objects while the service runs" },
          { title: "Lower the DNS TTL to 60 s a day before; announce a pause in writes of seconds" },
          { title: "freehold replicate cutover (writes stop on the source for seconds); run the object copy again (only changes move); verify both manifests" },
        ]
      : [
          { title: "Announce the maintenance window; lower the DNS TTL to 60 s a day before" },
          { title: "Stop writes at the source; run the database runbook; run the object copy again (only changes move); verify both manifests" },
        ]),
    { title: "Switch DNS (or client configuration) to the target URL; watch health checks, errors and latency" },
    { title: "Keep the source running read-only for the dual-running period, then retire it (its stateful resources are retained until you delete them deliberately)" },
  ];
}

function checklist(target: HostedPlan): ExitPlan["checklist"] {
  const gds = "GDS: Managing technical lock-in in the cloud";
  const gc = "G-Cloud 14 call-off contract, clause 21 (exit plan)";
  return [
    { item: "Estimate the cost of exit", source: gds, status: "covered", how: "Exit cost section: egress at list price and dual running, with sources" },
    { item: "Estimate the time to exit", source: gds, status: "covered", how: "Time section: data volumes at stated or measured throughput, verification included" },
    { item: "Identify the lock-in points and what leaving each would take", source: gds, status: "covered", how: "Portability section: every feature only one cloud has and every vendor setting in use" },
    { item: "Periodically rebuild critical components on another provider", source: gds, status: "covered", how: `The target plan (${target.totals.resources} resources) and \`freehold rehearse\`, which migrates real data between real servers and verifies it` },
    { item: "Use open standards and commodity services", source: gds, status: "covered", how: "PostgreSQL, OCI container images, object storage copied with rclone" },
    { item: "Data can be exported in open formats", source: gds, status: "covered", how: "pg_dump directory format; objects copied byte for byte with hashes verified" },
    { item: "Commercial commitments (reserved capacity, savings plans, minimum terms)", source: gds, status: "buyer", how: "Not visible to Freehold: check contracts before planning the window" },
    { item: "Skills and staff time for the move", source: gds, status: "buyer", how: "Not costed: the plan lists the steps to staff" },
    { item: "An exit plan that ensures continuity of service", source: gc, status: "covered", how: "Cutover with dual running and a rollback that leaves the source untouched" },
    { item: "No vendor lock-in at exit", source: gc, status: "covered", how: "Same program on the target; application changes listed (configuration only where possible)" },
    { item: "Transfer of buyer data to the buyer or a replacement supplier", source: gc, status: "covered", how: "Data migration runbook and verified manifests" },
    { item: "Deletion of buyer data by the outgoing supplier, with confirmation", source: gc, status: "buyer", how: "After dual running: delete the retained source resources deliberately and obtain the supplier's deletion confirmation" },
    { item: "Agree the exit plan with the supplier and review it regularly", source: gc, status: "buyer", how: "Re-run `freehold exit-plan` on each release; it is deterministic, so changes show as diffs" },
  ];
}
