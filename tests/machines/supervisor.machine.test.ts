import { describe, expect, it } from 'vitest';
import { type EventObject, fromCallback, waitFor } from 'xstate';
import type { Fill } from '../../src/contract/index.ts';
import { BrainError } from '../../src/contract/errors.ts';
import { applyFill, createLedger } from '../../src/trading/portfolio.ts';
import { bootState, startSupervisor, T0 } from './supervisor.fixtures.ts';
import type { Chore } from '../../machines/supervisor-types.ts';

const candle = (close: number, time = T0) => ({ time, open: close, high: close, low: close, close, volume: 1 });

describe('supervisor boot', () => {
  it('boots in order: store, then venue reconciliation, then the breaker spawned, then running', async () => {
    const s = startSupervisor();
    await s.running();
    expect(s.calls.slice(0, 2)).toEqual(['openStore', 'reconcile']);
    expect(s.children()).toContain('breaker');
    expect(s.actor.getSnapshot().value).toEqual({ running: 'trading' });
  });

  it('a failed reconciliation ends in failed with the failure, code and retry verdict intact, and trades nothing', async () => {
    const s = startSupervisor({ boot: new BrainError('venue unreachable', { domain: 'kraken', code: 'transient', retryable: true }) });
    await waitFor(s.actor, (x) => x.status === 'done');
    expect(s.actor.getSnapshot().value).toBe('failed');
    expect(s.actor.getSnapshot().context.error).toEqual({ code: 'kraken.transient', message: 'venue unreachable', retryable: true });
  });

  it('re-spawns a persisted open position through its resuming state', async () => {
    const s = startSupervisor();
    await s.running();
    s.port.feed!({ type: 'market.price', pair: 'BTC/USD', price: 100, time: T0 });
    await s.signal('BTC/USD', 'buy', 100);
    const [buy] = await s.sentOrder('buy');
    s.fill(buy!.clOrdId, 100);
    const child = s.actor.getSnapshot().children[buy!.positionId]!;
    await waitFor(child, (x) => (x as unknown as { value: unknown }).value === 'open');
    const record = { value: 'open', context: (child.getSnapshot() as unknown as { context: never }).context };
    const again = startSupervisor({ boot: bootState({ positions: [record] }) });
    await again.running();
    expect(again.children()).toContain(buy!.positionId);
    expect(again.actor.getSnapshot().context.slots).toMatchObject([{ positionId: buy!.positionId, phase: 'open' }]);
  });
});

