import type { PlannedResource } from "@freehold/core";
import type { Cloud } from "@freehold/model";
import { type CloudRules, COMPANIONS } from "@freehold/rules";
import { describe, expect, it } from "vitest";
import { type PlanInput, SLEEP, World } from "./engine";

/** A small rule book for the engine's own tests ("aws" stands for any cloud). */
const TEST_RULES: CloudRules = {
  cloud: "aws",
  packages: ["aws"],
  companions: COMPANIONS,
  propagation: { grants: ["aws:test/grant:Grant"], identities: ["aws:test/identity:Identity"], seconds: 300, source: "test" },
  globalTypes: [],
  global: [],
  types: {
    "aws:test/group:Group": {
      title: "group",
      source: "test",
      identity: { field: "name", scope: "account", source: "test" },
      contains: (other, self) => (other.references.group ?? []).includes(self.key),
    },
    "aws:test/vault:Vault": { title: "vault", source: "test", identity: { field: "name", scope: "global", source: "test" }, softDelete: { days: 90, source: "test" } },
    "aws:test/net:Net": { title: "net", source: "test", inUseBy: [{ by: "aws:test/db:Db", field: "net", error: "InUse: the net has a database", source: "test" }] },
    "aws:test/db:Db": {
      title: "database",
      source: "test",
      identity: { field: "name", scope: { within: "net" }, source: "test" },
      replaceOn: [{ path: "engine", source: "test" }],
      deletionProtection: { path: "deletionProtection", error: "Protected: turn deletion protection off first", source: "test" },
      afterUpdate: (next, previous) => {
        if (next.inputs.applyNow !== true) next.inputs = { ...next.inputs, size: previous.inputs.size };
      },
    },
    "aws:test/identity:Identity": { title: "identity", source: "test" },
    "aws:test/grant:Grant": { title: "grant", source: "test" },
    "aws:test/reader:Reader": { title: "reader", source: "test", readsThroughGrants: { source: "test" } },
  },
};
TEST_RULES.invokes = { "aws:test/getAccount:getAccount": (ctx) => (ctx.objects().some((o) => o.type === "aws:test/group:Group" && o.name === "locked") ? "AccessDenied: the account is locked" : undefined) };
TEST_RULES.types["aws:test/holder:Holder"] = {
  title: "holder",
  source: "test",
  beforeDelete: (obj, ctx) => ((obj.facts.heldUntil as number | undefined) ?? 0) > ctx.now ? "InUse: still held" : undefined,
};
TEST_RULES.types["aws:test/user:User"] = { title: "user", source: "test", afterDelete: (obj, ctx) => {
  for (const k of obj.references.holder ?? []) {
    const h = ctx.get(k);
    if (h) h.facts.heldUntil = ctx.now + 3600;
  }
} };
const RULES = { aws: TEST_RULES, azure: { ...TEST_RULES, cloud: "azure", packages: ["azure-test"] }, gcp: { ...TEST_RULES, cloud: "gcp", packages: ["gcp-test"] } } as Record<Cloud, CloudRules>;

const STACK = "urn:pulumi:dev::p::";
const urn = (type: string, name: string) => `${STACK}${type}::${name}`;

/** A registration; dependencies are given by the other resources' names and resolved by `plan`. */
function res(
  type: string,
  name: string,
  inputs: Record<string, unknown> = {},
  extra: { deps?: Record<string, string[]>; dependsOn?: string[]; protect?: boolean; retain?: boolean; deleteBeforeReplace?: boolean } = {},
): PlannedResource & { refs: typeof extra } {
  return {
    urn: urn(type, name),
    type,
    name,
    parent: `${STACK}pulumi:pulumi:Stack::p-dev`,
    custom: true,
    inputs,
    options: { protect: extra.protect ?? false, retainOnDelete: extra.retain ?? false, dependsOn: [], ...(extra.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: extra.deleteBeforeReplace } : {}) },
    dependencies: [],
    propertyDependencies: {},
    refs: extra,
  };
}

