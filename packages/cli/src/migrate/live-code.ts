/**
 * Code from the source that the target's server runs while replication copies and applies rows: the functions a
 * replicated table's CHECK and exclusion constraints, defaults and generated columns, index expressions, row-level
 * policies, ENABLE ALWAYS/REPLICA triggers (the ones that fire on a subscriber), column domains and column types'
 * I/O functions, partition keys (every row is routed through them), operator classes, materialized views' queries and
 * the views they read (a restore refreshes them), expression statistics (every ANALYZE, autovacuum's too, evaluates
 * them) call, and every SECURITY DEFINER function. PostgreSQL 15 applies (and copies) every row as the
 * subscription's owner, the target's administrator, and the schema is created without its owners, so such a function
 * runs with the administrator's rights whoever wrote it on the source. `start` refuses a function whose owner on the
 * source is not trusted, and checks again on the target, in the transaction that creates the schema, that nothing
 * else arrived between the check and the dump.
 * https://www.postgresql.org/docs/15/logical-replication-security.html
 */

import { randomBytes } from "node:crypto";
import { one } from "./live-sql";
import { type PgConnection, quoteLiteral } from "./pg";

/** Rows (fn regprocedure text, owner, uses, proowner oid) of every user function whose code runs per row of a user table, or is SECURITY DEFINER. */
const REACHABLE = `WITH RECURSIVE t AS (
  -- Tables, and materialized views: the restore refreshes them (REFRESH MATERIALIZED VIEW runs the query as the role that restores).
  SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
), queries AS (
  -- A materialized view's query, and the query of every view it reads (a refresh expands them): (relation, its view) pairs.
  SELECT c.oid, c.oid AS mv FROM pg_class c JOIN t ON t.oid = c.oid WHERE c.relkind = 'm'
  UNION SELECT v.oid, queries.mv FROM queries JOIN pg_rewrite rw ON rw.ev_class = queries.oid JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass
    JOIN pg_class v ON v.oid = d.refobjid AND v.relkind = 'v'
), deps AS (
  SELECT d.refobjid AS ref, d.refclassid AS cls, co.conrelid AS rel, format('constraint %I of %s', co.conname, co.conrelid::regclass) AS what FROM pg_constraint co JOIN t ON t.oid = co.conrelid JOIN pg_depend d ON d.classid = 'pg_constraint'::regclass AND d.objid = co.oid
  UNION ALL SELECT d.refobjid, d.refclassid, ad.adrelid, format('default of %s.%I', ad.adrelid::regclass, a.attname) FROM pg_attrdef ad JOIN t ON t.oid = ad.adrelid JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
  UNION ALL SELECT d.refobjid, d.refclassid, i.indrelid, format('index %s', i.indexrelid::regclass) FROM pg_index i JOIN t ON t.oid = i.indrelid JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
  UNION ALL SELECT d.refobjid, d.refclassid, tg.tgrelid, format('trigger %I of %s (fires on a subscriber)', tg.tgname, tg.tgrelid::regclass) FROM pg_trigger tg JOIN t ON t.oid = tg.tgrelid JOIN pg_depend d ON d.classid = 'pg_trigger'::regclass AND d.objid = tg.oid WHERE tg.tgenabled IN ('A', 'R') AND NOT tg.tgisinternal
  UNION ALL SELECT d.refobjid, d.refclassid, po.polrelid, format('policy %I of %s', po.polname, po.polrelid::regclass) FROM pg_policy po JOIN t ON t.oid = po.polrelid JOIN pg_depend d ON d.classid = 'pg_policy'::regclass AND d.objid = po.oid
  -- A partition key's expressions and operator classes are the partitioned table's own dependencies; every row written is routed through them.
  UNION ALL SELECT d.refobjid, d.refclassid, pt.partrelid, format('partition key of %s (routes every row)', pt.partrelid::regclass) FROM pg_partitioned_table pt JOIN t ON t.oid = pt.partrelid JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = pt.partrelid AND d.objsubid = 0
  UNION ALL SELECT d.refobjid, d.refclassid, q.mv, CASE WHEN q.oid = q.mv THEN format('query of materialized view %s (run by its refresh)', q.mv::regclass) ELSE format('view %s, read by the refresh of materialized view %s', q.oid::regclass, q.mv::regclass) END
    FROM queries q JOIN pg_rewrite rw ON rw.ev_class = q.oid JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
  -- Extended statistics on expressions: every ANALYZE of the table (autovacuum's too) evaluates them.
  UNION ALL SELECT d.refobjid, d.refclassid, st.stxrelid, format('statistics %I.%I of %s (run by ANALYZE)', sn.nspname, st.stxname, st.stxrelid::regclass) FROM pg_statistic_ext st JOIN t ON t.oid = st.stxrelid JOIN pg_namespace sn ON sn.oid = st.stxnamespace
    JOIN pg_depend d ON d.classid = 'pg_statistic_ext'::regclass AND d.objid = st.oid
), types AS (
  -- Every type a row's value passes through: the columns' types, and the types a constraint, default, index, trigger or policy
  -- casts to (a cast to a domain runs its CHECK); then, recursively, a domain's base type, an array's element, a composite
  -- type's attributes, a range's subtype and a multirange's range (parsing a value parses each of these, domains checked).
  SELECT a.atttypid AS oid, a.attrelid AS rel, format('a column type of %s', a.attrelid::regclass) AS via FROM pg_attribute a JOIN t ON t.oid = a.attrelid WHERE a.attnum > 0 AND NOT a.attisdropped
  UNION SELECT deps.ref, deps.rel, format('a type of %s', deps.what) FROM deps WHERE deps.cls = 'pg_type'::regclass
  UNION SELECT x.o, types.rel, types.via FROM types JOIN pg_type y ON y.oid = types.oid CROSS JOIN LATERAL (
    SELECT y.typbasetype UNION ALL SELECT y.typelem
    UNION ALL SELECT at.atttypid FROM pg_attribute at WHERE y.typrelid <> 0 AND at.attrelid = y.typrelid AND at.attnum > 0 AND NOT at.attisdropped
    UNION ALL SELECT rg.rngsubtype FROM pg_range rg WHERE rg.rngtypid = y.oid
    UNION ALL SELECT rg.rngtypid FROM pg_range rg WHERE rg.rngmultitypid = y.oid
  ) x(o) WHERE x.o <> 0
), uses AS (
  SELECT ref AS fn, cls, what FROM deps
  UNION ALL SELECT d.refobjid, d.refclassid, format('domain %s (%s)', co.contypid::regtype, types.via) FROM types JOIN pg_constraint co ON co.contypid = types.oid JOIN pg_depend d ON d.classid = 'pg_constraint'::regclass AND d.objid = co.oid
  UNION ALL SELECT f.f, 'pg_proc'::regclass::oid, format('type %s (%s)', y.oid::regtype, types.via) FROM types JOIN pg_type y ON y.oid = types.oid
    CROSS JOIN LATERAL (VALUES (y.typinput::oid), (y.typoutput::oid), (y.typreceive::oid), (y.typsend::oid), (y.typmodin::oid), (y.typmodout::oid), (y.typanalyze::oid)) f(f) WHERE f.f <> 0
  UNION ALL SELECT f.f, 'pg_proc'::regclass::oid, format('range type %s (%s)', r.rngtypid::regtype, types.via) FROM types JOIN pg_range r ON r.rngtypid = types.oid
    CROSS JOIN LATERAL (VALUES (r.rngcanonical::oid), (r.rngsubdiff::oid)) f(f) WHERE f.f <> 0
  UNION ALL SELECT p.oid, 'pg_proc'::regclass::oid, 'SECURITY DEFINER: runs as its owner, on the target the role that creates the schema' FROM pg_proc p WHERE p.prosecdef
), fns AS (
  -- A function whose body PostgreSQL parsed (LANGUAGE sql with BEGIN ATOMIC or RETURN) depends on what it calls: followed. A
  -- PL/pgSQL or quoted body records no such dependency; what it calls is its owner's choice, trusted with the owner.
  SELECT fn, what FROM uses WHERE cls = 'pg_proc'::regclass
  UNION ALL SELECT o.oprcode::oid, u.what FROM uses u JOIN pg_operator o ON o.oid = u.fn WHERE u.cls = 'pg_operator'::regclass
  -- An operator class (of an index or a partition key): its family's support functions and operators' functions run on every row.
  UNION ALL SELECT f.f, format('operator class %s of %s', oc.opcname, u.what) FROM uses u JOIN pg_opclass oc ON oc.oid = u.fn CROSS JOIN LATERAL (
    SELECT ap.amproc::oid FROM pg_amproc ap WHERE ap.amprocfamily = oc.opcfamily UNION ALL SELECT o.oprcode::oid FROM pg_amop ao JOIN pg_operator o ON o.oid = ao.amopopr WHERE ao.amopfamily = oc.opcfamily
  ) f(f) WHERE u.cls = 'pg_opclass'::regclass
  UNION SELECT coalesce(o.oprcode::oid, d.refobjid), format('called by %s', fns.fn::regprocedure) FROM fns JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = fns.fn AND d.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass) AND d.deptype = 'n'
    LEFT JOIN pg_operator o ON d.refclassid = 'pg_operator'::regclass AND o.oid = d.refobjid
)
SELECT p.oid::regprocedure::text AS fn, r.rolname AS owner, r.rolsuper AS super, string_agg(DISTINCT fns.what, '; ' ORDER BY fns.what) AS uses
FROM fns JOIN pg_proc p ON p.oid = fns.fn JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_roles r ON r.oid = p.proowner
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
GROUP BY p.oid, r.rolname, r.rolsuper`;

