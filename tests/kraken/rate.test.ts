import { describe, expect, it } from 'vitest';
import { simulatedClock } from '../../src/clock/clock.ts';
import { RestRateCounter, callCost } from '../../src/kraken/rate.ts';

describe('REST rate counter', () => {
  it('charges 2 for ledger and trade history, 0 for AddOrder/CancelOrder, 1 otherwise', () => {
    expect(callCost('TradesHistory')).toBe(2);
    expect(callCost('Ledgers')).toBe(2);
    expect(callCost('AddOrder')).toBe(0);
    expect(callCost('CancelOrder')).toBe(0);
    expect(callCost('Balance')).toBe(1);
  });

  it('lets a starter account spend 14 at once (max 15 minus 1 headroom), then asks to wait for decay', () => {
    const clock = simulatedClock(0);
    const rate = new RestRateCounter(clock, 'starter');
    for (let i = 0; i < 14; i++) {
      expect(rate.waitMs(1)).toBe(0);
      void rate.take(1);
    }
    // one more unit needs 1 / 0.33 per second ≈ 3031 ms
    expect(rate.waitMs(1)).toBe(Math.ceil(1 / 0.00033));
  });

  it('decays per tier: a pro counter drains 1 per second', () => {
    const clock = simulatedClock(0);
    const rate = new RestRateCounter(clock, 'pro');
    for (let i = 0; i < 10; i++) void rate.take(1);
    clock.increment(4_000);
    expect(rate.current()).toBeCloseTo(6, 6);
    clock.increment(60_000);
    expect(rate.current()).toBe(0);
  });

  it('waits on the injected clock, not real time, when the counter is full', async () => {
    const clock = simulatedClock(0);
    const rate = new RestRateCounter(clock, 'intermediate');
    for (let i = 0; i < 19; i++) await rate.take(1);
    let done = false;
    const pending = rate.take(1).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    clock.increment(2_000);
    await pending;
    expect(done).toBe(true);
  });

  it('after the venue reports a rate limit, the next call waits until the counter has drained', () => {
    const clock = simulatedClock(0);
    const rate = new RestRateCounter(clock, 'pro');
    rate.saturate();
    expect(rate.waitMs(1)).toBeGreaterThan(1_000);
  });
});
