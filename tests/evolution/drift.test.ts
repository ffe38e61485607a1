/** The daily live-vs-backtest drift report: live entries matched to the replay's within a candle; the rest are missed or extra. */
import { describe, expect, it } from 'vitest';
import { engineConfig } from '../../src/backtest/engine.ts';
import { replayedRun } from '../../src/backtest/replay.ts';
import { createRepositories, openDatabase } from '../../src/db/index.ts';
import { dailyDrift } from '../../src/evolution/drift.ts';
import type { ShadowMarket } from '../../src/evolution/shadow.ts';
import { windowData } from '../../src/evolution/shadow.ts';
import { candidate, LIMITS, momentum, T0, waveMarket } from './fixtures.ts';

const DAY = 86_400_000;
const data = waveMarket(['BTC/USD', 'ETH/USD'], 24 * 6);

describe('daily drift', () => {
  it('matches the live entries of the day to its backtest replay and reports missed and extra ones with slippage', async () => {
    const db = openDatabase({ path: ':memory:' });
    const repos = createRepositories(db);
    data.pairs.forEach((pair, p) => {
      const c = data.columns[p]!;
      repos.candles.upsertMany(pair, '1h', Array.from(c.time, (time, i) => ({ time, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! })));
    });
    const market: ShadowMarket = { pairs: data.pairs, timeframe: '1h', candles: repos.candles, warmupBars: 24, engineConfig: (pairs) => engineConfig(pairs, { limits: LIMITS }) };
    const c = candidate('v-live', (p) => momentum(p));
    const day = T0 + 2 * DAY;
    // What the replay of that day does, to build a live record that agrees on all but one entry.
    const w = windowData(market, day, day + DAY);
    const replay = await replayedRun(c.runner, w.data, { ...market.engineConfig(w.data.pairs), params: c.params, start: w.start, end: w.data.time.length });
    const entries = replay.fills.filter((f) => f.reason === 'entry');
    expect(entries.length).toBeGreaterThan(1);
    const insert = db.prepare('INSERT INTO positions (id, pair, status, quantity, entry_price, entry_fees, strategy_version, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    entries.slice(1).forEach((f, i) => insert.run([`P${i}`, f.pair, 'open', f.quantity, f.price * 1.001, f.fee, 'v-live', f.time + 20_000]));
    // An entry the replay never made: at an hour where it has none on that pair.
    const free = Array.from({ length: 24 }, (_, h) => day + h * 3_600_000 + 60_000).find((t) => !entries.some((f) => f.pair === 'ETH/USD' && Math.abs(f.time - t) < 3_600_000))!;
    insert.run(['PX', 'ETH/USD', 'open', 1, 200, 0.8, 'v-live', free]);
    const [report] = await dailyDrift({ db, market, reports: repos.evolution, runnerFor: async () => ({ runner: c.runner, params: c.params, close: async () => undefined }), now: () => day + DAY }, day);
    expect(report).toMatchObject({ day, versionId: 'v-live', liveEntries: entries.length, replayEntries: entries.length, matched: entries.length - 1 });
    expect(report!.missed).toEqual([{ pair: entries[0]!.pair, time: entries[0]!.time }]);
    expect(report!.extra).toHaveLength(1);
    expect(report!.entrySlippage).toBeCloseTo(0.001, 6);
    expect(repos.evolution.drift(day)).toHaveLength(1);
  });
});
