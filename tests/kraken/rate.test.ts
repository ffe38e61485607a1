import { describe, expect, it } from 'vitest';
import { simulatedClock } from '../../src/clock/simulated.ts';
import { RestRateCounter, callCost } from '../../src/kraken/rate.ts';

describe('REST rate counter', () => {
  it('charges 2 for ledger and trade history, 0 for AddOrder/CancelOrder (the engine limiter), 1 otherwise', () => {
    expect(callCost('TradesHistory')).toBe(2);
    expect(callCost('Ledgers')).toBe(2);
    expect(callCost('AddOrder')).toBe(0);
    expect(callCost('CancelOrder')).toBe(0);
    expect(callCost('Balance')).toBe(1);
    // kraken-api.md §7 excludes only AddOrder and CancelOrder from the REST counter.
    expect(callCost('CancelAll')).toBe(1);
    expect(callCost('CancelAllOrdersAfter')).toBe(1);
    expect(callCost('AddOrderBatch')).toBe(1);
  });

  it('lets a starter account spend 14 at once (max 15 minus 1 headroom), then asks to wait for decay', () => {
    const clock = simulatedClock(0);
    const rate = new RestRateCounter(clock, 'starter');
    for (let i = 0; i < 14; i++) {
      expect(rate.waitMs(1)).toBe(0);
      rate.spend(1);
    }
    // one more unit needs 1 / 0.33 per second ≈ 3031 ms
    expect(rate.waitMs(1)).toBe(Math.ceil(1 / 0.00033));
  });

  it('decays per tier: a pro counter drains 1 per second', () => {
    const clock = simulatedClock(0);
    const rate = new RestRateCounter(clock, 'pro');
    for (let i = 0; i < 10; i++) rate.spend(1);
    clock.increment(4_000);
    expect(rate.current()).toBeCloseTo(6, 6);
    clock.increment(60_000);
    expect(rate.current()).toBe(0);
  });

  it('keeps a reserve on request: a call that must leave 2 points free waits for them', () => {
    const clock = simulatedClock(0);
    const rate = new RestRateCounter(clock, 'intermediate');
    for (let i = 0; i < 17; i++) rate.spend(1);
    expect(rate.waitMs(1)).toBe(0);
    expect(rate.waitMs(1, 2)).toBe(2_000);
    clock.increment(2_000);
    expect(rate.waitMs(1, 2)).toBe(0);
  });

  it('after the venue reports a rate limit, the next call waits until the counter has drained', () => {
    const clock = simulatedClock(0);
    const rate = new RestRateCounter(clock, 'pro');
    rate.saturate();
    expect(rate.waitMs(1)).toBeGreaterThan(1_000);
  });
});

/** A saved counter in memory, as the database keeps it between runs. */
function memoryStore(initial: { level: number; at: number } | null = null) {
  let saved = initial;
  return { load: () => saved, save: (level: number, at: number) => void (saved = { level, at }), saved: () => saved };
}

describe('REST rate counter across a restart', () => {
  it("starts from the saved level decayed by the time since it was saved (Kraken's counter did not restart)", () => {
    const clock = simulatedClock(100_000);
    const rate = new RestRateCounter(clock, 'starter');
    rate.keepIn(memoryStore({ level: 14, at: 100_000 - 3_000 }));
    // 3 s at 0.33/s took 0.99 off the 14 the last run reached.
    expect(rate.current()).toBeCloseTo(13.01, 6);
    expect(rate.waitMs(2)).toBeGreaterThan(0);
  });

  it('saves every booking and every saturation, so the next process starts from them', () => {
    const clock = simulatedClock(0);
    const store = memoryStore();
    const first = new RestRateCounter(clock, 'starter');
    first.keepIn(store);
    for (let i = 0; i < 10; i++) first.spend(1);
    expect(store.saved()).toEqual({ level: 10, at: 0 });
    first.saturate();
    expect(store.saved()?.level).toBe(15);
    // A crash loop: the next run, a moment later, may not spend anything until the counter has drained.
    const next = new RestRateCounter(clock, 'starter');
    next.keepIn(store);
    expect(next.waitMs(1)).toBeGreaterThan(3_000);
  });

  it('takes no decay for a saved time ahead of the clock (the clock stepped back)', () => {
    const clock = simulatedClock(50_000);
    const rate = new RestRateCounter(clock, 'pro');
    rate.keepIn(memoryStore({ level: 12, at: 80_000 }));
    expect(rate.current()).toBe(12);
  });

  it('starts at zero on a fresh store (no saved level)', () => {
    const clock = simulatedClock(0);
    const store = memoryStore();
    const rate = new RestRateCounter(clock, 'pro');
    rate.keepIn(store);
    expect(rate.current()).toBe(0);
    expect(store.saved()).toEqual({ level: 0, at: 0 });
  });

  it('never fails a booking when the save fails (disk full): it says so and counts on', () => {
    const clock = simulatedClock(0);
    const rate = new RestRateCounter(clock, 'starter');
    const failures: unknown[] = [];
    let full = false;
    rate.keepIn(
      {
        load: () => null,
        save: () => {
          if (full) throw new Error('database or disk is full');
        },
      },
      (err) => failures.push(err),
    );
    full = true;
    expect(() => rate.spend(3)).not.toThrow();
    expect(() => rate.saturate()).not.toThrow();
    expect(rate.current()).toBe(15);
    expect(failures).toHaveLength(2);
  });
});
