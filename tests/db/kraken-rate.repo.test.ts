import { describe, expect, it } from 'vitest';
import { krakenRateRepo } from '../../src/db/kraken-rate.repo.ts';
import { simulatedClock } from '../../src/clock/simulated.ts';
import { RestRateCounter } from '../../src/kraken/rate.ts';
import { memoryDb } from './helpers.ts';

describe('kraken rate counter repository', () => {
  it('keeps one row per key hash: nothing before the first save, the last save after', () => {
    const db = memoryDb();
    const mine = krakenRateRepo(db, 'hash-a');
    expect(mine.load()).toBeNull();
    mine.save(3, 1_000);
    mine.save(7.5, 2_000);
    expect(mine.load()).toEqual({ level: 7.5, at: 2_000 });
    expect(krakenRateRepo(db, 'hash-b').load()).toBeNull();
  });

  it('gives a restarted client the counter the last run reached, decayed by the time between', () => {
    const db = memoryDb();
    const clock = simulatedClock(10_000);
    const before = new RestRateCounter(clock, 'starter');
    before.keepIn(krakenRateRepo(db, 'k'));
    for (let i = 0; i < 14; i++) before.spend(1);
    clock.increment(3_000);
    const after = new RestRateCounter(clock, 'starter');
    after.keepIn(krakenRateRepo(db, 'k'));
    expect(after.current()).toBeCloseTo(14 - 0.99, 6);
  });
});
