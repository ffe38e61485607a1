/**
 * A fill's identity across pairs and across paths, end to end: Kraken numbers trades per pair (the
 * simulator does too), so the WS executions feed and REST recovery must name a fill by pair and number,
 * and the supervisor (the one place a fill is booked) must book each of our fills exactly once. The private
 * line runs as the supervisor runs it (private-line.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SupervisorEvent } from '../../machines/supervisor.machine.ts';
import type { Fill, Pair } from '../../src/contract/index.ts';
import { createRepositories, openDatabase, type Repositories } from '../../src/db/index.ts';
import { startSupervisor } from '../machines/supervisor.fixtures.ts';
import { startHarness, type Harness } from './kraken-harness.ts';
import { watchAccount } from './private-line.ts';

let h: Harness;
let stop: (() => void) | undefined;
let repos: Repositories | undefined;
afterEach(async () => {
  stop?.();
  repos?.db.close();
  await h?.close();
});

type FillEvent = Extract<SupervisorEvent, { type: 'venue.fill' }>;

async function watch() {
  h = await startHarness();
  repos = createRepositories(openDatabase({ path: ':memory:' }));
  const { events, until, settled, stop: stopAll } = watchAccount(h, repos);
  stop = stopAll;
  const fillsOf = (clOrdId: string) => events.filter((e): e is FillEvent => e.type === 'venue.fill' && e.fill.clOrdId === clOrdId);
  /** A market buy under our cl_ord_id, its intent row written first (as a position does). */
  const buy = async (clOrdId: string, pair: Pair) => {
    repos!.orders.insertIntent({
      clOrdId,
      pair,
      side: 'buy',
      type: 'market',
      quantity: 0.01,
      limitPrice: null,
      positionId: clOrdId.split('-')[0]!,
      reason: 't',
      createdAt: h.sim.clock.now(),
    });
    await h.drive(h.orders.place({ clOrdId, pair, side: 'buy', type: 'market', volume: 0.01 }));
  };
  await settled();
  return { events, until, fillsOf, buy };
}

/** The venue's own number for the trade of our order `clOrdId`. */
function venueTradeOf(clOrdId: string): { tradeId: number; txid: string } {
  const order = h.sim.engine.orders().find((o) => o.req.clOrdId === clOrdId)!;
  return h.sim.engine.trades().find((t) => t.ordertxid === order.txid)!;
}

/** Hands the heard fills to a supervisor and returns what it booked. */
async function booked(fills: readonly FillEvent[]) {
  const s = startSupervisor();
  await s.running();
  for (const e of fills) s.port.venue!(e);
  const journalled = s.journal.filter((c): c is Extract<typeof c, { type: 'journal.fill' }> => c.type === 'journal.fill').map((c) => c.fill);
  return { journalled, ledger: s.actor.getSnapshot().context.ledger };
}

describe('fill identity', () => {
  it('two fills on different pairs that Kraken numbered alike are both booked', async () => {
    const w = await watch();
    await w.buy('Pbtc-1', 'BTC/USD');
    await w.buy('Peth-1', 'ETH/USD');
    await w.until(() => w.fillsOf('Pbtc-1').length > 0 && w.fillsOf('Peth-1').length > 0);
    // The premise: the venue gave both trades the same number on their own pair.
    expect(venueTradeOf('Pbtc-1').tradeId).toBe(venueTradeOf('Peth-1').tradeId);

    const heard = [...w.fillsOf('Pbtc-1'), ...w.fillsOf('Peth-1')];
    const { journalled, ledger } = await booked(heard);
    expect(journalled.map((f) => f.clOrdId)).toEqual(['Pbtc-1', 'Peth-1']);
    expect(ledger.holdings['BTC/USD']?.quantity).toBeCloseTo(0.01, 9);
    expect(ledger.holdings['ETH/USD']?.quantity).toBeCloseTo(0.01, 9);
    // The fills table keeps both rows too.
    expect(journalled.map((f: Fill) => repos!.fills.insert(f))).toEqual([true, true]);
  });

  it('a fill heard on the executions feed and found again by REST after a reconnect is booked once', async () => {
    const w = await watch();
    await w.buy('Pone-1', 'BTC/USD');
    await w.until(() => w.fillsOf('Pone-1').length === 1);
    // The order row is still live in our table, so the sweep after the reconnect asks the venue for it.
    expect(h.sim.faults.dropWs('private')).toBeGreaterThan(0);
    await w.until(() => w.fillsOf('Pone-1').length === 2);
    const [fromFeed, fromRest] = w.fillsOf('Pone-1');
    expect(fromRest!.fill.tradeId).toBe(fromFeed!.fill.tradeId);
    expect(fromFeed!.fill.tradeId).toBe(`BTC/USD:${venueTradeOf('Pone-1').tradeId}`);

    const { journalled, ledger } = await booked([fromFeed!, fromRest!]);
    expect(journalled).toHaveLength(1);
    expect(ledger.holdings['BTC/USD']?.quantity).toBeCloseTo(0.01, 9);
    expect(repos!.fills.insert(fromFeed!.fill)).toBe(true);
    expect(repos!.fills.insert(fromRest!.fill)).toBe(false);
  });
});
