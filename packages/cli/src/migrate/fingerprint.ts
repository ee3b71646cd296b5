/**
 * The per-table fingerprint: one SQL statement, byte-for-byte the same on the
 * source and the target, that returns a table's row count and an
 * order-independent checksum of its contents.
 *
 * Each row is hashed as the XOR of one 64-bit hash per column, each column
 * hashed by the cheapest function that is exact for its type (the type's own
 * extended hash function where that hash distinguishes every stored value,
 * the hash of the value's output text otherwise), seeded by a secret derived
 * from this run's secret key and the column's position (below), with a
 * position-specific constant for NULL. The row hashes are
 * added up exactly (`sum(bigint)` is a numeric). No row is converted to text
 * unless a column needs it: that conversion was most of the cost of the
 * earlier md5-of-the-row-text checksum (about 10 s of CPU per GiB per side,
 * this one about 2).
 */
import { randomBytes } from "node:crypto";
import { type PgConnection, quoteIdent, quoteLiteral, withPrivateSettings } from "./pg";

/**
 * The fingerprint is keyed. PostgreSQL's extended hash functions (Jenkins' lookup3 for text) are fast but not
 * cryptographic: with a seed anyone knows (the column's position, as before), a value of 24 bytes or more has a
 * second preimage found in well under a second (the block function is invertible), so whoever may write in the
 * target could change a row and keep its fingerprint. Each run therefore draws a random 64-bit key, and each
 * column's seed is hashint8extended(position, key): different per position, unknown without the key. The key
 * reaches each fingerprinting session as a startup option in PGOPTIONS (withPrivateSettings): never in a
 * statement's text (pg_stat_activity, the server's log), never on a command line; the statement reads it with
 * current_setting once per query (an uncorrelated scalar subquery is an InitPlan, evaluated once per query, not per row), and fails rather
 * than hashing without it. This is a mitigation against a tamperer who cannot read this process's memory or its
 * private files, not a MAC: lookup3 was not designed to resist an attacker even with a secret seed. Source and
 * target of one comparison must be fingerprinted with the same key.
 */
export const FINGERPRINT_KEY_SETTING = "freehold.fingerprint_key";

/**
 * Run first in every fingerprinting session: fails (naming the setting) when the session lacks the key, before any
 * table is read; prints nothing otherwise. A connection service file that sets `options` makes libpq ignore PGOPTIONS.
 */
export const REQUIRE_FINGERPRINT_KEY = `SELECT 1 WHERE pg_catalog.current_setting('${FINGERPRINT_KEY_SETTING}') IS NULL;`;

/** A new random 64-bit key, as the signed decimal PostgreSQL's int8 reads. */
export function newFingerprintKey(): string {
  return BigInt.asIntN(64, BigInt(`0x${randomBytes(8).toString("hex")}`)).toString();
}

/** The connection with the fingerprint's key among its private startup settings: apply last (a later withSession would hide PGOPTIONS). */
export function withFingerprintKey(conn: PgConnection, key: string): PgConnection {
  if (!/^-?\d{1,19}$/.test(key)) throw new Error("a fingerprint key is a signed 64-bit integer");
  return withPrivateSettings(conn, { [FINGERPRINT_KEY_SETTING]: key });
}

export interface ColumnInfo {
  name: string;
  /** format_type() of the column, e.g. `numeric(12,2)`. */
  type: string;
  /** The type under any domain, as regtype text (e.g. `double precision`). */
  base: string;
  /** The base type's output function (regproc text, e.g. `array_out`), for the text fallback. */
  output?: string;
}

export interface TableInfo {
  schema: string;
  table: string;
  /** The table's OID on the server it was listed from (to match pg_restore's TOC). */
  oid?: number;
  /** Its size on disk in bytes (heap, TOAST and indexes), for ordering and throughput. */
  bytes?: number;
  columns: ColumnInfo[];
}

/**
 * How text is hashed. `server`: the bytes as the server stores them (both
 * servers have the same encoding). `utf8`: converted to UTF-8 first, so that
 * the same characters hash the same on servers of different encodings (a
 * LATIN1 source, a UTF8 target); slower, used only when the encodings differ.
 */
export type TextMode = "server" | "utf8";

