/**
 * Deterministic, realistic rehearsal data: a marketplace database (foreign
 * keys, identity and generated columns, bytea, arrays, jsonb, non-ASCII text,
 * NULLs, special floats, a table without a primary key, a quoted table name)
 * and a tree of objects from 0 bytes to several MiB with unicode names.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { quoteIdent, quoteLiteral } from "./pg";

/** mulberry32: a small, fast, deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bytes(rand: () => number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  let i = 0;
  for (; i + 4 <= n; i += 4) b.writeUInt32LE(Math.floor(rand() * 4294967296), i);
  for (; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

const WORDS = [
  "Croeso i Gymru",
  "Llanfairpwllgwyngyll",
  "ŵ ŷ â ê î ô û",
  "bara brith",
  "cwtch",
  "東京",
  "北京",
  "서울",
  "こんにちは世界",
  "🚀",
  "🏴󠁧󠁢󠁷󠁬󠁳󠁿",
  "👩🏽‍💻",
  "naïve café",
  "Zürich",
  "O'Brien",
  'say "hello"',
  "back\\slash",
  "comma, separated",
  "(parens)",
  "tab\there",
  "line\nbreak",
  "{braces}",
  "plain",
  "tender",
  "framework",
  "lot 3",
  "digital outcomes",
  "cloud hosting",
];

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)] as T;
}

function phrase(rand: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(pick(rand, WORDS));
  return out.join(" ");
}

const SPECIAL_FLOATS = ["'NaN'", "'Infinity'", "'-Infinity'", "'-0'", "1e-300", "0.30000000000000004", "1.7976931348623157e308", "5e-324"];

function lit(v: string | null): string {
  return v === null ? "NULL" : quoteLiteral(v);
}

function hex(b: Buffer): string {
  return `'\\x${b.toString("hex")}'::bytea`;
}

function ts(rand: () => number, withZone: boolean): string {
  const ms = Date.UTC(2019, 0, 1) + Math.floor(rand() * 6 * 365 * 86400_000) + Math.floor(rand() * 1000) * 1000 + Math.floor(rand() * 1000);
  const d = new Date(ms).toISOString().replace("T", " ").replace("Z", "");
  const micro = String(Math.floor(rand() * 1000)).padStart(3, "0");
  return quoteLiteral(withZone ? `${d}${micro}+0${Math.floor(rand() * 3)}:00` : `${d}${micro}`);
}

function inserts(table: string, cols: string[], rows: string[][], batch = 400): string {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += batch) {
    const chunk = rows.slice(i, i + batch).map((r) => `(${r.join(", ")})`);
    out.push(`INSERT INTO ${table} (${cols.map(quoteIdent).join(", ")}) VALUES\n${chunk.join(",\n")};`);
  }
  return out.join("\n");
}

export interface SeedCounts {
  suppliers: number;
  products: number;
  orders: number;
  orderLines: number;
  events: number;
  quoted: number;
  total: number;
}

export function seedCounts(rows: number): SeedCounts {
  const r = Math.max(100, Math.floor(rows));
  const suppliers = Math.max(5, Math.floor(r / 100));
  const products = Math.floor(r / 5);
  const orders = Math.floor(r / 5);
  const orderLines = Math.floor((r * 2) / 5);
  const events = r - suppliers - products - orders - orderLines - 50;
  return { suppliers, products, orders, orderLines, events: Math.max(10, events), quoted: 50, total: suppliers + products + orders + orderLines + Math.max(10, events) + 50 };
}

/** The SQL that creates and fills the rehearsal database (run as its owner, in one transaction). */
export function seedDatabaseSql(seed: number, rows: number): { sql: string; counts: SeedCounts } {
  const rand = prng(seed);
  const c = seedCounts(rows);
  const parts: string[] = [
    "SET client_min_messages = warning;",
    "SET standard_conforming_strings = on;",
    "CREATE SCHEMA catalogue;",
    "CREATE SCHEMA sales;",
    "CREATE SCHEMA audit;",
    `CREATE TABLE catalogue.suppliers (
  id serial PRIMARY KEY,
  name text NOT NULL,
  country char(2) NOT NULL,
  contact_email text,
  notes text,
  created_at timestamptz NOT NULL
);`,
    `CREATE TABLE catalogue.products (
  id bigserial PRIMARY KEY,
  supplier_id integer NOT NULL REFERENCES catalogue.suppliers(id),
  sku text NOT NULL UNIQUE,
  title text NOT NULL,
  description text,
  price numeric(12,2) NOT NULL,
  weight_kg real,
  rating double precision,
  image bytea,
  tags text[],
  attrs jsonb,
  available_from date,
  updated_at timestamp
);`,
    `CREATE TABLE sales.orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  buyer_name text NOT NULL,
  buyer_ref uuid NOT NULL,
  placed_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('placed', 'paid', 'shipped', 'cancelled')),
  delivery_window interval,
  total numeric(14,2)
);`,
    `CREATE TABLE sales.order_lines (
  order_id bigint NOT NULL REFERENCES sales.orders(id) ON DELETE CASCADE,
  line_no integer NOT NULL,
  product_id bigint NOT NULL REFERENCES catalogue.products(id),
  qty integer NOT NULL CHECK (qty > 0),
  unit_price numeric(12,2) NOT NULL,
  line_total numeric(14,2) GENERATED ALWAYS AS (qty * unit_price) STORED,
  PRIMARY KEY (order_id, line_no)
);`,
    "CREATE INDEX order_lines_product ON sales.order_lines (product_id);",
    `CREATE TABLE audit.events (
  at timestamptz NOT NULL,
  kind text NOT NULL,
  payload jsonb,
  raw bytea,
  score double precision
);`,
    `CREATE TABLE public."Quoted ""Odd"" Name" (k text PRIMARY KEY, amount money, readings real[], note varchar(200));`,
    "CREATE SEQUENCE audit.ticket_seq START 1000;",
    `CREATE VIEW sales.order_totals AS SELECT o.id, sum(l.line_total) AS total FROM sales.orders o JOIN sales.order_lines l ON l.order_id = o.id GROUP BY o.id;`,
  ];

  const countries = ["GB", "IE", "FR", "DE", "JP", "KR", "CN", "US"];
  const supplierRows: string[][] = [];
  for (let i = 1; i <= c.suppliers; i++) {
    supplierRows.push([
      lit(`${phrase(rand, 2)} Ltd ${i}`),
      lit(pick(rand, countries)),
      rand() < 0.2 ? "NULL" : lit(`contact${i}@example.gov.uk`),
      rand() < 0.3 ? "NULL" : rand() < 0.1 ? "''" : lit(phrase(rand, 5)),
      ts(rand, true),
    ]);
  }
  parts.push(inserts("catalogue.suppliers", ["name", "country", "contact_email", "notes", "created_at"], supplierRows));

  const productRows: string[][] = [];
  for (let i = 1; i <= c.products; i++) {
    const img = bytes(rand, Math.floor(rand() * 600));
    const rating = rand() < 0.05 ? `${pick(rand, SPECIAL_FLOATS)}::float8` : rand() < 0.15 ? "NULL" : `${(rand() * 5).toString()}::float8`;
    const weight = rand() < 0.1 ? "NULL" : `${(rand() * 100).toPrecision(7)}::real`;
    productRows.push([
      String(1 + Math.floor(rand() * c.suppliers)),
      lit(`SKU-${String(i).padStart(6, "0")}`),
      lit(phrase(rand, 3)),
      rand() < 0.2 ? "NULL" : lit(phrase(rand, 12)),
      (rand() * 10000).toFixed(2),
      weight,
      rating,
      rand() < 0.1 ? "NULL" : rand() < 0.05 ? "'\\x'::bytea" : hex(img),
      rand() < 0.2 ? "NULL" : `ARRAY[${[phrase(rand, 1), phrase(rand, 1), rand() < 0.2 ? "NULL" : lit("")].map((x) => (x === "NULL" || x === "''" ? x : lit(x))).join(", ")}]::text[]`,
      rand() < 0.2 ? "NULL" : `${lit(JSON.stringify({ colour: phrase(rand, 1), sizes: [1, 2.5, rand()], nested: { ok: rand() < 0.5, none: null } }))}::jsonb`,
      rand() < 0.1 ? "NULL" : `${ts(rand, false)}::date`,
      ts(rand, false),
    ]);
  }
  parts.push(
    inserts(
      "catalogue.products",
      ["supplier_id", "sku", "title", "description", "price", "weight_kg", "rating", "image", "tags", "attrs", "available_from", "updated_at"],
      productRows,
    ),
  );

  const statuses = ["placed", "paid", "shipped", "cancelled"];
  const orderRows: string[][] = [];
  for (let i = 1; i <= c.orders; i++) {
    const uuid = bytes(rand, 16).toString("hex").replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
    orderRows.push([
      lit(phrase(rand, 2)),
      lit(uuid),
      ts(rand, true),
      lit(pick(rand, statuses)),
      rand() < 0.3 ? "NULL" : lit(`${Math.floor(rand() * 10)} days ${Math.floor(rand() * 24)} hours ${Math.floor(rand() * 60)} minutes`),
      rand() < 0.1 ? "NULL" : (rand() * 100000).toFixed(2),
    ]);
  }
  parts.push(inserts("sales.orders", ["buyer_name", "buyer_ref", "placed_at", "status", "delivery_window", "total"], orderRows));

  const lineRows: string[][] = [];
  let order = 1;
  let lineNo = 0;
  for (let i = 0; i < c.orderLines; i++) {
    if (lineNo > 0 && (rand() < 0.4 || lineNo >= 6) && order < c.orders) {
      order++;
      lineNo = 0;
    }
    lineNo++;
    lineRows.push([String(order), String(lineNo), String(1 + Math.floor(rand() * c.products)), String(1 + Math.floor(rand() * 9)), (rand() * 500).toFixed(2)]);
  }
  parts.push(inserts("sales.order_lines", ["order_id", "line_no", "product_id", "qty", "unit_price"], lineRows));

  const kinds = ["login", "bid", "award", "export", "exit-rehearsal"];
  const eventRows: string[][] = [];
  for (let i = 0; i < c.events; i++) {
    const row = [
      ts(rand, true),
      lit(pick(rand, kinds)),
      rand() < 0.3 ? "NULL" : `${lit(JSON.stringify({ who: phrase(rand, 1), n: i % 7 }))}::jsonb`,
      rand() < 0.5 ? "NULL" : hex(bytes(rand, 1 + Math.floor(rand() * 64))),
      rand() < 0.1 ? `${pick(rand, SPECIAL_FLOATS)}::float8` : `${rand().toString()}::float8`,
    ];
    eventRows.push(row);
    if (i % 50 === 0) eventRows.push([...row]); // exact duplicates: a table without a key may hold them
  }
  parts.push(inserts("audit.events", ["at", "kind", "payload", "raw", "score"], eventRows.slice(0, c.events)));

  const quotedRows: string[][] = [];
  for (let i = 0; i < c.quoted; i++) {
    quotedRows.push([
      lit(`${i}:${phrase(rand, 1)}`),
      rand() < 0.2 ? "NULL" : `${(rand() * 1000).toFixed(2)}::numeric::money`,
      `ARRAY[${(rand() * 10).toPrecision(6)}, 'NaN', '-0', ${rand() < 0.5 ? "NULL" : "1.5"}]::real[]`,
      rand() < 0.5 ? "NULL" : lit(phrase(rand, 2).slice(0, 100)),
    ]);
  }
  parts.push(inserts(`public.${quoteIdent('Quoted "Odd" Name')}`, ["k", "amount", "readings", "note"], quotedRows));
  parts.push("SELECT count(nextval('audit.ticket_seq')) FROM generate_series(1, 37);");
  parts.push("ANALYZE;");
  return { sql: `${parts.join("\n")}\n`, counts: c };
}

