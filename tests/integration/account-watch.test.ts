/**
 * Issue 12, the live account watch against the simulator: a fill published while the private executions
 * feed was down is recovered by cl_ord_id as soon as the feed is back, and the venue's balances follow
 * once no order is live. The private line runs as the supervisor runs it (private-line.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SupervisorEvent } from '../../machines/supervisor.machine.ts';
import { createRepositories, openDatabase, type Repositories } from '../../src/db/index.ts';
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

async function start() {
  h = await startHarness();
  repos = createRepositories(openDatabase({ path: ':memory:' }));
  const w = watchAccount(h, repos, { balanceRetryMs: 60_000 });
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
    repos!.orders.insertIntent({ clOrdId, pair: 'BTC/USD', side: 'buy', type: 'market', quantity: 0.001, limitPrice: null, positionId: 'Pdrop', reason: 't', createdAt: h.sim.clock.now() });
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
    repos!.orders.insertIntent({ clOrdId: 'Plive-1', pair: 'BTC/USD', side: 'buy', type: 'market', quantity: 0.001, limitPrice: null, positionId: 'Plive', reason: 't', createdAt: h.sim.clock.now() });
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
});
