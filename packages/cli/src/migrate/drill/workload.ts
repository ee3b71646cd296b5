/**
 * The application on the target, after the move, through the target's
 * contract: the read-write role reads every row and object the source's
 * application wrote and writes new ones (insert, update, a sequence's next
 * value, its own schema change, a new object); the read-only role reads the
 * same and is refused every write. Each is a check in the evidence.
 */
import { pgTool, run } from "../proc";
import { appSql, appSqlOk, type Contract, LARGE_ROW_BYTES, readObjects, refusedAll, storeRemote, tableDigests, writeObject } from "./app";
import { check, type PairContext, type Side } from "./pair";
import type { Flavour } from "./servers";

/** What the source's application wrote and read back before the move. */
export interface Written {
  tables: string[];
  digests: Record<string, string>;
  ticketSeq: number;
  maxOrderId: number;
  objects?: Record<string, string>;
}

/** Digests, the sequence and the largest order id, read through a contract. */
export async function readBack(c: Contract, tables: string[]): Promise<Omit<Written, "tables" | "objects">> {
  const digests = await tableDigests(c, tables);
  const [seq, max] = await appSqlOk(c, "SELECT last_value FROM audit.ticket_seq;\nSELECT coalesce(max(id), 0) FROM sales.orders;", "read the sequence and the orders");
  return { digests, ticketSeq: Number(seq), maxOrderId: Number(max) };
}

function sameDigests(c: PairContext, who: string, want: Record<string, string>, got: Record<string, string>): void {
  const differ = Object.keys(want).filter((t) => want[t] !== got[t]);
  const rows = Object.values(got).reduce((n, d) => n + Number(d.split(" ")[0] ?? 0), 0);
  check(c, `${who} reads every row the source's application wrote`, differ.length === 0, differ.length === 0 ? `${Object.keys(want).length} tables, ${rows} rows, each table's rows (as text, ordered) hashing as on the source` : `differs: ${differ.join(", ")}`);
}

/** The read-write role on the target. */
export async function readWriteChecks(c: PairContext, t: Side, written: Written): Promise<void> {
  const rw = t.rw as Contract;
  const user = rw.env.DATABASE_USER;
  let got: Awaited<ReturnType<typeof readBack>> | undefined;
  try {
    got = await readBack(rw, written.tables);
  } catch (e) {
    check(c, `${user} (read-write link) reads every row the source's application wrote`, false, e instanceof Error ? e.message : String(e));
  }
  if (got) sameDigests(c, `${user} (read-write link)`, written.digests, got.digests);
  const large = await appSql(rw, "SELECT length(body) FROM public.documents WHERE id = 1;\nSELECT count(*) FROM public.document_titles WHERE title LIKE 'Adroddiad blynyddol — 年度报告%';\nSELECT sales.order_count();");
  const [bytes, titled, count] = large.stdout.trim().split("\n");
  check(c, `${user} reads the large row, the non-ASCII text, the view and the function`, large.code === 0 && Number(bytes) === LARGE_ROW_BYTES && titled === "1" && Number(count) > 0, large.code === 0 ? `large row ${bytes} bytes; the Welsh/CJK/emoji title found through the view; sales.order_count() = ${count}` : large.stderr.trim());
  const write = await appSql(
    rw,
    [
      "INSERT INTO sales.orders (buyer_name, buyer_ref, placed_at, status) VALUES ('Prynwr newydd — 新しい買い手 🚀', gen_random_uuid(), now(), 'placed') RETURNING id;",
      "UPDATE catalogue.suppliers SET notes = 'updated on the new cloud' WHERE id = (SELECT min(id) FROM catalogue.suppliers) RETURNING id;",
      "SELECT nextval('audit.ticket_seq');",
      "INSERT INTO public.documents (title, body) VALUES ('written after the move', '\\x00ff'::bytea) RETURNING id;",
      "ALTER TABLE public.documents ADD COLUMN reviewed boolean NOT NULL DEFAULT false;",
      "SELECT 'altered';",
    ].join("\n"),
  );
  const [orderId, supplier, next, docId, altered] = write.stdout.trim().split("\n");
  const ok = write.code === 0 && Number(orderId) > written.maxOrderId && supplier !== undefined && Number(next) > written.ticketSeq && Number(docId) > 1 && altered === "altered";
  check(
    c,
    `${user} writes: insert (identity), update, sequence nextval, insert (identity by default), its own schema change`,
    ok,
    write.code === 0 ? `order ${orderId} (source's last ${written.maxOrderId}); supplier ${supplier} updated; ticket_seq ${next} (source's last ${written.ticketSeq}); document ${docId}; ALTER TABLE as the owner` : write.stderr.trim().split("\n").slice(-2).join(" "),
  );
}

