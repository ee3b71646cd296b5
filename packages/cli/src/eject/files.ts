/** The files of an ejected program besides index.ts: Pulumi.yaml, package.json, tsconfig.json, README.md. */
import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import type { HostedPlan } from "../plan/contract";
import type { Program } from "./model";
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
    p.config.filter((c) => !c.key.includes(":")).map((c) => [c.key, { type: "string", description: c.description, ...(c.secret ? { secret: true } : { default: c.default }) }]),
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

export const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      strict: true,
      target: "ES2022",
      module: "commonjs",
      moduleResolution: "node",
      esModuleInterop: true,
      skipLibCheck: true,
      forceConsistentCasingInFileNames: true,
      outDir: "bin",
    },
    files: ["index.ts"],
  },
  null,
  2,
)}\n`;

export function readme(p: Program, plan: HostedPlan, source: string): string {
  const resources = p.body.filter((b) => b.kind === "resource").length;
  const groups = [...new Set(p.body.flatMap((b) => (b.kind === "resource" ? [b.value.group.title] : [])))];
  const secrets = p.config.filter((c) => c.secret);
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
    ...(p.config.some((c) => !c.secret) ? [`- Values you may change are config with the planned values as defaults in \`Pulumi.yaml\`: ${p.config.filter((c) => !c.secret).map((c) => `\`${c.key}\``).join(", ")}.`] : []),
    ...(p.outputs.length ? [`- Stack outputs are the ones Freehold exported: ${p.outputs.map(([k]) => `\`${k}\``).join(", ")}.`] : []),
    ...p.droppedOutputs.map((d) => `- Not exported any more: ${d}.`),
    `- The program refuses to run for any Pulumi stack but \`${p.stack}\`: the physical names in it are that stack's. For another stack, eject again with \`--stack\`.`,
    "",
    "## How to run it",
    "",
    "1. Make sure the stack is up to date with Freehold first: `pulumi preview` in the Freehold project shows no changes.",
    "2. In this directory: `npm install`.",
    `3. Copy \`Pulumi.${p.stack}.yaml\` from the Freehold project here (it holds the provider settings and, with a`,
    "   passphrase or cloud KMS secrets provider, the key to the stack's secrets), and log in to the same Pulumi backend.",
    ...(secrets.length ? [`4. Set the config secrets: ${secrets.map((c) => `\`pulumi config set --secret ${c.key} <value>\``).join(", ")}.`] : []),
    `${secrets.length ? 5 : 4}. \`pulumi preview --stack ${p.stack}\`: expect only the Freehold component resources to be deleted, and every cloud resource unchanged.`,
    `${secrets.length ? 6 : 5}. \`pulumi up --stack ${p.stack}\`.`,
    "",
    "`freehold plan .` plans this program offline like any other Pulumi program.",
    ...(p.notes.length ? ["", "## Check before `pulumi up`", "", ...p.notes.map((n) => `- ${n}`)] : []),
    "",
  ];
  return lines.join("\n");
}
