/**
 * The schema half of verification: what each side's user objects are, read
 * from the catalogs, compared object by object. Data equal in tables of
 * different column types, or without the source's constraints and indexes,
 * is not a migrated database; this is what says so.
 *
 * Per table: every column (name, type with its modifiers, NOT NULL, default,
 * identity, generated expression, a collation other than the type's; its
 * position, unless it is inherited from a parent table), every
 * constraint and index (by name, with PostgreSQL's own definition text),
 * every trigger and rule (and whether it is enabled), every row-level security
 * policy (command, roles, USING and WITH CHECK), storage options
 * (`reloptions`), replica identity, and whether the table is unlogged,
 * partitioned or under row-level security. Besides tables: schemas, views and
 * materialized views (definition, options such as security_barrier, rules),
 * sequences (their options; values are compared with the data), functions and
 * procedures (result, language, body, SECURITY DEFINER, SET options,
 * volatility, strictness, leakproof, parallel safety, and a digest of the
 * whole definition), enum, domain and composite types, and extensions (by
 * name). Definitions are PostgreSQL's own text (pg_get_constraintdef,
 * pg_get_indexdef, pg_get_viewdef, …) under `search_path = pg_catalog`, so
 * every name in them is schema-qualified; names are PostgreSQL's quoted,
 * qualified form (`a."b.c"`), so two objects never share one. When the two
 * servers run different major versions, whose deparsing may differ in form,
 * view and function bodies and rules are left out of the comparison.
 *
 * Not compared: owners, privileges and comments (not migrated: the dump is
 * taken with --no-owner --no-privileges), security labels, event triggers,
 * publications and subscriptions, statistics objects, and anything outside
 * the database (roles, tablespaces, settings).
 */
import type { MigrationProblem } from "./errors";

export interface SchemaObject {
  kind: "schema" | "table" | "view" | "materialized view" | "sequence" | "function" | "type" | "extension";
  /** Schema-qualified name as PostgreSQL quotes it (`public.items`, `a."b.c"`, a function with its argument types). */
  name: string;
  /** What must be equal, as PostgreSQL prints it. */
  def: Record<string, unknown>;
}

/**
 * One JSON line: every user object of the database (not in pg_catalog,
 * information_schema, pg_toast or a temporary schema; not owned by an
 * extension). `to_jsonb(a) ->> 'attgenerated'` reads a column that exists
 * from PostgreSQL 12 on without failing on 11.
 */
/** ` (disabled)`, ` (enabled: replica)`… after a trigger's or rule's definition when it does not fire as created. */
const ENABLED = (col: string) => `CASE ${col} WHEN 'O' THEN '' WHEN 'D' THEN ' (disabled)' WHEN 'R' THEN ' (enabled: replica)' ELSE ' (enabled: always)' END`;
/** A relation's rules other than a view's own (_RETURN), by name with their definition. */
const RULES = `coalesce((SELECT pg_catalog.jsonb_object_agg(ru.rulename, pg_catalog.pg_get_ruledef(ru.oid) || ${ENABLED("ru.ev_enabled")})
        FROM pg_catalog.pg_rewrite ru WHERE ru.ev_class = c.oid AND ru.rulename <> '_RETURN'), '{}')`;

