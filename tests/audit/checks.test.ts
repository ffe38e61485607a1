import { describe, expect, it } from 'vitest';
import { auditChecks, type AuditSnapshot } from '../../src/audit/checks.ts';
import type { Fill, Position } from '../../src/contract/index.ts';

const T = Date.UTC(2026, 0, 5);
const fill = (tradeId: string, side: 'buy' | 'sell', price: number, quantity: number, fee: number, clOrdId = `p1-${side === 'buy' ? 1 : 2}`): Fill => ({
  tradeId,
  clOrdId,
  pair: 'BTC/USD',
  side,
  price,
  quantity,
  fee,
  liquidity: 'taker',
  time: T + Number(tradeId.slice(1)) * 1000,
});
// Bought 0.1 at 50 000 (fee 20), sold 0.04 at 51 000 (fee 8.16): realised (1000 × 0.04) − 8.16 − 20 × 0.4 = 23.84.
const FILLS = [fill('t1', 'buy', 50_000, 0.1, 20), fill('t2', 'sell', 51_000, 0.04, 8.16)];
const POSITION: Position = {
  id: 'p1',
  pair: 'BTC/USD',
  status: 'open',
  quantity: 0.06,
  entryPrice: 50_000,
  entryFees: 20,
  exitFees: 8.16,
  realizedPnl: 23.84,
  stopLoss: null,
  takeProfit: null,
  strategyVersion: 'v1',
  openedAt: T,
  closedAt: null,
  exitReason: null,
};
const CASH = 10_000 - 5_000 - 20 + 2_040 - 8.16;

function snapshot(over: Partial<AuditSnapshot> = {}): AuditSnapshot {
  return {
    mode: 'paper',
    pairs: ['BTC/USD', 'ETH/USD'],
    fills: FILLS,
    positions: [POSITION],
    knownOrder: (id) => id.startsWith('p1-'),
    venue: { usd: CASH, base: { 'BTC/USD': 0.06 }, negative: [], openOrders: [] },
    booked: { initialCash: 10_000, cash: CASH, realizedPnl: 23.84, feesPaid: 28.16, holdings: { 'BTC/USD': 0.06 } },
    startingCash: 10_000,
    marks: { 'BTC/USD': 51_000 },
    toleranceUsd: 0.01,
    ...over,
  };
}

const statuses = (s: AuditSnapshot) => Object.fromEntries(auditChecks(s).map((c) => [c.name, c.status]));
const failed = (s: AuditSnapshot) =>
  auditChecks(s)
    .filter((c) => c.status === 'fail')
    .map((c) => c.name);

describe('the self-audit checks', () => {
  it('pass when fills, booked ledger, positions and the venue agree', () => {
    expect(failed(snapshot())).toEqual([]);
    expect(Object.keys(statuses(snapshot()))).toEqual([
      'pnl.fillsVsPositions',
      'ledger.fillsVsBooked',
      'balances.venue',
      'invariant.noShort',
      'invariant.noMargin',
      'invariant.ordersHaveIntents',
      'invariant.feesAddUp',
    ]);
  });

  it('a fill deleted from the table fails the comparisons with the positions, the booked ledger and the venue', () => {
    const s = snapshot({ fills: [FILLS[0]!] });
    expect(failed(s)).toEqual(expect.arrayContaining(['pnl.fillsVsPositions', 'ledger.fillsVsBooked', 'balances.venue']));
    const booked = auditChecks(s).find((c) => c.name === 'ledger.fillsVsBooked')!;
    expect(booked.detail).toContain('a fill is missing from or extra in the fills table');
    expect(booked.numbers).toMatchObject({ bookedCash: CASH, fillsCash: 10_000 - 5_020 });
  });

  it('a base balance changed at the venue fails balances.venue, weighed in USD at the last close', () => {
    const c = auditChecks(snapshot({ venue: { ...snapshot().venue, base: { 'BTC/USD': 0.061 } } })).find((x) => x.name === 'balances.venue')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toBe('BTC/USD: the fills leave 0.06 held but the venue reports 0.061 (51.00 USD apart); the account must hold only what the brain bought');
  });

  it('a difference within the tolerance (fee rounding) passes', () => {
    expect(failed(snapshot({ venue: { ...snapshot().venue, usd: CASH + 0.004 } }))).toEqual([]);
  });

  it('live without the daemon: the cash level and the booked ledger are skipped, base balances still compared', () => {
    const s = snapshot({ mode: 'live', booked: null, startingCash: null, venue: { ...snapshot().venue, usd: 123 } });
    expect(statuses(s)).toMatchObject({ 'ledger.fillsVsBooked': 'skip', 'balances.venue': 'pass' });
    expect(failed(snapshot({ mode: 'live', booked: null, startingCash: null, venue: { ...snapshot().venue, base: {} } }))).toEqual(['balances.venue']);
  });

  it('inv. 8: a sell of more than was held fails noShort naming the trade', () => {
    const s = snapshot({ fills: [...FILLS, fill('t3', 'sell', 51_000, 0.5, 1)] });
    const c = auditChecks(s).find((x) => x.name === 'invariant.noShort')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toMatch(/^fill t3 cannot be booked: sell t3 of 0.5 BTC\/USD exceeds the held 0.06/);
  });

  it('inv. 8: spending more cash than there was fails noMargin, and so does a negative venue balance', () => {
    expect(failed(snapshot({ startingCash: 1_000, booked: null }))).toContain('invariant.noMargin');
    expect(failed(snapshot({ venue: { ...snapshot().venue, negative: ['USD'] } }))).toEqual(['invariant.noMargin']);
  });

  it('inv. 4: an order open at the venue without its intent row fails ordersHaveIntents', () => {
    const venue = {
      ...snapshot().venue,
      openOrders: [
        { venueOrderId: 'O1', clOrdId: 'p1-3' },
        { venueOrderId: 'O2', clOrdId: 'stranger' },
        { venueOrderId: 'O3', clOrdId: null },
      ],
    };
    const c = auditChecks(snapshot({ venue })).find((x) => x.name === 'invariant.ordersHaveIntents')!;
    expect(c.status).toBe('fail');
    expect(c.numbers).toEqual({ venueOpenOrders: 3, orphans: 2 });
    expect(c.detail).toContain('open order O2 at the venue (cl_ord_id stranger) has no intent row');
  });

  it('fees that do not add up, or a fee out of scale, fail feesAddUp', () => {
    expect(failed(snapshot({ booked: { ...snapshot().booked!, feesPaid: 30 } }))).toContain('invariant.feesAddUp');
    const huge = [FILLS[0]!, { ...FILLS[1]!, fee: 100 }];
    const c = auditChecks(snapshot({ fills: huge })).find((x) => x.name === 'invariant.feesAddUp')!;
    expect(c.detail).toContain('fill t2 pays 100 on 2040.00 USD: above 1 % is a units error');
  });
});
