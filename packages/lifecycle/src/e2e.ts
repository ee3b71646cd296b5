/**
 * `npm run e2e -- --cloud aws|azure|gcp`: the lifecycle scenarios against a
 * real account through Pulumi's Automation API when the Pulumi CLI and the
 * cloud's credentials are here; otherwise one line saying so, and the same
 * scenarios against the simulated cloud. docs/e2e.md.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { deployStack } from "@freehold/core";
import { CLOUDS, type Cloud, parseStack, type Stack } from "@freehold/model";
import { LocalWorkspace, type Stack as AutoStack } from "@pulumi/pulumi/automation";
import { knownFailure } from "./known";
import { CONFORMANCE_STACKS, E2E_STACK } from "./stacks";
import { runStack } from "./suite";

export interface E2eArgs {
  cloud: Cloud;
  /** Only scenarios whose id starts with one of these (simulator). */
  scenarios?: string[];
  /** host:port of a tunnel to the private database (the real run's row check). */
  dbTunnel?: string;
  /** Leave the real stacks deployed. */
  keep: boolean;
}

/** Every problem with the arguments at once, or the arguments. */
export function parseE2eArgs(argv: readonly string[]): { args?: E2eArgs; problems: string[] } {
  const problems: string[] = [];
  let cloud: string | undefined;
  let scenarios: string[] | undefined;
  let dbTunnel: string | undefined;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = () => {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith("--")) {
        problems.push(`${a}: needs a value`);
        return undefined;
      }
      i += 1;
      return v;
    };
    if (a === "--cloud") cloud = value();
    else if (a === "--scenarios") scenarios = value()?.split(",").filter(Boolean);
    else if (a === "--db-tunnel") dbTunnel = value();
    else if (a === "--keep") keep = true;
    else problems.push(`unknown argument ${JSON.stringify(a)}; allowed: --cloud aws|azure|gcp, --scenarios ID,..., --db-tunnel HOST:PORT, --keep`);
  }
  if (cloud === undefined) problems.push("--cloud: required; allowed: aws, azure, gcp");
  else if (!(CLOUDS as readonly string[]).includes(cloud)) problems.push(`--cloud: ${JSON.stringify(cloud)} is not allowed; allowed: aws, azure, gcp`);
  if (dbTunnel !== undefined && !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(dbTunnel)) problems.push(`--db-tunnel: ${JSON.stringify(dbTunnel)} is not HOST:PORT`);
  if (problems.length) return { problems };
  return { problems, args: { cloud: cloud as Cloud, keep, ...(scenarios ? { scenarios } : {}), ...(dbTunnel ? { dbTunnel } : {}) } };
}

/** Why a real run cannot happen here, or undefined when it can. */
export function missingForRealRun(cloud: Cloud, env: NodeJS.ProcessEnv = process.env, home = homedir()): string | undefined {
  const pulumi = spawnSync("pulumi", ["version"], { env, encoding: "utf8" });
  if (pulumi.error || pulumi.status !== 0) return "no Pulumi CLI on this machine";
  const has = (...names: string[]) => names.some((n) => Boolean(env[n]));
  const file = (...parts: string[]) => existsSync(join(home, ...parts));
  switch (cloud) {
    case "aws":
      return has("AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE") || file(".aws", "credentials") ? undefined : "no AWS credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE or OIDC web identity)";
    case "azure":
      return (has("ARM_CLIENT_ID") && has("ARM_CLIENT_SECRET", "ARM_USE_OIDC", "ARM_OIDC_TOKEN")) || file(".azure", "azureProfile.json")
        ? has("ARM_SUBSCRIPTION_ID") || file(".azure", "azureProfile.json")
          ? undefined
          : "no Azure subscription (ARM_SUBSCRIPTION_ID)"
        : "no Azure credentials (ARM_CLIENT_ID with a secret or OIDC, or az login)";
    case "gcp":
      if (!(has("GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CREDENTIALS") || file(".config", "gcloud", "application_default_credentials.json"))) return "no Google Cloud credentials (GOOGLE_APPLICATION_CREDENTIALS or gcloud auth application-default login)";
      return has("GOOGLE_PROJECT", "GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT") ? undefined : "no Google Cloud project (GOOGLE_PROJECT)";
  }
}

