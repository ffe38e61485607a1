/**
 * Issue 12, the live account watch against the simulator: a fill published while the private executions
 * feed was down is recovered by cl_ord_id as soon as the feed is back, and the venue's balances follow
 * once no order is live. The private line runs as the supervisor runs it (private-line.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SupervisorEvent } from '../../machines/supervisor.machine.ts';
import { createRepositories, openDatabase, type Repositories } from '../../src/db/index.ts';
import type { AccountWatchDeps } from '../../actors/supervisor/account-watch.ts';
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

async function start(opts: Pick<AccountWatchDeps, 'maxDeferrals'> = {}) {
  h = await startHarness();
  repos = createRepositories(openDatabase({ path: ':memory:' }));
  const w = watchAccount(h, repos, { balanceRetryMs: 60_000, ...opts });
  stop = w.stop;
  /** Resolves when an event matching `pred` has arrived. */
  const until = (pred: (e: SupervisorEvent) => boolean) => w.until(() => w.events.some(pred));
  return { ...w, until };
}

describe('account watch against the simulator', () => {
  it('at start it sweeps and reports the venue balances', async () => {
    const w = await start();
    await w.until((e) => e.type === 'venue.balances');
    expect(w.events.find((e) => e.type === 'venue.balances')).toMatchObject({ balances: { USD: expect.any(Number) } });
  });

  it('a fill made while the private feed was down is recovered by cl_ord_id when it is back, then the balances', async () => {
    const w = await start();
    await w.until((e) => e.type === 'venue.balances');
    const clOrdId = 'Pdrop-1';
    repos!.orders.insertIntent({
      clOrdId,
      pair: 'BTC/USD',
      side: 'buy',
      type: 'market',
      quantity: 0.001,
      limitPrice: null,
      positionId: 'Pdrop',
      reason: 't',
      createdAt: h.sim.clock.now(),
    });
    expect(h.sim.faults.dropWs('private')).toBeGreaterThan(0);
    h.sim.faults.loseResponse({ method: 'AddOrder' });
    await h.drive(h.orders.place({ clOrdId, pair: 'BTC/USD', side: 'buy', type: 'market', volume: 0.001 }).catch(() => null));
    repos!.orders.updateStatus(clOrdId, { status: 'unknown', updatedAt: h.sim.clock.now() });
    const trade = h.sim.engine.trades().find((t) => t.ordertxid === h.sim.engine.orders().find((o) => o.req.clOrdId === clOrdId)!.txid)!;
    const balancesBefore = w.events.filter((e) => e.type === 'venue.balances').length;
    await w.until((e) => e.type === 'venue.fill' && e.fill.clOrdId === clOrdId);
    const recovered = w.events.find((e) => e.type === 'venue.fill' && e.fill.clOrdId === clOrdId);
    expect(recovered).toMatchObject({ fill: { tradeId: `BTC/USD:${trade.tradeId}`, quantity: 0.001 }, order: { status: 'filled', filledQuantity: 0.001 } });
    expect(repos!.orders.byClOrdId(clOrdId)).toMatchObject({ status: 'filled', filledQuantity: 0.001 });
    await w.until(() => w.events.filter((e) => e.type === 'venue.balances').length > balancesBefore);
    expect(w.events.at(-1)).toMatchObject({ type: 'venue.balances', balances: { BTC: expect.closeTo(0.001, 9) } });
  });

  it('a balance check waits while an order is live, and runs once it is not', async () => {
    const w = await start();
    await w.settled();
    repos!.orders.insertIntent({
      clOrdId: 'Plive-1',
      pair: 'BTC/USD',
      side: 'buy',
      type: 'market',
      quantity: 0.001,
      limitPrice: null,
      positionId: 'Plive',
      reason: 't',
      createdAt: h.sim.clock.now(),
    });
    // Only balance reports count: the watch also reports the private feed coming up, whenever it does.
    const balances = () => w.events.filter((e) => e.type === 'venue.balances').length;
    const before = balances();
    w.check();
    await h.quiesce();
    await h.sim.advance(1_000);
    await h.quiesce();
    expect(balances()).toBe(before);
    repos!.orders.updateStatus('Plive-1', { status: 'expired', updatedAt: h.sim.clock.now() });
    await w.until(() => balances() > before);
  });

  /** An order the venue executed while the executions feed was silent, acked as the position records it. */
  async function executedUnheard(clOrdId: string) {
    h.sim.faults.stallWs('private');
    repos!.orders.insertIntent({
      clOrdId,
      pair: 'BTC/USD',
      side: 'buy',
      type: 'market',
      quantity: 0.001,
      limitPrice: null,
      positionId: clOrdId.split('-')[0]!,
      reason: 't',
      createdAt: h.sim.clock.now(),
    });
    const placed = await h.drive(h.orders.place({ clOrdId, pair: 'BTC/USD', side: 'buy', type: 'market', volume: 0.001 }));
    return placed.outcome === 'placed' ? placed.venueOrderId : undefined;
  }

  // Found by the replay of issue 12's faults on a loaded machine: with the private feed down, an order's
  // fill waits for its position's settle deadline; the check compared anyway after its deferrals, before it.
  it('a check that waited out its deferrals asks the venue for the orders still in flight first: their fills precede the balances', async () => {
    const w = await start({ maxDeferrals: 2 });
    await w.until((e) => e.type === 'venue.balances');
    const venueOrderId = await executedUnheard('Pslow-1');
    repos!.orders.updateStatus('Pslow-1', { status: 'open', venueOrderId, updatedAt: h.sim.clock.now() });
    const before = w.events.length;
    w.check();
    await w.until((e) => w.events.indexOf(e) >= before && e.type === 'venue.balances');
    const after = w.events
      .slice(before)
      .filter((e) => e.type === 'venue.fill' || e.type === 'venue.balances')
      .map((e) => e.type);
    expect(after).toEqual(['venue.fill', 'venue.balances']);
    expect(w.events.at(-1)).toMatchObject({ type: 'venue.balances', balances: { BTC: expect.closeTo(0.001, 9) } });
  });

  it('an order executed beyond its booked fills is in flight: the check waits for its fills instead of reporting a mismatch', async () => {
    const w = await start({ maxDeferrals: 2 });
    await w.until((e) => e.type === 'venue.balances');
    const venueOrderId = await executedUnheard('Pnotrades-1');
    // As after an AddOrder whose reply was lost: found filled, its trades not readable yet.
    repos!.orders.updateStatus('Pnotrades-1', { status: 'filled', filledQuantity: 0.001, venueOrderId, updatedAt: h.sim.clock.now() });
    const before = w.events.length;
    w.check();
    await h.quiesce();
    expect(w.events.slice(before).filter((e) => e.type === 'venue.balances')).toEqual([]);
    await w.until((e) => w.events.indexOf(e) >= before && e.type === 'venue.balances');
    const after = w.events
      .slice(before)
      .filter((e) => e.type === 'venue.fill' || e.type === 'venue.balances')
      .map((e) => e.type);
    expect(after).toEqual(['venue.fill', 'venue.balances']);
  });
});
