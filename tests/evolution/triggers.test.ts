/** The rollback ladder, one test per rung (and per trigger within it), on synthetic series whose answer is known. */
import { describe, expect, it } from 'vitest';
import { RollbackLimitsSchema } from '../../src/contract/risk.ts';
import type { Expectations } from '../../src/evolution/expectations.ts';
import { calibrateCusum } from '../../src/evolution/stats.ts';
import { evaluateTriggers, type Observations } from '../../src/evolution/triggers.ts';
import { mulberry32 } from '../../src/sim/rng.ts';

const limits = RollbackLimitsSchema.parse({});
const DAY = 86_400_000;
const rnd = mulberry32(9);
/** The backtest's trades: mean +0.4 %, sd 1 %. */
const backtest = Array.from({ length: 400 }, () => 0.004 + (rnd() - 0.5) * 0.0346);
const expectations: Expectations = {
  trades: 400,
  tradesPerDay: 2,
  meanReturn: 0.004,
  sdReturn: 0.01,
  tradeReturns: backtest,
  cusum: calibrateCusum(backtest, { falseAlarm: 0.01 }),
  mcDrawdown: { p95: 0.06, p99: 0.09 },
  losingStreakP95: 6,
  longestUnderwaterMs: 5 * DAY,
  slippage: 0.0005,
  takerFee: 0.004,
};
const healthy: Observations = {
  since: 0,
  now: 10 * DAY,
  runtimeFailures: [],
  orders: 20,
  rejects: 0,
  reconcileMismatches: 0,
  fills: Array.from({ length: 20 }, () => ({ slippage: 0.0004, feeRate: 0.004 })),
  tradeReturns: backtest.slice(0, 20),
  equity: { peak: 10_500, last: 10_400, peakAt: 9 * DAY },
};
const fire = (o: Partial<Observations>) => evaluateTriggers({ ...healthy, ...o }, expectations, expectations, limits);

describe('rollback trigger ladder', () => {
  it('stays quiet while the version trades like its backtest', () => {
    expect(fire({})).toBeNull();
  });

  it('rung 1, operational: sandbox failures in 24 h, reconciliation mismatches, the venue rejecting orders', () => {
    expect(fire({ runtimeFailures: [1, 2, 3, 4, 5].map((h) => 10 * DAY - h * 3_600_000) })).toMatchObject({
      rung: 'operational',
      trigger: 'runtimeFailures',
      value: 5,
    });
    expect(fire({ runtimeFailures: [1, 2, 3, 4, 5].map((d) => d) })).toBeNull();
    expect(fire({ reconcileMismatches: 1 })).toMatchObject({ rung: 'operational', trigger: 'reconcileMismatches' });
    expect(fire({ rejects: 5 })).toMatchObject({ rung: 'operational', trigger: 'rejectShare', value: 0.25 });
  });

  it('rung 2, execution: slippage or fees beyond the backtest assumption', () => {
    expect(fire({ fills: healthy.fills.map((f) => ({ ...f, slippage: 0.002 })) })).toMatchObject({ rung: 'execution', trigger: 'slippage' });
    expect(fire({ fills: healthy.fills.map((f) => ({ ...f, feeRate: 0.0065 })) })).toMatchObject({ rung: 'execution', trigger: 'fees' });
    expect(fire({ fills: healthy.fills.slice(0, 5).map((f) => ({ ...f, slippage: 0.01 })) })).toBeNull();
  });

  it('rung 3, statistical: a CUSUM of trade returns falling below the backtest mean', () => {
    const losing = Array.from({ length: 30 }, () => -0.006);
    const t = fire({ tradeReturns: losing });
    expect(t).toMatchObject({ rung: 'statistical', trigger: 'cusum' });
    expect(t!.value).toBeGreaterThan(t!.threshold);
  });

  it('rung 3, statistical: drawdown since the deploy beyond the Monte Carlo p95, and time under water past 3x', () => {
    expect(fire({ equity: { peak: 10_000, last: 9_300, peakAt: 9 * DAY } })).toMatchObject({ trigger: 'drawdown', value: 0.07 });
    expect(fire({ equity: { peak: 10_000, last: 9_900, peakAt: 10 * DAY - 16 * DAY } })).toMatchObject({ trigger: 'underwater' });
  });

  it('the CUSUM threshold is calibrated so the backtest itself rarely alarms (about the target rate per 100 trades)', () => {
    let alarms = 0;
    const r = mulberry32(4);
    for (let k = 0; k < 300; k++) {
      const path = Array.from({ length: 100 }, () => backtest[Math.floor(r() * backtest.length)]!);
      if (fire({ tradeReturns: path, equity: null })?.trigger === 'cusum') alarms += 1;
    }
    expect(alarms / 300).toBeLessThan(0.04);
  });

  it('a seeded version without expectations is watched on the operational and execution rungs only', () => {
    expect(evaluateTriggers({ ...healthy, tradeReturns: Array(40).fill(-0.05) }, null, expectations, limits)).toBeNull();
    expect(evaluateTriggers({ ...healthy, reconcileMismatches: 2 }, null, expectations, limits)).toMatchObject({ rung: 'operational' });
  });
});
