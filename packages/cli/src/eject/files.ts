/** The files of an ejected program besides index.ts: Pulumi.yaml, package.json, tsconfig.json, README.md. */
import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import type { HostedPlan } from "../plan/contract";
import type { ConfigValue, Program, ProgramResource } from "./model";
import { pulumiSdk } from "./sdk";

function installedVersion(pkg: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")) as { version: string }).version;
  } catch {
    return undefined;
  }
}

export function pulumiYaml(p: Program, plan: HostedPlan): string {
  const config = Object.fromEntries(
    p.config
      .filter((c) => !c.key.includes(":"))
      .map((c) => [c.key, { type: c.type ?? "string", description: c.description, ...(c.secret ? { secret: true } : c.default === undefined ? {} : { default: c.default }) }]),
  );
  return stringify({
    name: p.project,
    runtime: { name: "nodejs", options: { typescript: true } },
    description: `${plan.stack || p.project} on ${plan.provider}: a plain Pulumi program ejected from Freehold (see README.md).`,
    ...(Object.keys(config).length ? { config } : {}),
  });
}

export function packageJson(p: Program): string {
  const pulumi = pulumiSdk();
  const dependencies: Record<string, string> = { [pulumi.npm]: pulumi.version };
  for (const [name, version] of [...p.packages].sort(([a], [b]) => a.localeCompare(b))) dependencies[name] = version;
  const devDependencies: Record<string, string> = {};
  for (const name of ["@types/node", "typescript"]) {
    const v = installedVersion(name);
    if (v) devDependencies[name] = v;
  }
  return `${JSON.stringify({ name: p.project, private: true, description: "A plain Pulumi program ejected from Freehold (see README.md).", main: "index.ts", dependencies, devDependencies }, null, 2)}\n`;
}

/**
 * Pulumi's own TypeScript template's tsconfig.json (pulumi/templates,
 * `typescript/tsconfig.json`): the project an ejected program is, laid out as
 * `pulumi new typescript` lays it out.
 */
export const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      strict: true,
      outDir: "bin",
      target: "es2020",
      module: "commonjs",
      moduleResolution: "node",
      sourceMap: true,
      experimentalDecorators: true,
      pretty: true,
      noFallthroughCasesInSwitch: true,
      noImplicitReturns: true,
      forceConsistentCasingInFileNames: true,
    },
    files: ["index.ts"],
  },
  null,
  2,
)}\n`;

/** The README's "Config to set": every value the user must set, with where to find it. */
function configToSet(p: Program): string[] {
  const toSet = p.config.filter((c) => c.where);
  if (!toSet.length) return [];
  return [
    "",
    "## Config to set",
    "",
    "Freehold made these values from other resources' outputs in a way eject cannot reproduce (a hash, a verifier of a generated",
    "password). Eject never writes a value it cannot trace: set each to the deployed stack's value before `freehold plan .` or",
    "`pulumi up` (the program names every one that is missing). `freehold eject --state` takes the ones that are not secrets from a",
    "`pulumi stack export` file instead.",
    "",
    ...toSet.map((c) => `- \`${c.key}\`${c.secret ? " (secret)" : ""}: ${c.description} Find it with ${c.where}. Set it with \`pulumi config set${c.secret ? " --secret" : ""} ${c.key} <value>\`.${whenToChange(p, c)}`),
  ];
}

/** The resources holding a hash of other resources' settings, with those resources. */
function hashHolders(p: Program): Array<{ holder: ProgramResource; hashed: ProgramResource[] }> {
  return p.body.flatMap((b) => (b.kind === "resource" && b.value.hashes?.length ? [{ holder: b.value, hashed: b.value.hashes }] : []));
}

/** What the rest of a settings-hashing resource's values are for. */
const drawn = (hashed: ProgramResource): string => {
  const rest = hashed.inputs.map(([k]) => k).filter((k) => !hashed.settings?.keys.includes(k));
  return rest.length ? `${rest.map((k) => `\`${k}\``).join(", ")} of \`${hashed.plan.name}\`` : `\`${hashed.plan.name}\``;
};

/** For a config value beside a hash of settings (another keeper of the same random id): when to change it. */
function whenToChange(p: Program, c: ConfigValue): string {
  const h = hashHolders(p).find((x) => x.holder.plan.name === c.at?.resource && x.holder.plan.type === c.at.type);
  if (!h) return "";
  return ` It sits beside the hash of ${h.hashed.map((r) => `\`${r.plan.name}\``).join(", ")}'s settings: change it only to draw a new \`${h.holder.plan.name}\`, and with it a new ${h.hashed.map(drawn).join(", ")} (after a failed run, say), since any other value than the deployed one does.`;
}

