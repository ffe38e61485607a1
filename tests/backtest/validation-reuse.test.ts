/**
 * What the gates reuse between the runs and candidates of one search: the evaluator canaries are
 * judged once per dataset and cost model, and a look-ahead cut is a prefix VIEW of the data that
 * shares its preparation and indicator series, yet decides exactly as a truncated copy does.
 */
import { describe, expect, it } from 'vitest';
import { sliceMarketData } from '../../src/backtest/data.ts';
import { runEngine, type MarketData } from '../../src/backtest/engine.ts';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import { prefixParent, prefixView, prepareMarket, seriesCacheOf } from '../../src/backtest/prepared-market.ts';
import { replayedRun, type StrategyRunner } from '../../src/backtest/replay.ts';
import { inProcessRunner } from '../../src/backtest/runners.ts';
import { moduleDecider } from '../../src/backtest/strategy-decider.ts';
import { lookAheadCheck, runCanaries } from '../../src/backtest/validation/index.ts';
import v001 from '../../strategy/active/strategy.ts';
import { loadShared } from './engine-fixtures.ts';

const data = sliceMarketData(loadShared(['ETH/USD', 'SOL/USD']), 0, 6000);

/** `data` with holes in pair 1 (no candle on every 7th step, and a 40-step outage): compact rows differ from steps. */
function gappy(d: MarketData): MarketData {
  const columns = d.columns.map((c, p) => {
    if (p === 0) return c;
    const hole = (s: number) => s % 7 === 3 || (s >= 2000 && s < 2040);
    const cut = (col: Float64Array) => col.map((x, s) => (hole(s) ? Number.NaN : x));
    return { time: c.time, open: cut(c.open), high: cut(c.high), low: cut(c.low), close: cut(c.close), volume: cut(c.volume) };
  });
  return { pairs: d.pairs, time: d.time, columns };
}

describe('evaluator canaries are judged once per dataset and cost model', () => {
  it('a second candidate on the same candles and costs gets the same report without a re-run; other costs or candles are judged anew', async () => {
    const first = await runCanaries(data, engineConfig(data.pairs, { params: { fast: 9 } }));
    const again = await runCanaries(data, engineConfig(data.pairs, { params: { fast: 30 }, start: 100 }));
    expect(again).toBe(first);
    const dearer = await runCanaries(data, engineConfig(data.pairs, { slippage: 0.002 }));
    expect(dearer).not.toBe(first);
    expect(dearer.randomEntries.expectedCost).toBeGreaterThan(first.randomEntries.expectedCost);
    const otherCandles = await runCanaries(sliceMarketData(data, 0, 6000), engineConfig(data.pairs, { params: { fast: 9 } }));
    expect(otherCandles).not.toBe(first);
    expect(otherCandles).toEqual(first);
  });
});

describe('look-ahead cuts are prefix views of the data', () => {
  it('a view is cut once per (data, length), from the whole dataset even when cut from a view, and its arrays end at the cut', () => {
    const v = prefixView(data, 4000);
    expect(prefixView(data, 4000)).toBe(v);
    expect(prefixView(prefixView(data, 5000), 4000)).toBe(v);
    expect(prefixParent(v)).toEqual({ data, to: 4000 });
    expect(prefixView(data, data.time.length)).toBe(data);
    expect(v.time.length).toBe(4000);
    expect(v.columns[1]!.close.length).toBe(4000);
    expect(v.columns[1]!.close.buffer).toBe(data.columns[1]!.close.buffer);
    expect(() => prefixView(data, 6001)).toThrow('a prefix view needs 0 <= to <= 6000 steps, got 6001');
  });

  it("on gappy candles, v001 on a view decides, trades and ends exactly as on a truncated copy, and reads its dataset's series (none computed)", () => {
    const d = gappy(data);
    const params = { emaFast: 7, emaSlow: 25 };
    const cfg = engineConfig(d.pairs, { params });
    const run = (m: MarketData, end: number) => runEngine({ ...cfg, end }, m, moduleDecider(v001, m.pairs, params));
    run(d, 6000);
    const { cache } = seriesCacheOf(prepareMarket(d));
    for (const cut of [1000, 2020, 3001, 5999]) {
      const misses = cache.misses;
      const onView = run(prefixView(d, cut), cut);
      expect(cache.misses).toBe(misses);
      const onCopy = run(sliceMarketData(d, 0, cut), cut);
      expect(onView.intents).toEqual(onCopy.intents);
      expect(onView.trades).toEqual(onCopy.trades);
      expect(onView.summary).toEqual(onCopy.summary);
      expect(Array.from(onView.equity.value)).toEqual(Array.from(onCopy.equity.value));
    }
    expect(prepareMarket(prefixView(d, 2020)).compact[1]!.close.length).toBe(prepareMarket(sliceMarketData(d, 0, 2020)).compact[1]!.close.length);
  });

  it("the backtest the gates judge is not run again as the look-ahead check's full run", async () => {
    const cfg = engineConfig(data.pairs);
    const inner = inProcessRunner(v001, 'v001');
    const runs: number[] = [];
    const counting: StrategyRunner = { versionId: 'v001', decide: (d, c, onChunk) => (runs.push(d.time.length), inner.decide(d, c, onChunk)) };
    const full = await replayedRun(counting, data, cfg);
    runs.length = 0;
    const r = await lookAheadCheck(data, cfg, counting, { cuts: 3, full: full.intents });
    expect(r.passed).toBe(true);
    expect(runs).toEqual([1500, 3000, 4500]);
  });
});