export const SCHEMA_SQL = `WITH user_ns AS (
  SELECT oid, nspname FROM pg_catalog.pg_namespace
  WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'
), ext AS (
  SELECT classid, objid FROM pg_catalog.pg_depend WHERE deptype = 'e'
), rels AS (
  SELECT c.*, n.nspname FROM pg_catalog.pg_class c JOIN user_ns n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ext.objid = c.oid)
), objects AS (
  SELECT 'schema' AS kind, pg_catalog.quote_ident(n.nspname) AS name, pg_catalog.jsonb_build_object() AS def FROM user_ns n
  UNION ALL
  SELECT CASE WHEN c.relkind IN ('r', 'p', 'f') THEN 'table' WHEN c.relkind = 'v' THEN 'view' WHEN c.relkind = 'm' THEN 'materialized view' ELSE 'sequence' END,
    pg_catalog.quote_ident(c.nspname) || '.' || pg_catalog.quote_ident(c.relname),
    CASE WHEN c.relkind IN ('r', 'p', 'f') THEN pg_catalog.jsonb_build_object(
      'columns', coalesce((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
          'name', a.attname, 'type', pg_catalog.format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull,
          'default', CASE WHEN pg_catalog.to_jsonb(a) ->> 'attgenerated' IS DISTINCT FROM 's' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,
          'generated', CASE WHEN pg_catalog.to_jsonb(a) ->> 'attgenerated' = 's' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,
          'identity', NULLIF(a.attidentity::text, ''),
          'collation', CASE WHEN a.attcollation <> t.typcollation THEN (SELECT co.collname FROM pg_catalog.pg_collation co WHERE co.oid = a.attcollation) END,
          'inherited', a.attinhcount > 0)
          ORDER BY a.attnum)
        FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]'),
      'constraints', coalesce((SELECT pg_catalog.jsonb_object_agg(k.conname, pg_catalog.pg_get_constraintdef(k.oid))
        FROM pg_catalog.pg_constraint k WHERE k.conrelid = c.oid), '{}'),
      'indexes', coalesce((SELECT pg_catalog.jsonb_object_agg(ic.relname, pg_catalog.pg_get_indexdef(i.indexrelid))
        FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid), '{}'),
      'triggers', coalesce((SELECT pg_catalog.jsonb_object_agg(tg.tgname, pg_catalog.pg_get_triggerdef(tg.oid) || ${ENABLED("tg.tgenabled")})
        FROM pg_catalog.pg_trigger tg WHERE tg.tgrelid = c.oid AND NOT tg.tgisinternal), '{}'),
      'policies', coalesce((SELECT pg_catalog.jsonb_object_agg(po.polname, pg_catalog.jsonb_build_object(
          'command', po.polcmd::text, 'permissive', po.polpermissive,
          'roles', (SELECT pg_catalog.jsonb_agg(rn ORDER BY rn) FROM (SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(r)::text END AS rn FROM pg_catalog.unnest(po.polroles) r) q),
          'using', pg_catalog.pg_get_expr(po.polqual, po.polrelid), 'check', pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid)))
        FROM pg_catalog.pg_policy po WHERE po.polrelid = c.oid), '{}'),
      'rules', ${RULES},
      'kind', c.relkind::text, 'persistence', c.relpersistence::text,
      'rowSecurity', c.relrowsecurity, 'forceRowSecurity', c.relforcerowsecurity,
      'options', pg_catalog.to_jsonb(c.reloptions),
      'replicaIdentity', CASE WHEN c.relreplident = 'i' THEN 'index ' || (SELECT ic.relname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid AND i.indisreplident) ELSE c.relreplident::text END)
    WHEN c.relkind IN ('v', 'm') THEN pg_catalog.jsonb_build_object('definition', pg_catalog.pg_get_viewdef(c.oid), 'options', pg_catalog.to_jsonb(c.reloptions), 'rules', ${RULES})
    ELSE (SELECT pg_catalog.jsonb_build_object('type', pg_catalog.format_type(s.seqtypid, NULL), 'start', s.seqstart::text, 'increment', s.seqincrement::text,
      'min', s.seqmin::text, 'max', s.seqmax::text, 'cycle', s.seqcycle) FROM pg_catalog.pg_sequence s WHERE s.seqrelid = c.oid) END
  FROM rels c
  UNION ALL
  SELECT 'function', p.oid::pg_catalog.regprocedure::text,
    pg_catalog.jsonb_build_object('result', pg_catalog.pg_get_function_result(p.oid), 'kind', p.prokind::text,
      'language', (SELECT l.lanname FROM pg_catalog.pg_language l WHERE l.oid = p.prolang), 'body', pg_catalog.md5(coalesce(p.prosrc, '')),
      'securityDefiner', p.prosecdef, 'config', pg_catalog.to_jsonb(p.proconfig), 'volatility', p.provolatile::text, 'strict', p.proisstrict,
      'leakproof', p.proleakproof, 'parallel', p.proparallel::text,
      -- the whole definition (a SQL-standard body is not in prosrc); pg_get_functiondef does not take aggregates
      'definition', CASE WHEN p.prokind <> 'a' THEN pg_catalog.md5(pg_catalog.pg_get_functiondef(p.oid)) END)
  FROM pg_catalog.pg_proc p JOIN user_ns n ON n.oid = p.pronamespace
  WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND ext.objid = p.oid)
  UNION ALL
  SELECT 'type', pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(t.typname),
    CASE t.typtype
      WHEN 'e' THEN pg_catalog.jsonb_build_object('enum', (SELECT pg_catalog.jsonb_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid))
      WHEN 'd' THEN pg_catalog.jsonb_build_object('domain', pg_catalog.format_type(t.typbasetype, t.typtypmod), 'notNull', t.typnotnull,
        'checks', coalesce((SELECT pg_catalog.jsonb_object_agg(k.conname, pg_catalog.pg_get_constraintdef(k.oid)) FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid), '{}'))
      ELSE pg_catalog.jsonb_build_object('composite', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)
        FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)) END
  FROM pg_catalog.pg_type t JOIN user_ns n ON n.oid = t.typnamespace
  WHERE (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND (SELECT r.relkind FROM pg_catalog.pg_class r WHERE r.oid = t.typrelid) = 'c'))
    AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND ext.objid = t.oid)
  UNION ALL
  SELECT 'extension', pg_catalog.quote_ident(x.extname), pg_catalog.jsonb_build_object() FROM pg_catalog.pg_extension x WHERE x.extname <> 'plpgsql'
)
SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('kind', kind, 'name', name, 'def', def) ORDER BY kind, name), '[]')::text FROM objects;`;