describe('supervisor intent routing', () => {
  it('an accepted buy spawns one position whose entry is recorded before it is sent, journalled as acted', async () => {
    const s = startSupervisor();
    await s.running();
    await s.signal('BTC/USD', 'buy', 100);
    const [buy] = await s.sentOrder('buy');
    expect(s.calls.indexOf(`recordIntent ${buy!.clOrdId} buy`)).toBeLessThan(s.calls.indexOf(`submitOrder ${buy!.clOrdId} buy`));
    expect(s.records[0]!.signal!.verdict).toEqual({ outcome: 'acted', rejectReason: null, clOrdId: buy!.clOrdId });
    expect(buy!.quantity * 100).toBeCloseTo(1_000, 0);
  });

  it('a fill is booked once on the ledger, journalled, and opens the position', async () => {
    const s = startSupervisor();
    await s.running();
    await s.signal('ETH/USD', 'buy', 50);
    const [buy] = await s.sentOrder('buy');
    const f = s.fill(buy!.clOrdId, 50);
    s.port.venue!({ type: 'venue.fill', fill: f, order: { clOrdId: f.clOrdId, venueOrderId: null, status: 'filled', filledQuantity: f.quantity, fills: [f] } });
    await waitFor(s.actor, (x) => x.context.slots[0]?.phase === 'open');
    expect(s.actor.getSnapshot().context.ledger.holdings['ETH/USD']?.quantity).toBeCloseTo(f.quantity);
    expect(s.journal.filter((c) => c.type === 'journal.fill')).toHaveLength(1);
  });

  it('a fill a position found by asking the venue (none heard) is booked on the ledger and journalled once', async () => {
    const s = startSupervisor();
    await s.running();
    await s.signal('ETH/USD', 'buy', 50);
    const [buy] = await s.sentOrder('buy');
    const f: Fill = {
      tradeId: 'TF',
      clOrdId: buy!.clOrdId,
      pair: 'ETH/USD',
      side: 'buy',
      price: 50,
      quantity: buy!.quantity,
      fee: 0.08,
      liquidity: 'taker',
      time: T0,
    };
    s.atVenue.set(buy!.clOrdId, { clOrdId: buy!.clOrdId, venueOrderId: 'V1', status: 'filled', filledQuantity: buy!.quantity, fills: [f] });
    s.clock.increment(20_001);
    await waitFor(s.actor, (x) => x.context.slots[0]?.phase === 'open');
    expect(s.actor.getSnapshot().context.ledger.holdings['ETH/USD']?.quantity).toBeCloseTo(f.quantity);
    expect(s.journal.filter((c) => c.type === 'journal.fill')).toEqual([{ type: 'journal.fill', fill: f }]);
  });

  it('after a restart a fill the ledger was rebuilt from is not booked again when the venue repeats it', async () => {
    const f: Fill = { tradeId: 'T-old', clOrdId: 'Pold-1', pair: 'BTC/USD', side: 'buy', price: 100, quantity: 1, fee: 0.4, liquidity: 'taker', time: T0 };
    const ledger = createLedger(10_000);
    applyFill(ledger, f);
    const s = startSupervisor({ boot: bootState({ ledger, bookedTradeIds: ['T-old'] }) });
    await s.running();
    s.port.venue!({ type: 'venue.fill', fill: f, order: { clOrdId: f.clOrdId, venueOrderId: 'V0', status: 'filled', filledQuantity: 1, fills: [f] } });
    expect(s.actor.getSnapshot().context.ledger.cash).toBeCloseTo(ledger.cash, 9);
    expect(s.journal.filter((c) => c.type === 'journal.fill')).toEqual([]);
  });

  it('a sell signal closes the open position and the closed trade reaches the breaker', async () => {
    const s = startSupervisor();
    await s.running();
    await s.openPosition('BTC/USD', 100);
    await s.closePosition('BTC/USD', 90);
    await waitFor(s.actor, (x) => x.context.slots.length === 0);
    expect(s.emitted.some((e) => e.type === 'position.closed' && e.pnl < 0)).toBe(true);
    const breaker = s.actor.getSnapshot().children['breaker']!.getSnapshot() as { context: { consecutiveLosses: number } };
    expect(breaker.context.consecutiveLosses).toBe(1);
  });

  it('a closed position and a finished chore leave the children, so memory does not grow with trades', async () => {
    const s = startSupervisor();
    await s.running();
    const before = s.children();
    await s.openPosition('BTC/USD', 100);
    expect(s.children().length).toBe(before.length + 1);
    await s.closePosition('BTC/USD', 110);
    await waitFor(s.actor, (x) => x.context.slots.length === 0);
    s.port.schedule!({ type: 'schedule.feeRefresh', due: T0, time: T0 });
    await waitFor(s.actor, (x) => x.context.settings?.fees['BTC/USD']?.taker === 0.002);
    await waitFor(s.actor, (x) => !Object.keys(x.children).some((id) => id.startsWith('chore-')));
    expect(s.children()).toEqual(before);
  });

  it('while paused an entry is rejected with reason "paused" and recorded', async () => {
    const s = startSupervisor();
    await s.running();
    s.actor.send({ type: 'supervisor.pause', by: 'test' });
    await s.signal('BTC/USD', 'buy', 100);
    expect(s.records.at(-1)!.signal!.verdict).toEqual({ outcome: 'rejected', rejectReason: 'paused', clOrdId: null });
    expect(s.sent.size).toBe(0);
  });

  it('inv. 3: with the breaker halted an entry is refused but a close of an open position passes', async () => {
    const s = startSupervisor();
    await s.running();
    await s.openPosition('BTC/USD', 100);
    s.actor.getSnapshot().children['breaker']!.send({ type: 'breaker.halt', by: 'test', time: T0 });
    await waitFor(s.actor, (x) => x.context.breaker === 'halted');
    await s.signal('ETH/USD', 'buy', 50);
    expect(s.records.at(-1)!.signal!.verdict).toEqual({ outcome: 'rejected', rejectReason: 'breaker_halted', clOrdId: null });
    await s.signal('BTC/USD', 'close', 101);
    expect(await s.sentOrder('sell')).toHaveLength(1);
  });

  it('a losing streak halts entries and a manual resume of the breaker lets them through again', async () => {
    const s = startSupervisor({ limits: { maxConsecutiveLosses: 1 } });
    await s.running();
    await s.openPosition('BTC/USD', 100);
    await s.closePosition('BTC/USD', 90);
    await waitFor(s.actor, (x) => x.context.breaker === 'halted');
    expect((await s.signal('ETH/USD', 'buy', 50)).signal!.verdict.outcome).toBe('rejected');
    s.actor.getSnapshot().children['breaker']!.send({ type: 'breaker.resume', by: 'operator', time: T0 });
    await waitFor(s.actor, (x) => x.context.breaker === 'active' && x.context.streak === 0);
    expect((await s.signal('ETH/USD', 'buy', 50)).signal!.verdict.outcome).toBe('acted');
  });

  it('a closed candle goes to the scanners and a UTC day roll emits the daily snapshot', async () => {
    const s = startSupervisor();
    await s.running();
    s.port.feed!({ type: 'market.candle', pair: 'BTC/USD', candle: candle(100) });
    s.port.feed!({ type: 'market.candle', pair: 'BTC/USD', candle: candle(101, T0 + 86_400_000) });
    await s.until(() => s.scans.length === 2);
    expect(s.scans.map((r) => r.candle.close)).toEqual([100, 101]);
    expect(s.emitted.filter((e) => e.type === 'portfolio.daily')).toHaveLength(1);
    expect(s.journal.some((c) => c.type === 'journal.daily')).toBe(true);
  });
});

