import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEPLOYER_ROLES, MODULE_APIS, rolesFor } from "./deployer";
import { APIS } from "./network";

const SRC = __dirname;
const DOCS = readFileSync(join(SRC, "../../../docs/gcp.md"), "utf8");

/** Every `new <module>.<Class>(` of a Google provider module in the backend's source: what it can register. */
function registered(): string[] {
  const found = new Set<string>();
  for (const file of readdirSync(SRC).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
    const text = readFileSync(join(SRC, file), "utf8");
    const modules = new Set([...text.matchAll(/import \* as (\w+) from "@pulumi\/gcp\/(\w+)"/g)].map((m) => m[1]));
    for (const m of text.matchAll(/new (\w+)\.([A-Z]\w*)\(/g)) if (modules.has(m[1] as string)) found.add(`${m[1]}.${m[2]}`);
  }
  return [...found].sort();
}

describe("what the deploying identity needs", () => {
  it("finds the resources the backend registers, a scheduled job's Cloud Scheduler job among them", () => {
    expect(registered()).toEqual(expect.arrayContaining(["cloudscheduler.Job", "cloudrunv2.WorkerPool", "sql.DatabaseInstance", "projects.Service"]));
  });

  it("grants a role for every resource type the backend can register", () => {
    expect(registered().filter((r) => !rolesFor(r))).toEqual([]);
    expect(rolesFor("cloudscheduler.Job")?.roles).toEqual(["roles/cloudscheduler.admin"]);
  });

  it("enables, and documents, the API of every resource type the backend can register", () => {
    const modules = [...new Set(registered().map((r) => r.split(".")[0] as string))];
    expect(modules.filter((m) => !(m in MODULE_APIS))).toEqual([]);
    const apis = modules.map((m) => MODULE_APIS[m]).filter((a): a is keyof typeof APIS => a !== undefined);
    expect(apis.filter((a) => !(a in APIS))).toEqual([]);
    const listed = DOCS.slice(DOCS.indexOf("Freehold enables every other API it uses"), DOCS.indexOf("**What the deploying identity needs**"));
    expect(apis.filter((a) => !listed.includes(`\`${a}\``))).toEqual([]);
  });

  it("lists every role in docs/gcp.md's table", () => {
    const table = DOCS.slice(DOCS.indexOf("**What the deploying identity needs**"), DOCS.indexOf("### Organization policies"));
    const rows = table.split("\n").filter((l) => l.startsWith("| `roles/"));
    expect(rows.flatMap((r) => [...(r.split("|")[1] ?? "").matchAll(/`(roles\/[\w.]+)`/g)].map((m) => m[1])).sort()).toEqual(DEPLOYER_ROLES.flatMap((r) => r.roles).sort());
  });
});
