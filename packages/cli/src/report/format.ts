/** Text helpers shared by every report. */

/** An amount with its currency symbol, to two places: "£1,234.50". */
export const amount = (n: number, symbol: string): string => `${symbol}${n.toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
export const usd = (n: number): string => amount(n, "$");
export const pct = (n: number | undefined): string => (n === undefined ? "no SLA" : `${n}%`);

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

export function mdEscape(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** A Markdown table. */
export function mdTable(head: string[], rows: string[][]): string {
  return [`| ${head.map(mdEscape).join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(mdEscape).join(" | ")} |`)].join("\n");
}

/** A plain-text table for terminals, columns padded to fit. */
export function textTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** An HTML table; cells are escaped unless given as { html }. */
export function htmlTable(head: string[], rows: Array<Array<string | { html: string }>>, className = ""): string {
  const cell = (c: string | { html: string }, tag: string) => `<${tag}>${typeof c === "string" ? escapeHtml(c) : c.html}</${tag}>`;
  return `<table${className ? ` class="${className}"` : ""}><thead><tr>${head.map((h) => cell(h, "th")).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => cell(c, "td")).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

export interface Colour {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
}

/** ANSI colours, off when NO_COLOR is set (https://no-color.org) or the stream is not a terminal. */
export function colours(stream: NodeJS.WriteStream): Colour {
  const on = !("NO_COLOR" in process.env && process.env.NO_COLOR !== "") && stream.isTTY === true && process.env.TERM !== "dumb";
  const wrap = (code: number, reset: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[${reset}m` : s);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39) };
}
