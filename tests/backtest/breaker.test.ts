import { describe, expect, it } from 'vitest';
import { RiskLimitsSchema, type DecisionInput } from '../../src/contract/index.ts';
import { runEngine, type DecideFn } from '../../src/backtest/engine.ts';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import { runBacktest } from '../../src/backtest/run.ts';
import { deciderRunner } from '../../src/backtest/runners.ts';
import { REJECT_REASONS } from '../../src/trading/index.ts';
import { grid, type Ohlc } from './engine-fixtures.ts';

// config/risk_limits.toml's live setting: a halted breaker waits for the operator.
const manual = RiskLimitsSchema.parse({
  resume: 'manual',
  autoResumeAfterMinutes: 60,
  dailyLossFraction: 1,
  maxPositionFraction: 1,
  maxPairExposureFraction: 1,
  maxTotalExposureFraction: 1,
});
// Flat candles with taker fees: every round trip loses exactly its fees.
const data = grid({ 'ETH/USD': Array.from({ length: 200 }, (): Ohlc => [100, 100, 100, 100]) });
// Buy every 4th step, close two steps later: a losing streak from the first trade on.
const churn: DecideFn = (_p, s, ctx) =>
  s % 4 === 0 && !ctx.position
    ? { action: 'buy', sizeFraction: 0.5 }
    : s % 4 === 2 && ctx.position
      ? ({ action: 'close' } as DecisionInput)
      : { action: 'hold' };
const halted = 1 + REJECT_REASONS.indexOf('consecutive_losses');

describe('backtest breaker: resume is automatic (no operator)', () => {
  it('engineConfig turns the configured manual resume into auto', () => {
    expect(engineConfig(['ETH/USD'], { limits: manual }).limits).toEqual({ ...manual, resume: 'auto' });
  });

  it('a 5-loss streak halts entries only for the cool-down, then the run trades again', () => {
    const r = runEngine(engineConfig(['ETH/USD'], { limits: manual }), data, churn);
    expect(Array.from(r.intents.outcome)).toContain(halted);
    // 60 min cool-down = 12 five-minute candles after the 5th loss; 200 candles leave room for many more trades.
    expect(r.trades.length).toBeGreaterThan(10);
    const sixth = r.trades[5]!;
    expect(sixth.entryTime - r.trades[4]!.exitTime).toBeGreaterThanOrEqual(60 * 60_000);
  });

  it('inv. 1: as the live breaker, the resume resets the streak: the loss after a cool-down starts a new streak, it does not halt again at once', () => {
    const r = runEngine(engineConfig(['ETH/USD'], { limits: manual }), data, churn);
    // Losses 6..10 come one after another after the cool-down, like the daemon whose breaker reset the streak on resume;
    // before, the sixth loss halted entries again for a whole cool-down (the demo traded 28 times where brain backtest traded 22).
    const gaps = r.trades.slice(5, 10).map((t, i) => t.entryTime - r.trades[4 + i]!.exitTime);
    expect(gaps[0]).toBeGreaterThanOrEqual(60 * 60_000);
    expect(gaps.slice(1).every((g) => g < 60 * 60_000)).toBe(true);
  });

  it('runBacktest applies it too, even to a config built without engineConfig', async () => {
    const config = { ...engineConfig(['ETH/USD']), limits: manual };
    expect(runEngine(config, data, churn).trades).toHaveLength(5);
    const out = await runBacktest({ runner: deciderRunner(() => churn), now: () => 0 }, { data, config });
    expect(out.result.trades.length).toBeGreaterThan(10);
  });
});
