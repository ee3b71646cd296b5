/**
 * Live exit on two real PostgreSQL servers: replication started, the source
 * written to while it runs and during the cutover, the way back streaming
 * writes made on the target, a rollback that loses none of them, and the
 * refusals (a table without a key, large objects, schema drift).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OLD_PRIMARY_SESSIONS, switchedNote } from "../commands/replicate";
import { MigrationError } from "./errors";
import { cutover, finishReplication, type LiveOptions, livePair, replicationStatus, rollback, slotWarnings, sourceProblems, startReplication, subscriptionConninfo } from "./live";
import { guardSql, sourceFunctions } from "./live-code";
import { connectSubscription, secretLoggingWarnings } from "./live-sql";
import { runReplicate } from "../commands/replicate";
import { waitForInitialCopy } from "./live-copy";
import { lockConnection, locked, withPairKey } from "./live-lock";
import { publishWayBack } from "./live-switch";
import { copySequences } from "./live-writes";
import { pgConnection, psql, quoteLiteral } from "./pg";
import { pgTool, run } from "./proc";
import { rehearsalPreflight } from "./rehearse";
import { type PostgresServer, startPostgres } from "./servers";

let A: PostgresServer | undefined;
let B: PostgresServer | undefined;
const url = { src: "", dst: "", bad: "", badDst: "" };

const sql = async (u: string, text: string): Promise<string[]> => (await psql(pgConnection(u, "target"), text)).lines;
const count = async (u: string, table: string): Promise<number> => Number((await sql(u, `SELECT count(*) FROM ${table};`))[0]);
const inDb = (server: PostgresServer, db: string) => server.superuserUrl.replace(/\/postgres$/, `/${db}`);

beforeAll(async () => {
  const missing = rehearsalPreflight();
  if (missing.length > 0) throw new Error(`missing prerequisites:\n  ${missing.join("\n  ")}`);
  [A, B] = await Promise.all([startPostgres({ name: "live-a", superuserPassword: "s0urce'pw", settings: { max_prepared_transactions: "2" } }), startPostgres({ name: "live-b", superuserPassword: "target pw" })]);
  await A.createDatabase("shop", "shop_a", "pw-a");
  await A.createDatabase("legacy", "legacy_a", "pw-l");
  await B.createDatabase("shop", "shop_b", "pw-b");
  await B.createDatabase("legacy", "legacy_b", "pw-lb");
  // The clouds' administrators are not superusers, but may publish, subscribe and replicate; a superuser stands in for them here.
  url.src = inDb(A, "shop");
  url.dst = inDb(B, "shop");
  url.bad = inDb(A, "legacy");
  url.badDst = inDb(B, "legacy");
  await sql(
    url.src,
    `CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL CHECK (length(name) > 0), price numeric(10,2));
     CREATE TABLE orders (id bigserial PRIMARY KEY, item int REFERENCES items(id), at timestamptz DEFAULT now());
     INSERT INTO items (name, price) SELECT 'item ' || g, g / 100.0 FROM generate_series(1, 2000) g;
     INSERT INTO orders (item) SELECT 1 + g % 2000 FROM generate_series(1, 3000) g;`,
  );
  await sql(url.bad, `CREATE TABLE audit (at timestamptz, line text); CREATE TABLE ok (id int PRIMARY KEY); SELECT lo_create(0);`);
}, 120_000);

afterAll(async () => {
  await Promise.all([A?.stop(), B?.stop()]);
});

const opts = (): LiveOptions => ({ from: url.src, to: url.dst });

/**
 * Status once every table streams and the subscriber is connected (its apply worker can take seconds to start on a
 * loaded machine: until then status rightly warns that no subscriber streams), or the last status after 30 s.
 */
async function streamingStatus(o: LiveOptions): Promise<Awaited<ReturnType<typeof replicationStatus>>> {
  let s = await replicationStatus(o);
  for (let i = 0; i < 150 && (s.tablesStreaming < s.tables || s.warnings.length > 0); i++) {
    await new Promise((r) => setTimeout(r, 200));
    s = await replicationStatus(o);
  }
  return s;
}

/** A session that began a transaction (it has a transaction ID) and keeps it open until end(). */
function holdTransaction(u: string) {
  const c = pgConnection(u, "target");
  const child = spawn(pgTool("psql"), ["-X", "-q", "-d", c.conninfo.replace("freehold-migrate-target", "fh-open-xact"), "-f", "-"], { env: c.env, stdio: ["pipe", "ignore", "ignore"] });
  child.stdin.write("BEGIN;\nSELECT txid_current();\n");
  return {
    end: async () => {
      const closed = once(child, "close");
      child.stdin.end();
      await closed;
    },
  };
}

/** An application writing orders one session at a time, as a web service's requests would; counts what the database accepted. */
function writer(target: () => string) {
  let stop = false;
  let accepted = 0;
  let refused = 0;
  const done = (async () => {
    while (!stop) {
      try {
        await psql(pgConnection(target(), "target"), "INSERT INTO orders (item) VALUES (7);");
        accepted++;
      } catch {
        refused++;
      }
    }
  })();
  return {
    async stop() {
      stop = true;
      await done;
      return { accepted, refused };
    },
  };
}