/**
 * The hash expression of one non-NULL value, by base type. Every function is
 * schema-qualified (a user's function of the same name is never called) and
 * none runs user code. `s` is the seed literal.
 */
function valueHash(ref: string, col: ColumnInfo, s: string, mode: TextMode): string {
  const pc = (f: string, ...args: string[]) => `pg_catalog.${f}(${args.join(", ")})`;
  if (mode === "utf8") {
    const utf8 = (textExpr: string) => pc("hashtextextended", `${pc("encode", pc("convert_to", textExpr, "'UTF8'"), "'hex'")} COLLATE "C"`, s);
    switch (col.base) {
      case "text":
      case "character varying":
      case "character":
      case "name":
        return utf8(`${ref}::text`);
      case "bytea":
      case "money":
        break;
      default:
        if (!NATIVE_HASH.has(col.base)) return utf8(outputText(ref, col));
    }
  }
  switch (col.base) {
    case "smallint":
      return pc("hashint2extended", ref, s);
    case "integer":
      return pc("hashint4extended", ref, s);
    case "bigint":
      // hashint8extended folds the two halves into 32 bits first; hashing the high half as well keeps all 64.
      return `(${pc("hashint8extended", ref, s)} # ${pc("hashint4extended", `(${ref} >> 32)::int4`, s)})`;
    case "oid":
      return pc("hashoidextended", ref, s);
    case "boolean":
      return pc("hashint4extended", `${ref}::int4`, s);
    case '"char"':
      return pc("hashcharextended", ref, s);
    case "text":
    case "character varying":
      return pc("hashtextextended", `${ref} COLLATE "C"`, s);
    case "name":
      return pc("hashtextextended", `${ref}::text COLLATE "C"`, s);
    case "character":
      return pc("hashbpcharextended", `${ref} COLLATE "C"`, s);
    case "bytea":
      // bytea's own hash function takes `internal`; hex costs about what a one-field record would, and exists before PostgreSQL 14.
      return pc("hashtextextended", `pg_catalog.encode(${ref}, 'hex') COLLATE "C"`, s);
    case "uuid":
      return pc("uuid_hash_extended", ref, s);
    case "inet":
      return pc("hashinetextended", ref, s);
    case "macaddr":
      return pc("hashmacaddrextended", ref, s);
    case "time without time zone":
      return pc("time_hash_extended", ref, s);
    case "timestamp without time zone":
      return pc("timestamp_hash_extended", ref, s);
    case "timestamp with time zone":
    case "date":
      // Exact under TimeZone = UTC (set in every fingerprint session); infinity maps to infinity.
      return pc("timestamp_hash_extended", `${ref}::timestamp`, s);
    case "double precision":
      // The float hash treats -0 as 0: add the sign bit (byte 0 of the big-endian send form).
      return `(${pc("hashfloat8extended", ref, s)} # (pg_catalog.get_byte(pg_catalog.float8send(${ref}), 0) >> 7))`;
    case "real":
      return `(${pc("hashfloat4extended", ref, s)} # (pg_catalog.get_byte(pg_catalog.float4send(${ref}), 0) >> 7))`;
    case "numeric":
      // The numeric hash ignores trailing zeros (1.0 = 1.00): add the display scale.
      return `(${pc("hash_numeric_extended", ref, s)} # coalesce(${pc("hashint4extended", pc("scale", ref), s)}, 0))`;
    case "money":
      // money's text depends on lc_monetary; its numeric value does not.
      return pc("hashtextextended", `pg_catalog.textin(pg_catalog.numeric_out(${ref}::numeric)) COLLATE "C"`, s);
    default:
      // Everything else by its output text (stable session settings; no cast, so no user-defined cast runs).
      return pc("hashtextextended", `${outputText(ref, col)} COLLATE "C"`, s);
  }
}

/** Base types hashed from their binary value (no text involved, so no encoding). */
const NATIVE_HASH = new Set([
  "smallint",
  "integer",
  "bigint",
  "oid",
  "boolean",
  '"char"',
  "uuid",
  "inet",
  "macaddr",
  "time without time zone",
  "timestamp without time zone",
  "timestamp with time zone",
  "date",
  "double precision",
  "real",
  "numeric",
]);

