import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KrakenSim } from '../../src/sim/index.ts';
import { restClient, startSim } from './helpers.ts';

// 5-minute BTC candles with every other interval missing: one row per 10 minutes, 2000 rows.
const FIRST = 1_725_148_800; // 2024-09-01 00:00 UTC, seconds
const STEP = 600;
const ROWS = 2000;
const START_INDEX = 1800;

function gappyCsv(): string {
  const lines = ['time,open,high,low,close,volume'];
  for (let i = 0; i < ROWS; i++) {
    const p = 60_000 + (i % 7) * 10;
    lines.push(`${FIRST + i * STEP},${p},${p + 5},${p - 5},${p + 1},1.5`);
  }
  return lines.join('\n');
}

describe('OHLC over gappy data (an interval without trades has no row)', () => {
  let sim: KrakenSim;
  let rest: ReturnType<typeof restClient>;
  // Now is the open of candle START_INDEX: its 5-minute interval is the forming one.
  const now = FIRST + START_INDEX * STEP;
  const times = async (query: Record<string, string>) =>
    ((await rest.get('OHLC', { pair: 'XBTUSD', ...query })).result.XXBTZUSD as number[][]).map((r) => r[0]!);

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-ohlc-gaps-'));
    writeFileSync(join(dir, 'BTC-USD_5m.csv'), gappyCsv());
    sim = await startSim({ dataDir: dir, pairs: ['BTC/USD'], startTime: now * 1000 });
    rest = restClient(sim);
  });
  afterAll(() => sim.close());

  it('caps at 720 rows, not 720 intervals: half-empty intervals make the window reach twice as far back', async () => {
    const t = await times({ interval: '5' });
    expect(t).toHaveLength(720);
    expect(t.at(-1)).toBe(now);
    expect(t.at(-2)).toBe(now - STEP);
    expect(t[0]).toBe(now - 719 * STEP);
    expect(t.every((x, i) => i === 0 || x - t[i - 1]! === STEP)).toBe(true);
  });

  it('a `since` before the window still starts at the 720-row window, never earlier', async () => {
    const t = await times({ interval: '5', since: String(FIRST - 1) });
    expect(t).toHaveLength(720);
    expect(t[0]).toBe(now - 719 * STEP);
  });

  it('with fewer rows in the whole history than the cap, returns all of it from the first trade', async () => {
    const t = await times({ interval: '1440' });
    // 12.5 days of history: 12 committed daily rows and the forming 13th.
    expect(t[0]).toBe(FIRST);
    expect(t).toHaveLength(13);
  });
});
