import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fill, Pair } from '../../src/contract/index.ts';
import {
  applyFill,
  createLedger,
  dailyPnlOf,
  drawdownOf,
  equityOf,
  feeFor,
  markEquity,
  observeEquity,
  STARTER_FEES,
  unrealizedPnl,
  type ClosedPosition,
  type Holding,
} from '../../src/trading/index.ts';
import { fill } from './fixtures.ts';

const PAIRS: Pair[] = ['BTC/USD', 'ETH/USD'];

describe('ledger bookkeeping', () => {
  it('realises P&L net of the entry fee share and the exit fee on a partial then a full sell', () => {
    const l = createLedger(10_000);
    applyFill(l, fill('ETH/USD', 'buy', 2000, 1, 8));
    expect(applyFill(l, fill('ETH/USD', 'sell', 2100, 0.5, 4.2))).toBeNull();
    // (2100 − 2000) × 0.5 − 4.2 − 8 × 0.5 = 41.8
    expect(l.realizedPnl).toBeCloseTo(41.8, 10);
    const closed = applyFill(l, fill('ETH/USD', 'sell', 1900, 0.5, 3.8, 99)) as ClosedPosition;
    // (1900 − 2000) × 0.5 − 3.8 − 4 = −57.8 ; trade = 41.8 − 57.8 = −16
    expect(closed).toMatchObject({ pair: 'ETH/USD', exitTime: 99, entryPrice: 2000, exitPrice: 2000, quantity: 1, fees: 16 });
    expect(closed.pnl).toBeCloseTo(-16, 10);
    expect(l.cash).toBeCloseTo(10_000 - 16, 10);
    expect(l.consecutiveLosses).toBe(1);
    expect(l.openCount).toBe(0);
  });

  it('averages the entry price over several buys', () => {
    const l = createLedger(10_000);
    applyFill(l, fill('ETH/USD', 'buy', 2000, 1, 0));
    applyFill(l, fill('ETH/USD', 'buy', 2300, 2, 0));
    expect(l.holdings['ETH/USD']?.entryPrice).toBeCloseTo(2200, 10);
  });

  it('refuses to sell more than is held', () => {
    const l = createLedger(10_000);
    applyFill(l, fill('ETH/USD', 'buy', 2000, 1, 0));
    expect(() => applyFill(l, fill('ETH/USD', 'sell', 2000, 2, 0))).toThrow(/exceeds the held 1/);
  });

  it('tracks peak, drawdown and the P&L of the current UTC day', () => {
    const l = createLedger(1000);
    observeEquity(l, Date.UTC(2024, 0, 1, 10), 1100);
    observeEquity(l, Date.UTC(2024, 0, 1, 23), 1050);
    observeEquity(l, Date.UTC(2024, 0, 2, 1), 990);
    expect(l.peakEquity).toBe(1100);
    expect(drawdownOf(l)).toBeCloseTo(0.1, 12);
    expect(dailyPnlOf(l)).toBeCloseTo(-60, 12);
    expect(l.days).toEqual([{ day: Date.UTC(2024, 0, 1), openEquity: 1000, closeEquity: 1050 }]);
  });
});

const op = fc.record({
  pair: fc.constantFrom(...PAIRS),
  buy: fc.boolean(),
  fraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
  price: fc.double({ min: 1, max: 100_000, noNaN: true }),
});

interface Op {
  pair: Pair;
  buy: boolean;
  fraction: number;
  price: number;
}

/** Equal to 1e-9 of the larger magnitude: marks range over five decades, so absolute digits mislead. */
function expectNear(a: number, b: number): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));
}

interface Replay {
  fills: Fill[];
  closed: ClosedPosition[];
}

/** Replays random orders into a ledger, always keeping sells within what is held. */
function replay(ops: readonly Op[]) {
  const l = createLedger(100_000);
  const r: Replay = { fills: [], closed: [] };
  const marks: Record<string, number> = {};
  for (const [i, o] of ops.entries()) {
    marks[o.pair] = o.price;
    const held = l.holdings[o.pair]?.quantity ?? 0;
    const quantity = o.buy ? (l.cash * o.fraction * 0.5) / o.price : held * o.fraction;
    if (!(quantity > 0) || (o.buy && l.cash <= 0)) continue;
    const f = fill(
      o.pair,
      o.buy ? 'buy' : 'sell',
      o.price,
      o.fraction > 0.95 && !o.buy ? held : quantity,
      feeFor(o.price * quantity, STARTER_FEES, 'taker'),
      i,
    );
    r.fills.push(f);
    const c = applyFill(l, f);
    if (c) r.closed.push(c);
  }
  return { l, r, markOf: (p: Pair) => marks[p] ?? 0 };
}

describe('ledger invariants (property)', () => {
  it('equity = cash + Σ quantity × mark, and = initial + realised + unrealised + estimated exit fees', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const { l, markOf } = replay(ops);
        const holdings = Object.values(l.holdings) as Holding[];
        const eq = equityOf(l, markOf);
        expectNear(
          markEquity(
            l.cash,
            holdings.map((h) => h.quantity),
            holdings.map((h) => markOf(h.pair)),
          ),
          eq,
        );
        let parts = l.initialCash + l.realizedPnl;
        for (const h of holdings) parts += unrealizedPnl(h, markOf(h.pair), STARTER_FEES) + feeFor(h.quantity * markOf(h.pair), STARTER_FEES, 'taker');
        expectNear(parts, eq);
      }),
      { numRuns: 200 },
    );
  });

  it('fees are never negative and P&L recomputed from the fills equals the ledger', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const { l, r } = replay(ops);
        expect(r.fills.every((f) => f.fee >= 0)).toBe(true);
        expectNear(
          l.feesPaid,
          r.fills.reduce((a, f) => a + f.fee, 0),
        );
        const flows = r.fills.reduce((a, f) => a + (f.side === 'sell' ? 1 : -1) * f.price * f.quantity - f.fee, 0);
        expectNear(l.cash - l.initialCash, flows);
        // Closed trades' P&L equals the cash flows of their fills: realised total = Σ closed + open partial sells.
        const openRealised = (Object.values(l.holdings) as Holding[]).reduce((a, h) => a + h.realizedPnl, 0);
        expectNear(l.realizedPnl, r.closed.reduce((a, c) => a + c.pnl, 0) + openRealised);
      }),
      { numRuns: 200 },
    );
  });
});
