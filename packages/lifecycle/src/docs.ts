/**
 * docs/lifecycle.md, generated: every rule of every simulated cloud with its
 * source, and every scenario with its outcome per cloud. `npm run docs`
 * writes it; the lifecycle tests fail when it no longer matches what they see.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLOUDS, type Cloud, parseStack } from "@freehold/model";
import { type CloudRules, PLAN_RULES, RULES, type TypeRule } from "@freehold/rules";
import { KNOWN_FAILURES, knownFailure } from "./known";
import { scenariosFor } from "./scenarios";
import { CONFORMANCE_STACKS } from "./stacks";
import { outcomeCell, runStack, type StackResult } from "./suite";

export const DOC_PATH = join(__dirname, "..", "..", "..", "docs", "lifecycle.md");

const NAMES: Record<Cloud, string> = { aws: "AWS", azure: "Azure", gcp: "Google Cloud" };

/** What a cell of the outcomes table says for one scenario of one stack on one cloud. */
export function cell(cloud: Cloud, stack: string, result: StackResult, id: string): string {
  const failedFirst = new Set(result.first.outcome === "ok" ? [] : [stack]);
  const known = knownFailure(cloud, stack, id, failedFirst);
  const s = result.scenarios.find((x) => x.id === id);
  if (!s) return "—";
  if (s.problem) return known ? "fails (known)" : "FAILS";
  return outcomeCell(s.records);
}

/** When a rule is checked (the legend is in the page): at plan time, against a previous plan, or by the cloud over time. */
const PLAN = "**plan**";
const PREVIOUS = "**previous**";

function ruleLines(type: string, r: TypeRule): string[] {
  const out: string[] = [];
  if (r.identity) {
    const scope = typeof r.identity.scope === "string" ? r.identity.scope : typeof r.identity.scope === "function" ? "computed" : `within its \`${r.identity.scope.within}\``;
    out.push(`${PLAN} name \`${r.identity.field}\` unique ${scope === "global" ? "across the cloud" : scope === "account" ? "in the account/subscription/project" : scope === "region" ? "per region" : scope}${r.identity.caseInsensitive ? " (case-insensitive)" : ""}${r.identity.renamedInPlace ? "; a new name renames it in place" : ""} ([source](${r.identity.source}))`);
  }
  for (const c of r.checks ?? []) out.push(`${PLAN} \`${c.path}\` checked ([source](${c.source}))`);
  if (r.replaceOn?.length) out.push(`${PREVIOUS} replaced when ${r.replaceOn.map((x) => `\`${x.path}\` ([source](${x.source}))`).join(", ")} changes`);
  for (const im of r.immutable ?? []) out.push(`${PREVIOUS} \`${im.path}\` cannot change: ${im.error} ([source](${im.source}))`);
  for (const u of r.inUseBy ?? []) out.push(`not deletable while a \`${u.by.split(":").pop()}\`${u.field ? ` uses it through \`${u.field}\`` : " uses it"}: ${u.error} ([source](${u.source}))`);
  if (r.deletionProtection) out.push(`${PREVIOUS} deletion refused while \`${r.deletionProtection.path}\` is true: ${r.deletionProtection.error} ([source](${r.deletionProtection.source}))`);
  if (r.softDelete) out.push(`soft-deleted for ${r.softDelete.days} days, the name taken meanwhile ([source](${r.softDelete.source}))`);
  if (r.contains) out.push("deleting it deletes everything in it, retained or not");
  if (r.readsThroughGrants) out.push(`reads through its identity's grants when it starts ([source](${r.readsThroughGrants.source}))`);
  for (const n of r.notes ?? []) out.push(n);
  if (!out.length) out.push(`([source](${r.source}))`);
  return out.map((l, i) => (i === 0 ? `| \`${type}\` | ${r.title} | ${l} |` : `| | | ${l} |`));
}

