import { describe, expect, it } from 'vitest';
import { breakerTrigger, evaluateIntent, type RiskIntent } from '../../src/trading/index.ts';
import { LIMITS, settings, view } from './fixtures.ts';

const buy: RiskIntent = { pair: 'ETH/USD', action: 'buy', sizeFraction: 0.05, refPrice: 2000 };
const sell: RiskIntent = { pair: 'ETH/USD', action: 'sell', sizeFraction: 0.5, refPrice: 2000 };
const close: RiskIntent = { pair: 'ETH/USD', action: 'close', sizeFraction: 0, refPrice: 2000 };
const holding = { heldQuantity: 0.5, pairExposure: 1000, totalExposure: 1000, openPositions: 1 };

function reason(v: ReturnType<typeof evaluateIntent>): string {
  return v.verdict === 'reject' ? v.reason : 'accept';
}

describe('evaluateIntent: exits always pass (inv. 3)', () => {
  it('inv. 3: a sell passes while the breaker is halted', () => {
    const v = evaluateIntent(sell, view(holding), settings(), 'halted');
    expect(v.verdict).toBe('accept');
    expect(v.verdict === 'accept' && v.order.quantity).toBe(0.25);
  });

  it('inv. 3: a close passes past every hard limit (drawdown, daily loss, losing streak)', () => {
    const bad = view({ ...holding, equity: 5000, peakEquity: 10_000, dayStartEquity: 9000, consecutiveLosses: 50 });
    const v = evaluateIntent(close, bad, settings(), 'halted');
    expect(v.verdict === 'accept' && v.order).toMatchObject({ side: 'sell', quantity: 0.5 });
  });

  it('a partial sell that would strand a remainder below ordermin sells everything', () => {
    const v = evaluateIntent({ ...sell, sizeFraction: 0.999 }, view(holding), settings(), 'active');
    expect(v.verdict === 'accept' && v.order.quantity).toBe(0.5);
  });

  it('a sell with nothing held is refused as no_position', () => {
    expect(reason(evaluateIntent(sell, view(), settings(), 'active'))).toBe('no_position');
  });
});

describe('evaluateIntent: entries', () => {
  it('accepts a buy within limits and sizes it as a fraction of equity, lot-rounded down', () => {
    const v = evaluateIntent(buy, view(), settings(), 'active');
    expect(v.verdict === 'accept' && v.order).toMatchObject({ side: 'buy', quantity: 0.25, notional: 500, clampedBy: null, reduced: false });
  });

  it('refuses entries while the breaker is halted', () => {
    expect(reason(evaluateIntent(buy, view(), settings(), 'halted'))).toBe('breaker_halted');
  });

  it('halves the entry size while the breaker is reducing', () => {
    const v = evaluateIntent(buy, view(), settings(), 'reducing');
    expect(v.verdict === 'accept' && v.order).toMatchObject({ notional: 250, reduced: true });
  });

  it('reduces on its own when the drawdown passes the reducing threshold', () => {
    const v = evaluateIntent(buy, view({ equity: 9000, cash: 9000, dayStartEquity: 9000 }), settings(), 'active');
    expect(v.verdict === 'accept' && v.order.reduced).toBe(true);
  });

  it('clamps the size to maxPositionFraction', () => {
    const v = evaluateIntent({ ...buy, sizeFraction: 0.5 }, view(), settings(), 'active');
    expect(v.verdict === 'accept' && v.order).toMatchObject({ notional: 1000, clampedBy: 'position_limit' });
  });

  it('clamps to the room left under per-pair exposure and refuses when none is left', () => {
    const v = evaluateIntent({ ...buy, sizeFraction: 0.1 }, view({ ...holding, pairExposure: 1500, totalExposure: 1500 }), settings(), 'active');
    expect(v.verdict === 'accept' && v.order).toMatchObject({ notional: 500, clampedBy: 'pair_exposure_limit' });
    expect(reason(evaluateIntent(buy, view({ ...holding, pairExposure: 2000 }), settings(), 'active'))).toBe('pair_exposure_limit');
  });

  it('refuses when total exposure is used up', () => {
    expect(reason(evaluateIntent(buy, view({ totalExposure: 6000, openPositions: 2 }), settings(), 'active'))).toBe('total_exposure_limit');
  });

  it('refuses a new position beyond maxOpenPositions but lets an existing one grow', () => {
    expect(reason(evaluateIntent(buy, view({ openPositions: 3 }), settings(), 'active'))).toBe('max_open_positions');
    expect(evaluateIntent(buy, view({ ...holding, openPositions: 3 }), settings(), 'active').verdict).toBe('accept');
  });

  it('refuses after the daily loss limit, the max drawdown and the losing streak', () => {
    expect(reason(evaluateIntent(buy, view({ equity: 9600, dayStartEquity: 10_000 }), settings(), 'active'))).toBe('daily_loss_limit');
    expect(reason(evaluateIntent(buy, view({ equity: 8400, dayStartEquity: 8400 }), settings(), 'active'))).toBe('drawdown_limit');
    expect(reason(evaluateIntent(buy, view({ consecutiveLosses: 5 }), settings(), 'active'))).toBe('consecutive_losses');
  });

  it('lifts the losing-streak halt after the cool-down when resume is auto', () => {
    const streak = view({ consecutiveLosses: 5, lastLossAt: 0, now: 24 * 3_600_000 });
    expect(reason(evaluateIntent(buy, streak, settings('ETH/USD', { resume: 'auto' }), 'active'))).toBe('accept');
    expect(reason(evaluateIntent(buy, { ...streak, now: 3_600_000 }, settings('ETH/USD', { resume: 'auto' }), 'active'))).toBe('consecutive_losses');
  });

  it('refuses below minOrderUsd, and below Kraken ordermin', () => {
    expect(reason(evaluateIntent({ ...buy, sizeFraction: 0.0005 }, view(), settings(), 'active'))).toBe('below_min_order');
    expect(reason(evaluateIntent({ ...buy, sizeFraction: 0.0003 }, view(), settings('ETH/USD', { minOrderUsd: 0 }), 'active'))).toBe('below_ordermin');
  });

  it('refuses a stop above the price or a target below it', () => {
    expect(reason(evaluateIntent({ ...buy, stopLoss: 2100 }, view(), settings(), 'active'))).toBe('invalid_stop');
    expect(reason(evaluateIntent({ ...buy, takeProfit: 1900 }, view(), settings(), 'active'))).toBe('invalid_stop');
  });

  it('keeps cash for the fee and slippage so the fill cannot overdraw', () => {
    const v = evaluateIntent({ ...buy, sizeFraction: 1 }, view({ cash: 500 }), settings('ETH/USD', { maxPositionFraction: 1 }), 'active');
    expect(v.verdict === 'accept' && v.order.clampedBy).toBe('insufficient_cash');
    expect(v.verdict === 'accept' && v.order.notional * (1 + 0.004 + 0.0005)).toBeLessThanOrEqual(500);
  });
});

describe('breakerTrigger', () => {
  it('moves active → reducing → halted as the drawdown deepens', () => {
    expect(breakerTrigger(view(), LIMITS).level).toBe('active');
    expect(breakerTrigger(view({ equity: 9100, dayStartEquity: 9100 }), LIMITS)).toEqual({ level: 'reducing', reason: 'reducing_drawdown' });
    expect(breakerTrigger(view({ equity: 8500, dayStartEquity: 8500 }), LIMITS)).toEqual({ level: 'halted', reason: 'drawdown' });
  });
});
