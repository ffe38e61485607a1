import { afterEach, describe, expect, it } from 'vitest';
import type { Fill } from '../../src/contract/index.ts';
import { createRepositories, openDatabase, type Db } from '../../src/db/index.ts';
import { executionEvent } from '../../src/daemon/account.ts';
import { ledgerFromFills } from '../../src/daemon/reconcile.ts';

const T0 = Date.UTC(2025, 0, 6);
const dbs: Db[] = [];
afterEach(() => dbs.splice(0).forEach((d) => d.close()));

function withFills(fills: Fill[]) {
  const db = openDatabase({ path: ':memory:' });
  dbs.push(db);
  const repos = createRepositories(db);
  for (const f of fills) {
    repos.orders.insertIntent({ clOrdId: f.clOrdId, pair: f.pair, side: f.side, type: 'market', quantity: f.quantity, limitPrice: null, positionId: 'P1', reason: '', createdAt: f.time });
    repos.fills.insert(f);
  }
  return repos;
}

const fill = (side: 'buy' | 'sell', price: number, n: number): Fill => ({ tradeId: `T${n}`, clOrdId: `P1-${n}`, pair: 'BTC/USD', side, price, quantity: 1, fee: 1, liquidity: 'taker', time: T0 + n });

describe('boot ledger', () => {
  it('paper: replays every fill from the configured starting balance', () => {
    const l = ledgerFromFills(withFills([fill('buy', 100, 1), fill('sell', 110, 2)]), 10_000);
    expect(l.cash).toBeCloseTo(10_008);
    expect(l.realizedPnl).toBeCloseTo(8);
  });

  it("live: anchored on the venue's cash now, so the open holding's cost is not paid twice", () => {
    const l = ledgerFromFills(withFills([fill('buy', 100, 1)]), 5_000, 'current');
    expect(l.cash).toBeCloseTo(5_000);
    expect(l.holdings['BTC/USD']?.quantity).toBe(1);
  });
});

describe('live fills from the private executions channel', () => {
  const report = { venueOrderId: 'O1', clOrdId: 'P1-1', pair: 'BTC/USD' as const, side: 'buy' as const, execType: 'trade', status: null, cumQty: 0.5, time: T0, reason: null, fill: { tradeId: 'K1', price: 100, quantity: 0.5, fee: 0.2, liquidity: 'taker' as const } };

  it('a trade execution becomes one fill and the order view the supervisor books, with the executed quantity so far', () => {
    const e = executionEvent(report);
    expect(e).toMatchObject({ type: 'venue.fill', order: { status: 'partial', filledQuantity: 0.5 } });
    expect(e?.type === 'venue.fill' && e.fill).toEqual({ tradeId: 'BTC/USD:K1', clOrdId: 'P1-1', pair: 'BTC/USD', side: 'buy', price: 100, quantity: 0.5, fee: 0.2, liquidity: 'taker', time: T0 });
  });

  it('a filled or canceled report without a trade becomes an order update for its position; a new one nothing', () => {
    expect(executionEvent({ ...report, execType: 'filled', status: 'filled', cumQty: 1, fill: null })).toEqual({ type: 'venue.orderUpdate', clOrdId: 'P1-1', status: 'filled', venueOrderId: 'O1', filledQuantity: 1, time: T0 });
    expect(executionEvent({ ...report, execType: 'new', status: 'open', fill: null })).toBeNull();
  });
});
