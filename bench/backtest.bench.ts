/**
 * Backtest engine throughput on one year-equivalent of 5m candles × 9 pairs, built from the shared
 * Q3-2024 set (4 quarters concatenated, each price-scaled to continue the previous one; pairs 5–8
 * reuse sources with the quarters rotated). Decider: an in-process EMA 12/26 cross, incremental.
 * Also grademark (a JS peer, no fees) on the same single-pair year for a ratio. Prints figures only.
 */
import { DataFrame } from 'data-forge';
import { backtest as grademarkBacktest } from 'grademark';
import { PAIRS, RiskLimitsSchema, type CandleColumns, type DecisionInput } from '../src/contract/index.ts';
import { alignMarketData, selectPairs } from '../src/backtest/data.ts';
import { engineConfig, runEngine, type DecideFn, type MarketData } from '../src/backtest/engine.ts';
import { emaCross as emaCrossOf, loadShared } from '../tests/backtest/engine-fixtures.ts';
import { median } from './lib/stats.ts';

const KEYS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
const QUARTER_MS = 92 * 86_400_000;

function yearOf(src: CandleColumns, rotate: number): CandleColumns {
  const n = src.time.length;
  const out = Object.fromEntries(KEYS.map((k) => [k, new Float64Array(4 * n)])) as unknown as CandleColumns;
  let scale = 1;
  for (let j = 0; j < 4; j++) {
    const seg = (j + rotate) % 4;
    const shift = j * QUARTER_MS;
    if (j > 0) scale = out.close[j * n - 1]! / src.open[0]!;
    for (let i = 0; i < n; i++) {
      const o = j * n + i;
      out.time[o] = src.time[i]! + shift;
      out.volume[o] = src.volume[i]!;
      for (const k of ['open', 'high', 'low', 'close'] as const) out[k][o] = src[k][i]! * scale * (1 + seg * 0.01);
    }
  }
  return out;
}

function buildYear(): MarketData {
  const q = loadShared(['BTC/USD', 'ETH/USD', 'SOL/USD', 'XRP/USD', 'DOGE/USD']);
  const compact = (p: number) => selectPairs(q, [p]).columns[0]!;
  const sources = [0, 1, 2, 3, 4].map(compact);
  return alignMarketData(PAIRS.map((pair, i) => ({ pair, columns: yearOf(sources[i % 5]!, i < 5 ? 0 : 1 + (i % 3)) })));
}

// Limits that never halt, so the engine does the most work and the single-pair run is comparable with grademark.
const limits = RiskLimitsSchema.parse({
  maxOpenPositions: 9, maxTotalExposureFraction: 1, dailyLossFraction: 1, maxDrawdownFraction: 1, reducingDrawdownFraction: 1, maxConsecutiveLosses: 100,
});

const HOLD: DecisionInput = { action: 'hold' };
/** EMA 12/26 cross, incremental: what a typical strategy costs per bar, without touching history views. */
const emaCross = (pairs: number): DecideFn => emaCrossOf({ fast: 12, slow: 26 }, pairs);

function countBars(data: MarketData): number {
  let n = 0;
  for (const c of data.columns) for (const x of c.open) if (x === x) n += 1;
  return n;
}

function timed<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const r = fn();
  return [r, (performance.now() - t) / 1000];
}

function grademarkRun(data: MarketData): [number, number] {
  const c = data.columns[0]!;
  const a = 2 / 13;
  const b = 2 / 27;
  let f = c.close[0]!;
  let s = c.close[0]!;
  const bars = Array.from(c.close, (close, i) => {
    const [pf, ps] = [f, s];
    f = i === 0 ? close : f + a * (close - f);
    s = i === 0 ? close : s + b * (close - s);
    const cross = i > 0 && pf <= ps && f > s ? 1 : i > 0 && pf >= ps && f < s ? -1 : 0;
    return { time: new Date(c.time[i]!), open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close, volume: c.volume[i]!, cross };
  });
  const strategy = {
    entryRule: (enter: () => void, args: { bar: { cross: number } }) => { if (args.bar.cross === 1) enter(); },
    exitRule: (exit: () => void, args: { bar: { cross: number } }) => { if (args.bar.cross === -1) exit(); },
  };
  const [trades, secs] = timed(() => grademarkBacktest(strategy as never, new DataFrame(bars) as never));
  return [trades.length, secs];
}

export default async function (): Promise<void> {
  const [year, loadSecs] = timed(buildYear);
  const cfg = engineConfig(year.pairs, { limits });
  const bars = countBars(year);
  console.log(`data: ${year.pairs.length} pairs × ${year.time.length} steps = ${bars} candles (built in ${loadSecs.toFixed(2)} s)`);

  const [cold, coldSecs] = timed(() => runEngine(cfg, year, emaCross(year.pairs.length)));
  const warm = median(Array.from({ length: 5 }, () => timed(() => runEngine(cfg, year, emaCross(year.pairs.length)))[1]));
  const holdOnly = median(Array.from({ length: 5 }, () => timed(() => runEngine(cfg, year, () => HOLD))[1]));
  const strategyOnly = median(Array.from({ length: 5 }, () => timed(() => {
    const d = emaCross(year.pairs.length);
    const ctx = { position: null } as unknown as Parameters<DecideFn>[2];
    const bar = { close: 0 } as Parameters<DecideFn>[3];
    for (let s = 0; s < year.time.length; s++) for (let p = 0; p < year.pairs.length; p++) {
      const c = year.columns[p]!.close[s]!;
      if (c === c) { (bar as { close: number }).close = c; d(p, s, ctx, bar); }
    }
  })[1]));
  console.log(`engine 9 pairs, EMA cross: ${cold.summary.trades} trades, cold ${coldSecs.toFixed(3)} s, warm ${warm.toFixed(3)} s → ${(bars / warm / 1e6).toFixed(2)} M bars/s`);
  console.log(`engine loop alone (hold decider): ${holdOnly.toFixed(3)} s; EMA decider alone: ${strategyOnly.toFixed(3)} s; engine time excluding the strategy ≈ ${(warm - strategyOnly).toFixed(3)} s`);

  const one = selectPairs(year, [0]);
  const oneCfg = engineConfig(one.pairs, { fees: [{ maker: 0, taker: 0 }], slippage: 0, limits });
  const ours = median(Array.from({ length: 5 }, () => timed(() => runEngine(oneCfg, one, emaCross(1)))[1]));
  const [gmTrades, gmSecs] = grademarkRun(one);
  const ourTrades = runEngine(oneCfg, one, emaCross(1)).summary.trades;
  console.log(`single pair ${one.pairs[0]} (${one.time.length} bars): engine ${ours.toFixed(3)} s (${ourTrades} trades), grademark ${gmSecs.toFixed(3)} s (${gmTrades} trades) → grademark / engine = ${(gmSecs / ours).toFixed(1)}×`);
}
