/**
 * writeReport: the report folder of one backtest — report.html, equity.png, drawdown.png,
 * pairs.png, one price-<BASE>.png per pair and metrics.json — and the terminal summary text. The
 * caller names the folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BacktestMetrics, MetricsInput } from '../metrics.ts';
import type { GateReport } from '../validation/suite.ts';
import { buyAndHoldCurve, drawdownSpec, equitySpec, pairsSpec, priceSpec, renderPng } from './charts.ts';
import { renderHtml } from './html.ts';

export { terminalSummary } from './summary.ts';

export interface ReportInput {
  readonly dir: string;
  readonly title: string;
  readonly subtitle: readonly string[];
  readonly metrics: BacktestMetrics;
  readonly equity: MetricsInput['equity'];
  readonly markets: MetricsInput['markets'];
  /** The closed trades, marked on each pair's price chart. */
  readonly trades?: MetricsInput['trades'];
  /** The validation gates' results; the report says so when there are none. */
  readonly gates?: GateReport | null;
  /** Time of every step of the run's data (the gates name steps); defaults to the equity times. */
  readonly stepTimes?: ArrayLike<number>;
}

export interface ReportFiles {
  readonly dir: string;
  readonly html: string;
  readonly charts: readonly string[];
  readonly json: string;
}

export async function writeReport(r: ReportInput): Promise<ReportFiles> {
  await mkdir(r.dir, { recursive: true });
  const start = r.metrics.startingBalance;
  const benchmark = buyAndHoldCurve(r.markets, r.equity.time, start);
  const trades = r.trades ?? [];
  const charts = [
    { file: 'equity.png', alt: 'Equity against buy and hold, indexed to 100, log scale', spec: equitySpec(r.equity, benchmark, start) },
    { file: 'drawdown.png', alt: 'Drawdown from peak', spec: drawdownSpec(r.equity, start) },
    { file: 'pairs.png', alt: 'Net P&L by pair', spec: pairsSpec(r.metrics) },
  ];
  const prices = r.markets.map((m) => ({
    file: `price-${m.pair.split('/')[0]}.png`,
    alt: `${m.pair} close with the strategy's entries and exits`,
    spec: priceSpec(
      m,
      trades.filter((t) => t.pair === m.pair),
    ),
  }));
  for (const c of [...charts, ...prices]) await writeFile(join(r.dir, c.file), await renderPng(c.spec));
  const html = join(r.dir, 'report.html');
  const validation = { gates: r.gates ?? null, metrics: r.metrics, stepTimes: r.stepTimes ?? r.equity.time };
  await writeFile(html, renderHtml({ title: r.title, subtitle: r.subtitle, metrics: r.metrics, charts, prices, validation }));
  const json = join(r.dir, 'metrics.json');
  await writeFile(json, `${JSON.stringify(r.metrics, null, 2)}\n`);
  return { dir: r.dir, html, charts: [...charts, ...prices].map((c) => join(r.dir, c.file)), json };
}