/** The read-only role on the target. */
export async function readOnlyChecks(c: PairContext, t: Side, written: Written): Promise<void> {
  const ro = t.ro as Contract;
  const user = ro.env.DATABASE_USER;
  try {
    sameDigests(c, `${user} (read link)`, written.digests, (await readBack(ro, written.tables)).digests);
  } catch (e) {
    check(c, `${user} (read link) reads every row the source's application wrote`, false, e instanceof Error ? e.message : String(e));
  }
  const refusals: Array<[string, RegExp]> = [
    ["INSERT INTO sales.orders (buyer_name, buyer_ref, placed_at, status) VALUES ('x', gen_random_uuid(), now(), 'placed')", /permission denied for table orders/],
    ["UPDATE catalogue.suppliers SET notes = 'x'", /permission denied for table suppliers/],
    ["SELECT nextval('audit.ticket_seq')", /permission denied for sequence ticket_seq/],
    ["DELETE FROM public.documents", /permission denied for table documents/],
    ["CREATE TABLE public.intruder (id int)", /permission denied for schema public/],
  ];
  const results = await refusedAll(ro, refusals);
  check(c, `${user} is refused every write`, results.every((r) => r.ok), results.map((r) => r.detail).join("; "));
}

/** Nothing the restore made belongs to anyone but the read-write role (none to a role the target lacks). */
export async function ownershipCheck(c: PairContext, f: Flavour, adminEnv: Record<string, string>, expected: string): Promise<void> {
  const sql = `SELECT coalesce(string_agg(DISTINCT pg_get_userbyid(owner), ','), '') FROM (
  SELECT relowner AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND c.relkind IN ('r','p','v','m','S','f')
  UNION ALL SELECT proowner FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  UNION ALL SELECT nspowner FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname NOT IN ('information_schema', 'public')) o;`;
  const r = await run(pgTool("psql"), ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql], { env: adminEnv, secrets: [f.admin.password] });
  const owners = r.stdout.trim();
  check(c, "every table, sequence, view, function and schema the restore made belongs to the target's read-write role", r.code === 0 && owners === expected, r.code === 0 ? `owners: ${owners || "none"}` : r.stderr.trim());
}

/** Objects through the contracts: the read-write link reads every object and writes one; the read link reads every object. */
export async function objectChecks(c: PairContext, t: Side, written: Written): Promise<void> {
  const want = written.objects ?? {};
  const store = t.store;
  if (!store || !t.rw || !t.ro) return;
  for (const [who, contract] of [[`read-write link (${t.rw.env.OBJECT_STORE_PROVIDER})`, t.rw], [`read link (${t.ro.env.OBJECT_STORE_PROVIDER})`, t.ro]] as const) {
    try {
      const got = await readObjects(storeRemote(contract, store.remote));
      const differ = Object.keys(want).filter((k) => want[k] !== got[k]);
      check(c, `the ${who} reads every object the source's application wrote`, differ.length === 0, differ.length === 0 ? `${Object.keys(want).length} objects downloaded, each MD5 as written` : `missing or different: ${differ.join(", ")}`);
    } catch (e) {
      check(c, `the ${who} reads every object the source's application wrote`, false, e instanceof Error ? e.message : String(e));
    }
  }
  const w = await writeObject(storeRemote(t.rw, store.remote), c.dir, "uploads/after-the-move/نص.txt", "written by the application on the new cloud — ysgrifennwyd 🚀\n");
  check(c, "the read-write link writes a new object and reads it back", w.ok, w.detail);
}