describe("freehold replicate", () => {
  it("warns about a slot whose subscriber streams but keeps over 1 GiB of WAL, and about one PostgreSQL marked lost, with the size and max_slot_wal_keep_size", () => {
    const src = pgConnection("postgresql://admin@old-host/shop", "target");
    const dst = pgConnection("postgresql://admin@new-host/shop", "target");
    expect(slotWarnings({ lag: 0, retained: 3 * 1024 ** 3, active: true, walStatus: "extended", keep: "-1" }, "freehold_exit_k", src, dst)).toEqual([
      "the slot freehold_exit_k keeps 3.0 GiB of WAL on postgresql://admin@old-host/shop until postgresql://admin@new-host/shop confirms it; max_slot_wal_keep_size is -1 (no limit) there",
    ]);
    expect(slotWarnings({ lag: 0, retained: 1024, active: true, walStatus: "reserved", keep: "-1" }, "freehold_exit_k", src, dst)).toEqual([]);
    expect(slotWarnings({ lag: 0, retained: 5 * 1024 ** 2, active: false, walStatus: "lost", keep: "10GB" }, "freehold_exit_k", src, dst)[1]).toBe(
      "the slot freehold_exit_k on postgresql://admin@old-host/shop is lost: WAL its subscriber still needs was removed; replication cannot go on: finish, then start again",
    );
  });

  it("says after a switch that the old primary only defaults to read-only, what still writes there, and prints the query listing the sessions left on it", () => {
    const note = switchedNote("target", "postgresql://admin@old-host/shop?sslmode=verify-full", "freehold_back_0123456789ab");
    expect(note).toBe(
      `The target takes writes now. The source receives every change through freehold_back_0123456789ab (the way back) until freehold replicate finish; it starts every new session read-only, which a session can override: BEGIN READ WRITE, SET default_transaction_read_only = off, or that setting in its connection options still writes there, that write is never on the target, and it stops the way back. Point every application at the target now, and check that no session is left on the source:\n  psql "postgresql://admin@old-host/shop?sslmode=verify-full" -c "SELECT pid, usename, application_name, client_addr, backend_start FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()"\n`,
    );
    expect(note).not.toContain("refuses the application's writes");
  });

  it("puts a source's password into the subscription's connection string quoted, never into a URL", () => {
    expect(subscriptionConninfo("postgresql://admin@db.example:5432/shop?sslmode=verify-full&sslrootcert=/ca.pem", "it's a \\ secret")).toBe(
      "host='db.example' port='5432' dbname='shop' user='admin' sslmode='verify-full' sslrootcert='/ca.pem' connect_timeout='10' password='it\\'s a \\\\ secret'",
    );
  });

  it("refuses a source it cannot replicate, naming each table without a key and the large objects, and creates nothing", async () => {
    const problems = await sourceProblems(pgConnection(url.bad, "target"));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain("tables without a primary key or replica identity: public.audit.");
    expect(problems[1]).toBe("1 large objects: logical replication does not carry them; move the database with freehold migrate database");
    await expect(startReplication({ from: url.bad, to: url.badDst })).rejects.toThrow(/refusing to start replication: 2 problem\(s\); nothing was created/);
    expect(await sql(url.bad, "SELECT count(*) FROM pg_publication;")).toEqual(["0"]);
    expect(await sql(url.badDst, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public';")).toEqual(["0"]);
  });

  it("runs its catalog queries with pg_catalog first: a function planted in the source's public schema neither runs as the operator nor names a table", async () => {
    // Whoever may create functions in the source's public schema (its owner; anyone on a database made before PostgreSQL 15) plants a closer match for format().
    await sql(
      url.bad,
      `CREATE TABLE planted (id serial PRIMARY KEY, who text);
       CREATE FUNCTION public.format(text, name, name) RETURNS text LANGUAGE sql AS $$ INSERT INTO public.planted (who) VALUES (current_user) RETURNING 'public.x; DROP TABLE public.ok' $$;`,
    );
    try {
      const problems = await sourceProblems(pgConnection(url.bad, "target"));
      expect(problems[0]).toContain("tables without a primary key or replica identity: public.audit.");
      expect(await sql(url.bad, "SELECT count(*) FROM planted;")).toEqual(["0"]);
    } finally {
      await sql(url.bad, "DROP FUNCTION public.format(text, name, name); DROP TABLE planted;");
    }
  });

  it("copies, streams, cuts over in seconds with no write lost, streams back, and rolls back with no write lost", async () => {
    const started = await startReplication(opts());
    expect(started.tables).toBe(2);
    expect(await count(url.dst, "items")).toBe(2000);

    // Writes made while replication runs reach the target.
    const app = writer(() => url.src);
    await new Promise((r) => setTimeout(r, 400));
    const status = await streamingStatus(opts());
    expect(status).toMatchObject({ direction: "forward", tables: 2, tablesStreaming: 2 });

    // Cutover while the application still writes to the source; a second operator's cutover, once writes are stopped, is refused.
    let second: unknown;
    const c = await cutover({
      ...opts(),
      afterStep: async (step) => {
        if (step === "writes stopped") second = await cutover(opts()).catch((x: unknown) => x);
      },
    });
    const shown = `${pgConnection(url.src, "target").display} to ${pgConnection(url.dst, "target").display}`;
    expect((second as MigrationError).summary).toMatch(
      new RegExp(`^another freehold replicate is running for this pair \\(${shown.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\): freehold-replicate-cutover \\(pid \\d+, since [^)]+\\) holds its lock on the source; nothing was changed: run cutover again once it has ended \\(a run whose connection was lost loses the lock within a minute; one started by an older freehold may hold it for hours: when no such run is alive, SELECT pg_terminate_backend\\(\\d+\\); on \\S+ ends its session\\)$`),
    );
    const before = await app.stop();
    expect(before.accepted).toBeGreaterThan(0);
    // Downtime is measured from the stop to the first write allowed and holds the catch-up; tables are verified after, in snapshots taken at the switch (the 10 s target is the bench's to measure).
    expect(c.writeDowntimeMs).toBeGreaterThanOrEqual(c.catchUpMs);
    const onSource = await count(url.src, "orders");
    expect(onSource).toBe(3000 + before.accepted);
    expect(await count(url.dst, "orders")).toBe(onSource);
    expect(c.rows).toBe(2000 + onSource);
    // The source refuses the application's writes now; the target's sequence was moved on, so new ids do not collide.
    expect((await psql(pgConnection(url.src, "target"), "INSERT INTO orders (item) VALUES (1);", { stopOnError: false })).stderr).toContain("cannot execute INSERT in a read-only transaction");
    // The check the success message prints finds no application session left on the old primary (the writer stopped; the way back is not a client backend).
    expect(await sql(url.src, `${OLD_PRIMARY_SESSIONS};`)).toEqual([]);
    const after = writer(() => url.dst);
    await new Promise((r) => setTimeout(r, 400));
    expect(await streamingStatus(opts())).toMatchObject({ direction: "back", tables: 2, tablesStreaming: 2, warnings: [] });
    // A role of the old primary adds code the way back runs there after the switch checked it: status says so, naming it.
    await sql(
      url.src,
      `SET default_transaction_read_only = off; CREATE FUNCTION public.fh_late() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NEW; END $f$; ALTER FUNCTION public.fh_late() OWNER TO shop_a;
       CREATE TRIGGER orders_late BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION public.fh_late(); ALTER TABLE orders ENABLE ALWAYS TRIGGER orders_late;`,
    );
    expect((await replicationStatus(opts())).warnings).toEqual([
      `the way back streams rows into code a role you have not trusted controls (the switch checked before it; a role may create or replace a function at any time): function public.fh_late(), owned by shop_a, would run on ${pgConnection(url.src, "target").display} with the rights of the role that applies the way back's rows (its administrator on PostgreSQL 15), used by trigger orders_late of public.orders (fires on a subscriber): make a role you trust own it there (ALTER FUNCTION ... OWNER TO), or pass --trust-functions-of shop_a if you trust that role's code with those rights; until then every row it applies runs it`,
    ]);
    await sql(url.src, "SET default_transaction_read_only = off; DROP TRIGGER orders_late ON orders; DROP FUNCTION public.fh_late();");

    // Rollback, killed once the replication back had caught up and was ended (writes stopped on both sides): status names it,
    // and rollback again resumes it. Every write made on the target after cutover is on the source, which takes writes again.
    let finished: unknown;
    const killed = (await rollback({
      ...opts(),
      afterStep: async (step) => {
        if (step === "writes stopped") finished = await finishReplication(opts()).catch((x: unknown) => x);
        if (step === "replication ended") throw new Error("killed");
      },
    }).catch((x: unknown) => x)) as MigrationError;
    expect((finished as MigrationError).summary).toMatch(/^another freehold replicate is running for this pair .*: freehold-replicate-rollback \(pid \d+, since [^)]+\) holds its lock on the source; nothing was changed: run finish again once it has ended \(a run whose connection was lost loses the lock within a minute; one started by an older freehold may hold it for hours: when no such run is alive, SELECT pg_terminate_backend\(\d+\); on \S+ ends its session\)$/);
    const halfBack = /^a rollback stopped half-way: the replication to \S+ ended after it caught up, the way back is not yet subscribed, and writes are stopped on both sides\. No write is lost \(\S+ refuses writes\); freehold replicate rollback resumes it$/;
    expect(killed.summary.replace(/^the switch stopped half-way: /, "")).toMatch(halfBack);
    expect(await replicationStatus(opts())).toMatchObject({ halfWayOnly: true, direction: "back", warnings: [expect.stringMatching(halfBack)] });
    const r = await rollback(opts());
    expect(r).toMatchObject({ resumed: true, verified: true, tables: 2 });
    const onTarget = await after.stop();
    expect(onTarget.accepted).toBeGreaterThan(0);
    const total = 3000 + before.accepted + onTarget.accepted;
    expect(await count(url.dst, "orders")).toBe(total);
    expect(await count(url.src, "orders")).toBe(total);
    // The sequence came back too: a new id is above every id written on either side (a session ended mid-insert may leave a gap).
    const [maxId] = await sql(url.src, "SELECT max(id) FROM orders;");
    expect(Number((await sql(url.src, "INSERT INTO orders (item) VALUES (2) RETURNING id;"))[0])).toBeGreaterThan(Number(maxId));

    // Finishing drops what replication made, and only that.
    const f = await finishReplication(opts());
    expect(f.dropped.join("\n")).toMatch(/subscription freehold_exit_[0-9a-f]{12} on /);
    for (const u of [url.src, url.dst]) expect(await sql(u, "SELECT (SELECT count(*) FROM pg_subscription) + (SELECT count(*) FROM pg_publication) + (SELECT count(*) FROM pg_replication_slots);")).toEqual(["0"]);
  }, 240_000);

  it("refuses a cutover when the schemas drifted, before stopping writes; says a switch is not verified when a table differs at the switch", async () => {
    // After the rollback the target refuses the application's writes; an administrator empties it for a new start.
    await sql(url.dst, "SET default_transaction_read_only = off; DROP TABLE orders; DROP TABLE items; ALTER DATABASE shop RESET default_transaction_read_only;");
    await startReplication(opts());
    await sql(url.src, "ALTER TABLE items ADD COLUMN colour text;");
    const e = await cutover(opts()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MigrationError);
    expect((e as MigrationError).summary).toBe(`refusing to switch over: the schemas differ (replication carries no schema change; apply each change on ${pgConnection(url.dst, "target").display} too); writes were not stopped`);
    expect(await sql(url.src, "INSERT INTO items (name) VALUES ('still writable') RETURNING name;")).toEqual(["still writable"]);

    // The change applied on the target too; then a stray write on the target, which replication never undoes.
    await sql(url.dst, "ALTER TABLE items ADD COLUMN colour text; UPDATE items SET name = 'stray' WHERE id = 1;");
    const unverified = (await cutover(opts()).catch((x: unknown) => x)) as MigrationError;
    expect(unverified.summary).toMatch(/^switched over, but NOT verified: 1 table\(s\) differ as of the switch\. The way back \(freehold_back_[0-9a-f]{12}\) streams every write made since/);
    expect(unverified.items).toEqual(["public.items"]);
    await finishReplication(opts());
  }, 180_000);

  it("says what an interrupted start left running and which command removes it", async () => {
    await sql(url.dst, "SET default_transaction_read_only = off; DROP TABLE IF EXISTS orders; DROP TABLE IF EXISTS items; ALTER DATABASE shop RESET default_transaction_read_only;");
    await sql(url.src, "SET default_transaction_read_only = off; ALTER DATABASE shop RESET default_transaction_read_only;");
    const stop = new AbortController();
    const log = (line: string) => {
      if (line.startsWith("initial copy:")) stop.abort();
    };
    const e = (await startReplication({ ...opts(), log, signal: stop.signal }).catch((x: unknown) => x)) as MigrationError;
    expect(e.summary).toBe(
      "interrupted while the initial copy ran: the servers go on copying and then streaming (freehold replicate status shows how far); freehold replicate finish removes the publication and subscription, and the tables copied to the target stay until you drop them (freehold replicate start --restart drops them and starts again)",
    );
    // Replication goes on in the servers; the next test uses it.
    expect(await sql(url.dst, "SELECT count(*) FROM pg_subscription;")).toEqual(["1"]);
  }, 180_000);

  it("refuses a cutover whose way back cannot connect, before stopping writes, and keeps replication running", async () => {
    // The replication the interrupted start left running, once its initial copy is done.
    for (let i = 0; i < 300 && (await replicationStatus(opts())).tablesStreaming < 2; i++) await new Promise((r) => setTimeout(r, 100));
    // The source cannot reach the target at the address given for the way back (nothing listens on port 1).
    const unreachable = url.dst.replace(/:\d+\//, ":1/");
    const e = (await cutover({ ...opts(), targetFromSource: unreachable }).catch((x: unknown) => x)) as MigrationError;
    expect(e).toBeInstanceOf(MigrationError);
    expect(e.summary).toMatch(/^refusing to switch over: \S+ cannot reach postgresql:\/\/\S+:1\/shop for the way back \(could not connect to the publisher: connection to server at "127\.0\.0\.1", port 1 failed: Connection refused[^)]*\); give the address it reaches it by with --target-from-source and open the network path; writes were not stopped and replication still runs$/s);
    expect(await sql(url.src, "INSERT INTO items (name) VALUES ('after the refusal') RETURNING name;")).toEqual(["after the refusal"]);
    expect(await replicationStatus(opts())).toMatchObject({ direction: "forward", tablesStreaming: 2 });
    expect(await sql(url.src, "SELECT count(*) FROM pg_subscription;")).toEqual(["0"]);
  }, 180_000);

  it("ends a cutover interrupted while waiting for the target at once, allowing writes on the source again", async () => {
    // The target stops applying, so it never catches up; the operator presses Ctrl-C once writes are stopped.
    const sub = (await sql(url.dst, "SELECT subname FROM pg_subscription;"))[0];
    await sql(url.dst, `ALTER SUBSCRIPTION "${sub}" DISABLE;`);
    await sql(url.src, "INSERT INTO items (name) VALUES ('not yet on the target');");
    const stop = new AbortController();
    const log = (line: string) => {
      if (line.startsWith("writes stopped on")) stop.abort();
    };
    const began = Date.now();
    const e = (await cutover({ ...opts(), log, signal: stop.signal, catchUpTimeoutMs: 30_000 }).catch((x: unknown) => x)) as MigrationError;
    expect(Date.now() - began).toBeLessThan(15_000);
    expect(e.summary).toMatch(/^interrupted while the target caught up \(\d+ bytes behind\): switch-over abandoned, writes allowed again on \S+, replication still runs$/);
    expect(await sql(url.src, "INSERT INTO items (name) VALUES ('writable again') RETURNING name;")).toEqual(["writable again"]);
    // Its subscription stays disabled: the next test starts from there.
  }, 180_000);

  // The rest go on with the replication the test above left (its subscription disabled).
  const op = opts;
  const until = async (ok: () => Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 100));
  };

  it("refuses, before writes stop, a cutover a prepared transaction or a role's own read-only setting would write through; status warns when the subscription does not stream", async () => {
    // A subscription that stopped streaming (disabled above): the slot keeps the source's WAL, and status says so with the size.
    const sub = (await sql(url.dst, "SELECT subname FROM pg_subscription;"))[0];
    await until(async () => !(await replicationStatus(op())).active);
    const stalled = await replicationStatus(op());
    expect(stalled.warnings).toHaveLength(1);
    expect(stalled.warnings[0]).toMatch(/^no subscriber streams from the slot freehold_exit_\w+ on \S+ \(the subscription on \S+ is disabled or cannot connect: see its server log\): the slot keeps every byte of WAL written since, \d+ bytes now; max_slot_wal_keep_size is -1 \(no limit\) there$/);
    await sql(url.dst, `ALTER SUBSCRIPTION "${sub}" ENABLE;`);

    // A trigger function an ordinary role owns on the source (the old primary), which the way back would fire there as the
    // administrator: refused before writes stop, as start refuses it (the same on the target, or the schemas would differ).
    const audit = `CREATE FUNCTION public.fh_audit() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NEW; END $f$;
      CREATE TRIGGER items_audit BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION public.fh_audit(); ALTER TABLE items ENABLE ALWAYS TRIGGER items_audit;`;
    await sql(url.src, `${audit} ALTER FUNCTION public.fh_audit() OWNER TO shop_a;`);
    await sql(url.dst, audit);
    const untrusted = (await cutover(op()).catch((x: unknown) => x)) as MigrationError;
    const src = pgConnection(url.src, "target").display;
    expect(untrusted.summary).toBe(`refusing to switch over: 1 function(s) on ${src} would run with its administrator's rights as the way back applies rows there; writes were not stopped and replication still runs`);
    expect(untrusted.problems).toEqual([
      {
        item: src,
        message: `function public.fh_audit(), owned by shop_a, would run on ${src} with the rights of the role that applies the way back's rows (its administrator on PostgreSQL 15), used by trigger items_audit of public.items (fires on a subscriber): make a role you trust own it there (ALTER FUNCTION ... OWNER TO), or pass --trust-functions-of shop_a if you trust that role's code with those rights`,
      },
    ]);
    expect(await sql(url.src, "INSERT INTO items (name) VALUES ('still writable') RETURNING name;")).toEqual(["still writable"]);

    // Trusted by name, the function passes: the next check (a prepared transaction) is what refuses now.
    await sql(url.src, "BEGIN; INSERT INTO items (name) VALUES ('prepared'); PREPARE TRANSACTION 'fh-test';");
    const prepared = (await cutover({ ...op(), trustFunctionsOf: ["shop_a"] }).catch((x: unknown) => x)) as MigrationError;
    expect(prepared.summary).toBe(`refusing to switch over: 1 thing(s) on ${pgConnection(url.src, "target").display} would write after writes stop; writes were not stopped and replication still runs`);
    expect(prepared.problems).toEqual([{ item: 'prepared transaction "fh-test"', message: expect.stringMatching(/^prepared by postgres at .+ and not yet committed: .*; COMMIT PREPARED or ROLLBACK PREPARED 'fh-test' first$/) }]);
    await sql(url.src, "ROLLBACK PREPARED 'fh-test';");
    for (const u of [url.src, url.dst]) await sql(u, "DROP TRIGGER items_audit ON items; DROP FUNCTION public.fh_audit();");

    await sql(url.src, "ALTER ROLE shop_a IN DATABASE shop SET default_transaction_read_only = off;");
    const role = (await cutover(op()).catch((x: unknown) => x)) as MigrationError;
    expect(role.problems).toEqual([
      {
        item: "role shop_a",
        message: `its setting default_transaction_read_only=off (ALTER ROLE "shop_a" IN DATABASE "shop" SET) wins over the database's read-only default, so its sessions would still write after writes stop; remove it with ALTER ROLE "shop_a" IN DATABASE "shop" RESET default_transaction_read_only`,
      },
    ]);
    await sql(url.src, "ALTER ROLE shop_a IN DATABASE shop RESET default_transaction_read_only;");
    expect(await sql(url.src, "INSERT INTO items (name) VALUES ('still writable') RETURNING name;")).toEqual(["still writable"]);

    // The source subscribes to another database (an upstream feed): its apply worker would go on writing there after the switch.
    const up = new URL(url.badDst);
    await sql(url.badDst, "CREATE PUBLICATION uppub;");
    const upInfo = `host=${up.hostname} port=${up.port} user=${decodeURIComponent(up.username)} password=${quoteLiteral(decodeURIComponent(up.password))} dbname=legacy`;
    await sql(url.src, `CREATE SUBSCRIPTION upsub CONNECTION ${quoteLiteral(upInfo)} PUBLICATION uppub WITH (copy_data = false);`);
    const upstream = (await cutover(op()).catch((x: unknown) => x)) as MigrationError;
    expect(upstream.summary).toBe("refusing to switch over: writes would go on arriving on the old primary; writes were not stopped and replication still runs");
    expect(upstream.problems).toEqual([
      {
        item: src,
        message: `${src} subscribes to another database (subscription upsub): its writes go on arriving there after a switch, where they never reach the other side, and a row it writes later can stop the way back; disable it there (ALTER SUBSCRIPTION ... DISABLE) and subscribe the other side to that publication instead`,
      },
    ]);
    expect((await replicationStatus(op())).warnings).toEqual([`${upstream.problems[0]?.message}; cutover refuses until then`]);
    await sql(url.src, "DROP SUBSCRIPTION upsub;");
    await sql(url.badDst, "DROP PUBLICATION uppub;");
    expect(await sql(url.src, "INSERT INTO items (name) VALUES ('still writable') RETURNING name;")).toEqual(["still writable"]);
  }, 180_000);

  it("says when a killed switch left the source read-only with replication running, names both ways out, refuses finish, and rollback gives writes back; localhost and 127.0.0.1 are one pair", async () => {
    // What a cutover killed right after stopping writes leaves: the source's read-only default, forward replication still running.
    await sql(url.src, "ALTER DATABASE shop SET default_transaction_read_only = on;");
    const other = { from: url.src.replace("127.0.0.1", "localhost"), to: url.dst.replace("127.0.0.1", "localhost") };
    const st = await replicationStatus(other);
    const src = pgConnection(other.from, "target").display;
    const said = `writes are stopped on ${src} (it is read-only for the application) by a cutover that was interrupted before it switched anything; replication to ${pgConnection(other.to, "target").display} still runs: freehold replicate cutover resumes the switch, freehold replicate rollback gives writes back to ${src} and keeps replication running`;
    expect(st).toMatchObject({ direction: "forward", warnings: [said] });
    expect(((await finishReplication(other).catch((x: unknown) => x)) as MigrationError).summary).toBe(`refusing to finish: ${said}; then finish`);
    // Another pair of databases on the same servers: finish finds nothing of it, and says what of another pair is there.
    const none = (await finishReplication({ from: url.bad, to: url.badDst }).catch((x: unknown) => x)) as MigrationError;
    expect(none.summary).toMatch(/^no replication of this pair \(\S+ to \S+\) was found, but these servers hold \d+ object\(s\) of another freehold replication; its slots keep WAL until it is finished: run finish with the URLs of the databases it replicates \(for a pair an earlier version of freehold started, typed as they were then: that version named the pair by its URLs\)$/);
    expect(none.problems.map((x) => x.message)).toContainEqual(expect.stringMatching(/^replication slot freehold_exit_\w+ \(database shop\) on \S+legacy$/));
    expect(await rollback(other)).toMatchObject({ writesGivenBack: src });
    expect(await sql(url.src, "INSERT INTO items (name) VALUES ('given back') RETURNING name;")).toEqual(["given back"]);
    expect((await replicationStatus(op())).warnings).toEqual([]);
  }, 120_000);

  it("warns in status and cutover, on PostgreSQL 15, when a role the operator has not trusted owns code on the target that the forward replication runs as the administrator (after start --to-role, that role owns every table there)", async () => {
    // What `app` may do on the target after start --to-role app: its own ENABLE ALWAYS trigger, fired by every applied row.
    await sql(
      url.dst,
      `CREATE ROLE fh_app; CREATE FUNCTION public.fh_app_audit() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NEW; END $f$; ALTER FUNCTION public.fh_app_audit() OWNER TO fh_app;
      CREATE TRIGGER items_app BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION public.fh_app_audit(); ALTER TABLE items ENABLE ALWAYS TRIGGER items_app;`,
    );
    const dst = pgConnection(url.dst, "target").display;
    const said = `the replication into ${dst} applies rows as its administrator (PostgreSQL 15) into code a role you have not trusted controls (a role that owns a table or function there may add a trigger or replace a function at any time): function public.fh_app_audit(), owned by fh_app, would run on ${dst} with the rights of the role that applies the rows replicated into it (its administrator on PostgreSQL 15), used by trigger items_app of public.items (fires on a subscriber): make a role you trust own it there (ALTER FUNCTION ... OWNER TO), or pass --trust-functions-of fh_app if you trust that role's code with those rights; until then every row it applies runs it`;
    try {
      expect(await replicationStatus(op())).toMatchObject({ direction: "forward", warnings: [said] });
      expect((await replicationStatus({ ...op(), trustFunctionsOf: ["fh_app"] })).warnings).toEqual([]);
      // Cutover says it too, before anything else (here it then refuses: the trigger exists on the target only).
      const logged: string[] = [];
      const e = (await cutover({ ...op(), log: (l) => logged.push(l) }).catch((x: unknown) => x)) as MigrationError;
      expect(e.summary).toMatch(/^refusing to switch over/);
      expect(logged).toContain(`warning: ${said}`);
    } finally {
      await sql(url.dst, "DROP TRIGGER items_app ON items; DROP FUNCTION public.fh_app_audit(); DROP ROLE fh_app;");
    }
  });

  it("ends a way-back probe that waits on a silent network once its bound passes (PostgreSQL's subscriber ignores connect_timeout), its password in no statement another session sees; Ctrl-C ends it at once, on the server too", async () => {
    // A path that accepts TCP and never answers (a half-open firewall).
    const hole = net.createServer(() => undefined);
    await new Promise<void>((r) => hole.listen(0, "127.0.0.1", r));
    const silent = url.dst.replace(/:\d+\//, `:${(hole.address() as net.AddressInfo).port}/`);
    // Another session watches pg_stat_activity on the source while the probe waits.
    const seen: string[] = [];
    const waiting = "FROM pg_stat_activity WHERE wait_event = 'LibPQWalReceiverConnect'";
    let watching = true;
    const watch = (async () => {
      while (watching) {
        seen.push(...(await sql(url.src, `SELECT translate(query, E'\\n', ' ') ${waiting};`)));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const bounded = (await cutover({ ...op(), targetFromSource: silent, connectTimeoutMs: 2000 }).catch((x: unknown) => x)) as MigrationError;
    watching = false;
    await watch;
    expect(bounded.summary).toMatch(/^refusing to switch over: \S+ cannot reach \S+ for the way back \(no answer within 2 s: a firewall that drops the packets\?\); .*writes were not stopped and replication still runs$/);
    // It saw the probe's statement, never the target's password the probe connects with.
    expect(seen.join("\n")).toContain("CREATE SUBSCRIPTION");
    expect(seen.join("\n")).not.toContain("target pw");
    // Ctrl-C once the probe waits on the server.
    const stop = new AbortController();
    let abortedAt = 0;
    const press = (async () => {
      await until(async () => (await sql(url.src, `SELECT count(*) ${waiting};`))[0] !== "0");
      abortedAt = Date.now();
      stop.abort();
    })();
    await expect(cutover({ ...op(), targetFromSource: silent, signal: stop.signal })).rejects.toThrow();
    await press;
    expect(Date.now() - abortedAt).toBeLessThan(5000);
    // Interrupted, the probe is cancelled on the server too: nothing is left waiting there (holding a transaction that every logical
    // slot made on the source would wait for, and the lock every later subscription made there would wait for).
    await until(async () => (await sql(url.src, `SELECT count(*) ${waiting};`))[0] === "0");
    expect(await sql(url.src, `SELECT count(*) ${waiting};`)).toEqual(["0"]);
    hole.close();
    expect(await sql(url.src, "INSERT INTO items (name) VALUES ('still writable') RETURNING name;")).toEqual(["still writable"]);
  }, 120_000);

  it("bounds start's wait for the slot (naming the transaction it waits for) and for an initial copy the target keeps failing (naming the table and how often); finish then leaves nothing on either server", async () => {
    const a = A as PostgresServer;
    const b = B as PostgresServer;
    await Promise.all([a.superuserSql("CREATE DATABASE nv;"), b.superuserSql("CREATE DATABASE nv;")]);
    const nv = { from: inDb(a, "nv"), to: inDb(b, "nv") };
    // A CHECK the source added NOT VALID: its old rows break it, and the target checks every row the copy inserts.
    await sql(nv.from, "CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, -5); ALTER TABLE t ADD CONSTRAINT pos CHECK (v > 0) NOT VALID;");

    // A transaction left open on the source (in any database): PostgreSQL makes a logical slot only once it ends.
    const open = holdTransaction(a.superuserUrl);
    await until(async () => (await sql(url.src, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'fh-open-xact' AND backend_xid IS NOT NULL;"))[0] === "1");
    const [src, dst] = [pgConnection(nv.from, "target"), pgConnection(nv.to, "target")];
    const slot = { subscriber: dst, publisher: src, name: "freehold_exit_slotwait", publisherUrl: nv.from, password: undefined };
    const waited = (await connectSubscription(slot, true, "subscribe", { slotTimeoutMs: 1000 }).catch((x: unknown) => x)) as MigrationError;
    await open.end();
    expect(waited.summary).toBe(`the replication slot freehold_exit_slotwait could not be made on ${src.display} within 1 s: PostgreSQL makes a logical slot only once every transaction in progress there when it began has ended; still open:`);
    expect(waited.problems).toEqual([{ item: "open transaction", message: expect.stringMatching(/^pid \d+ \(fh-open-xact, user postgres, idle in transaction since [^)]+\): let it end \(COMMIT or ROLLBACK, or pg_terminate_backend its pid\)$/) }]);
    expect(await sql(nv.from, "SELECT count(*) FROM pg_replication_slots WHERE database = 'nv';")).toEqual(["0"]);

    const began = Date.now();
    const e = (await startReplication({ ...nv, initialCopyTimeoutMs: 3000 }).catch((x: unknown) => x)) as MigrationError;
    expect(Date.now() - began).toBeLessThan(30_000);
    const after = "; freehold replicate finish removes the publication and subscription, and the tables copied to the target stay until you drop them (freehold replicate start --restart drops them and starts again)";
    expect(e.summary).toMatch(/^the initial copy did not finish within 3 s: 0 of 1 tables streaming, not yet copied: public\.t[;]/);
    expect(e.summary.endsWith(after)).toBe(true);
    // How often the target failed the copy, as its server counts it (on a loaded machine the first attempt may end after the 3 s).
    const p = livePair(await withPairKey(nv));
    for (let i = 0; i < 300 && Number((await sql(nv.to, "SELECT coalesce(sum(sync_error_count), 0) FROM pg_stat_subscription_stats;"))[0]) === 0; i++) await new Promise((r) => setTimeout(r, 100));
    const again = (await waitForInitialCopy(p, { ...nv, initialCopyTimeoutMs: 0 }).catch((x: unknown) => x)) as MigrationError;
    expect(again.summary).toMatch(/^the initial copy did not finish within 0 s: 0 of 1 tables streaming, not yet copied: public\.t; \S+ failed the copy \d+ time\(s\) and retries it: its server log says why \(a constraint the source's rows break, a full disk\); freehold replicate finish removes/);

    // finish drops the subscription, and with it the slot of the copy the target retried (DROP SUBSCRIPTION drops those); nothing waits on a lock.
    await finishReplication(nv);
    expect(await sql(nv.from, "SELECT count(*) FROM pg_replication_slots WHERE database = 'nv';")).toEqual(["0"]);
    expect(await sql(nv.to, "SELECT (SELECT count(*) FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = 'nv')) + (SELECT count(*) FROM pg_replication_origin WHERE roname NOT IN (SELECT 'pg_' || oid FROM pg_subscription));")).toEqual(["0"]);
    await Promise.all([a.superuserSql("DROP DATABASE nv;"), b.superuserSql("DROP DATABASE nv;")]);
  }, 120_000);

  it("publishes a table named with $$ for the way back, and prints a source's name with control characters escaped, never raw", async () => {
    await sql(url.badDst, `CREATE TABLE "a$$b" (id int PRIMARY KEY);`);
    await publishWayBack(pgConnection(url.badDst, "target"), "freehold_back_dollar");
    expect(await sql(url.badDst, "SELECT tablename FROM pg_publication_tables WHERE pubname = 'freehold_back_dollar';")).toEqual(["a$$b"]);
    await sql(url.badDst, `DROP PUBLICATION freehold_back_dollar; DROP TABLE "a$$b";`);

    await sql(url.bad, `CREATE TABLE "x\r\u001b[2KReplication started" (v int);`);
    const [from, to] = [url.bad, url.badDst].map((x, i) => {
      const u = new URL(x);
      process.env[`FH_LIVE_TEST_PW${i}`] = decodeURIComponent(u.password);
      u.password = "";
      return u.toString();
    });
    const err: string[] = [];
    const flags = { from, to, "from-password-env": "FH_LIVE_TEST_PW0", "to-password-env": "FH_LIVE_TEST_PW1", "allow-unverified-tls": true };
    const code = await runReplicate({ positionals: ["start"], flags }, { out: (t) => err.push(t), err: (t) => err.push(t) });
    await sql(url.bad, `DROP TABLE "x\r\u001b[2KReplication started";`);
    expect(code).not.toBe(0);
    expect(err.join("")).toContain('public."x\\u000d\\u001b[2KReplication started"');
    expect(err.join("")).not.toContain("\r");
    expect(err.join("")).not.toContain("\u001b");
  });

  it("never resets a sequence it may not read: copying refuses, naming it, and leaves the other side's value", async () => {
    const [before] = await sql(url.dst, "SELECT last_value FROM items_id_seq;");
    const limited = inDb(A as PostgresServer, "shop").replace(/\/\/postgres:[^@]*@/, "//shop_a:pw-a@");
    const e = (await copySequences(pgConnection(limited, "target"), pgConnection(url.dst, "target")).catch((x: unknown) => x)) as MigrationError;
    expect(e.summary).toMatch(/^switch-over abandoned: 2 sequence\(s\) cannot be read on \S+$/);
    expect(e.problems[0]).toEqual({ item: "sequence public.items_id_seq", message: expect.stringMatching(/may not read its value, so it cannot be carried over; GRANT SELECT ON SEQUENCE "public"\."items_id_seq" TO that user$/) });
    expect(await sql(url.dst, "SELECT last_value FROM items_id_seq;")).toEqual([before]);
  });

  it("keeps the first failure when writes cannot be allowed again, says the source is still read-only and gives the command that allows them", async () => {
    // The network drops once writes are stopped: nothing reaches the source's database any more (ALLOW_CONNECTIONS false refuses even a superuser).
    const a = A as PostgresServer;
    const afterStep = async (step: string) => {
      if (step !== "writes stopped") return;
      await a.superuserSql("ALTER DATABASE shop ALLOW_CONNECTIONS false;");
      throw new Error("the network dropped");
    };
    const e = (await cutover({ ...op(), afterStep }).catch((x: unknown) => x)) as MigrationError;
    expect(e.summary).toMatch(
      /^switch-over abandoned: the network dropped; writes could NOT be allowed again: \S+ still refuses the application's writes \(replication to \S+ still runs\)\. Allow them with: psql "postgresql:\/\/postgres@127\.0\.0\.1:\d+\/shop" -c "SET default_transaction_read_only = off" -c "ALTER DATABASE \\"shop\\" RESET default_transaction_read_only"$/,
    );
    expect(e.problems[0]?.message).toContain('database "shop" is not currently accepting connections');
    await a.superuserSql("ALTER DATABASE shop ALLOW_CONNECTIONS true;");
    expect((await psql(pgConnection(url.src, "target"), "INSERT INTO items (name) VALUES ('x');", { stopOnError: false })).stderr).toContain("read-only transaction");
    const command = /Allow them with: (.*)$/.exec(e.summary)?.[1] ?? "";
    expect((await run("sh", ["-c", command], { env: { ...process.env, PGPASSWORD: pgConnection(url.src, "target").env.PGPASSWORD } })).code).toBe(0);
    expect(await sql(url.src, "INSERT INTO items (name) VALUES ('writable again') RETURNING name;")).toEqual(["writable again"]);
  }, 180_000);

  it("resumes a cutover stopped after the replication that caught up was ended: status names it, rollback and finish refuse, and the resumed switch is verified with no write lost; a row the old primary takes after it that the way back cannot apply is named by status and ends rollback's wait at once", async () => {
    const app = writer(() => url.src);
    await new Promise((r) => setTimeout(r, 600));
    const kill = async (step: string) => {
      if (step === "replication ended") throw new Error("killed");
    };
    const e = (await cutover({ ...op(), afterStep: kill }).catch((x: unknown) => x)) as MigrationError;
    const { accepted } = await app.stop();
    expect(accepted).toBeGreaterThan(0);
    const half = /^a cutover stopped half-way: the replication to \S+ ended after it caught up, the way back is not yet subscribed, and writes are stopped on both sides\. No write is lost \(\S+ refuses writes\); freehold replicate cutover resumes it$/;
    expect(e.summary.replace(/^the switch stopped half-way: /, "")).toMatch(half);
    expect(await replicationStatus(op())).toMatchObject({ halfWayOnly: true, warnings: [expect.stringMatching(half)] });
    expect(((await rollback(op()).catch((x: unknown) => x)) as MigrationError).summary).toMatch(/^refusing to roll back: a cutover stopped half-way: .* freehold replicate cutover resumes it$/);
    expect(((await finishReplication(op()).catch((x: unknown) => x)) as MigrationError).summary).toMatch(/^refusing to finish: a cutover stopped half-way: .*, then finish$/);

    // Resumed while the source cannot reach the target: it stops half-way again, saying so, and the command that resumes it.
    const unreachable = url.dst.replace(/:\d+\//, ":1/");
    const again = (await cutover({ ...op(), targetFromSource: unreachable }).catch((x: unknown) => x)) as MigrationError;
    expect(again.summary).toMatch(/^the switch stopped half-way: a cutover stopped half-way: .*freehold replicate cutover resumes it$/);
    expect(again.problems[0]?.message).toContain("could not connect to the publisher");

    const r = await cutover(op());
    expect(r).toMatchObject({ resumed: true, verified: true, tables: 2 });
    const onSource = await count(url.src, "orders");
    expect(await count(url.dst, "orders")).toBe(onSource);
    // The target takes writes, and the way back carries them to the source.
    await sql(url.dst, "INSERT INTO orders (item) VALUES (3);");
    await until(async () => (await count(url.src, "orders")) === onSource + 1);
    expect(await count(url.src, "orders")).toBe(onSource + 1);

    // A row written on the old primary after cutover (a session may override its read-only default), then one with the
    // same key on the new primary: the way back cannot apply it. Status says so, and rollback ends its wait at once,
    // not at its timeout (the old primary's apply worker retries every wal_retrieve_retry_interval, here 300 ms).
    await (A as PostgresServer).superuserSql("ALTER SYSTEM SET wal_retrieve_retry_interval = '300ms';\nSELECT pg_reload_conf();");
    await sql(url.src, "BEGIN READ WRITE; INSERT INTO items (id, name) VALUES (900001, 'old primary, after cutover'); COMMIT;");
    await sql(url.dst, "INSERT INTO items (id, name) VALUES (900001, 'new primary');");
    const fails = /the way back fails to apply \(\d+ error\(s\) on \S+\): most often a row written on the old primary after cutover conflicts with the new primary's; see the old primary's server log for the key, and remove the conflicting row there/;
    await until(async () => (await replicationStatus(op())).warnings.some((w) => fails.test(w)));
    expect((await replicationStatus(op())).warnings).toContainEqual(expect.stringMatching(fails));
    const lines: string[] = [];
    const t0 = Date.now();
    const rb = (await rollback({ ...op(), catchUpTimeoutMs: 120_000, log: (l) => lines.push(l) }).catch((x: unknown) => x)) as MigrationError;
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(rb.summary).toMatch(new RegExp(`^the source cannot catch up \\(\\d+ bytes behind\\): ${fails.source}$`));
    // Replication is not said to "still run".
    expect(lines).toContainEqual(expect.stringMatching(/^switch-over abandoned: writes allowed again on \S+, replication to \S+ fails to apply \(see below\)$/));
    await (A as PostgresServer).superuserSql("ALTER SYSTEM RESET wal_retrieve_retry_interval;\nSELECT pg_reload_conf();");
    await finishReplication(op());
  }, 180_000);

  it("never writes the source's password to the target's server log, even when the subscription cannot connect; a failed start says what it left, and --restart drops only that", async () => {
    const a = A as PostgresServer;
    const b = B as PostgresServer;
    await a.superuserSql("CREATE DATABASE pwshop;");
    await b.superuserSql("CREATE DATABASE pwshop;");
    // PostgreSQL's default logs a failing statement's text (log_min_error_statement = error); DDL is logged too here (log_statement = ddl).
    await b.superuserSql("ALTER SYSTEM SET log_min_error_statement = 'error';\nALTER SYSTEM SET log_statement = 'ddl';\nSELECT pg_reload_conf();");
    const from = inDb(a, "pwshop");
    const to = inDb(b, "pwshop");
    await sql(from, `CREATE TABLE products (id serial PRIMARY KEY, name text); INSERT INTO products (name) SELECT 'p' || g FROM generate_series(1, 50) g;
      CREATE VIEW named AS SELECT name FROM products; CREATE FUNCTION pname(int) RETURNS text LANGUAGE sql AS 'SELECT name FROM public.products WHERE id = $1';
      CREATE SCHEMA extra; CREATE TABLE extra.notes (id int PRIMARY KEY);`);
    const e = (await startReplication({ from, to, sourceFromTarget: from.replace(/:\d+\//, ":1/") }).catch((x: unknown) => x)) as MigrationError;
    expect(e.summary).toMatch(
      /^replication did not start: \S+ cannot reach the source at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/pwshop \(could not connect to the publisher: connection to server at "127\.0\.0\.1", port 1 failed: Connection refused[^)]*\); give the address the target's server reaches the source by with --source-from-target and open the network path$/,
    );
    const left = /^an earlier start of this pair left the subscription freehold_exit_\w+ on \S+, the publication freehold_exit_\w+, 5 object\(s\) it created on the target \((.*)\): freehold replicate start --restart drops exactly these and starts again; freehold replicate finish drops only the subscription, publication and slot$/;
    expect(e.problems[0]?.message).toMatch(left);
    expect((left.exec(e.problems[0]?.message ?? "")?.[1] ?? "").split(", ").sort()).toEqual(["function public.pname(integer)", "schema extra", "table extra.notes", "table public.products", "view public.named"]);

    const logOf = (s: PostgresServer) => s.superuserSql("SELECT pg_read_file(regexp_replace(current_setting('data_directory'), '/data$', '/server.log'));");
    const log = await logOf(b);
    expect(log).toContain("could not connect to the publisher"); // the failure is in the log ...
    expect(log).toMatch(/statement: CREATE SUBSCRIPTION/); // ... and so is DDL (log_statement = ddl) ...
    expect(log).not.toContain("s0urce"); // ... but never the source's password
    expect(await logOf(a)).not.toContain("target pw"); // nor the target's, tried (and refused) for the way back by an earlier test

    // Re-running start names what is left; --restart refuses while the target holds a table no start created, then drops only what the start did.
    await sql(to, "CREATE TABLE public.mine (id int PRIMARY KEY);");
    const rerun = (await startReplication({ from, to }).catch((x: unknown) => x)) as MigrationError;
    expect(rerun.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^holds 3 tables already \(extra\.notes, public\.mine, public\.products\): replication starts on an empty database; an earlier start of this pair left .* --restart drops exactly these/)]);
    const refused = (await startReplication({ from, to, restart: true }).catch((x: unknown) => x)) as MigrationError;
    expect(refused.problems.map((p) => p.message)).toEqual([
      "holds 1 table(s) no start of this pair created (public.mine): --restart drops only what a start created; replication starts on an empty database",
    ]);
    await sql(to, "DROP TABLE public.mine;");
    // A subscriber that logs every statement logs the one that stores the password too, but it holds no password: it
    // reads it from the session's startup options. Only pgaudit (which logs a block's own statements) is warned about.
    await b.superuserSql("ALTER SYSTEM SET log_statement = 'all';\nSELECT pg_reload_conf();");
    await until(async () => (await sql(to, "SHOW log_statement;"))[0] === "all");
    const r = await startReplication({ from, to, restart: true });
    expect(r.tables).toBe(2);
    expect(await count(to, "public.products")).toBe(50);
    await finishReplication({ from, to });
    const logged = await logOf(b);
    expect(logged).toMatch(/statement: .*ALTER SUBSCRIPTION %I CONNECTION %L/);
    expect(logged).not.toContain("s0urce");
    expect(await secretLoggingWarnings(pgConnection(to, "target"))).toEqual([]);
    await b.superuserSql("ALTER SYSTEM RESET log_statement;\nALTER SYSTEM RESET log_min_error_statement;\nSELECT pg_reload_conf();");
  }, 180_000);

  it("refuses, before creating anything on the target, a source whose tables run a function an ordinary role owns (a CHECK that would make a superuser), naming each with its owner and use", async () => {
    const a = A as PostgresServer;
    const b = B as PostgresServer;
    await Promise.all([a.superuserSql("CREATE DATABASE tenantdb;"), b.superuserSql("CREATE DATABASE tenantdb;")]);
    await a.superuserSql("CREATE ROLE tenant LOGIN PASSWORD 'tenant-pw'; GRANT CREATE ON SCHEMA public TO tenant;", "tenantdb");
    const from = inDb(a, "tenantdb");
    const to = inDb(b, "tenantdb");
    // The reviewer's attack, written by the tenant: harmless on the source, a SUPERUSER role on a target that ran it as its administrator.
    await sql(
      from,
      `SET ROLE tenant;
      CREATE FUNCTION public.ok(v int) RETURNS boolean LANGUAGE plpgsql AS $f$ BEGIN
        IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'pwned') THEN
          EXECUTE 'CREATE ROLE pwned LOGIN SUPERUSER PASSWORD ''pwned''';
        END IF; RETURN true; END $f$;
      CREATE FUNCTION public.stamp() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NEW; END $f$;
      CREATE TABLE public.t (id int PRIMARY KEY, v int CHECK (public.ok(v)));
      CREATE TRIGGER t_stamp BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.stamp();
      ALTER TABLE public.t ENABLE ALWAYS TRIGGER t_stamp;
      INSERT INTO public.t VALUES (1, 1);`,
    );
    const e = (await startReplication({ from, to }).catch((x: unknown) => x)) as MigrationError;
    expect(e.summary).toBe("refusing to start replication: 2 problem(s); nothing was created");
    const why = (fn: string, use: string) =>
      `function ${fn}, owned by tenant, would run on the target with the rights of the role that applies the rows (the target's administrator on PostgreSQL 15), used by ${use}: make a role you trust own it on the source (ALTER FUNCTION ... OWNER TO), or pass --trust-functions-of tenant if you trust that role's code with those rights`;
    expect(e.problems.map((p) => p.message)).toEqual([why("public.ok(integer)", "constraint t_v_check of public.t"), why("public.stamp()", "trigger t_stamp of public.t (fires on a subscriber)")]);
    expect(await sql(to, "SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace) + (SELECT count(*) FROM pg_subscription) + (SELECT count(*) FROM pg_roles WHERE rolname = 'pwned');")).toEqual(["0"]);
    expect(await sql(from, "SELECT count(*) FROM pg_publication;")).toEqual(["0"]);
    // Named with --trust-functions-of, the tenant's functions pass.
    expect((await sourceFunctions(pgConnection(from, "target"), ["tenant"])).map((f) => [f.fn, f.trusted])).toEqual([
      ["public.ok(integer)", true],
      ["public.stamp()", true],
    ]);

    // A function that reaches the source after the check is caught on the target, in the transaction that would create the schema.
    const guard = await psql(pgConnection(to, "target"), `BEGIN; CREATE FUNCTION public.ok(v int) RETURNS boolean LANGUAGE sql AS 'SELECT true'; CREATE TABLE public.t (v int CHECK (public.ok(v)));\nSET LOCAL search_path = pg_catalog, pg_temp;\n${guardSql([])}\nROLLBACK;`, { stopOnError: false });
    expect(guard.stderr).toContain("the schema dumped from the source runs functions the check before it did not see (created on the source meanwhile): public.ok(integer); nothing was created");
    await Promise.all([a.superuserSql("DROP DATABASE tenantdb;"), b.superuserSql("DROP DATABASE tenantdb;")]);
    await a.superuserSql("DROP ROLE tenant;");
  }, 120_000);

  it("counts as code the target runs a domain's CHECK reached through a composite column, a cast in a constraint, a range, a multirange and a function a parsed body calls", async () => {
    const a = A as PostgresServer;
    await a.superuserSql("CREATE ROLE typer; CREATE SCHEMA typer AUTHORIZATION typer;");
    const fn = (n: string) => `CREATE FUNCTION typer.${n}(v int) RETURNS boolean LANGUAGE sql AS 'SELECT true'; CREATE DOMAIN typer.${n}_d AS int CHECK (typer.${n}(VALUE));`;
    await a.superuserSql(
      `SET ROLE typer; ${["comp", "casted", "rng", "multi", "deep"].map(fn).join(" ")}
      CREATE TYPE typer.wrap AS (x typer.comp_d); CREATE TABLE typer.t1 (id int PRIMARY KEY, w typer.wrap);
      CREATE TABLE typer.t2 (id int PRIMARY KEY, v int CHECK ((v)::typer.casted_d IS NOT NULL));
      CREATE TYPE typer.r AS RANGE (subtype = typer.rng_d); CREATE TABLE typer.t3 (id int PRIMARY KEY, r typer.r);
      CREATE TYPE typer.m AS RANGE (subtype = typer.multi_d); CREATE TABLE typer.t4 (id int PRIMARY KEY, m typer.m_multirange);
      CREATE FUNCTION typer.outer_ok(v int) RETURNS boolean LANGUAGE sql RETURN typer.deep(v); CREATE TABLE typer.t5 (id int PRIMARY KEY, v int CHECK (typer.outer_ok(v)));`,
    );
    try {
      expect((await sourceFunctions(pgConnection(a.superuserUrl, "target"), [])).map((f) => [f.fn, f.uses, f.trusted])).toEqual([
        ["typer.casted(integer)", "domain typer.casted_d (a type of constraint t2_v_check of typer.t2)", false],
        ["typer.comp(integer)", "domain typer.comp_d (a column type of typer.t1)", false],
        ["typer.deep(integer)", "called by typer.outer_ok(integer)", false],
        ["typer.multi(integer)", "domain typer.multi_d (a column type of typer.t4)", false],
        ["typer.outer_ok(integer)", "constraint t5_v_check of typer.t5", false],
        ["typer.rng(integer)", "domain typer.rng_d (a column type of typer.t3)", false],
      ]);
    } finally {
      await a.superuserSql("DROP SCHEMA typer CASCADE; DROP ROLE typer;");
    }
  });

  it("counts as code the target runs a partition key expression, a materialized view's query (and a view it reads), expression statistics and an index's operator class", async () => {
    const a = A as PostgresServer;
    await a.superuserSql("CREATE ROLE keyer; CREATE SCHEMA keyer AUTHORIZATION keyer;");
    const fn = (n: string) => `CREATE FUNCTION keyer.${n}(v int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT v';`;
    await a.superuserSql(
      `SET ROLE keyer; ${["part", "mv", "viewed", "stats", "hash"].map(fn).join(" ")}
      CREATE TABLE keyer.events (id int, x int) PARTITION BY RANGE (keyer.part(x)); CREATE TABLE keyer.events_p0 PARTITION OF keyer.events FOR VALUES FROM (0) TO (100);
      CREATE VIEW keyer.v AS SELECT keyer.viewed(1) AS y;
      CREATE MATERIALIZED VIEW keyer.mvx AS SELECT keyer.mv(1) AS x, (SELECT y FROM keyer.v) AS y;
      CREATE TABLE keyer.stats_t (id int, x int); CREATE STATISTICS keyer.st ON (keyer.stats(x)), (x + 1) FROM keyer.stats_t;
      RESET ROLE; CREATE OPERATOR CLASS keyer.h_ops FOR TYPE int USING hash AS OPERATOR 1 =, FUNCTION 1 keyer.hash(int);
      CREATE TABLE keyer.hashed (id int); CREATE INDEX hashed_id ON keyer.hashed USING hash (id keyer.h_ops);`,
    );
    try {
      expect((await sourceFunctions(pgConnection(a.superuserUrl, "target"), [])).map((f) => [f.fn, f.uses, f.trusted])).toEqual([
        ["keyer.hash(integer)", "operator class h_ops of index keyer.hashed_id", false],
        ["keyer.mv(integer)", "query of materialized view keyer.mvx (run by its refresh)", false],
        ["keyer.part(integer)", "partition key of keyer.events (routes every row)", false],
        ["keyer.stats(integer)", "statistics keyer.st of keyer.stats_t (run by ANALYZE)", false],
        ["keyer.viewed(integer)", "view keyer.v, read by the refresh of materialized view keyer.mvx", false],
      ]);
    } finally {
      await a.superuserSql("DROP SCHEMA keyer CASCADE; DROP ROLE keyer;");
    }
  });

  it("holds the pair's lock in a session with the server's TCP keepalives at 10 s, 5 s, 3 probes and a 30 s user timeout, so a run that lost its network loses the lock", async () => {
    const c = lockConnection(pgConnection(url.src, "target"), "cutover");
    expect(await psql(c, "SELECT current_setting('tcp_keepalives_idle'), current_setting('tcp_keepalives_interval'), current_setting('tcp_keepalives_count'), current_setting('tcp_user_timeout'), inet_client_addr() IS NOT NULL;").then((r) => r.lines)).toEqual(["10|5|3|30000|t"]);
  });

  it("keeps the pair's lock on both servers through an idle_session_timeout and idle_in_transaction_session_timeout of 300 ms: the lock's session turns them off for itself", async () => {
    const short = (u: string) => `${u}${u.includes("?") ? "&" : "?"}options=${encodeURIComponent("-c idle_session_timeout=300ms -c idle_in_transaction_session_timeout=300ms")}`;
    const holders = "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'freehold-replicate-cutover';";
    const held = await locked({ from: short(url.src), to: short(url.dst) }, "cutover", async () => {
      await new Promise((r) => setTimeout(r, 700));
      return Promise.all([sql(url.src, holders), sql(url.dst, holders)]);
    });
    expect(held).toEqual([["1"], ["1"]]);
  });

  it("knows a pair an earlier freehold started (its objects named by the URLs as typed then): status reads it and finish drops it", async () => {
    const old = { from: url.bad, to: url.badDst };
    // What an earlier version's start left: the same objects, named by the key of the URLs as typed (livePair without the servers' key).
    const legacy = livePair(old).key;
    expect((await withPairKey(old)).pairKey).not.toBe(legacy);
    const name = `freehold_exit_${legacy}`;
    await sql(old.from, `CREATE TABLE old_t (id int PRIMARY KEY); CREATE PUBLICATION ${name} FOR TABLE old_t; SELECT pg_create_logical_replication_slot('${name}', 'pgoutput');`);
    await sql(old.to, `CREATE TABLE old_t (id int PRIMARY KEY); CREATE SUBSCRIPTION ${name} CONNECTION ${quoteLiteral(subscriptionConninfo(old.from, undefined))} PUBLICATION ${name} WITH (connect = false);`);
    const lines: string[] = [];
    expect(await replicationStatus({ ...old, log: (l) => lines.push(l) })).toMatchObject({ direction: "forward", active: false });
    expect(lines).toEqual([`this pair's replication was started by an earlier version of freehold, which named it by the URLs as typed: ${name}`]);
    const [src, dst] = [pgConnection(old.from, "target").display, pgConnection(old.to, "target").display];
    expect((await finishReplication(old)).dropped).toEqual([`subscription ${name} on ${dst}`, `replication slot ${name} on ${src}`, `publication ${name} on ${src}`]);
    for (const u of [old.from, old.to]) expect(await sql(u, "SELECT (SELECT count(*) FROM pg_subscription) + (SELECT count(*) FROM pg_publication) + (SELECT count(*) FROM pg_replication_slots WHERE database = 'legacy');")).toEqual(["0"]);
    for (const u of [old.from, old.to]) await sql(u, "DROP TABLE old_t;");
  });

});
