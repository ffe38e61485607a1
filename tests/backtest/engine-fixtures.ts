/** Builders for engine and validation tests: tiny hand-made grids, scripted deciders, the shared real candles. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DecisionInput, Pair } from '../../src/contract/index.ts';
import { alignMarketData, columnsFromCandles } from '../../src/backtest/data.ts';
import type { DecideFn, MarketData } from '../../src/backtest/engine.ts';
import { parseCandleColumns, seriesFromFileName } from '../../src/market/csv.ts';
import { sharedOhlcvDir } from '../../src/paths.ts';

export const FIVE_MIN = 300_000;
export const T0 = Date.UTC(2024, 0, 1);

/** [open, high, low, close] per bar; null = no candle for that pair at that step. */
export type Ohlc = readonly [number, number, number, number] | null;

export function grid(bars: Record<string, readonly Ohlc[]>): MarketData {
  const series = Object.entries(bars).map(([pair, rows]) => {
    const candles = rows.flatMap((r, i) => (r ? [{ time: T0 + i * FIVE_MIN, open: r[0], high: r[1], low: r[2], close: r[3], volume: 1 }] : []));
    return { pair: pair as Pair, columns: columnsFromCandles(candles) };
  });
  return alignMarketData(series);
}

const HOLD: DecisionInput = { action: 'hold' };

/** Answers `script[pairIndex:step]` (or `script[step]` for pair 0) and holds otherwise. */
export function scripted(script: Record<string, DecisionInput>): DecideFn {
  return (p, s) => script[`${p}:${s}`] ?? (p === 0 ? script[String(s)] : undefined) ?? HOLD;
}

/**
 * Real candles of the shared development set (default: Q3 2024 5m; `subdir` 'kraken-2023' holds H1 2023,
 * a strongly rising window); fails loudly when the folder is missing.
 */
export function loadShared(pairs: readonly Pair[], timeframe = '5m', subdir = ''): MarketData {
  const dir = path.join(sharedOhlcvDir(), subdir);
  return alignMarketData(
    pairs.map((pair) => {
      const file = path.join(dir, `${pair.replace('/', '-')}_${timeframe}.csv`);
      const { timeframe: tf } = seriesFromFileName(file);
      return { pair, columns: parseCandleColumns(readFileSync(file), file, tf) };
    }),
  );
}

/**
 * EMA fast/slow cross, incremental (reads only the bar): buys `size` of equity on a cross up,
 * closes on a cross down. Params: fast, slow (candles). A clean, look-ahead-free reference strategy.
 */
export function emaCross(params: { fast?: number; slow?: number }, pairs = 9, size = 0.1): DecideFn {
  const a = 2 / ((params.fast ?? 12) + 1);
  const b = 2 / ((params.slow ?? 26) + 1);
  const fast = new Float64Array(pairs).fill(Number.NaN);
  const slow = new Float64Array(pairs).fill(Number.NaN);
  const buy: DecisionInput = { action: 'buy', sizeFraction: size };
  return (p, _s, ctx, bar) => {
    const c = bar.close;
    const f0 = fast[p]!;
    const s0 = slow[p]!;
    const f = !Number.isNaN(f0) ? f0 + a * (c - f0) : c;
    const s = !Number.isNaN(s0) ? s0 + b * (c - s0) : c;
    fast[p] = f;
    slow[p] = s;
    if (f0 <= s0 && f > s && !ctx.position) return buy;
    if (f0 >= s0 && f < s && ctx.position) return { action: 'close' };
    return HOLD;
  };
}
