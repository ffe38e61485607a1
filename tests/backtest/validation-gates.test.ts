import { describe, expect, it } from 'vitest';
import { ParamSpecSchema, RiskLimitsSchema } from '../../src/contract/index.ts';
import { sliceMarketData } from '../../src/backtest/data.ts';
import { runEngine } from '../../src/backtest/engine.ts';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import { deciderRunner } from '../../src/backtest/runners.ts';
import { jitteredValue, lookAheadCheck, monteCarlo, parameterJitter, pathStats, walkForward } from '../../src/backtest/validation/index.ts';
import { emaCross, loadShared } from './engine-fixtures.ts';

const eth = sliceMarketData(loadShared(['ETH/USD']), 0, 12_000);
const limits = RiskLimitsSchema.parse({ maxConsecutiveLosses: 100, dailyLossFraction: 1, maxDrawdownFraction: 1, reducingDrawdownFraction: 1 });
const config = engineConfig(eth.pairs, { limits, params: { fast: 12, slow: 26 } });
const factory = (p: Record<string, number>) => emaCross(p, 1);
const runner = deciderRunner(factory, 'ema-cross');

describe('look-ahead check', () => {
  it('passes a strategy that only reads closed candles', async () => {
    const r = await lookAheadCheck(eth, config, runner, { cuts: 4 });
    expect(r.cuts).toHaveLength(4);
    expect(r.passed).toBe(true);
  });
});

describe('walk-forward', () => {
  it('tiles the data with IS/OOS windows and runs the best in-sample params out of sample', async () => {
    const candidates = [
      { fast: 12, slow: 26 },
      { fast: 24, slow: 72 },
    ];
    const r = await walkForward(eth, config, runner, { inSample: 4000, outOfSample: 2000, candidates });
    expect(r.windows.map((w) => [w.isStart, w.oosStart, w.oosEnd])).toEqual([
      [0, 4000, 6000],
      [2000, 6000, 8000],
      [4000, 8000, 10_000],
      [6000, 10_000, 12_000],
    ]);
    const w = r.windows[1]!;
    const isScores = candidates.map((params) => runEngine({ ...config, params, start: 2000, end: 6000 }, eth, factory(params)).summary.totalReturn / 4000);
    expect(w.isScore).toBeCloseTo(Math.max(...isScores), 12);
    if (r.meanIsScore > 0) expect(r.degradation).toBeCloseTo(r.meanOosScore / r.meanIsScore, 12);
    else expect(r.degradation).toBeNull();
  });
});

describe('Monte Carlo', () => {
  const pnl = [120, -80, -40, 200, -60, -60, -60, 90, 30, -20, 150, -100];

  it('measures drawdown on the trade path and the longest losing streak', () => {
    // 1000 → 1120 (peak) → 1040 → 1000: drawdown 120/1120; streak of three −60s
    expect(pathStats([120, -80, -40], 1000).maxDrawdown).toBeCloseTo(120 / 1120, 12);
    expect(pathStats(pnl, 1000).losingStreak).toBe(3);
  });

  it('is reproducible with a seed and gives ordered percentiles for shuffle and bootstrap', () => {
    const a = monteCarlo(pnl, 1000, { runs: 500, seed: 3 });
    expect(monteCarlo(pnl, 1000, { runs: 500, seed: 3 })).toEqual(a);
    for (const d of [a.shuffle, a.bootstrap]) {
      expect(d.maxDrawdown.p50).toBeLessThanOrEqual(d.maxDrawdown.p90);
      expect(d.maxDrawdown.p95).toBeLessThanOrEqual(d.maxDrawdown.p99);
      expect(d.losingStreak.p50).toBeGreaterThanOrEqual(1);
    }
    // A shuffle only reorders: its worst streak can never exceed the number of losing trades (7).
    expect(a.shuffle.losingStreak.p99).toBeLessThanOrEqual(7);
  });

  it('sees no drawdown and no streak when every trade wins', () => {
    const r = monteCarlo([10, 20, 5], 1000, { runs: 50 });
    expect(r.bootstrap.maxDrawdown.p99).toBe(0);
    expect(r.shuffle.losingStreak.p99).toBe(0);
  });
});

describe('parameter jitter', () => {
  const specs = {
    fast: ParamSpecSchema.parse({ default: 12, min: 2, max: 50, integer: true }),
    slow: ParamSpecSchema.parse({ default: 26, min: 5, max: 200, integer: true }),
  };

  it('rounds integer params and clamps to the declared range', () => {
    expect(jitteredValue(specs.fast, 12, -1, 0.1)).toBe(11);
    expect(jitteredValue(specs.fast, 12, 1, 0.1)).toBe(13);
    expect(jitteredValue(specs.fast, 2, -1, 0.1)).toBe(2);
    expect(jitteredValue(ParamSpecSchema.parse({ default: 1, min: 0, max: 1.05 }), 1, 1, 0.1)).toBe(1.05);
  });

  it('runs each declared param at −10 % and +10 % on its own', async () => {
    const r = await parameterJitter(eth, config, runner, specs);
    expect(r.runs.map((x) => [x.param, x.value])).toEqual([
      ['fast', 11],
      ['fast', 13],
      ['slow', 23],
      ['slow', 29],
    ]);
    expect(r.worstReturn).toBeLessThanOrEqual(r.baseReturn);
    expect(r.bestReturn).toBeGreaterThanOrEqual(r.baseReturn);
    expect(r.runs.every((x) => x.trades > 0)).toBe(true);
  });
});
