import { describe, expect, it } from 'vitest';
import { simulatedClock } from '../../src/clock/simulated.ts';
import type { FeeRates, Fill, Order, Pair } from '../../src/contract/index.ts';
import { defaultPairRules, fillMarketOrder } from '../../src/trading/index.ts';
import type { OrderRequest } from '../../src/trading/venue.ts';
import { PaperVenue } from '../../src/venues/paper.ts';

const T0 = Date.UTC(2024, 8, 4, 10, 0, 5);
const STARTER: FeeRates = { maker: 0.0025, taker: 0.004 };

function venue(opts: { cash?: number; fees?: (p: Pair) => FeeRates } = {}) {
  const clock = simulatedClock(T0);
  const paper = new PaperVenue({ clock, rules: defaultPairRules, fees: opts.fees ?? (() => STARTER), slippage: 0.0005, startingCash: opts.cash ?? 10_000 });
  const fills: Fill[] = [];
  paper.onFill((f) => fills.push(f));
  return { clock, paper, fills };
}

const buy = (clOrdId: string, quantity: number, pair: Pair = 'BTC/USD'): OrderRequest => ({
  clOrdId,
  pair,
  side: 'buy',
  type: 'market',
  quantity,
  limitPrice: null,
});
const sell = (clOrdId: string, quantity: number, pair: Pair = 'BTC/USD'): OrderRequest => ({ ...buy(clOrdId, quantity, pair), side: 'sell' });

