import { describe, expect, it } from 'vitest';
import { simulatedClock } from '../../src/clock/simulated.ts';
import { PrivateCallLanes, type CallLane } from '../../src/kraken/lanes.ts';
import { RestRateCounter } from '../../src/kraken/rate.ts';

/** Lanes on a starter counter (14 usable points, 0.33 back per second) and a clock only the test moves. */
function world(opts: { orderBurst?: number } = {}) {
  const clock = simulatedClock(0);
  const rate = new RestRateCounter(clock, 'starter');
  const lanes = new PrivateCallLanes(clock, rate, opts);
  const started: string[] = [];
  const held = new Map<string, () => void>();
  /** A call that runs until `release(name)` (or at once with `quick`). */
  const call = (name: string, lane: CallLane, cost = 1, o: { quick?: boolean; signal?: AbortSignal } = {}) =>
    lanes.run({ lane, cost, signal: o.signal, aborted: () => new Error(`${name} aborted`) }, async () => {
      started.push(name);
      if (!o.quick) await new Promise<void>((resolve) => held.set(name, resolve));
      return name;
    });
  const release = async (name: string) => {
    held.get(name)?.();
    await settle();
  };
  return { clock, rate, lanes, started, call, release };
}

/** Lets every pending promise callback run (the lanes start the next call when one settles). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('private call lanes: one call at a time, orders first', () => {
  it('runs calls of one lane one at a time, in the order they asked', async () => {
    const w = world();
    const all = Promise.all([w.call('a', 'background'), w.call('b', 'background'), w.call('c', 'background')]);
    await settle();
    expect(w.started).toEqual(['a']);
    await w.release('a');
    await w.release('b');
    await w.release('c');
    expect(await all).toEqual(['a', 'b', 'c']);
  });

  it('keeps working after a call throws', async () => {
    const w = world();
    const failing = w.lanes.run({ lane: 'order', cost: 1, aborted: () => new Error('x') }, () => Promise.reject(new Error('boom')));
    await expect(failing).rejects.toThrow('boom');
    await expect(w.call('after', 'background', 1, { quick: true })).resolves.toBe('after');
  });

  it('starts a waiting order call before background calls that asked earlier', async () => {
    const w = world();
    const sweep = [w.call('sweep1', 'background'), w.call('sweep2', 'background'), w.call('sweep3', 'background')];
    await settle();
    const order = w.call('lookup', 'order');
    const add = w.call('AddOrder', 'order', 0);
    await w.release('sweep1');
    expect(w.started).toEqual(['sweep1', 'lookup']);
    await w.release('lookup');
    await w.release('AddOrder');
    await w.release('sweep2');
    await w.release('sweep3');
    await Promise.all([...sweep, order, add]);
    expect(w.started).toEqual(['sweep1', 'lookup', 'AddOrder', 'sweep2', 'sweep3']);
  });

  it('leaves the reserve to orders: a busy sweep stops 2 points short, and the lookup of an order goes out at once', async () => {
    const w = world();
    const sweep = Array.from({ length: 14 }, (_, i) => w.call(`sweep${i}`, 'background', 1, { quick: true }));
    await settle();
    // 12 of 14 points spent; the 13th background call waits for decay although 2 points are free.
    expect(w.started).toHaveLength(12);
    expect(w.rate.current()).toBe(12);
    const open = w.call('OpenOrders', 'order', 1, { quick: true });
    const closed = w.call('ClosedOrders', 'order', 1, { quick: true });
    await expect(Promise.all([open, closed])).resolves.toEqual(['OpenOrders', 'ClosedOrders']);
    expect(w.clock.now()).toBe(0);
    // The sweep goes on as the counter decays (1 point each 1 / 0.33 s), in its own order.
    for (let i = 0; i < 30 && w.started.length < 16; i++) {
      w.clock.increment(1_000);
      await settle();
    }
    await Promise.all(sweep);
    expect(w.started.slice(12)).toEqual(['OpenOrders', 'ClosedOrders', 'sweep12', 'sweep13']);
  });

  it('gives the points decay brings back to an order that arrives while a background call waits for them', async () => {
    const w = world();
    w.rate.saturate();
    const history = w.call('TradesHistory', 'background', 2, { quick: true });
    await settle();
    w.clock.increment(1_000);
    await settle();
    const lookup = w.call('OpenOrders', 'order', 1, { quick: true });
    // Full counter (15): the order's point is back once the level is at 13, the history's after it falls to 10.
    w.clock.increment(5_100);
    await settle();
    expect(w.started).toEqual(['OpenOrders']);
    await lookup;
    for (let i = 0; i < 30 && w.started.length < 2; i++) {
      w.clock.increment(1_000);
      await settle();
    }
    await history;
    expect(w.started).toEqual(['OpenOrders', 'TradesHistory']);
  });

  it('never starves background: after orderBurst order calls pass it, the waiting background call goes next', async () => {
    const w = world({ orderBurst: 2 });
    const first = w.call('order0', 'order');
    await settle();
    const sweep = w.call('sweep', 'background');
    const orders = [1, 2, 3].map((i) => w.call(`order${i}`, 'order'));
    for (const name of ['order0', 'order1', 'order2', 'sweep', 'order3']) await w.release(name);
    await Promise.all([first, sweep, ...orders]);
    expect(w.started).toEqual(['order0', 'order1', 'order2', 'sweep', 'order3']);
  });

  it('never starts a call whose caller gave up while it waited, and goes on with the rest', async () => {
    const w = world();
    const busy = w.call('busy', 'background');
    await settle();
    const ac = new AbortController();
    const gone = w.call('AddOrder', 'order', 0, { signal: ac.signal });
    const next = w.call('next', 'order', 1, { quick: true });
    ac.abort();
    await expect(gone).rejects.toThrow('AddOrder aborted');
    await w.release('busy');
    await expect(next).resolves.toBe('next');
    await busy;
    expect(w.started).toEqual(['busy', 'next']);
    expect(w.lanes.pending()).toEqual({ order: 0, background: 0 });
  });

  it('starts a call only after the code that queued it has finished (a simulated clock fires a whole step of timers at once)', async () => {
    const w = world();
    let ran = false;
    const call = w.lanes.run({ lane: 'order', cost: 1, aborted: () => new Error('aborted') }, async () => {
      ran = true;
      return 'sent';
    });
    // Its timeout, set as it starts, must count from after the step, not from a moment inside it.
    expect(ran).toBe(false);
    await expect(call).resolves.toBe('sent');
    expect(ran).toBe(true);
  });
});
