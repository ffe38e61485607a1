import { describe, expect, it } from 'vitest';
import type { Intent, IntentAction, Pair } from '../../src/contract/index.ts';
import { RiskLimitsSchema } from '../../src/contract/risk.ts';
import { pendingBuysOf, priceTriggers, routeIntent, type PositionSlot, type RouteSettings, type RouteState } from '../../src/trading/routing.ts';
import { defaultPairRules } from '../../src/trading/pair-rules.ts';
import { applyFill, createLedger } from '../../src/trading/portfolio.ts';

const T0 = Date.UTC(2025, 0, 6);
const SETTINGS: RouteSettings = {
  limits: RiskLimitsSchema.parse({}),
  rules: { 'BTC/USD': defaultPairRules('BTC/USD'), 'ETH/USD': defaultPairRules('ETH/USD') },
  fees: {},
  fallbackFees: { maker: 0.0025, taker: 0.004 },
  slippage: 0.0005,
};
const intent = (pair: Pair, action: IntentAction, refPrice = 100): Intent => ({
  pair,
  candleTime: T0,
  refPrice,
  strategyVersion: 'v001',
  decision: { action, sizeFraction: 0.1, reason: '' },
});
const slot = (over: Partial<PositionSlot> = {}): PositionSlot => ({
  positionId: 'P1',
  pair: 'BTC/USD',
  phase: 'open',
  entryNotional: 1_000,
  stopLoss: 90,
  takeProfit: 120,
  ...over,
});

function state(over: Partial<RouteState> = {}): RouteState {
  return { ledger: createLedger(10_000), streak: 0, slots: [], marks: {}, breaker: 'active', acceptingEntries: null, now: T0, newestCandle: T0, ...over };
}

describe('routeIntent', () => {
  it('an entry within the limits is accepted and sized by the risk gate', () => {
    const r = routeIntent(intent('BTC/USD', 'buy'), state(), SETTINGS);
    expect(r.kind).toBe('enter');
    if (r.kind === 'enter') expect(r.verdict.order.notional).toBeCloseTo(1_000, 0);
  });

  it('inv. 5: an entry is refused with the supervisor reason while entries are off, an exit still routes', () => {
    const ledger = createLedger(10_000);
    applyFill(ledger, { tradeId: 't', clOrdId: 'P1-1', pair: 'BTC/USD', side: 'buy', price: 100, quantity: 5, fee: 0, liquidity: 'taker', time: T0 });
    const st = state({ ledger, slots: [slot()], acceptingEntries: 'venue_unhealthy' });
    expect(routeIntent(intent('ETH/USD', 'buy'), st, SETTINGS)).toEqual({ kind: 'reject', reason: 'venue_unhealthy' });
    expect(routeIntent(intent('BTC/USD', 'close'), st, SETTINGS)).toEqual({ kind: 'exit', positionId: 'P1', quantity: 5 });
  });

  it('a buy on a pair with a working position and a sell without one are refused', () => {
    expect(routeIntent(intent('BTC/USD', 'buy'), state({ slots: [slot({ phase: 'pendingEntry' })] }), SETTINGS)).toEqual({
      kind: 'reject',
      reason: 'position_working',
    });
    expect(routeIntent(intent('BTC/USD', 'sell'), state(), SETTINGS)).toEqual({ kind: 'reject', reason: 'no_position' });
  });

  it("an entry on a candle older than its pair's newest closed one is stale_candle; an exit on it still routes; no clock is read", () => {
    const FIVE_MIN = 300_000;
    expect(routeIntent(intent('BTC/USD', 'buy'), state({ newestCandle: null }), SETTINGS).kind).toBe('enter');
    // Hours between the supervisor's clock and the candle change nothing: only the pair's candles count.
    expect(routeIntent(intent('BTC/USD', 'buy'), state({ now: T0 + 3_600_000 }), SETTINGS).kind).toBe('enter');
    expect(routeIntent(intent('BTC/USD', 'buy'), state({ newestCandle: T0 + FIVE_MIN }), SETTINGS)).toEqual({ kind: 'reject', reason: 'stale_candle' });
    const ledger = createLedger(10_000);
    applyFill(ledger, { tradeId: 't', clOrdId: 'P1-1', pair: 'BTC/USD', side: 'buy', price: 100, quantity: 5, fee: 0, liquidity: 'taker', time: T0 });
    const late = state({ ledger, slots: [slot()], newestCandle: T0 + 6 * FIVE_MIN });
    expect(routeIntent(intent('BTC/USD', 'close'), late, SETTINGS)).toEqual({ kind: 'exit', positionId: 'P1', quantity: 5 });
  });

  it('the breaker streak, not the ledger streak, is what the gate reads', () => {
    const ledger = createLedger(10_000);
    ledger.consecutiveLosses = 9;
    expect(routeIntent(intent('BTC/USD', 'buy'), state({ ledger, streak: 0 }), SETTINGS).kind).toBe('enter');
    expect(routeIntent(intent('BTC/USD', 'buy'), state({ streak: 9 }), SETTINGS)).toEqual({ kind: 'reject', reason: 'consecutive_losses' });
  });

  it('a pair without rules is refused rather than guessed', () => {
    expect(routeIntent(intent('SOL/USD', 'buy'), state(), SETTINGS)).toEqual({ kind: 'reject', reason: 'unknown_pair' });
  });
});

describe('routing helpers', () => {
  it('pending entries reserve cash with fees and slippage and count as new positions', () => {
    const p = pendingBuysOf([slot({ phase: 'pendingEntry' }), slot({ positionId: 'P2', pair: 'ETH/USD' })], createLedger(10_000), 0.0045);
    expect(p.reservedCash).toBeCloseTo(1_004.5);
    expect(p.newPositions).toBe(1);
    expect(p.notionalOf('BTC/USD')).toBe(1_000);
  });

  it('a price concerns a position only at its stop or its target', () => {
    expect([89, 90, 100, 120].map((p) => priceTriggers(slot(), p))).toEqual([true, true, false, true]);
  });
});