const objectKey = (o: { kind: string; name: string }) => `${o.kind} ${o.name}`;

function describe(value: unknown): string {
  return value === null || value === undefined ? "none" : typeof value === "string" ? value : JSON.stringify(value);
}

/** Differences inside a named set (constraints, indexes, triggers, policies, rules): missing, extra, different. */
function namedSet(item: string, what: string, s: Record<string, unknown>, t: Record<string, unknown>): MigrationProblem[] {
  const out: MigrationProblem[] = [];
  for (const [name, def] of Object.entries(s)) {
    if (!(name in t)) out.push({ item, message: `${what} ${name} (${describe(def)}) is missing in the target` });
    else if (describe(t[name]) !== describe(def)) out.push({ item, message: `${what} ${name} differs: source ${describe(def)}; target ${describe(t[name])}` });
  }
  for (const [name, def] of Object.entries(t)) if (!(name in s)) out.push({ item, message: `the target has ${what} ${name} (${describe(def)}), which the source does not` });
  return out;
}

interface ColumnDef {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  generated: string | null;
  identity: string | null;
  collation: string | null;
  /** Inherited from a parent table (attinhcount > 0): its position is PostgreSQL's, not the table's definition (below). */
  inherited?: boolean;
}

/**
 * The columns whose order is compared: all but the source's inherited ones.
 * pg_dump recreates an inheritance child as `CREATE TABLE child (its own
 * columns) INHERITS (parent)`, and PostgreSQL puts the inherited columns
 * first, in the parents' order, whatever their order in the source (a column
 * added to a parent after the child existed is the child's last there). That
 * order cannot be reproduced by pg_dump or by anything else, and every copy
 * here names the columns; the order of the table's own columns is kept, and
 * compared.
 */
const ordered = (cols: ColumnDef[], inherited: Set<string>) => cols.filter((c) => !inherited.has(c.name)).map((c) => c.name);