export interface SourceFunction {
  fn: string;
  owner: string;
  uses: string;
  trusted: boolean;
}

/**
 * The source's functions the target would run per row, each with its owner and whether it is trusted: owned by the
 * source's login (the operator, who dumps the schema), by a superuser, or by a role the operator names. With
 * `snapshot` (an exported snapshot's id, its exporting transaction still open), read as the catalogs were in it: what a
 * dump of that snapshot holds, even if a role dropped it since (a domain's CHECK dropped right after the snapshot is
 * still in the dump).
 */
export async function sourceFunctions(src: PgConnection, trustedOwners: string[], snapshot?: string): Promise<SourceFunction[]> {
  const trusted = `(r.owner = current_user OR r.super OR r.owner = ANY (ARRAY[${trustedOwners.map(quoteLiteral).join(", ")}]::text[]))`;
  const query = `SELECT coalesce(json_agg(json_build_object('fn', r.fn, 'owner', r.owner, 'uses', r.uses, 'trusted', ${trusted}) ORDER BY r.fn), '[]') FROM (${REACHABLE}) r;`;
  const line = await one(
    src,
    snapshot === undefined ? query : `BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\nSET TRANSACTION SNAPSHOT ${quoteLiteral(snapshot)};\n${query}\nCOMMIT;`,
    "list the functions the replicated tables run",
  );
  return JSON.parse(line || "[]") as SourceFunction[];
}

