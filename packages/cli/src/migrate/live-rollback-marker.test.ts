/**
 * A rollback stopped after it stopped writes on the target (the process killed, the network gone) once a cutover had
 * completed: the source is read-only by design then, and the rollback had already prepared the forward publication
 * and subscription (its way back), so only the mark the switch records on its publication tells which way it went.
 * Real PostgreSQL servers, started by the test.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MigrationError } from "./errors";
import { cutover, type LiveOptions, replicationStatus, rollback, startReplication } from "./live";
import { pgConnection, psql } from "./pg";
import { rehearsalPreflight } from "./rehearse";
import { type PostgresServer, startPostgres } from "./servers";

let A: PostgresServer | undefined;
let B: PostgresServer | undefined;
const url = { src: "", dst: "" };

const sql = async (u: string, text: string): Promise<string[]> => (await psql(pgConnection(u, "target"), text)).lines;
const count = async (u: string): Promise<number> => Number((await sql(u, "SELECT count(*) FROM items;"))[0]);
const inDb = (server: PostgresServer, db: string) => server.superuserUrl.replace(/\/postgres$/, `/${db}`);
const opts = (): LiveOptions => ({ from: url.src, to: url.dst });
const until = async (ok: () => Promise<boolean>) => {
  for (let i = 0; i < 100 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 100));
};

beforeAll(async () => {
  const missing = rehearsalPreflight();
  if (missing.length > 0) throw new Error(`missing prerequisites:\n  ${missing.join("\n  ")}`);
  [A, B] = await Promise.all([startPostgres({ name: "mark-a", superuserPassword: "mark a" }), startPostgres({ name: "mark-b", superuserPassword: "mark b" })]);
  await Promise.all([A.createDatabase("shop", "shop_a", "pw-a"), B.createDatabase("shop", "shop_b", "pw-b")]);
  url.src = inDb(A, "shop");
  url.dst = inDb(B, "shop");
  await sql(url.src, "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL); INSERT INTO items (name) SELECT 'item ' || g FROM generate_series(1, 200) g;");
}, 120_000);

afterAll(async () => {
  await Promise.all([A?.stop(), B?.stop()]);
});

/**
 * A rollback that dies right after it stopped writes on the target: the network to the target drops there (no new
 * session reaches its database), so the rollback cannot allow writes again before it ends, as a killed process would not.
 */
async function killedRollback(): Promise<void> {
  const b = B as PostgresServer;
  const afterStep = async (step: string) => {
    if (step !== "writes stopped") return;
    await b.superuserSql("ALTER DATABASE shop ALLOW_CONNECTIONS false;");
    throw new Error("killed");
  };
  const e = (await rollback({ ...opts(), afterStep }).catch((x: unknown) => x)) as MigrationError;
  expect(e.summary).toMatch(/^switch-over abandoned: killed; writes could NOT be allowed again/);
  await b.superuserSql("ALTER DATABASE shop ALLOW_CONNECTIONS true;");
}

describe("a rollback interrupted after it stopped writes (real PostgreSQL)", () => {
  it("is named by status as a rollback stopped on the target, and rollback resumes it with no write lost", async () => {
    await startReplication(opts());
    await cutover(opts());
    // The application now writes on the new primary (the target); the way back carries its rows to the source.
    await sql(url.dst, "INSERT INTO items (name) SELECT 'after cutover ' || g FROM generate_series(1, 50) g;");
    const [src, dst] = [pgConnection(url.src, "target").display, pgConnection(url.dst, "target").display];

    await killedRollback();
    const said = `writes are stopped on ${dst} (it is read-only for the application) by a rollback that was interrupted before it switched anything; replication to ${src} still runs: freehold replicate rollback resumes the switch, freehold replicate cutover gives writes back to ${dst} and keeps replication running`;
    expect(await replicationStatus(opts())).toMatchObject({ direction: "back", warnings: [said] });
    // Both sides refuse the application's writes meanwhile: none can land on the side that is not the primary.
    for (const u of [url.src, url.dst]) expect((await psql(pgConnection(u, "target"), "INSERT INTO items (name) VALUES ('x');", { stopOnError: false })).stderr).toContain("read-only transaction");
    // The command that resumes it, as status says: the source takes writes again, with every row the target had.
    const r = await rollback(opts());
    expect(r).toMatchObject({ verified: true, tables: 1 });
    expect(r.writesGivenBack).toBeUndefined();
    const total = 200 + 50;
    expect(await count(url.src)).toBe(total);
    expect(await count(url.dst)).toBe(total);
    expect(await sql(url.src, "INSERT INTO items (name) VALUES ('on the source again') RETURNING name;")).toEqual(["on the source again"]);
    await until(async () => (await count(url.dst)) === total + 1);
    expect(await count(url.dst)).toBe(total + 1);
  }, 120_000);
});