function tableProblems(item: string, s: Record<string, unknown>, t: Record<string, unknown>): MigrationProblem[] {
  const out: MigrationProblem[] = [];
  const sc = (s.columns ?? []) as ColumnDef[];
  const tc = (t.columns ?? []) as ColumnDef[];
  const byName = new Map(tc.map((c) => [c.name, c]));
  const inherited = new Set(sc.filter((c) => c.inherited === true).map((c) => c.name));
  const [so, to] = [ordered(sc, inherited), ordered(tc, inherited)];
  sc.forEach((c, i) => {
    const d = byName.get(c.name);
    if (!d) {
      out.push({ item, message: `column ${c.name} (${c.type}) is missing in the target` });
      return;
    }
    for (const k of ["type", "notNull", "default", "generated", "identity", "collation"] as const)
      if (describe(c[k]) !== describe(d[k])) out.push({ item, message: `column ${c.name}: ${k === "notNull" ? "NOT NULL" : k} is ${describe(c[k])} in the source, ${describe(d[k])} in the target` });
    if (inherited.has(c.name) || so.indexOf(c.name) === to.indexOf(c.name)) return;
    const [at, there, among] = inherited.size > 0 ? [so.indexOf(c.name), to.indexOf(c.name), " among the table's own (not inherited) columns"] : [i, tc.indexOf(d), ""];
    out.push({ item, message: `column ${c.name} is at position ${at + 1}${among} in the source, ${there + 1} in the target` });
  });
  for (const d of tc) if (!sc.some((c) => c.name === d.name)) out.push({ item, message: `the target has column ${d.name} (${d.type}), which the source does not` });
  const set = (k: string) => (s[k] ?? {}) as Record<string, unknown>;
  const tset = (k: string) => (t[k] ?? {}) as Record<string, unknown>;
  for (const [k, what] of [["constraints", "constraint"], ["indexes", "index"], ["triggers", "trigger"], ["policies", "policy"], ["rules", "rule"]] as const) out.push(...namedSet(item, what, set(k), tset(k)));
  for (const k of ["kind", "persistence", "rowSecurity", "forceRowSecurity", "options", "replicaIdentity"] as const)
    if (describe(s[k]) !== describe(t[k])) out.push({ item, message: `${k} is ${describe(s[k])} in the source, ${describe(t[k])} in the target` });
  return out;
}

/**
 * Every difference between the source's objects and the target's, each naming
 * the object. Objects only in the target are left alone (like extra tables),
 * except inside a table: an extra column, constraint, index or trigger on a
 * migrated table is a difference. `only` limits the comparison to these
 * objects (e.g. the tables the target already holds). With `definitions`
 * false, views and functions are compared by name and signature only.
 */
export function compareSchemas(source: SchemaObject[], target: SchemaObject[], opts: { definitions?: boolean; only?: (o: SchemaObject) => boolean } = {}): MigrationProblem[] {
  const t = new Map(target.map((o) => [objectKey(o), o]));
  const problems: MigrationProblem[] = [];
  for (const s of source) {
    if (opts.only && !opts.only(s)) continue;
    const d = t.get(objectKey(s));
    const item = s.kind === "table" ? s.name : `${s.kind} ${s.name}`;
    if (!d) {
      problems.push({ item, message: `${s.kind} missing in the target` });
      continue;
    }
    if (s.kind === "table") {
      problems.push(...tableProblems(item, s.def, d.def));
      continue;
    }
    const [a, b] = opts.definitions === false ? [withoutDeparsed(s.def), withoutDeparsed(d.def)] : [s.def, d.def];
    if (JSON.stringify(a) !== JSON.stringify(b)) problems.push({ item, message: `differs: source ${JSON.stringify(a)}; target ${JSON.stringify(b)}` });
  }
  return problems;
}

/** A definition without the parts each major version deparses in its own form (view and function bodies, rules). */
function withoutDeparsed(def: Record<string, unknown>): Record<string, unknown> {
  const { definition: _d, body: _b, rules: _r, ...rest } = def;
  return rest;
}

/** The same major version (definitions are deparsed alike). */
export function sameMajor(a: number, b: number): boolean {
  return Math.floor(a / 10000) === Math.floor(b / 10000);
}

export const SCHEMA_METHOD =
  "every user object compared by its catalog definition: schemas; tables (columns with type, NOT NULL, default, identity, generated expression and collation, in order (but for an inherited column's position: PostgreSQL puts inherited columns first); constraints, indexes, triggers and rules by name and definition, and whether they are enabled; row-level security policies; storage options; replica identity; unlogged, partitioned, row-level security); views and materialized views (definition, options, rules); sequences (options); functions (signature, result, language, body, SECURITY DEFINER, SET options, volatility, strictness, leakproof, parallel safety, whole definition); enum, domain and composite types; extensions (by name). Not compared: owners, privileges, comments, security labels, event triggers";
