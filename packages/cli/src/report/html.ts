import { escapeHtml } from "./format";

/** One self-contained, printable HTML page: inline CSS, no scripts, no network fetches. */
export function htmlPage(title: string, subtitle: string, body: string): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
:root { --ink: #0b0c0c; --muted: #505a5f; --line: #b1b4b6; --bg: #f3f2f1; --accent: #1d70b8; --ok: #00703c; --bad: #d4351c; --warn: #f47738; }
* { box-sizing: border-box; }
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: var(--ink); margin: 0; }
header { background: var(--ink); color: #fff; padding: 20px 32px; }
header h1 { margin: 0; font-size: 26px; }
header p { margin: 4px 0 0; color: #dfe1e2; }
main { padding: 8px 32px 40px; max-width: 1280px; }
h2 { margin-top: 36px; border-bottom: 2px solid var(--ink); padding-bottom: 4px; }
h3 { margin-top: 24px; }
table { border-collapse: collapse; width: 100%; margin: 12px 0 20px; font-size: 14px; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: var(--ok); font-weight: 600; }
.bad { color: var(--bad); font-weight: 600; }
.warn { color: #8a3a00; font-weight: 600; }
.muted, .source { color: var(--muted); font-size: 13px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 16px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-left: 6px solid var(--accent); padding: 12px 16px; }
.card.failed { border-left-color: var(--bad); }
.card .big { font-size: 28px; font-weight: 700; }
figure { margin: 16px 0; }
figure svg { max-width: 100%; height: auto; border: 1px solid var(--line); background: #fff; }
figcaption { color: var(--muted); font-size: 13px; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
pre { background: var(--bg); padding: 12px; overflow-x: auto; white-space: pre-wrap; }
@media print { header { background: none; color: var(--ink); border-bottom: 3px solid var(--ink); } header p { color: var(--muted); } h2 { break-after: avoid; } figure, table { break-inside: avoid; } main { max-width: none; } }
</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><p>${escapeHtml(subtitle)}</p></header>
<main>
${body}
</main>
</body>
</html>
`;
}
