import { isContainerKind } from "@freehold/model";
import type { HostedPlan } from "../plan/contract";
import { ownerOf } from "../plan/owner";
import { escapeHtml, usd } from "./format";

const BOX_W = 250;
const GAP = 28;
const LINE = 15;

/** Short name of a resource type: `aws:rds/instance:Instance` -> `rds Instance`. */
export function shortType(type: string): string {
  const [, mod = "", name = type] = type.split(":");
  const m = mod.split("/")[0] ?? "";
  return m && m !== "index" ? `${m} ${name}` : name;
}

interface Box {
  key: string;
  title: string;
  subtitle: string;
  lines: string[];
  x: number;
  y: number;
  h: number;
}

/** A diagram of one cloud's plan: the shared platform, the web services, the data components, and the links. */
export function planDiagram(plan: HostedPlan): string {
  const typesByRoot = new Map<string, Map<string, number>>();
  for (const r of plan.resources) {
    if (!r.custom) continue;
    const root = ownerOf(plan.resources, r)?.urn;
    if (!root) continue;
    const m = typesByRoot.get(root) ?? new Map<string, number>();
    const t = shortType(r.type);
    m.set(t, (m.get(t) ?? 0) + 1);
    typesByRoot.set(root, m);
  }
  const lines = (urn: string | undefined) =>
    [...(typesByRoot.get(urn ?? "") ?? new Map<string, number>())].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => (n > 1 ? `${t} ×${n}` : t));

  const rows: Box[][] = [
    plan.platform.urn ? [{ key: "platform", title: "Shared platform", subtitle: `${plan.region} (${plan.location.city})`, lines: lines(plan.platform.urn), x: 0, y: 0, h: 0 }] : [],
    plan.components.filter((c) => isContainerKind(c.kind)).map((c) => ({ key: c.name, title: c.name, subtitle: `${c.service}${c.sku ? ` · ${c.sku}` : ""}`, lines: lines(c.urn), x: 0, y: 0, h: 0 })),
    plan.components.filter((c) => !isContainerKind(c.kind)).map((c) => ({ key: c.name, title: c.name, subtitle: `${c.service}${c.sku ? ` · ${c.sku}` : ""}`, lines: lines(c.urn), x: 0, y: 0, h: 0 })),
  ].filter((r) => r.length);
  const width = Math.max(...rows.map((r) => r.length)) * (BOX_W + GAP) + GAP;
  let y = GAP;
  const boxes = new Map<string, Box>();
  for (const row of rows) {
    const rowW = row.length * (BOX_W + GAP) - GAP;
    let x = (width - rowW) / 2;
    const h = Math.max(...row.map((b) => 44 + b.lines.length * LINE + 8));
    for (const b of row) {
      Object.assign(b, { x, y, h });
      boxes.set(b.key, b);
      x += BOX_W + GAP;
    }
    y += h + GAP * 2;
  }
  const height = y - GAP;
  const arrows = plan.components
    .flatMap((c) => (c.spec.kind === "web-service" || c.spec.kind === "worker" || c.spec.kind === "scheduled-job" ? c.spec.links.map((l) => [c.name, typeof l === "string" ? l : l.to] as const) : []))
    .map(([from, to]) => {
      const a = boxes.get(from);
      const b = boxes.get(to);
      if (!a || !b) return "";
      return `<line x1="${a.x + BOX_W / 2}" y1="${a.y + a.h}" x2="${b.x + BOX_W / 2}" y2="${b.y - 4}" stroke="#1d70b8" stroke-width="2" marker-end="url(#arrow-${plan.cloud})"/>`;
    })
    .join("");
  const drawn = [...boxes.values()]
    .map(
      (b) => `<g class="box" data-component="${escapeHtml(b.key)}"><rect x="${b.x}" y="${b.y}" width="${BOX_W}" height="${b.h}" rx="6" fill="${b.key === "platform" ? "#f3f2f1" : "#ffffff"}" stroke="#0b0c0c"/>
<text x="${b.x + 10}" y="${b.y + 20}" font-weight="700" font-size="14">${escapeHtml(b.title)}</text>
<text x="${b.x + 10}" y="${b.y + 36}" font-size="11" fill="#505a5f">${escapeHtml(truncate(b.subtitle, 40))}</text>
${b.lines.map((l, i) => `<text x="${b.x + 14}" y="${b.y + 56 + i * LINE}" font-size="11">${escapeHtml(truncate(l, 38))}</text>`).join("\n")}</g>`,
    )
    .join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(`${plan.provider} resources`)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, Arial, sans-serif">
<defs><marker id="arrow-${plan.cloud}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1d70b8"/></marker></defs>
${drawn}
${arrows}
</svg>`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

const PALETTE = ["#1d70b8", "#00703c", "#f47738", "#4c2c92", "#d53880", "#28a197", "#912b88", "#85994b"];

/**
 * Horizontal stacked bars: monthly cost per cloud, split by component; amounts in one currency, shown with `format`.
 * A bar's label is its `total` where given (the figure the report shows elsewhere, rounded once from the
 * unrounded sum), else the sum of its parts.
 */
export function costChart(series: Array<{ label: string; parts: Array<{ name: string; amount: number }>; total?: number; note?: string }>, format: (n: number) => string = usd): string {
  const names = [...new Set(series.flatMap((s) => s.parts.map((p) => p.name)))];
  const max = Math.max(1, ...series.map((s) => s.parts.reduce((a, p) => a + p.amount, 0)));
  const labelW = 150;
  const barW = 560;
  const rowH = 34;
  const legendY = series.length * rowH + 24;
  const height = legendY + Math.ceil(names.length / 4) * 20 + 10;
  const bars = series
    .map((s, i) => {
      let x = labelW;
      const y = 12 + i * rowH;
      const total = s.total ?? s.parts.reduce((a, p) => a + p.amount, 0);
      const rects = s.parts
        .map((p) => {
          const w = (p.amount / max) * barW;
          const r = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="22" fill="${PALETTE[names.indexOf(p.name) % PALETTE.length]}"><title>${escapeHtml(`${s.label} · ${p.name}: ${format(p.amount)}/month`)}</title></rect>`;
          x += w;
          return r;
        })
        .join("");
      return `<text x="0" y="${y + 16}" font-size="13">${escapeHtml(s.label)}</text>${rects}<text x="${(x + 6).toFixed(1)}" y="${y + 16}" font-size="13" font-weight="700">${escapeHtml(s.note ?? `${format(total)}/mo`)}</text>`;
    })
    .join("\n");
  const legend = names
    .map((n, i) => {
      const x = (i % 4) * 190;
      const y = legendY + Math.floor(i / 4) * 20;
      return `<rect x="${x}" y="${y}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/><text x="${x + 18}" y="${y + 11}" font-size="12">${escapeHtml(n)}</text>`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Monthly cost by cloud" viewBox="0 0 ${labelW + barW + 130} ${height}" width="${labelW + barW + 130}" height="${height}" font-family="system-ui, Arial, sans-serif">${bars}${legend}</svg>`;
}