/** A value's output text, by its type's own output function. */
function outputText(ref: string, col: ColumnInfo): string {
  const out = col.output && /^[A-Za-z0-9_."]+$/.test(col.output) ? (col.output.includes(".") ? col.output : `pg_catalog.${col.output}`) : undefined;
  return out ? `pg_catalog.textin(${out}(${ref}))` : `${ref}::text`;
}

/** splitmix64: a fixed, well-mixed signed 64-bit constant per column position, standing for NULL there. */
export function nullConstant(position: number): string {
  let z = (BigInt(position) * 0x9e3779b97f4a7c15n + 0x1f0e_a5e1_d00dn) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
  z ^= z >> 31n;
  return BigInt.asIntN(64, z).toString();
}

/** The hash of one column of row `r`, never NULL: NULL hashes to the position's constant. */
export function columnExpr(col: ColumnInfo, position: number, alias = "r", mode: TextMode = "server"): string {
  const ref = `${alias}.${quoteIdent(col.name)}`;
  const seed = `(SELECT pg_catalog.hashint8extended(${position + 1}::int8, pg_catalog.current_setting('${FINGERPRINT_KEY_SETTING}')::int8))`;
  return `CASE WHEN ${ref} IS NULL THEN ${nullConstant(position)}::int8 ELSE ${valueHash(ref, col, seed, mode)} END`;
}

/**
 * One statement that prints one JSON line: `{schema, table, rows, checksum}`.
 * The checksum is md5(rows || ':' || sum of the row hashes): independent of
 * row order and of a primary key; duplicate rows count; constant memory.
 */
export function tableChecksumSql(t: TableInfo, mode: TextMode = "server"): string {
  const fq = `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`;
  const row = t.columns.length > 0 ? t.columns.map((c, i) => `(${columnExpr(c, i, "r", mode)})`).join("\n      # ") : "0::int8";
  return [
    `SELECT pg_catalog.json_build_object('schema', ${quoteLiteral(t.schema)}, 'table', ${quoteLiteral(t.table)},`,
    `  'rows', pg_catalog.count(*),`,
    `  'checksum', pg_catalog.md5(pg_catalog.count(*)::text || ':' || coalesce(pg_catalog.sum(`,
    `      ${row}), 0)::text))::text`,
    `FROM ONLY ${fq} AS r;`,
  ].join("\n");
}

/** Every large object of the database: how many, and a digest of each one's OID and content (OIDs are kept by pg_dump). */
export interface LargeObjectSum {
  count: number;
  checksum: string;
}

/**
 * One JSON line: the large objects' count and md5 over `oid:md5(content)` in
 * OID order. lo_get reads each object whole (so one larger than 1 GB fails
 * loudly); the user must be allowed to read every large object, as pg_dump
 * must.
 */
export const LARGE_OBJECTS_SQL = `SELECT pg_catalog.json_build_object('count', pg_catalog.count(*),
  'checksum', pg_catalog.md5(coalesce(pg_catalog.string_agg(m.oid::text || ':' || pg_catalog.md5(pg_catalog.lo_get(m.oid)), ',' ORDER BY m.oid), '')))::text
FROM pg_catalog.pg_largeobject_metadata m;`;

export const CHECKSUM_METHOD =
  "per table: count(*) and md5(count || ':' || sum over rows of (XOR over columns of a 64-bit hash of the value seeded by hashint8extended(the column's position, a random 64-bit key of the run), or a per-position constant for NULL)); " +
  "each value hashed by its type's extended hash function where that is exact (integers, text, uuid, timestamps, dates; floats with their sign bit; numeric with its display scale; bytea by its hex text), " +
  "otherwise by the hash of its output text; under DateStyle=ISO, TimeZone=UTC, IntervalStyle=postgres, bytea_output=hex, extra_float_digits=3; same SQL text on both sides";

/** The method as recorded in a manifest: text compared as UTF-8 when the servers' encodings differ. */
export function checksumMethod(mode: TextMode): string {
  return mode === "utf8" ? `${CHECKSUM_METHOD}; text converted to UTF-8 before hashing (the two databases' encodings differ)` : CHECKSUM_METHOD;
}

/** The text mode for two databases: their stored bytes when the encodings are equal, UTF-8 otherwise. */
export function textMode(sourceEncoding: string, targetEncoding: string): TextMode {
  return sourceEncoding === targetEncoding ? "server" : "utf8";
}