describe('paper venue', () => {
  it('fills a market buy at the next price, moved by slippage onto the tick grid, with the pair taker fee', async () => {
    const { paper, fills, clock } = venue();
    const ack = await paper.submitOrder(buy('o1', 0.01));
    expect(ack).toEqual({ clOrdId: 'o1', venueOrderId: 'PAPER-o1', status: 'open', reason: null, filledQuantity: 0, fills: [] });
    clock.increment(2_000);
    paper.onPrice('BTC/USD', 60_000);
    // 60000 × 1.0005 = 60030.0 (on the 0.1 tick); fee 600.30 × 0.4 % = 2.4012
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ tradeId: 'BTC/USD:PAPER-o1-1', price: 60_030, quantity: 0.01, liquidity: 'taker', time: T0 + 2_000 });
    expect(fills[0]!.fee).toBeCloseTo(2.4012, 10);
    expect(paper.balances().cash).toBeCloseTo(10_000 - 600.3 - 2.4012, 9);
    expect(paper.balances().holdings['BTC/USD']).toBe(0.01);
  });

  it('inv. 1: a paper fill is exactly the backtester fill model output for the same reference price', async () => {
    const { paper, fills } = venue({ fees: (p) => (p === 'ETH/USD' ? { maker: 0.001, taker: 0.0022 } : STARTER) });
    await paper.submitOrder(buy('e1', 0.5, 'ETH/USD'));
    paper.onPrice('ETH/USD', 2_345.678);
    const model = fillMarketOrder(
      { clOrdId: 'e1', venueTradeId: 'PAPER-e1-1', pair: 'ETH/USD', side: 'buy', quantity: 0.5, time: T0 },
      { refPrice: 2_345.678, rules: defaultPairRules('ETH/USD'), fees: { maker: 0.001, taker: 0.0022 }, slippage: 0.0005, cash: 10_000 },
    );
    expect(model.ok && model.fill).toEqual(fills[0]);
  });

  it('never fills at a price seen before the order arrived', async () => {
    const { paper, fills } = venue();
    paper.onPrice('BTC/USD', 59_000);
    await paper.submitOrder(buy('o1', 0.01));
    expect(fills).toHaveLength(0);
    paper.onPrice('ETH/USD', 2_000);
    expect(fills).toHaveLength(0);
    paper.onPrice('BTC/USD', 59_100);
    expect(fills.map((f) => f.price)).toEqual([59_129.6]);
  });

  it('inv. 4: a second submit with the same clOrdId returns the first order and never fills twice', async () => {
    const { paper, fills } = venue();
    await paper.submitOrder(buy('o1', 0.01));
    paper.onPrice('BTC/USD', 60_000);
    const cash = paper.balances().cash;
    const again = await paper.submitOrder(buy('o1', 0.01));
    paper.onPrice('BTC/USD', 60_100);
    expect(again).toMatchObject({ clOrdId: 'o1', status: 'filled' });
    expect(fills).toHaveLength(1);
    expect(paper.balances().cash).toBe(cash);
    const order = await paper.queryOrder('o1');
    expect(order).toMatchObject({ status: 'filled', filledQuantity: 0.01 });
    expect(order!.fills).toEqual(fills);
  });

  it('fills every waiting order even when a fill listener throws', async () => {
    const { paper, fills } = venue();
    paper.onFill(() => {
      throw new Error('listener failed');
    });
    await paper.submitOrder(buy('a', 0.001));
    await paper.submitOrder(buy('b', 0.001));
    paper.onPrice('BTC/USD', 60_000);
    expect(fills.map((f) => f.clOrdId)).toEqual(['a', 'b']);
    expect((await paper.queryOrder('b'))?.status).toBe('filled');
  });

  it('answers null for an order it never received', async () => {
    const { paper } = venue();
    expect(await paper.queryOrder('nope')).toBeNull();
    expect(await paper.cancelOrder('nope')).toBeNull();
  });

  it('cancels a waiting order so the next price does not fill it', async () => {
    const { paper, fills } = venue();
    await paper.submitOrder(buy('o1', 0.01));
    expect(await paper.cancelOrder('o1')).toMatchObject({ status: 'canceled', filledQuantity: 0 });
    paper.onPrice('BTC/USD', 60_000);
    expect(fills).toHaveLength(0);
  });

  it('refuses a sell of more than is held, an order below ordermin, and non-market orders, with the reason', async () => {
    const { paper } = venue();
    expect(await paper.submitOrder(sell('s1', 0.01))).toMatchObject({ status: 'rejected', reason: 'insufficient_funds' });
    expect(await paper.submitOrder(buy('b1', 0.00001))).toMatchObject({ status: 'rejected', reason: 'below_ordermin' });
    const limit = await paper.submitOrder({ ...buy('l1', 0.01), type: 'limit', limitPrice: 50_000 });
    expect(limit.status).toBe('rejected');
    expect(limit.reason).toMatch(/market orders only, got limit/);
  });

  it('shrinks a buy to what the cash affords after a gap up, as the backtester does', async () => {
    const { paper, fills } = venue({ cash: 100 });
    await paper.submitOrder(buy('o1', 0.002));
    paper.onPrice('BTC/USD', 60_000);
    expect(fills[0]!.quantity).toBeLessThan(0.002);
    expect(fills[0]!.price * fills[0]!.quantity + fills[0]!.fee).toBeLessThanOrEqual(100);
    expect(paper.balances().cash).toBeGreaterThanOrEqual(0);
  });

  it('round-trips a position: the sell credits proceeds net of the exit fee and clears the holding', async () => {
    const { paper, fills } = venue();
    await paper.submitOrder(buy('b', 0.01));
    paper.onPrice('BTC/USD', 60_000);
    await paper.submitOrder(sell('s', 0.01));
    paper.onPrice('BTC/USD', 61_000);
    const [entry, exit] = fills;
    expect(exit).toMatchObject({ side: 'sell', price: 60_969.5 });
    const expected = 10_000 - entry!.price * 0.01 - entry!.fee + exit!.price * 0.01 - exit!.fee;
    expect(paper.balances().cash).toBeCloseTo(expected, 9);
    expect(paper.balances().holdings).toEqual({});
  });

  it('gives the same fill ids, prices and times for the same order and price sequence', async () => {
    const runOnce = async () => {
      const { paper, fills, clock } = venue();
      for (const [i, p] of [60_000, 60_500, 59_800].entries()) {
        await paper.submitOrder(buy(`o${i}`, 0.001));
        clock.increment(1_000);
        paper.onPrice('BTC/USD', p);
      }
      return fills;
    };
    expect(await runOnce()).toEqual(await runOnce());
  });

  it('restores balances and orders after a restart; an acknowledged open order fills at the next price, an unacknowledged one is unknown', async () => {
    const before = venue();
    await before.paper.submitOrder(buy('done', 0.01));
    before.paper.onPrice('BTC/USD', 60_000);
    const row = (clOrdId: string, status: Order['status'], venueOrderId: string | null): Order => ({
      clOrdId,
      venueOrderId,
      pair: 'BTC/USD',
      side: 'buy',
      type: 'market',
      quantity: 0.01,
      limitPrice: null,
      status,
      filledQuantity: 0,
      positionId: null,
      reason: 'entry',
      createdAt: T0,
      updatedAt: T0,
    });
    const after = venue();
    after.paper.restore([row('done', 'sent', null), row('acked', 'open', 'PAPER-acked'), row('intent', 'intent', null)], before.fills);
    expect(after.paper.balances()).toEqual(before.paper.balances());
    expect(await after.paper.queryOrder('done')).toMatchObject({ status: 'filled', filledQuantity: 0.01 });
    expect(await after.paper.queryOrder('intent')).toBeNull();
    after.paper.onPrice('BTC/USD', 60_000);
    expect(after.fills.map((f) => f.clOrdId)).toEqual(['acked']);
  });
});
