/**
 * Charts for the console, drawn by the project's chart pipeline (src/backtest/report/charts.ts: vega-lite
 * → vega → SVG → resvg PNG): equity and drawdown reuse its specs; the daily P&L bars are a spec of the
 * same look. vega is loaded on the first chart, so a status command does not pay for it.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartData, ChartRenderer } from '../../control/operation.ts';

/** Green and red bars of P&L per UTC day. */
export function dailyPnlSpec(days: ReadonlyArray<{ day: number; pnl: number }>): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'P&L per UTC day (USD)',
    width: 900,
    height: 300,
    background: 'white',
    config: { font: 'DejaVu Sans', title: { fontSize: 15, anchor: 'start' }, axis: { labelFontSize: 11, titleFontSize: 12 } },
    // One bar per UTC day, labelled by its date (an ordinal axis: no time-zone shift, bars under their label).
    data: { values: days.map((d) => ({ day: new Date(d.day).toISOString().slice(5, 10), pnl: d.pnl })) },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'day', type: 'ordinal', title: null, sort: null, axis: { labelAngle: 0, labelOverlap: true } },
      y: { field: 'pnl', type: 'quantitative', title: 'USD' },
      color: { condition: { test: 'datum.pnl < 0', value: '#c0392b' }, value: '#27864a' },
    },
  };
}

export function chartRenderer(): ChartRenderer {
  return {
    async render(chart: ChartData): Promise<Uint8Array> {
      const charts = await import('../../backtest/report/charts.ts');
      const spec =
        chart.kind === 'pnl'
          ? dailyPnlSpec(chart.days)
          : chart.kind === 'equity'
            ? charts.equitySpec({ time: chart.time, value: chart.value }, null, chart.start)
            : charts.drawdownSpec({ time: chart.time, value: chart.value }, chart.start);
      return new Uint8Array(await charts.renderPng(spec));
    },
  };
}
