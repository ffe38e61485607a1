/**
 * Candle storage throughput: upsert 100k candles (fresh rows, then the same rows again as updates)
 * into a WAL file database, and read the range back as objects and as Float64Array columns.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRepositories, openDatabase } from '../src/db/index.ts';
import { syntheticCandles } from './lib/candles.ts';

const N = 100_000;
const STEP = 300_000;
const T0 = Date.UTC(2024, 0, 1);

function timed<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const result = fn();
  return [result, performance.now() - start];
}

export default async function (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'brain-db-bench-'));
  const db = openDatabase({ path: join(dir, 'bench.db') });
  try {
    const { candles } = createRepositories(db);
    const data = syntheticCandles(N, STEP, T0, 40_000);
    const [, insertMs] = timed(() => candles.upsertMany('BTC/USD', '5m', data));
    const [, updateMs] = timed(() => candles.upsertMany('BTC/USD', '5m', data));
    const end = T0 + N * STEP;
    const [rows, rangeMs] = timed(() => candles.range('BTC/USD', '5m', T0, end));
    const [cols, columnsMs] = timed(() => candles.rangeColumns('BTC/USD', '5m', T0, end));
    const [week, weekMs] = timed(() => candles.rangeColumns('BTC/USD', '5m', end - 7 * 288 * STEP, end));
    const rate = (ms: number) => Math.round((N / ms) * 1000).toLocaleString('en-US');
    console.log(`candles upsert (new rows):      ${N} in ${insertMs.toFixed(0)} ms = ${rate(insertMs)} rows/s`);
    console.log(`candles upsert (existing rows): ${N} in ${updateMs.toFixed(0)} ms = ${rate(updateMs)} rows/s`);
    console.log(`range → Candle[]:               ${rows.length} rows in ${rangeMs.toFixed(1)} ms`);
    console.log(`range → CandleColumns:          ${cols.time.length} rows in ${columnsMs.toFixed(1)} ms`);
    console.log(`last 7 days → CandleColumns:    ${week.time.length} rows in ${weekMs.toFixed(1)} ms`);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