/** One cloud's rule book as the page shows it (rules, notes and sources); a test holds the committed page to it. */
export function rulesSection(rules: CloudRules): string[] {
  return [
    `### ${NAMES[rules.cloud]}`,
    "",
    ...rules.global.map((g) => `- ${g.check ? `${PLAN} ` : ""}${g.title} ([source](${g.source}))`),
    ...(rules.propagation ? [`- a grant (${rules.propagation.grants.map((g) => `\`${g.split(":").pop()}\``).join(", ")}) can take up to ${rules.propagation.seconds} s to take effect ([source](${rules.propagation.source}))`] : []),
    "",
    "| Type | What | Rule |",
    "| --- | --- | --- |",
    ...Object.entries(rules.types).flatMap(([t, r]) => ruleLines(t, r)),
    "",
  ];
}

/** The whole page, from results on every cloud. */
export function render(results: Record<Cloud, StackResult[]>): string {
  const rows: string[] = [];
  for (const [title, text] of Object.entries(CONFORMANCE_STACKS)) {
    const base = parseStack(text);
    rows.push(`| **${title}** | first \`up\` | ok | ${CLOUDS.map((c) => results[c].find((r) => r.stack === base.name)?.first.outcome ?? "—").join(" | ")} |`);
    for (const s of scenariosFor(base)) {
      rows.push(`| | ${s.title} | ${s.expect} | ${CLOUDS.map((c) => cell(c, title, results[c].find((r) => r.stack === base.name) as StackResult, s.id)).join(" | ")} |`);
    }
  }
  const known = CLOUDS.flatMap((c) => KNOWN_FAILURES[c].map((k) => `| ${NAMES[c]} | ${k.stack === "*" ? "every stack" : k.stack} | ${k.scenario === "*" ? "every scenario" : `\`${k.scenario}\``} | ${k.why} |`));
  return `${[
    "# The life of a stack",
    "",
    "<!-- Generated by `npm run docs` (packages/lifecycle/src/docs.ts); the lifecycle tests fail when it is stale. -->",
    "",
    "A plan that looks right proves nothing about a cloud over time. `@freehold/lifecycle` is a simulated cloud:",
    "it applies the resources of a plan the way the Pulumi engine does (a preview that refuses to delete or",
    "replace a protected resource before anything changes; creates, updates in place and replacements;",
    "deletes last, dependents first, honouring `retainOnDelete`; state carried from one run to the next), and every",
    "operation goes through the cloud's own rules, written from its documentation (below, each with its source).",
    "",
    "A replacement creates the new resource first unless the engine deletes first: when the program says",
    "`deleteBeforeReplace: true`; when the provider asks and the program does not say `false`, which the",
    "Google Cloud and AWS providers do for every resource whose name the program sets, even under a new name,",
    "because they are bridged from Terraform ([pulumi-terraform-bridge](https://github.com/pulumi/pulumi-terraform-bridge/blob/master/pkg/tfbridge/schema.go),",
    "`nameRequiresDeleteBeforeReplace`); or, under Azure's provider (not bridged), when the new resource would",
    "take the old one's name. Under a bridged provider nothing else looks ahead: a replacement that keeps an id",
    "which is not auto-named is created first and the cloud refuses it (\"already exists\", as Google's and AWS's",
    "APIs answer), and a region change replaces a resource that names its region itself only where the",
    "provider's schema marks the region ForceNew (or the program lists it in `replaceOnChanges`); otherwise it",
    "is an update sent to the new region, which fails there (404). Before it",
    "deletes first, it deletes the resources whose recorded inputs from the replaced one would force their own",
    "replacement, and only those: a resource that an update would point elsewhere still uses the old one when",
    "the cloud is asked to delete it ([Pulumi's step generator](https://github.com/pulumi/pulumi/blob/master/pkg/resource/deploy/step_generator.go),",
    "`calculateDependentReplacements`), and creates each of them again when it registers, whatever its inputs.",
    "An input that comes from a resource created or replaced in the run is a new value, unless the rule book",
    "says every output of that resource is made from inputs the replacement kept (an Artifact Registry",
    "repository's id and URI): Pulumi compares resolved inputs in an `up`, so nothing changes downstream then.",
    "A registration whose `aliases` name a resource of the previous state continues it, as the engine adopts it.",
    "",
    "Every conformance stack runs every scenario on every cloud in `npm test`",
    "(packages/lifecycle/src/lifecycle-*.test.ts). A scenario expecting **ok** must apply every step; one",
    "expecting **safe** may have a step refused before anything changes (a protected database or bucket, a",
    "cloud that cannot do what the spec explicitly asks) but must never fail part-way. `npm run e2e` runs the",
    "same scenarios against a real account (docs/e2e.md).",
    "",
    "## What holds",
    "",
    "- Physical names carry the Freehold stack name and the Pulumi stack (`freehold plan --stack prod`), so dev",
    "  and prod of one project live side by side in one account, subscription or project.",
    "- With `deletionProtection` on (the default), data resources are Pulumi-protected as well as protected by",
    "  the cloud: `pulumi destroy`, a removal, a replacement or a `freehold:cloud` switch stops at the preview,",
    "  before anything is deleted, naming the resource. Set `deletionProtection: false` and `up` first: that",
    "  lifts Pulumi's protection and the cloud's together, and the removal then succeeds.",
    "- The first `up` never relies on how fast a permission takes effect.",
    "",
    "## Scenarios and outcomes",
    "",
    "Outcomes are per step: `ok` applied; `refused` stopped before any change; `fails (known)` fails today, for the reason under *Known failures*.",
    "",
    "| Stack | Scenario | Expect | AWS | Azure | Google Cloud |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    "## Known failures",
    "",
    ...(known.length ? ["| Cloud | Stack | Scenario | Why |", "| --- | --- | --- | --- |", ...known] : ["None."]),
    "",
    "## The rules",
    "",
    "This is the single list of the rules Freehold knows, from `@freehold/rules`. They are checked at three times:",
    "",
    `- ${PLAN}: on every plan, before anything is deployed (\`freehold plan\`, \`check\`, \`compare\`, the components when`,
    "  Pulumi runs a program, and the policy pack on any Pulumi program, docs/policy.md): a value the cloud refuses, a",
    "  name two resources of the stack claim, what the cloud checks when it creates a resource against the rest of the",
    "  plan, and the rules for every resource below. A plan that breaks one is refused with the rule and its source.",
    `- ${PREVIOUS}: \`freehold plan --previous old.json\` compares two plans of a stack: what \`up\` would replace, and`,
    "  what it would refuse (immutable inputs, limits on updates, deleting what is protected).",
    "- the rest (names taken by other stacks or left behind, soft delete, what cannot be deleted while in use, grants that",
    "  take time to apply, quotas an account already uses) depends on what the cloud holds and on time: the simulated",
    "  cloud above checks them over a stack's whole life.",
    "",
    ...ruleBookLines(),
  ].join("\n")}`;
}

/** The page's last part, made from the rule book alone (no stack is run): the whole-plan rules, then each cloud's. */
function ruleBookLines(): string[] {
  return [
    RULE_BOOK_START,
    "",
    ...Object.values(PLAN_RULES).map((r) => `- ${PLAN} ${r.title} ([source](${r.source}))`),
    "",
    ...CLOUDS.flatMap((c) => rulesSection(RULES[c])),
  ];
}

const RULE_BOOK_START = "For a whole plan:";

/** Rewrite only the rule-book part of the committed page (seconds, not the minutes every stack on every cloud takes). */
export function writeRuleBook(): void {
  const page = readFileSync(DOC_PATH, "utf8");
  const at = page.indexOf(`\n${RULE_BOOK_START}\n`);
  if (at < 0) throw new Error(`${DOC_PATH} has no "${RULE_BOOK_START}" line: run the whole generator`);
  writeFileSync(DOC_PATH, `${page.slice(0, at + 1)}${ruleBookLines().join("\n")}`);
}

/** Run every stack on every cloud and write the page. */
export async function writeDocs(): Promise<void> {
  const results = {} as Record<Cloud, StackResult[]>;
  for (const cloud of CLOUDS) {
    results[cloud] = [];
    for (const text of Object.values(CONFORMANCE_STACKS)) results[cloud].push(await runStack(text, cloud));
  }
  writeFileSync(DOC_PATH, render(results));
}

if (require.main === module) {
  (process.argv.includes("--rules-only") ? Promise.resolve(writeRuleBook()) : writeDocs()).then(
    () => process.stdout.write(`wrote ${DOC_PATH}\n`),
    (e) => {
      process.stderr.write(`${(e as Error).stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