describe('supervisor stop paths', () => {
  it('emergency stop halts the breaker, cancels working entries, closes every position, then halts', async () => {
    const s = startSupervisor();
    await s.running();
    await s.openPosition('BTC/USD', 100);
    s.actor.send({ type: 'supervisor.emergencyStop', by: 'test' });
    const [sell] = await s.sentOrder('sell');
    expect(s.actor.getSnapshot().value).toBe('emergencyStop');
    s.fill(sell!.clOrdId, 99);
    await waitFor(s.actor, (x) => x.matches('halted'));
    expect(s.actor.getSnapshot().context.breaker).toBe('halted');
    expect(s.calls).toContain('cancelOrders ');
  });

  it('shutdown stops the scanners and the other children, closes the store, and ends stopped', async () => {
    const s = startSupervisor();
    await s.running();
    s.actor.send({ type: 'shutdown.requested', signal: 'SIGTERM' });
    await waitFor(s.actor, (x) => x.status === 'done');
    expect(s.actor.getSnapshot().value).toBe('stopped');
    expect(s.calls).toEqual(expect.arrayContaining(['closeStore']));
    expect(s.children()).not.toContain('breaker');
    expect(s.children()).not.toContain('scanner-BTC/USD');
  });
});

describe('supervisor timetable and strategy swap', () => {
  const DAY = 86_400_000;

  it('the 00:00 UTC slot closes the day on the clock even when no candle arrives', async () => {
    const s = startSupervisor();
    await s.running();
    await s.signal('BTC/USD', 'hold', 100);
    expect(s.journal.filter((c) => c.type === 'journal.daily')).toEqual([]);
    const midnight = Math.floor(T0 / DAY) * DAY + DAY;
    s.port.schedule!({ type: 'schedule.dailySnapshot', due: midnight, time: midnight, day: midnight - DAY });
    expect(s.journal.filter((c) => c.type === 'journal.daily')).toMatchObject([{ day: { day: midnight - DAY } }]);
    expect(s.emitted.some((e) => e.type === 'portfolio.daily')).toBe(true);
  });

  it('the fee refresh slot runs the chore and the risk gate uses the refreshed fees at once', async () => {
    const s = startSupervisor();
    await s.running();
    s.port.schedule!({ type: 'schedule.feeRefresh', due: T0, time: T0 });
    await waitFor(s.actor, (x) => x.context.settings?.fees['BTC/USD']?.taker === 0.002);
    expect(s.calls).toContain('chore feeRefresh');
  });

  it('a chore slot that fires while the last run still works is skipped and said, not silently dropped', async () => {
    const stuck = fromCallback<EventObject, { chore: Chore; now: number }>(() => undefined);
    const s = startSupervisor({ runChore: stuck });
    await s.running();
    s.port.schedule!({ type: 'schedule.audit', due: T0, time: T0 });
    expect(s.emitted.filter((e) => e.type === 'supervisor.alert')).toEqual([]);
    s.port.schedule!({ type: 'schedule.audit', due: T0 + DAY, time: T0 + DAY });
    const alerts = s.emitted.filter((e) => e.type === 'supervisor.alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ message: expect.stringContaining('the audit chore has not finished since its last slot') });
    expect(Object.keys(s.actor.getSnapshot().children).filter((id) => id === 'chore-audit')).toHaveLength(1);
  });

  it('candle maintenance runs as a chore; the orchestrator slot is announced and starts no chore (the nightly cycle child takes it, model or offline evolver)', async () => {
    const s = startSupervisor();
    await s.running();
    s.port.schedule!({ type: 'schedule.candleMaintenance', due: T0, time: T0 });
    s.port.schedule!({ type: 'schedule.orchestrator', due: T0 + 1, time: T0 + 2 });
    expect(s.calls).toContain('chore candleMaintenance');
    expect(s.emitted).toContainEqual({ type: 'orchestrator.slot', due: T0 + 1, at: T0 + 2 });
    expect(s.calls.filter((c) => c.startsWith('chore '))).toEqual(['chore candleMaintenance']);
  });

  it('a deploy (an event, nothing polls) takes effect at the next candle of every scanner and leaves the open position alone', async () => {
    const s = startSupervisor();
    await s.running();
    await s.openPosition('BTC/USD', 100);
    const slots = s.actor.getSnapshot().context.slots;
    s.actor.send({ type: 'strategy.deploy', versionId: 'v002', by: 'cli op', reason: 'promoted by hand' });
    await s.signal('ETH/USD', 'hold', 50);
    await s.signal('BTC/USD', 'hold', 101);
    expect(s.scans.at(-2)!.strategyVersion).toBe('v002');
    expect(s.scans.at(-1)!.strategyVersion).toBe('v002');
    expect(s.scans.filter((r) => r.strategyVersion === 'v001').length).toBeGreaterThan(0);
    expect(s.actor.getSnapshot().context.slots).toEqual(slots);
    expect(s.emitted).toContainEqual(
      expect.objectContaining({ type: 'strategy.activated', versionId: 'v002', kind: 'deploy', from: 'v001', by: 'cli op', reason: 'promoted by hand' }),
    );
  });

  it('inv. 5: a failed swap is an alert and the incumbent keeps scanning', async () => {
    const s = startSupervisor({ switchFails: 'child crashed while warming' });
    await s.running();
    s.actor.send({ type: 'strategy.deploy', versionId: 'v002', by: 'cli op', reason: 'promoted by hand' });
    await s.signal('ETH/USD', 'hold', 50);
    expect(s.scans.at(-1)!.strategyVersion).toBe('v001');
    expect(s.emitted.some((e) => e.type === 'supervisor.alert' && e.message.includes('v002'))).toBe(true);
  });
});