/**
 * One refusal per untrusted function: what it is, who owns it, where it runs, and the two ways on. By default for
 * start (the source's functions, run on the target); `wayBack` names the old primary of a switch, whose own functions
 * the way back's subscription runs there as it applies the new primary's rows.
 */
export function untrustedFunctionProblems(fns: SourceFunction[], wayBack?: string, direction: "back" | "forward" = "back"): string[] {
  const rows = direction === "back" ? "the way back's rows" : "the rows replicated into it";
  const [runs, fix] = wayBack
    ? [`would run on ${wayBack} with the rights of the role that applies ${rows} (its administrator on PostgreSQL 15)`, "there"]
    : ["would run on the target with the rights of the role that applies the rows (the target's administrator on PostgreSQL 15)", "on the source"];
  return fns
    .filter((f) => !f.trusted)
    .map(
      (f) =>
        `function ${f.fn}, owned by ${f.owner}, ${runs}, used by ${f.uses}: make a role you trust own it ${fix} (ALTER FUNCTION ... OWNER TO), or pass --trust-functions-of ${f.owner} if you trust that role's code with those rights`,
    );
}

/**
 * A statement for the transaction that creates the schema on the target (after the dump): it fails, rolling back
 * everything, when a function the tables run is not one the source check allowed (one the dump brought that the
 * check did not see).
 */
