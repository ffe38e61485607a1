/**
 * Candle store and metrics throughput: CSV import, tier compaction, columnar range reads (what a
 * backtest loads), and computeMetrics on a year of 5m equity. Prints figures; asserts nothing.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeMetrics } from '../src/backtest/metrics.ts';
import { PAIRS } from '../src/contract/index.ts';
import { openDatabase } from '../src/db/index.ts';
import { candleDbFrom, createCandleStore } from '../src/market/store.ts';
import { PROJECT_ROOT, SHARED_OHLCV_DIR } from '../src/paths.ts';


function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const out = fn();
  return [out, performance.now() - t0];
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

function metricsBench(): void {
  const n = 365 * 288;
  const time = new Float64Array(n);
  const value = new Float64Array(n);
  let v = 10_000;
  for (let i = 0; i < n; i++) {
    v *= 1 + Math.sin(i / 97) * 0.0004 + Math.cos(i / 13) * 0.0003;
    time[i] = Date.UTC(2024, 0, 1) + i * 300_000;
    value[i] = v;
  }
  const trades = Array.from({ length: 2000 }, (_, i) => ({
    pair: PAIRS[i % PAIRS.length]!, entryTime: time[i * 50]!, exitTime: time[i * 50 + 20]!, entryPrice: 100, exitPrice: 101,
    quantity: 1, fees: 0.5, slippageCost: 0.05, pnl: (i % 3) - 1, exitReason: 'signal' as const,
  }));
  const [, ms] = timed(() => computeMetrics({ startingBalance: 10_000, equity: { time, value }, trades, markets: [] }));
  console.log(`computeMetrics: ${n} equity points, ${trades.length} trades in ${ms.toFixed(1)} ms`);
}

export default async function (): Promise<void> {
  const dir = existsSync(SHARED_OHLCV_DIR) ? SHARED_OHLCV_DIR : join(PROJECT_ROOT, 'data/sample');
  const tmp = mkdtempSync(join(tmpdir(), 'brain-bench-'));
  const db = openDatabase({ path: join(tmp, 'brain.db') });
  try {
    const store = createCandleStore({ db: candleDbFrom(db), retention: { fineDays: 30, hourlyDays: 60 } });
    const [files, importMs] = await timeAsync(() => store.importCsvDir(dir));
    const rows = files.reduce((n, f) => n + f.rows, 0);
    console.log(`import ${dir}: ${rows} candles from ${files.length} files in ${importMs.toFixed(0)} ms (${Math.round(rows / (importMs / 1000))} candles/s)`);
    const pairs = [...new Set(files.map((f) => f.pair))];
    const [cols, readMs] = timed(() => pairs.map((p) => store.columns(p, '5m', 0, Number.MAX_SAFE_INTEGER)));
    const read = cols.reduce((n, c) => n + c.time.length, 0);
    console.log(`rangeColumns 5m: ${read} candles for ${pairs.length} pairs in ${readMs.toFixed(1)} ms`);
    const last = Math.max(...files.map((f) => f.to ?? 0));
    const [steps, compactMs] = timed(() => store.compact(pairs, last + 45 * 86_400_000));
    const folded = steps.reduce((n, s) => n + s.folded, 0);
    console.log(`compact (5m kept 30 d, 1h kept 60 d): ${folded} candles folded in ${steps.length} steps in ${compactMs.toFixed(0)} ms`);
  } finally {
    db.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  metricsBench();
}
