/**
 * writeReport: the report folder of one backtest — report.html, equity.png, drawdown.png,
 * pairs.png and metrics.json — and the terminal summary text. The caller names the folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BacktestMetrics, MetricsInput } from '../metrics.ts';
import { buyAndHoldCurve, drawdownSpec, equitySpec, pairsSpec, renderPng } from './charts.ts';
import { renderHtml } from './html.ts';

export { terminalSummary } from './summary.ts';

export interface ReportInput {
  readonly dir: string;
  readonly title: string;
  readonly subtitle: readonly string[];
  readonly metrics: BacktestMetrics;
  readonly equity: MetricsInput['equity'];
  readonly markets: MetricsInput['markets'];
}

export interface ReportFiles {
  readonly dir: string;
  readonly html: string;
  readonly charts: readonly string[];
  readonly json: string;
}

export async function writeReport(r: ReportInput): Promise<ReportFiles> {
  await mkdir(r.dir, { recursive: true });
  const benchmark = buyAndHoldCurve(r.markets, r.equity.time, r.metrics.startingBalance);
  const charts = [
    { file: 'equity.png', alt: 'Equity curve against buy and hold', spec: equitySpec(r.equity, benchmark) },
    { file: 'drawdown.png', alt: 'Drawdown from peak', spec: drawdownSpec(r.equity, r.metrics.startingBalance) },
    { file: 'pairs.png', alt: 'Net P&L by pair', spec: pairsSpec(r.metrics) },
  ];
  for (const c of charts) await writeFile(join(r.dir, c.file), await renderPng(c.spec));
  const html = join(r.dir, 'report.html');
  await writeFile(html, renderHtml({ title: r.title, subtitle: r.subtitle, metrics: r.metrics, charts }));
  const json = join(r.dir, 'metrics.json');
  await writeFile(json, `${JSON.stringify(r.metrics, null, 2)}\n`);
  return { dir: r.dir, html, charts: charts.map((c) => join(r.dir, c.file)), json };
}
