import { afterEach, describe, expect, it } from 'vitest';
import type { Fill } from '../../../src/contract/index.ts';
import { createRepositories, openDatabase, type Db } from '../../../src/db/index.ts';
import { ledgerFromFills } from '../../../actors/supervisor/reconcile.ts';

const T0 = Date.UTC(2025, 0, 6);
const dbs: Db[] = [];
afterEach(() => dbs.splice(0).forEach((d) => d.close()));

function withFills(fills: Fill[]) {
  const db = openDatabase({ path: ':memory:' });
  dbs.push(db);
  const repos = createRepositories(db);
  for (const f of fills) {
    repos.orders.insertIntent({
      clOrdId: f.clOrdId,
      pair: f.pair,
      side: f.side,
      type: 'market',
      quantity: f.quantity,
      limitPrice: null,
      positionId: 'P1',
      reason: '',
      createdAt: f.time,
    });
    repos.fills.insert(f);
  }
  return repos;
}

const fill = (side: 'buy' | 'sell', price: number, n: number): Fill => ({
  tradeId: `T${n}`,
  clOrdId: `P1-${n}`,
  pair: 'BTC/USD',
  side,
  price,
  quantity: 1,
  fee: 1,
  liquidity: 'taker',
  time: T0 + n,
});

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
