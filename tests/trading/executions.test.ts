import { describe, expect, it } from 'vitest';
import { executionEvent, fillFromExecution } from '../../src/trading/executions.ts';

const T0 = Date.UTC(2025, 0, 6);

describe('fills from the executions feed', () => {
  it('turns a trade report into the same contract fill and ignores reports without one', () => {
    const base = {
      venueOrderId: 'OABC',
      clOrdId: 'c1',
      pair: 'BTC/USD' as const,
      side: 'buy' as const,
      status: 'filled' as const,
      cumQty: 1,
      time: 1_700_000_000_000,
      reason: null,
    };
    expect(fillFromExecution({ ...base, execType: 'filled', fill: null })).toBeNull();
    // Without Kraken's trade_id there is no identity REST recovery would reproduce: no fill (recovery finds it).
    expect(fillFromExecution({ ...base, execType: 'trade', fill: { tradeId: null, price: 100, quantity: 1, fee: 0.4, liquidity: 'taker' } })).toBeNull();
    expect(fillFromExecution({ ...base, execType: 'trade', fill: { tradeId: '42', price: 100, quantity: 1, fee: 0.4, liquidity: 'taker' } })).toEqual({
      tradeId: 'BTC/USD:42',
      clOrdId: 'c1',
      pair: 'BTC/USD',
      side: 'buy',
      price: 100,
      quantity: 1,
      fee: 0.4,
      liquidity: 'taker',
      time: 1_700_000_000_000,
    });
  });
});

describe('live fills from the private executions channel', () => {
  const report = {
    venueOrderId: 'O1',
    clOrdId: 'P1-1',
    pair: 'BTC/USD' as const,
    side: 'buy' as const,
    execType: 'trade',
    status: null,
    cumQty: 0.5,
    time: T0,
    reason: null,
    fill: { tradeId: 'K1', price: 100, quantity: 0.5, fee: 0.2, liquidity: 'taker' as const },
  };

  it('a trade execution becomes one fill and the order view the supervisor books, with the executed quantity so far', () => {
    const e = executionEvent(report);
    expect(e).toMatchObject({ type: 'venue.fill', order: { status: 'partial', filledQuantity: 0.5 } });
    expect(e?.type === 'venue.fill' && e.fill).toEqual({
      tradeId: 'BTC/USD:K1',
      clOrdId: 'P1-1',
      pair: 'BTC/USD',
      side: 'buy',
      price: 100,
      quantity: 0.5,
      fee: 0.2,
      liquidity: 'taker',
      time: T0,
    });
  });

  it('a filled or canceled report without a trade becomes an order update for its position; a new one nothing', () => {
    expect(executionEvent({ ...report, execType: 'filled', status: 'filled', cumQty: 1, fill: null })).toEqual({
      type: 'venue.orderUpdate',
      clOrdId: 'P1-1',
      status: 'filled',
      venueOrderId: 'O1',
      filledQuantity: 1,
      time: T0,
    });
    expect(executionEvent({ ...report, execType: 'new', status: 'open', fill: null })).toBeNull();
  });
});