function plan(...resources: Array<ReturnType<typeof res>>): PlanInput {
  const byName = new Map(resources.map((r) => [r.name, r.urn]));
  const urnOf = (n: string) => byName.get(n) ?? `${STACK}unknown::${n}`;
  return {
    cloud: "aws",
    region: "eu-west-2",
    resources: resources.map(({ refs, ...r }) => {
      const propertyDependencies = Object.fromEntries(Object.entries(refs.deps ?? {}).map(([k, names]) => [k, names.map(urnOf)]));
      const dependsOn = (refs.dependsOn ?? []).map(urnOf);
      return { ...r, options: { ...r.options, dependsOn }, propertyDependencies, dependencies: [...new Set([...Object.values(propertyDependencies).flat(), ...dependsOn])].sort() };
    }),
  };
}

const NET = "aws:test/net:Net";
const DB = "aws:test/db:Db";

describe("the simulated engine", () => {
  it("creates in order, and an up with the same plan changes nothing", () => {
    const w = new World(RULES);
    const p = plan(res(NET, "net"), res(DB, "db", { name: "db1", net: "net-id" }, { deps: { net: ["net"] } }));
    expect(w.up("s", p)).toMatchObject({ status: "ok", changes: 2 });
    expect(w.up("s", p)).toMatchObject({ status: "ok", changes: 0 });
  });

  it("updates in place, and replaces when a replace-on property changes: create-before-delete with a new name, delete-before-replace with the same", () => {
    const w = new World(RULES);
    const net = res(NET, "net");
    w.up("s", plan(net, res(DB, "db", { name: "db1", net: "n", engine: "pg16" }, { deps: { net: ["net"] } })));
    const updated = w.up("s", plan(net, res(DB, "db", { name: "db1", net: "n", engine: "pg16", tier: "big" }, { deps: { net: ["net"] } })));
    expect(updated.steps.find((s) => s.name === "db")).toMatchObject({ op: "update", changed: ["tier"] });
    const renamed = w.up("s", plan(net, res(DB, "db", { name: "db2", net: "n", engine: "pg17" }, { deps: { net: ["net"] } })));
    expect(renamed.steps.find((s) => s.name === "db")).toMatchObject({ op: "replace", mode: "create-before-delete" });
    const same = w.up("s", plan(net, res(DB, "db", { name: "db2", net: "n", engine: "pg18" }, { deps: { net: ["net"] } })));
    expect(same.steps.filter((s) => s.name === "db").map((s) => s.op)).toEqual(["delete", "replace"]);
    expect(same.steps.find((s) => s.op === "replace")?.mode).toBe("delete-before-replace");
    expect([...w.objects.values()].filter((o) => o.type === DB)).toHaveLength(1);
  });

  it("refuses, before changing anything, to delete or replace a protected resource", () => {
    const w = new World(RULES);
    const net = res(NET, "net");
    w.up("s", plan(net, res(DB, "db", { name: "db1", engine: "pg16", net: "n" }, { deps: { net: ["net"] }, protect: true })));
    const before = w.objects.size;
    const destroy = w.destroy("s", "aws");
    expect(destroy.status).toBe("refused");
    expect(destroy.error).toContain('unable to delete resource "urn:pulumi:dev::p::aws:test/db:Db::db"\nas it is currently marked for protection');
    expect(w.objects.size).toBe(before);
    const replace = w.up("s", plan(net, res(DB, "db", { name: "db1", engine: "pg17", net: "n" }, { deps: { net: ["net"] }, protect: true })));
    expect(replace).toMatchObject({ status: "refused", changes: 0 });
    expect(replace.error).toContain("unable to replace resource");
  });

  it("leaves a retained resource in the cloud, where it keeps its name and what it uses: a destroy fails half-way on what it still uses", () => {
    const w = new World(RULES);
    const p = plan(res(NET, "net"), res(DB, "db", { name: "db1", net: "n" }, { deps: { net: ["net"] }, retain: true }));
    w.up("s", p);
    const destroy = w.destroy("s", "aws");
    expect(destroy.status).toBe("failed");
    expect(destroy.error).toContain("InUse: the net has a database");
    expect(destroy.steps.map((s) => `${s.op} ${s.name}`)).toEqual(["retain db"]);
  });

  it("keeps a soft-deleted name until its retention ends", () => {
    const w = new World(RULES);
    const vault = plan(res("aws:test/vault:Vault", "kv", { name: "kv-1" }));
    w.up("s", vault);
    expect(w.destroy("s", "aws").status).toBe("ok");
    const again = w.up("s", vault);
    expect(again.status).toBe("failed");
    expect(again.error).toMatch(/vault "kv-1" already exists: a deleted vault of that name is kept \(soft delete\) until day 90/);
    w.advance(91 * 86400);
    expect(w.up("s", vault).status).toBe("ok");
  });

  it("deletes what a container holds, retained or not", () => {
    const w = new World(RULES);
    w.up("s", plan(res("aws:test/group:Group", "rg", { name: "rg" }), res("aws:test/vault:Vault", "kv", { name: "kv-2", group: "rg" }, { deps: { group: ["rg"] }, retain: true })));
    expect(w.destroy("s", "aws").status).toBe("ok");
    expect([...w.objects.values()].map((o) => `${o.type} ${o.status}`)).toEqual(["aws:test/vault:Vault soft-deleted"]);
  });

  it("fails a reader created before its grant has taken effect, and passes one that waits for it", () => {
    const identity = res("aws:test/identity:Identity", "id");
    const grant = res("aws:test/grant:Grant", "grant", { principal: "p" }, { deps: { principal: ["id"] } });
    const eager = res("aws:test/reader:Reader", "app", { identity: "p" }, { deps: { identity: ["id"] }, dependsOn: ["grant"] });
    const failed = new World(RULES).up("s", plan(identity, grant, eager));
    expect(failed.status).toBe("failed");
    expect(failed.error).toContain("a grant can take up to 300 s to take effect");
    const wait = res(SLEEP, "wait", { createDuration: "5m" }, { dependsOn: ["grant"] });
    const patient = res("aws:test/reader:Reader", "app", { identity: "p" }, { deps: { identity: ["id"] }, dependsOn: ["wait"] });
    expect(new World(RULES).up("s", plan(identity, grant, wait, patient)).status).toBe("ok");
  });

  it("keeps in state what the cloud did not apply, so the next preview shows the difference again", () => {
    const w = new World(RULES);
    const net = res(NET, "net");
    w.up("s", plan(net, res(DB, "db", { name: "db", net: "n", size: 1 }, { deps: { net: ["net"] } })));
    const bigger = plan(net, res(DB, "db", { name: "db", net: "n", size: 2 }, { deps: { net: ["net"] } }));
    expect(w.up("s", bigger).changes).toBe(1);
    expect(w.up("s", bigger).changes).toBe(1);
    const now = plan(net, res(DB, "db", { name: "db", net: "n", size: 2, applyNow: true }, { deps: { net: ["net"] } }));
    w.up("s", now);
    expect(w.up("s", now).changes).toBe(0);
  });

  it("gives a name built from a random value a new identity each time the random is created, so a soft-deleted name is not hit again", () => {
    const w = new World(RULES);
    const suffix = res("random:index/randomString:RandomString", "suffix", { length: 6 });
    const vault = res("aws:test/vault:Vault", "kv", { name: "kv-abc123" }, { deps: { name: ["suffix"] } });
    expect(w.up("s", plan(suffix, vault)).status).toBe("ok");
    // Same stack, no change: the same random, so the same name.
    expect(w.up("s", plan(suffix, vault)).changes).toBe(0);
    expect(w.destroy("s", "aws").status).toBe("ok");
    // The offline plan shows the same value, but a new random gives a new name: no clash with the soft-deleted vault.
    expect(w.up("s", plan(suffix, vault)).status).toBe("ok");
    // A fixed name does clash.
    const fixed = plan(res("aws:test/vault:Vault", "kv", { name: "kv-fixed" }));
    w.up("t", fixed);
    w.destroy("t", "aws");
    expect(w.up("t", fixed).status).toBe("failed");
  });

  it("deletes the old object of a replacement before a removed resource it used, as the engine orders deletes", () => {
    const rules = { ...RULES, aws: { ...TEST_RULES, types: { ...TEST_RULES.types, "aws:test/role:Role": { title: "role", source: "test", inUseBy: [{ by: "aws:test/grant:Grant", field: "role", error: "RoleInUse", source: "test" }] } } } };
    const w = new World(rules as typeof RULES);
    const role = res("aws:test/role:Role", "role");
    w.up("s", plan(role, res("aws:test/grant:Grant", "grant", { role: "custom", name: "g1" }, { deps: { role: ["role"] } })));
    // The grant now uses a built-in role (a replacement: new grant first), and the custom role goes.
    const grant = res("aws:test/grant:Grant", "grant", { role: "builtin", name: "g2" });
    grant.options = { ...grant.options, replaceOnChanges: ["role"] };
    const r = w.up("s", plan(grant));
    expect(r.error).toBeUndefined();
    expect([...w.objects.values()].map((o) => `${o.type} ${o.inputs.role ?? ""}`)).toEqual(["aws:test/grant:Grant builtin"]);
  });

  it("sends the old value of an ignored property when it updates a resource (ignoreChanges)", () => {
    const w = new World(RULES);
    const net = res(NET, "net");
    w.up("s", plan(net, res(DB, "db", { name: "db", net: "n", disk: { size: 32 }, applyNow: true }, { deps: { net: ["net"] } })));
    const next = res(DB, "db", { name: "db", net: "n", disk: { size: 16 }, tier: "big", applyNow: true }, { deps: { net: ["net"] } });
    next.options = { ...next.options, ignoreChanges: ["disk.size"] };
    const r = w.up("s", plan(net, next));
    expect(r.steps.find((s) => s.name === "db")).toMatchObject({ op: "update", changed: ["tier"] });
    expect([...w.objects.values()].find((o) => o.type === DB)?.inputs).toMatchObject({ disk: { size: 32 }, tier: "big" });
  });

  it("sees new values in what depends on a replaced resource, and collides on names across stacks only within their scope", () => {
    const w = new World(RULES);
    w.up("a", plan(res(NET, "net", { cidr: "1" }), res(DB, "db", { name: "same", net: "n" }, { deps: { net: ["net"] } })));
    // Another stack: its own net, so the same database name is in another scope.
    expect(w.up("b", plan(res(NET, "net", { cidr: "1" }), res(DB, "db", { name: "same", net: "n" }, { deps: { net: ["net"] } }))).status).toBe("ok");
    // Names in account scope collide.
    w.up("a", plan(res("aws:test/group:Group", "g", { name: "g1" })));
    const clash = w.up("b", plan(res("aws:test/group:Group", "g", { name: "g1" })));
    expect(clash.status).toBe("failed");
    expect(clash.error).toContain('group "g1" already exists: it belongs to stack a (g)');
  });

  it("holds up everything deleted after a wait on destroy (time:Sleep destroyDuration)", () => {
    const holder = res("aws:test/holder:Holder", "h");
    const user = res("aws:test/user:User", "u", { holder: "h" }, { deps: { holder: ["h"] } });
    // Without the wait, the holder is deleted while the user's hold lasts.
    const eager = new World(RULES);
    eager.up("s", plan(holder, user));
    expect(eager.destroy("s", "aws")).toMatchObject({ status: "failed" });
    // With a wait between them (the user waits for the sleep, the sleep for the holder), the holder goes an hour later.
    const patient = new World(RULES);
    const wait = res(SLEEP, "wait", { destroyDuration: "1h" }, { dependsOn: ["h"] });
    const waiting = res("aws:test/user:User", "u", { holder: "h" }, { deps: { holder: ["h"] }, dependsOn: ["wait"] });
    patient.up("s", plan(holder, wait, waiting));
    const started = patient.now;
    const destroy = patient.destroy("s", "aws");
    expect(destroy.status).toBe("ok");
    expect(destroy.steps.map((x) => `${x.op} ${x.name}`)).toEqual(["delete u", "delete wait", "delete h"]);
    expect(patient.now - started).toBe(3600);
  });

  it("gives a name made from a random value a new identity each time the value is generated again", () => {
    const w = new World(RULES);
    const suffix = res("random:index/randomString:RandomString", "suffix", { length: 4 });
    const vault = res("aws:test/vault:Vault", "kv", { name: "kv-abcd" }, { deps: { name: ["suffix"] } });
    w.up("s", plan(suffix, vault));
    expect(w.destroy("s", "aws").status).toBe("ok");
    // The plan shows the same text (mocks are deterministic), but the suffix is a new random value: no clash with the soft-deleted vault.
    expect(w.up("s", plan(suffix, vault)).status).toBe("ok");
    // A fixed name clashes as before.
    const fixed = new World(RULES);
    fixed.up("s", plan(res("aws:test/vault:Vault", "kv", { name: "kv-fixed" })));
    fixed.destroy("s", "aws");
    expect(fixed.up("s", plan(res("aws:test/vault:Vault", "kv", { name: "kv-fixed" }))).status).toBe("failed");
  });

  it("stops the run before anything changes when an invoke fails, as the preview would", () => {
    const w = new World(RULES);
    w.up("other", plan(res("aws:test/group:Group", "g", { name: "locked" })));
    const before = w.objects.size;
    const run = w.up("s", { ...plan(res(NET, "net")), invokes: ["aws:test/getAccount:getAccount"] });
    expect(run).toMatchObject({ status: "refused", changes: 0 });
    expect(run.error).toBe("error: aws:test/getAccount:getAccount: AccessDenied: the account is locked");
    expect(w.objects.size).toBe(before);
    expect(new World(RULES).up("s", { ...plan(res(NET, "net")), invokes: ["aws:test/getAccount:getAccount"] }).status).toBe("ok");
  });
});

