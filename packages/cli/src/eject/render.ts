/** The ejected program's index.ts, written from the program model. */
import { type Expr, propertyKey, render, SETTINGS_HASH_LENGTH, walk } from "./expr";
import type { ConfigValue, Program, ProgramCall, ProgramResource } from "./model";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Comment lines, wrapped at about 110 columns. */
function comment(lines: string[], indent = ""): string[] {
  const out: string[] = [];
  for (const line of lines) {
    let cur = "";
    for (const word of line.split(" ")) {
      if (cur && cur.length + word.length + 1 > 110) {
        out.push(`${indent}// ${cur}`);
        cur = word;
      } else cur = cur ? `${cur} ${word}` : word;
    }
    out.push(cur ? `${indent}// ${cur}` : `${indent}//`);
  }
  return out;
}

function objectLiteral(entries: Array<[string, string]>, indent: number, spread?: string): string {
  if (!entries.length && !spread) return "{}";
  // `region` alone where the value is the variable of that name, as a person writes it.
  const parts = [...(spread ? [`...${spread}`] : []), ...entries.map(([k, v]) => (k === v ? k : `${propertyKey(k)}: ${v}`))];
  const flat = `{ ${parts.join(", ")} }`;
  if (flat.length + indent <= 110 && !flat.includes("\n")) return flat;
  const pad = " ".repeat(indent + 2);
  return `{\n${parts.map((p) => `${pad}${p},`).join("\n")}\n${" ".repeat(indent)}}`;
}

/** The comments on a resource's inputs eject could not trace fully, for the inputs `only` keeps. */
function unresolvedComments(r: ProgramResource, only: (input: string) => boolean): string[] {
  const lines: string[] = [];
  for (const u of r.unresolved) {
    if (!only(u.input)) continue;
    const from = u.from.join(" and ");
    if (u.deployed) lines.push(...comment([`eject: part of "${u.input}" is the deployed stack's value (from --state): Freehold made it from other resources' outputs in a way eject cannot trace.`]));
    else if (u.keys.length) lines.push(...comment([`eject: part of "${u.input}" is config you set (${u.keys.join(", ")}): Freehold made it from other resources' outputs in a way eject cannot reproduce (README.md says where to find it).`]));
    else if (from) lines.push(...comment([`eject: "${u.input}" was also made from ${from}; the value below is right, but no longer waits for ${u.from.length > 1 ? "them" : "it"}.`]));
  }
  return lines;
}

const inSettings = (r: ProgramResource) => (input: string) => r.settings?.keys.includes(input) ?? false;

/** The `const` holding the settings of `hashed` that `holder` keeps a hash of, written just before `holder`. */
function settingsCode(hashed: ProgramResource, holder: ProgramResource): string[] {
  const s = hashed.settings;
  if (!s) return [];
  const rest = hashed.inputs.map(([k]) => k).filter((k) => !s.keys.includes(k));
  return [
    ...comment([
      `The settings of ${JSON.stringify(hashed.plan.name)}${rest.length ? ` (every input but ${rest.join(", ")})` : ""}: ${JSON.stringify(holder.plan.name)} keeps a hash of them, as Freehold did, so every edit of them draws a new ${JSON.stringify(holder.plan.name)}${rest.length ? ` and with it a new ${rest.join(", ")}` : ""}.`,
    ]),
    ...unresolvedComments(hashed, inSettings(hashed)),
    `const ${s.variable}${s.type ? `: ${s.type}` : ""} = ${objectLiteral(
      hashed.inputs.filter(([k]) => s.keys.includes(k)).map(([k, e]): [string, string] => [k, render(e, 2)]),
      0,
    )};`,
    "",
  ];
}

function resourceCode(r: ProgramResource): string[] {
  const lines: string[] = [];
  for (const h of r.hashes ?? []) lines.push(...settingsCode(h, r));
  const own = (input: string) => !inSettings(r)(input);
  lines.push(...unresolvedComments(r, own));
  const inputs = objectLiteral(
    r.inputs.filter(([k]) => own(k)).map(([k, e]): [string, string] => [k, render(e, 2)]),
    0,
    r.settings?.variable,
  );
  const options = r.options.length ? `, ${objectLiteral(r.options, 0)}` : "";
  lines.push(`const ${r.variable} = new ${r.constructor}(${JSON.stringify(r.plan.name)}, ${inputs}${options});`);
  return lines;
}