export function guardSql(allowed: SourceFunction[]): string {
  const list = allowed.filter((f) => f.trusted).map((f) => quoteLiteral(f.fn));
  // A random dollar-quote tag: a function's name could hold a fixed one and end the block early.
  let tag = "";
  do tag = `$g${randomBytes(6).toString("hex")}$`;
  while (list.some((l) => l.includes(tag)));
  return `DO ${tag} DECLARE extra text; BEGIN
SELECT string_agg(r.fn, ', ' ORDER BY r.fn) INTO extra FROM (${REACHABLE}) r WHERE r.fn <> ALL (ARRAY[${list.join(", ")}]::text[]);
IF extra IS NOT NULL THEN RAISE EXCEPTION 'the schema dumped from the source runs functions the check before it did not see (created on the source meanwhile): %; nothing was created', extra; END IF;
END ${tag};`;
}

/**
 * For status while the way back streams: the switch checked the old primary's functions once, before it stopped
 * writes, but a role there may create or replace one at any time after; the way back's subscription then runs it as
 * the role that applies rows (the old primary's administrator on PostgreSQL 15; on 16+ each table's owner). Nothing
 * can take that back once done, so status re-checks and says so loudly.
 */
export async function wayBackFunctionWarnings(oldPrimary: PgConnection, trustedOwners: string[]): Promise<string[]> {
  const problems = untrustedFunctionProblems(await sourceFunctions(oldPrimary, trustedOwners), oldPrimary.display);
  return problems.map(
    (p) => `the way back streams rows into code a role you have not trusted controls (the switch checked before it; a role may create or replace a function at any time): ${p}; until then every row it applies runs it`,
  );
}

/**
 * For status and a switch while rows stream into `subscriber` on PostgreSQL 15 (before 16 there is no run_as_owner: the
 * subscription applies every row as its owner, the administrator). After `start --to-role app`, `app` owns the
 * target's tables and functions, so `app` (or any role owning a function there) can replace a function or add an
 * ENABLE ALWAYS trigger that then runs with the administrator's rights. `start` checked once; this checks again on the
 * subscriber, trusting only its login, superusers and --trust-functions-of. On 16+ the rows are applied as each
 * table's owner (`start` sets run_as_owner = false), so a function has no more rights than the table's owner: nothing
 * to warn.
 */
export async function applyingFunctionWarnings(subscriber: PgConnection, trustedOwners: string[]): Promise<string[]> {
  if (Number(await one(subscriber, "SELECT current_setting('server_version_num');", "read the server version")) >= 160000) return [];
  const problems = untrustedFunctionProblems(await sourceFunctions(subscriber, trustedOwners), subscriber.display, "forward");
  return problems.map(
    (p) => `the replication into ${subscriber.display} applies rows as its administrator (PostgreSQL 15) into code a role you have not trusted controls (a role that owns a table or function there may add a trigger or replace a function at any time): ${p}; until then every row it applies runs it`,
  );
}