export interface SeededObject {
  path: string;
  size: number;
}

const OBJECT_NAMES = [
  "robots.txt",
  "empty-placeholder",
  "assets/css/site.css",
  "assets/img/logo.png",
  "assets/img/hero banner.jpg",
  "docs/cymraeg/croeso-i-gymru-ŵŷ.txt",
  "docs/cymraeg/canllawiau/Llanfairpwllgwyngyll.md",
  "docs/日本語/ガイド.txt",
  "docs/中文/年度报告.pdf",
  "docs/한국어/안내서.txt",
  "emoji/🚀 launch plan.md",
  "emoji/🏴󠁧󠁢󠁷󠁬󠁳󠁿 wales.txt",
  "exports/2024/11/naïve café.csv",
  "exports/2024/12/contracts +&=@ (final).csv",
  "deep/a/b/c/d/e/f/g/leaf.bin",
  "backups/db/2024-11-30.tar",
];

/**
 * Write `count` objects under `dir`: names from a fixed list of awkward paths
 * then generated ones; sizes 0 B, 1 B, mostly small, some around 1 MiB and two
 * of several MiB. Deterministic in `seed`.
 */
export async function writeSeedObjects(dir: string, seed: number, count: number): Promise<{ objects: SeededObject[]; bytes: number }> {
  const rand = prng(seed ^ 0x5eed);
  const n = Math.max(OBJECT_NAMES.length, Math.floor(count));
  const objects: SeededObject[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const name =
      OBJECT_NAMES[i] ?? `generated/${pick(rand, ["img", "docs", "data", "logs/2025"])}/${String(i).padStart(4, "0")}-${pick(rand, ["a", "ŵ", "東", "🚀", "z"])}.dat`;
    let size: number;
    if (name === "empty-placeholder") size = 0;
    else if (name === "robots.txt") size = 1;
    else if (name === "backups/db/2024-11-30.tar") size = 6 * 1024 * 1024 + 123;
    else if (name === "assets/img/hero banner.jpg") size = 3 * 1024 * 1024 + 7;
    else if (i % 9 === 4) size = 512 * 1024 + Math.floor(rand() * 768 * 1024);
    else size = Math.floor(rand() * 48 * 1024);
    const data = name.endsWith(".txt") || name.endsWith(".md") || name.endsWith(".csv")
      ? Buffer.from(phrase(rand, Math.ceil(size / 8) + 1), "utf8").subarray(0, size)
      : bytes(rand, size);
    const file = path.join(dir, ...name.split("/"));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, data);
    objects.push({ path: name, size: data.length });
    total += data.length;
  }
  return { objects, bytes: total };
}