/** The scenarios on the simulated cloud: a line per stack, then every failure. Returns the exit code. */
export async function simulate(args: E2eArgs, out: (line: string) => void): Promise<number> {
  let unexpected = 0;
  for (const [title, text] of Object.entries(CONFORMANCE_STACKS)) {
    const r = await runStack(text, args.cloud, args.scenarios ? { only: args.scenarios } : {});
    const failedFirst = new Set(r.first.outcome === "ok" ? [] : [title]);
    const failing = r.scenarios.filter((s) => s.problem);
    const refused = r.scenarios.filter((s) => !s.problem && s.records.some((x) => x.outcome === "refused")).length;
    out(`${title}: first up ${r.first.outcome}; ${r.scenarios.length - failing.length}/${r.scenarios.length} scenarios as expected (${refused} refused before any change, by design)`);
    for (const s of failing) {
      const known = knownFailure(args.cloud, title, s.id, failedFirst);
      if (!known) unexpected += 1;
      out(`  ${known ? `known failure (#${known.issue})` : "FAILS"}: ${s.id}: ${(s.problem ?? "").split("\n")[0]}`);
    }
  }
  return unexpected ? 1 : 0;
}

// ---- the real account -------------------------------------------------------------------------


/** Provider configuration from the environment the CI workflow (or the operator) sets. */
function providerConfig(cloud: Cloud, env: NodeJS.ProcessEnv): Record<string, string> {
  switch (cloud) {
    case "aws":
      return { "aws:region": env.AWS_REGION ?? "eu-west-2" };
    case "azure":
      return { "azure-native:location": env.ARM_LOCATION ?? "uksouth", ...(env.ARM_SUBSCRIPTION_ID ? { "azure-native:subscriptionId": env.ARM_SUBSCRIPTION_ID } : {}) };
    case "gcp":
      return { "gcp:project": (env.GOOGLE_PROJECT ?? env.GOOGLE_CLOUD_PROJECT ?? env.CLOUDSDK_CORE_PROJECT) as string, "gcp:region": env.GOOGLE_REGION ?? "europe-west2" };
  }
}

/** GET a URL until it answers 2xx (a new service takes minutes to come up). */
async function healthy(url: string, minutes = 15): Promise<string> {
  const until = Date.now() + minutes * 60_000;
  let last = "";
  while (Date.now() < until) {
    try {
      const r = await fetch(url, { redirect: "follow" });
      if (r.ok) return `${url} answered ${r.status}`;
      last = `answered ${r.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((done) => setTimeout(done, 15_000));
  }
  throw new Error(`${url} did not answer 2xx in ${minutes} minutes (last: ${last})`);
}

/** An rclone on-the-fly remote for a store, credentials from the environment. */
export function rcloneRemote(cloud: Cloud, bucket: string, endpoint: string, region: string): string {
  switch (cloud) {
    case "aws":
      return `:s3,provider=AWS,env_auth=true,region=${region}:${bucket}`;
    case "azure":
      return `:azureblob,env_auth=true,account=${new URL(endpoint).hostname.split(".")[0]}:${bucket}`;
    case "gcp":
      return `:gcs,env_auth=true,bucket_policy_only=true:${bucket}`;
  }
}

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", input });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args[0]} failed: ${(r.stderr || r.error?.message || "").trim().split("\n").slice(-3).join(" ")}`);
  return r.stdout;
}

/** Write an object through the store and read it back. */
function objectRoundTrip(remote: string): string {
  const dir = mkdtempSync(join(tmpdir(), "freehold-e2e-"));
  try {
    const body = `freehold e2e ${new Date().toISOString()}`;
    writeFileSync(join(dir, "probe.txt"), body);
    run("rclone", ["copyto", join(dir, "probe.txt"), `${remote}/freehold-e2e/probe.txt`]);
    const back = run("rclone", ["cat", `${remote}/freehold-e2e/probe.txt`]);
    run("rclone", ["deletefile", `${remote}/freehold-e2e/probe.txt`]);
    if (back !== body) throw new Error(`read back ${JSON.stringify(back.slice(0, 60))}, wrote ${JSON.stringify(body)}`);
    return `wrote and read back an object through ${remote.split(":")[1] ?? remote}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Write a row and read it back through a tunnel to the private database. */
function rowRoundTrip(connectionString: string, tunnel: string): string {
  const url = new URL(connectionString);
  const [host, port] = tunnel.split(":") as [string, string];
  url.hostname = host;
  url.port = port;
  const token = `e2e-${Date.now()}`;
  const out = run("psql", [url.toString(), "-v", "ON_ERROR_STOP=1", "-tAc", `create table if not exists freehold_e2e (v text); insert into freehold_e2e values ('${token}'); select v from freehold_e2e where v = '${token}'; delete from freehold_e2e where v = '${token}';`]);
  if (!out.includes(token)) throw new Error(`the row written was not read back (got ${JSON.stringify(out.trim())})`);
  return "wrote and read back a row through the database";
}

/** Every data component without deletion protection: what the last steps need to clean up. */
function unprotected(stack: Stack): Stack {
  const s = structuredClone(stack);
  for (const c of Object.values(s.components)) if (c.kind === "database" || c.kind === "object-store") c.deletionProtection = false;
  return s;
}

/** A real stack whose program deploys whichever version of the spec the scenario last chose. */
interface RealStack {
  stack: AutoStack;
  use(spec: Stack): void;
}

async function realStack(spec: Stack, cloud: Cloud, name: string, env: NodeJS.ProcessEnv): Promise<RealStack> {
  let current = spec;
  const stack = await LocalWorkspace.createOrSelectStack(
    { projectName: spec.name, stackName: name, program: async () => deployStack(current, { cloud }).outputs },
    { envVars: { PULUMI_CONFIG_PASSPHRASE: env.PULUMI_CONFIG_PASSPHRASE ?? "freehold-e2e" } },
  );
  await stack.setAllConfig(Object.fromEntries(Object.entries({ "freehold:cloud": cloud, ...providerConfig(cloud, env) }).map(([k, value]) => [k, { value }])));
  return {
    stack,
    use: (next) => {
      current = next;
    },
  };
}

/** The scenarios against a real account. Returns the exit code. */
export async function realRun(args: E2eArgs, out: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const spec = parseStack(E2E_STACK);
  const id = `e2e${Date.now().toString(36).slice(-5)}`;
  const log = (line: string) => out(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  const devStack = await realStack(spec, args.cloud, id, env);
  const dev = devStack.stack;
  let failures = 0;
  const step = async (label: string, f: () => Promise<string> | string) => {
    try {
      log(`${label}: ${await f()}`);
    } catch (e) {
      failures += 1;
      log(`${label}: FAILED: ${(e as Error).message}`);
    }
  };
  try {
    await step("first up", async () => `${(await dev.up({ onOutput: () => {} })).summary.result}`);
    const outputs = await dev.outputs();
    for (const [name, c] of Object.entries(spec.components)) {
      const o = (outputs[name]?.value ?? {}) as Record<string, string>;
      if (c.kind === "web-service" && c.public) await step(`${name} health`, () => healthy(`${o.url}${c.healthCheck.path}`));
      if (c.kind === "object-store") await step(`${name} object`, () => objectRoundTrip(rcloneRemote(args.cloud, o.bucketName as string, o.endpoint as string, providerConfig(args.cloud, env)["aws:region"] ?? "")));
      if (c.kind === "database") {
        if (args.dbTunnel) await step(`${name} row`, () => rowRoundTrip(o.connectionString as string, args.dbTunnel as string));
        else log(`${name} row: skipped: the database is private; open a tunnel (docs/e2e.md) and pass --db-tunnel HOST:PORT`);
      }
    }
    await step("up again, no change", async () => {
      const p = await dev.preview();
      const changed = Object.entries(p.changeSummary).filter(([op, n]) => op !== "same" && n > 0);
      if (changed.length) throw new Error(`the preview still shows changes: ${JSON.stringify(Object.fromEntries(changed))}`);
      return "no changes";
    });
    const prodStack = await realStack(spec, args.cloud, `${id}-b`, env);
    const prod = prodStack.stack;
    await step("a second stack beside the first", async () => `${(await prod.up({ onOutput: () => {} })).summary.result}`);
    await step("destroy with data protected is refused before anything changes", async () => {
      try {
        await dev.destroy({ onOutput: () => {} });
      } catch (e) {
        if (/protect/i.test((e as Error).message)) return "refused (protected)";
        throw e;
      }
      throw new Error("destroy went ahead with deletionProtection on");
    });
    for (const s of [devStack, prodStack]) s.use(unprotected(spec));
    await step("protection off", async () => `${(await dev.up({ onOutput: () => {} })).summary.result}`);
    await step("destroy", async () => `${(await dev.destroy({ onOutput: () => {} })).summary.result}`);
    await step("up again after destroy", async () => `${(await dev.up({ onOutput: () => {} })).summary.result}`);
    if (!args.keep) {
      for (const [label, s] of [["dev", dev], ["prod", prod]] as const) {
        await step(`clean up ${label}`, async () => {
          await s.up({ onOutput: () => {} });
          await s.destroy({ onOutput: () => {} });
          await s.workspace.removeStack(s.name);
          return "destroyed and removed";
        });
      }
    }
  } catch (e) {
    failures += 1;
    log(`stopped: ${(e as Error).message}`);
  }
  log(failures ? `${failures} step(s) failed` : "every step passed");
  return failures ? 1 : 0;
}

export async function main(argv: readonly string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`), err: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  const { args, problems } = parseE2eArgs(argv);
  if (!args) {
    err(`e2e: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`}\nUsage: npm run e2e -- --cloud aws|azure|gcp [--scenarios ID,...] [--db-tunnel HOST:PORT] [--keep]`);
    return 2;
  }
  const missing = missingForRealRun(args.cloud);
  if (missing) {
    out(`e2e: ${missing}: running the lifecycle scenarios against the simulated ${args.cloud} cloud instead (docs/lifecycle.md).`);
    return simulate(args, out);
  }
  return realRun(args, out);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`e2e: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
