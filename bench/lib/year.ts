/**
 * The 9-pair year the backtest and market benches share (the sandbox bench runs on the same grid):
 * 105,120 steps of 5m × 9 pairs of real candles (bench/lib/sandbox-fixtures.ts `grid`), as MarketData
 * and as a CSV folder in the format `brain backtest --data` reads, so every peer gets the same candles.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MarketData } from '../../src/backtest/engine.ts';
import { CSV_HEADER } from '../../src/market/csv.ts';
import { looseLimits } from '../../src/backtest/validation/canaries.ts';
import { PAIRS, type Pair, type PairRules } from '../../src/contract/index.ts';
import { grid } from './sandbox-fixtures.ts';

export const YEAR_STEPS = 105_120;

export function yearMarket(): MarketData {
  const { time, cols } = grid(YEAR_STEPS, PAIRS.length);
  return {
    pairs: PAIRS,
    time,
    columns: cols.map(([open, high, low, close, volume]) => ({ time, open: open!, high: high!, low: low!, close: close!, volume: volume! })),
  };
}

/** Writes `<BASE>-USD_5m.csv` per pair into `dir`; numbers print as their shortest round-trip decimals. */
export function writeYearCsv(dir: string, data: MarketData): void {
  mkdirSync(dir, { recursive: true });
  data.pairs.forEach((pair, p) => {
    const c = data.columns[p]!;
    const rows = [CSV_HEADER];
    for (let i = 0; i < data.time.length; i++) rows.push(`${data.time[i]! / 1000},${c.open[i]},${c.high[i]},${c.low[i]},${c.close[i]},${c.volume[i]}`);
    writeFileSync(join(dir, `${pair.replace('/', '-')}_5m.csv`), `${rows.join('\n')}\n`);
  });
}

/**
 * Rules that never bind (the grid reuses BTC prices for ADA, whose real order minimum would refuse
 * every entry): the peers have no tick, lot or minimum, so the engine must not either to trade the same.
 */
export function looseRules(pair: Pair): PairRules {
  return { pair, tickSize: 1e-8, priceDecimals: 8, lotDecimals: 8, orderMin: 1e-8, costMin: 0.5 };
}

/** Limits that never refuse an entry: every signal of every pair trades, as in the peers. */
export const LOOSE_LIMITS = looseLimits(PAIRS.length);
