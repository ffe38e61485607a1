import { describe, expect, it } from 'vitest';
import { createRepositories, type FeeScheduleEntry } from '../../src/db/index.ts';
import { T0 } from './fixtures.ts';
import { memoryDb } from './helpers.ts';

describe('fees repository', () => {
  it('round-trips per-pair rates and replaces them on save', () => {
    const repo = createRepositories(memoryDb()).fees;
    const fallback: FeeScheduleEntry = { pair: 'BTC/USD', rates: { maker: 0.0025, taker: 0.004 }, source: 'config', updatedAt: T0 };
    const venue: FeeScheduleEntry = { pair: 'BTC/USD', rates: { maker: 0.0016, taker: 0.0026 }, source: 'venue', updatedAt: T0 + 1 };
    const eth: FeeScheduleEntry = { ...fallback, pair: 'ETH/USD' };
    repo.save(fallback);
    repo.save(eth);
    repo.save(venue);
    expect(repo.get('BTC/USD')).toEqual(venue);
    expect(repo.all()).toEqual([venue, eth]);
    expect(repo.get('SOL/USD')).toBeUndefined();
  });

  it('refuses a rate given in percent instead of a fraction', () => {
    const repo = createRepositories(memoryDb()).fees;
    expect(() => repo.save({ pair: 'BTC/USD', rates: { maker: 0.25, taker: 0.4 }, source: 'config', updatedAt: T0 })).toThrow(/CHECK/);
  });
});