/** The README's word on each hash of settings the program computes (a random id's keepers). */
function hashedSettingsLines(p: Program): string[] {
  return hashHolders(p).map(
    ({ holder, hashed }) =>
      `- \`${holder.plan.name}\` keeps a hash of ${hashed.map((r) => `\`${r.plan.name}\`'s settings (\`${r.settings?.variable}\` in \`index.ts\`)`).join(", ")}, computed in the program exactly as Freehold computed it: unchanged settings keep the deployed value, and any edit of them draws a new \`${holder.plan.name}\` and with it a new ${hashed.map(drawn).join(", ")}.`,
  );
}

export function readme(p: Program, plan: HostedPlan, source: string): string {
  const resources = p.body.filter((b) => b.kind === "resource").length;
  const groups = [...new Set(p.body.flatMap((b) => (b.kind === "resource" ? [b.value.group.title] : [])))];
  const secrets = p.config.filter((c) => c.secret && !c.where);
  const toSet = p.config.filter((c) => c.where);
  const steps = [
    "Make sure the stack is up to date with Freehold first: `pulumi preview` in the Freehold project shows no changes.",
    "In this directory: `npm install`.",
    `Copy \`Pulumi.${p.stack}.yaml\` from the Freehold project here (it holds the provider settings and, with a passphrase or cloud KMS secrets provider, the key to the stack's secrets), and log in to the same Pulumi backend.`,
    ...(secrets.length ? [`Set the config secrets: ${secrets.map((c) => `\`pulumi config set --secret ${c.key} <value>\``).join(", ")}.`] : []),
    ...(toSet.length ? [`Set the values under "Config to set" below: ${toSet.map((c) => `\`${c.key}\``).join(", ")}.`] : []),
    `\`freehold plan . --cloud ${plan.cloud} --stack ${p.stack}\` plans this program offline, like any Pulumi program, to check it before the cloud sees it.`,
    `\`pulumi preview --stack ${p.stack}\`: expect only the Freehold component resources to be deleted, and every cloud resource unchanged.`,
    `\`pulumi up --stack ${p.stack}\`.`,
  ];
  const lines = [
    `# ${p.project}: ejected from Freehold`,
    "",
    `A plain Pulumi TypeScript program for ${plan.provider}, written by \`freehold eject\` from \`${source}\` for Pulumi stack \`${p.stack}\`.`,
    "It depends only on `@pulumi/*` packages (pinned to the versions Freehold used) and registers exactly the",
    `${resources} cloud resources Freehold registered for this stack: same types, logical names, inputs and options.`,
    "",
    "## What changed",
    "",
    "- Freehold's components (`freehold:index:*`) are gone. They owned nothing in the cloud: each was a parent that",
    `  grouped resources. The resources are now top-level, grouped in \`index.ts\` by the component they came from: ${groups.join("; ")}.`,
    "- Each resource carries an alias naming its URN under its old component, so Pulumi moves it in the state",
    "  instead of replacing it. Nothing in the cloud is created, replaced or deleted by the switch.",
    "- Values that came from other resources are read from those resources' outputs, as Freehold did; secrets stay",
    "  Pulumi secrets (generated passwords come from the same `RandomPassword` resources).",
    ...(p.config.some((c) => !c.secret && !c.where) ? [`- Values you may change are config with the planned values as defaults in \`Pulumi.yaml\`: ${p.config.filter((c) => !c.secret && !c.where).map((c) => `\`${c.key}\``).join(", ")}.`] : []),
    ...(p.outputs.length ? [`- Stack outputs are the ones Freehold exported: ${p.outputs.map(([k]) => `\`${k}\``).join(", ")}.`] : []),
    ...hashedSettingsLines(p),
    ...p.droppedOutputs.map((d) => `- Not exported any more: ${d}.`),
    `- The program refuses to run for any Pulumi stack but \`${p.stack}\`: the physical names in it are that stack's. For another stack, eject again with \`--stack\`.`,
    "",
    "## How to run it",
    "",
    ...steps.map((s, i) => `${i + 1}. ${s}`),
    ...configToSet(p),
    ...(p.notes.length ? ["", "## Check before `pulumi up`", "", ...p.notes.map((n) => `- ${n}`)] : []),
    "",
  ];
  return lines.join("\n");
}