function callCode(c: ProgramCall): string[] {
  const none = c.args.kind === "object" && !c.args.entries.length;
  const args = !c.takesArguments ? [] : none ? (c.provider ? ["{}"] : []) : [render(c.args, 0)];
  return [`const ${c.variable} = ${c.fn}(${[...args, ...(c.provider ? [`{ provider: ${c.provider} }`] : [])].join(", ")});`];
}

function outputsCode(outputs: Array<[string, Expr]>): string[] {
  if (!outputs.length) return [];
  if (outputs.every(([k]) => IDENTIFIER.test(k))) return outputs.map(([k, e]) => `export const ${k} = ${render(e, 0)};`);
  // Stack output names that are not identifiers (a component named "my-db") keep their names this way.
  return [`export = ${objectLiteral(outputs.map(([k, e]): [string, string] => [k, render(e, 2)]), 0)};`];
}

/** How a config value is read: by its type, a secret as a secret. */
function reader(c: ConfigValue): string {
  if (c.secret) return "requireSecret";
  return c.type === "number" ? "requireNumber" : c.type === "boolean" ? "requireBoolean" : "require";
}

/**
 * The config section: values a user may change (with defaults in Pulumi.yaml),
 * then the values the user must set, checked all at once so that a missing
 * one is named with every other one, before anything is read.
 */
function configCode(p: Program): string[] {
  if (!p.config.length) return [];
  const out: string[] = [];
  const changeable = p.config.filter((c) => !c.where);
  const toSet = p.config.filter((c) => c.where);
  const readerOf = (c: ConfigValue) => {
    // A key in another namespace (`other:key`) is read from that namespace.
    const [ns, key] = c.key.includes(":") ? (c.key.split(":", 2) as [string, string]) : [p.project, c.key];
    return { obj: ns === p.project ? "config" : `new pulumi.Config(${JSON.stringify(ns)})`, key };
  };
  out.push("const config = new pulumi.Config();");
  if (changeable.length) {
    out.push(
      "",
      ...comment([
        changeable.some((c) => c.secret)
          ? "Values you may change, with their defaults in Pulumi.yaml (`pulumi config set <key> <value>`), and secrets (`pulumi config set --secret <key> <value>`)."
          : "Values you may change, with their defaults in Pulumi.yaml (`pulumi config set <key> <value>`).",
      ]),
    );
    for (const c of changeable) {
      const r = readerOf(c);
      out.push(`const ${c.variable} = ${r.obj}.${reader(c)}(${JSON.stringify(r.key)});`);
    }
  }
  if (toSet.length) {
    out.push(
      "",
      ...comment(["Values Freehold made from other resources' outputs in a way eject cannot reproduce: set each to the deployed stack's value (README.md, \"Config to set\", says where to find it)."]),
      `const unset = [${toSet.map((c) => JSON.stringify(c.key)).join(", ")}].filter((key) => config.getSecret(key) === undefined);`,
      "if (unset.length) {",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal of the program being written
      '  throw new pulumi.RunError(`Set these config values first (README.md, "Config to set", says where to find each): ${unset.join(", ")}`);',
      "}",
    );
    for (const c of toSet) out.push(`const ${c.variable} = config.${reader(c)}(${JSON.stringify(c.key)});`);
  }
  out.push("");
  return out;
}

/**
 * The program's own `scramVerifier`, for the verifiers Freehold made of database roles' passwords: PostgreSQL's
 * SCRAM-SHA-256 format (src/common/scram-common.c; RFC 5802 section 3, RFC 7677), with the salt derived from the
 * password so the same password always gives the same verifier, exactly as Freehold computed it.
 */
const SCRAM_HELPER = [
  ...comment(["The PostgreSQL SCRAM-SHA-256 verifier of a password, as Freehold made it: a role job sets a password from it, never from the password itself."]),
  "function scramVerifier(password: string, iterations = 4096): string {",
  '  const salt = createHmac("sha256", "freehold scram salt").update(password).digest().subarray(0, 16);',
  '  const salted = pbkdf2Sync(password, salt, iterations, 32, "sha256");',
  '  const storedKey = createHash("sha256").update(createHmac("sha256", salted).update("Client Key").digest()).digest();',
  '  const serverKey = createHmac("sha256", salted).update("Server Key").digest();',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal of the program being written
  '  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;',
  "}",
  "",
];

/**
 * The program's own `settingsHash`, for the hashes Freehold keeps of a resource's settings (a random id's keepers):
 * the settings as JSON with every object's keys sorted, then the first 8 bytes of its SHA-256 in base 36, exactly as
 * Freehold computed it, so that the same settings give the same hash and any change of them another.
 */