/**
 * A provider bridged from Terraform: a certificate used by a map entry (in an updatable field) and by a binding (in a field
 * that forces the binding's replacement), as Certificate Manager's are.
 */
const CERT = "aws:test/cert:Cert";
const ENTRY = "aws:test/entry:Entry";
const BINDING = "aws:test/binding:Binding";
const BRIDGED: CloudRules = {
  ...TEST_RULES,
  bridge: { autoNamed: {}, source: "test" },
  types: {
    ...TEST_RULES.types,
    [CERT]: {
      title: "certificate",
      source: "test",
      identity: { field: "name", scope: "account", source: "test" },
      replaceOn: [{ path: "name", source: "test" }],
      inUseBy: [{ by: ENTRY, field: "certs", error: "InUse: the certificate is referenced by a map entry", source: "test" }],
    },
    [ENTRY]: { title: "map entry", source: "test", identity: { field: "name", scope: "account", source: "test" }, replaceOn: [{ path: "name", source: "test" }, { path: "hostname", source: "test" }] },
    [BINDING]: { title: "binding", source: "test", replaceOn: [{ path: "cert", source: "test" }] },
  },
};
const BRIDGED_RULES = { ...RULES, aws: BRIDGED } as Record<Cloud, CloudRules>;

describe("replacements under a provider bridged from Terraform", () => {
  const cert = (name: string, o: { deleteBeforeReplace?: boolean } = {}) => res(CERT, "cert", { name }, o);
  const entry = (name: string, hostname: string, o: { deleteBeforeReplace?: boolean } = {}) => res(ENTRY, "entry", { name, hostname, certs: ["c"] }, { deps: { certs: ["cert"] }, ...o });

  it("deletes a resource whose name the program set before creating its replacement, even under a new name; an explicit deleteBeforeReplace: false creates first", () => {
    const w = new World(BRIDGED_RULES);
    w.up("s", plan(cert("c1")));
    expect(w.up("s", plan(cert("c2"))).steps.find((s) => s.op === "replace")?.mode).toBe("delete-before-replace");
    expect(w.up("s", plan(cert("c3", { deleteBeforeReplace: false }))).steps.find((s) => s.op === "replace")?.mode).toBe("create-before-delete");
    // Without the bridge the same rename creates first (the names differ).
    const { bridge: _bridge, ...unbridged } = BRIDGED;
    const plain = new World({ ...RULES, aws: unbridged } as Record<Cloud, CloudRules>);
    plain.up("s", plan(cert("c1")));
    expect(plain.up("s", plan(cert("c2"))).steps.find((s) => s.op === "replace")?.mode).toBe("create-before-delete");
  });

  it("fails a create-first replacement that keeps the name: the program's false wins, and the cloud refuses the second object", () => {
    const w = new World(BRIDGED_RULES);
    w.up("s", plan(res(DB, "db", { name: "db1", engine: "pg16" })));
    const run = w.up("s", plan(res(DB, "db", { name: "db1", engine: "pg17" }, { deleteBeforeReplace: false })));
    expect(run.status).toBe("failed");
    expect(run.error).toContain('database "db1" already exists: it belongs to this stack');
  });

  it("does not delete first a dependent that only an update moves, or that the new program replaces for its own reasons: deleting the old resource then fails", () => {
    const w = new World(BRIDGED_RULES);
    w.up("s", plan(cert("c1"), entry("e1", "app")));
    // The entry is replaced too (a new hostname), but the engine decides on its old inputs, where the certificate is in an updatable field.
    const run = w.up("s", plan(cert("c2"), entry("e2", "www")));
    expect(run.status).toBe("failed");
    expect(run.error).toBe('deleting certificate "c1" (cert) failed: InUse: the certificate is referenced by a map entry (in use by Entry "e1" (s: entry)) [test]');
    // Created first, both go through: the old entry and certificate go at the end, dependents first.
    const ok = new World(BRIDGED_RULES);
    ok.up("s", plan(cert("c1"), entry("e1", "app")));
    const moved = ok.up("s", plan(cert("c2", { deleteBeforeReplace: false }), entry("e2", "www", { deleteBeforeReplace: false })));
    expect(moved.status).toBe("ok");
    expect([...ok.objects.values()].filter((o) => o.type === CERT || o.type === ENTRY).map((o) => o.name)).toEqual(["c2", "e2"]);
  });

  it("deletes first, last registered first, the dependents whose old inputs from the replaced resource force their own replacement", () => {
    const w = new World(BRIDGED_RULES);
    const binding = res(BINDING, "binding", { cert: "c" }, { deps: { cert: ["cert"] } });
    const second = res(BINDING, "second", { cert: "b" }, { deps: { cert: ["binding"] } });
    w.up("s", plan(cert("c1"), binding, second));
    const run = w.up("s", plan(cert("c2"), binding, second));
    expect(run.status).toBe("ok");
    expect(run.steps.filter((s) => s.op === "delete").map((s) => s.name)).toEqual(["second", "binding", "cert"]);
  });
});

