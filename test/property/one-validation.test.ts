/**
 * One validation for programs and stack files: every random invalid stack of
 * the generator (mutations.ts) is parsed as a file and built as a program
 * would build it (the same components constructed with the same arguments,
 * the stack settings given as a component's `stack` option), and the two must report the same
 * problems with the same text, paths aside (`components.web.scaling` in a file
 * is `scaling` of component "web" in a program).
 *
 * What a program cannot write is left out: a YAML syntax error, a component of
 * no known kind or not a mapping, a link by name (a program links the
 * component itself), a missing stack name (a program's defaults to the Pulumi
 * project) and a component name JavaScript reserves. A stack file is planned on all three clouds, a program
 * deploys to one (AWS here): a region outside the residency is the program's problem on AWS only.
 */
import * as pulumi from "@pulumi/pulumi";
import { Database, ObjectStore, registerBackend, WebService } from "@freehold/core";
import { CLOUDS, parseStack, SpecError } from "@freehold/model";
import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { parse } from "yaml";
import { fakeBackend } from "../../packages/core/src/fake-backend";
import { params, RUNS } from "./config";

/** Each stack builds its components for real under Pulumi's mocks (about 30 ms a stack): an eighth of the invalid suite's count. */
const COMPARED = Math.max(1, Math.ceil(RUNS / 8));
import { invalidStack } from "./mutations";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const KINDS = ["web-service", "database", "object-store"];

/** Problems as comparable lines: "path: message". */
const lines = (problems: ReadonlyArray<{ path: string; message: string }>, prefix = "") => problems.map((p) => `${[prefix, p.path].filter(Boolean).join(".")}: ${p.message}`);

/** What a program cannot write, so only a file can get wrong. */
function fileOnly(line: string, raw: Obj): boolean {
  const comps = isObj(raw.components) ? raw.components : {};
  const path = line.slice(0, line.indexOf(": "));
  const name = /^components\.([^.[]+)/.exec(path)?.[1];
  if (path === "" || path === "components" || /\.links(\[|\.|$)/.test(path)) return true;
  if (path === "name" && line.endsWith("is required (string)")) return true;
  if ((path === "region" || path.startsWith("regions.")) && /^[^:]+: (azure|gcp) region .* is outside the \w+ residency/.test(line)) return true;
  if (name !== undefined) {
    const comp = comps[name];
    if (!isObj(comp) || !KINDS.includes(comp.kind as string) || Object.hasOwn(Object.prototype, name)) return true;
  }
  return false;
}

/** A SpecError's problems as lines, prefixed with the component's path in a stack file when it is about a component. */
function caught(build: () => unknown, name?: string): string[] {
  try {
    build();
    return [];
  } catch (e) {
    if (!(e instanceof SpecError)) throw new Error(`${name ?? "stack settings"}: a program got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    return lines(e.problems, name && e.source === `component "${name}"` ? `components.${name}` : "");
  }
}

/**
 * Build the stack as a program would: data components first, then services linked to them, each with valid
 * stack settings; and the stack settings on their own, as the `stack` option of a component that is valid.
 * Every SpecError's problems, as lines.
 */
function programProblems(raw: Obj, unlinked: Set<string>): string[] {
  const { components, ...settings } = raw;
  const built = new Map<string, Database | ObjectStore>();
  const opts = { cloud: "aws" as const, stack: { name: "probe" } };
  const entries = Object.entries(isObj(components) ? components : {}).filter(([n, c]) => isObj(c) && KINDS.includes(c.kind as string) && !Object.hasOwn(Object.prototype, n)) as Array<[string, Obj]>;
  entries.sort(([, a], [, b]) => Number(a.kind === "web-service") - Number(b.kind === "web-service"));
  const out = caught(() => new ObjectStore("probe", {}, { cloud: "aws", stack: settings as never }));
  for (const [name, comp] of entries) {
    const { kind, ...args } = comp;
    const link = (l: unknown) => (typeof l === "string" ? built.get(l) : isObj(l) && typeof l.to === "string" ? (built.has(l.to) ? { ...l, to: built.get(l.to) } : undefined) : l);
    const links = Array.isArray(args.links) ? args.links.map(link).filter((l) => l !== undefined) : args.links;
    // A program cannot link a component it failed to build: what that link would have clashed with is not comparable.
    if (Array.isArray(args.links) && Array.isArray(links) && links.length < args.links.length) unlinked.add(name);
    out.push(
      ...caught(() => {
        if (kind === "database") built.set(name, new Database(name, args as never, opts));
        else if (kind === "object-store") built.set(name, new ObjectStore(name, args as never, opts));
        else new WebService(name, { ...args, links } as never, opts);
      }, name),
    );
  }
  return out;
}

describe("a component in a program and the same component in a stack file get the same validation", () => {
  let seen = 0;
  let compared = 0;
  const traces = Error.stackTraceLimit;
  beforeAll(async () => {
    // As `freehold plan` does: the Pulumi SDK formats a stack trace for every resource, which is most of a registration's time.
    Error.stackTraceLimit = 0;
    for (const cloud of CLOUDS) registerBackend(fakeBackend(cloud));
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) }, "one-validation", "dev", false);
  });
  afterAll(() => {
    Error.stackTraceLimit = traces;
    console.log(`[property] one validation: ${compared} of ${seen} invalid stacks compared (the others' mistakes cannot be written in a program)`);
  });

  it(`${COMPARED} mutated stacks: the same problems, the same text`, async () => {
    await fc.assert(
      fc.asyncProperty(invalidStack(), async (m) => {
        // Let the registrations of the stack before reach the mocks: thousands queued make each new one slower.
        await new Promise((resolve) => setImmediate(resolve));
        seen++;
        let raw: unknown;
        try {
          raw = parse(m.yaml, { uniqueKeys: true });
        } catch {
          return;
        }
        if (!isObj(raw)) return;
        let file: string[] = [];
        try {
          parseStack(m.yaml);
        } catch (e) {
          if (!(e instanceof SpecError)) throw e;
          file = lines(e.problems);
        }
        const unlinked = new Set<string>();
        const program = programProblems(raw, unlinked);
        const comparable = (l: string) => !fileOnly(l, raw as Obj) && ![...unlinked].some((n) => l.startsWith(`components.${n}.env.`) && l.endsWith("is set by a link; remove it from env or rename it"));
        const inFile = file.filter(comparable);
        const inProgram = program.filter(comparable);
        if (inFile.length || inProgram.length) compared++;
        const a = [...new Set(inFile)].sort();
        const b = [...new Set(inProgram)].sort();
        if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${m.what}\n  stack file: ${JSON.stringify(a)}\n  program:    ${JSON.stringify(b)}`);
      }),
      params("one-validation", COMPARED),
    );
  }, 120_000);
});