const SETTINGS_HASH_HELPER = [
  ...comment(["A short hash of a value as JSON with its object keys sorted, as Freehold made it: the same settings give the same hash, every change of them another."]),
  `function settingsHash(value: unknown, length = ${SETTINGS_HASH_LENGTH}): string {`,
  "  const sorted = (v: unknown): unknown =>",
  "    Array.isArray(v) ? v.map(sorted) : v && typeof v === \"object\" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;",
  '  const digest = createHash("sha256").update(JSON.stringify(sorted(value)) ?? "").digest();',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal of the program being written
  '  return BigInt(`0x${digest.subarray(0, 8).toString("hex")}`).toString(36).padStart(length, "0").slice(0, length);',
  "}",
  "",
];

/** Whether any expression of the program is of a kind. */
const uses = (p: Program, kind: Expr["kind"]): boolean =>
  [...p.body.flatMap((b) => (b.kind === "resource" ? b.value.inputs.map(([, e]) => e) : [b.value.args])), ...p.named.map((n) => n.expr), ...p.outputs.map(([, e]) => e)].some((e) => [...walk(e)].some((x) => x.kind === kind));

export function renderProgram(p: Program, header: string[]): string {
  const out: string[] = [...comment(header), ""];
  const scram = uses(p, "scram");
  const hash = uses(p, "settingsHash");
  if (scram) out.push(`import { createHash, createHmac, pbkdf2Sync } from "node:crypto";`);
  else if (hash) out.push(`import { createHash } from "node:crypto";`);
  out.push(`import * as pulumi from "@pulumi/pulumi";`);
  for (const i of p.imports) out.push(i.named ? `import { ${i.name === i.binding ? i.name : `${i.name} as ${i.binding}`} } from "${i.module}";` : `import * as ${i.binding} from "${i.module}";`);
  out.push("");
  out.push(
    ...comment([`Physical names (buckets, servers, roles) are those of Pulumi stack "${p.stack}": this program is for that stack only.`]),
    "const stack = pulumi.getStack();",
    `if (stack !== ${JSON.stringify(p.stack)}) {`,
    `  throw new pulumi.RunError(\`This program was ejected from Freehold for Pulumi stack "${p.stack}" and holds that stack's resource names; for stack \${stack}, eject again with --stack \${stack}.\`);`,
    "}",
    "",
  );
  out.push(...configCode(p));
  if (scram) out.push(...SCRAM_HELPER);
  if (hash) out.push(...SETTINGS_HASH_HELPER);
  for (const sh of p.shared) {
    out.push(...comment([`The ${sh.input} ${sh.count} resources below carry alike; each adds its own.`]), `const ${sh.variable} = ${render({ kind: "object", entries: sh.entries }, 0)};`, "");
  }
  const usesUrn = p.componentUrns.length > 0 || p.body.some((b) => b.kind === "resource" && b.value.options.some(([k, v]) => k === "aliases" && v.includes("urn(")));
  if (usesUrn) {
    out.push(
      ...comment([
        "Freehold registered every resource below as a child of one of its components, so each resource's URN carried the component's type.",
        "Each resource has an alias naming that URN: `pulumi up` moves it to the top level of this program instead of replacing it, and only the components themselves are deleted (they own nothing in the cloud).",
      ]),
      "const project = pulumi.getProject();",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal of the program being written
      "const urn = (type: string, name: string): string => `urn:pulumi:${stack}::${project}::${type}::${name}`;",
      ...p.componentUrns.map((c) => `const ${c.variable} = urn(${JSON.stringify(c.qualifiedType)}, ${JSON.stringify(c.name)});`),
      "",
    );
  }

  let group: string | undefined;
  for (const item of p.body) {
    if (item.kind === "resource" && item.value.group.title !== group) {
      group = item.value.group.title;
      out.push(`// ---- ${group} ${"-".repeat(Math.max(4, 100 - group.length))}`, ...comment(item.value.group.lines), "");
    }
    out.push(...(item.kind === "resource" ? resourceCode(item.value) : callCode(item.value)));
    const id = item.kind === "resource" ? item.value.plan.urn : item.value.id;
    for (const n of p.named.filter((x) => x.source === id)) out.push(`const ${n.variable} = ${render(n.expr, 0)};`);
    out.push("");
  }

  const outputs = outputsCode(p.outputs);
  if (outputs.length) out.push(`// ---- Stack outputs, as Freehold exported them ${"-".repeat(53)}`, "", ...outputs, "");
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}