describe("the simulated engine diffs resolved inputs, as an up does", () => {
  const REPO = "aws:test/repo:Repo";
  const USER = "aws:test/user2:User2";
  const rules = {
    ...RULES,
    aws: {
      ...TEST_RULES,
      types: {
        ...TEST_RULES.types,
        [REPO]: { title: "repository", source: "test", identity: { field: "name", scope: "account", source: "test" }, replaceOn: [{ path: "upstream", source: "test" }], outputsFrom: { paths: ["name"], source: "test" } },
        [USER]: { title: "user", source: "test", replaceOn: [{ path: "pinned", source: "test" }] },
      },
    } as CloudRules,
  } as Record<Cloud, CloudRules>;

  it("does not update a resource whose input comes from a replacement that kept its outputs (same id), and does when the id changes", () => {
    const w = new World(rules);
    const at = (upstream: string, name = "r1") => plan(res(REPO, "repo", { name, upstream }, { deleteBeforeReplace: true }), res(USER, "svc", { image: "r1/app" }, { deps: { image: ["repo"] } }));
    expect(w.up("s", at("a")).status).toBe("ok");
    const same = w.up("s", at("b"));
    expect(same.steps.map((s) => `${s.op} ${s.name}`)).toEqual(["delete repo", "replace repo", "same svc"]);
    const renamed = w.up("s", plan(res(REPO, "repo", { name: "r2", upstream: "c" }), res(USER, "svc", { image: "r2/app" }, { deps: { image: ["repo"] } })));
    expect(renamed.steps.map((s) => `${s.op} ${s.name}`)).toEqual(["replace repo", "update svc"]);
  });

  it("creates again a dependent deleted before a replacement, even when its inputs resolve as before (PendingReplacement)", () => {
    const w = new World(rules);
    const at = (upstream: string) => plan(res(REPO, "repo", { name: "r1", upstream }, { deleteBeforeReplace: true }), res(USER, "pin", { pinned: "r1" }, { deps: { pinned: ["repo"] } }));
    expect(w.up("s", at("a")).status).toBe("ok");
    const r = w.up("s", at("b"));
    expect(r.steps.map((s) => `${s.op} ${s.name}`)).toEqual(["delete pin", "delete repo", "replace repo", "replace pin"]);
    expect(w.objectsOf("aws").filter((o) => o.type === USER)).toHaveLength(1);
  });
});
