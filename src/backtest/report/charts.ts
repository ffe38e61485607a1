/**
 * PNG charts: vega-lite spec → vega → SVG → @resvg/resvg-js PNG. No hand-made SVG. Long curves are
 * thinned to at most MAX_POINTS, keeping each window's extreme point so the deepest drawdown and
 * the peaks stay visible.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { BacktestMetrics, MarketSeries } from '../metrics.ts';

const MAX_POINTS = 1500;
const FONT = 'DejaVu Sans';
const WIDTH = 900;
const HEIGHT = 300;
const STRATEGY = 'Strategy';
const BENCHMARK = 'Buy and hold (equal-weight basket)';

export interface Curve {
  readonly time: ArrayLike<number>;
  readonly value: ArrayLike<number>;
}

/** Indexes to plot: per window, the point that `score` ranks highest; always the last point. */
export function thin(n: number, score: (i: number) => number, max = MAX_POINTS): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const size = Math.ceil(n / max);
  const out: number[] = [];
  for (let start = 0; start < n; start += size) {
    let best = start;
    for (let i = start + 1; i < Math.min(n, start + size); i++) if (score(i) > score(best)) best = i;
    out.push(best);
  }
  if (out.at(-1) !== n - 1) out.push(n - 1);
  return out;
}

/** Buy and hold of an equal-weight basket of the pairs, valued like the strategy's equity. */
export function buyAndHoldCurve(markets: readonly MarketSeries[], time: ArrayLike<number>, start: number): Float64Array | null {
  const usable = markets.filter((m) => m.time.length === time.length);
  if (usable.length === 0) return null;
  const out = new Float64Array(time.length);
  for (const m of usable) {
    let first = Number.NaN;
    let last = Number.NaN;
    for (let i = 0; i < time.length; i++) {
      const c = m.close[i]!;
      if (Number.isFinite(c)) {
        if (Number.isNaN(first)) first = c;
        last = c;
      }
      out[i] = out[i]! + (start * (Number.isNaN(first) ? 1 : last / first)) / usable.length;
    }
  }
  return out;
}

export function drawdownSeries(curve: Curve, start: number): Float64Array {
  const out = new Float64Array(curve.time.length);
  let peak = start;
  for (let i = 0; i < out.length; i++) {
    peak = Math.max(peak, curve.value[i]!);
    out[i] = curve.value[i]! / peak - 1;
  }
  return out;
}

const base = (title: string) => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title,
  width: WIDTH,
  height: HEIGHT,
  background: 'white',
  config: { font: FONT, title: { fontSize: 15, anchor: 'start' as const }, axis: { labelFontSize: 11, titleFontSize: 12 } },
});

/**
 * Strategy and market on one axis, both indexed to 100 at the start, on a log scale: equal
 * vertical distances are equal percentage moves, so a curve stays readable when the market
 * doubles (or halves) while the strategy moves a few percent.
 */
export function equitySpec(curve: Curve, benchmark: Float64Array | null, start: number): TopLevelSpec {
  const idx = thin(curve.time.length, (i) => curve.value[i]!);
  const indexed = (x: number) => (100 * x) / start;
  const rows = idx.flatMap((i) => [
    { time: curve.time[i]!, index: indexed(curve.value[i]!), series: STRATEGY },
    ...(benchmark ? [{ time: curve.time[i]!, index: indexed(benchmark[i]!), series: BENCHMARK }] : []),
  ]);
  return {
    ...base('Equity, indexed to 100 at the start (log scale)'),
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'time', type: 'temporal', title: null, axis: { format: '%Y-%m-%d' } },
      y: { field: 'index', type: 'quantitative', title: 'start = 100', scale: { type: 'log', nice: false } },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        legend: { orient: 'top', direction: 'horizontal', labelLimit: 0 },
        scale: { domain: [STRATEGY, BENCHMARK], range: ['#1f6fb2', '#9a9a9a'] },
      },
    },
  };
}

/** Where a trade entered and left, for the price charts. */
export interface TradeMarks {
  readonly entryTime: number;
  readonly entryPrice: number;
  readonly exitTime: number;
  readonly exitPrice: number;
}

/** A pair's closes with every entry (green ▲) and exit (red ▼) of the strategy marked at its fill price. */
export function priceSpec(market: MarketSeries, trades: readonly TradeMarks[]): TopLevelSpec {
  const n = market.time.length;
  const close = (i: number) => market.close[i]!;
  // Each window's high and low both survive thinning.
  const idx = [...new Set([...thin(n, close), ...thin(n, (i) => -close(i))])].sort((a, b) => a - b).filter((i) => Number.isFinite(close(i)));
  const prices = idx.map((i) => ({ time: market.time[i]!, price: close(i) }));
  const marks = trades.flatMap((t) => [
    { time: t.entryTime, price: t.entryPrice, kind: 'entry' },
    { time: t.exitTime, price: t.exitPrice, kind: 'exit' },
  ]);
  const x = { field: 'time', type: 'temporal', title: null, axis: { format: '%Y-%m-%d' } } as const;
  const y = { field: 'price', type: 'quantitative', title: 'USD', scale: { zero: false } } as const;
  return {
    ...base(`${market.pair}: close, entries ▲ and exits ▼ (${trades.length} trades)`),
    height: 220,
    layer: [
      { data: { values: prices }, mark: { type: 'line', strokeWidth: 1, color: '#555' }, encoding: { x, y } },
      {
        data: { values: marks },
        mark: { type: 'point', filled: true, size: 36, opacity: 0.8 },
        encoding: {
          x,
          y,
          shape: { field: 'kind', type: 'nominal', scale: { domain: ['entry', 'exit'], range: ['triangle-up', 'triangle-down'] }, legend: null },
          color: { field: 'kind', type: 'nominal', scale: { domain: ['entry', 'exit'], range: ['#27864a', '#c0392b'] }, legend: null },
        },
      },
    ],
  } as TopLevelSpec;
}

export function drawdownSpec(curve: Curve, start: number): TopLevelSpec {
  const dd = drawdownSeries(curve, start);
  const rows = thin(dd.length, (i) => -dd[i]!).map((i) => ({ time: curve.time[i]!, drawdown: dd[i]! }));
  return {
    ...base('Drawdown from peak'),
    data: { values: rows },
    mark: { type: 'area', color: '#c0392b', opacity: 0.6, line: { color: '#962d22', strokeWidth: 1 } },
    encoding: {
      x: { field: 'time', type: 'temporal', title: null, axis: { format: '%Y-%m-%d' } },
      y: { field: 'drawdown', type: 'quantitative', title: null, axis: { format: '.1%' } },
    },
  };
}

export function pairsSpec(m: BacktestMetrics): TopLevelSpec {
  const rows = m.perPair.map((g) => ({ pair: g.key, pnl: g.pnl, trades: g.trades }));
  return {
    ...base('Net P&L by pair (USD)'),
    height: Math.max(120, 34 * rows.length),
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'pair', type: 'nominal', sort: '-x', title: null },
      x: { field: 'pnl', type: 'quantitative', title: 'USD' },
      color: { condition: { test: 'datum.pnl < 0', value: '#c0392b' }, value: '#27864a' },
    },
  };
}

/** vega, vega-lite and resvg (~30 MB, ~0.6 s) load on the first chart drawn, not with every importer of a backtest. */
export async function renderPng(spec: TopLevelSpec): Promise<Buffer> {
  const [vega, { compile }, { Resvg }] = await Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG(2);
  view.finalize();
  return new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: FONT }, fitTo: { mode: 'original' } }).render().asPng();
}
