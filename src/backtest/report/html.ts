/** The HTML report: one self-contained page next to its PNG charts. All text is escaped. */
import type { BacktestMetrics, PeriodStats } from '../metrics.ts';
import { money, pct } from './format.ts';
import { escapeHtml, table } from './markup.ts';
import { GROUP_HEADER, groupRow, summaryRows } from './summary.ts';
import { validationHtml, type ValidationInput } from './validation.ts';

function periodRows(periods: readonly PeriodStats[]): string[][] {
  return periods.map((p) => [p.period, money(p.pnl), pct(p.returnPct / 100), `${p.trades}`, `${p.wins} / ${p.draws} / ${p.losses}`]);
}

export interface HtmlReportInput {
  readonly title: string;
  /** Lines shown under the title: strategy version, pairs, data source. */
  readonly subtitle: readonly string[];
  readonly metrics: BacktestMetrics;
  /** Chart file names relative to the report folder. */
  readonly charts: readonly ChartFile[];
  /** One price chart per pair, entries and exits marked. */
  readonly prices?: readonly ChartFile[];
  readonly validation?: ValidationInput;
}

interface ChartFile {
  readonly file: string;
  readonly alt: string;
}

const images = (charts: readonly ChartFile[]) => charts.map((c) => `<img src="${escapeHtml(c.file)}" alt="${escapeHtml(c.alt)}">`).join('\n');

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#222}
table{border-collapse:collapse;margin:0 0 1.5rem}td,th{padding:.25rem .75rem;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}img{max-width:100%;margin:.5rem 0 1rem}h2{margin-top:2rem}.sub{color:#666}
.verdict{padding:.4rem .75rem;border-left:4px solid #999;background:#f6f6f6}.verdict.ok{border-color:#27864a}.verdict.fail{border-color:#c0392b;background:#fbeeee}`;

export function renderHtml(r: HtmlReportInput): string {
  const m = r.metrics;
  const periodHeader = ['Period', 'P&L', 'Return', 'Trades', 'W / D / L'];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(r.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(r.title)}</h1>
${r.subtitle.map((s) => `<p class="sub">${escapeHtml(s)}</p>`).join('\n')}
<h2>Summary</h2>
${table(['Metric', 'Value'], summaryRows(m))}
${r.validation ? validationHtml(r.validation) : ''}
<h2>Charts</h2>
${images(r.charts)}
<h2>Prices and trades</h2>
${images(r.prices ?? [])}
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
