/** The HTML report: one self-contained page next to its PNG charts. All text is escaped. */
import type { BacktestMetrics, PeriodStats } from '../metrics.ts';
import { money, pct } from './format.ts';
import { GROUP_HEADER, groupRow, summaryRows } from './summary.ts';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = header.map((h) => `<th>${escape(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function periodRows(periods: readonly PeriodStats[]): string[][] {
  return periods.map((p) => [p.period, money(p.pnl), pct(p.returnPct / 100), `${p.trades}`, `${p.wins} / ${p.draws} / ${p.losses}`]);
}

export interface HtmlReportInput {
  readonly title: string;
  /** Lines shown under the title: strategy version, pairs, data source. */
  readonly subtitle: readonly string[];
  readonly metrics: BacktestMetrics;
  /** Chart file names relative to the report folder. */
  readonly charts: readonly { file: string; alt: string }[];
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#222}
table{border-collapse:collapse;margin:0 0 1.5rem}td,th{padding:.25rem .75rem;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}img{max-width:100%;margin:.5rem 0 1rem}h2{margin-top:2rem}.sub{color:#666}`;

export function renderHtml(r: HtmlReportInput): string {
  const m = r.metrics;
  const periodHeader = ['Period', 'P&L', 'Return', 'Trades', 'W / D / L'];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(r.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escape(r.title)}</h1>
${r.subtitle.map((s) => `<p class="sub">${escape(s)}</p>`).join('\n')}
<h2>Summary</h2>
${table(['Metric', 'Value'], summaryRows(m))}
<h2>Charts</h2>
${r.charts.map((c) => `<img src="${escape(c.file)}" alt="${escape(c.alt)}">`).join('\n')}
<h2>Per pair</h2>
${table(['Pair', ...GROUP_HEADER.slice(1)], m.perPair.map(groupRow))}
<h2>Exit reasons</h2>
${table(['Exit reason', ...GROUP_HEADER.slice(1)], m.exitReasons.map(groupRow))}
<h2>Monthly</h2>
${table(periodHeader, periodRows(m.monthly))}
<h2>Weekly</h2>
${table(periodHeader, periodRows(m.weekly))}
<h2>Daily</h2>
${table(periodHeader, periodRows(m.daily))}
</body></html>
`;
}
