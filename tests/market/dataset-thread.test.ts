/**
 * `brain backtest --data` parses its CSV folder on a worker thread (dataset-thread.ts): the same
 * columns as the read on this thread, and the same refusals (code and words) for a missing file or a
 * bad row.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Pair } from '../../src/contract/index.ts';
import { seriesFromCsvDir } from '../../src/market/dataset.ts';
import { seriesFromCsvDirOffThread } from '../../src/market/dataset-thread.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';

const SAMPLE = join(PROJECT_ROOT, 'data/sample');
const root = mkdtempSync(join(tmpdir(), 'brain-csv-thread-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const request = (pairs: Pair[]) => ({ pairs, timeframe: '5m' as const, from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY });

/** What a read throws, as its class, code and message. */
async function refusal(read: Promise<unknown>): Promise<unknown> {
  const err = await read.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  const { name, code, message } = err as { name: string; code?: string; message: string };
  return { name, code, message };
}

describe('the CSV folder read on a worker thread', () => {
  it('returns the columns the read on this thread returns', async () => {
    const pairs: Pair[] = ['BTC/USD', 'ETH/USD', 'SOL/USD'];
    const off = await seriesFromCsvDirOffThread(SAMPLE, request(pairs));
    expect(off.map((s) => s.pair)).toEqual(pairs);
    expect(off[0]!.columns.time.length).toBeGreaterThan(1000);
    expect(off).toEqual(await seriesFromCsvDir(SAMPLE, request(pairs)));
  });

  it('refuses a missing file and a bad row as the read on this thread does', async () => {
    const missing = request(['AVAX/USD']);
    expect(await refusal(seriesFromCsvDirOffThread(SAMPLE, missing))).toEqual(await refusal(seriesFromCsvDir(SAMPLE, missing)));
    const dir = join(root, 'bad');
    cpSync(SAMPLE, dir, { recursive: true });
    writeFileSync(join(dir, 'BTC-USD_5m.csv'), 'time,open,high,low,close,volume\n1700000100,1,2,0.5,1.5,10\n1700000400,1,0.5,2,1,10\n');
    const bad = request(['BTC/USD']);
    const expected = await refusal(seriesFromCsvDir(dir, bad));
    expect(expected).toMatchObject({ name: 'MarketDataError', code: 'csv_invalid' });
    expect(await refusal(seriesFromCsvDirOffThread(dir, bad))).toEqual(expected);
  });
});
